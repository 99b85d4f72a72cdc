#include "cli/cli.h"

static int run(tm_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return tm_cli_usage(&tm_cmd_stats);
	tm_err err = { 0 };
	tm_counts c;
	tm_graph *g;
	double t0 = tm_now();
	if (tm_store_counts(cli->st, &c, &err) || tm_cli_graph(cli, &g, &err))
		return tm_cli_error(&err);
	double build = tm_now() - t0;
	tm_graph_stats gs;
	if (tm_graph_stats_compute(g, &gs, &err))
		return tm_cli_error(&err);
	if (cli->json) {
		json_t *o = json_object();
		json_object_set_new(o, "sources", json_integer(c.sources));
		json_object_set_new(o, "entities", json_integer(c.entities));
		json_object_set_new(o, "relations", json_integer(c.relations));
		json_object_set_new(o, "names", json_integer(c.names));
		json_object_set_new(o, "citations", json_integer(c.citations));
		json_object_set_new(o, "components", json_integer(gs.components));
		json_object_set_new(o, "largest_component", json_integer(gs.largest_component));
		json_object_set_new(o, "isolated", json_integer(gs.isolated));
		json_object_set_new(o, "max_degree", json_integer(gs.max_degree));
		json_object_set_new(o, "mean_degree", json_real(gs.mean_degree));
		json_object_set_new(o, "median_degree", json_integer(gs.median_degree));
		json_object_set_new(o, "graph_load_seconds", json_real(build));
		return tm_cli_print_json(o);
	}
	printf("sources      %lld\nentities     %lld\nrelations    %lld\nnames        %lld\ncitations    %lld\n",
	       (long long)c.sources, (long long)c.entities, (long long)c.relations, (long long)c.names,
	       (long long)c.citations);
	printf("components   %u (largest %u, isolated %u)\n", gs.components, gs.largest_component, gs.isolated);
	printf("degree       max %u, mean %.2f, median %u\n", gs.max_degree, gs.mean_degree, gs.median_degree);
	printf("graph load   %.3fs\n", build);
	return TM_EXIT_OK;
}

const tm_cmd tm_cmd_stats = {
	"stats", run, TM_CMD_STORE, "stats",
	"counts, connected components and degree statistics",
	"",
};
