/*
 * Flags: the involvement categories a matched entity is flagged for, from
 * involvement claims only, and the chain of ownership that carries a claim to
 * the entity when the claim is another's (match.h, docs/screening.md).
 *
 * Involvement claims are few (a research database holds thousands where it
 * holds millions of ties), so the flagger reads them all once, as a sorted
 * list of (node, category, claim).  Then, for an entity:
 *   - direct: its own claims, a binary search;
 *   - via an owner: a breadth-first walk up its ownership ties (few: a
 *     company has one or two owners), to depth ties, looking for claims;
 *   - via a subsidiary: walking down instead could visit a holding's
 *     thousands of subsidiaries for every row, so the flagger walks up once,
 *     when it is made, from every entity with a claim, and keeps for each
 *     owner it reaches the nearest claim below it.
 * Both walks take only ownership ties valid today whose share is at least
 * min_share or not recorded, and never enter a place.
 */
#include "match/match_internal.h"

#include <stdlib.h>
#include <string.h>

/* One claim of the store, by node. */
struct claim {
	tm_node node;
	int category;
	int64_t id;
};

/* An owner, the category of a claim below it, and the walk up to it from
 * the claimed entity (below[0].from), precomputed for the subsidiary flags. */
struct below {
	tm_node owner;
	int category;
	tm_node involved;
	tm_step up[TM_FLAG_DEPTH_MAX]; /* involved → … → owner, each walked up (owned by) */
	int n_up;
};

struct tm_flagger {
	const tm_graph *g;
	int depth;
	double min_share;
	uint64_t own_mask;   /* predicates with `ownership` */
	int32_t today;       /* YYYYMMDD: only ties valid today carry a flag */
	uint8_t want[64];    /* want[c]: category c was asked for */
	struct claim *claims; /* sorted by node, category, id */
	size_t n_claims;
	struct below *below; /* sorted by owner, category, chain length, involved */
	size_t n_below;
};

void tm_flag_opts_init(tm_flag_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->depth = TM_FLAG_DEPTH;
	o->min_share = TM_FLAG_MIN_SHARE;
}

const char *tm_flag_basis_name(tm_flag_basis b)
{
	switch (b) {
	case TM_FLAG_DIRECT: return "direct";
	case TM_FLAG_VIA_OWNER: return "via_owner";
	case TM_FLAG_VIA_SUBSIDIARY: return "via_subsidiary";
	}
	return "?";
}

static int cmp_claim(const void *x, const void *y)
{
	const struct claim *a = x, *b = y;
	if (a->node != b->node)
		return a->node < b->node ? -1 : 1;
	if (a->category != b->category)
		return a->category < b->category ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_below(const void *x, const void *y)
{
	const struct below *a = x, *b = y;
	if (a->owner != b->owner)
		return a->owner < b->owner ? -1 : 1;
	if (a->category != b->category)
		return a->category < b->category ? -1 : 1;
	if (a->n_up != b->n_up)
		return a->n_up < b->n_up ? -1 : 1;
	return a->involved < b->involved ? -1 : a->involved > b->involved;
}

struct load_ctx {
	tm_flagger *f;
	size_t cap;
};

static int on_claim(void *p, tm_ekey key, int category, int64_t id)
{
	struct load_ctx *c = p;
	tm_flagger *f = c->f;
	if (key <= 0 || (uint64_t)key >= tm_graph_n_nodes(f->g) || category >= 64 || !f->want[category])
		return 0;
	/* a place carries no flag, whatever the data says (tiemap check lists such claims) */
	int kind = tm_graph_node_kind(f->g, (tm_node)key);
	if (kind >= 0 && tm_kinds[kind].place)
		return 0;
	TM_GROW(f->claims, c->cap, f->n_claims + 1);
	f->claims[f->n_claims++] = (struct claim){ (tm_node)key, category, id };
	return 0;
}

/* The claims of node: [*lo, return) of f->claims. */
static size_t claims_of(const tm_flagger *f, tm_node node, size_t *lo)
{
	size_t a = 0, b = f->n_claims;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (f->claims[m].node < node)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (b < f->n_claims && f->claims[b].node == node)
		b++;
	return a < f->n_claims && f->claims[a].node == node ? b : a;
}

/* Does tie t carry a flag: valid today, enough of a share, not to a place? */
static int tie_carries(const tm_flagger *f, const tm_tie *t)
{
	if (t->start > f->today || t->end < f->today)
		return 0;
	if (t->share >= 0 && t->share < f->min_share)
		return 0;
	int kind = tm_graph_node_kind(f->g, t->step.to);
	return !(kind >= 0 && tm_kinds[kind].place);
}

/* A breadth-first walk up the ownership ties from start, to depth ties: the
 * owners reached, each with the walk up to it (its parent in the walk). */
struct walk {
	tm_node *node;
	int *parent;   /* index of the node it was reached from, -1 for start */
	tm_step *step; /* the tie from the parent to it */
	int *dist;
	size_t n, cap;
};

static void walk_release(struct walk *w)
{
	free(w->node);
	free(w->parent);
	free(w->step);
	free(w->dist);
	memset(w, 0, sizeof(*w));
}

static int walk_has(const struct walk *w, tm_node x)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->node[i] == x)
			return 1;
	return 0;
}

