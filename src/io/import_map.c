/*
 * Mapped imports (docs/mapping.md): a mapping file says which column of a
 * table (CSV, TSV, .xlsx, .ods) or which path of a JSON or YAML document
 * gives each field of tiemap's records, and the records it makes go
 * through the JSON Lines importer's checks and writer (import_internal.h):
 * one transaction, every problem named with its FILE:LINE or FILE: PATH.
 *
 * The tables come through grid.h, as lists to screen do (the same readers
 * of workbooks, the same refusal of what is no table); a file that is not
 * UTF-8 is read in the encoding the mapping names, or refused with ICU's
 * guess of what it is in.
 */
#include "io/import_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "io/grid.h"
#include "io/yaml.h"
#include "text/text.h"

#define MAX_FILE ((size_t)1 << 30) /* bytes of one input */
#define MAX_VALUES 1000            /* values one field gives one record */

/* ---- reading files ---- */

static tm_rc read_file(const char *path, tm_buf *out, tm_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return tm_fail(err, TM_ERR_IO, "unable to open '%s': %s", path, strerror(errno));
	char chunk[65536];
	size_t n;
	tm_rc rc = TM_OK;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (out->len + n > MAX_FILE) {
			rc = tm_fail(err, TM_ERR_LIMIT, "'%s' is larger than 1 GiB", path);
			break;
		}
		tm_buf_add(out, chunk, n);
	}
	if (!rc && ferror(f))
		rc = tm_fail(err, TM_ERR_IO, "unable to read '%s': %s", path, strerror(errno));
	if (f != stdin)
		fclose(f);
	return rc;
}

/* ---- the mapping file ---- */

/* Keys each part of a mapping may have: a mistyped key is an error, never
 * a field silently left empty. */
static const char *const top_keys[] = { "tiemap_mapping", "input", "source", "sets", NULL };
static const char *const input_keys[] = { "format", "sheet", "delimiter", "encoding", NULL };
static const char *const source_keys[] = { "id", "title", "author", "publisher", "date", "url", "lang", "note", NULL };
static const char *const set_keys[] = { "records", "entity", "relations", "merge", NULL };
static const char *const entity_keys[] = { "id", "kind", "names", "country", "start", "end", "description",
					   "tags", "identifiers", "quote", "page", "sources", NULL };
static const char *const name_keys[] = { "text", "lang", "primary", NULL };
static const char *const ident_keys[] = { "scheme", "value", NULL };
static const char *const desc_keys[] = { "en", "zh", NULL };
static const char *const rel_keys[] = { "for_each", "where", "subject", "predicate", "object", "start", "end",
					"share", "amount", "currency", "note", "quote", "page", "missing", "stub", "sources", NULL };
/* a source a record names of its own (a column of links, of reports) */
static const char *const rsource_keys[] = { "id", "title", "author", "publisher", "date", "url", "lang", "note",
					    "quote", "page", NULL };
static const char *const stub_keys[] = { "kind", "name", "lang", "tags", NULL };
static const char *const field_keys[] = { "from", "value", "file", "split", "map", "otherwise", "slug", "prefix",
					  "lower", "as", NULL };

struct mapping {
	const char *path;
	json_t *doc;
	tm_yaml_lines lines;
	tm_buf where; /* scratch: "MAPPING:LINE: sets[0].entity" */
};

/* "MAPPING:LINE: PART: " with the line of v when known. */
static const char *at(struct mapping *m, const json_t *v, const char *part)
{
	tm_buf_reset(&m->where);
	size_t line = tm_yaml_line(&m->lines, v);
	if (line)
		tm_buf_addf(&m->where, "%s:%zu: %s", m->path, line, part);
	else
		tm_buf_addf(&m->where, "%s: %s", m->path, part);
	return m->where.buf;
}

static tm_rc keys_known(struct mapping *m, json_t *o, const char *const *allowed, const char *part, tm_err *err)
{
	if (!json_is_object(o))
		return tm_fail(err, TM_ERR_INVALID, "%s: must be a mapping of keys", at(m, o, part));
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v) {
		int ok = 0;
		for (const char *const *a = allowed; *a && !ok; a++)
			ok = strcmp(*a, key) == 0;
		if (!ok)
			return tm_fail(err, TM_ERR_INVALID, "%s: unknown key '%.60s'", at(m, o, part), key);
	}
	return TM_OK;
}

/* A field: a column or path (a string), or {from | value | file, split,
 * map, otherwise, slug, prefix, lower}. */
static tm_rc check_field(struct mapping *m, json_t *f, const char *part, int required, tm_err *err)
{
	if (!f)
		return required ? tm_fail(err, TM_ERR_INVALID, "%s: missing", at(m, NULL, part)) : TM_OK;
	if (json_is_string(f))
		return TM_OK;
	if (!json_is_object(f))
		return tm_fail(err, TM_ERR_INVALID, "%s: give a column or path, or {from: …} or {value: …}",
			       at(m, f, part));
	tm_rc rc = keys_known(m, f, field_keys, part, err);
	if (rc)
		return rc;
	int sources = !!json_object_get(f, "from") + !!json_object_get(f, "value") + !!json_object_get(f, "file");
	if (sources != 1)
		return tm_fail(err, TM_ERR_INVALID, "%s: give one of 'from', 'value' and 'file'", at(m, f, part));
	json_t *file = json_object_get(f, "file");
	if (file && (!json_is_string(file) || strcmp(json_string_value(file), "stem") != 0))
		return tm_fail(err, TM_ERR_INVALID, "%s: 'file' can only be 'stem' (the file's name without its "
			       "extension)", at(m, f, part));
	json_t *map = json_object_get(f, "map");
	if (map && !json_is_object(map))
		return tm_fail(err, TM_ERR_INVALID, "%s: 'map' must map values to values (or null)", at(m, f, part));
	const char *as = json_string_value(json_object_get(f, "as"));
	if (json_object_get(f, "as") && (!as || strcmp(as, "country_code") != 0))
		return tm_fail(err, TM_ERR_INVALID, "%s: 'as' can only be 'country_code' (a country's name as its ISO "
			       "3166-1 code)", at(m, f, part));
	const char *other = json_string_value(json_object_get(f, "otherwise"));
	if (json_object_get(f, "otherwise") &&
	    (!other || (strcmp(other, "keep") && strcmp(other, "drop") && strcmp(other, "error"))))
		return tm_fail(err, TM_ERR_INVALID, "%s: 'otherwise' is keep, drop or error", at(m, f, part));
	return TM_OK;
}

