/*
 * Auditing device inventories (audit.h).
 */
#include "audit/audit.h"
#include "io/csv.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[TM_DEV_N] = { "registered", "virtual", "randomized", "multicast", "unknown" };

const char *tm_dev_kind_name(tm_dev_kind k)
{
	return (unsigned)k < TM_DEV_N ? kind_names[k] : "unknown";
}

/* Locally administered prefixes that virtual-machine and container software
 * gives its interfaces by default (their own documentation and source):
 * an address that starts so is almost surely a virtual interface, not a
 * phone hiding its hardware address. */
static const struct {
	uint8_t p[6];
	int bytes;
	const char *what;
} virtual_prefixes[] = {
	{ { 0x02, 0x42 }, 2, "Docker container or bridge (02:42)" },
	{ { 0x52, 0x54, 0x00 }, 3, "QEMU/KVM virtual machine (52:54:00)" },
	{ { 0xFE, 0x54, 0x00 }, 3, "libvirt host side of a virtual machine's interface (FE:54:00)" },
	{ { 0x0A, 0x00, 0x27 }, 3, "VirtualBox host-only adapter (0A:00:27)" },
	{ { 0xEE, 0xEE, 0xEE, 0xEE, 0xEE, 0xEE }, 6, "Calico (Kubernetes) host side of a pod's interface" },
};

tm_dev_kind tm_audit_mac_kind(const uint8_t mac[6], const tm_oui_db *db, tm_oui_hit *hit, const char **what)
{
	*what = NULL;
	int k = tm_mac_kind(mac);
	if (k == 2)
		return TM_DEV_MULTICAST;
	if (k == 1) {
		for (size_t i = 0; i < sizeof(virtual_prefixes) / sizeof(virtual_prefixes[0]); i++) {
			if (memcmp(mac, virtual_prefixes[i].p, (size_t)virtual_prefixes[i].bytes) == 0) {
				*what = virtual_prefixes[i].what;
				return TM_DEV_VIRTUAL;
			}
		}
		return TM_DEV_RANDOMIZED;
	}
	return db && tm_oui_lookup(db, mac, hit) ? TM_DEV_REGISTERED : TM_DEV_UNKNOWN;
}

void tm_audit_release(tm_audit *a)
{
	for (size_t i = 0; i < a->nv; i++)
		tm_strv_release(&a->vendors[i].prefixes);
	free(a->vendors);
	free(a->devs);
	tm_screen_report_release(&a->rep);
	memset(a, 0, sizeof(*a));
}

/* The vendor called org, from the registry or from the file (nmap's):
 * the same name from both is kept apart, since only one is the IEEE's. */
static long vendor_of(tm_audit *a, const char *org, const char *registry)
{
	int from_file = strcmp(registry, "nmap") == 0;
	for (size_t k = 0; k < a->nv; k++)
		if (strcmp(a->vendors[k].org, org) == 0 && (strcmp(a->vendors[k].registry, "nmap") == 0) == from_file)
			return (long)k;
	TM_GROW(a->vendors, a->capv, a->nv + 1);
	a->vendors[a->nv] = (tm_audit_vendor){ org, registry, TM_STRV_INIT, 0, 0 };
	return (long)a->nv++;
}

