/*
 * Screening on the web (docs/screening.md): GET /screen shows the form,
 * POST /screen answers with the report as a page (or as CSV to download),
 * POST /api/v1/screen with the report as JSON, the same object as
 * `tiemap screen --format json`.
 *
 * An upload is read from the request body in memory (the server caps it),
 * screened, answered, and dropped: nothing of it is written anywhere, kept
 * in the response cache, or logged.  Bodies come as a table (CSV, TSV,
 * .xlsx, .ods: read as `tiemap screen` reads a file, io/rows.h), as JSON, or
 * from the form (urlencoded with a pasted list, or multipart with a file).
 */
#include "http/http_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/csv.h"
#include "io/rows.h"
#include "match/screen.h"

#define MAX_ROWS 5000       /* rows of one request */
#define SCREEN_SECONDS 30.0 /* a list takes longer than one page's queries */

/* What a request asks: the list (CSV text, or rows from JSON) and the options. */
typedef struct ask {
	char *csv;      /* the list as CSV (owned), or NULL */
	size_t csv_len;
	json_t *rows;   /* or rows [{"name","ident","country"}] from JSON (owned) */
	char *opt[11];  /* the options below, by index (owned) */
} ask;

enum { O_THRESHOLD, O_CATEGORIES, O_DEPTH, O_FORMAT, O_NAME_COL, O_ID_COL, O_COUNTRY_COL, O_MIN_SHARE, O_TAGS, O_HOPS,
       O_SHEET, O_N };
static const char *const opt_names[O_N] = { "threshold",   "categories", "depth", "format", "name_col", "id_col",
					     "country_col", "min_share",  "tags",  "hops",   "sheet" };

static void ask_release(ask *a)
{
	free(a->csv);
	json_decref(a->rows);
	for (int i = 0; i < O_N; i++)
		free(a->opt[i]);
	memset(a, 0, sizeof(*a));
}

static void set_opt(ask *a, const char *name, size_t nlen, const char *v, size_t vlen)
{
	for (int i = 0; i < O_N; i++) {
		if (strlen(opt_names[i]) == nlen && memcmp(opt_names[i], name, nlen) == 0) {
			if (i == O_CATEGORIES && a->opt[i] && vlen) {
				/* a form sends one field a ticked box */
				tm_buf b = TM_BUF_INIT;
				tm_buf_addf(&b, "%s,", a->opt[i]);
				tm_buf_add(&b, v, vlen);
				free(a->opt[i]);
				a->opt[i] = tm_buf_detach(&b);
				return;
			}
			free(a->opt[i]);
			a->opt[i] = tm_xstrndup(v, vlen);
			return;
		}
	}
	if ((nlen == 4 && memcmp(name, "list", 4) == 0) || (nlen == 3 && memcmp(name, "csv", 3) == 0) ||
	    (nlen == 4 && memcmp(name, "file", 4) == 0)) {
		/* a file chosen wins over an empty text area, not over a filled one */
		if (a->csv && a->csv_len && !vlen)
			return;
		/* a workbook holds NUL bytes: copied whole, not as a string */
		free(a->csv);
		a->csv = tm_xmalloc(vlen + 1);
		memcpy(a->csv, v, vlen);
		a->csv[vlen] = '\0';
		a->csv_len = vlen;
	}
}

