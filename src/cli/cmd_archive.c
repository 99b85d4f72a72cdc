#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive/archive.h"
#include "store/store_capture.h"

struct pick {
	tm_strv ids, urls;
	int missing; /* only sources with no capture */
};

static int pick_source(void *ctx, const tm_source *s)
{
	struct pick *p = ctx;
	if (!s->url || !*s->url)
		return 0;
	tm_strv_push(&p->ids, s->id);
	tm_strv_push(&p->urls, s->url);
	return 0;
}

/* "32M", "500K", "1G" or bytes; -1 when bad. */
static int64_t parse_size(const char *s)
{
	char *end = NULL;
	double v = strtod(s, &end);
	if (end == s || v <= 0)
		return -1;
	double mul = 1;
	const char *units = "KkMmGg", *u = *end ? strchr(units, *end) : NULL;
	if (u) {
		for (long k = (u - units) / 2; k >= 0; k--)
			mul *= 1024;
		end++;
	}
	if (*end || v * mul < 1 || v * mul > 4.0 * 1024 * 1024 * 1024)
		return -1;
	return (int64_t)(v * mul);
}

/* The host of an http(s) URL, for spacing requests to one server. */
static void host_of(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	const char *at = memchr(p, '@', n);
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	if (n >= cap)
		n = cap - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static void sleep_seconds(double s)
{
	if (s <= 0)
		return;
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };
	nanosleep(&ts, NULL);
}

static json_t *capture_json(const tm_capture *c, const char *dir, int has_text, const char *text_error)
{
	json_t *o = json_object();
	json_object_set_new(o, "source", json_string(c->source));
	json_object_set_new(o, "ok", json_true());
	json_object_set_new(o, "fetched", json_string(c->fetched));
	json_object_set_new(o, "url", json_string(c->url));
	json_object_set_new(o, "final_url", json_string(c->final_url));
	json_object_set_new(o, "status", json_integer(c->status));
	if (c->content_type)
		json_object_set_new(o, "content_type", json_string(c->content_type));
	json_object_set_new(o, "length", json_integer(c->length));
	json_object_set_new(o, "sha256", json_string(c->sha256));
	tm_buf path = TM_BUF_INIT;
	tm_buf_addf(&path, "%s/%s", dir, c->warc);
	json_object_set_new(o, "warc", json_string(path.buf));
	tm_buf_release(&path);
	json_object_set_new(o, "warc_sha256", json_string(c->warc_sha256));
	json_t *r = json_array();
	for (size_t i = 0; i < c->n_redirects; i++) {
		json_t *h = json_object();
		json_object_set_new(h, "url", json_string(c->redirects[i].url));
		json_object_set_new(h, "status", json_integer(c->redirects[i].status));
		json_array_append_new(r, h);
	}
	json_object_set_new(o, "redirects", r);
	json_object_set_new(o, "text", json_boolean(has_text));
	if (text_error)
		json_object_set_new(o, "text_error", json_string(text_error));
	return o;
}

/* Report a source that failed: on stderr, and in results for --json. */
static int report_failure(const char *id, const char *why, json_t *results)
{
	fprintf(stderr, "tiemap: %s: %s\n", id, why);
	if (results) {
		json_t *o = json_object();
		json_object_set_new(o, "source", json_string(id));
		json_object_set_new(o, "ok", json_false());
		json_object_set_new(o, "error", json_string(why));
		json_array_append_new(results, o);
	}
	return -1;
}

