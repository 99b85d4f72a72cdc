#include "cli/graph_util.h"

#include <stdlib.h>
#include <string.h>

tm_rc tm_cli_node_of(tm_cli *cli, const char *id, tm_node *out, tm_err *err)
{
	tm_ekey k;
	tm_rc rc = tm_store_ekey(cli->st, id, &k, err);
	*out = (tm_node)k;
	return rc;
}

char *tm_cli_id_of(tm_cli *cli, tm_node node)
{
	char *id = NULL;
	tm_store_entity_id(cli->st, (tm_ekey)node, &id, NULL);
	return id;
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

json_t *tm_cli_step_json(tm_cli *cli, const tm_step *step)
{
	json_t *o = json_object();
	char *from = tm_cli_id_of(cli, step->from), *to = tm_cli_id_of(cli, step->to);
	const tm_predicate *p = &tm_predicates[step->predicate];
	json_object_set_new(o, "from", json_string(from ? from : ""));
	json_object_set_new(o, "predicate", json_string(p->id));
	json_object_set_new(o, "to", json_string(to ? to : ""));
	json_object_set_new(o, "direction", json_string(step->forward ? "forward" : "inverse"));
	json_object_set_new(o, "label", json_string(step->forward || p->symmetric ? p->label_en : p->inverse_en));
	json_object_set_new(o, "label_zh", json_string(step->forward || p->symmetric ? p->label_zh : p->inverse_zh));
	tm_relation r;
	if (tm_store_get_relation(cli->st, step->rel_id, &r, NULL) == TM_OK) {
		if (r.start[0])
			json_object_set_new(o, "start", json_string(r.start));
		if (r.end[0])
			json_object_set_new(o, "end", json_string(r.end));
		json_object_set_new(o, "sources", tm_cli_cites_json(cli, &r.cites));
		tm_relation_release(&r);
	} else {
		json_object_set_new(o, "sources", json_array());
	}
	free(from);
	free(to);
	return o;
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
	const tm_predicate *p = &tm_predicates[step->predicate];
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
