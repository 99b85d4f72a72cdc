/*
 * The look-ups of store_match.h.  Statements are prepared once per reader;
 * each function resets what it used before returning, so none stays busy.
 */
#include "store/store_match.h"
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

enum {
	C_EXACT, C_PREFIX, C_WORDS, C_IDENT, C_IDENT_SCHEME, C_KEYS, C_ENTITY, C_NAME, C_NAME_ENTITY,
	C_COUNT
};

static const char *const cand_sql[C_COUNT] = {
	[C_EXACT] = "SELECT entity,name FROM name_keys WHERE key=?1 LIMIT ?2",
	[C_PREFIX] = "SELECT entity,name FROM name_keys WHERE key>=?1 AND key<?2 LIMIT ?3",
	[C_WORDS] = "SELECT rowid FROM names_fts WHERE names_fts MATCH ?1 LIMIT ?2",
	[C_IDENT] = "SELECT entity,scheme FROM identifiers WHERE value=?1 COLLATE NOCASE LIMIT 20",
	[C_IDENT_SCHEME] = "SELECT entity,scheme FROM identifiers WHERE value=?1 COLLATE NOCASE AND scheme=?2 LIMIT 20",
	[C_KEYS] = "SELECT name,key FROM name_keys WHERE entity=?1",
	[C_ENTITY] = "SELECT slug,kind,country,desc_en,desc_zh FROM entities WHERE id=?1",
	[C_NAME] = "SELECT text,lang FROM names WHERE id=?1",
	[C_NAME_ENTITY] = "SELECT entity FROM names WHERE id=?1",
};

struct tm_store_cand {
	tm_store *st;
	int began; /* tm_store_cand_begin() opened a transaction */
	sqlite3_stmt *s[C_COUNT];
	tm_buf q; /* scratch for FTS queries and key ranges */
};

tm_rc tm_store_cand_open(tm_store *st, tm_store_cand **out, tm_err *err)
{
	tm_store_cand *sc = tm_xcalloc(1, sizeof(*sc));
	sc->st = st;
	tm_buf_init(&sc->q);
	for (int i = 0; i < C_COUNT; i++) {
		if (sqlite3_prepare_v3(st->db, cand_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &sc->s[i], NULL) != SQLITE_OK) {
			tm_rc rc = tm_store_db_fail(st, err, "preparing screening queries");
			tm_store_cand_free(sc);
			*out = NULL;
			return rc;
		}
	}
	*out = sc;
	return TM_OK;
}

tm_rc tm_store_cand_begin(tm_store_cand *sc, tm_err *err)
{
	if (sc->began || !sqlite3_get_autocommit(sc->st->db))
		return TM_OK;
	/* pages by memory map: screening reads the same index pages over and
	 * over, and a copy out of the page cache each time costs more than
	 * the look-up (a no-op where mmap is unavailable) */
	tm_rc rc = tm_store_exec(sc->st, "PRAGMA mmap_size=4294967296", err);
	if (!rc)
		rc = tm_store_exec(sc->st, "BEGIN DEFERRED", err);
	if (!rc)
		sc->began = 1;
	return rc;
}

void tm_store_cand_end(tm_store_cand *sc)
{
	if (!sc || !sc->began)
		return;
	for (int i = 0; i < C_COUNT; i++)
		sqlite3_reset(sc->s[i]);
	sqlite3_exec(sc->st->db, "COMMIT", NULL, NULL, NULL);
	sc->began = 0;
}

void tm_store_cand_free(tm_store_cand *sc)
{
	if (!sc)
		return;
	tm_store_cand_end(sc);
	for (int i = 0; i < C_COUNT; i++)
		sqlite3_finalize(sc->s[i]);
	tm_buf_release(&sc->q);
	free(sc);
}

