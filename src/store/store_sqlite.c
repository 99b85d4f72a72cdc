/*
 * The SQLite back end of store.h.
 *
 * Prepared statements are made once per open store and kept in st->stmt[],
 * indexed by enum stmt_id; every function resets what it used before it
 * returns, on success and failure alike, so a statement is never left busy.
 */

#include "store/store.h"
#include "store/schema.sql.h"
#include "store/store_internal.h"
#include "text/text.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


static const char *const stmt_sql[S_COUNT] = {
	[S_SOURCE_ID] = "SELECT id FROM sources WHERE slug=?",
	[S_SOURCE_GET] = "SELECT slug,title,author,publisher,date,url,lang,note,accessed,checked FROM sources WHERE slug=?",
	[S_SOURCE_INS] = "INSERT INTO sources(slug,title,author,publisher,date,url,lang,note,accessed,checked)"
			 " VALUES(?,?,?,?,?,?,?,?,?,?)",
	[S_SOURCE_UPD] = "UPDATE sources SET title=?2,author=?3,publisher=?4,date=?5,url=?6,lang=?7,note=?8,accessed=?9,"
			 "checked=?10 WHERE slug=?1",
	[S_ENTITY_ID] = "SELECT id FROM entities WHERE slug=?",
	[S_ENTITY_ROW] = "SELECT id,slug,kind,country,start,end_,desc_en,desc_zh,unsourced,added_at,updated_at"
			 " FROM entities WHERE slug=?",
	[S_ENTITY_INS] = "INSERT INTO entities(slug,kind,country,start,end_,desc_en,desc_zh,unsourced,added_at,updated_at)"
			 " VALUES(?,?,?,?,?,?,?,?,?,?)",
	[S_ENTITY_UPD] = "UPDATE entities SET kind=?2,country=?3,start=?4,end_=?5,desc_en=?6,desc_zh=?7,unsourced=?8,"
			 "added_at=?9,updated_at=?10 WHERE slug=?1",
	[S_ENTITY_DATES] = "UPDATE entities SET added_at=?2,updated_at=?3 WHERE id=?1",
	[S_NAMES_GET] = "SELECT text,lang,is_primary FROM names WHERE entity=? ORDER BY ord",
	[S_NAME_INS] = "INSERT INTO names(entity,ord,text,lang,is_primary) VALUES(?,?,?,?,?)",
	[S_NAMEKEY_INS] = "INSERT OR IGNORE INTO name_keys(key,name,entity) VALUES(?,?,?)",
	[S_FTS_INS] = "INSERT INTO names_fts(rowid,tokens,pinyin,pairs) VALUES(?,?,?,?)",
	[S_FTS_DEL] = "DELETE FROM names_fts WHERE rowid IN (SELECT id FROM names WHERE entity=?)",
	[S_NAMEKEYS_DEL] = "DELETE FROM name_keys WHERE entity=?",
	[S_NAMES_DEL] = "DELETE FROM names WHERE entity=?",
	[S_TAGS_GET] = "SELECT tag FROM tags WHERE entity=? ORDER BY ord",
	[S_TAG_INS] = "INSERT INTO tags(entity,ord,tag) VALUES(?,?,?)",
	[S_TAGS_DEL] = "DELETE FROM tags WHERE entity=?",
	[S_REFS_GET] = "SELECT id FROM referents WHERE entity=? ORDER BY ord",
	[S_REF_INS] = "INSERT INTO referents(id,entity,ord) VALUES(?,?,?)",
	[S_REFS_DEL] = "DELETE FROM referents WHERE entity=?",
	[S_REF_OF] = "SELECT e.slug FROM referents r JOIN entities e ON e.id=r.entity WHERE r.id=?",
	[S_IDENTS_GET] = "SELECT scheme,value FROM identifiers WHERE entity=? ORDER BY ord",
	[S_IDENT_INS] = "INSERT INTO identifiers(entity,ord,scheme,value) VALUES(?,?,?,?)",
	[S_IDENTS_DEL] = "DELETE FROM identifiers WHERE entity=?",
	[S_CITES_GET] = "SELECT s.slug,c.quote,c.page FROM citations c JOIN sources s ON s.id=c.source"
			" WHERE c.claim_kind=? AND c.claim=? ORDER BY c.ord",
	[S_CITE_INS] = "INSERT INTO citations(claim_kind,claim,ord,source,quote,page) VALUES(?,?,?,?,?,?)",
	[S_CITES_DEL] = "DELETE FROM citations WHERE claim_kind=? AND claim=?",
	[S_REL_FIND] = "SELECT id FROM relations WHERE subject=? AND predicate=? AND object=? AND start=? AND end_=?",
	[S_REL_GET] = "SELECT r.id,s.slug,r.predicate,o.slug,r.start,r.end_,r.amount,r.currency,r.share,r.note,r.unsourced,"
		      "r.added_at,r.changed_at"
		      " FROM relations r JOIN entities s ON s.id=r.subject JOIN entities o ON o.id=r.object WHERE r.id=?",
	[S_REL_INS] = "INSERT INTO relations(subject,predicate,object,start,end_,amount,currency,share,note,unsourced,added_at,"
		      "changed_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(subject,predicate,object,start,end_) DO NOTHING",
	[S_REL_UPD] = "UPDATE relations SET amount=?2,currency=?3,share=?4,note=?5,unsourced=?6,added_at=?7,changed_at=?8"
		      " WHERE id=?1",
	[S_REL_DATES] = "UPDATE relations SET added_at=?2,changed_at=?3 WHERE id=?1",
	[S_INV_FIND] = "SELECT id FROM involvements WHERE entity=? AND category=? AND start=? AND end_=?",
	[S_INV_GET] = "SELECT v.id,e.slug,v.category,v.start,v.end_,v.note,v.added_at,v.changed_at"
		      " FROM involvements v JOIN entities e ON e.id=v.entity WHERE v.id=?",
	[S_INV_INS] = "INSERT INTO involvements(entity,category,start,end_,note,added_at,changed_at) VALUES(?,?,?,?,?,?,?)",
	[S_INV_UPD] = "UPDATE involvements SET note=?2,added_at=?3,changed_at=?4 WHERE id=?1",
	[S_INV_DATES] = "UPDATE involvements SET added_at=?2,changed_at=?3 WHERE id=?1",
	[S_WORD_INS] = "INSERT OR IGNORE INTO name_words(word) VALUES(?)",
	[S_WORDS_FROM] = "SELECT word FROM name_words WHERE word>=? AND word<? LIMIT ?",
	[S_NAME_ENTITY] = "SELECT entity FROM names WHERE id=?",
	[S_NAME_TEXT] = "SELECT text,lang FROM names WHERE id=?",
	[S_KEY_EXACT] = "SELECT entity,name FROM name_keys WHERE key=?1 LIMIT ?2",
	[S_KEY_PREFIX] = "SELECT entity,name,length(CAST(key AS BLOB)) FROM name_keys WHERE key>=?1 AND key<?2 LIMIT ?3",
	[S_KEY_LONGER] = "SELECT entity,name,length(CAST(key AS BLOB)) FROM name_keys WHERE key>?1 AND key<?2 LIMIT ?3",
	[S_IDENT_FIND] = "SELECT entity,scheme FROM identifiers WHERE value=?1 COLLATE NOCASE LIMIT ?2",
	[S_IDENT_SCHEME] = "SELECT entity,scheme FROM identifiers WHERE value=?1 COLLATE NOCASE AND scheme=?2 LIMIT ?3",
	[S_FTS_MATCH] = "SELECT rowid FROM names_fts WHERE names_fts MATCH ?1 LIMIT ?2",
	[S_ENTITY_KEYS] = "SELECT name,key FROM name_keys WHERE entity=?",
	[S_ENTITY_BRIEF] = "SELECT slug,kind,country,desc_en,desc_zh FROM entities WHERE id=?",
	[S_ENTITY_SLUG] = "SELECT slug,kind FROM entities WHERE id=?",
	[S_BUMP_VERSION] = "UPDATE meta SET value=value+1 WHERE key='data_version'",
	[S_DATA_VERSION] = "SELECT value FROM meta WHERE key='data_version'",
};


/* Keep the first failure since tm_store_error_clear() (see store.h). */
static void remember(tm_store *st, tm_rc rc, const char *msg)
{
	if (!st->failed.rc) {
		st->failed.rc = rc;
		snprintf(st->failed.msg, sizeof(st->failed.msg), "%s", msg);
	}
}

tm_rc tm_store_db_fail(tm_store *st, tm_err *err, const char *what)
{
	tm_err e = { 0 };
	if (sqlite3_errcode(st->db) == SQLITE_INTERRUPT)
		tm_fail(&e, TM_ERR_LIMIT, "%s: query time limit reached", what);
	else
		tm_fail(&e, TM_ERR_DB, "%s: %s", what, sqlite3_errmsg(st->db));
	remember(st, e.rc, e.msg);
	return tm_fail(err, e.rc, "%s", e.msg);
}

tm_rc tm_store_error(const tm_store *st, tm_err *err)
{
	if (!st || !st->failed.rc)
		return TM_OK;
	return tm_fail(err, st->failed.rc, "%s", st->failed.msg);
}

void tm_store_error_clear(tm_store *st)
{
	if (st)
		tm_err_clear(&st->failed);
}

/* How many SQLite VM steps go between two looks at the deadline. */
#define PROGRESS_STEPS 10000

static int progress_cb(void *p)
{
	tm_store *st = p;
	if (st->expired) {
		st->expire_steps++;
		return st->expire_once ? st->expire_steps == st->expire_after + 1 : st->expire_steps > st->expire_after;
	}
	return st->deadline > 0 && tm_now() > st->deadline;
}

