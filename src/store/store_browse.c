/*
 * The lists of store_browse.h.  Each query is one WHERE clause made of the
 * filters present (their values bound, never pasted), so that a tag uses
 * its index and an absent filter costs nothing; a facet is the same clause
 * without its own filter, grouped by the facet's column.
 */
#include "store/store_browse.h"
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The WHERE clause of an entity filter, leaving out `skip` (a facet's own
 * filter); binds[] gets the values in the order of their ?s. */
static void entity_where(const tm_entity_filter *f, const char *skip, tm_buf *w, const char **binds, int *n)
{
	*n = 0;
	tm_buf_adds(w, "1");
	if (f->kind && !tm_streq(skip, "kind")) {
		tm_buf_adds(w, " AND e.kind=?");
		binds[(*n)++] = f->kind;
	}
	if (f->country && !tm_streq(skip, "country")) {
		tm_buf_adds(w, " AND e.country=?");
		binds[(*n)++] = f->country;
	}
	if (f->tag && !tm_streq(skip, "tag")) {
		tm_buf_adds(w, " AND e.id IN (SELECT entity FROM tags WHERE tag=?)");
		binds[(*n)++] = f->tag;
	}
	if (f->category && !tm_streq(skip, "category")) {
		tm_buf_adds(w, " AND e.id IN (SELECT entity FROM involvements WHERE category=?)");
		binds[(*n)++] = f->category;
	}
}

static tm_rc prepare(tm_store *st, const char *sql, const char **binds, int n, sqlite3_stmt **out, tm_err *err)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, out, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "preparing a list");
	for (int i = 0; i < n; i++)
		tm_store_bind_text(*out, i + 1, binds[i]);
	return TM_OK;
}

static tm_rc count(tm_store *st, const char *sql, const char **binds, int n, int64_t *total, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st, sql, binds, n, &s, err);
	if (rc)
		return rc;
	int r = sqlite3_step(s);
	if (r == SQLITE_ROW)
		*total = sqlite3_column_int64(s, 0);
	else
		rc = tm_store_db_fail(st, err, "counting");
	sqlite3_finalize(s);
	return rc;
}

/* The sort key of an entity's name: the name a page in lang shows first
 * (Chinese by its pinyin, so that 海康威视 sorts under h), lower case. */
static const char name_key_en[] =
	"(SELECT lower(n.text) FROM names n WHERE n.entity=e.id"
	" ORDER BY (n.lang='en' OR n.lang LIKE 'en-%') DESC, n.is_primary DESC, n.ord LIMIT 1)";
static const char name_key_zh[] =
	"coalesce((SELECT f.pinyin FROM names n JOIN names_fts f ON f.rowid=n.id WHERE n.entity=e.id"
	" AND (n.lang='zh' OR n.lang LIKE 'zh-%') ORDER BY n.lang='zh-Hans' DESC, n.is_primary DESC, n.ord LIMIT 1),"
	" (SELECT lower(n.text) FROM names n WHERE n.entity=e.id"
	" ORDER BY (n.lang='en' OR n.lang LIKE 'en-%') DESC, n.is_primary DESC, n.ord LIMIT 1))";
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char ties_sql[] = "((SELECT count(*) FROM relations r WHERE r.subject=e.id)"
			       " + (SELECT count(*) FROM relations r WHERE r.object=e.id))";

