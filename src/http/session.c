/*
 * Accounts on the web: who a request is from, and what the route's flags
 * (routes.def) let them do — enforced here, once, before any handler, so
 * that a route that changes something gets its protection by having the
 * flag.  docs/security.md gives the reasons; the rules of sessions and
 * logins are src/auth's.
 *
 * A reader never gets a cookie: the only Set-Cookie headers are a login's,
 * a logout's, and the one that clears a cookie whose session has ended.
 */
#include "http/http_internal.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "guard/guard.h"

#define LOGIN_BURST 10 /* logins at once on the whole server, before login_rate applies */

struct tm_http_auth {
	int https;
	char *origin;         /* --origin, or NULL: the scheme and the Host header */
	tm_store *writer;     /* NULL on a read-only server */
	pthread_mutex_t mu;   /* held around every use of writer */
	tm_auth_keys keys;
	tm_guard *guard;      /* corrections, right of reply … */
	tm_guard *crowd;      /* petitions: forms that crowds send (TM_ROUTE_CROWD) */
	tm_seal_server_key *petition_keys; /* the petitions this server takes signatures for */
	size_t n_petition_keys;
	pthread_mutex_t rate_mu;
	double login_rate;    /* 0: no limit */
	tm_bucket logins;
};

tm_rc tm_http_auth_start(const tm_http_opts *o, tm_http_auth **out, tm_err *err)
{
	*out = NULL;
	tm_http_auth *a = tm_xcalloc(1, sizeof(*a));
	a->https = o->https;
	if (o->origin) {
		size_t n = strlen(o->origin);
		while (n && o->origin[n - 1] == '/')
			n--;
		a->origin = tm_xstrndup(o->origin, n);
	}
	a->login_rate = o->login_rate;
	pthread_mutex_init(&a->mu, NULL);
	pthread_mutex_init(&a->rate_mu, NULL);
	tm_rc rc = TM_OK;
	if (!o->read_only)
		rc = tm_store_open(o->db_path, 0, &a->writer, err);
	if (!rc)
		rc = tm_auth_keys_load(a->writer, &a->keys, err);
	tm_guard_opts go, co;
	tm_guard_opts_init(&go);
	if (o->form_min_seconds >= 0)
		go.min_seconds = o->form_min_seconds;
	/* a petition is shared to be signed by many at once: its own buckets,
	 * per petition (the form's name is its path), and both together no
	 * more than twice one; the nonces of a busy day remembered */
	co = go;
	co.form_rate = o->petition_rate > 0 ? o->petition_rate : 0.5;
	co.form_burst = o->petition_burst >= 1 ? o->petition_burst : 120;
	co.all_rate = 2 * co.form_rate;
	co.all_burst = 2 * co.form_burst;
	co.remember = 32768;
	if (!rc && (!(a->guard = tm_guard_new(a->keys.form, &go)) || !(a->crowd = tm_guard_new(a->keys.form, &co))))
		rc = tm_fail(err, TM_ERR_INTERNAL, "libsodium cannot start");
	if (!rc && o->n_petition_keys) {
		a->petition_keys = tm_xmalloc(o->n_petition_keys * sizeof(*a->petition_keys));
		memcpy(a->petition_keys, o->petition_keys, o->n_petition_keys * sizeof(*a->petition_keys));
		a->n_petition_keys = o->n_petition_keys;
	}
	if (rc) {
		tm_http_auth_stop(a);
		return rc;
	}
	*out = a;
	return TM_OK;
}

void tm_http_auth_stop(tm_http_auth *a)
{
	if (!a)
		return;
	tm_store_close(a->writer);
	tm_guard_free(a->guard);
	tm_guard_free(a->crowd);
	if (a->petition_keys) {
		sodium_memzero(a->petition_keys, a->n_petition_keys * sizeof(*a->petition_keys));
		free(a->petition_keys);
	}
	pthread_mutex_destroy(&a->mu);
	pthread_mutex_destroy(&a->rate_mu);
	free(a->origin);
	memset(&a->keys, 0, sizeof(a->keys));
	free(a);
}

tm_role tm_route_role(int flags)
{
	return (flags & TM_ROUTE_ADMIN) ? TM_ROLE_ADMIN : (flags & TM_ROUTE_EDITOR) ? TM_ROLE_EDITOR : TM_ROLE_CONTRIBUTOR;
}

