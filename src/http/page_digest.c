/*
 * /digest: the archive, every week that has actions with how many, newest
 * first, 52 a page.  /digest/2024-W09: the week's digest as a page, in the
 * page's language (or both, with ?pair=1: Chinese first on a Chinese page),
 * with the weeks before and after, and the archive when the week is empty;
 * /digest/2024-W09.md and .txt give the Markdown to paste into Substack and
 * the plain text, with absolute links (see tm_page_public_base).
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
	tm_digest_opts o = { .week = week, .lang = both ? (tm_page_zh(req) ? "zh+en" : "both") : req->lang, .format = format };
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
	tm_digest_counts counts;
	if (tm_digest_render(req->st, &o, &html, NULL, &counts, &err)) {
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
	req->page.feed = 1;
	req->page.article = 1;
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
	if (!counts.actions)
		tm_html(b, "<p class=\"empty-week\">%s <a href=\"/digest?%r\">%s</a></p>\n", T("digest.empty_week"),
			tm_page_lang_arg(req), T("digest.archive"));
	/* the digest speaks Simplified Chinese (its words and the data's):
	 * marked so on a Traditional page; paired, each part says its own */
	tm_html(b, "<div class=\"digest\"%r>\n%r</div>\n",
		!both && strcmp(req->ui, "zh-Hant") == 0 ? " lang=\"zh-Hans\"" : "", html.buf);
	tm_buf_release(&html);
	tm_buf_release(&title);
	tm_page_end(req);
}

#define WEEKS_PER_PAGE 52

void tm_http_page_digests(tm_req *req)
{
	long page;
	if (tm_req_int_arg(req, "page", 1, 1, 100000, &page))
		return;
	tm_digest_weeks weeks;
	tm_err err = { 0 };
	if (tm_digest_list_weeks(req->st, &weeks, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	req->page.feed = 1;
	req->page.desc = T("digest.archive_desc");
	tm_page_begin(req, T("digest.archive"));
	tm_buf *b = &req->body;
	const char *la = tm_page_lang_arg(req);
	tm_html(b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n<p class=\"actions-links\"><a href=\"/feed.atom?%r\" "
		   "type=\"application/atom+xml\">%s</a> · <a href=\"/actions?%r\">%s</a></p>\n",
		T("digest.archive"), T("digest.archive_desc"), la, T("actions.feed"), la, T("nav.actions"));
	size_t from = (size_t)(page - 1) * WEEKS_PER_PAGE;
	if (!weeks.n) {
		tm_html(b, "<p>%s</p>\n", T("digest.no_weeks"));
	} else {
		tm_html(b, "<ol class=\"weeks-list\">\n");
		for (size_t i = from; i < weeks.n && i < from + WEEKS_PER_PAGE; i++) {
			char wk[16], mon[TM_DATE_MAX], sun[TM_DATE_MAX], n[24];
			tm_week_format(weeks.v[i].week, wk);
			tm_day monday = tm_week_monday(weeks.v[i].week);
			tm_day_format(monday, mon);
			tm_day_format(monday + 6, sun);
			snprintf(n, sizeof(n), "%lld", (long long)weeks.v[i].actions);
			tm_buf range = TM_BUF_INIT, words = TM_BUF_INIT, count = TM_BUF_INIT;
			tm_campaign_date_words(&range, mon, req->lang);
			tm_buf_adds(&range, " – ");
			tm_campaign_date_words(&range, sun, req->lang);
			tm_i18n_fill(&count, T(weeks.v[i].actions == 1 ? "digest.one_action" : "digest.n_actions"), n, NULL, NULL);
			tm_html(b, "<li data-week=\"%s\"><a href=\"/digest/%s?%r\">%s %s</a> <span class=\"range\">%s</span> "
				   "<span class=\"n\">%s</span></li>\n",
				wk, wk, la, T("digest.week"), wk, range.buf, count.buf);
			tm_buf_release(&range);
			tm_buf_release(&words);
			tm_buf_release(&count);
		}
		tm_buf_adds(b, "</ol>\n");
	}
	if (page > 1 || from + WEEKS_PER_PAGE < weeks.n) {
		tm_html(b, "<nav class=\"pages\" aria-label=\"%s\">", T("actions.page"));
		if (page > 1)
			tm_html(b, "<a rel=\"prev\" href=\"/digest?%r&amp;page=%ld\">%s</a> ", la, page - 1, T("actions.prev"));
		if (from + WEEKS_PER_PAGE < weeks.n)
			tm_html(b, "<a rel=\"next\" href=\"/digest?%r&amp;page=%ld\">%s</a>", la, page + 1, T("actions.next"));
		tm_buf_adds(b, "</nav>\n");
	}
	tm_digest_weeks_release(&weeks);
	tm_page_end(req);
}
