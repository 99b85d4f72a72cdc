/*
 * History pages (docs/editing.md): a record's revisions with readable
 * diffs (/entities/{id}/history, /sources/{id}/history,
 * /actions/{id}/history, /history?record=&key= for any record, relations
 * included), one revision (/revisions/{rev}) with its revert button for
 * editors, the tombstone of a deleted record, and what every record's page
 * shows at its foot: history, edit, report an error, respond.
 */
#include "http/http_internal.h"
#include "http/page_edit.h"

#include <stdlib.h>
#include <string.h>

#include "edit/edit.h"

/* ---- diffs as HTML ---- */

struct diff_ctx {
	tm_req *req;
	int rows;
};

static void diff_row(void *p, const char *field, const char *old, const char *new_)
{
	struct diff_ctx *d = p;
	if (strcmp(field, "type") == 0)
		return;
	d->rows++;
	tm_html(&d->req->body, "<tr><th scope=\"row\">%s</th><td class=\"del\">%s</td><td class=\"ins\">%s</td></tr>\n",
		field, old ? old : "", new_ ? new_ : "");
}

void tm_page_diff(tm_req *req, const char *before, const char *after)
{
	tm_html(&req->body,
		"<table class=\"diff\"><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		"<th scope=\"col\">%s</th></tr></thead><tbody>\n",
		T("history.field"), T("history.before"), T("history.after"));
	struct diff_ctx d = { req, 0 };
	tm_edit_diff(before, after, diff_row, &d);
	if (!d.rows)
		tm_html(&req->body, "<tr><td colspan=\"3\">%s</td></tr>\n", T("history.no_diff"));
	tm_buf_adds(&req->body, "</tbody></table>\n");
}

static const char *what_key(const tm_revision *r)
{
	return !r->before ? "history.created" : !r->after ? "history.deleted" : r->prev_key ? "history.moved" :
											    "history.changed";
}

const char *tm_page_status_label(tm_req *req, int status)
{
	switch (status) {
	case TM_CHANGE_PUBLISHED: return T("review.published");
	case TM_CHANGE_PENDING: return T("review.pending");
	case TM_CHANGE_RETURNED: return T("review.returned");
	case TM_CHANGE_APPROVED: return T("review.approved");
	default: return T("review.rejected");
	}
}

/* The page of a record's history. */
void tm_page_record_link(tm_req *req, const char *record, const char *key)
{
	tm_buf *b = &req->body;
	if (strcmp(record, "entity") == 0)
		tm_html(b, "<a href=\"/entities/%q?%r\">%s</a>", key, tm_page_lang_arg(req), key);
	else if (strcmp(record, "source") == 0)
		tm_html(b, "<a href=\"/sources/%q?%r\">%s</a>", key, tm_page_lang_arg(req), key);
	else if (strcmp(record, "action") == 0)
		tm_html(b, "<a href=\"/actions/%q?%r\">%s</a>", key, tm_page_lang_arg(req), key);
	else
		tm_html(b, "<a href=\"/history?record=%q&amp;key=%q&amp;%r\">%s</a>", record, key, tm_page_lang_arg(req),
			key);
}

/* Who approved a proposal, when and why; the proposal an approval applied. */
static void review_lines(tm_req *req, const tm_change *c)
{
	tm_buf *b = &req->body;
	if (c->status == TM_CHANGE_APPROVED && c->reviewer)
		tm_html(b, "<p class=\"approved\">%s <span class=\"reviewer\">%s</span> <time>%s</time>%r%s</p>\n",
			T("history.approved_by"), c->reviewer, c->reviewed_at ? c->reviewed_at : "",
			c->review_note ? ": " : "", c->review_note ? c->review_note : "");
	if (c->approves)
		tm_html(b, "<p class=\"approves\">%s <a href=\"/review/%ld?%r\">%s %ld</a></p>\n", T("review.approves"),
			(long)c->approves, tm_page_lang_arg(req), T("review.change"), (long)c->approves);
}

struct list_ctx {
	tm_req *req;
	int n;
};

