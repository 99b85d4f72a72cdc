/*
 * HTML: the one escaping function, the printf that only lets data in
 * escaped, the page frame every page shares, and footnotes.
 */
#include "http/http_internal.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "http/page_campaign.h"
#include "model/action.h"
#include "model/model.h"
#include "text/text.h"

void tm_url_enc(tm_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.' || *p == '~') {
			tm_buf_addch(b, (char)*p);
		} else {
			tm_buf_addch(b, '%');
			tm_buf_addch(b, hex[*p >> 4]);
			tm_buf_addch(b, hex[*p & 15]);
		}
	}
}

void tm_html_script_json(tm_buf *b, json_t *v)
{
	/* outside strings JSON has none of the three; inside, \u escapes mean the same */
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	for (const char *p = s; p && *p; p++) {
		if (*p == '<')
			tm_buf_adds(b, "\\u003c");
		else if (*p == '>')
			tm_buf_adds(b, "\\u003e");
		else if (*p == '&')
			tm_buf_adds(b, "\\u0026");
		else
			tm_buf_addch(b, *p);
	}
	free(s);
}

void tm_html(tm_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *run = fmt;
	for (const char *p = fmt; *p; p++) {
		if (*p != '%')
			continue;
		tm_buf_add(b, run, (size_t)(p - run));
		p++;
		if (*p == 's') {
			tm_html_esc(b, va_arg(ap, const char *));
		} else if (*p == 'q') {
			/* percent-encoding leaves nothing HTML would read specially */
			tm_url_enc(b, va_arg(ap, const char *));
		} else if (*p == 'r') {
			tm_buf_adds(b, va_arg(ap, const char *));
		} else if (*p == 'd') {
			tm_buf_addf(b, "%d", va_arg(ap, int));
		} else if (p[0] == 'l' && p[1] == 'd') {
			tm_buf_addf(b, "%ld", va_arg(ap, long));
			p++;
		} else if (p[0] == 'z' && p[1] == 'u') {
			tm_buf_addf(b, "%zu", va_arg(ap, size_t));
			p++;
		} else if (*p == '%') {
			tm_buf_addch(b, '%');
		} else {
			/* a format this function does not know is a bug in the caller */
			tm_buf_adds(b, "[?]");
			if (!*p)
				break;
		}
		run = p + 1;
	}
	tm_buf_adds(b, run);
	va_end(ap);
}

void tm_http_licence(const char *licence, const char **name, const char **url)
{
	static const struct {
		const char *id, *name, *url;
	} known[] = {
		{ "CC-BY-SA-4.0", "CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/" },
		{ "CC-BY-4.0", "CC BY 4.0", "https://creativecommons.org/licenses/by/4.0/" },
		{ "CC0-1.0", "CC0 1.0", "https://creativecommons.org/publicdomain/zero/1.0/" },
		{ "ODbL-1.0", "ODbL 1.0", "https://opendatacommons.org/licenses/odbl/1-0/" },
		{ "CC-BY-NC-4.0", "CC BY-NC 4.0", "https://creativecommons.org/licenses/by-nc/4.0/" },
		{ "CC-BY-NC-SA-4.0", "CC BY-NC-SA 4.0", "https://creativecommons.org/licenses/by-nc-sa/4.0/" },
	};
	if (!licence || !*licence)
		licence = TM_HTTP_LICENCE_DEFAULT;
	*name = licence;
	*url = NULL;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strcasecmp(licence, known[i].id) == 0) {
			*name = known[i].name;
			*url = known[i].url;
		}
	}
}

const char *tm_req_msg(const tm_req *req, const char *key)
{
	return tm_i18n(req->ui, key);
}

int tm_page_zh(const tm_req *req)
{
	return strcmp(req->lang, "zh") == 0;
}

const char *tm_page_lang_arg(const tm_req *req)
{
	return strcmp(req->ui, "zh-Hant") == 0 ? "lang=zh-Hant" : tm_page_zh(req) ? "lang=zh" : "lang=en";
}

