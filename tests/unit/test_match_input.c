/*
 * Unit tests of what screening and auditing read: the CSV reader, the rows
 * of a list, MAC addresses and the IEEE registries, and the device
 * inventories.  Inputs and expected results side by side.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "io/csv.h"
#include "io/grid.h"
#include "io/ieee.h"
#include "io/inventory.h"
#include "io/rows.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* All records of a CSV text as "line:f1|f2|…" or "line:!error", joined by " / ". */
static char *records(const char *text, size_t len, const tm_csv_opts *o)
{
	tm_csv *c;
	tm_err err = { 0 };
	if (tm_csv_open_mem(text, len, o, &c, &err))
		return tm_xstrdup(err.msg);
	tm_buf b = TM_BUF_INIT;
	tm_csv_rec r;
	while (tm_csv_next(c, &r, &err) == TM_OK) {
		if (b.len)
			tm_buf_adds(&b, " / ");
		tm_buf_addf(&b, "%zu:", r.line);
		if (r.error) {
			tm_buf_adds(&b, "!error");
			continue;
		}
		for (size_t i = 0; i < r.n; i++)
			tm_buf_addf(&b, "%s%s", i ? "|" : "", r.f[i]);
		if (r.warning)
			tm_buf_adds(&b, " (warned)");
	}
	tm_csv_free(c);
	return tm_buf_detach(&b);
}

static void test_csv_cases(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a,b\n1,2\n", "1:a|b / 2:1|2" },
		{ "a,b\r\n1,2\r\n", "1:a|b / 2:1|2" },			/* CRLF */
		{ "a,b\r1,2", "1:a|b / 2:1|2" },			/* old Mac line ends, no final newline */
		{ "\xef\xbb\xbfname\nx\n", "1:name / 2:x" },		/* BOM dropped */
		{ "a,\"b,c\",d\n", "1:a|b,c|d" },			/* quoted delimiter */
		{ "\"say \"\"hi\"\"\"\n", "1:say \"hi\"" },		/* doubled quotes */
		{ "\"two\nlines\",x\ny\n", "1:two\nlines|x / 3:y" },	/* newline inside quotes: next record on line 3 */
		{ "a,b,\n", "1:a|b|" },					/* trailing delimiter: an empty field */
		{ "a\n\n\nb\n", "1:a / 4:b" },				/* blank lines skipped, lines still counted */
		{ "ab\"c,d\n", "1:ab\"c|d (warned)" },			/* stray quote kept */
		{ "\"ab\"c,d\n", "1:abc|d (warned)" },			/* text after the closing quote */
		{ "x\n\"open,1\n2\n", "1:x / 2:!error" },		/* never closed */
		{ "a;b;c\n1;2;3\n", "1:a|b|c / 2:1|2|3" },		/* semicolons guessed */
		{ "a\tb\n1\t2\n", "1:a|b / 2:1|2" },			/* tabs guessed */
		{ "a,b\ncaf\xe9,1\nz,2\n", "1:a|b / 2:!error / 3:z|2" }, /* invalid UTF-8: that record only */
		{ "", "" },
	};
	for (size_t i = 0; i < N(cases); i++) {
		char *got = records(cases[i].in, strlen(cases[i].in), NULL);
		if (strcmp(got, cases[i].want))
			fail_msg("csv case %zu: got '%s', wanted '%s'", i, got, cases[i].want);
		free(got);
	}
	/* a NUL byte makes its record unreadable */
	static const char nul[] = "a\nb\0c\nd\n";
	char *got = records(nul, sizeof(nul) - 1, NULL);
	assert_string_equal(got, "1:a / 2:!error / 3:d");
	free(got);
}

static void test_csv_limits(void **state)
{
	(void)state;
	/* a field over the cap: that record is an error, the next is read */
	size_t big = 1000;
	tm_buf b = TM_BUF_INIT;
	tm_buf_adds(&b, "h\n\"");
	for (size_t i = 0; i < big; i++)
		tm_buf_addch(&b, 'x');
	tm_buf_adds(&b, "\"\nnext\n");
	tm_csv_opts o = { ',', 100, 8 };
	char *got = records(b.buf, b.len, &o);
	assert_string_equal(got, "1:h / 2:!error / 3:next");
	free(got);
	/* too many fields */
	const char *wide = "1,2,3,4,5,6,7,8,9,10\nok\n";
	got = records(wide, strlen(wide), &o);
	assert_string_equal(got, "1:!error / 2:ok");
	free(got);
	tm_buf_release(&b);
	/* UTF-16 and UTF-32 fail with advice */
	tm_csv *c;
	tm_err err = { 0 };
	assert_int_equal(tm_csv_open_mem("\xff\xfen\0a\0", 6, NULL, &c, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "UTF-16"));
	assert_int_equal(tm_csv_open_mem("\xff\xfe\0\0n\0\0\0", 8, NULL, &c, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "UTF-32"));
}