static int list_rev(void *p, const tm_revision *r, const tm_change *c)
{
	struct list_ctx *l = p;
	tm_req *req = l->req;
	tm_buf *b = &req->body;
	l->n++;
	tm_html(b,
		"<li class=\"revision\" id=\"rev-%ld\"><p><a href=\"/revisions/%ld?%r\">%s %ld</a> · <time>%s</time> · "
		"%s · <span class=\"author\">%s</span> (%s)",
		(long)r->id, (long)r->id, tm_page_lang_arg(req), T("history.revision"), (long)r->id, c->at, T(what_key(r)),
		c->author, c->via);
	if (c->status != TM_CHANGE_PUBLISHED)
		tm_html(b, " · <strong>%s</strong>", tm_page_status_label(req, c->status));
	tm_html(b, "</p>\n<p class=\"summary\">%s</p>\n", c->summary);
	review_lines(req, c);
	if (r->prev_key)
		tm_html(b, "<p>%s <code>%s</code></p>\n", T("history.was"), r->prev_key);
	tm_page_diff(req, r->before, r->after);
	tm_buf_adds(b, "</li>\n");
	return 0;
}

static void history_page(tm_req *req, const char *record, const char *key)
{
	if (!key || !*key || tm_record_type_parse(record) == TM_RECORD_NONE || strlen(key) > 300) {
		tm_req_fail(req, 404, "not_found", "%s", T("history.none"));
		return;
	}
	tm_buf title = TM_BUF_INIT;
	tm_buf_addf(&title, "%s: %s", T("history.title"), key);
	tm_page_begin(req, title.buf);
	tm_buf_release(&title);
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n<p>", T("history.title"));
	tm_page_record_link(req, record, key);
	tm_buf_adds(b, "</p>\n<ol class=\"history\">\n");
	struct list_ctx l = { req, 0 };
	tm_err err = { 0 };
	tm_rc rc = tm_store_history(req->st, record, key, 0, list_rev, &l, &err);
	tm_buf_adds(b, "</ol>\n");
	if (rc) {
		tm_req_fail_err(req, &err);
		return;
	}
	if (!l.n)
		tm_html(b, "<p>%s</p>\n", T("history.none"));
	tm_page_end(req);
}

void tm_http_page_history_entity(tm_req *req)
{
	history_page(req, "entity", tm_req_param(req, "id"));
}

void tm_http_page_history_source(tm_req *req)
{
	history_page(req, "source", tm_req_param(req, "id"));
}

void tm_http_page_history_action(tm_req *req)
{
	history_page(req, "action", tm_req_param(req, "id"));
}

void tm_http_page_history(tm_req *req)
{
	const char *record = tm_req_arg(req, "record");
	history_page(req, record ? record : "", tm_req_arg(req, "key"));
}

/* ---- one revision, and its revert ---- */

static int64_t id_param(const char *s)
{
	if (!s || !*s || strlen(s) > 18)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : (int64_t)v;
}

