/*
 * audit: which devices of a network come from vendors in the graph, and
 * what ties those vendors to (docs/screening.md, "Auditing devices").
 *
 * The inventories (io/inventory.h) give devices by MAC address; each MAC
 * is looked up in the IEEE registries (io/ieee.h) or, when it names no
 * vendor, told apart by what it likely is:
 *
 *   registered  a block the IEEE assigned: the vendor is the registrant
 *   virtual     a locally administered address of a known virtual-machine
 *               or container scheme (Docker's 02:42, QEMU/KVM's 52:54:00,
 *               VirtualBox host-only 0A:00:27 …): a virtual interface
 *   randomized  any other locally administered address: most likely a
 *               phone's or laptop's private (randomized) address; a virtual
 *               interface that makes up its own address looks the same
 *   multicast   a group address (not a device)
 *   unknown     universally administered, in no registry block
 *
 * A device the registries cannot place but whose file names a vendor (nmap
 * does, from its own copy of the registry) keeps that vendor, marked as
 * nmap's.  The vendors are then screened as a list (match/screen.h), and
 * each device carries its vendor's match and flags.  Devices whose lease
 * has ended (binding state free, expired …) are reported apart from the
 * live ones.
 *
 * This module holds the logic so that the CLI and the server give the same
 * report; rendering as JSON and CSV is here, the terminal table in cli/.
 * Ownership: a tm_audit and everything in it is the caller's, released
 * with tm_audit_release(); it borrows the inventory and the registry.
 */
#ifndef TM_AUDIT_H
#define TM_AUDIT_H

#include <jansson.h>

#include "io/ieee.h"
#include "io/inventory.h"
#include "match/screen.h"

/* What a device is, by its MAC (above). */
typedef enum tm_dev_kind {
	TM_DEV_REGISTERED = 0,
	TM_DEV_VIRTUAL,
	TM_DEV_RANDOMIZED,
	TM_DEV_MULTICAST,
	TM_DEV_UNKNOWN,
	TM_DEV_N
} tm_dev_kind;

/* "registered", "virtual", "randomized", "multicast", "unknown". */
const char *tm_dev_kind_name(tm_dev_kind k);

/* What a MAC address is: its kind, and for a virtual one the scheme that
 * made it ("Docker container or bridge") in *what (static; else NULL). */
tm_dev_kind tm_audit_mac_kind(const uint8_t mac[6], const tm_oui_db *db, tm_oui_hit *hit, const char **what);

typedef struct tm_audit_dev {
	const tm_device *d;  /* borrowed from the inventory */
	tm_dev_kind kind;
	const char *virt;    /* TM_DEV_VIRTUAL: what made the address (static) */
	tm_oui_hit hit;      /* TM_DEV_REGISTERED: the block */
	long vendor;         /* index into vendors, or -1 */
} tm_audit_dev;

typedef struct tm_audit_vendor {
	const char *org;       /* borrowed from the registry or the inventory */
	const char *registry;  /* "MA-L", "MA-M", "MA-S", "IAB", or "nmap" when only the file named it */
	tm_strv prefixes;      /* the blocks its devices fall in */
	size_t devices, live;  /* devices, and of them those not of an ended lease */
} tm_audit_vendor;

typedef struct tm_audit_opts {
	tm_flag_opts flags;      /* as screen's (match.h): involvement categories, ownership depth and share */
	double threshold;        /* 0: TM_MATCH_THRESHOLD */
	const tm_graph *graph;   /* the store's graph, for the flags */
} tm_audit_opts;

typedef struct tm_audit {
	const tm_inventory *inv; /* borrowed */
	tm_audit_dev *devs;      /* one per device of inv, in its order */
	size_t n;
	tm_audit_vendor *vendors;
	size_t nv, capv;
	tm_screen_report rep;    /* the vendors screened: rows[i] is vendors[i] */
	size_t blocks;           /* registry blocks loaded */
	size_t count[TM_DEV_N];  /* devices by kind */
	size_t live, expired;    /* devices whose leases hold, or have all ended */
	size_t flagged;          /* devices whose vendor is flagged */
} tm_audit;
void tm_audit_release(tm_audit *a);

/* Audit inv against the store (and graph) with the registry db. */
tm_rc tm_audit_run(tm_store *st, const tm_oui_db *db, const tm_inventory *inv, const tm_audit_opts *o,
		   tm_audit *out, tm_err *err);

/* The vendor's screening row of a device, or NULL. */
const tm_screen_row *tm_audit_vendor_row(const tm_audit *a, const tm_audit_dev *d);

/* The report as JSON (docs/cli.md): {"summary","vendors","devices",
 * "expired","warnings"}, each vendor's flags the flag objects of `screen`
 * (direct or via ownership, with claims, chain, quotes and the texts in both
 * languages), each device's the categories; a new reference, the caller's. */
json_t *tm_audit_json(tm_store *st, const tm_audit *a);
/* One CSV row a device (RFC 4180, formulas defused), appended to out; the
 * flags as sentences with their basis and chain by names, in lang ("en" or
 * "zh"). */
void tm_audit_csv(tm_store *st, const tm_audit *a, const char *lang, tm_buf *out);

#endif
