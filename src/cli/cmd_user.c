/*
 * tiemap user: the accounts of the web site's editors (src/auth).
 *
 * Passwords are read from the terminal with echo off (asked twice), or,
 * when stdin is not a terminal, from its first line; never from argv, where
 * `ps` and shell histories would show them.  Nothing here prints a
 * password; `user token` prints the new token once, on stdout alone, for
 * the caller to keep.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "auth/auth.h"

static int64_t now(void)
{
	return (int64_t)time(NULL);
}

static void when(int64_t t, char out[32])
{
	struct tm tm;
	time_t tt = (time_t)t;
	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

/* One line of f into buf (size n, without its newline); -1 at end of input
 * or when the line is longer than buf. */
static int read_line(FILE *f, char *buf, size_t n)
{
	if (!fgets(buf, (int)n, f))
		return -1;
	size_t len = strlen(buf);
	if (len && buf[len - 1] != '\n' && !feof(f))
		return -1;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r'))
		buf[--len] = '\0';
	return 0;
}

/* A password typed at the terminal with echo off, after prompt. */
static int ask_hidden(const char *prompt, char *buf, size_t n)
{
	struct termios old, quiet;
	fputs(prompt, stderr);
	fflush(stderr);
	int tty = tcgetattr(STDIN_FILENO, &old) == 0;
	if (tty) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
	}
	int rc = read_line(stdin, buf, n);
	if (tty)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return rc;
}

/* The new password of name, into buf: asked twice on a terminal, else the
 * first line of stdin.  Checked against the rules; 0 or an exit status. */
static int new_password(const char *name, char *buf, size_t n)
{
	if (isatty(STDIN_FILENO)) {
		char again[TM_AUTH_PASSWORD_MAX + 2];
		if (ask_hidden("new password: ", buf, n) || ask_hidden("again: ", again, sizeof(again))) {
			fputs("tiemap: no password read\n", stderr);
			return TM_EXIT_FAIL;
		}
		int same = strcmp(buf, again) == 0;
		memset(again, 0, sizeof(again));
		if (!same) {
			fputs("tiemap: the two passwords differ\n", stderr);
			return TM_EXIT_FAIL;
		}
	} else if (read_line(stdin, buf, n)) {
		fputs("tiemap: no password on stdin (one line, at most 1024 bytes)\n", stderr);
		return TM_EXIT_FAIL;
	}
	const char *why = tm_auth_password_problem(name, buf);
	if (why) {
		fprintf(stderr, "tiemap: %s\n", why);
		return TM_EXIT_FAIL;
	}
	return 0;
}

static int fail(tm_err *err)
{
	return tm_cli_error(err);
}

/* ---- the subcommands ---- */

static int cmd_add(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = { { "role", required_argument, NULL, 'r' }, { NULL, 0, NULL, 0 } };
	tm_role role = TM_ROLE_NONE;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 'r' || (role = tm_role_parse(optarg)) == TM_ROLE_NONE)
			return tm_cli_usage(&tm_cmd_user);
	}
	if (optind != argc - 1 || role == TM_ROLE_NONE)
		return tm_cli_usage(&tm_cmd_user);
	const char *name = argv[optind];
	char folded[TM_AUTH_NAME_MAX + 1];
	tm_err err = { 0 };
	if (!tm_auth_name_fold(name, folded)) {
		/* said before the password is asked for */
		tm_auth_user_add(cli->st, name, role, "", now(), &err);
		return fail(&err);
	}
	tm_user u;
	if (tm_store_user_get(cli->st, folded, &u, NULL) == TM_OK) {
		tm_user_release(&u);
		fprintf(stderr, "tiemap: user '%s' exists already\n", folded);
		return TM_EXIT_FAIL;
	}
	char pw[TM_AUTH_PASSWORD_MAX + 2];
	int rc = new_password(folded, pw, sizeof(pw));
	if (!rc && tm_auth_user_add(cli->st, folded, role, pw, now(), &err))
		rc = fail(&err);
	memset(pw, 0, sizeof(pw));
	if (!rc && !cli->quiet)
		fprintf(stderr, "tiemap: added %s '%s'\n", tm_role_name(role), folded);
	return rc;
}

/* The end of `user list` and `user tokens`: the error if err is set, else
 * {"KEY": json} with --json, else the table (or `empty`).  Releases t and
 * json. */
static int print_listing(tm_cli *cli, tm_table *t, json_t *json, const char *key, const tm_err *err,
			 const char *empty)
{
	int rc = TM_EXIT_OK;
	if (err) {
		json_decref(json);
		rc = tm_cli_error(err);
	} else if (json) {
		json_t *o = json_object();
		json_object_set_new(o, key, json); /* steals json */
		rc = tm_cli_print_json(o);
	} else if (t->cells.n) {
		tm_table_print(t, stdout, cli->width);
	} else {
		puts(empty);
	}
	tm_table_release(t);
	return rc;
}

