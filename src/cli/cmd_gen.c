/*
 * tiemap gen: a deterministic synthetic dataset in the interchange format,
 * for benchmarks and tests at any size.
 *
 * The same --entities and --seed always give the same bytes.  The shape is
 * meant to look like a registry-plus-research database, not like a random
 * graph:
 *   - degrees follow a power law: each entity ties itself to a few earlier
 *     ones, chosen mostly in proportion to the ties they already have
 *     (preferential attachment), so a few hubs gather thousands of ties;
 *   - about four relations per entity, every entity tied to an earlier one,
 *     so the graph is one connected component;
 *   - companies sit in ownership trees (owns, with shares, a second owner
 *     now and then, holdings that collect many subsidiaries) with a few
 *     cross-holdings that close ownership cycles, as real registries have;
 *   - names in English and Chinese with the legal forms registries use
 *     ("Zhejiang Huaxin Optical Technology Co., Ltd." / 浙江华信光学科技有限公司),
 *     pinyin-based English names for Chinese organizations, Latin names with
 *     their country's legal form for the others;
 *   - tags (a small share `surveillance`), identifiers on some entities, and
 *     every claim cited to one or two of eight generated sources;
 *   - an involvement claim (docs/format.md) for each company tagged
 *     `surveillance`, quoting an investigative source: what screening flags,
 *     directly or through the ownership trees.
 *
 * Every source says that the data is synthetic: a generated name may
 * coincide with a real organization's, and no claim here is about one.
 *
 * Output streams: sources, then each entity followed by the relations it
 * opens to earlier entities.  Memory is a few bytes per entity and 8 per
 * relation end (the preferential-attachment urn), about 45 MB for 1M
 * entities, whatever the output size.
 */
#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* ---- randomness: splitmix64, our own so that every libc gives the same bytes ---- */

typedef struct rng {
	uint64_t s;
} rng;

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rng_next(rng *r)
{
	r->s += 0x9e3779b97f4a7c15ULL;
	return mix64(r->s);
}

