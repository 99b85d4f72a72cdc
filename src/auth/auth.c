/*
 * Accounts, sessions and API tokens (auth.h), on libsodium: argon2id for
 * passwords, its CSPRNG for tokens, BLAKE2b (crypto_generichash) for the
 * hashes kept in the store and the keys derived from a secret.
 */
#include "auth/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RAW_BYTES 32 /* 256 bits of every session and API token */
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define FAILED_MSG "wrong name or password, or too many failed attempts"

static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;
static int sodium_state = -1;

static void sodium_setup(void)
{
	sodium_state = sodium_init() < 0 ? -1 : 0;
}

/* libsodium ready; 0 when it cannot start (no entropy source). */
static int sodium_ready(void)
{
	pthread_once(&sodium_once, sodium_setup);
	return sodium_state == 0;
}

static const char *const role_names[] = { "reader", "contributor", "editor", "admin" };

const char *tm_role_name(tm_role r)
{
	return r >= TM_ROLE_NONE && r <= TM_ROLE_ADMIN ? role_names[r] : "reader";
}

tm_role tm_role_parse(const char *s)
{
	for (int r = TM_ROLE_CONTRIBUTOR; s && r <= TM_ROLE_ADMIN; r++)
		if (strcmp(s, role_names[r]) == 0)
			return (tm_role)r;
	return TM_ROLE_NONE;
}

int tm_auth_name_fold(const char *name, char *out)
{
	size_t n = name ? strlen(name) : 0;
	if (n < 2 || n > TM_AUTH_NAME_MAX)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		int alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '.' && c != '_' && c != '-')))
			return 0;
		out[i] = c;
	}
	out[n] = '\0';
	return 1;
}

const char *tm_auth_password_problem(const char *name, const char *pw)
{
	size_t n = pw ? strlen(pw) : 0;
	if (n > TM_AUTH_PASSWORD_MAX)
		return "the password is longer than 1024 bytes";
	if (!tm_utf8_valid(pw ? pw : "", n))
		return "the password is not valid UTF-8";
	size_t chars = 0;
	for (size_t i = 0; i < n; i++)
		chars += ((unsigned char)pw[i] & 0xC0) != 0x80;
	if (chars < TM_AUTH_PASSWORD_MIN)
		return "the password must have at least 12 characters";
	if (name && strcasecmp(name, pw) == 0)
		return "the password must not be the name";
	return NULL;
}

tm_rc tm_auth_hash_password(const char *pw, char **out, tm_err *err)
{
	*out = NULL;
	if (!sodium_ready())
		return tm_fail(err, TM_ERR_INTERNAL, "libsodium cannot start");
	char *h = tm_xmalloc(crypto_pwhash_argon2id_STRBYTES);
	/* libsodium's "interactive" limits: 2 passes over 64 MiB, one lane */
	if (crypto_pwhash_argon2id_str(h, pw, strlen(pw), crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
				       crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE) != 0) {
		free(h);
		return tm_fail(err, TM_ERR_LIMIT, "not enough memory to hash the password");
	}
	*out = h;
	return TM_OK;
}

int tm_auth_check_password(const char *pw, const char *hash)
{
	if (!sodium_ready() || !pw || !hash)
		return 0;
	return crypto_pwhash_argon2id_str_verify(hash, pw, strlen(pw)) == 0;
}

/* The hash a login checks when the name has no usable account, so that it
 * costs what a real check costs; of a random password nobody knows. */
static char dummy[crypto_pwhash_argon2id_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_setup(void)
{
	unsigned char raw[RAW_BYTES];
	char pw[2 * RAW_BYTES + 1];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(pw, sizeof(pw), raw, sizeof(raw));
	if (crypto_pwhash_argon2id_str(dummy, pw, strlen(pw), crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
				       crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE) != 0)
		dummy[0] = '\0';
	sodium_memzero(pw, sizeof(pw));
}

static const char *dummy_hash(void)
{
	pthread_once(&dummy_once, dummy_setup);
	return dummy;
}

/* ---- keys ---- */

tm_rc tm_auth_keys_load(tm_store *st, tm_auth_keys *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!sodium_ready())
		return tm_fail(err, TM_ERR_INTERNAL, "libsodium cannot start");
	unsigned char fresh[2][TM_AUTH_HASH_BYTES];
	randombytes_buf(fresh, sizeof(fresh));
	if (!st) {
		memcpy(out->login, fresh[0], TM_AUTH_HASH_BYTES);
		memcpy(out->form, fresh[1], TM_AUTH_HASH_BYTES);
		out->ephemeral = 1;
		sodium_memzero(fresh, sizeof(fresh));
		return TM_OK;
	}
	tm_rc rc = tm_store_auth_key(st, "login", fresh[0], out->login, err);
	if (!rc)
		rc = tm_store_auth_key(st, "form", fresh[1], out->form, err);
	sodium_memzero(fresh, sizeof(fresh));
	return rc;
}

