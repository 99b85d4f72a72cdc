/*
 * search: finding entities by what someone typed, and turning a name into
 * one entity.  The policy (which look-ups a query makes, how each scores,
 * how answers are ordered and cut) lives here, above the store's look-ups
 * (store.h), so that another back end implements look-ups, not ranking.
 * docs/cli.md tells the scores.
 *
 * A search is strict first: the id, identifiers, whole names, names that
 * start with the query, names holding all of its words.  Then it forgives,
 * always below anything strict (docs/cli.md, "How search matches"): a word
 * the index lacks is replaced by the words one edit away (the typo index
 * below), a whole name found inside a longer query counts with the other
 * words extra ("Huawei Technologies Co., Ltd." finds Huawei), and a query
 * that names a topic ("监控", "surveillance") finds the topic and its
 * entities.
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
/* The same, read from its snapshot (where the store keeps its "vocab"
 * cache, tm_store_cache()) when one was made from the same data, else built
 * and written there for the next run (a snapshot that cannot be written is no
 * error, nor a store without caches).  Like the graph's snapshot; screening
 * shares it. */
tm_rc tm_search_vocab_open(tm_store *st, tm_search_vocab **out, tm_err *err);
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
/* 1 when a and b hold the same words in the same order with the same counts
 * (a snapshot read back against the vocabulary built from the store). */
int tm_search_vocab_equal(const tm_search_vocab *a, const tm_search_vocab *b);

/* How a hit was found, strictest first. */
typedef enum tm_search_how {
	TM_SEARCH_ID = 1, /* its id or an identifier value */
	TM_SEARCH_NAME,   /* a whole name: as written, without its legal form, spacing or in pinyin */
	TM_SEARCH_PREFIX, /* a name that starts with the query */
	TM_SEARCH_WORDS,  /* a name holding every word of the query, or its pinyin */
	TM_SEARCH_TYPO,   /* one of those once words the index lacks are read as words one edit away */
	TM_SEARCH_PART,   /* a whole name inside the query, the query's other words extra */
	TM_SEARCH_TOPIC,  /* an entity of a topic the query names */
} tm_search_how;
/* "id", "name", "prefix", "words", "typo", "part", "topic". */
const char *tm_search_how_name(tm_search_how how);

/* A hit, best first: by score, then (with opts->ties) more ties, then the
 * shorter name, then id. */
typedef struct tm_search_hit {
	tm_ekey key;       /* the entity's key (a graph node) */
	char *id;
	char *kind;
	char *name;        /* the entity's English display name (or first name) */
	char *matched;     /* the stored name that matched */
	double score;      /* 0..1: 1 exact; below 0.5 only what was forgiven */
	tm_search_how how;
	const char *topic; /* TM_SEARCH_TOPIC: the topic's id (static, from model.h), else NULL */
	long ties;         /* its ties (opts->ties), or -1 when not asked or unknown */
} tm_search_hit;

/* A topic the query names: a tag of the data with its labels (model.h
 * tm_topics), found by its label in either language or by its id. */
typedef struct tm_search_topic {
	const char *type; /* "tag" */
	const char *id;   /* "surveillance" */
	const char *label_en, *label_zh;
	double score;     /* 1: the query is a label; less for a start or the words of one */
} tm_search_topic;

typedef struct tm_search_hits {
	tm_search_hit *v;
	size_t n, cap;
	tm_search_topic *topics; /* best first; only topics some entity has */
	size_t n_topics;
	/* The query as searched once its typos were read as other words
	 * ("hikvision" for "hikvison"), when that found something; else NULL. */
	char *corrected;
} tm_search_hits;
void tm_search_hits_release(tm_search_hits *h);

typedef struct tm_search_opts {
	size_t limit; /* hits at most; 0: 20 */
	int strict;   /* 1: only what the query names whole (no typos, parts or topics) */
	/* The typo index, shared and borrowed; or NULL: then, with cached set,
	 * when a query has a word the index lacks, one is opened for that search
	 * from the store's cache (tm_search_vocab_open()) and freed after it;
	 * with cached 0 too, typos are not forgiven. */
	const tm_search_vocab *vocab;
	int cached;
	/* How many ties an entity has (the graph's tm_graph_degree(), O(1)), or
	 * NULL.  When given, among hits of equal score the one with more ties
	 * comes first (the topic's best known entities before the rest), and
	 * each hit says its count. */
	long (*ties)(const void *ctx, tm_ekey entity); /* -1: cannot say */
	const void *ties_ctx;
} tm_search_opts;

/* The longest query, in characters (code points): a name, not a text.
 * Every stage's work is bounded besides (docs/cli.md): the look-ups of a
 * query grow with its words only up to a fixed number, and each brings a
 * bounded number of rows. */
#define TM_SEARCH_MAX_CHARS 200

/* Find entities by a name in any script, a prefix of one, pinyin, or an
 * identifier value, forgiving as above unless opts->strict; opts may be
 * NULL (the defaults, no typo index).  Into *out (the caller's to release).
 * No hit is an empty answer.  TM_ERR_INVALID for a query longer than
 * TM_SEARCH_MAX_CHARS; any other error is a failure of the store
 * (TM_ERR_LIMIT when its time limit ran out). */
tm_rc tm_search(tm_store *st, const char *query, const tm_search_opts *opts, tm_search_hits *out, tm_err *err);

/* Turn what a user typed (an id or a name) into an entity id (*id owned by
 * the caller), searching strictly: a command never acts on a guess.
 * TM_ERR_NOTFOUND if nothing matches; TM_ERR_AMBIGUOUS if several entities
 * match equally well, with them in *candidates (may be NULL). */
tm_rc tm_search_resolve(tm_store *st, const char *ref, char **id, tm_search_hits *candidates, tm_err *err);

#endif