static void test_csv_file(void **state)
{
	(void)state;
	/* the same through a FILE, with records across buffer refills */
	char path[] = "/tmp/tm-test-csv-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w+");
	fputs("name,n\n", f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "\"name %d, with a comma\",%d\n", i, i);
	rewind(f);
	tm_csv *c;
	tm_err err = { 0 };
	assert_int_equal(tm_csv_open(f, NULL, &c, &err), TM_OK);
	tm_csv_rec r;
	int count = 0;
	while (tm_csv_next(c, &r, &err) == TM_OK) {
		if (count > 0) {
			char want[64];
			snprintf(want, sizeof(want), "name %d, with a comma", count - 1);
			assert_null(r.error);
			assert_string_equal(r.f[0], want);
			assert_int_equal(r.line, (size_t)count + 1);
		}
		count++;
	}
	assert_int_equal(count, 20001);
	tm_csv_free(c);
	fclose(f);
	unlink(path);
}

static void test_csv_col_quote(void **state)
{
	(void)state;
	tm_csv *c;
	tm_err err = { 0 };
	const char *text = " Security Name ,ISIN,Country\n";
	assert_int_equal(tm_csv_open_mem(text, strlen(text), NULL, &c, &err), TM_OK);
	tm_csv_rec h;
	assert_int_equal(tm_csv_next(c, &h, &err), TM_OK);
	assert_int_equal(tm_csv_col(&h, "security name"), 0);
	assert_int_equal(tm_csv_col(&h, "isin"), 1);
	assert_int_equal(tm_csv_col(&h, "3"), 2);
	assert_int_equal(tm_csv_col(&h, "4"), -1);
	assert_int_equal(tm_csv_col(&h, "lei"), -1);
	tm_csv_free(c);
	static const struct {
		const char *in, *want;
	} q[] = {
		{ "plain", "plain" }, { "a,b", "\"a,b\"" }, { "say \"x\"", "\"say \"\"x\"\"\"" },
		{ "=1+1", "\"'=1+1\"" }, { "-2", "\"'-2\"" }, { "@x", "\"'@x\"" }, { "", "" },
	};
	for (size_t i = 0; i < N(q); i++) {
		tm_buf b = TM_BUF_INIT;
		tm_buf_add_csv(&b, q[i].in, ',');
		assert_string_equal(b.buf, q[i].want);
		tm_buf_release(&b);
	}
}

static void test_rows(void **state)
{
	(void)state;
	const char *text = "Issuer Name,ISIN,Country of Risk,Weight\n"
			   "Hikvision,CNE100000PM8,CN,1\n"
			   "Dahua\n"
			   ",,CN,2\n"
			   "caf\xe9,,,\n";
	tm_err err = { 0 };
	tm_rows rows;
	tm_rows_spec spec = { 0 };
	assert_int_equal(tm_rows_load(text, strlen(text), &spec, 0, &rows, &err), TM_OK);
	assert_string_equal(rows.name_col, "Issuer Name");
	assert_int_equal(rows.id_cols.n, 1);
	assert_string_equal(rows.id_cols.v[0], "ISIN (isin)");
	assert_string_equal(rows.country_col, "Country of Risk");
	assert_string_equal(rows.format, "csv");
	assert_int_equal(rows.header_line, 1);
	assert_int_equal(rows.n, 4);
	assert_string_equal(rows.v[0].name, "Hikvision");
	assert_int_equal(rows.v[0].nids, 1);
	assert_string_equal(rows.v[0].ids[0].scheme, "isin");
	assert_string_equal(rows.v[0].ids[0].value, "CNE100000PM8");
	assert_string_equal(rows.v[0].country, "CN");
	assert_null(rows.v[0].warning);
	assert_int_equal(rows.v[1].line, 3);
	assert_non_null(strstr(rows.v[1].warning, "1 field"));
	assert_null(rows.v[2].name);
	assert_non_null(strstr(rows.v[2].warning, "no name"));
	assert_non_null(rows.v[3].error);
	assert_int_equal(rows.notes.n, 0);
	tm_rows_release(&rows);
	/* a limit on rows */
	assert_int_equal(tm_rows_load(text, strlen(text), &spec, 2, &rows, &err), TM_ERR_LIMIT);
	/* a named column that is not there */
	tm_rows_spec bad = { "Nope", NULL, NULL };
	assert_int_equal(tm_rows_load(text, strlen(text), &bad, 0, &rows, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "'Nope'"));
}

