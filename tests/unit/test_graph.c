/*
 * Unit tests of the graph engine.  Most are property tests: ~200 small random
 * graphs from fixed seeds (parallel edges, self-loops, ownership cycles,
 * random predicates, dates and shares), each query checked against a
 * brute-force reference that enumerates simple paths on the edge list.  The
 * rest are hand-written cases with known answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "graph/graph.h"
#include "model/model.h"

#define MAXN 40
#define MAXE 128
#define MAXHOPS 6
#define N_GRAPHS 200

/* Where a property check failed: printed before the failure. */
static unsigned ctx_seed;
static int ctx_query;

#define CHECK(c)                                                                                  \
	do {                                                                                      \
		if (!(c)) {                                                                       \
			print_error("graph seed %u, query %d: %s\n", ctx_seed, ctx_query, #c);    \
			fail();                                                                   \
		}                                                                                 \
	} while (0)

/* xorshift64*: the same graphs on every machine, unlike rand(). */
static uint64_t rng_state;

static void rng_seed(uint64_t s)
{
	rng_state = s * 0x9E3779B97F4A7C15ull + 0x1234567ull;
	if (!rng_state)
		rng_state = 1;
}

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 33) % n;
}

struct tedge {
	uint32_t s, o;
	int pred;
	int64_t rel;
	int32_t start, end;
	double share; /* < 0 unknown */
};

struct tgraph {
	uint32_t n;
	int kind[MAXN]; /* -1 for unknown and for keys that are not real */
	int real[MAXN];
	struct tedge e[MAXE];
	size_t m;
	tm_graph *g;
};

static tm_graph *build(const struct tgraph *t, int shuffled)
{
	tm_graph *g = tm_graph_new(t->n);
	for (uint32_t u = 0; u < t->n; u++)
		if (t->real[u])
			tm_graph_set_node(g, u, t->kind[u]);
	size_t order[MAXE];
	for (size_t i = 0; i < t->m; i++)
		order[i] = i;
	for (size_t i = t->m; shuffled && i > 1; i--) {
		size_t j = rnd((uint32_t)i), x = order[i - 1];
		order[i - 1] = order[j];
		order[j] = x;
	}
	for (size_t i = 0; i < t->m; i++) {
		const struct tedge *e = &t->e[order[i]];
		tm_graph_add_edge(g, e->s, e->o, e->pred, e->rel, e->start, e->end, e->share);
	}
	tm_err err = { 0 };
	assert_int_equal(tm_graph_finish(g, &err), TM_OK);
	return g;
}

static void gen_graph(struct tgraph *t, unsigned seed)
{
	memset(t, 0, sizeof(*t));
	rng_seed(seed);
	t->n = 5 + rnd(MAXN - 4);
	for (uint32_t u = 0; u < t->n; u++) {
		t->real[u] = rnd(10) != 0;
		t->kind[u] = t->real[u] && rnd(10) ? (int)rnd(4) : -1;
		/* some places (country, region, city): the walks that leave them out */
		if (t->kind[u] >= 0 && rnd(5) == 0)
			t->kind[u] = tm_kind_index(rnd(3) == 0 ? "country" : rnd(2) ? "region" : "city");
	}
	/* sparse enough that brute-force enumeration of simple paths stays cheap */
	size_t m = rnd(t->n * (rnd(2) ? 2 : 3) + 1);
	if (m > MAXE)
		m = MAXE;
	int64_t rels[3 * MAXE];
	for (size_t i = 0; i < 3 * m; i++)
		rels[i] = 100 + (int64_t)i;
	for (size_t i = 3 * m; i > 1; i--) {
		size_t j = rnd((uint32_t)i);
		int64_t x = rels[i - 1];
		rels[i - 1] = rels[j];
		rels[j] = x;
	}
	for (size_t i = 0; i < m; i++) {
		struct tedge *e = &t->e[i];
		uint32_t r = rnd(100);
		if (i > 0 && r < 15) { /* a parallel edge, either way round */
			const struct tedge *o = &t->e[rnd((uint32_t)i)];
			e->s = rnd(2) ? o->s : o->o;
			e->o = e->s == o->s ? o->o : o->s;
		} else if (r < 20) {
			e->s = e->o = rnd(t->n);
		} else {
			e->s = rnd(t->n);
			e->o = rnd(t->n);
		}
		e->pred = rnd(5) < 2 ? (int)rnd(2) : (int)rnd((uint32_t)tm_n_predicates);
		e->rel = rels[i];
		e->start = rnd(2) ? TM_DATE_OPEN_START : (int32_t)((2000 + rnd(20)) * 10000 + 101);
		e->end = rnd(2) ? TM_DATE_OPEN_END
				: (int32_t)((e->start ? e->start / 10000 : 2000) + rnd(10)) * 10000 + 1231;
		e->share = rnd(4) == 0 ? -1.0 : (rnd(3) ? (double)(1 + rnd(100)) : (double)(1 + rnd(1000)) / 10.0);
	}
	t->m = m;
	t->g = build(t, 1);
}

/* ---- the reference ---- */

struct bpath {
	int n;
	int64_t rel[MAXHOPS];
	uint32_t node[MAXHOPS + 1];
};

struct bpaths {
	struct bpath *v;
	size_t n, cap;
};

struct filter {
	uint64_t preds, kinds;
	int32_t as_of;
	int max_hops;
};

static int edge_ok(const struct tedge *e, const struct filter *f)
{
	if (f->preds && !((f->preds >> e->pred) & 1))
		return 0;
	if (f->as_of && (e->start > f->as_of || e->end < f->as_of))
		return 0;
	return 1;
}

static int kind_ok(const struct tgraph *t, const struct filter *f, uint32_t u)
{
	return !f->kinds || (t->real[u] && t->kind[u] >= 0 && ((f->kinds >> t->kind[u]) & 1));
}

static void all_simple(const struct tgraph *t, const struct filter *f, uint32_t b, struct bpath *cur, int *seen,
		       struct bpaths *out)
{
	uint32_t u = cur->node[cur->n];
	if (u == b) {
		if (out->n == out->cap) {
			out->cap = out->cap ? 2 * out->cap : 64;
			out->v = realloc(out->v, out->cap * sizeof(*out->v));
		}
		out->v[out->n++] = *cur;
		return;
	}
	if (cur->n == f->max_hops)
		return;
	for (size_t i = 0; i < t->m; i++) {
		const struct tedge *e = &t->e[i];
		if (!edge_ok(e, f))
			continue;
		uint32_t w;
		if (e->s == u)
			w = e->o;
		else if (e->o == u)
			w = e->s;
		else
			continue;
		if (seen[w] || (w != b && !kind_ok(t, f, w)))
			continue;
		seen[w] = 1;
		cur->rel[cur->n] = e->rel;
		cur->node[++cur->n] = w;
		all_simple(t, f, b, cur, seen, out);
		cur->n--;
		seen[w] = 0;
	}
}

static int bpath_cmp(const void *x, const void *y)
{
	const struct bpath *a = x, *b = y;
	if (a->n != b->n)
		return a->n - b->n;
	for (int i = 0; i < a->n; i++)
		if (a->rel[i] != b->rel[i])
			return a->rel[i] < b->rel[i] ? -1 : 1;
	return 0;
}

