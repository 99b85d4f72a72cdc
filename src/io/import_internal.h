/*
 * What the importers of io share: the record that travels from a parser to
 * the writer, and the writer itself (import_jsonl.c).  Not a contract
 * outside src/io.
 *
 * Every importer ends in the same writer, so that every import is one
 * transaction, all or nothing, with the same checks of references and
 * repeats and the same conflict rules (io.h): the JSON Lines parser,
 * the FollowTheMoney parser (import_ftm.c) and the mapped tables
 * (import_map.c) only make records.
 */
#ifndef TM_IO_IMPORT_INTERNAL_H
#define TM_IO_IMPORT_INTERNAL_H

#include "io/io.h"

/* In the order they are written: later types refer to earlier ones.
 * REC_ATTACH is no record of its own: it adds to one (below). */
enum rec_type {
	REC_SOURCE,
	REC_ENTITY,
	REC_RELATION,
	REC_INVOLVEMENT,
	REC_SITE,
	REC_ACTION,
	REC_CAPTURE,
	REC_PETITION,
	REC_PAGE,
	REC_ATTACH
};
#define N_REC_TYPES (REC_PAGE + 1)

enum {
	/* a reference to an entity that is nowhere at the end, or was left
	 * out, drops this record (counted) instead of failing the import:
	 * FollowTheMoney files are often parts of a larger whole */
	REC_F_SOFT = 1,
	/* an entity written only when a record vouches for it (see vouch):
	 * a person whose only public role is the directorship that names them */
	REC_F_VOUCHED = 2,
	/* waiting for a reference does not hold the later records of its type:
	 * the input's order has no meaning to keep */
	REC_F_ANY_ORDER = 4,
	/* written only at the end, and a record of the same key but other
	 * content is merged into it (tm_relation_merge() …) rather than
	 * refused: several FollowTheMoney entities may make one tie (two
	 * Ownerships of two classes of shares), a list may name one company
	 * twice; so that the record is whole before it is compared with the
	 * database and a second run finds it unchanged */
	REC_F_MERGE = 8,
};

/* What an attachment adds to the record made from the FollowTheMoney
 * entity `target` (a Documentation: a citation's quote and page; an
 * Identification: an identifier), or says of it (ATT_DROPPED: an entity
 * left out, so that the ties to it are told apart from ties to nothing). */
enum { ATT_CITE, ATT_IDENT, ATT_DROPPED };
struct attach {
	int what;
	char *target; /* FtM id (ATT_DROPPED: the entity id) */
	char *a;      /* ATT_CITE: source id; ATT_IDENT: scheme */
	char *b;      /* ATT_CITE: quote or NULL; ATT_IDENT: value */
	char *c;      /* ATT_CITE: page or NULL */
	char *why;    /* ATT_DROPPED: what the report counts it as */
};

struct rec {
	enum rec_type type;
	const char *file;
	uint32_t input; /* index of the input it came from */
	size_t line;
	unsigned flags; /* REC_F_* */
	tm_name_index names; /* an entity's: made while parsing, for tm_store_put_entity_indexed() */
	char *canon; /* canonical JSON, to tell a repeat from a redefinition; made
		      * only for records that share a key */
	char *ftm;   /* the FollowTheMoney id it was made from (attachments find it), or NULL */
	/* a relation: the entity it puts in a public role, or NULL; an entity
	 * with REC_F_VOUCHED: what the report counts it as when none does */
	char *vouch;
	char *where; /* how errors name it instead of FILE:LINE ("FILE: PATH"), or NULL */
	/* last, so that a record kept waiting takes only its own member's room */
	union {
		tm_source src;
		tm_entity ent;
		tm_relation rel;
		tm_involvement inv;
		tm_site site;
		tm_action act;
		tm_capture cap;
		tm_petition pet;
		tm_page page;
		struct attach att;
	} u;
};
void tm_import_rec_release(struct rec *r);

/* Counted reasons, in the order first given. */
void tm_import_drop(tm_import_drops *d, const char *what, size_t n);
/* Add all of from to d. */
void tm_import_drops_add(tm_import_drops *d, const tm_import_drops *from);

/* Records made by a parser, with the problems it found. */
struct recbuf {
	struct rec *v;
	size_t n, cap;
	tm_strv errors;        /* "FILE:LINE: reason" */
	tm_import_drops drops; /* what the parser left out */
	tm_strv seen;          /* the parser's: source ids it made records of (one per batch is enough) */
};
/* A fresh record at the end of out (zeroed but for file, input, line). */
struct rec *tm_import_push(struct recbuf *out, enum rec_type type, const char *file, uint32_t input, size_t line);
/* Remove the last record (a parser that gives up on it). */
void tm_import_pop(struct recbuf *out);
void tm_recbuf_release(struct recbuf *out);

/* Write the records of out (taken from it) as one import: the same checks,
 * conflict rules and report as tm_import_files().  out->errors already
 * listed fail the import. */
tm_rc tm_import_recs(tm_store *st, struct recbuf *out, const tm_import_opts *opts, tm_import_report *rep,
		     tm_err *err);

/* One record in the interchange format (docs/format.md), already parsed
 * from JSON, checked as the JSON Lines importer checks a line and added to
 * out; problems go to out->errors as "FILE:LINE: reason", or "WHERE:
 * reason" when where is given.  The mapped importer makes its records
 * this way, so that they are checked as a file of them would be. */
void tm_import_parse_json(const tm_import_opts *opts, json_t *o, struct recbuf *out, const char *file,
			  uint32_t input, size_t line, const char *where);

/* The FollowTheMoney parser (import_ftm.c): one line of a file, any number
 * of records into out.  Runs on the import's worker threads. */
void tm_ftm_parse_line(const tm_import_opts *opts, struct recbuf *out, const char *file, uint32_t input,
		       size_t lineno, const char *line, size_t len);

#endif
