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
	[S_NAME_TEXT] = "SELECT text FROM names WHERE id=?",
	[S_KEY_EXACT] = "SELECT entity,name FROM name_keys WHERE key=? LIMIT 200",
	[S_KEY_PREFIX] = "SELECT entity,name,length(CAST(key AS BLOB)) FROM name_keys WHERE key>? AND key<? LIMIT 200",
	[S_IDENT_FIND] = "SELECT entity FROM identifiers WHERE value=? COLLATE NOCASE LIMIT 50",
	[S_FTS_MATCH] = "SELECT rowid FROM names_fts WHERE names_fts MATCH ? LIMIT 200",
	[S_ENTITY_SLUG] = "SELECT slug,kind FROM entities WHERE id=?",
	[S_BUMP_VERSION] = "UPDATE meta SET value=value+1 WHERE key='data_version'",
	[S_DATA_VERSION] = "SELECT value FROM meta WHERE key='data_version'",
};


tm_rc tm_store_db_fail(tm_store *st, tm_err *err, const char *what)
{
	int code = sqlite3_errcode(st->db);
	if (code == SQLITE_INTERRUPT)
		return tm_fail(err, TM_ERR_LIMIT, "%s: query time limit reached", what);
	return tm_fail(err, TM_ERR_DB, "%s: %s", what, sqlite3_errmsg(st->db));
}

static int progress_cb(void *p)
{
	tm_store *st = p;
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
		tm_fail(err, TM_ERR_DB, "database: %s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return TM_ERR_DB;
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
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
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
	sqlite3_progress_handler(st->db, 10000, progress_cb, st);
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
	free(st);
}

void tm_store_set_deadline(tm_store *st, double seconds)
{
	st->deadline = seconds > 0 ? tm_now() + seconds : 0;
}

tm_rc tm_store_read_begin(tm_store *st, tm_err *err)
{
	if (!sqlite3_get_autocommit(st->db))
		return tm_fail(err, TM_ERR_INTERNAL, "transaction already open");
	/* a deferred BEGIN takes its snapshot at the first read: read now */
	return tm_store_exec(st, "BEGIN; SELECT count(*) FROM meta", err);
}

void tm_store_read_end(tm_store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		tm_store_exec(st, "COMMIT", NULL);
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
	if (sqlite3_step(s) == SQLITE_ROW)
		names = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
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
	}
	if (tm_store_exec(st, "COMMIT", err))
		return TM_ERR_DB;
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
	int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
	sqlite3_reset(s);
	return v;
}

/* Row id of a slug through the given look-up statement; 0 when absent. */
int64_t tm_store_rowid_of(tm_store *st, enum tm_stmt_id id, const char *slug)
{
	tm_rowmap *seen = !st->in_tx || !slug ? NULL : id == S_ENTITY_ID ? &st->entity_rows :
						      id == S_SOURCE_ID ? &st->source_rows : NULL;
	int64_t r = seen ? tm_rowmap_get(seen, slug) : 0;
	if (r || (seen && tm_store_bulk_rows_all_seen(st, id)))
		return r;
	sqlite3_stmt *s = tm_store_stmt(st, id);
	tm_store_bind_text(s, 1, slug);
	r = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	if (r && seen)
		tm_rowmap_put(seen, slug, r);
	return r;
}

int tm_store_has_entity(tm_store *st, const char *id)
{
	return tm_store_rowid_of(st, S_ENTITY_ID, id) != 0;
}

int tm_store_has_source(tm_store *st, const char *id)
{
	return tm_store_rowid_of(st, S_SOURCE_ID, id) != 0;
}

tm_rc tm_store_ekey(tm_store *st, const char *id, tm_ekey *out, tm_err *err)
{
	*out = tm_store_rowid_of(st, S_ENTITY_ID, id);
	if (!*out)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", id);
	return TM_OK;
}

tm_rc tm_store_entity_id(tm_store *st, tm_ekey key, char **id, tm_err *err)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_SLUG);
	sqlite3_bind_int64(s, 1, key);
	*id = sqlite3_step(s) == SQLITE_ROW ? tm_store_col_dup(s, 0) : NULL;
	sqlite3_reset(s);
	if (!*id)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity with key %lld", (long long)key);
	return TM_OK;
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