static const char *cookie_name(const tm_http_auth *a)
{
	/* the __Host- prefix makes browsers refuse the cookie unless it is
	 * Secure, for this host alone, on every path */
	return a->https ? "__Host-tiemap" : "tiemap";
}

static void set_cookie(tm_req *req, const char *value, int max_age)
{
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Strict%s", cookie_name(req->auth), value,
		    max_age, req->auth->https ? "; Secure" : "");
	free(req->r_cookie);
	req->r_cookie = tm_buf_detach(&b);
}

int tm_req_personal(const tm_req *req)
{
	return req->who.role != TM_ROLE_NONE || req->r_cookie != NULL;
}

const char *tm_req_referrer_policy(const tm_req *req)
{
	int forms = req->route && (req->route->flags & (TM_ROUTE_LOGIN | TM_ROUTE_FORM));
	return tm_req_personal(req) || forms ? "same-origin" : "no-referrer";
}

static const char *header(const tm_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

/*
 * Whether an unsafe request comes from one of this site's own pages: its
 * Origin (else its Referer) names this site, which is --origin, else the
 * scheme (https with --https) and the Host the request was sent to.
 * Without either header: `absent` (a script, or a browser that sends
 * neither).  Origin "null" (a sandboxed or privacy-stripped page) counts as
 * absent where absent is allowed.
 */
static int same_origin(const tm_req *req, int absent)
{
	tm_http_auth *a = req->auth;
	const char *host = header(req, MHD_HTTP_HEADER_HOST);
	tm_buf want = TM_BUF_INIT;
	if (a->origin)
		tm_buf_adds(&want, a->origin);
	else if (host && *host && !strpbrk(host, "/\\@ "))
		tm_buf_addf(&want, "%s://%s", a->https ? "https" : "http", host);
	const char *origin = header(req, "Origin"), *referer = header(req, MHD_HTTP_HEADER_REFERER);
	int ok;
	if (origin && strcmp(origin, "null") != 0)
		ok = want.len && strcasecmp(origin, want.buf) == 0;
	else if (referer)
		ok = want.len && strncasecmp(referer, want.buf, want.len) == 0 &&
		     (referer[want.len] == '/' || referer[want.len] == '\0');
	else
		ok = absent;
	tm_buf_release(&want);
	return ok;
}

/* Who is asking: an API token, else a session cookie, else a reader.
 * 1 when the request is refused (a token that is no longer good). */
static int identify(tm_req *req)
{
	tm_http_auth *a = req->auth;
	int64_t now = (int64_t)time(NULL);
	const char *authz = header(req, MHD_HTTP_HEADER_AUTHORIZATION);
	/* other schemes are not ours: a proxy's Basic authentication in front
	 * of the site, say */
	tm_err err = { 0 };
	tm_rc rc = TM_OK;
	if (authz && strncasecmp(authz, "Bearer ", 7) == 0) {
		/* a bad token is an error, not a reader: the script should know */
		if ((rc = tm_auth_bearer(req->st, authz + 7, now, &req->who, &err)) == TM_ERR_NOTFOUND) {
			tm_req_fail(req, 401, "bad_token", "%s", T("auth.bad_token"));
			return 1;
		}
	} else {
		const char *cookie = MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, cookie_name(a));
		rc = cookie ? tm_auth_session(req->st, cookie, now, &req->who, &err) : TM_OK;
		if (rc == TM_ERR_NOTFOUND) {
			set_cookie(req, "", 0); /* its session is over: the browser may forget it */
			rc = TM_OK;
		}
	}
	if (rc) {
		/* the database, not the visitor: nobody is logged out by a busy moment */
		tm_req_fail(req, 503, "unavailable", "the accounts cannot be read just now");
		return 1;
	}
	return 0;
}

static int refuse(tm_req *req, int status, const char *code, const char *msg_key)
{
	tm_req_fail(req, status, code, "%s", T(msg_key));
	return 1;
}

/* The guard of a route's form and the form's name: a petition's path, so
 * that each petition has its own bucket and its tokens are its own; else
 * the route's pattern. */
static tm_guard *form_guard(tm_req *req, const char **form)
{
	int crowd = (req->route->flags & TM_ROUTE_CROWD) != 0;
	*form = crowd ? req->path : req->route->pattern;
	return crowd ? req->auth->crowd : req->auth->guard;
}