/* Every simple path a→b within the filter, sorted by (length, relation ids). */
static void brute_paths(const struct tgraph *t, const struct filter *f, uint32_t a, uint32_t b, struct bpaths *out)
{
	int seen[MAXN] = { 0 };
	struct bpath cur = { 0 };
	out->n = 0;
	cur.node[0] = a;
	seen[a] = 1;
	all_simple(t, f, b, &cur, seen, out);
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), bpath_cmp);
}

static const struct tedge *edge_by_rel(const struct tgraph *t, int64_t rel)
{
	for (size_t i = 0; i < t->m; i++)
		if (t->e[i].rel == rel)
			return &t->e[i];
	return NULL;
}

/* A returned step must be a real edge, walked the way it says. */
static void check_step(const struct tgraph *t, const tm_step *st)
{
	const struct tedge *e = edge_by_rel(t, st->rel_id);
	CHECK(e != NULL);
	CHECK(st->predicate == e->pred);
	if (st->forward) {
		CHECK(st->from == e->s && st->to == e->o);
	} else {
		CHECK(st->from == e->o && st->to == e->s);
	}
}

static void check_path_is(const struct tgraph *t, const tm_path *p, const struct bpath *bp)
{
	CHECK((int)p->n == bp->n);
	for (int i = 0; i < bp->n; i++) {
		CHECK(p->steps[i].rel_id == bp->rel[i]);
		CHECK(p->steps[i].from == bp->node[i]);
		CHECK(p->steps[i].to == bp->node[i + 1]);
		check_step(t, &p->steps[i]);
	}
}

static void random_filter(const struct tgraph *t, struct filter *f, tm_path_opts *o)
{
	memset(f, 0, sizeof(*f));
	memset(o, 0, sizeof(*o));
	(void)t;
	if (rnd(3) == 0)
		for (size_t i = 0; i < tm_n_predicates; i++)
			if (rnd(10) < 7)
				f->preds |= (uint64_t)1 << i;
	if (rnd(4) == 0)
		f->kinds = 1 + rnd(15);
	else if (rnd(3) == 0)
		f->kinds = tm_kinds_no_places(); /* the engine's own loop for the default of every caller */
	if (rnd(3) == 0)
		f->as_of = (int32_t)((2000 + rnd(26)) * 10000 + 601);
	f->max_hops = 1 + (int)rnd(5);
	o->predicates = f->preds;
	o->kinds = f->kinds;
	o->as_of = f->as_of;
	o->max_hops = f->max_hops;
}

/* ---- property tests ---- */

/* Counts that prove the property tests exercised something. */
struct tally {
	size_t found, multi, truncated, yen_multi, owner_chains, owner_cycles, exposed, plain;
};

static void check_shortest(struct tgraph *t, struct bpaths *bp, struct tally *ty)
{
	for (int qn = 0; qn < 20; qn++) {
		ctx_query = qn;
		struct filter f;
		tm_path_opts o;
		random_filter(t, &f, &o);
		uint32_t a = rnd(t->n), b = rnd(t->n);
		if (a == b)
			continue;
		brute_paths(t, &f, a, b, bp);
		size_t n_short = 0;
		while (n_short < bp->n && bp->v[n_short].n == bp->v[0].n)
			n_short++;

		tm_paths got;
		tm_err err = { 0 };
		o.max_paths = 100000;
		CHECK(tm_graph_paths(t->g, a, b, &o, &got, &err) == TM_OK);
		CHECK(got.n == n_short);
		CHECK(!got.truncated);
		for (size_t i = 0; i < got.n && i < n_short; i++)
			check_path_is(t, &got.v[i], &bp->v[i]);
		tm_paths_release(&got);
		if (!o.predicates && !o.kinds && !o.as_of) {
			/* the engine runs a query without filters through its own loop:
			 * a filter that lets everything through takes the general one */
			tm_path_opts all = o;
			all.predicates = ~(uint64_t)0;
			CHECK(tm_graph_paths(t->g, a, b, &all, &got, &err) == TM_OK);
			CHECK(got.n == n_short);
			for (size_t i = 0; i < got.n && i < n_short; i++)
				check_path_is(t, &got.v[i], &bp->v[i]);
			tm_paths_release(&got);
			ty->plain++;
		}
		if (n_short)
			ty->found++;
		if (n_short > 1)
			ty->multi++;

		size_t cap = 1 + rnd(3);
		o.max_paths = cap;
		CHECK(tm_graph_paths(t->g, a, b, &o, &got, &err) == TM_OK);
		CHECK(got.n == (n_short < cap ? n_short : cap));
		CHECK(got.truncated == (n_short > cap));
		for (size_t i = 0; i < got.n; i++)
			check_path_is(t, &got.v[i], &bp->v[i]);
		if (got.truncated)
			ty->truncated++;
		tm_paths_release(&got);

		/* Yen: the k shortest simple paths, in (length, relation id) order */
		size_t k = 1 + rnd(8);
		o.max_paths = 0;
		o.k = (int)k;
		CHECK(tm_graph_paths(t->g, a, b, &o, &got, &err) == TM_OK);
		CHECK(got.n == (bp->n < k ? bp->n : k));
		CHECK(got.truncated == (bp->n > k));
		for (size_t i = 0; i < got.n && i < bp->n; i++) {
			CHECK((int)got.v[i].n == bp->v[i].n);
			check_path_is(t, &got.v[i], &bp->v[i]);
		}
		if (got.n > 1 && got.v[got.n - 1].n > got.v[0].n)
			ty->yen_multi++;
		tm_paths_release(&got);
	}
}

struct bchain {
	int n;
	uint32_t node[MAXN + 1];
	int64_t rel[MAXN];
	double share;
};

struct bchains {
	struct bchain *v;
	size_t n, cap;
};

static int is_ownership(int pred)
{
	return pred >= 0 && (size_t)pred < tm_n_predicates && tm_predicates[pred].ownership;
}

static void owners_rec(const struct tgraph *t, struct bchain *cur, int *on, int max_depth, struct bchains *out)
{
	uint32_t u = cur->node[cur->n - 1];
	int any = 0;
	if (cur->n - 1 < max_depth) {
		for (size_t i = 0; i < t->m; i++) {
			const struct tedge *e = &t->e[i];
			if (e->o != u || !is_ownership(e->pred) || on[e->s])
				continue;
			any = 1;
			on[e->s] = 1;
			cur->rel[cur->n - 1] = e->rel;
			cur->node[cur->n++] = e->s;
			owners_rec(t, cur, on, max_depth, out);
			cur->n--;
			on[e->s] = 0;
		}
	}
	if (!any && cur->n > 1) {
		struct bchain c = *cur;
		double s = 1.0;
		for (int i = 0; i + 1 < c.n; i++) {
			const struct tedge *e = edge_by_rel(t, c.rel[i]);
			/* the engine keeps shares as float */
			s = e->share < 0 || s < 0 ? -1.0 : s * ((float)e->share / 100.0);
		}
		c.share = s < 0 ? -1.0 : s * 100.0;
		if (out->n == out->cap) {
			out->cap = out->cap ? 2 * out->cap : 64;
			out->v = realloc(out->v, out->cap * sizeof(*out->v));
		}
		out->v[out->n++] = c;
	}
}

