/*
 * The store's contract: records round-trip, a put replaces whole, an
 * unchanged put changes nothing, rollback leaves nothing, migrations refuse
 * a newer schema and upgrade an older one, names resolve or report
 * ambiguity, search finds runs of Chinese characters and words being typed;
 * a bulk transaction leaves the same data and schema as a plain one, into an
 * empty database or not, and its rollback leaves the file as it was.
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

#include "search/search.h"
#include "store/schema.sql.h"
#include "store/store_browse.h"
#include "store/store_history.h"
#include "store/store.h"
#include "text/text.h"

static tm_store *open_mem(void)
{
	tm_store *st;
	tm_err err = { 0 };
	assert_int_equal(tm_store_open(":memory:", TM_STORE_CREATE, &st, &err), TM_OK);
	return st;
}

/* 1 when the entity (source) is there; the look-up itself must not fail. */
static int has_entity(tm_store *st, const char *id)
{
	int found = -1;
	assert_int_equal(tm_store_has_entity(st, id, &found, NULL), TM_OK);
	return found;
}

static int has_source(tm_store *st, const char *id)
{
	int found = -1;
	assert_int_equal(tm_store_has_source(st, id, &found, NULL), TM_OK);
	return found;
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
	tm_search_hits hits;
	assert_int_equal(tm_search(st, "阿克米", &(tm_search_opts){ .limit = 10 }, &hits, NULL), TM_OK);
	assert_int_equal(hits.n, 0);
	tm_search_hits_release(&hits);
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
	assert_false(has_entity(st, "gone"));
	assert_false(has_source(st, "s1"));
	tm_search_hits hits;
	tm_search(st, "gone", &(tm_search_opts){ .limit = 10 }, &hits, NULL);
	assert_int_equal(hits.n, 0);
	tm_search_hits_release(&hits);
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
	tm_search_hits cands;
	assert_int_equal(tm_search_resolve(st, "华为", &id, &cands, NULL), TM_OK);
	assert_string_equal(id, "huawei");
	free(id);
	assert_int_equal(tm_search_resolve(st, "acme", &id, &cands, NULL), TM_ERR_AMBIGUOUS);
	assert_null(id);
	assert_int_equal(cands.n, 2);
	tm_search_hits_release(&cands);
	assert_int_equal(tm_search_resolve(st, "acme-2", &id, NULL, NULL), TM_OK);
	assert_string_equal(id, "acme-2");
	free(id);
	assert_int_equal(tm_search_resolve(st, "nothing like it", &id, NULL, NULL), TM_ERR_NOTFOUND);
	tm_store_close(st);
}

/* Make the queries of st fail after `steps` SQLite steps, as one past its
 * deadline does (the test hook of tm_store_set_deadline()); once: only the
 * statement at that step. */
static void expire_after(tm_store *st, const char *path, long steps, int once)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%ld%s\n", steps, once ? " once" : "");
	fclose(f);
	setenv("TIEMAP_TEST_EXPIRED", path, 1);
	tm_store_set_deadline(st, 60);
}

static void expire_never(tm_store *st, const char *path)
{
	tm_store_set_deadline(st, 0);
	unsetenv("TIEMAP_TEST_EXPIRED");
	unlink(path);
	tm_store_error_clear(st);
}

/* Same hits, in the same order, with the same scores. */
static int hits_equal(const tm_search_hits *a, const tm_search_hits *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->v[i].id, b->v[i].id) != 0 || a->v[i].score != b->v[i].score ||
		    strcmp(a->v[i].matched, b->v[i].matched) != 0)
			return 0;
	return 1;
}

