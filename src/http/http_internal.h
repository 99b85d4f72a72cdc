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

#include "auth/auth.h"
#include "graph/graph.h"
#include "search/search.h"
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
/* The message key in lang ("en", "zh-Hans" (or "zh"), "zh-Hant"); the
 * English one when lang lacks it; the key itself when both do (a test checks
 * that none is missing). */
const char *tm_i18n(const char *lang, const char *key);
/* 1 if the catalog of lang has key itself (no fallback). */
int tm_i18n_has(const char *lang, const char *key);
/* The interface language ("en", "zh-Hans", "zh-Hant") a ?lang= value or a
 * language tag asks for ("zh" and "zh-CN" are zh-Hans; "zh-TW", "zh-HK"
 * and "zh-Hant-…" zh-Hant), or NULL when it is none of them. */
const char *tm_i18n_ui_of(const char *tag);
/* The interface language from an Accept-Language header (NULL gives "en"). */
const char *tm_i18n_negotiate(const char *accept_language);

/* ---- the graph snapshot every request reads ---- */

typedef struct tm_snapshot {
	tm_graph *g;         /* immutable once published */
	tm_search_vocab *vocab; /* search's typo index of the same data, as immutable */
	int64_t version;     /* the data_version it was built from */
	time_t loaded;       /* when: the Last-Modified of every page built on it */
	atomic_int refs;     /* the server's reference and each request's */
	struct tm_snapshot *vocab_of; /* a patched graph's snapshot: the one whose vocab
				       * it borrows (held); NULL when vocab is its own */
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
	/*
	 * The route changes something: it also takes POST, PUT and DELETE, and
	 * the server lets one through to the handler only from a signed-in
	 * user of at least the route's role, who sent either an API token
	 * (Authorization: Bearer) or a session cookie together with the
	 * session's CSRF token (form field "csrf" or header X-CSRF-Token) from
	 * a page of this site (Origin, else Referer).  Anything else is a 403
	 * before the handler runs.  GET and HEAD stay public unless
	 * TM_ROUTE_PRIVATE.  docs/security.md.
	 */
	TM_ROUTE_EDIT = 32,
	TM_ROUTE_EDITOR = 64,   /* the least role of EDIT and PRIVATE is editor (else contributor) */
	TM_ROUTE_ADMIN = 128,   /* … admin */
	TM_ROUTE_PRIVATE = 256, /* GET and HEAD too need a signed-in user of the role (else /login, or 401) */
	TM_ROUTE_LOGIN = 512,   /* POST from anyone, but only from this site's pages: the login form */
	/* POST from anyone, through the guard (guard.h): a form for people
	 * without an account.  Its page puts tm_page_guard_fields() in the
	 * form; the server refuses a submission the guard refuses, before the
	 * handler.  Never cached, so that each reader gets a fresh token. */
	TM_ROUTE_FORM = 1024,
	/* With TM_ROUTE_FORM: a form that crowds send (a petition's signature),
	 * behind a guard of its own with larger buckets, one per path, so that
	 * a petition shared widely neither waits behind the other forms nor
	 * makes them wait (docs/petitions.md). */
	TM_ROUTE_CROWD = 2048,
};
/* The least role a route's flags ask for. */
tm_role tm_route_role(int flags);
#define TM_ROUTE_MAX_PARAMS 4

