/*
 * The campaign tables on SQLite: actions (with their actors and targets),
 * sites (with their tags) and the R*Tree of located sites.
 *
 * Statements here are prepared per call rather than cached in st->stmt[]:
 * the campaign tables are small next to the graph, and keeping this file's
 * SQL to itself leaves store_sqlite.c untouched.  Citations share the
 * graph's table and its cached statements (claim_kind 2 and 3).
 */

#include "store/store_campaign.h"
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { CLAIM_ACTION = 2, CLAIM_SITE = 3 };

#define NOW_UTC "strftime('%Y-%m-%dT%H:%M:%SZ','now')"





static void bind_double_or_null(sqlite3_stmt *s, int i, int has, double v)
{
	if (has)
		sqlite3_bind_double(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* Citations go to the graph's table as claim kinds 2 (action) and 3 (site),
 * through tm_store_load_cites()/tm_store_save_cites(). */

/* ---- actions ---- */

#define ACTION_COLS                                                                                           \
	"a.id,a.slug,a.date,a.kind,a.place_en,a.place_zh,a.country,a.lat,a.lon,a.geo_precision,a.title_en,"   \
	"a.title_zh,a.summary_en,a.summary_zh,a.outcome_en,a.outcome_zh,a.note,a.updated_at"

/* The statements that read an action's parts, prepared once per listing. */
struct action_reader {
	sqlite3_stmt *actors, *targets;
};

static tm_rc reader_open(tm_store *st, struct action_reader *r, tm_err *err)
{
	static const char *const sql[2] = {
		"SELECT e.slug,p.text_en,p.text_zh FROM action_actors p LEFT JOIN entities e ON e.id=p.entity"
		" WHERE p.action=? ORDER BY p.ord",
		"SELECT e.slug,p.text_en,p.text_zh FROM action_targets p LEFT JOIN entities e ON e.id=p.entity"
		" WHERE p.action=? ORDER BY p.ord",
	};
	r->actors = tm_store_prep(st, sql[0], err);
	r->targets = r->actors ? tm_store_prep(st, sql[1], err) : NULL;
	if (!r->targets) {
		sqlite3_finalize(r->actors);
		return err && err->rc ? err->rc : TM_ERR_DB;
	}
	return TM_OK;
}

static void reader_close(struct action_reader *r)
{
	sqlite3_finalize(r->actors);
	sqlite3_finalize(r->targets);
}

static tm_rc load_parties(tm_store *st, sqlite3_stmt *s, int64_t row, tm_parties *out, tm_err *err)
{
	sqlite3_reset(s);
	sqlite3_bind_int64(s, 1, row);
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		tm_parties_push(out, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1),
				(const char *)sqlite3_column_text(s, 2));
	sqlite3_reset(s);
	return rc == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading action parties");
}

/* Fill a from the current row of an ACTION_COLS statement and its parts. */
static tm_rc action_from_row(tm_store *st, struct action_reader *r, sqlite3_stmt *s, tm_action *a, char updated[24],
			     tm_err *err)
{
	memset(a, 0, sizeof(*a));
	int64_t row = sqlite3_column_int64(s, 0);
	a->id = tm_store_col_dup(s, 1);
	tm_store_col_date(s, 2, a->date);
	a->kind = tm_store_col_dup(s, 3);
	a->place.en = tm_store_col_dup(s, 4);
	a->place.zh = tm_store_col_dup(s, 5);
	a->country = tm_store_col_dup(s, 6);
	if (sqlite3_column_type(s, 7) != SQLITE_NULL) {
		a->geo.has = 1;
		a->geo.lat = sqlite3_column_double(s, 7);
		a->geo.lon = sqlite3_column_double(s, 8);
	}
	a->geo.precision = tm_store_col_dup(s, 9);
	a->title.en = tm_store_col_dup(s, 10);
	a->title.zh = tm_store_col_dup(s, 11);
	a->summary.en = tm_store_col_dup(s, 12);
	a->summary.zh = tm_store_col_dup(s, 13);
	a->outcome.en = tm_store_col_dup(s, 14);
	a->outcome.zh = tm_store_col_dup(s, 15);
	a->note = tm_store_col_dup(s, 16);
	if (updated) {
		const unsigned char *u = sqlite3_column_text(s, 17);
		snprintf(updated, 24, "%s", u ? (const char *)u : "");
	}
	tm_rc rc;
	if ((rc = load_parties(st, r->actors, row, &a->actors, err)) ||
	    (rc = load_parties(st, r->targets, row, &a->targets, err)) ||
	    (rc = tm_store_load_cites(st, CLAIM_ACTION, row, &a->cites, err)))
		tm_action_release(a);
	return rc;
}

tm_rc tm_store_get_action(tm_store *st, const char *id, tm_action *out, char updated_at[24], tm_err *err)
{
	memset(out, 0, sizeof(*out));
	struct action_reader r;
	tm_rc rc = reader_open(st, &r, err);
	if (rc)
		return rc;
	sqlite3_stmt *s = tm_store_prep(st, "SELECT " ACTION_COLS " FROM actions a WHERE a.slug=?", err);
	if (!s) {
		reader_close(&r);
		return TM_ERR_DB;
	}
	tm_store_bind_text(s, 1, id);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		rc = action_from_row(st, &r, s, out, updated_at, err);
	else if (step == SQLITE_DONE)
		rc = tm_fail(err, TM_ERR_NOTFOUND, "no action '%s'", id);
	else
		rc = tm_store_db_fail(st, err, "reading action");
	sqlite3_finalize(s);
	reader_close(&r);
	return rc;
}

static tm_rc save_parties(tm_store *st, const char *table, int64_t row, const tm_parties *p, tm_err *err)
{
	char sql[160];
	snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE action=?", table);
	sqlite3_stmt *s = tm_store_prep(st, sql, err);
	if (!s)
		return TM_ERR_DB;
	sqlite3_bind_int64(s, 1, row);
	tm_rc rc = tm_store_step_done(st, s, err, "deleting action parties");
	sqlite3_finalize(s);
	if (rc || !p->n)
		return rc;
	snprintf(sql, sizeof(sql), "INSERT INTO %s(action,ord,entity,text_en,text_zh) VALUES(?,?,?,?,?)", table);
	if (!(s = tm_store_prep(st, sql, err)))
		return TM_ERR_DB;
	for (size_t i = 0; i < p->n && !rc; i++) {
		sqlite3_bind_int64(s, 1, row);
		sqlite3_bind_int64(s, 2, (int64_t)i);
		if (p->v[i].entity) {
			int64_t e;
			if ((rc = tm_store_rowid_of(st, S_ENTITY_ID, p->v[i].entity, &e, err)))
				break;
			if (!e) {
				rc = tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", p->v[i].entity);
				break;
			}
			sqlite3_bind_int64(s, 3, e);
		} else {
			sqlite3_bind_null(s, 3);
		}
		tm_store_bind_text(s, 4, p->v[i].text.en);
		tm_store_bind_text(s, 5, p->v[i].text.zh);
		rc = tm_store_step_done(st, s, err, "writing action party");
		sqlite3_clear_bindings(s);
	}
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_put_action(tm_store *st, const tm_action *a, tm_err *err)
{
	int64_t row;
	tm_rc rc = tm_store_slug_row(st, "SELECT id FROM actions WHERE slug=?", a->id, &row, err);
	if (rc)
		return rc;
	if (row) {
		tm_action old;
		if ((rc = tm_store_get_action(st, a->id, &old, NULL, err)))
			return rc;
		int same = tm_action_equal(&old, a);
		tm_action_release(&old);
		if (same)
			return TM_OK;
	}
	sqlite3_stmt *s = tm_store_prep(st,
			       row ? "UPDATE actions SET date=?2,kind=?3,place_en=?4,place_zh=?5,country=?6,lat=?7,lon=?8,"
				     "geo_precision=?9,title_en=?10,title_zh=?11,summary_en=?12,summary_zh=?13,"
				     "outcome_en=?14,outcome_zh=?15,note=?16,updated_at=" NOW_UTC " WHERE slug=?1" :
				     "INSERT INTO actions(slug,date,kind,place_en,place_zh,country,lat,lon,geo_precision,"
				     "title_en,title_zh,summary_en,summary_zh,outcome_en,outcome_zh,note)"
				     " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)",
			       err);
	if (!s)
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, a->id);
	tm_store_bind_text(s, 2, a->date);
	tm_store_bind_text(s, 3, a->kind);
	tm_store_bind_text(s, 4, a->place.en);
	tm_store_bind_text(s, 5, a->place.zh);
	tm_store_bind_text(s, 6, a->country);
	bind_double_or_null(s, 7, a->geo.has, a->geo.lat);
	bind_double_or_null(s, 8, a->geo.has, a->geo.lon);
	tm_store_bind_text(s, 9, a->geo.precision);
	tm_store_bind_text(s, 10, a->title.en);
	tm_store_bind_text(s, 11, a->title.zh);
	tm_store_bind_text(s, 12, a->summary.en);
	tm_store_bind_text(s, 13, a->summary.zh);
	tm_store_bind_text(s, 14, a->outcome.en);
	tm_store_bind_text(s, 15, a->outcome.zh);
	tm_store_bind_text(s, 16, a->note);
	rc = tm_store_step_done(st, s, err, "writing action");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	if (!row)
		row = sqlite3_last_insert_rowid(st->db);
	TM_STORE_DIRTY(st);
	if ((rc = save_parties(st, "action_actors", row, &a->actors, err)) ||
	    (rc = save_parties(st, "action_targets", row, &a->targets, err)))
		return rc;
	return tm_store_save_cites(st, CLAIM_ACTION, row, &a->cites, 0, err);
}

/* The WHERE clause of a filter; parameters are named so that each is bound
 * once whatever the clause uses. */
static const char action_where[] =
	" WHERE (:from IS NULL OR a.date || '~' >= :from)"
	" AND (:to IS NULL OR a.date <= :to)"
	" AND (:day_only = 0 OR length(a.date) = 10)"
	" AND (:kind IS NULL OR a.kind = :kind)"
	" AND (:country IS NULL OR a.country = :country)"
	" AND (:entity IS NULL OR a.id IN (SELECT t.action FROM action_targets t JOIN entities e ON e.id=t.entity"
	"  WHERE e.slug=:entity UNION SELECT p.action FROM action_actors p JOIN entities e ON e.id=p.entity"
	"  WHERE e.slug=:entity))";

static void bind_named_text(sqlite3_stmt *s, const char *name, const char *v)
{
	int i = sqlite3_bind_parameter_index(s, name);
	if (i)
		tm_store_bind_text(s, i, v);
}

static void bind_action_filter(sqlite3_stmt *s, const tm_action_filter *f)
{
	static const tm_action_filter none = { 0 };
	if (!f)
		f = &none;
	bind_named_text(s, ":from", f->from);
	bind_named_text(s, ":to", f->to);
	int i = sqlite3_bind_parameter_index(s, ":day_only");
	if (i)
		sqlite3_bind_int(s, i, f->day_only != 0);
	bind_named_text(s, ":kind", f->kind);
	bind_named_text(s, ":country", f->country);
	bind_named_text(s, ":entity", f->entity);
}

tm_rc tm_store_each_action(tm_store *st, const tm_action_filter *f, tm_action_fn fn, void *ctx, tm_err *err)
{
	tm_buf sql = TM_BUF_INIT;
	tm_buf_adds(&sql, "SELECT " ACTION_COLS " FROM actions a");
	tm_buf_adds(&sql, action_where);
	tm_buf_adds(&sql, f && f->newest_first ? " ORDER BY a.date DESC, a.slug" : " ORDER BY a.date, a.slug");
	if (f && f->limit)
		tm_buf_addf(&sql, " LIMIT %zu OFFSET %zu", f->limit, f->offset);
	else if (f && f->offset)
		tm_buf_addf(&sql, " LIMIT -1 OFFSET %zu", f->offset);
	sqlite3_stmt *s = tm_store_prep(st, sql.buf, err);
	tm_buf_release(&sql);
	if (!s)
		return TM_ERR_DB;
	struct action_reader r;
	tm_rc rc = reader_open(st, &r, err);
	if (rc) {
		sqlite3_finalize(s);
		return rc;
	}
	bind_action_filter(s, f);
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		tm_action a;
		char updated[24];
		if ((rc = action_from_row(st, &r, s, &a, updated, err)))
			break;
		int stop = fn(ctx, &a, updated);
		tm_action_release(&a);
		if (stop)
			break;
	}
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "reading actions");
	sqlite3_finalize(s);
	reader_close(&r);
	return rc;
}

