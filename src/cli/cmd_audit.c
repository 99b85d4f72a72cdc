/*
 * tiemap audit FILE: which devices of a network inventory come from vendors
 * in the graph, and what ties those vendors to.  Device MACs are looked up
 * in the IEEE registries (io/ieee.h), the vendors screened as a list
 * (match/screen.h).  Reads files only; sends nothing anywhere.
 */
#include "cli/graph_util.h"
#include "io/csv.h"
#include "io/ieee.h"
#include "io/inventory.h"
#include "match/screen.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INPUT ((size_t)256 << 20)

enum { F_TABLE, F_CSV, F_JSON };

/* What a device turned out to be. */
typedef struct audit_dev {
	const tm_device *d;
	const char *status;   /* "registered", "randomized", "multicast", "unknown" */
	tm_oui_hit hit;       /* when registered */
	long vendor;          /* index into the vendor list, or -1 */
} audit_dev;

typedef struct audit_vendor {
	const char *org;      /* borrowed from the registry */
	const char *registry;
	tm_strv prefixes;
	size_t devices;
} audit_vendor;

static tm_rc read_all(const char *path, char **data, size_t *len, tm_err *err)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (!f)
		return tm_fail(err, TM_ERR_IO, "unable to open '%s'", path);
	tm_buf b = TM_BUF_INIT;
	char chunk[65536];
	size_t n;
	tm_rc rc = TM_OK;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > MAX_INPUT) {
			rc = tm_fail(err, TM_ERR_LIMIT, "'%s' is larger than %zu MB", path, MAX_INPUT >> 20);
			break;
		}
		tm_buf_add(&b, chunk, n);
	}
	if (!rc && ferror(f))
		rc = tm_fail(err, TM_ERR_IO, "unable to read '%s'", path);
	if (f != stdin)
		fclose(f);
	if (rc) {
		tm_buf_release(&b);
		return rc;
	}
	*len = b.len;
	*data = tm_buf_detach(&b);
	return TM_OK;
}

static void join_flags(const tm_flags *f, tm_buf *out, const char *sep)
{
	for (size_t i = 0; i < f->tags.n; i++)
		tm_buf_addf(out, "%s%s", i ? sep : "", f->tags.v[i]);
}

static const tm_screen_row *vendor_row(const tm_screen_report *rep, const audit_dev *a)
{
	return a->vendor >= 0 ? &rep->rows[a->vendor] : NULL;
}

static void print_csv(const audit_dev *devs, size_t n, const tm_screen_report *rep)
{
	static const char *const head[] = { "line", "ip", "mac", "hostname", "status", "vendor", "registry", "prefix",
					    "match_id", "flags" };
	tm_buf out = TM_BUF_INIT;
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		tm_buf_addf(&out, "%s%s", i ? "," : "", head[i]);
	tm_buf_adds(&out, "\r\n");
	for (size_t i = 0; i < n; i++) {
		const audit_dev *a = &devs[i];
		const tm_screen_row *vr = vendor_row(rep, a);
		char line[24], mac[18];
		snprintf(line, sizeof(line), "%zu", a->d->line);
		tm_mac_format(a->d->mac, mac);
		tm_buf flags = TM_BUF_INIT;
		if (vr)
			join_flags(&vr->flags, &flags, ";");
		const char *cells[] = { line,
					a->d->ip,
					mac,
					a->d->hostname,
					a->status,
					a->vendor >= 0 ? a->hit.org : "",
					a->vendor >= 0 ? a->hit.registry : "",
					a->vendor >= 0 ? a->hit.prefix : "",
					vr && vr->matched ? vr->match.id : "",
					flags.buf };
		for (size_t k = 0; k < sizeof(cells) / sizeof(cells[0]); k++) {
			if (k)
				tm_buf_addch(&out, ',');
			tm_buf_add_csv(&out, cells[k], ',');
		}
		tm_buf_adds(&out, "\r\n");
		tm_buf_release(&flags);
	}
	fwrite(out.buf, 1, out.len, stdout);
	tm_buf_release(&out);
}

