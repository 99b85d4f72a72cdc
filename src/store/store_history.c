/*
 * The rows of history, review and reports (store_history.h), and the
 * deletion of records.  These run a few times an edit, or once a record
 * of an import, so statements are prepared where they run.
 */
#include "store/store_history.h"
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const status_names[] = { "published", "pending", "returned", "rejected", "approved" };
#define N_STATUS ((int)(sizeof(status_names) / sizeof(status_names[0])))

const char *tm_change_status_name(int status)
{
	return status >= 0 && status < N_STATUS ? status_names[status] : "unknown";
}

int tm_change_status_parse(const char *s)
{
	for (int i = 0; s && i < N_STATUS; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

void tm_change_release(tm_change *c)
{
	if (!c)
		return;
	free(c->at);
	free(c->author);
	free(c->via);
	free(c->summary);
	free(c->reviewer);
	free(c->reviewed_at);
	free(c->review_note);
	memset(c, 0, sizeof(*c));
}

void tm_revision_release(tm_revision *r)
{
	if (!r)
		return;
	free(r->record);
	free(r->key);
	free(r->prev_key);
	free(r->before);
	free(r->after);
	memset(r, 0, sizeof(*r));
}

void tm_report_release(tm_report *r)
{
	if (!r)
		return;
	free(r->kind);
	free(r->record);
	free(r->key);
	free(r->at);
	free(r->message);
	free(r->links);
	free(r->contact);
	free(r->reviewer);
	free(r->reviewed_at);
	free(r->note);
	memset(r, 0, sizeof(*r));
}

static tm_rc prepare(tm_store *st, const char *sql, sqlite3_stmt **s, tm_err *err)
{
	*s = tm_store_prep(st, sql, err);
	return *s ? TM_OK : TM_ERR_DB;
}

static tm_rc finish(tm_store *st, sqlite3_stmt *s, const char *what, tm_err *err)
{
	int rc = sqlite3_step(s);
	tm_rc out = rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, what);
	sqlite3_finalize(s);
	return out;
}

/* ---- changes and revisions ---- */

#define CHANGE_COLS "c.id,c.at,c.author,c.user,c.via,c.summary,c.status,c.reviewer,c.reviewed_at,c.review_note,c.approves"
#define REV_COLS "r.id,r.change,r.record,r.key,r.prev_key,r.before,r.after"

static void read_change(sqlite3_stmt *s, int col, tm_change *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(s, col);
	c->at = tm_store_col_dup(s, col + 1);
	c->author = tm_store_col_dup(s, col + 2);
	c->user = sqlite3_column_int64(s, col + 3);
	c->via = tm_store_col_dup(s, col + 4);
	c->summary = tm_store_col_dup(s, col + 5);
	c->status = sqlite3_column_int(s, col + 6);
	c->reviewer = tm_store_col_dup(s, col + 7);
	c->reviewed_at = tm_store_col_dup(s, col + 8);
	c->review_note = tm_store_col_dup(s, col + 9);
	c->approves = sqlite3_column_int64(s, col + 10);
}

static void read_revision(sqlite3_stmt *s, int col, tm_revision *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, col);
	r->change = sqlite3_column_int64(s, col + 1);
	r->record = tm_store_col_dup(s, col + 2);
	r->key = tm_store_col_dup(s, col + 3);
	r->prev_key = tm_store_col_dup(s, col + 4);
	r->before = tm_store_col_dup(s, col + 5);
	r->after = tm_store_col_dup(s, col + 6);
}

