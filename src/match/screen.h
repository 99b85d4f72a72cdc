/*
 * screen: a whole list screened against the graph, and the report of it in
 * the formats people publish (JSON, CSV, Markdown, HTML).
 *
 * The input is rows already read (the CLI and the web read CSV through
 * io/csv.h); a row that could not be read comes with its error and is
 * reported, not screened, so one bad line never hides the others.  Each row
 * gets its best match at the threshold and its flags (match.h): each direct
 * or via a chain of ownership, with the involvement claim's quotes and the
 * chain's ties, each with its sources.
 *
 * JSON shape (docs/cli.md):
 *   {"summary":{"rows","matched","flagged","unreadable","threshold","categories","depth",
 *               "min_share","caveat",…},
 *    "rows":[{"line","input","match":{"id","name","score","matched_by",…} or null,
 *             "flags":[{"category","label","label_zh","basis","direct","involved","claims",
 *                       "chain","text","text_zh"}],"caveat","caveat_zh"}]}
 */
#ifndef TM_MATCH_SCREEN_H
#define TM_MATCH_SCREEN_H

#include <jansson.h>

#include "match/match.h"

/* One row to screen; strings borrowed for the call. */
typedef struct tm_screen_in {
	size_t line;         /* where it was read (1-based), 0 when not from a file */
	const char *name;    /* may be NULL or "" when ident is given */
	const char *ident;   /* ISIN, LEI, USCC or ticker, or NULL */
	const char *country; /* or NULL */
	const char *error;   /* the row could not be read: why (it is reported, not screened) */
	const char *warning; /* a note from reading it (a ragged row), or NULL */
	const tm_qident *ids; /* identifiers with their schemes (match.h), strongest first */
	size_t nids;
} tm_screen_in;

typedef struct tm_screen_opts {
	double threshold;        /* 0: TM_MATCH_THRESHOLD */
	int no_flags;            /* 1: match only, flag nothing */
	tm_flag_opts flags;      /* the categories and the ownership chains (tm_flag_opts_init) */
	const tm_graph *graph;   /* the graph of the store; needed unless no_flags */
	/* Threads: with jobs > 1 and db_path set, that many workers each open
	 * db_path read-only and screen a share of the rows. */
	int jobs;
	const char *db_path;
	int cached;              /* the typo index from the store's cache (search.h) */
	void (*progress)(void *ctx, size_t done, size_t total); /* may be NULL */
	void *progress_ctx;
} tm_screen_opts;

typedef struct tm_screen_row {
	size_t line;
	char *input;       /* the name as read ("" when none) */
	char *ident;       /* NULL when none */
	tm_qident *ids;     /* identifiers from their own columns (values and array owned) */
	size_t nids;
	char *country;     /* NULL when none */
	char *error;       /* not screened: why */
	char *warning;     /* notes on the row (reading, identifier, country) */
	int matched;       /* match holds the best candidate at the threshold */
	int group_member;  /* not matched: match holds the group the input may be a member of (TM_BY_GROUP) */
	tm_match match;    /* when matched or group_member; also the best candidate below it (matched 0, id non-NULL) */
	tm_flags flags;    /* the categories it is flagged for, and how (a group member has none) */
} tm_screen_row;

typedef struct tm_screen_report {
	tm_screen_row *rows;
	size_t n, cap;
	size_t matched, flagged, unreadable, warned;
	size_t group_members; /* rows reported as possible group members */
	/* how the input was read, for the summary (set by the caller; owned) */
	char *input_format, *input_sheet;
	size_t header_line;
	tm_strv input_notes; /* lines skipped above the header and below the table, guesses */
	double threshold;
	int flags_on;        /* flags were asked for */
	tm_strv categories;  /* the categories asked (empty: all) */
	int depth;           /* ownership ties followed */
	double min_share;
	double seconds; /* time spent screening */
} tm_screen_report;
void tm_screen_report_release(tm_screen_report *r);

/* Screen in[0..n-1] into *out (the caller's; release it). */
tm_rc tm_screen_run(tm_store *st, const tm_screen_in *in, size_t n, const tm_screen_opts *o,
		    tm_screen_report *out, tm_err *err);

/* What every report says, in English and Chinese: a match is not proof, and
 * absence is not innocence. */
extern const char tm_screen_caveat_en[], tm_screen_caveat_zh[];

/* Renderers.  The store gives entity names, the claims and the sources.
 * lang ("en" or "zh") is the language of the texts meant for a reader (the
 * flags as sentences, the headers of the HTML); JSON carries both.
 * JSON: a new reference, owned by the caller. */
json_t *tm_screen_report_json(tm_store *st, const tm_screen_report *r);
/* CSV (RFC 4180, with formulas defused for spreadsheets), Markdown, and a
 * standalone HTML page with everything escaped; appended to out. */
void tm_screen_report_csv(tm_store *st, const tm_screen_report *r, const char *lang, tm_buf *out);
void tm_screen_report_md(tm_store *st, const tm_screen_report *r, const char *lang, tm_buf *out);
void tm_screen_report_html(tm_store *st, const tm_screen_report *r, const char *lang, tm_buf *out);

#endif