tm_rc tm_store_count_actions(tm_store *st, const tm_action_filter *f, int64_t *out, tm_err *err)
{
	tm_buf sql = TM_BUF_INIT;
	tm_buf_adds(&sql, "SELECT count(*) FROM actions a");
	tm_buf_adds(&sql, action_where);
	sqlite3_stmt *s = tm_store_prep(st, sql.buf, err);
	tm_buf_release(&sql);
	*out = 0;
	if (!s)
		return TM_ERR_DB;
	bind_action_filter(s, f);
	tm_rc rc = TM_OK;
	if (sqlite3_step(s) == SQLITE_ROW)
		*out = sqlite3_column_int64(s, 0);
	else
		rc = tm_store_db_fail(st, err, "counting actions");
	sqlite3_finalize(s);
	return rc;
}

tm_rc tm_store_action_days(tm_store *st, int (*fn)(void *ctx, const char *day, int64_t count), void *ctx,
			   tm_err *err)
{
	sqlite3_stmt *s = tm_store_prep(st, "SELECT a.date, count(*) FROM actions a WHERE length(a.date)=10 GROUP BY 1 ORDER BY 1 DESC",
			       err);
	if (!s)
		return TM_ERR_DB;
	tm_rc rc = TM_OK;
	int r;
	while ((r = sqlite3_step(s)) == SQLITE_ROW)
		if (fn(ctx, (const char *)sqlite3_column_text(s, 0), sqlite3_column_int64(s, 1)))
			break;
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "counting actions by day");
	sqlite3_finalize(s);
	return rc;
}

