/*
 * The typo index: the words of the store's name index, and every word with
 * one letter deleted, in memory, for search and for screening (src/match).
 * Two words one edit apart (a letter missing, added, changed, or two
 * letters swapped) share a deletion variant, so "dahau" finds "dahua" and
 * "cellbrite" finds "cellebrite" with a few hash look-ups (the
 * symmetric-delete method of SymSpell), where a prefix of the key would
 * miss a typo near the start.
 *
 * Only words of ASCII letters and digits of 4 to 32 letters are indexed:
 * Chinese names are matched by characters and pinyin, and shorter words
 * have too many neighbours one edit away to mean anything.  A variant is
 * not stored as text: an entry holds the word and the position deleted,
 * and equality is checked against the word itself.
 */
#include "search/search.h"
#include "snap/snap.h"
#include "store/store.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIN_LEN 4
#define MAX_LEN 32

typedef struct del_entry {
	uint32_t hash;
	uint32_t word; /* index + 1; 0 is an empty slot */
	uint8_t pos;   /* the letter deleted */
} del_entry;

struct tm_search_vocab {
	char *arena;       /* the words, NUL-terminated */
	size_t arena_len, arena_cap;
	uint32_t *off;     /* off[i]: word i in arena */
	uint8_t *len;
	uint32_t *docs;    /* names holding the word */
	size_t n, cap_off, cap_len, cap_docs;
	uint32_t *wslot;   /* the set of words: index + 1, 0 empty */
	size_t nwslot;
	del_entry *dslot;  /* the deletion variants, a multimap */
	size_t ndslot, ndel;
};

static uint32_t fnv(uint32_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 16777619u;
	}
	return h;
}

#define FNV0 2166136261u

static uint32_t hash_del(const char *w, size_t n, size_t pos)
{
	return fnv(fnv(FNV0, w, pos), w + pos + 1, n - pos - 1);
}

static int indexable(const char *w, size_t n)
{
	if (n < MIN_LEN || n > MAX_LEN)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9')))
			return 0;
	return 1;
}

static const char *word_at(const tm_search_vocab *v, uint32_t i, size_t *n)
{
	*n = v->len[i];
	return v->arena + v->off[i];
}

static size_t next_pow2(size_t n)
{
	size_t p = 64;
	while (p < n)
		p <<= 1;
	return p;
}

static int on_word(void *ctx, const char *word, int64_t names)
{
	tm_search_vocab *v = ctx;
	size_t n = word ? strlen(word) : 0;
	if (!indexable(word, n) || v->n >= UINT32_MAX - 1)
		return 0;
	TM_GROW(v->arena, v->arena_cap, v->arena_len + n + 1);
	TM_GROW(v->off, v->cap_off, v->n + 1);
	TM_GROW(v->len, v->cap_len, v->n + 1);
	TM_GROW(v->docs, v->cap_docs, v->n + 1);
	memcpy(v->arena + v->arena_len, word, n + 1);
	v->off[v->n] = (uint32_t)v->arena_len;
	v->len[v->n] = (uint8_t)n;
	v->docs[v->n] = names > UINT32_MAX ? UINT32_MAX : (uint32_t)names;
	v->arena_len += n + 1;
	v->n++;
	return 0;
}

/* The hash tables over the words v holds. */
static void index_words(tm_search_vocab *v)
{
	v->nwslot = next_pow2(v->n * 2 + 1);
	v->wslot = tm_xcalloc(v->nwslot, sizeof(uint32_t));
	size_t ndel = 0;
	for (size_t i = 0; i < v->n; i++) {
		size_t n;
		const char *w = word_at(v, (uint32_t)i, &n);
		size_t h = fnv(FNV0, w, n) & (v->nwslot - 1);
		while (v->wslot[h])
			h = (h + 1) & (v->nwslot - 1);
		v->wslot[h] = (uint32_t)i + 1;
		ndel += n;
	}
	v->ndslot = next_pow2(ndel * 2 + 1);
	v->dslot = tm_xcalloc(v->ndslot, sizeof(del_entry));
	for (size_t i = 0; i < v->n; i++) {
		size_t n;
		const char *w = word_at(v, (uint32_t)i, &n);
		for (size_t p = 0; p < n; p++) {
			/* "aab" less either a is one variant, stored once */
			if (p > 0 && w[p] == w[p - 1])
				continue;
			uint32_t hh = hash_del(w, n, p);
			size_t h = hh & (v->ndslot - 1);
			while (v->dslot[h].word)
				h = (h + 1) & (v->ndslot - 1);
			v->dslot[h] = (del_entry){ hh, (uint32_t)i + 1, (uint8_t)p };
			v->ndel++;
		}
	}
}

