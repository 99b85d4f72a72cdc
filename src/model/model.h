/*
 * model: the records of the knowledge graph (sources, entities, relations,
 * citations) and the vocabularies they draw from (entity kinds, predicates
 * with their labels in both directions and both languages).
 *
 * Records are plain structs of owned strings (see the ownership rule in
 * core.h): X_release() frees what a record holds.  An absent optional string
 * is NULL, an absent date is "".
 */
#ifndef TM_MODEL_H
#define TM_MODEL_H

#include "core/core.h"

#define TM_DATE_MAX 11 /* "YYYY-MM-DD" and its NUL */

/* One citation: the claim rests on `source`, optionally at a quote or page. */
typedef struct tm_cite {
	char *source; /* source id */
	char *quote;  /* words quoted from the source, or NULL */
	char *page;   /* page or section, or NULL */
} tm_cite;

typedef struct tm_cites {
	tm_cite *v;
	size_t n, cap;
} tm_cites;

typedef struct tm_source {
	char *id;
	char *title;
	char *author;    /* NULL when unknown */
	char *publisher; /* NULL when unknown */
	char date[TM_DATE_MAX];
	char *url;       /* only a URL someone has seen; NULL otherwise */
	char *lang;      /* BCP-47 tag of the source's language, or NULL */
	char *note;
	char accessed[TM_DATE_MAX]; /* YYYY-MM-DD: when someone last read the source itself; "" unknown */
	int checked;     /* 1: its title and URL were seen on the source; 0: supplied from another account */
} tm_source;

typedef struct tm_name {
	char *text;
	char *lang;  /* BCP-47: en, zh-Hans, zh-Hant, he, ar … */
	int primary; /* the name to show for this language; at most one per language */
} tm_name;

typedef struct tm_ident {
	char *scheme; /* isin, lei, ticker, wikidata, uscc … */
	char *value;
} tm_ident;

typedef struct tm_entity {
	char *id;      /* stable slug: [a-z0-9][a-z0-9_.-]* */
	char *kind;    /* from tm_kinds */
	char *country; /* ISO 3166-1 alpha-2, or NULL */
	char start[TM_DATE_MAX];
	char end[TM_DATE_MAX];
	char *desc_en, *desc_zh;
	tm_name *names;
	size_t n_names, cap_names;
	tm_strv tags;
	tm_ident *idents;
	size_t n_idents, cap_idents;
	tm_cites cites;
	int unsourced; /* imported with --allow-unsourced and no citation */
	char added[TM_DATE_MAX];   /* YYYY-MM-DD the claim was first added; "" not yet known (the store sets it) */
	char changed[TM_DATE_MAX]; /* YYYY-MM-DD it last changed; "" as added */
	/* ids of entities merged into this one (`tiemap merge`), which now
	 * name it: FollowTheMoney's "referents" (docs/editing.md, "Merging") */
	tm_strv referents;
} tm_entity;

typedef struct tm_relation {
	char *subject, *predicate, *object; /* entity ids and a predicate id */
	char start[TM_DATE_MAX];
	char end[TM_DATE_MAX];
	int has_amount;
	double amount;
	char *currency; /* ISO 4217, or NULL */
	int has_share;
	double share;   /* percent, 0..100 */
	char *note;
	tm_cites cites;
	int unsourced;
	char added[TM_DATE_MAX];   /* as an entity's */
	char changed[TM_DATE_MAX];
} tm_relation;

/* An entity's involvement: a claim, with its own evidence, that the entity
 * takes part in one of the activities of tm_categories (supplying
 * surveillance for the occupation's checkpoints, building the IJOP …).
 * Screening flags come from these alone (docs/screening.md); tags are
 * topics.  Identified by (entity, category, start, end), like a relation. */
