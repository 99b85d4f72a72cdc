/*
 * Unit tests of src/match: the similarity measures against published
 * values, identifier checks, the lexicon, the listing-noise cutter, and the
 * matcher and flagger on a small graph built here.
 * Most are tables of input and expected output side by side.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph/graph.h"
#include "io/io.h"
#include "match/match_internal.h"
#include "match/screen.h"
#include "text/text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_jaro_winkler(void **state)
{
	(void)state;
	/* Winkler's own examples, and code points rather than bytes */
	static const struct {
		const char *a, *b;
		double want;
	} cases[] = {
		{ "MARTHA", "MARHTA", 0.961 },  { "DWAYNE", "DUANE", 0.840 }, { "DIXON", "DICKSONX", 0.813 },
		{ "hikvision", "hikvision", 1.0 }, { "", "", 1.0 },           { "abc", "", 0.0 },
		{ "海康威视", "海康威视", 1.0 },   { "海康威视", "大华股份", 0.0 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		double got = tm_match_jaro_winkler(cases[i].a, cases[i].b);
		if (fabs(got - cases[i].want) > 0.0015)
			fail_msg("jw('%s','%s') = %.4f, wanted %.3f", cases[i].a, cases[i].b, got, cases[i].want);
	}
	/* a multi-byte character is one position, not three */
	double cjk = tm_match_jaro_winkler("海康威视数字", "海康威视数");
	double latin = tm_match_jaro_winkler("abcdef", "abcde");
	assert_true(fabs(cjk - latin) < 1e-9);
}

static void test_token_set_ratio(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		double want;
	} cases[] = {
		/* fuzzywuzzy's documented example gives 100 */
		{ "fuzzy was a bear", "fuzzy fuzzy was a bear", 1.0 },
		{ "hikvision", "hangzhou hikvision", 1.0 },
		{ "dahua technology", "technology dahua", 1.0 },
		{ "abc", "xyz", 0.0 },
		{ "", "abc", 0.0 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		double got = tm_match_token_set_ratio(cases[i].a, cases[i].b);
		if (fabs(got - cases[i].want) > 0.001)
			fail_msg("tsr('%s','%s') = %.4f, wanted %.3f", cases[i].a, cases[i].b, got, cases[i].want);
	}
	double part = tm_match_token_set_ratio("china railway construction", "china railway engineering");
	assert_true(part > 0.5 && part < 0.9);
}

static void test_identifiers(void **state)
{
	(void)state;
	static const struct {
		const char *s, *shape;
		int valid;
	} cases[] = {
		{ "US0378331005", "isin", 1 },	       /* the ISIN of the standard's examples */
		{ "US0378331006", "isin", 0 },	       /* last digit changed */
		{ "AU0000XVGZA3", "isin", 1 },	       /* letters inside */
		{ "CNE100000PM8", "isin", 1 },
		{ "US037833100", NULL, 0 },	       /* too short */
		{ "529900T8BM49AURSDO55", "lei", 1 },  /* ISO 17442's example */
		{ "529900T8BM49AURSDO56", "lei", 0 },
		{ "HWUPKR0MPOU8FGXBT394", "lei", 1 },
		{ "91330000733796106P", "uscc", 1 },   /* GB 32100 */
		{ "91330000733796106Q", "uscc", 0 },
		{ "9133000073379610IP", NULL, 0 },     /* I is not in the alphabet */
		{ "002415", NULL, 0 },		       /* a ticker */
		{ "037833100", NULL, 0 },	       /* a CUSIP: told by its column, not its shape */
	};
	for (size_t i = 0; i < N(cases); i++) {
		const char *shape = tm_match_ident_shape(cases[i].s);
		if ((shape == NULL) != (cases[i].shape == NULL) || (shape && strcmp(shape, cases[i].shape)))
			fail_msg("shape of '%s' is %s", cases[i].s, shape ? shape : "none");
		int valid = tm_match_isin_valid(cases[i].s) || tm_match_lei_valid(cases[i].s) ||
			    tm_match_uscc_valid(cases[i].s);
		if (valid != cases[i].valid)
			fail_msg("'%s' valid = %d", cases[i].s, valid);
	}
}

