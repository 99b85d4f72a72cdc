/*
 * Great-circle distances and `near`.
 *
 * The R*Tree answers "which points are in this box"; a circle of radius r on
 * the sphere fits in the box of Jan Matuschek's "Finding Points Within a
 * Distance of a Latitude/Longitude Using Bounding Coordinates": latitudes
 * lat ± r/R, longitudes lon ± asin(sin(r/R) / cos(lat)), all longitudes when
 * the circle reaches a pole, and two boxes when it crosses ±180°.  The box is
 * only a filter: each candidate's haversine distance decides.
 */

#include "campaign/campaign.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DEG (M_PI / 180.0)

double tm_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	double dlat = (lat2 - lat1) * DEG, dlon = (lon2 - lon1) * DEG;
	double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * DEG) * cos(lat2 * DEG) * sin(dlon / 2) * sin(dlon / 2);
	if (a > 1)
		a = 1; /* rounding, near antipodes */
	return 2 * TM_EARTH_RADIUS_KM * asin(sqrt(a));
}

size_t tm_geo_cap_boxes(double lat, double lon, double km, tm_geo_box out[2])
{
	/* a margin far above rounding error and far below anything on a map,
	 * so that a point right on the circle is never lost to the box */
	const double eps = 1e-9;
	double r = km / TM_EARTH_RADIUS_KM; /* angular radius */
	double dlat = r / DEG + eps;
	double min_lat = lat - dlat, max_lat = lat + dlat;
	if (r >= M_PI || max_lat >= 90 || min_lat <= -90) {
		/* the circle holds a pole (or the whole globe): every longitude */
		out[0] = (tm_geo_box){ fmax(min_lat, -90), fmin(max_lat, 90), -180, 180 };
		return 1;
	}
	double dlon = asin(sin(r) / cos(lat * DEG)) / DEG + eps;
	double min_lon = lon - dlon, max_lon = lon + dlon;
	if (min_lon < -180) {
		out[0] = (tm_geo_box){ min_lat, max_lat, -180, max_lon };
		out[1] = (tm_geo_box){ min_lat, max_lat, min_lon + 360, 180 };
		return 2;
	}
	if (max_lon > 180) {
		out[0] = (tm_geo_box){ min_lat, max_lat, min_lon, 180 };
		out[1] = (tm_geo_box){ min_lat, max_lat, -180, max_lon - 360 };
		return 2;
	}
	out[0] = (tm_geo_box){ min_lat, max_lat, min_lon, max_lon };
	return 1;
}

tm_rc tm_geo_parse_point(const char *s, double *lat, double *lon, tm_err *err)
{
	const char *p = s ? s : "";
	char *end;
	errno = 0;
	*lat = strtod(p, &end);
	int ok = end != p && errno == 0;
	while (ok && *end == ' ')
		end++;
	ok = ok && *end == ',';
	if (ok) {
		p = end + 1;
		*lon = strtod(p, &end);
		ok = end != p && errno == 0;
		while (ok && *end == ' ')
			end++;
		ok = ok && *end == '\0';
	}
	if (!ok)
		return tm_fail(err, TM_ERR_INVALID, "bad point '%.60s': use LAT,LON in decimal degrees, e.g. 49.267,-122.967",
			       s ? s : "");
	if (!tm_geo_valid(*lat, *lon))
		return tm_fail(err, TM_ERR_INVALID, "point '%.60s' out of range: latitude -90..90, longitude -180..180", s);
	return TM_OK;
}

void tm_near_release(tm_near *n)
{
	for (size_t i = 0; i < n->n; i++)
		tm_site_release(&n->v[i].site);
	free(n->v);
	memset(n, 0, sizeof(*n));
}

struct near_ctx {
	double lat, lon, km;
	tm_near *out;
};

static int near_candidate(void *p, const tm_site *s)
{
	struct near_ctx *c = p;
	double d = tm_geo_distance_km(c->lat, c->lon, s->geo.lat, s->geo.lon);
	if (!(d <= c->km))
		return 0;
	/* the site belongs to the callback's caller: keep a copy */
	TM_GROW(c->out->v, c->out->cap, c->out->n + 1);
	tm_near_hit *h = &c->out->v[c->out->n++];
	h->km = d;
	tm_site_copy(&h->site, s);
	return 0;
}

static int hit_cmp(const void *a, const void *b)
{
	const tm_near_hit *x = a, *y = b;
	if (x->km != y->km)
		return x->km < y->km ? -1 : 1;
	return strcmp(x->site.id, y->site.id);
}

tm_rc tm_campaign_near(tm_store *st, double lat, double lon, double km, const tm_site_filter *f, size_t limit,
		       tm_near *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!tm_geo_valid(lat, lon))
		return tm_fail(err, TM_ERR_INVALID, "point %g,%g out of range", lat, lon);
	if (!(km >= 0) || !isfinite(km))
		return tm_fail(err, TM_ERR_INVALID, "bad distance %g km", km);
	tm_geo_box boxes[2];
	size_t nb = tm_geo_cap_boxes(lat, lon, km, boxes);
	struct near_ctx c = { lat, lon, km, out };
	tm_rc rc = tm_store_sites_in_boxes(st, boxes, nb, f, near_candidate, &c, err);
	if (rc) {
		tm_near_release(out);
		return rc;
	}
	if (out->n)
		qsort(out->v, out->n, sizeof(*out->v), hit_cmp);
	/* two boxes never share a point, but the R*Tree rounds outwards: drop
	 * a site that came through both */
	size_t w = 0;
	for (size_t i = 0; i < out->n; i++) {
		if (w && strcmp(out->v[w - 1].site.id, out->v[i].site.id) == 0 && out->v[w - 1].km == out->v[i].km) {
			tm_site_release(&out->v[i].site);
			continue;
		}
		out->v[w++] = out->v[i];
	}
	out->n = w;
	if (limit && out->n > limit) {
		for (size_t i = limit; i < out->n; i++)
			tm_site_release(&out->v[i].site);
		out->n = limit;
	}
	return TM_OK;
}
