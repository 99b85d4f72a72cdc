/*
 * Unit tests of graph snapshots (tm_graph_save, tm_graph_map, tm_graph_open):
 * a mapped graph answers every query as the graph it was saved from; a
 * snapshot of other data is refused, never read; a damaged one (which
 * opening does not read through) answers as the graph it was saved from or
 * says it is damaged, never anything else and never reads outside the file:
 * every byte of one snapshot damaged in turn, and 1,000 snapshots of a
 * store's graph damaged at random, each answer compared with the graph the
 * store gives; tm_graph_open() saves one on the first load and maps it after,
 * builds anew once the data changed, and with TM_GRAPH_CHECK_ALL builds
 * anew when the snapshot is damaged.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "graph/graph.h"
#include "match/match.h"
#include "search/search.h"
#include "model/model.h"
#include "snap/snap.h"
#include "store/store.h"

static char dir[] = "/tmp/tm-snap-XXXXXX";

static void path_in(char *out, size_t n, const char *name)
{
	snprintf(out, n, "%s/%s", dir, name);
}

static uint64_t rng_state = 88172645463325252ULL;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* A random graph of n nodes and m edges, with ownership ties and dates. */
static tm_graph *random_graph(uint32_t n, uint32_t m)
{
	tm_graph *g = tm_graph_new(n);
	for (uint32_t u = 1; u < n; u++)
		tm_graph_set_node(g, u, (int)rnd((uint32_t)tm_n_kinds));
	for (uint32_t i = 0; i < m; i++) {
		uint32_t s = 1 + rnd(n - 1), o = 1 + rnd(n - 1);
		int32_t start = rnd(2) ? 0 : 20000101 + (int32_t)rnd(20) * 10000;
		tm_graph_add_edge(g, s, o, (int)rnd((uint32_t)tm_n_predicates), 1000 + i, start, TM_DATE_OPEN_END,
				  rnd(3) ? (double)rnd(101) : -1.0);
	}
	tm_err err = { 0 };
	assert_int_equal(tm_graph_finish(g, &err), TM_OK);
	return g;
}

static void same_paths(const tm_paths *x, const tm_paths *y)
{
	assert_int_equal(x->n, y->n);
	assert_int_equal(x->truncated, y->truncated);
	for (size_t i = 0; i < x->n; i++) {
		assert_int_equal(x->v[i].n, y->v[i].n);
		for (size_t s = 0; s < x->v[i].n; s++) {
			assert_int_equal(x->v[i].steps[s].rel_id, y->v[i].steps[s].rel_id);
			assert_int_equal(x->v[i].steps[s].from, y->v[i].steps[s].from);
			assert_int_equal(x->v[i].steps[s].forward, y->v[i].steps[s].forward);
		}
	}
}

