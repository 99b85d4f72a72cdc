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
	{ "country", "country", "国家", 1 },
	{ "person", "person (public role)", "人物（公共职务）" },
	/* places below a country: a province, state or region; a city or town */
	{ "region", "region", "地区", 1 },
	{ "city", "city", "城市", 1 },
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

int tm_kind_index(const char *id)
{
	const tm_kind *k = tm_kind_find(id);
	return k ? (int)(k - tm_kinds) : -1;
}

int tm_kind_is_place(const char *kind)
{
	const tm_kind *k = tm_kind_find(kind);
	return k && k->place;
}

uint64_t tm_kinds_no_places(void)
{
	uint64_t mask = 0;
	for (size_t i = 0; i < tm_n_kinds && i < 64; i++)
		if (!tm_kinds[i].place)
			mask |= (uint64_t)1 << i;
	return mask;
}

/*
 * The involvement vocabulary.  The wording of each definition follows its
 * anchor as closely as a definition can: the ten listed activities of
 * paragraph 96 of A/HRC/22/63 (read in the list reproduced by a news report
 * of the OHCHR database, moneyinafrica.com, February 2020, whose opening
 * matches the paragraph as ohchr.org/en/business/bhr-database quotes it; the
 * UN document itself was not read), Who Profits' category pages (Population
 * Control; The Wall and Checkpoints; private security and surveillance;
 * Economic Exploitation; "the settlement industry" only as the name of one
 * of its three areas, in its 2014 report), Human Rights Watch's "China's
 * Algorithms of Repression" (2019) and the Australian Strategic Policy
 * Institute's Xinjiang Data Project and "Uyghurs for Sale" (2020).  docs/format.md
 * quotes what was read of each.
 */
