/*
 * The rows of a list to screen, from CSV (rows.h).
 */
#include "io/rows.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void tm_rows_release(tm_rows *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].ident);
		free(r->v[i].country);
		free(r->v[i].error);
		free(r->v[i].warning);
	}
	free(r->v);
	free(r->name_col);
	free(r->id_col);
	free(r->country_col);
	memset(r, 0, sizeof(*r));
}

/* The headers lists and holdings files use, most specific first. */
static const char *const name_heads[] = {
	"name", "company", "company name", "issuer", "issuer name", "security name", "security",
	"description", "security description", "holding", "holdings", "entity", "entity name",
	"organization", "organisation", "organization name", "vendor", "vendor name", "supplier",
	"supplier name", "payee", "payee name", "manufacturer", "brand", "名称", "公司", "公司名称",
	"企业名称", "发行人", "供应商",
};
static const char *const id_heads[] = {
	"isin", "lei", "uscc", "ticker", "symbol", "identifier", "统一社会信用代码", "证券代码",
};
static const char *const country_heads[] = {
	"country", "country code", "country of risk", "country of incorporation", "domicile", "nation",
	"国家", "国家/地区",
};

static int guess(const tm_csv_rec *h, const char *const *heads, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int c = tm_csv_col(h, heads[i]);
		/* a number is not a header here: "1" would name the first column */
		if (c >= 0 && !isdigit((unsigned char)heads[i][0]))
			return c;
	}
	return -1;
}

static char *trimmed(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return n ? tm_xstrndup(s, n) : NULL;
}

tm_rc tm_rows_read(tm_csv *csv, const tm_rows_spec *spec, size_t max_rows, tm_rows *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_csv_rec h;
	tm_rc rc = tm_csv_next(csv, &h, err);
	if (rc == TM_ERR_NOTFOUND)
		return tm_fail(err, TM_ERR_INVALID, "the file is empty; a header line is needed");
	if (rc)
		return rc;
	if (h.error)
		return tm_fail(err, TM_ERR_INVALID, "line %zu: the header cannot be read: %s", h.line, h.error);
	int cn, ci = -1, cc = -1;
	static const struct {
		const char *what;
	} whats[] = { { "name" }, { "identifier" }, { "country" } };
	const char *named[3] = { spec ? spec->name_col : NULL, spec ? spec->id_col : NULL,
				 spec ? spec->country_col : NULL };
	int *cols[3] = { &cn, &ci, &cc };
	for (int k = 0; k < 3; k++) {
		if (!named[k])
			continue;
		*cols[k] = tm_csv_col(&h, named[k]);
		if (*cols[k] < 0)
			return tm_fail(err, TM_ERR_INVALID, "no %s column '%s' in the header", whats[k].what, named[k]);
	}
	if (!named[0]) {
		cn = guess(&h, name_heads, sizeof(name_heads) / sizeof(name_heads[0]));
		if (cn < 0)
			cn = 0;
	}
	if (!named[1])
		ci = guess(&h, id_heads, sizeof(id_heads) / sizeof(id_heads[0]));
	if (!named[2])
		cc = guess(&h, country_heads, sizeof(country_heads) / sizeof(country_heads[0]));
	if (ci == cn)
		ci = -1;
	if (cc == cn || cc == ci)
		cc = -1;
	out->name_col = tm_xstrdup(h.f[cn]);
	out->id_col = ci >= 0 ? tm_xstrdup(h.f[ci]) : NULL;
	out->country_col = cc >= 0 ? tm_xstrdup(h.f[cc]) : NULL;
	size_t width = h.n;
	tm_csv_rec r;
	while ((rc = tm_csv_next(csv, &r, err)) == TM_OK) {
		if (max_rows && out->n >= max_rows) {
			tm_rows_release(out);
			return tm_fail(err, TM_ERR_LIMIT, "more than %zu rows", max_rows);
		}
		TM_GROW(out->v, out->cap, out->n + 1);
		tm_row *row = &out->v[out->n++];
		memset(row, 0, sizeof(*row));
		row->line = r.line;
		if (r.error) {
			row->error = tm_xstrdup(r.error);
			continue;
		}
		if ((size_t)cn >= r.n) {
			tm_buf b = TM_BUF_INIT;
			tm_buf_addf(&b, "row has %zu field%s, no name in field %d", r.n, r.n == 1 ? "" : "s", cn + 1);
			row->error = tm_buf_detach(&b);
			continue;
		}
		row->name = trimmed(r.f[cn], r.len[cn]);
		if (ci >= 0 && (size_t)ci < r.n)
			row->ident = trimmed(r.f[ci], r.len[ci]);
		if (cc >= 0 && (size_t)cc < r.n)
			row->country = trimmed(r.f[cc], r.len[cc]);
		tm_buf w = TM_BUF_INIT;
		if (r.n != width)
			tm_buf_addf(&w, "row has %zu field%s, the header %zu", r.n, r.n == 1 ? "" : "s", width);
		if (r.warning)
			tm_buf_addf(&w, "%s%s", w.len ? "; " : "", r.warning);
		if (!row->name && !row->ident)
			tm_buf_addf(&w, "%sno name", w.len ? "; " : "");
		row->warning = w.len ? tm_buf_detach(&w) : NULL;
		tm_buf_release(&w);
	}
	if (rc != TM_ERR_NOTFOUND) {
		tm_rows_release(out);
		return rc;
	}
	return TM_OK;
}
