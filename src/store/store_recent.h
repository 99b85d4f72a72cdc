/*
 * store_recent: the claims most recently added to the store, newest first,
 * for the web site's home page.
 */
#ifndef TM_STORE_RECENT_H
#define TM_STORE_RECENT_H

#include "store/store.h"

/* One recent claim: an entity or a relation (the other is NULL), borrowed
 * for the call; added_at is "YYYY-MM-DDTHH:MM:SSZ" (UTC).  Return 0 to go on,
 * non-zero to stop. */
typedef int (*tm_recent_fn)(void *ctx, const char *added_at, const tm_entity *ent, int64_t rel_id,
			    const tm_relation *rel);

/* The `limit` entities and relations added last, newest first (ties broken
 * by the larger row id, relations before entities). */
tm_rc tm_store_recent_claims(tm_store *st, size_t limit, tm_recent_fn fn, void *ctx, tm_err *err);

#endif
