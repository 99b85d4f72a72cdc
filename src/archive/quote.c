/*
 * Quotes looked for in archived copies, and the findings `tiemap check`
 * makes of them.
 *
 * A quote and a document are compared in tm_text_quote_form(): what
 * differs between a quote typed from a page and the page's text as read
 * (curly or straight quotation marks, dashes, line breaks, spaces between
 * Chinese characters, a PDF's ligatures and hyphenation) is folded away,
 * and what is left must match byte for byte.
 */
#include "archive/archive_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_capture.h"
#include "text/text.h"

tm_rc tm_quote_doc_init(tm_quote_doc *d, const char *text, tm_err *err)
{
	tm_buf_init(&d->plain);
	tm_buf_init(&d->joined);
	size_t n = strlen(text);
	tm_rc rc = tm_text_quote_form(text, n, 0, &d->plain, err);
	if (!rc)
		rc = tm_text_quote_form(text, n, 1, &d->joined, err);
	if (rc)
		tm_quote_doc_release(d);
	return rc;
}

void tm_quote_doc_release(tm_quote_doc *d)
{
	tm_buf_release(&d->plain);
	tm_buf_release(&d->joined);
}

/* The first place of needle in hay at or after from, or -1. */
static long find(const tm_buf *hay, size_t from, const char *needle, size_t n)
{
	if (!n)
		return (long)from;
	const char *p = hay->buf + from, *end = hay->buf + hay->len;
	while ((size_t)(end - p) >= n) {
		p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
		if (!p)
			return -1;
		if (memcmp(p, needle, n) == 0)
			return (long)(p - hay->buf);
		p++;
	}
	return -1;
}

/* 1 if the parts of q (split at marks of omission) are in hay in order. */
static int has_parts(const tm_buf *hay, const char *q, size_t len)
{
	size_t at = 0, i = 0;
	while (i < len) {
		/* a part runs to the next "..." (three dots or more) */
		size_t start = i, end = i;
		while (end < len && !(end + 2 < len && q[end] == '.' && q[end + 1] == '.' && q[end + 2] == '.'))
			end++;
		size_t stop = end;
		/* "[...]" and "(...)" are marks of omission too */
		if (end < len && stop > start && (q[stop - 1] == '[' || q[stop - 1] == '('))
			stop--;
		i = end;
		while (i < len && q[i] == '.')
			i++;
		if (end < len && i < len && (q[i] == ']' || q[i] == ')'))
			i++;
		if (stop == start)
			continue;
		long hit = find(hay, at, q + start, stop - start);
		if (hit < 0)
			return 0;
		at = (size_t)hit + (stop - start);
	}
	return 1;
}

int tm_quote_doc_has(const tm_quote_doc *d, const char *quote, tm_err *err)
{
	tm_buf q = TM_BUF_INIT;
	if (tm_text_quote_form(quote, strlen(quote), 0, &q, err)) {
		tm_buf_release(&q);
		return -1;
	}
	int has = has_parts(&d->plain, q.buf, q.len) || has_parts(&d->joined, q.buf, q.len);
	tm_buf_release(&q);
	return has;
}

/* ---- tiemap check ---- */

struct quote {
	char *source, *kind, *claim, *quote;
};

struct quotes {
	struct quote *v;
	size_t n, cap;
};

static int take_quote(void *ctx, const char *source, const char *kind, const char *claim, const char *quote)
{
	struct quotes *qs = ctx;
	TM_GROW(qs->v, qs->cap, qs->n + 1);
	qs->v[qs->n++] = (struct quote){ tm_xstrdup(source), tm_xstrdup(kind), tm_xstrdup(claim), tm_xstrdup(quote) };
	return 0;
}

/* One capture of the source being checked, its text read when first needed. */
struct copy {
	tm_capture c;
	int state; /* 0 not read, 1 read into doc, -1 unreadable (why says why) */
	tm_quote_doc doc;
	char why[sizeof(((tm_err *)0)->msg)];
};

struct copies {
	struct copy *v;
	size_t n, cap;
};

static int take_capture(void *ctx, const tm_capture *c)
{
	struct copies *cs = ctx;
	TM_GROW(cs->v, cs->cap, cs->n + 1);
	struct copy *k = &cs->v[cs->n++];
	memset(k, 0, sizeof(*k));
	/* a shallow copy would free the borrowed strings twice: copy them */
	k->c.source = tm_xstrdup(c->source);
	memcpy(k->c.fetched, c->fetched, sizeof(k->c.fetched));
	k->c.url = tm_xstrdup(c->url);
	k->c.final_url = tm_xstrdup(c->final_url);
	k->c.status = c->status;
	k->c.content_type = tm_xstrdup(c->content_type);
	k->c.length = c->length;
	memcpy(k->c.sha256, c->sha256, sizeof(k->c.sha256));
	k->c.warc = tm_xstrdup(c->warc);
	memcpy(k->c.warc_sha256, c->warc_sha256, sizeof(k->c.warc_sha256));
	return 0;
}