static int close_to(double x, double y)
{
	double d = x - y;
	return d < 1e-6 && d > -1e-6;
}

static int chain_key_cmp(const uint32_t *na, const int64_t *ra, int n1, const uint32_t *nb, const int64_t *rb,
			 int n2)
{
	if (n1 != n2)
		return n1 - n2;
	for (int i = 0; i < n1; i++) {
		if (na[i] != nb[i])
			return na[i] < nb[i] ? -1 : 1;
		if (i + 1 < n1 && ra[i] != rb[i])
			return ra[i] < rb[i] ? -1 : 1;
	}
	return 0;
}

static int bchain_cmp(const void *x, const void *y)
{
	const struct bchain *a = x, *b = y;
	return chain_key_cmp(a->node, a->rel, a->n, b->node, b->rel, b->n);
}

static int owner_chain_cmp(const void *x, const void *y)
{
	const tm_owner_chain *a = x, *b = y;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	uint32_t na[MAXN + 1], nb[MAXN + 1];
	for (size_t i = 0; i < a->n; i++) {
		na[i] = a->nodes[i];
		nb[i] = b->nodes[i];
	}
	return chain_key_cmp(na, a->rel_ids, (int)a->n, nb, b->rel_ids, (int)b->n);
}

/* The engine's own order: depth first, owners by (node, relation id). */
static int owner_chain_dfs_cmp(const tm_owner_chain *a, const tm_owner_chain *b)
{
	for (size_t i = 1; i < a->n && i < b->n; i++) {
		if (a->nodes[i] != b->nodes[i])
			return a->nodes[i] < b->nodes[i] ? -1 : 1;
		if (a->rel_ids[i - 1] != b->rel_ids[i - 1])
			return a->rel_ids[i - 1] < b->rel_ids[i - 1] ? -1 : 1;
	}
	return 0;
}

static void check_owners(struct tgraph *t, struct tally *ty)
{
	for (int qn = 0; qn < 6; qn++) {
		ctx_query = 100 + qn;
		uint32_t node = rnd(t->n);
		int max_depth = rnd(3) ? 0 : 1 + (int)rnd(4);
		struct bchains bc = { 0 };
		struct bchain cur = { 0 };
		int on[MAXN] = { 0 };
		cur.n = 1;
		cur.node[0] = node;
		on[node] = 1;
		owners_rec(t, &cur, on, max_depth ? max_depth : 32, &bc);
		if (bc.n > 1)
			qsort(bc.v, bc.n, sizeof(*bc.v), bchain_cmp);

		tm_owners o;
		tm_err err = { 0 };
		CHECK(tm_graph_owners(t->g, node, max_depth, 0, &o, &err) == TM_OK);
		CHECK(o.n_chains == bc.n);
		CHECK(!o.truncated);
		for (size_t i = 1; i < o.n_chains; i++)
			CHECK(owner_chain_dfs_cmp(&o.chains[i - 1], &o.chains[i]) < 0);
		if (o.n_chains > 1)
			qsort(o.chains, o.n_chains, sizeof(*o.chains), owner_chain_cmp);
		for (size_t i = 0; i < o.n_chains && i < bc.n; i++) {
			const tm_owner_chain *c = &o.chains[i];
			CHECK((int)c->n == bc.v[i].n);
			for (size_t j = 0; j < c->n; j++)
				CHECK(c->nodes[j] == bc.v[i].node[j]);
			for (size_t j = 0; j + 1 < c->n; j++)
				CHECK(c->rel_ids[j] == bc.v[i].rel[j]);
			CHECK(close_to(c->effective_share, bc.v[i].share));
			for (size_t j = 0; j + 1 < c->n; j++)
				for (size_t l = j + 1; l < c->n; l++)
					CHECK(c->nodes[j] != c->nodes[l]);
		}
		/* totals: one per distinct parent, sums, unknown poisons the sum */
		size_t n_parents = 0;
		for (size_t i = 0; i < bc.n; i++) {
			uint32_t par = bc.v[i].node[bc.v[i].n - 1];
			int first = 1;
			for (size_t j = 0; j < i; j++)
				if (bc.v[j].node[bc.v[j].n - 1] == par)
					first = 0;
			if (!first)
				continue;
			n_parents++;
			double sum = 0;
			size_t cnt = 0;
			for (size_t j = i; j < bc.n; j++) {
				if (bc.v[j].node[bc.v[j].n - 1] != par)
					continue;
				cnt++;
				sum = sum < 0 || bc.v[j].share < 0 ? -1.0 : sum + bc.v[j].share;
			}
			const tm_owner_total *tot = NULL;
			for (size_t j = 0; j < o.n_totals; j++)
				if (o.totals[j].parent == par)
					tot = &o.totals[j];
			CHECK(tot != NULL);
			if (tot) {
				CHECK(tot->n_chains == cnt);
				CHECK(close_to(tot->effective_share, sum));
			}
		}
		CHECK(o.n_totals == n_parents);
		for (size_t j = 1; j < o.n_totals; j++)
			CHECK(o.totals[j - 1].effective_share >= o.totals[j].effective_share);
		ty->owner_chains += bc.n;
		for (size_t i = 0; i < bc.n; i++) {
			/* a chain cut by a cycle: its parent is owned by a node on it */
			uint32_t par = bc.v[i].node[bc.v[i].n - 1];
			int cut = 0;
			for (size_t j = 0; j < t->m; j++)
				if (t->e[j].o == par && is_ownership(t->e[j].pred))
					for (int l = 0; l + 1 < bc.v[i].n; l++)
						cut |= t->e[j].s == bc.v[i].node[l];
			ty->owner_cycles += cut;
		}
		tm_owners_release(&o);

		if (bc.n > 1) {
			size_t cap = 1 + rnd((uint32_t)bc.n - 1);
			CHECK(tm_graph_owners(t->g, node, max_depth, cap, &o, &err) == TM_OK);
			CHECK(o.n_chains == cap);
			CHECK(o.truncated == (bc.n > cap));
			tm_owners_release(&o);
		}
		free(bc.v);
	}
}

/* Unfiltered undirected distances, Floyd–Warshall. */
static void distances(const struct tgraph *t, int d[MAXN][MAXN])
{
	for (uint32_t i = 0; i < t->n; i++)
		for (uint32_t j = 0; j < t->n; j++)
			d[i][j] = i == j ? 0 : 1000;
	for (size_t i = 0; i < t->m; i++)
		if (t->e[i].s != t->e[i].o)
			d[t->e[i].s][t->e[i].o] = d[t->e[i].o][t->e[i].s] = 1;
	for (uint32_t k = 0; k < t->n; k++)
		for (uint32_t i = 0; i < t->n; i++)
			for (uint32_t j = 0; j < t->n; j++)
				if (d[i][k] + d[k][j] < d[i][j])
					d[i][j] = d[i][k] + d[k][j];
}

static void check_walk(const struct tgraph *t, const tm_path *p, uint32_t from, const uint8_t *is_seed)
{
	uint32_t at = from;
	for (size_t i = 0; i < p->n; i++) {
		CHECK(p->steps[i].from == at);
		check_step(t, &p->steps[i]);
		at = p->steps[i].to;
	}
	CHECK(is_seed[at]);
}

