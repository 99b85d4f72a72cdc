/*
 * The JSON Lines importer.
 *
 * Three passes, so that a bad file never half-lands:
 *   1. read every line of every file into records, checking each on its own
 *      (JSON, UTF-8, fields, vocabularies, dates);
 *   2. check the records against each other and the database (references,
 *      an id defined twice with different content);
 *   3. only if no line failed, write everything in one transaction.
 */

#include "io/io.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_campaign.h"

/* One parsed record and where it came from. */
/* In the order they are written: later types refer to earlier ones. */
enum rec_type { REC_SOURCE, REC_ENTITY, REC_RELATION, REC_SITE, REC_ACTION };
struct rec {
	enum rec_type type;
	const char *file;
	size_t line;
	union {
		tm_source src;
		tm_entity ent;
		tm_relation rel;
		tm_site site;
		tm_action act;
	} u;
	char *canon; /* canonical JSON, to tell a repeat from a redefinition; made
		      * by rec_canon() only for records that share a key */
	int dup;     /* an exact repeat of an earlier record: skipped */
};

struct import {
	tm_store *st;
	const tm_import_opts *opts;
	tm_import_report *rep;
	struct rec *recs;
	size_t n, cap;
};

static void rec_release(struct rec *r)
{
	switch (r->type) {
	case REC_SOURCE: tm_source_release(&r->u.src); break;
	case REC_ENTITY: tm_entity_release(&r->u.ent); break;
	case REC_RELATION: tm_relation_release(&r->u.rel); break;
	case REC_SITE: tm_site_release(&r->u.site); break;
	case REC_ACTION: tm_action_release(&r->u.act); break;
	}
	free(r->canon);
}

static void report(struct import *im, const char *file, size_t line, const char *fmt, ...) TM_PRINTF(4, 5);
static void report(struct import *im, const char *file, size_t line, const char *fmt, ...)
{
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s:%zu: ", file, line);
	va_list ap;
	va_start(ap, fmt);
	tm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	tm_strv_push_owned(&im->rep->errors, tm_buf_detach(&b));
}

void tm_import_report_release(tm_import_report *rep)
{
	tm_strv_release(&rep->errors);
	memset(rep, 0, sizeof(*rep));
}

/* ---- field readers: each returns 0 on success, or writes why into why ---- */

struct why {
	char msg[512];
};

static int failf(struct why *w, const char *fmt, ...) TM_PRINTF(2, 3);
static int failf(struct why *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static int check_fields(json_t *obj, const char *const *allowed, struct why *w)
{
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v) {
		int ok = 0;
		for (const char *const *a = allowed; *a; a++)
			if (strcmp(*a, key) == 0)
				ok = 1;
		if (!ok)
			return failf(w, "unknown field '%s'", key);
	}
	return 0;
}

/* An optional non-empty string field; *out stays NULL when absent. */
static int get_str(json_t *obj, const char *field, int required, char **out, struct why *w)
{
	json_t *v = json_object_get(obj, field);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return failf(w, "missing field '%s'", field);
		return 0;
	}
	if (!json_is_string(v))
		return failf(w, "field '%s' must be a string", field);
	const char *s = json_string_value(v);
	if (json_string_length(v) != strlen(s))
		return failf(w, "field '%s' contains a NUL character", field);
	if (!*s) {
		if (required)
			return failf(w, "field '%s' is empty", field);
		return 0;
	}
	if (strlen(s) > 100000)
		return failf(w, "field '%s' is longer than 100000 bytes", field);
	*out = tm_xstrdup(s);
	return 0;
}

static int get_date(json_t *obj, const char *field, char out[TM_DATE_MAX], struct why *w)
{
	char *s;
	out[0] = '\0';
	if (get_str(obj, field, 0, &s, w))
		return -1;
	if (!s)
		return 0;
	if (!tm_date_precision(s)) {
		failf(w, "bad date '%.40s' in '%s': use YYYY, YYYY-MM or YYYY-MM-DD", s, field);
		free(s);
		return -1;
	}
	memcpy(out, s, strlen(s) + 1);
	free(s);
	return 0;
}

