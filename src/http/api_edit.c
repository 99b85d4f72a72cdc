/*
 * The write API (docs/api.md, docs/editing.md): the edit forms' operations
 * for scripts with an API token (or the site's own pages with a session and
 * its CSRF token; the server checks both before these handlers run).
 *
 *   POST   /api/v1/records/{record}        a new record
 *   GET    /api/v1/records/{record}/{key}  the record and its newest revision
 *   PUT    /api/v1/records/{record}/{key}  replace it
 *   DELETE /api/v1/records/{record}/{key}  delete it (tombstone, history kept)
 *   GET    /api/v1/history/{record}/{key}  its revisions with their diffs
 *   POST   /api/v1/revisions/{rev}/revert  undo a revision (editors)
 *   GET    /api/v1/changes/{change}        a change and its revisions
 *   POST   /api/v1/changes/{change}        an editor's review: approve, return, reject
 *
 * Bodies are JSON: {"summary": "…", "base": REV, "record": {…}} ("base" is
 * the revision the edit started from: a newer one is a 409 with what
 * changed; "record" is the interchange format).  A contributor's change is
 * answered 202 and waits for review; an editor's 201 (200 a delete).
 */
#include "http/http_internal.h"
#include "http/page_edit.h"

#include <stdlib.h>
#include <string.h>

#include "edit/edit.h"

static json_t *body_json(tm_req *req)
{
	if (!req->upload.len)
		return NULL;
	return json_loadb(req->upload.buf, req->upload.len, JSON_REJECT_DUPLICATES, NULL);
}

static json_t *diff_json(const char *before, const char *after);

static void diff_item(void *ctx, const char *field, const char *old, const char *new_)
{
	json_t *o = json_object();
	json_object_set_new(o, "field", json_string(field));
	json_object_set_new(o, "before", old ? json_loads(old, JSON_DECODE_ANY, NULL) : json_null());
	json_object_set_new(o, "after", new_ ? json_loads(new_, JSON_DECODE_ANY, NULL) : json_null());
	json_array_append_new(ctx, o);
}

static json_t *diff_json(const char *before, const char *after)
{
	json_t *arr = json_array();
	tm_edit_diff(before, after, diff_item, arr);
	return arr;
}

/* The answer to a refused edit: 400 with the field, 409 with what changed. */
static void refuse(tm_req *req, tm_rc rc, const tm_err *err, const tm_edit_result *res)
{
	int status = rc == TM_ERR_AMBIGUOUS ? 409 : rc == TM_ERR_NOTFOUND ? 404 : rc == TM_ERR_INVALID ? 400 : 500;
	json_t *e = json_object();
	json_object_set_new(e, "code", json_string(status == 409 ? "conflict" : status == 404 ? "not_found" :
							 status == 400 ? "invalid" : "internal"));
	json_object_set_new(e, "message", json_string(err->msg));
	if (res && res->field)
		json_object_set_new(e, "field", json_string(res->field));
	json_t *o = json_object();
	json_object_set_new(o, "error", e);
	if (res && res->conflict) {
		json_t *c = json_object();
		json_object_set_new(c, "current", json_integer(res->current));
		json_object_set_new(c, "changes", diff_json(res->then, res->now));
		json_object_set_new(o, "conflict", c);
	}
	tm_req_json(req, o);
	req->r_status = status;
}

static void answer(tm_req *req, const tm_edit_result *res, int created)
{
	json_t *o = json_object();
	json_object_set_new(o, "change", json_integer(res->change));
	json_object_set_new(o, "status", json_string(tm_change_status_name(res->status)));
	if (res->approval)
		json_object_set_new(o, "approval", json_integer(res->approval));
	tm_req_json(req, o);
	req->r_status = res->status == TM_CHANGE_PENDING ? 202 : created ? 201 : 200;
	if (res->status == TM_CHANGE_PUBLISHED || res->status == TM_CHANGE_APPROVED)
		tm_http_data_changed(req);
}

