/*
 * The edit forms (docs/editing.md): /edit/entity, /edit/relation,
 * /edit/source, each new or, with ?key=, an existing record; the same form
 * deletes.  Plain HTML forms that work without JavaScript: what is typed
 * becomes a record in the interchange format, checked by the importer's
 * own checks (through src/edit), and a refusal comes back as the form with
 * the message beside its field.  A relation can cite a source that exists
 * or one added in the same step, with its quote.  The form carries the
 * revision it started from; a save over a newer one is refused with what
 * changed meanwhile.
 */
#include "http/http_internal.h"
#include "http/page_edit.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "edit/edit.h"
#include "search/search.h"

#define ROWS_EXTRA 2 /* blank rows for names, identifiers, citations */
#define ROWS_MAX 50

/* ---- messages in the page's language ---- */

void tm_page_edit_message(tm_req *req, tm_buf *b, const char *msg)
{
	static const struct {
		const char *prefix, *key;
	} known[] = {
		{ "missing field", "edit.err.missing" },
		{ "field '", "edit.err.field" },
		{ "bad date", "edit.err.date" },
		{ "bad id", "edit.err.id" },
		{ "unknown kind", "edit.err.kind" },
		{ "bad country", "edit.err.country" },
		{ "unknown predicate", "edit.err.predicate" },
		{ "share ", "edit.err.share" },
		{ "amount ", "edit.err.amount" },
		{ "bad currency", "edit.err.currency" },
		{ "'currency' given", "edit.err.currency" },
		{ "url must", "edit.err.url" },
		{ "no citation", "edit.err.cite" },
		{ "unknown entity", "edit.err.entity" },
		{ "unknown source", "edit.err.source" },
		{ "bad source id", "edit.err.source" },
		{ "bad language tag", "edit.err.lang" },
		{ "two primary names", "edit.err.primary" },
		{ "start ", "edit.err.order" },
		{ "every change needs a summary", "edit.err.summary" },
		{ "nothing changed", "edit.err.nothing" },
		{ "the id cannot change", "edit.err.id" },
		{ "ambiguous", "edit.err.ambiguous" },
	};
	const char *key = NULL;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]) && !key; i++)
		if (strncmp(msg, known[i].prefix, strlen(known[i].prefix)) == 0)
			key = known[i].key;
	if (!key && strstr(msg, "exists already"))
		key = "edit.err.exists";
	if (strcmp(req->lang, "zh") == 0 && key)
		tm_html(b, "%s <span lang=\"en\">(%s)</span>", T(key), msg);
	else
		tm_html(b, "%s", msg);
}

/* ---- the form's state: the record as JSON, errors by field ---- */

struct form {
	tm_req *req;
	tm_record_type type;
	const char *key;   /* the record edited, or NULL */
	json_t *rec;       /* the record as shown (owned) */
	json_t *src;       /* a relation's new source: title, url … quote (owned) */
	int64_t base;
	const char *summary;
	const char *err_field; /* where the message goes ("" above the form) */
	tm_buf err;        /* the message, as HTML */
	tm_edit_result *conflict;
};

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void field_error(struct form *f, const char *name)
{
	if (f->err.len && f->err_field && strcmp(f->err_field, name) == 0)
		tm_html(&f->req->body, "<span class=\"field-error\" id=\"err-%s\" role=\"alert\">%r</span>", name,
			f->err.buf);
}

static void input(struct form *f, const char *name, const char *label, const char *value, const char *attrs)
{
	tm_req *req = f->req;
	int bad = f->err.len && f->err_field && strcmp(f->err_field, name) == 0;
	tm_html(&req->body, "<p><label for=\"f-%s\">%s</label> <input id=\"f-%s\" name=\"%s\" value=\"%s\"%r%r%r> ",
		name, label, name, name, value ? value : "", attrs ? " " : "", attrs ? attrs : "",
		bad ? " aria-invalid=\"true\"" : "");
	field_error(f, name);
	tm_buf_adds(&req->body, "</p>\n");
}

