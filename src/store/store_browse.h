/*
 * Lists to browse, with facets: the entities of the store filtered by kind,
 * country, tag and category of involvement, sorted by name, by number of
 * ties or by when they last changed, a page at a time; the sources filtered by publisher, year and
 * language; and for each filter the count of every value it can take.
 *
 * A facet's counts are those of the entities (sources) that pass every
 * other filter: with kind=company chosen, the kind facet still says how
 * many entities of each other kind the rest of the filters leave, so a
 * reader can switch (OpenSanctions and Who Profits count the same way).
 * Part of the store's contract (store.h): the only SQL is here.
 */
#ifndef TM_STORE_BROWSE_H
#define TM_STORE_BROWSE_H

#include "store/store.h"

/* What to list; NULL fields do not filter. */
typedef struct tm_entity_filter {
	const char *kind;    /* an entity kind */
	const char *country; /* ISO 3166-1 alpha-2 */
	const char *tag;
	const char *category; /* a category of involvement (model.h): the entities with a claim of it */
} tm_entity_filter;

/* The facets of the entity list: the filter fields, by name.  A new facet
 * is a field here, a line of entity_where() and of the facets table in
 * store_browse.c, and a name in this list; the page and the API take every
 * facet of the list. */
#define TM_ENTITY_FACETS "kind", "country", "category", "tag"

typedef enum tm_entity_sort {
	TM_SORT_NAME,    /* by the name shown in lang (Chinese by pinyin), then id */
	TM_SORT_TIES,    /* most relations first, then by id */
	TM_SORT_CHANGED, /* the record changed last first, then by id */
} tm_entity_sort;

/* One entity of a list: borrowed for the call. */
typedef struct tm_browse_row {
	const char *id;
	int64_t ties;        /* relations it is the subject or the object of */
	const char *changed; /* the day its record last changed, "YYYY-MM-DD" (from the data: docs/format.md) */
	const tm_strv *categories; /* the categories of its involvement claims, sorted, each once */
} tm_browse_row;

/* The entities that pass f, sorted, from offset, at most limit, each to fn
 * (returns 0 to go on); *total gets how many pass f.  lang ("en", "zh")
 * says whose names TM_SORT_NAME sorts by. */
tm_rc tm_store_browse_entities(tm_store *st, const tm_entity_filter *f, tm_entity_sort sort, const char *lang,
			       size_t offset, size_t limit, int (*fn)(void *ctx, const tm_browse_row *row), void *ctx,
			       int64_t *total, tm_err *err);

/* The values of one facet ("kind", "country", "category", "tag") with the number of
 * entities that have each and pass every filter of f but that facet's own,
 * most first, then by value; at most limit (0: all).  TM_ERR_INVALID for a
 * facet there is none of. */
tm_rc tm_store_entity_facet(tm_store *st, const tm_entity_filter *f, const char *facet, size_t limit,
			    int (*fn)(void *ctx, const char *value, int64_t count), void *ctx, tm_err *err);

/* Sources: the bibliography. */
typedef struct tm_source_filter {
	const char *publisher;
	const char *year; /* "2024": sources dated in that year */
	const char *lang; /* BCP-47 tag as recorded */
} tm_source_filter;

#define TM_SOURCE_FACETS "publisher", "year", "lang"

/* The sources that pass f, newest first (undated last), then by title;
 * each to fn, borrowed for the call; *total as above. */
tm_rc tm_store_browse_sources(tm_store *st, const tm_source_filter *f, size_t offset, size_t limit,
			      int (*fn)(void *ctx, const tm_source *src, int64_t claims), void *ctx, int64_t *total,
			      tm_err *err);
/* The values of a source facet ("publisher", "year", "lang") as for entities. */
tm_rc tm_store_source_facet(tm_store *st, const tm_source_filter *f, const char *facet, size_t limit,
			    int (*fn)(void *ctx, const char *value, int64_t count), void *ctx, tm_err *err);

#endif
