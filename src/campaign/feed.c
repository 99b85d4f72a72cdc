/*
 * Atom 1.0 feeds (RFC 4287) of the latest actions, one per language.
 *
 * What the RFC requires and how it is met:
 *   - feed: atom:id, atom:title, atom:updated, an atom:author (the feed's,
 *     which every entry inherits), and a rel="self" link (§4.2.7.2, SHOULD);
 *   - entry: atom:id, atom:title, atom:updated, a rel="alternate" link (an
 *     entry without content MUST have one; these have both), atom:content;
 *   - ids are IRIs that never change for an entry and differ between the two
 *     languages: the action's page in that language;
 *   - dates are RFC 3339 in UTC ("2024-02-28T10:00:00Z"): an entry's is when
 *     its record last changed, the feed's the latest of them.
 */

#include "campaign/campaign_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

static void now_rfc3339(char out[24])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The entry's content as HTML, which the feed then escapes once more. */
static void entry_html(tm_store *st, const tm_action *a, const char *lang, const char *base, tm_buf *h)
{
	int zh = strcmp(lang, "zh") == 0;
	const char *colon = zh ? "：" : ": ", *comma = zh ? "、" : ", ";
	tm_buf_adds(h, "<p>");
	tm_buf when = TM_BUF_INIT;
	tm_buf_adds(&when, tm_vocab_label(tm_action_kinds, tm_n_action_kinds, a->kind, lang));
	tm_buf_adds(&when, zh ? "，" : ", ");
	tm_campaign_date_words(&when, a->date, lang);
	const char *place = tm_bitext_pick(&a->place, lang, NULL);
	if (place)
		tm_buf_addf(&when, "%s%s", zh ? "，" : ", ", place);
	if (a->country) {
		tm_buf_adds(&when, zh ? "，" : ", ");
		tm_campaign_country_name(a->country, lang, &when);
	}
	tm_html_esc(h, when.buf);
	tm_buf_release(&when);
	tm_buf_adds(h, "</p>\n");
	int translated;
	const char *summary = tm_bitext_pick(&a->summary, lang, &translated);
	if (summary) {
		tm_buf_addf(h, "<p%s>", translated ? "" : zh ? " lang=\"en\"" : " lang=\"zh-Hans\"");
		tm_html_esc(h, summary);
		tm_buf_adds(h, "</p>\n");
	}
	tm_buf_adds(h, "<ul>\n");
	const char *outcome = tm_bitext_pick(&a->outcome, lang, NULL);
	if (outcome) {
		tm_buf_addf(h, "<li>%s%s", zh ? "结果" : "Outcome", colon);
		tm_html_esc(h, outcome);
		tm_buf_adds(h, "</li>\n");
	}
	const tm_parties *lists[2] = { &a->targets, &a->actors };
	const char *labels[2] = { zh ? "对象" : "Targets", zh ? "参与者" : "Actors" };
	for (int l = 0; l < 2; l++) {
		if (!lists[l]->n)
			continue;
		tm_buf_addf(h, "<li>%s%s", labels[l], colon);
		for (size_t i = 0; i < lists[l]->n; i++) {
			tm_buf name = TM_BUF_INIT;
			const char *entity;
			tm_campaign_party_label(st, &lists[l]->v[i], lang, &name, &entity);
			if (i)
				tm_buf_adds(h, comma);
			if (entity) {
				tm_buf_addf(h, "<a href=\"%s/entities/", base);
				tm_html_esc(h, entity);
				tm_buf_addf(h, "?lang=%s\">", lang);
			}
			tm_html_esc(h, name.buf);
			if (entity)
				tm_buf_adds(h, "</a>");
			tm_buf_release(&name);
		}
		tm_buf_adds(h, "</li>\n");
	}
	tm_buf_addf(h, "<li>%s%s", zh ? "来源" : "Sources", colon);
	for (size_t i = 0; i < a->cites.n; i++) {
		tm_buf label = TM_BUF_INIT;
		char *url;
		int checked;
		tm_campaign_source_label(st, &a->cites.v[i], 0, &label, &url, &checked);
		if (i)
			tm_buf_adds(h, zh ? "；" : "; ");
		tm_buf_adds(h, "<a href=\"");
		if (url) {
			tm_html_esc(h, url);
		} else {
			tm_buf_addf(h, "%s/sources/", base);
			tm_html_esc(h, a->cites.v[i].source);
			tm_buf_addf(h, "?lang=%s", lang);
		}
		tm_buf_adds(h, "\">");
		tm_html_esc(h, label.buf);
		tm_buf_adds(h, "</a>");
		if (a->cites.v[i].quote) {
			tm_buf_adds(h, zh ? "（“" : " (“");
			tm_html_esc(h, a->cites.v[i].quote);
			tm_buf_adds(h, "”");
			if (a->cites.v[i].page) {
				tm_buf_adds(h, zh ? "，" : ", ");
				tm_html_esc(h, a->cites.v[i].page);
			}
			tm_buf_adds(h, zh ? "）" : ")");
		}
		if (!checked)
			tm_buf_adds(h, zh ? "（来源未核实）" : " (source not checked)");
		free(url);
		tm_buf_release(&label);
	}
	tm_buf_adds(h, "</li>\n</ul>\n");
}

