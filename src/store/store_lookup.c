/*
 * The look-ups of store.h on SQLite: exact and prefix ranges of the
 * name_keys B-tree, FTS5 queries over names_fts, the name_words list, the
 * identifiers value index, and rows by id.  Every one is bounded (a limit
 * on rows) and goes through an index, except tm_store_each_key(), the
 * brute-force reference.
 *
 * The statements are the store's cached ones (st->stmt[]); each function
 * resets what it used before it returns, on success and failure alike.
 * Nothing here ranks: search (src/search) and screening (src/match) do.
 */
#include "store/store.h"
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

/* U+10FFFF: appended to a prefix, it sorts after every key that starts so. */
#define TOP_CHAR "\xf4\x8f\xbf\xbf"

/* The end of a step loop: TM_OK when s ran to its end (or stopped, when
 * stopped), else the store's failure. */
static tm_rc step_end(tm_store *st, sqlite3_stmt *s, int step, int stopped, tm_err *err, const char *what)
{
	tm_rc rc = step == SQLITE_DONE || stopped ? TM_OK : tm_store_db_fail(st, err, what);
	sqlite3_reset(s);
	return rc;
}

static sqlite3_int64 limit_arg(size_t limit)
{
	return limit > INT64_MAX ? INT64_MAX : (sqlite3_int64)limit;
}

tm_rc tm_store_names_by_key(tm_store *st, const char *key, size_t limit, tm_name_fn fn, void *ctx, tm_err *err)
{
	if (!key || !*key || !limit)
		return TM_OK;
	sqlite3_stmt *s = tm_store_stmt(st, S_KEY_EXACT);
	tm_store_bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, limit_arg(limit));
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(s)) == SQLITE_ROW)
		stop = fn(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
	return step_end(st, s, step, stop, err, "looking up names");
}

tm_rc tm_store_names_by_prefix(tm_store *st, const char *prefix, int longer_only, size_t limit,
			       int (*fn)(void *ctx, tm_ekey entity, int64_t name, size_t key_len), void *ctx,
			       tm_err *err)
{
	size_t n = prefix ? strlen(prefix) : 0;
	if (n < 2 || !limit)
		return TM_OK;
	tm_buf hi = TM_BUF_INIT;
	tm_buf_add(&hi, prefix, n);
	tm_buf_adds(&hi, TOP_CHAR);
	sqlite3_stmt *s = tm_store_stmt(st, longer_only ? S_KEY_LONGER : S_KEY_PREFIX);
	tm_store_bind_text(s, 1, prefix);
	sqlite3_bind_text(s, 2, hi.buf, (int)hi.len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, limit_arg(limit));
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(s)) == SQLITE_ROW)
		stop = fn(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), (size_t)sqlite3_column_int64(s, 2));
	tm_rc rc = step_end(st, s, step, stop, err, "looking up names");
	tm_buf_release(&hi);
	return rc;
}

/* A phrase as an FTS5 string: in double quotes, a quote doubled. */
static void fts_phrase(tm_buf *q, const char *p)
{
	tm_buf_addch(q, '"');
	for (; *p; p++) {
		if (*p == '"')
			tm_buf_addch(q, '"');
		tm_buf_addch(q, *p);
	}
	tm_buf_addch(q, '"');
}

/* The FTS5 query of terms: "{tokens} : "a b"* AND {pairs} : ("x" OR "y")".
 * 0 when a term can match nothing. */
static int fts_query(tm_buf *q, const tm_words_term *terms, size_t n)
{
	static const char *const lists[] = { "tokens", "pinyin", "pairs" };
	for (size_t i = 0; i < n; i++) {
		const tm_words_term *t = &terms[i];
		if (!t->n || !(t->lists & (TM_WORDS_TOKENS | TM_WORDS_PINYIN | TM_WORDS_PAIRS)))
			return 0;
		tm_buf_adds(q, i ? " AND {" : "{");
		int first = 1;
		for (size_t l = 0; l < 3; l++) {
			if (t->lists & (1 << l)) {
				tm_buf_adds(q, first ? "" : " ");
				tm_buf_adds(q, lists[l]);
				first = 0;
			}
		}
		tm_buf_adds(q, "} : ");
		if (t->n == 1) {
			fts_phrase(q, t->phrases[0]);
			if (t->prefix)
				tm_buf_addch(q, '*');
			continue;
		}
		tm_buf_addch(q, '(');
		for (size_t k = 0; k < t->n; k++) {
			if (k)
				tm_buf_adds(q, " OR ");
			fts_phrase(q, t->phrases[k]);
		}
		tm_buf_addch(q, ')');
	}
	return n > 0;
}

