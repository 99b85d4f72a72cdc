/*
 * view: the JSON shapes of the read queries (an entity with its relations,
 * search hits, paths, owners, a neighbourhood, a source with its claims).
 *
 * One builder per shape, so that `tiemap --json show X` and
 * GET /api/v1/entities/X print the same object, and the web pages render
 * from the same object the API returns.  The builders read the store and the
 * graph and write nothing.
 *
 * Ownership: every json_t returned here, or put in *out, is a new reference
 * owned by the caller (json_decref).  Builders that fail return the rc with
 * err filled and leave *out NULL.
 *
 * Failure is not absence: the builders of parts below, which cannot fail,
 * show an entity or source that is not there by its id, and leave a part
 * out when the store fails; the store keeps that failure (store.h), and
 * the builders that return tm_rc answer it instead of a partial object.
 * A caller of the part builders alone asks tm_store_error() when done.
 */
#ifndef TM_VIEW_H
#define TM_VIEW_H

#include <jansson.h>

#include "core/core.h"
#include "graph/graph.h"
#include "store/store.h"

/* A citation: {"id","title","publisher","date","url","quote","page"}, the
 * source's fields looked up in st (absent ones left out). */
json_t *tm_view_cite_json(tm_store *st, const tm_cite *c);
/* An array of the above. */
json_t *tm_view_cites_json(tm_store *st, const tm_cites *c);
/* {"id","kind","name","name_zh"} for an entity id (only "id" when unknown). */
json_t *tm_view_entity_ref_json(tm_store *st, const char *id);
/* Display names of an entity id in English and Chinese (owned; the id when
 * the entity is unknown). */
void tm_view_entity_names(tm_store *st, const char *id, char **en, char **zh);
/* The entity id of a graph node (owned), or NULL. */
char *tm_view_id_of(tm_store *st, tm_node node);
/* The graph node of an entity id. */
tm_rc tm_view_node_of(tm_store *st, const char *id, tm_node *out, tm_err *err);
/* {"from","predicate","to","direction","label","label_zh","start","end","sources"}
 * where from/to follow the walk and direction is "forward" when the walk ran
 * subject→object, "inverse" when against it. */
json_t *tm_view_step_json(tm_store *st, const tm_step *step);

/* The relations of one entity, sorted into groups: predicates in vocabulary
 * order, outgoing before incoming, then by the other entity's id. */
typedef struct tm_view_rel {
	int64_t id;      /* the relation's row id */
	tm_relation rel; /* owned copy */
	int outgoing;    /* the entity is the subject */
} tm_view_rel;
typedef struct tm_view_rels {
	tm_view_rel *v;
	size_t n, cap;
} tm_view_rels;
tm_rc tm_view_rels_load(tm_store *st, const char *id, tm_view_rels *out, tm_err *err);
void tm_view_rels_release(tm_view_rels *l);
/* The group a relation falls in (equal for the same predicate and direction). */
int tm_view_rel_group(const tm_view_rel *it);
/* The predicate's label read from the entity: "owns" or "owned by";
 * lang is "en" or "zh". */
const char *tm_view_rel_label(const tm_view_rel *it, const char *lang);
/* The other end of the relation, seen from the entity (borrowed). */
const char *tm_view_rel_other(const tm_view_rel *it);

/* `show`: the entity as exported (without "type"), plus "name", "name_zh",
 * "sources" (citations looked up) and "relations" (each as exported plus
 * "direction" in|out, "label", "label_zh", "other" (an entity ref) and
 * "sources"). */
json_t *tm_view_entity_json(tm_store *st, const tm_entity *e, const tm_view_rels *l);
/* The same, loading the entity id from st.  TM_ERR_NOTFOUND if absent. */
tm_rc tm_view_entity(tm_store *st, const char *id, json_t **out, tm_err *err);

/* `search`: {"results":[{"id","kind","name","names":[{"text","lang"}],"matched","score"}]} */
tm_rc tm_view_search(tm_store *st, const char *query, size_t limit, json_t **out, tm_err *err);

/* `path`: {"from","to","paths":[{"hops","edges":[step…]}],"truncated"} between
 * the entity ids a and b. */
tm_rc tm_view_path(tm_store *st, const tm_graph *g, const char *a, const char *b, const tm_path_opts *opts,
		   json_t **out, tm_err *err);

/* `owners`: {"id","chains":[{"entities":[id…],"effective_share","edges":[{"owner",
 * "predicate","owned","share","sources"}]}],"ultimate_parents":[{"id","effective_share","chains"}]} */
tm_rc tm_view_owners(tm_store *st, const tm_graph *g, const char *id, json_t **out, tm_err *err);

/* `neighbors`: {"id","depth","nodes":[ref + "depth"],"edges":[step…],"truncated"} */
tm_rc tm_view_neighbors(tm_store *st, const tm_graph *g, const char *id, int depth, size_t limit, json_t **out,
			tm_err *err);

/* A source and the claims citing it: the source as exported (without "type"),
 * plus "entities" (entity refs) and "relations" (each as exported, without
 * "type", plus "label", "label_zh", "subject_ref" and "object_ref"), at most
 * limit of each (0: all), and "truncated" when there were more; and
 * "captures", its archived copies newest first, each as exported (without
 * "type" and "source") plus "copy_url" and "warc_url", the site's paths of
 * the copy and of its WARC file (docs/archive.md). */
tm_rc tm_view_source(tm_store *st, const char *id, size_t limit, json_t **out, tm_err *err);

#endif