/* Every scheme with a check character: a good value and a bad one. */
static void test_ident_checks(void **state)
{
	(void)state;
	static const struct {
		const char *scheme, *s;
		int want;
	} cases[] = {
		{ "isin", "US17275R1023", 1 },	       /* Cisco */
		{ "isin", "US17275R1024", 0 },
		{ "lei", "529900T8BM49AURSDO55", 1 },
		{ "lei", "529900T8BM49AURSDO5X", 0 },
		{ "uscc", "91330000733796106P", 1 },
		{ "uscc", "91330000733796106O", 0 },   /* O is not in the alphabet */
		{ "cusip", "037833100", 1 },	       /* Apple */
		{ "cusip", "17275R102", 1 },	       /* Cisco */
		{ "cusip", "38259P508", 1 },
		{ "cusip", "037833101", 0 },
		{ "cusip", "03783310", 0 },	       /* one short */
		{ "sedol", "0263494", 1 },	       /* BAE Systems */
		{ "sedol", "B0YBKJ7", 1 },
		{ "sedol", "B0YBKJ8", 0 },
		{ "sedol", "B0YAKJ7", 0 },	       /* a vowel */
		{ "ticker", "CSCO", -1 },	       /* no check */
		{ NULL, "CSCO", -1 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		int got = tm_match_ident_check(cases[i].scheme, cases[i].s);
		if (got != cases[i].want)
			fail_msg("%s '%s': %d, wanted %d", cases[i].scheme ? cases[i].scheme : "-", cases[i].s, got,
				 cases[i].want);
	}
	static const struct {
		const char *scheme, *raw, *want;
	} norms[] = {
		{ "cusip", "37833100", "037833100" }, /* a spreadsheet read it as a number */
		{ "sedol", "263494", "0263494" },
		{ "isin", " us 0378-3310-05 ", "US0378331005" },
		{ "ticker", "002415.sz", "002415.SZ" },
		{ NULL, "ab cd", "AB CD" },
	};
	for (size_t i = 0; i < N(norms); i++) {
		char out[64];
		assert_true(tm_match_ident_norm(norms[i].scheme, norms[i].raw, out, sizeof(out)));
		assert_string_equal(out, norms[i].want);
	}
}

static void test_countries(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "CN", "CN" }, { "chn", "CN" }, { "China", "CN" }, { "中国", "CN" }, { " PRC ", "CN" },
		{ "Israel", "IL" }, { "USA", "US" }, { "zz", "ZZ" }, { "Atlantis", "" }, { "", "" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char out[3];
		tm_match_country_code(cases[i].in, out);
		if (strcmp(out, cases[i].want))
			fail_msg("country '%s' gave '%s', wanted '%s'", cases[i].in, out, cases[i].want);
	}
}

static void test_strip_listing(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "hangzhou hikvision digital technology co ltd a", "hangzhou hikvision digital technology co ltd" },
		{ "alibaba group holding sp adr", "alibaba group holding" },
		{ "xiaomi corp class b", "xiaomi corp" },
		{ "apple inc com", "apple inc" },
		{ "jd com inc adr", "jd inc" },			/* JD.com: the web suffix is like a legal form */
		{ "amazon com inc", "amazon inc" },
		{ "dell technologies inc class c", "dell technologies inc" },
		{ "alphabet inc cl c", "alphabet inc" },
		{ "vitamin c", "vitamin c" },			/* a letter after no class word stays */
		{ "the new york times co", "new york times co" },
		{ "a", "a" },		/* the last word stays */
		{ "adr", "adr" },
		{ "bank of china ltd h", "bank of china ltd" },
		{ "unit", "unit" },
		{ "zensys labs s a", "zensys labs s a" },	/* S.A. is a legal form, not class A */
		{ "orinova labs s p a", "orinova labs s p a" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *got = tm_match_strip_listing(cases[i].in);
		if (strcmp(got, cases[i].want))
			fail_msg("strip('%s') = '%s', wanted '%s'", cases[i].in, got, cases[i].want);
		free(got);
	}
}

static void test_lexicon(void **state)
{
	(void)state;
	assert_true(tm_lex_sorted());
	assert_string_equal(tm_lex_expand("tech", 4), "technology");
	assert_string_equal(tm_lex_expand("intl", 4), "international");
	assert_null(tm_lex_expand("hikvision", 9));
	assert_true(tm_lex_weight("technology", 10) < 0.5);
	assert_true(tm_lex_weight("hangzhou", 8) < 0.5);
	assert_true(tm_lex_weight("hikvision", 9) >= 1.0);
	assert_true(tm_lex_weight("集", strlen("集")) < 0.5);
	assert_true(tm_lex_weight("康", strlen("康")) >= 1.0);
	assert_true(tm_lex_org_kind("company"));
	assert_false(tm_lex_org_kind("product"));
}

/* ---- a small graph ---- */

