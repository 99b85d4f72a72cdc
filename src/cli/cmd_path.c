#include "cli/graph_util.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "view/view.h"

/* Parse "owns,acquired" into a predicate bit mask; -1 on an unknown name. */
static int64_t predicate_mask(const char *list)
{
	uint64_t mask = 0;
	tm_buf b = TM_BUF_INIT;
	tm_buf_adds(&b, list);
	for (char *save = NULL, *tok = strtok_r(b.buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int i = tm_predicate_index(tok);
		if (i < 0) {
			fprintf(stderr, "tiemap: unknown predicate '%s'\n", tok);
			tm_buf_release(&b);
			return -1;
		}
		mask |= (uint64_t)1 << i;
	}
	tm_buf_release(&b);
	return (int64_t)mask;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "max-hops", required_argument, NULL, 'm' },
		{ "via", required_argument, NULL, 'v' },
		{ "as-of", required_argument, NULL, 'a' },
		{ "k", required_argument, NULL, 'k' },
		{ "limit", required_argument, NULL, 'n' },
		{ "through-places", no_argument, NULL, 'P' },
		{ NULL, 0, NULL, 0 },
	};
	/* places only as ends: a path through a country says nothing */
	tm_path_opts po = { .max_hops = 6, .max_paths = 32, .kinds = tm_kinds_no_places() };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		long v;
		switch (c) {
		case 'm':
			v = strtol(optarg, NULL, 10);
			if (v < 1 || v > 12) {
				fputs("tiemap: --max-hops must be between 1 and 12\n", stderr);
				return TM_EXIT_USAGE;
			}
			po.max_hops = (int)v;
			break;
		case 'v': {
			int64_t m = predicate_mask(optarg);
			if (m < 0)
				return TM_EXIT_USAGE;
			po.predicates = (uint64_t)m;
			break;
		}
		case 'a':
			if (!tm_date_precision(optarg)) {
				fputs("tiemap: --as-of needs a date YYYY, YYYY-MM or YYYY-MM-DD\n", stderr);
				return TM_EXIT_USAGE;
			}
			po.as_of = tm_graph_date_start(optarg);
			break;
		case 'k':
			v = strtol(optarg, NULL, 10);
			if (v < 1 || v > 100)
				return tm_cli_usage(&tm_cmd_path);
			po.k = (int)v;
			break;
		case 'n':
			v = strtol(optarg, NULL, 10);
			if (v < 1 || v > 1000)
				return tm_cli_usage(&tm_cmd_path);
			po.max_paths = (size_t)v;
			break;
		case 'P': po.kinds = 0; break;
		default:
			return tm_cli_usage(&tm_cmd_path);
		}
	}
	if (argc - optind != 2)
		return tm_cli_usage(&tm_cmd_path);
	char *a = NULL, *b = NULL;
	int status = tm_cli_resolve(cli, argv[optind], &a);
	if (!status)
		status = tm_cli_resolve(cli, argv[optind + 1], &b);
	if (status) {
		free(a);
		return status;
	}
	tm_err err = { 0 };
	tm_graph *g;
	tm_node na, nb;
	tm_paths paths = { 0 };
	json_t *o;
	if (tm_cli_graph(cli, &g, &err)) {
		status = tm_cli_error(&err);
	} else if (cli->json) {
		status = tm_view_path(cli->st, g, a, b, &po, &o, &err) ? tm_cli_error(&err) : tm_cli_print_json(o);
	} else if (tm_cli_node_of(cli, a, &na, &err) || tm_cli_node_of(cli, b, &nb, &err) ||
		   tm_graph_paths(g, na, nb, &po, &paths, &err)) {
		status = tm_cli_error(&err);
	} else if (paths.n == 0) {
		printf("no path between %s and %s within %d hops\n", a, b, po.max_hops);
		status = TM_EXIT_FAIL;
	} else {
		tm_strv notes = TM_STRV_INIT;
		for (size_t i = 0; i < paths.n; i++) {
			printf("%sPath %zu (%zu hop%s)\n", i ? "\n" : "", i + 1, paths.v[i].n, paths.v[i].n == 1 ? "" : "s");
			for (size_t s = 0; s < paths.v[i].n; s++)
				tm_cli_print_step(cli, &paths.v[i].steps[s], &notes);
		}
		if (paths.truncated)
			printf("\n(more paths exist; raise --limit)\n");
		tm_cli_print_notes(cli, &notes);
		tm_strv_release(&notes);
	}
	tm_paths_release(&paths);
	free(a);
	free(b);
	return status;
}

const tm_cmd tm_cmd_path = {
	"path", run, TM_CMD_STORE,
	"path [--max-hops N] [--via PRED,...] [--as-of DATE] [--k N] [--limit N] [--through-places] A B",
	"the shortest paths between two entities, each edge with its sources",
	"Ties are walked in either direction.  --max-hops bounds the length (default 6,\n"
	"at most 12); --via walks only the given predicates; --as-of keeps only ties\n"
	"valid on that date; --k N gives the N shortest simple paths instead of all\n"
	"shortest ones; --limit caps how many paths are listed (default 32).\n"
	"A path never passes through a place (a country, a region, a city), which may\n"
	"only be one of its ends: \"Hikvision supplies Israel, Israel uses Wolf Pack\"\n"
	"is not a tie between Hikvision and Wolf Pack.  --through-places allows it.\n"
	"Exit status 1 when no path exists.\n",
};
