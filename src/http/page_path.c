/*
 * The path page: a form of two fields (names or ids; it works without
 * JavaScript) and the shortest paths between the two entities, each tie with
 * its sources.  The paths are the object GET /api/v1/path returns.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "view/view.h"

#define MAX_HOPS 6

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void form(tm_req *req, const char *from, const char *to, long hops, int bad_hops, int places)
{
	tm_buf *b = &req->body;
	tm_html(b,
		"<form class=\"path-form\" action=\"/path\" method=\"get\">\n"
		"<div class=\"field\"><label for=\"from\">%s</label>"
		"<input id=\"from\" name=\"from\" type=\"text\" maxlength=\"200\" required value=\"%s\"></div>\n"
		"<div class=\"field\"><label for=\"to\">%s</label>"
		"<input id=\"to\" name=\"to\" type=\"text\" maxlength=\"200\" required value=\"%s\"></div>\n"
		"<div class=\"field\"><label for=\"max_hops\">%s</label><select id=\"max_hops\" name=\"max_hops\"%r>",
		T("path.from"), from ? from : "", T("path.to"), to ? to : "", T("path.max_hops"),
		bad_hops ? " aria-invalid=\"true\" aria-describedby=\"err-hops\"" : "");
	for (long h = 1; h <= MAX_HOPS; h++)
		tm_html(b, "<option value=\"%ld\"%r>%ld</option>", h, h == hops ? " selected" : "", h);
	tm_buf_adds(b, "</select>");
	if (bad_hops)
		tm_html(b, "<span class=\"field-error\" id=\"err-hops\">%s</span>", T("path.bad_hops"));
	tm_html(b,
		"</div>\n<div class=\"field\"><label><input type=\"checkbox\" name=\"places\" value=\"1\"%r> %s</label></div>\n"
		"<input type=\"hidden\" name=\"lang\" value=\"%r\">\n"
		"<div class=\"field\"><button type=\"submit\">%s</button></div>\n</form>\n<p class=\"hint\">%s</p>\n",
		places ? " checked" : "", T("places.through"), strcmp(req->ui, "zh-Hant") == 0 ? "zh-Hant" : req->lang,
		T("path.button"), places ? T("places.on") : T("places.off"));
}

/* Resolve one end; on failure write why (with the candidates when the name
 * is ambiguous, each a link that puts it in the form) and return NULL. */
static char *resolve(tm_req *req, const char *which, const char *ref, const char *from, const char *to, long hops,
		     int places)
{
	char *id = NULL;
	tm_search_hits cands;
	tm_err err = { 0 };
	tm_rc rc = tm_search_resolve(req->st, ref, &id, &cands, &err);
	if (rc == TM_OK)
		return id;
	tm_buf *b = &req->body;
	if (rc == TM_ERR_AMBIGUOUS) {
		tm_html(b, "<p class=\"error\">%s <q>%s</q></p>\n<ul class=\"candidates\">\n", T("path.ambiguous"), ref);
		for (size_t i = 0; i < cands.n; i++) {
			int is_from = strcmp(which, "from") == 0;
			json_t *ref = json_object();
			json_object_set_new(ref, "id", json_string(cands.v[i].id));
			const char *lang;
			const char *name = tm_page_ref_name_lang(req, ref, &lang);
			tm_html(b, "<li><a href=\"/path?from=%q&amp;to=%q&amp;max_hops=%ld%r&amp;%r\"",
				is_from ? cands.v[i].id : from, is_from ? to : cands.v[i].id, hops,
				places ? "&amp;places=1" : "", tm_page_lang_arg(req));
			tm_page_lang_attr(req, lang);
			tm_html(b, ">%s</a> <span class=\"kind\">%s</span> <code>%s</code></li>\n", name,
				tm_page_kind_label(req, cands.v[i].kind), cands.v[i].id);
			json_decref(ref);
		}
		tm_buf_adds(b, "</ul>\n");
		tm_search_hits_release(&cands);
	} else if (rc == TM_ERR_NOTFOUND) {
		tm_html(b, "<p class=\"error\">%s <q>%s</q></p>\n", T("path.not_found"), ref);
	} else {
		tm_html(b, "<p class=\"error\">%s</p>\n", err.msg);
	}
	req->r_status = rc == TM_ERR_AMBIGUOUS ? 409 : rc == TM_ERR_NOTFOUND ? 404 : 500;
	req->r_nocache = 1;
	return NULL;
}