/* ---- sites ---- */

#define SITE_COLS                                                                                            \
	"s.id,s.slug,e.slug,s.kind,s.name_en,s.name_zh,s.address,s.city,s.region,s.country,s.lat,s.lon,"     \
	"s.geo_precision,s.note"
#define SITE_FROM " FROM sites s LEFT JOIN entities e ON e.id=s.entity"

static tm_rc site_from_row(tm_store *st, sqlite3_stmt *tags, sqlite3_stmt *s, tm_site *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	int64_t row = sqlite3_column_int64(s, 0);
	out->id = tm_store_col_dup(s, 1);
	out->entity = tm_store_col_dup(s, 2);
	out->kind = tm_store_col_dup(s, 3);
	out->name.en = tm_store_col_dup(s, 4);
	out->name.zh = tm_store_col_dup(s, 5);
	out->address = tm_store_col_dup(s, 6);
	out->city = tm_store_col_dup(s, 7);
	out->region = tm_store_col_dup(s, 8);
	out->country = tm_store_col_dup(s, 9);
	if (sqlite3_column_type(s, 10) != SQLITE_NULL) {
		out->geo.has = 1;
		out->geo.lat = sqlite3_column_double(s, 10);
		out->geo.lon = sqlite3_column_double(s, 11);
	}
	out->geo.precision = tm_store_col_dup(s, 12);
	out->note = tm_store_col_dup(s, 13);
	sqlite3_reset(tags);
	sqlite3_bind_int64(tags, 1, row);
	int rc;
	while ((rc = sqlite3_step(tags)) == SQLITE_ROW)
		tm_strv_push(&out->tags, (const char *)sqlite3_column_text(tags, 0));
	sqlite3_reset(tags);
	tm_rc r = rc == SQLITE_DONE ? tm_store_load_cites(st, CLAIM_SITE, row, &out->cites, err) :
				      tm_store_db_fail(st, err, "reading site tags");
	if (r)
		tm_site_release(out);
	return r;
}