static void test_failure_is_not_absence(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-expired-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	tm_store *st = open_mem();
	tm_entity e;
	tm_store_begin(st, NULL);
	put_source(st, "s1");
	make_entity(&e, "huawei", "Huawei Technologies", "华为");
	tm_store_put_entity(st, &e, NULL);
	tm_entity_release(&e);
	make_entity(&e, "hikvision", "Hikvision", "海康威视");
	tm_store_put_entity(st, &e, NULL);
	tm_entity_release(&e);
	tm_store_commit(st, NULL);
	assert_int_equal(tm_store_error(st, NULL), TM_OK);

	/* a store that fails at once: every answer is the failure, none an absence */
	expire_after(st, path, 0, 0);
	tm_err err = { 0 };
	int found = -1;
	tm_ekey key = 0;
	char *id = NULL;
	tm_search_hits hits;
	assert_int_equal(tm_store_has_entity(st, "huawei", &found, &err), TM_ERR_LIMIT);
	assert_int_equal(tm_store_has_source(st, "s1", &found, NULL), TM_ERR_LIMIT);
	assert_int_equal(tm_store_ekey(st, "huawei", &key, NULL), TM_ERR_LIMIT);
	assert_int_equal(tm_store_entity_id(st, 1, &id, NULL), TM_ERR_LIMIT);
	assert_int_equal(tm_store_get_entity(st, "huawei", &e, NULL), TM_ERR_LIMIT);
	assert_int_equal(tm_search(st, "huawei", &(tm_search_opts){ .limit = 10 }, &hits, NULL), TM_ERR_LIMIT);
	assert_int_equal(tm_search_resolve(st, "华为", &id, NULL, NULL), TM_ERR_LIMIT);
	assert_int_equal(tm_search_resolve(st, "nothing like it", &id, NULL, NULL), TM_ERR_LIMIT);
	/* and the store keeps the first failure until told to forget it */
	tm_err kept = { 0 };
	assert_int_equal(tm_store_error(st, &kept), TM_ERR_LIMIT);
	assert_string_equal(kept.msg, err.msg);
	expire_never(st, path);
	assert_int_equal(tm_store_error(st, NULL), TM_OK);

	/* healthy: a missing record is an absence, and no failure is kept */
	assert_int_equal(tm_store_has_entity(st, "nobody", &found, NULL), TM_OK);
	assert_int_equal(found, 0);
	assert_int_equal(tm_store_ekey(st, "nobody", &key, NULL), TM_ERR_NOTFOUND);
	assert_int_equal(tm_search_resolve(st, "nothing like it", &id, NULL, NULL), TM_ERR_NOTFOUND);
	assert_int_equal(tm_store_error(st, NULL), TM_OK);

	/* a failure at any point of a search, from there on or of one statement
	 * alone: the failure, or the whole answer */
	static const char *const queries[] = { "huawei", "华为", "hua", "huawei tech", "海康", "CNE100000PM8" };
	for (size_t q = 0; q < sizeof(queries) / sizeof(queries[0]); q++) {
		tm_search_hits want;
		assert_int_equal(tm_search(st, queries[q], &(tm_search_opts){ .limit = 10 }, &want, NULL), TM_OK);
		assert_true(want.n > 0);
		/* from there on: until the search has time to finish, at `end` */
		long end = 0, failures = 0;
		for (int once = 0; once < 2; once++) {
			for (long steps = 0; once ? steps <= end : 1; steps = steps ? steps + 1 + steps / 8 : 1) {
				expire_after(st, path, steps, once);
				tm_rc rc = tm_search(st, queries[q], &(tm_search_opts){ .limit = 10 }, &hits, NULL);
				tm_rc kept_rc = tm_store_error(st, NULL);
				expire_never(st, path);
				if (rc) {
					assert_int_equal(rc, TM_ERR_LIMIT);
					assert_int_equal(kept_rc, TM_ERR_LIMIT);
					failures++;
					continue;
				}
				assert_true(hits_equal(&hits, &want));
				assert_int_equal(kept_rc, TM_OK);
				tm_search_hits_release(&hits);
				if (!once) {
					end = steps;
					break;
				}
			}
		}
		assert_true(failures > 2);
		tm_search_hits_release(&want);
	}
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

/* Entities {id, English name, Chinese name or NULL}, in one transaction. */
static void put_named(tm_store *st, const char *const (*rows)[3], size_t n)
{
	assert_int_equal(tm_store_begin(st, NULL), TM_OK);
	if (!has_source(st, "s1"))
		put_source(st, "s1");
	for (size_t i = 0; i < n; i++) {
		tm_entity e;
		make_entity(&e, rows[i][0], rows[i][1], rows[i][2]);
		assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
		tm_entity_release(&e);
	}
	assert_int_equal(tm_store_commit(st, NULL), TM_OK);
}

/* The place of id among the hits of query (limit 50), -1 when absent. */
static int rank_of(tm_store *st, const char *query, const char *id)
{
	tm_search_hits h;
	assert_int_equal(tm_search(st, query, &(tm_search_opts){ .limit = 50 }, &h, NULL), TM_OK);
	int at = -1;
	for (size_t i = 0; i < h.n && at < 0; i++)
		if (strcmp(h.v[i].id, id) == 0)
			at = (int)i;
	tm_search_hits_release(&h);
	return at;
}

static size_t hits_of(tm_store *st, const char *query, size_t limit)
{
	tm_search_hits h;
	assert_int_equal(tm_search(st, query, &(tm_search_opts){ .limit = limit }, &h, NULL), TM_OK);
	size_t n = h.n;
	tm_search_hits_release(&h);
	return n;
}

/* A run of Chinese characters is found anywhere in a name, whole and in
 * order, with spaces inside it ignored, and not across other words. */
static void test_search_han_runs(void **state)
{
	static const char *const rows[][3] = {
		{ "kexin", "Kexin Optical Technology Holdings Co., Ltd.", "科新光学科技控股有限公司" },
		{ "sz-kexin", "Shenzhen Kexin Optical Technology Co., Ltd.", "深圳科新光学科技有限公司" },
		{ "scattered", "Keji Xinguang", "科技新光学公司" },
		{ "spaced", "Spaced", "新光学 科技中心" },
		{ "apart", "Apart", "新光 Optics 学院" },
	};
	(void)state;
	tm_store *st = open_mem();
	put_named(st, rows, sizeof(rows) / sizeof(rows[0]));
	/* a full legal name finds itself first, and the name holding it in the middle */
	assert_int_equal(rank_of(st, "科新光学科技控股有限公司", "kexin"), 0);
	assert_true(rank_of(st, "科新光学科技控股有限公司", "sz-kexin") > 0);
	/* a run from the middle of names */
	assert_true(rank_of(st, "新光学科", "kexin") >= 0);
	assert_true(rank_of(st, "新光学科", "sz-kexin") >= 0);
	assert_int_equal(rank_of(st, "新光学科", "scattered"), -1);
	assert_int_equal(rank_of(st, "新光学科", "apart"), -1);
	/* spaces inside a run, in the query or the name, do not split it */
	assert_true(rank_of(st, "光学 科技", "kexin") >= 0);
	assert_true(rank_of(st, "光学科技", "spaced") >= 0);
	/* another word between two characters keeps them apart */
	assert_int_equal(rank_of(st, "光学", "apart"), -1);
	assert_true(rank_of(st, "光学", "scattered") >= 0);
	/* runs and words, each anywhere in the name */
	assert_true(rank_of(st, "学院 optics 新光", "apart") >= 0);
	assert_int_equal(rank_of(st, "学院 optics 新光学", "apart"), -1);
	/* one character is found anywhere */
	assert_true(rank_of(st, "光", "apart") >= 0);
	assert_true(rank_of(st, "院", "apart") >= 0);
	assert_true(rank_of(st, "光", "scattered") >= 0);
	tm_store_close(st);
}

/* The last word of a query may be still being typed: it finds the words
 * it starts, whether few (looked up one by one) or many (a prefix query). */
static void test_search_last_word_typed(void **state)
{
	static const char *const rows[][3] = {
		{ "hikvision", "Hangzhou Hikvision Digital Technology Co., Ltd.", "杭州海康威视数字技术股份有限公司" },
	};
	(void)state;
	tm_store *st = open_mem();
	put_named(st, rows, 1);
	/* not the start of any key: only the word index finds these */
	assert_int_equal(rank_of(st, "Hikvision Digital Tech", "hikvision"), 0);
	assert_int_equal(rank_of(st, "hikvision digital technology", "hikvision"), 0);
	assert_int_equal(rank_of(st, "Hikvision Digital Techx", "hikvision"), -1);
	assert_int_equal(rank_of(st, "Digital Hikv", "hikvision"), 0);
	/* a space does not split a run of characters: 威视数字 */
	assert_int_equal(rank_of(st, "威视 数字", "hikvision"), 0);

	/* 70 words that start with "zqa": more than are looked up one by one */
	char id[16], en[32];
	for (int i = 0; i < 70; i++) {
		snprintf(id, sizeof(id), "zqa-%d", i);
		snprintf(en, sizeof(en), "Alpha Beta Zqa%d", i);
		const char *const row[][3] = { { id, en, NULL } };
		put_named(st, row, 1);
	}
	assert_int_equal(hits_of(st, "beta zqa", 100), 70);
	/* zqa1, zqa10 … zqa19 */
	assert_int_equal(hits_of(st, "beta zqa1", 100), 11);
	assert_int_equal(hits_of(st, "beta zqa69", 100), 1);
	assert_int_equal(hits_of(st, "beta zqa7", 100), 1);
	assert_int_equal(hits_of(st, "beta zqb", 100), 0);
	tm_store_close(st);
}

/* A bulk write (here 1,000 names) merges the name index when it commits;
 * what was written is found as before, and so is what is written later. */
static void test_bulk_commit(void **state)
{
	(void)state;
	tm_store *st = open_mem();
	assert_int_equal(tm_store_begin(st, NULL), TM_OK);
	put_source(st, "s1");
	char id[32], en[32], zh[48];
	for (int i = 0; i < 500; i++) {
		tm_entity e;
		snprintf(id, sizeof(id), "bulk-%d", i);
		snprintf(en, sizeof(en), "Bulk Name%d", i);
		snprintf(zh, sizeof(zh), "大量公司%d号", i);
		make_entity(&e, id, en, zh);
		assert_int_equal(tm_store_put_entity(st, &e, NULL), TM_OK);
		tm_entity_release(&e);
	}
	assert_int_equal(tm_store_commit(st, NULL), TM_OK);
	assert_int_equal(rank_of(st, "name499", "bulk-499"), 0);
	assert_int_equal(hits_of(st, "bulk name49", 100), 11);
	assert_int_equal(hits_of(st, "量公司49", 100), 11);
	static const char *const late[][3] = { { "late", "Late Name", "迟到公司" } };
	put_named(st, late, 1);
	assert_int_equal(rank_of(st, "late name", "late"), 0);
	tm_store_close(st);
}

/* A database of schema 2 (names_fts without pairs, no name_words) is
 * upgraded when opened writable, its names indexed again. */
static void test_migration_reindexes_names(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int v = 0; v < 2; v++)
		assert_int_equal(sqlite3_exec(db, tm_migrations[v], NULL, NULL, NULL), SQLITE_OK);
	/* as schema 2 stored a name: single characters in tokens */
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO entities(id,slug,kind) VALUES(1,'kexin','company');"
				      "INSERT INTO names(id,entity,ord,text,lang,is_primary) VALUES"
				      " (1,1,0,'Kexin Optical Technology Co., Ltd.','en',1),"
				      " (2,1,1,'深圳科新光学科技有限公司','zh-Hans',1);"
				      "INSERT INTO names_fts(rowid,tokens,pinyin) VALUES"
				      " (1,'kexin optical technology','kexin optical technology'),"
				      " (2,'深 圳 科 新 光 学 科 技','shen zhen ke xin guang xue ke ji');"
				      "PRAGMA user_version=2",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	tm_store *st;
	tm_err err = { 0 };
	assert_int_not_equal(tm_store_open(path, TM_STORE_READONLY, &st, &err), TM_OK);
	assert_non_null(strstr(err.msg, "needs migrating"));
	assert_int_equal(tm_store_open(path, 0, &st, &err), TM_OK);
	assert_int_equal(rank_of(st, "新光学科", "kexin"), 0);
	assert_int_equal(rank_of(st, "optical tech", "kexin"), 0);
	assert_int_equal(rank_of(st, "科技新光", "kexin"), -1);
	tm_store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_stmt *s;
	sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM name_words), (SELECT count(*) FROM names_fts)", -1, &s, NULL);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 3); /* kexin, optical, technology */
	assert_int_equal(sqlite3_column_int(s, 1), 2);
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
	tm_search_hits hits;
	assert_int_equal(tm_search(st, q, &(tm_search_opts){ .limit = 10 }, &hits, NULL), TM_OK);
	size_t n = 0;
	for (size_t i = 0; i < hits.n; i++)
		n += strcmp(hits.v[i].id, want) == 0;
	tm_search_hits_release(&hits);
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
	assert_true(has_entity(st, "acme"));
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
	/* closed, the log is in the file (WAL mode) */
	tm_store_close(st);
	char *before = file_bytes(path, &len0);
	assert_int_equal(tm_store_open(path, 0, &st, NULL), TM_OK);
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
	assert_false(has_entity(st, "e1"));
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

