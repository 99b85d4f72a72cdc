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
#include <threads.h>

typedef struct pair {
	const char *from, *to;
} pair;

/* Abbreviation → the word written out.  Ambiguous ones ("ind", "elec")
 * are left to the prefix rule of scoring. */
static const pair abbrevs[] = {
	{ "amer", "american" },
	{ "assn", "association" },
	{ "auto", "automobile" },
	{ "autos", "automobiles" },
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
	{ "dig", "digital" },
	{ "digi", "digital" },
	{ "elecs", "electronics" },
	{ "electr", "electronics" },
	{ "eng", "engineering" },
	{ "engg", "engineering" },
	{ "engr", "engineering" },
	{ "ents", "enterprises" },
	{ "eqp", "equipment" },
	{ "equip", "equipment" },
	{ "equipmt", "equipment" },
	{ "fin", "financial" },
	{ "finl", "financial" },
	{ "govt", "government" },
	{ "grp", "group" },
	{ "hldg", "holding" },
	{ "hldgs", "holdings" },
	{ "indl", "industrial" },
	{ "inds", "industries" },
	{ "info", "information" },
	{ "ins", "insurance" },
	{ "inst", "institute" },
	{ "intl", "international" },
	{ "invt", "investment" },
	{ "lab", "laboratory" },
	{ "labs", "laboratories" },
	{ "mfg", "manufacturing" },
	{ "mgmt", "management" },
	{ "mgt", "management" },
	{ "mtr", "motor" },
	{ "mtrs", "motors" },
	{ "nat", "national" },
	{ "natl", "national" },
	{ "organisation", "organization" },
	{ "pharm", "pharmaceutical" },
	{ "pharma", "pharmaceutical" },
	{ "pharmaceut", "pharmaceutical" },
	{ "sci", "science" },
	{ "secs", "securities" },
	{ "svc", "service" },
	{ "svcs", "services" },
	{ "sys", "systems" },
	{ "tec", "technology" },
	{ "tech", "technology" },
	{ "technol", "technology" },
	{ "techs", "technologies" },
	{ "tel", "telecommunications" },
	{ "tele", "telecommunications" },
	{ "telecom", "telecommunications" },
	{ "telecomm", "telecommunications" },
	{ "univ", "university" },
};

/* Words that many institutions share: legal forms, trades, "china". */
static const char *const generic[] = {
	"&", "ab", "acoustics", "aerospace", "ag", "agricultural", "agriculture", "airlines",
	"and", "apparel", "appliance", "appliances", "asia", "associates", "association", "auto",
	"automobile", "automobiles", "automotive", "aviation", "bank", "bao", "beverage",
	"beverages", "big", "bio", "biotech", "biotechnology", "building", "cai", "capital",
	"cement", "center", "chan", "che", "chemical", "chemicals", "china", "chinese", "chuan",
	"cloud", "co", "co-operative", "commerce", "commercial", "communication", "communications",
	"company", "component", "components", "computing", "construction", "consulting",
	"cooperative", "corporation", "culture", "dairy", "data", "de", "defense", "department",
	"development", "device", "devices", "dian", "digital", "du", "e-commerce", "ecommerce",
	"education", "electric", "electrical", "electronic", "electronics", "energy",
	"engineering", "enterprise", "enterprises", "entertainment", "environment",
	"environmental", "equipment", "estate", "fa", "fen", "finance", "financial", "fishery",
	"food", "foods", "for", "forestry", "foundation", "fund", "funds", "garment", "gas",
	"general", "glass", "global", "gong", "government", "group", "gu", "guang", "guo", "hang",
	"health", "healthcare", "hi", "high", "holding", "holdings", "inc", "industrial",
	"industries", "industry", "information", "institute", "instrument", "instruments",
	"insurance", "intelligence", "intelligent", "international", "internet", "investment",
	"investments", "ji", "jian", "ju", "ke", "kong", "laboratories", "laboratory", "land",
	"liao", "life", "limited", "liu", "llc", "logistics", "ltd", "luo", "machine", "machinery",
	"machines", "management", "manufacturing", "mao", "materials", "media", "medical",
	"medicine", "metal", "metals", "minerals", "mining", "mobile", "motor", "motors",
	"national", "neng", "network", "networks", "new", "of", "oil", "online", "optical",
	"optics", "pacific", "packaging", "paper", "partners", "parts", "petroleum", "pharma",
	"pharmaceutical", "pharmaceuticals", "photoelectric", "pin", "plastics", "platform", "plc",
	"power", "press", "printing", "products", "properties", "property", "publishing", "qi",
	"quan", "real", "ren", "research", "resources", "retail", "robotics", "rubber", "sa",
	"science", "sciences", "scientific", "securities", "security", "semiconductor",
	"semiconductors", "service", "services", "shares", "she", "shipping", "shu", "si", "sino",
	"smart", "software", "solutions", "sports", "state", "steel", "store", "stores", "system",
	"systems", "tech", "technologies", "technology", "telecommunications", "textile",
	"textiles", "the", "tool", "tools", "tou", "trade", "trading", "transport",
	"transportation", "trust", "tuan", "university", "vehicle", "vehicles", "venture",
	"ventures", "video", "vision", "wang", "water", "world", "wu", "xi", "xian", "xie", "xin",
	"xue", "yao", "ye", "yi", "yin", "you", "yuan", "zhan", "zheng", "zhi", "zhong", "zi",
	"zong",
};

