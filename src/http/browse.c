/*
 * Browsing: /entities (filter by kind, country, category of involvement and
 * tag; sort by name, ties or last change; 50 a page; the count of every filter value beside the
 * list), /tags and /tags/{tag}, and the same list as JSON at
 * /api/v1/entities.  Filters are a plain GET form that works without
 * JavaScript; a filter value that is not one keeps the form, with the
 * error beside its field, and answers 400.  The counts come from
 * store_browse.h (a facet counts under every filter but its own).
 */
#include "http/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "store/store_browse.h"
#include "text/text.h"

#define PER_PAGE 50
#define FACET_VALUES 200 /* values of one facet listed */

static const char *const sorts[] = { "name", "ties", "changed" };

/* What the request asks, checked; errors[] name the fields at fault. */
typedef struct browse_ask {
	tm_entity_filter f;
	char country[3];
	tm_entity_sort sort;
	long page, limit, offset;
	const char *bad[8]; /* field names with a bad value, NULL-terminated */
} browse_ask;

static const char *arg(tm_req *req, const char *key)
{
	const char *v = tm_req_arg(req, key);
	return v && *v ? v : NULL;
}

static void bad(browse_ask *a, const char *field)
{
	for (size_t i = 0; i + 1 < sizeof(a->bad) / sizeof(a->bad[0]); i++)
		if (!a->bad[i]) {
			a->bad[i] = field;
			return;
		}
}

static int is_bad(const browse_ask *a, const char *field)
{
	for (size_t i = 0; a->bad[i]; i++)
		if (strcmp(a->bad[i], field) == 0)
			return 1;
	return 0;
}

static long number(const char *v, long def, long min, long max, int *ok)
{
	if (!v)
		return def;
	char *end;
	long n = strtol(v, &end, 10);
	if (*end || n < min || n > max) {
		*ok = 0;
		return def;
	}
	return n;
}

/* Read and check the filters; 0 when all are good.  tag_fixed: the tag of
 * a /tags/{tag} page. */
static int ask_read(tm_req *req, browse_ask *a, const char *tag_fixed, int api)
{
	memset(a, 0, sizeof(*a));
	a->f.kind = arg(req, "kind");
	if (a->f.kind && !tm_kind_find(a->f.kind))
		bad(a, "kind");
	const char *cc = arg(req, "country");
	if (cc) {
		if (strlen(cc) == 2) {
			a->country[0] = (char)(cc[0] >= 'a' && cc[0] <= 'z' ? cc[0] - 32 : cc[0]);
			a->country[1] = (char)(cc[1] >= 'a' && cc[1] <= 'z' ? cc[1] - 32 : cc[1]);
		}
		tm_buf n = TM_BUF_INIT;
		if (tm_text_country_name(a->country, "en", &n))
			bad(a, "country");
		else
			a->f.country = a->country;
		tm_buf_release(&n);
	}
	a->f.tag = tag_fixed ? tag_fixed : arg(req, "tag");
	if (a->f.tag && !tm_id_valid(a->f.tag))
		bad(a, "tag");
	a->f.category = arg(req, "category");
	if (a->f.category && !tm_category_find(a->f.category))
		bad(a, "category");
	const char *s = arg(req, "sort");
	a->sort = TM_SORT_NAME;
	if (s) {
		size_t i = 0;
		while (i < 3 && strcmp(sorts[i], s) != 0)
			i++;
		if (i == 3)
			bad(a, "sort");
		else
			a->sort = (tm_entity_sort)i;
	}
	int ok = 1;
	a->limit = api ? number(arg(req, "limit"), PER_PAGE, 1, 100, &ok) : PER_PAGE;
	if (!ok)
		bad(a, "limit");
	ok = 1;
	if (api) {
		a->offset = number(arg(req, "offset"), 0, 0, 100000000, &ok);
		a->page = a->offset / a->limit + 1;
	} else {
		a->page = number(arg(req, "page"), 1, 1, 1000000, &ok);
		a->offset = (a->page - 1) * a->limit;
	}
	if (!ok)
		bad(a, api ? "offset" : "page");
	return a->bad[0] != NULL;
}