static void textarea(struct form *f, const char *name, const char *label, const char *value)
{
	tm_html(&f->req->body, "<p><label for=\"f-%s\">%s</label> <textarea id=\"f-%s\" name=\"%s\" rows=\"3\">%s</textarea> ",
		name, label, name, name, value ? value : "");
	field_error(f, name);
	tm_buf_adds(&f->req->body, "</p>\n");
}

static void number_value(json_t *v, char *out, size_t n)
{
	out[0] = 0;
	if (json_is_number(v))
		snprintf(out, n, "%.15g", json_number_value(v));
	else if (json_is_string(v))
		snprintf(out, n, "%s", json_string_value(v));
}

/* The citations rows (source, quote, page) of f->rec's "sources". */
static void cite_rows(struct form *f)
{
	tm_req *req = f->req;
	tm_buf *b = &req->body;
	json_t *cites = json_object_get(f->rec, "sources");
	size_t n = json_array_size(cites);
	tm_html(b, "<fieldset class=\"cites\"><legend>%s</legend>\n", T("edit.cites"));
	field_error(f, "sources");
	for (size_t i = 0; i < n + ROWS_EXTRA && i < ROWS_MAX; i++) {
		json_t *c = json_array_get(cites, i);
		const char *sid = json_is_string(c) ? json_string_value(c) : jstr(c, "source");
		tm_html(b,
			"<div class=\"cite-row\"><label>%s <input name=\"cite_source_%d\" value=\"%s\" list=\"sources-list\" "
			"autocomplete=\"off\"></label> <label>%s <textarea name=\"cite_quote_%d\" rows=\"2\">%s</textarea></label> "
			"<label>%s <input name=\"cite_page_%d\" value=\"%s\" size=\"8\"></label></div>\n",
			T("edit.cite_source"), (int)i, sid ? sid : "", T("edit.quote"), (int)i,
			jstr(c, "quote") ? jstr(c, "quote") : "", T("edit.page"), (int)i, jstr(c, "page") ? jstr(c, "page") : "");
	}
	tm_buf_adds(b, "</fieldset>\n");
}

struct list_ctx {
	tm_buf *b;
	int n;
};

static int source_option(void *p, const tm_source *s)
{
	struct list_ctx *l = p;
	tm_html(l->b, "<option value=\"%s\">%s</option>", s->id, s->title ? s->title : "");
	return ++l->n >= 300;
}

static void sources_list(tm_req *req)
{
	struct list_ctx l = { &req->body, 0 };
	tm_buf_adds(&req->body, "<datalist id=\"sources-list\">");
	tm_store_each_source(req->st, source_option, &l, NULL);
	tm_buf_adds(&req->body, "</datalist>\n");
}

static void select_kind(struct form *f, const char *value)
{
	tm_req *req = f->req;
	tm_html(&req->body, "<p><label for=\"f-kind\">%s</label> <select id=\"f-kind\" name=\"kind\">", T("entity.kind"));
	for (size_t i = 0; i < tm_n_kinds; i++)
		tm_html(&req->body, "<option value=\"%s\"%r>%s</option>", tm_kinds[i].id,
			value && strcmp(value, tm_kinds[i].id) == 0 ? " selected" : "",
			strcmp(req->lang, "zh") == 0 ? tm_kinds[i].label_zh : tm_kinds[i].label_en);
	tm_buf_adds(&req->body, "</select> ");
	field_error(f, "kind");
	tm_buf_adds(&req->body, "</p>\n");
}

static void select_predicate(struct form *f, const char *value)
{
	tm_req *req = f->req;
	tm_html(&req->body, "<p><label for=\"f-predicate\">%s</label> <select id=\"f-predicate\" name=\"predicate\">",
		T("edit.predicate"));
	for (size_t i = 0; i < tm_n_predicates; i++)
		tm_html(&req->body, "<option value=\"%s\"%r>%s</option>", tm_predicates[i].id,
			value && strcmp(value, tm_predicates[i].id) == 0 ? " selected" : "",
			strcmp(req->lang, "zh") == 0 ? tm_predicates[i].label_zh : tm_predicates[i].label_en);
	tm_buf_adds(&req->body, "</select> ");
	field_error(f, "predicate");
	tm_buf_adds(&req->body, "</p>\n");
}

