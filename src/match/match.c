/*
 * The matcher: a query's keys, candidates from the store's indexes, the
 * scoring of each candidate's stored keys, bonuses, and the explanation.
 * The method and its reasons are in match.h and docs/screening.md; the
 * numbers that tune it are together below.
 */
#include "match/match_internal.h"
#include "text/text.h"

#include <ctype.h>
#include <stdint.h>
#include <strings.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tuning ---- */
#define SCORE_EXACT 1.00
#define SCORE_LEGAL 0.99
#define SCORE_PINYIN 0.97
#define SCORE_SPACING 0.97
#define SCORE_ABBREV 0.96
#define FUZZY_CAP 0.95   /* a similar name never outranks an equal one */
#define W_ALIGN 0.60     /* the weighted word alignment … */
#define W_TSR 0.20       /* … the token-set ratio … */
#define W_JW 0.20        /* … and Jaro-Winkler over the whole name */
#define TYPO_SCALE 3.0   /* a word at Jaro-Winkler j counts 1 - 3(1 - j) */
#define INPUT_GENERIC 0.6 /* generic words of the input count this much of their weight */
#define EDIT_SCALE 1.5   /* a word one edit away counts 1 - 1.5/length */
#define PREFIX_WORD 0.85 /* a word that is the start of the other ("elec") */
#define BONUS_COUNTRY 0.02
#define MALUS_COUNTRY 0.10
#define BONUS_COMPANY 0.02 /* the input has a legal form and the entity is a company */
#define MALUS_KIND 0.03    /* the entity is a product, system, place or work */
#define MALUS_LEGAL_KIND 0.15 /* the input has a company's legal form, the entity is a university or state body */
#define SKIP_FUZZY 0.96    /* an equal key scoring this much ends the search */
#define SKIP_WEAK 0.90     /* a candidate of round 2 scoring this much ends it too */
#define GENERIC_CAP 0.80   /* a fuzzy match on generic words alone ("China Electronics") */
#define TELLING 0.5        /* a word weighing this much tells institutions apart */
#define SCORE_GROUP 0.90   /* the whole of a group's name in the input, and more: a possible member */

#define LIMIT_EXACT 8
#define LIMIT_PREFIX 8
#define LIMIT_WORDS 16
#define LIMIT_IDENTS 20
#define MAX_DF 20000 /* a word in more names than this is not worth an AND */

#define MAX_TOK 40
#define TOK_CP 40
#define MAX_KEYS 256

const char *tm_match_by_name(tm_match_by by)
{
	switch (by) {
	case TM_BY_NONE: return "none";
	case TM_BY_IDENT: return "identifier";
	case TM_BY_EXACT: return "exact";
	case TM_BY_LEGAL_FORM: return "legal form";
	case TM_BY_PINYIN: return "pinyin";
	case TM_BY_SPACING: return "spacing";
	case TM_BY_ABBREV: return "abbreviation";
	case TM_BY_FUZZY: return "fuzzy";
	case TM_BY_GROUP: return "possible group member";
	}
	return "none";
}

/* ---- words ---- */

typedef struct tok {
	const char *s;  /* the word, abbreviations written out; borrowed */
	uint16_t n;     /* its bytes */
	uint8_t len;    /* code points in cp */
	uint8_t han;    /* one Chinese character */
	float w;        /* weight from the lexicon */
	uint32_t cp[TOK_CP];
} tok;

typedef struct toks {
	size_t n;
	tok v[MAX_TOK];
} toks;

static int is_han(uint32_t c)
{
	return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x3134F) ||
	       (c >= 0xF900 && c <= 0xFAFF);
}

static void tok_push(toks *t, const char *w, size_t n, int han)
{
	if (t->n >= MAX_TOK || n == 0)
		return;
	tok *k = &t->v[t->n++];
	const char *x = NULL;
	k->w = (float)tm_lex_word(w, n, &x);
	if (x && !han) {
		w = x;
		n = strlen(x);
	}
	k->s = w;
	k->n = (uint16_t)(n > 65535 ? 65535 : n);
	k->han = (uint8_t)han;
	k->len = (uint8_t)tm_text_decode(w, n, k->cp, TOK_CP);
}

/* Words of a key: split at spaces, each Chinese character a word of its own
 * (a Chinese name has no spaces to split at).  Legal forms that written-out
 * abbreviations left at the end ("grp" → "group") come off as the key's own
 * legal forms did; *legal (may be NULL) is set when one did. */
static void tokenize_words(const char *s, toks *t);

static void tokenize(const char *s, toks *t, int *legal)
{
	tokenize_words(s, t);
	while (t->n > 1 && !t->v[t->n - 1].han && tm_lex_legal(t->v[t->n - 1].s, t->v[t->n - 1].n)) {
		t->n--;
		if (legal)
			*legal = 1;
	}
}

static void tokenize_words(const char *s, toks *t)
{
	t->n = 0;
	const char *p = s;
	while (*p) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ' ')
			p++;
		const char *run = w, *q = w;
		while (q < p) {
			uint32_t c;
			size_t l = (unsigned char)*q < 0x80 ? 1 : (unsigned char)*q < 0xE0 ? 2 : (unsigned char)*q < 0xF0 ? 3 : 4;
			if (q + l > p)
				l = (size_t)(p - q);
			tm_text_decode(q, l, &c, 1);
			if (is_han(c)) {
				tok_push(t, run, (size_t)(q - run), 0);
				tok_push(t, q, l, 1);
				run = q + l;
			}
			q += l;
		}
		tok_push(t, run, (size_t)(p - run), 0);
	}
}

static int tok_eq(const tok *a, const tok *b)
{
	return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
}

/* The optimal string alignment distance (Levenshtein with swaps of two
 * neighbours) of two short words. */
static size_t osa_distance(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
	size_t d[TOK_CP + 1][TOK_CP + 1];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];
			size_t v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* How well word a stands for word b: 1 equal; less for a typo or a prefix. */
static double word_sim(const tok *a, const tok *b)
{
	if (tok_eq(a, b))
		return 1.0;
	if (a->han || b->han)
		return 0.0;
	size_t la = a->len, lb = b->len, mn = la < lb ? la : lb, mx = la < lb ? lb : la;
	if (mn < 4)
		return 0.0;
	/* one typo leaves one of the first two letters in place (or swaps
	 * them); words that share neither are different words, and most pairs
	 * a candidate offers end here */
	if (a->cp[0] != b->cp[0] && a->cp[1] != b->cp[1] && a->cp[0] != b->cp[1] && a->cp[1] != b->cp[0])
		return 0.0;
	double s = 0.0;
	/* short words: a letter more or less at most */
	size_t slack = mn < 6 ? 1 : mx / 4 > 2 ? mx / 4 : 2;
	int typo = mx - mn <= slack;
	/* In a short word one edit makes another word, and another company:
	 * Dove and Dover, Ball and Bally, Cosco and Costco, Gartner and
	 * Garnier.  Up to eight letters a typo is one edit; up to five, only
	 * two neighbours swapped ("dahau"), which rarely makes a word. */
	if (typo && mx <= 8) {
		size_t d = mx - mn <= 1 ? osa_distance(a->cp, la, b->cp, lb) : 2, diff = 0;
		for (size_t i = 0; la == lb && i < la; i++)
			diff += a->cp[i] != b->cp[i];
		typo = d == 1 && (mn > 5 || diff == 2);
	}
	if (typo) {
		double need = mn >= 8 ? 0.88 : mn >= 5 ? 0.90 : 0.93;
		double jw = tm_text_jaro_winkler(a->cp, la, b->cp, lb);
		if (jw >= need)
			s = 1.0 - TYPO_SCALE * (1.0 - jw);
		/* Jaro-Winkler is hard on a letter missing in the middle
		 * ("cellbrite"); one edit in a long word is a typo too */
		if (mx - mn <= 1 && jw >= 0.8) {
			size_t d = osa_distance(a->cp, la, b->cp, lb);
			double e = d == 1 ? 1.0 - EDIT_SCALE / (double)mx : 0.0;
			if (e > s)
				s = e;
		}
	}
	/* a short start of a generic word is its abbreviation ("elec" of
	 * "electronics"); of a telling word it is another name ("toga" of
	 * "toganetworks", "xiao" of "xiaomi") */
	const tok *longer = la < lb ? b : a;
	if (s < PREFIX_WORD && mn <= 6 && longer->w < TELLING && memcmp(a->cp, b->cp, mn * sizeof(uint32_t)) == 0)
		s = PREFIX_WORD;
	return s > 0 ? s : 0.0;
}

/* Two adjacent words joined, as one: "hik" "vision" against "hikvision". */
static double joined_sim(const tok *a1, const tok *a2, const tok *b)
{
	if ((size_t)a1->n + a2->n != b->n || a1->s[0] != b->s[0] || a1->han || a2->han || b->han ||
	    (size_t)a1->len + a2->len > TOK_CP)
		return 0.0;
	if (memcmp(a1->s, b->s, a1->n) == 0 && memcmp(a2->s, b->s + a1->n, a2->n) == 0)
		return 1.0;
	return 0.0;
}