static int get_id(json_t *obj, const char *field, char **out, struct why *w)
{
	if (get_str(obj, field, 1, out, w))
		return -1;
	if (!tm_id_valid(*out)) {
		failf(w, "bad id '%.60s' in '%s': use lower-case letters, digits, '-', '_' and '.'", *out, field);
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

static int get_number(json_t *obj, const char *field, int *has, double *out, struct why *w)
{
	json_t *v = json_object_get(obj, field);
	*has = 0;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_number(v))
		return failf(w, "field '%s' must be a number", field);
	*out = json_number_value(v);
	*has = 1;
	return 0;
}

static int get_cites(json_t *obj, tm_cites *out, struct why *w)
{
	json_t *arr = json_object_get(obj, "sources");
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return failf(w, "field 'sources' must be an array");
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (json_is_string(v)) {
			if (!tm_id_valid(json_string_value(v)))
				return failf(w, "bad source id '%.60s'", json_string_value(v));
			tm_cites_push(out, json_string_value(v), NULL, NULL);
			continue;
		}
		if (!json_is_object(v))
			return failf(w, "each of 'sources' must be a source id or an object");
		static const char *const allowed[] = { "source", "quote", "page", NULL };
		char *src = NULL, *quote = NULL, *page = NULL;
		if (check_fields(v, allowed, w) || get_id(v, "source", &src, w) || get_str(v, "quote", 0, &quote, w) ||
		    get_str(v, "page", 0, &page, w)) {
			free(src);
			free(quote);
			return -1;
		}
		tm_cites_push(out, src, quote, page);
		free(src);
		free(quote);
		free(page);
	}
	for (size_t a = 0; a < out->n; a++)
		for (size_t b = a + 1; b < out->n; b++)
			if (strcmp(out->v[a].source, out->v[b].source) == 0 &&
			    ((!out->v[a].quote && !out->v[b].quote) ||
			     (out->v[a].quote && out->v[b].quote && strcmp(out->v[a].quote, out->v[b].quote) == 0)))
				return failf(w, "source '%s' is cited twice", out->v[a].source);
	return 0;
}

static int need_cites(const struct import *im, const tm_cites *c, int *unsourced, struct why *w)
{
	*unsourced = 0;
	if (c->n)
		return 0;
	if (im->opts && im->opts->allow_unsourced) {
		*unsourced = 1;
		return 0;
	}
	return failf(w, "no citation: every claim needs 'sources' (or import with --allow-unsourced)");
}

static int parse_source(json_t *o, tm_source *s, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "title", "author", "publisher", "date",
					       "url", "lang", "note", NULL };
	if (check_fields(o, allowed, w) || get_id(o, "id", &s->id, w) || get_str(o, "title", 1, &s->title, w) ||
	    get_str(o, "author", 0, &s->author, w) || get_str(o, "publisher", 0, &s->publisher, w) ||
	    get_date(o, "date", s->date, w) || get_str(o, "url", 0, &s->url, w) || get_str(o, "lang", 0, &s->lang, w) ||
	    get_str(o, "note", 0, &s->note, w))
		return -1;
	if (s->url && strncmp(s->url, "https://", 8) != 0 && strncmp(s->url, "http://", 7) != 0)
		return failf(w, "url must start with http:// or https://");
	if (s->lang && !tm_lang_valid(s->lang))
		return failf(w, "bad language tag '%.40s'", s->lang);
	return 0;
}