static int source_equal(const tm_source *a, const tm_source *b)
{
	return tm_streq(a->id, b->id) && tm_streq(a->title, b->title) && tm_streq(a->author, b->author) &&
	       tm_streq(a->publisher, b->publisher) && tm_streq(a->date, b->date) && tm_streq(a->url, b->url) &&
	       tm_streq(a->lang, b->lang) && tm_streq(a->note, b->note) && tm_streq(a->accessed, b->accessed) &&
	       !a->checked == !b->checked;
}

static int entity_equal(const tm_entity *a, const tm_entity *b)
{
	if (!tm_streq(a->id, b->id) || !tm_streq(a->kind, b->kind) || !tm_streq(a->country, b->country) ||
	    !tm_streq(a->start, b->start) || !tm_streq(a->end, b->end) || !tm_streq(a->desc_en, b->desc_en) ||
	    !tm_streq(a->desc_zh, b->desc_zh) || a->unsourced != b->unsourced || a->n_names != b->n_names ||
	    a->tags.n != b->tags.n || a->n_idents != b->n_idents || !tm_cites_equal(&a->cites, &b->cites))
		return 0;
	for (size_t i = 0; i < a->n_names; i++)
		if (!tm_streq(a->names[i].text, b->names[i].text) || !tm_streq(a->names[i].lang, b->names[i].lang) ||
		    !a->names[i].primary != !b->names[i].primary)
			return 0;
	for (size_t i = 0; i < a->tags.n; i++)
		if (!tm_streq(a->tags.v[i], b->tags.v[i]))
			return 0;
	for (size_t i = 0; i < a->n_idents; i++)
		if (!tm_streq(a->idents[i].scheme, b->idents[i].scheme) || !tm_streq(a->idents[i].value, b->idents[i].value))
			return 0;
	return 1;
}

static int relation_equal(const tm_relation *a, const tm_relation *b)
{
	return a->has_amount == b->has_amount && (!a->has_amount || a->amount == b->amount) &&
	       tm_streq(a->currency, b->currency) && a->has_share == b->has_share &&
	       (!a->has_share || a->share == b->share) && tm_streq(a->note, b->note) && a->unsourced == b->unsourced &&
	       tm_cites_equal(&a->cites, &b->cites);
}