static void check_exposure(struct tgraph *t, struct tally *ty)
{
	int d[MAXN][MAXN];
	distances(t, d);
	for (int qn = 0; qn < 4; qn++) {
		ctx_query = 200 + qn;
		tm_node seeds[4];
		size_t n_seeds = 1 + rnd(4);
		uint8_t is_seed[MAXN] = { 0 };
		for (size_t i = 0; i < n_seeds; i++) {
			seeds[i] = rnd(t->n);
			is_seed[seeds[i]] = 1;
		}
		int max_hops = (int)rnd(5);
		int best[MAXN];
		size_t expect = 0;
		for (uint32_t u = 0; u < t->n; u++) {
			best[u] = 1000;
			for (size_t i = 0; i < n_seeds; i++)
				if (d[u][seeds[i]] < best[u])
					best[u] = d[u][seeds[i]];
			if (best[u] <= max_hops)
				expect++;
		}
		tm_exposure x;
		tm_err err = { 0 };
		CHECK(tm_graph_exposure(t->g, seeds, n_seeds, max_hops, &x, &err) == TM_OK);
		CHECK(x.n == expect);
		for (size_t i = 0; i < x.n; i++) {
			const tm_exposed *e = &x.v[i];
			CHECK(e->dist == best[e->node]);
			CHECK((int)e->path.n == e->dist);
			check_walk(t, &e->path, e->node, is_seed);
			if (i)
				CHECK(x.v[i - 1].dist < e->dist || (x.v[i - 1].dist == e->dist && x.v[i - 1].node < e->node));
		}
		ty->exposed += x.n;
		tm_exposure_release(&x);

		for (int r = 0; r < 4; r++) {
			uint32_t u = rnd(t->n);
			tm_exposed one;
			CHECK(tm_graph_exposure_of(t->g, u, is_seed, max_hops, &one, &err) == TM_OK);
			CHECK(one.node == u);
			CHECK(one.dist == (best[u] <= max_hops ? best[u] : -1));
			if (one.dist >= 0) {
				CHECK((int)one.path.n == one.dist);
				check_walk(t, &one.path, u, is_seed);
			} else {
				CHECK(one.path.n == 0);
			}
			free(one.path.steps);
		}
	}
}

/* Not let through by tm_kinds_no_places(): a place, or a kind not known. */
static int is_place(const struct tgraph *t, uint32_t u)
{
	return !t->real[u] || t->kind[u] < 0 || tm_kinds[t->kind[u]].place;
}

/* Neighbourhoods that leave places out of their inside, against a BFS on the
 * graph where a place (other than the centre) is reached but never left. */
static void check_neighbors_no_places(struct tgraph *t)
{
	for (int qn = 0; qn < 4; qn++) {
		ctx_query = 350 + qn;
		uint32_t c = rnd(t->n);
		int depth = (int)rnd(4);
		int d[MAXN];
		uint32_t queue[MAXN];
		size_t head = 0, tail = 0;
		for (uint32_t u = 0; u < t->n; u++)
			d[u] = 1000;
		d[c] = 0;
		queue[tail++] = c;
		while (head < tail) {
			uint32_t u = queue[head++];
			if (d[u] == depth || (u != c && is_place(t, u)))
				continue;
			for (size_t i = 0; i < t->m; i++) {
				uint32_t w = t->e[i].s == u ? t->e[i].o : t->e[i].o == u ? t->e[i].s : UINT32_MAX;
				if (w != UINT32_MAX && d[w] == 1000) {
					d[w] = d[u] + 1;
					queue[tail++] = w;
				}
			}
		}
		tm_hood h;
		tm_err err = { 0 };
		CHECK(tm_graph_neighbors_kinds(t->g, c, depth, 0, tm_kinds_no_places(), &h, &err) == TM_OK);
		CHECK(h.n_nodes == tail);
		uint8_t in[MAXN] = { 0 };
		for (size_t i = 0; i < h.n_nodes; i++) {
			CHECK(h.dist[i] == d[h.nodes[i]]);
			in[h.nodes[i]] = 1;
		}
		/* the ties listed: between listed nodes, one end the centre or not a place */
		size_t n_edges = 0;
		for (size_t i = 0; i < t->m; i++) {
			uint32_t s = t->e[i].s, o = t->e[i].o;
			if (in[s] && in[o] && (s == c || o == c || !is_place(t, s) || !is_place(t, o)))
				n_edges++;
		}
		CHECK(h.n_edges == n_edges);
		tm_hood_release(&h);
	}
}

static void check_neighbors(struct tgraph *t)
{
	check_neighbors_no_places(t);
	int d[MAXN][MAXN];
	distances(t, d);
	for (int qn = 0; qn < 4; qn++) {
		ctx_query = 300 + qn;
		uint32_t c = rnd(t->n);
		int depth = (int)rnd(4);
		size_t total = 0;
		for (uint32_t u = 0; u < t->n; u++)
			if (d[c][u] <= depth)
				total++;
		tm_hood h;
		tm_err err = { 0 };
		CHECK(tm_graph_neighbors(t->g, c, depth, 0, &h, &err) == TM_OK);
		CHECK(h.n_nodes == total);
		CHECK(!h.truncated);
		CHECK(h.nodes[0] == c && h.dist[0] == 0);
		uint8_t in[MAXN] = { 0 };
		for (size_t i = 0; i < h.n_nodes; i++) {
			CHECK(h.dist[i] == d[c][h.nodes[i]]);
			if (i > 1)
				CHECK(h.dist[i - 1] < h.dist[i] || (h.dist[i - 1] == h.dist[i] && h.nodes[i - 1] < h.nodes[i]));
			in[h.nodes[i]] = 1;
		}
		size_t n_edges = 0;
		for (size_t i = 0; i < t->m; i++)
			if (in[t->e[i].s] && in[t->e[i].o])
				n_edges++;
		CHECK(h.n_edges == n_edges);
		for (size_t i = 0; i < h.n_edges; i++) {
			CHECK(h.edges[i].forward == 1);
			check_step(t, &h.edges[i]);
			CHECK(in[h.edges[i].from] && in[h.edges[i].to]);
			if (i)
				CHECK(h.edges[i - 1].rel_id < h.edges[i].rel_id);
		}
		tm_hood_release(&h);

		if (total > 1) {
			size_t cap = 1 + rnd((uint32_t)total - 1);
			CHECK(tm_graph_neighbors(t->g, c, depth, cap, &h, &err) == TM_OK);
			CHECK(h.n_nodes == cap);
			CHECK(h.truncated);
			/* a BFS prefix: whatever is missing is no nearer than the farthest kept */
			memset(in, 0, sizeof(in));
			for (size_t i = 0; i < h.n_nodes; i++) {
				CHECK(h.dist[i] == d[c][h.nodes[i]]);
				in[h.nodes[i]] = 1;
			}
			for (uint32_t u = 0; u < t->n; u++)
				if (!in[u] && d[c][u] <= depth)
					CHECK(d[c][u] >= h.dist[h.n_nodes - 1]);
			tm_hood_release(&h);
		}
	}
}

