/*
 * What makes a large write fast (store_internal.h): row ids remembered
 * within a transaction, the match keys of names made ahead of time (by the
 * caller, on other threads) and written in key order at the commit, indexes
 * of an empty database built by sorting once the rows are in, and a larger
 * FTS5 buffer.
 *
 * A million entities bring 6.6 million match keys.  Written one by one as
 * each name is stored, they land all over a B-tree larger than the page
 * cache, and every insert is a random page visit; sorted first, they are
 * appended, 64 rows a statement.  Likewise relations_object: four million
 * random inserts, or one sort at the end.
 */

#include "store/store_internal.h"
#include "text/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- an arena of strings that live as long as their owner ---- */

#define ARENA_CHUNK (1u << 20)

static void arena_release(tm_arena *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->chunks[i]);
	free(a->chunks);
	memset(a, 0, sizeof(*a));
}

static const char *arena_strdup(tm_arena *a, const char *s, size_t len)
{
	if (len + 1 > a->left) {
		size_t size = len + 1 > ARENA_CHUNK ? len + 1 : ARENA_CHUNK;
		TM_GROW(a->chunks, a->cap, a->n + 1);
		a->chunks[a->n++] = a->at = tm_xmalloc(size);
		a->left = size;
	}
	char *p = a->at;
	memcpy(p, s, len);
	p[len] = '\0';
	a->at += len + 1;
	a->left -= len + 1;
	return p;
}

/* ---- slug → row id ---- */

void tm_rowmap_release(tm_rowmap *m)
{
	free(m->slot);
	arena_release(&m->arena);
	memset(m, 0, sizeof(*m));
}

static tm_rowslot *rowmap_find(const tm_rowmap *m, const char *slug, uint64_t h)
{
	size_t i = (size_t)h & m->mask;
	while (m->slot[i].slug && (m->slot[i].hash != h || strcmp(m->slot[i].slug, slug) != 0))
		i = (i + 1) & m->mask;
	return &m->slot[i];
}

int64_t tm_rowmap_get(const tm_rowmap *m, const char *slug)
{
	if (!m->n)
		return 0;
	size_t len = strlen(slug);
	tm_rowslot *s = rowmap_find(m, slug, tm_hash(slug, len));
	return s->slug ? s->row : 0;
}

void tm_rowmap_put(tm_rowmap *m, const char *slug, int64_t row)
{
	if (2 * (m->n + 1) > m->mask + 1 || !m->slot) {
		size_t size = m->slot ? 2 * (m->mask + 1) : 1024;
		tm_rowslot *old = m->slot;
		size_t old_size = m->slot ? m->mask + 1 : 0;
		m->slot = tm_xcalloc(size, sizeof(*m->slot));
		m->mask = size - 1;
		for (size_t i = 0; i < old_size; i++)
			if (old[i].slug)
				*rowmap_find(m, old[i].slug, old[i].hash) = old[i];
		free(old);
	}
	size_t len = strlen(slug);
	uint64_t h = tm_hash(slug, len);
	tm_rowslot *s = rowmap_find(m, slug, h);
	if (!s->slug) {
		s->slug = arena_strdup(&m->arena, slug, len);
		s->hash = h;
		m->n++;
	}
	s->row = row;
}

/* ---- the match keys of an entity's names ---- */

void tm_name_index_release(tm_name_index *ix)
{
	for (size_t i = 0; i < ix->n; i++)
		free(ix->v[i].text);
	free(ix->v);
	memset(ix, 0, sizeof(*ix));
}

