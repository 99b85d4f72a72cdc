/*
 * Workbooks (grid.h): .xlsx (Office Open XML, ECMA-376) and .ods
 * (OpenDocument).  libzip opens the archive from memory; each XML member is
 * inflated in pieces and fed to expat as it comes, so a large sheet never
 * sits in memory as XML, only as the cells kept.  Element and attribute
 * names are compared by their local part (expat's namespace mode gives
 * "uri|local"), which reads Transitional and Strict OOXML alike.
 */
#include "io/grid.h"

#include <ctype.h>
#include <expat.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

/* ---- the archive and its XML ---- */

typedef struct book {
	zip_t *z;
	size_t inflated; /* bytes read from all members, against TM_GRID_MAX_XML */
} book;

static tm_rc book_open(book *b, const char *data, size_t len, const char *what, tm_err *err)
{
	memset(b, 0, sizeof(*b));
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(data, len, 0, &ze);
	if (src && !(b->z = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &ze))) {
		zip_source_free(src);
		src = NULL;
	}
	if (!src) {
		tm_rc rc = tm_fail(err, TM_ERR_INVALID, "%s cannot be opened as a zip archive: %s", what,
				   zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return rc;
	}
	zip_error_fini(&ze);
	return TM_OK;
}

static void book_close(book *b)
{
	if (b->z)
		zip_discard(b->z);
	b->z = NULL;
}

/* What every XML reader here shares: the parser, a stop with a reason, and
 * the text of the element being read. */
typedef struct xml {
	XML_Parser p;
	tm_err *err;
	tm_rc rc;       /* set when a handler stopped the parser */
	int refused;    /* an entity declaration */
} xml;

static void xml_stop(xml *x, tm_rc rc, const char *msg)
{
	if (!x->rc)
		x->rc = tm_fail(x->err, rc, "%s", msg);
	XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int value_len,
			      const XML_Char *base, const XML_Char *system_id, const XML_Char *public_id,
			      const XML_Char *notation)
{
	xml *x = ud; /* every handler's user data starts with an xml */
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)system_id, (void)public_id,
		(void)notation;
	x->refused = 1;
	XML_StopParser(x->p, XML_FALSE);
}

/* The local part of an expat name in namespace mode ("uri|local"). */
static const char *local(const XML_Char *name)
{
	const char *bar = strrchr(name, '|');
	return bar ? bar + 1 : name;
}

static const char *attr(const XML_Char **a, const char *lname)
{
	for (size_t i = 0; a[i]; i += 2)
		if (strcmp(local(a[i]), lname) == 0)
			return a[i + 1];
	return NULL;
}

/* Parse member `name` of the book with the handlers set on x->p (user data
 * x, which the caller's struct starts with).  TM_ERR_NOTFOUND when the member
 * is missing and `optional`. */
static tm_rc parse_member(book *b, xml *x, const char *name, int optional, const char *what, tm_err *err)
{
	zip_file_t *f = zip_fopen(b->z, name, 0);
	if (!f) {
		if (optional)
			return TM_ERR_NOTFOUND;
		return tm_fail(err, TM_ERR_INVALID, "%s has no '%s': damaged, or not a workbook", what, name);
	}
	x->err = err;
	XML_SetEntityDeclHandler(x->p, on_entity);
	XML_SetParamEntityParsing(x->p, XML_PARAM_ENTITY_PARSING_NEVER);
	char buf[65536];
	tm_rc rc = TM_OK;
	for (;;) {
		zip_int64_t got = zip_fread(f, buf, sizeof(buf));
		if (got < 0) {
			rc = tm_fail(err, TM_ERR_INVALID, "%s: '%s' cannot be inflated: %s", what, name,
				     zip_strerror(b->z));
			break;
		}
		b->inflated += (size_t)got;
		if (b->inflated > TM_GRID_MAX_XML) {
			rc = tm_fail(err, TM_ERR_LIMIT, "%s inflates to more than %zu MB; refused", what,
				     TM_GRID_MAX_XML >> 20);
			break;
		}
		if (XML_Parse(x->p, buf, (int)got, got == 0) != XML_STATUS_OK) {
			if (x->refused)
				rc = tm_fail(err, TM_ERR_INVALID, "%s: '%s' declares XML entities; refused", what, name);
			else if (x->rc)
				rc = x->rc;
			else
				rc = tm_fail(err, TM_ERR_INVALID, "%s: '%s' line %lu: %s", what, name,
					     (unsigned long)XML_GetCurrentLineNumber(x->p),
					     XML_ErrorString(XML_GetErrorCode(x->p)));
			break;
		}
		if (got == 0)
			break;
	}
	zip_fclose(f);
	return rc;
}