static tm_rc check_list(struct mapping *m, json_t *list, const char *part, const char *const *keys,
			const char *const *fields, tm_err *err)
{
	if (!list)
		return TM_OK;
	if (!json_is_array(list))
		return tm_fail(err, TM_ERR_INVALID, "%s: must be a list", at(m, list, part));
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x) {
		char p[160];
		snprintf(p, sizeof(p), "%s[%zu]", part, i);
		if (keys) {
			tm_rc rc = keys_known(m, x, keys, p, err);
			for (const char *const *f = fields; !rc && *f; f++) {
				char q[200];
				snprintf(q, sizeof(q), "%s.%s", p, *f);
				rc = check_field(m, json_object_get(x, *f), q, 0, err);
			}
			if (rc)
				return rc;
		} else {
			tm_rc rc = check_field(m, x, p, 1, err);
			if (rc)
				return rc;
		}
	}
	return TM_OK;
}

/* A record's own sources: each with an id and a title. */
static tm_rc check_sources(struct mapping *m, json_t *list, const char *part, tm_err *err)
{
	static const char *const fields[] = { "id", "title", "author", "publisher", "date", "url", "lang", "note",
					      "quote", "page", NULL };
	tm_rc rc = check_list(m, list, part, rsource_keys, fields, err);
	size_t i;
	json_t *x;
	json_array_foreach(list, i, x)
		if (!rc && (!json_object_get(x, "id") || !json_object_get(x, "title")))
			rc = tm_fail(err, TM_ERR_INVALID, "%s[%zu]: a source needs an 'id' and a 'title'", at(m, x, part), i);
	return rc;
}

static tm_rc mapping_load(struct mapping *m, const char *path, tm_err *err)
{
	memset(m, 0, sizeof(*m));
	m->path = path;
	tm_buf_init(&m->where);
	tm_buf b = TM_BUF_INIT;
	tm_rc rc = read_file(path, &b, err);
	if (!rc && !tm_utf8_valid(b.buf, b.len))
		rc = tm_fail(err, TM_ERR_INVALID, "%s: not UTF-8", path);
	if (!rc) {
		tm_err yerr = { 0 };
		if (tm_yaml_load(b.buf, b.len, &m->doc, &m->lines, &yerr))
			rc = tm_fail(err, TM_ERR_INVALID, "%s:%s", path, yerr.msg + 5); /* "line N: …" → "PATH:N: …" */
	}
	tm_buf_release(&b);
	if (rc)
		return rc;
	json_t *d = m->doc;
	if ((rc = keys_known(m, d, top_keys, "mapping", err)))
		return rc;
	if (json_integer_value(json_object_get(d, "tiemap_mapping")) != 1)
		return tm_fail(err, TM_ERR_INVALID, "%s: 'tiemap_mapping: 1' says which mapping format this is",
			       at(m, d, "mapping"));
	json_t *in = json_object_get(d, "input");
	if (in && (rc = keys_known(m, in, input_keys, "input", err)))
		return rc;
	json_t *src = json_object_get(d, "source");
	if (!src)
		return tm_fail(err, TM_ERR_INVALID, "%s: every record cites a source: give 'source' with 'id' and "
			       "'title'", at(m, d, "mapping"));
	if ((rc = keys_known(m, src, source_keys, "source", err)))
		return rc;
	json_t *sets = json_object_get(d, "sets");
	if (!json_is_array(sets) || !json_array_size(sets))
		return tm_fail(err, TM_ERR_INVALID, "%s: 'sets' must list what to make of the records",
			       at(m, d, "mapping"));
	size_t i;
	json_t *set;
	json_array_foreach(sets, i, set) {
		char p[64];
		snprintf(p, sizeof(p), "sets[%zu]", i);
		if ((rc = keys_known(m, set, set_keys, p, err)))
			return rc;
		json_t *ent = json_object_get(set, "entity");
		if (ent) {
			char q[96];
			snprintf(q, sizeof(q), "%s.entity", p);
			static const char *const fields[] = { "id", "kind", "country", "start", "end", "quote", "page", NULL };
			if ((rc = keys_known(m, ent, entity_keys, q, err)))
				return rc;
			for (const char *const *f = fields; *f; f++) {
				char r[128];
				snprintf(r, sizeof(r), "%s.%s", q, *f);
				if ((rc = check_field(m, json_object_get(ent, *f), r,
						      strcmp(*f, "id") == 0 || strcmp(*f, "kind") == 0, err)))
					return rc;
			}
			static const char *const nfields[] = { "text", "lang", NULL };
			static const char *const ifields[] = { "scheme", "value", NULL };
			static const char *const none[] = { NULL };
			char r[128];
			snprintf(r, sizeof(r), "%s.names", q);
			if ((rc = check_list(m, json_object_get(ent, "names"), r, name_keys, nfields, err)))
				return rc;
			if (!json_array_size(json_object_get(ent, "names")))
				return tm_fail(err, TM_ERR_INVALID, "%s: an entity needs 'names'", at(m, ent, q));
			snprintf(r, sizeof(r), "%s.identifiers", q);
			if ((rc = check_list(m, json_object_get(ent, "identifiers"), r, ident_keys, ifields, err)))
				return rc;
			snprintf(r, sizeof(r), "%s.tags", q);
			if ((rc = check_list(m, json_object_get(ent, "tags"), r, NULL, none, err)))
				return rc;
			snprintf(r, sizeof(r), "%s.sources", q);
			if ((rc = check_sources(m, json_object_get(ent, "sources"), r, err)))
				return rc;
			json_t *desc = json_object_get(ent, "description");
			snprintf(r, sizeof(r), "%s.description", q);
			if (desc && ((rc = keys_known(m, desc, desc_keys, r, err)) ||
				     (rc = check_field(m, json_object_get(desc, "en"), r, 0, err)) ||
				     (rc = check_field(m, json_object_get(desc, "zh"), r, 0, err))))
				return rc;
		}
		static const char *const rfields[] = { "subject", "predicate", "object", "start", "end", "share",
						       "amount", "currency", "note", "quote", "page", NULL };
		char q[96];
		snprintf(q, sizeof(q), "%s.relations", p);
		if ((rc = check_list(m, json_object_get(set, "relations"), q, rel_keys, rfields, err)))
			return rc;
		json_t *rels = json_object_get(set, "relations");
		size_t k;
		json_t *rel;
		json_array_foreach(rels, k, rel) {
			char r[128];
			snprintf(r, sizeof(r), "%s[%zu]", q, k);
			if (!json_object_get(rel, "subject") || !json_object_get(rel, "object") ||
			    !json_object_get(rel, "predicate"))
				return tm_fail(err, TM_ERR_INVALID, "%s: a relation needs 'subject', 'predicate' and "
					       "'object'", at(m, rel, r));
			const char *missing = json_string_value(json_object_get(rel, "missing"));
			if (json_object_get(rel, "missing") &&
			    (!missing || (strcmp(missing, "stub") && strcmp(missing, "drop") && strcmp(missing, "error"))))
				return tm_fail(err, TM_ERR_INVALID, "%s: 'missing' is stub, drop or error", at(m, rel, r));
			json_t *stub = json_object_get(rel, "stub");
			if (missing && strcmp(missing, "stub") == 0 && !stub)
				return tm_fail(err, TM_ERR_INVALID, "%s: 'missing: stub' needs 'stub' with a 'kind'",
					       at(m, rel, r));
			if (stub) {
				char s[160];
				snprintf(s, sizeof(s), "%s.stub", r);
				if ((rc = keys_known(m, stub, stub_keys, s, err)) ||
				    (rc = check_field(m, json_object_get(stub, "kind"), s, 1, err)) ||
				    (rc = check_field(m, json_object_get(stub, "name"), s, 0, err)))
					return rc;
			}
			char rs[160];
			snprintf(rs, sizeof(rs), "%s.sources", r);
			if ((rc = check_sources(m, json_object_get(rel, "sources"), rs, err)))
				return rc;
			json_t *where = json_object_get(rel, "where");
			if (where && !json_is_object(where))
				return tm_fail(err, TM_ERR_INVALID, "%s: 'where' must map keys to the values to keep",
					       at(m, rel, r));
		}
	}
	return TM_OK;
}

