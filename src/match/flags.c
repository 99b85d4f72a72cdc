/*
 * Flags: which of the requested tags a matched entity carries or reaches,
 * and the chain of ties that shows it.
 *
 * Owners first: a holding that is a subsidiary of a tagged group is flagged
 * through its chain of owners (tm_graph_owners), which is the strongest tie
 * a divestment case can cite.  Then any tie within the hops (the nearest
 * tagged entity of the neighbourhood, tm_graph_neighbors, and the shortest
 * path to it, tm_graph_paths).  A path may end at a country but never pass
 * through one: every company "sells in" or "invested in" some country, and
 * a country joins everything to everything.
 *
 * An entity that carries a tag itself is flagged at distance 0; its evidence
 * still shows the nearest other entity with that tag (its owner, most often),
 * because that chain is what a campaign publishes.
 */
#include "match/match_internal.h"

#include <stdlib.h>
#include <string.h>

#define MAX_HOOD 4096   /* nodes of a neighbourhood looked at */
#define MAX_TRIES 8     /* tagged neighbours tried for a path that avoids countries */
#define MAX_CHAINS 64

struct tm_flagger {
	const tm_graph *g;
	int hops;
	size_t ntags;
	char **tags;
	uint8_t **seed;   /* seed[t][node]: the node carries tags[t] */
	uint64_t own_mask; /* predicates with `ownership` */
	uint64_t kinds_no_country;
	int country_kind;
};

struct seed_ctx {
	uint8_t *seed;
	uint32_t n;
};

static int on_tagged(void *p, tm_ekey key)
{
	struct seed_ctx *c = p;
	if (key > 0 && (uint64_t)key < c->n)
		c->seed[key] = 1;
	return 0;
}

tm_rc tm_flagger_new(tm_store *st, const tm_graph *g, const char *const *tags, size_t ntags, int hops,
		     tm_flagger **out, tm_err *err)
{
	tm_flagger *f = tm_xcalloc(1, sizeof(*f));
	f->g = g;
	f->hops = hops < 0 ? 0 : hops > 8 ? 8 : hops;
	f->ntags = ntags;
	f->tags = tm_xcalloc(ntags ? ntags : 1, sizeof(char *));
	f->seed = tm_xcalloc(ntags ? ntags : 1, sizeof(uint8_t *));
	uint32_t n = tm_graph_n_nodes(g);
	for (size_t t = 0; t < ntags; t++) {
		f->tags[t] = tm_xstrdup(tags[t]);
		f->seed[t] = tm_xcalloc(n ? n : 1, 1);
		struct seed_ctx c = { f->seed[t], n };
		tm_rc rc = tm_store_tagged(st, tags[t], on_tagged, &c, err);
		if (rc) {
			f->ntags = t + 1;
			tm_flagger_free(f);
			*out = NULL;
			return rc;
		}
	}
	for (size_t i = 0; i < tm_n_predicates && i < 64; i++)
		if (tm_predicates[i].ownership)
			f->own_mask |= (uint64_t)1 << i;
	f->country_kind = -1;
	for (size_t i = 0; i < tm_n_kinds && i < 64; i++) {
		if (strcmp(tm_kinds[i].id, "country") == 0)
			f->country_kind = (int)i;
		else
			f->kinds_no_country |= (uint64_t)1 << i;
	}
	*out = f;
	return TM_OK;
}

void tm_flagger_free(tm_flagger *f)
{
	if (!f)
		return;
	for (size_t t = 0; t < f->ntags; t++) {
		free(f->tags[t]);
		free(f->seed[t]);
	}
	free(f->tags);
	free(f->seed);
	free(f);
}

void tm_flags_release(tm_flags *fl)
{
	tm_strv_release(&fl->tags);
	free(fl->via);
	free(fl->dist);
	free(fl->owner);
	free(fl->steps);
	memset(fl, 0, sizeof(*fl));
}

static void add_step(tm_flags *out, const tm_step *s)
{
	for (size_t i = 0; i < out->n_steps; i++)
		if (out->steps[i].rel_id == s->rel_id)
			return;
	TM_GROW(out->steps, out->cap_steps, out->n_steps + 1);
	out->steps[out->n_steps++] = *s;
}