/* The login throttle's key of a folded name. */
static void name_key(const unsigned char login_key[TM_AUTH_HASH_BYTES], const char *folded,
		     unsigned char out[TM_AUTH_HASH_BYTES])
{
	crypto_generichash(out, TM_AUTH_HASH_BYTES, (const unsigned char *)folded, strlen(folded), login_key,
			   TM_AUTH_HASH_BYTES);
}

/* ---- accounts ---- */

tm_rc tm_auth_user_add(tm_store *st, const char *name, tm_role role, const char *password, int64_t now,
		       tm_err *err)
{
	char folded[TM_AUTH_NAME_MAX + 1];
	if (!tm_auth_name_fold(name, folded))
		return tm_fail(err, TM_ERR_INVALID,
			       "user name '%s' must be 2 to 32 of a-z, 0-9, '.', '_' and '-', starting with a letter or digit",
			       name);
	if (role < TM_ROLE_CONTRIBUTOR || role > TM_ROLE_ADMIN)
		return tm_fail(err, TM_ERR_INVALID, "a role is contributor, editor or admin");
	const char *why = tm_auth_password_problem(folded, password);
	if (why)
		return tm_fail(err, TM_ERR_INVALID, "%s", why);
	tm_auth_keys k;
	tm_rc rc = tm_auth_keys_load(st, &k, err);
	if (rc)
		return rc;
	tm_user u = { .name = folded, .role = role, .created_at = now, .password_at = now };
	name_key(k.login, folded, u.login_key);
	sodium_memzero(&k, sizeof(k));
	if ((rc = tm_auth_hash_password(password, &u.pwhash, err)))
		return rc;
	rc = tm_store_user_add(st, &u, NULL, err);
	/* failures recorded against the name before it was an account's are
	 * not this account's */
	if (!rc)
		rc = tm_store_login_clear(st, u.login_key, err);
	free(u.pwhash);
	return rc;
}

tm_rc tm_auth_set_password(tm_store *st, const char *name, const char *password, int64_t now, tm_err *err)
{
	tm_user u;
	tm_rc rc = tm_store_user_get(st, name, &u, err);
	if (rc)
		return rc;
	const char *why = tm_auth_password_problem(u.name, password);
	char *h = NULL;
	if (why)
		rc = tm_fail(err, TM_ERR_INVALID, "%s", why);
	if (!rc)
		rc = tm_auth_hash_password(password, &h, err);
	if (!rc)
		rc = tm_store_user_set_password(st, u.name, h, now, err);
	/* whoever knew the old password may hold a session made with it */
	if (!rc)
		rc = tm_store_sessions_delete(st, u.id, now, NULL, err);
	if (!rc)
		rc = tm_store_login_clear(st, u.login_key, err);
	free(h);
	tm_user_release(&u);
	return rc;
}

tm_rc tm_auth_unlock(tm_store *st, const char *name, tm_err *err)
{
	tm_user u;
	tm_rc rc = tm_store_user_get(st, name, &u, err);
	if (!rc)
		rc = tm_store_login_clear(st, u.login_key, err);
	tm_user_release(&u);
	return rc;
}

tm_rc tm_auth_failures(tm_store *st, const tm_user *u, int64_t *failures, tm_err *err)
{
	int64_t last;
	return tm_store_login_get(st, u->login_key, failures, &last, err);
}

int64_t tm_auth_login_wait(int64_t failures, int64_t last_at, int64_t now)
{
	if (failures >= TM_AUTH_LOCK_AFTER)
		return -1;
	if (failures < TM_AUTH_SLOW_AFTER)
		return 0;
	/* 1, 2, 4 … seconds after the last failure, at most TM_AUTH_MAX_WAIT */
	int64_t wait = (int64_t)1 << (failures - TM_AUTH_SLOW_AFTER);
	if (wait > TM_AUTH_MAX_WAIT)
		wait = TM_AUTH_MAX_WAIT;
	int64_t left = last_at + wait - now;
	return left > 0 ? left : 0;
}

/* ---- sessions and tokens ---- */

void tm_session_release(tm_session *s)
{
	tm_user_release(&s->user);
	sodium_memzero(s, sizeof(*s));
}

