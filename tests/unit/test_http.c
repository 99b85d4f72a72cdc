/*
 * Unit tests of src/http's pure parts: the escaping function, the HTML
 * printf, URL encoding, language negotiation, the catalogs' fallbacks and
 * footnote marks.  html.c and i18n.c are compiled into this test whole; the
 * few server functions they call are stubbed below, so no socket is opened.
 * Tables of input and expected output side by side; a failing row names itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/html.c"
#include "http/i18n.c"

/* ---- stubs of what html.c and i18n.c take from the rest of src/http ---- */

static const char en_json[] = "{\"a.b\":\"English A\",\"only.en\":\"Only English\",\"notes.mark\":\"Source\","
			      "\"notes.title\":\"Sources\",\"claim.unsourced\":\"unsourced\","
			      "\"source.unchecked_mark\":\"(not checked)\"}";
static const char zh_json[] = "{\"a.b\":\"中文甲\",\"notes.mark\":\"来源\",\"notes.title\":\"来源\","
			      "\"claim.unsourced\":\"无来源\"}";
static const char hant_json[] = "{\"a.b\":\"中文甲（繁）\",\"notes.mark\":\"來源\"}";
static const tm_asset stub_assets[] = {
	{ "i18n/en.json", "application/json", (const unsigned char *)en_json, sizeof(en_json) - 1, "e" },
	{ "i18n/zh.json", "application/json", (const unsigned char *)zh_json, sizeof(zh_json) - 1, "z" },
	{ "i18n/zh-Hant.json", "application/json", (const unsigned char *)hant_json, sizeof(hant_json) - 1, "h" },
};
const char tm_assets_build[] = "test";

const tm_asset *tm_asset_find(const char *path)
{
	for (size_t i = 0; i < sizeof(stub_assets) / sizeof(stub_assets[0]); i++)
		if (strcmp(stub_assets[i].path, path) == 0)
			return &stub_assets[i];
	return NULL;
}

const tm_http_opts *tm_http_server_opts(const tm_http_server *s)
{
	(void)s;
	return NULL;
}

const char *tm_req_arg(const tm_req *req, const char *key)
{
	(void)req;
	(void)key;
	return NULL;
}

/* the page frame's account parts (session.c): a reader's */
const char *tm_req_referrer_policy(const tm_req *req)
{
	(void)req;
	return "no-referrer";
}

void tm_page_user_box(tm_req *req, tm_buf *out)
{
	(void)req;
	(void)out;
}

char *tm_page_public_base(tm_req *req, int *from_host)
{
	(void)req;
	*from_host = 0;
	return NULL;
}

const char *tm_req_base_configured(const tm_req *req)
{
	(void)req;
	return NULL;
}

/* ---- tests ---- */

static void test_escape(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "", "" },
		{ "plain", "plain" },
		{ "<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;" },
		{ "a & b", "a &amp; b" },
		{ "\"double\" 'single'", "&quot;double&quot; &#39;single&#39;" },
		{ "&amp;", "&amp;amp;" },
		{ "海康威视 <b>", "海康威视 &lt;b&gt;" },
		{ "<<>>", "&lt;&lt;&gt;&gt;" },
		/* what XML 1.0 cannot hold is left out, so a feed stays well-formed */
		{ "a\x01" "b\x1f" "\tc\n", "ab\tc\n" },
		{ "x\xef\xbf\xbe" "y\xef\xbf\xbf" "z\xef\xbf\xbd", "xyz\xef\xbf\xbd" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tm_buf b = TM_BUF_INIT;
		tm_html_esc(&b, cases[i][0]);
		if (strcmp(b.buf, cases[i][1]))
			print_error("row %zu: '%s' gave '%s'\n", i, cases[i][0], b.buf);
		assert_string_equal(b.buf, cases[i][1]);
		tm_buf_release(&b);
	}
	tm_buf b = TM_BUF_INIT;
	tm_html_esc(&b, NULL);
	assert_string_equal(b.buf, "");
	tm_buf_release(&b);
}

