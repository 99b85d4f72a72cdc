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

#include "model/model.h"

void tm_html_esc(tm_buf *b, const char *s)
{
	if (!s)
		return;
	/* text that holds a bidi control is isolated, so that it cannot
	 * reorder the page around it */
	char *iso = tm_bidi_isolate(s);
	if (iso)
		s = iso;
	const char *run = s;
	for (; *s; s++) {
		const char *rep;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		tm_buf_add(b, run, (size_t)(s - run));
		tm_buf_adds(b, rep);
		run = s + 1;
	}
	tm_buf_add(b, run, (size_t)(s - run));
	free(iso);
}

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
	return tm_i18n(req->lang, key);
}

const char *tm_page_lang_arg(const tm_req *req)
{
	return strcmp(req->lang, "zh") == 0 ? "lang=zh" : "lang=en";
}

const char *tm_page_ref_name(const tm_req *req, json_t *ref)
{
	const char *zh = json_string_value(json_object_get(ref, "name_zh"));
	const char *en = json_string_value(json_object_get(ref, "name"));
	const char *name = strcmp(req->lang, "zh") == 0 && zh ? zh : en;
	return name ? name : json_string_value(json_object_get(ref, "id"));
}

void tm_page_entity_link(tm_req *req, json_t *ref)
{
	const char *id = json_string_value(json_object_get(ref, "id"));
	tm_html(&req->body, "<a href=\"/entities/%q?%r\">%s</a>", id ? id : "", tm_page_lang_arg(req),
		tm_page_ref_name(req, ref));
}

const char *tm_page_kind_label(const tm_req *req, const char *kind)
{
	const tm_kind *k = kind ? tm_kind_find(kind) : NULL;
	if (!k)
		return kind ? kind : "";
	return strcmp(req->lang, "zh") == 0 ? k->label_zh : k->label_en;
}

const char *tm_page_label(const tm_req *req, json_t *o)
{
	const char *s = json_string_value(json_object_get(o, strcmp(req->lang, "zh") == 0 ? "label_zh" : "label"));
	return s ? s : json_string_value(json_object_get(o, "predicate"));
}

/* The current URL with lang set to `lang`: for the language switch. */
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
	/* the query as parsed: every argument but lang, re-encoded */
	static const char *const keep[] = { "q", "from", "to", "max_hops", "depth", "places" };
	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		const char *v = tm_req_arg(req, keep[i]);
		if (!v)
			continue;
		tm_buf_adds(b, keep[i]);
		tm_buf_addch(b, '=');
		tm_url_enc(b, v);
		tm_buf_addch(b, '&');
	}
	tm_buf_addf(b, "lang=%s", lang);
}

void tm_page_begin(tm_req *req, const char *title)
{
	free(req->title);
	req->title = tm_xstrdup(title);
	int zh = strcmp(req->lang, "zh") == 0;
	const char *other = zh ? "en" : "zh";
	tm_buf sw = TM_BUF_INIT;
	self_url(req, &sw, other);
	const tm_asset *css = tm_asset_find("site.css");
	tm_buf *b = &req->body;
	tm_buf_reset(b);
	tm_html(b,
		"<!DOCTYPE html>\n<html lang=\"%r\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<meta name=\"referrer\" content=\"no-referrer\">\n"
		"<title>%s — %s</title>\n"
		/* the id tells cytoscape.js that its one CSS rule is here
		 * already, so that it adds no <style> the CSP would refuse */
		"<link rel=\"stylesheet\" id=\"__________cytoscape_stylesheet\" href=\"/static/site.css?v=%s\">\n"
		"<link rel=\"icon\" href=\"/static/favicon.svg\" type=\"image/svg+xml\">\n"
		"<link rel=\"alternate\" hreflang=\"%r\" href=\"%s\">\n"
		"<link rel=\"license\" href=\"/about?%r#licence\">\n"
		"</head>\n<body>\n"
		"<a class=\"skip\" href=\"#main\">%s</a>\n"
		"<header class=\"site-header\">\n<div class=\"bar\">\n"
		"<a class=\"brand\" href=\"/?%r\">tiemap <span lang=\"zh-Hans\">关联图谱</span></a>\n"
		"<nav aria-label=\"%s\"><ul>"
		"<li><a href=\"/?%r\">%s</a></li>"
		"<li><a href=\"/path?%r\">%s</a></li>"
		"<li><a href=\"/actions?%r\">%s</a></li>"
		"<li><a href=\"/map?%r\">%s</a></li>"
		"<li><a href=\"/screen?%r\">%s</a></li>"
		"<li><a href=\"/api/v1\">%s</a></li>"
		"</ul></nav>\n"
		"<a class=\"lang-switch\" href=\"%s\" hreflang=\"%r\" lang=\"%r\">%s</a>\n"
		"</div>\n"
		"<form class=\"search\" role=\"search\" action=\"/search\" method=\"get\">"
		"<label for=\"site-q\">%s</label>"
		"<input id=\"site-q\" name=\"q\" type=\"search\" maxlength=\"200\" value=\"%s\" "
		"placeholder=\"%s\">"
		"<input type=\"hidden\" name=\"lang\" value=\"%r\">"
		"<button type=\"submit\">%s</button></form>\n"
		"</header>\n<main id=\"main\" tabindex=\"-1\">\n",
		zh ? "zh-Hans" : "en", title, T("site.title"), css ? css->hash : "", zh ? "en" : "zh-Hans", sw.buf,
		tm_page_lang_arg(req), T("nav.skip"), tm_page_lang_arg(req), T("nav.label"), tm_page_lang_arg(req), T("nav.home"),
		tm_page_lang_arg(req), T("nav.path"), tm_page_lang_arg(req), T("nav.actions"), tm_page_lang_arg(req),
		T("nav.map"), tm_page_lang_arg(req), T("nav.screen"), T("nav.api"), sw.buf, zh ? "en" : "zh-Hans",
		zh ? "en" : "zh-Hans", zh ? "English" : "中文", T("search.label"),
		req->route && strcmp(req->route->pattern, "/search") == 0 && tm_req_arg(req, "q") ? tm_req_arg(req, "q") :
												     "",
		T("search.placeholder"), req->lang, T("search.button"));
	tm_buf_release(&sw);
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
	const tm_http_opts *o = req->srv ? tm_http_server_opts(req->srv) : NULL;
	const char *base = o && o->base_url ? o->base_url : getenv("TIEMAP_BASE_URL");
	tm_buf url = TM_BUF_INIT;
	if (base && (strncmp(base, "https://", 8) == 0 || strncmp(base, "http://", 7) == 0)) {
		size_t n = strlen(base);
		while (n && base[n - 1] == '/')
			n--;
		tm_buf_add(&url, base, n);
	}
	self_url(req, &url, req->lang);
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
	tm_html(&req->body, "<p class=\"cite-page\"><span class=\"cite-label\">%s</span> %s%s%s%s%s<a href=\"%s\">%s</a>%s",
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
		"<a href=\"/api/v1\">%s</a></p>\n</footer>\n</body>\n</html>\n",
		T("footer.quotes"), T("footer.about"), tm_page_lang_arg(req), T("footer.method"), T("footer.data"),
		T("footer.export"), T("footer.api"));
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
		if (quote)
			tm_html(&req->body, "<q>%s</q>", quote);
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
		tm_html(b, "<li id=\"fn-%zu\"><a class=\"source-link\" href=\"/sources/%q?%r\">%s</a>", i + 1, id ? id : "",
			tm_page_lang_arg(req), title ? title : id);
		if (pub)
			tm_html(b, ", %s", pub);
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
