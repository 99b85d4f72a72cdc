/*
 * The rows of accounts (store_auth.h).  These statements run a few times a
 * login, not millions of times an import, so each is prepared when it runs
 * rather than kept in st->stmt[].
 */
#include "store/store_auth.h"
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define USER_COLS "u.id,u.name,u.role,u.disabled,u.pwhash,u.login_key,u.created_at,u.password_at"

void tm_user_release(tm_user *u)
{
	if (!u)
		return;
	free(u->name);
	if (u->pwhash) {
		/* the hash is no secret, but there is no need to leave it about */
		memset(u->pwhash, 0, strlen(u->pwhash));
		free(u->pwhash);
	}
	memset(u, 0, sizeof(*u));
}

/* tm_store_prep() in the shape the functions below test. */
static tm_rc prepare(tm_store *st, const char *sql, sqlite3_stmt **s, tm_err *err)
{
	*s = tm_store_prep(st, sql, err);
	return *s ? TM_OK : TM_ERR_DB;
}

/* Step a statement that returns no rows, and finalize it; *changes (may be
 * NULL) gets the rows it changed. */
static tm_rc finish(tm_store *st, sqlite3_stmt *s, int64_t *changes, tm_err *err)
{
	int rc = sqlite3_step(s);
	tm_rc out = TM_OK;
	if (rc != SQLITE_DONE)
		out = tm_store_db_fail(st, err, "accounts");
	else if (changes)
		*changes = sqlite3_changes(st->db);
	sqlite3_finalize(s);
	return out;
}

static void bind_hash(sqlite3_stmt *s, int i, const unsigned char h[TM_AUTH_HASH_BYTES])
{
	sqlite3_bind_blob(s, i, h, TM_AUTH_HASH_BYTES, SQLITE_STATIC);
}

static void read_user(sqlite3_stmt *s, int col, tm_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(s, col);
	u->name = tm_store_col_dup(s, col + 1);
	u->role = sqlite3_column_int(s, col + 2);
	u->disabled = sqlite3_column_int(s, col + 3);
	u->pwhash = tm_store_col_dup(s, col + 4);
	if (sqlite3_column_bytes(s, col + 5) == TM_AUTH_HASH_BYTES)
		memcpy(u->login_key, sqlite3_column_blob(s, col + 5), TM_AUTH_HASH_BYTES);
	u->created_at = sqlite3_column_int64(s, col + 6);
	u->password_at = sqlite3_column_int64(s, col + 7);
}

/* One row into *out from a statement made with the user's columns first;
 * TM_ERR_NOTFOUND with msg when there is none. */
static tm_rc one_user(tm_store *st, sqlite3_stmt *s, tm_user *out, const char *missing, tm_err *err)
{
	int rc = sqlite3_step(s);
	tm_rc r = TM_OK;
	if (rc == SQLITE_ROW)
		read_user(s, 0, out);
	else if (rc == SQLITE_DONE)
		r = tm_fail(err, TM_ERR_NOTFOUND, "%s", missing);
	else
		r = tm_store_db_fail(st, err, "accounts");
	return r;
}

tm_rc tm_store_user_add(tm_store *st, const tm_user *u, int64_t *id, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st,
			   "INSERT INTO users(name,role,pwhash,disabled,login_key,created_at,password_at)"
			   " VALUES(?,?,?,?,?,?,?) ON CONFLICT(name) DO NOTHING",
			   &s, err);
	if (rc)
		return rc;
	tm_store_bind_text(s, 1, u->name);
	sqlite3_bind_int(s, 2, u->role);
	tm_store_bind_text(s, 3, u->pwhash);
	sqlite3_bind_int(s, 4, u->disabled);
	bind_hash(s, 5, u->login_key);
	sqlite3_bind_int64(s, 6, u->created_at);
	sqlite3_bind_int64(s, 7, u->password_at);
	int64_t n = 0;
	if ((rc = finish(st, s, &n, err)))
		return rc;
	if (!n)
		return tm_fail(err, TM_ERR_INVALID, "user '%s' exists already", u->name);
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return TM_OK;
}