/* The guard's verdict on an anonymous form's submission. */
static int guard_form(tm_req *req)
{
	struct timespec ts;
	const char *form;
	tm_guard *g = form_guard(req, &form);
	clock_gettime(CLOCK_REALTIME, &ts);
	tm_guard_verdict v = tm_guard_check(g, form, tm_req_form(req, TM_GUARD_TOKEN_FIELD),
					    tm_req_form(req, TM_GUARD_TRAP_FIELD), (double)ts.tv_sec + ts.tv_nsec / 1e9);
	switch (v) {
	case TM_GUARD_OK: return 0;
	case TM_GUARD_EARLY: return refuse(req, 400, "form_too_fast", "form.too_fast");
	case TM_GUARD_EXPIRED: return refuse(req, 400, "form_expired", "form.expired");
	case TM_GUARD_BUSY: return refuse(req, 429, "form_busy", "form.busy");
	default: return refuse(req, 403, "form_refused", "form.refused");
	}
}

int tm_http_auth_check(tm_http_auth *a, tm_req *req)
{
	(void)a;
	int flags = req->route->flags;
	int unsafe = strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0;
	if (identify(req))
		return 1;
	tm_role need = tm_route_role(flags);
	if (unsafe && (flags & TM_ROUTE_EDIT)) {
		if (req->who.role == TM_ROLE_NONE)
			return refuse(req, 403, "login_required", "auth.login_required");
		if (!req->who.via_token) {
			/* a cookie goes with every request the browser makes, whichever
			 * page made it: the Origin and the CSRF token say it was ours */
			if (!same_origin(req, 0))
				return refuse(req, 403, "cross_origin", "auth.cross_origin");
			const char *csrf = tm_req_form(req, "csrf");
			if (!csrf)
				csrf = header(req, "X-CSRF-Token");
			if (!tm_auth_csrf_ok(&req->who, csrf))
				return refuse(req, 403, "csrf", "auth.csrf");
		}
		if (req->who.role < need)
			return refuse(req, 403, "forbidden_role", need == TM_ROLE_ADMIN ? "auth.need_admin" : "auth.need_editor");
		return 0;
	}
	if (!unsafe && (flags & TM_ROUTE_PRIVATE) && req->who.role < need) {
		if (req->who.role != TM_ROLE_NONE)
			return refuse(req, 403, "forbidden_role", need == TM_ROLE_ADMIN ? "auth.need_admin" : "auth.need_editor");
		if (flags & TM_ROUTE_API)
			return refuse(req, 401, "login_required", "auth.login_required");
		/* a page: to the login form, and back here after it (the target
		 * as sent, with its query: the language is in it) */
		tm_buf loc = TM_BUF_INIT;
		tm_buf_adds(&loc, "/login?next=");
		tm_url_enc(&loc, req->uri);
		tm_buf_addf(&loc, "&%s", tm_page_lang_arg(req));
		tm_req_see_other(req, tm_buf_detach(&loc));
		return 1;
	}
	if (unsafe && (flags & TM_ROUTE_LOGIN) && !same_origin(req, 0))
		return refuse(req, 403, "cross_origin", "auth.cross_origin");
	if (unsafe && (flags & TM_ROUTE_FORM)) {
		if (!same_origin(req, 1))
			return refuse(req, 403, "cross_origin", "auth.cross_origin");
		return guard_form(req);
	}
	return 0;
}

void tm_req_see_other(tm_req *req, char *location)
{
	free(req->r_location);
	req->r_location = location;
	req->r_status = 303;
	req->r_type = "text/plain; charset=utf-8";
	req->r_nocache = 1;
	tm_buf_reset(&req->body);
	tm_buf_addf(&req->body, "see %s\n", location);
}

void tm_req_not_allowed(tm_req *req, const char *methods)
{
	tm_req_fail(req, 405, "method_not_allowed", "only %s are served here", methods);
	req->r_allow = methods;
}

/* ---- logging in and out ---- */

/* A token from the login bucket: 1, or 0 when logins come too fast. */
static int login_allowed(tm_http_auth *a)
{
	if (a->login_rate <= 0)
		return 1;
	pthread_mutex_lock(&a->rate_mu);
	int ok = tm_bucket_take(&a->logins, a->login_rate, LOGIN_BURST, tm_now());
	pthread_mutex_unlock(&a->rate_mu);
	return ok;
}