tm_rc tm_store_browse_entities(tm_store *st, const tm_entity_filter *f, tm_entity_sort sort, const char *lang,
			       size_t offset, size_t limit, int (*fn)(void *ctx, const tm_browse_row *row), void *ctx,
			       int64_t *total, tm_err *err)
{
	const char *binds[8];
	int n;
	tm_buf w = TM_BUF_INIT, sql = TM_BUF_INIT;
	entity_where(f, NULL, &w, binds, &n);
	tm_buf_addf(&sql, "SELECT count(*) FROM entities e WHERE %s", w.buf);
	tm_rc rc = count(st, sql.buf, binds, n, total, err);
	tm_buf_reset(&sql);
	const char *order = sort == TM_SORT_TIES ? "2 DESC, e.slug" :
			    sort == TM_SORT_CHANGED ? "e.updated_at DESC, e.slug" : "4, e.slug";
	/* the categories as one text: ids are lower-case words and underscores */
	tm_buf_addf(&sql,
		    "SELECT e.slug, %s, e.updated_at, %s, (SELECT group_concat(DISTINCT v.category) FROM involvements v"
		    " WHERE v.entity=e.id) FROM entities e WHERE %s ORDER BY %s LIMIT %zu OFFSET %zu",
		    ties_sql, sort == TM_SORT_NAME ? (lang && strncmp(lang, "zh", 2) == 0 ? name_key_zh : name_key_en) : "0",
		    w.buf, order, limit, offset);
	sqlite3_stmt *s = NULL;
	if (!rc)
		rc = prepare(st, sql.buf, binds, n, &s, err);
	/* the rows are collected first: the callback reads records, which runs
	 * other statements on the same connection */
	tm_strv ids = TM_STRV_INIT, changed = TM_STRV_INIT;
	int64_t *ties = NULL;
	tm_strv *cats = NULL;
	size_t cap = 0, cap_cats = 0;
	int r;
	while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
		TM_GROW(ties, cap, ids.n + 1);
		TM_GROW(cats, cap_cats, ids.n + 1);
		ties[ids.n] = sqlite3_column_int64(s, 1);
		cats[ids.n] = (tm_strv)TM_STRV_INIT;
		const char *cl = (const char *)sqlite3_column_text(s, 4);
		while (cl && *cl) {
			size_t len = strcspn(cl, ",");
			tm_strv_push_owned(&cats[ids.n], tm_xstrndup(cl, len));
			cl += len + (cl[len] == ',');
		}
		/* group_concat() keeps no promised order */
		if (cats[ids.n].n > 1)
			qsort(cats[ids.n].v, cats[ids.n].n, sizeof(char *), cmp_str);
		const unsigned char *c = sqlite3_column_text(s, 2);
		tm_strv_push(&ids, (const char *)sqlite3_column_text(s, 0));
		tm_strv_push(&changed, c ? (const char *)c : "");
	}
	if (!rc && r != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "listing entities");
	sqlite3_finalize(s);
	for (size_t i = 0; !rc && i < ids.n; i++) {
		tm_browse_row row = { ids.v[i], ties[i], changed.v[i], &cats[i] };
		if (fn(ctx, &row))
			break;
	}
	for (size_t i = 0; i < ids.n; i++)
		tm_strv_release(&cats[i]);
	free(cats);
	free(ties);
	tm_strv_release(&ids);
	tm_strv_release(&changed);
	tm_buf_release(&w);
	tm_buf_release(&sql);
	return rc;
}

static tm_rc facet_rows(tm_store *st, const char *sql, const char **binds, int n,
			int (*fn)(void *ctx, const char *value, int64_t count), void *ctx, tm_err *err)
{
	sqlite3_stmt *s;
	tm_rc rc = prepare(st, sql, binds, n, &s, err);
	int r;
	while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(s, 0);
		if (v && fn(ctx, (const char *)v, sqlite3_column_int64(s, 1)))
			break;
	}
	if (!rc && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "counting a facet");
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_entity_facet(tm_store *st, const tm_entity_filter *f, const char *facet, size_t limit,
			    int (*fn)(void *ctx, const char *value, int64_t count), void *ctx, tm_err *err)
{
	/* the facet's column and where its values come from */
	static const struct {
		const char *name, *select;
	} facets[] = {
		{ "kind", "SELECT e.kind, count(*) FROM entities e WHERE %s GROUP BY 1" },
		{ "country", "SELECT e.country, count(*) FROM entities e WHERE %s AND e.country IS NOT NULL GROUP BY 1" },
		{ "tag", "SELECT t.tag, count(DISTINCT e.id) FROM tags t JOIN entities e ON e.id=t.entity WHERE %s GROUP BY 1" },
		{ "category", "SELECT v.category, count(DISTINCT e.id) FROM involvements v JOIN entities e ON e.id=v.entity"
			      " WHERE %s GROUP BY 1" },
	};
	size_t i = 0;
	while (i < sizeof(facets) / sizeof(facets[0]) && strcmp(facets[i].name, facet) != 0)
		i++;
	if (i == sizeof(facets) / sizeof(facets[0]))
		return tm_fail(err, TM_ERR_INVALID, "no facet '%s'", facet);
	const char *binds[8];
	int n;
	tm_buf w = TM_BUF_INIT, sql = TM_BUF_INIT;
	entity_where(f, facet, &w, binds, &n);
	tm_buf_addf(&sql, facets[i].select, w.buf);
	tm_buf_addf(&sql, " ORDER BY 2 DESC, 1");
	if (limit)
		tm_buf_addf(&sql, " LIMIT %zu", limit);
	tm_rc rc = facet_rows(st, sql.buf, binds, n, fn, ctx, err);
	tm_buf_release(&w);
	tm_buf_release(&sql);
	return rc;
}

