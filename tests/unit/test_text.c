/*
 * Unit tests of src/text: match keys, widths and fitting.  Most are tables of
 * input and expected output side by side; a failing row names itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

#include "text/text.h"

/* One name and the four keys it must get. */
typedef struct key_case {
	const char *name;
	const char *norm;
	const char *bare;
	const char *pinyin;
	const char *tokens;
} key_case;

static void check_keys(const key_case *kc, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		tm_name_keys k;
		tm_err err = { TM_OK, "" };
		tm_rc rc = tm_text_name_keys(kc[i].name, strlen(kc[i].name), &k, &err);
		if (rc != TM_OK)
			fail_msg("'%s': %s", kc[i].name, err.msg);
		if (strcmp(k.norm, kc[i].norm) || strcmp(k.bare, kc[i].bare) ||
		    strcmp(k.pinyin, kc[i].pinyin) || strcmp(k.tokens, kc[i].tokens))
			print_error("row %zu '%s': norm '%s' bare '%s' pinyin '%s' tokens '%s'\n", i,
				    kc[i].name, k.norm, k.bare, k.pinyin, k.tokens);
		assert_string_equal(k.norm, kc[i].norm);
		assert_string_equal(k.bare, kc[i].bare);
		assert_string_equal(k.pinyin, kc[i].pinyin);
		assert_string_equal(k.tokens, kc[i].tokens);
		tm_name_keys_release(&k);
		assert_null(k.norm);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const key_case english[] = {
	{ "Hangzhou Hikvision Digital Technology Co., Ltd.",
	  "hangzhou hikvision digital technology co ltd", "hangzhou hikvision digital technology",
	  "hangzhou hikvision digital technology", "hangzhou hikvision digital technology" },
	{ "Hangzhou Hikvision Digital Technology Co.,Ltd.",
	  "hangzhou hikvision digital technology co ltd", "hangzhou hikvision digital technology",
	  "hangzhou hikvision digital technology", "hangzhou hikvision digital technology" },
	/* a share class is not a legal form: nothing is special-cased */
	{ "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD-A",
	  "hangzhou hikvision digital technology co ltd a",
	  "hangzhou hikvision digital technology co ltd a",
	  "hangzhou hikvision digital technology co ltd a",
	  "hangzhou hikvision digital technology co ltd a" },
	{ "Apple Inc.", "apple inc", "apple", "apple", "apple" },
	{ "Microsoft Corporation", "microsoft corporation", "microsoft", "microsoft", "microsoft" },
	{ "The Goldman Sachs Group, Inc.", "the goldman sachs group inc", "the goldman sachs",
	  "the goldman sachs", "the goldman sachs" },
	{ "  Acme \t Holdings   Limited \n", "acme holdings limited", "acme", "acme", "acme" },
	{ "Standard Chartered PLC", "standard chartered plc", "standard chartered",
	  "standard chartered", "standard chartered" },
	{ "AT&T Inc.", "at t inc", "at t", "at t", "at t" },
	{ "Procter & Gamble Company", "procter gamble company", "procter gamble",
	  "procter gamble", "procter gamble" },
	/* accents, with and without a precomposed form, and letters that
	 * have no decomposition at all */
	{ "Société Générale S.A.", "societe generale s a", "societe generale",
	  "societe generale", "societe generale" },
	{ "L'Oréal", "l oreal", "l oreal", "l oreal", "l oreal" },
	{ "Cafe\xcc\x81 Mu\xcc\x88ller GmbH", "cafe muller gmbh", "cafe muller", "cafe muller",
	  "cafe muller" },
	/* x̂ has no precomposed form: the mark itself must go */
	{ "Ex\xcc\x82po Q\xcc\x83", "expo q", "expo q", "expo q", "expo q" },
	{ "Nguyễn Łódź Straße", "nguyen lodz strasse", "nguyen lodz strasse",
	  "nguyen lodz strasse", "nguyen lodz strasse" },
	{ "Ørsted A/S", "orsted a s", "orsted", "orsted", "orsted" },
	{ "Banca Monte dei Paschi di Siena S.p.A.", "banca monte dei paschi di siena s p a",
	  "banca monte dei paschi di siena", "banca monte dei paschi di siena",
	  "banca monte dei paschi di siena" },
	/* full-width forms and ideographic space, as pasted from Chinese text */
	{ "Ｔｏｙｏｔａ\xe3\x80\x80Ｍｏｔｏｒ　Ｃｏｒｐ．", "toyota motor corp", "toyota motor",
	  "toyota motor", "toyota motor" },
	/* a legal form goes only when something remains */
	{ "Limited", "limited", "limited", "limited", "limited" },
	{ "Co., Ltd.", "co ltd", "co", "co", "co" },
	{ "S.A.", "s a", "s a", "s a", "s a" },
	/* only trailing words are legal forms */
	{ "AB Volvo", "ab volvo", "ab volvo", "ab volvo", "ab volvo" },
	{ "Siemens AG", "siemens ag", "siemens", "siemens", "siemens" },
	{ "Sony Group Corporation", "sony group corporation", "sony", "sony", "sony" },
	/* other scripts pass through, folded but not stripped of their marks */
	{ "ΣΊΣΥΦΟΣ", "σίσυφοσ", "σίσυφοσ", "σίσυφοσ", "σίσυφοσ" },
	{ "हिन्दी", "हिन्दी", "हिन्दी", "हिन्दी", "हिन्दी" },
};

static void test_english(void **state)
{
	(void)state;
	check_keys(english, N(english));
}

static const key_case chinese[] = {
	{ "海康威视", "海康威视", "海康威视", "hai kang wei shi", "海 康 威 视" },
	{ "海康威視", "海康威视", "海康威视", "hai kang wei shi", "海 康 威 视" },
	{ "华为", "华为", "华为", "hua wei", "华 为" },
	{ "杭州海康威视数字技术股份有限公司", "杭州海康威视数字技术股份有限公司",
	  "杭州海康威视数字技术", "hang zhou hai kang wei shi shu zi ji shu",
	  "杭 州 海 康 威 视 数 字 技 术" },
	{ "中国电子科技集团公司", "中国电子科技集团公司", "中国电子科技",
	  "zhong guo dian zi ke ji", "中 国 电 子 科 技" },
	{ "華為技術有限公司", "华为技术有限公司", "华为技术", "hua wei ji shu", "华 为 技 术" },
	{ "臺灣積體電路製造股份有限公司", "台湾积体电路制造股份有限公司", "台湾积体电路制造",
	  "tai wan ji ti dian lu zhi zao", "台 湾 积 体 电 路 制 造" },
	/* in steps: 控股 after 集团有限公司 */
	{ "复星国际控股集团有限公司", "复星国际控股集团有限公司", "复星国际",
	  "fu xing guo ji", "复 星 国 际" },
	{ "腾讯控股", "腾讯控股", "腾讯", "teng xun", "腾 讯" },
	{ "阿里巴巴（中国）有限公司", "阿里巴巴 中国 有限公司", "阿里巴巴 中国",
	  "a li ba ba zhong guo", "阿 里 巴 巴 中 国" },
	/* nothing would remain */
	{ "有限公司", "有限公司", "有限公司", "you xian gong si", "有 限 公 司" },
	/* a branch keeps its name whole */
	{ "華為技術有限公司北京分公司", "华为技术有限公司北京分公司", "华为技术有限公司北京分公司",
	  "hua wei ji shu you xian gong si bei jing fen gong si",
	  "华 为 技 术 有 限 公 司 北 京 分 公 司" },
	/* readings that depend on the next character */
	{ "重庆", "重庆", "重庆", "chong qing", "重 庆" },
	{ "重工", "重工", "重工", "zhong gong", "重 工" },
	{ "沈阳", "沈阳", "沈阳", "shen yang", "沈 阳" },
};

static void test_chinese(void **state)
{
	(void)state;
	check_keys(chinese, N(chinese));
	/* again, now answered from the per-thread cache */
	check_keys(chinese, N(chinese));
}

static const key_case mixed[] = {
	{ "华为 Technologies Co., Ltd.", "华为 technologies co ltd", "华为 technologies",
	  "hua wei technologies", "华 为 technologies" },
	{ "TCL科技集团股份有限公司", "tcl科技集团股份有限公司", "tcl科技", "tcl ke ji",
	  "tcl 科 技" },
	{ "３６０安全科技", "360安全科技", "360安全科技", "360 an quan ke ji",
	  "360 安 全 科 技" },
	{ "Hikvision 海康威視 (HK) Limited", "hikvision 海康威视 hk limited",
	  "hikvision 海康威视 hk", "hikvision hai kang wei shi hk", "hikvision 海 康 威 视 hk" },
	/* kana are not Han and stay; kanji are Han and get simplified like
	 * any other (動 → 动), the same for stored names and queries */
	{ "トヨタ自動車株式会社", "トヨタ自动车株式会社", "トヨタ自动车株式会社",
	  "トヨタ zi dong che zhu shi hui she", "トヨタ 自 动 车 株 式 会 社" },
};

static void test_mixed(void **state)
{
	(void)state;
	check_keys(mixed, N(mixed));
}

/* The pairs key: Han runs as overlapping pairs, spaces inside a run
 * ignored, any other word kept (so that two runs apart stay apart). */
static const struct {
	const char *name, *pairs;
} pair_cases[] = {
	{ "海康威视", "海康 康威 威视" },
	{ "华为", "华为" },
	{ "华", "华" },
	{ "海康 威视", "海康 康威 威视" },
	{ "華為技術有限公司", "华为 为技 技术" },
	{ "苏州创朗区智慧警务项目2期", "苏州 州创 创朗 朗区 区智 智慧 慧警 警务 务项 项目 2 期" },
	{ "华为 Technologies Co., Ltd.", "华为 technologies" },
	{ "TCL科技集团股份有限公司", "tcl 科技" },
	{ "Hikvision 海康威視 (HK) Limited", "hikvision 海康 康威 威视 hk" },
	{ "海 abc 康", "海 abc 康" },
	{ "トヨタ自動車", "トヨタ 自动 动车" },
	{ "Hangzhou Hikvision", "" },
	{ "", "" },
};

static void test_pairs(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(pair_cases); i++) {
		tm_name_keys k;
		tm_err err = { TM_OK, "" };
		assert_int_equal(tm_text_name_keys(pair_cases[i].name, strlen(pair_cases[i].name), &k, &err), TM_OK);
		if (strcmp(k.pairs, pair_cases[i].pairs))
			print_error("row %zu '%s': pairs '%s'\n", i, pair_cases[i].name, k.pairs);
		assert_string_equal(k.pairs, pair_cases[i].pairs);
		tm_name_keys_release(&k);
	}
}