typedef struct explain_words {
	tm_buf typos;   /* "'hikvison' ~ 'hikvision'" */
	tm_buf missing; /* words of the name not in the input */
	tm_buf extra;   /* words of the input not in the name */
} explain_words;

static void list_add(tm_buf *b, const char *s, size_t n)
{
	if (b->len)
		tm_buf_adds(b, ", ");
	tm_buf_addch(b, '\'');
	tm_buf_add(b, s, n);
	tm_buf_addch(b, '\'');
}

/* The weighted alignment of the words of a (the input) and b (a name):
 * each word of either side counts with its weight times how well the other
 * side has it. 1 when both have the same words. */
/* What an alignment found besides its score. */
typedef struct align_info {
	int telling;        /* telling words of a that b has */
	int unmatched;      /* words of either side (places and letters aside) the other lacks */
	size_t best[MAX_TOK]; /* best[i]: the word of b that word i of a matched */
	double s[MAX_TOK];  /* how well */
} align_info;

static double align(const toks *a, const toks *b, explain_words *ex, align_info *info)
{
	double sa[MAX_TOK], sb[MAX_TOK];
	size_t ba[MAX_TOK];
	for (size_t j = 0; j < b->n; j++)
		sb[j] = 0.0;
	for (size_t i = 0; i < a->n; i++) {
		sa[i] = 0.0;
		ba[i] = 0;
		for (size_t j = 0; j < b->n; j++) {
			double s = word_sim(&a->v[i], &b->v[j]);
			if (s > sa[i]) {
				sa[i] = s;
				ba[i] = j;
			}
			if (s > sb[j])
				sb[j] = s;
		}
	}
	/* words split on one side and joined on the other */
	for (size_t i = 0; i + 1 < a->n; i++) {
		if (sa[i] >= 1.0 && sa[i + 1] >= 1.0)
			continue;
		for (size_t j = 0; j < b->n; j++) {
			if (joined_sim(&a->v[i], &a->v[i + 1], &b->v[j]) > 0) {
				sa[i] = sa[i + 1] = sb[j] = 1.0;
				break;
			}
		}
	}
	for (size_t j = 0; j + 1 < b->n; j++) {
		if (sb[j] >= 1.0 && sb[j + 1] >= 1.0)
			continue;
		for (size_t i = 0; i < a->n; i++) {
			if (joined_sim(&b->v[j], &b->v[j + 1], &a->v[i]) > 0) {
				sb[j] = sb[j + 1] = sa[i] = 1.0;
				break;
			}
		}
	}
	double num = 0.0, den = 0.0;
	if (info) {
		info->telling = info->unmatched = 0;
		for (size_t i = 0; i < a->n; i++) {
			info->best[i] = ba[i];
			info->s[i] = sa[i];
			info->telling += a->v[i].w >= TELLING && sa[i] >= 0.8;
			info->unmatched += a->v[i].w > 0.3f && sa[i] < 0.8;
		}
		for (size_t j = 0; j < b->n; j++)
			info->unmatched += b->v[j].w > 0.3f && sb[j] < 0.8;
	}
	for (size_t i = 0; i < a->n; i++) {
		/* a generic word the input adds ("Huawei Technologies", "Geely
		 * Automobile") weighs less than one of the name's it lacks */
		double w = a->v[i].w < TELLING ? a->v[i].w * INPUT_GENERIC : a->v[i].w;
		num += w * sa[i];
		den += w;
		if (!ex)
			continue;
		if (sa[i] <= 0.0)
			list_add(&ex->extra, a->v[i].s, a->v[i].n);
		else if (sa[i] < 1.0 && !tok_eq(&a->v[i], &b->v[ba[i]])) {
			if (ex->typos.len)
				tm_buf_adds(&ex->typos, ", ");
			tm_buf_addf(&ex->typos, "'%.*s' ~ '%.*s'", (int)a->v[i].n, a->v[i].s, (int)b->v[ba[i]].n,
				    b->v[ba[i]].s);
		}
	}
	for (size_t j = 0; j < b->n; j++) {
		num += b->v[j].w * sb[j];
		den += b->v[j].w;
		if (ex && sb[j] <= 0.0)
			list_add(&ex->missing, b->v[j].s, b->v[j].n);
	}
	return den > 0 ? num / den : 0.0;
}

/* The token-set ratio over words already split. */
static int tok_cmp(const void *x, const void *y)
{
	const tok *a = *(const tok *const *)x, *b = *(const tok *const *)y;
	size_t n = a->n < b->n ? a->n : b->n;
	int c = memcmp(a->s, b->s, n);
	return c ? c : (a->n < b->n ? -1 : a->n > b->n);
}

static size_t put_words(uint32_t *out, size_t len, const tok *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (len && len < TM_TEXT_SIM_MAX)
			out[len++] = ' ';
		for (size_t k = 0; k < w[i]->len && len < TM_TEXT_SIM_MAX; k++)
			out[len++] = w[i]->cp[k];
	}
	return len;
}

static double token_set(const toks *a, const toks *b)
{
	if (!a->n || !b->n)
		return 0.0;
	const tok *wa[MAX_TOK], *wb[MAX_TOK], *in[MAX_TOK], *da[MAX_TOK], *db[MAX_TOK];
	size_t na = 0, nb = 0, ni = 0, nda = 0, ndb = 0;
	for (size_t i = 0; i < a->n; i++)
		wa[na++] = &a->v[i];
	for (size_t i = 0; i < b->n; i++)
		wb[nb++] = &b->v[i];
	qsort(wa, na, sizeof(wa[0]), tok_cmp);
	qsort(wb, nb, sizeof(wb[0]), tok_cmp);
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		if (i + 1 < na && tok_cmp(&wa[i], &wa[i + 1]) == 0) {
			i++;
			continue;
		}
		if (j + 1 < nb && tok_cmp(&wb[j], &wb[j + 1]) == 0) {
			j++;
			continue;
		}
		int c = i >= na ? 1 : j >= nb ? -1 : tok_cmp(&wa[i], &wb[j]);
		if (c == 0) {
			in[ni++] = wa[i];
			i++, j++;
		} else if (c < 0) {
			da[nda++] = wa[i++];
		} else {
			db[ndb++] = wb[j++];
		}
	}
	static _Thread_local uint32_t t0[TM_TEXT_SIM_MAX], t1[TM_TEXT_SIM_MAX], t2[TM_TEXT_SIM_MAX];
	size_t l0 = put_words(t0, 0, in, ni);
	memcpy(t1, t0, l0 * sizeof(uint32_t));
	memcpy(t2, t0, l0 * sizeof(uint32_t));
	size_t l1 = put_words(t1, l0, da, nda), l2 = put_words(t2, l0, db, ndb);
	double best = tm_sim_indel_ratio_cp(t1, l1, t2, l2), r;
	if (l0) {
		if ((r = tm_sim_indel_ratio_cp(t0, l0, t1, l1)) > best)
			best = r;
		if ((r = tm_sim_indel_ratio_cp(t0, l0, t2, l2)) > best)
			best = r;
	}
	return best;
}

/* The words of t run together, as code points, without places and single
 * letters (unless nothing else is left): Jaro-Winkler weighs the start of a
 * string most, and "Zhejiang" in front says little. */
static size_t compact_cp(const toks *t, uint32_t *out)
{
	size_t len = 0, kept = 0;
	for (size_t i = 0; i < t->n; i++)
		kept += t->v[i].w > 0.3f;
	for (size_t i = 0; i < t->n; i++) {
		if (kept && t->v[i].w <= 0.3f)
			continue;
		for (size_t k = 0; k < t->v[i].len && len < TM_TEXT_SIM_MAX; k++)
			out[len++] = t->v[i].cp[k];
	}
	return len;
}

/* ---- the query ---- */

typedef struct qprep {
	char *norm, *bare, *pinyin; /* keys of the cleaned name */
	char *cnorm, *cbare, *cpinyin;
	char *dropped;  /* listing words cut off, or NULL */
	int legal;      /* the name had a legal form */
	int has_han;
	int pinyin_differs;
	toks tb;        /* words of bare, abbreviations written out */
	toks tp;        /* words of pinyin (when it differs) */
	size_t lcb, lcp;
	uint32_t ccb[TM_TEXT_SIM_MAX], ccp[TM_TEXT_SIM_MAX]; /* compacts of tb, tp */
} qprep;

static void qprep_release(qprep *q)
{
	free(q->norm);
	free(q->bare);
	free(q->pinyin);
	free(q->cnorm);
	free(q->cbare);
	free(q->cpinyin);
	free(q->dropped);
}

/* The word of s[0, n) that ends at its end: its start. */
static size_t last_word(const char *s, size_t n)
{
	size_t ws = n;
	while (ws && s[ws - 1] != ' ')
		ws--;
	return ws;
}