static void test_mapped_graph_answers_the_same(void **state)
{
	(void)state;
	char path[256];
	path_in(path, sizeof(path), "a.graph");
	tm_err err = { 0 };
	tm_graph *g = random_graph(60, 200), *h = NULL;
	assert_int_equal(tm_graph_save(g, path, 42, &err), TM_OK);
	assert_int_equal(tm_graph_map(path, 42, &h, &err), TM_OK);
	assert_int_equal(tm_graph_n_nodes(h), tm_graph_n_nodes(g));
	assert_int_equal(tm_graph_n_edges(h), tm_graph_n_edges(g));
	uint64_t degrees = 0;
	for (tm_node u = 0; u < 60; u++) {
		assert_int_equal(tm_graph_node_exists(h, u), tm_graph_node_exists(g, u));
		assert_int_equal(tm_graph_node_kind(h, u), tm_graph_node_kind(g, u));
		assert_int_equal(tm_graph_degree(h, u), tm_graph_degree(g, u));
		degrees += tm_graph_degree(g, u);
	}
	/* each edge is a tie of both its ends */
	assert_int_equal(degrees, 2 * tm_graph_n_edges(g));
	tm_path_opts po = { .max_hops = 6, .max_paths = 50 };
	tm_path_opts dated = { .max_hops = 6, .as_of = 20100101, .predicates = 0x3ff };
	for (int q = 0; q < 300; q++) {
		tm_node a = 1 + rnd(59), b = 1 + rnd(59);
		tm_paths x, y;
		const tm_path_opts *o = q % 3 ? &po : &dated;
		assert_int_equal(tm_graph_paths(g, a, b, o, &x, &err), TM_OK);
		assert_int_equal(tm_graph_paths(h, a, b, o, &y, &err), TM_OK);
		same_paths(&x, &y);
		tm_paths_release(&x);
		tm_paths_release(&y);
		tm_owners ox, oy;
		assert_int_equal(tm_graph_owners(g, a, 0, 0, &ox, &err), TM_OK);
		assert_int_equal(tm_graph_owners(h, a, 0, 0, &oy, &err), TM_OK);
		assert_int_equal(ox.n_chains, oy.n_chains);
		assert_int_equal(ox.n_totals, oy.n_totals);
		for (size_t i = 0; i < ox.n_totals; i++) {
			assert_int_equal(ox.totals[i].parent, oy.totals[i].parent);
			assert_true(ox.totals[i].effective_share == oy.totals[i].effective_share);
		}
		tm_owners_release(&ox);
		tm_owners_release(&oy);
	}
	tm_graph_stats sx, sy;
	assert_int_equal(tm_graph_stats_compute(g, &sx, NULL), TM_OK);
	assert_int_equal(tm_graph_stats_compute(h, &sy, NULL), TM_OK);
	assert_memory_equal(&sx, &sy, sizeof(sx));
	tm_graph_free(g);
	tm_graph_free(h);
}

/* The bytes of the snapshot at path, into buf; returns the length. */
static size_t read_file(const char *path, unsigned char *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t len = fread(buf, 1, cap, f);
	fclose(f);
	assert_true(len > 256 && len < cap);
	return len;
}

static void write_file(const char *path, const unsigned char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, len, f), len);
	fclose(f);
}

static void test_stale_snapshot_is_refused(void **state)
{
	(void)state;
	char path[256], bad[256];
	path_in(path, sizeof(path), "b.graph");
	path_in(bad, sizeof(bad), "b-bad.graph");
	tm_err err = { 0 };
	tm_graph *g = random_graph(30, 80), *h = NULL;
	assert_int_equal(tm_graph_save(g, path, 7, &err), TM_OK);
	/* another stamp: made from other data */
	assert_int_equal(tm_graph_map(path, 8, &h, &err), TM_ERR_NOTFOUND);
	assert_null(h);
	/* missing */
	assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_ERR_NOTFOUND);
	/* another kind of file, or another format of the graph's */
	uint32_t x = 1;
	tm_snap_part part = { &x, sizeof(x) };
	assert_int_equal(tm_snap_write(bad, "vocab-2", 0, 7, &part, 1, &err), TM_OK);
	assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_ERR_NOTFOUND);
	assert_int_equal(tm_snap_write(bad, "graph-2", 0, 7, &part, 1, &err), TM_OK);
	assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_ERR_NOTFOUND);
	assert_null(h);

	unsigned char buf[1 << 17];
	size_t len = read_file(path, buf, sizeof(buf));
	/* truncated, or longer than written: damaged */
	write_file(bad, buf, len - 64);
	assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_ERR_IO);
	write_file(bad, buf, len + 64);
	assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_ERR_IO);
	assert_null(h);
	/* any byte of the header (88 bytes) and the parts' lengths (13):
	 * refused (the blocks' checksums are checked with their blocks) */
	for (size_t at = 0; at < 88 + 13 * 8; at++) {
		buf[at] ^= 0x40;
		write_file(bad, buf, len);
		buf[at] ^= 0x40;
		tm_rc rc = tm_graph_map(bad, 7, &h, &err);
		assert_true(rc == TM_ERR_NOTFOUND || rc == TM_ERR_IO);
		assert_null(h);
	}
	write_file(bad, buf, len);
	assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_OK);
	tm_graph_free(h);
	unlink(bad);
	tm_graph_free(g);
}

static int same_steps(const tm_step *x, const tm_step *y, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (x[i].rel_id != y[i].rel_id || x[i].from != y[i].from || x[i].to != y[i].to ||
		    x[i].forward != y[i].forward || x[i].predicate != y[i].predicate)
			return 0;
	return 1;
}

