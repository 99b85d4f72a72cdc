/*
 * The bibliography: /sources (filter by publisher, year and language, the
 * count of each value beside the list, newest first, 50 a page) and the same
 * as JSON at /api/v1/sources.  As /entities, a bad filter value keeps the
 * form with the error beside it and answers 400.
 */
#include "http/http_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "store/store_browse.h"
#include "text/text.h"

#define PER_PAGE 50

static const char *const source_facets[] = { TM_SOURCE_FACETS };

typedef struct sources_ask {
	tm_source_filter f;
	long page, limit, offset;
	const char *bad; /* the first field with a bad value, or NULL */
} sources_ask;

static const char *arg(tm_req *req, const char *key)
{
	const char *v = tm_req_arg(req, key);
	return v && *v ? v : NULL;
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

static void ask_read(tm_req *req, sources_ask *a, int api)
{
	memset(a, 0, sizeof(*a));
	a->f.publisher = arg(req, "publisher");
	if (a->f.publisher && strlen(a->f.publisher) > 200)
		a->bad = "publisher";
	a->f.year = arg(req, "year");
	if (a->f.year && (strlen(a->f.year) != 4 || strspn(a->f.year, "0123456789") != 4))
		a->bad = "year";
	a->f.lang = arg(req, "language");
	if (a->f.lang && !tm_lang_valid(a->f.lang))
		a->bad = "language";
	int ok = 1;
	a->limit = api ? number(arg(req, "limit"), PER_PAGE, 1, 100, &ok) : PER_PAGE;
	if (!ok)
		a->bad = "limit";
	if (api) {
		a->offset = number(arg(req, "offset"), 0, 0, 100000000, &ok);
		a->page = a->offset / a->limit + 1;
	} else {
		a->page = number(arg(req, "page"), 1, 1, 1000000, &ok);
		a->offset = (a->page - 1) * a->limit;
	}
	if (!ok && !a->bad)
		a->bad = api ? "offset" : "page";
}

static int json_source(void *p, const tm_source *s, int64_t claims)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(s->id));
	json_object_set_new(o, "title", json_string(s->title));
	if (s->author)
		json_object_set_new(o, "author", json_string(s->author));
	if (s->publisher)
		json_object_set_new(o, "publisher", json_string(s->publisher));
	if (s->date[0])
		json_object_set_new(o, "date", json_string(s->date));
	if (s->url)
		json_object_set_new(o, "url", json_string(s->url));
	if (s->lang)
		json_object_set_new(o, "lang", json_string(s->lang));
	json_object_set_new(o, "citations", json_integer(claims));
	json_array_append_new(p, o);
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

