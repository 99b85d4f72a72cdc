/*
 * model/action: the campaign records.  An action is something people did
 * against an institution (a protest, a boycott, a cancelled contract …); a
 * site is a place where an institution is present (an office, a
 * distributor, a deployment of its cameras …), and so a place where one can
 * act.  Both are sourced like every other claim.
 *
 * Records follow the rules of model.h: plain structs of owned strings,
 * X_release() frees what they hold, an absent optional string is NULL and an
 * absent date is "".
 */
#ifndef TM_MODEL_ACTION_H
#define TM_MODEL_ACTION_H

#include "model/model.h"

/* A text in the two languages of tiemap; either may be NULL (untranslated). */
typedef struct tm_bitext {
	char *en;
	char *zh;
} tm_bitext;

/* An actor or a target of an action: an entity of the graph, or free text
 * when the party is not in the graph ("about a dozen protesters"). */
typedef struct tm_party {
	char *entity;   /* entity id, or NULL for free text */
	tm_bitext text; /* the free text when entity is NULL (at least one language) */
} tm_party;

typedef struct tm_parties {
	tm_party *v;
	size_t n, cap;
} tm_parties;

/* Where a record is on the globe.  Coordinates are WGS 84 degrees. */
typedef struct tm_geo {
	int has;         /* 0: no coordinates known */
	double lat, lon; /* -90..90, -180..180 */
	char *precision; /* what the point stands for: exact, street, city, region, country; or NULL */
} tm_geo;

typedef struct tm_action {
	char *id;               /* slug, as entity ids */
	char date[TM_DATE_MAX]; /* YYYY, YYYY-MM or YYYY-MM-DD: the form is the precision */
	char *kind;             /* from tm_action_kinds */
	tm_bitext place;        /* the place name as the sources give it, or NULLs */
	char *country;          /* ISO 3166-1 alpha-2, or NULL */
	tm_geo geo;
	tm_parties actors, targets;
	tm_bitext title, summary, outcome;
	char *note;             /* free text, e.g. how the accounts differ */
	tm_cites cites;         /* at least one */
} tm_action;

typedef struct tm_site {
	char *id;       /* slug */
	char *entity;   /* the institution present there, or NULL */
	char *kind;     /* from tm_site_kinds */
	tm_bitext name; /* what to call the place; may be NULLs when entity is set */
	char *address;  /* street address as a source gives it, or NULL */
	char *city;
	char *region;   /* province, state … */
	char *country;  /* ISO 3166-1 alpha-2; required */
	tm_geo geo;
	tm_strv tags;   /* lower-case words, as entity tags */
	char *note;
	tm_cites cites; /* at least one */
} tm_site;

void tm_bitext_release(tm_bitext *t);
/* The text in lang ("en" or "zh"), else NULL.  Borrowed. */
const char *tm_bitext_get(const tm_bitext *t, const char *lang);
/* The text in lang, else in the other language, else NULL; *translated says
 * whether it is in lang.  Borrowed. */
const char *tm_bitext_pick(const tm_bitext *t, const char *lang, int *translated);

void tm_parties_push(tm_parties *p, const char *entity, const char *en, const char *zh); /* copies */
void tm_parties_release(tm_parties *p);
void tm_geo_release(tm_geo *g);
void tm_action_release(tm_action *a);
void tm_site_release(tm_site *s);
/* Deep copies: *dst is overwritten (not released first) and owned by the caller. */
void tm_action_copy(tm_action *dst, const tm_action *src);
void tm_site_copy(tm_site *dst, const tm_site *src);
/* 1 if a and b are the same record, every field and part equal and in the
 * same order: putting a record equal to the stored one changes nothing. */
int tm_action_equal(const tm_action *a, const tm_action *b);
int tm_site_equal(const tm_site *a, const tm_site *b);

extern const tm_vocab tm_action_kinds[]; /* protest, boycott, divestment … other */
extern const size_t tm_n_action_kinds;
extern const tm_vocab tm_site_kinds[];   /* office, distributor, factory, deployment, protest, other */
extern const size_t tm_n_site_kinds;
extern const tm_vocab tm_geo_precisions[]; /* exact, street, city, region, country */
extern const size_t tm_n_geo_precisions;

/* 1 if lat, lon are finite WGS 84 degrees within range. */
int tm_geo_valid(double lat, double lon);
/* 1 if s is an ISO 3166-1 alpha-2 shape (two upper-case ASCII letters). */
int tm_country_valid(const char *s);

#endif