/* ---- the API ---- */

struct json_ctx {
	tm_req *req;
	json_t *arr;
};

static int json_row(void *p, const tm_browse_row *row)
{
	struct json_ctx *c = p;
	tm_entity e;
	if (tm_store_get_entity(c->req->st, row->id, &e, NULL))
		return 0;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(e.id));
	json_object_set_new(o, "kind", json_string(e.kind));
	json_object_set_new(o, "country", e.country ? json_string(e.country) : json_null());
	json_object_set_new(o, "name", json_string(tm_entity_display_name(&e, "en")));
	json_object_set_new(o, "name_zh", json_string(tm_entity_display_name(&e, "zh")));
	json_t *tags = json_array();
	for (size_t i = 0; i < e.tags.n; i++)
		json_array_append_new(tags, json_string(e.tags.v[i]));
	json_object_set_new(o, "tags", tags);
	json_t *cats = json_array();
	for (size_t i = 0; i < row->categories->n; i++)
		json_array_append_new(cats, json_string(row->categories->v[i]));
	json_object_set_new(o, "categories", cats);
	json_object_set_new(o, "ties", json_integer(row->ties));
	json_object_set_new(o, "changed", json_string(row->changed));
	json_array_append_new(c->arr, o);
	tm_entity_release(&e);
	return 0;
}

static int json_facet(void *p, const char *value, int64_t count)
{
	json_t *o = json_object();
	json_object_set_new(o, "value", json_string(value));
	json_object_set_new(o, "count", json_integer(count));
	json_array_append_new(p, o);
	return 0;
}

static const char *const entity_facets[] = { TM_ENTITY_FACETS };
#define N_FACETS (sizeof(entity_facets) / sizeof(entity_facets[0]))

/* The value a filter has, by its facet's name. */
static const char *facet_value(const tm_entity_filter *f, const char *facet)
{
	if (strcmp(facet, "kind") == 0)
		return f->kind;
	if (strcmp(facet, "country") == 0)
		return f->country;
	if (strcmp(facet, "category") == 0)
		return f->category;
	return strcmp(facet, "tag") == 0 ? f->tag : NULL;
}

void tm_http_api_entities(tm_req *req)
{
	browse_ask a;
	if (ask_read(req, &a, NULL, 1)) {
		tm_req_fail(req, 400, "bad_parameter",
			    "'%s' is not a valid value: kind is an entity kind, country an ISO 3166-1 code, category a "
			    "category of involvement (/about), tag a lower-case word, sort one of name, ties, changed, "
			    "limit 1 to 100, offset 0 or more",
			    a.bad[0]);
		return;
	}
	json_t *o = json_object(), *results = json_array(), *facets = json_object();
	struct json_ctx c = { req, results };
	int64_t total = 0;
	tm_err err = { 0 };
	tm_rc rc = tm_store_browse_entities(req->st, &a.f, a.sort, req->lang, (size_t)a.offset, (size_t)a.limit, json_row,
					    &c, &total, &err);
	for (size_t i = 0; !rc && i < sizeof(entity_facets) / sizeof(entity_facets[0]); i++) {
		json_t *arr = json_array();
		rc = tm_store_entity_facet(req->st, &a.f, entity_facets[i], FACET_VALUES, json_facet, arr, &err);
		json_object_set_new(facets, entity_facets[i], arr);
	}
	if (rc) {
		json_decref(o);
		json_decref(results);
		json_decref(facets);
		tm_req_fail_err(req, &err);
		return;
	}
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "offset", json_integer(a.offset));
	json_object_set_new(o, "limit", json_integer(a.limit));
	json_object_set_new(o, "sort", json_string(sorts[a.sort]));
	json_t *filters = json_object();
	if (a.f.kind)
		json_object_set_new(filters, "kind", json_string(a.f.kind));
	if (a.f.country)
		json_object_set_new(filters, "country", json_string(a.f.country));
	if (a.f.tag)
		json_object_set_new(filters, "tag", json_string(a.f.tag));
	if (a.f.category)
		json_object_set_new(filters, "category", json_string(a.f.category));
	json_object_set_new(o, "filters", filters);
	json_object_set_new(o, "results", results);
	json_object_set_new(o, "facets", facets);
	tm_req_json(req, o);
}