static int parse_entity(const struct import *im, json_t *o, tm_entity *e, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "kind", "country", "start", "end", "names",
					       "description", "tags", "identifiers", "sources", NULL };
	if (check_fields(o, allowed, w) || get_id(o, "id", &e->id, w) || get_str(o, "kind", 1, &e->kind, w) ||
	    get_str(o, "country", 0, &e->country, w) || get_date(o, "start", e->start, w) ||
	    get_date(o, "end", e->end, w) || get_cites(o, &e->cites, w) || need_cites(im, &e->cites, &e->unsourced, w))
		return -1;
	if (!tm_kind_find(e->kind))
		return failf(w, "unknown kind '%.40s'", e->kind);
	if (e->country) {
		const char *c = e->country;
		if (strlen(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z')
			return failf(w, "bad country '%.20s': use an ISO 3166-1 alpha-2 code such as CN", c);
	}
	if (e->start[0] && e->end[0] && strcmp(e->start, e->end) > 0)
		return failf(w, "start %s is after end %s", e->start, e->end);

	json_t *names = json_object_get(o, "names");
	if (!json_is_array(names) || json_array_size(names) == 0)
		return failf(w, "field 'names' must be a non-empty array");
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v) {
		static const char *const nallowed[] = { "text", "lang", "primary", NULL };
		if (!json_is_object(v))
			return failf(w, "each name must be an object with 'text' and 'lang'");
		char *text = NULL, *lang = NULL;
		json_t *prim = json_object_get(v, "primary");
		if (check_fields(v, nallowed, w) || get_str(v, "text", 1, &text, w) || get_str(v, "lang", 1, &lang, w)) {
			free(text);
			return -1;
		}
		int bad = 0;
		if (!tm_lang_valid(lang))
			bad = failf(w, "bad language tag '%.40s' on name '%.60s'", lang, text);
		else if (prim && !json_is_boolean(prim))
			bad = failf(w, "'primary' must be true or false");
		if (!bad)
			tm_entity_add_name(e, text, lang, json_is_true(prim));
		free(text);
		free(lang);
		if (bad)
			return -1;
	}
	for (size_t a = 0; a < e->n_names; a++)
		for (size_t b = a + 1; b < e->n_names; b++) {
			if (strcmp(e->names[a].lang, e->names[b].lang) != 0)
				continue;
			if (e->names[a].primary && e->names[b].primary)
				return failf(w, "two primary names in language '%s'", e->names[a].lang);
			if (strcmp(e->names[a].text, e->names[b].text) == 0)
				return failf(w, "name '%.60s' given twice", e->names[a].text);
		}

	json_t *desc = json_object_get(o, "description");
	if (desc) {
		static const char *const dallowed[] = { "en", "zh", NULL };
		if (!json_is_object(desc))
			return failf(w, "'description' must be an object such as {\"en\":…,\"zh\":…}");
		if (check_fields(desc, dallowed, w) || get_str(desc, "en", 0, &e->desc_en, w) ||
		    get_str(desc, "zh", 0, &e->desc_zh, w))
			return -1;
	}
	json_t *tags = json_object_get(o, "tags");
	if (tags) {
		if (!json_is_array(tags))
			return failf(w, "'tags' must be an array of strings");
		json_array_foreach(tags, i, v) {
			if (!json_is_string(v) || !tm_id_valid(json_string_value(v)))
				return failf(w, "bad tag: use lower-case words such as \"surveillance\"");
			if (tm_strv_contains(&e->tags, json_string_value(v)))
				return failf(w, "tag '%s' given twice", json_string_value(v));
			tm_strv_push(&e->tags, json_string_value(v));
		}
	}
	json_t *ids = json_object_get(o, "identifiers");
	if (ids) {
		if (!json_is_array(ids))
			return failf(w, "'identifiers' must be an array of {\"scheme\",\"value\"}");
		json_array_foreach(ids, i, v) {
			static const char *const iallowed[] = { "scheme", "value", NULL };
			char *scheme = NULL, *value = NULL;
			if (!json_is_object(v))
				return failf(w, "each identifier must be an object with 'scheme' and 'value'");
			if (check_fields(v, iallowed, w) || get_id(v, "scheme", &scheme, w) ||
			    get_str(v, "value", 1, &value, w)) {
				free(scheme);
				return -1;
			}
			tm_entity_add_ident(e, scheme, value);
			free(scheme);
			free(value);
		}
	}
	return 0;
}

static int parse_relation(const struct import *im, json_t *o, tm_relation *r, struct why *w)
{
	static const char *const allowed[] = { "type", "subject", "predicate", "object", "start", "end", "amount",
					       "currency", "share", "note", "sources", NULL };
	if (check_fields(o, allowed, w) || get_id(o, "subject", &r->subject, w) ||
	    get_str(o, "predicate", 1, &r->predicate, w) || get_id(o, "object", &r->object, w) ||
	    get_date(o, "start", r->start, w) || get_date(o, "end", r->end, w) ||
	    get_number(o, "amount", &r->has_amount, &r->amount, w) || get_str(o, "currency", 0, &r->currency, w) ||
	    get_number(o, "share", &r->has_share, &r->share, w) || get_str(o, "note", 0, &r->note, w) ||
	    get_cites(o, &r->cites, w) || need_cites(im, &r->cites, &r->unsourced, w))
		return -1;
	if (!tm_predicate_find(r->predicate))
		return failf(w, "unknown predicate '%.40s'", r->predicate);
	if (r->start[0] && r->end[0] && strcmp(r->start, r->end) > 0)
		return failf(w, "start %s is after end %s", r->start, r->end);
	if (r->has_share && (r->share < 0 || r->share > 100))
		return failf(w, "share %g is not a percentage between 0 and 100", r->share);
	if (r->has_amount && r->amount < 0)
		return failf(w, "amount %g is negative", r->amount);
	if (r->currency) {
		const char *c = r->currency;
		if (strlen(c) != 3 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' || c[2] < 'A' || c[2] > 'Z')
			return failf(w, "bad currency '%.20s': use an ISO 4217 code such as USD", c);
	}
	if (r->currency && !r->has_amount)
		return failf(w, "'currency' given without 'amount'");
	return 0;
}

/* ---- the campaign records: actions and sites (model/action.h) ---- */

/* An optional {"en": …, "zh": …}. */
static int get_bitext(json_t *obj, const char *field, tm_bitext *out, struct why *w)
{
	static const char *const allowed[] = { "en", "zh", NULL };
	json_t *v = json_object_get(obj, field);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v))
		return failf(w, "'%s' must be an object such as {\"en\":…,\"zh\":…}", field);
	if (check_fields(v, allowed, w) || get_str(v, "en", 0, &out->en, w) || get_str(v, "zh", 0, &out->zh, w))
		return -1;
	return 0;
}

/* Optional "lat", "lon" (both or neither) and "geo_precision".  Coordinates
 * are kept to 7 decimals (about a centimetre), which also makes them print
 * back as they were written. */
