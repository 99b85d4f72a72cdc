/*
 * The weekly digest: the week's actions grouped by kind, then by country,
 * each with its summary, targets and sources, counts on top.
 *
 * One walk over the items writes all three formats through a few small
 * emitters (heading, text, link, line), so that Markdown, HTML and plain
 * text always say the same things in the same order.  Markdown is kept to
 * what Substack's editor takes when pasted (headings, bold, links, lists);
 * HTML has no classes or scripts, only a little inline style, because mail
 * clients drop the rest; plain text has bare links, one item a paragraph,
 * and is then cut into posts.
 *
 * An item lacking a language that was asked for is not dropped: it is shown
 * in the language it has, marked untranslated, and counted at the top.
 */

#include "campaign/campaign_internal.h"
#include "store/store_petition.h"

#include <stdlib.h>
#include <string.h>

/* The words of the digest in each language. */
typedef struct words {
	const char *lang;       /* "en" or "zh" */
	const char *html_lang;  /* BCP-47 for lang="" */
	const char *title;
	const char *targets, *actors, *outcome, *sources, *source;
	const char *colon, *comma, *semicolon, *open, *close, *range_sep, *full_stop;
	const char *untranslated;
	const char *no_country;
	/* the petitions' progress */
	const char *petitions;
	const char *signatures_fmt;  /* "%lld signatures" */
	const char *signature1_fmt;  /* "%lld signature": one */
	const char *this_week_fmt;   /* "(+%lld this week)" */
	const char *goal_fmt;        /* "goal %lld" */
	const char *closed;
	const char *unchecked;
} words;

static const words en_words = {
	"en", "en", "Weekly overview of actions",
	"Targets", "Actors", "Outcome", "Sources", "Source",
	": ", ", ", "; ", " (", ")", " – ", ".",
	"untranslated", "Country not recorded",
	"Petition signatures", "%lld signatures", "%lld signature", "+%lld this week", "goal %lld", "closed",
	"source not checked",
};

static const words zh_words = {
	"zh", "zh-Hans", "每周行动概览",
	"对象", "参与者", "结果", "来源", "来源",
	"：", "、", "；", "（", "）", "至", "。",
	"未翻译", "未注明国家",
	"请愿签名进展", "%lld 个签名", "%lld 个签名", "本周新增 %lld 个", "目标 %lld 个", "已截止",
	"来源未核实",
};

struct digest {
	tm_store *st;
	const tm_digest_opts *o;
	tm_buf *b;
	const words *langs[2]; /* the languages asked for */
	size_t n_langs;
	tm_campaign_items items;
};

/* ---- emitters ---- */

static void text(struct digest *d, const char *s)
{
	switch (d->o->format) {
	case TM_DIGEST_MD: tm_campaign_md_esc(d->b, s); break;
	case TM_DIGEST_HTML: tm_html_esc(d->b, s); break;
	case TM_DIGEST_TXT: tm_buf_adds(d->b, s); break;
	}
}

/* Whether url leads off the site (a source's own page). */
static int external(const struct digest *d, const char *url)
{
	const char *base = d->o->base_url;
	if (!tm_url_http(url))
		return 0;
	return !base || !*base || strncmp(url, base, strlen(base)) != 0;
}

/* A link, or the bare label when url is NULL. */
static void link(struct digest *d, const char *label, const char *url)
{
	if (!url) {
		text(d, label);
		return;
	}
	switch (d->o->format) {
	case TM_DIGEST_MD:
		tm_buf_addch(d->b, '[');
		tm_campaign_md_esc(d->b, label);
		tm_buf_adds(d->b, "](");
		/* a URL in Markdown: parentheses and spaces would end it */
		for (const char *p = url; *p; p++) {
			if (*p == '(' || *p == ')' || *p == ' ')
				tm_buf_addf(d->b, "%%%02X", (unsigned char)*p);
			else
				tm_buf_addch(d->b, *p);
		}
		tm_buf_addch(d->b, ')');
		break;
	case TM_DIGEST_HTML:
		tm_buf_adds(d->b, "<a href=\"");
		tm_html_esc(d->b, url);
		/* a source elsewhere learns nothing of where its reader came from */
		tm_buf_adds(d->b, external(d, url) ? "\" rel=\"noreferrer noopener\">" : "\">");
		tm_html_esc(d->b, label);
		tm_buf_adds(d->b, "</a>");
		break;
	case TM_DIGEST_TXT:
		tm_buf_addf(d->b, "%s %s", label, url);
		break;
	}
}