tm_rc tm_store_names_by_words(tm_store *st, const tm_words_term *terms, size_t n, size_t limit, tm_name_fn fn,
			      void *ctx, tm_err *err)
{
	tm_buf q = TM_BUF_INIT;
	if (!limit || !fts_query(&q, terms, n)) {
		tm_buf_release(&q);
		return TM_OK;
	}
	sqlite3_stmt *s = tm_store_stmt(st, S_FTS_MATCH);
	sqlite3_bind_text(s, 1, q.buf, (int)q.len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, limit_arg(limit));
	tm_rc rc = TM_OK;
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(s)) == SQLITE_ROW) {
		/* the FTS hit is a name row; its entity is found through names */
		int64_t name = sqlite3_column_int64(s, 0);
		sqlite3_stmt *ne = tm_store_stmt(st, S_NAME_ENTITY);
		sqlite3_bind_int64(ne, 1, name);
		int found = sqlite3_step(ne);
		int64_t entity = found == SQLITE_ROW ? sqlite3_column_int64(ne, 0) : 0;
		if (found != SQLITE_ROW && found != SQLITE_DONE)
			rc = tm_store_db_fail(st, err, "looking up names");
		sqlite3_reset(ne);
		if (rc)
			break;
		if (entity)
			stop = fn(ctx, entity, name);
	}
	if (!rc && !stop && step != SQLITE_DONE) {
		/* a query FTS5 cannot parse is no match, not a failure: phrases are
		 * quoted, but a phrase of no word at all ("*", "-") is refused */
		const char *msg = sqlite3_errmsg(st->db);
		if (sqlite3_errcode(st->db) != SQLITE_ERROR || strncmp(msg, "fts5:", 5) != 0)
			rc = tm_store_db_fail(st, err, "looking up words");
	}
	sqlite3_reset(s);
	tm_buf_release(&q);
	return rc;
}

tm_rc tm_store_words_from(tm_store *st, const char *start, size_t n, size_t limit,
			  int (*fn)(void *ctx, const char *word, size_t len), void *ctx, tm_err *err)
{
	if (!limit)
		return TM_OK;
	tm_buf hi = TM_BUF_INIT;
	tm_buf_add(&hi, start, n);
	tm_buf_adds(&hi, TOP_CHAR);
	sqlite3_stmt *s = tm_store_stmt(st, S_WORDS_FROM);
	sqlite3_bind_text(s, 1, start, (int)n, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, hi.buf, (int)hi.len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, limit_arg(limit));
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(s)) == SQLITE_ROW)
		stop = fn(ctx, (const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0));
	tm_rc rc = step_end(st, s, step, stop, err, "looking up words");
	tm_buf_release(&hi);
	return rc;
}

tm_rc tm_store_names_by_ident(tm_store *st, const char *value, const char *scheme, size_t limit,
			      int (*fn)(void *ctx, tm_ekey entity, const char *scheme), void *ctx, tm_err *err)
{
	if (!value || !*value || !limit)
		return TM_OK;
	sqlite3_stmt *s = tm_store_stmt(st, scheme ? S_IDENT_SCHEME : S_IDENT_FIND);
	tm_store_bind_text(s, 1, value);
	if (scheme)
		tm_store_bind_text(s, 2, scheme);
	sqlite3_bind_int64(s, scheme ? 3 : 2, limit_arg(limit));
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(s)) == SQLITE_ROW)
		stop = fn(ctx, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1));
	return step_end(st, s, step, stop, err, "looking up identifiers");
}

tm_rc tm_store_entity_keys(tm_store *st, tm_ekey entity, int (*fn)(void *ctx, int64_t name, const char *key),
			   void *ctx, tm_err *err)
{
	sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_KEYS);
	sqlite3_bind_int64(s, 1, entity);
	int step, stop = 0;
	while (!stop && (step = sqlite3_step(s)) == SQLITE_ROW)
		stop = fn(ctx, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1));
	return step_end(st, s, step, stop, err, "reading name keys");
}

tm_rc tm_store_name_text(tm_store *st, int64_t name, char **text, char **lang, tm_err *err)
{
	*text = *lang = NULL;
	sqlite3_stmt *s = tm_store_stmt(st, S_NAME_TEXT);
	sqlite3_bind_int64(s, 1, name);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		*text = tm_store_col_dup(s, 0);
		*lang = tm_store_col_dup(s, 1);
	}
	tm_rc rc = step == SQLITE_ROW ? TM_OK :
		   step == SQLITE_DONE ? tm_fail(err, TM_ERR_NOTFOUND, "no name row %lld", (long long)name) :
					 tm_store_db_fail(st, err, "reading name");
	sqlite3_reset(s);
	return rc;
}

