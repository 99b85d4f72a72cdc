/*
 * Similarity of names by code point: Jaro-Winkler, which screening scores
 * words and names with and the typo index ranks its suggestions by.  Written
 * here because no Debian library offers it for C over UTF-8; tested against
 * Winkler's published values (tests/unit/test_match.c).
 */
#include "text/text.h"

#include <string.h>

size_t tm_text_decode(const char *s, size_t n, uint32_t *out, size_t cap)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t k = 0;
	while (p < end && k < cap) {
		uint32_t c = *p++;
		if (c >= 0xF0 && end - p >= 3) {
			c = ((c & 0x07) << 18) | ((uint32_t)(p[0] & 0x3F) << 12) | ((uint32_t)(p[1] & 0x3F) << 6) |
			    (p[2] & 0x3F);
			p += 3;
		} else if (c >= 0xE0 && end - p >= 2) {
			c = ((c & 0x0F) << 12) | ((uint32_t)(p[0] & 0x3F) << 6) | (p[1] & 0x3F);
			p += 2;
		} else if (c >= 0xC0 && end - p >= 1) {
			c = ((c & 0x1F) << 6) | (p[0] & 0x3F);
			p += 1;
		}
		out[k++] = c;
	}
	return k;
}

double tm_text_jaro_winkler(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	if (la > TM_TEXT_SIM_MAX || lb > TM_TEXT_SIM_MAX)
		return 0.0;
	size_t window = (la > lb ? la : lb) / 2;
	window = window ? window - 1 : 0;
	unsigned char ma[TM_TEXT_SIM_MAX], mb[TM_TEXT_SIM_MAX];
	memset(ma, 0, la);
	memset(mb, 0, lb);
	size_t m = 0;
	for (size_t i = 0; i < la; i++) {
		size_t lo = i > window ? i - window : 0, hi = i + window + 1 < lb ? i + window + 1 : lb;
		for (size_t j = lo; j < hi; j++) {
			if (!mb[j] && a[i] == b[j]) {
				ma[i] = mb[j] = 1;
				m++;
				break;
			}
		}
	}
	if (!m)
		return 0.0;
	size_t t = 0, j = 0;
	for (size_t i = 0; i < la; i++) {
		if (!ma[i])
			continue;
		while (!mb[j])
			j++;
		if (a[i] != b[j])
			t++;
		j++;
	}
	double dm = (double)m;
	double jaro = (dm / (double)la + dm / (double)lb + (dm - (double)t / 2.0) / dm) / 3.0;
	size_t prefix = 0;
	while (prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix])
		prefix++;
	return jaro + (double)prefix * 0.1 * (1.0 - jaro);
}
