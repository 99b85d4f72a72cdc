/*
 * rows: the lines of a list to screen (holdings, vendors, payees), from a
 * table as its publisher made it (grid.h: CSV, TSV, .xlsx, .ods).
 *
 * The header is the row among the first 64 that names the most known
 * columns ("Name", "Ticker", "ISIN", "Weight (%)", "Market Value" …), so
 * that a fund's metadata above it (iShares writes nine lines) is skipped;
 * rows at the end that are not rows of the table (a disclaimer, "Holdings
 * subject to change", a total) are skipped too, and both are reported in
 * `notes`.  With no known column anywhere, the first row is the header and
 * a note says so.
 *
 * Columns are named by header text (without case) or number; when a column
 * is not named, the usual headers are tried: "name", "issuer", "security
 * name", "vendor", "公司名称" … for the name; "country", "location" … for the
 * country.  Identifiers have columns of their own, each with its scheme:
 * "ticker"/"symbol", "isin", "cusip", "sedol", "lei", "uscc"/"统一社会信用代码",
 * and "identifier" (scheme told by the value's shape); --id-col names one
 * of that last kind.  The name is never taken from an identifier column:
 * a ticker is not a name.
 *
 * A row that cannot be read keeps its line number and the reason, so that it
 * is reported and the rest still screened; a ragged row gets a warning;
 * blank rows are left out.
 */
#ifndef TM_IO_ROWS_H
#define TM_IO_ROWS_H

#include "io/csv.h"
#include "io/grid.h"

#define TM_ROW_MAX_IDS 6

typedef struct tm_rows_spec {
	const char *name_col;    /* NULL: guess (else the first column that is no identifier) */
	const char *id_col;      /* NULL: the identifier columns the header names */
	const char *country_col; /* NULL: guess (none when no header fits) */
	const char *sheet;       /* workbooks: the sheet; NULL the first */
	char delim;              /* CSV: 0 guesses */
} tm_rows_spec;

typedef struct tm_row {
	size_t line;
	char *name, *country;         /* owned; NULL when absent */
	tm_qident ids[TM_ROW_MAX_IDS]; /* identifiers (values owned), strongest scheme first */
	size_t nids;
	char *error;                  /* the row could not be read, why */
	char *warning;                /* read with a guess, what */
} tm_row;

typedef struct tm_rows {
	tm_row *v;
	size_t n, cap;
	/* the columns used (header texts, owned), NULL when none */
	char *name_col, *country_col;
	tm_strv id_cols;      /* "ISIN (isin)", "Ticker (ticker)" … */
	const char *format;   /* "csv", "xlsx", "ods" */
	char *sheet;          /* the sheet read, for workbooks */
	size_t header_line;   /* where the header is */
	tm_strv notes;        /* what was skipped or guessed, for the reader of the report */
} tm_rows;
void tm_rows_release(tm_rows *r);

/* Read the rows of a table held in data[0, len) (borrowed for the call).
 * Fails with TM_ERR_INVALID when the bytes are not a table (grid.h names
 * what they are), when the header is missing, a named column is not in it,
 * when no row under it can be read or none has a name or an identifier
 * (nothing to screen is an error, never "0 rows"); TM_ERR_LIMIT after
 * max_rows rows (0: no limit).  A bad record is a row with `error`. */
tm_rc tm_rows_load(const char *data, size_t len, const tm_rows_spec *spec, size_t max_rows, tm_rows *out,
		   tm_err *err);

/* The same over a grid already read. */
tm_rc tm_rows_from_grid(const tm_grid *g, const tm_rows_spec *spec, size_t max_rows, tm_rows *out, tm_err *err);

/* The header row of g for a reader that wants the columns heads[] (lower
 * case): the index of the row among the first 64 naming the most of them
 * (besides the columns every table of holdings has), or -1 when none names
 * any.  *hits gets how many it names. */
long tm_rows_find_header(const tm_grid *g, const char *const *heads, size_t nheads, size_t *hits);

/* The rows at the end of g from index `from` on that are not rows of a
 * table whose header fills `width` cells: prose (a disclaimer), or a lone
 * cell under a wide header.  Returns the index where they start (g->n when
 * there are none). */
size_t tm_rows_trailer(const tm_grid *g, size_t from, size_t width);

#endif
