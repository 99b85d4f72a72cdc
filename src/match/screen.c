/*
 * Screening a list: each row through the matcher, each match through the
 * flagger, in one thread or several.
 *
 * Several threads: every worker opens the database read-only for itself (a
 * store is one thread's) and takes every jobs-th row; the flagger reads the
 * immutable graph and is shared.  Rows land in their own slots, so the
 * report is the same whatever the number of threads.
 */
#include "match/screen.h"
#include "match/match_internal.h"
#include "text/text.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

void tm_screen_report_release(tm_screen_report *r)
{
	for (size_t i = 0; i < r->n; i++) {
		tm_screen_row *row = &r->rows[i];
		free(row->input);
		free(row->ident);
		free(row->country);
		free(row->error);
		free(row->warning);
		for (size_t k = 0; k < row->nids; k++)
			free(row->ids[k].value);
		free(row->ids);
		tm_matches m = { &row->match, row->match.id ? 1 : 0, 1, NULL };
		if (m.n) {
			/* tm_matches_release frees v itself: hand it a copy */
			m.v = tm_xmalloc(sizeof(tm_match));
			*m.v = row->match;
			tm_matches_release(&m);
		}
		tm_flags_release(&row->flags);
	}
	free(r->rows);
	tm_strv_release(&r->categories);
	free(r->input_format);
	free(r->input_sheet);
	tm_strv_release(&r->input_notes);
	memset(r, 0, sizeof(*r));
}

/* Flags already worked out in this worker, by graph node: a list names the
 * same institution many times, an inventory the same vendor. */
typedef struct flag_cache {
	tm_node *node;
	tm_flags *flags;
	size_t n, cap;
	size_t *slot; /* open addressing: index+1 into node/flags, 0 empty */
	size_t nslot;
} flag_cache;

static size_t hash_node(tm_node n)
{
	return (size_t)((n * 2654435761u) ^ (n >> 16));
}

static tm_flags *cache_get(flag_cache *c, tm_node n)
{
	if (!c->nslot)
		return NULL;
	for (size_t h = hash_node(n) & (c->nslot - 1);; h = (h + 1) & (c->nslot - 1)) {
		if (!c->slot[h])
			return NULL;
		if (c->node[c->slot[h] - 1] == n)
			return &c->flags[c->slot[h] - 1];
	}
}

static void cache_put(flag_cache *c, tm_node n, tm_flags *f)
{
	if ((c->n + 1) * 2 > c->nslot) {
		size_t ns = c->nslot ? c->nslot * 2 : 64;
		free(c->slot);
		c->slot = tm_xcalloc(ns, sizeof(size_t));
		c->nslot = ns;
		for (size_t i = 0; i < c->n; i++) {
			size_t h = hash_node(c->node[i]) & (ns - 1);
			while (c->slot[h])
				h = (h + 1) & (ns - 1);
			c->slot[h] = i + 1;
		}
	}
	size_t cap = c->cap;
	TM_GROW(c->node, cap, c->n + 1);
	TM_GROW(c->flags, c->cap, c->n + 1);
	c->node[c->n] = n;
	c->flags[c->n] = *f;
	size_t h = hash_node(n) & (c->nslot - 1);
	while (c->slot[h])
		h = (h + 1) & (c->nslot - 1);
	c->slot[h] = ++c->n;
}

static void cache_release(flag_cache *c)
{
	for (size_t i = 0; i < c->n; i++)
		tm_flags_release(&c->flags[i]);
	free(c->node);
	free(c->flags);
	free(c->slot);
	memset(c, 0, sizeof(*c));
}

typedef struct worker {
	tm_store *st;          /* the worker's store (opened here, or the caller's) */
	int own_store;
	const tm_screen_in *in;
	size_t n, first, step;
	const tm_screen_opts *o;
	const tm_flagger *flagger;
	const tm_search_vocab *vocab;
	double threshold;
	tm_screen_row *rows;
	atomic_size_t *done;
	int report_progress;
	int own_thread;        /* runs in a thread of its own: free ICU's per-thread caches at the end */
	tm_err err;
	tm_rc rc;
} worker;

static void add_note(char **dst, const char *msg)
{
	if (!msg || !*msg)
		return;
	if (!*dst) {
		*dst = tm_xstrdup(msg);
		return;
	}
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s; %s", *dst, msg);
	free(*dst);
	*dst = tm_buf_detach(&b);
}

static tm_rc screen_one(worker *w, tm_matcher *m, flag_cache *fc, const tm_screen_in *in, tm_screen_row *row)
{
	memset(row, 0, sizeof(*row));
	row->line = in->line;
	row->input = tm_xstrdup(in->name ? in->name : "");
	row->ident = in->ident && *in->ident ? tm_xstrdup(in->ident) : NULL;
	row->country = in->country && *in->country ? tm_xstrdup(in->country) : NULL;
	if (in->nids) {
		row->ids = tm_xcalloc(in->nids, sizeof(tm_qident));
		for (size_t k = 0; k < in->nids; k++)
			row->ids[k] = (tm_qident){ in->ids[k].scheme, tm_xstrdup(in->ids[k].value) };
		row->nids = in->nids;
	}
	if (in->error) {
		row->error = tm_xstrdup(in->error);
		return TM_OK;
	}
	add_note(&row->warning, in->warning);
	tm_match_query q = { in->name, in->ident, in->country, in->ids, in->nids };
	tm_matches ms;
	tm_rc rc = tm_match_query_run(m, &q, 1, &ms, &w->err);
	if (rc)
		return rc;
	add_note(&row->warning, ms.warning);
	if (ms.n) {
		row->match = ms.v[0];
		int at = row->match.score >= w->threshold;
		row->group_member = at && row->match.by == TM_BY_GROUP;
		row->matched = at && !row->group_member;
		ms.n = 0; /* moved out */
	}
	tm_matches_release(&ms);
	if (row->matched && w->flagger) {
		tm_node node = (tm_node)row->match.key;
		tm_flags *cached = cache_get(fc, node);
		if (!cached) {
			tm_flags f;
			if ((rc = tm_flagger_check(w->flagger, node, &f, &w->err)))
				return rc;
			cache_put(fc, node, &f);
			cached = cache_get(fc, node);
		}
		tm_flags_copy(&row->flags, cached);
	}
	return TM_OK;
}