/* text (of exactly 43 characters) as the 32 bytes it encodes; 0 if it is not. */
static int decode_secret(const char *text, unsigned char raw[RAW_BYTES])
{
	size_t len = 0;
	if (!text || strlen(text) != sodium_base64_ENCODED_LEN(RAW_BYTES, B64) - 1)
		return 0;
	return sodium_base642bin(raw, RAW_BYTES, text, strlen(text), NULL, &len, NULL, B64) == 0 && len == RAW_BYTES;
}

static void hash_secret(const unsigned char raw[RAW_BYTES], unsigned char out[TM_AUTH_HASH_BYTES])
{
	crypto_generichash(out, TM_AUTH_HASH_BYTES, raw, RAW_BYTES, NULL, 0);
}

/* A session's CSRF token: a keyed hash of a fixed text under the session's
 * own secret, so that it is stored nowhere and says nothing of the secret. */
static void derive_csrf(const unsigned char raw[RAW_BYTES], char out[TM_AUTH_TEXT_MAX])
{
	static const char label[] = "tiemap csrf v1";
	unsigned char mac[RAW_BYTES];
	crypto_generichash(mac, sizeof(mac), (const unsigned char *)label, sizeof(label) - 1, raw, RAW_BYTES);
	sodium_bin2base64(out, TM_AUTH_TEXT_MAX, mac, sizeof(mac), B64);
}

/* The check every login and re-authentication makes (auth.h, tm_auth_login):
 * on success *out is the user and TM_OK. */
static tm_rc check_login(tm_store *st, const tm_auth_keys *k, const char *name, const char *password, int64_t now,
			 tm_user *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!sodium_ready())
		return tm_fail(err, TM_ERR_INTERNAL, "libsodium cannot start");
	char folded[TM_AUTH_NAME_MAX + 1];
	int valid = tm_auth_name_fold(name, folded);
	if (!password || strlen(password) > TM_AUTH_PASSWORD_MAX)
		password = "";
	unsigned char key[TM_AUTH_HASH_BYTES];
	int64_t failures = 0, last = 0;
	tm_user u = { 0 };
	int have = 0;
	tm_err e = { 0 };
	tm_rc rc;
	if (valid) {
		name_key(k->login, folded, key);
		if ((rc = tm_store_login_get(st, key, &failures, &last, err)))
			return rc;
		rc = tm_store_user_get(st, folded, &u, &e);
		if (rc && rc != TM_ERR_NOTFOUND)
			return tm_fail(err, rc, "%s", e.msg);
		have = rc == TM_OK;
	}
	/* the same argon2id check whatever the name: against the dummy when
	 * there is no usable account */
	int match = tm_auth_check_password(password, have && !u.disabled ? u.pwhash : dummy_hash());
	int64_t wait = tm_auth_login_wait(failures, last, now);
	if (!(have && !u.disabled && match && wait == 0)) {
		/* every failure counts, a right password tried too early or on a
		 * locked account too: counting only some would make those
		 * answers faster, and so tell the password was right */
		rc = valid ? tm_store_login_failed(st, key, now, err) : TM_OK;
		if (!rc && randombytes_uniform(64) == 0)
			tm_store_login_prune(st, now - 86400, NULL);
		tm_user_release(&u);
		return rc ? rc : tm_fail(err, TM_ERR_INVALID, FAILED_MSG);
	}
	if ((rc = tm_store_login_clear(st, key, err))) {
		tm_user_release(&u);
		return rc;
	}
	/* a password hashed under older limits gets today's */
	if (crypto_pwhash_argon2id_str_needs_rehash(u.pwhash, crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE,
						    crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE) != 0) {
		char *h = NULL;
		if (tm_auth_hash_password(password, &h, NULL) == TM_OK)
			tm_store_user_set_password(st, u.name, h, u.password_at, NULL);
		free(h);
	}
	*out = u;
	return TM_OK;
}

tm_rc tm_auth_verify(tm_store *st, const tm_auth_keys *k, const char *name, const char *password, int64_t now,
		     tm_err *err)
{
	tm_user u;
	tm_rc rc = check_login(st, k, name, password, now, &u, err);
	tm_user_release(&u);
	return rc;
}