/* ---- sources ---- */

static void source_where(const tm_source_filter *f, const char *skip, tm_buf *w, const char **binds, int *n)
{
	*n = 0;
	tm_buf_adds(w, "1");
	if (f->publisher && !tm_streq(skip, "publisher")) {
		tm_buf_adds(w, " AND s.publisher=?");
		binds[(*n)++] = f->publisher;
	}
	if (f->year && !tm_streq(skip, "year")) {
		tm_buf_adds(w, " AND substr(s.date,1,4)=?");
		binds[(*n)++] = f->year;
	}
	if (f->lang && !tm_streq(skip, "lang")) {
		tm_buf_adds(w, " AND s.lang=?");
		binds[(*n)++] = f->lang;
	}
}

tm_rc tm_store_browse_sources(tm_store *st, const tm_source_filter *f, size_t offset, size_t limit,
			      int (*fn)(void *ctx, const tm_source *src, int64_t claims), void *ctx, int64_t *total,
			      tm_err *err)
{
	const char *binds[4];
	int n;
	tm_buf w = TM_BUF_INIT, sql = TM_BUF_INIT;
	source_where(f, NULL, &w, binds, &n);
	tm_buf_addf(&sql, "SELECT count(*) FROM sources s WHERE %s", w.buf);
	tm_rc rc = count(st, sql.buf, binds, n, total, err);
	tm_buf_reset(&sql);
	tm_buf_addf(&sql,
		    "SELECT s.slug,s.title,s.author,s.publisher,s.date,s.url,s.lang,s.note,"
		    " (SELECT count(*) FROM citations c WHERE c.source=s.id)"
		    " FROM sources s WHERE %s ORDER BY s.date='', s.date DESC, s.title, s.slug LIMIT %zu OFFSET %zu",
		    w.buf, limit, offset);
	sqlite3_stmt *s = NULL;
	if (!rc)
		rc = prepare(st, sql.buf, binds, n, &s, err);
	int r;
	while (!rc && (r = sqlite3_step(s)) == SQLITE_ROW) {
		tm_source src = { 0 };
		src.id = tm_store_col_dup(s, 0);
		src.title = tm_store_col_dup(s, 1);
		src.author = tm_store_col_dup(s, 2);
		src.publisher = tm_store_col_dup(s, 3);
		tm_store_col_date(s, 4, src.date);
		src.url = tm_store_col_dup(s, 5);
		src.lang = tm_store_col_dup(s, 6);
		src.note = tm_store_col_dup(s, 7);
		int stop = fn(ctx, &src, sqlite3_column_int64(s, 8));
		tm_source_release(&src);
		if (stop)
			break;
	}
	if (!rc && r != SQLITE_ROW && r != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "listing sources");
	sqlite3_finalize(s);
	tm_buf_release(&w);
	tm_buf_release(&sql);
	return rc;
}

tm_rc tm_store_source_facet(tm_store *st, const tm_source_filter *f, const char *facet, size_t limit,
			    int (*fn)(void *ctx, const char *value, int64_t count), void *ctx, tm_err *err)
{
	static const struct {
		const char *name, *column;
	} facets[] = {
		{ "publisher", "s.publisher" },
		{ "year", "nullif(substr(s.date,1,4),'')" },
		{ "lang", "s.lang" },
	};
	size_t i = 0;
	while (i < sizeof(facets) / sizeof(facets[0]) && strcmp(facets[i].name, facet) != 0)
		i++;
	if (i == sizeof(facets) / sizeof(facets[0]))
		return tm_fail(err, TM_ERR_INVALID, "no facet '%s'", facet);
	const char *binds[4];
	int n;
	tm_buf w = TM_BUF_INIT, sql = TM_BUF_INIT;
	source_where(f, facet, &w, binds, &n);
	tm_buf_addf(&sql, "SELECT %s, count(*) FROM sources s WHERE %s AND %s IS NOT NULL GROUP BY 1 ORDER BY %s",
		    facets[i].column, w.buf, facets[i].column, strcmp(facet, "year") == 0 ? "1 DESC" : "2 DESC, 1");
	if (limit)
		tm_buf_addf(&sql, " LIMIT %zu", limit);
	tm_rc rc = facet_rows(st, sql.buf, binds, n, fn, ctx, err);
	tm_buf_release(&w);
	tm_buf_release(&sql);
	return rc;
}