tm_rc tm_search_vocab_build(tm_store *st, tm_search_vocab **out, tm_err *err)
{
	*out = NULL;
	tm_search_vocab *v = tm_xcalloc(1, sizeof(*v));
	tm_rc rc = tm_store_each_word(st, on_word, v, err);
	if (rc) {
		tm_search_vocab_free(v);
		return rc;
	}
	index_words(v);
	*out = v;
	return TM_OK;
}

/*
 * Snapshots.  Reading the vocabulary counts the names of every word of the
 * FTS5 index, a few hundred milliseconds at a million entities; the words
 * and counts in a file beside the database (snap.h) come back in a few.  The
 * parts are the counts, the words (NUL-terminated) and their counts of
 * names; the hash tables are built again on reading.  The file is read
 * whole, so it is checked whole (its checksums), and then every word is
 * checked to be one the index would hold.
 */
#define SNAP_KIND "vocab-2"
#define SNAP_KEY ((uint64_t)(MIN_LEN | MAX_LEN << 8 | sizeof(uint32_t) << 16))

static int read_snapshot(const char *path, uint64_t stamp, tm_search_vocab **out)
{
	tm_snap *snap;
	if (tm_snap_map(path, SNAP_KIND, SNAP_KEY, stamp, 3, &snap, NULL))
		return 0;
	size_t hl, al, dl;
	const uint64_t *h = tm_snap_part_data(snap, 0, &hl);
	const char *arena = tm_snap_part_data(snap, 1, &al);
	const uint32_t *docs = tm_snap_part_data(snap, 2, &dl);
	int ok = tm_snap_check_all(snap) == 0 && hl == 2 * sizeof(uint64_t) && h[0] < UINT32_MAX && h[1] == al &&
		 dl == h[0] * sizeof(uint32_t) && al >= h[0] * (MIN_LEN + 1) && al <= h[0] * (MAX_LEN + 1);
	tm_search_vocab *v = NULL;
	if (ok) {
		v = tm_xcalloc(1, sizeof(*v));
		v->n = v->cap_off = v->cap_len = v->cap_docs = (size_t)h[0];
		v->arena_len = v->arena_cap = al;
		v->arena = tm_xmalloc(al ? al : 1);
		v->docs = tm_xmalloc((v->n ? v->n : 1) * sizeof(uint32_t));
		v->off = tm_xmalloc((v->n ? v->n : 1) * sizeof(uint32_t));
		v->len = tm_xmalloc(v->n ? v->n : 1);
		memcpy(v->arena, arena, al);
		memcpy(v->docs, docs, dl);
	}
	tm_snap_free(snap);
	/* the words, in order, each a word the index would hold */
	size_t pos = 0;
	for (size_t i = 0; ok && i < v->n; i++) {
		const char *w = v->arena + pos;
		size_t n = strnlen(w, v->arena_len - pos);
		ok = pos + n < v->arena_len && indexable(w, n);
		v->off[i] = (uint32_t)pos;
		v->len[i] = (uint8_t)n;
		pos += n + 1;
	}
	if (!ok || pos != v->arena_len) {
		tm_search_vocab_free(v);
		return 0;
	}
	index_words(v);
	*out = v;
	return 1;
}

static void write_snapshot(const tm_search_vocab *v, const char *path, uint64_t stamp)
{
	uint64_t h[2] = { v->n, v->arena_len };
	tm_snap_part parts[3] = { { h, sizeof(h) }, { v->arena, v->arena_len }, { v->docs, v->n * sizeof(uint32_t) } };
	tm_snap_write(path, SNAP_KIND, SNAP_KEY, stamp, parts, 3, NULL);
}

tm_rc tm_search_vocab_open(tm_store *st, tm_search_vocab **out, tm_err *err)
{
	char *snap;
	uint64_t stamp;
	if (tm_store_cache(st, "vocab", &snap, &stamp, NULL))
		return tm_search_vocab_build(st, out, err);
	tm_rc rc = TM_OK;
	if (!read_snapshot(snap, stamp, out) && !(rc = tm_search_vocab_build(st, out, err)))
		write_snapshot(*out, snap, stamp);
	free(snap);
	return rc;
}

void tm_search_vocab_free(tm_search_vocab *v)
{
	if (!v)
		return;
	free(v->arena);
	free(v->off);
	free(v->len);
	free(v->docs);
	free(v->wslot);
	free(v->dslot);
	free(v);
}

