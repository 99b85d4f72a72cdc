/*
 * text: match keys of names across scripts, with ICU.
 *
 * The work is done in UTF-16 because that is what ICU's normalizers and
 * transliterators take; plain ASCII names, the bulk of any import, never
 * reach ICU at all.  Legal-form stripping runs on the UTF-8 norm key and only
 * ever removes bytes from the end, so bare is always a prefix of norm.
 */
#include "text/text.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ucnv.h>
#include <unicode/ucsdet.h>
#include <unicode/uloc.h>
#include <unicode/uscript.h>
#include <unicode/uset.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>
#include <unicode/utrans.h>

/* Simplified to Traditional, for telling the two apart (tm_text_script_lang()). */
static const char S2T_ID[] = "[:Han:]; Simplified-Traditional";
/* Any script to Latin, then to ASCII (tm_text_to_ascii()). */
static const char ASCII_ID[] = "Any-Latin; Latin-ASCII";

/* One Han character's toneless pinyin, as Han-Latin spells it alone. */
typedef struct py_entry {
	UChar32 cp;  /* the character; 0 marks an empty slot */
	char py[16]; /* its key form: lower case, syllables one space apart */
} py_entry;

/*
 * What a thread keeps between calls.  Transliterators take milliseconds to
 * build (they compile rule tables) and may not be shared between threads, so
 * each thread builds its own on first use and keeps it until
 * tm_text_shutdown().
 *
 * Han-Latin is the slow one: about 8 µs a character inside a run against
 * 1 µs for a character alone, and almost all of its rules read one
 * character.  So each character is transliterated once and remembered;
 * only a run holding a character that some rule reads together with its
 * neighbours (重 in 重庆 is chóng, not zhòng) goes through ICU whole.
 */
typedef struct text_cache {
	UTransliterator *ascii;  /* ASCII_ID */
	UTransliterator *s2t;    /* S2T_ID */
	UTransliterator *t2s;    /* T2S_ID */
	UTransliterator *latin;  /* LATIN_ID */
	UTransliterator *pinyin; /* PINYIN_ID */
	USet *t2s_source;        /* what t2s may change; anything else skips it */
	USet *py_context;        /* Han read differently next to some neighbour */
	py_entry *py;            /* open addressing, py_cap a power of two */
	size_t py_cap;           /* slots in py */
	size_t py_n;             /* slots used */
	/* each Han character's reading in Traditional and Simplified (HV_*),
	 * for tm_text_script_lang(): open addressing, hv_cap a power of two */
	struct hv_entry {
		UChar32 cp;      /* 0 marks an empty slot */
		unsigned flags;
	} *hv;
	size_t hv_cap, hv_n;
} text_cache;

static _Thread_local text_cache tc;

/* Only Han is touched, so Japanese kana or Latin around it pass unchanged. */
static const char T2S_ID[] = "[:Han:]; Traditional-Simplified";
/* Restricted to non-ASCII Latin so that symbols (© → "(C)") and other scripts
 * are left to the punctuation pass and to themselves. */
static const char LATIN_ID[] = "[[:Latin:]-[:ASCII:]]; Latin-ASCII";
/* Han-Latin writes tone marks and a space between syllables; Latin-ASCII
 * drops the tones (ǚ → u).  The filter keeps Latin-ASCII off everything
 * that was not Han to begin with. */
static const char PINYIN_ID[] = "[:Han:]; Han-Latin; Latin-ASCII";

/* A growable UTF-16 buffer for the ICU passes. */
typedef struct ubuf {
	UChar *u;    /* the units, not NUL-terminated */
	int32_t len; /* units used */
	int32_t cap; /* units allocated */
} ubuf;

/* Bigger inputs are refused: no name is 16 MiB long, and below this bound
 * the worst growth of the passes (NFKC turns 3 bytes of U+FDFA into 18
 * units, a transliteration buffer is 8 times its input) stays within ICU's
 * int32_t lengths. */
#define MAX_NAME_BYTES ((size_t)1 << 24)

static void ubuf_reserve(ubuf *b, int32_t need)
{
	if (need <= b->cap)
		return;
	size_t cap = (size_t)need;
	b->u = tm_xrealloc(b->u, cap * sizeof(UChar));
	b->cap = (int32_t)cap;
}

static void ubuf_release(ubuf *b)
{
	free(b->u);
	b->u = NULL;
	b->len = b->cap = 0;
}

static void ubuf_swap(ubuf *a, ubuf *b)
{
	ubuf t = *a;
	*a = *b;
	*b = t;
}

static tm_rc icu_fail(tm_err *err, const char *what, UErrorCode st)
{
	return tm_fail(err, TM_ERR_INTERNAL, "icu %s failed: '%s'", what, u_errorName(st));
}

static int is_han(UChar32 c)
{
	/* Nothing below the CJK radicals block is Han; this keeps the common
	 * case away from the script lookup. */
	if (c < 0x2E80)
		return 0;
	UErrorCode st = U_ZERO_ERROR;
	return uscript_getScript(c, &st) == USCRIPT_HAN && U_SUCCESS(st);
}

static int is_latin(UChar32 c)
{
	if (c < 0x80)
		return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	UErrorCode st = U_ZERO_ERROR;
	return uscript_getScript(c, &st) == USCRIPT_LATIN && U_SUCCESS(st);
}

static int is_ascii_alnum(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static int is_ascii_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Letters, numbers and marks make up words; everything else (punctuation,
 * symbols, spaces, controls, unassigned) only separates them. */
static int is_word_char(UChar32 c)
{
	if (c < 0x80)
		return is_ascii_alnum((int)c);
	return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK | U_GC_M_MASK)) != 0;
}

static tm_rc get_trans(UTransliterator **slot, const char *id, UTransliterator **out, tm_err *err)
{
	if (!*slot) {
		UChar uid[64];
		UErrorCode st = U_ZERO_ERROR;
		UParseError pe;
		u_uastrncpy(uid, id, (int32_t)(sizeof(uid) / sizeof(uid[0])));
		UTransliterator *t = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, &pe, &st);
		if (U_FAILURE(st)) {
			if (t)
				utrans_close(t);
			return tm_fail(err, TM_ERR_INTERNAL, "cannot open icu transliterator '%s': '%s'",
				       id, u_errorName(st));
		}
		*slot = t;
	}
	*out = *slot;
	return TM_OK;
}

