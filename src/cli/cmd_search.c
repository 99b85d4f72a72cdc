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
		{ "strict", no_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	long limit = 20;
	int strict = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (c == 'n' && (limit = strtol(optarg, NULL, 10)) > 0 && limit <= 1000)
			continue;
		if (c == 's') {
			strict = 1;
			continue;
		}
		return tm_cli_usage(&tm_cmd_search);
	}
	if (optind >= argc)
		return tm_cli_usage(&tm_cmd_search);
	/* the words of the query may come as several arguments */
	tm_buf q = TM_BUF_INIT;
	for (int i = optind; i < argc; i++)
		tm_buf_addf(&q, "%s%s", i > optind ? " " : "", argv[i]);
	/* the typo index from the store's cache, as screening keeps it: opened
	 * only when a word of the query is not in the name index */
	tm_search_opts so = { .limit = (size_t)limit, .strict = strict, .cached = 1 };
	tm_search_hits hits;
	tm_err err = { 0 };
	/* the graph (its snapshot, mapped) counts each hit's ties, which also
	 * order hits of equal score */
	tm_graph *g;
	tm_rc rc = tm_cli_graph(cli, &g, &err);
	if (rc) {
		tm_buf_release(&q);
		return tm_cli_error(&err);
	}
	so.ties = tm_view_ties;
	so.ties_ctx = g;
	if (cli->json) {
		json_t *o;
		rc = tm_view_search(cli->st, g, q.buf, &so, &o, &err);
		tm_buf_release(&q);
		return rc ? tm_cli_error(&err) : tm_cli_print_json(o);
	}
	rc = tm_search(cli->st, q.buf, &so, &hits, &err);
	tm_buf_release(&q);
	if (rc)
		return tm_cli_error(&err);
	if (hits.corrected)
		printf("read as: %s\n", hits.corrected);
	if (hits.n == 0 && hits.n_topics == 0) {
		printf("no match\n");
	} else if (hits.n) {
		static const char *headers[] = { "ID", "KIND", "NAME", "MATCHED", "TIES", "SCORE", "HOW" };
		tm_table t;
		tm_table_init(&t, 7, headers);
		for (size_t i = 0; i < hits.n; i++) {
			char score[16], ties[24];
			snprintf(score, sizeof(score), "%.2f", hits.v[i].score);
			snprintf(ties, sizeof(ties), "%ld", hits.v[i].ties);
			const char *row[] = { hits.v[i].id, hits.v[i].kind, hits.v[i].name, hits.v[i].matched, ties, score,
					      hits.v[i].topic ? hits.v[i].topic : tm_search_how_name(hits.v[i].how) };
			tm_table_add(&t, row);
		}
		tm_table_print(&t, stdout, cli->width);
		tm_table_release(&t);
	}
	for (size_t i = 0; i < hits.n_topics; i++)
		printf("topic: %s (%s, %s)\n", hits.topics[i].id, hits.topics[i].label_en, hits.topics[i].label_zh);
	tm_search_hits_release(&hits);
	return TM_EXIT_OK;
}

const tm_cmd tm_cmd_search = {
	"search", run, TM_CMD_STORE, "search [--limit N] [--strict] QUERY",
	"find entities by name in any script, prefix, pinyin or identifier",
	"Finds an entity by its name in any case and by prefix (hikv), its Simplified\n"
	"or Traditional Chinese name (海康威视, 海康威視), toneless pinyin with or without\n"
	"spaces (haikang, hai kang wei shi), a name with or without its legal form,\n"
	"a run of Chinese characters (华为), or an identifier (ISIN, LEI, ticker).\n"
	"Below those it forgives: a typo in a Latin word (hikvison), words beyond the\n"
	"stored name (Huawei Technologies Co., Ltd. finds Huawei), and a topic named\n"
	"in either language (监控, surveillance) with its entities.  HOW says which;\n"
	"--strict leaves those out.  A query is at most 200 characters.\n",
};
