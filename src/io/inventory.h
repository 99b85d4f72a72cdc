/*
 * inventory: the devices of a network, from files people already have.
 * Nothing here sends a packet: it reads what nmap, the kernel's neighbour
 * table and DHCP servers wrote down.
 *
 *   csv      a table with a MAC column (header "mac", "MAC Address", "hwaddr" …):
 *            CSV, TSV, .xlsx or .ods (io/grid.h), its header found as rows.h finds it
 *   nmap     `nmap -oX` XML (hosts scanned on the local link carry their MAC)
 *   neigh    `ip neigh` output
 *   arp      `arp -a` output (Linux net-tools, BSD and macOS, Windows)
 *   dnsmasq  dnsmasq's lease file (dnsmasq.leases)
 *   dhcpd    ISC dhcpd's lease file (dhcpd.leases), IPv4 and IPv6 (dhcpd6: the MAC
 *            from the client's DUID-LLT or DUID-LL), with each lease's state and end
 *
 * A device is one MAC address: when a file names it twice (two addresses,
 * a lease renewed) the first line that names it keeps it and later ones add
 * their IP address.  A line that cannot be read gives a warning with its
 * line number, and the rest is still read.
 */
#ifndef TM_IO_INVENTORY_H
#define TM_IO_INVENTORY_H

#include "core/core.h"

typedef enum tm_inv_format {
	TM_INV_AUTO = 0,
	TM_INV_CSV,
	TM_INV_NMAP,
	TM_INV_NEIGH,
	TM_INV_ARP,
	TM_INV_DNSMASQ,
	TM_INV_DHCPD,
} tm_inv_format;

/* "csv", "nmap", … ("auto" for TM_INV_AUTO). */
const char *tm_inv_format_name(tm_inv_format f);
/* The format a name names, or -1. */
int tm_inv_format_parse(const char *name);
/* The format the bytes look like; TM_INV_CSV when nothing else fits. */
tm_inv_format tm_inv_detect(const char *data, size_t len);

/* Whether a lease says the device is on the network. */
enum { TM_LEASE_NONE = 0, TM_LEASE_LIVE, TM_LEASE_EXPIRED };

typedef struct tm_device {
	size_t line;     /* where the device was first named */
	size_t file;     /* which input (index into files) */
	uint8_t mac[6];
	char *ip;        /* owned; "" when unknown; several joined with ", " */
	char *hostname;  /* owned; "" when unknown */
	char *vendor;    /* what the file itself says of the vendor (nmap), or "" */
	/* Lease files: TM_LEASE_LIVE when a lease of the device holds
	 * (binding state active, or none written), TM_LEASE_EXPIRED when all
	 * its leases are free, expired, released, abandoned or backup;
	 * TM_LEASE_NONE for inventories that are not leases. */
	int state;
	char *lease;     /* the binding state as written ("active", "free"), or "" (owned) */
	char *ends;      /* when the lease ends, "2015-08-18 17:05:37 UTC" or "never", or "" (owned) */
	const char *mac_from; /* NULL, or "DUID-LLT" / "DUID-LL": read from a DHCPv6 client's DUID (static) */
} tm_device;

typedef struct tm_inv_note {
	size_t line;
	size_t file; /* which input */
	char *msg;   /* owned */
} tm_inv_note;

typedef struct tm_inventory {
	tm_inv_format format;  /* of the last input read */
	tm_strv files;         /* the inputs' names, in order */
	tm_inv_format *formats; /* and their formats */
	size_t nfiles;
	tm_device *v;
	size_t n, cap;
	tm_inv_note *warn; /* lines that could not be read, hosts without a MAC … */
	size_t nwarn, capwarn;
	size_t no_mac;     /* entries read that carry no MAC (incomplete, scanned across a router) */
	size_t *slot;      /* internal: devices by MAC, open addressing (index + 1) */
	size_t nslot;
} tm_inventory;
void tm_inventory_release(tm_inventory *inv);

/* Read data[0, len) as fmt (TM_INV_AUTO: detected) into *out (the caller's
 * to release).  mac_col names the MAC column of a table (NULL: guessed).
 * Fails with TM_ERR_INVALID only when nothing can be read at all (no MAC
 * column in a table, XML that is not nmap's, XML that declares entities,
 * JSON, YAML, HTML or a binary file, named as what it is); everything else
 * is a warning. */
tm_rc tm_inventory_parse(const char *data, size_t len, tm_inv_format fmt, const char *mac_col, tm_inventory *out,
			 tm_err *err);

/* The same, adding the devices of one more input, called name, to *inv
 * (zeroed before the first): a MAC named in several inputs is one device. */
tm_rc tm_inventory_add(tm_inventory *inv, const char *name, const char *data, size_t len, tm_inv_format fmt,
		       const char *mac_col, tm_err *err);

#endif
