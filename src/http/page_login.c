/*
 * /login and /logout (docs/security.md).  GET /login shows the form; POST
 * /login checks it (session.c: tm_req_login) and, on success, sets the
 * session cookie and sends the browser on to where it was going.  Every
 * failed login gets the same page, whatever the reason.  POST /logout ends
 * the session; GET /logout only asks, since a link must not log anyone out.
 * Both forms are plain HTML: no JavaScript is needed.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

/* Where to go after logging in: a path of this site ("/account",
 * "/entities/x?lang=zh"), never another site ("//evil.example",
 * "/\evil.example") nor anything odd; NULL when next is not one. */
static const char *safe_next(const char *next)
{
	if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 512)
		return NULL;
	for (const char *p = next; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || *p == '\\')
			return NULL;
	return next;
}

static void login_form(tm_req *req, int status, const char *msg_key)
{
	req->r_status = status;
	tm_page_begin(req, T("login.title"));
	tm_html(&req->body, "<h1>%s</h1>\n", T("login.title"));
	if (msg_key)
		tm_html(&req->body, "<p class=\"error\" role=\"alert\">%s</p>\n", T(msg_key));
	if (req->who.role != TM_ROLE_NONE) {
		tm_html(&req->body, "<p>%s <a href=\"/account?%r\">%s</a>.</p>\n", T("login.already"),
			tm_page_lang_arg(req), req->who.user.name);
		tm_page_end(req);
		return;
	}
	const char *next = safe_next(tm_req_form(req, "next"));
	if (!next)
		next = safe_next(tm_req_arg(req, "next"));
	tm_html(&req->body,
		"<p>%s</p>\n"
		"<form class=\"login-form\" method=\"post\" action=\"/login?%r\">\n",
		T("login.intro"), tm_page_lang_arg(req));
	if (next)
		tm_html(&req->body, "<input type=\"hidden\" name=\"next\" value=\"%s\">\n", next);
	tm_html(&req->body,
		"<p><label for=\"login-name\">%s</label>"
		"<input id=\"login-name\" name=\"name\" autocomplete=\"username\" autocapitalize=\"none\" "
		"spellcheck=\"false\" maxlength=\"32\" required></p>\n"
		"<p><label for=\"login-password\">%s</label>"
		"<input id=\"login-password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" "
		"maxlength=\"1024\" required></p>\n"
		"<p><button type=\"submit\">%s</button></p>\n</form>\n<p class=\"note\">%s</p>\n",
		T("login.name"), T("login.password"), T("login.submit"), T("login.cookie_note"));
	tm_page_end(req);
}

void tm_http_page_login(tm_req *req)
{
	if (strcmp(req->method, "POST") != 0) {
		login_form(req, 200, NULL);
		return;
	}
	const char *name = tm_req_form(req, "name"), *password = tm_req_form(req, "password");
	int status = tm_req_login(req, name ? name : "", password ? password : "");
	if (status) {
		login_form(req, status,
			   status == 429 ? "login.busy" : status == 503 ? "login.readonly" : "login.failed");
		return;
	}
	const char *next = safe_next(tm_req_form(req, "next"));
	tm_buf loc = TM_BUF_INIT;
	if (next)
		tm_buf_adds(&loc, next);
	else
		tm_buf_addf(&loc, "/?%s", tm_page_lang_arg(req));
	tm_req_see_other(req, tm_buf_detach(&loc));
}

void tm_http_page_logout(tm_req *req)
{
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
		tm_page_begin(req, T("logout.title"));
		tm_html(&req->body, "<h1>%s</h1>\n", T("logout.title"));
		if (req->who.role != TM_ROLE_NONE && !req->who.via_token) {
			tm_html(&req->body, "<form method=\"post\" action=\"/logout?%r\"><p>%s ", tm_page_lang_arg(req),
				T("logout.confirm"));
			tm_page_csrf_field(req);
			tm_html(&req->body, "<button type=\"submit\">%s</button></p></form>\n", T("nav.logout"));
		} else {
			tm_html(&req->body, "<p><a href=\"/login?%r\">%s</a></p>\n", tm_page_lang_arg(req), T("nav.login"));
		}
		tm_page_end(req);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	if (req->who.via_token) {
		tm_req_fail(req, 400, "no_session", "%s", T("logout.token"));
		return;
	}
	tm_req_logout(req);
	tm_buf loc = TM_BUF_INIT;
	tm_buf_addf(&loc, "/?%s", tm_page_lang_arg(req));
	tm_req_see_other(req, tm_buf_detach(&loc));
}