tm_rc tm_audit_run(tm_store *st, const tm_oui_db *db, const tm_inventory *inv, const tm_audit_opts *o,
		   tm_audit *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	out->inv = inv;
	out->blocks = db ? tm_oui_count(db) : 0;
	out->devs = tm_xcalloc(inv->n ? inv->n : 1, sizeof(*out->devs));
	out->n = inv->n;
	for (size_t i = 0; i < inv->n; i++) {
		tm_audit_dev *d = &out->devs[i];
		d->d = &inv->v[i];
		d->vendor = -1;
		d->kind = tm_audit_mac_kind(d->d->mac, db, &d->hit, &d->virt);
		out->count[d->kind]++;
		out->live += d->d->state == TM_LEASE_LIVE;
		out->expired += d->d->state == TM_LEASE_EXPIRED;
		if (d->kind == TM_DEV_REGISTERED) {
			d->vendor = vendor_of(out, d->hit.org, d->hit.registry);
			tm_audit_vendor *v = &out->vendors[d->vendor];
			if (!tm_strv_contains(&v->prefixes, d->hit.prefix))
				tm_strv_push(&v->prefixes, d->hit.prefix);
		} else if (d->kind == TM_DEV_UNKNOWN && *d->d->vendor) {
			/* the registry has no block; the file says whose it is */
			d->vendor = vendor_of(out, d->d->vendor, "nmap");
		}
		if (d->vendor >= 0) {
			out->vendors[d->vendor].devices++;
			out->vendors[d->vendor].live += d->d->state != TM_LEASE_EXPIRED;
		}
	}
	/* the vendors, screened as a list */
	tm_screen_in *in = tm_xcalloc(out->nv ? out->nv : 1, sizeof(*in));
	for (size_t i = 0; i < out->nv; i++)
		in[i] = (tm_screen_in){ i + 1, out->vendors[i].org, NULL, NULL, NULL, NULL, NULL, 0 };
	tm_screen_opts so = { .threshold = o ? o->threshold : 0, .graph = o ? o->graph : NULL, .jobs = 1 };
	if (o)
		so.flags = o->flags;
	else
		tm_flag_opts_init(&so.flags);
	so.no_flags = !so.graph;
	tm_rc rc = tm_screen_run(st, in, out->nv, &so, &out->rep, err);
	free(in);
	if (rc) {
		tm_audit_release(out);
		return rc;
	}
	for (size_t i = 0; i < out->n; i++) {
		const tm_screen_row *r = tm_audit_vendor_row(out, &out->devs[i]);
		out->flagged += r && r->flags.n > 0;
	}
	return TM_OK;
}

const tm_screen_row *tm_audit_vendor_row(const tm_audit *a, const tm_audit_dev *d)
{
	return d->vendor >= 0 && (size_t)d->vendor < a->rep.n ? &a->rep.rows[d->vendor] : NULL;
}

/* ---- JSON ---- */

static json_t *summary_json(const tm_audit *a, json_t *scr)
{
	const tm_inventory *inv = a->inv;
	size_t flagged_vendors = 0, matched_vendors = 0;
	for (size_t i = 0; i < a->nv; i++) {
		flagged_vendors += a->rep.rows[i].flags.n > 0;
		matched_vendors += a->rep.rows[i].matched;
	}
	json_t *s = json_object();
	json_t *files = json_array();
	for (size_t i = 0; i < inv->files.n; i++) {
		json_t *f = json_object();
		json_object_set_new(f, "file", json_string(inv->files.v[i]));
		json_object_set_new(f, "format", json_string(tm_inv_format_name(inv->formats[i])));
		json_array_append_new(files, f);
	}
	json_object_set_new(s, "file", json_string(inv->files.n ? inv->files.v[0] : ""));
	json_object_set_new(s, "format", json_string(tm_inv_format_name(inv->format)));
	json_object_set_new(s, "files", files);
	json_object_set_new(s, "devices", json_integer((json_int_t)a->n));
	for (int k = 0; k < TM_DEV_N; k++)
		json_object_set_new(s, kind_names[k], json_integer((json_int_t)a->count[k]));
	json_object_set_new(s, "live_leases", json_integer((json_int_t)a->live));
	json_object_set_new(s, "expired_leases", json_integer((json_int_t)a->expired));
	json_object_set_new(s, "vendors", json_integer((json_int_t)a->nv));
	json_object_set_new(s, "vendors_in_graph", json_integer((json_int_t)matched_vendors));
	json_object_set_new(s, "vendors_flagged", json_integer((json_int_t)flagged_vendors));
	json_object_set_new(s, "devices_flagged", json_integer((json_int_t)a->flagged));
	json_object_set_new(s, "entries_without_mac", json_integer((json_int_t)inv->no_mac));
	json_object_set_new(s, "warnings", json_integer((json_int_t)inv->nwarn));
	json_object_set_new(s, "registry_blocks", json_integer((json_int_t)a->blocks));
	/* the flags' terms, as screen's summary gives them */
	json_t *sc = json_object_get(scr, "summary");
	static const char *const keep[] = { "categories", "depth", "min_share", "threshold", "caveat", "caveat_zh" };
	for (size_t k = 0; k < sizeof(keep) / sizeof(keep[0]); k++)
		json_object_set(s, keep[k], json_object_get(sc, keep[k]));
	return s;
}

