/*
 * The server: libmicrohttpd's daemon, and everything around a handler that
 * every route shares.
 *
 * A connection comes through the gate (gate.c): it holds a connection until
 * its first request head is in, under a deadline, answers malformed and
 * oversized heads itself, and keeps the per-address and total caps.
 *
 * A request goes: URI log callback (the per-request state is made, the raw
 * target kept) → on_request: method, length, rate and argument checks,
 * route match, language → the response cache (a hit is answered without
 * touching the database) → the worker's store and the graph snapshot → the
 * handler → headers, ETag, 304, cache → queued.  The completion callback
 * writes the access line and frees the state.
 *
 * Why a response cache: every page and API answer is a function of the URL,
 * the language and the data, and the data changes only when someone
 * imports.  So a response is kept, keyed by language and URL, until the
 * watcher sees a new data_version; readers then pay for rendering once per
 * import, not once per request.
 */
#include "http/http_internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/gate.h"
#include "store/store_petition.h"
#include "text/text.h"

/* Bounds on what a client may send (see docs/api.md, "Limits"). */
#define MAX_URI 4096         /* bytes of the request target */
#define MAX_ARGS 16          /* query arguments */
#define MAX_ARG_BYTES 1024   /* bytes of one decoded argument */
#define MAX_SEGMENTS 8       /* path segments */
#define MAX_BODY 65536       /* bytes of a body sent with a GET before the connection is dropped */
#define CONN_MEMORY (32 * 1024) /* a connection's buffer */
#define MAX_HEAD (16 * 1024) /* bytes of a request head: the gate answers a longer one 431 (it must fit CONN_MEMORY) */
#define STREAM_THREADS 2     /* exports written at once; more wait in the queue */
#define STREAM_QUEUE 8       /* exports waiting; more are answered 503 */
#define STREAM_SECONDS 600.0 /* an export that takes longer (a client reading slowly) is cut */

#define CACHE_SLOTS 2048
#define CACHE_MAX_ENTRY (1024 * 1024)
#define CACHE_MAX_BYTES (96 * 1024 * 1024)
#define RATE_SLOTS 4096

static const char csp[] = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; "
			  "object-src 'none'";

/* What every answer carries, the gate's own included. */
static const char *const security_headers[][2] = {
	{ "Content-Security-Policy", csp },
	{ "Referrer-Policy", "no-referrer" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "X-Frame-Options", "DENY" },
	{ "Cross-Origin-Opener-Policy", "same-origin" },
	{ "Cross-Origin-Resource-Policy", "same-origin" },
};
#define N_SECURITY_HEADERS (sizeof(security_headers) / sizeof(security_headers[0]))

struct cache_slot {
	/* a read-write lock: every hit on a popular page takes the same slot,
	 * and hits must not wait for each other (nor for a hit that was
	 * preempted holding the lock) */
	pthread_rwlock_t mu;
	char *key;                 /* lang "\n" raw URI; NULL when empty */
	long long gen;             /* the snapshot generation it was rendered in */
	long long live;            /* the signatures it was rendered at, when it shows counts; else -1 */
	struct MHD_Response *resp; /* our reference; each queue takes its own */
	char etag[96];
	time_t lastmod;
	size_t len;
};

struct rate_slot {
	unsigned char addr[16];
	int used;
	double tokens, last;
};

struct tm_http_server {
	tm_http_opts o;
	struct MHD_Daemon *d;
	uint16_t port;
	pthread_key_t store_key; /* each worker's tm_store */
	int key_made;

	pthread_mutex_t snap_mu;
	tm_snapshot *snap;       /* the current one; the server holds a reference */
	atomic_llong gen;        /* bumped with every new snapshot */
	atomic_llong live;       /* petition signatures: the version of responses that show counts */

	tm_store *watch_st;      /* the watcher's own connection */
	pthread_mutex_t live_mu;
	tm_touch *notes;         /* what the writer's commits touched, not yet in the graph */
	size_t n_notes, cap_notes;
	pthread_t watcher;
	int watcher_started;
	pthread_mutex_t stop_mu;
	pthread_cond_t stop_cv;
	int stopping;

	struct cache_slot *cache;
	atomic_size_t cache_bytes;

	pthread_mutex_t rate_mu;
	struct rate_slot *rate;

	pthread_mutex_t log_mu;

	tm_http_auth *auth;      /* accounts, sessions, the forms' guard (session.c) */
	char *base_url;          /* --base-url or $TIEMAP_BASE_URL, checked, no trailing slash; or NULL */
	char *robots;            /* the text of --robots FILE, or NULL */
	int lfd;                 /* the listening socket, the gate's */
	tm_gate *gate;
	tm_buf gate_headers;     /* security_headers as header lines, for the gate's answers */
	tm_stream_pool *streams; /* the export writers */
};

const char *tm_req_base_configured(const tm_req *req)
{
	return req->srv ? req->srv->base_url : NULL;
}

const char *tm_req_robots(const tm_req *req)
{
	return req->srv ? req->srv->robots : NULL;
}

/* A base URL we will write into pages, CSS and headers: http(s)://, then
 * nothing that could end a string or an attribute.  Owned, without the
 * trailing slash; NULL if not usable. */
static char *base_checked(const char *s)
{
	if (!s || (strncmp(s, "http://", 7) != 0 && strncmp(s, "https://", 8) != 0))
		return NULL;
	size_t n = strlen(s);
	while (n && s[n - 1] == '/')
		n--;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f || strchr("\"'\\<>`", s[i]))
			return NULL;
	return n > 8 ? tm_xstrndup(s, n) : NULL;
}

void tm_http_opts_init(tm_http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->db_path = "tiemap.db";
	o->listen = "127.0.0.1:8080";
	o->access_log = stderr;
	o->rate = 20;
	o->burst = 200;
	o->query_seconds = 2;
	o->watch_seconds = 1;
	o->login_rate = 2;
	o->max_conns = 512;
	o->max_conns_per_ip = 16;
	o->form_min_seconds = -1;
	o->petition_rate = 0.5;
	o->petition_burst = 120;
	o->request_seconds = 10;
	o->licence = TM_HTTP_LICENCE_DEFAULT;
}

const tm_http_opts *tm_http_server_opts(const tm_http_server *s)
{
	return &s->o;
}

uint16_t tm_http_port(const tm_http_server *s)
{
	return s->port;
}

/* ---- snapshots ---- */

static tm_snapshot *snap_acquire(tm_http_server *srv)
{
	pthread_mutex_lock(&srv->snap_mu);
	tm_snapshot *s = srv->snap;
	atomic_fetch_add(&s->refs, 1);
	pthread_mutex_unlock(&srv->snap_mu);
	return s;
}

static void snap_release(tm_snapshot *s)
{
	if (s && atomic_fetch_sub(&s->refs, 1) == 1) {
		tm_graph_free(s->g);
		if (s->vocab_of)
			snap_release(s->vocab_of);
		else
			tm_search_vocab_free(s->vocab);
		free(s);
	}
}

/* The graph comes from the snapshot file beside the database when the CLI
 * (or an earlier server) left one for this data version: at a million
 * entities that is tens of milliseconds instead of seconds of reading.  The
 * typo index of search likewise (its "vocab" cache, which screening shares). */
