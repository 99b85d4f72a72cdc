/*
 * Unit tests of the checks in src/core that guard output: which URLs may
 * become links, how bidirectional controls are confined, how a CSV cell is
 * written.  Tables of input and expected output; a failing row names itself.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define RLO "\xE2\x80\xAE"
#define PDF "\xE2\x80\xAC"
#define LRI "\xE2\x81\xA6"
#define FSI "\xE2\x81\xA8"
#define PDI "\xE2\x81\xA9"
#define ALM "\xD8\x9C"
#define RLM "\xE2\x80\x8F"

static void test_url_http(void **state)
{
	(void)state;
	static const struct {
		const char *url;
		int ok;
	} cases[] = {
		{ "https://example.org", 1 },
		{ "http://example.org/a?b=c#d", 1 },
		{ "https://[::1]:8080/", 1 },
		{ "https://例子.中国/路径", 1 },
		{ "javascript:alert(1)", 0 },
		{ "JAVASCRIPT://x", 0 },
		{ "data:text/html,<b>", 0 },
		{ "/relative", 0 },
		{ "https://", 0 },
		{ "https:///path", 0 },
		{ "https://" RLO "moc.live", 0 },
		{ "https://example.org/" RLM "x", 0 },
		{ "https://" ALM "x.org", 0 },
		{ "https://example.org/a b", 0 },
		{ "https://example.org/\"onmouseover=", 0 },
		{ "https://example.org/\x01", 0 },
		{ "https://exa\xffmple.org", 0 },
		{ NULL, 0 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		if (tm_url_http(cases[i].url) != cases[i].ok)
			fail_msg("tm_url_http(\"%s\") should be %d", cases[i].url ? cases[i].url : "(null)", cases[i].ok);
	}
}

static void test_bidi_isolate(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want; /* want NULL: nothing to isolate */
	} cases[] = {
		{ "plain", NULL },
		{ "海康威视 — “quoted”", NULL }, /* E2 80 94 and E2 80 9C are not controls */
		{ "file" RLO "gpj.exe", FSI "file" RLO "gpj.exe" PDI },
		{ "a" RLO "b" PDF "c", FSI "a" RLO "b" PDF "c" PDI },
		{ "x" PDI RLO "y", FSI "x" RLO "y" PDI },      /* a PDI that would close ours is dropped */
		{ LRI "open", FSI LRI "open" PDI PDI },        /* an isolate left open is closed */
		{ LRI "a" PDI "b", FSI LRI "a" PDI "b" PDI },  /* a balanced one stays */
		{ "name" RLM, FSI "name" RLM PDI },
		{ ALM "x", FSI ALM "x" PDI },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *got = tm_bidi_isolate(cases[i].in);
		if (!cases[i].want) {
			if (got)
				fail_msg("row %zu: nothing to isolate, got a copy", i);
			assert_int_equal(tm_bidi_has(cases[i].in), 0);
			continue;
		}
		assert_int_equal(tm_bidi_has(cases[i].in), 1);
		if (!got || strcmp(got, cases[i].want) != 0)
			fail_msg("row %zu: isolated text differs", i);
		free(got);
	}
}

static void test_csv_cell(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "plain", "plain" },
		{ "a,b", "\"a,b\"" },
		{ "say \"x\"", "\"say \"\"x\"\"\"" },
		{ "two\nlines", "\"two\nlines\"" },
		{ "=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"" },
		{ "+1", "\"'+1\"" },
		{ "-2", "\"'-2\"" },
		{ "@SUM(A1)", "\"'@SUM(A1)\"" },
		{ "\tx", "\"'\tx\"" },
		{ "\rx", "\"'\rx\"" },
		{ "a=b", "a=b" },
		{ "", "" },
		{ NULL, "" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		tm_buf b = TM_BUF_INIT;
		tm_buf_add_csv(&b, cases[i].in, ',');
		if (strcmp(b.buf, cases[i].want) != 0)
			fail_msg("row %zu: got [%s], wanted [%s]", i, b.buf, cases[i].want);
		tm_buf_release(&b);
	}
	tm_buf b = TM_BUF_INIT;
	tm_buf_add_csv(&b, "a\tb", '\t');
	assert_string_equal(b.buf, "\"a\tb\"");
	tm_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_url_http),
		cmocka_unit_test(test_bidi_isolate),
		cmocka_unit_test(test_csv_cell),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
