/*
 * The forgiving stages of a search: typos and parts.  Both score below
 * TM_SEARCH_FORGIVEN, so that anything the strict look-ups find ranks above
 * them (docs/cli.md has the scores).
 *
 * Typos.  A Latin word of the query that the name index lacks (and that,
 * as the last word, begins none of its words) is read as the words one
 * edit away that the typo index (vocab.c) suggests, as screening does, and
 * the query so read is searched strictly again at a lower score.  When no
 * word is one, a query of two or three words is also read as one word
 * ("hik-vison" as "hikvison"), since a name is often written apart.
 *
 * Parts.  When no name equals the query, a name that equals a part of it
 * counts: "Huawei Technologies Co., Ltd." holds "Huawei", "Hangzhou
 * Hikvision" holds "Hikvision", 华为技术有限公司 holds 华为.  The legal form
 * is off the query already (its bare key); each run of its words (each run
 * of characters, for Chinese) is looked up as a whole name, longest first,
 * and scores by how much of the query it covers, so that the extra words
 * lower the score instead of emptying the result.  A run of Latin words is
 * also looked up as one word, as names are keyed without their spaces too
 * ("HIK VISION DIGITAL TECHNOLOGY", pinyin "Zhongguo Dianzi Keji Jituan").
 * Only B-tree look-ups of whole keys, a bounded number, never a scan.
 */
#include "search/search_internal.h"

#include <stdlib.h>
#include <string.h>

/* What a typo costs: a name found through one corrected word scores this
 * much of what it would have scored as typed, and each further corrected
 * word costs a tenth more. */
#define TYPO_SCALE 0.49
#define TYPO_WORDS 8    /* Latin words of a query looked at for typos */
#define TYPO_SUGGEST 3  /* readings of a single typo searched */
#define TYPO_JOINED 3   /* words of a query read as one mistyped word, at most */

/* A name inside the query: 0.25 + 0.2 of the share of the query it covers. */
#define PART_BASE 0.25
#define PART_SPAN 0.2
#define PART_UNITS 12   /* words (or characters) of a query looked at for parts */
#define PART_LOOKUPS 48 /* look-ups of parts, at most, for a query */

/* ---- typos ---- */

static int on_first_word(void *ctx, const char *word, size_t len)
{
	tm_buf *b = ctx;
	tm_buf_add(b, word, len);
	return 1;
}

static int typo_candidate(const char *w, size_t n)
{
	if (n < 4 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((w[i] >= 'a' && w[i] <= 'z') || (w[i] >= '0' && w[i] <= '9')))
			return 0;
	return 1;
}

/* *unknown: w[0, n) is no word of the name index, nor (when last) the start
 * of one.  The typo index answers the first at no cost when at hand;
 * without it, one look-up in the store's list of words, so that a query
 * of known words never opens the typo index. */
static tm_rc word_unknown(tm_store *st, const tm_search_vocab *v, const char *w, size_t n, int last, int *unknown,
			  tm_err *err)
{
	*unknown = 0;
	if (v && tm_search_vocab_has(v, w, n) == 1)
		return TM_OK;
	tm_buf first = TM_BUF_INIT;
	tm_rc rc = tm_store_words_from(st, w, n, 1, on_first_word, &first, err);
	if (!rc)
		*unknown = !(first.len == n || (last && first.len > n));
	tm_buf_release(&first);
	return rc;
}

/* The typo index for t's search: the caller's, or opened now. */
static tm_rc typos_vocab(tm_store *st, tm_search_typos *t, tm_err *err)
{
	if (t->v || t->tried)
		return TM_OK;
	t->tried = 1;
	if (!t->o->cached)
		return TM_OK;
	tm_rc rc = tm_search_vocab_open(st, &t->own, err);
	t->v = t->own;
	return rc;
}

/* Any candidate found through a typo? */
static int found_typo(const tm_search_cands *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].how == TM_SEARCH_TYPO)
			return 1;
	return 0;
}

/* One reading of the query (words, with those at fix[] replaced by by[]),
 * searched strictly at scale; *text gets the reading (owned). */