/*
 * Run a transliterator over all of b.  utrans_transUChars() leaves the text
 * undefined when it overflows, so each attempt starts from a copy in tmp.
 */
static tm_rc transliterate(UTransliterator **slot, const char *id, int32_t grow, ubuf *b,
			   ubuf *tmp, tm_err *err)
{
	UTransliterator *t;
	tm_rc rc = get_trans(slot, id, &t, err);
	if (rc)
		return rc;
	int32_t cap = b->len * grow + 16;
	for (int tries = 0; tries < 3; tries++) {
		ubuf_reserve(tmp, cap);
		memcpy(tmp->u, b->u, (size_t)b->len * sizeof(UChar));
		int32_t n = b->len, limit = b->len;
		UErrorCode st = U_ZERO_ERROR;
		utrans_transUChars(t, tmp->u, &n, tmp->cap, 0, &limit, &st);
		if (st == U_BUFFER_OVERFLOW_ERROR) {
			cap = n + 1; /* n is the length it needed */
			continue;
		}
		if (U_FAILURE(st))
			return icu_fail(err, id, st);
		tmp->len = n;
		ubuf_swap(b, tmp);
		return TM_OK;
	}
	return icu_fail(err, id, U_BUFFER_OVERFLOW_ERROR);
}

/* ICU owns the normalizer singletons; getting one is a cheap lookup. */
typedef const UNormalizer2 *(*nz_get)(UErrorCode *st);

/* Normalize b into tmp, then swap so the result is in b. */
static tm_rc normalize(nz_get get, const char *what, ubuf *b, ubuf *tmp, tm_err *err)
{
	UErrorCode gst = U_ZERO_ERROR;
	const UNormalizer2 *nz = get(&gst);
	if (U_FAILURE(gst))
		return icu_fail(err, what, gst);
	int32_t cap = b->len + b->len / 2 + 16;
	for (int tries = 0; tries < 3; tries++) {
		ubuf_reserve(tmp, cap);
		UErrorCode st = U_ZERO_ERROR;
		int32_t n = unorm2_normalize(nz, b->u, b->len, tmp->u, tmp->cap, &st);
		if (st == U_BUFFER_OVERFLOW_ERROR) {
			cap = n + 1;
			continue;
		}
		if (U_FAILURE(st))
			return icu_fail(err, what, st);
		tmp->len = n;
		ubuf_swap(b, tmp);
		return TM_OK;
	}
	return icu_fail(err, what, U_BUFFER_OVERFLOW_ERROR);
}

/* Append code point c as UTF-8, after one space if a word gap is pending. */
static void put_cp(tm_buf *out, UChar32 c, int *gap)
{
	char u8[U8_MAX_LENGTH];
	int32_t n = 0;
	if (*gap && out->len)
		tm_buf_addch(out, ' ');
	*gap = 0;
	U8_APPEND_UNSAFE(u8, n, c);
	tm_buf_add(out, u8, (size_t)n);
}

/* The final pass of every key: UTF-16 to UTF-8, separators to one space,
 * trimmed.  ASCII is lowered again because Latin-ASCII may emit capitals. */
static void clean_to_utf8(const ubuf *b, tm_buf *out, int *has_han)
{
	int gap = 0;
	int32_t i = 0;
	while (i < b->len) {
		UChar32 c;
		U16_NEXT(b->u, i, b->len, c);
		if (!is_word_char(c)) {
			gap = 1;
			continue;
		}
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		if (has_han && !*has_han && is_han(c))
			*has_han = 1;
		put_cp(out, c, &gap);
	}
}

/*
 * Drop the nonspacing marks that sit on a Latin letter (é → e, and marks with
 * no precomposed form too), leaving marks on other scripts alone: they carry
 * meaning there (Devanagari vowel signs, Thai tones).
 */
static tm_rc fold_latin_marks(ubuf *b, ubuf *tmp, tm_err *err)
{
	tm_rc rc;
	if ((rc = normalize(unorm2_getNFDInstance, "nfd", b, tmp, err)))
		return rc;
	int32_t i = 0, o = 0;
	int on_latin = 0;
	while (i < b->len) {
		int32_t start = i;
		UChar32 c;
		U16_NEXT(b->u, i, b->len, c);
		if (u_charType(c) == U_NON_SPACING_MARK) {
			if (on_latin)
				continue;
		} else {
			on_latin = is_latin(c);
		}
		while (start < i)
			b->u[o++] = b->u[start++];
	}
	b->len = o;
	return normalize(unorm2_getNFCInstance, "nfc", b, tmp, err);
}

/*
 * Whether Traditional-Simplified would change anything in b.  Most Chinese
 * names are written Simplified already, and a set lookup per character is
 * far cheaper than running the rules.
 */
static tm_rc has_traditional(const ubuf *b, int *yes, tm_err *err)
{
	if (!tc.t2s_source) {
		UTransliterator *t;
		UErrorCode st = U_ZERO_ERROR;
		tm_rc rc = get_trans(&tc.t2s, T2S_ID, &t, err);
		if (rc)
			return rc;
		USet *set = uset_openEmpty();
		utrans_getSourceSet(t, 0, set, &st);
		if (U_FAILURE(st)) {
			uset_close(set);
			return icu_fail(err, "source set of traditional-simplified", st);
		}
		uset_freeze(set);
		tc.t2s_source = set;
	}
	*yes = 0;
	for (int32_t i = 0; i < b->len && !*yes;) {
		UChar32 c;
		U16_NEXT(b->u, i, b->len, c);
		*yes = c >= 0x80 && uset_contains(tc.t2s_source, c);
	}
	return TM_OK;
}

