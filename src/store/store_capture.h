/*
 * store_capture: the captures (model/capture.h), archived copies of sources,
 * and the folder beside the database where their WARC files are kept.
 *
 * The same rules as store.h: writes inside tm_store_begin()/commit(); a
 * capture is identified by (source, fetched) and putting one whose identity
 * exists replaces it; putting one equal to the stored one changes nothing.
 * The source must exist already.
 */
#ifndef TM_STORE_CAPTURE_H
#define TM_STORE_CAPTURE_H

#include "model/capture.h"
#include "store/store.h"

/* The folder where this database's WARC files are: the database file's
 * path with ".archive" added ("data/tiemap.db" → "data/tiemap.db.archive").
 * Owned by the caller; NULL for a database with no file (in memory). */
char *tm_store_archive_dir(tm_store *st);

/* Write c.  text is the copy's text as read (NULL: not read; a capture
 * replaced by one with the same sha256 keeps the text it had). */
tm_rc tm_store_put_capture(tm_store *st, const tm_capture *c, const char *text, tm_err *err);

/* The capture of source at fetched (or the latest of source when fetched is
 * NULL) into *out (the caller releases it).  TM_ERR_NOTFOUND if none. */
tm_rc tm_store_get_capture(tm_store *st, const char *source, const char *fetched, tm_capture *out, tm_err *err);

/* *found: 1 if source has at least one capture, else 0. */
tm_rc tm_store_has_capture(tm_store *st, const char *source, int *found, tm_err *err);

/* Captures by source id, then fetched (oldest first); only source's when
 * source is not NULL.  The record is borrowed for the call; return 0 to go
 * on, non-zero to stop. */
typedef int (*tm_capture_fn)(void *ctx, const tm_capture *c);
tm_rc tm_store_each_capture(tm_store *st, const char *source, tm_capture_fn fn, void *ctx, tm_err *err);

/* The text kept with a capture into *text (owned by the caller), NULL when
 * it was never read.  TM_ERR_NOTFOUND if there is no such capture. */
tm_rc tm_store_capture_text(tm_store *st, const char *source, const char *fetched, char **text, tm_err *err);

/* Every quote that cites a source with at least one capture, by source,
 * then claim.  claim names the claim citing: an entity's or an action's or
 * a site's id, a relation as "subject predicate object"; kind is "entity",
 * "relation", "action" or "site".  Strings are borrowed for the call. */
typedef int (*tm_quote_fn)(void *ctx, const char *source, const char *kind, const char *claim, const char *quote);
tm_rc tm_store_each_archived_quote(tm_store *st, tm_quote_fn fn, void *ctx, tm_err *err);

#endif
