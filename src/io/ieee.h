/*
 * ieee: the IEEE registries of MAC address blocks, as Debian's ieee-data
 * installs them under /usr/share/ieee-data/ (or any directory with the same
 * files, for a newer registry: `update-ieee-data`):
 *
 *   oui.csv    MA-L, 24-bit prefixes (6 hex digits)
 *   mam.csv    MA-M, 28-bit prefixes (7)
 *   oui36.csv  MA-S, 36-bit prefixes (9)
 *   iab.csv    IAB, 36-bit prefixes (9), the older small blocks
 *
 * each with the header Registry,Assignment,Organization Name,Organization
 * Address.  The longest prefix wins: an MA-M or MA-S block lies inside an
 * MA-L block the IEEE keeps for itself.  A locally administered address
 * (the second bit of the first byte) was not assigned by anyone: phones and
 * laptops make one up per network, so it names no vendor.
 */
#ifndef TM_IO_IEEE_H
#define TM_IO_IEEE_H

#include "core/core.h"

#define TM_IEEE_DIR "/usr/share/ieee-data"

typedef struct tm_oui_db tm_oui_db;

/* Load the registries in dir (NULL: TM_IEEE_DIR).  Files that are missing
 * are skipped; none at all fails with TM_ERR_NOTFOUND.  A line that cannot be
 * read is skipped and counted (tm_oui_skipped).  *out is owned by the
 * caller: tm_oui_free() it. */
tm_rc tm_oui_load(const char *dir, tm_oui_db **out, tm_err *err);
void tm_oui_free(tm_oui_db *db);
size_t tm_oui_count(const tm_oui_db *db);   /* blocks loaded */
size_t tm_oui_skipped(const tm_oui_db *db); /* lines that could not be read */

typedef struct tm_oui_hit {
	const char *org;      /* the organization (borrowed from the db) */
	const char *registry; /* "MA-L", "MA-M", "MA-S" or "IAB" */
	char prefix[16];      /* the block, "44:19:B6" or "40:2C:76:1" */
	int bits;             /* 24, 28 or 36 */
} tm_oui_hit;

/* The block mac falls in: 1 and *out filled, or 0 when no registry has it. */
int tm_oui_lookup(const tm_oui_db *db, const uint8_t mac[6], tm_oui_hit *out);

/* MAC addresses as inventories write them: 44:19:b6:aa:bb:cc, 44-19-B6-AA-BB-CC,
 * 4419.b6aa.bbcc, 4419b6aabbcc, and BSD's 4:19:b6:a:b:c (a digit dropped).
 * 1 when s[0, n) is one, with the bytes in out. */
int tm_mac_parse(const char *s, size_t n, uint8_t out[6]);
/* "44:19:B6:AA:BB:CC" into out (18 bytes). */
void tm_mac_format(const uint8_t mac[6], char out[18]);
/* 1 for a locally administered (randomized) address, 2 for a group
 * (multicast) address, 0 for a universally administered one. */
int tm_mac_kind(const uint8_t mac[6]);

#endif
