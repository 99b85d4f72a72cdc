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
 *            CSV: on the organisers' machine, from a copy of the database.
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
#include <unistd.h>

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
	const char *row[] = { p->id, tm_view_petition_status(p, c->today), count, title.buf };
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
	return tm_cli_usage(&tm_cmd_petition);
}

const tm_cmd tm_cmd_petition = {
	"petition", run, 0,
	"petition keygen --secret-key FILE --server-key FILE | petition list | petition show ID\n"
	"              | petition export ID --secret-key FILE [--output FILE]",
	"petitions whose signers only the organisers can read: keys, counts, export",
	"A petition is a record of the interchange format (docs/format.md); its\n"
	"signatures are sealed on arrival to the organisers' public key, so that the\n"
	"server cannot read them (docs/petitions.md).\n"
	"petition keygen makes the organisers' secret key (--secret-key: keep it off\n"
	"the server) and the server's key (--server-key: for 'serve --petition-key'),\n"
	"each a new file of mode 600, and prints the public key for the record.\n"
	"petition list and show give the petitions and their counts.\n"
	"petition export opens every signature of ID with the secret key and writes\n"
	"them as CSV (signed_at, name, email, city, shown) to stdout or --output\n"
	"(mode 600).  Run it on the organisers' machine, on a copy of the database.\n",
};
