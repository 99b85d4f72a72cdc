/*
 * graph: the in-memory graph engine (contract in graph.h).
 *
 * Layout.  A path query spends its time reading node rows and per-node
 * state at random places in a graph far larger than the caches, so the
 * layout is made for few, contiguous reads:
 *
 * - One row per node holding both directions: its out-edges (the node is the
 *   subject) and then its in-edges, each part sorted by (neighbour key,
 *   relation id), so every traversal, and so every result, is deterministic
 *   and the same as if the rows were kept apart.  Expanding a node reads one
 *   offset pair and one contiguous run of neighbours.
 * - The row is three parallel arrays: the neighbour (all an unfiltered
 *   search reads), the edge id with ADJ_IN set on an in-edge, and the
 *   predicate (what a --via filter reads on every step).
 * - The attributes that only results and dated filters need (relation id,
 *   dates, share, predicate) are stored once, by edge id; edge ids number the
 *   edges by subject key, then object key and relation id.
 * - Nodes are numbered internally in breadth-first order (number_nodes()),
 *   so nodes a few hops apart have nearby numbers and their rows and state
 *   share cache lines and pages.  to_int and to_ext translate at the API:
 *   callers, results and every order a result is sorted in use the store's
 *   keys, and rows keep key order, so results are the same as by key.
 * - Large arrays ask for huge pages (big_alloc()).
 *
 * That is 39 bytes an edge and 13 a node: 1M nodes and 4M edges take
 * ~170 MB (shares are floats: a percent needs no more).
 *
 * Trust.  A graph mapped from a snapshot is read as it is on disk, without
 * a pass over it first (that pass took longer than the query it served).
 * Instead every read that could leave an array is checked where it happens:
 * a row's bounds are clamped to the rows, a neighbour must be a node and an
 * edge id an edge, a node key must translate to a node, and a path walk
 * may not take more steps than a consistent graph allows.  A check that
 * fails marks the query's scratch, and the query then fails with "damaged"
 * instead of answering.  A predicate or kind outside the vocabulary reads as
 * unknown.  A graph built in memory passes every check; the branches are
 * never taken and cost next to nothing.
 *
 * Scratch.  A query needs per-node state: a byte of marks (see M_DIST),
 * BFS queues, parent links.  Clearing arrays of a million entries per query
 * would cost more than the query, so a query unmarks only the nodes it
 * marked, which its queues list.  The scratch buffers live in a small
 * lock-free pool owned by the graph: a query takes one (or allocates one),
 * returns it when done, and tm_graph_free() frees them all.  That keeps the
 * graph shareable across threads without locks, without the thread-exit
 * leaks of _Thread_local caches, and without ever pairing a buffer with a
 * freed graph.  A buffer costs 1 byte a node for the marks, 8 for the BFS
 * queues and, for the queries that need them, 8 for parent links: 17 MB per
 * concurrent query on 1M nodes, of which a query touches only what it
 * reaches.
 */
#include "graph/graph.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "model/model.h"
#include "snap/snap.h"

#define NOT_REAL (-2)      /* kind of a key with no entity behind it */
#define PRED_NONE 255      /* predicate outside 0..254 */
#define HOPS_MAX 250       /* distances are kept in a byte; deeper asks are clamped */
#define POOL_SLOTS 16      /* scratch buffers kept for reuse */
#define EDGES_MAX 0x7fffffffu /* the top bit of an edge id says its direction */
#define ADJ_IN 0x80000000u /* row entries: an in-edge, the neighbour is the subject */
#define DIR_BIT 0x80000000u /* parent links: the step back to the parent is walked forward */
#define ROWS_AHEAD 4       /* a search asks for the row this many nodes ahead of the one it expands */
#define HUGE_MIN (4u << 20) /* arrays from this size on ask for huge pages */

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* An edge as added, before finish() sorts it into rows. */
struct raw_edge {
	int64_t rel_id;
	uint32_t subject, object;
	int32_t start, end;
	float share;
	uint8_t predicate;
};

/*
 * A query keeps one byte of state a node (mark): for each side of a search
 * (side 0: a, the centre, the seeds; side 1: b), the node's distance from
 * that side mod 3, plus one (0: not reached), and the M_* flags.  A byte is
 * enough because distances are only ever compared between neighbours, which
 * differ by at most one: mod 3 tells "one less", "the same" and "one more"
 * apart; a distance a result reports comes from the BFS layer the node is
 * in.  A million nodes take 1 MB, which stays in the core's L2 cache from
 * one query to the next, where 8-byte states took 8 MB and missed it on
 * nearly every neighbour.  Instead of clearing the array, a query clears
 * what it set: every node it marked is in one of its queues, its banned
 * list or its owners chain.
 */
#define M_SIDE(side) (3u << (2 * (side)))                            /* the side's distance bits */
#define M_DIST(side, d) ((uint8_t)((1 + (d) % 3) << (2 * (side))))  /* reached at distance d */
#define M_BANNED 0x10u /* may not be entered: Yen's root nodes; the owners chain so far */
#define M_ON_A 0x20u   /* on a shortest path, on the a side of the meeting layer */
#define M_CANDS 0x40u  /* aux holds the index of this node's successor range */

/* A step the path enumeration may take from a node, in relation id order. */
struct cand {
	int64_t rel;
	uint32_t to;  /* neighbour */
	uint32_t e;   /* edge id */
	uint8_t fwd;  /* walked from subject to object */
	uint8_t pred; /* the edge's predicate */
};

/* A node's successors: cand[beg .. beg+cnt). */
struct range {
	uint32_t beg, cnt;
};

/* One frame of the path enumeration's explicit stack. */
struct frame {
	tm_node node;
	uint32_t range; /* index into rng */
	uint32_t next;  /* next successor to try */
};

struct scratch {
	uint32_t n;     /* nodes covered */
	int damaged;    /* a check on the graph failed during this query */
	uint8_t *mark;  /* per node (see M_DIST); all zero between queries */
	uint32_t *q[2]; /* nodes reached from each side, in BFS order */
	uint32_t lay[2][HOPS_MAX + 2]; /* q[side][lay[side][d]] starts BFS layer d */
	uint32_t *aux;  /* per node: a parent or a range index, as the flags or the query say */
	uint32_t *aux2; /* per node: the parent edge id, DIR_BIT set when walked forward */
	struct cand *cand; /* successor lists of the nodes on shortest paths */
	size_t n_cand, cap_cand;
	struct range *rng; /* one per node with M_CANDS: its slice of cand */
	size_t n_rng, cap_rng;
	struct frame frames[HOPS_MAX + 1]; /* the enumeration's stack */
	tm_step steps[HOPS_MAX];           /* the path being enumerated */
};

/*
 * Nodes are internal numbers 0..n-1 inside this file; the API speaks node
 * keys (the store's entity keys), translated by to_int and to_ext.
 */
struct tm_graph {
	uint32_t n;       /* nodes 0..n-1 */
	uint32_t m;       /* edges, once finished */
	uint32_t n_adj;   /* row entries, 2m */
	int8_t *kind;     /* per node: tm_kinds index, -1 unknown, NOT_REAL (by key until finished) */
	int finished;     /* rows built; only queries from here on */
	tm_node bad_node; /* first out-of-range node given while building */
	int bad;          /* set when bad_node is meaningful: finish() fails */

	struct raw_edge *raw; /* edges as added; freed by finish() */
	size_t n_raw, cap_raw;

	uint32_t *off;    /* n+1: node u's row is [off[u], off[u+1]) of the three below */
	uint32_t *adj;    /* n_adj: the node at the other end */
	uint32_t *adj_e;  /* n_adj: the edge id, ADJ_IN set on an in-edge */
	uint8_t *adj_p;   /* n_adj: the edge's predicate, for filters */
	uint8_t *pred;    /* by edge id: the predicate */
	int64_t *rel;     /* by edge id: the relation */
	int32_t *start, *end; /* by edge id: validity, YYYYMMDD */
	float *share;     /* by edge id: percent, < 0 when unknown */
	uint32_t *to_int; /* n: node key → internal number */
	uint32_t *to_ext; /* n: internal number → node key */

	_Atomic(struct scratch *) *pool; /* POOL_SLOTS idle scratch buffers (or NULL) */
	/* one bit per internal node: a place kind (tm_kind.place), made on the
	 * first query that asks (place_bits()); a one-slot cell so that a const
	 * graph can publish it */
	_Atomic(uint8_t *) *places;
	tm_snap *snap;    /* a snapshot the arrays point into (tm_graph_map), or NULL */
};

/* The arrays, in the order of a snapshot's parts (snap_arrays()), and the
 * size of an element of each. */
enum { A_KIND, A_OFF, A_ADJ, A_ADJ_E, A_ADJ_P, A_PRED, A_REL, A_START, A_END, A_SHARE, A_TO_INT, A_TO_EXT };
static const uint8_t elem_size[] = { 1, 4, 4, 4, 1, 1, 8, 4, 4, 4, 4, 4 };

/* Before reading elements [i, i + n) of array a of a graph mapped from a
 * snapshot: have their blocks checked against the snapshot's checksums
 * (once each, snap.h); damage marks *bad, and the query then fails instead
 * of answering.  A graph built in memory has nothing to check: one
 * predictable branch. */
static inline void chk(const tm_graph *g, int *bad, int a, size_t i, size_t n)
{
	if (g->snap && tm_snap_check(g->snap, (size_t)a, i * elem_size[a], n * elem_size[a]))
		*bad = 1;
}

/* The filters of a path query, and Yen's removed edges. */
struct query {
	uint64_t preds;          /* 0: all predicates */
	uint64_t kinds;          /* 0: all kinds of intermediate node */
	int32_t as_of;           /* 0: any time */
	tm_node banned_at;       /* the spur node whose banned edges follow, or UINT32_MAX */
	const int64_t *banned_rels;
	size_t n_banned_rels;
};

/* ---- dates ---- */

static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int month_days(int year, int month)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return mdays[month - 1] + (month == 2 && leap);
}

/* A date that is not one (tm_date_precision() says 0) reads as open: the
 * importer rejects such dates, so here they can only mean "unknown". */
static int32_t date_int(const char *date, int at_end)
{
	int prec = tm_date_precision(date);
	if (!prec)
		return at_end ? TM_DATE_OPEN_END : TM_DATE_OPEN_START;
	int y = digits(date, 4);
	int m = prec >= 2 ? digits(date + 5, 2) : (at_end ? 12 : 1);
	int d = prec == 3 ? digits(date + 8, 2) : (at_end ? month_days(y, m) : 1);
	return (int32_t)(y * 10000 + m * 100 + d);
}

int32_t tm_graph_date_start(const char *date)
{
	return date_int(date, 0);
}

int32_t tm_graph_date_end(const char *date)
{
	return date_int(date, 1);
}

/* ---- building ---- */

