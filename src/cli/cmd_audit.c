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

/* The flags of vendor row i as sentences (or "category:basis" when short),
 * from the report's JSON rows (match/screen.h). */
static void join_flags(json_t *rows, size_t i, int short_form, tm_buf *out, const char *sep)
{
	size_t k;
	json_t *f;
	json_array_foreach(json_object_get(json_array_get(rows, i), "flags"), k, f) {
		if (short_form)
			tm_buf_addf(out, "%s%s:%s", k ? sep : "", json_string_value(json_object_get(f, "category")),
				    json_string_value(json_object_get(f, "basis")));
		else
			tm_buf_addf(out, "%s%s", k ? sep : "", json_string_value(json_object_get(f, "text")));
	}
}

static const tm_screen_row *vendor_row(const tm_screen_report *rep, const audit_dev *a)
{
	return a->vendor >= 0 ? &rep->rows[a->vendor] : NULL;
}

static void print_csv(const audit_dev *devs, size_t n, const tm_screen_report *rep, json_t *rows)
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
			join_flags(rows, (size_t)a->vendor, 0, &flags, "; ");
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

static json_t *summary_json(const char *path, const tm_inventory *inv, const audit_dev *devs, size_t n, size_t nv,
			    const tm_screen_report *rep, size_t blocks)
{
	size_t counts[4] = { 0 }, flagged = 0, flagged_vendors = 0, matched_vendors = 0;
	static const char *const st[] = { "registered", "randomized", "multicast", "unknown" };
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 4; k++)
			counts[k] += strcmp(devs[i].status, st[k]) == 0;
		const tm_screen_row *vr = vendor_row(rep, &devs[i]);
		flagged += vr && vr->flags.n > 0;
	}
	for (size_t i = 0; i < nv; i++) {
		flagged_vendors += rep->rows[i].flags.n > 0;
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
	json_t *cats = json_array();
	for (size_t c = 0; c < tm_n_categories; c++)
		if (!rep->categories.n || tm_strv_contains(&rep->categories, tm_categories[c].id))
			json_array_append_new(cats, json_string(tm_categories[c].id));
	json_object_set_new(s, "categories", cats);
	json_object_set_new(s, "depth", json_integer(rep->depth));
	json_object_set_new(s, "min_share", json_real(rep->min_share));
	json_object_set_new(s, "threshold", json_real(rep->threshold));
	json_object_set_new(s, "caveat", json_string(tm_screen_caveat_en));
	json_object_set_new(s, "caveat_zh", json_string(tm_screen_caveat_zh));
	return s;
}

