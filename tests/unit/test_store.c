/*
 * The store's contract: records round-trip, a put replaces whole, an
 * unchanged put changes nothing, rollback leaves nothing, migrations refuse
 * a newer schema, names resolve or report ambiguity; a bulk transaction
 * leaves the same data and schema as a plain one, into an empty database or
 * not, and its rollback leaves the file as it was.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/store.h"
#include "text/text.h"

static tm_store *open_mem(void)
{
	tm_store *st;
	tm_err err = { 0 };
	assert_int_equal(tm_store_open(":memory:", TM_STORE_CREATE, &st, &err), TM_OK);
	return st;
}

static void put_source(tm_store *st, const char *id)
{
	tm_source s = { 0 };
	s.id = (char *)id;
	s.title = (char *)"A title";
	assert_int_equal(tm_store_put_source(st, &s, NULL), TM_OK);
}

static void make_entity(tm_entity *e, const char *id, const char *en, const char *zh)
{
	memset(e, 0, sizeof(*e));
	e->id = tm_xstrdup(id);
	e->kind = tm_xstrdup("company");
	e->country = tm_xstrdup("CN");
	tm_entity_add_name(e, en, "en", 1);
	if (zh)
		tm_entity_add_name(e, zh, "zh-Hans", 1);
	tm_strv_push(&e->tags, "surveillance");
	tm_entity_add_ident(e, "isin", "CNE100000PM8");
	tm_cites_push(&e->cites, "s1", "a quote", NULL);
}

static void test_entity_round_trip(void **state)
{
	(void)state;
	tm_store *st = open_mem();
	tm_entity e, got;
	assert_int_equal(tm_store_begin(st, NULL), TM_OK);
	put_source(st, "s1");
	make_entity(&e, "hikvision", "Hikvision", "海康威视");
	assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
	assert_int_equal(tm_store_commit(st, NULL), TM_OK);
	assert_int_equal(tm_store_get_entity(st, "hikvision", &got, NULL), TM_OK);
	assert_string_equal(got.kind, "company");
	assert_int_equal(got.n_names, 2);
	assert_string_equal(got.names[1].text, "海康威视");
	assert_string_equal(got.names[1].lang, "zh-Hans");
	assert_int_equal(got.tags.n, 1);
	assert_string_equal(got.idents[0].value, "CNE100000PM8");
	assert_int_equal(got.cites.n, 1);
	assert_string_equal(got.cites.v[0].quote, "a quote");
	assert_null(got.cites.v[0].page);
	tm_entity_release(&got);
	tm_entity_release(&e);
	tm_err err = { 0 };
	assert_int_equal(tm_store_get_entity(st, "nobody", &got, &err), TM_ERR_NOTFOUND);
	assert_non_null(strstr(err.msg, "nobody"));
	tm_store_close(st);
}

static void test_put_replaces_whole_and_unchanged_is_noop(void **state)
{
	(void)state;
	tm_store *st = open_mem();
	tm_entity e, got;
	tm_store_begin(st, NULL);
	put_source(st, "s1");
	make_entity(&e, "acme", "Acme", "阿克米");
	tm_store_put_entity(st, &e, NULL);
	tm_store_commit(st, NULL);
	int64_t v1 = tm_store_data_version(st);

	/* the same record again: nothing changes, not even the version */
	tm_store_begin(st, NULL);
	tm_store_put_entity(st, &e, NULL);
	tm_store_commit(st, NULL);
	assert_int_equal(tm_store_data_version(st), v1);

	/* one name fewer: the stored names are replaced, and the old name no longer finds it */
	tm_entity_release(&e);
	make_entity(&e, "acme", "Acme", NULL);
	tm_store_begin(st, NULL);
	tm_store_put_entity(st, &e, NULL);
	tm_store_commit(st, NULL);
	assert_true(tm_store_data_version(st) > v1);
	assert_int_equal(tm_store_get_entity(st, "acme", &got, NULL), TM_OK);
	assert_int_equal(got.n_names, 1);
	tm_entity_release(&got);
	tm_hits hits;
	assert_int_equal(tm_store_search(st, "阿克米", 10, &hits, NULL), TM_OK);
	assert_int_equal(hits.n, 0);
	tm_hits_release(&hits);
	tm_entity_release(&e);
	tm_store_close(st);
}

