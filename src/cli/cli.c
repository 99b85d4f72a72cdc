/*
 * The command table, global options, dispatch, and what commands share.
 */
#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "search/search.h"
#include "text/text.h"
#include "view/view.h"

static const tm_cmd *const commands[] = {
	&tm_cmd_init, &tm_cmd_import, &tm_cmd_export, &tm_cmd_search, &tm_cmd_show, &tm_cmd_path,
	&tm_cmd_owners, &tm_cmd_neighbors, &tm_cmd_check, &tm_cmd_stats, &tm_cmd_tour, &tm_cmd_gen,
	&tm_cmd_serve, &tm_cmd_action, &tm_cmd_digest, &tm_cmd_feed, &tm_cmd_near, &tm_cmd_screen, &tm_cmd_audit,
	&tm_cmd_archive, &tm_cmd_recover,
	&tm_cmd_user, &tm_cmd_history, &tm_cmd_revert, &tm_cmd_petition, &tm_cmd_merge,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const tm_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void print_overview(FILE *f)
{
	fputs("usage: tiemap [--db PATH] [--json] [--quiet] COMMAND [ARGS]\n\n"
	      "tiemap (关联图谱) keeps a sourced knowledge graph of institutions and the ties\n"
	      "between them.  Commands:\n\n",
	      f);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
	fputs("\nThe database is --db PATH, else $TIEMAP_DB, else ./tiemap.db.\n"
	      "'tiemap help COMMAND' tells more about one command.\n",
	      f);
}

static int cmd_help(const char *name)
{
	if (!name) {
		print_overview(stdout);
		return TM_EXIT_OK;
	}
	const tm_cmd *cmd = find_cmd(name);
	if (!cmd) {
		fprintf(stderr, "tiemap: unknown command '%s'\n", name);
		return TM_EXIT_USAGE;
	}
	printf("usage: tiemap %s\n\n%s\n", cmd->usage, cmd->summary);
	if (cmd->help && *cmd->help)
		printf("\n%s", cmd->help);
	return TM_EXIT_OK;
}

int tm_cli_error(const tm_err *err)
{
	fprintf(stderr, "tiemap: %s\n", err->msg[0] ? err->msg : tm_rc_name(err->rc));
	return err->rc == TM_ERR_AMBIGUOUS ? TM_EXIT_USAGE : TM_EXIT_FAIL;
}

int tm_cli_store_error(const tm_err *err)
{
	if (err->rc != TM_ERR_NOTFOUND)
		return tm_cli_error(err);
	fprintf(stderr, "tiemap: %s; create one with 'tiemap init' or 'tiemap import'\n", err->msg);
	return TM_EXIT_FAIL;
}

int tm_cli_usage(const tm_cmd *cmd)
{
	fprintf(stderr, "usage: tiemap %s\n", cmd->usage);
	return TM_EXIT_USAGE;
}

tm_rc tm_cli_graph(tm_cli *cli, tm_graph **out, tm_err *err)
{
	if (!cli->graph) {
		/* a snapshot beside the database spares the next command the load */
		tm_rc rc = tm_graph_open(cli->st, 0, &cli->graph, err);
		if (rc)
			return rc;
	}
	*out = cli->graph;
	return TM_OK;
}

int tm_cli_resolve(tm_cli *cli, const char *ref, char **id)
{
	tm_err err = { 0 };
	tm_search_hits cands;
	tm_rc rc = tm_search_resolve(cli->st, ref, id, &cands, &err);
	if (rc == TM_OK) {
		/* an id merged away answers for the kept entity, and says so */
		char *into = NULL;
		if (!cli->quiet && strcmp(*id, ref) != 0 && tm_store_referent(cli->st, ref, &into, NULL) == TM_OK && into)
			fprintf(stderr, "tiemap: '%s' was merged into '%s'\n", ref, into);
		free(into);
		return 0;
	}
	if (rc == TM_ERR_AMBIGUOUS) {
		fprintf(stderr, "tiemap: '%s' is ambiguous; did you mean one of these?\n", ref);
		for (size_t i = 0; i < cands.n; i++)
			fprintf(stderr, "  %-28s %s (%s)\n", cands.v[i].id, cands.v[i].name, cands.v[i].kind);
		tm_search_hits_release(&cands);
		return TM_EXIT_USAGE;
	}
	return tm_cli_error(&err);
}

int tm_cli_parse_list(const char *s, tm_strv *out)
{
	const char *p = s;
	while (*p) {
		while (*p == ',' || *p == ' ')
			p++;
		if (!*p)
			break;
		const char *w = p;
		while (*p && *p != ',' && *p != ' ')
			p++;
		for (const char *c = w; c < p; c++)
			if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
				return -1;
		char *tag = tm_xstrndup(w, (size_t)(p - w));
		if (!tm_strv_contains(out, tag))
			tm_strv_push(out, tag);
		free(tag);
	}
	return out->n ? 0 : -1;
}

int tm_cli_flag_option(int c, const char *arg, const char *cmd, tm_flag_opts *fo, tm_strv *cats, int *bad)
{
	char *end;
	switch (c) {
	case 'g': *bad = tm_cli_parse_list(arg, cats) != 0; return 1;
	case 'H':
		fo->depth = (int)strtol(arg, &end, 10);
		*bad = *end || fo->depth < 0 || fo->depth > TM_FLAG_DEPTH_MAX;
		return 1;
	case 'S':
		fo->min_share = strtod(arg, &end);
		*bad = *end || !(fo->min_share >= 0 && fo->min_share <= 100);
		return 1;
	case 'T':
		fprintf(stderr,
			"tiemap: tags are topics and never flag; flags come from involvement claims: use "
			"--categories (tiemap help %s)\n",
			cmd);
		return -1;
	}
	return 0;
}

int tm_cli_flag_categories(const tm_strv *cats, tm_flag_opts *fo)
{
	for (size_t i = 0; i < cats->n; i++) {
		if (!tm_category_find(cats->v[i])) {
			fprintf(stderr, "tiemap: unknown category '%s'; the categories are:", cats->v[i]);
			for (size_t k = 0; k < tm_n_categories; k++)
				fprintf(stderr, " %s", tm_categories[k].id);
			fputc('\n', stderr);
			return TM_EXIT_USAGE;
		}
	}
	fo->categories = (const char *const *)cats->v;
	fo->ncategories = cats->n;
	return 0;
}

tm_rc tm_cli_read_input(const char *path, size_t max, char **data, size_t *len, tm_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return tm_fail(err, TM_ERR_IO, "unable to open '%s'", path);
	tm_buf b = TM_BUF_INIT;
	char chunk[65536];
	size_t n;
	tm_rc rc = TM_OK;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > max) {
			rc = tm_fail(err, TM_ERR_LIMIT, "'%s' is larger than %zu MB", path, max >> 20);
			break;
		}
		tm_buf_add(&b, chunk, n);
	}
	if (!rc && ferror(f))
		rc = tm_fail(err, TM_ERR_IO, "unable to read '%s'", path);
	if (f != stdin)
		fclose(f);
	if (rc) {
		tm_buf_release(&b);
		return rc;
	}
	*len = b.len;
	*data = tm_buf_detach(&b);
	return TM_OK;
}