sqlite3_stmt *tm_store_stmt(tm_store *st, enum tm_stmt_id id)
{
	sqlite3_stmt *s = st->stmt[id];
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

void tm_store_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

char *tm_store_col_dup(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);
	return t ? tm_xstrdup((const char *)t) : NULL;
}

void tm_store_col_date(sqlite3_stmt *s, int i, char out[TM_DATE_MAX])
{
	const unsigned char *t = sqlite3_column_text(s, i);
	out[0] = '\0';
	if (t) {
		size_t n = strlen((const char *)t);
		if (n >= TM_DATE_MAX)
			n = TM_DATE_MAX - 1;
		memcpy(out, t, n);
		out[n] = '\0';
	}
}

tm_rc tm_store_exec(tm_store *st, const char *sql, tm_err *err)
{
	char *msg = NULL;
	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		tm_err e = { 0 };
		tm_fail(&e, sqlite3_errcode(st->db) == SQLITE_INTERRUPT ? TM_ERR_LIMIT : TM_ERR_DB, "database: %s",
			msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		remember(st, e.rc, e.msg);
		return tm_fail(err, e.rc, "%s", e.msg);
	}
	return TM_OK;
}

sqlite3_stmt *tm_store_prep(tm_store *st, const char *sql, tm_err *err)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		tm_store_db_fail(st, err, "preparing query");
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

tm_rc tm_store_slug_row(tm_store *st, const char *sql, const char *slug, int64_t *row, tm_err *err)
{
	*row = 0;
	sqlite3_stmt *s = tm_store_prep(st, sql, err);
	if (!s)
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, slug);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*row = sqlite3_column_int64(s, 0);
	tm_rc rc = step == SQLITE_ROW || step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "looking up an id");
	sqlite3_finalize(s);
	return rc;
}

int tm_store_schema_version(void)
{
	return TM_SCHEMA_VERSION;
}

static tm_rc put_name_index(tm_store *st, sqlite3_stmt *fts, sqlite3_stmt *word, int64_t name_row,
			    const char *tokens, const char *pinyin, const char *pairs, tm_err *err);

/* Migration 2 → 3 made names_fts anew with the pairs column, and
 * name_words: both filled from names as put_name_keys() fills them (about
 * 25 s at a million entities, once). */
static tm_rc reindex_names(tm_store *st, tm_err *err)
{
	sqlite3_stmt *sel = NULL, *fts = NULL, *word = NULL;
	tm_rc rc = TM_OK;
	if (sqlite3_prepare_v2(st->db, "SELECT id,text FROM names", -1, &sel, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, stmt_sql[S_FTS_INS], -1, &fts, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(st->db, stmt_sql[S_WORD_INS], -1, &word, NULL) != SQLITE_OK)
		rc = tm_store_db_fail(st, err, "preparing the name index");
	int step;
	while (!rc && (step = sqlite3_step(sel)) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(sel, 1);
		tm_name_keys k;
		if ((rc = tm_text_name_keys(text, (size_t)sqlite3_column_bytes(sel, 1), &k, err)))
			break;
		rc = put_name_index(st, fts, word, sqlite3_column_int64(sel, 0), k.tokens, k.pinyin, k.pairs, err);
		tm_name_keys_release(&k);
	}
	if (!rc && step != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "reading names");
	sqlite3_finalize(sel);
	sqlite3_finalize(fts);
	sqlite3_finalize(word);
	/* one segment, not a dozen: every word of a query is looked up in each
	 * (two seconds at a million entities) */
	if (!rc)
		rc = tm_store_exec(st, "INSERT INTO names_fts(names_fts) VALUES('optimize')", err);
	return rc;
}

/* What the store computes after migration i's SQL, for the data that SQL
 * cannot make (keys come from ICU). */
static tm_rc (*const migrate_data[TM_SCHEMA_VERSION])(tm_store *st, tm_err *err) = {
	[2] = reindex_names,
};

static tm_rc migrate(tm_store *st, int readonly, tm_err *err)
{
	sqlite3_stmt *s;
	int version = 0;
	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "reading schema version");
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	tm_rc rc = step == SQLITE_ROW ? TM_OK : tm_store_db_fail(st, err, "reading schema version");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	if (version > TM_SCHEMA_VERSION)
		return tm_fail(err, TM_ERR_DB, "database schema version %d is newer than this tiemap (%d)", version,
			       TM_SCHEMA_VERSION);
	if (version == TM_SCHEMA_VERSION)
		return TM_OK;
	if (readonly)
		return tm_fail(err, TM_ERR_DB, "database schema version %d needs migrating; open it writable once",
			       version);
	if (tm_store_exec(st, "BEGIN IMMEDIATE", err))
		return err ? err->rc : TM_ERR_DB;
	for (int v = version; v < TM_SCHEMA_VERSION; v++) {
		if (tm_store_exec(st, tm_migrations[v], err) || (migrate_data[v] && migrate_data[v](st, err))) {
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
			return TM_ERR_DB;
		}
	}
	char pragma[64];
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version=%d", TM_SCHEMA_VERSION);
	if (tm_store_exec(st, pragma, err) || tm_store_exec(st, "COMMIT", err)) {
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		return TM_ERR_DB;
	}
	return TM_OK;
}

/* SQLite counts every allocation under a global mutex unless told not to;
 * nothing here reads the counts, and an import makes hundreds of millions.
 * Only possible before SQLite is first used (later it is refused, harmlessly). */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

tm_rc tm_store_open(const char *path, int flags, tm_store **out, tm_err *err)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_setup);
	*out = NULL;
	tm_store *st = tm_xcalloc(1, sizeof(*st));
	/* opened, recovered from an interrupted write, in WAL mode (store_file.c) */
	tm_rc rc = tm_store_file_open(st, path, flags, err);
	if (rc) {
		free(st);
		return rc;
	}
	sqlite3_progress_handler(st->db, PROGRESS_STEPS, progress_cb, st);
	/* a file that is not a database fails here, with SQLite's own words */
	if (tm_store_exec(st,
			  /* an export's sorts (800,000 relations at 200,000 entities) spill to
			   * temporary files rather than to memory */
			  flags & TM_STORE_STREAM ? "PRAGMA cache_size=-4096; PRAGMA temp_store=FILE" :
						    "PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY",
			  err) ||
	    migrate(st, flags & TM_STORE_READONLY, err)) {
		rc = err ? err->rc : TM_ERR_DB;
		if (err) {
			char why[sizeof(err->msg)];
			memcpy(why, err->msg, sizeof(why));
			tm_fail(err, rc, "unable to use '%s': %s", path, why);
		}
		sqlite3_close(st->db);
		free(st);
		return rc;
	}
	for (int i = 0; i < S_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL) !=
		    SQLITE_OK) {
			tm_fail(err, TM_ERR_DB, "preparing statement %d: %s", i, sqlite3_errmsg(st->db));
			tm_store_close(st);
			return TM_ERR_DB;
		}
	}
	*out = st;
	return TM_OK;
}

void tm_store_close(tm_store *st)
{
	if (!st)
		return;
	tm_store_rollback(st);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(st->stmt[i]);
	sqlite3_close(st->db);
	tm_store_bulk_end(st);
	tm_rowmap_release(&st->entity_rows);
	tm_rowmap_release(&st->source_rows);
	tm_store_touch_release(st);
	free(st);
}

void tm_store_set_deadline(tm_store *st, double seconds)
{
	st->deadline = seconds > 0 ? tm_now() + seconds : 0;
	/* For tests (docs/contributing.md): while the file that
	 * $TIEMAP_TEST_EXPIRED names exists, the deadline passes after as many
	 * SQLite steps as the number in it (none: at once), so that a test can
	 * make a request's queries fail at any point, as a slow one's do; with
	 * "once" after the number, only the statement at that step fails, as
	 * one read of a damaged page would. */
	const char *path = getenv("TIEMAP_TEST_EXPIRED");
	FILE *f = seconds > 0 && path && *path ? fopen(path, "r") : NULL;
	int on = f != NULL;
	if (f) {
		long long steps = 0;
		char once[8] = "";
		int n = fscanf(f, "%lld %7s", &steps, once);
		st->expire_after = n >= 1 && steps > 0 ? steps : 0;
		st->expire_once = n == 2 && strcmp(once, "once") == 0;
		st->expire_steps = 0;
		fclose(f);
	}
	if (on != st->expired) {
		sqlite3_progress_handler(st->db, on ? 1 : PROGRESS_STEPS, progress_cb, st);
		st->expired = on;
	}
}

tm_rc tm_store_begin(tm_store *st, tm_err *err)
{
	if (st->in_tx)
		return tm_fail(err, TM_ERR_INTERNAL, "transaction already open");
	if (tm_store_exec(st, "BEGIN IMMEDIATE", err))
		return TM_ERR_DB;
	tm_today(st->today);
	st->in_tx = 1;
	st->dirty = 0;
	st->names_put = 0;
	return TM_OK;
}

/* After a bulk write (at least 1,000 names, and a quarter of the name rows
 * there have been), the name index as one segment: FTS5 leaves a large
 * import in a dozen, and each word of every later query is looked up in
 * each of them (search p50 at a million entities 1.2 ms, 0.75 ms after;
 * the merge takes about 2 s). */