/* The norm key of a name that has at least one non-ASCII byte. */
static tm_rc icu_norm(const char *name, size_t len, tm_buf *out, int *has_han, tm_err *err)
{
	ubuf b = { NULL, 0, 0 }, tmp = { NULL, 0, 0 };
	UErrorCode st = U_ZERO_ERROR;
	tm_rc rc = TM_OK;

	/* UTF-8 never takes fewer units than UTF-16 does. */
	ubuf_reserve(&b, (int32_t)len + 1);
	u_strFromUTF8(b.u, b.cap, &b.len, name, (int32_t)len, &st);
	if (U_FAILURE(st)) {
		rc = icu_fail(err, "utf-8 conversion", st);
		goto out;
	}
	/* NFKC with case folding in one pass: full-width forms, ligatures,
	 * circled digits and capitals all become their plain lower case. */
	if ((rc = normalize(unorm2_getNFKCCasefoldInstance, "nfkc_cf", &b, &tmp, err)))
		goto out;

	int han = 0, latin = 0, marks = 0;
	for (int32_t i = 0; i < b.len;) {
		UChar32 c;
		U16_NEXT(b.u, i, b.len, c);
		if (c < 0x80)
			continue;
		if (is_han(c))
			han = 1;
		else if (u_charType(c) == U_NON_SPACING_MARK)
			marks = 1;
		else if (is_latin(c))
			latin = 1;
	}
	if (han) {
		int t2s = 0;
		if ((rc = has_traditional(&b, &t2s, err)))
			goto out;
		if (t2s && (rc = transliterate(&tc.t2s, T2S_ID, 2, &b, &tmp, err)))
			goto out;
	}
	if (latin || marks) {
		if ((rc = fold_latin_marks(&b, &tmp, err)))
			goto out;
		/* What is left is Latin with no decomposition: ø, ł, æ, đ. */
		int rest = 0;
		for (int32_t i = 0; i < b.len && !rest;) {
			UChar32 c;
			U16_NEXT(b.u, i, b.len, c);
			rest = c >= 0x80 && is_latin(c);
		}
		if (rest && (rc = transliterate(&tc.latin, LATIN_ID, 4, &b, &tmp, err)))
			goto out;
	}
	*has_han = 0;
	clean_to_utf8(&b, out, has_han);
out:
	ubuf_release(&b);
	ubuf_release(&tmp);
	return rc;
}

/* The norm key of an ASCII name: what the ICU path yields on ASCII input
 * (NFKC and case folding reduce to lowering letters), without ICU.  Owned;
 * its length goes to *outlen. */
static char *ascii_norm(const char *s, size_t n, size_t *outlen)
{
	char *r = tm_xmalloc(n + 1);
	size_t o = 0;
	int gap = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if (!is_ascii_alnum(c)) {
			gap = 1;
			continue;
		}
		if (gap && o)
			r[o++] = ' ';
		gap = 0;
		r[o++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
	}
	r[o] = '\0';
	*outlen = o;
	return r;
}

/*
 * Legal forms as words of the norm key.  Only trailing words are ever
 * removed, so "AS" in "As Seen On TV Ltd" survives.
 */
static const char *const legal_words[] = {
	"ab", "ag", "as", "asa", "bhd", "bv", "co", "company", "corp", "corporation",
	"gmbh", "group", "holding", "holdings", "inc", "incorporated", "kg", "kk",
	"limited", "llc", "llp", "lp", "ltd", "ltda", "nv", "oy", "oyj", "plc", "pte",
	"pty", "sa", "sarl", "sas", "sdn", "se", "spa", "srl",
};

/* Chinese legal forms, Simplified because norm is; longest first so that
 * 股份有限公司 goes whole rather than leaving 股份 behind. */
static const char *const legal_han[] = {
	"股份有限公司", "有限责任公司", "集团有限公司", "集团公司", "股份公司", "有限公司",
	"总公司", "集团", "公司", "控股",
};

static int is_legal_word(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(legal_words) / sizeof(legal_words[0]); i++)
		if (strlen(legal_words[i]) == n && memcmp(legal_words[i], s, n) == 0)
			return 1;
	return 0;
}

/* Bytes of the Chinese legal form that ends s[0, n), or 0. */
static size_t han_legal_suffix(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(legal_han) / sizeof(legal_han[0]); i++) {
		size_t k = strlen(legal_han[i]);
		if (k > n || memcmp(s + n - k, legal_han[i], k) != 0)
			continue;
		/* 分公司 is a branch, a different entity; "北京分" would be a
		 * worse key than the full name. */
		static const char fen[] = "分";
		if (strcmp(legal_han[i], "公司") == 0 && k + 3 <= n &&
		    memcmp(s + n - k - 3, fen, 3) == 0)
			return 0;
		return k;
	}
	return 0;
}

/*
 * A legal form written with dots, "S.A." or "S.p.A.", arrives in norm as
 * single letters, "s a".  New end of s[0, end) with such a run removed, or
 * end itself.
 */
static size_t strip_spelled(const char *s, size_t end)
{
	char word[4];
	size_t starts[4];
	size_t k = 0, p = end;
	while (k < 4 && p >= 1 && is_ascii_alpha(s[p - 1]) && (p == 1 || s[p - 2] == ' ')) {
		word[k] = s[p - 1];
		starts[k] = p - 1;
		k++;
		if (p == 1)
			break;
		p -= 2;
	}
	for (size_t m = k; m >= 2; m--) {
		char w[4];
		if (starts[m - 1] == 0)
			continue; /* nothing would remain */
		for (size_t i = 0; i < m; i++)
			w[i] = word[m - 1 - i];
		if (is_legal_word(w, m))
			return starts[m - 1] - 1;
	}
	return end;
}

/* Length of the bare key within the norm key s[0, end): legal forms come off
 * the end one at a time, so "co ltd" and 集团有限公司 go in steps, and never
 * the last of the name. */
static size_t strip_legal(const char *s, size_t end)
{
	for (;;) {
		size_t ts = end;
		while (ts > 0 && s[ts - 1] != ' ')
			ts--;
		if (ts > 0 && is_legal_word(s + ts, end - ts)) {
			end = ts - 1;
			continue;
		}
		size_t e = strip_spelled(s, end);
		if (e != end) {
			end = e;
			continue;
		}
		size_t cut = han_legal_suffix(s + ts, end - ts);
		if (cut && cut < end - ts) {
			end -= cut;
			continue;
		}
		if (cut && ts > 0) {
			end = ts - 1;
			continue;
		}
		return end;
	}
}