tm_graph *tm_graph_new(uint32_t n_nodes)
{
	tm_graph *g = tm_xcalloc(1, sizeof(*g));
	if (n_nodes == UINT32_MAX)
		n_nodes--; /* off[] holds n+1 entries indexed by uint32 */
	g->n = n_nodes;
	g->kind = tm_xmalloc(n_nodes ? n_nodes : 1);
	memset(g->kind, NOT_REAL, n_nodes);
	g->pool = tm_xcalloc(POOL_SLOTS, sizeof(*g->pool));
	g->places = tm_xcalloc(1, sizeof(*g->places));
	return g;
}

static void note_bad(tm_graph *g, tm_node node)
{
	if (!g->bad) {
		g->bad = 1;
		g->bad_node = node;
	}
}

void tm_graph_set_node(tm_graph *g, tm_node node, int kind)
{
	if (g->finished)
		return;
	if (node >= g->n) {
		note_bad(g, node);
		return;
	}
	g->kind[node] = (int8_t)(kind >= 0 && kind < 127 ? kind : -1);
}

/* After finish() the graph is shared read-only, so a late add is dropped
 * rather than raced on. */
void tm_graph_add_edge(tm_graph *g, tm_node subject, tm_node object, int predicate, int64_t rel_id,
		       int32_t start, int32_t end, double share)
{
	if (g->finished)
		return;
	if (subject >= g->n || object >= g->n) {
		note_bad(g, subject >= g->n ? subject : object);
		return;
	}
	TM_GROW(g->raw, g->cap_raw, g->n_raw + 1);
	struct raw_edge *r = &g->raw[g->n_raw++];
	r->rel_id = rel_id;
	r->subject = subject;
	r->object = object;
	r->start = start;
	r->end = end;
	r->share = share < 0 ? -1.0f : (float)share;
	r->predicate = (uint8_t)(predicate >= 0 && predicate < PRED_NONE ? predicate : PRED_NONE);
}

struct rel_idx {
	int64_t rel;
	uint32_t idx;
};

static int cmp_rel_idx(const void *x, const void *y)
{
	const struct rel_idx *a = x, *b = y;
	if (a->rel != b->rel)
		return a->rel < b->rel ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Order one run of parallel edges (same subject and object) by relation id.
 * Runs are nearly always one or two long, so the whole pass stays linear. */
static void sort_run(const struct raw_edge *raw, uint32_t *v, uint32_t len)
{
	if (len <= 16) {
		for (uint32_t i = 1; i < len; i++) {
			uint32_t x = v[i], j = i;
			while (j > 0 && raw[v[j - 1]].rel_id > raw[x].rel_id) {
				v[j] = v[j - 1];
				j--;
			}
			v[j] = x;
		}
		return;
	}
	struct rel_idx *t = tm_xmalloc(len * sizeof(*t));
	for (uint32_t i = 0; i < len; i++) {
		t[i].rel = raw[v[i]].rel_id;
		t[i].idx = v[i];
	}
	qsort(t, len, sizeof(*t), cmp_rel_idx);
	for (uint32_t i = 0; i < len; i++)
		v[i] = t[i].idx;
	free(t);
}

/*
 * An array of the built graph.  A search reads rows at random across tens of
 * megabytes; with 4 KiB pages nearly every row read also misses the TLB, so
 * large arrays ask for 2 MiB pages (a hint: without transparent huge pages
 * this is a plain allocation).  Freed with free().
 */
static void *big_alloc(size_t n)
{
	if (n < HUGE_MIN)
		return tm_xmalloc(n);
	void *p = NULL;
	if (posix_memalign(&p, 2u << 20, n) != 0)
		return tm_xmalloc(n);
#ifdef MADV_HUGEPAGE
	madvise(p, n, MADV_HUGEPAGE);
#endif
	return p;
}

/* Turn counts per node (cnt[0..n-1]) into row offsets off[0..n]. */
static void counts_to_offsets(const uint32_t *cnt, uint32_t *off, uint32_t n)
{
	uint32_t sum = 0;
	for (uint32_t u = 0; u < n; u++) {
		off[u] = sum;
		sum += cnt[u];
	}
	off[n] = sum;
}

/*
 * The internal numbering: breadth first from the node with the most edges
 * (the lowest key among equals), rows in key order, then from the lowest
 * key not reached yet, and so on.  Nodes a few hops apart get nearby
 * numbers, so the rows and state a search reads as it widens share cache
 * lines and pages: at 1M entities a path query runs 10-15 % faster than
 * with nodes numbered by falling degree, and about twice as fast as by key.
 * Fills to_ext (internal → key) and to_int (key → internal).
 */
static void number_nodes(const uint32_t *off_out, const uint32_t *out_nbr, const uint32_t *off_in,
			 const uint32_t *in_nbr, uint32_t n, uint32_t *to_ext, uint32_t *to_int)
{
	uint32_t hub = 0, hub_deg = 0;
	for (uint32_t u = 0; u < n; u++) {
		uint32_t d = off_out[u + 1] - off_out[u] + off_in[u + 1] - off_in[u];
		if (d > hub_deg) {
			hub = u;
			hub_deg = d;
		}
	}
	/* to_int doubles as "reached" until every node has its number */
	for (uint32_t u = 0; u < n; u++)
		to_int[u] = UINT32_MAX;
	uint32_t head = 0, tail = 0, root = hub, next_root = 0;
	while (tail < n) {
		to_int[root] = tail;
		to_ext[tail++] = root;
		while (head < tail) {
			uint32_t u = to_ext[head++];
			for (int dir = 0; dir < 2; dir++) {
				const uint32_t *off = dir ? off_in : off_out, *nbr = dir ? in_nbr : out_nbr;
				for (uint32_t j = off[u]; j < off[u + 1]; j++) {
					uint32_t w = nbr[j];
					if (to_int[w] == UINT32_MAX) {
						to_int[w] = tail;
						to_ext[tail++] = w;
					}
				}
			}
		}
		while (next_root < n && to_int[next_root] != UINT32_MAX)
			next_root++;
		root = next_root;
	}
}

/*
 * First the rows by key, as two stable counting sorts, O(V+E): raw edges by
 * object, then that order by subject, so each out-row comes out sorted by
 * object (parallel edges are then put in relation id order); then the
 * out-rows scattered by object give in-rows sorted by subject and relation
 * id.  Each pass reads its input in order and carries what the next pass
 * needs, because random reads into the raw edges (32 bytes each) are what
 * would make this slow.  Then the nodes are numbered and each node's out-row
 * and in-row are copied, in that order, into its one row.
 */
tm_rc tm_graph_finish(tm_graph *g, tm_err *err)
{
	if (g->finished)
		return tm_fail(err, TM_ERR_INVALID, "graph already finished");
	if (g->bad)
		return tm_fail(err, TM_ERR_INVALID, "node %u out of range (graph has %u nodes)", g->bad_node, g->n);
	if (g->n_raw > EDGES_MAX)
		return tm_fail(err, TM_ERR_LIMIT, "too many edges (%zu)", g->n_raw);
	uint32_t n = g->n, m = (uint32_t)g->n_raw;
	size_t nn = (size_t)n + 1, mm = m ? m : 1;
	const struct raw_edge *raw = g->raw;
	uint32_t *cnt[2], *off_row[2], *cur = tm_xmalloc(nn * sizeof(*cur));
	for (int dir = 0; dir < 2; dir++) {
		cnt[dir] = tm_xcalloc(nn, sizeof(uint32_t));
		off_row[dir] = tm_xmalloc(nn * sizeof(uint32_t));
	}
	for (uint32_t i = 0; i < m; i++) {
		cnt[0][raw[i].subject]++;
		cnt[1][raw[i].object]++;
	}
	for (int dir = 0; dir < 2; dir++) {
		counts_to_offsets(cnt[dir], off_row[dir], n);
		free(cnt[dir]);
	}
	const uint32_t *off_out = off_row[0], *off_in = off_row[1];

	uint32_t *by_obj = tm_xmalloc(mm * sizeof(uint32_t));
	uint32_t *subj_of = tm_xmalloc(mm * sizeof(uint32_t));
	memcpy(cur, off_in, nn * sizeof(*cur));
	for (uint32_t i = 0; i < m; i++) {
		uint32_t pos = cur[raw[i].object]++;
		by_obj[pos] = i;
		subj_of[pos] = raw[i].subject;
	}

	uint32_t *by_subj = tm_xmalloc(mm * sizeof(uint32_t));
	uint32_t *out_nbr = tm_xmalloc(mm * sizeof(uint32_t));
	memcpy(cur, off_out, nn * sizeof(*cur));
	for (uint32_t u = 0; u < n; u++) {
		for (uint32_t j = off_in[u]; j < off_in[u + 1]; j++) {
			uint32_t pos = cur[subj_of[j]]++;
			by_subj[pos] = by_obj[j];
			out_nbr[pos] = u;
		}
	}
	free(subj_of);

	for (uint32_t u = 0; u < n; u++) {
		uint32_t lo = off_out[u], hi = off_out[u + 1];
		while (lo < hi) {
			uint32_t run = lo + 1;
			while (run < hi && out_nbr[run] == out_nbr[lo])
				run++;
			if (run - lo > 1)
				sort_run(raw, by_subj + lo, run - lo);
			lo = run;
		}
	}

	/* by_obj is free again: it becomes the inverse permutation; an edge's id
	 * is its place among the out-rows by key */
	uint32_t *edge_of = by_obj;
	for (uint32_t e = 0; e < m; e++)
		edge_of[by_subj[e]] = e;
	free(by_subj);
	uint8_t *pred = g->pred = big_alloc(mm);
	int64_t *rel = g->rel = big_alloc(mm * sizeof(int64_t));
	int32_t *start = g->start = big_alloc(mm * sizeof(int32_t));
	int32_t *end = g->end = big_alloc(mm * sizeof(int32_t));
	float *share = g->share = big_alloc(mm * sizeof(float));
	for (uint32_t i = 0; i < m; i++) {
		uint32_t e = edge_of[i];
		pred[e] = raw[i].predicate;
		rel[e] = raw[i].rel_id;
		start[e] = raw[i].start;
		end[e] = raw[i].end;
		share[e] = raw[i].share;
	}
	free(edge_of);
	free(g->raw);
	g->raw = NULL;
	g->n_raw = g->cap_raw = 0;

	/* the in-rows, as subject keys, edge ids and predicates */
	uint32_t *in_nbr = tm_xmalloc(mm * sizeof(uint32_t));
	uint32_t *in_id = tm_xmalloc(mm * sizeof(uint32_t));
	uint8_t *in_pred = tm_xmalloc(mm);
	memcpy(cur, off_in, nn * sizeof(*cur));
	for (uint32_t u = 0; u < n; u++) {
		for (uint32_t e = off_out[u]; e < off_out[u + 1]; e++) {
			uint32_t pos = cur[out_nbr[e]]++;
			in_nbr[pos] = u;
			in_id[pos] = e;
			in_pred[pos] = pred[e];
		}
	}
	free(cur);

	uint32_t *to_ext = g->to_ext = big_alloc(nn * sizeof(uint32_t));
	uint32_t *to_int = g->to_int = big_alloc(nn * sizeof(uint32_t));
	number_nodes(off_out, out_nbr, off_in, in_nbr, n, to_ext, to_int);
	size_t n_adj = 2 * (size_t)m;
	uint32_t *off = g->off = big_alloc(nn * sizeof(uint32_t));
	uint32_t *adj = g->adj = big_alloc((n_adj ? n_adj : 1) * sizeof(uint32_t));
	uint32_t *adj_e = g->adj_e = big_alloc((n_adj ? n_adj : 1) * sizeof(uint32_t));
	uint8_t *adj_p = g->adj_p = big_alloc(n_adj ? n_adj : 1);
	int8_t *kind = tm_xmalloc(n ? n : 1);
	/* rows placed in internal order, filled in key order: the reads run
	 * through the rows by key in order, each row is written in one piece */
	uint32_t at = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t u = to_ext[i];
		off[i] = at;
		kind[i] = g->kind[u];
		at += off_out[u + 1] - off_out[u] + off_in[u + 1] - off_in[u];
	}
	for (uint32_t u = 0; u < n; u++) {
		uint32_t to = off[to_int[u]];
		for (uint32_t e = off_out[u]; e < off_out[u + 1]; e++, to++) {
			adj[to] = to_int[out_nbr[e]];
			adj_e[to] = e;
			adj_p[to] = pred[e];
		}
		for (uint32_t j = off_in[u]; j < off_in[u + 1]; j++, to++) {
			adj[to] = to_int[in_nbr[j]];
			adj_e[to] = in_id[j] | ADJ_IN;
			adj_p[to] = in_pred[j];
		}
	}
	off[n] = at;
	free(g->kind);
	g->kind = kind;
	free(out_nbr);
	free(in_nbr);
	free(in_id);
	free(in_pred);
	free(off_row[0]);
	free(off_row[1]);
	g->m = m;
	g->n_adj = (uint32_t)n_adj;
	g->finished = 1;
	return TM_OK;
}