typedef struct tm_req tm_req;
typedef struct tm_http_auth tm_http_auth;
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
	tm_http_auth *auth;  /* the server's accounts (session.c) */
	struct MHD_Connection *conn;
	char *uri;           /* the request target as sent, percent-encoded (owned) */
	size_t uri_len;
	const char *method;
	const char *path;    /* decoded by libmicrohttpd */
	const tm_route *route;
	char *params[TM_ROUTE_MAX_PARAMS];      /* the {captures}, decoded (owned) */
	const char *param_names[TM_ROUTE_MAX_PARAMS];
	size_t n_params;
	const char *lang;    /* the content's language: "en" or "zh" (either script) */
	const char *ui;      /* the interface's: "en", "zh-Hans" or "zh-Hant" (html lang, messages) */
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

	/* what the page frame says of the page, set before tm_page_begin() */
	struct {
		const char *desc; /* <meta name="description">, og:description (plain text); NULL: the site's */
		int feed;         /* offer the Atom feed (autodiscovery) */
		int article;      /* og:type article (a record's page), else website */
		int noindex;      /* ask search engines to leave it out */
	} page;

	/* the response a handler builds */
	int r_status;
	const char *r_type;
	tm_buf body;
	int r_nocache;       /* do not keep it in the cache */
	char *r_location;    /* a redirect target (owned), with r_status 301/302/303 */
	char *r_content_location; /* Content-Location (owned): the answer is the record at that
				   * address, not the one asked for (an id merged away), or NULL */
	char *merged_into;   /* the {id} asked for was merged into this entity (owned), or NULL */
	char *r_csp;         /* a Content-Security-Policy replacing the default (owned), or NULL */
	char *r_disposition; /* a Content-Disposition (owned), or NULL */
	char *r_type_owned;  /* where r_type points when a handler made it (owned), or NULL */
	const tm_asset *r_asset; /* static routes: the embedded asset to send */
	char *title;         /* the page's title, for "cite this page" (owned, set by tm_page_begin) */
	char cite_date[11];  /* the date the page cites: the claims' last change; "" the data's */
	tm_stream_fn r_stream;   /* a body too large to hold: written by the stream pool (tm_req_stream) */

	/* who is asking (session.c): who.role is TM_ROLE_NONE for a reader */
	tm_session who;
	char *r_cookie;      /* a Set-Cookie value (owned), or NULL */
	const char *r_allow; /* the Allow header of a handler's 405, when not the route's */
	int form_parsed;     /* form holds the body's fields */
	tm_strv form;        /* name, value, name, value … (tm_req_form) */

	/* signatures (tm_http_live): the value when the handler started, and
	 * whether the response shows counts that move with it */
	long long live;
	int r_live;
};

#define TM_MAX_UPLOAD ((size_t)4 << 20) /* bytes of a POST body */

/* ---- request bodies (form.c) ---- */

/* Called for each field of a form body; return non-zero to stop. */
typedef int (*tm_form_fn)(void *ctx, const char *name, size_t nlen, const char *value, size_t vlen);
/* Walk the fields of a body of Content-Type ctype: urlencoded or multipart
 * (other types, and NULL, have none).  -1 for multipart without a usable
 * boundary, else 0. */
int tm_form_parse(const char *ctype, const char *body, size_t n, tm_form_fn fn, void *ctx);
/* The first field called key of the request's form body, when it is valid
 * UTF-8 without NUL; else NULL.  Borrowed from req. */
const char *tm_req_form(tm_req *req, const char *key);

/* ---- accounts (session.c) ---- */

/* What the server keeps for accounts: a writable store (none with
 * --read-only), the keys, the anonymous forms' guard, the login rate. */
tm_rc tm_http_auth_start(const tm_http_opts *o, tm_http_auth **out, tm_err *err);
void tm_http_auth_stop(tm_http_auth *a);
/* Before a non-static route's handler: who is asking (req->who, from an
 * API token or a session cookie read through req->st), then what the
 * route's flags demand of them.  Returns 0 to go on; 1 when the request
 * is refused, its response set. */
int tm_http_auth_check(tm_http_auth *a, tm_req *req);
/* 1 when the response depends on who asked (a signed-in user, a cookie
 * set or cleared): not cached, not shared, and the referrer policy lets
 * the site's own forms carry their Origin. */
int tm_req_personal(const tm_req *req);
/* The Referrer-Policy of req's response: "same-origin" for personal pages
 * and the login and anonymous forms (so that their POSTs carry an Origin),
 * else "no-referrer". */
const char *tm_req_referrer_policy(const tm_req *req);

/* Log in as name with password: on success the session cookie is set and
 * req->who is the new session; returns 0.  Else the HTTP status of the
 * refusal (403 a failed login, every kind alike; 429 too many logins on
 * the whole server just now; 503 no accounts on a read-only server). */