tm_rc tm_store_user_get(tm_store *st, const char *name, tm_user *out, tm_err *err)
{
	sqlite3_stmt *s;
	memset(out, 0, sizeof(*out));
	tm_rc rc = prepare(st, "SELECT " USER_COLS " FROM users u WHERE u.name=?", &s, err);
	if (rc)
		return rc;
	tm_store_bind_text(s, 1, name);
	char missing[160];
	snprintf(missing, sizeof(missing), "no user '%.100s'", name);
	rc = one_user(st, s, out, missing, err);
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_user_each(tm_store *st, int (*fn)(void *ctx, const tm_user *u), void *ctx, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st, "SELECT " USER_COLS " FROM users u ORDER BY u.name", &s, err);
	if (rc)
		return rc;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		tm_user u;
		read_user(s, 0, &u);
		int stop = fn(ctx, &u);
		tm_user_release(&u);
		if (stop)
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "accounts");
	sqlite3_finalize(s);
	return rc;
}

/* UPDATE users SET <set> WHERE name=?1, with ?2 and ?3 bound by the caller's
 * values; TM_ERR_NOTFOUND when no user has the name. */
static tm_rc update_user(tm_store *st, const char *set, const char *name, int64_t v2, const char *t2, int64_t v3,
			 tm_err *err)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "UPDATE users SET %s WHERE name=?1", set);
	sqlite3_stmt *s;
	tm_rc rc = prepare(st, sql, &s, err);
	if (rc)
		return rc;
	tm_store_bind_text(s, 1, name);
	if (t2)
		tm_store_bind_text(s, 2, t2);
	else
		sqlite3_bind_int64(s, 2, v2);
	sqlite3_bind_int64(s, 3, v3);
	int64_t n = 0;
	if ((rc = finish(st, s, &n, err)))
		return rc;
	return n ? TM_OK : tm_fail(err, TM_ERR_NOTFOUND, "no user '%s'", name);
}

tm_rc tm_store_user_set_role(tm_store *st, const char *name, int role, tm_err *err)
{
	return update_user(st, "role=?2", name, role, NULL, 0, err);
}

tm_rc tm_store_user_set_disabled(tm_store *st, const char *name, int disabled, tm_err *err)
{
	return update_user(st, "disabled=?2", name, disabled != 0, NULL, 0, err);
}

tm_rc tm_store_user_set_password(tm_store *st, const char *name, const char *pwhash, int64_t now, tm_err *err)
{
	return update_user(st, "pwhash=?2, password_at=?3", name, 0, pwhash, now, err);
}

/* ---- sessions ---- */

tm_rc tm_store_session_add(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], int64_t user,
			   int64_t created, int64_t expires, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st, "INSERT INTO sessions(hash,user,created_at,expires_at) VALUES(?,?,?,?)", &s, err);
	if (rc)
		return rc;
	bind_hash(s, 1, hash);
	sqlite3_bind_int64(s, 2, user);
	sqlite3_bind_int64(s, 3, created);
	sqlite3_bind_int64(s, 4, expires);
	return finish(st, s, NULL, err);
}

tm_rc tm_store_session_user(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], int64_t now, tm_user *out,
			    int64_t *expires, tm_err *err)
{
	sqlite3_stmt *s;
	memset(out, 0, sizeof(*out));
	tm_rc rc = prepare(st,
			   "SELECT " USER_COLS ",s.expires_at FROM sessions s JOIN users u ON u.id=s.user"
			   " WHERE s.hash=? AND s.expires_at>? AND u.disabled=0",
			   &s, err);
	if (rc)
		return rc;
	bind_hash(s, 1, hash);
	sqlite3_bind_int64(s, 2, now);
	rc = one_user(st, s, out, "no such session", err);
	if (!rc && expires)
		*expires = sqlite3_column_int64(s, 8);
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_session_delete(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st, "DELETE FROM sessions WHERE hash=?", &s, err);
	if (rc)
		return rc;
	bind_hash(s, 1, hash);
	return finish(st, s, NULL, err);
}