/* Fetch one source and record it; 0, or -1 after reporting why. */
static int archive_one(tm_cli *cli, const char *dir, const char *id, const char *url, const tm_fetch_opts *fo,
		       json_t *results)
{
	tm_err err = { 0 };
	tm_capture c;
	tm_rc rc = tm_archive_fetch(dir, id, url, fo, &c, &err);
	int has = 0;
	if (!rc && (rc = tm_store_has_capture(cli->st, id, &has, &err))) {
		tm_archive_remove(dir, &c);
		tm_capture_release(&c);
	}
	if (!rc && has) {
		tm_capture same;
		tm_rc got = tm_store_get_capture(cli->st, id, c.fetched, &same, &err);
		if (got && got != TM_ERR_NOTFOUND) {
			tm_archive_remove(dir, &c);
			tm_capture_release(&c);
			rc = got;
		} else if (got == TM_OK) {
			tm_capture_release(&same);
			tm_archive_remove(dir, &c);
			tm_capture_release(&c);
			rc = tm_fail(&err, TM_ERR_INVALID, "the database has a capture of this second already; try again");
		}
	}
	if (rc)
		return report_failure(id, err.msg, results);
	/* the text is read from the file as written: what check will read */
	tm_payload p;
	char *text = NULL;
	tm_err terr = { 0 };
	if (!tm_archive_payload(dir, &c, &p, &terr)) {
		tm_archive_text(&p, &text, &terr);
		tm_payload_release(&p);
	}
	if (tm_store_begin(cli->st, &err) || tm_store_put_capture(cli->st, &c, text, &err) ||
	    tm_store_commit(cli->st, &err)) {
		tm_store_rollback(cli->st);
		tm_archive_remove(dir, &c);
		free(text);
		tm_capture_release(&c);
		return report_failure(id, err.msg, results);
	}
	if (results) {
		json_array_append_new(results, capture_json(&c, dir, text != NULL, text ? NULL : terr.msg));
	} else {
		printf("%s: archived %s (%d%s%s, %lld bytes", id, c.final_url, c.status, c.content_type ? " " : "",
		       c.content_type ? c.content_type : "", (long long)c.length);
		if (c.n_redirects)
			printf(", %zu redirect%s", c.n_redirects, c.n_redirects == 1 ? "" : "s");
		printf(")\n  sha256 %s\n  %s/%s\n", c.sha256, dir, c.warc);
		if (!text)
			printf("  no text for checking quotes: %s\n", terr.msg);
	}
	free(text);
	tm_capture_release(&c);
	return 0;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "missing", no_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "max-size", required_argument, NULL, 's' },
		{ "proxy", required_argument, NULL, 'p' },
		{ "user-agent", required_argument, NULL, 'u' },
		{ "delay", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	tm_fetch_opts fo = { 0 };
	int all = 0, missing = 0, c;
	double delay = 1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end = NULL;
		switch (c) {
		case 'a': all = 1; break;
		case 'm': missing = 1; break;
		case 't':
			fo.timeout = strtod(optarg, &end);
			if (end == optarg || *end || fo.timeout <= 0 || fo.timeout > 3600) {
				fprintf(stderr, "tiemap: --timeout takes seconds, more than 0 and at most 3600\n");
				return TM_EXIT_USAGE;
			}
			break;
		case 's':
			if ((fo.max_bytes = parse_size(optarg)) < 0) {
				fprintf(stderr, "tiemap: --max-size takes bytes, or a number with K, M or G (at most 4G)\n");
				return TM_EXIT_USAGE;
			}
			break;
		case 'p': fo.proxy = optarg; break;
		case 'u': fo.user_agent = optarg; break;
		case 'd':
			delay = strtod(optarg, &end);
			if (end == optarg || *end || delay < 0 || delay > 600) {
				fprintf(stderr, "tiemap: --delay takes seconds, from 0 to 600\n");
				return TM_EXIT_USAGE;
			}
			break;
		default: return tm_cli_usage(&tm_cmd_archive);
		}
	}
	int named = optind < argc;
	if (all + missing + named != 1)
		return tm_cli_usage(&tm_cmd_archive);
	char *dir = tm_store_archive_dir(cli->st);
	if (!dir) {
		fputs("tiemap: the database has no file beside which to keep an archive\n", stderr);
		return TM_EXIT_FAIL;
	}
	struct pick pick = { TM_STRV_INIT, TM_STRV_INIT, missing };
	tm_err err = { 0 };
	size_t failed = 0;
	if (named) {
		for (int i = optind; i < argc; i++) {
			tm_source s;
			if (tm_store_get_source(cli->st, argv[i], &s, &err)) {
				fprintf(stderr, "tiemap: %s\n", err.msg);
				failed++;
				continue;
			}
			if (!s.url || !*s.url) {
				fprintf(stderr, "tiemap: %s: the source has no url to archive\n", s.id);
				failed++;
			} else if (!tm_strv_contains(&pick.ids, s.id)) {
				pick_source(&pick, &s);
			}
			tm_source_release(&s);
		}
	} else if (tm_store_each_source(cli->st, pick_source, &pick, &err)) {
		free(dir);
		tm_strv_release(&pick.ids);
		tm_strv_release(&pick.urls);
		return tm_cli_error(&err);
	}
	json_t *results = cli->json ? json_array() : NULL;
	size_t done = 0, skipped = 0;
	char last_host[256] = "";
	for (size_t i = 0; i < pick.ids.n; i++) {
		int has = 0;
		if (missing && tm_store_has_capture(cli->st, pick.ids.v[i], &has, &err)) {
			report_failure(pick.ids.v[i], err.msg, results);
			failed++;
			break;
		}
		if (has) {
			skipped++;
			continue;
		}
		/* one request at a time, and a pause between two to one server */
		char host[256];
		host_of(pick.urls.v[i], host, sizeof(host));
		if (done + failed && strcmp(host, last_host) == 0)
			sleep_seconds(delay);
		memcpy(last_host, host, sizeof(host));
		if (archive_one(cli, dir, pick.ids.v[i], pick.urls.v[i], &fo, results))
			failed++;
		else
			done++;
	}
	if (results) {
		json_t *root = json_object();
		json_object_set_new(root, "archived", json_integer((json_int_t)done));
		json_object_set_new(root, "failed", json_integer((json_int_t)failed));
		json_object_set_new(root, "results", results);
		tm_cli_print_json(root);
	} else {
		printf("%zu archived, %zu failed", done, failed);
		if (skipped)
			printf(", %zu already archived", skipped);
		printf("\n");
	}
	free(dir);
	tm_strv_release(&pick.ids);
	tm_strv_release(&pick.urls);
	return failed ? TM_EXIT_FAIL : TM_EXIT_OK;
}