static void heading(struct digest *d, int level, const char *s)
{
	switch (d->o->format) {
	case TM_DIGEST_MD:
		for (int i = 0; i < level; i++)
			tm_buf_addch(d->b, '#');
		tm_buf_addch(d->b, ' ');
		text(d, s);
		tm_buf_adds(d->b, "\n\n");
		break;
	case TM_DIGEST_HTML:
		tm_buf_addf(d->b, "<h%d>", level);
		text(d, s);
		tm_buf_addf(d->b, "</h%d>\n", level);
		break;
	case TM_DIGEST_TXT:
		text(d, s);
		tm_buf_adds(d->b, "\n\n");
		break;
	}
}

static void para_begin(struct digest *d, const char *html_lang)
{
	if (d->o->format == TM_DIGEST_HTML) {
		if (html_lang)
			tm_buf_addf(d->b, "<p lang=\"%s\">", html_lang);
		else
			tm_buf_adds(d->b, "<p>");
	}
}

static void para_end(struct digest *d)
{
	tm_buf_adds(d->b, d->o->format == TM_DIGEST_HTML ? "</p>\n" : "\n\n");
}

/* A line of an item's detail list: "- Targets: …" / "<li>…</li>" / "Targets: …". */
static void line_begin(struct digest *d, const words *w, const char *label)
{
	switch (d->o->format) {
	case TM_DIGEST_MD: tm_buf_adds(d->b, "- "); break;
	case TM_DIGEST_HTML: tm_buf_addf(d->b, "<li lang=\"%s\">", w->html_lang); break;
	case TM_DIGEST_TXT: break;
	}
	text(d, label);
	tm_buf_adds(d->b, w->colon);
}

static void line_end(struct digest *d)
{
	tm_buf_adds(d->b, d->o->format == TM_DIGEST_HTML ? "</li>\n" : "\n");
}

static void list_begin(struct digest *d)
{
	if (d->o->format == TM_DIGEST_HTML)
		tm_buf_adds(d->b, "<ul>\n");
}

static void list_end(struct digest *d)
{
	if (d->o->format == TM_DIGEST_HTML)
		tm_buf_adds(d->b, "</ul>\n");
	else if (d->o->format == TM_DIGEST_MD)
		tm_buf_addch(d->b, '\n');
}

/* An absolute or root-relative URL of a page of the site, or NULL. */
static char *page_url(const struct digest *d, const char *what, const char *id, const char *lang)
{
	if (!d->o->base_url)
		return NULL;
	tm_buf u = TM_BUF_INIT;
	tm_buf_addf(&u, "%s/%s/%s?lang=%s", d->o->base_url, what, id, lang);
	return tm_buf_detach(&u);
}

/* ---- ordering and counting ---- */

static size_t kind_rank(const char *kind)
{
	for (size_t i = 0; i < tm_n_action_kinds; i++)
		if (strcmp(tm_action_kinds[i].id, kind) == 0)
			return i;
	return tm_n_action_kinds;
}

/* The country heading in lang. */
static void country_label(const tm_action *a, const words *w, tm_buf *out)
{
	if (a->country)
		tm_campaign_country_name(a->country, w->lang, out);
	else
		tm_buf_adds(out, w->no_country);
}

/* Items sort by kind (in the vocabulary's order), country name in the first
 * language (actions without a country last), date, id: through a key built
 * once per item, since qsort's comparator can carry no language. */
struct keyed_item {
	char *key;
	tm_campaign_item it;
};

static int keyed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyed_item *)a)->key, ((const struct keyed_item *)b)->key);
}

static void sort_items(tm_campaign_items *items, const char *lang)
{
	struct keyed_item *k = tm_xcalloc(items->n ? items->n : 1, sizeof(*k));
	for (size_t i = 0; i < items->n; i++) {
		const tm_action *a = &items->v[i].a;
		tm_buf key = TM_BUF_INIT;
		tm_buf_addf(&key, "%03zu\x1f", kind_rank(a->kind));
		if (a->country)
			tm_campaign_country_name(a->country, lang, &key);
		else
			tm_buf_adds(&key, "\x7f");
		tm_buf_addf(&key, "\x1f%s\x1f%s\x1f%s", a->country ? a->country : "", a->date, a->id);
		k[i].key = tm_buf_detach(&key);
		k[i].it = items->v[i];
	}
	qsort(k, items->n, sizeof(*k), keyed_cmp);
	for (size_t i = 0; i < items->n; i++) {
		items->v[i] = k[i].it;
		free(k[i].key);
	}
	free(k);
}