static void entity_fields(struct form *f)
{
	tm_req *req = f->req;
	tm_buf *b = &req->body;
	json_t *r = f->rec;
	if (!f->key)
		input(f, "id", T("edit.id"), jstr(r, "id"), "required pattern=\"[a-z0-9][a-z0-9_.\\-]*\" maxlength=\"100\"");
	select_kind(f, jstr(r, "kind"));
	input(f, "country", T("entity.country"), jstr(r, "country"), "maxlength=\"2\" size=\"3\"");
	input(f, "start", T("edit.start"), jstr(r, "start"), "maxlength=\"10\" size=\"11\" placeholder=\"YYYY-MM-DD\"");
	input(f, "end", T("edit.end"), jstr(r, "end"), "maxlength=\"10\" size=\"11\" placeholder=\"YYYY-MM-DD\"");
	json_t *names = json_object_get(r, "names");
	tm_html(b, "<fieldset class=\"names\"><legend>%s</legend>\n", T("entity.names"));
	field_error(f, "names");
	for (size_t i = 0; i < json_array_size(names) + ROWS_EXTRA && i < ROWS_MAX; i++) {
		json_t *n = json_array_get(names, i);
		tm_html(b,
			"<div class=\"name-row\"><label>%s <input name=\"name_text_%d\" value=\"%s\"></label> "
			"<label>%s <input name=\"name_lang_%d\" value=\"%s\" size=\"8\" placeholder=\"en, zh-Hans\"></label> "
			"<label><input type=\"checkbox\" name=\"name_primary_%d\" value=\"1\"%r> %s</label></div>\n",
			T("edit.name"), (int)i, jstr(n, "text") ? jstr(n, "text") : "", T("edit.lang"), (int)i,
			jstr(n, "lang") ? jstr(n, "lang") : "", (int)i, json_is_true(json_object_get(n, "primary")) ? " checked" : "",
			T("edit.primary"));
	}
	tm_buf_adds(b, "</fieldset>\n");
	json_t *d = json_object_get(r, "description");
	textarea(f, "desc_en", T("edit.desc_en"), jstr(d, "en"));
	textarea(f, "desc_zh", T("edit.desc_zh"), jstr(d, "zh"));
	tm_buf tags = TM_BUF_INIT;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r, "tags"), i, v) {
		if (i)
			tm_buf_adds(&tags, ", ");
		tm_buf_adds(&tags, json_string_value(v));
	}
	input(f, "tags", T("entity.tags"), tags.buf, NULL);
	tm_buf_release(&tags);
	json_t *ids = json_object_get(r, "identifiers");
	tm_html(b, "<fieldset class=\"idents\"><legend>%s</legend>\n", T("entity.identifiers"));
	field_error(f, "identifiers");
	for (i = 0; i < json_array_size(ids) + ROWS_EXTRA && i < ROWS_MAX; i++) {
		json_t *id = json_array_get(ids, i);
		tm_html(b,
			"<div><label>%s <input name=\"ident_scheme_%d\" value=\"%s\" size=\"10\"></label> "
			"<label>%s <input name=\"ident_value_%d\" value=\"%s\"></label></div>\n",
			T("edit.scheme"), (int)i, jstr(id, "scheme") ? jstr(id, "scheme") : "", T("edit.value"), (int)i,
			jstr(id, "value") ? jstr(id, "value") : "");
	}
	tm_buf_adds(b, "</fieldset>\n");
	cite_rows(f);
}

