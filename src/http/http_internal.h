/*
 * What the files of src/http share: the request a handler works on, the
 * route table, the HTML and JSON helpers, the message catalogs and the
 * embedded assets.  Not for use outside src/http/.
 *
 * A handler is `void tm_http_<name>(tm_req *req)`: it reads the request
 * (tm_req_param, tm_req_arg, req->st, req->g) and sets the response
 * (tm_req_json, tm_page_begin/… /tm_page_end, or tm_req_fail).  The server
 * adds the headers, the ETag, the cache and the access log around it.
 * Adding a route: one line in routes.def, one handler file.
 */
#ifndef TM_HTTP_INTERNAL_H
#define TM_HTTP_INTERNAL_H

#include <stdatomic.h>
#include <time.h>

#include <jansson.h>
#include <microhttpd.h>

#include "graph/graph.h"
#include "http/http.h"
#include "store/store.h"

/* ---- embedded assets (the generated build/gen/http_assets.c) ---- */

typedef struct tm_asset {
	const char *path;          /* "site.css", "i18n/en.json" */
	const char *type;          /* Content-Type */
	const unsigned char *data; /* the bytes, NUL-terminated for text */
	size_t len;                /* not counting that NUL */
	const char *hash;          /* a short hash of the bytes, for ETags and ?v= */
} tm_asset;
extern const tm_asset tm_assets[];
extern const size_t tm_n_assets;
extern const char tm_assets_build[]; /* a hash over every asset: changes with any of them */
/* The asset at path, or NULL. */
const tm_asset *tm_asset_find(const char *path);

/* ---- message catalogs (the JSON files of web/i18n, embedded) ---- */

/* Parse the catalogs; once, before the workers start. */
tm_rc tm_i18n_load(tm_err *err);
void tm_i18n_free(void);
/* The message key in lang ("en" or "zh"); the English one when lang lacks it;
 * the key itself when both do (a test checks that none is missing). */
const char *tm_i18n(const char *lang, const char *key);
/* "zh" or "en" from an Accept-Language header (NULL gives "en"). */
const char *tm_i18n_negotiate(const char *accept_language);

/* ---- the graph snapshot every request reads ---- */

typedef struct tm_snapshot {
	tm_graph *g;         /* immutable once published */
	int64_t version;     /* the data_version it was built from */
	time_t loaded;       /* when: the Last-Modified of every page built on it */
	atomic_int refs;     /* the server's reference and each request's */
} tm_snapshot;

/* ---- streamed answers (stream.c) ---- */

/* Writes a body to out from st, inside one read transaction of st's. */
typedef tm_rc (*tm_stream_fn)(tm_store *st, FILE *out, tm_err *err);

/* The writers of streamed answers: `threads` of them, each with its own
 * read-only store of db_path; at most max_queued answers wait for one; a
 * writer gives up after `seconds`.  Owned by the caller: free it (which
 * cuts the answers under way short) before stopping libmicrohttpd. */
typedef struct tm_stream_pool tm_stream_pool;
tm_stream_pool *tm_stream_pool_new(const char *db_path, unsigned threads, unsigned max_queued, double seconds);
void tm_stream_pool_free(tm_stream_pool *p);
/* A response (chunked, of unknown length) whose body fn writes on a pool
 * thread while conn sends it; the caller's reference, to queue and
 * destroy.  NULL when the queue is full. */
struct MHD_Response *tm_stream_start(tm_stream_pool *p, struct MHD_Connection *conn, tm_stream_fn fn);

/* ---- routes ---- */

enum {
	TM_ROUTE_PAGE = 1,    /* HTML: errors as pages, language negotiated */
	TM_ROUTE_API = 2,     /* JSON: errors as {"error":{…}} */
	TM_ROUTE_STATIC = 4,  /* an embedded asset: no store, its own ETag */
	TM_ROUTE_NOCACHE = 8, /* never keep the response in the cache */
	TM_ROUTE_POST = 16,   /* also takes POST, its body in req->upload (never cached or logged) */
};
#define TM_ROUTE_MAX_PARAMS 4

