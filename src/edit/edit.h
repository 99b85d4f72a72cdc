/*
 * edit: changing records by hand, with history and review (docs/editing.md).
 *
 * Every way of changing a record that is not an import (the web's forms,
 * the API, `tiemap revert`) goes through here, and each is one change in
 * one transaction: its records are checked by the importer's own checks
 * (io.h's tm_record_parse, with its messages), each record it touches is
 * a revision (before and after, store_history.h), and nothing is written
 * unless all of it is good.  An editor's change is published at once; a
 * contributor's waits for review, its records untouched until an editor
 * approves it.  An edit names the revision its author started from, and is
 * refused when the record has moved on since (a lost update), with both
 * states so that the author sees what changed meanwhile.
 */
#ifndef TM_EDIT_H
#define TM_EDIT_H

#include "auth/auth.h"
#include "io/io.h"
#include "store/store_history.h"

#define TM_EDIT_SUMMARY_MAX 300 /* bytes of a change's one-line summary */

/* Who is changing something. */
typedef struct tm_editor {
	const char *name; /* the account's name (or the CLI's "cli (USER)") */
	int64_t user;     /* the account's id, 0 for none */
	tm_role role;     /* a contributor's change waits for review */
	const char *via;  /* "form", "api", "cli" */
} tm_editor;

/* One record to change. */
typedef struct tm_edit_op {
	tm_record_type type;
	const char *key; /* the record edited (tm_record_key); NULL: a new one */
	json_t *after;   /* the record as it is to be, in the interchange format;
			  * NULL: delete it (an entity with its relations and
			  * involvement claims) */
	int64_t base;    /* the newest revision of the record its author saw
			  * (0: none, it had no history); -1: do not check */
} tm_edit_op;

typedef struct tm_edit_result {
	int64_t change;   /* the change made (a review: the change reviewed) */
	int status;       /* TM_CHANGE_PUBLISHED or TM_CHANGE_PENDING; a review's decision */
	int64_t approval; /* a review that approved: the editor's change that applied it */
	int64_t revision; /* a merge: its first revision (what `tiemap revert` takes) */
	/* on TM_ERR_INVALID: the op at fault, and the field the message is
	 * about (the importer's field names: "start", "names" …), or NULL */
	size_t op;
	const char *field;
	/* on a lost update (TM_ERR_AMBIGUOUS, "changed since"): the newest
	 * revision now, and the record's state at the base and now (canonical
	 * JSON, NULL for none; owned) */
	int conflict;
	int64_t current;
	char *then, *now;
} tm_edit_result;
void tm_edit_result_release(tm_edit_result *r);

/* Check ops and make them one change with summary (one line, required). */
tm_rc tm_edit_submit(tm_store *st, const tm_editor *who, const char *summary, const tm_edit_op *ops, size_t n,
		     tm_edit_result *res, tm_err *err);

/* Undo revision rev (an editor's): the record back to its state before it,
 * as a new change of its own.  Refused (TM_ERR_AMBIGUOUS, with res's
 * conflict states) when the record has changed since rev: revert the later
 * revisions first.  A revision of a merge undoes the whole merge. */
tm_rc tm_edit_revert(tm_store *st, const tm_editor *who, int64_t rev, const char *summary, tm_edit_result *res,
		     tm_err *err);

/* Merge entity gone into entity keep (an editor's; docs/editing.md,
 * "Merging"), as one change (via "merge") in one transaction: keep gains
 * gone's names, identifiers, tags and citations, and gone's id (and the ids
 * merged into gone before) as its referents; gone's ties, involvement
 * claims, actions and sites move to keep, one that lands on one keep
 * already has merged into it (citations kept); then gone is deleted, and its id names keep.  Refused
 * (TM_ERR_INVALID, nothing changed) for keep == gone, a gone or keep that
 * is a merged id already (no chains), a tie between the two (two
 * institutions, by their sources' account); TM_ERR_NOTFOUND for an
 * unknown id.  summary NULL or "": "merge GONE into KEEP". */
tm_rc tm_edit_merge(tm_store *st, const tm_editor *who, const char *keep, const char *gone, const char *summary,
		    tm_edit_result *res, tm_err *err);

/* An editor's decision on a pending change: TM_CHANGE_PUBLISHED approves
 * it: a change of the editor's own (via "review", approves: change,
 * published) applies its revisions and records them again as its own, and
 * the proposal becomes TM_CHANGE_APPROVED (refused, as a lost update, when
 * a record changed since it was proposed); TM_CHANGE_RETURNED asks for
 * changes, TM_CHANGE_REJECTED refuses it.  note is the reason the
 * contributor sees (one line; required for the last two).  res->status is
 * the proposal's status after the review. */
tm_rc tm_edit_review(tm_store *st, const tm_editor *who, int64_t change, int decision, const char *note,
		     tm_edit_result *res, tm_err *err);

/* The field of a record of type t that an importer's message is about,
 * or NULL (a static string). */
const char *tm_edit_field_of(tm_record_type t, const char *msg);

/* The differences between two states of a record (canonical JSON, NULL
 * for none), one per top-level field that differs: fn gets the field and
 * its value before and after as JSON text (NULL: absent).  Fields in the
 * order of the newer state, then those only the older one has. */
void tm_edit_diff(const char *before, const char *after,
		  void (*fn)(void *ctx, const char *field, const char *old, const char *new_), void *ctx);

#endif
