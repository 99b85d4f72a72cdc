/*
 * Unit tests of graph snapshots (tm_graph_save, tm_graph_map, tm_graph_open):
 * a mapped graph answers every query as the graph it was saved from; a
 * snapshot of other data or of another build is refused, never read; a
 * damaged one (which opening does not read through) answers or says it is
 * damaged, never reads outside the file; tm_graph_open() saves one on the
 * first load and maps it after, and builds anew once the data changed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph/graph.h"
#include "model/model.h"
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
	tm_graph_stats_compute(g, &sx);
	tm_graph_stats_compute(h, &sy);
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

	unsigned char buf[1 << 16];
	size_t len = read_file(path, buf, sizeof(buf));
	/* truncated, or longer than written */
	write_file(bad, buf, len - 64);
	assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_ERR_NOTFOUND);
	write_file(bad, buf, len + 64);
	assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_ERR_NOTFOUND);
	assert_null(h);
	/* the header: the format version (an older snapshot is rebuilt, not
	 * misread), the sizes, the vocabulary, the counts, the length */
	static const size_t fields[] = { 13, 16, 20, 32, 36, 40 };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		buf[fields[i]] ^= 0x40;
		write_file(bad, buf, len);
		buf[fields[i]] ^= 0x40;
		assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_ERR_NOTFOUND);
		assert_null(h);
	}
	write_file(bad, buf, len);
	assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_OK);
	tm_graph_free(h);
	unlink(bad);
	tm_graph_free(g);
}

/* Every query of a mapped graph, each of which must answer or say the
 * snapshot is damaged; returns how many said so. */
static int query_all(const tm_graph *h, uint32_t n)
{
	int damaged = 0;
	uint8_t is_seed[64] = { 0 };
	tm_node seeds[] = { 3, 11, 17 };
	for (size_t i = 0; i < 3; i++)
		is_seed[seeds[i]] = 1;
	tm_path_opts opts[] = {
		{ .max_hops = 6, .max_paths = 50 },
		{ .max_hops = 6, .as_of = 20100101, .predicates = 0x3ff, .kinds = 0x7 },
		{ .max_hops = 5, .k = 3 },
	};
	for (tm_node a = 0; a < n; a += 3) {
		tm_err err = { 0 };
		tm_rc rc[8];
		tm_paths p;
		for (size_t o = 0; o < 3; o++) {
			rc[o] = tm_graph_paths(h, a, n - 1 - a, &opts[o], &p, &err);
			tm_paths_release(&p);
		}
		tm_owners ow;
		rc[3] = tm_graph_owners(h, a, 0, 0, &ow, &err);
		tm_owners_release(&ow);
		tm_hood hood;
		rc[4] = tm_graph_neighbors(h, a, 2, 0, &hood, &err);
		tm_hood_release(&hood);
		tm_exposed x;
		rc[5] = tm_graph_exposure_of(h, a, is_seed, 3, &x, &err);
		free(x.path.steps);
		tm_exposure xs;
		rc[6] = tm_graph_exposure(h, seeds, 3, 2, &xs, &err);
		tm_exposure_release(&xs);
		rc[7] = TM_OK;
		for (size_t i = 0; i < 8; i++) {
			assert_true(rc[i] == TM_OK || rc[i] == TM_ERR_IO);
			if (rc[i] == TM_ERR_IO) {
				assert_non_null(strstr(err.msg, "is damaged"));
				damaged++;
			}
		}
		int k = tm_graph_node_kind(h, a);
		assert_true(k >= -1 && k < (int)tm_n_kinds);
		tm_graph_node_exists(h, a);
	}
	tm_graph_stats st;
	tm_graph_stats_compute(h, &st);
	return damaged;
}

/*
 * A snapshot is opened without reading it through, so a damaged one maps;
 * then each query must give an answer (right or wrong) or say the snapshot
 * is damaged, and never read outside the file or crash (the sanitizers
 * check every read).  Every byte after the header is damaged in turn, once
 * to 0xff (out of range wherever a range is checked) and once to a small
 * value (in range, so a wrong answer); then a thousand files with eight
 * bytes damaged at random.
 */
