/*
 * Tables from files (grid.h): what the bytes are, and CSV into rows of
 * cells.  The workbooks are sheet.c's.
 */
#include "io/grid.h"
#include "io/csv.h"

#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

void tm_grid_release(tm_grid *g)
{
	for (size_t i = 0; i < g->n; i++) {
		for (size_t k = 0; k < g->v[i].n; k++)
			free(g->v[i].f[k]);
		free(g->v[i].f);
		free(g->v[i].error);
		free(g->v[i].warning);
	}
	free(g->v);
	free(g->sheet);
	tm_strv_release(&g->sheets);
	memset(g, 0, sizeof(*g));
}

tm_grid_row *tm_grid_add(tm_grid *g, size_t line, const char *const *f, const size_t *len, size_t n)
{
	TM_GROW(g->v, g->cap, g->n + 1);
	tm_grid_row *r = &g->v[g->n++];
	memset(r, 0, sizeof(*r));
	r->line = line;
	r->n = n;
	r->f = n ? tm_xmalloc(n * sizeof(char *)) : NULL;
	for (size_t i = 0; i < n; i++)
		r->f[i] = tm_xstrndup(f[i], len ? len[i] : strlen(f[i]));
	return r;
}

int tm_grid_blank(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		if (isspace(*p))
			p++;
		else if (p[0] == 0xC2 && p[1] == 0xA0) /* U+00A0 */
			p += 2;
		else if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80) /* U+3000, the ideographic space */
			p += 3;
		else
			return 0;
	}
	return 1;
}

size_t tm_grid_filled(const tm_grid_row *row)
{
	size_t k = 0;
	for (size_t i = 0; i < row->n; i++)
		k += !tm_grid_blank(row->f[i]);
	return k;
}

/* ---- what the bytes are ---- */

const char *tm_grid_kind_name(tm_grid_kind k)
{
	switch (k) {
	case TM_GRID_TEXT: return "delimited text";
	case TM_GRID_XLSX: return "an Excel workbook (.xlsx)";
	case TM_GRID_ODS: return "an OpenDocument spreadsheet (.ods)";
	case TM_GRID_JSON: return "JSON";
	case TM_GRID_YAML: return "YAML";
	case TM_GRID_HTML: return "an HTML page";
	case TM_GRID_XML: return "XML";
	case TM_GRID_PDF: return "a PDF document";
	case TM_GRID_XLS: return "an Excel 97-2003 workbook (.xls)";
	case TM_GRID_ZIP: return "a zip archive (a Word or other Office document, or files packed together)";
	case TM_GRID_UTF16: return "UTF-16 text without a byte order mark";
	case TM_GRID_BINARY: return "binary data";
	}
	return "unknown";
}

static int starts_ci(const char *s, size_t n, const char *with)
{
	size_t k = strlen(with);
	return n >= k && strncasecmp(s, with, k) == 0;
}

static const char *find_ci(const char *s, size_t n, const char *what)
{
	size_t k = strlen(what);
	for (size_t i = 0; i + k <= n; i++)
		if (strncasecmp(s + i, what, k) == 0)
			return s + i;
	return NULL;
}

/* The kind of a zip archive, from the names of its members. */
static tm_grid_kind sniff_zip(const char *data, size_t len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	tm_grid_kind k = TM_GRID_ZIP;
	if (!src) {
		zip_error_fini(&ze);
		return k;
	}
	zip_t *z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!z) {
		zip_source_free(src);
		zip_error_fini(&ze);
		return k;
	}
	if (zip_name_locate(z, "xl/workbook.xml", 0) >= 0) {
		k = TM_GRID_XLSX;
	} else if (zip_name_locate(z, "content.xml", 0) >= 0) {
		/* the mimetype member says which OpenDocument this is */
		zip_file_t *f = zip_fopen(z, "mimetype", 0);
		char mt[80] = "";
		if (f) {
			zip_int64_t got = zip_fread(f, mt, sizeof(mt) - 1);
			mt[got > 0 ? got : 0] = '\0';
			zip_fclose(f);
		}
		if (strstr(mt, "opendocument.spreadsheet"))
			k = TM_GRID_ODS;
	}
	zip_close(z); /* frees src */
	zip_error_fini(&ze);
	return k;
}

