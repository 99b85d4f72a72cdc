/*
 * Device inventories (inventory.h): one reader per format, each turning
 * what it recognizes into devices and what it does not into warnings.
 * nmap's XML goes through expat, with entity declarations refused (an
 * inventory has no use for them, and they are how XML bombs are made).
 */
#include "io/inventory.h"
#include "io/csv.h"
#include "io/grid.h"
#include "io/ieee.h"
#include "io/rows.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <expat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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
		free(inv->v[i].lease);
		free(inv->v[i].ends);
	}
	tm_strv_release(&inv->files);
	free(inv->formats);
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
	inv->warn[inv->nwarn++] = (tm_inv_note){ line, inv->nfiles ? inv->nfiles - 1 : 0, tm_buf_detach(&b) };
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
	d->state = TM_LEASE_NONE;
	d->lease = tm_xstrdup("");
	d->ends = tm_xstrdup("");
	d->mac_from = NULL;
	d->file = inv->nfiles ? inv->nfiles - 1 : 0;
}

/* A device from a lease: its state decides whether it is there now.  A MAC
 * with a live lease on any address is live; its expired addresses are kept
 * with it. */
static void add_lease(tm_inventory *inv, size_t line, const uint8_t mac[6], const char *ip, const char *host,
		      int state, const char *lease, const char *ends, const char *mac_from)
{
	size_t before = inv->n;
	add_device(inv, line, mac, ip, host, NULL);
	tm_device *d = NULL;
	for (size_t h = mac_hash(mac) & (inv->nslot - 1); inv->slot[h]; h = (h + 1) & (inv->nslot - 1)) {
		if (memcmp(inv->v[inv->slot[h] - 1].mac, mac, 6) == 0) {
			d = &inv->v[inv->slot[h] - 1];
			break;
		}
	}
	if (!d)
		return;
	int fresh = inv->n > before;
	if (fresh || (state == TM_LEASE_LIVE && d->state != TM_LEASE_LIVE)) {
		d->state = state;
		free(d->lease);
		free(d->ends);
		d->lease = tm_xstrdup(lease ? lease : "");
		d->ends = tm_xstrdup(ends ? ends : "");
	}
	if (mac_from && !d->mac_from)
		d->mac_from = mac_from;
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

/* ---- ISC dhcpd leases (dhcpd.leases(5)), IPv4 and IPv6 ---- */

/* The file is statements ending in ';' and blocks in braces; strings are
 * quoted with octal escapes ("\001D\031").  A token reader, then blocks:
 *   lease ADDR { hardware ethernet MAC; binding state S; ends …; client-hostname "h"; }
 *   ia-na "IAID+DUID" { iaaddr ADDR { binding state S; ends …; } }   (and ia-ta, ia-pd/iaprefix)
 * Later blocks for an address replace earlier ones (the file is a log). */

typedef struct dtok {
	int kind;       /* 'w' word, 's' string, '{', '}', ';', 0 at the end */
	size_t line;
	char text[256]; /* a word, or a string's bytes (len) */
	size_t len;
} dtok;

typedef struct dlex {
	const char *p, *end;
	size_t line;
	dtok t;     /* the current token */
	int cut;    /* a string or word was longer than text */
} dlex;

static void dnext(dlex *x)
{
	dtok *t = &x->t;
	t->len = 0;
	t->text[0] = '\0';
	for (;;) {
		while (x->p < x->end && isspace((unsigned char)*x->p)) {
			x->line += *x->p == '\n';
			x->p++;
		}
		if (x->p < x->end && *x->p == '#') {
			while (x->p < x->end && *x->p != '\n')
				x->p++;
			continue;
		}
		break;
	}
	t->line = x->line;
	if (x->p >= x->end) {
		t->kind = 0;
		return;
	}
	char c = *x->p;
	if (c == '{' || c == '}' || c == ';') {
		t->kind = c;
		x->p++;
		return;
	}
	if (c == '"') {
		t->kind = 's';
		x->p++;
		while (x->p < x->end && *x->p != '"') {
			unsigned v = (unsigned char)*x->p++;
			if (v == '\n')
				x->line++;
			if (v == '\\' && x->p < x->end) {
				v = (unsigned char)*x->p++;
				if (v >= '0' && v <= '7') {
					unsigned o = v - '0';
					for (int k = 0; k < 2 && x->p < x->end && *x->p >= '0' && *x->p <= '7'; k++)
						o = o * 8 + (unsigned)(*x->p++ - '0');
					v = o & 0xFF;
				}
			}
			if (t->len + 1 < sizeof(t->text))
				t->text[t->len++] = (char)v;
			else
				x->cut = 1;
		}
		if (x->p < x->end)
			x->p++; /* the closing quote */
		t->text[t->len] = '\0';
		return;
	}
	t->kind = 'w';
	/* a NUL byte is part of a word (strchr would find the terminator) */
	while (x->p < x->end && !isspace((unsigned char)*x->p) && !(*x->p && strchr("{};\"#", *x->p))) {
		if (t->len + 1 < sizeof(t->text))
			t->text[t->len++] = *x->p;
		else
			x->cut = 1;
		x->p++;
	}
	t->text[t->len] = '\0';
}

/* One statement's tokens up to ';', '{' or '}' (which stays current). */
typedef struct dstmt {
	size_t n, line;
	dtok w[12];
	int end; /* ';', '{', '}' or 0 */
} dstmt;

static void dstatement(dlex *x, dstmt *st)
{
	st->n = 0;
	st->line = x->t.line;
	while (x->t.kind == 'w' || x->t.kind == 's') {
		if (st->n < sizeof(st->w) / sizeof(st->w[0]))
			st->w[st->n++] = x->t;
		dnext(x);
	}
	st->end = x->t.kind;
	if (st->end == ';' || st->end == '{')
		dnext(x);
}

/* Skip a block whose '{' has been read, nested blocks included. */
static void dskip(dlex *x)
{
	int depth = 1;
	while (x->t.kind && depth) {
		depth += (x->t.kind == '{') - (x->t.kind == '}');
		dnext(x);
	}
}

static int dis(const dstmt *st, size_t i, const char *w)
{
	return i < st->n && st->w[i].kind == 'w' && strcmp(st->w[i].text, w) == 0;
}

/* A lease as the file last says it. */
typedef struct dlease {
	char addr[72];
	size_t line;
	int have_mac;
	uint8_t mac[6];
	const char *mac_from; /* NULL: "hardware ethernet"; else the DUID type */
	char state[16];       /* binding state, "" when not given */
	char ends[48];
	char host[128];
	int duid_kind;        /* IPv6 without a MAC: which DUID */
} dlease;

typedef struct dleases {
	dlease *v;
	size_t n, cap;
} dleases;

static void dput(dleases *ls, const dlease *l)
{
	/* a later block for the same address replaces the earlier one, in place */
	for (size_t i = 0; i < ls->n; i++) {
		if (strcmp(ls->v[i].addr, l->addr) == 0) {
			size_t first = ls->v[i].line;
			ls->v[i] = *l;
			ls->v[i].line = first < l->line ? first : l->line;
			return;
		}
	}
	TM_GROW(ls->v, ls->cap, ls->n + 1);
	ls->v[ls->n++] = *l;
}

/* "ends 2 2015/08/18 17:05:37;" → "2015-08-18 17:05:37 UTC"; "ends epoch N" → N
 * as a date; "ends never". */
static void dends(const dstmt *st, char *out, size_t cap)
{
	out[0] = '\0';
	if (dis(st, 1, "never")) {
		snprintf(out, cap, "never");
	} else if (dis(st, 1, "epoch") && st->n >= 3) {
		char *e;
		long long v = strtoll(st->w[2].text, &e, 10);
		if (!*e && v >= 0) {
			time_t tt = (time_t)v;
			struct tm tm;
			if (gmtime_r(&tt, &tm))
				strftime(out, cap, "%Y-%m-%d %H:%M:%S UTC", &tm);
		}
	} else if (st->n >= 4) {
		char d[16];
		snprintf(d, sizeof(d), "%.10s", st->w[2].text);
		for (char *c = d; *c; c++)
			if (*c == '/')
				*c = '-';
		snprintf(out, cap, "%s %.8s UTC", d, st->w[3].text);
	}
}

/* Statements of a lease or an address block: state, end, MAC, host name. */
static void dlease_stmt(const dstmt *st, dlease *l, tm_inventory *inv)
{
	if (dis(st, 0, "binding") && dis(st, 1, "state") && st->n >= 3) {
		snprintf(l->state, sizeof(l->state), "%.15s", st->w[2].text);
	} else if (dis(st, 0, "ends")) {
		dends(st, l->ends, sizeof(l->ends));
	} else if (dis(st, 0, "hardware") && st->n >= 3) {
		if (tm_mac_parse(st->w[2].text, st->w[2].len, l->mac)) {
			l->have_mac = 1;
			l->mac_from = NULL;
		} else {
			warn(inv, st->line, "not a MAC address: '%.40s'", st->w[2].text);
		}
	} else if (dis(st, 0, "client-hostname") && st->n >= 2 && st->w[1].kind == 's') {
		snprintf(l->host, sizeof(l->host), "%.127s", st->w[1].text);
	}
}

/* The MAC address inside a DHCPv6 DUID (RFC 8415 §11): DUID-LLT (type 1:
 * hardware type, time, link-layer address) and DUID-LL (type 3: hardware
 * type, address) carry one when the hardware is Ethernet (type 1); DUID-EN
 * (2) and DUID-UUID (4) do not.  ia-na's string is the 4-byte IAID, then
 * the DUID.  Returns the DUID type, *from set when a MAC was found. */
static int duid_mac(const char *s, size_t n, uint8_t mac[6], const char **from)
{
	*from = NULL;
	if (n < 4 + 2)
		return 0;
	const unsigned char *d = (const unsigned char *)s + 4;
	size_t dn = n - 4;
	int type = d[0] << 8 | d[1];
	if (type == 1 && dn == 2 + 2 + 4 + 6 && (d[2] << 8 | d[3]) == 1) {
		memcpy(mac, d + 8, 6);
		*from = "DUID-LLT";
	} else if (type == 3 && dn == 2 + 2 + 6 && (d[2] << 8 | d[3]) == 1) {
		memcpy(mac, d + 4, 6);
		*from = "DUID-LL";
	}
	return type;
}

/* The block after "lease ADDR {", up to its '}'. */
static void dlease_block(dlex *x, const dstmt *head, dleases *ls, tm_inventory *inv)
{
	dlease l = { 0 };
	snprintf(l.addr, sizeof(l.addr), "%.71s", head->w[1].text);
	l.line = head->line;
	dstmt st;
	for (;;) {
		if (!x->t.kind) {
			/* a file cut short: what its last lease says is still said */
			warn(inv, l.line, "lease for %s is not closed at the end of the file", l.addr);
			break;
		}
		if (x->t.kind == '}') {
			dnext(x);
			break;
		}
		dstatement(x, &st);
		if (st.end == '{') {
			if (dis(&st, 0, "lease")) {
				/* a lease never closed: this one starts anew */
				warn(inv, l.line, "lease for %s is not closed", l.addr);
				dput(ls, &l);
				if (st.n >= 2 && ip_valid(st.w[1].text)) {
					dlease_block(x, &st, ls, inv);
				} else {
					dskip(x);
				}
				return;
			}
			dskip(x); /* "on expiry { … }" */
			continue;
		}
		if (st.end == 0 && !st.n)
			continue;
		dlease_stmt(&st, &l, inv);
		if (st.end == '}' && !st.n)
			continue;
	}
	dput(ls, &l);
}

/* The block after 'ia-na "…" {': its addresses, each with its state. */
static void dia_block(dlex *x, const dstmt *head, dleases *ls, tm_inventory *inv)
{
	uint8_t mac[6];
	const char *from = NULL;
	int type = head->n >= 2 && head->w[1].kind == 's' ? duid_mac(head->w[1].text, head->w[1].len, mac, &from) : 0;
	int prefix = dis(head, 0, "ia-pd");
	dstmt st;
	while (x->t.kind && x->t.kind != '}') {
		dstatement(x, &st);
		if (st.end != '{')
			continue;
		if ((dis(&st, 0, "iaaddr") || dis(&st, 0, "iaprefix")) && st.n >= 2) {
			dlease l = { 0 };
			snprintf(l.addr, sizeof(l.addr), "%.71s", st.w[1].text);
			l.line = head->line;
			l.have_mac = from != NULL;
			l.mac_from = from;
			l.duid_kind = type;
			if (from)
				memcpy(l.mac, mac, 6);
			(void)prefix;
			while (x->t.kind && x->t.kind != '}') {
				dstmt in;
				dstatement(x, &in);
				if (in.end == '{')
					dskip(x); /* on expiry { … } */
				else
					dlease_stmt(&in, &l, inv);
			}
			if (x->t.kind == '}')
				dnext(x);
			dput(ls, &l);
		} else {
			dskip(x);
		}
	}
	if (!x->t.kind)
		warn(inv, head->line, "%s is not closed at the end of the file", head->w[0].text);
	else
		dnext(x);
}

/* A lease binding that still holds: active, or none written (old files,
 * reservations).  free, expired, released, abandoned, backup and reset
 * leases are not a device on the network now. */
static int dlive(const char *state)
{
	return !*state || strcmp(state, "active") == 0 || strcmp(state, "static") == 0;
}

static void parse_dhcpd(const char *data, size_t len, tm_inventory *inv)
{
	dlex x = { data, data + len, 1, { 0 }, 0 };
	dleases ls = { 0 };
	dnext(&x);
	dstmt st;
	while (x.t.kind) {
		if (x.t.kind == '}') {
			warn(inv, x.t.line, "a '}' that closes nothing");
			dnext(&x);
			continue;
		}
		dstatement(&x, &st);
		if (st.end != '{')
			continue; /* server-duid, authoring-byte-order … */
		if (dis(&st, 0, "lease")) {
			if (st.n < 2 || !ip_valid(st.w[1].text)) {
				warn(inv, st.line, "not a lease: '%.40s'", st.n >= 2 ? st.w[1].text : "");
				dskip(&x);
				continue;
			}
			dlease_block(&x, &st, &ls, inv);
		} else if ((dis(&st, 0, "ia-na") || dis(&st, 0, "ia-ta") || dis(&st, 0, "ia-pd")) && st.n >= 2) {
			dia_block(&x, &st, &ls, inv);
		} else {
			dskip(&x); /* failover peer, class … */
		}
	}
	if (x.cut)
		warn(inv, x.line, "a word or string longer than 255 bytes was cut");
	for (size_t i = 0; i < ls.n; i++) {
		const dlease *l = &ls.v[i];
		if (!l->have_mac) {
			inv->no_mac++;
			continue;
		}
		const char *state = l->state[0] ? l->state : "";
		add_lease(inv, l->line, l->mac, l->addr, l->host, dlive(state) ? TM_LEASE_LIVE : TM_LEASE_EXPIRED,
			  state, l->ends, l->mac_from);
	}
	free(ls.v);
}

/* ---- tables with a MAC column ---- */

static tm_rc parse_csv(const char *data, size_t len, const char *mac_col, tm_inventory *inv, tm_err *err)
{
	static const char *const mac_names[] = { "mac", "mac address", "mac_address", "macaddress", "mac-address",
						 "hwaddr", "hardware address", "physical address", "ethernet address",
						 "bssid", "mac地址", NULL };
	static const char *const ip_names[] = { "ip", "ip address", "ip_address", "ipv4", "ipv4 address", "address",
						"ipaddr", "ip地址", NULL };
	static const char *const host_names[] = { "hostname", "host name", "host", "name", "device", "device name",
						  "主机名", NULL };
	static const char *const vendor_names[] = { "vendor", "manufacturer", "make", NULL };
	tm_grid g;
	tm_rc rc = tm_grid_load(data, len, NULL, &g, err);
	if (rc)
		return rc;
	if (!g.n) {
		tm_grid_release(&g);
		return tm_fail(err, TM_ERR_INVALID, "the file is empty");
	}
	/* the header: the row naming a MAC column, past any preamble */
	const char *want[2] = { mac_col, NULL };
	size_t nmac = 0;
	while (mac_names[nmac])
		nmac++;
	long hi = tm_rows_find_header(&g, mac_col ? want : mac_names, mac_col ? 1 : nmac, NULL);
	if (hi < 0) {
		tm_grid_release(&g);
		if (g.n && g.v[0].error)
			return tm_fail(err, TM_ERR_INVALID, "line %zu: the header cannot be read", g.v[0].line);
		if (mac_col)
			return tm_fail(err, TM_ERR_INVALID, "no MAC column '%s' in the header", mac_col);
		return tm_fail(err, TM_ERR_INVALID, "no MAC column in the header (name it with --mac-col), and not "
						    "nmap XML, ip neigh, arp -a or a lease file either");
	}
	const tm_grid_row *h = &g.v[hi];
	if (hi > 0)
		warn(inv, g.v[0].line, "lines %zu-%zu above the header skipped", g.v[0].line, g.v[hi - 1].line);
	int cm = -1, ci = -1, ch = -1, cv = -1;
	for (size_t k = 0; k < h->n; k++) {
		char low[64];
		size_t n = 0;
		for (const char *c = h->f[k]; *c && n + 1 < sizeof(low); c++)
			low[n++] = (char)tolower((unsigned char)*c);
		while (n && isspace((unsigned char)low[n - 1]))
			n--;
		low[n] = '\0';
		const char *const *lists[4] = { mac_col ? want : mac_names, ip_names, host_names, vendor_names };
		int *cols[4] = { &cm, &ci, &ch, &cv };
		for (int l = 0; l < 4; l++)
			for (size_t j = 0; lists[l][j] && *cols[l] < 0; j++)
				if (strcasecmp(low, lists[l][j]) == 0)
					*cols[l] = (int)k;
	}
	size_t end = tm_rows_trailer(&g, (size_t)hi + 1, tm_grid_filled(h));
	for (size_t i = (size_t)hi + 1; i < end; i++) {
		const tm_grid_row *r = &g.v[i];
		if (r->error) {
			warn(inv, r->line, "%s", r->error);
			continue;
		}
		if (!tm_grid_filled(r))
			continue;
		if ((size_t)cm >= r->n || tm_grid_blank(r->f[cm])) {
			warn(inv, r->line, "no MAC address in field %d", cm + 1);
			continue;
		}
		uint8_t mac[6];
		if (!tm_mac_parse(r->f[cm], strlen(r->f[cm]), mac)) {
			char *ex = excerpt(r->f[cm], strlen(r->f[cm]));
			warn(inv, r->line, "not a MAC address: '%s'", ex);
			free(ex);
			continue;
		}
		add_device(inv, r->line, mac, ci >= 0 && (size_t)ci < r->n ? r->f[ci] : NULL,
			   ch >= 0 && (size_t)ch < r->n ? r->f[ch] : NULL, cv >= 0 && (size_t)cv < r->n ? r->f[cv] : NULL);
	}
	tm_grid_release(&g);
	return TM_OK;
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
		    strcmp(w.w[0], "server-duid") == 0 || strcmp(w.w[0], "ia-na") == 0 || strcmp(w.w[0], "ia-pd") == 0 ||
		    strcmp(w.w[0], "ia-ta") == 0)
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

tm_rc tm_inventory_add(tm_inventory *inv, const char *name, const char *data, size_t len, tm_inv_format fmt,
		       const char *mac_col, tm_err *err)
{
	if (fmt == TM_INV_AUTO) {
		/* what no inventory is gets its name; a workbook is a table */
		tm_grid_kind k = tm_grid_sniff(data, len);
		if (k == TM_GRID_XLSX || k == TM_GRID_ODS)
			fmt = TM_INV_CSV;
		else if (k == TM_GRID_XML)
			fmt = TM_INV_NMAP;
		else if (k != TM_GRID_TEXT)
			return tm_fail(err, TM_ERR_INVALID, "this is %s, not a device inventory", tm_grid_kind_name(k));
		else
			fmt = tm_inv_detect(data, len);
	}
	tm_strv_push(&inv->files, name ? name : "");
	TM_GROW(inv->formats, inv->nfiles, inv->files.n);
	inv->nfiles = inv->files.n;
	inv->formats[inv->nfiles - 1] = fmt;
	inv->format = fmt;
	tm_rc rc = TM_OK;
	switch (fmt) {
	case TM_INV_CSV: rc = parse_csv(data, len, mac_col, inv, err); break;
	case TM_INV_NMAP: rc = parse_nmap(data, len, inv, err); break;
	case TM_INV_NEIGH: parse_neigh(data, len, inv); break;
	case TM_INV_ARP: parse_arp(data, len, inv); break;
	case TM_INV_DNSMASQ: parse_dnsmasq(data, len, inv); break;
	case TM_INV_DHCPD: parse_dhcpd(data, len, inv); break;
	default: rc = tm_fail(err, TM_ERR_INVALID, "unknown inventory format");
	}
	return rc;
}

tm_rc tm_inventory_parse(const char *data, size_t len, tm_inv_format fmt, const char *mac_col, tm_inventory *out,
			 tm_err *err)
{
	memset(out, 0, sizeof(*out));
	tm_rc rc = tm_inventory_add(out, "", data, len, fmt, mac_col, err);
	if (rc)
		tm_inventory_release(out);
	return rc;
}
