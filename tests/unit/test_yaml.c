/*
 * Unit tests of src/io/yaml: YAML into jansson values, as mapping files and
 * Tech for Palestine's lists are read (docs/mapping.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/yaml.h"

static json_t *load(const char *text, tm_yaml_lines *lines, tm_rc want, const char *want_msg)
{
	json_t *v = NULL;
	tm_err err = { 0 };
	tm_rc rc = tm_yaml_load(text, strlen(text), &v, lines, &err);
	if (rc != want)
		fail_msg("'%s': rc %d (%s), wanted %d", text, rc, err.msg, want);
	if (want_msg && !strstr(err.msg, want_msg))
		fail_msg("'%s': message '%s', wanted '%s'", text, err.msg, want_msg);
	return v;
}

/* Plain scalars take YAML's core types; quoted ones stay strings. */
static void test_scalars(void **state)
{
	(void)state;
	json_t *v = load("a: 1\nb: '1'\nc: true\nd: \"true\"\ne: ~\nf: 2.5\ng: 2024-02-19\nh: x y\ni:\n", NULL, TM_OK, NULL);
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	assert_string_equal(s, "{\"a\":1,\"b\":\"1\",\"c\":true,\"d\":\"true\",\"e\":null,\"f\":2.5,\"g\":\"2024-02-19\","
			       "\"h\":\"x y\",\"i\":null}");
	free(s);
	json_decref(v);
}

/* Tech for Palestine's shape: a list of mappings, with the line of each. */
static void test_lists_and_lines(void **state)
{
	(void)state;
	tm_yaml_lines lines = { 0 };
	json_t *v = load("# a comment\n- Name: \"Wiz\"\n  Alternatives:\n    - Name: x\n- Name: Tufin\n  Alternatives: []\n",
			 &lines, TM_OK, NULL);
	assert_true(json_is_array(v));
	assert_int_equal(json_array_size(v), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(v, 1), "Name")), "Tufin");
	assert_int_equal(tm_yaml_line(&lines, json_array_get(v, 0)), 2);
	assert_int_equal(tm_yaml_line(&lines, json_array_get(v, 1)), 5);
	assert_int_equal(tm_yaml_line(&lines, json_object_get(json_array_get(v, 0), "Alternatives")), 4);
	json_t *other = json_string("not in it");
	assert_int_equal(tm_yaml_line(&lines, other), 0);
	json_decref(other);
	tm_yaml_lines_release(&lines);
	json_decref(v);
}

/* What is refused, with the line. */
static void test_refused(void **state)
{
	(void)state;
	load("a: &x [1, 2]\nb: *x\n", NULL, TM_ERR_INVALID, "line 2: an alias");
	load("a: 1\na: 2\n", NULL, TM_ERR_INVALID, "line 2: key 'a' given twice");
	load("a: 1\n---\nb: 2\n", NULL, TM_ERR_INVALID, "a second document");
	load("a: [1, 2\n", NULL, TM_ERR_INVALID, "line ");
	load("? [a, b]\n: c\n", NULL, TM_ERR_INVALID, "a key that is not a plain value");
	/* 65 levels of nesting */
	char deep[256] = "";
	for (int i = 0; i < 65; i++)
		strcat(deep, "[");
	load(deep, NULL, TM_ERR_INVALID, "nested deeper than 64 levels");
	/* an empty document is null, not an error */
	json_t *v = load("", NULL, TM_OK, NULL);
	assert_true(json_is_null(v));
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_lists_and_lines),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
