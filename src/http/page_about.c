/*
 * The about page: what the site says and does not, how flags work, how to
 * have a claim corrected.  The text is the data's (a `page` record with the
 * id "about", docs/format.md), in both languages, so that the network that
 * runs a site writes it, and an export carries it; the table of involvement
 * categories under it comes from the vocabulary (model.h), with the anchor
 * each category is taken from.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

#include "model/model.h"

/* Plain text to HTML: blocks split by blank lines; a block starting "## " is
 * a heading; in a block, lines starting "- " are a list, the others text.
 * Everything is escaped: the text is data. */
static void render_text(tm_req *req, const char *text)
{
	tm_buf *b = &req->body;
	const char *p = text;
	while (*p) {
		while (*p == '\n')
			p++;
		if (!*p)
			break;
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		char *block = tm_xstrndup(p, n);
		if (strncmp(block, "## ", 3) == 0) {
			tm_html(b, "<h2>%s</h2>\n", block + 3);
		} else {
			int in_list = 0, in_p = 0;
			for (char *line = block, *nl; line; line = nl ? nl + 1 : NULL) {
				nl = strchr(line, '\n');
				if (nl)
					*nl = '\0';
				int item = strncmp(line, "- ", 2) == 0;
				if (item && !in_list) {
					tm_buf_adds(b, in_p ? "</p>\n<ul>\n" : "<ul>\n");
					in_p = 0;
					in_list = 1;
				} else if (!item && in_list) {
					tm_buf_adds(b, "</ul>\n");
					in_list = 0;
				}
				if (item) {
					tm_html(b, "<li>%s</li>\n", line + 2);
				} else {
					tm_buf_adds(b, in_p ? " " : "<p>");
					tm_html(b, "%s", line);
					in_p = 1;
				}
			}
			tm_buf_adds(b, in_list ? "</ul>\n" : in_p ? "</p>\n" : "");
		}
		free(block);
		p += n;
	}
}

void tm_http_page_about(tm_req *req)
{
	int zh = tm_page_zh(req);
	tm_page page;
	tm_err err = { 0 };
	tm_rc rc = tm_store_get_page(req->st, "about", &page, &err);
	if (rc && rc != TM_ERR_NOTFOUND) {
		tm_req_fail_err(req, &err);
		return;
	}
	const char *title = !rc ? (zh && page.title_zh ? page.title_zh : page.title_en ? page.title_en : page.title_zh) :
				  T("about.title");
	const char *body = !rc ? (zh && page.body_zh ? page.body_zh : page.body_en ? page.body_en : page.body_zh) : NULL;
	/* a text missing in the page's language falls back on the other one, marked */
	int translated = !rc && (zh ? page.body_zh != NULL : page.body_en != NULL);
	tm_page_begin(req, title);
	tm_buf *b = &req->body;
	tm_html(b, "<article class=\"about\">\n<h1>%s</h1>\n", title);
	if (body) {
		if (!translated)
			tm_html(b, "<p class=\"untranslated\">%s</p>\n", T("actions.untranslated"));
		/* the text as the data holds it (Simplified, on a Traditional page) */
		tm_buf_adds(b, "<div");
		tm_page_lang_attr(req, translated && zh ? "zh-Hans" : zh ? "en" : translated ? "en" : "zh-Hans");
		tm_buf_adds(b, ">\n");
		render_text(req, body);
		tm_buf_adds(b, "</div>\n");
	} else {
		tm_html(b, "<p>%s</p>\n", T("about.missing"));
	}
	/* the vocabulary, from the code that screening reads */
	tm_html(b, "<section id=\"categories\" aria-labelledby=\"cat-h\">\n<h2 id=\"cat-h\">%s</h2>\n", T("about.categories"));
	const char *context = NULL;
	for (size_t i = 0; i < tm_n_categories; i++) {
		const tm_category *c = &tm_categories[i];
		if (!context || strcmp(context, c->context) != 0) {
			if (context)
				tm_buf_adds(b, "</dl>\n");
			tm_html(b, "<h3>%s</h3>\n<dl class=\"categories\">\n", tm_page_context_label(req, c->context));
			context = c->context;
		}
		/* the label leads to the entities with a claim of the category */
		tm_html(b, "<dt id=\"%s\">", c->id);
		tm_page_category(req, c->id);
		tm_html(b, " <code>%s</code></dt>\n<dd><p>%s</p><p class=\"anchor\">%s %s</p></dd>\n", c->id,
			tm_page_category_def(req, c->id), T("about.anchor"), c->anchor);
	}
	if (context)
		tm_buf_adds(b, "</dl>\n");
	tm_buf_adds(b, "</section>\n");
	const char *lic_name, *lic_url;
	tm_http_licence(req->srv ? tm_http_server_opts(req->srv)->licence : NULL, &lic_name, &lic_url);
	tm_html(b, "<section id=\"licence\" aria-labelledby=\"lic-h\">\n<h2 id=\"lic-h\">%s</h2>\n<p>", T("about.licence"));
	if (lic_url)
		tm_html(b, "<a rel=\"license\" href=\"%s\">%s</a>", lic_url, lic_name);
	else
		tm_html(b, "%s", lic_name);
	tm_html(b, "%s</p>\n</section>\n</article>\n", T("footer.quotes"));
	if (!rc)
		tm_page_release(&page);
	tm_page_end(req);
}