static tm_rc merge_name_index(tm_store *st, tm_err *err)
{
	if (st->names_put < 1000)
		return TM_OK;
	sqlite3_stmt *s;
	int64_t names = 0;
	if (sqlite3_prepare_v2(st->db, "SELECT max(id) FROM names", -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "counting names");
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		names = sqlite3_column_int64(s, 0);
	tm_rc rc = step == SQLITE_ROW ? TM_OK : tm_store_db_fail(st, err, "counting names");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	if (st->names_put * 4 < names)
		return TM_OK;
	return tm_store_exec(st, "INSERT INTO names_fts(names_fts) VALUES('optimize')", err);
}

/* The transaction is over: what it remembered may no longer hold. */
static void tx_end(tm_store *st)
{
	st->in_tx = 0;
	st->dirty = 0;
	st->names_put = 0;
	tm_store_bulk_end(st);
	tm_rowmap_release(&st->entity_rows);
	tm_rowmap_release(&st->source_rows);
}

tm_rc tm_store_commit(tm_store *st, tm_err *err)
{
	if (!st->in_tx)
		return tm_fail(err, TM_ERR_INTERNAL, "no transaction to commit");
	tm_rc rc = tm_store_bulk_finish(st, err);
	if (rc)
		return rc;
	if (merge_name_index(st, err))
		return TM_ERR_DB;
	if (st->dirty) {
		sqlite3_stmt *s = tm_store_stmt(st, S_BUMP_VERSION);
		if (sqlite3_step(s) != SQLITE_DONE)
			return tm_store_db_fail(st, err, "bumping data version");
		sqlite3_reset(s);
		if (st->tracking && (rc = tm_store_touch_commit(st, err)))
			return rc;
	}
	if (tm_store_exec(st, "COMMIT", err)) {
		if (st->dirty && st->tracking)
			tm_store_touch_undo(st);
		return TM_ERR_DB;
	}
	tx_end(st);
	return TM_OK;
}

void tm_store_rollback(tm_store *st)
{
	if (!st->in_tx)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_reset(st->stmt[i]);
	sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	tx_end(st);
	/* a failed write leaves the file whole and its size given back before
	 * this process goes on (or exits) */
	tm_store_file_settle(st);
}

int64_t tm_store_data_version(tm_store *st)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_DATA_VERSION);
	int step = sqlite3_step(s);
	int64_t v = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	if (step != SQLITE_ROW)
		tm_store_db_fail(st, NULL, "reading the data version");
	sqlite3_reset(s);
	return v;
}

tm_rc tm_store_rowid_of(tm_store *st, enum tm_stmt_id id, const char *slug, int64_t *row, tm_err *err)
{
	tm_rowmap *seen = !st->in_tx || !slug ? NULL : id == S_ENTITY_ID ? &st->entity_rows :
						      id == S_SOURCE_ID ? &st->source_rows : NULL;
	*row = seen ? tm_rowmap_get(seen, slug) : 0;
	if (*row || (seen && tm_store_bulk_rows_all_seen(st, id)))
		return TM_OK;
	sqlite3_stmt *s = tm_store_stmt(st, id);
	tm_store_bind_text(s, 1, slug);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*row = sqlite3_column_int64(s, 0);
	tm_rc rc = step == SQLITE_ROW || step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "looking up an id");
	sqlite3_reset(s);
	if (*row && seen)
		tm_rowmap_put(seen, slug, *row);
	return rc;
}

tm_rc tm_store_has_entity(tm_store *st, const char *id, int *found, tm_err *err)
{
	int64_t row;
	tm_rc rc = tm_store_rowid_of(st, S_ENTITY_ID, id, &row, err);
	*found = row != 0;
	return rc;
}

tm_rc tm_store_has_source(tm_store *st, const char *id, int *found, tm_err *err)
{
	int64_t row;
	tm_rc rc = tm_store_rowid_of(st, S_SOURCE_ID, id, &row, err);
	*found = row != 0;
	return rc;
}

tm_rc tm_store_ekey(tm_store *st, const char *id, tm_ekey *out, tm_err *err)
{
	tm_rc rc = tm_store_rowid_of(st, S_ENTITY_ID, id, out, err);
	if (!rc && !*out)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", id);
	return rc;
}

tm_rc tm_store_entity_id(tm_store *st, tm_ekey key, char **id, tm_err *err)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_SLUG);
	sqlite3_bind_int64(s, 1, key);
	int step = sqlite3_step(s);
	*id = step == SQLITE_ROW ? tm_store_col_dup(s, 0) : NULL;
	tm_rc rc = step == SQLITE_ROW ? TM_OK :
		   step == SQLITE_DONE ? tm_fail(err, TM_ERR_NOTFOUND, "no entity with key %lld", (long long)key) :
					 tm_store_db_fail(st, err, "reading entity");
	sqlite3_reset(s);
	return rc;
}

/* ---- records in and out ---- */

/* The day a write outside a transaction happens (a transaction keeps the
 * day it began). */
static const char *today(tm_store *st)
{
	if (!st->in_tx || !st->today[0])
		tm_today(st->today);
	return st->today;
}

/* The dates a claim is stored with (store.h): given_* from the record ("" when
 * it gives none), old_* the stored ones when exists, same when its content
 * (dates aside) equals the stored one.  Returns 1 when they differ from the
 * stored ones (or the claim is new). */
static int claim_dates(tm_store *st, const char *given_added, const char *given_changed, int exists,
		       const char *old_added, const char *old_changed, int same, char added[TM_DATE_MAX],
		       char changed[TM_DATE_MAX])
{
	const char *a, *c;
	if (!exists) {
		a = given_added[0] ? given_added : given_changed[0] ? given_changed : today(st);
		c = given_changed[0] ? given_changed : a;
	} else {
		a = given_added[0] ? given_added : old_added;
		if (same)
			c = given_changed[0] ? given_changed : old_changed;
		else
			c = given_changed[0] && strcmp(given_changed, old_changed) != 0 ? given_changed : today(st);
	}
	snprintf(added, TM_DATE_MAX, "%s", a);
	/* a claim cannot change before it was added */
	snprintf(changed, TM_DATE_MAX, "%s", strcmp(c, a) < 0 ? a : c);
	return !exists || strcmp(added, old_added) != 0 || strcmp(changed, old_changed) != 0;
}



tm_rc tm_store_load_cites(tm_store *st, int kind, int64_t claim, tm_cites *out, tm_err *err)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_CITES_GET);
	sqlite3_bind_int(s, 1, kind);
	sqlite3_bind_int64(s, 2, claim);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		tm_cites_push(out, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
			      (const char *)sqlite3_column_text(s, 2));
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading citations");
}

/* Replace the citations of a claim; fresh: the claim was just inserted, so
 * it has none to delete (most claims of a large import). */
tm_rc tm_store_save_cites(tm_store *st, int kind, int64_t claim, const tm_cites *c, int fresh, tm_err *err)
{
	sqlite3_stmt *s;
	if (!fresh) {
		s = tm_store_stmt(st, S_CITES_DEL);
		sqlite3_bind_int(s, 1, kind);
		sqlite3_bind_int64(s, 2, claim);
		if (sqlite3_step(s) != SQLITE_DONE)
			return tm_store_db_fail(st, err, "deleting citations");
	}
	for (size_t i = 0; i < c->n; i++) {
		int64_t src;
		tm_rc rc = tm_store_rowid_of(st, S_SOURCE_ID, c->v[i].source, &src, err);
		if (rc)
			return rc;
		if (!src)
			return tm_fail(err, TM_ERR_NOTFOUND, "no source '%s'", c->v[i].source);
		s = tm_store_stmt(st, S_CITE_INS);
		sqlite3_bind_int(s, 1, kind);
		sqlite3_bind_int64(s, 2, claim);
		sqlite3_bind_int64(s, 3, (int64_t)i);
		sqlite3_bind_int64(s, 4, src);
		tm_store_bind_text(s, 5, c->v[i].quote);
		tm_store_bind_text(s, 6, c->v[i].page);
		if (sqlite3_step(s) != SQLITE_DONE)
			return tm_store_db_fail(st, err, "writing citation");
	}
	return TM_OK;
}

tm_rc tm_store_get_source(tm_store *st, const char *id, tm_source *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_stmt(st, S_SOURCE_GET);
	tm_store_bind_text(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		if (rc == SQLITE_DONE)
			return tm_fail(err, TM_ERR_NOTFOUND, "no source '%s'", id);
		return tm_store_db_fail(st, err, "reading source");
	}
	out->id = tm_store_col_dup(s, 0);
	out->title = tm_store_col_dup(s, 1);
	out->author = tm_store_col_dup(s, 2);
	out->publisher = tm_store_col_dup(s, 3);
	tm_store_col_date(s, 4, out->date);
	out->url = tm_store_col_dup(s, 5);
	out->lang = tm_store_col_dup(s, 6);
	out->note = tm_store_col_dup(s, 7);
	tm_store_col_date(s, 8, out->accessed);
	out->checked = sqlite3_column_int(s, 9);
	sqlite3_reset(s);
	return TM_OK;
}

tm_rc tm_store_put_source(tm_store *st, const tm_source *src, tm_err *err)
{
	tm_source old;
	tm_rc got = tm_store_get_source(st, src->id, &old, err);
	if (got && got != TM_ERR_NOTFOUND)
		return got;
	int exists = got == TM_OK;
	if (err && got)
		tm_err_clear(err);
	if (exists) {
		int same = tm_source_equal(&old, src);
		tm_source_release(&old);
		if (same)
			return TM_OK;
	}
	sqlite3_stmt *s = tm_store_stmt(st, exists ? S_SOURCE_UPD : S_SOURCE_INS);
	tm_store_bind_text(s, 1, src->id);
	tm_store_bind_text(s, 2, src->title);
	tm_store_bind_text(s, 3, src->author);
	tm_store_bind_text(s, 4, src->publisher);
	tm_store_bind_text(s, 5, src->date);
	tm_store_bind_text(s, 6, src->url);
	tm_store_bind_text(s, 7, src->lang);
	tm_store_bind_text(s, 8, src->note);
	tm_store_bind_text(s, 9, src->accessed);
	sqlite3_bind_int(s, 10, src->checked ? 1 : 0);
	if (sqlite3_step(s) != SQLITE_DONE)
		return tm_store_db_fail(st, err, "writing source");
	if (!exists && st->in_tx)
		tm_rowmap_put(&st->source_rows, src->id, sqlite3_last_insert_rowid(st->db));
	st->dirty = 1;
	return TM_OK;
}