/* Uniform in [0, n); n > 0.  The multiply-shift bias is below 2^-32. */
static uint32_t rng_below(rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* 1 with probability per_mille / 1000. */
static int rng_chance(rng *r, uint32_t per_mille)
{
	return rng_below(r, 1000) < per_mille;
}

/* A stream of its own for entity i, so that an entity's attributes do not
 * depend on the order anything else was drawn in. */
static rng rng_for(uint64_t seed, uint64_t i, uint64_t salt)
{
	rng r = { mix64(seed * 0x100000001b3ULL ^ mix64(i + 1) ^ (salt << 56)) };
	return r;
}

#define PICK(r, arr) (&(arr)[rng_below((r), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))])
#define COUNT(arr) (sizeof(arr) / sizeof((arr)[0]))

/* ---- word lists ---- */

/* A word with its English and Chinese forms. */
struct word {
	const char *en, *zh;
};

/* Provinces ("p") and cities ("c"); xj marks Xinjiang, which gets the tag. */
static const struct place {
	const char *en, *zh;
	char type;
	char xj;
} places[] = {
	{ "Zhejiang", "浙江", 'p', 0 },   { "Jiangsu", "江苏", 'p', 0 },   { "Guangdong", "广东", 'p', 0 },
	{ "Shandong", "山东", 'p', 0 },   { "Fujian", "福建", 'p', 0 },    { "Sichuan", "四川", 'p', 0 },
	{ "Hubei", "湖北", 'p', 0 },      { "Hunan", "湖南", 'p', 0 },     { "Henan", "河南", 'p', 0 },
	{ "Hebei", "河北", 'p', 0 },      { "Anhui", "安徽", 'p', 0 },     { "Jiangxi", "江西", 'p', 0 },
	{ "Shaanxi", "陕西", 'p', 0 },    { "Liaoning", "辽宁", 'p', 0 },  { "Yunnan", "云南", 'p', 0 },
	{ "Guizhou", "贵州", 'p', 0 },    { "Hangzhou", "杭州", 'c', 0 },  { "Shenzhen", "深圳", 'c', 0 },
	{ "Guangzhou", "广州", 'c', 0 },  { "Nanjing", "南京", 'c', 0 },   { "Suzhou", "苏州", 'c', 0 },
	{ "Wuhan", "武汉", 'c', 0 },      { "Chengdu", "成都", 'c', 0 },   { "Xi'an", "西安", 'c', 0 },
	{ "Chongqing", "重庆", 'c', 0 },  { "Tianjin", "天津", 'c', 0 },   { "Beijing", "北京", 'c', 0 },
	{ "Shanghai", "上海", 'c', 0 },   { "Ningbo", "宁波", 'c', 0 },    { "Xiamen", "厦门", 'c', 0 },
	{ "Qingdao", "青岛", 'c', 0 },    { "Hefei", "合肥", 'c', 0 },     { "Changsha", "长沙", 'c', 0 },
	{ "Zhengzhou", "郑州", 'c', 0 },  { "Jinan", "济南", 'c', 0 },     { "Dalian", "大连", 'c', 0 },
	{ "Shenyang", "沈阳", 'c', 0 },   { "Wuxi", "无锡", 'c', 0 },      { "Dongguan", "东莞", 'c', 0 },
	{ "Foshan", "佛山", 'c', 0 },     { "Zhuhai", "珠海", 'c', 0 },    { "Kunming", "昆明", 'c', 0 },
	{ "Guiyang", "贵阳", 'c', 0 },    { "Nanchang", "南昌", 'c', 0 },  { "Fuzhou", "福州", 'c', 0 },
	{ "Wenzhou", "温州", 'c', 0 },    { "Jiaxing", "嘉兴", 'c', 0 },   { "Shaoxing", "绍兴", 'c', 0 },
	{ "Urumqi", "乌鲁木齐", 'c', 1 }, { "Kashgar", "喀什", 'c', 1 },   { "Hotan", "和田", 'c', 1 },
};

/* Syllables of brand and district names: a character and its pinyin. */
static const struct word syllables[] = {
	{ "hua", "华" },  { "xin", "信" },   { "hai", "海" },  { "kang", "康" }, { "zhong", "中" }, { "tian", "天" },
	{ "ke", "科" },   { "da", "达" },    { "tong", "通" }, { "an", "安" },   { "rui", "瑞" },   { "bo", "博" },
	{ "chuang", "创" }, { "hong", "宏" }, { "xin", "新" }, { "heng", "恒" }, { "tai", "泰" },  { "sheng", "盛" },
	{ "ding", "鼎" }, { "lian", "联" },  { "hui", "汇" },  { "zhi", "智" },  { "yun", "云" },   { "xing", "星" },
	{ "guang", "光" }, { "ming", "明" }, { "wei", "威" },  { "shi", "视" },  { "rui", "睿" },   { "jie", "捷" },
	{ "kai", "凯" },  { "yu", "宇" },    { "teng", "腾" }, { "fei", "飞" },  { "long", "龙" },  { "hong", "鸿" },
	{ "chen", "晨" }, { "tuo", "拓" },   { "yuan", "远" }, { "li", "立" },   { "dong", "东" },  { "fang", "方" },
	{ "jin", "金" },  { "zheng", "正" }, { "de", "德" },   { "jia", "嘉" },  { "yuan", "源" },  { "feng", "峰" },
	{ "lang", "朗" }, { "sai", "赛" },   { "mai", "迈" },  { "jie", "杰" },  { "li", "力" },    { "hang", "航" },
	{ "xin", "芯" },  { "wei", "微" },   { "shu", "数" },  { "tu", "图" },   { "jing", "景" },  { "yao", "曜" },
	{ "hao", "昊" },  { "xi", "熙" },    { "zhuo", "卓" }, { "yue", "越" },  { "qi", "启" },    { "fan", "帆" },
};

static const struct word industries[] = {
	{ "Optical Technology", "光学科技" },       { "Electronics", "电子" },
	{ "Information Technology", "信息技术" },   { "Intelligent Technology", "智能科技" },
	{ "Digital Technology", "数字技术" },       { "Network Technology", "网络科技" },
	{ "Software", "软件" },                     { "Security Technology", "安防科技" },
	{ "Communication Technology", "通信技术" }, { "Semiconductor", "半导体" },
	{ "Microelectronics", "微电子" },           { "Machinery", "机械" },
	{ "Trading", "贸易" },                      { "Investment", "投资" },
	{ "Biotechnology", "生物科技" },            { "New Energy", "新能源" },
	{ "Data Technology", "数据科技" },          { "Vision Technology", "视觉科技" },
	{ "Robotics", "机器人" },                   { "Cloud Computing", "云计算" },
	{ "Big Data", "大数据" },                   { "Internet Technology", "互联网科技" },
	{ "Precision Instruments", "精密仪器" },    { "Logistics", "物流" },
	{ "Construction Engineering", "建设工程" }, { "Materials", "材料" },
	{ "Acoustics", "声学" },                    { "Photoelectric Technology", "光电科技" },
};

/* Chinese legal forms, by weight. */
static const struct word cn_forms[] = {
	{ "Co., Ltd.", "有限公司" }, { "Co., Ltd.", "有限公司" },         { "Co., Ltd.", "有限公司" },
	{ "Co., Ltd.", "有限公司" }, { "Co., Ltd.", "股份有限公司" },     { "Group Co., Ltd.", "集团有限公司" },
	{ "Corporation", "公司" },   { "Holdings Co., Ltd.", "控股有限公司" },
};

/* Foreign stems: two parts, each with a Chinese transliteration. */
static const struct word stem_a[] = {
	{ "Nor", "诺" },  { "Hel", "赫" },  { "Arc", "阿克" }, { "Ver", "维" },  { "Kes", "凯斯" }, { "Lum", "卢姆" },
	{ "Ori", "奥瑞" }, { "Sol", "索" }, { "Tal", "塔" },   { "Mer", "梅" },  { "Cor", "科" },   { "Zen", "泽" },
	{ "Aur", "奥" },  { "Bel", "贝" },  { "Dal", "达" },   { "Fal", "法" },  { "Gal", "加" },   { "Mag", "马格" },
	{ "Nex", "耐克斯" }, { "Pax", "帕克斯" }, { "Quan", "宽" }, { "Sig", "西格" }, { "Vek", "维克" }, { "Xen", "森" },
};
static const struct word stem_b[] = {
	{ "dvik", "德维克" }, { "ios", "利奥斯" }, { "tura", "图拉" }, { "ida", "伊达" }, { "tel", "泰尔" },
	{ "era", "埃拉" },    { "on", "昂" },     { "aris", "阿里斯" }, { "ent", "恩特" }, { "idian", "迪安" },
	{ "tex", "泰克斯" },  { "ith", "伊斯" },  { "ora", "奥拉" },  { "vant", "万特" }, { "mark", "马克" },
	{ "lex", "莱克斯" },  { "stra", "斯特拉" }, { "nova", "诺瓦" }, { "wave", "韦夫" }, { "sys", "西斯" },
};
static const struct word sectors[] = {
	{ "Systems", "系统" },        { "Dynamics", "动力" },      { "Analytics", "分析" },
	{ "Technologies", "科技" },   { "Security", "安全" },      { "Vision", "视觉" },
	{ "Networks", "网络" },       { "Robotics", "机器人" },    { "Defense", "防务" },
	{ "Logistics", "物流" },      { "Capital", "资本" },       { "Software", "软件" },
	{ "Labs", "实验室" },         { "Instruments", "仪器" },   { "Semiconductors", "半导体" },
	{ "Imaging", "成像" },
};

/* Countries other than China, with their cities and legal forms. */
static const struct country {
	const char *code, *en, *zh;
	const char *forms[3]; /* legal forms, any may be NULL */
	struct word cities[2];
} countries[] = {
	{ "US", "United States", "美国", { "Inc.", "LLC", "Corp." }, { { "Boston", "波士顿" }, { "Austin", "奥斯汀" } } },
	{ "GB", "United Kingdom", "英国", { "Ltd", "PLC", "Limited" }, { { "London", "伦敦" }, { "Cambridge", "剑桥" } } },
	{ "DE", "Germany", "德国", { "GmbH", "AG", NULL }, { { "Berlin", "柏林" }, { "Munich", "慕尼黑" } } },
	{ "FR", "France", "法国", { "SA", "SAS", NULL }, { { "Paris", "巴黎" }, { "Lyon", "里昂" } } },
	{ "IL", "Israel", "以色列", { "Ltd.", "Ltd.", NULL }, { { "Tel Aviv", "特拉维夫" }, { "Haifa", "海法" } } },
	{ "NL", "Netherlands", "荷兰", { "B.V.", "N.V.", NULL }, { { "Amsterdam", "阿姆斯特丹" }, { "Eindhoven", "埃因霍温" } } },
	{ "SE", "Sweden", "瑞典", { "AB", NULL, NULL }, { { "Stockholm", "斯德哥尔摩" }, { "Lund", "隆德" } } },
	{ "JP", "Japan", "日本", { "Co., Ltd.", "K.K.", NULL }, { { "Tokyo", "东京" }, { "Osaka", "大阪" } } },
	{ "KR", "South Korea", "韩国", { "Co., Ltd.", "Inc.", NULL }, { { "Seoul", "首尔" }, { "Busan", "釜山" } } },
	{ "IT", "Italy", "意大利", { "S.p.A.", "S.r.l.", NULL }, { { "Milan", "米兰" }, { "Turin", "都灵" } } },
	{ "ES", "Spain", "西班牙", { "S.A.", "S.L.", NULL }, { { "Madrid", "马德里" }, { "Barcelona", "巴塞罗那" } } },
	{ "CH", "Switzerland", "瑞士", { "AG", "SA", "GmbH" }, { { "Zürich", "苏黎世" }, { "Geneva", "日内瓦" } } },
	{ "CA", "Canada", "加拿大", { "Inc.", "Ltd.", NULL }, { { "Toronto", "多伦多" }, { "Montréal", "蒙特利尔" } } },
	{ "AU", "Australia", "澳大利亚", { "Pty Ltd", NULL, NULL }, { { "Sydney", "悉尼" }, { "Melbourne", "墨尔本" } } },
	{ "IN", "India", "印度", { "Pvt. Ltd.", "Ltd.", NULL }, { { "Bangalore", "班加罗尔" }, { "Pune", "浦那" } } },
	{ "SG", "Singapore", "新加坡", { "Pte. Ltd.", NULL, NULL }, { { "Singapore", "新加坡" }, { "Jurong", "裕廊" } } },
	{ "AE", "United Arab Emirates", "阿联酋", { "LLC", "FZE", NULL }, { { "Dubai", "迪拜" }, { "Abu Dhabi", "阿布扎比" } } },
	{ "BR", "Brazil", "巴西", { "Ltda.", "S.A.", NULL }, { { "São Paulo", "圣保罗" }, { "Curitiba", "库里蒂巴" } } },
};

/* Kinds of government body, in China ({P} is the place, {D} a district). */
static const struct gov_form {
	const char *kind;
	char place_type; /* 'p' province, 'c' city, 'd' district of a city */
	const char *en, *zh;
} cn_gov[] = {
	{ "police", 'c', "%s Municipal Public Security Bureau", "%s市公安局" },
	{ "police", 'p', "%s Provincial Public Security Department", "%s省公安厅" },
	{ "police", 'd', "%s Public Security Bureau %s District Branch", "%s市公安局%s区分局" },
	{ "state_body", 'c', "%s Municipal Bureau of Industry and Information Technology", "%s市工业和信息化局" },
	{ "state_body", 'p', "%s Provincial Department of Science and Technology", "%s省科学技术厅" },
	{ "state_body", 'c', "%s Municipal Big Data Administration", "%s市大数据管理局" },
	{ "state_body", 'p', "%s Provincial State-owned Assets Supervision and Administration Commission",
	  "%s省人民政府国有资产监督管理委员会" },
	{ "state_body", 'd', "%s %s District Bureau of Science and Technology", "%s市%s区科学技术局" },
	{ "agency", 'c', "%s Municipal Development and Reform Commission", "%s市发展和改革委员会" },
	{ "agency", 'c', "%s Customs District", "%s海关" },
	{ "agency", 'd', "%s %s District Education Bureau", "%s市%s区教育局" },
	{ "municipality", 'c', "%s Municipal People's Government", "%s市人民政府" },
	{ "municipality", 'd', "%s %s District People's Government", "%s市%s区人民政府" },
};

static const struct word sys_types[] = {
	{ "Video Analytics Platform", "视频分析平台" },   { "Facial Recognition System", "人脸识别系统" },
	{ "Smart City Platform", "智慧城市平台" },        { "Vehicle Recognition System", "车辆识别系统" },
	{ "Data Fusion Platform", "数据融合平台" },       { "Command and Dispatch System", "指挥调度系统" },
	{ "Perimeter Monitoring System", "周界监控系统" }, { "Cloud Storage Platform", "云存储平台" },
};
static const struct word product_types[] = {
	{ "Network Camera", "网络摄像机" }, { "Thermal Camera", "热成像摄像机" },  { "Dome Camera", "球形摄像机" },
	{ "Video Recorder", "录像机" },     { "Access Control Terminal", "门禁终端" }, { "Drone", "无人机" },
	{ "Edge Computing Box", "边缘计算盒" }, { "Gateway", "网关" },
};
static const struct word project_types[] = {
	{ "Smart Policing Project", "智慧警务项目" }, { "Safe Campus Project", "平安校园项目" },
	{ "Border Monitoring Project", "边境监控项目" }, { "Data Center Project", "数据中心项目" },
	{ "Smart Transport Project", "智慧交通项目" }, { "Industrial Park Project", "产业园项目" },
};
static const struct word cn_univ[] = {
	{ "%s University of Technology", "%s工业大学" }, { "%s Normal University", "%s师范大学" },
	{ "%s University of Science and Technology", "%s科技大学" },
	{ "%s University of Posts and Telecommunications", "%s邮电大学" },
	{ "%s Institute of Technology", "%s理工学院" }, { "%s Police College", "%s警察学院" },
};
static const struct word cn_research[] = {
	{ "%s Institute of Optics and Electronics", "%s光电研究所" },
	{ "%s Academy of Artificial Intelligence", "%s人工智能研究院" },
	{ "%s Institute of Information Engineering", "%s信息工程研究所" },
	{ "%s Institute of Advanced Technology", "%s先进技术研究院" },
};

/* The generated sources: every claim cites one or two of them. */
enum { SRC_REGISTRY, SRC_REPORTS, SRC_PROCUREMENT, SRC_NEWS, SRC_INVESTIGATION, SRC_TRADE, SRC_ACADEMIC,
       SRC_NGO, N_SOURCES };
static const struct gen_source {
	const char *id, *title, *lang;
} gen_sources[N_SOURCES] = {
	{ "gen-registry", "[synthetic] company registry extracts", "zh-Hans" },
	{ "gen-annual-reports", "[synthetic] annual reports and filings", "en" },
	{ "gen-procurement", "[synthetic] public procurement notices", "zh-Hans" },
	{ "gen-news", "[synthetic] news reports", "en" },
	{ "gen-investigation", "[synthetic] investigative report", "en" },
	{ "gen-trade", "[synthetic] customs and trade records", "en" },
	{ "gen-academic", "[synthetic] academic papers and patents", "en" },
	{ "gen-ngo", "[synthetic] research briefs of civil-society groups", "en" },
};

/* ---- the entities ---- */

enum cls { C_COMPANY, C_GOV, C_ACAD, C_SYS, C_NGO, C_COUNTRY };

/* What the relation step needs to remember of each entity. */
#define F_CN 1     /* a Chinese organization */
#define F_OWNER 2  /* a state body that may own companies (SASAC-like) */
#define F_MUNI 4   /* a municipality */

struct gen {
	uint64_t seed;
	uint32_t n;          /* entities asked for */
	uint32_t n_countries; /* the first n_countries entities are countries */
	uint8_t *cls;        /* per entity: enum cls */
	uint8_t *flags;      /* per entity: F_* */
	uint32_t *parent;    /* per entity: its first owner + 1, or 0 */
	uint32_t *id_at;     /* per entity: where its id starts in ids */
	tm_buf ids;          /* every id so far, each NUL-terminated */
	uint32_t *urn;       /* preferential attachment: both ends of every tie */
	size_t n_urn, cap_urn;
	uint32_t *owners;    /* companies, once each plus once per subsidiary */
	size_t n_owners, cap_owners;
	uint32_t *state;     /* state bodies that own companies */
	size_t n_state, cap_state;
	uint8_t used[512];   /* names that exist once (a city's police bureau): taken yet? */
	rng r;               /* the tie-making stream */
	tm_buf line;
	FILE *out;
	uint64_t n_relations;
};

/* Where the once-only names of each table start in gen.used (in bits). */
enum { ONCE_FOREIGN = 0, ONCE_GOV = 100, ONCE_UNIV = 800, ONCE_RESEARCH = 1200, ONCE_PROJECT = 1500,
       ONCE_END = 2800 };

/* 1 the first time a name (bit) is asked for, 0 after: a city has one
 * police bureau, one university of technology. */
static int first_use(struct gen *g, unsigned bit)
{
	if (bit >= ONCE_END || (g->used[bit / 8] & (1u << (bit % 8))))
		return 0;
	g->used[bit / 8] |= (uint8_t)(1u << (bit % 8));
	return 1;
}

static void json_str(tm_buf *b, const char *s)
{
	tm_buf_addch(b, '"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			tm_buf_addch(b, '\\');
			tm_buf_addch(b, (char)c);
		} else if (c < 0x20) {
			tm_buf_addf(b, "\\u%04x", c);
		} else {
			tm_buf_addch(b, (char)c);
		}
	}
	tm_buf_addch(b, '"');
}

