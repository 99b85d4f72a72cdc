/*
 * store_auth: the rows behind accounts (src/auth holds the rules; this file
 * only keeps the rows): users, sessions, API tokens, failed-login counters
 * and the server's keys.
 *
 * Secrets never reach the store: sessions and tokens arrive as hashes
 * (TM_AUTH_HASH_BYTES of BLAKE2b), passwords as argon2id strings.  Each call
 * is one statement (atomic on its own, or part of the caller's
 * transaction), and none of them moves data_version: logging in is not a
 * change of the data, and must not empty the web server's caches.
 * Times are Unix seconds.
 */
#ifndef TM_STORE_AUTH_H
#define TM_STORE_AUTH_H

#include "store/store.h"

#define TM_AUTH_HASH_BYTES 32

typedef struct tm_user {
	int64_t id;
	char *name;          /* the login name, lower case */
	int role;            /* 1 contributor, 2 editor, 3 admin (tm_role in auth.h) */
	int disabled;        /* cannot log in; its sessions and tokens stop working */
	char *pwhash;        /* the argon2id string of crypto_pwhash_str() */
	unsigned char login_key[TM_AUTH_HASH_BYTES]; /* its name's key in login_failures */
	int64_t created_at;
	int64_t password_at; /* when the password was last set */
} tm_user;
void tm_user_release(tm_user *u);

/* Add u (its id is ignored); *id (may be NULL) gets the new one.
 * TM_ERR_INVALID when the name is taken. */
tm_rc tm_store_user_add(tm_store *st, const tm_user *u, int64_t *id, tm_err *err);
/* The user called name (caller releases); TM_ERR_NOTFOUND if none. */
tm_rc tm_store_user_get(tm_store *st, const char *name, tm_user *out, tm_err *err);
/* Every user by name; fn returns 0 to go on.  The user is borrowed. */
tm_rc tm_store_user_each(tm_store *st, int (*fn)(void *ctx, const tm_user *u), void *ctx, tm_err *err);
/* Change one field of the user called name; TM_ERR_NOTFOUND if none. */
tm_rc tm_store_user_set_role(tm_store *st, const char *name, int role, tm_err *err);
tm_rc tm_store_user_set_disabled(tm_store *st, const char *name, int disabled, tm_err *err);
tm_rc tm_store_user_set_password(tm_store *st, const char *name, const char *pwhash, int64_t now, tm_err *err);

/* ---- sessions: keyed by the hash of the cookie's token ---- */

tm_rc tm_store_session_add(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], int64_t user,
			   int64_t created, int64_t expires, tm_err *err);
/* The user of a live session: not expired at now, user not disabled.
 * TM_ERR_NOTFOUND otherwise.  *expires (may be NULL) gets its end. */
tm_rc tm_store_session_user(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], int64_t now,
			    tm_user *out, int64_t *expires, tm_err *err);
/* End one session (no error when it is gone already). */
tm_rc tm_store_session_delete(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], tm_err *err);
/* End every session of user (0: of everyone), and drop the expired ones;
 * *n (may be NULL) counts the live sessions ended. */
tm_rc tm_store_sessions_delete(tm_store *st, int64_t user, int64_t now, int64_t *n, tm_err *err);
/* How many live sessions user has (0: everyone). */
tm_rc tm_store_session_count(tm_store *st, int64_t user, int64_t now, int64_t *n, tm_err *err);

/* ---- API tokens ---- */

typedef struct tm_token_info {
	int64_t id;
	const char *user;   /* the owner's name */
	int role;           /* what the token may do (never more than its owner) */
	const char *label;  /* the operator's note, or NULL */
	int64_t created_at;
	int64_t expires_at; /* 0: never */
	int64_t revoked_at; /* 0: not revoked */
} tm_token_info;

/* *id (may be NULL) gets the token's number, by which it is revoked.
 * expires 0: never. */
tm_rc tm_store_token_add(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], int64_t user, int role,
			 const char *label, int64_t created, int64_t expires, int64_t *id, tm_err *err);
/* The owner and the role of a live token: not revoked, not expired at now,
 * owner not disabled.  TM_ERR_NOTFOUND otherwise. */
tm_rc tm_store_token_user(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], int64_t now, tm_user *out,
			  int *role, tm_err *err);
/* Revoke token id at now; TM_ERR_NOTFOUND when there is no such live token. */
tm_rc tm_store_token_revoke(tm_store *st, int64_t id, int64_t now, tm_err *err);
/* The tokens of user name (NULL: of everyone), by number; borrowed. */
tm_rc tm_store_token_each(tm_store *st, const char *name, int (*fn)(void *ctx, const tm_token_info *t), void *ctx,
			  tm_err *err);

/* ---- failed logins: counted by a keyed hash of the name tried ---- */

/* The consecutive failures under key and when the last was (0, 0: none). */
tm_rc tm_store_login_get(tm_store *st, const unsigned char key[TM_AUTH_HASH_BYTES], int64_t *failures,
			 int64_t *last_at, tm_err *err);
/* One more failure under key, at now. */
tm_rc tm_store_login_failed(tm_store *st, const unsigned char key[TM_AUTH_HASH_BYTES], int64_t now, tm_err *err);
/* Forget the failures under key (a success, an unlock). */
tm_rc tm_store_login_clear(tm_store *st, const unsigned char key[TM_AUTH_HASH_BYTES], tm_err *err);
/* Forget the counters last touched before `before` that belong to no
 * user: names that do not exist must not fill the table for good. */
tm_rc tm_store_login_prune(tm_store *st, int64_t before, tm_err *err);

/* ---- the server's keys ---- */

/* The key called name; when there is none yet, fresh becomes it (the first
 * writer wins, so that two processes agree).  Fails on a read-only store
 * that has none. */
tm_rc tm_store_auth_key(tm_store *st, const char *name, const unsigned char fresh[TM_AUTH_HASH_BYTES],
			unsigned char out[TM_AUTH_HASH_BYTES], tm_err *err);

#endif
