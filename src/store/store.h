/*
 * store: where the knowledge graph is kept.  The only module that writes SQL.
 *
 * This header is the whole contract; store_sqlite.c implements it on SQLite
 * (FTS5 for names).  A PostgreSQL back end would implement the same functions
 * and nothing above this module would change.
 *
 * Entities and sources are addressed by their slug id ("hikvision").  Inside
 * the store each entity also has a small integer key (tm_ekey), stable for the
 * life of the database, that the graph engine uses as a node number.
 *
 * Writes happen inside tm_store_begin()/tm_store_commit(); on any failure the
 * caller calls tm_store_rollback() and the database is as it was, its file
 * back to its size (a failed write, e.g. on a full disk, is undone then,
 * not left for the next process).
 * Putting a record whose id exists replaces the stored record whole (its
 * names, tags, identifiers and citations), so importing the same file twice
 * changes nothing.  A relation is identified by (subject, predicate, object,
 * start, end), an involvement by (entity, category, start, end).
 *
 * Dates of claims.  Entities, relations and involvements keep the day they
 * were first added and the day they last changed (YYYY-MM-DD, UTC), from the
 * data, not from the run that wrote them:
 *   - a record that gives `added` / `changed` is stored with them;
 *   - a new record without them is added and changed today;
 *   - a record equal to the stored one (dates aside) changes no date;
 *   - a record that differs keeps the stored `added` and is changed today,
 *     unless it gives a `changed` of its own other than the stored one (a
 *     record that still carries the stored date was edited without it).
 * "Today" is the day the transaction began (tm_today()).
 */
#ifndef TM_STORE_H
#define TM_STORE_H

#include "core/core.h"
#include "model/model.h"

typedef struct tm_store tm_store;
typedef int64_t tm_ekey;

enum {
	TM_STORE_READONLY = 1, /* open an existing database read-only */
	TM_STORE_CREATE = 2,   /* create the file if it is missing */
	TM_STORE_STREAM = 4,   /* for one long sequential read (an export): a small page
				* cache, since the pages are read once, and sorts in
				* temporary files, not in memory */
};

/* The schema version this build writes (PRAGMA user_version). */
int tm_store_schema_version(void);

/* Open (and migrate forward) the database at path.  *out is owned by the
 * caller: tm_store_close() it.  TM_ERR_NOTFOUND when there is no file at
 * path (and no TM_STORE_CREATE).  What an interrupted write (a killed
 * process, a full disk) left behind is undone first, by any open that can
 * write the file, read-only or not; when it cannot, the open fails and says
 * the file needs `tiemap recover`.  A writable open puts the file in WAL
 * mode, so that readers and a writer never wait for each other. */
tm_rc tm_store_open(const char *path, int flags, tm_store **out, tm_err *err);
void tm_store_close(tm_store *st);

/* Abort any query of this store after `seconds` from now (0 = no limit);
 * a query that runs past it fails with TM_ERR_LIMIT. */
void tm_store_set_deadline(tm_store *st, double seconds);

/*
 * Failure is never absence.  A record that is not there is TM_ERR_NOTFOUND
 * (or an empty answer, for a look-up or a listing); a failure of the
 * database (an I/O error, a damaged file, a lock, the deadline) is another
 * error, and the store also keeps the first one until
 * tm_store_error_clear(), as FTS5 keeps a sticky rc.  A caller that builds
 * one answer from many reads (a page, a report, a command's output) asks
 * tm_store_error() when done and fails rather than give what it has: a
 * part may be missing for no reason the reader can see.
 */
/* The first failure since the store was opened or cleared (TM_OK: none),
 * its message in err. */
tm_rc tm_store_error(const tm_store *st, tm_err *err);
void tm_store_error_clear(tm_store *st);

tm_rc tm_store_begin(tm_store *st, tm_err *err);
tm_rc tm_store_commit(tm_store *st, tm_err *err);
void tm_store_rollback(tm_store *st);

