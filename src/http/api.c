/*
 * The JSON API, /api/v1/ (docs/api.md).  Each call returns the object its
 * CLI twin prints with --json, built by src/view; errors are
 * {"error":{"code","message"}} with the matching status.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "model/model.h"
#include "search/search.h"
#include "view/view.h"

/* Bounds a client cannot raise (docs/api.md, "Limits"). */
#define MAX_QUERY_CHARS TM_SEARCH_MAX_CHARS
#define MAX_HOPS 6
#define MAX_DEPTH 3
#define MAX_NODES 500

/* The {id} of the route if it names an entity; else a 404 (a 5xx when the
 * store cannot tell) is set and NULL returned.  A string that is no valid
 * id cannot name one. */
static const char *entity_param(tm_req *req)
{
	const char *id = tm_req_param(req, "id");
	int found = 0;
	tm_err err = { 0 };
	if (id && tm_id_valid(id) && tm_store_has_entity(req->st, id, &found, &err)) {
		tm_req_fail_err(req, &err);
		return NULL;
	}
	if (!found && id && tm_id_valid(id)) {
		/* an id merged into another entity answers for that one, and
		 * says so (docs/api.md, "Merged ids") */
		char *into = NULL;
		if (tm_store_referent(req->st, id, &into, &err)) {
			tm_req_fail_err(req, &err);
			return NULL;
		}
		if (into) {
			free(req->merged_into);
			req->merged_into = into;
			tm_buf loc = TM_BUF_INIT;
			tm_buf_addf(&loc, "/api/v1/entities/%s", into);
			free(req->r_content_location);
			req->r_content_location = tm_buf_detach(&loc);
			return into;
		}
	}
	if (!found) {
		tm_req_fail(req, 404, "not_found", "no entity '%s'", id && tm_id_valid(id) ? id : "");
		return NULL;
	}
	return id;
}

static void answer(tm_req *req, tm_rc rc, json_t *o, const tm_err *err)
{
	if (rc) {
		tm_req_fail_err(req, err);
		return;
	}
	if (req->merged_into && json_is_object(o))
		json_object_set_new(o, "redirected_from", json_string(tm_req_param(req, "id")));
	tm_req_json(req, o);
}

void tm_http_api_index(tm_req *req)
{
	static const char *const calls[] = {
		"/api/v1/search?q=", "/api/v1/entities?kind=&country=&tag=&sort=&limit=&offset=", "/api/v1/entities/{id}",
		"/api/v1/entities/{id}/neighbors?depth=&places=", "/api/v1/path?from=&to=&max_hops=&places=",
		"/api/v1/owners/{id}", "/api/v1/sources?publisher=&year=&language=&limit=&offset=", "/api/v1/sources/{id}",
		"/api/v1/export.jsonl", "POST /api/v1/screen",
		"/api/v1/petitions", "/api/v1/petitions/{id}", "/api/v1/openapi.json",
	};
	json_t *o = json_object(), *arr = json_array();
	json_object_set_new(o, "name", json_string("tiemap"));
	json_object_set_new(o, "version", json_string("v1"));
	json_object_set_new(o, "data_version", json_integer(req->snap ? req->snap->version : 0));
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		json_array_append_new(arr, json_string(calls[i]));
	json_object_set_new(o, "endpoints", arr);
	json_object_set_new(o, "docs", json_string("docs/api.md in the tiemap sources"));
	json_object_set_new(o, "openapi", json_string("/api/v1/openapi.json"));
	/* the terms of the data, as the operator set them (tiemap serve --licence) */
	const char *lic_name, *lic_url;
	const tm_http_opts *so = req->srv ? tm_http_server_opts(req->srv) : NULL;
	tm_http_licence(so ? so->licence : NULL, &lic_name, &lic_url);
	json_t *lic = json_object();
	json_object_set_new(lic, "id", json_string(so && so->licence ? so->licence : TM_HTTP_LICENCE_DEFAULT));
	json_object_set_new(lic, "name", json_string(lic_name));
	if (lic_url)
		json_object_set_new(lic, "url", json_string(lic_url));
	json_object_set_new(lic, "quotes", json_string("each quote remains the words of its source"));
	json_object_set_new(o, "licence", lic);
	tm_req_json(req, o);
}

/* The OpenAPI 3.1 description of these calls: web/api/openapi.json, embedded
 * like the other assets (tests/http/test_api.py checks it against the
 * routes and validates live answers with its schemas). */
void tm_http_api_openapi(tm_req *req)
{
	req->r_asset = tm_asset_find("api/openapi.json");
	if (!req->r_asset) {
		tm_req_fail(req, 404, "not_found", "no OpenAPI document in this build");
		return;
	}
	req->r_status = MHD_HTTP_OK;
}

