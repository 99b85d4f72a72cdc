#include "cli/graph_util.h"

#include <stdlib.h>
#include <string.h>

#include "view/view.h"

tm_rc tm_cli_node_of(tm_cli *cli, const char *id, tm_node *out, tm_err *err)
{
	return tm_view_node_of(cli->st, id, out, err);
}

char *tm_cli_id_of(tm_cli *cli, tm_node node)
{
	return tm_view_id_of(cli->st, node);
}

char *tm_cli_node_label(tm_cli *cli, tm_node node)
{
	char *id = tm_cli_id_of(cli, node);
	if (!id)
		return tm_xstrdup("?");
	char *en, *zh;
	tm_cli_entity_names(cli, id, &en, &zh);
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s (%s)", en, id);
	free(en);
	free(zh);
	free(id);
	return tm_buf_detach(&b);
}

/* The store drops edges of predicates this build does not know, so a step's
 * predicate is always in range; the check keeps a bad index from reading past
 * the table should that change. */
static const tm_predicate *step_predicate(const tm_step *step)
{
	if (step->predicate < 0 || (size_t)step->predicate >= tm_n_predicates)
		return &tm_predicates[0];
	return &tm_predicates[step->predicate];
}

json_t *tm_cli_step_json(tm_cli *cli, const tm_step *step)
{
	return tm_view_step_json(cli->st, step);
}

static size_t note_number(tm_strv *notes, const char *source)
{
	for (size_t i = 0; i < notes->n; i++)
		if (strcmp(notes->v[i], source) == 0)
			return i + 1;
	tm_strv_push(notes, source);
	return notes->n;
}

void tm_cli_print_step(tm_cli *cli, const tm_step *step, tm_strv *notes)
{
	const tm_predicate *p = step_predicate(step);
	char *from = tm_cli_node_label(cli, step->from), *to = tm_cli_node_label(cli, step->to);
	printf("  %s —%s→ %s ", from, step->forward || p->symmetric ? p->label_en : p->inverse_en, to);
	tm_relation r;
	if (tm_store_get_relation(cli->st, step->rel_id, &r, NULL) == TM_OK) {
		for (size_t i = 0; i < r.cites.n; i++)
			printf("[%zu]", note_number(notes, r.cites.v[i].source));
		tm_relation_release(&r);
	}
	printf("\n");
	free(from);
	free(to);
}

void tm_cli_print_notes(tm_cli *cli, const tm_strv *notes)
{
	if (!notes->n)
		return;
	printf("\nSources\n");
	for (size_t i = 0; i < notes->n; i++) {
		tm_source s;
		if (tm_store_get_source(cli->st, notes->v[i], &s, NULL) != TM_OK)
			continue;
		printf("  [%zu] %s", i + 1, s.title);
		if (s.publisher)
			printf(", %s", s.publisher);
		if (s.date[0])
			printf(", %s", s.date);
		if (s.url)
			printf(". %s", s.url);
		printf("\n");
		tm_source_release(&s);
	}
}
