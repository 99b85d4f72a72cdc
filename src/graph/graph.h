/*
 * graph: the in-memory graph engine.  A compressed adjacency (CSR) in both
 * directions, built in one pass from the store (or from edges added by hand,
 * which the tests do), and the algorithms every graph command and API route
 * uses: shortest paths, ownership chains, neighbourhoods, exposure to a tag,
 * components and degree statistics.
 *
 * Nodes are the store's entity keys (tm_ekey), 0..n_nodes-1; a key with no
 * entity behind it is simply an isolated node that is never reported
 * (tm_graph_node_exists() says which are real).  The engine numbers nodes
 * its own way inside; every node given or returned here is a key.
 *
 * A graph is immutable once finished; any number of threads may query it.
 * Results are owned by the caller and released with the matching _release().
 */
#ifndef TM_GRAPH_H
#define TM_GRAPH_H

#include "core/core.h"
#include "store/store.h"

typedef struct tm_graph tm_graph;
typedef uint32_t tm_node;

/* Dates as comparable integers YYYYMMDD.  A start known only to the year or
 * month begins at its first day, an end known only to the year or month lasts
 * to its last day; 0 is an open start, 99999999 an open end. */
#define TM_DATE_OPEN_START 0
#define TM_DATE_OPEN_END 99999999
int32_t tm_graph_date_start(const char *date); /* "" → open start */
int32_t tm_graph_date_end(const char *date);   /* "" → open end */

/* Building. */
tm_graph *tm_graph_new(uint32_t n_nodes);
/* Mark node as a real entity of kind (an index into tm_kinds, or -1); only
 * before tm_graph_finish(). */
void tm_graph_set_node(tm_graph *g, tm_node node, int kind);
/* An edge subject → object.  share < 0 means unknown. */
void tm_graph_add_edge(tm_graph *g, tm_node subject, tm_node object, int predicate, int64_t rel_id,
		       int32_t start, int32_t end, double share);
/* Build the CSR; after this only queries are allowed. */
tm_rc tm_graph_finish(tm_graph *g, tm_err *err);
/* new + set_node + add_edge for everything in the store + finish. */
tm_rc tm_graph_load(tm_store *st, tm_graph **out, tm_err *err);
void tm_graph_free(tm_graph *g);

/* Snapshots: a finished graph saved as a file (snap.h) that a later process
 * maps in well under a millisecond instead of reading every relation again.
 * stamp says which data the graph was built from; tm_graph_map() fails with
 * TM_ERR_NOTFOUND when the file is missing, from other data (another
 * stamp), or written by another build or format version, and with
 * TM_ERR_IO when its header or the arrays' lengths are damaged.  It does not
 * read the file through: each query has the blocks it reads checked against
 * their checksums, the first time any query reads them, and fails with
 * TM_ERR_IO "graph snapshot '...' is damaged" where one is not as written,
 * so a damaged snapshot never gives an answer.  A mapped graph is released
 * with tm_graph_free() like any other. */
tm_rc tm_graph_save(const tm_graph *g, const char *path, uint64_t stamp, tm_err *err);
tm_rc tm_graph_map(const char *path, uint64_t stamp, tm_graph **out, tm_err *err);
/* Check a mapped graph's every block now (a server that keeps it does, at
 * no cost to speak of): 0 when whole (a graph built in memory is), -1 when
 * damaged. */
int tm_graph_check_all(const tm_graph *g);
/* The graph of the store: mapped from its snapshot (where the store keeps
 * its "graph" cache, tm_store_cache()) when one was made from the same data,
 * else loaded (tm_graph_load()) and saved there for the next process; a
 * snapshot that cannot be written is no error, nor a store without caches.
 * flags TM_GRAPH_CHECK_ALL: a snapshot is checked whole before it is used,
 * and built again from the store when damaged. */
enum { TM_GRAPH_CHECK_ALL = 1 };
tm_rc tm_graph_open(tm_store *st, int flags, tm_graph **out, tm_err *err);

uint32_t tm_graph_n_nodes(const tm_graph *g);
uint64_t tm_graph_n_edges(const tm_graph *g);
/* 1 when node is a real entity; on a damaged snapshot also 1, so that the
 * query a caller makes next fails and says why. */
int tm_graph_node_exists(const tm_graph *g, tm_node n);
int tm_graph_node_kind(const tm_graph *g, tm_node n);
/* Ties of node n, both ways (its row's length: no walk): 0 for no node, -1
 * when a damaged snapshot cannot say. */
long tm_graph_degree(const tm_graph *g, tm_node n);

/* One traversed edge: the relation rel_id, walked from `from` to `to`;
 * forward is 1 when from is the relation's subject. */
typedef struct tm_step {
	tm_node from, to;
	int predicate;
	int64_t rel_id;
	int forward;
} tm_step;

typedef struct tm_path {
	tm_step *steps;
	size_t n; /* hops */
} tm_path;

typedef struct tm_paths {
	tm_path *v;
	size_t n, cap;
	int truncated; /* more paths existed than max_paths */
} tm_paths;
void tm_paths_release(tm_paths *p);

typedef struct tm_path_opts {
	int max_hops;        /* default 6 when 0 */
	uint64_t predicates; /* bit i set: tm_predicates[i] may be walked; 0 = all */
	uint64_t kinds;      /* bit i set: intermediate nodes of tm_kinds[i] allowed; 0 = all.
			      * tm_kinds_no_places() (model.h): places only as ends, the
			      * default of every path the CLI, the API and the site ask for */
	int32_t as_of;       /* YYYYMMDD: only ties valid that day; 0 = any time */
	size_t max_paths;    /* cap on paths returned; default 32 when 0 */
	int k;               /* > 0: the k shortest simple paths (Yen) instead of all shortest */
} tm_path_opts;

