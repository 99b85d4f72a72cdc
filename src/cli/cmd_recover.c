#include "cli/cli.h"

static int print_problem(void *ctx, const char *problem)
{
	size_t *shown = ctx;
	if (++*shown <= 20)
		printf("  %s\n", problem);
	return 0;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return tm_cli_usage(&tm_cmd_recover);
	tm_err err = { 0 };
	size_t shown = 0, problems = 0;
	if (tm_store_recover(cli->st, print_problem, &shown, &problems, &err))
		return tm_cli_error(&err);
	if (problems) {
		if (problems > shown)
			printf("  … and %zu more\n", problems - shown);
		fprintf(stderr,
			"tiemap: database '%s' is damaged (%zu problems above); restore it from a backup or an"
			" export\n",
			cli->db_path, problems);
		return TM_EXIT_FAIL;
	}
	if (!cli->quiet)
		printf("database '%s' is whole (integrity check ok)\n", cli->db_path);
	return TM_EXIT_OK;
}

const tm_cmd tm_cmd_recover = {
	"recover", run, TM_CMD_STORE | TM_CMD_WRITE, "recover",
	"finish what an interrupted write left, then check the whole file",
	"An import killed halfway, or stopped by a full disk or an I/O error, leaves\n"
	"its half-done transaction beside the database (a log or a journal).  Any\n"
	"command that can write the file undoes it as it opens the database; a\n"
	"command that cannot (its user may not write the file or its folder) says\n"
	"so and asks for this command, run as a user who can.  It undoes what is\n"
	"left, gives back the space the log took, and checks every page of the file\n"
	"(SQLite's integrity check), printing what is wrong, if anything.\n"
	"\n"
	"Exit status 0: the database is whole; 1: it is damaged (restore it from a\n"
	"backup or an export), or could not be opened.\n",
};
