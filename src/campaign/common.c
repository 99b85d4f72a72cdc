/*
 * Helpers shared by the digest and the feeds: escaping, dates and country
 * names in words, and the labels of parties and sources.
 */

#include "campaign/campaign_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

tm_rc tm_campaign_base_url(const char *base, tm_err *err)
{
	if (!base || !tm_url_http(base))
		return tm_fail(err, TM_ERR_INVALID,
			       "bad base URL '%.60s': give an absolute http:// or https:// URL such as https://example.org",
			       base ? base : "");
	if (base[strlen(base) - 1] == '/')
		return tm_fail(err, TM_ERR_INVALID, "bad base URL '%.60s': no trailing slash", base);
	return TM_OK;
}

void tm_campaign_md_esc(tm_buf *b, const char *s)
{
	char *iso = tm_bidi_isolate(s);
	for (const char *p = iso ? iso : s ? s : ""; *p; p++) {
		if (strchr("\\`*_[]<>#|", *p))
			tm_buf_addch(b, '\\');
		tm_buf_addch(b, *p == '\n' ? ' ' : *p);
	}
	free(iso);
}

void tm_campaign_date_words(tm_buf *b, const char *date, const char *lang)
{
	static const char *const months[] = { "January", "February", "March",     "April",   "May",      "June",
					      "July",    "August",   "September", "October", "November", "December" };
	int prec = tm_date_precision(date);
	if (!prec) {
		tm_buf_adds(b, date);
		return;
	}
	int y = atoi(date), m = prec >= 2 ? atoi(date + 5) : 0, d = prec == 3 ? atoi(date + 8) : 0;
	if (lang && strncmp(lang, "zh", 2) == 0) {
		tm_buf_addf(b, "%d年", y);
		if (m)
			tm_buf_addf(b, "%d月", m);
		if (d)
			tm_buf_addf(b, "%d日", d);
		return;
	}
	if (d)
		tm_buf_addf(b, "%d ", d);
	if (m)
		tm_buf_addf(b, "%s ", months[m - 1]);
	tm_buf_addf(b, "%d", y);
}

void tm_campaign_country_name(const char *code, const char *lang, tm_buf *out)
{
	tm_text_country_name(code, lang, out);
}

void tm_campaign_items_release(tm_campaign_items *it)
{
	for (size_t i = 0; i < it->n; i++)
		tm_action_release(&it->v[i].a);
	free(it->v);
	memset(it, 0, sizeof(*it));
}

static int collect_one(void *ctx, const tm_action *a, const char *updated)
{
	tm_campaign_items *it = ctx;
	TM_GROW(it->v, it->cap, it->n + 1);
	tm_campaign_item *x = &it->v[it->n++];
	tm_action_copy(&x->a, a);
	snprintf(x->updated, sizeof(x->updated), "%s", updated ? updated : "");
	return 0;
}

tm_rc tm_campaign_collect(tm_store *st, const tm_action_filter *f, tm_campaign_items *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_rc rc = tm_store_each_action(st, f, collect_one, out, err);
	if (rc)
		tm_campaign_items_release(out);
	return rc;
}

void tm_campaign_party_label(tm_store *st, const tm_party *p, const char *lang, tm_buf *label, const char **entity)
{
	*entity = NULL;
	if (p->entity) {
		tm_entity e;
		if (tm_store_get_entity(st, p->entity, &e, NULL) == TM_OK) {
			tm_buf_adds(label, tm_entity_display_name(&e, lang));
			tm_entity_release(&e);
		} else {
			tm_buf_adds(label, p->entity);
		}
		*entity = p->entity;
		return;
	}
	tm_buf_adds(label, tm_bitext_pick(&p->text, lang, NULL));
}

void tm_campaign_source_label(tm_store *st, const tm_cite *c, int brief, tm_buf *label, char **url, int *checked)
{
	tm_source s;
	*url = NULL;
	if (checked)
		*checked = 0;
	if (tm_store_get_source(st, c->source, &s, NULL) != TM_OK) {
		tm_buf_adds(label, c->source);
		return;
	}
	if (brief)
		tm_buf_adds(label, s.publisher ? s.publisher : s.author ? s.author : s.title);
	else if (s.publisher)
		tm_buf_addf(label, "%s: ", s.publisher);
	else if (s.author)
		tm_buf_addf(label, "%s: ", s.author);
	if (!brief)
		tm_buf_adds(label, s.title);
	*url = s.url;
	s.url = NULL;
	if (checked)
		*checked = s.checked;
	tm_source_release(&s);
}
