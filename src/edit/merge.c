/*
 * Merging two entities that are one (edit.h, tm_edit_merge; docs/editing.md,
 * "Merging").  Each record the merge touches is a revision, applied at once
 * in the transaction so that the next step sees it; the kept entity's
 * revision comes last and carries the referents, so that a revert, which
 * applies the inverses last first, takes the redirect away before the
 * merged entity comes back.
 */
#include "edit/edit_internal.h"

#include <stdlib.h>
#include <string.h>

struct merge {
	tm_store *st;
	const char *keep, *gone;
	tm_revision *v; /* the revisions made, in order */
	size_t n, cap;
};

/* Apply and keep revision (record, key, prev_key, before, after); the
 * strings are taken. */
static tm_rc step(struct merge *m, const char *record, const char *key, const char *prev_key, char *before,
		  char *after, tm_err *err)
{
	TM_GROW(m->v, m->cap, m->n + 1);
	tm_revision *r = &m->v[m->n++];
	memset(r, 0, sizeof(*r));
	r->record = tm_xstrdup(record);
	r->key = tm_xstrdup(key);
	r->prev_key = prev_key ? tm_xstrdup(prev_key) : NULL;
	r->before = before;
	r->after = after;
	tm_rc rc = tm_edit_apply(m->st, r, err);
	/* history ends with the record as the store holds it, dates and all */
	if (!rc && r->after)
		tm_edit_settle(m->st, r);
	return rc;
}

/* The canonical JSON of record o (a jansson object, borrowed) as the
 * importer reads it, in *canon (owned), and its key in *key (owned). */
static tm_rc canon_of(json_t *o, char **canon, char **key, tm_err *err)
{
	tm_record rec;
	tm_rc rc = tm_record_parse(o, 1, &rec, err);
	if (!rc) {
		*canon = tm_record_canon(&rec);
		if (key)
			*key = tm_record_key(&rec);
	}
	tm_record_release(&rec);
	return rc;
}

/* One tie of gone, moved to keep; a tie that lands on one keep has
 * already is merged into it, citations kept. */
static tm_rc move_tie(struct merge *m, const char *old_key, tm_err *err)
{
	char *before = NULL, *there = NULL;
	tm_record rec = { 0 }, other = { 0 };
	tm_rc rc = tm_record_stored(m->st, TM_RECORD_RELATION, old_key, &before, err);
	if (!rc && !before)
		rc = tm_fail(err, TM_ERR_INTERNAL, "relation '%s' vanished", old_key);
	if (!rc)
		rc = tm_record_parse_text(before, &rec, err);
	if (rc)
		goto done;
	tm_relation *r = &rec.u.rel;
	int subj = strcmp(r->subject, m->gone) == 0, obj = strcmp(r->object, m->gone) == 0;
	const char *other_end = subj ? r->object : r->subject;
	if ((subj && obj) || strcmp(other_end, m->keep) == 0) {
		/* a tie is a cited claim that two institutions are related:
		 * merging would make it a loop of one entity to itself, and
		 * the evidence says they are two */
		rc = tm_fail(err, TM_ERR_INVALID,
			     "'%s' and '%s' are tied ('%s'): by their sources they are two institutions; delete or "
			     "change the tie first if they are one",
			     m->keep, m->gone, old_key);
		goto done;
	}
	if (subj) {
		free(r->subject);
		r->subject = tm_xstrdup(m->keep);
	} else {
		free(r->object);
		r->object = tm_xstrdup(m->keep);
	}
	char *new_key = tm_record_key(&rec);
	char *after = tm_record_canon(&rec);
	rc = tm_record_stored(m->st, TM_RECORD_RELATION, new_key, &there, err);
	if (!rc && !there) {
		rc = step(m, "relation", new_key, old_key, before, after, err);
		before = after = NULL;
	} else if (!rc) {
		/* the same tie (subject, predicate, object, dates) is there: one
		 * tie with both's citations */
		if (!(rc = tm_record_parse_text(there, &other, err))) {
			tm_relation_merge(&other.u.rel, r);
			char *merged = tm_record_canon(&other);
			rc = step(m, "relation", old_key, NULL, before, NULL, err);
			before = NULL;
			if (!rc && strcmp(merged, there) != 0) {
				rc = step(m, "relation", new_key, NULL, there, merged, err);
				there = merged = NULL;
			}
			free(merged);
		}
	}
	free(after);
	free(new_key);
done:
	free(before);
	free(there);
	tm_record_release(&rec);
	tm_record_release(&other);
	return rc;
}

/* One involvement claim of gone, made keep's; one that keep has already
 * (the same category and dates) takes its citations. */
