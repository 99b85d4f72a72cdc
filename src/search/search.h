/*
 * search: finding entities by what someone typed, and turning a name into
 * one entity.  The policy (which look-ups a query makes, how each scores,
 * how answers are ordered and cut) lives here, above the store's look-ups
 * (store.h), so that another back end implements look-ups, not ranking.
 * docs/cli.md tells the scores.
 */
#ifndef TM_SEARCH_H
#define TM_SEARCH_H

#include "store/store.h"

/* A hit, best first. */
typedef struct tm_search_hit {
	char *id;
	char *kind;
	char *name;    /* the entity's English display name (or first name) */
	char *matched; /* the stored name that matched */
	double score;  /* 0..1: 1 exact, lower for prefix and word matches */
} tm_search_hit;
typedef struct tm_search_hits {
	tm_search_hit *v;
	size_t n, cap;
} tm_search_hits;
void tm_search_hits_release(tm_search_hits *h);

/* Find entities by a name in any script, a prefix of one, pinyin, or an
 * identifier value; at most limit hits, into *out (the caller's to
 * release).  No hit is an empty answer; an error is a failure of the
 * store (TM_ERR_LIMIT when its time limit ran out). */
tm_rc tm_search(tm_store *st, const char *query, size_t limit, tm_search_hits *out, tm_err *err);

/* Turn what a user typed (an id or a name) into an entity id (*id owned by
 * the caller).  TM_ERR_NOTFOUND if nothing matches; TM_ERR_AMBIGUOUS if several
 * entities match equally well, with them in *candidates (may be NULL). */
tm_rc tm_search_resolve(tm_store *st, const char *ref, char **id, tm_search_hits *candidates, tm_err *err);

#endif
