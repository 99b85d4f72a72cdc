/*
 * The entity page: names in every language, kind, country, dates, topics,
 * identifiers, description; its involvement claims under their own heading,
 * each with its quotes; relations grouped by predicate both ways, with dates
 * and amounts; the owners chain; when it last changed; numbered footnotes to
 * the sources.  Every claim shows its quotes as page text.  Rendered from the
 * same objects as GET /api/v1/entities/{id} and /api/v1/owners/{id}.
 */
#include "http/http_internal.h"
#include "http/page_edit.h"
#include "http/page_campaign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "text/text.h"
#include "view/view.h"

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void dates(tm_buf *b, json_t *o)
{
	const char *start = str(o, "start"), *end = str(o, "end");
	if (!start && !end)
		return;
	tm_html(b, " <span class=\"dates\">%s–%s</span>", start ? start : "?", end ? end : "");
}

static void number_text(json_t *v, char *out, size_t n)
{
	snprintf(out, n, "%.15g", json_number_value(v));
}

static void relation_item(tm_req *req, tm_notes *notes, json_t *r)
{
	tm_buf *b = &req->body;
	json_t *other = json_object_get(r, "other");
	tm_buf_adds(b, "<li>");
	tm_page_entity_link(req, other);
	/* the name in the other language too, when it differs */
	const char *en = str(other, "name"), *zh = str(other, "name_zh");
	const char *shown = tm_page_ref_name(req, other);
	const char *alt = tm_page_zh(req) ? en : zh;
	if (alt && en && zh && strcmp(en, zh) != 0 && strcmp(alt, shown) != 0)
		tm_html(b, " <span class=\"alt\" lang=\"%r\">%s</span>", tm_page_zh(req) ? "en" : "zh-Hans", alt);
	dates(b, r);
	if (json_object_get(r, "amount")) {
		char num[64];
		number_text(json_object_get(r, "amount"), num, sizeof(num));
		tm_html(b, " <span class=\"amount\">%s %s</span>", num, str(r, "currency") ? str(r, "currency") : "");
	}
	if (json_object_get(r, "share")) {
		char num[64];
		number_text(json_object_get(r, "share"), num, sizeof(num));
		tm_html(b, " <span class=\"share\">%s%%</span>", num);
	}
	tm_page_marks(req, notes, json_object_get(r, "sources"));
	if (str(r, "note")) {
		/* notes are written in English unless they are in Chinese */
		tm_buf_adds(b, "<br><span class=\"note\"");
		tm_page_lang_attr(req, tm_text_has_han(str(r, "note")) ? "zh-Hans" : "en");
		tm_html(b, ">%s</span>", str(r, "note"));
	}
	tm_buf_adds(b, "</li>\n");
}

/* Involvement: accusations with their own evidence, never mixed with the
 * topics. */
static void involvement(tm_req *req, tm_notes *notes, json_t *list)
{
	tm_buf *b = &req->body;
	tm_html(b, "<section class=\"involvement\" aria-labelledby=\"inv-h\">\n<h2 id=\"inv-h\">%s</h2>\n",
		T("entity.involvement"));
	if (!json_array_size(list)) {
		tm_html(b, "<p>%s</p>\n</section>\n", T("entity.no_involvement"));
		return;
	}
	tm_buf_adds(b, "<ul class=\"claims\">\n");
	size_t i;
	json_t *v;
	json_array_foreach(list, i, v) {
		/* the category leads to the others with a claim of it; its
		 * definition, what the claim asserts, is on the about page */
		tm_buf_adds(b, "<li class=\"claim\">");
		tm_page_category(req, str(v, "category"));
		tm_html(b, " <a class=\"category-def\" href=\"/about?%r#%s\">%s</a>", tm_page_lang_arg(req), str(v, "category"),
			T("entity.category_def"));
		if (str(v, "context"))
			tm_html(b, " <span class=\"context\">(%s)</span>", tm_page_context_label(req, str(v, "context")));
		dates(b, v);
		if (str(v, "note"))
			tm_html(b, "<br><span class=\"note\">%s</span>", str(v, "note"));
		tm_page_marks(req, notes, json_object_get(v, "sources"));
		tm_html(b, "<p class=\"claim-dates\">%s ", T("claim.added"));
		tm_page_day(req, str(v, "added"));
		tm_html(b, " · %s ", T("claim.changed"));
		tm_page_day(req, str(v, "changed"));
		tm_buf_adds(b, "</p></li>\n");
	}
	tm_buf_adds(b, "</ul>\n</section>\n");
}

