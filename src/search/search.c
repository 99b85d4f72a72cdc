/*
 * Search and resolution over the store's look-ups.  A query's match keys
 * (text.h) are looked up exactly, by prefix and as words; each look-up
 * scores what it finds, an entity keeps its best score, and the best are
 * read back and ordered.
 */
#include "search/search.h"

#include <stdlib.h>
#include <string.h>

#include "text/text.h"

/* Rows one look-up may bring: a common word gathers hundreds. */
#define LIMIT_KEYS 200
#define LIMIT_IDENTS 50
/* At most this many words stand for a word being typed; a start shared by
 * more ("li") is left to the index's own prefix query. */
#define EXPAND_MAX 64

void tm_search_hits_release(tm_search_hits *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].id);
		free(h->v[i].kind);
		free(h->v[i].name);
		free(h->v[i].matched);
	}
	free(h->v);
	memset(h, 0, sizeof(*h));
}

/* Candidates while searching: entity → best score and the name row behind it. */
struct cand {
	int64_t entity, name;
	double score;
};
struct cands {
	struct cand *v;
	size_t n, cap;
};

static void cand_add(struct cands *c, int64_t entity, int64_t name, double score)
{
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].entity == entity) {
			if (score > c->v[i].score) {
				c->v[i].score = score;
				c->v[i].name = name;
			}
			return;
		}
	}
	TM_GROW(c->v, c->cap, c->n + 1);
	c->v[c->n++] = (struct cand){ entity, name, score };
}

/* What a look-up's callback adds to: the candidates, the score of what it
 * finds, and (for prefixes) the length of the query's key. */
struct gather {
	struct cands *c;
	double score;
	size_t key_len;
};

static int on_name(void *ctx, tm_ekey entity, int64_t name)
{
	struct gather *g = ctx;
	cand_add(g->c, entity, name, g->score);
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
	cand_add(g->c, entity, name, 0.5 + 0.4 * (double)g->key_len / (double)key_len);
	return 0;
}

static tm_rc search_exact(tm_store *st, const char *key, double score, struct cands *c, tm_err *err)
{
	struct gather g = { c, score, 0 };
	return tm_store_names_by_key(st, key, LIMIT_KEYS, on_name, &g, err);
}

static tm_rc search_prefix(tm_store *st, const char *key, struct cands *c, tm_err *err)
{
	struct gather g = { c, 0, key ? strlen(key) : 0 };
	return tm_store_names_by_prefix(st, key, 1, LIMIT_KEYS, on_prefix, &g, err);
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
static tm_rc search_words(tm_store *st, int pinyin, const char *text, double score, struct cands *c, tm_err *err)
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
		struct gather g = { c, score, 0 };
		rc = tm_store_names_by_words(st, terms, t.n, LIMIT_KEYS, on_name, &g, err);
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

/* Candidates by score, best first; then by entity, for a stable cut. */
static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	return a->entity < b->entity ? -1 : a->entity > b->entity;
}

/* Hits by score, then the shorter display name, then id. */
static int hit_cmp(const void *pa, const void *pb)
{
	const tm_search_hit *a = pa, *b = pb;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	size_t la = strlen(a->name), lb = strlen(b->name);
	if (la != lb)
		return la < lb ? -1 : 1;
	return strcmp(a->id, b->id);
}