int tm_req_login(tm_req *req, const char *name, const char *password)
{
	tm_http_auth *a = req->auth;
	if (!a->writer)
		return 503;
	/* each try costs an argon2id check (64 MiB, a tenth of a second or
	 * more): the whole server's rate of them is bounded, not a client's,
	 * since no client is told apart by address */
	if (!login_allowed(a))
		return 429;
	tm_session s;
	tm_err err = { 0 };
	pthread_mutex_lock(&a->mu);
	tm_rc rc = tm_auth_login(a->writer, &a->keys, name, password, (int64_t)time(NULL), &s, &err);
	pthread_mutex_unlock(&a->mu);
	if (rc)
		return rc == TM_ERR_INVALID ? 403 : 503;
	set_cookie(req, s.token, TM_AUTH_SESSION_SECONDS);
	memset(s.token, 0, sizeof(s.token));
	tm_session_release(&req->who);
	req->who = s;
	return 0;
}

int tm_req_reauth(tm_req *req, const char *password)
{
	tm_http_auth *a = req->auth;
	if (!a->writer)
		return 503;
	if (req->who.role == TM_ROLE_NONE)
		return 403;
	if (!login_allowed(a))
		return 429;
	pthread_mutex_lock(&a->mu);
	tm_rc rc = tm_auth_verify(a->writer, &a->keys, req->who.user.name, password, (int64_t)time(NULL), NULL);
	pthread_mutex_unlock(&a->mu);
	return rc == TM_OK ? 0 : rc == TM_ERR_INVALID ? 403 : 503;
}

void tm_req_logout(tm_req *req)
{
	tm_http_auth *a = req->auth;
	if (req->who.role != TM_ROLE_NONE && !req->who.via_token && a->writer) {
		pthread_mutex_lock(&a->mu);
		tm_store_session_delete(a->writer, req->who.hash, NULL);
		pthread_mutex_unlock(&a->mu);
	}
	tm_session_release(&req->who);
	set_cookie(req, "", 0);
}

tm_store *tm_http_writer_lock(tm_req *req)
{
	tm_http_auth *a = req->auth;
	if (!a->writer)
		return NULL;
	pthread_mutex_lock(&a->mu);
	return a->writer;
}

void tm_http_writer_unlock(tm_req *req)
{
	if (req->auth->writer)
		pthread_mutex_unlock(&req->auth->mu);
}

/* ---- what pages put in their forms ---- */

const char *tm_page_role_label(tm_req *req, tm_role r)
{
	char key[32];
	snprintf(key, sizeof(key), "role.%s", tm_role_name(r));
	return T(key);
}

void tm_page_user_box(tm_req *req, tm_buf *out)
{
	if (req->who.role == TM_ROLE_NONE)
		return;
	tm_html(out,
		"<div class=\"user-box\"><span>%s <a href=\"/account?%r\">%s</a> (%s)</span>"
		"<form method=\"post\" action=\"/logout?%r\">",
		T("nav.signed_in"), tm_page_lang_arg(req), req->who.user.name, tm_page_role_label(req, req->who.role),
		tm_page_lang_arg(req));
	if (req->who.csrf[0])
		tm_html(out, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", req->who.csrf);
	tm_html(out, "<button type=\"submit\">%s</button></form></div>\n", T("nav.logout"));
}

void tm_page_csrf_field(tm_req *req)
{
	if (req->who.csrf[0])
		tm_html(&req->body, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">", req->who.csrf);
}

void tm_page_guard_fields(tm_req *req)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	char tok[TM_GUARD_TOKEN_MAX];
	const char *form;
	tm_guard *g = form_guard(req, &form);
	tm_guard_issue(g, form, (double)ts.tv_sec + ts.tv_nsec / 1e9, tok);
	/* the honeypot: out of sight and out of the tab order, and labelled
	 * for anyone whose browser shows it anyway */
	tm_html(&req->body,
		"<input type=\"hidden\" name=\"%r\" value=\"%s\">"
		"<p class=\"trap\" aria-hidden=\"true\"><label>%s <input name=\"%r\" value=\"\" tabindex=\"-1\" "
		"autocomplete=\"off\"></label></p>",
		TM_GUARD_TOKEN_FIELD, tok, T("form.trap"), TM_GUARD_TRAP_FIELD);
}

const tm_seal_server_key *tm_http_petition_key(tm_req *req, const char *public_key)
{
	unsigned char pk[TM_SEAL_KEY_BYTES];
	if (!public_key || tm_seal_key_parse(public_key, pk))
		return NULL;
	for (size_t i = 0; i < req->auth->n_petition_keys; i++)
		if (memcmp(req->auth->petition_keys[i].pk, pk, sizeof(pk)) == 0)
			return &req->auth->petition_keys[i];
	return NULL;
}
