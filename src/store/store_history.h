/*
 * store_history: the rows behind history and review (src/edit holds the
 * rules; docs/editing.md says why).
 *
 * A change is one edit as its author saved it: a form, an API call, an
 * import, a revert.  It has revisions, one per record it touched, each the
 * record's canonical JSON before and after (io.h's tm_*_to_json, printed
 * compact), NULL for "none": a revision with no before created the record,
 * one with no after deleted it.  A published change's revisions are what
 * the records went through; a pending one's wait to be applied; an approved
 * one's were applied by its approval, a published change of their own.
 *
 * Records are named by their type ("source", "entity", "relation",
 * "action", "site", "involvement") and key: the id, for a relation
 * tm_relation_key()'s "subject predicate object[ start..end]", for an
 * involvement claim tm_involvement_key()'s "entity category[ start..end]".
 *
 * Each call is one statement or a few, part of the caller's transaction;
 * none moves data_version (the writes of records do).
 */
#ifndef TM_STORE_HISTORY_H
#define TM_STORE_HISTORY_H

#include "store/store.h"

enum {
	TM_CHANGE_PUBLISHED = 0,
	TM_CHANGE_PENDING = 1,  /* a contributor's, waiting for an editor */
	TM_CHANGE_RETURNED = 2, /* an editor asked for changes (the note says which) */
	TM_CHANGE_REJECTED = 3, /* refused, with the reason in the note */
	TM_CHANGE_APPROVED = 4, /* a contributor's that an editor approved: its
				 * revisions were applied by the editor's own change
				 * (via "review"), which names it in approves */
};
/* "published", "pending", "returned", "rejected", "approved"; -1 for
 * another word. */
const char *tm_change_status_name(int status);
int tm_change_status_parse(const char *s);

typedef struct tm_change {
	int64_t id;
	char *at;          /* when it was saved: "YYYY-MM-DDTHH:MM:SSZ" */
	char *author;      /* an account's name; an import's "import FILE… (OPERATOR)" */
	int64_t user;      /* the account's id, 0 for none (an import, a history from a file) */
	char *via;         /* "import", "form", "api", "revert", "cli" */
	char *summary;     /* one line */
	int status;        /* TM_CHANGE_* */
	char *reviewer;    /* who approved, returned or rejected it, or NULL */
	char *reviewed_at; /* when, or NULL */
	char *review_note; /* the reviewer's reason, or NULL */
	int64_t approves;  /* an approval (via "review"): the change it applied, else 0 */
} tm_change;
void tm_change_release(tm_change *c);

typedef struct tm_revision {
	int64_t id;
	int64_t change;
	char *record;   /* "entity" … */
	char *key;      /* the record's key after the change (before it, for a deletion) */
	char *prev_key; /* a relation's key before, when the change moved it; else NULL */
	char *before;   /* canonical JSON, or NULL */
	char *after;    /* canonical JSON, or NULL */
} tm_revision;
void tm_revision_release(tm_revision *r);

/* Add c; c->id 0 takes the next number, another keeps it (an import of a
 * history: TM_ERR_INVALID when it is taken by a different change).  *id
 * (may be NULL) gets it. */
tm_rc tm_store_change_add(tm_store *st, const tm_change *c, int64_t *id, tm_err *err);
/* Add r to its change, numbered as tm_store_change_add() numbers changes. */
tm_rc tm_store_revision_add(tm_store *st, const tm_revision *r, int64_t *id, tm_err *err);
tm_rc tm_store_change_get(tm_store *st, int64_t id, tm_change *out, tm_err *err);
tm_rc tm_store_revision_get(tm_store *st, int64_t id, tm_revision *out, tm_err *err);
/* Set a change's status and its review (reviewer, at, note may be NULL). */
tm_rc tm_store_change_review(tm_store *st, int64_t id, int status, const char *reviewer, const char *at,
			     const char *note, tm_err *err);
/* Replace a pending change's summary and its revisions' after (a
 * contributor answering "changes asked"); the revision is borrowed. */
tm_rc tm_store_revision_set_after(tm_store *st, int64_t id, const char *before, const char *after, tm_err *err);

/* Callbacks get borrowed rows and return 0 to go on, non-zero to stop. */
typedef int (*tm_revision_fn)(void *ctx, const tm_revision *r, const tm_change *c);
typedef int (*tm_change_fn)(void *ctx, const tm_change *c);

/* The revisions of one record (its key now or before a move), newest first,
 * with their changes; only published and approved ones unless all. */
tm_rc tm_store_history(tm_store *st, const char *record, const char *key, int all, tm_revision_fn fn, void *ctx,
		       tm_err *err);
/* The newest published revision of a record, 0 when it has none. */
tm_rc tm_store_latest_revision(tm_store *st, const char *record, const char *key, int64_t *rev, tm_err *err);
/* The revisions of change, in order. */
tm_rc tm_store_change_revisions(tm_store *st, int64_t change, tm_revision_fn fn, void *ctx, tm_err *err);
/* Changes with status (-1: every one), oldest first; user > 0: only that
 * account's.  limit 0: all. */
