/*
 * grid: a table as people hand it over, read whole into rows of cells.
 *
 * Lists to screen and device inventories arrive as CSV or TSV, as Excel
 * workbooks (.xlsx, what Vanguard and State Street publish) or as
 * OpenDocument spreadsheets (.ods).  tm_grid_load() looks at the bytes,
 * reads what is a table and refuses what is not with a message that names
 * what it is instead (JSON, YAML, HTML, XML, PDF, an old .xls, a Word file,
 * a binary), so that a wrong file is never "0 rows, exit 0".
 *
 *   CSV/TSV  through csv.h (its records, errors and warnings as they are)
 *   .xlsx    libzip opens the archive, expat reads xl/workbook.xml, its
 *            relationships, xl/sharedStrings.xml and the first worksheet (or
 *            the one named); cells land in the column their reference names
 *   .ods     libzip and expat over content.xml: the first table (or the one
 *            named), repeated rows and cells expanded up to the limits
 *
 * Both XML readers refuse entity declarations (how XML bombs are made) and
 * stop at a cap on the bytes they inflate (how zip bombs are made), so that
 * memory stays bounded by the cells kept, whatever the file.
 *
 * A row's `line` is where a reader would find it: the line of a CSV, the row
 * number of a sheet.  A sheet's rows without a cell are left out, as the CSV
 * reader leaves out empty lines; a CSV row keeps all its fields, blank or not.
 */
#ifndef TM_IO_GRID_H
#define TM_IO_GRID_H

#include "core/core.h"

#define TM_GRID_MAX_COLS 4096               /* cells kept per row */
#define TM_GRID_MAX_CELL ((size_t)1 << 20)  /* bytes per cell */
#define TM_GRID_MAX_XML ((size_t)1 << 30)   /* bytes inflated from one archive */

typedef struct tm_grid_row {
	size_t line;   /* CSV line or sheet row number, 1-based */
	size_t n;      /* cells */
	char **f;      /* f[0..n-1], NUL-terminated UTF-8, owned */
	char *error;   /* the row could not be read: why (then n is 0), owned */
	char *warning; /* read with a guess: what, owned */
} tm_grid_row;

typedef struct tm_grid {
	tm_grid_row *v;
	size_t n, cap;
	const char *format; /* "csv", "xlsx" or "ods" (static) */
	char *sheet;        /* the sheet read, for workbooks; owned */
	tm_strv sheets;     /* all the workbook's sheets, in order */
	char delim;         /* the CSV delimiter used */
} tm_grid;
void tm_grid_release(tm_grid *g);

typedef struct tm_grid_opts {
	char delim;          /* CSV: ',', ';', '\t', '|' or 0 to guess */
	const char *sheet;   /* workbooks: the sheet to read; NULL: the first */
	size_t max_rows;     /* fail with TM_ERR_LIMIT beyond this many rows; 0: none */
	int allow_xml;       /* accept XML (nmap reports): TM_ERR_NOTFOUND says "not a table, XML" */
} tm_grid_opts;

/* What a file's bytes are.  tm_grid_sniff() says; tm_grid_load() reads the
 * tables and fails on the others with the message of tm_grid_kind_refusal(). */
typedef enum tm_grid_kind {
	TM_GRID_TEXT = 0, /* delimited text (CSV, TSV …), the default */
	TM_GRID_XLSX,
	TM_GRID_ODS,
	TM_GRID_JSON,
	TM_GRID_YAML,
	TM_GRID_HTML,
	TM_GRID_XML,
	TM_GRID_PDF,
	TM_GRID_XLS,      /* Excel 97-2003 (OLE2) */
	TM_GRID_ZIP,      /* another zip: .docx, .odt, an archive */
	TM_GRID_UTF16,    /* UTF-16 or UTF-32 text without a byte order mark */
	TM_GRID_BINARY,
} tm_grid_kind;

/* The kind of data[0, len), from its first bytes (and, for a zip, its
 * directory).  Cheap: reads at most the first 64 KiB of text. */
tm_grid_kind tm_grid_sniff(const char *data, size_t len);
/* "JSON", "an Excel workbook (.xlsx)" … for messages. */
const char *tm_grid_kind_name(tm_grid_kind k);

/* Read data[0, len) (borrowed for the call) into *out, the caller's to
 * release.  Fails with TM_ERR_INVALID and a message naming what the bytes
 * are when they are not a table (with allow_xml, XML fails with
 * TM_ERR_NOTFOUND instead, for the caller to read otherwise), when a
 * workbook is damaged or has no such sheet; TM_ERR_LIMIT past max_rows or
 * the inflation cap.  A CSV record that cannot be read is a row with
 * `error`, not a failure. */
tm_rc tm_grid_load(const char *data, size_t len, const tm_grid_opts *o, tm_grid *out, tm_err *err);

/* The spreadsheet readers on their own (sheet.c); same contract. */
tm_rc tm_grid_read_xlsx(const char *data, size_t len, const tm_grid_opts *o, tm_grid *out, tm_err *err);
tm_rc tm_grid_read_ods(const char *data, size_t len, const tm_grid_opts *o, tm_grid *out, tm_err *err);

/* 1 when the cell holds nothing but white space (no-break spaces too, as
 * iShares writes between its preamble and its header). */
int tm_grid_blank(const char *s);
/* Cells of row that are not blank. */
size_t tm_grid_filled(const tm_grid_row *row);

/* Add a row of n cells to g (used by the readers); the cells are copied.
 * len may be NULL (then strlen).  Returns the row. */
tm_grid_row *tm_grid_add(tm_grid *g, size_t line, const char *const *f, const size_t *len, size_t n);

#endif
