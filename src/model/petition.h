/*
 * model/petition: the petition record.  A petition is a text the network
 * asks people to sign, addressed to someone (its target), about
 * institutions of the graph, usually as part of an action (kind
 * "petition").  It is the network's own appeal, so it cites no sources:
 * the claims it rests on are those of its entities and its action, which
 * do.  Its signatures are not part of the record: they are kept sealed,
 * apart (store_petition.h, seal.h, docs/petitions.md).
 *
 * Follows the rules of model.h: plain structs of owned strings,
 * X_release() frees what they hold, an absent optional string is NULL and
 * an absent date "".
 */
#ifndef TM_MODEL_PETITION_H
#define TM_MODEL_PETITION_H

#include "model/action.h"

typedef struct tm_petition {
	char *id;                  /* slug, as entity ids */
	tm_bitext title;           /* at least one language */
	tm_bitext text;            /* what signers put their name to; at least one language */
	tm_bitext target;          /* to whom it is addressed ("Hikvision's distributors in Canada"), or NULLs */
	tm_strv entities;          /* the entities it targets, by id, in the record's order */
	char *action;              /* the action it belongs to, or NULL */
	char opens[TM_DATE_MAX];   /* YYYY-MM-DD: signing starts that day (UTC) */
	char closes[TM_DATE_MAX];  /* YYYY-MM-DD: the last day of signing (UTC), or "" */
	int64_t goal;              /* signatures hoped for; 0: none given */
	char *public_key;          /* the organisers' sealing key, URL-safe base64 (seal.h) */
} tm_petition;

void tm_petition_release(tm_petition *p);

/* Whether signing is open on day ("YYYY-MM-DD"): -1 not yet, 0 open, 1 closed. */
int tm_petition_phase(const tm_petition *p, const char *day);

#endif
