/*
 * /digest/2024-W09: the week's digest as a page, in the page's language (or
 * both, with ?pair=1), with the weeks before and after; /digest/2024-W09.md
 * and .txt give the Markdown to paste into Substack and the plain text, with
 * absolute links (see tm_page_public_base).
 */
#include "http/page_campaign.h"

#include <stdlib.h>
#include <string.h>

#include "campaign/campaign.h"

void tm_http_page_digest(tm_req *req)
{
	/* the petitions' counts of the week in progress move with each signature */
	req->r_live = 1;
	const char *arg = tm_req_param(req, "week");
	char wk_text[16] = "";
	tm_digest_format format = TM_DIGEST_HTML;
	size_t n = arg ? strlen(arg) : 0;
	if (n > 3 && strcmp(arg + n - 3, ".md") == 0) {
		format = TM_DIGEST_MD;
		n -= 3;
	} else if (n > 4 && strcmp(arg + n - 4, ".txt") == 0) {
		format = TM_DIGEST_TXT;
		n -= 4;
	}
	if (n < sizeof(wk_text))
		memcpy(wk_text, arg, n);
	tm_week week;
	if (!n || n >= sizeof(wk_text) || tm_week_parse(wk_text, &week, NULL)) {
		tm_req_fail(req, 404, "not_found", "%s", T("digest.bad_week"));
		return;
	}
	const char *pair = tm_req_arg(req, "pair");
	int both = pair && strcmp(pair, "1") == 0;
	tm_digest_opts o = { .week = week, .lang = both ? "both" : req->lang, .format = format };
	tm_err err = { 0 };
	if (format != TM_DIGEST_HTML) {
		/* text leaves the site: its links must say where the site is */
		int from_host;
		char *base = tm_page_public_base(req, &from_host);
		if (!base) {
			tm_req_fail(req, 400, "bad_host", "%s", T("digest.bad_host"));
			return;
		}
		o.base_url = base;
		tm_buf_reset(&req->body);
		if (tm_digest_render(req->st, &o, &req->body, NULL, NULL, &err)) {
			free(base);
			tm_req_fail_err(req, &err);
			return;
		}
		free(base);
		req->r_nocache = from_host;
		req->r_status = 200;
		req->r_type = format == TM_DIGEST_MD ? "text/markdown; charset=utf-8" : "text/plain; charset=utf-8";
		return;
	}
	o.base_url = "";
	o.html_fragment = 1;
	tm_buf html = TM_BUF_INIT;
	if (tm_digest_render(req->st, &o, &html, NULL, NULL, &err)) {
		tm_buf_release(&html);
		tm_req_fail_err(req, &err);
		return;
	}
	char wk[16], prev[16], next[16];
	tm_week_format(week, wk);
	tm_day monday = tm_week_monday(week);
	tm_week_format(tm_week_of(monday - 7), prev);
	tm_week_format(tm_week_of(monday + 7), next);
	tm_buf title = TM_BUF_INIT;
	tm_buf_addf(&title, "%s %s", T("digest.title"), wk);
	tm_page_begin(req, title.buf);
	tm_buf *b = &req->body;
	const char *pair_arg = both ? "&amp;pair=1" : "";
	tm_html(b,
		"<nav class=\"weeks\" aria-label=\"%s\"><a rel=\"prev\" href=\"/digest/%s?%r%r\">← %s</a> · "
		"<a rel=\"next\" href=\"/digest/%s?%r%r\">%s →</a> · <a href=\"/digest/%s?%r%r\">%s</a> · "
		"<a href=\"/digest/%s.md?%r%r\">%s</a> · <a href=\"/digest/%s.txt?%r%r\">%s</a> · "
		"<a href=\"/actions?%r\">%s</a></nav>\n",
		T("digest.weeks"), prev, tm_page_lang_arg(req), pair_arg, T("digest.prev"), next, tm_page_lang_arg(req),
		pair_arg, T("digest.next"), wk, tm_page_lang_arg(req), both ? "" : "&amp;pair=1",
		both ? T("digest.one_lang") : T("digest.pair"), wk, tm_page_lang_arg(req), pair_arg, T("digest.markdown"),
		wk, tm_page_lang_arg(req), pair_arg, T("digest.text"), tm_page_lang_arg(req), T("nav.actions"));
	tm_html(b, "<div class=\"digest\">\n%r</div>\n", html.buf);
	tm_buf_release(&html);
	tm_buf_release(&title);
	tm_page_end(req);
}
