/*
 * io: the interchange formats.  The JSON Lines importer (all or nothing) and
 * the exporters (jsonl, csv, dot).  Records go to and from JSON through the
 * functions here and nowhere else, so the import and the export agree on
 * one shape (docs/format.md).
 */
#ifndef TM_IO_H
#define TM_IO_H

#include <stdio.h>

#include <jansson.h>

#include "core/core.h"
#include "model/action.h"
#include "model/capture.h"
#include "model/model.h"
#include "model/petition.h"
#include "store/store.h"

/* What an import does with a record whose id (a relation: its subject,
 * predicate, object and dates) is stored with different content. */
typedef enum tm_conflict {
	TM_CONFLICT_REPLACE = 0, /* the record replaces the stored one whole (JSON Lines' default) */
	TM_CONFLICT_REFUSE,      /* the import fails, naming it (mapped and FtM imports' default) */
	TM_CONFLICT_KEEP,        /* the stored one stays, the record is left */
	TM_CONFLICT_MERGE,       /* both: the stored fields stay, the record adds names, tags,
				  * identifiers and citations and fills empty fields (docs/mapping.md) */
} tm_conflict;

/* The input's format. */
enum { TM_IMPORT_JSONL = 0, TM_IMPORT_FTM };

typedef struct tm_import_opts {
	int allow_unsourced; /* accept claims without a citation, marked unsourced */
	int format;          /* TM_IMPORT_JSONL or TM_IMPORT_FTM (docs/ftm.md) */
	tm_conflict on_conflict;
	int dry_run;         /* check and compare everything, write nothing: the report says what would change */
	/* Called now and then while writing: done of total records (an estimate
	 * from the share of the input read, until the end).  May be NULL. */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	/* History (store_history.h): the import is one change, by author (the
	 * operator; NULL "import"), summary (NULL: "import" and the inputs'
	 * names).  Change and revision lines (an export --history) are kept
	 * with their numbers, and a record their history already ends with
	 * makes no new revision, so that a history survives a round trip. */
	const char *author;
	const char *summary;
} tm_import_opts;

/* What an importer left out, counted by reason ("Person without a public
 * role", "birthDate of a person" …): said, never silent. */
typedef struct tm_import_drops {
	struct tm_import_drop {
		char *what; /* owned */
		size_t n;
	} *v;
	size_t n, cap;
} tm_import_drops;
void tm_import_drops_release(tm_import_drops *d);

typedef struct tm_import_report {
	size_t sources, entities, relations; /* records read (after removing exact repeats) */
	size_t actions, sites;               /* the campaign records (model/action.h) */
	size_t involvements, pages;
	size_t captures;                     /* archived copies of sources (model/capture.h) */
	size_t petitions;                    /* model/petition.h */
	tm_strv errors;                      /* "FILE:LINE: reason", in file order */
	/* Sources, entities and relations against the database as it was,
	 * when the import compares them (a conflict rule other than replace,
	 * or a dry run): new, the same, different (and then replaced, kept or
	 * merged by the rule). */
	int compared;
	size_t added, unchanged, changed, kept, merged;
	/* One line per record added (dry runs only), changed, kept or merged:
	 * "add entity 'x'", "change entity 'x': names, tags" … */
	tm_strv changes;
	tm_import_drops drops;
} tm_import_report;
void tm_import_report_release(tm_import_report *rep);

/* Import the JSON Lines files paths[0..n-1] in one transaction.  On any bad
 * line nothing is written, every problem is listed in rep->errors and the
 * result is TM_ERR_INVALID.  A path of "-" reads standard input.  Lines are
 * parsed on worker threads and written as they come (a record that refers to
 * one further on waits in memory until the end); the transaction holds the
 * database's write lock from the start. */
tm_rc tm_import_files(tm_store *st, const char *const *paths, size_t n, const tm_import_opts *opts,
		      tm_import_report *rep, tm_err *err);

/* The same for a buffer already in memory (the fuzz target and the web use
 * it); name is what error lines call the input. */
tm_rc tm_import_buffer(tm_store *st, const char *name, const char *data, size_t len, const tm_import_opts *opts,
		       tm_import_report *rep, tm_err *err);

/* Apply the mapping file at map_path (docs/mapping.md) to the tables,
 * JSON or YAML files paths[0..n-1] and import what it makes, as
 * tm_import_files() does: one transaction, every problem named with its
 * FILE:LINE or FILE: PATH. */
tm_rc tm_import_mapped(tm_store *st, const char *map_path, const char *const *paths, size_t n,
		       const tm_import_opts *opts, tm_import_report *rep, tm_err *err);

/* o[key] = v, unless v is NULL or empty: the export leaves out what is
 * unknown rather than writing "" (docs/format.md). */
void tm_json_set_str(json_t *o, const char *key, const char *v);

/* Records as JSON, in the export's canonical shape and field order.  The
 * returned object is owned by the caller (json_decref). */
