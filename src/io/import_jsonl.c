/*
 * The JSON Lines importer.
 *
 * One transaction, so that a bad file never half-lands: every record is
 * written inside it as soon as it is known good, and any bad line anywhere
 * rolls all of it back.  Records stream through three stages:
 *   1. worker threads read batches of lines and check each line on its own
 *      (UTF-8, JSON, fields, vocabularies, dates), and make the match keys
 *      of entity names (ICU, the costliest part of storing a name);
 *   2. the writer (the calling thread) takes the batches in input order and
 *      checks each record against the records before it and the database
 *      (references, an id defined twice with different content), keeping
 *      only a key per record;
 *   3. it writes the record at once, unless the record refers to one not
 *      written yet; such a record waits in memory (with every later record
 *      of its type, so that each table is still written in input order)
 *      until the end, where references are checked against the whole input.
 * A file in the export's order (sources, entities, relations …) never waits,
 * so memory holds the keys and a few batches, not the records.
 */

#include "io/import_internal.h"

#include <errno.h>
#include <stddef.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "seal/seal.h"
#include "store/store_campaign.h"
#include "store/store_capture.h"
#include "store/store_petition.h"
#include "store/store_history.h"
#include "text/text.h"

/* history's names of the record types (store_history.h) */
static const char *const rec_type_names[N_REC_TYPES] = { "source", "entity", "relation", "involvement", "site",
							 "action", "capture", "petition", "page" };

void tm_import_rec_release(struct rec *r)
{
	switch (r->type) {
	case REC_SOURCE: tm_source_release(&r->u.src); break;
	case REC_ENTITY: tm_entity_release(&r->u.ent); break;
	case REC_RELATION: tm_relation_release(&r->u.rel); break;
	case REC_INVOLVEMENT: tm_involvement_release(&r->u.inv); break;
	case REC_SITE: tm_site_release(&r->u.site); break;
	case REC_ACTION: tm_action_release(&r->u.act); break;
	case REC_CAPTURE: tm_capture_release(&r->u.cap); break;
	case REC_PETITION: tm_petition_release(&r->u.pet); break;
	case REC_PAGE: tm_page_release(&r->u.page); break;
	case REC_ATTACH:
		free(r->u.att.target);
		free(r->u.att.a);
		free(r->u.att.b);
		free(r->u.att.c);
		free(r->u.att.why);
		break;
	}
	tm_name_index_release(&r->names);
	free(r->canon);
	free(r->ftm);
	free(r->vouch);
	free(r->where);
	/* a record kept waiting has only its own member's room (keep()) */
	size_t size = r->type == REC_RELATION ? offsetof(struct rec, u) + sizeof(tm_relation) :
		      r->type == REC_ENTITY ? offsetof(struct rec, u) + sizeof(tm_entity) : sizeof(*r);
	enum rec_type type = r->type;
	memset(r, 0, size);
	r->type = type;
}
#define rec_release tm_import_rec_release

struct rec *tm_import_push(struct recbuf *out, enum rec_type type, const char *file, uint32_t input, size_t line)
{
	TM_GROW(out->v, out->cap, out->n + 1);
	struct rec *r = &out->v[out->n++];
	memset(r, 0, sizeof(*r));
	r->type = type;
	r->file = file;
	r->input = input;
	r->line = line;
	return r;
}

void tm_import_pop(struct recbuf *out)
{
	if (out->n)
		rec_release(&out->v[--out->n]);
}

void tm_recbuf_release(struct recbuf *out)
{
	for (size_t i = 0; i < out->n; i++)
		rec_release(&out->v[i]);
	free(out->v);
	tm_strv_release(&out->errors);
	tm_import_drops_release(&out->drops);
	tm_strv_release(&out->seen);
	memset(out, 0, sizeof(*out));
}

void tm_import_drop(tm_import_drops *d, const char *what, size_t n)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->v[i].what, what) == 0) {
			d->v[i].n += n;
			return;
		}
	TM_GROW(d->v, d->cap, d->n + 1);
	d->v[d->n].what = tm_xstrdup(what);
	d->v[d->n++].n = n;
}

void tm_import_drops_add(tm_import_drops *d, const tm_import_drops *from)
{
	for (size_t i = 0; i < from->n; i++)
		tm_import_drop(d, from->v[i].what, from->v[i].n);
}

void tm_import_drops_release(tm_import_drops *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->v[i].what);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* Append "FILE:LINE: reason" to errors. */
static void report(tm_strv *errors, const char *file, size_t line, const char *fmt, ...) TM_PRINTF(4, 5);
static void report(tm_strv *errors, const char *file, size_t line, const char *fmt, ...)
{
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s:%zu: ", file, line);
	va_list ap;
	va_start(ap, fmt);
	tm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	tm_strv_push_owned(errors, tm_buf_detach(&b));
}

void tm_import_report_release(tm_import_report *rep)
{
	tm_strv_release(&rep->errors);
	tm_strv_release(&rep->changes);
	tm_import_drops_release(&rep->drops);
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

/* A date later than tomorrow (UTC) is a typo: the data records what
 * happened.  The day of slack lets a time zone ahead of UTC record its
 * today. */
static int date_in_future(const char *date)
{
	time_t t = time(NULL) + 86400;
	struct tm tm;
	char tomorrow[TM_DATE_MAX];
	gmtime_r(&t, &tm);
	strftime(tomorrow, sizeof(tomorrow), "%Y-%m-%d", &tm);
	char today[11];
	tm_today(today);
	/* a test's TIEMAP_TODAY later than the clock is not the future */
	if (strcmp(today, tomorrow) > 0)
		memcpy(tomorrow, today, sizeof(today));
	return strncmp(date, tomorrow, strlen(date)) > 0;
}

/* A day (YYYY-MM-DD) that has happened: added, changed, accessed. */
static int get_day(json_t *obj, const char *field, char out[TM_DATE_MAX], struct why *w)
{
	if (get_date(obj, field, out, w))
		return -1;
	if (out[0] && tm_date_precision(out) != 3)
		return failf(w, "'%s' is a day: use YYYY-MM-DD", field);
	if (out[0] && date_in_future(out))
		return failf(w, "'%s' %s is in the future", field, out);
	return 0;
}

/* "added" and "changed" of a claim (store.h has what they mean). */
static int get_claim_dates(json_t *obj, char added[TM_DATE_MAX], char changed[TM_DATE_MAX], struct why *w)
{
	if (get_day(obj, "added", added, w) || get_day(obj, "changed", changed, w))
		return -1;
	if (added[0] && changed[0] && strcmp(added, changed) > 0)
		return failf(w, "changed %s is before added %s", changed, added);
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

static int need_cites(const tm_import_opts *opts, const tm_cites *c, int *unsourced, struct why *w)
{
	*unsourced = 0;
	if (c->n)
		return 0;
	if (opts && opts->allow_unsourced) {
		*unsourced = 1;
		return 0;
	}
	return failf(w, "no citation: every claim needs 'sources' (or import with --allow-unsourced)");
}

static int parse_source(json_t *o, tm_source *s, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "title", "author", "publisher", "date",
					       "url", "lang", "note", "accessed", "checked", NULL };
	if (check_fields(o, allowed, w) || get_id(o, "id", &s->id, w) || get_str(o, "title", 1, &s->title, w) ||
	    get_str(o, "author", 0, &s->author, w) || get_str(o, "publisher", 0, &s->publisher, w) ||
	    get_date(o, "date", s->date, w) || get_str(o, "url", 0, &s->url, w) || get_str(o, "lang", 0, &s->lang, w) ||
	    get_str(o, "note", 0, &s->note, w) || get_day(o, "accessed", s->accessed, w))
		return -1;
	json_t *checked = json_object_get(o, "checked");
	if (checked && !json_is_boolean(checked))
		return failf(w, "'checked' must be true or false");
	s->checked = json_is_true(checked);
	if (s->url && !tm_url_http(s->url))
		return failf(w, "url must be an absolute http:// or https:// URL without spaces, control or "
			     "bidirectional characters");
	if (s->lang && !tm_lang_valid(s->lang))
		return failf(w, "bad language tag '%.40s'", s->lang);
	return 0;
}

static int parse_entity(const tm_import_opts *opts, json_t *o, tm_entity *e, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "kind", "country", "start", "end", "names",
					       "description", "tags", "identifiers", "referents", "sources", "added", "changed", NULL };
	if (check_fields(o, allowed, w) || get_id(o, "id", &e->id, w) || get_str(o, "kind", 1, &e->kind, w) ||
	    get_str(o, "country", 0, &e->country, w) || get_date(o, "start", e->start, w) ||
	    get_date(o, "end", e->end, w) || get_cites(o, &e->cites, w) || need_cites(opts, &e->cites, &e->unsourced, w) ||
	    get_claim_dates(o, e->added, e->changed, w))
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
	/* the ids merged into this entity (docs/editing.md): each names it,
	 * so none may be its own id; the store checks they name nothing else */
	json_t *refs = json_object_get(o, "referents");
	if (refs) {
		if (!json_is_array(refs))
			return failf(w, "'referents' must be an array of ids");
		json_array_foreach(refs, i, v) {
			const char *r = json_string_value(v);
			if (!r || !tm_id_valid(r))
				return failf(w, "bad id in 'referents': use a slug such as \"hikvision\"");
			if (strcmp(r, e->id) == 0)
				return failf(w, "'referents' names the entity's own id '%s'", r);
			if (tm_strv_contains(&e->referents, r))
				return failf(w, "referent '%s' given twice", r);
			tm_strv_push(&e->referents, r);
		}
	}
	return 0;
}

