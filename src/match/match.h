/*
 * match: screening names and identifiers against the graph.
 *
 * Someone else's list (a fund's holdings, a city's vendors, the vendors of a
 * network's devices) names institutions its own way: "HANGZHOU HIKVISION
 * DIGITAL TECHNOLOGY CO LTD-A", "海康威視", "Hik Vision", an ISIN.  A
 * matcher finds the entity each line means, or says there is none, and
 * explains itself.  The method, and why (docs/screening.md):
 *
 *   1. Identifiers first.  A value that has the shape of an ISIN, LEI or
 *      USCC must pass its check digit (Luhn, ISO 7064 mod 97-10, GB 32100)
 *      before it is looked up; an identifier found in the store decides.
 *   2. Names: the query gets the store's match keys (text.h), after the
 *      noise of holdings lists is dropped (share classes, ADR, "-A").
 *      Candidates come from the store's indexes only (exact keys, key
 *      prefixes, rare words and Chinese character pairs through FTS5), at
 *      most max_candidates entities, never a scan.
 *   3. Each candidate's stored keys are scored against the query: equal
 *      keys (exact, without legal form, pinyin, spacing) score by tier;
 *      otherwise a weighted token alignment (Jaro-Winkler per word for
 *      typos, abbreviations expanded, generic words such as "technology"
 *      or 集团 weighing less) mixed with Jaro-Winkler over the whole name.
 *   4. Bonuses and penalties: the country when the input gives one, the
 *      kind (a name with a legal form is a company, not a product).
 *
 * Flags: a flagger (below) says which involvement categories an entity is
 * flagged for, directly or through a chain of ownership, and gives the claim
 * and the chain, for evidence with quotes and sources.
 *
 * Threads: a matcher wraps one store connection and is used by one thread
 * at a time; a flagger only reads an immutable graph and may be shared.
 * Ownership: results are the caller's, released with the _release() below.
 */
#ifndef TM_MATCH_H
#define TM_MATCH_H

#include "core/core.h"
#include "graph/graph.h"
#include "search/search.h"
#include "store/store.h"

/* The default threshold: a best candidate below it is no match.  Chosen on
 * the evaluation set (tests/data/screen-eval/), where it gives precision and
 * recall of at least 0.95. */
#define TM_MATCH_THRESHOLD 0.85

typedef struct tm_matcher tm_matcher;

typedef struct tm_match_opts {
	double threshold;      /* 0 means TM_MATCH_THRESHOLD */
	size_t max_candidates; /* entities scored per query; 0 means 32 */
	/* A shared typo index (search.h), or NULL: the matcher then makes its
	 * own the first time a query needs one (from the store's cache when
	 * cached is set, see tm_search_vocab_open()). */
	const tm_search_vocab *vocab;
	int cached;
} tm_match_opts;

/* One line to screen.  Every field may be NULL or "". */
typedef struct tm_match_query {
	const char *name;    /* as written, in any script */
	const char *ident;   /* an identifier of unknown scheme: its shape tells (ISIN, LEI, USCC), else a ticker */
	const char *country; /* ISO 3166 code (CN, CHN) or an English or Chinese name */
	/* identifiers from columns that name their scheme (core.h), strongest
	 * first: the first found decides, and a ticker is only ever a ticker */
	const tm_qident *ids;
	size_t nids;
} tm_match_query;

/* How a match was made. */
typedef enum tm_match_by {
	TM_BY_NONE = 0,
	TM_BY_IDENT,      /* an identifier equal to the input's */
	TM_BY_EXACT,      /* a name equal after normalization (case, width, script, punctuation) */
	TM_BY_LEGAL_FORM, /* equal once legal forms and share classes are set aside */
	TM_BY_PINYIN,     /* Chinese characters on one side, their pinyin on the other */
	TM_BY_SPACING,    /* equal but for spaces: "Hik Vision", "haikangweishi" */
	TM_BY_ABBREV,     /* equal once abbreviations are written out: "Tech" → "Technology" */
	TM_BY_FUZZY,      /* similar: typos, words missing or added */
	/* Not a match: the input holds the whole name of an institution (a
	 * group) and words of its own that none of the group's names has, a
	 * line of business ("BYD Electronic", "COSCO SHIPPING Energy", "CETC
	 * Avionics").  It may be a member of the group, or a stranger with a
	 * like name; only an ownership relation in the data can say. */
	TM_BY_GROUP
} tm_match_by;

