/*
 * cli: the command-line tool.  One file per command (cmd_<name>.c), each
 * exporting one `const tm_cmd tm_cmd_<name>`, collected in the table in
 * cli.c.  Only this module and main.c touch argv, stdout and stderr.
 *
 * Exit status: 0 done, 1 failed or not found, 2 usage error or an ambiguous
 * name (the candidates are listed).
 */
#ifndef TM_CLI_H
#define TM_CLI_H

#include <stdio.h>

#include <jansson.h>

#include "core/core.h"
#include "graph/graph.h"
#include "match/match.h"
#include "store/store.h"

enum { TM_EXIT_OK = 0, TM_EXIT_FAIL = 1, TM_EXIT_USAGE = 2 };

/* What every command gets: the global options and the opened store. */
typedef struct tm_cli {
	const char *db_path; /* --db, $TIEMAP_DB or ./tiemap.db */
	int json;            /* --json: machine-readable output */
	int quiet;           /* --quiet: no progress */
	int tty;             /* stdout is a terminal */
	int width;           /* terminal columns for tables */
	tm_store *st;        /* opened by tm_cli_store(); closed by main */
	tm_graph *graph;     /* built by tm_cli_graph(); freed by main */
} tm_cli;

enum {
	TM_CMD_STORE = 1,    /* opens the database (must exist) */
	TM_CMD_CREATE = 2,   /* creates the database if missing */
	TM_CMD_WRITE = 4,    /* opens it writable */
};

typedef struct tm_cmd {
	const char *name;
	int (*run)(tm_cli *cli, int argc, char **argv); /* argv[0] is the command name */
	int flags;
	const char *usage;   /* "search [--limit N] QUERY" */
	const char *summary; /* one line for `tiemap help` */
	const char *help;    /* the rest of `tiemap help CMD` */
} tm_cmd;

int tm_cli_main(int argc, char **argv);

/* Print "tiemap: msg" to stderr and return the exit status for err's rc. */
int tm_cli_error(const tm_err *err);
/* tm_cli_error() for a failed tm_store_open(): a missing database gets the
 * commands that make one. */
int tm_cli_store_error(const tm_err *err);
/* Print a usage line for cmd to stderr; returns TM_EXIT_USAGE. */
int tm_cli_usage(const tm_cmd *cmd);

/* The graph engine over cli->st, built on first use. */
tm_rc tm_cli_graph(tm_cli *cli, tm_graph **out, tm_err *err);

/* Resolve a user's id-or-name to an entity id (owned by the caller).  On
 * failure prints the error (and the candidates when ambiguous) and returns
 * the exit status; 0 on success. */
int tm_cli_resolve(tm_cli *cli, const char *ref, char **id);

/* Print a JSON value to stdout, indented, and consume it (json_decref). */
int tm_cli_print_json(json_t *v);
/* "a,b, c" → out (without repeats): 0, or -1 when a word is not a lower-case
 * word of a-z, 0-9, "_" and "-", or there is none (--categories of screen,
 * audit). */
int tm_cli_parse_list(const char *s, tm_strv *out);

/* The flag options of screen and audit, one meaning for both (and the API's,
 * docs/screening.md): --categories C,…, --depth N (--hops, its old name),
 * --min-share P, and --tags, refused.  Put TM_CLI_FLAG_OPTIONS in the
 * getopt_long table, and hand each option to tm_cli_flag_option(): 1 when it
 * was one of these (*bad set when its value is wrong), 0 when not, -1 for
 * --tags (after saying why: tags are topics).  Then
 * tm_cli_flag_categories() checks the categories against the vocabulary and
 * sets them into fo (they stay owned by cats): 0, or TM_EXIT_USAGE after
 * naming the unknown one and listing the others. */
#define TM_CLI_FLAG_OPTIONS                                                                                            \
	{ "categories", required_argument, NULL, 'g' }, { "depth", required_argument, NULL, 'H' },                   \
		{ "hops", required_argument, NULL, 'H' }, { "min-share", required_argument, NULL, 'S' },             \
		{ "tags", required_argument, NULL, 'T' }
int tm_cli_flag_option(int c, const char *arg, const char *cmd, tm_flag_opts *fo, tm_strv *cats, int *bad);
int tm_cli_flag_categories(const tm_strv *cats, tm_flag_opts *fo);

/* The whole of the file at path ("-": standard input) into *data (owned,
 * NUL-terminated) and *len; fails past max bytes, naming the file. */
tm_rc tm_cli_read_input(const char *path, size_t max, char **data, size_t *len, tm_err *err);

/* A source citation as JSON: id, title, publisher, date, url, quote, page. */
json_t *tm_cli_cite_json(tm_cli *cli, const tm_cite *c);
json_t *tm_cli_cites_json(tm_cli *cli, const tm_cites *c);
/* {"id","kind","name","name_zh"} for an entity id. */
json_t *tm_cli_entity_ref_json(tm_cli *cli, const char *id);
/* Display names of an entity id, English and Chinese (owned). */
void tm_cli_entity_names(tm_cli *cli, const char *id, char **en, char **zh);

/* Tables, in the terminal's width and aware of wide CJK characters. */
typedef struct tm_table {
	size_t ncols;
	const char **headers;
	tm_strv cells; /* row-major */
} tm_table;
void tm_table_init(tm_table *t, size_t ncols, const char **headers);
void tm_table_add(tm_table *t, const char *const *row);
void tm_table_print(const tm_table *t, FILE *out, int width);
void tm_table_release(tm_table *t);

/* A progress bar on stderr with rate and time left; silent unless stderr is
 * a terminal and --quiet is off. */
typedef struct tm_progress {
	const char *label;
	int on;
	double started, last;
} tm_progress;
void tm_progress_start(tm_progress *p, tm_cli *cli, const char *label);
void tm_progress_update(void *p, size_t done, size_t total);
void tm_progress_end(tm_progress *p);

#define TM_CMD(name) extern const tm_cmd tm_cmd_##name
TM_CMD(init);
TM_CMD(import);
TM_CMD(export);
TM_CMD(search);
TM_CMD(show);
TM_CMD(path);
TM_CMD(owners);
TM_CMD(neighbors);
TM_CMD(check);
TM_CMD(stats);
TM_CMD(tour);
TM_CMD(gen);
TM_CMD(serve);
TM_CMD(action);
TM_CMD(digest);
TM_CMD(feed);
TM_CMD(near);
TM_CMD(screen);
TM_CMD(audit);
TM_CMD(archive);
TM_CMD(recover);
TM_CMD(user);
TM_CMD(history);
TM_CMD(revert);
TM_CMD(petition);
TM_CMD(merge);
#undef TM_CMD

#endif