static void relation_fields(struct form *f)
{
	tm_req *req = f->req;
	tm_buf *b = &req->body;
	json_t *r = f->rec;
	char num[64];
	input(f, "subject", T("edit.subject"), jstr(r, "subject"),
	      "required list=\"entities-list\" autocomplete=\"off\" data-search=\"entity\"");
	select_predicate(f, jstr(r, "predicate"));
	input(f, "object", T("edit.object"), jstr(r, "object"),
	      "required list=\"entities-list\" autocomplete=\"off\" data-search=\"entity\"");
	tm_buf_adds(b, "<datalist id=\"entities-list\"></datalist>\n");
	input(f, "start", T("edit.start"), jstr(r, "start"), "maxlength=\"10\" size=\"11\" placeholder=\"YYYY-MM-DD\"");
	input(f, "end", T("edit.end"), jstr(r, "end"), "maxlength=\"10\" size=\"11\" placeholder=\"YYYY-MM-DD\"");
	number_value(json_object_get(r, "share"), num, sizeof(num));
	input(f, "share", T("edit.share"), num, "inputmode=\"decimal\" size=\"6\"");
	number_value(json_object_get(r, "amount"), num, sizeof(num));
	input(f, "amount", T("edit.amount"), num, "inputmode=\"decimal\" size=\"12\"");
	input(f, "currency", T("edit.currency"), jstr(r, "currency"), "maxlength=\"3\" size=\"4\"");
	textarea(f, "note", T("source.note"), jstr(r, "note"));
	cite_rows(f);
	/* a new source in the same step, with the quote it gives */
	json_t *s = f->src;
	tm_html(b, "<fieldset class=\"new-source\"><legend>%s</legend>\n<p class=\"hint\">%s</p>\n", T("edit.new_source"),
		T("edit.new_source_hint"));
	input(f, "src_title", T("edit.title"), jstr(s, "title"), "maxlength=\"1000\"");
	input(f, "src_url", T("source.url"), jstr(s, "url"), "type=\"url\" maxlength=\"2000\"");
	input(f, "src_publisher", T("source.publisher"), jstr(s, "publisher"), NULL);
	input(f, "src_author", T("source.author"), jstr(s, "author"), NULL);
	input(f, "src_date", T("source.date"), jstr(s, "date"), "maxlength=\"10\" size=\"11\" placeholder=\"YYYY-MM-DD\"");
	input(f, "src_lang", T("source.lang"), jstr(s, "lang"), "size=\"8\"");
	textarea(f, "src_quote", T("edit.quote"), jstr(s, "quote"));
	input(f, "src_page", T("edit.page"), jstr(s, "page"), "size=\"8\"");
	tm_buf_adds(b, "</fieldset>\n");
}

static void source_fields(struct form *f)
{
	tm_req *req = f->req;
	json_t *r = f->rec;
	if (!f->key)
		input(f, "id", T("edit.id"), jstr(r, "id"), "required pattern=\"[a-z0-9][a-z0-9_.\\-]*\" maxlength=\"100\"");
	input(f, "title", T("edit.title"), jstr(r, "title"), "required maxlength=\"1000\"");
	input(f, "author", T("source.author"), jstr(r, "author"), NULL);
	input(f, "publisher", T("source.publisher"), jstr(r, "publisher"), NULL);
	input(f, "date", T("source.date"), jstr(r, "date"), "maxlength=\"10\" size=\"11\" placeholder=\"YYYY-MM-DD\"");
	input(f, "url", T("source.url"), jstr(r, "url"), "type=\"url\" maxlength=\"2000\"");
	input(f, "lang", T("source.lang"), jstr(r, "lang"), "size=\"8\"");
	textarea(f, "note", T("source.note"), jstr(r, "note"));
}

