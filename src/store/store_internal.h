/*
 * What the store's own files share (store_sqlite.c and any store_<topic>.c
 * that a feature adds).  Not for use outside src/store/.
 */
#ifndef TM_STORE_INTERNAL_H
#define TM_STORE_INTERNAL_H

#include <sqlite3.h>
#include <time.h>

#include "store/store.h"

enum tm_stmt_id {
	S_SOURCE_ID, S_SOURCE_GET, S_SOURCE_INS, S_SOURCE_UPD,
	S_ENTITY_ID, S_ENTITY_ROW, S_ENTITY_INS, S_ENTITY_UPD,
	S_NAMES_GET, S_NAME_INS, S_NAMEKEY_INS, S_FTS_INS,
	S_FTS_DEL, S_NAMEKEYS_DEL, S_NAMES_DEL,
	S_TAGS_GET, S_TAG_INS, S_TAGS_DEL,
	S_REFS_GET, S_REF_INS, S_REFS_DEL, S_REF_OF,
	S_IDENTS_GET, S_IDENT_INS, S_IDENTS_DEL,
	S_CITES_GET, S_CITE_INS, S_CITES_DEL,
	S_REL_FIND, S_REL_GET, S_REL_INS, S_REL_UPD,
	S_WORD_INS, S_WORDS_FROM, S_NAME_ENTITY, S_NAME_TEXT,
	S_KEY_EXACT, S_KEY_PREFIX, S_KEY_LONGER, S_IDENT_FIND, S_IDENT_SCHEME, S_FTS_MATCH,
	S_ENTITY_KEYS, S_ENTITY_BRIEF,
	S_ENTITY_SLUG, S_BUMP_VERSION, S_DATA_VERSION,
	S_ENTITY_DATES, S_REL_DATES,
	S_INV_FIND, S_INV_GET, S_INV_INS, S_INV_UPD, S_INV_DATES,
	S_COUNT
};

/* Strings that live until the arena is released (store_bulk.c). */
typedef struct tm_arena {
	char **chunks; /* each malloc'd */
	size_t n, cap;
	char *at;      /* free space in the last chunk */
	size_t left;   /* bytes free at `at` */
} tm_arena;

/* slug → row id, open addressing (store_bulk.c). */
typedef struct tm_rowslot {
	const char *slug; /* in the map's arena; NULL for an empty slot */
	uint64_t hash;
	int64_t row;
} tm_rowslot;
typedef struct tm_rowmap {
	tm_rowslot *slot;
	size_t mask, n; /* slots - 1; slots used */
	tm_arena arena;
} tm_rowmap;
/* 0 when slug is not in m. */
int64_t tm_rowmap_get(const tm_rowmap *m, const char *slug);
void tm_rowmap_put(tm_rowmap *m, const char *slug, int64_t row);
void tm_rowmap_release(tm_rowmap *m);

struct tm_bulk; /* store_bulk.c */

struct tm_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT]; /* prepared once, see stmt_sql[] */
	double deadline; /* tm_now() value after which queries stop; 0 = none */
	tm_err failed;   /* the first failure since tm_store_error_clear() (store.h) */
	int expired;     /* the test hook of tm_store_set_deadline() is on: */
	int64_t expire_after, expire_steps; /* the deadline passes after that many steps */
	int expire_once;                    /* only the statement at that step fails */
	int in_tx;
	int dirty;       /* something was written in this transaction */
	int64_t names_put; /* names indexed in this transaction */
	/* Row ids of the entities and sources looked up or written in this
	 * transaction: an import looks each entity up once per relation, and
	 * the index probes cost more than writing the relation.  Rows are
	 * never deleted and keep their ids, so within a transaction a row id
	 * once seen stays right; emptied at commit and rollback. */
	tm_rowmap entity_rows, source_rows;
	struct tm_bulk *bulk; /* work deferred to the commit of tm_store_begin_bulk(), or NULL */
	char today[11];       /* YYYY-MM-DD the transaction began: added and changed dates of claims */
	struct tm_touch *touches; /* tm_store_track_touches(): commits not yet taken */
	size_t n_touches, cap_touches;
	int tracking;
};

/* At commit, after data_version moved and before COMMIT: note the entity
 * keys this transaction touched (store_touch.c); after a COMMIT that
 * failed, forget them again. */
tm_rc tm_store_touch_commit(tm_store *st, tm_err *err);
void tm_store_touch_undo(tm_store *st);
void tm_store_touch_release(tm_store *st);

/* In a bulk transaction, before an entity or relation is written: drop what
 * is cheaper built at commit; names: the row has names (for FTS5). */