static void scratch_free(struct scratch *s)
{
	if (!s)
		return;
	free(s->mark);
	free(s->q[0]);
	free(s->q[1]);
	free(s->aux);
	free(s->aux2);
	free(s->cand);
	free(s->rng);
	free(s);
}

void tm_graph_free(tm_graph *g)
{
	if (!g)
		return;
	for (int i = 0; i < POOL_SLOTS; i++)
		scratch_free(atomic_load(&g->pool[i]));
	free(g->pool);
	if (g->places)
		free(atomic_load(g->places));
	free(g->places);
	if (g->snap) {
		/* the arrays live in the mapping */
		tm_snap_free(g->snap);
		free(g);
		return;
	}
	free(g->kind);
	free(g->raw);
	free(g->off);
	free(g->adj);
	free(g->adj_e);
	free(g->adj_p);
	free(g->pred);
	free(g->rel);
	free(g->start);
	free(g->end);
	free(g->share);
	free(g->to_int);
	free(g->to_ext);
	free(g);
}

uint32_t tm_graph_n_nodes(const tm_graph *g)
{
	return g->n;
}

uint64_t tm_graph_n_edges(const tm_graph *g)
{
	return g->finished ? g->m : g->n_raw;
}

/* Where node key x's kind is: by key while building, by number after;
 * UINT32_MAX when x is no node or a damaged snapshot maps it nowhere (a
 * damaged block marks *bad). */
static uint32_t kind_at(const tm_graph *g, tm_node x, int *bad)
{
	if (x >= g->n)
		return UINT32_MAX;
	if (!g->finished)
		return x;
	chk(g, bad, A_TO_INT, x, 1);
	uint32_t i = g->to_int[x];
	if (i >= g->n)
		return UINT32_MAX;
	chk(g, bad, A_KIND, i, 1);
	return i;
}

/* On a damaged snapshot: 1, so that the query a caller makes next fails
 * and says why, where 0 would quietly leave the node out. */
int tm_graph_node_exists(const tm_graph *g, tm_node n)
{
	int bad = 0;
	uint32_t i = kind_at(g, n, &bad);
	return bad || (i != UINT32_MAX && g->kind[i] != NOT_REAL);
}

/* A kind outside the vocabulary (only a damaged snapshot has one) reads as
 * unknown, so callers may index tm_kinds with the answer. */
int tm_graph_node_kind(const tm_graph *g, tm_node n)
{
	int bad = 0;
	uint32_t i = kind_at(g, n, &bad);
	int k = i != UINT32_MAX && !bad ? g->kind[i] : -1;
	return k >= 0 && (size_t)k < tm_n_kinds ? k : -1;
}

/* ---- scratch ---- */

static struct scratch *scratch_get(const tm_graph *g)
{
	struct scratch *s = NULL;
	for (int i = 0; i < POOL_SLOTS && !s; i++) {
		if (!atomic_load_explicit(&g->pool[i], memory_order_relaxed))
			continue;
		s = atomic_exchange(&g->pool[i], NULL);
	}
	if (!s) {
		s = tm_xcalloc(1, sizeof(*s));
		size_t n = g->n ? g->n : 1;
		s->n = g->n;
		s->mark = tm_xcalloc(n, 1);
		s->q[0] = tm_xmalloc(n * sizeof(uint32_t));
		s->q[1] = tm_xmalloc(n * sizeof(uint32_t));
	}
	s->damaged = 0;
	return s;
}

static void scratch_put(const tm_graph *g, struct scratch *s)
{
	for (int i = 0; i < POOL_SLOTS; i++) {
		struct scratch *expected = NULL;
		if (atomic_compare_exchange_strong(&g->pool[i], &expected, s))
			return;
	}
	scratch_free(s);
}

/* Parent arrays are only needed by some queries: allocated on first use. */
static void scratch_need_aux(struct scratch *s)
{
	size_t n = s->n ? s->n : 1;
	if (!s->aux)
		s->aux = tm_xmalloc(n * sizeof(uint32_t));
	if (!s->aux2)
		s->aux2 = tm_xmalloc(n * sizeof(uint32_t));
}

/* Unmark the first cnt nodes of a queue. */
static void unmark(struct scratch *s, const uint32_t *queue, uint32_t cnt)
{
	for (uint32_t i = 0; i < cnt; i++)
		s->mark[queue[i]] = 0;
}

/* ---- rows and edges ---- */

/* Node u's row, [return value, *end).  Clamped to the entries, so that a
 * damaged snapshot can make a row wrong but never point outside them. */
static inline uint32_t row(const tm_graph *g, int *bad, tm_node u, uint32_t *end)
{
	chk(g, bad, A_OFF, u, 2);
	uint32_t lo = g->off[u], hi = g->off[u + 1];
	if (hi > g->n_adj || lo > hi) {
		*bad = 1;
		lo = hi = 0;
	}
	if (g->snap && hi > lo) {
		/* all that reads the row reads these three (and stays in [lo, hi)) */
		chk(g, bad, A_ADJ, lo, hi - lo);
		chk(g, bad, A_ADJ_E, lo, hi - lo);
		chk(g, bad, A_ADJ_P, lo, hi - lo);
	}
	*end = hi;
	return lo;
}

long tm_graph_degree(const tm_graph *g, tm_node n)
{
	int bad = 0;
	uint32_t i = kind_at(g, n, &bad);
	if (bad)
		return -1;
	if (i == UINT32_MAX || !g->finished)
		return 0;
	uint32_t end, lo = row(g, &bad, i, &end);
	return bad ? -1 : (long)(end - lo);
}

/* Where the in-edges of the row [lo, hi) start: the row holds the out-edges
 * first, so a binary search finds the first ADJ_IN.  (On a damaged snapshot
 * the answer is some place in the row.)  For the queries that walk one
 * direction only: owners up the in-edges, edges listed from their subject. */
static inline uint32_t in_edges(const tm_graph *g, uint32_t lo, uint32_t hi)
{
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (g->adj_e[mid] & ADJ_IN)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/*
 * A search expanding queue[i] asks for the rows it will expand next: the
 * offsets two steps ahead, the row (which needs its offset) one step ahead.
 * The nodes of a layer are far apart, so without this every row start is a
 * cache miss the loop waits for; with it the misses overlap.
 */
static inline void rows_ahead(const tm_graph *g, const uint32_t *queue, uint32_t i, uint32_t hi)
{
	if (i + 2 * ROWS_AHEAD < hi)
		PREFETCH(&g->off[queue[i + 2 * ROWS_AHEAD]]);
	if (i + ROWS_AHEAD < hi) {
		uint32_t at = g->off[queue[i + ROWS_AHEAD]];
		if (at < g->n_adj) {
			PREFETCH(&g->adj[at]);
		}
	}
}

/* What a search weighs before expanding u: its row length (unchecked, nor
 * checked against the snapshot's checksums: a damaged value only makes a
 * worse choice of side, and the row is checked when it is expanded). */
static inline uint64_t degree(const tm_graph *g, tm_node u)
{
	return (uint32_t)(g->off[u + 1] - g->off[u]);
}

/* The neighbour at row entry pos, or UINT32_MAX when it is no node. */
static inline tm_node nbr_at(const tm_graph *g, int *bad, uint32_t pos)
{
	tm_node w = g->adj[pos];
	if (w >= g->n) {
		*bad = 1;
		return UINT32_MAX;
	}
	return w;
}

/* The edge id at row entry pos (ADJ_IN kept), or UINT32_MAX when it is no edge. */
static inline uint32_t edge_at(const tm_graph *g, int *bad, uint32_t pos)
{
	uint32_t ae = g->adj_e[pos];
	if ((ae & ~ADJ_IN) >= g->m) {
		*bad = 1;
		return UINT32_MAX;
	}
	return ae;
}

/* A predicate outside the vocabulary reads as unknown (-1): callers index
 * tm_predicates with the answer. */
static inline int pred_report(uint8_t p)
{
	return p < tm_n_predicates ? p : -1;
}

static inline int edge_ok(const tm_graph *g, int *bad, const struct query *q, tm_node u, tm_node w, uint32_t e,
			  uint8_t pred)
{
	if (q->preds && (pred >= 64 || !((q->preds >> pred) & 1)))
		return 0;
	if (q->as_of) {
		chk(g, bad, A_START, e, 1);
		chk(g, bad, A_END, e, 1);
		if (g->start[e] > q->as_of || g->end[e] < q->as_of)
			return 0;
	}
	if (q->n_banned_rels && (u == q->banned_at || w == q->banned_at)) {
		chk(g, bad, A_REL, e, 1);
		for (size_t i = 0; i < q->n_banned_rels; i++)
			if (q->banned_rels[i] == g->rel[e])
				return 0;
	}
	return 1;
}

static inline int kind_ok(const tm_graph *g, int *bad, const struct query *q, tm_node w)
{
	if (!q->kinds)
		return 1;
	chk(g, bad, A_KIND, w, 1);
	int k = g->kind[w];
	return k >= 0 && k < 64 && ((q->kinds >> k) & 1);
}

/*
 * The place bits of the internal nodes (a place kind, tm_kind.place, or an
 * unknown kind: what tm_kinds_no_places() does not let through), made once per graph
 * by the first query that walks around places (the usual one: `tiemap path`
 * leaves places out of the inside of paths), and shared after that.  A bit
 * a node is 125 KB at a million nodes, which stays in the cache beside the
 * marks; reading the kind array (a byte a node) for every new node cost a
 * cache miss each.  A mapped snapshot does not carry them: a snapshot stays
 * O(1) to open, and the first such query pays the scan (about a millisecond
 * at a million nodes), which checks the kinds it reads: NULL when a
 * snapshot's kinds are damaged, and the query takes the general loop, which
 * says so where it reads the damage.
 */
static const uint8_t *place_bits(const tm_graph *g)
{
	uint8_t *b = atomic_load(g->places);
	if (b)
		return b;
	int bad = 0;
	chk(g, &bad, A_KIND, 0, g->n);
	if (bad)
		return NULL;
	b = tm_xcalloc(g->n / 8 + 1, 1);
	/* exactly what kind_ok() refuses under tm_kinds_no_places(): the places,
	 * and a kind this build does not know */
	uint64_t allowed = tm_kinds_no_places();
	for (uint32_t i = 0; i < g->n; i++) {
		int k = g->kind[i];
		if (k < 0 || k >= 64 || !((allowed >> k) & 1))
			b[i >> 3] |= (uint8_t)(1u << (i & 7));
	}
	uint8_t *none = NULL;
	if (!atomic_compare_exchange_strong(g->places, &none, b)) {
		free(b); /* another thread published the same bits first */
		return none;
	}
	return b;
}

/* A step between internal nodes; the API turns them into keys (steps_to_keys). */
static void fill_step(const tm_graph *g, int *bad, tm_step *st, tm_node from, tm_node to, uint32_t e, int fwd)
{
	chk(g, bad, A_PRED, e, 1);
	chk(g, bad, A_REL, e, 1);
	st->from = from;
	st->to = to;
	st->predicate = pred_report(g->pred[e]);
	st->rel_id = g->rel[e];
	st->forward = fwd;
}

/* The key of internal node i; a damaged to_ext marks the scratch. */
static inline tm_node key_of(const tm_graph *g, struct scratch *s, tm_node i)
{
	chk(g, &s->damaged, A_TO_EXT, i, 1);
	tm_node x = g->to_ext[i];
	if (x >= g->n) {
		s->damaged = 1;
		return 0;
	}
	return x;
}

static void steps_to_keys(const tm_graph *g, struct scratch *s, tm_step *st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		st[i].from = key_of(g, s, st[i].from);
		st[i].to = key_of(g, s, st[i].to);
	}
}

