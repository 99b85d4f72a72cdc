/*
 * String similarity for screening: an indel ratio over code points, and the
 * token-set ratio built on it; Jaro-Winkler is the text module's
 * (tm_text_jaro_winkler, which the typo index of src/search ranks with
 * too).  No Debian library offers these for C over UTF-8 (libstrcmp and
 * the Python ones are not in C), so they are written here, small and tested
 * against published values (tests/unit/test_match.c).
 */
#include "match/match_internal.h"
#include "text/text.h"

#include <stdlib.h>
#include <string.h>

double tm_match_jaro_winkler(const char *a, const char *b)
{
	uint32_t ca[TM_TEXT_SIM_MAX], cb[TM_TEXT_SIM_MAX];
	size_t la = tm_text_decode(a, strlen(a), ca, TM_TEXT_SIM_MAX);
	size_t lb = tm_text_decode(b, strlen(b), cb, TM_TEXT_SIM_MAX);
	return tm_text_jaro_winkler(ca, la, cb, lb);
}

double tm_sim_indel_ratio_cp(const uint32_t *a, size_t la, const uint32_t *b, size_t lb)
{
	if (la + lb == 0)
		return 1.0;
	if (la > TM_TEXT_SIM_MAX || lb > TM_TEXT_SIM_MAX)
		return 0.0;
	/* longest common subsequence, one row at a time */
	uint16_t row[TM_TEXT_SIM_MAX + 1];
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
	uint32_t cx[TM_TEXT_SIM_MAX], cy[TM_TEXT_SIM_MAX];
	size_t lx = tm_text_decode(x->buf, x->len, cx, TM_TEXT_SIM_MAX);
	size_t ly = tm_text_decode(y->buf, y->len, cy, TM_TEXT_SIM_MAX);
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