tm_rc tm_store_change_add(tm_store *st, const tm_change *c, int64_t *id, tm_err *err)
{
	sqlite3_stmt *s;
	if (c->id) {
		/* an imported history keeps its numbers; the same change again is
		 * no change */
		tm_change old;
		tm_rc rc = tm_store_change_get(st, c->id, &old, NULL);
		if (rc == TM_OK) {
			int same = tm_streq(old.at, c->at) && tm_streq(old.author, c->author) &&
				   tm_streq(old.via, c->via) && tm_streq(old.summary, c->summary) &&
				   old.status == c->status && tm_streq(old.reviewer, c->reviewer) &&
				   tm_streq(old.reviewed_at, c->reviewed_at) && tm_streq(old.review_note, c->review_note) &&
				   old.approves == c->approves;
			tm_change_release(&old);
			if (!same)
				return tm_fail(err, TM_ERR_INVALID, "change %lld is in the database with different content",
					       (long long)c->id);
			if (id)
				*id = c->id;
			return TM_OK;
		}
	}
	if (prepare(st,
		    "INSERT INTO changes(id,at,author,user,via,summary,status,reviewer,reviewed_at,review_note,approves)"
		    " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
		    &s, err))
		return TM_ERR_DB;
	if (c->id)
		sqlite3_bind_int64(s, 1, c->id);
	tm_store_bind_text(s, 2, c->at);
	tm_store_bind_text(s, 3, c->author);
	if (c->user)
		sqlite3_bind_int64(s, 4, c->user);
	tm_store_bind_text(s, 5, c->via);
	tm_store_bind_text(s, 6, c->summary);
	sqlite3_bind_int(s, 7, c->status);
	tm_store_bind_text(s, 8, c->reviewer);
	tm_store_bind_text(s, 9, c->reviewed_at);
	tm_store_bind_text(s, 10, c->review_note);
	if (c->approves)
		sqlite3_bind_int64(s, 11, c->approves);
	tm_rc rc = finish(st, s, "recording a change", err);
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

tm_rc tm_store_revision_add(tm_store *st, const tm_revision *r, int64_t *id, tm_err *err)
{
	sqlite3_stmt *s;
	if (r->id) {
		tm_revision old;
		if (tm_store_revision_get(st, r->id, &old, NULL) == TM_OK) {
			int same = old.change == r->change && tm_streq(old.record, r->record) &&
				   tm_streq(old.key, r->key) && tm_streq(old.prev_key, r->prev_key) &&
				   tm_streq(old.before, r->before) && tm_streq(old.after, r->after);
			tm_revision_release(&old);
			if (!same)
				return tm_fail(err, TM_ERR_INVALID, "revision %lld is in the database with different content",
					       (long long)r->id);
			if (id)
				*id = r->id;
			return TM_OK;
		}
	}
	if (prepare(st, "INSERT INTO revisions(id,change,record,key,prev_key,before,after) VALUES(?,?,?,?,?,?,?)", &s,
		    err))
		return TM_ERR_DB;
	if (r->id)
		sqlite3_bind_int64(s, 1, r->id);
	sqlite3_bind_int64(s, 2, r->change);
	tm_store_bind_text(s, 3, r->record);
	tm_store_bind_text(s, 4, r->key);
	tm_store_bind_text(s, 5, r->prev_key);
	tm_store_bind_text(s, 6, r->before);
	tm_store_bind_text(s, 7, r->after);
	tm_rc rc = finish(st, s, "recording a revision", err);
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

tm_rc tm_store_change_get(tm_store *st, int64_t id, tm_change *out, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st, "SELECT " CHANGE_COLS " FROM changes c WHERE c.id=?", &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	tm_rc out_rc = TM_OK;
	if (rc == SQLITE_ROW)
		read_change(s, 0, out);
	else if (rc == SQLITE_DONE)
		out_rc = tm_fail(err, TM_ERR_NOTFOUND, "no change %lld", (long long)id);
	else
		out_rc = tm_store_db_fail(st, err, "reading a change");
	sqlite3_finalize(s);
	return out_rc;
}

tm_rc tm_store_revision_get(tm_store *st, int64_t id, tm_revision *out, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st, "SELECT " REV_COLS " FROM revisions r WHERE r.id=?", &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	tm_rc out_rc = TM_OK;
	if (rc == SQLITE_ROW)
		read_revision(s, 0, out);
	else if (rc == SQLITE_DONE)
		out_rc = tm_fail(err, TM_ERR_NOTFOUND, "no revision %lld", (long long)id);
	else
		out_rc = tm_store_db_fail(st, err, "reading a revision");
	sqlite3_finalize(s);
	return out_rc;
}

tm_rc tm_store_change_review(tm_store *st, int64_t id, int status, const char *reviewer, const char *at,
			     const char *note, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st, "UPDATE changes SET status=?2,reviewer=?3,reviewed_at=?4,review_note=?5 WHERE id=?1", &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, status);
	tm_store_bind_text(s, 3, reviewer);
	tm_store_bind_text(s, 4, at);
	tm_store_bind_text(s, 5, note);
	tm_rc rc = finish(st, s, "reviewing a change", err);
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = tm_fail(err, TM_ERR_NOTFOUND, "no change %lld", (long long)id);
	return rc;
}

tm_rc tm_store_revision_set_after(tm_store *st, int64_t id, const char *before, const char *after, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st, "UPDATE revisions SET before=?2,after=?3 WHERE id=?1", &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	tm_store_bind_text(s, 2, before);
	tm_store_bind_text(s, 3, after);
	return finish(st, s, "updating a revision", err);
}

/* Rows of (revision columns, change columns) to fn. */
static tm_rc each_rev(tm_store *st, sqlite3_stmt *s, tm_revision_fn fn, void *ctx, tm_err *err)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		tm_revision r;
		tm_change c;
		read_revision(s, 0, &r);
		read_change(s, 7, &c);
		int stop = fn(ctx, &r, &c);
		tm_revision_release(&r);
		tm_change_release(&c);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	tm_rc out = rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading history");
	sqlite3_finalize(s);
	return out;
}