/*
 * Collect in set the Han characters that a Han-Latin rule replaces while
 * reading more than one character: 重 of "{重}' '?庆 > chóng".  A rule whose
 * left side is one character or one [set] reads only the character it
 * replaces, and such characters the per-character cache may answer.
 */
static void add_context_rule(USet *set, const UChar *lhs, int32_t n)
{
	while (n > 0 && lhs[0] == ' ')
		lhs++, n--;
	while (n > 0 && lhs[n - 1] == ' ')
		n--;
	if (n == 0 || (n >= 2 && lhs[0] == ':' && lhs[1] == ':'))
		return;
	if (U16_LENGTH(lhs[0]) == n && lhs[0] != '[')
		return;
	if (lhs[0] == '[') {
		int depth = 0;
		int32_t i = 0;
		for (; i < n; i++) {
			if (lhs[i] == '\\')
				i++;
			else if (lhs[i] == '[')
				depth++;
			else if (lhs[i] == ']' && --depth == 0)
				break;
		}
		if (i == n - 1)
			return;
	}
	/* Context outside the braces is only read; just the key is replaced. */
	int32_t from = 0, to = n;
	for (int32_t i = 0; i < n; i++) {
		if (lhs[i] == '{')
			from = i + 1;
		else if (lhs[i] == '}')
			to = i;
	}
	for (int32_t i = from; i < to;) {
		UChar32 c;
		U16_NEXT(lhs, i, to, c);
		if (is_han(c))
			uset_add(set, c);
	}
}

static tm_rc load_py_context(tm_err *err)
{
	UChar id[] = { 'H', 'a', 'n', '-', 'L', 'a', 't', 'i', 'n', 0 };
	UErrorCode st = U_ZERO_ERROR;
	UParseError pe;
	UChar *rules = NULL;
	tm_rc rc = TM_OK;

	UTransliterator *t = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, &pe, &st);
	if (U_FAILURE(st)) {
		if (t)
			utrans_close(t);
		return icu_fail(err, "han-latin", st);
	}
	/* preflight for the length, then fetch */
	int32_t n = utrans_toRules(t, 0, NULL, 0, &st);
	if (st == U_BUFFER_OVERFLOW_ERROR) {
		st = U_ZERO_ERROR;
		rules = tm_xmalloc(((size_t)n + 1) * sizeof(UChar));
		n = utrans_toRules(t, 0, rules, n + 1, &st);
	}
	if (U_FAILURE(st)) {
		rc = icu_fail(err, "rules of han-latin", st);
		goto out;
	}
	USet *set = uset_openEmpty();
	for (int32_t line = 0; rules && line < n;) {
		int32_t end = line, arrow = -1;
		while (end < n && rules[end] != '\n') {
			if (arrow < 0 && rules[end] == '>')
				arrow = end;
			end++;
		}
		if (arrow >= 0)
			add_context_rule(set, rules + line, arrow - line);
		line = end + 1;
	}
	uset_freeze(set);
	tc.py_context = set;
out:
	free(rules);
	utrans_close(t);
	return rc;
}

static size_t py_slot(UChar32 c, size_t cap)
{
	size_t i = ((uint32_t)c * 2654435761u) & (cap - 1);
	while (tc.py[i].cp && tc.py[i].cp != c)
		i = (i + 1) & (cap - 1);
	return i;
}

static void py_insert(UChar32 c, const char *py)
{
	if (2 * (tc.py_n + 1) > tc.py_cap) {
		size_t cap = tc.py_cap ? 2 * tc.py_cap : 1024;
		py_entry *old = tc.py;
		size_t old_cap = tc.py_cap;
		tc.py = tm_xcalloc(cap, sizeof(*tc.py));
		tc.py_cap = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].cp)
				tc.py[py_slot(old[i].cp, cap)] = old[i];
		free(old);
	}
	py_entry *e = &tc.py[py_slot(c, tc.py_cap)];
	e->cp = c;
	memcpy(e->py, py, strlen(py) + 1);
	tc.py_n++;
}

/*
 * The pinyin of one Han character c, from the cache or from ICU.  *py is
 * NULL when the character must be read with its neighbours or its reading
 * does not fit an entry.
 */
static tm_rc py_lookup(UChar32 c, const char **py, tm_err *err)
{
	tm_rc rc;
	*py = NULL;
	if (!tc.py_context && (rc = load_py_context(err)))
		return rc;
	if (uset_contains(tc.py_context, c))
		return TM_OK;
	if (tc.py_cap) {
		py_entry *e = &tc.py[py_slot(c, tc.py_cap)];
		if (e->cp == c) {
			*py = e->py;
			return TM_OK;
		}
	}
	ubuf b = { NULL, 0, 0 }, tmp = { NULL, 0, 0 };
	tm_buf out = TM_BUF_INIT;
	ubuf_reserve(&b, 2);
	U16_APPEND_UNSAFE(b.u, b.len, c);
	if ((rc = transliterate(&tc.pinyin, PINYIN_ID, 8, &b, &tmp, err)) == TM_OK) {
		clean_to_utf8(&b, &out, NULL);
		if (out.len < sizeof(tc.py[0].py)) {
			py_insert(c, out.buf);
			*py = tc.py[py_slot(c, tc.py_cap)].py;
		}
	}
	tm_buf_release(&out);
	ubuf_release(&b);
	ubuf_release(&tmp);
	return rc;
}

/* tokens: each Han character a word of its own. */
static void han_tokens(const char *s, tm_buf *out)
{
	int32_t n = (int32_t)strlen(s), i = 0;
	int gap = 0;
	while (i < n) {
		UChar32 c;
		U8_NEXT_UNSAFE(s, i, c);
		if (c == ' ') {
			gap = 1;
			continue;
		}
		int han = is_han(c);
		if (han)
			gap = 1;
		put_cp(out, c, &gap);
		if (han)
			gap = 1;
	}
}

/* pairs: each run of Han characters as its overlapping pairs, a run of one
 * as that character; other words as they are. */
