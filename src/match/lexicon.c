/*
 * The words screening knows about: abbreviations that holdings lists use,
 * words too generic to tell institutions apart, places, and the listing
 * words of securities.  Kept as sorted tables (a test checks the order) and
 * searched by bisection.  Every word is in the form of a normalized key:
 * lower case, Simplified.
 */
#include "match/match_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct pair {
	const char *from, *to;
} pair;

/* Abbreviation → the word written out.  Ambiguous ones ("ind", "elec")
 * are left to the prefix rule of scoring. */
static const pair abbrevs[] = {
	{ "amer", "american" },
	{ "assn", "association" },
	{ "bk", "bank" },
	{ "bldg", "building" },
	{ "centre", "center" },
	{ "chem", "chemical" },
	{ "comm", "communication" },
	{ "comms", "communications" },
	{ "commun", "communications" },
	{ "constr", "construction" },
	{ "corp", "corporation" },
	{ "ctr", "center" },
	{ "defence", "defense" },
	{ "dept", "department" },
	{ "dev", "development" },
	{ "devt", "development" },
	{ "digi", "digital" },
	{ "eng", "engineering" },
	{ "engg", "engineering" },
	{ "engr", "engineering" },
	{ "ents", "enterprises" },
	{ "eqp", "equipment" },
	{ "equip", "equipment" },
	{ "finl", "financial" },
	{ "govt", "government" },
	{ "grp", "group" },
	{ "hldg", "holding" },
	{ "hldgs", "holdings" },
	{ "inds", "industries" },
	{ "indl", "industrial" },
	{ "info", "information" },
	{ "inst", "institute" },
	{ "intl", "international" },
	{ "invt", "investment" },
	{ "mfg", "manufacturing" },
	{ "mgmt", "management" },
	{ "mgt", "management" },
	{ "natl", "national" },
	{ "organisation", "organization" },
	{ "pharm", "pharmaceutical" },
	{ "pharma", "pharmaceutical" },
	{ "sci", "science" },
	{ "secs", "securities" },
	{ "svc", "service" },
	{ "svcs", "services" },
	{ "sys", "systems" },
	{ "tec", "technology" },
	{ "tech", "technology" },
	{ "techs", "technologies" },
	{ "technol", "technology" },
	{ "telecom", "telecommunications" },
	{ "telecomm", "telecommunications" },
	{ "univ", "university" },
};

/* Words that many institutions share: legal forms, trades, "china". */
static const char *const generic[] = {
	"&", "ab", "ag", "and", "asia", "association", "auto", "automotive", "bank", "building",
	"center", "china", "chinese", "cloud", "co", "commercial", "communication",
	"communications", "company", "construction", "corporation", "data", "de", "department",
	"development", "digital", "du", "electric", "electrical", "electronic", "electronics",
	"energy", "engineering", "enterprise", "enterprises", "equipment", "finance", "financial",
	"for", "general", "global", "government", "group", "hi", "high", "holding", "holdings",
	"inc", "industrial", "industries", "industry", "information", "institute", "intelligence",
	"intelligent", "international", "internet", "investment", "investments", "limited", "llc",
	"ltd", "management", "manufacturing", "materials", "media", "mobile", "national",
	"network", "networks", "new", "of", "online", "pacific", "pharmaceutical", "plc", "power",
	"products", "research", "resources", "sa", "science", "sciences", "scientific", "security",
	"semiconductor", "service", "services", "shares", "sino", "smart", "software", "solutions",
	"state", "system", "systems", "tech", "technologies", "technology", "telecommunications",
	"the", "trade", "trading", "university", "video", "vision", "world",
};