/* Whether a lacks lang: no title in it, or a summary only in the other one. */
static int untranslated(const tm_action *a, const char *lang)
{
	int have_title, have_summary;
	tm_bitext_pick(&a->title, lang, &have_title);
	const char *summary = tm_bitext_pick(&a->summary, lang, &have_summary);
	return !have_title || (summary && !have_summary);
}

static int item_untranslated(const struct digest *d, const tm_action *a)
{
	for (size_t l = 0; l < d->n_langs; l++)
		if (untranslated(a, d->langs[l]->lang))
			return 1;
	return 0;
}

/* ---- the parts ---- */

static void render_title(struct digest *d)
{
	char wk[16], from[TM_DATE_MAX], to[TM_DATE_MAX];
	tm_week_format(d->o->week, wk);
	tm_day monday = tm_week_monday(d->o->week);
	tm_day_format(monday, from);
	tm_day_format(monday + 6, to);
	/* "Weekly overview of actions · 每周行动概览 2024-W09 (26 February 2024 – 3 March 2024)" */
	tm_buf t = TM_BUF_INIT;
	const words *w = d->langs[0];
	if (d->o->format == TM_DIGEST_HTML && d->n_langs > 1) {
		/* paired: each title in its own language, the dates in the first */
		tm_buf_adds(d->b, "<h1>");
		for (size_t l = 0; l < d->n_langs; l++) {
			tm_buf_addf(d->b, "%s<span lang=\"%s\">", l ? " · " : "", d->langs[l]->html_lang);
			text(d, d->langs[l]->title);
			tm_buf_adds(d->b, "</span>");
		}
		tm_buf_addf(&t, " %s", wk);
		tm_buf_adds(&t, w->open);
		tm_campaign_date_words(&t, from, w->lang);
		tm_buf_adds(&t, w->range_sep);
		tm_campaign_date_words(&t, to, w->lang);
		tm_buf_adds(&t, w->close);
		tm_buf_addf(d->b, "<span lang=\"%s\">", w->html_lang);
		text(d, t.buf);
		tm_buf_adds(d->b, "</span></h1>\n");
		tm_buf_release(&t);
		return;
	}
	for (size_t l = 0; l < d->n_langs; l++)
		tm_buf_addf(&t, "%s%s", l ? " · " : "", d->langs[l]->title);
	tm_buf_addf(&t, " %s", wk);
	tm_buf_adds(&t, w->open);
	tm_campaign_date_words(&t, from, w->lang);
	tm_buf_adds(&t, w->range_sep);
	tm_campaign_date_words(&t, to, w->lang);
	tm_buf_adds(&t, w->close);
	heading(d, 1, t.buf);
	tm_buf_release(&t);
}