static int word_is(const char *w, size_t n, const char *const *list, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (strlen(list[k]) == n && memcmp(w, list[k], n) == 0)
			return 1;
	return 0;
}

char *tm_match_strip_listing(const char *norm)
{
	static const char *const legal[] = { "ag", "co", "company", "corp", "corporation", "inc", "limited",
					     "ltd", "nv", "plc", "sa" };
	static const char *const classes[] = { "cl", "class", "ser", "series" };
	size_t n = strlen(norm);
	const char *start = norm;
	if (strncmp(start, "the ", 4) == 0 && n > 4) {
		start += 4;
		n -= 4;
	}
	tm_buf kept = TM_BUF_INIT; /* a legal form set aside while what is before it goes */
	while (n) {
		size_t ws = last_word(start, n);
		if (ws == 0)
			break; /* one word left: it stays */
		const char *w = start + ws;
		size_t wn = n - ws, ps = last_word(start, ws - 1);
		const char *prev = start + ps;
		size_t pn = ws - 1 - ps;
		int drop = tm_lex_listing(w, wn);
		/* a letter after a letter is a legal form spelled out ("S.A.",
		 * "S.p.A."), which the keys take off whole: not a share class */
		if (drop && wn == 1 && ws >= 2 && pn == 1)
			drop = 0;
		/* any letter after "class" is a share class: "CLASS C" */
		if (!drop && wn == 1 && word_is(prev, pn, classes, 4))
			drop = 1;
		if (!drop && wn == 3 && memcmp(w, "com", 3) == 0) {
			/* "APPLE INC COM": com after a legal form is common
			 * stock; "AMAZON COM" is the web name, the same company */
			drop = 1;
		}
		if (!drop && word_is(w, wn, legal, sizeof(legal) / sizeof(legal[0])) && ps < ws - 1 && ws >= 2) {
			/* "AMAZON COM INC", "CISCO SYSTEMS INC ORD": look past the
			 * legal form for listing words before it */
			int before = (pn == 3 && memcmp(prev, "com", 3) == 0) || (pn > 1 && tm_lex_listing(prev, pn));
			if (before && ps > 0) {
				tm_buf t = TM_BUF_INIT;
				tm_buf_addf(&t, " %.*s%s", (int)wn, w, kept.buf);
				tm_buf_release(&kept);
				kept = t;
				n = ps - 1;
				continue;
			}
		}
		if (!drop)
			break;
		n = ws - 1;
	}
	tm_buf r = TM_BUF_INIT;
	tm_buf_add(&r, start, n);
	tm_buf_adds(&r, kept.buf);
	tm_buf_release(&kept);
	return tm_buf_detach(&r);
}

/* The name without listing words and, at its end, legal forms in pinyin
 * ("Zhongguo Dianzi Keji Jituan"), which text.c's keys do not know. */
static char *strip_tail(const char *norm, int *pinyin_legal)
{
	char *s = tm_match_strip_listing(norm);
	for (;;) {
		size_t n = strlen(s), ws = n;
		while (ws && s[ws - 1] != ' ')
			ws--;
		if (ws == 0 || !tm_lex_pinyin_legal(s + ws, n - ws))
			break;
		s[ws - 1] = '\0';
		*pinyin_legal = 1;
		char *t = tm_match_strip_listing(s);
		free(s);
		s = t;
	}
	return s;
}

/* Keys and words of the query's name.  Fails only on invalid UTF-8 and ICU. */
static tm_rc qprep_init(qprep *q, const char *name, tm_err *err)
{
	memset(q, 0, offsetof(qprep, tb));
	q->tb.n = q->tp.n = 0;
	q->lcb = q->lcp = 0;
	tm_name_keys k;
	tm_rc rc = tm_text_name_keys(name, strlen(name), &k, err);
	if (rc)
		return rc;
	int pinyin_legal = 0;
	char *clean = strip_tail(k.norm, &pinyin_legal);
	if (strcmp(clean, k.norm) != 0) {
		/* what went: a leading "the" and the words after what stays */
		const char *kept = strstr(k.norm, clean);
		const char *tail = kept ? kept + strlen(clean) : "";
		while (*tail == ' ')
			tail++;
		if (*tail)
			q->dropped = tm_xstrdup(tail);
		tm_name_keys_release(&k);
		rc = tm_text_name_keys(clean, strlen(clean), &k, err);
		if (rc) {
			free(clean);
			qprep_release(q);
			return rc;
		}
	}
	free(clean);
	q->norm = k.norm;
	q->bare = k.bare;
	q->pinyin = k.pinyin;
	free(k.tokens);
	free(k.pairs);
	q->legal = strcmp(q->norm, q->bare) != 0 || pinyin_legal;
	q->has_han = tm_text_has_han(q->norm);
	q->pinyin_differs = strcmp(q->pinyin, q->bare) != 0;
	q->cnorm = tm_text_compact(q->norm);
	q->cbare = tm_text_compact(q->bare);
	q->cpinyin = tm_text_compact(q->pinyin);
	tokenize(q->bare, &q->tb, &q->legal);
	q->lcb = compact_cp(&q->tb, q->ccb);
	if (q->pinyin_differs) {
		tokenize(q->pinyin, &q->tp, NULL);
		q->lcp = compact_cp(&q->tp, q->ccp);
	}
	return TM_OK;
}

/* ---- scoring one stored key ---- */

typedef struct kscore {
	double score;
	tm_match_by by;
	double align, tsr, jw; /* the parts of a fuzzy score */
	double raw;            /* a fuzzy score before its caps: orders candidates the caps made equal */
} kscore;

/* 1 when a scores better than b. */
static int ks_better(const kscore *a, const kscore *b)
{
	return a->score > b->score || (a->score == b->score && a->raw > b->raw);
}

static int same_words(const toks *a, const toks *b)
{
	if (a->n != b->n || !a->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!tok_eq(&a->v[i], &b->v[i]))
			return 0;
	return 1;
}

/* kt is scratch for the key's words.  With fuzzy 0 only equal keys score;
 * a fuzzy score that cannot reach floor is not worked out in full (its
 * word alignment part stands for it). */
static kscore score_key(const qprep *q, const char *key, toks *kt, int fuzzy, double floor)
{
	kscore r = { 0, TM_BY_NONE, 0, 0, 0 };
	if (strcmp(key, q->norm) == 0)
		return (kscore){ SCORE_EXACT, TM_BY_EXACT, 1, 1, 1, SCORE_EXACT };
	if (strcmp(key, q->bare) == 0)
		return (kscore){ q->legal ? SCORE_LEGAL : SCORE_EXACT, q->legal ? TM_BY_LEGAL_FORM : TM_BY_EXACT, 1, 1, 1,
				  q->legal ? SCORE_LEGAL : SCORE_EXACT };
	if (q->pinyin_differs && strcmp(key, q->pinyin) == 0)
		return (kscore){ SCORE_PINYIN, TM_BY_PINYIN, 1, 1, 1, SCORE_PINYIN };
	int spaced = strchr(key, ' ') != NULL;
	if (!spaced && (strcmp(key, q->cbare) == 0 || strcmp(key, q->cnorm) == 0))
		return (kscore){ SCORE_SPACING, TM_BY_SPACING, 1, 1, 1, SCORE_SPACING };
	if (!spaced && q->pinyin_differs && strcmp(key, q->cpinyin) == 0)
		return (kscore){ SCORE_PINYIN - 0.01, TM_BY_PINYIN, 1, 1, 1, SCORE_PINYIN - 0.01 };
	if (!fuzzy)
		return r;
	tokenize(key, kt, NULL);
	if (same_words(&q->tb, kt) || (q->pinyin_differs && same_words(&q->tp, kt)))
		return (kscore){ SCORE_ABBREV, TM_BY_ABBREV, 1, 1, 1, SCORE_ABBREV };
	uint32_t kc[TM_TEXT_SIM_MAX];
	size_t lk = 0;
	for (int v = 0; v < (q->pinyin_differs ? 2 : 1); v++) {
		const toks *qt = v ? &q->tp : &q->tb;
		align_info ai;
		double a = align(qt, kt, NULL, &ai);
		if (W_ALIGN * a + W_TSR + W_JW < floor) {
			/* hopeless: most keys of most candidates end here */
			if (W_ALIGN * a > r.score)
				r = (kscore){ W_ALIGN * a, TM_BY_FUZZY, a, -1, -1, W_ALIGN * a };
			continue;
		}
		if (!lk)
			lk = compact_cp(kt, kc);
		/* the token-set ratio over the words as the alignment read them,
		 * so that one typo does not make two sets of strangers */
		static _Thread_local toks fixed;
		fixed.n = qt->n;
		for (size_t i = 0; i < qt->n; i++)
			fixed.v[i] = ai.s[i] >= 0.8 ? kt->v[ai.best[i]] : qt->v[i];
		double t = token_set(&fixed, kt);
		double j = tm_text_jaro_winkler(v ? q->ccp : q->ccb, v ? q->lcp : q->lcb, kc, lk);
		double s = W_ALIGN * a + W_TSR * t + W_JW * j, raw = s;
		if (s > FUZZY_CAP)
			s = FUZZY_CAP;
		/* similar only in generic words and places, and not in all of
		 * them ("China Electronics" and "… Electronics Technology"): not
		 * evidence enough */
		if (!ai.telling && ai.unmatched && s > GENERIC_CAP)
			s = GENERIC_CAP;
		kscore k = { s, TM_BY_FUZZY, a, t, j, raw };
		if (ks_better(&k, &r))
			r = k;
	}
	return r;
}