int tm_search_vocab_equal(const tm_search_vocab *a, const tm_search_vocab *b)
{
	return a->n == b->n && a->arena_len == b->arena_len && memcmp(a->arena, b->arena, a->arena_len) == 0 &&
	       memcmp(a->docs, b->docs, a->n * sizeof(*a->docs)) == 0;
}

size_t tm_search_vocab_size(const tm_search_vocab *v)
{
	return v ? v->n : 0;
}

/* Index of w in the set, or -1. */
static long find_word(const tm_search_vocab *v, const char *w, size_t n)
{
	if (!v->nwslot)
		return -1;
	for (size_t h = fnv(FNV0, w, n) & (v->nwslot - 1); v->wslot[h]; h = (h + 1) & (v->nwslot - 1)) {
		size_t k;
		const char *x = word_at(v, v->wslot[h] - 1, &k);
		if (k == n && memcmp(x, w, n) == 0)
			return (long)v->wslot[h] - 1;
	}
	return -1;
}

int tm_search_vocab_has(const tm_search_vocab *v, const char *w, size_t n)
{
	if (!indexable(w, n))
		return -1;
	return find_word(v, w, n) >= 0;
}

long tm_search_vocab_docs(const tm_search_vocab *v, const char *w, size_t n)
{
	if (!v || !indexable(w, n))
		return -1;
	long i = find_word(v, w, n);
	return i < 0 ? 0 : (long)v->docs[i];
}

/* Does word i less its letter at pos equal q[0, qn)? */
static int del_equals(const tm_search_vocab *v, uint32_t i, size_t pos, const char *q, size_t qn)
{
	size_t n;
	const char *w = word_at(v, i, &n);
	return n == qn + 1 && memcmp(w, q, pos) == 0 && memcmp(w + pos + 1, q + pos, qn - pos) == 0;
}

typedef struct found {
	uint32_t *v;
	size_t n, cap;
} found;

static void found_add(found *f, uint32_t i)
{
	for (size_t k = 0; k < f->n; k++)
		if (f->v[k] == i)
			return;
	if (f->n >= 256)
		return;
	TM_GROW(f->v, f->cap, f->n + 1);
	f->v[f->n++] = i;
}

/* Words w of the vocabulary with w less one letter equal to q[0, qn). */
static void find_dels(const tm_search_vocab *v, const char *q, size_t qn, found *f)
{
	uint32_t hh = fnv(FNV0, q, qn);
	for (size_t h = hh & (v->ndslot - 1); v->dslot[h].word; h = (h + 1) & (v->ndslot - 1)) {
		const del_entry *e = &v->dslot[h];
		if (e->hash == hh && del_equals(v, e->word - 1, e->pos, q, qn))
			found_add(f, e->word - 1);
	}
}

typedef struct ranked {
	uint32_t i;
	double sim;
} ranked;

static int ranked_cmp(const void *x, const void *y)
{
	const ranked *a = x, *b = y;
	if (a->sim != b->sim)
		return a->sim > b->sim ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

size_t tm_search_vocab_suggest(const tm_search_vocab *v, const char *w, size_t n, const char **out, size_t max)
{
	if (!v || !v->n || !indexable(w, n) || find_word(v, w, n) >= 0)
		return 0;
	found f = { 0 };
	/* q is a word less a letter */
	find_dels(v, w, n, &f);
	char buf[MAX_LEN];
	for (size_t p = 0; p < n; p++) {
		if (p > 0 && w[p] == w[p - 1])
			continue;
		memcpy(buf, w, p);
		memcpy(buf + p, w + p + 1, n - p - 1);
		/* q has a letter too many … */
		long k = find_word(v, buf, n - 1);
		if (k >= 0)
			found_add(&f, (uint32_t)k);
		/* … or one letter changed, or two swapped */
		find_dels(v, buf, n - 1, &f);
	}
	ranked r[256];
	uint32_t qa[MAX_LEN + 1], wb[MAX_LEN + 1];
	size_t lq = tm_text_decode(w, n, qa, MAX_LEN + 1);
	for (size_t k = 0; k < f.n; k++) {
		size_t wn;
		const char *x = word_at(v, f.v[k], &wn);
		size_t lw = tm_text_decode(x, wn, wb, MAX_LEN + 1);
		r[k].i = f.v[k];
		/* among equally close words, the commoner one first */
		r[k].sim = tm_text_jaro_winkler(qa, lq, wb, lw) + 1e-9 * (double)v->docs[f.v[k]];
	}
	qsort(r, f.n, sizeof(r[0]), ranked_cmp);
	size_t m = f.n < max ? f.n : max;
	for (size_t k = 0; k < m; k++) {
		size_t wn;
		out[k] = word_at(v, r[k].i, &wn);
	}
	free(f.v);
	return m;
}