typedef struct tm_req tm_req;
typedef void (*tm_route_fn)(tm_req *req);

typedef struct tm_route {
	const char *pattern; /* "/api/v1/entities/{id}": {name} matches one path segment */
	tm_route_fn fn;
	int flags;
} tm_route;

#define TM_ROUTE(pattern, name, flags) void tm_http_##name(tm_req *req);
#include "http/routes.def"
#undef TM_ROUTE

extern const tm_route tm_routes[];
extern const size_t tm_n_routes;
/* The route for path, with its {captures} in req->params; NULL if none. */
const tm_route *tm_route_match(tm_req *req, const char *path);

/* The options the server was started with (licence, base URL …). */
const tm_http_opts *tm_http_server_opts(const tm_http_server *s);

/* ---- the request ---- */

struct tm_req {
	tm_http_server *srv;
	struct MHD_Connection *conn;
	char *uri;           /* the request target as sent, percent-encoded (owned) */
	size_t uri_len;
	const char *method;
	const char *path;    /* decoded by libmicrohttpd */
	const tm_route *route;
	char *params[TM_ROUTE_MAX_PARAMS];      /* the {captures}, decoded (owned) */
	const char *param_names[TM_ROUTE_MAX_PARAMS];
	size_t n_params;
	const char *lang;    /* "en" or "zh" */
	int lang_explicit;   /* from ?lang=, not from Accept-Language */
	tm_store *st;        /* this worker's store */
	const tm_graph *g;   /* the snapshot's graph */
	tm_snapshot *snap;
	double started;
	int headers_seen;    /* libmicrohttpd's first call for this request came */
	size_t body_bytes;   /* of a body sent with a GET: dropped, then refused */
	tm_buf upload;       /* the body of a POST, in memory only, at most TM_MAX_UPLOAD bytes */
	int upload_over;     /* the body was larger: answered 413 */
	int queued;          /* a response went out; later calls only drain */
	int status;          /* what was sent, for the access log */
	size_t bytes;

	/* the response a handler builds */
	int r_status;
	const char *r_type;
	tm_buf body;
	int r_nocache;       /* do not keep it in the cache */
	char *r_location;    /* a redirect target (owned), with r_status 302/303 */
	char *r_csp;         /* a Content-Security-Policy replacing the default (owned), or NULL */
	char *r_disposition; /* a Content-Disposition (owned), or NULL */
	char *r_type_owned;  /* where r_type points when a handler made it (owned), or NULL */
	const tm_asset *r_asset; /* static routes: the embedded asset to send */
	char *title;         /* the page's title, for "cite this page" (owned, set by tm_page_begin) */
	char cite_date[11];  /* the date the page cites: the claims' last change; "" the data's */
	tm_stream_fn r_stream;   /* a body too large to hold: written by the stream pool (tm_req_stream) */
};

#define TM_MAX_UPLOAD ((size_t)4 << 20) /* bytes of a POST body */

/* A {capture} of the route's pattern, or NULL. */
const char *tm_req_param(const tm_req *req, const char *name);
/* A query argument, decoded and valid UTF-8 (the server checked), or NULL. */
const char *tm_req_arg(const tm_req *req, const char *key);
/* An integer argument in [min, max], def when absent.  On a bad value sets a
 * 400 response and returns -1; else 0. */
int tm_req_int_arg(tm_req *req, const char *key, long def, long min, long max, long *out);
/* An error response: JSON for API routes, a page for the others. */
void tm_req_fail(tm_req *req, int status, const char *code, const char *fmt, ...) TM_PRINTF(4, 5);
/* The same from a tm_err: NOTFOUND 404, INVALID 400, AMBIGUOUS 409,
 * LIMIT 503, anything else 500. */