tm_rc tm_auth_login(tm_store *st, const tm_auth_keys *k, const char *name, const char *password, int64_t now,
		    tm_session *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_user u;
	tm_rc rc = check_login(st, k, name, password, now, &u, err);
	if (rc)
		return rc;
	unsigned char raw[RAW_BYTES];
	randombytes_buf(raw, sizeof(raw));
	hash_secret(raw, out->hash);
	out->expires = now + TM_AUTH_SESSION_SECONDS;
	rc = tm_store_session_add(st, out->hash, u.id, now, out->expires, err);
	if (!rc) {
		sodium_bin2base64(out->token, sizeof(out->token), raw, sizeof(raw), B64);
		derive_csrf(raw, out->csrf);
		out->role = (tm_role)u.role;
		out->user = u;
	} else {
		tm_user_release(&u);
	}
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

tm_rc tm_auth_session(tm_store *st, const char *cookie, int64_t now, tm_session *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	unsigned char raw[RAW_BYTES];
	if (!sodium_ready() || !decode_secret(cookie, raw))
		return tm_fail(err, TM_ERR_NOTFOUND, "no such session");
	hash_secret(raw, out->hash);
	tm_rc rc = tm_store_session_user(st, out->hash, now, &out->user, &out->expires, err);
	if (!rc) {
		out->role = (tm_role)out->user.role;
		derive_csrf(raw, out->csrf);
	}
	sodium_memzero(raw, sizeof(raw));
	return rc;
}

tm_rc tm_auth_bearer(tm_store *st, const char *token, int64_t now, tm_session *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	size_t plen = strlen(TM_AUTH_TOKEN_PREFIX);
	unsigned char raw[RAW_BYTES];
	if (!sodium_ready() || !token || strncmp(token, TM_AUTH_TOKEN_PREFIX, plen) != 0 ||
	    !decode_secret(token + plen, raw))
		return tm_fail(err, TM_ERR_NOTFOUND, "no such token");
	hash_secret(raw, out->hash);
	sodium_memzero(raw, sizeof(raw));
	int role = 0;
	tm_rc rc = tm_store_token_user(st, out->hash, now, &out->user, &role, err);
	if (!rc) {
		out->role = (tm_role)role;
		out->via_token = 1;
	}
	return rc;
}

tm_rc tm_auth_logout(tm_store *st, const char *cookie, tm_err *err)
{
	unsigned char raw[RAW_BYTES], hash[TM_AUTH_HASH_BYTES];
	if (!sodium_ready() || !decode_secret(cookie, raw))
		return TM_OK;
	hash_secret(raw, hash);
	sodium_memzero(raw, sizeof(raw));
	return tm_store_session_delete(st, hash, err);
}

int tm_auth_csrf_ok(const tm_session *s, const char *sent)
{
	size_t n = strlen(s->csrf);
	if (s->via_token || !n || !sent || strlen(sent) != n)
		return 0;
	return sodium_memcmp(s->csrf, sent, n) == 0;
}

tm_rc tm_auth_token_new(tm_store *st, const char *name, tm_role role, const char *label, int days, int64_t now,
			char *token, int64_t *id, tm_err *err)
{
	token[0] = '\0';
	if (!sodium_ready())
		return tm_fail(err, TM_ERR_INTERNAL, "libsodium cannot start");
	if (days < 0 || days > 3650)
		return tm_fail(err, TM_ERR_INVALID, "a token lasts 0 (until revoked) to 3650 days");
	if (label && (strlen(label) > 200 || !tm_utf8_valid(label, strlen(label))))
		return tm_fail(err, TM_ERR_INVALID, "a token's label is at most 200 bytes of UTF-8");
	tm_user u;
	tm_rc rc = tm_store_user_get(st, name, &u, err);
	if (rc)
		return rc;
	if (u.disabled)
		rc = tm_fail(err, TM_ERR_INVALID, "user '%s' is disabled", u.name);
	else if (role == TM_ROLE_NONE)
		role = (tm_role)u.role;
	else if ((int)role > u.role)
		rc = tm_fail(err, TM_ERR_INVALID, "a token of '%s' cannot do more than its owner (%s)", u.name,
			     tm_role_name((tm_role)u.role));
	if (!rc) {
		unsigned char raw[RAW_BYTES], hash[TM_AUTH_HASH_BYTES];
		randombytes_buf(raw, sizeof(raw));
		hash_secret(raw, hash);
		rc = tm_store_token_add(st, hash, u.id, role, label, now, days ? now + (int64_t)days * 86400 : 0, id,
					err);
		if (!rc) {
			size_t plen = strlen(TM_AUTH_TOKEN_PREFIX);
			memcpy(token, TM_AUTH_TOKEN_PREFIX, plen);
			sodium_bin2base64(token + plen, TM_AUTH_TEXT_MAX - plen, raw, sizeof(raw), B64);
		}
		sodium_memzero(raw, sizeof(raw));
	}
	tm_user_release(&u);
	return rc;
}