static int hexv(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* application/x-www-form-urlencoded */
static void parse_urlencoded(const char *s, size_t n, ask *a)
{
	size_t i = 0;
	while (i < n) {
		size_t e = i;
		while (e < n && s[e] != '&')
			e++;
		tm_buf k = TM_BUF_INIT, v = TM_BUF_INIT;
		tm_buf *cur = &k;
		for (size_t j = i; j < e; j++) {
			char c = s[j];
			if (c == '=' && cur == &k) {
				cur = &v;
				continue;
			}
			if (c == '+')
				c = ' ';
			else if (c == '%' && j + 2 < e && hexv(s[j + 1]) >= 0 && hexv(s[j + 2]) >= 0) {
				c = (char)(hexv(s[j + 1]) * 16 + hexv(s[j + 2]));
				j += 2;
			}
			tm_buf_addch(cur, c);
		}
		set_opt(a, k.buf, k.len, v.buf, v.len);
		tm_buf_release(&k);
		tm_buf_release(&v);
		i = e + 1;
	}
}

static const char *memfind(const char *h, size_t hn, const char *n, size_t nn)
{
	if (!nn || hn < nn)
		return NULL;
	for (size_t i = 0; i + nn <= hn; i++)
		if (h[i] == n[0] && memcmp(h + i, n, nn) == 0)
			return h + i;
	return NULL;
}

/* multipart/form-data: each part's name from its Content-Disposition. */
static int parse_multipart(const char *ctype, const char *s, size_t n, ask *a)
{
	const char *bp = strstr(ctype, "boundary=");
	if (!bp)
		return -1;
	bp += 9;
	tm_buf delim = TM_BUF_INIT;
	tm_buf_adds(&delim, "--");
	if (*bp == '"') {
		const char *e = strchr(bp + 1, '"');
		tm_buf_add(&delim, bp + 1, e ? (size_t)(e - bp - 1) : strlen(bp + 1));
	} else {
		size_t k = strcspn(bp, "; \t");
		tm_buf_add(&delim, bp, k);
	}
	if (delim.len < 3 || delim.len > 80) {
		tm_buf_release(&delim);
		return -1;
	}
	const char *p = memfind(s, n, delim.buf, delim.len), *end = s + n;
	while (p) {
		p += delim.len;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break; /* the closing delimiter */
		const char *hdr_end = memfind(p, (size_t)(end - p), "\r\n\r\n", 4);
		if (!hdr_end)
			break;
		const char *body = hdr_end + 4;
		const char *next = memfind(body, (size_t)(end - body), delim.buf, delim.len);
		if (!next)
			break;
		size_t blen = (size_t)(next - body);
		if (blen >= 2 && body[blen - 2] == '\r' && body[blen - 1] == '\n')
			blen -= 2;
		/* name="…" within the part's headers */
		const char *nm = memfind(p, (size_t)(hdr_end - p), "name=\"", 6);
		if (nm) {
			nm += 6;
			const char *q = memchr(nm, '"', (size_t)(hdr_end - nm));
			if (q)
				set_opt(a, nm, (size_t)(q - nm), body, blen);
		}
		p = next;
	}
	tm_buf_release(&delim);
	return 0;
}

/* {"csv": "…"} or {"rows":[{"name","ident","country"}…]}, with the options
 * as members ("tags" a list or a comma-separated string). */
static int parse_json(const char *s, size_t n, ask *a, tm_err *err)
{
	json_error_t je;
	json_t *o = json_loadb(s, n, JSON_REJECT_DUPLICATES, &je);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		tm_fail(err, TM_ERR_INVALID, "the body is not a JSON object: %s", je.text);
		return -1;
	}
	const char *csv = json_string_value(json_object_get(o, "csv"));
	if (csv)
		set_opt(a, "csv", 3, csv, strlen(csv));
	json_t *rows = json_object_get(o, "rows");
	if (rows) {
		if (!json_is_array(rows)) {
			json_decref(o);
			tm_fail(err, TM_ERR_INVALID, "\"rows\" must be a list of {\"name\",\"ident\",\"country\"}");
			return -1;
		}
		a->rows = json_incref(rows);
	}
	for (int i = 0; i < O_N; i++) {
		json_t *v = json_object_get(o, opt_names[i]);
		char buf[64];
		if (json_is_string(v)) {
			set_opt(a, opt_names[i], strlen(opt_names[i]), json_string_value(v), strlen(json_string_value(v)));
		} else if (json_is_number(v)) {
			snprintf(buf, sizeof(buf), "%g", json_number_value(v));
			set_opt(a, opt_names[i], strlen(opt_names[i]), buf, strlen(buf));
		} else if (json_is_array(v)) {
			tm_buf b = TM_BUF_INIT;
			size_t k;
			json_t *x;
			json_array_foreach(v, k, x) {
				if (json_is_string(x))
					tm_buf_addf(&b, "%s%s", b.len ? "," : "", json_string_value(x));
			}
			set_opt(a, opt_names[i], strlen(opt_names[i]), b.buf, b.len);
			tm_buf_release(&b);
		}
	}
	json_decref(o);
	return 0;
}