static tm_rc typo_reading(tm_store *st, const tm_strv *words, const size_t *fix, const char *const *by, size_t nfix,
			  double scale, tm_search_cands *c, char **text, tm_err *err)
{
	tm_buf b = TM_BUF_INIT;
	for (size_t i = 0, f = 0; i < words->n; i++) {
		if (b.len)
			tm_buf_addch(&b, ' ');
		if (f < nfix && fix[f] == i)
			tm_buf_adds(&b, by[f++]);
		else
			tm_buf_adds(&b, words->v[i]);
	}
	tm_name_keys k;
	tm_rc rc = tm_text_name_keys(b.buf, b.len, &k, err);
	if (!rc) {
		tm_search_pass p = { c, scale, TM_SEARCH_TYPO };
		rc = tm_search_names(st, &k, &p, err);
		tm_name_keys_release(&k);
	}
	*text = tm_buf_detach(&b);
	return rc;
}

static tm_rc parts(tm_store *st, const char *bare, double scale, tm_search_how how, tm_search_cands *c, tm_err *err);

/* Typos, and the parts of the query as corrected. */
static tm_rc typos(tm_store *st, const tm_name_keys *k, tm_search_typos *t, tm_search_cands *c, int whole,
		   char **corrected, tm_err *err)
{
	if (*k->pairs)
		return TM_OK; /* Chinese is matched by characters and pinyin */
	tm_strv words = TM_STRV_INIT;
	for (const char *p = k->tokens; *p;) {
		const char *e = strchr(p, ' ');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n)
			tm_strv_push_owned(&words, tm_xstrndup(p, n));
		p += n + (e != NULL);
	}
	tm_rc rc = TM_OK;
	size_t fix[TYPO_WORDS], nfix = 0;
	const char *by[TYPO_WORDS][TYPO_SUGGEST];
	size_t nby[TYPO_WORDS];
	for (size_t i = 0; !rc && i < words.n && i < TYPO_WORDS; i++) {
		const char *w = words.v[i];
		size_t n = strlen(w);
		int unknown;
		if (!typo_candidate(w, n) || (rc = word_unknown(st, t->v, w, n, i + 1 == words.n, &unknown, err)) ||
		    !unknown || (rc = typos_vocab(st, t, err)) || !t->v)
			continue;
		size_t ns = tm_search_vocab_suggest(t->v, w, n, by[nfix], TYPO_SUGGEST);
		if (ns) {
			nby[nfix] = ns;
			fix[nfix++] = i;
		}
	}
	/* a name written apart and mistyped ("hik-vison"): its words as one,
	 * unless the last is the start of a word, still being typed
	 * ("cellebrite f") */
	int typing = 1;
	if (!rc && !nfix && words.n > 1 && words.n <= TYPO_JOINED) {
		const char *last = words.v[words.n - 1];
		rc = word_unknown(st, NULL, last, strlen(last), 1, &typing, err);
		typing = !typing;
	}
	if (!rc && !typing) {
		char *joined = tm_text_compact(k->tokens);
		size_t n = strlen(joined);
		int unknown;
		if (typo_candidate(joined, n) && !(rc = word_unknown(st, t->v, joined, n, 1, &unknown, err)) && unknown &&
		    !(rc = typos_vocab(st, t, err)) && t->v &&
		    (nby[0] = tm_search_vocab_suggest(t->v, joined, n, by[0], TYPO_SUGGEST)) > 0) {
			tm_strv_release(&words);
			tm_strv_push_owned(&words, joined);
			joined = NULL;
			fix[nfix++] = 0;
		}
		free(joined);
	}
	if (rc || !nfix) {
		tm_strv_release(&words);
		return rc;
	}
	/* the best reading of every typo at once; a single typo also in its
	 * other readings, a little lower each */
	double scale = TYPO_SCALE;
	for (size_t i = 1; i < nfix; i++)
		scale *= 0.9;
	size_t readings = nfix == 1 ? nby[0] : 1;
	char *first = NULL;
	for (size_t r = 0; !rc && r < readings; r++) {
		const char *choice[TYPO_WORDS];
		for (size_t i = 0; i < nfix; i++)
			choice[i] = by[i][nfix == 1 ? r : 0];
		char *text = NULL;
		int before = found_typo(c);
		rc = typo_reading(st, &words, fix, choice, nfix, scale * (1.0 - 0.02 * (double)r), c, &text, err);
		if (!rc && !first && !before && found_typo(c))
			first = tm_xstrdup(text);
		if (!rc && r == 0 && !whole) {
			tm_name_keys kk;
			if (!(rc = tm_text_name_keys(text, strlen(text), &kk, err))) {
				rc = parts(st, kk.bare, scale / TYPO_SCALE * 0.9, TM_SEARCH_TYPO, c, err);
				if (!rc && !first && found_typo(c))
					first = tm_xstrdup(text);
				tm_name_keys_release(&kk);
			}
		}
		free(text);
	}
	tm_strv_release(&words);
	if (rc) {
		free(first);
		return rc;
	}
	*corrected = first;
	return TM_OK;
}

