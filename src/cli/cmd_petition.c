/*
 * tiemap petition: the organisers' side of a petition whose signers only
 * they can read (docs/petitions.md).
 *
 *   keygen   makes the organisers' secret key and the server's key, each in
 *            its own new file (mode 600), and prints the public key that
 *            goes in the petition record;
 *   list     the petitions, with their counts;
 *   show     one petition, with its counts and the key's fingerprint;
 *   export   opens every signature with the secret key and writes them as
 *            CSV: on the organisers' machine, from a copy of the database;
 *   withdraw deletes the signatures of addresses (from a file or stdin,
 *            never argv), with the server's key;
 *   unshow   takes one name shown off the page;
 *   purge    deletes every signature of a closed petition, once exported.
 *
 * Nothing here prints a secret.  The CSV is written whole only once every
 * signature has opened, so that a wrong key leaves no half-written file.
 */
#include "cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "seal/seal.h"
#include "store/store_petition.h"
#include "view/view_petition.h"

static int keygen(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "secret-key", required_argument, NULL, 's' },
		{ "server-key", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *secret_path = NULL, *server_path = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			secret_path = optarg;
		else if (c == 'k')
			server_path = optarg;
		else
			return tm_cli_usage(&tm_cmd_petition);
	}
	if (optind != argc || !secret_path || !server_path)
		return tm_cli_usage(&tm_cmd_petition);
	if (strcmp(secret_path, server_path) == 0) {
		fputs("tiemap: --secret-key and --server-key must be two files\n", stderr);
		return TM_EXIT_USAGE;
	}
	tm_seal_secret s;
	tm_seal_server_key k;
	tm_err err = { 0 };
	if (tm_seal_keygen(&s, &err))
		return tm_cli_error(&err);
	tm_seal_server_half(&s, &k);
	tm_rc rc = tm_seal_secret_write(secret_path, &s, &err);
	if (!rc && (rc = tm_seal_server_key_write(server_path, &k, &err)))
		unlink(secret_path); /* both or neither */
	char pk[TM_SEAL_KEY_TEXT], fp[TM_SEAL_FINGERPRINT];
	tm_seal_key_text(s.pk, pk);
	tm_seal_fingerprint(s.pk, fp);
	tm_seal_secret_wipe(&s);
	memset(&k, 0, sizeof(k));
	if (rc)
		return tm_cli_error(&err);
	printf("public_key %s\nfingerprint %s\n", pk, fp);
	fprintf(stderr,
		"tiemap: wrote the organisers' secret key to '%s' and the server's key to '%s'.\n"
		"  Put the public key in the petition record (\"public_key\").  Move '%s' off this\n"
		"  machine if it is the server; 'serve --petition-key %s' takes the other.\n",
		secret_path, server_path, secret_path, server_path);
	return TM_EXIT_OK;
}

/* The store, opened read-only here: keygen needs none, and export runs on a
 * copy of the database on the organisers' machine. */
static int open_store(tm_cli *cli)
{
	tm_err err = { 0 };
	if (access(cli->db_path, F_OK) != 0) {
		fprintf(stderr, "tiemap: no database at '%s'\n", cli->db_path);
		return TM_EXIT_FAIL;
	}
	if (tm_store_open(cli->db_path, TM_STORE_READONLY, &cli->st, &err))
		return tm_cli_error(&err);
	return 0;
}

struct list_ctx {
	tm_cli *cli;
	char today[16];
	tm_table t;
	json_t *arr;
	tm_err err;
	tm_rc rc;
};

