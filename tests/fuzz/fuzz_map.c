/*
 * libFuzzer target: the mapped importer (docs/mapping.md) and the YAML
 * reader under it.  The input is a mapping file, a line "%%%", and a data
 * file after a byte that picks what it is read as (by the name its file
 * gets: .yaml, .json, .csv or .tsv).  Both are written to the
 * working directory (tests/fuzz/run-brief runs in a folder of its own) and
 * imported into an in-memory database holding a few records, under each
 * conflict rule in turn.  A crash, leak or sanitizer report fails.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "store/store.h"

static tm_store *st;

static const char base[] =
	"{\"type\":\"source\",\"id\":\"s1\",\"title\":\"T\"}\n"
	"{\"type\":\"entity\",\"id\":\"a\",\"kind\":\"company\",\"names\":[{\"text\":\"Alpha\",\"lang\":\"en\"}],"
	"\"sources\":[\"s1\"]}\n";

static int put(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	int ok = fwrite(p, 1, n, f) == n;
	return fclose(f) == 0 && ok ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tm_err err = { 0 };
	if (!st) {
		tm_import_report rep;
		if (tm_store_open(":memory:", TM_STORE_CREATE, &st, &err))
			abort();
		if (tm_import_buffer(st, "base", base, sizeof(base) - 1, NULL, &rep, &err))
			abort();
		tm_import_report_release(&rep);
	}
	const uint8_t *cut = NULL;
	for (size_t i = 0; i + 4 <= size && !cut; i++)
		if (memcmp(data + i, "%%%\n", 4) == 0)
			cut = data + i;
	size_t mlen = cut ? (size_t)(cut - data) : size;
	const uint8_t *d = cut ? cut + 4 : data + size;
	size_t dlen = (size_t)(data + size - d);
	static const char *const names[] = { "fuzz-data.yaml", "fuzz-data.json", "fuzz-data.csv", "fuzz-data.tsv" };
	const char *dname = names[dlen ? d[0] % 4 : 0];
	if (dlen) {
		d++;
		dlen--;
	}
	if (put("fuzz-mapping.yaml", data, mlen) || put(dname, d, dlen))
		return 0;
	tm_import_opts opts = { .on_conflict = (tm_conflict)(mlen ? data[mlen - 1] % 4 : 1) };
	opts.dry_run = dlen > 1 && d[1] == 'n';
	tm_import_report rep;
	const char *paths[] = { dname };
	tm_import_mapped(st, "fuzz-mapping.yaml", paths, 1, &opts, &rep, &err);
	tm_import_report_release(&rep);
	remove("fuzz-mapping.yaml");
	remove(dname);
	return 0;
}
