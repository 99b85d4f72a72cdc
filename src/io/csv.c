/*
 * The CSV/TSV reader of csv.h: a byte-at-a-time state machine over a
 * buffered source (a FILE or memory), so that a field is never held in
 * memory past its cap however long it runs.
 */
#include "io/csv.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CHUNK 65536

struct tm_csv {
	FILE *f;          /* NULL when reading memory */
	const char *buf;  /* the bytes at hand: chunk or the caller's memory */
	char *chunk;      /* owned read buffer for f */
	size_t len, pos;  /* valid bytes in buf, and the next to read */
	int eof;          /* no more bytes after buf */
	int io_error;
	char delim;
	size_t max_field, max_fields;
	size_t line;      /* physical line of the next byte */

	/* the record being read: field bytes, each NUL-terminated */
	tm_buf data;
	size_t *off, *lens;
	const char **ptrs;
	size_t nf, cap_off, cap_lens, cap_ptrs;
	size_t cur_len;    /* bytes in the current field */
	int overflow;      /* the current field passed max_field */
	int too_many;      /* the record passed max_fields */
	char error[160];
	char warning[160];
};

static int refill(tm_csv *c)
{
	if (c->eof || !c->f)
		return 0;
	size_t n = fread(c->chunk, 1, CHUNK, c->f);
	if (n == 0) {
		if (ferror(c->f))
			c->io_error = 1;
		c->eof = 1;
		return 0;
	}
	c->buf = c->chunk;
	c->len = n;
	c->pos = 0;
	return 1;
}

static inline int get(tm_csv *c)
{
	if (c->pos >= c->len && !refill(c))
		return -1;
	return (unsigned char)c->buf[c->pos++];
}

static inline int peek(tm_csv *c)
{
	if (c->pos >= c->len && !refill(c))
		return -1;
	return (unsigned char)c->buf[c->pos];
}

/* The delimiter that appears most often outside quotes in the first line of
 * what is buffered; a comma when there is none. */
static char guess_delim(const tm_csv *c)
{
	static const char cands[] = { ',', '\t', ';', '|' };
	size_t count[4] = { 0 };
	int quoted = 0;
	for (size_t i = c->pos; i < c->len; i++) {
		char ch = c->buf[i];
		if (ch == '"')
			quoted = !quoted;
		else if (!quoted && (ch == '\n' || ch == '\r'))
			break;
		else if (!quoted)
			for (int k = 0; k < 4; k++)
				if (ch == cands[k])
					count[k]++;
	}
	int best = 0;
	for (int k = 1; k < 4; k++)
		if (count[k] > count[best])
			best = k;
	return cands[best];
}

static tm_rc start(tm_csv *c, const tm_csv_opts *opts, tm_csv **out, tm_err *err)
{
	c->max_field = opts && opts->max_field ? opts->max_field : TM_CSV_MAX_FIELD;
	c->max_fields = opts && opts->max_fields ? opts->max_fields : TM_CSV_MAX_FIELDS;
	c->line = 1;
	tm_buf_init(&c->data);
	const unsigned char *b = (const unsigned char *)c->buf + c->pos;
	size_t n = c->len - c->pos;
	if ((n >= 4 && b[0] == 0 && b[1] == 0 && b[2] == 0xFE && b[3] == 0xFF) ||
	    (n >= 4 && b[0] == 0xFF && b[1] == 0xFE && b[2] == 0 && b[3] == 0)) {
		tm_csv_free(c);
		return tm_fail(err, TM_ERR_INVALID, "file is UTF-32; save it as UTF-8 (\"CSV UTF-8\")");
	}
	if (n >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))) {
		tm_csv_free(c);
		return tm_fail(err, TM_ERR_INVALID, "file is UTF-16; save it as UTF-8 (\"CSV UTF-8\")");
	}
	if (n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
		c->pos += 3;
	c->delim = opts && opts->delim ? opts->delim : guess_delim(c);
	*out = c;
	return TM_OK;
}

tm_rc tm_csv_open(FILE *f, const tm_csv_opts *opts, tm_csv **out, tm_err *err)
{
	*out = NULL;
	tm_csv *c = tm_xcalloc(1, sizeof(*c));
	c->f = f;
	c->chunk = tm_xmalloc(CHUNK);
	c->buf = c->chunk;
	/* the first chunk: enough to see a BOM and the first line */
	size_t n = 0, got;
	while (n < CHUNK && (got = fread(c->chunk + n, 1, CHUNK - n, f)) > 0)
		n += got;
	if (ferror(f)) {
		tm_csv_free(c);
		return tm_fail(err, TM_ERR_IO, "unable to read the input");
	}
	c->len = n;
	if (n < CHUNK)
		c->eof = 1;
	return start(c, opts, out, err);
}

tm_rc tm_csv_open_mem(const char *data, size_t len, const tm_csv_opts *opts, tm_csv **out, tm_err *err)
{
	*out = NULL;
	tm_csv *c = tm_xcalloc(1, sizeof(*c));
	c->buf = data ? data : "";
	c->len = data ? len : 0;
	c->eof = 1;
	return start(c, opts, out, err);
}

void tm_csv_free(tm_csv *c)
{
	if (!c)
		return;
	free(c->chunk);
	tm_buf_release(&c->data);
	free(c->off);
	free(c->lens);
	free(c->ptrs);
	free(c);
}

char tm_csv_delim(const tm_csv *c)
{
	return c->delim;
}