static void mapping_release(struct mapping *m)
{
	json_decref(m->doc);
	tm_yaml_lines_release(&m->lines);
	tm_buf_release(&m->where);
}

/* ---- the records of one input ---- */

/* One record: its values, where it is, and the record around it (a
 * relation's for_each element sees its record as '^'). */
struct ctx {
	json_t *rec;        /* an object: a row by its header, or a JSON/YAML value */
	json_t *up;         /* the record around it, or NULL */
	const char *stem;   /* the file's name without folder and extension */
	int table;          /* rec is a row: names are headers, compared without case */
	const char *file;
	size_t line;        /* 0 when unknown */
	const char *path;   /* JSON/YAML: its path ("brands.24s") */
	tm_strv *errors;
	int failed;
};

/* A value of a row: the column named (without case or surrounding space),
 * or numbered from 1. */
static json_t *column(json_t *row, const char *name)
{
	json_t *v = json_object_get(row, name);
	if (v)
		return v;
	size_t n = strlen(name);
	while (n && isspace((unsigned char)name[n - 1]))
		n--;
	while (n && isspace((unsigned char)*name)) {
		name++;
		n--;
	}
	const char *key;
	json_t *x;
	json_object_foreach(row, key, x) {
		const char *k = key;
		while (isspace((unsigned char)*k))
			k++;
		size_t kn = strlen(k);
		while (kn && isspace((unsigned char)k[kn - 1]))
			kn--;
		if (kn == n && strncasecmp(k, name, n) == 0)
			return x;
	}
	char *end;
	long i = strtol(name, &end, 10);
	if (end != name && !*end && i >= 1) {
		json_t *cells = json_object_get(row, "\001cells");
		return json_array_get(cells, (size_t)i - 1);
	}
	return NULL;
}

/* The values at path (keys apart by '.', '*' each member) from v, into out. */
static void walk(json_t *v, const char *path, json_t *out)
{
	if (!v || json_array_size(out) > MAX_VALUES)
		return;
	if (!*path) {
		json_array_append(out, v);
		return;
	}
	const char *dot = strchr(path, '.');
	size_t n = dot ? (size_t)(dot - path) : strlen(path);
	const char *rest = dot ? dot + 1 : "";
	if (n == 1 && path[0] == '*') {
		size_t i;
		json_t *x;
		const char *key;
		if (json_is_array(v))
			json_array_foreach(v, i, x)
				walk(x, rest, out);
		else if (json_is_object(v))
			json_object_foreach(v, key, x)
				walk(x, rest, out);
		return;
	}
	if (json_is_array(v)) {
		/* a key of a list reads each member's key */
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x)
			walk(x, path, out);
		return;
	}
	char *key = tm_xstrndup(path, n);
	json_t *x = json_is_object(v) ? json_object_get(v, key) : NULL;
	free(key);
	walk(x, rest, out);
}

static void field_error(struct ctx *c, const char *fmt, ...) TM_PRINTF(2, 3);
static void field_error(struct ctx *c, const char *fmt, ...)
{
	tm_buf b = TM_BUF_INIT;
	if (c->line)
		tm_buf_addf(&b, "%s:%zu: ", c->file, c->line);
	else
		tm_buf_addf(&b, "%s: %s: ", c->file, c->path ? c->path : "");
	va_list ap;
	va_start(ap, fmt);
	tm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	tm_strv_push_owned(c->errors, tm_buf_detach(&b));
	c->failed = 1;
}

/* text as an id or a tag: lower-case ASCII (other scripts through ICU's
 * Any-Latin: Han as pinyin), each run of other characters one sep, at most
 * 180 bytes.  NULL when no letter or digit is left.  Owned. */
static char *slugify(const char *text, char sep)
{
	char *ascii = tm_text_to_ascii(text);
	const char *s = ascii ? ascii : text;
	tm_buf b = TM_BUF_INIT;
	int gap = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && b.len < 180; p++) {
		unsigned char ch = (unsigned char)tolower(*p);
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
			if (gap && b.len)
				tm_buf_addch(&b, sep);
			gap = 0;
			tm_buf_addch(&b, (char)ch);
		} else {
			gap = 1;
		}
	}
	free(ascii);
	if (!b.len) {
		tm_buf_release(&b);
		return NULL;
	}
	return tm_buf_detach(&b);
}

/* A set of strings (ids): open addressing, owned copies. */
struct idset {
	char **slot;
	size_t n, cap;
};

static int idset_has(const struct idset *s, const char *id)
{
	if (!s->cap)
		return 0;
	for (size_t i = tm_hash(id, strlen(id)) & (s->cap - 1);; i = (i + 1) & (s->cap - 1)) {
		if (!s->slot[i])
			return 0;
		if (strcmp(s->slot[i], id) == 0)
			return 1;
	}
}

