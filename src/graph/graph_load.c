/*
 * graph: tm_graph_load(), the one part of the engine that reads the store.
 * Kept apart so that the algorithms build and test without SQLite.
 */
#include "graph/graph.h"

#include <stdlib.h>


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