static void han_pairs(const char *s, tm_buf *out)
{
	int32_t n = (int32_t)strlen(s), i = 0;
	UChar32 last = 0; /* the run's last character */
	int run = 0;      /* characters in the run so far */
	int gap = 0, joined = 0;
	while (i < n) {
		UChar32 c;
		U8_NEXT_UNSAFE(s, i, c);
		if (c == ' ') {
			gap = 1;
			continue;
		}
		if (is_han(c)) {
			if (run) {
				gap = 1;
				put_cp(out, last, &gap);
				put_cp(out, c, &joined);
			}
			last = c;
			run++;
			gap = 1;
			continue;
		}
		if (run == 1)
			put_cp(out, last, &gap);
		if (run)
			gap = 1;
		run = 0;
		put_cp(out, c, &gap);
	}
	if (run == 1)
		put_cp(out, last, &gap);
}

/* pinyin through ICU: Han runs transliterated, each set apart by spaces so
 * that "华为abc" does not become "hua weiabc". */
static tm_rc icu_pinyin(const char *s, tm_buf *out, tm_err *err)
{
	ubuf b = { NULL, 0, 0 }, tmp = { NULL, 0, 0 };
	int32_t n = (int32_t)strlen(s), i = 0;
	int prev_han = 0;
	tm_rc rc;

	/* Worst case: a space on each side of every character. */
	ubuf_reserve(&b, 3 * n + 1);
	while (i < n) {
		UChar32 c;
		U8_NEXT_UNSAFE(s, i, c);
		int han = is_han(c);
		if (han != prev_han)
			b.u[b.len++] = ' ';
		prev_han = han;
		U16_APPEND_UNSAFE(b.u, b.len, c);
	}
	/* Han-Latin writes one syllable of at most six letters and a space per
	 * character: ×4 on a character of one or two units is ample, and
	 * transliterate() retries if not. */
	if ((rc = transliterate(&tc.pinyin, PINYIN_ID, 4, &b, &tmp, err)) == TM_OK)
		clean_to_utf8(&b, out, NULL);
	ubuf_release(&b);
	ubuf_release(&tmp);
	return rc;
}

/* pinyin from the per-character cache, which gives what icu_pinyin() gives
 * unless a character needs its neighbours; then ICU reads the whole key. */
static tm_rc han_pinyin(const char *s, tm_buf *out, tm_err *err)
{
	int32_t n = (int32_t)strlen(s), i = 0;
	int gap = 0;
	while (i < n) {
		UChar32 c;
		U8_NEXT_UNSAFE(s, i, c);
		if (c == ' ') {
			gap = 1;
			continue;
		}
		if (!is_han(c)) {
			put_cp(out, c, &gap);
			continue;
		}
		const char *py;
		tm_rc rc = py_lookup(c, &py, err);
		if (rc)
			return rc;
		if (!py) {
			tm_buf_reset(out);
			return icu_pinyin(s, out, err);
		}
		if (*py) {
			if (out->len)
				tm_buf_addch(out, ' ');
			tm_buf_adds(out, py);
		}
		gap = 1;
	}
	return TM_OK;
}

tm_rc tm_text_fold(const char *s, size_t len, tm_buf *out, tm_err *err)
{
	if (len > MAX_NAME_BYTES)
		return tm_fail(err, TM_ERR_INVALID, "text of %zu bytes is too long", len);
	if (!tm_utf8_valid(s ? s : "", len))
		return tm_fail(err, TM_ERR_INVALID, "text is not valid utf-8 (or holds a nul byte)");
	ubuf b = { NULL, 0, 0 }, tmp = { NULL, 0, 0 };
	UErrorCode st = U_ZERO_ERROR;
	ubuf_reserve(&b, (int32_t)len + 1);
	u_strFromUTF8(b.u, b.cap, &b.len, s ? s : "", (int32_t)len, &st);
	tm_rc rc = U_FAILURE(st) ? icu_fail(err, "utf-8 conversion", st) : TM_OK;
	if (!rc)
		rc = normalize(unorm2_getNFKCCasefoldInstance, "nfkc_cf", &b, &tmp, err);
	for (int32_t i = 0; !rc && i < b.len;) {
		UChar32 c;
		char u8[U8_MAX_LENGTH];
		int32_t n = 0;
		U16_NEXT(b.u, i, b.len, c);
		U8_APPEND_UNSAFE(u8, n, c);
		tm_buf_add(out, u8, (size_t)n);
	}
	ubuf_release(&b);
	ubuf_release(&tmp);
	return rc;
}

tm_rc tm_text_name_keys(const char *name, size_t len, tm_name_keys *out, tm_err *err)
{
	tm_buf buf = TM_BUF_INIT;
	size_t norm_len;
	int has_han = 0, ascii = 1;
	tm_rc rc;

	memset(out, 0, sizeof(*out));
	if (!name && len)
		return tm_fail(err, TM_ERR_INVALID, "name is null");
	if (len > MAX_NAME_BYTES)
		return tm_fail(err, TM_ERR_INVALID, "name of %zu bytes is too long", len);
	for (size_t i = 0; i < len && ascii; i++)
		ascii = (unsigned char)name[i] < 0x80;
	if (!tm_utf8_valid(name ? name : "", len))
		return tm_fail(err, TM_ERR_INVALID, "name is not valid utf-8 (or holds a nul byte)");

	if (ascii) {
		out->norm = ascii_norm(name, len, &norm_len);
	} else {
		tm_buf norm = TM_BUF_INIT;
		if ((rc = icu_norm(name, len, &norm, &has_han, err))) {
			tm_buf_release(&norm);
			return rc;
		}
		norm_len = norm.len;
		out->norm = tm_buf_detach(&norm);
	}
	out->bare = tm_xstrndup(out->norm, strip_legal(out->norm, norm_len));
	if (!has_han) {
		out->pinyin = tm_xstrdup(out->bare);
		out->tokens = tm_xstrdup(out->bare);
		out->pairs = tm_xstrdup("");
		return TM_OK;
	}
	if ((rc = han_pinyin(out->bare, &buf, err))) {
		tm_buf_release(&buf);
		tm_name_keys_release(out);
		return rc;
	}
	out->pinyin = tm_buf_detach(&buf);
	han_tokens(out->bare, &buf);
	out->tokens = tm_buf_detach(&buf);
	han_pairs(out->bare, &buf);
	out->pairs = tm_buf_detach(&buf);
	return TM_OK;
}

