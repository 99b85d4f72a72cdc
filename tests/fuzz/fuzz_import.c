/*
 * libFuzzer target: any bytes through the JSON Lines importer, into an
 * in-memory database that already holds a few records (so references and
 * replacements are exercised).  A crash, leak or sanitizer report fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "search/search.h"
#include "store/store.h"
#include "text/text.h"

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
	tm_import_opts opts = { .allow_unsourced = size > 0 && data[0] == 'u' };
	tm_import_report rep;
	tm_import_buffer(st, "fuzz", (const char *)data, size, &opts, &rep, &err);
	tm_import_report_release(&rep);
	/* searching what was typed must never fail hard either */
	if (size < 256) {
		char *q = malloc(size + 1);
		memcpy(q, data, size);
		q[size] = '\0';
		tm_search_hits hits;
		if (tm_search(st, q, 5, &hits, &err) == TM_OK)
			tm_search_hits_release(&hits);
		free(q);
	}
	return 0;
}
