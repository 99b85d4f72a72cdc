/*
 * The petitions in the JSON API: GET /api/v1/petitions (each with its
 * counts) and GET /api/v1/petitions/{id} (the text, the counts, whether
 * this server takes signatures for it, and the names signers chose to
 * show, ?limit=&offset=).  Signing is the page's form only: it needs the
 * guard's token of a page served to a person.  Counts only, never a
 * sealed signature.
 */
#include "http/http_internal.h"

#include <string.h>

#include "store/store_petition.h"
#include "view/view_petition.h"

struct list_ctx {
	tm_req *req;
	char today[16];
	json_t *arr;
	tm_rc rc;
	tm_err err;
};

static int list_one(void *ctx, const tm_petition *p)
{
	struct list_ctx *c = ctx;
	json_t *o;
	if ((c->rc = tm_view_petition(c->req->st, p, c->today, 0, &o, &c->err)))
		return 1;
	json_array_append_new(c->arr, o);
	return 0;
}

void tm_http_api_petitions(tm_req *req)
{
	struct list_ctx c = { .req = req, .arr = json_array() };
	tm_view_today(c.today);
	tm_rc rc = tm_store_each_petition(req->st, NULL, list_one, &c, &c.err);
	if (rc || c.rc) {
		json_decref(c.arr);
		tm_req_fail_err(req, &c.err);
		return;
	}
	json_t *o = json_object();
	json_object_set_new(o, "petitions", c.arr);
	req->r_live = 1;
	tm_req_json(req, o);
}

void tm_http_api_petition(tm_req *req)
{
	const char *id = tm_req_param(req, "id");
	long limit, offset;
	if (tm_req_int_arg(req, "limit", 100, 1, 1000, &limit) || tm_req_int_arg(req, "offset", 0, 0, 100000000, &offset))
		return;
	tm_petition p;
	tm_err err = { 0 };
	if (!id || !tm_id_valid(id) || tm_store_get_petition(req->st, id, &p, &err)) {
		if (!id || !tm_id_valid(id) || err.rc == TM_ERR_NOTFOUND)
			tm_req_fail(req, 404, "not_found", "no petition '%s'", id && tm_id_valid(id) ? id : "");
		else
			tm_req_fail_err(req, &err);
		return;
	}
	char today[16];
	tm_view_today(today);
	json_t *o, *shown;
	tm_rc rc = tm_view_petition(req->st, &p, today, 1, &o, &err);
	if (!rc) {
		int takes = strcmp(json_string_value(json_object_get(o, "status")), "open") == 0 &&
			    tm_http_petition_key(req, p.public_key) != NULL;
		json_object_set_new(o, "signing", json_boolean(takes));
		rc = tm_view_petition_shown(req->st, p.id, (size_t)limit, (size_t)offset,
					    json_integer_value(json_object_get(o, "shown")), &shown, &err);
		if (rc)
			json_decref(o);
		else
			json_object_set_new(o, "signers", shown);
	}
	tm_petition_release(&p);
	if (rc) {
		tm_req_fail_err(req, &err);
		return;
	}
	req->r_live = 1;
	tm_req_json(req, o);
}
