/*
 * The JSON shapes shared by the CLI's --json output and the web API.
 *
 * json_object_set_new() and json_array_append_new() steal the value they are
 * given: every call below hands over a fresh reference, so nothing built
 * here is decref'd except on the failure paths.
 */
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "search/search.h"
#include "store/store_capture.h"

/*
 * The builders of parts (a citation, a reference to an entity, a step)
 * show what is there: a source or an entity not found is shown by its id.
 * They cannot fail, so a failure of the store while building one leaves
 * that part out; the store keeps the failure (store.h), and every
 * tm_view_* that returns tm_rc answers it through done() rather than an
 * object with a part missing for no reason its reader can see.
 */
static tm_rc done(tm_store *st, json_t **out, tm_err *err)
{
	tm_rc rc = tm_store_error(st, err);
	if (rc) {
		json_decref(*out);
		*out = NULL;
	}
	return rc;
}

/* ---- the memo ---- */

/* An open-addressing table of owned string keys to slot numbers. */
struct strmap {
	char **key;
	size_t *val;
	size_t n, mask; /* slots - 1 */
};

static size_t *strmap_slot(struct strmap *t, const char *k)
{
	if (!t->key || 2 * (t->n + 1) > t->mask + 1) {
		size_t size = t->key ? 2 * (t->mask + 1) : 64;
		char **ok = t->key;
		size_t *ov = t->val, osize = t->key ? t->mask + 1 : 0;
		t->key = tm_xcalloc(size, sizeof(char *));
		t->val = tm_xcalloc(size, sizeof(size_t));
		t->mask = size - 1;
		for (size_t i = 0; i < osize; i++) {
			if (!ok[i])
				continue;
			size_t h = (size_t)tm_hash(ok[i], strlen(ok[i])) & t->mask;
			while (t->key[h])
				h = (h + 1) & t->mask;
			t->key[h] = ok[i];
			t->val[h] = ov[i];
		}
		free(ok);
		free(ov);
	}
	size_t h = (size_t)tm_hash(k, strlen(k)) & t->mask;
	while (t->key[h] && strcmp(t->key[h], k) != 0)
		h = (h + 1) & t->mask;
	if (!t->key[h]) {
		t->key[h] = tm_xstrdup(k);
		t->val[h] = SIZE_MAX;
		t->n++;
	}
	return &t->val[h];
}

static void strmap_release(struct strmap *t)
{
	for (size_t i = 0; t->key && i <= t->mask; i++)
		free(t->key[i]);
	free(t->key);
	free(t->val);
	memset(t, 0, sizeof(*t));
}

struct memo_src {
	int found;
	tm_source s;
};

struct tm_view_memo {
	tm_store *st;
	tm_view_ent *ents;  /* the entities looked up, strings owned */
	size_t n_ents, cap_ents;
	struct strmap by_id; /* entity id → index in ents */
	struct strmap by_node; /* decimal node key → index in ents */
	struct memo_src *srcs;
	size_t n_srcs, cap_srcs;
	struct strmap src_by_id;
};

tm_view_memo *tm_view_memo_new(tm_store *st)
{
	tm_view_memo *m = tm_xcalloc(1, sizeof(*m));
	m->st = st;
	return m;
}

void tm_view_memo_free(tm_view_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_ents; i++) {
		free((char *)m->ents[i].id);
		free((char *)m->ents[i].kind);
		free((char *)m->ents[i].name);
		free((char *)m->ents[i].name_zh);
	}
	free(m->ents);
	for (size_t i = 0; i < m->n_srcs; i++)
		if (m->srcs[i].found)
			tm_source_release(&m->srcs[i].s);
	free(m->srcs);
	strmap_release(&m->by_id);
	strmap_release(&m->by_node);
	strmap_release(&m->src_by_id);
	free(m);
}