void tm_i18n_fill(tm_buf *out, const char *tmpl, const char *a1, const char *a2, const char *a3)
{
	const char *args[3] = { a1, a2, a3 };
	for (const char *p = tmpl; *p; p++) {
		if (p[0] == '{' && p[1] >= '1' && p[1] <= '3' && p[2] == '}') {
			tm_buf_adds(out, args[p[1] - '1'] ? args[p[1] - '1'] : "");
			p += 2;
		} else {
			tm_buf_addch(out, *p);
		}
	}
}

/* Whether text tagged `tag` reads as the page's language: else it carries
 * its own lang attribute. */
int tm_page_same_lang(const tm_req *req, const char *tag)
{
	if (!tag)
		return 1;
	if (!tm_page_zh(req))
		return strncmp(tag, "en", 2) == 0 && (tag[2] == '\0' || tag[2] == '-');
	if (strncmp(tag, "zh", 2) != 0 || (tag[2] != '\0' && tag[2] != '-'))
		return 0;
	int hant = strstr(tag, "Hant") || strstr(tag, "TW") || strstr(tag, "HK") || strstr(tag, "MO");
	return hant == (strcmp(req->ui, "zh-Hant") == 0);
}

void tm_page_lang_attr(tm_req *req, const char *tag)
{
	if (!tm_page_same_lang(req, tag) && tag && tm_lang_valid(tag))
		tm_html(&req->body, " lang=\"%s\"", tag);
}

/* The entity's name for the page, with the name's language. */
const char *tm_page_ref_name_lang(const tm_req *req, json_t *ref, const char **lang)
{
	const char *id = json_string_value(json_object_get(ref, "id"));
	*lang = NULL;
	/* the ref's two names cover English and Simplified; Traditional, and
	 * the language of what is shown, need the entity's names */
	static _Thread_local char shown[512], shown_lang[36];
	tm_entity e;
	if (id && req->st && tm_store_get_entity(req->st, id, &e, NULL) == TM_OK) {
		const tm_name *n = tm_entity_display(&e, req->ui);
		snprintf(shown, sizeof(shown), "%s", n ? n->text : e.id);
		snprintf(shown_lang, sizeof(shown_lang), "%s", n && n->lang ? n->lang : "");
		tm_entity_release(&e);
		*lang = shown_lang[0] ? shown_lang : NULL;
		return shown;
	}
	const char *zh = json_string_value(json_object_get(ref, "name_zh"));
	const char *en = json_string_value(json_object_get(ref, "name"));
	const char *name = tm_page_zh(req) && zh ? zh : en;
	return name ? name : id;
}

const char *tm_page_ref_name(const tm_req *req, json_t *ref)
{
	const char *lang;
	return tm_page_ref_name_lang(req, ref, &lang);
}

void tm_page_entity_link(tm_req *req, json_t *ref)
{
	const char *id = json_string_value(json_object_get(ref, "id"));
	const char *lang;
	const char *name = tm_page_ref_name_lang(req, ref, &lang);
	tm_html(&req->body, "<a href=\"/entities/%q?%r\"", id ? id : "", tm_page_lang_arg(req));
	tm_page_lang_attr(req, lang);
	tm_html(&req->body, ">%s</a>", name);
}

void tm_page_entity_link_id(tm_req *req, const char *id)
{
	json_t *ref = json_object();
	json_object_set_new(ref, "id", json_string(id));
	tm_page_entity_link(req, ref);
	json_decref(ref);
}

const char *tm_page_vocab(const tm_req *req, const char *prefix, const char *id, const char *en, const char *zh)
{
	if (strcmp(req->ui, "zh-Hant") == 0) {
		char key[128];
		snprintf(key, sizeof(key), "%s.%s", prefix, id ? id : "");
		if (tm_i18n_has("zh-Hant", key))
			return tm_i18n("zh-Hant", key);
	}
	return tm_page_zh(req) ? zh : en;
}

const char *tm_page_kind_label(const tm_req *req, const char *kind)
{
	const tm_kind *k = kind ? tm_kind_find(kind) : NULL;
	if (!k)
		return kind ? kind : "";
	return tm_page_vocab(req, "kind", k->id, k->label_en, k->label_zh);
}