/* Node key x as an internal number, after checking it. */
static tm_rc check_node(const tm_graph *g, tm_node x, tm_node *out, tm_err *err);

static tm_rc damaged(const tm_graph *g, tm_err *err)
{
	if (g->snap)
		return tm_fail(err, TM_ERR_IO, "graph snapshot '%s' is damaged: remove it to rebuild it",
			       tm_snap_path(g->snap));
	return tm_fail(err, TM_ERR_INTERNAL, "graph is damaged");
}

/* ---- paths ---- */

void tm_paths_release(tm_paths *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].steps);
	free(p->v);
	memset(p, 0, sizeof(*p));
}

static void paths_push(tm_paths *p, const tm_step *steps, size_t n)
{
	TM_GROW(p->v, p->cap, p->n + 1);
	tm_path *path = &p->v[p->n++];
	path->n = n;
	path->steps = NULL;
	if (n) {
		path->steps = tm_xmalloc(n * sizeof(*steps));
		memcpy(path->steps, steps, n * sizeof(*steps));
	}
}

static int path_cmp(const tm_path *x, const tm_path *y)
{
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	for (size_t i = 0; i < x->n; i++)
		if (x->steps[i].rel_id != y->steps[i].rel_id)
			return x->steps[i].rel_id < y->steps[i].rel_id ? -1 : 1;
	return 0;
}

static int path_qcmp(const void *x, const void *y)
{
	return path_cmp(x, y);
}

/*
 * Expand layer d of one side of the bidirectional search; the other side
 * has reached depth_other.  Returns the length of the shortest paths once a
 * node both sides have reached is seen, else -1.  Every such meeting node
 * is at distance depth_other from the other side (had the other side reached
 * it sooner, it would have reached this side's layer d sooner, and the
 * sides would have met before), so the length is d + 1 + depth_other.  Once
 * one meeting is seen this is the last layer, so other new nodes are left
 * unmarked: nothing later reads them.  *cost is the work of expanding the
 * new layer: its nodes and their row entries.
 *
 * This is the general form, with filters and banned nodes; expand_plain()
 * is the same search for a query with neither.
 */
static int expand(const tm_graph *g, struct scratch *s, const struct query *q, int side, int d, int depth_other,
		  tm_node a, tm_node b, uint64_t *cost)
{
	uint32_t lo = s->lay[side][d], hi = s->lay[side][d + 1], tail = hi;
	uint32_t *queue = s->q[side];
	uint8_t *mark = s->mark, mine = M_SIDE(side), theirs = M_SIDE(!side), dist = M_DIST(side, d + 1);
	uint64_t next = 0;
	int met = 0;
	for (uint32_t i = lo; i < hi; i++) {
		tm_node u = queue[i];
		rows_ahead(g, queue, i, hi);
		uint32_t end, pos = row(g, &s->damaged, u, &end);
		for (; pos < end; pos++) {
			tm_node w = nbr_at(g, &s->damaged, pos);
			uint32_t ae = edge_at(g, &s->damaged, pos);
			if (w == UINT32_MAX || ae == UINT32_MAX || !edge_ok(g, &s->damaged, q, u, w, ae & ~ADJ_IN, g->adj_p[pos]))
				continue;
			uint8_t mk = mark[w];
			if ((mk & mine) || (mk & M_BANNED))
				continue;
			if (met && !(mk & theirs))
				continue;
			if (w != a && w != b && !kind_ok(g, &s->damaged, q, w))
				continue;
			met |= (mk & theirs) != 0;
			mark[w] = mk | dist;
			queue[tail++] = w;
			next += 1 + degree(g, w);
		}
	}
	s->lay[side][d + 2] = tail;
	*cost = next;
	return met ? d + 1 + depth_other : -1;
}

/* expand() for a query with no filter and no banned node: the loop every
 * plain `tiemap path` runs, reading nothing of an edge but its neighbour.
 * With places (a bitset of place nodes: a country, a region, a city), the
 * one filter nearly every query has, those are never entered, except as the
 * other end (the other side marked it at the start): the test costs nothing
 * for a node seen before and one bit read for a new one.  Inlined into the
 * two callers below, so that the plain loop has no test at all. */
static inline int expand_fast(const tm_graph *g, struct scratch *s, const uint8_t *places, int side, int d,
			      int depth_other, uint64_t *cost)
{
	uint32_t lo = s->lay[side][d], hi = s->lay[side][d + 1], tail = hi, n = g->n;
	uint32_t *queue = s->q[side];
	const uint32_t *adj = g->adj;
	uint8_t *mark = s->mark, mine = M_SIDE(side), theirs = M_SIDE(!side), dist = M_DIST(side, d + 1);
	uint64_t next = 0;
	int met = 0;
	for (uint32_t i = lo; i < hi; i++) {
		rows_ahead(g, queue, i, hi);
		uint32_t end, pos = row(g, &s->damaged, queue[i], &end);
		for (; pos < end; pos++) {
			tm_node w = adj[pos];
			if (w >= n) {
				s->damaged = 1;
				continue;
			}
			uint8_t mk = mark[w];
			if (mk & mine)
				continue;
			if (mk & theirs)
				met = 1;
			else if (met || (places && ((places[w >> 3] >> (w & 7)) & 1)))
				continue;
			mark[w] = mk | dist;
			queue[tail++] = w;
			next += 1 + degree(g, w);
		}
	}
	s->lay[side][d + 2] = tail;
	*cost = next;
	return met ? d + 1 + depth_other : -1;
}

static int expand_plain(const tm_graph *g, struct scratch *s, int side, int d, int depth_other, uint64_t *cost)
{
	return expand_fast(g, s, NULL, side, d, depth_other, cost);
}

static int expand_noplace(const tm_graph *g, struct scratch *s, const uint8_t *places, int side, int d, int depth_other,
			  uint64_t *cost)
{
	return expand_fast(g, s, places, side, d, depth_other, cost);
}

/*
 * Flag every node of the a side that lies on a shortest path: the meeting
 * nodes (those of the a side's last layer p the b side reached) and, walking
 * back layer by layer, their neighbours one layer nearer a.  The enumeration
 * then never enters a dead end.
 */
static void mark_a_side(const tm_graph *g, struct scratch *s, const struct query *q, int plain, int p)
{
	uint8_t *mark = s->mark;
	for (uint32_t i = s->lay[0][p]; i < s->lay[0][p + 1]; i++) {
		tm_node v = s->q[0][i];
		if (mark[v] & M_SIDE(1))
			mark[v] |= M_ON_A;
	}
	for (int d = p; d > 0; d--) {
		uint8_t before = M_DIST(0, d - 1);
		for (uint32_t i = s->lay[0][d]; i < s->lay[0][d + 1]; i++) {
			tm_node v = s->q[0][i];
			if (!(mark[v] & M_ON_A))
				continue;
			uint32_t end, pos = row(g, &s->damaged, v, &end);
			for (; pos < end; pos++) {
				tm_node u = nbr_at(g, &s->damaged, pos);
				if (u == UINT32_MAX || (mark[u] & M_SIDE(0)) != before)
					continue;
				if (!plain) {
					uint32_t ae = edge_at(g, &s->damaged, pos);
					if (ae == UINT32_MAX || !edge_ok(g, &s->damaged, q, v, u, ae & ~ADJ_IN, g->adj_p[pos]))
						continue;
				}
				mark[u] |= M_ON_A;
			}
		}
	}
}

static int cmp_cand(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->rel != b->rel)
		return a->rel < b->rel ? -1 : 1;
	if (a->fwd != b->fwd)
		return a->fwd < b->fwd ? -1 : 1;
	/* one relation id twice from a node the same way (only a graph built by
	 * hand has that): edge ids run in the order of the other end's key */
	return a->e < b->e ? -1 : a->e > b->e;
}

/*
 * The successors of u, at hop `at` of the paths, on shortest paths of
 * length L, sorted by relation id; computed once per node and query (a node
 * has the same place on every shortest path through it).  Before the
 * meeting layer p a successor is one layer further from a and flagged
 * M_ON_A; from it on, one step nearer b.
 */