static void test_url_encode(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "hikvision", "hikvision" },
		{ "A-z_0.9~", "A-z_0.9~" },
		{ "a b", "a%20b" },
		{ "a/b?c&d=e#f", "a%2Fb%3Fc%26d%3De%23f" },
		{ "海", "%E6%B5%B7" },
		{ "\"<'>", "%22%3C%27%3E" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tm_buf b = TM_BUF_INIT;
		tm_url_enc(&b, cases[i][0]);
		assert_string_equal(b.buf, cases[i][1]);
		tm_buf_release(&b);
	}
}

static void test_html_printf(void **state)
{
	(void)state;
	tm_buf b = TM_BUF_INIT;
	tm_html(&b, "<a href=\"/e/%q?%r\" title=\"%s\">%s</a> %d %ld %zu 100%%", "a b&c", "lang=en", "say \"hi\"",
		"<x>", -3, 1234567890L, (size_t)42);
	assert_string_equal(b.buf, "<a href=\"/e/a%20b%26c?lang=en\" title=\"say &quot;hi&quot;\">&lt;x&gt;</a> -3 "
				   "1234567890 42 100%");
	tm_buf_reset(&b);
	/* a format the function does not know is marked, not passed to printf */
	tm_html(&b, "x%ny", "ignored");
	assert_string_equal(b.buf, "x[?]y");
	tm_buf_reset(&b);
	tm_html(&b, "no formats at all");
	assert_string_equal(b.buf, "no formats at all");
	tm_buf_release(&b);
}

static void test_negotiate(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ NULL, "en" },
		{ "", "en" },
		{ "zh-CN,zh;q=0.9,en;q=0.8", "zh-Hans" },
		{ "en-US,en;q=0.9,zh;q=0.8", "en" },
		{ "fr-FR,fr;q=0.9,zh-TW;q=0.5", "zh-Hant" },
		{ "fr", "en" },
		{ "zh;q=0,en;q=0.1", "en" },
		{ "zh-Hant-TW", "zh-Hant" },
		{ "zh-TW,zh;q=0.9", "zh-Hant" },
		{ "zh-HK", "zh-Hant" },
		{ "zh-MO,en;q=0.5", "zh-Hant" },
		{ "zh-Hans-HK", "zh-Hans" },
		{ "zh-SG", "zh-Hans" },
		{ "zh-hant", "zh-Hant" },
		{ "zhx,en", "en" },
		{ "*", "en" },
		{ "en;q=0.5, zh;q=0.9", "zh-Hans" },
		{ ";;;,,,=q", "en" },
		{ "ZH-cn", "zh-Hans" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = tm_i18n_negotiate(cases[i][0]);
		if (strcmp(got, cases[i][1]))
			print_error("row %zu: '%s' gave '%s'\n", i, cases[i][0] ? cases[i][0] : "(null)", got);
		assert_string_equal(got, cases[i][1]);
	}
}

static void test_catalogs(void **state)
{
	(void)state;
	assert_int_equal(tm_i18n_load(NULL), TM_OK);
	assert_string_equal(tm_i18n("en", "a.b"), "English A");
	assert_string_equal(tm_i18n("zh", "a.b"), "中文甲");
	assert_string_equal(tm_i18n("zh", "only.en"), "Only English"); /* falls back to English */
	assert_string_equal(tm_i18n("en", "no.such.key"), "no.such.key");
	/* Traditional: its own catalog, then English (never Simplified) */
	assert_string_equal(tm_i18n("zh-Hant", "a.b"), "中文甲（繁）");
	assert_string_equal(tm_i18n("zh-Hans", "a.b"), "中文甲");
	assert_string_equal(tm_i18n("zh-Hant", "only.en"), "Only English");
	assert_int_equal(tm_i18n_has("zh-Hant", "notes.mark"), 1);
	assert_int_equal(tm_i18n_has("zh-Hant", "notes.title"), 0);
	tm_i18n_free();
}

static void test_ui_of(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "en", "en" }, { "zh", "zh-Hans" }, { "zh-Hans", "zh-Hans" }, { "zh-Hant", "zh-Hant" },
		{ "zh-TW", "zh-Hant" }, { "zh-CN", "zh-Hans" }, { "fr", NULL }, { "", NULL }, { "zhx", NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = tm_i18n_ui_of(cases[i][0]);
		if (!tm_streq(got, cases[i][1]))
			print_error("row %zu: '%s' gave '%s'\n", i, cases[i][0], got ? got : "(null)");
		assert_true(tm_streq(got, cases[i][1]));
	}
	assert_null(tm_i18n_ui_of(NULL));
}