const tm_category tm_categories[] = {
	{ "settlement_construction", "palestine", "Building settlements and the wall", "建设定居点与隔离墙",
	  "Supplies equipment and materials that facilitate the construction and the expansion of Israeli "
	  "settlements and the wall, and associated infrastructures.",
	  "供应便利以色列定居点、隔离墙及相关基础设施建设和扩张的设备与材料。",
	  "A/HRC/22/63 para. 96, listed activity 1; Who Profits: the settlement industry" },
	{ "occupation_surveillance", "palestine", "Surveillance of Palestinians under occupation", "监控被占领的巴勒斯坦人",
	  "Supplies surveillance and identification equipment or systems for settlements, the wall and checkpoints, "
	  "or for Israel's control over the Palestinian population: cameras, biometric and data systems.",
	  "为定居点、隔离墙和检查站，或为以色列对巴勒斯坦人口的控制，供应监控与身份识别设备或系统：摄像机、生物识别和数据系统。",
	  "A/HRC/22/63 para. 96, listed activity 2; Who Profits: Population Control, The Wall and Checkpoints, "
	  "private security and surveillance" },
	{ "demolition_equipment", "palestine", "Equipment for demolitions", "用于拆毁的设备",
	  "Supplies equipment for the demolition of housing and property, and the destruction of agricultural farms, "
	  "greenhouses, olive groves and crops.",
	  "供应用于拆除房屋和财产、毁坏农场、温室、橄榄林和庄稼的设备。", "A/HRC/22/63 para. 96, listed activity 3" },
	{ "settlement_security", "palestine", "Security for settlement enterprises", "为定居点企业提供安保",
	  "Supplies security services, equipment and materials to enterprises operating in settlements.",
	  "向在定居点经营的企业提供安保服务、设备和材料。",
	  "A/HRC/22/63 para. 96, listed activity 4; Who Profits: private security and surveillance" },
	{ "settlement_services", "palestine", "Services and utilities for settlements", "为定居点提供服务与公用事业",
	  "Provides services and utilities supporting the maintenance and existence of settlements, including "
	  "transport.",
	  "提供维持定居点存续的服务和公用事业，包括交通运输。", "A/HRC/22/63 para. 96, listed activity 5" },
	{ "settlement_finance", "palestine", "Banking and finance for settlements", "为定居点提供银行与金融服务",
	  "Banking and financial operations helping to develop, expand or maintain settlements and their activities, "
	  "including loans for housing and the development of businesses.",
	  "帮助发展、扩大或维持定居点及其活动的银行和金融业务，包括住房贷款和企业发展贷款。",
	  "A/HRC/22/63 para. 96, listed activity 6" },
	{ "occupied_resources", "palestine", "Use of occupied land and resources", "利用被占领土的自然资源",
	  "Uses natural resources of the occupied territory, in particular water and land, for business purposes.",
	  "出于商业目的利用被占领土的自然资源，特别是水和土地。",
	  "A/HRC/22/63 para. 96, listed activity 7; Who Profits: Economic Exploitation" },
	{ "pollution_dumping", "palestine", "Pollution and dumping of waste", "污染与倾倒废物",
	  "Pollution, and the dumping of waste in or its transfer to Palestinian villages.",
	  "造成污染，或向巴勒斯坦村庄倾倒或转移废物。", "A/HRC/22/63 para. 96, listed activity 8" },
	{ "captive_market", "palestine", "Captivity of Palestinian markets", "使巴勒斯坦市场受制于人",
	  "Captivity of the Palestinian financial and economic markets, and practices that disadvantage Palestinian "
	  "enterprises, including through restrictions on movement, administrative and legal constraints.",
	  "使巴勒斯坦金融和经济市场受制于人，以及通过行动限制、行政和法律约束等使巴勒斯坦企业处于不利地位的做法。",
	  "A/HRC/22/63 para. 96, listed activity 9; Who Profits: Economic Exploitation" },
	{ "settler_reinvestment", "palestine", "Reinvestment in settlements", "定居者企业再投资定居点",
	  "Uses the benefits and reinvestments of enterprises owned totally or partially by settlers for developing, "
	  "expanding and maintaining the settlements.",
	  "将全部或部分由定居者拥有的企业的收益和再投资用于发展、扩大和维持定居点。",
	  "A/HRC/22/63 para. 96, listed activity 10" },
	{ "xinjiang_surveillance", "uyghur_region", "Mass surveillance in Xinjiang", "新疆大规模监控",
	  "Builds, supplies or operates the systems of mass surveillance and policing used on Uyghurs and other "
	  "Turkic Muslims in Xinjiang (the Uyghur Region), such as the Integrated Joint Operations Platform (IJOP), "
	  "its checkpoints, cameras and phone-scanning tools.",
	  "建造、供应或运营针对新疆（维吾尔地区）维吾尔人及其他突厥裔穆斯林的大规模监控与警务系统，"
	  "例如一体化联合作战平台及其检查站、摄像机和手机扫描工具。",
	  "Human Rights Watch, China's Algorithms of Repression (2019); ASPI Xinjiang Data Project: surveillance and "
	  "emerging technologies" },
	{ "xinjiang_detention", "uyghur_region", "Internment camps in Xinjiang", "新疆拘押营",
	  "Builds, supplies or runs the mass internment camps in Xinjiang (\"political education\" or "
	  "\"re-education\" facilities).",
	  "建造、供应或运营新疆的大规模拘押营（所谓“政治教育”或“再教育”设施）。",
	  "Human Rights Watch, China's Algorithms of Repression (2019); ASPI Xinjiang Data Project: the mass "
	  "internment camps, the 're-education' campaign" },
	{ "uyghur_forced_labour", "uyghur_region", "Uyghur forced labour", "维吾尔强迫劳动",
	  "Uses or profits from the forced labour of Uyghurs and other Turkic Muslims, in Xinjiang or through the "
	  "transfer of workers out of it, including in its supply chains.",
	  "使用维吾尔人及其他突厥裔穆斯林的强迫劳动或从中获利，无论在新疆境内还是通过把劳动力转移到新疆以外，包括在其供应链中。",
	  "ASPI, Uyghurs for Sale (2020); ASPI Xinjiang Data Project: forced labour and supply chains" },
};
const size_t tm_n_categories = sizeof(tm_categories) / sizeof(tm_categories[0]);

int tm_category_index(const char *id)
{
	for (size_t i = 0; id && i < tm_n_categories; i++)
		if (strcmp(tm_categories[i].id, id) == 0)
			return (int)i;
	return -1;
}

const tm_category *tm_category_find(const char *id)
{
	int i = tm_category_index(id);
	return i < 0 ? NULL : &tm_categories[i];
}