static void test_rollback_leaves_nothing(void **state)
{
	(void)state;
	tm_store *st = open_mem();
	tm_entity e;
	tm_store_begin(st, NULL);
	put_source(st, "s1");
	make_entity(&e, "gone", "Gone Ltd", NULL);
	tm_store_put_entity(st, &e, NULL);
	tm_store_rollback(st);
	assert_false(tm_store_has_entity(st, "gone"));
	assert_false(tm_store_has_source(st, "s1"));
	tm_hits hits;
	tm_store_search(st, "gone", 10, &hits, NULL);
	assert_int_equal(hits.n, 0);
	tm_hits_release(&hits);
	tm_entity_release(&e);
	tm_store_close(st);
}

static void test_relation_identity(void **state)
{
	(void)state;
	tm_store *st = open_mem();
	tm_entity a, b;
	tm_store_begin(st, NULL);
	put_source(st, "s1");
	make_entity(&a, "a", "Alpha", NULL);
	make_entity(&b, "b", "Beta", NULL);
	tm_store_put_entity(st, &a, NULL);
	tm_store_put_entity(st, &b, NULL);
	tm_relation r = { 0 };
	r.subject = (char *)"a";
	r.predicate = (char *)"acquired";
	r.object = (char *)"b";
	memcpy(r.start, "2016", 5);
	r.has_amount = 1;
	r.amount = 42000000;
	r.currency = (char *)"USD";
	tm_cites_push(&r.cites, "s1", NULL, NULL);
	assert_int_equal(tm_store_put_relation(st, &r, NULL), TM_OK);
	/* same key, new amount: an update, not a second relation */
	r.amount = 43000000;
	assert_int_equal(tm_store_put_relation(st, &r, NULL), TM_OK);
	/* another start: another relation */
	memcpy(r.start, "2017", 5);
	assert_int_equal(tm_store_put_relation(st, &r, NULL), TM_OK);
	/* an unknown end is refused */
	r.object = (char *)"nobody";
	assert_int_equal(tm_store_put_relation(st, &r, NULL), TM_ERR_NOTFOUND);
	tm_store_commit(st, NULL);
	tm_counts c;
	tm_store_counts(st, &c, NULL);
	assert_int_equal(c.relations, 2);
	tm_relation got;
	assert_int_equal(tm_store_get_relation(st, 1, &got, NULL), TM_OK);
	assert_true(got.amount == 43000000);
	assert_string_equal(got.currency, "USD");
	tm_relation_release(&got);
	tm_cites_release(&r.cites);
	tm_entity_release(&a);
	tm_entity_release(&b);
	tm_store_close(st);
}

static void test_resolve(void **state)
{
	(void)state;
	tm_store *st = open_mem();
	tm_entity e;
	tm_store_begin(st, NULL);
	put_source(st, "s1");
	make_entity(&e, "acme-1", "Acme", NULL);
	tm_store_put_entity(st, &e, NULL);
	tm_entity_release(&e);
	make_entity(&e, "acme-2", "Acme", NULL);
	tm_store_put_entity(st, &e, NULL);
	tm_entity_release(&e);
	make_entity(&e, "huawei", "Huawei", "华为");
	tm_store_put_entity(st, &e, NULL);
	tm_entity_release(&e);
	tm_store_commit(st, NULL);

	char *id;
	tm_hits cands;
	assert_int_equal(tm_store_resolve(st, "华为", &id, &cands, NULL), TM_OK);
	assert_string_equal(id, "huawei");
	free(id);
	assert_int_equal(tm_store_resolve(st, "acme", &id, &cands, NULL), TM_ERR_AMBIGUOUS);
	assert_null(id);
	assert_int_equal(cands.n, 2);
	tm_hits_release(&cands);
	assert_int_equal(tm_store_resolve(st, "acme-2", &id, NULL, NULL), TM_OK);
	assert_string_equal(id, "acme-2");
	free(id);
	assert_int_equal(tm_store_resolve(st, "nothing like it", &id, NULL, NULL), TM_ERR_NOTFOUND);
	tm_store_close(st);
}