tm_rc tm_store_history(tm_store *st, const char *record, const char *key, int all, tm_revision_fn fn, void *ctx,
		       tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st,
		    "SELECT " REV_COLS "," CHANGE_COLS " FROM revisions r JOIN changes c ON c.id=r.change"
		    " WHERE r.record=?1 AND (r.key=?2 OR r.prev_key=?2) AND (?3 OR c.status IN (0,4)) ORDER BY r.id DESC",
		    &s, err))
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, record);
	tm_store_bind_text(s, 2, key);
	sqlite3_bind_int(s, 3, all);
	return each_rev(st, s, fn, ctx, err);
}

tm_rc tm_store_latest_revision(tm_store *st, const char *record, const char *key, int64_t *rev, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st,
		    "SELECT max(r.id) FROM revisions r JOIN changes c ON c.id=r.change"
		    " WHERE r.record=?1 AND r.key=?2 AND c.status=0",
		    &s, err))
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, record);
	tm_store_bind_text(s, 2, key);
	int rc = sqlite3_step(s);
	*rev = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return tm_store_db_fail(st, err, "reading history");
	return TM_OK;
}

tm_rc tm_store_change_revisions(tm_store *st, int64_t change, tm_revision_fn fn, void *ctx, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st,
		    "SELECT " REV_COLS "," CHANGE_COLS " FROM revisions r JOIN changes c ON c.id=r.change"
		    " WHERE r.change=? ORDER BY r.id",
		    &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, change);
	return each_rev(st, s, fn, ctx, err);
}

static tm_rc each_change(tm_store *st, sqlite3_stmt *s, tm_change_fn fn, void *ctx, tm_err *err)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		tm_change c;
		read_change(s, 0, &c);
		int stop = fn(ctx, &c);
		tm_change_release(&c);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	tm_rc out = rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading changes");
	sqlite3_finalize(s);
	return out;
}

tm_rc tm_store_changes(tm_store *st, int status, int64_t user, size_t limit, tm_change_fn fn, void *ctx,
		       tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st,
		    "SELECT " CHANGE_COLS " FROM changes c WHERE (?1<0 OR c.status=?1) AND (?2<=0 OR c.user=?2)"
		    " ORDER BY c.id LIMIT ?3",
		    &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int(s, 1, status);
	sqlite3_bind_int64(s, 2, user);
	sqlite3_bind_int64(s, 3, limit ? (int64_t)limit : -1);
	return each_change(st, s, fn, ctx, err);
}

tm_rc tm_store_each_change(tm_store *st, tm_change_fn fn, void *ctx, tm_err *err)
{
	return tm_store_changes(st, -1, 0, 0, fn, ctx, err);
}

tm_rc tm_store_each_revision(tm_store *st, tm_revision_fn fn, void *ctx, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st,
		    "SELECT " REV_COLS "," CHANGE_COLS " FROM revisions r JOIN changes c ON c.id=r.change ORDER BY r.id",
		    &s, err))
		return TM_ERR_DB;
	return each_rev(st, s, fn, ctx, err);
}

int tm_store_has_history(tm_store *st)
{
	sqlite3_stmt *s = tm_store_prep(st, "SELECT 1 FROM changes LIMIT 1", NULL);
	if (!s)
		return 0;
	int has = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return has;
}