int tm_req_login(tm_req *req, const char *name, const char *password);
/* End the request's session and clear its cookie. */
void tm_req_logout(tm_req *req);
/* Check the signed-in user's password again (the account page), under the
 * same throttle as a login: 0, or a status as tm_req_login's. */
int tm_req_reauth(tm_req *req, const char *password);
/*
 * The server's one writable store, for handlers that change something:
 * NULL on a read-only server.  The lock is held until
 * tm_http_writer_unlock(): writes are few and short, and SQLite takes one
 * writer at a time anyway.
 */
tm_store *tm_http_writer_lock(tm_req *req);
void tm_http_writer_unlock(tm_req *req);
/* After a handler changed the data: the response cache is emptied now and
 * the watcher looks at once (not at its next tick), so that the graph of
 * every later request has the change within moments. */
void tm_http_data_changed(tm_req *req);
/* The writer's notes of what its commits touched, handed to the live graph
 * (server.c); takes t. */
void tm_http_live_note(tm_http_server *srv, tm_touch *t, size_t n);
/* A role's name in the page's language. */
const char *tm_page_role_label(tm_req *req, tm_role r);
/* The header's account box for a signed-in user (name, role, log out),
 * appended to out; nothing for a reader. */
void tm_page_user_box(tm_req *req, tm_buf *out);
/* A 303 to location (owned, taken): after a form, to the page to see. */
void tm_req_see_other(tm_req *req, char *location);
/* When id was merged into another entity (docs/editing.md, "Merging"):
 * answer 301 to that entity's page, /entities/KEEP + suffix ("" or
 * "/graph"), in the reader's language, and return 1; else 0. */
int tm_page_merged(tm_req *req, const char *id, const char *suffix);
/* A 405 from a handler that takes fewer methods than its route's flags
 * let through; methods is the Allow header ("GET, HEAD, POST"). */
void tm_req_not_allowed(tm_req *req, const char *methods);
/* <input type=hidden name=csrf> for a form of a signed-in page. */
void tm_page_csrf_field(tm_req *req);
/* The guard's token for this route's form and the honeypot field, for a
 * page of a TM_ROUTE_FORM route. */
void tm_page_guard_fields(tm_req *req);
/* The server key (serve --petition-key) of the petition whose public key
 * is public_key (its text, from the record), or NULL when this server
 * takes no signatures for it. */
const tm_seal_server_key *tm_http_petition_key(tm_req *req, const char *public_key);

/*
 * Signatures change counts without changing data_version (which would
 * rebuild the graph).  The server counts them instead: a response that
 * shows a count sets req->r_live, and is then cached and given an ETag
 * under the count it was rendered at, so that it is never served once
 * another signature has come.  A handler that adds a signature calls
 * tm_http_live_bump() after its commit.
 */
void tm_http_live_bump(tm_req *req);

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
/* A message of the page's interface language (req->ui). */
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

/* tm_html_esc() (core.h) is the one escaping function: every byte of data
 * that reaches a page goes through it, mostly by way of tm_html(). */
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

/* The page frame: doctype, head (title, description, canonical link, Open
 * Graph, alternates, feed), the print header, the site header with search
 * and language switch, <main>.  title is plain text; req->page says the
 * rest. */
void tm_page_begin(tm_req *req, const char *title);
/* </main>, footer, </html>; sets the response (200, text/html). */
void tm_page_end(tm_req *req);
/* 1 when the page's content is Chinese (either script). */
int tm_page_zh(const tm_req *req);
/* "lang=en", "lang=zh" or "lang=zh-Hant": the query argument every
 * internal link carries. */
const char *tm_page_lang_arg(const tm_req *req);
/* tmpl with {1}, {2}, {3} replaced by a1, a2, a3 (a message with slots). */
void tm_i18n_fill(tm_buf *out, const char *tmpl, const char *a1, const char *a2, const char *a3);
/* 1 when text in language tag reads as the page's (English on an English
 * page, Traditional on a Traditional one …); NULL counts as the page's. */
