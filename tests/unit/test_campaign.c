/*
 * Unit tests of src/campaign: ISO weeks (year boundaries, every day of two
 * centuries against the C library's %G-W%V), days in time zones, cutting
 * text into posts, great-circle distances and the boxes that `near` asks the
 * R*Tree for.  Tables give the input and the expected output side by side.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign/campaign.h"
#include "campaign/campaign_internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static tm_day day(const char *s)
{
	tm_day d;
	if (tm_day_parse(s, &d) != 0)
		fail_msg("bad test date '%s'", s);
	return d;
}

/* ---- calendar days and ISO weeks ---- */

static void test_civil_days(void **state)
{
	(void)state;
	assert_int_equal(tm_day_from_civil(1970, 1, 1), 0);
	assert_int_equal(tm_day_from_civil(2000, 3, 1), 11017);
	assert_int_equal(tm_day_from_civil(1969, 12, 31), -1);
	assert_int_equal(tm_day_weekday(0), 4);                  /* a Thursday */
	assert_int_equal(tm_day_weekday(day("2024-02-26")), 1); /* a Monday */
	assert_int_equal(tm_day_weekday(day("1969-12-28")), 7); /* a Sunday, before the epoch */
	/* every day from 1600 to 2400 goes there and back */
	for (tm_day d = tm_day_from_civil(1600, 1, 1); d < tm_day_from_civil(2400, 1, 1); d++) {
		int y, m, dd;
		tm_day_to_civil(d, &y, &m, &dd);
		if (tm_day_from_civil(y, m, dd) != d)
			fail_msg("day %lld: %d-%d-%d", (long long)d, y, m, dd);
	}
	char s[TM_DATE_MAX];
	tm_day_format(day("2024-02-29"), s);
	assert_string_equal(s, "2024-02-29");
	tm_day out;
	assert_int_equal(tm_day_parse("2023-02-29", &out), -1);
	assert_int_equal(tm_day_parse("2024-02", &out), -1);
}

static const struct {
	const char *date, *week;
} week_cases[] = {
	{ "2005-01-01", "2004-W53" }, { "2005-01-02", "2004-W53" }, { "2005-12-31", "2005-W52" },
	{ "2007-01-01", "2007-W01" }, { "2007-12-30", "2007-W52" }, { "2007-12-31", "2008-W01" },
	{ "2008-01-01", "2008-W01" }, { "2008-12-28", "2008-W52" }, { "2008-12-29", "2009-W01" },
	{ "2008-12-31", "2009-W01" }, { "2009-01-01", "2009-W01" }, { "2009-12-31", "2009-W53" },
	{ "2010-01-01", "2009-W53" }, { "2010-01-03", "2009-W53" }, { "2010-01-04", "2010-W01" },
	{ "2020-12-31", "2020-W53" }, { "2021-01-03", "2020-W53" }, { "2021-01-04", "2021-W01" },
	{ "2024-02-26", "2024-W09" }, { "2024-02-27", "2024-W09" }, { "2024-03-03", "2024-W09" },
	{ "2024-03-04", "2024-W10" }, { "2024-12-29", "2024-W52" }, { "2024-12-30", "2025-W01" },
	{ "2026-12-31", "2026-W53" }, { "2027-01-03", "2026-W53" }, { "2027-01-04", "2027-W01" },
};

static void test_week_of(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(week_cases); i++) {
		char w[16];
		tm_week_format(tm_week_of(day(week_cases[i].date)), w);
		if (strcmp(w, week_cases[i].week) != 0)
			fail_msg("%s: got %s, wanted %s", week_cases[i].date, w, week_cases[i].week);
	}
	static const struct {
		int year, weeks;
	} years[] = { { 2004, 53 }, { 2009, 53 }, { 2015, 53 }, { 2020, 53 }, { 2021, 52 },
		      { 2024, 52 }, { 2026, 53 }, { 2027, 52 } };
	for (size_t i = 0; i < N(years); i++)
		assert_int_equal(tm_weeks_in_year(years[i].year), years[i].weeks);
}

