/*
 * The anonymous forms' guard (guard.h): a token goes through once, after
 * the least fill time and before it expires, for its own form and key only;
 * the honeypot, a missing or altered token, a replay and a spent bucket are
 * refused, each with its own verdict, and a refusal takes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "guard/guard.h"

static const unsigned char key_a[TM_GUARD_KEY_BYTES] = "an example key of 32 bytes .....";
static const unsigned char key_b[TM_GUARD_KEY_BYTES] = "another example key of 32 bytes";

#define T0 1700000000.0 /* a fixed "now": the guard takes the time from its caller */

static tm_guard *guard_with(double form_burst, double all_burst, size_t remember)
{
	tm_guard_opts o;
	tm_guard_opts_init(&o);
	o.form_burst = form_burst;
	o.all_burst = all_burst;
	o.remember = remember;
	tm_guard *g = tm_guard_new(key_a, &o);
	assert_non_null(g);
	return g;
}

static void test_accepts_once(void **state)
{
	(void)state;
	tm_guard *g = guard_with(10, 30, 4096);
	char tok[TM_GUARD_TOKEN_MAX];
	tm_guard_issue(g, "/entities/{id}/correct", T0, tok);
	assert_int_equal(strlen(tok), 55);
	assert_int_equal(tm_guard_check(g, "/entities/{id}/correct", tok, "", T0 + 10), TM_GUARD_OK);
	assert_int_equal(tm_guard_check(g, "/entities/{id}/correct", tok, "", T0 + 11), TM_GUARD_REPLAYED);
	/* a second page, a second token: fine */
	tm_guard_issue(g, "/entities/{id}/correct", T0 + 20, tok);
	assert_int_equal(tm_guard_check(g, "/entities/{id}/correct", tok, NULL, T0 + 30), TM_GUARD_OK);
	tm_guard_free(g);
}

static void test_timing(void **state)
{
	(void)state;
	tm_guard *g = guard_with(10, 30, 4096);
	char tok[TM_GUARD_TOKEN_MAX];
	tm_guard_issue(g, "f", T0, tok);
	assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + 0.5), TM_GUARD_EARLY);
	assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + 2.9), TM_GUARD_EARLY);
	assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + 12 * 3600 + 1), TM_GUARD_EXPIRED);
	/* from well in the future (a clock set back, or a forgery) */
	assert_int_equal(tm_guard_check(g, "f", tok, "", T0 - 3600), TM_GUARD_EXPIRED);
	/* none of those used it up */
	assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + 3.1), TM_GUARD_OK);
	tm_guard_free(g);
}

static void test_forged(void **state)
{
	(void)state;
	tm_guard *g = guard_with(10, 30, 4096);
	tm_guard *other = tm_guard_new(key_b, NULL);
	char tok[TM_GUARD_TOKEN_MAX], theirs[TM_GUARD_TOKEN_MAX];
	tm_guard_issue(g, "correct", T0, tok);
	tm_guard_issue(other, "correct", T0, theirs);
	assert_int_equal(tm_guard_check(g, "reply", tok, "", T0 + 5), TM_GUARD_FORGED);    /* another form */
	assert_int_equal(tm_guard_check(g, "correct", theirs, "", T0 + 5), TM_GUARD_FORGED); /* another key */
	/* each character changed in turn */
	for (size_t i = 0; i < strlen(tok); i++) {
		char bad[TM_GUARD_TOKEN_MAX];
		memcpy(bad, tok, sizeof(bad));
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_int_equal(tm_guard_check(g, "correct", bad, "", T0 + 5), TM_GUARD_FORGED);
	}
	char cut[TM_GUARD_TOKEN_MAX];
	snprintf(cut, sizeof(cut), "%.54s", tok);
	assert_int_equal(tm_guard_check(g, "correct", cut, "", T0 + 5), TM_GUARD_FORGED);
	assert_int_equal(tm_guard_check(g, "correct", "not a token at all", "", T0 + 5), TM_GUARD_FORGED);
	assert_int_equal(tm_guard_check(g, "correct", "", "", T0 + 5), TM_GUARD_MISSING);
	assert_int_equal(tm_guard_check(g, "correct", NULL, "", T0 + 5), TM_GUARD_MISSING);
	/* after all that, the real one still works */
	assert_int_equal(tm_guard_check(g, "correct", tok, "", T0 + 5), TM_GUARD_OK);
	tm_guard_free(other);
	tm_guard_free(g);
}