tm_rc tm_name_index_make(const tm_entity *ent, tm_name_index *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	out->v = tm_xcalloc(ent->n_names ? ent->n_names : 1, sizeof(*out->v));
	for (size_t i = 0; i < ent->n_names; i++) {
		tm_name_keys k;
		tm_rc rc = tm_text_name_keys(ent->names[i].text, strlen(ent->names[i].text), &k, err);
		if (rc) {
			tm_name_index_release(out);
			return rc;
		}
		char *compact_bare = tm_text_compact(k.bare);
		char *compact_norm = tm_text_compact(k.norm);
		char *compact_pinyin = tm_text_compact(k.pinyin);
		const char *keys[] = { k.norm, k.bare, k.pinyin, compact_bare, compact_norm, compact_pinyin };
		/* one block: tokens, pinyin, pairs, then each distinct non-empty key */
		tm_buf b = TM_BUF_INIT;
		tm_buf_add(&b, k.tokens, strlen(k.tokens) + 1);
		tm_buf_add(&b, k.pinyin, strlen(k.pinyin) + 1);
		tm_buf_add(&b, k.pairs, strlen(k.pairs) + 1);
		int n_keys = 0;
		for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]); j++) {
			if (!keys[j][0])
				continue;
			/* a key equal to an earlier one (the pinyin of a Latin name is
			 * its bare form) would only be ignored by the insert */
			size_t d = 0;
			while (d < j && strcmp(keys[d], keys[j]) != 0)
				d++;
			if (d < j)
				continue;
			tm_buf_add(&b, keys[j], strlen(keys[j]) + 1);
			n_keys++;
		}
		out->v[i].text = tm_buf_detach(&b);
		out->v[i].n_keys = n_keys;
		free(compact_bare);
		free(compact_norm);
		free(compact_pinyin);
		tm_name_keys_release(&k);
		out->n++;
	}
	return TM_OK;
}

const char *tm_name_index_key(const tm_name_index *ix, size_t name, int k)
{
	const char *p = ix->v[name].text;
	p += strlen(p) + 1; /* tokens */
	p += strlen(p) + 1; /* pinyin */
	p += strlen(p) + 1; /* pairs */
	for (int i = 0; i < k; i++)
		p += strlen(p) + 1;
	return p;
}

/* ---- bulk transactions ---- */

/* Indexes whose rows arrive in random order during an import, so that each
 * insert visits a random page: dropped before the first row of a bulk
 * transaction into an empty database, and built again by CREATE INDEX (a
 * sort) at the commit.  name_keys_entity is in random order once the keys
 * are written in key order.  The other indexes grow at their end as entities
 * and relations arrive.  Only an entity written twice in the transaction is
 * looked for without its index (name_keys_entity): correct, and slow. */
static const char *const bulk_indexes[] = { "relations_object", "identifiers_value", "name_keys_entity" };

/* Rows written by one statement: running a statement costs about as much
 * as the row it writes (cursors opened and closed, the program started and
 * halted), so bulk rows go ROWS_PER_INSERT at a time. */
#define ROWS_PER_INSERT 64

/* "head VALUES(?,…),(?,…)…": rows rows of cols values. */
static tm_rc prepare_rows(tm_store *st, const char *head, int cols, int rows, sqlite3_stmt **out, tm_err *err)
{
	tm_buf sql = TM_BUF_INIT;
	tm_buf_adds(&sql, head);
	tm_buf_adds(&sql, " VALUES");
	for (int r = 0; r < rows; r++) {
		tm_buf_adds(&sql, r ? ",(" : "(");
		for (int c = 0; c < cols; c++)
			tm_buf_adds(&sql, c ? ",?" : "?");
		tm_buf_addch(&sql, ')');
	}
	int ok = sqlite3_prepare_v2(st->db, sql.buf, (int)sql.len, out, NULL) == SQLITE_OK;
	tm_buf_release(&sql);
	return ok ? TM_OK : tm_store_db_fail(st, err, "preparing bulk insert");
}

struct tm_bulk_key {
	uint64_t prefix;  /* the first 8 bytes of key, big-endian: most comparisons end here */
	const char *key;  /* in tm_bulk.keys */
	int64_t name;     /* names row */
	int64_t entity;   /* entities row */
};

