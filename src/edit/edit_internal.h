/*
 * What edit.c shares with merge.c inside the edit module.
 */
#ifndef TM_EDIT_INTERNAL_H
#define TM_EDIT_INTERNAL_H

#include "edit/edit.h"

/* Make the records as r says: its after (at its key, moved from
 * prev_key), or none; in the caller's transaction. */
tm_rc tm_edit_apply(tm_store *st, const tm_revision *r, tm_err *err);
/* 1 when the stored state now is want, the dates a claim was added and
 * changed aside where want leaves them out (the store sets them). */
int tm_edit_same_state(const char *now, const char *want);
/* r's after, once applied, as the store holds it (with the dates it set). */
void tm_edit_settle(tm_store *st, tm_revision *r);
/* Record a lost update in res (then and now are taken). */
void tm_edit_conflict(tm_edit_result *res, int64_t current, char *then, char *now);
/* 1 when s is a change's summary: one visible line of at most
 * TM_EDIT_SUMMARY_MAX bytes of UTF-8. */
int tm_edit_summary_ok(const char *s);
/* Add the change by who, numbered in *id. */
tm_rc tm_edit_change_open(tm_store *st, const tm_editor *who, const char *via, const char *summary, int status,
			  int64_t *id, tm_err *err);

#endif