static json_t *flags_json(tm_cli *cli, const tm_flags *f, json_t **detail, json_t **evidence)
{
	json_t *tags = json_array();
	*detail = json_array();
	*evidence = json_array();
	for (size_t i = 0; i < f->tags.n; i++) {
		json_array_append_new(tags, json_string(f->tags.v[i]));
		char *via = tm_cli_id_of(cli, f->via[i]);
		json_t *d = json_object();
		json_object_set_new(d, "tag", json_string(f->tags.v[i]));
		json_object_set_new(d, "via", json_string(via ? via : ""));
		json_object_set_new(d, "hops", json_integer(f->dist[i]));
		json_object_set_new(d, "through_owners", json_boolean(f->owner[i]));
		json_array_append_new(*detail, d);
		free(via);
	}
	for (size_t i = 0; i < f->n_steps; i++)
		json_array_append_new(*evidence, tm_screen_step_json(cli->st, &f->steps[i]));
	return tags;
}

static json_t *summary_json(const char *path, const tm_inventory *inv, const audit_dev *devs, size_t n, size_t nv,
			    const tm_screen_report *rep, size_t blocks)
{
	size_t counts[4] = { 0 }, flagged = 0, flagged_vendors = 0, matched_vendors = 0;
	static const char *const st[] = { "registered", "randomized", "multicast", "unknown" };
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++)
			counts[k] += strcmp(devs[i].status, st[k]) == 0;
		const tm_screen_row *vr = vendor_row(rep, &devs[i]);
		flagged += vr && vr->flags.tags.n > 0;
	}
	for (size_t i = 0; i < nv; i++) {
		flagged_vendors += rep->rows[i].flags.tags.n > 0;
		matched_vendors += rep->rows[i].matched;
	}
	json_t *s = json_object();
	json_object_set_new(s, "file", json_string(path));
	json_object_set_new(s, "format", json_string(tm_inv_format_name(inv->format)));
	json_object_set_new(s, "devices", json_integer((json_int_t)n));
	for (int k = 0; k < 4; k++)
		json_object_set_new(s, st[k], json_integer((json_int_t)counts[k]));
	json_object_set_new(s, "vendors", json_integer((json_int_t)nv));
	json_object_set_new(s, "vendors_in_graph", json_integer((json_int_t)matched_vendors));
	json_object_set_new(s, "vendors_flagged", json_integer((json_int_t)flagged_vendors));
	json_object_set_new(s, "devices_flagged", json_integer((json_int_t)flagged));
	json_object_set_new(s, "entries_without_mac", json_integer((json_int_t)inv->no_mac));
	json_object_set_new(s, "warnings", json_integer((json_int_t)inv->nwarn));
	json_object_set_new(s, "registry_blocks", json_integer((json_int_t)blocks));
	json_t *tags = json_array();
	for (size_t i = 0; i < rep->tags.n; i++)
		json_array_append_new(tags, json_string(rep->tags.v[i]));
	json_object_set_new(s, "tags", tags);
	json_object_set_new(s, "hops", json_integer(rep->hops));
	json_object_set_new(s, "threshold", json_real(rep->threshold));
	return s;
}