int tm_store_has_records(tm_store *st, const char *record)
{
	static const char *const tables[][2] = {
		{ "source", "sources" }, { "entity", "entities" }, { "relation", "relations" },
		{ "action", "actions" }, { "site", "sites" }, { "involvement", "involvements" },
	};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		if (strcmp(tables[i][0], record) != 0)
			continue;
		char sql[64];
		snprintf(sql, sizeof(sql), "SELECT 1 FROM %s LIMIT 1", tables[i][1]);
		sqlite3_stmt *s = tm_store_prep(st, sql, NULL);
		if (!s)
			return -1;
		int rc = sqlite3_step(s);
		sqlite3_finalize(s);
		return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
	}
	return -1;
}

tm_rc tm_store_stage_revision(tm_store *st, const char *record, const char *key, const char *before,
			      const char *after, tm_err *err)
{
	if (tm_store_exec(st,
			  "CREATE TEMP TABLE IF NOT EXISTS staged_revisions(record TEXT NOT NULL, key TEXT NOT NULL,"
			  " before TEXT, after TEXT)",
			  err))
		return TM_ERR_DB;
	sqlite3_stmt *s;
	if (prepare(st, "INSERT INTO temp.staged_revisions(record,key,before,after) VALUES(?,?,?,?)", &s, err))
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, record);
	tm_store_bind_text(s, 2, key);
	tm_store_bind_text(s, 3, before);
	tm_store_bind_text(s, 4, after);
	return finish(st, s, "staging a revision", err);
}

tm_rc tm_store_stage_commit(tm_store *st, const tm_change *c, int64_t *id, tm_err *err)
{
	if (id)
		*id = 0;
	if (tm_store_exec(st,
			  "CREATE TEMP TABLE IF NOT EXISTS staged_revisions(record TEXT NOT NULL, key TEXT NOT NULL,"
			  " before TEXT, after TEXT)",
			  err))
		return TM_ERR_DB;
	tm_rc rc = TM_OK;
	if (c) {
		rc = tm_store_exec(st,
				   "DELETE FROM temp.staged_revisions WHERE after IS (SELECT r.after FROM revisions r"
				   " JOIN changes c ON c.id=r.change WHERE r.record=staged_revisions.record AND"
				   " r.key=staged_revisions.key AND c.status=0 ORDER BY r.id DESC LIMIT 1)",
				   err);
		sqlite3_stmt *s = rc ? NULL : tm_store_prep(st, "SELECT count(*) FROM temp.staged_revisions", err);
		int64_t left = 0;
		if (s) {
			if (sqlite3_step(s) == SQLITE_ROW)
				left = sqlite3_column_int64(s, 0);
			sqlite3_finalize(s);
		} else {
			rc = TM_ERR_DB;
		}
		int64_t change = 0;
		if (!rc && left) {
			tm_change own = *c;
			own.id = 0;
			rc = tm_store_change_add(st, &own, &change, err);
		}
		if (!rc && left) {
			if (!(s = tm_store_prep(st,
						"INSERT INTO revisions(change,record,key,before,after) SELECT ?,record,key,"
						"before,after FROM temp.staged_revisions ORDER BY rowid",
						err)))
				return TM_ERR_DB;
			sqlite3_bind_int64(s, 1, change);
			rc = finish(st, s, "recording revisions", err);
		}
		if (!rc && id)
			*id = change;
	}
	if (!rc)
		rc = tm_store_exec(st, "DELETE FROM temp.staged_revisions", err);
	return rc;
}

tm_rc tm_store_savepoint(tm_store *st, tm_err *err)
{
	return tm_store_exec(st, "SAVEPOINT edit_try", err);
}

tm_rc tm_store_savepoint_undo(tm_store *st, tm_err *err)
{
	tm_rc rc = tm_store_exec(st, "ROLLBACK TO edit_try", err);
	if (!rc)
		rc = tm_store_exec(st, "RELEASE edit_try", err);
	tm_rowmap_release(&st->entity_rows);
	tm_rowmap_release(&st->source_rows);
	st->dirty = 0;
	return rc;
}

void tm_store_touch(tm_store *st)
{
	st->dirty = 1;
}

/* ---- deleting ---- */

