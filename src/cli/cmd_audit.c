/*
 * tiemap audit FILE…: which devices of a network inventory come from vendors
 * in the graph, and what ties those vendors to.  The work is src/audit's
 * (so that the server can offer it); here are the options, the files read
 * and the table on a terminal.  Reads files only; sends nothing anywhere.
 */
#include "audit/audit.h"
#include "cli/graph_util.h"

#include <dirent.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_INVENTORY ((size_t)256 << 20)

enum { F_TABLE, F_CSV, F_JSON };

/* A row's flags, short: "category:basis,…" (the table; the evidence below
 * says them as sentences with their quotes). */
static void join_flags(const tm_flags *f, tm_buf *out, const char *sep)
{
	for (size_t i = 0; i < f->n; i++)
		tm_buf_addf(out, "%s%s:%s", i ? sep : "", tm_categories[f->v[i].category].id,
			    tm_flag_basis_name(f->v[i].basis));
}

/* Devices as table rows: the flagged ones (LINE IP MAC HOSTNAME MATCH
 * FLAGS), or those whose leases have ended (… VENDOR MATCH ENDS). */
static void device_rows(tm_table *t, const tm_audit *a, int expired, int only_flagged)
{
	for (size_t i = 0; i < a->n; i++) {
		const tm_audit_dev *d = &a->devs[i];
		if (!only_flagged && (d->d->state == TM_LEASE_EXPIRED) != expired)
			continue;
		const tm_screen_row *vr = tm_audit_vendor_row(a, d);
		if (only_flagged && (!vr || !vr->flags.n))
			continue;
		char line[24], mac[18];
		snprintf(line, sizeof(line), "%zu", d->d->line);
		tm_mac_format(d->d->mac, mac);
		tm_buf f = TM_BUF_INIT, what = TM_BUF_INIT;
		if (vr)
			join_flags(&vr->flags, &f, ",");
		const tm_audit_vendor *v = d->vendor >= 0 ? &a->vendors[d->vendor] : NULL;
		if (d->kind == TM_DEV_VIRTUAL)
			tm_buf_addf(&what, "virtual: %s", d->virt);
		else if (v)
			tm_buf_addf(&what, "%s%s", v->org, strcmp(v->registry, "nmap") == 0 ? " (per nmap)" : "");
		else
			tm_buf_adds(&what, tm_dev_kind_name(d->kind));
		const char *match = vr && vr->matched ? vr->match.id : "-";
		if (only_flagged) {
			const char *row[] = { line, d->d->ip, mac, d->d->hostname, match, f.buf };
			tm_table_add(t, row);
		} else {
			const char *row[] = { line, d->d->ip, mac, d->d->hostname, what.buf, match, d->d->ends };
			tm_table_add(t, row);
		}
		tm_buf_release(&f);
		tm_buf_release(&what);
	}
}