static void idset_add(struct idset *s, const char *id)
{
	if (idset_has(s, id))
		return;
	if (2 * (s->n + 1) > s->cap) {
		struct idset bigger = { NULL, 0, s->cap ? 2 * s->cap : 256 };
		bigger.slot = tm_xcalloc(bigger.cap, sizeof(char *));
		for (size_t i = 0; i < s->cap; i++)
			if (s->slot[i]) {
				size_t k = tm_hash(s->slot[i], strlen(s->slot[i])) & (bigger.cap - 1);
				while (bigger.slot[k])
					k = (k + 1) & (bigger.cap - 1);
				bigger.slot[k] = s->slot[i];
			}
		free(s->slot);
		bigger.n = s->n;
		*s = bigger;
	}
	size_t k = tm_hash(id, strlen(id)) & (s->cap - 1);
	while (s->slot[k])
		k = (k + 1) & (s->cap - 1);
	s->slot[k] = tm_xstrdup(id);
	s->n++;
}

static void idset_release(struct idset *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->slot[i]);
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* The ISO 3166-1 code of a country's name in English or Chinese as ICU
 * names it ("Israel", "以色列"), or of a longer official name that starts
 * with it and goes on with " of" ("United States of America"); a code
 * itself stays.  NULL when there is none.  The table is built once: mapped
 * imports run on one thread. */
static const char *country_code(const char *name)
{
	static tm_strv codes, names;
	if (!codes.n) {
		static const char *const uis[] = { "en", "zh-Hans", "zh-Hant" };
		for (size_t u = 0; u < 3; u++) {
			tm_strv c = { 0 };
			tm_text_countries(uis[u], &c);
			for (size_t i = 0; i < c.n; i++) {
				tm_buf b = TM_BUF_INIT;
				if (tm_text_country_name(c.v[i], uis[u], &b) == 0) {
					tm_strv_push(&codes, c.v[i]);
					tm_strv_push_owned(&names, tm_buf_detach(&b));
				} else {
					tm_buf_release(&b);
				}
			}
			tm_strv_release(&c);
		}
	}
	size_t n = strlen(name);
	if (n == 2 && isalpha((unsigned char)name[0]) && isalpha((unsigned char)name[1]))
		for (size_t i = 0; i < codes.n; i++)
			if (strcasecmp(codes.v[i], name) == 0)
				return codes.v[i];
	for (size_t i = 0; i < names.n; i++) {
		size_t k = strlen(names.v[i]);
		if (strcasecmp(names.v[i], name) == 0 ||
		    (n > k && strncasecmp(names.v[i], name, k) == 0 && strncmp(name + k, " of ", 4) == 0))
			return codes.v[i];
	}
	return NULL;
}

/* The values a field gives the record, into out (each owned). */
static void values(struct ctx *c, json_t *f, const char *part, tm_strv *out)
{
	if (!f)
		return;
	json_t *raw = json_array();
	const char *from = json_is_string(f) ? json_string_value(f) : json_string_value(json_object_get(f, "from"));
	json_t *constant = json_is_object(f) ? json_object_get(f, "value") : NULL;
	if (constant) {
		json_array_append(raw, constant);
	} else if (json_is_object(f) && json_object_get(f, "file")) {
		json_array_append_new(raw, json_string(c->stem));
	} else if (from) {
		json_t *base = c->rec;
		if (from[0] == '^') {
			base = c->up ? c->up : c->rec;
			from++;
			if (*from == '.')
				from++;
		}
		if (c->table && base == c->rec) {
			json_t *v = column(base, from);
			if (v)
				json_array_append(raw, v);
		} else {
			walk(base, from, raw);
		}
	}
	const char *split = json_is_object(f) ? json_string_value(json_object_get(f, "split")) : NULL;
	json_t *map = json_is_object(f) ? json_object_get(f, "map") : NULL;
	const char *other = json_is_object(f) ? json_string_value(json_object_get(f, "otherwise")) : NULL;
	int slug = json_is_object(f) && json_is_true(json_object_get(f, "slug"));
	int lower = json_is_object(f) && json_is_true(json_object_get(f, "lower"));
	int as_country = json_is_object(f) && json_object_get(f, "as");
	const char *prefix = json_is_object(f) ? json_string_value(json_object_get(f, "prefix")) : NULL;
	size_t i;
	json_t *x;
	json_array_foreach(raw, i, x) {
		/* a list found at the path gives each of its members */
		json_t *one = json_is_array(x) ? x : NULL;
		size_t n = one ? json_array_size(one) : 1;
		for (size_t k = 0; k < n; k++) {
			json_t *v = one ? json_array_get(one, k) : x;
			char num[64];
			const char *s = NULL;
			if (json_is_string(v))
				s = json_string_value(v);
			else if (json_is_integer(v))
				snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v)), s = num;
			else if (json_is_real(v))
				snprintf(num, sizeof(num), "%.15g", json_real_value(v)), s = num;
			else if (json_is_boolean(v))
				s = json_is_true(v) ? "true" : "false";
			else if (json_is_null(v))
				continue;
			else {
				field_error(c, "'%s' gives a list or a mapping, not a value (a path ending in '.*' or "
					    "'.KEY' reads into it)", part);
				continue;
			}
			/* split each value into several */
			const char *p = s;
			for (;;) {
				const char *end = split && *split ? strstr(p, split) : NULL;
				size_t len = end ? (size_t)(end - p) : strlen(p);
				while (len && isspace((unsigned char)*p))
					p++, len--;
				while (len && isspace((unsigned char)p[len - 1]))
					len--;
				char *val = tm_xstrndup(p, len);
				if (*val && map) {
					json_t *m = json_object_get(map, val);
					if (m) {
						char mn[64];
						free(val);
						val = NULL;
						if (json_is_string(m))
							val = tm_xstrdup(json_string_value(m));
						else if (json_is_integer(m))
							snprintf(mn, sizeof(mn), "%lld", (long long)json_integer_value(m)), val = tm_xstrdup(mn);
						else if (json_is_boolean(m))
							val = tm_xstrdup(json_is_true(m) ? "true" : "false");
					} else if (other && strcmp(other, "drop") == 0) {
						free(val);
						val = NULL;
					} else if (other && strcmp(other, "error") == 0) {
						field_error(c, "'%s': the mapping has no value for '%.80s'", part, val);
						free(val);
						val = NULL;
					}
				}
				if (val && *val && lower)
					for (char *q = val; *q; q++)
						*q = (char)tolower((unsigned char)*q);
				if (val && *val && as_country) {
					const char *code = country_code(val);
					if (!code)
						field_error(c, "'%s': '%.80s' is no country name ICU knows (give it in 'map')", part,
							    val);
					free(val);
					val = code ? tm_xstrdup(code) : NULL;
				}
				if (val && *val && slug) {
					char *sl = slugify(val, '-');
					if (!sl)
						field_error(c, "'%s': '%.80s' has no letter or digit to make an id of", part, val);
					free(val);
					val = sl;
				}
				if (val && *val && prefix) {
					tm_buf b = TM_BUF_INIT;
					tm_buf_addf(&b, "%s%s", prefix, val);
					free(val);
					val = tm_buf_detach(&b);
				}
				if (val && *val && out->n < MAX_VALUES)
					tm_strv_push_owned(out, val);
				else
					free(val);
				if (!end)
					break;
				p = end + strlen(split);
			}
		}
	}
	json_decref(raw);
}