static int read_body(tm_req *req, ask *a, tm_err *err)
{
	memset(a, 0, sizeof(*a));
	const char *ctype = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	const char *s = req->upload.buf;
	size_t n = req->upload.len;
	if (!ctype)
		ctype = "text/csv";
	if (strncasecmp(ctype, "application/json", 16) == 0)
		return parse_json(s, n, a, err);
	if (strncasecmp(ctype, "application/x-www-form-urlencoded", 33) == 0)
		parse_urlencoded(s, n, a);
	else if (strncasecmp(ctype, "multipart/form-data", 19) == 0) {
		if (parse_multipart(ctype, s, n, a)) {
			tm_fail(err, TM_ERR_INVALID, "a multipart body without a usable boundary");
			return -1;
		}
	} else {
		set_opt(a, "csv", 3, s, n); /* text/csv, text/plain, text/tab-separated-values … */
	}
	/* options may also come in the query string */
	for (int i = 0; i < O_N; i++) {
		const char *v = tm_req_arg(req, opt_names[i]);
		if (v && !a->opt[i])
			a->opt[i] = tm_xstrdup(v);
	}
	return 0;
}

/* The rows and options of a request, screened into *rep.  The defaults
 * are the CLI's (match.h): every category, TM_FLAG_DEPTH ties, TM_FLAG_MIN_SHARE. */