static uint32_t successors(const tm_graph *g, struct scratch *s, const struct query *q, tm_node u, int at, int p,
			   int L)
{
	uint8_t *mark = s->mark;
	if (mark[u] & M_CANDS)
		return s->aux[u];
	int a_side = (mark[u] & M_ON_A) && at < p;
	uint8_t want_mask = a_side ? (uint8_t)(M_ON_A | M_SIDE(0)) : (uint8_t)M_SIDE(1);
	uint8_t want = a_side ? (uint8_t)(M_ON_A | M_DIST(0, at + 1)) : M_DIST(1, L - at - 1);
	uint32_t beg = (uint32_t)s->n_cand;
	uint32_t end, pos = row(g, &s->damaged, u, &end);
	for (; pos < end; pos++) {
		tm_node w = nbr_at(g, &s->damaged, pos);
		if (w == UINT32_MAX || (mark[w] & want_mask) != want)
			continue;
		uint32_t ae = edge_at(g, &s->damaged, pos);
		if (ae == UINT32_MAX)
			continue;
		uint32_t e = ae & ~ADJ_IN;
		if (!edge_ok(g, &s->damaged, q, u, w, e, g->adj_p[pos]))
			continue;
		TM_GROW(s->cand, s->cap_cand, s->n_cand + 1);
		struct cand *c = &s->cand[s->n_cand++];
		c->to = w;
		c->e = e;
		c->fwd = (uint8_t)!(ae & ADJ_IN);
	}
	uint32_t cnt = (uint32_t)s->n_cand - beg;
	struct cand *v = s->cand + beg;
	/* by edge id, read once the row is done: each read misses the cache,
	 * and with no branch between them they overlap */
	for (uint32_t i = 0; g->snap && i < cnt; i++) {
		chk(g, &s->damaged, A_REL, v[i].e, 1);
		chk(g, &s->damaged, A_PRED, v[i].e, 1);
	}
	for (uint32_t i = 0; i < cnt; i++) {
		v[i].rel = g->rel[v[i].e];
		v[i].pred = g->pred[v[i].e];
	}
	if (cnt > 1)
		qsort(v, cnt, sizeof(*v), cmp_cand);
	TM_GROW(s->rng, s->cap_rng, s->n_rng + 1);
	s->rng[s->n_rng].beg = beg;
	s->rng[s->n_rng].cnt = cnt;
	mark[u] |= M_CANDS;
	s->aux[u] = (uint32_t)s->n_rng;
	return (uint32_t)s->n_rng++;
}

/*
 * Walk the layered DAG of shortest paths depth first, successors in relation
 * id order, so paths come out in order of their relation ids and the first
 * max_paths are the ones kept.  Every step leads to b (the DAG has no dead
 * ends), so the walk takes at most (max_paths + 1) * L steps; a damaged
 * snapshot can break that, and then the walk stops instead of wandering.
 */
static void enumerate(const tm_graph *g, struct scratch *s, const struct query *q, tm_node a, tm_node b, int p,
		      int L, size_t max_paths, tm_paths *out)
{
	size_t found = 0, steps = 0;
	size_t max_steps = max_paths < SIZE_MAX / ((size_t)L + 1) ? (max_paths + 1) * (size_t)L : SIZE_MAX;
	int depth = 0;
	s->frames[0].node = a;
	s->frames[0].range = successors(g, s, q, a, 0, p, L);
	s->frames[0].next = 0;
	while (depth >= 0) {
		struct frame *f = &s->frames[depth];
		if (depth == L) {
			if (found == max_paths) {
				out->truncated = 1;
				return;
			}
			paths_push(out, s->steps, (size_t)L);
			found++;
			depth--;
			continue;
		}
		const struct range *r = &s->rng[f->range];
		if (f->next == r->cnt) {
			depth--;
			continue;
		}
		if (++steps > max_steps) {
			s->damaged = 1;
			return;
		}
		const struct cand *c = &s->cand[r->beg + f->next++];
		tm_step *st = &s->steps[depth];
		st->from = f->node;
		st->to = c->to;
		st->predicate = pred_report(c->pred);
		st->rel_id = c->rel;
		st->forward = c->fwd;
		struct frame *nf = &s->frames[depth + 1];
		tm_node to = c->to; /* successors() may move the candidates */
		nf->node = to;
		nf->next = 0;
		nf->range = to == b ? 0 : successors(g, s, q, to, depth + 1, p, L);
		depth++;
	}
}

/*
 * Every shortest path from a to b within max_hops (at most max_paths of
 * them, in relation id order), appended to out.  The banned nodes may not be
 * entered.  Bidirectional BFS expanding the cheaper frontier; after the layer
 * where the two sides first meet, all nodes up to each side's depth have
 * exact distances, so every shortest path of length L crosses the a side's
 * last layer p at a node the b side reached, at distance L - p from b.
 */
static void all_shortest(const tm_graph *g, struct scratch *s, const struct query *q, tm_node a, tm_node b,
			 int max_hops, size_t max_paths, const tm_node *banned, size_t n_banned, tm_paths *out)
{
	if (a == b) {
		paths_push(out, NULL, 0);
		return;
	}
	int plain = !q->preds && !q->kinds && !q->as_of && !q->n_banned_rels && !n_banned;
	/* places only as ends, and no other filter: the loop of expand_noplace() */
	const uint8_t *places = NULL;
	if (!q->preds && !q->as_of && !q->n_banned_rels && !n_banned && q->kinds && q->kinds == tm_kinds_no_places())
		places = place_bits(g);
	uint8_t *mark = s->mark;
	s->n_cand = 0;
	s->n_rng = 0;
	for (size_t i = 0; i < n_banned; i++)
		mark[banned[i]] |= M_BANNED;
	mark[a] |= M_DIST(0, 0);
	mark[b] |= M_DIST(1, 0);
	s->q[0][0] = a;
	s->q[1][0] = b;
	s->lay[0][0] = s->lay[1][0] = 0;
	s->lay[0][1] = s->lay[1][1] = 1;
	int depth[2] = { 0, 0 }, L = -1;
	uint64_t cost[2] = { 1 + degree(g, a), 1 + degree(g, b) };
	while (depth[0] + depth[1] < max_hops) {
		uint32_t size0 = s->lay[0][depth[0] + 1] - s->lay[0][depth[0]];
		uint32_t size1 = s->lay[1][depth[1] + 1] - s->lay[1][depth[1]];
		if (!size0 || !size1)
			break;
		int side = cost[0] <= cost[1] ? 0 : 1;
		uint64_t next;
		L = plain    ? expand_plain(g, s, side, depth[side], depth[!side], &next)
		    : places ? expand_noplace(g, s, places, side, depth[side], depth[!side], &next)
			     : expand(g, s, q, side, depth[side], depth[!side], a, b, &next);
		depth[side]++;
		if (L >= 0)
			break;
		cost[side] = next;
	}
	if (L >= 0) {
		mark_a_side(g, s, q, plain || places, depth[0]);
		enumerate(g, s, q, a, b, depth[0], L, max_paths, out);
	}
	/* every node marked is in a queue or banned */
	unmark(s, s->q[0], s->lay[0][depth[0] + 1]);
	unmark(s, s->q[1], s->lay[1][depth[1] + 1]);
	unmark(s, banned, (uint32_t)n_banned);
}

static int same_root(const tm_path *x, const tm_path *y, size_t j)
{
	for (size_t i = 0; i < j; i++)
		if (x->steps[i].rel_id != y->steps[i].rel_id)
			return 0;
	return 1;
}

/*
 * Yen's k shortest simple paths.  Paths are ordered by (length, relation
 * ids); all_shortest() returns the least spur path in that order, and the
 * order is preserved by prefixing a common root, so the k paths found are the
 * first k simple paths in that order.  The spurs of the last path are also
 * computed: any candidate left then means more paths exist (truncated).
 * Steps hold internal numbers until tm_graph_paths() returns.
 */
static void yen(const tm_graph *g, struct scratch *s, const struct query *q, tm_node a, tm_node b, int max_hops,
		size_t k, tm_paths *out)
{
	all_shortest(g, s, q, a, b, max_hops, 1, NULL, 0, out);
	out->truncated = 0;
	if (!out->n || a == b)
		return;
	tm_paths cands = { 0 };
	int64_t *brel = NULL;
	size_t n_brel, cap_brel = 0;
	tm_node banned[HOPS_MAX];
	tm_step buf[HOPS_MAX];
	for (size_t i = 0;; i++) {
		for (size_t j = 0; j < out->v[i].n; j++) {
			const tm_path *prev = &out->v[i];
			tm_node spur = prev->steps[j].from;
			for (size_t t = 0; t < j; t++)
				banned[t] = prev->steps[t].from;
			n_brel = 0;
			for (size_t t = 0; t < out->n; t++) {
				const tm_path *o = &out->v[t];
				if (o->n > j && same_root(o, prev, j)) {
					TM_GROW(brel, cap_brel, n_brel + 1);
					brel[n_brel++] = o->steps[j].rel_id;
				}
			}
			struct query qs = *q;
			qs.banned_at = spur;
			qs.banned_rels = brel;
			qs.n_banned_rels = n_brel;
			tm_paths spurs = { 0 };
			all_shortest(g, s, &qs, spur, b, max_hops - (int)j, 1, banned, j, &spurs);
			if (spurs.n) {
				memcpy(buf, prev->steps, j * sizeof(*buf));
				if (spurs.v[0].n) /* a damaged graph can have a path through b */
					memcpy(buf + j, spurs.v[0].steps, spurs.v[0].n * sizeof(*buf));
				tm_path cand = { buf, j + spurs.v[0].n };
				int dup = 0;
				for (size_t t = 0; t < cands.n && !dup; t++)
					dup = path_cmp(&cands.v[t], &cand) == 0;
				if (!dup)
					paths_push(&cands, buf, cand.n);
			}
			tm_paths_release(&spurs);
		}
		if (out->n >= k) {
			out->truncated = cands.n > 0;
			break;
		}
		if (!cands.n)
			break;
		size_t best = 0;
		for (size_t t = 1; t < cands.n; t++)
			if (path_cmp(&cands.v[t], &cands.v[best]) < 0)
				best = t;
		TM_GROW(out->v, out->cap, out->n + 1);
		out->v[out->n++] = cands.v[best];
		cands.v[best] = cands.v[--cands.n];
	}
	free(brel);
	tm_paths_release(&cands);
}

static tm_rc check_node(const tm_graph *g, tm_node x, tm_node *out, tm_err *err)
{
	if (!g->finished)
		return tm_fail(err, TM_ERR_INVALID, "graph not finished");
	if (x >= g->n)
		return tm_fail(err, TM_ERR_INVALID, "node %u out of range (graph has %u nodes)", x, g->n);
	int bad = 0;
	chk(g, &bad, A_TO_INT, x, 1);
	*out = g->to_int[x];
	if (bad || *out >= g->n)
		return damaged(g, err);
	return TM_OK;
}

/*
 * With k > 0, k alone says how many paths (max_paths caps the all-shortest
 * mode only: callers fill it with a default they did not choose for k).
 * Hops beyond HOPS_MAX are clamped to it.
 */