void tm_http_api_sources(tm_req *req)
{
	sources_ask a;
	ask_read(req, &a, 1);
	if (a.bad) {
		tm_req_fail(req, 400, "bad_parameter",
			    "'%s' is not a valid value: year has four digits, language is a BCP-47 tag, limit 1 to 100, "
			    "offset 0 or more",
			    a.bad);
		return;
	}
	json_t *o = json_object(), *results = json_array(), *facets = json_object();
	int64_t total = 0;
	tm_err err = { 0 };
	tm_rc rc = tm_store_browse_sources(req->st, &a.f, (size_t)a.offset, (size_t)a.limit, json_source, results, &total,
					   &err);
	for (size_t i = 0; !rc && i < sizeof(source_facets) / sizeof(source_facets[0]); i++) {
		json_t *arr = json_array();
		rc = tm_store_source_facet(req->st, &a.f, source_facets[i], 200, json_facet, arr, &err);
		json_object_set_new(facets, strcmp(source_facets[i], "lang") == 0 ? "language" : source_facets[i], arr);
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
	json_object_set_new(o, "results", results);
	json_object_set_new(o, "facets", facets);
	tm_req_json(req, o);
}

/* ---- the page ---- */

static void list_url(tm_req *req, const sources_ask *a, const char *key, const char *value, tm_buf *out)
{
	tm_buf_adds(out, "/sources?");
	const char *keys[] = { "publisher", "year", "language" };
	const char *vals[] = { a->f.publisher, a->f.year, a->f.lang };
	for (size_t i = 0; i < 3; i++) {
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
	const sources_ask *a;
	const char *field, *current;
	tm_buf links, options;
};

static int page_facet(void *p, const char *value, int64_t count)
{
	struct facet_ctx *c = p;
	tm_req *req = c->req;
	tm_buf label = TM_BUF_INIT, url = TM_BUF_INIT;
	const char *lang = NULL;
	if (strcmp(c->field, "language") == 0)
		tm_page_language_name(req, value, &label);
	else
		tm_buf_adds(&label, value);
	/* a publisher's name is as recorded, in its own language */
	if (strcmp(c->field, "publisher") == 0 && tm_page_zh(req) && !tm_text_has_han(value))
		lang = "en";
	int chosen = c->current && strcmp(c->current, value) == 0;
	list_url(req, c->a, c->field, value, &url);
	if (chosen)
		tm_html(&c->links, "<li><strong aria-current=\"true\"%r>%s</strong> <span class=\"n\">%ld</span></li>",
			lang ? " lang=\"en\"" : "", label.buf, (long)count);
	else
		tm_html(&c->links, "<li><a href=\"%s\"%r>%s</a> <span class=\"n\">%ld</span></li>", url.buf,
			lang ? " lang=\"en\"" : "", label.buf, (long)count);
	tm_html(&c->options, "<option value=\"%s\"%r%r>%s (%ld)</option>", value, chosen ? " selected" : "",
		lang ? " lang=\"en\"" : "", label.buf, (long)count);
	tm_buf_release(&label);
	tm_buf_release(&url);
	return 0;
}

static int page_source(void *p, const tm_source *s, int64_t claims)
{
	tm_req *req = p;
	tm_buf *b = &req->body;
	tm_html(b, "<li><a href=\"/sources/%q?%r\"", s->id, tm_page_lang_arg(req));
	tm_page_lang_attr(req, s->lang);
	tm_html(b, ">%s</a>", s->title);
	if (s->publisher) {
		tm_buf_adds(b, ", <span class=\"publisher\"");
		if (tm_page_zh(req) && !tm_text_has_han(s->publisher))
			tm_buf_adds(b, " lang=\"en\"");
		tm_html(b, ">%s</span>", s->publisher);
	}
	if (s->date[0])
		tm_html(b, ", <time datetime=\"%s\">%s</time>", s->date, s->date);
	if (s->lang) {
		tm_buf ln = TM_BUF_INIT;
		tm_page_language_name(req, s->lang, &ln);
		tm_html(b, " <span class=\"lang\">%s</span>", ln.buf);
		tm_buf_release(&ln);
	}
	tm_html(b, " <span class=\"n\">%s %ld</span></li>\n", T("sources.citations"), (long)claims);
	return 0;
}

void tm_http_page_sources(tm_req *req)
{
	sources_ask a;
	ask_read(req, &a, 0);
	const char *bad = a.bad;
	if (bad && strcmp(bad, "publisher") == 0)
		a.f.publisher = NULL;
	if (bad && strcmp(bad, "year") == 0)
		a.f.year = NULL;
	if (bad && strcmp(bad, "language") == 0)
		a.f.lang = NULL;
	struct facet_ctx fc[3];
	const char *fields[3] = { "publisher", "year", "language" };
	const char *cur[3] = { a.f.publisher, a.f.year, a.f.lang };
	tm_err err = { 0 };
	tm_rc rc = TM_OK;
	for (size_t i = 0; i < 3; i++) {
		fc[i] = (struct facet_ctx){ req, &a, fields[i], cur[i], TM_BUF_INIT, TM_BUF_INIT };
		if (!rc)
			rc = tm_store_source_facet(req->st, &a.f, source_facets[i], 200, page_facet, &fc[i], &err);
	}
	int64_t total = 0;
	if (!rc)
		rc = tm_store_browse_sources(req->st, &a.f, 0, 0, page_source, req, &total, &err);
	if (rc) {
		for (size_t i = 0; i < 3; i++) {
			tm_buf_release(&fc[i].links);
			tm_buf_release(&fc[i].options);
		}
		tm_req_fail_err(req, &err);
		return;
	}
	if (bad) {
		req->r_status = 400;
		req->r_nocache = 1;
	}
	req->page.desc = T("sources.desc");
	tm_page_begin(req, T("sources.title"));
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T("sources.title"), T("sources.desc"));
	if (bad)
		tm_html(b, "<p class=\"error\" role=\"alert\">%s</p>\n", T("browse.invalid"));
	tm_buf_adds(b, "<form class=\"filter-form\" action=\"/sources\" method=\"get\">\n");
	for (size_t i = 0; i < 3; i++) {
		char key[40];
		snprintf(key, sizeof(key), "sources.%s", fields[i]);
		int is_bad = bad && strcmp(bad, fields[i]) == 0;
		tm_html(b, "<div class=\"field\"><label for=\"f-%s\">%s</label><select id=\"f-%s\" name=\"%s\"%r>"
			   "<option value=\"\">%s</option>%r</select>",
			fields[i], T(key), fields[i], fields[i], is_bad ? " aria-describedby=\"field-err\"" : "",
			T("browse.any"), fc[i].options.buf);
		if (is_bad) {
			snprintf(key, sizeof(key), "sources.bad_%s", fields[i]);
			tm_html(b, "<span class=\"field-error\" id=\"field-err\" role=\"alert\">%s</span>", T(key));
		}
		tm_buf_adds(b, "</div>\n");
	}
	tm_html(b, "<input type=\"hidden\" name=\"lang\" value=\"%r\">\n<div class=\"field\"><button type=\"submit\">%s</button></div>\n</form>\n",
		strcmp(req->ui, "zh-Hant") == 0 ? "zh-Hant" : tm_page_zh(req) ? "zh" : "en", T("actions.apply"));
	tm_html(b, "<div class=\"browse\">\n<aside class=\"facets\" aria-label=\"%s\">\n", T("browse.facets"));
	for (size_t i = 0; i < 3; i++) {
		char key[40];
		snprintf(key, sizeof(key), "sources.%s", fields[i]);
		tm_html(b, "<section><h2>%s</h2><ul class=\"facet\">", T(key));
		if (cur[i]) {
			tm_buf u = TM_BUF_INIT;
			list_url(req, &a, fields[i], NULL, &u);
			tm_html(b, "<li><a href=\"%s\">%s</a></li>", u.buf, T("browse.any"));
			tm_buf_release(&u);
		}
		tm_html(b, "%r</ul></section>\n", fc[i].links.buf);
		tm_buf_release(&fc[i].links);
		tm_buf_release(&fc[i].options);
	}
	tm_html(b, "</aside>\n<section class=\"browse-list\" aria-labelledby=\"list-h\">\n<h2 id=\"list-h\">%s: %ld</h2>\n",
		T("browse.count"), (long)total);
	if (total) {
		tm_buf_adds(b, "<ol class=\"results\">\n");
		rc = tm_store_browse_sources(req->st, &a.f, (size_t)a.offset, (size_t)a.limit, page_source, req, &total, &err);
		tm_buf_adds(b, "</ol>\n");
	} else {
		tm_html(b, "<p>%s</p>\n", T("sources.none"));
	}
	if (total > a.offset + a.limit || a.page > 1) {
		tm_buf u = TM_BUF_INIT;
		list_url(req, &a, "", NULL, &u);
		tm_html(b, "<nav class=\"pages\" aria-label=\"%s\">", T("actions.page"));
		if (a.page > 1)
			tm_html(b, "<a rel=\"prev\" href=\"%s&amp;page=%ld\">%s</a> ", u.buf, a.page - 1, T("browse.prev"));
		if (total > a.offset + a.limit)
			tm_html(b, "<a rel=\"next\" href=\"%s&amp;page=%ld\">%s</a>", u.buf, a.page + 1, T("browse.next"));
		tm_buf_adds(b, "</nav>\n");
		tm_buf_release(&u);
	}
	tm_buf_adds(b, "</section>\n</div>\n");
	if (rc) {
		tm_req_fail_err(req, &err);
		return;
	}
	tm_page_end(req);
}