tm_rc tm_store_entity_names(tm_store *st, tm_ekey key, tm_entity *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_SLUG);
	sqlite3_bind_int64(s, 1, key);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		out->id = tm_store_col_dup(s, 0);
		out->kind = tm_store_col_dup(s, 1);
	}
	tm_rc rc = step == SQLITE_ROW ? TM_OK :
		   step == SQLITE_DONE ? tm_fail(err, TM_ERR_NOTFOUND, "no entity with key %lld", (long long)key) :
					 tm_store_db_fail(st, err, "reading entity");
	sqlite3_reset(s);
	if (rc)
		return rc;
	s = tm_store_stmt(st, S_NAMES_GET);
	sqlite3_bind_int64(s, 1, key);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		tm_entity_add_name(out, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
				   sqlite3_column_int(s, 2));
	if ((rc = step_end(st, s, step, 0, err, "reading names")))
		tm_entity_release(out);
	return rc;
}

void tm_store_brief_release(tm_store_brief *b)
{
	free(b->id);
	free(b->kind);
	free(b->country);
	free(b->desc_en);
	free(b->desc_zh);
	memset(b, 0, sizeof(*b));
}

tm_rc tm_store_entity_brief(tm_store *st, tm_ekey key, tm_store_brief *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_BRIEF);
	sqlite3_bind_int64(s, 1, key);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		out->id = tm_store_col_dup(s, 0);
		out->kind = tm_store_col_dup(s, 1);
		out->country = tm_store_col_dup(s, 2);
		out->desc_en = tm_store_col_dup(s, 3);
		out->desc_zh = tm_store_col_dup(s, 4);
	}
	tm_rc rc = step == SQLITE_ROW ? TM_OK :
		   step == SQLITE_DONE ? tm_fail(err, TM_ERR_NOTFOUND, "no entity with key %lld", (long long)key) :
					 tm_store_db_fail(st, err, "reading entity");
	sqlite3_reset(s);
	return rc;
}

struct each_word_ctx {
	int (*fn)(void *ctx, const char *word, int64_t names);
	void *ctx;
};

static int each_word_row(void *p, sqlite3_stmt *s)
{
	struct each_word_ctx *c = p;
	return c->fn(c->ctx, (const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1));
}

tm_rc tm_store_each_word(tm_store *st, int (*fn)(void *ctx, const char *word, int64_t names), void *ctx,
			 tm_err *err)
{
	/* a temporary table: it works on a read-only database and leaves no trace */
	tm_rc rc = tm_store_exec(st,
				 "CREATE VIRTUAL TABLE IF NOT EXISTS temp.tm_names_vocab USING fts5vocab(main, names_fts, 'row')",
				 err);
	if (rc)
		return rc;
	struct each_word_ctx c = { fn, ctx };
	/* only words of ASCII letters and digits: a Chinese character is a word
	 * of the index too, and counting the names of 公, 司 … is most of
	 * the time a scan of everything takes */
	return tm_store_each_row(st, "SELECT term, doc FROM temp.tm_names_vocab WHERE term >= '0' AND term < '{'", NULL,
				 each_word_row, &c, err);
}

struct each_key_ctx {
	int (*fn)(void *ctx, tm_ekey entity, int64_t name, const char *key);
	void *ctx;
};

static int each_key_row(void *p, sqlite3_stmt *s)
{
	struct each_key_ctx *c = p;
	return c->fn(c->ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), (const char *)sqlite3_column_text(s, 2));
}

tm_rc tm_store_each_key(tm_store *st, int (*fn)(void *ctx, tm_ekey entity, int64_t name, const char *key),
			void *ctx, tm_err *err)
{
	struct each_key_ctx c = { fn, ctx };
	return tm_store_each_row(st, "SELECT entity,name,key FROM name_keys INDEXED BY name_keys_entity ORDER BY entity",
				 NULL, each_key_row, &c, err);
}

tm_rc tm_store_read_begin(tm_store *st, int flags, int *began, tm_err *err)
{
	*began = 0;
	if (!sqlite3_get_autocommit(st->db))
		return TM_OK;
	/* pages by memory map: screening reads the same index pages over and
	 * over, and a copy out of the page cache each time costs more than
	 * the look-up (a no-op where mmap is unavailable) */
	tm_rc rc = flags & TM_READ_MANY ? tm_store_exec(st, "PRAGMA mmap_size=4294967296", err) : TM_OK;
	/* a deferred BEGIN takes its snapshot at the first read: for now, read */
	if (!rc)
		rc = tm_store_exec(st, flags & TM_READ_NOW ? "BEGIN DEFERRED; SELECT count(*) FROM meta" : "BEGIN DEFERRED",
				   err);
	if (!rc)
		*began = 1;
	return rc;
}

void tm_store_read_end(tm_store *st, int began)
{
	if (!began)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_reset(st->stmt[i]);
	sqlite3_exec(st->db, "COMMIT", NULL, NULL, NULL);
}