static tm_rc snap_build(tm_store *st, tm_snapshot **out, tm_err *err)
{
	int64_t version = tm_store_data_version(st);
	if (version < 0)
		return tm_store_error(st, err);
	tm_graph *g;
	/* kept for hours: checked whole now, where a query would find damage
	 * one block at a time (a few milliseconds at a million entities) */
	tm_rc rc = tm_graph_open(st, TM_GRAPH_CHECK_ALL, &g, err);
	tm_search_vocab *vocab = NULL;
	if (!rc && (rc = tm_search_vocab_open(st, &vocab, err)))
		tm_graph_free(g);
	if (rc)
		return rc;
	tm_snapshot *s = tm_xcalloc(1, sizeof(*s));
	s->g = g;
	s->vocab = vocab;
	s->version = version;
	s->loaded = time(NULL);
	atomic_init(&s->refs, 1);
	*out = s;
	return TM_OK;
}

static void cache_clear_all(tm_http_server *srv);

/*
 * The live graph (docs/editing.md "Live graph").  The server's writer notes
 * the entity keys each of its commits touched (tm_store_track_touches());
 * when data_version moves and every version since the current snapshot has
 * its note, the watcher patches the graph (tm_graph_refresh(): the rows of
 * those entities read again, the rest shared) instead of building it, so a
 * change is in paths, owners and screening within milliseconds at any size
 * and memory grows by the rows patched, not by a second graph.  A version
 * without a note (a `tiemap import` beside the server) is waited for
 * briefly, then the graph is built again as before; so is a graph whose
 * patches have grown, and one that has stood patched with no change for a
 * while, which also brings search's typo index (and the snapshot file) up
 * to date.
 */
#define LIVE_MAX_KEYS 5000     /* entities one patch reads again */
#define LIVE_MAX_ROWS 100000   /* rows a chain of patches keeps before the graph is built again */
#define LIVE_WAIT 1.0          /* seconds a version's missing note is waited for */
#define LIVE_COMPACT_IDLE 30.0 /* seconds a patched graph stands unchanged before it is built again */

/* Called with the writer held, after its commits: their notes, in order. */
void tm_http_live_note(tm_http_server *srv, tm_touch *t, size_t n)
{
	pthread_mutex_lock(&srv->live_mu);
	for (size_t i = 0; i < n; i++) {
		TM_GROW(srv->notes, srv->cap_notes, srv->n_notes + 1);
		srv->notes[srv->n_notes++] = t[i];
	}
	pthread_mutex_unlock(&srv->live_mu);
	free(t);
}

/* Forget the notes of versions up to v. */
static void live_drop(tm_http_server *srv, int64_t v)
{
	pthread_mutex_lock(&srv->live_mu);
	size_t k = 0;
	for (size_t i = 0; i < srv->n_notes; i++) {
		if (srv->notes[i].version <= v)
			free(srv->notes[i].keys);
		else
			srv->notes[k++] = srv->notes[i];
	}
	srv->n_notes = k;
	pthread_mutex_unlock(&srv->live_mu);
}

/* The snapshot of cur patched up to the data's version now: 1 and *fresh;
 * 0 when a version's note is missing (wait); -1 when the graph must be
 * built again. */
static int live_patch(tm_http_server *srv, tm_snapshot *cur, tm_snapshot **fresh)
{
	*fresh = NULL;
	tm_err err = { 0 };
	int began = 0;
	if (tm_store_read_begin(srv->watch_st, TM_READ_NOW, &began, &err))
		return -1;
	int64_t v = tm_store_data_version(srv->watch_st);
	int out = v > cur->version ? 1 : -1;
	tm_ekey *keys = NULL;
	size_t n_keys = 0, cap = 0;
	pthread_mutex_lock(&srv->live_mu);
	for (int64_t want = cur->version + 1; out == 1 && want <= v; want++) {
		size_t i = 0;
		while (i < srv->n_notes && srv->notes[i].version != want)
			i++;
		if (i == srv->n_notes) {
			out = 0;
			break;
		}
		const tm_touch *t = &srv->notes[i];
		if (t->all || n_keys + t->n > LIVE_MAX_KEYS) {
			out = -1;
			break;
		}
		TM_GROW(keys, cap, n_keys + t->n + 1);
		if (t->n)
			memcpy(keys + n_keys, t->keys, t->n * sizeof(*keys));
		n_keys += t->n;
	}
	pthread_mutex_unlock(&srv->live_mu);
	tm_graph *g = NULL;
	if (out == 1 && tm_graph_refresh(cur->g, srv->watch_st, keys, n_keys, &g, &err))
		out = -1;
	tm_store_read_end(srv->watch_st, began);
	free(keys);
	if (out == 1 && tm_graph_patched_nodes(g) > LIVE_MAX_ROWS) {
		tm_graph_free(g);
		out = -1;
	}
	if (out != 1)
		return out;
	tm_snapshot *s = tm_xcalloc(1, sizeof(*s));
	s->g = g;
	s->vocab_of = cur->vocab_of ? cur->vocab_of : cur;
	atomic_fetch_add(&s->vocab_of->refs, 1);
	s->vocab = s->vocab_of->vocab;
	s->version = v;
	s->loaded = time(NULL);
	atomic_init(&s->refs, 1);
	live_drop(srv, v);
	*fresh = s;
	return 1;
}

/* Signatures taken back with `tiemap petition withdraw` or purged by
 * another process: this server's version of the pages with counts moves
 * up to the file's (it never goes down; its own signatures bump it at
 * once, tm_http_live_bump()). */
static void live_catch_up(tm_http_server *srv)
{
	int64_t v = 0;
	if (tm_store_petition_version(srv->watch_st, &v, NULL) != TM_OK)
		return;
	long long seen = atomic_load(&srv->live);
	while (v > seen && !atomic_compare_exchange_weak(&srv->live, &seen, (long long)v))
		;
}

/* The watcher: looks at data_version now and then and, when it moved,
 * patches the graph or builds it again, off the request path, and swaps it
 * in; and brings the signatures' version up to the file's. */
static void *watch(void *p)
{
	tm_http_server *srv = p;
	double missing_since = 0, changed_at = tm_now();
	int soon = 0;
	pthread_mutex_lock(&srv->stop_mu);
	while (!srv->stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		double secs = srv->o.watch_seconds > 0 ? srv->o.watch_seconds : 1;
		if (soon)
			secs = 0.02; /* a note the writer is about to hand over */
		until.tv_sec += (time_t)secs;
		until.tv_nsec += (long)((secs - (double)(time_t)secs) * 1e9);
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&srv->stop_cv, &srv->stop_mu, &until);
		if (srv->stopping)
			break;
		pthread_mutex_unlock(&srv->stop_mu);
		tm_store_error_clear(srv->watch_st);
		int64_t v = tm_store_data_version(srv->watch_st);
		tm_snapshot *fresh = NULL, *cur = srv->snap; /* only this thread replaces it */
		tm_err err = { 0 };
		live_catch_up(srv);
		double now = tm_now();
		int build = 0;
		soon = 0;
		if (v >= 0 && v != cur->version) {
			/* a read-only server has no writer, so no notes: it builds */
			int r = srv->o.no_live || srv->o.read_only ? -1 : live_patch(srv, cur, &fresh);
			if (r == 0 && !missing_since)
				missing_since = now;
			if (r == 0 && now - missing_since < LIVE_WAIT)
				soon = 1;
			else if (r != 1)
				build = 1;
			if (r != 0)
				missing_since = 0;
			changed_at = now;
		} else if (v >= 0 && cur->vocab_of && now - changed_at >= LIVE_COMPACT_IDLE) {
			build = 1; /* edits have stopped: compact */
		}
		if (build && snap_build(srv->watch_st, &fresh, &err) == TM_OK) {
			live_drop(srv, fresh->version);
			missing_since = 0;
		}
		if (fresh) {
			pthread_mutex_lock(&srv->snap_mu);
			tm_snapshot *old = srv->snap;
			srv->snap = fresh;
			atomic_fetch_add(&srv->gen, 1);
			pthread_mutex_unlock(&srv->snap_mu);
			snap_release(old);
			/* the old generation's answers can never be served again */
			cache_clear_all(srv);
			if (srv->o.access_log) {
				/* for the operator (and the tests): how the graph followed */
				char when[32];
				time_t t = time(NULL);
				struct tm tm;
				gmtime_r(&t, &tm);
				strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
				pthread_mutex_lock(&srv->log_mu);
				fprintf(srv->o.access_log, "%s graph %s at data version %lld in %.1fms (%u rows patched)\n", when,
					build ? "built" : "patched", (long long)fresh->version, (tm_now() - now) * 1000,
					tm_graph_patched_nodes(fresh->g));
				fflush(srv->o.access_log);
				pthread_mutex_unlock(&srv->log_mu);
			}
		}
		pthread_mutex_lock(&srv->stop_mu);
	}
	pthread_mutex_unlock(&srv->stop_mu);
	tm_text_shutdown();
	return NULL;
}