/* An independent reference: glibc's strftime %G-W%V, every day 1900–2100,
 * and the Monday of each week is the day its weekday says. */
static void test_week_against_libc(void **state)
{
	(void)state;
	for (tm_day d = tm_day_from_civil(1900, 1, 1); d < tm_day_from_civil(2100, 12, 31); d++) {
		int y, m, dd;
		tm_day_to_civil(d, &y, &m, &dd);
		struct tm tm = { 0 };
		tm.tm_year = y - 1900;
		tm.tm_mon = m - 1;
		tm.tm_mday = dd;
		tm.tm_wday = tm_day_weekday(d) % 7; /* strftime reads these, it does not compute them */
		tm.tm_yday = (int)(d - tm_day_from_civil(y, 1, 1));
		char want[16], got[16];
		strftime(want, sizeof(want), "%G-W%V", &tm);
		tm_week w = tm_week_of(d);
		tm_week_format(w, got);
		if (strcmp(want, got) != 0)
			fail_msg("%d-%02d-%02d: got %s, libc says %s", y, m, dd, got, want);
		tm_day monday = tm_week_monday(w);
		if (monday != d - (tm_day_weekday(d) - 1))
			fail_msg("%d-%02d-%02d: Monday of %s is off", y, m, dd, got);
	}
}

static void test_week_parse(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int ok;
		const char *monday;
	} cases[] = {
		{ "2024-W09", 1, "2024-02-26" }, { "2024W09", 1, "2024-02-26" }, { "2020-W53", 1, "2020-12-28" },
		{ "2025-W01", 1, "2024-12-30" }, { "2009-W53", 1, "2009-12-28" }, { "2024-W53", 0, NULL },
		{ "2024-W00", 0, NULL },         { "2024-W9", 0, NULL },         { "24-W09", 0, NULL },
		{ "2024-09", 0, NULL },          { "", 0, NULL },                { "2024-W09x", 0, NULL },
		{ " 024-W09", 0, NULL },         { "2024-W-9", 0, NULL },        { "2024-w09", 0, NULL },
	};
	for (size_t i = 0; i < N(cases); i++) {
		tm_week w;
		tm_err err = { 0 };
		tm_rc rc = tm_week_parse(cases[i].text, &w, &err);
		if ((rc == TM_OK) != cases[i].ok)
			fail_msg("'%s': rc %d (%s)", cases[i].text, rc, err.msg);
		if (!cases[i].ok) {
			assert_int_equal(rc, TM_ERR_INVALID);
			assert_true(err.msg[0] != '\0');
			continue;
		}
		char m[TM_DATE_MAX];
		tm_day_format(tm_week_monday(w), m);
		assert_string_equal(m, cases[i].monday);
	}
	tm_week w;
	assert_int_equal(tm_week_parse(NULL, &w, NULL), TM_ERR_INVALID);
}

/* ---- time zones ---- */

static int64_t instant(const char *date, int h, int min)
{
	return day(date) * 86400 + h * 3600 + min * 60;
}