struct tm_bulk {
	struct tm_bulk_key *v; /* match keys not yet written */
	size_t n, cap;
	tm_arena keys;         /* their text */
	char *index_sql[sizeof(bulk_indexes) / sizeof(bulk_indexes[0])]; /* dropped: CREATE INDEX to run at commit */
	int64_t first_entity;  /* entity rows from this one on were inserted in this transaction */
	int no_entities, no_sources; /* those tables were empty at the start */
	int empty;             /* so were entities and relations: indexes may be dropped */
	int dropped;           /* and were, by tm_store_bulk_prepare() */
	int fts_set;           /* names_fts's 'hashsize' was raised */
	int64_t fts_hashsize;  /* its own value before, or -1 */
};

static uint64_t key_prefix(const char *k)
{
	uint64_t p = 0;
	int ended = 0;
	for (int i = 0; i < 8; i++) {
		unsigned char c = ended ? 0 : (unsigned char)k[i];
		ended = !c;
		p = (p << 8) | c;
	}
	return p;
}

/* The order of name_keys' primary key: the key's bytes (SQLite's BINARY,
 * which for UTF-8 without NUL is strcmp's), then the name row. */
static int bulk_key_cmp(const struct tm_bulk_key *a, const struct tm_bulk_key *b)
{
	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	/* the same first 8 bytes: a key shorter than 8 ended inside them, and
	 * so did the other, equal to it */
	int c = (a->prefix & 0xff) ? strcmp(a->key + 8, b->key + 8) : 0;
	if (c)
		return c;
	return a->name < b->name ? -1 : a->name > b->name;
}

static void bulk_key_swap(struct tm_bulk_key *a, struct tm_bulk_key *b)
{
	struct tm_bulk_key t = *a;
	*a = *b;
	*b = t;
}

/* Quicksort in place (the array is hundreds of megabytes; qsort() would copy
 * it), median of three, insertion sort for short runs, recursing into the
 * smaller side so that the stack stays shallow. */
