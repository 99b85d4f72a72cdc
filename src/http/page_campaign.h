/*
 * The campaign pages' one entry point that other pages use: the actions
 * that target an entity, as a section of its page (page_actions.c).  The
 * campaign routes themselves are in routes.def.  Not for use outside
 * src/http/.
 */
#ifndef TM_HTTP_PAGE_CAMPAIGN_H
#define TM_HTTP_PAGE_CAMPAIGN_H

#include "http/http_internal.h"

/* Append a section listing the actions that target entity_id, or that it
 * took part in, newest first; nothing when there are none.  On a failure
 * of the store the page is unfinished: answer with err. */
tm_rc tm_page_entity_actions(tm_req *req, const char *entity_id, tm_err *err);

#endif
