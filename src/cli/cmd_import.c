#include "cli/cli.h"

#include <getopt.h>
#include <string.h>

#include "io/io.h"

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "allow-unsourced", no_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	tm_import_opts io = { 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'u')
			io.allow_unsourced = 1;
		else
			return tm_cli_usage(&tm_cmd_import);
	}
	if (optind >= argc)
		return tm_cli_usage(&tm_cmd_import);
	tm_progress bar;
	tm_progress_start(&bar, cli, "importing");
	io.progress = tm_progress_update;
	io.progress_ctx = &bar;
	tm_import_report rep;
	tm_err err = { 0 };
	double t0 = tm_now();
	tm_rc rc = tm_import_files(cli->st, (const char *const *)argv + optind, (size_t)(argc - optind), &io, &rep,
				   &err);
	tm_progress_end(&bar);
	for (size_t i = 0; i < rep.errors.n; i++)
		fprintf(stderr, "%s\n", rep.errors.v[i]);
	int status = TM_EXIT_OK;
	if (rc) {
		status = tm_cli_error(&err);
	} else if (cli->json) {
		json_t *o = json_object();
		json_object_set_new(o, "sources", json_integer((json_int_t)rep.sources));
		json_object_set_new(o, "entities", json_integer((json_int_t)rep.entities));
		json_object_set_new(o, "relations", json_integer((json_int_t)rep.relations));
		json_object_set_new(o, "involvements", json_integer((json_int_t)rep.involvements));
		json_object_set_new(o, "sites", json_integer((json_int_t)rep.sites));
		json_object_set_new(o, "actions", json_integer((json_int_t)rep.actions));
		json_object_set_new(o, "captures", json_integer((json_int_t)rep.captures));
		json_object_set_new(o, "pages", json_integer((json_int_t)rep.pages));
		json_object_set_new(o, "seconds", json_real(tm_now() - t0));
		status = tm_cli_print_json(o);
	} else if (!cli->quiet) {
		printf("imported %zu sources, %zu entities, %zu relations", rep.sources, rep.entities, rep.relations);
		if (rep.involvements)
			printf(", %zu involvements", rep.involvements);
		if (rep.sites || rep.actions)
			printf(", %zu sites, %zu actions", rep.sites, rep.actions);
		if (rep.captures)
			printf(", %zu captures", rep.captures);
		if (rep.pages)
			printf(", %zu pages", rep.pages);
		printf(" in %.2fs\n", tm_now() - t0);
	}
	tm_import_report_release(&rep);
	return status;
}

const tm_cmd tm_cmd_import = {
	"import", run, TM_CMD_CREATE | TM_CMD_WRITE, "import [--allow-unsourced] FILE...",
	"load JSON Lines files, all or nothing",
	"Reads records (source, entity, relation, site, action) one JSON object a\n"
	"line; '-' reads standard input.  Every line is checked, in one transaction:\n"
	"on any bad line nothing is written, each problem is listed as FILE:LINE:\n"
	"reason and the exit status is 1.\n"
	"A record whose id exists replaces it; importing the same file twice changes\n"
	"nothing.  --allow-unsourced accepts claims without a citation and marks them,\n"
	"so that 'tiemap check' lists them.  The format is in docs/format.md.\n",
};