static int paths_equal(const tm_paths *x, const tm_paths *y)
{
	if (x->n != y->n || x->truncated != y->truncated)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i].n != y->v[i].n || !same_steps(x->v[i].steps, y->v[i].steps, x->v[i].n))
			return 0;
	return 1;
}

static int owners_equal(const tm_owners *x, const tm_owners *y)
{
	if (x->n_chains != y->n_chains || x->n_totals != y->n_totals || x->truncated != y->truncated)
		return 0;
	for (size_t i = 0; i < x->n_chains; i++) {
		const tm_owner_chain *a = &x->chains[i], *b = &y->chains[i];
		if (a->n != b->n || a->effective_share != b->effective_share ||
		    memcmp(a->nodes, b->nodes, a->n * sizeof(*a->nodes)) != 0 ||
		    memcmp(a->rel_ids, b->rel_ids, (a->n - 1) * sizeof(*a->rel_ids)) != 0)
			return 0;
	}
	for (size_t i = 0; i < x->n_totals; i++)
		if (x->totals[i].parent != y->totals[i].parent || x->totals[i].n_chains != y->totals[i].n_chains ||
		    x->totals[i].effective_share != y->totals[i].effective_share)
			return 0;
	return 1;
}

static int hoods_equal(const tm_hood *x, const tm_hood *y)
{
	return x->n_nodes == y->n_nodes && x->n_edges == y->n_edges && x->truncated == y->truncated &&
	       memcmp(x->nodes, y->nodes, x->n_nodes * sizeof(*x->nodes)) == 0 &&
	       memcmp(x->dist, y->dist, x->n_nodes * sizeof(*x->dist)) == 0 &&
	       same_steps(x->edges, y->edges, x->n_edges);
}

static int exposures_equal(const tm_exposure *x, const tm_exposure *y)
{
	if (x->n != y->n)
		return 0;
	for (size_t i = 0; i < x->n; i++)
		if (x->v[i].node != y->v[i].node || x->v[i].dist != y->v[i].dist ||
		    x->v[i].path.n != y->v[i].path.n || !same_steps(x->v[i].path.steps, y->v[i].path.steps, x->v[i].path.n))
			return 0;
	return 1;
}

struct tally {
	int refused;  /* the snapshot was not mapped (or was built again) */
	int damaged;  /* queries that said the snapshot is damaged */
	int answered; /* queries that answered, each as the reference does */
};

/* One query's outcome on the damaged graph h: an error that says the
 * snapshot is damaged, or TM_OK and equal (eq) to the reference's answer;
 * anything else fails the test. */
static void outcome(struct tally *t, tm_rc rc, const tm_err *err, int eq, const char *what)
{
	if (rc == TM_ERR_IO) {
		assert_non_null(strstr(err->msg, "is damaged"));
		t->damaged++;
		return;
	}
	if (rc != TM_OK || !eq)
		fail_msg("%s: %s on a damaged snapshot (rc %d: %s)", what, rc ? "failed" : "answered wrongly", rc,
			 err->msg);
	t->answered++;
}

/* The answers of a graph to every kind of query, for nodes 1, 1 + step, …
 * below n: made once on the reference graph, compared with each damaged
 * snapshot's. */
#define MAX_ASKED 64
struct answers {
	size_t na;
	tm_rc rc_paths[MAX_ASKED][3], rc_owners[MAX_ASKED], rc_hood[MAX_ASKED], rc_x[MAX_ASKED], rc_xs, rc_st;
	tm_paths paths[MAX_ASKED][3];
	tm_owners owners[MAX_ASKED];
	tm_hood hood[MAX_ASKED];
	tm_exposed x[MAX_ASKED];
	int kind[MAX_ASKED], exists[MAX_ASKED];
	tm_exposure xs;
	tm_graph_stats st;
	tm_err err;
};

static const tm_path_opts ask_opts[3] = {
	{ .max_hops = 6, .max_paths = 50 },
	{ .max_hops = 6, .as_of = 20100101, .predicates = 0x3ff, .kinds = 0x7 },
	{ .max_hops = 5, .k = 3 },
};

