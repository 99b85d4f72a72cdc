/*
 * One record at a time (io.h's tm_record): what editing and history need
 * of the interchange format, with the importer's checks and messages.
 */
#include "io/io.h"

#include <stdlib.h>
#include <string.h>

#include "store/store_campaign.h"
#include "store/store_history.h"

static const char *const type_names[] = { "source", "entity", "relation", "site", "action", "involvement" };

const char *tm_record_type_name(tm_record_type t)
{
	return t >= TM_RECORD_SOURCE && t <= TM_RECORD_LAST ? type_names[t] : "record";
}

tm_record_type tm_record_type_parse(const char *s)
{
	for (int i = 0; s && i <= TM_RECORD_LAST; i++)
		if (strcmp(type_names[i], s) == 0)
			return (tm_record_type)i;
	return TM_RECORD_NONE;
}

void tm_record_release(tm_record *r)
{
	if (!r)
		return;
	switch (r->type) {
	case TM_RECORD_SOURCE: tm_source_release(&r->u.src); break;
	case TM_RECORD_ENTITY: tm_entity_release(&r->u.ent); break;
	case TM_RECORD_RELATION: tm_relation_release(&r->u.rel); break;
	case TM_RECORD_SITE: tm_site_release(&r->u.site); break;
	case TM_RECORD_ACTION: tm_action_release(&r->u.act); break;
	case TM_RECORD_INVOLVEMENT: tm_involvement_release(&r->u.inv); break;
	case TM_RECORD_NONE: break;
	}
	memset(r, 0, sizeof(*r));
	r->type = TM_RECORD_NONE;
}

tm_rc tm_record_parse_text(const char *text, tm_record *out, tm_err *err)
{
	json_error_t jerr;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!o) {
		memset(out, 0, sizeof(*out));
		out->type = TM_RECORD_NONE;
		return tm_fail(err, TM_ERR_INVALID, "bad JSON: %s", jerr.text);
	}
	tm_rc rc = tm_record_parse(o, 1, out, err);
	json_decref(o);
	return rc;
}

json_t *tm_record_to_json(const tm_record *r)
{
	switch (r->type) {
	case TM_RECORD_SOURCE: return tm_source_to_json(&r->u.src);
	case TM_RECORD_ENTITY: return tm_entity_to_json(&r->u.ent);
	case TM_RECORD_RELATION: return tm_relation_to_json(&r->u.rel);
	case TM_RECORD_SITE: return tm_site_to_json(&r->u.site);
	case TM_RECORD_ACTION: return tm_action_to_json(&r->u.act);
	case TM_RECORD_INVOLVEMENT: return tm_involvement_to_json(&r->u.inv);
	case TM_RECORD_NONE: break;
	}
	return json_null();
}

char *tm_record_canon(const tm_record *r)
{
	/* the importer's canonical form (rec_canon): the two must agree, or a
	 * record would look changed when it is not */
	json_t *j = tm_record_to_json(r);
	char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(j);
	return s;
}

char *tm_record_key(const tm_record *r)
{
	switch (r->type) {
	case TM_RECORD_SOURCE: return tm_xstrdup(r->u.src.id);
	case TM_RECORD_ENTITY: return tm_xstrdup(r->u.ent.id);
	case TM_RECORD_RELATION: return tm_relation_key(&r->u.rel);
	case TM_RECORD_SITE: return tm_xstrdup(r->u.site.id);
	case TM_RECORD_ACTION: return tm_xstrdup(r->u.act.id);
	case TM_RECORD_INVOLVEMENT: return tm_involvement_key(&r->u.inv);
	case TM_RECORD_NONE: break;
	}
	return tm_xstrdup("");
}

static tm_rc cites_refs(tm_store *st, const tm_cites *c, tm_err *err)
{
	for (size_t i = 0; i < c->n; i++) {
		int found = 0;
		tm_rc rc = tm_store_has_source(st, c->v[i].source, &found, err);
		if (rc)
			return rc;
		if (!found)
			return tm_fail(err, TM_ERR_INVALID, "unknown source '%s'", c->v[i].source);
	}
	return TM_OK;
}

static tm_rc entity_ref(tm_store *st, const char *id, tm_err *err)
{
	int found = 0;
	tm_rc rc = id ? tm_store_has_entity(st, id, &found, err) : TM_OK;
	if (rc)
		return rc;
	if (id && !found)
		return tm_fail(err, TM_ERR_INVALID, "unknown entity '%s'", id);
	return TM_OK;
}

/* A place carries no involvement (the importer's rule and words). */
static tm_rc place_ref(tm_store *st, const char *id, tm_err *err)
{
	tm_entity e;
	tm_rc rc = tm_store_get_entity(st, id, &e, err);
	if (rc)
		return rc;
	if (tm_kind_is_place(e.kind))
		rc = tm_fail(err, TM_ERR_INVALID,
			     "entity '%s' is a %s: a place carries no involvement; put the claim on the institution", id,
			     e.kind);
	tm_entity_release(&e);
	return rc;
}

