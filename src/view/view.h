/*
 * view: the JSON shapes of the read queries (an entity with its relations
 * and involvement, search hits, paths, owners, a neighbourhood, a source with
 * its claims, one step of a walk, one citation).
 *
 * One builder per shape, so that `tiemap --json show X` and
 * GET /api/v1/entities/X print the same object, the web pages render from the
 * same object the API returns, and a step of a path, of a neighbourhood and of
 * a screening's evidence chain is one shape made in one place.  The builders
 * read the store and the graph and write nothing.
 *
 * Every claim carries its citations looked up (tm_view_cite_json): the
 * source's title, publisher, date and URL, whether its title and URL were seen
 * ("checked"), when it was read ("accessed"), and the claim's own quote and
 * locator ("page"), so that whatever renders a claim can show its evidence.
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
#include "search/search.h"
#include "store/store.h"

/* What building many shapes looks up again and again (entity names and
 * kinds, sources), kept for the length of one answer: a screening report
 * names the same institutions and sources on many rows.  Borrows st. */
typedef struct tm_view_memo tm_view_memo;
tm_view_memo *tm_view_memo_new(tm_store *st);
void tm_view_memo_free(tm_view_memo *m);
/* An entity's display names and kind, from its id or its graph node; the id
 * itself (and kind "") when it is unknown.  Borrowed from m. */
typedef struct tm_view_ent {
	const char *id, *kind, *name, *name_zh;
} tm_view_ent;
const tm_view_ent *tm_view_memo_entity(tm_view_memo *m, const char *id);
const tm_view_ent *tm_view_memo_node(tm_view_memo *m, tm_node node);

/* A citation: {"id","title","publisher","date","url","checked","accessed",
 * "quote","page"}, the source's fields looked up in st (absent ones left out;
 * "checked" always there, false for a source whose title and URL were not
 * seen or that is not in the store). */
json_t *tm_view_cite_json(tm_store *st, const tm_cite *c);
json_t *tm_view_memo_cite(tm_view_memo *m, const tm_cite *c);
/* An array of the above. */
json_t *tm_view_cites_json(tm_store *st, const tm_cites *c);
json_t *tm_view_memo_cites(tm_view_memo *m, const tm_cites *c);
/* {"id","kind","name","name_zh"} for an entity id (only "id" when unknown). */
json_t *tm_view_entity_ref_json(tm_store *st, const char *id);
json_t *tm_view_memo_ref(tm_view_memo *m, const char *id);
/* Display names of an entity id in English and Chinese (owned; the id when
 * the entity is unknown). */
void tm_view_entity_names(tm_store *st, const char *id, char **en, char **zh);
/* The entity id of a graph node (owned), or NULL. */
char *tm_view_id_of(tm_store *st, tm_node node);
/* The graph node of an entity id. */
tm_rc tm_view_node_of(tm_store *st, const char *id, tm_node *out, tm_err *err);

/* One step of a walk (a path, a neighbourhood, an evidence chain):
 * {"from","from_name","from_name_zh","predicate","to","to_name","to_name_zh",
 *  "direction","label","label_zh","start","end","share","sources"}
 * where from/to follow the walk and direction is "forward" when the walk ran
 * subject→object, "inverse" when against it; label reads the predicate in the
 * walk's direction ("owned by" walking from the owned up); share only for a
 * tie that gives one. */
json_t *tm_view_step_json(tm_store *st, const tm_step *step);
json_t *tm_view_memo_step(tm_view_memo *m, const tm_step *step);

/* An involvement claim: {"entity","category","label","label_zh","context",
 * "context_label","context_label_zh","start","end","note","sources",
 * "added","changed"}. */
json_t *tm_view_involvement_json(tm_view_memo *m, const tm_involvement *v);

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
 * "sources" (citations looked up), "involvement" (its involvement claims,
 * each as tm_view_involvement_json), "relations" (each as exported plus
 * "direction" in|out, "label", "label_zh", "other" (an entity ref) and
 * "sources") and "last_changed": the latest "changed" of the entity, its
 * involvement and its relations. */
json_t *tm_view_entity_json(tm_store *st, const tm_entity *e, const tm_view_rels *l);
/* The same, loading the entity id from st.  TM_ERR_NOTFOUND if absent. */
tm_rc tm_view_entity(tm_store *st, const char *id, json_t **out, tm_err *err);

/* `search` (search.h): {"results":[{"id","kind","name","names":[{"text","lang"}],
 * "matched","score","how","topic","country","description":{"en","zh"},"ties"}],
 * "topics":[{"type","id","label","label_zh"}],"corrected"}: "topic" only for
 * how "topic"; "country" and "description" null when unknown; "ties" the
 * entity's relations both ways, from g (O(1) a hit; null when g is NULL or
 * a damaged snapshot cannot say),
 * which also orders hits of equal score (opts' own ties are replaced);
 * "corrected" the query as read when typos were forgiven, else null. */
tm_rc tm_view_search(tm_store *st, const tm_graph *g, const char *query, const tm_search_opts *opts, json_t **out,
		     tm_err *err);
/* The ties of an entity in graph ctx (a tm_graph): tm_search_opts.ties. */
long tm_view_ties(const void *ctx, tm_ekey entity);

/* `path`: {"from","to","through_places","paths":[{"hops","edges":[step…]}],"truncated"}
 * between the entity ids a and b; through_places is false when opts->kinds
 * is tm_kinds_no_places(), the default of every caller. */
tm_rc tm_view_path(tm_store *st, const tm_graph *g, const char *a, const char *b, const tm_path_opts *opts,
		   json_t **out, tm_err *err);

/* `owners`: {"id","chains":[{"entities":[id…],"effective_share","edges":[{"owner","owner_name",
 * "owner_name_zh","predicate","owned","owned_name","owned_name_zh","share","start","end",
 * "sources"}]}],"ultimate_parents":[{"id","name","name_zh","effective_share","chains"}]} */
tm_rc tm_view_owners(tm_store *st, const tm_graph *g, const char *id, json_t **out, tm_err *err);

/* `neighbors`: {"id","depth","through_places","nodes":[ref + "depth"],"edges":[step…],"truncated"}.
 * Without through_places a place (a country, a region, a city) is listed
 * where it is tied to what was reached, but nothing is reached through it. */
tm_rc tm_view_neighbors(tm_store *st, const tm_graph *g, const char *id, int depth, size_t limit,
			int through_places, json_t **out, tm_err *err);

/* A source and the claims citing it: the source as exported (without "type"),
 * plus "entities" (entity refs), "involvements" (each as
 * tm_view_involvement_json plus "entity_ref") and "relations" (each as
 * exported, without "type", plus "label", "label_zh", "subject_ref" and
 * "object_ref"), each claim with "quotes": [{"quote","page"}], the words it
 * quotes from this source; at most limit of each kind (0: all), and
 * "truncated" when there were more; and "captures", its archived copies
 * newest first, each as exported (without "type" and "source") plus
 * "copy_url" and "warc_url", the site's paths of the copy and of its WARC
 * file (docs/archive.md). */
tm_rc tm_view_source(tm_store *st, const char *id, size_t limit, json_t **out, tm_err *err);

#endif