json_t *tm_source_to_json(const tm_source *s);
json_t *tm_entity_to_json(const tm_entity *e);
json_t *tm_relation_to_json(const tm_relation *r);
json_t *tm_involvement_to_json(const tm_involvement *v);
json_t *tm_page_to_json(const tm_page *p);
json_t *tm_cites_to_json(const tm_cites *c);
/* The campaign records (io/campaign_json.c); print them with
 * TM_IO_JSON_GEO_FLAGS so that coordinates read as written. */
json_t *tm_action_to_json(const tm_action *a);
json_t *tm_site_to_json(const tm_site *s);
/* A capture (io/export.c). */
json_t *tm_capture_to_json(const tm_capture *c);
/* A petition (io/campaign_json.c), as the importer reads it. */
json_t *tm_petition_to_json(const tm_petition *p);
#define TM_IO_JSON_GEO_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15))

/* ---- one record at a time (io/record.c): what editing and history use ---- */

/* The record types that history keeps, in the order an import writes them. */
typedef enum tm_record_type {
	TM_RECORD_SOURCE,
	TM_RECORD_ENTITY,
	TM_RECORD_RELATION,
	TM_RECORD_SITE,
	TM_RECORD_ACTION,
	TM_RECORD_INVOLVEMENT, /* written after relations; last here, so that the
				* numbers of the others stay */
	TM_RECORD_NONE = -1,
} tm_record_type;
#define TM_RECORD_LAST TM_RECORD_INVOLVEMENT
typedef struct tm_record {
	tm_record_type type;
	union {
		tm_source src;
		tm_entity ent;
		tm_relation rel;
		tm_site site;
		tm_action act;
		tm_involvement inv;
	} u;
} tm_record;
void tm_record_release(tm_record *r);
/* "source", "entity", "relation", "site", "action", "involvement"; the
 * type called s, or TM_RECORD_NONE. */
const char *tm_record_type_name(tm_record_type t);
tm_record_type tm_record_type_parse(const char *s);
/* Check o, a record in the interchange format with its "type", exactly as
 * the importer checks a line, into *out (the caller releases it, also on
 * failure).  TM_ERR_INVALID with the importer's message ("bad date …");
 * references to other records are not checked here (tm_record_refs). */
tm_rc tm_record_parse(json_t *o, int allow_unsourced, tm_record *out, tm_err *err);
/* The same from JSON text. */
tm_rc tm_record_parse_text(const char *json, tm_record *out, tm_err *err);
/* TM_ERR_INVALID naming the first entity or source that r refers to and
 * the store lacks, with the importer's words ("unknown entity 'x'"). */
tm_rc tm_record_refs(tm_store *st, const tm_record *r, tm_err *err);
json_t *tm_record_to_json(const tm_record *r);
/* Canonical JSON (compact, in the export's field order): how history keeps
 * a record's state (owned by the caller). */
char *tm_record_canon(const tm_record *r);
/* r's key in history: its id, tm_relation_key() or tm_involvement_key()
 * (owned by the caller). */
char *tm_record_key(const tm_record *r);
/* The stored record of type t and key as canonical JSON in *canon (owned
 * by the caller), NULL when there is none. */
tm_rc tm_record_stored(tm_store *st, tm_record_type t, const char *key, char **canon, tm_err *err);
/* Write r (its references must exist), or delete the record of type t and
 * key; inside the caller's transaction. */
tm_rc tm_record_put(tm_store *st, const tm_record *r, tm_err *err);
tm_rc tm_record_delete(tm_store *st, tm_record_type t, const char *key, tm_err *err);

/* Exporters.  jsonl writes sources, then entities, then relations, then
 * involvements, sites, actions, captures, petitions and pages, each sorted,
 * so that the same data always gives the same bytes.  Petitions' signatures
 * are not exported: they are not the network's data to publish
 * (docs/petitions.md). */
tm_rc tm_export_jsonl(tm_store *st, FILE *out, tm_err *err);
/* The same, then every change and every revision by number when history
 * is set (import keeps them: the round trip gives the same bytes). */
tm_rc tm_export_jsonl_history(tm_store *st, FILE *out, int history, tm_err *err);
/* One CSV file per record type in dir (created if missing). */
tm_rc tm_export_csv(tm_store *st, const char *dir, tm_err *err);
/* Graphviz: entities as nodes (English and Chinese names), ties as labelled edges. */
tm_rc tm_export_dot(tm_store *st, FILE *out, tm_err *err);
/* FollowTheMoney entities, one JSON object a line, that yente and Aleph
 * read (docs/ftm.md): sources as Documents, entities by kind as Company,
 * Organization, PublicBody, Person, Project or Territory, relations as
 * Ownership, Membership, Directorship, Employment, Succession, Payment or
 * UnknownLink, citations as `proof` and, where they quote, Documentation. */
tm_rc tm_export_ftm(tm_store *st, FILE *out, tm_err *err);
/* GeoJSON (RFC 7946): one FeatureCollection of the sites, then the actions,
 * each a Feature with a Point, or a null geometry when it has no coordinates. */
tm_rc tm_export_geojson(tm_store *st, FILE *out, tm_err *err);

#endif