static int parse_relation(const tm_import_opts *opts, json_t *o, tm_relation *r, struct why *w)
{
	static const char *const allowed[] = { "type", "subject", "predicate", "object", "start", "end", "amount",
					       "currency", "share", "note", "sources", "added", "changed", NULL };
	if (check_fields(o, allowed, w) || get_id(o, "subject", &r->subject, w) ||
	    get_str(o, "predicate", 1, &r->predicate, w) || get_id(o, "object", &r->object, w) ||
	    get_date(o, "start", r->start, w) || get_date(o, "end", r->end, w) ||
	    get_number(o, "amount", &r->has_amount, &r->amount, w) || get_str(o, "currency", 0, &r->currency, w) ||
	    get_number(o, "share", &r->has_share, &r->share, w) || get_str(o, "note", 0, &r->note, w) ||
	    get_cites(o, &r->cites, w) || need_cites(opts, &r->cites, &r->unsourced, w) ||
	    get_claim_dates(o, r->added, r->changed, w))
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

/* An involvement (model.h): an accusation published under the network's
 * name, so it always quotes its evidence, --allow-unsourced or not. */
static int parse_involvement(json_t *o, tm_involvement *v, struct why *w)
{
	static const char *const allowed[] = { "type", "entity", "category", "start", "end", "note", "sources",
					       "added", "changed", NULL };
	if (check_fields(o, allowed, w) || get_id(o, "entity", &v->entity, w) ||
	    get_str(o, "category", 1, &v->category, w) || get_date(o, "start", v->start, w) ||
	    get_date(o, "end", v->end, w) || get_str(o, "note", 0, &v->note, w) || get_cites(o, &v->cites, w) ||
	    get_claim_dates(o, v->added, v->changed, w))
		return -1;
	if (!tm_category_find(v->category)) {
		tm_buf all = TM_BUF_INIT;
		for (size_t i = 0; i < tm_n_categories; i++)
			tm_buf_addf(&all, "%s%s", i ? ", " : "", tm_categories[i].id);
		failf(w, "unknown category '%.40s': use one of %s (docs/format.md)", v->category, all.buf);
		tm_buf_release(&all);
		return -1;
	}
	if (v->start[0] && v->end[0] && strcmp(v->start, v->end) > 0)
		return failf(w, "start %s is after end %s", v->start, v->end);
	if (!v->cites.n)
		return failf(w, "no citation: an involvement needs 'sources', each with the 'quote' that says so");
	for (size_t i = 0; i < v->cites.n; i++)
		if (!v->cites.v[i].quote)
			return failf(w, "citation of '%s' has no 'quote': an involvement quotes its evidence",
				     v->cites.v[i].source);
	return 0;
}

/* A page of the site's own text: {"type":"page","id","title":{"en","zh"},"body":{"en","zh"}}. */
static int get_bitext(json_t *obj, const char *field, tm_bitext *out, struct why *w);
static int parse_page(json_t *o, tm_page *p, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "title", "body", NULL };
	tm_bitext title = { NULL, NULL }, body = { NULL, NULL };
	if (check_fields(o, allowed, w) || get_id(o, "id", &p->id, w) || get_bitext(o, "title", &title, w) ||
	    get_bitext(o, "body", &body, w)) {
		tm_bitext_release(&title);
		tm_bitext_release(&body);
		return -1;
	}
	p->title_en = title.en;
	p->title_zh = title.zh;
	p->body_en = body.en;
	p->body_zh = body.zh;
	if (!p->title_en && !p->title_zh)
		return failf(w, "missing field 'title': give {\"en\": …} or {\"zh\": …} or both");
	if (!p->body_en && !p->body_zh)
		return failf(w, "missing field 'body': give {\"en\": …} or {\"zh\": …} or both");
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

/* An integer field in [min, max]. */
static int get_int(json_t *o, const char *field, int required, int64_t min, int64_t max, int64_t *out,
		   struct why *w)
{
	json_t *v = json_object_get(o, field);
	if (!v || json_is_null(v))
		return required ? failf(w, "missing field '%s'", field) : 0;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return failf(w, "field '%s' must be a whole number from %lld to %lld", field, (long long)min,
			     (long long)max);
	*out = json_integer_value(v);
	return 0;
}

static int parse_capture(json_t *o, tm_capture *c, struct why *w)
{
	static const char *const allowed[] = { "type", "source", "fetched", "url", "final_url", "status",
					       "content_type", "length", "sha256", "warc", "warc_sha256", "redirects",
					       NULL };
	char *fetched = NULL, *sha = NULL, *wsha = NULL;
	int64_t status = 0, length = 0;
	int bad = check_fields(o, allowed, w) || get_id(o, "source", &c->source, w) ||
		  get_str(o, "fetched", 1, &fetched, w) || get_str(o, "url", 1, &c->url, w) ||
		  get_str(o, "final_url", 1, &c->final_url, w) || get_int(o, "status", 1, 200, 299, &status, w) ||
		  get_str(o, "content_type", 0, &c->content_type, w) ||
		  get_int(o, "length", 1, 0, INT64_MAX, &length, w) || get_str(o, "sha256", 1, &sha, w) ||
		  get_str(o, "warc", 1, &c->warc, w) || get_str(o, "warc_sha256", 1, &wsha, w);
	if (!bad && !tm_time_valid(fetched))
		bad = failf(w, "bad time '%.40s' in 'fetched': use YYYY-MM-DDTHH:MM:SSZ (UTC)", fetched);
	if (!bad && (!tm_sha256_hex_valid(sha) || !tm_sha256_hex_valid(wsha)))
		bad = failf(w, "'sha256' and 'warc_sha256' must be 64 lower-case hex digits");
	if (!bad) {
		memcpy(c->fetched, fetched, TM_TIME_MAX);
		memcpy(c->sha256, sha, TM_SHA256_HEX);
		memcpy(c->warc_sha256, wsha, TM_SHA256_HEX);
	}
	free(fetched);
	free(sha);
	free(wsha);
	if (bad)
		return -1;
	c->status = (int)status;
	c->length = length;
	if (!tm_url_http(c->url) || !tm_url_http(c->final_url))
		return failf(w, "'url' and 'final_url' must be http:// or https:// URLs (no space, control or bidi "
			     "character)");
	for (const unsigned char *p = (const unsigned char *)c->content_type; p && *p; p++)
		if (*p < ' ' || *p == 0x7f || p - (const unsigned char *)c->content_type > 200)
			return failf(w, "bad 'content_type': at most 200 characters, none a control character");
	if (!tm_warc_name_valid(c->warc))
		return failf(w, "bad 'warc' '%.60s': a file name of a-z, 0-9, '-', '_', '.' ending in .warc", c->warc);
	json_t *redirects = json_object_get(o, "redirects");
	if (redirects) {
		size_t i;
		json_t *v;
		if (!json_is_array(redirects) || json_array_size(redirects) > 50)
			return failf(w, "'redirects' must be an array of at most 50 {\"url\", \"status\"}");
		json_array_foreach(redirects, i, v) {
			static const char *const hop_fields[] = { "url", "status", NULL };
			char *url = NULL;
			int64_t st = 0;
			if (!json_is_object(v) || check_fields(v, hop_fields, w) || get_str(v, "url", 1, &url, w) ||
			    get_int(v, "status", 1, 300, 399, &st, w)) {
				free(url);
				return json_is_object(v) ? -1 : failf(w, "each of 'redirects' must be {\"url\", \"status\"}");
			}
			if (!tm_url_http(url)) {
				free(url);
				return failf(w, "a redirect's 'url' must be an http:// or https:// URL");
			}
			tm_capture_add_redirect(c, url, (int)st);
			free(url);
		}
	}
	return 0;
}

/* A petition (model/petition.h): the network's appeal, so no sources;
 * opens and closes are days, and the organisers' public key must be one. */
static int parse_petition(json_t *o, tm_petition *p, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "title", "text", "target", "entities", "action",
					       "opens", "closes", "goal", "public_key", NULL };
	if (check_fields(o, allowed, w) || get_id(o, "id", &p->id, w) || get_bitext(o, "title", &p->title, w) ||
	    get_bitext(o, "text", &p->text, w) || get_bitext(o, "target", &p->target, w) ||
	    get_date(o, "opens", p->opens, w) || get_date(o, "closes", p->closes, w) ||
	    get_str(o, "public_key", 1, &p->public_key, w))
		return -1;
	if (json_object_get(o, "action") && get_id(o, "action", &p->action, w))
		return -1;
	if (!p->title.en && !p->title.zh)
		return failf(w, "missing field 'title': give {\"en\": …} or {\"zh\": …} or both");
	if (!p->text.en && !p->text.zh)
		return failf(w, "missing field 'text': give {\"en\": …} or {\"zh\": …} or both");
	if (!p->opens[0])
		return failf(w, "missing field 'opens'");
	if (tm_date_precision(p->opens) != 3)
		return failf(w, "'opens' must be a day, YYYY-MM-DD");
	if (p->closes[0] && tm_date_precision(p->closes) != 3)
		return failf(w, "'closes' must be a day, YYYY-MM-DD");
	if (p->closes[0] && strcmp(p->closes, p->opens) < 0)
		return failf(w, "closes %s is before opens %s", p->closes, p->opens);
	unsigned char key[TM_SEAL_KEY_BYTES];
	if (tm_seal_key_parse(p->public_key, key))
		return failf(w, "'public_key' is not a key: give the public key that 'tiemap petition keygen' printed");
	json_t *goal = json_object_get(o, "goal");
	if (goal && !json_is_null(goal)) {
		if (!json_is_integer(goal) || json_integer_value(goal) < 1 || json_integer_value(goal) > 1000000000)
			return failf(w, "'goal' must be a whole number of signatures from 1 to 1000000000");
		p->goal = json_integer_value(goal);
	}
	json_t *ents = json_object_get(o, "entities");
	if (ents && !json_is_null(ents)) {
		size_t i;
		json_t *v;
		if (!json_is_array(ents))
			return failf(w, "'entities' must be an array of entity ids");
		json_array_foreach(ents, i, v) {
			if (!json_is_string(v) || !tm_id_valid(json_string_value(v)))
				return failf(w, "bad entity id in 'entities'");
			if (tm_strv_contains(&p->entities, json_string_value(v)))
				return failf(w, "'entities' names '%s' twice", json_string_value(v));
			tm_strv_push(&p->entities, json_string_value(v));
		}
	}
	return 0;
}

/* ---- history: the changes and revisions an export --history carries ---- */

struct hist {
	int is_change;
	size_t line;
	tm_change c;
	tm_revision r;
};

static void hist_release(struct hist *h)
{
	tm_change_release(&h->c);
	tm_revision_release(&h->r);
}

static int get_rowid(json_t *o, const char *field, int64_t *out, struct why *w)
{
	return get_int(o, field, 1, 1, INT64_MAX / 2, out, w);
}

/* A record's state in a revision: an object of the record's type, or null
 * (none); kept as the export printed it, which is its canonical form. */
static int get_state(json_t *o, const char *field, const char *record, char **out, struct why *w)
{
	json_t *v = json_object_get(o, field);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_object(v) || !tm_streq(json_string_value(json_object_get(v, "type")), record))
		return failf(w, "'%s' must be null or a record of type '%s'", field, record);
	*out = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER);
	return 0;
}

static int parse_change(json_t *o, tm_change *c, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "at", "author", "via", "summary", "status",
					       "reviewer", "reviewed_at", "review_note", "approves", NULL };
	char *status = NULL;
	if (check_fields(o, allowed, w) || get_rowid(o, "id", &c->id, w) || get_str(o, "at", 1, &c->at, w) ||
	    get_str(o, "author", 1, &c->author, w) || get_str(o, "via", 1, &c->via, w) ||
	    get_str(o, "summary", 1, &c->summary, w) || get_str(o, "status", 0, &status, w) ||
	    get_str(o, "reviewer", 0, &c->reviewer, w) || get_str(o, "reviewed_at", 0, &c->reviewed_at, w) ||
	    get_str(o, "review_note", 0, &c->review_note, w) ||
	    (json_object_get(o, "approves") && get_rowid(o, "approves", &c->approves, w))) {
		free(status);
		return -1;
	}
	c->status = status ? tm_change_status_parse(status) : TM_CHANGE_PUBLISHED;
	free(status);
	if (c->status < 0)
		return failf(w, "bad 'status': use published, pending, returned, rejected or approved");
	return 0;
}

static int parse_revision(json_t *o, tm_revision *r, struct why *w)
{
	static const char *const allowed[] = { "type", "id", "change", "record", "key", "prev_key", "before", "after",
					       NULL };
	if (check_fields(o, allowed, w) || get_rowid(o, "id", &r->id, w) || get_rowid(o, "change", &r->change, w) ||
	    get_str(o, "record", 1, &r->record, w) || get_str(o, "key", 1, &r->key, w) ||
	    get_str(o, "prev_key", 0, &r->prev_key, w))
		return -1;
	static const char *const records[] = { "source", "entity", "relation", "action", "site", "involvement",
					       NULL };
	int known = 0;
	for (const char *const *k = records; *k; k++)
		known |= strcmp(*k, r->record) == 0;
	if (!known)
		return failf(w, "unknown record '%.40s' in a revision", r->record);
	if (get_state(o, "before", r->record, &r->before, w) || get_state(o, "after", r->record, &r->after, w))
		return -1;
	if (!r->before && !r->after)
		return failf(w, "a revision needs 'before', 'after' or both");
	return 0;
}