tm_rc tm_record_refs(tm_store *st, const tm_record *r, tm_err *err)
{
	tm_rc rc = TM_OK;
	switch (r->type) {
	case TM_RECORD_ENTITY: rc = cites_refs(st, &r->u.ent.cites, err); break;
	case TM_RECORD_RELATION:
		if (!(rc = entity_ref(st, r->u.rel.subject, err)) && !(rc = entity_ref(st, r->u.rel.object, err)))
			rc = cites_refs(st, &r->u.rel.cites, err);
		break;
	case TM_RECORD_SITE:
		if (!(rc = entity_ref(st, r->u.site.entity, err)))
			rc = cites_refs(st, &r->u.site.cites, err);
		break;
	case TM_RECORD_ACTION:
		for (size_t i = 0; !rc && i < r->u.act.actors.n; i++)
			rc = entity_ref(st, r->u.act.actors.v[i].entity, err);
		for (size_t i = 0; !rc && i < r->u.act.targets.n; i++)
			rc = entity_ref(st, r->u.act.targets.v[i].entity, err);
		if (!rc)
			rc = cites_refs(st, &r->u.act.cites, err);
		break;
	case TM_RECORD_INVOLVEMENT:
		if (!(rc = entity_ref(st, r->u.inv.entity, err)) && !(rc = place_ref(st, r->u.inv.entity, err)))
			rc = cites_refs(st, &r->u.inv.cites, err);
		break;
	case TM_RECORD_SOURCE:
	case TM_RECORD_NONE: break;
	}
	return rc;
}

tm_rc tm_record_stored(tm_store *st, tm_record_type t, const char *key, char **canon, tm_err *err)
{
	tm_record r;
	memset(&r, 0, sizeof(r));
	r.type = t;
	tm_rc rc;
	*canon = NULL;
	switch (t) {
	case TM_RECORD_SOURCE: rc = tm_store_get_source(st, key, &r.u.src, err); break;
	case TM_RECORD_ENTITY: rc = tm_store_get_entity(st, key, &r.u.ent, err); break;
	case TM_RECORD_RELATION: {
		tm_relation k;
		if (!tm_relation_key_parse(key, &k)) {
			tm_relation_release(&k);
			return tm_fail(err, TM_ERR_INVALID, "bad relation key '%.80s'", key);
		}
		rc = tm_store_find_relation(st, &k, &r.u.rel, err);
		tm_relation_release(&k);
		break;
	}
	case TM_RECORD_INVOLVEMENT: {
		tm_involvement k;
		if (!tm_involvement_key_parse(key, &k)) {
			tm_involvement_release(&k);
			return tm_fail(err, TM_ERR_INVALID, "bad involvement key '%.80s'", key);
		}
		rc = tm_store_find_involvement(st, &k, &r.u.inv, err);
		tm_involvement_release(&k);
		break;
	}
	case TM_RECORD_SITE: rc = tm_store_get_site(st, key, &r.u.site, err); break;
	case TM_RECORD_ACTION: {
		char updated_at[24];
		rc = tm_store_get_action(st, key, &r.u.act, updated_at, err);
		break;
	}
	default: return tm_fail(err, TM_ERR_INVALID, "unknown record type");
	}
	if (rc == TM_ERR_NOTFOUND) {
		if (err)
			memset(err, 0, sizeof(*err));
		r.type = TM_RECORD_NONE;
		return TM_OK;
	}
	if (rc) {
		r.type = TM_RECORD_NONE;
		return rc;
	}
	*canon = tm_record_canon(&r);
	tm_record_release(&r);
	return TM_OK;
}

tm_rc tm_record_put(tm_store *st, const tm_record *r, tm_err *err)
{
	switch (r->type) {
	case TM_RECORD_SOURCE: return tm_store_put_source(st, &r->u.src, err);
	case TM_RECORD_ENTITY: return tm_store_put_entity(st, &r->u.ent, err);
	case TM_RECORD_RELATION: return tm_store_put_relation(st, &r->u.rel, err);
	case TM_RECORD_SITE: return tm_store_put_site(st, &r->u.site, err);
	case TM_RECORD_ACTION: return tm_store_put_action(st, &r->u.act, err);
	case TM_RECORD_INVOLVEMENT: return tm_store_put_involvement(st, &r->u.inv, err);
	case TM_RECORD_NONE: break;
	}
	return tm_fail(err, TM_ERR_INTERNAL, "no record to write");
}

tm_rc tm_record_delete(tm_store *st, tm_record_type t, const char *key, tm_err *err)
{
	switch (t) {
	case TM_RECORD_SOURCE: return tm_store_delete_source(st, key, err);
	case TM_RECORD_ENTITY: return tm_store_delete_entity(st, key, err);
	case TM_RECORD_RELATION: {
		tm_relation k;
		tm_rc rc = tm_relation_key_parse(key, &k) ? tm_store_delete_relation(st, &k, err) :
							    tm_fail(err, TM_ERR_INVALID, "bad relation key '%.80s'", key);
		tm_relation_release(&k);
		return rc;
	}
	case TM_RECORD_SITE: return tm_store_delete_site(st, key, err);
	case TM_RECORD_ACTION: return tm_store_delete_action(st, key, err);
	case TM_RECORD_INVOLVEMENT: {
		tm_involvement k;
		tm_rc rc = tm_involvement_key_parse(key, &k) ?
				   tm_store_delete_involvement(st, &k, err) :
				   tm_fail(err, TM_ERR_INVALID, "bad involvement key '%.80s'", key);
		tm_involvement_release(&k);
		return rc;
	}
	case TM_RECORD_NONE: break;
	}
	return tm_fail(err, TM_ERR_INVALID, "unknown record type");
}