const char *tm_page_category_label(const tm_req *req, const char *id)
{
	const tm_category *c = id ? tm_category_find(id) : NULL;
	if (!c)
		return id ? id : "";
	return tm_page_vocab(req, "category", c->id, c->label_en, c->label_zh);
}

const char *tm_page_category_def(const tm_req *req, const char *id)
{
	const tm_category *c = id ? tm_category_find(id) : NULL;
	if (!c)
		return "";
	return tm_page_vocab(req, "category_def", c->id, c->def_en, c->def_zh);
}

const char *tm_page_context_label(const tm_req *req, const char *context)
{
	return tm_page_vocab(req, "context", context, tm_context_label(context, "en"), tm_context_label(context, "zh"));
}

const char *tm_page_action_kind(const tm_req *req, const char *kind)
{
	const tm_vocab *v = tm_vocab_find(tm_action_kinds, tm_n_action_kinds, kind);
	return v ? tm_page_vocab(req, "action_kind", v->id, v->label_en, v->label_zh) : kind ? kind : "";
}

const char *tm_page_site_kind(const tm_req *req, const char *kind)
{
	const tm_vocab *v = tm_vocab_find(tm_site_kinds, tm_n_site_kinds, kind);
	return v ? tm_page_vocab(req, "site_kind", v->id, v->label_en, v->label_zh) : kind ? kind : "";
}

const char *tm_page_precision(const tm_req *req, const char *p)
{
	const tm_vocab *v = tm_vocab_find(tm_geo_precisions, tm_n_geo_precisions, p);
	return v ? tm_page_vocab(req, "precision", v->id, v->label_en, v->label_zh) : p ? p : "";
}

const char *tm_page_pred_label(const tm_req *req, const char *pred, int inverse)
{
	const tm_predicate *p = tm_predicate_find(pred);
	if (!p)
		return pred ? pred : "";
	return tm_page_vocab(req, inverse ? "pred_inv" : "pred", p->id, inverse ? p->inverse_en : p->label_en,
			     inverse ? p->inverse_zh : p->label_zh);
}

static int inverse_of(json_t *o)
{
	const char *d = json_string_value(json_object_get(o, "direction"));
	return d && (strcmp(d, "in") == 0 || strcmp(d, "inverse") == 0);
}

const char *tm_page_label(const tm_req *req, json_t *o)
{
	const char *pred = json_string_value(json_object_get(o, "predicate"));
	if (tm_predicate_find(pred))
		return tm_page_pred_label(req, pred, inverse_of(o));
	const char *s = json_string_value(json_object_get(o, tm_page_zh(req) ? "label_zh" : "label"));
	return s ? s : pred ? pred : "";
}

/* One part of a frame: the literal text between the slots, as a span of
 * the predicate's class so that it reads as the tie. */
static void frame_text(tm_buf *b, const char *s, size_t n)
{
	if (!n)
		return;
	tm_buf t = TM_BUF_INIT;
	tm_buf_add(&t, s, n);
	tm_html(b, "<span class=\"pred\">%s</span>", t.buf);
	tm_buf_release(&t);
}

void tm_page_relation(tm_req *req, json_t *subject, const char *pred, int inverse, json_t *object)
{
	const tm_predicate *p = tm_predicate_find(pred);
	char key[96];
	snprintf(key, sizeof(key), "%s.%s", inverse && p && !p->symmetric ? "frame_inv" : "frame", pred ? pred : "");
	const char *tmpl = p && tm_i18n_has("en", key) ? T(key) : NULL;
	if (!tmpl) {
		/* a predicate without a frame: subject, label, object */
		tm_page_entity_link(req, subject);
		tm_html(&req->body, " <span class=\"pred\">%s</span> ", tm_page_pred_label(req, pred, inverse));
		tm_page_entity_link(req, object);
		return;
	}
	tm_html(&req->body, "<span class=\"frame\" data-predicate=\"%s\">", pred);
	const char *run = tmpl;
	for (const char *c = tmpl; *c; c++) {
		if (c[0] == '{' && (c[1] == 's' || c[1] == 'o') && c[2] == '}') {
			frame_text(&req->body, run, (size_t)(c - run));
			tm_page_entity_link(req, c[1] == 's' ? subject : object);
			c += 2;
			run = c + 1;
		}
	}
	frame_text(&req->body, run, strlen(run));
	tm_buf_adds(&req->body, "</span>");
}

