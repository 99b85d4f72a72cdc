/*
 * graph: tm_graph_load(), the one part of the engine that reads the store.
 * Kept apart so that the algorithms build and test without SQLite.
 */
#include "graph/graph.h"

#include <stdlib.h>
#include <string.h>

#include "model/model.h"

struct load {
	tm_graph *g;
	tm_ekey max; /* the largest key: nodes are 0..max */
	tm_ekey bad; /* a key beyond max, or 0 */
};

static int load_node(void *ctx, tm_ekey key, const char *id, const char *kind)
{
	struct load *ld = ctx;
	(void)id;
	if (key < 0 || key > ld->max) {
		ld->bad = key;
		return 1;
	}
	const tm_kind *k = tm_kind_find(kind);
	tm_graph_set_node(ld->g, (tm_node)key, k ? (int)(k - tm_kinds) : -1);
	return 0;
}

static int load_edge(void *ctx, const tm_edge_row *row)
{
	struct load *ld = ctx;
	if (row->subject < 0 || row->subject > ld->max || row->object < 0 || row->object > ld->max) {
		ld->bad = row->subject < 0 || row->subject > ld->max ? row->subject : row->object;
		return 1;
	}
	tm_graph_add_edge(ld->g, (tm_node)row->subject, (tm_node)row->object, row->predicate, row->rel_id,
			  tm_graph_date_start(row->start), tm_graph_date_end(row->end),
			  row->has_share ? row->share : -1.0);
	return 0;
}

tm_rc tm_graph_load(tm_store *st, tm_graph **out, tm_err *err)
{
	*out = NULL;
	tm_ekey max = 0;
	tm_rc rc = tm_store_max_ekey(st, &max, err);
	if (rc)
		return rc;
	if (max < 0 || max >= (tm_ekey)UINT32_MAX - 1)
		return tm_fail(err, TM_ERR_LIMIT, "entity key %lld too large for the graph", (long long)max);
	struct load ld = { tm_graph_new((uint32_t)max + 1), max, 0 };
	rc = tm_store_each_ekey(st, load_node, &ld, err);
	if (!rc && !ld.bad)
		rc = tm_store_each_edge(st, load_edge, &ld, err);
	if (!rc && ld.bad)
		rc = tm_fail(err, TM_ERR_INTERNAL, "entity key %lld beyond the largest key %lld", (long long)ld.bad,
			     (long long)max);
	if (!rc)
		rc = tm_graph_finish(ld.g, err);
	if (rc) {
		tm_graph_free(ld.g);
		return rc;
	}
	*out = ld.g;
	return TM_OK;
}

tm_rc tm_graph_open(tm_store *st, int flags, tm_graph **out, tm_err *err)
{
	char *snap;
	uint64_t stamp;
	if (tm_store_cache(st, "graph", &snap, &stamp, NULL))
		return tm_graph_load(st, out, err);
	tm_rc rc = tm_graph_map(snap, stamp, out, NULL);
	if (!rc && (flags & TM_GRAPH_CHECK_ALL) && tm_graph_check_all(*out)) {
		tm_graph_free(*out);
		*out = NULL;
		rc = TM_ERR_IO; /* damaged: built again below, and saved over it */
	}
	if (rc && !(rc = tm_graph_load(st, out, err)))
		tm_graph_save(*out, snap, stamp, NULL);
	free(snap);
	return rc;
}

/* ---- live changes ---- */

struct refresh {
	tm_graph_patch *p;
	const tm_ekey *keys; /* sorted */
	size_t n;
	tm_ekey at;          /* the key whose relations are being read */
	int bad;
};

static int in_keys(const struct refresh *r, tm_ekey k)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->keys[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n && r->keys[lo] == k;
}

static int refresh_edge(void *ctx, const tm_edge_row *row)
{
	struct refresh *r = ctx;
	if (row->subject < 0 || row->object < 0 || row->subject >= (tm_ekey)UINT32_MAX - 1 ||
	    row->object >= (tm_ekey)UINT32_MAX - 1) {
		r->bad = 1;
		return 1;
	}
	/* a relation between two refreshed keys is read from both: keep it once,
	 * from the smaller key's reading */
	tm_ekey other = row->subject == r->at ? row->object : row->subject;
	if (other != r->at && other < r->at && in_keys(r, other))
		return 0;
	tm_graph_patch_edge(r->p, (tm_node)row->subject, (tm_node)row->object, row->predicate, row->rel_id,
			    tm_graph_date_start(row->start), tm_graph_date_end(row->end),
			    row->has_share ? row->share : -1.0);
	return 0;
}

static int cmp_ekey(const void *x, const void *y)
{
	tm_ekey a = *(const tm_ekey *)x, b = *(const tm_ekey *)y;
	return a < b ? -1 : a > b;
}

tm_rc tm_graph_refresh(const tm_graph *g, tm_store *st, const tm_ekey *keys, size_t n, tm_graph **out, tm_err *err)
{
	*out = NULL;
	tm_ekey *sorted = tm_xmalloc((n ? n : 1) * sizeof(*sorted));
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (keys[i] >= 0 && keys[i] < (tm_ekey)UINT32_MAX - 1)
			sorted[k++] = keys[i];
	qsort(sorted, k, sizeof(*sorted), cmp_ekey);
	size_t u = 0;
	for (size_t i = 0; i < k; i++)
		if (!u || sorted[u - 1] != sorted[i])
			sorted[u++] = sorted[i];
	int began = 0;
	tm_rc rc = tm_store_read_begin(st, 0, &began, err);
	struct refresh r = { tm_graph_patch_new(g), sorted, u, 0, 0 };
	for (size_t i = 0; !rc && i < u; i++) {
		char *kind = NULL;
		if ((rc = tm_store_ekey_kind(st, sorted[i], &kind, err)))
			break;
		const tm_kind *kd = kind ? tm_kind_find(kind) : NULL;
		tm_graph_patch_node(r.p, (tm_node)sorted[i], kd ? (int)(kd - tm_kinds) : -1, kind != NULL);
		free(kind);
		r.at = sorted[i];
		rc = tm_store_edges_of(st, sorted[i], refresh_edge, &r, err);
		if (!rc && r.bad)
			rc = tm_fail(err, TM_ERR_LIMIT, "entity key too large for the graph");
	}
	tm_store_read_end(st, began);
	free(sorted);
	if (rc) {
		tm_graph_patch_free(r.p);
		return rc;
	}
	return tm_graph_patch_finish(r.p, out, err);
}