static void check_stats(struct tgraph *t)
{
	ctx_query = 400;
	uint32_t comp[MAXN], deg[MAXN] = { 0 };
	for (uint32_t u = 0; u < t->n; u++)
		comp[u] = u;
	/* relabel to a fixpoint: the smallest real node id reachable */
	for (int changed = 1; changed;) {
		changed = 0;
		for (size_t i = 0; i < t->m; i++) {
			uint32_t s = t->e[i].s, o = t->e[i].o;
			if (!t->real[s] || !t->real[o] || comp[s] == comp[o])
				continue;
			uint32_t lo = comp[s] < comp[o] ? comp[s] : comp[o];
			comp[s] = comp[o] = lo;
			changed = 1;
		}
	}
	for (size_t i = 0; i < t->m; i++) {
		deg[t->e[i].s]++;
		deg[t->e[i].o]++;
	}
	uint32_t nodes = 0, comps = 0, largest = 0, isolated = 0, maxd = 0, sum = 0, sorted[MAXN];
	for (uint32_t u = 0; u < t->n; u++) {
		if (!t->real[u])
			continue;
		sorted[nodes++] = deg[u];
		sum += deg[u];
		isolated += deg[u] == 0;
		maxd = deg[u] > maxd ? deg[u] : maxd;
		if (comp[u] == u)
			comps++;
		uint32_t size = 0;
		for (uint32_t v = 0; v < t->n; v++)
			size += t->real[v] && comp[v] == comp[u];
		largest = size > largest ? size : largest;
	}
	for (uint32_t i = 1; i < nodes; i++)
		for (uint32_t j = i; j > 0 && sorted[j - 1] > sorted[j]; j--) {
			uint32_t x = sorted[j];
			sorted[j] = sorted[j - 1];
			sorted[j - 1] = x;
		}
	tm_graph_stats st;
	assert_int_equal(tm_graph_stats_compute(t->g, &st, NULL), TM_OK);
	CHECK(st.nodes == nodes);
	CHECK(st.edges == t->m);
	CHECK(st.components == comps);
	CHECK(st.largest_component == largest);
	CHECK(st.isolated == isolated);
	CHECK(st.max_degree == maxd);
	CHECK(close_to(st.mean_degree, nodes ? (double)sum / nodes : 0));
	CHECK(st.median_degree == (nodes ? sorted[(nodes - 1) / 2] : 0));
}

/* The same edges added in another order give the same answers. */
static void check_order_independent(struct tgraph *t)
{
	ctx_query = 500;
	tm_graph *g2 = build(t, 1);
	tm_path_opts o = { 0 };
	o.max_hops = 5;
	o.max_paths = 3;
	for (int r = 0; r < 4; r++) {
		uint32_t a = rnd(t->n), b = rnd(t->n);
		tm_paths p1, p2;
		tm_err err = { 0 };
		CHECK(tm_graph_paths(t->g, a, b, &o, &p1, &err) == TM_OK);
		CHECK(tm_graph_paths(g2, a, b, &o, &p2, &err) == TM_OK);
		CHECK(p1.n == p2.n && p1.truncated == p2.truncated);
		for (size_t i = 0; i < p1.n && i < p2.n; i++) {
			CHECK(p1.v[i].n == p2.v[i].n);
			for (size_t j = 0; j < p1.v[i].n && j < p2.v[i].n; j++) {
				const tm_step *x = &p1.v[i].steps[j], *y = &p2.v[i].steps[j];
				CHECK(x->rel_id == y->rel_id && x->from == y->from && x->to == y->to &&
				      x->forward == y->forward && x->predicate == y->predicate);
			}
		}
		tm_paths_release(&p1);
		tm_paths_release(&p2);
		tm_hood h1, h2;
		CHECK(tm_graph_neighbors(t->g, a, 2, 5, &h1, &err) == TM_OK);
		CHECK(tm_graph_neighbors(g2, a, 2, 5, &h2, &err) == TM_OK);
		CHECK(h1.n_nodes == h2.n_nodes && h1.n_edges == h2.n_edges);
		for (size_t i = 0; i < h1.n_nodes && i < h2.n_nodes; i++)
			CHECK(h1.nodes[i] == h2.nodes[i]);
		tm_hood_release(&h1);
		tm_hood_release(&h2);
	}
	tm_graph_free(g2);
}

static void test_random_graphs(void **state)
{
	(void)state;
	struct bpaths bp = { 0 };
	struct tally ty = { 0 };
	for (unsigned seed = 1; seed <= N_GRAPHS; seed++) {
		struct tgraph t;
		ctx_seed = seed;
		gen_graph(&t, seed);
		rng_seed(seed * 7919u);
		check_shortest(&t, &bp, &ty);
		check_owners(&t, &ty);
		check_exposure(&t, &ty);
		check_neighbors(&t);
		check_stats(&t);
		check_order_independent(&t);
		tm_graph_free(t.g);
	}
	free(bp.v);
	/* the generator must reach the interesting cases, or the checks above prove little */
	print_message("paths found %zu, several shortest %zu, capped %zu, yen longer %zu, owner chains %zu, "
		      "cycle-cut chains %zu, exposed %zu, unfiltered %zu\n",
		      ty.found, ty.multi, ty.truncated, ty.yen_multi, ty.owner_chains, ty.owner_cycles, ty.exposed,
		      ty.plain);
	assert_true(ty.found > 300);
	assert_true(ty.multi > 50);
	assert_true(ty.truncated > 20);
	assert_true(ty.yen_multi > 50);
	assert_true(ty.owner_chains > 100);
	assert_true(ty.owner_cycles > 5);
	assert_true(ty.exposed > 500);
	assert_true(ty.plain > 500);
}

/* ---- hand-written cases ---- */

enum { OWNS = 0, ACQUIRED = 1, SUPPLIES = 8, PARTNER_OF = 11 };

static tm_graph *small_graph(uint32_t n, const struct tedge *e, size_t m)
{
	tm_graph *g = tm_graph_new(n);
	for (uint32_t u = 0; u < n; u++)
		tm_graph_set_node(g, u, 0);
	for (size_t i = 0; i < m; i++)
		tm_graph_add_edge(g, e[i].s, e[i].o, e[i].pred, e[i].rel, e[i].start, e[i].end, e[i].share);
	tm_err err = { 0 };
	assert_int_equal(tm_graph_finish(g, &err), TM_OK);
	return g;
}

static void test_vocabulary_indices(void **state)
{
	(void)state;
	/* the hand-written cases name predicates by index */
	assert_int_equal(tm_predicate_index("owns"), OWNS);
	assert_int_equal(tm_predicate_index("acquired"), ACQUIRED);
	assert_int_equal(tm_predicate_index("supplies"), SUPPLIES);
	assert_int_equal(tm_predicate_index("partner_of"), PARTNER_OF);
}