void tm_http_data_changed(tm_req *req)
{
	tm_http_server *srv = req->srv;
	cache_clear_all(srv);
	pthread_mutex_lock(&srv->stop_mu);
	pthread_cond_broadcast(&srv->stop_cv);
	pthread_mutex_unlock(&srv->stop_mu);
}

/* ---- each worker's store ---- */

/* Runs in the exiting worker thread: its store, and the ICU state its
 * searches built, go with it. */
static void store_destroy(void *p)
{
	tm_store_close(p);
	tm_text_shutdown();
}

static tm_store *worker_store(tm_http_server *srv, tm_err *err)
{
	tm_store *st = pthread_getspecific(srv->store_key);
	if (st)
		return st;
	if (tm_store_open(srv->o.db_path, TM_STORE_READONLY, &st, err))
		return NULL;
	pthread_setspecific(srv->store_key, st);
	return st;
}

/* ---- the per-client rate limit: a token bucket per address ---- */

static size_t client_addr(struct MHD_Connection *conn, unsigned char out[16])
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	memset(out, 0, 16);
	if (!ci || !ci->client_addr)
		return 0;
	if (ci->client_addr->sa_family == AF_INET) {
		memcpy(out, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, 4);
		return 4;
	}
	if (ci->client_addr->sa_family == AF_INET6) {
		memcpy(out, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr, 16);
		return 16;
	}
	return 0;
}

/* 1 when the client may go on, 0 when it is over its rate.  Addresses that
 * share a slot share a bucket: a rare collision limits early, never late. */
static int rate_ok(tm_http_server *srv, struct MHD_Connection *conn)
{
	if (srv->o.rate <= 0)
		return 1;
	unsigned char a[16];
	client_addr(conn, a);
	struct rate_slot *s = &srv->rate[tm_hash(a, 16) % RATE_SLOTS];
	double now = tm_now();
	pthread_mutex_lock(&srv->rate_mu);
	if (!s->used || memcmp(s->addr, a, 16) != 0) {
		memcpy(s->addr, a, 16);
		s->used = 1;
		s->tokens = srv->o.burst;
		s->last = now;
	}
	s->tokens += (now - s->last) * srv->o.rate;
	if (s->tokens > srv->o.burst)
		s->tokens = srv->o.burst;
	s->last = now;
	int ok = s->tokens >= 1;
	if (ok)
		s->tokens -= 1;
	pthread_mutex_unlock(&srv->rate_mu);
	return ok;
}

/* ---- responses ---- */

static void add_common_headers(struct MHD_Response *r)
{
	for (size_t i = 0; i < N_SECURITY_HEADERS; i++)
		MHD_add_response_header(r, security_headers[i][0], security_headers[i][1]);
}

static void http_date(time_t t, char out[40])
{
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 40, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") as a time, or -1. */
static time_t parse_http_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	struct tm tm = { 0 };
	if (!s || sscanf(s, "%*3s, %d %3s %d %d:%d:%d GMT", &tm.tm_mday, mon, &tm.tm_year, &tm.tm_hour, &tm.tm_min,
			 &tm.tm_sec) != 6)
		return -1;
	const char *m = strstr(months, mon);
	if (!m || strlen(mon) != 3 || (m - months) % 3)
		return -1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year -= 1900;
	return timegm(&tm);
}

/* Whether the client's copy (If-None-Match, else If-Modified-Since) is current. */
static int not_modified(struct MHD_Connection *conn, const char *etag, time_t lastmod)
{
	const char *inm = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	if (inm)
		return strcmp(inm, "*") == 0 || strstr(inm, etag) != NULL;
	const char *ims = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_MODIFIED_SINCE);
	time_t t = parse_http_date(ims);
	return lastmod > 0 && t >= 0 && t >= lastmod;
}

static enum MHD_Result queue(tm_req *req, unsigned status, struct MHD_Response *r, size_t len)
{
	req->queued = 1;
	req->status = (int)status;
	req->bytes = len;
	return MHD_queue_response(req->conn, status, r);
}

static enum MHD_Result send_304(tm_req *req, const char *etag, const char *cache_control)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	add_common_headers(r);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cache_control);
	enum MHD_Result ret = queue(req, MHD_HTTP_NOT_MODIFIED, r, 0);
	MHD_destroy_response(r);
	return ret;
}

/* ---- errors ---- */

void tm_req_fail(tm_req *req, int status, const char *code, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	req->r_nocache = 1;
	/* an error page says nothing of the page it replaces (whose record the
	 * handler may have freed already) */
	memset(&req->page, 0, sizeof(req->page));
	int api = req->route ? (req->route->flags & TM_ROUTE_API) != 0 : strncmp(req->uri, "/api/", 5) == 0;
	if (api) {
		json_t *e = json_object();
		json_object_set_new(e, "code", json_string(code));
		/* the message may quote what the client sent; jansson refuses bad UTF-8 */
		json_t *m = json_string(msg);
		json_object_set_new(e, "message", m ? m : json_string(code));
		json_t *o = json_object();
		json_object_set_new(o, "error", e);
		tm_req_json(req, o);
		req->r_status = status;
		return;
	}
	char key[64];
	snprintf(key, sizeof(key), "error.%d", status);
	const char *title = tm_req_msg(req, key);
	if (strcmp(title, key) == 0)
		title = tm_req_msg(req, "error.title");
	/* a message in English (the server's own, or a library's) on a Chinese
	 * page: the catalog's words for its code instead */
	const char *shown = tm_utf8_valid(msg, strlen(msg)) ? msg : code;
	int ascii = 1;
	for (const char *p = shown; *p; p++)
		ascii &= (unsigned char)*p < 0x80;
	if (req->ui && strcmp(req->ui, "en") != 0 && ascii) {
		snprintf(key, sizeof(key), "error.msg.%s", code);
		shown = tm_i18n_has("en", key) ? tm_req_msg(req, key) : tm_req_msg(req, "error.msg.other");
	}
	req->r_status = status;
	req->page.noindex = 1;
	tm_page_begin(req, title);
	tm_html(&req->body, "<h1>%s</h1>\n<p class=\"error\" data-code=\"%s\">%s</p>\n", title, code, shown);
	if (status == 404) {
		/* offer a search for what was asked: the last part of the path */
		const char *last = strrchr(req->path ? req->path : "", '/');
		tm_buf q = TM_BUF_INIT;
		const char *arg = tm_req_arg(req, "q");
		tm_buf_adds(&q, arg ? arg : last ? last + 1 : "");
		for (size_t i = 0; i < q.len; i++)
			if (q.buf[i] == '-' || q.buf[i] == '_')
				q.buf[i] = ' ';
		if (q.len > 200 || !tm_utf8_valid(q.buf, q.len))
			tm_buf_reset(&q);
		tm_html(&req->body,
			"<form class=\"big-search\" role=\"search\" action=\"/search\" method=\"get\">"
			"<label for=\"nf-q\">%s</label><input id=\"nf-q\" name=\"q\" type=\"search\" maxlength=\"200\" "
			"value=\"%s\"><input type=\"hidden\" name=\"lang\" value=\"%r\"><button type=\"submit\">%s</button></form>\n"
			"<p><a href=\"/entities?%r\">%s</a> · <a href=\"/?%r\">%s</a></p>\n",
			T("error.search_for"), q.buf, strcmp(req->ui, "zh-Hant") == 0 ? "zh-Hant" : strcmp(req->ui, "en") == 0 ? "en" : "zh",
			T("search.button"), tm_page_lang_arg(req), T("nav.browse"), tm_page_lang_arg(req), T("error.home"));
		tm_buf_release(&q);
	} else {
		tm_html(&req->body, "<p><a href=\"/?%r\">%s</a></p>\n", tm_page_lang_arg(req), T("error.home"));
	}
	tm_page_end(req);
}

