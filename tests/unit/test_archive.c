/*
 * Unit tests of src/archive that need no network: quotes looked for in a
 * text (tables of text, quote and whether it is found, side by side), the
 * text of HTML and PDF copies, and WARC records written and read back.  The
 * files `tiemap archive` writes are checked with an independent reader
 * (warcio) in tests/http/test_archive.py.
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

#include "archive/archive_internal.h"
#include "text/text.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

typedef struct quote_case {
	const char *text, *quote;
	int found;
} quote_case;

static const quote_case quotes[] = {
	/* typography: quotation marks, apostrophes, dashes, case, spacing */
	{ "Hikvision\u2019s cameras were installed at the \u201ccheckpoint\u201d \u2014 in 2019.",
	  "Hikvision's cameras were installed at the \"checkpoint\" - in 2019.", 1 },
	{ "Hikvision\u2019s cameras were installed at the \u201ccheckpoint\u201d.", "cameras were installed at the checkpoint",
	  1 },
	{ "They said \u00abnever\u00bb and \u201enie\u201c.", "they said 'never' and \"nie\"", 1 },
	{ "The  state-owned\n\tmanufacturer", "The state\u2013owned manufacturer", 1 },
	{ "THE CHINESE-STATE OWNED", "the Chinese-state owned", 1 },
	/* Chinese: spaces and line breaks between characters, full-width forms */
	{ "海康威视 在\n西岸 安装了 摄像头。", "海康威视在西岸安装了摄像头", 1 },
	{ "「海康威视」表示，ＡＢＣ公司", "海康威视表示,ABC公司", 1 },
	/* a PDF's lines: a word broken by a hyphen at a line's end, a ligature */
	{ "the company supplied surveil-\nlance cameras", "supplied surveillance cameras", 1 },
	{ "a state-\nowned company", "a state-owned company", 1 },
	{ "the \ufb01rst of\u00ad\u200bthem", "the first of them", 1 },
	/* marks of omission split a quote into parts found in order */
	{ "Hikvision is a multinational corporation operating in more than 190 countries.",
	  "Hikvision is a multinational \u2026 in more than 190 countries", 1 },
	{ "Hikvision is a multinational corporation operating in more than 190 countries.",
	  "Hikvision [...] 190 countries.", 1 },
	{ "Hikvision is a multinational corporation operating in more than 190 countries.",
	  "190 countries ... Hikvision", 0 },
	/* not there */
	{ "Hikvision cameras were installed.", "Dahua cameras were installed", 0 },
	{ "installed at the checkpoint", "installed at the checkpoints", 0 },
	{ "", "anything", 0 },
};

static void test_quotes(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(quotes); i++) {
		tm_quote_doc d;
		tm_err err = { 0 };
		assert_int_equal(tm_quote_doc_init(&d, quotes[i].text, &err), TM_OK);
		int has = tm_quote_doc_has(&d, quotes[i].quote, &err);
		if (has != quotes[i].found)
			print_error("row %zu: '%s' in '%s' gave %d; the text reads '%s'\n", i, quotes[i].quote,
				    quotes[i].text, has, d.plain.buf);
		assert_int_equal(has, quotes[i].found);
		tm_quote_doc_release(&d);
	}
}

static void test_quote_form(void **state)
{
	(void)state;
	tm_buf b = TM_BUF_INIT;
	tm_err err = { 0 };
	assert_int_equal(tm_text_quote_form("A \u201cB\u201d \u2014 c\n d", strlen("A \u201cB\u201d \u2014 c\n d"), 0, &b,
					    &err),
			 TM_OK);
	assert_string_equal(b.buf, "ab-cd");
	tm_buf_reset(&b);
	/* invalid UTF-8 is read as U+FFFD rather than refused */
	assert_int_equal(tm_text_quote_form("a\xff" "b", 3, 0, &b, &err), TM_OK);
	assert_string_equal(b.buf, "a\xef\xbf\xbd" "b");
	tm_buf_release(&b);
	tm_text_shutdown();
}

static char *text_of(const char *type, const char *data, size_t len, tm_rc *rc)
{
	tm_payload p = { (char *)data, len, (char *)type, NULL };
	char *text = NULL;
	tm_err err = { 0 };
	*rc = tm_archive_text(&p, &text, &err);
	return text;
}

