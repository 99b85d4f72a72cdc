/*
 * Unit tests of the store under failing writes.  A shim VFS over SQLite's
 * own makes writes fail once a budget of bytes is spent: as a full disk
 * (SQLITE_FULL, and only writes that grow a file fail, as on a real one) or
 * as an I/O error (SQLITE_IOERR_WRITE, every write fails).  For budgets
 * spread over a bulk write, the commit fails or succeeds whole: after a
 * failure, tm_store_rollback() has given the space back (the database file
 * at its old size, no log left longer than empty) before the store is even
 * closed, and reopened the file is whole (integrity check) and holds what
 * it held before; after a success it holds the new data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"

/* ---- the shim ---- */

enum { FAIL_FULL, FAIL_IOERR };
static long long budget = -1; /* bytes that may still be written; -1: no limit */
static int fail_mode;
static int failures;          /* writes refused since the budget was set */

typedef struct shim_file {
	sqlite3_file base;
	sqlite3_file *real; /* right after this struct, szOsFile of the real VFS */
} shim_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs shim_vfs;

#define REAL(f) (((shim_file *)(f))->real)

static int s_close(sqlite3_file *f)
{
	return REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
}

static int s_read(sqlite3_file *f, void *p, int n, sqlite3_int64 off)
{
	return REAL(f)->pMethods->xRead(REAL(f), p, n, off);
}

static int s_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 off)
{
	if (budget >= 0) {
		sqlite3_int64 size = 0;
		REAL(f)->pMethods->xFileSize(REAL(f), &size);
		/* a full disk still takes writes over bytes a file has */
		if (fail_mode == FAIL_IOERR || off + n > size) {
			if (budget < n) {
				failures++;
				return fail_mode == FAIL_FULL ? SQLITE_FULL : SQLITE_IOERR_WRITE;
			}
			budget -= n;
		}
	}
	return REAL(f)->pMethods->xWrite(REAL(f), p, n, off);
}