static int involvement_equal(const tm_involvement *a, const tm_involvement *b)
{
	return tm_streq(a->note, b->note) && tm_cites_equal(&a->cites, &b->cites);
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
		int64_t src = tm_store_rowid_of(st, S_SOURCE_ID, c->v[i].source);
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
	int exists = tm_store_get_source(st, src->id, &old, NULL) == TM_OK;
	if (exists) {
		int same = source_equal(&old, src);
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

static tm_rc load_entity_parts(tm_store *st, int64_t row, tm_entity *e, tm_err *err)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_NAMES_GET);
	sqlite3_bind_int64(s, 1, row);
	while (sqlite3_step(s) == SQLITE_ROW)
		tm_entity_add_name(e, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
				   sqlite3_column_int(s, 2));
	sqlite3_reset(s);
	s = tm_store_stmt(st, S_TAGS_GET);
	sqlite3_bind_int64(s, 1, row);
	while (sqlite3_step(s) == SQLITE_ROW)
		tm_strv_push(&e->tags, (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	s = tm_store_stmt(st, S_IDENTS_GET);
	sqlite3_bind_int64(s, 1, row);
	while (sqlite3_step(s) == SQLITE_ROW)
		tm_entity_add_ident(e, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1));
	sqlite3_reset(s);
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
		    (rc = del_by_entity(st, S_TAGS_DEL, row, err)) || (rc = del_by_entity(st, S_IDENTS_DEL, row, err)))
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
	int64_t row = tm_store_rowid_of(st, S_ENTITY_ID, ent->id);
	tm_rc rc;
	char added[TM_DATE_MAX], changed[TM_DATE_MAX];
	if (key)
		*key = row;
	if (row) {
		if (tm_store_get_entity(st, ent->id, &old, err))
			return err ? err->rc : TM_ERR_DB;
		int same = entity_equal(&old, ent);
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
	int64_t subj = tm_store_rowid_of(st, S_ENTITY_ID, key->subject);
	int64_t obj = tm_store_rowid_of(st, S_ENTITY_ID, key->object);
	int64_t row = 0;
	if (subj && obj) {
		sqlite3_stmt *s = tm_store_stmt(st, S_REL_FIND);
		sqlite3_bind_int64(s, 1, subj);
		tm_store_bind_text(s, 2, key->predicate);
		sqlite3_bind_int64(s, 3, obj);
		tm_store_bind_text(s, 4, key->start);
		tm_store_bind_text(s, 5, key->end);
		row = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		sqlite3_reset(s);
	}
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no relation '%s %s %s'", key->subject, key->predicate, key->object);
	return tm_store_get_relation(st, row, out, err);
}

tm_rc tm_store_put_relation(tm_store *st, const tm_relation *rel, tm_err *err)
{
	int64_t subj = tm_store_rowid_of(st, S_ENTITY_ID, rel->subject);
	int64_t obj = tm_store_rowid_of(st, S_ENTITY_ID, rel->object);
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
		int same = relation_equal(&old, rel);
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
			out = err && err->rc ? err->rc : TM_ERR_INTERNAL;
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

/* The row of the involvement with v's identity, 0 when none. */
static int64_t involvement_row_of(tm_store *st, int64_t entity, const tm_involvement *v)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_INV_FIND);
	sqlite3_bind_int64(s, 1, entity);
	tm_store_bind_text(s, 2, v->category);
	tm_store_bind_text(s, 3, v->start);
	tm_store_bind_text(s, 4, v->end);
	int64_t row = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_reset(s);
	return row;
}

tm_rc tm_store_find_involvement(tm_store *st, const tm_involvement *key, tm_involvement *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	int64_t entity = tm_store_rowid_of(st, S_ENTITY_ID, key->entity);
	int64_t row = entity ? involvement_row_of(st, entity, key) : 0;
	if (!row)
		return tm_fail(err, TM_ERR_NOTFOUND, "no involvement '%s %s'", key->entity, key->category);
	return tm_store_get_involvement(st, row, out, err);
}

tm_rc tm_store_put_involvement(tm_store *st, const tm_involvement *v, tm_err *err)
{
	int64_t entity = tm_store_rowid_of(st, S_ENTITY_ID, v->entity);
	if (!entity)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", v->entity);
	int64_t row = involvement_row_of(st, entity, v);
	char added[TM_DATE_MAX], changed[TM_DATE_MAX];
	sqlite3_stmt *s;
	tm_rc rc;
	if (row) {
		tm_involvement old;
		if ((rc = tm_store_get_involvement(st, row, &old, err)))
			return rc;
		int same = involvement_equal(&old, v);
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
	if (tm_store_get_page(st, p->id, &old, NULL) == TM_OK) {
		int same = tm_streq(old.title_en, p->title_en) && tm_streq(old.title_zh, p->title_zh) &&
			   tm_streq(old.body_en, p->body_en) && tm_streq(old.body_zh, p->body_zh);
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
	*out = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return TM_OK;
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

/* ---- counts and checks ---- */

static int64_t count_of(tm_store *st, const char *sql)
{
	sqlite3_stmt *s;
	int64_t n = -1;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

tm_rc tm_store_counts(tm_store *st, tm_counts *out, tm_err *err)
{
	out->sources = count_of(st, "SELECT count(*) FROM sources");
	out->entities = count_of(st, "SELECT count(*) FROM entities");
	out->relations = count_of(st, "SELECT count(*) FROM relations");
	out->names = count_of(st, "SELECT count(*) FROM names");
	out->citations = count_of(st, "SELECT count(*) FROM citations");
	out->involvements = count_of(st, "SELECT count(*) FROM involvements");
	if (out->sources < 0 || out->entities < 0 || out->relations < 0)
		return tm_store_db_fail(st, err, "counting");
	return TM_OK;
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

/* ---- search ---- */

void tm_hits_release(tm_hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].id);
		free(h->v[i].kind);
		free(h->v[i].name);
		free(h->v[i].matched);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* Candidates while searching: entity row → best score and the name row behind it. */
struct cand {
	int64_t entity, name;
	double score;
};
struct cands {
	struct cand *v;
	size_t n, cap;
};

static void cand_add(struct cands *c, int64_t entity, int64_t name, double score)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].entity == entity) {
			if (score > c->v[i].score) {
				c->v[i].score = score;
				c->v[i].name = name;
			}
			return;
		}
	}
	TM_GROW(c->v, c->cap, c->n + 1);
	c->v[c->n++] = (struct cand){ entity, name, score };
}

