/*
 * The route table, built from routes.def, and the matcher.  Patterns are
 * few and short, so a linear walk over them is as fast as anything cleverer.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

const tm_route tm_routes[] = {
#define TM_ROUTE(pattern, name, flags) { pattern, tm_http_##name, flags },
#include "http/routes.def"
#undef TM_ROUTE
};
const size_t tm_n_routes = sizeof(tm_routes) / sizeof(tm_routes[0]);

static void drop_params(tm_req *req)
{
	for (size_t i = 0; i < req->n_params; i++) {
		free(req->params[i]);
		req->params[i] = NULL;
	}
	req->n_params = 0;
}

/* Match path against one pattern, segment by segment; captures go to req. */
static int match_one(tm_req *req, const char *pat, const char *path)
{
	while (*pat && *path) {
		if (*pat == '{') {
			const char *close = strchr(pat, '}');
			const char *end = strchr(path, '/');
			size_t n = end ? (size_t)(end - path) : strlen(path);
			if (!close || n == 0 || req->n_params == TM_ROUTE_MAX_PARAMS)
				return 0;
			/* the name, as a pointer into the pattern up to '}', is
			 * compared by tm_req_param with its length */
			req->param_names[req->n_params] = pat + 1;
			req->params[req->n_params++] = tm_xstrndup(path, n);
			pat = close + 1;
			path += n;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == '\0' && *path == '\0';
}

const tm_route *tm_route_match(tm_req *req, const char *path)
{
	for (size_t i = 0; i < tm_n_routes; i++) {
		if (match_one(req, tm_routes[i].pattern, path))
			return &tm_routes[i];
		drop_params(req);
	}
	return NULL;
}

const char *tm_req_param(const tm_req *req, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < req->n_params; i++)
		if (strncmp(req->param_names[i], name, n) == 0 && req->param_names[i][n] == '}')
			return req->params[i];
	return NULL;
}