tm_rc tm_store_changes(tm_store *st, int status, int64_t user, size_t limit, tm_change_fn fn, void *ctx,
		       tm_err *err);
/* Every change and then every revision, by number (the export). */
tm_rc tm_store_each_change(tm_store *st, tm_change_fn fn, void *ctx, tm_err *err);
tm_rc tm_store_each_revision(tm_store *st, tm_revision_fn fn, void *ctx, tm_err *err);
/* 1 when the store has any change at all. */
int tm_store_has_history(tm_store *st);
/* 1 when the table of record ("source" …) has a row, 0 when it is empty,
 * -1 when that cannot be read. */
int tm_store_has_records(tm_store *st, const char *record);

/* An import's own revisions wait in a temporary table until its end, after
 * any history that its input carries has been written. */
tm_rc tm_store_stage_revision(tm_store *st, const char *record, const char *key, const char *before,
			      const char *after, tm_err *err);
/* At the end of an import, in its transaction: drop the staged revisions
 * that leave their record as its newest published revision has it (the
 * input carried that history), and record the rest as change c (NULL: drop
 * them all); *id (may be NULL) gets the change's number, 0 when none was
 * needed. */
tm_rc tm_store_stage_commit(tm_store *st, const tm_change *c, int64_t *id, tm_err *err);

/* Inside a transaction: mark a point, and undo every write since it (a
 * contributor's change is tried on the records, then undone, so that each
 * of its parts is checked against those before it). */
tm_rc tm_store_savepoint(tm_store *st, tm_err *err);
tm_rc tm_store_savepoint_undo(tm_store *st, tm_err *err);

/* Make the open transaction count as a change of the data (data_version
 * moves at its commit, and caches of pages with it): a reply published. */
void tm_store_touch(tm_store *st);

/* ---- deleting records (the record's last state stays in its history) ---- */

/* Remove the entity and its names, keys, tags, identifiers and citations.
 * TM_ERR_NOTFOUND if absent; TM_ERR_INVALID while a relation, an action
 * a site or an involvement claim refers to it (delete those first, in the
 * same transaction). */
tm_rc tm_store_delete_entity(tm_store *st, const char *id, tm_err *err);
/* TM_ERR_INVALID while a claim cites it. */
tm_rc tm_store_delete_source(tm_store *st, const char *id, tm_err *err);
/* The relation with key's identity (subject, predicate, object, dates). */
tm_rc tm_store_delete_relation(tm_store *st, const tm_relation *key, tm_err *err);
tm_rc tm_store_delete_action(tm_store *st, const char *id, tm_err *err);
tm_rc tm_store_delete_site(tm_store *st, const char *id, tm_err *err);
/* The involvement claim with key's identity (entity, category, dates). */
tm_rc tm_store_delete_involvement(tm_store *st, const tm_involvement *key, tm_err *err);
/* The involvement claims of entity id, as record keys (tm_involvement_key). */
tm_rc tm_store_involvement_keys_of(tm_store *st, const char *id, tm_strv *out, tm_err *err);
/* The relations of entity id, as record keys (tm_relation_key), in *out. */
tm_rc tm_store_relation_keys_of(tm_store *st, const char *id, tm_strv *out, tm_err *err);
/* The key of relation row rel_id (*key owned by the caller). */
tm_rc tm_store_relation_key_of(tm_store *st, int64_t rel_id, char **key, tm_err *err);

/* ---- reports: corrections and replies from readers ---- */

typedef struct tm_report {
	int64_t id;
	char *kind;    /* "error" (a correction) or "reply" (the organization's response) */
	char *record;  /* what it is about */
	char *key;
	char *at;
	char *message;
	char *links;   /* evidence, one URL a line, or NULL */
	char *contact; /* an address to answer; NULL, and erased when closed */
	int status;    /* 0 open, 1 published (a reply), 2 closed */
	char *reviewer, *reviewed_at, *note;
} tm_report;
void tm_report_release(tm_report *r);
tm_rc tm_store_report_add(tm_store *st, const tm_report *r, int64_t *id, tm_err *err);
tm_rc tm_store_report_get(tm_store *st, int64_t id, tm_report *out, tm_err *err);
/* Close or publish a report; closing or publishing erases its contact. */
tm_rc tm_store_report_review(tm_store *st, int64_t id, int status, const char *reviewer, const char *at,
			     const char *note, tm_err *err);
typedef int (*tm_report_fn)(void *ctx, const tm_report *r);
/* Reports with status (-1 every one), oldest first; record and key (may
 * be NULL): only those about it. */
tm_rc tm_store_reports(tm_store *st, int status, const char *record, const char *key, tm_report_fn fn, void *ctx,
		       tm_err *err);

#endif