void tm_req_fail_err(tm_req *req, const tm_err *err)
{
	static const struct {
		tm_rc rc;
		int status;
		const char *code;
	} map[] = {
		{ TM_ERR_NOTFOUND, 404, "not_found" }, { TM_ERR_INVALID, 400, "invalid" },
		{ TM_ERR_AMBIGUOUS, 409, "ambiguous" }, { TM_ERR_LIMIT, 503, "limit" },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (err->rc == map[i].rc) {
			tm_req_fail(req, map[i].status, map[i].code, "%s", err->msg);
			return;
		}
	tm_req_fail(req, 500, "internal", "%s", err->msg[0] ? err->msg : tm_rc_name(err->rc));
}

void tm_req_stream(tm_req *req, const char *type, tm_stream_fn fn)
{
	tm_buf_reset(&req->body);
	req->r_stream = fn;
	req->r_type = type;
	req->r_status = MHD_HTTP_OK;
	req->r_nocache = 1;
}

void tm_req_json(tm_req *req, json_t *v)
{
	tm_buf_reset(&req->body);
	/* 15 digits: a threshold of 0.85 reads 0.85, not 0.84999999999999998 */
	char *s = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	json_decref(v);
	if (!s) {
		tm_req_fail(req, 500, "internal", "response not encodable as JSON");
		return;
	}
	tm_buf_adds(&req->body, s);
	tm_buf_addch(&req->body, '\n');
	free(s);
	req->r_status = MHD_HTTP_OK;
	req->r_type = "application/json; charset=utf-8";
}

const char *tm_req_arg(const tm_req *req, const char *key)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, key);
}