static const char site_tags_sql[] = "SELECT tag FROM site_tags WHERE site=? ORDER BY ord";

tm_rc tm_store_get_site(tm_store *st, const char *id, tm_site *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_prep(st, "SELECT " SITE_COLS SITE_FROM " WHERE s.slug=?", err);
	sqlite3_stmt *tags = s ? tm_store_prep(st, site_tags_sql, err) : NULL;
	tm_rc rc = TM_ERR_DB;
	if (tags) {
		tm_store_bind_text(s, 1, id);
		int step = sqlite3_step(s);
		if (step == SQLITE_ROW)
			rc = site_from_row(st, tags, s, out, err);
		else if (step == SQLITE_DONE)
			rc = tm_fail(err, TM_ERR_NOTFOUND, "no site '%s'", id);
		else
			rc = tm_store_db_fail(st, err, "reading site");
	}
	sqlite3_finalize(s);
	sqlite3_finalize(tags);
	return rc;
}

tm_rc tm_store_put_site(tm_store *st, const tm_site *site, tm_err *err)
{
	int64_t row;
	tm_rc rc = tm_store_slug_row(st, "SELECT id FROM sites WHERE slug=?", site->id, &row, err);
	if (rc)
		return rc;
	if (row) {
		tm_site old;
		if ((rc = tm_store_get_site(st, site->id, &old, err)))
			return rc;
		int same = tm_site_equal(&old, site);
		tm_site_release(&old);
		if (same)
			return TM_OK;
	}
	int64_t entity = 0;
	if (site->entity && (rc = tm_store_rowid_of(st, S_ENTITY_ID, site->entity, &entity, err)))
		return rc;
	if (site->entity && !entity)
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity '%s'", site->entity);
	sqlite3_stmt *s = tm_store_prep(st,
			       row ? "UPDATE sites SET entity=?2,kind=?3,name_en=?4,name_zh=?5,address=?6,city=?7,"
				     "region=?8,country=?9,lat=?10,lon=?11,geo_precision=?12,note=?13,updated_at=" NOW_UTC
				     " WHERE slug=?1" :
				     "INSERT INTO sites(slug,entity,kind,name_en,name_zh,address,city,region,country,lat,lon,"
				     "geo_precision,note) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)",
			       err);
	if (!s)
		return TM_ERR_DB;
	tm_store_bind_text(s, 1, site->id);
	if (entity)
		sqlite3_bind_int64(s, 2, entity);
	tm_store_bind_text(s, 3, site->kind);
	tm_store_bind_text(s, 4, site->name.en);
	tm_store_bind_text(s, 5, site->name.zh);
	tm_store_bind_text(s, 6, site->address);
	tm_store_bind_text(s, 7, site->city);
	tm_store_bind_text(s, 8, site->region);
	tm_store_bind_text(s, 9, site->country);
	bind_double_or_null(s, 10, site->geo.has, site->geo.lat);
	bind_double_or_null(s, 11, site->geo.has, site->geo.lon);
	tm_store_bind_text(s, 12, site->geo.precision);
	tm_store_bind_text(s, 13, site->note);
	rc = tm_store_step_done(st, s, err, "writing site");
	sqlite3_finalize(s);
	if (rc)
		return rc;
	if (!row)
		row = sqlite3_last_insert_rowid(st->db);
	TM_STORE_DIRTY(st);

	/* tags and the R*Tree point follow the record whole */
	static const char *const del[] = { "DELETE FROM site_tags WHERE site=?", "DELETE FROM sites_rtree WHERE id=?" };
	for (size_t i = 0; i < 2 && !rc; i++) {
		if (!(s = tm_store_prep(st, del[i], err)))
			return TM_ERR_DB;
		sqlite3_bind_int64(s, 1, row);
		rc = tm_store_step_done(st, s, err, "replacing site parts");
		sqlite3_finalize(s);
	}
	if (!rc && site->tags.n) {
		if (!(s = tm_store_prep(st, "INSERT INTO site_tags(site,ord,tag) VALUES(?,?,?)", err)))
			return TM_ERR_DB;
		for (size_t i = 0; i < site->tags.n && !rc; i++) {
			sqlite3_bind_int64(s, 1, row);
			sqlite3_bind_int64(s, 2, (int64_t)i);
			tm_store_bind_text(s, 3, site->tags.v[i]);
			rc = tm_store_step_done(st, s, err, "writing site tag");
		}
		sqlite3_finalize(s);
	}
	if (!rc && site->geo.has) {
		if (!(s = tm_store_prep(st, "INSERT INTO sites_rtree(id,min_lat,max_lat,min_lon,max_lon) VALUES(?1,?2,?2,?3,?3)",
			       err)))
			return TM_ERR_DB;
		sqlite3_bind_int64(s, 1, row);
		sqlite3_bind_double(s, 2, site->geo.lat);
		sqlite3_bind_double(s, 3, site->geo.lon);
		rc = tm_store_step_done(st, s, err, "indexing site");
		sqlite3_finalize(s);
	}
	return rc ? rc : tm_store_save_cites(st, CLAIM_SITE, row, &site->cites, 0, err);
}