static tm_rc search_exact(tm_store *st, const char *key, double score, struct cands *c, tm_err *err)
{
	if (!key || !*key)
		return TM_OK;
	sqlite3_stmt *s = tm_store_stmt(st, S_KEY_EXACT);
	tm_store_bind_text(s, 1, key);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cand_add(c, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), score);
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "searching");
}

static tm_rc search_prefix(tm_store *st, const char *key, struct cands *c, tm_err *err)
{
	size_t n = key ? strlen(key) : 0;
	if (n < 2)
		return TM_OK;
	tm_buf hi = TM_BUF_INIT;
	tm_buf_adds(&hi, key);
	tm_buf_adds(&hi, "\xf4\x8f\xbf\xbf"); /* U+10FFFF sorts after every continuation */
	sqlite3_stmt *s = tm_store_stmt(st, S_KEY_PREFIX);
	tm_store_bind_text(s, 1, key);
	sqlite3_bind_text(s, 2, hi.buf, (int)hi.len, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		double len = (double)sqlite3_column_int(s, 2);
		/* a prefix covering more of the name ranks higher, below any exact match */
		cand_add(c, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), 0.5 + 0.4 * (double)n / len);
	}
	sqlite3_reset(s);
	tm_buf_release(&hi);
	return rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "searching");
}

/* n bytes of w inside an FTS5 string: quotes doubled. */
static void add_escaped(tm_buf *q, const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (w[i] == '"')
			tm_buf_addch(q, '"');
		tm_buf_addch(q, w[i]);
	}
}

static void add_quoted(tm_buf *q, const char *w, size_t n)
{
	tm_buf_addch(q, '"');
	add_escaped(q, w, n);
	tm_buf_addch(q, '"');
}

/* At most this many words stand for a word being typed; a start shared by
 * more ("li") is left to FTS5's own prefix query. */
#define EXPAND_MAX 64

/* The words of the index that start with w (n bytes), as an FTS5 OR of
 * whole words, into q.  *found: 1 done, 0 too many words (q unchanged),
 * -1 no word starts so (q unchanged: nothing can match). */
