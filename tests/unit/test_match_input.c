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

#include "io/csv.h"
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
	tm_csv *c;
	tm_err err = { 0 };
	assert_int_equal(tm_csv_open_mem(text, strlen(text), NULL, &c, &err), TM_OK);
	tm_rows rows;
	tm_rows_spec spec = { NULL, NULL, NULL };
	assert_int_equal(tm_rows_read(c, &spec, 0, &rows, &err), TM_OK);
	tm_csv_free(c);
	assert_string_equal(rows.name_col, "Issuer Name");
	assert_string_equal(rows.id_col, "ISIN");
	assert_string_equal(rows.country_col, "Country of Risk");
	assert_int_equal(rows.n, 4);
	assert_string_equal(rows.v[0].name, "Hikvision");
	assert_string_equal(rows.v[0].ident, "CNE100000PM8");
	assert_string_equal(rows.v[0].country, "CN");
	assert_null(rows.v[0].warning);
	assert_int_equal(rows.v[1].line, 3);
	assert_non_null(strstr(rows.v[1].warning, "1 field"));
	assert_null(rows.v[2].name);
	assert_non_null(strstr(rows.v[2].warning, "no name"));
	assert_non_null(rows.v[3].error);
	tm_rows_release(&rows);
	/* a limit on rows */
	assert_int_equal(tm_csv_open_mem(text, strlen(text), NULL, &c, &err), TM_OK);
	assert_int_equal(tm_rows_read(c, &spec, 2, &rows, &err), TM_ERR_LIMIT);
	tm_csv_free(c);
	/* a named column that is not there */
	tm_rows_spec bad = { "Nope", NULL, NULL };
	assert_int_equal(tm_csv_open_mem(text, strlen(text), NULL, &c, &err), TM_OK);
	assert_int_equal(tm_rows_read(c, &bad, 0, &rows, &err), TM_ERR_INVALID);
	assert_non_null(strstr(err.msg, "'Nope'"));
	tm_csv_free(c);
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
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_inventories),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