static void ask(const tm_graph *g, uint32_t n, uint32_t step, const uint8_t *is_seed, const tm_node *seeds,
		struct answers *A)
{
	memset(A, 0, sizeof(*A));
	for (tm_node a = 1; a < n && A->na < MAX_ASKED; a += step) {
		size_t i = A->na++;
		tm_node b = n - a;
		for (size_t o = 0; o < 3; o++)
			A->rc_paths[i][o] = tm_graph_paths(g, a, b, &ask_opts[o], &A->paths[i][o], &A->err);
		/* bounded: a random graph has ownership chains by the thousand */
		A->rc_owners[i] = tm_graph_owners(g, a, 8, 60, &A->owners[i], &A->err);
		A->rc_hood[i] = tm_graph_neighbors(g, a, 2, 0, &A->hood[i], &A->err);
		A->rc_x[i] = tm_graph_exposure_of(g, a, is_seed, 3, &A->x[i], &A->err);
		A->kind[i] = tm_graph_node_kind(g, a);
		A->exists[i] = tm_graph_node_exists(g, a);
	}
	A->rc_xs = tm_graph_exposure(g, seeds, 3, 2, &A->xs, &A->err);
	A->rc_st = tm_graph_stats_compute(g, &A->st, &A->err);
}

static void answers_release(struct answers *A)
{
	for (size_t i = 0; i < A->na; i++) {
		for (size_t o = 0; o < 3; o++)
			tm_paths_release(&A->paths[i][o]);
		tm_owners_release(&A->owners[i]);
		tm_hood_release(&A->hood[i]);
		free(A->x[i].path.steps);
	}
	tm_exposure_release(&A->xs);
}

/*
 * Every kind of query on a mapped graph h of n nodes, each compared with the
 * answer of the reference graph (a graph built in memory, or from the
 * store) in ref.
 */
static void query_all(const tm_graph *h, const struct answers *ref, uint32_t n, uint32_t step, struct tally *t)
{
	tm_node seeds[] = { 3 % n, 11 % n, 17 % n };
	uint8_t *is_seed = calloc(n, 1);
	for (size_t i = 0; i < 3; i++)
		is_seed[seeds[i]] = 1;
	struct answers *A = malloc(sizeof(*A));
	ask(h, n, step, is_seed, seeds, A);
	for (size_t i = 0; i < A->na; i++) {
		for (size_t o = 0; o < 3; o++)
			outcome(t, A->rc_paths[i][o], &A->err,
				!A->rc_paths[i][o] && !ref->rc_paths[i][o] &&
					paths_equal(&A->paths[i][o], &ref->paths[i][o]),
				"path");
		outcome(t, A->rc_owners[i], &A->err,
			!A->rc_owners[i] && !ref->rc_owners[i] && owners_equal(&A->owners[i], &ref->owners[i]), "owners");
		outcome(t, A->rc_hood[i], &A->err,
			!A->rc_hood[i] && !ref->rc_hood[i] && hoods_equal(&A->hood[i], &ref->hood[i]), "neighbours");
		const tm_exposed *x = &A->x[i], *rx = &ref->x[i];
		outcome(t, A->rc_x[i], &A->err,
			!A->rc_x[i] && !ref->rc_x[i] && x->dist == rx->dist && x->path.n == rx->path.n &&
				same_steps(x->path.steps, rx->path.steps, x->path.n),
			"exposure of a node");
		/* a kind or existence read from damage is no answer: the query
		 * after it says so (graph.h) */
		assert_true(A->kind[i] == ref->kind[i] || A->kind[i] == -1);
		assert_true(A->exists[i] >= ref->exists[i]);
	}
	outcome(t, A->rc_xs, &A->err, !A->rc_xs && !ref->rc_xs && exposures_equal(&A->xs, &ref->xs), "exposure");
	outcome(t, A->rc_st, &A->err, !A->rc_st && !ref->rc_st && memcmp(&A->st, &ref->st, sizeof(A->st)) == 0,
		"stats");
	answers_release(A);
	free(A);
	free(is_seed);
}