static int s_truncate(sqlite3_file *f, sqlite3_int64 size)
{
	return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int s_sync(sqlite3_file *f, int flags)
{
	return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int s_size(sqlite3_file *f, sqlite3_int64 *size)
{
	return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int s_lock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xLock(REAL(f), l);
}

static int s_unlock(sqlite3_file *f, int l)
{
	return REAL(f)->pMethods->xUnlock(REAL(f), l);
}

static int s_reserved(sqlite3_file *f, int *out)
{
	return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int s_control(sqlite3_file *f, int op, void *arg)
{
	return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int s_sector(sqlite3_file *f)
{
	return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int s_device(sqlite3_file *f)
{
	return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int s_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
	return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, extend, pp);
}

static int s_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
	return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void s_shm_barrier(sqlite3_file *f)
{
	REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int s_shm_unmap(sqlite3_file *f, int del)
{
	return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int s_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
	*pp = NULL; /* no memory-mapped reads: every read goes through s_read */
	(void)f, (void)off, (void)n;
	return SQLITE_OK;
}

static int s_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
	(void)f, (void)off, (void)p;
	return SQLITE_OK;
}

static const sqlite3_io_methods shim_io = {
	3, s_close, s_read, s_write, s_truncate, s_sync, s_size, s_lock, s_unlock, s_reserved, s_control,
	s_sector, s_device, s_shm_map, s_shm_lock, s_shm_barrier, s_shm_unmap, s_fetch, s_unfetch,
};

static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
	(void)vfs;
	shim_file *s = (shim_file *)f;
	s->real = (sqlite3_file *)(s + 1);
	int rc = real_vfs->xOpen(real_vfs, name, s->real, flags, out);
	s->base.pMethods = rc == SQLITE_OK ? &shim_io : NULL;
	return rc;
}

static void shim_install(void)
{
	real_vfs = sqlite3_vfs_find(NULL);
	shim_vfs = *real_vfs;
	shim_vfs.zName = "tiemap-faults";
	shim_vfs.szOsFile = (int)sizeof(shim_file) + real_vfs->szOsFile;
	shim_vfs.xOpen = v_open;
	shim_vfs.pNext = NULL;
	sqlite3_vfs_register(&shim_vfs, 1);
}

/* ---- the data ---- */

static char dir[] = "/tmp/tm-faults-XXXXXX";

static off_t file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? sb.st_size : -1;
}

static void put_entities(tm_store *st, int from, int n, tm_err *err, tm_rc *rc)
{
	for (int i = from; i < from + n && !*rc; i++) {
		tm_entity e = { 0 };
		char id[32], name[96];
		snprintf(id, sizeof(id), "e%d", i);
		snprintf(name, sizeof(name), "Entity %d Surveillance Holdings Group Co., Ltd.", i);
		e.id = tm_xstrdup(id);
		e.kind = tm_xstrdup("company");
		tm_entity_add_name(&e, name, "en", 1);
		tm_cites_push(&e.cites, "s", NULL, NULL);
		*rc = tm_store_put_entity(st, &e, err);
		tm_entity_release(&e);
	}
}

static int add_id(void *ctx, const tm_entity *e)
{
	tm_buf_addf(ctx, "%s %s\n", e->id, e->n_names ? e->names[0].text : "");
	return 0;
}

/* What the store holds, as text. */
static char *dump(tm_store *st)
{
	tm_buf b = TM_BUF_INIT;
	assert_int_equal(tm_store_each_entity(st, add_id, &b, NULL), TM_OK);
	return tm_buf_detach(&b);
}

static void whole(tm_store *st)
{
	size_t problems = 9;
	assert_int_equal(tm_store_recover(st, NULL, NULL, &problems, NULL), TM_OK);
	assert_int_equal(problems, 0);
}

static void run_mode(int mode)
{
	char db[256], wal[300], journal[300];
	snprintf(db, sizeof(db), "%s/f%d.db", dir, mode);
	snprintf(wal, sizeof(wal), "%s-wal", db);
	snprintf(journal, sizeof(journal), "%s-journal", db);
	tm_err err = { 0 };
	tm_store *st;
	assert_int_equal(tm_store_open(db, TM_STORE_CREATE, &st, &err), TM_OK);
	tm_rc rc = tm_store_begin(st, &err);
	tm_source src = { .id = "s", .title = "S" };
	assert_int_equal(tm_store_put_source(st, &src, &err), TM_OK);
	put_entities(st, 0, 50, &err, &rc);
	assert_int_equal(rc, TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	tm_store_close(st);
	off_t size0 = file_size(db);
	assert_true(size0 > 0);
	assert_int_equal(tm_store_open(db, 0, &st, &err), TM_OK);
	char *before = dump(st);
	tm_store_close(st);

	int failed = 0, committed = 0;
	for (long long b = 0; !committed; b = b < 4096 ? b + 1024 : b * 2) {
		assert_int_equal(tm_store_open(db, 0, &st, &err), TM_OK);
		fail_mode = mode;
		failures = 0;
		budget = b;
		rc = tm_store_begin_bulk(st, &err);
		put_entities(st, 1000, 1500, &err, &rc);
		if (!rc)
			rc = tm_store_commit(st, &err);
		if (rc) {
			failed++;
			assert_true(failures > 0);
			assert_true(strstr(err.msg, mode == FAIL_FULL ? "full" : "I/O") != NULL);
			tm_store_rollback(st);
			/* before the store is closed, with the disk still full */
			assert_int_equal(file_size(db), size0);
			assert_true(file_size(wal) <= 0);
			assert_int_equal(file_size(journal), -1);
		} else {
			committed = 1;
		}
		tm_store_close(st);
		budget = -1;
		assert_int_equal(tm_store_open(db, 0, &st, &err), TM_OK);
		whole(st);
		char *now = dump(st);
		if (committed) {
			assert_string_not_equal(now, before);
			assert_non_null(strstr(now, "e2499 "));
		} else {
			assert_string_equal(now, before);
		}
		free(now);
		tm_store_close(st);
	}
	print_message("%s: %d budgets failed the write and left the file as it was, then one was enough\n",
		      mode == FAIL_FULL ? "full disk" : "I/O error", failed);
	assert_true(failed >= 6);
	free(before);
	unlink(db);
	unlink(wal);
	char shm[300];
	snprintf(shm, sizeof(shm), "%s-shm", db);
	unlink(shm);
}

static void test_full_disk_rolls_back_and_gives_space_back(void **state)
{
	(void)state;
	run_mode(FAIL_FULL);
}

static void test_io_error_rolls_back(void **state)
{
	(void)state;
	run_mode(FAIL_IOERR);
}

int main(void)
{
	if (!mkdtemp(dir))
		return 1;
	shim_install();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_disk_rolls_back_and_gives_space_back),
		cmocka_unit_test(test_io_error_rolls_back),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	rmdir(dir);
	return failed;
}