static void render_counts(struct digest *d, tm_digest_counts *counts)
{
	size_t per_kind[32] = { 0 };
	for (size_t i = 0; i < d->items.n; i++) {
		size_t k = kind_rank(d->items.v[i].a.kind);
		per_kind[k < 31 ? k : 31]++;
		if (item_untranslated(d, &d->items.v[i].a))
			counts->untranslated++;
	}
	counts->actions = d->items.n;
	for (size_t l = 0; l < d->n_langs; l++) {
		const words *w = d->langs[l];
		int zh = w == &zh_words;
		tm_buf t = TM_BUF_INIT;
		if (!d->items.n) {
			tm_buf_adds(&t, zh ? "本周没有记录的行动。" : "No actions were recorded this week.");
		} else {
			if (zh)
				tm_buf_addf(&t, "本周共 %zu 项行动：", d->items.n);
			else
				tm_buf_addf(&t, "%zu action%s this week: ", d->items.n, d->items.n == 1 ? "" : "s");
			int first = 1;
			for (size_t k = 0; k < tm_n_action_kinds; k++) {
				if (!per_kind[k])
					continue;
				if (!first)
					tm_buf_adds(&t, w->comma);
				first = 0;
				const char *label = tm_vocab_label(tm_action_kinds, tm_n_action_kinds,
								   tm_action_kinds[k].id, w->lang);
				if (zh)
					tm_buf_addf(&t, "%s %zu 项", label, per_kind[k]);
				else
					tm_buf_addf(&t, "%zu %s", per_kind[k], label);
			}
			tm_buf_adds(&t, w->full_stop);
			size_t missing = 0;
			for (size_t i = 0; i < d->items.n; i++)
				missing += untranslated(&d->items.v[i].a, w->lang);
			if (missing) {
				if (zh)
					tm_buf_addf(&t, "其中 %zu 项尚未译成中文：", missing);
				else
					tm_buf_addf(&t, " Not yet in English: %zu (", missing);
				first = 1;
				for (size_t i = 0; i < d->items.n; i++) {
					if (!untranslated(&d->items.v[i].a, w->lang))
						continue;
					if (!first)
						tm_buf_adds(&t, w->comma);
					first = 0;
					tm_buf_adds(&t, d->items.v[i].a.id);
				}
				tm_buf_adds(&t, zh ? "。" : ").");
			}
		}
		para_begin(d, d->n_langs > 1 ? w->html_lang : NULL);
		text(d, t.buf);
		para_end(d);
		tm_buf_release(&t);
	}
}

/* "Targets: A, B" in one language. */
static void render_parties(struct digest *d, const words *w, const char *label, const tm_parties *p)
{
	if (!p->n)
		return;
	line_begin(d, w, label);
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			text(d, w->comma);
		tm_buf name = TM_BUF_INIT;
		const char *entity;
		tm_campaign_party_label(d->st, &p->v[i], w->lang, &name, &entity);
		char *url = entity ? page_url(d, "entities", entity, w->lang) : NULL;
		link(d, name.buf, url);
		free(url);
		tm_buf_release(&name);
	}
	line_end(d);
}

/* The sources on one line, each with the words it is cited for (quote and
 * locator) and marked when nobody checked it; in plain text one line each,
 * so that a post can end between them (a source with its link is one
 * unbreakable piece), without the quotes, which a post has no room for:
 * the link leads to them. */
static void render_sources(struct digest *d, const words *w, const tm_action *a)
{
	int txt = d->o->format == TM_DIGEST_TXT;
	if (!txt)
		line_begin(d, w, w->sources);
	int first = 1;
	for (size_t i = 0; i < a->cites.n; i++) {
		const tm_cite *c = &a->cites.v[i];
		/* one mention per source in a post, even when the action quotes it
		 * twice; elsewhere one per quote */
		int seen = 0;
		for (size_t k = 0; k < i; k++)
			seen |= strcmp(a->cites.v[k].source, c->source) == 0 &&
				(txt || (tm_streq(a->cites.v[k].quote, c->quote) && tm_streq(a->cites.v[k].page, c->page)));
		if (seen)
			continue;
		if (txt)
			line_begin(d, w, w->source);
		else if (!first)
			text(d, w->semicolon);
		first = 0;
		tm_buf label = TM_BUF_INIT;
		char *url;
		int checked;
		/* a post has no room for titles: the publisher and the link say enough */
		tm_campaign_source_label(d->st, c, txt, &label, &url, &checked);
		if (!url)
			url = page_url(d, "sources", c->source, w->lang);
		link(d, label.buf, url);
		free(url);
		tm_buf_release(&label);
		if (!txt) {
			if (c->quote) {
				text(d, w->colon);
				if (d->o->format == TM_DIGEST_HTML)
					tm_buf_adds(d->b, "<q>");
				else
					text(d, "“");
				text(d, c->quote);
				if (d->o->format == TM_DIGEST_HTML)
					tm_buf_adds(d->b, "</q>");
				else
					text(d, "”");
			}
			if (c->page || !checked) {
				tm_buf x = TM_BUF_INIT;
				tm_buf_addf(&x, "%s%s%s%s%s", w->open, c->page ? c->page : "",
					    c->page && !checked ? w->comma : "", checked ? "" : w->unchecked, w->close);
				if (!checked && d->o->format == TM_DIGEST_HTML)
					tm_buf_adds(d->b, "<span class=\"unchecked\">");
				text(d, x.buf);
				if (!checked && d->o->format == TM_DIGEST_HTML)
					tm_buf_adds(d->b, "</span>");
				tm_buf_release(&x);
			}
		}
		if (txt)
			line_end(d);
	}
	if (!txt)
		line_end(d);
}