/* The slug of an English word: lower-case ASCII letters and digits only. */
static void slug_add(tm_buf *b, const char *s)
{
	for (; *s; s++) {
		char c = *s;
		if (c >= 'A' && c <= 'Z')
			tm_buf_addch(b, (char)(c - 'A' + 'a'));
		else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			tm_buf_addch(b, c);
	}
}

/* A brand of two (sometimes three) syllables: "Huaxin" / "华信". */
static void brand(rng *r, tm_buf *en, tm_buf *zh)
{
	int n = rng_chance(r, 150) ? 3 : 2;
	for (int k = 0; k < n; k++) {
		const struct word *s = PICK(r, syllables);
		if (k == 0) {
			tm_buf_addch(en, (char)(s->en[0] - 'a' + 'A'));
			tm_buf_adds(en, s->en + 1);
		} else {
			tm_buf_adds(en, s->en);
		}
		tm_buf_adds(zh, s->zh);
	}
}

/* One entity's record as generated, before it is written. */
struct ent {
	enum cls cls;
	const char *kind;
	const char *country;
	char start[8];
	tm_buf id, en, zh, alias; /* alias: another English name, or empty */
	const char *tags[3];
	size_t n_tags;
	char ident_scheme[8];
	tm_buf ident;
	int src; /* SRC_* */
	int page;
};

