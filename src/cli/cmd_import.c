#include "cli/cli.h"

#include <getopt.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "io/io.h"

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "allow-unsourced", no_argument, NULL, 'u' },
		{ "author", required_argument, NULL, 'a' },
		{ "summary", required_argument, NULL, 's' },
		{ "from", required_argument, NULL, 'f' },
		{ "map", required_argument, NULL, 'm' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "on-conflict", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	tm_import_opts io = { 0 };
	const char *map = NULL, *conflict = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'u') {
			io.allow_unsourced = 1;
		} else if (c == 'a') {
			io.author = optarg;
		} else if (c == 's') {
			io.summary = optarg;
		} else if (c == 'f') {
			if (strcmp(optarg, "ftm") == 0) {
				io.format = TM_IMPORT_FTM;
			} else if (strcmp(optarg, "jsonl") != 0) {
				fprintf(stderr, "tiemap: unknown format '%s': use jsonl or ftm (or --map for tables)\n",
					optarg);
				return TM_EXIT_USAGE;
			}
		} else if (c == 'm') {
			map = optarg;
		} else if (c == 'n') {
			io.dry_run = 1;
		} else if (c == 'c') {
			conflict = optarg;
		} else {
			return tm_cli_usage(&tm_cmd_import);
		}
	}
	if (optind >= argc)
		return tm_cli_usage(&tm_cmd_import);
	if (map && io.format == TM_IMPORT_FTM) {
		fputs("tiemap: --map and --from ftm go apart: a mapping reads tables, JSON and YAML\n", stderr);
		return TM_EXIT_USAGE;
	}
	/* the interchange format replaces what it names (a backup restored);
	 * other people's files must say what to do with a stored record */
	io.on_conflict = map || io.format == TM_IMPORT_FTM ? TM_CONFLICT_REFUSE : TM_CONFLICT_REPLACE;
	if (conflict) {
		if (strcmp(conflict, "replace") == 0)
			io.on_conflict = TM_CONFLICT_REPLACE;
		else if (strcmp(conflict, "keep") == 0)
			io.on_conflict = TM_CONFLICT_KEEP;
		else if (strcmp(conflict, "merge") == 0)
			io.on_conflict = TM_CONFLICT_MERGE;
		else if (strcmp(conflict, "refuse") == 0)
			io.on_conflict = TM_CONFLICT_REFUSE;
		else {
			fprintf(stderr, "tiemap: unknown --on-conflict '%s': use replace, keep, merge or refuse\n",
				conflict);
			return TM_EXIT_USAGE;
		}
	}
	/* history names the operator: the account that ran the import */
	char author[96];
	if (!io.author) {
		struct passwd *pw = getpwuid(getuid());
		snprintf(author, sizeof(author), "import (%s)", pw && pw->pw_name ? pw->pw_name : "unknown");
		io.author = author;
	}
	tm_progress bar;
	tm_progress_start(&bar, cli, io.dry_run ? "checking" : "importing");
	io.progress = tm_progress_update;
	io.progress_ctx = &bar;
	tm_import_report rep;
	tm_err err = { 0 };
	double t0 = tm_now();
	const char *const *paths = (const char *const *)argv + optind;
	size_t n = (size_t)(argc - optind);
	tm_rc rc = map ? tm_import_mapped(cli->st, map, paths, n, &io, &rep, &err) :
			 tm_import_files(cli->st, paths, n, &io, &rep, &err);
	tm_progress_end(&bar);
	for (size_t i = 0; i < rep.errors.n; i++)
		fprintf(stderr, "%s\n", rep.errors.v[i]);
	int status = TM_EXIT_OK;
	if (rc) {
		status = tm_cli_error(&err);
	} else if (cli->json) {
		json_t *o = json_object();
		json_object_set_new(o, "dry_run", json_boolean(io.dry_run));
		json_object_set_new(o, "sources", json_integer((json_int_t)rep.sources));
		json_object_set_new(o, "entities", json_integer((json_int_t)rep.entities));
		json_object_set_new(o, "relations", json_integer((json_int_t)rep.relations));
		json_object_set_new(o, "involvements", json_integer((json_int_t)rep.involvements));
		json_object_set_new(o, "sites", json_integer((json_int_t)rep.sites));
		json_object_set_new(o, "actions", json_integer((json_int_t)rep.actions));
		json_object_set_new(o, "captures", json_integer((json_int_t)rep.captures));
		json_object_set_new(o, "petitions", json_integer((json_int_t)rep.petitions));
		json_object_set_new(o, "pages", json_integer((json_int_t)rep.pages));
		if (rep.compared) {
			json_object_set_new(o, "added", json_integer((json_int_t)rep.added));
			json_object_set_new(o, "unchanged", json_integer((json_int_t)rep.unchanged));
			json_object_set_new(o, "changed", json_integer((json_int_t)rep.changed));
			json_object_set_new(o, "kept", json_integer((json_int_t)rep.kept));
			json_object_set_new(o, "merged", json_integer((json_int_t)rep.merged));
		}
		json_t *ch = json_array();
		for (size_t i = 0; i < rep.changes.n; i++)
			json_array_append_new(ch, json_string(rep.changes.v[i]));
		json_object_set_new(o, "changes", ch);
		json_t *left = json_object();
		for (size_t i = 0; i < rep.drops.n; i++)
			json_object_set_new(left, rep.drops.v[i].what, json_integer((json_int_t)rep.drops.v[i].n));
		json_object_set_new(o, "left_out", left);
		json_object_set_new(o, "seconds", json_real(tm_now() - t0));
		status = tm_cli_print_json(o);
	} else if (!cli->quiet) {
		for (size_t i = 0; i < rep.changes.n; i++)
			printf("%s\n", rep.changes.v[i]);
		printf("%s %zu sources, %zu entities, %zu relations", io.dry_run ? "checked" : "imported", rep.sources,
		       rep.entities, rep.relations);
		if (rep.involvements)
			printf(", %zu involvements", rep.involvements);
		if (rep.sites || rep.actions)
			printf(", %zu sites, %zu actions", rep.sites, rep.actions);
		if (rep.captures)
			printf(", %zu captures", rep.captures);
		if (rep.petitions)
			printf(", %zu petition%s", rep.petitions, rep.petitions == 1 ? "" : "s");
		if (rep.pages)
			printf(", %zu pages", rep.pages);
		printf(" in %.2fs\n", tm_now() - t0);
		if (rep.compared)
			printf("%s %zu new, %zu unchanged, %zu changed, %zu kept, %zu merged\n",
			       io.dry_run ? "would be:" : "against the database:", rep.added, rep.unchanged, rep.changed,
			       rep.kept, rep.merged);
		if (io.dry_run)
			printf("dry run: nothing was written\n");
		if (rep.drops.n) {
			printf("left out, or made up for (%s):\n", map ? "docs/mapping.md" : "docs/ftm.md");
			for (size_t i = 0; i < rep.drops.n; i++)
				printf("  %6zu  %s\n", rep.drops.v[i].n, rep.drops.v[i].what);
		}
	}
	tm_import_report_release(&rep);
	return status;
}