static const char graph_jsonl[] =
	"{\"type\":\"source\",\"id\":\"s\",\"title\":\"T\"}\n"
	"{\"type\":\"entity\",\"id\":\"hikvision\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"Hikvision\",\"lang\":\"en\",\"primary\":true},"
	"{\"text\":\"Hangzhou Hikvision Digital Technology Co.,Ltd.\",\"lang\":\"en\"},"
	"{\"text\":\"海康威视\",\"lang\":\"zh-Hans\",\"primary\":true}],"
	"\"tags\":[\"surveillance\"],"
	"\"identifiers\":[{\"scheme\":\"isin\",\"value\":\"CNE100000PM8\"},{\"scheme\":\"ticker\",\"value\":\"002415\"}],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"cetc\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"China Electronics Technology Group Corporation\",\"lang\":\"en\",\"primary\":true},"
	"{\"text\":\"中国电子科技集团公司\",\"lang\":\"zh-Hans\",\"primary\":true}],"
	"\"tags\":[\"military\"],\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"ijop\",\"kind\":\"system\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"Integrated Joint Operations Platform\",\"lang\":\"en\",\"primary\":true}],"
	"\"tags\":[\"xinjiang\"],\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"hik-cameras\",\"kind\":\"product\",\"names\":["
	"{\"text\":\"Hikvision cameras\",\"lang\":\"en\",\"primary\":true}],\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"china\",\"kind\":\"country\",\"names\":["
	"{\"text\":\"China\",\"lang\":\"en\",\"primary\":true}],\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"xj-police\",\"kind\":\"police\",\"names\":["
	"{\"text\":\"Xinjiang Public Security\",\"lang\":\"en\",\"primary\":true}],\"tags\":[\"police\"],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"dahua\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"Zhejiang Dahua Technology Co., Ltd.\",\"lang\":\"en\",\"primary\":true},"
	"{\"text\":\"Dahua\",\"lang\":\"en\"}],\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"acme\",\"kind\":\"company\",\"country\":\"US\",\"names\":["
	"{\"text\":\"Acme Surveillance Supplies\",\"lang\":\"en\",\"primary\":true}],\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"dove\",\"kind\":\"company\",\"names\":[{\"text\":\"Dove\",\"lang\":\"en\"}],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"bally\",\"kind\":\"company\",\"names\":[{\"text\":\"Bally\",\"lang\":\"en\"}],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"garnier\",\"kind\":\"company\",\"names\":[{\"text\":\"Garnier\",\"lang\":\"en\"}],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"amazon\",\"kind\":\"company\",\"names\":[{\"text\":\"Amazon\",\"lang\":\"en\"}],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"dell\",\"kind\":\"company\",\"names\":[{\"text\":\"Dell\",\"lang\":\"en\"}],"
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"byd\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"BYD\",\"lang\":\"en\"},{\"text\":\"比亚迪\",\"lang\":\"zh-Hans\"}],"
	"\"description\":{\"en\":\"Chinese car maker.\"},\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"chery\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"Chery\",\"lang\":\"en\"}],\"description\":{\"en\":\"Chinese car maker.\"},\"sources\":[\"s\"]}\n"
	"{\"type\":\"entity\",\"id\":\"cosco\",\"kind\":\"company\",\"country\":\"CN\",\"names\":["
	"{\"text\":\"China Ocean Shipping Company\",\"lang\":\"en\"},{\"text\":\"COSCO\",\"lang\":\"en\"}],"
	"\"description\":{\"en\":\"Chinese shipping company.\"},\"sources\":[\"s\"]}\n"
	"{\"type\":\"relation\",\"subject\":\"cetc\",\"predicate\":\"owns\",\"object\":\"hikvision\",\"sources\":[\"s\"]}\n"
	"{\"type\":\"relation\",\"subject\":\"cetc\",\"predicate\":\"built\",\"object\":\"ijop\",\"sources\":[\"s\"]}\n"
	"{\"type\":\"relation\",\"subject\":\"hikvision\",\"predicate\":\"developed\",\"object\":\"hik-cameras\",\"sources\":[\"s\"]}\n"
	"{\"type\":\"relation\",\"subject\":\"dahua\",\"predicate\":\"sells_in\",\"object\":\"china\",\"sources\":[\"s\"]}\n"
	"{\"type\":\"relation\",\"subject\":\"xj-police\",\"predicate\":\"located_in\",\"object\":\"china\","
	"\"sources\":[\"s\"]}\n"
	"{\"type\":\"relation\",\"subject\":\"acme\",\"predicate\":\"supplies\",\"object\":\"hikvision\",\"sources\":[\"s\"]}\n";

static tm_store *small_store(void)
{
	tm_store *st;
	tm_err err = { 0 };
	if (tm_store_open(":memory:", TM_STORE_CREATE, &st, &err))
		fail_msg("open: %s", err.msg);
	tm_import_report rep;
	if (tm_import_buffer(st, "graph", graph_jsonl, sizeof(graph_jsonl) - 1, NULL, &rep, &err))
		fail_msg("import: %s %s", err.msg, rep.errors.n ? rep.errors.v[0] : "");
	tm_import_report_release(&rep);
	return st;
}

