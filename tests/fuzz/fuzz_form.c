/*
 * libFuzzer target: any bytes as a form body (the first byte choosing
 * urlencoded or multipart, whose boundary is the next line), and as an
 * anonymous form's guard token.  Every field handed out lies within the
 * body (multipart) or is no longer than it (urlencoded, decoded); no token
 * made of fuzz bytes passes the guard.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guard/guard.h"
#include "http/form.c"

struct bounds {
	const char *body;
	size_t n;
	int multipart;
};

static int check_field(void *p, const char *name, size_t nlen, const char *value, size_t vlen)
{
	const struct bounds *b = p;
	if (b->multipart) {
		if (name < b->body || name + nlen > b->body + b->n || value < b->body || value + vlen > b->body + b->n)
			abort();
	} else if (nlen > b->n || vlen > b->n) {
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	if (data[0] % 3 == 2) {
		static tm_guard *g;
		if (!g) {
			static const unsigned char key[TM_GUARD_KEY_BYTES] = "fuzzing key, 32 bytes long .....";
			g = tm_guard_new(key, NULL);
		}
		char *tok = tm_xstrndup(s, n);
		if (tm_guard_check(g, "/form", tok, NULL, 1.7e9) == TM_GUARD_OK)
			abort();
		free(tok);
		return 0;
	}
	struct bounds b = { s, n, data[0] % 3 == 1 };
	if (!b.multipart) {
		tm_form_parse("application/x-www-form-urlencoded", s, n, check_field, &b);
		return 0;
	}
	/* "multipart/form-data; boundary=" and the body's first line */
	const char *nl = memchr(s, '\n', n);
	size_t bl = nl ? (size_t)(nl - s) : n;
	tm_buf ct = TM_BUF_INIT;
	tm_buf_adds(&ct, "multipart/form-data; boundary=");
	tm_buf_add(&ct, s, bl < 100 ? bl : 100);
	tm_form_parse(ct.buf, s, n, check_field, &b);
	tm_buf_release(&ct);
	return 0;
}