void tm_req_fail_err(tm_req *req, const tm_err *err);
/* A 200 of type `type` whose body fn writes, streamed from the export pool
 * (never held whole, never cached); 503 when the pool's queue is full. */
void tm_req_stream(tm_req *req, const char *type, tm_stream_fn fn);
/* A JSON response (200); consumes v. */
void tm_req_json(tm_req *req, json_t *v);
/* A message of the page's language. */
const char *tm_req_msg(const tm_req *req, const char *key);
#define T(key) tm_req_msg(req, key)

/* What the API and the pages share (api.c).  The q argument: present, not
 * blank, at most 200 characters; else a 400 is set and NULL returned. */
const char *tm_http_query_arg(tm_req *req);
/* An entity named by id or by name, as the CLI resolves it; on failure the
 * response is set (404, or 409 listing the candidates) and NULL returned.
 * The result is owned by the caller. */
char *tm_http_resolve(tm_req *req, const char *what, const char *ref);
/* The places argument of a path or a neighbourhood (?places=1: walk through
 * places too; absent or 0: places only as ends): 0 or 1 into *out, or -1
 * with a 400 set. */
int tm_http_places_arg(tm_req *req, int *out);

/* ---- HTML ---- */

/* Append s HTML-escaped (& < > " '): the one escaping function; every byte
 * of data that reaches a page goes through it. */
void tm_html_esc(tm_buf *b, const char *s);
/* Append s percent-encoded for a URL query value or path segment. */
void tm_url_enc(tm_buf *b, const char *s);
/*
 * printf for HTML: %s appends an argument escaped (tm_html_esc), %q appends
 * it percent-encoded and then escaped (a URL part inside an attribute),
 * %r appends trusted markup unescaped, %d int, %ld long, %zu size_t, %%.
 * Nothing else is accepted, so data can only enter escaped.
 */
void tm_html(tm_buf *b, const char *fmt, ...);
/* v as JSON for a <script type="application/json"> block (the pages' data for
 * their scripts): "<", ">" and "&" as \u escapes, so that no string can end
 * the element. */
void tm_html_script_json(tm_buf *b, json_t *v);

/* The page frame: doctype, head, header with search and language switch,
 * <main>.  title is plain text. */
void tm_page_begin(tm_req *req, const char *title);
/* </main>, footer, </html>; sets the response (200, text/html). */
void tm_page_end(tm_req *req);
/* "lang=zh": the query argument every internal link carries. */
const char *tm_page_lang_arg(const tm_req *req);
/* An entity's name in the page's language from a ref {"id","name","name_zh"}. */
const char *tm_page_ref_name(const tm_req *req, json_t *ref);
/* <a href="/entities/ID?lang=">name</a> for a ref object. */
void tm_page_entity_link(tm_req *req, json_t *ref);
/* A kind's label in the page's language. */
const char *tm_page_kind_label(const tm_req *req, const char *kind);
/* A relation's or step's label ("label" or "label_zh") in the page's language. */
const char *tm_page_label(const tm_req *req, json_t *o);

/* Footnotes: one number per distinct source, in order of first use. */
typedef struct tm_notes {
	json_t *cites; /* array of the first citation object of each source */
} tm_notes;
void tm_notes_init(tm_notes *n);
void tm_notes_release(tm_notes *n);
/* The evidence of one claim from its "sources" array of citation objects
 * (view.h): the marks "[1][2]" linking to the footnotes, then each quote as
 * visible text with its locator and its source, and a visible mark on a
 * source whose title and URL were not checked; "(unsourced)" when the array
 * is empty.  Quotes are page text, not tooltips: a phone, a keyboard, a
 * screen reader and paper get them too. */
void tm_page_marks(tm_req *req, tm_notes *n, json_t *sources);
/* The numbered list of sources, unchecked ones marked. */
void tm_page_notes(tm_req *req, tm_notes *n);
/* A day "YYYY-MM-DD" as a <time> element. */
void tm_page_day(tm_req *req, const char *day);

#endif