/* ---- a row being built ---- */

typedef struct rowb {
	char **cell;   /* by column, NULL where empty */
	size_t ncol;   /* 1 + the last column set */
	size_t cap;
	size_t kept;   /* bytes of cells, for the cap of all cells */
} rowb;

static void rowb_set(rowb *r, size_t col, char *text)
{
	if (col >= TM_GRID_MAX_COLS) {
		free(text);
		return;
	}
	if (col >= r->cap) {
		size_t old = r->cap;
		TM_GROW(r->cell, r->cap, col + 1);
		memset(r->cell + old, 0, (r->cap - old) * sizeof(char *));
	}
	free(r->cell[col]);
	r->cell[col] = text;
	if (col + 1 > r->ncol)
		r->ncol = col + 1;
}

/* Add the row to g when it holds a cell, and clear it for the next. */
static void rowb_flush(rowb *r, tm_grid *g, size_t line, size_t repeat)
{
	size_t last = r->ncol;
	while (last && (!r->cell[last - 1] || !*r->cell[last - 1]))
		last--;
	if (last) {
		const char **f = tm_xmalloc(last * sizeof(char *));
		for (size_t i = 0; i < last; i++)
			f[i] = r->cell[i] ? r->cell[i] : "";
		for (size_t k = 0; k < repeat; k++)
			tm_grid_add(g, line + k, f, NULL, last);
		free(f);
	}
	for (size_t i = 0; i < r->ncol; i++) {
		free(r->cell[i]);
		r->cell[i] = NULL;
	}
	r->ncol = 0;
}

static void rowb_release(rowb *r)
{
	for (size_t i = 0; i < r->cap; i++)
		free(r->cell[i]);
	free(r->cell);
	memset(r, 0, sizeof(*r));
}

/* Text of a cell, capped. */
static void text_add(tm_buf *b, const char *s, size_t n, int *cut)
{
	if (b->len + n > TM_GRID_MAX_CELL) {
		n = b->len < TM_GRID_MAX_CELL ? TM_GRID_MAX_CELL - b->len : 0;
		*cut = 1;
	}
	tm_buf_add(b, s, n);
}

/* ---- xlsx ---- */

/* xl/workbook.xml: the sheets in order, each name with its relationship id. */
typedef struct wb_ctx {
	xml x;
	tm_strv names, rids;
} wb_ctx;

static void XMLCALL wb_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	wb_ctx *c = ud;
	if (strcmp(local(el), "sheet") != 0)
		return;
	const char *name = attr(a, "name"), *rid = attr(a, "id");
	if (name && rid && c->names.n < 4096) {
		tm_strv_push(&c->names, name);
		tm_strv_push(&c->rids, rid);
	}
}

/* xl/_rels/workbook.xml.rels: relationship id → target. */
typedef struct rel_ctx {
	xml x;
	const char *want;
	char *target;
} rel_ctx;

static void XMLCALL rel_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	rel_ctx *c = ud;
	if (strcmp(local(el), "Relationship") != 0 || c->target)
		return;
	const char *id = attr(a, "Id"), *t = attr(a, "Target");
	if (id && t && strcmp(id, c->want) == 0)
		c->target = tm_xstrdup(t);
}

/* xl/sharedStrings.xml: <si> items, each the text of its <t> (runs <r><t>
 * joined; phonetic runs <rPh> left out). */
typedef struct sst_ctx {
	xml x;
	tm_strv s;
	tm_buf cur;
	int in_si, in_t, in_rph, cut;
	size_t bytes;
} sst_ctx;

static void XMLCALL sst_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	sst_ctx *c = ud;
	const char *l = local(el);
	(void)a;
	if (strcmp(l, "si") == 0) {
		c->in_si = 1;
		tm_buf_reset(&c->cur);
	} else if (strcmp(l, "rPh") == 0) {
		c->in_rph = 1;
	} else if (strcmp(l, "t") == 0 && c->in_si && !c->in_rph) {
		c->in_t = 1;
	}
}

