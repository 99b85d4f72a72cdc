/*
 * store: what each committed write touched (store.h, tm_store_track_touches()).
 *
 * Temporary triggers of the writer's own connection note the entity keys
 * that every write of an entity or relation touches in a temporary table;
 * the commit that moves data_version reads them out as one note with the
 * version it made.  Temporary objects live in this connection only, so
 * the schema does not change and a CLI import pays nothing; and the table
 * is written inside the transaction, so a rollback forgets what it noted.
 */
#include "store/store_internal.h"

#include <stdlib.h>
#include <string.h>

static const char touch_sql[] =
	"CREATE TEMP TABLE IF NOT EXISTS tm_touched(k INTEGER);"
	"CREATE TEMP TRIGGER IF NOT EXISTS tm_touch_ei AFTER INSERT ON main.entities"
	" BEGIN INSERT INTO tm_touched VALUES(NEW.id); END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS tm_touch_eu AFTER UPDATE ON main.entities"
	" BEGIN INSERT INTO tm_touched VALUES(OLD.id),(NEW.id); END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS tm_touch_ed AFTER DELETE ON main.entities"
	" BEGIN INSERT INTO tm_touched VALUES(OLD.id); END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS tm_touch_ri AFTER INSERT ON main.relations"
	" BEGIN INSERT INTO tm_touched VALUES(NEW.subject),(NEW.object); END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS tm_touch_ru AFTER UPDATE ON main.relations"
	" BEGIN INSERT INTO tm_touched VALUES(OLD.subject),(OLD.object),(NEW.subject),(NEW.object); END;"
	"CREATE TEMP TRIGGER IF NOT EXISTS tm_touch_rd AFTER DELETE ON main.relations"
	" BEGIN INSERT INTO tm_touched VALUES(OLD.subject),(OLD.object); END;";

tm_rc tm_store_track_touches(tm_store *st, tm_err *err)
{
	tm_rc rc = tm_store_exec(st, touch_sql, err);
	if (!rc)
		st->tracking = 1;
	return rc;
}

tm_rc tm_store_touch_commit(tm_store *st, tm_err *err)
{
	int64_t version = tm_store_data_version(st);
	if (version < 0)
		return tm_store_error(st, err);
	tm_touch t = { version, NULL, 0, 0 };
	size_t cap = 0;
	sqlite3_stmt *s;
	if (sqlite3_prepare_v2(st->db, "SELECT DISTINCT k FROM temp.tm_touched ORDER BY k", -1, &s, NULL) != SQLITE_OK)
		return tm_store_db_fail(st, err, "preparing query");
	int step;
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		if (t.n == TM_TOUCH_MAX) {
			t.all = 1; /* too many to be worth listing: the reader builds again */
			break;
		}
		TM_GROW(t.keys, cap, t.n + 1);
		t.keys[t.n++] = sqlite3_column_int64(s, 0);
	}
	sqlite3_finalize(s);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		free(t.keys);
		return tm_store_db_fail(st, err, "reading what the write touched");
	}
	tm_rc rc = tm_store_exec(st, "DELETE FROM temp.tm_touched", err);
	if (rc) {
		free(t.keys);
		return rc;
	}
	TM_GROW(st->touches, st->cap_touches, st->n_touches + 1);
	st->touches[st->n_touches++] = t;
	return TM_OK;
}

void tm_store_touch_undo(tm_store *st)
{
	if (st->n_touches)
		free(st->touches[--st->n_touches].keys);
}

size_t tm_store_take_touches(tm_store *st, tm_touch **out)
{
	size_t n = st->n_touches;
	*out = st->touches;
	st->touches = NULL;
	st->n_touches = st->cap_touches = 0;
	return n;
}

void tm_touches_release(tm_touch *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(t[i].keys);
	free(t);
}

void tm_store_touch_release(tm_store *st)
{
	tm_touches_release(st->touches, st->n_touches);
	st->touches = NULL;
	st->n_touches = st->cap_touches = 0;
}