static int get_geo(json_t *o, tm_geo *g, struct why *w)
{
	int has_lat, has_lon;
	if (get_number(o, "lat", &has_lat, &g->lat, w) || get_number(o, "lon", &has_lon, &g->lon, w) ||
	    get_str(o, "geo_precision", 0, &g->precision, w))
		return -1;
	if (has_lat != has_lon)
		return failf(w, "'lat' and 'lon' go together");
	g->has = has_lat;
	if (g->has && !tm_geo_valid(g->lat, g->lon))
		return failf(w, "coordinates %g,%g out of range: latitude -90..90, longitude -180..180", g->lat,
			     g->lon);
	if (g->precision && !g->has)
		return failf(w, "'geo_precision' given without 'lat' and 'lon'");
	if (g->precision && !tm_vocab_find(tm_geo_precisions, tm_n_geo_precisions, g->precision))
		return failf(w, "unknown geo_precision '%.40s': use exact, street, city, region or country", g->precision);
	if (g->has) {
		g->lat = round(g->lat * 1e7) / 1e7;
		g->lon = round(g->lon * 1e7) / 1e7;
	}
	return 0;
}

/* Actors or targets: each an entity id, or free text {"en": …, "zh": …}. */
static int get_parties(json_t *o, const char *field, tm_parties *out, struct why *w)
{
	json_t *arr = json_object_get(o, field);
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return failf(w, "'%s' must be an array of entity ids or {\"en\",\"zh\"} texts", field);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) {
		if (json_is_string(v)) {
			if (!tm_id_valid(json_string_value(v)))
				return failf(w, "bad entity id '%.60s' in '%s'", json_string_value(v), field);
			for (size_t k = 0; k < out->n; k++)
				if (out->v[k].entity && strcmp(out->v[k].entity, json_string_value(v)) == 0)
					return failf(w, "'%s' names '%s' twice", field, json_string_value(v));
			tm_parties_push(out, json_string_value(v), NULL, NULL);
			continue;
		}
		if (!json_is_object(v))
			return failf(w, "each of '%s' must be an entity id or an object {\"en\",\"zh\"}", field);
		static const char *const allowed[] = { "en", "zh", NULL };
		tm_bitext t = { NULL, NULL };
		if (check_fields(v, allowed, w) || get_str(v, "en", 0, &t.en, w) || get_str(v, "zh", 0, &t.zh, w)) {
			tm_bitext_release(&t);
			return -1;
		}
		if (!t.en && !t.zh)
			return failf(w, "a free-text party in '%s' needs 'en' or 'zh'", field);
		tm_parties_push(out, NULL, t.en, t.zh);
		tm_bitext_release(&t);
	}
	return 0;
}

/* A date later than tomorrow (UTC) is a typo: the log holds what happened.
 * The day of slack lets a time zone ahead of UTC record its today. */
static int date_in_future(const char *date)
{
	time_t t = time(NULL) + 86400;
	struct tm tm;
	char tomorrow[TM_DATE_MAX];
	gmtime_r(&t, &tm);
	strftime(tomorrow, sizeof(tomorrow), "%Y-%m-%d", &tm);
	return strncmp(date, tomorrow, strlen(date)) > 0;
}

static int parse_action(json_t *o, tm_action *a, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "date", "kind", "place", "country", "lat", "lon",
					       "geo_precision", "actors", "targets", "title", "summary", "outcome",
					       "note", "sources", NULL };
	if (check_fields(o, allowed, w) || get_id(o, "id", &a->id, w) || get_date(o, "date", a->date, w) ||
	    get_str(o, "kind", 1, &a->kind, w) || get_bitext(o, "place", &a->place, w) ||
	    get_str(o, "country", 0, &a->country, w) || get_geo(o, &a->geo, w) ||
	    get_parties(o, "actors", &a->actors, w) || get_parties(o, "targets", &a->targets, w) ||
	    get_bitext(o, "title", &a->title, w) || get_bitext(o, "summary", &a->summary, w) ||
	    get_bitext(o, "outcome", &a->outcome, w) || get_str(o, "note", 0, &a->note, w) ||
	    get_cites(o, &a->cites, w))
		return -1;
	if (!a->date[0])
		return failf(w, "missing field 'date'");
	if (date_in_future(a->date))
		return failf(w, "date %s is in the future: an action is recorded once it has happened", a->date);
	if (!tm_vocab_find(tm_action_kinds, tm_n_action_kinds, a->kind))
		return failf(w, "unknown action kind '%.40s': use protest, boycott, divestment, contract_cancelled, "
			     "petition, policy, legal, strike or other", a->kind);
	if (a->country && !tm_country_valid(a->country))
		return failf(w, "bad country '%.20s': use an ISO 3166-1 alpha-2 code such as CA", a->country);
	if (!a->title.en && !a->title.zh)
		return failf(w, "missing field 'title': give {\"en\": …} or {\"zh\": …} or both");
	/* an action is a claim like any other, but there is no unsourced action:
	 * the digest and the feeds print its sources */
	if (!a->cites.n)
		return failf(w, "no citation: an action needs 'sources'");
	return 0;
}