static tm_rc move_involvement(struct merge *m, const char *old_key, tm_err *err)
{
	char *before = NULL, *there = NULL;
	tm_record rec = { 0 }, other = { 0 };
	tm_rc rc = tm_record_stored(m->st, TM_RECORD_INVOLVEMENT, old_key, &before, err);
	if (!rc && !before)
		rc = tm_fail(err, TM_ERR_INTERNAL, "involvement '%s' vanished", old_key);
	if (!rc)
		rc = tm_record_parse_text(before, &rec, err);
	if (rc)
		goto done;
	free(rec.u.inv.entity);
	rec.u.inv.entity = tm_xstrdup(m->keep);
	char *new_key = tm_record_key(&rec);
	char *after = tm_record_canon(&rec);
	rc = tm_record_stored(m->st, TM_RECORD_INVOLVEMENT, new_key, &there, err);
	if (!rc && !there) {
		rc = step(m, "involvement", new_key, old_key, before, after, err);
		before = after = NULL;
	} else if (!rc && !(rc = tm_record_parse_text(there, &other, err))) {
		tm_involvement_merge(&other.u.inv, &rec.u.inv);
		char *merged = tm_record_canon(&other);
		rc = step(m, "involvement", old_key, NULL, before, NULL, err);
		before = NULL;
		if (!rc && strcmp(merged, there) != 0) {
			rc = step(m, "involvement", new_key, NULL, there, merged, err);
			there = merged = NULL;
		}
		free(merged);
	}
	free(after);
	free(new_key);
done:
	free(before);
	free(there);
	tm_record_release(&rec);
	tm_record_release(&other);
	return rc;
}

/* In array a (JSON strings and objects), gone becomes keep, once. */
static void rename_in(json_t *a, const char *keep, const char *gone)
{
	int has_keep = 0;
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v) has_keep |= json_is_string(v) && strcmp(json_string_value(v), keep) == 0;
	for (i = 0; i < json_array_size(a);) {
		v = json_array_get(a, i);
		if (json_is_string(v) && strcmp(json_string_value(v), gone) == 0) {
			if (has_keep) {
				json_array_remove(a, i);
				continue;
			}
			json_array_set_new(a, i, json_string(keep));
			has_keep = 1;
		}
		i++;
	}
}

/* An action or site that names gone, made to name keep. */
static tm_rc move_user(struct merge *m, tm_record_type t, const char *id, tm_err *err)
{
	char *before = NULL, *after = NULL;
	tm_rc rc = tm_record_stored(m->st, t, id, &before, err);
	if (rc || !before)
		return rc;
	json_t *o = json_loads(before, 0, NULL);
	if (!o) {
		free(before);
		return tm_fail(err, TM_ERR_INTERNAL, "%s '%s' is stored as unreadable JSON", tm_record_type_name(t), id);
	}
	if (t == TM_RECORD_SITE) {
		json_t *e = json_object_get(o, "entity");
		if (json_is_string(e) && strcmp(json_string_value(e), m->gone) == 0)
			json_object_set_new(o, "entity", json_string(m->keep));
	} else {
		rename_in(json_object_get(o, "actors"), m->keep, m->gone);
		rename_in(json_object_get(o, "targets"), m->keep, m->gone);
	}
	rc = canon_of(o, &after, NULL, err);
	json_decref(o);
	if (!rc && strcmp(before, after) != 0) {
		rc = step(m, tm_record_type_name(t), id, NULL, before, after, err);
		before = after = NULL;
	}
	free(before);
	free(after);
	return rc;
}

