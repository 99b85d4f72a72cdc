/*
 * Accounts (auth.h over store_auth.h): names and passwords are checked,
 * passwords are kept as argon2id, a login makes a session that the cookie
 * finds again until it ends; every kind of failed login has one answer;
 * failures slow and then lock the name, whether or not it exists, until an
 * unlock or a new password; API tokens act with their role, never above
 * their owner's, until revoked; nothing secret is stored in the clear and
 * nothing of this moves data_version.
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

#include "auth/auth.h"

#define NOW 1700000000 /* the functions take the time from their caller */
#define PW "correct horse battery"

static char db_path[64];

static tm_store *open_db(void)
{
	snprintf(db_path, sizeof(db_path), "/tmp/tiemap-test-auth-%d.db", (int)getpid());
	unlink(db_path);
	tm_store *st;
	tm_err err = { 0 };
	assert_int_equal(tm_store_open(db_path, TM_STORE_CREATE, &st, &err), TM_OK);
	return st;
}

static void close_db(tm_store *st)
{
	tm_store_close(st);
	unlink(db_path);
}

static void test_roles(void **state)
{
	(void)state;
	assert_int_equal(tm_role_parse("contributor"), TM_ROLE_CONTRIBUTOR);
	assert_int_equal(tm_role_parse("editor"), TM_ROLE_EDITOR);
	assert_int_equal(tm_role_parse("admin"), TM_ROLE_ADMIN);
	assert_int_equal(tm_role_parse("root"), TM_ROLE_NONE);
	assert_int_equal(tm_role_parse(NULL), TM_ROLE_NONE);
	assert_string_equal(tm_role_name(TM_ROLE_EDITOR), "editor");
	assert_string_equal(tm_role_name(TM_ROLE_NONE), "reader");
	assert_true(TM_ROLE_CONTRIBUTOR < TM_ROLE_EDITOR && TM_ROLE_EDITOR < TM_ROLE_ADMIN);
}

