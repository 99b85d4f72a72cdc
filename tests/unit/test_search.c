/*
 * Unit tests of src/search: the typo index, and how a search scores what
 * it finds, strict and forgiven (docs/cli.md, "How search matches"): each
 * case a query and the hit it must give, with how it was found and the band
 * of its score, side by side.  Then the rules that hold for every query:
 * anything strict above anything forgiven, strict searches and resolution
 * never guessing, and the JSON shape the CLI and the API share.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "graph/graph.h"
#include "io/io.h"
#include "model/model.h"
#include "search/search.h"
#include "text/text.h"
#include "view/view.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Only the short names are stored: what the forgiving stages are for. */
static const char data_jsonl[] =
	"{\"type\":\"source\",\"id\":\"s\",\"title\":\"S\"}\n"
	"{\"type\":\"entity\",\"id\":\"hikvision\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"Hikvision\",\"lang\":\"en\",\"primary\":true},"
	"{\"text\":\"海康威视\",\"lang\":\"zh-Hans\",\"primary\":true}],"
	"\"description\":{\"en\":\"Maker of surveillance cameras.\",\"zh\":\"监控摄像机制造商。\"},"
	"\"tags\":[\"surveillance\"],\"identifiers\":[{\"scheme\":\"ticker\",\"value\":\"002415\"}],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"huawei\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"Huawei\",\"lang\":\"en\",\"primary\":true},"
	"{\"text\":\"华为\",\"lang\":\"zh-Hans\",\"primary\":true}],\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"hik-cameras\",\"kind\":\"product\",\"names\":["
	"{\"text\":\"Hikvision cameras\",\"lang\":\"en\",\"primary\":true}],\"tags\":[\"surveillance\"],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"acme\",\"kind\":\"company\",\"country\":\"US\",\"names\":["
	"{\"text\":\"Acme Surveillance Supplies\",\"lang\":\"en\",\"primary\":true}],\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"cellebrite\",\"kind\":\"company\",\"country\":\"IL\",\"names\":["
	"{\"text\":\"Cellebrite\",\"lang\":\"en\",\"primary\":true}],\"tags\":[\"surveillance\"],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"cetc\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"China Electronics Technology Group Corporation\",\"lang\":\"en\",\"primary\":true}],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"zte\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"ZTE\",\"lang\":\"en\",\"primary\":true}],\"sources\":[\"s\"]}\n"
	"{\"type\":\"relation\",\"subject\":\"cetc\",\"predicate\":\"owns\",\"object\":\"hikvision\",\"sources\":[\"s\"]}\n"
	"{\"type\":\"relation\",\"subject\":\"hikvision\",\"predicate\":\"developed\",\"object\":\"hik-cameras\","
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"relation\",\"subject\":\"acme\",\"predicate\":\"supplies\",\"object\":\"hikvision\",\"sources\":[\"s\"]}\n";

static tm_store *open_at(const char *path)
{
	tm_store *st;
	tm_err err = { 0 };
	if (tm_store_open(path, TM_STORE_CREATE, &st, &err))
		fail_msg("open: %s", err.msg);
	tm_import_report rep;
	if (tm_import_buffer(st, "data", data_jsonl, sizeof(data_jsonl) - 1, NULL, &rep, &err))
		fail_msg("import: %s %s", err.msg, rep.errors.n ? rep.errors.v[0] : "");
	tm_import_report_release(&rep);
	return st;
}

static tm_search_vocab *vocab_of(tm_store *st)
{
	tm_search_vocab *v;
	tm_err err = { 0 };
	if (tm_search_vocab_build(st, &v, &err))
		fail_msg("typo index: %s", err.msg);
	return v;
}

static void search(tm_store *st, const char *q, const tm_search_opts *o, tm_search_hits *h)
{
	tm_err err = { 0 };
	if (tm_search(st, q, o, h, &err))
		fail_msg("search '%s': %s", q, err.msg);
}