/* The first value, or NULL (owned). */
static char *value1(struct ctx *c, json_t *f, const char *part)
{
	tm_strv v = { 0 };
	values(c, f, part, &v);
	char *s = v.n ? tm_xstrdup(v.v[0]) : NULL;
	tm_strv_release(&v);
	return s;
}

/* The citation every record of the mapping makes: its source, the quote
 * the mapping names, and where in the input it is. */
static json_t *cite(struct ctx *c, const char *source, json_t *spec)
{
	json_t *o = json_object();
	json_object_set_new(o, "source", json_string(source));
	char *quote = value1(c, json_object_get(spec, "quote"), "quote");
	char *page = value1(c, json_object_get(spec, "page"), "page");
	if (quote)
		json_object_set_new(o, "quote", json_string(quote));
	if (page) {
		json_object_set_new(o, "page", json_string(page));
	} else {
		tm_buf b = TM_BUF_INIT;
		if (c->table || (!c->path && c->line))
			tm_buf_addf(&b, "%s line %zu", c->stem, c->line);
		else
			tm_buf_addf(&b, "%s %s", c->stem, c->path);
		json_object_set_new(o, "page", json_string(b.buf));
		tm_buf_release(&b);
	}
	free(quote);
	free(page);
	json_t *a = json_array();
	json_array_append_new(a, o);
	return a;
}

static void set_str(json_t *o, const char *key, char *v)
{
	if (v)
		json_object_set_new(o, key, json_string(v));
	free(v);
}

/* What one input makes, before it goes to the writer. */
struct made {
	struct recbuf out;
	const tm_import_opts *opts;
	const char *source;     /* the source's id */
	int merge;              /* the set's records of one id merge (its "merge: true") */
	struct idset ids;       /* entity ids made, to tell which ends are missing */
	struct idset sources;   /* ids of the records' own sources made */
	json_t *rels;           /* relations waiting for the check of their ends: [{"rel", "spec", "file", "line", "where", "ctx"}] */
};

/* A record in the interchange format through the JSON Lines checks. */
static void emit(struct made *m, struct ctx *c, json_t *o)
{
	tm_buf where = TM_BUF_INIT;
	if (!c->line)
		tm_buf_addf(&where, "%s: %s", c->file, c->path ? c->path : "");
	size_t before = m->out.n;
	tm_import_parse_json(m->opts, o, &m->out, c->file, 0, c->line, c->line ? NULL : where.buf);
	tm_buf_release(&where);
	if (m->merge && m->out.n > before)
		m->out.v[m->out.n - 1].flags |= REC_F_MERGE;
}

static json_t *cites_of(struct made *m, struct ctx *c, json_t *spec);

static void make_entity(struct made *m, struct ctx *c, json_t *spec)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("entity"));
	char *id = value1(c, json_object_get(spec, "id"), "id");
	if (!id) {
		field_error(c, "no value for the entity's 'id'");
		json_decref(o);
		return;
	}
	/* the same id again: the writer tells a repeat from a redefinition */
	idset_add(&m->ids, id);
	set_str(o, "id", id);
	char *kind = value1(c, json_object_get(spec, "kind"), "kind");
	if (!kind)
		field_error(c, "no value for the entity's 'kind'");
	set_str(o, "kind", kind);
	char *country = value1(c, json_object_get(spec, "country"), "country");
	if (country)
		for (char *p = country; *p; p++)
			*p = (char)toupper((unsigned char)*p);
	set_str(o, "country", country);
	set_str(o, "start", value1(c, json_object_get(spec, "start"), "start"));
	set_str(o, "end", value1(c, json_object_get(spec, "end"), "end"));
	json_t *names = json_array();
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(spec, "names"), i, n) {
		tm_strv texts = { 0 }, langs = { 0 };
		values(c, json_object_get(n, "text"), "names.text", &texts);
		values(c, json_object_get(n, "lang"), "names.lang", &langs);
		int primary = json_is_true(json_object_get(n, "primary"));
		for (size_t k = 0; k < texts.n; k++) {
			const char *lang = langs.n ? langs.v[0] : "script";
			if (strcmp(lang, "script") == 0) {
				tm_err err = { 0 };
				tm_text_script_lang(texts.v[k], strlen(texts.v[k]), &lang, &err);
			}
			int dup = 0;
			size_t j;
			json_t *x;
			json_array_foreach(names, j, x)
				dup |= strcmp(json_string_value(json_object_get(x, "text")), texts.v[k]) == 0 &&
				       strcmp(json_string_value(json_object_get(x, "lang")), lang) == 0;
			if (dup)
				continue;
			json_t *name = json_object();
			json_object_set_new(name, "text", json_string(texts.v[k]));
			json_object_set_new(name, "lang", json_string(lang));
			if (primary && k == 0)
				json_object_set_new(name, "primary", json_true());
			json_array_append_new(names, name);
		}
		tm_strv_release(&texts);
		tm_strv_release(&langs);
	}
	json_object_set_new(o, "names", names);
	json_t *desc = json_object_get(spec, "description");
	if (desc) {
		json_t *d = json_object();
		for (int z = 0; z < 2; z++) {
			tm_strv v = { 0 };
			values(c, json_object_get(desc, z ? "zh" : "en"), z ? "description.zh" : "description.en", &v);
			tm_buf b = TM_BUF_INIT;
			for (size_t k = 0; k < v.n; k++)
				tm_buf_addf(&b, "%s%s", k ? "\n\n" : "", v.v[k]);
			if (b.len)
				json_object_set_new(d, z ? "zh" : "en", json_string(b.buf));
			tm_buf_release(&b);
			tm_strv_release(&v);
		}
		if (json_object_size(d))
			json_object_set_new(o, "description", d);
		else
			json_decref(d);
	}
	json_t *tags = json_array();
	tm_strv seen = { 0 };
	json_t *t;
	json_array_foreach(json_object_get(spec, "tags"), i, t) {
		tm_strv v = { 0 };
		values(c, t, "tags", &v);
		for (size_t k = 0; k < v.n; k++) {
			char *tag = slugify(v.v[k], '_');
			if (tag && !tm_strv_contains(&seen, tag)) {
				tm_strv_push(&seen, tag);
				json_array_append_new(tags, json_string(tag));
			}
			free(tag);
		}
		tm_strv_release(&v);
	}
	tm_strv_release(&seen);
	if (json_array_size(tags))
		json_object_set_new(o, "tags", tags);
	else
		json_decref(tags);
	json_t *idents = json_array();
	json_array_foreach(json_object_get(spec, "identifiers"), i, t) {
		char *scheme = value1(c, json_object_get(t, "scheme"), "identifiers.scheme");
		tm_strv v = { 0 };
		values(c, json_object_get(t, "value"), "identifiers.value", &v);
		for (size_t k = 0; scheme && k < v.n; k++) {
			json_t *x = json_object();
			json_object_set_new(x, "scheme", json_string(scheme));
			json_object_set_new(x, "value", json_string(v.v[k]));
			json_array_append_new(idents, x);
		}
		free(scheme);
		tm_strv_release(&v);
	}
	if (json_array_size(idents))
		json_object_set_new(o, "identifiers", idents);
	else
		json_decref(idents);
	json_object_set_new(o, "sources", cites_of(m, c, spec));
	if (!c->failed)
		emit(m, c, o);
	json_decref(o);
}