const tm_view_ent *tm_view_memo_entity(tm_view_memo *m, const char *id)
{
	size_t *slot = strmap_slot(&m->by_id, id ? id : "");
	if (*slot != SIZE_MAX)
		return &m->ents[*slot];
	tm_view_ent e = { tm_xstrdup(id ? id : ""), NULL, NULL, NULL };
	tm_entity ent;
	if (id && tm_store_get_entity(m->st, id, &ent, NULL) == TM_OK) {
		e.kind = tm_xstrdup(ent.kind);
		e.name = tm_xstrdup(tm_entity_display_name(&ent, "en"));
		e.name_zh = tm_xstrdup(tm_entity_display_name(&ent, "zh"));
		tm_entity_release(&ent);
	} else {
		e.kind = tm_xstrdup("");
		e.name = tm_xstrdup(e.id);
		e.name_zh = tm_xstrdup(e.id);
	}
	TM_GROW(m->ents, m->cap_ents, m->n_ents + 1);
	m->ents[m->n_ents] = e;
	*slot = m->n_ents; /* strmap_slot() is not called between: the slot still stands */
	return &m->ents[m->n_ents++];
}

const tm_view_ent *tm_view_memo_node(tm_view_memo *m, tm_node node)
{
	char key[16];
	snprintf(key, sizeof(key), "%u", (unsigned)node);
	size_t *slot = strmap_slot(&m->by_node, key);
	if (*slot != SIZE_MAX)
		return &m->ents[*slot];
	char *id = tm_view_id_of(m->st, node);
	const tm_view_ent *e = tm_view_memo_entity(m, id ? id : "");
	free(id);
	size_t at = (size_t)(e - m->ents);
	*strmap_slot(&m->by_node, key) = at; /* the table may have grown meanwhile */
	return &m->ents[at];
}

static const tm_source *memo_source(tm_view_memo *m, const char *id)
{
	size_t *slot = strmap_slot(&m->src_by_id, id);
	if (*slot == SIZE_MAX) {
		TM_GROW(m->srcs, m->cap_srcs, m->n_srcs + 1);
		struct memo_src *ms = &m->srcs[m->n_srcs];
		ms->found = tm_store_get_source(m->st, id, &ms->s, NULL) == TM_OK;
		*slot = m->n_srcs++;
	}
	return m->srcs[*slot].found ? &m->srcs[*slot].s : NULL;
}

json_t *tm_view_memo_cite(tm_view_memo *m, const tm_cite *c)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(c->source));
	const tm_source *s = memo_source(m, c->source);
	if (s) {
		json_object_set_new(o, "title", json_string(s->title));
		if (s->publisher)
			json_object_set_new(o, "publisher", json_string(s->publisher));
		if (s->date[0])
			json_object_set_new(o, "date", json_string(s->date));
		if (s->url)
			json_object_set_new(o, "url", json_string(s->url));
	}
	/* an unchecked source is marked wherever it is cited */
	json_object_set_new(o, "checked", json_boolean(s && s->checked));
	if (s && s->accessed[0])
		json_object_set_new(o, "accessed", json_string(s->accessed));
	if (c->quote)
		json_object_set_new(o, "quote", json_string(c->quote));
	if (c->page)
		json_object_set_new(o, "page", json_string(c->page));
	return o;
}

json_t *tm_view_memo_cites(tm_view_memo *m, const tm_cites *c)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < c->n; i++)
		json_array_append_new(arr, tm_view_memo_cite(m, &c->v[i]));
	return arr;
}

json_t *tm_view_cite_json(tm_store *st, const tm_cite *c)
{
	tm_view_memo *m = tm_view_memo_new(st);
	json_t *o = tm_view_memo_cite(m, c);
	tm_view_memo_free(m);
	return o;
}

json_t *tm_view_cites_json(tm_store *st, const tm_cites *c)
{
	tm_view_memo *m = tm_view_memo_new(st);
	json_t *o = tm_view_memo_cites(m, c);
	tm_view_memo_free(m);
	return o;
}

void tm_view_entity_names(tm_store *st, const char *id, char **en, char **zh)
{
	tm_entity e;
	if (tm_store_get_entity(st, id, &e, NULL) != TM_OK) {
		*en = tm_xstrdup(id);
		*zh = tm_xstrdup(id);
		return;
	}
	*en = tm_xstrdup(tm_entity_display_name(&e, "en"));
	*zh = tm_xstrdup(tm_entity_display_name(&e, "zh"));
	tm_entity_release(&e);
}