static void walk_push(struct walk *w, tm_node x, int parent, const tm_step *s, int dist)
{
	if (w->n == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->node = tm_xrealloc(w->node, w->cap * sizeof(*w->node));
		w->parent = tm_xrealloc(w->parent, w->cap * sizeof(*w->parent));
		w->step = tm_xrealloc(w->step, w->cap * sizeof(*w->step));
		w->dist = tm_xrealloc(w->dist, w->cap * sizeof(*w->dist));
	}
	w->node[w->n] = x;
	w->parent[w->n] = parent;
	if (s)
		w->step[w->n] = *s;
	w->dist[w->n++] = dist;
}

/* A walk reaches few nodes (owners of owners); it stops at this many anyway,
 * so that a damaged or strange ownership web cannot make a row slow. */
#define WALK_MAX 4096

static tm_rc walk_up(const tm_flagger *f, tm_node start, struct walk *w, tm_err *err)
{
	tm_ties ties = { 0 };
	tm_rc rc = TM_OK;
	walk_push(w, start, -1, NULL, 0);
	for (size_t i = 0; i < w->n && !rc; i++) {
		if (w->dist[i] == f->depth)
			continue;
		if ((rc = tm_graph_ties(f->g, w->node[i], f->own_mask, TM_TIES_IN, &ties, err)))
			break;
		for (size_t k = 0; k < ties.n && w->n < WALK_MAX; k++) {
			const tm_tie *t = &ties.v[k];
			if (!tie_carries(f, t) || walk_has(w, t->step.to))
				continue;
			walk_push(w, t->step.to, (int)i, &t->step, w->dist[i] + 1);
		}
	}
	tm_ties_release(&ties);
	return rc;
}