/* ---- candidates ---- */

typedef struct cand {
	tm_ekey entity;
	int64_t name;     /* the name row that scored best */
	char *key;        /* its key that scored best (owned) */
	kscore ks;        /* name score */
	double score;     /* with bonuses */
	int scored;
	char *ident_scheme; /* matched by identifier: its scheme and value (owned) */
	char *ident_value;
	tm_store_brief info;
	int have_info;
	char *explain_extra; /* bonus notes */
	char *group_words;   /* TM_BY_GROUP: the input's words that none of the entity's names has */
} cand;

struct tm_matcher {
	tm_store *st;
	int began;                   /* tm_matcher_begin() opened a read transaction */
	const tm_search_vocab *vocab; /* shared, or own_vocab */
	tm_search_vocab *own_vocab;
	int cached;                  /* own_vocab comes from the store's cache */
	int vocab_failed;            /* building it failed once: go without */
	double threshold;
	size_t max_cands;
	cand *c;
	size_t nc, cap;
	toks kt; /* scratch for a key's words */
	/* keys of the entity being scored */
	struct {
		int64_t name;
		char *key;
	} keys[MAX_KEYS];
	size_t nkeys;
};

tm_rc tm_matcher_new(tm_store *st, const tm_match_opts *opts, tm_matcher **out, tm_err *err)
{
	tm_matcher *m = tm_xcalloc(1, sizeof(*m));
	m->st = st;
	m->threshold = opts && opts->threshold > 0 ? opts->threshold : TM_MATCH_THRESHOLD;
	m->max_cands = opts && opts->max_candidates ? opts->max_candidates : 32;
	m->vocab = opts ? opts->vocab : NULL;
	m->cached = opts && opts->cached;
	(void)err;
	*out = m;
	return TM_OK;
}

static void cands_reset(tm_matcher *m)
{
	for (size_t i = 0; i < m->nc; i++) {
		free(m->c[i].key);
		free(m->c[i].ident_scheme);
		free(m->c[i].ident_value);
		free(m->c[i].explain_extra);
		free(m->c[i].group_words);
		tm_store_brief_release(&m->c[i].info);
	}
	m->nc = 0;
}

void tm_matcher_free(tm_matcher *m)
{
	if (!m)
		return;
	cands_reset(m);
	free(m->c);
	tm_matcher_end(m);
	tm_search_vocab_free(m->own_vocab);
	free(m);
}

tm_rc tm_matcher_begin(tm_matcher *m, tm_err *err)
{
	if (m->began)
		return TM_OK;
	return tm_store_read_begin(m->st, TM_READ_MANY, &m->began, err);
}

void tm_matcher_end(tm_matcher *m)
{
	tm_store_read_end(m->st, m->began);
	m->began = 0;
}

double tm_matcher_threshold(const tm_matcher *m)
{
	return m->threshold;
}

static cand *cand_find(tm_matcher *m, tm_ekey e)
{
	for (size_t i = 0; i < m->nc; i++)
		if (m->c[i].entity == e)
			return &m->c[i];
	return NULL;
}

static cand *cand_add(tm_matcher *m, tm_ekey e)
{
	cand *c = cand_find(m, e);
	if (c)
		return c;
	if (m->nc >= m->max_cands)
		return NULL;
	TM_GROW(m->c, m->cap, m->nc + 1);
	c = &m->c[m->nc++];
	memset(c, 0, sizeof(*c));
	c->entity = e;
	return c;
}

static int on_name(void *ctx, tm_ekey entity, int64_t name)
{
	tm_matcher *m = ctx;
	(void)name;
	cand_add(m, entity);
	return 0;
}

static int on_prefix_name(void *ctx, tm_ekey entity, int64_t name, size_t key_len)
{
	(void)key_len;
	return on_name(ctx, entity, name);
}

/* Names holding every one of words[0..n-1] in their words or pinyin; a
 * word with a space in it is a phrase ("海 康"). */
static tm_rc words_look_up(tm_matcher *m, const char *const *words, size_t n, size_t limit, tm_err *err)
{
	tm_words_term t[5];
	if (n > sizeof(t) / sizeof(t[0]))
		n = sizeof(t) / sizeof(t[0]);
	for (size_t i = 0; i < n; i++)
		t[i] = (tm_words_term){ TM_WORDS_TOKENS | TM_WORDS_PINYIN, &words[i], 1, 0 };
	return tm_store_names_by_words(m->st, t, n, limit, on_name, m, err);
}

static int on_key(void *ctx, int64_t name, const char *key)
{
	tm_matcher *m = ctx;
	if (m->nkeys >= MAX_KEYS)
		return 1;
	m->keys[m->nkeys].name = name;
	m->keys[m->nkeys].key = tm_xstrdup(key);
	m->nkeys++;
	return 0;
}

static void keys_reset(tm_matcher *m)
{
	for (size_t i = 0; i < m->nkeys; i++)
		free(m->keys[i].key);
	m->nkeys = 0;
}

/* Score the keys in m->keys into c (the best key wins; ties go to the
 * earlier key, which is the same order for the indexed path and the scan). */
/* 1 when key i of m->keys needs a fuzzy score of its own: not when another
 * key of the same name is its start (the name without its legal form,
 * which scores at least as well), nor when it is a Latin name run together
 * and the name has a spaced key (whose words and compact say the same). */
static int needs_fuzzy(const tm_matcher *m, size_t i)
{
	const char *k = m->keys[i].key;
	size_t n = strlen(k);
	int spaced = strchr(k, ' ') != NULL, han = !spaced && tm_text_has_han(k);
	for (size_t j = 0; j < m->nkeys; j++) {
		if (j == i || m->keys[j].name != m->keys[i].name)
			continue;
		const char *o = m->keys[j].key;
		size_t on = strlen(o);
		if (on < n && strncmp(k, o, on) == 0)
			return 0;
		if (!spaced && !han && strchr(o, ' '))
			return 0;
	}
	return 1;
}

/*
 * A possible group member: a key of the entity lies whole in the input (its
 * telling words and trades, places aside), and the input has words that
 * none of the entity's names has and that are not neutral (a legal form, a
 * place, "technology", 集团 …): "BYD Electronic" beside "BYD", "COSCO
 * SHIPPING Energy" beside "China Ocean Shipping Company | COSCO" (shipping
 * is COSCO's own word, energy is not).  Such a company shares the group's
 * name; whether it belongs to the group only an ownership relation can say,
 * so it is never reported as the group itself.  The words go to *words.
 */
/* A neutral word, or one typo from a long one ("technolgies"). */
static int neutral_tok(const tok *w)
{
	if (tm_lex_neutral(w->s, w->n))
		return 1;
	if (w->han || w->len < 6)
		return 0;
	static const char *const longer[] = { "corporation", "holdings", "information", "international",
					      "investment", "technologies", "technology", "worldwide" };
	for (size_t i = 0; i < sizeof(longer) / sizeof(longer[0]); i++) {
		tok t = { 0 };
		t.s = longer[i];
		t.n = (uint16_t)strlen(longer[i]);
		t.len = (uint8_t)tm_text_decode(t.s, t.n, t.cp, TOK_CP);
		size_t mx = t.len > w->len ? t.len : w->len, mn = t.len < w->len ? t.len : w->len;
		if (mx - mn <= 1 && osa_distance(w->cp, w->len, t.cp, t.len) == 1)
			return 1;
	}
	return 0;
}

static int group_of(tm_matcher *m, const qprep *q, char **words)
{
	const toks *qt = &q->tb;
	if (qt->n < 2)
		return 0;
	uint8_t covered[MAX_TOK] = { 0 };
	int contained = 0;
	for (size_t i = 0; i < m->nkeys; i++) {
		tokenize(m->keys[i].key, &m->kt, NULL);
		int all = m->kt.n > 0, tell = 0, han = 0;
		for (size_t j = 0; j < m->kt.n; j++) {
			const tok *w = &m->kt.v[j];
			int found = 0;
			for (size_t t = 0; t < qt->n; t++) {
				if (word_sim(&qt->v[t], w) >= 0.9) {
					covered[t] = 1;
					found = 1;
				}
			}
			/* every word of the name, places too: "de ping xian"
			 * (地平线 in pinyin) is not in "Ping An Insurance" */
			if (!found && !tm_lex_legal(w->s, w->n))
				all = 0;
			tell += w->w >= TELLING && found;
			han += w->han;
		}
		/* two Chinese characters are too many names' start (大华会计师事务所
		 * is not 大华, 小米粥 not 小米) */
		contained |= all && tell && (han == 0 || han >= 3);
	}
	if (!contained)
		return 0;
	tm_buf b = TM_BUF_INIT;
	for (size_t t = 0; t < qt->n; t++) {
		const tok *w = &qt->v[t];
		if (covered[t] || neutral_tok(w) || (!w->han && w->len <= 2))
			continue;
		if (b.len)
			tm_buf_addch(&b, ' ');
		tm_buf_add(&b, w->s, w->n);
	}
	if (!b.len) {
		tm_buf_release(&b);
		return 0;
	}
	*words = tm_buf_detach(&b);
	return 1;
}