json_t *tm_view_memo_ref(tm_view_memo *m, const char *id)
{
	const tm_view_ent *e = tm_view_memo_entity(m, id);
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(id));
	if (e->kind[0]) {
		json_object_set_new(o, "kind", json_string(e->kind));
		json_object_set_new(o, "name", json_string(e->name));
		json_object_set_new(o, "name_zh", json_string(e->name_zh));
	}
	return o;
}

json_t *tm_view_entity_ref_json(tm_store *st, const char *id)
{
	tm_view_memo *m = tm_view_memo_new(st);
	json_t *o = tm_view_memo_ref(m, id);
	tm_view_memo_free(m);
	return o;
}

char *tm_view_id_of(tm_store *st, tm_node node)
{
	char *id = NULL;
	tm_store_entity_id(st, (tm_ekey)node, &id, NULL);
	return id;
}

tm_rc tm_view_node_of(tm_store *st, const char *id, tm_node *out, tm_err *err)
{
	tm_ekey k = 0;
	tm_rc rc = tm_store_ekey(st, id, &k, err);
	*out = (tm_node)k;
	return rc;
}

/* Integral values print as integers: a share of 100 reads 100, not 100.0. */
static json_t *number_json(double v)
{
	if (v == (double)(long long)v && v > -1e15 && v < 1e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

json_t *tm_view_memo_step(tm_view_memo *m, const tm_step *step)
{
	json_t *o = json_object();
	const tm_view_ent *from = tm_view_memo_node(m, step->from);
	const char *from_id = from->id, *from_en = from->name, *from_zh = from->name_zh;
	const tm_view_ent *to = tm_view_memo_node(m, step->to);
	/* `to` may have moved the entities array: read `from` again */
	from = tm_view_memo_node(m, step->from);
	from_id = from->id;
	from_en = from->name;
	from_zh = from->name_zh;
	/* the graph reports a predicate it cannot name (a damaged snapshot) as -1 */
	int known = step->predicate >= 0 && (size_t)step->predicate < tm_n_predicates;
	const tm_predicate *p = &tm_predicates[known ? step->predicate : 0];
	int ahead = step->forward || p->symmetric;
	json_object_set_new(o, "from", json_string(from_id));
	json_object_set_new(o, "from_name", json_string(from_en));
	json_object_set_new(o, "from_name_zh", json_string(from_zh));
	json_object_set_new(o, "predicate", json_string(p->id));
	json_object_set_new(o, "to", json_string(to->id));
	json_object_set_new(o, "to_name", json_string(to->name));
	json_object_set_new(o, "to_name_zh", json_string(to->name_zh));
	json_object_set_new(o, "direction", json_string(step->forward ? "forward" : "inverse"));
	json_object_set_new(o, "label", json_string(ahead ? p->label_en : p->inverse_en));
	json_object_set_new(o, "label_zh", json_string(ahead ? p->label_zh : p->inverse_zh));
	tm_relation r;
	if (tm_store_get_relation(m->st, step->rel_id, &r, NULL) == TM_OK) {
		if (r.start[0])
			json_object_set_new(o, "start", json_string(r.start));
		if (r.end[0])
			json_object_set_new(o, "end", json_string(r.end));
		if (r.has_share)
			json_object_set_new(o, "share", number_json(r.share));
		json_object_set_new(o, "sources", tm_view_memo_cites(m, &r.cites));
		tm_relation_release(&r);
	} else {
		json_object_set_new(o, "sources", json_array());
	}
	return o;
}

json_t *tm_view_step_json(tm_store *st, const tm_step *step)
{
	tm_view_memo *m = tm_view_memo_new(st);
	json_t *o = tm_view_memo_step(m, step);
	tm_view_memo_free(m);
	return o;
}

json_t *tm_view_involvement_json(tm_view_memo *m, const tm_involvement *v)
{
	const tm_category *c = tm_category_find(v->category);
	json_t *o = json_object();
	json_object_set_new(o, "entity", json_string(v->entity));
	json_object_set_new(o, "category", json_string(v->category));
	json_object_set_new(o, "label", json_string(c ? c->label_en : v->category));
	json_object_set_new(o, "label_zh", json_string(c ? c->label_zh : v->category));
	if (c) {
		json_object_set_new(o, "context", json_string(c->context));
		json_object_set_new(o, "context_label", json_string(tm_context_label(c->context, "en")));
		json_object_set_new(o, "context_label_zh", json_string(tm_context_label(c->context, "zh")));
	}
	tm_json_set_str(o, "start", v->start);
	tm_json_set_str(o, "end", v->end);
	tm_json_set_str(o, "note", v->note);
	json_object_set_new(o, "sources", tm_view_memo_cites(m, &v->cites));
	tm_json_set_str(o, "added", v->added);
	tm_json_set_str(o, "changed", v->changed);
	return o;
}

/* ---- an entity's relations ---- */

struct rels_ctx {
	const char *self;
	tm_view_rels *l;
};

static int collect(void *p, int64_t id, const tm_relation *r)
{
	struct rels_ctx *c = p;
	tm_view_rels *l = c->l;
	TM_GROW(l->v, l->cap, l->n + 1);
	tm_view_rel *it = &l->v[l->n++];
	it->id = id;
	it->outgoing = strcmp(r->subject, c->self) == 0;
	/* copy: the callback's record is borrowed */
	tm_relation_copy(&it->rel, r);
	return 0;
}

int tm_view_rel_group(const tm_view_rel *it)
{
	return tm_predicate_index(it->rel.predicate) * 2 + (it->outgoing ? 0 : 1);
}

const char *tm_view_rel_other(const tm_view_rel *it)
{
	return it->outgoing ? it->rel.object : it->rel.subject;
}

static int item_cmp(const void *a, const void *b)
{
	const tm_view_rel *x = a, *y = b;
	int gx = tm_view_rel_group(x), gy = tm_view_rel_group(y);
	if (gx != gy)
		return gx - gy;
	int c = strcmp(tm_view_rel_other(x), tm_view_rel_other(y));
	return c ? c : (x->id < y->id ? -1 : x->id > y->id);
}

const char *tm_view_rel_label(const tm_view_rel *it, const char *lang)
{
	const tm_predicate *p = tm_predicate_find(it->rel.predicate);
	if (!p)
		return it->rel.predicate;
	int ahead = it->outgoing || p->symmetric;
	if (lang && strcmp(lang, "zh") == 0)
		return ahead ? p->label_zh : p->inverse_zh;
	return ahead ? p->label_en : p->inverse_en;
}

tm_rc tm_view_rels_load(tm_store *st, const char *id, tm_view_rels *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	struct rels_ctx c = { id, out };
	tm_rc rc = tm_store_entity_relations(st, id, collect, &c, err);
	if (rc) {
		tm_view_rels_release(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), item_cmp);
	return TM_OK;
}

void tm_view_rels_release(tm_view_rels *l)
{
	for (size_t i = 0; i < l->n; i++)
		tm_relation_release(&l->v[i].rel);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct inv_ctx {
	tm_view_memo *m;
	json_t *arr;
	char *latest; /* the latest "changed" seen (owned) */
};

static void keep_latest(char **latest, const char *date)
{
	if (date && date[0] && (!*latest || strcmp(date, *latest) > 0)) {
		free(*latest);
		*latest = tm_xstrdup(date);
	}
}

static int collect_involvement(void *p, int64_t id, const tm_involvement *v)
{
	struct inv_ctx *c = p;
	(void)id;
	json_array_append_new(c->arr, tm_view_involvement_json(c->m, v));
	keep_latest(&c->latest, v->changed);
	return 0;
}

json_t *tm_view_entity_json(tm_store *st, const tm_entity *e, const tm_view_rels *l)
{
	tm_view_memo *m = tm_view_memo_new(st);
	json_t *o = tm_entity_to_json(e);
	json_object_del(o, "type");
	json_object_set_new(o, "name", json_string(tm_entity_display_name(e, "en")));
	json_object_set_new(o, "name_zh", json_string(tm_entity_display_name(e, "zh")));
	json_object_set_new(o, "sources", tm_view_memo_cites(m, &e->cites));
	/* involvement under its own key: never mixed with the topic tags */
	struct inv_ctx ic = { m, json_array(), NULL };
	keep_latest(&ic.latest, e->changed);
	tm_store_entity_involvements(st, e->id, collect_involvement, &ic, NULL);
	json_object_set_new(o, "involvement", ic.arr);
	json_t *rels = json_array();
	for (size_t i = 0; i < l->n; i++) {
		const tm_view_rel *it = &l->v[i];
		json_t *r = tm_relation_to_json(&it->rel);
		json_object_del(r, "type");
		json_object_set_new(r, "direction", json_string(it->outgoing ? "out" : "in"));
		json_object_set_new(r, "label", json_string(tm_view_rel_label(it, "en")));
		json_object_set_new(r, "label_zh", json_string(tm_view_rel_label(it, "zh")));
		json_object_set_new(r, "other", tm_view_memo_ref(m, tm_view_rel_other(it)));
		json_object_set_new(r, "sources", tm_view_memo_cites(m, &it->rel.cites));
		json_array_append_new(rels, r);
		keep_latest(&ic.latest, it->rel.changed);
	}
	json_object_set_new(o, "relations", rels);
	tm_json_set_str(o, "last_changed", ic.latest);
	free(ic.latest);
	tm_view_memo_free(m);
	return o;
}

tm_rc tm_view_entity(tm_store *st, const char *id, json_t **out, tm_err *err)
{
	*out = NULL;
	tm_entity e;
	tm_view_rels l;
	tm_rc rc = tm_store_get_entity(st, id, &e, err);
	if (rc)
		return rc;
	rc = tm_view_rels_load(st, id, &l, err);
	if (!rc) {
		*out = tm_view_entity_json(st, &e, &l);
		tm_view_rels_release(&l);
	}
	tm_entity_release(&e);
	return rc ? rc : done(st, out, err);
}

/* ---- search ---- */

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

long tm_view_ties(const void *ctx, tm_ekey entity)
{
	return entity >= 0 && entity <= UINT32_MAX ? tm_graph_degree(ctx, (tm_node)entity) : 0;
}

tm_rc tm_view_search(tm_store *st, const tm_graph *g, const char *query, const tm_search_opts *opts, json_t **out,
		     tm_err *err)
{
	*out = NULL;
	tm_search_opts so = { 0 };
	if (opts)
		so = *opts;
	so.ties = g ? tm_view_ties : NULL;
	so.ties_ctx = g;
	tm_search_hits hits;
	tm_rc rc = tm_search(st, query, &so, &hits, err);
	if (rc)
		return rc;
	json_t *results = json_array();
	for (size_t i = 0; i < hits.n; i++) {
		const tm_search_hit *h = &hits.v[i];
		json_t *o = json_object();
		json_object_set_new(o, "id", json_string(h->id));
		json_object_set_new(o, "kind", json_string(h->kind));
		json_object_set_new(o, "name", json_string(h->name));
		json_t *names = json_array(), *country = json_null(), *desc = json_null();
		tm_entity e;
		if (tm_store_get_entity(st, h->id, &e, NULL) == TM_OK) {
			for (size_t k = 0; k < e.n_names; k++) {
				json_t *n = json_object();
				json_object_set_new(n, "text", json_string(e.names[k].text));
				json_object_set_new(n, "lang", json_string(e.names[k].lang));
				json_array_append_new(names, n);
			}
			country = string_or_null(e.country);
			if (e.desc_en || e.desc_zh) {
				desc = json_object();
				json_object_set_new(desc, "en", string_or_null(e.desc_en));
				json_object_set_new(desc, "zh", string_or_null(e.desc_zh));
			}
			tm_entity_release(&e);
		}
		json_object_set_new(o, "names", names);
		json_object_set_new(o, "matched", json_string(h->matched));
		/* three decimals: enough to order by, and stable across builds */
		json_object_set_new(o, "score", json_real((double)(long)(h->score * 1000 + 0.5) / 1000));
		json_object_set_new(o, "how", json_string(tm_search_how_name(h->how)));
		if (h->topic)
			json_object_set_new(o, "topic", json_string(h->topic));
		json_object_set_new(o, "country", country);
		json_object_set_new(o, "description", desc);
		json_object_set_new(o, "ties", h->ties >= 0 ? json_integer(h->ties) : json_null());
		json_array_append_new(results, o);
	}
	json_t *topics = json_array();
	for (size_t i = 0; i < hits.n_topics; i++) {
		const tm_search_topic *t = &hits.topics[i];
		json_t *o = json_object();
		json_object_set_new(o, "type", json_string(t->type));
		json_object_set_new(o, "id", json_string(t->id));
		json_object_set_new(o, "label", json_string(t->label_en));
		json_object_set_new(o, "label_zh", json_string(t->label_zh));
		json_array_append_new(topics, o);
	}
	*out = json_object();
	json_object_set_new(*out, "results", results);
	json_object_set_new(*out, "topics", topics);
	json_object_set_new(*out, "corrected", string_or_null(hits.corrected));
	tm_search_hits_release(&hits);
	return done(st, out, err);
}

/* ---- graph queries ---- */

/* An entity added since the running server's graph was built (a write
 * wakes its reload, which takes a moment) has a node past the graph's: it
 * has no ties there yet, and is answered as an entity without any. */
static int newer_than_graph(const tm_graph *g, tm_node n)
{
	return n >= tm_graph_n_nodes(g);
}

tm_rc tm_view_path(tm_store *st, const tm_graph *g, const char *a, const char *b, const tm_path_opts *opts,
		   json_t **out, tm_err *err)
{
	*out = NULL;
	tm_node na, nb;
	tm_paths paths = { 0 };
	tm_rc rc = tm_view_node_of(st, a, &na, err);
	if (!rc)
		rc = tm_view_node_of(st, b, &nb, err);
	if (!rc && !newer_than_graph(g, na) && !newer_than_graph(g, nb))
		rc = tm_graph_paths(g, na, nb, opts, &paths, err);
	if (rc)
		return rc;
	tm_view_memo *m = tm_view_memo_new(st);
	json_t *arr = json_array();
	for (size_t i = 0; i < paths.n; i++) {
		json_t *edges = json_array();
		for (size_t s = 0; s < paths.v[i].n; s++)
			json_array_append_new(edges, tm_view_memo_step(m, &paths.v[i].steps[s]));
		json_t *p = json_object();
		json_object_set_new(p, "hops", json_integer((json_int_t)paths.v[i].n));
		json_object_set_new(p, "edges", edges);
		json_array_append_new(arr, p);
	}
	json_t *root = json_object();
	json_object_set_new(root, "from", json_string(a));
	json_object_set_new(root, "to", json_string(b));
	json_object_set_new(root, "through_places", json_boolean(!opts || opts->kinds != tm_kinds_no_places()));
	json_object_set_new(root, "paths", arr);
	json_object_set_new(root, "truncated", json_boolean(paths.truncated));
	tm_paths_release(&paths);
	tm_view_memo_free(m);
	*out = root;
	return done(st, out, err);
}

static json_t *share_json(double share)
{
	return share < 0 ? json_null() : json_real(share);
}

tm_rc tm_view_owners(tm_store *st, const tm_graph *g, const char *id, json_t **out, tm_err *err)
{
	*out = NULL;
	tm_node node;
	tm_owners own = { 0 };
	tm_rc rc = tm_view_node_of(st, id, &node, err);
	if (!rc && !newer_than_graph(g, node))
		rc = tm_graph_owners(g, node, 0, 0, &own, err);
	if (rc)
		return rc;
	tm_view_memo *m = tm_view_memo_new(st);
	json_t *chains = json_array();
	for (size_t i = 0; i < own.n_chains; i++) {
		const tm_owner_chain *ch = &own.chains[i];
		json_t *ents = json_array(), *rels = json_array();
		for (size_t k = 0; k < ch->n; k++)
			json_array_append_new(ents, json_string(tm_view_memo_node(m, ch->nodes[k])->id));
		for (size_t k = 0; k + 1 < ch->n; k++) {
			tm_relation r;
			/* not found: the graph is older than the store; a failure
			 * is kept by the store, and done() answers it */
			if (tm_store_get_relation(st, ch->rel_ids[k], &r, NULL) != TM_OK)
				continue;
			json_t *e = json_object();
			const tm_view_ent *owner = tm_view_memo_entity(m, r.subject);
			json_object_set_new(e, "owner", json_string(r.subject));
			json_object_set_new(e, "owner_name", json_string(owner->name));
			json_object_set_new(e, "owner_name_zh", json_string(owner->name_zh));
			json_object_set_new(e, "predicate", json_string(r.predicate));
			const tm_view_ent *owned = tm_view_memo_entity(m, r.object);
			json_object_set_new(e, "owned", json_string(r.object));
			json_object_set_new(e, "owned_name", json_string(owned->name));
			json_object_set_new(e, "owned_name_zh", json_string(owned->name_zh));
			if (r.has_share)
				json_object_set_new(e, "share", json_real(r.share));
			tm_json_set_str(e, "start", r.start);
			tm_json_set_str(e, "end", r.end);
			json_object_set_new(e, "sources", tm_view_memo_cites(m, &r.cites));
			json_array_append_new(rels, e);
			tm_relation_release(&r);
		}
		json_t *c = json_object();
		json_object_set_new(c, "entities", ents);
		json_object_set_new(c, "effective_share", share_json(ch->effective_share));
		json_object_set_new(c, "edges", rels);
		json_array_append_new(chains, c);
	}
	json_t *parents = json_array();
	for (size_t i = 0; i < own.n_totals; i++) {
		const tm_view_ent *pe = tm_view_memo_node(m, own.totals[i].parent);
		json_t *p = json_object();
		json_object_set_new(p, "id", json_string(pe->id));
		json_object_set_new(p, "name", json_string(pe->name));
		json_object_set_new(p, "name_zh", json_string(pe->name_zh));
		json_object_set_new(p, "effective_share", share_json(own.totals[i].effective_share));
		json_object_set_new(p, "chains", json_integer((json_int_t)own.totals[i].n_chains));
		json_array_append_new(parents, p);
	}
	tm_owners_release(&own);
	tm_view_memo_free(m);
	json_t *root = json_object();
	json_object_set_new(root, "id", json_string(id));
	json_object_set_new(root, "chains", chains);
	json_object_set_new(root, "ultimate_parents", parents);
	*out = root;
	return done(st, out, err);
}

tm_rc tm_view_neighbors(tm_store *st, const tm_graph *g, const char *id, int depth, size_t limit,
			int through_places, json_t **out, tm_err *err)
{
	*out = NULL;
	tm_node node;
	tm_hood h = { 0 };
	tm_rc rc = tm_view_node_of(st, id, &node, err);
	int newer = !rc && newer_than_graph(g, node);
	if (!rc && !newer)
		rc = tm_graph_neighbors_kinds(g, node, depth, limit, through_places ? 0 : tm_kinds_no_places(), &h, err);
	if (rc)
		return rc;
	tm_view_memo *m = tm_view_memo_new(st);
	json_t *nodes = json_array(), *edges = json_array();
	if (newer) {
		json_t *n = tm_view_memo_ref(m, id);
		json_object_set_new(n, "depth", json_integer(0));
		json_array_append_new(nodes, n);
	}
	for (size_t i = 0; i < h.n_nodes; i++) {
		const tm_view_ent *e = tm_view_memo_node(m, h.nodes[i]);
		json_t *n = tm_view_memo_ref(m, e->id);
		json_object_set_new(n, "depth", json_integer(h.dist[i]));
		json_array_append_new(nodes, n);
	}
	for (size_t i = 0; i < h.n_edges; i++)
		json_array_append_new(edges, tm_view_memo_step(m, &h.edges[i]));
	json_t *root = json_object();
	json_object_set_new(root, "id", json_string(id));
	json_object_set_new(root, "depth", json_integer(depth));
	json_object_set_new(root, "through_places", json_boolean(through_places));
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "edges", edges);
	json_object_set_new(root, "truncated", json_boolean(h.truncated));
	tm_hood_release(&h);
	tm_view_memo_free(m);
	*out = root;
	return done(st, out, err);
}

/* ---- a source and its claims ---- */

struct claims_ctx {
	tm_store *st;
	tm_view_memo *m;
	const char *source;
	json_t *entities, *involvements, *relations;
	size_t limit;  /* of each; 0: all */
	int truncated; /* one more than limit was seen */
};

/* The words a claim quotes from this source: [{"quote","page"}]. */
static json_t *quotes_of(const struct claims_ctx *c, const tm_cites *cites)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < cites->n; i++) {
		if (strcmp(cites->v[i].source, c->source) != 0 || (!cites->v[i].quote && !cites->v[i].page))
			continue;
		json_t *q = json_object();
		tm_json_set_str(q, "quote", cites->v[i].quote);
		tm_json_set_str(q, "page", cites->v[i].page);
		json_array_append_new(arr, q);
	}
	return arr;
}

