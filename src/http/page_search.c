/*
 * Search results: the entities whose names match, in any script, as
 * `tiemap search` finds them.
 */
#include "http/http_internal.h"

#include <string.h>

#include "text/text.h"
#include "view/view.h"

void tm_http_page_search(tm_req *req)
{
	const char *q = tm_req_arg(req, "q");
	if (!q || !q[strspn(q, " \t")]) {
		tm_page_begin(req, T("search.title"));
		tm_html(&req->body, "<h1>%s</h1>\n<p>%s</p>\n", T("search.title"), T("search.empty"));
		tm_page_end(req);
		return;
	}
	if (!(q = tm_http_query_arg(req)))
		return;
	json_t *o;
	tm_err err = { 0 };
	if (tm_view_search(req->st, q, 50, &o, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	json_t *results = json_object_get(o, "results");
	tm_buf title = TM_BUF_INIT;
	tm_buf_addf(&title, "%s%s%s", T("search.title"), tm_page_zh(req) ? "：" : ": ", q);
	req->page.noindex = 1;
	tm_page_begin(req, title.buf);
	tm_buf_release(&title);
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s: <q>%s</q></h1>\n", T("search.title"), q);
	if (!json_array_size(results)) {
		tm_html(b, "<p>%s</p>\n", T("search.none"));
	} else {
		tm_html(b, "<p class=\"count\">%s: %zu</p>\n<ol class=\"results\">\n", T("search.count"),
			json_array_size(results));
		size_t i;
		json_t *hit;
		json_array_foreach(results, i, hit) {
			const char *lang;
			tm_buf shownbuf = TM_BUF_INIT;
			tm_buf_adds(&shownbuf, tm_page_ref_name_lang(req, hit, &lang));
			const char *shown = shownbuf.buf;
			tm_html(b, "<li><a class=\"hit\" href=\"/entities/%q?%r\"", json_string_value(json_object_get(hit, "id")),
				tm_page_lang_arg(req));
			tm_page_lang_attr(req, lang);
			tm_html(b, ">%s</a> ", shown);
			tm_page_kind(req, json_string_value(json_object_get(hit, "kind")));
			size_t k;
			json_t *n;
			int first = 1;
			tm_buf_adds(b, "<br><span class=\"names\">");
			json_array_foreach(json_object_get(hit, "names"), k, n) {
				const char *text = json_string_value(json_object_get(n, "text"));
				if (!text || strcmp(text, shown) == 0)
					continue;
				tm_html(b, "%r<span lang=\"%s\">%s</span>", first ? "" : " · ",
					json_string_value(json_object_get(n, "lang")), text);
				first = 0;
			}
			tm_buf_adds(b, "</span>");
			const char *matched = json_string_value(json_object_get(hit, "matched"));
			if (matched && strcmp(matched, shown) != 0)
				tm_html(b, " <span class=\"matched\">(%s: <span%r>%s</span>)</span>", T("search.matched"),
					tm_text_has_han(matched) ? "" : " lang=\"en\"", matched);
			tm_buf_adds(b, "</li>\n");
			tm_buf_release(&shownbuf);
		}
		tm_buf_adds(b, "</ol>\n");
	}
	json_decref(o);
	tm_page_end(req);
}