/* The best match of a query, or NULL (owned). */
static char *best(tm_matcher *m, const char *name, const char *ident, const char *country, tm_match_by *by,
		  double *score)
{
	tm_match_query q = { name, ident, country };
	tm_matches ms;
	tm_err err = { 0 };
	if (tm_match_query_run(m, &q, 3, &ms, &err))
		fail_msg("query '%s': %s", name ? name : "", err.msg);
	char *id = NULL;
	if (ms.n && ms.v[0].score >= tm_matcher_threshold(m)) {
		id = tm_xstrdup(ms.v[0].id);
		if (by)
			*by = ms.v[0].by;
		if (score)
			*score = ms.v[0].score;
		assert_non_null(ms.v[0].explain);
	}
	tm_matches_release(&ms);
	return id;
}

static void test_matcher(void **state)
{
	(void)state;
	tm_store *st = small_store();
	tm_matcher *m;
	tm_err err = { 0 };
	assert_int_equal(tm_matcher_new(st, NULL, &m, &err), TM_OK);
	static const struct {
		const char *name, *ident, *country, *want;
		tm_match_by by;
	} cases[] = {
		{ "Hikvision", NULL, NULL, "hikvision", TM_BY_EXACT },
		{ "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD-A", NULL, NULL, "hikvision", TM_BY_EXACT },
		{ "Hangzhou Hikvision Digital Technology", NULL, NULL, "hikvision", TM_BY_EXACT },
		{ "Hikvision Co Ltd", NULL, NULL, "hikvision", TM_BY_LEGAL_FORM },
		{ "海康威視", NULL, NULL, "hikvision", TM_BY_EXACT },
		{ "hai kang wei shi", NULL, NULL, "hikvision", TM_BY_PINYIN },
		{ "Hik Vision", NULL, NULL, "hikvision", TM_BY_SPACING },
		{ "Hangzhou Hikvision Digital Tech", NULL, NULL, "hikvision", TM_BY_ABBREV },
		{ "Hikvison", NULL, NULL, "hikvision", TM_BY_FUZZY },
		{ "Dahau Technology", NULL, NULL, "dahua", TM_BY_FUZZY },
		{ NULL, "CNE100000PM8", NULL, "hikvision", TM_BY_IDENT },
		{ "something else", "002415.SZ", NULL, "hikvision", TM_BY_IDENT },
		{ "CNE100000PM8", NULL, NULL, "hikvision", TM_BY_IDENT },
		{ "China Electronics Corporation", NULL, NULL, NULL, TM_BY_NONE },
		/* one edit on a short word is another word, another company */
		{ "DOVER CORP", NULL, NULL, NULL, TM_BY_NONE },
		{ "BALL CORP", NULL, NULL, NULL, TM_BY_NONE },
		{ "GARTNER INC", NULL, NULL, NULL, TM_BY_NONE },
		{ "Dahau", NULL, NULL, "dahua", TM_BY_FUZZY }, /* two letters swapped is a typo */
		/* share classes and the web suffix are legal forms */
		{ "AMAZON COM INC", NULL, NULL, "amazon", TM_BY_LEGAL_FORM },
		{ "DELL TECHNOLOGIES INC CLASS C", NULL, NULL, "dell", TM_BY_FUZZY },
		/* the whole of a group's name and another business: a possible member */
		{ "BYD ELECTRONIC INTERNATIONAL CO LTD", NULL, NULL, "byd", TM_BY_GROUP },
		{ "比亚迪电子", NULL, NULL, "byd", TM_BY_GROUP },
		{ "COSCO SHIPPING ENERGY TRANSPORTATION CO LTD-H", NULL, NULL, "cosco", TM_BY_GROUP },
		{ "THE 41ST INSTITUTE OF CETC", NULL, NULL, NULL, TM_BY_NONE }, /* CETC is not a name here */
		/* … unless the words are the entity's own trade or neutral */
		{ "CHERY AUTOMOBILE CO LTD", NULL, NULL, "chery", TM_BY_FUZZY },
		{ "COSCO SHIPPING HOLDINGS CO LTD", NULL, NULL, "cosco", TM_BY_FUZZY },
		{ "BYD CO LTD-H", NULL, NULL, "byd", TM_BY_LEGAL_FORM },
		{ "Totally Unrelated Bakery", NULL, NULL, NULL, TM_BY_NONE },
		{ "", NULL, NULL, NULL, TM_BY_NONE },
	};
	for (size_t i = 0; i < N(cases); i++) {
		tm_match_by by = TM_BY_NONE;
		char *got = best(m, cases[i].name, cases[i].ident, cases[i].country, &by, NULL);
		if ((got == NULL) != (cases[i].want == NULL) || (got && strcmp(got, cases[i].want)) ||
		    (got && by != cases[i].by))
			fail_msg("row %zu '%s': got %s by %s, wanted %s by %s", i, cases[i].name ? cases[i].name : "",
				 got ? got : "none", tm_match_by_name(by), cases[i].want ? cases[i].want : "none",
				 tm_match_by_name(cases[i].by));
		free(got);
	}
	/* an ISIN with a wrong check digit is not looked up, and says so */
	tm_match_query q = { NULL, "CNE100000PM9", NULL };
	tm_matches ms;
	assert_int_equal(tm_match_query_run(m, &q, 3, &ms, &err), TM_OK);
	assert_int_equal(ms.n, 0);
	assert_non_null(ms.warning);
	assert_non_null(strstr(ms.warning, "check"));
	tm_matches_release(&ms);
	/* identifiers from columns of their own: the scheme decides how each
	 * is checked, the first found decides, a ticker is only a ticker */
	static const struct {
		const char *name;
		tm_qident ids[2];
		size_t nids;
		const char *want, *warning;
	} idq[] = {
		{ NULL, { { "ticker", "002415" } }, 1, "hikvision", NULL },
		{ "Dahua", { { "isin", "CNE100000PM8" } }, 1, "hikvision", NULL }, /* the identifier decides */
		{ NULL, { { "ticker", "COSCO" } }, 1, NULL, NULL },	/* a ticker is never a name */
		{ "Dahua", { { "cusip", "037833101" } }, 1, "dahua", "cusip '037833101' fails its check" },
		{ "Dahua", { { "sedol", "B0YBK" } }, 1, "dahua", "sedol 'B0YBK' has not the length" },
		{ NULL, { { "isin", "CNE100000PM9" }, { "ticker", "002415" } }, 2, "hikvision", "isin 'CNE100000PM9'" },
	};
	for (size_t i = 0; i < N(idq); i++) {
		tm_match_query iq = { idq[i].name, NULL, NULL, idq[i].ids, idq[i].nids };
		assert_int_equal(tm_match_query_run(m, &iq, 3, &ms, &err), TM_OK);
		const char *got = ms.n && ms.v[0].score >= tm_matcher_threshold(m) ? ms.v[0].id : NULL;
		if (!tm_streq(got, idq[i].want))
			fail_msg("identifier row %zu: got %s", i, got ? got : "none");
		if (idq[i].warning && (!ms.warning || !strstr(ms.warning, idq[i].warning)))
			fail_msg("identifier row %zu: warning %s", i, ms.warning ? ms.warning : "none");
		tm_matches_release(&ms);
	}
	/* invalid UTF-8 is a warning, not a failure */
	q = (tm_match_query){ "bad\xff", NULL, NULL };
	assert_int_equal(tm_match_query_run(m, &q, 3, &ms, &err), TM_OK);
	assert_non_null(ms.warning);
	tm_matches_release(&ms);
	/* a company is preferred to a product of the same name */
	double company = 0;
	char *id = best(m, "Hikvision cameras Co Ltd", NULL, NULL, NULL, &company);
	free(id);
	/* the country counts: the same name scores less for another country */
	double cn = 0, us = 0;
	free(best(m, "Hikvision Digital", NULL, "CN", NULL, &cn));
	free(best(m, "Hikvision Digital", NULL, "US", NULL, &us));
	assert_true(cn > us);
	tm_matcher_free(m);
	tm_store_close(st);
}