/* A transaction for a large write (an import), committed and rolled back as
 * any other.  The store defers work to tm_store_commit() that is cheaper done
 * at once: the match keys of the names written are sorted and appended, and
 * in an empty database the indexes that rows reach in random order are
 * dropped and built again by sorting.  Until the commit, the look-ups
 * of names below do not see the names written. */
tm_rc tm_store_begin_bulk(tm_store *st, tm_err *err);

/* Writes.  The records are only read; references (entity ids in a relation,
 * source ids in citations) must exist already (the importer checks first). */
tm_rc tm_store_put_source(tm_store *st, const tm_source *src, tm_err *err);
tm_rc tm_store_put_entity(tm_store *st, const tm_entity *ent, tm_err *err);
tm_rc tm_store_put_relation(tm_store *st, const tm_relation *rel, tm_err *err);
/* An involvement; the entity must exist.  Its citations are not checked
 * here for quotes (the importer requires them). */
tm_rc tm_store_put_involvement(tm_store *st, const tm_involvement *v, tm_err *err);

/* What the store indexes of an entity's names: for each name its FTS5 words
 * and pinyin and its distinct match keys (text.h).  Making them through ICU
 * is most of the CPU time of putting an entity and needs no store, so an
 * importer makes them on its parsing threads (any thread may). */
typedef struct tm_name_index {
	struct tm_name_index_entry {
		char *text; /* tokens, pinyin, pairs, then n_keys keys, each NUL-terminated */
		int n_keys;
	} *v;       /* one per name, in the entity's order */
	size_t n;
} tm_name_index;
tm_rc tm_name_index_make(const tm_entity *ent, tm_name_index *out, tm_err *err);
void tm_name_index_release(tm_name_index *ix);
/* tm_store_put_entity() with ix made by tm_name_index_make(ent) (NULL: make
 * it here); *key (key may be NULL) gets the entity's key. */
tm_rc tm_store_put_entity_indexed(tm_store *st, const tm_entity *ent, const tm_name_index *ix, tm_ekey *key,
				  tm_err *err);
/* tm_store_put_relation() with the keys of its subject and object known
 * (an importer has them from the puts or tm_store_ekey(): looking them up
 * again by id cost as much as a tenth of writing a relation). */
tm_rc tm_store_put_relation_keyed(tm_store *st, const tm_relation *rel, tm_ekey subject, tm_ekey object,
				  tm_err *err);

/* *found: 1 when the entity (the source) exists, 0 when not; an error is a
 * failure to tell. */
tm_rc tm_store_has_entity(tm_store *st, const char *id, int *found, tm_err *err);
tm_rc tm_store_has_source(tm_store *st, const char *id, int *found, tm_err *err);

/* Read one record into *out (caller releases).  TM_ERR_NOTFOUND if absent. */
tm_rc tm_store_get_source(tm_store *st, const char *id, tm_source *out, tm_err *err);
tm_rc tm_store_get_entity(tm_store *st, const char *id, tm_entity *out, tm_err *err);
tm_rc tm_store_get_relation(tm_store *st, int64_t rel_id, tm_relation *out, tm_err *err);
/* The stored relation with key's identity (subject, predicate, object, start,
 * end; its other fields are not read).  TM_ERR_NOTFOUND if none. */
tm_rc tm_store_find_relation(tm_store *st, const tm_relation *key, tm_relation *out, tm_err *err);
tm_rc tm_store_get_involvement(tm_store *st, int64_t inv_id, tm_involvement *out, tm_err *err);
/* The same for an involvement: (entity, category, start, end). */
tm_rc tm_store_find_involvement(tm_store *st, const tm_involvement *key, tm_involvement *out, tm_err *err);

/* Iteration.  A callback returns 0 to go on, non-zero to stop (that value is
 * then not an error).  Records passed to callbacks are borrowed for the call. */