tm_rc tm_store_sessions_delete(tm_store *st, int64_t user, int64_t now, int64_t *n, tm_err *err)
{
	int64_t live = 0;
	tm_rc rc = tm_store_session_count(st, user, now, &live, err);
	sqlite3_stmt *s;
	if (rc || (rc = prepare(st, "DELETE FROM sessions WHERE ?1=0 OR user=?1 OR expires_at<=?2", &s, err)))
		return rc;
	sqlite3_bind_int64(s, 1, user);
	sqlite3_bind_int64(s, 2, now);
	if ((rc = finish(st, s, NULL, err)))
		return rc;
	if (n)
		*n = live;
	return TM_OK;
}

tm_rc tm_store_session_count(tm_store *st, int64_t user, int64_t now, int64_t *n, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st, "SELECT count(*) FROM sessions WHERE (?1=0 OR user=?1) AND expires_at>?2", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, user);
	sqlite3_bind_int64(s, 2, now);
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else
		rc = tm_store_db_fail(st, err, "accounts");
	sqlite3_finalize(s);
	return rc;
}

/* ---- API tokens ---- */

tm_rc tm_store_token_add(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], int64_t user, int role,
			 const char *label, int64_t created, int64_t expires, int64_t *id, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st,
			   "INSERT INTO api_tokens(hash,user,role,label,created_at,expires_at) VALUES(?,?,?,?,?,?)",
			   &s, err);
	if (rc)
		return rc;
	bind_hash(s, 1, hash);
	sqlite3_bind_int64(s, 2, user);
	sqlite3_bind_int(s, 3, role);
	tm_store_bind_text(s, 4, label);
	sqlite3_bind_int64(s, 5, created);
	if (expires)
		sqlite3_bind_int64(s, 6, expires);
	else
		sqlite3_bind_null(s, 6);
	if ((rc = finish(st, s, NULL, err)))
		return rc;
	if (id)
		*id = sqlite3_last_insert_rowid(st->db);
	return TM_OK;
}

tm_rc tm_store_token_user(tm_store *st, const unsigned char hash[TM_AUTH_HASH_BYTES], int64_t now, tm_user *out,
			  int *role, tm_err *err)
{
	sqlite3_stmt *s;
	memset(out, 0, sizeof(*out));
	/* a token never does more than its owner may do today */
	tm_rc rc = prepare(st,
			   "SELECT " USER_COLS ",min(t.role,u.role) FROM api_tokens t JOIN users u ON u.id=t.user"
			   " WHERE t.hash=?1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at>?2)"
			   " AND u.disabled=0",
			   &s, err);
	if (rc)
		return rc;
	bind_hash(s, 1, hash);
	sqlite3_bind_int64(s, 2, now);
	rc = one_user(st, s, out, "no such token", err);
	if (!rc)
		*role = sqlite3_column_int(s, 8);
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_token_revoke(tm_store *st, int64_t id, int64_t now, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st, "UPDATE api_tokens SET revoked_at=?2 WHERE id=?1 AND revoked_at IS NULL", &s, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, now);
	int64_t n = 0;
	if ((rc = finish(st, s, &n, err)))
		return rc;
	return n ? TM_OK : tm_fail(err, TM_ERR_NOTFOUND, "no live token %lld", (long long)id);
}

