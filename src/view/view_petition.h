/*
 * view_petition: the JSON shape of a petition with its counts, shared by
 * `tiemap --json petition show|list` and GET /api/v1/petitions[/{id}], and
 * rendered by the petition pages.  Counts only: nothing here reads a
 * sealed signature, and the names shown are those signers chose to show.
 *
 * Ownership as in view.h: every json_t returned is the caller's.
 */
#ifndef TM_VIEW_PETITION_H
#define TM_VIEW_PETITION_H

#include <jansson.h>

#include "model/petition.h"
#include "store/store.h"

/* "upcoming", "open" or "closed" on day (YYYY-MM-DD, UTC), by its dates
 * alone (tm_view_petition()'s "status" also says "closed" once purged). */
const char *tm_view_petition_status(const tm_petition *p, const char *day);
/* Today in UTC, YYYY-MM-DD: the day a petition opens and closes on. */
void tm_view_today(char out[16]);

/*
 * {"id","title","target","text","entities":[refs],"action":{"id","title"}|null,
 *  "opens","closes","goal","status","signatures","shown","purged",
 *  "public_key","fingerprint"}: bitexts as {"en","zh"} (a missing language
 * left out), "closes", "goal" and "purged" (the day its signatures were
 * deleted from the server) null when not set.  with_text 0 leaves "text" out
 * (lists).  *out NULL and err filled on failure.
 */
tm_rc tm_view_petition(tm_store *st, const tm_petition *p, const char *day, int with_text, json_t **out,
		       tm_err *err);
/* {"total","offset","limit","items":[{"name","city"}]}: the names shown,
 * newest day first. */
tm_rc tm_view_petition_shown(tm_store *st, const char *id, size_t limit, size_t offset, int64_t total, json_t **out,
			     tm_err *err);

#endif