static void XMLCALL sst_end(void *ud, const XML_Char *el)
{
	sst_ctx *c = ud;
	const char *l = local(el);
	if (strcmp(l, "t") == 0) {
		c->in_t = 0;
	} else if (strcmp(l, "rPh") == 0) {
		c->in_rph = 0;
	} else if (strcmp(l, "si") == 0 && c->in_si) {
		c->in_si = 0;
		c->bytes += c->cur.len;
		if (c->s.n >= 4000000 || c->bytes > TM_GRID_MAX_XML / 4) {
			xml_stop(&c->x, TM_ERR_LIMIT, "the workbook's shared strings exceed the limits");
			return;
		}
		tm_strv_push(&c->s, c->cur.buf);
	}
}

static void XMLCALL sst_text(void *ud, const XML_Char *s, int n)
{
	sst_ctx *c = ud;
	if (c->in_t)
		text_add(&c->cur, s, (size_t)n, &c->cut);
}

/* A worksheet: <row r="N"><c r="B5" t="s|inlineStr|str|b|n|e"><v>…</v> or
 * <is><t>…</t></is></c></row>. */
typedef struct ws_ctx {
	xml x;
	tm_grid *g;
	const tm_strv *sst;
	const tm_grid_opts *o;
	rowb row;
	size_t rownum, next_row; /* the row being read; the number the next one gets when it says none */
	size_t col, next_col;
	char type[16];
	int in_cell, in_v, in_is_t, in_rph, cut;
	tm_buf text;
} ws_ctx;

/* "B5" → column 1 (0-based); -1 when s does not start with letters. */
static long col_of_ref(const char *s)
{
	long c = 0;
	size_t k = 0;
	for (; isupper((unsigned char)s[k]) && k < 4; k++)
		c = c * 26 + (s[k] - 'A' + 1);
	return k ? c - 1 : -1;
}

static void XMLCALL ws_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	ws_ctx *c = ud;
	const char *l = local(el);
	if (strcmp(l, "row") == 0) {
		const char *r = attr(a, "r");
		long n = r ? strtol(r, NULL, 10) : 0;
		c->rownum = n > 0 && n <= 1048576 ? (size_t)n : c->next_row;
		c->next_row = c->rownum + 1;
		c->next_col = 0;
	} else if (strcmp(l, "c") == 0) {
		const char *r = attr(a, "r"), *t = attr(a, "t");
		long col = r ? col_of_ref(r) : -1;
		c->col = col >= 0 ? (size_t)col : c->next_col;
		c->next_col = c->col + 1;
		snprintf(c->type, sizeof(c->type), "%s", t ? t : "n");
		c->in_cell = 1;
		tm_buf_reset(&c->text);
	} else if (c->in_cell && strcmp(l, "v") == 0) {
		c->in_v = 1;
	} else if (c->in_cell && strcmp(l, "rPh") == 0) {
		c->in_rph = 1;
	} else if (c->in_cell && strcmp(l, "t") == 0 && !c->in_rph) {
		c->in_is_t = 1;
	}
}

static void XMLCALL ws_end(void *ud, const XML_Char *el)
{
	ws_ctx *c = ud;
	const char *l = local(el);
	if (strcmp(l, "v") == 0) {
		c->in_v = 0;
	} else if (strcmp(l, "t") == 0) {
		c->in_is_t = 0;
	} else if (strcmp(l, "rPh") == 0) {
		c->in_rph = 0;
	} else if (strcmp(l, "c") == 0 && c->in_cell) {
		c->in_cell = 0;
		char *v = NULL;
		if (strcmp(c->type, "s") == 0) {
			char *end;
			long i = strtol(c->text.buf, &end, 10);
			if (c->text.len && !*end && i >= 0 && (size_t)i < c->sst->n)
				v = tm_xstrdup(c->sst->v[i]);
		} else if (strcmp(c->type, "b") == 0) {
			v = tm_xstrdup(strcmp(c->text.buf, "1") == 0 ? "TRUE" : "FALSE");
		} else if (strcmp(c->type, "e") != 0) {
			v = tm_xstrdup(c->text.buf); /* inlineStr, str, n, d: as written */
		}
		if (v)
			rowb_set(&c->row, c->col, v);
	} else if (strcmp(l, "row") == 0) {
		if (c->o && c->o->max_rows && c->g->n >= c->o->max_rows) {
			xml_stop(&c->x, TM_ERR_LIMIT, "too many rows");
			return;
		}
		rowb_flush(&c->row, c->g, c->rownum, 1);
		if (c->cut && c->g->n && !c->g->v[c->g->n - 1].warning)
			c->g->v[c->g->n - 1].warning = tm_xstrdup("a cell longer than 1 MB was cut");
		c->cut = 0;
	}
}