static json_t *device_json(const tm_audit *a, const tm_audit_dev *d)
{
	const tm_screen_row *vr = tm_audit_vendor_row(a, d);
	const tm_inventory *inv = a->inv;
	char mac[18];
	tm_mac_format(d->d->mac, mac);
	json_t *o = json_object();
	if (inv->files.n > 1)
		json_object_set_new(o, "file", json_string(inv->files.v[d->d->file]));
	json_object_set_new(o, "line", json_integer((json_int_t)d->d->line));
	json_object_set_new(o, "ip", json_string(d->d->ip));
	json_object_set_new(o, "mac", json_string(mac));
	if (d->d->mac_from)
		json_object_set_new(o, "mac_from", json_string(d->d->mac_from));
	json_object_set_new(o, "hostname", json_string(d->d->hostname));
	json_object_set_new(o, "status", json_string(tm_dev_kind_name(d->kind)));
	if (d->virt)
		json_object_set_new(o, "virtual", json_string(d->virt));
	if (d->d->state != TM_LEASE_NONE) {
		json_object_set_new(o, "lease", json_string(*d->d->lease ? d->d->lease : "active"));
		json_object_set_new(o, "lease_ends", *d->d->ends ? json_string(d->d->ends) : json_null());
	}
	const tm_audit_vendor *v = d->vendor >= 0 ? &a->vendors[d->vendor] : NULL;
	json_object_set_new(o, "vendor", v ? json_string(v->org) : json_null());
	if (v) {
		json_object_set_new(o, "registry", json_string(v->registry));
		if (d->kind == TM_DEV_REGISTERED)
			json_object_set_new(o, "prefix", json_string(d->hit.prefix));
	}
	json_object_set_new(o, "match_id", vr && vr->matched ? json_string(vr->match.id) : json_null());
	json_t *cats = json_array();
	for (size_t k = 0; vr && k < vr->flags.n; k++)
		json_array_append_new(cats, json_string(tm_categories[vr->flags.v[k].category].id));
	json_object_set_new(o, "flags", cats);
	return o;
}

json_t *tm_audit_json(tm_store *st, const tm_audit *a)
{
	const tm_inventory *inv = a->inv;
	json_t *root = json_object();
	/* the vendors' screening report: its flag objects are the ones screen gives */
	json_t *scr = tm_screen_report_json(st, &a->rep);
	json_t *rows = json_object_get(scr, "rows");
	json_object_set_new(root, "summary", summary_json(a, scr));
	json_t *vj = json_array();
	for (size_t i = 0; i < a->nv; i++) {
		const tm_screen_row *r = &a->rep.rows[i];
		const tm_audit_vendor *v = &a->vendors[i];
		json_t *o = json_object();
		json_object_set_new(o, "vendor", json_string(v->org));
		json_object_set_new(o, "registry", json_string(v->registry));
		json_t *pre = json_array();
		for (size_t k = 0; k < v->prefixes.n; k++)
			json_array_append_new(pre, json_string(v->prefixes.v[k]));
		json_object_set_new(o, "prefixes", pre);
		json_object_set_new(o, "devices", json_integer((json_int_t)v->devices));
		json_object_set_new(o, "devices_live", json_integer((json_int_t)v->live));
		if (r->matched || r->group_member) {
			json_t *m = json_object();
			json_object_set_new(m, "id", json_string(r->match.id));
			json_object_set_new(m, "name", json_string(r->match.name));
			json_object_set_new(m, "score", json_real((double)(long)(r->match.score * 1000 + 0.5) / 1000));
			json_object_set_new(m, "matched_by", json_string(tm_match_by_name(r->match.by)));
			json_object_set_new(m, "explain", json_string(r->match.explain));
			json_object_set_new(o, r->matched ? "match" : "group", m);
			if (!r->matched)
				json_object_set_new(o, "match", json_null());
		} else {
			json_object_set_new(o, "match", json_null());
		}
		/* direct or via ownership, with the claims, the chain and their quotes */
		json_object_set(o, "flags", json_object_get(json_array_get(rows, i), "flags"));
		json_array_append_new(vj, o);
	}
	json_object_set_new(root, "vendors", vj);
	/* devices on the network, then those whose leases have all ended */
	json_t *dj = json_array(), *ej = json_array();
	for (size_t i = 0; i < a->n; i++)
		json_array_append_new(a->devs[i].d->state == TM_LEASE_EXPIRED ? ej : dj, device_json(a, &a->devs[i]));
	json_object_set_new(root, "devices", dj);
	json_object_set_new(root, "expired", ej);
	json_t *wj = json_array();
	for (size_t i = 0; i < inv->nwarn; i++) {
		json_t *w = json_object();
		if (inv->files.n > 1)
			json_object_set_new(w, "file", json_string(inv->files.v[inv->warn[i].file]));
		json_object_set_new(w, "line", json_integer((json_int_t)inv->warn[i].line));
		json_object_set_new(w, "message", json_string(inv->warn[i].msg));
		json_array_append_new(wj, w);
	}
	json_object_set_new(root, "warnings", wj);
	json_decref(scr);
	return root;
}

