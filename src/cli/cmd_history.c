/*
 * tiemap history ID / tiemap revert REV (docs/editing.md).
 */
#include "cli/cli.h"

#include <getopt.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edit/edit.h"

/* The record type KEY names when none was given: a relation key has
 * spaces, so has an involvement's ("entity category[ start..end]", its
 * second word a category); otherwise the first type with a record or a
 * history by that id. */
static tm_record_type guess_type(tm_store *st, const char *key)
{
	if (strchr(key, ' ')) {
		tm_involvement v;
		int inv = tm_involvement_key_parse(key, &v);
		tm_involvement_release(&v);
		return inv ? TM_RECORD_INVOLVEMENT : TM_RECORD_RELATION;
	}
	static const tm_record_type order[] = { TM_RECORD_ENTITY, TM_RECORD_SOURCE, TM_RECORD_ACTION, TM_RECORD_SITE };
	for (size_t i = 0; i < 4; i++) {
		char *now = NULL;
		int64_t rev = 0;
		tm_record_stored(st, order[i], key, &now, NULL);
		tm_store_latest_revision(st, tm_record_type_name(order[i]), key, &rev, NULL);
		free(now);
		if (now || rev)
			return order[i];
	}
	return TM_RECORD_ENTITY;
}

struct hist_ctx {
	tm_cli *cli;
	json_t *arr;
	int n;
};

static const char *what_of(const tm_revision *r)
{
	return !r->before ? "created" : !r->after ? "deleted" : r->prev_key ? "moved" : "changed";
}

static void diff_line(void *ctx, const char *field, const char *old, const char *new_)
{
	json_t *arr = ctx;
	json_t *o = json_object();
	json_object_set_new(o, "field", json_string(field));
	json_object_set_new(o, "before", old ? json_loads(old, JSON_DECODE_ANY, NULL) : json_null());
	json_object_set_new(o, "after", new_ ? json_loads(new_, JSON_DECODE_ANY, NULL) : json_null());
	json_array_append_new(arr, o);
}

static void print_diff(void *ctx, const char *field, const char *old, const char *new_)
{
	(void)ctx;
	if (old)
		printf("    - %s: %s\n", field, old);
	if (new_)
		printf("    + %s: %s\n", field, new_);
}

static int show_rev(void *p, const tm_revision *r, const tm_change *c)
{
	struct hist_ctx *h = p;
	h->n++;
	if (h->cli->json) {
		json_t *o = json_object();
		json_object_set_new(o, "revision", json_integer(r->id));
		json_object_set_new(o, "change", json_integer(c->id));
		json_object_set_new(o, "at", json_string(c->at));
		json_object_set_new(o, "author", json_string(c->author));
		json_object_set_new(o, "via", json_string(c->via));
		json_object_set_new(o, "summary", json_string(c->summary));
		json_object_set_new(o, "status", json_string(tm_change_status_name(c->status)));
		if (c->reviewer)
			json_object_set_new(o, "reviewer", json_string(c->reviewer));
		if (c->reviewed_at)
			json_object_set_new(o, "reviewed_at", json_string(c->reviewed_at));
		if (c->review_note)
			json_object_set_new(o, "review_note", json_string(c->review_note));
		if (c->approves)
			json_object_set_new(o, "approves", json_integer(c->approves));
		json_object_set_new(o, "what", json_string(what_of(r)));
		json_object_set_new(o, "record", json_string(r->record));
		json_object_set_new(o, "key", json_string(r->key));
		if (r->prev_key)
			json_object_set_new(o, "prev_key", json_string(r->prev_key));
		json_t *diff = json_array();
		tm_edit_diff(r->before, r->after, diff_line, diff);
		json_object_set_new(o, "diff", diff);
		json_array_append_new(h->arr, o);
		return 0;
	}
	char status[24] = "";
	if (c->status != TM_CHANGE_PUBLISHED)
		snprintf(status, sizeof(status), "  [%s]", tm_change_status_name(c->status));
	printf("revision %lld  %s  %s  %s by %s (%s)%s\n  %s\n", (long long)r->id, c->at, what_of(r), r->key, c->author,
	       c->via, status, c->summary);
	if (c->status == TM_CHANGE_APPROVED && c->reviewer)
		printf("  approved by %s at %s%s%s\n", c->reviewer, c->reviewed_at ? c->reviewed_at : "?",
		       c->review_note ? ": " : "", c->review_note ? c->review_note : "");
	if (c->approves)
		printf("  approves change %lld\n", (long long)c->approves);
	if (r->prev_key)
		printf("    (was %s)\n", r->prev_key);
	tm_edit_diff(r->before, r->after, print_diff, NULL);
	return 0;
}

