/*
 * Recent claims.  Entities, relations and involvements carry added_at (the
 * day, from the data); one UNION ALL sorted with a LIMIT finds the newest
 * without an index, a scan that stays cheap for the sizes the web server
 * caches a page for.  Rows are never deleted, so a row listed and then not
 * found is a failure, not an absence.
 */
#include "store/store_recent.h"
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct recent_row {
	int is_relation; /* 1 relation, 2 involvement, 0 entity */
	int64_t row;
	char added_at[32];
};

struct recent_ctx {
	struct recent_row *v;
	size_t n, cap;
};

static int take_row(void *p, sqlite3_stmt *s)
{
	struct recent_ctx *c = p;
	TM_GROW(c->v, c->cap, c->n + 1);
	struct recent_row *r = &c->v[c->n++];
	r->is_relation = sqlite3_column_int(s, 0);
	r->row = sqlite3_column_int64(s, 1);
	const unsigned char *t = sqlite3_column_text(s, 2);
	snprintf(r->added_at, sizeof(r->added_at), "%s", t ? (const char *)t : "");
	return 0;
}

tm_rc tm_store_recent_claims(tm_store *st, size_t limit, tm_recent_fn fn, void *ctx, tm_err *err)
{
	char sql[320];
	snprintf(sql, sizeof(sql),
		 "SELECT 0, id, added_at FROM entities UNION ALL SELECT 1, id, added_at FROM relations"
		 " UNION ALL SELECT 2, id, added_at FROM involvements ORDER BY 3 DESC, 1 DESC, 2 DESC LIMIT %zu",
		 limit);
	struct recent_ctx c = { 0 };
	/* the rows are collected first: reading a record runs other statements */
	tm_rc rc = tm_store_each_row(st, sql, NULL, take_row, &c, err);
	for (size_t i = 0; !rc && i < c.n; i++) {
		struct recent_row *r = &c.v[i];
		int stop = 0;
		if (r->is_relation == 2) {
			tm_involvement v;
			if ((rc = tm_store_get_involvement(st, r->row, &v, err)))
				break;
			stop = fn(ctx, r->added_at, NULL, 0, NULL, &v);
			tm_involvement_release(&v);
		} else if (r->is_relation) {
			tm_relation rel;
			if ((rc = tm_store_get_relation(st, r->row, &rel, err)))
				break;
			stop = fn(ctx, r->added_at, NULL, r->row, &rel, NULL);
			tm_relation_release(&rel);
		} else {
			char *id = NULL;
			tm_entity e;
			if ((rc = tm_store_entity_id(st, r->row, &id, err)))
				break;
			if (!(rc = tm_store_get_entity(st, id, &e, err))) {
				stop = fn(ctx, r->added_at, &e, 0, NULL, NULL);
				tm_entity_release(&e);
			}
			free(id);
			if (rc)
				break;
		}
		if (stop)
			break;
	}
	free(c.v);
	return rc;
}