/* Dates of claims come from the data: a new claim is dated the day it is
 * written, a repeat changes no date (nor the data version), a change dates
 * the claim changed, dates a record gives are kept, and a record that still
 * carries the stored date while its content changed is dated today. */
static void test_claim_dates(void **state)
{
	(void)state;
	tm_store *st = open_mem();
	tm_err err = { 0 };
	setenv("TIEMAP_TODAY", "2026-01-05", 1);
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	put_source(st, "s1");
	tm_entity e;
	make_entity(&e, "hikvision", "Hikvision", NULL);
	assert_int_equal(tm_store_put_entity(st, &e, &err), TM_OK);
	tm_involvement v = { 0 };
	v.entity = (char *)"hikvision";
	v.category = (char *)"xinjiang_surveillance";
	tm_cites_push(&v.cites, "s1", "it built cameras there", "p. 2");
	assert_int_equal(tm_store_put_involvement(st, &v, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	int64_t version = tm_store_data_version(st);
	tm_entity got;
	assert_int_equal(tm_store_get_entity(st, "hikvision", &got, &err), TM_OK);
	assert_string_equal(got.added, "2026-01-05");
	assert_string_equal(got.changed, "2026-01-05");
	tm_entity_release(&got);

	/* another day, the same records: nothing changes */
	setenv("TIEMAP_TODAY", "2026-02-10", 1);
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	assert_int_equal(tm_store_put_entity(st, &e, &err), TM_OK);
	assert_int_equal(tm_store_put_involvement(st, &v, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	assert_int_equal(tm_store_data_version(st), version);
	tm_involvement gv;
	assert_int_equal(tm_store_find_involvement(st, &v, &gv, &err), TM_OK);
	assert_string_equal(gv.added, "2026-01-05");
	assert_string_equal(gv.changed, "2026-01-05");
	assert_string_equal(gv.cites.v[0].quote, "it built cameras there");
	assert_string_equal(gv.cites.v[0].page, "p. 2");
	tm_involvement_release(&gv);

	/* a change: changed today, added kept */
	tm_strv_push(&e.tags, "xinjiang");
	v.note = (char *)"a note";
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	assert_int_equal(tm_store_put_entity(st, &e, &err), TM_OK);
	assert_int_equal(tm_store_put_involvement(st, &v, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	assert_true(tm_store_data_version(st) > version);
	assert_int_equal(tm_store_get_entity(st, "hikvision", &got, &err), TM_OK);
	assert_string_equal(got.added, "2026-01-05");
	assert_string_equal(got.changed, "2026-02-10");
	tm_entity_release(&got);
	assert_int_equal(tm_store_find_involvement(st, &v, &gv, &err), TM_OK);
	assert_string_equal(gv.changed, "2026-02-10");
	tm_involvement_release(&gv);

	/* dates the record gives are the data's: kept, even for equal content */
	snprintf(e.added, sizeof(e.added), "2024-03-01");
	snprintf(e.changed, sizeof(e.changed), "2024-04-01");
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	assert_int_equal(tm_store_put_entity(st, &e, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	assert_int_equal(tm_store_get_entity(st, "hikvision", &got, &err), TM_OK);
	assert_string_equal(got.added, "2024-03-01");
	assert_string_equal(got.changed, "2024-04-01");
	tm_entity_release(&got);

	/* edited by hand, the stored date left as it was: changed today */
	setenv("TIEMAP_TODAY", "2026-03-15", 1);
	e.desc_en = tm_xstrdup("Edited");
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	assert_int_equal(tm_store_put_entity(st, &e, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	assert_int_equal(tm_store_get_entity(st, "hikvision", &got, &err), TM_OK);
	assert_string_equal(got.added, "2024-03-01");
	assert_string_equal(got.changed, "2026-03-15");
	tm_entity_release(&got);
	unsetenv("TIEMAP_TODAY");
	tm_cites_release(&v.cites);
	tm_entity_release(&e);
	tm_store_close(st);
}

/* A database of schema 3 (before involvement and dates of claims) opens:
 * its claims are dated the day they were imported, its tags stay topics, no
 * involvement is made up, and its sources are not checked. */
static void test_migration_to_claims(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int v = 0; v < 3; v++)
		assert_int_equal(sqlite3_exec(db, tm_migrations[v], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO sources(id,slug,title) VALUES(1,'s1','T');"
				      "INSERT INTO entities(id,slug,kind,added_at) VALUES(1,'hik','company','2025-01-02T03:04:05Z'),"
				      " (2,'cetc','company','2025-01-03T00:00:00Z');"
				      "INSERT INTO names(id,entity,ord,text,lang,is_primary) VALUES(1,1,0,'Hikvision','en',1),"
				      " (2,2,0,'CETC','en',1);"
				      "INSERT INTO tags(entity,ord,tag) VALUES(1,0,'surveillance');"
				      "INSERT INTO relations(id,subject,predicate,object,added_at) VALUES"
				      " (1,2,'owns',1,'2025-01-04T05:06:07Z');"
				      "INSERT INTO citations(claim_kind,claim,ord,source,quote) VALUES(0,1,0,1,'q'),(0,2,0,1,NULL),"
				      " (1,1,0,1,NULL);"
				      "PRAGMA user_version=3",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	tm_store *st;
	tm_err err = { 0 };
	assert_int_equal(tm_store_open(path, 0, &st, &err), TM_OK);
	tm_entity e;
	assert_int_equal(tm_store_get_entity(st, "hik", &e, &err), TM_OK);
	assert_string_equal(e.added, "2025-01-02");
	assert_string_equal(e.changed, "2025-01-02");
	assert_int_equal(e.tags.n, 1);
	assert_string_equal(e.tags.v[0], "surveillance");
	tm_entity_release(&e);
	tm_relation key = { 0 }, r;
	key.subject = (char *)"cetc";
	key.predicate = (char *)"owns";
	key.object = (char *)"hik";
	assert_int_equal(tm_store_find_relation(st, &key, &r, &err), TM_OK);
	assert_string_equal(r.added, "2025-01-04");
	assert_string_equal(r.changed, "2025-01-04");
	tm_relation_release(&r);
	tm_counts c;
	assert_int_equal(tm_store_counts(st, &c, &err), TM_OK);
	assert_int_equal(c.involvements, 0);
	tm_source s;
	assert_int_equal(tm_store_get_source(st, "s1", &s, &err), TM_OK);
	assert_int_equal(s.checked, 0);
	assert_string_equal(s.accessed, "");
	tm_source_release(&s);
	tm_store_close(st);
	unlink(path);
}

static int first_row(void *ctx, const tm_browse_row *row)
{
	snprintf(ctx, 16, "%s", row->id);
	return 0;
}

/* A database of schema 5 (main's, with entities.updated_at written by
 * main's importer at the second) opens: the last change it recorded is kept,
 * as a day, and browsing by last change still sorts by it. */
static void test_migration_keeps_updated_at(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int v = 0; v < 5; v++)
		assert_int_equal(sqlite3_exec(db, tm_migrations[v], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO entities(id,slug,kind,added_at,updated_at) VALUES"
				      " (1,'hik','company','2025-01-02T03:04:05Z','2025-03-04T05:06:07Z'),"
				      " (2,'cetc','company','2025-01-03T00:00:00Z','2025-01-03T00:00:00Z');"
				      "INSERT INTO names(id,entity,ord,text,lang,is_primary) VALUES(1,1,0,'Hikvision','en',1),"
				      " (2,2,0,'CETC','en',1);"
				      "PRAGMA user_version=5",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	tm_store *st;
	tm_err err = { 0 };
	assert_int_equal(tm_store_open(path, 0, &st, &err), TM_OK);
	tm_entity e;
	assert_int_equal(tm_store_get_entity(st, "hik", &e, &err), TM_OK);
	assert_string_equal(e.added, "2025-01-02");
	assert_string_equal(e.changed, "2025-03-04");
	tm_entity_release(&e);
	assert_int_equal(tm_store_get_entity(st, "cetc", &e, &err), TM_OK);
	assert_string_equal(e.changed, "2025-01-03");
	tm_entity_release(&e);
	tm_entity_filter none = { 0 };
	char first[16] = "";
	int64_t total = 0;
	assert_int_equal(tm_store_browse_entities(st, &none, TM_SORT_CHANGED, "en", 0, 1, first_row, first, &total, &err),
			 TM_OK);
	assert_int_equal(total, 2);
	assert_string_equal(first, "hik");
	tm_store_close(st);
	unlink(path);
}

/* A database of schema 7 (main's: accounts, then editing's history), with a
 * change and its revision as main's importer writes them, opens: claims'
 * migration comes after, the history stays readable, and the new tables
 * take an involvement claim. */
static void test_migration_after_history(void **state)
{
	(void)state;
	char path[] = "/tmp/tiemap-test-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	sqlite3 *db;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	for (int v = 0; v < 7; v++)
		assert_int_equal(sqlite3_exec(db, tm_migrations[v], NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO sources(id,slug,title) VALUES(1,'s1','A report');"
				      "INSERT INTO entities(id,slug,kind,added_at,updated_at) VALUES"
				      " (1,'hik','company','2025-01-02T03:04:05Z','2025-03-04T05:06:07Z');"
				      "INSERT INTO names(id,entity,ord,text,lang,is_primary) VALUES(1,1,0,'Hikvision','en',1);"
				      "INSERT INTO changes(id,at,author,via,summary) VALUES"
				      " (1,'2025-03-04T05:06:07Z','import (lin)','import','import e.jsonl');"
				      "INSERT INTO revisions(id,change,record,key,after) VALUES"
				      " (1,1,'entity','hik','{\"type\":\"entity\",\"id\":\"hik\"}');"
				      "PRAGMA user_version=7",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	tm_store *st;
	tm_err err = { 0 };
	assert_int_equal(tm_store_open(path, 0, &st, &err), TM_OK);
	assert_true(tm_store_has_history(st));
	tm_change c;
	assert_int_equal(tm_store_change_get(st, 1, &c, &err), TM_OK);
	assert_string_equal(c.summary, "import e.jsonl");
	tm_change_release(&c);
	int64_t rev = 0;
	assert_int_equal(tm_store_latest_revision(st, "entity", "hik", &rev, &err), TM_OK);
	assert_int_equal(rev, 1);
	tm_entity e;
	assert_int_equal(tm_store_get_entity(st, "hik", &e, &err), TM_OK);
	assert_string_equal(e.changed, "2025-03-04");
	tm_entity_release(&e);
	assert_int_equal(tm_store_has_records(st, "involvement"), 0);
	tm_involvement v = { .entity = "hik", .category = "xinjiang_surveillance" };
	tm_cites_push(&v.cites, "s1", "the words", NULL);
	assert_int_equal(tm_store_begin(st, &err), TM_OK);
	assert_int_equal(tm_store_put_involvement(st, &v, &err), TM_OK);
	assert_int_equal(tm_store_commit(st, &err), TM_OK);
	tm_cites_release(&v.cites);
	assert_int_equal(tm_store_has_records(st, "involvement"), 1);
	tm_store_close(st);
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
		cmocka_unit_test(test_failure_is_not_absence),
		cmocka_unit_test(test_newer_schema_refused),
		cmocka_unit_test(test_search_han_runs),
		cmocka_unit_test(test_search_last_word_typed),
		cmocka_unit_test(test_bulk_commit),
		cmocka_unit_test(test_migration_reindexes_names),
		cmocka_unit_test(test_bulk_into_empty_database),
		cmocka_unit_test(test_bulk_rollback_leaves_the_file),
		cmocka_unit_test(test_bulk_into_a_database_with_data),
		cmocka_unit_test(test_claim_dates),
		cmocka_unit_test(test_migration_to_claims),
		cmocka_unit_test(test_migration_keeps_updated_at),
		cmocka_unit_test(test_migration_after_history),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	tm_text_shutdown();
	return failed;
}