struct list_ctx {
	tm_cli *cli;
	tm_table t;
	json_t *json;
	tm_rc rc;
	tm_err err;
};

static int list_one(void *p, const tm_user *u)
{
	struct list_ctx *c = p;
	int64_t failures = 0, sessions = 0;
	if ((c->rc = tm_auth_failures(c->cli->st, u, &failures, &c->err)) ||
	    (c->rc = tm_store_session_count(c->cli->st, u->id, now(), &sessions, &c->err)))
		return 1;
	const char *state = u->disabled ? "disabled" : failures >= TM_AUTH_LOCK_AFTER ? "locked" : "active";
	char created[32], pw_at[32], fails[24], sess[24];
	when(u->created_at, created);
	when(u->password_at, pw_at);
	if (c->json) {
		json_t *o = json_object();
		json_object_set_new(o, "name", json_string(u->name));
		json_object_set_new(o, "role", json_string(tm_role_name((tm_role)u->role)));
		json_object_set_new(o, "state", json_string(state));
		json_object_set_new(o, "failed_logins", json_integer(failures));
		json_object_set_new(o, "sessions", json_integer(sessions));
		json_object_set_new(o, "created", json_string(created));
		json_object_set_new(o, "password_set", json_string(pw_at));
		json_array_append_new(c->json, o);
		return 0;
	}
	snprintf(fails, sizeof(fails), "%lld", (long long)failures);
	snprintf(sess, sizeof(sess), "%lld", (long long)sessions);
	const char *row[] = { u->name, tm_role_name((tm_role)u->role), state, fails, sess, created, pw_at };
	tm_table_add(&c->t, row);
	return 0;
}

static int cmd_list(tm_cli *cli, int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		return tm_cli_usage(&tm_cmd_user);
	static const char *headers[] = { "name", "role", "state", "failed logins", "sessions", "created (UTC)",
					 "password set" };
	struct list_ctx c = { .cli = cli };
	tm_table_init(&c.t, 7, headers);
	if (cli->json)
		c.json = json_array();
	tm_rc rc = tm_store_user_each(cli->st, list_one, &c, &c.err);
	return print_listing(cli, &c.t, c.json, "users", rc || c.rc ? &c.err : NULL,
			     "no users yet; add one with 'tiemap user add NAME --role admin'");
}

/* The folded form of a name given on the command line; 0 with a message
 * when it cannot be one. */
static int name_arg(const char *name, char out[TM_AUTH_NAME_MAX + 1])
{
	if (tm_auth_name_fold(name, out))
		return 1;
	fprintf(stderr, "tiemap: no user '%s'\n", name);
	return 0;
}

static int cmd_role(tm_cli *cli, int argc, char **argv)
{
	char name[TM_AUTH_NAME_MAX + 1];
	tm_role role = argc == 3 ? tm_role_parse(argv[2]) : TM_ROLE_NONE;
	if (role == TM_ROLE_NONE)
		return tm_cli_usage(&tm_cmd_user);
	if (!name_arg(argv[1], name))
		return TM_EXIT_FAIL;
	tm_err err = { 0 };
	if (tm_store_user_set_role(cli->st, name, role, &err))
		return fail(&err);
	if (!cli->quiet)
		fprintf(stderr, "tiemap: '%s' is now %s %s\n", name, role == TM_ROLE_CONTRIBUTOR ? "a" : "an", tm_role_name(role));
	return TM_EXIT_OK;
}

static int cmd_disable(tm_cli *cli, int argc, char **argv, int disable)
{
	char name[TM_AUTH_NAME_MAX + 1];
	if (argc != 2)
		return tm_cli_usage(&tm_cmd_user);
	if (!name_arg(argv[1], name))
		return TM_EXIT_FAIL;
	tm_err err = { 0 };
	tm_user u;
	if (tm_store_user_get(cli->st, name, &u, &err) || tm_store_user_set_disabled(cli->st, name, disable, &err) ||
	    (disable && tm_store_sessions_delete(cli->st, u.id, now(), NULL, &err))) {
		tm_user_release(&u);
		return fail(&err);
	}
	tm_user_release(&u);
	if (!cli->quiet)
		fprintf(stderr, "tiemap: '%s' %s\n", name,
			disable ? "is disabled: it cannot log in, and its sessions and tokens stop working" :
				  "is enabled again");
	return TM_EXIT_OK;
}