/* The filter as SQL over `s` (sites) and `e` (its entity).  Kinds are bound
 * as ?1…?n after the fixed named parameters. */
static void site_where(tm_buf *sql, const tm_site_filter *f)
{
	tm_buf_adds(sql, " (:tag IS NULL OR EXISTS (SELECT 1 FROM site_tags t WHERE t.site=s.id AND t.tag=:tag)"
			 " OR EXISTS (SELECT 1 FROM tags t WHERE t.entity=s.entity AND t.tag=:tag))"
			 " AND (:country IS NULL OR s.country=:country)"
			 " AND (:entity IS NULL OR e.slug=:entity)"
			 " AND (:located = 0 OR s.lat IS NOT NULL)");
	if (f && f->kinds && f->kinds->n) {
		tm_buf_adds(sql, " AND s.kind IN (");
		for (size_t i = 0; i < f->kinds->n; i++)
			tm_buf_addf(sql, "%s:kind%zu", i ? "," : "", i);
		tm_buf_addch(sql, ')');
	}
}

static void bind_site_filter(sqlite3_stmt *s, const tm_site_filter *f)
{
	static const tm_site_filter none = { 0 };
	if (!f)
		f = &none;
	bind_named_text(s, ":tag", f->tag);
	bind_named_text(s, ":country", f->country);
	bind_named_text(s, ":entity", f->entity);
	int i = sqlite3_bind_parameter_index(s, ":located");
	if (i)
		sqlite3_bind_int(s, i, f->located_only != 0);
	for (size_t k = 0; f->kinds && k < f->kinds->n; k++) {
		char name[32];
		snprintf(name, sizeof(name), ":kind%zu", k);
		bind_named_text(s, name, f->kinds->v[k]);
	}
}

