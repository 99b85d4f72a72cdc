/*
 * The petition's cryptography (seal.h): keys derived from one seed,
 * key files that refuse the wrong half, addresses in one form, dedup
 * hashes per petition, and sealed signatures that only the secret key
 * opens, of the same size whatever the lengths inside.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sodium.h>

#include "seal/seal.h"
#include "text/text.h"

static void test_derive(void **state)
{
	(void)state;
	tm_seal_secret a, b, c;
	tm_err err = { 0 };
	assert_int_equal(tm_seal_keygen(&a, &err), TM_OK);
	assert_int_equal(tm_seal_derive(a.seed, &b, &err), TM_OK);
	/* the same seed gives the same keys */
	assert_memory_equal(a.pk, b.pk, 32);
	assert_memory_equal(a.sk, b.sk, 32);
	assert_memory_equal(a.dedup, b.dedup, 32);
	/* the dedup key is none of the others */
	assert_memory_not_equal(a.dedup, a.sk, 32);
	assert_memory_not_equal(a.dedup, a.seed, 32);
	assert_memory_not_equal(a.dedup, a.pk, 32);
	/* and the secret key belongs to the public one */
	unsigned char pk[32];
	crypto_scalarmult_base(pk, a.sk);
	assert_memory_equal(pk, a.pk, 32);
	assert_int_equal(tm_seal_keygen(&c, &err), TM_OK);
	assert_memory_not_equal(a.seed, c.seed, 32);

	char text[TM_SEAL_KEY_TEXT], fp[TM_SEAL_FINGERPRINT];
	unsigned char back[32];
	tm_seal_key_text(a.pk, text);
	assert_int_equal(strlen(text), 43);
	assert_int_equal(tm_seal_key_parse(text, back), 0);
	assert_memory_equal(back, a.pk, 32);
	text[42] = '!';
	assert_int_equal(tm_seal_key_parse(text, back), -1);
	assert_int_equal(tm_seal_key_parse("short", back), -1);
	tm_seal_fingerprint(a.pk, fp);
	assert_int_equal(strlen(fp), 39);
	assert_int_equal(fp[4], ' ');
}

static void test_key_files(void **state)
{
	(void)state;
	char dir[] = "/tmp/tm-petition-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char sec_path[64], srv_path[64];
	snprintf(sec_path, sizeof(sec_path), "%s/org.key", dir);
	snprintf(srv_path, sizeof(srv_path), "%s/server.key", dir);
	tm_seal_secret s, s2;
	tm_seal_server_key k, k2;
	tm_err err = { 0 };
	assert_int_equal(tm_seal_keygen(&s, &err), TM_OK);
	tm_seal_server_half(&s, &k);
	assert_int_equal(tm_seal_secret_write(sec_path, &s, &err), TM_OK);
	assert_int_equal(tm_seal_server_key_write(srv_path, &k, &err), TM_OK);
	/* never overwritten */
	assert_int_equal(tm_seal_secret_write(sec_path, &s, &err), TM_ERR_IO);
	assert_non_null(strstr(err.msg, "exists already"));
	assert_int_equal(access(sec_path, R_OK), 0);

	assert_int_equal(tm_seal_secret_read(sec_path, &s2, &err), TM_OK);
	assert_memory_equal(s2.sk, s.sk, 32);
	assert_int_equal(tm_seal_server_key_read(srv_path, &k2, &err), TM_OK);
	assert_memory_equal(k2.pk, s.pk, 32);
	assert_memory_equal(k2.dedup, s.dedup, 32);

	/* the wrong half, each way, says which it is */
	assert_int_equal(tm_seal_secret_read(srv_path, &s2, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "cannot open signatures"));
	assert_int_equal(tm_seal_server_key_read(sec_path, &k2, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "must never go on the server"));
	/* the server key holds nothing of the secret */
	FILE *f = fopen(srv_path, "r");
	char buf[2048];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char seed[TM_SEAL_KEY_TEXT], sk[TM_SEAL_KEY_TEXT];
	tm_seal_key_text(s.seed, seed);
	tm_seal_key_text(s.sk, sk);
	assert_null(strstr(buf, seed));
	assert_null(strstr(buf, sk));

	/* damage is reported with the line */
	char pk[TM_SEAL_KEY_TEXT], other[TM_SEAL_KEY_TEXT];
	tm_seal_key_text(s.pk, pk);
	tm_seal_secret t;
	assert_int_equal(tm_seal_keygen(&t, &err), TM_OK);
	tm_seal_key_text(t.pk, other);
	char text[512];
	snprintf(text, sizeof(text), "tiemap-petition-secret 1\nseed %s\npublic %s\n", seed, other);
	assert_int_equal(tm_seal_secret_parse("x.key", text, strlen(text), &s2, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "does not give its public key"));
	snprintf(text, sizeof(text), "# c\ntiemap-petition-secret 1\nseed %s\ncolour blue\n", seed);
	assert_int_equal(tm_seal_secret_parse("x.key", text, strlen(text), &s2, &err), TM_ERR_INVALID);
	assert_string_equal(err.msg, "x.key:4: unknown field 'colour'");
	snprintf(text, sizeof(text), "tiemap-petition-secret 1\nseed abc\npublic %s\n", pk);
	assert_int_equal(tm_seal_secret_parse("x.key", text, strlen(text), &s2, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "x.key:2: 'seed' is not a key"));
	snprintf(text, sizeof(text), "tiemap-petition-secret 1\npublic %s\n", pk);
	assert_int_equal(tm_seal_secret_parse("x.key", text, strlen(text), &s2, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "lacks its 'seed' line"));
	assert_int_equal(tm_seal_secret_parse("x.key", "hello\n", 6, &s2, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "not a petition key file"));

	unlink(sec_path);
	unlink(srv_path);
	rmdir(dir);
	tm_text_shutdown();
}

