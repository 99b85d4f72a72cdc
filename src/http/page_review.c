/*
 * Review (docs/editing.md): /review lists the changes waiting for an
 * editor (a contributor sees their own, with the editors' answers), and
 * the corrections and replies readers sent; /review/{change} shows one
 * change with its diffs, sources and summary, and takes an editor's
 * decision.  /report/{record}/{key} is the form anyone may send a
 * correction with ("report an error"), and /report/reply/{id} an
 * organization's response; both through the guard of anonymous forms.
 */
#include "http/http_internal.h"
#include "http/page_edit.h"

#include <stdlib.h>
#include <string.h>

#include "edit/edit.h"

#define REPORT_MAX 5000   /* bytes of a report's message */
#define LINKS_MAX 2000    /* bytes of its evidence links */
#define CONTACT_MAX 200   /* bytes of its contact address */

static int64_t id_param(const char *s)
{
	if (!s || !*s || strlen(s) > 18)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : (int64_t)v;
}

/* ---- the queue ---- */

struct queue_ctx {
	tm_req *req;
	int n;
};

static int queue_item(void *p, const tm_change *c)
{
	struct queue_ctx *q = p;
	tm_req *req = q->req;
	q->n++;
	tm_html(&req->body,
		"<li><a href=\"/review/%ld?%r\">%s %ld</a> · <time>%s</time> · %s · %s<p class=\"summary\">%s</p>",
		(long)c->id, tm_page_lang_arg(req), T("review.change"), (long)c->id, c->at, c->author,
		tm_page_status_label(req, c->status), c->summary);
	if (c->review_note)
		tm_html(&req->body, "<p class=\"review-note\">%s: %s</p>", c->reviewer ? c->reviewer : "", c->review_note);
	tm_buf_adds(&req->body, "</li>\n");
	return 0;
}

static int report_item(void *p, const tm_report *r)
{
	struct queue_ctx *q = p;
	tm_req *req = q->req;
	tm_buf *b = &req->body;
	q->n++;
	tm_html(b, "<li class=\"report\" id=\"report-%ld\"><p><strong>%s</strong> · <time>%s</time> · ", (long)r->id,
		T(strcmp(r->kind, "reply") == 0 ? "reply.link" : "report.link"), r->at);
	tm_page_record_link(req, r->record, r->key);
	tm_html(b, "</p><blockquote>%s</blockquote>", r->message);
	if (r->links)
		tm_html(b, "<pre class=\"links\">%s</pre>", r->links);
	if (r->contact)
		tm_html(b, "<p>%s: <span class=\"contact\">%s</span></p>", T("report.contact"), r->contact);
	tm_html(b, "<form method=\"post\" action=\"/review?%r\">", tm_page_lang_arg(req));
	tm_page_csrf_field(req);
	tm_html(b, "<input type=\"hidden\" name=\"report\" value=\"%ld\">", (long)r->id);
	if (strcmp(r->kind, "reply") == 0)
		tm_html(b, "<button name=\"decision\" value=\"publish\">%s</button> ", T("reply.publish"));
	tm_html(b, "<button name=\"decision\" value=\"close\">%s</button></form></li>\n", T("report.close"));
	return 0;
}

