/*
 * The actions log on the web: /actions (filter by date range, kind,
 * country and target; 50 a page), /actions/{id} (one action with its
 * footnoted sources), and the section of an entity's page that lists the
 * actions against it.
 */
#include "http/page_campaign.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign/campaign.h"
#include "search/search.h"
#include "text/text.h"
#include "view/view.h"

#define PER_PAGE 50

static int zh(const tm_req *req)
{
	return strcmp(req->lang, "zh") == 0;
}

/* The text in the page's language, else the other one marked untranslated
 * (with its language, for screen readers). */
static void bitext(tm_req *req, const tm_bitext *t)
{
	int translated;
	const char *s = tm_bitext_pick(t, req->lang, &translated);
	if (!s)
		return;
	if (translated && strcmp(req->ui, "zh-Hant") == 0)
		tm_html(&req->body, "<span lang=\"zh-Hans\">%s</span>", s); /* the data's Chinese is Simplified */
	else if (translated)
		tm_html(&req->body, "%s", s);
	else
		tm_html(&req->body, "<span lang=\"%r\">%s</span> <span class=\"untranslated\">(%s)</span>",
			zh(req) ? "en" : "zh-Hans", s, T("actions.untranslated"));
}

void tm_page_bitext(tm_req *req, const tm_bitext *t)
{
	bitext(req, t);
}

/* Targets or actors: entities linked, free text as it is. */
static void parties(tm_req *req, const tm_parties *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			tm_buf_adds(&req->body, zh(req) ? "、" : ", ");
		if (p->v[i].entity) {
			json_t *ref = tm_view_entity_ref_json(req->st, p->v[i].entity);
			tm_page_entity_link(req, ref);
			json_decref(ref);
		} else {
			bitext(req, &p->v[i].text);
		}
	}
}

static void date_words(tm_req *req, const char *date)
{
	tm_buf w = TM_BUF_INIT;
	tm_campaign_date_words(&w, date, req->lang);
	tm_html(&req->body, "<time datetime=\"%s\">%s</time>", date, w.buf);
	tm_buf_release(&w);
}

static void country(tm_req *req, const char *code)
{
	tm_buf n = TM_BUF_INIT;
	tm_campaign_country_name(code, req->ui, &n);
	tm_html(&req->body, "%s", n.buf);
	tm_buf_release(&n);
}

static const char *kind_label(const tm_req *req, const char *kind)
{
	return tm_page_action_kind(req, kind);
}

/* One line of a list: date, kind, title linked to its page, place, targets. */
static void list_item(tm_req *req, const tm_action *a)
{
	tm_buf *b = &req->body;
	tm_html(b, "<li data-id=\"%s\">", a->id);
	date_words(req, a->date);
	tm_html(b, " <span class=\"kind\">%s</span> <a href=\"/actions/%q?%r\">", kind_label(req, a->kind), a->id,
		tm_page_lang_arg(req));
	bitext(req, &a->title);
	tm_buf_adds(b, "</a>");
	const char *place = tm_bitext_pick(&a->place, req->lang, NULL);
	if (place || a->country) {
		tm_buf_adds(b, " <span class=\"place\">");
		if (place)
			tm_html(b, "%s", place);
		if (place && a->country)
			tm_buf_adds(b, zh(req) ? "，" : ", ");
		if (a->country)
			country(req, a->country);
		tm_buf_adds(b, "</span>");
	}
	if (a->targets.n) {
		tm_html(b, " <span class=\"targets\">%s%s", T("action.targets"), zh(req) ? "：" : ": ");
		parties(req, &a->targets);
		tm_buf_adds(b, "</span>");
	}
	if (strcmp(a->kind, "petition") == 0)
		tm_page_action_petitions(req, a->id, 1);
	tm_buf_adds(b, "</li>\n");
}

static int list_one(void *ctx, const tm_action *a, const char *updated_at)
{
	(void)updated_at;
	list_item(ctx, a);
	return 0;
}

/* A query argument as a link carries it, "&amp;key=value" (value encoded). */
static void keep_arg(tm_req *req, tm_buf *b, const char *key)
{
	const char *v = tm_req_arg(req, key);
	if (v && *v)
		tm_html(b, "&amp;%s=%q", key, v);
}