static void paths(tm_req *req, json_t *o, long hops)
{
	tm_buf *b = &req->body;
	json_t *list = json_object_get(o, "paths");
	json_t *fref = tm_view_entity_ref_json(req->st, str(o, "from"));
	json_t *tref = tm_view_entity_ref_json(req->st, str(o, "to"));
	tm_html(b, "<section class=\"paths\" aria-labelledby=\"paths-h\">\n<h2 id=\"paths-h\">%s%s", T("path.results"),
		tm_page_zh(req) ? "：" : ": ");
	tm_page_entity_link(req, fref);
	tm_buf_adds(b, " → ");
	tm_page_entity_link(req, tref);
	tm_buf_adds(b, "</h2>\n");
	if (!json_array_size(list)) {
		tm_html(b, "<p class=\"none\">%s (%ld)</p>\n</section>\n", T("path.none"), hops);
		json_decref(fref);
		json_decref(tref);
		return;
	}
	tm_notes notes;
	tm_notes_init(&notes);
	size_t i;
	json_t *p;
	json_array_foreach(list, i, p) {
		long n = (long)json_integer_value(json_object_get(p, "hops"));
		tm_html(b, "<h3>%s %zu <span class=\"hops\">(%ld %s)</span></h3>\n<ol class=\"path\">\n", T("path.path"), i + 1,
			n, T(n == 1 ? "path.hop" : "path.hops"));
		size_t k;
		json_t *e;
		json_array_foreach(json_object_get(p, "edges"), k, e) {
			/* the step as a sentence, read the way the path walks */
			const char *d = str(e, "direction");
			tm_buf_adds(b, "<li>");
			tm_page_relation_ids(req, str(e, "from"), str(e, "predicate"), d && strcmp(d, "inverse") == 0,
					     str(e, "to"));
			tm_page_marks(req, &notes, json_object_get(e, "sources"));
			tm_buf_adds(b, "</li>\n");
		}
		tm_buf_adds(b, "</ol>\n");
	}
	if (json_is_true(json_object_get(o, "truncated")))
		tm_html(b, "<p>%s</p>\n", T("path.truncated"));
	tm_buf_adds(b, "</section>\n");
	tm_page_notes(req, &notes);
	tm_notes_release(&notes);
	json_decref(fref);
	json_decref(tref);
}

void tm_http_page_path(tm_req *req)
{
	const char *from = tm_req_arg(req, "from"), *to = tm_req_arg(req, "to");
	/* a bad max_hops keeps the form, with the error beside the field (400) */
	long hops = 4;
	int bad_hops = 0;
	const char *mh = tm_req_arg(req, "max_hops");
	if (mh) {
		char *end;
		long n = strtol(mh, &end, 10);
		if (!*mh || *end || n < 1 || n > MAX_HOPS)
			bad_hops = 1;
		else
			hops = n;
	}
	int places;
	if (tm_http_places_arg(req, &places))
		return;
	if ((from && strlen(from) > 200) || (to && strlen(to) > 200)) {
		tm_req_fail(req, 400, "parameter_too_long", "from and to are at most 200 bytes");
		return;
	}
	tm_buf title = TM_BUF_INIT;
	tm_buf_adds(&title, T("path.title"));
	if (from && *from && to && *to)
		tm_buf_addf(&title, "%s%s → %s", tm_page_zh(req) ? "：" : ": ", from, to);
	req->page.desc = T("path.intro");
	req->page.noindex = 1;
	tm_page_begin(req, title.buf);
	tm_buf_release(&title);
	tm_html(&req->body, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T("path.title"), T("path.intro"));
	form(req, from, to, hops, bad_hops, places);
	if (bad_hops) {
		req->r_status = 400;
		req->r_nocache = 1;
	} else if (from && *from && to && *to) {
		char *a = resolve(req, "from", from, from, to, hops, places);
		char *z = a ? resolve(req, "to", to, from, to, hops, places) : NULL;
		if (a && z) {
			tm_path_opts po = { .max_hops = (int)hops, .max_paths = 8, .kinds = places ? 0 : tm_kinds_no_places() };
			json_t *o;
			tm_err err = { 0 };
			if (tm_view_path(req->st, req->g, a, z, &po, &o, &err) == TM_OK) {
				paths(req, o, hops);
				json_decref(o);
			} else {
				tm_html(&req->body, "<p class=\"error\">%s</p>\n", err.msg);
				req->r_status = err.rc == TM_ERR_LIMIT ? 503 : 500;
				req->r_nocache = 1;
			}
		}
		free(a);
		free(z);
	}
	tm_page_end(req);
}
