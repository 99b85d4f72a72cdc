/*
 * Petitions and their signatures on SQLite (store_petition.h).  A few
 * statements a page or a signature: each is prepared when it runs
 * (tm_store_prep), as in store_campaign.c, and this file's SQL stays its own.
 */
#include "store/store_petition.h"
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW_UTC "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

#define PETITION_ROW "SELECT id FROM petitions WHERE slug=?"
#define ACTION_ROW "SELECT id FROM actions WHERE slug=?"

tm_rc tm_store_has_action(tm_store *st, const char *id, int *found, tm_err *err)
{
	int64_t row;
	tm_rc rc = tm_store_slug_row(st, ACTION_ROW, id, &row, err);
	*found = row != 0;
	return rc;
}

/* The row of petition id into *row; TM_ERR_NOTFOUND when there is none, a
 * failed read as itself. */
static tm_rc petition_row(tm_store *st, const char *id, int64_t *row, tm_err *err)
{
	tm_rc rc = tm_store_slug_row(st, PETITION_ROW, id, row, err);
	if (!rc && !*row)
		rc = tm_fail(err, TM_ERR_NOTFOUND, "no petition '%s'", id);
	return rc;
}

/* ---- the record ---- */

#define PETITION_COLS                                                                                          \
	"p.id,p.slug,p.title_en,p.title_zh,p.text_en,p.text_zh,p.target_en,p.target_zh,a.slug,p.opens,p.closes," \
	"p.goal,p.public_key"
#define PETITION_FROM " FROM petitions p LEFT JOIN actions a ON a.id=p.action"

static tm_rc petition_from_row(tm_store *st, sqlite3_stmt *ents, sqlite3_stmt *s, tm_petition *p, tm_err *err)
{
	memset(p, 0, sizeof(*p));
	int64_t row = sqlite3_column_int64(s, 0);
	p->id = tm_store_col_dup(s, 1);
	p->title.en = tm_store_col_dup(s, 2);
	p->title.zh = tm_store_col_dup(s, 3);
	p->text.en = tm_store_col_dup(s, 4);
	p->text.zh = tm_store_col_dup(s, 5);
	p->target.en = tm_store_col_dup(s, 6);
	p->target.zh = tm_store_col_dup(s, 7);
	p->action = tm_store_col_dup(s, 8);
	tm_store_col_date(s, 9, p->opens);
	tm_store_col_date(s, 10, p->closes);
	p->goal = sqlite3_column_int64(s, 11);
	p->public_key = tm_store_col_dup(s, 12);
	sqlite3_reset(ents);
	sqlite3_bind_int64(ents, 1, row);
	int rc;
	while ((rc = sqlite3_step(ents)) == SQLITE_ROW)
		tm_strv_push(&p->entities, (const char *)sqlite3_column_text(ents, 0));
	sqlite3_reset(ents);
	if (rc != SQLITE_DONE) {
		tm_petition_release(p);
		return tm_store_db_fail(st, err, "reading a petition's entities");
	}
	return TM_OK;
}

#define ENTITIES_SQL                                                                                       \
	"SELECT e.slug FROM petition_entities x JOIN entities e ON e.id=x.entity WHERE x.petition=? ORDER BY x.ord"

tm_rc tm_store_get_petition(tm_store *st, const char *id, tm_petition *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *ents = tm_store_prep(st, ENTITIES_SQL, err);
	sqlite3_stmt *s = ents ? tm_store_prep(st, "SELECT " PETITION_COLS PETITION_FROM " WHERE p.slug=?", err) : NULL;
	tm_rc rc = TM_OK;
	if (!s) {
		rc = TM_ERR_DB;
	} else {
		tm_store_bind_text(s, 1, id);
		int step = sqlite3_step(s);
		if (step == SQLITE_ROW)
			rc = petition_from_row(st, ents, s, out, err);
		else if (step == SQLITE_DONE)
			rc = tm_fail(err, TM_ERR_NOTFOUND, "no petition '%s'", id);
		else
			rc = tm_store_db_fail(st, err, "reading a petition");
	}
	sqlite3_finalize(s);
	sqlite3_finalize(ents);
	return rc;
}

tm_rc tm_store_each_petition(tm_store *st, const char *action, tm_petition_fn fn, void *ctx, tm_err *err)
{
	sqlite3_stmt *ents = tm_store_prep(st, ENTITIES_SQL, err);
	sqlite3_stmt *s = ents ? tm_store_prep(st,
				      "SELECT " PETITION_COLS PETITION_FROM
				      " WHERE ?1 IS NULL OR a.slug=?1 ORDER BY p.slug",
				      err) :
				 NULL;
	if (!s) {
		sqlite3_finalize(ents);
		return TM_ERR_DB;
	}
	tm_store_bind_text(s, 1, action);
	tm_rc rc = TM_OK;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		tm_petition p;
		if ((rc = petition_from_row(st, ents, s, &p, err)))
			break;
		int stop = fn(ctx, &p);
		tm_petition_release(&p);
		if (stop)
			break;
	}
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "reading petitions");
	sqlite3_finalize(s);
	sqlite3_finalize(ents);
	return rc;
}