/* ?from=&to=&kind=&country=&target=&page= */
void tm_http_page_actions(tm_req *req)
{
	tm_action_filter f = { .newest_first = 1, .limit = PER_PAGE };
	const char *from = tm_req_arg(req, "from"), *to = tm_req_arg(req, "to"), *kind = tm_req_arg(req, "kind");
	const char *cc = tm_req_arg(req, "country"), *target = tm_req_arg(req, "target");
	long page;
	tm_day d;
	if (tm_req_int_arg(req, "page", 1, 1, 100000, &page))
		return;
	/* an empty field of the form is no filter */
	from = from && *from ? from : NULL;
	to = to && *to ? to : NULL;
	kind = kind && *kind ? kind : NULL;
	cc = cc && *cc ? cc : NULL;
	target = target && *target ? target : NULL;
	/* a bad value keeps the form, with the error beside its field (400) */
	const char *bad = NULL, *bad_msg = NULL;
	if (from && tm_day_parse(from, &d)) {
		bad = "from";
		bad_msg = "actions.bad_date";
		from = NULL;
	}
	if (to && tm_day_parse(to, &d)) {
		bad = "to";
		bad_msg = "actions.bad_date";
		to = NULL;
	}
	if (kind && !tm_vocab_find(tm_action_kinds, tm_n_action_kinds, kind)) {
		bad = "kind";
		bad_msg = "actions.bad_kind";
		kind = NULL;
	}
	char upper[3] = "";
	if (cc) {
		tm_buf cn = TM_BUF_INIT;
		if (strlen(cc) == 2) {
			upper[0] = (char)(cc[0] >= 'a' && cc[0] <= 'z' ? cc[0] - 32 : cc[0]);
			upper[1] = (char)(cc[1] >= 'a' && cc[1] <= 'z' ? cc[1] - 32 : cc[1]);
		}
		if (!tm_country_valid(upper) || tm_text_country_name(upper, "en", &cn)) {
			bad = "country";
			bad_msg = "actions.bad_country";
			cc = NULL;
		} else {
			f.country = upper;
		}
		tm_buf_release(&cn);
	}
	char *target_id = NULL;
	if (target) {
		tm_err err = { 0 };
		tm_rc rc = tm_search_resolve(req->st, target, &target_id, NULL, &err);
		if (rc == TM_ERR_NOTFOUND || rc == TM_ERR_AMBIGUOUS) {
			bad = "target";
			bad_msg = "actions.bad_target";
		} else if (rc) {
			tm_req_fail_err(req, &err);
			return;
		}
		f.entity = target_id;
	}
	f.from = from;
	f.to = to;
	f.kind = kind;
	f.offset = (size_t)(page - 1) * PER_PAGE;

	tm_err err = { 0 };
	int64_t total = 0;
	if (tm_store_count_actions(req->st, &f, &total, &err)) {
		free(target_id);
		tm_req_fail_err(req, &err);
		return;
	}
	if (bad) {
		req->r_status = 400;
		req->r_nocache = 1;
	}
	req->page.feed = 1;
	req->page.desc = T("actions.intro");
	tm_page_begin(req, T("actions.title"));
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T("actions.title"), T("actions.intro"));
	if (bad)
		tm_html(b, "<p class=\"error\" role=\"alert\">%s</p>\n", T("browse.invalid"));
	char wk[16];
	time_t now = time(NULL);
	tm_day today;
	if (tm_tz_day("UTC", (int64_t)now, &today, NULL))
		today = (tm_day)(now / 86400);
	tm_week_format(tm_week_of(today), wk);
	tm_html(b,
		"<p class=\"actions-links\"><a href=\"/digest/%s?%r\">%s</a> · <a href=\"/digest?%r\">%s</a> · "
		"<a href=\"/map?%r\">%s</a> · <a href=\"/feed.atom?%r\" type=\"application/atom+xml\">%s</a></p>\n",
		wk, tm_page_lang_arg(req), T("actions.digest"), tm_page_lang_arg(req), T("digest.archive"),
		tm_page_lang_arg(req), T("nav.map"), tm_page_lang_arg(req), T("actions.feed"));

	/* the filter form works without JavaScript: a GET of this page; a bad
	 * value is shown as sent, with the error beside it */
	const char *sent_from = tm_req_arg(req, "from"), *sent_to = tm_req_arg(req, "to");
	const char *sent_target = tm_req_arg(req, "target");
	tm_html(b, "<form class=\"filter-form\" action=\"/actions\" method=\"get\">\n");
	tm_html(b, "<div class=\"field\"><label for=\"a-from\">%s</label><input id=\"a-from\" type=\"date\" name=\"from\" value=\"%s\"%r>",
		T("actions.from"), sent_from ? sent_from : "", bad && strcmp(bad, "from") == 0 ? " aria-describedby=\"err-field\" aria-invalid=\"true\"" : "");
	if (bad && strcmp(bad, "from") == 0)
		tm_html(b, "<span class=\"field-error\" id=\"err-field\">%s</span>", T(bad_msg));
	tm_html(b, "</div>\n<div class=\"field\"><label for=\"a-to\">%s</label><input id=\"a-to\" type=\"date\" name=\"to\" value=\"%s\"%r>",
		T("actions.to"), sent_to ? sent_to : "", bad && strcmp(bad, "to") == 0 ? " aria-describedby=\"err-field\" aria-invalid=\"true\"" : "");
	if (bad && strcmp(bad, "to") == 0)
		tm_html(b, "<span class=\"field-error\" id=\"err-field\">%s</span>", T(bad_msg));
	tm_html(b, "</div>\n<div class=\"field\"><label for=\"a-kind\">%s</label><select id=\"a-kind\" name=\"kind\"><option value=\"\">%s</option>",
		T("actions.kind"), T("actions.any_kind"));
	for (size_t i = 0; i < tm_n_action_kinds; i++)
		tm_html(b, "<option value=\"%s\"%r>%s</option>", tm_action_kinds[i].id,
			kind && strcmp(kind, tm_action_kinds[i].id) == 0 ? " selected" : "",
			kind_label(req, tm_action_kinds[i].id));
	tm_buf_adds(b, "</select>");
	if (bad && strcmp(bad, "kind") == 0)
		tm_html(b, "<span class=\"field-error\" id=\"err-field\">%s</span>", T(bad_msg));
	/* every country ICU knows, by its name in the page's language */
	tm_html(b, "</div>\n<div class=\"field\"><label for=\"a-country\">%s</label><select id=\"a-country\" name=\"country\"%r><option value=\"\">%s</option>",
		T("actions.country"), bad && strcmp(bad, "country") == 0 ? " aria-describedby=\"err-field\" aria-invalid=\"true\"" : "",
		T("actions.any_country"));
	tm_strv codes = TM_STRV_INIT;
	tm_text_countries(req->ui, &codes);
	for (size_t i = 0; i < codes.n; i++) {
		tm_buf cn = TM_BUF_INIT;
		tm_text_country_name(codes.v[i], req->ui, &cn);
		tm_html(b, "<option value=\"%s\"%r>%s</option>", codes.v[i],
			f.country && strcmp(f.country, codes.v[i]) == 0 ? " selected" : "", cn.buf);
		tm_buf_release(&cn);
	}
	tm_strv_release(&codes);
	tm_buf_adds(b, "</select>");
	if (bad && strcmp(bad, "country") == 0)
		tm_html(b, "<span class=\"field-error\" id=\"err-field\">%s</span>", T(bad_msg));
	tm_html(b, "</div>\n<div class=\"field\"><label for=\"a-target\">%s</label><input id=\"a-target\" name=\"target\" maxlength=\"200\" value=\"%s\"%r>",
		T("actions.target"), sent_target ? sent_target : "",
		bad && strcmp(bad, "target") == 0 ? " aria-describedby=\"err-field\" aria-invalid=\"true\"" : "");
	if (bad && strcmp(bad, "target") == 0)
		tm_html(b, "<span class=\"field-error\" id=\"err-field\">%s</span>", T(bad_msg));
	tm_html(b, "</div>\n<input type=\"hidden\" name=\"lang\" value=\"%r\">\n<div class=\"field\"><button type=\"submit\">%s</button></div>\n</form>\n",
		strcmp(req->ui, "zh-Hant") == 0 ? "zh-Hant" : zh(req) ? "zh" : "en", T("actions.apply"));

	if (bad && strcmp(bad, "target") == 0) {
		/* nothing to list for a target that names no one */
		free(target_id);
		tm_page_end(req);
		return;
	}
	tm_html(b, "<h2>%s: %ld</h2>\n", T("actions.count"), (long)total);
	if (!total) {
		tm_html(b, "<p>%s</p>\n", T("actions.none"));
	} else {
		tm_buf_adds(b, "<ol class=\"action-list\">\n");
		if (tm_store_each_action(req->st, &f, list_one, req, &err)) {
			free(target_id);
			tm_req_fail_err(req, &err);
			return;
		}
		tm_buf_adds(b, "</ol>\n");
	}
	/* pages: newer and older, with the same filters */
	if (page > 1 || (int64_t)(page * PER_PAGE) < total) {
		tm_buf args = TM_BUF_INIT;
		static const char *const keys[] = { "from", "to", "kind", "country", "target" };
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			keep_arg(req, &args, keys[i]);
		tm_html(b, "<nav class=\"pages\" aria-label=\"%s\">", T("actions.page"));
		if (page > 1)
			tm_html(b, "<a rel=\"prev\" href=\"/actions?%r%r&amp;page=%ld\">%s</a> ", tm_page_lang_arg(req), args.buf,
				page - 1, T("actions.prev"));
		if ((int64_t)(page * PER_PAGE) < total)
			tm_html(b, "<a rel=\"next\" href=\"/actions?%r%r&amp;page=%ld\">%s</a>", tm_page_lang_arg(req), args.buf,
				page + 1, T("actions.next"));
		tm_buf_adds(b, "</nav>\n");
		tm_buf_release(&args);
	}
	free(target_id);
	tm_page_end(req);
}