/* The end of reading the rows of s: a failure unless it ran to its end. */
static tm_rc rows_done(tm_store *st, sqlite3_stmt *s, int step, tm_err *err, const char *what)
{
	tm_rc rc = step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, what);
	sqlite3_reset(s);
	return rc;
}

static tm_rc load_entity_parts(tm_store *st, int64_t row, tm_entity *e, tm_err *err)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_NAMES_GET);
	sqlite3_bind_int64(s, 1, row);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		tm_entity_add_name(e, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
				   sqlite3_column_int(s, 2));
	tm_rc rc = rows_done(st, s, step, err, "reading names");
	if (rc)
		return rc;
	s = tm_store_stmt(st, S_TAGS_GET);
	sqlite3_bind_int64(s, 1, row);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		tm_strv_push(&e->tags, (const char *)sqlite3_column_text(s, 0));
	if ((rc = rows_done(st, s, step, err, "reading tags")))
		return rc;
	s = tm_store_stmt(st, S_IDENTS_GET);
	sqlite3_bind_int64(s, 1, row);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		tm_entity_add_ident(e, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1));
	if ((rc = rows_done(st, s, step, err, "reading identifiers")))
		return rc;
	s = tm_store_stmt(st, S_REFS_GET);
	sqlite3_bind_int64(s, 1, row);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		tm_strv_push(&e->referents, (const char *)sqlite3_column_text(s, 0));
	if ((rc = rows_done(st, s, step, err, "reading referents")))
		return rc;
	return tm_store_load_cites(st, 0, row, &e->cites, err);
}

/* Fill e from the current row of an S_ENTITY_ROW-shaped statement. */
static tm_rc entity_from_row(tm_store *st, sqlite3_stmt *s, tm_entity *e, tm_err *err)
{
	int64_t row = sqlite3_column_int64(s, 0);
	e->id = tm_store_col_dup(s, 1);
	e->kind = tm_store_col_dup(s, 2);
	e->country = tm_store_col_dup(s, 3);
	tm_store_col_date(s, 4, e->start);
	tm_store_col_date(s, 5, e->end);
	e->desc_en = tm_store_col_dup(s, 6);
	e->desc_zh = tm_store_col_dup(s, 7);
	e->unsourced = sqlite3_column_int(s, 8);
	tm_store_col_date(s, 9, e->added);
	tm_store_col_date(s, 10, e->changed);
	return load_entity_parts(st, row, e, err);
}

tm_rc tm_store_get_entity(tm_store *st, const char *id, tm_entity *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_ROW);
	tm_store_bind_text(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		if (rc == SQLITE_DONE)
			return tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", id);
		return tm_store_db_fail(st, err, "reading entity");
	}
	/* copy the row out before other statements run */
	int64_t row = sqlite3_column_int64(s, 0);
	out->id = tm_store_col_dup(s, 1);
	out->kind = tm_store_col_dup(s, 2);
	out->country = tm_store_col_dup(s, 3);
	tm_store_col_date(s, 4, out->start);
	tm_store_col_date(s, 5, out->end);
	out->desc_en = tm_store_col_dup(s, 6);
	out->desc_zh = tm_store_col_dup(s, 7);
	out->unsourced = sqlite3_column_int(s, 8);
	tm_store_col_date(s, 9, out->added);
	tm_store_col_date(s, 10, out->changed);
	sqlite3_reset(s);
	tm_rc r = load_entity_parts(st, row, out, err);
	if (r)
		tm_entity_release(out);
	return r;
}

tm_rc tm_store_step_done(tm_store *st, sqlite3_stmt *s, tm_err *err, const char *what)
{
	tm_rc rc = sqlite3_step(s) == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, what);
	sqlite3_reset(s);
	return rc;
}

static tm_rc del_by_entity(tm_store *st, enum tm_stmt_id id, int64_t row, tm_err *err)
{
	sqlite3_stmt *s = tm_store_stmt(st, id);
	sqlite3_bind_int64(s, 1, row);
	return tm_store_step_done(st, s, err, "deleting entity parts");
}

/* The words of tokens that start with an ASCII letter or digit, into
 * name_words (through word, S_WORD_INS): what the last word of a query
 * expands to.  Words of names since changed or gone stay; they only make an
 * expansion look up a word that finds nothing. */
