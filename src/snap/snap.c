/*
 * snap: checked files of derived data (contract in snap.h).
 *
 * The file: a header (struct head), then the table (each part's length,
 * then each block's checksum, all uint64_t), then the parts, each from a
 * page boundary (mapped, an array then starts aligned).  The header's own
 * checksum covers the header and the parts' lengths, which say where
 * everything is; the blocks' checksums need none: a damaged one fails the
 * check of its block, as damage to the block would (the file is damaged
 * either way), and checking a table of 1.6 % of the file at open is what
 * lazy checking avoids.
 */
#include "snap/snap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#define MAGIC "tiemap-snap-1\n"

struct head {
	char magic[16];
	char kind[24];      /* the caller's: what and which format, NUL-padded */
	uint64_t key;       /* the caller's: what the reader must share with the writer */
	uint64_t stamp;     /* the data it was made from */
	uint64_t len;       /* the file's length */
	uint64_t n_parts, n_blocks;
	uint64_t head_sum;  /* of the bytes above and the parts' lengths */
};

#define PAGE 4096 /* parts start on one */

static size_t page_up(size_t x)
{
	return (x + PAGE - 1) & ~(size_t)(PAGE - 1);
}

static size_t blocks_of(size_t len)
{
	return (len + TM_SNAP_BLOCK - 1) / TM_SNAP_BLOCK;
}

static uint64_t block_sum(const void *p, size_t len, size_t block)
{
	return XXH3_64bits_withSeed(p, len, (XXH64_hash_t)block);
}

static uint64_t head_sum(const struct head *h, const uint64_t *lens, size_t n)
{
	return XXH3_64bits_withSeed(lens, n * sizeof(*lens), XXH3_64bits(h, offsetof(struct head, head_sum)));
}

/* Where the parts go, from their lengths; returns the file's length, or 0
 * when the numbers overflow (only a damaged table has such). */
static size_t layout(const uint64_t *lens, size_t n, size_t n_blocks, struct tm_snap_span *span)
{
	if (n > SIZE_MAX / 16 || n_blocks > SIZE_MAX / 16)
		return 0;
	size_t at = sizeof(struct head) + (n + n_blocks) * sizeof(uint64_t), block = 0;
	for (size_t i = 0; i < n; i++) {
		at = page_up(at);
		if (lens[i] > SIZE_MAX / 2 - at)
			return 0;
		if (span) {
			span[i].at = at;
			span[i].len = (size_t)lens[i];
			span[i].block0 = block;
		}
		block += blocks_of((size_t)lens[i]);
		at += (size_t)lens[i];
	}
	return block == n_blocks ? at : 0;
}

tm_rc tm_snap_write(const char *path, const char *kind, uint64_t key, uint64_t stamp, const tm_snap_part *parts,
		    size_t n, tm_err *err)
{
	struct head h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, MAGIC, sizeof(MAGIC) - 1);
	if (strlen(kind) >= sizeof(h.kind))
		return tm_fail(err, TM_ERR_INTERNAL, "snapshot kind '%s' too long", kind);
	memcpy(h.kind, kind, strlen(kind));
	h.key = key;
	h.stamp = stamp;
	h.n_parts = n;
	for (size_t i = 0; i < n; i++)
		h.n_blocks += blocks_of(parts[i].len);
	size_t nt = n + (size_t)h.n_blocks;
	uint64_t *table = tm_xmalloc((nt ? nt : 1) * sizeof(*table));
	size_t b = 0;
	for (size_t i = 0; i < n; i++) {
		table[i] = parts[i].len;
		for (size_t off = 0; off < parts[i].len; off += TM_SNAP_BLOCK, b++) {
			size_t l = parts[i].len - off < TM_SNAP_BLOCK ? parts[i].len - off : TM_SNAP_BLOCK;
			table[n + b] = block_sum((const char *)parts[i].data + off, l, b);
		}
	}
	h.len = layout(table, n, (size_t)h.n_blocks, NULL);
	h.head_sum = head_sum(&h, table, n);

	tm_buf tmp = TM_BUF_INIT;
	tm_buf_addf(&tmp, "%s.%ld.tmp", path, (long)getpid());
	FILE *f = fopen(tmp.buf, "wb");
	if (!f) {
		tm_fail(err, TM_ERR_IO, "unable to create '%s': %s", tmp.buf, strerror(errno));
		free(table);
		tm_buf_release(&tmp);
		return TM_ERR_IO;
	}
	static const char zero[PAGE];
	int ok = fwrite(&h, sizeof(h), 1, f) == 1 && fwrite(table, sizeof(*table), nt, f) == nt;
	size_t at = sizeof(h) + nt * sizeof(*table);
	for (size_t i = 0; ok && i < n; i++) {
		size_t pad = page_up(at) - at;
		ok = fwrite(zero, 1, pad, f) == pad &&
		     (!parts[i].len || fwrite(parts[i].data, 1, parts[i].len, f) == parts[i].len);
		at += pad + parts[i].len;
	}
	free(table);
	ok = fclose(f) == 0 && ok && at == h.len;
	/* rename: a reader sees the old file or the new one, never half of one */
	if (!ok || rename(tmp.buf, path) != 0) {
		tm_fail(err, TM_ERR_IO, "unable to write '%s': %s", path, strerror(errno));
		unlink(tmp.buf);
		tm_buf_release(&tmp);
		return TM_ERR_IO;
	}
	tm_buf_release(&tmp);
	return TM_OK;
}