/* The citations of a record: the mapping's source, then each source the
 * record names of its own (made once an import), with their quotes and
 * pages. */
static json_t *cites_of(struct made *m, struct ctx *c, json_t *spec)
{
	json_t *a = cite(c, m->source, spec);
	size_t i;
	json_t *x;
	json_array_foreach(json_object_get(spec, "sources"), i, x) {
		tm_strv ids = { 0 };
		values(c, json_object_get(x, "id"), "sources.id", &ids);
		for (size_t k = 0; k < ids.n; k++) {
			const char *id = ids.v[k];
			if (!idset_has(&m->sources, id)) {
				idset_add(&m->sources, id);
				json_t *s = json_object();
				json_object_set_new(s, "type", json_string("source"));
				json_object_set_new(s, "id", json_string(id));
				static const char *const f[] = { "title", "author", "publisher", "date", "url", "lang", "note" };
				for (size_t j = 0; j < sizeof(f) / sizeof(f[0]); j++) {
					char what[32];
					snprintf(what, sizeof(what), "sources.%s", f[j]);
					set_str(s, f[j], value1(c, json_object_get(x, f[j]), what));
				}
				emit(m, c, s);
				json_decref(s);
			}
			json_t *o = json_object();
			json_object_set_new(o, "source", json_string(id));
			set_str(o, "quote", value1(c, json_object_get(x, "quote"), "sources.quote"));
			set_str(o, "page", value1(c, json_object_get(x, "page"), "sources.page"));
			json_array_append_new(a, o);
		}
		tm_strv_release(&ids);
	}
	return a;
}

/* A relation's records, kept until every entity of the input is known. */
static void make_relations(struct made *m, struct ctx *c, json_t *spec)
{
	json_t *elems = json_array();
	const char *each = json_string_value(json_object_get(spec, "for_each"));
	if (each)
		walk(c->rec, each, elems);
	else
		json_array_append(elems, c->rec);
	json_t *where = json_object_get(spec, "where");
	size_t i;
	json_t *el;
	json_array_foreach(elems, i, el) {
		/* for_each reaching a list gives its members */
		json_t *list = json_is_array(el) ? el : NULL;
		size_t n = list ? json_array_size(list) : 1;
		for (size_t k = 0; k < n; k++) {
			json_t *e = list ? json_array_get(list, k) : el;
			if (where) {
				int keep = 1;
				const char *key;
				json_t *want;
				json_object_foreach(where, key, want)
					keep &= json_equal(json_object_get(e, key), want);
				if (!keep)
					continue;
			}
			struct ctx ec = *c;
			if (each) {
				ec.up = c->rec;
				ec.rec = e;
				ec.table = 0;
			}
			tm_strv subj = { 0 }, obj = { 0 };
			values(&ec, json_object_get(spec, "subject"), "subject", &subj);
			values(&ec, json_object_get(spec, "object"), "object", &obj);
			char *pred = value1(&ec, json_object_get(spec, "predicate"), "predicate");
			for (size_t a = 0; a < subj.n; a++)
				for (size_t b = 0; b < obj.n; b++) {
					json_t *o = json_object();
					json_object_set_new(o, "type", json_string("relation"));
					json_object_set_new(o, "subject", json_string(subj.v[a]));
					json_object_set_new(o, "predicate", json_string(pred ? pred : ""));
					json_object_set_new(o, "object", json_string(obj.v[b]));
					set_str(o, "start", value1(&ec, json_object_get(spec, "start"), "start"));
					set_str(o, "end", value1(&ec, json_object_get(spec, "end"), "end"));
					static const char *const nums[] = { "share", "amount" };
					for (int z = 0; z < 2; z++) {
						char *v = value1(&ec, json_object_get(spec, nums[z]), nums[z]);
						if (!v)
							continue;
						char *end;
						double d = strtod(v, &end);
						while (*end == '%' || *end == ' ')
							end++;
						if (end == v || *end)
							field_error(c, "'%s' is no number: '%.40s'", nums[z], v);
						else
							json_object_set_new(o, nums[z], json_real(d));
						free(v);
					}
					char *cur = value1(&ec, json_object_get(spec, "currency"), "currency");
					if (cur)
						for (char *p = cur; *p; p++)
							*p = (char)toupper((unsigned char)*p);
					set_str(o, "currency", cur);
					set_str(o, "note", value1(&ec, json_object_get(spec, "note"), "note"));
					json_object_set_new(o, "sources", cites_of(m, &ec, spec));
					/* kept with what names its place and its spec, for the check of its ends */
					json_t *w = json_object();
					json_object_set_new(w, "rel", o);
					json_object_set(w, "spec", spec);
					json_object_set_new(w, "file", json_string(c->file));
					json_object_set_new(w, "line", json_integer((json_int_t)c->line));
					json_object_set_new(w, "path", json_string(c->path ? c->path : ""));
					json_object_set_new(w, "stem", json_string(c->stem));
					json_object_set_new(w, "merge", json_boolean(m->merge));
					/* a stub's name and kind come from the record the owner is named in */
					json_t *stub = json_object_get(spec, "stub");
					if (stub) {
						char *kind = value1(&ec, json_object_get(stub, "kind"), "stub.kind");
						char *name = value1(&ec, json_object_get(stub, "name"), "stub.name");
						set_str(w, "stub_kind", kind);
						set_str(w, "stub_name", name);
					}
					json_array_append_new(m->rels, w);
				}
			free(pred);
			tm_strv_release(&subj);
			tm_strv_release(&obj);
		}
	}
	json_decref(elems);
}

/* The relations, their missing ends made stubs, dropped or left to fail,
 * as the mapping says. */
