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
} tm_relation;

void tm_source_release(tm_source *s);
void tm_entity_release(tm_entity *e);
void tm_relation_release(tm_relation *r);
void tm_cites_push(tm_cites *c, const char *source, const char *quote, const char *page);
void tm_cites_release(tm_cites *c);
/* 1 if a and b cite the same sources with the same quotes and pages, in order. */
int tm_cites_equal(const tm_cites *a, const tm_cites *b);
/* 1 if a and b are the same record, every field and part (names, tags,
 * identifiers, citations) equal and in the same order: putting a record
 * equal to the stored one changes nothing. */
int tm_source_equal(const tm_source *a, const tm_source *b);
int tm_entity_equal(const tm_entity *a, const tm_entity *b);
int tm_relation_equal(const tm_relation *a, const tm_relation *b);
/* Merge `from` into `into` (an import's --on-conflict merge): the fields
 * of `into` stay where set and empty ones take those of `from`; the names
 * (text and language), tags, identifiers and citations of `from` that
 * `into` lacks come after its own, a name primary only where `into` has no
 * primary name in its language.  A record that gains a citation is no
 * longer unsourced. */
void tm_source_merge(tm_source *into, const tm_source *from);
void tm_entity_merge(tm_entity *into, const tm_entity *from);
void tm_relation_merge(tm_relation *into, const tm_relation *from);
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
const tm_predicate *tm_predicate_find(const char *id); /* NULL if unknown */
int tm_predicate_index(const char *id);                /* -1 if unknown */

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

/* 1 if s is a valid id slug. */
int tm_id_valid(const char *s);
/* 1 if s looks like a BCP-47 tag (letters, digits, hyphens; first subtag 2-3 letters). */
int tm_lang_valid(const char *s);

#endif
