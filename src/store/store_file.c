/*
 * The database as a file: opening it whatever an interrupted write left
 * behind, the journal mode, giving space back after a failed write, the
 * integrity check of `tiemap recover`, and the caches kept beside it.
 *
 * Journal mode.  A database tiemap writes is in WAL mode (set on every
 * writable open, kept in the file).  A reader then never waits for a writer
 * nor a writer for readers: `tiemap serve` answers from the data as it was
 * while an import runs, where with a rollback journal every request would
 * wait (and fail after the busy timeout) for as long as the import held its
 * exclusive lock, the whole import once the cache spills.  And an
 * interrupted write (kill -9, a full disk, a crash) leaves uncommitted
 * frames at the end of the log, which every reader ignores without writing
 * anything, where a hot rollback journal must be played back into the
 * database before anyone may read it.  The cost: a transaction's pages are
 * written twice (log, then checkpoint), and a large import needs about its
 * size again in free space until the log is checkpointed and removed (the
 * last connection to close does it).  docs/architecture.md says more.
 *
 * A database still in rollback mode (made by an older tiemap, or whose
 * switch to WAL failed) can hold a hot journal: a read-only connection then
 * fails with SQLITE_READONLY_ROLLBACK.  tm_store_open() recovers the file
 * through a writable connection when it can, and otherwise says that the
 * file needs `tiemap recover`, never "attempt to write a readonly database".
 */
#include "store/store_internal.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* The log left after a checkpoint is cut back to this (journal_size_limit):
 * a large import's log would otherwise keep its size on disk. */
#define WAL_KEEP "67108864"
#define WAL_KEEP_BYTES 67108864

/* An interrupted write that this read-only connection could not finish. */
static int needs_recovery(int xrc)
{
	return xrc == SQLITE_READONLY_ROLLBACK || xrc == SQLITE_READONLY_RECOVERY || xrc == SQLITE_READONLY_CANTINIT;
}

/* Open path and read from it once: the first read is where SQLite finds a
 * hot journal (and plays it back, on a writable connection) or a log to
 * recover.  Returns SQLite's extended result code. */