static void form_page(struct form *f, int status)
{
	tm_req *req = f->req;
	tm_buf *b = &req->body;
	const char *tname = tm_record_type_name(f->type);
	char key_title[64];
	snprintf(key_title, sizeof(key_title), "edit.title_%s", tname);
	req->r_status = status;
	tm_page_begin(req, T(key_title));
	tm_html(b, "<h1>%s</h1>\n", T(key_title));
	if (f->key) {
		tm_buf_adds(b, "<p>");
		tm_page_record_link(req, tname, f->key);
		tm_buf_adds(b, "</p>\n");
	}
	if (req->who.role < TM_ROLE_EDITOR)
		tm_html(b, "<p class=\"notice\">%s</p>\n", T("edit.reviewed"));
	if (f->conflict && f->conflict->conflict) {
		tm_html(b, "<section class=\"conflict\" role=\"alert\"><h2>%s</h2><p>%s</p>\n", T("edit.conflict"),
			T("edit.conflict_help"));
		tm_page_diff(req, f->conflict->then, f->conflict->now);
		tm_buf_adds(b, "</section>\n");
	} else if (f->err.len && (!f->err_field || !*f->err_field)) {
		tm_html(b, "<p class=\"error\" role=\"alert\">%r</p>\n", f->err.buf);
	}
	tm_html(b, "<form method=\"post\" action=\"/edit/%s?%r\" class=\"edit-form\" novalidate>\n", tname,
		tm_page_lang_arg(req));
	tm_page_csrf_field(req);
	if (f->key)
		tm_html(b, "<input type=\"hidden\" name=\"key\" value=\"%s\">", f->key);
	tm_html(b, "<input type=\"hidden\" name=\"base\" value=\"%ld\">\n", (long)f->base);
	if (f->type == TM_RECORD_ENTITY)
		entity_fields(f);
	else if (f->type == TM_RECORD_RELATION)
		relation_fields(f);
	else
		source_fields(f);
	if (f->type != TM_RECORD_SOURCE)
		sources_list(req);
	input(f, "summary", T("edit.summary"), f->summary, "required maxlength=\"300\"");
	tm_html(b, "<p><button type=\"submit\" name=\"action\" value=\"save\">%s</button></p>\n", T("edit.save"));
	if (f->key)
		tm_html(b, "<p class=\"danger\"><button type=\"submit\" name=\"action\" value=\"delete\">%s</button> %s</p>\n",
			T("edit.delete"), T("edit.delete_note"));
	tm_html(b, "</form>\n<script src=\"/static/edit.js?v=%s\" defer></script>\n", tm_assets_build);
	tm_page_end(req);
}

/* ---- from the posted form to a record ---- */

