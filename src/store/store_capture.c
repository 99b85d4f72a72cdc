/*
 * The captures table.  As in store_campaign.c, statements are prepared per
 * call: there are a few captures per source, and keeping this file's SQL to
 * itself leaves store_sqlite.c untouched.
 */
#include "store/store_capture.h"
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAPTURE_COLS                                                                                     \
	"s.slug,c.fetched,c.url,c.final_url,c.status,c.content_type,c.length,c.sha256,c.warc,c.warc_sha256," \
	"c.redirects"

char *tm_store_archive_dir(tm_store *st)
{
	return tm_store_beside(st, "archive");
}


static void copy_fixed(char *out, size_t cap, const unsigned char *t)
{
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

/* "STATUS URL" lines, as the redirects column keeps them. */
static char *redirects_text(const tm_capture *c)
{
	if (!c->n_redirects)
		return NULL;
	tm_buf b = TM_BUF_INIT;
	for (size_t i = 0; i < c->n_redirects; i++)
		tm_buf_addf(&b, "%s%d %s", i ? "\n" : "", c->redirects[i].status, c->redirects[i].url);
	return tm_buf_detach(&b);
}

static void redirects_parse(tm_capture *c, const char *t)
{
	while (t && *t) {
		const char *nl = strchr(t, '\n');
		size_t n = nl ? (size_t)(nl - t) : strlen(t);
		char *line = tm_xstrndup(t, n);
		char *sp = strchr(line, ' ');
		if (sp)
			tm_capture_add_redirect(c, sp + 1, atoi(line));
		free(line);
		t = nl ? nl + 1 : t + n;
	}
}

static void capture_from_row(sqlite3_stmt *s, tm_capture *c)
{
	memset(c, 0, sizeof(*c));
	c->source = tm_store_col_dup(s, 0);
	copy_fixed(c->fetched, sizeof(c->fetched), sqlite3_column_text(s, 1));
	c->url = tm_store_col_dup(s, 2);
	c->final_url = tm_store_col_dup(s, 3);
	c->status = sqlite3_column_int(s, 4);
	c->content_type = tm_store_col_dup(s, 5);
	c->length = sqlite3_column_int64(s, 6);
	copy_fixed(c->sha256, sizeof(c->sha256), sqlite3_column_text(s, 7));
	c->warc = tm_store_col_dup(s, 8);
	copy_fixed(c->warc_sha256, sizeof(c->warc_sha256), sqlite3_column_text(s, 9));
	redirects_parse(c, (const char *)sqlite3_column_text(s, 10));
}

static int capture_eq(const tm_capture *a, const tm_capture *b)
{
	if (a->n_redirects != b->n_redirects)
		return 0;
	for (size_t i = 0; i < a->n_redirects; i++)
		if (a->redirects[i].status != b->redirects[i].status || !tm_streq(a->redirects[i].url, b->redirects[i].url))
			return 0;
	return tm_streq(a->source, b->source) && strcmp(a->fetched, b->fetched) == 0 && tm_streq(a->url, b->url) &&
	       tm_streq(a->final_url, b->final_url) && a->status == b->status &&
	       tm_streq(a->content_type, b->content_type) && a->length == b->length &&
	       strcmp(a->sha256, b->sha256) == 0 && tm_streq(a->warc, b->warc) &&
	       strcmp(a->warc_sha256, b->warc_sha256) == 0;
}

tm_rc tm_store_get_capture(tm_store *st, const char *source, const char *fetched, tm_capture *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_prep(st,
			       fetched ? "SELECT " CAPTURE_COLS " FROM captures c JOIN sources s ON s.id=c.source"
					 " WHERE s.slug=?1 AND c.fetched=?2" :
					 "SELECT " CAPTURE_COLS " FROM captures c JOIN sources s ON s.id=c.source"
					 " WHERE s.slug=?1 ORDER BY c.fetched DESC LIMIT 1",
			       err);
	if (!s)
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, source);
	if (fetched)
		tm_store_bind_text(s, 2, fetched);
	int rc = sqlite3_step(s);
	tm_rc out_rc = TM_OK;
	if (rc == SQLITE_ROW)
		capture_from_row(s, out);
	else if (rc == SQLITE_DONE)
		out_rc = fetched ? tm_fail(err, TM_ERR_NOTFOUND, "no capture of '%s' at %s", source, fetched) :
				   tm_fail(err, TM_ERR_NOTFOUND, "no capture of '%s'", source);
	else
		out_rc = tm_store_db_fail(st, err, "reading capture");
	sqlite3_finalize(s);
	return out_rc;
}