/* A line that YAML would read as structure: "- item", "key: value", "key:". */
static int yaml_line(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && s[i] == ' ')
		i++;
	if (i + 1 < n && s[i] == '-' && s[i + 1] == ' ')
		return 1;
	if (i < n && s[i] == '-' && i + 1 == n)
		return 1;
	for (size_t j = i; j < n; j++) {
		char c = s[j];
		if (c == ',' || c == ';' || c == '\t' || c == '|' || c == '"')
			return 0;
		if (c == ':')
			return j > i && (j + 1 == n || s[j + 1] == ' ');
	}
	return 0;
}

static int looks_yaml(const char *s, size_t n)
{
	size_t pos = 0, seen = 0, yes = 0;
	while (pos < n && seen < 10) {
		const char *e = memchr(s + pos, '\n', n - pos);
		size_t end = e ? (size_t)(e - s) : n, k = end - pos;
		const char *line = s + pos;
		if (k && line[k - 1] == '\r')
			k--;
		pos = end + 1;
		size_t i = 0;
		while (i < k && (line[i] == ' ' || line[i] == '\t'))
			i++;
		if (i == k || line[i] == '#')
			continue;
		if (!seen && (starts_ci(line, k, "---") || starts_ci(line, k, "%YAML")))
			return 1;
		int y = yaml_line(line, k);
		if (!seen && !y)
			return 0; /* the first line decides against */
		seen++;
		yes += y;
	}
	return seen && yes * 3 >= seen * 2;
}

static int looks_json(const char *s, size_t n)
{
	if (s[0] == '{')
		return 1;
	json_error_t je;
	json_t *j = json_loadb(s, n, 0, &je);
	if (j) {
		json_decref(j);
		return 1;
	}
	/* JSON Lines: the first line alone */
	const char *e = memchr(s, '\n', n);
	if (e && (j = json_loadb(s, (size_t)(e - s), 0, &je))) {
		int arr = json_is_array(j) || json_is_object(j);
		json_decref(j);
		return arr;
	}
	return 0;
}

tm_grid_kind tm_grid_sniff(const char *data, size_t len)
{
	const unsigned char *u = (const unsigned char *)data;
	if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0)
		return sniff_zip(data, len);
	if (len >= 5 && memcmp(data, "%PDF-", 5) == 0)
		return TM_GRID_PDF;
	if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return TM_GRID_XLS;
	/* byte order marks of UTF-16 and UTF-32: text, which the CSV reader
	 * refuses with advice on saving it */
	if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
		return TM_GRID_TEXT;
	if (len >= 4 && u[0] == 0 && u[1] == 0 && u[2] == 0xFE && u[3] == 0xFF)
		return TM_GRID_TEXT;
	size_t k = len < 65536 ? len : 65536, nul = 0, nul_odd = 0, ctl = 0;
	for (size_t i = 0; i < k; i++) {
		if (!u[i]) {
			nul++;
			nul_odd += i & 1;
		} else if (u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r' && u[i] != '\f') {
			ctl++;
		}
	}
	if (nul) {
		/* ASCII in UTF-16: every other byte is zero */
		if (k >= 4 && nul * 5 >= k * 2 && (nul_odd * 10 >= nul * 9 || nul_odd * 10 <= nul))
			return TM_GRID_UTF16;
		return TM_GRID_BINARY;
	}
	if (ctl * 20 > k)
		return TM_GRID_BINARY;
	size_t i = 0;
	if (k >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
		i = 3;
	while (i < k && isspace(u[i]))
		i++;
	const char *s = data + i;
	size_t n = k - i, all = len - i;
	if (!n)
		return TM_GRID_TEXT;
	if (s[0] == '<') {
		size_t head = n < 2048 ? n : 2048;
		if (starts_ci(s, n, "<!doctype html") || starts_ci(s, n, "<html") || find_ci(s, head, "<html") ||
		    find_ci(s, head, "<body") || find_ci(s, head, "<table"))
			return TM_GRID_HTML;
		return TM_GRID_XML;
	}
	if ((s[0] == '{' || s[0] == '[') && looks_json(s, all))
		return TM_GRID_JSON;
	if (looks_yaml(s, n))
		return TM_GRID_YAML;
	return TM_GRID_TEXT;
}