static void marker(struct digest *d, const words *w)
{
	tm_buf m = TM_BUF_INIT;
	tm_buf_addf(&m, "[%s]", w->untranslated);
	text(d, m.buf);
	tm_buf_release(&m);
}

/* One item in one language: title, date and place, summary, then the
 * outcome, targets and actors; the sources come once, after the last
 * language.  Alone, a language lacking the item's text falls back on the
 * other one, marked; paired (--lang both), it shows only the mark, since the
 * other language's block is right there. */
static void render_item_lang(struct digest *d, const tm_campaign_item *it, const words *w, int last)
{
	const tm_action *a = &it->a;
	int both = d->n_langs > 1;
	int has_title, has_summary;
	const char *title = tm_bitext_pick(&a->title, w->lang, &has_title);
	const char *summary = tm_bitext_pick(&a->summary, w->lang, &has_summary);
	int title_missing = !has_title, summary_missing = summary && !has_summary;
	if (both) {
		title = has_title ? title : NULL;
		summary = has_summary ? summary : NULL;
	}
	/* the language the paragraph is actually in */
	const char *other_lang = w == &zh_words ? "en" : "zh-Hans";
	para_begin(d, !both && title_missing ? other_lang : both ? w->html_lang : NULL);
	if (!both && (title_missing || summary_missing)) {
		marker(d, w);
		text(d, " ");
	}
	if (title) {
		if (d->o->format == TM_DIGEST_MD)
			tm_buf_adds(d->b, "**");
		else if (d->o->format == TM_DIGEST_HTML)
			tm_buf_adds(d->b, "<strong>");
		char *url = page_url(d, "actions", a->id, w->lang);
		link(d, title, url);
		free(url);
		if (d->o->format == TM_DIGEST_MD)
			tm_buf_adds(d->b, "**");
		else if (d->o->format == TM_DIGEST_HTML)
			tm_buf_adds(d->b, "</strong>");
	} else {
		marker(d, w);
	}
	tm_buf when = TM_BUF_INIT;
	tm_buf_adds(&when, w->open);
	tm_campaign_date_words(&when, a->date, w->lang);
	const char *place = tm_bitext_pick(&a->place, w->lang, NULL);
	if (place)
		tm_buf_addf(&when, "%s%s", w == &zh_words ? "，" : ", ", place);
	tm_buf_adds(&when, w->close);
	text(d, when.buf);
	tm_buf_release(&when);
	if (summary || (both && summary_missing)) {
		if (d->o->format == TM_DIGEST_HTML)
			tm_buf_adds(d->b, "<br>\n");
		else
			tm_buf_adds(d->b, d->o->format == TM_DIGEST_MD ? "\n\n" : "\n");
		if (summary)
			text(d, summary);
		else
			marker(d, w);
	}
	para_end(d);

	list_begin(d);
	const char *outcome = tm_bitext_pick(&a->outcome, w->lang, NULL);
	if (outcome && !(both && !tm_bitext_get(&a->outcome, w->lang))) {
		line_begin(d, w, w->outcome);
		text(d, outcome);
		line_end(d);
	}
	render_parties(d, w, w->targets, &a->targets);
	render_parties(d, w, w->actors, &a->actors);
	if (last)
		render_sources(d, w, a);
	list_end(d);
	if (d->o->format == TM_DIGEST_TXT)
		tm_buf_addch(d->b, '\n');
}