static int print_json(tm_cli *cli, const char *path, const tm_inventory *inv, const audit_dev *devs, size_t n,
		      const audit_vendor *vs, size_t nv, const tm_screen_report *rep, size_t blocks)
{
	json_t *root = json_object();
	json_object_set_new(root, "summary", summary_json(path, inv, devs, n, nv, rep, blocks));
	json_t *vj = json_array();
	for (size_t i = 0; i < nv; i++) {
		const tm_screen_row *r = &rep->rows[i];
		json_t *o = json_object();
		json_object_set_new(o, "vendor", json_string(vs[i].org));
		json_object_set_new(o, "registry", json_string(vs[i].registry));
		json_t *pre = json_array();
		for (size_t k = 0; k < vs[i].prefixes.n; k++)
			json_array_append_new(pre, json_string(vs[i].prefixes.v[k]));
		json_object_set_new(o, "prefixes", pre);
		json_object_set_new(o, "devices", json_integer((json_int_t)vs[i].devices));
		if (r->matched) {
			json_t *m = json_object();
			json_object_set_new(m, "id", json_string(r->match.id));
			json_object_set_new(m, "name", json_string(r->match.name));
			json_object_set_new(m, "score", json_real((double)(long)(r->match.score * 1000 + 0.5) / 1000));
			json_object_set_new(m, "matched_by", json_string(tm_match_by_name(r->match.by)));
			json_object_set_new(m, "explain", json_string(r->match.explain));
			json_object_set_new(o, "match", m);
		} else {
			json_object_set_new(o, "match", json_null());
		}
		json_t *detail, *ev;
		json_object_set_new(o, "flags", flags_json(cli, &r->flags, &detail, &ev));
		json_object_set_new(o, "flag_detail", detail);
		json_object_set_new(o, "evidence", ev);
		json_array_append_new(vj, o);
	}
	json_object_set_new(root, "vendors", vj);
	json_t *dj = json_array();
	for (size_t i = 0; i < n; i++) {
		const audit_dev *a = &devs[i];
		const tm_screen_row *vr = vendor_row(rep, a);
		char mac[18];
		tm_mac_format(a->d->mac, mac);
		json_t *o = json_object();
		json_object_set_new(o, "line", json_integer((json_int_t)a->d->line));
		json_object_set_new(o, "ip", json_string(a->d->ip));
		json_object_set_new(o, "mac", json_string(mac));
		json_object_set_new(o, "hostname", json_string(a->d->hostname));
		json_object_set_new(o, "status", json_string(a->status));
		json_object_set_new(o, "vendor", a->vendor >= 0 ? json_string(a->hit.org) : json_null());
		if (a->vendor >= 0) {
			json_object_set_new(o, "registry", json_string(a->hit.registry));
			json_object_set_new(o, "prefix", json_string(a->hit.prefix));
		}
		json_object_set_new(o, "match_id", vr && vr->matched ? json_string(vr->match.id) : json_null());
		json_t *tags = json_array();
		for (size_t k = 0; vr && k < vr->flags.tags.n; k++)
			json_array_append_new(tags, json_string(vr->flags.tags.v[k]));
		json_object_set_new(o, "flags", tags);
		json_array_append_new(dj, o);
	}
	json_object_set_new(root, "devices", dj);
	json_t *wj = json_array();
	for (size_t i = 0; i < inv->nwarn; i++) {
		json_t *w = json_object();
		json_object_set_new(w, "line", json_integer((json_int_t)inv->warn[i].line));
		json_object_set_new(w, "message", json_string(inv->warn[i].msg));
		json_array_append_new(wj, w);
	}
	json_object_set_new(root, "warnings", wj);
	return tm_cli_print_json(root);
}