static sqlite3_stmt *stmt(tm_store_cand *sc, int id)
{
	sqlite3_stmt *s = sc->s[id];
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

/* Step s, handing (entity, name) from columns 0 and 1 to fn. */
static tm_rc each_pair(tm_store_cand *sc, sqlite3_stmt *s, tm_cand_fn fn, void *ctx, tm_err *err)
{
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (fn(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(sc->st, err, "looking up names");
}

tm_rc tm_store_cand_exact(tm_store_cand *sc, const char *key, size_t limit, tm_cand_fn fn, void *ctx, tm_err *err)
{
	if (!key || !*key || !limit)
		return TM_OK;
	sqlite3_stmt *s = stmt(sc, C_EXACT);
	tm_store_bind_text(s, 1, key);
	sqlite3_bind_int64(s, 2, (int64_t)limit);
	return each_pair(sc, s, fn, ctx, err);
}

tm_rc tm_store_cand_prefix(tm_store_cand *sc, const char *prefix, size_t limit, tm_cand_fn fn, void *ctx,
			   tm_err *err)
{
	size_t n = prefix ? strlen(prefix) : 0;
	if (n < 2 || !limit)
		return TM_OK;
	tm_buf_reset(&sc->q);
	tm_buf_add(&sc->q, prefix, n);
	tm_buf_adds(&sc->q, "\xf4\x8f\xbf\xbf"); /* U+10FFFF sorts after any continuation */
	sqlite3_stmt *s = stmt(sc, C_PREFIX);
	tm_store_bind_text(s, 1, prefix);
	sqlite3_bind_text(s, 2, sc->q.buf, (int)sc->q.len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)limit);
	return each_pair(sc, s, fn, ctx, err);
}

tm_rc tm_store_cand_words(tm_store_cand *sc, const char *const *words, size_t n, size_t limit, tm_cand_fn fn,
			  void *ctx, tm_err *err)
{
	if (!n || !limit)
		return TM_OK;
	tm_buf *q = &sc->q;
	tm_buf_reset(q);
	tm_buf_adds(q, "{tokens pinyin} : (");
	for (size_t i = 0; i < n; i++) {
		if (i)
			tm_buf_adds(q, " AND ");
		tm_buf_addch(q, '"');
		for (const char *p = words[i]; *p; p++) {
			if (*p == '"')
				tm_buf_addch(q, '"');
			tm_buf_addch(q, *p);
		}
		tm_buf_addch(q, '"');
	}
	tm_buf_addch(q, ')');
	sqlite3_stmt *s = stmt(sc, C_WORDS);
	sqlite3_bind_text(s, 1, q->buf, (int)q->len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (int64_t)limit);
	/* collect the name rows first: the entity look-up is another statement */
	int64_t rows[256];
	size_t nrows = 0;
	int rc;
	while (nrows < sizeof(rows) / sizeof(rows[0]) && (rc = sqlite3_step(s)) == SQLITE_ROW)
		rows[nrows++] = sqlite3_column_int64(s, 0);
	if (nrows == sizeof(rows) / sizeof(rows[0]))
		rc = SQLITE_DONE;
	int code = sqlite3_errcode(sc->st->db);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		/* a query FTS5 cannot parse is no match, not a failure */
		if (code == SQLITE_ERROR)
			return TM_OK;
		return tm_store_db_fail(sc->st, err, "looking up words");
	}
	for (size_t i = 0; i < nrows; i++) {
		sqlite3_stmt *e = stmt(sc, C_NAME_ENTITY);
		sqlite3_bind_int64(e, 1, rows[i]);
		int stop = 0;
		if (sqlite3_step(e) == SQLITE_ROW)
			stop = fn(ctx, sqlite3_column_int64(e, 0), rows[i]);
		sqlite3_reset(e);
		if (stop)
			break;
	}
	return TM_OK;
}

tm_rc tm_store_cand_ident(tm_store_cand *sc, const char *value, const char *scheme,
			  int (*fn)(void *ctx, tm_ekey entity, const char *scheme), void *ctx, tm_err *err)
{
	if (!value || !*value)
		return TM_OK;
	sqlite3_stmt *s = stmt(sc, scheme ? C_IDENT_SCHEME : C_IDENT);
	tm_store_bind_text(s, 1, value);
	if (scheme)
		tm_store_bind_text(s, 2, scheme);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (fn(ctx, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(sc->st, err, "looking up identifiers");
}

tm_rc tm_store_cand_keys(tm_store_cand *sc, tm_ekey entity, int (*fn)(void *ctx, int64_t name, const char *key),
			 void *ctx, tm_err *err)
{
	sqlite3_stmt *s = stmt(sc, C_KEYS);
	sqlite3_bind_int64(s, 1, entity);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (fn(ctx, sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1))) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(sc->st, err, "reading name keys");
}

void tm_cand_entity_release(tm_cand_entity *e)
{
	free(e->id);
	free(e->kind);
	free(e->country);
	free(e->desc_en);
	free(e->desc_zh);
	memset(e, 0, sizeof(*e));
}

tm_rc tm_store_cand_entity(tm_store_cand *sc, tm_ekey entity, tm_cand_entity *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = stmt(sc, C_ENTITY);
	sqlite3_bind_int64(s, 1, entity);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->id = tm_store_col_dup(s, 0);
		out->kind = tm_store_col_dup(s, 1);
		out->country = tm_store_col_dup(s, 2);
		out->desc_en = tm_store_col_dup(s, 3);
		out->desc_zh = tm_store_col_dup(s, 4);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return TM_OK;
	if (rc == SQLITE_DONE)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity with key %lld", (long long)entity);
	return tm_store_db_fail(sc->st, err, "reading entity");
}

tm_rc tm_store_cand_name(tm_store_cand *sc, int64_t name, char **text, char **lang, tm_err *err)
{
	*text = *lang = NULL;
	sqlite3_stmt *s = stmt(sc, C_NAME);
	sqlite3_bind_int64(s, 1, name);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*text = tm_store_col_dup(s, 0);
		*lang = tm_store_col_dup(s, 1);
	}
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return TM_OK;
	if (rc == SQLITE_DONE)
		return tm_fail(err, TM_ERR_NOTFOUND, "no name row %lld", (long long)name);
	return tm_store_db_fail(sc->st, err, "reading name");
}

tm_rc tm_store_entity_names(tm_store *st, tm_ekey key, tm_entity *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_SLUG);
	sqlite3_bind_int64(s, 1, key);
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		out->id = tm_store_col_dup(s, 0);
		out->kind = tm_store_col_dup(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? tm_fail(err, TM_ERR_NOTFOUND, "no entity with key %lld", (long long)key)
					 : tm_store_db_fail(st, err, "reading entity");
	s = tm_store_stmt(st, S_NAMES_GET);
	sqlite3_bind_int64(s, 1, key);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		tm_entity_add_name(out, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
				   sqlite3_column_int(s, 2));
	sqlite3_reset(s);
	if (rc != SQLITE_DONE) {
		tm_entity_release(out);
		return tm_store_db_fail(st, err, "reading names");
	}
	return TM_OK;
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

tm_rc tm_store_cand_each_word(tm_store_cand *sc, int (*fn)(void *ctx, const char *word, int64_t names), void *ctx,
			      tm_err *err)
{
	/* a temporary table: it works on a read-only database and leaves no trace */
	tm_rc rc = tm_store_exec(sc->st,
				 "CREATE VIRTUAL TABLE IF NOT EXISTS temp.tm_names_vocab USING fts5vocab(main, names_fts, 'row')",
				 err);
	if (rc)
		return rc;
	struct each_word_ctx c = { fn, ctx };
	/* only words of ASCII letters and digits: a Chinese character is a word
	 * of the index too, and counting the names of 公, 司 … is most of
	 * the time a scan of everything takes */
	return tm_store_each_row(sc->st, "SELECT term, doc FROM temp.tm_names_vocab WHERE term >= '0' AND term < '{'", NULL,
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

tm_rc tm_store_cand_each_key(tm_store_cand *sc, int (*fn)(void *ctx, tm_ekey entity, int64_t name, const char *key),
			     void *ctx, tm_err *err)
{
	struct each_key_ctx c = { fn, ctx };
	return tm_store_each_row(sc->st, "SELECT entity,name,key FROM name_keys INDEXED BY name_keys_entity ORDER BY entity",
				 NULL, each_key_row, &c, err);
}
