#include "model/model.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const tm_kind tm_kinds[] = {
	{ "company", "company", "公司" },
	{ "state_body", "state body", "国家机构" },
	{ "military", "military", "军事机构" },
	{ "police", "police", "警察机构" },
	{ "university", "university", "大学" },
	{ "research_institute", "research institute", "研究机构" },
	{ "municipality", "municipality", "地方政府" },
	{ "agency", "agency", "政府部门" },
	{ "ngo", "non-governmental organization", "非政府组织" },
	{ "political_party", "political party", "政党" },
	{ "system", "system", "系统" },
	{ "product", "product", "产品" },
	{ "project", "project", "项目" },
	{ "program", "programme", "计划" },
	{ "media", "publication or work", "出版物或作品" },
	{ "country", "country", "国家" },
	{ "person", "person (public role)", "人物（公共职务）" },
	/* what FollowTheMoney calls an Organization: incorporated, not a company
	 * that can be owned, nothing more known (a foundation, a guard corps) */
	{ "organization", "organization", "组织" },
};
const size_t tm_n_kinds = sizeof(tm_kinds) / sizeof(tm_kinds[0]);

const tm_predicate tm_predicates[] = {
	{ "owns", "owns", "owned by", "拥有", "被…拥有", 0, 1 },
	{ "acquired", "acquired", "acquired by", "收购", "被…收购", 0, 1 },
	{ "invested_in", "invested in", "investment from", "投资", "获…投资", 0, 0 },
	{ "rnd_center_in", "has an R&D centre in", "hosts an R&D centre of", "在…设有研发中心", "设有…的研发中心", 0, 0 },
	{ "sells_in", "sells in", "market of", "在…销售", "…的销售市场", 0, 0 },
	{ "built", "built", "built by", "建造", "由…建造", 0, 0 },
	{ "operates", "operates", "operated by", "运营", "由…运营", 0, 0 },
	{ "developed", "developed", "developed by", "开发", "由…开发", 0, 0 },
	{ "supplies", "supplies", "supplied by", "供应", "由…供应", 0, 0 },
	{ "feeds_into", "feeds into", "fed by", "向…输送数据", "接收…的数据", 0, 0 },
	{ "uses", "uses", "used by", "使用", "被…使用", 0, 0 },
	{ "partner_of", "partner of", "partner of", "与…合作", "与…合作", 1, 0 },
	{ "co_founded", "co-founded", "co-founded by", "共同创办", "由…共同创办", 0, 0 },
	{ "member_of", "member of", "has member", "是…的成员", "成员包括", 0, 0 },
	{ "located_in", "located in", "location of", "位于", "所在地包括", 0, 0 },
	{ "part_of", "part of", "includes", "属于", "包括", 0, 0 },
	{ "funds", "funds", "funded by", "资助", "由…资助", 0, 0 },
	{ "banned", "banned", "banned by", "禁止", "被…禁止", 0, 0 },
	{ "modeled_on", "modeled on", "model for", "模仿", "被…模仿", 0, 0 },
	{ "trades_with", "trades with", "trades with", "与…贸易", "与…贸易", 1, 0 },
	{ "contractor_for", "contractor for", "has contractor", "承包商服务于", "承包商为", 0, 0 },
	/* the ties FollowTheMoney records that had no name here (docs/ftm.md):
	 * a link of unknown nature, the offices of a person in a public role,
	 * and legal succession */
	{ "linked_to", "linked to", "linked to", "与…有关联", "与…有关联", 1, 0 },
	{ "director_of", "director or officer of", "has as director or officer", "担任…的董事或高管",
	  "的董事或高管包括", 0, 0 },
	{ "employed_by", "works for", "employs", "任职于", "雇用", 0, 0 },
	{ "succeeded", "succeeded", "succeeded by", "承继", "由…承继", 0, 0 },
};
const size_t tm_n_predicates = sizeof(tm_predicates) / sizeof(tm_predicates[0]);

/* The tags of the demo data and of `tiemap gen`.  A tag may be any
 * lower-case word; these are the ones with labels, which search finds them
 * by ("监控" → surveillance) and pages show. */
const tm_vocab tm_topics[] = {
	{ "surveillance", "surveillance", "监控" },
	{ "occupation", "occupation", "占领" },
	{ "xinjiang", "Xinjiang", "新疆" },
	{ "biometrics", "biometrics", "生物识别" },
	{ "police", "police", "警察" },
	{ "military", "military", "军事" },
	{ "state_owned", "state-owned", "国有" },
	{ "belt_and_road", "Belt and Road", "一带一路" },
	{ "infrastructure", "infrastructure", "基础设施" },
	{ "academic", "academic", "学术" },
	{ "medical", "medical", "医疗" },
	{ "ev", "electric vehicles", "电动汽车" },
};
const size_t tm_n_topics = sizeof(tm_topics) / sizeof(tm_topics[0]);

