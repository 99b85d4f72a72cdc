/*
 * text: names across scripts, with ICU.  Depends on core alone.
 *
 * A name gets match keys so that one entity is found by its English name in
 * any case, its Simplified or Traditional Chinese name, toneless pinyin with
 * or without spaces, and its name with or without a legal form.  Keys are
 * computed the same way for stored names and for queries, so that matching
 * is a plain string comparison in the store.
 *
 * Thread safety: the ICU transliterators are created once and cached per
 * thread; call tm_text_shutdown() at exit to free them (for leak checkers).
 */
#ifndef TM_TEXT_H
#define TM_TEXT_H

#include "core/core.h"

/* Match keys of one name.  Every field is an owned, NUL-terminated UTF-8
 * string (never NULL after a successful tm_text_name_keys(); may be "").
 * Release with tm_name_keys_release(). */
typedef struct tm_name_keys {
	/* NFKC, case folded, Traditional Chinese turned Simplified, Latin accents
	 * folded (é → e), punctuation and symbols turned into spaces, whitespace
	 * collapsed to one space and trimmed.  "Hangzhou Hikvision Digital
	 * Technology Co., Ltd." → "hangzhou hikvision digital technology co ltd";
	 * "海康威視" → "海康威视". */
	char *norm;
	/* norm with legal forms removed (co, ltd, inc, corp, corporation, group,
	 * llc, plc, ag, sa, gmbh, limited, company, holdings …; 有限公司,
	 * 股份有限公司, 集团, 公司 …) — only when something remains afterwards.
	 * → "hangzhou hikvision digital technology"; "海康威视". */
	char *bare;
	/* bare with Han transliterated to toneless pinyin, one space between
	 * syllables, other Latin kept: "海康威视" → "hai kang wei shi".  Equals
	 * bare when the name has no Han character. */
	char *pinyin;
	/* bare prepared for a word index: each Han character stands alone
	 * between spaces, so that a phrase query finds any run of characters:
	 * "海康威视" → "海 康 威 视"; Latin unchanged. */
	char *tokens;
	/* tokens with each run of two or more Han characters (spaces inside the
	 * run ignored) written as its overlapping pairs, for a phrase index that
	 * stays selective where single characters (科, 技, 公, 司) are in every
	 * other name, as Lucene's CJK bigrams do: "海康威视" → "海康 康威 威视",
	 * "华为 2期" → "华为 2 期".  Any other word stays, so that runs apart
	 * stay apart in a phrase.  "" when the name has no Han character. */
	char *pairs;
} tm_name_keys;

/* Compute the keys of a UTF-8 name of len bytes.  Fails with TM_ERR_INVALID
 * on invalid UTF-8, TM_ERR_INTERNAL when ICU fails. */
tm_rc tm_text_name_keys(const char *name, size_t len, tm_name_keys *out, tm_err *err);
void tm_name_keys_release(tm_name_keys *keys);

/* s (len bytes of UTF-8) in NFKC with full case folding (Unicode's
 * NFKC_Casefold), appended to out: full-width forms, compatibility
 * characters and capitals in any script become one form, and nothing else
 * changes (no accent folding, no punctuation removed).  What an address
 * typed on a phone's Chinese keyboard ("ＬＩＮ＠Example.org") and on a
 * laptop have in common.  TM_ERR_INVALID on invalid UTF-8. */
tm_rc tm_text_fold(const char *s, size_t len, tm_buf *out, tm_err *err);

/* s without any space: "hai kang wei shi" → "haikangweishi".  Owned. */
char *tm_text_compact(const char *s);

/* 1 if s contains at least one Han ideograph. */
int tm_text_has_han(const char *s);
/* 1 if s reads as Chinese: it has more Han ideographs than words in Latin
 * letters.  An English quote that names a Chinese database (狼群) stays
 * English, a Chinese one that names a brand (Hikvision) stays Chinese. */
int tm_text_mostly_han(const char *s);

/* Terminal columns that the UTF-8 string s takes: East Asian wide and
 * full-width characters count 2, combining marks 0, others 1. */
int tm_text_width(const char *s);

/* The longest prefix of s, in bytes, that fits in cols columns without
 * splitting a character. */
size_t tm_text_fit(const char *s, int cols);

/* The name of a country (ISO 3166-1 alpha-2, "CN") or a language (a BCP-47
 * tag, "zh-Hans") in the interface language ui ("en", "zh-Hans",
 * "zh-Hant"), from ICU's locale display names, appended to out; 0.  When
 * ICU has no name for it, the code itself, and -1. */
int tm_text_country_name(const char *code, const char *ui, tm_buf *out);
int tm_text_language_name(const char *tag, const char *ui, tm_buf *out);
/* Every ISO 3166-1 code ICU knows, appended to out in the order of their
 * names in ui (ICU's collation: pinyin order for Chinese). */
