/*
 * libFuzzer target: any bytes through the JSON Lines importer, into an
 * in-memory database that already holds a few records (so references and
 * replacements are exercised); then the same bytes as a search query, with
 * a typo index, so that every forgiving stage (typos, words written apart,
 * parts, topics) reads them, and as a description cut to a line.  A crash,
 * leak or sanitizer report fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/io.h"
#include "search/search.h"
#include "store/store.h"
#include "text/text.h"

static tm_store *st;
static tm_search_vocab *vocab;

static const char base[] =
	"{\"type\":\"source\",\"id\":\"s1\",\"title\":\"T\"}\n"
	"{\"type\":\"entity\",\"id\":\"a\",\"kind\":\"company\",\"names\":[{\"text\":\"海康威视\",\"lang\":\"zh-Hans\"}],"
	"\"sources\":[\"s1\"]}\n"
	"{\"type\":\"entity\",\"id\":\"b\",\"kind\":\"company\",\"names\":[{\"text\":\"Hikvision Digital\",\"lang\":\"en\"}],"
	"\"tags\":[\"surveillance\"],\"sources\":[\"s1\"]}\n";

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
		/* the base's words: later imports make it stale, as a typo index
		 * between two snapshots is */
		if (tm_search_vocab_build(st, &vocab, &err))
			abort();
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
		if (tm_search(st, q, &(tm_search_opts){ .limit = 5, .vocab = vocab }, &hits, &err) == TM_OK) {
			/* best first, and nothing forgiven in the strict band */
			for (size_t i = 0; i < hits.n; i++)
				if ((i && hits.v[i].score > hits.v[i - 1].score) ||
				    ((hits.v[i].how > TM_SEARCH_WORDS) != (hits.v[i].score < 0.5)))
					abort();
			tm_search_hits_release(&hits);
		}
		tm_buf line = TM_BUF_INIT;
		if (tm_utf8_valid(q, strlen(q)))
			tm_text_excerpt(q, "en", 40, &line);
		tm_buf_release(&line);
		free(q);
	}
	return 0;
}
