/*
 * Keys, key files, addresses, dedup hashes and sealed signatures
 * (seal.h).
 */
#include "seal/seal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text/text.h"

#define KDF_CONTEXT "tmpetitn" /* crypto_kdf's 8-byte context */
#define KDF_BOX 1              /* subkey 1: the seed of the box key pair */
#define KDF_DEDUP 2            /* subkey 2: the dedup key */
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define SECRET_MAGIC "tiemap-petition-secret 1"
#define SERVER_MAGIC "tiemap-petition-server 1"
#define DEDUP_LABEL "tiemap petition dedup 1"
#define KEY_FILE_MAX 4096      /* bytes of a key file: a few lines */
#define SEALED_MAX 8192        /* bytes of a sealed signature: the fields' limits fit in far less */

static tm_rc sodium_ready(tm_err *err)
{
	return sodium_init() < 0 ? tm_fail(err, TM_ERR_INTERNAL, "libsodium cannot start") : TM_OK;
}

tm_rc tm_seal_derive(const unsigned char seed[TM_SEAL_KEY_BYTES], tm_seal_secret *out, tm_err *err)
{
	tm_rc rc = sodium_ready(err);
	if (rc)
		return rc;
	unsigned char box_seed[crypto_box_SEEDBYTES];
	memcpy(out->seed, seed, TM_SEAL_KEY_BYTES);
	if (crypto_kdf_derive_from_key(box_seed, sizeof(box_seed), KDF_BOX, KDF_CONTEXT, seed) != 0 ||
	    crypto_kdf_derive_from_key(out->dedup, TM_SEAL_KEY_BYTES, KDF_DEDUP, KDF_CONTEXT, seed) != 0 ||
	    crypto_box_seed_keypair(out->pk, out->sk, box_seed) != 0)
		rc = tm_fail(err, TM_ERR_INTERNAL, "cannot derive the petition keys");
	sodium_memzero(box_seed, sizeof(box_seed));
	return rc;
}

tm_rc tm_seal_keygen(tm_seal_secret *out, tm_err *err)
{
	tm_rc rc = sodium_ready(err);
	if (rc)
		return rc;
	unsigned char seed[TM_SEAL_KEY_BYTES];
	crypto_kdf_keygen(seed);
	rc = tm_seal_derive(seed, out, err);
	sodium_memzero(seed, sizeof(seed));
	return rc;
}

void tm_seal_server_half(const tm_seal_secret *s, tm_seal_server_key *out)
{
	memcpy(out->pk, s->pk, TM_SEAL_KEY_BYTES);
	memcpy(out->dedup, s->dedup, TM_SEAL_KEY_BYTES);
}

void tm_seal_secret_wipe(tm_seal_secret *s)
{
	sodium_memzero(s, sizeof(*s));
}

void tm_seal_key_text(const unsigned char key[TM_SEAL_KEY_BYTES], char out[TM_SEAL_KEY_TEXT])
{
	sodium_bin2base64(out, TM_SEAL_KEY_TEXT, key, TM_SEAL_KEY_BYTES, B64);
}

int tm_seal_key_parse(const char *s, unsigned char key[TM_SEAL_KEY_BYTES])
{
	size_t n = 0;
	const char *end = NULL;
	if (!s || strlen(s) != TM_SEAL_KEY_TEXT - 1)
		return -1;
	if (sodium_base642bin(key, TM_SEAL_KEY_BYTES, s, strlen(s), NULL, &n, &end, B64) != 0 ||
	    n != TM_SEAL_KEY_BYTES || *end)
		return -1;
	return 0;
}

void tm_seal_fingerprint(const unsigned char pk[TM_SEAL_KEY_BYTES], char out[TM_SEAL_FINGERPRINT])
{
	unsigned char h[16];
	static const char hex[] = "0123456789abcdef";
	crypto_generichash(h, sizeof(h), pk, TM_SEAL_KEY_BYTES, NULL, 0);
	size_t o = 0;
	for (size_t i = 0; i < sizeof(h); i++) {
		if (i && i % 2 == 0)
			out[o++] = ' ';
		out[o++] = hex[h[i] >> 4];
		out[o++] = hex[h[i] & 15];
	}
	out[o] = '\0';
}

/* ---- key files ---- */

