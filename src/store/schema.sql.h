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

	/* 1 → 2: the campaign records (store_campaign.h).  Their citations live in
	 * `citations` with claim_kind 2 (an action) and 3 (a site). */
	"CREATE TABLE actions("
	"  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, date TEXT NOT NULL, kind TEXT NOT NULL,"
	"  place_en TEXT, place_zh TEXT, country TEXT, lat REAL, lon REAL, geo_precision TEXT,"
	"  title_en TEXT, title_zh TEXT, summary_en TEXT, summary_zh TEXT, outcome_en TEXT, outcome_zh TEXT, note TEXT,"
	"  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE INDEX actions_date ON actions(date);"
	"CREATE INDEX actions_country ON actions(country, date);"
	/* a party is an entity (entity set) or free text (text_en, text_zh) */
	"CREATE TABLE action_actors(action INTEGER NOT NULL, ord INTEGER NOT NULL, entity INTEGER,"
	"  text_en TEXT, text_zh TEXT, PRIMARY KEY(action, ord)) WITHOUT ROWID;"
	"CREATE INDEX action_actors_entity ON action_actors(entity);"
	"CREATE TABLE action_targets(action INTEGER NOT NULL, ord INTEGER NOT NULL, entity INTEGER,"
	"  text_en TEXT, text_zh TEXT, PRIMARY KEY(action, ord)) WITHOUT ROWID;"
	"CREATE INDEX action_targets_entity ON action_targets(entity);"
	"CREATE TABLE sites("
	"  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, entity INTEGER, kind TEXT NOT NULL,"
	"  name_en TEXT, name_zh TEXT, address TEXT, city TEXT, region TEXT, country TEXT NOT NULL,"
	"  lat REAL, lon REAL, geo_precision TEXT, note TEXT,"
	"  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE INDEX sites_entity ON sites(entity);"
	"CREATE INDEX sites_country ON sites(country, city);"
	"CREATE TABLE site_tags(site INTEGER NOT NULL, ord INTEGER NOT NULL, tag TEXT NOT NULL,"
	"  PRIMARY KEY(site, ord)) WITHOUT ROWID;"
	"CREATE INDEX site_tags_tag ON site_tags(tag);"
	/* one point per located site (a box of no size), id = sites.id; the
	 * R*Tree keeps 32-bit floats rounded outwards, so it only narrows the
	 * search and the distance is computed from sites.lat, sites.lon */
	"CREATE VIRTUAL TABLE sites_rtree USING rtree(id, min_lat, max_lat, min_lon, max_lon);",

	/* 2 → 3: names_fts gains the pairs column (Han runs as overlapping pairs
	 * of characters, see text.h): a phrase of single characters read the
	 * doclists of characters in most names.  name_words lists the words of
	 * the tokens column, so that a word being typed becomes the words it
	 * starts, where FTS5 would merge the doclists of all of them first.  The
	 * store fills both from names after this runs (reindex_names). */
	"DROP TABLE names_fts;"
	"CREATE VIRTUAL TABLE names_fts USING fts5(tokens, pinyin, pairs, tokenize='unicode61 remove_diacritics 2');"
	"CREATE TABLE name_words(word TEXT PRIMARY KEY) WITHOUT ROWID;",

	/* 3 → 4: captures, the archived copies of sources (store_capture.h,
	 * docs/archive.md); the WARC files are in the archive folder beside the
	 * database.  redirects: "STATUS URL" lines; text: the copy's text as
	 * `tiemap archive` read it, NULL until read (an imported capture). */
	"CREATE TABLE captures("
	"  id INTEGER PRIMARY KEY, source INTEGER NOT NULL, fetched TEXT NOT NULL, url TEXT NOT NULL,"
	"  final_url TEXT NOT NULL, status INTEGER NOT NULL, content_type TEXT, length INTEGER NOT NULL,"
	"  sha256 TEXT NOT NULL, warc TEXT NOT NULL, warc_sha256 TEXT NOT NULL, redirects TEXT, text TEXT,"
	"  UNIQUE(source, fetched));",
	/* 4 → 5: when an entity's record last changed, which the list of
	 * entities sorts by (store_browse.c); a record not changed since it was
	 * added changed when it was added */
	"ALTER TABLE entities ADD COLUMN updated_at TEXT;"
	"UPDATE entities SET updated_at=added_at;"
	"CREATE INDEX entities_updated ON entities(updated_at);",

	/* 5 → 6: accounts, sessions, API tokens, login throttling and the
	 * server's keys (store_auth.h, docs/security.md).  Times are Unix
	 * seconds.  A user is never deleted, only disabled: history names its
	 * author.  Secrets are kept only as hashes (BLAKE2b-256 of the token);
	 * login_failures is keyed by a keyed hash of the name tried, so that it
	 * holds no typed names (people type passwords into name fields) and
	 * looks the same for names that exist and names that do not.  Nothing
	 * here moves data_version. */
	"CREATE TABLE users("
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, role INTEGER NOT NULL CHECK(role BETWEEN 1 AND 3),"
	"  pwhash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0, login_key BLOB NOT NULL,"
	"  created_at INTEGER NOT NULL, password_at INTEGER NOT NULL);"
	"CREATE TABLE sessions(hash BLOB PRIMARY KEY, user INTEGER NOT NULL, created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sessions_user ON sessions(user);"
	"CREATE TABLE api_tokens(id INTEGER PRIMARY KEY, hash BLOB NOT NULL UNIQUE, user INTEGER NOT NULL,"
	"  role INTEGER NOT NULL CHECK(role BETWEEN 1 AND 3), label TEXT, created_at INTEGER NOT NULL,"
	"  expires_at INTEGER, revoked_at INTEGER);"
	"CREATE INDEX api_tokens_user ON api_tokens(user);"
	"CREATE TABLE login_failures(key BLOB PRIMARY KEY, failures INTEGER NOT NULL, last_at INTEGER NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE TABLE auth_keys(name TEXT PRIMARY KEY, key BLOB NOT NULL) WITHOUT ROWID;",
	/* 6 → 7: history (store_history.h, docs/editing.md).  A change is one
	 * edit as its author saved it (a form, an API call, an import, a revert):
	 * who, when, why, and whether it is published or waits for review; a
	 * revision is one record's state before and after it, as the export's
	 * canonical JSON (NULL: none, i.e. created or deleted).  A relation's key
	 * is "subject predicate object" and its dates as start..end.  reports
	 * are the corrections and replies that readers send (no account); their
	 * contact address is erased when the report is closed.  An editor's
	 * approval of a contributor's change is a change of its own (approves:
	 * the one it applied).  Nothing here moves data_version by itself. */
	"CREATE TABLE changes("
	"  id INTEGER PRIMARY KEY, at TEXT NOT NULL, author TEXT NOT NULL, user INTEGER, via TEXT NOT NULL,"
	"  summary TEXT NOT NULL, status INTEGER NOT NULL DEFAULT 0, reviewer TEXT, reviewed_at TEXT,"
	"  review_note TEXT, approves INTEGER);"
	"CREATE INDEX changes_open ON changes(status) WHERE status<>0;"
	"CREATE INDEX changes_user ON changes(user);"
	"CREATE TABLE revisions("
	"  id INTEGER PRIMARY KEY, change INTEGER NOT NULL, record TEXT NOT NULL, key TEXT NOT NULL,"
	"  prev_key TEXT, before TEXT, after TEXT);"
	"CREATE INDEX revisions_key ON revisions(record, key);"
	"CREATE INDEX revisions_prev ON revisions(record, prev_key) WHERE prev_key IS NOT NULL;"
	"CREATE INDEX revisions_change ON revisions(change);"
	"CREATE TABLE reports("
	"  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, record TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL,"
	"  message TEXT NOT NULL, links TEXT, contact TEXT, status INTEGER NOT NULL DEFAULT 0,"
	"  reviewer TEXT, reviewed_at TEXT, note TEXT);"
	"CREATE INDEX reports_open ON reports(status) WHERE status=0;"
	"CREATE INDEX reports_record ON reports(record, key);",

	/* 7 → 8: petitions and their signatures (store_petition.h,
	 * docs/petitions.md).  A signature is a sealed box the server cannot
	 * open and a keyed hash of the address, keyed by that hash (WITHOUT
	 * ROWID), with no time: neither a column nor the order of the rows says
	 * when it came.  petition_days counts a day's signatures; petition_public
	 * holds the names and cities shown, under a random key, with no link to
	 * their sealed rows.  Signatures do not move data_version. */
	"CREATE TABLE petitions("
	"  id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, title_en TEXT, title_zh TEXT, text_en TEXT, text_zh TEXT,"
	"  target_en TEXT, target_zh TEXT, action INTEGER, opens TEXT NOT NULL, closes TEXT NOT NULL DEFAULT '',"
	"  goal INTEGER NOT NULL DEFAULT 0, public_key TEXT NOT NULL,"
	"  added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')));"
	"CREATE INDEX petitions_action ON petitions(action);"
	"CREATE TABLE petition_entities(petition INTEGER NOT NULL, ord INTEGER NOT NULL, entity INTEGER NOT NULL,"
	"  PRIMARY KEY(petition, ord)) WITHOUT ROWID;"
	"CREATE INDEX petition_entities_entity ON petition_entities(entity);"
	"CREATE TABLE petition_signatures(petition INTEGER NOT NULL, dedup BLOB NOT NULL, sealed BLOB NOT NULL,"
	"  PRIMARY KEY(petition, dedup)) WITHOUT ROWID;"
	"CREATE TABLE petition_days(petition INTEGER NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL,"
	"  PRIMARY KEY(petition, day)) WITHOUT ROWID;"
	"CREATE TABLE petition_public(petition INTEGER NOT NULL, day TEXT NOT NULL, nonce BLOB NOT NULL,"
	"  name TEXT NOT NULL, city TEXT, PRIMARY KEY(petition, day, nonce)) WITHOUT ROWID;",

	/* 8 → 9: taking signatures back (store_petition.h, docs/petitions.md).
	 * A withdrawn signature is deleted and counted on the day it went
	 * (petition_days.withdrawn), so that a past week's count stays what it
	 * was; purged_at is when every signature of a closed petition was
	 * deleted.  meta.petition_version moves with every change to
	 * signatures or names shown, from any process: the web server versions
	 * the pages that show counts by it.  It starts at the signatures there
	 * are, which is what versioned those pages before. */
	"ALTER TABLE petition_days ADD COLUMN withdrawn INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE petitions ADD COLUMN purged_at TEXT;"
	"INSERT INTO meta VALUES('petition_version', (SELECT count(*) FROM petition_signatures));",

	/* 9 → 10: claims a campaign can publish (docs/format.md).  Sources say
	 * when someone read them and whether their title and URL were seen.
	 * Entities and relations keep the day they were first added and last
	 * changed, from the data (added_at held the import's time: its day is
	 * the best an older database knows); an entity's last change is its
	 * updated_at (4 → 5), now a day of the data's, a relation's changed_at.
	 * Involvement claims, with their citations under claim_kind 4.  Pages:
	 * the site's own texts (the about page), kept in the data in both
	 * languages. */
	"ALTER TABLE sources ADD COLUMN accessed TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE sources ADD COLUMN checked INTEGER NOT NULL DEFAULT 0;"
	"UPDATE entities SET added_at=substr(added_at,1,10);"
	"UPDATE entities SET updated_at=substr(coalesce(updated_at,added_at),1,10);"
	"UPDATE relations SET added_at=substr(added_at,1,10);"
	"ALTER TABLE relations ADD COLUMN changed_at TEXT NOT NULL DEFAULT '';"
	"UPDATE relations SET changed_at=added_at;"
	"CREATE TABLE involvements("
	"  id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, category TEXT NOT NULL,"
	"  start TEXT NOT NULL DEFAULT '', end_ TEXT NOT NULL DEFAULT '', note TEXT,"
	"  added_at TEXT NOT NULL, changed_at TEXT NOT NULL,"
	"  UNIQUE(entity, category, start, end_));"
	"CREATE INDEX involvements_category ON involvements(category, entity);"
	"CREATE TABLE pages(id INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE,"
	"  title_en TEXT, title_zh TEXT, body_en TEXT, body_zh TEXT);",
	/* 10 → 11: merged ids (`tiemap merge`, docs/editing.md "Merging"): an
	 * entity's referents, the ids of the records merged into it, each of
	 * which now names it (FollowTheMoney's "referents").  An id is an
	 * entity's or a referent, never both; one migration of its own so that
	 * it can be reordered beside others. */
	("CREATE TABLE referents(id TEXT PRIMARY KEY, entity INTEGER NOT NULL, ord INTEGER NOT NULL) WITHOUT ROWID;"
	 "CREATE INDEX referents_entity ON referents(entity, ord);"),
};

#define TM_SCHEMA_VERSION ((int)(sizeof(tm_migrations) / sizeof(tm_migrations[0])))

#endif
