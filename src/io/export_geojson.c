/*
 * GeoJSON (RFC 7946) of the sites and actions, for maps and GIS tools.
 *
 * One FeatureCollection, streamed one feature a line.  A feature's
 * properties are the record as the interchange format has it (docs/format.md)
 * with "type" renamed "record" and the coordinates moved into the geometry;
 * a record without coordinates keeps a null geometry, as RFC 7946 §3.2
 * allows, so that nothing is dropped.  Sites also carry the display names of
 * their entity, so that a map needs no second request.
 */

#include "io/io.h"

#include <errno.h>
#include <string.h>

#include "store/store_campaign.h"

struct geo_out {
	tm_store *st;
	FILE *f;
	size_t n;   /* features written */
	int failed;
};

/* Turn a record's JSON into a Feature (consumes rec). */
static json_t *feature(json_t *rec, const char *type, const char *id, const tm_geo *g)
{
	json_t *f = json_object();
	json_object_set_new(f, "type", json_string("Feature"));
	tm_buf fid = TM_BUF_INIT;
	tm_buf_addf(&fid, "%s:%s", type, id);
	json_object_set_new(f, "id", json_string(fid.buf));
	tm_buf_release(&fid);
	if (g->has) {
		json_t *geom = json_object(), *xy = json_array();
		json_object_set_new(geom, "type", json_string("Point"));
		/* RFC 7946 §3.1.1: longitude first */
		json_array_append_new(xy, json_real(g->lon));
		json_array_append_new(xy, json_real(g->lat));
		json_object_set_new(geom, "coordinates", xy);
		json_object_set_new(f, "geometry", geom);
	} else {
		json_object_set_new(f, "geometry", json_null());
	}
	json_object_del(rec, "lat");
	json_object_del(rec, "lon");
	json_object_del(rec, "type");
	json_t *props = json_object();
	json_object_set_new(props, "record", json_string(type));
	json_object_update(props, rec);
	json_decref(rec);
	json_object_set_new(f, "properties", props);
	return f;
}

static int emit(struct geo_out *o, json_t *f)
{
	if ((o->n++ && fputs(",\n", o->f) == EOF) || json_dumpf(f, o->f, TM_IO_JSON_GEO_FLAGS) != 0)
		o->failed = 1;
	json_decref(f);
	return o->failed;
}

static int geo_site(void *ctx, const tm_site *s)
{
	struct geo_out *o = ctx;
	json_t *rec = tm_site_to_json(s);
	tm_entity e;
	if (s->entity && tm_store_get_entity(o->st, s->entity, &e, NULL) == TM_OK) {
		json_t *names = json_object();
		json_object_set_new(names, "en", json_string(tm_entity_display_name(&e, "en")));
		json_object_set_new(names, "zh", json_string(tm_entity_display_name(&e, "zh")));
		json_object_set_new(rec, "entity_name", names);
		tm_entity_release(&e);
	}
	return emit(o, feature(rec, "site", s->id, &s->geo));
}

static int geo_action(void *ctx, const tm_action *a, const char *updated_at)
{
	(void)updated_at;
	return emit(ctx, feature(tm_action_to_json(a), "action", a->id, &a->geo));
}

tm_rc tm_export_geojson(tm_store *st, FILE *out, tm_err *err)
{
	struct geo_out o = { st, out, 0, 0 };
	fputs("{\"type\":\"FeatureCollection\",\"features\":[\n", out);
	tm_rc rc;
	if ((rc = tm_store_each_site(st, NULL, geo_site, &o, err)) ||
	    (!o.failed && (rc = tm_store_each_action(st, NULL, geo_action, &o, err))))
		return rc;
	fputs(o.n ? "\n]}\n" : "]}\n", out);
	if (o.failed || ferror(out) || fflush(out) != 0)
		return tm_fail(err, TM_ERR_IO, "unable to write the export: %s", strerror(errno));
	return TM_OK;
}
