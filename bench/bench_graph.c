/*
 * bench_graph: times tiemap's engine on a database, query by query, and
 * writes what the peers need to run the same queries.
 *
 *   bench_graph --db FILE --out DIR [--pairs N] [--seed S] [--max-hops H]
 *
 * It loads the graph once (timed: the graph build), then times, each over N
 * fixed random inputs drawn with the seed: path queries between pairs of
 * entities (every shortest path, up to 32; again with places only as ends,
 * the CLI's default), ownership
 * chains of companies, exposure of an entity to the entities tagged
 * `surveillance` (within 3 hops), and search through tm_search() with
 * queries made from the entities' own names (full English and Chinese
 * names, a leading word, a brand, a typed prefix) and what search forgives
 * (a name with a letter dropped, a name with words the stored one lacks, a
 * topic's label in either language), timed apart as well.
 *
 * Into DIR it writes:
 *   edges.txt   "subject object" entity keys, one relation a line;
 *   pairs.txt   "a b hops seconds": the pair, the length tiemap found (-1
 *               for none within max-hops) and its query time;
 *   cli.txt     "a-id b-id" for the end-to-end CLI timing;
 *   queries.txt "ms ms-strict query": each search's time, and with nothing
 *               forgiven;
 *   tiemap.json the measurements.
 * Peers read edges.txt and pairs.txt and must find the same lengths.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "graph/graph.h"
#include "model/model.h"
#include "search/search.h"
#include "store/store.h"
#include "text/text.h"
#include "view/view.h"

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(((rng_next() >> 32) * (uint64_t)n) >> 32);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Percentiles and mean of n latencies in seconds, as milliseconds in o. */
static json_t *summary(const double *v, size_t n)
{
	json_t *o = json_object();
	if (!n)
		return o;
	double *s = malloc(n * sizeof(*s));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += s[i];
	size_t i50 = (n - 1) / 2, i99 = (size_t)((double)n * 0.99 + 0.999999) - 1;
	if (i99 >= n)
		i99 = n - 1;
	json_object_set_new(o, "n", json_integer((json_int_t)n));
	json_object_set_new(o, "p50_ms", json_real(s[i50] * 1e3));
	json_object_set_new(o, "p99_ms", json_real(s[i99] * 1e3));
	json_object_set_new(o, "max_ms", json_real(s[n - 1] * 1e3));
	json_object_set_new(o, "mean_ms", json_real(sum / (double)n * 1e3));
	free(s);
	return o;
}

