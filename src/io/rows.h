/*
 * rows: the lines of a list to screen (holdings, vendors, payees), read
 * from a CSV or TSV file with a header through csv.h.
 *
 * Columns are named by header text (without case) or number; when a column
 * is not named, the usual headers are tried: "name", "issuer", "security
 * name", "vendor", "公司名称" … for the name; "isin", "lei", "ticker",
 * "uscc" … for the identifier; "country" … for the country.  A row that
 * cannot be read keeps its line number and the reason, so that it is
 * reported and the rest still screened; a ragged row gets a warning.
 */
#ifndef TM_IO_ROWS_H
#define TM_IO_ROWS_H

#include "io/csv.h"

typedef struct tm_rows_spec {
	const char *name_col;    /* NULL: guess (else the first column) */
	const char *id_col;      /* NULL: guess (none when no header fits) */
	const char *country_col; /* NULL: guess (none when no header fits) */
} tm_rows_spec;

typedef struct tm_row {
	size_t line;
	char *name, *ident, *country; /* owned; NULL when absent */
	char *error;                  /* the row could not be read, why */
	char *warning;                /* read with a guess, what */
} tm_row;

typedef struct tm_rows {
	tm_row *v;
	size_t n, cap;
	/* the columns used (header texts, owned), NULL when none */
	char *name_col, *id_col, *country_col;
} tm_rows;
void tm_rows_release(tm_rows *r);

/* Read every record after the header.  Fails with TM_ERR_INVALID when the
 * header is missing or unreadable or a named column is not in it, with
 * TM_ERR_LIMIT after max_rows rows (0: no limit), TM_ERR_IO when the input
 * fails; a bad record is a row with `error`, not a failure. */
tm_rc tm_rows_read(tm_csv *csv, const tm_rows_spec *spec, size_t max_rows, tm_rows *out, tm_err *err);

#endif