const tm_cmd tm_cmd_import = {
	"import", run, TM_CMD_CREATE | TM_CMD_WRITE,
	"import [--from jsonl|ftm | --map MAPPING] [--dry-run] [--on-conflict replace|keep|merge|refuse]\n"
	"              [--allow-unsourced] [--author NAME] [--summary TEXT] FILE...",
	"load JSON Lines, FollowTheMoney or mapped tables, all or nothing",
	"Reads records (source, entity, relation, site, action) one JSON object a\n"
	"line; '-' reads standard input.  Every line is checked, in one transaction:\n"
	"on any bad line nothing is written, each problem is listed as FILE:LINE:\n"
	"reason and the exit status is 1.\n"
	"A record whose id exists replaces it; importing the same file twice changes\n"
	"nothing.  --allow-unsourced accepts claims without a citation and marks them,\n"
	"so that 'tiemap check' lists them.  The format is in docs/format.md.\n"
	"The import is one change in the history (docs/editing.md): each record it\n"
	"adds or changes is a revision, by --author (default: \"import (USER)\", the\n"
	"operator's login) with --summary (default: \"import\" and the files' names).\n"
	"Change and revision lines (export --history) are kept as they are.\n"
	"--from ftm reads FollowTheMoney entities, one JSON object a line (or nested),\n"
	"as OpenSanctions, Aleph and 'ftm export' write them; what tiemap leaves out\n"
	"(addresses, people without a public role, personal data) is counted and\n"
	"listed (docs/ftm.md).\n"
	"--map MAPPING reads CSV/TSV, .xlsx, .ods, JSON or YAML as the mapping file\n"
	"says (docs/mapping.md; data/mappings/ has some).\n"
	"With --from ftm and --map a record that would replace a stored one with\n"
	"different content fails the import, unless --on-conflict says to replace it,\n"
	"keep the stored one, or merge the two.  --dry-run checks and compares\n"
	"everything, prints what would be added and changed, and writes nothing.\n",
};