static void test_names(void **state)
{
	(void)state;
	static const struct {
		const char *in, *folded; /* folded NULL: refused */
	} cases[] = {
		{ "lin", "lin" },         { "Lin.Wei", "lin.wei" }, { "a_b-c.d", "a_b-c.d" }, { "x", NULL },
		{ "9lives", "9lives" },   { "-lin", NULL },         { ".lin", NULL },         { "lin wei", NULL },
		{ "林伟", NULL },         { "lin@x", NULL },        { "", NULL },
		{ "abcdefghijabcdefghijabcdefghijab", "abcdefghijabcdefghijabcdefghijab" },
		{ "abcdefghijabcdefghijabcdefghijabc", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[TM_AUTH_NAME_MAX + 1];
		int ok = tm_auth_name_fold(cases[i].in, out);
		if (!cases[i].folded) {
			assert_false(ok);
		} else {
			assert_true(ok);
			assert_string_equal(out, cases[i].folded);
		}
	}
}

static void test_passwords(void **state)
{
	(void)state;
	assert_null(tm_auth_password_problem("lin", PW));
	assert_non_null(tm_auth_password_problem("lin", "short"));
	assert_non_null(tm_auth_password_problem("lin", "elevenchars"));
	assert_null(tm_auth_password_problem("lin", "twelve chars"));
	assert_null(tm_auth_password_problem("lin", "十二个汉字的密码十二个字吧")); /* characters, not bytes */
	assert_non_null(tm_auth_password_problem("linweilinwei", "LinWeiLinWei"));
	assert_non_null(tm_auth_password_problem("lin", "bad \xff utf-8 password"));
	char *h = NULL;
	assert_int_equal(tm_auth_hash_password(PW, &h, NULL), TM_OK);
	assert_memory_equal(h, "$argon2id$v=19$m=65536,t=2,p=1$", 31);
	assert_true(tm_auth_check_password(PW, h));
	assert_false(tm_auth_check_password("correct horse battery!", h));
	char *h2 = NULL;
	assert_int_equal(tm_auth_hash_password(PW, &h2, NULL), TM_OK);
	assert_string_not_equal(h, h2); /* salted */
	free(h);
	free(h2);
}

static void test_wait_schedule(void **state)
{
	(void)state;
	static const struct {
		int64_t failures, since, wait;
	} cases[] = {
		{ 0, 0, 0 },    { 4, 0, 0 },      { 5, 0, 1 },     { 5, 1, 0 },     { 6, 0, 2 },
		{ 8, 3, 5 },    { 14, 0, 512 },   { 15, 0, 900 },  { 19, 0, 900 },  { 19, 900, 0 },
		{ 20, 0, -1 },  { 20, 99999, -1 }, { 100, 0, -1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(tm_auth_login_wait(cases[i].failures, NOW, NOW + cases[i].since), cases[i].wait);
}

static void add(tm_store *st, const char *name, tm_role role)
{
	tm_err err = { 0 };
	assert_int_equal(tm_auth_user_add(st, name, role, PW, NOW, &err), TM_OK);
}

static void test_login_and_session(void **state)
{
	(void)state;
	tm_store *st = open_db();
	int64_t version = tm_store_data_version(st);
	tm_auth_keys k;
	assert_int_equal(tm_auth_keys_load(st, &k, NULL), TM_OK);
	add(st, "Lin", TM_ROLE_EDITOR);
	tm_err err = { 0 };
	assert_int_equal(tm_auth_user_add(st, "lin", TM_ROLE_ADMIN, PW, NOW, &err), TM_ERR_INVALID); /* taken */

	tm_session s;
	assert_int_equal(tm_auth_login(st, &k, "LIN", PW, NOW, &s, &err), TM_OK);
	assert_string_equal(s.user.name, "lin");
	assert_int_equal(s.role, TM_ROLE_EDITOR);
	assert_int_equal(strlen(s.token), 43);
	assert_int_equal(strlen(s.csrf), 43);
	assert_int_equal(s.expires, NOW + TM_AUTH_SESSION_SECONDS);
	char cookie[TM_AUTH_TEXT_MAX], csrf[TM_AUTH_TEXT_MAX];
	memcpy(cookie, s.token, sizeof(cookie));
	memcpy(csrf, s.csrf, sizeof(csrf));
	tm_session_release(&s);

	/* the cookie finds the session, with the same CSRF token */
	assert_int_equal(tm_auth_session(st, cookie, NOW + 60, &s, NULL), TM_OK);
	assert_string_equal(s.user.name, "lin");
	assert_true(tm_auth_csrf_ok(&s, csrf));
	assert_false(tm_auth_csrf_ok(&s, cookie));
	assert_false(tm_auth_csrf_ok(&s, ""));
	assert_false(tm_auth_csrf_ok(&s, NULL));
	tm_session_release(&s);
	/* until it ends */
	assert_int_equal(tm_auth_session(st, cookie, NOW + TM_AUTH_SESSION_SECONDS, &s, NULL), TM_ERR_NOTFOUND);
	/* a cookie nobody was given, or a malformed one */
	char other[TM_AUTH_TEXT_MAX];
	memcpy(other, cookie, sizeof(other));
	other[5] = other[5] == 'A' ? 'B' : 'A';
	assert_int_equal(tm_auth_session(st, other, NOW, &s, NULL), TM_ERR_NOTFOUND);
	assert_int_equal(tm_auth_session(st, "short", NOW, &s, NULL), TM_ERR_NOTFOUND);
	assert_int_equal(tm_auth_session(st, NULL, NOW, &s, NULL), TM_ERR_NOTFOUND);

	/* disabling the user ends what its sessions can do */
	assert_int_equal(tm_store_user_set_disabled(st, "lin", 1, NULL), TM_OK);
	assert_int_equal(tm_auth_session(st, cookie, NOW + 60, &s, NULL), TM_ERR_NOTFOUND);
	assert_int_equal(tm_store_user_set_disabled(st, "lin", 0, NULL), TM_OK);
	assert_int_equal(tm_auth_session(st, cookie, NOW + 60, &s, NULL), TM_OK);
	tm_session_release(&s);

	/* logout ends it */
	assert_int_equal(tm_auth_logout(st, cookie, NULL), TM_OK);
	assert_int_equal(tm_auth_session(st, cookie, NOW + 60, &s, NULL), TM_ERR_NOTFOUND);

	/* a new password ends every session of the user */
	assert_int_equal(tm_auth_login(st, &k, "lin", PW, NOW, &s, NULL), TM_OK);
	memcpy(cookie, s.token, sizeof(cookie));
	tm_session_release(&s);
	assert_int_equal(tm_auth_set_password(st, "lin", "a new pass phrase", NOW + 1, NULL), TM_OK);
	assert_int_equal(tm_auth_session(st, cookie, NOW + 2, &s, NULL), TM_ERR_NOTFOUND);
	assert_int_equal(tm_auth_login(st, &k, "lin", PW, NOW + 2, &s, NULL), TM_ERR_INVALID);
	assert_int_equal(tm_auth_login(st, &k, "lin", "a new pass phrase", NOW + 2, &s, NULL), TM_OK);
	tm_session_release(&s);

	/* logging in, out and failing changed no data */
	assert_int_equal(tm_store_data_version(st), version);
	close_db(st);
}

/* The message of a failed login of name with pw at now. */
static void failed_as(tm_store *st, const tm_auth_keys *k, const char *name, const char *pw, int64_t now,
		      char msg[1024])
{
	tm_session s;
	tm_err err = { 0 };
	assert_int_equal(tm_auth_login(st, k, name, pw, now, &s, &err), TM_ERR_INVALID);
	memcpy(msg, err.msg, sizeof(err.msg));
}

static void test_failures_look_alike(void **state)
{
	(void)state;
	tm_store *st = open_db();
	tm_auth_keys k;
	assert_int_equal(tm_auth_keys_load(st, &k, NULL), TM_OK);
	add(st, "lin", TM_ROLE_CONTRIBUTOR);
	add(st, "off", TM_ROLE_CONTRIBUTOR);
	assert_int_equal(tm_store_user_set_disabled(st, "off", 1, NULL), TM_OK);
	char wrong_pw[1024], no_user[1024], disabled[1024], bad_name[1024], empty[1024];
	failed_as(st, &k, "lin", "wrong password here", NOW, wrong_pw);
	failed_as(st, &k, "nobody", "wrong password here", NOW, no_user);
	failed_as(st, &k, "off", PW, NOW, disabled);
	failed_as(st, &k, "not a name!", PW, NOW, bad_name);
	failed_as(st, &k, "lin", "", NOW, empty);
	assert_string_equal(wrong_pw, no_user);
	assert_string_equal(wrong_pw, disabled);
	assert_string_equal(wrong_pw, bad_name);
	assert_string_equal(wrong_pw, empty);
	close_db(st);
}

static void test_slow_then_lock(void **state)
{
	(void)state;
	tm_store *st = open_db();
	tm_auth_keys k;
	assert_int_equal(tm_auth_keys_load(st, &k, NULL), TM_OK);
	add(st, "lin", TM_ROLE_EDITOR);
	char msg[1024], first[1024];
	tm_session s;
	int64_t t = NOW;
	failed_as(st, &k, "lin", "wrong password here", t, first);
	for (int i = 1; i < TM_AUTH_SLOW_AFTER; i++)
		failed_as(st, &k, "lin", "wrong password here", t, msg);
	/* five failures: the right password, at once, is refused like a wrong one … */
	failed_as(st, &k, "lin", PW, t, msg);
	assert_string_equal(msg, first);
	/* … and counts: six failures, two seconds to wait from the last */
	failed_as(st, &k, "lin", PW, t + 1, msg);
	/* seven now, the last at t + 1: four seconds */
	failed_as(st, &k, "lin", PW, t + 4, msg);
	assert_int_equal(tm_auth_login(st, &k, "lin", PW, t + 4 + 8, &s, NULL), TM_OK);
	tm_session_release(&s);

	/* a success starts the count again; twenty failures lock the account */
	for (int i = 0; i < TM_AUTH_LOCK_AFTER; i++)
		failed_as(st, &k, "lin", "wrong password here", t + 10 + i * 1000, msg);
	tm_user u;
	int64_t failures = 0;
	assert_int_equal(tm_store_user_get(st, "lin", &u, NULL), TM_OK);
	assert_int_equal(tm_auth_failures(st, &u, &failures, NULL), TM_OK);
	assert_int_equal(failures, TM_AUTH_LOCK_AFTER);
	tm_user_release(&u);
	failed_as(st, &k, "lin", PW, t + 86400 * 30, msg); /* a month later: still locked */
	assert_string_equal(msg, first);
	assert_int_equal(tm_auth_unlock(st, "lin", NULL), TM_OK);
	assert_int_equal(tm_auth_login(st, &k, "lin", PW, t + 86400 * 30, &s, NULL), TM_OK);
	tm_session_release(&s);

	/* a name that does not exist is counted the same way */
	unsigned char key[TM_AUTH_HASH_BYTES];
	for (int i = 0; i < 3; i++)
		failed_as(st, &k, "nobody", PW, t, msg);
	int64_t n = 0, last = 0;
	/* its key is a keyed hash of the name, as an account's is */
	tm_auth_keys k2;
	assert_int_equal(tm_auth_keys_load(st, &k2, NULL), TM_OK);
	assert_memory_equal(k.login, k2.login, sizeof(k.login)); /* kept in the store */
	tm_auth_user_add(st, "nobody", TM_ROLE_CONTRIBUTOR, PW, t, NULL);
	assert_int_equal(tm_store_user_get(st, "nobody", &u, NULL), TM_OK);
	memcpy(key, u.login_key, sizeof(key));
	tm_user_release(&u);
	/* … and an account made later does not inherit what was tried before */
	assert_int_equal(tm_store_login_get(st, key, &n, &last, NULL), TM_OK);
	assert_int_equal(n, 0);
	close_db(st);
}

static void test_tokens(void **state)
{
	(void)state;
	tm_store *st = open_db();
	add(st, "lin", TM_ROLE_EDITOR);
	char tok[TM_AUTH_TEXT_MAX];
	int64_t id = 0;
	tm_err err = { 0 };
	assert_int_equal(tm_auth_token_new(st, "lin", TM_ROLE_ADMIN, NULL, 30, NOW, tok, &id, &err), TM_ERR_INVALID);
	assert_int_equal(tm_auth_token_new(st, "nobody", TM_ROLE_NONE, NULL, 30, NOW, tok, &id, &err),
			 TM_ERR_NOTFOUND);
	assert_int_equal(tm_auth_token_new(st, "lin", TM_ROLE_NONE, "a script", 30, NOW, tok, &id, &err), TM_OK);
	assert_int_equal(strlen(tok), 46);
	assert_memory_equal(tok, "tm_", 3);
	tm_session s;
	assert_int_equal(tm_auth_bearer(st, tok, NOW + 1, &s, NULL), TM_OK);
	assert_int_equal(s.role, TM_ROLE_EDITOR);
	assert_true(s.via_token);
	assert_false(tm_auth_csrf_ok(&s, "")); /* tokens have no CSRF token */
	tm_session_release(&s);
	/* a token is no session cookie, nor a cookie a token */
	assert_int_equal(tm_auth_session(st, tok + 3, NOW, &s, NULL), TM_ERR_NOTFOUND);
	assert_int_equal(tm_auth_bearer(st, tok + 3, NOW, &s, NULL), TM_ERR_NOTFOUND);
	/* expires */
	assert_int_equal(tm_auth_bearer(st, tok, NOW + 30 * 86400, &s, NULL), TM_ERR_NOTFOUND);

	/* a contributor's token of an editor: a contributor */
	char small[TM_AUTH_TEXT_MAX];
	int64_t small_id;
	assert_int_equal(tm_auth_token_new(st, "lin", TM_ROLE_CONTRIBUTOR, NULL, 0, NOW, small, &small_id, NULL), TM_OK);
	assert_int_equal(tm_auth_bearer(st, small, NOW + 86400 * 3650, &s, NULL), TM_OK); /* 0 days: no end */
	assert_int_equal(s.role, TM_ROLE_CONTRIBUTOR);
	tm_session_release(&s);
	/* demoting the owner demotes the token */
	assert_int_equal(tm_store_user_set_role(st, "lin", TM_ROLE_CONTRIBUTOR, NULL), TM_OK);
	assert_int_equal(tm_auth_bearer(st, tok, NOW + 1, &s, NULL), TM_OK);
	assert_int_equal(s.role, TM_ROLE_CONTRIBUTOR);
	tm_session_release(&s);
	/* revoked */
	assert_int_equal(tm_store_token_revoke(st, id, NOW + 2, NULL), TM_OK);
	assert_int_equal(tm_store_token_revoke(st, id, NOW + 2, &err), TM_ERR_NOTFOUND);
	assert_int_equal(tm_auth_bearer(st, tok, NOW + 3, &s, NULL), TM_ERR_NOTFOUND);
	/* disabled owner */
	assert_int_equal(tm_store_user_set_disabled(st, "lin", 1, NULL), TM_OK);
	assert_int_equal(tm_auth_bearer(st, small, NOW + 3, &s, NULL), TM_ERR_NOTFOUND);
	close_db(st);
}

/* 1 when the file at path contains s. */
static int file_has(const char *path, const char *s)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = strlen(s), cap = 1 << 20, len;
	char *buf = malloc(cap);
	len = fread(buf, 1, cap, f);
	fclose(f);
	int found = 0;
	for (size_t i = 0; i + n <= len && !found; i++)
		found = memcmp(buf + i, s, n) == 0;
	free(buf);
	return found;
}

static void test_nothing_in_the_clear(void **state)
{
	(void)state;
	tm_store *st = open_db();
	tm_auth_keys k;
	assert_int_equal(tm_auth_keys_load(st, &k, NULL), TM_OK);
	add(st, "lin", TM_ROLE_ADMIN);
	tm_session s;
	assert_int_equal(tm_auth_login(st, &k, "lin", PW, NOW, &s, NULL), TM_OK);
	char cookie[TM_AUTH_TEXT_MAX], tok[TM_AUTH_TEXT_MAX];
	memcpy(cookie, s.token, sizeof(cookie));
	tm_session_release(&s);
	assert_int_equal(tm_auth_token_new(st, "lin", TM_ROLE_NONE, NULL, 1, NOW, tok, NULL, NULL), TM_OK);
	tm_store_close(st);
	assert_true(file_has(db_path, "lin"));
	assert_true(file_has(db_path, "$argon2id$"));
	assert_false(file_has(db_path, PW));
	assert_false(file_has(db_path, cookie));
	assert_false(file_has(db_path, tok));
	assert_false(file_has(db_path, tok + 3));
	unlink(db_path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_passwords),
		cmocka_unit_test(test_wait_schedule),
		cmocka_unit_test(test_login_and_session),
		cmocka_unit_test(test_failures_look_alike),
		cmocka_unit_test(test_slow_then_lock),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_nothing_in_the_clear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
