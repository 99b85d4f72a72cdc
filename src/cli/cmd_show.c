#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "view/view.h"

/* Footnotes: each distinct source gets one number, in order of first use. */
struct notes {
	tm_strv ids;
};

static size_t note_of(struct notes *n, const char *source)
{
	for (size_t i = 0; i < n->ids.n; i++)
		if (strcmp(n->ids.v[i], source) == 0)
			return i + 1;
	tm_strv_push(&n->ids, source);
	return n->ids.n;
}

static void print_marks(struct notes *n, const tm_cites *c)
{
	/* one mark per source, even when a claim quotes it twice */
	for (size_t i = 0; i < c->n; i++) {
		int seen = 0;
		for (size_t k = 0; k < i; k++)
			seen |= strcmp(c->v[k].source, c->v[i].source) == 0;
		if (!seen)
			printf("[%zu]", note_of(n, c->v[i].source));
	}
	if (!c->n)
		printf(" (unsourced)");
}

static void print_text(tm_cli *cli, const tm_entity *e, const tm_view_rels *l)
{
	printf("%s (%s)\n", tm_entity_display_name(e, "en"), e->id);
	const tm_kind *k = tm_kind_find(e->kind);
	printf("  kind:        %s / %s\n", k ? k->label_en : e->kind, k ? k->label_zh : e->kind);
	if (e->country)
		printf("  country:     %s\n", e->country);
	if (e->start[0] || e->end[0])
		printf("  dates:       %s – %s\n", e->start[0] ? e->start : "?", e->end[0] ? e->end : "");
	printf("  names:      ");
	for (size_t i = 0; i < e->n_names; i++)
		printf("%s %s [%s]%s", i ? "," : "", e->names[i].text, e->names[i].lang, e->names[i].primary ? "*" : "");
	printf("\n");
	if (e->tags.n) {
		printf("  tags:       ");
		for (size_t i = 0; i < e->tags.n; i++)
			printf(" %s", e->tags.v[i]);
		printf("\n");
	}
	for (size_t i = 0; i < e->n_idents; i++)
		printf("  %-12s %s\n", e->idents[i].scheme, e->idents[i].value);
	if (e->desc_en)
		printf("  description: %s\n", e->desc_en);
	if (e->desc_zh)
		printf("  描述:        %s\n", e->desc_zh);
	struct notes notes = { TM_STRV_INIT };
	printf("  sources:     ");
	print_marks(&notes, &e->cites);
	printf("\n");
	int group = -1;
	for (size_t i = 0; i < l->n; i++) {
		const tm_view_rel *it = &l->v[i];
		if (tm_view_rel_group(it) != group) {
			group = tm_view_rel_group(it);
			printf("\n%s\n", tm_view_rel_label(it, "en"));
		}
		const char *other = tm_view_rel_other(it);
		char *en, *zh;
		tm_cli_entity_names(cli, other, &en, &zh);
		printf("  %s", en);
		if (strcmp(en, zh) != 0)
			printf(" / %s", zh);
		printf(" (%s)", other);
		if (it->rel.start[0] || it->rel.end[0])
			printf(" %s%s%s", it->rel.start, it->rel.end[0] ? "–" : "", it->rel.end);
		if (it->rel.has_amount)
			printf(" %.15g %s", it->rel.amount, it->rel.currency ? it->rel.currency : "");
		if (it->rel.has_share)
			printf(" %.4g%%", it->rel.share);
		printf(" ");
		print_marks(&notes, &it->rel.cites);
		printf("\n");
		free(en);
		free(zh);
	}
	printf("\nSources\n");
	for (size_t i = 0; i < notes.ids.n; i++) {
		tm_source s;
		printf("  [%zu] ", i + 1);
		if (tm_store_get_source(cli->st, notes.ids.v[i], &s, NULL) != TM_OK) {
			printf("%s\n", notes.ids.v[i]);
			continue;
		}
		printf("%s", s.title);
		if (s.author)
			printf(" — %s", s.author);
		if (s.publisher)
			printf(", %s", s.publisher);
		if (s.date[0])
			printf(", %s", s.date);
		if (s.url)
			printf(". %s", s.url);
		printf(" (%s)\n", s.id);
		tm_source_release(&s);
	}
	tm_strv_release(&notes.ids);
}

static int run(tm_cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return tm_cli_usage(&tm_cmd_show);
	char *id;
	int status = tm_cli_resolve(cli, argv[1], &id);
	if (status)
		return status;
	tm_entity e;
	tm_err err = { 0 };
	tm_view_rels l = { 0 };
	if (tm_store_get_entity(cli->st, id, &e, &err)) {
		free(id);
		return tm_cli_error(&err);
	}
	if (tm_view_rels_load(cli->st, id, &l, &err))
		status = tm_cli_error(&err);
	else if (cli->json) {
		/* built first, and printed only if the store did not fail meanwhile */
		json_t *o = tm_view_entity_json(cli->st, &e, &l);
		if (tm_store_error(cli->st, &err)) {
			json_decref(o);
			status = tm_cli_error(&err);
		} else {
			status = tm_cli_print_json(o);
		}
	} else
		print_text(cli, &e, &l);
	tm_view_rels_release(&l);
	tm_entity_release(&e);
	free(id);
	return status;
}

const tm_cmd tm_cmd_show = {
	"show", run, TM_CMD_STORE, "show ENTITY",
	"an entity: names, attributes and relations both ways, each with its sources",
	"ENTITY is an id or a name.  Relations are grouped by predicate, read from\n"
	"this entity (owns, owned by …); numbered marks point to the sources listed\n"
	"at the end.\n",
};
