/*
 * store_petition: petitions (model/petition.h) and their signatures.
 *
 * The record follows store.h's rules: written inside tm_store_begin()/
 * commit(), replaced whole when its id exists, and an unchanged record
 * writes nothing.  Its entities and action must exist already.
 *
 * Signatures are kept apart from the record, in three tables that hold
 * nothing the server could read (docs/petitions.md):
 *   - petition_signatures: per signature a sealed box (seal.h) and a keyed
 *     hash of the address, keyed by that hash, with no time and no row id,
 *     so that neither a column nor the table's order says when a row came;
 *   - petition_days: how many signatures came each day (UTC), for the
 *     digest's progress;
 *   - petition_public: the name and city of those who asked to be shown,
 *     under a random key, with no link to their sealed row.
 * Signing does not move data_version: a signature is not a change of the
 * graph, and must not make the web server rebuild it; it moves
 * petition_version instead (tm_store_petition_version()).
 */
#ifndef TM_STORE_PETITION_H
#define TM_STORE_PETITION_H

#include "model/petition.h"
#include "store/store.h"

#define TM_STORE_DEDUP_BYTES 16 /* seal.h's TM_SEAL_DEDUP_BYTES */

tm_rc tm_store_put_petition(tm_store *st, const tm_petition *p, tm_err *err);
/* The record into *out (the caller releases it); TM_ERR_NOTFOUND if absent. */
tm_rc tm_store_get_petition(tm_store *st, const char *id, tm_petition *out, tm_err *err);
/* *found 1 when an action id is stored (a failed read is an error, not an
 * absence). */
tm_rc tm_store_has_action(tm_store *st, const char *id, int *found, tm_err *err);

/* Petitions by id; only those of action when action is not NULL.  The
 * record is borrowed for the call; fn returns 0 to go on. */
typedef int (*tm_petition_fn)(void *ctx, const tm_petition *p);
tm_rc tm_store_each_petition(tm_store *st, const char *action, tm_petition_fn fn, void *ctx, tm_err *err);

/* ---- signatures ---- */

/*
 * Add a signature to petition id, inside the caller's transaction: its
 * dedup hash, its sealed box, the day (YYYY-MM-DD, UTC), and the name and
 * city to show (name NULL: not shown).  *added is 1 when it was new, 0
 * when a signature with that dedup hash was there already: then nothing is
 * written.  TM_ERR_NOTFOUND when there is no such petition.
 */
tm_rc tm_store_petition_sign(tm_store *st, const char *id, const unsigned char dedup[TM_STORE_DEDUP_BYTES],
			     const void *sealed, size_t n, const char *day, const char *show_name,
			     const char *show_city, int *added, tm_err *err);

typedef struct tm_petition_counts {
	int64_t signatures; /* all, each address once */
	int64_t shown;      /* of them, those shown by name */
	int64_t in_range;   /* signed within the days asked for (tm_store_petition_counts's from..to) */
	char purged[TM_DATE_MAX]; /* YYYY-MM-DD: the day its signatures were purged, or "" */
} tm_petition_counts;
/* The counts of petition id; with from and to (YYYY-MM-DD, inclusive; NULL:
 * open), signatures counts those signed up to `to` less those withdrawn up
 * to then, and in_range those signed from `from` to `to` (new ones, before
 * any withdrawal).  A purge changes no count.  TM_ERR_NOTFOUND when there
 * is no such petition. */
tm_rc tm_store_petition_counts(tm_store *st, const char *id, const char *from, const char *to,
			       tm_petition_counts *out, tm_err *err);

/* The names and cities shown, newest day first (in random order within a
 * day), limit of them (0: all) after offset.  city may be NULL. */
typedef int (*tm_shown_fn)(void *ctx, const char *name, const char *city);
tm_rc tm_store_petition_shown(tm_store *st, const char *id, size_t limit, size_t offset, tm_shown_fn fn, void *ctx,
			      tm_err *err);

/* Every sealed box of petition id, in no meaningful order. */
typedef int (*tm_sealed_fn)(void *ctx, const unsigned char *sealed, size_t n);
tm_rc tm_store_petition_each_sealed(tm_store *st, const char *id, tm_sealed_fn fn, void *ctx, tm_err *err);

/* A number that grows with every signature, withdrawal, name taken off
 * and purge, from any process (the web server's version of the pages that
 * show counts and names). */
tm_rc tm_store_petition_version(tm_store *st, int64_t *out, tm_err *err);

/* ---- taking back (docs/petitions.md), inside the caller's transaction ----
 *
 * What these delete is overwritten where it is (SQLite's secure_delete);
 * the caller then calls tm_store_rewrite() after the commit, so that no
 * copy is left anywhere in the file or its log. */

/* Delete the signature of petition id whose dedup hash is dedup, and count
 * it as withdrawn on day (YYYY-MM-DD, UTC).  *removed 1 when there was one,
 * else 0 and nothing changes.  The name shown, if any, is not linked to it:
 * tm_store_petition_unshow() takes that off. */
tm_rc tm_store_petition_withdraw(tm_store *st, const char *id, const unsigned char dedup[TM_STORE_DEDUP_BYTES],
				 const char *day, int *removed, tm_err *err);
/* Delete one name shown on petition id, with that city (NULL: without a
 * city), exactly as shown.  The count is not changed: the signature stays.
 * *removed 1 when there was one, else 0. */
tm_rc tm_store_petition_unshow(tm_store *st, const char *id, const char *name, const char *city, int *removed,
			       tm_err *err);
/* Delete every signature of petition id (sealed boxes and dedup hashes),
 * and with shown_too its names shown, and mark it purged today; its counts
 * stay.  *signatures and *shown say how many rows went.  Refusing an open
 * petition is the caller's. */
tm_rc tm_store_petition_purge(tm_store *st, const char *id, int shown_too, int64_t *signatures, int64_t *shown,
			      tm_err *err);

#endif