static int cmd_passwd(tm_cli *cli, int argc, char **argv)
{
	char name[TM_AUTH_NAME_MAX + 1];
	if (argc != 2)
		return tm_cli_usage(&tm_cmd_user);
	if (!name_arg(argv[1], name))
		return TM_EXIT_FAIL;
	tm_err err = { 0 };
	tm_user u;
	if (tm_store_user_get(cli->st, name, &u, &err))
		return fail(&err);
	tm_user_release(&u);
	char pw[TM_AUTH_PASSWORD_MAX + 2];
	int rc = new_password(name, pw, sizeof(pw));
	if (!rc && tm_auth_set_password(cli->st, name, pw, now(), &err))
		rc = fail(&err);
	memset(pw, 0, sizeof(pw));
	if (!rc && !cli->quiet)
		fprintf(stderr, "tiemap: new password for '%s'; its sessions are ended\n", name);
	return rc;
}

static int cmd_unlock(tm_cli *cli, int argc, char **argv)
{
	char name[TM_AUTH_NAME_MAX + 1];
	if (argc != 2)
		return tm_cli_usage(&tm_cmd_user);
	if (!name_arg(argv[1], name))
		return TM_EXIT_FAIL;
	tm_err err = { 0 };
	if (tm_auth_unlock(cli->st, name, &err))
		return fail(&err);
	if (!cli->quiet)
		fprintf(stderr, "tiemap: '%s' may log in again\n", name);
	return TM_EXIT_OK;
}

static int cmd_logout(tm_cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return tm_cli_usage(&tm_cmd_user);
	int all = strcmp(argv[1], "--all") == 0;
	char name[TM_AUTH_NAME_MAX + 1] = "";
	tm_err err = { 0 };
	int64_t user = 0, n = 0;
	if (!all) {
		tm_user u;
		if (!name_arg(argv[1], name))
			return TM_EXIT_FAIL;
		if (tm_store_user_get(cli->st, name, &u, &err))
			return fail(&err);
		user = u.id;
		tm_user_release(&u);
	}
	if (tm_store_sessions_delete(cli->st, user, now(), &n, &err))
		return fail(&err);
	if (!cli->quiet)
		fprintf(stderr, "tiemap: ended %lld session%s%s%s%s\n", (long long)n, n == 1 ? "" : "s",
			all ? "" : " of '", name, all ? "" : "'");
	return TM_EXIT_OK;
}

struct tokens_ctx {
	tm_table t;
	json_t *json;
};

static int token_one(void *p, const tm_token_info *t)
{
	struct tokens_ctx *c = p;
	char id[24], created[32], expires[32] = "never", revoked[32] = "";
	snprintf(id, sizeof(id), "%lld", (long long)t->id);
	when(t->created_at, created);
	if (t->expires_at)
		when(t->expires_at, expires);
	if (t->revoked_at)
		when(t->revoked_at, revoked);
	if (c->json) {
		json_t *o = json_object();
		json_object_set_new(o, "id", json_integer(t->id));
		json_object_set_new(o, "user", json_string(t->user));
		json_object_set_new(o, "role", json_string(tm_role_name((tm_role)t->role)));
		json_object_set_new(o, "label", t->label ? json_string(t->label) : json_null());
		json_object_set_new(o, "created", json_string(created));
		json_object_set_new(o, "expires", t->expires_at ? json_string(expires) : json_null());
		json_object_set_new(o, "revoked", t->revoked_at ? json_string(revoked) : json_null());
		json_array_append_new(c->json, o);
		return 0;
	}
	const char *row[] = { id, t->user, tm_role_name((tm_role)t->role), t->label ? t->label : "", created, expires,
			      revoked };
	tm_table_add(&c->t, row);
	return 0;
}

static int cmd_tokens(tm_cli *cli, int argc, char **argv)
{
	char name[TM_AUTH_NAME_MAX + 1];
	if (argc > 2)
		return tm_cli_usage(&tm_cmd_user);
	if (argc == 2 && !name_arg(argv[1], name))
		return TM_EXIT_FAIL;
	static const char *headers[] = { "id", "user", "role", "label", "created (UTC)", "expires", "revoked" };
	struct tokens_ctx c = { 0 };
	tm_table_init(&c.t, 7, headers);
	if (cli->json)
		c.json = json_array();
	tm_err err = { 0 };
	tm_rc rc = tm_store_token_each(cli->st, argc == 2 ? name : NULL, token_one, &c, &err);
	return print_listing(cli, &c.t, c.json, "tokens", rc ? &err : NULL, "no API tokens");
}