static tm_rc write_new(const char *path, const tm_buf *text, tm_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST)
		return tm_fail(err, TM_ERR_IO, "'%s' exists already: a key file is never overwritten", path);
	if (fd < 0)
		return tm_fail(err, TM_ERR_IO, "cannot create '%s': %s", path, strerror(errno));
	size_t done = 0;
	while (done < text->len) {
		ssize_t w = write(fd, text->buf + done, text->len - done);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
	}
	int bad = done != text->len || fsync(fd) != 0;
	if (close(fd) != 0)
		bad = 1;
	if (bad) {
		unlink(path);
		return tm_fail(err, TM_ERR_IO, "cannot write '%s'", path);
	}
	return TM_OK;
}

tm_rc tm_seal_secret_write(const char *path, const tm_seal_secret *s, tm_err *err)
{
	char seed[TM_SEAL_KEY_TEXT], pk[TM_SEAL_KEY_TEXT];
	tm_seal_key_text(s->seed, seed);
	tm_seal_key_text(s->pk, pk);
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b,
		    "# tiemap petition secret key: for the organisers alone.  Whoever has this\n"
		    "# file can read every signature.  Keep it off the server, on an offline\n"
		    "# machine or an encrypted USB stick, with a copy of the seed line on paper\n"
		    "# somewhere safe (docs/petitions.md).\n"
		    SECRET_MAGIC "\n"
		    "seed %s\n"
		    "public %s\n",
		    seed, pk);
	tm_rc rc = write_new(path, &b, err);
	sodium_memzero(b.buf, b.len);
	sodium_memzero(seed, sizeof(seed));
	tm_buf_release(&b);
	return rc;
}

tm_rc tm_seal_server_key_write(const char *path, const tm_seal_server_key *k, tm_err *err)
{
	char pk[TM_SEAL_KEY_TEXT], dedup[TM_SEAL_KEY_TEXT];
	tm_seal_key_text(k->pk, pk);
	tm_seal_key_text(k->dedup, dedup);
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b,
		    "# tiemap petition server key: for `tiemap serve --petition-key FILE`.  It\n"
		    "# cannot open a signature, but with the database it tells whether an address\n"
		    "# signed: keep it mode 600, and out of the database's backups.\n"
		    SERVER_MAGIC "\n"
		    "public %s\n"
		    "dedup %s\n",
		    pk, dedup);
	tm_rc rc = write_new(path, &b, err);
	sodium_memzero(b.buf, b.len);
	sodium_memzero(dedup, sizeof(dedup));
	tm_buf_release(&b);
	return rc;
}