static void score_keys(tm_matcher *m, const qprep *q, cand *c)
{
	double floor = m->threshold - 0.2;
	for (size_t i = 0; i < m->nkeys; i++) {
		kscore ks = score_key(q, m->keys[i].key, &m->kt, needs_fuzzy(m, i), floor);
		if (!c->key || ks_better(&ks, &c->ks) ||
		    (!ks_better(&c->ks, &ks) && strcmp(m->keys[i].key, c->key) < 0)) {
			free(c->key);
			c->key = tm_xstrdup(m->keys[i].key);
			c->name = m->keys[i].name;
			c->ks = ks;
		}
	}
	c->scored = 1;
	/* an equal key says the input is this entity; anything less, with
	 * words of another business, may be one of its group (finish() asks
	 * the entity's description what its own business is) */
	char *words = NULL;
	free(c->group_words);
	c->group_words = NULL;
	if (c->ks.score < SCORE_ABBREV && group_of(m, q, &words))
		c->group_words = words;
}

static tm_rc score_cands(tm_matcher *m, const qprep *q, tm_err *err)
{
	for (size_t i = 0; i < m->nc; i++) {
		cand *c = &m->c[i];
		if (c->scored || c->ident_scheme)
			continue;
		keys_reset(m);
		tm_rc rc = tm_store_entity_keys(m->st, c->entity, on_key, m, err);
		if (rc) {
			keys_reset(m);
			return rc;
		}
		score_keys(m, q, c);
	}
	keys_reset(m);
	return TM_OK;
}

static double best_name_score(const tm_matcher *m)
{
	double best = 0;
	/* a group is no reason to stop looking for the company itself */
	for (size_t i = 0; i < m->nc; i++)
		if (m->c[i].ks.by != TM_BY_GROUP && m->c[i].ks.score > best)
			best = m->c[i].ks.score;
	return best;
}

/* The typo index, built on first need when none was given.  Without one
 * (it failed to build) screening goes on without typo look-ups. */
static tm_rc matcher_vocab(tm_matcher *m, const tm_search_vocab **out, tm_err *err)
{
	(void)err;
	if (!m->vocab && !m->vocab_failed) {
		if ((m->cached ? tm_search_vocab_open(m->st, &m->own_vocab, NULL) :
				 tm_search_vocab_build(m->st, &m->own_vocab, NULL)) == TM_OK)
			m->vocab = m->own_vocab;
		else
			m->vocab_failed = 1;
	}
	*out = m->vocab;
	return TM_OK;
}

/* A word worth asking the word index for, most telling first. */
typedef struct probe {
	double weight;
	size_t len;   /* in characters */
	long df;      /* names holding the word (after typo correction); -1 unknown */
	char w[40];   /* the word, or a pair of Chinese characters "海 康" */
} probe;

static int probe_cmp(const void *x, const void *y)
{
	const probe *a = x, *b = y;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return a->len > b->len ? -1 : a->len < b->len;
}

static size_t probes_of(const toks *t, probe *p, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n && n < cap; i++) {
		const tok *k = &t->v[i];
		if (k->han) {
			/* a pair of characters, at least one of them telling */
			if (i + 1 >= t->n || !t->v[i + 1].han || (size_t)k->n + t->v[i + 1].n + 2 > sizeof(p[n].w))
				continue;
			double w = k->w > t->v[i + 1].w ? k->w : t->v[i + 1].w;
			if (w < 0.5)
				continue;
			snprintf(p[n].w, sizeof(p[n].w), "%.*s %.*s", (int)k->n, k->s, (int)t->v[i + 1].n,
				 t->v[i + 1].s);
			p[n].weight = w + 0.1 * (k->w + t->v[i + 1].w);
			p[n].len = 2;
			n++;
			continue;
		}
		int dup = 0;
		for (size_t j = 0; j < n && !dup; j++)
			dup = strlen(p[j].w) == k->n && memcmp(p[j].w, k->s, k->n) == 0;
		if (dup || (size_t)k->n + 1 > sizeof(p[n].w))
			continue;
		snprintf(p[n].w, sizeof(p[n].w), "%.*s", (int)k->n, k->s);
		p[n].weight = k->w;
		p[n].len = k->len;
		n++;
	}
	qsort(p, n, sizeof(p[0]), probe_cmp);
	return n;
}

/* The first part of a compact key worth a prefix look-up: 60 % of it, at
 * least 4 characters (2 Chinese ones); NULL when that is the whole key. */
static char *prefix_of(const char *s, size_t min_cp)
{
	size_t cps = 0;
	for (const char *p = s; *p; p++)
		cps += ((unsigned char)*p & 0xC0) != 0x80;
	size_t want = cps * 6 / 10;
	if (want < min_cp)
		want = min_cp;
	if (want >= cps)
		return NULL;
	const char *p = s;
	for (size_t k = 0; *p && k < want; k++) {
		p++;
		while (((unsigned char)*p & 0xC0) == 0x80)
			p++;
	}
	return tm_xstrndup(s, (size_t)(p - s));
}

static int df_cmp(const void *x, const void *y)
{
	const probe *a = *(const probe *const *)x, *b = *(const probe *const *)y;
	/* known counts first, fewest first; then the more telling */
	if ((a->df < 0) != (b->df < 0))
		return a->df < 0 ? 1 : -1;
	if (a->df != b->df)
		return a->df < b->df ? -1 : 1;
	return a->weight > b->weight ? -1 : a->weight < b->weight;
}

/* The words of a query to ask the word index for.  A word the typo index
 * does not have is a typo or unknown: the nearest words it has (one edit
 * away) stand in for it, the first in the word's place, the others in
 * extra.  all gets up to 3 words, fewest names first (the most selective
 * AND); tell up to 3 telling words, likewise. */
typedef struct wordset {
	probe p[MAX_TOK];
	size_t np;
	probe *all[3], *tell[3];
	size_t nall, ntell;
	char extra[6][40];
	size_t nextra;
} wordset;

static tm_rc query_words(tm_matcher *m, const qprep *q, wordset *ws, tm_err *err)
{
	tm_rc rc = TM_OK;
	ws->np = probes_of(&q->tb, ws->p, MAX_TOK);
	if (!ws->np && q->pinyin_differs)
		ws->np = probes_of(&q->tp, ws->p, MAX_TOK);
	ws->nall = ws->ntell = ws->nextra = 0;
	const tm_search_vocab *vocab = NULL;
	probe *keep[MAX_TOK];
	size_t nkeep = 0;
	for (size_t i = 0; i < ws->np && !rc; i++) {
		probe *p = &ws->p[i];
		p->df = -1;
		size_t wl = strlen(p->w);
		if (!strchr(p->w, ' ') && (rc = matcher_vocab(m, &vocab, err)) == TM_OK && vocab)
			p->df = tm_search_vocab_docs(vocab, p->w, wl);
		if (p->df == 0) {
			const char *sug[3];
			size_t ns = tm_search_vocab_suggest(vocab, p->w, wl, sug, 3);
			if (!ns)
				continue; /* no name has it, nor anything like it */
			snprintf(p->w, sizeof(p->w), "%s", sug[0]);
			p->df = tm_search_vocab_docs(vocab, p->w, strlen(p->w));
			for (size_t k = 1; k < ns && ws->nextra < 6; k++)
				snprintf(ws->extra[ws->nextra++], sizeof(ws->extra[0]), "%s", sug[k]);
		}
		keep[nkeep++] = p;
	}
	qsort(keep, nkeep, sizeof(keep[0]), df_cmp);
	/* the rarest three say as much as all of them, and a word in every
	 * other name ("technology", "co") costs the index more than it tells */
	for (size_t i = 0; i < nkeep && ws->nall < 3; i++)
		if (keep[i]->df < MAX_DF || !ws->nall)
			ws->all[ws->nall++] = keep[i];
	for (size_t i = 0; i < nkeep && ws->ntell < 3; i++)
		if (keep[i]->weight >= TELLING && keep[i]->len >= 3)
			ws->tell[ws->ntell++] = keep[i];
	/* only generic words ("China Electronics Corporation"): the rarest of them */
	for (size_t i = 0; i < nkeep && !ws->ntell && i < 3; i++)
		ws->tell[ws->ntell++] = keep[i];
	return rc;
}