static void test_tz_day(void **state)
{
	(void)state;
	static const struct {
		const char *tz;
		const char *utc_date;
		int h, m;
		const char *local_date, *week;
	} cases[] = {
		/* a Sunday evening in UTC is already Monday, and a new ISO year, in Shanghai */
		{ "UTC", "2023-01-01", 20, 0, "2023-01-01", "2022-W52" },
		{ "Asia/Shanghai", "2023-01-01", 20, 0, "2023-01-02", "2023-W01" },
		/* a Monday morning in UTC is still the Sunday of the week before in Vancouver */
		{ "UTC", "2024-03-04", 5, 0, "2024-03-04", "2024-W10" },
		{ "America/Vancouver", "2024-03-04", 5, 0, "2024-03-03", "2024-W09" },
		/* summer time: UTC-7, not -8, so 07:30 UTC is already 1 July */
		{ "America/Vancouver", "2024-07-01", 7, 30, "2024-07-01", "2024-W27" },
		{ "America/Vancouver", "2024-07-01", 6, 30, "2024-06-30", "2024-W26" },
		/* UTC+14: the calendar year and the ISO year both turn early */
		{ "Pacific/Kiritimati", "2024-12-31", 10, 30, "2025-01-01", "2025-W01" },
		{ "Pacific/Kiritimati", "2024-12-29", 10, 30, "2024-12-30", "2025-W01" },
		{ "UTC", "2024-12-29", 10, 30, "2024-12-29", "2024-W52" },
		{ "Europe/London", "2024-03-31", 23, 30, "2024-04-01", "2024-W14" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		tm_day d;
		tm_err err = { 0 };
		if (tm_tz_day(cases[i].tz, instant(cases[i].utc_date, cases[i].h, cases[i].m), &d, &err))
			fail_msg("%s: %s", cases[i].tz, err.msg);
		char got[TM_DATE_MAX], wk[16];
		tm_day_format(d, got);
		tm_week_format(tm_week_of(d), wk);
		if (strcmp(got, cases[i].local_date) != 0 || strcmp(wk, cases[i].week) != 0)
			fail_msg("row %zu %s: got %s %s, wanted %s %s", i, cases[i].tz, got, wk, cases[i].local_date,
				 cases[i].week);
	}
	static const char *const bad[] = { "Mars/Olympus_Mons", "", "Asia/Shang hai", "UTC+8" };
	for (size_t i = 0; i < N(bad); i++) {
		tm_day d;
		tm_err err = { 0 };
		assert_int_equal(tm_tz_day(bad[i], 0, &d, &err), TM_ERR_INVALID);
		assert_non_null(strstr(err.msg, "time zone"));
	}
}

/* ---- posts ---- */

/* The posts' bodies (without "i/n ") joined by spaces, whitespace collapsed. */
static char *rejoin(const tm_strv *posts)
{
	tm_buf b = TM_BUF_INIT;
	for (size_t i = 0; i < posts->n; i++) {
		const char *p = posts->v[i];
		if (posts->n > 1) {
			char want[32];
			snprintf(want, sizeof(want), "%zu/%zu ", i + 1, posts->n);
			if (strncmp(p, want, strlen(want)) != 0)
				fail_msg("post %zu does not start with '%s': %s", i + 1, want, p);
			p += strlen(want);
		}
		if (i)
			tm_buf_addch(&b, ' ');
		tm_buf_adds(&b, p);
	}
	return tm_buf_detach(&b);
}

static char *collapse(const char *s)
{
	tm_buf b = TM_BUF_INIT;
	int space = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t') {
			space = 1;
			continue;
		}
		if (space && b.len)
			tm_buf_addch(&b, ' ');
		space = 0;
		tm_buf_addch(&b, *s);
	}
	return tm_buf_detach(&b);
}

/* Cut text, then check: each post within max, numbered, nothing lost or
 * reordered, and each of the pieces (sentences, links) inside one post. */
static void check_posts(const char *text, size_t max, const char *const *pieces, size_t n_pieces, size_t want_posts)
{
	tm_strv posts = TM_STRV_INIT;
	tm_err err = { 0 };
	if (tm_posts_split(text, max, &posts, &err))
		fail_msg("split failed: %s", err.msg);
	for (size_t i = 0; i < posts.n; i++)
		if (tm_posts_chars(posts.v[i]) > max)
			fail_msg("post %zu has %zu characters, more than %zu: %s", i + 1, tm_posts_chars(posts.v[i]), max,
				 posts.v[i]);
	char *a = rejoin(&posts), *ca = collapse(a), *cb = collapse(text);
	if (strcmp(ca, cb) != 0)
		fail_msg("text changed:\n%s\n%s", ca, cb);
	for (size_t k = 0; k < n_pieces; k++) {
		int whole = 0;
		for (size_t i = 0; i < posts.n; i++)
			whole |= strstr(posts.v[i], pieces[k]) != NULL;
		if (!whole)
			fail_msg("'%s' was cut", pieces[k]);
	}
	if (want_posts)
		assert_int_equal(posts.n, want_posts);
	free(a);
	free(ca);
	free(cb);
	tm_strv_release(&posts);
}