const tm_cmd tm_cmd_archive = {
	"archive", run, TM_CMD_STORE | TM_CMD_WRITE,
	"archive [--timeout S] [--max-size N] [--proxy URL] [--delay S] (SOURCE... | --all | --missing)",
	"fetch sources' URLs and keep each answer as a WARC file",
	"Fetches the URL of each SOURCE named (--all: of every source with a URL;\n"
	"--missing: of those never archived) and keeps what comes back, redirects\n"
	"and all, as a WARC file (ISO 28500) in the folder DB.archive beside the\n"
	"database, with its SHA-256, the time and the final URL.  Its text is\n"
	"read (HTML, PDF through pdftotext) so that 'tiemap check' can look for\n"
	"each claim's quote in it.  A source that fails (a 404, a timeout, an\n"
	"answer over --max-size) is reported and changes nothing; the others go on.\n"
	"Exit status 1 when any failed.\n\n"
	"  --timeout S     seconds a request may take (60)\n"
	"  --max-size N    largest body kept, in bytes or with K, M, G (32M)\n"
	"  --proxy URL     fetch through a proxy: socks5h://127.0.0.1:9050 for Tor\n"
	"                  (socks5h: names are resolved by the proxy), or http://HOST:PORT;\n"
	"                  without it no proxy is used, whatever the environment says\n"
	"  --user-agent S  the User-Agent header (" TM_ARCHIVE_USER_AGENT ")\n"
	"  --delay S       pause between two requests to one server (1)\n"
	"docs/archive.md tells more.\n",
};