tm_rc tm_snap_map(const char *path, const char *kind, uint64_t key, uint64_t stamp, size_t n, tm_snap **out,
		  tm_err *err)
{
	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tm_fail(err, TM_ERR_NOTFOUND, "no snapshot '%s'", path);
	struct stat sb;
	struct head h;
	char want[sizeof(h.kind)] = { 0 };
	strncpy(want, kind, sizeof(want) - 1);
	if (fstat(fd, &sb) != 0 || (size_t)sb.st_size < sizeof(h) ||
	    pread(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h) || memcmp(h.magic, MAGIC, sizeof(MAGIC) - 1) != 0) {
		close(fd);
		return tm_fail(err, TM_ERR_NOTFOUND, "'%s' is no snapshot of this format", path);
	}
	/* stale first: a file of another kind or format is not damaged */
	if (memcmp(h.kind, want, sizeof(want)) != 0 || h.key != key || h.stamp != stamp || h.n_parts != n) {
		close(fd);
		return tm_fail(err, TM_ERR_NOTFOUND, "snapshot '%s' is stale", path);
	}
	size_t nt = n + (size_t)h.n_blocks;
	if (h.len != (uint64_t)sb.st_size || h.n_blocks > (uint64_t)sb.st_size / sizeof(uint64_t) ||
	    sizeof(h) + nt * sizeof(uint64_t) > (size_t)sb.st_size) {
		close(fd);
		return tm_fail(err, TM_ERR_IO, "snapshot '%s' is damaged", path);
	}
	void *map = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return tm_fail(err, TM_ERR_IO, "unable to map '%s': %s", path, strerror(errno));
	const uint64_t *table = (const uint64_t *)((const char *)map + sizeof(h));
	tm_snap *s = tm_xcalloc(1, sizeof(*s));
	s->base = map;
	s->len = (size_t)sb.st_size;
	s->n = n;
	s->part = tm_xcalloc(n ? n : 1, sizeof(*s->part));
	if (head_sum(&h, table, n) != h.head_sum || layout(table, n, (size_t)h.n_blocks, s->part) != (size_t)sb.st_size) {
		tm_snap_free(s);
		return tm_fail(err, TM_ERR_IO, "snapshot '%s' is damaged", path);
	}
	s->sum = table + n;
	s->n_blocks = (size_t)h.n_blocks;
	s->ok = tm_xcalloc(s->n_blocks / 64 + 1, sizeof(*s->ok));
	s->path = tm_xstrdup(path);
	*out = s;
	return TM_OK;
}

void tm_snap_free(tm_snap *s)
{
	if (!s)
		return;
	if (s->base)
		munmap((void *)s->base, s->len);
	free(s->part);
	free((void *)s->ok);
	free(s->path);
	free(s);
}

const void *tm_snap_part_data(const tm_snap *s, size_t i, size_t *len)
{
	*len = s->part[i].len;
	return s->base + s->part[i].at;
}

const char *tm_snap_path(const tm_snap *s)
{
	return s->path;
}

/* The part block k lies in (parts are few: a scan). */
static const struct tm_snap_span *part_of(const tm_snap *s, size_t k)
{
	size_t i = s->n - 1;
	while (s->part[i].block0 > k || !s->part[i].len)
		i--;
	return &s->part[i];
}

int tm_snap_check_blocks(tm_snap *s, size_t first, size_t last)
{
	for (size_t k = first; k <= last; k++) {
		uint64_t bit = (uint64_t)1 << (k & 63);
		if (atomic_load_explicit(&s->ok[k >> 6], memory_order_relaxed) & bit)
			continue;
		const struct tm_snap_span *p = part_of(s, k);
		size_t off = (k - p->block0) * TM_SNAP_BLOCK;
		size_t len = p->len - off < TM_SNAP_BLOCK ? p->len - off : TM_SNAP_BLOCK;
		if (block_sum(s->base + p->at + off, len, k) != s->sum[k])
			return -1;
		/* another thread may have set it too: the bytes are the same */
		atomic_fetch_or_explicit(&s->ok[k >> 6], bit, memory_order_relaxed);
	}
	return 0;
}

int tm_snap_check_all(tm_snap *s)
{
	return s->n_blocks ? tm_snap_check_blocks(s, 0, s->n_blocks - 1) : 0;
}