static int list_one(void *ctx, const tm_petition *p)
{
	struct list_ctx *c = ctx;
	json_t *o;
	if ((c->rc = tm_view_petition(c->cli->st, p, c->today, 0, &o, &c->err)))
		return 1;
	if (c->arr) {
		json_array_append_new(c->arr, o);
		return 0;
	}
	char count[64];
	if (p->goal)
		snprintf(count, sizeof(count), "%lld / %lld", (long long)json_integer_value(json_object_get(o, "signatures")),
			 (long long)p->goal);
	else
		snprintf(count, sizeof(count), "%lld", (long long)json_integer_value(json_object_get(o, "signatures")));
	tm_buf title = TM_BUF_INIT;
	tm_buf_adds(&title, p->title.en ? p->title.en : p->title.zh);
	if (p->title.en && p->title.zh)
		tm_buf_addf(&title, " / %s", p->title.zh);
	const char *row[] = { p->id, json_string_value(json_object_get(o, "status")), count, title.buf };
	tm_table_add(&c->t, row);
	tm_buf_release(&title);
	json_decref(o);
	return 0;
}

static int list(tm_cli *cli, int argc)
{
	if (argc != 1)
		return tm_cli_usage(&tm_cmd_petition);
	int status = open_store(cli);
	if (status)
		return status;
	static const char *headers[] = { "ID", "STATUS", "SIGNATURES", "TITLE" };
	struct list_ctx c = { .cli = cli, .arr = cli->json ? json_array() : NULL };
	tm_view_today(c.today);
	tm_table_init(&c.t, 4, headers);
	tm_rc rc = tm_store_each_petition(cli->st, NULL, list_one, &c, &c.err);
	if (rc || c.rc) {
		json_decref(c.arr);
		tm_table_release(&c.t);
		return tm_cli_error(&c.err);
	}
	if (c.arr)
		status = tm_cli_print_json(c.arr);
	else
		tm_table_print(&c.t, stdout, cli->width);
	tm_table_release(&c.t);
	return status;
}

static void print_pair(const char *label, const tm_bitext *t)
{
	if (t->en)
		printf("  %-12s %s\n", label, t->en);
	if (t->zh)
		printf("  %-12s %s\n", t->en ? "" : label, t->zh);
}

static int show(tm_cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return tm_cli_usage(&tm_cmd_petition);
	int status = open_store(cli);
	if (status)
		return status;
	tm_petition p;
	tm_err err = { 0 };
	json_t *o;
	char today[16];
	tm_view_today(today);
	if (tm_store_get_petition(cli->st, argv[1], &p, &err))
		return tm_cli_error(&err);
	tm_rc rc = tm_view_petition(cli->st, &p, today, 1, &o, &err);
	if (rc) {
		tm_petition_release(&p);
		return tm_cli_error(&err);
	}
	if (cli->json) {
		tm_petition_release(&p);
		return tm_cli_print_json(o);
	}
	printf("%s  (%s)\n", p.id, json_string_value(json_object_get(o, "status")));
	print_pair("title", &p.title);
	print_pair("target", &p.target);
	printf("  %-12s %s%s%s\n", "signing", p.opens, p.closes[0] ? " to " : " on, no end set", p.closes);
	printf("  %-12s %lld", "signatures", (long long)json_integer_value(json_object_get(o, "signatures")));
	if (p.goal)
		printf(" of a goal of %lld", (long long)p.goal);
	printf(" (%lld shown by name)\n", (long long)json_integer_value(json_object_get(o, "shown")));
	json_t *purged = json_object_get(o, "purged");
	if (json_is_string(purged))
		printf("  %-12s %s (its signatures deleted from this database; the count stays)\n", "purged",
		       json_string_value(purged));
	for (size_t i = 0; i < p.entities.n; i++)
		printf("  %-12s %s\n", i ? "" : "entities", p.entities.v[i]);
	if (p.action)
		printf("  %-12s %s\n", "action", p.action);
	printf("  %-12s %s\n", "public key", p.public_key);
	json_t *fp = json_object_get(o, "fingerprint");
	if (fp)
		printf("  %-12s %s\n", "fingerprint", json_string_value(fp));
	tm_petition_release(&p);
	json_decref(o);
	return TM_EXIT_OK;
}

/* ---- export ---- */

struct opened {
	tm_seal_signer *v;
	size_t n, cap;
};

struct export_ctx {
	const tm_seal_secret *sec;
	const char *id;
	struct opened rows;
	tm_err err;
	tm_rc rc;
};