static tm_rc put_words(tm_store *st, sqlite3_stmt *word, const char *tokens, tm_err *err)
{
	for (const char *p = tokens; *p;) {
		while (*p == ' ')
			p++;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		int c = (unsigned char)*w;
		if (p == w || !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			continue;
		sqlite3_reset(word);
		sqlite3_bind_text(word, 1, w, (int)(p - w), SQLITE_STATIC);
		if (sqlite3_step(word) != SQLITE_DONE) {
			tm_rc rc = tm_store_db_fail(st, err, "writing name words");
			sqlite3_reset(word);
			return rc;
		}
	}
	sqlite3_reset(word);
	return TM_OK;
}

/* A name's row of names_fts (through fts, S_FTS_INS) and its words. */
static tm_rc put_name_index(tm_store *st, sqlite3_stmt *fts, sqlite3_stmt *word, int64_t name_row,
			    const char *tokens, const char *pinyin, const char *pairs, tm_err *err)
{
	sqlite3_bind_int64(fts, 1, name_row);
	tm_store_bind_text(fts, 2, tokens);
	tm_store_bind_text(fts, 3, pinyin);
	tm_store_bind_text(fts, 4, pairs);
	tm_rc rc = tm_store_step_done(st, fts, err, "writing name index");
	return rc ? rc : put_words(st, word, tokens, err);
}

static tm_rc put_name_keys(tm_store *st, int64_t row, int64_t name_row, const tm_name_index *ix, size_t i,
			   tm_err *err)
{
	tm_rc rc = TM_OK;
	for (int k = 0; k < ix->v[i].n_keys && !rc; k++) {
		const char *key = tm_name_index_key(ix, i, k);
		if (tm_store_bulk_keep_keys(st, row, name_row, key))
			continue;
		sqlite3_stmt *s = tm_store_stmt(st, S_NAMEKEY_INS);
		tm_store_bind_text(s, 1, key);
		sqlite3_bind_int64(s, 2, name_row);
		sqlite3_bind_int64(s, 3, row);
		rc = tm_store_step_done(st, s, err, "writing name key");
	}
	if (!rc) {
		const char *tokens = ix->v[i].text, *pinyin = tokens + strlen(tokens) + 1;
		const char *pairs = pinyin + strlen(pinyin) + 1;
		rc = put_name_index(st, tm_store_stmt(st, S_FTS_INS), tm_store_stmt(st, S_WORD_INS), name_row, tokens,
				    pinyin, pairs, err);
	}
	st->names_put++;
	return rc;
}

tm_rc tm_store_referent(tm_store *st, const char *id, char **into, tm_err *err)
{
	*into = NULL;
	sqlite3_stmt *s = tm_store_stmt(st, S_REF_OF);
	tm_store_bind_text(s, 1, id);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*into = tm_store_col_dup(s, 0);
	sqlite3_reset(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return tm_store_db_fail(st, err, "reading referents");
	return TM_OK;
}

/* An id is an entity's or a referent of one, never both, and a referent
 * names one entity: no chain of merged ids, no id naming two records. */
static tm_rc referents_check(tm_store *st, const tm_entity *ent, tm_err *err)
{
	char *other = NULL;
	tm_rc rc = tm_store_referent(st, ent->id, &other, err);
	if (!rc && other)
		rc = tm_fail(err, TM_ERR_INVALID, "id '%s' was merged into '%s': it names that entity", ent->id, other);
	for (size_t i = 0; !rc && i < ent->referents.n; i++) {
		const char *r = ent->referents.v[i];
		int64_t row = 0;
		free(other);
		other = NULL;
		if ((rc = tm_store_rowid_of(st, S_ENTITY_ID, r, &row, err)) ||
		    (rc = tm_store_referent(st, r, &other, err)))
			break;
		if (row)
			rc = tm_fail(err, TM_ERR_INVALID, "referent '%s' of '%s' is an entity of its own", r, ent->id);
		else if (other && strcmp(other, ent->id) != 0)
			rc = tm_fail(err, TM_ERR_INVALID, "referent '%s' of '%s' was merged into '%s' already", r, ent->id,
				     other);
	}
	free(other);
	return rc;
}

/* Write ent over entity row *rowp (0: a new entity, whose row it gets), with
 * the dates it is stored with. */
static tm_rc put_entity_row(tm_store *st, const tm_entity *ent, int64_t *rowp, const tm_name_index *ix,
			    const char *added, const char *changed, tm_err *err)
{
	int64_t row = *rowp;
	int fresh = 0;
	tm_rc rc;
	if (ix->n != ent->n_names)
		return tm_fail(err, TM_ERR_INTERNAL, "name index of '%s' does not match its names", ent->id);
	if ((rc = referents_check(st, ent, err)))
		return rc;
	if ((rc = tm_store_bulk_prepare(st, 1, err)))
		return rc;
	sqlite3_stmt *s = tm_store_stmt(st, row ? S_ENTITY_UPD : S_ENTITY_INS);
	tm_store_bind_text(s, 1, ent->id);
	tm_store_bind_text(s, 2, ent->kind);
	tm_store_bind_text(s, 3, ent->country);
	tm_store_bind_text(s, 4, ent->start);
	tm_store_bind_text(s, 5, ent->end);
	tm_store_bind_text(s, 6, ent->desc_en);
	tm_store_bind_text(s, 7, ent->desc_zh);
	sqlite3_bind_int(s, 8, ent->unsourced);
	tm_store_bind_text(s, 9, added);
	tm_store_bind_text(s, 10, changed);
	if ((rc = tm_store_step_done(st, s, err, "writing entity")))
		return rc;
	st->dirty = 1;
	if (row) {
		/* the FTS rows are found through names, so they go first */
		if ((rc = tm_store_bulk_replacing(st, row, err)) || (rc = del_by_entity(st, S_FTS_DEL, row, err)) ||
		    (rc = del_by_entity(st, S_NAMEKEYS_DEL, row, err)) || (rc = del_by_entity(st, S_NAMES_DEL, row, err)) ||
		    (rc = del_by_entity(st, S_TAGS_DEL, row, err)) || (rc = del_by_entity(st, S_IDENTS_DEL, row, err)) ||
		    (rc = del_by_entity(st, S_REFS_DEL, row, err)))
			return rc;
	} else {
		*rowp = row = sqlite3_last_insert_rowid(st->db);
		fresh = 1;
		if (st->in_tx)
			tm_rowmap_put(&st->entity_rows, ent->id, row);
	}
	for (size_t i = 0; i < ent->n_names; i++) {
		s = tm_store_stmt(st, S_NAME_INS);
		sqlite3_bind_int64(s, 1, row);
		sqlite3_bind_int64(s, 2, (int64_t)i);
		tm_store_bind_text(s, 3, ent->names[i].text);
		tm_store_bind_text(s, 4, ent->names[i].lang);
		sqlite3_bind_int(s, 5, ent->names[i].primary ? 1 : 0);
		if ((rc = tm_store_step_done(st, s, err, "writing name")))
			return rc;
		if ((rc = put_name_keys(st, row, sqlite3_last_insert_rowid(st->db), ix, i, err)))
			return rc;
	}
	for (size_t i = 0; i < ent->tags.n; i++) {
		s = tm_store_stmt(st, S_TAG_INS);
		sqlite3_bind_int64(s, 1, row);
		sqlite3_bind_int64(s, 2, (int64_t)i);
		tm_store_bind_text(s, 3, ent->tags.v[i]);
		if ((rc = tm_store_step_done(st, s, err, "writing tag")))
			return rc;
	}
	for (size_t i = 0; i < ent->n_idents; i++) {
		s = tm_store_stmt(st, S_IDENT_INS);
		sqlite3_bind_int64(s, 1, row);
		sqlite3_bind_int64(s, 2, (int64_t)i);
		tm_store_bind_text(s, 3, ent->idents[i].scheme);
		tm_store_bind_text(s, 4, ent->idents[i].value);
		if ((rc = tm_store_step_done(st, s, err, "writing identifier")))
			return rc;
	}
	for (size_t i = 0; i < ent->referents.n; i++) {
		s = tm_store_stmt(st, S_REF_INS);
		tm_store_bind_text(s, 1, ent->referents.v[i]);
		sqlite3_bind_int64(s, 2, row);
		sqlite3_bind_int64(s, 3, (int64_t)i);
		if ((rc = tm_store_step_done(st, s, err, "writing referent")))
			return rc;
	}
	return tm_store_save_cites(st, 0, row, &ent->cites, fresh, err);
}

tm_rc tm_store_put_entity(tm_store *st, const tm_entity *ent, tm_err *err)
{
	return tm_store_put_entity_indexed(st, ent, NULL, NULL, err);
}

tm_rc tm_store_put_entity_indexed(tm_store *st, const tm_entity *ent, const tm_name_index *ix, tm_ekey *key,
				  tm_err *err)
{
	tm_entity old;
	int64_t row;
	tm_rc rc = tm_store_rowid_of(st, S_ENTITY_ID, ent->id, &row, err);
	if (rc)
		return rc;
	char added[TM_DATE_MAX], changed[TM_DATE_MAX];
	if (key)
		*key = row;
	if (row) {
		if (tm_store_get_entity(st, ent->id, &old, err))
			return err ? err->rc : TM_ERR_DB;
		int same = tm_entity_equal(&old, ent);
		int moved = claim_dates(st, ent->added, ent->changed, 1, old.added, old.changed, same, added, changed);
		tm_entity_release(&old);
		if (same) {
			if (!moved)
				return TM_OK;
			sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_DATES);
			sqlite3_bind_int64(s, 1, row);
			tm_store_bind_text(s, 2, added);
			tm_store_bind_text(s, 3, changed);
			st->dirty = 1;
			return tm_store_step_done(st, s, err, "writing entity dates");
		}
	} else {
		claim_dates(st, ent->added, ent->changed, 0, "", "", 0, added, changed);
	}
	tm_name_index own = { NULL, 0 };
	if (!ix) {
		if ((rc = tm_name_index_make(ent, &own, err)))
			return rc;
		ix = &own;
	}
	rc = put_entity_row(st, ent, &row, ix, added, changed, err);
	tm_name_index_release(&own);
	if (key)
		*key = row;
	return rc;
}

static tm_rc relation_from_stmt(tm_store *st, sqlite3_stmt *s, int64_t *rel_id, tm_relation *r, tm_err *err)
{
	memset(r, 0, sizeof(*r));
	*rel_id = sqlite3_column_int64(s, 0);
	r->subject = tm_store_col_dup(s, 1);
	r->predicate = tm_store_col_dup(s, 2);
	r->object = tm_store_col_dup(s, 3);
	tm_store_col_date(s, 4, r->start);
	tm_store_col_date(s, 5, r->end);
	if (sqlite3_column_type(s, 6) != SQLITE_NULL) {
		r->has_amount = 1;
		r->amount = sqlite3_column_double(s, 6);
	}
	r->currency = tm_store_col_dup(s, 7);
	if (sqlite3_column_type(s, 8) != SQLITE_NULL) {
		r->has_share = 1;
		r->share = sqlite3_column_double(s, 8);
	}
	r->note = tm_store_col_dup(s, 9);
	r->unsourced = sqlite3_column_int(s, 10);
	tm_store_col_date(s, 11, r->added);
	tm_store_col_date(s, 12, r->changed);
	(void)st;
	(void)err;
	return TM_OK;
}

tm_rc tm_store_get_relation(tm_store *st, int64_t rel_id, tm_relation *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_stmt(st, S_REL_GET);
	sqlite3_bind_int64(s, 1, rel_id);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		if (rc == SQLITE_DONE)
			return tm_fail(err, TM_ERR_NOTFOUND, "no relation %lld", (long long)rel_id);
		return tm_store_db_fail(st, err, "reading relation");
	}
	int64_t id;
	relation_from_stmt(st, s, &id, out, err);
	sqlite3_reset(s);
	tm_rc r = tm_store_load_cites(st, 1, id, &out->cites, err);
	if (r)
		tm_relation_release(out);
	return r;
}

tm_rc tm_store_find_relation(tm_store *st, const tm_relation *key, tm_relation *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	int64_t subj, obj, row = 0;
	tm_rc rc;
	if ((rc = tm_store_rowid_of(st, S_ENTITY_ID, key->subject, &subj, err)) ||
	    (rc = tm_store_rowid_of(st, S_ENTITY_ID, key->object, &obj, err)))
		return rc;
	if (subj && obj) {
		sqlite3_stmt *s = tm_store_stmt(st, S_REL_FIND);
		sqlite3_bind_int64(s, 1, subj);
		tm_store_bind_text(s, 2, key->predicate);
		sqlite3_bind_int64(s, 3, obj);
		tm_store_bind_text(s, 4, key->start);
		tm_store_bind_text(s, 5, key->end);
		int step = sqlite3_step(s);
		if (step == SQLITE_ROW)
			row = sqlite3_column_int64(s, 0);
		else if (step != SQLITE_DONE)
			rc = tm_store_db_fail(st, err, "finding relation");
		sqlite3_reset(s);
		if (rc)
			return rc;
	}
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no relation '%s %s %s'", key->subject, key->predicate, key->object);
	return tm_store_get_relation(st, row, out, err);
}

tm_rc tm_store_put_relation(tm_store *st, const tm_relation *rel, tm_err *err)
{
	int64_t subj, obj;
	tm_rc rc;
	if ((rc = tm_store_rowid_of(st, S_ENTITY_ID, rel->subject, &subj, err)) ||
	    (rc = tm_store_rowid_of(st, S_ENTITY_ID, rel->object, &obj, err)))
		return rc;
	if (!subj)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", rel->subject);
	if (!obj)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", rel->object);
	return tm_store_put_relation_keyed(st, rel, subj, obj, err);
}