static void test_brute_force_agrees(void **state)
{
	(void)state;
	tm_store *st = small_store();
	tm_matcher *m;
	tm_err err = { 0 };
	assert_int_equal(tm_matcher_new(st, NULL, &m, &err), TM_OK);
	static const char *const qs[] = {
		"Hikvision", "HANGZHOU HIKVISION DIGITAL TECH-A", "海康威视", "Dahua", "Dahau Technology",
		"China Electronics Technology Group", "Integrated Joint Operations", "Acme Supplies", "Nothing Here",
	};
	tm_match_query q[N(qs)];
	tm_matches brute[N(qs)];
	for (size_t i = 0; i < N(qs); i++)
		q[i] = (tm_match_query){ qs[i], NULL, NULL };
	assert_int_equal(tm_match_brute_force(m, q, N(qs), brute, &err), TM_OK);
	for (size_t i = 0; i < N(qs); i++) {
		tm_matches ms;
		assert_int_equal(tm_match_query_run(m, &q[i], 1, &ms, &err), TM_OK);
		/* the same match at the threshold, with the same score */
		double t = tm_matcher_threshold(m);
		int ma = ms.n && ms.v[0].score >= t, mb = brute[i].n && brute[i].v[0].score >= t;
		const char *a = ma ? ms.v[0].id : "-", *b = mb ? brute[i].v[0].id : "-";
		if (strcmp(a, b) || (ma && fabs(ms.v[0].score - brute[i].v[0].score) > 1e-9))
			fail_msg("'%s': index %s, scan %s", qs[i], a, b);
		tm_matches_release(&ms);
		tm_matches_release(&brute[i]);
	}
	tm_matcher_free(m);
	tm_store_close(st);
}