static void XMLCALL ws_text(void *ud, const XML_Char *s, int n)
{
	ws_ctx *c = ud;
	if (c->in_v || c->in_is_t)
		text_add(&c->text, s, (size_t)n, &c->cut);
}

static XML_Parser new_parser(void)
{
	return XML_ParserCreateNS("UTF-8", '|');
}

/* "worksheets/sheet1.xml" relative to xl/, or "/xl/worksheets/…" absolute. */
static char *member_path(const char *target)
{
	tm_buf b = TM_BUF_INIT;
	if (target[0] == '/')
		tm_buf_adds(&b, target + 1);
	else
		tm_buf_addf(&b, "xl/%s", target);
	return tm_buf_detach(&b);
}

tm_rc tm_grid_read_xlsx(const char *data, size_t len, const tm_grid_opts *o, tm_grid *out, tm_err *err)
{
	static const char what[] = "the workbook";
	memset(out, 0, sizeof(*out));
	out->format = "xlsx";
	book b;
	tm_rc rc = book_open(&b, data, len, what, err);
	if (rc)
		return rc;
	wb_ctx wb = { 0 };
	rel_ctx rel = { 0 };
	sst_ctx sst = { 0 };
	ws_ctx ws = { 0 };
	char *path = NULL;
	sst.cur = (tm_buf)TM_BUF_INIT;
	ws.text = (tm_buf)TM_BUF_INIT;

	wb.x.p = new_parser();
	XML_SetUserData(wb.x.p, &wb);
	XML_SetStartElementHandler(wb.x.p, wb_start);
	rc = parse_member(&b, &wb.x, "xl/workbook.xml", 0, what, err);
	if (rc)
		goto done;
	size_t pick = 0;
	if (!wb.names.n) {
		rc = tm_fail(err, TM_ERR_INVALID, "the workbook has no sheets");
		goto done;
	}
	if (o && o->sheet) {
		while (pick < wb.names.n && strcmp(wb.names.v[pick], o->sheet) != 0)
			pick++;
		if (pick == wb.names.n) {
			tm_buf names = TM_BUF_INIT;
			for (size_t i = 0; i < wb.names.n && i < 20; i++)
				tm_buf_addf(&names, "%s'%s'", i ? ", " : "", wb.names.v[i]);
			rc = tm_fail(err, TM_ERR_INVALID, "no sheet '%s' in the workbook (it has %s)", o->sheet, names.buf);
			tm_buf_release(&names);
			goto done;
		}
	}
	out->sheet = tm_xstrdup(wb.names.v[pick]);
	for (size_t i = 0; i < wb.names.n; i++)
		tm_strv_push(&out->sheets, wb.names.v[i]);

	rel.x.p = new_parser();
	rel.want = wb.rids.v[pick];
	XML_SetUserData(rel.x.p, &rel);
	XML_SetStartElementHandler(rel.x.p, rel_start);
	rc = parse_member(&b, &rel.x, "xl/_rels/workbook.xml.rels", 0, what, err);
	if (rc)
		goto done;
	if (!rel.target) {
		rc = tm_fail(err, TM_ERR_INVALID, "the workbook does not say where sheet '%s' is", out->sheet);
		goto done;
	}
	path = member_path(rel.target);

	sst.x.p = new_parser();
	XML_SetUserData(sst.x.p, &sst);
	XML_SetElementHandler(sst.x.p, sst_start, sst_end);
	XML_SetCharacterDataHandler(sst.x.p, sst_text);
	rc = parse_member(&b, &sst.x, "xl/sharedStrings.xml", 1, what, err);
	if (rc == TM_ERR_NOTFOUND)
		rc = TM_OK; /* a workbook of numbers and inline strings has none */
	if (rc)
		goto done;

	ws.x.p = new_parser();
	ws.g = out;
	ws.sst = &sst.s;
	ws.o = o;
	ws.next_row = 1;
	XML_SetUserData(ws.x.p, &ws);
	XML_SetElementHandler(ws.x.p, ws_start, ws_end);
	XML_SetCharacterDataHandler(ws.x.p, ws_text);
	rc = parse_member(&b, &ws.x, path, 0, what, err);
	if (rc == TM_ERR_LIMIT && o && o->max_rows && out->n >= o->max_rows)
		rc = tm_fail(err, TM_ERR_LIMIT, "more than %zu rows", o->max_rows);
done:
	if (wb.x.p)
		XML_ParserFree(wb.x.p);
	if (rel.x.p)
		XML_ParserFree(rel.x.p);
	if (sst.x.p)
		XML_ParserFree(sst.x.p);
	if (ws.x.p)
		XML_ParserFree(ws.x.p);
	tm_strv_release(&wb.names);
	tm_strv_release(&wb.rids);
	free(rel.target);
	tm_strv_release(&sst.s);
	tm_buf_release(&sst.cur);
	tm_buf_release(&ws.text);
	rowb_release(&ws.row);
	free(path);
	book_close(&b);
	if (rc)
		tm_grid_release(out);
	return rc;
}