const tm_vocab *tm_vocab_find(const tm_vocab *v, size_t n, const char *id)
{
	for (size_t i = 0; id && i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

const char *tm_vocab_label(const tm_vocab *v, size_t n, const char *id, const char *lang)
{
	const tm_vocab *w = tm_vocab_find(v, n, id);
	if (!w)
		return id;
	return lang && strncmp(lang, "zh", 2) == 0 ? w->label_zh : w->label_en;
}

const tm_kind *tm_kind_find(const char *id)
{
	for (size_t i = 0; id && i < tm_n_kinds; i++)
		if (strcmp(tm_kinds[i].id, id) == 0)
			return &tm_kinds[i];
	return NULL;
}

int tm_predicate_index(const char *id)
{
	for (size_t i = 0; id && i < tm_n_predicates; i++)
		if (strcmp(tm_predicates[i].id, id) == 0)
			return (int)i;
	return -1;
}

const tm_predicate *tm_predicate_find(const char *id)
{
	int i = tm_predicate_index(id);
	return i < 0 ? NULL : &tm_predicates[i];
}

int tm_id_valid(const char *s)
{
	if (!s || !*s || strlen(s) > 200)
		return 0;
	if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
		return 0;
	for (const char *p = s; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' && c != '_' && c != '.')
			return 0;
	}
	return 1;
}

int tm_lang_valid(const char *s)
{
	if (!s)
		return 0;
	size_t first = 0;
	while (isalpha((unsigned char)s[first]))
		first++;
	if (first < 2 || first > 3)
		return 0;
	size_t sub = 0;
	for (const char *p = s + first; *p; p++) {
		if (*p == '-') {
			if (sub == 0 && p != s + first)
				return 0;
			sub = 0;
			if (p[1] == '\0')
				return 0;
		} else if (isalnum((unsigned char)*p)) {
			if (++sub > 8)
				return 0;
		} else {
			return 0;
		}
	}
	return strlen(s) <= 35;
}

void tm_cites_push(tm_cites *c, const char *source, const char *quote, const char *page)
{
	TM_GROW(c->v, c->cap, c->n + 1);
	tm_cite *ct = &c->v[c->n++];
	ct->source = tm_xstrdup(source);
	ct->quote = tm_xstrdup(quote);
	ct->page = tm_xstrdup(page);
}

int tm_cites_equal(const tm_cites *a, const tm_cites *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!tm_streq(a->v[i].source, b->v[i].source) || !tm_streq(a->v[i].quote, b->v[i].quote) ||
		    !tm_streq(a->v[i].page, b->v[i].page))
			return 0;
	return 1;
}

int tm_source_equal(const tm_source *a, const tm_source *b)
{
	return tm_streq(a->id, b->id) && tm_streq(a->title, b->title) && tm_streq(a->author, b->author) &&
	       tm_streq(a->publisher, b->publisher) && tm_streq(a->date, b->date) && tm_streq(a->url, b->url) &&
	       tm_streq(a->lang, b->lang) && tm_streq(a->note, b->note);
}

int tm_entity_equal(const tm_entity *a, const tm_entity *b)
{
	if (!tm_streq(a->id, b->id) || !tm_streq(a->kind, b->kind) || !tm_streq(a->country, b->country) ||
	    !tm_streq(a->start, b->start) || !tm_streq(a->end, b->end) || !tm_streq(a->desc_en, b->desc_en) ||
	    !tm_streq(a->desc_zh, b->desc_zh) || a->unsourced != b->unsourced || a->n_names != b->n_names ||
	    a->tags.n != b->tags.n || a->n_idents != b->n_idents || !tm_cites_equal(&a->cites, &b->cites) ||
	    a->referents.n != b->referents.n)
		return 0;
	for (size_t i = 0; i < a->referents.n; i++)
		if (!tm_streq(a->referents.v[i], b->referents.v[i]))
			return 0;
	for (size_t i = 0; i < a->n_names; i++)
		if (!tm_streq(a->names[i].text, b->names[i].text) || !tm_streq(a->names[i].lang, b->names[i].lang) ||
		    !a->names[i].primary != !b->names[i].primary)
			return 0;
	for (size_t i = 0; i < a->tags.n; i++)
		if (!tm_streq(a->tags.v[i], b->tags.v[i]))
			return 0;
	for (size_t i = 0; i < a->n_idents; i++)
		if (!tm_streq(a->idents[i].scheme, b->idents[i].scheme) || !tm_streq(a->idents[i].value, b->idents[i].value))
			return 0;
	return 1;
}

int tm_relation_equal(const tm_relation *a, const tm_relation *b)
{
	return tm_streq(a->subject, b->subject) && tm_streq(a->predicate, b->predicate) &&
	       tm_streq(a->object, b->object) && strcmp(a->start, b->start) == 0 && strcmp(a->end, b->end) == 0 &&
	       a->has_amount == b->has_amount && (!a->has_amount || a->amount == b->amount) &&
	       tm_streq(a->currency, b->currency) && a->has_share == b->has_share &&
	       (!a->has_share || a->share == b->share) && tm_streq(a->note, b->note) && a->unsourced == b->unsourced &&
	       tm_cites_equal(&a->cites, &b->cites);
}

void tm_cites_release(tm_cites *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].source);
		free(c->v[i].quote);
		free(c->v[i].page);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

