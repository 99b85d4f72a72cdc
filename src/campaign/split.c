/*
 * Cutting a digest into numbered posts for social media.
 *
 * The text is read as paragraphs (between blank lines), lines, and sentences;
 * a post may end only where a sentence or a line ends.  A sentence ends after
 * . ! ? when a space or a line end follows and the next word does not start
 * with a lower-case letter (so "U.S. counties" stays whole), or after the
 * Chinese 。！？ wherever they stand; closing quotes and brackets stay with
 * their sentence.  Nothing inside a link (http:// or https:// up to the next
 * space) is ever taken for an end.
 *
 * Posts are filled greedily.  Every post of a thread starts with "i/n ", and
 * that number counts: the width of n is guessed, the text packed, and packed
 * again with a wider number if the guess was short.
 */

#include "campaign/campaign.h"

#include <stdlib.h>
#include <string.h>

size_t tm_posts_chars(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

static size_t chars_n(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xC0) != 0x80;
	return n;
}

/* A sentence (or a line's last piece) and what separated it from the one
 * before: "" (nothing, after 。), " ", "\n" or "\n\n" (a new paragraph). */
struct unit {
	const char *text;
	size_t len;   /* bytes */
	size_t chars; /* code points */
	const char *join;
};

struct units {
	struct unit *v;
	size_t n, cap;
};

static int starts_with(const char *p, const char *end, const char *lit)
{
	size_t n = strlen(lit);
	return (size_t)(end - p) >= n && memcmp(p, lit, n) == 0;
}

/* Bytes of the closing quote or bracket at p, or 0. */
static size_t closer_len(const char *p, const char *end)
{
	static const char *const closers[] = { "\"", "'", ")", "]", "”", "’", "」", "』", "》", "）", "】", NULL };
	for (const char *const *c = closers; *c; c++)
		if (starts_with(p, end, *c))
			return strlen(*c);
	return 0;
}

/* Bytes of a Chinese full stop, exclamation or question mark at p, or 0. */
static size_t cjk_end_len(const char *p, const char *end)
{
	if (starts_with(p, end, "。") || starts_with(p, end, "！") || starts_with(p, end, "？"))
		return 3;
	return 0;
}

static void push_unit(struct units *u, const char *text, size_t len, const char *join)
{
	while (len && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (!len)
		return;
	TM_GROW(u->v, u->cap, u->n + 1);
	u->v[u->n++] = (struct unit){ text, len, chars_n(text, len), join };
}

/* Split one line [p, end) into sentences. */
static void split_line(struct units *u, const char *p, const char *end, const char *join)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *start = p;
	int in_link = 0;
	while (p < end) {
		if (!in_link && (starts_with(p, end, "http://") || starts_with(p, end, "https://")))
			in_link = 1;
		if (*p == ' ' || *p == '\t') {
			in_link = 0;
			p++;
			continue;
		}
		if (in_link) {
			p++;
			continue;
		}
		const char *q = NULL;
		size_t cjk = cjk_end_len(p, end);
		if (cjk) {
			q = p + cjk;
			for (size_t c; (c = closer_len(q, end));)
				q += c;
		} else if (*p == '.' || *p == '!' || *p == '?') {
			q = p + 1;
			while (q < end && (*q == '.' || *q == '!' || *q == '?'))
				q++;
			for (size_t c; (c = closer_len(q, end));)
				q += c;
			const char *next = q;
			while (next < end && (*next == ' ' || *next == '\t'))
				next++;
			/* an end needs a space after it, and no lower-case word next */
			if (!(q == end || (next > q && !(next < end && *next >= 'a' && *next <= 'z'))))
				q = NULL;
		}
		if (!q) {
			p++;
			continue;
		}
		push_unit(u, start, (size_t)(q - start), join);
		join = "";
		p = q;
		while (p < end && (*p == ' ' || *p == '\t')) {
			join = " ";
			p++;
		}
		start = p;
	}
	push_unit(u, start, (size_t)(end - start), join);
}

