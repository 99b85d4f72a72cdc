/*
 * Device inventories (inventory.h): one reader per format, each turning
 * what it recognizes into devices and what it does not into warnings.
 * nmap's XML goes through expat, with entity declarations refused (an
 * inventory has no use for them, and they are how XML bombs are made).
 */
#include "io/inventory.h"
#include "io/csv.h"
#include "io/ieee.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const format_names[] = { "auto", "csv", "nmap", "neigh", "arp", "dnsmasq", "dhcpd" };

const char *tm_inv_format_name(tm_inv_format f)
{
	return (size_t)f < sizeof(format_names) / sizeof(format_names[0]) ? format_names[f] : "?";
}

int tm_inv_format_parse(const char *name)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(name, format_names[i]) == 0)
			return (int)i;
	if (strcmp(name, "ip-neigh") == 0)
		return TM_INV_NEIGH;
	if (strcmp(name, "xml") == 0)
		return TM_INV_NMAP;
	return -1;
}

void tm_inventory_release(tm_inventory *inv)
{
	for (size_t i = 0; i < inv->n; i++) {
		free(inv->v[i].ip);
		free(inv->v[i].hostname);
		free(inv->v[i].vendor);
	}
	free(inv->v);
	for (size_t i = 0; i < inv->nwarn; i++)
		free(inv->warn[i].msg);
	free(inv->warn);
	free(inv->slot);
	memset(inv, 0, sizeof(*inv));
}

/* ---- building the inventory ---- */

#define MAX_WARNINGS 1000 /* a file of garbage says so a thousand times, not a million */

static void TM_PRINTF(3, 4) warn(tm_inventory *inv, size_t line, const char *fmt, ...)
{
	if (inv->nwarn > MAX_WARNINGS)
		return;
	tm_buf b = TM_BUF_INIT;
	if (inv->nwarn == MAX_WARNINGS) {
		tm_buf_adds(&b, "too many warnings; no more are shown");
	} else {
		va_list ap;
		va_start(ap, fmt);
		tm_buf_vaddf(&b, fmt, ap);
		va_end(ap);
	}
	TM_GROW(inv->warn, inv->capwarn, inv->nwarn + 1);
	inv->warn[inv->nwarn++] = (tm_inv_note){ line, tm_buf_detach(&b) };
}