static int open_one(void *ctx, const unsigned char *sealed, size_t n)
{
	struct export_ctx *c = ctx;
	tm_seal_signer s;
	tm_err e = { 0 };
	if (tm_seal_open(c->sec, c->id, sealed, n, &s, &e)) {
		c->rc = tm_fail(&c->err, TM_ERR_INVALID, "signature %zu of petition '%s' cannot be opened: %s",
				c->rows.n + 1, c->id, e.msg);
		return 1;
	}
	TM_GROW(c->rows.v, c->rows.cap, c->rows.n + 1);
	c->rows.v[c->rows.n++] = s;
	return 0;
}

/* By time, then address: the order people signed in, and the same CSV for
 * the same signatures. */
static int row_cmp(const void *a, const void *b)
{
	const tm_seal_signer *x = a, *y = b;
	int c = strcmp(x->signed_at, y->signed_at);
	return c ? c : strcmp(x->email, y->email);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int export(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "secret-key", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	const char *secret_path = NULL, *output = NULL;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			secret_path = optarg;
		else if (c == 'o')
			output = optarg;
		else
			return tm_cli_usage(&tm_cmd_petition);
	}
	if (optind + 1 != argc)
		return tm_cli_usage(&tm_cmd_petition);
	if (!secret_path) {
		fputs("tiemap: petition export needs the organisers' secret key (--secret-key FILE): without it no "
		      "signature can be read\n",
		      stderr);
		return TM_EXIT_USAGE;
	}
	const char *id = argv[optind];
	int status = open_store(cli);
	if (status)
		return status;
	tm_err err = { 0 };
	tm_petition p;
	if (tm_store_get_petition(cli->st, id, &p, &err))
		return tm_cli_error(&err);
	tm_seal_secret sec;
	if (tm_seal_secret_read(secret_path, &sec, &err)) {
		tm_petition_release(&p);
		return tm_cli_error(&err);
	}
	unsigned char pk[TM_SEAL_KEY_BYTES];
	char mine[TM_SEAL_FINGERPRINT], theirs[TM_SEAL_FINGERPRINT];
	tm_seal_fingerprint(sec.pk, mine);
	int same = tm_seal_key_parse(p.public_key, pk) == 0 && memcmp(pk, sec.pk, sizeof(pk)) == 0;
	if (!same) {
		tm_seal_fingerprint(pk, theirs);
		fprintf(stderr,
			"tiemap: the secret key in '%s' is not the key of petition '%s': its signatures are sealed to "
			"the key with fingerprint %s, and this one's is %s\n",
			secret_path, id, theirs, mine);
		tm_seal_secret_wipe(&sec);
		tm_petition_release(&p);
		return TM_EXIT_FAIL;
	}
	tm_petition_release(&p);
	tm_petition_counts counts;
	if (tm_store_petition_counts(cli->st, id, NULL, NULL, &counts, &err)) {
		tm_seal_secret_wipe(&sec);
		return tm_cli_error(&err);
	}
	if (counts.purged[0]) {
		/* an empty CSV would read as "nobody signed" */
		fprintf(stderr, "tiemap: the signatures of petition '%s' were purged on %s: this database has none to export\n",
			id, counts.purged);
		tm_seal_secret_wipe(&sec);
		return TM_EXIT_FAIL;
	}
	struct export_ctx x = { .sec = &sec, .id = id };
	tm_rc rc = tm_store_petition_each_sealed(cli->st, id, open_one, &x, &err);
	tm_seal_secret_wipe(&sec);
	if (!rc && x.rc) {
		rc = x.rc;
		err = x.err;
	}
	tm_buf csv = TM_BUF_INIT;
	if (!rc) {
		if (x.rows.n)
			qsort(x.rows.v, x.rows.n, sizeof(*x.rows.v), row_cmp);
		tm_buf_adds(&csv, "signed_at,name,email,city,shown\r\n");
		for (size_t i = 0; i < x.rows.n; i++) {
			const tm_seal_signer *s = &x.rows.v[i];
			tm_buf_add_csv(&csv, s->signed_at, ',');
			tm_buf_addch(&csv, ',');
			tm_buf_add_csv(&csv, s->name, ',');
			tm_buf_addch(&csv, ',');
			tm_buf_add_csv(&csv, s->email, ',');
			tm_buf_addch(&csv, ',');
			tm_buf_add_csv(&csv, s->city, ',');
			tm_buf_addch(&csv, ',');
			tm_buf_adds(&csv, s->show ? "yes" : "no");
			tm_buf_adds(&csv, "\r\n");
		}
	}
	for (size_t i = 0; i < x.rows.n; i++)
		tm_seal_signer_release(&x.rows.v[i]);
	free(x.rows.v);
	if (rc) {
		tm_buf_release(&csv);
		return tm_cli_error(&err);
	}
	/* the file holds people's names and addresses: for its owner alone */
	int fd = output ? open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : STDOUT_FILENO;
	if (fd >= 0 && output && fchmod(fd, 0600) != 0) {
		/* a file that was there keeps its mode through O_CREAT */
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		fprintf(stderr, "tiemap: cannot create '%s': %s\n", output, strerror(errno));
		status = TM_EXIT_FAIL;
	} else {
		fflush(stdout);
		if (write_all(fd, csv.buf, csv.len) != 0 || (output && close(fd) != 0)) {
			fprintf(stderr, "tiemap: cannot write the signatures: %s\n", strerror(errno));
			status = TM_EXIT_FAIL;
		}
	}
	if (!status)
		fprintf(stderr, "tiemap: %zu signature%s of '%s'\n", x.rows.n, x.rows.n == 1 ? "" : "s", id);
	memset(csv.buf, 0, csv.len);
	tm_buf_release(&csv);
	return status;
}