static void submit(tm_req *req, tm_record_type t, const char *key, int delete)
{
	json_t *body = body_json(req);
	if (!json_is_object(body)) {
		json_decref(body);
		tm_req_fail(req, 400, "invalid", "the body must be a JSON object {\"summary\", \"base\", \"record\"}");
		return;
	}
	json_t *rec = json_object_get(body, "record");
	json_t *base = json_object_get(body, "base");
	if (!delete && !json_is_object(rec)) {
		json_decref(body);
		tm_req_fail(req, 400, "invalid", "'record' must be a record in the interchange format");
		return;
	}
	if (key && !json_is_integer(base)) {
		json_decref(body);
		tm_req_fail(req, 400, "invalid",
			    "'base' must be the revision the edit started from (0 for a record without history)");
		return;
	}
	tm_edit_op op = { t, key, delete ? NULL : rec, key ? (int64_t)json_integer_value(base) : -1 };
	tm_editor who = { req->who.user.name, req->who.user.id, req->who.role, "api" };
	tm_edit_result res;
	tm_err err = { 0 };
	tm_store *w = tm_http_writer_lock(req);
	tm_rc rc = w ? tm_edit_submit(w, &who, json_string_value(json_object_get(body, "summary")), &op, 1, &res, &err) :
		       TM_ERR_DB;
	tm_http_writer_unlock(req);
	json_decref(body);
	if (!w) {
		tm_req_fail(req, 503, "unavailable", "%s", T("auth.readonly"));
		return;
	}
	if (rc)
		refuse(req, rc, &err, &res);
	else
		answer(req, &res, !key);
	tm_edit_result_release(&res);
}

static tm_record_type record_param(tm_req *req)
{
	tm_record_type t = tm_record_type_parse(tm_req_param(req, "record"));
	if (t == TM_RECORD_NONE)
		tm_req_fail(req, 404, "not_found", "unknown record type: use source, entity, relation, involvement, site or action");
	return t;
}

void tm_http_api_record_new(tm_req *req)
{
	tm_record_type t = record_param(req);
	if (t == TM_RECORD_NONE)
		return;
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "POST");
		return;
	}
	submit(req, t, NULL, 0);
}

void tm_http_api_record(tm_req *req)
{
	tm_record_type t = record_param(req);
	if (t == TM_RECORD_NONE)
		return;
	const char *key = tm_req_param(req, "key");
	if (strcmp(req->method, "PUT") == 0) {
		submit(req, t, key, 0);
		return;
	}
	if (strcmp(req->method, "DELETE") == 0) {
		submit(req, t, key, 1);
		return;
	}
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, PUT, DELETE");
		return;
	}
	char *canon = NULL;
	int64_t rev = 0;
	tm_err err = { 0 };
	if (tm_record_stored(req->st, t, key, &canon, &err) ||
	    tm_store_latest_revision(req->st, tm_record_type_name(t), key, &rev, &err)) {
		free(canon);
		tm_req_fail_err(req, &err);
		return;
	}
	if (!canon) {
		tm_req_fail(req, rev ? 410 : 404, rev ? "gone" : "not_found", "no %s '%s'", tm_record_type_name(t), key);
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "revision", json_integer(rev));
	json_object_set_new(o, "record", json_loads(canon, 0, NULL));
	free(canon);
	tm_req_json(req, o);
}

static json_t *change_json(const tm_change *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "change", json_integer(c->id));
	json_object_set_new(o, "at", json_string(c->at));
	json_object_set_new(o, "author", json_string(c->author));
	json_object_set_new(o, "via", json_string(c->via));
	json_object_set_new(o, "summary", json_string(c->summary));
	json_object_set_new(o, "status", json_string(tm_change_status_name(c->status)));
	if (c->reviewer)
		json_object_set_new(o, "reviewer", json_string(c->reviewer));
	if (c->reviewed_at)
		json_object_set_new(o, "reviewed_at", json_string(c->reviewed_at));
	if (c->review_note)
		json_object_set_new(o, "review_note", json_string(c->review_note));
	if (c->approves)
		json_object_set_new(o, "approves", json_integer(c->approves));
	return o;
}

static int history_item(void *ctx, const tm_revision *r, const tm_change *c)
{
	json_t *o = change_json(c);
	json_object_set_new(o, "revision", json_integer(r->id));
	json_object_set_new(o, "record", json_string(r->record));
	json_object_set_new(o, "key", json_string(r->key));
	if (r->prev_key)
		json_object_set_new(o, "prev_key", json_string(r->prev_key));
	json_object_set_new(o, "before", r->before ? json_loads(r->before, 0, NULL) : json_null());
	json_object_set_new(o, "after", r->after ? json_loads(r->after, 0, NULL) : json_null());
	json_object_set_new(o, "diff", diff_json(r->before, r->after));
	json_array_append_new(ctx, o);
	return 0;
}

