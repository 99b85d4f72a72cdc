#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "campaign/campaign.h"

/* "2024-W09", "this" or "last", the week of `now` in tz for the last two. */
static tm_rc pick_week(const char *arg, const char *tz, tm_week *out, tm_err *err)
{
	int this_week = !arg || strcmp(arg, "this") == 0, last = arg && strcmp(arg, "last") == 0;
	if (!this_week && !last)
		return tm_week_parse(arg, out, err);
	tm_day today;
	tm_rc rc = tm_tz_day(tz, (int64_t)time(NULL), &today, err);
	if (rc)
		return rc;
	*out = tm_week_of(today - (last ? 7 : 0));
	return TM_OK;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "week", required_argument, NULL, 'w' },
		{ "tz", required_argument, NULL, 'z' },
		{ "lang", required_argument, NULL, 'l' },
		{ "format", required_argument, NULL, 'f' },
		{ "post-chars", required_argument, NULL, 'p' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *week_arg = NULL, *tz = "UTC", *format = "md", *output = NULL;
	const char *base = getenv("TIEMAP_BASE_URL");
	tm_digest_opts o = { .lang = "zh", .format = TM_DIGEST_MD };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "w:l:f:o:", opts, NULL)) != -1) {
		char *end;
		switch (c) {
		case 'w': week_arg = optarg; break;
		case 'z': tz = optarg; break;
		case 'l': o.lang = optarg; break;
		case 'f': format = optarg; break;
		case 'b': base = optarg; break;
		case 'o': output = optarg; break;
		case 'p':
			errno = 0;
			o.post_chars = (size_t)strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || o.post_chars > 100000)
				return tm_cli_usage(&tm_cmd_digest);
			break;
		default: return tm_cli_usage(&tm_cmd_digest);
		}
	}
	if (optind < argc)
		return tm_cli_usage(&tm_cmd_digest);
	if (strcmp(format, "md") == 0) {
		o.format = TM_DIGEST_MD;
	} else if (strcmp(format, "html") == 0) {
		o.format = TM_DIGEST_HTML;
	} else if (strcmp(format, "txt") == 0) {
		o.format = TM_DIGEST_TXT;
	} else {
		fprintf(stderr, "tiemap: unknown format '%s': use md, html or txt\n", format);
		return TM_EXIT_USAGE;
	}
	if (o.post_chars && o.format != TM_DIGEST_TXT) {
		fputs("tiemap: --post-chars cuts plain text: use it with --format txt\n", stderr);
		return TM_EXIT_USAGE;
	}
	if (base && *base) {
		size_t n = strlen(base);
		while (n && base[n - 1] == '/')
			n--;
		o.base_url = tm_xstrndup(base, n);
	}
	tm_err err = { 0 };
	tm_buf out = TM_BUF_INIT;
	tm_strv posts = TM_STRV_INIT;
	tm_digest_counts counts;
	int status = TM_EXIT_OK;
	if (pick_week(week_arg, tz, &o.week, &err) || tm_digest_render(cli->st, &o, &out, &posts, &counts, &err)) {
		status = tm_cli_error(&err);
		if (err.rc == TM_ERR_INVALID) /* a bad week, zone or language */
			status = TM_EXIT_USAGE;
	} else if (cli->json) {
		char wk[16], from[TM_DATE_MAX], to[TM_DATE_MAX];
		tm_week_format(o.week, wk);
		tm_day_format(tm_week_monday(o.week), from);
		tm_day_format(tm_week_monday(o.week) + 6, to);
		json_t *root = json_object();
		json_object_set_new(root, "week", json_string(wk));
		json_object_set_new(root, "from", json_string(from));
		json_object_set_new(root, "to", json_string(to));
		json_object_set_new(root, "lang", json_string(o.lang));
		json_object_set_new(root, "format", json_string(format));
		json_object_set_new(root, "actions", json_integer((json_int_t)counts.actions));
		json_object_set_new(root, "untranslated", json_integer((json_int_t)counts.untranslated));
		if (o.format == TM_DIGEST_TXT) {
			json_t *arr = json_array();
			for (size_t i = 0; i < posts.n; i++)
				json_array_append_new(arr, json_string(posts.v[i]));
			json_object_set_new(root, "posts", arr);
		} else {
			json_object_set_new(root, "text", json_string(out.buf));
		}
		status = tm_cli_print_json(root);
	} else {
		FILE *f = output ? fopen(output, "wb") : stdout;
		if (!f) {
			fprintf(stderr, "tiemap: unable to create '%s': %s\n", output, strerror(errno));
			status = TM_EXIT_FAIL;
		} else {
			fwrite(out.buf, 1, out.len, f);
			if (output && fclose(f) != 0) {
				fprintf(stderr, "tiemap: unable to write '%s'\n", output);
				status = TM_EXIT_FAIL;
			}
		}
	}
	free((char *)o.base_url);
	tm_buf_release(&out);
	tm_strv_release(&posts);
	return status;
}

const tm_cmd tm_cmd_digest = {
	"digest", run, TM_CMD_STORE,
	"digest [--week 2024-W09|this|last] [--tz ZONE] [--lang zh|en|both] [--format md|html|txt]\n"
	"              [--post-chars N] [--base-url URL] [--output FILE]",
	"the week's actions as a bilingual overview",
	"Lists the actions dated within one ISO week (Monday to Sunday), grouped by\n"
	"kind and then by country, each with its summary, targets and sources, and\n"
	"the counts on top.  An action that lacks the language asked for is shown in\n"
	"the one it has and marked untranslated.  --week defaults to this week, and\n"
	"'this' and 'last' are reckoned in --tz (an IANA zone, default UTC).\n"
	"--lang both pairs each item's English and Chinese.  md pastes into Substack,\n"
	"html into an e-mail; txt with --post-chars N cuts the text into numbered\n"
	"posts of at most N characters that never split a sentence or a link.\n"
	"--base-url (or $TIEMAP_BASE_URL) links titles and targets to the site's\n"
	"pages; sources always link to their own URLs.\n",
};