static int parse_site(json_t *o, tm_site *s, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "entity", "kind", "name", "address", "city", "region",
					       "country", "lat", "lon", "geo_precision", "tags", "note", "sources",
					       NULL };
	if (check_fields(o, allowed, w) || get_id(o, "id", &s->id, w) || get_str(o, "kind", 1, &s->kind, w) ||
	    get_bitext(o, "name", &s->name, w) || get_str(o, "address", 0, &s->address, w) ||
	    get_str(o, "city", 0, &s->city, w) || get_str(o, "region", 0, &s->region, w) ||
	    get_str(o, "country", 1, &s->country, w) || get_geo(o, &s->geo, w) || get_str(o, "note", 0, &s->note, w) ||
	    get_cites(o, &s->cites, w))
		return -1;
	if (json_object_get(o, "entity") && get_id(o, "entity", &s->entity, w))
		return -1;
	if (!tm_vocab_find(tm_site_kinds, tm_n_site_kinds, s->kind))
		return failf(w, "unknown site kind '%.40s': use office, distributor, factory, deployment, protest or other",
			     s->kind);
	if (!tm_country_valid(s->country))
		return failf(w, "bad country '%.20s': use an ISO 3166-1 alpha-2 code such as CA", s->country);
	if (!s->entity && !s->name.en && !s->name.zh)
		return failf(w, "a site needs an 'entity' or a 'name'");
	json_t *tags = json_object_get(o, "tags");
	if (tags) {
		size_t i;
		json_t *v;
		if (!json_is_array(tags))
			return failf(w, "'tags' must be an array of strings");
		json_array_foreach(tags, i, v) {
			if (!json_is_string(v) || !tm_id_valid(json_string_value(v)))
				return failf(w, "bad tag: use lower-case words such as \"surveillance\"");
			if (tm_strv_contains(&s->tags, json_string_value(v)))
				return failf(w, "tag '%s' given twice", json_string_value(v));
			tm_strv_push(&s->tags, json_string_value(v));
		}
	}
	if (!s->cites.n)
		return failf(w, "no citation: a site needs 'sources'");
	return 0;
}

/* Parse one line into a record; problems go to the report. */
static void parse_line(struct import *im, const char *file, size_t lineno, const char *line, size_t len)
{
	size_t s = 0;
	while (s < len && (line[s] == ' ' || line[s] == '\t' || line[s] == '\r'))
		s++;
	if (s == len)
		return; /* blank lines are allowed */
	if (!tm_utf8_valid(line, len)) {
		report(im, file, lineno, memchr(line, 0, len) ? "NUL byte in line" : "invalid UTF-8");
		return;
	}
	json_error_t jerr;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		report(im, file, lineno, "bad JSON: %s (column %d)", jerr.text, jerr.column);
		return;
	}
	if (!json_is_object(o)) {
		report(im, file, lineno, "a record must be a JSON object");
		json_decref(o);
		return;
	}
	const char *type = json_string_value(json_object_get(o, "type"));
	struct rec r;
	memset(&r, 0, sizeof(r));
	r.file = file;
	r.line = lineno;
	struct why w = { "" };
	int bad;
	if (!type) {
		report(im, file, lineno, "missing field 'type'");
		json_decref(o);
		return;
	} else if (strcmp(type, "source") == 0) {
		r.type = REC_SOURCE;
		bad = parse_source(o, &r.u.src, &w);
	} else if (strcmp(type, "entity") == 0) {
		r.type = REC_ENTITY;
		bad = parse_entity(im, o, &r.u.ent, &w);
	} else if (strcmp(type, "relation") == 0) {
		r.type = REC_RELATION;
		bad = parse_relation(im, o, &r.u.rel, &w);
	} else if (strcmp(type, "action") == 0) {
		r.type = REC_ACTION;
		bad = parse_action(o, &r.u.act, &w);
	} else if (strcmp(type, "site") == 0) {
		r.type = REC_SITE;
		bad = parse_site(o, &r.u.site, &w);
	} else {
		report(im, file, lineno, "unknown type '%.40s'", type);
		json_decref(o);
		return;
	}
	json_decref(o);
	if (bad) {
		report(im, file, lineno, "%s", w.msg);
		rec_release(&r);
		return;
	}
	TM_GROW(im->recs, im->cap, im->n + 1);
	im->recs[im->n++] = r;
}

/* Lines are parsed in batches, the second half of each on a helper thread:
 * JSON parsing is most of the reading of a large file, and parse_line()
 * shares nothing between lines but the import it appends to, so each half
 * gets its own and the helper's records and errors are appended after. */
