/*
 * core: the one result type, the one error record, the one string builder
 * and the allocation wrappers that every other module uses.
 *
 * Error convention (used everywhere):
 *   - A function that can fail returns tm_rc; TM_OK (0) is success.
 *   - It takes a `tm_err *err` as its last argument and, on failure, fills it
 *     with tm_fail(), which also returns the rc:  `return tm_fail(err, TM_ERR_INVALID, "bad date '%s'", s);`
 *   - Messages are lower case, with no full stop, the subject quoted.
 *   - Library code never exits; only src/cli and src/main.c turn an error into
 *     an exit status.  The single exception is running out of memory: the
 *     tm_x* allocators abort, as git's xmalloc does, because no caller here
 *     could do anything better.
 *
 * Ownership rule (used everywhere):
 *   - A function that returns a non-const pointer, or fills a struct the
 *     caller passed in, hands ownership to the caller, who releases it with the
 *     matching X_free()/X_release().
 *   - A `const` pointer is borrowed: it lives as long as the object it came from.
 *   - Lifecycle verbs as in git: X_init prepares, X_release frees what the
 *     struct holds (the struct itself stays and can be re-initialised),
 *     X_free frees the struct too, X_reset empties it for reuse.
 */
#ifndef TM_CORE_H
#define TM_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef enum tm_rc {
	TM_OK = 0,
	TM_ERR_INVALID,   /* bad input: a file, a flag, a query */
	TM_ERR_NOTFOUND,  /* the named thing does not exist */
	TM_ERR_AMBIGUOUS, /* a name matched several things */
	TM_ERR_IO,        /* a file or stream failed */
	TM_ERR_DB,        /* the database failed */
	TM_ERR_LIMIT,     /* a size or time bound was reached */
	TM_ERR_INTERNAL   /* a bug: an invariant did not hold */
} tm_rc;

/* The error record a failing call fills. */
typedef struct tm_err {
	tm_rc rc;       /* TM_OK until something fails */
	char msg[1024]; /* human-readable, lower case, no full stop */
} tm_err;

#if defined(__GNUC__)
#define TM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define TM_NORETURN __attribute__((noreturn))
#else
#define TM_PRINTF(f, a)
#define TM_NORETURN
#endif

/* Clear an error record. err may be NULL. */
void tm_err_clear(tm_err *err);

/* Record a failure in err (which may be NULL) and return rc. */
tm_rc tm_fail(tm_err *err, tm_rc rc, const char *fmt, ...) TM_PRINTF(3, 4);

/* Short English name of an rc, for logs and JSON error codes. */
const char *tm_rc_name(tm_rc rc);

/* Allocation: never return NULL; abort with a message on exhaustion. */
void *tm_xmalloc(size_t n);
void *tm_xcalloc(size_t n, size_t size);
void *tm_xrealloc(void *p, size_t n);
char *tm_xstrdup(const char *s);            /* NULL in, NULL out */
char *tm_xstrndup(const char *s, size_t n); /* copies at most n bytes, NUL-terminated */

/* Grow an array *arr of *cap elements of size elem to hold at least need. */
void tm_grow(void **arr, size_t *cap, size_t need, size_t elem);
#define TM_GROW(arr, cap, need) tm_grow((void **)&(arr), &(cap), (need), sizeof(*(arr)))

/*
 * String builder, after git's strbuf: `buf` is never NULL and always
 * NUL-terminated, so it can be printed right after init.
 */
typedef struct tm_buf {
	char *buf;  /* the bytes, NUL-terminated; never NULL */
	size_t len; /* bytes used, not counting the NUL */
	size_t cap; /* bytes allocated; 0 while buf points at the shared empty string */
} tm_buf;

extern char tm_buf_empty[];
#define TM_BUF_INIT { tm_buf_empty, 0, 0 }

void tm_buf_init(tm_buf *b);
void tm_buf_release(tm_buf *b);             /* frees, then re-inits */
void tm_buf_reset(tm_buf *b);               /* len = 0, keeps the allocation */
void tm_buf_add(tm_buf *b, const void *p, size_t n);
void tm_buf_adds(tm_buf *b, const char *s); /* s may be NULL: adds nothing */
void tm_buf_addch(tm_buf *b, char c);
void tm_buf_addf(tm_buf *b, const char *fmt, ...) TM_PRINTF(2, 3);
void tm_buf_vaddf(tm_buf *b, const char *fmt, va_list ap);
/* Hand the bytes to the caller (free() them) and re-init b. Never NULL. */
char *tm_buf_detach(tm_buf *b);
/* Append s (NULL: nothing) escaped for HTML and XML text and attribute
 * values: & < > " ' as entities, and the characters XML 1.0 cannot hold at
 * all (C0 controls but tab, newline and return; U+FFFE, U+FFFF) left out.
 * The one escaper: pages, feeds, digests and reports all use it. */