/* ---- stage 1: batches of lines, read and parsed on worker threads ---- */

#define BATCH_LINES 4096
#define MAX_WORKERS 2
#define SLOTS (MAX_WORKERS + 2) /* batches in flight: being parsed, or parsed and waiting */

struct batch {
	size_t seq;        /* its place in the input: the writer takes batches in this order */
	uint32_t input;    /* the input its lines are from (one per batch) */
	const char *file;  /* that input's name, as errors give it */
	tm_buf text;       /* the lines, each NUL-terminated */
	size_t at[BATCH_LINES], len[BATCH_LINES], lineno[BATCH_LINES];
	size_t n;          /* lines */
	size_t bytes;      /* input bytes the lines took */
	struct recbuf out; /* the good lines' records in line order, the bad lines' "FILE:LINE: reason" */
	struct hist *hist; /* the good lines of history (a change, a revision), in line order */
	size_t n_hist, cap_hist;
	enum { B_FREE, B_BUSY, B_READY } state;
};

/* What batches are read from: files, or one buffer. */
struct input {
	const char *const *paths; /* files ("-" standard input), or NULL for data */
	size_t n_paths;
	const char *name;         /* the buffer's name */
	const char *data;
	size_t len, pos;
	size_t next;              /* the input to open next */
	uint32_t cur;             /* the input being read */
	FILE *f;                  /* the file being read, or NULL */
	int open;                 /* cur is being read */
	size_t lineno;            /* lines read of it */
	char *line;               /* getline's buffer */
	size_t cap;
	int done;                 /* every input read (or reading stopped) */
};

struct pipeline {
	pthread_mutex_t mu; /* guards everything below but the batches' contents */
	pthread_cond_t cv;  /* a batch changed state, or reading ended */
	struct input in;
	struct batch slot[SLOTS];
	size_t next_seq;          /* seq of the next batch read */
	tm_strv errors;           /* inputs that could not be opened or read: "PATH:0: reason" */
	const tm_import_opts *opts;
	pthread_t worker[MAX_WORKERS];
	size_t n_workers;
	size_t total_bytes;       /* the inputs' size, 0 when unknown (a pipe) */
	struct recbuf *prepared;  /* records made already (tm_import_recs()): the one batch */
};

/* The name errors give input i. */
static const char *input_name(const struct input *in, uint32_t i)
{
	if (!in->paths)
		return in->name;
	return strcmp(in->paths[i], "-") == 0 ? "<stdin>" : in->paths[i];
}

/* Fill b with the next lines of one input (none at the end of the last).
 * Called with the pipeline's lock held: reading is sequential, parsing is not. */
static void read_batch(struct pipeline *p, struct batch *b)
{
	struct input *in = &p->in;
	b->seq = p->next_seq++;
	b->n = 0;
	b->bytes = 0;
	tm_buf_reset(&b->text);
	while (!in->done && b->n < BATCH_LINES) {
		if (!in->open) {
			if (in->next >= (in->paths ? in->n_paths : 1)) {
				in->done = 1;
				break;
			}
			if (b->n)
				break; /* a batch holds the lines of one input */
			in->cur = (uint32_t)in->next++;
			in->lineno = 0;
			if (in->paths) {
				const char *path = in->paths[in->cur];
				in->f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
				if (!in->f) {
					report(&p->errors, path, 0, "unable to open: %s", strerror(errno));
					continue;
				}
				errno = 0;
			}
			in->open = 1;
		}
		if (!b->n) {
			b->input = in->cur;
			b->file = input_name(in, in->cur);
		}
		const char *line;
		size_t len, took;
		if (in->f) {
			ssize_t got = getline(&in->line, &in->cap, in->f);
			if (got < 0) {
				if (ferror(in->f))
					report(&p->errors, in->paths[in->cur], 0, "unable to read '%s': %s", b->file,
					       strerror(errno));
				if (in->f != stdin)
					fclose(in->f);
				in->f = NULL;
				in->open = 0;
				continue;
			}
			line = in->line;
			len = took = (size_t)got;
			if (len > 0 && line[len - 1] == '\n')
				len--;
		} else {
			if (in->pos >= in->len) {
				in->open = 0;
				continue;
			}
			line = in->data + in->pos;
			const char *nl = memchr(line, '\n', in->len - in->pos);
			len = nl ? (size_t)(nl - line) : in->len - in->pos;
			took = nl ? len + 1 : len;
			in->pos += took;
		}
		b->at[b->n] = b->text.len;
		b->len[b->n] = len;
		b->lineno[b->n++] = ++in->lineno;
		b->bytes += took;
		tm_buf_add(&b->text, line, len);
		tm_buf_addch(&b->text, '\0');
	}
}

void tm_import_parse_json(const tm_import_opts *opts, json_t *o, struct recbuf *out, const char *file,
			  uint32_t input, size_t lineno, const char *where)
{
	tm_strv *errors = &out->errors;
	if (!json_is_object(o)) {
		if (where) {
			tm_buf b = TM_BUF_INIT;
			tm_buf_addf(&b, "%s: a record must be a JSON object", where);
			tm_strv_push_owned(errors, tm_buf_detach(&b));
		} else
			report(errors, file, lineno, "a record must be a JSON object");
		return;
	}
	const char *type = json_string_value(json_object_get(o, "type"));
	struct rec r;
	memset(&r, 0, sizeof(r));
	struct why w = { "" };
	int bad;
	if (!type) {
		bad = failf(&w, "missing field 'type'");
	} else if (strcmp(type, "source") == 0) {
		r.type = REC_SOURCE;
		bad = parse_source(o, &r.u.src, &w);
	} else if (strcmp(type, "entity") == 0) {
		r.type = REC_ENTITY;
		bad = parse_entity(opts, o, &r.u.ent, &w);
	} else if (strcmp(type, "relation") == 0) {
		r.type = REC_RELATION;
		bad = parse_relation(opts, o, &r.u.rel, &w);
	} else if (strcmp(type, "action") == 0) {
		r.type = REC_ACTION;
		bad = parse_action(o, &r.u.act, &w);
	} else if (strcmp(type, "site") == 0) {
		r.type = REC_SITE;
		bad = parse_site(o, &r.u.site, &w);
	} else if (strcmp(type, "capture") == 0) {
		r.type = REC_CAPTURE;
		bad = parse_capture(o, &r.u.cap, &w);
	} else if (strcmp(type, "involvement") == 0) {
		r.type = REC_INVOLVEMENT;
		bad = parse_involvement(o, &r.u.inv, &w);
	} else if (strcmp(type, "petition") == 0) {
		r.type = REC_PETITION;
		bad = parse_petition(o, &r.u.pet, &w);
	} else if (strcmp(type, "page") == 0) {
		r.type = REC_PAGE;
		bad = parse_page(o, &r.u.page, &w);
	} else {
		bad = failf(&w, "unknown type '%.40s'", type);
	}
	if (!bad && r.type == REC_ENTITY) {
		tm_err err = { 0 };
		if (tm_name_index_make(&r.u.ent, &r.names, &err))
			bad = failf(&w, "%s", err.msg);
	}
	if (bad) {
		if (where) {
			tm_buf b = TM_BUF_INIT;
			tm_buf_addf(&b, "%s: %s", where, w.msg);
			tm_strv_push_owned(errors, tm_buf_detach(&b));
		} else {
			report(errors, file, lineno, "%s", w.msg);
		}
		rec_release(&r);
		return;
	}
	struct rec *to = tm_import_push(out, r.type, file, input, lineno);
	*to = r;
	to->file = file;
	to->input = input;
	to->line = lineno;
	to->where = tm_xstrdup(where);
}

/* Parse one line into a record of b; problems go to b's errors. */
static void parse_line(const tm_import_opts *opts, struct batch *b, size_t lineno, const char *line, size_t len)
{
	const char *file = b->file;
	tm_strv *errors = &b->out.errors;
	size_t s = 0;
	while (s < len && (line[s] == ' ' || line[s] == '\t' || line[s] == '\r'))
		s++;
	if (s == len)
		return; /* blank lines are allowed */
	if (!tm_utf8_valid(line, len)) {
		report(errors, file, lineno, memchr(line, 0, len) ? "NUL byte in line" : "invalid UTF-8");
		return;
	}
	json_error_t jerr;
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		report(errors, file, lineno, "bad JSON: %s (column %d)", jerr.text, jerr.column);
		return;
	}
	const char *type = json_string_value(json_object_get(o, "type"));
	if (type && (strcmp(type, "change") == 0 || strcmp(type, "revision") == 0)) {
		/* a history line of an export --history (the interchange format's alone) */
		struct hist h;
		struct why w = { "" };
		memset(&h, 0, sizeof(h));
		h.line = lineno;
		h.is_change = type[0] == 'c';
		int bad = h.is_change ? parse_change(o, &h.c, &w) : parse_revision(o, &h.r, &w);
		json_decref(o);
		if (bad) {
			report(errors, file, lineno, "%s", w.msg);
			hist_release(&h);
			return;
		}
		TM_GROW(b->hist, b->cap_hist, b->n_hist + 1);
		b->hist[b->n_hist++] = h;
		return;
	}
	tm_import_parse_json(opts, o, &b->out, file, b->input, lineno, NULL);
	json_decref(o);
}

static void parse_batch(const struct pipeline *p, struct batch *b)
{
	int ftm = p->opts && p->opts->format == TM_IMPORT_FTM;
	for (size_t i = 0; i < b->n; i++) {
		if (ftm)
			tm_ftm_parse_line(p->opts, &b->out, b->file, b->input, b->lineno[i], b->text.buf + b->at[i],
					  b->len[i]);
		else
			parse_line(p->opts, b, b->lineno[i], b->text.buf + b->at[i], b->len[i]);
	}
}

/* Free the records of a batch the writer is done with: on a worker when
 * there are workers, since freeing them costs the writer as much as some of
 * the writes. */
static void batch_recycle(struct batch *b)
{
	for (size_t i = 0; i < b->out.n; i++)
		rec_release(&b->out.v[i]);
	b->out.n = 0;
	tm_import_drops_release(&b->out.drops);
	tm_strv_release(&b->out.seen);
	for (size_t i = 0; i < b->n_hist; i++)
		hist_release(&b->hist[i]);
	b->n_hist = 0;
}

/* Parsing only feeds the writer, the one thread that cannot be split: on a
 * busy machine the writer should run first, and the workers in its pauses. */
static void lower_priority(void)
{
#ifdef __linux__
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10); /* a thread's own nice value on Linux */
#endif
}

