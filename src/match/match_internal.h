/*
 * What the files of src/match share.  Not for use outside src/match/.
 */
#ifndef TM_MATCH_INTERNAL_H
#define TM_MATCH_INTERNAL_H

#include "match/match.h"

/* Longest string, in code points, that similarity looks at; longer
 * strings are compared on their first TM_SIM_MAX code points. */
#define TM_SIM_MAX 256

/* Decode UTF-8 (already validated) into at most cap code points. */
size_t tm_sim_decode(const char *s, size_t n, uint32_t *out, size_t cap);
double tm_sim_jaro_winkler_cp(const uint32_t *a, size_t la, const uint32_t *b, size_t lb);
/* 2·LCS / (la + lb): 1 for equal strings, the indel similarity. */
double tm_sim_indel_ratio_cp(const uint32_t *a, size_t la, const uint32_t *b, size_t lb);

/* The typo index (vocab.c). */
/* 1 when w[0, n) is a word of the index, 0 when not, -1 when it is not a
 * word the index holds (too short, not ASCII letters and digits). */
int tm_match_vocab_has(const tm_match_vocab *v, const char *w, size_t n);
/* How many names hold w: 0 when none, -1 when the index cannot say (a word
 * it does not hold: short, Chinese, not ASCII). */
long tm_match_vocab_docs(const tm_match_vocab *v, const char *w, size_t n);
/* Words of the index one edit from w (not w itself), closest first, at
 * most max into out (borrowed from v).  0 when w is itself a word. */
size_t tm_match_vocab_suggest(const tm_match_vocab *v, const char *w, size_t n, const char **out, size_t max);
/* 1 when a and b hold the same words in the same order with the same counts
 * (a snapshot read back against the vocabulary built from the store). */
int tm_match_vocab_equal(const tm_match_vocab *a, const tm_match_vocab *b);

/* Lexicon (lexicon.c). */
/* The full word an abbreviation stands for ("tech" → "technology"), or NULL. */
const char *tm_lex_expand(const char *word, size_t n);
/* How much a word tells one institution from another: 1 for a distinctive
 * word, less for generic ones ("technology", "china", 集) and places. */
double tm_lex_weight(const char *word, size_t n);
/* Both at once, with one look-up: the weight of the word as written out,
 * and in *expand the written-out word (NULL when word is none). */
double tm_lex_word(const char *word, size_t n, const char **expand);
/* 1 when word is a listing word that tm_match_strip_listing() drops. */
int tm_lex_listing(const char *word, size_t n);
/* 1 when word is a legal form ("ltd", "group", "corporation"). */
int tm_lex_legal(const char *word, size_t n);
/* 1 when word adds nothing to a group's name that would make it another
 * company: a legal form, a listing word, a place, "technology", 集团 … */
int tm_lex_neutral(const char *word, size_t n);
/* 1 when word is a legal form written in pinyin ("jituan", "gongsi"). */
int tm_lex_pinyin_legal(const char *word, size_t n);
/* 1 when kind names an institution (company, state body …) rather than a
 * product, system, place or work. */
int tm_lex_org_kind(const char *kind);
/* 1 when every table of the lexicon is sorted, as bisection needs (a test). */
int tm_lex_sorted(void);

#endif