/* Places, which say where an institution is more than which it is. */
static const char *const places[] = {
	"anhui", "beijing", "changchun", "changsha", "chengdu", "chongqing", "dalian", "dongguan",
	"foshan", "fujian", "fuzhou", "gansu", "guangdong", "guangxi", "guangzhou", "guiyang",
	"guizhou", "haifa", "hainan", "hangzhou", "harbin", "hebei", "hefei", "heilongjiang",
	"henan", "hohhot", "hong", "hubei", "hunan", "israel", "jerusalem", "jiangsu", "jiangxi",
	"jilin", "jinan", "kong", "kunming", "lanzhou", "lhasa", "liaoning", "macau", "nanchang",
	"nanjing", "nanning", "ningbo", "qingdao", "shaanxi", "shandong", "shanghai", "shanxi",
	"shenyang", "shenzhen", "shijiazhuang", "sichuan", "suzhou", "taiwan", "taiyuan",
	"tianjin", "tibet", "urumqi", "wuhan", "wuxi", "xiamen", "xian", "xining", "xinjiang",
	"yinchuan", "yunnan", "zhejiang", "zhengzhou", "zhuhai", "上海", "东", "京", "北", "北京", "区",
	"南京", "厦", "县", "圳", "天津", "州", "市", "广", "广东", "广州", "杭", "杭州", "江", "江苏", "沪", "浙",
	"浙江", "深", "深圳", "疆", "省", "苏", "门",
};

/* Chinese characters of legal forms and trades: 集团有限公司, 科技, 数字 … */
static const char *const generic_han[] = {
	"业", "中", "产", "人", "份", "传", "保", "信", "光", "公", "分", "券", "化", "医", "厂", "发", "司", "品",
	"器", "团", "国", "媒", "字", "学", "实", "展", "工", "建", "总", "息", "技", "投", "控", "数", "料", "新",
	"易", "智", "有", "术", "机", "材", "械", "汽", "流", "源", "物", "电", "科", "程", "络", "网", "股", "能",
	"药", "行", "设", "证", "贸", "资", "车", "银", "际", "限", "院", "险", "集", "食",
};

/* Listing words of securities: share classes, receipts, "ordinary". */
static const char *const listing[] = {
	"144a", "a", "adr", "ads", "b", "cl", "class", "depositary", "gdr", "h", "n", "npv", "ord",
	"ordinary", "ords", "pfd", "pref", "preferred", "receipt", "receipts", "reg", "regs",
	"rep", "rights", "rts", "ser", "series", "sh", "share", "shares", "shs", "sp", "spon",
	"sponsored", "stk", "stock", "unit", "units", "unsponsored", "warrants", "wts",
};