/* Run sql with one integer parameter. */
static tm_rc exec_row(tm_store *st, const char *sql, int64_t row, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st, sql, &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	return finish(st, s, "deleting", err);
}

static int64_t count_row(tm_store *st, const char *sql, int64_t row)
{
	sqlite3_stmt *s = tm_store_prep(st, sql, NULL);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, row);
	int64_t n = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_finalize(s);
	return n;
}

/* A deletion ends what the transaction remembers of row ids (rows were
 * never deleted before, store_internal.h). */
static void forget_rows(tm_store *st)
{
	tm_rowmap_release(&st->entity_rows);
	tm_rowmap_release(&st->source_rows);
	st->dirty = 1;
}

tm_rc tm_store_delete_entity(tm_store *st, const char *id, tm_err *err)
{
	int64_t row = 0;
	if (tm_store_rowid_of(st, S_ENTITY_ID, id, &row, err))
		return TM_ERR_DB;
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", id);
	int64_t n = count_row(st, "SELECT count(*) FROM relations WHERE subject=?1 OR object=?1", row);
	if (n != 0)
		return tm_fail(err, TM_ERR_INVALID, "entity '%s' has %lld relations: delete them first", id, (long long)n);
	n = count_row(st,
		      "SELECT (SELECT count(*) FROM action_actors WHERE entity=?1)+(SELECT count(*) FROM action_targets"
		      " WHERE entity=?1)+(SELECT count(*) FROM sites WHERE entity=?1)",
		      row);
	if (n != 0)
		return tm_fail(err, TM_ERR_INVALID, "entity '%s' is named by %lld actions or sites: change them first", id,
			       (long long)n);
	n = count_row(st, "SELECT count(*) FROM involvements WHERE entity=?1", row);
	if (n != 0)
		return tm_fail(err, TM_ERR_INVALID, "entity '%s' has %lld involvement claims: delete them first", id,
			       (long long)n);
	static const char *const del[] = {
		"DELETE FROM names_fts WHERE rowid IN (SELECT id FROM names WHERE entity=?1)",
		"DELETE FROM name_keys WHERE entity=?1",
		"DELETE FROM names WHERE entity=?1",
		"DELETE FROM tags WHERE entity=?1",
		"DELETE FROM identifiers WHERE entity=?1",
		"DELETE FROM referents WHERE entity=?1",
		"DELETE FROM citations WHERE claim_kind=0 AND claim=?1",
		"DELETE FROM entities WHERE id=?1",
	};
	for (size_t i = 0; i < sizeof(del) / sizeof(del[0]); i++)
		if (exec_row(st, del[i], row, err))
			return TM_ERR_DB;
	forget_rows(st);
	return TM_OK;
}

tm_rc tm_store_delete_source(tm_store *st, const char *id, tm_err *err)
{
	int64_t row = 0;
	if (tm_store_rowid_of(st, S_SOURCE_ID, id, &row, err))
		return TM_ERR_DB;
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no source '%s'", id);
	int64_t n = count_row(st, "SELECT count(*) FROM citations WHERE source=?1", row);
	if (n != 0)
		return tm_fail(err, TM_ERR_INVALID, "source '%s' is cited by %lld claims: change them first", id,
			       (long long)n);
	if (exec_row(st, "DELETE FROM captures WHERE source=?1", row, err) ||
	    exec_row(st, "DELETE FROM sources WHERE id=?1", row, err))
		return TM_ERR_DB;
	forget_rows(st);
	return TM_OK;
}

tm_rc tm_store_delete_relation(tm_store *st, const tm_relation *key, tm_err *err)
{
	tm_relation old;
	int64_t row = 0;
	sqlite3_stmt *s;
	tm_rc rc = tm_store_find_relation(st, key, &old, err);
	if (rc)
		return rc;
	tm_relation_release(&old);
	if (prepare(st,
		    "SELECT r.id FROM relations r JOIN entities s ON s.id=r.subject JOIN entities o ON o.id=r.object"
		    " WHERE s.slug=? AND r.predicate=? AND o.slug=? AND r.start=? AND r.end_=?",
		    &s, err))
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, key->subject);
	tm_store_bind_text(s, 2, key->predicate);
	tm_store_bind_text(s, 3, key->object);
	tm_store_bind_text(s, 4, key->start);
	tm_store_bind_text(s, 5, key->end);
	if (sqlite3_step(s) == SQLITE_ROW)
		row = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no relation '%s %s %s'", key->subject, key->predicate, key->object);
	if (exec_row(st, "DELETE FROM citations WHERE claim_kind=1 AND claim=?1", row, err) ||
	    exec_row(st, "DELETE FROM relations WHERE id=?1", row, err))
		return TM_ERR_DB;
	forget_rows(st);
	return TM_OK;
}

