/*
 * WARC records (ISO 28500:2017, WARC/1.1) written to and read from memory,
 * and the HTTP messages inside them.
 *
 * A record is "WARC/1.1" CRLF, header lines, CRLF, a block of exactly
 * Content-Length bytes, CRLF CRLF.  Digests are labelled "sha256:" with hex
 * digits, as webrecorder's tools write them.  The reader is tiemap's own,
 * for serving a copy and reading its text; the tests read the files with
 * an independent one (warcio).
 */
#include "archive/archive_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

void tm_sha256_hex(const void *p, size_t n, char out[TM_SHA256_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(h, p, n);
	sodium_bin2hex(out, TM_SHA256_HEX, h, sizeof(h));
}

void tm_warc_record_id(char out[64])
{
	unsigned char u[16];
	randombytes_buf(u, sizeof(u));
	u[6] = (unsigned char)((u[6] & 0x0f) | 0x40); /* version 4 */
	u[8] = (unsigned char)((u[8] & 0x3f) | 0x80); /* the RFC 4122 variant */
	char hex[33];
	sodium_bin2hex(hex, sizeof(hex), u, sizeof(u));
	snprintf(out, 64, "<urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s>", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

void tm_warc_put(tm_buf *out, const char *type, const char *date, const char *extra, const char *content_type,
		 const void *block, size_t len, const char *payload_sha256, char id_out[64])
{
	char id[64], digest[TM_SHA256_HEX];
	tm_warc_record_id(id);
	if (id_out)
		memcpy(id_out, id, sizeof(id));
	tm_sha256_hex(block, len, digest);
	tm_buf_addf(out, "WARC/1.1\r\nWARC-Type: %s\r\nWARC-Record-ID: %s\r\nWARC-Date: %s\r\n", type, id, date);
	tm_buf_adds(out, extra);
	tm_buf_addf(out, "WARC-Block-Digest: sha256:%s\r\n", digest);
	if (payload_sha256)
		tm_buf_addf(out, "WARC-Payload-Digest: sha256:%s\r\n", payload_sha256);
	tm_buf_addf(out, "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n", content_type, len);
	tm_buf_add(out, block, len);
	tm_buf_adds(out, "\r\n\r\n");
}

int tm_archive_header_is(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name);
	return len > n && line[n] == ':' && strncasecmp(line, name, n) == 0;
}

/* The end of the header lines at p: the offset just past the blank line
 * ("\r\n\r\n", or a bare "\n\n" from a careless server), or 0 if none. */
static size_t head_end(const char *p, size_t len, size_t *lines_len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (p[i] != '\n')
			continue;
		if (p[i + 1] == '\n') {
			*lines_len = i + 1;
			return i + 2;
		}
		if (p[i + 1] == '\r' && i + 2 < len && p[i + 2] == '\n') {
			*lines_len = i + 1;
			return i + 3;
		}
	}
	return 0;
}

char *tm_archive_header(const char *head, size_t len, const char *name)
{
	size_t at = 0;
	while (at < len) {
		const char *line = head + at;
		const char *nl = memchr(line, '\n', len - at);
		size_t n = nl ? (size_t)(nl - line) : len - at;
		at += nl ? n + 1 : n;
		if (!tm_archive_header_is(line, n, name))
			continue;
		size_t v = strlen(name) + 1;
		while (v < n && (line[v] == ' ' || line[v] == '\t'))
			v++;
		size_t e = n;
		while (e > v && (line[e - 1] == '\r' || line[e - 1] == ' ' || line[e - 1] == '\t'))
			e--;
		return tm_xstrndup(line + v, e - v);
	}
	return NULL;
}

tm_rc tm_warc_next(const char *buf, size_t len, size_t *off, tm_warc_rec *rec, tm_err *err)
{
	size_t at = *off;
	memset(rec, 0, sizeof(*rec));
	if (at >= len)
		return tm_fail(err, TM_ERR_NOTFOUND, "no more records");
	static const char v10[] = "WARC/1.0\r\n", v11[] = "WARC/1.1\r\n";
	size_t vl = sizeof(v11) - 1;
	if (len - at < vl || (memcmp(buf + at, v10, vl) != 0 && memcmp(buf + at, v11, vl) != 0))
		return tm_fail(err, TM_ERR_INVALID, "no WARC/1.0 or WARC/1.1 record at byte %zu", at);
	at += vl;
	size_t lines = 0, end = head_end(buf + at - 2, len - at + 2, &lines);
	if (!end)
		return tm_fail(err, TM_ERR_INVALID, "record at byte %zu: header has no end", *off);
	/* head_end() started at the version line's CRLF, so that a record with
	 * no header line at all is still found to end */
	rec->head = buf + at;
	rec->head_len = lines >= 2 ? lines - 2 : 0;
	at = at - 2 + end;
	char *cl = tm_archive_header(rec->head, rec->head_len, "Content-Length");
	char *endp = NULL;
	unsigned long long n = cl && *cl >= '0' && *cl <= '9' ? strtoull(cl, &endp, 10) : 0;
	int bad = !cl || !endp || *endp;
	free(cl);
	if (bad)
		return tm_fail(err, TM_ERR_INVALID, "record at byte %zu: no Content-Length", *off);
	if (n > len - at || len - at - n < 4 || memcmp(buf + at + n, "\r\n\r\n", 4) != 0)
		return tm_fail(err, TM_ERR_INVALID, "record at byte %zu: block of %llu bytes runs past the end", *off,
			       n);
	rec->block = buf + at;
	rec->block_len = (size_t)n;
	*off = at + (size_t)n + 4;
	return TM_OK;
}

tm_rc tm_http_response_split(const char *block, size_t len, tm_http_msg *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	/* "HTTP/1.1 200 OK" */
	if (len < 12 || memcmp(block, "HTTP/", 5) != 0)
		return tm_fail(err, TM_ERR_INVALID, "block is not an HTTP response");
	const char *sp = memchr(block, ' ', len < 16 ? len : 16);
	if (!sp || (size_t)(sp - block) + 4 > len || !isdigit((unsigned char)sp[1]) ||
	    !isdigit((unsigned char)sp[2]) || !isdigit((unsigned char)sp[3]))
		return tm_fail(err, TM_ERR_INVALID, "HTTP response has no status code");
	out->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 + (sp[3] - '0');
	if (out->status < 100)
		return tm_fail(err, TM_ERR_INVALID, "HTTP status %d is not one", out->status);
	const char *nl = memchr(block, '\n', len);
	if (!nl)
		return tm_fail(err, TM_ERR_INVALID, "HTTP response has no header end");
	size_t first = (size_t)(nl - block); /* the status line's '\n' */
	size_t lines = 0, end = head_end(block + first, len - first, &lines);
	if (!end)
		return tm_fail(err, TM_ERR_INVALID, "HTTP response has no header end");
	out->head = block + first + 1;
	out->head_len = lines ? lines - 1 : 0;
	out->body = block + first + end;
	out->body_len = len - first - end;
	return TM_OK;
}
