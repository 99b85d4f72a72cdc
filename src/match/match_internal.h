/*
 * What the files of src/match share.  Not for use outside src/match/.
 */
#ifndef TM_MATCH_INTERNAL_H
#define TM_MATCH_INTERNAL_H

#include "match/match.h"

/* 2·LCS / (la + lb): 1 for equal strings, the indel similarity (code
 * points as tm_text_decode() gives them; at most TM_TEXT_SIM_MAX each). */
double tm_sim_indel_ratio_cp(const uint32_t *a, size_t la, const uint32_t *b, size_t lb);

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