tm_rc tm_graph_paths(const tm_graph *g, tm_node a, tm_node b, const tm_path_opts *opts, tm_paths *out,
		     tm_err *err)
{
	static const tm_path_opts defaults = { 0 };
	memset(out, 0, sizeof(*out));
	if (!opts)
		opts = &defaults;
	tm_node ia, ib;
	tm_rc rc = check_node(g, a, &ia, err);
	if (!rc)
		rc = check_node(g, b, &ib, err);
	if (rc)
		return rc;
	if (opts->max_hops < 0)
		return tm_fail(err, TM_ERR_INVALID, "max hops %d is negative", opts->max_hops);
	if (opts->k < 0)
		return tm_fail(err, TM_ERR_INVALID, "k %d is negative", opts->k);
	int max_hops = opts->max_hops ? opts->max_hops : 6;
	if (max_hops > HOPS_MAX)
		max_hops = HOPS_MAX;
	struct query q = { opts->predicates, opts->kinds, opts->as_of, UINT32_MAX, NULL, 0 };
	struct scratch *s = scratch_get(g);
	scratch_need_aux(s);
	if (opts->k > 0) {
		yen(g, s, &q, ia, ib, max_hops, (size_t)opts->k, out);
	} else {
		all_shortest(g, s, &q, ia, ib, max_hops, opts->max_paths ? opts->max_paths : 32, NULL, 0, out);
	}
	for (size_t i = 0; i < out->n; i++)
		steps_to_keys(g, s, out->v[i].steps, out->v[i].n);
	int bad = s->damaged;
	scratch_put(g, s);
	if (bad) {
		tm_paths_release(out);
		return damaged(g, err);
	}
	/* already in order; sorting again keeps the promise even for duplicate relation ids */
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), path_qcmp);
	return TM_OK;
}

/* ---- owners ---- */

void tm_owners_release(tm_owners *o)
{
	for (size_t i = 0; i < o->n_chains; i++) {
		free(o->chains[i].nodes);
		free(o->chains[i].rel_ids);
	}
	free(o->chains);
	free(o->totals);
	memset(o, 0, sizeof(*o));
}

static uint64_t ownership_mask(void)
{
	uint64_t mask = 0;
	for (size_t i = 0; i < tm_n_predicates && i < 64; i++)
		if (tm_predicates[i].ownership)
			mask |= (uint64_t)1 << i;
	return mask;
}

/* Is row entry pos an ownership in-edge from an owner not on the chain?
 * Returns the owner, or UINT32_MAX. */
static tm_node owner_at(const tm_graph *g, struct scratch *s, uint64_t mask, uint32_t pos)
{
	uint8_t p = g->adj_p[pos];
	/* the predicate first: most entries fail there, without reading adj_e */
	if (p >= 64 || !((mask >> p) & 1) || !(g->adj_e[pos] & ADJ_IN))
		return UINT32_MAX;
	tm_node w = nbr_at(g, &s->damaged, pos);
	if (w == UINT32_MAX || edge_at(g, &s->damaged, pos) == UINT32_MAX || (s->mark[w] & M_BANNED))
		return UINT32_MAX;
	return w;
}

/* Does u have an ownership in-edge from a node not on the chain? */
static int has_open_owner(const tm_graph *g, struct scratch *s, uint64_t mask, tm_node u)
{
	uint32_t end, pos = row(g, &s->damaged, u, &end);
	for (pos = in_edges(g, pos, end); pos < end; pos++)
		if (owner_at(g, s, mask, pos) != UINT32_MAX)
			return 1;
	return 0;
}

/* A chain of internal nodes; tm_graph_owners() turns them into keys. */
static void push_chain(const tm_graph *g, int *bad, tm_owners *o, const tm_node *nodes, const uint32_t *edges,
		       size_t n)
{
	TM_GROW(o->chains, o->cap_chains, o->n_chains + 1);
	tm_owner_chain *c = &o->chains[o->n_chains++];
	c->n = n;
	c->nodes = tm_xmalloc(n * sizeof(*c->nodes));
	c->rel_ids = tm_xmalloc((n - 1) * sizeof(*c->rel_ids));
	memcpy(c->nodes, nodes, n * sizeof(*nodes));
	double share = 1.0;
	for (size_t i = 0; i + 1 < n; i++) {
		chk(g, bad, A_REL, edges[i], 1);
		chk(g, bad, A_SHARE, edges[i], 1);
		c->rel_ids[i] = g->rel[edges[i]];
		if (share >= 0)
			share = g->share[edges[i]] < 0 ? -1.0 : share * (g->share[edges[i]] / 100.0);
	}
	c->effective_share = share < 0 ? -1.0 : share * 100.0;
}

struct parent_chain {
	tm_node parent;
	size_t chain;
};

static int cmp_parent_chain(const void *x, const void *y)
{
	const struct parent_chain *a = x, *b = y;
	if (a->parent != b->parent)
		return a->parent < b->parent ? -1 : 1;
	return a->chain < b->chain ? -1 : a->chain > b->chain;
}

static int cmp_total(const void *x, const void *y)
{
	const tm_owner_total *a = x, *b = y;
	if (a->effective_share != b->effective_share)
		return a->effective_share > b->effective_share ? -1 : 1;
	return a->parent < b->parent ? -1 : a->parent > b->parent;
}

/* Totals per ultimate parent, largest share first (unknown last), then by node. */
static void owner_totals(tm_owners *o)
{
	if (!o->n_chains)
		return;
	struct parent_chain *pc = tm_xmalloc(o->n_chains * sizeof(*pc));
	for (size_t i = 0; i < o->n_chains; i++) {
		pc[i].parent = o->chains[i].nodes[o->chains[i].n - 1];
		pc[i].chain = i;
	}
	qsort(pc, o->n_chains, sizeof(*pc), cmp_parent_chain);
	for (size_t i = 0; i < o->n_chains; i++) {
		const tm_owner_chain *c = &o->chains[pc[i].chain];
		if (!i || pc[i].parent != pc[i - 1].parent) {
			TM_GROW(o->totals, o->cap_totals, o->n_totals + 1);
			tm_owner_total *t = &o->totals[o->n_totals++];
			t->parent = pc[i].parent;
			t->effective_share = 0;
			t->n_chains = 0;
		}
		tm_owner_total *t = &o->totals[o->n_totals - 1];
		t->n_chains++;
		if (t->effective_share >= 0)
			t->effective_share = c->effective_share < 0 ? -1.0 : t->effective_share + c->effective_share;
	}
	free(pc);
	qsort(o->totals, o->n_totals, sizeof(*o->totals), cmp_total);
}

/*
 * Depth-first up the in-edges of ownership predicates, owners in (node,
 * relation id) order.  Nodes on the current chain carry M_BANNED so that a
 * cycle ends the chain instead of looping.  A node ends a chain when it has no
 * owner off the chain or the chain is max_depth long.
 */
tm_rc tm_graph_owners(const tm_graph *g, tm_node node, int max_depth, size_t max_chains, tm_owners *out,
		      tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_node in;
	tm_rc rc = check_node(g, node, &in, err);
	if (rc)
		return rc;
	if (max_depth < 0)
		return tm_fail(err, TM_ERR_INVALID, "max depth %d is negative", max_depth);
	if (!max_depth)
		max_depth = 32;
	if ((uint32_t)max_depth > g->n)
		max_depth = (int)g->n; /* no chain repeats a node: a longer bound means nothing */
	if (!max_chains)
		max_chains = 1000;
	uint64_t mask = ownership_mask();
	struct scratch *s = scratch_get(g);
	uint8_t *mark = s->mark;
	tm_node *nodes = tm_xmalloc(((size_t)max_depth + 1) * sizeof(*nodes));
	uint32_t *pos = tm_xmalloc(((size_t)max_depth + 1) * sizeof(*pos));
	uint32_t *edges = tm_xmalloc(((size_t)max_depth + 1) * sizeof(*edges));
	int depth = 0;
	uint32_t hi;
	nodes[0] = in;
	mark[in] |= M_BANNED;
	if (!has_open_owner(g, s, mask, in))
		depth = -1; /* no owner: no chain */
	else {
		uint32_t lo = row(g, &s->damaged, in, &hi);
		pos[0] = in_edges(g, lo, hi);
	}
	while (depth >= 0) {
		tm_node u = nodes[depth], owner = UINT32_MAX;
		row(g, &s->damaged, u, &hi);
		while (pos[depth] < hi && (owner = owner_at(g, s, mask, pos[depth])) == UINT32_MAX)
			pos[depth]++;
		if (pos[depth] == hi) {
			mark[u] = 0;
			depth--;
			continue;
		}
		uint32_t at = pos[depth]++;
		edges[depth] = g->adj_e[at] & ~ADJ_IN;
		nodes[depth + 1] = owner;
		mark[owner] |= M_BANNED;
		if (depth + 1 == max_depth || !has_open_owner(g, s, mask, owner)) {
			mark[owner] = 0;
			if (out->n_chains == max_chains) {
				out->truncated = 1;
				break;
			}
			push_chain(g, &s->damaged, out, nodes, edges, (size_t)depth + 2);
			continue;
		}
		depth++;
		uint32_t lo = row(g, &s->damaged, owner, &hi);
		pos[depth] = in_edges(g, lo, hi);
	}
	/* the chain left when the cap cut the walk short, or the node alone */
	unmark(s, nodes, (uint32_t)(depth + 1));
	mark[in] = 0;
	free(nodes);
	free(pos);
	free(edges);
	for (size_t i = 0; i < out->n_chains; i++)
		for (size_t j = 0; j < out->chains[i].n; j++)
			out->chains[i].nodes[j] = key_of(g, s, out->chains[i].nodes[j]);
	int bad = s->damaged;
	scratch_put(g, s);
	if (bad) {
		tm_owners_release(out);
		return damaged(g, err);
	}
	owner_totals(out);
	return TM_OK;
}

/* ---- the ties of one node ---- */

void tm_ties_release(tm_ties *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}

tm_rc tm_graph_ties(const tm_graph *g, tm_node node, uint64_t predicates, int dirs, tm_ties *out, tm_err *err)
{
	out->n = 0;
	tm_node in;
	tm_rc rc = check_node(g, node, &in, err);
	if (rc)
		return rc;
	int bad = 0;
	uint32_t end, pos = row(g, &bad, in, &end);
	for (; pos < end; pos++) {
		uint8_t p = g->adj_p[pos];
		if (predicates && (p >= 64 || !((predicates >> p) & 1)))
			continue;
		uint32_t ae = edge_at(g, &bad, pos);
		tm_node w = nbr_at(g, &bad, pos);
		if (ae == UINT32_MAX || w == UINT32_MAX)
			continue;
		int fwd = !(ae & ADJ_IN);
		if (!(dirs & (fwd ? TM_TIES_OUT : TM_TIES_IN)))
			continue;
		uint32_t e = ae & ~ADJ_IN;
		tm_node x = g->to_ext[in], y = g->to_ext[w];
		if (x >= g->n || y >= g->n) {
			bad = 1;
			continue;
		}
		TM_GROW(out->v, out->cap, out->n + 1);
		tm_tie *t = &out->v[out->n++];
		t->step = (tm_step){ x, y, pred_report(g->pred[e]), g->rel[e], fwd };
		t->share = g->share[e] < 0 ? -1.0 : (double)g->share[e];
		t->start = g->start[e];
		t->end = g->end[e];
	}
	if (bad) {
		out->n = 0;
		return damaged(g, err);
	}
	return TM_OK;
}

