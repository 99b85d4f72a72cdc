/*
 * The source page: a source, whether its title and URL were seen and when it
 * was read, and every claim that cites it with the words it quotes, from the
 * same object as GET /api/v1/sources/{id}.
 */
#include "http/http_internal.h"
#include "http/page_edit.h"

#include <string.h>

#include "model/model.h"
#include "text/text.h"
#include "view/view.h"

/* claims of each kind listed; a source cited a million times gets a note */
#define MAX_CLAIMS 500

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The words a claim quotes from this source, as page text, in the source's
 * language (slang, else told by the script). */
static void quotes(tm_req *req, json_t *list, const char *slang)
{
	size_t i;
	json_t *q;
	json_array_foreach(list, i, q) {
		const char *quote = str(q, "quote"), *page = str(q, "page");
		tm_buf_adds(&req->body, "<blockquote>");
		if (quote) {
			tm_buf_adds(&req->body, "<q");
			tm_page_lang_attr(req, slang ? slang : tm_text_mostly_han(quote) ? "zh-Hans" : "en");
			tm_html(&req->body, ">%s</q>", quote);
		}
		if (page)
			tm_html(&req->body, " <span class=\"loc\">(%s)</span>", page);
		tm_buf_adds(&req->body, "</blockquote>");
	}
}

static void fact(tm_req *req, const char *label_key, const char *value)
{
	if (value)
		tm_html(&req->body, "<dt>%s</dt><dd>%s</dd>\n", T(label_key), value);
}

/* The latest copy `tiemap archive` kept (docs/archive.md): its date, its
 * SHA-256 and links to it and to its WARC file, served from this site. */
static void archived_fact(tm_req *req, json_t *captures)
{
	json_t *c = json_array_get(captures, 0);
	const char *fetched = str(c, "fetched"), *sha = str(c, "sha256");
	if (!fetched || !sha || strlen(fetched) < 10 || strlen(sha) < 12)
		return;
	char day[11], short_sha[13];
	memcpy(day, fetched, 10);
	day[10] = '\0';
	memcpy(short_sha, sha, 12);
	short_sha[12] = '\0';
	tm_html(&req->body,
		"<dt>%s</dt><dd class=\"archived\"><time datetime=\"%s\">%s</time> · sha256 <code title=\"%s\">%s…</code>"
		" · <a href=\"%s\" rel=\"nofollow\">%s</a> · <a href=\"%s\" rel=\"nofollow\">%s</a>",
		T("source.archived"), fetched, day, sha, short_sha, str(c, "copy_url"), T("source.archived_copy"),
		str(c, "warc_url"), T("source.archived_warc"));
	if (json_array_size(captures) > 1)
		tm_html(&req->body, " · %d %s", (int)json_array_size(captures) - 1, T("source.archived_earlier"));
	tm_buf_adds(&req->body, "</dd>\n");
}