static int bitext_eq(const tm_bitext *a, const tm_bitext *b)
{
	return tm_streq(a->en, b->en) && tm_streq(a->zh, b->zh);
}

static int petition_eq(const tm_petition *a, const tm_petition *b)
{
	if (a->entities.n != b->entities.n)
		return 0;
	for (size_t i = 0; i < a->entities.n; i++)
		if (strcmp(a->entities.v[i], b->entities.v[i]) != 0)
			return 0;
	return tm_streq(a->id, b->id) && bitext_eq(&a->title, &b->title) && bitext_eq(&a->text, &b->text) &&
	       bitext_eq(&a->target, &b->target) && tm_streq(a->action, b->action) && strcmp(a->opens, b->opens) == 0 &&
	       strcmp(a->closes, b->closes) == 0 && a->goal == b->goal && tm_streq(a->public_key, b->public_key);
}

tm_rc tm_store_put_petition(tm_store *st, const tm_petition *p, tm_err *err)
{
	int64_t row;
	tm_rc rc = tm_store_slug_row(st, PETITION_ROW, p->id, &row, err);
	if (rc)
		return rc;
	if (row) {
		tm_petition old;
		if ((rc = tm_store_get_petition(st, p->id, &old, err)))
			return rc;
		int same = petition_eq(&old, p);
		tm_petition_release(&old);
		if (same)
			return TM_OK;
	}
	int64_t action = 0;
	if (p->action && (rc = tm_store_slug_row(st, ACTION_ROW, p->action, &action, err)))
		return rc;
	if (p->action && !action)
		return tm_fail(err, TM_ERR_NOTFOUND, "no action '%s'", p->action);
	sqlite3_stmt *s = tm_store_prep(st,
			       row ? "UPDATE petitions SET title_en=?2,title_zh=?3,text_en=?4,text_zh=?5,target_en=?6,"
				     "target_zh=?7,action=?8,opens=?9,closes=?10,goal=?11,public_key=?12,"
				     "updated_at=" NOW_UTC " WHERE slug=?1" :
				     "INSERT INTO petitions(slug,title_en,title_zh,text_en,text_zh,target_en,target_zh,"
				     "action,opens,closes,goal,public_key) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)",
			       err);
	if (!s)
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, p->id);
	tm_store_bind_text(s, 2, p->title.en);
	tm_store_bind_text(s, 3, p->title.zh);
	tm_store_bind_text(s, 4, p->text.en);
	tm_store_bind_text(s, 5, p->text.zh);
	tm_store_bind_text(s, 6, p->target.en);
	tm_store_bind_text(s, 7, p->target.zh);
	if (action)
		sqlite3_bind_int64(s, 8, action);
	else
		sqlite3_bind_null(s, 8);
	tm_store_bind_text(s, 9, p->opens);
	tm_store_bind_text(s, 10, p->closes);
	sqlite3_bind_int64(s, 11, p->goal);
	tm_store_bind_text(s, 12, p->public_key);
	rc = tm_store_step_done(st, s, err, "writing a petition");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	if (!row)
		row = sqlite3_last_insert_rowid(st->db);
	TM_STORE_DIRTY(st);
	if (!(s = tm_store_prep(st, "DELETE FROM petition_entities WHERE petition=?", err)))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	rc = tm_store_step_done(st, s, err, "writing a petition's entities");
	sqlite3_finalize(s);
	if (rc || !p->entities.n)
		return rc;
	if (!(s = tm_store_prep(st, "INSERT INTO petition_entities(petition,ord,entity) VALUES(?,?,?)", err)))
		return TM_ERR_DB;
	for (size_t i = 0; i < p->entities.n && !rc; i++) {
		int64_t e;
		if ((rc = tm_store_rowid_of(st, S_ENTITY_ID, p->entities.v[i], &e, err)))
			break;
		if (!e) {
			rc = tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", p->entities.v[i]);
			break;
		}
		sqlite3_bind_int64(s, 1, row);
		sqlite3_bind_int64(s, 2, (int64_t)i);
		sqlite3_bind_int64(s, 3, e);
		rc = tm_store_step_done(st, s, err, "writing a petition's entities");
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- signatures ---- */

/* Every change to signatures or names shown moves petition_version, in the
 * same transaction, whichever process makes it. */
static tm_rc bump_version(tm_store *st, tm_err *err)
{
	return tm_store_exec(st, "UPDATE meta SET value=value+1 WHERE key='petition_version'", err);
}

/* A signature or a withdrawal counted on its day (sql: petition, day), and
 * the version moved. */
static tm_rc count_day(tm_store *st, int64_t petition, const char *day, const char *sql, tm_err *err)
{
	sqlite3_stmt *s = tm_store_prep(st, sql, err);
	if (!s)
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, petition);
	tm_store_bind_text(s, 2, day);
	tm_rc rc = tm_store_step_done(st, s, err, "counting signatures");
	sqlite3_finalize(s);
	return rc ? rc : bump_version(st, err);
}