static void bulk_sort(struct tm_bulk_key *v, size_t n)
{
	while (n > 16) {
		size_t mid = n / 2;
		if (bulk_key_cmp(&v[mid], &v[0]) < 0)
			bulk_key_swap(&v[mid], &v[0]);
		if (bulk_key_cmp(&v[n - 1], &v[0]) < 0)
			bulk_key_swap(&v[n - 1], &v[0]);
		if (bulk_key_cmp(&v[n - 1], &v[mid]) < 0)
			bulk_key_swap(&v[n - 1], &v[mid]);
		struct tm_bulk_key pivot = v[mid];
		size_t i = 0, j = n - 1;
		for (;;) {
			while (bulk_key_cmp(&v[i], &pivot) < 0)
				i++;
			while (bulk_key_cmp(&pivot, &v[j]) < 0)
				j--;
			if (i >= j)
				break;
			bulk_key_swap(&v[i], &v[j]);
			i++;
			j--;
		}
		/* v[0..j] <= pivot <= v[j+1..n) */
		size_t left = j + 1;
		if (left < n - left) {
			bulk_sort(v, left);
			v += left;
			n -= left;
		} else {
			bulk_sort(v + left, n - left);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && bulk_key_cmp(&v[j], &v[j - 1]) < 0; j--)
			bulk_key_swap(&v[j], &v[j - 1]);
}

/* Write the match keys kept so far, in key order. */
static tm_rc bulk_flush_keys(tm_store *st, tm_err *err)
{
	struct tm_bulk *b = st->bulk;
	bulk_sort(b->v, b->n);
	sqlite3_stmt *many;
	tm_rc rc = prepare_rows(st, "INSERT OR IGNORE INTO name_keys(key,name,entity)", 3, ROWS_PER_INSERT, &many, err);
	size_t i = 0;
	for (; !rc && i + ROWS_PER_INSERT <= b->n; i += ROWS_PER_INSERT) {
		sqlite3_reset(many);
		for (int r = 0; r < ROWS_PER_INSERT; r++) {
			const struct tm_bulk_key *k = &b->v[i + (size_t)r];
			sqlite3_bind_text(many, 3 * r + 1, k->key, -1, SQLITE_STATIC);
			sqlite3_bind_int64(many, 3 * r + 2, k->name);
			sqlite3_bind_int64(many, 3 * r + 3, k->entity);
		}
		rc = tm_store_step_done(st, many, err, "writing name keys");
	}
	sqlite3_finalize(many);
	for (; !rc && i < b->n; i++) {
		sqlite3_stmt *s = tm_store_stmt(st, S_NAMEKEY_INS);
		tm_store_bind_text(s, 1, b->v[i].key);
		sqlite3_bind_int64(s, 2, b->v[i].name);
		sqlite3_bind_int64(s, 3, b->v[i].entity);
		rc = tm_store_step_done(st, s, err, "writing name key");
	}
	free(b->v);
	b->v = NULL;
	b->n = b->cap = 0;
	arena_release(&b->keys);
	return rc;
}

static void bulk_free(tm_store *st)
{
	struct tm_bulk *b = st->bulk;
	if (!b)
		return;
	free(b->v);
	arena_release(&b->keys);
	for (size_t i = 0; i < sizeof(b->index_sql) / sizeof(b->index_sql[0]); i++)
		free(b->index_sql[i]);
	free(b);
	st->bulk = NULL;
}

/* The number sql answers, or -1 when it answers no row.  With a sticky
 * *rc, as FTS5's builders take one: nothing is done once it is set, so a
 * run of them is checked once at its end. */
static int64_t scalar(tm_store *st, const char *sql, tm_rc *rc, tm_err *err)
{
	sqlite3_stmt *s = NULL;
	int64_t v = -1;
	if (*rc)
		return v;
	int step = SQLITE_ERROR;
	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK && (step = sqlite3_step(s)) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else if (step != SQLITE_DONE)
		*rc = tm_store_db_fail(st, err, "preparing a bulk write");
	sqlite3_finalize(s);
	return v;
}

tm_rc tm_store_begin_bulk(tm_store *st, tm_err *err)
{
	tm_rc rc = tm_store_begin(st, err);
	if (rc)
		return rc;
	struct tm_bulk *b = tm_xcalloc(1, sizeof(*b));
	st->bulk = b;
	b->first_entity = scalar(st, "SELECT coalesce(max(id),0)+1 FROM entities", &rc, err);
	b->no_entities = b->first_entity == 1;
	b->no_sources = scalar(st, "SELECT NOT EXISTS(SELECT 1 FROM sources)", &rc, err) == 1;
	/* only into an empty database: rebuilding an index costs all its rows,
	 * and an entity replaced would be looked for without it */
	b->empty = b->no_entities && scalar(st, "SELECT NOT EXISTS(SELECT 1 FROM relations)", &rc, err) == 1;
	if (rc)
		tm_store_rollback(st);
	return rc;
}

/* FTS5 writes what it has gathered as a new segment each time it holds
 * more than `hashsize` bytes (1 MB by default), and merges the segments as
 * they pile up: a million names make thousands of segments, and merging
 * them is a third of the cost of indexing.  A larger buffer for the bulk
 * transaction makes fewer, larger segments. */
#define FTS_BULK_HASHSIZE (64 << 20)
#define FTS_DEFAULT_HASHSIZE (1 << 20)

tm_rc tm_store_bulk_prepare(tm_store *st, int names, tm_err *err)
{
	struct tm_bulk *b = st->bulk;
	if (!b)
		return TM_OK;
	/* done at the first row written, not at the start: a bulk transaction
	 * that writes nothing (the same file again) leaves the file as it was */
	char sql[128];
	tm_rc rc = TM_OK;
	if (names && !b->fts_set) {
		b->fts_set = 1;
		b->fts_hashsize = scalar(st, "SELECT v FROM names_fts_config WHERE k='hashsize'", &rc, err);
		snprintf(sql, sizeof(sql), "INSERT INTO names_fts(names_fts, rank) VALUES('hashsize', %d)",
			 FTS_BULK_HASHSIZE);
		if (!rc)
			rc = tm_store_exec(st, sql, err);
	}
	if (!b->empty || b->dropped)
		return rc;
	b->dropped = 1;
	for (size_t i = 0; i < sizeof(bulk_indexes) / sizeof(bulk_indexes[0]) && !rc; i++) {
		sqlite3_stmt *s;
		if (sqlite3_prepare_v2(st->db, "SELECT sql FROM sqlite_schema WHERE type='index' AND name=?", -1, &s,
				       NULL) != SQLITE_OK)
			return tm_store_db_fail(st, err, "reading schema");
		sqlite3_bind_text(s, 1, bulk_indexes[i], -1, SQLITE_STATIC);
		int step = sqlite3_step(s);
		if (step == SQLITE_ROW)
			b->index_sql[i] = tm_store_col_dup(s, 0);
		else if (step != SQLITE_DONE)
			rc = tm_store_db_fail(st, err, "reading schema");
		sqlite3_finalize(s);
		if (rc)
			break;
		if (!b->index_sql[i])
			continue;
		snprintf(sql, sizeof(sql), "DROP INDEX %s", bulk_indexes[i]);
		rc = tm_store_exec(st, sql, err);
	}
	return rc;
}

int tm_store_bulk_rows_all_seen(const tm_store *st, enum tm_stmt_id id)
{
	if (!st->bulk)
		return 0;
	return id == S_ENTITY_ID ? st->bulk->no_entities : id == S_SOURCE_ID ? st->bulk->no_sources : 0;
}

int tm_store_bulk_keep_keys(tm_store *st, int64_t entity, int64_t name, const char *key)
{
	struct tm_bulk *b = st->bulk;
	if (!b)
		return 0;
	TM_GROW(b->v, b->cap, b->n + 1);
	struct tm_bulk_key *k = &b->v[b->n++];
	k->key = arena_strdup(&b->keys, key, strlen(key));
	k->prefix = key_prefix(key);
	k->name = name;
	k->entity = entity;
	return 1;
}

tm_rc tm_store_bulk_replacing(tm_store *st, int64_t entity, tm_err *err)
{
	/* the kept keys of an entity inserted in this transaction would outlive
	 * its replacement: write them now, so that the delete finds them */
	if (st->bulk && entity >= st->bulk->first_entity && st->bulk->n)
		return bulk_flush_keys(st, err);
	return TM_OK;
}

tm_rc tm_store_bulk_finish(tm_store *st, tm_err *err)
{
	struct tm_bulk *b = st->bulk;
	if (!b)
		return TM_OK;
	tm_rc rc = b->n ? bulk_flush_keys(st, err) : TM_OK;
	for (size_t i = 0; i < sizeof(b->index_sql) / sizeof(b->index_sql[0]) && !rc; i++)
		if (b->index_sql[i])
			rc = tm_store_exec(st, b->index_sql[i], err);
	/* back to what the table had (FTS5 keeps the setting as a row of
	 * names_fts_config, and writes it even for the default) */
	if (!rc && b->fts_set) {
		char sql[128];
		snprintf(sql, sizeof(sql), "INSERT INTO names_fts(names_fts, rank) VALUES('hashsize', %lld)",
			 (long long)(b->fts_hashsize > 0 ? b->fts_hashsize : FTS_DEFAULT_HASHSIZE));
		rc = tm_store_exec(st, sql, err);
	}
	return rc;
}

void tm_store_bulk_end(tm_store *st)
{
	bulk_free(st);
}