static int cmd_token(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "role", required_argument, NULL, 'r' }, { "label", required_argument, NULL, 'l' },
		{ "days", required_argument, NULL, 'd' }, { "revoke", required_argument, NULL, 'x' },
		{ NULL, 0, NULL, 0 },
	};
	tm_role role = TM_ROLE_NONE;
	const char *label = NULL;
	long days = TM_AUTH_TOKEN_DAYS, revoke = 0;
	int c;
	char *end;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			if ((role = tm_role_parse(optarg)) == TM_ROLE_NONE)
				return tm_cli_usage(&tm_cmd_user);
			break;
		case 'l': label = optarg; break;
		case 'd':
			days = strtol(optarg, &end, 10);
			if (!*optarg || *end || days < 0 || days > 3650)
				return tm_cli_usage(&tm_cmd_user);
			break;
		case 'x':
			revoke = strtol(optarg, &end, 10);
			if (!*optarg || *end || revoke <= 0)
				return tm_cli_usage(&tm_cmd_user);
			break;
		default: return tm_cli_usage(&tm_cmd_user);
		}
	}
	tm_err err = { 0 };
	if (revoke) {
		if (optind != argc)
			return tm_cli_usage(&tm_cmd_user);
		if (tm_store_token_revoke(cli->st, revoke, now(), &err))
			return fail(&err);
		if (!cli->quiet)
			fprintf(stderr, "tiemap: token %ld revoked\n", revoke);
		return TM_EXIT_OK;
	}
	char name[TM_AUTH_NAME_MAX + 1];
	if (optind != argc - 1)
		return tm_cli_usage(&tm_cmd_user);
	if (!name_arg(argv[optind], name))
		return TM_EXIT_FAIL;
	char tok[TM_AUTH_TEXT_MAX];
	int64_t id = 0;
	if (tm_auth_token_new(cli->st, name, role, label, (int)days, now(), tok, &id, &err))
		return fail(&err);
	tm_session s;
	tm_auth_bearer(cli->st, tok, now(), &s, NULL);
	if (!cli->quiet) {
		char exp[32] = "never (until revoked)";
		if (days)
			when(now() + days * 86400, exp);
		fprintf(stderr,
			"tiemap: token %lld for '%s' as %s, expires %s; shown once, keep it now.\n"
			"        send it as 'Authorization: Bearer TOKEN'; revoke with 'tiemap user token --revoke %lld'\n",
			(long long)id, name, tm_role_name(s.role), exp, (long long)id);
	}
	tm_session_release(&s);
	puts(tok);
	memset(tok, 0, sizeof(tok));
	return TM_EXIT_OK;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return tm_cli_usage(&tm_cmd_user);
	const char *sub = argv[1];
	argc--;
	argv++;
	if (strcmp(sub, "add") == 0)
		return cmd_add(cli, argc, argv);
	if (strcmp(sub, "list") == 0)
		return cmd_list(cli, argc, argv);
	if (strcmp(sub, "role") == 0)
		return cmd_role(cli, argc, argv);
	if (strcmp(sub, "disable") == 0 || strcmp(sub, "enable") == 0)
		return cmd_disable(cli, argc, argv, strcmp(sub, "disable") == 0);
	if (strcmp(sub, "passwd") == 0)
		return cmd_passwd(cli, argc, argv);
	if (strcmp(sub, "unlock") == 0)
		return cmd_unlock(cli, argc, argv);
	if (strcmp(sub, "logout") == 0)
		return cmd_logout(cli, argc, argv);
	if (strcmp(sub, "token") == 0)
		return cmd_token(cli, argc, argv);
	if (strcmp(sub, "tokens") == 0)
		return cmd_tokens(cli, argc, argv);
	return tm_cli_usage(&tm_cmd_user);
}

const tm_cmd tm_cmd_user = {
	"user", run, TM_CMD_STORE | TM_CMD_WRITE,
	"user add NAME --role contributor|editor|admin | list | role NAME ROLE | disable NAME | enable NAME\n"
	"       | passwd NAME | unlock NAME | logout NAME|--all\n"
	"       | token NAME [--role ROLE] [--label TEXT] [--days N] | token --revoke ID | tokens [NAME]",
	"the web site's accounts: add, list, roles, passwords, sessions, API tokens",
	"Accounts of the people who edit through the web site (docs/security.md).\n"
	"A name is 2 to 32 of a-z, 0-9, '.', '_', '-'; a role is contributor (changes\n"
	"wait for review), editor (publishes, reviews) or admin (and manages accounts).\n"
	"A password (12 characters at least) is asked twice with echo off, or read\n"
	"from the first line of stdin when that is not a terminal; it is kept as an\n"
	"argon2id hash.  'passwd' sets a new one and ends the user's sessions.\n"
	"'disable' stops an account (it is never deleted: history names it).\n"
	"After 20 failed logins a name is locked until 'unlock' or 'passwd'.\n"
	"'logout NAME' ends a user's sessions, 'logout --all' everyone's.\n"
	"'token NAME' prints a new API token for scripts, once (send it as\n"
	"'Authorization: Bearer TOKEN'); --role lowers what it may do, --days N sets\n"
	"its lifetime (90; 0 until revoked).  'tokens' lists them (never the token\n"
	"itself); 'token --revoke ID' ends one.\n",
};