static void render_items(struct digest *d)
{
	const char *kind = NULL;
	const char *country = NULL;
	int country_set = 0;
	for (size_t i = 0; i < d->items.n; i++) {
		const tm_campaign_item *it = &d->items.v[i];
		const tm_action *a = &it->a;
		if (!kind || strcmp(kind, a->kind) != 0) {
			tm_buf h = TM_BUF_INIT;
			for (size_t l = 0; l < d->n_langs; l++) {
				const char *label =
					tm_vocab_label(tm_action_kinds, tm_n_action_kinds, a->kind, d->langs[l]->lang);
				tm_buf_adds(&h, l ? " · " : "");
				/* English labels are lower case in the vocabulary; a heading starts upper case */
				size_t at = h.len;
				tm_buf_adds(&h, label);
				if (h.buf[at] >= 'a' && h.buf[at] <= 'z')
					h.buf[at] = (char)(h.buf[at] - 'a' + 'A');
			}
			heading(d, 2, h.buf);
			tm_buf_release(&h);
			kind = a->kind;
			country_set = 0;
		}
		if (!country_set || !country != !a->country || (country && strcmp(country, a->country) != 0)) {
			tm_buf h = TM_BUF_INIT;
			for (size_t l = 0; l < d->n_langs; l++) {
				if (l)
					tm_buf_adds(&h, " · ");
				country_label(a, d->langs[l], &h);
			}
			heading(d, 3, h.buf);
			tm_buf_release(&h);
			country = a->country;
			country_set = 1;
		}
		for (size_t l = 0; l < d->n_langs; l++)
			render_item_lang(d, it, d->langs[l], l + 1 == d->n_langs);
	}
}

/* ---- the petitions' progress: counts only, never a signer ---- */

struct week_petition {
	tm_petition p;
	tm_petition_counts c; /* signatures up to Sunday, and those of the week */
};

struct week_petitions {
	struct week_petition *v;
	size_t n, cap;
	tm_store *st;
	const char *from, *to;
	tm_rc rc;
	tm_err *err;
};

/* A petition open on some day of the week goes in, with its counts as they
 * stood at the week's end, so that a week's digest says the same later. */
static int week_petition(void *ctx, const tm_petition *p)
{
	struct week_petitions *w = ctx;
	if (strcmp(p->opens, w->to) > 0 || (p->closes[0] && strcmp(p->closes, w->from) < 0))
		return 0;
	tm_petition_counts c;
	if ((w->rc = tm_store_petition_counts(w->st, p->id, w->from, w->to, &c, w->err)))
		return 1;
	TM_GROW(w->v, w->cap, w->n + 1);
	struct week_petition *x = &w->v[w->n++];
	memset(x, 0, sizeof(*x));
	x->c = c;
	x->p.id = tm_xstrdup(p->id);
	x->p.title.en = tm_xstrdup(p->title.en);
	x->p.title.zh = tm_xstrdup(p->title.zh);
	memcpy(x->p.closes, p->closes, sizeof(x->p.closes));
	x->p.goal = p->goal;
	return 0;
}

static tm_rc render_petitions(struct digest *d, const char *from, const char *to, tm_err *err)
{
	struct week_petitions w = { .st = d->st, .from = from, .to = to, .err = err };
	tm_rc rc = tm_store_each_petition(d->st, NULL, week_petition, &w, err);
	if (!rc)
		rc = w.rc;
	if (!rc && w.n) {
		tm_buf h = TM_BUF_INIT;
		for (size_t l = 0; l < d->n_langs; l++)
			tm_buf_addf(&h, "%s%s", l ? " · " : "", d->langs[l]->petitions);
		heading(d, 2, h.buf);
		tm_buf_release(&h);
		for (size_t i = 0; i < w.n; i++) {
			const struct week_petition *x = &w.v[i];
			for (size_t l = 0; l < d->n_langs; l++) {
				const words *wd = d->langs[l];
				int has;
				const char *title = tm_bitext_pick(&x->p.title, wd->lang, &has);
				para_begin(d, d->n_langs > 1 ? wd->html_lang : NULL);
				if (!has && title) {
					marker(d, wd);
					text(d, " ");
				}
				char *url = page_url(d, "petitions", x->p.id, wd->lang);
				link(d, title ? title : x->p.id, url);
				free(url);
				tm_buf t = TM_BUF_INIT;
				tm_buf_adds(&t, wd->colon);
				tm_buf_addf(&t, x->c.signatures == 1 ? wd->signature1_fmt : wd->signatures_fmt,
					    (long long)x->c.signatures);
				tm_buf_adds(&t, wd->open);
				tm_buf_addf(&t, wd->this_week_fmt, (long long)x->c.in_range);
				if (x->p.goal) {
					tm_buf_adds(&t, wd->semicolon);
					tm_buf_addf(&t, wd->goal_fmt, (long long)x->p.goal);
				}
				if (x->p.closes[0] && strcmp(x->p.closes, to) <= 0) {
					tm_buf_adds(&t, wd->semicolon);
					tm_buf_adds(&t, wd->closed);
				}
				tm_buf_adds(&t, wd->close);
				tm_buf_adds(&t, wd->full_stop);
				text(d, t.buf);
				tm_buf_release(&t);
				para_end(d);
			}
		}
	}
	for (size_t i = 0; i < w.n; i++)
		tm_petition_release(&w.v[i].p);
	free(w.v);
	return rc;
}

