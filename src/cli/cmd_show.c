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

/* The words each citation quotes, under its claim: evidence beside the claim,
 * as on the site. */
static void print_quotes(struct notes *n, const tm_cites *c, const char *indent)
{
	for (size_t i = 0; i < c->n; i++) {
		if (!c->v[i].quote && !c->v[i].page)
			continue;
		printf("%s", indent);
		if (c->v[i].quote)
			printf("“%s”", c->v[i].quote);
		if (c->v[i].page)
			printf("%s(%s)", c->v[i].quote ? " " : "", c->v[i].page);
		printf(" [%zu]\n", note_of(n, c->v[i].source));
	}
}

struct invs {
	tm_involvement *v;
	size_t n, cap;
};

static int collect_inv(void *ctx, int64_t inv_id, const tm_involvement *v)
{
	(void)inv_id;
	struct invs *l = ctx;
	TM_GROW(l->v, l->cap, l->n + 1);
	tm_involvement_copy(&l->v[l->n++], v);
	return 0;
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
		/* topics, for browsing and search: never an accusation */
		printf("  topics:     ");
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
	print_quotes(&notes, &e->cites, "               ");
	/* the latest change of the entity, its relations and its involvement */
	char last[TM_DATE_MAX];
	snprintf(last, sizeof(last), "%s", e->changed);
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].rel.changed, last) > 0)
			snprintf(last, sizeof(last), "%s", l->v[i].rel.changed);
	struct invs inv = { 0 };
	tm_err err = { 0 };
	if (tm_store_entity_involvements(cli->st, e->id, collect_inv, &inv, &err))
		fprintf(stderr, "tiemap: %s\n", err.msg);
	for (size_t i = 0; i < inv.n; i++)
		if (strcmp(inv.v[i].changed, last) > 0)
			snprintf(last, sizeof(last), "%s", inv.v[i].changed);
	if (e->added[0])
		printf("  added:       %s; last changed %s\n", e->added, last);
	/* involvement: the claims that the entity takes part in an abuse, each
	 * with its evidence, apart from topics */
	printf("\nInvolvement / 参与\n");
	if (!inv.n)
		printf("  none recorded: no source in the data says so\n");
	for (size_t i = 0; i < inv.n; i++) {
		const tm_involvement *v = &inv.v[i];
		const tm_category *c = tm_category_find(v->category);
		printf("  %s / %s (%s)", c ? c->label_en : v->category, c ? c->label_zh : v->category, v->category);
		if (v->start[0] || v->end[0])
			printf(" %s–%s", v->start, v->end);
		printf(" ");
		print_marks(&notes, &v->cites);
		printf("\n");
		if (v->note)
			printf("    %s\n", v->note);
		print_quotes(&notes, &v->cites, "    ");
		tm_involvement_release(&inv.v[i]);
	}
	free(inv.v);
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
		print_quotes(&notes, &it->rel.cites, "      ");
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
		printf(" (%s)", s.id);
		if (s.accessed[0])
			printf(", read %s", s.accessed);
		if (!s.checked)
			printf(" — not checked: its title and address were supplied, not seen");
		printf("\n");
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
	"an entity: names, attributes, involvement and relations both ways, each with its sources",
	"ENTITY is an id or a name.  Involvement (the entity's part in an abuse, by\n"
	"category: docs/format.md) comes first, apart from topics; relations are\n"
	"grouped by predicate, read from this entity (owns, owned by …).  Each claim\n"
	"is followed by the words its sources say it in; numbered marks point to the\n"
	"sources listed at the end, an unchecked one marked.  --json gives the same\n"
	"object as the API (docs/cli.md).\n",
};