void tm_http_api_history(tm_req *req)
{
	tm_record_type t = record_param(req);
	if (t == TM_RECORD_NONE)
		return;
	json_t *arr = json_array();
	tm_err err = { 0 };
	if (tm_store_history(req->st, tm_record_type_name(t), tm_req_param(req, "key"), 0, history_item, arr, &err)) {
		json_decref(arr);
		tm_req_fail_err(req, &err);
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "record", json_string(tm_record_type_name(t)));
	json_object_set_new(o, "key", json_string(tm_req_param(req, "key")));
	json_object_set_new(o, "revisions", arr);
	tm_req_json(req, o);
}

static int64_t id_param(const char *s)
{
	if (!s || !*s || strlen(s) > 18)
		return 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	return *end || v <= 0 ? 0 : (int64_t)v;
}

void tm_http_api_revert(tm_req *req)
{
	if (strcmp(req->method, "POST") != 0) {
		tm_req_not_allowed(req, "POST");
		return;
	}
	int64_t rev = id_param(tm_req_param(req, "rev"));
	json_t *body = body_json(req);
	tm_editor who = { req->who.user.name, req->who.user.id, req->who.role, "revert" };
	tm_edit_result res;
	tm_err err = { 0 };
	tm_store *w = tm_http_writer_lock(req);
	tm_rc rc = w ? tm_edit_revert(w, &who, rev, json_string_value(json_object_get(body, "summary")), &res, &err) :
		       TM_ERR_DB;
	tm_http_writer_unlock(req);
	json_decref(body);
	if (!w)
		tm_req_fail(req, 503, "unavailable", "%s", T("auth.readonly"));
	else if (rc)
		refuse(req, rc, &err, &res);
	else
		answer(req, &res, 1);
	tm_edit_result_release(&res);
}

void tm_http_api_change(tm_req *req)
{
	int64_t id = id_param(tm_req_param(req, "change"));
	if (strcmp(req->method, "POST") == 0) {
		if (req->who.role < TM_ROLE_EDITOR) {
			tm_req_fail(req, 403, "forbidden", "only an editor may review");
			return;
		}
		json_t *body = body_json(req);
		const char *d = json_string_value(json_object_get(body, "decision"));
		int decision = !d ? -1 : strcmp(d, "approve") == 0 ? TM_CHANGE_PUBLISHED :
					 strcmp(d, "return") == 0  ? TM_CHANGE_RETURNED :
					 strcmp(d, "reject") == 0  ? TM_CHANGE_REJECTED : -1;
		if (decision < 0) {
			json_decref(body);
			tm_req_fail(req, 400, "invalid", "'decision' must be approve, return or reject");
			return;
		}
		tm_editor who = { req->who.user.name, req->who.user.id, req->who.role, "api" };
		tm_edit_result res;
		tm_err err = { 0 };
		tm_store *w = tm_http_writer_lock(req);
		tm_rc rc = w ? tm_edit_review(w, &who, id, decision, json_string_value(json_object_get(body, "note")), &res,
					      &err) :
			       TM_ERR_DB;
		tm_http_writer_unlock(req);
		json_decref(body);
		if (!w)
			tm_req_fail(req, 503, "unavailable", "%s", T("auth.readonly"));
		else if (rc)
			refuse(req, rc, &err, &res);
		else
			answer(req, &res, 0);
		tm_edit_result_release(&res);
		return;
	}
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0) {
		tm_req_not_allowed(req, "GET, HEAD, POST");
		return;
	}
	tm_change c;
	tm_err err = { 0 };
	if (tm_store_change_get(req->st, id, &c, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	if (c.status != TM_CHANGE_PUBLISHED && req->who.role < TM_ROLE_EDITOR && c.user != req->who.user.id) {
		tm_change_release(&c);
		tm_req_fail(req, 404, "not_found", "no change %lld", (long long)id);
		return;
	}
	json_t *o = change_json(&c);
	json_t *revs = json_array();
	tm_store_change_revisions(req->st, id, history_item, revs, NULL);
	json_object_set_new(o, "revisions", revs);
	tm_change_release(&c);
	tm_req_json(req, o);
}