tm_rc tm_store_put_relation_keyed(tm_store *st, const tm_relation *rel, tm_ekey subj, tm_ekey obj, tm_err *err)
{
	tm_rc rc;
	/* a relation may turn out to be stored already: only into an empty
	 * database is it surely written */
	if (st->bulk && tm_store_bulk_rows_all_seen(st, S_ENTITY_ID) && (rc = tm_store_bulk_prepare(st, 0, err)))
		return rc;
	/* most relations of an import are new: insert first, and read the stored
	 * one back only when the key is taken */
	sqlite3_stmt *s = tm_store_stmt(st, S_REL_INS);
	sqlite3_bind_int64(s, 1, subj);
	tm_store_bind_text(s, 2, rel->predicate);
	sqlite3_bind_int64(s, 3, obj);
	tm_store_bind_text(s, 4, rel->start);
	tm_store_bind_text(s, 5, rel->end);
	if (rel->has_amount)
		sqlite3_bind_double(s, 6, rel->amount);
	tm_store_bind_text(s, 7, rel->currency);
	if (rel->has_share)
		sqlite3_bind_double(s, 8, rel->share);
	tm_store_bind_text(s, 9, rel->note);
	sqlite3_bind_int(s, 10, rel->unsourced);
	char added[TM_DATE_MAX], changed[TM_DATE_MAX];
	claim_dates(st, rel->added, rel->changed, 0, "", "", 0, added, changed);
	tm_store_bind_text(s, 11, added);
	tm_store_bind_text(s, 12, changed);
	if ((rc = tm_store_step_done(st, s, err, "writing relation")))
		return rc;
	int fresh = sqlite3_changes(st->db) == 1;
	int64_t row = 0;
	if (fresh) {
		row = sqlite3_last_insert_rowid(st->db);
	} else {
		s = tm_store_stmt(st, S_REL_FIND);
		sqlite3_bind_int64(s, 1, subj);
		tm_store_bind_text(s, 2, rel->predicate);
		sqlite3_bind_int64(s, 3, obj);
		tm_store_bind_text(s, 4, rel->start);
		tm_store_bind_text(s, 5, rel->end);
		row = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
		if (!row)
			return tm_store_db_fail(st, err, "finding relation");
		tm_relation old;
		if ((rc = tm_store_get_relation(st, row, &old, err)))
			return rc;
		int same = tm_relation_equal(&old, rel);
		int moved = claim_dates(st, rel->added, rel->changed, 1, old.added, old.changed, same, added, changed);
		tm_relation_release(&old);
		if (same) {
			if (!moved)
				return TM_OK;
			s = tm_store_stmt(st, S_REL_DATES);
			sqlite3_bind_int64(s, 1, row);
			tm_store_bind_text(s, 2, added);
			tm_store_bind_text(s, 3, changed);
			st->dirty = 1;
			return tm_store_step_done(st, s, err, "writing relation dates");
		}
		s = tm_store_stmt(st, S_REL_UPD);
		sqlite3_bind_int64(s, 1, row);
		if (rel->has_amount)
			sqlite3_bind_double(s, 2, rel->amount);
		tm_store_bind_text(s, 3, rel->currency);
		if (rel->has_share)
			sqlite3_bind_double(s, 4, rel->share);
		tm_store_bind_text(s, 5, rel->note);
		sqlite3_bind_int(s, 6, rel->unsourced);
		tm_store_bind_text(s, 7, added);
		tm_store_bind_text(s, 8, changed);
		if ((rc = tm_store_step_done(st, s, err, "writing relation")))
			return rc;
	}
	st->dirty = 1;
	return tm_store_save_cites(st, 1, row, &rel->cites, fresh, err);
}

/* ---- iteration ---- */

/* Run an ad-hoc query; rows go to fn(ctx, stmt).  Statements made here are
 * finalized here. */
tm_rc tm_store_each_row(tm_store *st, const char *sql, const char *bind1, int (*fn)(void *ctx, sqlite3_stmt *s),
		      void *ctx, tm_err *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "preparing query");
	if (bind1)
		tm_store_bind_text(s, 1, bind1);
	int rc;
	tm_rc out = TM_OK;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int stop = fn(ctx, s);
		if (stop < 0) {
			out = err && err->rc ? err->rc : st->failed.rc ? st->failed.rc : TM_ERR_INTERNAL;
			break;
		}
		if (stop)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		out = tm_store_db_fail(st, err, "reading");
	sqlite3_finalize(s);
	return out;
}

struct each_ctx {
	tm_store *st;
	tm_err *err;
	tm_source_fn sfn;
	tm_entity_fn efn;
	tm_relation_fn rfn;
	void *ctx;
	tm_involvement_fn ifn;
};

static int source_row(void *p, sqlite3_stmt *s)
{
	struct each_ctx *c = p;
	tm_source src = { 0 };
	src.id = tm_store_col_dup(s, 0);
	src.title = tm_store_col_dup(s, 1);
	src.author = tm_store_col_dup(s, 2);
	src.publisher = tm_store_col_dup(s, 3);
	tm_store_col_date(s, 4, src.date);
	src.url = tm_store_col_dup(s, 5);
	src.lang = tm_store_col_dup(s, 6);
	src.note = tm_store_col_dup(s, 7);
	tm_store_col_date(s, 8, src.accessed);
	src.checked = sqlite3_column_int(s, 9);
	int stop = c->sfn(c->ctx, &src);
	tm_source_release(&src);
	return stop;
}

tm_rc tm_store_each_source(tm_store *st, tm_source_fn fn, void *ctx, tm_err *err)
{
	struct each_ctx c = { st, err, fn, NULL, NULL, ctx };
	return tm_store_each_row(st,
			"SELECT slug,title,author,publisher,date,url,lang,note,accessed,checked FROM sources ORDER BY slug",
			NULL, source_row, &c, err);
}

static int entity_row(void *p, sqlite3_stmt *s)
{
	struct each_ctx *c = p;
	tm_entity e = { 0 };
	if (entity_from_row(c->st, s, &e, c->err)) {
		tm_entity_release(&e);
		return -1;
	}
	int stop = c->efn(c->ctx, &e);
	tm_entity_release(&e);
	return stop;
}

#define ENTITY_COLS "e.id,e.slug,e.kind,e.country,e.start,e.end_,e.desc_en,e.desc_zh,e.unsourced,e.added_at,e.updated_at"

tm_rc tm_store_each_entity(tm_store *st, tm_entity_fn fn, void *ctx, tm_err *err)
{
	struct each_ctx c = { st, err, NULL, fn, NULL, ctx };
	return tm_store_each_row(st, "SELECT " ENTITY_COLS " FROM entities e ORDER BY e.slug", NULL, entity_row, &c, err);
}

static int relation_row(void *p, sqlite3_stmt *s)
{
	struct each_ctx *c = p;
	tm_relation r;
	int64_t id;
	relation_from_stmt(c->st, s, &id, &r, c->err);
	if (tm_store_load_cites(c->st, 1, id, &r.cites, c->err)) {
		tm_relation_release(&r);
		return -1;
	}
	int stop = c->rfn(c->ctx, id, &r);
	tm_relation_release(&r);
	return stop;
}

#define RELATION_SELECT                                                                                 \
	"SELECT r.id,s.slug,r.predicate,o.slug,r.start,r.end_,r.amount,r.currency,r.share,r.note,r.unsourced," \
	"r.added_at,r.changed_at FROM relations r JOIN entities s ON s.id=r.subject JOIN entities o ON o.id=r.object"

tm_rc tm_store_each_relation(tm_store *st, tm_relation_fn fn, void *ctx, tm_err *err)
{
	struct each_ctx c = { st, err, NULL, NULL, fn, ctx };
	return tm_store_each_row(st, RELATION_SELECT " ORDER BY s.slug, r.predicate, o.slug, r.start, r.end_", NULL,
			relation_row, &c, err);
}

/* ---- involvements ---- */

#define INVOLVEMENT_SELECT                                                                   \
	"SELECT v.id,e.slug,v.category,v.start,v.end_,v.note,v.added_at,v.changed_at"        \
	" FROM involvements v JOIN entities e ON e.id=v.entity"

/* v from the current row of an INVOLVEMENT_SELECT-shaped statement; *id its row. */
static void involvement_from_stmt(sqlite3_stmt *s, int64_t *id, tm_involvement *v)
{
	memset(v, 0, sizeof(*v));
	*id = sqlite3_column_int64(s, 0);
	v->entity = tm_store_col_dup(s, 1);
	v->category = tm_store_col_dup(s, 2);
	tm_store_col_date(s, 3, v->start);
	tm_store_col_date(s, 4, v->end);
	v->note = tm_store_col_dup(s, 5);
	tm_store_col_date(s, 6, v->added);
	tm_store_col_date(s, 7, v->changed);
}

static int involvement_row(void *p, sqlite3_stmt *s)
{
	struct each_ctx *c = p;
	tm_involvement v;
	int64_t id;
	involvement_from_stmt(s, &id, &v);
	if (tm_store_load_cites(c->st, 4, id, &v.cites, c->err)) {
		tm_involvement_release(&v);
		return -1;
	}
	int stop = c->ifn(c->ctx, id, &v);
	tm_involvement_release(&v);
	return stop;
}

tm_rc tm_store_get_involvement(tm_store *st, int64_t inv_id, tm_involvement *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_stmt(st, S_INV_GET);
	sqlite3_bind_int64(s, 1, inv_id);
	int rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(s);
		if (rc == SQLITE_DONE)
			return tm_fail(err, TM_ERR_NOTFOUND, "no involvement %lld", (long long)inv_id);
		return tm_store_db_fail(st, err, "reading involvement");
	}
	int64_t id;
	involvement_from_stmt(s, &id, out);
	sqlite3_reset(s);
	tm_rc r = tm_store_load_cites(st, 4, id, &out->cites, err);
	if (r)
		tm_involvement_release(out);
	return r;
}

/* The row of the involvement with v's identity into *row, 0 when none (not
 * an error). */
static tm_rc involvement_row_of(tm_store *st, int64_t entity, const tm_involvement *v, int64_t *row, tm_err *err)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_INV_FIND);
	sqlite3_bind_int64(s, 1, entity);
	tm_store_bind_text(s, 2, v->category);
	tm_store_bind_text(s, 3, v->start);
	tm_store_bind_text(s, 4, v->end);
	int step = sqlite3_step(s);
	*row = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	tm_rc rc = step == SQLITE_ROW || step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "finding involvement");
	sqlite3_reset(s);
	return rc;
}

tm_rc tm_store_find_involvement(tm_store *st, const tm_involvement *key, tm_involvement *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	int64_t entity, row = 0;
	tm_rc rc = tm_store_rowid_of(st, S_ENTITY_ID, key->entity, &entity, err);
	if (!rc && entity)
		rc = involvement_row_of(st, entity, key, &row, err);
	if (rc)
		return rc;
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no involvement '%s %s'", key->entity, key->category);
	return tm_store_get_involvement(st, row, out, err);
}

