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

/* The typo index: the words of the store's name index and their one-letter
 * deletions, in memory (vocab.c).  Immutable once built: any number of
 * threads may share one. */
typedef struct tm_search_vocab tm_search_vocab;
/* Build it from the store's FTS5 vocabulary (a scan of the distinct words,
 * not of the entities).  *out is owned by the caller. */
tm_rc tm_search_vocab_build(tm_store *st, tm_search_vocab **out, tm_err *err);
/* The same, read from the snapshot file at snap_path when it was written
 * from the database file at db_path at its current data version, else built
 * and written there for the next run (a snapshot that cannot be written is no
 * error; snap_path NULL: none).  Like the graph's snapshot, `DB.vocab`. */
tm_rc tm_search_vocab_open(tm_store *st, const char *db_path, const char *snap_path, tm_search_vocab **out,
			   tm_err *err);
void tm_search_vocab_free(tm_search_vocab *v);
size_t tm_search_vocab_size(const tm_search_vocab *v); /* words indexed */
/* 1 when w[0, n) is a word of the index, 0 when not, -1 when it is not a
 * word the index holds (shorter than 4 or longer than 32 letters, not ASCII
 * letters and digits). */
int tm_search_vocab_has(const tm_search_vocab *v, const char *w, size_t n);
/* How many names hold w: 0 when none, -1 when the index cannot say (a word
 * it does not hold: short, Chinese, not ASCII). */
long tm_search_vocab_docs(const tm_search_vocab *v, const char *w, size_t n);
/* Words of the index one edit from w (a letter missing, added, changed, or
 * two swapped; not w itself), closest first (Jaro-Winkler, then the commoner),
 * at most max into out (borrowed from v).  0 when w is itself a word. */
size_t tm_search_vocab_suggest(const tm_search_vocab *v, const char *w, size_t n, const char **out, size_t max);

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