/* ---- neighbourhood ---- */

void tm_hood_release(tm_hood *h)
{
	free(h->nodes);
	free(h->dist);
	free(h->edges);
	memset(h, 0, sizeof(*h));
}

/* A node reached by a search: its key, its internal number, its distance. */
struct dist_node {
	int dist;
	tm_node node;
	tm_node at;
};

static int cmp_dist_node(const void *x, const void *y)
{
	const struct dist_node *a = x, *b = y;
	if (a->dist != b->dist)
		return a->dist < b->dist ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static int cmp_step_rel(const void *x, const void *y)
{
	const tm_step *a = x, *b = y;
	if (a->rel_id != b->rel_id)
		return a->rel_id < b->rel_id ? -1 : 1;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	return a->to < b->to ? -1 : a->to > b->to;
}

/* Plain BFS on side 0 of the scratch from the nodes already in layer 0
 * (marked), up to depth layers or cap nodes (0: no cap).  With parents,
 * aux/aux2 record how each node was first reached, as a step from it back to
 * its parent.  With kinds (a tm_path_opts.kinds mask, 0: all) a node of
 * another kind beyond layer 0 is reached but not expanded: it ends the walk
 * there.  Returns the number of nodes reached, all marked and in the queue,
 * with lay[0] set up to the last layer; sets *truncated when the cap cut it. */
static uint32_t bfs(const tm_graph *g, struct scratch *s, int depth, size_t cap, int parents, uint64_t kinds,
		    int *truncated)
{
	uint32_t tail = s->lay[0][1];
	struct query q = { 0, kinds, 0, UINT32_MAX, NULL, 0 };
	for (int d = 0; d < depth; d++) {
		for (uint32_t i = s->lay[0][d]; i < s->lay[0][d + 1]; i++) {
			tm_node u = s->q[0][i];
			if (d > 0 && !kind_ok(g, &s->damaged, &q, u))
				continue;
			uint32_t end, pos = row(g, &s->damaged, u, &end);
			for (; pos < end; pos++) {
				tm_node w = nbr_at(g, &s->damaged, pos);
				if (w == UINT32_MAX)
					continue;
				if (s->mark[w] & M_SIDE(0))
					continue;
				uint32_t ae = 0;
				if (parents && (ae = edge_at(g, &s->damaged, pos)) == UINT32_MAX)
					continue;
				if (cap && tail == cap) {
					*truncated = 1;
					s->lay[0][d + 2] = tail;
					return tail;
				}
				s->mark[w] = M_DIST(0, d + 1);
				s->q[0][tail++] = w;
				if (parents) {
					/* walking w→u is forward when w is the subject (an in-edge of u) */
					s->aux[w] = u;
					s->aux2[w] = ae;
				}
			}
		}
		s->lay[0][d + 2] = tail;
		if (tail == s->lay[0][d + 1])
			break;
	}
	return tail;
}

/* The nodes of the first cnt entries of side 0's queue after bfs(), with
 * their keys and distances (their layers), sorted by (distance, key) from
 * entry `from` on. */
static struct dist_node *reached(const tm_graph *g, struct scratch *s, uint32_t cnt, uint32_t from)
{
	struct dist_node *dn = tm_xmalloc((cnt ? cnt : 1) * sizeof(*dn));
	int d = 0;
	for (uint32_t i = 0; i < cnt; i++) {
		while (i >= s->lay[0][d + 1])
			d++;
		dn[i].at = s->q[0][i];
		dn[i].node = key_of(g, s, dn[i].at);
		dn[i].dist = d;
	}
	if (cnt > from)
		qsort(dn + from, cnt - from, sizeof(*dn), cmp_dist_node);
	return dn;
}

/* max_nodes 0 means no cap; depth beyond HOPS_MAX is clamped. */
tm_rc tm_graph_neighbors(const tm_graph *g, tm_node node, int depth, size_t max_nodes, tm_hood *out,
			 tm_err *err)
{
	return tm_graph_neighbors_kinds(g, node, depth, max_nodes, 0, out, err);
}

tm_rc tm_graph_neighbors_kinds(const tm_graph *g, tm_node node, int depth, size_t max_nodes, uint64_t kinds,
			       tm_hood *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_node in;
	tm_rc rc = check_node(g, node, &in, err);
	if (rc)
		return rc;
	if (depth < 0)
		return tm_fail(err, TM_ERR_INVALID, "depth %d is negative", depth);
	if (depth > HOPS_MAX)
		depth = HOPS_MAX;
	struct scratch *s = scratch_get(g);
	s->mark[in] = M_DIST(0, 0);
	s->q[0][0] = in;
	s->lay[0][0] = 0;
	s->lay[0][1] = 1;
	uint32_t cnt = bfs(g, s, depth, max_nodes, 0, kinds, &out->truncated);
	struct dist_node *dn = reached(g, s, cnt, 1);
	out->n_nodes = cnt;
	out->nodes = tm_xmalloc(cnt * sizeof(*out->nodes));
	out->dist = tm_xmalloc(cnt * sizeof(*out->dist));
	for (uint32_t i = 0; i < cnt; i++) {
		out->nodes[i] = dn[i].node;
		out->dist[i] = dn[i].dist;
	}
	size_t cap = 0;
	struct query kq = { 0, kinds, 0, UINT32_MAX, NULL, 0 };
	for (uint32_t i = 0; i < cnt; i++) {
		tm_node u = dn[i].at;
		/* an end the walk stopped at (a place) ties only to what was expanded */
		int u_open = i == 0 || kind_ok(g, &s->damaged, &kq, u);
		/* each edge once: from its subject, among its out-edges */
		uint32_t end, pos = row(g, &s->damaged, u, &end);
		for (end = in_edges(g, pos, end); pos < end; pos++) {
			tm_node w = nbr_at(g, &s->damaged, pos);
			uint32_t ae = edge_at(g, &s->damaged, pos);
			if (w == UINT32_MAX || ae == UINT32_MAX || !(s->mark[w] & M_SIDE(0)))
				continue;
			if (!u_open && w != dn[0].at && !kind_ok(g, &s->damaged, &kq, w))
				continue;
			TM_GROW(out->edges, cap, out->n_edges + 1);
			fill_step(g, &s->damaged, &out->edges[out->n_edges++], u, w, ae & ~ADJ_IN, 1);
		}
	}
	free(dn);
	unmark(s, s->q[0], cnt);
	steps_to_keys(g, s, out->edges, out->n_edges);
	int bad = s->damaged;
	scratch_put(g, s);
	if (bad) {
		tm_hood_release(out);
		return damaged(g, err);
	}
	if (out->n_edges > 1)
		qsort(out->edges, out->n_edges, sizeof(*out->edges), cmp_step_rel);
	return TM_OK;
}

/* ---- exposure ---- */

void tm_exposure_release(tm_exposure *x)
{
	for (size_t i = 0; i < x->n; i++)
		free(x->v[i].path.steps);
	free(x->v);
	memset(x, 0, sizeof(*x));
}

/* The path from node back along aux/aux2 parent links to distance 0; with
 * reverse the steps are turned around so that they run from the far end.
 * The steps are keys. */
static void parent_path(const tm_graph *g, struct scratch *s, tm_node node, int dist, int reverse, tm_path *path)
{
	path->n = (size_t)dist;
	path->steps = dist ? tm_xmalloc((size_t)dist * sizeof(*path->steps)) : NULL;
	tm_node v = node;
	for (int i = 0; i < dist; i++) {
		uint32_t link = s->aux2[v];
		tm_node par = s->aux[v];
		tm_step *st = &path->steps[reverse ? dist - 1 - i : i];
		if (reverse)
			fill_step(g, &s->damaged, st, par, v, link & ~DIR_BIT, (link & DIR_BIT) != 0);
		else
			fill_step(g, &s->damaged, st, v, par, link & ~DIR_BIT, (link & DIR_BIT) != 0);
		v = par;
	}
	steps_to_keys(g, s, path->steps, path->n);
}

/* max_hops is taken as given (0: the seeds alone), clamped to HOPS_MAX.
 * Result in order of distance, then node. */
tm_rc tm_graph_exposure(const tm_graph *g, const tm_node *seeds, size_t n_seeds, int max_hops,
			tm_exposure *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!g->finished)
		return tm_fail(err, TM_ERR_INVALID, "graph not finished");
	if (max_hops < 0)
		return tm_fail(err, TM_ERR_INVALID, "max hops %d is negative", max_hops);
	for (size_t i = 0; i < n_seeds; i++)
		if (seeds[i] >= g->n)
			return tm_fail(err, TM_ERR_INVALID, "seed %u out of range (graph has %u nodes)", seeds[i],
				       g->n);
	if (max_hops > HOPS_MAX)
		max_hops = HOPS_MAX;
	struct scratch *s = scratch_get(g);
	scratch_need_aux(s);
	uint32_t cnt = 0;
	for (size_t i = 0; i < n_seeds; i++) {
		chk(g, &s->damaged, A_TO_INT, seeds[i], 1);
		tm_node in = g->to_int[seeds[i]];
		if (in >= g->n) {
			s->damaged = 1;
			continue;
		}
		if (!(s->mark[in] & M_SIDE(0))) {
			s->mark[in] = M_DIST(0, 0);
			s->q[0][cnt++] = in;
		}
	}
	s->lay[0][0] = 0;
	s->lay[0][1] = cnt;
	int truncated = 0;
	if (cnt)
		cnt = bfs(g, s, max_hops, 0, 1, 0, &truncated);
	struct dist_node *dn = reached(g, s, cnt, 0);
	out->v = tm_xmalloc((cnt ? cnt : 1) * sizeof(*out->v));
	out->n = out->cap = cnt;
	for (uint32_t i = 0; i < cnt; i++) {
		tm_exposed *x = &out->v[i];
		x->node = dn[i].node;
		x->dist = dn[i].dist;
		parent_path(g, s, dn[i].at, x->dist, 0, &x->path);
	}
	free(dn);
	unmark(s, s->q[0], cnt);
	int bad = s->damaged;
	scratch_put(g, s);
	if (bad) {
		tm_exposure_release(out);
		return damaged(g, err);
	}
	return TM_OK;
}

/* The first seed the BFS from node reaches; is_seed has tm_graph_n_nodes()
 * entries, by key.  max_hops as in tm_graph_exposure(). */
