#include "cli/cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/campaign.h"

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lang", required_argument, NULL, 'l' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "limit", required_argument, NULL, 'n' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *base = getenv("TIEMAP_BASE_URL");
	tm_feed_opts o = { .lang = "zh", .limit = 50 };
	long limit;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "l:n:o:", opts, NULL)) != -1) {
		if (c == 'l')
			o.lang = optarg;
		else if (c == 'b')
			base = optarg;
		else if (c == 'o')
			output = optarg;
		else if (c == 'n' && (limit = strtol(optarg, NULL, 10)) >= 1 && limit <= 10000)
			o.limit = (size_t)limit;
		else
			return tm_cli_usage(&tm_cmd_feed);
	}
	if (optind < argc)
		return tm_cli_usage(&tm_cmd_feed);
	char *trimmed = NULL;
	if (base && *base) {
		size_t n = strlen(base);
		while (n && base[n - 1] == '/')
			n--;
		o.base_url = trimmed = tm_xstrndup(base, n);
	} else {
		o.base_url = "http://127.0.0.1:8080";
	}
	tm_err err = { 0 };
	tm_buf out = TM_BUF_INIT;
	int status = TM_EXIT_OK;
	if (tm_feed_render(cli->st, &o, &out, &err)) {
		status = tm_cli_error(&err);
		if (err.rc == TM_ERR_INVALID)
			status = TM_EXIT_USAGE;
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
	free(trimmed);
	tm_buf_release(&out);
	return status;
}

const tm_cmd tm_cmd_feed = {
	"feed", run, TM_CMD_STORE, "feed [--lang zh|en] [--base-url URL] [--limit N] [--output FILE]",
	"an Atom feed of the latest actions",
	"Writes an Atom 1.0 feed (RFC 4287) of the latest actions, newest first\n"
	"(--limit, default 50), in one language; entries link to the action pages\n"
	"under --base-url (or $TIEMAP_BASE_URL, else http://127.0.0.1:8080), which\n"
	"also makes their ids.  The server offers the same at /feed.atom?lang=.\n",
};
