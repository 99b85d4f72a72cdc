/*
 * The embedded assets: /static/{file} and /favicon.ico.  The bytes live in
 * the generated build/gen/http_assets.c (web/embed writes it from web/ and
 * the npm packages), so the deployed server is one file.
 */
#include "http/http_internal.h"

#include <string.h>

const tm_asset *tm_asset_find(const char *path)
{
	for (size_t i = 0; i < tm_n_assets; i++)
		if (strcmp(tm_assets[i].path, path) == 0)
			return &tm_assets[i];
	return NULL;
}

void tm_http_static_asset(tm_req *req)
{
	const char *file = tm_req_param(req, "file");
	/* the message catalogs are embedded too, but under i18n/: one path
	 * segment never reaches them */
	const tm_asset *a = file ? tm_asset_find(file) : NULL;
	if (!a) {
		tm_req_fail(req, 404, "not_found", "no such file");
		return;
	}
	req->r_asset = a;
	req->r_status = MHD_HTTP_OK;
}

void tm_http_favicon(tm_req *req)
{
	req->r_asset = tm_asset_find("favicon.svg");
	req->r_status = req->r_asset ? MHD_HTTP_OK : MHD_HTTP_NOT_FOUND;
}