/* ---- the page ---- */

/* The list's URL with one filter changed (value NULL: removed) and the
 * page reset. */
static void list_url(tm_req *req, const browse_ask *a, const char *base, const char *key, const char *value,
		     tm_buf *out)
{
	tm_buf_adds(out, base);
	tm_buf_addch(out, '?');
	const char *keys[] = { "kind", "country", "category", "tag", "sort" };
	const char *vals[] = { a->f.kind, a->f.country, a->f.category, base[1] == 't' ? NULL : a->f.tag,
			       a->sort != TM_SORT_NAME ? sorts[a->sort] : NULL };
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = strcmp(keys[i], key) == 0 ? value : vals[i];
		if (!v)
			continue;
		tm_buf_addf(out, "%s=", keys[i]);
		tm_url_enc(out, v);
		tm_buf_addch(out, '&');
	}
	tm_buf_adds(out, tm_page_lang_arg(req));
}

struct facet_ctx {
	tm_req *req;
	const browse_ask *a;
	const char *base, *facet;
	tm_buf links;   /* the facet's list of links */
	tm_buf options; /* its <option>s for the form */
	size_t n;
};

static void facet_value_label(tm_req *req, const char *facet, const char *value, tm_buf *out)
{
	if (strcmp(facet, "kind") == 0)
		tm_buf_adds(out, tm_page_kind_label(req, value));
	else if (strcmp(facet, "country") == 0)
		tm_text_country_name(value, req->ui, out);
	else if (strcmp(facet, "tag") == 0)
		tm_buf_adds(out, tm_page_tag_label(req, value));
	else if (strcmp(facet, "category") == 0)
		tm_buf_adds(out, tm_page_category_label(req, value));
	else
		tm_buf_adds(out, value);
}

static int page_facet(void *p, const char *value, int64_t count)
{
	struct facet_ctx *c = p;
	tm_req *req = c->req;
	tm_buf label = TM_BUF_INIT, url = TM_BUF_INIT;
	facet_value_label(req, c->facet, value, &label);
	const char *cur = facet_value(&c->a->f, c->facet);
	int chosen = cur && strcmp(cur, value) == 0;
	list_url(req, c->a, c->base, c->facet, value, &url);
	if (chosen)
		tm_html(&c->links, "<li><strong aria-current=\"true\">%s</strong> <span class=\"n\">%ld</span></li>", label.buf,
			(long)count);
	else
		tm_html(&c->links, "<li><a href=\"%s\">%s</a> <span class=\"n\">%ld</span></li>", url.buf, label.buf,
			(long)count);
	tm_html(&c->options, "<option value=\"%s\"%r>%s (%ld)</option>", value, chosen ? " selected" : "", label.buf,
		(long)count);
	c->n++;
	tm_buf_release(&label);
	tm_buf_release(&url);
	return 0;
}

