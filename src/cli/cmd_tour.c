/*
 * The guided tour that `make tour` prints: the four things tiemap is for,
 * run on the database at hand through the same commands a user types.
 */
#include "cli/cli.h"

#include <string.h>

static int step(tm_cli *cli, const char *title, const char *line, const tm_cmd *cmd, int argc, char **argv)
{
	printf("\n==> %s\n$ tiemap %s\n\n", title, line);
	fflush(stdout);
	return cmd->run(cli, argc, argv);
}

static int run(tm_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return tm_cli_usage(&tm_cmd_tour);
	char *search[] = { "search", "海康", NULL };
	char *show[] = { "show", "hikvision", NULL };
	char *owners[] = { "owners", "hikvision", NULL };
	char *path[] = { "path", "hikvision", "wolf-pack", NULL };
	char *path2[] = { "path", "hikvision", "ijop", NULL };
	int saved_json = cli->json;
	cli->json = 0;
	printf("tiemap (关联图谱): a sourced knowledge graph of institutions and their ties.\n"
	       "Every claim below cites its sources; the numbers in brackets point to them.\n");
	int status = step(cli, "Search in any script: two Chinese characters find Hikvision", "search 海康",
			  &tm_cmd_search, 2, search);
	status |= step(cli, "An entity, every relation both ways, with footnotes", "show hikvision", &tm_cmd_show, 2,
		       show);
	status |= step(cli, "Who owns Hikvision, up to the ultimate parent", "owners hikvision", &tm_cmd_owners, 2,
		       owners);
	status |= step(cli, "How a camera maker connects to the Wolf Pack database", "path hikvision wolf-pack",
		       &tm_cmd_path, 3, path);
	status |= step(cli, "From the same company to Xinjiang's IJOP platform", "path hikvision ijop", &tm_cmd_path, 3,
		       path2);
	printf("\nMore: 'tiemap help', README.md, docs/cli.md.\n");
	cli->json = saved_json;
	return status ? TM_EXIT_FAIL : TM_EXIT_OK;
}

const tm_cmd tm_cmd_tour = {
	"tour", run, TM_CMD_STORE, "tour",
	"a short guided tour of the demo database",
	"Runs search, show, owners and path on the demo data (make demo builds it).\n",
};
