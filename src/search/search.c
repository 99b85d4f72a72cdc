/*
 * Search and resolution over the store's look-ups.  A query's match keys
 * (text.h) are looked up exactly, by prefix and as words; each look-up
 * scores what it finds, an entity keeps its best score, and the best are
 * read back and ordered.  What the strict look-ups miss, the forgiving
 * stages (forgive.c, topic.c) may find, below them.
 */
#include "search/search_internal.h"

#include <stdlib.h>
#include <string.h>

#define LIMIT_IDENTS 50
/* At most this many words stand for a word being typed; a start shared by
 * more ("li") is left to the index's own prefix query. */
#define EXPAND_MAX 64

const char *tm_search_how_name(tm_search_how how)
{
	switch (how) {
	case TM_SEARCH_ID: return "id";
	case TM_SEARCH_NAME: return "name";
	case TM_SEARCH_PREFIX: return "prefix";
	case TM_SEARCH_WORDS: return "words";
	case TM_SEARCH_TYPO: return "typo";
	case TM_SEARCH_PART: return "part";
	case TM_SEARCH_TOPIC: return "topic";
	}
	return "?";
}

void tm_search_hits_release(tm_search_hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].id);
		free(h->v[i].kind);
		free(h->v[i].name);
		free(h->v[i].matched);
	}
	free(h->v);
	free(h->topics);
	free(h->corrected);
	memset(h, 0, sizeof(*h));
}

void tm_search_cands_release(tm_search_cands *c)
{
	free(c->v);
	free(c->slot);
	memset(c, 0, sizeof(*c));
}

static size_t slot_of(int64_t entity, size_t nslot)
{
	uint64_t h = (uint64_t)entity * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h >> 32) & (nslot - 1);
}

/* The table at twice the candidates, as they grow. */
static void cands_rehash(tm_search_cands *c)
{
	size_t nslot = c->nslot ? c->nslot * 2 : 64;
	free(c->slot);
	c->slot = tm_xcalloc(nslot, sizeof(*c->slot));
	c->nslot = nslot;
	for (size_t i = 0; i < c->n; i++) {
		size_t h = slot_of(c->v[i].entity, nslot);
		while (c->slot[h])
			h = (h + 1) & (nslot - 1);
		c->slot[h] = (uint32_t)i + 1;
	}
}

void tm_search_cands_add(tm_search_cands *c, int64_t entity, int64_t name, double score, tm_search_how how,
			 const char *topic)
{
	if ((c->n + 1) * 2 > c->nslot)
		cands_rehash(c);
	size_t h = slot_of(entity, c->nslot);
	for (; c->slot[h]; h = (h + 1) & (c->nslot - 1)) {
		tm_search_cand *x = &c->v[c->slot[h] - 1];
		if (x->entity != entity)
			continue;
		if (score > x->score)
			*x = (tm_search_cand){ entity, name, score, how, topic, -1 };
		return;
	}
	TM_GROW(c->v, c->cap, c->n + 1);
	c->v[c->n++] = (tm_search_cand){ entity, name, score, how, topic, -1 };
	c->slot[h] = (uint32_t)c->n;
}

double tm_search_cands_best(const tm_search_cands *c)
{
	double best = 0;
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].score > best)
			best = c->v[i].score;
	return best;
}

/* What a look-up's callback adds to: the pass, the score and kind of what
 * it finds, and (for prefixes) the length of the query's key. */
struct gather {
	const tm_search_pass *p;
	double score;
	tm_search_how how;
	size_t key_len;
};

static void gather_add(const struct gather *g, tm_ekey entity, int64_t name, double score)
{
	const tm_search_pass *p = g->p;
	tm_search_cands_add(p->c, entity, name, score * p->scale, p->how ? p->how : g->how, NULL);
}

static int on_name(void *ctx, tm_ekey entity, int64_t name)
{
	struct gather *g = ctx;
	gather_add(g, entity, name, g->score);
	return 0;
}

static int on_ident(void *ctx, tm_ekey entity, const char *scheme)
{
	(void)scheme;
	return on_name(ctx, entity, 0);
}