void tm_page_relation_ids(tm_req *req, const char *subject, const char *pred, int inverse, const char *object)
{
	json_t *s = json_object(), *o = json_object();
	json_object_set_new(s, "id", json_string(subject));
	json_object_set_new(o, "id", json_string(object));
	tm_page_relation(req, s, pred, inverse, o);
	json_decref(s);
	json_decref(o);
}

void tm_page_country(tm_req *req, const char *code)
{
	if (!code || !*code)
		return;
	tm_buf n = TM_BUF_INIT;
	tm_text_country_name(code, req->ui, &n);
	tm_html(&req->body, "<a class=\"country\" href=\"/entities?country=%q&amp;%r\">%s</a>", code,
		tm_page_lang_arg(req), n.buf);
	tm_buf_release(&n);
}

const char *tm_page_tag_label(tm_req *req, const char *tag)
{
	const tm_vocab *t = tm_vocab_find(tm_topics, tm_n_topics, tag);
	return t ? tm_page_vocab(req, "tag", t->id, t->label_en, t->label_zh) : tag ? tag : "";
}

void tm_page_tag(tm_req *req, const char *tag)
{
	tm_html(&req->body, "<a class=\"tag\" href=\"/tags/%q?%r\"", tag ? tag : "", tm_page_lang_arg(req));
	/* a tag nobody labelled is shown as recorded, which is English */
	if (!tm_vocab_find(tm_topics, tm_n_topics, tag) && tm_page_zh(req))
		tm_buf_adds(&req->body, " lang=\"en\"");
	tm_html(&req->body, ">%s</a>", tm_page_tag_label(req, tag));
}

void tm_page_category(tm_req *req, const char *id)
{
	tm_html(&req->body, "<a class=\"category\" href=\"/entities?category=%q&amp;%r\">%s</a>", id ? id : "",
		tm_page_lang_arg(req), tm_page_category_label(req, id));
}

void tm_page_kind(tm_req *req, const char *kind)
{
	tm_html(&req->body, "<a class=\"kind\" href=\"/entities?kind=%q&amp;%r\">%s</a>", kind ? kind : "",
		tm_page_lang_arg(req), tm_page_kind_label(req, kind));
}

void tm_page_language_name(tm_req *req, const char *tag, tm_buf *out)
{
	tm_text_language_name(tag, req->ui, out);
}

/* ---- the frame of every page ---- */

/* The current path and every query argument but lang, re-encoded, with
 * lang set to `lang` (NULL: none): the language switch and the canonical
 * link keep everything the reader asked for. */
struct self_ctx {
	tm_buf *b;
};

static enum MHD_Result self_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	struct self_ctx *c = cls;
	if (!key || strcmp(key, "lang") == 0)
		return MHD_YES;
	tm_url_enc(c->b, key);
	tm_buf_addch(c->b, '=');
	tm_url_enc(c->b, value ? value : "");
	tm_buf_addch(c->b, '&');
	return MHD_YES;
}

static void self_url(tm_req *req, tm_buf *b, const char *lang)
{
	for (const char *p = req->path; *p; p++) {
		if (*p == '/') {
			tm_buf_addch(b, '/');
		} else {
			char one[2] = { *p, 0 };
			tm_url_enc(b, one);
		}
	}
	tm_buf_addch(b, '?');
	struct self_ctx c = { b };
	if (req->conn && req->method && strcmp(req->method, "POST") != 0)
		MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, self_arg, &c);
	tm_buf_addf(b, "lang=%s", lang);
}

static const char *lang_value(const char *ui)
{
	return strcmp(ui, "zh-Hant") == 0 ? "zh-Hant" : strcmp(ui, "zh-Hans") == 0 ? "zh" : "en";
}