static void *worker_main(void *arg)
{
	struct pipeline *p = arg;
	lower_priority();
	pthread_mutex_lock(&p->mu);
	for (;;) {
		struct batch *b = NULL;
		while (!p->in.done) {
			for (size_t i = 0; i < SLOTS && !b; i++)
				if (p->slot[i].state == B_FREE)
					b = &p->slot[i];
			if (b)
				break;
			pthread_cond_wait(&p->cv, &p->mu);
		}
		if (!b)
			break;
		b->state = B_BUSY;
		read_batch(p, b);
		pthread_mutex_unlock(&p->mu);
		batch_recycle(b);
		parse_batch(p, b);
		pthread_mutex_lock(&p->mu);
		b->state = B_READY;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	tm_text_shutdown(); /* this thread's transliterators */
	return NULL;
}

static void pipeline_init(struct pipeline *p, const tm_import_opts *opts)
{
	memset(p, 0, sizeof(*p));
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->opts = opts;
	for (size_t i = 0; i < SLOTS; i++)
		tm_buf_init(&p->slot[i].text);
}

/* The batch of input order seq, parsed; NULL after the last.  Workers start
 * once the input proves longer than a batch: a line or two (tiemap action
 * add) is parsed here, without the threads and their transliterators. */
static struct batch *next_batch(struct pipeline *p, size_t seq)
{
	if (p->prepared) {
		if (seq > 0)
			return NULL;
		struct batch *b = &p->slot[0];
		tm_recbuf_release(&b->out);
		b->out = *p->prepared;
		memset(p->prepared, 0, sizeof(*p->prepared));
		b->seq = 0;
		b->state = B_BUSY;
		return b;
	}
	if (!p->n_workers) {
		struct batch *b = &p->slot[0];
		batch_recycle(b);
		if (p->in.done)
			return NULL;
		read_batch(p, b);
		parse_batch(p, b);
		b->state = B_BUSY;
		pthread_mutex_lock(&p->mu);
		while (!p->in.done && p->n_workers < MAX_WORKERS &&
		       pthread_create(&p->worker[p->n_workers], NULL, worker_main, p) == 0)
			p->n_workers++;
		pthread_mutex_unlock(&p->mu);
		return b;
	}
	struct batch *b = NULL;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		for (size_t i = 0; i < SLOTS && !b; i++)
			if (p->slot[i].state == B_READY && p->slot[i].seq == seq)
				b = &p->slot[i];
		if (b || (p->in.done && seq >= p->next_seq))
			break;
		pthread_cond_wait(&p->cv, &p->mu);
	}
	pthread_mutex_unlock(&p->mu);
	return b;
}