/* The fields of a key file: names[i]'s key goes to keys[i]. */
static tm_rc parse_key_file(const char *name, const char *text, size_t n, const char *magic, const char *other_magic,
			    const char *other_what, const char *const *names, unsigned char *const *keys, size_t n_keys,
			    tm_err *err)
{
	if (n > KEY_FILE_MAX)
		return tm_fail(err, TM_ERR_INVALID, "'%s' is not a petition key file: it is longer than %d bytes", name,
			       KEY_FILE_MAX);
	if (!tm_utf8_valid(text, n))
		return tm_fail(err, TM_ERR_INVALID, "'%s' is not a petition key file: it is not text", name);
	int seen_magic = 0;
	unsigned have = 0;
	size_t lineno = 0;
	for (size_t at = 0; at < n;) {
		const char *line = text + at;
		const char *nl = memchr(line, '\n', n - at);
		size_t len = nl ? (size_t)(nl - line) : n - at;
		at += nl ? len + 1 : len;
		lineno++;
		while (len && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
			len--;
		while (len && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		if (!len || *line == '#')
			continue;
		if (!seen_magic) {
			if (len == strlen(magic) && memcmp(line, magic, len) == 0) {
				seen_magic = 1;
				continue;
			}
			if (len == strlen(other_magic) && memcmp(line, other_magic, len) == 0)
				return tm_fail(err, TM_ERR_INVALID, "'%s' is %s", name, other_what);
			return tm_fail(err, TM_ERR_INVALID, "%s:%zu: not a petition key file (no '%s' line)", name,
				       lineno, magic);
		}
		const char *sp = memchr(line, ' ', len);
		size_t klen = sp ? (size_t)(sp - line) : len;
		size_t k;
		for (k = 0; k < n_keys; k++)
			if (strlen(names[k]) == klen && memcmp(names[k], line, klen) == 0)
				break;
		if (k == n_keys)
			return tm_fail(err, TM_ERR_INVALID, "%s:%zu: unknown field '%.*s'", name, lineno,
				       (int)(klen > 40 ? 40 : klen), line);
		if (have & (1u << k))
			return tm_fail(err, TM_ERR_INVALID, "%s:%zu: '%s' given twice", name, lineno, names[k]);
		char value[TM_SEAL_KEY_TEXT + 1];
		size_t vlen = sp ? len - klen - 1 : 0;
		const char *v = sp ? sp + 1 : "";
		while (vlen && *v == ' ') {
			v++;
			vlen--;
		}
		int bad = vlen >= sizeof(value);
		if (!bad) {
			memcpy(value, v, vlen);
			value[vlen] = '\0';
			bad = tm_seal_key_parse(value, keys[k]);
			sodium_memzero(value, sizeof(value));
		}
		if (bad)
			return tm_fail(err, TM_ERR_INVALID, "%s:%zu: '%s' is not a key (43 characters of URL-safe base64)",
				       name, lineno, names[k]);
		have |= 1u << k;
	}
	if (!seen_magic)
		return tm_fail(err, TM_ERR_INVALID, "'%s' is not a petition key file (no '%s' line)", name, magic);
	for (size_t k = 0; k < n_keys; k++)
		if (!(have & (1u << k)))
			return tm_fail(err, TM_ERR_INVALID, "'%s' lacks its '%s' line", name, names[k]);
	return TM_OK;
}

tm_rc tm_seal_secret_parse(const char *name, const char *text, size_t n, tm_seal_secret *out, tm_err *err)
{
	unsigned char seed[TM_SEAL_KEY_BYTES], pk[TM_SEAL_KEY_BYTES];
	static const char *const names[] = { "seed", "public" };
	unsigned char *const keys[] = { seed, pk };
	memset(out, 0, sizeof(*out));
	tm_rc rc = parse_key_file(name, text, n, SECRET_MAGIC, SERVER_MAGIC,
				  "the server's key, which cannot open signatures: give the organisers' secret key "
				  "(the --secret-key file of 'tiemap petition keygen')",
				  names, keys, 2, err);
	if (!rc)
		rc = tm_seal_derive(seed, out, err);
	if (!rc && sodium_memcmp(pk, out->pk, TM_SEAL_KEY_BYTES) != 0)
		rc = tm_fail(err, TM_ERR_INVALID, "'%s' is damaged: its seed does not give its public key", name);
	sodium_memzero(seed, sizeof(seed));
	if (rc)
		tm_seal_secret_wipe(out);
	return rc;
}

tm_rc tm_seal_server_key_parse(const char *name, const char *text, size_t n, tm_seal_server_key *out,
				   tm_err *err)
{
	static const char *const names[] = { "public", "dedup" };
	unsigned char *const keys[] = { out->pk, out->dedup };
	memset(out, 0, sizeof(*out));
	tm_rc rc = parse_key_file(name, text, n, SERVER_MAGIC, SECRET_MAGIC,
				  "the organisers' secret key, which must never go on the server: give the "
				  "--server-key file of 'tiemap petition keygen'",
				  names, keys, 2, err);
	if (rc)
		sodium_memzero(out, sizeof(*out));
	return rc;
}

/* The whole of a small file, into b. */
static tm_rc read_small(const char *path, tm_buf *b, tm_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return tm_fail(err, TM_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
	char chunk[1024];
	size_t got;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0 && b->len <= KEY_FILE_MAX)
		tm_buf_add(b, chunk, got);
	sodium_memzero(chunk, sizeof(chunk));
	int bad = ferror(f);
	fclose(f);
	return bad ? tm_fail(err, TM_ERR_IO, "cannot read '%s'", path) : TM_OK;
}

tm_rc tm_seal_secret_read(const char *path, tm_seal_secret *out, tm_err *err)
{
	tm_buf b = TM_BUF_INIT;
	tm_rc rc = read_small(path, &b, err);
	if (!rc)
		rc = tm_seal_secret_parse(path, b.buf, b.len, out, err);
	sodium_memzero(b.buf, b.len);
	tm_buf_release(&b);
	return rc;
}

tm_rc tm_seal_server_key_read(const char *path, tm_seal_server_key *out, tm_err *err)
{
	tm_buf b = TM_BUF_INIT;
	tm_rc rc = read_small(path, &b, err);
	if (!rc)
		rc = tm_seal_server_key_parse(path, b.buf, b.len, out, err);
	sodium_memzero(b.buf, b.len);
	tm_buf_release(&b);
	return rc;
}

/* ---- signers ---- */

void tm_seal_signer_release(tm_seal_signer *s)
{
	if (!s)
		return;
	char *v[] = { s->name, s->email, s->city };
	for (size_t i = 0; i < 3; i++)
		if (v[i]) {
			sodium_memzero(v[i], strlen(v[i]));
			free(v[i]);
		}
	memset(s, 0, sizeof(*s));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trim s in place; NULL when nothing is left (and s is freed). */
static char *trim(char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s), a = 0;
	while (a < n && is_space(s[a]))
		a++;
	while (n > a && is_space(s[n - 1]))
		n--;
	memmove(s, s + a, n - a);
	s[n - a] = '\0';
	if (!*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* Code points of valid UTF-8 s. */
static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* 1 when s holds a C0 or C1 control character, DEL, or a bidi control. */
static int has_control(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] < 0xA0))
			return 1;
	return tm_bidi_has(s);
}

static int text_ok(const char *s, size_t max_chars)
{
	return tm_utf8_valid(s, strlen(s)) && chars(s) <= max_chars && !has_control(s);
}

int tm_seal_signer_check(tm_seal_signer *s, const char **field)
{
	s->name = trim(s->name);
	s->email = trim(s->email);
	s->city = trim(s->city);
	if (!s->name || !text_ok(s->name, TM_SEAL_NAME_MAX)) {
		*field = "name";
		return -1;
	}
	tm_buf norm = TM_BUF_INIT;
	int bad = !s->email || strlen(s->email) > 4 * TM_SEAL_EMAIL_MAX || tm_seal_email_norm(s->email, &norm, NULL);
	tm_buf_release(&norm);
	if (bad) {
		*field = "email";
		return -1;
	}
	if (s->city && !text_ok(s->city, TM_SEAL_NAME_MAX)) {
		*field = "city";
		return -1;
	}
	return 0;
}

tm_rc tm_seal_email_norm(const char *email, tm_buf *out, tm_err *err)
{
	/* folding would drop a bidi control (a default ignorable), but the
	 * address as typed is what the organisers' spreadsheet shows */
	if (tm_bidi_has(email))
		return tm_fail(err, TM_ERR_INVALID, "not an email address");
	tm_buf f = TM_BUF_INIT;
	tm_rc rc = tm_text_fold(email, strlen(email), &f, err);
	if (rc) {
		tm_buf_release(&f);
		return rc;
	}
	/* folding may leave spaces that the raw form hid (an ideographic space) */
	size_t a = 0, n = f.len;
	while (a < n && is_space(f.buf[a]))
		a++;
	while (n > a && is_space(f.buf[n - 1]))
		n--;
	const char *s = f.buf + a;
	size_t len = n - a;
	const char *at = NULL;
	int bad = len == 0 || len > TM_SEAL_EMAIL_MAX;
	for (size_t i = 0; i < len && !bad; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' || c == ';' || c == '"' || c == '\\')
			bad = 1;
		else if (c == '@' && at)
			bad = 1; /* two: a quoted local part is legal, and too rare to take */
		else if (c == '@')
			at = s + i;
	}
	if (!bad) {
		tm_buf tmp = TM_BUF_INIT;
		tm_buf_add(&tmp, s, len);
		bad = !at || tm_bidi_has(tmp.buf);
		tm_buf_release(&tmp);
	}
	if (!bad) {
		size_t local = (size_t)(at - s), domain = len - local - 1;
		const char *d = at + 1;
		bad = local < 1 || local > 64 || domain < 3 || domain > 253 || !memchr(d, '.', domain) || d[0] == '.' ||
		      d[domain - 1] == '.' || d[0] == '-';
	}
	if (!bad)
		tm_buf_add(out, s, len);
	sodium_memzero(f.buf, f.len);
	tm_buf_release(&f);
	return bad ? tm_fail(err, TM_ERR_INVALID, "not an email address") : TM_OK;
}

void tm_seal_dedup(const unsigned char key[TM_SEAL_KEY_BYTES], const char *petition, const char *norm_email,
		       unsigned char out[TM_SEAL_DEDUP_BYTES])
{
	crypto_generichash_state st;
	crypto_generichash_init(&st, key, TM_SEAL_KEY_BYTES, TM_SEAL_DEDUP_BYTES);
	/* the NULs keep the parts apart: ("a", "b@c") is not ("a\0b", …) */
	crypto_generichash_update(&st, (const unsigned char *)DEDUP_LABEL, sizeof(DEDUP_LABEL));
	crypto_generichash_update(&st, (const unsigned char *)petition, strlen(petition) + 1);
	crypto_generichash_update(&st, (const unsigned char *)norm_email, strlen(norm_email));
	crypto_generichash_final(&st, out, TM_SEAL_DEDUP_BYTES);
	sodium_memzero(&st, sizeof(st));
}

/* ---- sealing ---- */

tm_rc tm_seal_signature(const unsigned char pk[TM_SEAL_KEY_BYTES], const char *petition,
		       const tm_seal_signer *s, tm_buf *out, tm_err *err)
{
	tm_rc rc = sodium_ready(err);
	if (rc)
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "v", json_integer(1));
	json_object_set_new(o, "petition", json_string(petition));
	json_object_set_new(o, "signed_at", json_string(s->signed_at));
	json_object_set_new(o, "name", json_string(s->name ? s->name : ""));
	json_object_set_new(o, "email", json_string(s->email ? s->email : ""));
	if (s->city)
		json_object_set_new(o, "city", json_string(s->city));
	json_object_set_new(o, "show", json_boolean(s->show));
	char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (!text)
		return tm_fail(err, TM_ERR_INVALID, "a signature is not valid text");
	size_t len = strlen(text);
	size_t cap = len + TM_SEAL_PAD;
	unsigned char *plain = tm_xmalloc(cap);
	memcpy(plain, text, len);
	sodium_memzero(text, len);
	free(text);
	size_t padded = 0;
	if (sodium_pad(&padded, plain, len, TM_SEAL_PAD, cap) != 0) {
		sodium_memzero(plain, cap);
		free(plain);
		return tm_fail(err, TM_ERR_INTERNAL, "cannot pad a signature");
	}
	unsigned char *sealed = tm_xmalloc(padded + crypto_box_SEALBYTES);
	if (crypto_box_seal(sealed, plain, padded, pk) != 0)
		rc = tm_fail(err, TM_ERR_INTERNAL, "cannot seal a signature");
	else
		tm_buf_add(out, sealed, padded + crypto_box_SEALBYTES);
	sodium_memzero(plain, cap);
	free(plain);
	free(sealed);
	return rc;
}