/* The step up from an owned node to its owner along relation rel. */
static tm_rc owner_step(const tm_flagger *f, tm_node owned, tm_node owner, int64_t rel, tm_step *out, tm_err *err)
{
	tm_path_opts o = { .max_hops = 1, .predicates = f->own_mask, .max_paths = 16 };
	tm_paths p = { 0 };
	tm_rc rc = tm_graph_paths(f->g, owned, owner, &o, &p, err);
	if (rc)
		return rc;
	*out = (tm_step){ owned, owner, 0, rel, 0 };
	for (size_t i = 0; i < p.n; i++)
		if (p.v[i].n == 1 && p.v[i].steps[0].rel_id == rel)
			*out = p.v[i].steps[0];
	tm_paths_release(&p);
	return TM_OK;
}

typedef struct reach {
	tm_node via;
	int dist; /* -1: not reached */
	int owner;
} reach;

tm_rc tm_flagger_check(const tm_flagger *f, tm_node node, tm_flags *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!f->ntags || !tm_graph_node_exists(f->g, node))
		return TM_OK;
	reach *self = tm_xcalloc(f->ntags, sizeof(reach)), *other = tm_xcalloc(f->ntags, sizeof(reach));
	tm_owners own = { 0 };
	tm_hood hood = { 0 };
	tm_rc rc = TM_OK;
	for (size_t t = 0; t < f->ntags; t++) {
		self[t].dist = f->seed[t][node] ? 0 : -1;
		self[t].via = node;
		other[t].dist = -1;
	}
	if (f->hops > 0)
		rc = tm_graph_owners(f->g, node, f->hops, MAX_CHAINS, &own, err);
	/* owners first: the nearest tagged owner up any chain */
	for (size_t t = 0; !rc && t < f->ntags; t++) {
		size_t best_chain = 0;
		int best_k = -1;
		for (size_t c = 0; c < own.n_chains; c++) {
			const tm_owner_chain *ch = &own.chains[c];
			for (size_t k = 1; k < ch->n && (int)k <= f->hops; k++) {
				if (!f->seed[t][ch->nodes[k]])
					continue;
				if (best_k < 0 || (int)k < best_k) {
					best_k = (int)k;
					best_chain = c;
				}
				break;
			}
		}
		if (best_k < 0)
			continue;
		const tm_owner_chain *ch = &own.chains[best_chain];
		other[t] = (reach){ ch->nodes[best_k], best_k, 1 };
		for (int k = 0; k < best_k && !rc; k++) {
			tm_step s;
			rc = owner_step(f, ch->nodes[k], ch->nodes[k + 1], ch->rel_ids[k], &s, err);
			if (!rc)
				add_step(out, &s);
		}
	}
	/* then any tie, not through a country */
	int need_hood = 0;
	for (size_t t = 0; t < f->ntags; t++)
		need_hood |= other[t].dist < 0;
	if (!rc && need_hood && f->hops > 0)
		rc = tm_graph_neighbors(f->g, node, f->hops, MAX_HOOD, &hood, err);
	for (size_t t = 0; !rc && t < f->ntags; t++) {
		if (other[t].dist >= 0)
			continue;
		int tries = 0;
		for (size_t i = 1; i < hood.n_nodes && tries < MAX_TRIES && !rc; i++) {
			tm_node v = hood.nodes[i];
			if (v == node || !f->seed[t][v])
				continue;
			tries++;
			tm_path_opts o = { .max_hops = f->hops, .kinds = f->kinds_no_country, .max_paths = 1 };
			tm_paths p = { 0 };
			rc = tm_graph_paths(f->g, node, v, &o, &p, err);
			if (!rc && p.n > 0) {
				other[t] = (reach){ v, (int)p.v[0].n, 0 };
				for (size_t k = 0; k < p.v[0].n; k++)
					add_step(out, &p.v[0].steps[k]);
				tm_paths_release(&p);
				break;
			}
			tm_paths_release(&p);
		}
	}
	for (size_t t = 0; !rc && t < f->ntags; t++) {
		const reach *r = self[t].dist == 0 ? &self[t] : &other[t];
		if (r->dist < 0)
			continue;
		size_t i = out->tags.n;
		tm_strv_push(&out->tags, f->tags[t]);
		out->via = tm_xrealloc(out->via, (i + 1) * sizeof(*out->via));
		out->dist = tm_xrealloc(out->dist, (i + 1) * sizeof(*out->dist));
		out->owner = tm_xrealloc(out->owner, (i + 1) * sizeof(*out->owner));
		out->via[i] = r->via;
		out->dist[i] = r->dist;
		out->owner[i] = r->owner;
	}
	tm_owners_release(&own);
	tm_hood_release(&hood);
	free(self);
	free(other);
	if (rc)
		tm_flags_release(out);
	return rc;
}