/* The row of petition id, about to lose signatures or names.  What is
 * deleted from then on is overwritten with zeros where it is, not only
 * unlinked from its page, and its pages zeroed when they are freed: a
 * sealed box or a name taken back must not be read off the disk.  Copies
 * that balancing left elsewhere go with tm_store_rewrite(). */
static tm_rc deleting_from(tm_store *st, const char *id, int64_t *row, tm_err *err)
{
	tm_rc rc = petition_row(st, id, row, err);
	return rc ? rc : tm_store_exec(st, "PRAGMA secure_delete=ON", err);
}

tm_rc tm_store_petition_sign(tm_store *st, const char *id, const unsigned char dedup[TM_STORE_DEDUP_BYTES],
			     const void *sealed, size_t n, const char *day, const char *show_name,
			     const char *show_city, int *added, tm_err *err)
{
	*added = 0;
	int64_t row;
	tm_rc rc = petition_row(st, id, &row, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tm_store_prep(st,
			       "INSERT INTO petition_signatures(petition,dedup,sealed) VALUES(?,?,?)"
			       " ON CONFLICT(petition,dedup) DO NOTHING",
			       err);
	if (!s)
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_blob(s, 2, dedup, TM_STORE_DEDUP_BYTES, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, sealed, (int)n, SQLITE_STATIC);
	rc = tm_store_step_done(st, s, err, "writing a signature");
	sqlite3_finalize(s);
	if (rc || sqlite3_changes(st->db) == 0)
		return rc;
	*added = 1;
	rc = count_day(st, row, day,
		       "INSERT INTO petition_days(petition,day,n) VALUES(?,?,1)"
		       " ON CONFLICT(petition,day) DO UPDATE SET n=n+1",
		       err);
	if (rc || !show_name)
		return rc;
	/* a random key: rows of one day come back in no telling order, and
	 * nothing ties a row to its sealed box */
	if (!(s = tm_store_prep(st, "INSERT INTO petition_public(petition,day,nonce,name,city) VALUES(?,?,randomblob(8),?,?)",
		       err)))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	tm_store_bind_text(s, 2, day);
	tm_store_bind_text(s, 3, show_name);
	tm_store_bind_text(s, 4, show_city);
	rc = tm_store_step_done(st, s, err, "writing a shown signature");
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_petition_counts(tm_store *st, const char *id, const char *from, const char *to,
			       tm_petition_counts *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	int64_t row;
	tm_rc rc = petition_row(st, id, &row, err);
	if (rc)
		return rc;
	/* the days are the count: a signature adds one to its day, a
	 * withdrawal takes one off its own, and a purge leaves them */
	sqlite3_stmt *s = tm_store_prep(st,
			       "SELECT (SELECT coalesce(sum(n-withdrawn),0) FROM petition_days WHERE petition=?1"
			       "   AND (?3 IS NULL OR day<=?3)),"
			       " (SELECT count(*) FROM petition_public WHERE petition=?1),"
			       " (SELECT coalesce(sum(n),0) FROM petition_days WHERE petition=?1"
			       "   AND (?2 IS NULL OR day>=?2) AND (?3 IS NULL OR day<=?3)),"
			       " (SELECT purged_at FROM petitions WHERE id=?1)",
			       err);
	if (!s)
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	tm_store_bind_text(s, 2, from);
	tm_store_bind_text(s, 3, to);
	if (sqlite3_step(s) == SQLITE_ROW) {
		out->signatures = sqlite3_column_int64(s, 0);
		out->shown = sqlite3_column_int64(s, 1);
		out->in_range = sqlite3_column_int64(s, 2);
		tm_store_col_date(s, 3, out->purged);
	} else {
		rc = tm_store_db_fail(st, err, "counting signatures");
	}
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_petition_shown(tm_store *st, const char *id, size_t limit, size_t offset, tm_shown_fn fn, void *ctx,
			      tm_err *err)
{
	int64_t row;
	tm_rc rc = petition_row(st, id, &row, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tm_store_prep(st,
			       "SELECT name,city FROM petition_public WHERE petition=?"
			       " ORDER BY day DESC, nonce LIMIT ? OFFSET ?",
			       err);
	if (!s)
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_int64(s, 2, limit ? (int64_t)limit : -1);
	sqlite3_bind_int64(s, 3, (int64_t)offset);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1)))
			break;
	rc = step == SQLITE_ROW || step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading signers");
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_petition_each_sealed(tm_store *st, const char *id, tm_sealed_fn fn, void *ctx, tm_err *err)
{
	int64_t row;
	tm_rc rc = petition_row(st, id, &row, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tm_store_prep(st, "SELECT sealed FROM petition_signatures WHERE petition=?", err);
	if (!s)
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if (fn(ctx, sqlite3_column_blob(s, 0), (size_t)sqlite3_column_bytes(s, 0)))
			break;
	rc = step == SQLITE_ROW || step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading signatures");
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_petition_version(tm_store *st, int64_t *out, tm_err *err)
{
	*out = 0;
	sqlite3_stmt *s = tm_store_prep(st, "SELECT value FROM meta WHERE key='petition_version'", err);
	if (!s)
		return TM_ERR_DB;
	tm_rc rc = TM_OK;
	if (sqlite3_step(s) == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	else
		rc = tm_store_db_fail(st, err, "reading the signatures' version");
	sqlite3_finalize(s);
	return rc;
}

/* ---- taking back ---- */

tm_rc tm_store_petition_withdraw(tm_store *st, const char *id, const unsigned char dedup[TM_STORE_DEDUP_BYTES],
				 const char *day, int *removed, tm_err *err)
{
	*removed = 0;
	int64_t row;
	tm_rc rc = deleting_from(st, id, &row, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tm_store_prep(st, "DELETE FROM petition_signatures WHERE petition=? AND dedup=?", err);
	if (!s)
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	sqlite3_bind_blob(s, 2, dedup, TM_STORE_DEDUP_BYTES, SQLITE_STATIC);
	rc = tm_store_step_done(st, s, err, "deleting a signature");
	sqlite3_finalize(s);
	if (rc || sqlite3_changes(st->db) == 0)
		return rc;
	*removed = 1;
	return count_day(st, row, day,
			 "INSERT INTO petition_days(petition,day,n,withdrawn) VALUES(?,?,0,1)"
			 " ON CONFLICT(petition,day) DO UPDATE SET withdrawn=withdrawn+1",
			 err);
}

tm_rc tm_store_petition_unshow(tm_store *st, const char *id, const char *name, const char *city, int *removed,
			       tm_err *err)
{
	*removed = 0;
	int64_t row;
	tm_rc rc = deleting_from(st, id, &row, err);
	if (rc)
		return rc;
	/* one row: two signers may show the same name and city, and each
	 * takes back only their own */
	sqlite3_stmt *s = tm_store_prep(st,
			       "DELETE FROM petition_public WHERE (petition,day,nonce)=(SELECT petition,day,nonce"
			       " FROM petition_public WHERE petition=?1 AND name=?2 AND city IS ?3 LIMIT 1)",
			       err);
	if (!s)
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	tm_store_bind_text(s, 2, name);
	tm_store_bind_text(s, 3, city);
	rc = tm_store_step_done(st, s, err, "deleting a name shown");
	sqlite3_finalize(s);
	if (rc || sqlite3_changes(st->db) == 0)
		return rc;
	*removed = 1;
	return bump_version(st, err);
}

tm_rc tm_store_petition_purge(tm_store *st, const char *id, int shown_too, int64_t *signatures, int64_t *shown,
			      tm_err *err)
{
	*signatures = *shown = 0;
	int64_t row;
	tm_rc rc = deleting_from(st, id, &row, err);
	if (rc)
		return rc;
	static const char *const sql[] = {
		"DELETE FROM petition_signatures WHERE petition=?",
		"DELETE FROM petition_public WHERE petition=?",
		"UPDATE petitions SET purged_at=coalesce(purged_at,date('now')) WHERE id=?",
	};
	int64_t *counted[] = { signatures, shown, NULL };
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]) && !rc; i++) {
		if (i == 1 && !shown_too)
			continue;
		sqlite3_stmt *s = tm_store_prep(st, sql[i], err);
		if (!s)
			return TM_ERR_DB;
		sqlite3_bind_int64(s, 1, row);
		rc = tm_store_step_done(st, s, err, "purging signatures");
		sqlite3_finalize(s);
		if (!rc && counted[i])
			*counted[i] = sqlite3_changes(st->db);
	}
	return rc ? rc : bump_version(st, err);
}