static void test_vocab(void **state)
{
	(void)state;
	tm_store *st = open_at(":memory:");
	tm_search_vocab *v = vocab_of(st);
	assert_true(tm_search_vocab_size(v) > 5);
	assert_int_equal(tm_search_vocab_has(v, "hikvision", 9), 1);
	assert_int_equal(tm_search_vocab_has(v, "hikvison", 8), 0);
	assert_int_equal(tm_search_vocab_has(v, "co", 2), -1);
	assert_int_equal(tm_search_vocab_docs(v, "hikvision", 9), 2);
	static const struct {
		const char *typo, *want;
	} cases[] = {
		{ "hikvison", "hikvision" },   /* a letter missing */
		{ "hikvisiion", "hikvision" }, /* one too many */
		{ "hikvusion", "hikvision" },  /* one changed */
		{ "hkivision", "hikvision" },  /* two swapped, at the start */
		{ "cellbrite", "cellebrite" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		const char *out[3];
		size_t n = tm_search_vocab_suggest(v, cases[i].typo, strlen(cases[i].typo), out, 3);
		if (!n || strcmp(out[0], cases[i].want))
			fail_msg("'%s' suggested %s", cases[i].typo, n ? out[0] : "nothing");
	}
	const char *out[3];
	assert_int_equal(tm_search_vocab_suggest(v, "hikvision", 9, out, 3), 0);
	assert_int_equal(tm_search_vocab_suggest(v, "zzzzzzzz", 8, out, 3), 0);
	tm_search_vocab_free(v);
	tm_store_close(st);
}

/* The hit of id among h, or NULL. */
static const tm_search_hit *hit_of(const tm_search_hits *h, const char *id)
{
	for (size_t i = 0; i < h->n; i++)
		if (strcmp(h->v[i].id, id) == 0)
			return &h->v[i];
	return NULL;
}

/* Each query, the hit it must rank first, how, and the band of its score. */
static void test_scores(void **state)
{
	(void)state;
	tm_store *st = open_at(":memory:");
	tm_search_vocab *v = vocab_of(st);
	static const struct {
		const char *q, *first;
		tm_search_how how;
		double lo, hi;
	} cases[] = {
		{ "Hikvision", "hikvision", TM_SEARCH_NAME, 1.0, 1.0 },
		{ "zzqqxx nothing", NULL, 0, 0, 0 },
		{ "hikvision", "hikvision", TM_SEARCH_ID, 1.0, 1.0 },
		{ "002415", "hikvision", TM_SEARCH_ID, 1.0, 1.0 },
		{ "海康威視", "hikvision", TM_SEARCH_NAME, 0.95, 1.0 },
		{ "haikangweishi", "hikvision", TM_SEARCH_NAME, 0.95, 1.0 },
		{ "hikv", "hikvision", TM_SEARCH_PREFIX, 0.5, 0.9 },
		{ "海康", "hikvision", TM_SEARCH_PREFIX, 0.5, 0.9 },
		{ "Electronics Group", "cetc", TM_SEARCH_WORDS, 0.6, 0.6 },
		/* a typo: the name once read as the word one edit away */
		{ "hikvison", "hikvision", TM_SEARCH_TYPO, 0.49, 0.49 },
		{ "Cellbrite", "cellebrite", TM_SEARCH_TYPO, 0.49, 0.49 },
		{ "hikvison cameras", "hik-cameras", TM_SEARCH_TYPO, 0.49, 0.49 },
		/* a name written apart and mistyped: its words as one */
		{ "Hik-vison", "hikvision", TM_SEARCH_TYPO, 0.49, 0.49 },
		{ "hik vison", "hikvision", TM_SEARCH_TYPO, 0.49, 0.49 },
		/* the bound: one edit in a word of four letters or more, no more */
		{ "hikvisn", NULL, 0, 0, 0 },     /* two letters missing */
		{ "hkivsion", NULL, 0, 0, 0 },    /* two swaps */
		{ "huawie", "huawei", TM_SEARCH_TYPO, 0.49, 0.49 },
		{ "huwaie", NULL, 0, 0, 0 },      /* two swaps */
		{ "zet", NULL, 0, 0, 0 },         /* ZTE: a word under four letters is not corrected */
		/* words beyond the stored name: the legal form off, the rest extra */
		{ "Huawei Technologies Co., Ltd.", "huawei", TM_SEARCH_PART, 0.3, 0.33 },
		{ "Huawei Technologies", "huawei", TM_SEARCH_PART, 0.3, 0.33 },
		{ "Hangzhou Hikvision", "hikvision", TM_SEARCH_PART, 0.35, 0.37 },
		{ "华为技术有限公司", "huawei", TM_SEARCH_PART, 0.34, 0.36 },
		{ "Hangzhou Hikvison", "hikvision", TM_SEARCH_TYPO, 0.3, 0.34 },
		/* a topic, by either label, in either script: its entities */
		{ "监控", "hikvision", TM_SEARCH_TOPIC, 0.3, 0.3 },
		{ "監控", "hikvision", TM_SEARCH_TOPIC, 0.3, 0.3 },
		{ "jiankong", "hikvision", TM_SEARCH_TOPIC, 0.3, 0.3 }, /* its label's pinyin */
		{ "survelliance", "hikvision", TM_SEARCH_TOPIC, 0.3, 0.3 }, /* a typo: the topic, as read */
		/* a name holding the word ranks above the topic's entities */
		{ "surveillance", "acme", TM_SEARCH_WORDS, 0.6, 0.6 },
	};
	tm_search_opts o = { .limit = 20, .vocab = v };
	for (size_t i = 0; i < N(cases); i++) {
		tm_search_hits h;
		search(st, cases[i].q, &o, &h);
		if (!cases[i].first) {
			if (h.n)
				fail_msg("'%s' found %s", cases[i].q, h.v[0].id);
		} else if (!h.n || strcmp(h.v[0].id, cases[i].first) || h.v[0].how != cases[i].how ||
			   h.v[0].score < cases[i].lo - 1e-9 || h.v[0].score > cases[i].hi + 1e-9) {
			fail_msg("'%s': first %s by %s at %.3f; wanted %s by %s in [%.2f, %.2f]", cases[i].q,
				 h.n ? h.v[0].id : "nothing", h.n ? tm_search_how_name(h.v[0].how) : "-",
				 h.n ? h.v[0].score : 0.0, cases[i].first, tm_search_how_name(cases[i].how), cases[i].lo,
				 cases[i].hi);
		}
		tm_search_hits_release(&h);
	}
	tm_search_vocab_free(v);
	tm_store_close(st);
}

/* Whatever the query: hits best first, every strict hit at or above
 * TM_SEARCH_FORGIVEN (0.5) and every forgiven one below it, so that an
 * exact or prefix match always ranks above a typo, a part or a topic. */
static void test_strict_above_forgiven(void **state)
{
	(void)state;
	tm_store *st = open_at(":memory:");
	tm_search_vocab *v = vocab_of(st);
	static const char *const queries[] = {
		"hik", "hikv", "Hikvision", "hikvison", "hikvision cameras", "hikvison cameras", "surveillance",
		"surv", "监控", "Huawei Technologies", "华为", "华为技术", "Hangzhou Hikvision", "cellbrite", "china",
		"Acme Surveilance", "hikvision huawei",
	};
	tm_search_opts o = { .limit = 50, .vocab = v };
	for (size_t i = 0; i < N(queries); i++) {
		tm_search_hits h;
		search(st, queries[i], &o, &h);
		for (size_t k = 0; k < h.n; k++) {
			int strict = h.v[k].how <= TM_SEARCH_WORDS;
			if (strict != (h.v[k].score >= 0.5))
				fail_msg("'%s': %s by %s at %.3f", queries[i], h.v[k].id, tm_search_how_name(h.v[k].how),
					 h.v[k].score);
			if (k && h.v[k].score > h.v[k - 1].score)
				fail_msg("'%s': %s after a lower score", queries[i], h.v[k].id);
			if ((h.v[k].how == TM_SEARCH_TOPIC) != (h.v[k].topic != NULL))
				fail_msg("'%s': %s has a topic only if found by one", queries[i], h.v[k].id);
		}
		tm_search_hits_release(&h);
	}
	tm_search_vocab_free(v);
	tm_store_close(st);
}

/* Topics: named by a label or the id, whole or begun; reported with their
 * labels; a topic no entity has is left out. */
static void test_topics(void **state)
{
	(void)state;
	tm_store *st = open_at(":memory:");
	static const struct {
		const char *q, *topic; /* NULL: none */
		int members;           /* its entities among the hits */
	} cases[] = {
		{ "监控", "surveillance", 1 },
		{ "surveillance", "surveillance", 1 },
		{ "Surveillance", "surveillance", 1 },
		{ "surveil", "surveillance", 1 },
		{ "surv", "surveillance", 0 },   /* a link, too short a start to list its entities */
		{ "监控公司", "surveillance", 0 }, /* the label among other words */
		{ "military", NULL, 0 },          /* a topic no entity here has */
		{ "Hikvision", NULL, 0 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		tm_search_hits h;
		search(st, cases[i].q, NULL, &h);
		const char *got = h.n_topics ? h.topics[0].id : NULL;
		if (!tm_streq(got, cases[i].topic))
			fail_msg("'%s': topic %s, wanted %s", cases[i].q, got ? got : "none",
				 cases[i].topic ? cases[i].topic : "none");
		if (got) {
			assert_string_equal(h.topics[0].type, "tag");
			assert_string_equal(h.topics[0].label_zh, "监控");
			assert_string_equal(h.topics[0].label_en, "surveillance");
		}
		const tm_search_hit *c = hit_of(&h, "cellebrite");
		int members = c && c->how == TM_SEARCH_TOPIC;
		if (members != cases[i].members)
			fail_msg("'%s': entities of the topic %s", cases[i].q, members ? "listed" : "missing");
		tm_search_hits_release(&h);
	}
	tm_store_close(st);
}

/* A strict search, and resolution (which a command acts on), forgive
 * nothing; a typo is not forgiven without a typo index either. */
static void test_strict_guesses_nothing(void **state)
{
	(void)state;
	tm_store *st = open_at(":memory:");
	tm_search_vocab *v = vocab_of(st);
	static const char *const queries[] = { "hikvison", "Huawei Technologies Co., Ltd.", "监控", "Hangzhou Hikvision" };
	for (size_t i = 0; i < N(queries); i++) {
		tm_search_hits h;
		search(st, queries[i], &(tm_search_opts){ .strict = 1, .vocab = v }, &h);
		if (h.n || h.n_topics || h.corrected)
			fail_msg("strict '%s' found %s", queries[i], h.n ? h.v[0].id : "a topic");
		tm_search_hits_release(&h);
		char *id = NULL;
		tm_err err = { 0 };
		if (tm_search_resolve(st, queries[i], &id, NULL, &err) != TM_ERR_NOTFOUND)
			fail_msg("'%s' resolved to %s", queries[i], id ? id : "?");
		free(id);
	}
	tm_search_hits h;
	search(st, "hikvison", NULL, &h);
	assert_int_equal(h.n, 0);
	assert_null(h.corrected);
	tm_search_hits_release(&h);
	/* the query as read is said; a word being typed is no typo */
	search(st, "hikvison cameras", &(tm_search_opts){ .vocab = v }, &h);
	assert_non_null(h.corrected);
	assert_string_equal(h.corrected, "hikvision cameras");
	tm_search_hits_release(&h);
	search(st, "cellebr", &(tm_search_opts){ .vocab = v }, &h);
	assert_true(h.n > 0);
	assert_int_equal(h.v[0].how, TM_SEARCH_PREFIX);
	assert_null(h.corrected);
	tm_search_hits_release(&h);
	tm_search_vocab_free(v);
	tm_store_close(st);
}

/* Without a typo index at hand, a search opens one from the store's cache
 * (the snapshot beside the database) when a word is unknown, and only then. */
static void test_vocab_opened_on_need(void **state)
{
	(void)state;
	char dir[] = "/tmp/tiemap-test-search-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char db[128], snap[128];
	snprintf(db, sizeof(db), "%s/t.db", dir);
	snprintf(snap, sizeof(snap), "%s/t.db.vocab", dir);
	tm_store *st = open_at(db);
	tm_search_opts o = { .limit = 10, .cached = 1 };
	tm_search_hits h;
	search(st, "Hikvision cameras", &o, &h);
	tm_search_hits_release(&h);
	assert_int_equal(access(snap, F_OK), -1); /* every word known: not opened */
	search(st, "hikvison", &o, &h);
	assert_true(h.n > 0);
	assert_string_equal(h.v[0].id, "hikvision");
	assert_int_equal(h.v[0].how, TM_SEARCH_TYPO);
	tm_search_hits_release(&h);
	assert_int_equal(access(snap, F_OK), 0);
	tm_store_close(st);
	unlink(snap);
	unlink(db);
	rmdir(dir);
}

/* The shape the CLI's --json and the API share: kind, country, a
 * description, ties from the graph, how, the topics and the reading. */
static void test_view_shape(void **state)
{
	(void)state;
	tm_store *st = open_at(":memory:");
	tm_search_vocab *v = vocab_of(st);
	tm_graph *g;
	tm_err err = { 0 };
	assert_int_equal(tm_graph_load(st, &g, &err), TM_OK);
	json_t *o;
	tm_search_opts so = { .limit = 20, .vocab = v };
	assert_int_equal(tm_view_search(st, g, "hikvison", &so, &o, &err), TM_OK);
	json_t *r = json_array_get(json_object_get(o, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(r, "id")), "hikvision");
	assert_string_equal(json_string_value(json_object_get(r, "how")), "typo");
	assert_string_equal(json_string_value(json_object_get(r, "country")), "CN");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "description"), "zh")), "监控摄像机制造商。");
	assert_int_equal(json_integer_value(json_object_get(r, "ties")), 3); /* owned by cetc, developed, supplied by acme */
	assert_string_equal(json_string_value(json_object_get(o, "corrected")), "hikvision");
	assert_int_equal(json_array_size(json_object_get(o, "topics")), 0);
	json_decref(o);
	assert_int_equal(tm_view_search(st, g, "监控", &so, &o, &err), TM_OK);
	json_t *t = json_array_get(json_object_get(o, "topics"), 0);
	assert_string_equal(json_string_value(json_object_get(t, "id")), "surveillance");
	assert_string_equal(json_string_value(json_object_get(t, "label_zh")), "监控");
	r = json_array_get(json_object_get(o, "results"), 0);
	assert_string_equal(json_string_value(json_object_get(r, "topic")), "surveillance");
	assert_true(json_is_null(json_object_get(o, "corrected")));
	json_decref(o);
	/* without a graph the ties are unknown, not zero */
	assert_int_equal(tm_view_search(st, NULL, "Huawei", &so, &o, &err), TM_OK);
	r = json_array_get(json_object_get(o, "results"), 0);
	assert_true(json_is_null(json_object_get(r, "ties")));
	assert_true(json_is_null(json_object_get(r, "description")));
	json_decref(o);
	tm_graph_free(g);
	tm_search_vocab_free(v);
	tm_store_close(st);
}