tm_rc tm_store_token_each(tm_store *st, const char *name, int (*fn)(void *ctx, const tm_token_info *t), void *ctx,
			  tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st,
			   "SELECT t.id,u.name,t.role,t.label,t.created_at,t.expires_at,t.revoked_at"
			   " FROM api_tokens t JOIN users u ON u.id=t.user WHERE ?1 IS NULL OR u.name=?1 ORDER BY t.id",
			   &s, err);
	if (rc)
		return rc;
	tm_store_bind_text(s, 1, name);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		tm_token_info t = {
			.id = sqlite3_column_int64(s, 0),
			.user = (const char *)sqlite3_column_text(s, 1),
			.role = sqlite3_column_int(s, 2),
			.label = (const char *)sqlite3_column_text(s, 3),
			.created_at = sqlite3_column_int64(s, 4),
			.expires_at = sqlite3_column_int64(s, 5),
			.revoked_at = sqlite3_column_int64(s, 6),
		};
		if (fn(ctx, &t))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "accounts");
	sqlite3_finalize(s);
	return rc;
}

/* ---- failed logins ---- */

tm_rc tm_store_login_get(tm_store *st, const unsigned char key[TM_AUTH_HASH_BYTES], int64_t *failures,
			 int64_t *last_at, tm_err *err)
{
	sqlite3_stmt *s;
	*failures = *last_at = 0;
	tm_rc rc = prepare(st, "SELECT failures,last_at FROM login_failures WHERE key=?", &s, err);
	if (rc)
		return rc;
	bind_hash(s, 1, key);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*failures = sqlite3_column_int64(s, 0);
		*last_at = sqlite3_column_int64(s, 1);
	} else if (step != SQLITE_DONE) {
		rc = tm_store_db_fail(st, err, "accounts");
	}
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_login_failed(tm_store *st, const unsigned char key[TM_AUTH_HASH_BYTES], int64_t now, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st,
			   "INSERT INTO login_failures(key,failures,last_at) VALUES(?1,1,?2)"
			   " ON CONFLICT(key) DO UPDATE SET failures=failures+1, last_at=?2",
			   &s, err);
	if (rc)
		return rc;
	bind_hash(s, 1, key);
	sqlite3_bind_int64(s, 2, now);
	return finish(st, s, NULL, err);
}

tm_rc tm_store_login_clear(tm_store *st, const unsigned char key[TM_AUTH_HASH_BYTES], tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st, "DELETE FROM login_failures WHERE key=?", &s, err);
	if (rc)
		return rc;
	bind_hash(s, 1, key);
	return finish(st, s, NULL, err);
}

tm_rc tm_store_login_prune(tm_store *st, int64_t before, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st,
			   "DELETE FROM login_failures WHERE last_at<? AND key NOT IN (SELECT login_key FROM users)", &s,
			   err);
	if (rc)
		return rc;
	sqlite3_bind_int64(s, 1, before);
	return finish(st, s, NULL, err);
}

/* ---- keys ---- */

tm_rc tm_store_auth_key(tm_store *st, const char *name, const unsigned char fresh[TM_AUTH_HASH_BYTES],
			unsigned char out[TM_AUTH_HASH_BYTES], tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc;
	for (int attempt = 0; attempt < 2; attempt++) {
		if ((rc = prepare(st, "SELECT key FROM auth_keys WHERE name=?", &s, err)))
			return rc;
		tm_store_bind_text(s, 1, name);
		int step = sqlite3_step(s);
		if (step == SQLITE_ROW && sqlite3_column_bytes(s, 0) == TM_AUTH_HASH_BYTES) {
			memcpy(out, sqlite3_column_blob(s, 0), TM_AUTH_HASH_BYTES);
			sqlite3_finalize(s);
			return TM_OK;
		}
		rc = step == SQLITE_ROW || step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "accounts");
		sqlite3_finalize(s);
		if (rc || attempt)
			break;
		/* none yet: ours, unless another process got there first */
		if ((rc = prepare(st, "INSERT OR IGNORE INTO auth_keys(name,key) VALUES(?,?)", &s, err)))
			return rc;
		tm_store_bind_text(s, 1, name);
		sqlite3_bind_blob(s, 2, fresh, TM_AUTH_HASH_BYTES, SQLITE_STATIC);
		if ((rc = finish(st, s, NULL, err)))
			return rc;
	}
	return rc ? rc : tm_fail(err, TM_ERR_DB, "key '%s' is damaged", name);
}