/* Legal forms as words: the ones text.c strips from the end of a name, for
 * the words that written-out abbreviations make ("Grp" → "group"). */
static const char *const legal[] = {
	"ab", "ag", "as", "asa", "bhd", "bv", "co", "com", "company", "corp", "corporate", "corporation", "gmbh", "group",
	"holding", "holdings", "inc", "incorporated", "kg", "kk", "limited", "llc", "llp", "lp", "ltd",
	"ltda", "nv", "oy", "oyj", "plc", "pte", "pty", "sa", "sarl", "sas", "sdn", "se", "spa", "srl",
};

/* Words that a company's own full name adds to its brand without naming
 * another business: "Huawei Technologies", "Geely Holding Group", "China
 * COSCO", "Meiya Pico Information", "Motorola Solutions", "Cisco Systems",
 * "Teva Pharmaceutical Industries", 科技, 集团, 国际, 信息.  An input that adds any other word to a group's
 * name may be another company of the group (match.c, possible group
 * member).  In byte order, Chinese characters last. */
static const char *const neutral[] = {
	"&", "and", "brands", "china", "chinese", "co", "companies", "company", "corporate", "corporation",
	"de", "financial", "for", "global", "group", "holding", "holdings", "inc", "industries",
	"information", "international", "investment", "investments", "limited", "ltd", "of", "solutions",
	"systems", "technologies", "technology", "the", "worldwide", "中", "份", "信", "公", "司", "团", "国", "总",
	"息", "技", "控", "有", "科", "股", "际", "限", "集",
};

/* Legal forms in pinyin, as a Chinese name romanized keeps them. */
static const char *const pinyin_legal[] = {
	"gongsi", "gufen", "gufengongsi", "gufenyouxiangongsi", "jituan", "jituangongsi", "konggu", "youxian",
	"youxiangongsi", "zonggongsi",
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

/*
 * Every word of the tables in one hash table, built once: screening looks
 * up each word of every candidate name, and bisecting six tables for each
 * showed in profiles.  The tables above stay the source and the order a
 * reader checks.
 */
enum { L_GENERIC = 1, L_PLACE = 2, L_HAN = 4, L_LISTING = 8, L_LEGAL = 16, L_PINYIN_LEGAL = 32, L_NEUTRAL = 64 };

typedef struct lex_slot {
	const char *word; /* NULL: empty */
	size_t len;
	unsigned flags;
	const char *expand;   /* the abbreviation written out, or NULL */
	double expand_weight; /* the weight of expand */
} lex_slot;

#define LEX_SLOTS 2048 /* a power of two, over twice the words */

static lex_slot lex_table[LEX_SLOTS];
static once_flag lex_once = ONCE_FLAG_INIT;

static size_t lex_hash(const char *w, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)w[i];
		h *= 16777619u;
	}
	return h & (LEX_SLOTS - 1);
}

static lex_slot *lex_slot_of(const char *w, size_t n, int add)
{
	for (size_t h = lex_hash(w, n);; h = (h + 1) & (LEX_SLOTS - 1)) {
		lex_slot *s = &lex_table[h];
		if (!s->word) {
			if (!add)
				return NULL;
			s->word = w;
			s->len = n;
			return s;
		}
		if (s->len == n && memcmp(s->word, w, n) == 0)
			return s;
	}
}

static void lex_add(const char *const *list, size_t len, unsigned flag)
{
	for (size_t i = 0; i < len; i++)
		lex_slot_of(list[i], strlen(list[i]), 1)->flags |= flag;
}

static double weight_of(const char *word, size_t n, unsigned f);