/* The switch to the other two languages, each named in itself. */
static void lang_switch(tm_req *req, tm_buf *b)
{
	static const struct {
		const char *ui, *name;
	} langs[] = { { "en", "English" }, { "zh-Hans", "简体中文" }, { "zh-Hant", "繁體中文" } };
	tm_html(b, "<ul class=\"lang-switch\" aria-label=\"%s\">", T("nav.languages"));
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++) {
		if (strcmp(langs[i].ui, req->ui) == 0)
			continue;
		tm_buf u = TM_BUF_INIT;
		self_url(req, &u, lang_value(langs[i].ui));
		tm_html(b, "<li><a href=\"%s\" hreflang=\"%r\" lang=\"%r\">%s</a></li>", u.buf, langs[i].ui, langs[i].ui,
			langs[i].name);
		tm_buf_release(&u);
	}
	tm_buf_adds(b, "</ul>\n");
}

void tm_page_begin(tm_req *req, const char *title)
{
	/* the title "cite this page" names */
	free(req->title);
	req->title = tm_xstrdup(title ? title : "");
	const tm_asset *css = tm_asset_find("site.css");
	const char *la = tm_page_lang_arg(req);
	tm_buf *b = &req->body;
	tm_buf_reset(b);
	int from_host = 0;
	char *base = tm_page_public_base(req, &from_host);
	tm_buf here = TM_BUF_INIT;
	self_url(req, &here, lang_value(req->ui));
	const char *desc = req->page.desc && *req->page.desc ? req->page.desc : T("site.description");
	char today[16];
	time_t now = time(NULL);
	struct tm tmv;
	gmtime_r(&now, &tmv);
	strftime(today, sizeof(today), "%Y-%m-%d", &tmv);
	tm_html(b,
		"<!DOCTYPE html>\n<html lang=\"%r\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"referrer\" content=\"%r\">\n"
		"<title>%s — %s</title>\n"
		"<meta name=\"description\" content=\"%s\">\n",
		req->ui, tm_req_referrer_policy(req), title ? title : "", T("site.title"), desc);
	if (req->page.noindex || (req->r_status && req->r_status != 200))
		tm_buf_adds(b, "<meta name=\"robots\" content=\"noindex\">\n");
	/* the canonical address and what a shared link shows (Open Graph) */
	if (base) {
		tm_html(b,
			"<link rel=\"canonical\" href=\"%s%s\">\n"
			"<meta property=\"og:type\" content=\"%r\">\n<meta property=\"og:site_name\" content=\"%s\">\n"
			"<meta property=\"og:title\" content=\"%s\">\n<meta property=\"og:description\" content=\"%s\">\n"
			"<meta property=\"og:url\" content=\"%s%s\">\n<meta property=\"og:locale\" content=\"%r\">\n",
			base, here.buf, req->page.article ? "article" : "website", T("site.title"), title ? title : "",
			desc, base, here.buf,
			strcmp(req->ui, "zh-Hant") == 0 ? "zh_TW" : tm_page_zh(req) ? "zh_CN" : "en_GB");
	}
	/* the same page in the other languages */
	static const char *const uis[] = { "en", "zh-Hans", "zh-Hant" };
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(uis[i], req->ui) == 0)
			continue;
		tm_buf u = TM_BUF_INIT;
		self_url(req, &u, lang_value(uis[i]));
		tm_html(b, "<link rel=\"alternate\" hreflang=\"%r\" href=\"%s%s\">\n", uis[i], base ? base : "", u.buf);
		tm_buf_release(&u);
	}
	if (req->page.feed)
		tm_html(b, "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"%s\" href=\"/feed.atom?%r\">\n",
			T("actions.feed"), la);
	tm_html(b,
		/* the id tells cytoscape.js that its one CSS rule is here
		 * already, so that it adds no <style> the CSP would refuse */
		"<link rel=\"stylesheet\" id=\"__________cytoscape_stylesheet\" href=\"/static/site.css?v=%s\">\n"
		"<link rel=\"stylesheet\" media=\"print\" href=\"/print.css\">\n"
		"<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
		"<link rel=\"license\" href=\"/about?%r#licence\">\n"
		"</head>\n<body>\n"
		"<a class=\"skip\" href=\"#main\">%s</a>\n",
		css ? css->hash : "", la, T("nav.skip"));
	/* for paper: what was printed, from where, and when, on every page */
	tm_html(b, "<div class=\"print-head\" aria-hidden=\"true\"><span>%s</span> <span class=\"print-url\">%s%s</span> "
		   "<span>%s <time datetime=\"%s\">%s</time></span></div>\n",
		T("site.title"), base ? base : "", here.buf, T("print.date"), today, today);
	tm_html(b,
		"<header class=\"site-header\">\n<div class=\"bar\">\n"
		"<a class=\"brand\" href=\"/?%r\">tiemap <span lang=\"zh-Hans\">关联图谱</span></a>\n"
		"<nav aria-label=\"%s\"><ul>"
		"<li><a href=\"/?%r\">%s</a></li>"
		"<li><a href=\"/entities?%r\">%s</a></li>"
		"<li><a href=\"/path?%r\">%s</a></li>"
		"<li><a href=\"/actions?%r\">%s</a></li>"
		"<li><a href=\"/digest?%r\">%s</a></li>"
		"<li><a href=\"/petitions?%r\">%s</a></li>"
		"<li><a href=\"/map?%r\">%s</a></li>"
		"<li><a href=\"/screen?%r\">%s</a></li>"
		"<li><a href=\"/api/v1\">%s</a></li>"
		"</ul></nav>\n",
		la, T("nav.label"), la, T("nav.home"), la, T("nav.browse"), la, T("nav.path"), la, T("nav.actions"), la,
		T("nav.digest"), la, T("nav.petitions"), la, T("nav.map"), la, T("nav.screen"), T("nav.api"));
	lang_switch(req, b);
	tm_page_user_box(req, b);
	tm_html(b,
		"</div>\n"
		"<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">"
		"<label for=\"site-q\">%s</label>"
		"<input id=\"site-q\" name=\"q\" type=\"search\" maxlength=\"200\" value=\"%s\" "
		"placeholder=\"%s\">"
		"<input type=\"hidden\" name=\"lang\" value=\"%r\">"
		"<button type=\"submit\">%s</button></form>\n"
		"</header>\n<main id=\"main\" tabindex=\"-1\">\n",
		T("search.label"),
		req->route && strcmp(req->route->pattern, "/search") == 0 && tm_req_arg(req, "q") ? tm_req_arg(req, "q") : "",
		T("search.placeholder"), lang_value(req->ui), T("search.button"));
	tm_buf_release(&here);
	free(base);
}