static tm_rc run_sites(tm_store *st, const char *sql, const tm_site_filter *f, const tm_geo_box *box, tm_site_fn fn,
		       void *ctx, int *stopped, tm_err *err)
{
	sqlite3_stmt *s = tm_store_prep(st, sql, err);
	sqlite3_stmt *tags = s ? tm_store_prep(st, site_tags_sql, err) : NULL;
	if (!tags) {
		sqlite3_finalize(s);
		return TM_ERR_DB;
	}
	bind_site_filter(s, f);
	if (box) {
		sqlite3_bind_double(s, sqlite3_bind_parameter_index(s, ":min_lat"), box->min_lat);
		sqlite3_bind_double(s, sqlite3_bind_parameter_index(s, ":max_lat"), box->max_lat);
		sqlite3_bind_double(s, sqlite3_bind_parameter_index(s, ":min_lon"), box->min_lon);
		sqlite3_bind_double(s, sqlite3_bind_parameter_index(s, ":max_lon"), box->max_lon);
	}
	tm_rc rc = TM_OK;
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		tm_site site;
		if ((rc = site_from_row(st, tags, s, &site, err)))
			break;
		int stop = fn(ctx, &site);
		tm_site_release(&site);
		if (stop) {
			*stopped = 1;
			break;
		}
	}
	if (!rc && step != SQLITE_ROW && step != SQLITE_DONE)
		rc = tm_store_db_fail(st, err, "reading sites");
	sqlite3_finalize(s);
	sqlite3_finalize(tags);
	return rc;
}