static tm_node node_of(tm_store *st, const char *id)
{
	tm_ekey k;
	tm_err err = { 0 };
	if (tm_store_ekey(st, id, &k, &err))
		fail_msg("%s", err.msg);
	return (tm_node)k;
}

/* Ownership webs for the flags: who has a claim, who owns whom, with shares,
 * ended ties, a place in the middle, a cycle. */
#define E(id, kind, name) "{\"type\":\"entity\",\"id\":\"" id "\",\"kind\":\"" kind "\",\"names\":[{\"text\":\"" \
	name "\",\"lang\":\"en\",\"primary\":true}],\"sources\":[\"s\"]}\n"
#define OWNS(a, b, extra) "{\"type\":\"relation\",\"subject\":\"" a "\",\"predicate\":\"owns\",\"object\":\"" b "\"" \
	extra ",\"sources\":[\"s\"]}\n"
#define CLAIM(id, cat) "{\"type\":\"involvement\",\"entity\":\"" id "\",\"category\":\"" cat "\"," \
	"\"sources\":[{\"source\":\"s\",\"quote\":\"" id " does it\"}]}\n"
static const char flags_jsonl[] =
	"{\"type\":\"source\",\"id\":\"s\",\"title\":\"T\"}\n"
	E("parent", "company", "Parent Group") E("sub1", "company", "Sub One") E("sub2", "company", "Sub Two")
	E("sub3", "company", "Sub Three") E("sub4", "company", "Sub Four") E("minority", "company", "Minority Co")
	E("old", "company", "Old Co") E("supplier", "company", "Supplier Co") E("top", "company", "Top Holding")
	"{\"type\":\"entity\",\"id\":\"tagged\",\"kind\":\"ngo\",\"names\":[{\"text\":\"Watchers\",\"lang\":\"en\"}],"
	"\"tags\":[\"surveillance\",\"occupation\"],\"sources\":[\"s\"]}\n"
	E("holdco", "company", "Hold Co") E("land", "country", "Landia") E("bco", "company", "B Co")
	E("c1", "company", "Cycle One") E("c2", "company", "Cycle Two")
	OWNS("parent", "sub1", ",\"share\":60") OWNS("sub1", "sub2", "") OWNS("sub2", "sub3", "") OWNS("sub3", "sub4", "")
	OWNS("parent", "minority", ",\"share\":10") OWNS("parent", "old", ",\"start\":\"2001\",\"end\":\"2010\"")
	OWNS("top", "parent", ",\"share\":100") OWNS("holdco", "land", "") OWNS("land", "bco", "")
	OWNS("c1", "c2", "") OWNS("c2", "c1", "")
	"{\"type\":\"relation\",\"subject\":\"supplier\",\"predicate\":\"supplies\",\"object\":\"parent\","
	"\"sources\":[\"s\"]}\n"
	CLAIM("parent", "xinjiang_surveillance") CLAIM("holdco", "occupation_surveillance")
	CLAIM("c2", "uyghur_forced_labour");

