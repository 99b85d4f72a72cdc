/*
 * campaign: what the network publishes from the actions log and the sites.
 *
 *   - ISO 8601 weeks and calendar days, and the day it is in a time zone;
 *   - great-circle distances and `near` over the sites' R*Tree;
 *   - the weekly digest in Markdown (for Substack), HTML (for e-mail and the
 *     site) and plain text cut into numbered posts (for social media);
 *   - Atom feeds (RFC 4287) of the latest actions, one per language.
 *
 * Depends on store (store_campaign.h) and model; time zones come from ICU's
 * calendar, which is thread-safe and leaves the process's TZ alone (the web
 * server renders digests from several threads).
 *
 * Ownership as in core.h: what a function fills or returns is the caller's.
 */
#ifndef TM_CAMPAIGN_H
#define TM_CAMPAIGN_H

#include "core/core.h"
#include "store/store_campaign.h"

/* ---- calendar days and ISO weeks ---- */

/* A calendar day: days since 1970-01-01 in the proleptic Gregorian calendar. */
typedef int64_t tm_day;

tm_day tm_day_from_civil(int year, int month, int day);
void tm_day_to_civil(tm_day d, int *year, int *month, int *day);
/* Parse "YYYY-MM-DD" (a real calendar day); 0 on success, -1 if not one. */
int tm_day_parse(const char *s, tm_day *out);
/* "YYYY-MM-DD" into out. */
void tm_day_format(tm_day d, char out[TM_DATE_MAX]);
/* 1 Monday … 7 Sunday. */
int tm_day_weekday(tm_day d);

/* An ISO 8601 week: weeks start on Monday, and week 1 is the one with the
 * year's first Thursday, so 2021-01-03 is in 2020-W53 and 2024-12-30 in
 * 2025-W01. */
typedef struct tm_week {
	int year; /* the ISO week-numbering year, which differs near 1 January */
	int week; /* 1..53 */
} tm_week;

tm_week tm_week_of(tm_day d);
/* 52 or 53. */
int tm_weeks_in_year(int year);
/* Monday of the week (Sunday is that + 6). */
tm_day tm_week_monday(tm_week w);
/* Parse "2024-W09" (also "2024W09"); TM_ERR_INVALID with a reason if the
 * text is not a week or the year has no such week. */
tm_rc tm_week_parse(const char *s, tm_week *out, tm_err *err);
/* "2024-W09" into out. */
void tm_week_format(tm_week w, char out[16]);

/* The calendar day in the IANA time zone tz ("UTC", "Asia/Shanghai",
 * "America/Vancouver") at the instant t (seconds since the epoch).
 * TM_ERR_INVALID when tz is not a known zone. */
tm_rc tm_tz_day(const char *tz, int64_t t, tm_day *out, tm_err *err);

/* ---- great-circle distance and near ---- */

/* The mean Earth radius (IUGG), the sphere every distance here is on. */
#define TM_EARTH_RADIUS_KM 6371.0088

/* Haversine distance in kilometres between two WGS 84 points in degrees. */
double tm_geo_distance_km(double lat1, double lon1, double lat2, double lon2);
/* The boxes (one, or two across the antimeridian) that hold every point
 * within km of lat, lon; returns how many were written into out. */
size_t tm_geo_cap_boxes(double lat, double lon, double km, tm_geo_box out[2]);
/* Parse "LAT,LON" in decimal degrees; TM_ERR_INVALID if malformed or out of range. */
tm_rc tm_geo_parse_point(const char *s, double *lat, double *lon, tm_err *err);

typedef struct tm_near_hit {
	tm_site site; /* owned */
	double km;    /* great-circle distance from the query point */
} tm_near_hit;
typedef struct tm_near {
	tm_near_hit *v;
	size_t n, cap;
} tm_near;
void tm_near_release(tm_near *n);

/* The located sites within km of lat, lon that pass the filter (f may be
 * NULL), nearest first (ties by id), at most limit (0: all). */
tm_rc tm_campaign_near(tm_store *st, double lat, double lon, double km, const tm_site_filter *f, size_t limit,
		       tm_near *out, tm_err *err);

/* ---- posts for social media ---- */