tm_rc tm_graph_exposure_of(const tm_graph *g, tm_node node, const uint8_t *is_seed, int max_hops,
			   tm_exposed *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	out->node = node;
	out->dist = -1;
	tm_node in;
	tm_rc rc = check_node(g, node, &in, err);
	if (rc)
		return rc;
	if (max_hops < 0)
		return tm_fail(err, TM_ERR_INVALID, "max hops %d is negative", max_hops);
	if (max_hops > HOPS_MAX)
		max_hops = HOPS_MAX;
	if (is_seed[node]) {
		out->dist = 0;
		return TM_OK;
	}
	struct scratch *s = scratch_get(g);
	scratch_need_aux(s);
	s->mark[in] = M_DIST(0, 0);
	s->q[0][0] = in;
	uint32_t tail = 1, lo = 0;
	tm_node hit = UINT32_MAX;
	int hit_dist = -1;
	for (int d = 0; d < max_hops && hit == UINT32_MAX && lo < tail; d++) {
		uint32_t hi = tail;
		for (uint32_t i = lo; i < hi && hit == UINT32_MAX; i++) {
			tm_node u = s->q[0][i];
			uint32_t end, pos = row(g, &s->damaged, u, &end);
			for (; pos < end; pos++) {
				tm_node w = nbr_at(g, &s->damaged, pos);
				uint32_t ae = edge_at(g, &s->damaged, pos);
				if (w == UINT32_MAX || ae == UINT32_MAX)
					continue;
				if (s->mark[w] & M_SIDE(0))
					continue;
				s->mark[w] = M_DIST(0, d + 1);
				s->q[0][tail++] = w;
				s->aux[w] = u;
				/* the path runs from node to the seed: forward when u is the subject */
				s->aux2[w] = ae ^ ADJ_IN;
				if (is_seed[key_of(g, s, w)]) {
					hit = w;
					hit_dist = d + 1;
					break;
				}
			}
		}
		lo = hi;
	}
	if (hit != UINT32_MAX) {
		out->dist = hit_dist;
		parent_path(g, s, hit, out->dist, 1, &out->path);
	}
	unmark(s, s->q[0], tail);
	int bad = s->damaged;
	scratch_put(g, s);
	if (bad) {
		free(out->path.steps);
		memset(out, 0, sizeof(*out));
		out->node = node;
		out->dist = -1;
		return damaged(g, err);
	}
	return TM_OK;
}

/* ---- statistics ---- */

static uint32_t uf_find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

/* Over real nodes only; an edge joins two components only if both its ends
 * are real.  Degree counts in- and out-edges (a self-loop twice); the median
 * is the lower one.  It reads every array: a snapshot is checked whole
 * first. */
tm_rc tm_graph_stats_compute(const tm_graph *g, tm_graph_stats *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!g->finished)
		return tm_fail(err, TM_ERR_INVALID, "graph not finished");
	if (g->snap && tm_snap_check_all(g->snap))
		return damaged(g, err);
	uint32_t n = g->n;
	int bad = 0;
	out->edges = g->m;
	uint32_t *parent = tm_xmalloc((n ? n : 1) * sizeof(*parent));
	uint32_t *deg = tm_xmalloc((n ? n : 1) * sizeof(*deg));
	for (uint32_t u = 0; u < n; u++)
		parent[u] = u;
	for (uint32_t u = 0; u < n; u++) {
		if (g->kind[u] == NOT_REAL)
			continue;
		uint32_t end, pos = row(g, &bad, u, &end);
		for (end = in_edges(g, pos, end); pos < end; pos++) {
			tm_node w = nbr_at(g, &bad, pos);
			if (w == UINT32_MAX || g->kind[w] == NOT_REAL)
				continue;
			uint32_t ru = uf_find(parent, u), rw = uf_find(parent, w);
			if (ru != rw)
				parent[ru > rw ? ru : rw] = ru > rw ? rw : ru;
		}
	}
	/* sizes counted on the roots, reusing deg before it holds degrees */
	memset(deg, 0, (n ? n : 1) * sizeof(*deg));
	uint64_t sum = 0;
	for (uint32_t u = 0; u < n; u++)
		if (g->kind[u] != NOT_REAL)
			deg[uf_find(parent, u)]++;
	for (uint32_t u = 0; u < n; u++) {
		if (g->kind[u] == NOT_REAL || parent[u] != u)
			continue;
		out->components++;
		if (deg[u] > out->largest_component)
			out->largest_component = deg[u];
	}
	uint32_t cnt = 0;
	for (uint32_t u = 0; u < n; u++) {
		if (g->kind[u] == NOT_REAL)
			continue;
		uint32_t end, pos = row(g, &bad, u, &end);
		uint32_t d = end - pos;
		deg[cnt++] = d;
		sum += d;
		if (!d)
			out->isolated++;
		if (d > out->max_degree)
			out->max_degree = d;
	}
	out->nodes = cnt;
	if (cnt) {
		/* a histogram: degrees are bounded by 2m, and this stays linear */
		uint32_t *hist = tm_xcalloc((size_t)out->max_degree + 1, sizeof(*hist));
		for (uint32_t i = 0; i < cnt; i++)
			hist[deg[i]]++;
		uint32_t below = 0, want = (cnt - 1) / 2;
		for (uint32_t d = 0; d <= out->max_degree; d++) {
			below += hist[d];
			if (below > want) {
				out->median_degree = d;
				break;
			}
		}
		free(hist);
		out->mean_degree = (double)sum / cnt;
	}
	free(parent);
	free(deg);
	if (bad) {
		memset(out, 0, sizeof(*out));
		return damaged(g, err);
	}
	return TM_OK;
}

/* ---- snapshots ----
 *
 * A finished graph written as its arrays (snap.h), so that a process that
 * runs one query (the CLI) maps it instead of reading every relation again:
 * at a million entities that is the difference between milliseconds and
 * seconds.  The parts are the arrays in the order of snap_arrays(), then
 * the counts.  The stamp says which data it was built from (the store's,
 * see tm_graph_open()); the key, which build can read it: the sizes of the
 * types and the vocabulary the arrays' indices refer to.
 *
 * Mapping checks the header and the arrays' lengths only: reading 150 MB
 * to check every value would take longer than the query the CLI opened it
 * for.  Every read of an array then has the blocks it reads checked once
 * (chk()), so a damaged snapshot fails the query that reads the damage, and
 * never answers from it; the queries also check what they read (see "Trust"
 * at the top of this file), so that no value, checked or not, can lead a
 * read outside the arrays.
 */
#define SNAP_KIND "graph-3"

#define SNAP_ARRAYS 12

/* The arrays of g and their byte lengths, for writing or pointing into a map. */
static void snap_arrays(tm_graph *g, uint32_t n, uint32_t m, void **ptr[SNAP_ARRAYS], size_t len[SNAP_ARRAYS])
{
	size_t nn = (size_t)n + 1, mm = m, n_adj = 2 * mm;
	void **v[SNAP_ARRAYS] = { (void **)&g->kind,  (void **)&g->off,    (void **)&g->adj,
				  (void **)&g->adj_e, (void **)&g->adj_p,  (void **)&g->pred,
				  (void **)&g->rel,   (void **)&g->start,  (void **)&g->end,
				  (void **)&g->share, (void **)&g->to_int, (void **)&g->to_ext };
	size_t l[SNAP_ARRAYS] = { n,      nn * 4, n_adj * 4, n_adj * 4, n_adj,  mm,
				  mm * 8, mm * 4, mm * 4,    mm * 4,    n * 4ul, n * 4ul };
	for (int i = 0; i < SNAP_ARRAYS; i++) {
		ptr[i] = v[i];
		len[i] = l[i];
	}
}

/* What a build must share with the one that wrote a snapshot: the sizes of
 * the types in it, and a hash of the kind and predicate ids in order (a
 * build whose vocabulary differs reads the indices differently, so it
 * rebuilds instead). */
static uint64_t snap_key(void)
{
	uint32_t h = 2166136261u; /* FNV-1a: stored, so it may not change between builds */
	for (size_t i = 0; i < tm_n_kinds + tm_n_predicates; i++) {
		const char *id = i < tm_n_kinds ? tm_kinds[i].id : tm_predicates[i - tm_n_kinds].id;
		for (const char *c = id;; c++) {
			h = (h ^ (uint8_t)*c) * 16777619u;
			if (!*c)
				break;
		}
	}
	return (uint64_t)h << 32 | (uint32_t)(sizeof(float) | sizeof(int64_t) << 8 | sizeof(tm_node) << 16);
}

tm_rc tm_graph_save(const tm_graph *cg, const char *path, uint64_t stamp, tm_err *err)
{
	tm_graph *g = (tm_graph *)cg; /* snap_arrays() takes the addresses of the fields; nothing is written */
	if (!g->finished)
		return tm_fail(err, TM_ERR_INVALID, "graph not finished");
	void **ptr[SNAP_ARRAYS];
	size_t len[SNAP_ARRAYS];
	snap_arrays(g, g->n, g->m, ptr, len);
	tm_snap_part parts[SNAP_ARRAYS + 1];
	for (int i = 0; i < SNAP_ARRAYS; i++)
		parts[i] = (tm_snap_part){ *ptr[i], len[i] };
	uint32_t counts[2] = { g->n, g->m };
	parts[SNAP_ARRAYS] = (tm_snap_part){ counts, sizeof(counts) };
	return tm_snap_write(path, SNAP_KIND, snap_key(), stamp, parts, SNAP_ARRAYS + 1, err);
}

tm_rc tm_graph_map(const char *path, uint64_t stamp, tm_graph **out, tm_err *err)
{
	*out = NULL;
	tm_snap *snap;
	tm_rc rc = tm_snap_map(path, SNAP_KIND, snap_key(), stamp, SNAP_ARRAYS + 1, &snap, err);
	if (rc)
		return rc;
	size_t clen;
	const uint32_t *counts = tm_snap_part_data(snap, SNAP_ARRAYS, &clen);
	void **ptr[SNAP_ARRAYS];
	size_t len[SNAP_ARRAYS];
	tm_graph probe;
	int ok = clen == 2 * sizeof(uint32_t) && tm_snap_check(snap, SNAP_ARRAYS, 0, clen) == 0 &&
		 counts[0] != UINT32_MAX && counts[1] <= EDGES_MAX;
	if (ok) {
		snap_arrays(&probe, counts[0], counts[1], ptr, len);
		for (int i = 0; ok && i < SNAP_ARRAYS; i++) {
			size_t l;
			tm_snap_part_data(snap, (size_t)i, &l);
			ok = l == len[i];
		}
	}
	if (!ok) {
		rc = tm_fail(err, TM_ERR_IO, "graph snapshot '%s' is damaged", path);
		tm_snap_free(snap);
		return rc;
	}
	tm_graph *g = tm_xcalloc(1, sizeof(*g));
	g->n = counts[0];
	g->m = counts[1];
	g->n_adj = 2 * g->m;
	g->snap = snap;
	snap_arrays(g, g->n, g->m, ptr, len);
	for (int i = 0; i < SNAP_ARRAYS; i++) {
		size_t l;
		*ptr[i] = (void *)tm_snap_part_data(snap, (size_t)i, &l);
	}
	g->pool = tm_xcalloc(POOL_SLOTS, sizeof(*g->pool));
	g->places = tm_xcalloc(1, sizeof(*g->places));
	g->finished = 1;
	*out = g;
	return TM_OK;
}

int tm_graph_check_all(const tm_graph *g)
{
	return g->snap ? tm_snap_check_all(g->snap) : 0;
}
