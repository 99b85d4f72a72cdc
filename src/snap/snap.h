/*
 * snap: files of derived data that a later process maps instead of
 * computing them again (the graph's snapshot, the screening vocabulary),
 * written whole or not at all, and checked so that damage never reads as
 * data.  Where they live and which data they must have been made from is
 * the store's to say (tm_store_cache()); what is in them, the caller's.
 *
 * A file is a header, a table, and parts (the caller's arrays), each part
 * starting on a page.  The table holds each part's length and a checksum
 * (XXH3, seeded with the block's number) of every block of TM_SNAP_BLOCK
 * bytes of every part.  Mapping checks the header and the parts' lengths,
 * which are small; a block is checked against its checksum the first time
 * something reads it (tm_snap_check()), and remembered, so that a query
 * reading a few hundred rows of a 170 MB graph checks a few hundred blocks,
 * not the file (checking it all took longer than the query).  A damaged block is found where a read
 * needs it and fails that read, every time.  Any number of threads may check
 * and read one mapped file.
 *
 * Machine-specific: native byte order and sizes, which the caller's key
 * should cover (a file written by another build is refused as stale).
 */
#ifndef TM_SNAP_H
#define TM_SNAP_H

#include <stdatomic.h>

#include "core/core.h"

/* Small: a query reading one row of an array has the whole block hashed
 * (4 KiB blocks cost a `tiemap path` at 100,000 entities 8 % more CPU;
 * 512 bytes, 1.6 % of the file for the table, about 2 %). */
#define TM_SNAP_BLOCK 512

/* One part to write: len bytes at data. */
typedef struct tm_snap_part {
	const void *data;
	size_t len;
} tm_snap_part;

/*
 * Write n parts to path: a temporary file beside it, renamed over it, so a
 * reader sees the old file or the new one, never half of one.  kind names
 * what the file holds and its format version ("graph-3"), at most 23 bytes;
 * key covers what else the reader must share with the writer (sizes of
 * types, vocabularies); stamp says which data it was made from.
 */
tm_rc tm_snap_write(const char *path, const char *kind, uint64_t key, uint64_t stamp, const tm_snap_part *parts,
		    size_t n, tm_err *err);

/* A mapped file.  The fields are read by tm_snap_check() (inline); use
 * them through the functions. */
typedef struct tm_snap {
	const unsigned char *base; /* the mapping */
	size_t len;
	size_t n;                  /* parts */
	struct tm_snap_span {
		size_t at, len;    /* the part's bytes: base + at, len of them */
		size_t block0;     /* its first block's number */
	} *part;
	const uint64_t *sum;       /* per block, in the mapping */
	size_t n_blocks;
	_Atomic uint64_t *ok;      /* per block, a bit: checked and whole */
	char *path;
} tm_snap;

/*
 * Map the file at path if it holds kind, key and stamp, and n parts.
 * TM_ERR_NOTFOUND when there is none or it is stale (another kind, key,
 * stamp or number of parts: made from other data or by another build);
 * TM_ERR_IO when it is damaged where mapping looks (the header, the table,
 * its length).  Either way the caller makes the data again.  *out is the
 * caller's: tm_snap_free() it.
 */
tm_rc tm_snap_map(const char *path, const char *kind, uint64_t key, uint64_t stamp, size_t n, tm_snap **out,
		  tm_err *err);
void tm_snap_free(tm_snap *s);

/* Part i (< n) and its length; its bytes are unchecked until tm_snap_check()
 * says otherwise. */
const void *tm_snap_part_data(const tm_snap *s, size_t i, size_t *len);
const char *tm_snap_path(const tm_snap *s);

/* Check blocks first..last (numbers), those not yet checked; 0 when all are
 * whole, -1 when one is damaged.  tm_snap_check() calls it. */
int tm_snap_check_blocks(tm_snap *s, size_t first, size_t last);

/* Are bytes [off, off + len) of part i as written?  0 yes, -1 no (damaged,
 * or outside the part).  Each block is checked once; after that this costs
 * a few loads. */
static inline int tm_snap_check(tm_snap *s, size_t i, size_t off, size_t len)
{
	const struct tm_snap_span *p = &s->part[i];
	if (off > p->len || len > p->len - off)
		return -1;
	if (!len)
		return 0;
	size_t b = p->block0 + off / TM_SNAP_BLOCK, e = p->block0 + (off + len - 1) / TM_SNAP_BLOCK;
	for (size_t k = b; k <= e; k++)
		if (!((atomic_load_explicit(&s->ok[k >> 6], memory_order_relaxed) >> (k & 63)) & 1))
			return tm_snap_check_blocks(s, k, e);
	return 0;
}

/* Check every block now: 0 or -1 as above. */
int tm_snap_check_all(tm_snap *s);

#endif