/* The reference answers of g (n nodes, every step-th asked). */
static struct answers *reference(const tm_graph *g, uint32_t n, uint32_t step)
{
	tm_node seeds[] = { 3 % n, 11 % n, 17 % n };
	uint8_t *is_seed = calloc(n, 1);
	for (size_t i = 0; i < 3; i++)
		is_seed[seeds[i]] = 1;
	struct answers *A = malloc(sizeof(*A));
	ask(g, n, step, is_seed, seeds, A);
	free(is_seed);
	return A;
}

/*
 * A snapshot is opened without reading it through, so a damaged one may map;
 * then each query must answer as the graph it was saved from or say the
 * snapshot is damaged, and never read outside the file or crash (the
 * sanitizers check every read).  Every byte of the header and the table,
 * and of each array (each starts on a page of its own, snap.h), is damaged
 * in turn; then 300 files with eight bytes damaged anywhere.
 */
static void test_damaged_snapshot_never_answers_wrongly(void **state)
{
	(void)state;
	char path[256], bad[256];
	path_in(path, sizeof(path), "d.graph");
	path_in(bad, sizeof(bad), "d-bad.graph");
	tm_err err = { 0 };
	uint32_t n = 30;
	tm_graph *g = random_graph(n, 80), *h = NULL;
	struct answers *ref = reference(g, n, 7);
	assert_int_equal(tm_graph_save(g, path, 7, &err), TM_OK);
	static unsigned char buf[1 << 17], copy[1 << 17];
	size_t len = read_file(path, buf, sizeof(buf));
	/* the bytes that are not padding: the header and the table (each
	 * part's length, each block's checksum), then each part's, from the
	 * start of its page (parts are shorter than one): every byte of the
	 * first, every fifth of the others */
	static const size_t part_len[] = { 30, 124, 640, 640, 160, 80, 640, 320, 320, 320, 120, 120, 8 };
	size_t table = 88 + 13 * 8;
	for (size_t i = 0; i < 13; i++)
		table += (part_len[i] + TM_SNAP_BLOCK - 1) / TM_SNAP_BLOCK * 8;
	struct tally t = { 0 };
	for (size_t at = 0; at < len; at++) {
		size_t part = at / 4096, off = at % 4096;
		if (part == 0 ? off >= table : part > 13 || off >= part_len[part - 1] || (at > 8192 && off % 5))
			continue;
		unsigned char save = buf[at];
		buf[at] = (unsigned char)(save ^ (1 + rnd(255)));
		write_file(bad, buf, len);
		buf[at] = save;
		if (tm_graph_map(bad, 7, &h, &err) != TM_OK) {
			t.refused++;
			continue;
		}
		query_all(h, ref, n, 7, &t);
		tm_graph_free(h);
	}
	for (int k = 0; k < 300; k++) {
		memcpy(copy, buf, len);
		for (int j = 0; j < 8; j++)
			copy[rnd((uint32_t)len)] = (unsigned char)rnd(256);
		write_file(bad, copy, len);
		if (tm_graph_map(bad, 7, &h, &err) != TM_OK) {
			t.refused++;
			continue;
		}
		query_all(h, ref, n, 7, &t);
		tm_graph_free(h);
	}
	print_message("damaged snapshots: %d refused; queries: %d said damaged, %d answered as the original\n",
		      t.refused, t.damaged, t.answered);
	/* each way happens: the header and table refused, the arrays found
	 * damaged where a query reads them, and queries that never read the
	 * damage answer */
	assert_true(t.refused > 100);
	assert_true(t.damaged > 500);
	assert_true(t.answered > 500);
	unlink(bad);
	unlink(path);
	answers_release(ref);
	free(ref);
	tm_graph_free(g);
}