static void test_damaged_snapshot_never_crashes(void **state)
{
	(void)state;
	char path[256], bad[256];
	path_in(path, sizeof(path), "d.graph");
	path_in(bad, sizeof(bad), "d-bad.graph");
	tm_err err = { 0 };
	uint32_t n = 30;
	tm_graph *g = random_graph(n, 80), *h = NULL;
	assert_int_equal(tm_graph_save(g, path, 7, &err), TM_OK);
	unsigned char buf[1 << 16];
	size_t len = read_file(path, buf, sizeof(buf));
	int damaged = 0, answered = 0;
	for (size_t at = 64; at < len; at++) {
		for (int v = 0; v < 2; v++) {
			unsigned char save = buf[at];
			buf[at] = v ? (unsigned char)(save + 1 + rnd(n)) : 0xff;
			if (buf[at] == save)
				continue;
			write_file(bad, buf, len);
			buf[at] = save;
			assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_OK);
			int d = query_all(h, n);
			damaged += d > 0;
			answered += d == 0;
			tm_graph_free(h);
		}
	}
	/* and damage in several places at once */
	unsigned char copy[1 << 16];
	for (int k = 0; k < 1000; k++) {
		memcpy(copy, buf, len);
		for (int j = 0; j < 8; j++)
			copy[64 + rnd((uint32_t)(len - 64))] = (unsigned char)rnd(256);
		write_file(bad, copy, len);
		assert_int_equal(tm_graph_map(bad, 7, &h, &err), TM_OK);
		int d = query_all(h, n);
		damaged += d > 0;
		answered += d == 0;
		tm_graph_free(h);
	}
	print_message("damaged files: %d said so, %d answered\n", damaged, answered);
	/* both outcomes happen: the checks catch what they can, and a value in
	 * range passes them */
	assert_true(damaged > 100);
	assert_true(answered > 100);
	unlink(bad);
	unlink(path);
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
	assert_int_equal(tm_graph_open(st, db, snap, &g, &err), TM_OK);
	assert_int_equal(tm_graph_n_edges(g), 1);
	tm_graph_free(g);
	assert_int_equal(access(snap, R_OK), 0);
	/* the second open maps the snapshot: the same graph */
	assert_int_equal(tm_graph_open(st, db, snap, &g, &err), TM_OK);
	assert_int_equal(tm_graph_n_edges(g), 1);
	tm_graph_free(g);

	/* new data: the snapshot is stale and the graph is built anew */
	tm_relation r2 = { .subject = "b", .predicate = "supplies", .object = "a" };
	tm_cites_push(&r2.cites, "s", NULL, NULL);
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	assert_int_equal(tm_store_put_relation(st, &r2, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	assert_int_equal(tm_graph_open(st, db, snap, &g, &err), TM_OK);
	assert_int_equal(tm_graph_n_edges(g), 2);
	tm_graph_free(g);
	assert_int_equal(tm_graph_open(st, db, snap, &g, &err), TM_OK);
	assert_int_equal(tm_graph_n_edges(g), 2);
	tm_graph_free(g);

	/* an unwritable snapshot path is no error */
	assert_int_equal(tm_graph_open(st, db, "/nonexistent-dir/x.graph", &g, &err), TM_OK);
	tm_graph_free(g);

	tm_entity_release(&a);
	tm_entity_release(&b);
	tm_cites_release(&r.cites);
	tm_cites_release(&r2.cites);
	tm_store_close(st);
	unlink(snap);
	unlink(db);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapped_graph_answers_the_same),
		cmocka_unit_test(test_stale_snapshot_is_refused),
		cmocka_unit_test(test_damaged_snapshot_never_crashes),
		cmocka_unit_test(test_open_saves_then_maps_then_rebuilds),
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
