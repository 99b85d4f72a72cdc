/*
 * http: the web site and the JSON API (`tiemap serve`), on libmicrohttpd.
 *
 * One process serves the pages (server-rendered HTML in English and
 * Chinese, usable without JavaScript), the API under /api/v1/ and the
 * embedded assets.  Every route comes from the table in routes.def.
 *
 * Threads: libmicrohttpd runs a pool of worker threads; each opens its own
 * read-only tm_store on first use (a store is not thread-safe), and all
 * share one immutable tm_graph, which a watcher thread rebuilds when the
 * database's data_version changes.  docs/api.md describes the API;
 * docs/architecture.md the module.
 */
#ifndef TM_HTTP_H
#define TM_HTTP_H

#include <stdint.h>
#include <stdio.h>

#include "core/core.h"
#include "seal/seal.h"

typedef struct tm_http_opts {
	const char *db_path;       /* the database, opened read-only by the workers */
	const char *listen;        /* "127.0.0.1:8080", "[::1]:8080"; port 0 picks a free one */
	int read_only;             /* never open the database writable (no migration at start) */
	int log_ips;               /* put client addresses in the access log */
	FILE *access_log;          /* one line per request; NULL: none */
	unsigned threads;          /* worker threads; 0: one per CPU */
	unsigned max_conns;        /* open connections in all (an eighth kept free for new clients); 0: 512 */
	unsigned max_conns_per_ip; /* open connections from one address; 0: no cap (behind a proxy) */
	double request_seconds;    /* to send a whole request, head and body, from the connect or the
				    * end of the previous answer on the connection; bytes do not restart it */
	double rate;               /* sustained requests/s per client address; 0: no limit */
	double burst;              /* requests a client may make at once before the rate applies */
	double query_seconds;      /* time limit of one request's queries */
	double watch_seconds;      /* how often the watcher looks at data_version */
	int no_cache;              /* render every response afresh (for measuring) */
	/* The licence the operator publishes the data under: an SPDX id the site
	 * knows (CC-BY-SA-4.0, CC-BY-4.0, CC0-1.0, ODbL-1.0, CC-BY-NC-4.0,
	 * CC-BY-NC-SA-4.0), shown with its name and link, or any other text,
	 * shown as given.  In every page's footer, the API's index and a Link
	 * header on every answer. */
	const char *licence;
	const char *base_url;      /* the site's public address "https://host[/prefix]"; NULL: $TIEMAP_BASE_URL, else Host */
	const char *robots_file;   /* served as /robots.txt; NULL: the default */
	int https;                 /* the site is served over HTTPS (by a proxy in front): Secure cookies */
	const char *origin;        /* the site's origin ("https://example.org") when the Host header is not it */
	double login_rate;         /* logins a second on the whole server, after a burst of 10; 0: no limit */
	double form_min_seconds;   /* the anonymous forms' least fill time (guard.h); < 0: the guard's 3 s */
	double petition_rate;      /* signatures a second of one petition, sustained, after petition_burst */
	double petition_burst;     /* … at once (docs/petitions.md has the defaults and the reasons) */
	const tm_seal_server_key *petition_keys; /* the server keys of the petitions signed here (copied) */
	size_t n_petition_keys;
} tm_http_opts;

/* The licence of data that names none: CC BY-SA 4.0, as LittleSis publishes
 * its data (docs/api.md says why). */
#define TM_HTTP_LICENCE_DEFAULT "CC-BY-SA-4.0"

/* A licence's name and URL (NULL when it is not one the site knows) for an
 * SPDX id or free text. */
void tm_http_licence(const char *licence, const char **name, const char **url);

/* The defaults: 127.0.0.1:8080, 20 requests/s with a burst of 200, 2 s a
 * query, 512 connections with 16 from one address, 10 s to send a request,
 * cache on, access log on stderr without addresses (docs/deploy.md), the
 * default licence, plain HTTP, 2 logins a second, forms filled in no sooner
 * than 3 s, petitions signed 120 at once then one every 2 s each, no
 * petition keys. */
void tm_http_opts_init(tm_http_opts *o);

typedef struct tm_http_server tm_http_server;

/* Open the database, build the graph and start listening.  *out is owned by
 * the caller: tm_http_stop() it.  Call with SIGINT/SIGTERM blocked if the
 * caller waits for them with sigwait(): the worker threads inherit the mask. */
tm_rc tm_http_start(const tm_http_opts *o, tm_http_server **out, tm_err *err);

/* The port the server listens on (the real one when opts asked for 0). */
uint16_t tm_http_port(const tm_http_server *s);

/* Stop accepting, finish the requests under way, join the threads, free. */
void tm_http_stop(tm_http_server *s);

#endif