/* ---- taking back ---- */

/* The store, writable: withdraw, unshow and purge run on the server's own
 * database (they need no secret). */
static int open_store_rw(tm_cli *cli)
{
	tm_err err = { 0 };
	if (access(cli->db_path, F_OK) != 0) {
		fprintf(stderr, "tiemap: no database at '%s'\n", cli->db_path);
		return TM_EXIT_FAIL;
	}
	if (tm_store_open(cli->db_path, 0, &cli->st, &err))
		return tm_cli_error(&err);
	return 0;
}

/* After a commit that deleted something: copies of it may be left in the
 * free space of pages and in the log's old frames until the file is
 * rewritten and the log cut. */
static int scrub(tm_cli *cli)
{
	tm_err err = { 0 };
	int complete;
	if (tm_store_rewrite(cli->st, &complete, &err)) {
		fprintf(stderr, "tiemap: the deletion is done, but the file could not be rewritten without it (%s): "
				"copies may stay on the disk until the same command runs again and succeeds\n",
			err.msg);
		return TM_EXIT_FAIL;
	}
	if (!complete)
		fprintf(stderr, "tiemap: a reader kept the database's log from being cut: what was deleted stays in "
				"'%s-wal' until the next checkpoint ('tiemap recover' makes one)\n",
			cli->db_path);
	return TM_EXIT_OK;
}

/* Runs f inside one transaction on the writable store; rolls back on failure. */
static tm_rc in_tx(tm_cli *cli, tm_rc (*f)(void *ctx, tm_err *err), void *ctx, tm_err *err)
{
	tm_rc rc = tm_store_begin(cli->st, err);
	if (rc)
		return rc;
	if ((rc = f(ctx, err)) || (rc = tm_store_commit(cli->st, err)))
		tm_store_rollback(cli->st);
	return rc;
}

#define MAX_ADDRESSES (1 << 20) /* bytes of addresses to withdraw at once */

struct withdraw_ctx {
	tm_cli *cli;
	const char *id, *from;
	const tm_seal_server_key *key;
	char *text;
	size_t len;
	size_t addresses, removed;
	tm_strv missing; /* "N": the line numbers of addresses that had not signed */
};