int tm_req_int_arg(tm_req *req, const char *key, long def, long min, long max, long *out)
{
	const char *v = tm_req_arg(req, key);
	*out = def;
	if (!v)
		return 0;
	char *end;
	long n = strtol(v, &end, 10);
	if (!*v || *end || n < min || n > max) {
		tm_req_fail(req, 400, "bad_parameter", "%s must be an integer from %ld to %ld", key, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

/* ---- the checks before any handler ---- */

struct arg_check {
	size_t n;
	const char *problem; /* a code, or NULL */
	const char *key;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
				 const char *value, size_t value_size)
{
	(void)kind;
	struct arg_check *c = cls;
	c->n++;
	c->key = key;
	if (c->n > MAX_ARGS)
		c->problem = "too_many_parameters";
	else if (key_size > 64 || value_size > MAX_ARG_BYTES)
		c->problem = "parameter_too_long";
	else if (!tm_utf8_valid(key, key_size) || (value && !tm_utf8_valid(value, value_size)))
		c->problem = "bad_utf8";
	return c->problem ? MHD_NO : MHD_YES;
}

/* Whether the path of the raw target holds a control character, raw or
 * percent-encoded (%00-%1F, %7F): libmicrohttpd decodes "%00" into a NUL
 * that ends the path early, so /entities/x%00junk would read as /entities/x. */
static int path_has_control(const char *uri)
{
	static const char hex[] = "0123456789abcdef";
	for (const char *p = uri; *p && *p != '?'; p++) {
		unsigned char c = (unsigned char)*p;
		if (c < 0x20 || c == 0x7f)
			return 1;
		if (c != '%' || !p[1] || !p[2])
			continue;
		const char *h = strchr(hex, tolower((unsigned char)p[1])), *l = strchr(hex, tolower((unsigned char)p[2]));
		if (!h || !l || !*h || !*l)
			continue;
		unsigned v = (unsigned)((h - hex) * 16 + (l - hex));
		if (v < 0x20 || v == 0x7f)
			return 1;
	}
	return 0;
}

static size_t path_segments(const char *p)
{
	size_t n = 0;
	for (; *p; p++)
		n += *p == '/';
	return n;
}

/* ---- the cache ---- */

static struct cache_slot *cache_slot_of(tm_http_server *srv, const char *key)
{
	return &srv->cache[tm_hash(key, strlen(key)) % CACHE_SLOTS];
}

/* Answer from the cache if it holds a current response; 1 when answered. */
static int cache_answer(tm_http_server *srv, tm_req *req, const char *key, enum MHD_Result *ret)
{
	struct cache_slot *s = cache_slot_of(srv, key);
	long long gen = atomic_load(&srv->gen);
	long long live = atomic_load(&srv->live);
	int hit = 0;
	pthread_rwlock_rdlock(&s->mu);
	if (s->key && s->gen == gen && (s->live < 0 || s->live == live) && strcmp(s->key, key) == 0) {
		hit = 1;
		if (not_modified(req->conn, s->etag, s->lastmod)) {
			char etag[96];
			memcpy(etag, s->etag, sizeof(etag));
			pthread_rwlock_unlock(&s->mu);
			*ret = send_304(req, etag, "no-cache");
			return 1;
		}
		/* queued under the lock: the queue takes its own reference before
		 * anyone could replace the slot and drop ours */
		*ret = queue(req, MHD_HTTP_OK, s->resp, s->len);
	}
	pthread_rwlock_unlock(&s->mu);
	return hit;
}

static void cache_clear_slot(tm_http_server *srv, struct cache_slot *s)
{
	if (s->resp) {
		MHD_destroy_response(s->resp);
		atomic_fetch_sub(&srv->cache_bytes, s->len);
	}
	free(s->key);
	s->key = NULL;
	s->resp = NULL;
	s->len = 0;
}

static void cache_clear_all(tm_http_server *srv)
{
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		pthread_rwlock_wrlock(&srv->cache[i].mu);
		cache_clear_slot(srv, &srv->cache[i]);
		pthread_rwlock_unlock(&srv->cache[i].mu);
	}
}

/* Keep r for key; takes the caller's reference to r (dropped when r is not
 * kept).  The caller queues r before, so that an eviction racing with this
 * never frees a response that is still to be sent. */
static void cache_put(tm_http_server *srv, const char *key, long long gen, long long live, struct MHD_Response *r,
		      const char *etag, time_t lastmod, size_t len)
{
	if (len > CACHE_MAX_ENTRY || atomic_load(&srv->cache_bytes) + len > CACHE_MAX_BYTES) {
		MHD_destroy_response(r);
		return;
	}
	struct cache_slot *s = cache_slot_of(srv, key);
	pthread_rwlock_wrlock(&s->mu);
	cache_clear_slot(srv, s);
	s->key = tm_xstrdup(key);
	s->gen = gen;
	s->live = live;
	s->resp = r;
	snprintf(s->etag, sizeof(s->etag), "%s", etag);
	s->lastmod = lastmod;
	s->len = len;
	atomic_fetch_add(&srv->cache_bytes, len);
	pthread_rwlock_unlock(&s->mu);
}

/* ---- one request ---- */

static int is_safe(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

/* The methods a route takes (the Allow header of a 405). */
static const char *allowed_methods(const tm_route *route)
{
	int flags = route ? route->flags : 0;
	if (flags & TM_ROUTE_EDIT)
		return "GET, HEAD, POST, PUT, DELETE";
	if (flags & (TM_ROUTE_POST | TM_ROUTE_LOGIN | TM_ROUTE_FORM))
		return "GET, HEAD, POST";
	return "GET, HEAD";
}

/* Whether route takes method: GET and HEAD everywhere; POST where a flag
 * says; PUT and DELETE only on routes that change something, whose
 * requests the server checks (TM_ROUTE_EDIT); nothing else anywhere. */
static int route_takes(const tm_route *route, const char *method)
{
	if (is_safe(method))
		return 1;
	if (strcmp(method, "POST") == 0)
		return (route->flags & (TM_ROUTE_POST | TM_ROUTE_EDIT | TM_ROUTE_LOGIN | TM_ROUTE_FORM)) != 0;
	if (strcmp(method, "PUT") == 0 || strcmp(method, "DELETE") == 0)
		return (route->flags & TM_ROUTE_EDIT) != 0;
	return 0;
}

/* HEAD of a streamed answer: the headers a GET would get, and no body. */
static ssize_t no_body(void *cls, uint64_t pos, char *buf, size_t max)
{
	(void)cls;
	(void)pos;
	(void)buf;
	(void)max;
	return MHD_CONTENT_READER_END_OF_STREAM;
}

/* RFC 8288's "license" relation on every answer: what a client may do with
 * the data (serve --licence). */
static void add_licence_header(const tm_http_server *srv, struct MHD_Response *r)
{
	const char *lic_name, *lic_url;
	tm_http_licence(srv ? srv->o.licence : NULL, &lic_name, &lic_url);
	if (lic_url) {
		char link[160];
		snprintf(link, sizeof(link), "<%s>; rel=\"license\"", lic_url);
		MHD_add_response_header(r, "Link", link);
	}
}

/* A body the stream pool writes: never held whole, never cached, no ETag
 * (it is read in a transaction of its own, maybe of a newer version).  0
 * when the pool is full and the request is answered 503 instead. */
static int respond_stream(tm_http_server *srv, tm_req *req, enum MHD_Result *ret)
{
	int head = strcmp(req->method, "HEAD") == 0;
	struct MHD_Response *r = head ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, no_body, NULL, NULL) :
					tm_stream_start(srv->streams, req->conn, req->r_stream);
	req->r_stream = NULL;
	if (!r) {
		tm_req_fail(req, 503, "busy", "too many exports under way; try again in a minute");
		return 0;
	}
	add_common_headers(r);
	add_licence_header(srv, r);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->r_type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	*ret = queue(req, MHD_HTTP_OK, r, 0);
	MHD_destroy_response(r);
	return 1;
}

static enum MHD_Result respond(tm_http_server *srv, tm_req *req, const char *cache_key, long long gen)
{
	if (!req->r_status) {
		tm_req_fail(req, 500, "internal", "the handler gave no response");
	}
	enum MHD_Result sret;
	if (req->r_stream && req->r_status == MHD_HTTP_OK && srv && respond_stream(srv, req, &sret))
		return sret;
	size_t len = req->body.len;
	char *data = tm_buf_detach(&req->body);
	struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(data);
		return MHD_NO;
	}
	add_common_headers(r);
	add_licence_header(req->srv, r);
	if (req->r_csp) {
		/* a page that needs more than 'self' (the map with a tile server) says so */
		MHD_del_response_header(r, "Content-Security-Policy", csp);
		MHD_add_response_header(r, "Content-Security-Policy", req->r_csp);
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->r_type ? req->r_type : "text/plain");
	if (req->r_location)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, req->r_location);
	if (req->r_content_location)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_LOCATION, req->r_content_location);
	if (req->r_disposition)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_DISPOSITION, req->r_disposition);
	if (req->r_status == MHD_HTTP_TOO_MANY_REQUESTS)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (req->r_status == MHD_HTTP_SERVICE_UNAVAILABLE)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "30");
	if (req->r_status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, req->r_allow ? req->r_allow : allowed_methods(req->route));
	if (req->r_status == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer realm=\"tiemap\"");
	if (req->r_cookie)
		MHD_add_response_header(r, MHD_HTTP_HEADER_SET_COOKIE, req->r_cookie);
	if (strcmp(tm_req_referrer_policy(req), "no-referrer") != 0) {
		/* the site's own forms send their Origin only under this policy */
		MHD_del_response_header(r, "Referrer-Policy", "no-referrer");
		MHD_add_response_header(r, "Referrer-Policy", tm_req_referrer_policy(req));
	}
	enum MHD_Result ret;
	/* an answer to an upload is for its sender alone, and a page of a
	 * signed-in user for that user: no ETag, not stored */
	int post = req->method && !is_safe(req->method);
	int personal = tm_req_personal(req);
	/* an anonymous form's page carries a token good once: never kept, nor
	 * revalidated into a copy whose token is spent */
	int form = req->route && (req->route->flags & TM_ROUTE_FORM);
	if (req->r_status == MHD_HTTP_OK && req->snap && !post && !personal && !form) {
		char etag[96], lm[40];
		char day[16];
		time_t now = time(NULL);
		struct tm tmv;
		gmtime_r(&now, &tmv);
		strftime(day, sizeof(day), "%Y%m%d", &tmv);
		if (req->r_live)
			snprintf(etag, sizeof(etag), "\"v%lld.%lld-%s-%s-%s\"", (long long)req->snap->version, req->live,
				 req->ui, tm_assets_build, day);
		else
			snprintf(etag, sizeof(etag), "\"v%lld-%s-%s-%s\"", (long long)req->snap->version, req->ui,
				 tm_assets_build, day);
		http_date(req->snap->loaded, lm);
		MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
		MHD_add_response_header(r, MHD_HTTP_HEADER_LAST_MODIFIED, lm);
		MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
		if ((req->route->flags & TM_ROUTE_PAGE) && !req->lang_explicit)
			MHD_add_response_header(r, MHD_HTTP_HEADER_VARY, "Accept-Language");
		if (not_modified(req->conn, etag, req->snap->loaded))
			ret = send_304(req, etag, "no-cache");
		else
			ret = queue(req, MHD_HTTP_OK, r, len);
		if (cache_key && !req->r_nocache && !(req->route->flags & TM_ROUTE_NOCACHE)) {
			cache_put(srv, cache_key, gen, req->r_live ? req->live : -1, r, etag, req->snap->loaded, len);
			return ret;
		}
	} else {
		if (personal)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "private, no-store");
		else if (req->r_status >= 400 || post || form)
			MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		else if (req->r_status == MHD_HTTP_MOVED_PERMANENTLY)
			/* a merge's redirect goes when the merge is reverted: a
			 * browser asks again rather than keep it for ever */
			MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-cache");
		ret = queue(req, (unsigned)req->r_status, r, len);
	}
	MHD_destroy_response(r);
	return ret;
}

