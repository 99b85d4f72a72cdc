#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

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
	tm_hits hits;
	tm_err err = { 0 };
	tm_rc rc = tm_store_search(cli->st, q.buf, (size_t)limit, &hits, &err);
	tm_buf_release(&q);
	if (rc)
		return tm_cli_error(&err);
	int status = TM_EXIT_OK;
	if (cli->json) {
		json_t *results = json_array();
		for (size_t i = 0; i < hits.n; i++) {
			json_t *o = json_object();
			json_object_set_new(o, "id", json_string(hits.v[i].id));
			json_object_set_new(o, "kind", json_string(hits.v[i].kind));
			json_object_set_new(o, "name", json_string(hits.v[i].name));
			json_t *names = json_array();
			tm_entity e;
			if (tm_store_get_entity(cli->st, hits.v[i].id, &e, NULL) == TM_OK) {
				for (size_t k = 0; k < e.n_names; k++) {
					json_t *n = json_object();
					json_object_set_new(n, "text", json_string(e.names[k].text));
					json_object_set_new(n, "lang", json_string(e.names[k].lang));
					json_array_append_new(names, n);
				}
				tm_entity_release(&e);
			}
			json_object_set_new(o, "names", names);
			json_object_set_new(o, "matched", json_string(hits.v[i].matched));
			json_object_set_new(o, "score", json_real((double)(long)(hits.v[i].score * 1000 + 0.5) / 1000));
			json_array_append_new(results, o);
		}
		json_t *root = json_object();
		json_object_set_new(root, "results", results);
		status = tm_cli_print_json(root);
	} else if (hits.n == 0) {
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
	tm_hits_release(&hits);
	return status;
}

const tm_cmd tm_cmd_search = {
	"search", run, TM_CMD_STORE, "search [--limit N] QUERY",
	"find entities by name in any script, prefix, pinyin or identifier",
	"Finds an entity by its name in any case and by prefix (hikv), its Simplified\n"
	"or Traditional Chinese name (海康威视, 海康威視), toneless pinyin with or without\n"
	"spaces (haikang, hai kang wei shi), a name with or without its legal form,\n"
	"a run of Chinese characters (华为), or an identifier (ISIN, LEI, ticker).\n",
};