/* The first problem of a record is the one reported. */
static void TM_PRINTF(2, 3) set_error(tm_csv *c, const char *fmt, ...)
{
	if (c->error[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->error, sizeof(c->error), fmt, ap);
	va_end(ap);
}

static void TM_PRINTF(2, 3) set_warning(tm_csv *c, const char *fmt, ...)
{
	if (c->warning[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->warning, sizeof(c->warning), fmt, ap);
	va_end(ap);
}

static inline void add(tm_csv *c, int ch)
{
	if (c->overflow || c->too_many)
		return;
	if (c->cur_len >= c->max_field) {
		c->overflow = 1;
		set_error(c, "field %zu is longer than %zu bytes (a quote never closed?)", c->nf + 1, c->max_field);
		return;
	}
	tm_buf_addch(&c->data, (char)ch);
	c->cur_len++;
}

static void end_field(tm_csv *c)
{
	if (c->too_many)
		return;
	if (c->nf >= c->max_fields) {
		c->too_many = 1;
		set_error(c, "more than %zu fields", c->max_fields);
		return;
	}
	TM_GROW(c->off, c->cap_off, c->nf + 1);
	TM_GROW(c->lens, c->cap_lens, c->nf + 1);
	c->off[c->nf] = c->data.len - c->cur_len;
	c->lens[c->nf] = c->cur_len;
	tm_buf_addch(&c->data, '\0');
	c->nf++;
	c->cur_len = 0;
	c->overflow = 0;
}

/* Consume one line end after a '\r' or '\n' already read. */
static void line_end(tm_csv *c, int ch)
{
	if (ch == '\r' && peek(c) == '\n')
		get(c);
	c->line++;
}

/* Read one record's bytes into c->data; returns 0 at end of input (nothing read). */
static int read_record(tm_csv *c, int *blank)
{
	int ch = get(c), quoted_any = 0;
	if (ch < 0)
		return 0;
	for (;;) {
		/* a field starts at ch */
		if (ch == '"') {
			quoted_any = 1;
			size_t qline = c->line;
			for (;;) {
				ch = get(c);
				if (ch < 0) {
					set_error(c, "quote opened in field %zu at line %zu is never closed", c->nf + 1,
						  qline);
					end_field(c);
					*blank = 0;
					return 1;
				}
				if (ch == '"') {
					if (peek(c) == '"') {
						get(c);
						add(c, '"');
						continue;
					}
					break;
				}
				if (ch == '\n' || (ch == '\r' && peek(c) != '\n'))
					c->line++;
				add(c, ch);
			}
			ch = get(c);
			if (ch >= 0 && ch != c->delim && ch != '\n' && ch != '\r') {
				set_warning(c, "text after the closing quote of field %zu kept as written", c->nf + 1);
			}
		}
		/* unquoted bytes, or what follows a closing quote */
		while (ch >= 0 && ch != c->delim && ch != '\n' && ch != '\r') {
			if (ch == '"')
				set_warning(c, "quote inside unquoted field %zu kept as written", c->nf + 1);
			add(c, ch);
			ch = get(c);
		}
		end_field(c);
		if (ch == c->delim) {
			ch = get(c);
			if (ch < 0 || ch == '\n' || ch == '\r') {
				/* a delimiter at the very end: one more empty field */
				end_field(c);
				if (ch >= 0)
					line_end(c, ch);
				break;
			}
			continue;
		}
		if (ch >= 0)
			line_end(c, ch);
		break;
	}
	*blank = !quoted_any && c->nf == 1 && c->lens[0] == 0 && !c->error[0];
	return 1;
}

tm_rc tm_csv_next(tm_csv *c, tm_csv_rec *rec, tm_err *err)
{
	memset(rec, 0, sizeof(*rec));
	for (;;) {
		tm_buf_reset(&c->data);
		c->nf = c->cur_len = 0;
		c->overflow = c->too_many = 0;
		c->error[0] = c->warning[0] = '\0';
		size_t line = c->line;
		int blank = 0;
		if (!read_record(c, &blank)) {
			if (c->io_error)
				return tm_fail(err, TM_ERR_IO, "unable to read the input after line %zu", line);
			return TM_ERR_NOTFOUND;
		}
		if (blank)
			continue;
		rec->line = line;
		if (!c->error[0]) {
			for (size_t i = 0; i < c->nf; i++) {
				if (!tm_utf8_valid(c->data.buf + c->off[i], c->lens[i])) {
					set_error(c, "field %zu is not valid UTF-8; save the file as UTF-8 (\"CSV UTF-8\")",
						  i + 1);
					break;
				}
			}
		}
		if (c->error[0]) {
			rec->error = c->error;
			return TM_OK;
		}
		TM_GROW(c->ptrs, c->cap_ptrs, c->nf);
		for (size_t i = 0; i < c->nf; i++)
			c->ptrs[i] = c->data.buf + c->off[i];
		rec->n = c->nf;
		rec->f = c->ptrs;
		rec->len = c->lens;
		rec->warning = c->warning[0] ? c->warning : NULL;
		return TM_OK;
	}
}

int tm_csv_col(const tm_csv_rec *header, const char *name)
{
	if (!header || !name)
		return -1;
	while (isspace((unsigned char)*name))
		name++;
	size_t n = strlen(name);
	while (n && isspace((unsigned char)name[n - 1]))
		n--;
	for (size_t i = 0; i < header->n; i++) {
		const char *h = header->f[i];
		size_t hn = header->len[i];
		while (hn && isspace((unsigned char)*h))
			h++, hn--;
		while (hn && isspace((unsigned char)h[hn - 1]))
			hn--;
		if (hn == n && strncasecmp(h, name, n) == 0)
			return (int)i;
	}
	char *end;
	long k = strtol(name, &end, 10);
	if (n && end == name + n && k >= 1 && (size_t)k <= header->n)
		return (int)(k - 1);
	return -1;
}