static tm_rc merge_records(struct merge *m, tm_err *err)
{
	char *into = NULL;
	tm_rc rc;
	/* no chains: a merged id names one entity, never another merged id */
	if ((rc = tm_store_referent(m->st, m->gone, &into, err)))
		return rc;
	if (into) {
		rc = tm_fail(err, TM_ERR_INVALID, "'%s' was merged into '%s' already: nothing to merge", m->gone, into);
		free(into);
		return rc;
	}
	if ((rc = tm_store_referent(m->st, m->keep, &into, err)))
		return rc;
	if (into) {
		rc = tm_fail(err, TM_ERR_INVALID, "'%s' was merged into '%s': merge into '%s' instead", m->keep, into, into);
		free(into);
		return rc;
	}
	tm_entity keep, gone;
	if ((rc = tm_store_get_entity(m->st, m->keep, &keep, err)))
		return rc;
	if ((rc = tm_store_get_entity(m->st, m->gone, &gone, err))) {
		tm_entity_release(&keep);
		return rc;
	}
	tm_strv ties = { 0 }, actions = { 0 }, sites = { 0 }, petitions = { 0 };
	/* petitions keep no history (docs/petitions.md): moving one could not
	 * be reverted with the rest */
	rc = tm_store_entity_petitions(m->st, m->gone, &petitions, err);
	if (!rc && petitions.n)
		rc = tm_fail(err, TM_ERR_INVALID,
			     "'%s' is named by petition '%s', which keeps no history: name '%s' there first", m->gone,
			     petitions.v[0], m->keep);
	if (!rc)
		rc = tm_store_relation_keys_of(m->st, m->gone, &ties, err);
	for (size_t i = 0; !rc && i < ties.n; i++)
		rc = move_tie(m, ties.v[i], err);
	tm_strv invs = { 0 };
	if (!rc)
		rc = tm_store_involvement_keys_of(m->st, m->gone, &invs, err);
	for (size_t i = 0; !rc && i < invs.n; i++)
		rc = move_involvement(m, invs.v[i], err);
	tm_strv_release(&invs);
	if (!rc)
		rc = tm_store_entity_users(m->st, m->gone, &actions, &sites, err);
	for (size_t i = 0; !rc && i < actions.n; i++)
		rc = move_user(m, TM_RECORD_ACTION, actions.v[i], err);
	for (size_t i = 0; !rc && i < sites.n; i++)
		rc = move_user(m, TM_RECORD_SITE, sites.v[i], err);
	char *keep_before = NULL, *gone_before = NULL;
	if (!rc)
		rc = tm_record_stored(m->st, TM_RECORD_ENTITY, m->keep, &keep_before, err);
	if (!rc)
		rc = tm_record_stored(m->st, TM_RECORD_ENTITY, m->gone, &gone_before, err);
	if (!rc) {
		rc = step(m, "entity", m->gone, NULL, gone_before, NULL, err);
		gone_before = NULL;
	}
	if (!rc) {
		/* keep's fields stay, its empty ones take gone's; gone's names
		 * (primary only in a language keep has none in), identifiers,
		 * tags, citations and referents come after keep's own */
		tm_strv_push(&keep.referents, m->gone);
		tm_entity_merge(&keep, &gone);
		tm_record rec = { .type = TM_RECORD_ENTITY, .u.ent = keep };
		char *after = tm_record_canon(&rec);
		memset(&keep, 0, sizeof(keep));
		tm_entity_release(&rec.u.ent);
		rc = step(m, "entity", m->keep, NULL, keep_before, after, err);
		keep_before = NULL;
	}
	free(keep_before);
	free(gone_before);
	tm_strv_release(&ties);
	tm_strv_release(&actions);
	tm_strv_release(&sites);
	tm_strv_release(&petitions);
	tm_entity_release(&keep);
	tm_entity_release(&gone);
	return rc;
}

tm_rc tm_edit_merge(tm_store *st, const tm_editor *who, const char *keep, const char *gone, const char *summary,
		    tm_edit_result *res, tm_err *err)
{
	memset(res, 0, sizeof(*res));
	if (who->role < TM_ROLE_EDITOR)
		return tm_fail(err, TM_ERR_INVALID, "only an editor may merge entities");
	if (!keep || !tm_id_valid(keep))
		return tm_fail(err, TM_ERR_INVALID, "'%.80s' is not an entity id", keep ? keep : "");
	if (!gone || !tm_id_valid(gone))
		return tm_fail(err, TM_ERR_INVALID, "'%.80s' is not an entity id", gone ? gone : "");
	if (strcmp(keep, gone) == 0)
		return tm_fail(err, TM_ERR_INVALID, "cannot merge '%s' into itself", keep);
	tm_buf why = TM_BUF_INIT;
	if (summary && *summary)
		tm_buf_adds(&why, summary);
	else
		tm_buf_addf(&why, "merge %s into %s", gone, keep);
	if (!tm_edit_summary_ok(why.buf)) {
		tm_buf_release(&why);
		res->field = "summary";
		return tm_fail(err, TM_ERR_INVALID, "every change needs a summary: one line of at most %d bytes",
			       TM_EDIT_SUMMARY_MAX);
	}
	struct merge m = { st, keep, gone, NULL, 0, 0 };
	tm_rc rc = tm_store_begin(st, err);
	if (rc) {
		tm_buf_release(&why);
		return rc;
	}
	rc = merge_records(&m, err);
	if (!rc)
		rc = tm_edit_change_open(st, who, "merge", why.buf, TM_CHANGE_PUBLISHED, &res->change, err);
	for (size_t i = 0; !rc && i < m.n; i++) {
		m.v[i].change = res->change;
		int64_t id = 0;
		rc = tm_store_revision_add(st, &m.v[i], &id, err);
		if (!res->revision)
			res->revision = id;
	}
	if (!rc)
		rc = tm_store_commit(st, err);
	if (rc) {
		tm_store_rollback(st);
		res->change = res->revision = 0;
	}
	res->status = TM_CHANGE_PUBLISHED;
	for (size_t i = 0; i < m.n; i++)
		tm_revision_release(&m.v[i]);
	free(m.v);
	tm_buf_release(&why);
	return rc;
}