/* A query is at most TM_SEARCH_MAX_CHARS characters (not bytes); one
 * longer is refused, saying why, and one as long made of unknown words and
 * single letters, the worst for the forgiving stages, is answered. */
static void test_bounds(void **state)
{
	(void)state;
	tm_store *st = open_at(":memory:");
	tm_search_vocab *v = vocab_of(st);
	tm_search_opts o = { .limit = 20, .vocab = v };
	tm_buf q = TM_BUF_INIT;
	while (q.len + 5 + 6 <= TM_SEARCH_MAX_CHARS)
		tm_buf_adds(&q, "qzxv ");
	tm_buf_adds(&q, "huawei");
	tm_search_hits h;
	tm_err err = { 0 };
	assert_int_equal(tm_search(st, q.buf, &o, &h, &err), TM_OK);
	tm_search_hits_release(&h);
	tm_buf_reset(&q);
	for (int i = 0; i < TM_SEARCH_MAX_CHARS / 2; i++)
		tm_buf_adds(&q, i % 2 ? "h " : "监 ");
	assert_int_equal(tm_search(st, q.buf, &o, &h, &err), TM_OK);
	tm_search_hits_release(&h);
	/* characters, not bytes: 200 Chinese characters are 600 bytes */
	tm_buf_reset(&q);
	for (int i = 0; i < TM_SEARCH_MAX_CHARS; i++)
		tm_buf_adds(&q, "华");
	assert_int_equal(tm_search(st, q.buf, &o, &h, &err), TM_OK);
	tm_search_hits_release(&h);
	tm_buf_adds(&q, "为");
	assert_int_equal(tm_search(st, q.buf, &o, &h, &err), TM_ERR_INVALID);
	assert_string_equal(err.msg, "query is longer than 200 characters");
	assert_int_equal(h.n, 0);
	tm_buf_release(&q);
	tm_search_vocab_free(v);
	tm_store_close(st);
}