static int on_prefix(void *ctx, tm_ekey entity, int64_t name, size_t key_len)
{
	struct gather *g = ctx;
	/* a prefix covering more of the name ranks higher, below any exact match */
	gather_add(g, entity, name, 0.5 + 0.4 * (double)g->key_len / (double)key_len);
	return 0;
}

static tm_rc search_exact(tm_store *st, const char *key, double score, const tm_search_pass *p, tm_err *err)
{
	struct gather g = { p, score, TM_SEARCH_NAME, 0 };
	return tm_store_names_by_key(st, key, TM_SEARCH_LIMIT_KEYS, on_name, &g, err);
}

static tm_rc search_prefix(tm_store *st, const char *key, const tm_search_pass *p, tm_err *err)
{
	struct gather g = { p, 0, TM_SEARCH_PREFIX, key ? strlen(key) : 0 };
	return tm_store_names_by_prefix(st, key, 1, TM_SEARCH_LIMIT_KEYS, on_prefix, &g, err);
}

/* The terms of a words look-up as they are built: phrases in one vector,
 * each term a run of them. */
struct terms {
	tm_strv phrases;
	struct term {
		int lists, prefix;
		size_t first, n;
	} *v;
	size_t n, cap;
};

/* A new term of the phrases from first on. */
static void term_add_run(struct terms *t, int lists, size_t first, int prefix)
{
	TM_GROW(t->v, t->cap, t->n + 1);
	t->v[t->n++] = (struct term){ lists, prefix, first, t->phrases.n - first };
}

/* A new term of one phrase, the n bytes at w. */
static void term_add(struct terms *t, int lists, const char *w, size_t n, int prefix)
{
	tm_strv_push_owned(&t->phrases, tm_xstrndup(w, n));
	term_add_run(t, lists, t->phrases.n - 1, prefix);
}

/* The words of the index that start with what is being typed. */
struct expansion {
	tm_strv words;
	size_t seen;
};

static int on_word(void *ctx, const char *word, size_t len)
{
	struct expansion *x = ctx;
	if (++x->seen <= EXPAND_MAX)
		tm_strv_push_owned(&x->words, tm_xstrndup(word, len));
	return 0;
}

static int is_ascii_word(const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9')))
			return 0;
	return n > 0;
}

/* Code points in the n bytes at s. */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/*
 * The terms for a name's words: text is its pairs key when it has Han
 * characters, else its tokens (text.h).  All words are required:
 *   - a run of Han characters is one phrase: of its pairs over the pairs
 *     list, or, a run of one character, that character over tokens;
 *   - a Latin word is a whole word over tokens, except the last, which may
 *     be still being typed (unless it is one letter): the words of the index
 *     that start with it (tm_store_words_from), or the index's prefix query
 *     when too many do.  FTS5 merges the doclists of every word a prefix
 *     matches before it reads any, so "technology"* read a quarter of the
 *     index where "technology" is only skipped through beside a rarer word.
 * *none: nothing can match (a word being typed that no word starts).
 */
static tm_rc words_terms(tm_store *st, struct terms *t, const char *text, int *none, tm_err *err)
{
	const char *p = text;
	int in_pairs = 0;
	*none = 0;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		size_t n = (size_t)(p - w);
		while (*p == ' ')
			p++;
		char *word = tm_xstrndup(w, n);
		int han = tm_text_has_han(word), pair = han && utf8_chars(w, n) > 1;
		free(word);
		if (pair && in_pairs) {
			/* the run goes on: into the phrase */
			char **last = &t->phrases.v[t->phrases.n - 1];
			tm_buf b = TM_BUF_INIT;
			tm_buf_adds(&b, *last);
			tm_buf_addch(&b, ' ');
			tm_buf_add(&b, w, n);
			free(*last);
			*last = tm_buf_detach(&b);
			continue;
		}
		in_pairs = pair;
		if (han || *p || n < 2 || !is_ascii_word(w, n)) {
			term_add(t, pair ? TM_WORDS_PAIRS : TM_WORDS_TOKENS, w, n, !han && !*p && n > 1);
			continue;
		}
		struct expansion x = { TM_STRV_INIT, 0 };
		tm_rc rc = tm_store_words_from(st, w, n, EXPAND_MAX + 1, on_word, &x, err);
		if (rc || x.seen == 0) {
			tm_strv_release(&x.words);
			*none = !rc;
			return rc;
		}
		if (x.seen > EXPAND_MAX) {
			term_add(t, TM_WORDS_TOKENS, w, n, 1);
		} else {
			size_t first = t->phrases.n;
			for (size_t i = 0; i < x.words.n; i++) {
				tm_strv_push_owned(&t->phrases, x.words.v[i]);
				x.words.v[i] = NULL;
			}
			term_add_run(t, TM_WORDS_TOKENS, first, 0);
		}
		tm_strv_release(&x.words);
	}
	return TM_OK;
}