void tm_source_release(tm_source *s)
{
	free(s->id);
	free(s->title);
	free(s->author);
	free(s->publisher);
	free(s->url);
	free(s->lang);
	free(s->note);
	memset(s, 0, sizeof(*s));
}

/* *into = from's copy when *into is NULL (or empty). */
static void fill(char **into, const char *from)
{
	if ((!*into || !**into) && from && *from) {
		free(*into);
		*into = tm_xstrdup(from);
	}
}

static void fill_date(char into[TM_DATE_MAX], const char from[TM_DATE_MAX])
{
	if (!into[0])
		memcpy(into, from, TM_DATE_MAX);
}

static void merge_cites(tm_cites *into, const tm_cites *from)
{
	for (size_t i = 0; i < from->n; i++) {
		const tm_cite *c = &from->v[i];
		int have = 0;
		for (size_t k = 0; k < into->n && !have; k++)
			have = tm_streq(into->v[k].source, c->source) && tm_streq(into->v[k].quote, c->quote) &&
			       tm_streq(into->v[k].page, c->page);
		if (!have)
			tm_cites_push(into, c->source, c->quote, c->page);
	}
}

void tm_source_merge(tm_source *into, const tm_source *from)
{
	fill(&into->title, from->title);
	fill(&into->author, from->author);
	fill(&into->publisher, from->publisher);
	fill_date(into->date, from->date);
	fill(&into->url, from->url);
	fill(&into->lang, from->lang);
	fill(&into->note, from->note);
}

void tm_entity_merge(tm_entity *into, const tm_entity *from)
{
	fill(&into->kind, from->kind);
	fill(&into->country, from->country);
	fill_date(into->start, from->start);
	fill_date(into->end, from->end);
	fill(&into->desc_en, from->desc_en);
	fill(&into->desc_zh, from->desc_zh);
	for (size_t i = 0; i < from->n_names; i++) {
		const tm_name *n = &from->names[i];
		int have = 0, primary = 0;
		for (size_t k = 0; k < into->n_names; k++) {
			if (!tm_streq(into->names[k].lang, n->lang))
				continue;
			have |= tm_streq(into->names[k].text, n->text);
			primary |= into->names[k].primary;
		}
		if (!have)
			tm_entity_add_name(into, n->text, n->lang, n->primary && !primary);
	}
	for (size_t i = 0; i < from->tags.n; i++)
		if (!tm_strv_contains(&into->tags, from->tags.v[i]))
			tm_strv_push(&into->tags, from->tags.v[i]);
	for (size_t i = 0; i < from->n_idents; i++) {
		int have = 0;
		for (size_t k = 0; k < into->n_idents && !have; k++)
			have = tm_streq(into->idents[k].scheme, from->idents[i].scheme) &&
			       tm_streq(into->idents[k].value, from->idents[i].value);
		if (!have)
			tm_entity_add_ident(into, from->idents[i].scheme, from->idents[i].value);
	}
	merge_cites(&into->cites, &from->cites);
	into->unsourced = into->cites.n == 0 && (into->unsourced || from->unsourced);
	for (size_t i = 0; i < from->referents.n; i++)
		if (!tm_strv_contains(&into->referents, from->referents.v[i]))
			tm_strv_push(&into->referents, from->referents.v[i]);
}

void tm_relation_merge(tm_relation *into, const tm_relation *from)
{
	if (!into->has_amount && from->has_amount) {
		into->has_amount = 1;
		into->amount = from->amount;
		free(into->currency);
		into->currency = tm_xstrdup(from->currency);
	}
	if (!into->has_share && from->has_share) {
		into->has_share = 1;
		into->share = from->share;
	}
	fill(&into->note, from->note);
	merge_cites(&into->cites, &from->cites);
	into->unsourced = into->cites.n == 0 && (into->unsourced || from->unsourced);
}

void tm_entity_add_name(tm_entity *e, const char *text, const char *lang, int primary)
{
	TM_GROW(e->names, e->cap_names, e->n_names + 1);
	tm_name *n = &e->names[e->n_names++];
	n->text = tm_xstrdup(text);
	n->lang = tm_xstrdup(lang);
	n->primary = primary;
}

