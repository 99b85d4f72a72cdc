
#include "core/core.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char tm_buf_empty[1];

void tm_err_clear(tm_err *err)
{
	if (!err)
		return;
	err->rc = TM_OK;
	err->msg[0] = '\0';
}

tm_rc tm_fail(tm_err *err, tm_rc rc, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		err->rc = rc;
	}
	return rc;
}

const char *tm_rc_name(tm_rc rc)
{
	switch (rc) {
	case TM_OK: return "ok";
	case TM_ERR_INVALID: return "invalid";
	case TM_ERR_NOTFOUND: return "not_found";
	case TM_ERR_AMBIGUOUS: return "ambiguous";
	case TM_ERR_IO: return "io";
	case TM_ERR_DB: return "database";
	case TM_ERR_LIMIT: return "limit";
	case TM_ERR_INTERNAL: return "internal";
	}
	return "unknown";
}

static TM_NORETURN void out_of_memory(size_t n)
{
	fprintf(stderr, "tiemap: out of memory allocating %zu bytes\n", n);
	abort();
}

void *tm_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory(n);
	return p;
}

void *tm_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		out_of_memory(n * size);
	return p;
}

void *tm_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		out_of_memory(n);
	return q;
}

char *tm_xstrdup(const char *s)
{
	return s ? tm_xstrndup(s, strlen(s)) : NULL;
}

char *tm_xstrndup(const char *s, size_t n)
{
	size_t len = 0;
	while (len < n && s[len])
		len++;
	char *p = tm_xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void tm_grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return;
	size_t ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	*arr = tm_xrealloc(*arr, ncap * elem);
	*cap = ncap;
}

void tm_buf_init(tm_buf *b)
{
	b->buf = tm_buf_empty;
	b->len = 0;
	b->cap = 0;
}

void tm_buf_release(tm_buf *b)
{
	if (b->cap)
		free(b->buf);
	tm_buf_init(b);
}

void tm_buf_reset(tm_buf *b)
{
	b->len = 0;
	if (b->cap)
		b->buf[0] = '\0';
}

static void buf_reserve(tm_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < need)
		ncap *= 2;
	if (b->cap) {
		b->buf = tm_xrealloc(b->buf, ncap);
	} else {
		b->buf = tm_xmalloc(ncap);
		b->buf[0] = '\0';
	}
	b->cap = ncap;
}

void tm_buf_add(tm_buf *b, const void *p, size_t n)
{
	if (!n)
		return;
	buf_reserve(b, n);
	memcpy(b->buf + b->len, p, n);
	b->len += n;
	b->buf[b->len] = '\0';
}

void tm_buf_adds(tm_buf *b, const char *s)
{
	if (s)
		tm_buf_add(b, s, strlen(s));
}

void tm_buf_addch(tm_buf *b, char c)
{
	tm_buf_add(b, &c, 1);
}

void tm_buf_vaddf(tm_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n <= 0)
		return;
	buf_reserve(b, (size_t)n);
	vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void tm_buf_addf(tm_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	tm_buf_vaddf(b, fmt, ap);
	va_end(ap);
}

char *tm_buf_detach(tm_buf *b)
{
	char *p = b->cap ? b->buf : tm_xstrdup("");
	tm_buf_init(b);
	return p;
}

void tm_html_esc(tm_buf *b, const char *s)
{
	if (!s)
		return;
	/* text that holds a bidi control is isolated, so that it cannot
	 * reorder the page around it */
	char *iso = tm_bidi_isolate(s);
	if (iso)
		s = iso;
	const char *run = s;
	for (; *s; s++) {
		const unsigned char *u = (const unsigned char *)s;
		const char *rep;
		size_t skip = 1;
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default:
			if (*u < 0x20 && *u != '\t' && *u != '\n' && *u != '\r')
				rep = "";
			else if (u[0] == 0xEF && u[1] == 0xBF && (u[2] == 0xBE || u[2] == 0xBF))
				rep = "", skip = 3;
			else
				continue;
		}
		tm_buf_add(b, run, (size_t)(s - run));
		tm_buf_adds(b, rep);
		s += skip - 1;
		run = s + 1;
	}
	tm_buf_add(b, run, (size_t)(s - run));
	free(iso);
}

void tm_buf_add_csv(tm_buf *b, const char *s, char delim)
{
	if (!s)
		s = "";
	int formula = *s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r';
	if (!formula && !strchr(s, delim) && !strpbrk(s, "\"\r\n")) {
		tm_buf_adds(b, s);
		return;
	}
	tm_buf_addch(b, '"');
	if (formula)
		tm_buf_addch(b, '\'');
	for (; *s; s++) {
		if (*s == '"')
			tm_buf_addch(b, '"');
		tm_buf_addch(b, *s);
	}
	tm_buf_addch(b, '"');
}