/* Names holding text's words (pinyin: text is the pinyin of a query with
 * Han characters, looked up as one phrase of whole syllables: they came
 * from characters, so they are complete and in order; as prefixes joined
 * by AND they matched most of the index, slowly). */
static tm_rc search_words(tm_store *st, int pinyin, const char *text, double score, const tm_search_pass *p,
			  tm_err *err)
{
	struct terms t = { TM_STRV_INIT, NULL, 0, 0 };
	int none = 0;
	tm_rc rc = TM_OK;
	if (pinyin) {
		if (*text)
			term_add(&t, TM_WORDS_PINYIN, text, strlen(text), 0);
	} else {
		rc = words_terms(st, &t, text, &none, err);
	}
	if (!rc && !none && t.n) {
		tm_words_term *terms = tm_xcalloc(t.n, sizeof(*terms));
		for (size_t i = 0; i < t.n; i++)
			terms[i] = (tm_words_term){ t.v[i].lists, (const char *const *)&t.phrases.v[t.v[i].first], t.v[i].n,
						    t.v[i].prefix };
		struct gather g = { p, score, TM_SEARCH_WORDS, 0 };
		rc = tm_store_names_by_words(st, terms, t.n, TM_SEARCH_LIMIT_KEYS, on_name, &g, err);
		free(terms);
	}
	tm_strv_release(&t.phrases);
	free(t.v);
	return rc;
}

/* About how many Han characters s has: the three-byte UTF-8 sequences led
 * by 0xE3..0xE9 (U+3000..U+9FFF, the CJK blocks; punctuation is gone from a
 * normalized key). */
static size_t han_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += *p >= 0xE3 && *p <= 0xE9;
	return n;
}

/* Candidates by score, best first, then more ties (when counted); then by
 * entity, for a stable cut. */
static int cand_cmp(const void *pa, const void *pb)
{
	const tm_search_cand *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->ties != b->ties)
		return a->ties > b->ties ? -1 : 1;
	return a->entity < b->entity ? -1 : a->entity > b->entity;
}

/* Hits by score, then more ties, then the shorter display name, then id. */
static int hit_cmp(const void *pa, const void *pb)
{
	const tm_search_hit *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->ties != b->ties)
		return a->ties > b->ties ? -1 : 1;
	size_t la = strlen(a->name), lb = strlen(b->name);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a->id, b->id);
}

tm_rc tm_search_names(tm_store *st, const tm_name_keys *k, const tm_search_pass *p, tm_err *err)
{
	tm_rc rc = TM_OK;
	char *cb = tm_text_compact(k->bare), *cn = tm_text_compact(k->norm), *cp = tm_text_compact(k->pinyin);
	if (!rc) rc = search_exact(st, k->norm, 1.0, p, err);
	if (!rc) rc = search_exact(st, k->bare, 0.98, p, err);
	if (!rc) rc = search_exact(st, cn, 0.96, p, err);
	if (!rc) rc = search_exact(st, cb, 0.96, p, err);
	if (!rc) rc = search_exact(st, k->pinyin, 0.95, p, err);
	if (!rc) rc = search_exact(st, cp, 0.95, p, err);
	if (!rc) rc = search_prefix(st, k->bare, p, err);
	if (!rc && strcmp(cb, k->bare) != 0) rc = search_prefix(st, cb, p, err);
	if (!rc && strcmp(cp, cb) != 0) rc = search_prefix(st, cp, p, err);
	if (!rc) rc = search_words(st, 0, *k->pairs ? k->pairs : k->tokens, 0.6, p, err);
	/* pinyin finds names that sound like a short Han query (华为, 华维); for a
	 * long one (a full name) sound-alikes are noise, and the phrase of common
	 * syllables (ke ji, xin xi) cost as much as the rest of the search */
	if (!rc && strcmp(k->pinyin, k->bare) != 0 && han_chars(k->bare) < 4)
		rc = search_words(st, 1, k->pinyin, 0.55, p, err);
	free(cb);
	free(cn);
	free(cp);
	return rc;
}

