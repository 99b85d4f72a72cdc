/*
 * The home page: a search box, what the database holds, and the claims
 * added last.
 */
#include "http/http_internal.h"

#include <string.h>

#include "model/model.h"
#include "store/store_recent.h"
#include "view/view.h"

#define RECENT 15

static void entity_ref_link(tm_req *req, const char *id)
{
	json_t *ref = tm_view_entity_ref_json(req->st, id);
	tm_page_entity_link(req, ref);
	json_decref(ref);
}

static int recent_item(void *ctx, const char *added_at, const tm_entity *e, int64_t rel_id, const tm_relation *r,
		       const tm_involvement *v)
{
	(void)rel_id;
	tm_req *req = ctx;
	tm_buf_adds(&req->body, "<li>");
	tm_page_day(req, added_at);
	tm_buf_adds(&req->body, " ");
	if (v) {
		const tm_category *c = tm_category_find(v->category);
		entity_ref_link(req, v->entity);
		tm_html(&req->body, " <span class=\"involvement\">%s</span>",
			c ? (strcmp(req->lang, "zh") == 0 ? c->label_zh : c->label_en) : v->category);
	} else if (e) {
		tm_html(&req->body, "<a href=\"/entities/%q?%r\">%s</a> <span class=\"kind\">%s</span>", e->id,
			tm_page_lang_arg(req), tm_entity_display_name(e, req->lang), tm_page_kind_label(req, e->kind));
	} else {
		const tm_predicate *p = tm_predicate_find(r->predicate);
		entity_ref_link(req, r->subject);
		tm_html(&req->body, " <span class=\"pred\">%s</span> ",
			p ? (strcmp(req->lang, "zh") == 0 ? p->label_zh : p->label_en) : r->predicate);
		entity_ref_link(req, r->object);
	}
	tm_buf_adds(&req->body, "</li>\n");
	return 0;
}

void tm_http_page_home(tm_req *req)
{
	tm_counts c;
	tm_err err = { 0 };
	if (tm_store_counts(req->st, &c, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	tm_page_begin(req, T("home.title"));
	tm_buf *b = &req->body;
	tm_html(b,
		"<h1>%s</h1>\n<p class=\"lead\">%s</p>\n"
		"<form class=\"big-search\" role=\"search\" action=\"/search\" method=\"get\" aria-label=\"%s\">"
		"<label for=\"home-q\">%s</label>"
		"<input id=\"home-q\" name=\"q\" type=\"search\" maxlength=\"200\" required placeholder=\"%s\">"
		"<input type=\"hidden\" name=\"lang\" value=\"%r\">"
		"<button type=\"submit\">%s</button></form>\n"
		"<p class=\"hint\">%s <a href=\"/path?%r\">%s</a></p>\n",
		T("home.title"), T("home.intro"), T("home.search_label"), T("home.search_label"),
		T("search.placeholder"), req->lang, T("search.button"), T("home.hint"), tm_page_lang_arg(req),
		T("nav.path"));
	tm_html(b,
		"<section aria-labelledby=\"counts-h\">\n<h2 id=\"counts-h\">%s</h2>\n<dl class=\"counts\">"
		"<div><dt>%s</dt><dd>%ld</dd></div><div><dt>%s</dt><dd>%ld</dd></div>"
		"<div><dt>%s</dt><dd>%ld</dd></div><div><dt>%s</dt><dd>%ld</dd></div></dl>\n</section>\n",
		T("home.counts"), T("count.entities"), (long)c.entities, T("count.relations"), (long)c.relations,
		T("count.sources"), (long)c.sources, T("count.citations"), (long)c.citations);
	tm_html(b, "<section aria-labelledby=\"recent-h\">\n<h2 id=\"recent-h\">%s</h2>\n<ol class=\"recent\">\n",
		T("home.recent"));
	if (tm_store_recent_claims(req->st, RECENT, recent_item, req, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	tm_buf_adds(b, "</ol>\n</section>\n");
	tm_page_end(req);
}