static int full(struct claims_ctx *c, json_t *list)
{
	if (c->limit && json_array_size(list) == c->limit) {
		c->truncated = 1;
		return 1;
	}
	return 0;
}

static int claim_entity(void *p, const tm_entity *e)
{
	struct claims_ctx *c = p;
	if (full(c, c->entities))
		return 1;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(e->id));
	json_object_set_new(o, "kind", json_string(e->kind));
	json_object_set_new(o, "name", json_string(tm_entity_display_name(e, "en")));
	json_object_set_new(o, "name_zh", json_string(tm_entity_display_name(e, "zh")));
	json_object_set_new(o, "quotes", quotes_of(c, &e->cites));
	json_array_append_new(c->entities, o);
	return 0;
}

static int claim_involvement(void *p, int64_t id, const tm_involvement *v)
{
	struct claims_ctx *c = p;
	(void)id;
	if (full(c, c->involvements))
		return 1;
	json_t *o = tm_view_involvement_json(c->m, v);
	json_object_set_new(o, "entity_ref", tm_view_memo_ref(c->m, v->entity));
	json_object_set_new(o, "quotes", quotes_of(c, &v->cites));
	json_array_append_new(c->involvements, o);
	return 0;
}

static int claim_relation(void *p, int64_t id, const tm_relation *r)
{
	struct claims_ctx *c = p;
	if (full(c, c->relations))
		return 1;
	tm_view_rel it = { id, *r, 1 }; /* a shallow, borrowed view: never released */
	json_t *o = tm_relation_to_json(r);
	json_object_del(o, "type");
	json_object_set_new(o, "label", json_string(tm_view_rel_label(&it, "en")));
	json_object_set_new(o, "label_zh", json_string(tm_view_rel_label(&it, "zh")));
	json_object_set_new(o, "subject_ref", tm_view_memo_ref(c->m, r->subject));
	json_object_set_new(o, "object_ref", tm_view_memo_ref(c->m, r->object));
	json_object_set_new(o, "quotes", quotes_of(c, &r->cites));
	json_array_append_new(c->relations, o);
	return 0;
}

