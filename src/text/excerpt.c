/*
 * The opening of a text in a few columns, cut where a reader would cut it:
 * after whole sentences, else between words, by ICU's break iterators
 * (sentences with the locale's abbreviations suppressed, so that "U.S."
 * ends nothing; words by dictionary for Chinese, which has no spaces).
 */
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ubrk.h>
#include <unicode/utext.h>

/* Columns of s[0, n). */
static int width_of(const char *s, size_t n)
{
	char *t = tm_xstrndup(s, n);
	int w = tm_text_width(t);
	free(t);
	return w;
}

/* s[0, n) less trailing spaces, and the commas or colons a cut leaves. */
static size_t trim_end(const char *s, size_t n)
{
	while (n && strchr(" \n\t\r,;:(", s[n - 1]))
		n--;
	return n;
}

static UBreakIterator *open_on(UBreakIteratorType type, const char *locale, UText *ut)
{
	UErrorCode st = U_ZERO_ERROR;
	UBreakIterator *bi = ubrk_open(type, locale, NULL, 0, &st);
	if (U_SUCCESS(st))
		ubrk_setUText(bi, ut, &st);
	if (U_FAILURE(st)) {
		if (bi)
			ubrk_close(bi);
		return NULL;
	}
	return bi;
}

int tm_text_excerpt(const char *s, const char *lang, int cols, tm_buf *out)
{
	size_t len = strlen(s);
	if (tm_text_width(s) <= cols) {
		tm_buf_add(out, s, trim_end(s, len));
		return 0;
	}
	char locale[48];
	snprintf(locale, sizeof(locale), "%s@ss=standard", lang && *lang && strlen(lang) < 32 ? lang : "en");
	UErrorCode st = U_ZERO_ERROR;
	UText *ut = utext_openUTF8(NULL, s, (int64_t)len, &st);
	if (U_FAILURE(st)) {
		/* no ICU: whole characters that fit */
		size_t n = tm_text_fit(s, cols - 1);
		tm_buf_add(out, s, trim_end(s, n));
		tm_buf_adds(out, "…");
		return 1;
	}
	/* whole sentences while they fit */
	size_t end = 0;
	UBreakIterator *bi = open_on(UBRK_SENTENCE, locale, ut);
	for (int32_t b = bi ? ubrk_following(bi, 0) : UBRK_DONE; b != UBRK_DONE; b = ubrk_next(bi)) {
		if (width_of(s, (size_t)b) > cols)
			break;
		end = (size_t)b;
	}
	if (bi)
		ubrk_close(bi);
	int cut = 0;
	if (!end) {
		/* a first sentence too long: the words that fit, and "…" */
		size_t fit = tm_text_fit(s, cols - 1);
		bi = open_on(UBRK_WORD, locale, ut);
		int32_t b = UBRK_DONE;
		if (bi)
			b = ubrk_isBoundary(bi, (int32_t)fit) ? (int32_t)fit : ubrk_preceding(bi, (int32_t)fit);
		end = b != UBRK_DONE && b > 0 ? (size_t)b : fit;
		if (bi)
			ubrk_close(bi);
		cut = 1;
	}
	utext_close(ut);
	tm_buf_add(out, s, trim_end(s, end));
	if (cut)
		tm_buf_adds(out, "…");
	return 1;
}
