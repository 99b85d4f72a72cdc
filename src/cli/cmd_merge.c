/*
 * tiemap merge KEEP GONE (docs/editing.md, "Merging").
 */
#include "cli/cli.h"

#include <getopt.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "edit/edit.h"

static int run(tm_cli *cli, int argc, char **argv)
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
			return tm_cli_usage(&tm_cmd_merge);
	}
	if (optind + 2 != argc)
		return tm_cli_usage(&tm_cmd_merge);
	/* ids, never names: a merge by a name that resolved to the wrong
	 * entity would be an accusation moved to another institution */
	const char *keep = argv[optind], *gone = argv[optind + 1];
	char name[96];
	struct passwd *pw = getpwuid(getuid());
	snprintf(name, sizeof(name), "cli (%s)", pw && pw->pw_name ? pw->pw_name : "unknown");
	tm_editor who = { name, 0, TM_ROLE_EDITOR, "cli" };
	tm_edit_result res;
	tm_err err = { 0 };
	tm_rc rc = tm_edit_merge(cli->st, &who, keep, gone, summary, &res, &err);
	if (rc) {
		tm_edit_result_release(&res);
		return tm_cli_error(&err);
	}
	if (cli->json) {
		json_t *o = json_object();
		json_object_set_new(o, "kept", json_string(keep));
		json_object_set_new(o, "merged", json_string(gone));
		json_object_set_new(o, "change", json_integer(res.change));
		json_object_set_new(o, "revision", json_integer(res.revision));
		tm_edit_result_release(&res);
		return tm_cli_print_json(o);
	}
	if (!cli->quiet)
		printf("merged '%s' into '%s' as change %lld; '%s' now names '%s' (undo: tiemap revert %lld)\n", gone,
		       keep, (long long)res.change, gone, keep, (long long)res.revision);
	tm_edit_result_release(&res);
	return TM_EXIT_OK;
}

const tm_cmd tm_cmd_merge = {
	"merge", run, TM_CMD_STORE | TM_CMD_WRITE, "merge [--summary TEXT] KEEP GONE",
	"merge entity GONE into KEEP; GONE's id then names KEEP",
	"Moves GONE's names, identifiers, tags, citations, ties, actions and sites\n"
	"to KEEP (KEEP's own fields stay; its empty ones take GONE's), merges a tie\n"
	"that lands on one KEEP has already (their citations kept), deletes GONE and\n"
	"keeps its id as KEEP's referent: `show GONE`, /entities/GONE (301) and the\n"
	"API then answer for KEEP.  One change, by the operator; `tiemap revert`\n"
	"of any of its revisions undoes the whole merge.  Refused, changing\n"
	"nothing, when KEEP and GONE are the same, either is already a merged id,\n"
	"or a tie joins them (by their sources they are two institutions).\n"
	"`tiemap check` lists likely duplicates (likely_duplicate).  docs/editing.md.\n",
};