tm_rc tm_digest_render(tm_store *st, const tm_digest_opts *o, tm_buf *out, tm_strv *posts, tm_digest_counts *counts,
		       tm_err *err)
{
	struct digest d = { st, o, out, { NULL, NULL }, 0, { NULL, 0, 0 } };
	tm_digest_counts local = { 0, 0 };
	if (!counts)
		counts = &local;
	memset(counts, 0, sizeof(*counts));
	/* "" links relative to the site's root; anything else is checked */
	tm_rc brc = o->base_url && *o->base_url ? tm_campaign_base_url(o->base_url, err) : TM_OK;
	if (brc)
		return brc;
	const char *lang = o->lang ? o->lang : "zh";
	if (strcmp(lang, "en") == 0) {
		d.langs[d.n_langs++] = &en_words;
	} else if (strcmp(lang, "zh") == 0) {
		d.langs[d.n_langs++] = &zh_words;
	} else if (strcmp(lang, "both") == 0) {
		d.langs[d.n_langs++] = &en_words;
		d.langs[d.n_langs++] = &zh_words;
	} else if (strcmp(lang, "zh+en") == 0) {
		/* paired for Chinese readers: Chinese leads */
		d.langs[d.n_langs++] = &zh_words;
		d.langs[d.n_langs++] = &en_words;
	} else {
		return tm_fail(err, TM_ERR_INVALID, "bad language '%.20s': use zh, en or both", lang);
	}
	if (o->format == TM_DIGEST_TXT && o->post_chars && o->post_chars < 40)
		return tm_fail(err, TM_ERR_INVALID, "--post-chars %zu is too small: use 40 or more", o->post_chars);

	char from[TM_DATE_MAX], to[TM_DATE_MAX];
	tm_day monday = tm_week_monday(o->week);
	tm_day_format(monday, from);
	tm_day_format(monday + 6, to);
	tm_action_filter f = { .from = from, .to = to, .day_only = 1 };
	tm_rc rc = tm_campaign_collect(st, &f, &d.items, err);
	if (rc)
		return rc;
	sort_items(&d.items, d.langs[0]->lang);

	/* plain text is written aside first, to be cut into posts */
	tm_buf txt = TM_BUF_INIT;
	if (o->format == TM_DIGEST_TXT)
		d.b = &txt;
	if (o->format == TM_DIGEST_HTML && !o->html_fragment) {
		char wk[16];
		tm_week_format(o->week, wk);
		tm_buf_addf(d.b,
			    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n<title>%s %s</title>\n"
			    "</head>\n<body style=\"font-family: sans-serif; max-width: 40em; line-height: 1.5\">\n",
			    d.n_langs > 1 ? "mul" : d.langs[0]->html_lang, d.langs[0]->title, wk);
	}
	render_title(&d);
	render_counts(&d, counts);
	render_items(&d);
	rc = render_petitions(&d, from, to, err);
	if (o->format == TM_DIGEST_HTML && !o->html_fragment)
		tm_buf_adds(d.b, "</body>\n</html>\n");
	tm_campaign_items_release(&d.items);
	if (rc) {
		tm_buf_release(&txt);
		return rc;
	}

	if (o->format == TM_DIGEST_TXT) {
		tm_strv cut = TM_STRV_INIT;
		if (o->post_chars) {
			rc = tm_posts_split(txt.buf, o->post_chars, &cut, err);
		} else {
			/* one "post": the text with its trailing blank lines trimmed */
			while (txt.len && txt.buf[txt.len - 1] == '\n')
				txt.buf[--txt.len] = '\0';
			tm_strv_push(&cut, txt.buf);
		}
		for (size_t i = 0; !rc && i < cut.n; i++) {
			if (i)
				tm_buf_adds(out, "\n-----\n");
			tm_buf_adds(out, cut.v[i]);
			tm_buf_addch(out, '\n');
			if (posts)
				tm_strv_push(posts, cut.v[i]);
		}
		tm_strv_release(&cut);
	}
	tm_buf_release(&txt);
	return rc;
}