tm_rc tm_flagger_new(tm_store *st, const tm_graph *g, const tm_flag_opts *o, tm_flagger **out, tm_err *err)
{
	*out = NULL;
	tm_flag_opts def;
	if (!o) {
		tm_flag_opts_init(&def);
		o = &def;
	}
	tm_flagger *f = tm_xcalloc(1, sizeof(*f));
	f->g = g;
	f->depth = o->depth < 0 ? 0 : o->depth > TM_FLAG_DEPTH_MAX ? TM_FLAG_DEPTH_MAX : o->depth;
	f->min_share = o->min_share;
	for (size_t i = 0; i < tm_n_predicates && i < 64; i++)
		if (tm_predicates[i].ownership)
			f->own_mask |= (uint64_t)1 << i;
	char today[11];
	tm_today(today);
	f->today = tm_graph_date_start(today);
	if (!o->ncategories) {
		for (size_t c = 0; c < tm_n_categories && c < 64; c++)
			f->want[c] = 1;
	}
	for (size_t i = 0; i < o->ncategories; i++) {
		int c = tm_category_index(o->categories[i]);
		if (c < 0 || c >= 64) {
			tm_flagger_free(f);
			return tm_fail(err, TM_ERR_INVALID, "unknown category '%s' (docs/format.md lists them)",
				       o->categories[i]);
		}
		f->want[c] = 1;
	}
	struct load_ctx lc = { f, 0 };
	tm_rc rc = tm_store_each_involved(st, on_claim, &lc, err);
	if (!rc && f->n_claims > 1)
		qsort(f->claims, f->n_claims, sizeof(*f->claims), cmp_claim);
	/* the owners above every claim, for the subsidiary flags */
	size_t cap = 0;
	for (size_t i = 0; !rc && f->depth > 0 && i < f->n_claims; i++) {
		if (i && f->claims[i].node == f->claims[i - 1].node)
			continue; /* one walk a node: its claims share it */
		struct walk w = { 0 };
		rc = walk_up(f, f->claims[i].node, &w, err);
		for (size_t k = 1; !rc && k < w.n; k++) {
			for (size_t c = i; c < f->n_claims && f->claims[c].node == f->claims[i].node; c++) {
				if (c > i && f->claims[c].category == f->claims[c - 1].category)
					continue;
				TM_GROW(f->below, cap, f->n_below + 1);
				struct below *b = &f->below[f->n_below++];
				memset(b, 0, sizeof(*b));
				b->owner = w.node[k];
				b->category = f->claims[c].category;
				b->involved = f->claims[i].node;
				/* the walk from the claimed entity up to the owner, in order */
				int n = w.dist[k];
				b->n_up = n;
				for (int at = (int)k; at > 0; at = w.parent[at])
					b->up[--n] = w.step[at];
			}
		}
		walk_release(&w);
	}
	if (!rc && f->n_below > 1)
		qsort(f->below, f->n_below, sizeof(*f->below), cmp_below);
	if (rc) {
		tm_flagger_free(f);
		return rc;
	}
	*out = f;
	return TM_OK;
}

void tm_flagger_free(tm_flagger *f)
{
	if (!f)
		return;
	free(f->claims);
	free(f->below);
	free(f);
}

void tm_flags_release(tm_flags *fl)
{
	for (size_t i = 0; i < fl->n; i++) {
		free(fl->v[i].claims);
		free(fl->v[i].chain);
	}
	free(fl->v);
	memset(fl, 0, sizeof(*fl));
}

void tm_flags_copy(tm_flags *dst, const tm_flags *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->n)
		return;
	dst->v = tm_xcalloc(src->n, sizeof(*dst->v));
	dst->n = dst->cap = src->n;
	for (size_t i = 0; i < src->n; i++) {
		tm_flag *d = &dst->v[i];
		const tm_flag *s = &src->v[i];
		*d = *s;
		d->claims = tm_xmalloc((s->n_claims ? s->n_claims : 1) * sizeof(*d->claims));
		memcpy(d->claims, s->claims, s->n_claims * sizeof(*d->claims));
		d->chain = NULL;
		if (s->n_chain) {
			d->chain = tm_xmalloc(s->n_chain * sizeof(*d->chain));
			memcpy(d->chain, s->chain, s->n_chain * sizeof(*d->chain));
		}
	}
}

/* The flag of category c in out, made if missing; NULL when it has one. */
static tm_flag *flag_for(tm_flags *out, int c, int *fresh)
{
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].category == c) {
			*fresh = 0;
			return &out->v[i];
		}
	TM_GROW(out->v, out->cap, out->n + 1);
	tm_flag *fl = &out->v[out->n++];
	memset(fl, 0, sizeof(*fl));
	fl->category = c;
	*fresh = 1;
	return fl;
}