#define BATCH_LINES 8192

struct batch {
	tm_buf text;     /* the lines, each NUL-terminated */
	size_t at[BATCH_LINES], len[BATCH_LINES], lineno[BATCH_LINES];
	size_t n;
};

struct half {
	struct import *im;
	const char *name;
	const struct batch *b;
	size_t from, to;
};

static void *parse_half(void *p)
{
	struct half *h = p;
	for (size_t i = h->from; i < h->to; i++)
		parse_line(h->im, h->name, h->b->lineno[i], h->b->text.buf + h->b->at[i], h->b->len[i]);
	return NULL;
}

static void parse_batch(struct import *im, const char *name, const struct batch *b)
{
	tm_import_report sub_rep;
	memset(&sub_rep, 0, sizeof(sub_rep));
	struct import sub = { im->st, im->opts, &sub_rep, NULL, 0, 0 };
	struct half first = { im, name, b, 0, b->n / 2 }, second = { &sub, name, b, b->n / 2, b->n };
	pthread_t helper;
	int threaded = b->n >= 64 && pthread_create(&helper, NULL, parse_half, &second) == 0;
	parse_half(&first);
	if (threaded)
		pthread_join(helper, NULL);
	else
		parse_half(&second);
	TM_GROW(im->recs, im->cap, im->n + sub.n);
	if (sub.n)
		memcpy(im->recs + im->n, sub.recs, sub.n * sizeof(*sub.recs));
	im->n += sub.n;
	free(sub.recs);
	for (size_t i = 0; i < sub_rep.errors.n; i++)
		tm_strv_push_owned(&im->rep->errors, sub_rep.errors.v[i]);
	free(sub_rep.errors.v);
}

static tm_rc read_stream(struct import *im, const char *name, FILE *f, tm_err *err)
{
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	struct batch *b = tm_xcalloc(1, sizeof(*b));
	tm_buf_init(&b->text);
	errno = 0;
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			len--;
		b->at[b->n] = b->text.len;
		b->len[b->n] = (size_t)len;
		b->lineno[b->n++] = lineno;
		tm_buf_add(&b->text, line, (size_t)len);
		tm_buf_addch(&b->text, '\0');
		if (b->n == BATCH_LINES) {
			parse_batch(im, name, b);
			b->n = 0;
			tm_buf_reset(&b->text);
		}
	}
	int failed = ferror(f);
	if (b->n)
		parse_batch(im, name, b);
	tm_buf_release(&b->text);
	free(b);
	free(line);
	if (failed)
		return tm_fail(err, TM_ERR_IO, "unable to read '%s': %s", name, strerror(errno));
	return TM_OK;
}

/* ---- pass 2: records against each other and the database ---- */

/* The key under which a record is unique within an import. */
static void rec_key(const struct rec *r, tm_buf *key)
{
	tm_buf_reset(key);
	switch (r->type) {
	case REC_SOURCE: tm_buf_addf(key, "s\x1f%s", r->u.src.id); break;
	case REC_ENTITY: tm_buf_addf(key, "e\x1f%s", r->u.ent.id); break;
	case REC_RELATION:
		tm_buf_addf(key, "r\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", r->u.rel.subject, r->u.rel.predicate,
			    r->u.rel.object, r->u.rel.start, r->u.rel.end);
		break;
	case REC_SITE: tm_buf_addf(key, "site\x1f%s", r->u.site.id); break;
	case REC_ACTION: tm_buf_addf(key, "action\x1f%s", r->u.act.id); break;
	}
}

/* The id a redefinition message names. */
static const char *rec_id(const struct rec *r)
{
	switch (r->type) {
	case REC_SOURCE: return r->u.src.id;
	case REC_ENTITY: return r->u.ent.id;
	case REC_SITE: return r->u.site.id;
	case REC_ACTION: return r->u.act.id;
	case REC_RELATION: break;
	}
	return "";
}

/* The entity ids a record refers to, into refs. */
static void rec_entity_refs(const struct rec *r, tm_strv *refs)
{
	const tm_parties *lists[2] = { NULL, NULL };
	switch (r->type) {
	case REC_RELATION:
		tm_strv_push(refs, r->u.rel.subject);
		tm_strv_push(refs, r->u.rel.object);
		break;
	case REC_SITE:
		if (r->u.site.entity)
			tm_strv_push(refs, r->u.site.entity);
		break;
	case REC_ACTION:
		lists[0] = &r->u.act.actors;
		lists[1] = &r->u.act.targets;
		break;
	case REC_SOURCE:
	case REC_ENTITY: break;
	}
	for (int l = 0; l < 2; l++)
		for (size_t i = 0; lists[l] && i < lists[l]->n; i++)
			if (lists[l]->v[i].entity)
				tm_strv_push(refs, lists[l]->v[i].entity);
}