static tm_rc withdraw_all(void *ctx, tm_err *err)
{
	struct withdraw_ctx *w = ctx;
	char today[16];
	tm_view_today(today);
	tm_buf norm = TM_BUF_INIT;
	tm_rc rc = TM_OK;
	size_t lineno = 0;
	for (char *line = w->text, *next; line && !rc; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		size_t n = strlen(line);
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			line[--n] = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;
		tm_buf_reset(&norm);
		tm_err e = { 0 };
		if (tm_seal_email_norm(line, &norm, &e)) {
			/* the reason, never the address: it may land in a log */
			rc = tm_fail(err, TM_ERR_INVALID, "%s:%zu: not an email address", w->from, lineno);
			break;
		}
		unsigned char dedup[TM_SEAL_DEDUP_BYTES];
		tm_seal_dedup(w->key->dedup, w->id, norm.buf, dedup);
		int removed;
		rc = tm_store_petition_withdraw(w->cli->st, w->id, dedup, today, &removed, err);
		w->addresses++;
		if (removed) {
			w->removed++;
		} else if (!rc) {
			char num[24];
			snprintf(num, sizeof(num), "%zu", lineno);
			tm_strv_push(&w->missing, num);
		}
	}
	sodium_memzero(norm.buf, norm.len);
	tm_buf_release(&norm);
	if (!rc && !w->addresses)
		rc = tm_fail(err, TM_ERR_INVALID, "%s: no address to withdraw (one a line)", w->from);
	return rc;
}

/* The server's key, checked against the petition's: with another key the
 * dedup hashes would match nothing, and say so wrongly. */
static int petition_server_key(tm_cli *cli, const char *id, const char *path, tm_seal_server_key *key)
{
	tm_err err = { 0 };
	tm_petition p;
	if (tm_store_get_petition(cli->st, id, &p, &err))
		return tm_cli_error(&err);
	if (tm_seal_server_key_read(path, key, &err)) {
		tm_petition_release(&p);
		return tm_cli_error(&err);
	}
	unsigned char pk[TM_SEAL_KEY_BYTES];
	int same = tm_seal_key_parse(p.public_key, pk) == 0 && memcmp(pk, key->pk, sizeof(pk)) == 0;
	if (!same) {
		char mine[TM_SEAL_FINGERPRINT], theirs[TM_SEAL_FINGERPRINT];
		tm_seal_fingerprint(key->pk, mine);
		tm_seal_fingerprint(pk, theirs);
		fprintf(stderr,
			"tiemap: the key in '%s' is not the key of petition '%s': its signatures are sealed to the key "
			"with fingerprint %s, and this one's is %s\n",
			path, id, theirs, mine);
		sodium_memzero(key, sizeof(*key));
	}
	tm_petition_release(&p);
	return same ? 0 : TM_EXIT_FAIL;
}

static int withdraw(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "petition-key", required_argument, NULL, 'k' },
		{ "addresses", required_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 },
	};
	const char *key_path = NULL, *from = "-";
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'k')
			key_path = optarg;
		else if (c == 'a')
			from = optarg;
		else
			return tm_cli_usage(&tm_cmd_petition);
	}
	if (optind + 1 != argc || !key_path)
		return tm_cli_usage(&tm_cmd_petition);
	const char *id = argv[optind];
	int status = open_store_rw(cli);
	if (status)
		return status;
	tm_seal_server_key key;
	if ((status = petition_server_key(cli, id, key_path, &key)))
		return status;
	struct withdraw_ctx w = { .cli = cli, .id = id, .from = strcmp(from, "-") == 0 ? "stdin" : from, .key = &key };
	tm_err err = { 0 };
	tm_rc rc = tm_cli_read_input(from, MAX_ADDRESSES, &w.text, &w.len, &err);
	if (!rc && !tm_utf8_valid(w.text, w.len))
		rc = tm_fail(&err, TM_ERR_INVALID, "%s: not UTF-8 text", w.from);
	if (!rc)
		rc = in_tx(cli, withdraw_all, &w, &err);
	sodium_memzero(&key, sizeof(key));
	if (w.text)
		sodium_memzero(w.text, w.len);
	free(w.text);
	if (rc) {
		tm_strv_release(&w.missing);
		return tm_cli_error(&err);
	}
	fprintf(stderr, "tiemap: %zu of %zu address%s had signed '%s'%s\n", w.removed, w.addresses,
		w.addresses == 1 ? "" : "es", id,
		!w.removed ? ": nothing is deleted" : w.removed == 1 ? ": its signature is deleted" :
							  ": their signatures are deleted");
	for (size_t i = 0; i < w.missing.n; i++)
		fprintf(stderr, "tiemap: %s:%s: no signature of this address\n", w.from, w.missing.v[i]);
	if (w.removed)
		fputs("tiemap: a name they showed stays on the page: 'petition unshow' takes it off\n", stderr);
	status = scrub(cli);
	if (!status && w.missing.n)
		status = TM_EXIT_FAIL;
	tm_strv_release(&w.missing);
	return status;
}