void tm_page_day(tm_req *req, const char *day)
{
	if (day && *day)
		tm_html(&req->body, "<time datetime=\"%s\">%s</time>", day, day);
}

/* "Cite this page": the title, the site, the permalink (absolute when the
 * operator gave the site's address, else the path) and a date: the last
 * change of what the page shows when it knows it, else the day of the data
 * it was made from. */
static void cite_line(tm_req *req)
{
	/* the operator's address of the site (checked at start), never a
	 * client's Host header: a citation outlives the request */
	const char *base = tm_req_base_configured(req);
	tm_buf url = TM_BUF_INIT;
	if (base)
		tm_buf_adds(&url, base);
	self_url(req, &url, lang_value(req->ui));
	char day[11] = "";
	const char *label = T("cite.changed");
	if (req->cite_date[0]) {
		memcpy(day, req->cite_date, sizeof(day));
	} else if (req->snap) {
		struct tm tm;
		gmtime_r(&req->snap->loaded, &tm);
		strftime(day, sizeof(day), "%Y-%m-%d", &tm);
		label = T("cite.data");
	}
	/* the permalink is an address, not text to translate */
	tm_html(&req->body,
		"<p class=\"cite-page\"><span class=\"cite-label\">%s</span> %s%s%s%s%s<a href=\"%s\" translate=\"no\">%s</a>%s",
		T("cite.title"), T("cite.open"), req->title ? req->title : "", T("cite.close"), T("site.title"),
		T("cite.sep"), url.buf, url.buf, T("cite.sep"));
	if (day[0]) {
		tm_html(&req->body, "%s ", label);
		tm_page_day(req, day);
	}
	tm_html(&req->body, "%s</p>\n", T("cite.end"));
	tm_buf_release(&url);
}