static void queue_page(tm_req *req, int status, const char *msg)
{
	req->r_status = status;
	tm_page_begin(req, T("review.title"));
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n", T("review.title"));
	if (msg)
		tm_html(b, "<p class=\"error\" role=\"alert\">%s</p>\n", msg);
	int editor = req->who.role >= TM_ROLE_EDITOR;
	tm_html(b, "<h2>%s</h2>\n<ol class=\"queue\">\n", T(editor ? "review.pending_all" : "review.mine"));
	struct queue_ctx q = { req, 0 };
	tm_err err = { 0 };
	tm_rc rc = editor ? tm_store_changes(req->st, TM_CHANGE_PENDING, 0, 500, queue_item, &q, &err) :
			    tm_store_changes(req->st, -1, req->who.user.id, 500, queue_item, &q, &err);
	tm_buf_adds(b, "</ol>\n");
	if (!rc && !q.n)
		tm_html(b, "<p>%s</p>\n", T("review.empty"));
	if (!rc && editor) {
		tm_html(b, "<h2>%s</h2>\n<ol class=\"reports\">\n", T("review.reports"));
		q.n = 0;
		rc = tm_store_reports(req->st, 0, NULL, NULL, report_item, &q, &err);
		tm_buf_adds(b, "</ol>\n");
		if (!rc && !q.n)
			tm_html(b, "<p>%s</p>\n", T("review.empty"));
	}
	if (!rc)
		rc = tm_page_duplicates(req, &err);
	if (rc) {
		tm_req_fail_err(req, &err);
		return;
	}
	tm_page_end(req);
}

static void review_report(tm_req *req)
{
	if (req->who.role < TM_ROLE_EDITOR) {
		tm_req_fail(req, 403, "forbidden", "%s", T("review.editors_only"));
		return;
	}
	int64_t id = id_param(tm_req_form(req, "report"));
	const char *d = tm_req_form(req, "decision");
	int status = d && strcmp(d, "publish") == 0 ? 1 : d && strcmp(d, "close") == 0 ? 2 : -1;
	if (!id || status < 0) {
		queue_page(req, 400, T("review.bad_decision"));
		return;
	}
	char at[24];
	tm_now_iso(at);
	tm_err err = { 0 };
	tm_store *w = tm_http_writer_lock(req);
	tm_rc rc = w ? tm_store_begin(w, &err) : TM_ERR_DB;
	tm_report r = { 0 };
	if (!rc && !(rc = tm_store_report_get(w, id, &r, &err)) && status == 1 && strcmp(r.kind, "reply") != 0)
		rc = tm_fail(&err, TM_ERR_INVALID, "only a reply is published");
	if (!rc)
		rc = tm_store_report_review(w, id, status, req->who.user.name, at, NULL, &err);
	if (!rc && status == 1)
		tm_store_touch(w); /* the entity's page shows it: its cached copies go */
	if (!rc)
		rc = tm_store_commit(w, &err);
	if (rc && w)
		tm_store_rollback(w);
	tm_http_writer_unlock(req);
	tm_report_release(&r);
	if (!w) {
		tm_req_fail(req, 503, "unavailable", "%s", T("auth.readonly"));
		return;
	}
	if (rc) {
		queue_page(req, rc == TM_ERR_NOTFOUND ? 404 : 400, err.msg);
		return;
	}
	if (status == 1)
		tm_http_data_changed(req);
	tm_buf loc = TM_BUF_INIT;
	tm_buf_addf(&loc, "/review?%s", tm_page_lang_arg(req));
	tm_req_see_other(req, tm_buf_detach(&loc));
}

void tm_http_page_review(tm_req *req)
{
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
		queue_page(req, 200, NULL);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	review_report(req);
}

/* ---- one change ---- */

struct change_ctx {
	tm_req *req;
};

static void source_of(tm_req *req, const char *id)
{
	tm_source s;
	if (tm_store_get_source(req->st, id, &s, NULL) != TM_OK) {
		tm_html(&req->body, "<li><code>%s</code></li>", id);
		return;
	}
	tm_html(&req->body, "<li><a href=\"/sources/%q?%r\">%s</a>", s.id, tm_page_lang_arg(req), s.title);
	if (s.url)
		tm_html(&req->body, " <a href=\"%s\" rel=\"nofollow noopener\">%s</a>", s.url, s.url);
	tm_buf_adds(&req->body, "</li>");
	tm_source_release(&s);
}