static void test_posts_one(void **state)
{
	(void)state;
	tm_strv posts = TM_STRV_INIT;
	assert_int_equal(tm_posts_split("A short digest. Two sentences.", 280, &posts, NULL), TM_OK);
	assert_int_equal(posts.n, 1);
	assert_string_equal(posts.v[0], "A short digest. Two sentences."); /* one post: no number */
	tm_strv_release(&posts);
	assert_int_equal(tm_posts_split("", 280, &posts, NULL), TM_OK);
	assert_int_equal(posts.n, 0);
}

static void test_posts_sentences_and_links(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"Roughly a dozen people protested outside a security wholesaler in Burnaby.",
		"They called for an arms embargo!",
		"Was Hikvision there?",
		"Source: Black Press Media https://www.similkameenspotlight.com/news/bc-group-protests-7323069",
		"At least a hundred U.S. counties, towns, and cities bought the cameras.",
		"See http://europe-solidaire.org/spip.php?article71667 for the essay.",
		"The end.",
	};
	tm_buf text = TM_BUF_INIT;
	for (size_t i = 0; i < N(pieces); i++)
		tm_buf_addf(&text, "%s%s", i ? (i == 3 || i == 4 ? "\n" : " ") : "", pieces[i]);
	/* every budget from the longest piece up: no piece is ever cut */
	for (size_t max = 100; max <= 300; max += 7)
		check_posts(text.buf, max, pieces, N(pieces), 0);
	tm_buf_release(&text);
}

static void test_posts_chinese(void **state)
{
	(void)state;
	/* no spaces: sentences end at 。！？ and the closing quote stays with its sentence */
	static const char *const pieces[] = {
		"约十几人在本拿比的安防产品批发商门外抗议。",
		"他们呼吁对以色列实行武器禁运！",
		"海康威视当时在场吗？",
		"文章写道：“示威者在温哥华一处海康威视办事处示威。”",
		"来源：Black Press Media https://www.similkameenspotlight.com/news/x-7323069",
	};
	tm_buf text = TM_BUF_INIT;
	for (size_t i = 0; i < N(pieces); i++)
		tm_buf_addf(&text, "%s%s", i == 4 ? "\n" : "", pieces[i]);
	for (size_t max = 84; max <= 160; max += 5)
		check_posts(text.buf, max, pieces, N(pieces), 0);
	/* 20 Han characters count 20, not 60 bytes */
	assert_int_equal(tm_posts_chars("约十几人在本拿比的安防产品批发商门外抗"), 19);
	tm_buf_release(&text);
}

static void test_posts_abbreviation(void **state)
{
	(void)state;
	/* "U.S. counties" is one sentence: were "U.S." an end, "At least a
	 * hundred U.S." would still fit in the first post and be cut off */
	const char *text = "First sentence here. At least a hundred U.S. counties bought them.";
	static const char *const pieces[] = { "First sentence here.", "At least a hundred U.S. counties bought them." };
	check_posts(text, 54, pieces, 2, 2);
}

static void test_posts_numbering(void **state)
{
	(void)state;
	/* 30 sentences of 30 characters in posts of 50: 30 posts, "10/30 " counts */
	tm_buf text = TM_BUF_INIT;
	for (int i = 0; i < 30; i++)
		tm_buf_addf(&text, "%sSentence number %02d is here ok.", i ? " " : "", i);
	tm_strv posts = TM_STRV_INIT;
	assert_int_equal(tm_posts_split(text.buf, 40, &posts, NULL), TM_OK);
	assert_int_equal(posts.n, 30);
	assert_string_equal(posts.v[9], "10/30 Sentence number 09 is here ok.");
	for (size_t i = 0; i < posts.n; i++)
		assert_true(tm_posts_chars(posts.v[i]) <= 40);
	tm_strv_release(&posts);
	/* 36 characters of sentence and "10/30 " do not fit in 41: too long */
	tm_err err = { 0 };
	assert_int_equal(tm_posts_split(text.buf, 35, &posts, &err), TM_ERR_LIMIT);
	tm_strv_release(&posts);
	tm_buf_release(&text);
}