static void test_open_saves_then_maps_then_rebuilds(void **state)
{
	(void)state;
	char db[256], snap[256];
	path_in(db, sizeof(db), "c.db");
	path_in(snap, sizeof(snap), "c.db.graph");
	tm_err err = { 0 };
	tm_store *st;
	assert_int_equal(tm_store_open(db, TM_STORE_CREATE, &st, &err), TM_OK);
	tm_source src = { .id = "s", .title = "S" };
	tm_entity a = { 0 }, b = { 0 };
	a.id = tm_xstrdup("a");
	b.id = tm_xstrdup("b");
	a.kind = tm_xstrdup("company");
	b.kind = tm_xstrdup("company");
	tm_entity_add_name(&a, "A Co", "en", 1);
	tm_entity_add_name(&b, "B Co", "en", 1);
	tm_cites_push(&a.cites, "s", NULL, NULL);
	tm_cites_push(&b.cites, "s", NULL, NULL);
	tm_relation r = { .subject = "a", .predicate = "owns", .object = "b" };
	tm_cites_push(&r.cites, "s", NULL, NULL);
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	assert_int_equal(tm_store_put_source(st, &src, &err), TM_OK);
	assert_int_equal(tm_store_put_entity(st, &a, &err), TM_OK);
	assert_int_equal(tm_store_put_entity(st, &b, &err), TM_OK);
	assert_int_equal(tm_store_put_relation(st, &r, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);

	tm_graph *g;
	assert_int_equal(tm_graph_open(st, 0, &g, &err), TM_OK);
	assert_int_equal(tm_graph_n_edges(g), 1);
	tm_graph_free(g);
	assert_int_equal(access(snap, R_OK), 0);
	/* the second open maps the snapshot: the same graph */
	assert_int_equal(tm_graph_open(st, 0, &g, &err), TM_OK);
	assert_int_equal(tm_graph_n_edges(g), 1);
	tm_graph_free(g);

	/* new data: the snapshot is stale and the graph is built anew */
	tm_relation r2 = { .subject = "b", .predicate = "supplies", .object = "a" };
	tm_cites_push(&r2.cites, "s", NULL, NULL);
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	assert_int_equal(tm_store_put_relation(st, &r2, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	assert_int_equal(tm_graph_open(st, 0, &g, &err), TM_OK);
	assert_int_equal(tm_graph_n_edges(g), 2);
	tm_graph_free(g);
	assert_int_equal(tm_graph_open(st, 0, &g, &err), TM_OK);
	assert_int_equal(tm_graph_n_edges(g), 2);
	tm_graph_free(g);

	/* a snapshot that cannot be written is no error (a folder where it
	 * would go: the rename fails, whoever runs this) */
	tm_relation r3 = { .subject = "a", .predicate = "supplies", .object = "b" };
	tm_cites_push(&r3.cites, "s", NULL, NULL);
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	assert_int_equal(tm_store_put_relation(st, &r3, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	unlink(snap);
	assert_int_equal(mkdir(snap, 0700), 0);
	assert_int_equal(tm_graph_open(st, 0, &g, &err), TM_OK);
	assert_int_equal(tm_graph_n_edges(g), 3);
	tm_graph_free(g);
	rmdir(snap);
	tm_cites_release(&r3.cites);

	tm_entity_release(&a);
	tm_entity_release(&b);
	tm_cites_release(&r.cites);
	tm_cites_release(&r2.cites);
	tm_store_close(st);
	unlink(snap);
	unlink(db);
}

/* A store of n entities (keys 1..n) and about 4n relations, with
 * ownership shares, dates and names made of a few dozen words. */
static tm_store *random_store(const char *db, uint32_t n)
{
	static const char *const words[] = { "alpha", "beta", "gamma", "delta", "vision", "tech", "holdings",
					     "security", "systems", "northern", "eastern", "digital", "data",
					     "semiconductor", "optics", "group", "capital", "industries" };
	static const char *const kinds[] = { "company", "state_body", "university", "product" };
	static const char *const preds[] = { "owns", "supplies", "acquired", "funds", "partners_with" };
	tm_err err = { 0 };
	tm_store *st;
	assert_int_equal(tm_store_open(db, TM_STORE_CREATE, &st, &err), TM_OK);
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	tm_source src = { .id = "s", .title = "S" };
	assert_int_equal(tm_store_put_source(st, &src, &err), TM_OK);
	for (uint32_t i = 1; i <= n; i++) {
		tm_entity e = { 0 };
		char id[32], name[128];
		snprintf(id, sizeof(id), "e%u", i);
		snprintf(name, sizeof(name), "%s %s %s %u", words[rnd(18)], words[rnd(18)], words[rnd(18)], i);
		e.id = tm_xstrdup(id);
		e.kind = tm_xstrdup(kinds[rnd(4)]);
		tm_entity_add_name(&e, name, "en", 1);
		tm_cites_push(&e.cites, "s", NULL, NULL);
		assert_int_equal(tm_store_put_entity(st, &e, &err), TM_OK);
		tm_entity_release(&e);
	}
	for (uint32_t i = 0; i < 4 * n; i++) {
		char s1[32], o1[32];
		snprintf(s1, sizeof(s1), "e%u", 1 + rnd(n));
		snprintf(o1, sizeof(o1), "e%u", 1 + rnd(n));
		tm_relation r = { .subject = s1, .predicate = (char *)preds[rnd(5)], .object = o1 };
		if (rnd(2))
			snprintf(r.start, sizeof(r.start), "%u", 2000 + rnd(20));
		if (rnd(2)) {
			r.has_share = 1;
			r.share = rnd(101);
		}
		tm_cites_push(&r.cites, "s", NULL, NULL);
		assert_int_equal(tm_store_put_relation(st, &r, &err), TM_OK);
		tm_cites_release(&r.cites);
	}
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	return st;
}

/* The file at path, damaged: 1 to 8 bytes changed, mostly bytes that are
 * not zero; now and then cut short or with bytes added. */
static void damage(const unsigned char *good, size_t len, const char *path)
{
	unsigned char *copy = malloc(len + 64);
	memcpy(copy, good, len);
	size_t out = len;
	uint32_t how = rnd(20);
	if (how == 0)
		out = rnd((uint32_t)len);
	else if (how == 1)
		out = len + 1 + rnd(64);
	else
		for (uint32_t j = 0, k = 1 + rnd(8); j < k; j++) {
			/* mostly where data is: damage to the zeros between parts
			 * changes nothing read */
			size_t at = rnd((uint32_t)len);
			for (int tries = 0; rnd(4) && good[at] == 0 && tries < 64; tries++)
				at = rnd((uint32_t)len);
			copy[at] = (unsigned char)(copy[at] ^ (1 + rnd(255)));
		}
	write_file(path, copy, out);
	free(copy);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc(*len);
	assert_int_equal(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

/*
 * 1,000 damaged snapshots of a store's graph: each is refused (and the graph
 * built again from the store), or each query on it answers as the graph
 * built from the store does or says the snapshot is damaged.  Then the same
 * for 1,000 damaged snapshots of the screening vocabulary (DB.vocab): read
 * back, it is the vocabulary built from the store, or refused and built.
 */
static void test_damaged_snapshots_answer_as_the_store(void **state)
{
	(void)state;
	char db[256];
	path_in(db, sizeof(db), "s.db");
	uint32_t n = 300;
	tm_store *st = random_store(db, n);
	tm_err err = { 0 };
	tm_graph *loaded, *g;
	assert_int_equal(tm_graph_load(st, &loaded, &err), TM_OK);
	struct answers *ref = reference(loaded, n + 1, 37);
	assert_int_equal(tm_graph_open(st, 0, &g, &err), TM_OK); /* saves the snapshot */
	tm_graph_free(g);
	char *snap;
	uint64_t stamp;
	assert_int_equal(tm_store_cache(st, "graph", &snap, &stamp, &err), TM_OK);
	size_t len;
	unsigned char *good = slurp(snap, &len);
	struct tally t = { 0 };
	for (int k = 0; k < 1000; k++) {
		damage(good, len, snap);
		tm_graph *h;
		if (tm_graph_map(snap, stamp, &h, &err) != TM_OK) {
			t.refused++;
			/* and tm_graph_open() builds it again from the store */
			if (k % 100 == 0) {
				assert_int_equal(tm_graph_open(st, 0, &h, &err), TM_OK);
				query_all(h, ref, n + 1, 37, &t);
				tm_graph_free(h);
			}
			continue;
		}
		query_all(h, ref, n + 1, 37, &t);
		tm_graph_free(h);
	}
	print_message("1,000 damaged graph snapshots: %d refused; queries: %d said damaged, %d answered as the store\n",
		      t.refused, t.damaged, t.answered);
	assert_true(t.refused > 10);
	assert_true(t.damaged > 100);
	assert_true(t.answered > 100);
	free(good);
	unlink(snap);
	free(snap);
	answers_release(ref);
	free(ref);
	tm_graph_free(loaded);

	tm_search_vocab *vref, *v;
	assert_int_equal(tm_search_vocab_build(st, &vref, &err), TM_OK);
	assert_true(tm_search_vocab_size(vref) > 10);
	assert_int_equal(tm_search_vocab_open(st, &v, &err), TM_OK); /* saves the snapshot */
	assert_true(tm_search_vocab_equal(v, vref));
	tm_search_vocab_free(v);
	assert_int_equal(tm_store_cache(st, "vocab", &snap, &stamp, &err), TM_OK);
	good = slurp(snap, &len);
	int rebuilt = 0;
	for (int k = 0; k < 1000; k++) {
		damage(good, len, snap);
		struct stat before, after;
		assert_int_equal(stat(snap, &before), 0);
		assert_int_equal(tm_search_vocab_open(st, &v, &err), TM_OK);
		assert_true(tm_search_vocab_equal(v, vref));
		tm_search_vocab_free(v);
		/* refused, it was built and written again */
		rebuilt += stat(snap, &after) == 0 && after.st_ino != before.st_ino;
	}
	print_message("1,000 damaged vocabulary snapshots: %d refused and built again, the rest read as built\n",
		      rebuilt);
	assert_true(rebuilt > 300);
	free(good);
	unlink(snap);
	free(snap);
	tm_search_vocab_free(vref);
	tm_store_close(st);
	unlink(db);
}

/* With TM_GRAPH_CHECK_ALL (the server), a damaged snapshot is never used:
 * tm_graph_open() builds the graph from the store and saves it whole. */
static void test_open_check_all_rebuilds_a_damaged_snapshot(void **state)
{
	(void)state;
	char db[256];
	path_in(db, sizeof(db), "v.db");
	tm_store *st = random_store(db, 100);
	tm_err err = { 0 };
	tm_graph *g;
	assert_int_equal(tm_graph_open(st, 0, &g, &err), TM_OK);
	tm_graph_free(g);
	char *snap;
	uint64_t stamp;
	assert_int_equal(tm_store_cache(st, "graph", &snap, &stamp, &err), TM_OK);
	size_t len;
	unsigned char *good = slurp(snap, &len);
	/* one byte of an array, half way into the file: mapping does not see it */
	unsigned char *bad = malloc(len);
	memcpy(bad, good, len);
	size_t at = len / 2;
	while (at < len && bad[at] == 0)
		at++;
	assert_true(at < len);
	bad[at] ^= 0x55;
	write_file(snap, bad, len);
	tm_graph *h;
	assert_int_equal(tm_graph_map(snap, stamp, &h, &err), TM_OK);
	assert_int_equal(tm_graph_check_all(h), -1);
	tm_graph_free(h);
	assert_int_equal(tm_graph_open(st, TM_GRAPH_CHECK_ALL, &g, &err), TM_OK);
	assert_int_equal(tm_graph_check_all(g), 0);
	tm_graph_free(g);
	/* and saved whole over the damaged one */
	assert_int_equal(tm_graph_map(snap, stamp, &h, &err), TM_OK);
	assert_int_equal(tm_graph_check_all(h), 0);
	tm_graph_free(h);
	free(good);
	free(bad);
	unlink(snap);
	free(snap);
	tm_store_close(st);
	unlink(db);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapped_graph_answers_the_same),
		cmocka_unit_test(test_stale_snapshot_is_refused),
		cmocka_unit_test(test_damaged_snapshot_never_answers_wrongly),
		cmocka_unit_test(test_open_saves_then_maps_then_rebuilds),
		cmocka_unit_test(test_damaged_snapshots_answer_as_the_store),
		cmocka_unit_test(test_open_check_all_rebuilds_a_damaged_snapshot),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	char p[256];
	path_in(p, sizeof(p), "a.graph");
	unlink(p);
	path_in(p, sizeof(p), "b.graph");
	unlink(p);
	rmdir(dir);
	return failed;
}