tm_rc tm_store_put_involvement(tm_store *st, const tm_involvement *v, tm_err *err)
{
	int64_t entity, row;
	tm_rc rc = tm_store_rowid_of(st, S_ENTITY_ID, v->entity, &entity, err);
	if (rc)
		return rc;
	if (!entity)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", v->entity);
	if ((rc = involvement_row_of(st, entity, v, &row, err)))
		return rc;
	char added[TM_DATE_MAX], changed[TM_DATE_MAX];
	sqlite3_stmt *s;
	if (row) {
		tm_involvement old;
		if ((rc = tm_store_get_involvement(st, row, &old, err)))
			return rc;
		int same = tm_involvement_equal(&old, v);
		int moved = claim_dates(st, v->added, v->changed, 1, old.added, old.changed, same, added, changed);
		tm_involvement_release(&old);
		if (same) {
			if (!moved)
				return TM_OK;
			s = tm_store_stmt(st, S_INV_DATES);
			sqlite3_bind_int64(s, 1, row);
			tm_store_bind_text(s, 2, added);
			tm_store_bind_text(s, 3, changed);
			st->dirty = 1;
			return tm_store_step_done(st, s, err, "writing involvement dates");
		}
		s = tm_store_stmt(st, S_INV_UPD);
		sqlite3_bind_int64(s, 1, row);
		tm_store_bind_text(s, 2, v->note);
		tm_store_bind_text(s, 3, added);
		tm_store_bind_text(s, 4, changed);
	} else {
		claim_dates(st, v->added, v->changed, 0, "", "", 0, added, changed);
		s = tm_store_stmt(st, S_INV_INS);
		sqlite3_bind_int64(s, 1, entity);
		tm_store_bind_text(s, 2, v->category);
		tm_store_bind_text(s, 3, v->start);
		tm_store_bind_text(s, 4, v->end);
		tm_store_bind_text(s, 5, v->note);
		tm_store_bind_text(s, 6, added);
		tm_store_bind_text(s, 7, changed);
	}
	if ((rc = tm_store_step_done(st, s, err, "writing involvement")))
		return rc;
	int fresh = !row;
	if (fresh)
		row = sqlite3_last_insert_rowid(st->db);
	st->dirty = 1;
	return tm_store_save_cites(st, 4, row, &v->cites, fresh, err);
}

tm_rc tm_store_each_involvement(tm_store *st, tm_involvement_fn fn, void *ctx, tm_err *err)
{
	struct each_ctx c = { st, err, NULL, NULL, NULL, ctx, fn };
	return tm_store_each_row(st, INVOLVEMENT_SELECT " ORDER BY e.slug, v.category, v.start, v.end_", NULL,
				 involvement_row, &c, err);
}

tm_rc tm_store_entity_involvements(tm_store *st, const char *id, tm_involvement_fn fn, void *ctx, tm_err *err)
{
	struct each_ctx c = { st, err, NULL, NULL, NULL, ctx, fn };
	return tm_store_each_row(st,
				 INVOLVEMENT_SELECT " WHERE v.entity=(SELECT id FROM entities WHERE slug=?1)"
						    " ORDER BY v.category, v.start, v.end_",
				 id, involvement_row, &c, err);
}

struct involved_ctx {
	int (*fn)(void *ctx, tm_ekey key, int category, int64_t inv_id);
	void *ctx;
};

static int involved_row(void *p, sqlite3_stmt *s)
{
	struct involved_ctx *c = p;
	int cat = tm_category_index((const char *)sqlite3_column_text(s, 1));
	if (cat < 0)
		return 0; /* a category this build does not know: it flags nothing */
	return c->fn(c->ctx, sqlite3_column_int64(s, 0), cat, sqlite3_column_int64(s, 2));
}

tm_rc tm_store_each_involved(tm_store *st, int (*fn)(void *ctx, tm_ekey key, int category, int64_t inv_id),
			     void *ctx, tm_err *err)
{
	struct involved_ctx c = { fn, ctx };
	return tm_store_each_row(st, "SELECT entity,category,id FROM involvements ORDER BY entity, category, id", NULL,
				 involved_row, &c, err);
}

/* ---- pages ---- */

tm_rc tm_store_put_page(tm_store *st, const tm_page *p, tm_err *err)
{
	tm_page old;
	tm_rc got = tm_store_get_page(st, p->id, &old, err);
	if (got && got != TM_ERR_NOTFOUND)
		return got;
	if (err && got)
		tm_err_clear(err);
	if (got == TM_OK) {
		int same = tm_page_equal(&old, p);
		tm_page_release(&old);
		if (same)
			return TM_OK;
	}
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db,
			       "INSERT INTO pages(slug,title_en,title_zh,body_en,body_zh) VALUES(?1,?2,?3,?4,?5)"
			       " ON CONFLICT(slug) DO UPDATE SET title_en=?2,title_zh=?3,body_en=?4,body_zh=?5",
			       -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "preparing page");
	tm_store_bind_text(s, 1, p->id);
	tm_store_bind_text(s, 2, p->title_en);
	tm_store_bind_text(s, 3, p->title_zh);
	tm_store_bind_text(s, 4, p->body_en);
	tm_store_bind_text(s, 5, p->body_zh);
	tm_rc rc = sqlite3_step(s) == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "writing page");
	sqlite3_finalize(s);
	if (!rc)
		st->dirty = 1;
	return rc;
}

static void page_from_stmt(sqlite3_stmt *s, tm_page *p)
{
	p->id = tm_store_col_dup(s, 0);
	p->title_en = tm_store_col_dup(s, 1);
	p->title_zh = tm_store_col_dup(s, 2);
	p->body_en = tm_store_col_dup(s, 3);
	p->body_zh = tm_store_col_dup(s, 4);
}

tm_rc tm_store_get_page(tm_store *st, const char *id, tm_page *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT slug,title_en,title_zh,body_en,body_zh FROM pages WHERE slug=?", -1, &s,
			       NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "preparing page");
	tm_store_bind_text(s, 1, id);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		page_from_stmt(s, out);
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return TM_OK;
	if (rc == SQLITE_DONE)
		return tm_fail(err, TM_ERR_NOTFOUND, "no page '%s'", id);
	return tm_store_db_fail(st, err, "reading page");
}

struct page_ctx {
	int (*fn)(void *ctx, const tm_page *p);
	void *ctx;
};

static int page_row(void *p, sqlite3_stmt *s)
{
	struct page_ctx *c = p;
	tm_page pg;
	memset(&pg, 0, sizeof(pg));
	page_from_stmt(s, &pg);
	int stop = c->fn(c->ctx, &pg);
	tm_page_release(&pg);
	return stop;
}

tm_rc tm_store_each_page(tm_store *st, int (*fn)(void *ctx, const tm_page *p), void *ctx, tm_err *err)
{
	struct page_ctx c = { fn, ctx };
	return tm_store_each_row(st, "SELECT slug,title_en,title_zh,body_en,body_zh FROM pages ORDER BY slug", NULL,
				 page_row, &c, err);
}

tm_rc tm_store_entity_relations(tm_store *st, const char *id, tm_relation_fn fn, void *ctx, tm_err *err)
{
	struct each_ctx c = { st, err, NULL, NULL, fn, ctx };
	return tm_store_each_row(st,
			RELATION_SELECT " WHERE r.subject=(SELECT id FROM entities WHERE slug=?1)"
					" OR r.object=(SELECT id FROM entities WHERE slug=?1)"
					" ORDER BY r.predicate, s.slug, o.slug, r.start, r.id",
			id, relation_row, &c, err);
}

tm_rc tm_store_source_claims(tm_store *st, const char *source_id, size_t limit, tm_entity_fn efn,
			     tm_involvement_fn ifn, tm_relation_fn rfn, void *ctx, tm_err *err)
{
	/* A source may back a million claims (a registry dump).  The claims are
	 * cut to the first limit+1 by row id inside the index on citations
	 * (source, claim_kind, claim), so only those are joined and sorted:
	 * the caller sees one more than limit when there are more. */
	struct each_ctx c = { st, err, NULL, efn, rfn, ctx, ifn };
	char cut[64];
	if (limit)
		snprintf(cut, sizeof(cut), " ORDER BY claim LIMIT %zu", limit + 1);
	else
		cut[0] = 0;
	tm_buf sql = TM_BUF_INIT;
	tm_rc rc = TM_OK;
	if (efn) {
		tm_buf_addf(&sql,
			    "SELECT " ENTITY_COLS " FROM entities e WHERE e.id IN (SELECT claim FROM citations"
			    " WHERE source=(SELECT id FROM sources WHERE slug=?) AND claim_kind=0%s) ORDER BY e.slug",
			    cut);
		rc = tm_store_each_row(st, sql.buf, source_id, entity_row, &c, err);
	}
	if (!rc && ifn) {
		tm_buf_reset(&sql);
		tm_buf_addf(&sql,
			    INVOLVEMENT_SELECT " WHERE v.id IN (SELECT claim FROM citations WHERE"
					       " source=(SELECT id FROM sources WHERE slug=?) AND claim_kind=4%s)"
					       " ORDER BY e.slug, v.category, v.start, v.end_",
			    cut);
		rc = tm_store_each_row(st, sql.buf, source_id, involvement_row, &c, err);
	}
	if (!rc && rfn) {
		tm_buf_reset(&sql);
		tm_buf_addf(&sql,
			    RELATION_SELECT " WHERE r.id IN (SELECT claim FROM citations WHERE"
					    " source=(SELECT id FROM sources WHERE slug=?) AND claim_kind=1%s)"
					    " ORDER BY s.slug, r.predicate, o.slug, r.start",
			    cut);
		rc = tm_store_each_row(st, sql.buf, source_id, relation_row, &c, err);
	}
	tm_buf_release(&sql);
	return rc;
}

/* ---- graph feed ---- */

