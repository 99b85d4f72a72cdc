/*
 * /map: the sites and the located actions on a world map drawn by Leaflet
 * (web/js/map.js) over Natural Earth's country shapes from the npm package
 * world-atlas, all served by this server: no request leaves for a tile
 * server unless the operator names one ($TIEMAP_MAP_TILES, a URL template
 * such as https://tiles.example.org/{z}/{x}/{y}.png, with its credit in
 * $TIEMAP_MAP_ATTRIBUTION); then, and only then, the page's
 * Content-Security-Policy lets images come from that origin.
 *
 * Filters (?tag=, ?kind= repeated, ?actions=) are a plain GET form, and the
 * same sites are listed by country under the map, so that the page says
 * everything with JavaScript off.
 */
#include "http/page_campaign.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/campaign.h"
#include "store/store_browse.h"
#include "view/view.h"

static int zh(const tm_req *req)
{
	return strcmp(req->lang, "zh") == 0;
}

/* The ?kind= values that name site kinds. */
static enum MHD_Result kind_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	tm_strv *kinds = cls;
	if (key && value && strcmp(key, "kind") == 0 && tm_vocab_find(tm_site_kinds, tm_n_site_kinds, value) &&
	    !tm_strv_contains(kinds, value) && kinds->n < tm_n_site_kinds)
		tm_strv_push(kinds, value);
	return MHD_YES;
}

/* The origin ("https://host[:port]") of an absolute tile URL template, or
 * NULL when it is not one we will put in a header. */
static char *tile_origin(const char *tpl)
{
	const char *p = strncmp(tpl, "https://", 8) == 0 ? tpl + 8 : strncmp(tpl, "http://", 7) == 0 ? tpl + 7 : NULL;
	if (!p)
		return NULL;
	const char *end = p;
	while (*end && *end != '/')
		end++;
	if (end == p)
		return NULL;
	for (const char *q = p; q < end; q++)
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '.' ||
		      *q == '-' || *q == ':'))
			return NULL;
	return tm_xstrndup(tpl, (size_t)(end - tpl));
}

/* Sites, and placed actions, a page lists at most: the page grows with the
 * data, and past this many a reader narrows by tag or kind anyway. */
#define MAP_MAX 1000

struct map_ctx {
	tm_req *req;
	int truncated;     /* a list reached MAP_MAX */
	size_t n_placed;   /* actions listed */
	json_t *features;  /* the points for the map */
	tm_buf list;       /* the sites by country, for everyone */
	char country[3];   /* the country of the list's last heading, "" before the first */
	size_t n_sites, n_located;
};

/* What to call a site in the page's language: its name, else its entity's. */
static void site_name(tm_req *req, const tm_site *s, tm_buf *out)
{
	const char *name = tm_bitext_pick(&s->name, req->lang, NULL);
	if (name) {
		tm_buf_adds(out, name);
		return;
	}
	if (s->entity) {
		char *en, *zhn;
		tm_view_entity_names(req->st, s->entity, &en, &zhn);
		tm_buf_adds(out, zh(req) ? zhn : en);
		free(en);
		free(zhn);
		return;
	}
	tm_buf_adds(out, s->id);
}

static json_t *point(const tm_geo *g)
{
	json_t *geom = json_object(), *xy = json_array();
	json_object_set_new(geom, "type", json_string("Point"));
	json_array_append_new(xy, json_real(g->lon));
	json_array_append_new(xy, json_real(g->lat));
	json_object_set_new(geom, "coordinates", xy);
	return geom;
}