typedef struct tm_involvement {
	char *entity;   /* entity id; never of a place kind */
	char *category; /* from tm_categories */
	char start[TM_DATE_MAX]; /* the period, when the sources give one */
	char end[TM_DATE_MAX];
	char *note;
	tm_cites cites; /* at least one, each with a quote */
	char added[TM_DATE_MAX];
	char changed[TM_DATE_MAX];
} tm_involvement;

/* A text of the site kept in the data (the about page), in both languages. */
typedef struct tm_page {
	char *id;                 /* slug: "about" */
	char *title_en, *title_zh; /* at least one */
	char *body_en, *body_zh;   /* plain text: paragraphs split by blank lines, "## " starts a heading */
} tm_page;

void tm_source_release(tm_source *s);
void tm_page_release(tm_page *p);
void tm_entity_release(tm_entity *e);
void tm_relation_release(tm_relation *r);
void tm_involvement_release(tm_involvement *v);
/* Deep copies (dst is overwritten, the caller releases it). */
void tm_relation_copy(tm_relation *dst, const tm_relation *r);
void tm_involvement_copy(tm_involvement *dst, const tm_involvement *v);
void tm_cites_copy(tm_cites *dst, const tm_cites *c);
void tm_cites_push(tm_cites *c, const char *source, const char *quote, const char *page);
void tm_cites_release(tm_cites *c);
/* 1 if a and b cite the same sources with the same quotes and pages, in order. */
int tm_cites_equal(const tm_cites *a, const tm_cites *b);
/* 1 if a and b are the same record, every field and part (names, tags,
 * identifiers, citations) equal and in the same order: putting a record
 * equal to the stored one changes nothing.  The days a claim was added and
 * last changed (added, changed) are not compared: they say when the rest
 * changed, and the store keeps them (store.h). */
int tm_source_equal(const tm_source *a, const tm_source *b);
int tm_entity_equal(const tm_entity *a, const tm_entity *b);
int tm_relation_equal(const tm_relation *a, const tm_relation *b);
int tm_involvement_equal(const tm_involvement *a, const tm_involvement *b);
int tm_page_equal(const tm_page *a, const tm_page *b);
/* Merge `from` into `into` (an import's --on-conflict merge): the fields
 * of `into` stay where set and empty ones take those of `from`; the names
 * (text and language), tags, identifiers and citations of `from` that
 * `into` lacks come after its own, a name primary only where `into` has no
 * primary name in its language.  A record that gains a citation is no
 * longer unsourced.  A source's `checked` stays that of `into`; the days a
 * claim was added and changed are the store's to set. */
void tm_source_merge(tm_source *into, const tm_source *from);
void tm_entity_merge(tm_entity *into, const tm_entity *from);
void tm_relation_merge(tm_relation *into, const tm_relation *from);
/* The same for an involvement claim (a merge of two entities, docs/editing.md):
 * into's note stays where set, from's citations it lacks come after its own. */
void tm_involvement_merge(tm_involvement *into, const tm_involvement *from);
void tm_entity_add_name(tm_entity *e, const char *text, const char *lang, int primary);
void tm_entity_add_ident(tm_entity *e, const char *scheme, const char *value);

/* The name to show for e in language lang ("en" or "zh"): the primary name
 * in that language, else any name in it, else the English primary, else the
 * first name, else the id.  Borrowed from e. */
const char *tm_entity_display_name(const tm_entity *e, const char *lang);
/* The same as a name record, with its language; lang may also be "zh-Hans"
 * (as "zh") or "zh-Hant" (a Traditional name first, else as "zh").  NULL
 * when e has no names.  Borrowed from e. */
const tm_name *tm_entity_display(const tm_entity *e, const char *lang);

/* An entity kind of the vocabulary. */
typedef struct tm_kind {
	const char *id;
	const char *label_en, *label_zh;
	/* A place (country, region, city): never the inside of a path or a
	 * neighbourhood unless asked, never carries or passes on a flag.  Every
	 * company sells in some country; a place joins everything to everything. */
	int place;
} tm_kind;