typedef int (*tm_source_fn)(void *ctx, const tm_source *src);
typedef int (*tm_entity_fn)(void *ctx, const tm_entity *ent);
typedef int (*tm_relation_fn)(void *ctx, int64_t rel_id, const tm_relation *rel);
typedef int (*tm_involvement_fn)(void *ctx, int64_t inv_id, const tm_involvement *v);

tm_rc tm_store_each_source(tm_store *st, tm_source_fn fn, void *ctx, tm_err *err);    /* by id */
tm_rc tm_store_each_entity(tm_store *st, tm_entity_fn fn, void *ctx, tm_err *err);    /* by id */
/* by subject, predicate, object, start, end */
tm_rc tm_store_each_relation(tm_store *st, tm_relation_fn fn, void *ctx, tm_err *err);
/* Relations where id is the subject or the object. */
tm_rc tm_store_entity_relations(tm_store *st, const char *id, tm_relation_fn fn, void *ctx, tm_err *err);
/* Involvements by entity id, category, start, end. */
tm_rc tm_store_each_involvement(tm_store *st, tm_involvement_fn fn, void *ctx, tm_err *err);
/* The involvements of entity id, by category, start, end. */
tm_rc tm_store_entity_involvements(tm_store *st, const char *id, tm_involvement_fn fn, void *ctx, tm_err *err);
/* Every involvement as (entity key, index in tm_categories, involvement id),
 * for the flagger: one read of a small table.  A category this build does
 * not know is skipped. */
tm_rc tm_store_each_involved(tm_store *st, int (*fn)(void *ctx, tm_ekey key, int category, int64_t inv_id),
			     void *ctx, tm_err *err);
/* The entities, involvements and relations that cite source_id (any fn may
 * be NULL), entities by id, involvements by entity and category, relations
 * by subject.  limit > 0: only the first limit+1 of each, by when they were
 * written (one more than limit says there are more); 0: all. */
tm_rc tm_store_source_claims(tm_store *st, const char *source_id, size_t limit, tm_entity_fn efn,
			     tm_involvement_fn ifn, tm_relation_fn rfn, void *ctx, tm_err *err);

/*
 * Look-ups: what search (src/search) and screening (src/match) are built on.
 * Each asks one index and hands what it finds to fn, at most limit of them,
 * in the index's order; fn returns 0 to go on, non-zero to stop (not an
 * error), and must not call the same look-up again.  They rank nothing:
 * scores and the order of answers are the caller's policy.  Nothing found
 * is an empty answer and TM_OK; only a failure of the store is an error.
 */

/* A name found: its entity's key and its name row. */
typedef int (*tm_name_fn)(void *ctx, tm_ekey entity, int64_t name);

/* Names with a match key (text.h) equal to key ("" finds nothing). */
tm_rc tm_store_names_by_key(tm_store *st, const char *key, size_t limit, tm_name_fn fn, void *ctx, tm_err *err);

/* Names with a match key that starts with prefix (at least 2 bytes; a
 * shorter one finds nothing), by key; longer_only: not those whose key is
 * prefix itself.  fn also gets the length of the key in bytes. */
tm_rc tm_store_names_by_prefix(tm_store *st, const char *prefix, int longer_only, size_t limit,
			       int (*fn)(void *ctx, tm_ekey entity, int64_t name, size_t key_len), void *ctx,
			       tm_err *err);

/* The word lists of a name (text.h): its words, the pinyin of its Han
 * characters, and its runs of Han characters as overlapping pairs. */
enum { TM_WORDS_TOKENS = 1, TM_WORDS_PINYIN = 2, TM_WORDS_PAIRS = 4 };
/* One condition on a name's words: any one of the phrases stands in one
 * of the lists.  A phrase is words separated by spaces, found in order and
 * next to each other; with prefix (and one phrase), its last word may be the
 * start of a longer one. */
typedef struct tm_words_term {
	int lists;                  /* TM_WORDS_* or'ed */
	const char *const *phrases; /* phrases[0..n-1]; n == 0 matches nothing */
	size_t n;
	int prefix;
} tm_words_term;
/* Names that meet every one of terms[0..n-1], by name row. */
tm_rc tm_store_names_by_words(tm_store *st, const tm_words_term *terms, size_t n, size_t limit, tm_name_fn fn,
			      void *ctx, tm_err *err);