static int map_site(void *p, const tm_site *s)
{
	struct map_ctx *c = p;
	tm_req *req = c->req;
	if (c->n_sites >= MAP_MAX) {
		c->truncated = 1;
		return 1;
	}
	tm_buf name = TM_BUF_INIT, place = TM_BUF_INIT;
	site_name(req, s, &name);
	if (s->city)
		tm_buf_adds(&place, s->city);
	if (s->region)
		tm_buf_addf(&place, "%s%s", place.len ? ", " : "", s->region);
	const char *kind = tm_page_site_kind(req, s->kind);
	const char *prec = s->geo.precision ? tm_page_precision(req, s->geo.precision) : NULL;
	c->n_sites++;

	/* the list, a heading per country */
	if (strcmp(c->country, s->country) != 0) {
		tm_buf cn = TM_BUF_INIT;
		tm_campaign_country_name(s->country, req->ui, &cn);
		tm_html(&c->list, "%r<h3>%s</h3>\n<ul class=\"sites\">\n", c->country[0] ? "</ul>\n" : "", cn.buf);
		tm_buf_release(&cn);
		snprintf(c->country, sizeof(c->country), "%s", s->country);
	}
	tm_html(&c->list, "<li id=\"site-%s\" data-id=\"%s\"><strong translate=\"no\"%r>%s</strong> <span class=\"kind\">%s</span>",
		s->id, s->id, strcmp(req->ui, "zh-Hant") == 0 ? " lang=\"zh-Hans\"" : "", name.buf, kind);
	if (s->entity) {
		tm_buf_adds(&c->list, " ");
		/* the link is written into the page's body: swap it in */
		tm_buf keep = req->body;
		req->body = c->list;
		tm_page_entity_link_id(req, s->entity);
		c->list = req->body;
		req->body = keep;
	}
	/* city and region as recorded (in English) */
	if (place.len)
		tm_html(&c->list, " <span class=\"place\"%r>%s</span>", zh(req) ? " lang=\"en\"" : "", place.buf);
	if (s->geo.has) {
		char pt[64];
		snprintf(pt, sizeof(pt), "%.4f, %.4f", s->geo.lat, s->geo.lon);
		tm_html(&c->list, " <span class=\"point\">%s", pt);
		if (prec)
			tm_html(&c->list, zh(req) ? "（%s%s）" : " (%s %s)", T("map.stands_for"), prec);
		tm_buf_adds(&c->list, "</span>");
	} else {
		tm_html(&c->list, " <span class=\"point\">(%s)</span>", T("map.no_coords"));
	}
	tm_buf_adds(&c->list, "</li>\n");

	/* the point, with what a popup shows */
	if (s->geo.has) {
		c->n_located++;
		json_t *f = json_object(), *pr = json_object();
		json_object_set_new(f, "type", json_string("Feature"));
		json_object_set_new(f, "geometry", point(&s->geo));
		json_object_set_new(pr, "record", json_string("site"));
		json_object_set_new(pr, "id", json_string(s->id));
		json_object_set_new(pr, "name", json_string(name.buf));
		json_object_set_new(pr, "kind", json_string(s->kind));
		json_object_set_new(pr, "kind_label", json_string(kind));
		if (place.len)
			json_object_set_new(pr, "place", json_string(place.buf));
		if (prec)
			json_object_set_new(pr, "precision", json_string(prec));
		if (s->entity) {
			tm_buf u = TM_BUF_INIT;
			char *en, *zhn;
			tm_view_entity_names(req->st, s->entity, &en, &zhn);
			tm_buf_addf(&u, "/entities/%s?%s", s->entity, tm_page_lang_arg(req));
			json_object_set_new(pr, "url", json_string(u.buf));
			json_object_set_new(pr, "link", json_string(zh(req) ? zhn : en));
			free(en);
			free(zhn);
			tm_buf_release(&u);
		}
		json_object_set_new(f, "properties", pr);
		json_array_append_new(c->features, f);
	}
	tm_buf_release(&name);
	tm_buf_release(&place);
	return 0;
}

static int map_action(void *p, const tm_action *a, const char *updated_at)
{
	struct map_ctx *c = p;
	tm_req *req = c->req;
	(void)updated_at;
	if (!a->geo.has)
		return 0;
	if (c->n_placed++ >= MAP_MAX) {
		c->truncated = 1;
		return 1;
	}
	const char *title = tm_bitext_pick(&a->title, req->lang, NULL);
	const char *place = tm_bitext_pick(&a->place, req->lang, NULL);
	tm_buf when = TM_BUF_INIT, url = TM_BUF_INIT;
	tm_campaign_date_words(&when, a->date, req->lang);
	tm_buf_addf(&url, "/actions/%s?%s", a->id, tm_page_lang_arg(req));
	json_t *f = json_object(), *pr = json_object();
	json_object_set_new(f, "type", json_string("Feature"));
	json_object_set_new(f, "geometry", point(&a->geo));
	json_object_set_new(pr, "record", json_string("action"));
	json_object_set_new(pr, "id", json_string(a->id));
	json_object_set_new(pr, "name", json_string(title ? title : a->id));
	json_object_set_new(pr, "kind", json_string(a->kind));
	json_object_set_new(pr, "kind_label", json_string(tm_page_action_kind(req, a->kind)));
	json_object_set_new(pr, "date", json_string(when.buf));
	if (place)
		json_object_set_new(pr, "place", json_string(place));
	if (a->geo.precision)
		json_object_set_new(pr, "precision", json_string(tm_page_precision(req, a->geo.precision)));
	json_object_set_new(pr, "url", json_string(url.buf));
	json_object_set_new(pr, "link", json_string(T("map.open_action")));
	json_object_set_new(f, "properties", pr);
	json_array_append_new(c->features, f);

	tm_html(&c->list, "<li id=\"action-%s\"><a href=\"%s\">%s</a> <span class=\"kind\">%s</span> %s", a->id, url.buf,
		title ? title : a->id, tm_page_action_kind(req, a->kind), when.buf);
	if (place)
		tm_html(&c->list, " <span class=\"place\">%s</span>", place);
	tm_buf_adds(&c->list, "</li>\n");
	tm_buf_release(&when);
	tm_buf_release(&url);
	return 0;
}