static void test_html_text(void **state)
{
	(void)state;
	static const char html[] = "<html><head><title>T</title><style>p{x:y}</style><script>var s='hidden';</script>"
				   "</head><body><p>One <b>two</b></p><noscript>no</noscript><p>three&amp;four</p>"
				   "<div><div><p>deep</p></div></div></body></html>";
	tm_rc rc;
	char *t = text_of("text/html; charset=utf-8", html, strlen(html), &rc);
	assert_int_equal(rc, TM_OK);
	assert_non_null(strstr(t, "One two"));
	assert_non_null(strstr(t, "three&four"));
	assert_non_null(strstr(t, "deep"));
	assert_non_null(strstr(t, "T"));
	assert_null(strstr(t, "hidden"));
	assert_null(strstr(t, "p{x:y}"));
	assert_null(strstr(t, "no\n"));
	free(t);
	/* a page in GBK that says so in its <meta>, sent with no charset */
	static const char gbk[] = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">"
				  "</head><body><p>\xba\xa3\xbf\xb5\xcd\xfe\xca\xd3</p></body></html>";
	t = text_of("text/html", gbk, strlen(gbk), &rc);
	assert_int_equal(rc, TM_OK);
	assert_non_null(strstr(t, "海康威视"));
	free(t);
	/* a page nested far deeper than a stack would like */
	tm_buf deep = TM_BUF_INIT;
	for (int i = 0; i < 20000; i++)
		tm_buf_adds(&deep, "<div>");
	tm_buf_adds(&deep, "bottom");
	t = text_of("text/html", deep.buf, deep.len, &rc);
	assert_true(rc == TM_OK || rc == TM_ERR_INVALID); /* libxml2 stops at its depth limit: no crash */
	free(t);
	tm_buf_release(&deep);
	assert_int_equal(tm_archive_html_refreshes(html, strlen(html)), 0);
	static const char refresh[] = "<html><head><META HTTP-EQUIV=Refresh CONTENT=\"0; url=http://x.invalid/\">"
				      "</head><body>x</body></html>";
	assert_int_equal(tm_archive_html_refreshes(refresh, strlen(refresh)), 1);
}

static void test_other_text(void **state)
{
	(void)state;
	tm_rc rc;
	char *t = text_of("image/png", "\x89PNG", 4, &rc);
	assert_int_equal(rc, TM_ERR_INVALID);
	assert_null(t);
	t = text_of("text/plain; charset=utf-8", "plain words", 11, &rc);
	assert_int_equal(rc, TM_OK);
	assert_string_equal(t, "plain words");
	free(t);
	t = text_of("text/html", "<html><body><script>only('script')</script></body></html>", 58, &rc);
	assert_int_equal(rc, TM_ERR_INVALID); /* a page its scripts fill: no text to check quotes in */
	/* a PDF that is not one: pdftotext refuses it, and that is an error, not a crash */
	t = text_of("application/pdf", "%PDF-1.4 not really", 19, &rc);
	assert_true(rc == TM_ERR_INVALID || rc == TM_ERR_IO);
	assert_null(t);
	tm_payload gz = { "\x1f\x8b", 2, "text/html", "gzip" };
	tm_err err = { 0 };
	assert_int_equal(tm_archive_text(&gz, &t, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "gzip"));
}