int tm_page_same_lang(const tm_req *req, const char *tag);
/* Append ` lang="tag"` when tag is not the page's language. */
void tm_page_lang_attr(tm_req *req, const char *tag);
/* An entity's name in the page's language from a ref {"id", …} (its
 * names are read from the store); borrowed until the next call in this
 * thread. */
const char *tm_page_ref_name(const tm_req *req, json_t *ref);
/* The same, and the name's language tag in *lang (NULL when unknown). */
const char *tm_page_ref_name_lang(const tm_req *req, json_t *ref, const char **lang);
/* <a href="/entities/ID?lang=">name</a> for a ref object (or an id), the
 * name marked with its language when it is not the page's. */
void tm_page_entity_link(tm_req *req, json_t *ref);
void tm_page_entity_link_id(tm_req *req, const char *id);
/* A vocabulary label in the interface language: en or zh as given, or for
 * Traditional the generated catalog's "prefix.id". */
const char *tm_page_vocab(const tm_req *req, const char *prefix, const char *id, const char *en, const char *zh);
/* Labels of the vocabularies in the page's language. */
const char *tm_page_kind_label(const tm_req *req, const char *kind);
/* A category of involvement's label and definition, and a context's name,
 * in the page's language (Traditional from the built catalog). */
const char *tm_page_category_label(const tm_req *req, const char *id);
const char *tm_page_category_def(const tm_req *req, const char *id);
const char *tm_page_context_label(const tm_req *req, const char *context);
/* A category of involvement as a link to the list of the entities with a
 * claim of it (/entities?category=ID). */
void tm_page_category(tm_req *req, const char *id);
const char *tm_page_action_kind(const tm_req *req, const char *kind);
const char *tm_page_site_kind(const tm_req *req, const char *kind);
const char *tm_page_precision(const tm_req *req, const char *precision);
/* A predicate's short label read forwards ("owns") or backwards ("owned by"). */
const char *tm_page_pred_label(const tm_req *req, const char *pred, int inverse);
/* A relation's or step's label from its "predicate" and "direction"
 * (in/inverse read it backwards), else its "label"/"label_zh". */
const char *tm_page_label(const tm_req *req, json_t *o);
/* A tie as a sentence of the page's language, the two entities linked in
 * the slots of the predicate's frame ("frame.owns": "{s} owns {o}",
 * "{s}拥有{o}"; inverse: "frame_inv.owns", "{s} is owned by {o}").  subject
 * is the entity the sentence starts with. */
void tm_page_relation(tm_req *req, json_t *subject, const char *pred, int inverse, json_t *object);
void tm_page_relation_ids(tm_req *req, const char *subject, const char *pred, int inverse, const char *object);
/* A country (ISO code) by its name in the page's language (ICU), linked to
 * the entities of that country. */
void tm_page_country(tm_req *req, const char *code);
/* A tag's label (its topic's, model.h tm_topics; else the tag as
 * recorded), and the tag linked to its page. */
const char *tm_page_tag_label(tm_req *req, const char *tag);
void tm_page_tag(tm_req *req, const char *tag);
/* A kind linked to the entities of that kind. */
void tm_page_kind(tm_req *req, const char *kind);
/* A language's name (BCP-47 tag) in the page's language (ICU). */
void tm_page_language_name(tm_req *req, const char *tag, tm_buf *out);
/* The site's public address ("https://host", no trailing slash) for
 * absolute links: --base-url, else $TIEMAP_BASE_URL, else "http://" and the
 * request's Host (*from_host 1; the cache keys such pages by host).  NULL
 * when the Host header is unusable.  Owned. */
char *tm_page_public_base(tm_req *req, int *from_host);
/* The configured base URL (--base-url or $TIEMAP_BASE_URL), or NULL. */
const char *tm_req_base_configured(const tm_req *req);
/* The operator's robots.txt (--robots), or NULL for the default. */
const char *tm_req_robots(const tm_req *req);

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