void tm_html_esc(tm_buf *b, const char *s);
/*
 * Append s (NULL: empty) as one CSV field, the one way every CSV that
 * tiemap writes quotes its cells: RFC 4180 quotes when s holds delim, a
 * quote, CR or LF; and a cell that a spreadsheet would run as a formula
 * (= + - @, a tab or a CR first) gets an apostrophe in front, inside
 * quotes, since the cells are other people's text (OWASP, "CSV
 * injection"); a negative number too, which then reads as text.
 */
void tm_buf_add_csv(tm_buf *b, const char *s, char delim);

/* A growable array of owned strings. */
typedef struct tm_strv {
	char **v;   /* v[0..n-1], each owned by the vector */
	size_t n;
	size_t cap;
} tm_strv;
#define TM_STRV_INIT { NULL, 0, 0 }
void tm_strv_push(tm_strv *sv, const char *s); /* copies s */
void tm_strv_push_owned(tm_strv *sv, char *s); /* takes s */
void tm_strv_release(tm_strv *sv);
int tm_strv_contains(const tm_strv *sv, const char *s);

/* An identifier as a list gives it: the scheme its column names ("isin",
 * "ticker", "cusip" …; NULL when only the value's shape can tell) and the
 * value.  Who fills one says who owns the value. */
typedef struct tm_qident {
	const char *scheme; /* a static string, or NULL */
	char *value;
} tm_qident;

/* 1 if a and b are both NULL or equal strings. */
int tm_streq(const char *a, const char *b);

/* A 64-bit hash of n bytes for in-memory tables: FNV-1a with a final mix
 * (MurmurHash3's), so that the low bits a table masks are well spread.
 * Never stored: it may change between builds. */
uint64_t tm_hash(const void *p, size_t n);

/* 1 if [s, s+n) is well-formed UTF-8 with no NUL byte, else 0. */
int tm_utf8_valid(const char *s, size_t n);

/* The bytes of the bidirectional control character at s (U+061C, U+200E,
 * U+200F, U+202A-U+202E, U+2066-U+2069), or 0 when s starts with none.
 * Such a character reorders the text after it: "gpj.exe" shown as
 * "exe.jpg". */
size_t tm_bidi_control(const char *s);
/* 1 if s (NULL: no) holds a bidirectional control character. */
int tm_bidi_has(const char *s);
/* s with its bidirectional controls confined to itself, for a page: inside
 * U+2068 FIRST STRONG ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE, with a
 * U+2069 of its own that closes nothing dropped and one added for each
 * isolate it leaves open, so that no override or embedding reaches the
 * text around it (UAX #9: the closing isolate ends them).  NULL when s
 * holds none (use s as it is); else a new string, the caller's to free(). */
char *tm_bidi_isolate(const char *s);

/* 1 if s is an absolute http:// or https:// URL that may become a link or a
 * base for links: a host after the scheme (a letter, digit or '[' first),
 * valid UTF-8 of at most 2,000 bytes, no space, control character, bidi
 * control, or any of "<>\^`{|}.  Anything else (javascript:, data:,
 * a relative path) is text, never a link. */
int tm_url_http(const char *s);

/* Validate a date of the form YYYY, YYYY-MM or YYYY-MM-DD (a real calendar
 * day). Returns the precision, 1 (year), 2 (month) or 3 (day), or 0 when s is
 * not such a date. */
int tm_date_precision(const char *s);

/* Monotonic clock in seconds, for progress and time limits. */
double tm_now(void);
/* The time now as "YYYY-MM-DDTHH:MM:SSZ" (UTC) in out. */
void tm_now_iso(char out[24]);

/* Today's date, YYYY-MM-DD (UTC), into out (11 bytes): the day a claim is
 * recorded as added or changed.  $TIEMAP_TODAY (a YYYY-MM-DD date) stands in
 * for the clock, so that tests can import "on another day". */
void tm_today(char out[11]);

#endif