static tm_rc expand_word(tm_store *st, tm_buf *q, const char *w, size_t n, int *found, tm_err *err)
{
	tm_buf hi = TM_BUF_INIT, or = TM_BUF_INIT;
	tm_buf_add(&hi, w, n);
	tm_buf_adds(&hi, "\xf4\x8f\xbf\xbf"); /* U+10FFFF sorts after every continuation */
	sqlite3_stmt *s = tm_store_stmt(st, S_WORDS_FROM);
	sqlite3_bind_text(s, 1, w, (int)n, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, hi.buf, (int)hi.len, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, EXPAND_MAX + 1);
	int rc, words = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && ++words <= EXPAND_MAX) {
		tm_buf_adds(&or, words > 1 ? " OR " : "(");
		add_quoted(&or, (const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
	}
	tm_rc r = rc == SQLITE_DONE || rc == SQLITE_ROW ? TM_OK : tm_store_db_fail(st, err, "searching");
	sqlite3_reset(s);
	*found = words > EXPAND_MAX ? 0 : words ? 1 : -1;
	if (*found == 1) {
		tm_buf_add(q, or.buf, or.len);
		tm_buf_addch(q, ')');
	}
	tm_buf_release(&hi);
	tm_buf_release(&or);
	return r;
}

static int is_ascii_word(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9')))
			return 0;
	return n > 0;
}

/* Code points in the n bytes at s. */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/*
 * The FTS5 query for a name's words: text is its pairs key when it has Han
 * characters, else its tokens (text.h).  All words are required:
 *   - a run of Han characters is one phrase: of its pairs over the pairs
 *     column, or, a run of one character, that character over tokens;
 *   - a Latin word is a whole word over tokens, except the last, which may
 *     be still being typed (unless it is one letter): the words of the index
 *     that start with it (name_words), or FTS5's prefix query when too many
 *     do.  FTS5 merges the doclists of every word a prefix matches before
 *     it reads any, so "technology"* read a quarter of the index where
 *     "technology" is only skipped through beside a rarer word.
 * Empty q when there is nothing to search for or nothing can match.
 */
static tm_rc fts_query(tm_store *st, tm_buf *q, const char *text, tm_err *err)
{
	const char *p = text;
	int first = 1, in_pairs = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t n = (size_t)(p - w);
		while (*p == ' ')
			p++;
		tm_buf word = TM_BUF_INIT;
		tm_buf_add(&word, w, n);
		int han = tm_text_has_han(word.buf), pair = han && utf8_chars(w, n) > 1;
		tm_buf_release(&word);
		if (pair && in_pairs) {
			/* the run goes on: into the phrase, before its closing quote */
			q->buf[--q->len] = '\0';
			tm_buf_addch(q, ' ');
			add_escaped(q, w, n);
			tm_buf_addch(q, '"');
			continue;
		}
		if (!first)
			tm_buf_adds(q, " AND ");
		first = 0;
		in_pairs = pair;
		if (han || *p || n < 2 || !is_ascii_word(w, n)) {
			tm_buf_adds(q, pair ? "{pairs} : " : "{tokens} : ");
			add_quoted(q, w, n);
			if (!han && !*p && n > 1)
				tm_buf_addch(q, '*');
			continue;
		}
		int found;
		tm_buf_adds(q, "{tokens} : ");
		tm_rc rc = expand_word(st, q, w, n, &found, err);
		if (rc || found < 0) {
			tm_buf_reset(q);
			return rc;
		}
		if (!found) {
			add_quoted(q, w, n);
			tm_buf_addch(q, '*');
		}
	}
	return TM_OK;
}

/* The pinyin of a query that has Han characters, as one phrase of whole
 * syllables: the syllables came from characters, so they are complete and in
 * order (as prefixes joined by AND they matched most of the index, slowly). */
static void fts_pinyin_query(tm_buf *q, const char *pinyin)
{
	tm_buf_adds(q, "{pinyin} : \"");
	for (const char *p = pinyin; *p; p++) {
		if (*p == '"')
			tm_buf_addch(q, '"');
		tm_buf_addch(q, *p);
	}
	tm_buf_addch(q, '"');
	if (!*pinyin)
		tm_buf_reset(q);
}

/* Names matching an FTS5 query, pinyin: the column to search; else text is
 * the name's words (see fts_query()). */
static tm_rc search_fts(tm_store *st, int pinyin, const char *text, double score, struct cands *c, tm_err *err)
{
	tm_buf q = TM_BUF_INIT;
	tm_rc rc = TM_OK;
	if (pinyin)
		fts_pinyin_query(&q, text);
	else
		rc = fts_query(st, &q, text, err);
	if (rc || !q.len) {
		tm_buf_release(&q);
		return rc;
	}
	sqlite3_stmt *s = tm_store_stmt(st, S_FTS_MATCH);
	sqlite3_bind_text(s, 1, q.buf, (int)q.len, SQLITE_STATIC);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		/* the FTS hit is a name row; its entity is found through names */
		int64_t name = sqlite3_column_int64(s, 0);
		sqlite3_stmt *ne = tm_store_stmt(st, S_NAME_ENTITY);
		sqlite3_bind_int64(ne, 1, name);
		if (sqlite3_step(ne) == SQLITE_ROW)
			cand_add(c, sqlite3_column_int64(ne, 0), name, score);
		sqlite3_reset(ne);
	}
	/* a query FTS5 cannot parse is no match, not a failure */
	if (step != SQLITE_DONE && sqlite3_errcode(st->db) != SQLITE_ERROR)
		rc = tm_store_db_fail(st, err, "searching");
	sqlite3_reset(s);
	tm_buf_release(&q);
	return rc;
}