static int64_t slug_row(tm_store *st, const char *table, const char *id)
{
	char sql[96];
	snprintf(sql, sizeof(sql), "SELECT id FROM %s WHERE slug=?", table);
	sqlite3_stmt *s = tm_store_prep(st, sql, NULL);
	if (!s)
		return 0;
	tm_store_bind_text(s, 1, id);
	int64_t row = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return row;
}

tm_rc tm_store_delete_action(tm_store *st, const char *id, tm_err *err)
{
	int64_t row = slug_row(st, "actions", id);
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no action '%s'", id);
	if (exec_row(st, "DELETE FROM action_actors WHERE action=?1", row, err) ||
	    exec_row(st, "DELETE FROM action_targets WHERE action=?1", row, err) ||
	    exec_row(st, "DELETE FROM citations WHERE claim_kind=2 AND claim=?1", row, err) ||
	    exec_row(st, "DELETE FROM actions WHERE id=?1", row, err))
		return TM_ERR_DB;
	forget_rows(st);
	return TM_OK;
}

tm_rc tm_store_delete_site(tm_store *st, const char *id, tm_err *err)
{
	int64_t row = slug_row(st, "sites", id);
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no site '%s'", id);
	if (exec_row(st, "DELETE FROM site_tags WHERE site=?1", row, err) ||
	    exec_row(st, "DELETE FROM sites_rtree WHERE id=?1", row, err) ||
	    exec_row(st, "DELETE FROM citations WHERE claim_kind=3 AND claim=?1", row, err) ||
	    exec_row(st, "DELETE FROM sites WHERE id=?1", row, err))
		return TM_ERR_DB;
	forget_rows(st);
	return TM_OK;
}

struct keys_ctx {
	tm_strv *out;
};

static int key_of_rel(void *p, int64_t rel_id, const tm_relation *r)
{
	(void)rel_id;
	struct keys_ctx *c = p;
	tm_strv_push_owned(c->out, tm_relation_key(r));
	return 0;
}

tm_rc tm_store_delete_involvement(tm_store *st, const tm_involvement *key, tm_err *err)
{
	int64_t row = 0;
	sqlite3_stmt *s;
	if (prepare(st,
		    "SELECT v.id FROM involvements v JOIN entities e ON e.id=v.entity"
		    " WHERE e.slug=? AND v.category=? AND v.start=? AND v.end_=?",
		    &s, err))
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, key->entity);
	tm_store_bind_text(s, 2, key->category);
	tm_store_bind_text(s, 3, key->start);
	tm_store_bind_text(s, 4, key->end);
	if (sqlite3_step(s) == SQLITE_ROW)
		row = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no involvement '%s %s'", key->entity, key->category);
	/* claim_kind 4: an involvement's citations (schema 7 → 8) */
	if (exec_row(st, "DELETE FROM citations WHERE claim_kind=4 AND claim=?1", row, err) ||
	    exec_row(st, "DELETE FROM involvements WHERE id=?1", row, err))
		return TM_ERR_DB;
	forget_rows(st);
	return TM_OK;
}

static int key_of_inv(void *ctx, int64_t inv_id, const tm_involvement *v)
{
	(void)inv_id;
	tm_strv_push_owned(((struct keys_ctx *)ctx)->out, tm_involvement_key(v));
	return 0;
}

tm_rc tm_store_involvement_keys_of(tm_store *st, const char *id, tm_strv *out, tm_err *err)
{
	struct keys_ctx c = { out };
	return tm_store_entity_involvements(st, id, key_of_inv, &c, err);
}

tm_rc tm_store_relation_keys_of(tm_store *st, const char *id, tm_strv *out, tm_err *err)
{
	struct keys_ctx c = { out };
	return tm_store_entity_relations(st, id, key_of_rel, &c, err);
}