static void test_honeypot(void **state)
{
	(void)state;
	tm_guard *g = guard_with(10, 30, 4096);
	char tok[TM_GUARD_TOKEN_MAX];
	tm_guard_issue(g, "f", T0, tok);
	assert_int_equal(tm_guard_check(g, "f", tok, "http://spam.example", T0 + 5), TM_GUARD_HONEYPOT);
	assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + 5), TM_GUARD_OK);
	tm_guard_free(g);
}

static void test_buckets(void **state)
{
	(void)state;
	/* three at once of one form; the default rate, one in 30 s, after */
	tm_guard *g = guard_with(3, 30, 4096);
	char tok[TM_GUARD_TOKEN_MAX];
	for (int i = 0; i < 3; i++) {
		tm_guard_issue(g, "f", T0, tok);
		assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + 5), TM_GUARD_OK);
	}
	tm_guard_issue(g, "f", T0, tok);
	assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + 5), TM_GUARD_BUSY);
	/* the busy answer did not use the token: it goes through once the bucket refills */
	assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + 5 + 31), TM_GUARD_OK);
	/* another form has its own bucket (unless it shares a slot: these do not) */
	char t2[TM_GUARD_TOKEN_MAX];
	tm_guard_issue(g, "g", T0, t2);
	assert_int_equal(tm_guard_check(g, "g", t2, "", T0 + 36), TM_GUARD_OK);
	tm_guard_free(g);

	/* all forms together: two at once, then busy for every form */
	g = guard_with(10, 2, 4096);
	const char *forms[] = { "a", "b", "c" };
	tm_guard_verdict want[] = { TM_GUARD_OK, TM_GUARD_OK, TM_GUARD_BUSY };
	for (int i = 0; i < 3; i++) {
		tm_guard_issue(g, forms[i], T0, tok);
		assert_int_equal(tm_guard_check(g, forms[i], tok, "", T0 + 5), want[i]);
	}
	tm_guard_free(g);
}

static void test_bounded_memory(void **state)
{
	(void)state;
	/* 16 remembered nonces and 1,000 submissions: the table stays its size
	 * and the latest token is still refused a second time */
	tm_guard *g = guard_with(1e9, 1e9, 16);
	char tok[TM_GUARD_TOKEN_MAX];
	for (int i = 0; i < 1000; i++) {
		tm_guard_issue(g, "f", T0 + i, tok);
		assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + i + 4), TM_GUARD_OK);
	}
	assert_int_equal(tm_guard_check(g, "f", tok, "", T0 + 1004), TM_GUARD_REPLAYED);
	tm_guard_free(g);
}

static void test_bucket(void **state)
{
	(void)state;
	/* full at first use, then one every two seconds */
	tm_bucket b = { 0 };
	for (int i = 0; i < 3; i++)
		assert_true(tm_bucket_take(&b, 0.5, 3, T0));
	assert_false(tm_bucket_take(&b, 0.5, 3, T0 + 1));
	assert_true(tm_bucket_take(&b, 0.5, 3, T0 + 2.1));
	assert_false(tm_bucket_take(&b, 0.5, 3, T0 + 2.2));
	/* a long quiet fills it to its burst, not beyond */
	tm_bucket_refill(&b, 0.5, 3, T0 + 1000);
	assert_true(b.tokens == 3);
}

static void test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(tm_guard_verdict_name(TM_GUARD_OK), "ok");
	assert_string_equal(tm_guard_verdict_name(TM_GUARD_BUSY), "busy");
	assert_string_equal(tm_guard_verdict_name(TM_GUARD_HONEYPOT), "honeypot");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts_once), cmocka_unit_test(test_timing),
		cmocka_unit_test(test_forged),       cmocka_unit_test(test_honeypot),
		cmocka_unit_test(test_buckets),      cmocka_unit_test(test_bounded_memory),
		cmocka_unit_test(test_bucket),       cmocka_unit_test(test_verdict_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