static void test_dates(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		int32_t start, end;
	} cases[] = {
		{ "", TM_DATE_OPEN_START, TM_DATE_OPEN_END },
		{ "2016", 20160101, 20161231 },
		{ "2016-02", 20160201, 20160229 },
		{ "2015-02", 20150201, 20150228 },
		{ "1900-02", 19000201, 19000228 },
		{ "2000-02", 20000201, 20000229 },
		{ "2016-04", 20160401, 20160430 },
		{ "2016-12", 20161201, 20161231 },
		{ "2016-03-05", 20160305, 20160305 },
		{ "2016-13", TM_DATE_OPEN_START, TM_DATE_OPEN_END },
		{ "soon", TM_DATE_OPEN_START, TM_DATE_OPEN_END },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(tm_graph_date_start(cases[i].in), cases[i].start);
		assert_int_equal(tm_graph_date_end(cases[i].in), cases[i].end);
	}
	assert_int_equal(tm_graph_date_start(NULL), TM_DATE_OPEN_START);
	assert_int_equal(tm_graph_date_end(NULL), TM_DATE_OPEN_END);
}

static void test_ownership_cycle(void **state)
{
	(void)state;
	/* 0 owns 1 owns 0; 1 is the parent seen from 0 and 0 from 1 */
	const struct tedge e[] = {
		{ 0, 1, OWNS, 10, 0, TM_DATE_OPEN_END, 60 },
		{ 1, 0, OWNS, 11, 0, TM_DATE_OPEN_END, 30 },
	};
	tm_graph *g = small_graph(2, e, 2);
	tm_owners o;
	tm_err err = { 0 };
	assert_int_equal(tm_graph_owners(g, 0, 0, 0, &o, &err), TM_OK);
	assert_int_equal(o.n_chains, 1);
	assert_int_equal(o.chains[0].n, 2);
	assert_int_equal(o.chains[0].nodes[0], 0);
	assert_int_equal(o.chains[0].nodes[1], 1);
	assert_int_equal(o.chains[0].rel_ids[0], 11);
	assert_true(close_to(o.chains[0].effective_share, 30));
	assert_int_equal(o.n_totals, 1);
	assert_int_equal(o.totals[0].parent, 1);
	tm_owners_release(&o);
	assert_int_equal(tm_graph_owners(g, 1, 0, 0, &o, &err), TM_OK);
	assert_int_equal(o.n_chains, 1);
	assert_int_equal(o.chains[0].nodes[1], 0);
	assert_true(close_to(o.chains[0].effective_share, 60));
	tm_owners_release(&o);
	tm_graph_free(g);
}

static void test_owner_shares(void **state)
{
	(void)state;
	/* 0 ← 1 (51%) ← 2 (40%); 0 ← 3 (unknown) ← 2 (100%); 4 owns 0 through
	 * `supplies`, which is not ownership; 5 owns itself only */
	const struct tedge e[] = {
		{ 1, 0, OWNS, 1, 0, TM_DATE_OPEN_END, 51 },
		{ 2, 1, ACQUIRED, 2, 0, TM_DATE_OPEN_END, 40 },
		{ 3, 0, OWNS, 3, 0, TM_DATE_OPEN_END, -1 },
		{ 2, 3, OWNS, 4, 0, TM_DATE_OPEN_END, 100 },
		{ 4, 0, SUPPLIES, 5, 0, TM_DATE_OPEN_END, 100 },
		{ 5, 5, OWNS, 6, 0, TM_DATE_OPEN_END, 100 },
	};
	tm_graph *g = small_graph(6, e, 6);
	tm_owners o;
	tm_err err = { 0 };
	assert_int_equal(tm_graph_owners(g, 0, 0, 0, &o, &err), TM_OK);
	assert_int_equal(o.n_chains, 2);
	/* owners in node order: via 1 first */
	assert_int_equal(o.chains[0].n, 3);
	assert_int_equal(o.chains[0].nodes[1], 1);
	assert_int_equal(o.chains[0].nodes[2], 2);
	assert_true(close_to(o.chains[0].effective_share, 20.4));
	assert_int_equal(o.chains[1].nodes[1], 3);
	assert_true(o.chains[1].effective_share < 0);
	assert_int_equal(o.n_totals, 1);
	assert_int_equal(o.totals[0].parent, 2);
	assert_int_equal(o.totals[0].n_chains, 2);
	assert_true(o.totals[0].effective_share < 0);
	tm_owners_release(&o);

	assert_int_equal(tm_graph_owners(g, 1, 0, 0, &o, &err), TM_OK);
	assert_int_equal(o.n_chains, 1);
	assert_true(close_to(o.chains[0].effective_share, 40));
	assert_true(close_to(o.totals[0].effective_share, 40));
	tm_owners_release(&o);

	/* no owner, or only itself: no chain */
	assert_int_equal(tm_graph_owners(g, 2, 0, 0, &o, &err), TM_OK);
	assert_int_equal(o.n_chains, 0);
	assert_int_equal(o.n_totals, 0);
	tm_owners_release(&o);
	assert_int_equal(tm_graph_owners(g, 5, 0, 0, &o, &err), TM_OK);
	assert_int_equal(o.n_chains, 0);
	tm_owners_release(&o);

	/* depth 1 stops at the direct owners */
	assert_int_equal(tm_graph_owners(g, 0, 1, 0, &o, &err), TM_OK);
	assert_int_equal(o.n_chains, 2);
	assert_int_equal(o.chains[0].n, 2);
	assert_true(close_to(o.chains[0].effective_share, 51));
	tm_owners_release(&o);
	tm_graph_free(g);
}