static tm_rc screen(tm_req *req, const ask *a, tm_rows *rows, tm_screen_report *rep, tm_err *err)
{
	memset(rows, 0, sizeof(*rows));
	double threshold = TM_MATCH_THRESHOLD;
	tm_flag_opts fo;
	tm_flag_opts_init(&fo);
	char *end;
	if (a->opt[O_TAGS] && *a->opt[O_TAGS])
		return tm_fail(err, TM_ERR_INVALID,
			       "tags are topics and never flag; flags come from involvement claims: use categories");
	if (a->opt[O_THRESHOLD] && *a->opt[O_THRESHOLD]) {
		threshold = strtod(a->opt[O_THRESHOLD], &end);
		if (*end || !(threshold > 0 && threshold <= 1))
			return tm_fail(err, TM_ERR_INVALID, "threshold must be a number above 0 and at most 1");
	}
	/* hops is the old name of depth */
	const char *depth = a->opt[O_DEPTH] && *a->opt[O_DEPTH] ? a->opt[O_DEPTH] : a->opt[O_HOPS];
	if (depth && *depth) {
		long d = strtol(depth, &end, 10);
		if (*end || d < 0 || d > TM_FLAG_DEPTH_MAX)
			return tm_fail(err, TM_ERR_INVALID, "depth must be an integer from 0 to %d", TM_FLAG_DEPTH_MAX);
		fo.depth = (int)d;
	}
	if (a->opt[O_MIN_SHARE] && *a->opt[O_MIN_SHARE]) {
		fo.min_share = strtod(a->opt[O_MIN_SHARE], &end);
		if (*end || !(fo.min_share >= 0 && fo.min_share <= 100))
			return tm_fail(err, TM_ERR_INVALID, "min_share must be a percentage from 0 to 100");
	}
	tm_strv tags = TM_STRV_INIT;
	for (const char *p = a->opt[O_CATEGORIES] ? a->opt[O_CATEGORIES] : ""; *p;) {
		while (*p == ',' || *p == ' ')
			p++;
		size_t k = strcspn(p, ", ");
		if (k) {
			char *t = tm_xstrndup(p, k);
			if (!tm_category_find(t)) {
				tm_rc rc = tm_fail(err, TM_ERR_INVALID, "unknown category '%.60s' (see /about)", t);
				free(t);
				tm_strv_release(&tags);
				return rc;
			}
			if (!tm_strv_contains(&tags, t))
				tm_strv_push(&tags, t);
			free(t);
		}
		p += k;
	}
	fo.categories = (const char *const *)tags.v;
	fo.ncategories = tags.n;
	tm_rc rc = TM_OK;
	if (a->rows) {
		if (json_array_size(a->rows) > MAX_ROWS)
			rc = tm_fail(err, TM_ERR_LIMIT, "more than %d rows", MAX_ROWS);
		size_t i;
		json_t *r;
		json_array_foreach(a->rows, i, r) {
			if (rc)
				break;
			TM_GROW(rows->v, rows->cap, rows->n + 1);
			tm_row *row = &rows->v[rows->n++];
			memset(row, 0, sizeof(*row));
			row->line = i + 1;
			const char *name = json_is_string(r) ? json_string_value(r) : json_string_value(json_object_get(r, "name"));
			row->name = tm_xstrdup(name);
			const char *ident = json_string_value(json_object_get(r, "ident"));
			if (ident && *ident)
				row->ids[row->nids++] = (tm_qident){ NULL, tm_xstrdup(ident) };
			/* "identifiers":{"isin":"…","ticker":"…"}, strongest first */
			static const char *const schemes[] = { "lei", "isin", "uscc", "cusip", "sedol", "ticker" };
			json_t *ids = json_object_get(r, "identifiers");
			for (size_t k = 0; json_is_object(ids) && k < 6 && row->nids < TM_ROW_MAX_IDS; k++) {
				const char *v = json_string_value(json_object_get(ids, schemes[k]));
				if (v && *v)
					row->ids[row->nids++] = (tm_qident){ schemes[k], tm_xstrdup(v) };
			}
			row->country = tm_xstrdup(json_string_value(json_object_get(r, "country")));
			if (!name && !row->nids)
				row->error = tm_xstrdup("no name and no identifier");
		}
	} else if (a->csv && a->csv_len) {
		tm_rows_spec spec = { a->opt[O_NAME_COL] && *a->opt[O_NAME_COL] ? a->opt[O_NAME_COL] : NULL,
				      a->opt[O_ID_COL] && *a->opt[O_ID_COL] ? a->opt[O_ID_COL] : NULL,
				      a->opt[O_COUNTRY_COL] && *a->opt[O_COUNTRY_COL] ? a->opt[O_COUNTRY_COL] : NULL,
				      a->opt[O_SHEET] && *a->opt[O_SHEET] ? a->opt[O_SHEET] : NULL, 0 };
		rc = tm_rows_load(a->csv, a->csv_len, &spec, MAX_ROWS, rows, err);
	} else {
		rc = tm_fail(err, TM_ERR_INVALID, "no list: send a table (CSV, TSV, .xlsx, .ods) with a header line, or "
						  "JSON {\"rows\":[…]}");
	}
	if (!rc) {
		tm_screen_in *in = tm_xcalloc(rows->n ? rows->n : 1, sizeof(*in));
		for (size_t i = 0; i < rows->n; i++)
			in[i] = (tm_screen_in){ rows->v[i].line,  rows->v[i].name,    NULL,	       rows->v[i].country,
						rows->v[i].error, rows->v[i].warning, rows->v[i].ids, rows->v[i].nids };
		tm_screen_opts o = { .threshold = threshold, .flags = fo, .graph = req->g, .jobs = 1 };
		tm_store_set_deadline(req->st, SCREEN_SECONDS);
		rc = tm_screen_run(req->st, in, rows->n, &o, rep, err);
		free(in);
		if (!rc && rows->format) {
			rep->input_format = tm_xstrdup(rows->format);
			rep->input_sheet = tm_xstrdup(rows->sheet);
			rep->header_line = rows->header_line;
			for (size_t i = 0; i < rows->notes.n; i++)
				tm_strv_push(&rep->input_notes, rows->notes.v[i]);
		}
	}
	tm_strv_release(&tags);
	if (rc)
		tm_rows_release(rows);
	return rc;
}

