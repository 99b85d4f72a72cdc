/*
 * /admin/users: the accounts, for administrators (TM_ROUTE_ADMIN: the
 * server refuses anyone else before this runs).  What an administrator
 * may want to do at once from a browser, after a lost laptop or a run of
 * failed logins: end an account's sessions, lift a lock, disable or enable
 * it.  Adding accounts and setting roles and passwords stay with
 * `tiemap user` on the server, where a password never crosses the network.
 */
#include "http/http_internal.h"

#include <string.h>
#include <time.h>

struct rows {
	tm_req *req;
	tm_store *st;
};

static int row(void *p, const tm_user *u)
{
	struct rows *c = p;
	tm_req *req = c->req;
	int64_t failures = 0, sessions = 0;
	tm_auth_failures(c->st, u, &failures, NULL);
	tm_store_session_count(c->st, u->id, (int64_t)time(NULL), &sessions, NULL);
	const char *state = u->disabled ? T("admin.disabled") :
			    failures >= TM_AUTH_LOCK_AFTER ? T("admin.locked") : T("admin.active");
	tm_html(&req->body, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%ld</td><td>%ld</td><td>", u->name,
		tm_page_role_label(req, (tm_role)u->role), state, (long)failures, (long)sessions);
	static const struct {
		const char *action, *label;
	} actions[] = { { "logout", "admin.logout" }, { "unlock", "admin.unlock" }, { "disable", "admin.disable" },
			{ "enable", "admin.enable" } };
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		const char *a = actions[i].action;
		/* only what would change something */
		if ((!strcmp(a, "logout") && !sessions) || (!strcmp(a, "unlock") && !failures) ||
		    (!strcmp(a, "disable") && u->disabled) || (!strcmp(a, "enable") && !u->disabled))
			continue;
		tm_html(&req->body,
			"<form class=\"inline\" method=\"post\" action=\"/admin/users?%r\">"
			"<input type=\"hidden\" name=\"action\" value=\"%s\"><input type=\"hidden\" name=\"name\" value=\"%s\">",
			tm_page_lang_arg(req), a, u->name);
		tm_page_csrf_field(req);
		tm_html(&req->body, "<button type=\"submit\">%s</button></form> ", T(actions[i].label));
	}
	tm_buf_adds(&req->body, "</td></tr>\n");
	return 0;
}

static void users_page(tm_req *req, int status, const char *msg_key, int good)
{
	req->r_status = status;
	tm_page_begin(req, T("admin.title"));
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n<p>%s</p>\n", T("admin.title"), T("admin.intro"));
	if (msg_key)
		tm_html(b, "<p class=\"%r\" role=\"%r\">%s</p>\n", good ? "notice" : "error", good ? "status" : "alert",
			T(msg_key));
	tm_html(b,
		"<div class=\"table-wrap\"><table class=\"users\">\n<thead><tr><th scope=\"col\">%s</th>"
		"<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		"<th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
		T("admin.name"), T("admin.role"), T("admin.state"), T("admin.failures"), T("admin.sessions"),
		T("admin.actions"));
	struct rows c = { req, req->st };
	tm_err err = { 0 };
	if (tm_store_user_each(req->st, row, &c, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	tm_buf_adds(b, "</tbody></table></div>\n");
	tm_page_end(req);
}

static tm_rc act(tm_store *w, const char *action, const tm_user *u, tm_err *err)
{
	int64_t now = (int64_t)time(NULL);
	if (strcmp(action, "logout") == 0)
		return tm_store_sessions_delete(w, u->id, now, NULL, err);
	if (strcmp(action, "unlock") == 0)
		return tm_auth_unlock(w, u->name, err);
	if (strcmp(action, "disable") == 0) {
		tm_rc rc = tm_store_user_set_disabled(w, u->name, 1, err);
		return rc ? rc : tm_store_sessions_delete(w, u->id, now, NULL, err);
	}
	if (strcmp(action, "enable") == 0)
		return tm_store_user_set_disabled(w, u->name, 0, err);
	return tm_fail(err, TM_ERR_INVALID, "unknown action '%s'", action);
}

void tm_http_page_admin_users(tm_req *req)
{
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
		users_page(req, 200, NULL, 0);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	const char *action = tm_req_form(req, "action"), *name = tm_req_form(req, "name");
	tm_user u;
	if (!name || tm_store_user_get(req->st, name, &u, NULL) != TM_OK) {
		users_page(req, 404, "admin.no_user", 0);
		return;
	}
	if (action && strcmp(action, "disable") == 0 && u.id == req->who.user.id) {
		tm_user_release(&u);
		users_page(req, 400, "admin.not_self", 0);
		return;
	}
	tm_store *w = tm_http_writer_lock(req);
	tm_err err = { 0 };
	tm_rc rc = w ? act(w, action ? action : "", &u, &err) : TM_ERR_DB;
	tm_http_writer_unlock(req);
	tm_user_release(&u);
	if (!w)
		users_page(req, 503, "auth.readonly", 0);
	else if (rc == TM_ERR_INVALID)
		users_page(req, 400, "account.unknown_action", 0);
	else if (rc)
		tm_req_fail_err(req, &err);
	else
		users_page(req, 200, "admin.done", 1);
}
