#include "model/capture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tm_capture_release(tm_capture *c)
{
	free(c->source);
	free(c->url);
	free(c->final_url);
	free(c->content_type);
	free(c->warc);
	for (size_t i = 0; i < c->n_redirects; i++)
		free(c->redirects[i].url);
	free(c->redirects);
	memset(c, 0, sizeof(*c));
}

void tm_capture_add_redirect(tm_capture *c, const char *url, int status)
{
	TM_GROW(c->redirects, c->cap_redirects, c->n_redirects + 1);
	c->redirects[c->n_redirects].url = tm_xstrdup(url);
	c->redirects[c->n_redirects].status = status;
	c->n_redirects++;
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

int tm_time_valid(const char *s)
{
	if (!s || strlen(s) != 20 || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return 0;
	char date[11];
	memcpy(date, s, 10);
	date[10] = '\0';
	if (tm_date_precision(date) != 3 || !digits(s + 11, 2) || !digits(s + 14, 2) || !digits(s + 17, 2))
		return 0;
	/* a leap second (:60) is a real UTC time, but no clock here reports one */
	return num(s + 11, 2) < 24 && num(s + 14, 2) < 60 && num(s + 17, 2) < 60;
}

int tm_sha256_hex_valid(const char *s)
{
	if (!s || strlen(s) != 64)
		return 0;
	for (size_t i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

int tm_warc_name_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n <= 5 || n > 255 || s[0] == '.' || strcmp(s + n - 5, ".warc") != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
			return 0;
	}
	return 1;
}

void tm_capture_stamp(const char *fetched, char out[15])
{
	size_t n = 0;
	for (const char *p = fetched; *p && n < 14; p++)
		if (*p >= '0' && *p <= '9')
			out[n++] = *p;
	out[n] = '\0';
}

int tm_capture_unstamp(const char *stamp, char out[TM_TIME_MAX])
{
	if (!stamp || strlen(stamp) != 14 || !digits(stamp, 14))
		return -1;
	snprintf(out, TM_TIME_MAX, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", stamp, stamp + 4, stamp + 6, stamp + 8, stamp + 10,
		 stamp + 12);
	return tm_time_valid(out) ? 0 : -1;
}