static const key_case blank[] = {
	{ "", "", "", "", "" },
	{ " \t\r\n ", "", "", "", "" },
	{ "\xe3\x80\x80", "", "", "", "" }, /* ideographic space */
	{ "...,;!", "", "", "", "" },
	{ "「」（）", "", "", "", "" },
};

static void test_blank(void **state)
{
	(void)state;
	check_keys(blank, N(blank));
}

/* Each legal form after a name goes, and the name stays. */
static void test_legal_forms(void **state)
{
	static const char *const latin[] = {
		"co", "Co.", "company", "ltd", "Ltd.", "limited", "inc", "Inc.", "incorporated",
		"corp", "Corp.", "corporation", "group", "holding", "holdings", "llc", "L.L.C.",
		"plc", "P.L.C.", "ag", "A.G.", "sa", "S.A.", "gmbh", "nv", "N.V.", "bv", "B.V.",
		"spa", "S.p.A.", "srl", "S.r.l.", "pte", "pty", "kk", "K.K.", "oy", "ab", "as",
		"Co., Ltd.", "Co.,Ltd", "company limited", "Pte. Ltd.", "Pty Ltd",
	};
	static const char *const han[] = {
		"有限公司", "有限责任公司", "股份有限公司", "集团有限公司", "集团公司", "集团",
		"公司", "控股", "有限責任公司", "集團", "控股集团有限公司",
	};
	char name[128];
	(void)state;
	for (size_t i = 0; i < N(latin); i++) {
		tm_name_keys k;
		tm_err err;
		int n = snprintf(name, sizeof(name), "Acme Widgets %s", latin[i]);
		assert_int_equal(tm_text_name_keys(name, (size_t)n, &k, &err), TM_OK);
		if (strcmp(k.bare, "acme widgets"))
			print_error("'%s' gave '%s'\n", name, k.bare);
		assert_string_equal(k.bare, "acme widgets");
		tm_name_keys_release(&k);
	}
	for (size_t i = 0; i < N(han); i++) {
		tm_name_keys k;
		tm_err err;
		int n = snprintf(name, sizeof(name), "海康威视%s", han[i]);
		assert_int_equal(tm_text_name_keys(name, (size_t)n, &k, &err), TM_OK);
		if (strcmp(k.bare, "海康威视"))
			print_error("'%s' gave '%s'\n", name, k.bare);
		assert_string_equal(k.bare, "海康威视");
		assert_string_equal(k.pinyin, "hai kang wei shi");
		tm_name_keys_release(&k);
	}
}