void tm_page_end(tm_req *req)
{
	const char *lic_name, *lic_url;
	tm_http_licence(req->srv ? tm_http_server_opts(req->srv)->licence : NULL, &lic_name, &lic_url);
	tm_buf_adds(&req->body, "</main>\n<footer class=\"site-footer\">\n");
	cite_line(req);
	tm_html(&req->body, "<p class=\"licence\">%s ", T("footer.licence"));
	if (lic_url)
		tm_html(&req->body, "<a rel=\"license\" href=\"%s\">%s</a>", lic_url, lic_name);
	else
		tm_html(&req->body, "%s", lic_name);
	tm_html(&req->body,
		"%s</p>\n<p>%s <a href=\"/about?%r\">%s</a></p>\n<p>%s <a href=\"/api/v1/export.jsonl\">%s</a> · "
		"<a href=\"/api/v1\">%s</a> · <a href=\"/sources?%r\">%s</a> · <a href=\"/guide?%r\">%s</a></p>\n",
		T("footer.quotes"), T("footer.about"), tm_page_lang_arg(req), T("footer.method"), T("footer.data"),
		T("footer.export"), T("footer.api"), tm_page_lang_arg(req), T("footer.sources"), tm_page_lang_arg(req),
		T("footer.guide"));
	/* the way in for editors; a reader who never follows it gets no cookie */
	if (req->who.role == TM_ROLE_NONE)
		tm_html(&req->body, "<p class=\"editors\">%s <a href=\"/login?%r\" rel=\"nofollow\">%s</a></p>\n",
			T("footer.editors"), tm_page_lang_arg(req), T("nav.login"));
	tm_buf_adds(&req->body, "</footer>\n</body>\n</html>\n");
	if (!req->r_status)
		req->r_status = MHD_HTTP_OK;
	req->r_type = "text/html; charset=utf-8";
}

/* ---- footnotes ---- */

void tm_notes_init(tm_notes *n)
{
	n->cites = json_array();
}

void tm_notes_release(tm_notes *n)
{
	json_decref(n->cites);
	n->cites = NULL;
}

static size_t note_number(tm_notes *n, json_t *cite)
{
	const char *id = json_string_value(json_object_get(cite, "id"));
	size_t i;
	json_t *c;
	json_array_foreach(n->cites, i, c) {
		const char *cid = json_string_value(json_object_get(c, "id"));
		if (id && cid && strcmp(id, cid) == 0)
			return i + 1;
	}
	json_array_append(n->cites, cite); /* a new reference: the caller keeps its own */
	return json_array_size(n->cites);
}

/* The mark of a source whose title and URL nobody has seen. */
static void unchecked_mark(tm_req *req, json_t *cite)
{
	if (!json_is_true(json_object_get(cite, "checked")))
		tm_html(&req->body, " <span class=\"unchecked\">%s</span>", T("source.unchecked_mark"));
}

