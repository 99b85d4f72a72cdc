/*
 * Search results: the entities whose names match, in any script, as
 * `tiemap search` finds them, each with its kind, country, number of ties
 * and a line of its description; the topics the query names, linked to
 * their lists; and, when nothing matches, why that proves nothing and where
 * to look instead.
 */
#include "http/http_internal.h"

#include <string.h>

#include "text/text.h"
#include "view/view.h"

/* ": " in English, "：" in Chinese. */
static const char *colon(const tm_req *req)
{
	return tm_page_zh(req) ? "：" : ": ";
}

/* A line of description: whole sentences in this many columns (a Chinese
 * character takes two), else the words that fit. */
#define DESC_COLS 160

/* The description in the page's language, else the other one (marked with
 * its language). */
static void hit_desc(tm_req *req, json_t *hit)
{
	json_t *d = json_object_get(hit, "description");
	int zh = tm_page_zh(req);
	const char *s = json_string_value(json_object_get(d, zh ? "zh" : "en"));
	const char *lang = zh ? "zh-Hans" : "en";
	if (!s || !*s) {
		s = json_string_value(json_object_get(d, zh ? "en" : "zh"));
		lang = zh ? "en" : "zh-Hans";
	}
	if (!s || !*s)
		return;
	tm_buf line = TM_BUF_INIT;
	tm_text_excerpt(s, lang, DESC_COLS, &line);
	tm_buf_adds(&req->body, "<br><span class=\"desc-line\"");
	tm_page_lang_attr(req, lang);
	tm_html(&req->body, ">%s</span>", line.buf);
	tm_buf_release(&line);
}

/* Why a forgiven hit is there: "a typo forgiven", "part of what you
 * typed", "topic: surveillance". */
static void hit_how(tm_req *req, json_t *hit)
{
	const char *how = json_string_value(json_object_get(hit, "how"));
	tm_buf *b = &req->body;
	if (how && strcmp(how, "typo") == 0) {
		tm_html(b, " <span class=\"how\">(%s)</span>", T("search.how_typo"));
	} else if (how && strcmp(how, "part") == 0) {
		tm_html(b, " <span class=\"how\">(%s)</span>", T("search.how_part"));
	} else if (how && strcmp(how, "topic") == 0) {
		tm_html(b, " <span class=\"how\">(%s%r%s)</span>", T("search.how_topic"), colon(req),
			tm_page_tag_label(req, json_string_value(json_object_get(hit, "topic"))));
	}
}

static void hit_item(tm_req *req, json_t *hit)
{
	tm_buf *b = &req->body;
	const char *lang;
	tm_buf shownbuf = TM_BUF_INIT;
	tm_buf_adds(&shownbuf, tm_page_ref_name_lang(req, hit, &lang));
	const char *shown = shownbuf.buf;
	tm_html(b, "<li><a class=\"hit\" href=\"/entities/%q?%r\"", json_string_value(json_object_get(hit, "id")),
		tm_page_lang_arg(req));
	tm_page_lang_attr(req, lang);
	tm_html(b, ">%s</a> ", shown);
	tm_page_kind(req, json_string_value(json_object_get(hit, "kind")));
	const char *country = json_string_value(json_object_get(hit, "country"));
	if (country) {
		tm_buf_addch(b, ' ');
		tm_page_country(req, country);
	}
	json_t *ties = json_object_get(hit, "ties");
	if (json_is_integer(ties))
		tm_html(b, " <span class=\"ties\">%ld %s</span>", (long)json_integer_value(ties),
			T(json_integer_value(ties) == 1 ? "search.tie" : "search.ties"));
	hit_how(req, hit);
	size_t k;
	json_t *n;
	int first = 1;
	json_array_foreach(json_object_get(hit, "names"), k, n) {
		const char *text = json_string_value(json_object_get(n, "text"));
		if (!text || strcmp(text, shown) == 0)
			continue;
		tm_html(b, "%r<span lang=\"%s\">%s</span>", first ? "<br><span class=\"names\">" : " · ",
			json_string_value(json_object_get(n, "lang")), text);
		first = 0;
	}
	if (!first)
		tm_buf_adds(b, "</span>");
	/* the name that matched, unless the hit came by its topic (no name did) */
	const char *matched = json_string_value(json_object_get(hit, "matched"));
	if (matched && strcmp(matched, shown) != 0 && !tm_streq(json_string_value(json_object_get(hit, "how")), "topic"))
		tm_html(b, " <span class=\"matched\">(%s%r<span%r>%s</span>)</span>", T("search.matched"), colon(req),
			tm_text_has_han(matched) ? "" : " lang=\"en\"", matched);
	hit_desc(req, hit);
	tm_buf_adds(b, "</li>\n");
	tm_buf_release(&shownbuf);
}

/* The topics named, each linked to its page (its entities). */
static void topics_line(tm_req *req, json_t *topics)
{
	if (!json_array_size(topics))
		return;
	tm_buf *b = &req->body;
	tm_html(b, "<p class=\"topics\">%s%r", T("search.topics"), colon(req));
	size_t i;
	json_t *t;
	json_array_foreach(topics, i, t) {
		if (i)
			tm_buf_adds(b, " · ");
		tm_page_tag(req, json_string_value(json_object_get(t, "id")));
	}
	tm_buf_adds(b, "</p>\n");
}

/* Nothing found: that proves nothing, and where to look instead. */
static void none_help(tm_req *req)
{
	tm_buf *b = &req->body;
	tm_html(b, "<p>%s</p>\n<p class=\"absence\">%s</p>\n<ul class=\"next\">\n", T("search.none"), T("search.absence"));
	tm_html(b, "<li>%s</li>\n", T("search.other_scripts"));
	tm_html(b, "<li><a href=\"/entities?%r\">%s</a></li>\n", tm_page_lang_arg(req), T("search.browse_entities"));
	tm_html(b, "<li><a href=\"/sources?%r\">%s</a></li>\n</ul>\n", tm_page_lang_arg(req), T("search.browse_sources"));
}

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
	tm_search_opts so = { .limit = 50, .vocab = req->snap->vocab };
	if (tm_view_search(req->st, req->g, q, &so, &o, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	json_t *results = json_object_get(o, "results"), *topics = json_object_get(o, "topics");
	tm_buf title = TM_BUF_INIT;
	tm_buf_addf(&title, "%s%s%s", T("search.title"), colon(req), q);
	req->page.noindex = 1;
	tm_page_begin(req, title.buf);
	tm_buf_release(&title);
	tm_buf *b = &req->body;
	/* the reader's own words: not to be translated, whatever their language */
	tm_html(b, "<h1>%s%r<q translate=\"no\">%s</q></h1>\n", T("search.title"), colon(req), q);
	const char *corrected = json_string_value(json_object_get(o, "corrected"));
	if (corrected)
		tm_html(b, "<p class=\"corrected\">%s <a href=\"/search?q=%q&amp;%r\" translate=\"no\">%s</a></p>\n",
			T("search.read_as"), corrected, tm_page_lang_arg(req), corrected);
	topics_line(req, topics);
	if (!json_array_size(results)) {
		none_help(req);
	} else {
		tm_html(b, "<p class=\"count\">%s%r%zu</p>\n<ol class=\"results\">\n", T("search.count"), colon(req),
			json_array_size(results));
		size_t i;
		json_t *hit;
		json_array_foreach(results, i, hit)
			hit_item(req, hit);
		tm_buf_adds(b, "</ol>\n");
	}
	json_decref(o);
	tm_page_end(req);
}