/* About how many Han characters s has: the three-byte UTF-8 sequences led
 * by 0xE3..0xE9 (U+3000..U+9FFF, the CJK blocks; punctuation is gone from a
 * normalized key). */
static size_t han_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += *p >= 0xE3 && *p <= 0xE9;
	return n;
}

/* Candidates by score, best first; then by entity row, for a stable cut. */
static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->entity < b->entity ? -1 : a->entity > b->entity;
}

static int hit_cmp(const void *pa, const void *pb)
{
	const tm_hit *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	size_t la = strlen(a->name), lb = strlen(b->name);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a->id, b->id);
}

static char *name_text(tm_store *st, int64_t name_row)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_NAME_TEXT);
	sqlite3_bind_int64(s, 1, name_row);
	char *out = sqlite3_step(s) == SQLITE_ROW ? tm_store_col_dup(s, 0) : NULL;
	sqlite3_reset(s);
	return out;
}

static tm_rc search(tm_store *st, const char *query, size_t limit, tm_hits *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_name_keys k;
	tm_rc rc = tm_text_name_keys(query, strlen(query), &k, err);
	if (rc)
		return rc;
	struct cands c = { 0 };
	char *cb = tm_text_compact(k.bare), *cn = tm_text_compact(k.norm), *cp = tm_text_compact(k.pinyin);
	int64_t by_id = tm_store_rowid_of(st, S_ENTITY_ID, query);
	if (by_id)
		cand_add(&c, by_id, 0, 1.0);
	{
		sqlite3_stmt *s = tm_store_stmt(st, S_IDENT_FIND);
		tm_store_bind_text(s, 1, query);
		while (sqlite3_step(s) == SQLITE_ROW)
			cand_add(&c, sqlite3_column_int64(s, 0), 0, 1.0);
		sqlite3_reset(s);
	}
	if (!rc) rc = search_exact(st, k.norm, 1.0, &c, err);
	if (!rc) rc = search_exact(st, k.bare, 0.98, &c, err);
	if (!rc) rc = search_exact(st, cn, 0.96, &c, err);
	if (!rc) rc = search_exact(st, cb, 0.96, &c, err);
	if (!rc) rc = search_exact(st, k.pinyin, 0.95, &c, err);
	if (!rc) rc = search_exact(st, cp, 0.95, &c, err);
	if (!rc) rc = search_prefix(st, k.bare, &c, err);
	if (!rc && strcmp(cb, k.bare) != 0) rc = search_prefix(st, cb, &c, err);
	if (!rc && strcmp(cp, cb) != 0) rc = search_prefix(st, cp, &c, err);
	if (!rc) rc = search_fts(st, 0, *k.pairs ? k.pairs : k.tokens, 0.6, &c, err);
	/* pinyin finds names that sound like a short Han query (华为, 华维); for a
	 * long one (a full name) sound-alikes are noise, and the phrase of common
	 * syllables (ke ji, xin xi) cost as much as the rest of the search */
	if (!rc && strcmp(k.pinyin, k.bare) != 0 && han_chars(k.bare) < 4)
		rc = search_fts(st, 1, k.pinyin, 0.55, &c, err);
	free(cb);
	free(cn);
	free(cp);
	tm_name_keys_release(&k);
	/* Only candidates that can make the first `limit` are read back: those
	 * scoring above the limit-th best, and all that tie with it (the tie is
	 * broken by the display name).  A common word gathers hundreds of
	 * candidates, and reading each one cost more than finding them. */
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(c.v[0]), cand_cmp);
	size_t keep = c.n;
	if (limit && keep > limit) {
		keep = limit;
		while (keep < c.n && c.v[keep].score >= c.v[limit - 1].score - 1e-12)
			keep++;
	}
	int64_t *rows = tm_xcalloc(keep ? keep : 1, sizeof(*rows)); /* matched name row of each hit */
	for (size_t i = 0; !rc && i < keep; i++) {
		sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_SLUG);
		sqlite3_bind_int64(s, 1, c.v[i].entity);
		if (sqlite3_step(s) != SQLITE_ROW) {
			sqlite3_reset(s);
			continue;
		}
		tm_hit h = { tm_store_col_dup(s, 0), tm_store_col_dup(s, 1), NULL, NULL, c.v[i].score };
		sqlite3_reset(s);
		tm_entity e = { 0 };
		s = tm_store_stmt(st, S_NAMES_GET);
		sqlite3_bind_int64(s, 1, c.v[i].entity);
		while (sqlite3_step(s) == SQLITE_ROW)
			tm_entity_add_name(&e, (const char *)sqlite3_column_text(s, 0),
					   (const char *)sqlite3_column_text(s, 1), sqlite3_column_int(s, 2));
		sqlite3_reset(s);
		e.id = h.id;
		h.name = tm_xstrdup(tm_entity_display_name(&e, "en"));
		e.id = NULL;
		tm_entity_release(&e);
		TM_GROW(out->v, out->cap, out->n + 1);
		rows[out->n] = c.v[i].name;
		out->v[out->n++] = h;
	}
	free(c.v);
	/* while sorting, each hit points at its name row through `matched` */
	for (size_t i = 0; i < out->n; i++)
		out->v[i].matched = (char *)&rows[i];
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), hit_cmp);
	size_t n = out->n;
	if (out->n > limit)
		out->n = limit;
	for (size_t i = 0; i < n; i++) {
		tm_hit *h = &out->v[i];
		int64_t name_row = *(const int64_t *)h->matched;
		h->matched = NULL;
		if (i >= out->n) {
			free(h->id);
			free(h->kind);
			free(h->name);
			continue;
		}
		h->matched = name_row && !rc ? name_text(st, name_row) : NULL;
		if (!h->matched)
			h->matched = tm_xstrdup(h->name);
	}
	free(rows);
	if (rc) {
		tm_hits_release(out);
		return rc;
	}
	return TM_OK;
}