/* An answer made while the store failed (an I/O error, a damaged file, the
 * query deadline) may lack what the failure hid, however the handler took
 * it: it becomes the failure's own answer (500, or 503 for the deadline),
 * which is never cached, so the next request renders afresh.  A handler
 * may rely on this for the parts it cannot check (store.h, view.h). */
static void store_failed(tm_req *req)
{
	tm_err err = { 0 };
	if (!tm_store_error(req->st, &err))
		return;
	req->r_nocache = 1;
	if (req->r_status >= 500)
		return;
	free(req->r_location);
	req->r_location = NULL;
	req->r_status = 0;
	tm_req_fail_err(req, &err);
}

static enum MHD_Result serve_static(tm_req *req)
{
	req->route->fn(req);
	const tm_asset *a = req->r_status == MHD_HTTP_OK ? req->r_asset : NULL;
	if (!a) {
		if (!req->r_status)
			tm_req_fail(req, 404, "not_found", "no such file");
		return respond(NULL, req, NULL, 0);
	}
	char etag[40];
	snprintf(etag, sizeof(etag), "\"%s\"", a->hash);
	/* a URL that names the asset's hash can be kept for good */
	const char *v = tm_req_arg(req, "v");
	const char *cc = v && strcmp(v, a->hash) == 0 ? "public, max-age=31536000, immutable" : "public, max-age=3600";
	if (not_modified(req->conn, etag, 0))
		return send_304(req, etag, cc);
	struct MHD_Response *r = MHD_create_response_from_buffer(a->len, (void *)a->data, MHD_RESPMEM_PERSISTENT);
	add_common_headers(r);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, a->type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, cc);
	enum MHD_Result ret = queue(req, MHD_HTTP_OK, r, a->len);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result handle(tm_http_server *srv, tm_req *req)
{
	/* POST, PUT and DELETE only where a route takes them, and no other
	 * method anywhere: checked after the match, so that the 405's Allow
	 * names what the route does take */
	int post = !is_safe(req->method);
	if (req->uri_len > MAX_URI) {
		tm_req_fail(req, 414, "uri_too_long", "the request target is longer than %d bytes", MAX_URI);
		return respond(srv, req, NULL, 0);
	}
	if (!rate_ok(srv, req->conn)) {
		tm_req_fail(req, 429, "rate_limited", "too many requests; try again in a second");
		return respond(srv, req, NULL, 0);
	}
	if (!tm_utf8_valid(req->path, strlen(req->path))) {
		req->path = "/";
		tm_req_fail(req, 400, "bad_utf8", "the path is not valid UTF-8");
		return respond(srv, req, NULL, 0);
	}
	if (path_has_control(req->uri) || tm_bidi_has(req->path)) {
		req->path = "/";
		tm_req_fail(req, 400, "bad_path", "the path holds a control or bidirectional control character");
		return respond(srv, req, NULL, 0);
	}
	struct arg_check ac = { 0 };
	MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, check_arg, &ac);
	if (ac.problem) {
		tm_req_fail(req, 400, ac.problem, "%s",
			    strcmp(ac.problem, "bad_utf8") == 0	       ? "a query parameter is not valid UTF-8" :
			    strcmp(ac.problem, "parameter_too_long") == 0 ? "a query parameter is too long" :
									    "too many query parameters");
		return respond(srv, req, NULL, 0);
	}
	if (path_segments(req->path) > MAX_SEGMENTS || !(req->route = tm_route_match(req, req->path))) {
		tm_req_fail(req, 404, "not_found", "no such page or API call");
		return respond(srv, req, NULL, 0);
	}
	if (!route_takes(req->route, req->method)) {
		tm_req_fail(req, 405, "method_not_allowed", "only %s are served here", allowed_methods(req->route));
		return respond(srv, req, NULL, 0);
	}
	if (req->upload_over) {
		tm_req_fail(req, 413, "body_too_large", "the request body is larger than %zu bytes", TM_MAX_UPLOAD);
		return respond(srv, req, NULL, 0);
	}
	if (req->route->flags & TM_ROUTE_STATIC)
		return serve_static(req);

	tm_err err = { 0 };
	req->st = worker_store(srv, &err);
	if (!req->st) {
		tm_req_fail(req, 503, "unavailable", "the database cannot be opened");
		return respond(srv, req, NULL, 0);
	}
	tm_store_error_clear(req->st);
	/* who is asking, and whether the route lets them (session.c): its
	 * reads are bounded as the handler's are */
	tm_store_set_deadline(req->st, srv->o.query_seconds);
	if (tm_http_auth_check(srv->auth, req)) {
		tm_store_set_deadline(req->st, 0);
		return respond(srv, req, NULL, 0);
	}

	/* the cache: keyed by the language and the target as sent, and only
	 * for readers: a signed-in user's pages are theirs alone, and an
	 * anonymous form's page carries a fresh token each time */
	int cacheable = !srv->o.no_cache && !post && !tm_req_personal(req) && !(req->route->flags & TM_ROUTE_FORM);
	tm_buf key = TM_BUF_INIT;
	long long gen = atomic_load(&srv->gen);
	enum MHD_Result ret;
	if (cacheable) {
		/* the day: pages say when they were printed; the host: without a
		 * configured base URL, pages link to the host they were asked at */
		char day[16];
		time_t now = time(NULL);
		struct tm tmv;
		gmtime_r(&now, &tmv);
		strftime(day, sizeof(day), "%Y-%m-%d", &tmv);
		const char *host = srv->base_url ? "" : MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
		tm_buf_addf(&key, "%s\n%s\n%s\n%s", req->ui, day, host ? host : "", req->uri);
		if (cache_answer(srv, req, key.buf, &ret)) {
			tm_store_set_deadline(req->st, 0);
			tm_buf_release(&key);
			return ret;
		}
	}
	req->snap = snap_acquire(srv);
	req->g = req->snap->g;
	req->live = atomic_load(&srv->live); /* before rendering: a later signature makes it stale, never the reverse */
	req->route->fn(req);
	tm_store_set_deadline(req->st, 0);
	store_failed(req);
	ret = respond(srv, req, cacheable ? key.buf : NULL, gen);
	tm_buf_release(&key);
	return ret;
}

/* Which language a page is in: ?lang= (en, zh or zh-Hans, zh-Hant), else
 * Accept-Language. */