/* A fund's file as iShares writes it: nine lines of metadata, the header, a
 * blank line of one no-break space, a disclaimer.  The ticker is never the
 * name, and "-" is no ticker. */
static void test_rows_preamble(void **state)
{
	(void)state;
	const char *text = "iShares MSCI China ETF\n"
			   "Fund Holdings as of,\"Jan 31, 2024\"\n"
			   "Inception Date,\"Mar 29, 2011\"\n"
			   "Shares Outstanding,\"1,000.00\"\n"
			   "Stock,\"-\"\nBond,\"-\"\nCash,\"-\"\nOther,\"-\"\n"
			   "\xc2\xa0\n"
			   "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Location\n"
			   "\"002415\",\"HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD-A\",\"IT\",\"Equity\",\"1\",\"1\",\"China\"\n"
			   "\"-\",\"USD CASH\",\"Cash\",\"Cash\",\"1\",\"1\",\"United States\"\n"
			   "\xc2\xa0\n"
			   "\"The content contained herein is owned or licensed by BlackRock and/or its third-party "
			   "information providers and is protected by applicable copyrights.\"\n";
	tm_err err = { 0 };
	tm_rows rows;
	assert_int_equal(tm_rows_load(text, strlen(text), NULL, 0, &rows, &err), TM_OK);
	assert_int_equal(rows.header_line, 10);
	assert_string_equal(rows.name_col, "Name");
	assert_string_equal(rows.country_col, "Location");
	assert_string_equal(rows.id_cols.v[0], "Ticker (ticker)");
	assert_int_equal(rows.n, 2);
	assert_string_equal(rows.v[0].name, "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO LTD-A");
	assert_string_equal(rows.v[0].ids[0].scheme, "ticker");
	assert_string_equal(rows.v[0].ids[0].value, "002415");
	assert_int_equal(rows.v[1].nids, 0);
	assert_int_equal(rows.notes.n, 2);
	assert_non_null(strstr(rows.notes.v[0], "lines 1-8 above the header skipped"));
	assert_non_null(strstr(rows.notes.v[0], "'iShares MSCI China ETF'"));
	assert_non_null(strstr(rows.notes.v[1], "line 14 below the table skipped"));
	tm_rows_release(&rows);

	/* only a ticker column: rows have identifiers and no name */
	const char *tick = "Symbol,Weight\nCSCO,1\nBYD,2\n";
	assert_int_equal(tm_rows_load(tick, strlen(tick), NULL, 0, &rows, &err), TM_OK);
	assert_null(rows.name_col);
	assert_null(rows.v[0].name);
	assert_string_equal(rows.v[0].ids[0].value, "CSCO");
	tm_rows_release(&rows);

	/* no known header: the first line is the header, and a note says so */
	const char *plain = "Firma\nHikvision\n";
	assert_int_equal(tm_rows_load(plain, strlen(plain), NULL, 0, &rows, &err), TM_OK);
	assert_int_equal(rows.n, 1);
	assert_non_null(strstr(rows.notes.v[0], "no header row recognized"));
	tm_rows_release(&rows);

	/* nothing to screen is an error, never "0 rows" */
	static const struct {
		const char *in, *why;
	} none[] = {
		{ "name\n", "no rows under the header" },
		{ "name\n\xff\xfe\n", "none of the 1 rows can be read" },
		{ "name,weight\n,1\n,2\n", "no row has a name" },
		{ "", "empty" },
	};
	for (size_t i = 0; i < N(none); i++) {
		tm_err e = { 0 };
		if (tm_rows_load(none[i].in, strlen(none[i].in), NULL, 0, &rows, &e) != TM_ERR_INVALID ||
		    !strstr(e.msg, none[i].why))
			fail_msg("case %zu: '%s'", i, e.msg);
	}
}

