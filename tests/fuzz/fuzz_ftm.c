/*
 * libFuzzer target: any bytes through the FollowTheMoney importer (one
 * entity a line, nested entities, Documentation and Identification) into an
 * in-memory database that holds a few records, with each conflict rule in
 * turn (the first byte picks), and the FtM export of what it holds after.
 * A crash, leak or sanitizer report fails.
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
	"{\"type\":\"entity\",\"id\":\"a\",\"kind\":\"company\",\"names\":[{\"text\":\"海康威视\",\"lang\":\"zh-Hans\"}],"
	"\"sources\":[\"s1\"]}\n";

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
	tm_import_opts opts = { .format = TM_IMPORT_FTM };
	opts.on_conflict = size ? (tm_conflict)(data[0] % 4) : TM_CONFLICT_REFUSE;
	opts.dry_run = size > 1 && data[1] == 'n';
	tm_import_report rep;
	tm_import_buffer(st, "fuzz.ftm.json", (const char *)data, size, &opts, &rep, &err);
	tm_import_report_release(&rep);
	/* what the import left must export */
	FILE *out = fopen("/dev/null", "w");
	if (out) {
		tm_export_ftm(st, out, &err);
		fclose(out);
	}
	return 0;
}