static void test_paths_basic(void **state)
{
	(void)state;
	/* 0 -a- 1 -b- 3, 0 -c- 2 -d- 3, plus a second relation 1→3 and a
	 * dated edge 0→3 valid only in 2010 */
	const struct tedge e[] = {
		{ 0, 1, SUPPLIES, 50, 0, TM_DATE_OPEN_END, -1 },
		{ 3, 1, SUPPLIES, 40, 0, TM_DATE_OPEN_END, -1 },
		{ 0, 2, PARTNER_OF, 30, 0, TM_DATE_OPEN_END, -1 },
		{ 2, 3, SUPPLIES, 20, 0, TM_DATE_OPEN_END, -1 },
		{ 1, 3, OWNS, 10, 0, TM_DATE_OPEN_END, -1 },
		{ 0, 3, OWNS, 99, 20100101, 20101231, -1 },
	};
	tm_graph *g = small_graph(5, e, 6);
	tm_paths p;
	tm_err err = { 0 };
	tm_path_opts o = { 0 };
	o.as_of = 20200101;
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 3); /* 30,20 < 50,10 < 50,40 */
	assert_int_equal(p.v[0].steps[0].rel_id, 30);
	assert_int_equal(p.v[0].steps[1].rel_id, 20);
	assert_int_equal(p.v[1].steps[0].rel_id, 50);
	assert_int_equal(p.v[1].steps[1].rel_id, 10);
	assert_int_equal(p.v[1].steps[1].forward, 1);
	assert_int_equal(p.v[2].steps[1].rel_id, 40);
	assert_int_equal(p.v[2].steps[1].forward, 0);
	assert_int_equal(p.v[2].steps[1].from, 1);
	assert_int_equal(p.v[2].steps[1].to, 3);
	tm_paths_release(&p);

	o.as_of = 20100601;
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].n, 1);
	assert_int_equal(p.v[0].steps[0].rel_id, 99);
	tm_paths_release(&p);

	/* only supplies: one path, walked against 40 */
	o.as_of = 0;
	o.predicates = (uint64_t)1 << SUPPLIES;
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].n, 2);
	assert_int_equal(p.v[0].steps[1].rel_id, 40);
	tm_paths_release(&p);

	/* intermediate kinds: node 1 made a university blocks the paths through it */
	tm_graph *g2 = tm_graph_new(5);
	for (uint32_t u = 0; u < 5; u++)
		tm_graph_set_node(g2, u, u == 1 ? 4 : 0);
	for (size_t i = 0; i < 6; i++)
		tm_graph_add_edge(g2, e[i].s, e[i].o, e[i].pred, e[i].rel, e[i].start, e[i].end, e[i].share);
	assert_int_equal(tm_graph_finish(g2, &err), TM_OK);
	memset(&o, 0, sizeof(o));
	o.as_of = 20200101;
	o.kinds = 1; /* companies only */
	assert_int_equal(tm_graph_paths(g2, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].steps[0].rel_id, 30);
	tm_paths_release(&p);
	/* ... but not as an end point: 1-0-2, 1-3-2 twice */
	assert_int_equal(tm_graph_paths(g2, 1, 2, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 3);
	tm_paths_release(&p);
	tm_graph_free(g2);

	/* a == b: one empty path; no path: none; node 4 is unconnected */
	assert_int_equal(tm_graph_paths(g, 2, 2, NULL, &p, &err), TM_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.v[0].n, 0);
	tm_paths_release(&p);
	assert_int_equal(tm_graph_paths(g, 0, 4, NULL, &p, &err), TM_OK);
	assert_int_equal(p.n, 0);
	tm_paths_release(&p);

	/* max_hops bounds the search */
	memset(&o, 0, sizeof(o));
	o.as_of = 20200101;
	o.max_hops = 1;
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 0);
	tm_paths_release(&p);

	/* k = 5: node 1 reaches 2 only through 0 or 3, so the three two-hop
	 * paths are all the simple ones */
	o.max_hops = 4;
	o.k = 5;
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 3);
	assert_int_equal(p.truncated, 0);
	assert_int_equal(p.v[2].steps[1].rel_id, 40);
	o.k = 2;
	tm_paths_release(&p);
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.truncated, 1);
	assert_int_equal(p.v[1].steps[0].rel_id, 50);
	tm_paths_release(&p);
	/* in 2010 the direct edge comes first, then the two-hop ones */
	o.as_of = 20100601;
	o.k = 4;
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.v[0].n, 1);
	assert_int_equal(p.v[3].n, 2);
	tm_paths_release(&p);

	/* errors */
	assert_int_equal(tm_graph_paths(g, 0, 5, NULL, &p, &err), TM_ERR_INVALID);
	assert_string_equal(err.msg, "node 5 out of range (graph has 5 nodes)");
	o.max_hops = -1;
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_ERR_INVALID);
	tm_graph_free(g);
}

