#include "cli/cli.h"

#include <stdlib.h>
#include <string.h>

#include "io/io.h"

/* Relations of one entity, collected so they can be grouped. */
struct rel_item {
	int64_t id;
	tm_relation rel;
	int outgoing; /* the entity is the subject */
};
struct rel_list {
	const char *self;
	struct rel_item *v;
	size_t n, cap;
};

static int collect(void *ctx, int64_t id, const tm_relation *r)
{
	struct rel_list *l = ctx;
	TM_GROW(l->v, l->cap, l->n + 1);
	struct rel_item *it = &l->v[l->n++];
	it->id = id;
	it->outgoing = strcmp(r->subject, l->self) == 0;
	/* copy: the callback's record is borrowed */
	memset(&it->rel, 0, sizeof(it->rel));
	it->rel.subject = tm_xstrdup(r->subject);
	it->rel.predicate = tm_xstrdup(r->predicate);
	it->rel.object = tm_xstrdup(r->object);
	memcpy(it->rel.start, r->start, sizeof(r->start));
	memcpy(it->rel.end, r->end, sizeof(r->end));
	it->rel.has_amount = r->has_amount;
	it->rel.amount = r->amount;
	it->rel.currency = tm_xstrdup(r->currency);
	it->rel.has_share = r->has_share;
	it->rel.share = r->share;
	it->rel.note = tm_xstrdup(r->note);
	it->rel.unsourced = r->unsourced;
	for (size_t i = 0; i < r->cites.n; i++)
		tm_cites_push(&it->rel.cites, r->cites.v[i].source, r->cites.v[i].quote, r->cites.v[i].page);
	return 0;
}

/* Group order: predicates in vocabulary order, outgoing before incoming. */
static int group_of(const struct rel_item *it)
{
	return tm_predicate_index(it->rel.predicate) * 2 + (it->outgoing ? 0 : 1);
}

static int item_cmp(const void *a, const void *b)
{
	const struct rel_item *x = a, *y = b;
	int gx = group_of(x), gy = group_of(y);
	if (gx != gy)
		return gx - gy;
	const char *ox = x->outgoing ? x->rel.object : x->rel.subject;
	const char *oy = y->outgoing ? y->rel.object : y->rel.subject;
	int c = strcmp(ox, oy);
	return c ? c : (x->id < y->id ? -1 : x->id > y->id);
}

static const char *label_of(const struct rel_item *it)
{
	const tm_predicate *p = tm_predicate_find(it->rel.predicate);
	return it->outgoing || p->symmetric ? p->label_en : p->inverse_en;
}

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

static void print_text(tm_cli *cli, const tm_entity *e, struct rel_list *l)
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
		struct rel_item *it = &l->v[i];
		if (group_of(it) != group) {
			group = group_of(it);
			printf("\n%s\n", label_of(it));
		}
		const char *other = it->outgoing ? it->rel.object : it->rel.subject;
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

static json_t *to_json(tm_cli *cli, const tm_entity *e, struct rel_list *l)
{
	json_t *o = tm_entity_to_json(e);
	json_object_del(o, "type");
	json_object_set_new(o, "name", json_string(tm_entity_display_name(e, "en")));
	json_object_set_new(o, "name_zh", json_string(tm_entity_display_name(e, "zh")));
	json_object_set_new(o, "sources", tm_cli_cites_json(cli, &e->cites));
	json_t *rels = json_array();
	for (size_t i = 0; i < l->n; i++) {
		struct rel_item *it = &l->v[i];
		const tm_predicate *p = tm_predicate_find(it->rel.predicate);
		json_t *r = tm_relation_to_json(&it->rel);
		json_object_del(r, "type");
		json_object_set_new(r, "direction", json_string(it->outgoing ? "out" : "in"));
		json_object_set_new(r, "label", json_string(label_of(it)));
		json_object_set_new(r, "label_zh",
				    json_string(it->outgoing || p->symmetric ? p->label_zh : p->inverse_zh));
		json_object_set_new(r, "other",
				    tm_cli_entity_ref_json(cli, it->outgoing ? it->rel.object : it->rel.subject));
		json_object_set_new(r, "sources", tm_cli_cites_json(cli, &it->rel.cites));
		json_array_append_new(rels, r);
	}
	json_object_set_new(o, "relations", rels);
	return o;
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
	struct rel_list l = { id, NULL, 0, 0 };
	if (tm_store_get_entity(cli->st, id, &e, &err) ||
	    tm_store_entity_relations(cli->st, id, collect, &l, &err)) {
		status = tm_cli_error(&err);
	} else {
		if (l.n > 1)
			qsort(l.v, l.n, sizeof(l.v[0]), item_cmp);
		if (cli->json)
			status = tm_cli_print_json(to_json(cli, &e, &l));
		else
			print_text(cli, &e, &l);
	}
	for (size_t i = 0; i < l.n; i++)
		tm_relation_release(&l.v[i].rel);
	free(l.v);
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
