/*
 * Unit tests of snap (checked files of derived data): what is written maps
 * back byte for byte; a file of another kind, key, stamp or number of parts
 * is stale (TM_ERR_NOTFOUND); damage to the header or the parts' lengths is
 * found at mapping (TM_ERR_IO); damage to a part or to a block's checksum is
 * found by the check of a range that reads the block, every time, and by no
 * check of other blocks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snap/snap.h"

static char dir[] = "/tmp/tm-snapf-XXXXXX";
static char path[256];

/* Three parts: 10 bytes, none, and 3 blocks and a half. */
static unsigned char small[10], big[TM_SNAP_BLOCK * 7 / 2];

static void write_three(uint64_t stamp)
{
	tm_snap_part parts[3] = { { small, sizeof(small) }, { NULL, 0 }, { big, sizeof(big) } };
	tm_err err = { 0 };
	assert_int_equal(tm_snap_write(path, "test-1", 99, stamp, parts, 3, &err), TM_OK);
}

static void poke(size_t at, unsigned char x)
{
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	fseek(f, (long)at, SEEK_SET);
	int c = fgetc(f);
	fseek(f, (long)at, SEEK_SET);
	fputc(c ^ x, f);
	fclose(f);
}

static void test_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(small); i++)
		small[i] = (unsigned char)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 13 + i / 256);
	write_three(5);
	tm_snap *s;
	tm_err err = { 0 };
	assert_int_equal(tm_snap_map(path, "test-1", 99, 5, 3, &s, &err), TM_OK);
	size_t len;
	const unsigned char *p = tm_snap_part_data(s, 0, &len);
	assert_int_equal(len, sizeof(small));
	assert_memory_equal(p, small, len);
	tm_snap_part_data(s, 1, &len);
	assert_int_equal(len, 0);
	p = tm_snap_part_data(s, 2, &len);
	assert_int_equal(len, sizeof(big));
	assert_memory_equal(p, big, len);
	/* parts start on a page */
	assert_int_equal((uintptr_t)p % TM_SNAP_BLOCK, 0);
	assert_int_equal(tm_snap_check(s, 2, 0, sizeof(big)), 0);
	assert_int_equal(tm_snap_check(s, 1, 0, 0), 0);
	/* outside a part is no range of it */
	assert_int_equal(tm_snap_check(s, 0, 5, 6), -1);
	assert_int_equal(tm_snap_check(s, 1, 0, 1), -1);
	assert_int_equal(tm_snap_check_all(s), 0);
	assert_string_equal(tm_snap_path(s), path);
	tm_snap_free(s);
}

static void test_stale(void **state)
{
	(void)state;
	write_three(5);
	tm_snap *s = NULL;
	tm_err err = { 0 };
	assert_int_equal(tm_snap_map(path, "test-2", 99, 5, 3, &s, &err), TM_ERR_NOTFOUND);
	assert_int_equal(tm_snap_map(path, "test-1", 98, 5, 3, &s, &err), TM_ERR_NOTFOUND);
	assert_int_equal(tm_snap_map(path, "test-1", 99, 6, 3, &s, &err), TM_ERR_NOTFOUND);
	assert_int_equal(tm_snap_map(path, "test-1", 99, 5, 2, &s, &err), TM_ERR_NOTFOUND);
	char missing[300];
	snprintf(missing, sizeof(missing), "%s.none", path);
	assert_int_equal(tm_snap_map(missing, "test-1", 99, 5, 3, &s, &err), TM_ERR_NOTFOUND);
	assert_null(s);
}

static void test_damaged_header_or_table(void **state)
{
	(void)state;
	tm_snap *s = NULL;
	tm_err err = { 0 };
	/* the header (88 bytes) and the parts' lengths (3): refused at mapping */
	for (size_t at = 16; at < 88 + 3 * 8; at++) {
		write_three(5);
		poke(at, 0x20);
		tm_rc rc = tm_snap_map(path, "test-1", 99, 5, 3, &s, &err);
		assert_true(rc == TM_ERR_IO || rc == TM_ERR_NOTFOUND);
		assert_null(s);
	}
	/* a block's checksum (5 blocks): its block fails its check, the others
	 * pass */
	for (size_t k = 0; k < 5; k++) {
		write_three(5);
		poke(88 + 3 * 8 + k * 8 + 2, 0x20);
		assert_int_equal(tm_snap_map(path, "test-1", 99, 5, 3, &s, &err), TM_OK);
		for (size_t b = 0; b < 4; b++)
			assert_int_equal(tm_snap_check(s, 2, b * TM_SNAP_BLOCK, 1), b + 1 == k ? -1 : 0);
		assert_int_equal(tm_snap_check(s, 0, 0, 1), k == 0 ? -1 : 0);
		assert_int_equal(tm_snap_check_all(s), -1);
		tm_snap_free(s);
	}
	write_three(5);
	poke(3, 0x20); /* the magic: not a snapshot of this format */
	assert_int_equal(tm_snap_map(path, "test-1", 99, 5, 3, &s, &err), TM_ERR_NOTFOUND);
	write_three(5);
	assert_int_equal(truncate(path, 9000), 0);
	assert_int_equal(tm_snap_map(path, "test-1", 99, 5, 3, &s, &err), TM_ERR_IO);
	assert_null(s);
}

static void test_damaged_block_found_where_read(void **state)
{
	(void)state;
	tm_err err = { 0 };
	for (size_t block = 0; block < 4; block++) {
		write_three(5);
		tm_snap *s;
		assert_int_equal(tm_snap_map(path, "test-1", 99, 5, 3, &s, &err), TM_OK);
		size_t len;
		const unsigned char *p = tm_snap_part_data(s, 2, &len);
		size_t part_at = (size_t)(p - s->base);
		tm_snap_free(s);
		poke(part_at + block * TM_SNAP_BLOCK + 100, 0x01);
		assert_int_equal(tm_snap_map(path, "test-1", 99, 5, 3, &s, &err), TM_OK);
		for (size_t b = 0; b < 4; b++) {
			size_t off = b * TM_SNAP_BLOCK + 50, n = 10;
			/* twice: a damaged block is never taken for checked */
			for (int again = 0; again < 2; again++)
				assert_int_equal(tm_snap_check(s, 2, off, n), b == block ? -1 : 0);
		}
		/* a range over several blocks fails when one of them is damaged */
		assert_int_equal(tm_snap_check(s, 2, 0, sizeof(big)), -1);
		assert_int_equal(tm_snap_check(s, 0, 0, sizeof(small)), 0);
		assert_int_equal(tm_snap_check_all(s), -1);
		tm_snap_free(s);
	}
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/t.snap", dir);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_stale),
		cmocka_unit_test(test_damaged_header_or_table),
		cmocka_unit_test(test_damaged_block_found_where_read),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	rmdir(dir);
	return failed;
}