static void test_newer_schema_refused(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version=99", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	tm_store *st;
	tm_err err = { 0 };
	assert_int_not_equal(tm_store_open(path, 0, &st, &err), TM_OK);
	assert_non_null(strstr(err.msg, "newer"));
	/* an empty file migrates to the current version */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_exec(db, "PRAGMA user_version=0", NULL, NULL, NULL);
	sqlite3_close(db);
	assert_int_equal(tm_store_open(path, 0, &st, &err), TM_OK);
	tm_store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), tm_store_schema_version());
	sqlite3_finalize(s);
	sqlite3_close(db);
	unlink(path);
}

/* A file database for the bulk tests: they look at the schema and bytes. */
static tm_store *open_file(char *path)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	tm_store *st;
	assert_int_equal(tm_store_open(path, TM_STORE_CREATE, &st, NULL), TM_OK);
	return st;
}

/* The index definitions of the file at path, one string. */
static char *index_sql(const char *path)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_schema"
					    " WHERE type='index' AND sql IS NOT NULL ORDER BY name)", -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	char *out = tm_xstrdup((const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(db);
	return out;
}

static char *file_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	tm_buf b = TM_BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		tm_buf_add(&b, chunk, n);
	fclose(f);
	*len = b.len;
	return tm_buf_detach(&b);
}

static void put_relation(tm_store *st, const char *s, const char *p, const char *o)
{
	tm_relation r = { 0 };
	r.subject = (char *)s;
	r.predicate = (char *)p;
	r.object = (char *)o;
	tm_cites_push(&r.cites, "s1", NULL, NULL);
	assert_int_equal(tm_store_put_relation(st, &r, NULL), TM_OK);
	tm_cites_release(&r.cites);
}

static size_t hits_for(tm_store *st, const char *q, const char *want)
{
	tm_hits hits;
	assert_int_equal(tm_store_search(st, q, 10, &hits, NULL), TM_OK);
	size_t n = 0;
	for (size_t i = 0; i < hits.n; i++)
		n += strcmp(hits.v[i].id, want) == 0;
	tm_hits_release(&hits);
	return n;
}

static void test_bulk_into_empty_database(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-bulk-XXXXXX";
	tm_store *st = open_file(path);
	char *schema = index_sql(path);
	tm_entity e;
	assert_int_equal(tm_store_begin_bulk(st, NULL), TM_OK);
	put_source(st, "s1");
	make_entity(&e, "huawei", "Huawei Technologies Co., Ltd.", "华为技术有限公司");
	assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
	tm_entity_release(&e);
	make_entity(&e, "acme", "Alpha Works", NULL);
	assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
	tm_entity_release(&e);
	/* the same entity again within the transaction: its kept keys go too */
	make_entity(&e, "acme", "Omega Works", NULL);
	assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
	tm_entity_release(&e);
	put_relation(st, "huawei", "owns", "acme");
	assert_true(tm_store_has_entity(st, "acme"));
	assert_int_equal(tm_store_commit(st, NULL), TM_OK);

	/* the keys written at the commit find the names, and only the current ones */
	assert_int_equal(hits_for(st, "华为", "huawei"), 1);
	assert_int_equal(hits_for(st, "Huawei Technologies", "huawei"), 1);
	assert_int_equal(hits_for(st, "Omega Works", "acme"), 1);
	assert_int_equal(hits_for(st, "Alpha Works", "acme"), 0);
	tm_counts c;
	assert_int_equal(tm_store_counts(st, &c, NULL), TM_OK);
	assert_int_equal(c.entities, 2);
	assert_int_equal(c.relations, 1);
	tm_store_close(st);
	/* the indexes dropped for the load are back, as the schema has them */
	char *after = index_sql(path);
	assert_string_equal(after, schema);
	free(after);
	free(schema);
	unlink(path);
}