static int run_history(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "record", required_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *record = NULL;
	int all = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'r')
			record = optarg;
		else if (c == 'a')
			all = 1;
		else
			return tm_cli_usage(&tm_cmd_history);
	}
	if (optind + 1 != argc)
		return tm_cli_usage(&tm_cmd_history);
	const char *key = argv[optind];
	tm_record_type t = record ? tm_record_type_parse(record) : guess_type(cli->st, key);
	if (t == TM_RECORD_NONE) {
		fprintf(stderr, "tiemap: unknown record type '%s': use entity, source, relation, involvement, action or site\n",
			record);
		return TM_EXIT_USAGE;
	}
	struct hist_ctx h = { cli, json_array(), 0 };
	tm_err err = { 0 };
	tm_rc rc = tm_store_history(cli->st, tm_record_type_name(t), key, all, show_rev, &h, &err);
	if (rc) {
		json_decref(h.arr);
		return tm_cli_error(&err);
	}
	if (cli->json) {
		json_t *o = json_object();
		json_object_set_new(o, "record", json_string(tm_record_type_name(t)));
		json_object_set_new(o, "key", json_string(key));
		json_object_set_new(o, "revisions", h.arr);
		return tm_cli_print_json(o);
	}
	json_decref(h.arr);
	if (!h.n) {
		fprintf(stderr, "tiemap: no history for %s '%s'\n", tm_record_type_name(t), key);
		return TM_EXIT_FAIL;
	}
	return TM_EXIT_OK;
}

const tm_cmd tm_cmd_history = {
	"history", run_history, TM_CMD_STORE, "history [--record TYPE] [--all] ID",
	"every revision of a record, newest first, with what changed",
	"ID is an entity, source, action or site id, a relation's key\n"
	"\"subject predicate object\" or an involvement claim's \"entity category\"\n"
	"(each with \" start..end\" when it has dates); --record\n"
	"says which type when an id is ambiguous.  Each revision shows its change:\n"
	"when, by whom (an account, or an import and its operator), how (form, api,\n"
	"import, revert, cli), the summary, and the fields before (-) and after (+).\n"
	"A deleted record keeps its history.  --all adds changes still waiting for\n"
	"review or rejected.  docs/editing.md.\n",
};

static int run_revert(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "summary", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *summary = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			summary = optarg;
		else
			return tm_cli_usage(&tm_cmd_revert);
	}
	if (optind + 1 != argc)
		return tm_cli_usage(&tm_cmd_revert);
	char *end;
	long long rev = strtoll(argv[optind], &end, 10);
	if (*end || rev <= 0) {
		fprintf(stderr, "tiemap: '%s' is not a revision number\n", argv[optind]);
		return TM_EXIT_USAGE;
	}
	/* whoever may write the database file is its operator, as for import */
	char name[96];
	struct passwd *pw = getpwuid(getuid());
	snprintf(name, sizeof(name), "cli (%s)", pw && pw->pw_name ? pw->pw_name : "unknown");
	tm_editor who = { name, 0, TM_ROLE_EDITOR, "cli" };
	tm_edit_result res;
	tm_err err = { 0 };
	tm_rc rc = tm_edit_revert(cli->st, &who, rev, summary, &res, &err);
	if (rc) {
		int status = tm_cli_error(&err);
		if (res.conflict)
			tm_edit_diff(res.then, res.now, print_diff, NULL);
		tm_edit_result_release(&res);
		return status;
	}
	if (cli->json) {
		json_t *o = json_object();
		json_object_set_new(o, "change", json_integer(res.change));
		json_object_set_new(o, "reverted", json_integer(rev));
		tm_edit_result_release(&res);
		return tm_cli_print_json(o);
	}
	if (!cli->quiet)
		printf("reverted revision %lld as change %lld\n", rev, (long long)res.change);
	tm_edit_result_release(&res);
	return TM_EXIT_OK;
}

const tm_cmd tm_cmd_revert = {
	"revert", run_revert, TM_CMD_STORE | TM_CMD_WRITE, "revert [--summary TEXT] REV",
	"undo one revision, as a new change",
	"Puts the record of revision REV back as it was before it (a record REV made\n"
	"is deleted; one it deleted comes back), as a change of its own by the\n"
	"operator, so that history keeps both.  Refused when the record has changed\n"
	"since REV: revert the later revisions first (the differences are shown).\n",
};
