/*
 * The graph page: an entity's neighbourhood drawn with cytoscape.js
 * (web/js/graph.js), nodes coloured by kind, ties labelled in the page's
 * language; a click on a node expands it or opens its page.  Without
 * JavaScript the same neighbourhood is there as lists, which is also what a
 * keyboard or a screen reader uses.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

#include "model/model.h"
#include "view/view.h"

#define MAX_DEPTH 2
#define MAX_NODES 150

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

void tm_http_page_graph(tm_req *req)
{
	const char *id = tm_req_param(req, "id");
	long depth;
	int places;
	if (tm_req_int_arg(req, "depth", 1, 1, MAX_DEPTH, &depth) || tm_http_places_arg(req, &places))
		return;
	int found = 0;
	tm_err err = { 0 };
	if (id && tm_id_valid(id) && tm_store_has_entity(req->st, id, &found, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	if (!found) {
		if (tm_page_merged(req, id, "/graph"))
			return;
		tm_req_fail(req, 404, "not_found", "%s", T("entity.unknown"));
		return;
	}
	json_t *o;
	if (tm_view_neighbors(req->st, req->g, id, (int)depth, MAX_NODES, places, &o, &err)) {
		tm_req_fail_err(req, &err);
		return;
	}
	json_t *nodes = json_object_get(o, "nodes"), *edges = json_object_get(o, "edges");
	json_t *centre = json_array_get(nodes, 0);
	const char *la = tm_page_lang_arg(req);
	tm_buf title = TM_BUF_INIT;
	tm_buf_adds(&title, T("graph.title"));
	tm_buf_adds(&title, ": ");
	tm_buf_adds(&title, tm_page_ref_name(req, centre));
	req->page.desc = T("graph.canvas");
	tm_page_begin(req, title.buf);
	tm_buf_release(&title);
	tm_buf *b = &req->body;
	tm_html(b, "<h1>%s: ", T("graph.title"));
	tm_page_entity_link(req, centre);
	tm_html(b, "</h1>\n<p class=\"depth\">%s: ", T("graph.depth"));
	const char *pa = places ? "&amp;places=1" : "";
	for (long d = 1; d <= MAX_DEPTH; d++) {
		if (d == depth)
			tm_html(b, "<strong aria-current=\"page\">%ld</strong> ", d);
		else
			tm_html(b, "<a href=\"/entities/%q/graph?depth=%ld%r&amp;%r\">%ld</a> ", id, d, pa, la, d);
	}
	tm_html(b, "· %zu %s, %zu %s%r</p>\n", json_array_size(nodes), T("graph.nodes"), json_array_size(edges),
		T("graph.edges"), json_is_true(json_object_get(o, "truncated")) ? " (…)" : "");
	/* places: a form with one checkbox, so that it works without JavaScript */
	tm_html(b,
		"<form class=\"places-form\" action=\"/entities/%q/graph\" method=\"get\">"
		"<input type=\"hidden\" name=\"depth\" value=\"%ld\"><input type=\"hidden\" name=\"lang\" value=\"%r\">"
		"<label><input type=\"checkbox\" name=\"places\" value=\"1\"%r> %s</label> "
		"<button type=\"submit\">%s</button></form>\n<p class=\"hint\">%s</p>\n",
		id, depth, req->lang, places ? " checked" : "", T("places.through"), T("places.apply"),
		places ? T("places.on") : T("places.off"));

	/* the canvas: hidden until graph.js draws in it; its messages come from
	 * the catalogs through data- attributes */
	tm_html(b,
		"<div id=\"graph\" class=\"graph-canvas\" hidden data-lang=\"%r\" data-entity=\"%s\" "
		"data-msg-expand=\"%s\" data-msg-open=\"%s\" data-msg-selected=\"%s\" data-msg-help=\"%s\" "
		"role=\"img\" aria-label=\"%s\"></div>\n"
		"<div id=\"graph-panel\" class=\"graph-panel\" hidden aria-live=\"polite\"></div>\n",
		req->lang, id, T("graph.expand"), T("graph.open"), T("graph.selected"), T("graph.help"), T("graph.canvas"));

	/* the legend: the kinds drawn (graph.js keeps it so as nodes are added) */
	tm_html(b, "<ul class=\"legend\" id=\"graph-legend\" aria-label=\"%s\">", T("graph.legend"));
	json_t *kinds = json_object();
	size_t i;
	json_t *n;
	for (size_t k = 0; k < tm_n_kinds; k++) {
		json_object_set_new(kinds, tm_kinds[k].id, json_string(tm_page_kind_label(req, tm_kinds[k].id)));
		int shown = 0;
		json_array_foreach(nodes, i, n)
			shown |= str(n, "kind") && strcmp(str(n, "kind"), tm_kinds[k].id) == 0;
		if (shown)
			tm_html(b, "<li data-kind=\"%s\"><span class=\"swatch kind-%s\"></span>%s</li>", tm_kinds[k].id,
				tm_kinds[k].id, tm_page_kind_label(req, tm_kinds[k].id));
	}
	tm_buf_adds(b, "</ul>\n");
	tm_html(b, "<p class=\"graph-export\" id=\"graph-export\" hidden><button type=\"button\" id=\"graph-png\">%s</button> "
		   "<button type=\"button\" id=\"graph-svg\">%s</button></p>\n",
		T("graph.download_png"), T("graph.download_svg"));
	/* what the drawing shows, in the page's language */
	json_array_foreach(nodes, i, n)
		json_object_set_new(n, "shown", json_string(tm_page_ref_name(req, n)));
	json_object_set_new(o, "kind_labels", kinds);

	tm_notes notes;
	tm_notes_init(&notes);
	tm_html(b, "<div class=\"graph-lists\">\n<section aria-labelledby=\"gn-h\">\n<h2 id=\"gn-h\">%s</h2>\n<ul class=\"nodes\">\n",
		T("graph.entities"));
	json_array_foreach(nodes, i, n) {
		tm_html(b, "<li><span class=\"swatch kind-%s\"></span>", str(n, "kind") ? str(n, "kind") : "");
		tm_page_entity_link(req, n);
		tm_html(b, " <span class=\"kind\">%s</span> <span class=\"hops\">%d</span>"
			   " <a class=\"more\" href=\"/entities/%q/graph?%r\">%s</a></li>\n",
			tm_page_kind_label(req, str(n, "kind")), (int)json_integer_value(json_object_get(n, "depth")),
			str(n, "id"), la, T("graph.centre_here"));
	}
	tm_html(b, "</ul>\n</section>\n<section aria-labelledby=\"ge-h\">\n<h2 id=\"ge-h\">%s</h2>\n<ul class=\"edges\">\n",
		T("graph.ties"));
	json_t *e;
	json_array_foreach(edges, i, e) {
		tm_buf_adds(b, "<li>");
		tm_page_relation_ids(req, str(e, "from"), str(e, "predicate"), 0, str(e, "to"));
		tm_page_marks(req, &notes, json_object_get(e, "sources"));
		tm_buf_adds(b, "</li>\n");
		json_object_set_new(e, "shown", json_string(tm_page_pred_label(req, str(e, "predicate"), 0)));
	}
	tm_buf_adds(b, "</ul>\n</section>\n</div>\n");
	tm_page_notes(req, &notes);
	tm_notes_release(&notes);

	tm_buf_adds(b, "<script type=\"application/json\" id=\"graph-data\">");
	tm_html_script_json(b, o);
	tm_buf_adds(b, "</script>\n");
	/* cytoscape.js, the fCoSE layout (layout-base and cose-base under it),
	 * the SVG export, then the page's script */
	static const char *const scripts[] = { "cytoscape.min.js", "layout-base.js", "cose-base.js", "cytoscape-fcose.js",
					       "cytoscape-svg.js", "graph.js" };
	for (size_t k = 0; k < sizeof(scripts) / sizeof(scripts[0]); k++)
		tm_html(b, "<script src=\"/static/%r?v=%s\"></script>\n", scripts[k],
			tm_asset_find(scripts[k]) ? tm_asset_find(scripts[k])->hash : "");
	json_decref(o);
	tm_page_end(req);
}