/* What a warning may quote of a line: its start, printable. */
static char *excerpt(const char *s, size_t n)
{
	size_t k = n < 40 ? n : 40;
	char *r = tm_xmalloc(k + 4);
	size_t o = 0;
	for (size_t i = 0; i < k; i++)
		r[o++] = (unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f ? '?' : s[i];
	if (k < n) {
		memcpy(r + o, "...", 3);
		o += 3;
	}
	r[o] = '\0';
	return r;
}

static int ip_valid(const char *s)
{
	unsigned char buf[16];
	char tmp[64];
	size_t n = strlen(s);
	if (n >= sizeof(tmp))
		return 0;
	memcpy(tmp, s, n + 1);
	char *pct = strchr(tmp, '%'); /* fe80::1%eth0 */
	if (pct)
		*pct = '\0';
	return inet_pton(AF_INET, tmp, buf) == 1 || inet_pton(AF_INET6, tmp, buf) == 1;
}

static size_t mac_hash(const uint8_t mac[6])
{
	uint64_t v = 0;
	for (int i = 0; i < 6; i++)
		v = v << 8 | mac[i];
	v *= 0x9E3779B97F4A7C15ULL;
	return (size_t)(v ^ (v >> 31));
}

static void index_device(tm_inventory *inv, size_t i)
{
	size_t h = mac_hash(inv->v[i].mac) & (inv->nslot - 1);
	while (inv->slot[h])
		h = (h + 1) & (inv->nslot - 1);
	inv->slot[h] = i + 1;
}

static void add_device(tm_inventory *inv, size_t line, const uint8_t mac[6], const char *ip, const char *host,
		       const char *vendor)
{
	ip = ip ? ip : "";
	host = host ? host : "";
	vendor = vendor ? vendor : "";
	size_t h = mac_hash(mac) & (inv->nslot ? inv->nslot - 1 : 0);
	for (; inv->nslot && inv->slot[h]; h = (h + 1) & (inv->nslot - 1)) {
		tm_device *d = &inv->v[inv->slot[h] - 1];
		if (memcmp(d->mac, mac, 6) != 0)
			continue;
		/* named again: add what is new */
		if (*ip && !strstr(d->ip, ip)) {
			tm_buf b = TM_BUF_INIT;
			tm_buf_addf(&b, "%s%s%s", d->ip, *d->ip ? ", " : "", ip);
			free(d->ip);
			d->ip = tm_buf_detach(&b);
		}
		if (*host && !*d->hostname) {
			free(d->hostname);
			d->hostname = tm_xstrdup(host);
		}
		if (*vendor && !*d->vendor) {
			free(d->vendor);
			d->vendor = tm_xstrdup(vendor);
		}
		return;
	}
	TM_GROW(inv->v, inv->cap, inv->n + 1);
	tm_device *d = &inv->v[inv->n++];
	if (inv->n * 2 > inv->nslot) {
		size_t ns = inv->nslot ? inv->nslot * 2 : 64;
		free(inv->slot);
		inv->slot = tm_xcalloc(ns, sizeof(size_t));
		inv->nslot = ns;
		for (size_t i = 0; i + 1 < inv->n; i++)
			index_device(inv, i);
	}
	memcpy(d->mac, mac, 6);
	index_device(inv, inv->n - 1);
	d->line = line;
	d->ip = tm_xstrdup(ip);
	d->hostname = tm_xstrdup(host);
	d->vendor = tm_xstrdup(vendor);
}

/* ---- lines and words ---- */

typedef struct lines {
	const char *data;
	size_t len, pos, no;
} lines;

/* The next line (without its end) in *s, *n; 0 at the end. */
static int next_line(lines *l, const char **s, size_t *n)
{
	if (l->pos >= l->len)
		return 0;
	const char *p = l->data + l->pos, *end = l->data + l->len;
	const char *e = memchr(p, '\n', (size_t)(end - p));
	if (!e)
		e = end;
	*s = p;
	*n = (size_t)(e - p);
	if (*n && p[*n - 1] == '\r')
		(*n)--;
	l->pos = (size_t)(e - l->data) + 1;
	l->no++;
	return 1;
}

#define MAX_WORDS 16

typedef struct words {
	size_t n;
	char w[MAX_WORDS][128]; /* longer words are cut (and never match) */
} words;

static void split(const char *s, size_t n, words *w)
{
	w->n = 0;
	size_t i = 0;
	while (i < n && w->n < MAX_WORDS) {
		while (i < n && isspace((unsigned char)s[i]))
			i++;
		if (i >= n)
			break;
		size_t st = i;
		while (i < n && !isspace((unsigned char)s[i]))
			i++;
		size_t k = i - st < 127 ? i - st : 127;
		memcpy(w->w[w->n], s + st, k);
		w->w[w->n][k] = '\0';
		w->n++;
	}
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

static int mac_of(const char *w, uint8_t mac[6])
{
	return tm_mac_parse(w, strlen(w), mac);
}

/* ---- ip neigh ---- */

static void parse_neigh(const char *data, size_t len, tm_inventory *inv)
{
	lines l = { data, len, 0, 0 };
	const char *s;
	size_t n;
	words w;
	while (next_line(&l, &s, &n)) {
		if (blank(s, n))
			continue;
		split(s, n, &w);
		int lladdr = -1;
		for (size_t i = 1; i + 1 < w.n; i++)
			if (strcmp(w.w[i], "lladdr") == 0)
				lladdr = (int)i;
		if (!ip_valid(w.w[0]) || (lladdr < 0 && (w.n < 2 || strcmp(w.w[1], "dev") != 0))) {
			char *ex = excerpt(s, n);
			warn(inv, l.no, "not an 'ip neigh' line: '%s'", ex);
			free(ex);
			continue;
		}
		if (lladdr < 0) {
			inv->no_mac++; /* FAILED, INCOMPLETE: no answer, no address */
			continue;
		}
		uint8_t mac[6];
		if (!mac_of(w.w[lladdr + 1], mac)) {
			warn(inv, l.no, "not a MAC address: '%s'", w.w[lladdr + 1]);
			continue;
		}
		add_device(inv, l.no, mac, w.w[0], NULL, NULL);
	}
}

/* ---- arp -a ---- */

static void parse_arp(const char *data, size_t len, tm_inventory *inv)
{
	lines l = { data, len, 0, 0 };
	const char *s;
	size_t n;
	words w;
	while (next_line(&l, &s, &n)) {
		if (blank(s, n))
			continue;
		split(s, n, &w);
		uint8_t mac[6];
		/* Windows: "Interface: …", a header, then "ip  mac  type" */
		if (w.n >= 1 && strcmp(w.w[0], "Interface:") == 0)
			continue;
		if (w.n >= 2 && strcmp(w.w[0], "Internet") == 0 && strcmp(w.w[1], "Address") == 0)
			continue;
		if (w.n == 3 && ip_valid(w.w[0])) {
			if (mac_of(w.w[1], mac))
				add_device(inv, l.no, mac, w.w[0], NULL, NULL);
			else
				warn(inv, l.no, "not a MAC address: '%s'", w.w[1]);
			continue;
		}
		/* Linux, BSD, macOS: "host (ip) at mac [ether] on iface" */
		if (w.n >= 4 && w.w[1][0] == '(' && strcmp(w.w[2], "at") == 0) {
			size_t k = strlen(w.w[1]);
			char ip[128];
			if (k >= 3 && w.w[1][k - 1] == ')') {
				memcpy(ip, w.w[1] + 1, k - 2);
				ip[k - 2] = '\0';
				if (ip_valid(ip)) {
					if (strstr(w.w[3], "incomplete")) {
						inv->no_mac++;
					} else if (mac_of(w.w[3], mac)) {
						add_device(inv, l.no, mac, ip, strcmp(w.w[0], "?") ? w.w[0] : NULL, NULL);
					} else {
						warn(inv, l.no, "not a MAC address: '%s'", w.w[3]);
					}
					continue;
				}
			}
		}
		char *ex = excerpt(s, n);
		warn(inv, l.no, "not an 'arp -a' line: '%s'", ex);
		free(ex);
	}
}

/* ---- dnsmasq leases ---- */

static void parse_dnsmasq(const char *data, size_t len, tm_inventory *inv)
{
	lines l = { data, len, 0, 0 };
	const char *s;
	size_t n;
	words w;
	while (next_line(&l, &s, &n)) {
		if (blank(s, n))
			continue;
		split(s, n, &w);
		if (w.n >= 1 && strcmp(w.w[0], "duid") == 0)
			continue; /* the server's DHCPv6 identity */
		int expiry = w.n >= 4;
		for (size_t i = 0; expiry && w.w[0][i]; i++)
			expiry = isdigit((unsigned char)w.w[0][i]);
		if (!expiry || !ip_valid(w.w[2])) {
			char *ex = excerpt(s, n);
			warn(inv, l.no, "not a dnsmasq lease: '%s'", ex);
			free(ex);
			continue;
		}
		uint8_t mac[6];
		if (!mac_of(w.w[1], mac)) {
			if (strchr(w.w[2], ':')) {
				inv->no_mac++; /* a DHCPv6 lease: an IAID, not a MAC */
				continue;
			}
			warn(inv, l.no, "not a MAC address: '%s'", w.w[1]);
			continue;
		}
		add_device(inv, l.no, mac, w.w[2], strcmp(w.w[3], "*") ? w.w[3] : NULL, NULL);
	}
}

/* ---- ISC dhcpd leases ---- */

static void parse_dhcpd(const char *data, size_t len, tm_inventory *inv)
{
	lines l = { data, len, 0, 0 };
	const char *s;
	size_t n;
	words w;
	int in_lease = 0, have_mac = 0, depth = 0;
	size_t lease_line = 0;
	char ip[128] = "", host[128] = "";
	uint8_t mac[6];
	size_t line_pos = 0;
	while ((line_pos = l.pos, next_line(&l, &s, &n))) {
		/* comments run to the end of the line */
		const char *hash = memchr(s, '#', n);
		if (hash)
			n = (size_t)(hash - s);
		if (blank(s, n))
			continue;
		split(s, n, &w);
		if (!in_lease) {
			if (strcmp(w.w[0], "lease") == 0) {
				if (w.n < 3 || strcmp(w.w[2], "{") != 0 || !ip_valid(w.w[1])) {
					char *ex = excerpt(s, n);
					warn(inv, l.no, "not a lease: '%s'", ex);
					free(ex);
					continue;
				}
				in_lease = 1;
				have_mac = 0;
				depth = 1;
				lease_line = l.no;
				snprintf(ip, sizeof(ip), "%s", w.w[1]);
				host[0] = '\0';
			} else {
				/* other statements and blocks (server-duid, failover) */
				for (size_t i = 0; i < w.n; i++)
					depth += (strcmp(w.w[i], "{") == 0) - (strcmp(w.w[i], "}") == 0);
			}
			continue;
		}
		if (strcmp(w.w[0], "}") == 0 && --depth == 0) {
			in_lease = 0;
			if (have_mac)
				add_device(inv, lease_line, mac, ip, host, NULL);
			else
				inv->no_mac++;
			continue;
		}
		if (strcmp(w.w[0], "lease") == 0) {
			warn(inv, lease_line, "lease for %s is not closed", ip);
			if (have_mac)
				add_device(inv, lease_line, mac, ip, host, NULL);
			in_lease = 0;
			l.pos = line_pos; /* read this line again, as a lease of its own */
			l.no--;
			continue;
		}
		if (w.n >= 3 && strcmp(w.w[0], "hardware") == 0) {
			char *m = w.w[2];
			size_t k = strlen(m);
			if (k && m[k - 1] == ';')
				m[k - 1] = '\0';
			if (mac_of(m, mac))
				have_mac = 1;
			else
				warn(inv, l.no, "not a MAC address: '%s'", m);
		} else if (w.n >= 2 && strcmp(w.w[0], "client-hostname") == 0) {
			const char *q = memchr(s, '"', n);
			const char *e = q ? memchr(q + 1, '"', n - (size_t)(q + 1 - s)) : NULL;
			if (q && e && (size_t)(e - q - 1) < sizeof(host))
				snprintf(host, sizeof(host), "%.*s", (int)(e - q - 1), q + 1);
		}
	}
	if (in_lease) {
		/* a file cut short: what its last lease says is still said */
		warn(inv, lease_line, "lease for %s is not closed at the end of the file", ip);
		if (have_mac)
			add_device(inv, lease_line, mac, ip, host, NULL);
	}
}

/* ---- CSV with a MAC column ---- */

static int guess_col(const tm_csv_rec *h, const char *const *names)
{
	for (size_t i = 0; names[i]; i++) {
		int c = tm_csv_col(h, names[i]);
		if (c >= 0)
			return c;
	}
	return -1;
}

static tm_rc parse_csv(const char *data, size_t len, const char *mac_col, tm_inventory *inv, tm_err *err)
{
	static const char *const mac_names[] = { "mac", "mac address", "mac_address", "macaddress", "mac-address",
						 "hwaddr", "hardware address", "physical address", "ethernet address",
						 "bssid", "MAC地址", NULL };
	static const char *const ip_names[] = { "ip", "ip address", "ip_address", "ipv4", "ipv4 address", "address",
						"ipaddr", "IP地址", NULL };
	static const char *const host_names[] = { "hostname", "host name", "host", "name", "device", "device name",
						  "主机名", NULL };
	static const char *const vendor_names[] = { "vendor", "manufacturer", "make", NULL };
	tm_csv *csv;
	tm_rc rc = tm_csv_open_mem(data, len, NULL, &csv, err);
	if (rc)
		return rc;
	tm_csv_rec h;
	rc = tm_csv_next(csv, &h, err);
	if (rc == TM_ERR_NOTFOUND) {
		tm_csv_free(csv);
		return tm_fail(err, TM_ERR_INVALID, "the file is empty");
	}
	if (rc || h.error) {
		if (!rc)
			rc = tm_fail(err, TM_ERR_INVALID, "line %zu: the header cannot be read: %s", h.line, h.error);
		tm_csv_free(csv);
		return rc;
	}
	int cm = mac_col ? tm_csv_col(&h, mac_col) : guess_col(&h, mac_names);
	if (cm < 0) {
		tm_csv_free(csv);
		if (mac_col)
			return tm_fail(err, TM_ERR_INVALID, "no MAC column '%s' in the header", mac_col);
		return tm_fail(err, TM_ERR_INVALID, "no MAC column in the header (name it with --mac-col), and not "
						    "nmap XML, ip neigh, arp -a or a lease file either");
	}
	int ci = guess_col(&h, ip_names), ch = guess_col(&h, host_names), cv = guess_col(&h, vendor_names);
	tm_csv_rec r;
	while ((rc = tm_csv_next(csv, &r, err)) == TM_OK) {
		if (r.error) {
			warn(inv, r.line, "%s", r.error);
			continue;
		}
		if ((size_t)cm >= r.n || !r.len[cm]) {
			warn(inv, r.line, "no MAC address in field %d", cm + 1);
			continue;
		}
		uint8_t mac[6];
		if (!tm_mac_parse(r.f[cm], r.len[cm], mac)) {
			char *ex = excerpt(r.f[cm], r.len[cm]);
			warn(inv, r.line, "not a MAC address: '%s'", ex);
			free(ex);
			continue;
		}
		add_device(inv, r.line, mac, ci >= 0 && (size_t)ci < r.n ? r.f[ci] : NULL,
			   ch >= 0 && (size_t)ch < r.n ? r.f[ch] : NULL, cv >= 0 && (size_t)cv < r.n ? r.f[cv] : NULL);
	}
	tm_csv_free(csv);
	return rc == TM_ERR_NOTFOUND ? TM_OK : rc;
}

/* ---- nmap -oX ---- */

typedef struct nmap_ctx {
	XML_Parser p;
	tm_inventory *inv;
	int root_seen, is_nmap, in_host, refused;
	size_t host_line;
	int have_mac;
	uint8_t mac[6];
	char ip[64], host[256], vendor[256];
} nmap_ctx;

static const char *attr(const XML_Char **a, const char *name)
{
	for (size_t i = 0; a[i]; i += 2)
		if (strcmp(a[i], name) == 0)
			return a[i + 1];
	return NULL;
}

static void XMLCALL nmap_start(void *ud, const XML_Char *el, const XML_Char **a)
{
	nmap_ctx *c = ud;
	if (!c->root_seen) {
		c->root_seen = 1;
		c->is_nmap = strcmp(el, "nmaprun") == 0;
		if (!c->is_nmap)
			XML_StopParser(c->p, XML_FALSE);
		return;
	}
	size_t line = (size_t)XML_GetCurrentLineNumber(c->p);
	if (strcmp(el, "host") == 0) {
		c->in_host = 1;
		c->host_line = line;
		c->have_mac = 0;
		c->ip[0] = c->host[0] = c->vendor[0] = '\0';
	} else if (c->in_host && strcmp(el, "address") == 0) {
		const char *addr = attr(a, "addr"), *type = attr(a, "addrtype");
		if (!addr || !type)
			return;
		if (strcmp(type, "mac") == 0) {
			if (tm_mac_parse(addr, strlen(addr), c->mac))
				c->have_mac = 1;
			else
				warn(c->inv, line, "not a MAC address: '%.40s'", addr);
			const char *v = attr(a, "vendor");
			if (v)
				snprintf(c->vendor, sizeof(c->vendor), "%s", v);
		} else if (!c->ip[0] && (strcmp(type, "ipv4") == 0 || strcmp(type, "ipv6") == 0)) {
			snprintf(c->ip, sizeof(c->ip), "%s", addr);
		}
	} else if (c->in_host && strcmp(el, "hostname") == 0 && !c->host[0]) {
		const char *name = attr(a, "name");
		if (name)
			snprintf(c->host, sizeof(c->host), "%s", name);
	}
}

static void XMLCALL nmap_end(void *ud, const XML_Char *el)
{
	nmap_ctx *c = ud;
	if (!c->in_host || strcmp(el, "host") != 0)
		return;
	c->in_host = 0;
	if (c->have_mac)
		add_device(c->inv, c->host_line, c->mac, c->ip, c->host, c->vendor);
	else
		c->inv->no_mac++;
}

/* An inventory declares no entities; refusing them keeps out entity
 * expansion ("billion laughs") and external entities alike. */
static void XMLCALL nmap_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int value_len,
				const XML_Char *base, const XML_Char *system_id, const XML_Char *public_id,
				const XML_Char *notation)
{
	nmap_ctx *c = ud;
	(void)name, (void)is_param, (void)value, (void)value_len, (void)base, (void)system_id, (void)public_id,
		(void)notation;
	c->refused = 1;
	XML_StopParser(c->p, XML_FALSE);
}

static tm_rc parse_nmap(const char *data, size_t len, tm_inventory *inv, tm_err *err)
{
	if (len > INT32_MAX)
		return tm_fail(err, TM_ERR_LIMIT, "XML of %zu bytes is too large", len);
	nmap_ctx c = { 0 };
	c.inv = inv;
	c.p = XML_ParserCreate("UTF-8");
	if (!c.p)
		return tm_fail(err, TM_ERR_INTERNAL, "unable to create an XML parser");
	XML_SetUserData(c.p, &c);
	XML_SetElementHandler(c.p, nmap_start, nmap_end);
	XML_SetEntityDeclHandler(c.p, nmap_entity);
	XML_SetParamEntityParsing(c.p, XML_PARAM_ENTITY_PARSING_NEVER);
	enum XML_Status st = XML_Parse(c.p, data, (int)len, XML_TRUE);
	tm_rc rc = TM_OK;
	if (c.refused) {
		rc = tm_fail(err, TM_ERR_INVALID, "the XML declares entities; an nmap report has none, refused");
	} else if (c.root_seen && !c.is_nmap) {
		rc = tm_fail(err, TM_ERR_INVALID, "XML that is not an nmap report (no <nmaprun>)");
	} else if (st != XML_STATUS_OK) {
		size_t line = (size_t)XML_GetCurrentLineNumber(c.p);
		const char *why = XML_ErrorString(XML_GetErrorCode(c.p));
		if (!c.root_seen)
			rc = tm_fail(err, TM_ERR_INVALID, "line %zu: not XML: %s", line, why ? why : "error");
		else
			warn(inv, line, "XML error, the rest of the file is not read: %s", why ? why : "error");
	}
	XML_ParserFree(c.p);
	return rc;
}

/* ---- detection ---- */

tm_inv_format tm_inv_detect(const char *data, size_t len)
{
	size_t k = len < 4096 ? len : 4096;
	size_t i = 0;
	if (k >= 3 && (unsigned char)data[0] == 0xEF && (unsigned char)data[1] == 0xBB && (unsigned char)data[2] == 0xBF)
		i = 3;
	while (i < k && isspace((unsigned char)data[i]))
		i++;
	if (i < k && data[i] == '<')
		return TM_INV_NMAP;
	lines l = { data + i, k - i, 0, 0 };
	const char *s;
	size_t n;
	words w;
	while (next_line(&l, &s, &n)) {
		const char *hash = memchr(s, '#', n);
		if (hash)
			n = (size_t)(hash - s);
		if (blank(s, n))
			continue;
		split(s, n, &w);
		if (strcmp(w.w[0], "lease") == 0 || strcmp(w.w[0], "authoring-byte-order") == 0 ||
		    strcmp(w.w[0], "server-duid") == 0)
			return TM_INV_DHCPD;
		if (strcmp(w.w[0], "duid") == 0)
			return TM_INV_DNSMASQ;
		if (strcmp(w.w[0], "Interface:") == 0)
			return TM_INV_ARP;
		if (w.n >= 3 && strcmp(w.w[2], "at") == 0 && w.w[1][0] == '(')
			return TM_INV_ARP;
		if (w.n >= 2 && ip_valid(w.w[0]) && (strcmp(w.w[1], "dev") == 0 || strcmp(w.w[1], "lladdr") == 0))
			return TM_INV_NEIGH;
		uint8_t mac[6];
		int digits = w.n >= 4;
		for (size_t j = 0; digits && w.w[0][j]; j++)
			digits = isdigit((unsigned char)w.w[0][j]);
		if (digits && ip_valid(w.w[2]) && (mac_of(w.w[1], mac) || strchr(w.w[2], ':')))
			return TM_INV_DNSMASQ;
		break; /* the first line that says something decides */
	}
	return TM_INV_CSV;
}

tm_rc tm_inventory_parse(const char *data, size_t len, tm_inv_format fmt, const char *mac_col, tm_inventory *out,
			 tm_err *err)
{
	memset(out, 0, sizeof(*out));
	if (fmt == TM_INV_AUTO)
		fmt = tm_inv_detect(data, len);
	out->format = fmt;
	tm_rc rc = TM_OK;
	switch (fmt) {
	case TM_INV_CSV: rc = parse_csv(data, len, mac_col, out, err); break;
	case TM_INV_NMAP: rc = parse_nmap(data, len, out, err); break;
	case TM_INV_NEIGH: parse_neigh(data, len, out); break;
	case TM_INV_ARP: parse_arp(data, len, out); break;
	case TM_INV_DNSMASQ: parse_dnsmasq(data, len, out); break;
	case TM_INV_DHCPD: parse_dhcpd(data, len, out); break;
	default: rc = tm_fail(err, TM_ERR_INVALID, "unknown inventory format");
	}
	if (rc)
		tm_inventory_release(out);
	else
		out->format = fmt;
	return rc;
}