struct tag_opts {
	tm_req *req;
	const char *current;
	tm_buf html;
};

static int tag_option(void *p, const char *value, int64_t count)
{
	struct tag_opts *t = p;
	(void)count;
	tm_html(&t->html, "<option value=\"%s\"%r>%s</option>", value,
		t->current && strcmp(t->current, value) == 0 ? " selected" : "", tm_page_tag_label(t->req, value));
	return 0;
}

void tm_http_page_map(tm_req *req)
{
	tm_strv kinds = TM_STRV_INIT;
	MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, kind_arg, &kinds);
	const char *tag = tm_req_arg(req, "tag");
	tag = tag && *tag ? tag : NULL;
	/* a bad tag keeps the form, with the error beside the field (400) */
	int bad_tag = tag && !tm_id_valid(tag);
	if (bad_tag) {
		tag = NULL;
		req->r_status = 400;
		req->r_nocache = 1;
	}
	/* a submitted form says whether to show actions; a bare /map shows them */
	const char *submitted = tm_req_arg(req, "f"), *show_actions = tm_req_arg(req, "actions");
	int actions = !submitted || (show_actions && strcmp(show_actions, "1") == 0);

	struct map_ctx c = { req, 0, 0, json_array(), TM_BUF_INIT, "", 0, 0 };
	tm_site_filter f = { .kinds = kinds.n ? &kinds : NULL, .tag = tag };
	tm_err err = { 0 };
	if (tm_store_each_site(req->st, &f, map_site, &c, &err)) {
		json_decref(c.features);
		tm_buf_release(&c.list);
		tm_strv_release(&kinds);
		tm_req_fail_err(req, &err);
		return;
	}
	if (c.country[0])
		tm_buf_adds(&c.list, "</ul>\n");
	size_t sites_end = c.list.len;
	if (actions) {
		tm_html(&c.list, "<h2>%s</h2>\n<ul class=\"actions-placed\">\n", T("map.actions_list"));
		if (tm_store_each_action(req->st, NULL, map_action, &c, &err)) {
			json_decref(c.features);
			tm_buf_release(&c.list);
			tm_strv_release(&kinds);
			tm_req_fail_err(req, &err);
			return;
		}
		tm_buf_adds(&c.list, "</ul>\n");
	}

	const char *tiles = getenv("TIEMAP_MAP_TILES"), *credit = getenv("TIEMAP_MAP_ATTRIBUTION");
	char *origin = NULL;
	if (tiles && *tiles && tiles[0] != '/' && !(origin = tile_origin(tiles)))
		tiles = NULL; /* neither same-site nor a plain http(s) origin: ignored */
	if (origin) {
		tm_buf csp = TM_BUF_INIT;
		tm_buf_addf(&csp,
			    "default-src 'self'; img-src 'self' %s; base-uri 'none'; form-action 'self'; "
			    "frame-ancestors 'none'; object-src 'none'",
			    origin);
		req->r_csp = tm_buf_detach(&csp);
	}

	req->page.desc = T("map.intro");
	tm_page_begin(req, T("map.title"));
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s</h1>\n<p class=\"lead\">%s</p>\n", T("map.title"), T("map.intro"));
	tm_html(b,
		"<form class=\"filter-form\" action=\"/map\" method=\"get\">\n"
		"<div class=\"field\"><label for=\"map-tag\">%s</label><select id=\"map-tag\" name=\"tag\"><option value=\"\">%s</option>",
		T("map.tag"), T("browse.any"));
	tm_entity_filter none = { 0 };
	struct tag_opts to = { req, tag, TM_BUF_INIT };
	tm_store_entity_facet(req->st, &none, "tag", 0, tag_option, &to, NULL);
	tm_html(b, "%r</select>", to.html.buf);
	if (bad_tag)
		tm_html(b, "<span class=\"field-error\" role=\"alert\">%s</span>", T("map.bad_tag"));
	tm_html(b, "</div>\n<fieldset><legend>%s</legend>", T("map.kinds"));
	tm_buf_release(&to.html);
	for (size_t i = 0; i < tm_n_site_kinds; i++)
		tm_html(b, "<label><input type=\"checkbox\" name=\"kind\" value=\"%s\"%r> %s</label> ", tm_site_kinds[i].id,
			tm_strv_contains(&kinds, tm_site_kinds[i].id) ? " checked" : "", tm_page_site_kind(req, tm_site_kinds[i].id));
	tm_html(b,
		"</fieldset>\n<label class=\"check\"><input type=\"checkbox\" name=\"actions\" value=\"1\"%r> %s</label>\n"
		"<input type=\"hidden\" name=\"f\" value=\"1\"><input type=\"hidden\" name=\"lang\" value=\"%r\">\n"
		"<button type=\"submit\">%s</button>\n</form>\n",
		actions ? " checked" : "", T("map.show_actions"), strcmp(req->ui, "zh-Hant") == 0 ? "zh-Hant" : req->lang,
		T("actions.apply"));
	/* the legend of what the points are */
	tm_html(b, "<ul class=\"map-legend\" aria-label=\"%s\"><li><span class=\"dot dot-site\"></span>%s</li>"
		   "<li><span class=\"dot dot-action\"></span>%s</li><li><span class=\"dot dot-cluster\">2</span>%s</li></ul>\n",
		T("map.legend"), T("map.legend_site"), T("map.legend_action"), T("map.legend_cluster"));

	/* the map, which map.js draws (hidden until then) */
	tm_html(b, "<link rel=\"stylesheet\" href=\"/static/leaflet.css?v=%s\">\n"
		   "<link rel=\"stylesheet\" href=\"/static/MarkerCluster.css?v=%s\">\n", tm_assets_build, tm_assets_build);
	tm_html(b, "<div id=\"map\" class=\"map\" role=\"region\" aria-label=\"%s\" hidden data-countries=\"/static/countries-110m.json?v=%s\"",
		T("map.title"), tm_assets_build);
	if (tiles)
		tm_html(b, " data-tiles=\"%s\" data-attribution=\"%s\"", tiles, credit ? credit : "");
	tm_html(b, " data-basemap=\"%s\" data-msg-points=\"%s\" data-msg-zoom-in=\"%s\" data-msg-zoom-out=\"%s\"></div>\n",
		T("map.basemap_credit"), T("map.points"), T("map.zoom_in"), T("map.zoom_out"));
	json_t *fc = json_object();
	json_object_set_new(fc, "type", json_string("FeatureCollection"));
	json_object_set_new(fc, "features", c.features);
	tm_buf_adds(b, "<script type=\"application/json\" id=\"map-data\">");
	tm_html_script_json(b, fc);
	json_decref(fc);
	tm_html(b,
		"</script>\n<script src=\"/static/leaflet.js?v=%s\"></script>\n"
		"<script src=\"/static/leaflet.markercluster.js?v=%s\"></script>\n"
		"<script src=\"/static/topojson-client.min.js?v=%s\"></script>\n"
		"<script src=\"/static/map.js?v=%s\"></script>\n",
		tm_assets_build, tm_assets_build, tm_assets_build, tm_assets_build);

	tm_html(b, "<section class=\"site-list\" aria-labelledby=\"sites-h\">\n<h2 id=\"sites-h\">%s (%zu)</h2>\n",
		T("map.list"), c.n_sites);
	if (!c.n_sites)
		tm_html(b, "<p>%s</p>\n", T("map.none"));
	if (c.truncated)
		tm_html(b, "<p class=\"truncated\">%s</p>\n", T("map.truncated"));
	tm_buf_add(b, c.list.buf, sites_end);
	tm_buf_adds(b, "</section>\n");
	if (actions)
		tm_buf_add(b, c.list.buf + sites_end, c.list.len - sites_end);
	tm_buf_release(&c.list);
	tm_strv_release(&kinds);
	free(origin);
	tm_page_end(req);
}