/* Every candidate of the query, with its best score. */
static tm_rc gather(tm_store *st, const char *query, const tm_name_keys *k, struct cands *c, tm_err *err)
{
	tm_rc rc = TM_OK;
	tm_ekey by_id;
	tm_err miss = { 0 };
	tm_rc found = tm_store_ekey(st, query, &by_id, &miss);
	if (found == TM_OK)
		cand_add(c, by_id, 0, 1.0);
	else if (found != TM_ERR_NOTFOUND)
		return tm_fail(err, found, "%s", miss.msg);
	struct gather g = { c, 1.0, 0 };
	rc = tm_store_names_by_ident(st, query, NULL, LIMIT_IDENTS, on_ident, &g, err);
	char *cb = tm_text_compact(k->bare), *cn = tm_text_compact(k->norm), *cp = tm_text_compact(k->pinyin);
	if (!rc) rc = search_exact(st, k->norm, 1.0, c, err);
	if (!rc) rc = search_exact(st, k->bare, 0.98, c, err);
	if (!rc) rc = search_exact(st, cn, 0.96, c, err);
	if (!rc) rc = search_exact(st, cb, 0.96, c, err);
	if (!rc) rc = search_exact(st, k->pinyin, 0.95, c, err);
	if (!rc) rc = search_exact(st, cp, 0.95, c, err);
	if (!rc) rc = search_prefix(st, k->bare, c, err);
	if (!rc && strcmp(cb, k->bare) != 0) rc = search_prefix(st, cb, c, err);
	if (!rc && strcmp(cp, cb) != 0) rc = search_prefix(st, cp, c, err);
	if (!rc) rc = search_words(st, 0, *k->pairs ? k->pairs : k->tokens, 0.6, c, err);
	/* pinyin finds names that sound like a short Han query (华为, 华维); for a
	 * long one (a full name) sound-alikes are noise, and the phrase of common
	 * syllables (ke ji, xin xi) cost as much as the rest of the search */
	if (!rc && strcmp(k->pinyin, k->bare) != 0 && han_chars(k->bare) < 4)
		rc = search_words(st, 1, k->pinyin, 0.55, c, err);
	free(cb);
	free(cn);
	free(cp);
	return rc;
}

/* Hit i of out from candidate c: its id, kind and display name. *gone: the
 * entity is no longer there. */
static tm_rc read_hit(tm_store *st, const struct cand *c, tm_search_hit *h, int *gone, tm_err *err)
{
	tm_entity e;
	tm_err miss = { 0 };
	tm_rc rc = tm_store_entity_names(st, c->entity, &e, &miss);
	*gone = rc == TM_ERR_NOTFOUND;
	if (rc)
		return *gone ? TM_OK : tm_fail(err, rc, "%s", miss.msg);
	*h = (tm_search_hit){ e.id, e.kind, tm_xstrdup(tm_entity_display_name(&e, "en")), NULL, c->score };
	e.id = e.kind = NULL;
	tm_entity_release(&e);
	return TM_OK;
}

static tm_rc search(tm_store *st, const char *query, size_t limit, tm_search_hits *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_name_keys k;
	tm_rc rc = tm_text_name_keys(query, strlen(query), &k, err);
	if (rc)
		return rc;
	struct cands c = { 0 };
	rc = gather(st, query, &k, &c, err);
	tm_name_keys_release(&k);
	/* Only candidates that can make the first `limit` are read back: those
	 * scoring above the limit-th best, and all that tie with it (the tie is
	 * broken by the display name).  A common word gathers hundreds of
	 * candidates, and reading each one cost more than finding them. */
	if (c.n > 1)
		qsort(c.v, c.n, sizeof(c.v[0]), cand_cmp);
	size_t keep = c.n;
	if (limit && keep > limit) {
		keep = limit;
		while (keep < c.n && c.v[keep].score >= c.v[limit - 1].score - 1e-12)
			keep++;
	}
	int64_t *rows = tm_xcalloc(keep ? keep : 1, sizeof(*rows)); /* matched name row of each hit */
	for (size_t i = 0; !rc && i < keep; i++) {
		tm_search_hit h;
		int gone;
		if ((rc = read_hit(st, &c.v[i], &h, &gone, err)) || gone)
			continue;
		TM_GROW(out->v, out->cap, out->n + 1);
		rows[out->n] = c.v[i].name;
		out->v[out->n++] = h;
	}
	free(c.v);
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
	if (rc) {
		tm_search_hits_release(out);
		return rc;
	}
	return TM_OK;
}

tm_rc tm_search(tm_store *st, const char *query, size_t limit, tm_search_hits *out, tm_err *err)
{
	/* one read transaction for the dozens of look-ups */
	int began;
	tm_rc rc = tm_store_read_begin(st, 0, &began, err);
	if (rc) {
		memset(out, 0, sizeof(*out));
		return rc;
	}
	rc = search(st, query, limit, out, err);
	tm_store_read_end(st, began);
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
	tm_search_hits hits;
	if ((rc = tm_search(st, ref, 20, &hits, err)))
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