tm_rc tm_store_max_ekey(tm_store *st, tm_ekey *out, tm_err *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT coalesce(max(id),0) FROM entities", -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "preparing query");
	int step = sqlite3_step(s);
	*out = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	tm_rc rc = step == SQLITE_ROW ? TM_OK : tm_store_db_fail(st, err, "reading the largest entity key");
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_is_empty(tm_store *st, int *empty, tm_err *err)
{
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT NOT EXISTS(SELECT 1 FROM sources) AND NOT EXISTS(SELECT 1 FROM entities)",
			       -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "preparing query");
	int step = sqlite3_step(s);
	*empty = step == SQLITE_ROW && sqlite3_column_int(s, 0);
	tm_rc rc = step == SQLITE_ROW ? TM_OK : tm_store_db_fail(st, err, "reading whether the database is empty");
	sqlite3_finalize(s);
	return rc;
}

struct ekey_ctx {
	int (*fn)(void *ctx, tm_ekey key, const char *id, const char *kind);
	int (*tfn)(void *ctx, tm_ekey key);
	int (*efn)(void *ctx, const tm_edge_row *row);
	void *ctx;
};

static int ekey_row(void *p, sqlite3_stmt *s)
{
	struct ekey_ctx *c = p;
	return c->fn(c->ctx, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
		     (const char *)sqlite3_column_text(s, 2));
}

tm_rc tm_store_each_ekey(tm_store *st, int (*fn)(void *ctx, tm_ekey key, const char *id, const char *kind), void *ctx,
			 tm_err *err)
{
	struct ekey_ctx c = { fn, NULL, NULL, ctx };
	return tm_store_each_row(st, "SELECT id,slug,kind FROM entities ORDER BY id", NULL, ekey_row, &c, err);
}

static int tagged_row(void *p, sqlite3_stmt *s)
{
	struct ekey_ctx *c = p;
	return c->tfn(c->ctx, sqlite3_column_int64(s, 0));
}

tm_rc tm_store_tagged(tm_store *st, const char *tag, int (*fn)(void *ctx, tm_ekey key), void *ctx, tm_err *err)
{
	struct ekey_ctx c = { NULL, fn, NULL, ctx };
	return tm_store_each_row(st, "SELECT DISTINCT entity FROM tags WHERE tag=? ORDER BY entity", tag, tagged_row, &c, err);
}

static int edge_row(void *p, sqlite3_stmt *s)
{
	struct ekey_ctx *c = p;
	tm_edge_row row;
	row.rel_id = sqlite3_column_int64(s, 0);
	row.subject = sqlite3_column_int64(s, 1);
	row.predicate = tm_predicate_index((const char *)sqlite3_column_text(s, 2));
	row.object = sqlite3_column_int64(s, 3);
	row.start = (const char *)sqlite3_column_text(s, 4);
	row.end = (const char *)sqlite3_column_text(s, 5);
	row.has_share = sqlite3_column_type(s, 6) != SQLITE_NULL;
	row.share = row.has_share ? sqlite3_column_double(s, 6) : 0;
	if (row.predicate < 0)
		return 0; /* a predicate this build does not know: skip, never guess */
	return c->efn(c->ctx, &row);
}

tm_rc tm_store_each_edge(tm_store *st, int (*fn)(void *ctx, const tm_edge_row *row), void *ctx, tm_err *err)
{
	struct ekey_ctx c = { NULL, NULL, fn, ctx };
	return tm_store_each_row(st, "SELECT id,subject,predicate,object,start,end_,share FROM relations", NULL, edge_row, &c,
			err);
}

tm_rc tm_store_ekey_kind(tm_store *st, tm_ekey key, char **kind, tm_err *err)
{
	*kind = NULL;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT kind FROM entities WHERE id=?", -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "preparing query");
	sqlite3_bind_int64(s, 1, key);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*kind = tm_xstrdup((const char *)sqlite3_column_text(s, 0));
	tm_rc rc = step == SQLITE_ROW || step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading an entity's kind");
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_edges_of(tm_store *st, tm_ekey key, int (*fn)(void *ctx, const tm_edge_row *row), void *ctx,
			tm_err *err)
{
	struct ekey_ctx c = { NULL, NULL, fn, ctx };
	sqlite3_stmt *s;
	/* a self-loop once: from its subject */
	if (sqlite3_prepare_v2(st->db,
			       "SELECT id,subject,predicate,object,start,end_,share FROM relations WHERE subject=?1"
			       " UNION ALL SELECT id,subject,predicate,object,start,end_,share FROM relations"
			       " WHERE object=?1 AND subject<>?1",
			       -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "preparing query");
	sqlite3_bind_int64(s, 1, key);
	int step;
	tm_rc rc = TM_OK;
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		if (edge_row(&c, s))
			break;
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "reading an entity's relations");
	sqlite3_finalize(s);
	return rc;
}

/* ---- counts and checks ---- */

/* The one number sql answers; with a sticky *rc, as FTS5's builders take
 * one: nothing is done once it is set, so that a run of counts is checked
 * once at its end. */
static int64_t count_of(tm_store *st, const char *sql, tm_rc *rc, tm_err *err)
{
	sqlite3_stmt *s = NULL;
	int64_t n = -1;
	if (*rc)
		return n;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		*rc = tm_store_db_fail(st, err, "counting");
	sqlite3_finalize(s);
	return n;
}

tm_rc tm_store_counts(tm_store *st, tm_counts *out, tm_err *err)
{
	tm_rc rc = TM_OK;
	out->sources = count_of(st, "SELECT count(*) FROM sources", &rc, err);
	out->entities = count_of(st, "SELECT count(*) FROM entities", &rc, err);
	out->relations = count_of(st, "SELECT count(*) FROM relations", &rc, err);
	out->names = count_of(st, "SELECT count(*) FROM names", &rc, err);
	out->citations = count_of(st, "SELECT count(*) FROM citations", &rc, err);
	out->involvements = count_of(st, "SELECT count(*) FROM involvements", &rc, err);
	return rc;
}

struct check_ctx {
	const char *what;
	int (*fn)(void *ctx, const tm_finding *f);
	void *ctx;
};

static int check_row(void *p, sqlite3_stmt *s)
{
	struct check_ctx *c = p;
	tm_finding f = { c->what, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1) };
	return c->fn(c->ctx, &f);
}

tm_rc tm_store_check(tm_store *st, int (*fn)(void *ctx, const tm_finding *f), void *ctx, tm_err *err)
{
	static const struct {
		const char *what, *sql;
	} checks[] = {
		{ "unsourced_entity",
		  "SELECT slug, CASE WHEN unsourced THEN 'imported with --allow-unsourced' ELSE 'no citation' END"
		  " FROM entities e WHERE unsourced OR NOT EXISTS"
		  " (SELECT 1 FROM citations WHERE claim_kind=0 AND claim=e.id) ORDER BY slug" },
		{ "unsourced_relation",
		  "SELECT s.slug||' '||r.predicate||' '||o.slug,"
		  " CASE WHEN r.unsourced THEN 'imported with --allow-unsourced' ELSE 'no citation' END"
		  " FROM relations r JOIN entities s ON s.id=r.subject JOIN entities o ON o.id=r.object"
		  " WHERE r.unsourced OR NOT EXISTS (SELECT 1 FROM citations WHERE claim_kind=1 AND claim=r.id)"
		  " ORDER BY 1" },
		{ "uncited_source",
		  "SELECT slug, title FROM sources s WHERE NOT EXISTS (SELECT 1 FROM citations WHERE source=s.id)"
		  " ORDER BY slug" },
		{ "isolated_entity",
		  /* tied to nothing: no relation, and no action or site names it either */
		  "SELECT slug, kind FROM entities e WHERE NOT EXISTS (SELECT 1 FROM relations WHERE subject=e.id)"
		  " AND NOT EXISTS (SELECT 1 FROM relations WHERE object=e.id)"
		  " AND NOT EXISTS (SELECT 1 FROM action_actors WHERE entity=e.id)"
		  " AND NOT EXISTS (SELECT 1 FROM action_targets WHERE entity=e.id)"
		  " AND NOT EXISTS (SELECT 1 FROM sites WHERE entity=e.id) ORDER BY slug" },
		{ "duplicate_key",
		  "SELECT group_concat(slug, ' '), 'shared match key \"'||key||'\"' FROM"
		  " (SELECT DISTINCT k.key, e.slug FROM name_keys k JOIN entities e ON e.id=k.entity"
		  "  WHERE k.key IN (SELECT key FROM name_keys GROUP BY key HAVING count(DISTINCT entity)>1)"
		  "  ORDER BY k.key, e.slug) GROUP BY key ORDER BY key" },
		{ "unchecked_source",
		  "SELECT slug, 'title and URL not seen: '||title FROM sources s WHERE NOT checked"
		  " AND EXISTS (SELECT 1 FROM citations WHERE source=s.id) ORDER BY slug" },
	};
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		struct check_ctx c = { checks[i].what, fn, ctx };
		tm_rc rc = tm_store_each_row(st, checks[i].sql, NULL, check_row, &c, err);
		if (rc)
			return rc;
	}
	/* the place kinds are the vocabulary's (model.h), not a list kept here */
	tm_buf sql = TM_BUF_INIT;
	tm_buf_adds(&sql, "SELECT e.slug, v.category||' (a '||e.kind||' carries no flag: put the claim on the institution)'"
			  " FROM involvements v JOIN entities e ON e.id=v.entity WHERE e.kind IN (''");
	for (size_t i = 0; i < tm_n_kinds; i++)
		if (tm_kinds[i].place)
			tm_buf_addf(&sql, ",'%s'", tm_kinds[i].id);
	tm_buf_adds(&sql, ") ORDER BY e.slug, v.category");
	struct check_ctx c = { "place_involvement", fn, ctx };
	tm_rc rc = tm_store_each_row(st, sql.buf, NULL, check_row, &c, err);
	tm_buf_release(&sql);
	if (rc)
		return rc;
	return TM_OK;
}