static void fail_screen(tm_req *req, const tm_err *err)
{
	if (err->rc == TM_ERR_LIMIT && strncmp(err->msg, "more than", 9) == 0)
		tm_req_fail(req, 413, "too_many_rows", "%s; send at most %d at a time", err->msg, MAX_ROWS);
	else
		tm_req_fail_err(req, err);
}

void tm_http_api_screen(tm_req *req)
{
	if (strcmp(req->method, "POST") != 0) {
		tm_req_fail(req, 405, "method_not_allowed",
			    "POST a list: CSV with a header line, or JSON {\"rows\":[{\"name\",\"ident\",\"country\"}]}");
		return;
	}
	req->r_nocache = 1;
	ask a;
	tm_err err = { 0 };
	tm_rows rows;
	tm_screen_report rep;
	if (read_body(req, &a, &err) || screen(req, &a, &rows, &rep, &err)) {
		fail_screen(req, &err);
		ask_release(&a);
		return;
	}
	if (a.opt[O_FORMAT] && strcmp(a.opt[O_FORMAT], "csv") == 0) {
		/* the CLI's --csv, with its flags and caveat in the request's language */
		tm_screen_report_csv(req->st, &rep, req->lang, &req->body);
		req->r_status = MHD_HTTP_OK;
		req->r_type = "text/csv; charset=utf-8";
	} else if (a.opt[O_FORMAT] && *a.opt[O_FORMAT] && strcmp(a.opt[O_FORMAT], "json") != 0) {
		tm_req_fail(req, 400, "bad_parameter", "format must be json or csv");
	} else {
		tm_req_json(req, tm_screen_report_json(req->st, &rep));
	}
	req->r_nocache = 1;
	tm_screen_report_release(&rep);
	tm_rows_release(&rows);
	ask_release(&a);
}

/* ---- the page ---- */

static void form(tm_req *req, const ask *a)
{
	tm_buf *b = &req->body;
	char depth[8], share[16];
	snprintf(depth, sizeof(depth), "%d", TM_FLAG_DEPTH);
	snprintf(share, sizeof(share), "%g", TM_FLAG_MIN_SHARE);
	tm_html(b,
		"<form class=\"screen-form\" action=\"/screen?%r\" method=\"post\" enctype=\"multipart/form-data\">\n"
		"<p><label for=\"screen-file\">%s</label><br><input id=\"screen-file\" name=\"file\" type=\"file\" "
		"accept=\".csv,.tsv,.txt,.xlsx,.ods,text/csv\"></p>\n"
		"<p><label for=\"screen-list\">%s</label><br><textarea id=\"screen-list\" name=\"list\" rows=\"8\" "
		"cols=\"70\" placeholder=\"%s\">%s</textarea></p>\n"
		"<fieldset class=\"screen-categories\"><legend>%s</legend>\n",
		tm_page_lang_arg(req), T("screen.file"), T("screen.paste"), T("screen.placeholder"),
		a && a->csv && a->csv_len < 65536 && tm_utf8_valid(a->csv, a->csv_len) ? a->csv : "", T("screen.categories"));
	/* the same defaults as the CLI and the API: every category, TM_FLAG_DEPTH
	 * ties of at least TM_FLAG_MIN_SHARE (match.h) */
	const char *chosen = a && a->opt[O_CATEGORIES] ? a->opt[O_CATEGORIES] : "";
	for (size_t c = 0; c < tm_n_categories; c++) {
		const tm_category *cat = &tm_categories[c];
		tm_html(b, "<label class=\"cat\"><input type=\"checkbox\" name=\"categories\" value=\"%s\"%r> %s</label>\n",
			cat->id, strstr(chosen, cat->id) ? " checked" : "", tm_page_category_label(req, cat->id));
	}
	tm_html(b,
		"</fieldset>\n"
		"<p class=\"screen-options\"><label>%s <input name=\"depth\" value=\"%s\" size=\"2\" inputmode=\"numeric\"></label> "
		"<label>%s <input name=\"min_share\" value=\"%s\" size=\"4\" inputmode=\"decimal\"></label> "
		"<label>%s <input name=\"threshold\" value=\"%s\" size=\"4\" inputmode=\"decimal\"></label></p>\n"
		"<p><button type=\"submit\" name=\"format\" value=\"html\">%s</button> "
		"<button type=\"submit\" name=\"format\" value=\"csv\">%s</button></p>\n"
		"</form>\n",
		T("screen.depth"), a && a->opt[O_DEPTH] && *a->opt[O_DEPTH] ? a->opt[O_DEPTH] : depth, T("screen.min_share"),
		a && a->opt[O_MIN_SHARE] && *a->opt[O_MIN_SHARE] ? a->opt[O_MIN_SHARE] : share, T("screen.threshold"),
		a && a->opt[O_THRESHOLD] ? a->opt[O_THRESHOLD] : "0.85", T("screen.button"), T("screen.csv"));
}

