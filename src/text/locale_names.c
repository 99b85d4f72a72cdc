/*
 * Country and language names in the reader's language, from ICU's locale
 * display names (CLDR): no hand-kept list to fall behind, and the same
 * names in Simplified and Traditional Chinese that the rest of the world
 * reads.
 */
#include "text/text.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucol.h>
#include <unicode/uloc.h>
#include <unicode/ustring.h>

/* ICU's display locale for an interface language. */
static const char *display_locale(const char *ui)
{
	if (ui && strcmp(ui, "zh-Hant") == 0)
		return "zh_Hant";
	if (ui && strncmp(ui, "zh", 2) == 0)
		return "zh_Hans";
	return "en";
}

static int utf8_of(const UChar *u, int32_t len, tm_buf *out)
{
	char utf8[512];
	int32_t n = 0;
	UErrorCode st = U_ZERO_ERROR;
	u_strToUTF8(utf8, sizeof(utf8), &n, u, len, &st);
	if (U_FAILURE(st) || n <= 0 || (size_t)n >= sizeof(utf8))
		return -1;
	tm_buf_add(out, utf8, (size_t)n);
	return 0;
}

static int is_region(const char *code)
{
	return code && strlen(code) == 2 && code[0] >= 'A' && code[0] <= 'Z' && code[1] >= 'A' && code[1] <= 'Z';
}

int tm_text_country_name(const char *code, const char *ui, tm_buf *out)
{
	char locale[8];
	UChar name[128];
	UErrorCode st = U_ZERO_ERROR;
	if (!is_region(code)) {
		tm_buf_adds(out, code ? code : "");
		return -1;
	}
	snprintf(locale, sizeof(locale), "_%s", code);
	int32_t len = uloc_getDisplayCountry(locale, display_locale(ui), name, 128, &st);
	/* ICU gives the code back for a region it does not know */
	UChar ucode[3] = { (UChar)code[0], (UChar)code[1], 0 };
	if (U_FAILURE(st) || len <= 0 || (len == 2 && u_strncmp(name, ucode, 2) == 0) || utf8_of(name, len, out)) {
		tm_buf_adds(out, code);
		return -1;
	}
	return 0;
}

int tm_text_language_name(const char *tag, const char *ui, tm_buf *out)
{
	char id[64];
	UChar name[160];
	UErrorCode st = U_ZERO_ERROR;
	if (!tag || !*tag || strlen(tag) > 35) {
		tm_buf_adds(out, tag ? tag : "");
		return -1;
	}
	uloc_forLanguageTag(tag, id, sizeof(id), NULL, &st);
	if (U_FAILURE(st) || !id[0]) {
		tm_buf_adds(out, tag);
		return -1;
	}
	char lang[16];
	uloc_getLanguage(id, lang, sizeof(lang), &st);
	int32_t len = uloc_getDisplayName(id, display_locale(ui), name, 160, &st);
	/* a language ICU does not know comes back as its code: say so */
	UChar ulang[16];
	u_uastrncpy(ulang, lang, 16);
	if (U_FAILURE(st) || len <= 0 || u_strncmp(name, ulang, len) == 0 || utf8_of(name, len, out)) {
		tm_buf_adds(out, tag);
		return -1;
	}
	return 0;
}

struct named {
	char code[3];
	UChar name[128];
	int32_t len;
};

static UCollator *sort_coll;

static int by_name(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	return ucol_strcoll(sort_coll, x->name, x->len, y->name, y->len);
}

void tm_text_countries(const char *ui, tm_strv *out)
{
	const char *const *codes = uloc_getISOCountries();
	size_t n = 0;
	while (codes[n])
		n++;
	struct named *v = tm_xcalloc(n ? n : 1, sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char locale[8];
		UErrorCode st = U_ZERO_ERROR;
		if (!is_region(codes[i]))
			continue;
		snprintf(locale, sizeof(locale), "_%s", codes[i]);
		v[k].len = uloc_getDisplayCountry(locale, display_locale(ui), v[k].name, 128, &st);
		if (U_FAILURE(st) || v[k].len <= 0)
			continue;
		memcpy(v[k].code, codes[i], 3);
		k++;
	}
	UErrorCode st = U_ZERO_ERROR;
	UCollator *c = ucol_open(display_locale(ui), &st);
	if (U_SUCCESS(st) && c) {
		/* qsort has no context argument: one collator at a time */
		static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
		pthread_mutex_lock(&mu);
		sort_coll = c;
		qsort(v, k, sizeof(*v), by_name);
		sort_coll = NULL;
		pthread_mutex_unlock(&mu);
		ucol_close(c);
	}
	for (size_t i = 0; i < k; i++)
		tm_strv_push(out, v[i].code);
	free(v);
}