void tm_http_page_action(tm_req *req)
{
	const char *id = tm_req_param(req, "id");
	tm_action a;
	char updated[24];
	tm_err err = { 0 };
	tm_rc rc = id && tm_id_valid(id) ? tm_store_get_action(req->st, id, &a, updated, &err) : TM_ERR_NOTFOUND;
	if (rc == TM_ERR_NOTFOUND) {
		tm_req_fail(req, 404, "not_found", "%s", T("actions.unknown"));
		return;
	}
	if (rc) {
		tm_req_fail_err(req, &err);
		return;
	}
	const char *title = tm_bitext_pick(&a.title, req->lang, NULL);
	tm_page_begin(req, title);
	tm_buf *b = &req->body;
	tm_notes notes;
	tm_notes_init(&notes);
	json_t *cites = tm_view_cites_json(req->st, &a.cites);
	tm_html(b, "<article class=\"action\" data-id=\"%s\">\n<p class=\"eyebrow\">%s · %s</p>\n<h1>", id,
		T("action.heading"), kind_label(req, a.kind));
	bitext(req, &a.title);
	tm_buf_adds(b, "</h1>\n<dl class=\"facts\">\n");
	tm_html(b, "<dt>%s</dt><dd>", T("action.date"));
	date_words(req, a.date);
	tm_day day;
	if (strlen(a.date) == 10 && tm_day_parse(a.date, &day) == 0) {
		char wk[16];
		tm_week_format(tm_week_of(day), wk);
		tm_html(b, " · <a class=\"week\" href=\"/digest/%s?%r\">%s %s</a>", wk, tm_page_lang_arg(req),
			T("action.week_digest"), wk);
	}
	tm_buf_adds(b, "</dd>\n");
	if (a.place.en || a.place.zh) {
		tm_html(b, "<dt>%s</dt><dd>", T("action.place"));
		bitext(req, &a.place);
		tm_buf_adds(b, "</dd>\n");
	}
	if (a.country) {
		tm_html(b, "<dt>%s</dt><dd>", T("action.country"));
		country(req, a.country);
		tm_buf_adds(b, "</dd>\n");
	}
	if (a.geo.has) {
		char pt[64];
		snprintf(pt, sizeof(pt), "%.5f, %.5f", a.geo.lat, a.geo.lon);
		tm_html(b, "<dt>%s</dt><dd>%s", T("action.point"), pt);
		if (a.geo.precision)
			tm_html(b, " <span class=\"precision\">(%s)</span>",
				tm_page_precision(req, a.geo.precision));
		tm_html(b, " · <a href=\"/map?%r#action-%q\">%s</a></dd>\n", tm_page_lang_arg(req), a.id, T("action.on_map"));
	}
	if (a.targets.n) {
		tm_html(b, "<dt>%s</dt><dd>", T("action.targets"));
		parties(req, &a.targets);
		tm_buf_adds(b, "</dd>\n");
	}
	if (a.actors.n) {
		tm_html(b, "<dt>%s</dt><dd>", T("action.actors"));
		parties(req, &a.actors);
		tm_buf_adds(b, "</dd>\n");
	}
	tm_html(b, "<dt>%s</dt><dd>", T("entity.sources"));
	tm_page_marks(req, &notes, cites);
	tm_buf_adds(b, "</dd>\n</dl>\n");
	if (a.summary.en || a.summary.zh) {
		tm_buf_adds(b, "<p class=\"summary\">");
		bitext(req, &a.summary);
		tm_buf_adds(b, "</p>\n");
	}
	if (a.outcome.en || a.outcome.zh) {
		tm_html(b, "<h2>%s</h2>\n<p>", T("action.outcome"));
		bitext(req, &a.outcome);
		tm_buf_adds(b, "</p>\n");
	}
	if (a.note)
		tm_html(b, "<h2>%s</h2>\n<p class=\"note\" lang=\"en\">%s</p>\n", T("action.note"), a.note);
	tm_page_action_petitions(req, a.id, 0);
	/* the accounts, each in its source's own words */
	size_t i, quotes = 0;
	json_t *c;
	json_array_foreach(cites, i, c)
		quotes += json_object_get(c, "quote") != NULL;
	if (quotes) {
		tm_html(b, "<h2>%s</h2>\n<ul class=\"quotes\">\n", T("action.accounts"));
		json_array_foreach(cites, i, c) {
			const char *q = json_string_value(json_object_get(c, "quote"));
			const char *who = json_string_value(json_object_get(c, "publisher"));
			if (!who)
				who = json_string_value(json_object_get(c, "title"));
			if (!q)
				continue;
			/* the quote is in its source's language, whatever the page's */
			tm_source src;
			const char *id = json_string_value(json_object_get(c, "id"));
			/* a source not found shows no language; a failure to read it is
			 * kept by the store, and the server answers with it */
			int got = id && tm_store_get_source(req->st, id, &src, NULL) == TM_OK;
			if (got && src.lang && tm_lang_valid(src.lang))
				tm_html(b, "<li><blockquote lang=\"%s\">%s</blockquote> — %s</li>\n", src.lang, q, who ? who : "");
			else
				tm_html(b, "<li><blockquote>%s</blockquote> — %s</li>\n", q, who ? who : "");
			if (got)
				tm_source_release(&src);
		}
		tm_buf_adds(b, "</ul>\n");
	}
	tm_page_notes(req, &notes);
	tm_html(b, "<p class=\"updated\">%s <time datetime=\"%s\">%s</time></p>\n</article>\n", T("action.updated"), updated,
		updated);
	json_decref(cites);
	tm_notes_release(&notes);
	tm_action_release(&a);
	tm_page_end(req);
}

tm_rc tm_page_entity_actions(tm_req *req, const char *entity_id, tm_err *err)
{
	tm_action_filter f = { .entity = entity_id, .newest_first = 1, .limit = 20 };
	int64_t total = 0;
	tm_rc rc = tm_store_count_actions(req->st, &f, &total, err);
	if (rc || !total)
		return rc;
	tm_buf *b = &req->body;
	tm_html(b, "<section class=\"entity-actions\" aria-labelledby=\"act-h\">\n<h2 id=\"act-h\">%s (%ld)</h2>\n"
		   "<ol class=\"action-list\">\n",
		T("entity.actions"), (long)total);
	if ((rc = tm_store_each_action(req->st, &f, list_one, req, err)))
		return rc;
	tm_buf_adds(b, "</ol>\n");
	if (total > 20)
		tm_html(b, "<p><a href=\"/actions?target=%q&amp;%r\">%s</a></p>\n", entity_id, tm_page_lang_arg(req),
			T("entity.all_actions"));
	tm_buf_adds(b, "</section>\n");
	return TM_OK;
}