int tm_cli_print_json(json_t *v)
{
	/* as the API prints it (tm_req_json): 0.85 stays 0.85 */
	int rc = json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	fputc('\n', stdout);
	json_decref(v);
	return rc == 0 ? TM_EXIT_OK : TM_EXIT_FAIL;
}

/* The JSON shapes live in src/view, shared with the web API; these keep the
 * names the commands use. */
json_t *tm_cli_cite_json(tm_cli *cli, const tm_cite *c)
{
	return tm_view_cite_json(cli->st, c);
}

json_t *tm_cli_cites_json(tm_cli *cli, const tm_cites *c)
{
	return tm_view_cites_json(cli->st, c);
}

void tm_cli_entity_names(tm_cli *cli, const char *id, char **en, char **zh)
{
	tm_view_entity_names(cli->st, id, en, zh);
}

json_t *tm_cli_entity_ref_json(tm_cli *cli, const char *id)
{
	return tm_view_entity_ref_json(cli->st, id);
}

static int terminal_width(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	const char *cols = getenv("COLUMNS");
	if (cols && atoi(cols) >= 40)
		return atoi(cols);
	return 100;
}

/* Global options may stand anywhere before "--"; they are taken out of argv
 * so that each command sees only its own. */
static int take_global_options(tm_cli *cli, int *argc, char **argv)
{
	int out = 1;
	for (int i = 1; i < *argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			while (i < *argc)
				argv[out++] = argv[i++];
			break;
		}
		if (strcmp(a, "--db") == 0) {
			if (i + 1 >= *argc) {
				fputs("tiemap: --db needs a path\n", stderr);
				return -1;
			}
			cli->db_path = argv[++i];
		} else if (strncmp(a, "--db=", 5) == 0) {
			cli->db_path = a + 5;
		} else if (strcmp(a, "--json") == 0) {
			cli->json = 1;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			cli->quiet = 1;
		} else {
			argv[out++] = argv[i];
		}
	}
	*argc = out;
	argv[out] = NULL;
	return 0;
}

int tm_cli_main(int argc, char **argv)
{
	tm_cli cli = { 0 };
	cli.db_path = getenv("TIEMAP_DB");
	if (!cli.db_path || !*cli.db_path)
		cli.db_path = "tiemap.db";
	if (take_global_options(&cli, &argc, argv))
		return TM_EXIT_USAGE;
	cli.tty = isatty(STDOUT_FILENO);
	cli.width = terminal_width();
	if (argc < 2) {
		print_overview(stderr);
		return TM_EXIT_USAGE;
	}
	const char *name = argv[1];
	if (strcmp(name, "help") == 0 || strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0)
		return cmd_help(argc > 2 ? argv[2] : NULL);
	if (strcmp(name, "--version") == 0 || strcmp(name, "version") == 0) {
		printf("tiemap 0.1 (schema %d)\n", tm_store_schema_version());
		return TM_EXIT_OK;
	}
	const tm_cmd *cmd = find_cmd(name);
	if (!cmd) {
		fprintf(stderr, "tiemap: unknown command '%s'; see 'tiemap help'\n", name);
		return TM_EXIT_USAGE;
	}
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return cmd_help(name);
	if (cmd->flags & (TM_CMD_STORE | TM_CMD_CREATE)) {
		tm_err err = { 0 };
		int flags = (cmd->flags & TM_CMD_CREATE) ? TM_STORE_CREATE :
			    (cmd->flags & TM_CMD_WRITE)  ? 0 :
							   TM_STORE_READONLY;
		if (tm_store_open(cli.db_path, flags, &cli.st, &err))
			return tm_cli_store_error(&err);
	}
	int status = cmd->run(&cli, argc - 1, argv + 1);
	/* a command that printed what it read may have printed around a
	 * failure of the store (a part it could not read is left out): it
	 * fails with the store's error, never a success with a hole in it */
	tm_err serr = { 0 };
	if (status == 0 && tm_store_error(cli.st, &serr))
		status = tm_cli_error(&serr);
	if (fflush(stdout) != 0 && status == 0)
		status = TM_EXIT_FAIL;
	tm_graph_free(cli.graph);
	tm_store_close(cli.st);
	tm_text_shutdown();
	return status;
}