static void relations(tm_req *req, tm_notes *notes, json_t *rels)
{
	tm_buf *b = &req->body;
	tm_html(b, "<section class=\"relations\" aria-labelledby=\"rel-h\">\n<h2 id=\"rel-h\">%s</h2>\n",
		T("entity.relations"));
	if (!json_array_size(rels))
		tm_html(b, "<p>%s</p>\n", T("entity.no_relations"));
	const char *group = NULL, *dir = NULL;
	size_t i;
	json_t *r;
	/* the view sorted them by predicate and direction: a new pair opens a group */
	json_array_foreach(rels, i, r) {
		const char *pred = str(r, "predicate"), *d = str(r, "direction");
		if (!group || strcmp(group, pred) != 0 || strcmp(dir, d) != 0) {
			if (group)
				tm_buf_adds(b, "</ul>\n");
			tm_html(b, "<h3 class=\"pred\" data-predicate=\"%s\" data-direction=\"%s\">%s</h3>\n<ul class=\"rels\">\n",
				pred, d, tm_page_label(req, r));
			group = pred;
			dir = d;
		}
		relation_item(req, notes, r);
	}
	if (group)
		tm_buf_adds(b, "</ul>\n");
	tm_buf_adds(b, "</section>\n");
}

static void share_text(json_t *v, const tm_req *req, char *out, size_t n)
{
	if (!v || json_is_null(v))
		snprintf(out, n, "%s", tm_req_msg(req, "owners.share_unknown"));
	else
		snprintf(out, n, "%.4g%%", json_number_value(v));
}

static tm_rc owners(tm_req *req, tm_notes *notes, const char *id, tm_err *err)
{
	json_t *o;
	tm_rc rc = tm_view_owners(req->st, req->g, id, &o, err);
	if (rc)
		return rc;
	tm_buf *b = &req->body;
	json_t *chains = json_object_get(o, "chains");
	tm_html(b, "<section class=\"owners\" aria-labelledby=\"own-h\">\n<h2 id=\"own-h\">%s</h2>\n", T("owners.title"));
	if (!json_array_size(chains)) {
		tm_html(b, "<p>%s</p>\n", T("owners.none"));
	} else {
		tm_buf_adds(b, "<ol class=\"chains\">\n");
		size_t i;
		json_t *ch;
		json_array_foreach(chains, i, ch) {
			char share[64];
			share_text(json_object_get(ch, "effective_share"), req, share, sizeof(share));
			/* each step a sentence: "A is owned by B", with its share and sources */
			tm_buf_adds(b, "<li><ol class=\"chain\">");
			json_t *ents = json_object_get(ch, "entities"), *edges = json_object_get(ch, "edges");
			for (size_t k = 0; k + 1 < json_array_size(ents); k++) {
				json_t *e = json_array_get(edges, k);
				tm_buf_adds(b, "<li>");
				tm_page_relation_ids(req, json_string_value(json_array_get(ents, k)),
						     e && str(e, "predicate") ? str(e, "predicate") : "owns", 1,
						     json_string_value(json_array_get(ents, k + 1)));
				if (e && json_object_get(e, "share")) {
					char num[64];
					number_text(json_object_get(e, "share"), num, sizeof(num));
					tm_html(b, " <span class=\"share\">%s%%</span>", num);
				}
				if (e)
					tm_page_marks(req, notes, json_object_get(e, "sources"));
				tm_buf_adds(b, "</li>");
			}
			tm_html(b, "</ol> <span class=\"effective\">%s: %s</span></li>\n", T("owners.effective"), share);
		}
		tm_buf_adds(b, "</ol>\n");
	}
	tm_buf_adds(b, "</section>\n");
	json_decref(o);
	return TM_OK;
}