/* ---- loading ---- */

static tm_rc load_csv(const char *data, size_t len, const tm_grid_opts *o, tm_grid *g, tm_err *err)
{
	tm_csv_opts co = { o ? o->delim : 0, 0, 0 };
	tm_csv *c;
	tm_rc rc = tm_csv_open_mem(data, len, &co, &c, err);
	if (rc)
		return rc;
	tm_csv_rec r;
	while ((rc = tm_csv_next(c, &r, err)) == TM_OK) {
		if (o && o->max_rows && g->n >= o->max_rows) {
			rc = tm_fail(err, TM_ERR_LIMIT, "more than %zu rows", o->max_rows);
			break;
		}
		tm_grid_row *row = tm_grid_add(g, r.line, r.error ? NULL : r.f, r.error ? NULL : r.len, r.error ? 0 : r.n);
		row->error = tm_xstrdup(r.error);
		row->warning = tm_xstrdup(r.warning);
	}
	g->delim = tm_csv_delim(c);
	tm_csv_free(c);
	return rc == TM_ERR_NOTFOUND ? TM_OK : rc;
}

tm_rc tm_grid_load(const char *data, size_t len, const tm_grid_opts *o, tm_grid *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_grid_kind k = tm_grid_sniff(data, len);
	tm_rc rc;
	switch (k) {
	case TM_GRID_TEXT:
		out->format = "csv";
		rc = load_csv(data, len, o, out, err);
		break;
	case TM_GRID_XLSX: rc = tm_grid_read_xlsx(data, len, o, out, err); break;
	case TM_GRID_ODS: rc = tm_grid_read_ods(data, len, o, out, err); break;
	case TM_GRID_XML:
		if (o && o->allow_xml)
			return tm_fail(err, TM_ERR_NOTFOUND, "XML, not a table");
		/* fall through */
	default: {
		static const char *const advice[] = {
			[TM_GRID_JSON] = "; tiemap screen reads a table (CSV, TSV, .xlsx or .ods) with a header row, and the "
					 "web API takes JSON as {\"rows\":[{\"name\":…}]}",
			[TM_GRID_YAML] = "; save the list as a table (CSV, TSV, .xlsx or .ods) with a header row",
			[TM_GRID_HTML] = "; save the table itself as CSV, or as .xlsx from a spreadsheet",
			[TM_GRID_XML] = "; save the list as a table (CSV, TSV, .xlsx or .ods) with a header row",
			[TM_GRID_PDF] = "; export the table from the PDF's source as CSV or .xlsx",
			[TM_GRID_XLS] = "; save it as .xlsx or CSV (File › Save As)",
			[TM_GRID_ZIP] = "; give the spreadsheet itself (CSV, .xlsx or .ods)",
			[TM_GRID_UTF16] = "; save it as UTF-8",
			[TM_GRID_BINARY] = "; give a table (CSV, TSV, .xlsx or .ods)",
		};
		const char *a = (size_t)k < sizeof(advice) / sizeof(advice[0]) && advice[k] ? advice[k] : "";
		return tm_fail(err, TM_ERR_INVALID, "this is %s, not a table%s", tm_grid_kind_name(k), a);
	}
	}
	if (rc)
		tm_grid_release(out);
	return rc;
}