/* The hits as one line: "id how score, …", topics after a bar. */
static char *answer_line(const tm_search_hits *h)
{
	tm_buf b = TM_BUF_INIT;
	for (size_t i = 0; i < h->n; i++)
		tm_buf_addf(&b, "%s %s %.3f, ", h->v[i].id, tm_search_how_name(h->v[i].how), h->v[i].score);
	tm_buf_adds(&b, "|");
	for (size_t i = 0; i < h->n_topics; i++)
		tm_buf_addf(&b, " %s", h->topics[i].id);
	tm_buf_addf(&b, " | %s", h->corrected ? h->corrected : "-");
	return tm_buf_detach(&b);
}

/* A failure of the store is never an absence: with the store's queries
 * failing after 0, 1, 2, 4 … steps (tm_store_set_deadline() under
 * $TIEMAP_TEST_EXPIRED), or only the one at that step (as one damaged page
 * would), every forgiving stage's look-ups included, a search fails with
 * TM_ERR_LIMIT or gives the whole healthy answer, never a part of it. */
static void test_failure_is_not_absence(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-test-expired-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	setenv("TIEMAP_TEST_EXPIRED", path, 1);
	tm_store *st = open_at(":memory:");
	static const char *const queries[] = { "hikvison",	   "Hangzhou Hikvison", "Huawei Technologies Co., Ltd.",
					       "监控",	   "survelliance",	"hik vison",
					       "华为技术有限公司", "jiankong" };
	for (size_t i = 0; i < N(queries); i++) {
		/* the typo index opened by the search (cached: from the store), so
		 * that its reading fails too */
		tm_search_opts o = { .limit = 20, .cached = 1 };
		tm_search_hits h;
		search(st, queries[i], &o, &h);
		char *healthy = answer_line(&h);
		tm_search_hits_release(&h);
		for (int once = 0; once < 2; once++) {
			int finished = 0;
			for (long steps = 0; !finished && steps < (1L << 20); steps = steps ? steps * 2 : 1) {
				FILE *f = fopen(path, "w");
				assert_non_null(f);
				fprintf(f, "%ld%s\n", steps, once ? " once" : "");
				fclose(f);
				tm_store_set_deadline(st, 60);
				tm_err err = { 0 };
				tm_rc rc = tm_search(st, queries[i], &o, &h, &err);
				tm_store_set_deadline(st, 0);
				tm_store_error_clear(st);
				if (rc == TM_OK) {
					char *got = answer_line(&h);
					if (strcmp(got, healthy) != 0)
						fail_msg("'%s' failing after %ld steps answered\n  %s\nnot\n  %s", queries[i], steps, got,
							 healthy);
					free(got);
					tm_search_hits_release(&h);
					finished = 1;
				} else if (rc != TM_ERR_LIMIT) {
					fail_msg("'%s' failing after %ld steps: %s", queries[i], steps, err.msg);
				}
			}
			assert_true(finished);
		}
		free(healthy);
	}
	tm_store_close(st);
	unsetenv("TIEMAP_TEST_EXPIRED");
	unlink(path);
}