static void test_fill(void **state)
{
	(void)state;
	tm_buf b = TM_BUF_INIT;
	tm_i18n_fill(&b, "{1} of {2}: {3}{4}", "a", "b", NULL);
	assert_string_equal(b.buf, "a of b: {4}");
	tm_buf_release(&b);
}

static tm_req *new_req(const char *lang)
{
	tm_req *req = calloc(1, sizeof(*req));
	req->lang = lang;
	req->ui = strcmp(lang, "zh") == 0 ? "zh-Hans" : "en";
	tm_buf_init(&req->body);
	return req;
}

static void free_req(tm_req *req)
{
	tm_buf_release(&req->body);
	free(req);
}

static void test_marks_and_notes(void **state)
{
	(void)state;
	assert_int_equal(tm_i18n_load(NULL), TM_OK);
	tm_req *req = new_req("en");
	tm_notes n;
	tm_notes_init(&n);
	json_t *a = json_loads("[{\"id\":\"s1\",\"title\":\"T<1>\",\"quote\":\"q\\\"<\",\"page\":\"p. 3\",\"checked\":true},"
			       "{\"id\":\"s1\",\"checked\":true},"
			       "{\"id\":\"s2\",\"title\":\"T2\",\"url\":\"javascript:alert(1)\",\"checked\":false}]",
			       0, NULL);
	json_t *b = json_loads("[{\"id\":\"s2\"},{\"id\":\"s3\",\"title\":\"T3\",\"url\":\"https://example.org/x?a=1&b=2\"}]",
			       0, NULL);
	tm_page_marks(req, &n, a);
	/* one mark per source, however often a claim cites it; the quote is page
	 * text (escaped), never a tooltip, with its locator; the source that was
	 * not checked is marked where it is cited */
	assert_string_equal(req->body.buf,
			    "<sup class=\"marks\"><a class=\"fn\" href=\"#fn-1\" aria-label=\"Source 1\">[1]</a>"
			    "<a class=\"fn\" href=\"#fn-2\" aria-label=\"Source 2\">[2]</a></sup>"
			    "<ul class=\"evidence\"><li><q>q&quot;&lt;</q> <span class=\"loc\">(p. 3)</span> — "
			    "<a class=\"src\" href=\"/sources/s1?lang=en\">T&lt;1&gt;</a> <a class=\"fn\" href=\"#fn-1\">[1]</a></li>"
			    "<li><a class=\"src\" href=\"/sources/s2?lang=en\">T2</a> <a class=\"fn\" href=\"#fn-2\">[2]</a>"
			    " <span class=\"unchecked\">(not checked)</span></li></ul>");
	assert_null(strstr(req->body.buf, "title="));
	tm_buf_reset(&req->body);
	tm_page_marks(req, &n, b);
	/* a source already numbered keeps its number */
	assert_non_null(strstr(req->body.buf, "href=\"#fn-2\""));
	assert_non_null(strstr(req->body.buf, "href=\"#fn-3\""));
	tm_buf_reset(&req->body);
	json_t *none = json_array();
	tm_page_marks(req, &n, none);
	assert_string_equal(req->body.buf, " <span class=\"unsourced\">(unsourced)</span>");
	tm_buf_reset(&req->body);
	tm_page_notes(req, &n);
	const char *html = req->body.buf;
	assert_non_null(strstr(html, "<li id=\"fn-1\"><a class=\"source-link\" href=\"/sources/s1?lang=en\">T&lt;1&gt;</a>"));
	/* only web addresses become links */
	assert_null(strstr(html, "href=\"javascript:"));
	assert_non_null(strstr(html, ". javascript:alert(1) <span class=\"unchecked\">(not checked)</span></li>"));
	assert_non_null(strstr(html, "href=\"https://example.org/x?a=1&amp;b=2\" rel=\"noreferrer noopener external\""));
	json_decref(a);
	json_decref(b);
	json_decref(none);
	tm_notes_release(&n);
	free_req(req);
	tm_i18n_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_url_encode),
		cmocka_unit_test(test_html_printf),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_catalogs),
		cmocka_unit_test(test_ui_of),
		cmocka_unit_test(test_fill),
		cmocka_unit_test(test_marks_and_notes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