static void random_chars(rng *r, tm_buf *b, const char *alphabet, size_t n)
{
	size_t len = strlen(alphabet);
	for (size_t k = 0; k < n; k++)
		tm_buf_addch(b, alphabet[rng_below(r, (uint32_t)len)]);
}

static void make_cn_company(rng *r, struct ent *e, uint32_t i)
{
	const struct place *p = PICK(r, places);
	tm_buf ben = TM_BUF_INIT, bzh = TM_BUF_INIT;
	brand(r, &ben, &bzh);
	const struct word *ind = PICK(r, industries);
	const struct word *form = PICK(r, cn_forms);
	if (strcmp(ind->en, "Investment") == 0 && strstr(form->en, "Holdings"))
		form = &cn_forms[0];
	/* about a third drop the place, as national firms do */
	int with_place = !rng_chance(r, 300);
	if (with_place)
		tm_buf_addf(&e->en, "%s ", p->en);
	tm_buf_addf(&e->en, "%s %s %s", ben.buf, ind->en, form->en);
	tm_buf_addf(&e->zh, "%s%s%s%s", with_place ? p->zh : "", bzh.buf, ind->zh, form->zh);
	if (rng_chance(r, 200))
		tm_buf_addf(&e->alias, "%s %s", ben.buf, ind->en);
	slug_add(&e->id, ben.buf);
	e->country = "CN";
	if (p->xj)
		e->tags[e->n_tags++] = "xinjiang";
	if (strstr(ind->en, "Security") || strstr(ind->en, "Vision") || strstr(ind->en, "Optical")) {
		if (rng_chance(r, 250))
			e->tags[e->n_tags++] = "surveillance";
	} else if (rng_chance(r, 10)) {
		e->tags[e->n_tags++] = "surveillance";
	}
	if (rng_chance(r, 80))
		e->tags[e->n_tags++] = "state_owned";
	if (rng_chance(r, 400)) {
		/* the unified social credit code: 18 characters */
		memcpy(e->ident_scheme, "uscc", 5);
		tm_buf_adds(&e->ident, "91");
		random_chars(r, &e->ident, "0123456789", 6);
		random_chars(r, &e->ident, "0123456789ABCDEFGHJKLMNPQRTUWXY", 10);
	} else if (rng_chance(r, 30)) {
		memcpy(e->ident_scheme, "ticker", 7);
		tm_buf_addf(&e->ident, "%06u.%s", (unsigned)(i % 1000000), rng_chance(r, 500) ? "SZ" : "SH");
	}
	e->src = rng_chance(r, 700) ? SRC_REGISTRY : SRC_REPORTS;
	tm_buf_release(&ben);
	tm_buf_release(&bzh);
}

/* A Latin name "Norvik" / "诺德维克" from the stems. */
static void stem(rng *r, tm_buf *en, tm_buf *zh)
{
	const struct word *a = PICK(r, stem_a), *b = PICK(r, stem_b);
	tm_buf_addf(en, "%s%s", a->en, b->en);
	tm_buf_addf(zh, "%s%s", a->zh, b->zh);
}

