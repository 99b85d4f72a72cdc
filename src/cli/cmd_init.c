#include "cli/cli.h"

static int run(tm_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return tm_cli_usage(&tm_cmd_init);
	printf("database '%s' ready (schema %d)\n", cli->db_path, tm_store_schema_version());
	return TM_EXIT_OK;
}

const tm_cmd tm_cmd_init = {
	"init", run, TM_CMD_CREATE | TM_CMD_WRITE, "init",
	"create an empty database, or migrate an old one forward",
	"Creates the database named by --db (default ./tiemap.db) with the current\n"
	"schema; an existing database is migrated to this version.\n",
};
