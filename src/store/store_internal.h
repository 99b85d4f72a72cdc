/*
 * What the store's own files share (store_sqlite.c and any store_<topic>.c
 * that a feature adds).  Not for use outside src/store/.
 */
#ifndef TM_STORE_INTERNAL_H
#define TM_STORE_INTERNAL_H

#include <sqlite3.h>

#include "store/store.h"

enum tm_stmt_id {
	S_SOURCE_ID, S_SOURCE_GET, S_SOURCE_INS, S_SOURCE_UPD,
	S_ENTITY_ID, S_ENTITY_ROW, S_ENTITY_INS, S_ENTITY_UPD,
	S_NAMES_GET, S_NAME_INS, S_NAMEKEY_INS, S_FTS_INS,
	S_FTS_DEL, S_NAMEKEYS_DEL, S_NAMES_DEL,
	S_TAGS_GET, S_TAG_INS, S_TAGS_DEL,
	S_IDENTS_GET, S_IDENT_INS, S_IDENTS_DEL,
	S_CITES_GET, S_CITE_INS, S_CITES_DEL,
	S_REL_FIND, S_REL_GET, S_REL_INS, S_REL_UPD,
	S_WORD_INS, S_WORDS_FROM, S_NAME_ENTITY, S_NAME_TEXT,
	S_KEY_EXACT, S_KEY_PREFIX, S_IDENT_FIND, S_FTS_MATCH,
	S_ENTITY_SLUG, S_BUMP_VERSION, S_DATA_VERSION,
	S_COUNT
};

struct tm_store {
	sqlite3 *db;
	sqlite3_stmt *stmt[S_COUNT]; /* prepared once, see stmt_sql[] */
	double deadline; /* tm_now() value after which queries stop; 0 = none */
	int in_tx;
	int dirty;       /* something was written in this transaction */
	int64_t names_put; /* names indexed in this transaction */
};

/* Fail with SQLite's message (TM_ERR_LIMIT when the deadline interrupted). */
tm_rc tm_store_db_fail(tm_store *st, tm_err *err, const char *what);
/* A cached statement, reset and with its bindings cleared. */
sqlite3_stmt *tm_store_stmt(tm_store *st, enum tm_stmt_id id);
/* Bind a string, or NULL when v is NULL; v must outlive the step. */
void tm_store_bind_text(sqlite3_stmt *s, int i, const char *v);
char *tm_store_col_dup(sqlite3_stmt *s, int i); /* owned copy, NULL for NULL */
void tm_store_col_date(sqlite3_stmt *s, int i, char out[TM_DATE_MAX]);
tm_rc tm_store_exec(tm_store *st, const char *sql, tm_err *err);
/* Run sql (one optional text parameter) and hand each row to fn; fn returns
 * 0 to go on, > 0 to stop, < 0 to fail with err as fn set it. */
tm_rc tm_store_each_row(tm_store *st, const char *sql, const char *bind1, int (*fn)(void *ctx, sqlite3_stmt *s),
			void *ctx, tm_err *err);
/* Row id of a slug through a cached look-up statement (S_ENTITY_ID,
 * S_SOURCE_ID); 0 when absent. */
int64_t tm_store_rowid_of(tm_store *st, enum tm_stmt_id id, const char *slug);
/* Step a write statement to completion and reset it. */
tm_rc tm_store_step_done(tm_store *st, sqlite3_stmt *s, tm_err *err, const char *what);
/* The citations of claim (claim_kind: 0 entity, 1 relation, 2 action, 3 site),
 * appended to out. */
tm_rc tm_store_load_cites(tm_store *st, int kind, int64_t claim, tm_cites *out, tm_err *err);
/* Replace the citations of a claim; fresh: the claim was just inserted, so it
 * has none to delete. */
tm_rc tm_store_save_cites(tm_store *st, int kind, int64_t claim, const tm_cites *c, int fresh, tm_err *err);
/* Mark the open transaction as having written (bumps data_version at commit). */
#define TM_STORE_DIRTY(st) ((st)->dirty = 1)

#endif
