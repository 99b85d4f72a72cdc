/*
 * store_recent: the claims most recently added to the store, newest first,
 * for the web site's home page.
 */
#ifndef TM_STORE_RECENT_H
#define TM_STORE_RECENT_H

#include "store/store.h"

/* One recent claim: an entity, a relation or an involvement (the others
 * NULL), borrowed for the call; added_at is the day it was first added,
 * "YYYY-MM-DD", from the data (store.h).  Return 0 to go on, non-zero to
 * stop. */
typedef int (*tm_recent_fn)(void *ctx, const char *added_at, const tm_entity *ent, int64_t rel_id,
			    const tm_relation *rel, const tm_involvement *inv);

/* The `limit` claims added last, newest day first; on one day involvements,
 * then relations, then entities, each the last written first. */
tm_rc tm_store_recent_claims(tm_store *st, size_t limit, tm_recent_fn fn, void *ctx, tm_err *err);

#endif