static long peak_rss_kb(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static int die(const char *what, const tm_err *err)
{
	fprintf(stderr, "bench_graph: %s: %s\n", what, err ? err->msg : strerror(errno));
	return 1;
}

/* A random real node, optionally of one kind (-1: any). */
static tm_node random_node(const tm_graph *g, int kind)
{
	uint32_t n = tm_graph_n_nodes(g);
	for (;;) {
		tm_node x = 1 + rng_below(n - 1);
		if (tm_graph_node_exists(g, x) && (kind < 0 || tm_graph_node_kind(g, x) == kind))
			return x;
	}
}

struct edge_out {
	FILE *f;
};

static int write_edge(void *ctx, const tm_edge_row *row)
{
	struct edge_out *o = ctx;
	fprintf(o->f, "%lld %lld\n", (long long)row->subject, (long long)row->object);
	return 0;
}

struct seeds {
	uint8_t *is_seed;
	tm_node *v;
	size_t n, cap;
	uint32_t n_nodes;
};

static int add_seed(void *ctx, tm_ekey key)
{
	struct seeds *s = ctx;
	if (key > 0 && key < s->n_nodes) {
		s->is_seed[key] = 1;
		TM_GROW(s->v, s->cap, s->n + 1);
		s->v[s->n++] = (tm_node)key;
	}
	return 0;
}

/* One search, its time in *seconds, its hits dropped. */
static tm_rc timed_search(tm_store *st, const char *q, const tm_search_opts *o, double *seconds, tm_err *err)
{
	tm_search_hits h;
	double t0 = tm_now();
	tm_rc rc = tm_search(st, q, o, &h, err);
	*seconds = tm_now() - t0;
	if (!rc)
		tm_search_hits_release(&h);
	return rc;
}

/* The forms of query_of(): the strict ones first, then what is forgiven. */
enum { FORMS = 8, FORMS_STRICT = 5 };
static const char *const form_names[FORMS] = { "name", "name_zh", "words", "brand", "prefix",
					       "typo", "extra_words", "topic" };

/* A search query made from entity e: the i-th of the FORMS forms. */
static char *query_of(const tm_entity *e, unsigned form)
{
	const char *en = tm_entity_display_name(e, "en");
	const char *zh = NULL;
	for (size_t k = 0; k < e->n_names; k++)
		if (strncmp(e->names[k].lang, "zh", 2) == 0)
			zh = e->names[k].text;
	tm_buf b = TM_BUF_INIT;
	switch (form % FORMS) {
	case 0: tm_buf_adds(&b, en); break;
	case 1: tm_buf_adds(&b, zh ? zh : en); break;
	case 2: { /* the first two words */
		const char *sp = strchr(en, ' ');
		sp = sp ? strchr(sp + 1, ' ') : NULL;
		tm_buf_add(&b, en, sp ? (size_t)(sp - en) : strlen(en));
		break;
	}
	case 3: { /* the brand: the id up to its number */
		const char *dash = strrchr(e->id, '-');
		tm_buf_add(&b, e->id, dash ? (size_t)(dash - e->id) : strlen(e->id));
		break;
	}
	case 4: /* a prefix of the first word, as someone types it */
		tm_buf_add(&b, en, strlen(en) < 4 ? strlen(en) : 4);
		break;
	case 5: { /* a typo: the name with the third letter of its longest word dropped */
		const char *w = en, *best = en;
		size_t bestn = 0;
		while (*w) {
			size_t n = strcspn(w, " ");
			if (n > bestn) {
				best = w;
				bestn = n;
			}
			w += n + (w[n] == ' ');
		}
		size_t at = bestn >= 5 ? (size_t)(best - en) + 2 : strlen(en);
		tm_buf_add(&b, en, at);
		if (at < strlen(en))
			tm_buf_adds(&b, en + at + 1);
		break;
	}
	case 6: /* words beyond the stored name, and a legal form */
		tm_buf_addf(&b, "%s Holdings Shenzhen Co., Ltd.", en);
		break;
	default: { /* a topic's label, English and Chinese in turn */
		const tm_vocab *t = &tm_topics[(form / FORMS) % tm_n_topics];
		tm_buf_adds(&b, (form / FORMS) % 2 ? t->label_zh : t->label_en);
		break;
	}
	}
	return tm_buf_detach(&b);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },     { "out", required_argument, NULL, 'o' },
		{ "pairs", required_argument, NULL, 'n' },  { "seed", required_argument, NULL, 's' },
		{ "max-hops", required_argument, NULL, 'm' }, { NULL, 0, NULL, 0 },
	};
	const char *db = NULL, *out = NULL;
	long n = 1000, max_hops = 12;
	unsigned long long seed = 1;
	int c;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'd': db = optarg; break;
		case 'o': out = optarg; break;
		case 'n': n = strtol(optarg, NULL, 10); break;
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'm': max_hops = strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (!db || !out || n < 1 || max_hops < 1) {
		fputs("usage: bench_graph --db FILE --out DIR [--pairs N] [--seed S] [--max-hops H]\n", stderr);
		return 2;
	}
	rng_state = seed;
	tm_err err = { 0 };
	tm_store *st;
	if (tm_store_open(db, TM_STORE_READONLY, &st, &err))
		return die("open", &err);
	json_t *res = json_object();

	double t0 = tm_now();
	tm_graph *g;
	if (tm_graph_load(st, &g, &err))
		return die("graph load", &err);
	double build = tm_now() - t0;
	json_object_set_new(res, "graph_build_s", json_real(build));
	json_object_set_new(res, "nodes", json_integer(tm_graph_n_nodes(g)));
	json_object_set_new(res, "edges", json_integer((json_int_t)tm_graph_n_edges(g)));
	json_object_set_new(res, "rss_after_build_kb", json_integer(peak_rss_kb()));

	/* paths: the CLI's query (all shortest paths, up to 32) */
	char path[4096];
	snprintf(path, sizeof(path), "%s/pairs.txt", out);
	FILE *pf = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/cli.txt", out);
	FILE *cf = fopen(path, "w");
	if (!pf || !cf)
		return die(path, NULL);
	double *lat = tm_xcalloc((size_t)n, sizeof(*lat));
	tm_path_opts po = { .max_hops = (int)max_hops, .max_paths = 32 };
	long found = 0, hops_sum = 0;
	for (long i = 0; i < n; i++) {
		tm_node a = random_node(g, -1), b = random_node(g, -1);
		tm_paths ps;
		double q0 = tm_now();
		if (tm_graph_paths(g, a, b, &po, &ps, &err))
			return die("path", &err);
		lat[i] = tm_now() - q0;
		long hops = ps.n ? (long)ps.v[0].n : -1;
		if (ps.n) {
			found++;
			hops_sum += hops;
		}
		fprintf(pf, "%u %u %ld %.9f\n", a, b, hops, lat[i]);
		if (i < 20) {
			char *ia = NULL, *ib = NULL;
			if (!tm_store_entity_id(st, a, &ia, NULL) && !tm_store_entity_id(st, b, &ib, NULL))
				fprintf(cf, "%s %s\n", ia, ib);
			free(ia);
			free(ib);
		}
		tm_paths_release(&ps);
	}
	fclose(pf);
	fclose(cf);
	json_t *p = summary(lat, (size_t)n);
	json_object_set_new(p, "found", json_integer(found));
	json_object_set_new(p, "mean_hops", json_real(found ? (double)hops_sum / (double)found : 0));
	json_object_set_new(res, "path", p);

	/* the same pairs, asking for one shortest path only (what the peers return) */
	{
		snprintf(path, sizeof(path), "%s/pairs.txt", out);
		FILE *f = fopen(path, "r");
		tm_path_opts one = { .max_hops = (int)max_hops, .max_paths = 1 };
		unsigned a, b;
		long hops;
		double t;
		long i = 0;
		while (f && i < n && fscanf(f, "%u %u %ld %lf", &a, &b, &hops, &t) == 4) {
			tm_paths ps;
			double q0 = tm_now();
			tm_graph_paths(g, a, b, &one, &ps, &err);
			lat[i++] = tm_now() - q0;
			tm_paths_release(&ps);
		}
		if (f)
			fclose(f);
		json_object_set_new(res, "path_one", summary(lat, (size_t)i));
	}

	/* the same pairs as the CLI and the site ask by default since places
	 * became ends only: every shortest path, up to 32, none through a
	 * country, region or city */
	{
		snprintf(path, sizeof(path), "%s/pairs.txt", out);
		FILE *f = fopen(path, "r");
		tm_path_opts np = { .max_hops = (int)max_hops, .max_paths = 32, .kinds = tm_kinds_no_places() };
		unsigned a, b;
		long hops;
		double t;
		long i = 0, nfound = 0, nhops = 0;
		while (f && i < n && fscanf(f, "%u %u %ld %lf", &a, &b, &hops, &t) == 4) {
			tm_paths ps;
			double q0 = tm_now();
			if (tm_graph_paths(g, a, b, &np, &ps, &err))
				return die("path without places", &err);
			lat[i++] = tm_now() - q0;
			nfound += ps.n > 0;
			nhops += ps.n ? (long)ps.v[0].n : 0;
			tm_paths_release(&ps);
		}
		if (f)
			fclose(f);
		json_t *q = summary(lat, (size_t)i);
		json_object_set_new(q, "found", json_integer(nfound));
		json_object_set_new(q, "mean_hops", json_real(nfound ? (double)nhops / (double)nfound : 0));
		json_object_set_new(res, "path_no_places", q);
	}

	/* owners of companies */
	int company = (int)(tm_kind_find("company") - tm_kinds);
	long chains = 0;
	for (long i = 0; i < n; i++) {
		tm_node x = random_node(g, company);
		tm_owners o;
		double q0 = tm_now();
		if (tm_graph_owners(g, x, 0, 0, &o, &err))
			return die("owners", &err);
		lat[i] = tm_now() - q0;
		chains += (long)o.n_chains;
		tm_owners_release(&o);
	}
	p = summary(lat, (size_t)n);
	json_object_set_new(p, "mean_chains", json_real((double)chains / (double)n));
	json_object_set_new(res, "owners", p);

	/* exposure to `surveillance` within 3 hops, one entity at a time */
	struct seeds sd = { tm_xcalloc(tm_graph_n_nodes(g), 1), NULL, 0, 0, tm_graph_n_nodes(g) };
	if (tm_store_tagged(st, "surveillance", add_seed, &sd, &err))
		return die("tagged", &err);
	long exposed = 0;
	for (long i = 0; i < n; i++) {
		tm_node x = random_node(g, -1);
		tm_exposed e;
		double q0 = tm_now();
		if (tm_graph_exposure_of(g, x, sd.is_seed, 3, &e, &err))
			return die("exposure", &err);
		lat[i] = tm_now() - q0;
		exposed += e.dist >= 0;
		free(e.path.steps);
	}
	p = summary(lat, (size_t)n);
	json_object_set_new(p, "seeds", json_integer((json_int_t)sd.n));
	json_object_set_new(p, "exposed_share", json_real((double)exposed / (double)n));
	json_object_set_new(res, "exposure", p);
	{
		/* the whole-graph form: everything within 2 hops of any seed */
		tm_exposure x;
		double q0 = tm_now();
		if (tm_graph_exposure(g, sd.v, sd.n, 2, &x, &err))
			return die("exposure", &err);
		json_t *w = json_object();
		json_object_set_new(w, "seconds", json_real(tm_now() - q0));
		json_object_set_new(w, "exposed", json_integer((json_int_t)x.n));
		json_object_set_new(res, "exposure_all", w);
		tm_exposure_release(&x);
	}
	free(sd.is_seed);
	free(sd.v);
	json_object_set_new(res, "rss_after_graph_queries_kb", json_integer(peak_rss_kb()));

	/* search, with queries made from random entities' names */
	char **queries = tm_xcalloc((size_t)n, sizeof(*queries));
	for (long i = 0; i < n; i++) {
		char *id = NULL;
		tm_entity e;
		if (tm_store_entity_id(st, random_node(g, -1), &id, &err) || tm_store_get_entity(st, id, &e, &err))
			return die("entity", &err);
		queries[i] = query_of(&e, (unsigned)i);
		tm_entity_release(&e);
		free(id);
	}
	/* the typo index, built once as the server builds it (its snapshot
	 * beside the database is rebuilt if stale) */
	tm_search_vocab *vocab = NULL;
	if (tm_search_vocab_open(st, &vocab, &err))
		return die("typo index", &err);
	/* as the server asks: the typo index, and ties from the graph */
	tm_search_opts so = { .limit = 20, .vocab = vocab, .ties = tm_view_ties, .ties_ctx = g };
	long hits = 0, form_hits[FORMS] = { 0 };
	double *by_form[FORMS];
	size_t n_form[FORMS] = { 0 };
	for (int f = 0; f < FORMS; f++)
		by_form[f] = tm_xcalloc((size_t)n, sizeof(double));
	/* the same queries with nothing forgiven, the search as it was before
	 * (the peer of the forgiving stages): each query both ways, in turns,
	 * so that a busy machine weighs on both alike */
	tm_search_opts so_strict = so;
	so_strict.strict = 1;
	double *lat_strict = tm_xcalloc((size_t)n, sizeof(double));
	for (long i = 0; i < n; i++) {
		tm_search_hits h;
		if (i % 2 == 0 && timed_search(st, queries[i], &so_strict, &lat_strict[i], &err))
			return die("search", &err);
		double q0 = tm_now();
		if (tm_search(st, queries[i], &so, &h, &err))
			return die("search", &err);
		lat[i] = tm_now() - q0;
		if (i % 2 == 1 && timed_search(st, queries[i], &so_strict, &lat_strict[i], &err))
			return die("search", &err);
		hits += h.n > 0;
		int f = (int)(i % FORMS);
		by_form[f][n_form[f]++] = lat[i];
		form_hits[f] += h.n > 0;
		tm_search_hits_release(&h);
	}
	p = summary(lat, (size_t)n);
	json_object_set_new(p, "with_hits", json_integer(hits));
	/* each form apart, and the strict and forgiven forms together */
	json_t *forms = json_object();
	double *strict = tm_xcalloc((size_t)n, sizeof(double)), *forgiven = tm_xcalloc((size_t)n, sizeof(double));
	size_t ns = 0, nf = 0;
	for (int f = 0; f < FORMS; f++) {
		json_t *s = summary(by_form[f], n_form[f]);
		json_object_set_new(s, "with_hits", json_integer(form_hits[f]));
		json_object_set_new(forms, form_names[f], s);
		for (size_t k = 0; k < n_form[f]; k++) {
			if (f < FORMS_STRICT)
				strict[ns++] = by_form[f][k];
			else
				forgiven[nf++] = by_form[f][k];
		}
		free(by_form[f]);
	}
	json_object_set_new(p, "forms", forms);
	json_object_set_new(p, "nothing_forgiven", summary(lat_strict, (size_t)n));
	json_object_set_new(p, "strict", summary(strict, ns));
	json_object_set_new(p, "forgiven", summary(forgiven, nf));
	free(strict);
	free(forgiven);
	json_object_set_new(res, "search", p);
	snprintf(path, sizeof(path), "%s/queries.txt", out);
	FILE *qf = fopen(path, "w");
	for (long i = 0; i < n; i++) {
		if (qf)
			fprintf(qf, "%.6f\t%.6f\t%s\n", lat[i] * 1e3, lat_strict[i] * 1e3, queries[i]);
		free(queries[i]);
	}
	if (qf)
		fclose(qf);
	free(queries);
	free(lat_strict);
	json_object_set_new(res, "rss_peak_kb", json_integer(peak_rss_kb()));

	/* the edge list for the peers (after the timings: it is not timed) */
	snprintf(path, sizeof(path), "%s/edges.txt", out);
	struct edge_out eo = { fopen(path, "w") };
	if (!eo.f)
		return die(path, NULL);
	if (tm_store_each_edge(st, write_edge, &eo, &err))
		return die("edges", &err);
	fclose(eo.f);

	snprintf(path, sizeof(path), "%s/tiemap.json", out);
	if (json_dump_file(res, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER))
		return die(path, NULL);
	json_decref(res);
	free(lat);
	tm_search_vocab_free(vocab);
	tm_graph_free(g);
	tm_store_close(st);
	tm_text_shutdown();
	return 0;
}