tm_rc tm_store_search(tm_store *st, const char *query, size_t limit, tm_hits *out, tm_err *err)
{
	/* one read transaction for the dozens of look-ups, when the caller has
	 * none open: SQLite then takes its file lock once rather than once a
	 * statement, which cost as much as the look-ups themselves */
	int own = sqlite3_get_autocommit(st->db) && sqlite3_exec(st->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	tm_rc rc = search(st, query, limit, out, err);
	if (own)
		sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
	return rc;
}

tm_rc tm_store_resolve(tm_store *st, const char *ref, char **id, tm_hits *candidates, tm_err *err)
{
	*id = NULL;
	if (candidates)
		memset(candidates, 0, sizeof(*candidates));
	if (tm_store_has_entity(st, ref)) {
		*id = tm_xstrdup(ref);
		return TM_OK;
	}
	tm_hits hits;
	tm_rc rc = tm_store_search(st, ref, 20, &hits, err);
	if (rc)
		return rc;
	if (hits.n == 0) {
		tm_hits_release(&hits);
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity matches '%s'", ref);
	}
	/* one clear best: an exact name, or the only candidate at all */
	size_t best = 1;
	while (best < hits.n && hits.v[best].score >= hits.v[0].score - 1e-9)
		best++;
	if (hits.n == 1 || (best == 1 && hits.v[0].score >= 0.95)) {
		*id = tm_xstrdup(hits.v[0].id);
		tm_hits_release(&hits);
		return TM_OK;
	}
	if (candidates)
		*candidates = hits;
	else
		tm_hits_release(&hits);
	return tm_fail(err, TM_ERR_AMBIGUOUS, "'%s' matches several entities", ref);
}