static void pick_lang(tm_req *req)
{
	const char *ui = tm_i18n_ui_of(tm_req_arg(req, "lang"));
	req->lang_explicit = ui != NULL;
	if (!ui)
		ui = tm_i18n_negotiate(
			MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_LANGUAGE));
	req->ui = ui;
	req->lang = strcmp(ui, "en") == 0 ? "en" : "zh";
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)conn;
	tm_req *req = tm_xcalloc(1, sizeof(*req));
	req->srv = cls;
	req->auth = req->srv->auth;
	req->started = tm_now();
	req->uri_len = strlen(uri);
	/* a target too long to serve is kept only as far as the log needs it */
	req->uri = tm_xstrndup(uri, req->uri_len > MAX_URI ? 256 : req->uri_len);
	tm_buf_init(&req->body);
	tm_buf_init(&req->upload);
	return req;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	(void)version;
	tm_http_server *srv = cls;
	tm_req *req = *con_cls;
	if (!req)
		*con_cls = req = on_uri(srv, url, conn);
	if (req->queued) {
		*upload_data_size = 0; /* a body nobody asked for is dropped */
		return MHD_YES;
	}
	req->conn = conn;
	req->method = method;
	req->path = url;
	/*
	 * libmicrohttpd calls once when the headers are in and again when the
	 * body is.  A response queued at the first call counts as early and
	 * closes the connection, so GET and HEAD are answered at the last call
	 * and keep their connection alive; anything with a body is refused at
	 * once (and loses it, which is what a body nobody reads should cost).
	 */
	int get = is_safe(method);
	/* PUT and DELETE carry bodies as POST does; whether the route takes
	 * them is decided once the headers are all in */
	int post = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 || strcmp(method, "DELETE") == 0;
	if ((get || post) && !req->headers_seen) {
		req->headers_seen = 1;
		if (srv->gate)
			tm_gate_request_in(srv->gate, conn, 0);
		/* a body declared too large, from a client that waits for "100
		 * Continue" before sending it, is refused now, unread (one that
		 * sends at once has it read and dropped below, then refused, so
		 * that it is not cut off mid-send) */
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		const char *expect = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
		unsigned long long declared = cl ? strtoull(cl, NULL, 10) : 0;
		if (expect && strcasecmp(expect, "100-continue") == 0 && declared > (post ? TM_MAX_UPLOAD : 0)) {
			pick_lang(req);
			if (post)
				tm_req_fail(req, 413, "body_too_large", "the request body is larger than %zu bytes",
					    TM_MAX_UPLOAD);
			else
				tm_req_fail(req, 413, "body_not_allowed", "GET and HEAD take no request body");
			return respond(srv, req, NULL, 0);
		}
		return MHD_YES;
	}
	if (post && *upload_data_size) {
		/* kept in memory up to the limit, for a route that takes POST;
		 * past it, read and dropped and answered 413, and far past it the
		 * connection is lost */
		if (req->upload.len + *upload_data_size <= TM_MAX_UPLOAD)
			tm_buf_add(&req->upload, upload_data, *upload_data_size);
		else
			req->upload_over = 1;
		req->body_bytes += *upload_data_size;
		*upload_data_size = 0;
		return req->body_bytes > 4 * TM_MAX_UPLOAD ? MHD_NO : MHD_YES;
	}
	if (get && *upload_data_size) {
		/* read and dropped, and answered 413 once it is all in; one too
		 * large to be worth reading just loses its connection */
		req->body_bytes += *upload_data_size;
		*upload_data_size = 0;
		return req->body_bytes > MAX_BODY ? MHD_NO : MHD_YES;
	}
	/* the whole request is in: its deadline stops */
	if (srv->gate)
		tm_gate_request_in(srv->gate, conn, 1);
	pick_lang(req);
	if (req->body_bytes && !post) {
		tm_req_fail(req, 413, "body_not_allowed", "GET and HEAD take no request body");
		return respond(srv, req, NULL, 0);
	}
	enum MHD_Result ret = handle(srv, req);
	if (req->snap) {
		snap_release(req->snap);
		req->snap = NULL;
		req->g = NULL;
	}
	return ret;
}

/* The access log: time, method, path without the query (search terms say
 * too much about a reader), status, bytes, milliseconds; the client's
 * address only with --log-ips. */
static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	(void)toe;
	tm_http_server *srv = cls;
	/* the answer is over: the next request's deadline starts */
	if (srv->gate)
		tm_gate_request_done(srv->gate, conn);
	tm_req *req = *con_cls;
	if (!req)
		return;
	*con_cls = NULL;
	if (srv->o.access_log && req->status) {
		char when[32], ip[INET6_ADDRSTRLEN + 2] = "";
		time_t now = time(NULL);
		struct tm tm;
		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		if (srv->o.log_ips) {
			unsigned char a[16];
			size_t n = client_addr(conn, a);
			if (n)
				inet_ntop(n == 4 ? AF_INET : AF_INET6, a, ip, sizeof(ip));
			size_t l = strlen(ip);
			ip[l] = ' ';
			ip[l + 1] = '\0';
		}
		tm_buf path = TM_BUF_INIT;
		for (const char *p = req->uri; *p && *p != '?' && path.len < 200; p++)
			tm_buf_addch(&path, (unsigned char)*p > 0x20 && (unsigned char)*p < 0x7f ? *p : '?');
		pthread_mutex_lock(&srv->log_mu);
		fprintf(srv->o.access_log, "%s %s%s %s %d %zu %.1fms\n", when, ip, req->method ? req->method : "-",
			path.buf, req->status, req->bytes, (tm_now() - req->started) * 1000);
		fflush(srv->o.access_log);
		pthread_mutex_unlock(&srv->log_mu);
		tm_buf_release(&path);
	}
	for (size_t i = 0; i < req->n_params; i++)
		free(req->params[i]);
	free(req->r_location);
	free(req->r_content_location);
	free(req->merged_into);
	free(req->r_csp);
	free(req->title);
	free(req->r_disposition);
	free(req->r_type_owned);
	free(req->r_cookie);
	tm_session_release(&req->who);
	/* a form's fields (a password, a signer's name and address) are wiped,
	 * not only freed: freed memory is what a core dump shows */
	for (size_t i = 0; i < req->form.n; i++)
		sodium_memzero(req->form.v[i], strlen(req->form.v[i]));
	tm_strv_release(&req->form);
	free(req->uri);
	tm_buf_release(&req->body);
	/* an upload goes with its request, unread by anything else */
	sodium_memzero(req->upload.buf, req->upload.len);
	tm_buf_release(&req->upload);
	free(req);
}

/* ---- start and stop ---- */

/* "127.0.0.1:8080", "[::1]:8080", "localhost:8080", ":8080" (loopback). */
static tm_rc parse_listen(const char *s, struct sockaddr_storage *out, int *v6, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	const char *colon = strrchr(s, ':');
	if (!colon)
		return tm_fail(err, TM_ERR_INVALID, "--listen '%s' needs HOST:PORT", s);
	char host[64];
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		return tm_fail(err, TM_ERR_INVALID, "--listen '%s': host too long", s);
	memcpy(host, s, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
		return tm_fail(err, TM_ERR_INVALID, "--listen '%s': bad port", s);
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return tm_fail(err, TM_ERR_INVALID, "--listen '%s': bad IPv6 address", s);
		*v6 = 1;
		return TM_OK;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)out;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	const char *h = !host[0] || strcmp(host, "localhost") == 0 ? "127.0.0.1" : host;
	if (inet_pton(AF_INET, h, &a->sin_addr) != 1)
		return tm_fail(err, TM_ERR_INVALID, "--listen '%s': bad IPv4 address", s);
	*v6 = 0;
	return TM_OK;
}

/* The listening socket, non-blocking, for the gate. */
static tm_rc listen_on(const char *spec, const struct sockaddr_storage *addr, int v6, int *out, tm_err *err)
{
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1;
	socklen_t len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    (v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) != 0) ||
	    bind(fd, (const struct sockaddr *)addr, len) != 0 || listen(fd, 1024) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return tm_fail(err, TM_ERR_IO, "unable to listen on '%s': %s", spec, strerror(e));
	}
	*out = fd;
	return TM_OK;
}