static tm_rc words_and(tm_matcher *m, probe *const *p, size_t n, size_t skip, size_t limit, tm_err *err)
{
	const char *w[5];
	size_t k = 0;
	for (size_t i = 0; i < n && k < 5; i++)
		if (i != skip)
			w[k++] = p[i]->w;
	return k ? words_look_up(m, w, k, limit, err) : TM_OK;
}

/*
 * Candidates in three rounds, each only when the one before found nothing
 * good enough, so that a name in the graph costs a few look-ups and only
 * a name that is not costs them all:
 *   1. names with a key equal to one of the query's;
 *   2. names that start with the query; then names with all its words;
 *   3. names with all its words but one, with all its telling words, with
 *      any one telling word or the start of one, with most of the query's
 *      start (a typo at its end), or with its first two words run
 *      together ("Hik Vision").
 * Words are asked for rarest first, by the typo index's counts, so that
 * the row limit of a look-up cuts among names that share the rare word.
 */
static tm_rc gather_names(tm_matcher *m, const qprep *q, tm_err *err)
{
	tm_rc rc = TM_OK;
	const char *forms[] = { q->norm, q->bare, q->pinyin, q->cnorm, q->cbare, q->cpinyin };
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]) && !rc; i++) {
		int seen = !*forms[i];
		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(forms[i], forms[j]) == 0;
		if (!seen)
			rc = tm_store_names_by_key(m->st, forms[i], LIMIT_EXACT, on_name, m, err);
	}
	/* words written out ("tech" → "technology") give keys of their own */
	tm_buf x = TM_BUF_INIT;
	for (size_t i = 0; i < q->tb.n; i++) {
		if (i && !(q->tb.v[i].han && q->tb.v[i - 1].han))
			tm_buf_addch(&x, ' ');
		tm_buf_add(&x, q->tb.v[i].s, q->tb.v[i].n);
	}
	char *cx = tm_text_compact(x.buf);
	if (!rc && x.len && strcmp(x.buf, q->bare) != 0) {
		rc = tm_store_names_by_key(m->st, x.buf, LIMIT_EXACT, on_name, m, err);
		if (!rc)
			rc = tm_store_names_by_key(m->st, cx, LIMIT_EXACT, on_name, m, err);
	}
	tm_buf_release(&x);
	if (!rc)
		rc = score_cands(m, q, err);
	if (rc || best_name_score(m) >= SKIP_FUZZY)
		goto done;

	/* 2. */
	wordset ws;
	ws.nall = ws.ntell = ws.nextra = 0;
	rc = tm_store_names_by_prefix(m->st, cx, 0, LIMIT_PREFIX, on_prefix_name, m, err);
	if (!rc && q->pinyin_differs)
		rc = tm_store_names_by_prefix(m->st, q->cpinyin, 0, LIMIT_PREFIX, on_prefix_name, m, err);
	if (!rc)
		rc = score_cands(m, q, err);
	if (rc || best_name_score(m) >= SKIP_WEAK)
		goto done;
	size_t before = m->nc;
	if (!rc)
		rc = query_words(m, q, &ws, err);
	/* every word at once, the rarest first: the most selective question */
	if (!rc && ws.nall)
		rc = words_and(m, ws.all, ws.nall, SIZE_MAX, LIMIT_WORDS, err);
	int all_found = m->nc > before;
	if (!rc)
		rc = score_cands(m, q, err);
	if (rc || best_name_score(m) >= SKIP_WEAK)
		goto done;

	/* 3. */
	/* a word too many or one mistyped into another word: each one left out */
	for (size_t i = 0; !all_found && ws.nall >= 3 && i < ws.nall && !rc; i++)
		rc = words_and(m, ws.all, ws.nall, i, LIMIT_WORDS / 2, err);
	if (!rc && ws.ntell && (ws.ntell != ws.nall || all_found))
		rc = words_and(m, ws.tell, ws.ntell, SIZE_MAX, LIMIT_WORDS, err);
	for (size_t i = 0; i < ws.ntell && i < 2 && ws.ntell > 1 && !rc; i++)
		rc = words_and(m, &ws.tell[i], 1, SIZE_MAX, LIMIT_WORDS / 2, err);
	for (size_t i = 0; i < ws.nextra && !rc; i++) {
		const char *x = ws.extra[i];
		rc = words_look_up(m, &x, 1, LIMIT_WORDS / 2, err);
	}
	for (size_t i = 0; i < ws.ntell && i < 2 && !rc; i++) {
		if (ws.tell[i]->len < 5 || strchr(ws.tell[i]->w, ' '))
			continue;
		char *wp = prefix_of(ws.tell[i]->w, 4);
		if (wp)
			rc = tm_store_names_by_prefix(m->st, wp, 0, LIMIT_PREFIX, on_prefix_name, m, err);
		free(wp);
	}
	char *pre = prefix_of(cx, q->has_han ? 2 : 4);
	if (!rc && pre)
		rc = tm_store_names_by_prefix(m->st, pre, 0, LIMIT_PREFIX, on_prefix_name, m, err);
	free(pre);
	if (!rc && q->tb.n >= 2 && !q->tb.v[0].han && !q->tb.v[1].han) {
		tm_buf j = TM_BUF_INIT;
		tm_buf_add(&j, q->tb.v[0].s, q->tb.v[0].n);
		tm_buf_add(&j, q->tb.v[1].s, q->tb.v[1].n);
		if (j.len >= 4)
			rc = tm_store_names_by_prefix(m->st, j.buf, 0, LIMIT_PREFIX, on_prefix_name, m, err);
		tm_buf_release(&j);
	}
	if (!rc)
		rc = score_cands(m, q, err);
done:
	free(cx);
	return rc;
}

/* ---- identifiers ---- */

static int on_ident(void *ctx, tm_ekey entity, const char *scheme)
{
	tm_matcher *m = ctx;
	cand *c = cand_add(m, entity);
	if (!c)
		return 1;
	if (c->ident_scheme)
		return 0;
	free(c->key);
	c->key = NULL;
	c->ident_scheme = tm_xstrdup(scheme ? scheme : "");
	c->ks = (kscore){ 1.0, TM_BY_IDENT, 1, 1, 1, 1.0 };
	c->scored = 1;
	return 0;
}

static void add_warning(tm_matches *out, const char *msg);

/* Look up an identifier of scheme (NULL: its shape tells, else it is taken
 * as a ticker); a value of a checked scheme must pass its check.  Tickers
 * are looked up as tickers only, and also without their exchange suffix
 * ("002415.SZ"). */
static tm_rc gather_ident(tm_matcher *m, const char *scheme, const char *raw, tm_matches *out, tm_err *err)
{
	char v[64];
	if (!tm_match_ident_norm(scheme, raw, v, sizeof(v)))
		return TM_OK;
	const char *shape = scheme ? scheme : tm_match_ident_shape(v);
	int ok = tm_match_ident_check(shape, v);
	if (ok == 0) {
		tm_buf b = TM_BUF_INIT;
		if (scheme && !tm_match_ident_shape(v) && strcmp(scheme, "isin") && strcmp(scheme, "lei") &&
		    strcmp(scheme, "uscc") && strlen(v) != (strcmp(scheme, "cusip") == 0 ? 9u : 7u))
			tm_buf_addf(&b, "%s '%s' has not the length of one; not looked up", scheme, v);
		else
			tm_buf_addf(&b, "%s '%s' fails its check character; not looked up", shape, v);
		add_warning(out, b.buf);
		tm_buf_release(&b);
		return TM_OK;
	}
	int ticker = !shape || strcmp(shape, "ticker") == 0;
	size_t before = m->nc;
	/* a value from a column of unknown scheme may be stored under any;
	 * a ticker column's value only as a ticker */
	tm_rc rc = tm_store_names_by_ident(m->st, v, scheme && ticker ? "ticker" : NULL, LIMIT_IDENTS, on_ident, m, err);
	if (!rc && m->nc == before && ticker) {
		char *dot = strpbrk(v, ". ");
		if (dot && dot > v) {
			*dot = '\0';
			rc = tm_store_names_by_ident(m->st, v, "ticker", LIMIT_IDENTS, on_ident, m, err);
		}
	}
	for (size_t i = 0; i < m->nc; i++)
		if (m->c[i].ident_scheme && !m->c[i].ident_value)
			m->c[i].ident_value = tm_xstrdup(v);
	return rc;
}

/* ---- finishing ---- */

static int kind_rank(tm_match_by by)
{
	return (int)by; /* the enum runs from strongest to weakest */
}

static int cand_cmp(const void *x, const void *y)
{
	const cand *a = x, *b = y;
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->ks.by != b->ks.by)
		return kind_rank(a->ks.by) - kind_rank(b->ks.by);
	if (a->ks.raw != b->ks.raw)
		return a->ks.raw > b->ks.raw ? -1 : 1;
	const char *ia = a->info.id ? a->info.id : "", *ib = b->info.id ? b->info.id : "";
	return strcmp(ia, ib);
}