static void make_foreign_company(rng *r, struct ent *e)
{
	const struct country *c = PICK(r, countries);
	tm_buf sen = TM_BUF_INIT, szh = TM_BUF_INIT;
	stem(r, &sen, &szh);
	const struct word *sec = PICK(r, sectors);
	const char *form = c->forms[0];
	uint32_t f = rng_below(r, 3);
	if (c->forms[f])
		form = c->forms[f];
	tm_buf_addf(&e->en, "%s %s %s", sen.buf, sec->en, form);
	/* some foreign companies are known in Chinese by a transliteration */
	if (rng_chance(r, 250))
		tm_buf_addf(&e->zh, "%s%s公司", szh.buf, sec->zh);
	slug_add(&e->id, sen.buf);
	e->country = c->code;
	if (strcmp(c->code, "IL") == 0 && rng_chance(r, 150))
		e->tags[e->n_tags++] = "occupation";
	if ((strcmp(sec->en, "Vision") == 0 || strcmp(sec->en, "Security") == 0 || strcmp(sec->en, "Imaging") == 0) &&
	    rng_chance(r, 200))
		e->tags[e->n_tags++] = "surveillance";
	if (rng_chance(r, 200)) {
		memcpy(e->ident_scheme, "lei", 4);
		random_chars(r, &e->ident, "0123456789", 4);
		tm_buf_adds(&e->ident, "00");
		random_chars(r, &e->ident, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", 12);
		random_chars(r, &e->ident, "0123456789", 2);
	} else if (rng_chance(r, 20)) {
		memcpy(e->ident_scheme, "ticker", 7);
		for (const char *s = sen.buf; *s && e->ident.len < 4; s++)
			tm_buf_addch(&e->ident, (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s));
	}
	e->src = rng_chance(r, 500) ? SRC_REPORTS : SRC_REGISTRY;
	tm_buf_release(&sen);
	tm_buf_release(&szh);
}

static void make_gov(struct gen *g, rng *r, struct ent *e, uint8_t *flags)
{
	uint32_t ci = rng_below(r, COUNT(countries)), cc = rng_below(r, 2);
	int police = rng_chance(r, 600);
	if (rng_chance(r, 150) && first_use(g, ONCE_FOREIGN + (ci * 2 + cc) * 2 + (unsigned)police)) {
		/* a foreign body: police or city government of a foreign city */
		const struct country *c = &countries[ci];
		const struct word *city = &c->cities[cc];
		e->kind = police ? "police" : "municipality";
		tm_buf_addf(&e->en, police ? "%s Police Department" : "%s City Council", city->en);
		tm_buf_addf(&e->zh, police ? "%s警察局" : "%s市议会", city->zh);
		slug_add(&e->id, city->en);
		e->country = c->code;
		if (!police)
			*flags |= F_MUNI;
		e->src = police ? SRC_NEWS : SRC_PROCUREMENT;
		return;
	}
	if (rng_chance(r, 50)) {
		/* a military unit, by its number */
		unsigned unit = 30000 + rng_below(r, 69999);
		e->kind = "military";
		tm_buf_addf(&e->en, "PLA Unit %u", unit);
		tm_buf_addf(&e->zh, "中国人民解放军%u部队", unit);
		tm_buf_addf(&e->id, "pla%u", unit);
		e->country = "CN";
		e->src = SRC_PROCUREMENT;
		return;
	}
	const struct place *p;
	const struct gov_form *f = PICK(r, cn_gov);
	do
		p = PICK(r, places);
	while ((f->place_type == 'p') != (p->type == 'p'));
	/* a city or a province has each body once; the others are district bodies */
	if (f->place_type != 'd' && !first_use(g, ONCE_GOV + (unsigned)(f - cn_gov) * COUNT(places) + (unsigned)(p - places))) {
		do
			f = PICK(r, cn_gov);
		while (f->place_type != 'd');
		while (p->type == 'p')
			p = PICK(r, places);
	}
	e->kind = f->kind;
	if (f->place_type == 'd') {
		tm_buf den = TM_BUF_INIT, dzh = TM_BUF_INIT;
		brand(r, &den, &dzh);
		tm_buf_addf(&e->en, f->en, p->en, den.buf);
		tm_buf_addf(&e->zh, f->zh, p->zh, dzh.buf);
		slug_add(&e->id, p->en);
		tm_buf_addch(&e->id, '-');
		slug_add(&e->id, den.buf);
		tm_buf_release(&den);
		tm_buf_release(&dzh);
	} else {
		tm_buf_addf(&e->en, f->en, p->en);
		tm_buf_addf(&e->zh, f->zh, p->zh);
		slug_add(&e->id, p->en);
	}
	e->country = "CN";
	if (p->xj)
		e->tags[e->n_tags++] = "xinjiang";
	if (strcmp(f->kind, "municipality") == 0)
		*flags |= F_MUNI;
	if (strstr(f->en, "State-owned"))
		*flags |= F_OWNER;
	*flags |= F_CN;
	e->src = rng_chance(r, 600) ? SRC_PROCUREMENT : SRC_NEWS;
}

static void make_acad(struct gen *g, rng *r, struct ent *e, uint8_t *flags)
{
	int univ = rng_chance(r, 500);
	if (rng_chance(r, 150)) {
		const struct country *c = PICK(r, countries);
		tm_buf sen = TM_BUF_INIT, szh = TM_BUF_INIT;
		stem(r, &sen, &szh);
		e->kind = univ ? "university" : "research_institute";
		tm_buf_addf(&e->en, univ ? "%s Institute of Technology" : "%s Research Center", sen.buf);
		tm_buf_addf(&e->zh, univ ? "%s理工学院" : "%s研究中心", szh.buf);
		slug_add(&e->id, sen.buf);
		e->country = c->code;
		tm_buf_release(&sen);
		tm_buf_release(&szh);
	} else {
		const struct place *p = PICK(r, places);
		const struct word *f = univ ? PICK(r, cn_univ) : PICK(r, cn_research);
		unsigned bit = (univ ? ONCE_UNIV : ONCE_RESEARCH) +
			       (unsigned)(f - (univ ? cn_univ : cn_research)) * COUNT(places) + (unsigned)(p - places);
		e->kind = univ ? "university" : "research_institute";
		if (univ && !first_use(g, bit)) {
			/* the place's university of this kind exists: a private college */
			tm_buf ben = TM_BUF_INIT, bzh = TM_BUF_INIT;
			brand(r, &ben, &bzh);
			tm_buf_addf(&e->en, "%s %s Vocational and Technical College", p->en, ben.buf);
			tm_buf_addf(&e->zh, "%s%s职业技术学院", p->zh, bzh.buf);
			slug_add(&e->id, ben.buf);
			tm_buf_release(&ben);
			tm_buf_release(&bzh);
		} else if (!univ && (rng_chance(r, 500) || !first_use(g, bit))) {
			/* named after a brand rather than a place */
			tm_buf ben = TM_BUF_INIT, bzh = TM_BUF_INIT;
			brand(r, &ben, &bzh);
			tm_buf_addf(&e->en, f->en, ben.buf);
			tm_buf_addf(&e->zh, f->zh, bzh.buf);
			slug_add(&e->id, ben.buf);
			tm_buf_release(&ben);
			tm_buf_release(&bzh);
		} else {
			tm_buf_addf(&e->en, f->en, p->en);
			tm_buf_addf(&e->zh, f->zh, p->zh);
			slug_add(&e->id, p->en);
			if (p->xj)
				e->tags[e->n_tags++] = "xinjiang";
		}
		e->country = "CN";
		*flags |= F_CN;
	}
	e->src = SRC_ACADEMIC;
}

static void make_sys(struct gen *g, rng *r, struct ent *e, uint8_t *flags)
{
	tm_buf ben = TM_BUF_INIT, bzh = TM_BUF_INIT;
	uint32_t what = rng_below(r, 10);
	if (what < 4) {
		const struct word *t = PICK(r, sys_types);
		brand(r, &ben, &bzh);
		e->kind = "system";
		tm_buf_addf(&e->en, "%s %s", ben.buf, t->en);
		tm_buf_addf(&e->zh, "%s%s", bzh.buf, t->zh);
		slug_add(&e->id, ben.buf);
		if (rng_chance(r, 350))
			e->tags[e->n_tags++] = "surveillance";
	} else if (what < 8) {
		const struct word *t = PICK(r, product_types);
		brand(r, &ben, &bzh);
		/* the model code: the brand's first letter and the consonant after its first vowel */
		char code[3] = { ben.buf[0], 'X', 0 };
		for (size_t k = 1; k + 1 < ben.len; k++)
			if (strchr("aeiou", ben.buf[k]) && !strchr("aeioung", ben.buf[k + 1])) {
				code[1] = (char)(ben.buf[k + 1] - 'a' + 'A');
				break;
			}
		unsigned num = 1000 + rng_below(r, 9000);
		e->kind = "product";
		tm_buf_addf(&e->en, "%s %s-%u %s", ben.buf, code, num, t->en);
		tm_buf_addf(&e->zh, "%s%s-%u%s", bzh.buf, code, num, t->zh);
		slug_add(&e->id, ben.buf);
		tm_buf_addch(&e->id, '-');
		slug_add(&e->id, code);
		tm_buf_addf(&e->id, "%u", num);
		if (strstr(t->en, "Camera") && rng_chance(r, 400))
			e->tags[e->n_tags++] = "surveillance";
	} else {
		const struct word *t = PICK(r, project_types);
		const struct place *p = PICK(r, places);
		unsigned phase = 1 + rng_below(r, 4);
		e->kind = "project";
		if (first_use(g, ONCE_PROJECT + ((unsigned)(t - project_types) * COUNT(places) + (unsigned)(p - places)) * 4 +
					 phase - 1)) {
			tm_buf_addf(&e->en, "%s %s Phase %u", p->en, t->en, phase);
			tm_buf_addf(&e->zh, "%s%s%u期", p->zh, t->zh, phase);
		} else {
			/* the city's project exists: a district's */
			brand(r, &ben, &bzh);
			tm_buf_addf(&e->en, "%s %s District %s Phase %u", p->en, ben.buf, t->en, phase);
			tm_buf_addf(&e->zh, "%s%s区%s%u期", p->zh, bzh.buf, t->zh, phase);
		}
		slug_add(&e->id, p->en);
		if (p->xj)
			e->tags[e->n_tags++] = "xinjiang";
		if (strstr(t->en, "Policing") || strstr(t->en, "Border"))
			e->tags[e->n_tags++] = "surveillance";
		else if (rng_chance(r, 200))
			e->tags[e->n_tags++] = "belt_and_road";
	}
	e->country = "CN";
	*flags |= F_CN;
	e->src = rng_chance(r, 500) ? SRC_INVESTIGATION : SRC_NEWS;
	tm_buf_release(&ben);
	tm_buf_release(&bzh);
}

static void make_ngo(rng *r, struct ent *e)
{
	tm_buf sen = TM_BUF_INIT, szh = TM_BUF_INIT;
	if (rng_chance(r, 500)) {
		const struct place *p = PICK(r, places);
		const struct word *ind = PICK(r, industries);
		tm_buf_addf(&e->en, "%s %s Industry Association", p->en, ind->en);
		tm_buf_addf(&e->zh, "%s%s行业协会", p->zh, ind->zh);
		slug_add(&e->id, p->en);
		e->country = "CN";
	} else {
		const struct country *c = PICK(r, countries);
		stem(r, &sen, &szh);
		tm_buf_addf(&e->en, rng_chance(r, 500) ? "%s Foundation" : "%s Digital Rights Institute", sen.buf);
		slug_add(&e->id, sen.buf);
		e->country = c->code;
	}
	e->kind = "ngo";
	e->src = SRC_NGO;
	tm_buf_release(&sen);
	tm_buf_release(&szh);
}

/* Entity i: its kind and names, from its own random stream. */
static void make_entity(struct gen *g, uint32_t i, struct ent *e)
{
	rng r = rng_for(g->seed, i, 1);
	uint8_t flags = 0;
	memset(e->tags, 0, sizeof(e->tags));
	e->n_tags = 0;
	e->ident_scheme[0] = '\0';
	e->start[0] = '\0';
	e->page = 0;
	tm_buf_reset(&e->id);
	tm_buf_reset(&e->en);
	tm_buf_reset(&e->zh);
	tm_buf_reset(&e->alias);
	tm_buf_reset(&e->ident);
	if (i < g->n_countries) {
		const struct country *c = &countries[i];
		e->cls = C_COUNTRY;
		e->kind = "country";
		e->country = c->code;
		tm_buf_adds(&e->en, c->en);
		tm_buf_adds(&e->zh, c->zh);
		tm_buf_adds(&e->id, "country-");
		slug_add(&e->id, c->code);
		e->src = SRC_TRADE;
		g->cls[i] = C_COUNTRY;
		g->flags[i] = 0;
		return;
	}
	uint32_t roll = rng_below(&r, 1000);
	if (roll < 720) {
		e->cls = C_COMPANY;
		e->kind = "company";
		if (rng_chance(&r, 650)) {
			make_cn_company(&r, e, i);
			flags |= F_CN;
		} else {
			make_foreign_company(&r, e);
		}
	} else if (roll < 820) {
		e->cls = C_GOV;
		make_gov(g, &r, e, &flags);
	} else if (roll < 870) {
		e->cls = C_ACAD;
		make_acad(g, &r, e, &flags);
	} else if (roll < 995) {
		e->cls = C_SYS;
		make_sys(g, &r, e, &flags);
	} else {
		e->cls = C_NGO;
		make_ngo(&r, e);
	}
	if (rng_chance(&r, 500))
		snprintf(e->start, sizeof(e->start), "%u", 1980 + rng_below(&r, 45));
	e->page = rng_chance(&r, 200) ? (int)(1 + rng_below(&r, 300)) : 0;
	tm_buf_addf(&e->id, "-%u", (unsigned)i);
	g->cls[i] = (uint8_t)e->cls;
	g->flags[i] = flags;
}

static void write_line(struct gen *g)
{
	tm_buf_addch(&g->line, '\n');
	fwrite(g->line.buf, 1, g->line.len, g->out);
	tm_buf_reset(&g->line);
}

static void add_cites(tm_buf *b, int src, int second, int page)
{
	tm_buf_adds(b, ",\"sources\":[");
	if (page)
		tm_buf_addf(b, "{\"source\":\"%s\",\"page\":\"p. %d\"}", gen_sources[src].id, page);
	else
		tm_buf_addf(b, "\"%s\"", gen_sources[src].id);
	if (second >= 0 && second != src)
		tm_buf_addf(b, ",\"%s\"", gen_sources[second].id);
	tm_buf_adds(b, "]}");
}

static void write_entity(struct gen *g, const struct ent *e)
{
	tm_buf *b = &g->line;
	tm_buf_adds(b, "{\"type\":\"entity\",\"id\":");
	json_str(b, e->id.buf);
	tm_buf_addf(b, ",\"kind\":\"%s\"", e->kind);
	if (e->country)
		tm_buf_addf(b, ",\"country\":\"%s\"", e->country);
	if (e->start[0])
		tm_buf_addf(b, ",\"start\":\"%s\"", e->start);
	tm_buf_adds(b, ",\"names\":[{\"text\":");
	json_str(b, e->en.buf);
	tm_buf_adds(b, ",\"lang\":\"en\",\"primary\":true}");
	if (e->alias.len) {
		tm_buf_adds(b, ",{\"text\":");
		json_str(b, e->alias.buf);
		tm_buf_adds(b, ",\"lang\":\"en\"}");
	}
	if (e->zh.len) {
		tm_buf_adds(b, ",{\"text\":");
		json_str(b, e->zh.buf);
		tm_buf_adds(b, ",\"lang\":\"zh-Hans\",\"primary\":true}");
	}
	tm_buf_addch(b, ']');
	if (e->n_tags) {
		tm_buf_adds(b, ",\"tags\":[");
		for (size_t k = 0; k < e->n_tags; k++)
			tm_buf_addf(b, "%s\"%s\"", k ? "," : "", e->tags[k]);
		tm_buf_addch(b, ']');
	}
	if (e->ident_scheme[0]) {
		tm_buf_addf(b, ",\"identifiers\":[{\"scheme\":\"%s\",\"value\":", e->ident_scheme);
		json_str(b, e->ident.buf);
		tm_buf_adds(b, "}]");
	}
	add_cites(b, e->src, -1, e->page);
	write_line(g);
}

/* A company tagged surveillance is, in this made-up world, also claimed to
 * supply it: in Xinjiang when tagged so, else to the occupation.  Nothing of
 * the random streams is drawn, so the rest of the output stays as it was. */
static void write_involvement(struct gen *g, const struct ent *e)
{
	int surv = 0, xj = 0;
	for (size_t k = 0; k < e->n_tags; k++) {
		surv |= strcmp(e->tags[k], "surveillance") == 0;
		xj |= strcmp(e->tags[k], "xinjiang") == 0;
	}
	if (!surv || strcmp(e->kind, "company") != 0)
		return;
	tm_buf *b = &g->line;
	tm_buf_adds(b, "{\"type\":\"involvement\",\"entity\":");
	json_str(b, e->id.buf);
	tm_buf_addf(b, ",\"category\":\"%s\",\"sources\":[{\"source\":\"%s\",\"quote\":",
		    xj ? "xinjiang_surveillance" : "occupation_surveillance", gen_sources[SRC_INVESTIGATION].id);
	tm_buf ws = TM_BUF_INIT;
	tm_buf_addf(&ws, "%s supplies surveillance systems (synthetic)", e->en.buf);
	json_str(b, ws.buf);
	tm_buf_release(&ws);
	tm_buf_adds(b, "}]}");
	write_line(g);
}

/* ---- the ties ---- */

struct tie {
	const char *predicate;
	int i_is_subject;
	int src, src2; /* SRC_*; src2 -1 for none */
};

/* A predicate for a tie between the new entity i and the earlier j, and
 * which end is its subject.  The pair is looked at as (a, b) with a of the
 * lower class; a_subj says whether a is the subject. */
static void choose_tie(rng *r, int ci, uint8_t fi, int cj, uint8_t fj, struct tie *t)
{
	int a_is_i = ci <= cj;
	int ca = a_is_i ? ci : cj, cb = a_is_i ? cj : ci;
	uint8_t fb = a_is_i ? fj : fi;
	uint32_t x = rng_below(r, 100);
	int a_subj = 1;
	t->src2 = -1;
	if (ca == C_COMPANY && cb == C_COMPANY) {
		/* a is i, the newer company: the older one acquires, invests, co-founds */
		t->src = SRC_REPORTS;
		a_subj = 0;
		if (x < 4) t->predicate = "acquired", t->src = SRC_REGISTRY;
		else if (x < 20) t->predicate = "invested_in", t->src = SRC_REGISTRY;
		else if (x < 50) t->predicate = "supplies", t->src = SRC_TRADE, a_subj = (int)rng_below(r, 2);
		else if (x < 80) t->predicate = "partner_of", t->src = SRC_NEWS;
		else if (x < 95) t->predicate = "trades_with", t->src = SRC_TRADE;
		else t->predicate = "co_founded";
	} else if (ca == C_COMPANY && cb == C_GOV) {
		t->src = SRC_PROCUREMENT;
		if ((fb & F_MUNI) && x < 25) t->predicate = "located_in";
		else if (x < 55) t->predicate = "contractor_for";
		else if (x < 85) t->predicate = "supplies";
		else if (x < 93) t->predicate = "funds", a_subj = 0, t->src = SRC_NEWS;
		else if (x < 98) t->predicate = "invested_in", a_subj = 0, t->src = SRC_REGISTRY;
		else t->predicate = "banned", a_subj = 0, t->src = SRC_NEWS;
	} else if (ca == C_COMPANY && cb == C_ACAD) {
		t->src = SRC_ACADEMIC;
		if (x < 50) t->predicate = "partner_of";
		else if (x < 75) t->predicate = "funds";
		else t->predicate = "co_founded", a_subj = 0;
	} else if (ca == C_COMPANY && cb == C_SYS) {
		t->src = SRC_INVESTIGATION;
		if (x < 45) t->predicate = "developed";
		else if (x < 70) t->predicate = "built";
		else if (x < 85) t->predicate = "supplies", t->src = SRC_PROCUREMENT;
		else t->predicate = "operates";
	} else if (ca == C_COMPANY && cb == C_NGO) {
		t->src = SRC_NGO;
		t->predicate = x < 70 ? "member_of" : "funds";
	} else if (ca == C_GOV && cb == C_GOV) {
		/* a is i, the newer body: part of the older one */
		t->src = SRC_NEWS;
		if (x < 50) t->predicate = "part_of";
		else if (x < 80) t->predicate = "partner_of";
		else t->predicate = "member_of";
	} else if (ca == C_GOV && cb == C_ACAD) {
		t->src = SRC_ACADEMIC;
		if (x < 40) t->predicate = "partner_of";
		else if (x < 80) t->predicate = "funds";
		else t->predicate = "contractor_for", a_subj = 0;
	} else if (ca == C_GOV && cb == C_SYS) {
		t->src = SRC_INVESTIGATION;
		if (x < 40) t->predicate = "operates";
		else if (x < 80) t->predicate = "uses";
		else t->predicate = "funds", t->src = SRC_PROCUREMENT;
	} else if (ca == C_GOV && cb == C_NGO) {
		t->src = SRC_NGO;
		t->predicate = x < 50 ? "funds" : "partner_of";
	} else if (ca == C_ACAD && cb == C_ACAD) {
		t->src = SRC_ACADEMIC;
		t->predicate = x < 70 ? "partner_of" : "member_of";
	} else if (ca == C_ACAD && cb == C_SYS) {
		t->src = SRC_ACADEMIC;
		t->predicate = x < 60 ? "developed" : "uses";
	} else if (ca == C_ACAD && cb == C_NGO) {
		t->src = SRC_NGO;
		t->predicate = "partner_of";
	} else if (ca == C_SYS && cb == C_SYS) {
		t->src = SRC_INVESTIGATION;
		if (x < 50) t->predicate = "feeds_into";
		else if (x < 80) t->predicate = "part_of";
		else t->predicate = "uses";
		a_subj = (int)rng_below(r, 2);
	} else if (ca == C_SYS && cb == C_NGO) {
		/* a civil-society group funds a project now and then */
		t->src = SRC_NGO;
		t->predicate = "funds";
		a_subj = 0;
	} else {
		t->src = SRC_NGO;
		t->predicate = "partner_of";
	}
	if (rng_chance(r, 150))
		t->src2 = SRC_NEWS + (int)rng_below(r, 3);
	t->i_is_subject = a_is_i == a_subj;
}

static void push_urn(struct gen *g, uint32_t a)
{
	TM_GROW(g->urn, g->cap_urn, g->n_urn + 1);
	g->urn[g->n_urn++] = a;
}

static void push_u32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
	TM_GROW(*v, *cap, *n + 1);
	(*v)[(*n)++] = x;
}