static void print_table(tm_cli *cli, const tm_audit *a)
{
	json_t *scr = tm_screen_report_json(cli->st, &a->rep);
	json_t *rows = json_object_get(scr, "rows");
	const tm_inventory *inv = a->inv;
	if (inv->files.n == 1)
		printf("%s (%s)", inv->files.v[0], tm_inv_format_name(inv->format));
	else
		printf("%zu inventories", inv->files.n);
	printf(": %zu devices from %zu vendors; %zu flagged; %zu virtual, %zu randomized, %zu unknown; %zu warnings\n",
	       a->n, a->nv, a->flagged, a->count[TM_DEV_VIRTUAL], a->count[TM_DEV_RANDOMIZED],
	       a->count[TM_DEV_UNKNOWN] + a->count[TM_DEV_MULTICAST], inv->nwarn);
	if (a->live || a->expired)
		printf("leases: %zu devices with a live lease, %zu whose leases have all ended (listed apart)\n", a->live,
		       a->expired);
	size_t duid = 0;
	for (size_t i = 0; i < a->n; i++)
		duid += a->devs[i].d->mac_from != NULL;
	if (duid)
		printf("%zu device%s of DHCPv6 (IPv6), the MAC read from the client's DUID\n", duid, duid == 1 ? "" : "s");
	printf("flags: from involvement claims, the vendor's own or through up to %d ownership tie%s of at least %g %%\n"
	       "%s\n\n",
	       a->rep.depth, a->rep.depth == 1 ? "" : "s", a->rep.min_share, tm_screen_caveat_en);
	static const char *vh[] = { "VENDOR", "BLOCKS", "DEVICES", "MATCH", "FLAGS" };
	tm_table t;
	tm_table_init(&t, 5, vh);
	for (size_t i = 0; i < a->nv; i++) {
		const tm_screen_row *r = &a->rep.rows[i];
		const tm_audit_vendor *v = &a->vendors[i];
		char blocks[24], nd[24];
		if (strcmp(v->registry, "nmap") == 0)
			snprintf(blocks, sizeof(blocks), "(nmap)");
		else
			snprintf(blocks, sizeof(blocks), "%zu", v->prefixes.n);
		snprintf(nd, sizeof(nd), "%zu", v->devices);
		tm_buf f = TM_BUF_INIT, m = TM_BUF_INIT;
		join_flags(&r->flags, &f, ",");
		if (r->matched)
			tm_buf_adds(&m, r->match.id);
		else if (r->group_member)
			tm_buf_addf(&m, "- (group %s?)", r->match.id);
		else
			tm_buf_adds(&m, "-");
		const char *row[] = { v->org, blocks, nd, m.buf, f.buf };
		tm_table_add(&t, row);
		tm_buf_release(&f);
		tm_buf_release(&m);
	}
	tm_table_print(&t, stdout, cli->width);
	tm_table_release(&t);
	static const char *dh[] = { "LINE", "IP", "MAC", "HOSTNAME", "MATCH", "FLAGS" };
	static const char *eh[] = { "LINE", "IP", "MAC", "HOSTNAME", "VENDOR", "MATCH", "LEASE ENDED" };
	static const char *vh2[] = { "LINE", "IP", "MAC", "HOSTNAME", "WHAT" };
	if (a->flagged) {
		printf("\nFlagged devices\n");
		tm_table_init(&t, 6, dh);
		device_rows(&t, a, 0, 1);
		tm_table_print(&t, stdout, cli->width);
		tm_table_release(&t);
		/* each flag as a sentence, then the words its claims and ties rest on */
		printf("\nEvidence\n");
		for (size_t i = 0; i < a->nv; i++) {
			size_t k, x, y;
			json_t *f, *cl, *c;
			json_array_foreach(json_object_get(json_array_get(rows, i), "flags"), k, f) {
				printf("%s → %s: %s\n", a->vendors[i].org, a->rep.rows[i].match.id,
				       json_string_value(json_object_get(f, "text")));
				json_array_foreach(json_object_get(f, "claims"), x, cl) {
					json_array_foreach(json_object_get(cl, "sources"), y, c) {
						const char *q = json_string_value(json_object_get(c, "quote"));
						printf("    \u201c%s\u201d — %s%s\n", q ? q : "",
						       json_string_value(json_object_get(c, "title")),
						       json_is_true(json_object_get(c, "checked")) ? "" : " [source not checked]");
					}
				}
			}
		}
	}
	if (a->count[TM_DEV_VIRTUAL]) {
		printf("\nVirtual interfaces (a container's or virtual machine's, by their address scheme)\n");
		tm_table_init(&t, 5, vh2);
		for (size_t i = 0; i < a->n; i++) {
			if (a->devs[i].kind != TM_DEV_VIRTUAL)
				continue;
			char line[24], mac[18];
			snprintf(line, sizeof(line), "%zu", a->devs[i].d->line);
			tm_mac_format(a->devs[i].d->mac, mac);
			const char *row[] = { line, a->devs[i].d->ip, mac, a->devs[i].d->hostname, a->devs[i].virt };
			tm_table_add(&t, row);
		}
		tm_table_print(&t, stdout, cli->width);
		tm_table_release(&t);
	}
	if (a->expired) {
		printf("\nEnded leases (binding state free, expired, released, abandoned or backup: not on the network "
		       "now)\n");
		tm_table_init(&t, 7, eh);
		device_rows(&t, a, 1, 0);
		tm_table_print(&t, stdout, cli->width);
		tm_table_release(&t);
	}
	if (inv->no_mac)
		printf("\n%zu entr%s without a MAC address (no answer, scanned across a router, or a DHCPv6 DUID that "
		       "carries none) not counted\n",
		       inv->no_mac, inv->no_mac == 1 ? "y" : "ies");
	if (inv->nwarn) {
		printf("\nWarnings\n");
		for (size_t i = 0; i < inv->nwarn; i++) {
			if (inv->files.n > 1)
				printf("  %s:%zu: %s\n", inv->files.v[inv->warn[i].file], inv->warn[i].line, inv->warn[i].msg);
			else
				printf("  line %zu: %s\n", inv->warn[i].line, inv->warn[i].msg);
		}
	}
	json_decref(scr);
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The inputs: files as given, a directory as its files (sorted, hidden
 * ones left out). */
static tm_rc inputs(char **args, int n, tm_strv *out, tm_err *err)
{
	for (int i = 0; i < n; i++) {
		struct stat sb;
		if (strcmp(args[i], "-") != 0 && stat(args[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			DIR *d = opendir(args[i]);
			if (!d)
				return tm_fail(err, TM_ERR_IO, "unable to read the directory '%s'", args[i]);
			tm_strv names = TM_STRV_INIT;
			struct dirent *e;
			while ((e = readdir(d))) {
				if (e->d_name[0] == '.')
					continue;
				tm_buf p = TM_BUF_INIT;
				tm_buf_addf(&p, "%s%s%s", args[i], args[i][strlen(args[i]) - 1] == '/' ? "" : "/", e->d_name);
				if (stat(p.buf, &sb) == 0 && S_ISREG(sb.st_mode))
					tm_strv_push_owned(&names, tm_buf_detach(&p));
				tm_buf_release(&p);
			}
			closedir(d);
			qsort(names.v, names.n, sizeof(char *), by_name);
			for (size_t k = 0; k < names.n; k++)
				tm_strv_push(out, names.v[k]);
			if (!names.n) {
				tm_strv_release(&names);
				return tm_fail(err, TM_ERR_INVALID, "no files in the directory '%s'", args[i]);
			}
			tm_strv_release(&names);
		} else {
			tm_strv_push(out, args[i]);
		}
	}
	return TM_OK;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input-format", required_argument, NULL, 'i' },
		{ "registry", required_argument, NULL, 'r' },
		{ "mac-col", required_argument, NULL, 'm' },
		TM_CLI_FLAG_OPTIONS,
		{ "threshold", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int fmt = TM_INV_AUTO, out_fmt = cli->json ? F_JSON : F_TABLE, bad = 0, c;
	const char *registry = NULL, *mac_col = NULL;
	double threshold = TM_MATCH_THRESHOLD;
	tm_flag_opts fo;
	tm_flag_opts_init(&fo);
	tm_strv tags = TM_STRV_INIT;
	char *end;
	optind = 1;
	while (!bad && (c = getopt_long(argc, argv, "i:r:m:g:H:t:f:", opts, NULL)) != -1) {
		int flag_opt = tm_cli_flag_option(c, optarg, "audit", &fo, &tags, &bad);
		if (flag_opt < 0) {
			tm_strv_release(&tags);
			return TM_EXIT_USAGE;
		}
		if (flag_opt)
			continue;
		switch (c) {
		case 'i': bad = (fmt = tm_inv_format_parse(optarg)) < 0; break;
		case 'r': registry = optarg; break;
		case 'm': mac_col = optarg; break;
		case 't':
			threshold = strtod(optarg, &end);
			bad = *end || !(threshold > 0 && threshold <= 1);
			break;
		case 'f':
			out_fmt = strcmp(optarg, "table") == 0 ? F_TABLE :
				  strcmp(optarg, "csv") == 0   ? F_CSV :
				  strcmp(optarg, "json") == 0  ? F_JSON :
								 -1;
			bad = out_fmt < 0;
			break;
		default: bad = 1;
		}
	}
	if (bad || optind >= argc) {
		tm_strv_release(&tags);
		return tm_cli_usage(&tm_cmd_audit);
	}
	if (tm_cli_flag_categories(&tags, &fo)) {
		tm_strv_release(&tags);
		return TM_EXIT_USAGE;
	}
	tm_err err = { 0 };
	tm_strv files = TM_STRV_INIT;
	tm_oui_db *db = NULL;
	tm_inventory inv = { 0 };
	tm_graph *g = NULL;
	int status = TM_EXIT_OK;
	tm_rc rc = inputs(argv + optind, argc - optind, &files, &err);
	if (!rc)
		rc = tm_oui_load(registry, &db, &err);
	for (size_t i = 0; !rc && i < files.n; i++) {
		char *data = NULL;
		size_t len = 0;
		rc = tm_cli_read_input(files.v[i], MAX_INVENTORY, &data, &len, &err);
		if (!rc && (rc = tm_inventory_add(&inv, files.v[i], data, len, (tm_inv_format)fmt, mac_col, &err))) {
			tm_err e2;
			tm_fail(&e2, err.rc, "'%s': %s", files.v[i], err.msg);
			err = e2;
		}
		free(data);
	}
	/* a file that gave nothing at all was not read as an inventory: never
	 * "0 devices" and success */
	if (!rc && !inv.n && !inv.no_mac) {
		int empty_scan = inv.nfiles == 1 && inv.format == TM_INV_NMAP && !inv.nwarn;
		if (!empty_scan)
			rc = tm_fail(&err, TM_ERR_INVALID, "no device could be read from %s%s%s",
				     files.n == 1 ? "'" : "", files.n == 1 ? files.v[0] : "the inputs",
				     files.n == 1 ? "'" : "");
	}
	if (!rc)
		rc = tm_cli_graph(cli, &g, &err);
	if (rc) {
		status = tm_cli_error(&err);
		goto done;
	}
	tm_audit_opts ao = { fo, threshold, g };
	tm_audit a;
	if ((rc = tm_audit_run(cli->st, db, &inv, &ao, &a, &err))) {
		status = tm_cli_error(&err);
		goto done;
	}
	if (out_fmt == F_CSV) {
		tm_buf out = TM_BUF_INIT;
		tm_audit_csv(cli->st, &a, "en", &out);
		fwrite(out.buf, 1, out.len, stdout);
		tm_buf_release(&out);
	} else if (out_fmt == F_JSON) {
		status = tm_cli_print_json(tm_audit_json(cli->st, &a));
	} else {
		print_table(cli, &a);
	}
	tm_audit_release(&a);
done:
	tm_inventory_release(&inv);
	tm_oui_free(db);
	tm_strv_release(&files);
	tm_strv_release(&tags);
	return status;
}

const tm_cmd tm_cmd_audit = {
	"audit", run, TM_CMD_STORE,
	"audit [--input-format csv|nmap|neigh|arp|dnsmasq|dhcpd] [--registry DIR] [--mac-col C]\n"
	"             [--categories C,..] [--depth N] [--min-share P] [--threshold X] [--format table|csv|json]\n"
	"             FILE|DIR...",
	"find the devices of a network inventory whose vendors are in the graph",
	"Reads device inventories you already have (- for standard input; a directory\n"
	"for all its files): a table with a MAC column (CSV, TSV, .xlsx, .ods),\n"
	"`nmap -oX` XML, `ip neigh` or `arp -a` output, a dnsmasq or ISC dhcpd lease\n"
	"file, IPv4 or IPv6 (detected, or --input-format).  Each MAC address is looked\n"
	"up in the IEEE registries (--registry DIR, default /usr/share/ieee-data:\n"
	"oui.csv, mam.csv, oui36.csv, iab.csv; the longest prefix wins); where they have\n"
	"no block, the vendor nmap names is shown as nmap's.  A locally administered\n"
	"address names no vendor: it is reported as virtual when it has the scheme of\n"
	"a container or virtual machine (Docker's 02:42, QEMU's 52:54:00 …), else as\n"
	"randomized (most likely a phone's or laptop's private address).  Leases whose\n"
	"binding state is free, expired, released, abandoned or backup are listed apart\n"
	"from the live ones, with when they end.  The vendors are then screened against\n"
	"the graph as `tiemap screen` does, with the same flags: a vendor is flagged\n"
	"for an involvement category by its own cited claim, or through up to --depth\n"
	"ownership ties (default 3, shares of at least --min-share, default 50);\n"
	"--categories limits them (default: all).  Devices of a flagged vendor are\n"
	"listed with IP, MAC, host name and the evidence.  Lines that cannot be read\n"
	"are listed as warnings; a file with no device at all is an error.\n"
	"Nothing is sent anywhere: a MAC prefix cannot see devices sold under other\n"
	"brands.\n",
};