/* The words of names (tokens that start with an ASCII letter or digit)
 * that start with the n bytes at start, in byte order.  A word of a name
 * since changed may stay listed: it then finds no name. */
tm_rc tm_store_words_from(tm_store *st, const char *start, size_t n, size_t limit,
			  int (*fn)(void *ctx, const char *word, size_t len), void *ctx, tm_err *err);

/* Every word of the word lists (tokens and pinyin) that starts with an
 * ASCII letter or digit, with the number of names holding it: a scan of
 * the vocabulary, not of the entities (screening reads it once to find
 * words one typo away). */
tm_rc tm_store_each_word(tm_store *st, int (*fn)(void *ctx, const char *word, int64_t names), void *ctx,
			 tm_err *err);

/* Entities with an identifier equal to value without regard to case;
 * scheme NULL: of any scheme.  fn gets the scheme stored. */
tm_rc tm_store_names_by_ident(tm_store *st, const char *value, const char *scheme, size_t limit,
			      int (*fn)(void *ctx, tm_ekey entity, const char *scheme), void *ctx, tm_err *err);

/* Every match key of every name of entity: fn(ctx, name row, key). */
tm_rc tm_store_entity_keys(tm_store *st, tm_ekey entity, int (*fn)(void *ctx, int64_t name, const char *key),
			   void *ctx, tm_err *err);

/* The text and language tag of a name row (owned by the caller);
 * TM_ERR_NOTFOUND when there is no such row. */
tm_rc tm_store_name_text(tm_store *st, int64_t name, char **text, char **lang, tm_err *err);

/* The slug, kind and names of the entity with key (not its tags,
 * identifiers or citations): what tm_entity_display_name() needs, for
 * answers that name many entities.  TM_ERR_NOTFOUND when absent; *out is
 * the caller's to tm_entity_release(). */
tm_rc tm_store_entity_names(tm_store *st, tm_ekey key, tm_entity *out, tm_err *err);

/* What screening weighs of an entity; strings owned by the caller. */
typedef struct tm_store_brief {
	char *id;      /* slug */
	char *kind;
	char *country; /* NULL when unknown */
	char *desc_en, *desc_zh; /* its description, what it does (NULL when none): the words of its trade */
} tm_store_brief;
/* TM_ERR_NOTFOUND when no entity has that key. */
tm_rc tm_store_entity_brief(tm_store *st, tm_ekey key, tm_store_brief *out, tm_err *err);
void tm_store_brief_release(tm_store_brief *b);

/* The brute-force reference: every (entity, name, key) in the store, by
 * entity.  A scan of everything; only for checking the indexed look-ups. */
tm_rc tm_store_each_key(tm_store *st, int (*fn)(void *ctx, tm_ekey entity, int64_t name, const char *key),
			void *ctx, tm_err *err);

/* Make the reads that follow see one state of the data, whatever commits
 * meanwhile: a read transaction when none is open (*began says whether one
 * was), until tm_store_read_end(st, *began).  Besides consistency, SQLite
 * then takes its file lock once rather than once a statement, which costs
 * as much as a look-up.  Flags: TM_READ_MANY, many look-ups follow (a
 * screening run), worth mapping the file's pages into memory; TM_READ_NOW,
 * the state is the one at this call, not at the first read (an export
 * streamed over minutes). */
enum { TM_READ_MANY = 1, TM_READ_NOW = 2 };
tm_rc tm_store_read_begin(tm_store *st, int flags, int *began, tm_err *err);
void tm_store_read_end(tm_store *st, int began);

/* The graph engine's feed. */
typedef struct tm_edge_row {
	int64_t rel_id;
	tm_ekey subject, object;
	int predicate;      /* index into tm_predicates */
	const char *start;  /* "" when open */
	const char *end;
	int has_share;
	double share;
} tm_edge_row;
/* *empty: 1 when the database holds no source and no entity (an import
 * into it has nothing to compare its records with). */