/* Files that are not tables are named for what they are. */
static void test_grid_sniff(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		size_t len;
		tm_grid_kind want;
	} cases[] = {
		{ "name\nHikvision\n", 0, TM_GRID_TEXT },
		{ "{\"rows\":[{\"name\":\"Hikvision\"}]}", 0, TM_GRID_JSON },
		{ "[{\"name\":\"Hikvision\"}]\n", 0, TM_GRID_JSON },
		{ "{\"type\":\"entity\"}\n{\"type\":\"entity\"}\n", 0, TM_GRID_JSON },
		{ "- Name: \"Zesty\"\n  Description: \"Cloud cost tool\"\n  Website: \"https://zesty.co/\"\n", 0,
		  TM_GRID_YAML },
		{ "---\nname: x\n", 0, TM_GRID_YAML },
		{ "Name: Hikvision, Dahua\nHuawei\n", 0, TM_GRID_TEXT }, /* a comma before the colon: CSV */
		{ "<!DOCTYPE html><html><body><table><tr><td>x</td></tr></table></body></html>", 0, TM_GRID_HTML },
		{ "<?xml version=\"1.0\"?><nmaprun></nmaprun>", 0, TM_GRID_XML },
		{ "%PDF-1.7\n", 0, TM_GRID_PDF },
		{ "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest", 12, TM_GRID_XLS },
		{ "\x7f" "ELF\x02\x01\x01\x00\x00\x00", 10, TM_GRID_BINARY },
		{ "n\0a\0m\0e\0\n\0H\0i\0k\0", 16, TM_GRID_UTF16 },
		{ "PK\x03\x04garbage", 11, TM_GRID_ZIP },
	};
	for (size_t i = 0; i < N(cases); i++) {
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
		tm_grid_kind k = tm_grid_sniff(cases[i].in, len);
		if (k != cases[i].want)
			fail_msg("case %zu: %s, wanted %s", i, tm_grid_kind_name(k), tm_grid_kind_name(cases[i].want));
	}
	tm_grid g;
	tm_err err = { 0 };
	const char *json = "{\"rows\":[]}";
	assert_int_equal(tm_grid_load(json, strlen(json), NULL, &g, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "this is JSON, not a table"));
	const char *html = "<html><body>x</body></html>";
	assert_int_equal(tm_grid_load(html, strlen(html), NULL, &g, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "an HTML page"));
}