void tm_name_keys_release(tm_name_keys *keys)
{
	if (!keys)
		return;
	free(keys->norm);
	free(keys->bare);
	free(keys->pinyin);
	free(keys->tokens);
	free(keys->pairs);
	memset(keys, 0, sizeof(*keys));
}

char *tm_text_compact(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s), o = 0;
	char *r = tm_xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ')
			r[o++] = s[i];
	r[o] = '\0';
	return r;
}

int tm_text_has_han(const char *s)
{
	if (!s)
		return 0;
	size_t len = strlen(s);
	int32_t n = len > INT32_MAX ? INT32_MAX : (int32_t)len, i = 0;
	while (i < n) {
		UChar32 c;
		U8_NEXT(s, i, n, c);
		if (c >= 0 && is_han(c))
			return 1;
	}
	return 0;
}

int tm_text_mostly_han(const char *s)
{
	if (!s)
		return 0;
	size_t len = strlen(s);
	int32_t n = len > INT32_MAX ? INT32_MAX : (int32_t)len, i = 0;
	long han = 0, words = 0;
	int in_word = 0;
	while (i < n) {
		UChar32 c;
		U8_NEXT(s, i, n, c);
		if (c >= 0 && is_han(c))
			han++;
		int latin = c >= 0 && u_isalpha(c) && uscript_getScript(c, &(UErrorCode){ U_ZERO_ERROR }) == USCRIPT_LATIN;
		if (latin && !in_word)
			words++;
		in_word = latin;
	}
	return han > words;
}

/* Columns of one code point; an ill-formed sequence (c < 0) shows as one
 * replacement character.  Spacing marks (Mc) do take a column. */
static int cp_width(UChar32 c)
{
	if (c < 0)
		return 1;
	if (c < 0x300)
		return 1; /* below the first combining mark nothing is wide */
	int8_t t = u_charType(c);
	if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK)
		return 0;
	int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
	return ea == U_EA_WIDE || ea == U_EA_FULLWIDTH ? 2 : 1;
}

int tm_text_width(const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	int32_t i = 0, len = n > INT32_MAX ? INT32_MAX : (int32_t)n;
	int w = 0;
	while (i < len) {
		UChar32 c;
		U8_NEXT(s, i, len, c);
		w += cp_width(c);
	}
	return w;
}

size_t tm_text_fit(const char *s, int cols)
{
	if (!s || cols < 0)
		return 0;
	size_t n = strlen(s);
	int32_t i = 0, len = n > INT32_MAX ? INT32_MAX : (int32_t)n;
	int used = 0;
	while (i < len) {
		int32_t next = i;
		UChar32 c;
		U8_NEXT(s, next, len, c);
		int w = cp_width(c);
		/* a zero-width mark after the last character that fits stays
		 * with it: cutting it off would change that character */
		if (used + w > cols)
			break;
		used += w;
		i = next;
	}
	return (size_t)i;
}

/* Quotation marks of every script: ASCII, the initial and final
 * punctuation classes (‘ ’ “ ” « » ‹ ›), and the openers and closers that
 * serve as quotes (‚ „ 「 」 『 』 〝 〞 〟). */
static int is_quote_mark(UChar32 c)
{
	if (c == '"' || c == '\'' || c == '`' || c == 0x201A || c == 0x201E || (c >= 0x300C && c <= 0x300F) ||
	    (c >= 0x301D && c <= 0x301F) || c == 0x2032 || c == 0x2033)
		return 1;
	int t = u_charType(c);
	return t == U_INITIAL_PUNCTUATION || t == U_FINAL_PUNCTUATION;
}

#define MAX_QUOTE_TEXT ((size_t)64 << 20)

tm_rc tm_text_quote_form(const char *s, size_t len, int join_hyphens, tm_buf *out, tm_err *err)
{
	if (len > MAX_QUOTE_TEXT)
		return tm_fail(err, TM_ERR_LIMIT, "text of %zu bytes is longer than %zu", len, MAX_QUOTE_TEXT);
	ubuf b = { NULL, 0, 0 }, tmp = { NULL, 0, 0 };
	UErrorCode st = U_ZERO_ERROR;
	tm_rc rc = TM_OK;
	ubuf_reserve(&b, (int32_t)len + 1);
	u_strFromUTF8WithSub(b.u, b.cap, &b.len, s, (int32_t)len, 0xFFFD, NULL, &st);
	if (U_FAILURE(st)) {
		rc = icu_fail(err, "utf-8 conversion", st);
		goto out;
	}
	if ((rc = normalize(unorm2_getNFKCCasefoldInstance, "nfkc_cf", &b, &tmp, err)))
		goto out;
	/* a dash written, and whether a line break has followed it since */
	size_t dash_at = 0;
	int dash = 0, dash_broken = 0;
	for (int32_t i = 0; i < b.len;) {
		UChar32 c;
		U16_NEXT(b.u, i, b.len, c);
		if (u_isUWhiteSpace(c) || u_iscntrl(c) || u_charType(c) == U_FORMAT_CHAR) {
			if (dash && (c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029 || c == 0x0C))
				dash_broken = 1;
			continue;
		}
		if (dash && dash_broken && join_hyphens) {
			out->len = dash_at;
			out->buf[out->len] = '\0';
		}
		dash = dash_broken = 0;
		if (is_quote_mark(c)) {
			continue; /* a quote may leave out or add the marks within it */
		} else if (u_charType(c) == U_DASH_PUNCTUATION || c == 0x2212) {
			dash = 1;
			dash_at = out->len;
			tm_buf_addch(out, '-');
		} else {
			int gap = 0;
			put_cp(out, c, &gap);
		}
	}
out:
	ubuf_release(&b);
	ubuf_release(&tmp);
	return rc;
}

enum { HV_TRAD = 1, HV_SIMP = 2 };

static size_t hv_slot(UChar32 c, size_t cap)
{
	size_t i = ((uint32_t)c * 2654435761u) & (cap - 1);
	while (tc.hv[i].cp && tc.hv[i].cp != c)
		i = (i + 1) & (cap - 1);
	return i;
}