static void finish_relations(struct made *m, tm_store *st, tm_strv *errors)
{
	struct idset stubs = { 0 };
	size_t i;
	json_t *w;
	json_array_foreach(m->rels, i, w) {
		json_t *o = json_object_get(w, "rel"), *spec = json_object_get(w, "spec");
		const char *missing = json_string_value(json_object_get(spec, "missing"));
		struct ctx c = { 0 };
		c.file = json_string_value(json_object_get(w, "file"));
		c.line = (size_t)json_integer_value(json_object_get(w, "line"));
		c.path = json_string_value(json_object_get(w, "path"));
		c.stem = json_string_value(json_object_get(w, "stem"));
		c.table = c.path[0] == '\0';
		c.errors = errors;
		if (!c.path[0])
			c.path = NULL;
		m->merge = json_is_true(json_object_get(w, "merge"));
		int drop = 0;
		for (int e = 0; e < 2 && missing && strcmp(missing, "error") != 0; e++) {
			const char *id = json_string_value(json_object_get(o, e ? "object" : "subject"));
			if (idset_has(&m->ids, id) || idset_has(&stubs, id))
				continue;
			int found = 0;
			tm_err err = { 0 };
			if (tm_id_valid(id) && tm_store_has_entity(st, id, &found, &err) != TM_OK)
				found = 0;
			if (found)
				continue;
			if (strcmp(missing, "drop") == 0) {
				drop = 1;
				break;
			}
			/* missing: stub — an entity of its own, named as the data names it */
			const char *name = json_string_value(json_object_get(w, "stub_name"));
			const char *kind = json_string_value(json_object_get(w, "stub_kind"));
			json_t *s = json_object();
			json_object_set_new(s, "type", json_string("entity"));
			json_object_set_new(s, "id", json_string(id));
			json_object_set_new(s, "kind", json_string(kind ? kind : ""));
			json_t *names = json_array(), *n = json_object();
			json_object_set_new(n, "text", json_string(name ? name : id));
			const char *lang = json_string_value(json_object_get(json_object_get(spec, "stub"), "lang"));
			json_object_set_new(n, "lang", json_string(lang ? lang : "und"));
			json_array_append_new(names, n);
			json_object_set_new(s, "names", names);
			json_t *tags = json_object_get(json_object_get(spec, "stub"), "tags");
			if (json_is_array(tags))
				json_object_set(s, "tags", tags);
			json_object_set(s, "sources", json_object_get(o, "sources"));
			emit(m, &c, s);
			json_decref(s);
			idset_add(&stubs, id);
			tm_import_drop(&m->out.drops, "entity named only as the end of a relation, made of its id (a stub)", 1);
		}
		if (drop) {
			tm_import_drop(&m->out.drops, "relation whose other end is neither in the input nor in the database", 1);
			continue;
		}
		emit(m, &c, o);
	}
	idset_release(&stubs);
}

/* ---- one input file ---- */

static const char *ext_of(const char *path)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	return dot && (!slash || dot > slash) ? dot + 1 : "";
}

static char *stem_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash ? slash + 1 : path;
	const char *dot = strrchr(base, '.');
	return tm_xstrndup(base, dot && dot > base ? (size_t)(dot - base) : strlen(base));
}

/* The records of a JSON or YAML document at path: a list gives its
 * members, a mapping its values (named by their keys). */
static void each_record(struct made *m, json_t *doc, tm_yaml_lines *lines, const char *records, const char *file,
			const char *stem, json_t *set, tm_strv *errors)
{
	json_t *at_path = json_array();
	if (records && *records)
		walk(doc, records, at_path);
	else
		json_array_append(at_path, doc);
	size_t i;
	json_t *found;
	json_array_foreach(at_path, i, found) {
		json_t *list = json_is_array(found) ? found : NULL;
		size_t n = list ? json_array_size(list) : json_object_size(found);
		void *iter = list ? NULL : json_object_iter(found);
		if (!list && !json_is_object(found))
			continue;
		for (size_t k = 0; k < n; k++) {
			json_t *rec;
			tm_buf path = TM_BUF_INIT;
			if (list) {
				rec = json_array_get(list, k);
				tm_buf_addf(&path, "%s[%zu]", records && *records ? records : "", k + 1);
			} else {
				rec = json_object_iter_value(iter);
				tm_buf_addf(&path, "%s%s%s", records && *records ? records : "", records && *records ? "." : "",
					    json_object_iter_key(iter));
				iter = json_object_iter_next(found, iter);
			}
			struct ctx c = { rec, NULL, stem, 0, file, tm_yaml_line(lines, rec), path.buf, errors, 0 };
			m->merge = json_is_true(json_object_get(set, "merge"));
			if (!json_is_object(rec)) {
				field_error(&c, "a record must be a mapping of fields");
			} else {
				if (json_object_get(set, "entity"))
					make_entity(m, &c, json_object_get(set, "entity"));
				size_t r;
				json_t *rel;
				json_array_foreach(json_object_get(set, "relations"), r, rel)
					make_relations(m, &c, rel);
			}
			tm_buf_release(&path);
		}
	}
	json_decref(at_path);
}

/* A table's rows as records: objects by the header row's texts. */
static void each_row(struct made *m, const tm_grid *g, const char *file, const char *stem, json_t *set,
		     tm_strv *errors)
{
	size_t h = 0;
	while (h < g->n && (g->v[h].error || !tm_grid_filled(&g->v[h])))
		h++;
	if (h == g->n) {
		tm_buf b = TM_BUF_INIT;
		tm_buf_addf(&b, "%s: no header row: the table is empty", file);
		tm_strv_push_owned(errors, tm_buf_detach(&b));
		return;
	}
	const tm_grid_row *head = &g->v[h];
	for (size_t i = h + 1; i < g->n; i++) {
		const tm_grid_row *row = &g->v[i];
		struct ctx c = { NULL, NULL, stem, 1, file, row->line, NULL, errors, 0 };
		if (row->error) {
			field_error(&c, "%s", row->error);
			continue;
		}
		if (!tm_grid_filled(row))
			continue;
		json_t *rec = json_object(), *cells = json_array();
		for (size_t k = 0; k < row->n; k++) {
			json_array_append_new(cells, json_string(row->f[k]));
			if (k < head->n && !tm_grid_blank(head->f[k]) && !json_object_get(rec, head->f[k]))
				json_object_set_new(rec, head->f[k], json_string(row->f[k]));
		}
		json_object_set_new(rec, "\001cells", cells);
		c.rec = rec;
		m->merge = json_is_true(json_object_get(set, "merge"));
		if (json_object_get(set, "entity"))
			make_entity(m, &c, json_object_get(set, "entity"));
		size_t r;
		json_t *rel;
		json_array_foreach(json_object_get(set, "relations"), r, rel)
			make_relations(m, &c, rel);
		json_decref(rec);
	}
}