/* Paths between a and b, ties walked in either direction.  With k == 0,
 * every shortest path (bidirectional BFS), up to max_paths; with k > 0 the k
 * shortest simple paths in order of length.  No path within max_hops gives
 * TM_OK and zero paths.  Paths are sorted by length, then by their sequence
 * of relation ids, so results are deterministic. */
tm_rc tm_graph_paths(const tm_graph *g, tm_node a, tm_node b, const tm_path_opts *opts, tm_paths *out,
		     tm_err *err);

/* Ownership: walks ties whose predicate has `ownership` set (owns,
 * acquired), from the owned entity up to its owners. */
typedef struct tm_owner_chain {
	tm_node *nodes;   /* nodes[0] is the entity, nodes[n-1] an ultimate parent */
	int64_t *rel_ids; /* n-1 relations, rel_ids[i] links nodes[i] and nodes[i+1] */
	size_t n;
	double effective_share; /* product of the shares along the chain; < 0 if any is unknown */
} tm_owner_chain;

typedef struct tm_owner_total {
	tm_node parent;         /* an ultimate parent */
	double effective_share; /* summed over all chains to it; < 0 if any share unknown */
	size_t n_chains;
} tm_owner_total;

typedef struct tm_owners {
	tm_owner_chain *chains;
	size_t n_chains, cap_chains;
	tm_owner_total *totals; /* one per ultimate parent */
	size_t n_totals, cap_totals;
	int truncated;          /* max_chains reached */
} tm_owners;
void tm_owners_release(tm_owners *o);

/* The chains from node up to each ultimate parent (an owner with no owner,
 * or the last node before a cycle would repeat), at most max_depth hops
 * (0: 32) and max_chains chains (0: 1000).  Safe against ownership cycles. */
tm_rc tm_graph_owners(const tm_graph *g, tm_node node, int max_depth, size_t max_chains, tm_owners *out,
		      tm_err *err);

/* The ties of one node, with what a walk that weighs them needs.  For the
 * flagger, which follows ownership its own way (a share threshold, ties
 * valid today, both directions). */
typedef struct tm_tie {
	tm_step step;        /* from the node to the other end */
	double share;        /* percent, < 0 when unknown */
	int32_t start, end;  /* validity, as tm_graph_date_start/end */
} tm_tie;
typedef struct tm_ties {
	tm_tie *v;
	size_t n, cap;
} tm_ties;
void tm_ties_release(tm_ties *t);
enum { TM_TIES_OUT = 1, TM_TIES_IN = 2 }; /* the node is the subject / the object */
/* The ties of node whose predicate is in the mask (bit i: tm_predicates[i];
 * 0: all), in the directions asked (TM_TIES_OUT | TM_TIES_IN), appended to
 * *out (cleared first) in row order: by the other end's key, then relation id. */
tm_rc tm_graph_ties(const tm_graph *g, tm_node node, uint64_t predicates, int dirs, tm_ties *out, tm_err *err);

/* The neighbourhood of node within depth hops (either direction). */
typedef struct tm_hood {
	tm_node *nodes; /* nodes[0] is the centre; then by distance */
	int *dist;
	size_t n_nodes;
	tm_step *edges; /* every edge between two listed nodes, once */
	size_t n_edges;
	int truncated;  /* max_nodes reached */
} tm_hood;
void tm_hood_release(tm_hood *h);
tm_rc tm_graph_neighbors(const tm_graph *g, tm_node node, int depth, size_t max_nodes, tm_hood *out,
			 tm_err *err);
/* The same, expanding only nodes of the kinds in the mask (as
 * tm_path_opts.kinds; 0: all) besides the centre: a node of another kind is
 * listed, but the walk goes no further through it, and only its ties to
 * nodes that were expanded are listed.  With tm_kinds_no_places() a
 * neighbourhood reaches a country but not, through it, everything else in
 * that country. */
tm_rc tm_graph_neighbors_kinds(const tm_graph *g, tm_node node, int depth, size_t max_nodes, uint64_t kinds,
			       tm_hood *out, tm_err *err);

/* Exposure: every node within max_hops of one of the seed nodes (e.g. the
 * entities tagged `surveillance`), with the distance and one shortest path
 * from it to the nearest seed. */
typedef struct tm_exposed {
	tm_node node;
	int dist;
	tm_path path; /* from node to the seed; empty for a seed itself */
} tm_exposed;
typedef struct tm_exposure {
	tm_exposed *v;
	size_t n, cap;
} tm_exposure;
void tm_exposure_release(tm_exposure *x);
tm_rc tm_graph_exposure(const tm_graph *g, const tm_node *seeds, size_t n_seeds, int max_hops,
			tm_exposure *out, tm_err *err);
/* The same for one node only: its distance to the nearest seed within
 * max_hops and the path, or dist -1.  Uses a bounded BFS from node. */
tm_rc tm_graph_exposure_of(const tm_graph *g, tm_node node, const uint8_t *is_seed, int max_hops,
			   tm_exposed *out, tm_err *err);

typedef struct tm_graph_stats {
	uint32_t nodes, edges;
	uint32_t components, largest_component, isolated;
	uint32_t max_degree;
	double mean_degree;
	uint32_t median_degree;
} tm_graph_stats;
tm_rc tm_graph_stats_compute(const tm_graph *g, tm_graph_stats *out, tm_err *err);

#endif