static void bonuses(cand *c, const char *qcountry, int legal)
{
	tm_buf note = TM_BUF_INIT;
	c->score = c->ks.score;
	if (qcountry[0] && c->info.country && c->info.country[0]) {
		if (strcmp(qcountry, c->info.country) == 0) {
			c->score += BONUS_COUNTRY;
			tm_buf_addf(&note, "; country %s agrees (+%.2f)", qcountry, BONUS_COUNTRY);
		} else {
			c->score -= MALUS_COUNTRY;
			tm_buf_addf(&note, "; country %s differs from the input's %s (-%.2f)", c->info.country, qcountry,
				    MALUS_COUNTRY);
		}
	}
	if (c->info.kind && !tm_lex_org_kind(c->info.kind)) {
		c->score -= MALUS_KIND;
		tm_buf_addf(&note, "; a %s, not an institution (-%.2f)", c->info.kind, MALUS_KIND);
	} else if (legal && c->info.kind && strcmp(c->info.kind, "company") == 0) {
		c->score += BONUS_COMPANY;
		tm_buf_addf(&note, "; the input's legal form fits a company (+%.2f)", BONUS_COMPANY);
	} else if (legal && c->info.kind &&
		   (strcmp(c->info.kind, "university") == 0 || strcmp(c->info.kind, "state_body") == 0 ||
		    strcmp(c->info.kind, "police") == 0 || strcmp(c->info.kind, "political_party") == 0)) {
		/* "Technion Oy" is a Finnish company, not the Technion */
		c->score -= MALUS_LEGAL_KIND;
		tm_buf_addf(&note, "; a company's legal form, and this is a %s (-%.2f)", c->info.kind, MALUS_LEGAL_KIND);
	}
	if (c->score > 1.0)
		c->score = 1.0;
	if (c->score < 0.0)
		c->score = 0.0;
	free(c->explain_extra);
	c->explain_extra = note.len ? tm_buf_detach(&note) : NULL;
	tm_buf_release(&note);
}

static void explain(tm_matcher *m, const qprep *q, const cand *c, const char *text, const char *lang,
		    tm_buf *b)
{
	switch (c->ks.by) {
	case TM_BY_IDENT:
		tm_buf_addf(b, "identifier %s %s is recorded for this entity", c->ident_scheme, c->ident_value);
		if (tm_match_ident_check(c->ident_scheme, c->ident_value) == 1)
			tm_buf_adds(b, " (check character valid)");
		break;
	case TM_BY_EXACT:
		tm_buf_addf(b, "name '%s' (%s) equals the input after normalization", text, lang);
		break;
	case TM_BY_LEGAL_FORM:
		tm_buf_addf(b, "name '%s' (%s) equals the input once legal forms are set aside", text, lang);
		break;
	case TM_BY_PINYIN:
		tm_buf_addf(b, "name '%s' (%s) and the input read the same in pinyin ('%s')", text, lang,
			    c->key ? c->key : q->pinyin);
		break;
	case TM_BY_SPACING:
		tm_buf_addf(b, "name '%s' (%s) equals the input but for spaces", text, lang);
		break;
	case TM_BY_ABBREV:
		tm_buf_addf(b, "name '%s' (%s) equals the input with abbreviations written out", text, lang);
		break;
	case TM_BY_FUZZY: {
		explain_words ex = { TM_BUF_INIT, TM_BUF_INIT, TM_BUF_INIT };
		tokenize(c->key, &m->kt, NULL);
		const toks *qt = &q->tb;
		if (q->pinyin_differs && align(&q->tp, &m->kt, NULL, NULL) > align(&q->tb, &m->kt, NULL, NULL))
			qt = &q->tp;
		align(qt, &m->kt, &ex, NULL);
		tm_buf_addf(b, "name '%s' (%s) is similar", text, lang);
		if (ex.typos.len)
			tm_buf_addf(b, "; words %s", ex.typos.buf);
		if (ex.extra.len)
			tm_buf_addf(b, "; not in the name: %s", ex.extra.buf);
		if (ex.missing.len)
			tm_buf_addf(b, "; not in the input: %s", ex.missing.buf);
		if (c->ks.tsr < 0)
			tm_buf_addf(b, "; word alignment %.2f", c->ks.align);
		else
			tm_buf_addf(b, "; word alignment %.2f, token-set ratio %.2f, Jaro-Winkler %.2f", c->ks.align,
				    c->ks.tsr, c->ks.jw);
		tm_buf_release(&ex.typos);
		tm_buf_release(&ex.missing);
		tm_buf_release(&ex.extra);
		break;
	}
	case TM_BY_GROUP:
		tm_buf_addf(b,
			    "the input holds the whole name '%s' (%s) and words that none of its names has (%s): "
			    "possibly a company of the group, not the group itself",
			    text, lang, c->group_words ? c->group_words : "");
		break;
	case TM_BY_NONE:
		break;
	}
	if (q && q->dropped && c->ks.by != TM_BY_IDENT)
		tm_buf_addf(b, "; dropped from the end: '%s'", q->dropped);
	if (c->explain_extra)
		tm_buf_adds(b, c->explain_extra);
	tm_buf_addf(b, "; score %.2f", c->score);
}

/* Bonuses, order, and the top `limit` candidates into out. */
/* Words of a car maker's trade, which its description calls "car" (汽车):
 * "Chery Automobile", 合众新能源汽车 (new energy: electric). */
static int car_word(const char *w, size_t n)
{
	static const char *const cars[] = { "auto", "automobile", "automobiles", "automotive", "energy", "motor",
					    "motors", "new", "vehicle", "vehicles", "新", "能", "源", "汽", "车" };
	for (size_t i = 0; i < sizeof(cars) / sizeof(cars[0]); i++)
		if (strlen(cars[i]) == n && memcmp(cars[i], w, n) == 0)
			return 1;
	return 0;
}

/* 1 when the description desc has the word w[0, n) (as a word, without
 * case; a Chinese character anywhere). */
static int desc_has(const char *desc, const char *w, size_t n)
{
	if (!desc || !n)
		return 0;
	int han = (unsigned char)w[0] >= 0x80;
	for (const char *p = desc; *p; p++) {
		if (strncasecmp(p, w, n) != 0)
			continue;
		if (han)
			return 1;
		int before = p == desc || !isalnum((unsigned char)p[-1]);
		/* a plural or a verb form in the description still says it:
		 * "medical", "shipping" in "Chinese shipping company" */
		int after = !isalnum((unsigned char)p[n]) || (p[n] == 's' && !isalnum((unsigned char)p[n + 1]));
		if (before && after)
			return 1;
	}
	return 0;
}

/*
 * A candidate whose whole name the input holds with words of its own
 * (group_of) is a possible group member unless those words name the
 * entity's own trade, as its description gives it: "Chery Automobile" is
 * Chery (a car maker), "BYD Electronic" is not BYD.
 */
static void decide_group(cand *c)
{
	if (!c->group_words)
		return;
	const char *desc_en = c->info.desc_en, *desc_zh = c->info.desc_zh;
	int car = desc_has(desc_en, "car", 3) || desc_has(desc_zh, "汽车", strlen("汽车"));
	tm_buf left = TM_BUF_INIT;
	for (const char *p = c->group_words; *p;) {
		size_t n = strcspn(p, " ");
		int own = desc_has(desc_en, p, n) || desc_has(desc_zh, p, n) || (car && car_word(p, n));
		if (!own)
			list_add(&left, p, n);
		p += n;
		while (*p == ' ')
			p++;
	}
	free(c->group_words);
	c->group_words = NULL;
	if (left.len) {
		c->group_words = tm_buf_detach(&left);
		c->ks = (kscore){ SCORE_GROUP, TM_BY_GROUP, c->ks.align, c->ks.tsr, c->ks.jw, SCORE_GROUP };
	}
	tm_buf_release(&left);
}