/* ---- parts ---- */

/* A word of the query, or one Han character of it. */
struct unit {
	const char *s;
	size_t n;
	size_t cps;       /* code points */
	int han;
	int space_before; /* a space parts it from the unit before */
};

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

static int is_han_char(const char *s, size_t n)
{
	char one[5];
	memcpy(one, s, n);
	one[n] = '\0';
	return tm_text_has_han(one);
}

/* The units of s (a normalized key: single spaces, no punctuation), at most
 * max into u; how many. */
static size_t units_of(const char *s, struct unit *u, size_t max)
{
	size_t n = 0;
	int space = 0;
	for (const char *p = s; *p && n < max;) {
		if (*p == ' ') {
			space = 1;
			p++;
			continue;
		}
		size_t l = utf8_len((unsigned char)*p);
		if (is_han_char(p, l)) {
			u[n++] = (struct unit){ p, l, 1, 1, space };
			p += l;
		} else {
			const char *w = p;
			size_t cps = 0;
			while (*p && *p != ' ') {
				size_t m = utf8_len((unsigned char)*p);
				if (is_han_char(p, m))
					break;
				p += m;
				cps++;
			}
			u[n++] = (struct unit){ w, (size_t)(p - w), cps, 0, space };
		}
		space = 0;
	}
	return n;
}

struct part_gather {
	tm_search_cands *c;
	double score;
	tm_search_how how;
};

static int on_part(void *ctx, tm_ekey entity, int64_t name)
{
	struct part_gather *g = ctx;
	tm_search_cands_add(g->c, entity, name, g->score, g->how, NULL);
	return 0;
}

/* Names equal to a run of bare's units, not all of them.  Only whole
 * names: a name that merely starts with a word of the query ("china" of
 * "china electronics") says too little. */
static tm_rc parts(tm_store *st, const char *bare, double scale, tm_search_how how, tm_search_cands *c, tm_err *err)
{
	struct unit u[PART_UNITS];
	size_t n = units_of(bare, u, PART_UNITS), total = 0;
	for (size_t i = 0; i < n; i++)
		total += u[i].cps;
	tm_rc rc = TM_OK;
	size_t lookups = 0;
	tm_buf key = TM_BUF_INIT;
	for (size_t len = n - (n > 0); !rc && len >= 1 && lookups < PART_LOOKUPS; len--) {
		for (size_t from = 0; !rc && from + len <= n && lookups < PART_LOOKUPS; from++) {
			size_t cps = 0;
			int han = 0;
			tm_buf_reset(&key);
			for (size_t i = from; i < from + len; i++) {
				if (i > from && u[i].space_before)
					tm_buf_addch(&key, ' ');
				tm_buf_add(&key, u[i].s, u[i].n);
				cps += u[i].cps;
				han |= u[i].han;
			}
			/* a single character or a two-letter word names too much */
			if (cps < (han ? 2u : 3u))
				continue;
			struct part_gather g = { c, (PART_BASE + PART_SPAN * (double)cps / (double)total) * scale, how };
			lookups++;
			rc = tm_store_names_by_key(st, key.buf, TM_SEARCH_LIMIT_KEYS, on_part, &g, err);
			/* Latin words written apart ("hik vision", "da hua", pinyin
			 * "zhongguo dianzi keji"): also as one, as names are keyed */
			if (!rc && len > 1 && !han && lookups < PART_LOOKUPS) {
				char *joined = tm_text_compact(key.buf);
				lookups++;
				rc = tm_store_names_by_key(st, joined, TM_SEARCH_LIMIT_KEYS, on_part, &g, err);
				free(joined);
			}
		}
	}
	tm_buf_release(&key);
	return rc;
}

tm_rc tm_search_forgive(tm_store *st, const tm_name_keys *k, tm_search_typos *t, tm_search_cands *c,
			char **corrected, tm_err *err)
{
	/* a query that names something whole has no extra words to forgive */
	int whole = tm_search_cands_best(c) >= 0.95;
	tm_rc rc = whole ? TM_OK : parts(st, k->bare, 1.0, TM_SEARCH_PART, c, err);
	if (!rc)
		rc = typos(st, k, t, c, whole, corrected, err);
	return rc;
}