static int print_json(const char *path, const tm_inventory *inv, const audit_dev *devs, size_t n,
		      const audit_vendor *vs, size_t nv, const tm_screen_report *rep, json_t *rows, size_t blocks)
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
		/* the flags as `tiemap screen` gives them: basis, claims, chain, texts */
		json_object_set_new(o, "flags", json_incref(json_object_get(json_array_get(rows, i), "flags")));
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
		json_t *cats = json_array();
		for (size_t k = 0; vr && k < vr->flags.n; k++)
			json_array_append_new(cats, json_string(tm_categories[vr->flags.v[k].category].id));
		json_object_set_new(o, "flags", cats);
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
			const audit_vendor *vs, size_t nv, const tm_screen_report *rep, json_t *rows)
{
	size_t rnd = 0, unk = 0, flagged = 0;
	for (size_t i = 0; i < n; i++) {
		rnd += strcmp(devs[i].status, "randomized") == 0;
		unk += strcmp(devs[i].status, "unknown") == 0 || strcmp(devs[i].status, "multicast") == 0;
		const tm_screen_row *vr = vendor_row(rep, &devs[i]);
		flagged += vr && vr->flags.n > 0;
	}
	printf("%s (%s): %zu devices from %zu vendors; %zu flagged; %zu randomized, %zu unknown; %zu warnings\n",
	       path, tm_inv_format_name(inv->format), n, nv, flagged, rnd, unk, inv->nwarn);
	printf("flags: from involvement claims, the vendor's own or through up to %d ownership tie%s\n%s\n\n", rep->depth,
	       rep->depth == 1 ? "" : "s", tm_screen_caveat_en);
	static const char *vh[] = { "VENDOR", "BLOCKS", "DEVICES", "MATCH", "FLAGS" };
	tm_table t;
	tm_table_init(&t, 5, vh);
	for (size_t i = 0; i < nv; i++) {
		const tm_screen_row *r = &rep->rows[i];
		char blocks[16], nd[16];
		snprintf(blocks, sizeof(blocks), "%zu", vs[i].prefixes.n);
		snprintf(nd, sizeof(nd), "%zu", vs[i].devices);
		tm_buf f = TM_BUF_INIT;
		join_flags(rows, i, 1, &f, ",");
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
			if (!vr || !vr->flags.n)
				continue;
			char line[24], mac[18];
			snprintf(line, sizeof(line), "%zu", devs[i].d->line);
			tm_mac_format(devs[i].d->mac, mac);
			tm_buf f = TM_BUF_INIT;
			join_flags(rows, (size_t)devs[i].vendor, 1, &f, ",");
			const char *row[] = { line, devs[i].d->ip, mac, devs[i].d->hostname, vr->match.id, f.buf };
			tm_table_add(&t, row);
			tm_buf_release(&f);
		}
		tm_table_print(&t, stdout, cli->width);
		tm_table_release(&t);
		printf("\nEvidence\n");
		for (size_t i = 0; i < nv; i++) {
			size_t k, a, b;
			json_t *f, *x, *c;
			json_array_foreach(json_object_get(json_array_get(rows, i), "flags"), k, f) {
				printf("%s → %s: %s\n", vs[i].org, rep->rows[i].match.id,
				       json_string_value(json_object_get(f, "text")));
				json_array_foreach(json_object_get(f, "claims"), a, x) {
					json_array_foreach(json_object_get(x, "sources"), b, c) {
						const char *q = json_string_value(json_object_get(c, "quote"));
						printf("    \u201c%s\u201d — %s%s\n", q ? q : "",
						       json_string_value(json_object_get(c, "title")),
						       json_is_true(json_object_get(c, "checked")) ? "" : " [source not checked]");
					}
				}
			}
		}
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
	if (bad || optind != argc - 1) {
		tm_strv_release(&tags);
		return tm_cli_usage(&tm_cmd_audit);
	}
	if (tm_cli_flag_categories(&tags, &fo)) {
		tm_strv_release(&tags);
		return TM_EXIT_USAGE;
	}
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
	tm_screen_opts so = { .threshold = threshold, .flags = fo, .graph = g, .jobs = 1 };
	tm_screen_report rep;
	if ((rc = tm_screen_run(cli->st, in, nv, &so, &rep, &err))) {
		status = tm_cli_error(&err);
	} else {
		json_t *rj = tm_screen_report_json(cli->st, &rep);
		json_t *rows = json_object_get(rj, "rows");
		switch (out_fmt) {
		case F_CSV: print_csv(devs, inv.n, &rep, rows); break;
		case F_JSON:
			status = print_json(path, &inv, devs, inv.n, vs, nv, &rep, rows, tm_oui_count(db));
			break;
		default: print_table(cli, path, &inv, devs, inv.n, vs, nv, &rep, rows);
		}
		json_decref(rj);
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
	"             [--categories C,..] [--depth N] [--min-share P] [--threshold X] [--format table|csv|json] FILE",
	"find the devices of a network inventory whose vendors are in the graph",
	"Reads a device inventory you already have (- for standard input): a CSV with a\n"
	"MAC column, `nmap -oX` XML, `ip neigh` or `arp -a` output, or a dnsmasq or ISC\n"
	"dhcpd lease file (detected, or --input-format).  Each MAC address is looked up\n"
	"in the IEEE registries (--registry DIR, default /usr/share/ieee-data: oui.csv,\n"
	"mam.csv, oui36.csv, iab.csv; the longest prefix wins).  A locally administered\n"
	"address is reported as randomized: it names no vendor.  The vendors are then\n"
	"screened against the graph as `tiemap screen` does, with the same flags: a\n"
	"vendor is flagged for an involvement category by its own cited claim, or\n"
	"through up to --depth ownership ties (default 3, shares of at least\n"
	"--min-share, default 50); --categories limits them (default: all).  Devices\n"
	"of a flagged vendor are listed with IP, MAC, host name and the evidence.\n"
	"Lines that cannot be read are listed as warnings.  Nothing is sent anywhere:\n"
	"a MAC prefix cannot see devices sold under other brands.\n",
};