static void test_posts_paragraphs(void **state)
{
	(void)state;
	/* the second paragraph would fit after the first only in part: it starts a post */
	const char *text = "First item, short.\n\nSecond item, one sentence. Second item, another one.";
	tm_strv posts = TM_STRV_INIT;
	assert_int_equal(tm_posts_split(text, 60, &posts, NULL), TM_OK);
	assert_int_equal(posts.n, 2);
	assert_string_equal(posts.v[0], "1/2 First item, short.");
	assert_string_equal(posts.v[1], "2/2 Second item, one sentence. Second item, another one.");
	tm_strv_release(&posts);
}

static void test_posts_too_long(void **state)
{
	(void)state;
	tm_strv posts = TM_STRV_INIT;
	tm_err err = { 0 };
	const char *text = "Short. https://example.org/a-very-long-link-that-cannot-be-cut-anywhere-at-all-ever Short.";
	assert_int_equal(tm_posts_split(text, 45, &posts, &err), TM_ERR_LIMIT);
	assert_non_null(strstr(err.msg, "does not fit"));
	assert_int_equal(posts.n, 0);
	tm_strv_release(&posts);
}

/* ---- great-circle distance ---- */

static void test_haversine(void **state)
{
	(void)state;
	const double R = TM_EARTH_RADIUS_KM, deg = R * M_PI / 180;
	static const struct {
		double lat1, lon1, lat2, lon2, km_in_deg; /* expected, in degrees of arc */
	} cases[] = {
		{ 0, 0, 0, 1, 1 },         { 0, 0, 1, 0, 1 },        { 0, 0, 90, 0, 90 },
		{ 0, 0, 0, 180, 180 },     { 90, 0, -90, 0, 180 },   { 0, 179.5, 0, -179.5, 1 },
		{ 45, 10, 45, 10, 0 },     { 89, 0, 89, 180, 2 },    { -30, 20, 30, 20, 60 },
		{ 10, -180, 10, 180, 0 },
	};
	for (size_t i = 0; i < N(cases); i++) {
		double got = tm_geo_distance_km(cases[i].lat1, cases[i].lon1, cases[i].lat2, cases[i].lon2);
		double want = cases[i].km_in_deg * deg;
		if (fabs(got - want) > 1e-6)
			fail_msg("row %zu: %.9f km, wanted %.9f", i, got, want);
		/* symmetric */
		double back = tm_geo_distance_km(cases[i].lat2, cases[i].lon2, cases[i].lat1, cases[i].lon1);
		assert_true(fabs(got - back) < 1e-9);
	}
	/* Burnaby to Vancouver (city coordinates): about 9 km */
	double bv = tm_geo_distance_km(49.267, -122.967, 49.25, -123.1);
	assert_true(bv > 9.0 && bv < 10.5);
}

/* The point at distance km and bearing from lat, lon (degrees). */
static void destination(double lat, double lon, double km, double bearing, double *olat, double *olon)
{
	double d = km / TM_EARTH_RADIUS_KM, p1 = lat * M_PI / 180, l1 = lon * M_PI / 180, t = bearing * M_PI / 180;
	double p2 = asin(sin(p1) * cos(d) + cos(p1) * sin(d) * cos(t));
	double l2 = l1 + atan2(sin(t) * sin(d) * cos(p1), cos(d) - sin(p1) * sin(p2));
	*olat = p2 * 180 / M_PI;
	*olon = fmod(l2 * 180 / M_PI + 540, 360) - 180;
}

/* Every point of the circle lies in the boxes: the R*Tree can never hide a
 * site that is within reach. */
