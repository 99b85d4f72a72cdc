/*
 * YAML into jansson values through libyaml's event parser (yaml.h).
 */
#include "io/yaml.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64

void tm_yaml_lines_release(tm_yaml_lines *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int by_node(const void *a, const void *b)
{
	const struct tm_yaml_line *x = a, *y = b;
	return x->node < y->node ? -1 : x->node > y->node;
}

size_t tm_yaml_line(const tm_yaml_lines *l, const json_t *v)
{
	if (!l || !l->n)
		return 0;
	struct tm_yaml_line key = { v, 0 };
	const struct tm_yaml_line *hit = bsearch(&key, l->v, l->n, sizeof(key), by_node);
	return hit ? hit->line : 0;
}

static void note_line(tm_yaml_lines *l, const json_t *v, size_t line)
{
	if (!l)
		return;
	TM_GROW(l->v, l->cap, l->n + 1);
	l->v[l->n].node = v;
	l->v[l->n++].line = line;
}

/* A plain scalar as YAML's core schema reads it. */
static json_t *plain(const char *s, size_t n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };
	static const char *const trues[] = { "true", "True", "TRUE" };
	static const char *const falses[] = { "false", "False", "FALSE" };
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(s, nulls[i]) == 0)
			return json_null();
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(s, trues[i]) == 0)
			return json_true();
		if (strcmp(s, falses[i]) == 0)
			return json_false();
	}
	if (n && n < 20) {
		char *end;
		errno = 0;
		long long v = strtoll(s, &end, 10);
		if (!*end && !errno && (s[0] == '-' || s[0] == '+' || (s[0] >= '0' && s[0] <= '9')))
			return json_integer(v);
		double d = strtod(s, &end);
		if (!*end && (s[0] == '-' || s[0] == '.' || (s[0] >= '0' && s[0] <= '9')) && d == d)
			return json_real(d);
	}
	return json_stringn(s, n);
}

struct reader {
	yaml_parser_t p;
	tm_yaml_lines *lines;
	tm_err *err;
};

static tm_rc fail_at(struct reader *r, size_t line, const char *what)
{
	return tm_fail(r->err, TM_ERR_INVALID, "line %zu: %s", line, what);
}

static tm_rc next(struct reader *r, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&r->p, ev))
		return tm_fail(r->err, TM_ERR_INVALID, "line %zu: %s", (size_t)r->p.problem_mark.line + 1,
			       r->p.problem ? r->p.problem : "not YAML");
	return TM_OK;
}

/* The value that ev starts (ev is consumed). */
static tm_rc value(struct reader *r, yaml_event_t *ev, int depth, json_t **out)
{
	size_t line = (size_t)ev->start_mark.line + 1;
	tm_rc rc = TM_OK;
	*out = NULL;
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		const char *s = (const char *)ev->data.scalar.value;
		size_t n = ev->data.scalar.length;
		if (strlen(s) != n)
			rc = fail_at(r, line, "a NUL character in a value");
		else
			*out = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? plain(s, n) : json_stringn(s, n);
		yaml_event_delete(ev);
		return rc;
	}
	case YAML_ALIAS_EVENT:
		yaml_event_delete(ev);
		return fail_at(r, line, "an alias (*name): tiemap reads no YAML aliases");
	case YAML_SEQUENCE_START_EVENT:
	case YAML_MAPPING_START_EVENT: {
		int seq = ev->type == YAML_SEQUENCE_START_EVENT;
		yaml_event_delete(ev);
		if (depth >= MAX_DEPTH)
			return fail_at(r, line, "nested deeper than 64 levels");
		json_t *c = seq ? json_array() : json_object();
		note_line(r->lines, c, line);
		for (;;) {
			yaml_event_t e;
			if ((rc = next(r, &e)))
				break;
			if (e.type == YAML_SEQUENCE_END_EVENT || e.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&e);
				break;
			}
			if (seq) {
				json_t *v;
				if ((rc = value(r, &e, depth + 1, &v)))
					break;
				json_array_append_new(c, v); /* steals v */
				continue;
			}
			size_t kline = (size_t)e.start_mark.line + 1;
			if (e.type != YAML_SCALAR_EVENT) {
				yaml_event_delete(&e);
				rc = fail_at(r, kline, "a key that is not a plain value");
				break;
			}
			char *key = tm_xstrndup((const char *)e.data.scalar.value, e.data.scalar.length);
			yaml_event_delete(&e);
			yaml_event_t ve;
			json_t *v = NULL;
			if (!(rc = next(r, &ve)))
				rc = value(r, &ve, depth + 1, &v);
			if (!rc && json_object_get(c, key)) {
				char msg[160];
				snprintf(msg, sizeof(msg), "key '%.60s' given twice", key);
				rc = fail_at(r, kline, msg);
			}
			if (!rc)
				json_object_set_new(c, key, v); /* steals v */
			else
				json_decref(v);
			free(key);
			if (rc)
				break;
		}
		if (rc)
			json_decref(c);
		else
			*out = c;
		return rc;
	}
	default:
		yaml_event_delete(ev);
		return fail_at(r, line, "not a YAML value");
	}
}

tm_rc tm_yaml_load(const char *data, size_t len, json_t **out, tm_yaml_lines *lines, tm_err *err)
{
	struct reader r = { .lines = lines, .err = err };
	*out = NULL;
	if (!yaml_parser_initialize(&r.p))
		return tm_fail(err, TM_ERR_INTERNAL, "unable to start the YAML parser");
	yaml_parser_set_input_string(&r.p, (const unsigned char *)data, len);
	tm_rc rc = TM_OK;
	json_t *doc = NULL;
	int docs = 0;
	for (;;) {
		yaml_event_t ev;
		if ((rc = next(&r, &ev)))
			break;
		yaml_event_type_t t = ev.type;
		if (t == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (t == YAML_STREAM_START_EVENT || t == YAML_DOCUMENT_END_EVENT) {
			yaml_event_delete(&ev);
			continue;
		}
		if (t == YAML_DOCUMENT_START_EVENT) {
			size_t line = (size_t)ev.start_mark.line + 1;
			yaml_event_delete(&ev);
			if (++docs > 1) {
				rc = fail_at(&r, line, "a second document: give one YAML document a file");
				break;
			}
			continue;
		}
		if ((rc = value(&r, &ev, 0, &doc)))
			break;
	}
	yaml_parser_delete(&r.p);
	if (rc) {
		json_decref(doc);
		if (lines)
			tm_yaml_lines_release(lines);
		return rc;
	}
	if (lines && lines->n)
		qsort(lines->v, lines->n, sizeof(lines->v[0]), by_node);
	*out = doc ? doc : json_null();
	return TM_OK;
}