const char *tm_context_label(const char *context, const char *lang)
{
	int zh = lang && strcmp(lang, "zh") == 0;
	if (context && strcmp(context, "palestine") == 0)
		return zh ? "对巴勒斯坦的占领" : "Occupation of Palestine";
	if (context && strcmp(context, "uyghur_region") == 0)
		return zh ? "新疆（维吾尔地区）" : "Xinjiang (the Uyghur Region)";
	return context ? context : "";
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
	       tm_streq(a->lang, b->lang) && tm_streq(a->note, b->note) && tm_streq(a->accessed, b->accessed) &&
	       !a->checked == !b->checked;
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

int tm_involvement_equal(const tm_involvement *a, const tm_involvement *b)
{
	return tm_streq(a->entity, b->entity) && tm_streq(a->category, b->category) && strcmp(a->start, b->start) == 0 &&
	       strcmp(a->end, b->end) == 0 && tm_streq(a->note, b->note) && tm_cites_equal(&a->cites, &b->cites);
}

int tm_page_equal(const tm_page *a, const tm_page *b)
{
	return tm_streq(a->id, b->id) && tm_streq(a->title_en, b->title_en) && tm_streq(a->title_zh, b->title_zh) &&
	       tm_streq(a->body_en, b->body_en) && tm_streq(a->body_zh, b->body_zh);
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

void tm_page_release(tm_page *p)
{
	free(p->id);
	free(p->title_en);
	free(p->title_zh);
	free(p->body_en);
	free(p->body_zh);
	memset(p, 0, sizeof(*p));
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
	fill_date(into->accessed, from->accessed);
	/* checked stays into's: that someone saw from's title and URL says
	 * nothing of into's, which are kept */
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

void tm_involvement_merge(tm_involvement *into, const tm_involvement *from)
{
	fill(&into->note, from->note);
	merge_cites(&into->cites, &from->cites);
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

void tm_involvement_release(tm_involvement *v)
{
	free(v->entity);
	free(v->category);
	free(v->note);
	tm_cites_release(&v->cites);
	memset(v, 0, sizeof(*v));
}

void tm_cites_copy(tm_cites *dst, const tm_cites *c)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < c->n; i++)
		tm_cites_push(dst, c->v[i].source, c->v[i].quote, c->v[i].page);
}

void tm_relation_copy(tm_relation *dst, const tm_relation *r)
{
	*dst = *r; /* the dates, numbers and flags; the strings are replaced below */
	dst->subject = tm_xstrdup(r->subject);
	dst->predicate = tm_xstrdup(r->predicate);
	dst->object = tm_xstrdup(r->object);
	dst->currency = tm_xstrdup(r->currency);
	dst->note = tm_xstrdup(r->note);
	tm_cites_copy(&dst->cites, &r->cites);
}

void tm_involvement_copy(tm_involvement *dst, const tm_involvement *v)
{
	*dst = *v;
	dst->entity = tm_xstrdup(v->entity);
	dst->category = tm_xstrdup(v->category);
	dst->note = tm_xstrdup(v->note);
	tm_cites_copy(&dst->cites, &v->cites);
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

/* "START..END" (either may be empty, not both) into start and end. */
static int period_parse(const char *s, char start[TM_DATE_MAX], char end[TM_DATE_MAX])
{
	const char *dots = strstr(s, "..");
	size_t ls = dots ? (size_t)(dots - s) : 0;
	size_t le = dots ? strlen(dots + 2) : 0;
	if (!dots || ls >= TM_DATE_MAX || le >= TM_DATE_MAX || !(ls || le))
		return 0;
	memcpy(start, s, ls);
	start[ls] = 0;
	memcpy(end, dots + 2, le + 1);
	return (!ls || tm_date_precision(start)) && (!le || tm_date_precision(end));
}

/* key split at spaces into part[0 … max-1]; the number of parts, max + 1
 * when there are more (copy holds them, the caller frees it). */
static size_t key_split(char *copy, char **part, size_t max)
{
	size_t n = 0;
	char *save = NULL;
	for (char *t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == max)
			return max + 1;
		part[n++] = t;
	}
	return n;
}

int tm_relation_key_parse(const char *key, tm_relation *out)
{
	memset(out, 0, sizeof(*out));
	char *copy = tm_xstrdup(key);
	char *part[4] = { 0 };
	size_t n = key_split(copy, part, 4);
	int ok = (n == 3 || n == 4) && tm_id_valid(part[0]) && tm_id_valid(part[2]) && tm_predicate_find(part[1]);
	if (ok && n == 4)
		ok = period_parse(part[3], out->start, out->end);
	if (ok) {
		out->subject = tm_xstrdup(part[0]);
		out->predicate = tm_xstrdup(part[1]);
		out->object = tm_xstrdup(part[2]);
	}
	free(copy);
	return ok;
}

char *tm_involvement_key(const tm_involvement *v)
{
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s %s", v->entity, v->category);
	if (v->start[0] || v->end[0])
		tm_buf_addf(&b, " %s..%s", v->start, v->end);
	return tm_buf_detach(&b);
}

int tm_involvement_key_parse(const char *key, tm_involvement *out)
{
	memset(out, 0, sizeof(*out));
	char *copy = tm_xstrdup(key);
	char *part[3] = { 0 };
	size_t n = key_split(copy, part, 3);
	int ok = (n == 2 || n == 3) && tm_id_valid(part[0]) && tm_category_find(part[1]);
	if (ok && n == 3)
		ok = period_parse(part[2], out->start, out->end);
	if (ok) {
		out->entity = tm_xstrdup(part[0]);
		out->category = tm_xstrdup(part[1]);
	}
	free(copy);
	return ok;
}