/* ---- ods ---- */

/* content.xml: <table:table table:name>, <table:table-row
 * table:number-rows-repeated>, <table:table-cell
 * table:number-columns-repeated> (and covered cells) holding <text:p>
 * paragraphs, with <text:s text:c> for runs of spaces, <text:tab>,
 * <text:line-break>. */
typedef struct ods_ctx {
	xml x;
	tm_grid *g;
	const tm_grid_opts *o;
	int depth_table;      /* inside the table being read (1), or one before/after it */
	int done;             /* the wanted table has been read */
	int tables;           /* tables seen */
	char *name;           /* the name of the table read */
	rowb row;
	size_t line, row_repeat, col, cell_repeat;
	int in_cell, in_p, paras, cut, nested;
	tm_buf text;
} ods_ctx;

static size_t repeat_of(const XML_Char **a, const char *lname, size_t cap)
{
	const char *r = attr(a, lname);
	long n = r ? strtol(r, NULL, 10) : 1;
	if (n < 1)
		n = 1;
	return (size_t)n > cap ? cap : (size_t)n;
}

static void XMLCALL ods_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	ods_ctx *c = ud;
	const char *l = local(el);
	if (c->done) {
		/* only the names of the sheets after the one read */
		const char *name = strcmp(l, "table") == 0 ? attr(a, "name") : NULL;
		if (name && c->g->sheets.n < 4096)
			tm_strv_push(&c->g->sheets, name);
		return;
	}
	if (strcmp(l, "table") == 0) {
		if (c->depth_table) {
			c->nested++; /* a table inside a cell: its text counts as the cell's */
			return;
		}
		const char *name = attr(a, "name");
		c->tables++;
		if (c->g->sheets.n < 4096)
			tm_strv_push(&c->g->sheets, name ? name : "");
		if (c->o && c->o->sheet ? (name && strcmp(name, c->o->sheet) == 0) : c->tables == 1) {
			c->depth_table = 1;
			c->name = tm_xstrdup(name ? name : "");
			c->line = 1;
		}
		return;
	}
	if (!c->depth_table || c->nested)
		return;
	if (strcmp(l, "table-row") == 0) {
		/* a sheet's last rows are often "1048000 empty rows": their
		 * count moves the line, nothing is kept */
		c->row_repeat = repeat_of(a, "number-rows-repeated", 1048576);
		c->col = 0;
	} else if (strcmp(l, "table-cell") == 0 || strcmp(l, "covered-table-cell") == 0) {
		c->cell_repeat = repeat_of(a, "number-columns-repeated", TM_GRID_MAX_COLS);
		c->in_cell = 1;
		c->paras = 0;
		tm_buf_reset(&c->text);
	} else if (c->in_cell && strcmp(l, "p") == 0) {
		if (c->paras++)
			text_add(&c->text, "\n", 1, &c->cut);
		c->in_p = 1;
	} else if (c->in_p && strcmp(l, "s") == 0) {
		size_t n = repeat_of(a, "c", 1024);
		for (size_t i = 0; i < n; i++)
			text_add(&c->text, " ", 1, &c->cut);
	} else if (c->in_p && strcmp(l, "tab") == 0) {
		text_add(&c->text, "\t", 1, &c->cut);
	} else if (c->in_p && strcmp(l, "line-break") == 0) {
		text_add(&c->text, "\n", 1, &c->cut);
	}
}

