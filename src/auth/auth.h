/*
 * auth: who is asking, and what they may do.
 *
 * Accounts have a login name and one role (contributor < editor < admin).
 * Passwords are kept as argon2id strings (libsodium's crypto_pwhash_str).
 * A browser proves who it is with a session: a random 256-bit token in a
 * cookie, kept by the store only as its BLAKE2b hash, ending after
 * TM_AUTH_SESSION_SECONDS or when revoked.  A script proves it with an API
 * token sent as `Authorization: Bearer tm_…`, also kept hashed, scoped to
 * one role and revocable.  Each session has a CSRF token derived from its
 * own secret, which forms carry back.
 *
 * Logging in is slowed and then locked per account name, and looks and
 * costs the same whether or not the name exists.  The rows are store_auth's;
 * the reasons and the threat model are in docs/security.md.  Nothing here
 * writes a password or token anywhere but the caller's buffers.
 */
#ifndef TM_AUTH_H
#define TM_AUTH_H

#include <stdint.h>

#include "core/core.h"
#include "store/store.h"
#include "store/store_auth.h"

typedef enum tm_role {
	TM_ROLE_NONE = 0,        /* a reader: not signed in */
	TM_ROLE_CONTRIBUTOR = 1, /* proposes changes (reviewed before they are published) */
	TM_ROLE_EDITOR = 2,      /* publishes, reviews, reverts */
	TM_ROLE_ADMIN = 3,       /* and manages accounts */
} tm_role;

/* "contributor", "editor", "admin"; "reader" for TM_ROLE_NONE. */
const char *tm_role_name(tm_role r);
/* The role called s, or TM_ROLE_NONE. */
tm_role tm_role_parse(const char *s);

/* The parameters that docs/security.md states. */
#define TM_AUTH_SESSION_SECONDS (8 * 3600) /* a session's lifetime, from login */
#define TM_AUTH_SLOW_AFTER 5               /* failures before each try must wait */
#define TM_AUTH_LOCK_AFTER 20              /* failures that lock the account */
#define TM_AUTH_MAX_WAIT 900               /* the longest wait between tries, seconds */
#define TM_AUTH_PASSWORD_MIN 12            /* characters */
#define TM_AUTH_PASSWORD_MAX 1024          /* bytes */
#define TM_AUTH_NAME_MAX 32                /* bytes of a login name */
#define TM_AUTH_TOKEN_DAYS 90              /* an API token's default lifetime */
#define TM_AUTH_TOKEN_PREFIX "tm_"         /* API tokens start so, sessions do not */
/* Room for a session token, an API token or a CSRF token as text. */
#define TM_AUTH_TEXT_MAX 64

/* A login name: 2 to 32 of a-z 0-9 . _ -, starting with a letter or digit.
 * Upper case is accepted and folded: out (TM_AUTH_NAME_MAX + 1 bytes) gets
 * the lower-case form.  0 when name is not one. */
int tm_auth_name_fold(const char *name, char *out);
/* Why pw will not do for the account name (English, for the CLI), or NULL
 * when it will: TM_AUTH_PASSWORD_MIN characters at least, valid UTF-8, not
 * the name. */
const char *tm_auth_password_problem(const char *name, const char *pw);

/* The argon2id string of pw (owned by the caller). */
tm_rc tm_auth_hash_password(const char *pw, char **out, tm_err *err);
/* 1 when pw is the password of hash. */
int tm_auth_check_password(const char *pw, const char *hash);

/* The server's keys: one makes the login throttle's keys out of names, one
 * signs anonymous forms (guard.h).  Made on first use and kept in the
 * store; a read-only store without them gets keys for this process only. */
typedef struct tm_auth_keys {
	unsigned char login[TM_AUTH_HASH_BYTES];
	unsigned char form[TM_AUTH_HASH_BYTES];
	int ephemeral; /* not stored: they end with the process */
} tm_auth_keys;
tm_rc tm_auth_keys_load(tm_store *st, tm_auth_keys *out, tm_err *err);