/* A string field of a signature; NULL and 0 when absent and optional. */
static int get_field(json_t *o, const char *key, int required, char **out)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v)
		return required ? -1 : 0;
	if (!json_is_string(v) || json_string_length(v) != strlen(json_string_value(v)))
		return -1;
	*out = tm_xstrdup(json_string_value(v));
	return 0;
}

tm_rc tm_seal_open(const tm_seal_secret *sec, const char *petition, const unsigned char *sealed, size_t n,
		       tm_seal_signer *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_rc rc = sodium_ready(err);
	if (rc)
		return rc;
	if (n < crypto_box_SEALBYTES + TM_SEAL_PAD || n > SEALED_MAX)
		return tm_fail(err, TM_ERR_INVALID, "not a sealed signature (%zu bytes)", n);
	size_t plen = n - crypto_box_SEALBYTES, len = 0;
	unsigned char *plain = tm_xmalloc(plen + 1);
	if (crypto_box_seal_open(plain, sealed, n, sec->pk, sec->sk) != 0) {
		free(plain);
		return tm_fail(err, TM_ERR_INVALID, "the secret key does not open it");
	}
	json_t *o = NULL;
	if (sodium_unpad(&len, plain, plen, TM_SEAL_PAD) != 0) {
		rc = tm_fail(err, TM_ERR_INVALID, "its padding is damaged");
	} else {
		json_error_t jerr;
		o = json_loadb((const char *)plain, len, JSON_REJECT_DUPLICATES, &jerr);
		if (!json_is_object(o))
			rc = tm_fail(err, TM_ERR_INVALID, "it does not hold a signature");
	}
	sodium_memzero(plain, plen + 1);
	free(plain);
	if (!rc) {
		json_t *v = json_object_get(o, "v"), *p = json_object_get(o, "petition"), *show = json_object_get(o, "show");
		json_t *at = json_object_get(o, "signed_at");
		if (!json_is_integer(v) || json_integer_value(v) != 1)
			rc = tm_fail(err, TM_ERR_INVALID, "it is a signature of a version this build does not read");
		else if (!json_is_string(p) || strcmp(json_string_value(p), petition) != 0)
			rc = tm_fail(err, TM_ERR_INVALID, "it is a signature of another petition");
		else if (!json_is_boolean(show) || !json_is_string(at) || strlen(json_string_value(at)) >= 24 ||
			 get_field(o, "name", 1, &out->name) || get_field(o, "email", 1, &out->email) ||
			 get_field(o, "city", 0, &out->city))
			rc = tm_fail(err, TM_ERR_INVALID, "it does not hold a signature");
		if (!rc) {
			out->show = json_is_true(show);
			snprintf(out->signed_at, sizeof(out->signed_at), "%s", json_string_value(at));
		}
	}
	json_decref(o); /* jansson's copies of the strings are freed, not wiped: the cost of using it */
	if (rc)
		tm_seal_signer_release(out);
	return rc;
}