tm_rc tm_feed_render(tm_store *st, const tm_feed_opts *o, tm_buf *out, tm_err *err)
{
	const char *lang = o->lang ? o->lang : "zh";
	if (strcmp(lang, "zh") != 0 && strcmp(lang, "en") != 0)
		return tm_fail(err, TM_ERR_INVALID, "bad language '%.20s': a feed is zh or en", lang);
	const char *base = o->base_url;
	tm_rc brc = tm_campaign_base_url(base, err);
	if (brc)
		return brc;
	int zh = strcmp(lang, "zh") == 0;

	tm_campaign_items items;
	tm_action_filter f = { .newest_first = 1, .limit = o->limit ? o->limit : 50 };
	tm_rc rc = tm_campaign_collect(st, &f, &items, err);
	if (rc)
		return rc;
	char updated[24] = "";
	for (size_t i = 0; i < items.n; i++)
		if (strcmp(items.v[i].updated, updated) > 0)
			memcpy(updated, items.v[i].updated, sizeof(updated));
	if (!updated[0])
		now_rfc3339(updated);

	tm_buf_adds(out, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
	tm_buf_addf(out, "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"%s\">\n", zh ? "zh-Hans" : "en");
	tm_buf_adds(out, "  <id>");
	tm_html_esc(out, base);
	tm_buf_addf(out, "/feed.atom?lang=%s</id>\n", lang);
	tm_buf_addf(out, "  <title>%s</title>\n", zh ? "tiemap 关联图谱：行动" : "tiemap: actions");
	tm_buf_addf(out, "  <subtitle>%s</subtitle>\n",
		    zh ? "抵制、撤资和抗议行动，附来源" : "Boycott, divestment and protest actions, with their sources");
	tm_buf_addf(out, "  <updated>%s</updated>\n", updated);
	tm_buf_adds(out, "  <link rel=\"self\" type=\"application/atom+xml\" href=\"");
	tm_html_esc(out, base);
	tm_buf_addf(out, "/feed.atom?lang=%s\"/>\n", lang);
	tm_buf_adds(out, "  <link rel=\"alternate\" type=\"text/html\" href=\"");
	tm_html_esc(out, base);
	tm_buf_addf(out, "/actions?lang=%s\"/>\n", lang);
	tm_buf_adds(out, "  <author><name>tiemap</name></author>\n");
	tm_buf_adds(out, "  <generator>tiemap</generator>\n");

	for (size_t i = 0; i < items.n; i++) {
		const tm_action *a = &items.v[i].a;
		tm_buf url = TM_BUF_INIT, title = TM_BUF_INIT, html = TM_BUF_INIT;
		tm_html_esc(&url, base);
		tm_buf_adds(&url, "/actions/");
		tm_html_esc(&url, a->id);
		tm_buf_addf(&url, "?lang=%s", lang);
		int translated;
		const char *t = tm_bitext_pick(&a->title, lang, &translated);
		if (!translated)
			tm_buf_adds(&title, zh ? "[未翻译] " : "[untranslated] ");
		tm_buf_adds(&title, t);
		entry_html(st, a, lang, base, &html);

		tm_buf_adds(out, "  <entry>\n");
		tm_buf_addf(out, "    <id>%s</id>\n", url.buf);
		tm_buf_adds(out, "    <title>");
		tm_html_esc(out, title.buf);
		tm_buf_adds(out, "</title>\n");
		tm_buf_addf(out, "    <link rel=\"alternate\" type=\"text/html\" hreflang=\"%s\" href=\"%s\"/>\n",
			    zh ? "zh-Hans" : "en", url.buf);
		tm_buf_addf(out, "    <updated>%s</updated>\n", items.v[i].updated);
		tm_buf_addf(out, "    <category term=\"%s\" label=\"", a->kind);
		tm_html_esc(out, tm_vocab_label(tm_action_kinds, tm_n_action_kinds, a->kind, lang));
		tm_buf_adds(out, "\"/>\n");
		tm_buf_adds(out, "    <content type=\"html\">");
		tm_html_esc(out, html.buf);
		tm_buf_adds(out, "</content>\n");
		tm_buf_adds(out, "  </entry>\n");
		tm_buf_release(&url);
		tm_buf_release(&title);
		tm_buf_release(&html);
	}
	tm_buf_adds(out, "</feed>\n");
	tm_campaign_items_release(&items);
	return TM_OK;
}