void tm_http_page_source(tm_req *req)
{
	const char *id = tm_req_param(req, "id");
	json_t *s = NULL;
	tm_err err = { 0 };
	tm_rc rc = id && tm_id_valid(id) ? tm_view_source(req->st, id, MAX_CLAIMS, &s, &err) : TM_ERR_NOTFOUND;
	if (rc == TM_ERR_NOTFOUND) {
		if (id && tm_id_valid(id) && tm_page_tombstone(req, "source", id))
			return;
		tm_req_fail(req, 404, "not_found", "%s", T("source.unknown"));
		return;
	}
	if (rc) {
		tm_req_fail_err(req, &err);
		return;
	}
	const char *slang = str(s, "lang");
	tm_buf desc = TM_BUF_INIT;
	tm_buf_addf(&desc, "%s%s%s", T("source.heading"), tm_page_zh(req) ? "：" : ": ", str(s, "title"));
	req->page.desc = desc.buf;
	req->page.article = 1;
	tm_page_begin(req, str(s, "title"));
	tm_buf_release(&desc);
	tm_buf *b = &req->body;
	/* the title, author and publisher are in the source's own language */
	tm_html(b, "<article class=\"source\" data-id=\"%s\">\n<p class=\"eyebrow\">%s</p>\n<h1", id, T("source.heading"));
	tm_page_lang_attr(req, slang);
	tm_html(b, ">%s</h1>\n<dl class=\"facts\">\n", str(s, "title"));
	const char *own[] = { "source.author", "author", "source.publisher", "publisher" };
	for (size_t k = 0; k < 4; k += 2) {
		const char *v = str(s, own[k + 1]);
		if (!v)
			continue;
		tm_html(b, "<dt>%s</dt><dd", T(own[k]));
		tm_page_lang_attr(req, tm_text_has_han(v) ? "zh-Hans" : slang && !tm_text_has_han(v) ? slang : "en");
		tm_html(b, ">%s</dd>\n", v);
	}
	fact(req, "source.date", str(s, "date"));
	if (slang) {
		tm_buf ln = TM_BUF_INIT;
		tm_page_language_name(req, slang, &ln);
		fact(req, "source.lang", ln.buf);
		tm_buf_release(&ln);
	}
	const char *url = str(s, "url");
	if (tm_url_http(url))
		tm_html(b, "<dt>%s</dt><dd><a class=\"ext\" href=\"%s\" rel=\"noreferrer noopener external\">%s</a></dd>\n",
			T("source.url"), url, url);
	else
		fact(req, "source.url", url);
	if (str(s, "note")) {
		tm_html(b, "<dt>%s</dt><dd", T("source.note"));
		tm_page_lang_attr(req, tm_text_has_han(str(s, "note")) ? "zh-Hans" : "en");
		tm_html(b, ">%s</dd>\n", str(s, "note"));
	}
	/* whether anyone has seen the source itself, and when it was read */
	int checked = json_is_true(json_object_get(s, "checked"));
	tm_html(b, "<dt>%s</dt><dd%r>%s</dd>\n", T("source.checked"), checked ? "" : " class=\"unchecked\"",
		checked ? T("source.checked_yes") : T("source.checked_no"));
	if (str(s, "accessed")) {
		tm_html(b, "<dt>%s</dt><dd>", T("source.accessed"));
		tm_page_day(req, str(s, "accessed"));
		tm_buf_adds(b, "</dd>\n");
	}
	archived_fact(req, json_object_get(s, "captures"));
	tm_buf_adds(b, "</dl>\n");

	json_t *ents = json_object_get(s, "entities"), *invs = json_object_get(s, "involvements"),
	       *rels = json_object_get(s, "relations");
	tm_html(b, "<section aria-labelledby=\"claims-h\">\n<h2 id=\"claims-h\">%s (%zu%r)</h2>\n", T("source.claims"),
		json_array_size(ents) + json_array_size(invs) + json_array_size(rels),
		json_is_true(json_object_get(s, "truncated")) ? "+" : "");
	size_t i;
	json_t *o;
	if (json_array_size(invs)) {
		tm_html(b, "<h3>%s</h3>\n<ul class=\"claims\">\n", T("source.involvements"));
		json_array_foreach(invs, i, o) {
			tm_buf_adds(b, "<li>");
			tm_page_entity_link(req, json_object_get(o, "entity_ref"));
			tm_buf_adds(b, " — ");
			tm_page_category(req, str(o, "category"));
			quotes(req, json_object_get(o, "quotes"), slang);
			tm_buf_adds(b, "</li>\n");
		}
		tm_buf_adds(b, "</ul>\n");
	}
	if (json_array_size(ents)) {
		tm_html(b, "<h3>%s</h3>\n<ul class=\"claims\">\n", T("source.entities"));
		json_array_foreach(ents, i, o) {
			tm_buf_adds(b, "<li>");
			tm_page_entity_link(req, o);
			tm_buf_adds(b, " ");
			tm_page_kind(req, str(o, "kind"));
			quotes(req, json_object_get(o, "quotes"), slang);
			tm_buf_adds(b, "</li>\n");
		}
		tm_buf_adds(b, "</ul>\n");
	}
	if (json_array_size(rels)) {
		tm_html(b, "<h3>%s</h3>\n<ul class=\"claims\">\n", T("source.relations"));
		json_array_foreach(rels, i, o) {
			tm_buf_adds(b, "<li>");
			tm_page_relation(req, json_object_get(o, "subject_ref"), str(o, "predicate"), 0,
					 json_object_get(o, "object_ref"));
			/* the words this claim quotes from the source */
			quotes(req, json_object_get(o, "quotes"), slang);
			tm_buf_adds(b, "</li>\n");
		}
		tm_buf_adds(b, "</ul>\n");
	}
	if (json_is_true(json_object_get(s, "truncated")))
		tm_html(b, "<p class=\"truncated\">%s <a href=\"/api/v1/sources/%q?limit=5000\">JSON</a></p>\n",
			T("source.truncated"), id);
	tm_buf_adds(b, "</section>\n");
	tm_page_record_foot(req, "source", id);
	tm_buf_adds(b, "</article>\n");
	json_decref(s);
	tm_page_end(req);
}