/* Records written with tm_warc_put() read back with tm_warc_next(). */
static void test_warc_round_trip(void **state)
{
	(void)state;
	tm_buf w = TM_BUF_INIT;
	static const char http[] = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Empty:\r\n\r\n<p>body</p>";
	char id[64], sha[TM_SHA256_HEX];
	tm_sha256_hex("<p>body</p>", 11, sha);
	tm_warc_put(&w, "warcinfo", "2025-05-01T10:00:00Z", "WARC-Filename: x.warc\r\n", "application/warc-fields",
		    "software: t\r\n", 13, NULL, NULL);
	tm_warc_put(&w, "response", "2025-05-01T10:00:00Z", "WARC-Target-URI: http://a.example/\r\n",
		    "application/http;msgtype=response", http, strlen(http), sha, id);
	assert_int_equal(strlen(id), 47);
	size_t off = 0;
	tm_warc_rec rec;
	tm_err err = { 0 };
	assert_int_equal(tm_warc_next(w.buf, w.len, &off, &rec, &err), TM_OK);
	char *type = tm_archive_header(rec.head, rec.head_len, "warc-type");
	assert_string_equal(type, "warcinfo");
	free(type);
	assert_int_equal(tm_warc_next(w.buf, w.len, &off, &rec, &err), TM_OK);
	char *uri = tm_archive_header(rec.head, rec.head_len, "WARC-Target-URI");
	char *pd = tm_archive_header(rec.head, rec.head_len, "WARC-Payload-Digest");
	assert_string_equal(uri, "http://a.example/");
	assert_string_equal(pd + 7, sha);
	free(uri);
	free(pd);
	tm_http_msg m;
	assert_int_equal(tm_http_response_split(rec.block, rec.block_len, &m, &err), TM_OK);
	assert_int_equal(m.status, 200);
	assert_int_equal(m.body_len, 11);
	assert_memory_equal(m.body, "<p>body</p>", 11);
	char *ct = tm_archive_header(m.head, m.head_len, "content-type");
	assert_string_equal(ct, "text/html");
	free(ct);
	assert_int_equal(tm_warc_next(w.buf, w.len, &off, &rec, &err), TM_ERR_NOTFOUND);
	assert_int_equal(off, w.len);

	/* a record cut short, and one whose length runs past the end */
	off = 0;
	assert_int_equal(tm_warc_next(w.buf, w.len - 3, &off, &rec, &err), TM_OK);
	assert_int_equal(tm_warc_next(w.buf, w.len - 3, &off, &rec, &err), TM_ERR_INVALID);
	static const char bad[] = "WARC/1.1\r\nContent-Length: 99999999999999999999\r\n\r\nx\r\n\r\n";
	off = 0;
	assert_int_equal(tm_warc_next(bad, strlen(bad), &off, &rec, &err), TM_ERR_INVALID);
	static const char none[] = "HTTP/1.1 200 OK\r\n\r\n";
	assert_int_equal(tm_warc_next(none, strlen(none), &off, &rec, &err), TM_ERR_INVALID);
	assert_int_equal(tm_http_response_split("HTTP/1.1 2", 10, &m, &err), TM_ERR_INVALID);
	assert_int_equal(tm_http_response_split(none, strlen(none), &m, &err), TM_OK);
	assert_int_equal(m.body_len, 0);
	tm_buf_release(&w);
}

static void test_names(void **state)
{
	(void)state;
	assert_true(tm_warc_name_valid("amnesty-2023-20250501100000.warc"));
	assert_false(tm_warc_name_valid("../x.warc"));
	assert_false(tm_warc_name_valid(".hidden.warc"));
	assert_false(tm_warc_name_valid("a/b.warc"));
	assert_false(tm_warc_name_valid("x.warc.gz"));
	assert_false(tm_warc_name_valid(".warc"));
	assert_true(tm_time_valid("2025-05-01T10:00:00Z"));
	assert_false(tm_time_valid("2025-02-30T10:00:00Z"));
	assert_false(tm_time_valid("2025-05-01T24:00:00Z"));
	assert_false(tm_time_valid("2025-05-01 10:00:00Z"));
	char stamp[15], back[TM_TIME_MAX];
	tm_capture_stamp("2025-05-01T10:00:09Z", stamp);
	assert_string_equal(stamp, "20250501100009");
	assert_int_equal(tm_capture_unstamp(stamp, back), 0);
	assert_string_equal(back, "2025-05-01T10:00:09Z");
	assert_int_equal(tm_capture_unstamp("20251301100009", back), -1);
	assert_int_equal(tm_capture_unstamp("2025050110000", back), -1);
}

/* Nothing is fetched from a URL that is not http or https, and nothing is
 * left behind. */
static void test_fetch_refuses(void **state)
{
	(void)state;
	char dir[] = "/tmp/tiemap-archive-unit-XXXXXX";
	assert_non_null(mkdtemp(dir));
	tm_capture c;
	tm_err err = { 0 };
	assert_int_equal(tm_archive_fetch(dir, "src", "file:///etc/passwd", NULL, &c, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "not an http or https URL"));
	assert_int_equal(tm_archive_fetch(dir, "../up", "http://127.0.0.1:9/", NULL, &c, &err), TM_ERR_INVALID);
	assert_int_equal(rmdir(dir), 0); /* empty: nothing was written */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quotes),
		cmocka_unit_test(test_quote_form),
		cmocka_unit_test(test_html_text),
		cmocka_unit_test(test_other_text),
		cmocka_unit_test(test_warc_round_trip),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_fetch_refuses),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	tm_text_shutdown();
	return failed;
}
