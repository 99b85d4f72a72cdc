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

static int recent_item(void *ctx, const char *added_at, const tm_entity *e, int64_t rel_id, const tm_relation *r,
		       const tm_involvement *v)
{
	(void)rel_id;
	tm_req *req = ctx;
	/* the day the claim entered the data (docs/format.md) */
	tm_buf_adds(&req->body, "<li>");
	tm_page_day(req, added_at);
	tm_buf_adds(&req->body, " ");
	if (v) {
		tm_page_entity_link_id(req, v->entity);
		tm_html(&req->body, " <span class=\"involvement\">%s</span>", tm_page_category_label(req, v->category));
	} else if (e) {
		tm_page_entity_link_id(req, e->id);
		tm_buf_adds(&req->body, " ");
		tm_page_kind(req, e->kind);
	} else {
		/* the tie as a sentence of the page's language */
		tm_page_relation_ids(req, r->subject, r->predicate, 0, r->object);
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
	req->page.desc = T("site.description");
	tm_page_begin(req, T("home.title"));
	tm_buf *b = &req->body;
	tm_html(b,
		"<h1>%s</h1>\n<p class=\"lead\">%s</p>\n"
		"<form class=\"big-search\" role=\"search\" action=\"/search\" method=\"get\" aria-label=\"%s\">"
		"<label for=\"home-q\">%s</label>"
		"<input id=\"home-q\" name=\"q\" type=\"search\" maxlength=\"200\" required placeholder=\"%s\">"
		"<input type=\"hidden\" name=\"lang\" value=\"%r\">"
		"<button type=\"submit\">%s</button></form>\n"
		"<p class=\"hint\">%s <a href=\"/path?%r\">%s</a></p>\n"
		"<p class=\"hint\"><a href=\"/entities?%r\">%s</a> · <a href=\"/tags?%r\">%s</a> · "
		"<a href=\"/sources?%r\">%s</a> · <a href=\"/digest?%r\">%s</a></p>\n",
		T("home.title"), T("home.intro"), T("home.search_label"), T("home.search_label"),
		T("search.placeholder"), strcmp(req->ui, "zh-Hant") == 0 ? "zh-Hant" : req->lang, T("search.button"),
		T("home.hint"), tm_page_lang_arg(req), T("nav.path"), tm_page_lang_arg(req), T("browse.title"),
		tm_page_lang_arg(req), T("browse.tags"), tm_page_lang_arg(req), T("sources.title"), tm_page_lang_arg(req),
		T("digest.archive"));
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
