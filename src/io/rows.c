/*
 * The rows of a list to screen, from a table (rows.h).
 */
#include "io/rows.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void tm_rows_release(tm_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].country);
		for (size_t k = 0; k < r->v[i].nids; k++)
			free(r->v[i].ids[k].value);
		free(r->v[i].error);
		free(r->v[i].warning);
	}
	free(r->v);
	free(r->name_col);
	free(r->country_col);
	tm_strv_release(&r->id_cols);
	free(r->sheet);
	tm_strv_release(&r->notes);
	memset(r, 0, sizeof(*r));
}

/* The headers lists and holdings files use, most specific first. */
static const char *const name_heads[] = {
	"name", "company", "company name", "issuer", "issuer name", "security name", "security",
	"description", "security description", "holding", "holdings", "holding name", "entity", "entity name",
	"organization", "organisation", "organization name", "vendor", "vendor name", "supplier",
	"supplier name", "payee", "payee name", "manufacturer", "brand", "constituent", "constituent name",
	"名称", "公司", "公司名称", "企业名称", "发行人", "供应商", "证券名称", "证券简称",
};

/* Identifier columns and their schemes, strongest first: an identifier with
 * a check digit decides before a ticker, which exchanges reuse. */
static const struct {
	const char *head, *scheme;
} id_heads[] = {
	{ "lei", "lei" },
	{ "lei code", "lei" },
	{ "isin", "isin" },
	{ "isin code", "isin" },
	{ "uscc", "uscc" },
	{ "unified social credit code", "uscc" },
	{ "统一社会信用代码", "uscc" },
	{ "cusip", "cusip" },
	{ "sedol", "sedol" },
	{ "identifier", NULL },
	{ "security identifier", NULL },
	{ "ticker", "ticker" },
	{ "ticker symbol", "ticker" },
	{ "issuer ticker", "ticker" },
	{ "symbol", "ticker" },
	{ "证券代码", "ticker" },
	{ "股票代码", "ticker" },
};

static const char *const country_heads[] = {
	"country", "country code", "country of risk", "country of incorporation", "domicile", "nation",
	"location", "country of domicile", "国家", "国家/地区",
};

/* What holdings files and vendor lists also have: they help find the
 * header, and are never a name. */