/* The strict candidates of the query: its id, identifiers, and names. */
static tm_rc gather(tm_store *st, const char *query, const tm_name_keys *k, tm_search_cands *c, tm_err *err)
{
	tm_ekey by_id;
	tm_err miss = { 0 };
	tm_rc found = tm_store_ekey(st, query, &by_id, &miss);
	if (found == TM_OK)
		tm_search_cands_add(c, by_id, 0, 1.0, TM_SEARCH_ID, NULL);
	else if (found != TM_ERR_NOTFOUND)
		return tm_fail(err, found, "%s", miss.msg);
	tm_search_pass p = { c, 1.0, 0 };
	struct gather g = { &p, 1.0, TM_SEARCH_ID, 0 };
	tm_rc rc = tm_store_names_by_ident(st, query, NULL, LIMIT_IDENTS, on_ident, &g, err);
	return rc ? rc : tm_search_names(st, k, &p, err);
}

/* Hit i of out from candidate c: its id, kind, display name and ties.
 * *gone: the entity is no longer there. */
static tm_rc read_hit(tm_store *st, const tm_search_cand *c, tm_search_hit *h, int *gone, tm_err *err)
{
	tm_entity e;
	tm_err miss = { 0 };
	tm_rc rc = tm_store_entity_names(st, c->entity, &e, &miss);
	*gone = rc == TM_ERR_NOTFOUND;
	if (rc)
		return *gone ? TM_OK : tm_fail(err, rc, "%s", miss.msg);
	*h = (tm_search_hit){ c->entity, e.id, e.kind, tm_xstrdup(tm_entity_display_name(&e, "en")), NULL, c->score,
			      c->how, c->topic, c->ties };
	e.id = e.kind = NULL;
	tm_entity_release(&e);
	return TM_OK;
}

/* The first limit candidates of c, read back into out as hits in order. */
static tm_rc read_hits(tm_store *st, const tm_search_opts *o, tm_search_cands *c, size_t limit, tm_search_hits *out,
		       tm_err *err)
{
	tm_rc rc = TM_OK;
	/* Only candidates that can make the first `limit` are read back: those
	 * above the limit-th best by score and ties (counted in O(1) each, from
	 * the graph), and all equal to it in both (the tie is broken by the
	 * display name).  A common word, or a topic, gathers hundreds of
	 * candidates, and reading each one cost more than finding them. */
	for (size_t i = 0; o->ties && i < c->n; i++)
		c->v[i].ties = o->ties(o->ties_ctx, c->v[i].entity);
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(c->v[0]), cand_cmp);
	size_t keep = c->n;
	if (limit && keep > limit) {
		keep = limit;
		while (keep < c->n && c->v[keep].score >= c->v[limit - 1].score - 1e-12 &&
		       c->v[keep].ties == c->v[limit - 1].ties)
			keep++;
	}
	int64_t *rows = tm_xcalloc(keep ? keep : 1, sizeof(*rows)); /* matched name row of each hit */
	for (size_t i = 0; !rc && i < keep; i++) {
		tm_search_hit h;
		int gone;
		if ((rc = read_hit(st, &c->v[i], &h, &gone, err)) || gone)
			continue;
		TM_GROW(out->v, out->cap, out->n + 1);
		rows[out->n] = c->v[i].name;
		out->v[out->n++] = h;
	}
	/* while sorting, each hit points at its name row through `matched` */
	for (size_t i = 0; i < out->n; i++)
		out->v[i].matched = (char *)&rows[i];
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(out->v[0]), hit_cmp);
	size_t n = out->n;
	if (out->n > limit)
		out->n = limit;
	for (size_t i = 0; i < n; i++) {
		tm_search_hit *h = &out->v[i];
		int64_t name_row = *(const int64_t *)h->matched;
		h->matched = NULL;
		if (i >= out->n) {
			free(h->id);
			free(h->kind);
			free(h->name);
			continue;
		}
		if (name_row && !rc) {
			char *lang = NULL;
			tm_err miss = { 0 };
			tm_rc r = tm_store_name_text(st, name_row, &h->matched, &lang, &miss);
			free(lang);
			if (r && r != TM_ERR_NOTFOUND)
				rc = tm_fail(err, r, "%s", miss.msg);
		}
		if (!h->matched)
			h->matched = tm_xstrdup(h->name);
	}
	free(rows);
	return rc;
}