tm_rc tm_store_bulk_prepare(tm_store *st, int names, tm_err *err);
/* In a bulk transaction, keep a match key to write at commit and return 1;
 * otherwise return 0 (write it now). */
int tm_store_bulk_keep_keys(tm_store *st, int64_t entity, int64_t name, const char *key);
/* Before the parts of entity row `entity` are deleted to be replaced. */
tm_rc tm_store_bulk_replacing(tm_store *st, int64_t entity, tm_err *err);
/* 1 when the rows of S_ENTITY_ID's or S_SOURCE_ID's table are all in
 * st->entity_rows or st->source_rows: a bulk transaction began on an empty
 * table, and every row since was written through the store. */
int tm_store_bulk_rows_all_seen(const tm_store *st, enum tm_stmt_id id);
/* Before COMMIT: write what was deferred. */
tm_rc tm_store_bulk_finish(tm_store *st, tm_err *err);
/* After COMMIT or ROLLBACK: forget the bulk state. */
void tm_store_bulk_end(tm_store *st);
/* The k-th distinct match key of name i (k < ix->v[i].n_keys). */
const char *tm_name_index_key(const tm_name_index *ix, size_t name, int k);

/* Open st->db at path (store_file.c): recovered from an interrupted write,
 * in WAL mode when writable.  On failure st->db is NULL. */
tm_rc tm_store_file_open(tm_store *st, const char *path, int flags, tm_err *err);
/* After a rollback: play back what a failed write left and give back the
 * space of the log. */
void tm_store_file_settle(tm_store *st);
/* The one place a file beside the database gets its name: "DB.name"
 * (owned by the caller); NULL for a database in memory.  The caches
 * (tm_store_cache()) and the archive's folder are named here. */
char *tm_store_beside(tm_store *st, const char *name);

/* Fail with SQLite's message (TM_ERR_LIMIT when the deadline interrupted),
 * and keep the failure in st->failed.  Every failure of the store goes
 * through here or tm_store_exec(); an absence (TM_ERR_NOTFOUND) does not. */
tm_rc tm_store_db_fail(tm_store *st, tm_err *err, const char *what);
/* A cached statement, reset and with its bindings cleared. */
sqlite3_stmt *tm_store_stmt(tm_store *st, enum tm_stmt_id id);
/* Bind a string, or NULL when v is NULL; v must outlive the step. */
void tm_store_bind_text(sqlite3_stmt *s, int i, const char *v);
char *tm_store_col_dup(sqlite3_stmt *s, int i); /* owned copy, NULL for NULL */
void tm_store_col_date(sqlite3_stmt *s, int i, char out[TM_DATE_MAX]);
tm_rc tm_store_exec(tm_store *st, const char *sql, tm_err *err);
/* A statement prepared for one use (the caller finalizes it), for the
 * store_<topic>.c files that keep their SQL to themselves; NULL with err
 * set when SQLite refuses it. */
sqlite3_stmt *tm_store_prep(tm_store *st, const char *sql, tm_err *err);
/* The row id that sql ("SELECT id FROM actions WHERE slug=?") gives for
 * slug into *row: 0 when there is none (not an error). */
tm_rc tm_store_slug_row(tm_store *st, const char *sql, const char *slug, int64_t *row, tm_err *err);
/* Run sql (one optional text parameter) and hand each row to fn; fn returns
 * 0 to go on, > 0 to stop, < 0 to fail with err as fn set it. */
tm_rc tm_store_each_row(tm_store *st, const char *sql, const char *bind1, int (*fn)(void *ctx, sqlite3_stmt *s),
			void *ctx, tm_err *err);
/* Row id of a slug through a cached look-up statement (S_ENTITY_ID,
 * S_SOURCE_ID) into *row: 0 when absent (not an error). */
tm_rc tm_store_rowid_of(tm_store *st, enum tm_stmt_id id, const char *slug, int64_t *row, tm_err *err);
/* Step a write statement to completion and reset it. */
tm_rc tm_store_step_done(tm_store *st, sqlite3_stmt *s, tm_err *err, const char *what);
/* The citations of claim (claim_kind: 0 entity, 1 relation, 2 action, 3 site,
 * 4 involvement), appended to out. */
tm_rc tm_store_load_cites(tm_store *st, int kind, int64_t claim, tm_cites *out, tm_err *err);
/* Replace the citations of a claim; fresh: the claim was just inserted, so it
 * has none to delete. */
tm_rc tm_store_save_cites(tm_store *st, int kind, int64_t claim, const tm_cites *c, int fresh, tm_err *err);
/* Mark the open transaction as having written (bumps data_version at commit). */
#define TM_STORE_DIRTY(st) ((st)->dirty = 1)

#endif