static int page_row(void *p, const tm_browse_row *row)
{
	tm_req *req = p;
	tm_entity e;
	if (tm_store_get_entity(req->st, row->id, &e, NULL))
		return 0;
	tm_buf *b = &req->body;
	const tm_name *n = tm_entity_display(&e, req->ui);
	tm_html(b, "<li><a class=\"hit\" href=\"/entities/%q?%r\"", e.id, tm_page_lang_arg(req));
	tm_page_lang_attr(req, n ? n->lang : NULL);
	tm_html(b, ">%s</a> ", n ? n->text : e.id);
	tm_page_kind(req, e.kind);
	if (e.country) {
		tm_buf_adds(b, " ");
		tm_page_country(req, e.country);
	}
	tm_html(b, " <span class=\"ties\">%s %ld</span>", T("browse.ties"), (long)row->ties);
	const char *d = tm_page_zh(req) ? e.desc_zh : e.desc_en;
	const char *dl = tm_page_zh(req) ? "zh-Hans" : "en";
	if (!d) {
		d = tm_page_zh(req) ? e.desc_en : e.desc_zh;
		dl = tm_page_zh(req) ? "en" : "zh-Hans";
	}
	if (d) {
		tm_buf_adds(b, "<br><span class=\"desc\"");
		tm_page_lang_attr(req, dl);
		tm_html(b, ">%s</span>", d);
	}
	if (row->categories->n) {
		/* involvement, apart from the topics: the claims behind it are on the entity's page */
		tm_html(b, "<br><span class=\"categories-inline\">%s ", T("browse.involvement"));
		for (size_t i = 0; i < row->categories->n; i++) {
			if (i)
				tm_buf_adds(b, " ");
			tm_page_category(req, row->categories->v[i]);
		}
		tm_buf_adds(b, "</span>");
	}
	if (e.tags.n) {
		tm_buf_adds(b, "<br><span class=\"tags-inline\">");
		for (size_t i = 0; i < e.tags.n; i++) {
			if (i)
				tm_buf_adds(b, " ");
			tm_page_tag(req, e.tags.v[i]);
		}
		tm_buf_adds(b, "</span>");
	}
	tm_buf_adds(b, "</li>\n");
	tm_entity_release(&e);
	return 0;
}

static void field_error(tm_req *req, const browse_ask *a, const char *field, const char *key)
{
	if (is_bad(a, field))
		tm_html(&req->body, "<span class=\"field-error\" id=\"err-%s\" role=\"alert\">%s</span>", field, T(key));
}