static tm_rc search(tm_store *st, const char *query, const tm_search_opts *o, tm_search_hits *out, tm_err *err)
{
	size_t limit = o->limit ? o->limit : 20;
	tm_name_keys k;
	tm_rc rc = tm_text_name_keys(query, strlen(query), &k, err);
	if (rc)
		return rc;
	tm_search_cands c = { 0 };
	rc = gather(st, query, &k, &c, err);
	if (!rc && !o->strict) {
		tm_search_typos t = { o, o->vocab, NULL, 0 };
		rc = tm_search_forgive(st, &k, &t, &c, &out->corrected, err);
		tm_search_vocab_free(t.own);
		if (!rc)
			rc = tm_search_topics(st, &k, limit, out, &c, err);
		/* a topic's label mistyped ("survelliance"): the query as read */
		if (!rc && !out->n_topics && out->corrected) {
			tm_name_keys kc;
			if (!(rc = tm_text_name_keys(out->corrected, strlen(out->corrected), &kc, err))) {
				rc = tm_search_topics(st, &kc, limit, out, &c, err);
				tm_name_keys_release(&kc);
			}
		}
	}
	tm_name_keys_release(&k);
	if (!rc)
		rc = read_hits(st, o, &c, limit, out, err);
	tm_search_cands_release(&c);
	return rc;
}

tm_rc tm_search(tm_store *st, const char *query, const tm_search_opts *opts, tm_search_hits *out, tm_err *err)
{
	static const tm_search_opts defaults = { 0 };
	memset(out, 0, sizeof(*out));
	if (utf8_chars(query, strlen(query)) > TM_SEARCH_MAX_CHARS)
		return tm_fail(err, TM_ERR_INVALID, "query is longer than %d characters", TM_SEARCH_MAX_CHARS);
	/* one read transaction for the dozens of look-ups */
	int began;
	tm_rc rc = tm_store_read_begin(st, 0, &began, err);
	if (rc)
		return rc;
	rc = search(st, query, opts ? opts : &defaults, out, err);
	tm_store_read_end(st, began);
	if (rc)
		tm_search_hits_release(out);
	return rc;
}

tm_rc tm_search_resolve(tm_store *st, const char *ref, char **id, tm_search_hits *candidates, tm_err *err)
{
	*id = NULL;
	if (candidates)
		memset(candidates, 0, sizeof(*candidates));
	int found;
	tm_rc rc = tm_store_has_entity(st, ref, &found, err);
	if (rc)
		return rc;
	if (found) {
		*id = tm_xstrdup(ref);
		return TM_OK;
	}
	/* an id merged into another entity names that one (docs/editing.md) */
	if (tm_id_valid(ref)) {
		if ((rc = tm_store_referent(st, ref, id, err)))
			return rc;
		if (*id)
			return TM_OK;
	}
	tm_search_hits hits;
	tm_search_opts o = { .limit = 20, .strict = 1 };
	if ((rc = tm_search(st, ref, &o, &hits, err)))
		return rc;
	if (hits.n == 0) {
		tm_search_hits_release(&hits);
		return tm_fail(err, TM_ERR_NOTFOUND, "no entity matches '%s'", ref);
	}
	/* one clear best: an exact name, or the only candidate at all */
	size_t best = 1;
	while (best < hits.n && hits.v[best].score >= hits.v[0].score - 1e-9)
		best++;
	if (hits.n == 1 || (best == 1 && hits.v[0].score >= 0.95)) {
		*id = tm_xstrdup(hits.v[0].id);
		tm_search_hits_release(&hits);
		return TM_OK;
	}
	if (candidates)
		*candidates = hits;
	else
		tm_search_hits_release(&hits);
	return tm_fail(err, TM_ERR_AMBIGUOUS, "'%s' matches several entities", ref);
}