static void revision_page(tm_req *req, int64_t id, int status, const char *error, const tm_edit_result *res)
{
	tm_revision r;
	tm_change c;
	tm_err err = { 0 };
	if (tm_store_revision_get(req->st, id, &r, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	if (tm_store_change_get(req->st, r.change, &c, &err)) {
		tm_revision_release(&r);
		tm_req_fail_err(req, &err);
		return;
	}
	/* what waits for review is the contributor's and the editors' */
	if (c.status != TM_CHANGE_PUBLISHED && c.status != TM_CHANGE_APPROVED && req->who.role < TM_ROLE_EDITOR &&
	    !(req->who.role && req->who.user.id == c.user)) {
		tm_revision_release(&r);
		tm_change_release(&c);
		tm_req_fail(req, 404, "not_found", "%s", T("history.none"));
		return;
	}
	req->r_status = status;
	tm_buf title = TM_BUF_INIT;
	tm_buf_addf(&title, "%s %lld", T("history.revision"), (long long)id);
	tm_page_begin(req, title.buf);
	tm_buf_release(&title);
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s %ld</h1>\n", T("history.revision"), (long)id);
	if (error)
		tm_html(b, "<p class=\"error\" role=\"alert\">%s</p>\n", error);
	if (res && res->conflict) {
		tm_html(b, "<h2>%s</h2>\n", T("edit.conflict_diff"));
		tm_page_diff(req, res->then, res->now);
	}
	tm_html(b, "<dl class=\"facts\"><dt>%s</dt><dd>%s ", T("history.record"), T(what_key(&r)));
	tm_page_record_link(req, r.record, r.key);
	tm_html(b, "</dd><dt>%s</dt><dd><time>%s</time></dd><dt>%s</dt><dd>%s (%s)</dd><dt>%s</dt><dd>%s</dd>"
		   "<dt>%s</dt><dd>%s</dd>",
		T("history.when"), c.at, T("history.who"), c.author, c.via, T("history.summary"), c.summary,
		T("review.status"), tm_page_status_label(req, c.status));
	if (c.reviewer)
		tm_html(b, "<dt>%s</dt><dd>%s <time>%s</time>%r%s</dd>", T("review.reviewer"), c.reviewer,
			c.reviewed_at ? c.reviewed_at : "", c.review_note ? ": " : "", c.review_note ? c.review_note : "");
	if (c.approves)
		tm_html(b, "<dt>%s</dt><dd><a href=\"/review/%ld?%r\">%s %ld</a></dd>", T("review.approves"),
			(long)c.approves, tm_page_lang_arg(req), T("review.change"), (long)c.approves);
	tm_buf_adds(b, "</dl>\n");
	tm_page_diff(req, r.before, r.after);
	if (req->who.role >= TM_ROLE_EDITOR && c.status == TM_CHANGE_PUBLISHED) {
		tm_html(b, "<form method=\"post\" action=\"/revisions/%ld?%r\" class=\"revert\">", (long)id,
			tm_page_lang_arg(req));
		tm_page_csrf_field(req);
		tm_html(b,
			"<p><label for=\"summary\">%s</label><input id=\"summary\" name=\"summary\" maxlength=\"300\"></p>"
			"<p><button type=\"submit\">%s</button></p></form>\n",
			T("edit.summary"), T("history.revert"));
	}
	tm_page_end(req);
	tm_revision_release(&r);
	tm_change_release(&c);
}

void tm_http_page_revision(tm_req *req)
{
	int64_t id = id_param(tm_req_param(req, "rev"));
	if (!id) {
		tm_req_fail(req, 404, "not_found", "%s", T("history.none"));
		return;
	}
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
		revision_page(req, id, 200, NULL, NULL);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	tm_editor who = { req->who.user.name, req->who.user.id, req->who.role, "revert" };
	tm_edit_result res;
	tm_err err = { 0 };
	tm_store *w = tm_http_writer_lock(req);
	tm_rc rc = w ? tm_edit_revert(w, &who, id, tm_req_form(req, "summary"), &res, &err) : TM_ERR_DB;
	tm_http_writer_unlock(req);
	if (!w) {
		tm_req_fail(req, 503, "unavailable", "%s", T("auth.readonly"));
		return;
	}
	if (rc) {
		revision_page(req, id, rc == TM_ERR_AMBIGUOUS ? 409 : rc == TM_ERR_NOTFOUND ? 404 : 400, err.msg, &res);
		tm_edit_result_release(&res);
		return;
	}
	tm_http_data_changed(req);
	tm_buf loc = TM_BUF_INIT;
	tm_buf_addf(&loc, "/review/%lld?%s", (long long)res.change, tm_page_lang_arg(req));
	tm_edit_result_release(&res);
	tm_req_see_other(req, tm_buf_detach(&loc));
}

/* ---- tombstones and the foot of record pages ---- */

struct last_ctx {
	tm_revision r;
	tm_change c;
	int found;
};

static int take_last(void *p, const tm_revision *r, const tm_change *c)
{
	struct last_ctx *l = p;
	l->found = 1;
	l->r = *r;
	l->r.record = tm_xstrdup(r->record);
	l->r.key = tm_xstrdup(r->key);
	l->r.prev_key = tm_xstrdup(r->prev_key);
	l->r.before = tm_xstrdup(r->before);
	l->r.after = tm_xstrdup(r->after);
	l->c = *c;
	l->c.at = tm_xstrdup(c->at);
	l->c.author = tm_xstrdup(c->author);
	l->c.via = tm_xstrdup(c->via);
	l->c.summary = tm_xstrdup(c->summary);
	l->c.reviewer = tm_xstrdup(c->reviewer);
	l->c.reviewed_at = tm_xstrdup(c->reviewed_at);
	l->c.review_note = tm_xstrdup(c->review_note);
	return 1; /* the newest only */
}

int tm_page_tombstone(tm_req *req, const char *record, const char *key)
{
	struct last_ctx l;
	memset(&l, 0, sizeof(l));
	if (tm_store_history(req->st, record, key, 0, take_last, &l, NULL) || !l.found)
		return 0;
	if (l.r.after && !(l.r.prev_key && strcmp(l.r.prev_key, key) == 0)) {
		tm_revision_release(&l.r);
		tm_change_release(&l.c);
		return 0;
	}
	req->r_status = 410;
	tm_page_begin(req, T("tombstone.title"));
	tm_buf *b = &req->body;
	tm_html(b, "<article class=\"tombstone\"><h1>%s</h1>\n<p>%s <code>%s</code></p>\n", T("tombstone.title"),
		T("tombstone.what"), key);
	tm_html(b, "<dl class=\"facts\"><dt>%s</dt><dd><time>%s</time></dd><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd>%s</dd>"
		   "</dl>\n",
		T("history.when"), l.c.at, T("history.who"), l.c.author, T("tombstone.why"), l.c.summary);
	tm_html(b, "<h2>%s</h2>\n", T("tombstone.was"));
	tm_page_diff(req, l.r.before, NULL);
	tm_html(b, "<p><a href=\"/history?record=%q&amp;key=%q&amp;%r\">%s</a></p></article>\n", record, key,
		tm_page_lang_arg(req), T("history.title"));
	tm_page_end(req);
	tm_revision_release(&l.r);
	tm_change_release(&l.c);
	return 1;
}

struct reply_ctx {
	tm_req *req;
	int n;
};

static int reply_item(void *p, const tm_report *r)
{
	struct reply_ctx *c = p;
	tm_req *req = c->req;
	tm_buf *b = &req->body;
	if (strcmp(r->kind, "reply") != 0)
		return 0;
	if (!c->n++)
		tm_html(b, "<section class=\"replies\" id=\"replies\"><h2>%s</h2>\n", T("reply.heading"));
	tm_html(b, "<blockquote class=\"reply\"><p>%s</p>", r->message);
	if (r->links) {
		tm_buf_adds(b, "<ul class=\"links\">");
		char *copy = tm_xstrdup(r->links), *save = NULL;
		for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			if (tm_url_http(l))
				tm_html(b, "<li><a href=\"%s\" rel=\"nofollow noopener\">%s</a></li>", l, l);
		free(copy);
		tm_buf_adds(b, "</ul>");
	}
	tm_html(b, "<footer>%s <time>%s</time></footer></blockquote>\n", T("reply.published"),
		r->reviewed_at ? r->reviewed_at : r->at);
	return 0;
}

void tm_page_record_foot(tm_req *req, const char *record, const char *key)
{
	tm_buf *b = &req->body;
	if (strcmp(record, "entity") == 0) {
		struct reply_ctx c = { req, 0 };
		tm_store_reports(req->st, 1, record, key, reply_item, &c, NULL);
		if (c.n)
			tm_buf_adds(b, "</section>\n");
	}
	tm_html(b, "<p class=\"record-tools\"><a href=\"/history?record=%q&amp;key=%q&amp;%r\">%s</a>", record, key,
		tm_page_lang_arg(req), T("history.title"));
	tm_html(b, " · <a href=\"/edit/%q?key=%q&amp;%r\">%s</a>", record, key, tm_page_lang_arg(req), T("edit.this"));
	if (strcmp(record, "entity") == 0)
		tm_html(b, " · <a href=\"/edit/relation?subject=%q&amp;%r\">%s</a>", key, tm_page_lang_arg(req),
			T("edit.add_relation"));
	/* an editor's page is never one a reader is served from the cache */
	if (strcmp(record, "entity") == 0 && req->who.role >= TM_ROLE_EDITOR)
		tm_html(b, " · <a href=\"/merge?keep=%q&amp;%r\" class=\"merge-link\">%s</a>", key,
			tm_page_lang_arg(req), T("merge.into_this"));
	tm_html(b, " · <a href=\"/report/%q/%q?%r\">%s</a>", record, key, tm_page_lang_arg(req), T("report.link"));
	if (strcmp(record, "entity") == 0)
		tm_html(b, " · <a href=\"/report/reply/%q?%r\">%s</a>", key, tm_page_lang_arg(req), T("reply.link"));
	tm_buf_adds(b, "</p>\n");
}