static int work(void *arg)
{
	worker *w = arg;
	tm_matcher *m = NULL;
	flag_cache fc = { 0 };
	w->rc = TM_OK;
	if (!w->st) {
		if ((w->rc = tm_store_open(w->o->db_path, TM_STORE_READONLY, &w->st, &w->err)))
			return 0;
		w->own_store = 1;
	}
	tm_match_opts mo = { w->threshold, 0, w->vocab, w->o->cached };
	if ((w->rc = tm_matcher_new(w->st, &mo, &m, &w->err)) || (w->rc = tm_matcher_begin(m, &w->err)))
		goto done;
	for (size_t i = w->first; i < w->n; i += w->step) {
		if ((w->rc = screen_one(w, m, &fc, &w->in[i], &w->rows[i])))
			break;
		size_t d = atomic_fetch_add(w->done, 1) + 1;
		if (w->report_progress && w->o->progress && (d % 256 == 0 || d == w->n))
			w->o->progress(w->o->progress_ctx, d, w->n);
	}
done:
	if (m)
		tm_matcher_end(m);
	tm_matcher_free(m);
	cache_release(&fc);
	if (w->own_store) {
		/* a failure its look-ups left in the store is the worker's */
		if (!w->rc)
			w->rc = tm_store_error(w->st, &w->err);
		tm_store_close(w->st);
		w->st = NULL;
	}
	if (w->own_thread)
		tm_text_shutdown();
	return 0;
}

tm_rc tm_screen_run(tm_store *st, const tm_screen_in *in, size_t n, const tm_screen_opts *o, tm_screen_report *out,
		    tm_err *err)
{
	memset(out, 0, sizeof(*out));
	double t0 = tm_now();
	out->threshold = o->threshold > 0 ? o->threshold : TM_MATCH_THRESHOLD;
	out->flags_on = !o->no_flags;
	out->depth = o->flags.depth;
	out->min_share = o->flags.min_share;
	for (size_t i = 0; i < o->flags.ncategories; i++)
		tm_strv_push(&out->categories, o->flags.categories[i]);
	tm_flagger *flagger = NULL;
	if (!o->no_flags) {
		if (!o->graph) {
			tm_screen_report_release(out);
			return tm_fail(err, TM_ERR_INTERNAL, "flags need the graph");
		}
		tm_rc rc = tm_flagger_new(st, o->graph, &o->flags, &flagger, err);
		if (rc) {
			tm_screen_report_release(out);
			return rc;
		}
	}
	out->rows = tm_xcalloc(n ? n : 1, sizeof(tm_screen_row));
	out->cap = n ? n : 1;
	out->n = n;
	int jobs = o->jobs > 1 && o->db_path && n >= 64 ? o->jobs : 1;
	if (jobs > 16)
		jobs = 16;
	/* The typo index, once for all workers.  A short list builds it only
	 * if a row needs it (in its matcher); a long one surely will. */
	tm_search_vocab *vocab = NULL;
	if (n >= 256 || jobs > 1 || o->cached) {
		tm_rc rc = o->cached ? tm_search_vocab_open(st, &vocab, err) : tm_search_vocab_build(st, &vocab, err);
		if (rc) {
			tm_flagger_free(flagger);
			tm_screen_report_release(out);
			return rc;
		}
	}
	atomic_size_t done = 0;
	worker w[16];
	thrd_t th[16];
	int started[16] = { 0 };
	for (int j = 0; j < jobs; j++) {
		w[j] = (worker){ j == 0 ? st : NULL, 0, in, n, (size_t)j, (size_t)jobs, o, flagger, vocab,
				 out->threshold, out->rows, &done, j == 0, j > 0, { 0 }, TM_OK };
		/* worker 0 works on the caller's store, in the caller's thread */
		if (j > 0) {
			started[j] = thrd_create(&th[j], work, &w[j]) == thrd_success;
			if (!started[j])
				w[j].own_thread = 0;
		}
	}
	work(&w[0]);
	tm_rc rc = w[0].rc;
	if (rc && err)
		*err = w[0].err;
	for (int j = 1; j < jobs; j++) {
		if (!started[j]) {
			/* no thread: do its share here */
			work(&w[j]);
		} else {
			thrd_join(th[j], NULL);
		}
		if (!rc && w[j].rc) {
			rc = w[j].rc;
			if (err)
				*err = w[j].err;
		}
	}
	tm_flagger_free(flagger);
	tm_search_vocab_free(vocab);
	if (rc) {
		tm_screen_report_release(out);
		return rc;
	}
	for (size_t i = 0; i < n; i++) {
		const tm_screen_row *r = &out->rows[i];
		out->matched += r->matched;
		out->flagged += r->flags.n > 0;
		out->unreadable += r->error != NULL;
		out->warned += r->warning != NULL;
		out->group_members += r->group_member;
	}
	out->seconds = tm_now() - t0;
	return TM_OK;
}