static void test_flags(void **state)
{
	(void)state;
	tm_store *st;
	tm_err err = { 0 };
	tm_import_report rep;
	assert_int_equal(tm_store_open(":memory:", TM_STORE_CREATE, &st, &err), TM_OK);
	if (tm_import_buffer(st, "flags", flags_jsonl, sizeof(flags_jsonl) - 1, NULL, &rep, &err))
		fail_msg("import: %s %s", err.msg, rep.errors.n ? rep.errors.v[0] : "");
	tm_import_report_release(&rep);
	tm_graph *g;
	assert_int_equal(tm_graph_load(st, &g, &err), TM_OK);
	tm_flagger *f;
	assert_int_equal(tm_flagger_new(st, g, NULL, &f, &err), TM_OK);
	static const struct {
		const char *id;
		const char *category;   /* NULL: no flag at all */
		tm_flag_basis basis;
		const char *involved;
		size_t chain;
	} cases[] = {
		{ "parent", "xinjiang_surveillance", TM_FLAG_DIRECT, "parent", 0 },
		{ "sub1", "xinjiang_surveillance", TM_FLAG_VIA_OWNER, "parent", 1 },
		{ "sub2", "xinjiang_surveillance", TM_FLAG_VIA_OWNER, "parent", 2 },  /* no share given: passes */
		{ "sub3", "xinjiang_surveillance", TM_FLAG_VIA_OWNER, "parent", 3 },
		{ "sub4", NULL, 0, NULL, 0 },            /* four ties: beyond the depth */
		{ "minority", NULL, 0, NULL, 0 },        /* a 10 % share passes no flag */
		{ "old", NULL, 0, NULL, 0 },             /* an ownership that ended */
		{ "supplier", NULL, 0, NULL, 0 },        /* supplying is not owning */
		{ "tagged", NULL, 0, NULL, 0 },          /* tags are topics */
		{ "top", "xinjiang_surveillance", TM_FLAG_VIA_SUBSIDIARY, "parent", 1 },
		{ "land", NULL, 0, NULL, 0 },            /* a place is never flagged … */
		{ "bco", NULL, 0, NULL, 0 },             /* … nor passes a flag on */
		{ "holdco", "occupation_surveillance", TM_FLAG_DIRECT, "holdco", 0 },
		{ "c1", "uyghur_forced_labour", TM_FLAG_VIA_OWNER, "c2", 1 }, /* a cycle: the owner first */
	};
	for (size_t i = 0; i < N(cases); i++) {
		tm_flags fl;
		assert_int_equal(tm_flagger_check(f, node_of(st, cases[i].id), &fl, &err), TM_OK);
		if (!cases[i].category) {
			if (fl.n)
				fail_msg("%s: flagged for %s", cases[i].id, tm_categories[fl.v[0].category].id);
			tm_flags_release(&fl);
			continue;
		}
		if (fl.n != 1)
			fail_msg("%s: %zu flags", cases[i].id, fl.n);
		assert_string_equal(tm_categories[fl.v[0].category].id, cases[i].category);
		if (fl.v[0].basis != cases[i].basis)
			fail_msg("%s: basis %s", cases[i].id, tm_flag_basis_name(fl.v[0].basis));
		assert_int_equal(fl.v[0].involved, node_of(st, cases[i].involved));
		assert_int_equal(fl.v[0].n_chain, cases[i].chain);
		assert_int_equal(fl.v[0].n_claims, 1);
		if (fl.v[0].n_chain) {
			/* the chain runs from the entity to the one whose claim it is, tie to tie */
			assert_int_equal(fl.v[0].chain[0].from, node_of(st, cases[i].id));
			assert_int_equal(fl.v[0].chain[fl.v[0].n_chain - 1].to, node_of(st, cases[i].involved));
			for (size_t k = 1; k < fl.v[0].n_chain; k++)
				assert_int_equal(fl.v[0].chain[k].from, fl.v[0].chain[k - 1].to);
			assert_string_equal(tm_predicates[fl.v[0].chain[0].predicate].id, "owns");
			/* walked up to an owner against the tie, down to a subsidiary with it */
			assert_int_equal(fl.v[0].chain[0].forward, cases[i].basis == TM_FLAG_VIA_SUBSIDIARY);
		}
		tm_flags_release(&fl);
	}
	tm_flagger_free(f);
	/* the options: direct claims only; a lower share; some categories; an unknown one */
	tm_flag_opts o;
	tm_flag_opts_init(&o);
	assert_int_equal(o.depth, TM_FLAG_DEPTH);
	o.depth = 0;
	assert_int_equal(tm_flagger_new(st, g, &o, &f, &err), TM_OK);
	tm_flags fl;
	assert_int_equal(tm_flagger_check(f, node_of(st, "sub1"), &fl, &err), TM_OK);
	assert_int_equal(fl.n, 0);
	tm_flagger_free(f);
	tm_flag_opts_init(&o);
	o.min_share = 5;
	assert_int_equal(tm_flagger_new(st, g, &o, &f, &err), TM_OK);
	assert_int_equal(tm_flagger_check(f, node_of(st, "minority"), &fl, &err), TM_OK);
	assert_int_equal(fl.n, 1);
	tm_flags_release(&fl);
	tm_flagger_free(f);
	tm_flag_opts_init(&o);
	const char *only[] = { "occupation_surveillance" };
	o.categories = only;
	o.ncategories = 1;
	assert_int_equal(tm_flagger_new(st, g, &o, &f, &err), TM_OK);
	assert_int_equal(tm_flagger_check(f, node_of(st, "parent"), &fl, &err), TM_OK);
	assert_int_equal(fl.n, 0);
	tm_flagger_free(f);
	const char *unknown[] = { "surveillance" };
	o.categories = unknown;
	assert_int_equal(tm_flagger_new(st, g, &o, &f, &err), TM_ERR_INVALID);
	tm_graph_free(g);
	tm_store_close(st);
}

