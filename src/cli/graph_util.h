/*
 * What the graph commands (path, owners, neighbors, tour) share: graph nodes
 * back to entities, and steps to JSON edges with their sources.
 */
#ifndef TM_CLI_GRAPH_UTIL_H
#define TM_CLI_GRAPH_UTIL_H

#include "cli/cli.h"

/* The graph node of an entity id. */
tm_rc tm_cli_node_of(tm_cli *cli, const char *id, tm_node *out, tm_err *err);
/* The entity id of a node (owned), or NULL. */
char *tm_cli_id_of(tm_cli *cli, tm_node node);
/* {"from","predicate","to","direction","label","label_zh","start","end","sources":[…]}
 * where from/to follow the walk and direction says whether the walk ran
 * subject→object ("forward") or against it ("inverse"). */
json_t *tm_cli_step_json(tm_cli *cli, const tm_step *step);
/* "Hikvision —developed→ Hikvision cameras [1]" style, one line. */
void tm_cli_print_step(tm_cli *cli, const tm_step *step, tm_strv *notes);
/* The numbered source list of notes. */
void tm_cli_print_notes(tm_cli *cli, const tm_strv *notes);
/* A node's "English name (id)" for text output (owned). */
char *tm_cli_node_label(tm_cli *cli, tm_node node);

#endif