/* Topics are labelled once (model.h tm_topics), and search takes each
 * Chinese label as its own key: so it must be Simplified and bare, as the
 * keys would make it. */
static void test_topic_labels_are_keys(void **state)
{
	(void)state;
	for (size_t i = 0; i < tm_n_topics; i++) {
		tm_name_keys k;
		tm_err err = { 0 };
		assert_int_equal(tm_text_name_keys(tm_topics[i].label_zh, strlen(tm_topics[i].label_zh), &k, &err), TM_OK);
		if (strcmp(k.norm, tm_topics[i].label_zh) != 0)
			fail_msg("topic %s: label '%s' has the key '%s'", tm_topics[i].id, tm_topics[i].label_zh, k.norm);
		tm_name_keys_release(&k);
	}
}

/* Among hits of equal score the one with more ties comes first, before the
 * cut: a topic's best connected entities make a short page. */
static void test_ties_order(void **state)
{
	(void)state;
	tm_store *st = open_at(":memory:");
	tm_graph *g;
	tm_err err = { 0 };
	assert_int_equal(tm_graph_load(st, &g, &err), TM_OK);
	tm_search_opts o = { .limit = 20, .ties = tm_view_ties, .ties_ctx = g };
	tm_search_hits h;
	search(st, "监控", &o, &h);
	assert_true(h.n >= 3);
	for (size_t i = 1; i < h.n; i++)
		if (h.v[i].score == h.v[i - 1].score && h.v[i].ties > h.v[i - 1].ties)
			fail_msg("%s (%ld ties) after %s (%ld)", h.v[i].id, h.v[i].ties, h.v[i - 1].id, h.v[i - 1].ties);
	assert_string_equal(h.v[0].id, "hikvision"); /* three ties; the others one or none */
	assert_int_equal(h.v[0].ties, 3);
	tm_search_hits_release(&h);
	o.limit = 1;
	search(st, "监控", &o, &h);
	assert_int_equal(h.n, 1);
	assert_string_equal(h.v[0].id, "hikvision");
	tm_search_hits_release(&h);
	tm_graph_free(g);
	tm_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vocab),
		cmocka_unit_test(test_scores),
		cmocka_unit_test(test_strict_above_forgiven),
		cmocka_unit_test(test_topics),
		cmocka_unit_test(test_strict_guesses_nothing),
		cmocka_unit_test(test_vocab_opened_on_need),
		cmocka_unit_test(test_view_shape),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_failure_is_not_absence),
		cmocka_unit_test(test_topic_labels_are_keys),
		cmocka_unit_test(test_ties_order),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tm_text_shutdown();
	return rc;
}