tm_rc tm_store_is_empty(tm_store *st, int *empty, tm_err *err);
/* The largest entity key in use (keys run 1..max, with gaps). */
tm_rc tm_store_max_ekey(tm_store *st, tm_ekey *out, tm_err *err);
tm_rc tm_store_each_ekey(tm_store *st, int (*fn)(void *ctx, tm_ekey key, const char *id, const char *kind),
			 void *ctx, tm_err *err);
tm_rc tm_store_each_edge(tm_store *st, int (*fn)(void *ctx, const tm_edge_row *row), void *ctx, tm_err *err);
/* The feed of one entity, for a graph that follows edits (graph.h
 * tm_graph_refresh()): its kind in *kind (owned by the caller; NULL when
 * the key has no entity), and every relation with it as subject or object. */
tm_rc tm_store_ekey_kind(tm_store *st, tm_ekey key, char **kind, tm_err *err);
tm_rc tm_store_edges_of(tm_store *st, tm_ekey key, int (*fn)(void *ctx, const tm_edge_row *row), void *ctx,
			tm_err *err);

/* What each write touched, for a server that keeps a graph in memory and
 * follows its own edits (docs/editing.md "Live graph").  After
 * tm_store_track_touches() on a writable store, every committed transaction
 * that moved data_version is noted with the version it made and the keys
 * of the entities it wrote, deleted or wrote a relation of (old and new
 * ends); all = 1 when there were too many to list (TM_TOUCH_MAX), and the
 * reader should build its graph again.  tm_store_take_touches() hands the
 * notes over, oldest first (the caller frees them with
 * tm_touches_release()).  Writes by other connections are not seen: their
 * versions are simply missing. */
#define TM_TOUCH_MAX 20000
typedef struct tm_touch {
	int64_t version;
	tm_ekey *keys;
	size_t n;
	int all;
} tm_touch;
tm_rc tm_store_track_touches(tm_store *st, tm_err *err);
size_t tm_store_take_touches(tm_store *st, tm_touch **out);
void tm_touches_release(tm_touch *t, size_t n);
/* Entity keys of the entities carrying tag. */
tm_rc tm_store_tagged(tm_store *st, const char *tag, int (*fn)(void *ctx, tm_ekey key), void *ctx, tm_err *err);
tm_rc tm_store_ekey(tm_store *st, const char *id, tm_ekey *out, tm_err *err);
/* The entity id of a key (*id owned by the caller); TM_ERR_NOTFOUND if none. */
tm_rc tm_store_entity_id(tm_store *st, tm_ekey key, char **id, tm_err *err);
/* A counter that changes whenever the data changes (graph caches compare
 * it); -1 when it cannot be read (the failure is kept, see above). */
int64_t tm_store_data_version(tm_store *st);
/* Where a cache of what is derived from the store's data is kept (name:
 * "graph" for the graph's snapshot, "vocab" for the typo index of search
 * and screening), in *path (owned by the caller), and the stamp it must
 * carry to be used: the database file (device, inode, size, modification
 * time to the nanosecond) at its data and schema versions, so that a write,
 * or a new database at the same path, makes every cache stale.  TM_ERR_NOTFOUND when
 * the store keeps no caches (a database in memory). */
tm_rc tm_store_cache(tm_store *st, const char *name, char **path, uint64_t *stamp, tm_err *err);

/* `tiemap recover`: on a store opened writable (which has already played
 * back or dropped what an interrupted write left, see tm_store_open()),
 * checkpoint the log and cut it to nothing, then check the whole file
 * (PRAGMA integrity_check).  fn (may be NULL) gets each problem found, and
 * *problems their number; 0 means the file is whole. */
tm_rc tm_store_recover(tm_store *st, int (*fn)(void *ctx, const char *problem), void *ctx, size_t *problems,
		       tm_err *err);