/* A predicate of the vocabulary, with its labels both ways: "owns" reads
 * subject→object as label_en and object→subject as inverse_en. */
typedef struct tm_predicate {
	const char *id;
	const char *label_en, *inverse_en;
	const char *label_zh, *inverse_zh;
	int symmetric;  /* partner_of: the same both ways */
	int ownership;  /* counts for owners chains */
} tm_predicate;

extern const tm_kind tm_kinds[];
extern const size_t tm_n_kinds;
extern const tm_predicate tm_predicates[];
extern const size_t tm_n_predicates;

const tm_kind *tm_kind_find(const char *id);           /* NULL if unknown */
int tm_kind_index(const char *id);                     /* -1 if unknown */
/* 1 if kind (an id) is a place kind. */
int tm_kind_is_place(const char *kind);
/* Bit i set for every kind i that is not a place: tm_path_opts.kinds for a
 * walk that may not pass through places. */
uint64_t tm_kinds_no_places(void);
const tm_predicate *tm_predicate_find(const char *id); /* NULL if unknown */
int tm_predicate_index(const char *id);                /* -1 if unknown */

/* An involvement category (docs/format.md has the table and its anchors).
 * Each comes from a published list of corporate activities: the "listed
 * activities" of paragraph 96 of the UN fact-finding mission's report
 * A/HRC/22/63, which define the OHCHR database of business enterprises
 * involved in Israeli settlements; Who Profits' categories; the surveillance,
 * detention and forced-labour subjects of Human Rights Watch's and ASPI's
 * Xinjiang research. */
typedef struct tm_category {
	const char *id;
	const char *context;          /* "palestine" or "uyghur_region" */
	const char *label_en, *label_zh;
	const char *def_en, *def_zh;  /* what an entity does to be in it */
	const char *anchor;           /* where the definition comes from */
} tm_category;
extern const tm_category tm_categories[];
extern const size_t tm_n_categories;
/* The category with id, or NULL; its index, or -1. */
const tm_category *tm_category_find(const char *id);
int tm_category_index(const char *id);
/* The label of a context ("palestine", "uyghur_region") in lang "en"/"zh". */
const char *tm_context_label(const char *context, const char *lang);
/* A word of a small vocabulary with its labels. */
typedef struct tm_vocab {
	const char *id;
	const char *label_en, *label_zh;
} tm_vocab;

/* The word id in vocabulary v of n words, or NULL. */
const tm_vocab *tm_vocab_find(const tm_vocab *v, size_t n, const char *id);
/* Its label in lang ("zh" or anything else for English); id itself when unknown. */
const char *tm_vocab_label(const tm_vocab *v, size_t n, const char *id, const char *lang);

/* The topics: the tags with labels in both languages (a tag may be any
 * lower-case word of the data; these are the ones pages label, in every
 * interface language, and search finds by either label).  The one list of
 * them: the site's catalogs read it (web/i18n_hant.c, html.c). */
extern const tm_vocab tm_topics[];
extern const size_t tm_n_topics;

/* A relation's key in history (store_history.h): "subject predicate
 * object", and " start..end" when it has a date (owned by the caller). */
char *tm_relation_key(const tm_relation *r);
/* Read a key back into the identity fields of *out (subject, predicate,
 * object, start, end; the caller releases); 0 when key is not one. */
int tm_relation_key_parse(const char *key, tm_relation *out);
/* An involvement claim's key in history: "entity category", and
 * " start..end" when it has a period; read back as for relations (entity,
 * category, start, end). */
char *tm_involvement_key(const tm_involvement *v);
int tm_involvement_key_parse(const char *key, tm_involvement *out);

/* 1 if s is a valid id slug. */
int tm_id_valid(const char *s);
/* 1 if s looks like a BCP-47 tag (letters, digits, hyphens; first subtag 2-3 letters). */
int tm_lang_valid(const char *s);

#endif
