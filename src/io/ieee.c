/*
 * The IEEE registries (ieee.h): read with the CSV reader, kept as three
 * sorted arrays of prefixes (24, 28 and 36 bits), looked up longest first
 * by bisection.
 */
#include "io/ieee.h"
#include "io/csv.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
	uint64_t prefix;      /* the assignment's bits, right-aligned */
	uint32_t org;         /* offset of the organization in names */
	const char *registry; /* static */
} block;

typedef struct table {
	block *v;
	size_t n, cap;
} table;

struct tm_oui_db {
	table t[3]; /* 36, 28 and 24 bits: the order of look-up */
	tm_buf names;
	size_t skipped;
};

static const int bits_of[3] = { 36, 28, 24 };

static int block_cmp(const void *x, const void *y)
{
	const block *a = x, *b = y;
	return a->prefix < b->prefix ? -1 : a->prefix > b->prefix;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One registry file; a missing file is not an error (*found stays 0). */
static tm_rc load_file(tm_oui_db *db, const char *path, int *found, tm_err *err)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return TM_OK;
	*found = 1;
	tm_csv *csv;
	tm_csv_opts o = { ',', 4096, 16 };
	tm_rc rc = tm_csv_open(f, &o, &csv, err);
	if (rc) {
		fclose(f);
		return rc;
	}
	tm_csv_rec r;
	int header = 1;
	while ((rc = tm_csv_next(csv, &r, err)) == TM_OK) {
		if (header) {
			header = 0;
			if (!r.error && r.n >= 3 && strcmp(r.f[0], "Registry") == 0)
				continue;
		}
		if (r.error || r.n < 3) {
			db->skipped++;
			continue;
		}
		size_t digits = r.len[1];
		int t = digits == 9 ? 0 : digits == 7 ? 1 : digits == 6 ? 2 : -1;
		uint64_t prefix = 0;
		for (size_t i = 0; t >= 0 && i < digits; i++) {
			int h = hexval((unsigned char)r.f[1][i]);
			if (h < 0)
				t = -1;
			prefix = prefix << 4 | (uint64_t)h;
		}
		if (t < 0) {
			db->skipped++;
			continue;
		}
		const char *reg = strcmp(r.f[0], "MA-L") == 0	? "MA-L" :
				  strcmp(r.f[0], "MA-M") == 0	? "MA-M" :
				  strcmp(r.f[0], "MA-S") == 0	? "MA-S" :
				  strcmp(r.f[0], "IAB") == 0	? "IAB" :
								  "other";
		/* organization names come with stray spaces at either end */
		const char *org = r.f[2];
		size_t on = r.len[2];
		while (on && isspace((unsigned char)*org))
			org++, on--;
		while (on && isspace((unsigned char)org[on - 1]))
			on--;
		table *tb = &db->t[t];
		TM_GROW(tb->v, tb->cap, tb->n + 1);
		tb->v[tb->n++] = (block){ prefix, (uint32_t)db->names.len, reg };
		tm_buf_add(&db->names, org, on);
		tm_buf_addch(&db->names, '\0');
	}
	tm_csv_free(csv);
	fclose(f);
	return rc == TM_ERR_NOTFOUND ? TM_OK : rc;
}

tm_rc tm_oui_load(const char *dir, tm_oui_db **out, tm_err *err)
{
	static const char *const files[] = { "oui.csv", "mam.csv", "oui36.csv", "iab.csv" };
	*out = NULL;
	if (!dir)
		dir = TM_IEEE_DIR;
	tm_oui_db *db = tm_xcalloc(1, sizeof(*db));
	tm_buf_init(&db->names);
	int any = 0;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		tm_buf path = TM_BUF_INIT;
		tm_buf_addf(&path, "%s/%s", dir, files[i]);
		int found = 0;
		tm_rc rc = load_file(db, path.buf, &found, err);
		tm_buf_release(&path);
		if (rc) {
			tm_oui_free(db);
			return rc;
		}
		any |= found;
	}
	if (!any) {
		tm_oui_free(db);
		return tm_fail(err, TM_ERR_NOTFOUND, "no IEEE registry (oui.csv, mam.csv, oui36.csv, iab.csv) in '%s'", dir);
	}
	for (int t = 0; t < 3; t++)
		if (db->t[t].n > 1)
			qsort(db->t[t].v, db->t[t].n, sizeof(block), block_cmp);
	*out = db;
	return TM_OK;
}

void tm_oui_free(tm_oui_db *db)
{
	if (!db)
		return;
	for (int t = 0; t < 3; t++)
		free(db->t[t].v);
	tm_buf_release(&db->names);
	free(db);
}

size_t tm_oui_count(const tm_oui_db *db)
{
	return db->t[0].n + db->t[1].n + db->t[2].n;
}

size_t tm_oui_skipped(const tm_oui_db *db)
{
	return db->skipped;
}

int tm_oui_lookup(const tm_oui_db *db, const uint8_t mac[6], tm_oui_hit *out)
{
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	for (int t = 0; t < 3; t++) {
		const table *tb = &db->t[t];
		if (!tb->n)
			continue;
		block key = { v >> (48 - bits_of[t]), 0, NULL };
		const block *b = bsearch(&key, tb->v, tb->n, sizeof(block), block_cmp);
		if (!b)
			continue;
		out->org = db->names.buf + b->org;
		out->registry = b->registry;
		out->bits = bits_of[t];
		/* the prefix as colon-separated hex, a half byte at the end for 28 and 36 bits */
		char hex[10];
		snprintf(hex, sizeof(hex), "%0*llX", bits_of[t] / 4, (unsigned long long)b->prefix);
		size_t o = 0;
		for (int i = 0; hex[i]; i++) {
			if (i && i % 2 == 0)
				out->prefix[o++] = ':';
			out->prefix[o++] = hex[i];
		}
		out->prefix[o] = '\0';
		return 1;
	}
	return 0;
}

int tm_mac_parse(const char *s, size_t n, uint8_t out[6])
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	/* twelve hex digits in a row, or in groups of 4 with dots (Cisco) */
	int plain = n == 12, cisco = n == 14 && s[4] == '.' && s[9] == '.';
	if (plain || cisco) {
		int k = 0;
		for (size_t i = 0; i < n; i++) {
			if (cisco && (i == 4 || i == 9))
				continue;
			int h = hexval((unsigned char)s[i]);
			if (h < 0)
				return 0;
			if (k % 2 == 0)
				out[k / 2] = (uint8_t)(h << 4);
			else
				out[k / 2] |= (uint8_t)h;
			k++;
		}
		return 1;
	}
	/* six groups of one or two hex digits, all separated by ':' or all by '-' */
	char sep = 0;
	size_t i = 0;
	for (int g = 0; g < 6; g++) {
		if (g) {
			if (i >= n || (s[i] != ':' && s[i] != '-') || (sep && s[i] != sep))
				return 0;
			sep = s[i++];
		}
		int a = i < n ? hexval((unsigned char)s[i]) : -1;
		if (a < 0)
			return 0;
		i++;
		int b = i < n ? hexval((unsigned char)s[i]) : -1;
		if (b >= 0) {
			out[g] = (uint8_t)(a << 4 | b);
			i++;
		} else {
			out[g] = (uint8_t)a;
		}
	}
	return i == n;
}

void tm_mac_format(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02X:%02X:%02X:%02X:%02X:%02X", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

int tm_mac_kind(const uint8_t mac[6])
{
	if (mac[0] & 0x01)
		return 2;
	return (mac[0] & 0x02) ? 1 : 0;
}
