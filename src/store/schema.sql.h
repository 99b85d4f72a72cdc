/*
 * The schema, as forward migrations.  Migration i brings a database from
 * user_version i to i+1; a new database runs them all.  Never edit a
 * migration that has shipped: add the next one.
 */
#ifndef TM_STORE_SCHEMA_H
#define TM_STORE_SCHEMA_H

static const char *const tm_migrations[] = {
	/* 0 → 1: the knowledge graph */
	"CREATE TABLE meta(key TEXT PRIMARY KEY, value) WITHOUT ROWID;"
	"INSERT INTO meta VALUES('data_version', 0);"
	"CREATE TABLE sources("
	"  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title TEXT NOT NULL,"
	"  author TEXT, publisher TEXT, date TEXT NOT NULL DEFAULT '', url TEXT, lang TEXT, note TEXT);"
	"CREATE TABLE entities("
	"  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, country TEXT,"
	"  start TEXT NOT NULL DEFAULT '', end_ TEXT NOT NULL DEFAULT '', desc_en TEXT, desc_zh TEXT,"
	"  unsourced INTEGER NOT NULL DEFAULT 0, added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	/* ord keeps the order the record gave, so that export round-trips */
	"CREATE TABLE names("
	"  id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, ord INTEGER NOT NULL,"
	"  text TEXT NOT NULL, lang TEXT NOT NULL, is_primary INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX names_entity ON names(entity);"
	/* every match key of every name: exact and prefix look-ups are B-tree ranges */
	"CREATE TABLE name_keys(key TEXT NOT NULL, name INTEGER NOT NULL, entity INTEGER NOT NULL,"
	"  PRIMARY KEY(key, name)) WITHOUT ROWID;"
	"CREATE INDEX name_keys_entity ON name_keys(entity);"
	/* word and phrase search: Han characters stand alone as words (see text.h) */
	"CREATE VIRTUAL TABLE names_fts USING fts5(tokens, pinyin, tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE tags(entity INTEGER NOT NULL, ord INTEGER NOT NULL, tag TEXT NOT NULL,"
	"  PRIMARY KEY(entity, ord)) WITHOUT ROWID;"
	"CREATE INDEX tags_tag ON tags(tag);"
	"CREATE TABLE identifiers(entity INTEGER NOT NULL, ord INTEGER NOT NULL, scheme TEXT NOT NULL,"
	"  value TEXT NOT NULL, PRIMARY KEY(entity, ord)) WITHOUT ROWID;"
	"CREATE INDEX identifiers_value ON identifiers(value COLLATE NOCASE, scheme);"
	"CREATE TABLE relations("
	"  id INTEGER PRIMARY KEY, subject INTEGER NOT NULL, predicate TEXT NOT NULL, object INTEGER NOT NULL,"
	"  start TEXT NOT NULL DEFAULT '', end_ TEXT NOT NULL DEFAULT '', amount REAL, currency TEXT,"
	"  share REAL, note TEXT, unsourced INTEGER NOT NULL DEFAULT 0,"
	"  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  UNIQUE(subject, predicate, object, start, end_));"
	"CREATE INDEX relations_object ON relations(object);"
	/* claim_kind 0: an entity, 1: a relation */
	"CREATE TABLE citations(claim_kind INTEGER NOT NULL, claim INTEGER NOT NULL, ord INTEGER NOT NULL,"
	"  source INTEGER NOT NULL, quote TEXT, page TEXT, PRIMARY KEY(claim_kind, claim, ord)) WITHOUT ROWID;"
	"CREATE INDEX citations_source ON citations(source);",
};

#define TM_SCHEMA_VERSION ((int)(sizeof(tm_migrations) / sizeof(tm_migrations[0])))

#endif