/* The record's canonical JSON, made when first asked for: only records that
 * share a key are compared, and building it for every record cost a third of
 * the reading of a large file. */
static const char *rec_canon(struct rec *r)
{
	if (!r->canon) {
		json_t *j = NULL;
		switch (r->type) {
		case REC_SOURCE: j = tm_source_to_json(&r->u.src); break;
		case REC_ENTITY: j = tm_entity_to_json(&r->u.ent); break;
		case REC_RELATION: j = tm_relation_to_json(&r->u.rel); break;
		case REC_ACTION: j = tm_action_to_json(&r->u.act); break;
		case REC_SITE: j = tm_site_to_json(&r->u.site); break;
		}
		r->canon = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(j);
	}
	return r->canon;
}

/* The keys of an import in a hash table (open addressing, linear probing):
 * slot holds a record index + 1, 0 for empty. */
struct keyset {
	char **key; /* per record: its key */
	size_t *slot;
	size_t mask;
};

static uint64_t key_hash(const char *k)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ULL;
	return h ^ (h >> 29);
}

/* The slot where key is, or the empty slot where it would go. */
static size_t keyset_find(const struct keyset *ks, const char *key)
{
	size_t i = (size_t)key_hash(key) & ks->mask;
	while (ks->slot[i] && strcmp(ks->key[ks->slot[i] - 1], key) != 0)
		i = (i + 1) & ks->mask;
	return i;
}

static int keyset_has(const struct keyset *ks, const char *key)
{
	return ks->slot[keyset_find(ks, key)] != 0;
}

static void check_refs(struct import *im)
{
	/* repeats: the same key twice is fine when the content is the same; the
	 * table keeps the first record of each key, as records come in order */
	struct keyset ks;
	size_t size = 16;
	while (size < 2 * im->n)
		size *= 2;
	ks.key = tm_xcalloc(im->n ? im->n : 1, sizeof(*ks.key));
	ks.slot = tm_xcalloc(size, sizeof(*ks.slot));
	ks.mask = size - 1;
	tm_buf key = TM_BUF_INIT;
	for (size_t i = 0; i < im->n; i++) {
		rec_key(&im->recs[i], &key);
		ks.key[i] = tm_xstrdup(key.buf);
		size_t at = keyset_find(&ks, key.buf);
		if (!ks.slot[at]) {
			ks.slot[at] = i + 1;
			continue;
		}
		struct rec *first = &im->recs[ks.slot[at] - 1], *again = &im->recs[i];
		if (strcmp(rec_canon(first), rec_canon(again)) == 0) {
			again->dup = 1;
			continue;
		}
		tm_buf_reset(&key);
		if (again->type == REC_RELATION)
			tm_buf_addf(&key, "relation '%s %s %s'", again->u.rel.subject, again->u.rel.predicate,
				    again->u.rel.object);
		else
			tm_buf_addf(&key, "id '%s'", rec_id(again));
		report(im, again->file, again->line, "%s redefined with different content (first at %s:%zu)", key.buf,
		       first->file, first->line);
	}
	for (size_t i = 0; i < im->n; i++) {
		struct rec *r = &im->recs[i];
		if (r->dup)
			continue;
		const tm_cites *cites = r->type == REC_ENTITY ? &r->u.ent.cites :
					r->type == REC_RELATION ? &r->u.rel.cites :
					r->type == REC_SITE ? &r->u.site.cites :
					r->type == REC_ACTION ? &r->u.act.cites : NULL;
		for (size_t c = 0; cites && c < cites->n; c++) {
			tm_buf_reset(&key);
			tm_buf_adds(&key, "s\x1f");
			tm_buf_adds(&key, cites->v[c].source);
			if (!keyset_has(&ks, key.buf) && !tm_store_has_source(im->st, cites->v[c].source))
				report(im, r->file, r->line, "unknown source '%s'", cites->v[c].source);
		}
		tm_strv refs = TM_STRV_INIT;
		rec_entity_refs(r, &refs);
		for (size_t e = 0; e < refs.n; e++) {
			tm_buf_reset(&key);
			tm_buf_adds(&key, "e\x1f");
			tm_buf_adds(&key, refs.v[e]);
			if (!keyset_has(&ks, key.buf) && !tm_store_has_entity(im->st, refs.v[e]))
				report(im, r->file, r->line, "unknown entity '%s'", refs.v[e]);
		}
		tm_strv_release(&refs);
	}
	for (size_t i = 0; i < im->n; i++)
		free(ks.key[i]);
	free(ks.key);
	free(ks.slot);
	tm_buf_release(&key);
}