/* Read a copy's text: as the store keeps it, else from the WARC file. */
static void copy_read(tm_store *st, const char *dir, struct copy *k)
{
	if (k->state)
		return;
	tm_err err = { 0 };
	char *text = NULL;
	tm_rc rc = tm_store_capture_text(st, k->c.source, k->c.fetched, &text, &err);
	if (!rc && !text) {
		tm_payload p;
		if (!dir)
			rc = tm_fail(&err, TM_ERR_NOTFOUND, "the database has no archive folder");
		else if (!(rc = tm_archive_payload(dir, &k->c, &p, &err))) {
			rc = tm_archive_text(&p, &text, &err);
			tm_payload_release(&p);
		}
	}
	if (!rc)
		rc = tm_quote_doc_init(&k->doc, text, &err);
	free(text);
	k->state = rc ? -1 : 1;
	if (rc)
		snprintf(k->why, sizeof(k->why), "%s", err.msg);
}

static void copies_release(struct copies *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		tm_capture_release(&cs->v[i].c);
		if (cs->v[i].state == 1)
			tm_quote_doc_release(&cs->v[i].doc);
	}
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

/* Check the quotes qs->v[from, to), all of one source. */
static tm_rc check_source(tm_store *st, const char *dir, struct quote *q, size_t n,
			  int (*fn)(void *ctx, const tm_finding *f), void *ctx, tm_err *err)
{
	struct copies cs = { 0 };
	tm_rc rc = tm_store_each_capture(st, q[0].source, take_capture, &cs, err);
	if (rc || !cs.n) {
		copies_release(&cs);
		return rc;
	}
	struct copy *latest = &cs.v[cs.n - 1];
	copy_read(st, dir, latest);
	tm_buf detail = TM_BUF_INIT;
	int stop = 0;
	if (latest->state < 0) {
		tm_buf_addf(&detail, "the copy of %s: %s", latest->c.fetched, latest->why);
		tm_finding f = { "archive_unreadable", q[0].source, detail.buf };
		stop = fn(ctx, &f);
	}
	for (size_t i = 0; i < n && !stop && latest->state > 0; i++) {
		tm_err qerr = { 0 };
		int has = tm_quote_doc_has(&latest->doc, q[i].quote, &qerr);
		if (has < 0) {
			rc = tm_fail(err, qerr.rc, "quote of %s %s: %s", q[i].kind, q[i].claim, qerr.msg);
			break;
		}
		if (has)
			continue;
		/* was it there before?  the latest earlier copy that has it */
		const char *was = NULL;
		for (size_t k = cs.n - 1; k-- > 0 && !was;) {
			copy_read(st, dir, &cs.v[k]);
			if (cs.v[k].state > 0 && tm_quote_doc_has(&cs.v[k].doc, q[i].quote, NULL) == 1)
				was = cs.v[k].c.fetched;
		}
		size_t cut = tm_text_fit(q[i].quote, 60);
		tm_buf_reset(&detail);
		tm_buf_addf(&detail, "%s %s: \"%.*s%s\" is not in the copy of %s", q[i].kind, q[i].claim, (int)cut,
			    q[i].quote, q[i].quote[cut] ? "…" : "", latest->c.fetched);
		if (was)
			tm_buf_addf(&detail, "; the copy of %s has it", was);
		tm_finding f = { "quote_not_in_archive", q[i].source, detail.buf };
		stop = fn(ctx, &f);
	}
	tm_buf_release(&detail);
	copies_release(&cs);
	return rc;
}

tm_rc tm_archive_check(tm_store *st, int (*fn)(void *ctx, const tm_finding *f), void *ctx, tm_err *err)
{
	/* the quotes first: checking them runs other statements */
	struct quotes qs = { 0 };
	tm_rc rc = tm_store_each_archived_quote(st, take_quote, &qs, err);
	char *dir = tm_store_archive_dir(st);
	for (size_t i = 0; !rc && i < qs.n;) {
		size_t j = i + 1;
		while (j < qs.n && strcmp(qs.v[j].source, qs.v[i].source) == 0)
			j++;
		rc = check_source(st, dir, &qs.v[i], j - i, fn, ctx, err);
		i = j;
	}
	for (size_t i = 0; i < qs.n; i++) {
		free(qs.v[i].source);
		free(qs.v[i].kind);
		free(qs.v[i].claim);
		free(qs.v[i].quote);
	}
	free(qs.v);
	free(dir);
	return rc;
}