void tm_entity_add_ident(tm_entity *e, const char *scheme, const char *value)
{
	TM_GROW(e->idents, e->cap_idents, e->n_idents + 1);
	e->idents[e->n_idents].scheme = tm_xstrdup(scheme);
	e->idents[e->n_idents].value = tm_xstrdup(value);
	e->n_idents++;
}

void tm_entity_release(tm_entity *e)
{
	free(e->id);
	free(e->kind);
	free(e->country);
	free(e->desc_en);
	free(e->desc_zh);
	for (size_t i = 0; i < e->n_names; i++) {
		free(e->names[i].text);
		free(e->names[i].lang);
	}
	free(e->names);
	tm_strv_release(&e->tags);
	for (size_t i = 0; i < e->n_idents; i++) {
		free(e->idents[i].scheme);
		free(e->idents[i].value);
	}
	free(e->idents);
	tm_cites_release(&e->cites);
	tm_strv_release(&e->referents);
	memset(e, 0, sizeof(*e));
}

void tm_relation_release(tm_relation *r)
{
	free(r->subject);
	free(r->predicate);
	free(r->object);
	free(r->currency);
	free(r->note);
	tm_cites_release(&r->cites);
	memset(r, 0, sizeof(*r));
}

/* "zh" matches zh, zh-Hans, zh-Hant, zh-CN …; "en" matches en, en-GB … */
static int lang_matches(const char *tag, const char *want)
{
	size_t n = strlen(want);
	return tag && strncmp(tag, want, n) == 0 && (tag[n] == '\0' || tag[n] == '-');
}

const tm_name *tm_entity_display(const tm_entity *e, const char *lang)
{
	const tm_name *any = NULL;
	/* Traditional first where asked, then Chinese as for "zh" */
	if (lang && strcmp(lang, "zh-Hant") == 0) {
		for (size_t i = 0; i < e->n_names; i++)
			if (lang_matches(e->names[i].lang, "zh-Hant") && (e->names[i].primary || !any))
				any = &e->names[i];
		if (any)
			return any;
	}
	if (lang && strncmp(lang, "zh", 2) == 0)
		lang = "zh";
	/* for Chinese prefer Simplified: most Chinese names are recorded in it */
	if (lang && strcmp(lang, "zh") == 0) {
		for (size_t i = 0; i < e->n_names; i++)
			if (e->names[i].primary && e->names[i].lang && strcmp(e->names[i].lang, "zh-Hans") == 0)
				return &e->names[i];
	}
	for (size_t i = 0; lang && i < e->n_names; i++) {
		if (!lang_matches(e->names[i].lang, lang))
			continue;
		if (e->names[i].primary)
			return &e->names[i];
		if (!any)
			any = &e->names[i];
	}
	if (any)
		return any;
	for (size_t i = 0; i < e->n_names; i++)
		if (e->names[i].primary && lang_matches(e->names[i].lang, "en"))
			return &e->names[i];
	return e->n_names ? &e->names[0] : NULL;
}

const char *tm_entity_display_name(const tm_entity *e, const char *lang)
{
	const tm_name *n = tm_entity_display(e, lang);
	return n ? n->text : e->id;
}

char *tm_relation_key(const tm_relation *r)
{
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s %s %s", r->subject, r->predicate, r->object);
	if (r->start[0] || r->end[0])
		tm_buf_addf(&b, " %s..%s", r->start, r->end);
	return tm_buf_detach(&b);
}

int tm_relation_key_parse(const char *key, tm_relation *out)
{
	memset(out, 0, sizeof(*out));
	char *copy = tm_xstrdup(key);
	char *part[4] = { 0 };
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == 4) {
			n = 5;
			break;
		}
		part[n++] = t;
	}
	int ok = (n == 3 || n == 4) && tm_id_valid(part[0]) && tm_id_valid(part[2]) && tm_predicate_find(part[1]);
	if (ok && n == 4) {
		char *dots = strstr(part[3], "..");
		size_t ls = dots ? (size_t)(dots - part[3]) : 0;
		size_t le = dots ? strlen(dots + 2) : 0;
		ok = dots && ls < TM_DATE_MAX && le < TM_DATE_MAX && (ls || le);
		if (ok) {
			memcpy(out->start, part[3], ls);
			out->start[ls] = 0;
			memcpy(out->end, dots + 2, le + 1);
			ok = (!ls || tm_date_precision(out->start)) && (!le || tm_date_precision(out->end));
		}
	}
	if (ok) {
		out->subject = tm_xstrdup(part[0]);
		out->predicate = tm_xstrdup(part[1]);
		out->object = tm_xstrdup(part[2]);
	}
	free(copy);
	return ok;
}
