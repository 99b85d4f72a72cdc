/*
 * `tiemap serve`: the web site and the JSON API (src/http).  Runs until
 * SIGINT or SIGTERM, then finishes the requests under way and exits 0.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "http/http.h"
#include "text/text.h"

static int number(const char *s, double min, double max, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (!*s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "read-only", no_argument, NULL, 'r' },
		{ "log-ips", no_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-conns", required_argument, NULL, 'c' },
		{ "max-conns-per-ip", required_argument, NULL, 'P' },
		{ "request-seconds", required_argument, NULL, 'T' },
		{ "rate", required_argument, NULL, 'R' },
		{ "burst", required_argument, NULL, 'B' },
		{ "query-seconds", required_argument, NULL, 'Q' },
		{ "watch-seconds", required_argument, NULL, 'W' },
		{ "no-cache", no_argument, NULL, 'N' },
		{ "licence", required_argument, NULL, 'C' },
		{ "license", required_argument, NULL, 'C' },
		{ "base-url", required_argument, NULL, 'U' },
		{ "robots", required_argument, NULL, 'O' },
		{ "https", no_argument, NULL, 'S' },
		{ "origin", required_argument, NULL, 'G' },
		{ "login-rate", required_argument, NULL, 'L' },
		{ "petition-key", required_argument, NULL, 'K' },
		{ "form-min-seconds", required_argument, NULL, 'F' },
		{ "petition-rate", required_argument, NULL, 'E' },
		{ "petition-burst", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	tm_http_opts o;
	tm_http_opts_init(&o);
	o.db_path = cli->db_path;
	if (cli->quiet)
		o.access_log = NULL;
	int c;
	double v;
	tm_seal_server_key keys[16];
	size_t n_keys = 0;
	tm_err kerr = { 0 };
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'K':
			/* read now, so that a wrong file stops the start with its reason */
			if (n_keys == sizeof(keys) / sizeof(keys[0])) {
				fputs("tiemap: at most 16 --petition-key files\n", stderr);
				return TM_EXIT_USAGE;
			}
			if (tm_seal_server_key_read(optarg, &keys[n_keys], &kerr)) {
				sodium_memzero(keys, sizeof(keys));
				return tm_cli_error(&kerr);
			}
			n_keys++;
			break;
		case 'F':
			if (number(optarg, 0, 3600, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.form_min_seconds = v;
			break;
		case 'E':
			if (number(optarg, 0.001, 1e6, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.petition_rate = v;
			break;
		case 'H':
			if (number(optarg, 1, 1e7, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.petition_burst = v;
			break;
		case 'l': o.listen = optarg; break;
		case 'r': o.read_only = 1; break;
		case 'i': o.log_ips = 1; break;
		case 'N': o.no_cache = 1; break;
		case 'C':
			/* shown in every footer and header: keep it a short line of text */
			if (!*optarg || strlen(optarg) > 120 || strpbrk(optarg, "\r\n<>\""))
				return tm_cli_usage(&tm_cmd_serve);
			o.licence = optarg;
			break;
		case 'U': o.base_url = optarg; break;
		case 'O': o.robots_file = optarg; break;
		case 'S': o.https = 1; break;
		case 'G':
			if (strncmp(optarg, "http://", 7) != 0 && strncmp(optarg, "https://", 8) != 0)
				return tm_cli_usage(&tm_cmd_serve);
			o.origin = optarg;
			break;
		case 'L':
			if (number(optarg, 0, 1000, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.login_rate = v;
			break;
		case 't':
			if (number(optarg, 1, 256, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.threads = (unsigned)v;
			break;
		case 'c':
			if (number(optarg, 1, 100000, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.max_conns = (unsigned)v;
			break;
		case 'P':
			if (number(optarg, 0, 100000, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.max_conns_per_ip = (unsigned)v;
			break;
		case 'T':
			if (number(optarg, 0.5, 3600, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.request_seconds = v;
			break;
		case 'R':
			if (number(optarg, 0, 1e9, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.rate = v;
			break;
		case 'B':
			if (number(optarg, 1, 1e9, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.burst = v;
			break;
		case 'Q':
			if (number(optarg, 0.01, 3600, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.query_seconds = v;
			break;
		case 'W':
			if (number(optarg, 0.05, 3600, &v))
				return tm_cli_usage(&tm_cmd_serve);
			o.watch_seconds = v;
			break;
		default:
			return tm_cli_usage(&tm_cmd_serve);
		}
	}
	if (optind != argc)
		return tm_cli_usage(&tm_cmd_serve);
	/* a descriptor for each connection and a few dozen besides: the soft
	 * limit is raised as far as the hard one allows (1024 would refuse
	 * connections long before --max-conns) */
	struct rlimit rl;
	rlim_t want = (rlim_t)(o.max_conns ? o.max_conns : 512) + 128;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	/* blocked before the server's threads start, so that they inherit the
	 * mask and the signals come to sigwait() below */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	tm_http_server *srv;
	tm_err err = { 0 };
	o.petition_keys = keys;
	o.n_petition_keys = n_keys;
	tm_rc started = tm_http_start(&o, &srv, &err);
	sodium_memzero(keys, sizeof(keys)); /* the server has its own copy */
	if (started) {
		pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
		return tm_cli_store_error(&err);
	}
	const char *colon = strrchr(o.listen, ':');
	printf("tiemap: serving %s on http://%.*s:%u/ (Ctrl-C stops)\n", o.db_path,
	       colon && colon > o.listen ? (int)(colon - o.listen) : 9, colon && colon > o.listen ? o.listen : "127.0.0.1",
	       (unsigned)tm_http_port(srv));
	fflush(stdout);
	int sig = 0;
	sigwait(&stop, &sig);
	if (!cli->quiet)
		fprintf(stderr, "tiemap: %s received, stopping\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	tm_http_stop(srv);
	pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
	return TM_EXIT_OK;
}

const tm_cmd tm_cmd_serve = {
	"serve", run, 0,
	"serve [--listen HOST:PORT] [--read-only] [--log-ips] [--threads N] [--max-conns N]\n"
	"       [--max-conns-per-ip N] [--request-seconds S] [--rate N] [--burst N]\n"
	"       [--query-seconds S] [--watch-seconds S] [--no-cache] [--licence ID]\n"
	"       [--base-url https://HOST] [--robots FILE] [--https] [--origin URL] [--login-rate N]\n"
	"       [--petition-key FILE]... [--form-min-seconds S] [--petition-rate N] [--petition-burst N]",
	"the web site (English and Chinese) and the JSON API under /api/v1/",
	"Serves the database over HTTP on --listen (default 127.0.0.1:8080; port 0\n"
	"picks a free port, printed on the first line).  Pages work without\n"
	"JavaScript; no page loads anything from another host.  The access log on\n"
	"stderr has no client addresses unless --log-ips (--quiet turns it off).\n"
	"--rate limits each client address to N requests a second after a burst of\n"
	"--burst (default 20 and 200; 0 turns the limit off, as a server behind a\n"
	"proxy or a Tor onion service, where every client has one address, needs).\n"
	"--max-conns (default 512) caps open connections, an eighth of them kept\n"
	"free for new clients; --max-conns-per-ip (default 16; 0 behind a proxy)\n"
	"caps those of one address; a client has --request-seconds (default 10)\n"
	"to send a whole request.  docs/deploy.md has the settings behind nginx.\n"
	"Imports into the database show on the next request after --watch-seconds.\n"
	"Without --read-only an older database is migrated once at start.\n"
	"--licence names the licence the data is published under, shown in every\n"
	"page's footer, the API's index and a Link header: an SPDX id (CC-BY-SA-4.0,\n"
	"the default; CC-BY-4.0, CC0-1.0, ODbL-1.0, CC-BY-NC-4.0, CC-BY-NC-SA-4.0) or\n"
	"a short text.\n"
	"--base-url is the site's public address, for canonical links, Open Graph\n"
	"data, printouts, \"cite this page\", feeds and pasted digests (default $TIEMAP_BASE_URL, else\n"
	"the request's Host).  --robots FILE is served as /robots.txt instead of the\n"
	"default, which lets crawlers read the pages but not the API, search, path\n"
	"or screening.\n"
	"Editors log in at /login (accounts: 'tiemap user'); readers get no cookie.\n"
	"--https says the site is served over HTTPS (by a proxy in front): session\n"
	"cookies become Secure.  --origin URL names the site's address when the\n"
	"Host header a proxy passes on is not it; a state-changing request must come\n"
	"from a page of that origin.  --login-rate bounds logins a second on the\n"
	"whole server (2, after a burst of 10; 0 no limit).  With --read-only nobody\n"
	"can log in.  docs/security.md.\n"
	"--petition-key FILE (repeatable) takes signatures for the petitions sealed\n"
	"to that key: the --server-key file of 'tiemap petition keygen', never the\n"
	"organisers' secret key.  A petition without its key here shows its count\n"
	"but takes no signatures.  --petition-rate and --petition-burst bound the\n"
	"signatures of one petition (one every 2 s after a burst of 120);\n"
	"--form-min-seconds is the least time between serving a form and taking it\n"
	"(3; the tests set 0).  docs/petitions.md.\n"
	"SIGINT or SIGTERM stops it gracefully.  The API is in docs/api.md.\n",
};
