/*
 * Unit tests of src/search: the typo index.
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vocab),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tm_text_shutdown();
	return rc;
}