/* Prepends: the store lists captures oldest first, readers want the latest. */
static int capture_item(void *ctx, const tm_capture *c)
{
	json_t *o = tm_capture_to_json(c);
	json_object_del(o, "type");
	json_object_del(o, "source");
	char stamp[15];
	tm_capture_stamp(c->fetched, stamp);
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "/sources/%s/archive/%s", c->source, stamp);
	json_object_set_new(o, "copy_url", json_string(b.buf));
	tm_buf_adds(&b, "/warc");
	json_object_set_new(o, "warc_url", json_string(b.buf));
	tm_buf_release(&b);
	json_array_insert_new(ctx, 0, o);
	return 0;
}

tm_rc tm_view_source(tm_store *st, const char *id, size_t limit, json_t **out, tm_err *err)
{
	*out = NULL;
	tm_source s;
	tm_rc rc = tm_store_get_source(st, id, &s, err);
	if (rc)
		return rc;
	struct claims_ctx c = { st, tm_view_memo_new(st), id, json_array(), json_array(), json_array(), limit, 0 };
	rc = tm_store_source_claims(st, id, limit, claim_entity, claim_involvement, claim_relation, &c, err);
	tm_view_memo_free(c.m);
	if (rc) {
		json_decref(c.entities);
		json_decref(c.involvements);
		json_decref(c.relations);
		tm_source_release(&s);
		return rc;
	}
	json_t *o = tm_source_to_json(&s);
	json_object_del(o, "type");
	/* always said, so that a page or a client can mark an unchecked source */
	json_object_set_new(o, "checked", json_boolean(s.checked));
	json_object_set_new(o, "entities", c.entities);
	json_object_set_new(o, "involvements", c.involvements);
	json_object_set_new(o, "relations", c.relations);
	json_object_set_new(o, "truncated", json_boolean(c.truncated));
	json_t *caps = json_array();
	rc = tm_store_each_capture(st, id, capture_item, caps, err);
	json_object_set_new(o, "captures", caps);
	tm_source_release(&s);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return done(st, out, err);
}