static tm_rc finish(tm_matcher *m, const qprep *q, const char *qcountry, size_t limit, tm_matches *out,
		    tm_err *err)
{
	/* possible group members first: whether they are depends on what the
	 * entity does, which its description says */
	for (size_t i = 0; i < m->nc; i++) {
		cand *c = &m->c[i];
		if (!c->group_words)
			continue;
		if (!c->have_info) {
			tm_rc rc = tm_store_entity_brief(m->st, c->entity, &c->info, err);
			if (rc && rc != TM_ERR_NOTFOUND)
				return rc;
			c->have_info = rc == TM_OK;
		}
		decide_group(c);
	}
	double best = 0;
	for (size_t i = 0; i < m->nc; i++)
		if (m->c[i].ks.score > best)
			best = m->c[i].ks.score;
	/* only candidates that bonuses could bring near the best need their entity */
	size_t k = 0;
	for (size_t i = 0; i < m->nc; i++) {
		cand *c = &m->c[i];
		if (c->ks.score <= 0 || c->ks.score < best - 0.15) {
			free(c->key);
			free(c->ident_scheme);
			free(c->ident_value);
			free(c->explain_extra);
			free(c->group_words);
			tm_store_brief_release(&c->info);
			continue;
		}
		m->c[k++] = *c;
	}
	m->nc = k;
	for (size_t i = 0; i < m->nc; i++) {
		cand *c = &m->c[i];
		if (!c->have_info) {
			tm_rc rc = tm_store_entity_brief(m->st, c->entity, &c->info, err);
			if (rc == TM_ERR_NOTFOUND) {
				c->ks.score = 0;
				c->score = 0;
				continue;
			}
			if (rc)
				return rc;
			c->have_info = 1;
		}
		bonuses(c, qcountry, q ? q->legal || q->dropped : 0);
		/* a product or a place has no group members */
		if (c->ks.by == TM_BY_GROUP && !tm_lex_org_kind(c->info.kind))
			c->score = 0;
	}
	if (m->nc > 1)
		qsort(m->c, m->nc, sizeof(m->c[0]), cand_cmp);
	for (size_t i = 0; i < m->nc && out->n < limit; i++) {
		cand *c = &m->c[i];
		if (!c->have_info || c->score <= 0)
			continue;
		tm_match r = { 0 };
		r.id = tm_xstrdup(c->info.id);
		r.key = c->entity;
		r.kind = tm_xstrdup(c->info.kind);
		r.country = tm_xstrdup(c->info.country);
		r.score = c->score;
		r.by = c->ks.by;
		char *text = NULL, *lang = NULL;
		if (c->ks.by == TM_BY_IDENT) {
			text = tm_xstrdup(c->ident_value);
			lang = tm_xstrdup(c->ident_scheme);
		} else if (tm_store_name_text(m->st, c->name, &text, &lang, err)) {
			free(r.id);
			free(r.kind);
			free(r.country);
			return err ? err->rc : TM_ERR_DB;
		}
		/* an equal key between a Chinese name and a Latin input is pinyin */
		if ((r.by == TM_BY_EXACT || r.by == TM_BY_LEGAL_FORM || r.by == TM_BY_SPACING) && q &&
		    tm_text_has_han(text) != q->has_han) {
			double drop = c->ks.score - SCORE_PINYIN;
			c->ks.by = r.by = TM_BY_PINYIN;
			if (drop > 0) {
				c->score -= drop;
				r.score = c->score;
			}
		}
		tm_buf ex = TM_BUF_INIT;
		explain(m, q, c, text, lang, &ex);
		r.explain = tm_buf_detach(&ex);
		r.name = text;
		r.name_lang = lang;
		TM_GROW(out->v, out->cap, out->n + 1);
		out->v[out->n++] = r;
	}
	/* the pinyin correction may have changed the order */
	for (size_t i = 1; i < out->n; i++) {
		for (size_t j = i; j > 0 && out->v[j].score > out->v[j - 1].score; j--) {
			tm_match t = out->v[j];
			out->v[j] = out->v[j - 1];
			out->v[j - 1] = t;
		}
	}
	return TM_OK;
}

void tm_matches_release(tm_matches *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		tm_match *r = &ms->v[i];
		free(r->id);
		free(r->kind);
		free(r->country);
		free(r->name);
		free(r->name_lang);
		free(r->explain);
	}
	free(ms->v);
	free(ms->warning);
	memset(ms, 0, sizeof(*ms));
}

static void add_warning(tm_matches *out, const char *msg)
{
	if (!out->warning) {
		out->warning = tm_xstrdup(msg);
		return;
	}
	if (strstr(out->warning, msg))
		return;
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s; %s", out->warning, msg);
	free(out->warning);
	out->warning = tm_buf_detach(&b);
}

tm_rc tm_match_query_run(tm_matcher *m, const tm_match_query *q, size_t limit, tm_matches *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	cands_reset(m);
	char country[3] = "";
	if (q->country && *q->country && !tm_match_country_code(q->country, country))
		add_warning(out, "country not recognized; ignored");
	tm_rc rc = TM_OK;
	/* identifiers first, strongest first; the first found decides */
	for (size_t i = 0; i < q->nids && !rc; i++) {
		size_t before = m->nc;
		if (q->ids[i].value && *q->ids[i].value)
			rc = gather_ident(m, q->ids[i].scheme, q->ids[i].value, out, err);
		if (m->nc > before)
			break;
	}
	if (!rc && q->ident && *q->ident && !m->nc)
		rc = gather_ident(m, NULL, q->ident, out, err);
	qprep qp;
	int have_q = 0;
	if (!rc && q->name && *q->name) {
		tm_err qerr = { 0 };
		/* an identifier in the name column is taken as one */
		if ((!q->ident || !*q->ident) && !q->nids) {
			char up[32];
			size_t n = strlen(q->name);
			if (n < sizeof(up)) {
				for (size_t i = 0; i <= n; i++)
					up[i] = (char)toupper((unsigned char)q->name[i]);
				const char *shape = tm_match_ident_shape(up);
				if (shape && tm_match_ident_check(shape, up) == 1)
					rc = gather_ident(m, shape, up, out, err);
			}
		}
		if (!rc && qprep_init(&qp, q->name, &qerr) == TM_OK) {
			have_q = 1;
			rc = gather_names(m, &qp, err);
		} else if (!rc) {
			if (qerr.rc == TM_ERR_INVALID)
				add_warning(out, qerr.msg);
			else
				rc = tm_fail(err, qerr.rc, "%s", qerr.msg);
		}
	}
	if (!rc)
		rc = finish(m, have_q ? &qp : NULL, country, limit, out, err);
	if (have_q)
		qprep_release(&qp);
	cands_reset(m);
	if (rc)
		tm_matches_release(out);
	return rc;
}

/* ---- the brute-force reference ---- */

struct brute {
	tm_matcher *m;
	qprep *qp;
	size_t n;
	tm_ekey cur;
	/* per query: the best few entities by name score */
	cand *best;
	size_t keep;
};

static void brute_flush(struct brute *b)
{
	tm_matcher *m = b->m;
	if (!m->nkeys)
		return;
	for (size_t i = 0; i < b->n; i++) {
		cand c = { 0 };
		c.entity = b->cur;
		score_keys(m, &b->qp[i], &c);
		cand *row = &b->best[i * b->keep];
		/* keep the `keep` best, in order */
		size_t pos = b->keep;
		while (pos > 0 && (!row[pos - 1].scored || ks_better(&c.ks, &row[pos - 1].ks)))
			pos--;
		if (pos >= b->keep || c.ks.score <= 0) {
			free(c.key);
			continue;
		}
		free(row[b->keep - 1].key);
		memmove(&row[pos + 1], &row[pos], (b->keep - 1 - pos) * sizeof(cand));
		row[pos] = c;
	}
	keys_reset(m);
}

static int brute_key(void *ctx, tm_ekey entity, int64_t name, const char *key)
{
	struct brute *b = ctx;
	if (entity != b->cur) {
		brute_flush(b);
		b->cur = entity;
	}
	on_key(b->m, name, key);
	return 0;
}

tm_rc tm_match_brute_force(tm_matcher *m, const tm_match_query *q, size_t n, tm_matches *out, tm_err *err)
{
	struct brute b = { m, tm_xcalloc(n ? n : 1, sizeof(qprep)), n, 0, NULL, 16 };
	int *ok = tm_xcalloc(n ? n : 1, sizeof(int));
	b.best = tm_xcalloc((n ? n : 1) * b.keep, sizeof(cand));
	for (size_t i = 0; i < n; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		ok[i] = q[i].name && *q[i].name && qprep_init(&b.qp[i], q[i].name, NULL) == TM_OK;
		if (!ok[i]) {
			memset(&b.qp[i], 0, sizeof(b.qp[i]));
			b.qp[i].norm = tm_xstrdup("");
			b.qp[i].bare = tm_xstrdup("");
			b.qp[i].pinyin = tm_xstrdup("");
			b.qp[i].cnorm = tm_xstrdup("");
			b.qp[i].cbare = tm_xstrdup("");
			b.qp[i].cpinyin = tm_xstrdup("");
		}
	}
	cands_reset(m);
	keys_reset(m);
	tm_rc rc = tm_store_each_key(m->st, brute_key, &b, err);
	if (!rc)
		brute_flush(&b);
	keys_reset(m);
	for (size_t i = 0; i < n; i++) {
		cands_reset(m);
		for (size_t k = 0; k < b.keep; k++) {
			cand *c = &b.best[i * b.keep + k];
			if (!c->scored) {
				free(c->key);
				continue;
			}
			if (rc || !ok[i]) {
				free(c->key);
				continue;
			}
			TM_GROW(m->c, m->cap, m->nc + 1);
			m->c[m->nc++] = *c;
		}
		char country[3] = "";
		if (q[i].country)
			tm_match_country_code(q[i].country, country);
		if (!rc && ok[i])
			rc = finish(m, &b.qp[i], country, 1, &out[i], err);
		cands_reset(m);
		qprep_release(&b.qp[i]);
	}
	free(b.qp);
	free(b.best);
	free(ok);
	return rc;
}
