/*
 * model/capture: an archived copy of a source.  `tiemap archive` fetches a
 * source's URL and keeps what came back as a WARC file (ISO 28500) in the
 * store's archive folder; a capture is the record of one such fetch: when,
 * from where to where, what came back and its SHA-256.  docs/archive.md.
 *
 * Records follow the rules of model.h: plain structs of owned strings,
 * X_release() frees what they hold, an absent optional string is NULL.
 */
#ifndef TM_MODEL_CAPTURE_H
#define TM_MODEL_CAPTURE_H

#include "model/model.h"

#define TM_TIME_MAX 21   /* "YYYY-MM-DDTHH:MM:SSZ" and its NUL */
#define TM_SHA256_HEX 65 /* 64 lower-case hex digits and the NUL */

/* A response passed on the way: a redirect. */
typedef struct tm_hop {
	char *url;  /* the URL that answered with a redirect */
	int status; /* 301, 302, 303, 307 or 308 */
} tm_hop;

typedef struct tm_capture {
	char *source;               /* the source id */
	char fetched[TM_TIME_MAX];  /* UTC, when the first request began; one capture per source and second */
	char *url;                  /* the URL asked for: the source's URL at the time */
	char *final_url;            /* the URL of the response kept: url, or where the redirects led */
	int status;                 /* its HTTP status (2xx) */
	char *content_type;         /* its Content-Type as the server sent it, or NULL */
	int64_t length;             /* bytes of its payload (the document) */
	char sha256[TM_SHA256_HEX]; /* the payload's SHA-256 (the WARC-Payload-Digest) */
	char *warc;                 /* the WARC file's name in the archive folder */
	char warc_sha256[TM_SHA256_HEX]; /* the WARC file's SHA-256, whole */
	tm_hop *redirects;          /* in the order they were followed */
	size_t n_redirects, cap_redirects;
} tm_capture;

void tm_capture_release(tm_capture *c);
void tm_capture_add_redirect(tm_capture *c, const char *url, int status);

/* A capture's time as the 14 digits of its file name and its address on
 * the web site ("2025-05-01T10:00:00Z" → "20250501100000"), and back:
 * tm_capture_unstamp() returns 0, or -1 when stamp is not such digits. */
void tm_capture_stamp(const char *fetched, char out[15]);
int tm_capture_unstamp(const char *stamp, char out[TM_TIME_MAX]);

/* 1 if s is "YYYY-MM-DDTHH:MM:SSZ", a real UTC time. */
int tm_time_valid(const char *s);
/* 1 if s is 64 lower-case hex digits. */
int tm_sha256_hex_valid(const char *s);
/* 1 if s is a WARC file name the archive folder may hold: a plain name of
 * a-z, 0-9, '-', '_' and '.', not starting with '.', ending in ".warc". */
int tm_warc_name_valid(const char *s);

#endif