static void set_field(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

static const char *fv(tm_req *req, const char *name)
{
	const char *v = tm_req_form(req, name);
	if (!v)
		return NULL;
	while (*v == ' ' || *v == '\t')
		v++;
	return *v ? v : NULL;
}

static const char *fvi(tm_req *req, const char *fmt, int i)
{
	char name[48];
	snprintf(name, sizeof(name), fmt, i);
	return fv(req, name);
}

/* A number field: a number when it reads as one, else the text, which
 * the importer then refuses with its own message. */
static void set_number(json_t *o, const char *key, const char *v)
{
	if (!v)
		return;
	char *end;
	double d = strtod(v, &end);
	while (*end == ' ')
		end++;
	json_object_set_new(o, key, *end || end == v ? json_string(v) : json_real(d));
}

static json_t *form_cites(tm_req *req)
{
	json_t *arr = json_array();
	for (int i = 0; i < ROWS_MAX + ROWS_EXTRA; i++) {
		const char *s = fvi(req, "cite_source_%d", i), *q = fvi(req, "cite_quote_%d", i),
			   *p = fvi(req, "cite_page_%d", i);
		if (!s && !q && !p)
			continue;
		json_t *c = json_object();
		json_object_set_new(c, "source", json_string(s ? s : ""));
		set_field(c, "quote", q);
		set_field(c, "page", p);
		json_array_append_new(arr, c);
	}
	return arr;
}

static json_t *form_entity(tm_req *req, const char *key)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("entity"));
	set_field(o, "id", key ? key : fv(req, "id"));
	set_field(o, "kind", fv(req, "kind"));
	set_field(o, "country", fv(req, "country"));
	set_field(o, "start", fv(req, "start"));
	set_field(o, "end", fv(req, "end"));
	json_t *names = json_array();
	for (int i = 0; i < ROWS_MAX + ROWS_EXTRA; i++) {
		const char *t = fvi(req, "name_text_%d", i), *l = fvi(req, "name_lang_%d", i);
		if (!t && !l)
			continue;
		json_t *n = json_object();
		json_object_set_new(n, "text", json_string(t ? t : ""));
		json_object_set_new(n, "lang", json_string(l ? l : ""));
		if (fvi(req, "name_primary_%d", i))
			json_object_set_new(n, "primary", json_true());
		json_array_append_new(names, n);
	}
	json_object_set_new(o, "names", names);
	const char *en = fv(req, "desc_en"), *zh = fv(req, "desc_zh");
	if (en || zh) {
		json_t *d = json_object();
		set_field(d, "en", en);
		set_field(d, "zh", zh);
		json_object_set_new(o, "description", d);
	}
	const char *tags = fv(req, "tags");
	if (tags) {
		json_t *arr = json_array();
		char *copy = tm_xstrdup(tags), *save = NULL;
		for (char *t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save))
			json_array_append_new(arr, json_string(t));
		free(copy);
		json_object_set_new(o, "tags", arr);
	}
	json_t *ids = json_array();
	for (int i = 0; i < ROWS_MAX + ROWS_EXTRA; i++) {
		const char *s = fvi(req, "ident_scheme_%d", i), *v = fvi(req, "ident_value_%d", i);
		if (!s && !v)
			continue;
		json_t *id = json_object();
		json_object_set_new(id, "scheme", json_string(s ? s : ""));
		json_object_set_new(id, "value", json_string(v ? v : ""));
		json_array_append_new(ids, id);
	}
	if (json_array_size(ids))
		json_object_set_new(o, "identifiers", ids);
	else
		json_decref(ids);
	json_t *cites = form_cites(req);
	if (json_array_size(cites))
		json_object_set_new(o, "sources", cites);
	else
		json_decref(cites);
	return o;
}

static json_t *form_source(tm_req *req, const char *key)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("source"));
	set_field(o, "id", key ? key : fv(req, "id"));
	static const char *const fields[] = { "title", "author", "publisher", "date", "url", "lang", "note" };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		set_field(o, fields[i], fv(req, fields[i]));
	return o;
}

static json_t *form_relation(tm_req *req, json_t **src)
{
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("relation"));
	set_field(o, "subject", fv(req, "subject"));
	set_field(o, "predicate", fv(req, "predicate"));
	set_field(o, "object", fv(req, "object"));
	set_field(o, "start", fv(req, "start"));
	set_field(o, "end", fv(req, "end"));
	set_number(o, "amount", fv(req, "amount"));
	set_field(o, "currency", fv(req, "currency"));
	set_number(o, "share", fv(req, "share"));
	set_field(o, "note", fv(req, "note"));
	json_t *cites = form_cites(req);
	if (json_array_size(cites))
		json_object_set_new(o, "sources", cites);
	else
		json_decref(cites);
	*src = json_object();
	static const char *const fields[] = { "title", "url", "publisher", "author", "date", "lang", "quote", "page" };
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char name[24];
		snprintf(name, sizeof(name), "src_%s", fields[i]);
		set_field(*src, fields[i], fv(req, name));
	}
	return o;
}

/* A slug for a new source from its title, free in the store. */
static char *source_slug(tm_store *st, const char *title)
{
	tm_buf b = TM_BUF_INIT;
	int dash = 0;
	for (const char *p = title; *p && b.len < 40; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalnum(c) && c < 128) {
			if (dash && b.len)
				tm_buf_addch(&b, '-');
			tm_buf_addch(&b, (char)tolower(c));
			dash = 0;
		} else {
			dash = 1;
		}
	}
	if (!b.len)
		tm_buf_adds(&b, "source");
	size_t stem = b.len;
	/* a failing store ends the search: the save then fails on its own */
	int taken = 0;
	for (int n = 2; tm_store_has_source(st, b.buf, &taken, NULL) == TM_OK && taken && n < 1000; n++) {
		b.len = stem;
		b.buf[stem] = 0;
		tm_buf_addf(&b, "-%d", n);
	}
	return tm_buf_detach(&b);
}