static void write_relation(struct gen *g, uint32_t subj, const char *pred, uint32_t obj, int src, int src2,
			   double share)
{
	tm_buf *b = &g->line;
	rng *r = &g->r;
	tm_buf_adds(b, "{\"type\":\"relation\",\"subject\":\"");
	tm_buf_adds(b, g->ids.buf + g->id_at[subj]);
	tm_buf_addf(b, "\",\"predicate\":\"%s\",\"object\":\"", pred);
	tm_buf_adds(b, g->ids.buf + g->id_at[obj]);
	tm_buf_addch(b, '"');
	int dated = strcmp(pred, "acquired") == 0 || rng_chance(r, 550);
	if (dated) {
		unsigned y = 1995 + rng_below(r, 30);
		if (rng_chance(r, 300))
			tm_buf_addf(b, ",\"start\":\"%u-%02u\"", y, 1 + rng_below(r, 12));
		else
			tm_buf_addf(b, ",\"start\":\"%u\"", y);
		if (rng_chance(r, 100))
			tm_buf_addf(b, ",\"end\":\"%u\"", y + 1 + rng_below(r, 6));
	}
	int money = strcmp(pred, "acquired") == 0 ? 400 : strcmp(pred, "contractor_for") == 0 ? 300 :
		    strcmp(pred, "invested_in") == 0 ? 300 : 0;
	if (money && rng_chance(r, (uint32_t)money)) {
		/* amounts are round, as reported amounts tend to be */
		unsigned long long amount = (unsigned long long)(1 + rng_below(r, 999)) * 100000ULL *
					    (rng_chance(r, 200) ? 100 : 1);
		tm_buf_addf(b, ",\"amount\":%llu,\"currency\":\"%s\"", amount, rng_chance(r, 600) ? "CNY" : "USD");
	}
	if (share >= 0)
		tm_buf_addf(b, ",\"share\":%.1f", share);
	add_cites(b, src, src2, 0);
	write_line(g);
	/* countries gather ties only through their own predicates, not as hubs */
	if (subj >= g->n_countries)
		push_urn(g, subj);
	if (obj >= g->n_countries)
		push_urn(g, obj);
	g->n_relations++;
}