struct unshow_ctx {
	tm_cli *cli;
	const char *id, *name, *city;
	int removed;
};

static tm_rc unshow_one(void *ctx, tm_err *err)
{
	struct unshow_ctx *u = ctx;
	return tm_store_petition_unshow(u->cli->st, u->id, u->name, u->city, &u->removed, err);
}

static int unshow(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "city", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	/* trimmed and checked as the form checks them, so that they can match */
	tm_seal_signer who = { 0 };
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'n' && !who.name) {
			who.name = tm_xstrdup(optarg);
		} else if (c == 'c' && !who.city) {
			who.city = tm_xstrdup(optarg);
		} else {
			tm_seal_signer_release(&who);
			return tm_cli_usage(&tm_cmd_petition);
		}
	}
	if (optind + 1 != argc || !who.name) {
		tm_seal_signer_release(&who);
		return tm_cli_usage(&tm_cmd_petition);
	}
	who.email = tm_xstrdup("someone@example.org");
	const char *bad = NULL;
	if (tm_seal_signer_check(&who, &bad)) {
		fprintf(stderr, "tiemap: --%s: no signer could show that (at most %d characters, no control characters)\n",
			bad, TM_SEAL_NAME_MAX);
		tm_seal_signer_release(&who);
		return TM_EXIT_USAGE;
	}
	const char *id = argv[optind];
	int status = open_store_rw(cli);
	struct unshow_ctx u = { cli, id, who.name, who.city, 0 };
	tm_err err = { 0 };
	if (!status && in_tx(cli, unshow_one, &u, &err))
		status = tm_cli_error(&err);
	if (!status && !u.removed) {
		fprintf(stderr, "tiemap: no name '%s' shown on '%s' %s%s%s\n", who.name, id,
			who.city ? "with city '" : "without a city", who.city ? who.city : "", who.city ? "'" : "");
		status = TM_EXIT_FAIL;
	} else if (!status) {
		fprintf(stderr, "tiemap: '%s' is no longer shown on '%s' (the signature still counts)\n", who.name, id);
		status = scrub(cli);
	}
	tm_seal_signer_release(&who);
	return status;
}

struct purge_ctx {
	tm_cli *cli;
	const char *id;
	int shown_too;
	int64_t signatures, shown;
};

static tm_rc purge_one(void *ctx, tm_err *err)
{
	struct purge_ctx *x = ctx;
	return tm_store_petition_purge(x->cli->st, x->id, x->shown_too, &x->signatures, &x->shown, err);
}