static void test_screen_report(void **state)
{
	(void)state;
	tm_store *st;
	tm_err err = { 0 };
	tm_import_report rep;
	assert_int_equal(tm_store_open(":memory:", TM_STORE_CREATE, &st, &err), TM_OK);
	if (tm_import_buffer(st, "flags", flags_jsonl, sizeof(flags_jsonl) - 1, NULL, &rep, &err))
		fail_msg("import: %s", err.msg);
	tm_import_report_release(&rep);
	tm_graph *g;
	assert_int_equal(tm_graph_load(st, &g, &err), TM_OK);
	tm_screen_in in[] = {
		{ 2, "Sub Two", NULL, NULL, NULL, NULL },
		{ 3, "=cmd|' /C calc'!A0", NULL, NULL, NULL, NULL },
		{ 4, NULL, NULL, NULL, "field 1 is not valid UTF-8", NULL },
		{ 5, "<script>alert(1)</script>", NULL, NULL, NULL, NULL },
		{ 6, "Watchers", NULL, NULL, NULL, NULL },
	};
	tm_screen_opts o = { .graph = g, .jobs = 1 };
	tm_flag_opts_init(&o.flags);
	tm_screen_report r;
	assert_int_equal(tm_screen_run(st, in, N(in), &o, &r, &err), TM_OK);
	assert_int_equal(r.n, 5);
	assert_int_equal(r.matched, 2);
	assert_int_equal(r.flagged, 1);
	assert_int_equal(r.unreadable, 1);
	json_t *j = tm_screen_report_json(st, &r);
	json_t *row = json_array_get(json_object_get(j, "rows"), 0);
	assert_string_equal(json_string_value(json_object_get(json_object_get(row, "match"), "id")), "sub2");
	json_t *flag = json_array_get(json_object_get(row, "flags"), 0);
	assert_string_equal(json_string_value(json_object_get(flag, "category")), "xinjiang_surveillance");
	assert_string_equal(json_string_value(json_object_get(flag, "basis")), "via_owner");
	assert_true(json_is_false(json_object_get(flag, "direct")));
	/* the chain by names, and the claim with its quote */
	assert_string_equal(json_string_value(json_object_get(flag, "text")),
			    "Mass surveillance in Xinjiang: via owner: Sub Two —owned by (share not given)→ Sub One "
			    "—owned by (60 %)→ Parent Group");
	assert_non_null(strstr(json_string_value(json_object_get(flag, "text_zh")), "经由所有者"));
	json_t *chain = json_object_get(flag, "chain");
	assert_int_equal(json_array_size(chain), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(chain, 1), "to_name")), "Parent Group");
	json_t *claim = json_array_get(json_object_get(flag, "claims"), 0);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(claim, "sources"), 0), "quote")),
			    "parent does it");
	/* an NGO whose topics are surveillance is matched and not flagged */
	assert_int_equal(json_array_size(json_object_get(json_array_get(json_object_get(j, "rows"), 4), "flags")), 0);
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "rows"), 1), "match")));
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(j, "summary"), "caveat")),
			       "absence is not innocence"));
	json_decref(j);
	tm_buf b = TM_BUF_INIT;
	tm_screen_report_csv(st, &r, "en", &b);
	assert_non_null(strstr(b.buf, "\"'=cmd|"));	/* a formula is defused */
	assert_non_null(strstr(b.buf, "xinjiang_surveillance:via_owner"));
	assert_non_null(strstr(b.buf, "no flag is not innocence"));
	tm_buf_reset(&b);
	tm_screen_report_csv(st, &r, "zh", &b);
	assert_non_null(strstr(b.buf, "新疆大规模监控：经由所有者"));
	tm_buf_reset(&b);
	tm_screen_report_html(st, &r, "en", &b);
	assert_null(strstr(b.buf, "<script>"));
	assert_non_null(strstr(b.buf, "&lt;script&gt;"));
	assert_non_null(strstr(b.buf, "<q>parent does it</q>"));
	tm_buf_reset(&b);
	tm_screen_report_md(st, &r, "en", &b);
	assert_null(strstr(b.buf, "<script>"));
	assert_non_null(strstr(b.buf, "cmd\\|"));
	tm_buf_release(&b);
	tm_screen_report_release(&r);
	tm_graph_free(g);
	tm_store_close(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jaro_winkler),
		cmocka_unit_test(test_token_set_ratio),
		cmocka_unit_test(test_identifiers),
		cmocka_unit_test(test_countries),
		cmocka_unit_test(test_strip_listing),
		cmocka_unit_test(test_ident_checks),
		cmocka_unit_test(test_lexicon),
		cmocka_unit_test(test_matcher),
		cmocka_unit_test(test_brute_force_agrees),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_screen_report),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	tm_text_shutdown();
	return rc;
}
