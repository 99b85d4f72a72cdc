#include "cli/cli.h"

#include <string.h>

#include "archive/archive.h"

#define N_KINDS 10

struct check_out {
	json_t *arr;
	size_t counts[N_KINDS];
};

static const char *const kinds[N_KINDS] = { "unsourced_entity",   "unsourced_relation",   "uncited_source",
					    "isolated_entity",    "duplicate_key",        "quote_not_in_archive",
					    "archive_unreadable", "place_involvement",    "unchecked_source",
					    "likely_duplicate" };

static int on_finding(void *ctx, const tm_finding *f)
{
	struct check_out *o = ctx;
	for (size_t i = 0; i < N_KINDS; i++)
		if (strcmp(kinds[i], f->what) == 0)
			o->counts[i]++;
	if (o->arr) {
		json_t *j = json_object();
		json_object_set_new(j, "check", json_string(f->what));
		json_object_set_new(j, "id", json_string(f->id ? f->id : ""));
		json_object_set_new(j, "detail", json_string(f->detail ? f->detail : ""));
		json_array_append_new(o->arr, j);
	} else {
		printf("%-20s %s: %s\n", f->what, f->id ? f->id : "", f->detail ? f->detail : "");
	}
	return 0;
}

/* A pair that looks like one entity, as a finding: "a b" and why. */
static int on_duplicate(void *ctx, const tm_duplicate *d)
{
	tm_buf id = TM_BUF_INIT, why = TM_BUF_INIT;
	tm_buf_addf(&id, "%s %s", d->a, d->b);
	tm_buf_addf(&why, "same %s; if they are one, 'tiemap merge %s %s' keeps the first", d->detail, d->a, d->b);
	tm_finding f = { "likely_duplicate", id.buf, why.buf };
	int stop = on_finding(ctx, &f);
	tm_buf_release(&id);
	tm_buf_release(&why);
	return stop;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return tm_cli_usage(&tm_cmd_check);
	struct check_out o = { cli->json ? json_array() : NULL, { 0 } };
	tm_err err = { 0 };
	/* then the quotes against the archived copies of their sources */
	if (tm_store_check(cli->st, on_finding, &o, &err) || tm_store_duplicates(cli->st, 0, on_duplicate, &o, &err) ||
	    tm_archive_check(cli->st, on_finding, &o, &err)) {
		json_decref(o.arr);
		return tm_cli_error(&err);
	}
	size_t unsourced = o.counts[0] + o.counts[1];
	if (cli->json) {
		json_t *root = json_object(), *summary = json_object();
		for (size_t i = 0; i < N_KINDS; i++)
			json_object_set_new(summary, kinds[i], json_integer((json_int_t)o.counts[i]));
		json_object_set_new(root, "summary", summary);
		json_object_set_new(root, "findings", o.arr);
		tm_cli_print_json(root);
	} else {
		printf("%zu unsourced claims, %zu uncited sources, %zu isolated entities, %zu shared match keys, "
		       "%zu involvements of places, %zu cited sources not checked, %zu likely duplicates",
		       unsourced, o.counts[2], o.counts[3], o.counts[4], o.counts[7], o.counts[8], o.counts[9]);
		/* only for a database that has archived copies to check */
		if (o.counts[5] || o.counts[6])
			printf(", %zu quotes not in the archived copy, %zu unreadable copies", o.counts[5], o.counts[6]);
		printf("\n");
	}
	/* unsourced claims are the one finding that makes the data unpublishable */
	return unsourced ? TM_EXIT_FAIL : TM_EXIT_OK;
}

const tm_cmd tm_cmd_check = {
	"check", run, TM_CMD_STORE, "check",
	"list unsourced claims, uncited sources, isolated entities, likely duplicates and unchecked sources",
	"Exit status 1 when any claim is unsourced (imported with --allow-unsourced);\n"
	"the other findings are for a reviewer to look at.  For a source archived\n"
	"with 'tiemap archive', each quote citing it is looked for in its latest\n"
	"copy: quote_not_in_archive names a quote the copy no longer has (and the\n"
	"earlier copy that had it), archive_unreadable a copy whose text cannot be read.\n"
	"place_involvement names an involvement of a country, region or city (a place\n"
	"carries none), unchecked_source a cited source whose title and address\n"
	"nobody has seen (docs/format.md).\n",
};