/* The writer is done with b (its records taken, its errors moved). */
static void release_batch(struct pipeline *p, struct batch *b)
{
	pthread_mutex_lock(&p->mu);
	b->state = B_FREE;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Read no further (a write failed: the rest can change nothing). */
static void stop_reading(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	p->in.done = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* Stop reading and wait for the workers: p->errors is final. */
static void pipeline_join(struct pipeline *p)
{
	stop_reading(p);
	for (size_t i = 0; i < p->n_workers; i++)
		pthread_join(p->worker[i], NULL);
	p->n_workers = 0;
}

static void pipeline_release(struct pipeline *p)
{
	pipeline_join(p);
	for (size_t i = 0; i < SLOTS; i++) {
		struct batch *b = &p->slot[i];
		batch_recycle(b);
		tm_recbuf_release(&b->out);
		free(b->hist);
		tm_buf_release(&b->text);
	}
	if (p->in.f && p->in.f != stdin)
		fclose(p->in.f);
	free(p->in.line);
	tm_strv_release(&p->errors);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
}

/* ---- stage 2: records against those before them and the database ---- */

/* What is known of a key.  A key is entered when a record defines it, or
 * when a record refers to it before any does. */
enum key_state {
	K_STORED,  /* referred to, not defined (yet): the database has it */
	K_MISSING, /* referred to, not defined (yet), and the database lacks it */
	K_WRITTEN, /* defined by the import, and written */
	K_HELD,    /* defined by the import, waiting in memory to be written */
	K_DROPPED, /* defined by the import and left out (a person without a public role …) */
};

/* One key: "s" source id, "e" entity id, "S" site id, "a" action id, "p"
 * petition id, "P" page id, "r" relation: subject and object as entry
 * numbers, predicate, start, end; "v" involvement: entity as entry number,
 * category, start, end. */
struct kentry {
	uint64_t off;      /* the key's bytes, in keyset.bytes */
	uint64_t aux;      /* K_HELD: index in import.held[type]; defined: the line of the definition */
	tm_ekey row;       /* an entity written or stored: its key, which its relations are written with;
			    * a source written: 1 + its index in import.src_canon */
	uint32_t len;      /* the key's length */
	unsigned input : 23; /* defined: the input of the definition */
	unsigned vouched : 1; /* an entity: a record of the import puts it in a public role */
	unsigned state : 8;
};

/* Open addressing: a slot holds an entry number + 1 (0: empty) in its low
 * half and the high half of the key's hash in its upper half, so that a probe
 * reads an entry only when the hashes agree (the table is far larger than
 * the CPU's caches, and each read of an entry is a miss).  The keys of five
 * million records take about 400 MB. */
struct keyset {
	struct kentry *v;
	size_t n, cap;
	uint64_t *slot;
	size_t mask;
	tm_buf bytes;
};

/* The slot where the key k (n bytes, hash h) is, or the empty slot where it
 * would go. */
static size_t keyset_slot(const struct keyset *ks, const char *k, size_t n, uint64_t h)
{
	size_t i = (size_t)h & ks->mask;
	uint64_t tag = h >> 32 << 32;
	for (;;) {
		uint64_t s = ks->slot[i];
		if (!s)
			return i;
		if ((s >> 32 << 32) == tag) {
			const struct kentry *x = &ks->v[(uint32_t)s - 1];
			if (x->len == n && memcmp(ks->bytes.buf + x->off, k, n) == 0)
				return i;
		}
		i = (i + 1) & ks->mask;
	}
}

/* Room for at least n keys at half load. */
static void keyset_reserve(struct keyset *ks, size_t n)
{
	if (ks->slot && 2 * n <= ks->mask + 1)
		return;
	size_t size = 4096;
	while (size < 2 * n)
		size *= 2;
	free(ks->slot);
	ks->slot = tm_xcalloc(size, sizeof(*ks->slot));
	ks->mask = size - 1;
	for (size_t e = 0; e < ks->n; e++) {
		const char *k = ks->bytes.buf + ks->v[e].off;
		uint64_t h = tm_hash(k, ks->v[e].len);
		ks->slot[keyset_slot(ks, k, ks->v[e].len, h)] = (h >> 32 << 32) | (uint64_t)(e + 1);
	}
}

/* The entry number of key k (n bytes); a new entry, with *added set, if it
 * had none. */
static size_t keyset_get(struct keyset *ks, const char *k, size_t n, int *added)
{
	if (!ks->slot || 2 * (ks->n + 1) > ks->mask + 1)
		keyset_reserve(ks, 2 * (ks->n + 1));
	uint64_t h = tm_hash(k, n);
	size_t i = keyset_slot(ks, k, n, h);
	*added = !ks->slot[i];
	if (!*added)
		return (uint32_t)ks->slot[i] - 1;
	TM_GROW(ks->v, ks->cap, ks->n + 1);
	struct kentry *x = &ks->v[ks->n];
	memset(x, 0, sizeof(*x));
	x->off = ks->bytes.len;
	x->len = (uint32_t)n;
	tm_buf_add(&ks->bytes, k, n);
	ks->slot[i] = (h >> 32 << 32) | (uint64_t)(++ks->n);
	return ks->n - 1;
}

/* The entry number of key k, or -1 when it has none. */
static long keyset_find(const struct keyset *ks, const char *k, size_t n)
{
	if (!ks->slot)
		return -1;
	size_t i = keyset_slot(ks, k, n, tm_hash(k, n));
	return ks->slot[i] ? (long)((uint32_t)ks->slot[i] - 1) : -1;
}

static void keyset_release(struct keyset *ks)
{
	free(ks->v);
	free(ks->slot);
	tm_buf_release(&ks->bytes);
	memset(ks, 0, sizeof(*ks));
}

/* Attachments waiting for the record of their FtM id. */
struct attlist {
	struct attach *v;
	size_t n, cap;
};

struct import {
	tm_store *st;
	const tm_import_opts *opts;
	tm_import_report *rep;
	struct pipeline *p;
	struct keyset ks;
	tm_buf key, ref;          /* scratch for keys */
	/* the entries of the subject and object of ends_of, the relation last
	 * given to rec_entry(): the keyset is large, and each look-up in it a
	 * cache miss */
	size_t ends[2];
	const struct rec *ends_of;
	tm_strv cross;            /* errors across records: reported only when every line is good */
	struct rec **held[N_REC_TYPES]; /* records waiting to be written, in input order */
	size_t n_held[N_REC_TYPES], cap_held[N_REC_TYPES];
	struct rec **recheck;     /* redefinitions whose references are checked at the end */
	size_t n_recheck, cap_recheck;
	int line_failed;          /* a line is bad: nothing more is written */
	tm_rc write_rc;           /* a write failed (werr says why): nothing more is done */
	tm_err werr;
	size_t seen, written;     /* records taken, and written, for the progress */
	size_t bytes;             /* input bytes of the batches taken */
	int compare;              /* sources, entities and relations are compared with the database */
	int empty;                /* the database held nothing to compare with */
	/* attachments by the FtM id of the record they are for (entry aux:
	 * index in atts), and how many wait */
	struct keyset att;
	struct attlist *atts;
	size_t n_atts, cap_atts, n_att_waiting;
	char **src_canon;         /* the canonical JSON of the sources written (few, repeated often) */
	size_t n_src_canon, cap_src_canon;
	tm_buf diff;              /* scratch: the fields in which two records differ */
	/* history: the tables that were empty when the import began (a record
	 * written there had no state before), the revisions staged */
	int fresh[N_REC_TYPES];
	size_t staged;
};

/* "FILE:LINE: " or what the record names itself with, then the reason. */
static void rec_report(tm_strv *errors, const struct rec *r, const char *fmt, ...) TM_PRINTF(3, 4);
static void rec_report(tm_strv *errors, const struct rec *r, const char *fmt, ...)
{
	tm_buf b = TM_BUF_INIT;
	if (r->where)
		tm_buf_addf(&b, "%s: ", r->where);
	else
		tm_buf_addf(&b, "%s:%zu: ", r->file, r->line);
	va_list ap;
	va_start(ap, fmt);
	tm_buf_vaddf(&b, fmt, ap);
	va_end(ap);
	tm_strv_push_owned(errors, tm_buf_detach(&b));
}

/* A read of the database failed (which is not an absence): nothing more
 * is done, and the import fails with the store's error. */
static void read_failed(struct import *im, tm_rc rc, const tm_err *e)
{
	if (im->write_rc)
		return;
	im->write_rc = rc;
	im->werr = *e;
}

/* The entry of what a record refers to (kind 'e' entity, 's' source, 'a'
 * action), entered as K_STORED or K_MISSING when nothing defined it yet. */
static size_t ref_entry(struct import *im, char kind, const char *id)
{
	tm_buf_reset(&im->ref);
	tm_buf_addch(&im->ref, kind);
	tm_buf_adds(&im->ref, id);
	int added;
	size_t e = keyset_get(&im->ks, im->ref.buf, im->ref.len, &added);
	if (added) {
		tm_ekey row = 0;
		int stored = 0;
		tm_err rerr = { 0 };
		tm_rc rc = TM_ERR_NOTFOUND;
		if (!im->empty)
			rc = kind == 'e' ? tm_store_ekey(im->st, id, &row, &rerr) :
			     kind == 'a' ? tm_store_has_action(im->st, id, &stored, &rerr) :
					   tm_store_has_source(im->st, id, &stored, &rerr);
		if (kind == 'e')
			stored = rc == TM_OK;
		if (rc && rc != TM_ERR_NOTFOUND)
			read_failed(im, rc, &rerr);
		im->ks.v[e].state = stored ? K_STORED : K_MISSING;
		im->ks.v[e].row = row;
	}
	return e;
}

/* The entry of the key r defines. */
static size_t rec_entry(struct import *im, const struct rec *r, int *added)
{
	tm_buf *k = &im->key;
	tm_buf_reset(k);
	im->ends_of = NULL;
	switch (r->type) {
	case REC_SOURCE:
		tm_buf_addch(k, 's');
		tm_buf_adds(k, r->u.src.id);
		break;
	case REC_ENTITY:
		tm_buf_addch(k, 'e');
		tm_buf_adds(k, r->u.ent.id);
		break;
	case REC_RELATION: {
		im->ends[0] = ref_entry(im, 'e', r->u.rel.subject);
		im->ends[1] = ref_entry(im, 'e', r->u.rel.object);
		im->ends_of = r;
		uint32_t ends[2] = { (uint32_t)im->ends[0], (uint32_t)im->ends[1] };
		tm_buf_addch(k, 'r');
		tm_buf_add(k, ends, sizeof(ends));
		tm_buf_adds(k, r->u.rel.predicate);
		tm_buf_addch(k, '\x1f');
		tm_buf_adds(k, r->u.rel.start);
		tm_buf_addch(k, '\x1f');
		tm_buf_adds(k, r->u.rel.end);
		break;
	}
	case REC_INVOLVEMENT: {
		uint32_t ent = (uint32_t)ref_entry(im, 'e', r->u.inv.entity);
		tm_buf_addch(k, 'v');
		tm_buf_add(k, &ent, sizeof(ent));
		tm_buf_adds(k, r->u.inv.category);
		tm_buf_addch(k, '\x1f');
		tm_buf_adds(k, r->u.inv.start);
		tm_buf_addch(k, '\x1f');
		tm_buf_adds(k, r->u.inv.end);
		break;
	}
	case REC_SITE:
		tm_buf_addch(k, 'S');
		tm_buf_adds(k, r->u.site.id);
		break;
	case REC_ACTION:
		tm_buf_addch(k, 'a');
		tm_buf_adds(k, r->u.act.id);
		break;
	case REC_CAPTURE:
		tm_buf_addch(k, 'c');
		tm_buf_adds(k, r->u.cap.source);
		tm_buf_addch(k, '\x1f');
		tm_buf_adds(k, r->u.cap.fetched);
		break;
	case REC_PETITION:
		tm_buf_addch(k, 'p');
		tm_buf_adds(k, r->u.pet.id);
		break;
	case REC_PAGE:
		tm_buf_addch(k, 'P');
		tm_buf_adds(k, r->u.page.id);
		break;
	case REC_ATTACH: break;
	}
	return keyset_get(&im->ks, k->buf, k->len, added);
}

/* The id a redefinition message names. */
static const char *rec_id(const struct rec *r)
{
	switch (r->type) {
	case REC_SOURCE: return r->u.src.id;
	case REC_ENTITY: return r->u.ent.id;
	case REC_SITE: return r->u.site.id;
	case REC_ACTION: return r->u.act.id;
	case REC_PAGE: return r->u.page.id;
	case REC_CAPTURE: return r->u.cap.source;
	case REC_PETITION: return r->u.pet.id;
	case REC_RELATION:
	case REC_INVOLVEMENT: break;
	case REC_ATTACH: break;
	}
	return "";
}

/* "entity 'x'", "relation 'a owns b'" … into b. */
static void rec_name(tm_buf *b, const struct rec *r)
{
	static const char *const names[] = { "source", "entity", "relation", "involvement", "site",
					     "action", "capture", "petition", "page", "" };
	if (r->type == REC_RELATION)
		tm_buf_addf(b, "relation '%s %s %s'", r->u.rel.subject, r->u.rel.predicate, r->u.rel.object);
	else if (r->type == REC_INVOLVEMENT)
		tm_buf_addf(b, "involvement '%s %s'", r->u.inv.entity, r->u.inv.category);
	else
		tm_buf_addf(b, "%s '%s'", names[r->type], rec_id(r));
}

static tm_cites *rec_cites(struct rec *r)
{
	switch (r->type) {
	case REC_ENTITY: return &r->u.ent.cites;
	case REC_RELATION: return &r->u.rel.cites;
	case REC_INVOLVEMENT: return &r->u.inv.cites;
	case REC_SITE: return &r->u.site.cites;
	case REC_ACTION: return &r->u.act.cites;
	case REC_SOURCE:
	case REC_CAPTURE:
	case REC_PETITION:
	case REC_PAGE: break;
	case REC_ATTACH: break;
	}
	return NULL;
}

/* The i-th entity id a record refers to, or NULL after the last. */
static const char *rec_entity_ref(const struct rec *r, size_t i)
{
	switch (r->type) {
	case REC_RELATION: return i == 0 ? r->u.rel.subject : i == 1 ? r->u.rel.object : NULL;
	case REC_INVOLVEMENT: return i == 0 ? r->u.inv.entity : NULL;
	case REC_SITE: return i == 0 ? r->u.site.entity : NULL;
	case REC_ACTION:
		/* actors then targets; a free-text party refers to nothing */
		for (int l = 0; l < 2; l++) {
			const tm_parties *ps = l ? &r->u.act.targets : &r->u.act.actors;
			for (size_t k = 0; k < ps->n; k++)
				if (ps->v[k].entity && i-- == 0)
					return ps->v[k].entity;
		}
		return NULL;
	case REC_PETITION: return i < r->u.pet.entities.n ? r->u.pet.entities.v[i] : NULL;
	case REC_SOURCE:
	case REC_ENTITY:
	case REC_CAPTURE:
	case REC_PAGE: break;
	case REC_ATTACH: break;
	}
	return NULL;
}

/* How what r refers to stands: REFS_READY when all of it is written or
 * stored, REFS_WAIT when some is defined but not written yet, REFS_MISSING
 * when some is nowhere so far.  At the end (final), each missing one is an
 * error, unless r is soft (REC_F_SOFT): then it is REFS_LEFT when an entity
 * it refers to was left out, else REFS_MISSING, and nothing is reported. */
enum { REFS_READY, REFS_WAIT, REFS_MISSING, REFS_LEFT, REFS_NO_SOURCE };
static int rec_refs(struct import *im, struct rec *r, int final)
{
	int ends_known = r->type == REC_RELATION && im->ends_of == r;
	int soft = r->flags & REC_F_SOFT;
	int worst = REFS_READY;
	tm_cites *cites = rec_cites(r);
	/* a capture refers to its source as a citation does */
	size_t n_sources = cites ? cites->n : r->type == REC_CAPTURE;
	for (size_t c = 0; c < n_sources; c++) {
		const char *source = cites ? cites->v[c].source : r->u.cap.source;
		size_t e = ref_entry(im, 's', source); /* first: it may move ks.v */
		int s = im->ks.v[e].state;
		if (s == K_MISSING && final && soft && cites && cites->n > 1) {
			/* a soft record keeps the citations it can */
			tm_import_drop(&im->rep->drops, "citation of a document neither in the input nor in the database", 1);
			tm_cite gone = cites->v[c];
			memmove(&cites->v[c], &cites->v[c + 1], (cites->n - c - 1) * sizeof(tm_cite));
			cites->n--;
			n_sources--;
			c--;
			free(gone.source);
			free(gone.quote);
			free(gone.page);
			continue;
		}
		if (s == K_MISSING) {
			worst = REFS_MISSING;
			if (final && !soft)
				rec_report(&im->cross, r, "unknown source '%s'", source);
		} else if (s == K_HELD && worst == REFS_READY) {
			worst = REFS_WAIT;
		}
	}
	const char *id;
	int left = 0, missing_entity = 0;
	for (size_t e = 0; (id = rec_entity_ref(r, e)); e++) {
		size_t x = ends_known ? im->ends[e] : ref_entry(im, 'e', id);
		int s = im->ks.v[x].state;
		if (s == K_MISSING || s == K_DROPPED) {
			worst = REFS_MISSING;
			missing_entity = 1;
			left |= s == K_DROPPED;
			if (final && !soft)
				rec_report(&im->cross, r, s == K_DROPPED ? "entity '%s' was left out (see what the import left out)" :
						     "unknown entity '%s'", id);
		} else if (s == K_HELD && worst == REFS_READY) {
			worst = REFS_WAIT;
		}
	}
	if (r->type == REC_PETITION && r->u.pet.action) {
		int s = im->ks.v[ref_entry(im, 'a', r->u.pet.action)].state;
		if (s == K_MISSING) {
			worst = REFS_MISSING;
			if (final)
				rec_report(&im->cross, r, "unknown action '%s'", r->u.pet.action);
		} else if (s == K_HELD && worst == REFS_READY) {
			worst = REFS_WAIT;
		}
	}
	if (final && soft && worst == REFS_MISSING)
		return left ? REFS_LEFT : missing_entity ? REFS_MISSING : REFS_NO_SOURCE;
	return worst;
}

static json_t *rec_json(const struct rec *r)
{
	switch (r->type) {
	case REC_SOURCE: return tm_source_to_json(&r->u.src);
	case REC_ENTITY: return tm_entity_to_json(&r->u.ent);
	case REC_RELATION: return tm_relation_to_json(&r->u.rel);
	case REC_INVOLVEMENT: return tm_involvement_to_json(&r->u.inv);
	case REC_ACTION: return tm_action_to_json(&r->u.act);
	case REC_SITE: return tm_site_to_json(&r->u.site);
	case REC_CAPTURE: return tm_capture_to_json(&r->u.cap);
	case REC_PETITION: return tm_petition_to_json(&r->u.pet);
	case REC_PAGE: return tm_page_to_json(&r->u.page);
	case REC_ATTACH: break;
	}
	return json_object();
}

/* The record's canonical JSON, made when first asked for: only records that
 * share a key are compared. */
static const char *rec_canon(struct rec *r)
{
	if (!r->canon) {
		json_t *j = rec_json(r);
		r->canon = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(j);
	}
	return r->canon;
}

/* The store dated what a record left undated (store.h): so that the stored
 * record compares with r on what r gives, its dates go where r has none. */
static void blank_dates(const struct rec *r, struct rec *out)
{
	char *added = NULL, *changed = NULL;
	const char *given_added = NULL, *given_changed = NULL;
	switch (r->type) {
	case REC_ENTITY:
		given_added = r->u.ent.added, given_changed = r->u.ent.changed;
		added = out->u.ent.added, changed = out->u.ent.changed;
		break;
	case REC_RELATION:
		given_added = r->u.rel.added, given_changed = r->u.rel.changed;
		added = out->u.rel.added, changed = out->u.rel.changed;
		break;
	case REC_INVOLVEMENT:
		given_added = r->u.inv.added, given_changed = r->u.inv.changed;
		added = out->u.inv.added, changed = out->u.inv.changed;
		break;
	default: return;
	}
	if (!given_added[0])
		added[0] = '\0';
	if (!given_changed[0])
		changed[0] = '\0';
}

/* The stored record with r's key into *out (a record of r's type, the
 * caller's to release): 1 when there is one, 0 when none, -1 when the read
 * failed (the import then stops). */
static int stored_rec(struct import *im, const struct rec *r, struct rec *out)
{
	tm_err rerr = { 0 };
	tm_rc rc = TM_ERR_NOTFOUND;
	memset(out, 0, sizeof(*out));
	out->type = r->type;
	switch (r->type) {
	case REC_SOURCE: rc = tm_store_get_source(im->st, r->u.src.id, &out->u.src, &rerr); break;
	case REC_ENTITY: rc = tm_store_get_entity(im->st, r->u.ent.id, &out->u.ent, &rerr); break;
	case REC_RELATION: rc = tm_store_find_relation(im->st, &r->u.rel, &out->u.rel, &rerr); break;
	case REC_INVOLVEMENT: rc = tm_store_find_involvement(im->st, &r->u.inv, &out->u.inv, &rerr); break;
	case REC_PAGE: rc = tm_store_get_page(im->st, r->u.page.id, &out->u.page, &rerr); break;
	case REC_SITE: rc = tm_store_get_site(im->st, r->u.site.id, &out->u.site, &rerr); break;
	case REC_ACTION: {
		char updated_at[24];
		rc = tm_store_get_action(im->st, r->u.act.id, &out->u.act, updated_at, &rerr);
		break;
	}
	case REC_CAPTURE:
		rc = tm_store_get_capture(im->st, r->u.cap.source, r->u.cap.fetched, &out->u.cap, &rerr);
		break;
	case REC_PETITION: rc = tm_store_get_petition(im->st, r->u.pet.id, &out->u.pet, &rerr); break;
	case REC_ATTACH: break;
	}
	if (rc == TM_OK) {
		blank_dates(r, out);
		return 1;
	}
	memset(out, 0, sizeof(*out)); /* a failed read leaves nothing to release */
	out->type = r->type;
	if (rc != TM_ERR_NOTFOUND) {
		read_failed(im, rc, &rerr);
		return -1;
	}
	return 0;
}

/* The canonical JSON of the stored record with r's key (the import's first
 * definition of it, written), or NULL. */
static char *stored_canon(struct import *im, const struct rec *r)
{
	struct rec old;
	if (stored_rec(im, r, &old) != 1)
		return NULL;
	char *canon = (char *)rec_canon(&old);
	old.canon = NULL;
	rec_release(&old);
	return canon;
}

/* Keep r (moved out of its batch) until the end, in as little memory as
 * it needs: a file of ties with repeats to merge (FtM) keeps all of them. */
static struct rec *keep(struct rec ***list, size_t *n, size_t *cap, struct rec *r)
{
	size_t size = sizeof(*r);
	if (r->type == REC_RELATION) {
		size = offsetof(struct rec, u) + sizeof(tm_relation);
		tm_cites *c = &r->u.rel.cites;
		if (c->n && c->cap > c->n) {
			c->v = tm_xrealloc(c->v, c->n * sizeof(c->v[0]));
			c->cap = c->n;
		}
		/* its attachments are applied; a repeat's canon is made again */
		free(r->ftm);
		r->ftm = NULL;
		free(r->canon);
		r->canon = NULL;
	} else if (r->type == REC_ENTITY) {
		size = offsetof(struct rec, u) + sizeof(tm_entity);
	}
	struct rec *h = tm_xmalloc(size);
	memcpy(h, r, size);
	memset(r, 0, sizeof(*r));
	TM_GROW(*list, *cap, *n + 1);
	(*list)[(*n)++] = h;
	return h;
}

static size_t *counter(struct import *im, const struct rec *r)
{
	switch (r->type) {
	case REC_SOURCE: return &im->rep->sources;
	case REC_ENTITY: return &im->rep->entities;
	case REC_RELATION: return &im->rep->relations;
	case REC_INVOLVEMENT: return &im->rep->involvements;
	case REC_SITE: return &im->rep->sites;
	case REC_ACTION: return &im->rep->actions;
	case REC_CAPTURE: return &im->rep->captures;
	case REC_PETITION: return &im->rep->petitions;
	case REC_PAGE: return &im->rep->pages;
	case REC_ATTACH: break;
	}
	return NULL;
}

static void count(struct import *im, const struct rec *r)
{
	size_t *c = counter(im, r);
	if (c)
		(*c)++;
}

/* r is left out after all (counted when taken): say so under why. */
static void drop(struct import *im, const struct rec *r, const char *why)
{
	size_t *c = counter(im, r);
	if (c && *c)
		(*c)--;
	tm_import_drop(&im->rep->drops, why, 1);
}

/* ---- attachments: what a FollowTheMoney Documentation or Identification
 * adds to the record of another line ---- */

static void attach_take(struct import *im, struct rec *r)
{
	struct attach *a = &r->u.att;
	if (a->what == ATT_DROPPED) {
		size_t e = ref_entry(im, 'e', a->target);
		if (im->ks.v[e].state == K_MISSING)
			im->ks.v[e].state = K_DROPPED;
		return;
	}
	int added;
	size_t e = keyset_get(&im->att, a->target, strlen(a->target), &added);
	if (added) {
		TM_GROW(im->atts, im->cap_atts, im->n_atts + 1);
		memset(&im->atts[im->n_atts], 0, sizeof(im->atts[0]));
		im->att.v[e].aux = im->n_atts++;
	}
	struct attlist *l = &im->atts[im->att.v[e].aux];
	TM_GROW(l->v, l->cap, l->n + 1);
	l->v[l->n++] = *a;
	memset(a, 0, sizeof(*a));
	im->n_att_waiting++;
}

/* Give r what waits for its FtM id: each quote and page to the first
 * citation of its source that has none (the citations came in order from
 * the record's `proof`), after the last citation of that source when all
 * have one, at the end when none cites it; each identifier at the end. */
static void attach_apply(struct import *im, struct rec *r)
{
	long e = keyset_find(&im->att, r->ftm, strlen(r->ftm));
	if (e < 0)
		return;
	struct attlist *l = &im->atts[im->att.v[e].aux];
	tm_cites *cites = rec_cites(r);
	for (size_t i = 0; i < l->n; i++) {
		struct attach *a = &l->v[i];
		if (a->what == ATT_IDENT && r->type == REC_ENTITY) {
			tm_entity_add_ident(&r->u.ent, a->a, a->b);
		} else if (a->what == ATT_CITE && cites) {
			size_t at = cites->n, last = cites->n;
			for (size_t k = 0; k < cites->n; k++) {
				if (strcmp(cites->v[k].source, a->a) != 0)
					continue;
				last = k;
				if (!cites->v[k].quote && !cites->v[k].page && at == cites->n)
					at = k;
			}
			if (at < cites->n) {
				cites->v[at].quote = tm_xstrdup(a->b);
				cites->v[at].page = tm_xstrdup(a->c);
			} else {
				tm_cites_push(cites, a->a, a->b, a->c);
				if (last < cites->n - 1) {
					/* move it to just after the last citation of its source */
					tm_cite c = cites->v[cites->n - 1];
					memmove(&cites->v[last + 2], &cites->v[last + 1],
						(cites->n - 2 - last) * sizeof(tm_cite));
					cites->v[last + 1] = c;
				}
			}
		} else {
			tm_import_drop(&im->rep->drops, "Identification of something other than an entity", 1);
		}
		free(a->target);
		free(a->a);
		free(a->b);
		free(a->c);
		free(a->why);
	}
	im->n_att_waiting -= l->n;
	free(l->v);
	memset(l, 0, sizeof(*l));
	if (cites && cites->n && r->type == REC_ENTITY)
		r->u.ent.unsourced = 0;
	if (cites && cites->n && r->type == REC_RELATION)
		r->u.rel.unsourced = 0;
}

/* ---- stage 3: write ---- */

static void progress(struct import *im, int last)
{
	if (!im->opts || !im->opts->progress || (!last && im->written % 4096))
		return;
	/* the total is not known until the end: guess it from the share of the
	 * input read */
	size_t total = im->seen;
	if (im->p->total_bytes && im->bytes && !last)
		total = (size_t)((double)im->seen * (double)im->p->total_bytes / (double)im->bytes);
	if (total < im->written)
		total = im->written;
	im->opts->progress(im->opts->progress_ctx, last ? total : im->written, total);
}


/* The key history gives r (store_history.h), owned by the caller. */
static char *rec_history_key(const struct rec *r)
{
	return r->type == REC_RELATION	  ? tm_relation_key(&r->u.rel) :
	       r->type == REC_INVOLVEMENT ? tm_involvement_key(&r->u.inv) :
					    tm_xstrdup(rec_id(r));
}

/* Write r, whose key is entry e; a failure stops the import.  Each record
 * that changes is a revision of the import's change (captures, which are
 * no one's edit, are not). */
static int write_rec(struct import *im, struct rec *r, size_t e)
{
	tm_rc rc;
	tm_err *err = &im->werr;
	char *before = NULL;
	int keep_history = r->type < REC_CAPTURE; /* not captures (no one's edit) nor attachments */
	if (keep_history && !im->fresh[r->type]) {
		before = stored_canon(im, r);
		if (before && strcmp(before, rec_canon(r)) == 0)
			keep_history = 0; /* the store skips it: no change */
	}
	switch (r->type) {
	case REC_SOURCE: rc = tm_store_put_source(im->st, &r->u.src, err); break;
	case REC_ENTITY: {
		tm_ekey row = 0;
		rc = tm_store_put_entity_indexed(im->st, &r->u.ent, &r->names, &row, err);
		im->ks.v[e].row = row;
		break;
	}
	case REC_RELATION: {
		size_t subj = im->ends_of == r ? im->ends[0] : ref_entry(im, 'e', r->u.rel.subject);
		size_t obj = im->ends_of == r ? im->ends[1] : ref_entry(im, 'e', r->u.rel.object);
		rc = tm_store_put_relation_keyed(im->st, &r->u.rel, im->ks.v[subj].row, im->ks.v[obj].row, err);
		break;
	}
	case REC_INVOLVEMENT: {
		/* a place carries no flag: the claim belongs on the state body, the
		 * company, the police … (the entity is written or stored by now) */
		tm_entity ent;
		rc = tm_store_get_entity(im->st, r->u.inv.entity, &ent, err);
		if (!rc) {
			if (tm_kind_is_place(ent.kind))
				rc = tm_fail(err, TM_ERR_INVALID,
					     "entity '%s' is a %s: a place carries no involvement; put the claim on the "
					     "institution",
					     r->u.inv.entity, ent.kind);
			tm_entity_release(&ent);
		}
		if (!rc)
			rc = tm_store_put_involvement(im->st, &r->u.inv, err);
		break;
	}
	case REC_SITE: rc = tm_store_put_site(im->st, &r->u.site, err); break;
	case REC_CAPTURE: rc = tm_store_put_capture(im->st, &r->u.cap, NULL, err); break;
	case REC_PETITION: rc = tm_store_put_petition(im->st, &r->u.pet, err); break;
	case REC_PAGE: rc = tm_store_put_page(im->st, &r->u.page, err); break;
	default: rc = tm_store_put_action(im->st, &r->u.act, err); break;
	}
	if (!rc && keep_history) {
		char *key = rec_history_key(r);
		rc = tm_store_stage_revision(im->st, rec_type_names[r->type], key, before, rec_canon(r), err);
		free(key);
		im->staged++;
	}
	free(before);
	if (rc) {
		rec_report(&im->rep->errors, r, "%s", err->msg);
		im->write_rc = rc;
		return -1;
	}
	if (r->type == REC_SOURCE) {
		/* its repeats are compared with this, not read back */
		TM_GROW(im->src_canon, im->cap_src_canon, im->n_src_canon + 1);
		im->src_canon[im->n_src_canon++] = tm_xstrdup(rec_canon(r));
		im->ks.v[e].row = (tm_ekey)im->n_src_canon;
	}
	im->written++;
	progress(im, 0);
	return 0;
}

/* The fields in which the JSON of a and b differ, into im->diff. */
static void diff_fields(struct import *im, const struct rec *a, const struct rec *b)
{
	json_t *x = rec_json(a), *y = rec_json(b);
	tm_buf_reset(&im->diff);
	const char *key;
	json_t *v;
	json_object_foreach(x, key, v) {
		if (!json_equal(v, json_object_get(y, key)))
			tm_buf_addf(&im->diff, "%s%s", im->diff.len ? ", " : "", key);
	}
	json_object_foreach(y, key, v) {
		if (!json_object_get(x, key))
			tm_buf_addf(&im->diff, "%s%s", im->diff.len ? ", " : "", key);
	}
	json_decref(x);
	json_decref(y);
}

static void change_line(struct import *im, const char *verb, const struct rec *r, const char *detail)
{
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s ", verb);
	rec_name(&b, r);
	if (detail && *detail)
		tm_buf_addf(&b, ": %s", detail);
	tm_strv_push_owned(&im->rep->changes, tm_buf_detach(&b));
}

/*
 * Before r is written: what the database holds under its key, and what the
 * conflict rule makes of a difference.  Returns 1 to write r (perhaps
 * merged with the stored record), 0 to leave the stored record as it is.
 */
static int reconcile(struct import *im, struct rec *r, size_t e)
{
	if (!im->compare || r->type > REC_RELATION)
		return 1;
	struct rec old;
	int found = im->empty ? 0 : stored_rec(im, r, &old);
	if (found < 0)
		return 0;
	if (!found) {
		im->rep->added++;
		if (im->opts->dry_run)
			change_line(im, "add", r, NULL);
		return 1;
	}
	int same = strcmp(rec_canon(&old), rec_canon(r)) == 0;
	if (same) {
		im->rep->unchanged++;
		rec_release(&old);
		return 1; /* the store skips a record equal to the stored one */
	}
	diff_fields(im, &old, r);
	int write = 1;
	switch (im->opts->on_conflict) {
	case TM_CONFLICT_REPLACE:
		im->rep->changed++;
		change_line(im, "change", r, im->diff.buf);
		break;
	case TM_CONFLICT_REFUSE: {
		tm_buf b = TM_BUF_INIT;
		rec_name(&b, r);
		rec_report(&im->cross, r,
			   "%s would replace a stored record with different content (%s): give --on-conflict replace, "
			   "keep or merge",
			   b.buf, im->diff.buf);
		tm_buf_release(&b);
		write = 0;
		break;
	}
	case TM_CONFLICT_KEEP:
		im->rep->kept++;
		change_line(im, "keep", r, im->diff.buf);
		write = 0;
		break;
	case TM_CONFLICT_MERGE: {
		switch (r->type) {
		case REC_SOURCE: tm_source_merge(&old.u.src, &r->u.src); break;
		case REC_ENTITY: tm_entity_merge(&old.u.ent, &r->u.ent); break;
		default: tm_relation_merge(&old.u.rel, &r->u.rel); break;
		}
		free(old.canon);
		old.canon = NULL;
		struct rec stored;
		stored_rec(im, r, &stored);
		if (strcmp(rec_canon(&old), rec_canon(&stored)) == 0) {
			im->rep->unchanged++;
			write = 0;
		} else {
			diff_fields(im, &stored, &old);
			im->rep->merged++;
			change_line(im, "merge", r, im->diff.buf);
			/* r becomes the merged record */
			if (r->type == REC_SOURCE) {
				tm_source_release(&r->u.src);
				r->u.src = old.u.src;
			} else if (r->type == REC_ENTITY) {
				tm_entity_release(&r->u.ent);
				r->u.ent = old.u.ent;
				tm_name_index_release(&r->names);
				tm_err ierr = { 0 };
				if (tm_name_index_make(&r->u.ent, &r->names, &ierr)) {
					im->write_rc = TM_ERR_INTERNAL;
					im->werr = ierr;
				}
			} else {
				tm_relation_release(&r->u.rel);
				r->u.rel = old.u.rel;
			}
			free(r->canon);
			r->canon = NULL;
			memset(&old.u, 0, sizeof(old.u));
		}
		rec_release(&stored);
		break;
	}
	}
	rec_release(&old);
	if (!write && r->type == REC_ENTITY) {
		/* its relations are written with its key */
		tm_err rerr = { 0 };
		tm_rc rc = tm_store_ekey(im->st, r->u.ent.id, &im->ks.v[e].row, &rerr);
		if (rc)
			read_failed(im, rc, &rerr);
	}
	return write && !im->write_rc;
}

/* r's references are all written or stored: compare it with the database
 * and write it (or leave the stored one), which defines entry e. */
static void land(struct import *im, struct rec *r, size_t e)
{
	if (im->line_failed || im->write_rc)
		return;
	/* once the import fails, records are still compared, so that every
	 * conflict is named, but no more are written */
	if (reconcile(im, r, e) && !im->cross.n) {
		if (write_rec(im, r, e))
			return;
	} else if (im->write_rc) {
		return;
	}
	struct kentry *k = &im->ks.v[e];
	k->state = K_WRITTEN;
	k->aux = r->line;
}

/* Check r against the records before it and write it, or keep it to write
 * at the end (moving it out of its batch). */
static void take(struct import *im, struct rec *r)
{
	if (r->type == REC_ATTACH) {
		attach_take(im, r);
		return;
	}
	if (im->n_att_waiting && r->ftm)
		attach_apply(im, r);
	int added;
	size_t e = rec_entry(im, r, &added);
	struct kentry *k = &im->ks.v[e];
	if (k->state == K_WRITTEN || k->state == K_HELD) {
		/* the key again: fine when the content is the same (the first
		 * record was kept: it is in memory or in the database) */
		struct rec *first = k->state == K_HELD ? im->held[r->type][k->aux] : NULL;
		const char *first_file = first ? first->file : input_name(&im->p->in, k->input);
		size_t first_line = first ? first->line : (size_t)k->aux;
		int same;
		if (first && (first->flags & REC_F_MERGE) && (r->flags & REC_F_MERGE) && r->type <= REC_RELATION) {
			if (strcmp(rec_canon(first), rec_canon(r)) != 0) {
				if (r->type == REC_SOURCE) {
					tm_source_merge(&first->u.src, &r->u.src);
				} else if (r->type == REC_RELATION) {
					tm_relation_merge(&first->u.rel, &r->u.rel);
				} else {
					tm_entity_merge(&first->u.ent, &r->u.ent);
					tm_name_index_release(&first->names);
					tm_err ierr = { 0 };
					if (tm_name_index_make(&first->u.ent, &first->names, &ierr)) {
						im->write_rc = TM_ERR_INTERNAL;
						im->werr = ierr;
					}
				}
				free(first->canon);
				first->canon = NULL;
			}
			return;
		}
		if (first) {
			same = strcmp(rec_canon(first), rec_canon(r)) == 0;
		} else if (r->type == REC_SOURCE && k->row > 0) {
			same = strcmp(im->src_canon[k->row - 1], rec_canon(r)) == 0;
		} else {
			char *stored = stored_canon(im, r);
			same = stored && strcmp(stored, rec_canon(r)) == 0;
			free(stored);
		}
		if (same)
			return;
		count(im, r);
		tm_buf_reset(&im->key);
		if (r->type == REC_RELATION)
			tm_buf_addf(&im->key, "relation '%s %s %s'", r->u.rel.subject, r->u.rel.predicate, r->u.rel.object);
		else if (r->type == REC_CAPTURE)
			tm_buf_addf(&im->key, "capture of '%s' at %s", r->u.cap.source, r->u.cap.fetched);
		else if (r->type == REC_INVOLVEMENT)
			tm_buf_addf(&im->key, "involvement '%s %s'", r->u.inv.entity, r->u.inv.category);
		else
			tm_buf_addf(&im->key, "id '%s'", rec_id(r));
		if (r->where || (first && first->where))
			rec_report(&im->cross, r, "%s redefined with different content (first at %s)", im->key.buf,
				   first && first->where ? first->where : first_file);
		else
			rec_report(&im->cross, r, "%s redefined with different content (first at %s:%zu)", im->key.buf,
				   first_file, first_line);
		if (rec_refs(im, r, 0) == REFS_MISSING)
			keep(&im->recheck, &im->n_recheck, &im->cap_recheck, r);
		return;
	}
	count(im, r);
	int refs = rec_refs(im, r, 0);
	k = &im->ks.v[e]; /* rec_refs may have grown the keyset */
	k->input = r->input;
	int wait = refs != REFS_READY || (r->flags & (REC_F_VOUCHED | REC_F_MERGE)) ||
		   (im->n_held[r->type] && !(r->flags & REC_F_ANY_ORDER));
	if (wait) {
		k->state = K_HELD;
		k->aux = im->n_held[r->type];
		keep(&im->held[r->type], &im->n_held[r->type], &im->cap_held[r->type], r);
		return;
	}
	land(im, r, e);
}

/* A change or revision of a history the input carries: written as it
 * comes, with its number. */
static void take_hist(struct import *im, struct batch *b, struct hist *h)
{
	tm_err *err = &im->werr;
	tm_rc rc = h->is_change ? tm_store_change_add(im->st, &h->c, NULL, err) :
				  tm_store_revision_add(im->st, &h->r, NULL, err);
	if (rc == TM_ERR_INVALID) {
		report(&im->cross, b->file, h->line, "%s", err->msg);
	} else if (rc) {
		report(&im->rep->errors, b->file, h->line, "%s", err->msg);
		im->write_rc = rc;
	}
}

static void take_batch(struct import *im, struct batch *b)
{
	tm_import_drops_add(&im->rep->drops, &b->out.drops);
	if (b->out.errors.n) {
		im->line_failed = 1;
		for (size_t i = 0; i < b->out.errors.n; i++)
			tm_strv_push_owned(&im->rep->errors, b->out.errors.v[i]);
		b->out.errors.n = 0;
	}
	im->bytes += b->bytes;
	for (size_t i = 0; i < b->out.n; i++) {
		struct rec *r = &b->out.v[i];
		if (r->type == REC_ATTACH) {
			if (!im->line_failed && !im->write_rc)
				take(im, r);
			continue;
		}
		im->seen++;
		if (im->line_failed || im->write_rc) {
			/* nothing more is written: only the lines are still checked */
			count(im, r);
			continue;
		}
		take(im, r);
	}
	for (size_t i = 0; i < b->n_hist && !im->line_failed && !im->write_rc; i++)
		take_hist(im, b, &b->hist[i]);
}

/* A held relation that vouches for a person (REC_F_VOUCHED) does so when its
 * other end is an entity the import keeps. */
static void vouch(struct import *im)
{
	for (size_t i = 0; i < im->n_held[REC_RELATION]; i++) {
		struct rec *r = im->held[REC_RELATION][i];
		if (!r->vouch)
			continue;
		const char *other = strcmp(r->u.rel.subject, r->vouch) == 0 ? r->u.rel.object : r->u.rel.subject;
		size_t o = ref_entry(im, 'e', other);
		int s = im->ks.v[o].state;
		int kept = s == K_WRITTEN || s == K_STORED ||
			   (s == K_HELD && !(im->held[REC_ENTITY][im->ks.v[o].aux]->flags & REC_F_VOUCHED));
		if (kept)
			im->ks.v[ref_entry(im, 'e', r->vouch)].vouched = 1;
	}
}

/* The end of the input: the records that waited are checked against all of
 * it, and written in type order (each type in input order). */
static void settle(struct import *im)
{
	vouch(im);
	for (int t = REC_SOURCE; t < N_REC_TYPES; t++) {
		for (size_t i = 0; i < im->n_held[t]; i++) {
			struct rec *r = im->held[t][i];
			int added;
			size_t e = rec_entry(im, r, &added);
			if ((r->flags & REC_F_VOUCHED) && !im->ks.v[e].vouched) {
				im->ks.v[e].state = K_DROPPED;
				drop(im, r, r->vouch ? r->vouch : "entity no record vouches for");
				continue;
			}
			int refs = rec_refs(im, r, 1);
			if (refs == REFS_LEFT || refs == REFS_NO_SOURCE || (refs == REFS_MISSING && (r->flags & REC_F_SOFT))) {
				drop(im, r, refs == REFS_LEFT ? "tie to an entity left out" :
					    refs == REFS_MISSING ? "tie to an entity neither in the input nor in the database" :
								   "record whose documents are neither in the input nor in the database");
				if (r->type == REC_ENTITY)
					im->ks.v[e].state = K_DROPPED;
				continue;
			}
			if (refs != REFS_READY || im->write_rc)
				continue; /* stays K_HELD: what refers to it is not written either */
			land(im, r, e);
		}
	}
	for (size_t i = 0; i < im->n_recheck; i++)
		rec_refs(im, im->recheck[i], 1);
	if (im->n_att_waiting) {
		for (size_t i = 0; i < im->n_atts; i++)
			for (size_t k = 0; k < im->atts[i].n; k++)
				tm_import_drop(&im->rep->drops,
					       im->atts[i].v[k].what == ATT_CITE ?
						       "Documentation after what it documents, or of what is not in the input" :
						       "Identification after its holder, or of one not in the input",
					       1);
	}
}

static void import_release(struct import *im)
{
	for (int t = REC_SOURCE; t < N_REC_TYPES; t++) {
		for (size_t i = 0; i < im->n_held[t]; i++) {
			rec_release(im->held[t][i]);
			free(im->held[t][i]);
		}
		free(im->held[t]);
	}
	for (size_t i = 0; i < im->n_recheck; i++) {
		rec_release(im->recheck[i]);
		free(im->recheck[i]);
	}
	free(im->recheck);
	for (size_t i = 0; i < im->n_atts; i++) {
		for (size_t k = 0; k < im->atts[i].n; k++) {
			struct attach *a = &im->atts[i].v[k];
			free(a->target);
			free(a->a);
			free(a->b);
			free(a->c);
			free(a->why);
		}
		free(im->atts[i].v);
	}
	free(im->atts);
	keyset_release(&im->att);
	for (size_t i = 0; i < im->n_src_canon; i++)
		free(im->src_canon[i]);
	free(im->src_canon);
	keyset_release(&im->ks);
	tm_buf_release(&im->key);
	tm_buf_release(&im->ref);
	tm_buf_release(&im->diff);
	tm_strv_release(&im->cross);
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

/* The import's own change: the revisions staged that a history in the
 * input does not already end with, by the import's author. */
static tm_rc commit_history(struct import *im, tm_err *err)
{
	if (!im->staged)
		return TM_OK;
	const tm_import_opts *o = im->opts;
	tm_buf summary = TM_BUF_INIT, author = TM_BUF_INIT;
	if (o && o->summary) {
		tm_buf_adds(&summary, o->summary);
	} else {
		tm_buf_adds(&summary, "import");
		const struct input *in = &im->p->in;
		/* by their names alone: the summary is public (history pages),
		 * the operator's folders are not */
		for (size_t i = 0; i < (in->paths ? in->n_paths : 1); i++) {
			const char *name = input_name(in, (uint32_t)i);
			const char *slash = strrchr(name, '/');
			tm_buf_addf(&summary, " %s", slash && slash[1] ? slash + 1 : name);
		}
	}
	tm_buf_adds(&author, o && o->author ? o->author : "import");
	char at[24];
	tm_now_iso(at);
	tm_change c = { .at = at, .author = author.buf, .via = (char *)"import", .summary = summary.buf };
	tm_rc rc = tm_store_stage_commit(im->st, &c, NULL, err);
	tm_buf_release(&summary);
	tm_buf_release(&author);
	return rc;
}

static tm_rc run(tm_store *st, struct pipeline *p, const tm_import_opts *opts, tm_import_report *rep, tm_err *err)
{
	static const tm_import_opts defaults;
	if (!opts)
		opts = &defaults;
	struct import im;
	memset(&im, 0, sizeof(im));
	im.st = st;
	im.opts = opts;
	im.rep = rep;
	im.p = p;
	tm_buf_init(&im.key);
	tm_buf_init(&im.ref);
	tm_buf_init(&im.diff);
	im.compare = opts->on_conflict != TM_CONFLICT_REPLACE || opts->dry_run;
	rep->compared = im.compare;
	tm_rc rc = tm_store_begin_bulk(st, err);
	if (rc) {
		pipeline_release(p);
		return rc;
	}
	if ((rc = tm_store_is_empty(st, &im.empty, err))) {
		tm_store_rollback(st);
		pipeline_release(p);
		return rc;
	}
	for (int t = REC_SOURCE; t < REC_CAPTURE; t++)
		im.fresh[t] = tm_store_has_records(st, rec_type_names[t]) == 0;
	/* a record takes about 170 bytes of JSON: growing the keyset step by
	 * step would hash every key again at each step */
	keyset_reserve(&im.ks, p->total_bytes / 170);
	for (size_t seq = 0;; seq++) {
		struct batch *b = next_batch(p, seq);
		if (!b)
			break;
		take_batch(&im, b);
		release_batch(p, b);
		if (im.write_rc) {
			stop_reading(p);
			break;
		}
		if (!im.line_failed) {
			pthread_mutex_lock(&p->mu);
			im.line_failed = p->errors.n > 0;
			pthread_mutex_unlock(&p->mu);
		}
	}
	pipeline_join(p);
	for (size_t i = 0; i < p->errors.n; i++)
		tm_strv_push(&rep->errors, p->errors.v[i]);
	pipeline_release(p);
	if (!rep->errors.n && !im.write_rc)
		settle(&im);
	if (im.write_rc) {
		rc = im.write_rc;
		if (err)
			*err = im.werr;
	} else if (rep->errors.n || im.cross.n) {
		if (!rep->errors.n) {
			for (size_t i = 0; i < im.cross.n; i++)
				tm_strv_push_owned(&rep->errors, im.cross.v[i]);
			im.cross.n = 0;
		}
		qsort(rep->errors.v, rep->errors.n, sizeof(char *), error_cmp);
		rc = tm_fail(err, TM_ERR_INVALID, "%zu bad line%s: nothing imported", rep->errors.n,
			     rep->errors.n == 1 ? "" : "s");
	} else if (opts->dry_run) {
		tm_store_rollback(st); /* a dry run: everything checked, nothing kept */
		rc = TM_OK;
		progress(&im, 1);
		import_release(&im);
		return rc;
	} else {
		rc = commit_history(&im, err);
		if (!rc)
			rc = tm_store_commit(st, err);
	}
	if (rc)
		tm_store_rollback(st);
	else
		progress(&im, 1);
	import_release(&im);
	return rc;
}

tm_rc tm_import_files(tm_store *st, const char *const *paths, size_t n, const tm_import_opts *opts,
		      tm_import_report *rep, tm_err *err)
{
	memset(rep, 0, sizeof(*rep));
	struct pipeline p;
	pipeline_init(&p, opts);
	p.in.paths = paths;
	p.in.n_paths = n;
	for (size_t i = 0; i < n; i++) {
		struct stat sb;
		if (strcmp(paths[i], "-") == 0 || stat(paths[i], &sb) != 0 || !S_ISREG(sb.st_mode)) {
			p.total_bytes = 0;
			break;
		}
		p.total_bytes += (size_t)sb.st_size;
	}
	return run(st, &p, opts, rep, err);
}

tm_rc tm_import_buffer(tm_store *st, const char *name, const char *data, size_t len, const tm_import_opts *opts,
		       tm_import_report *rep, tm_err *err)
{
	memset(rep, 0, sizeof(*rep));
	struct pipeline p;
	pipeline_init(&p, opts);
	p.in.name = name;
	p.in.data = data;
	p.in.len = len;
	p.total_bytes = len;
	return run(st, &p, opts, rep, err);
}

/* ---- one record (io.h's tm_record): the importer's checks, for editing ---- */

tm_rc tm_record_parse(json_t *o, int allow_unsourced, tm_record *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	out->type = TM_RECORD_NONE;
	if (!json_is_object(o))
		return tm_fail(err, TM_ERR_INVALID, "a record must be a JSON object");
	const char *type = json_string_value(json_object_get(o, "type"));
	if (!type)
		return tm_fail(err, TM_ERR_INVALID, "missing field 'type'");
	tm_import_opts opts = { .allow_unsourced = allow_unsourced };
	struct why w = { "" };
	int bad;
	out->type = tm_record_type_parse(type);
	switch (out->type) {
	case TM_RECORD_SOURCE: bad = parse_source(o, &out->u.src, &w); break;
	case TM_RECORD_ENTITY: bad = parse_entity(&opts, o, &out->u.ent, &w); break;
	case TM_RECORD_RELATION: bad = parse_relation(&opts, o, &out->u.rel, &w); break;
	case TM_RECORD_SITE: bad = parse_site(o, &out->u.site, &w); break;
	case TM_RECORD_ACTION: bad = parse_action(o, &out->u.act, &w); break;
	case TM_RECORD_INVOLVEMENT: bad = parse_involvement(o, &out->u.inv, &w); break;
	default: return tm_fail(err, TM_ERR_INVALID, "unknown type '%.40s'", type);
	}
	if (bad)
		return tm_fail(err, TM_ERR_INVALID, "%s", w.msg);
	return TM_OK;
}

tm_rc tm_import_recs(tm_store *st, struct recbuf *out, const tm_import_opts *opts, tm_import_report *rep,
		     tm_err *err)
{
	memset(rep, 0, sizeof(*rep));
	struct pipeline p;
	pipeline_init(&p, opts);
	p.in.done = 1;
	p.in.name = out->n ? out->v[0].file : "input";
	p.prepared = out;
	return run(st, &p, opts, rep, err);
}