static void test_parallel_edges_are_paths(void **state)
{
	(void)state;
	/* 0 = 1 twice, 1 = 2 three times: 6 shortest paths */
	const struct tedge e[] = {
		{ 0, 1, OWNS, 5, 0, TM_DATE_OPEN_END, -1 },     { 1, 0, SUPPLIES, 3, 0, TM_DATE_OPEN_END, -1 },
		{ 1, 2, OWNS, 9, 0, TM_DATE_OPEN_END, -1 },     { 1, 2, SUPPLIES, 7, 0, TM_DATE_OPEN_END, -1 },
		{ 2, 1, PARTNER_OF, 8, 0, TM_DATE_OPEN_END, -1 }, { 1, 1, OWNS, 1, 0, TM_DATE_OPEN_END, -1 },
	};
	tm_graph *g = small_graph(3, e, 6);
	tm_paths p;
	tm_err err = { 0 };
	assert_int_equal(tm_graph_paths(g, 0, 2, NULL, &p, &err), TM_OK);
	assert_int_equal(p.n, 6);
	assert_int_equal(p.truncated, 0);
	const int64_t want[6][2] = { { 3, 7 }, { 3, 8 }, { 3, 9 }, { 5, 7 }, { 5, 8 }, { 5, 9 } };
	for (size_t i = 0; i < 6; i++) {
		assert_int_equal(p.v[i].steps[0].rel_id, want[i][0]);
		assert_int_equal(p.v[i].steps[1].rel_id, want[i][1]);
	}
	tm_paths_release(&p);
	tm_path_opts o = { 0 };
	o.max_paths = 4;
	assert_int_equal(tm_graph_paths(g, 0, 2, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 4);
	assert_int_equal(p.truncated, 1);
	assert_int_equal(p.v[3].steps[0].rel_id, 5);
	tm_paths_release(&p);
	o.max_paths = 6;
	assert_int_equal(tm_graph_paths(g, 0, 2, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 6);
	assert_int_equal(p.truncated, 0);
	tm_paths_release(&p);

	/* the self-loop counts once in the neighbourhood and twice in the degree */
	tm_hood h;
	assert_int_equal(tm_graph_neighbors(g, 1, 1, 0, &h, &err), TM_OK);
	assert_int_equal(h.n_nodes, 3);
	assert_int_equal(h.n_edges, 6);
	assert_int_equal(h.edges[0].rel_id, 1);
	tm_hood_release(&h);
	tm_graph_stats st;
	assert_int_equal(tm_graph_stats_compute(g, &st, NULL), TM_OK);
	assert_int_equal(st.max_degree, 7);
	assert_int_equal(st.components, 1);
	tm_graph_free(g);
}

static void test_duplicate_relation_ids_tie_by_key(void **state)
{
	(void)state;
	/* one relation id on two edges from 0 (a graph built by hand can have
	 * that): 0-1-3 and 0-2-3 read the same, and the first is the one through
	 * the lower key, 1, although 2 has the most edges and so the engine's
	 * first internal number */
	const struct tedge e[] = {
		{ 0, 1, OWNS, 4, 0, TM_DATE_OPEN_END, -1 },  { 0, 2, OWNS, 4, 0, TM_DATE_OPEN_END, -1 },
		{ 1, 3, OWNS, 6, 0, TM_DATE_OPEN_END, -1 },  { 2, 3, OWNS, 6, 0, TM_DATE_OPEN_END, -1 },
		{ 2, 4, OWNS, 20, 0, TM_DATE_OPEN_END, -1 }, { 2, 5, OWNS, 21, 0, TM_DATE_OPEN_END, -1 },
		{ 2, 6, OWNS, 22, 0, TM_DATE_OPEN_END, -1 },
	};
	tm_graph *g = small_graph(7, e, 7);
	tm_paths p;
	tm_err err = { 0 };
	tm_path_opts o = { .max_hops = 4, .max_paths = 1 };
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 1);
	assert_int_equal(p.truncated, 1);
	assert_int_equal(p.v[0].steps[0].to, 1);
	tm_paths_release(&p);
	o.max_paths = 2;
	assert_int_equal(tm_graph_paths(g, 0, 3, &o, &p, &err), TM_OK);
	assert_int_equal(p.n, 2);
	assert_int_equal(p.truncated, 0);
	assert_true(p.v[0].steps[0].to + p.v[1].steps[0].to == 3);
	tm_paths_release(&p);
	tm_graph_free(g);
}

static void test_build_errors(void **state)
{
	(void)state;
	tm_graph *g = tm_graph_new(3);
	tm_graph_add_edge(g, 0, 3, OWNS, 1, 0, TM_DATE_OPEN_END, -1);
	tm_err err = { 0 };
	assert_int_equal(tm_graph_finish(g, &err), TM_ERR_INVALID);
	assert_string_equal(err.msg, "node 3 out of range (graph has 3 nodes)");
	tm_graph_free(g);

	g = tm_graph_new(3);
	tm_paths p;
	assert_int_equal(tm_graph_paths(g, 0, 1, NULL, &p, &err), TM_ERR_INVALID);
	assert_string_equal(err.msg, "graph not finished");
	assert_int_equal(tm_graph_finish(g, &err), TM_OK);
	assert_int_equal(tm_graph_finish(g, &err), TM_ERR_INVALID);
	assert_int_equal(tm_graph_n_edges(g), 0);
	assert_int_equal(tm_graph_node_exists(g, 0), 0);
	assert_int_equal(tm_graph_node_kind(g, 0), -1);
	tm_graph_stats st;
	assert_int_equal(tm_graph_stats_compute(g, &st, NULL), TM_OK);
	assert_int_equal(st.nodes, 0);
	assert_int_equal(st.components, 0);
	tm_graph_free(g);

	g = tm_graph_new(4);
	tm_graph_set_node(g, 1, 3);
	tm_graph_set_node(g, 2, -1);
	assert_int_equal(tm_graph_finish(g, &err), TM_OK);
	assert_int_equal(tm_graph_node_exists(g, 1), 1);
	assert_int_equal(tm_graph_node_exists(g, 2), 1);
	assert_int_equal(tm_graph_node_exists(g, 3), 0);
	assert_int_equal(tm_graph_node_exists(g, 9), 0);
	assert_int_equal(tm_graph_node_kind(g, 1), 3);
	assert_int_equal(tm_graph_node_kind(g, 2), -1);
	assert_int_equal(tm_graph_degree(g, 1), 0);
	assert_int_equal(tm_graph_degree(g, 9), 0);
	assert_int_equal(tm_graph_stats_compute(g, &st, NULL), TM_OK);
	assert_int_equal(st.nodes, 2);
	assert_int_equal(st.isolated, 2);
	assert_int_equal(st.components, 2);
	tm_graph_free(g);
}

static void test_exposure_hand(void **state)
{
	(void)state;
	/* a chain 0 - 1 - 2 - 3 - 4 with seed 4 and seed 0 */
	const struct tedge e[] = {
		{ 0, 1, SUPPLIES, 1, 0, TM_DATE_OPEN_END, -1 }, { 2, 1, SUPPLIES, 2, 0, TM_DATE_OPEN_END, -1 },
		{ 2, 3, SUPPLIES, 3, 0, TM_DATE_OPEN_END, -1 }, { 3, 4, SUPPLIES, 4, 0, TM_DATE_OPEN_END, -1 },
	};
	tm_graph *g = small_graph(6, e, 4);
	tm_node seeds[] = { 4, 0, 4 };
	tm_exposure x;
	tm_err err = { 0 };
	assert_int_equal(tm_graph_exposure(g, seeds, 3, 1, &x, &err), TM_OK);
	assert_int_equal(x.n, 4); /* 0, 4, then 1, 3 */
	assert_int_equal(x.v[0].node, 0);
	assert_int_equal(x.v[1].node, 4);
	assert_int_equal(x.v[2].node, 1);
	assert_int_equal(x.v[2].dist, 1);
	assert_int_equal(x.v[2].path.steps[0].to, 0);
	assert_int_equal(x.v[2].path.steps[0].forward, 0);
	assert_int_equal(x.v[3].node, 3);
	assert_int_equal(x.v[3].path.steps[0].forward, 1);
	tm_exposure_release(&x);
	assert_int_equal(tm_graph_exposure(g, seeds, 3, 0, &x, &err), TM_OK);
	assert_int_equal(x.n, 2);
	tm_exposure_release(&x);

	uint8_t is_seed[6] = { 0, 0, 0, 0, 1, 0 };
	tm_exposed one;
	assert_int_equal(tm_graph_exposure_of(g, 1, is_seed, 3, &one, &err), TM_OK);
	assert_int_equal(one.dist, 3);
	assert_int_equal(one.path.n, 3);
	assert_int_equal(one.path.steps[0].from, 1);
	assert_int_equal(one.path.steps[0].to, 2);
	assert_int_equal(one.path.steps[0].forward, 0);
	assert_int_equal(one.path.steps[2].to, 4);
	free(one.path.steps);
	assert_int_equal(tm_graph_exposure_of(g, 1, is_seed, 2, &one, &err), TM_OK);
	assert_int_equal(one.dist, -1);
	assert_int_equal(tm_graph_exposure_of(g, 5, is_seed, 9, &one, &err), TM_OK);
	assert_int_equal(one.dist, -1);
	assert_int_equal(tm_graph_exposure_of(g, 4, is_seed, 9, &one, &err), TM_OK);
	assert_int_equal(one.dist, 0);
	assert_int_equal(one.path.n, 0);
	tm_graph_free(g);
}

/* Many threads querying one graph share its scratch pool. */
struct worker {
	const tm_graph *g;
	int ok;
};

static int worker_run(void *arg)
{
	struct worker *w = arg;
	w->ok = 1;
	for (int i = 0; i < 2000; i++) {
		tm_paths p;
		tm_err err = { 0 };
		uint32_t a = (uint32_t)i % 30, b = (uint32_t)(i * 7 + 3) % 30;
		if (tm_graph_paths(w->g, a, b, NULL, &p, &err) != TM_OK)
			w->ok = 0;
		/* a ring of 30: the distance is known */
		uint32_t d = a > b ? a - b : b - a;
		d = d < 30 - d ? d : 30 - d;
		size_t want = d <= 6 ? 1 : 0;
		if (p.n != want || (want && p.v[0].n != d))
			w->ok = 0;
		tm_paths_release(&p);
	}
	return 0;
}

static void test_threads(void **state)
{
	(void)state;
	struct tedge e[30];
	for (uint32_t i = 0; i < 30; i++)
		e[i] = (struct tedge){ i, (i + 1) % 30, SUPPLIES, 1000 + i, 0, TM_DATE_OPEN_END, -1 };
	tm_graph *g = small_graph(30, e, 30);
	thrd_t th[8];
	struct worker w[8];
	for (int i = 0; i < 8; i++) {
		w[i].g = g;
		assert_int_equal(thrd_create(&th[i], worker_run, &w[i]), thrd_success);
	}
	for (int i = 0; i < 8; i++) {
		thrd_join(th[i], NULL);
		assert_true(w[i].ok);
	}
	tm_graph_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vocabulary_indices),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_ownership_cycle),
		cmocka_unit_test(test_owner_shares),
		cmocka_unit_test(test_paths_basic),
		cmocka_unit_test(test_parallel_edges_are_paths),
		cmocka_unit_test(test_duplicate_relation_ids_tie_by_key),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_exposure_hand),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_random_graphs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