static int connect(const char *path, int flags, sqlite3 **db)
{
	int ro = flags & TM_STORE_READONLY;
	int of = (ro ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX;
	if ((flags & TM_STORE_CREATE) && !ro)
		of |= SQLITE_OPEN_CREATE;
	int rc = sqlite3_open_v2(path, db, of, NULL);
	if (rc != SQLITE_OK)
		return *db ? sqlite3_extended_errcode(*db) : rc;
	sqlite3_busy_timeout(*db, 5000);
	rc = sqlite3_exec(*db, "PRAGMA schema_version", NULL, NULL, NULL);
	return rc == SQLITE_OK ? rc : sqlite3_extended_errcode(*db);
}

/* What a writable connection does with what an interrupted write left:
 * plays a hot journal back (on its first read, in connect()), or checkpoints
 * the log and cuts it to nothing.  SQLITE_OK when the file is whole again.
 * wait 0: give up at once (SQLITE_BUSY) when another connection holds a
 * lock. */
static int recover(const char *path, int wait)
{
	sqlite3 *db = NULL;
	int rc = connect(path, 0, &db);
	if (!wait)
		sqlite3_busy_timeout(db, 0);
	if (rc == SQLITE_OK && sqlite3_db_readonly(db, "main"))
		rc = SQLITE_READONLY; /* SQLite fell back to read-only: the file is not ours to write */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_close(db);
	return rc;
}

tm_rc tm_store_file_open(tm_store *st, const char *path, int flags, tm_err *err)
{
	struct stat sb;
	if ((!(flags & TM_STORE_CREATE) || (flags & TM_STORE_READONLY)) && stat(path, &sb) != 0 && errno == ENOENT)
		return tm_fail(err, TM_ERR_NOTFOUND, "no database at '%s'", path);
	int rc = connect(path, flags, &st->db);
	if (needs_recovery(rc)) {
		sqlite3_close(st->db);
		st->db = NULL;
		if (recover(path, 1) != SQLITE_OK)
			return tm_fail(err, TM_ERR_IO,
				       "'%s': an interrupted write needs recovery, which needs write access to the file"
				       " and its folder: run 'tiemap recover' as a user who has it",
				       path);
		rc = connect(path, flags, &st->db);
	}
	if (rc == SQLITE_READONLY_DIRECTORY) {
		sqlite3_close(st->db);
		st->db = NULL;
		return tm_fail(err, TM_ERR_IO,
			       "unable to open '%s': its readers need write access to its folder, where a database in"
			       " WAL mode keeps the index they share ('%s-shm')",
			       path, path);
	}
	if (rc != SQLITE_OK) {
		tm_rc out = tm_fail(err, rc == SQLITE_NOMEM ? TM_ERR_INTERNAL : TM_ERR_IO, "unable to open '%s': %s", path,
				    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
		sqlite3_close(st->db);
		st->db = NULL;
		return out;
	}
	if (flags & TM_STORE_READONLY) {
		/* A killed write leaves its log as long as it got (an import's,
		 * the size of the data): give the space back when this process
		 * may, and no one is using the log (else they will). */
		tm_buf wal = TM_BUF_INIT;
		tm_buf_addf(&wal, "%s-wal", path);
		if (stat(wal.buf, &sb) == 0 && sb.st_size > WAL_KEEP_BYTES)
			recover(path, 0);
		tm_buf_release(&wal);
	} else {
		if (sqlite3_db_readonly(st->db, "main") == 1) {
			/* SQLite opens a file it may not write read-only, and the
			 * first write would fail with "attempt to write a readonly
			 * database": say why now */
			sqlite3_close(st->db);
			st->db = NULL;
			return tm_fail(err, TM_ERR_IO, "unable to write '%s': this user may not write it", path);
		}
		/* Kept as the file has it when this fails: another connection is
		 * reading a rollback-mode file (the next writer switches it), or
		 * the file is in memory. */
		sqlite3_exec(st->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
		sqlite3_exec(st->db, "PRAGMA journal_size_limit=" WAL_KEEP, NULL, NULL, NULL);
	}
	return TM_OK;
}

void tm_store_file_settle(tm_store *st)
{
	/* the first read plays back a journal left hot by a failed commit */
	sqlite3_exec(st->db, "PRAGMA schema_version", NULL, NULL, NULL);
	/* Readers of the log keep it whole; this does not wait for them (their
	 * last one, or the next write, cuts the log back instead). */
	sqlite3_busy_timeout(st->db, 0);
	sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	sqlite3_busy_timeout(st->db, 5000);
}

tm_rc tm_store_rewrite(tm_store *st, int *complete, tm_err *err)
{
	*complete = 0;
	/* the copy VACUUM makes goes to a temporary file, not to memory (a
	 * large database would not fit) */
	if (sqlite3_exec(st->db, "PRAGMA temp_store=FILE", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(st->db, "VACUUM", NULL, NULL, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "rewriting the database");
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "checkpointing the log");
	/* one row: busy (1 when a reader kept it from finishing), frames in
	 * the log, frames moved (-1 and -1 out of WAL mode) */
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW)
		*complete = sqlite3_column_int(s, 0) == 0;
	sqlite3_finalize(s);
	return step == SQLITE_ROW ? TM_OK : tm_store_db_fail(st, err, "checkpointing the log");
}

/* The integrity check's rows, to the caller's function. */
struct problems {
	int (*fn)(void *ctx, const char *problem);
	void *ctx;
	size_t n;
};

static int problem_row(void *p, sqlite3_stmt *s)
{
	struct problems *c = p;
	const char *t = (const char *)sqlite3_column_text(s, 0);
	if (t && strcmp(t, "ok") == 0)
		return 0;
	c->n++;
	return c->fn ? c->fn(c->ctx, t ? t : "?") != 0 : 0;
}

tm_rc tm_store_recover(tm_store *st, int (*fn)(void *ctx, const char *problem), void *ctx, size_t *problems,
		       tm_err *err)
{
	struct problems c = { fn, ctx, 0 };
	*problems = 0;
	if (!sqlite3_db_readonly(st->db, "main") && sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL,
								 NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "checkpointing the log");
	tm_rc rc = tm_store_each_row(st, "PRAGMA integrity_check", NULL, problem_row, &c, err);
	int code = sqlite3_errcode(st->db);
	if (rc == TM_ERR_DB && (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)) {
		/* damage the check could not read past is one more problem */
		c.n++;
		if (fn)
			fn(ctx, sqlite3_errmsg(st->db));
		rc = TM_OK;
	}
	*problems = c.n;
	return rc;
}

/* ---- caches ---- */

/* A stamp of the database file (device, inode, size, modification time to
 * the nanosecond) at the store's data and schema versions: a write changes
 * the version, a new database at the same path the file. */
static int file_stamp(tm_store *st, const char *db_path, uint64_t *out)
{
	struct stat sb;
	if (stat(db_path, &sb) != 0)
		return -1;
	uint64_t parts[] = { (uint64_t)sb.st_dev, (uint64_t)sb.st_ino, (uint64_t)sb.st_size,
			     (uint64_t)sb.st_mtim.tv_sec, (uint64_t)sb.st_mtim.tv_nsec,
			     (uint64_t)tm_store_data_version(st), (uint64_t)tm_store_schema_version() };
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		h = (h ^ parts[i]) * 1099511628211ULL;
		h ^= h >> 32;
	}
	*out = h;
	return 0;
}

char *tm_store_beside(tm_store *st, const char *name)
{
	const char *db = sqlite3_db_filename(st->db, "main");
	if (!db || !*db)
		return NULL;
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%s.%s", db, name);
	return tm_buf_detach(&b);
}

tm_rc tm_store_cache(tm_store *st, const char *name, char **path, uint64_t *stamp, tm_err *err)
{
	*path = tm_store_beside(st, name);
	if (!*path)
		return tm_fail(err, TM_ERR_NOTFOUND, "a database in memory keeps no '%s' cache", name);
	const char *db = sqlite3_db_filename(st->db, "main");
	if (file_stamp(st, db, stamp) != 0) {
		free(*path);
		*path = NULL;
		return tm_fail(err, TM_ERR_IO, "unable to read '%s': %s", db, strerror(errno));
	}
	return TM_OK;
}