tm_rc tm_store_relation_key_of(tm_store *st, int64_t rel_id, char **key, tm_err *err)
{
	tm_relation r;
	tm_rc rc = tm_store_get_relation(st, rel_id, &r, err);
	if (rc)
		return rc;
	*key = tm_relation_key(&r);
	tm_relation_release(&r);
	return TM_OK;
}

/* ---- reports ---- */

#define REPORT_COLS "id,kind,record,key,at,message,links,contact,status,reviewer,reviewed_at,note"

static void read_report(sqlite3_stmt *s, tm_report *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(s, 0);
	r->kind = tm_store_col_dup(s, 1);
	r->record = tm_store_col_dup(s, 2);
	r->key = tm_store_col_dup(s, 3);
	r->at = tm_store_col_dup(s, 4);
	r->message = tm_store_col_dup(s, 5);
	r->links = tm_store_col_dup(s, 6);
	r->contact = tm_store_col_dup(s, 7);
	r->status = sqlite3_column_int(s, 8);
	r->reviewer = tm_store_col_dup(s, 9);
	r->reviewed_at = tm_store_col_dup(s, 10);
	r->note = tm_store_col_dup(s, 11);
}

tm_rc tm_store_report_add(tm_store *st, const tm_report *r, int64_t *id, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st, "INSERT INTO reports(kind,record,key,at,message,links,contact) VALUES(?,?,?,?,?,?,?)", &s, err))
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, r->kind);
	tm_store_bind_text(s, 2, r->record);
	tm_store_bind_text(s, 3, r->key);
	tm_store_bind_text(s, 4, r->at);
	tm_store_bind_text(s, 5, r->message);
	tm_store_bind_text(s, 6, r->links);
	tm_store_bind_text(s, 7, r->contact);
	tm_rc rc = finish(st, s, "recording a report", err);
	if (!rc && id)
		*id = sqlite3_last_insert_rowid(st->db);
	return rc;
}

tm_rc tm_store_report_get(tm_store *st, int64_t id, tm_report *out, tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st, "SELECT " REPORT_COLS " FROM reports WHERE id=?", &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	tm_rc out_rc = TM_OK;
	if (rc == SQLITE_ROW)
		read_report(s, out);
	else if (rc == SQLITE_DONE)
		out_rc = tm_fail(err, TM_ERR_NOTFOUND, "no report %lld", (long long)id);
	else
		out_rc = tm_store_db_fail(st, err, "reading a report");
	sqlite3_finalize(s);
	return out_rc;
}

tm_rc tm_store_report_review(tm_store *st, int64_t id, int status, const char *reviewer, const char *at,
			     const char *note, tm_err *err)
{
	sqlite3_stmt *s;
	/* the contact address is kept only while someone may need to answer */
	if (prepare(st,
		    "UPDATE reports SET status=?2,reviewer=?3,reviewed_at=?4,note=?5,"
		    " contact=CASE WHEN ?2=0 THEN contact ELSE NULL END WHERE id=?1",
		    &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, status);
	tm_store_bind_text(s, 3, reviewer);
	tm_store_bind_text(s, 4, at);
	tm_store_bind_text(s, 5, note);
	tm_rc rc = finish(st, s, "reviewing a report", err);
	if (!rc && sqlite3_changes(st->db) == 0)
		rc = tm_fail(err, TM_ERR_NOTFOUND, "no report %lld", (long long)id);
	return rc;
}

tm_rc tm_store_reports(tm_store *st, int status, const char *record, const char *key, tm_report_fn fn, void *ctx,
		       tm_err *err)
{
	sqlite3_stmt *s;
	if (prepare(st,
		    "SELECT " REPORT_COLS " FROM reports WHERE (?1<0 OR status=?1) AND (?2 IS NULL OR (record=?2 AND"
		    " key=?3)) ORDER BY id",
		    &s, err))
		return TM_ERR_DB;
	sqlite3_bind_int(s, 1, status);
	tm_store_bind_text(s, 2, record);
	tm_store_bind_text(s, 3, key);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		tm_report r;
		read_report(s, &r);
		int stop = fn(ctx, &r);
		tm_report_release(&r);
		if (stop) {
			rc = SQLITE_DONE;
			break;
		}
	}
	tm_rc out = rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading reports");
	sqlite3_finalize(s);
	return out;
}