size_t tm_bidi_control(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	if (p[0] == 0xD8 && p[1] == 0x9C) /* U+061C ARABIC LETTER MARK */
		return 2;
	if (p[0] != 0xE2)
		return 0;
	if (p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE)))
		return 3; /* LRM RLM, LRE RLE PDF LRO RLO */
	if (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
		return 3; /* LRI RLI FSI PDI */
	return 0;
}

int tm_bidi_has(const char *s)
{
	for (; s && *s; s++)
		if (((unsigned char)*s == 0xE2 || (unsigned char)*s == 0xD8) && tm_bidi_control(s))
			return 1;
	return 0;
}

char *tm_bidi_isolate(const char *s)
{
	if (!tm_bidi_has(s))
		return NULL;
	tm_buf b = TM_BUF_INIT;
	tm_buf_adds(&b, "\xE2\x81\xA8"); /* FSI */
	size_t open = 0;
	while (*s) {
		size_t n = tm_bidi_control(s);
		if (n == 3 && (unsigned char)s[1] == 0x81) {
			if ((unsigned char)s[2] == 0xA9) { /* PDI */
				if (!open) {
					s += 3; /* would close the isolate around s */
					continue;
				}
				open--;
			} else {
				open++;
			}
		}
		tm_buf_add(&b, s, n ? n : 1);
		s += n ? n : 1;
	}
	for (; open; open--)
		tm_buf_adds(&b, "\xE2\x81\xA9");
	tm_buf_adds(&b, "\xE2\x81\xA9"); /* PDI */
	return tm_buf_detach(&b);
}

int tm_url_http(const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	const char *host = strncmp(s, "https://", 8) == 0 ? s + 8 : strncmp(s, "http://", 7) == 0 ? s + 7 : NULL;
	if (!host || n > 2000 || !tm_utf8_valid(s, n) || tm_bidi_has(s))
		return 0;
	if (!(isalnum((unsigned char)*host) || *host == '[' || (unsigned char)*host >= 0x80))
		return 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p <= 0x20 || *p == 0x7F || strchr("\"<>\\^`{|}", *p))
			return 0;
	return 1;
}

void tm_strv_push(tm_strv *sv, const char *s)
{
	tm_strv_push_owned(sv, tm_xstrdup(s));
}

void tm_strv_push_owned(tm_strv *sv, char *s)
{
	TM_GROW(sv->v, sv->cap, sv->n + 1);
	sv->v[sv->n++] = s;
}

void tm_strv_release(tm_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = sv->cap = 0;
}

int tm_strv_contains(const tm_strv *sv, const char *s)
{
	for (size_t i = 0; i < sv->n; i++)
		if (strcmp(sv->v[i], s) == 0)
			return 1;
	return 0;
}

int tm_streq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

uint64_t tm_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 14695981039346656037ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	return h ^ (h >> 33);
}

int tm_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		unsigned c = *p;
		if (c == 0)
			return 0;
		if (c < 0x80) {
			p++;
			continue;
		}
		size_t len;
		unsigned min;
		if (c >= 0xC2 && c <= 0xDF) {
			len = 2; min = 0x80; c &= 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			len = 3; min = 0x800; c &= 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			len = 4; min = 0x10000; c &= 0x07;
		} else {
			return 0;
		}
		if ((size_t)(end - p) < len)
			return 0;
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			c = (c << 6) | (p[i] & 0x3F);
		}
		if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		p += len;
	}
	return 1;
}

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int tm_date_precision(const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	if (n != 4 && n != 7 && n != 10)
		return 0;
	if (!all_digits(s, 4))
		return 0;
	int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	if (n == 4)
		return 1;
	if (s[4] != '-' || !all_digits(s + 5, 2))
		return 0;
	int month = (s[5] - '0') * 10 + (s[6] - '0');
	if (month < 1 || month > 12)
		return 0;
	if (n == 7)
		return 2;
	if (s[7] != '-' || !all_digits(s + 8, 2))
		return 0;
	int day = (s[8] - '0') * 10 + (s[9] - '0');
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	int max = mdays[month - 1] + (month == 2 && leap);
	if (day < 1 || day > max)
		return 0;
	return 3;
}

void tm_today(char out[11])
{
	const char *env = getenv("TIEMAP_TODAY");
	if (env && strlen(env) == 10 && tm_date_precision(env) == 3) {
		memcpy(out, env, 11);
		return;
	}
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

double tm_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tm_now_iso(char out[24])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