static void norm_is(const char *in, const char *want)
{
	tm_buf b = TM_BUF_INIT;
	tm_err err = { 0 };
	tm_rc rc = tm_seal_email_norm(in, &b, &err);
	if (want) {
		assert_int_equal(rc, TM_OK);
		assert_string_equal(b.buf, want);
	} else {
		assert_int_equal(rc, TM_ERR_INVALID);
	}
	tm_buf_release(&b);
}

static void test_email(void **state)
{
	(void)state;
	norm_is("lin@example.org", "lin@example.org");
	norm_is("  Lin@Example.ORG \n", "lin@example.org");
	/* a Chinese keyboard's full-width forms and ideographic space */
	norm_is("\xe3\x80\x80\xef\xbc\xac\xef\xbd\x89\xef\xbd\x8e\xef\xbc\xa0" "example.org", "lin@example.org");
	/* a zero-width space is folded away */
	norm_is("li\xe2\x80\x8bn@example.org", "lin@example.org");
	norm_is("a+b@example.org", "a+b@example.org");
	norm_is("\xe6\x9e\x97@\xe4\xbe\x8b\xe5\xad\x90.\xe4\xb8\xad\xe5\x9b\xbd", "\xe6\x9e\x97@\xe4\xbe\x8b\xe5\xad\x90.\xe4\xb8\xad\xe5\x9b\xbd");
	norm_is("", NULL);
	norm_is("lin", NULL);
	norm_is("lin@", NULL);
	norm_is("@example.org", NULL);
	norm_is("lin@localhost", NULL);
	norm_is("lin@@example.org", NULL);
	norm_is("a@b@example.org", NULL);
	norm_is("lin @example.org", NULL);
	norm_is("lin@.example.org", NULL);
	norm_is("<lin@example.org>", NULL);
	norm_is("lin@example.org\xe2\x80\xae", NULL);
	char longer[300];
	memset(longer, 'a', 70);
	strcpy(longer + 70, "@example.org");
	norm_is(longer, NULL); /* local part over 64 */

	tm_seal_signer s = { 0 };
	const char *field = NULL;
	s.name = strdup("  林 ");
	s.email = strdup(" lin@example.org ");
	s.city = strdup("   ");
	assert_int_equal(tm_seal_signer_check(&s, &field), 0);
	assert_string_equal(s.name, "林");
	assert_string_equal(s.email, "lin@example.org");
	assert_null(s.city);
	free(s.city);
	s.city = strdup("Van\x01" "couver");
	assert_int_equal(tm_seal_signer_check(&s, &field), -1);
	assert_string_equal(field, "city");
	tm_seal_signer_release(&s);
	s.name = strdup("");
	s.email = strdup("lin@example.org");
	assert_int_equal(tm_seal_signer_check(&s, &field), -1);
	assert_string_equal(field, "name");
	tm_seal_signer_release(&s);
	char name[400];
	memset(name, 0, sizeof(name));
	for (int i = 0; i < 101; i++)
		strcat(name, "\xe6\x9e\x97");
	s.name = strdup(name);
	s.email = strdup("lin@example.org");
	assert_int_equal(tm_seal_signer_check(&s, &field), -1);
	assert_string_equal(field, "name");
	tm_seal_signer_release(&s);
	s.name = strdup("Lin");
	s.email = strdup("nobody");
	assert_int_equal(tm_seal_signer_check(&s, &field), -1);
	assert_string_equal(field, "email");
	tm_seal_signer_release(&s);
	tm_text_shutdown();
}