/* The short name of a tm_match_by, for output: "identifier", "exact",
 * "legal form", "pinyin", "spacing", "abbreviation", "fuzzy",
 * "possible group member". */
const char *tm_match_by_name(tm_match_by by);

typedef struct tm_match {
	char *id;           /* entity slug */
	tm_ekey key;        /* the entity's key, a graph node */
	char *kind;
	char *country;      /* NULL when unknown */
	char *name;         /* the stored name or identifier that matched */
	char *name_lang;    /* its language tag, or the identifier scheme */
	double score;       /* 0..1, bonuses included */
	tm_match_by by;
	char *explain;      /* one English sentence: what matched, how, what counted */
} tm_match;

typedef struct tm_matches {
	tm_match *v;  /* best first; may include candidates below the threshold */
	size_t n, cap;
	char *warning; /* NULL, or a note on the input ("ISIN fails its check digit") */
} tm_matches;
void tm_matches_release(tm_matches *m);

/* A matcher over st (borrowed: it must outlive the matcher).  opts may be NULL. */
tm_rc tm_matcher_new(tm_store *st, const tm_match_opts *opts, tm_matcher **out, tm_err *err);
void tm_matcher_free(tm_matcher *m);
double tm_matcher_threshold(const tm_matcher *m);

/* Hold one read snapshot of the store over many queries (faster, and
 * consistent); tm_matcher_end() lets it go.  Optional. */
tm_rc tm_matcher_begin(tm_matcher *m, tm_err *err);
void tm_matcher_end(tm_matcher *m);

/* Screen one query: up to limit candidates into *out, best first.  The
 * first is a match when its score reaches the threshold.  Fails only when
 * the store does; a query with nothing usable gives no candidates. */
tm_rc tm_match_query_run(tm_matcher *m, const tm_match_query *q, size_t limit, tm_matches *out, tm_err *err);

/* The brute-force reference: the same scoring over every name in the store
 * (a full scan).  For the queries q[0..n-1] at once, out[i] gets the best
 * candidate of q[i] (out must hold n cleared tm_matches).  Only for checking
 * that the indexed path finds what a scan finds. */
tm_rc tm_match_brute_force(tm_matcher *m, const tm_match_query *q, size_t n, tm_matches *out, tm_err *err);

/* ---- the parts, exposed for tests and for explanations ---- */

/* Jaro-Winkler similarity of two UTF-8 strings, by code point: 0..1. */
double tm_match_jaro_winkler(const char *a, const char *b);

/* Token-set ratio (as in fuzzywuzzy) of two space-separated token strings,
 * 0..1: 1 when one set of words contains the other. */
double tm_match_token_set_ratio(const char *a, const char *b);

/* Identifier checks: 1 when s has the shape and a correct check character. */
int tm_match_isin_valid(const char *s);  /* ISO 6166, Luhn over the digits of letters-as-numbers */
int tm_match_lei_valid(const char *s);   /* ISO 17442, ISO 7064 mod 97-10 */
int tm_match_uscc_valid(const char *s);  /* GB 32100-2015, mod 31 over its 31-character alphabet */
int tm_match_cusip_valid(const char *s); /* CUSIP: 8 characters and a Luhn-like check digit */
int tm_match_sedol_valid(const char *s); /* SEDOL: 6 characters (no vowels), weights 1 3 1 7 3 9 */

/* The scheme whose shape s has ("isin", "lei", "uscc"), checked or not;
 * NULL when it has none of them (a ticker, say).  CUSIPs and SEDOLs are
 * told by their column, not their shape: a ticker can look like either. */
const char *tm_match_ident_shape(const char *s);

/* For a value of scheme: 1 when its check character is right, 0 when it is
 * wrong or the value has not the scheme's shape, -1 when the scheme has no
 * check (a ticker, an unknown scheme). */
int tm_match_ident_check(const char *scheme, const char *s);