/* Whether c is a Traditional form (HV_TRAD: Traditional-Simplified changes
 * it) or a Simplified one (HV_SIMP: Simplified-Traditional changes it). */
static tm_rc han_variants(UChar32 c, unsigned *flags, tm_err *err)
{
	if (tc.hv_cap) {
		size_t i = hv_slot(c, tc.hv_cap);
		if (tc.hv[i].cp) {
			*flags = tc.hv[i].flags;
			return TM_OK;
		}
	}
	unsigned f = 0;
	for (int dir = 0; dir < 2; dir++) {
		ubuf b = { NULL, 0, 0 }, tmp = { NULL, 0, 0 };
		ubuf_reserve(&b, 2);
		U16_APPEND_UNSAFE(b.u, b.len, c);
		int32_t before = b.len;
		UChar orig[2] = { b.u[0], before > 1 ? b.u[1] : 0 };
		tm_rc rc = dir ? transliterate(&tc.s2t, S2T_ID, 4, &b, &tmp, err) :
				 transliterate(&tc.t2s, T2S_ID, 4, &b, &tmp, err);
		int changed = !rc && (b.len != before || memcmp(b.u, orig, (size_t)before * sizeof(UChar)) != 0);
		ubuf_release(&b);
		ubuf_release(&tmp);
		if (rc)
			return rc;
		if (changed)
			f |= dir ? HV_SIMP : HV_TRAD;
	}
	if (2 * (tc.hv_n + 1) > tc.hv_cap) {
		size_t cap = tc.hv_cap ? 2 * tc.hv_cap : 1024;
		struct hv_entry *old = tc.hv;
		size_t old_cap = tc.hv_cap;
		tc.hv = tm_xcalloc(cap, sizeof(*tc.hv));
		tc.hv_cap = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].cp)
				tc.hv[hv_slot(old[i].cp, cap)] = old[i];
		free(old);
	}
	struct hv_entry *e = &tc.hv[hv_slot(c, tc.hv_cap)];
	e->cp = c;
	e->flags = f;
	tc.hv_n++;
	*flags = f;
	return TM_OK;
}

/* The tag of a script that one language writes (tm_text_script_lang()). */
static const char *script_own_lang(UScriptCode sc)
{
	switch (sc) {
	case USCRIPT_LATIN: return "en";
	case USCRIPT_HEBREW: return "he";
	case USCRIPT_GREEK: return "el";
	case USCRIPT_THAI: return "th";
	case USCRIPT_GEORGIAN: return "ka";
	case USCRIPT_ARMENIAN: return "hy";
	case USCRIPT_KHMER: return "km";
	case USCRIPT_LAO: return "lo";
	case USCRIPT_MYANMAR: return "my";
	case USCRIPT_SINHALA: return "si";
	case USCRIPT_TIBETAN: return "bo";
	case USCRIPT_MONGOLIAN: return "mn";
	case USCRIPT_HANGUL: return "ko";
	default: return NULL;
	}
}

tm_rc tm_text_script_lang(const char *s, size_t len, const char **tag, tm_err *err)
{
	*tag = "und";
	if (!tm_utf8_valid(s, len))
		return tm_fail(err, TM_ERR_INVALID, "invalid UTF-8");
	if (len > MAX_NAME_BYTES)
		return tm_fail(err, TM_ERR_LIMIT, "text longer than %zu bytes", MAX_NAME_BYTES);
	/* the scripts counted, most texts being of one or two */
	struct { UScriptCode sc; size_t n; } seen[8];
	size_t n_seen = 0;
	int kana = 0, hangul = 0;
	int32_t n = (int32_t)len;
	for (int32_t i = 0; i < n;) {
		UChar32 c;
		U8_NEXT(s, i, n, c);
		if (c < 0)
			continue;
		UScriptCode sc;
		if (c < 0x80) {
			if (!is_ascii_alpha((int)c))
				continue;
			sc = USCRIPT_LATIN;
		} else {
			if (!(U_GET_GC_MASK(c) & U_GC_L_MASK))
				continue; /* marks, digits and symbols belong to no one */
			UErrorCode st = U_ZERO_ERROR;
			sc = uscript_getScript(c, &st);
			if (U_FAILURE(st) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED || sc == USCRIPT_UNKNOWN)
				continue;
			kana |= sc == USCRIPT_HIRAGANA || sc == USCRIPT_KATAKANA;
			hangul |= sc == USCRIPT_HANGUL;
		}
		size_t k = 0;
		while (k < n_seen && seen[k].sc != sc)
			k++;
		if (k == n_seen) {
			if (n_seen == sizeof(seen) / sizeof(seen[0]))
				continue;
			seen[n_seen].sc = sc;
			seen[n_seen++].n = 0;
		}
		seen[k].n++;
	}
	if (kana) {
		*tag = "ja";
		return TM_OK;
	}
	if (hangul) {
		*tag = "ko";
		return TM_OK;
	}
	if (!n_seen)
		return TM_OK;
	size_t best = 0;
	for (size_t k = 1; k < n_seen; k++)
		if (seen[k].n > seen[best].n)
			best = k;
	UScriptCode sc = seen[best].sc;
	if (sc == USCRIPT_HAN) {
		/* Traditional when some character is written otherwise in
		 * Simplified (Traditional-Simplified changes it) and none only
		 * in Simplified (Simplified-Traditional changes it).  A few
		 * characters Simplified Chinese writes too are changed by ICU's
		 * rules (阪 → 坂 in 大阪, 乾, 著): they do not count.  Each
		 * character alone, as each is read once a thread. */
		int trad = 0, simp = 0;
		for (int32_t i = 0; i < n && !simp;) {
			UChar32 c;
			U8_NEXT(s, i, n, c);
			if (c < 0x2E80 || !is_han(c) || c == 0x962A || c == 0x4E7E || c == 0x8457)
				continue;
			unsigned f;
			tm_rc rc = han_variants(c, &f, err);
			if (rc)
				return rc;
			trad |= (f & HV_TRAD) != 0;
			simp |= (f & HV_SIMP) != 0;
		}
		*tag = trad && !simp ? "zh-Hant" : "zh-Hans";
		return TM_OK;
	}
	const char *own = script_own_lang(sc);
	if (own) {
		*tag = own;
		return TM_OK;
	}
	/* "und-" and the four letters of the script's code, kept per script */
	static const char *const und[] = { "und-Cyrl", "und-Arab", "und-Deva", "und-Beng", "und-Taml", "und-Telu",
					   "und-Knda", "und-Mlym", "und-Gujr", "und-Guru", "und-Orya", "und-Ethi",
					   "und-Syrc", "und-Thaa", "und-Tfng", "und-Cher", "und-Cans" };
	const char *code = uscript_getShortName(sc);
	for (size_t k = 0; code && k < sizeof(und) / sizeof(und[0]); k++)
		if (strcmp(und[k] + 4, code) == 0) {
			*tag = und[k];
			return TM_OK;
		}
	*tag = "und";
	return TM_OK;
}