/* A workbook made here with libzip: members given as name, text pairs. */
static char *make_zip(const char *const *members, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_error_init(&ze);
	zip_source_t *src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	zip_source_keep(src);
	zip_t *z = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	for (size_t i = 0; i + 1 < n; i += 2) {
		zip_source_t *m = zip_source_buffer(z, members[i + 1], strlen(members[i + 1]), 0);
		assert_true(zip_file_add(z, members[i], m, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	assert_int_equal(zip_source_open(src), 0);
	zip_source_seek(src, 0, SEEK_END);
	zip_int64_t size = zip_source_tell(src);
	zip_source_seek(src, 0, SEEK_SET);
	char *buf = tm_xmalloc((size_t)size + 1);
	assert_int_equal(zip_source_read(src, buf, (zip_uint64_t)size), size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = (size_t)size;
	return buf;
}

/* Cells of a grid as "line:a|b / line:c". */
static char *grid_text(const tm_grid *g)
{
	tm_buf b = TM_BUF_INIT;
	for (size_t i = 0; i < g->n; i++) {
		tm_buf_addf(&b, "%s%zu:", i ? " / " : "", g->v[i].line);
		for (size_t k = 0; k < g->v[i].n; k++)
			tm_buf_addf(&b, "%s%s", k ? "|" : "", g->v[i].f[k]);
	}
	return tm_buf_detach(&b);
}

static void test_grid_xlsx(void **state)
{
	(void)state;
	const char *members[] = {
		"[Content_Types].xml", "<?xml version=\"1.0\"?><Types/>",
		"xl/workbook.xml",
		"<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
		"<sheet name=\"Notes\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"Holdings\" sheetId=\"2\" r:id=\"rId2\"/>"
		"</sheets></workbook>",
		"xl/_rels/workbook.xml.rels",
		"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"ws\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId2\" Type=\"ws\" Target=\"/xl/worksheets/sheet2.xml\"/></Relationships>",
		"xl/sharedStrings.xml",
		"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<si><t>Name</t></si><si><r><t>Hik</t></r><r><t>vision</t></r></si><si><t>CUSIP</t></si>"
		"<si><t>海康威视</t><rPh><t>ハイカン</t></rPh></si></sst>",
		"xl/worksheets/sheet1.xml",
		"<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>read me</t></is></c></row></sheetData></worksheet>",
		"xl/worksheets/sheet2.xml",
		"<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
		"<sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Fund</t></is></c></row>"
		"<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c r=\"C3\" t=\"s\"><v>2</v></c></row>"
		"<row r=\"4\"><c r=\"A4\" t=\"s\"><v>1</v></c><c r=\"C4\"><v>37833100</v></c></row>"
		"<row r=\"5\"><c r=\"A5\" t=\"s\"><v>3</v></c><c r=\"B5\" t=\"b\"><v>1</v></c><c r=\"C5\" t=\"e\"><v>#N/A</v></c></row>"
		"<row r=\"6\"><c r=\"A6\" t=\"s\"><v>99</v></c></row>"
		"</sheetData></worksheet>",
	};
	size_t len;
	char *data = make_zip(members, N(members), &len);
	assert_int_equal(tm_grid_sniff(data, len), TM_GRID_XLSX);
	tm_grid g;
	tm_err err = { 0 };
	assert_int_equal(tm_grid_load(data, len, NULL, &g, &err), TM_OK);
	assert_string_equal(g.sheet, "Notes"); /* the first sheet, unless one is named */
	tm_grid_release(&g);
	tm_grid_opts o = { 0, "Holdings", 0, 0 };
	assert_int_equal(tm_grid_load(data, len, &o, &g, &err), TM_OK);
	char *t = grid_text(&g);
	assert_string_equal(t, "1:Fund / 3:Name||CUSIP / 4:Hikvision||37833100 / 5:海康威视|TRUE");
	free(t);
	tm_grid_release(&g);
	/* the rows of a list from it: the CUSIP gets back its leading zero in matching (match.c) */
	tm_rows rows;
	tm_rows_spec spec = { .sheet = "Holdings" };
	assert_int_equal(tm_rows_load(data, len, &spec, 0, &rows, &err), TM_OK);
	assert_int_equal(rows.header_line, 3);
	assert_string_equal(rows.format, "xlsx");
	assert_string_equal(rows.v[0].ids[0].scheme, "cusip");
	tm_rows_release(&rows);
	tm_grid_opts missing = { 0, "Nope", 0, 0 };
	assert_int_equal(tm_grid_load(data, len, &missing, &g, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "no sheet 'Nope'"));
	assert_non_null(strstr(err.msg, "'Holdings'"));
	free(data);

	/* a workbook that declares an entity is refused (XML bombs) */
	const char *bomb[] = {
		"xl/workbook.xml",
		"<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaa\">]><workbook><sheets>"
		"<sheet name=\"S\" r:id=\"rId1\" xmlns:r=\"r\"/></sheets></workbook>",
	};
	data = make_zip(bomb, N(bomb), &len);
	assert_int_equal(tm_grid_load(data, len, NULL, &g, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "declares XML entities"));
	free(data);
	/* a zip that is not a workbook, and one cut short */
	const char *word[] = { "word/document.xml", "<document/>" };
	data = make_zip(word, N(word), &len);
	assert_int_equal(tm_grid_load(data, len, NULL, &g, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "zip archive"));
	free(data);
	data = make_zip(members, N(members), &len);
	assert_int_not_equal(tm_grid_load(data, len / 2, NULL, &g, &err), TM_OK);
	free(data);
}

static void test_grid_ods(void **state)
{
	(void)state;
	const char *members[] = {
		"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
		"content.xml",
		"<?xml version=\"1.0\"?><office:document-content "
		"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
		"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
		"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body><office:spreadsheet>"
		"<table:table table:name=\"Vendors\">"
		"<table:table-row><table:table-cell><text:p>Vendor</text:p></table:table-cell>"
		"<table:table-cell><text:p>Country</text:p></table:table-cell></table:table-row>"
		"<table:table-row table:number-rows-repeated=\"2\"><table:table-cell/></table:table-row>"
		"<table:table-row><table:table-cell><text:p>Hik<text:s text:c=\"2\"/>Vision</text:p></table:table-cell>"
		"<table:table-cell table:number-columns-repeated=\"2\"><text:p>CN</text:p></table:table-cell>"
		"<table:table-cell table:number-columns-repeated=\"16000\"/></table:table-row>"
		"<table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell "
		"table:number-columns-repeated=\"1024\"/></table:table-row>"
		"</table:table><table:table table:name=\"Other\"><table:table-row><table:table-cell><text:p>x</text:p>"
		"</table:table-cell></table:table-row></table:table>"
		"</office:spreadsheet></office:body></office:document-content>",
	};
	size_t len;
	char *data = make_zip(members, N(members), &len);
	assert_int_equal(tm_grid_sniff(data, len), TM_GRID_ODS);
	tm_grid g;
	tm_err err = { 0 };
	assert_int_equal(tm_grid_load(data, len, NULL, &g, &err), TM_OK);
	assert_string_equal(g.sheet, "Vendors");
	char *t = grid_text(&g);
	assert_string_equal(t, "1:Vendor|Country / 4:Hik  Vision|CN|CN");
	free(t);
	tm_grid_release(&g);
	tm_grid_opts o = { 0, "Other", 0, 0 };
	assert_int_equal(tm_grid_load(data, len, &o, &g, &err), TM_OK);
	assert_int_equal(g.n, 1);
	tm_grid_release(&g);
	free(data);
}

static void test_mac(void **state)
{
	(void)state;
	static const struct {
		const char *in;
		const char *want; /* NULL: not a MAC */
	} cases[] = {
		{ "44:19:b6:aa:bb:cc", "44:19:B6:AA:BB:CC" }, { "44-19-B6-AA-BB-CC", "44:19:B6:AA:BB:CC" },
		{ "4419.b6aa.bbcc", "44:19:B6:AA:BB:CC" },    { "4419b6aabbcc", "44:19:B6:AA:BB:CC" },
		{ "0:1a:2b:3:4d:5e", "00:1A:2B:03:4D:5E" },   { " 44:19:b6:aa:bb:cc ", "44:19:B6:AA:BB:CC" },
		{ "44:19:b6:aa:bb", NULL },		      { "44:19:b6:aa:bb:cc:dd", NULL },
		{ "44:19-b6:aa:bb:cc", NULL },		      { "44:19:b6:zz:bb:cc", NULL },
		{ "<incomplete>", NULL },		      { "", NULL },
	};
	for (size_t i = 0; i < N(cases); i++) {
		uint8_t mac[6];
		int ok = tm_mac_parse(cases[i].in, strlen(cases[i].in), mac);
		if (ok != (cases[i].want != NULL))
			fail_msg("'%s': parse %d", cases[i].in, ok);
		if (ok) {
			char s[18];
			tm_mac_format(mac, s);
			assert_string_equal(s, cases[i].want);
		}
	}
	uint8_t rnd[6] = { 0xDA, 1, 2, 3, 4, 5 }, uni[6] = { 0x44, 0x19, 0xB6, 0, 0, 1 }, mc[6] = { 1, 0, 0x5E, 0, 0, 0xFB };
	assert_int_equal(tm_mac_kind(rnd), 1);
	assert_int_equal(tm_mac_kind(uni), 0);
	assert_int_equal(tm_mac_kind(mc), 2);
}

static void test_registry(void **state)
{
	(void)state;
	char dir[] = "/tmp/tm-test-ieee-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/oui.csv", dir);
	FILE *f = fopen(path, "w");
	fputs("Registry,Assignment,Organization Name,Organization Address\n"
	      "MA-L,4419B6,\"Hangzhou Hikvision Digital Technology Co.,Ltd.\",\"No.469,Jianghui Road\"\n"
	      "MA-L,402C76,IEEE Registration Authority,Piscataway\n"
	      "MA-L,NOTHEX,Broken,\n"
	      "MA-L,4419\n",
	      f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/mam.csv", dir);
	f = fopen(path, "w");
	fputs("Registry,Assignment,Organization Name,Organization Address\n"
	      "MA-M,402C761,  Shanghai Dahua Scale Factory  ,\n",
	      f);
	fclose(f);
	tm_oui_db *db;
	tm_err err = { 0 };
	assert_int_equal(tm_oui_load(dir, &db, &err), TM_OK);
	assert_int_equal(tm_oui_count(db), 3);
	assert_int_equal(tm_oui_skipped(db), 2);
	tm_oui_hit h;
	uint8_t hik[6] = { 0x44, 0x19, 0xB6, 1, 2, 3 }, scale[6] = { 0x40, 0x2C, 0x76, 0x1A, 0xBB, 0xCC },
		ieee[6] = { 0x40, 0x2C, 0x76, 0x2A, 0, 0 }, none[6] = { 0xA8, 0xFF, 0xFF, 0, 0, 0 };
	assert_int_equal(tm_oui_lookup(db, hik, &h), 1);
	assert_string_equal(h.org, "Hangzhou Hikvision Digital Technology Co.,Ltd.");
	assert_string_equal(h.prefix, "44:19:B6");
	assert_int_equal(h.bits, 24);
	/* the longest prefix wins, names trimmed */
	assert_int_equal(tm_oui_lookup(db, scale, &h), 1);
	assert_string_equal(h.org, "Shanghai Dahua Scale Factory");
	assert_string_equal(h.registry, "MA-M");
	assert_string_equal(h.prefix, "40:2C:76:1");
	assert_int_equal(tm_oui_lookup(db, ieee, &h), 1);
	assert_string_equal(h.org, "IEEE Registration Authority");
	assert_int_equal(tm_oui_lookup(db, none, &h), 0);
	tm_oui_free(db);
	unlink(path);
	snprintf(path, sizeof(path), "%s/oui.csv", dir);
	unlink(path);
	assert_int_equal(tm_oui_load(dir, &db, &err), TM_ERR_NOTFOUND);
	rmdir(dir);
	/* the registry Debian installs, when it is there */
	if (access(TM_IEEE_DIR "/oui.csv", R_OK) == 0) {
		assert_int_equal(tm_oui_load(NULL, &db, &err), TM_OK);
		assert_true(tm_oui_count(db) > 30000);
		assert_int_equal(tm_oui_lookup(db, hik, &h), 1);
		assert_non_null(strstr(h.org, "Hikvision"));
		tm_oui_free(db);
	}
}

/* The devices of an inventory as "MAC ip host" lines, and the warning lines. */
static void inventory(const char *text, tm_inv_format fmt, const char *want_devices, const char *want_warnings,
		      tm_inv_format want_fmt)
{
	tm_inventory inv;
	tm_err err = { 0 };
	if (tm_inventory_parse(text, strlen(text), fmt, NULL, &inv, &err))
		fail_msg("parse: %s", err.msg);
	assert_int_equal(inv.format, want_fmt);
	tm_buf d = TM_BUF_INIT, w = TM_BUF_INIT;
	for (size_t i = 0; i < inv.n; i++) {
		char mac[18];
		tm_mac_format(inv.v[i].mac, mac);
		tm_buf_addf(&d, "%s%zu %s %s %s", i ? " / " : "", inv.v[i].line, mac, inv.v[i].ip, inv.v[i].hostname);
	}
	for (size_t i = 0; i < inv.nwarn; i++)
		tm_buf_addf(&w, "%s%zu", i ? "," : "", inv.warn[i].line);
	if (strcmp(d.buf, want_devices) || strcmp(w.buf, want_warnings))
		fail_msg("devices '%s' warnings '%s'", d.buf, w.buf);
	tm_buf_release(&d);
	tm_buf_release(&w);
	tm_inventory_release(&inv);
}

static void test_inventories(void **state)
{
	(void)state;
	inventory("192.168.1.1 dev eth0 lladdr 44:19:b6:00:00:01 REACHABLE\n"
		  "192.168.1.2 dev eth0  FAILED\n"
		  "garbage\n"
		  "fe80::1 dev eth0 lladdr 44:19:b6:00:00:01 router STALE\n",
		  TM_INV_AUTO, "1 44:19:B6:00:00:01 192.168.1.1, fe80::1 ", "3", TM_INV_NEIGH);
	inventory("cam (10.0.0.5) at 44:19:b6:00:00:02 [ether] on eth0\n"
		  "? (10.0.0.6) at <incomplete> on eth0\n"
		  "? (10.0.0.7) at 0:1a:2b:3:4:5 on en0 ifscope [ethernet]\n",
		  TM_INV_AUTO, "1 44:19:B6:00:00:02 10.0.0.5 cam / 3 00:1A:2B:03:04:05 10.0.0.7 ", "", TM_INV_ARP);
	inventory("\nInterface: 10.0.0.2 --- 0x4\n  Internet Address   Physical Address   Type\n"
		  "  10.0.0.1           44-19-b6-00-00-03  dynamic\n",
		  TM_INV_AUTO, "4 44:19:B6:00:00:03 10.0.0.1 ", "", TM_INV_ARP);
	inventory("1700000000 44:19:b6:00:00:04 10.0.0.8 cam4 *\n"
		  "1700000000 44:19:b6:00:00:05 10.0.0.9 * *\n"
		  "duid 00:01:02\n"
		  "1700000000 12345 fd00::9 cam4 00:01\n",
		  TM_INV_AUTO, "1 44:19:B6:00:00:04 10.0.0.8 cam4 / 2 44:19:B6:00:00:05 10.0.0.9 ", "", TM_INV_DNSMASQ);
	inventory("# comment\nlease 10.0.0.10 {\n  hardware ethernet 44:19:b6:00:00:06;\n  client-hostname \"cam6\";\n}\n"
		  "lease 10.0.0.11 {\n  binding state free;\n}\n"
		  "lease 10.0.0.12 {\n  hardware ethernet 44:19:b6:00:00:06;\n}\n",
		  TM_INV_AUTO, "2 44:19:B6:00:00:06 10.0.0.10, 10.0.0.12 cam6", "", TM_INV_DHCPD);
	inventory("lease 10.0.0.13 {\n  hardware ethernet 44:19:b6:00:00:07;\nlease 10.0.0.14 {\n"
		  "  hardware ethernet 44:19:b6:00:00:08;\n",
		  TM_INV_DHCPD, "1 44:19:B6:00:00:07 10.0.0.13  / 3 44:19:B6:00:00:08 10.0.0.14 ", "1,3", TM_INV_DHCPD);
	/* dhcpd6: the MAC from a DUID-LLT after the IAID; a DUID-EN has none */
	inventory("server-duid \"\\000\\001\";\n"
		  "ia-na \"\\001\\000\\000\\000\\000\\001\\000\\001\\034\\367\\020\\245D\\031\\266\\000\\000\\013\" {\n"
		  "  iaaddr 2001:db8::1 { binding state active; ends 3 2016/01/06 15:04:58; }\n}\n"
		  "ia-na \"\\002\\000\\000\\000\\000\\002\\000\\000\\000\\011ab\" {\n  iaaddr 2001:db8::2 { }\n}\n",
		  TM_INV_AUTO, "2 44:19:B6:00:00:0B 2001:db8::1 ", "", TM_INV_DHCPD);
	inventory("MAC Address,IP,Host\n44:19:b6:00:00:09,10.0.0.15,cam9\nnot-a-mac,10.0.0.16,x\n",
		  TM_INV_AUTO, "2 44:19:B6:00:00:09 10.0.0.15 cam9", "3", TM_INV_CSV);
	inventory("<?xml version=\"1.0\"?>\n<nmaprun>\n<host><address addr=\"10.0.0.17\" addrtype=\"ipv4\"/>"
		  "<address addr=\"44:19:B6:00:00:0A\" addrtype=\"mac\" vendor=\"Hikvision\"/>"
		  "<hostnames><hostname name=\"cam10\" type=\"PTR\"/></hostnames></host>\n"
		  "<host><address addr=\"10.9.9.9\" addrtype=\"ipv4\"/></host>\n<host>",
		  TM_INV_AUTO, "3 44:19:B6:00:00:0A 10.0.0.17 cam10", "5", TM_INV_NMAP);
	/* what cannot be read at all fails */
	tm_inventory inv;
	tm_err err = { 0 };
	const char *ent = "<?xml version=\"1.0\"?><!DOCTYPE n [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><nmaprun>&x;</nmaprun>";
	assert_int_equal(tm_inventory_parse(ent, strlen(ent), TM_INV_AUTO, NULL, &inv, &err), TM_ERR_INVALID);
	assert_int_equal(tm_inventory_parse("a,b\n1,2\n", 8, TM_INV_AUTO, NULL, &inv, &err), TM_ERR_INVALID);
	assert_int_equal(tm_inv_format_parse("dnsmasq"), TM_INV_DNSMASQ);
	assert_int_equal(tm_inv_format_parse("pdf"), -1);
	assert_string_equal(tm_inv_format_name(TM_INV_NEIGH), "neigh");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cases),
		cmocka_unit_test(test_csv_limits),
		cmocka_unit_test(test_csv_file),
		cmocka_unit_test(test_csv_col_quote),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_rows_preamble),
		cmocka_unit_test(test_grid_sniff),
		cmocka_unit_test(test_grid_xlsx),
		cmocka_unit_test(test_grid_ods),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_inventories),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
