#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "io/io.h"

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "history", no_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	const char *format = "jsonl", *output = NULL;
	int history = 0;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:", opts, NULL)) != -1) {
		if (c == 'f')
			format = optarg;
		else if (c == 'o')
			output = optarg;
		else if (c == 'H')
			history = 1;
		else
			return tm_cli_usage(&tm_cmd_export);
	}
	if (optind < argc)
		return tm_cli_usage(&tm_cmd_export);
	tm_err err = { 0 };
	tm_rc rc;
	if (strcmp(format, "csv") == 0) {
		if (!output) {
			fputs("tiemap: --format csv writes a folder: give it with --output DIR\n", stderr);
			return TM_EXIT_USAGE;
		}
		rc = tm_export_csv(cli->st, output, &err);
	} else if (strcmp(format, "jsonl") == 0 || strcmp(format, "dot") == 0 || strcmp(format, "geojson") == 0 ||
		   strcmp(format, "ftm") == 0) {
		FILE *f = output ? fopen(output, "wb") : stdout;
		if (!f) {
			fprintf(stderr, "tiemap: unable to create '%s': %s\n", output, strerror(errno));
			return TM_EXIT_FAIL;
		}
		if (strcmp(format, "jsonl") == 0)
			rc = tm_export_jsonl_history(cli->st, f, history, &err);
		else if (strcmp(format, "dot") == 0)
			rc = tm_export_dot(cli->st, f, &err);
		else if (strcmp(format, "ftm") == 0)
			rc = tm_export_ftm(cli->st, f, &err);
		else
			rc = tm_export_geojson(cli->st, f, &err);
		if (output && fclose(f) != 0 && !rc)
			rc = tm_fail(&err, TM_ERR_IO, "unable to write '%s'", output);
	} else {
		fprintf(stderr, "tiemap: unknown format '%s': use jsonl, csv, dot, geojson or ftm\n", format);
		return TM_EXIT_USAGE;
	}
	return rc ? tm_cli_error(&err) : TM_EXIT_OK;
}

const tm_cmd tm_cmd_export = {
	"export", run, TM_CMD_STORE, "export [--format jsonl|csv|dot|geojson|ftm] [--output PATH] [--history]",
	"write the whole database out",
	"jsonl (default) writes the interchange format to standard output or PATH,\n"
	"sorted, so that export, import into a fresh database and export again give\n"
	"the same bytes.  --history adds every change and revision (docs/editing.md),\n"
	"which import keeps: the round trip still gives the same bytes.  csv writes sources.csv, entities.csv and relations.csv into\n"
	"the folder PATH.  dot writes a Graphviz graph.  geojson writes the sites and\n"
	"actions as one GeoJSON FeatureCollection (RFC 7946); those without\n"
	"coordinates keep a null geometry.  ftm writes FollowTheMoney entities, one\n"
	"JSON object a line, for yente and Aleph; 'import --from ftm' reads them\n"
	"back (docs/ftm.md).\n",
};