static const char *const other_heads[] = {
	"weight", "weight (%)", "% weight", "weighting", "% of net assets", "% of fund", "percent of fund",
	"sector", "industry", "asset class", "market value", "notional value", "value", "amount", "shares",
	"shares held", "quantity", "price", "exchange", "currency", "local currency", "market currency",
	"fx rate", "accrual date", "par value", "coupon", "maturity", "rank", "no.", "#",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* cell equals one of heads (without case and surrounding space). */
static int head_is(const char *cell, const char *head)
{
	while (isspace((unsigned char)*cell))
		cell++;
	size_t n = strlen(cell), k = strlen(head);
	while (n && isspace((unsigned char)cell[n - 1]))
		n--;
	return n == k && strncasecmp(cell, head, n) == 0;
}

static int col_of(const tm_grid_row *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (head_is(h->f[i], name))
			return (int)i;
	/* a number names a column: "1" is the first */
	char *end;
	long k = strtol(name, &end, 10);
	if (*name && !*end && k >= 1 && (size_t)k <= h->n)
		return (int)k - 1;
	return -1;
}

static int known_head(const char *cell)
{
	for (size_t i = 0; i < N(name_heads); i++)
		if (head_is(cell, name_heads[i]))
			return 1;
	for (size_t i = 0; i < N(id_heads); i++)
		if (head_is(cell, id_heads[i].head))
			return 1;
	for (size_t i = 0; i < N(country_heads); i++)
		if (head_is(cell, country_heads[i]))
			return 1;
	for (size_t i = 0; i < N(other_heads); i++)
		if (head_is(cell, other_heads[i]))
			return 1;
	return 0;
}

long tm_rows_find_header(const tm_grid *g, const char *const *heads, size_t nheads, size_t *hits)
{
	long best = -1;
	size_t best_hits = 0, best_filled = 0;
	for (size_t i = 0; i < g->n && i < 64; i++) {
		const tm_grid_row *r = &g->v[i];
		if (r->error)
			continue;
		size_t h = 0;
		for (size_t k = 0; k < r->n; k++) {
			int known = heads ? 0 : known_head(r->f[k]);
			for (size_t j = 0; heads && j < nheads && !known; j++)
				known = head_is(r->f[k], heads[j]);
			h += known;
		}
		size_t filled = tm_grid_filled(r);
		if (h > best_hits || (h && h == best_hits && filled > best_filled)) {
			best = (long)i;
			best_hits = h;
			best_filled = filled;
		}
	}
	if (hits)
		*hits = best_hits;
	return best;
}

/* Prose, not a cell of a list: many words, or long. */
static int prose(const char *s)
{
	size_t words = 0, len = strlen(s);
	int in = 0;
	for (const char *p = s; *p; p++) {
		int sp = isspace((unsigned char)*p);
		if (!sp && !in)
			words++;
		in = !sp;
	}
	return words >= 10 || len >= 160;
}

size_t tm_rows_trailer(const tm_grid *g, size_t from, size_t width)
{
	size_t start = g->n;
	while (start > from) {
		const tm_grid_row *r = &g->v[start - 1];
		if (r->error)
			break;
		size_t filled = tm_grid_filled(r);
		int trailer = filled == 0 || (filled <= 1 && width >= 3);
		for (size_t k = 0; !trailer && k < r->n && filled <= 2; k++)
			trailer = prose(r->f[k]);
		if (!trailer)
			break;
		start--;
	}
	/* blank rows alone are not a trailer worth a note */
	size_t s = start;
	while (s < g->n && !g->v[s].error && tm_grid_filled(&g->v[s]) == 0)
		s++;
	return s == g->n ? g->n : start;
}

static char *trimmed(const char *s)
{
	size_t n = strlen(s);
	while (n && (isspace((unsigned char)*s) || ((unsigned char)s[0] == 0xC2 && n > 1 && (unsigned char)s[1] == 0xA0))) {
		if ((unsigned char)s[0] == 0xC2)
			s++, n--;
		s++, n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	while (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0)
		n -= 2;
	return n ? tm_xstrndup(s, n) : NULL;
}

/* The first cell of a row, for a note: "'Fund Holdings as of'". */
static void quote_row(tm_buf *b, const tm_grid_row *r)
{
	for (size_t k = 0; k < r->n; k++) {
		if (tm_grid_blank(r->f[k]))
			continue;
		char *t = trimmed(r->f[k]);
		size_t n = strlen(t), cut = n;
		if (n > 48) {
			cut = 45;
			while (cut && ((unsigned char)t[cut] & 0xC0) == 0x80)
				cut--;
		}
		for (size_t i = 0; i < cut; i++)
			if (t[i] == '\n' || t[i] == '\r' || t[i] == '\t')
				t[i] = ' ';
		tm_buf_addf(b, "'%.*s%s'", (int)cut, t, cut < n ? "…" : "");
		free(t);
		return;
	}
}

static void note_skipped(tm_rows *out, const tm_grid *g, size_t from, size_t to, const char *where)
{
	size_t first = 0, last = 0, k = 0;
	for (size_t i = from; i < to; i++) {
		if (!g->v[i].error && tm_grid_filled(&g->v[i]) == 0)
			continue;
		if (!k++)
			first = i;
		last = i;
	}
	if (!k)
		return;
	tm_buf b = TM_BUF_INIT;
	if (g->v[first].line == g->v[last].line)
		tm_buf_addf(&b, "line %zu %s skipped: ", g->v[first].line, where);
	else
		tm_buf_addf(&b, "lines %zu-%zu %s skipped (%zu rows): ", g->v[first].line, g->v[last].line, where, k);
	quote_row(&b, &g->v[first]);
	tm_strv_push_owned(&out->notes, tm_buf_detach(&b));
}

static tm_rc rows_from_grid(const tm_grid *g, const tm_rows_spec *spec, size_t max_rows, tm_rows *out, tm_err *err)
{
	out->format = g->format;
	out->sheet = tm_xstrdup(g->sheet);
	if (!g->n)
		return tm_fail(err, TM_ERR_INVALID, "the file is empty; a header line is needed");
	size_t hits = 0;
	long hi = -1;
	/* columns named by the caller: the header is the row that has them */
	const char *asked[3];
	size_t nasked = 0;
	for (int k = 0; spec && k < 3; k++) {
		const char *c = k == 0 ? spec->name_col : k == 1 ? spec->id_col : spec->country_col;
		if (c && !isdigit((unsigned char)*c))
			asked[nasked++] = c;
	}
	if (nasked)
		hi = tm_rows_find_header(g, asked, nasked, &hits);
	if (hi < 0)
		hi = tm_rows_find_header(g, NULL, 0, &hits);
	if (hi < 0) {
		if (g->v[0].error)
			return tm_fail(err, TM_ERR_INVALID, "line %zu: the header cannot be read: %s", g->v[0].line,
				       g->v[0].error);
		hi = 0;
		tm_buf b = TM_BUF_INIT;
		tm_buf_addf(&b, "no header row recognized; line %zu is taken as the header", g->v[0].line);
		tm_strv_push_owned(&out->notes, tm_buf_detach(&b));
	}
	const tm_grid_row *h = &g->v[hi];
	out->header_line = h->line;
	note_skipped(out, g, 0, (size_t)hi, "above the header");

	int cn = -1, cc = -1;
	int ci[TM_ROW_MAX_IDS];
	const char *cs[TM_ROW_MAX_IDS];
	size_t nci = 0;
	if (spec && spec->name_col && (cn = col_of(h, spec->name_col)) < 0)
		return tm_fail(err, TM_ERR_INVALID, "no name column '%s' in the header", spec->name_col);
	if (spec && spec->country_col && (cc = col_of(h, spec->country_col)) < 0)
		return tm_fail(err, TM_ERR_INVALID, "no country column '%s' in the header", spec->country_col);
	if (spec && spec->id_col) {
		int c = col_of(h, spec->id_col);
		if (c < 0)
			return tm_fail(err, TM_ERR_INVALID, "no identifier column '%s' in the header", spec->id_col);
		ci[nci] = c;
		cs[nci++] = NULL;
	} else {
		for (size_t j = 0; j < N(id_heads) && nci < TM_ROW_MAX_IDS; j++) {
			int c = col_of(h, id_heads[j].head);
			if (c < 0 || isdigit((unsigned char)id_heads[j].head[0]))
				continue;
			int dup = 0;
			for (size_t k = 0; k < nci; k++)
				dup |= ci[k] == c;
			if (dup)
				continue;
			ci[nci] = c;
			cs[nci++] = id_heads[j].scheme;
		}
	}
	for (size_t j = 0; cn < 0 && j < N(name_heads); j++) {
		int c = col_of(h, name_heads[j]);
		int taken = 0;
		for (size_t k = 0; k < nci; k++)
			taken |= ci[k] == c;
		if (c >= 0 && !taken)
			cn = c;
	}
	if (cn < 0) {
		/* the first column that is not an identifier, a country or a
		 * number: never a ticker as a name */
		for (size_t c = 0; c < h->n && cn < 0; c++) {
			int taken = 0;
			for (size_t k = 0; k < nci; k++)
				taken |= ci[k] == (int)c;
			int other = 0;
			for (size_t j = 0; j < N(other_heads) && !other; j++)
				other = head_is(h->f[c], other_heads[j]);
			for (size_t j = 0; j < N(country_heads) && !other; j++)
				other = head_is(h->f[c], country_heads[j]);
			if (!taken && !other)
				cn = (int)c;
		}
	}
	for (size_t j = 0; cc < 0 && j < N(country_heads); j++)
		cc = col_of(h, country_heads[j]);
	if (cc == cn)
		cc = -1;
	for (size_t k = 0; k < nci; k++) {
		if (ci[k] == cn || ci[k] == cc) {
			memmove(&ci[k], &ci[k + 1], (nci - k - 1) * sizeof(ci[0]));
			memmove(&cs[k], &cs[k + 1], (nci - k - 1) * sizeof(cs[0]));
			nci--;
			k--;
		}
	}
	if (cn < 0 && !nci)
		return tm_fail(err, TM_ERR_INVALID, "line %zu: the header has no column for names or identifiers",
			       h->line);
	out->name_col = cn >= 0 ? tm_xstrdup(h->f[cn]) : NULL;
	out->country_col = cc >= 0 ? tm_xstrdup(h->f[cc]) : NULL;
	for (size_t k = 0; k < nci; k++) {
		tm_buf b = TM_BUF_INIT;
		tm_buf_addf(&b, "%s (%s)", h->f[ci[k]], cs[k] ? cs[k] : "by its shape");
		tm_strv_push_owned(&out->id_cols, tm_buf_detach(&b));
	}

	size_t width = h->n, end = tm_rows_trailer(g, (size_t)hi + 1, tm_grid_filled(h));
	size_t readable = 0, named = 0;
	for (size_t i = (size_t)hi + 1; i < end; i++) {
		const tm_grid_row *r = &g->v[i];
		if (!r->error && tm_grid_filled(r) == 0)
			continue;
		if (max_rows && out->n >= max_rows) {
			tm_rows_release(out);
			return tm_fail(err, TM_ERR_LIMIT, "more than %zu rows", max_rows);
		}
		TM_GROW(out->v, out->cap, out->n + 1);
		tm_row *row = &out->v[out->n++];
		memset(row, 0, sizeof(*row));
		row->line = r->line;
		if (r->error) {
			row->error = tm_xstrdup(r->error);
			continue;
		}
		readable++;
		if (cn >= 0 && (size_t)cn >= r->n && !nci) {
			tm_buf b = TM_BUF_INIT;
			tm_buf_addf(&b, "row has %zu field%s, no name in field %d", r->n, r->n == 1 ? "" : "s", cn + 1);
			row->error = tm_buf_detach(&b);
			continue;
		}
		if (cn >= 0 && (size_t)cn < r->n)
			row->name = trimmed(r->f[cn]);
		for (size_t k = 0; k < nci; k++) {
			char *v = (size_t)ci[k] < r->n ? trimmed(r->f[ci[k]]) : NULL;
			/* "-" is what iShares writes for no ticker (cash, futures) */
			if (v && (strcmp(v, "-") == 0 || strcmp(v, "--") == 0 || strcasecmp(v, "n/a") == 0)) {
				free(v);
				v = NULL;
			}
			if (v)
				row->ids[row->nids++] = (tm_qident){ cs[k], v };
		}
		if (cc >= 0 && (size_t)cc < r->n)
			row->country = trimmed(r->f[cc]);
		named += row->name || row->nids;
		tm_buf w = TM_BUF_INIT;
		if (!strcmp(g->format, "csv") && r->n != width)
			tm_buf_addf(&w, "row has %zu field%s, the header %zu", r->n, r->n == 1 ? "" : "s", width);
		if (r->warning)
			tm_buf_addf(&w, "%s%s", w.len ? "; " : "", r->warning);
		if (!row->name && !row->nids)
			tm_buf_addf(&w, "%sno name", w.len ? "; " : "");
		row->warning = w.len ? tm_buf_detach(&w) : NULL;
		tm_buf_release(&w);
	}
	note_skipped(out, g, end, g->n, "below the table");
	if (!out->n) {
		tm_rc rc = tm_fail(err, TM_ERR_INVALID, "no rows under the header (line %zu)", h->line);
		tm_rows_release(out);
		return rc;
	}
	if (!readable) {
		tm_rc rc = tm_fail(err, TM_ERR_INVALID, "none of the %zu rows can be read (line %zu: %s)", out->n,
				   out->v[0].line, out->v[0].error);
		tm_rows_release(out);
		return rc;
	}
	if (!named) {
		tm_rc rc = tm_fail(err, TM_ERR_INVALID, "no row has a name%s or an identifier", cn >= 0 ? "" : " column");
		tm_rows_release(out);
		return rc;
	}
	return TM_OK;
}

tm_rc tm_rows_from_grid(const tm_grid *g, const tm_rows_spec *spec, size_t max_rows, tm_rows *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_rc rc = rows_from_grid(g, spec, max_rows, out, err);
	if (rc)
		tm_rows_release(out); /* notes made before the failure, too */
	return rc;
}

tm_rc tm_rows_load(const char *data, size_t len, const tm_rows_spec *spec, size_t max_rows, tm_rows *out,
		   tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_grid g;
	/* the grid may hold a preamble and a trailer besides the rows */
	tm_grid_opts go = { spec ? spec->delim : 0, spec ? spec->sheet : NULL, max_rows ? max_rows + 256 : 0, 0 };
	tm_rc rc = tm_grid_load(data, len, &go, &g, err);
	if (rc)
		return rc;
	rc = tm_rows_from_grid(&g, spec, max_rows, out, err);
	/* a workbook whose first sheet is a cover page: the first sheet with
	 * a list on it, and a note that says which */
	for (size_t i = 0; rc == TM_ERR_INVALID && !go.sheet && i < g.sheets.n && i < 64; i++) {
		if (g.sheet && strcmp(g.sheets.v[i], g.sheet) == 0)
			continue;
		tm_grid other;
		tm_grid_opts o2 = go;
		o2.sheet = g.sheets.v[i];
		tm_err e2 = { 0 };
		if (tm_grid_load(data, len, &o2, &other, &e2))
			continue;
		if (tm_rows_from_grid(&other, spec, max_rows, out, &e2) == TM_OK) {
			tm_buf b = TM_BUF_INIT;
			tm_buf_addf(&b, "the first sheet ('%s') has no list; sheet '%s' was read", g.sheet ? g.sheet : "",
				    other.sheet);
			tm_strv_push_owned(&out->notes, tm_buf_detach(&b));
			rc = TM_OK;
		}
		tm_grid_release(&other);
	}
	tm_grid_release(&g);
	return rc;
}