/* The claims of involved in category c into fl. */
static void take_claims(const tm_flagger *f, tm_flag *fl, tm_node involved, int c)
{
	size_t lo, hi = claims_of(f, involved, &lo);
	for (size_t i = lo; i < hi; i++) {
		if (f->claims[i].category != c)
			continue;
		fl->claims = tm_xrealloc(fl->claims, (fl->n_claims + 1) * sizeof(*fl->claims));
		fl->claims[fl->n_claims++] = f->claims[i].id;
	}
}

static int cmp_flag(const void *x, const void *y)
{
	const tm_flag *a = x, *b = y;
	return a->category < b->category ? -1 : a->category > b->category;
}

tm_rc tm_flagger_check(const tm_flagger *f, tm_node node, tm_flags *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	if (!tm_graph_node_exists(f->g, node))
		return TM_OK;
	int kind = tm_graph_node_kind(f->g, node);
	if (kind >= 0 && tm_kinds[kind].place)
		return TM_OK; /* a place is never flagged */
	int fresh;
	/* direct */
	size_t lo, hi = claims_of(f, node, &lo);
	for (size_t i = lo; i < hi; i++) {
		tm_flag *fl = flag_for(out, f->claims[i].category, &fresh);
		if (fresh) {
			fl->basis = TM_FLAG_DIRECT;
			fl->involved = node;
		}
		fl->claims = tm_xrealloc(fl->claims, (fl->n_claims + 1) * sizeof(*fl->claims));
		fl->claims[fl->n_claims++] = f->claims[i].id;
	}
	/* via an owner: the walk is breadth first, so the first owner found with
	 * a category is the nearest */
	tm_rc rc = TM_OK;
	if (f->depth > 0 && f->n_claims) {
		struct walk w = { 0 };
		rc = walk_up(f, node, &w, err);
		for (size_t k = 1; !rc && k < w.n; k++) {
			size_t clo, chi = claims_of(f, w.node[k], &clo);
			for (size_t i = clo; i < chi; i++) {
				if (i > clo && f->claims[i].category == f->claims[i - 1].category)
					continue;
				tm_flag *fl = flag_for(out, f->claims[i].category, &fresh);
				if (!fresh)
					continue;
				fl->basis = TM_FLAG_VIA_OWNER;
				fl->involved = w.node[k];
				fl->n_chain = (size_t)w.dist[k];
				fl->chain = tm_xmalloc(fl->n_chain * sizeof(*fl->chain));
				int n = w.dist[k];
				for (int at = (int)k; at > 0; at = w.parent[at])
					fl->chain[--n] = w.step[at];
				take_claims(f, fl, w.node[k], f->claims[i].category);
			}
		}
		walk_release(&w);
	}
	/* via a subsidiary: what the flagger found above each claim, nearest
	 * first; an owner chain of the same length was found first and stays */
	size_t a = 0, b = f->n_below;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (f->below[m].owner < node)
			a = m + 1;
		else
			b = m;
	}
	for (size_t i = a; !rc && i < f->n_below && f->below[i].owner == node; i++) {
		const struct below *bl = &f->below[i];
		tm_flag *fl = flag_for(out, bl->category, &fresh);
		if (!fresh && (fl->basis == TM_FLAG_DIRECT || fl->n_chain <= (size_t)bl->n_up))
			continue;
		free(fl->claims);
		free(fl->chain);
		fl->claims = NULL;
		fl->n_claims = 0;
		fl->basis = TM_FLAG_VIA_SUBSIDIARY;
		fl->involved = bl->involved;
		/* down from the entity: the walk up, turned around */
		fl->n_chain = (size_t)bl->n_up;
		fl->chain = tm_xmalloc(fl->n_chain * sizeof(*fl->chain));
		for (int k = 0; k < bl->n_up; k++) {
			tm_step s = bl->up[bl->n_up - 1 - k];
			tm_node t = s.from;
			s.from = s.to;
			s.to = t;
			s.forward = !s.forward;
			fl->chain[k] = s;
		}
		take_claims(f, fl, bl->involved, bl->category);
	}
	if (rc) {
		tm_flags_release(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), cmp_flag);
	return TM_OK;
}