tm_rc tm_store_has_capture(tm_store *st, const char *source, int *found, tm_err *err)
{
	*found = 0;
	sqlite3_stmt *s = tm_store_prep(st, "SELECT 1 FROM captures c JOIN sources s ON s.id=c.source WHERE s.slug=? LIMIT 1", err);
	if (!s)
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, source);
	int step = sqlite3_step(s);
	*found = step == SQLITE_ROW;
	tm_rc rc = step == SQLITE_ROW || step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading captures");
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_put_capture(tm_store *st, const tm_capture *c, const char *text, tm_err *err)
{
	int64_t src;
	tm_rc got = tm_store_rowid_of(st, S_SOURCE_ID, c->source, &src, err);
	if (got)
		return got;
	if (!src)
		return tm_fail(err, TM_ERR_NOTFOUND, "no source '%s'", c->source);
	tm_capture old;
	if ((got = tm_store_get_capture(st, c->source, c->fetched, &old, err)) == TM_OK) {
		int same = capture_eq(&old, c);
		tm_capture_release(&old);
		if (same && !text)
			return TM_OK;
	} else if (got != TM_ERR_NOTFOUND) {
		return got;
	}
	tm_err_clear(err);
	sqlite3_stmt *s = tm_store_prep(
		st,
		"INSERT INTO captures(source,fetched,url,final_url,status,content_type,length,sha256,warc,warc_sha256,"
		"redirects,text) VALUES(?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(source,fetched) DO UPDATE SET"
		" url=excluded.url,final_url=excluded.final_url,status=excluded.status,"
		" content_type=excluded.content_type,length=excluded.length,warc=excluded.warc,"
		" warc_sha256=excluded.warc_sha256,redirects=excluded.redirects,"
		/* the text read is the payload's: it stays while the payload does */
		" text=CASE WHEN excluded.text IS NOT NULL THEN excluded.text"
		" WHEN sha256=excluded.sha256 THEN text END, sha256=excluded.sha256",
		err);
	if (!s)
		return TM_ERR_DB;
	char *redirects = redirects_text(c);
	sqlite3_bind_int64(s, 1, src);
	tm_store_bind_text(s, 2, c->fetched);
	tm_store_bind_text(s, 3, c->url);
	tm_store_bind_text(s, 4, c->final_url);
	sqlite3_bind_int(s, 5, c->status);
	tm_store_bind_text(s, 6, c->content_type);
	sqlite3_bind_int64(s, 7, c->length);
	tm_store_bind_text(s, 8, c->sha256);
	tm_store_bind_text(s, 9, c->warc);
	tm_store_bind_text(s, 10, c->warc_sha256);
	tm_store_bind_text(s, 11, redirects);
	tm_store_bind_text(s, 12, text);
	tm_rc rc = TM_OK;
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "writing capture");
	else
		TM_STORE_DIRTY(st);
	sqlite3_finalize(s);
	free(redirects);
	return rc;
}

struct each_ctx {
	tm_capture_fn fn;
	void *ctx;
};

static int capture_row(void *p, sqlite3_stmt *s)
{
	struct each_ctx *c = p;
	tm_capture cap;
	capture_from_row(s, &cap);
	int stop = c->fn(c->ctx, &cap);
	tm_capture_release(&cap);
	return stop > 0 ? 1 : stop;
}

tm_rc tm_store_each_capture(tm_store *st, const char *source, tm_capture_fn fn, void *ctx, tm_err *err)
{
	struct each_ctx c = { fn, ctx };
	return tm_store_each_row(st,
				 source ? "SELECT " CAPTURE_COLS " FROM captures c JOIN sources s ON s.id=c.source"
					  " WHERE s.slug=? ORDER BY c.fetched" :
					  "SELECT " CAPTURE_COLS " FROM captures c JOIN sources s ON s.id=c.source"
					  " ORDER BY s.slug, c.fetched",
				 source, capture_row, &c, err);
}

tm_rc tm_store_capture_text(tm_store *st, const char *source, const char *fetched, char **text, tm_err *err)
{
	*text = NULL;
	sqlite3_stmt *s = tm_store_prep(st,
			       "SELECT c.text FROM captures c JOIN sources s ON s.id=c.source WHERE s.slug=? AND c.fetched=?",
			       err);
	if (!s)
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, source);
	tm_store_bind_text(s, 2, fetched);
	int rc = sqlite3_step(s);
	tm_rc out = TM_OK;
	if (rc == SQLITE_ROW)
		*text = tm_store_col_dup(s, 0);
	else if (rc == SQLITE_DONE)
		out = tm_fail(err, TM_ERR_NOTFOUND, "no capture of '%s' at %s", source, fetched);
	else
		out = tm_store_db_fail(st, err, "reading capture text");
	sqlite3_finalize(s);
	return out;
}

struct quote_ctx {
	tm_quote_fn fn;
	void *ctx;
};

static int quote_row(void *p, sqlite3_stmt *s)
{
	static const char *const kinds[] = { "entity", "relation", "action", "site" };
	struct quote_ctx *c = p;
	int k = sqlite3_column_int(s, 1);
	const char *claim = (const char *)sqlite3_column_text(s, 2);
	if (k < 0 || k > 3 || !claim)
		return 0; /* a citation of a claim kind this build does not know */
	return c->fn(c->ctx, (const char *)sqlite3_column_text(s, 0), kinds[k], claim,
		     (const char *)sqlite3_column_text(s, 3));
}

tm_rc tm_store_each_archived_quote(tm_store *st, tm_quote_fn fn, void *ctx, tm_err *err)
{
	struct quote_ctx c = { fn, ctx };
	return tm_store_each_row(
		st,
		"SELECT s.slug, q.claim_kind, CASE q.claim_kind"
		" WHEN 0 THEN (SELECT slug FROM entities WHERE id=q.claim)"
		" WHEN 1 THEN (SELECT a.slug||' '||r.predicate||' '||b.slug FROM relations r"
		"  JOIN entities a ON a.id=r.subject JOIN entities b ON b.id=r.object WHERE r.id=q.claim)"
		" WHEN 2 THEN (SELECT slug FROM actions WHERE id=q.claim)"
		" WHEN 3 THEN (SELECT slug FROM sites WHERE id=q.claim) END AS claim, q.quote"
		" FROM citations q JOIN sources s ON s.id=q.source"
		" WHERE q.quote IS NOT NULL AND q.quote<>'' AND EXISTS (SELECT 1 FROM captures WHERE source=s.id)"
		" ORDER BY s.slug, q.claim_kind, claim, q.ord",
		NULL, quote_row, &c, err);
}
