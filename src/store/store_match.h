/*
 * store_match: the look-ups that screening makes, many thousand times a run.
 *
 * A tm_store_cand holds its own prepared statements on a store, so that a
 * screening run pays for parsing SQL once.  Every look-up is bounded (a
 * limit on rows) and goes through an index: exact and prefix ranges of the
 * name_keys B-tree, FTS5 words over names_fts, the identifiers value index,
 * rowid look-ups.  The one exception, tm_store_cand_each_key(), is the
 * brute-force reference that the benchmark compares against; nothing else
 * calls it.
 *
 * Like the store it reads, a tm_store_cand belongs to one thread at a time,
 * and must be freed before its store is closed.
 */
#ifndef TM_STORE_MATCH_H
#define TM_STORE_MATCH_H

#include "store/store.h"

typedef struct tm_store_cand tm_store_cand;

tm_rc tm_store_cand_open(tm_store *st, tm_store_cand **out, tm_err *err);
void tm_store_cand_free(tm_store_cand *sc);

/* Read a whole screening run from one snapshot: a read transaction (when
 * none is open) until tm_store_cand_end().  Besides consistency, SQLite then
 * takes its file lock once rather than once per look-up, which is most of
 * the time a look-up takes on a large file. */
tm_rc tm_store_cand_begin(tm_store_cand *sc, tm_err *err);
void tm_store_cand_end(tm_store_cand *sc);

/* A name found: its entity and its row in names.  Return 0 to go on,
 * non-zero to stop (not an error). */
typedef int (*tm_cand_fn)(void *ctx, tm_ekey entity, int64_t name);

/* Names with a match key equal to key; at most limit. */
tm_rc tm_store_cand_exact(tm_store_cand *sc, const char *key, size_t limit, tm_cand_fn fn, void *ctx, tm_err *err);

/* Names with a match key that starts with prefix (at least 2 bytes; shorter
 * finds nothing); at most limit, shortest keys first among the first rows
 * of the range. */
tm_rc tm_store_cand_prefix(tm_store_cand *sc, const char *prefix, size_t limit, tm_cand_fn fn, void *ctx,
			   tm_err *err);

/* Names whose word index (the tokens or pinyin column of names_fts) holds
 * every one of words[0..n-1]; a word with a space in it is a phrase ("海 康").
 * At most limit.  A word FTS5 cannot parse finds nothing. */
tm_rc tm_store_cand_words(tm_store_cand *sc, const char *const *words, size_t n, size_t limit, tm_cand_fn fn,
			  void *ctx, tm_err *err);

/* Entities with an identifier equal to value (without case); scheme NULL
 * accepts any scheme.  fn gets the scheme the entity stores. */
tm_rc tm_store_cand_ident(tm_store_cand *sc, const char *value, const char *scheme,
			  int (*fn)(void *ctx, tm_ekey entity, const char *scheme), void *ctx, tm_err *err);

/* Every match key of every name of entity: fn(ctx, name row, key). */
tm_rc tm_store_cand_keys(tm_store_cand *sc, tm_ekey entity, int (*fn)(void *ctx, int64_t name, const char *key),
			 void *ctx, tm_err *err);

/* What scoring needs of an entity; strings owned by the caller (free()). */
typedef struct tm_cand_entity {
	char *id;      /* slug */
	char *kind;
	char *country; /* NULL when unknown */
	char *desc_en, *desc_zh; /* its description, what it does (NULL when none): the words of its trade */
} tm_cand_entity;
/* TM_ERR_NOTFOUND when no entity has that key. */
tm_rc tm_store_cand_entity(tm_store_cand *sc, tm_ekey entity, tm_cand_entity *out, tm_err *err);
void tm_cand_entity_release(tm_cand_entity *e);

/* The text and language tag of a name row (owned by the caller). */
tm_rc tm_store_cand_name(tm_store_cand *sc, int64_t name, char **text, char **lang, tm_err *err);

/* The words of the name index (the FTS5 vocabulary: every distinct word of
 * the tokens and pinyin columns) that start with an ASCII letter or digit,
 * with the number of names holding each.
 * A scan of the vocabulary, not of the entities: screening reads it once to
 * find words one typo away from a query's word. */
tm_rc tm_store_cand_each_word(tm_store_cand *sc, int (*fn)(void *ctx, const char *word, int64_t names), void *ctx,
			      tm_err *err);

/* The slug, kind and names of the entity with key (not its tags,
 * identifiers or citations): what tm_entity_display_name() needs, for
 * reports that name thousands of entities.  TM_ERR_NOTFOUND when absent;
 * *out is the caller's to tm_entity_release(). */
tm_rc tm_store_entity_names(tm_store *st, tm_ekey key, tm_entity *out, tm_err *err);

/* The brute-force reference: every (entity, name, key) in the store, by
 * entity.  A scan of everything; only for checking the indexed path. */
tm_rc tm_store_cand_each_key(tm_store_cand *sc, int (*fn)(void *ctx, tm_ekey entity, int64_t name, const char *key),
			     void *ctx, tm_err *err);

#endif