static int in_list(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t k = 0; k < n; k++)
		if (v[k] == x)
			return 1;
	return 0;
}

/* A share in percent with one decimal. */
static double share_of(rng *r, int majority)
{
	unsigned tenths = majority ? 510 + rng_below(r, 491) : 50 + rng_below(r, 440);
	return tenths / 10.0;
}

/* An earlier entity, mostly in proportion to its ties. */
static uint32_t pick_earlier(struct gen *g, uint32_t i)
{
	uint32_t lo = g->n_countries;
	if (g->n_urn && rng_chance(&g->r, 750))
		return g->urn[rng_below(&g->r, (uint32_t)g->n_urn)];
	return lo + rng_below(&g->r, i - lo);
}

/* Up to m ordinary ties from i to earlier entities not in taken. */
static void ordinary_ties(struct gen *g, uint32_t i, uint32_t m, uint32_t *taken, size_t n_taken)
{
	uint32_t avail = i - g->n_countries;
	if (m > avail)
		m = avail;
	for (uint32_t k = 0, tries = 0; k < m && tries < 4 * m + 8; tries++) {
		uint32_t j = pick_earlier(g, i);
		if (j == i || in_list(taken, n_taken, j))
			continue;
		struct tie t;
		choose_tie(&g->r, g->cls[i], g->flags[i], g->cls[j], g->flags[j], &t);
		write_relation(g, t.i_is_subject ? i : j, t.predicate, t.i_is_subject ? j : i, t.src, t.src2, -1);
		taken[n_taken++] = j;
		k++;
	}
}

/* The owners of company i: a state body, or a company drawn in proportion
 * to the subsidiaries it has (so holdings grow), sometimes a second owner,
 * rarely a cross-holding back up the tree that closes a cycle.  Returns how
 * many earlier entities it tied i to (in taken). */