static void print_table(tm_cli *cli, const char *path, const tm_inventory *inv, const audit_dev *devs, size_t n,
			const audit_vendor *vs, size_t nv, const tm_screen_report *rep)
{
	size_t rnd = 0, unk = 0, flagged = 0;
	for (size_t i = 0; i < n; i++) {
		rnd += strcmp(devs[i].status, "randomized") == 0;
		unk += strcmp(devs[i].status, "unknown") == 0 || strcmp(devs[i].status, "multicast") == 0;
		const tm_screen_row *vr = vendor_row(rep, &devs[i]);
		flagged += vr && vr->flags.tags.n > 0;
	}
	printf("%s (%s): %zu devices from %zu vendors; %zu flagged; %zu randomized, %zu unknown; %zu warnings\n",
	       path, tm_inv_format_name(inv->format), n, nv, flagged, rnd, unk, inv->nwarn);
	printf("flags: ");
	for (size_t i = 0; i < rep->tags.n; i++)
		printf("%s%s", i ? "," : "", rep->tags.v[i]);
	printf(" within %d hop%s of the vendor\n\n", rep->hops, rep->hops == 1 ? "" : "s");
	static const char *vh[] = { "VENDOR", "BLOCKS", "DEVICES", "MATCH", "FLAGS" };
	tm_table t;
	tm_table_init(&t, 5, vh);
	for (size_t i = 0; i < nv; i++) {
		const tm_screen_row *r = &rep->rows[i];
		char blocks[16], nd[16];
		snprintf(blocks, sizeof(blocks), "%zu", vs[i].prefixes.n);
		snprintf(nd, sizeof(nd), "%zu", vs[i].devices);
		tm_buf f = TM_BUF_INIT;
		join_flags(&r->flags, &f, ",");
		const char *row[] = { vs[i].org, blocks, nd, r->matched ? r->match.id : "-", f.buf };
		tm_table_add(&t, row);
		tm_buf_release(&f);
	}
	tm_table_print(&t, stdout, cli->width);
	tm_table_release(&t);
	if (flagged) {
		printf("\nFlagged devices\n");
		static const char *dh[] = { "LINE", "IP", "MAC", "HOSTNAME", "MATCH", "FLAGS" };
		tm_table_init(&t, 6, dh);
		for (size_t i = 0; i < n; i++) {
			const tm_screen_row *vr = vendor_row(rep, &devs[i]);
			if (!vr || !vr->flags.tags.n)
				continue;
			char line[24], mac[18];
			snprintf(line, sizeof(line), "%zu", devs[i].d->line);
			tm_mac_format(devs[i].d->mac, mac);
			tm_buf f = TM_BUF_INIT;
			join_flags(&vr->flags, &f, ",");
			const char *row[] = { line, devs[i].d->ip, mac, devs[i].d->hostname, vr->match.id, f.buf };
			tm_table_add(&t, row);
			tm_buf_release(&f);
		}
		tm_table_print(&t, stdout, cli->width);
		tm_table_release(&t);
		printf("\nEvidence\n");
		tm_strv notes = TM_STRV_INIT;
		for (size_t i = 0; i < nv; i++) {
			const tm_screen_row *r = &rep->rows[i];
			if (!r->flags.tags.n)
				continue;
			printf("%s → %s:", vs[i].org, r->match.id);
			for (size_t k = 0; k < r->flags.tags.n; k++) {
				char *via = tm_cli_id_of(cli, r->flags.via[k]);
				if (r->flags.dist[k] == 0)
					printf("%s%s (tagged itself)", k ? "; " : " ", r->flags.tags.v[k]);
				else
					printf("%s%s (via %s, %d hop%s)", k ? "; " : " ", r->flags.tags.v[k], via ? via : "?",
					       r->flags.dist[k], r->flags.dist[k] == 1 ? "" : "s");
				free(via);
			}
			printf("\n");
			for (size_t k = 0; k < r->flags.n_steps; k++)
				tm_cli_print_step(cli, &r->flags.steps[k], &notes);
		}
		tm_cli_print_notes(cli, &notes);
		tm_strv_release(&notes);
	}
	if (inv->no_mac)
		printf("\n%zu entr%s without a MAC address (no answer, or scanned across a router) not counted\n",
		       inv->no_mac, inv->no_mac == 1 ? "y" : "ies");
	if (inv->nwarn) {
		printf("\nWarnings\n");
		for (size_t i = 0; i < inv->nwarn; i++)
			printf("  line %zu: %s\n", inv->warn[i].line, inv->warn[i].msg);
	}
}

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "input-format", required_argument, NULL, 'i' },
		{ "registry", required_argument, NULL, 'r' },
		{ "mac-col", required_argument, NULL, 'm' },
		{ "tags", required_argument, NULL, 'g' },
		{ "hops", required_argument, NULL, 'H' },
		{ "threshold", required_argument, NULL, 't' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 },
	};
	int fmt = TM_INV_AUTO, out_fmt = cli->json ? F_JSON : F_TABLE, bad = 0, c;
	const char *registry = NULL, *mac_col = NULL;
	double threshold = TM_MATCH_THRESHOLD;
	long hops = 2;
	tm_strv tags = TM_STRV_INIT;
	char *end;
	optind = 1;
	while (!bad && (c = getopt_long(argc, argv, "i:r:m:g:H:t:f:", opts, NULL)) != -1) {
		switch (c) {
		case 'i': bad = (fmt = tm_inv_format_parse(optarg)) < 0; break;
		case 'r': registry = optarg; break;
		case 'm': mac_col = optarg; break;
		case 'g': bad = tm_cli_parse_tags(optarg, &tags) != 0; break;
		case 'H':
			hops = strtol(optarg, &end, 10);
			bad = *end || hops < 0 || hops > 8;
			break;
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
	if (bad || optind != argc - 1) {
		tm_strv_release(&tags);
		return tm_cli_usage(&tm_cmd_audit);
	}
	if (!tags.n)
		tm_strv_push(&tags, "surveillance");
	const char *path = argv[optind];
	tm_err err = { 0 };
	char *data = NULL;
	size_t len = 0;
	tm_oui_db *db = NULL;
	tm_inventory inv = { 0 };
	tm_graph *g = NULL;
	int status = TM_EXIT_OK;
	tm_rc rc = read_all(path, &data, &len, &err);
	if (!rc)
		rc = tm_oui_load(registry, &db, &err);
	if (!rc && (rc = tm_inventory_parse(data, len, (tm_inv_format)fmt, mac_col, &inv, &err))) {
		tm_err e2;
		tm_fail(&e2, err.rc, "'%s': %s", path, err.msg);
		err = e2;
	}
	if (!rc)
		rc = tm_cli_graph(cli, &g, &err);
	if (rc) {
		status = tm_cli_error(&err);
		goto done;
	}
	/* each device: its registry block, or why it has none */
	audit_dev *devs = tm_xcalloc(inv.n ? inv.n : 1, sizeof(*devs));
	audit_vendor *vs = NULL;
	size_t nv = 0, capv = 0;
	for (size_t i = 0; i < inv.n; i++) {
		audit_dev *a = &devs[i];
		a->d = &inv.v[i];
		a->vendor = -1;
		int kind = tm_mac_kind(a->d->mac);
		if (kind == 1) {
			a->status = "randomized";
		} else if (kind == 2) {
			a->status = "multicast";
		} else if (!tm_oui_lookup(db, a->d->mac, &a->hit)) {
			a->status = "unknown";
		} else {
			a->status = "registered";
			size_t k = 0;
			while (k < nv && strcmp(vs[k].org, a->hit.org) != 0)
				k++;
			if (k == nv) {
				TM_GROW(vs, capv, nv + 1);
				vs[nv++] = (audit_vendor){ a->hit.org, a->hit.registry, TM_STRV_INIT, 0 };
			}
			a->vendor = (long)k;
			vs[k].devices++;
			if (!tm_strv_contains(&vs[k].prefixes, a->hit.prefix))
				tm_strv_push(&vs[k].prefixes, a->hit.prefix);
		}
	}
	/* the vendors, screened as a list */
	tm_screen_in *in = tm_xcalloc(nv ? nv : 1, sizeof(*in));
	for (size_t i = 0; i < nv; i++)
		in[i] = (tm_screen_in){ i + 1, vs[i].org, NULL, NULL, NULL, NULL };
	tm_screen_opts so = { threshold, (const char *const *)tags.v, tags.n, (int)hops, g, 1, NULL, NULL, NULL, NULL };
	tm_screen_report rep;
	if ((rc = tm_screen_run(cli->st, in, nv, &so, &rep, &err))) {
		status = tm_cli_error(&err);
	} else {
		switch (out_fmt) {
		case F_CSV: print_csv(devs, inv.n, &rep); break;
		case F_JSON:
			status = print_json(cli, path, &inv, devs, inv.n, vs, nv, &rep, tm_oui_count(db));
			break;
		default: print_table(cli, path, &inv, devs, inv.n, vs, nv, &rep);
		}
		tm_screen_report_release(&rep);
	}
	free(in);
	for (size_t i = 0; i < nv; i++)
		tm_strv_release(&vs[i].prefixes);
	free(vs);
	free(devs);
done:
	tm_inventory_release(&inv);
	tm_oui_free(db);
	free(data);
	tm_strv_release(&tags);
	return status;
}

const tm_cmd tm_cmd_audit = {
	"audit", run, TM_CMD_STORE,
	"audit [--input-format csv|nmap|neigh|arp|dnsmasq|dhcpd] [--registry DIR] [--mac-col C]\n"
	"             [--tags T,..] [--hops N] [--threshold X] [--format table|csv|json] FILE",
	"find the devices of a network inventory whose vendors are in the graph",
	"Reads a device inventory you already have (- for standard input): a CSV with a\n"
	"MAC column, `nmap -oX` XML, `ip neigh` or `arp -a` output, or a dnsmasq or ISC\n"
	"dhcpd lease file (detected, or --input-format).  Each MAC address is looked up\n"
	"in the IEEE registries (--registry DIR, default /usr/share/ieee-data: oui.csv,\n"
	"mam.csv, oui36.csv, iab.csv; the longest prefix wins).  A locally administered\n"
	"address is reported as randomized: it names no vendor.  The vendors are then\n"
	"screened against the graph as `tiemap screen` does, and devices whose vendor\n"
	"carries or reaches --tags (default surveillance) within --hops N (default 2)\n"
	"are flagged, with IP, MAC, host name and each vendor's evidence and sources.\n"
	"Lines that cannot be read are listed as warnings.  Nothing is sent anywhere:\n"
	"a MAC prefix cannot see devices sold under other brands.\n",
};