static int change_rev(void *p, const tm_revision *r, const tm_change *c)
{
	(void)c;
	struct change_ctx *x = p;
	tm_req *req = x->req;
	tm_buf *b = &req->body;
	tm_html(b, "<section class=\"revision\"><h2><a href=\"/revisions/%ld?%r\">%s %ld</a>: %s ", (long)r->id,
		tm_page_lang_arg(req), T("history.revision"), (long)r->id, r->record);
	tm_page_record_link(req, r->record, r->key);
	tm_buf_adds(b, "</h2>\n");
	tm_page_diff(req, r->before, r->after);
	/* the sources the new state cites, to check it against */
	json_t *after = r->after ? json_loads(r->after, 0, NULL) : NULL;
	json_t *cites = json_object_get(after, "sources");
	if (json_array_size(cites)) {
		tm_html(b, "<h3>%s</h3><ul class=\"sources\">", T("entity.sources"));
		size_t i;
		json_t *v;
		json_array_foreach(cites, i, v) {
			const char *sid = json_is_string(v) ? json_string_value(v) : json_string_value(json_object_get(v, "source"));
			if (sid)
				source_of(req, sid);
		}
		tm_buf_adds(b, "</ul>\n");
	}
	json_decref(after);
	tm_buf_adds(b, "</section>\n");
	return 0;
}

