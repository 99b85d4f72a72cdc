/*
 * What the files of src/search share: the candidates a search gathers and
 * the strict look-ups, which the forgiving stages (forgive.c, topic.c) run
 * again on what they make of the query.  Not for use outside src/search/.
 */
#ifndef TM_SEARCH_INTERNAL_H
#define TM_SEARCH_INTERNAL_H

#include "search/search.h"
#include "text/text.h"

/* Rows one look-up may bring: a common word gathers hundreds. */
#define TM_SEARCH_LIMIT_KEYS 200

/* The score bands (docs/cli.md): whatever is forgiven scores below
 * TM_SEARCH_FORGIVEN, which every strict match is above. */
#define TM_SEARCH_FORGIVEN 0.5

/* A candidate: an entity, its best score so far, the name row behind it and
 * how it was found. */
typedef struct tm_search_cand {
	int64_t entity, name;
	double score;
	tm_search_how how;
	const char *topic;
	long ties; /* filled when the hits are read back (opts->ties), else -1 */
} tm_search_cand;

/* The candidates of one search, each entity once (an open-addressing table
 * of indexes into v: a search with topics and typos gathers a thousand). */
typedef struct tm_search_cands {
	tm_search_cand *v;
	size_t n, cap;
	uint32_t *slot; /* index + 1, 0 empty; nslot a power of two */
	size_t nslot;
} tm_search_cands;
void tm_search_cands_release(tm_search_cands *c);
/* Keep score (and name, how, topic) for entity when better than its best. */
void tm_search_cands_add(tm_search_cands *c, int64_t entity, int64_t name, double score, tm_search_how how,
			 const char *topic);
/* The best score of any candidate, 0 when none. */
double tm_search_cands_best(const tm_search_cands *c);

/* A pass of strict look-ups: where what they find goes, scaled by scale,
 * and as how when how is set (TM_SEARCH_TYPO) rather than by the look-up. */
typedef struct tm_search_pass {
	tm_search_cands *c;
	double scale;
	tm_search_how how;
} tm_search_pass;

/* The strict look-ups of keys k: whole names, prefixes, words (not ids or
 * identifiers, which want the query as typed). */
tm_rc tm_search_names(tm_store *st, const tm_name_keys *k, const tm_search_pass *p, tm_err *err);

/* The typo index of a search: the caller's, or one opened for it on first
 * need (and freed with the search). */
typedef struct tm_search_typos {
	const tm_search_opts *o;
	const tm_search_vocab *v;
	tm_search_vocab *own;
	int tried;
} tm_search_typos;

/* The forgiving stages (forgive.c).  Typos: words of k that the index lacks,
 * read as words one edit away, searched strictly at a lower score; *corrected
 * gets the query so read when that found something (owned).  Parts: names
 * equal to a part of the query's words (or of *corrected's). */
tm_rc tm_search_forgive(tm_store *st, const tm_name_keys *k, tm_search_typos *t, tm_search_cands *c,
			char **corrected, tm_err *err);

/* Topics (topic.c): the topics whose labels or ids the query names, into
 * out->topics, and the entities of the best into c. */
tm_rc tm_search_topics(tm_store *st, const tm_name_keys *k, size_t limit, tm_search_hits *out, tm_search_cands *c,
		       tm_err *err);

#endif