static void XMLCALL ods_end(void *ud, const XML_Char *el)
{
	ods_ctx *c = ud;
	const char *l = local(el);
	if (c->done || !c->depth_table)
		return;
	if (strcmp(l, "table") == 0) {
		if (c->nested) {
			c->nested--;
			return;
		}
		c->depth_table = 0;
		c->done = 1;
		return;
	}
	if (c->nested)
		return;
	if (strcmp(l, "p") == 0) {
		c->in_p = 0;
	} else if ((strcmp(l, "table-cell") == 0 || strcmp(l, "covered-table-cell") == 0) && c->in_cell) {
		c->in_cell = 0;
		if (c->text.len) {
			for (size_t k = 0; k < c->cell_repeat && c->col + k < TM_GRID_MAX_COLS; k++)
				rowb_set(&c->row, c->col + k, tm_xstrndup(c->text.buf, c->text.len));
		}
		c->col += c->cell_repeat;
	} else if (strcmp(l, "table-row") == 0) {
		size_t rep = c->row.ncol ? c->row_repeat : 1;
		if (c->row.ncol && rep > 1024)
			rep = 1024; /* the same row of text a million times is not a list */
		if (c->o && c->o->max_rows && c->g->n + (c->row.ncol ? rep : 0) > c->o->max_rows) {
			xml_stop(&c->x, TM_ERR_LIMIT, "too many rows");
			return;
		}
		rowb_flush(&c->row, c->g, c->line, rep);
		if (c->cut && c->g->n && !c->g->v[c->g->n - 1].warning)
			c->g->v[c->g->n - 1].warning = tm_xstrdup("a cell longer than 1 MB was cut");
		c->cut = 0;
		c->line += c->row_repeat;
	}
}

static void XMLCALL ods_text(void *ud, const XML_Char *s, int n)
{
	ods_ctx *c = ud;
	if (c->in_p && !c->done)
		text_add(&c->text, s, (size_t)n, &c->cut);
}

tm_rc tm_grid_read_ods(const char *data, size_t len, const tm_grid_opts *o, tm_grid *out, tm_err *err)
{
	static const char what[] = "the spreadsheet";
	memset(out, 0, sizeof(*out));
	out->format = "ods";
	book b;
	tm_rc rc = book_open(&b, data, len, what, err);
	if (rc)
		return rc;
	ods_ctx c = { 0 };
	c.text = (tm_buf)TM_BUF_INIT;
	c.g = out;
	c.o = o;
	c.x.p = new_parser();
	XML_SetUserData(c.x.p, &c);
	XML_SetElementHandler(c.x.p, ods_start, ods_end);
	XML_SetCharacterDataHandler(c.x.p, ods_text);
	rc = parse_member(&b, &c.x, "content.xml", 0, what, err);
	if (rc == TM_ERR_LIMIT && o && o->max_rows)
		rc = tm_fail(err, TM_ERR_LIMIT, "more than %zu rows", o->max_rows);
	if (!rc && !c.name) {
		if (o && o->sheet)
			rc = tm_fail(err, TM_ERR_INVALID, "no sheet '%s' in the spreadsheet", o->sheet);
		else
			rc = tm_fail(err, TM_ERR_INVALID, "the spreadsheet has no sheets");
	}
	if (!rc)
		out->sheet = tm_xstrdup(c.name);
	XML_ParserFree(c.x.p);
	free(c.name);
	tm_buf_release(&c.text);
	rowb_release(&c.row);
	book_close(&b);
	if (rc)
		tm_grid_release(out);
	return rc;
}
