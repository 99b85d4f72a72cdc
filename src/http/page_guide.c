/*
 * /guide and /guide/{name}: the guides for campaigners (docs/guide in
 * English, docs/zh in Chinese), which the build turns into HTML with cmark
 * and embeds; a Chinese page shows the Chinese guide.  The HTML is the
 * build's own, made from the repository's documents with raw HTML dropped,
 * so it goes into the page as it is.
 */
#include "http/http_internal.h"

#include <stdio.h>
#include <string.h>

void tm_http_page_guide(tm_req *req)
{
	const char *name = tm_req_param(req, "name");
	char path[96];
	size_t n = name ? strlen(name) : 0;
	if (n > 3 && strcmp(name + n - 3, ".md") == 0)
		n -= 3;
	if (name && (!n || n > 40 || strspn(name, "abcdefghijklmnopqrstuvwxyz_-") < n)) {
		tm_req_fail(req, 404, "not_found", "%s", T("guide.unknown"));
		return;
	}
	snprintf(path, sizeof(path), "guide/%s/%.*s.html", tm_page_zh(req) ? "zh" : "en", name ? (int)n : 6,
		 name ? name : "README");
	const tm_asset *a = tm_asset_find(path);
	if (!a) {
		tm_req_fail(req, 404, "not_found", "%s", T("guide.unknown"));
		return;
	}
	req->page.desc = T("guide.desc");
	tm_page_begin(req, T("guide.title"));
	/* the Chinese guides are written in Simplified characters */
	tm_html(&req->body, "<article class=\"guide\"%r>\n", strcmp(req->ui, "zh-Hant") == 0 ? " lang=\"zh-Hans\"" : "");
	/* links between guides ("search.md") become links to their pages */
	const char *p = (const char *)a->data, *end = p + a->len;
	while (p < end) {
		const char *h = strstr(p, "href=\"");
		if (!h) {
			tm_buf_add(&req->body, p, (size_t)(end - p));
			break;
		}
		h += 6;
		tm_buf_add(&req->body, p, (size_t)(h - p));
		size_t k = strspn(h, "abcdefghijklmnopqrstuvwxyz_-");
		if (k && strncmp(h + k, ".md\"", 4) == 0) {
			tm_buf_adds(&req->body, "/guide/");
			tm_buf_add(&req->body, h, k);
			tm_buf_addf(&req->body, "?%s", tm_page_lang_arg(req));
			p = h + k + 3;
		} else {
			p = h;
		}
	}
	tm_html(&req->body, "</article>\n");
	if (name)
		tm_html(&req->body, "<p><a href=\"/guide?%r\">%s</a></p>\n", tm_page_lang_arg(req), T("guide.all"));
	tm_page_end(req);
}