const char *tm_http_query_arg(tm_req *req)
{
	const char *q = tm_req_arg(req, "q");
	size_t chars = 0;
	for (const char *p = q; p && *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	if (!q || !q[strspn(q, " \t")]) {
		tm_req_fail(req, 400, "missing_parameter", "q is required");
		return NULL;
	}
	if (chars > MAX_QUERY_CHARS) {
		tm_req_fail(req, 400, "query_too_long", "q is longer than %d characters", MAX_QUERY_CHARS);
		return NULL;
	}
	return q;
}

void tm_http_api_search(tm_req *req)
{
	long limit, strict;
	const char *q = tm_http_query_arg(req);
	if (!q || tm_req_int_arg(req, "limit", 20, 1, 100, &limit) || tm_req_int_arg(req, "strict", 0, 0, 1, &strict))
		return;
	json_t *o;
	tm_err err = { 0 };
	tm_search_opts so = { .limit = (size_t)limit, .strict = (int)strict, .vocab = req->snap->vocab };
	tm_rc rc = tm_view_search(req->st, req->g, q, &so, &o, &err);
	answer(req, rc, o, &err);
}

void tm_http_api_entity(tm_req *req)
{
	const char *id = entity_param(req);
	if (!id)
		return;
	json_t *o;
	tm_err err = { 0 };
	tm_rc rc = tm_view_entity(req->st, id, &o, &err);
	answer(req, rc, o, &err);
}

int tm_http_places_arg(tm_req *req, int *out)
{
	const char *v = tm_req_arg(req, "places");
	*out = 0;
	if (!v || !*v || strcmp(v, "0") == 0)
		return 0;
	if (strcmp(v, "1") == 0) {
		*out = 1;
		return 0;
	}
	tm_req_fail(req, 400, "bad_parameter", "places is 1 (walk through places too) or 0 (the default)");
	return -1;
}

void tm_http_api_neighbors(tm_req *req)
{
	long depth, limit;
	int places;
	const char *id = entity_param(req);
	if (!id || tm_req_int_arg(req, "depth", 1, 1, MAX_DEPTH, &depth) ||
	    tm_req_int_arg(req, "limit", 200, 1, MAX_NODES, &limit) || tm_http_places_arg(req, &places))
		return;
	json_t *o;
	tm_err err = { 0 };
	tm_rc rc = tm_view_neighbors(req->st, req->g, id, (int)depth, (size_t)limit, places, &o, &err);
	answer(req, rc, o, &err);
}

char *tm_http_resolve(tm_req *req, const char *what, const char *ref)
{
	char *id = NULL;
	tm_search_hits cands;
	tm_err err = { 0 };
	tm_rc rc = tm_search_resolve(req->st, ref, &id, &cands, &err);
	if (rc == TM_OK)
		return id;
	if (rc != TM_ERR_AMBIGUOUS || !(req->route->flags & TM_ROUTE_API)) {
		if (rc == TM_ERR_AMBIGUOUS)
			tm_search_hits_release(&cands);
		tm_req_fail_err(req, &err);
		return NULL;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < cands.n; i++) {
		json_t *c = json_object();
		json_object_set_new(c, "id", json_string(cands.v[i].id));
		json_object_set_new(c, "kind", json_string(cands.v[i].kind));
		json_object_set_new(c, "name", json_string(cands.v[i].name));
		json_array_append_new(list, c);
	}
	tm_search_hits_release(&cands);
	json_t *e = json_object();
	json_object_set_new(e, "code", json_string("ambiguous"));
	json_object_set_new(e, "message", json_string(err.msg));
	json_object_set_new(e, "parameter", json_string(what));
	json_object_set_new(e, "candidates", list);
	json_t *o = json_object();
	json_object_set_new(o, "error", e);
	tm_req_json(req, o);
	req->r_status = 409;
	req->r_nocache = 1;
	return NULL;
}

void tm_http_api_path(tm_req *req)
{
	const char *from = tm_req_arg(req, "from"), *to = tm_req_arg(req, "to");
	long hops, limit;
	if (!from || !*from || !to || !*to) {
		tm_req_fail(req, 400, "missing_parameter", "from and to are required");
		return;
	}
	int places;
	if (tm_req_int_arg(req, "max_hops", 4, 1, MAX_HOPS, &hops) || tm_req_int_arg(req, "limit", 8, 1, 32, &limit) ||
	    tm_http_places_arg(req, &places))
		return;
	char *a = tm_http_resolve(req, "from", from);
	char *b = a ? tm_http_resolve(req, "to", to) : NULL;
	if (a && b) {
		tm_path_opts po = { .max_hops = (int)hops, .max_paths = (size_t)limit,
				    .kinds = places ? 0 : tm_kinds_no_places() };
		json_t *o;
		tm_err err = { 0 };
		tm_rc rc = tm_view_path(req->st, req->g, a, b, &po, &o, &err);
		answer(req, rc, o, &err);
	}
	free(a);
	free(b);
}

void tm_http_api_owners(tm_req *req)
{
	const char *id = entity_param(req);
	if (!id)
		return;
	json_t *o;
	tm_err err = { 0 };
	tm_rc rc = tm_view_owners(req->st, req->g, id, &o, &err);
	answer(req, rc, o, &err);
}

void tm_http_api_source(tm_req *req)
{
	const char *id = tm_req_param(req, "id");
	long limit;
	if (tm_req_int_arg(req, "limit", 1000, 1, 5000, &limit))
		return;
	int found = 0;
	tm_err err = { 0 };
	if (id && tm_id_valid(id) && tm_store_has_source(req->st, id, &found, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	if (!found) {
		tm_req_fail(req, 404, "not_found", "no source '%s'", id && tm_id_valid(id) ? id : "");
		return;
	}
	json_t *o;
	tm_rc rc = tm_view_source(req->st, id, (size_t)limit, &o, &err);
	answer(req, rc, o, &err);
}

/* The whole dataset in the import format, streamed: it grows with the data
 * (170 MB at 200,000 entities), so it is never held in memory, and its
 * writers are a pool of their own (server.c, stream.c). */
void tm_http_api_export(tm_req *req)
{
	tm_req_stream(req, "application/jsonl; charset=utf-8", tm_export_jsonl);
}