void tm_page_marks(tm_req *req, tm_notes *n, json_t *sources)
{
	size_t count = json_array_size(sources);
	if (!count) {
		tm_html(&req->body, " <span class=\"unsourced\">(%s)</span>", T("claim.unsourced"));
		return;
	}
	size_t *num = tm_xcalloc(count, sizeof(size_t));
	tm_buf_adds(&req->body, "<sup class=\"marks\">");
	for (size_t i = 0; i < count; i++) {
		json_t *c = json_array_get(sources, i);
		const char *id = json_string_value(json_object_get(c, "id"));
		num[i] = note_number(n, c);
		int seen = 0;
		/* one mark per source, even when a claim quotes it twice */
		for (size_t k = 0; k < i && id; k++) {
			const char *kid = json_string_value(json_object_get(json_array_get(sources, k), "id"));
			seen |= kid && strcmp(kid, id) == 0;
		}
		if (seen)
			continue;
		tm_html(&req->body, "<a class=\"fn\" href=\"#fn-%zu\" aria-label=\"%s %zu\">[%zu]</a>", num[i], T("notes.mark"),
			num[i], num[i]);
	}
	tm_buf_adds(&req->body, "</sup>");
	/* the words each source says it in, where the claim quotes them; and the
	 * sources nobody checked, marked where they are cited */
	int open = 0;
	for (size_t i = 0; i < count; i++) {
		json_t *c = json_array_get(sources, i);
		const char *quote = json_string_value(json_object_get(c, "quote"));
		const char *page = json_string_value(json_object_get(c, "page"));
		int checked = json_is_true(json_object_get(c, "checked"));
		if (!quote && !page && checked)
			continue;
		if (!open++)
			tm_buf_adds(&req->body, "<ul class=\"evidence\">");
		tm_buf_adds(&req->body, "<li>");
		if (quote) {
			/* the quote is in its source's words, and says which */
			tm_buf_adds(&req->body, "<q");
			tm_page_lang_attr(req, tm_text_mostly_han(quote) ? "zh-Hans" : "en");
			tm_html(&req->body, ">%s</q>", quote);
		}
		if (page)
			tm_html(&req->body, " <span class=\"loc\">(%s)</span>", page);
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *title = json_string_value(json_object_get(c, "title"));
		tm_html(&req->body, "%r<a class=\"src\" href=\"/sources/%q?%r\">%s</a> <a class=\"fn\" href=\"#fn-%zu\">[%zu]</a>",
			quote || page ? " — " : "", id ? id : "", tm_page_lang_arg(req), title ? title : id ? id : "", num[i],
			num[i]);
		unchecked_mark(req, c);
		tm_buf_adds(&req->body, "</li>");
	}
	if (open)
		tm_buf_adds(&req->body, "</ul>");
	free(num);
}

void tm_page_notes(tm_req *req, tm_notes *n)
{
	tm_buf *b = &req->body;
	size_t i;
	json_t *c;
	if (!json_array_size(n->cites))
		return;
	tm_html(b, "<section class=\"notes\" aria-labelledby=\"notes-h\">\n<h2 id=\"notes-h\">%s</h2>\n<ol>\n",
		T("notes.title"));
	json_array_foreach(n->cites, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));
		const char *title = json_string_value(json_object_get(c, "title"));
		const char *pub = json_string_value(json_object_get(c, "publisher"));
		const char *date = json_string_value(json_object_get(c, "date"));
		const char *url = json_string_value(json_object_get(c, "url"));
		tm_html(b, "<li id=\"fn-%zu\"><a class=\"source-link\" href=\"/sources/%q?%r\"", i + 1, id ? id : "",
			tm_page_lang_arg(req));
		tm_page_lang_attr(req, title && tm_text_has_han(title) ? "zh-Hans" : "en");
		tm_html(b, ">%s</a>", title ? title : id);
		if (pub) {
			tm_buf_adds(b, ", <span");
			tm_page_lang_attr(req, tm_text_has_han(pub) ? "zh-Hans" : "en");
			tm_html(b, ">%s</span>", pub);
		}
		if (date)
			tm_html(b, ", <time>%s</time>", date);
		/* only web addresses become links: a javascript: or data: URL in
		 * the data stays text */
		if (tm_url_http(url))
			tm_html(b, ". <a class=\"ext\" href=\"%s\" rel=\"noreferrer noopener external\">%s</a>", url, url);
		else if (url)
			tm_html(b, ". %s", url);
		unchecked_mark(req, c);
		const char *accessed = json_string_value(json_object_get(c, "accessed"));
		if (accessed) {
			tm_html(b, " <span class=\"accessed\">%s ", T("source.accessed_on"));
			tm_page_day(req, accessed);
			tm_buf_adds(b, "</span>");
		}
		tm_buf_adds(b, "</li>\n");
	}
	tm_buf_adds(b, "</ol>\n</section>\n");
}