static tm_rc one_input(struct made *m, struct mapping *map, const char *path, tm_strv *errors, tm_err *err)
{
	json_t *in = json_object_get(map->doc, "input");
	const char *format = json_string_value(json_object_get(in, "format"));
	const char *encoding = json_string_value(json_object_get(in, "encoding"));
	tm_buf raw = TM_BUF_INIT;
	tm_rc rc = read_file(path, &raw, err);
	if (rc) {
		tm_buf_release(&raw);
		return rc;
	}
	const char *ext = ext_of(path);
	if (!format) {
		if (!strcasecmp(ext, "json"))
			format = "json";
		else if (!strcasecmp(ext, "yaml") || !strcasecmp(ext, "yml"))
			format = "yaml";
		else if (!strcasecmp(ext, "tsv") || !strcasecmp(ext, "tab"))
			format = "tsv";
	}
	tm_grid_kind kind = tm_grid_sniff(raw.buf, raw.len);
	int workbook = kind == TM_GRID_XLSX || kind == TM_GRID_ODS;
	/* text in another encoding than UTF-8, when the mapping names it */
	tm_buf text = TM_BUF_INIT;
	const char *data = raw.buf;
	size_t len = raw.len;
	if (!workbook && encoding && strcasecmp(encoding, "utf-8") && strcasecmp(encoding, "utf8")) {
		tm_err cerr = { 0 };
		if (tm_text_to_utf8(encoding, raw.buf, raw.len, &text, &cerr)) {
			rc = tm_fail(err, TM_ERR_INVALID, "%s: %s", path, cerr.msg);
			goto out;
		}
		data = text.buf ? text.buf : "";
		len = text.len;
		kind = tm_grid_sniff(data, len);
	} else if (!workbook && !tm_utf8_valid(raw.buf, raw.len)) {
		const char *guess = tm_text_charset_guess(raw.buf, raw.len);
		rc = tm_fail(err, TM_ERR_INVALID,
			     "%s: not UTF-8%s%s%s: name its encoding in the mapping (input: {encoding: %s}) or save it as "
			     "UTF-8",
			     path, guess ? " (it looks like " : "", guess ? guess : "", guess ? ")" : "",
			     guess ? guess : "windows-1252");
		goto out;
	}
	char *stem = stem_of(path);
	size_t nsets = json_array_size(json_object_get(map->doc, "sets"));
	if ((format && (!strcmp(format, "json") || !strcmp(format, "yaml"))) ||
	    (!format && (kind == TM_GRID_JSON || kind == TM_GRID_YAML))) {
		int yaml = format ? !strcmp(format, "yaml") : kind == TM_GRID_YAML;
		json_t *doc = NULL;
		tm_yaml_lines lines = { 0 };
		if (yaml) {
			tm_err yerr = { 0 };
			if (tm_yaml_load(data, len, &doc, &lines, &yerr))
				rc = tm_fail(err, TM_ERR_INVALID, "%s:%s", path, yerr.msg + 5);
		} else {
			json_error_t jerr;
			doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);
			if (!doc)
				rc = tm_fail(err, TM_ERR_INVALID, "%s:%d: bad JSON: %s", path, jerr.line, jerr.text);
		}
		for (size_t s = 0; !rc && s < nsets; s++) {
			json_t *set = json_array_get(json_object_get(map->doc, "sets"), s);
			each_record(m, doc, yaml ? &lines : NULL, json_string_value(json_object_get(set, "records")), path,
				    stem, set, errors);
		}
		json_decref(doc);
		tm_yaml_lines_release(&lines);
	} else {
		tm_grid_opts go = { 0 };
		const char *delim = json_string_value(json_object_get(in, "delimiter"));
		go.delim = delim && strlen(delim) == 1 ? delim[0] : format && !strcmp(format, "tsv") ? '\t' : 0;
		go.sheet = json_string_value(json_object_get(in, "sheet"));
		tm_grid g = { 0 };
		tm_err gerr = { 0 };
		if (tm_grid_load(data, len, &go, &g, &gerr)) {
			rc = tm_fail(err, TM_ERR_INVALID, "%s: %s", path, gerr.msg);
		} else {
			for (size_t s = 0; s < nsets; s++)
				each_row(m, &g, path, stem, json_array_get(json_object_get(map->doc, "sets"), s), errors);
		}
		tm_grid_release(&g);
	}
	free(stem);
out:
	tm_buf_release(&raw);
	tm_buf_release(&text);
	return rc;
}

tm_rc tm_import_mapped(tm_store *st, const char *map_path, const char *const *paths, size_t n,
		       const tm_import_opts *opts, tm_import_report *rep, tm_err *err)
{
	memset(rep, 0, sizeof(*rep));
	struct mapping map;
	tm_rc rc = mapping_load(&map, map_path, err);
	if (rc) {
		mapping_release(&map);
		return rc;
	}
	static const tm_import_opts defaults = { .on_conflict = TM_CONFLICT_REFUSE };
	struct made m;
	memset(&m, 0, sizeof(m));
	m.opts = opts ? opts : &defaults;
	m.rels = json_array();
	tm_strv errors = { 0 };
	/* the source every record cites */
	json_t *src = json_deep_copy(json_object_get(map.doc, "source"));
	json_object_set_new(src, "type", json_string("source"));
	m.source = json_string_value(json_object_get(src, "id"));
	struct ctx sc = { 0 };
	sc.file = map_path;
	sc.line = tm_yaml_line(&map.lines, json_object_get(map.doc, "source"));
	sc.path = "source";
	tm_import_parse_json(m.opts, src, &m.out, map_path, 0, sc.line, sc.line ? NULL : "mapping: source");
	for (size_t i = 0; !rc && i < n; i++)
		rc = one_input(&m, &map, paths[i], &errors, err);
	if (!rc)
		finish_relations(&m, st, &errors);
	for (size_t i = 0; i < errors.n; i++)
		tm_strv_push(&m.out.errors, errors.v[i]);
	tm_strv_release(&errors);
	if (!rc) {
		rc = tm_import_recs(st, &m.out, m.opts, rep, err);
	} else {
		/* a file that could not be read at all: nothing to import */
		rep->errors = m.out.errors;
		memset(&m.out.errors, 0, sizeof(m.out.errors));
	}
	json_decref(src);
	json_decref(m.rels);
	tm_recbuf_release(&m.out);
	idset_release(&m.ids);
	idset_release(&m.sources);
	mapping_release(&map);
	return rc;
}
