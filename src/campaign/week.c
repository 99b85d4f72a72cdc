/*
 * Calendar days, ISO 8601 weeks and the day it is in a time zone.
 *
 * Days are counted from 1970-01-01 with Howard Hinnant's civil-calendar
 * algorithms (exact for every proleptic Gregorian date), so weeks are plain
 * integer arithmetic; only "what day is it now in Vancouver" needs the time
 * zone database, which ICU's calendar provides.
 */

#include "campaign/campaign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

tm_day tm_day_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	const int64_t era = (y >= 0 ? y : y - 399) / 400;
	const int64_t yoe = y - era * 400;                                  /* [0, 399] */
	const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

void tm_day_to_civil(tm_day z, int *year, int *month, int *day)
{
	z += 719468;
	const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	const int64_t doe = z - era * 146097;
	const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	const int64_t mp = (5 * doy + 2) / 153;
	const int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	const int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(yoe + era * 400 + (m <= 2));
	*month = m;
	*day = d;
}

int tm_day_parse(const char *s, tm_day *out)
{
	if (!s || tm_date_precision(s) != 3)
		return -1;
	int y = 0, m = 0, d = 0;
	if (sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	*out = tm_day_from_civil(y, m, d);
	return 0;
}

void tm_day_format(tm_day d, char out[TM_DATE_MAX])
{
	int y, m, dd;
	tm_day_to_civil(d, &y, &m, &dd);
	/* years outside 0..9999 have no YYYY form: they wrap, as they never occur */
	unsigned yy = (unsigned)((y % 10000 + 10000) % 10000);
	snprintf(out, TM_DATE_MAX, "%04u-%02u-%02u", yy % 10000u, (unsigned)m % 13u, (unsigned)dd % 32u);
}

int tm_day_weekday(tm_day d)
{
	/* 1970-01-01 was a Thursday (4) */
	int64_t w = (d + 3) % 7;
	if (w < 0)
		w += 7;
	return (int)w + 1;
}

tm_week tm_week_of(tm_day d)
{
	/* the week belongs to the year of its Thursday */
	tm_day thursday = d - tm_day_weekday(d) + 4;
	int y, m, dd;
	tm_day_to_civil(thursday, &y, &m, &dd);
	tm_week w = { y, (int)((thursday - tm_day_from_civil(y, 1, 1)) / 7) + 1 };
	return w;
}

int tm_weeks_in_year(int year)
{
	/* 28 December is always in the year's last week */
	return tm_week_of(tm_day_from_civil(year, 12, 28)).week;
}

tm_day tm_week_monday(tm_week w)
{
	/* 4 January is always in week 1 */
	tm_day jan4 = tm_day_from_civil(w.year, 1, 4);
	return jan4 - (tm_day_weekday(jan4) - 1) + 7 * (int64_t)(w.week - 1);
}

tm_rc tm_week_parse(const char *s, tm_week *out, tm_err *err)
{
	int y = 0, wk = 0, n = 0;
	const char *p = s ? s : "";
	size_t len = strlen(p);
	int ok = (len == 8 && sscanf(p, "%4d-W%2d%n", &y, &wk, &n) == 2 && n == 8) ||
		 (len == 7 && sscanf(p, "%4dW%2d%n", &y, &wk, &n) == 2 && n == 7);
	for (size_t i = 0; ok && i < 4; i++)
		if (p[i] < '0' || p[i] > '9')
			ok = 0;
	if (ok && (p[len - 2] < '0' || p[len - 2] > '9' || p[len - 1] < '0' || p[len - 1] > '9'))
		ok = 0;
	if (!ok)
		return tm_fail(err, TM_ERR_INVALID, "bad week '%.40s': use an ISO week such as 2024-W09", p);
	if (wk < 1 || wk > tm_weeks_in_year(y))
		return tm_fail(err, TM_ERR_INVALID, "bad week '%s': %d has weeks 1 to %d", p, y, tm_weeks_in_year(y));
	out->year = y;
	out->week = wk;
	return TM_OK;
}

void tm_week_format(tm_week w, char out[16])
{
	unsigned yy = (unsigned)((w.year % 10000 + 10000) % 10000);
	snprintf(out, 16, "%04u-W%02u", yy % 10000u, (unsigned)w.week % 100u);
}

tm_rc tm_tz_day(const char *tz, int64_t t, tm_day *out, tm_err *err)
{
	UChar zone[128], canon[128];
	int32_t zlen = 0;
	UBool is_system = 0;
	UErrorCode st = U_ZERO_ERROR;
	if (!tz || !*tz || strlen(tz) >= 100)
		return tm_fail(err, TM_ERR_INVALID, "bad time zone: use an IANA name such as Asia/Shanghai");
	u_strFromUTF8(zone, 128, &zlen, tz, -1, &st);
	if (U_SUCCESS(st))
		ucal_getCanonicalTimeZoneID(zone, zlen, canon, 128, &is_system, &st);
	/* ICU quietly treats an unknown zone as GMT: refuse it instead */
	if (U_FAILURE(st) || !is_system)
		return tm_fail(err, TM_ERR_INVALID, "unknown time zone '%.60s': use an IANA name such as Asia/Shanghai",
			       tz);
	UCalendar *cal = ucal_open(zone, zlen, "en_US_POSIX", UCAL_GREGORIAN, &st);
	if (U_FAILURE(st))
		return tm_fail(err, TM_ERR_INTERNAL, "icu calendar: %s", u_errorName(st));
	/* proleptic Gregorian, as the day arithmetic above */
	ucal_setGregorianChange(cal, -8.64e15, &st);
	st = U_ZERO_ERROR;
	ucal_setMillis(cal, (UDate)t * 1000.0, &st);
	int y = ucal_get(cal, UCAL_EXTENDED_YEAR, &st);
	int m = ucal_get(cal, UCAL_MONTH, &st) + 1;
	int d = ucal_get(cal, UCAL_DATE, &st);
	ucal_close(cal);
	if (U_FAILURE(st))
		return tm_fail(err, TM_ERR_INTERNAL, "icu calendar: %s", u_errorName(st));
	*out = tm_day_from_civil(y, m, d);
	return TM_OK;
}

static int add_day(void *p, const char *day, int64_t count)
{
	tm_digest_weeks *w = p;
	tm_day d;
	if (tm_day_parse(day, &d))
		return 0;
	tm_week wk = tm_week_of(d);
	/* the days come newest first, so a week's days are together */
	if (w->n && w->v[w->n - 1].week.year == wk.year && w->v[w->n - 1].week.week == wk.week) {
		w->v[w->n - 1].actions += count;
		return 0;
	}
	TM_GROW(w->v, w->cap, w->n + 1);
	w->v[w->n++] = (tm_digest_week){ wk, count };
	return 0;
}

tm_rc tm_digest_list_weeks(tm_store *st, tm_digest_weeks *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_rc rc = tm_store_action_days(st, add_day, out, err);
	if (rc)
		tm_digest_weeks_release(out);
	return rc;
}

void tm_digest_weeks_release(tm_digest_weeks *w)
{
	free(w->v);
	memset(w, 0, sizeof(*w));
}