static void split_units(const char *text, struct units *u)
{
	const char *p = text, *end = text + strlen(text);
	const char *join = "";
	int blank_run = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = nl ? nl : end;
		const char *q = p;
		while (q < line_end && (*q == ' ' || *q == '\t' || *q == '\r'))
			q++;
		if (q == line_end) {
			blank_run = 1;
		} else {
			size_t before = u->n;
			const char *e = line_end;
			if (e > p && e[-1] == '\r')
				e--;
			split_line(u, p, e, u->n == 0 ? "" : blank_run ? "\n\n" : join);
			if (u->n > before)
				blank_run = 0;
			join = "\n";
		}
		p = nl ? nl + 1 : end;
	}
}

static size_t digits(size_t n)
{
	size_t d = 1;
	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Where each post starts (unit indices) for a budget of `room` characters
 * per post.  Returns the number of posts, or 0 with *too_long set to the
 * unit that fits in no post. */
static size_t pack(const struct units *u, size_t room, size_t *starts, size_t *too_long)
{
	size_t posts = 0, used = 0;
	int open = 0;
	for (size_t i = 0; i < u->n; i++) {
		if (u->v[i].chars > room) {
			*too_long = i;
			return 0;
		}
		if (open) {
			size_t add = strlen(u->v[i].join) + u->v[i].chars;
			int fits = used + add <= room;
			if (fits && strcmp(u->v[i].join, "\n\n") == 0) {
				/* keep a paragraph whole when a fresh post would hold it */
				size_t para = u->v[i].chars;
				for (size_t k = i + 1; k < u->n && strcmp(u->v[k].join, "\n\n") != 0; k++)
					para += strlen(u->v[k].join) + u->v[k].chars;
				if (used + 2 + para > room && para <= room)
					fits = 0;
			}
			if (fits) {
				used += add;
				continue;
			}
		}
		starts[posts++] = i;
		used = u->v[i].chars;
		open = 1;
	}
	return posts;
}

tm_rc tm_posts_split(const char *text, size_t max_chars, tm_strv *out, tm_err *err)
{
	struct units u = { NULL, 0, 0 };
	split_units(text ? text : "", &u);
	if (!u.n) {
		free(u.v);
		return TM_OK;
	}
	size_t *starts = tm_xcalloc(u.n, sizeof(*starts));
	size_t too_long = 0, posts = 0;
	/* one post needs no number; a thread numbers every post */
	size_t total = 0;
	for (size_t i = 0; i < u.n; i++)
		total += (i ? strlen(u.v[i].join) : 0) + u.v[i].chars;
	if (total <= max_chars) {
		posts = 1;
		starts[0] = 0;
	} else {
		for (size_t d = 1; d < 8; d++) {
			size_t prefix = 2 * d + 2; /* "i/n " with both at most d digits */
			if (prefix >= max_chars)
				break;
			posts = pack(&u, max_chars - prefix, starts, &too_long);
			if (!posts || digits(posts) <= d)
				break;
		}
	}
	tm_rc rc = TM_OK;
	if (!posts) {
		const struct unit *bad = &u.v[too_long];
		size_t show = bad->len < 60 ? bad->len : 60;
		while (show < bad->len && ((unsigned char)bad->text[show] & 0xC0) == 0x80)
			show--; /* not inside a character */
		rc = tm_fail(err, TM_ERR_LIMIT,
			     "a sentence of %zu characters does not fit in a post of %zu: raise --post-chars "
			     "(the sentence begins '%.*s')",
			     bad->chars, max_chars, (int)show, bad->text);
	}
	for (size_t p = 0; !rc && p < posts; p++) {
		tm_buf b = TM_BUF_INIT;
		if (posts > 1)
			tm_buf_addf(&b, "%zu/%zu ", p + 1, posts);
		size_t last = p + 1 < posts ? starts[p + 1] : u.n;
		for (size_t i = starts[p]; i < last; i++) {
			if (i > starts[p])
				tm_buf_adds(&b, u.v[i].join);
			tm_buf_add(&b, u.v[i].text, u.v[i].len);
		}
		tm_strv_push_owned(out, tm_buf_detach(&b));
	}
	free(starts);
	free(u.v);
	return rc;
}
