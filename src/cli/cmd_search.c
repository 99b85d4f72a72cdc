#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "view/view.h"

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	long limit = 20;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (c == 'n' && (limit = strtol(optarg, NULL, 10)) > 0 && limit <= 1000)
			continue;
		return tm_cli_usage(&tm_cmd_search);
	}
	if (optind >= argc)
		return tm_cli_usage(&tm_cmd_search);
	/* the words of the query may come as several arguments */
	tm_buf q = TM_BUF_INIT;
	for (int i = optind; i < argc; i++)
		tm_buf_addf(&q, "%s%s", i > optind ? " " : "", argv[i]);
	tm_search_hits hits;
	tm_err err = { 0 };
	if (cli->json) {
		json_t *o;
		tm_rc rc = tm_view_search(cli->st, q.buf, (size_t)limit, &o, &err);
		tm_buf_release(&q);
		return rc ? tm_cli_error(&err) : tm_cli_print_json(o);
	}
	tm_rc rc = tm_search(cli->st, q.buf, (size_t)limit, &hits, &err);
	tm_buf_release(&q);
	if (rc)
		return tm_cli_error(&err);
	if (hits.n == 0) {
		printf("no match\n");
	} else {
		static const char *headers[] = { "ID", "KIND", "NAME", "MATCHED", "SCORE" };
		tm_table t;
		tm_table_init(&t, 5, headers);
		for (size_t i = 0; i < hits.n; i++) {
			char score[16];
			snprintf(score, sizeof(score), "%.2f", hits.v[i].score);
			const char *row[] = { hits.v[i].id, hits.v[i].kind, hits.v[i].name, hits.v[i].matched, score };
			tm_table_add(&t, row);
		}
		tm_table_print(&t, stdout, cli->width);
		tm_table_release(&t);
	}
	tm_search_hits_release(&hits);
	return TM_EXIT_OK;
}

const tm_cmd tm_cmd_search = {
	"search", run, TM_CMD_STORE, "search [--limit N] QUERY",
	"find entities by name in any script, prefix, pinyin or identifier",
	"Finds an entity by its name in any case and by prefix (hikv), its Simplified\n"
	"or Traditional Chinese name (海康威视, 海康威視), toneless pinyin with or without\n"
	"spaces (haikang, hai kang wei shi), a name with or without its legal form,\n"
	"a run of Chinese characters (华为), or an identifier (ISIN, LEI, ticker).\n",
};