static int purge(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "shown", no_argument, NULL, 's' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	int shown_too = 0, yes = 0, c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			shown_too = 1;
		else if (c == 'y')
			yes = 1;
		else
			return tm_cli_usage(&tm_cmd_petition);
	}
	if (optind + 1 != argc)
		return tm_cli_usage(&tm_cmd_petition);
	const char *id = argv[optind];
	int status = open_store_rw(cli);
	if (status)
		return status;
	tm_err err = { 0 };
	tm_petition p;
	if (tm_store_get_petition(cli->st, id, &p, &err))
		return tm_cli_error(&err);
	char today[16];
	tm_view_today(today);
	int phase = tm_petition_phase(&p, today);
	tm_petition_counts counts;
	tm_rc rc = tm_store_petition_counts(cli->st, id, NULL, NULL, &counts, &err);
	if (rc) {
		tm_petition_release(&p);
		return tm_cli_error(&err);
	}
	if (phase <= 0 && !counts.purged[0]) {
		/* while it takes signatures, its dedup hashes count each address once */
		if (p.closes[0])
			fprintf(stderr, "tiemap: petition '%s' takes signatures until %s: purge it after that\n", id,
				p.closes);
		else
			fprintf(stderr, "tiemap: petition '%s' has no end: set its 'closes' date, and purge it after that\n",
				id);
		tm_petition_release(&p);
		return TM_EXIT_FAIL;
	}
	tm_petition_release(&p);
	if (!yes) {
		fprintf(stderr,
			"tiemap: purge deletes every signature of '%s' from this database for good%s; the counts stay.\n"
			"  Export them first ('petition export' on the organisers' machine), then run it again with --yes\n",
			id, shown_too ? ", and the names shown" : "");
		return TM_EXIT_USAGE;
	}
	struct purge_ctx x = { cli, id, shown_too, 0, 0 };
	if (in_tx(cli, purge_one, &x, &err))
		return tm_cli_error(&err);
	fprintf(stderr, "tiemap: deleted %lld signature%s of '%s'", (long long)x.signatures, x.signatures == 1 ? "" : "s",
		id);
	if (shown_too)
		fprintf(stderr, " and %lld name%s shown", (long long)x.shown, x.shown == 1 ? "" : "s");
	fputs("; its counts stay\n", stderr);
	return scrub(cli);
}

static int run(tm_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return tm_cli_usage(&tm_cmd_petition);
	if (strcmp(argv[1], "keygen") == 0)
		return keygen(argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return list(cli, argc - 1);
	if (strcmp(argv[1], "show") == 0)
		return show(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "export") == 0)
		return export(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "withdraw") == 0)
		return withdraw(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "unshow") == 0)
		return unshow(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "purge") == 0)
		return purge(cli, argc - 1, argv + 1);
	return tm_cli_usage(&tm_cmd_petition);
}

const tm_cmd tm_cmd_petition = {
	"petition", run, 0,
	"petition keygen --secret-key FILE --server-key FILE | petition list | petition show ID\n"
	"              | petition export ID --secret-key FILE [--output FILE]\n"
	"              | petition withdraw ID --petition-key FILE [--addresses FILE]\n"
	"              | petition unshow ID --name NAME [--city CITY] | petition purge ID [--shown] --yes",
	"petitions whose signers only the organisers can read: keys, counts, export, deletion",
	"A petition is a record of the interchange format (docs/format.md); its\n"
	"signatures are sealed on arrival to the organisers' public key, so that the\n"
	"server cannot read them (docs/petitions.md).\n"
	"petition keygen makes the organisers' secret key (--secret-key: keep it off\n"
	"the server) and the server's key (--server-key: for 'serve --petition-key'),\n"
	"each a new file of mode 600, and prints the public key for the record.\n"
	"petition list and show give the petitions and their counts.\n"
	"petition export opens every signature of ID with the secret key and writes\n"
	"them as CSV (signed_at, name, email, city, shown) to stdout or --output\n"
	"(mode 600).  Run it on the organisers' machine, on a copy of the database.\n"
	"\n"
	"Taking back, on the server's database (what is deleted is overwritten in\n"
	"the file and its log, not only unlinked):\n"
	"petition withdraw deletes the signatures of the addresses read from\n"
	"--addresses FILE or standard input, one a line (not from the command line:\n"
	"it would keep them in the shell's history), with the server's key\n"
	"(--petition-key, as for serve); the count goes down on the day.  Exit 1\n"
	"when an address had not signed (the others are still withdrawn).\n"
	"petition unshow takes one name shown off the page, exactly as shown, with\n"
	"its city or, without --city, the one shown without a city; the signature\n"
	"stays, and counts.\n"
	"petition purge, once a petition has closed and the organisers have\n"
	"exported it, deletes all its signatures (and with --shown the names\n"
	"shown); the counts stay, and it takes no signature again.\n",
};