char *tm_text_to_ascii(const char *s)
{
	size_t len = strlen(s);
	if (len > MAX_NAME_BYTES)
		return NULL;
	ubuf b = { NULL, 0, 0 }, tmp = { NULL, 0, 0 };
	UErrorCode st = U_ZERO_ERROR;
	ubuf_reserve(&b, (int32_t)len + 1);
	u_strFromUTF8(b.u, b.cap, &b.len, s, (int32_t)len, &st);
	tm_err err = { 0 };
	char *out = NULL;
	if (U_SUCCESS(st) && transliterate(&tc.ascii, ASCII_ID, 4, &b, &tmp, &err) == TM_OK) {
		int32_t need = 0;
		st = U_ZERO_ERROR;
		u_strToUTF8(NULL, 0, &need, b.u, b.len, &st);
		out = tm_xmalloc((size_t)need + 1);
		st = U_ZERO_ERROR;
		u_strToUTF8(out, need + 1, &need, b.u, b.len, &st);
		if (U_FAILURE(st)) {
			free(out);
			out = NULL;
		}
	}
	ubuf_release(&b);
	ubuf_release(&tmp);
	return out;
}

const char *tm_text_charset_guess(const char *data, size_t len)
{
	UErrorCode st = U_ZERO_ERROR;
	UCharsetDetector *d = ucsdet_open(&st);
	if (U_FAILURE(st))
		return NULL;
	/* ICU's names are static, so the detector may go */
	const char *name = NULL;
	ucsdet_setText(d, data, len > (1 << 20) ? (1 << 20) : (int32_t)len, &st);
	const UCharsetMatch *m = U_SUCCESS(st) ? ucsdet_detect(d, &st) : NULL;
	if (m && U_SUCCESS(st))
		name = ucsdet_getName(m, &st);
	ucsdet_close(d);
	return U_SUCCESS(st) ? name : NULL;
}

tm_rc tm_text_to_utf8(const char *charset, const char *data, size_t len, tm_buf *out, tm_err *err)
{
	if (len > INT32_MAX / 4)
		return tm_fail(err, TM_ERR_LIMIT, "a file of %zu bytes is too large to convert", len);
	UErrorCode st = U_ZERO_ERROR;
	UConverter *cv = ucnv_open(charset, &st);
	if (U_FAILURE(st))
		return tm_fail(err, TM_ERR_INVALID, "unknown encoding '%.60s'", charset);
	/* a byte the charset has no character for is an error, never a
	 * replacement character in someone's name */
	ucnv_setToUCallBack(cv, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
	ubuf u = { NULL, 0, 0 };
	ubuf_reserve(&u, (int32_t)len * 2 + 2);
	u.len = ucnv_toUChars(cv, u.u, u.cap, data, (int32_t)len, &st);
	ucnv_close(cv);
	tm_rc rc = TM_OK;
	if (U_FAILURE(st)) {
		rc = tm_fail(err, TM_ERR_INVALID, "bytes that are not %.60s", charset);
	} else {
		int32_t need = 0;
		UErrorCode st2 = U_ZERO_ERROR;
		u_strToUTF8(NULL, 0, &need, u.u, u.len, &st2);
		char *tmp = tm_xmalloc((size_t)need + 1);
		st2 = U_ZERO_ERROR;
		u_strToUTF8(tmp, need + 1, &need, u.u, u.len, &st2);
		if (U_FAILURE(st2))
			rc = icu_fail(err, "utf-8 conversion", st2);
		else
			tm_buf_add(out, tmp, (size_t)need);
		free(tmp);
	}
	ubuf_release(&u);
	return rc;
}

int tm_text_lang_from_iso3(const char *iso3, char *out, size_t cap)
{
	if (!iso3 || strlen(iso3) != 3 || cap < 4)
		return -1;
	char low[4];
	for (int i = 0; i < 3; i++) {
		if (!isalpha((unsigned char)iso3[i]))
			return -1;
		low[i] = (char)tolower((unsigned char)iso3[i]);
	}
	low[3] = '\0';
	for (const char *const *l = uloc_getISOLanguages(); *l; l++) {
		const char *three = uloc_getISO3Language(*l);
		if (three && strcmp(three, low) == 0 && strlen(*l) < cap) {
			memcpy(out, *l, strlen(*l) + 1);
			return 0;
		}
	}
	/* a language ISO 639-1 has no code for is its three letters in BCP-47
	 * too, when ICU knows it at all */
	const char *known = uloc_getISO3Language(low);
	if (!known || strcmp(known, low) != 0)
		return -1;
	memcpy(out, low, 4);
	return 0;
}

const char *tm_text_lang_iso3(const char *tag)
{
	if (!tag)
		return NULL;
	const char *three = uloc_getISO3Language(tag);
	return three && *three ? three : NULL;
}

void tm_text_shutdown(void)
{
	if (tc.ascii)
		utrans_close(tc.ascii);
	if (tc.s2t)
		utrans_close(tc.s2t);
	if (tc.t2s)
		utrans_close(tc.t2s);
	if (tc.latin)
		utrans_close(tc.latin);
	if (tc.pinyin)
		utrans_close(tc.pinyin);
	if (tc.t2s_source)
		uset_close(tc.t2s_source);
	if (tc.py_context)
		uset_close(tc.py_context);
	free(tc.py);
	free(tc.hv);
	memset(&tc, 0, sizeof(tc));
}