/* Places, which say where an institution is more than which it is. */
static const char *const places[] = {
	"anhui", "beijing", "changsha", "chengdu", "chongqing", "dalian", "fujian", "gansu",
	"guangdong", "guangxi", "guangzhou", "guizhou", "haifa", "hainan", "hangzhou", "harbin",
	"hebei", "hefei", "heilongjiang", "henan", "hong", "hubei", "hunan", "israel", "jerusalem",
	"jiangsu", "jiangxi", "jilin", "jinan", "kong", "liaoning", "macau", "nanjing", "ningbo",
	"qingdao", "shaanxi", "shandong", "shanghai", "shanxi", "shenyang", "shenzhen", "sichuan",
	"suzhou", "taiwan", "tianjin", "wuhan", "wuxi", "xiamen", "xian", "yunnan", "zhejiang",
	"zhengzhou", "上海", "北京", "南京", "天津", "广东", "广州", "杭州", "江苏", "浙江", "深圳",
};

/* Chinese characters of legal forms and trades: 集团有限公司, 科技, 数字 … */
static const char *const generic_han[] = {
	"业", "中", "份", "信", "公", "分", "厂", "发", "司", "团", "国", "字", "实", "展", "工", "建", "总", "息",
	"技", "投", "控", "数", "智", "有", "术", "电", "科", "程", "络", "网", "股", "能", "设", "资", "际", "限",
	"集",
};

/* Listing words of securities: share classes, receipts, "ordinary". */
static const char *const listing[] = {
	"144a", "a", "adr", "ads", "b", "cl", "class", "depositary", "gdr", "h", "n", "npv", "ord",
	"ordinary", "ords", "pfd", "pref", "preferred", "receipt", "receipts", "reg", "regs",
	"rep", "rights", "rts", "ser", "series", "sh", "share", "shares", "shs", "sp", "spon",
	"sponsored", "stk", "stock", "unit", "units", "unsponsored", "warrants", "wts",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Compare word[0, n) with the NUL-terminated s, as strcmp would. */
static int wcmp(const char *word, size_t n, const char *s)
{
	size_t k = strlen(s);
	int c = memcmp(word, s, n < k ? n : k);
	if (c)
		return c;
	return n < k ? -1 : n > k ? 1 : 0;
}

static int in_list(const char *const *list, size_t len, const char *word, size_t n)
{
	size_t lo = 0, hi = len;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = wcmp(word, n, list[mid]);
		if (!c)
			return 1;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return 0;
}

const char *tm_lex_expand(const char *word, size_t n)
{
	size_t lo = 0, hi = N(abbrevs);
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = wcmp(word, n, abbrevs[mid].from);
		if (!c)
			return abbrevs[mid].to;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

double tm_lex_weight(const char *word, size_t n)
{
	if (n == 0)
		return 0.0;
	unsigned char c = (unsigned char)word[0];
	if (c >= 0x80) {
		/* one Chinese character, or a place name in characters */
		if (in_list(places, N(places), word, n))
			return 0.3;
		return in_list(generic_han, N(generic_han), word, n) ? 0.35 : 1.0;
	}
	if (n == 1)
		return 0.2;
	if (in_list(generic, N(generic), word, n))
		return 0.35;
	if (in_list(places, N(places), word, n))
		return 0.3;
	int digits = 1;
	for (size_t i = 0; i < n && digits; i++)
		digits = word[i] >= '0' && word[i] <= '9';
	if (digits)
		return 0.8;
	return n == 2 ? 0.6 : 1.0;
}

int tm_lex_listing(const char *word, size_t n)
{
	return in_list(listing, N(listing), word, n);
}

int tm_lex_org_kind(const char *kind)
{
	static const char *const orgs[] = {
		"agency", "company", "military", "municipality", "ngo", "police", "political_party",
		"research_institute", "state_body", "university",
	};
	return kind && in_list(orgs, N(orgs), kind, strlen(kind));
}

int tm_lex_sorted(void)
{
	for (size_t i = 1; i < N(abbrevs); i++)
		if (strcmp(abbrevs[i - 1].from, abbrevs[i].from) >= 0)
			return 0;
	const char *const *lists[] = { generic, places, generic_han, listing };
	size_t lens[] = { N(generic), N(places), N(generic_han), N(listing) };
	for (size_t l = 0; l < 4; l++)
		for (size_t i = 1; i < lens[l]; i++)
			if (strcmp(lists[l][i - 1], lists[l][i]) >= 0)
				return 0;
	return 1;
}