/* An entity field holding a name or an id, turned into the id; 0 on
 * success, else the form's error is set. */
static int resolve_end(struct form *f, const char *field)
{
	const char *v = jstr(f->rec, field);
	if (!v)
		return 0; /* the importer says it is missing */
	int found = 0;
	if (tm_id_valid(v) && tm_store_has_entity(f->req->st, v, &found, NULL) == TM_OK && found)
		return 0;
	char *id = NULL;
	tm_search_hits cands = { 0 };
	tm_err err = { 0 };
	tm_rc rc = tm_search_resolve(f->req->st, v, &id, &cands, &err);
	if (rc == TM_OK) {
		json_object_set_new(f->rec, field, json_string(id));
		free(id);
		tm_search_hits_release(&cands);
		return 0;
	}
	f->err_field = field;
	tm_buf_reset(&f->err);
	if (rc == TM_ERR_AMBIGUOUS) {
		tm_req *req = f->req;
		tm_html(&f->err, "%s ", T("edit.which"));
		for (size_t i = 0; i < cands.n && i < 10; i++)
			tm_html(&f->err, "%r<code>%s</code> (%s)", i ? ", " : "", cands.v[i].id, cands.v[i].name);
	} else if (rc == TM_ERR_NOTFOUND) {
		char msg[300];
		snprintf(msg, sizeof(msg), "unknown entity '%.200s'", v);
		tm_page_edit_message(f->req, &f->err, msg);
	} else {
		tm_page_edit_message(f->req, &f->err, err.msg); /* the store failed: not "unknown" */
	}
	tm_search_hits_release(&cands);
	return -1;
}

static void save(struct form *f, int delete)
{
	tm_req *req = f->req;
	tm_edit_op ops[2];
	size_t n = 0;
	memset(ops, 0, sizeof(ops));
	char *slug = NULL;
	if (!delete && f->type == TM_RECORD_RELATION) {
		if (resolve_end(f, "subject") || resolve_end(f, "object")) {
			form_page(f, 400);
			return;
		}
		if (jstr(f->src, "title") || jstr(f->src, "url") || jstr(f->src, "quote")) {
			/* the new source, and a citation of it with its quote */
			json_t *s = json_object();
			json_object_set_new(s, "type", json_string("source"));
			slug = source_slug(req->st, jstr(f->src, "title") ? jstr(f->src, "title") : "");
			json_object_set_new(s, "id", json_string(slug));
			static const char *const fields[] = { "title", "author", "publisher", "date", "url", "lang" };
			for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
				set_field(s, fields[i], jstr(f->src, fields[i]));
			if (!jstr(f->src, "quote")) {
				f->err_field = "src_quote";
				tm_buf_reset(&f->err);
				tm_html(&f->err, "%s", T("edit.quote_needed"));
				json_decref(s);
				free(slug);
				form_page(f, 400);
				return;
			}
			json_t *cites = json_object_get(f->rec, "sources");
			if (!cites) {
				cites = json_array();
				json_object_set_new(f->rec, "sources", cites);
			}
			json_t *c = json_object();
			json_object_set_new(c, "source", json_string(slug));
			set_field(c, "quote", jstr(f->src, "quote"));
			set_field(c, "page", jstr(f->src, "page"));
			json_array_append_new(cites, c);
			ops[n++] = (tm_edit_op){ TM_RECORD_SOURCE, NULL, s, -1 };
		}
	}
	ops[n++] = (tm_edit_op){ f->type, f->key, delete ? NULL : f->rec, f->key ? f->base : -1 };
	tm_editor who = { req->who.user.name, req->who.user.id, req->who.role, "form" };
	tm_edit_result res;
	tm_err err = { 0 };
	tm_store *w = tm_http_writer_lock(req);
	tm_rc rc = w ? tm_edit_submit(w, &who, f->summary, ops, n, &res, &err) : TM_ERR_DB;
	tm_http_writer_unlock(req);
	if (ops[0].type == TM_RECORD_SOURCE && n == 2)
		json_decref(ops[0].after);
	free(slug);
	if (!w) {
		tm_req_fail(req, 503, "unavailable", "%s", T("auth.readonly"));
		return;
	}
	if (rc) {
		f->err_field = res.field ? res.field : "";
		if (n == 2 && res.op == 0 && res.field)
			f->err_field = strcmp(res.field, "url") == 0 ? "src_url" : strcmp(res.field, "date") == 0 ? "src_date" :
				       strcmp(res.field, "lang") == 0 ? "src_lang" : "src_title";
		tm_buf_reset(&f->err);
		tm_page_edit_message(req, &f->err, err.msg);
		if (res.conflict) {
			f->conflict = &res;
			f->base = res.current; /* saving again, having seen it, goes through */
		}
		form_page(f, rc == TM_ERR_AMBIGUOUS ? 409 : rc == TM_ERR_NOTFOUND ? 404 : 400);
		tm_edit_result_release(&res);
		return;
	}
	if (res.status == TM_CHANGE_PUBLISHED)
		tm_http_data_changed(req);
	tm_buf loc = TM_BUF_INIT;
	tm_buf_addf(&loc, "/review/%lld?%s", (long long)res.change, tm_page_lang_arg(req));
	tm_edit_result_release(&res);
	tm_req_see_other(req, tm_buf_detach(&loc));
}