static void test_cap_boxes(void **state)
{
	(void)state;
	srand(6);
	for (int c = 0; c < 400; c++) {
		double lat = c < 8 ? (c % 2 ? 89.9 : -89.9) : (rand() / (double)RAND_MAX) * 178 - 89;
		double lon = c % 5 == 0 ? (c % 10 ? 179.95 : -179.95) : (rand() / (double)RAND_MAX) * 360 - 180;
		double km = c % 7 == 0 ? 3000 : (rand() / (double)RAND_MAX) * 500 + 0.1;
		tm_geo_box boxes[2];
		size_t nb = tm_geo_cap_boxes(lat, lon, km, boxes);
		assert_true(nb == 1 || nb == 2);
		for (size_t b = 0; b < nb; b++) {
			assert_true(boxes[b].min_lat <= boxes[b].max_lat && boxes[b].min_lon <= boxes[b].max_lon);
			assert_true(boxes[b].min_lon >= -180 && boxes[b].max_lon <= 180);
		}
		for (int k = 0; k < 720; k++) {
			for (int f = 1; f <= 4; f++) {
				double plat, plon;
				destination(lat, lon, km * f / 4.0, k / 2.0, &plat, &plon);
				int inside = 0;
				for (size_t b = 0; b < nb; b++)
					inside |= plat >= boxes[b].min_lat && plat <= boxes[b].max_lat &&
						  plon >= boxes[b].min_lon && plon <= boxes[b].max_lon;
				if (!inside)
					fail_msg("%.4f,%.4f r=%.1f: point %.6f,%.6f at bearing %.1f outside the boxes", lat,
						 lon, km, plat, plon, k / 2.0);
			}
		}
	}
}

static void test_parse_point(void **state)
{
	(void)state;
	double lat, lon;
	assert_int_equal(tm_geo_parse_point("49.267,-122.967", &lat, &lon, NULL), TM_OK);
	assert_true(lat == 49.267 && lon == -122.967);
	assert_int_equal(tm_geo_parse_point("-33.87, 151.21", &lat, &lon, NULL), TM_OK);
	static const char *const bad[] = { "91,0", "0,181", "nan,0", "1;2", "1,", ",2", "1,2,3", "", "x,y" };
	for (size_t i = 0; i < N(bad); i++)
		if (tm_geo_parse_point(bad[i], &lat, &lon, NULL) != TM_ERR_INVALID)
			fail_msg("'%s' accepted", bad[i]);
}

/* ---- dates and names in words ---- */

static void test_words(void **state)
{
	(void)state;
	static const struct {
		const char *date, *lang, *want;
	} cases[] = {
		{ "2024-02-27", "en", "27 February 2024" }, { "2024-02-27", "zh", "2024年2月27日" },
		{ "2024-02", "en", "February 2024" },       { "2024", "zh", "2024年" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		tm_buf b = TM_BUF_INIT;
		tm_campaign_date_words(&b, cases[i].date, cases[i].lang);
		assert_string_equal(b.buf, cases[i].want);
		tm_buf_release(&b);
	}
	tm_buf b = TM_BUF_INIT;
	tm_campaign_country_name("CA", "zh", &b);
	assert_string_equal(b.buf, "加拿大");
	tm_buf_reset(&b);
	tm_campaign_country_name("CA", "en", &b);
	assert_string_equal(b.buf, "Canada");
	tm_buf_reset(&b);
	tm_html_esc(&b, "a<b & \"c\"\x01");
	assert_string_equal(b.buf, "a&lt;b &amp; &quot;c&quot;");
	tm_buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_civil_days),
		cmocka_unit_test(test_week_of),
		cmocka_unit_test(test_week_against_libc),
		cmocka_unit_test(test_week_parse),
		cmocka_unit_test(test_tz_day),
		cmocka_unit_test(test_posts_one),
		cmocka_unit_test(test_posts_sentences_and_links),
		cmocka_unit_test(test_posts_chinese),
		cmocka_unit_test(test_posts_abbreviation),
		cmocka_unit_test(test_posts_numbering),
		cmocka_unit_test(test_posts_paragraphs),
		cmocka_unit_test(test_posts_too_long),
		cmocka_unit_test(test_haversine),
		cmocka_unit_test(test_cap_boxes),
		cmocka_unit_test(test_parse_point),
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