/* A match is not proof, and absence is not innocence. */
static void caveat(tm_req *req)
{
	tm_html(&req->body, "<p class=\"caveat\" role=\"note\">%s</p>\n",
		tm_page_zh(req) ? tm_screen_caveat_zh : tm_screen_caveat_en);
}

/* Why a line matched, in words a campaigner reads: the kind of match, not
 * its arithmetic (which is behind a details element). */
static void reason(tm_req *req, json_t *m)
{
	char key[64];
	const char *by = json_string_value(json_object_get(m, "matched_by"));
	snprintf(key, sizeof(key), "screen.by.%s", by ? by : "none");
	for (char *p = key; *p; p++)
		if (*p == ' ')
			*p = '_';
	tm_html(&req->body, "<span class=\"reason\">%s</span>", tm_i18n_has("en", key) ? T(key) : T("screen.by.other"));
}

/* One flag: its basis and chain as a sentence of the page's language, the
 * claim with its quotes, and each tie of the chain with its share and
 * quotes: evidence in plain sight. */
static void flag_html(tm_req *req, tm_notes *notes, json_t *f)
{
	tm_buf *b = &req->body;
	int zh = tm_page_zh(req);
	tm_html(b, "<div class=\"flag flag-%s\"><p class=\"flag-text\"><strong>%s</strong></p>\n",
		json_string_value(json_object_get(f, "basis")), json_string_value(json_object_get(f, zh ? "text_zh" : "text")));
	size_t a, c;
	json_t *x;
	json_array_foreach(json_object_get(f, "claims"), a, x) {
		tm_html(b, "<p class=\"claim\">%s ", T("screen.claim"));
		tm_page_entity_link(req, json_object_get(f, "involved"));
		tm_html(b, " — %s", tm_page_category_label(req, json_string_value(json_object_get(x, "category"))));
		tm_page_marks(req, notes, json_object_get(x, "sources"));
		tm_buf_adds(b, "</p>\n");
	}
	json_t *chain = json_object_get(f, "chain");
	if (json_array_size(chain))
		tm_html(b, "<ol class=\"chain\" aria-label=\"%s\">", T("screen.chain"));
	json_array_foreach(chain, c, x) {
		const char *d = json_string_value(json_object_get(x, "direction"));
		tm_buf_adds(b, "<li>");
		tm_page_relation_ids(req, json_string_value(json_object_get(x, "from")),
				     json_string_value(json_object_get(x, "predicate")), d && strcmp(d, "inverse") == 0,
				     json_string_value(json_object_get(x, "to")));
		json_t *share = json_object_get(x, "share");
		if (share) {
			char num[32];
			snprintf(num, sizeof(num), "%g", json_number_value(share));
			tm_html(b, " <span class=\"share\">%s%%</span>", num);
		} else {
			tm_html(b, " <span class=\"share\">%s</span>", T("screen.share_unknown"));
		}
		tm_page_marks(req, notes, json_object_get(x, "sources"));
		tm_buf_adds(b, "</li>");
	}
	if (json_array_size(chain))
		tm_buf_adds(b, "</ol>");
	tm_buf_adds(b, "</div>\n");
}

