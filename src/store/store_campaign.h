/*
 * store_campaign: the tables of the campaign records, actions and sites
 * (model/action.h), and the R*Tree that finds sites by place.
 *
 * The same rules as store.h: writes inside tm_store_begin()/commit(), a
 * record whose id exists is replaced whole, and putting a record equal to
 * the stored one changes nothing (not even the data version).  References
 * (entities, sources) must exist already; the importer checks first.
 *
 * Actions and sites carry two timestamps the interchange format does not:
 * when the record was first added and when its content last changed (UTC,
 * RFC 3339).  Feeds use the second.
 */
#ifndef TM_STORE_CAMPAIGN_H
#define TM_STORE_CAMPAIGN_H

#include "model/action.h"
#include "store/store.h"

tm_rc tm_store_put_action(tm_store *st, const tm_action *a, tm_err *err);
tm_rc tm_store_put_site(tm_store *st, const tm_site *s, tm_err *err);

/* Read one record into *out (the caller releases it).  TM_ERR_NOTFOUND if
 * absent.  updated_at, when not NULL, receives "YYYY-MM-DDTHH:MM:SSZ". */
tm_rc tm_store_get_action(tm_store *st, const char *id, tm_action *out, char updated_at[24], tm_err *err);
tm_rc tm_store_get_site(tm_store *st, const char *id, tm_site *out, tm_err *err);

/* Which actions to list.  Every field is optional (NULL or 0). */
typedef struct tm_action_filter {
	const char *from, *to; /* YYYY-MM-DD, inclusive; an action dated to a month or a year
				  matches when its period overlaps the range */
	int day_only;          /* only actions dated to the day (a week's digest) */
	const char *kind;      /* an action kind */
	const char *country;   /* ISO 3166-1 alpha-2 */
	const char *entity;    /* actions that target this entity id, or that it took part in */
	int newest_first;      /* order by date descending (else ascending); then by id */
	size_t limit, offset;  /* limit 0: all */
} tm_action_filter;

/* The record is borrowed for the call; updated_at as above.  The callback
 * returns 0 to go on, non-zero to stop (not an error). */
typedef int (*tm_action_fn)(void *ctx, const tm_action *a, const char *updated_at);
tm_rc tm_store_each_action(tm_store *st, const tm_action_filter *f, tm_action_fn fn, void *ctx, tm_err *err);
/* How many actions the filter matches, ignoring limit and offset. */
tm_rc tm_store_count_actions(tm_store *st, const tm_action_filter *f, int64_t *out, tm_err *err);
/* The days that have actions dated to the day, newest first, with how many
 * each (what the weekly digests count). */
tm_rc tm_store_action_days(tm_store *st, int (*fn)(void *ctx, const char *day, int64_t count), void *ctx,
			   tm_err *err);

/* Which sites to list.  Every field is optional. */
typedef struct tm_site_filter {
	const tm_strv *kinds; /* any of these site kinds */
	const char *tag;      /* the site, or the entity it belongs to, carries this tag */
	const char *country;
	const char *entity;
	int located_only;     /* only sites with coordinates */
	int by_id;            /* list by id (else by country, city, id) */
} tm_site_filter;

typedef int (*tm_site_fn)(void *ctx, const tm_site *s);
/* Sites by country, city, id (or by id, see by_id). */
tm_rc tm_store_each_site(tm_store *st, const tm_site_filter *f, tm_site_fn fn, void *ctx, tm_err *err);

/* A box on the globe in degrees: min_lat <= max_lat and min_lon <= max_lon
 * (a box that crosses the antimeridian is two boxes). */
typedef struct tm_geo_box {
	double min_lat, max_lat, min_lon, max_lon;
} tm_geo_box;
/* The located sites inside any of the boxes (through the R*Tree), with the
 * filter applied.  A site inside two boxes comes once per box. */
tm_rc tm_store_sites_in_boxes(tm_store *st, const tm_geo_box *boxes, size_t n, const tm_site_filter *f, tm_site_fn fn,
			      void *ctx, tm_err *err);

typedef struct tm_campaign_counts {
	int64_t actions, sites, located_sites;
} tm_campaign_counts;
tm_rc tm_store_campaign_counts(tm_store *st, tm_campaign_counts *out, tm_err *err);

#endif