/* Errors were reported in pass order; list them by file and line. */
static int error_cmp(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	/* "FILE:LINE: reason": FILE ends at the last ':' before the first ": " */
	const char *ex = strstr(x, ": "), *ey = strstr(y, ": ");
	if (!ex || !ey)
		return strcmp(x, y);
	const char *cx = ex, *cy = ey;
	while (cx > x && cx[-1] != ':')
		cx--;
	while (cy > y && cy[-1] != ':')
		cy--;
	size_t fx = cx > x ? (size_t)(cx - 1 - x) : 0, fy = cy > y ? (size_t)(cy - 1 - y) : 0;
	int c = strncmp(x, y, fx < fy ? fx : fy);
	if (c || fx != fy)
		return c ? c : (fx < fy ? -1 : 1);
	long lx = strtol(cx, NULL, 10), ly = strtol(cy, NULL, 10);
	if (lx != ly)
		return lx < ly ? -1 : 1;
	return strcmp(x, y);
}

/* ---- pass 3: write ---- */

static tm_rc write_all(struct import *im, tm_err *err)
{
	tm_rc rc = tm_store_begin(im->st, err);
	if (rc)
		return rc;
	size_t done = 0;
	/* sources, entities, relations, sites, actions: later ones refer to earlier */
	for (int pass = REC_SOURCE; pass <= REC_ACTION && !rc; pass++) {
		for (size_t i = 0; i < im->n && !rc; i++) {
			struct rec *r = &im->recs[i];
			if ((int)r->type != pass || r->dup)
				continue;
			if (r->type == REC_SOURCE)
				rc = tm_store_put_source(im->st, &r->u.src, err);
			else if (r->type == REC_ENTITY)
				rc = tm_store_put_entity(im->st, &r->u.ent, err);
			else if (r->type == REC_RELATION)
				rc = tm_store_put_relation(im->st, &r->u.rel, err);
			else if (r->type == REC_SITE)
				rc = tm_store_put_site(im->st, &r->u.site, err);
			else
				rc = tm_store_put_action(im->st, &r->u.act, err);
			if (rc) {
				report(im, r->file, r->line, "%s", err ? err->msg : "unable to write");
				break;
			}
			if (im->opts && im->opts->progress && (++done % 4096 == 0 || done == im->n))
				im->opts->progress(im->opts->progress_ctx, done, im->n);
		}
	}
	if (!rc)
		rc = tm_store_commit(im->st, err);
	if (rc)
		tm_store_rollback(im->st);
	return rc;
}

static tm_rc finish(struct import *im, tm_err *err)
{
	tm_rc rc = TM_OK;
	if (!im->rep->errors.n)
		check_refs(im);
	for (size_t i = 0; i < im->n; i++) {
		if (im->recs[i].dup)
			continue;
		switch (im->recs[i].type) {
		case REC_SOURCE: im->rep->sources++; break;
		case REC_ENTITY: im->rep->entities++; break;
		case REC_RELATION: im->rep->relations++; break;
		case REC_SITE: im->rep->sites++; break;
		case REC_ACTION: im->rep->actions++; break;
		}
	}
	if (im->rep->errors.n) {
		qsort(im->rep->errors.v, im->rep->errors.n, sizeof(char *), error_cmp);
		rc = tm_fail(err, TM_ERR_INVALID, "%zu bad line%s: nothing imported", im->rep->errors.n,
			     im->rep->errors.n == 1 ? "" : "s");
	} else {
		rc = write_all(im, err);
	}
	for (size_t i = 0; i < im->n; i++)
		rec_release(&im->recs[i]);
	free(im->recs);
	return rc;
}

tm_rc tm_import_files(tm_store *st, const char *const *paths, size_t n, const tm_import_opts *opts,
		      tm_import_report *rep, tm_err *err)
{
	struct import im = { st, opts, rep, NULL, 0, 0 };
	memset(rep, 0, sizeof(*rep));
	for (size_t i = 0; i < n; i++) {
		int is_stdin = strcmp(paths[i], "-") == 0;
		FILE *f = is_stdin ? stdin : fopen(paths[i], "rb");
		if (!f) {
			report(&im, paths[i], 0, "unable to open: %s", strerror(errno));
			continue;
		}
		tm_rc rc = read_stream(&im, is_stdin ? "<stdin>" : paths[i], f, err);
		if (!is_stdin)
			fclose(f);
		if (rc)
			report(&im, paths[i], 0, "%s", err ? err->msg : "read error");
	}
	return finish(&im, err);
}

tm_rc tm_import_buffer(tm_store *st, const char *name, const char *data, size_t len, const tm_import_opts *opts,
		       tm_import_report *rep, tm_err *err)
{
	struct import im = { st, opts, rep, NULL, 0, 0 };
	memset(rep, 0, sizeof(*rep));
	size_t lineno = 0, pos = 0;
	while (pos < len) {
		const char *nl = memchr(data + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - data) : len;
		parse_line(&im, name, ++lineno, data + pos, end - pos);
		pos = end + 1;
	}
	return finish(&im, err);
}