/* ---- CSV ---- */

void tm_audit_csv(tm_store *st, const tm_audit *a, const char *lang, tm_buf *out)
{
	int zh = lang && strcmp(lang, "zh") == 0;
	json_t *scr = tm_screen_report_json(st, &a->rep);
	json_t *rows = json_object_get(scr, "rows");
	static const char *const head[] = { "line", "ip",	   "mac",      "hostname", "status", "vendor", "registry",
					    "prefix", "match_id", "flags", "lease", "lease_ends", "file" };
	const size_t nh = sizeof(head) / sizeof(head[0]);
	for (size_t i = 0; i < nh; i++)
		tm_buf_addf(out, "%s%s", i ? "," : "", head[i]);
	tm_buf_adds(out, "\r\n");
	for (size_t i = 0; i < a->n; i++) {
		const tm_audit_dev *d = &a->devs[i];
		const tm_screen_row *vr = tm_audit_vendor_row(a, d);
		const tm_audit_vendor *v = d->vendor >= 0 ? &a->vendors[d->vendor] : NULL;
		char line[24], mac[18];
		snprintf(line, sizeof(line), "%zu", d->d->line);
		tm_mac_format(d->d->mac, mac);
		/* the flags as sentences: basis and chain by names */
		tm_buf flags = TM_BUF_INIT;
		size_t k;
		json_t *f;
		json_array_foreach(vr ? json_object_get(json_array_get(rows, (size_t)d->vendor), "flags") : NULL, k, f)
			tm_buf_addf(&flags, "%s%s", k ? "; " : "", json_string_value(json_object_get(f, zh ? "text_zh" : "text")));
		const char *lease = d->d->state == TM_LEASE_NONE ? "" : *d->d->lease ? d->d->lease : "active";
		const char *cells[] = { line,
					d->d->ip,
					mac,
					d->d->hostname,
					tm_dev_kind_name(d->kind),
					v ? v->org : "",
					v ? v->registry : "",
					d->kind == TM_DEV_REGISTERED ? d->hit.prefix : "",
					vr && vr->matched ? vr->match.id : "",
					flags.buf,
					lease,
					d->d->ends,
					a->inv->files.n > 1 ? a->inv->files.v[d->d->file] : "" };
		for (size_t k = 0; k < nh; k++) {
			if (k)
				tm_buf_addch(out, ',');
			tm_buf_add_csv(out, cells[k], ',');
		}
		tm_buf_adds(out, "\r\n");
		tm_buf_release(&flags);
	}
	json_decref(scr);
}