/* Put an identifier as lists write it into the form it is stored in:
 * upper case, without spaces or dashes inside; a CUSIP or SEDOL that a
 * spreadsheet read as a number gets back its leading zeros. Into out
 * (cap bytes); 0 when it does not fit or is empty. */
int tm_match_ident_norm(const char *scheme, const char *raw, char *out, size_t cap);

/* The ISO 3166 alpha-2 code of a country written as a code (CN, CHN) or a
 * name (China, 中国, PRC) into out; 1 when found, 0 (and out "") if not. */
int tm_match_country_code(const char *s, char out[3]);

/* The name with the noise of holdings lists cut from its end: share
 * classes and listing words ("-A", "CL B", "ADR", "ORD", "SHS"), while a
 * word remains.  Works on a normalized key (lower case, spaces); owned. */
char *tm_match_strip_listing(const char *norm);

/* ---- flags (docs/screening.md) ---- */

/*
 * A flag says that a matched entity is involved in one of the activities of
 * the involvement vocabulary (model.h tm_categories), and how the network
 * knows it:
 *   - direct: the entity's own involvement claim, with its citations;
 *   - via an owner: the entity is owned (up a chain of ownership ties) by an
 *     entity with such a claim;
 *   - via a subsidiary: the entity owns (down such a chain) one that has.
 * Only ownership ties (predicates with `ownership`: owns, acquired) carry a
 * flag, each valid today, each with a recorded share of at least min_share
 * or no share recorded (the chain then says "share not given"), at most
 * depth ties long.  Nothing else flags: not a tag (tags are topics), not a
 * supplier, partner or customer, and never a place, which neither carries
 * nor passes on a flag.
 */

/* The defaults the CLI, the API and the web form share. */
#define TM_FLAG_DEPTH 3        /* ownership ties a flag follows */
#define TM_FLAG_DEPTH_MAX 6
#define TM_FLAG_MIN_SHARE 50.0 /* percent: a smaller recorded share passes no flag (OFAC's 50 percent rule) */

typedef struct tm_flag_opts {
	const char *const *categories; /* category ids to flag; NULL (or none): all of them */
	size_t ncategories;
	int depth;                     /* ownership ties followed; 0: direct claims only */
	double min_share;              /* percent */
} tm_flag_opts;
/* The defaults above into o (every category). */
void tm_flag_opts_init(tm_flag_opts *o);

typedef enum tm_flag_basis {
	TM_FLAG_DIRECT = 0,
	TM_FLAG_VIA_OWNER,     /* the entity is owned by the involved one */
	TM_FLAG_VIA_SUBSIDIARY /* the entity owns the involved one */
} tm_flag_basis;
/* "direct", "via_owner", "via_subsidiary". */
const char *tm_flag_basis_name(tm_flag_basis b);

typedef struct tm_flag {
	int category;        /* index into tm_categories */
	tm_flag_basis basis;
	tm_node involved;    /* the entity whose claim it is: the entity itself when direct */
	int64_t *claims;     /* its involvement claims of the category (tm_store_get_involvement) */
	size_t n_claims;
	tm_step *chain;      /* via: the ownership ties from the entity to `involved`, walked in order */
	size_t n_chain;
} tm_flag;

typedef struct tm_flags {
	tm_flag *v;          /* at most one a category, in vocabulary order */
	size_t n, cap;
} tm_flags;
void tm_flags_release(tm_flags *f);
/* A deep copy of src into dst (the caller's to release). */
void tm_flags_copy(tm_flags *dst, const tm_flags *src);

typedef struct tm_flagger tm_flagger;

/* A flagger over graph g (borrowed) with the involvement claims of st (read
 * here, once), as o says (NULL: the defaults).  An unknown category in o is
 * TM_ERR_INVALID. */
tm_rc tm_flagger_new(tm_store *st, const tm_graph *g, const tm_flag_opts *o, tm_flagger **out, tm_err *err);
void tm_flagger_free(tm_flagger *f);

/* The flags of node: for each category asked, the direct claim, else the
 * shortest ownership chain (an owner before a subsidiary at equal length).
 * Safe to call from several threads at once. */
tm_rc tm_flagger_check(const tm_flagger *f, tm_node node, tm_flags *out, tm_err *err);

#endif
