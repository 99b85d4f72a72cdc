#include "cli/graph_util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "depth", required_argument, NULL, 'd' },
		{ "limit", required_argument, NULL, 'n' },
		{ "through-places", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	long depth = 1, limit = 500;
	int c, through_places = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:n:", opts, NULL)) != -1) {
		if (c == 'P') {
			through_places = 1;
			continue;
		}
		if (c == 'd' && (depth = strtol(optarg, NULL, 10)) >= 1 && depth <= 6)
			continue;
		if (c == 'n' && (limit = strtol(optarg, NULL, 10)) >= 1 && limit <= 100000)
			continue;
		return tm_cli_usage(&tm_cmd_neighbors);
	}
	if (argc - optind != 1)
		return tm_cli_usage(&tm_cmd_neighbors);
	char *id;
	int status = tm_cli_resolve(cli, argv[optind], &id);
	if (status)
		return status;
	tm_err err = { 0 };
	tm_graph *g;
	tm_node node;
	tm_hood h = { 0 };
	json_t *o;
	if (tm_cli_graph(cli, &g, &err)) {
		status = tm_cli_error(&err);
	} else if (cli->json) {
		status = tm_view_neighbors(cli->st, g, id, (int)depth, (size_t)limit, through_places, &o, &err) ?
				 tm_cli_error(&err) :
				 tm_cli_print_json(o);
	} else if (tm_cli_node_of(cli, id, &node, &err) ||
		   tm_graph_neighbors_kinds(g, node, (int)depth, (size_t)limit, through_places ? 0 : tm_kinds_no_places(),
					    &h, &err)) {
		status = tm_cli_error(&err);
	} else {
		static const char *headers[] = { "DEPTH", "ID", "KIND", "NAME" };
		tm_table t;
		tm_table_init(&t, 4, headers);
		for (size_t i = 1; i < h.n_nodes; i++) {
			char d[8];
			snprintf(d, sizeof(d), "%d", h.dist[i]);
			char *nid = tm_cli_id_of(cli, h.nodes[i]);
			char *en = NULL, *zh = NULL;
			tm_entity e;
			const char *kind = "";
			int got = nid && tm_store_get_entity(cli->st, nid, &e, NULL) == TM_OK;
			if (got)
				kind = e.kind;
			tm_cli_entity_names(cli, nid ? nid : "", &en, &zh);
			tm_buf name = TM_BUF_INIT;
			tm_buf_adds(&name, en);
			if (strcmp(en, zh) != 0)
				tm_buf_addf(&name, " / %s", zh);
			const char *row[] = { d, nid ? nid : "?", kind, name.buf };
			tm_table_add(&t, row);
			tm_buf_release(&name);
			if (got)
				tm_entity_release(&e);
			free(en);
			free(zh);
			free(nid);
		}
		printf("%zu entities within %ld hop%s of %s, %zu ties%s\n", h.n_nodes - 1, depth, depth == 1 ? "" : "s",
		       id, h.n_edges, h.truncated ? " (truncated: raise --limit)" : "");
		tm_table_print(&t, stdout, cli->width);
		tm_table_release(&t);
	}
	tm_hood_release(&h);
	free(id);
	return status;
}

const tm_cmd tm_cmd_neighbors = {
	"neighbors", run, TM_CMD_STORE, "neighbors [--depth N] [--limit N] [--through-places] ENTITY",
	"the entities within N hops, either direction",
	"--depth is 1 to 6 (default 1); --limit caps the entities listed (default 500).\n"
	"A place (a country, a region, a city) is listed where it is tied to what was\n"
	"reached, but nothing is reached through it: every company sells in some\n"
	"country, and a country joins everything to everything.  --through-places\n"
	"walks through places too.\n",
};