static size_t ownership_ties(struct gen *g, uint32_t i, uint32_t *taken)
{
	rng *r = &g->r;
	size_t n = 0;
	if (g->n_state && (g->flags[i] & F_CN) && rng_chance(r, 40)) {
		uint32_t p = g->state[rng_below(r, (uint32_t)g->n_state)];
		write_relation(g, p, "owns", i, SRC_REGISTRY, -1, share_of(r, 1));
		taken[n++] = p;
		return n;
	}
	if (!g->n_owners || !rng_chance(r, 550))
		return n;
	uint32_t p = g->owners[rng_below(r, (uint32_t)g->n_owners)];
	double s = share_of(r, rng_chance(r, 650));
	write_relation(g, p, "owns", i, rng_chance(r, 700) ? SRC_REGISTRY : SRC_REPORTS, -1, s);
	taken[n++] = p;
	g->parent[i] = p + 1;
	push_u32(&g->owners, &g->n_owners, &g->cap_owners, p);
	if (rng_chance(r, 120)) {
		uint32_t q = g->owners[rng_below(r, (uint32_t)g->n_owners)];
		double room = 100.0 - s; /* > 0: s is at most 100 */
		if (q != p && room >= 5.1) {
			write_relation(g, q, "owns", i, SRC_REGISTRY, -1, 5.0 + rng_below(r, (uint32_t)((room - 5.0) * 10)) / 10.0);
			taken[n++] = q;
		}
	}
	if (rng_chance(r, 6)) {
		/* i owns a little of its owner, or of its owner's owner */
		uint32_t up = g->parent[p] && rng_chance(r, 500) ? g->parent[p] - 1 : p;
		write_relation(g, i, "owns", up, SRC_INVESTIGATION, SRC_REPORTS, (1 + rng_below(r, 200)) / 10.0);
		taken[n++] = up;
	}
	return n;
}

/* The ties entity i opens to earlier entities. */
static void make_ties(struct gen *g, uint32_t i)
{
	uint32_t first = g->n_countries;
	uint32_t taken[16];
	size_t n_taken = 0;
	rng *r = &g->r;
	int ci = g->cls[i];
	if (i < first)
		return; /* countries are tied to by others */
	/* every country gets one tie from the entities right after the countries */
	if (i < 2 * first)
		write_relation(g, i, ci == C_COMPANY ? "sells_in" : "located_in", i - first, SRC_TRADE, -1, -1);
	else if (first && ci == C_COMPANY && rng_chance(r, 40))
		write_relation(g, i, rng_chance(r, 700) ? "sells_in" : "rnd_center_in", rng_below(r, first), SRC_TRADE, -1,
			       -1);
	if (i == first)
		return;
	if (ci == C_COMPANY) {
		n_taken = ownership_ties(g, i, taken);
		push_u32(&g->owners, &g->n_owners, &g->cap_owners, i);
	} else if (ci == C_GOV && (g->flags[i] & F_OWNER)) {
		push_u32(&g->state, &g->n_state, &g->cap_state, i);
	}
	/* about 3.5 more ties: 1-7, or 0-6 for a company that has an owner already */
	ordinary_ties(g, i, n_taken ? rng_below(r, 7) : 1 + rng_below(r, 7), taken, n_taken);
}

static void write_sources(struct gen *g)
{
	for (int s = 0; s < N_SOURCES; s++) {
		tm_buf *b = &g->line;
		tm_buf_addf(b, "{\"type\":\"source\",\"id\":\"%s\",\"title\":\"%s\",\"publisher\":\"tiemap gen\","
			       "\"date\":\"2024\",\"lang\":\"%s\",\"note\":\"synthetic data made by 'tiemap gen' for tests and "
			       "benchmarks; no claim here is about any real organization\"}",
			    gen_sources[s].id, gen_sources[s].title, gen_sources[s].lang);
		write_line(g);
	}
}

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "entities", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	long long n = -1;
	unsigned long long seed = 1;
	const char *out = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		errno = 0;
		if (c == 'n') {
			n = strtoll(optarg, &end, 10);
			if (errno || *end || n < 1 || n > 50000000) {
				fputs("tiemap: --entities must be between 1 and 50000000\n", stderr);
				return TM_EXIT_USAGE;
			}
		} else if (c == 's') {
			seed = strtoull(optarg, &end, 10);
			if (errno || *end || !*optarg || *optarg == '-') {
				fputs("tiemap: --seed must be a non-negative integer\n", stderr);
				return TM_EXIT_USAGE;
			}
		} else if (c == 'o') {
			out = optarg;
		} else {
			return tm_cli_usage(&tm_cmd_gen);
		}
	}
	if (n < 0 || optind != argc)
		return tm_cli_usage(&tm_cmd_gen);

	struct gen g;
	memset(&g, 0, sizeof(g));
	g.seed = seed;
	g.n = (uint32_t)n;
	/* countries only when there is room for them to be a small part */
	g.n_countries = g.n / 200 < COUNT(countries) ? g.n / 200 : (uint32_t)COUNT(countries);
	g.cls = tm_xcalloc(g.n, 1);
	g.flags = tm_xcalloc(g.n, 1);
	g.parent = tm_xcalloc(g.n, sizeof(*g.parent));
	g.id_at = tm_xcalloc(g.n, sizeof(*g.id_at));
	tm_buf_init(&g.ids);
	g.r.s = mix64(seed ^ 0x7469656d6170ULL); /* "tiemap" */
	tm_buf_init(&g.line);
	g.out = out ? fopen(out, "wb") : stdout;
	if (!g.out) {
		fprintf(stderr, "tiemap: unable to create '%s': %s\n", out, strerror(errno));
		free(g.cls);
		free(g.flags);
		free(g.parent);
		free(g.id_at);
		return TM_EXIT_FAIL;
	}
	static char iobuf[1 << 16];
	setvbuf(g.out, iobuf, _IOFBF, sizeof(iobuf));
	tm_progress bar;
	tm_progress_start(&bar, cli, "generating");
	write_sources(&g);
	struct ent e;
	memset(&e, 0, sizeof(e));
	tm_buf_init(&e.id);
	tm_buf_init(&e.en);
	tm_buf_init(&e.zh);
	tm_buf_init(&e.alias);
	tm_buf_init(&e.ident);
	for (uint32_t i = 0; i < g.n; i++) {
		make_entity(&g, i, &e);
		g.id_at[i] = (uint32_t)g.ids.len;
		tm_buf_add(&g.ids, e.id.buf, e.id.len + 1);
		write_entity(&g, &e);
		write_involvement(&g, &e);
		make_ties(&g, i);
		if ((i & 0xffff) == 0 || i + 1 == g.n)
			tm_progress_update(&bar, i + 1, g.n);
	}
	tm_progress_end(&bar);
	tm_buf_release(&e.id);
	tm_buf_release(&e.en);
	tm_buf_release(&e.zh);
	tm_buf_release(&e.alias);
	tm_buf_release(&e.ident);
	int status = TM_EXIT_OK;
	if (fflush(g.out) != 0 || ferror(g.out)) {
		fprintf(stderr, "tiemap: unable to write '%s': %s\n", out ? out : "<stdout>", strerror(errno));
		status = TM_EXIT_FAIL;
	}
	if (out && fclose(g.out) != 0 && !status) {
		fprintf(stderr, "tiemap: unable to write '%s': %s\n", out, strerror(errno));
		status = TM_EXIT_FAIL;
	}
	if (!status && out && !cli->quiet)
		fprintf(stderr, "wrote %d sources, %u entities, %llu relations to %s\n", N_SOURCES, g.n,
			(unsigned long long)g.n_relations, out);
	if (!out)
		setvbuf(stdout, NULL, _IOFBF, BUFSIZ);
	tm_buf_release(&g.line);
	free(g.cls);
	free(g.flags);
	free(g.parent);
	free(g.id_at);
	tm_buf_release(&g.ids);
	free(g.urn);
	free(g.owners);
	free(g.state);
	return status;
}

const tm_cmd tm_cmd_gen = {
	"gen", run, 0, "gen --entities N [--seed S] [--out FILE]",
	"write a synthetic dataset for benchmarks and tests",
	"Writes N entities with about 4 relations each, in the interchange format, to\n"
	"standard output or FILE: power-law degrees, ownership trees with shares and a\n"
	"few cycles, English and Chinese names with legal forms, tags, identifiers,\n"
	"every claim cited to one of eight generated sources.  The same N and seed\n"
	"(default 1) always give the same bytes.  The data is synthetic: a generated\n"
	"name may match a real organization's by chance, and says nothing about it.\n",
};