static void change_page(tm_req *req, int64_t id, int status, const char *msg, const tm_edit_result *res)
{
	tm_change c;
	tm_err err = { 0 };
	if (tm_store_change_get(req->st, id, &c, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	int editor = req->who.role >= TM_ROLE_EDITOR;
	if (c.status != TM_CHANGE_PUBLISHED && c.status != TM_CHANGE_APPROVED && !editor && c.user != req->who.user.id) {
		tm_change_release(&c);
		tm_req_fail(req, 404, "not_found", "%s", T("history.none"));
		return;
	}
	req->r_status = status;
	tm_buf title = TM_BUF_INIT;
	tm_buf_addf(&title, "%s %lld", T("review.change"), (long long)id);
	tm_page_begin(req, title.buf);
	tm_buf_release(&title);
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s %ld</h1>\n", T("review.change"), (long)id);
	if (msg)
		tm_html(b, "<p class=\"error\" role=\"alert\">%r</p>\n", msg); /* HTML already */
	if (res && res->conflict) {
		tm_html(b, "<h2>%s</h2>\n", T("edit.conflict_diff"));
		tm_page_diff(req, res->then, res->now);
	}
	tm_html(b,
		"<dl class=\"facts\"><dt>%s</dt><dd class=\"status\">%s</dd><dt>%s</dt><dd>%s (%s)</dd><dt>%s</dt>"
		"<dd><time>%s</time></dd><dt>%s</dt><dd class=\"summary\">%s</dd>",
		T("review.status"), tm_page_status_label(req, c.status), T("history.who"), c.author, c.via,
		T("history.when"), c.at, T("history.summary"), c.summary);
	if (c.reviewer)
		tm_html(b, "<dt>%s</dt><dd>%s <time>%s</time></dd>", T("review.reviewer"), c.reviewer,
			c.reviewed_at ? c.reviewed_at : "");
	if (c.review_note)
		tm_html(b, "<dt>%s</dt><dd class=\"review-note\">%s</dd>", T("review.note"), c.review_note);
	if (c.approves)
		tm_html(b, "<dt>%s</dt><dd class=\"approves\"><a href=\"/review/%ld?%r\">%s %ld</a></dd>",
			T("review.approves"), (long)c.approves, tm_page_lang_arg(req), T("review.change"), (long)c.approves);
	tm_buf_adds(b, "</dl>\n");
	struct change_ctx x = { req };
	tm_store_change_revisions(req->st, id, change_rev, &x, NULL);
	if (editor && c.status == TM_CHANGE_PENDING) {
		tm_html(b, "<form method=\"post\" action=\"/review/%ld?%r\" class=\"decide\">", (long)id,
			tm_page_lang_arg(req));
		tm_page_csrf_field(req);
		tm_html(b,
			"<p><label for=\"note\">%s</label> <input id=\"note\" name=\"note\" maxlength=\"300\"></p>"
			"<p><button name=\"decision\" value=\"approve\">%s</button> "
			"<button name=\"decision\" value=\"return\">%s</button> "
			"<button name=\"decision\" value=\"reject\">%s</button></p></form>\n",
			T("review.note"), T("review.approve"), T("review.return"), T("review.reject"));
	}
	tm_page_end(req);
	tm_change_release(&c);
}

void tm_http_page_change(tm_req *req)
{
	int64_t id = id_param(tm_req_param(req, "change"));
	if (!id) {
		tm_req_fail(req, 404, "not_found", "%s", T("history.none"));
		return;
	}
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
		change_page(req, id, 200, NULL, NULL);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	if (req->who.role < TM_ROLE_EDITOR) {
		tm_req_fail(req, 403, "forbidden", "%s", T("review.editors_only"));
		return;
	}
	const char *d = tm_req_form(req, "decision");
	int decision = !d ? -1 : strcmp(d, "approve") == 0 ? TM_CHANGE_PUBLISHED :
				 strcmp(d, "return") == 0  ? TM_CHANGE_RETURNED :
				 strcmp(d, "reject") == 0  ? TM_CHANGE_REJECTED : -1;
	if (decision < 0) {
		tm_buf m = TM_BUF_INIT;
		tm_html(&m, "%s", T("review.bad_decision"));
		change_page(req, id, 400, m.buf, NULL);
		tm_buf_release(&m);
		return;
	}
	tm_editor who = { req->who.user.name, req->who.user.id, req->who.role, "form" };
	tm_edit_result res;
	tm_err err = { 0 };
	tm_store *w = tm_http_writer_lock(req);
	tm_rc rc = w ? tm_edit_review(w, &who, id, decision, tm_req_form(req, "note"), &res, &err) : TM_ERR_DB;
	tm_http_writer_unlock(req);
	if (!w) {
		tm_req_fail(req, 503, "unavailable", "%s", T("auth.readonly"));
		return;
	}
	if (rc) {
		tm_buf m = TM_BUF_INIT;
		tm_page_edit_message(req, &m, err.msg);
		change_page(req, id, rc == TM_ERR_AMBIGUOUS ? 409 : rc == TM_ERR_NOTFOUND ? 404 : 400, m.buf, &res);
		tm_buf_release(&m);
		tm_edit_result_release(&res);
		return;
	}
	if (res.status == TM_CHANGE_APPROVED)
		tm_http_data_changed(req);
	tm_edit_result_release(&res);
	tm_buf loc = TM_BUF_INIT;
	tm_buf_addf(&loc, "/review/%lld?%s", (long long)id, tm_page_lang_arg(req));
	tm_req_see_other(req, tm_buf_detach(&loc));
}

/* ---- corrections and replies, from anyone ---- */

static int report_target(tm_req *req, const char **kind, const char **record, const char **key)
{
	*record = tm_req_param(req, "record");
	*key = tm_req_param(req, "key");
	*kind = "error";
	if (*record && strcmp(*record, "reply") == 0) {
		*kind = "reply";
		*record = "entity";
	}
	if (!*record || !*key)
		return 0;
	tm_record_type t = tm_record_type_parse(*record);
	if (t == TM_RECORD_NONE || (strcmp(*kind, "reply") == 0 && t != TM_RECORD_ENTITY))
		return 0;
	char *canon = NULL;
	if (tm_record_stored(req->st, t, *key, &canon, NULL) || !canon)
		return 0;
	free(canon);
	return 1;
}

static void report_form(tm_req *req, int status, const char *msg, int sent)
{
	const char *kind, *record, *key;
	if (!report_target(req, &kind, &record, &key)) {
		tm_req_fail(req, 404, "not_found", "%s", T("edit.unknown"));
		return;
	}
	int reply = strcmp(kind, "reply") == 0;
	req->r_status = status;
	tm_page_begin(req, T(reply ? "reply.title" : "report.title"));
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n<p>", T(reply ? "reply.title" : "report.title"));
	tm_page_record_link(req, record, key);
	tm_html(b, "</p>\n<p>%s</p>\n", T(reply ? "reply.intro" : "report.intro"));
	if (sent) {
		tm_html(b, "<p class=\"notice\" role=\"status\">%s</p>\n", T("report.sent"));
		tm_page_end(req);
		return;
	}
	if (msg)
		tm_html(b, "<p class=\"error\" role=\"alert\">%s</p>\n", msg);
	tm_html(b, "<form method=\"post\" action=\"/report/%q/%q?%r\">\n", reply ? "reply" : record, key,
		tm_page_lang_arg(req));
	tm_page_guard_fields(req);
	const char *m = tm_req_form(req, "message"), *l = tm_req_form(req, "links"), *c = tm_req_form(req, "contact");
	tm_html(b,
		"<p><label for=\"r-message\">%s</label> <textarea id=\"r-message\" name=\"message\" rows=\"6\" "
		"maxlength=\"5000\" required>%s</textarea></p>\n"
		"<p><label for=\"r-links\">%s</label> <textarea id=\"r-links\" name=\"links\" rows=\"3\" "
		"maxlength=\"2000\">%s</textarea></p>\n"
		"<p><label for=\"r-contact\">%s</label> <input id=\"r-contact\" name=\"contact\" maxlength=\"200\" "
		"value=\"%s\"></p>\n<p class=\"hint\">%s</p>\n"
		"<p><button type=\"submit\">%s</button></p></form>\n",
		T("report.message"), m ? m : "", T("report.links"), l ? l : "", T("report.contact"), c ? c : "",
		T("report.contact_note"), T("report.send"));
	tm_page_end(req);
}

void tm_http_page_report(tm_req *req)
{
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
		report_form(req, 200, NULL, 0);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	const char *kind, *record, *key;
	if (!report_target(req, &kind, &record, &key)) {
		tm_req_fail(req, 404, "not_found", "%s", T("edit.unknown"));
		return;
	}
	const char *m = tm_req_form(req, "message"), *l = tm_req_form(req, "links"), *c = tm_req_form(req, "contact");
	if (!m || !*m || strlen(m) > REPORT_MAX || (l && strlen(l) > LINKS_MAX) || (c && strlen(c) > CONTACT_MAX)) {
		report_form(req, 400, T("report.bad"), 0);
		return;
	}
	/* the evidence: http(s) links only, one a line */
	tm_buf links = TM_BUF_INIT;
	if (l) {
		char *copy = tm_xstrdup(l), *save = NULL;
		for (char *t = strtok_r(copy, " \r\n\t", &save); t; t = strtok_r(NULL, " \r\n\t", &save)) {
			if (!tm_url_http(t)) {
				free(copy);
				tm_buf_release(&links);
				report_form(req, 400, T("report.bad_link"), 0);
				return;
			}
			if (links.len)
				tm_buf_addch(&links, '\n');
			tm_buf_adds(&links, t);
		}
		free(copy);
	}
	char at[24];
	tm_now_iso(at);
	tm_report r = { .kind = (char *)kind, .record = (char *)record, .key = (char *)key, .at = at,
			.message = (char *)m, .links = links.len ? links.buf : NULL, .contact = c && *c ? (char *)c : NULL };
	tm_err err = { 0 };
	tm_store *w = tm_http_writer_lock(req);
	tm_rc rc = w ? tm_store_report_add(w, &r, NULL, &err) : TM_ERR_DB;
	tm_http_writer_unlock(req);
	tm_buf_release(&links);
	if (rc) {
		tm_req_fail(req, 503, "unavailable", "%s", w ? err.msg : T("auth.readonly"));
		return;
	}
	report_form(req, 200, NULL, 1);
}