/* The list page: /entities, or /tags/{tag} when tag is set. */
static void entities_page(tm_req *req, const char *tag)
{
	browse_ask a;
	int invalid = ask_read(req, &a, tag, 0);
	/* a bad value is dropped, so that the page lists what the rest asks */
	tm_entity_filter shown = a.f;
	if (is_bad(&a, "kind"))
		shown.kind = NULL;
	if (is_bad(&a, "country"))
		shown.country = NULL;
	if (is_bad(&a, "tag"))
		shown.tag = NULL;
	if (is_bad(&a, "category"))
		shown.category = NULL;
	a.f = shown;
	const char *base = tag ? "" : "/entities";
	tm_buf tagbase = TM_BUF_INIT;
	if (tag) {
		tm_buf_adds(&tagbase, "/tags/");
		tm_url_enc(&tagbase, tag);
		base = tagbase.buf;
	}

	int64_t total = 0;
	tm_err err = { 0 };
	/* the facets first: each is a form field and a list of links */
	struct facet_ctx fc[N_FACETS];
	tm_rc rc = TM_OK;
	for (size_t i = 0; i < N_FACETS; i++) {
		fc[i] = (struct facet_ctx){ req, &a, base, entity_facets[i], TM_BUF_INIT, TM_BUF_INIT, 0 };
		if (!rc)
			rc = tm_store_entity_facet(req->st, &a.f, entity_facets[i], FACET_VALUES, page_facet, &fc[i], &err);
	}
	tm_buf title = TM_BUF_INIT;
	if (tag) {
		tm_buf_adds(&title, T("browse.tag"));
		tm_buf_adds(&title, tm_page_zh(req) ? "：" : ": ");
		tm_buf_adds(&title, tm_page_tag_label(req, tag));
	} else {
		tm_buf_adds(&title, T("browse.title"));
		const char *parts[4] = { a.f.kind ? tm_page_kind_label(req, a.f.kind) : NULL, NULL,
					 a.f.category ? tm_page_category_label(req, a.f.category) : NULL,
					 a.f.tag ? tm_page_tag_label(req, a.f.tag) : NULL };
		tm_buf cn = TM_BUF_INIT;
		if (a.f.country) {
			tm_text_country_name(a.f.country, req->ui, &cn);
			parts[1] = cn.buf;
		}
		int first = 1;
		for (size_t i = 0; i < 4; i++)
			if (parts[i]) {
				tm_buf_adds(&title, first ? (tm_page_zh(req) ? "：" : ": ") : (tm_page_zh(req) ? "、" : ", "));
				tm_buf_adds(&title, parts[i]);
				first = 0;
			}
		tm_buf_release(&cn);
	}
	if (rc) {
		for (size_t i = 0; i < N_FACETS; i++) {
			tm_buf_release(&fc[i].links);
			tm_buf_release(&fc[i].options);
		}
		tm_buf_release(&title);
		tm_buf_release(&tagbase);
		tm_req_fail_err(req, &err);
		return;
	}
	if (invalid) {
		req->r_status = 400;
		req->r_nocache = 1;
	}
	req->page.desc = T(tag ? "browse.tag_desc" : "browse.desc");
	tm_page_begin(req, title.buf);
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n", title.buf);
	if (tag)
		tm_html(b, "<p class=\"lead\">%s <a href=\"/tags?%r\">%s</a></p>\n", T("browse.tag_lead"),
			tm_page_lang_arg(req), T("browse.all_tags"));
	if (invalid)
		tm_html(b, "<p class=\"error\" role=\"alert\">%s</p>\n", T("browse.invalid"));

	/* the form: the same filters as the links, for keyboards and phones */
	tm_html(b, "<form class=\"filter-form\" action=\"%s\" method=\"get\">\n", tag ? base : "/entities");
	for (size_t i = 0; i < N_FACETS; i++) {
		if (tag && strcmp(entity_facets[i], "tag") == 0)
			continue;
		char key[32];
		snprintf(key, sizeof(key), "browse.%s", entity_facets[i]);
		tm_buf invalid_attr = TM_BUF_INIT;
		if (is_bad(&a, entity_facets[i]))
			tm_buf_addf(&invalid_attr, " aria-invalid=\"true\" aria-describedby=\"err-%s\"", entity_facets[i]);
		tm_html(b, "<div class=\"field\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\"%r>"
			   "<option value=\"\">%s</option>%r</select>",
			entity_facets[i], T(key), entity_facets[i], entity_facets[i],
			invalid_attr.buf,
			T("browse.any"), fc[i].options.buf);
		tm_buf_release(&invalid_attr);
		snprintf(key, sizeof(key), "browse.bad_%s", entity_facets[i]);
		field_error(req, &a, entity_facets[i], key);
		tm_buf_adds(b, "</div>\n");
	}
	tm_html(b, "<div class=\"field\"><label for=\"f-sort\">%s</label><select id=\"f-sort\" name=\"sort\"%r>",
		T("browse.sort"), is_bad(&a, "sort") ? " aria-describedby=\"err-sort\"" : "");
	for (size_t i = 0; i < 3; i++) {
		char key[32];
		snprintf(key, sizeof(key), "browse.sort_%s", sorts[i]);
		tm_html(b, "<option value=\"%s\"%r>%s</option>", sorts[i], (size_t)a.sort == i ? " selected" : "", T(key));
	}
	tm_buf_adds(b, "</select>");
	field_error(req, &a, "sort", "browse.bad_sort");
	tm_html(b, "</div>\n<input type=\"hidden\" name=\"lang\" value=\"%r\">\n<div class=\"field\"><button type=\"submit\">%s</button></div>\n</form>\n",
		strcmp(req->ui, "zh-Hant") == 0 ? "zh-Hant" : tm_page_zh(req) ? "zh" : "en", T("actions.apply"));

	tm_html(b, "<div class=\"browse\">\n<aside class=\"facets\" aria-label=\"%s\">\n", T("browse.facets"));
	for (size_t i = 0; i < N_FACETS; i++) {
		char key[32];
		snprintf(key, sizeof(key), "browse.%s", entity_facets[i]);
		if (tag && strcmp(entity_facets[i], "tag") == 0)
			continue;
		tm_html(b, "<section><h2>%s</h2><ul class=\"facet\">", T(key));
		const char *cur = facet_value(&a.f, entity_facets[i]);
		if (cur) {
			tm_buf u = TM_BUF_INIT;
			list_url(req, &a, base, entity_facets[i], NULL, &u);
			tm_html(b, "<li><a href=\"%s\">%s</a></li>", u.buf, T("browse.any"));
			tm_buf_release(&u);
		}
		tm_html(b, "%r</ul></section>\n", fc[i].links.buf);
	}
	tm_buf_adds(b, "</aside>\n<section class=\"browse-list\" aria-labelledby=\"list-h\">\n");
	/* the count first, for the heading (no rows: limit 0) */
	rc = tm_store_browse_entities(req->st, &a.f, a.sort, req->lang, 0, 0, page_row, req, &total, &err);
	tm_html(b, "<h2 id=\"list-h\">%s: %ld</h2>\n", T("browse.count"), (long)total);
	if (!rc && total)
		tm_buf_adds(b, "<ol class=\"results\">\n");
	if (!rc)
		rc = tm_store_browse_entities(req->st, &a.f, a.sort, req->lang, (size_t)a.offset, (size_t)a.limit, page_row,
					      req, &total, &err);
	if (!rc && total)
		tm_buf_adds(b, "</ol>\n");
	if (!rc && !total)
		tm_html(b, "<p>%s</p>\n", T("browse.none"));
	if (total > a.offset + a.limit || a.page > 1) {
		tm_html(b, "<nav class=\"pages\" aria-label=\"%s\">", T("actions.page"));
		tm_buf u = TM_BUF_INIT;
		list_url(req, &a, base, "", NULL, &u);
		if (a.page > 1)
			tm_html(b, "<a rel=\"prev\" href=\"%s&amp;page=%ld\">%s</a> ", u.buf, a.page - 1, T("browse.prev"));
		tm_html(b, "<span>%s %ld</span> ", T("browse.page"), a.page);
		if (total > a.offset + a.limit)
			tm_html(b, "<a rel=\"next\" href=\"%s&amp;page=%ld\">%s</a>", u.buf, a.page + 1, T("browse.next"));
		tm_buf_adds(b, "</nav>\n");
		tm_buf_release(&u);
	}
	tm_buf_adds(b, "</section>\n</div>\n");
	if (rc) {
		tm_req_fail_err(req, &err);
		tm_buf_release(&title);
		tm_buf_release(&tagbase);
		for (size_t i = 0; i < N_FACETS; i++) {
			tm_buf_release(&fc[i].links);
			tm_buf_release(&fc[i].options);
		}
		return;
	}
	for (size_t i = 0; i < N_FACETS; i++) {
		tm_buf_release(&fc[i].links);
		tm_buf_release(&fc[i].options);
	}
	tm_buf_release(&title);
	tm_buf_release(&tagbase);
	tm_page_end(req);
}

void tm_http_page_entities(tm_req *req)
{
	entities_page(req, NULL);
}

void tm_http_page_tag(tm_req *req)
{
	const char *tag = tm_req_param(req, "tag");
	if (!tag || !tm_id_valid(tag)) {
		tm_req_fail(req, 404, "not_found", "%s", T("browse.bad_tag"));
		return;
	}
	entities_page(req, tag);
}

static int tag_item(void *p, const char *value, int64_t count)
{
	tm_req *req = p;
	tm_buf_adds(&req->body, "<li>");
	tm_page_tag(req, value);
	tm_html(&req->body, " <span class=\"n\">%ld</span></li>\n", (long)count);
	return 0;
}

void tm_http_page_tags(tm_req *req)
{
	tm_entity_filter none = { 0 };
	req->page.desc = T("browse.tags_desc");
	tm_page_begin(req, T("browse.tags"));
	tm_html(&req->body, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<ul class=\"tag-list\">\n", T("browse.tags"),
		T("browse.tags_desc"));
	tm_err err = { 0 };
	if (tm_store_entity_facet(req->st, &none, "tag", 0, tag_item, req, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	tm_buf_adds(&req->body, "</ul>\n");
	tm_page_end(req);
}