static void lex_build(void)
{
	lex_add(generic, N(generic), L_GENERIC);
	lex_add(places, N(places), L_PLACE);
	lex_add(generic_han, N(generic_han), L_HAN);
	lex_add(listing, N(listing), L_LISTING);
	lex_add(legal, N(legal), L_LEGAL);
	lex_add(pinyin_legal, N(pinyin_legal), L_PINYIN_LEGAL);
	lex_add(neutral, N(neutral), L_NEUTRAL);
	for (size_t i = 0; i < N(abbrevs); i++)
		lex_slot_of(abbrevs[i].from, strlen(abbrevs[i].from), 1)->expand = abbrevs[i].to;
	for (size_t i = 0; i < LEX_SLOTS; i++) {
		lex_slot *s = &lex_table[i];
		if (s->expand) {
			const lex_slot *x = lex_slot_of(s->expand, strlen(s->expand), 0);
			s->expand_weight = weight_of(s->expand, strlen(s->expand), x ? x->flags : 0);
		}
	}
}

static const lex_slot *lex_find(const char *w, size_t n)
{
	call_once(&lex_once, lex_build);
	return lex_slot_of(w, n, 0);
}

static unsigned lex_flags(const char *w, size_t n)
{
	const lex_slot *s = lex_find(w, n);
	return s ? s->flags : 0;
}

const char *tm_lex_expand(const char *word, size_t n)
{
	const lex_slot *s = lex_find(word, n);
	return s ? s->expand : NULL;
}

/* The weight of a word by its flags (0 for a word not in the tables). */
static double weight_of(const char *word, size_t n, unsigned f)
{
	if (n == 0)
		return 0.0;
	if ((unsigned char)word[0] >= 0x80) {
		/* one Chinese character, or a place name in characters */
		if (f & L_PLACE)
			return 0.3;
		return f & L_HAN ? 0.35 : 1.0;
	}
	if (n == 1)
		return 0.2;
	if (f & L_GENERIC)
		return 0.35;
	if (f & L_PLACE)
		return 0.3;
	int digits = 1;
	for (size_t i = 0; i < n && digits; i++)
		digits = word[i] >= '0' && word[i] <= '9';
	if (digits)
		return 0.8;
	return n == 2 ? 0.6 : 1.0;
}

double tm_lex_weight(const char *word, size_t n)
{
	return weight_of(word, n, lex_flags(word, n));
}

double tm_lex_word(const char *word, size_t n, const char **expand)
{
	const lex_slot *s = lex_find(word, n);
	*expand = s ? s->expand : NULL;
	if (s && s->expand)
		return s->expand_weight;
	return weight_of(word, n, s ? s->flags : 0);
}

int tm_lex_listing(const char *word, size_t n)
{
	return (lex_flags(word, n) & L_LISTING) != 0;
}

int tm_lex_legal(const char *word, size_t n)
{
	return (lex_flags(word, n) & L_LEGAL) != 0;
}

int tm_lex_pinyin_legal(const char *word, size_t n)
{
	return (lex_flags(word, n) & L_PINYIN_LEGAL) != 0;
}

int tm_lex_neutral(const char *word, size_t n)
{
	unsigned f = lex_flags(word, n);
	return (f & (L_NEUTRAL | L_PLACE | L_LEGAL | L_LISTING | L_PINYIN_LEGAL)) != 0;
}

int tm_lex_org_kind(const char *kind)
{
	static const char *const orgs[] = {
		"agency", "company", "military", "municipality", "ngo", "organization", "police", "political_party",
		"research_institute", "state_body", "university",
	};
	return kind && in_list(orgs, N(orgs), kind, strlen(kind));
}

int tm_lex_sorted(void)
{
	for (size_t i = 1; i < N(abbrevs); i++)
		if (strcmp(abbrevs[i - 1].from, abbrevs[i].from) >= 0)
			return 0;
	const char *const *lists[] = { generic, places, generic_han, listing, pinyin_legal, legal, neutral };
	size_t lens[] = { N(generic), N(places), N(generic_han), N(listing), N(pinyin_legal), N(legal), N(neutral) };
	for (size_t l = 0; l < 7; l++)
		for (size_t i = 1; i < lens[l]; i++)
			if (strcmp(lists[l][i - 1], lists[l][i]) >= 0)
				return 0;
	return 1;
}
