/*
 * Merging duplicates (docs/editing.md, "Merging"): /merge shows the form
 * (from an entity page's "merge a duplicate into this"), and an editor's
 * POST, from it or from the likely duplicates on /review, merges one
 * entity into another through tm_edit_merge and sees the kept entity.
 * The route is for editors only, with the session's CSRF token
 * (routes.def); readers' redirects from a merged id are page_entity.c's.
 */
#include "http/http_internal.h"
#include "http/page_edit.h"

#include <stdlib.h>
#include <string.h>

#include "edit/edit.h"

/* One entity of the form, named and linked, or the id as typed. */
static void which(tm_req *req, const char *id)
{
	int found = 0;
	if (id && tm_id_valid(id) && tm_store_has_entity(req->st, id, &found, NULL) == TM_OK && found)
		tm_page_entity_link_id(req, id);
	else if (id && *id)
		tm_html(&req->body, "<code>%s</code>", id);
}

static void merge_page(tm_req *req, int status, const char *msg, const char *keep, const char *gone,
		       const char *summary)
{
	req->r_status = status;
	tm_page_begin(req, T("merge.title"));
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n", T("merge.title"));
	if (msg)
		tm_html(b, "<p class=\"error\" role=\"alert\">%r</p>\n", msg); /* HTML already */
	if (keep && *keep) {
		tm_html(b, "<p>%s: ", T("merge.keep"));
		which(req, keep);
		tm_buf_adds(b, "</p>\n");
	}
	tm_html(b, "<p>%s</p>\n", T("merge.help"));
	tm_html(b, "<form method=\"post\" action=\"/merge?%r\" class=\"merge\">", tm_page_lang_arg(req));
	tm_page_csrf_field(req);
	tm_html(b,
		"<p><label>%s <input name=\"keep\" value=\"%s\" required maxlength=\"200\" autocomplete=\"off\"></label></p>"
		"<p><label>%s <input name=\"gone\" value=\"%s\" required maxlength=\"200\" autocomplete=\"off\"></label></p>"
		"<p><label>%s <input name=\"summary\" value=\"%s\" maxlength=\"300\"></label></p>"
		"<p><button>%s</button></p></form>\n",
		T("merge.keep_id"), keep ? keep : "", T("merge.gone_id"), gone ? gone : "", T("merge.summary"),
		summary ? summary : "", T("merge.button"));
	tm_page_end(req);
}

void tm_http_page_merge(tm_req *req)
{
	if (strcmp(req->method, "GET") == 0 || strcmp(req->method, "HEAD") == 0) {
		merge_page(req, 200, NULL, tm_req_arg(req, "keep"), tm_req_arg(req, "gone"), NULL);
		return;
	}
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	/* the route lets only editors post; said again where it is done */
	if (req->who.role < TM_ROLE_EDITOR) {
		tm_req_fail(req, 403, "forbidden", "%s", T("merge.editors_only"));
		return;
	}
	const char *keep = tm_req_form(req, "keep"), *gone = tm_req_form(req, "gone");
	const char *summary = tm_req_form(req, "summary");
	tm_editor who = { req->who.user.name, req->who.user.id, req->who.role, "form" };
	tm_edit_result res;
	tm_err err = { 0 };
	tm_store *w = tm_http_writer_lock(req);
	tm_rc rc = w ? tm_edit_merge(w, &who, keep, gone, summary, &res, &err) : TM_ERR_DB;
	tm_http_writer_unlock(req);
	if (!w) {
		tm_req_fail(req, 503, "unavailable", "%s", T("auth.readonly"));
		return;
	}
	if (rc) {
		tm_buf m = TM_BUF_INIT;
		tm_page_edit_message(req, &m, err.msg);
		merge_page(req, rc == TM_ERR_NOTFOUND ? 404 : 400, m.buf, keep, gone, summary);
		tm_buf_release(&m);
		tm_edit_result_release(&res);
		return;
	}
	tm_edit_result_release(&res);
	tm_http_data_changed(req);
	tm_buf loc = TM_BUF_INIT;
	tm_buf_addf(&loc, "/entities/%s?%s", keep, tm_page_lang_arg(req));
	tm_req_see_other(req, tm_buf_detach(&loc));
}

/* ---- the likely duplicates on /review ---- */

struct dup_ctx {
	tm_req *req;
	int n;
};

static void keep_button(tm_req *req, const char *keep, const char *gone)
{
	tm_buf *b = &req->body;
	tm_html(b, "<form method=\"post\" action=\"/merge?%r\" class=\"merge-pair\">", tm_page_lang_arg(req));
	tm_page_csrf_field(req);
	tm_html(b,
		"<input type=\"hidden\" name=\"keep\" value=\"%s\"><input type=\"hidden\" name=\"gone\" value=\"%s\">"
		"<button>%s <code>%s</code>, %s <code>%s</code></button></form>",
		keep, gone, T("merge.keep"), keep, T("merge.merge_in"), gone);
}

static int dup_item(void *p, const tm_duplicate *d)
{
	struct dup_ctx *c = p;
	tm_req *req = c->req;
	tm_buf *b = &req->body;
	c->n++;
	tm_buf_adds(b, "<li class=\"duplicate\"><p>");
	tm_page_entity_link_id(req, d->a);
	tm_buf_adds(b, " · ");
	tm_page_entity_link_id(req, d->b);
	tm_html(b, "</p><p class=\"why\">%s: <span lang=\"en\" translate=\"no\">%s</span></p>",
		T(d->why & TM_DUP_IDENT ? "merge.same_identifier" : "merge.same_name"), d->detail);
	if (req->who.role >= TM_ROLE_EDITOR) {
		keep_button(req, d->a, d->b);
		keep_button(req, d->b, d->a);
	}
	tm_buf_adds(b, "</li>\n");
	return 0;
}

tm_rc tm_page_duplicates(tm_req *req, tm_err *err)
{
	tm_buf *b = &req->body;
	tm_html(b, "<h2>%s</h2>\n<p>%s</p>\n<ol class=\"duplicates\">\n", T("merge.duplicates"),
		T("merge.duplicates_help"));
	struct dup_ctx c = { req, 0 };
	tm_rc rc = tm_store_duplicates(req->st, TM_PAGE_DUPLICATES_MAX, dup_item, &c, err);
	tm_buf_adds(b, "</ol>\n");
	if (!rc && !c.n)
		tm_html(b, "<p>%s</p>\n", T("review.empty"));
	return rc;
}