static void report(tm_req *req, json_t *rep)
{
	tm_buf *b = &req->body;
	json_t *s = json_object_get(rep, "summary");
	long warned = (long)json_integer_value(json_object_get(s, "warnings"));
	tm_html(b, "<p class=\"count\">%s: %ld · %s: %ld · %s: %ld · %s: %ld · %s: %ld</p>\n", T("screen.rows"),
		(long)json_integer_value(json_object_get(s, "rows")), T("screen.matched"),
		(long)json_integer_value(json_object_get(s, "matched")), T("screen.flagged"),
		(long)json_integer_value(json_object_get(s, "flagged")), T("screen.unreadable"),
		(long)json_integer_value(json_object_get(s, "unreadable")), T("screen.warnings"), warned);
	caveat(req);
	size_t i;
	json_t *row;
	/* the warnings first, as the API and the CSV count them */
	if (warned) {
		tm_html(b, "<section class=\"screen-warnings\" aria-labelledby=\"warn-h\"><h2 id=\"warn-h\">%s (%ld)</h2>\n<ul>\n",
			T("screen.warnings"), warned);
		json_array_foreach(json_object_get(rep, "rows"), i, row) {
			const char *w = json_string_value(json_object_get(row, "warning"));
			if (w)
				tm_html(b, "<li><a href=\"#row-%ld\">%s %ld</a>: <span lang=\"en\">%s</span></li>\n",
					(long)json_integer_value(json_object_get(row, "line")), T("screen.line"),
					(long)json_integer_value(json_object_get(row, "line")), w);
		}
		tm_buf_adds(b, "</ul>\n</section>\n");
	}
	tm_notes notes;
	tm_notes_init(&notes);
	/* the table scrolls in its own box on a narrow screen; each cell says
	 * its column (data-label) where the table is laid out as a list */
	tm_html(b, "<div class=\"table-scroll\" role=\"region\" aria-label=\"%s\" tabindex=\"0\">\n"
		   "<table class=\"screen\">\n<thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
		   "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead>\n<tbody>\n",
		T("screen.report"), T("screen.line"), T("screen.input"), T("screen.match"), T("screen.evidence"));
	json_array_foreach(json_object_get(rep, "rows"), i, row) {
		json_t *m = json_object_get(row, "match"), *flags = json_object_get(row, "flags");
		long line = (long)json_integer_value(json_object_get(row, "line"));
		tm_html(b, "<tr id=\"row-%ld\"%r><td data-label=\"%s\">%ld</td><td data-label=\"%s\" translate=\"no\">%s",
			line, json_array_size(flags) ? " class=\"flagged\"" : "", T("screen.line"), line, T("screen.input"),
			json_string_value(json_object_get(row, "input")));
		const char *w = json_string_value(json_object_get(row, "warning"));
		if (w)
			tm_html(b, "<br><span class=\"row-warning\">%s: <span lang=\"en\">%s</span></span>", T("screen.warning"), w);
		tm_buf_adds(b, "</td>");
		const char *error = json_string_value(json_object_get(row, "error"));
		if (error) {
			tm_html(b, "<td colspan=\"2\">%s: <span lang=\"en\">%s</span></td></tr>\n", T("screen.unreadable"), error);
			continue;
		}
		if (json_is_object(m)) {
			char score[16];
			snprintf(score, sizeof(score), "%.2f", json_real_value(json_object_get(m, "score")));
			tm_html(b, "<td data-label=\"%s\">", T("screen.match"));
			tm_page_entity_link(req, m);
			tm_buf_adds(b, "<br>");
			reason(req, m);
			tm_html(b, "<details><summary>%s</summary><dl class=\"scores\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd "
				   "lang=\"en\">%s</dd><dt>%s</dt><dd lang=\"en\">%s</dd></dl></details></td>",
				T("screen.details"), T("screen.score"), score, T("screen.method"),
				json_string_value(json_object_get(m, "matched_by")), T("screen.explain"),
				json_string_value(json_object_get(m, "explain")));
		} else if (json_is_object(json_object_get(row, "group"))) {
			/* not the group itself: the reader sees which, and why; and
			 * it carries none of the group's flags */
			json_t *g = json_object_get(row, "group");
			char score[16];
			snprintf(score, sizeof(score), "%.2f", json_real_value(json_object_get(g, "score")));
			tm_html(b, "<td data-label=\"%s\">%s ", T("screen.match"), T("screen.group"));
			tm_page_entity_link(req, g);
			tm_html(b, "<details><summary>%s</summary><dl class=\"scores\"><dt>%s</dt><dd>%s</dd><dt>%s</dt><dd "
				   "lang=\"en\">%s</dd></dl></details></td>",
				T("screen.details"), T("screen.score"), score, T("screen.explain"),
				json_string_value(json_object_get(g, "explain")));
		} else {
			tm_html(b, "<td data-label=\"%s\">%s</td>", T("screen.match"), T("screen.no_match"));
		}
		tm_html(b, "<td data-label=\"%s\">", T("screen.evidence"));
		if (!json_array_size(flags) && json_is_object(m))
			tm_html(b, "<small>%s</small>", T("screen.no_flag"));
		size_t k;
		json_t *f;
		json_array_foreach(flags, k, f)
			flag_html(req, &notes, f);
		tm_buf_adds(b, "</td></tr>\n");
	}
	tm_buf_adds(b, "</tbody>\n</table>\n</div>\n");
	tm_page_notes(req, &notes);
	tm_notes_release(&notes);
}

