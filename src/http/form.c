/*
 * The fields of a request body: application/x-www-form-urlencoded and
 * multipart/form-data, as HTML forms send them.  tm_form_parse() walks them
 * for any caller; tm_req_form() keeps the text fields of a request's body,
 * parsed once, for the server's checks (the CSRF token, the anonymous
 * forms' guard) and the handlers.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_FIELDS 256 /* kept of one body; the rest are not looked at */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Append s[0..n) percent-decoded, '+' as a space, to b. */
static void url_decode(tm_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '+')
			tm_buf_addch(b, ' ');
		else if (s[i] == '%' && i + 2 < n && (hi = hex_digit(s[i + 1])) >= 0 &&
			 (lo = hex_digit(s[i + 2])) >= 0) {
			tm_buf_addch(b, (char)(hi * 16 + lo));
			i += 2;
		} else
			tm_buf_addch(b, s[i]);
	}
}

static int parse_urlencoded(const char *s, size_t n, tm_form_fn fn, void *ctx)
{
	tm_buf k = TM_BUF_INIT, v = TM_BUF_INIT;
	int stop = 0;
	for (size_t at = 0; at < n && !stop;) {
		const char *amp = memchr(s + at, '&', n - at);
		size_t end = amp ? (size_t)(amp - s) : n;
		const char *eq = memchr(s + at, '=', end - at);
		size_t kend = eq ? (size_t)(eq - s) : end;
		tm_buf_reset(&k);
		tm_buf_reset(&v);
		url_decode(&k, s + at, kend - at);
		if (eq)
			url_decode(&v, eq + 1, end - kend - 1);
		if (k.len || v.len)
			stop = fn(ctx, k.buf, k.len, v.buf, v.len);
		at = end + 1;
	}
	tm_buf_release(&k);
	tm_buf_release(&v);
	return 0;
}

static const char *find_bytes(const char *h, size_t hn, const char *needle, size_t nn)
{
	for (size_t i = 0; nn && i + nn <= hn; i++)
		if (h[i] == needle[0] && memcmp(h + i, needle, nn) == 0)
			return h + i;
	return NULL;
}

/* The boundary of a multipart Content-Type, as "--" + boundary into d; 0
 * when there is none of a sane length. */
static int boundary_of(const char *ctype, tm_buf *d)
{
	const char *p = ctype;
	while (*p && strncasecmp(p, "boundary=", 9) != 0)
		p++;
	if (!*p)
		return 0;
	p += 9;
	size_t len;
	if (*p == '"') {
		const char *q = strchr(++p, '"');
		len = q ? (size_t)(q - p) : strlen(p);
	} else {
		len = strcspn(p, "; \t");
	}
	tm_buf_adds(d, "--");
	tm_buf_add(d, p, len);
	return len >= 1 && len <= 70;
}

static int parse_multipart(const char *ctype, const char *s, size_t n, tm_form_fn fn, void *ctx)
{
	tm_buf delim = TM_BUF_INIT;
	if (!boundary_of(ctype, &delim)) {
		tm_buf_release(&delim);
		return -1;
	}
	const char *end = s + n;
	const char *p = find_bytes(s, n, delim.buf, delim.len);
	while (p) {
		p += delim.len;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;
		const char *head_end = find_bytes(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!head_end)
			break;
		const char *body = head_end + 4;
		const char *next = find_bytes(body, (size_t)(end - body), delim.buf, delim.len);
		if (!next)
			break;
		size_t blen = (size_t)(next - body);
		if (blen >= 2 && body[blen - 2] == '\r' && body[blen - 1] == '\n')
			blen -= 2;
		const char *name = find_bytes(p, (size_t)(head_end - p), "name=\"", 6);
		if (name) {
			name += 6;
			const char *q = memchr(name, '"', (size_t)(head_end - name));
			if (q && fn(ctx, name, (size_t)(q - name), body, blen))
				break;
		}
		p = next;
	}
	tm_buf_release(&delim);
	return 0;
}

int tm_form_parse(const char *ctype, const char *body, size_t n, tm_form_fn fn, void *ctx)
{
	if (!ctype)
		return 0;
	if (strncasecmp(ctype, "application/x-www-form-urlencoded", 33) == 0)
		return parse_urlencoded(body, n, fn, ctx);
	if (strncasecmp(ctype, "multipart/form-data", 19) == 0)
		return parse_multipart(ctype, body, n, fn, ctx);
	return 0;
}

/* Keep a field as text: only names and values of valid UTF-8 without NUL. */
static int keep_field(void *p, const char *name, size_t nlen, const char *v, size_t vlen)
{
	tm_strv *f = p;
	if (f->n >= 2 * MAX_FIELDS)
		return 1;
	if (tm_utf8_valid(name, nlen) && tm_utf8_valid(v, vlen)) {
		tm_strv_push_owned(f, tm_xstrndup(name, nlen));
		tm_strv_push_owned(f, tm_xstrndup(v, vlen));
	}
	return 0;
}

const char *tm_req_form(tm_req *req, const char *key)
{
	if (!req->form_parsed) {
		req->form_parsed = 1;
		const char *ctype = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
		tm_form_parse(ctype, req->upload.buf, req->upload.len, keep_field, &req->form);
	}
	for (size_t i = 0; i + 1 < req->form.n; i += 2)
		if (strcmp(req->form.v[i], key) == 0)
			return req->form.v[i + 1];
	return NULL;
}