/* After a deletion that must not stay readable on the disk
 * (store_petition.h): rewrite the whole file from its live rows (VACUUM,
 * through a temporary file), then move the log into it and cut the log to
 * nothing, waiting for readers as long as the busy timeout (5 s).
 * Overwriting the deleted rows in place (secure_delete) is not enough:
 * SQLite leaves copies of cells it moved between pages in the free space
 * of the pages it rebuilt, and a copy of a row deleted since stays there.
 * The rewrite holds the write lock for as long as it takes (9 s for a
 * 174 MB database on a loaded two-core machine).  *complete 0 when a reader kept part of the log (the next
 * checkpoint will cut it).  Not inside a transaction. */
tm_rc tm_store_rewrite(tm_store *st, int *complete, tm_err *err);

typedef struct tm_counts {
	int64_t sources, entities, relations, names, citations, involvements;
} tm_counts;
tm_rc tm_store_counts(tm_store *st, tm_counts *out, tm_err *err);

/* Findings of `tiemap check`.  what is one of: unsourced_entity,
 * unsourced_relation, uncited_source, isolated_entity, duplicate_key,
 * place_involvement (an involvement of an entity that is now a place: it
 * never flags), unchecked_source (a cited source whose title and URL were
 * not seen). */
typedef struct tm_finding {
	const char *what;
	const char *id;     /* the entity or source id; for relations "subj predicate obj" */
	const char *detail; /* e.g. the shared match key and the other entity */
} tm_finding;
tm_rc tm_store_check(tm_store *st, int (*fn)(void *ctx, const tm_finding *f), void *ctx, tm_err *err);

/* The site's texts (model.h tm_page): put replaces the page with the id. */
tm_rc tm_store_put_page(tm_store *st, const tm_page *p, tm_err *err);
tm_rc tm_store_get_page(tm_store *st, const char *id, tm_page *out, tm_err *err); /* TM_ERR_NOTFOUND if none */
tm_rc tm_store_each_page(tm_store *st, int (*fn)(void *ctx, const tm_page *p), void *ctx, tm_err *err); /* by id */

/* ---- merged ids and likely duplicates (store_merge.c; docs/editing.md,
 * "Merging") ---- */

/* The entity that id was merged into, in *into (owned), or NULL when id
 * is no entity's referent (an entity's own id never is one). */
tm_rc tm_store_referent(tm_store *st, const char *id, char **into, tm_err *err);

/* Two entities that look like one: the same identifier (scheme and value,
 * letter case aside), or a strong name match (TM_DUP_NAME: a name of each
 * with the same match key without legal form and spaces, text.h's bare,
 * in the same country and of the same kind).  Borrowed strings. */
enum { TM_DUP_IDENT = 1, TM_DUP_NAME = 2 };
typedef struct tm_duplicate {
	const char *a, *b;  /* the two ids, a < b */
	int why;            /* TM_DUP_IDENT and/or TM_DUP_NAME */
	const char *detail; /* "isin US0000000000; name 'hikvision' (CN company)" */
} tm_duplicate;
/* Every pair, by a then b, at most limit (0: all) pairs; fn returns
 * non-zero to stop.  A name key that more than TM_DUP_KEY_MAX entities
 * share is a generic name, not a duplicate, and is passed over (bounds the
 * pairs it could make). */
#define TM_DUP_KEY_MAX 32
tm_rc tm_store_duplicates(tm_store *st, size_t limit, int (*fn)(void *ctx, const tm_duplicate *d), void *ctx,
			  tm_err *err);

/* The ids of the actions and the sites that name entity id, appended to
 * actions and sites (a merge moves them to the kept entity). */
tm_rc tm_store_entity_users(tm_store *st, const char *id, tm_strv *actions, tm_strv *sites, tm_err *err);
/* The ids of the petitions that name entity id, appended to out. */
tm_rc tm_store_entity_petitions(tm_store *st, const char *id, tm_strv *out, tm_err *err);

#endif