tm_rc tm_store_each_site(tm_store *st, const tm_site_filter *f, tm_site_fn fn, void *ctx, tm_err *err)
{
	tm_buf sql = TM_BUF_INIT;
	tm_buf_adds(&sql, "SELECT " SITE_COLS SITE_FROM " WHERE");
	site_where(&sql, f);
	tm_buf_adds(&sql, f && f->by_id ? " ORDER BY s.slug" : " ORDER BY s.country, s.city IS NULL, s.city, s.slug");
	int stopped = 0;
	tm_rc rc = run_sites(st, sql.buf, f, NULL, fn, ctx, &stopped, err);
	tm_buf_release(&sql);
	return rc;
}

tm_rc tm_store_sites_in_boxes(tm_store *st, const tm_geo_box *boxes, size_t n, const tm_site_filter *f, tm_site_fn fn,
			      void *ctx, tm_err *err)
{
	tm_buf sql = TM_BUF_INIT;
	tm_buf_adds(&sql, "SELECT " SITE_COLS " FROM sites_rtree r JOIN sites s ON s.id=r.id"
			  " LEFT JOIN entities e ON e.id=s.entity"
			  " WHERE r.max_lat >= :min_lat AND r.min_lat <= :max_lat"
			  " AND r.max_lon >= :min_lon AND r.min_lon <= :max_lon AND");
	site_where(&sql, f);
	tm_rc rc = TM_OK;
	int stopped = 0;
	for (size_t i = 0; i < n && !rc && !stopped; i++)
		rc = run_sites(st, sql.buf, f, &boxes[i], fn, ctx, &stopped, err);
	tm_buf_release(&sql);
	return rc;
}

tm_rc tm_store_campaign_counts(tm_store *st, tm_campaign_counts *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_prep(st,
			       "SELECT (SELECT count(*) FROM actions), (SELECT count(*) FROM sites),"
			       " (SELECT count(*) FROM sites WHERE lat IS NOT NULL)",
			       err);
	if (!s)
		return TM_ERR_DB;
	tm_rc rc = TM_OK;
	if (sqlite3_step(s) == SQLITE_ROW) {
		out->actions = sqlite3_column_int64(s, 0);
		out->sites = sqlite3_column_int64(s, 1);
		out->located_sites = sqlite3_column_int64(s, 2);
	} else {
		rc = tm_store_db_fail(st, err, "counting campaign records");
	}
	sqlite3_finalize(s);
	return rc;
}
