/*
 * The campaign pages' entry points that other pages use: the actions that
 * target an entity, as a section of its page (page_actions.c), and the
 * petitions of an action (page_petition.c).  The
 * campaign routes themselves are in routes.def.  Not for use outside
 * src/http/.
 */
#ifndef TM_HTTP_PAGE_CAMPAIGN_H
#define TM_HTTP_PAGE_CAMPAIGN_H

#include "http/http_internal.h"
#include "model/action.h"

/* Append a section listing the actions that target entity_id, or that it
 * took part in, newest first; nothing when there are none.  On a failure
 * of the store the page is unfinished: answer with err. */
tm_rc tm_page_entity_actions(tm_req *req, const char *entity_id, tm_err *err);

/* A text of a campaign record in the page's language, else in the other
 * one, marked untranslated (with its language, for screen readers). */
void tm_page_bitext(tm_req *req, const tm_bitext *t);

/* The petitions of an action (page_petition.c): a section with each one's
 * title, status and count, or (brief) only "N signatures" links, for a
 * line of the actions log; nothing when it has none.  Marks the response
 * as showing counts (req->r_live).  A failure of the store is kept by the
 * store, and the server answers with it. */
void tm_page_action_petitions(tm_req *req, const char *action_id, int brief);

#endif