int tm_page_merged(tm_req *req, const char *id, const char *suffix)
{
	char *into = NULL;
	if (!id || !tm_id_valid(id) || tm_store_referent(req->st, id, &into, NULL) != TM_OK || !into)
		return 0;
	tm_buf loc = TM_BUF_INIT;
	tm_buf_addf(&loc, "/entities/%s%s?%s", into, suffix, tm_page_lang_arg(req));
	free(req->r_location);
	req->r_location = tm_buf_detach(&loc);
	/* permanent, as an old link should be updated; never cached here,
	 * as a revert takes it away (docs/editing.md, "Merging") */
	req->r_status = 301;
	req->r_type = "text/plain; charset=utf-8";
	req->r_nocache = 1;
	tm_buf_reset(&req->body);
	tm_buf_addf(&req->body, "'%s' was merged into '%s': see %s\n", id, into, req->r_location);
	free(into);
	return 1;
}

void tm_http_page_entity(tm_req *req)
{
	const char *id = tm_req_param(req, "id");
	json_t *e = NULL;
	tm_err err = { 0 };
	if (!id || !tm_id_valid(id)) {
		tm_req_fail(req, 404, "not_found", "%s", T("entity.unknown"));
		return;
	}
	tm_rc rc = tm_view_entity(req->st, id, &e, &err);
	if (rc == TM_ERR_NOTFOUND) {
		if (tm_page_merged(req, id, ""))
			return;
		if (tm_page_tombstone(req, "entity", id))
			return;
		tm_req_fail(req, 404, "not_found", "%s", T("entity.unknown"));
		return;
	}
	if (rc) {
		tm_req_fail_err(req, &err);
		return;
	}
	int zh = tm_page_zh(req);
	const char *nl;
	char name_lang[36] = "";
	tm_buf namebuf = TM_BUF_INIT;
	tm_buf_adds(&namebuf, tm_page_ref_name_lang(req, e, &nl));
	snprintf(name_lang, sizeof(name_lang), "%s", nl ? nl : "");
	const char *name = namebuf.buf;
	const char *alt = str(e, zh ? "name" : "name_zh");
	tm_notes notes;
	tm_notes_init(&notes);
	json_t *desc = json_object_get(e, "description");
	const char *d = str(desc, zh ? "zh" : "en");
	const char *d_lang = zh ? "zh-Hans" : "en";
	if (!d) {
		d = str(desc, zh ? "en" : "zh");
		d_lang = zh ? "en" : "zh-Hans";
	}
	req->page.desc = d;
	req->page.article = 1;
	tm_page_begin(req, name);
	tm_buf *b = &req->body;
	tm_html(b, "<article class=\"entity\" data-id=\"%s\">\n<h1", id);
	tm_page_lang_attr(req, name_lang[0] ? name_lang : NULL);
	tm_html(b, ">%s</h1>\n", name);
	if (alt && strcmp(alt, name) != 0)
		tm_html(b, "<p class=\"alt-name\" lang=\"%r\">%s</p>\n", zh ? "en" : "zh-Hans", alt);
	if (d) {
		tm_buf_adds(b, "<p class=\"desc\"");
		tm_page_lang_attr(req, d_lang);
		tm_html(b, ">%s</p>\n", d);
	}

	tm_html(b, "<dl class=\"facts\">\n<dt>%s</dt><dd><span class=\"swatch kind-%s\"></span>", T("entity.kind"),
		str(e, "kind"));
	tm_page_kind(req, str(e, "kind"));
	tm_buf_adds(b, "</dd>\n");
	if (str(e, "country")) {
		tm_html(b, "<dt>%s</dt><dd>", T("entity.country"));
		tm_page_country(req, str(e, "country"));
		tm_buf_adds(b, "</dd>\n");
	}
	if (str(e, "start") || str(e, "end")) {
		tm_html(b, "<dt>%s</dt><dd>", T("entity.dates"));
		dates(b, e);
		tm_buf_adds(b, "</dd>\n");
	}
	tm_html(b, "<dt>%s</dt><dd><ul class=\"names\">", T("entity.names"));
	size_t i;
	json_t *n;
	json_array_foreach(json_object_get(e, "names"), i, n) {
		tm_buf ln = TM_BUF_INIT;
		tm_page_language_name(req, str(n, "lang"), &ln);
		tm_html(b, "<li><span lang=\"%s\">%s</span> <span class=\"lang\">%s</span>%r</li>", str(n, "lang"),
			str(n, "text"), ln.buf, json_is_true(json_object_get(n, "primary")) ? " ★" : "");
		tm_buf_release(&ln);
	}
	tm_buf_adds(b, "</ul></dd>\n");
	if (json_array_size(json_object_get(e, "tags"))) {
		tm_html(b, "<dt>%s</dt><dd><ul class=\"tags\" aria-describedby=\"topics-note\">", T("entity.tags"));
		json_array_foreach(json_object_get(e, "tags"), i, n) {
			tm_buf_adds(b, "<li>");
			tm_page_tag(req, json_string_value(n));
			tm_buf_adds(b, "</li>");
		}
		tm_html(b, "</ul><small id=\"topics-note\">%s</small></dd>\n", T("entity.tags_note"));
	}
	if (json_array_size(json_object_get(e, "identifiers"))) {
		tm_html(b, "<dt>%s</dt><dd><ul class=\"idents\">", T("entity.identifiers"));
		json_array_foreach(json_object_get(e, "identifiers"), i, n) {
			char key[64];
			snprintf(key, sizeof(key), "scheme.%s", str(n, "scheme") ? str(n, "scheme") : "");
			if (tm_i18n_has("en", key))
				tm_html(b, "<li><span class=\"scheme\">%s</span> <code>%s</code></li>", T(key), str(n, "value"));
			else
				tm_html(b, "<li><span class=\"scheme\" lang=\"en\">%s</span> <code>%s</code></li>", str(n, "scheme"),
					str(n, "value"));
		}
		tm_buf_adds(b, "</ul></dd>\n");
	}
	tm_html(b, "<dt>%s</dt><dd>", T("entity.sources"));
	tm_page_marks(req, &notes, json_object_get(e, "sources"));
	tm_buf_adds(b, "</dd>\n");
	const char *last = str(e, "last_changed");
	if (last) {
		tm_html(b, "<dt>%s</dt><dd>", T("entity.last_changed"));
		tm_page_day(req, last);
		tm_html(b, " <small>(%s ", T("claim.added"));
		tm_page_day(req, str(e, "added"));
		tm_buf_adds(b, ")</small></dd>\n");
		snprintf(req->cite_date, sizeof(req->cite_date), "%s", last);
	}
	tm_buf_adds(b, "</dl>\n");
	tm_html(b,
		"<p class=\"actions\"><a href=\"/entities/%q/graph?%r\">%s</a> · <a href=\"/path?from=%q&amp;%r\">%s</a>"
		" · <a href=\"/api/v1/entities/%q\">JSON</a></p>\n",
		id, tm_page_lang_arg(req), T("entity.graph"), id, tm_page_lang_arg(req), T("entity.path_from"), id);
	involvement(req, &notes, json_object_get(e, "involvement"));
	relations(req, &notes, json_object_get(e, "relations"));
	if (owners(req, &notes, id, &err) || tm_page_entity_actions(req, id, &err)) {
		tm_req_fail_err(req, &err);
		tm_notes_release(&notes);
		json_decref(e);
		tm_buf_release(&namebuf);
		return;
	}
	tm_page_notes(req, &notes);
	tm_page_record_foot(req, "entity", id);
	tm_buf_adds(b, "</article>\n");
	tm_notes_release(&notes);
	json_decref(e);
	tm_buf_release(&namebuf);
	tm_page_end(req);
}