static void test_bulk_rollback_leaves_the_file(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-bulk-XXXXXX";
	tm_store *st = open_file(path);
	size_t len0, len1;
	char *before = file_bytes(path, &len0);
	tm_entity e;
	assert_int_equal(tm_store_begin_bulk(st, NULL), TM_OK);
	put_source(st, "s1");
	for (int i = 0; i < 200; i++) {
		char id[32], name[64];
		snprintf(id, sizeof(id), "e%d", i);
		snprintf(name, sizeof(name), "Entity Number %d", i);
		make_entity(&e, id, name, NULL);
		assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
		tm_entity_release(&e);
	}
	put_relation(st, "e1", "owns", "e2");
	tm_store_rollback(st);
	assert_false(tm_store_has_entity(st, "e1"));
	assert_int_equal(hits_for(st, "Entity Number 1", "e1"), 0);
	tm_store_close(st);
	char *after = file_bytes(path, &len1);
	assert_int_equal(len0, len1);
	assert_memory_equal(before, after, len0);
	free(before);
	free(after);
	unlink(path);
}

static void test_bulk_into_a_database_with_data(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-bulk-XXXXXX";
	tm_store *st = open_file(path);
	char *schema = index_sql(path);
	tm_entity e;
	tm_store_begin(st, NULL);
	put_source(st, "s1");
	make_entity(&e, "old", "Oldco Holdings", NULL);
	tm_store_put_entity(st, &e, NULL);
	tm_entity_release(&e);
	assert_int_equal(tm_store_commit(st, NULL), TM_OK);
	int64_t v1 = tm_store_data_version(st);

	/* the stored record again: nothing changes, not even the version */
	assert_int_equal(tm_store_begin_bulk(st, NULL), TM_OK);
	make_entity(&e, "old", "Oldco Holdings", NULL);
	assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
	tm_entity_release(&e);
	assert_int_equal(tm_store_commit(st, NULL), TM_OK);
	assert_int_equal(tm_store_data_version(st), v1);

	/* a replacement and a newcomer that refers to it */
	assert_int_equal(tm_store_begin_bulk(st, NULL), TM_OK);
	make_entity(&e, "old", "Renamed Holdings", NULL);
	assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
	tm_entity_release(&e);
	make_entity(&e, "new", "Newco", NULL);
	assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
	tm_entity_release(&e);
	put_relation(st, "new", "owns", "old");
	assert_int_equal(tm_store_commit(st, NULL), TM_OK);
	assert_true(tm_store_data_version(st) > v1);
	assert_int_equal(hits_for(st, "Renamed Holdings", "old"), 1);
	assert_int_equal(hits_for(st, "Oldco Holdings", "old"), 0);
	assert_int_equal(hits_for(st, "Newco", "new"), 1);
	tm_store_close(st);
	char *after = index_sql(path);
	assert_string_equal(after, schema);
	free(after);
	free(schema);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entity_round_trip),
		cmocka_unit_test(test_put_replaces_whole_and_unchanged_is_noop),
		cmocka_unit_test(test_rollback_leaves_nothing),
		cmocka_unit_test(test_relation_identity),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_bulk_into_empty_database),
		cmocka_unit_test(test_bulk_rollback_leaves_the_file),
		cmocka_unit_test(test_bulk_into_a_database_with_data),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	tm_text_shutdown();
	return failed;
}
