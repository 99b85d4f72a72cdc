/*
 * csv: a reader for the CSV and TSV files that other people's spreadsheets
 * write (RFC 4180, read leniently).  Holdings lists, vendor payments and
 * device inventories arrive this way, so the reader must survive whatever
 * comes: a byte order mark, CRLF or lone CR line ends, ragged rows, stray
 * quotes, a field of 50 MB, bytes that are not UTF-8.
 *
 * What it does with them:
 *   - a UTF-8 BOM is dropped; a UTF-16 or UTF-32 BOM fails the open with a
 *     message that says how to re-save the file;
 *   - a record that cannot be read (a field longer than max_field, more than
 *     max_fields fields, invalid UTF-8 or a NUL byte, a quote never closed)
 *     comes back with `error` set and its line number, and reading goes on
 *     with the next record;
 *   - what can be read with a guess (a quote inside an unquoted field, text
 *     after a closing quote) comes back with a warning;
 *   - lines that are entirely empty are skipped.
 * Ragged rows are the caller's to judge: a record has as many fields as it has.
 *
 * Memory stays bounded by max_field × max_fields whatever the input.
 * Records are borrowed: valid until the next tm_csv_next() or tm_csv_free().
 */
#ifndef TM_IO_CSV_H
#define TM_IO_CSV_H

#include <stdio.h>

#include "core/core.h"

#define TM_CSV_MAX_FIELD ((size_t)1 << 20) /* default bytes per field */
#define TM_CSV_MAX_FIELDS 4096             /* default fields per record */

typedef struct tm_csv tm_csv;

typedef struct tm_csv_opts {
	char delim;        /* ',', ';', '\t' or '|'; 0 guesses from the first line */
	size_t max_field;  /* bytes per field; 0 means TM_CSV_MAX_FIELD */
	size_t max_fields; /* fields per record; 0 means TM_CSV_MAX_FIELDS */
} tm_csv_opts;

typedef struct tm_csv_rec {
	size_t line;         /* physical line (1-based) where the record starts */
	size_t n;            /* number of fields */
	const char *const *f; /* f[0..n-1], NUL-terminated; empty when error is set */
	const size_t *len;   /* byte length of each field */
	const char *error;   /* NULL, or why the record could not be read */
	const char *warning; /* NULL, or what was guessed while reading it */
} tm_csv_rec;

/* Read from f, which stays the caller's (not closed here).  *out is owned
 * by the caller: tm_csv_free() it.  Fails with TM_ERR_INVALID on a UTF-16 or
 * UTF-32 file, TM_ERR_IO when f cannot be read. */
tm_rc tm_csv_open(FILE *f, const tm_csv_opts *opts, tm_csv **out, tm_err *err);

/* Read from a buffer, which must outlive the reader (it is not copied). */
tm_rc tm_csv_open_mem(const char *data, size_t len, const tm_csv_opts *opts, tm_csv **out, tm_err *err);

/* The next record into *rec (borrowed, see above): TM_OK, also for a record
 * with `error` set; TM_ERR_NOTFOUND after the last record; TM_ERR_IO when the
 * stream fails. */
tm_rc tm_csv_next(tm_csv *c, tm_csv_rec *rec, tm_err *err);

/* The delimiter in use (after guessing, once the first record is read). */
char tm_csv_delim(const tm_csv *c);

void tm_csv_free(tm_csv *c);

/* The index of the column called name in a header record: compared without
 * case and surrounding spaces; a number "1".."n" also names a column.  -1
 * when no column has that name. */
int tm_csv_col(const tm_csv_rec *header, const char *name);

/* CSV is written with tm_buf_add_csv() (core.h), by every writer. */

#endif
