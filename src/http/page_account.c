/*
 * A signed-in user's own account: /account (who, which role, when the
 * session ends; change the password; log out everywhere) and
 * /api/v1/me, the same for scripts and for the site's own JavaScript (with
 * the session's CSRF token, which only a page of this site can read).
 * The server lets only signed-in users in (TM_ROUTE_PRIVATE) and checks
 * every POST (TM_ROUTE_EDIT) before these handlers run.
 */
#include "http/http_internal.h"

#include <string.h>
#include <time.h>

static void utc(int64_t t, char out[40])
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 40, "%Y-%m-%d %H:%M UTC", &tm);
}

static void account_page(tm_req *req, int status, const char *msg_key, int good)
{
	req->r_status = status;
	tm_page_begin(req, T("account.title"));
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n", T("account.title"));
	if (msg_key)
		tm_html(b, "<p class=\"%r\" role=\"%r\">%s</p>\n", good ? "notice" : "error", good ? "status" : "alert",
			T(msg_key));
	if (req->who.role == TM_ROLE_NONE) {
		tm_html(b, "<p><a href=\"/login?%r\">%s</a></p>\n", tm_page_lang_arg(req), T("nav.login"));
		tm_page_end(req);
		return;
	}
	char ends[40] = "";
	if (req->who.expires)
		utc(req->who.expires, ends);
	tm_html(b, "<dl class=\"facts\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>", T("login.name"),
		req->who.user.name, T("account.role"), tm_page_role_label(req, req->who.role));
	if (ends[0])
		tm_html(b, "<dt>%s</dt><dd>%s</dd>", T("account.expires"), ends);
	tm_buf_adds(b, "</dl>\n");
	if (req->who.role == TM_ROLE_ADMIN)
		tm_html(b, "<p><a href=\"/admin/users?%r\">%s</a></p>\n", tm_page_lang_arg(req), T("admin.title"));
	tm_html(b,
		"<h2>%s</h2>\n<form class=\"account-form\" method=\"post\" action=\"/account?%r\">"
		"<input type=\"hidden\" name=\"action\" value=\"password\">",
		T("account.password_h"), tm_page_lang_arg(req));
	tm_page_csrf_field(req);
	tm_html(b,
		"\n<p><label for=\"pw-current\">%s</label><input id=\"pw-current\" name=\"current\" type=\"password\" "
		"autocomplete=\"current-password\" maxlength=\"1024\" required></p>\n"
		"<p><label for=\"pw-new\">%s</label><input id=\"pw-new\" name=\"new\" type=\"password\" "
		"autocomplete=\"new-password\" minlength=\"12\" maxlength=\"1024\" required></p>\n"
		"<p><label for=\"pw-again\">%s</label><input id=\"pw-again\" name=\"again\" type=\"password\" "
		"autocomplete=\"new-password\" minlength=\"12\" maxlength=\"1024\" required></p>\n"
		"<p><button type=\"submit\">%s</button></p></form>\n",
		T("account.current"), T("account.new"), T("account.again"), T("account.change"));
	tm_html(b,
		"<h2>%s</h2>\n<p>%s</p>\n<form method=\"post\" action=\"/account?%r\">"
		"<input type=\"hidden\" name=\"action\" value=\"everywhere\">",
		T("account.everywhere_h"), T("account.everywhere_note"), tm_page_lang_arg(req));
	tm_page_csrf_field(req);
	tm_html(b, "<p><button type=\"submit\">%s</button></p></form>\n", T("account.everywhere"));
	tm_page_end(req);
}

/* After every session of the account has ended: to the login page. */
static void to_login(tm_req *req)
{
	tm_req_logout(req);
	tm_buf loc = TM_BUF_INIT;
	tm_buf_addf(&loc, "/login?%s", tm_page_lang_arg(req));
	tm_req_see_other(req, tm_buf_detach(&loc));
}

static void change_password(tm_req *req)
{
	const char *cur = tm_req_form(req, "current"), *pw = tm_req_form(req, "new"), *again = tm_req_form(req, "again");
	if (!pw || !again || strcmp(pw, again) != 0) {
		account_page(req, 400, "account.mismatch", 0);
		return;
	}
	if (tm_auth_password_problem(req->who.user.name, pw)) {
		account_page(req, 400, "account.weak", 0);
		return;
	}
	int status = tm_req_reauth(req, cur ? cur : "");
	if (status) {
		account_page(req, status, status == 429 ? "login.busy" : status == 503 ? "auth.readonly" : "account.wrong",
			     0);
		return;
	}
	tm_store *w = tm_http_writer_lock(req);
	tm_err err = { 0 };
	tm_rc rc = w ? tm_auth_set_password(w, req->who.user.name, pw, (int64_t)time(NULL), &err) : TM_ERR_DB;
	tm_http_writer_unlock(req);
	if (rc) {
		tm_req_fail(req, 503, "unavailable", "%s", w ? err.msg : T("auth.readonly"));
		return;
	}
	to_login(req);
}

static void log_out_everywhere(tm_req *req)
{
	tm_store *w = tm_http_writer_lock(req);
	tm_err err = { 0 };
	tm_rc rc = w ? tm_store_sessions_delete(w, req->who.user.id, (int64_t)time(NULL), NULL, &err) : TM_ERR_DB;
	tm_http_writer_unlock(req);
	if (rc) {
		tm_req_fail(req, 503, "unavailable", "%s", w ? err.msg : T("auth.readonly"));
		return;
	}
	to_login(req);
}

void tm_http_page_account(tm_req *req)
{
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
		account_page(req, 200, NULL, 0);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	/* an API token may not change its owner's password or sessions */
	if (req->who.via_token) {
		tm_req_fail(req, 403, "session_required", "%s", T("auth.login_required"));
		return;
	}
	const char *action = tm_req_form(req, "action");
	if (action && strcmp(action, "password") == 0)
		change_password(req);
	else if (action && strcmp(action, "everywhere") == 0)
		log_out_everywhere(req);
	else
		account_page(req, 400, "account.unknown_action", 0);
}

void tm_http_api_me(tm_req *req)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(req->who.user.name));
	json_object_set_new(o, "role", json_string(tm_role_name(req->who.role)));
	json_object_set_new(o, "via", json_string(req->who.via_token ? "token" : "session"));
	if (!req->who.via_token) {
		char ends[40];
		utc(req->who.expires, ends);
		json_object_set_new(o, "session_expires", json_string(ends));
		/* for the site's own scripts: the header X-CSRF-Token of their writes */
		json_object_set_new(o, "csrf_token", json_string(req->who.csrf));
	}
	tm_req_json(req, o);
}
