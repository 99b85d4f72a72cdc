/*
 * archive: archived copies of sources (docs/archive.md).
 *
 * `tiemap archive` fetches a source's URL with libcurl, following redirects
 * one by one, and writes every request and response as a WARC file
 * (ISO 28500, WARC/1.1) into the store's archive folder; the capture
 * (model/capture.h) records it.  This module fetches, writes and reads WARC
 * files, reads the text of a copy (HTML with libxml2, PDF with poppler's
 * pdftotext) and looks for each claim's quote in it.
 *
 * The one module besides http that opens sockets, through libcurl, and only
 * tm_archive_fetch() does, which only `tiemap archive` calls: nothing is
 * ever fetched on a reader's request.  pdftotext runs as a child process, so
 * that a PDF that crashes or hangs poppler costs a child, bounded in time
 * and memory, not tiemap.
 */
#ifndef TM_ARCHIVE_H
#define TM_ARCHIVE_H

#include "core/core.h"
#include "model/capture.h"
#include "store/store.h"

/* What a fetch may take; a field left 0 (or NULL) takes the default. */
typedef struct tm_fetch_opts {
	double timeout;         /* seconds one request may take, all of it: 60 */
	double connect_timeout; /* seconds to connect: 20 */
	int64_t max_bytes;      /* bytes of one response's body: 32 MiB; a larger one is refused */
	int max_redirects;      /* redirects followed: 10 */
	const char *proxy;      /* "socks5h://127.0.0.1:9050" (Tor), "http://proxy:3128"; NULL: none,
				   whatever the environment says */
	const char *user_agent; /* NULL: TM_ARCHIVE_USER_AGENT */
} tm_fetch_opts;

#define TM_ARCHIVE_USER_AGENT "tiemap-archive/0.1 (archives the pages a tiemap database cites as sources)"
#define TM_ARCHIVE_MAX_BYTES ((int64_t)32 << 20)

/* Fetch url, the URL of source (an id), and keep the exchange as a new WARC
 * file in dir (created if missing): a warcinfo record, then a request and
 * a response record for each redirect and for the final response.  *out
 * (the caller releases it) describes it.  The final response must be a 2xx:
 * a 404, a timeout, a body over the cap, a redirect loop … fail with a
 * message that says which, and leave no file behind.  Two captures of one
 * source are at least a second apart (the file's name holds the second). */
tm_rc tm_archive_fetch(const char *dir, const char *source, const char *url, const tm_fetch_opts *o,
		       tm_capture *out, tm_err *err);

/* Remove a capture's WARC file from dir (a capture that could not be
 * recorded in the store); 0, or -1 with errno. */
int tm_archive_remove(const char *dir, const tm_capture *c);

/* The document a capture kept, read from its WARC file. */
typedef struct tm_payload {
	char *data;             /* the payload's bytes (owned), NUL-terminated */
	size_t len;             /* not counting that NUL */
	char *content_type;     /* the response's Content-Type, or NULL */
	char *content_encoding; /* its Content-Encoding, or NULL (identity) */
} tm_payload;
void tm_payload_release(tm_payload *p);

/* The bytes of c's WARC file in dir, whole, into out; the file must hash
 * to c->warc_sha256, else it is "damaged".  TM_ERR_NOTFOUND when the file
 * is not there. */
tm_rc tm_archive_read_warc(const char *dir, const tm_capture *c, tm_buf *out, tm_err *err);

/* Read the final response of c's WARC file in dir; the file must hash to
 * c->warc_sha256 and the payload to c->sha256, else "damaged". */
tm_rc tm_archive_payload(const char *dir, const tm_capture *c, tm_payload *out, tm_err *err);

/* The text of a payload (owned by the caller, UTF-8): HTML through
 * libxml2's HTML parser (script, style and the like left out, blocks on
 * lines of their own), PDF through pdftotext, plain text as it is.
 * TM_ERR_INVALID for a type with no text (an image) or an encoding this
 * cannot read. */
tm_rc tm_archive_text(const tm_payload *p, char **text, tm_err *err);

/* 1 if the HTML in data has a <meta http-equiv="refresh">, which would
 * send a reader of the copy elsewhere on its own. */
int tm_archive_html_refreshes(const char *data, size_t len);

/* A document's text in the forms a quote is looked for in (text.h). */
typedef struct tm_quote_doc {
	tm_buf plain;  /* tm_text_quote_form() of the text */
	tm_buf joined; /* the same with line-end hyphens joined */
} tm_quote_doc;
tm_rc tm_quote_doc_init(tm_quote_doc *d, const char *text, tm_err *err);
void tm_quote_doc_release(tm_quote_doc *d);
/* 1 if quote is in d, 0 if not; -1 with err set when quote cannot be read.
 * Marks of omission ("…", "...", "[…]") split the quote into parts that
 * must come in order. */
int tm_quote_doc_has(const tm_quote_doc *d, const char *quote, tm_err *err);

/* What `tiemap check` adds: for each source with captures, the latest
 * capture's text is read (as kept in the store, else from its WARC file)
 * and each quote of a claim citing the source looked for in it.  Findings:
 * "quote_not_in_archive" (id: the source; detail: the claim, the quote, the
 * capture, and the latest earlier capture that has the quote, if one does)
 * and "archive_unreadable" (id: the source; detail: why). */
tm_rc tm_archive_check(tm_store *st, int (*fn)(void *ctx, const tm_finding *f), void *ctx, tm_err *err);

/* ---- WARC and HTTP messages, read from memory ---- */

/* One WARC record: borrowed pointers into the buffer read. */
typedef struct tm_warc_rec {
	const char *head; /* the header lines after "WARC/1.x\r\n", up to the blank line */
	size_t head_len;
	const char *block; /* the Content-Length bytes of the block */
	size_t block_len;
} tm_warc_rec;

/* The record at *off in buf[0, len); moves *off past it and its two CRLFs.
 * TM_ERR_NOTFOUND at the end of buf; TM_ERR_INVALID when what is there is
 * not a WARC/1.0 or WARC/1.1 record. */
tm_rc tm_warc_next(const char *buf, size_t len, size_t *off, tm_warc_rec *rec, tm_err *err);

/* The value of header name (any case) in "Name: value\r\n" lines, trimmed,
 * owned by the caller; NULL when absent. */
char *tm_archive_header(const char *head, size_t len, const char *name);

/* An HTTP response held in a WARC block. */
typedef struct tm_http_msg {
	int status;       /* 100..599 */
	const char *head; /* the header lines after the status line, up to the blank line */
	size_t head_len;
	const char *body; /* the payload: the rest of the block */
	size_t body_len;
} tm_http_msg;
tm_rc tm_http_response_split(const char *block, size_t len, tm_http_msg *out, tm_err *err);

/* SHA-256 of n bytes as 64 lower-case hex digits (libsodium). */
void tm_sha256_hex(const void *p, size_t n, char out[TM_SHA256_HEX]);

#endif