/* ---- accounts (tiemap user, the admin page) ---- */

tm_rc tm_auth_user_add(tm_store *st, const char *name, tm_role role, const char *password, int64_t now,
		       tm_err *err);
/* A new password; ends the user's sessions and lifts a lock. */
tm_rc tm_auth_set_password(tm_store *st, const char *name, const char *password, int64_t now, tm_err *err);
/* Forget the failed logins of name (lifts a lock). */
tm_rc tm_auth_unlock(tm_store *st, const char *name, tm_err *err);
/* The consecutive failed logins of u. */
tm_rc tm_auth_failures(tm_store *st, const tm_user *u, int64_t *failures, tm_err *err);

/* How long a login under a name with `failures` consecutive failures, the
 * last at last_at, must still wait at now: 0 none, > 0 seconds, -1 locked
 * (TM_AUTH_LOCK_AFTER reached: only `tiemap user unlock` or a new password
 * lifts it). */
int64_t tm_auth_login_wait(int64_t failures, int64_t last_at, int64_t now);

/* ---- sessions and tokens ---- */

/* Who a request is from. */
typedef struct tm_session {
	tm_user user;                  /* the account (owned) */
	tm_role role;                  /* what it may do now: a token's role may be below its owner's */
	int via_token;                 /* 1: an API token; 0: a session cookie */
	int64_t expires;               /* a session's end (0 for tokens) */
	char token[TM_AUTH_TEXT_MAX];  /* a new session's cookie value (only from tm_auth_login) */
	char csrf[TM_AUTH_TEXT_MAX];   /* a session's CSRF token; "" for API tokens */
	unsigned char hash[TM_AUTH_HASH_BYTES]; /* the session's key in the store */
} tm_session;
void tm_session_release(tm_session *s);

/*
 * Log name in with password at now.  On success *out is a new session
 * (its token is the cookie's value) and TM_OK.  Every failure — no such
 * name, a wrong password, a disabled account, a try before the wait is
 * over, a locked account — is TM_ERR_INVALID with the same message, after
 * the same work (one argon2id check and one counter written), so that
 * neither the answer nor its time says which.  Failures of other kinds
 * (the database) are errors of their own.
 */
tm_rc tm_auth_login(tm_store *st, const tm_auth_keys *k, const char *name, const char *password, int64_t now,
		    tm_session *out, tm_err *err);
/* The same check without a session (a signed-in user confirming a
 * password change): TM_OK, or TM_ERR_INVALID as above, and it counts. */
tm_rc tm_auth_verify(tm_store *st, const tm_auth_keys *k, const char *name, const char *password, int64_t now,
		     tm_err *err);
/* The session whose cookie value is cookie; TM_ERR_NOTFOUND when it is
 * none (malformed, unknown, ended, its user disabled). */
tm_rc tm_auth_session(tm_store *st, const char *cookie, int64_t now, tm_session *out, tm_err *err);
/* The same for an API token (the value after "Bearer "). */
tm_rc tm_auth_bearer(tm_store *st, const char *token, int64_t now, tm_session *out, tm_err *err);
/* End the session of cookie (nothing when there is none). */
tm_rc tm_auth_logout(tm_store *st, const char *cookie, tm_err *err);
/* 1 when sent is s's CSRF token (compared in constant time). */
int tm_auth_csrf_ok(const tm_session *s, const char *sent);

/* A new API token for name, with role (TM_ROLE_NONE: the user's own; never
 * above it), label (may be NULL), lasting days (0: until revoked).  token
 * (TM_AUTH_TEXT_MAX bytes) gets its text, shown once and stored nowhere;
 * *id its number for `tiemap user token --revoke`. */
tm_rc tm_auth_token_new(tm_store *st, const char *name, tm_role role, const char *label, int days, int64_t now,
			char *token, int64_t *id, tm_err *err);

#endif