/* Unicode code points in the UTF-8 string s: what "characters" means for
 * --post-chars. */
size_t tm_posts_chars(const char *s);

/* Cut text into posts of at most max_chars characters each, counting the
 * "i/n " number that starts every post (when there is more than one).
 * A post ends only between sentences (after . ! ? or 。！？ and their closing
 * quotes, where a space, a line end or the end follows) or at a line end,
 * so that no sentence and no link (a run without spaces) is ever cut; a
 * paragraph (text between blank lines) starts a new post when it fits whole
 * in one but not in what is left of the current one.  TM_ERR_LIMIT when a
 * single sentence is longer than a post, naming it.  out receives the posts
 * in order. */
tm_rc tm_posts_split(const char *text, size_t max_chars, tm_strv *out, tm_err *err);

/* Whether base may be the base of a digest's or a feed's links: an
 * absolute http:// or https:// URL (tm_url_http) without a trailing slash;
 * TM_ERR_INVALID naming it otherwise.  The one check of both, and of the
 * CLI's --base-url. */
tm_rc tm_campaign_base_url(const char *base, tm_err *err);

/* ---- the weekly digest ---- */

typedef enum tm_digest_format { TM_DIGEST_MD, TM_DIGEST_HTML, TM_DIGEST_TXT } tm_digest_format;

typedef struct tm_digest_opts {
	tm_week week;
	const char *lang;         /* "en", "zh" or "both" (each item in English, then in Chinese),
				   * "zh+en" (paired, Chinese first) */
	tm_digest_format format;
	/* Where the site is, for links to action and entity pages: "https://…"
	 * without a trailing slash, "" for links relative to the site's root
	 * (the web pages), NULL for no such links (sources still link to their
	 * own URLs). */
	const char *base_url;
	int html_fragment;        /* html: the body only, to go inside a page */
	size_t post_chars;        /* txt: cut into posts of at most this many characters (0: no cut) */
} tm_digest_opts;

/* Counts of the week, for callers that show them apart. */
typedef struct tm_digest_counts {
	size_t actions;
	size_t untranslated; /* actions lacking a title or summary in a language asked for */
} tm_digest_counts;

/* Render the digest of o->week into out.  For txt with post_chars, the posts
 * also go to posts (may be NULL) and out holds them separated by lines of
 * "-----".  counts may be NULL. */
tm_rc tm_digest_render(tm_store *st, const tm_digest_opts *o, tm_buf *out, tm_strv *posts, tm_digest_counts *counts,
		       tm_err *err);

/* The weeks that have a digest: each week with actions dated to one of its
 * days, newest first, with how many. */
typedef struct tm_digest_week {
	tm_week week;
	int64_t actions;
} tm_digest_week;
typedef struct tm_digest_weeks {
	tm_digest_week *v;
	size_t n, cap;
} tm_digest_weeks;
tm_rc tm_digest_list_weeks(tm_store *st, tm_digest_weeks *out, tm_err *err);
void tm_digest_weeks_release(tm_digest_weeks *w);

/* ---- Atom feeds ---- */

typedef struct tm_feed_opts {
	const char *lang;     /* "en" or "zh" */
	const char *base_url; /* absolute, without a trailing slash: ids and links are built on it */
	size_t limit;         /* entries, newest first (0: 50) */
} tm_feed_opts;

/* An Atom 1.0 feed of the latest actions: each entry's id and alternate link
 * are its action page in that language, its updated time is when the record
 * last changed, its content the summary with targets and sources. */
tm_rc tm_feed_render(tm_store *st, const tm_feed_opts *o, tm_buf *out, tm_err *err);

/* Append a date of the interchange format in words: "27 February 2024",
 * "February 2024", "2024"; in Chinese (lang "zh") "2024年2月27日",
 * "2024年2月", "2024年". */
void tm_campaign_date_words(tm_buf *b, const char *date, const char *lang);

/* A country's name in lang ("en" or "zh") from its ISO code ("CA" →
 * "Canada", "加拿大"), through ICU's locale data; the code when unknown. */
void tm_campaign_country_name(const char *code, const char *lang, tm_buf *out);

#endif