static void test_dedup(void **state)
{
	(void)state;
	tm_seal_secret a, b;
	tm_err err = { 0 };
	assert_int_equal(tm_seal_keygen(&a, &err), TM_OK);
	assert_int_equal(tm_seal_keygen(&b, &err), TM_OK);
	unsigned char h1[16], h2[16], h3[16], h4[16];
	tm_seal_dedup(a.dedup, "p1", "lin@example.org", h1);
	tm_seal_dedup(a.dedup, "p1", "lin@example.org", h2);
	assert_memory_equal(h1, h2, 16);
	tm_seal_dedup(a.dedup, "p2", "lin@example.org", h3);
	assert_memory_not_equal(h1, h3, 16); /* another petition: not joinable */
	tm_seal_dedup(b.dedup, "p1", "lin@example.org", h4);
	assert_memory_not_equal(h1, h4, 16); /* another key */
	/* an unkeyed hash of the address is not what is stored */
	unsigned char plain[16];
	crypto_generichash(plain, 16, (const unsigned char *)"lin@example.org", 15, NULL, 0);
	assert_memory_not_equal(h1, plain, 16);
}

static void test_seal(void **state)
{
	(void)state;
	tm_seal_secret a, b;
	tm_err err = { 0 };
	assert_int_equal(tm_seal_keygen(&a, &err), TM_OK);
	assert_int_equal(tm_seal_keygen(&b, &err), TM_OK);
	tm_seal_signer s = { .name = "林小明", .email = "lin@example.org", .city = "Vancouver", .show = 1 };
	strcpy(s.signed_at, "2025-03-01T10:00:00Z");
	tm_buf sealed = TM_BUF_INIT, again = TM_BUF_INIT, shortone = TM_BUF_INIT;
	assert_int_equal(tm_seal_signature(a.pk, "p1", &s, &sealed, &err), TM_OK);
	assert_int_equal(tm_seal_signature(a.pk, "p1", &s, &again, &err), TM_OK);
	/* padded: one size for short and longer fields alike */
	assert_int_equal(sealed.len, TM_SEAL_PAD + crypto_box_SEALBYTES);
	/* ephemeral keys: the same signature seals differently each time */
	assert_memory_not_equal(sealed.buf, again.buf, sealed.len);
	for (size_t i = 0; i + 4 <= sealed.len; i++)
		assert_false(memcmp(sealed.buf + i, "lin@", 4) == 0);
	tm_seal_signer t = { .name = "L", .email = "l@x.io" };
	strcpy(t.signed_at, "2025-03-01T10:00:00Z");
	assert_int_equal(tm_seal_signature(a.pk, "p1", &t, &shortone, &err), TM_OK);
	assert_int_equal(shortone.len, sealed.len);

	tm_seal_signer o;
	assert_int_equal(tm_seal_open(&a, "p1", (unsigned char *)sealed.buf, sealed.len, &o, &err), TM_OK);
	assert_string_equal(o.name, "林小明");
	assert_string_equal(o.email, "lin@example.org");
	assert_string_equal(o.city, "Vancouver");
	assert_int_equal(o.show, 1);
	assert_string_equal(o.signed_at, "2025-03-01T10:00:00Z");
	tm_seal_signer_release(&o);
	assert_int_equal(tm_seal_open(&a, "p1", (unsigned char *)shortone.buf, shortone.len, &o, &err), TM_OK);
	assert_null(o.city);
	assert_int_equal(o.show, 0);
	tm_seal_signer_release(&o);

	/* another key opens nothing; another petition's signature is refused */
	assert_int_equal(tm_seal_open(&b, "p1", (unsigned char *)sealed.buf, sealed.len, &o, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "does not open"));
	assert_int_equal(tm_seal_open(&a, "p2", (unsigned char *)sealed.buf, sealed.len, &o, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "another petition"));
	/* a key made of the dedup key (what the server holds) opens nothing either */
	tm_seal_secret fake = a;
	memcpy(fake.sk, a.dedup, 32);
	assert_int_equal(tm_seal_open(&fake, "p1", (unsigned char *)sealed.buf, sealed.len, &o, &err),
			 TM_ERR_INVALID);
	/* a flipped bit is caught */
	sealed.buf[60] ^= 1;
	assert_int_equal(tm_seal_open(&a, "p1", (unsigned char *)sealed.buf, sealed.len, &o, &err), TM_ERR_INVALID);
	assert_int_equal(tm_seal_open(&a, "p1", (unsigned char *)sealed.buf, 10, &o, &err), TM_ERR_INVALID);
	tm_buf_release(&sealed);
	tm_buf_release(&again);
	tm_buf_release(&shortone);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_derive), cmocka_unit_test(test_key_files), cmocka_unit_test(test_email),
		cmocka_unit_test(test_dedup),  cmocka_unit_test(test_seal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