void tm_http_page_edit(tm_req *req)
{
	struct form f;
	memset(&f, 0, sizeof(f));
	f.req = req;
	tm_buf_init(&f.err);
	const char *record = tm_req_param(req, "record");
	f.type = tm_record_type_parse(record);
	if (f.type != TM_RECORD_ENTITY && f.type != TM_RECORD_RELATION && f.type != TM_RECORD_SOURCE) {
		tm_req_fail(req, 404, "not_found", "%s", T("edit.unknown"));
		return;
	}
	int get = strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0;
	if (!get && strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	f.key = get ? tm_req_arg(req, "key") : tm_req_form(req, "key");
	if (f.key && (!*f.key || strlen(f.key) > 300))
		f.key = NULL;
	if (get) {
		char *canon = NULL;
		tm_err err = { 0 };
		if (f.key) {
			if (tm_record_stored(req->st, f.type, f.key, &canon, &err) || !canon) {
				tm_req_fail(req, 404, "not_found", "%s", T("edit.unknown"));
				return;
			}
			tm_store_latest_revision(req->st, record, f.key, &f.base, NULL);
			f.rec = json_loads(canon, 0, NULL);
			free(canon);
		} else {
			f.rec = json_object();
			if (f.type == TM_RECORD_RELATION && tm_req_arg(req, "subject"))
				json_object_set_new(f.rec, "subject", json_string(tm_req_arg(req, "subject")));
		}
		f.src = json_object();
		form_page(&f, 200);
	} else {
		const char *base = tm_req_form(req, "base");
		f.base = base ? strtoll(base, NULL, 10) : 0;
		f.summary = fv(req, "summary");
		f.rec = f.type == TM_RECORD_ENTITY ? form_entity(req, f.key) :
			f.type == TM_RECORD_SOURCE ? form_source(req, f.key) : form_relation(req, &f.src);
		if (!f.src)
			f.src = json_object();
		const char *action = tm_req_form(req, "action");
		save(&f, f.key && action && strcmp(action, "delete") == 0);
	}
	json_decref(f.rec);
	json_decref(f.src);
	tm_buf_release(&f.err);
}
