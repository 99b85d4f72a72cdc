/*
 * String similarity for screening: Jaro-Winkler and an indel ratio over
 * code points, and the token-set ratio built on the latter.  No Debian
 * library offers these for C over UTF-8 (libstrcmp and the Python ones are
 * not in C), so they are written here, small and tested against published
 * values (tests/unit/test_match.c).
 */
#include "match/match_internal.h"

#include <stdlib.h>
#include <string.h>

size_t tm_sim_decode(const char *s, size_t n, uint32_t *out, size_t cap)
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

double tm_sim_jaro_winkler_cp(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
	if (la == 0 && lb == 0)
		return 1.0;
	if (la == 0 || lb == 0)
		return 0.0;
	if (la > TM_SIM_MAX || lb > TM_SIM_MAX)
		return 0.0;
	size_t window = (la > lb ? la : lb) / 2;
	window = window ? window - 1 : 0;
	unsigned char ma[TM_SIM_MAX], mb[TM_SIM_MAX];
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

double tm_match_jaro_winkler(const char *a, const char *b)
{
	uint32_t ca[TM_SIM_MAX], cb[TM_SIM_MAX];
	size_t la = tm_sim_decode(a, strlen(a), ca, TM_SIM_MAX);
	size_t lb = tm_sim_decode(b, strlen(b), cb, TM_SIM_MAX);
	return tm_sim_jaro_winkler_cp(ca, la, cb, lb);
}

double tm_sim_indel_ratio_cp(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
	if (la + lb == 0)
		return 1.0;
	if (la > TM_SIM_MAX || lb > TM_SIM_MAX)
		return 0.0;
	/* longest common subsequence, one row at a time */
	uint16_t row[TM_SIM_MAX + 1];
	memset(row, 0, sizeof(row[0]) * (lb + 1));
	for (size_t i = 1; i <= la; i++) {
		uint16_t diag = 0;
		for (size_t j = 1; j <= lb; j++) {
			uint16_t up = row[j];
			if (a[i - 1] == b[j - 1])
				row[j] = (uint16_t)(diag + 1);
			else if (row[j - 1] > row[j])
				row[j] = row[j - 1];
			diag = up;
		}
	}
	return 2.0 * row[lb] / (double)(la + lb);
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* Split s at spaces into sorted, distinct words (pointers into copy). */
static size_t words_of(char *copy, const char **w, size_t cap)
{
	size_t n = 0;
	for (char *p = copy; *p && n < cap;) {
		while (*p == ' ')
			*p++ = '\0';
		if (!*p)
			break;
		w[n++] = p;
		while (*p && *p != ' ')
			p++;
	}
	qsort(w, n, sizeof(w[0]), cmp_str);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(w[k - 1], w[i]) != 0)
			w[k++] = w[i];
	return k;
}

static void join(tm_buf *b, const char *const *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (b->len)
			tm_buf_addch(b, ' ');
		tm_buf_adds(b, w[i]);
	}
}

static double ratio_str(const tm_buf *x, const tm_buf *y)
{
	uint32_t cx[TM_SIM_MAX], cy[TM_SIM_MAX];
	size_t lx = tm_sim_decode(x->buf, x->len, cx, TM_SIM_MAX);
	size_t ly = tm_sim_decode(y->buf, y->len, cy, TM_SIM_MAX);
	return tm_sim_indel_ratio_cp(cx, lx, cy, ly);
}

double tm_match_token_set_ratio(const char *a, const char *b)
{
	char *ca = tm_xstrdup(a ? a : ""), *cb = tm_xstrdup(b ? b : "");
	const char *wa[64], *wb[64], *inter[64], *da[64], *db[64];
	size_t na = words_of(ca, wa, 64), nb = words_of(cb, wb, 64);
	size_t ni = 0, nda = 0, ndb = 0, i = 0, j = 0;
	while (i < na || j < nb) {
		int c = i >= na ? 1 : j >= nb ? -1 : strcmp(wa[i], wb[j]);
		if (c == 0) {
			inter[ni++] = wa[i];
			i++, j++;
		} else if (c < 0) {
			da[nda++] = wa[i++];
		} else {
			db[ndb++] = wb[j++];
		}
	}
	double best = 0.0;
	if (na && nb) {
		tm_buf t0 = TM_BUF_INIT, t1 = TM_BUF_INIT, t2 = TM_BUF_INIT;
		join(&t0, inter, ni);
		tm_buf_adds(&t1, t0.buf);
		join(&t1, da, nda);
		tm_buf_adds(&t2, t0.buf);
		join(&t2, db, ndb);
		double r;
		if (ni) {
			best = ratio_str(&t0, &t1);
			if ((r = ratio_str(&t0, &t2)) > best)
				best = r;
		}
		if ((r = ratio_str(&t1, &t2)) > best)
			best = r;
		tm_buf_release(&t0);
		tm_buf_release(&t1);
		tm_buf_release(&t2);
	}
	free(ca);
	free(cb);
	return best;
}