void tm_text_countries(const char *ui, tm_strv *out);
/* The form in which a quote is looked for in a document's text (the
 * archived copy of a source, src/archive): NFKC with case folding; every
 * quotation mark and apostrophe (" ' “ ” ‘ ’ „ « » 「 」 …) dropped, since a
 * quote may leave out or change the marks inside it; every dash as '-';
 * whitespace, control and format characters (soft hyphens, zero-width
 * spaces) dropped, so that line breaks, a PDF's spacing and the spaces
 * between Chinese characters do not matter.  join_hyphens: also drop a dash
 * that ends a line ("surveil-\nlance"), as a second form of a document's text.
 * Invalid UTF-8 becomes U+FFFD.  Appends to out; TM_ERR_LIMIT when s is
 * longer than 64 MiB, TM_ERR_INTERNAL when ICU fails. */
tm_rc tm_text_quote_form(const char *s, size_t len, int join_hyphens, tm_buf *out, tm_err *err);

/* The opening of text s in at most cols columns (tm_text_width()): whole
 * sentences while they fit (ICU's sentence breaks for language lang, its
 * abbreviations suppressed: "U.S." ends no sentence), else the words that
 * fit followed by "…" (ICU's word breaks, by dictionary for Chinese).
 * Appended to out; 1 when something was left out, 0 when s fits whole
 * (excerpt.c). */
int tm_text_excerpt(const char *s, const char *lang, int cols, tm_buf *out);

/* Similarity by code point (sim.c).  Longest string that similarity looks
 * at; longer strings compare on their first TM_TEXT_SIM_MAX code points. */
#define TM_TEXT_SIM_MAX 256
/* Decode UTF-8 (already validated) into at most cap code points; how many. */
size_t tm_text_decode(const char *s, size_t n, uint32_t *out, size_t cap);
/* Jaro-Winkler similarity (Winkler's prefix bonus of 0.1 for up to four
 * code points) of a[0, la) and b[0, lb): 0..1; 0 when either is longer
 * than TM_TEXT_SIM_MAX. */
double tm_text_jaro_winkler(const uint32_t *a, size_t la, const uint32_t *b, size_t lb);

/* The language tag a text of unknown language gets from its script (docs/ftm.md:
 * a FollowTheMoney name carries no language).  The script of most of its
 * letters decides: Latin "en" (what this project's data tags the Latin names
 * of organizations with, whatever their language), Han "zh-Hant" when
 * Traditional-Simplified would change it and Simplified-Traditional would
 * not, else "zh-Hans"; any kana "ja", any
 * Hangul "ko"; a script that one language writes its own tag (Hebrew "he",
 * Greek "el", Thai "th", Georgian "ka", Armenian "hy", …); a script many
 * languages share "und-" and its ISO 15924 code ("und-Cyrl", "und-Arab");
 * no letter at all "und".  *tag is static.  TM_ERR_INVALID on invalid
 * UTF-8, TM_ERR_INTERNAL when ICU fails. */
tm_rc tm_text_script_lang(const char *s, size_t len, const char **tag, tm_err *err);

/* Languages as FollowTheMoney writes them (ISO 639-3, "zho") and as
 * tiemap does (BCP-47, "zh-Hans"): the two-letter code of an ISO 639-3 code
 * where ISO 639-1 has one, else the code itself, into out; 0, or -1 when
 * iso3 is no code ICU knows.  tm_text_lang_iso3() the other way: "zho" for
 * "zh-Hans"; NULL when ICU has none.  Static. */
int tm_text_lang_from_iso3(const char *iso3, char *out, size_t cap);
const char *tm_text_lang_iso3(const char *tag);

/* s in ASCII letters (ICU's Any-Latin and Latin-ASCII: Han as pinyin
 * without tones, Cyrillic, Hebrew … transliterated, accents dropped), for
 * ids made from names.  Owned; NULL when ICU fails. */
char *tm_text_to_ascii(const char *s);

/* The charset ICU's detector finds likeliest for bytes that are not UTF-8
 * ("windows-1252", "GB18030", "Big5" …), for a message that says what a
 * file may be in; NULL when it has no guess.  Static. */
const char *tm_text_charset_guess(const char *data, size_t len);
/* data in charset (an ICU converter name: "windows-1252", "gb18030") as
 * UTF-8, appended to out.  TM_ERR_INVALID when ICU has no such charset or
 * data holds a byte sequence that is not in it. */
tm_rc tm_text_to_utf8(const char *charset, const char *data, size_t len, tm_buf *out, tm_err *err);

/* Free cached ICU objects of this thread. */
void tm_text_shutdown(void);

#endif