/* Names are given with a length, so a prefix is a name of its own. */
static void test_length_bounds(void **state)
{
	const char *s = "Apple Inc. and more";
	tm_name_keys k;
	tm_err err;
	(void)state;
	assert_int_equal(tm_text_name_keys(s, 10, &k, &err), TM_OK);
	assert_string_equal(k.norm, "apple inc");
	assert_string_equal(k.bare, "apple");
	tm_name_keys_release(&k);
	/* 海康 is six bytes: a cut inside a character is not UTF-8 */
	assert_int_equal(tm_text_name_keys("海康", 6, &k, &err), TM_OK);
	assert_string_equal(k.pinyin, "hai kang");
	tm_name_keys_release(&k);
	assert_int_equal(tm_text_name_keys("海康", 4, &k, &err), TM_ERR_INVALID);
	assert_int_equal(tm_text_name_keys(NULL, 0, &k, &err), TM_OK);
	assert_string_equal(k.norm, "");
	tm_name_keys_release(&k);
}

static void test_invalid_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t n;
	} bad[] = {
		{ "\xff", 1 },                 /* never in UTF-8 */
		{ "abc\xc3", 4 },              /* truncated */
		{ "\xc0\xaf", 2 },             /* overlong '/' */
		{ "\xed\xa0\x80", 3 },         /* a surrogate */
		{ "\xf4\x90\x80\x80", 4 },     /* above U+10FFFF */
		{ "ab\0cd", 5 },               /* a NUL inside */
		{ "\xe6\xb5\xb7\xe5\xba", 5 }, /* 海 then half of 康 */
	};
	(void)state;
	for (size_t i = 0; i < N(bad); i++) {
		tm_name_keys k;
		tm_err err = { TM_OK, "" };
		assert_int_equal(tm_text_name_keys(bad[i].s, bad[i].n, &k, &err), TM_ERR_INVALID);
		assert_int_equal(err.rc, TM_ERR_INVALID);
		assert_true(err.msg[0] != '\0');
		assert_null(k.norm);
		assert_null(k.bare);
		assert_null(k.pinyin);
		assert_null(k.tokens);
		assert_null(k.pairs);
		tm_name_keys_release(&k); /* safe on a failed call's keys */
	}
	tm_name_keys_release(NULL);
}

