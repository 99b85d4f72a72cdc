/*
 * What the pages of history, editing and review share (page_history.c,
 * page_edit.c, page_review.c).  Not for use outside src/http/.
 */
#ifndef TM_HTTP_PAGE_EDIT_H
#define TM_HTTP_PAGE_EDIT_H

#include "http/http_internal.h"

/* A table of the fields that differ between two states of a record
 * (canonical JSON, NULL for none). */
void tm_page_diff(tm_req *req, const char *before, const char *after);
/* A change's status in the page's language. */
const char *tm_page_status_label(tm_req *req, int status);
/* A link to a record's page (its history, for a relation). */
void tm_page_record_link(tm_req *req, const char *record, const char *key);
/* When record `key` was deleted, its tombstone page (410): what it was, who
 * removed it, when and why; returns 1.  0 when it was never deleted. */
int tm_page_tombstone(tm_req *req, const char *record, const char *key);
/* The foot of a record's page: its published replies (an entity's), and
 * links to its history, its edit form, "report an error", "respond". */
void tm_page_record_foot(tm_req *req, const char *record, const char *key);
/* An importer's message for a reader of the page's language: in Chinese,
 * a sentence of the catalog before the message itself. */
void tm_page_edit_message(tm_req *req, tm_buf *b, const char *msg);
/* The likely duplicates (store.h's tm_store_duplicates), at most
 * TM_PAGE_DUPLICATES_MAX, as a section of /review; an editor gets a merge
 * button each way (page_merge.c). */
#define TM_PAGE_DUPLICATES_MAX 50
tm_rc tm_page_duplicates(tm_req *req, tm_err *err);

#endif