void tm_http_page_screen(tm_req *req)
{
	const char *title = T("screen.title");
	req->r_nocache = 1;
	req->page.desc = T("screen.intro");
	if (strcmp(req->method, "POST") != 0) {
		tm_page_begin(req, title);
		tm_html(&req->body, "<h1>%s</h1>\n<p>%s</p>\n", title, T("screen.intro"));
		caveat(req);
		form(req, NULL);
		tm_page_end(req);
		return;
	}
	ask a;
	tm_err err = { 0 };
	tm_rows rows;
	tm_screen_report rep;
	if (read_body(req, &a, &err) || screen(req, &a, &rows, &rep, &err)) {
		fail_screen(req, &err);
		ask_release(&a);
		return;
	}
	if (a.opt[O_FORMAT] && strcmp(a.opt[O_FORMAT], "csv") == 0) {
		tm_buf_reset(&req->body);
		tm_screen_report_csv(req->st, &rep, req->lang, &req->body);
		req->r_status = MHD_HTTP_OK;
		req->r_type = "text/csv; charset=utf-8";
	} else {
		json_t *j = tm_screen_report_json(req->st, &rep);
		req->page.noindex = 1;
		tm_page_begin(req, title);
		tm_html(&req->body, "<h1>%s</h1>\n", title);
		report(req, j);
		tm_html(&req->body, "<h2>%s</h2>\n", T("screen.again"));
		form(req, &a);
		tm_page_end(req);
		json_decref(j);
	}
	req->r_nocache = 1;
	tm_screen_report_release(&rep);
	tm_rows_release(&rows);
	ask_release(&a);
}