static void test_compact(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "hai kang wei shi", "haikangweishi" },
		{ "hua wei", "huawei" },
		{ "huawei", "huawei" },
		{ " a  b ", "ab" },
		{ "", "" },
		{ "海 康", "海康" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char *c = tm_text_compact(cases[i].in);
		assert_string_equal(c, cases[i].out);
		free(c);
	}
	assert_null(tm_text_compact(NULL));
}

static void test_has_han(void **state)
{
	static const struct {
		const char *s;
		int han;
	} cases[] = {
		{ "", 0 },
		{ "huawei", 0 },
		{ "海", 1 },
		{ "huawei 华为", 1 },
		{ "Société", 0 },
		{ "カタカナ", 0 },
		{ "한국", 0 },
		{ "𠀀", 1 }, /* Extension B, outside the BMP */
		{ "Ｈ", 0 },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		assert_int_equal(tm_text_has_han(cases[i].s), cases[i].han);
	assert_int_equal(tm_text_has_han(NULL), 0);
}

static void test_width(void **state)
{
	static const struct {
		const char *s;
		int cols;
	} cases[] = {
		{ "", 0 },
		{ "abc", 3 },
		{ "海康威视", 8 },
		{ "a海b", 4 },
		{ "Ｈ", 2 },         /* full-width */
		{ "한국", 4 },       /* Hangul syllables are wide */
		{ "e\xcc\x81", 1 },  /* e + combining acute */
		{ "x\xe2\x83\x9d", 1 }, /* x + combining enclosing circle */
		{ "é", 1 },
		{ "Société Générale", 16 },
		{ "ｶ", 1 },          /* half-width katakana */
		{ "\xff", 1 },       /* a bad byte shows as one replacement */
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		if (tm_text_width(cases[i].s) != cases[i].cols)
			print_error("width of '%s'\n", cases[i].s);
		assert_int_equal(tm_text_width(cases[i].s), cases[i].cols);
	}
	assert_int_equal(tm_text_width(NULL), 0);
}

static void test_fit(void **state)
{
	static const struct {
		const char *s;
		int cols;
		size_t bytes;
	} cases[] = {
		{ "abc", 2, 2 },
		{ "abc", 3, 3 },
		{ "abc", 10, 3 },
		{ "abc", 0, 0 },
		{ "abc", -1, 0 },
		{ "海康威视", 1, 0 },      /* half a wide character is no character */
		{ "海康威视", 3, 3 },
		{ "海康威视", 4, 6 },
		{ "海康威视", 7, 9 },
		{ "a海", 2, 1 },
		{ "e\xcc\x81x", 1, 3 },    /* the mark stays with its letter */
		{ "", 5, 0 },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		assert_int_equal(tm_text_fit(cases[i].s, cases[i].cols), cases[i].bytes);
	assert_int_equal(tm_text_fit(NULL, 5), 0);
}

/* For every width, the prefix ends on a character boundary and fits. */
static void test_fit_never_splits(void **state)
{
	const char *s = "Hik海康威視 é\xcc\x81x한국Ｈ";
	size_t n = strlen(s), last = 0;
	(void)state;
	for (int cols = 0; cols <= tm_text_width(s) + 1; cols++) {
		size_t b = tm_text_fit(s, cols);
		assert_true(b <= n);
		assert_true(b >= last); /* more room never gives less */
		assert_true(b == n || (s[b] & 0xC0) != 0x80);
		char *prefix = tm_xstrndup(s, b);
		assert_true(tm_text_width(prefix) <= cols);
		free(prefix);
		last = b;
	}
	assert_int_equal(tm_text_fit(s, tm_text_width(s)), n);
}

/* The opening of a text, side by side with what it must be: whole
 * sentences while they fit ("U.S." ending none), else the words that fit
 * and "…"; Chinese by its sentences and, cut, between its words. */
static void test_excerpt(void **state)
{
	(void)state;
	static const struct {
		const char *s, *lang;
		int cols;
		const char *want;
		int cut;
	} cases[] = {
		{ "Maker of cameras.", "en", 40, "Maker of cameras.", 0 },
		{ "Maker of cameras. Owned by CETC. Sells in 190 countries.", "en", 40, "Maker of cameras. Owned by CETC.",
		  1 },
		{ "Banned by the U.S. Commerce Department in 2019. Sells abroad.", "en", 50,
		  "Banned by the U.S. Commerce Department in 2019.", 1 },
		{ "A state-backed surveillance company whose parent company is CETC", "en", 30,
		  "A state-backed surveillance…", 1 },
		{ "Surveillance, cameras and more", "en", 14, "Surveillance…", 1 },
		{ "监控摄像机制造商。母公司为中国电子科技集团公司。", "zh-Hans", 20, "监控摄像机制造商。", 1 },
		{ "中国国家支持的监控企业母公司为中国电子科技集团公司", "zh-Hans", 20, "中国国家支持的监控…", 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tm_buf b = TM_BUF_INIT;
		int cut = tm_text_excerpt(cases[i].s, cases[i].lang, cases[i].cols, &b);
		if (strcmp(b.buf, cases[i].want) != 0 || cut != cases[i].cut)
			fail_msg("excerpt of '%s' in %d: '%s' (%d), wanted '%s'", cases[i].s, cases[i].cols, b.buf, cut,
				 cases[i].want);
		assert_true(tm_text_width(b.buf) <= cases[i].cols);
		tm_buf_release(&b);
	}
}

/* Each thread builds its own ICU objects and caches, at the same time as the
 * others, and must get the same keys. */
static int keys_in_thread(void *arg)
{
	char **pinyin = arg;
	tm_name_keys k;
	tm_err err;
	if (tm_text_name_keys("海康威視", strlen("海康威視"), &k, &err) != TM_OK)
		return 1;
	*pinyin = tm_xstrdup(k.pinyin);
	tm_name_keys_release(&k);
	tm_text_shutdown();
	return 0;
}

static void test_threads(void **state)
{
	thrd_t t[2];
	char *pinyin[2] = { NULL, NULL };
	(void)state;
	for (int i = 0; i < 2; i++)
		assert_int_equal(thrd_create(&t[i], keys_in_thread, &pinyin[i]), thrd_success);
	for (int i = 0; i < 2; i++) {
		int res = -1;
		assert_int_equal(thrd_join(t[i], &res), thrd_success);
		assert_int_equal(res, 0);
		assert_string_equal(pinyin[i], "hai kang wei shi");
		free(pinyin[i]);
	}
}

/* The language a name gets from its script (FtM names carry none). */
static void test_script_lang(void **state)
{
	(void)state;
	static const struct {
		const char *text, *tag;
	} cases[] = {
		{ "Hangzhou Hikvision Digital Technology Co., Ltd.", "en" },
		{ "Sociedad de responsabilidad limitada “Inter Tobacco”", "en" }, /* Latin: en, whatever the language */
		{ "海康威视", "zh-Hans" },
		{ "海康威視數字技術", "zh-Hant" },
		{ "大阪警察局", "zh-Hans" }, /* 阪 is Simplified too, though ICU's rules change it */
		{ "大阪市議會", "zh-Hant" },
		{ "臺灣積體電路製造", "zh-Hant" },
		{ "中華電信", "zh-Hant" },
		{ "ソニー株式会社", "ja" },
		{ "日立製作所", "zh-Hant" }, /* kanji alone read as Han: no kana to tell */
		{ "삼성전자", "ko" },
		{ "Общество с ограниченной ответственностью", "und-Cyrl" },
		{ "Εταιρία περιορισμένης ευθύνης", "el" },
		{ "אלביט מערכות", "he" },
		{ "الحرس الثوري", "und-Arab" },
		{ "3M 2024", "en" },
		{ "4711", "und" },
		{ "Hikvision 海康威视", "en" }, /* the script of most letters */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *tag = NULL;
		tm_err err = { 0 };
		assert_int_equal(tm_text_script_lang(cases[i].text, strlen(cases[i].text), &tag, &err), TM_OK);
		if (strcmp(tag, cases[i].tag) != 0)
			fail_msg("'%s': %s, wanted %s", cases[i].text, tag, cases[i].tag);
	}
	const char *tag;
	tm_err err = { 0 };
	assert_int_equal(tm_text_script_lang("caf\xe9", 4, &tag, &err), TM_ERR_INVALID);
}

static void test_iso3(void **state)
{
	(void)state;
	char tag[16];
	assert_int_equal(tm_text_lang_from_iso3("eng", tag, sizeof(tag)), 0);
	assert_string_equal(tag, "en");
	assert_int_equal(tm_text_lang_from_iso3("zho", tag, sizeof(tag)), 0);
	assert_string_equal(tag, "zh");
	assert_int_equal(tm_text_lang_from_iso3("HEB", tag, sizeof(tag)), 0);
	assert_string_equal(tag, "he");
	assert_int_equal(tm_text_lang_from_iso3("qqq", tag, sizeof(tag)), -1);
	assert_int_equal(tm_text_lang_from_iso3("en", tag, sizeof(tag)), -1);
	assert_string_equal(tm_text_lang_iso3("zh-Hans"), "zho");
	assert_string_equal(tm_text_lang_iso3("en"), "eng");
}

static void test_ascii_and_charsets(void **state)
{
	(void)state;
	char *a = tm_text_to_ascii("Café Über 海康");
	assert_non_null(a);
	assert_string_equal(a, "Cafe Uber hai kang");
	free(a);
	tm_buf out = TM_BUF_INIT;
	tm_err err = { 0 };
	assert_int_equal(tm_text_to_utf8("windows-1252", "Caf\xe9 \x93x\x94", 8, &out, &err), TM_OK);
	assert_string_equal(out.buf, "Café “x”");
	tm_buf_reset(&out);
	/* a byte the charset lacks is an error, never a replacement character */
	assert_int_equal(tm_text_to_utf8("us-ascii", "caf\xe9", 4, &out, &err), TM_ERR_INVALID);
	assert_int_equal(tm_text_to_utf8("no-such-charset", "x", 1, &out, &err), TM_ERR_INVALID);
	tm_buf_release(&out);
	/* a sentence about Hikvision in GB18030: ICU names the charset */
	static const char gb[] =
		"\xba\xbc\xd6\xdd\xba\xa3\xbf\xb5\xcd\xfe\xca\xd3\xca\xfd\xd7\xd6\xbc\xbc\xca\xf5"
		"\xb9\xc9\xb7\xdd\xd3\xd0\xcf\xde\xb9\xab\xcb\xbe\xca\xc7\xd2\xbb\xbc\xd2\xd2\xd4"
		"\xca\xd3\xc6\xb5\xce\xaa\xba\xcb\xd0\xc4\xb5\xc4\xd6\xc7\xc4\xdc\xce\xef\xc1\xaa"
		"\xcd\xf8\xbd\xe2\xbe\xf6\xb7\xbd\xb0\xb8\xba\xcd\xb4\xf3\xca\xfd\xbe\xdd\xb7\xfe"
		"\xce\xf1\xcc\xe1\xb9\xa9\xc9\xcc\xa3\xac\xd7\xdc\xb2\xbf\xce\xbb\xd3\xda\xd5\xe3"
		"\xbd\xad\xba\xbc\xd6\xdd\xa1\xa3";
	const char *guess = tm_text_charset_guess(gb, sizeof(gb) - 1);
	assert_non_null(guess);
	assert_string_equal(guess, "GB18030");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english),
		cmocka_unit_test(test_chinese),
		cmocka_unit_test(test_mixed),
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_legal_forms),
		cmocka_unit_test(test_length_bounds),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_has_han),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fit_never_splits),
		cmocka_unit_test(test_excerpt),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_script_lang),
		cmocka_unit_test(test_iso3),
		cmocka_unit_test(test_ascii_and_charsets),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	tm_text_shutdown();
	return failed;
}