tm_rc tm_http_start(const tm_http_opts *o, tm_http_server **out, tm_err *err)
{
	*out = NULL;
	struct sockaddr_storage addr;
	int v6 = 0;
	tm_rc rc = parse_listen(o->listen, &addr, &v6, err);
	if (rc)
		return rc;
	if ((rc = tm_i18n_load(err)))
		return rc;
	if (!o->read_only) {
		/* open writable once so that an older database is migrated */
		tm_store *w;
		if ((rc = tm_store_open(o->db_path, 0, &w, err)))
			return rc;
		tm_store_close(w);
	}
	tm_http_server *srv = tm_xcalloc(1, sizeof(*srv));
	srv->o = *o;
	const char *base = o->base_url ? o->base_url : getenv("TIEMAP_BASE_URL");
	if (base && *base && !(srv->base_url = base_checked(base))) {
		free(srv);
		return tm_fail(err, TM_ERR_INVALID, "base URL '%s' is not an http(s) address", base);
	}
	if (o->robots_file) {
		FILE *f = fopen(o->robots_file, "rb");
		tm_buf t = TM_BUF_INIT;
		char chunk[4096];
		size_t n;
		while (f && (n = fread(chunk, 1, sizeof(chunk), f)) > 0 && t.len < 65536)
			tm_buf_add(&t, chunk, n);
		if (!f || ferror(f) || !tm_utf8_valid(t.buf, t.len)) {
			if (f)
				fclose(f);
			tm_buf_release(&t);
			free(srv->base_url);
			free(srv);
			return tm_fail(err, TM_ERR_IO, "unable to read '%s' as UTF-8 text", o->robots_file);
		}
		fclose(f);
		srv->robots = tm_buf_detach(&t);
	}
	srv->lfd = -1;
	tm_buf_init(&srv->gate_headers);
	pthread_mutex_init(&srv->snap_mu, NULL);
	pthread_mutex_init(&srv->live_mu, NULL);
	pthread_mutex_init(&srv->stop_mu, NULL);
	pthread_cond_init(&srv->stop_cv, NULL);
	pthread_mutex_init(&srv->rate_mu, NULL);
	pthread_mutex_init(&srv->log_mu, NULL);
	srv->cache = tm_xcalloc(CACHE_SLOTS, sizeof(*srv->cache));
	for (size_t i = 0; i < CACHE_SLOTS; i++)
		pthread_rwlock_init(&srv->cache[i].mu, NULL);
	srv->rate = tm_xcalloc(RATE_SLOTS, sizeof(*srv->rate));
	atomic_init(&srv->gen, 1);
	atomic_init(&srv->live, 0);
	atomic_init(&srv->cache_bytes, 0);
	if (pthread_key_create(&srv->store_key, store_destroy) == 0)
		srv->key_made = 1;
	if ((rc = tm_http_auth_start(o, &srv->auth, err)) ||
	    (rc = tm_store_open(o->db_path, TM_STORE_READONLY, &srv->watch_st, err)) ||
	    (rc = snap_build(srv->watch_st, &srv->snap, err))) {
		tm_http_stop(srv);
		return rc;
	}
	/* the signatures' version in the file, so that the counts' ETags of
	 * one run are never those of another */
	int64_t signed_so_far = 0;
	if ((rc = tm_store_petition_version(srv->watch_st, &signed_so_far, err))) {
		tm_http_stop(srv);
		return rc;
	}
	atomic_store(&srv->live, signed_so_far);
	unsigned threads = o->threads;
	if (!threads) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);
		threads = n > 0 && n < 64 ? (unsigned)n : 2;
	}
	unsigned max_conns = o->max_conns ? o->max_conns : 512u;
	tm_gate_opts go = {
		.max_conns = max_conns,
		.per_ip = o->max_conns_per_ip,
		.reserve = max_conns / 8 > 4 ? max_conns / 8 : max_conns > 8 ? 4 : 0,
		.request_seconds = o->request_seconds > 0 ? o->request_seconds : 10,
		.max_head = MAX_HEAD,
		.max_uri = MAX_URI,
		.max_args = MAX_ARGS,
	};
	for (size_t i = 0; i < N_SECURITY_HEADERS; i++)
		tm_buf_addf(&srv->gate_headers, "%s: %s\r\n", security_headers[i][0], security_headers[i][1]);
	go.headers = srv->gate_headers.buf;
	if ((rc = listen_on(o->listen, &addr, v6, &srv->lfd, err)) || (rc = tm_gate_new(srv->lfd, &go, &srv->gate, err))) {
		tm_http_stop(srv);
		return rc;
	}
	struct sockaddr_storage bound;
	socklen_t blen = sizeof(bound);
	if (getsockname(srv->lfd, (struct sockaddr *)&bound, &blen) == 0)
		srv->port = ntohs(bound.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&bound)->sin6_port :
								((struct sockaddr_in *)&bound)->sin_port);
	srv->streams = tm_stream_pool_new(o->db_path, STREAM_THREADS, STREAM_QUEUE, STREAM_SECONDS);
	/* connections come from the gate (MHD_add_connection), which keeps the
	 * caps; libmicrohttpd's own limit only backs it up */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO | MHD_USE_NO_LISTEN_SOCKET |
			 MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
	srv->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
				  MHD_OPTION_THREAD_POOL_SIZE, threads,
				  MHD_OPTION_CONNECTION_LIMIT, max_conns + 16,
				  MHD_OPTION_CONNECTION_TIMEOUT, 30u,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY,
				  MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
				  MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
				  MHD_OPTION_NOTIFY_CONNECTION, tm_gate_notify, srv->gate,
				  MHD_OPTION_END);
	if (!srv->d || (rc = tm_gate_run(srv->gate, srv->d, err))) {
		tm_http_stop(srv);
		return srv->d ? rc : tm_fail(err, TM_ERR_IO, "unable to start serving on '%s'", o->listen);
	}
	if (pthread_create(&srv->watcher, NULL, watch, srv) == 0)
		srv->watcher_started = 1;
	*out = srv;
	return TM_OK;
}

void tm_http_stop(tm_http_server *srv)
{
	if (!srv)
		return;
	/* no new connections; then no writer resumes a connection while
	 * libmicrohttpd closes them; then the workers, whose stores close as
	 * their threads end */
	tm_gate_stop(srv->gate);
	tm_stream_pool_free(srv->streams);
	if (srv->d)
		MHD_stop_daemon(srv->d);
	tm_gate_free(srv->gate);
	if (srv->lfd >= 0)
		close(srv->lfd);
	tm_buf_release(&srv->gate_headers);
	if (srv->watcher_started) {
		pthread_mutex_lock(&srv->stop_mu);
		srv->stopping = 1;
		pthread_cond_signal(&srv->stop_cv);
		pthread_mutex_unlock(&srv->stop_mu);
		pthread_join(srv->watcher, NULL);
	}
	for (size_t i = 0; i < CACHE_SLOTS; i++) {
		cache_clear_slot(srv, &srv->cache[i]);
		pthread_rwlock_destroy(&srv->cache[i].mu);
	}
	free(srv->cache);
	free(srv->rate);
	snap_release(srv->snap);
	tm_touches_release(srv->notes, srv->n_notes);
	pthread_mutex_destroy(&srv->live_mu);
	tm_store_close(srv->watch_st);
	tm_http_auth_stop(srv->auth);
	if (srv->key_made)
		pthread_key_delete(srv->store_key);
	pthread_mutex_destroy(&srv->snap_mu);
	pthread_mutex_destroy(&srv->stop_mu);
	pthread_cond_destroy(&srv->stop_cv);
	pthread_mutex_destroy(&srv->rate_mu);
	pthread_mutex_destroy(&srv->log_mu);
	tm_i18n_free();
	free(srv->base_url);
	free(srv->robots);
	free(srv);
}

void tm_http_live_bump(tm_req *req)
{
	atomic_fetch_add(&req->srv->live, 1);
}
