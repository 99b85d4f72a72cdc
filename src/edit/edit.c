/*
 * Changes by hand (edit.h): check, guard against lost updates, record the
 * revisions, apply them or leave them for review.
 */
#include "edit/edit_internal.h"

#include <stdlib.h>
#include <string.h>

void tm_edit_result_release(tm_edit_result *r)
{
	if (!r)
		return;
	free(r->then);
	free(r->now);
	memset(r, 0, sizeof(*r));
}

/* ---- which field a message is about ---- */

const char *tm_edit_field_of(tm_record_type t, const char *msg)
{
	static const struct {
		const char *prefix, *field;
	} starts[] = {
		{ "unknown kind", "kind" },
		{ "bad country", "country" },
		{ "unknown predicate", "predicate" },
		{ "share ", "share" },
		{ "amount ", "amount" },
		{ "bad currency", "currency" },
		{ "'currency' given", "currency" },
		{ "url must", "url" },
		{ "no citation", "sources" },
		{ "bad source id", "sources" },
		{ "unknown source", "sources" },
		{ "two primary names", "names" },
		{ "name '", "names" },
		{ "each name", "names" },
		{ "'primary'", "names" },
		{ "bad language tag '", NULL }, /* on a name or the source's lang: below */
		{ "bad tag", "tags" },
		{ "tag '", "tags" },
		{ "'tags'", "tags" },
		{ "'identifiers'", "identifiers" },
		{ "each identifier", "identifiers" },
		{ "'description'", "description" },
		{ "start ", "end" },
		{ "the id cannot change", "id" },
		{ "id '", "id" },
	};
	if (!msg)
		return NULL;
	if (strncmp(msg, "bad language tag '", 18) == 0)
		return strstr(msg, "on name") ? "names" : "lang";
	if (strncmp(msg, "unknown entity '", 16) == 0) {
		if (t == TM_RECORD_RELATION)
			return "subject"; /* refined by the caller, who knows which end */
		return "entity";
	}
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (starts[i].field && strncmp(msg, starts[i].prefix, strlen(starts[i].prefix)) == 0)
			return starts[i].field;
	/* "missing field 'title'", "bad date '…' in 'start'", "field 'x' must …":
	 * the last quoted word that names a field */
	const char *best = NULL;
	static const char *const fields[] = { "id", "title", "author", "publisher", "date", "url", "lang", "note",
					      "kind", "country", "start", "end", "names", "description", "tags",
					      "identifiers", "sources", "subject", "predicate", "object", "amount",
					      "currency", "share", "quote", "page", "text", "en", "zh", NULL };
	for (const char *p = strchr(msg, '\''); p; p = strchr(p + 1, '\'')) {
		const char *q = strchr(p + 1, '\'');
		if (!q)
			break;
		for (const char *const *f = fields; *f; f++)
			if ((size_t)(q - p - 1) == strlen(*f) && strncmp(p + 1, *f, strlen(*f)) == 0)
				best = *f;
		p = q;
	}
	if (best && (!strcmp(best, "quote") || !strcmp(best, "page")))
		return "sources";
	if (best && (!strcmp(best, "text")))
		return "names";
	if (best && (!strcmp(best, "en") || !strcmp(best, "zh")))
		return "description";
	return best;
}

/* ---- diffs ---- */

void tm_edit_diff(const char *before, const char *after,
		  void (*fn)(void *ctx, const char *field, const char *old, const char *new_), void *ctx)
{
	json_t *a = before ? json_loads(before, 0, NULL) : NULL;
	json_t *b = after ? json_loads(after, 0, NULL) : NULL;
	json_t *empty = json_object();
	json_t *x = json_is_object(a) ? a : empty, *y = json_is_object(b) ? b : empty;
	const char *k;
	json_t *v;
	json_object_foreach(y, k, v) {
		json_t *old = json_object_get(x, k);
		if (old && json_equal(old, v))
			continue;
		char *os = old ? json_dumps(old, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY) : NULL;
		char *ns = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		fn(ctx, k, os, ns);
		free(os);
		free(ns);
	}
	json_object_foreach(x, k, v) {
		if (json_object_get(y, k))
			continue;
		char *os = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
		fn(ctx, k, os, NULL);
		free(os);
	}
	json_decref(a);
	json_decref(b);
	json_decref(empty);
}

/* ---- applying a revision to the records ---- */

/* Make the records as r says: its after (at its key, moved from prev_key),
 * or none. */
tm_rc tm_edit_apply(tm_store *st, const tm_revision *r, tm_err *err)
{
	tm_record_type t = tm_record_type_parse(r->record);
	if (!r->after)
		return tm_record_delete(st, t, r->key, err);
	tm_record rec;
	tm_rc rc = tm_record_parse_text(r->after, &rec, err);
	if (!rc)
		rc = tm_record_refs(st, &rec, err);
	if (!rc && r->prev_key && strcmp(r->prev_key, r->key) != 0)
		rc = tm_record_delete(st, t, r->prev_key, err);
	if (!rc)
		rc = tm_record_put(st, &rec, err);
	tm_record_release(&rec);
	return rc;
}

/* The dates a claim was added and changed are the store's to set when a
 * record leaves them out (store.h): a state that gives none is the same as
 * a stored one that differs from it only there. */
int tm_edit_same_state(const char *now, const char *want)
{
	if (tm_streq(now, want))
		return 1;
	if (!now || !want)
		return 0;
	json_t *a = json_loads(now, 0, NULL), *b = json_loads(want, 0, NULL);
	if (a && b) {
		static const char *const dates[] = { "added", "changed" };
		for (size_t i = 0; i < 2; i++)
			if (!json_object_get(b, dates[i]))
				json_object_del(a, dates[i]);
	}
	int same = a && b && json_equal(a, b);
	json_decref(a);
	json_decref(b);
	return same;
}

/* r's after, once applied, as the store holds it (with the dates it set),
 * so that history ends with the record's state; r's own when unreadable. */
void tm_edit_settle(tm_store *st, tm_revision *r)
{
	char *now = NULL;
	if (!r->after || tm_record_stored(st, tm_record_type_parse(r->record), r->key, &now, NULL) || !now)
		return;
	free(r->after);
	r->after = now;
}

void tm_edit_conflict(tm_edit_result *res, int64_t current, char *then, char *now)
{
	res->conflict = 1;
	res->current = current;
	free(res->then);
	free(res->now);
	res->then = then;
	res->now = now;
}

/* The record's state just after revision rev (0: before its first
 * revision), owned. */
static int keep_oldest(void *ctx, const tm_revision *r, const tm_change *c)
{
	(void)c;
	char **out = ctx;
	free(*out);
	*out = r->before ? tm_xstrdup(r->before) : NULL;
	return 0;
}

static tm_rc state_at(tm_store *st, const char *record, const char *key, int64_t rev, char **out, tm_err *err)
{
	*out = NULL;
	if (rev > 0) {
		tm_revision r;
		tm_rc rc = tm_store_revision_get(st, rev, &r, err);
		if (rc)
			return rc;
		*out = r.after ? tm_xstrdup(r.after) : NULL;
		tm_revision_release(&r);
		return TM_OK;
	}
	return tm_store_history(st, record, key, 0, keep_oldest, out, err);
}

/* ---- submitting ---- */

int tm_edit_summary_ok(const char *s)
{
	if (!s)
		return 0;
	size_t n = strlen(s);
	int visible = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' || s[i] == '\r')
			return 0;
		if (s[i] != ' ' && s[i] != '\t')
			visible = 1;
	}
	return visible && n <= TM_EDIT_SUMMARY_MAX && tm_utf8_valid(s, n);
}

tm_rc tm_edit_change_open(tm_store *st, const tm_editor *who, const char *via, const char *summary, int status,
			 int64_t *id, tm_err *err)
{
	char at[24];
	tm_now_iso(at);
	tm_change c = {
		.at = at,
		.author = (char *)who->name,
		.user = who->user,
		.via = (char *)via,
		.summary = (char *)summary,
		.status = status,
	};
	return tm_store_change_add(st, &c, id, err);
}

/* One op, checked, as the revisions it makes (appended to revs); the
 * record's state checked against its base. */
struct revs {
	tm_revision *v;
	size_t n, cap;
};

static void revs_release(struct revs *r)
{
	for (size_t i = 0; i < r->n; i++)
		tm_revision_release(&r->v[i]);
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static tm_revision *revs_push(struct revs *r, tm_record_type t, const char *key)
{
	TM_GROW(r->v, r->cap, r->n + 1);
	tm_revision *v = &r->v[r->n++];
	memset(v, 0, sizeof(*v));
	v->record = tm_xstrdup(tm_record_type_name(t));
	v->key = tm_xstrdup(key);
	return v;
}

static tm_rc check_base(tm_store *st, const tm_edit_op *op, const char *key, tm_edit_result *res, tm_err *err)
{
	if (op->base < 0 || !key)
		return TM_OK;
	int64_t latest = 0;
	tm_rc rc = tm_store_latest_revision(st, tm_record_type_name(op->type), key, &latest, err);
	if (rc || latest == op->base)
		return rc;
	char *then = NULL, *now = NULL;
	if ((rc = state_at(st, tm_record_type_name(op->type), key, op->base, &then, err)) ||
	    (rc = tm_record_stored(st, op->type, key, &now, err))) {
		free(then);
		return rc;
	}
	tm_edit_conflict(res, latest, then, now);
	return tm_fail(err, TM_ERR_AMBIGUOUS, "%s '%s' changed since revision %lld (now %lld): see what changed",
		       tm_record_type_name(op->type), key, (long long)op->base, (long long)latest);
}

static tm_rc op_revisions(tm_store *st, const tm_edit_op *op, struct revs *out, tm_edit_result *res, tm_err *err)
{
	tm_rc rc;
	const char *tname = tm_record_type_name(op->type);
	if (!op->after) {
		/* a deletion: the record must be there; an entity takes its
		 * relations and involvement claims with it, each a revision of its
		 * own */
		if (!op->key)
			return tm_fail(err, TM_ERR_INVALID, "nothing to delete");
		char *now = NULL;
		if ((rc = tm_record_stored(st, op->type, op->key, &now, err)))
			return rc;
		if (!now)
			return tm_fail(err, TM_ERR_NOTFOUND, "no %s '%s'", tname, op->key);
		if ((rc = check_base(st, op, op->key, res, err))) {
			free(now);
			return rc;
		}
		if (op->type == TM_RECORD_ENTITY) {
			tm_strv rels = { 0 };
			rc = tm_store_relation_keys_of(st, op->key, &rels, err);
			for (size_t i = 0; !rc && i < rels.n; i++) {
				char *rel = NULL;
				if (!(rc = tm_record_stored(st, TM_RECORD_RELATION, rels.v[i], &rel, err)) && rel)
					revs_push(out, TM_RECORD_RELATION, rels.v[i])->before = rel;
			}
			tm_strv_release(&rels);
			/* and its involvement claims, which name it alone */
			tm_strv invs = { 0 };
			if (!rc)
				rc = tm_store_involvement_keys_of(st, op->key, &invs, err);
			for (size_t i = 0; !rc && i < invs.n; i++) {
				char *inv = NULL;
				if (!(rc = tm_record_stored(st, TM_RECORD_INVOLVEMENT, invs.v[i], &inv, err)) && inv)
					revs_push(out, TM_RECORD_INVOLVEMENT, invs.v[i])->before = inv;
			}
			tm_strv_release(&invs);
		}
		if (rc) {
			free(now);
			return rc;
		}
		revs_push(out, op->type, op->key)->before = now;
		return TM_OK;
	}
	tm_record rec;
	json_t *after = json_deep_copy(op->after);
	if (json_is_object(after) && !json_object_get(after, "type"))
		json_object_set_new(after, "type", json_string(tname));
	rc = tm_record_parse(after, 0, &rec, err);
	json_decref(after);
	if (!rc && rec.type != op->type)
		rc = tm_fail(err, TM_ERR_INVALID, "a %s cannot become a %s", tname, tm_record_type_name(rec.type));
	if (!rc)
		rc = tm_record_refs(st, &rec, err);
	if (rc) {
		if (rc == TM_ERR_INVALID && err) {
			res->field = tm_edit_field_of(op->type, err->msg);
			if (res->field && !strcmp(res->field, "subject") && rec.type == TM_RECORD_RELATION &&
			    rec.u.rel.object && strstr(err->msg, rec.u.rel.object) &&
			    !(rec.u.rel.subject && strstr(err->msg, rec.u.rel.subject)))
				res->field = "object";
		}
		tm_record_release(&rec);
		return rc;
	}
	char *key = tm_record_key(&rec);
	char *canon = tm_record_canon(&rec);
	char *before = NULL, *there = NULL;
	tm_record_release(&rec);
	/* a relation's or an involvement's key is what it says (its ends, its
	 * dates): an edit may move it */
	int movable = op->type == TM_RECORD_RELATION || op->type == TM_RECORD_INVOLVEMENT;
	if (op->key && strcmp(op->key, key) != 0 && !movable) {
		rc = tm_fail(err, TM_ERR_INVALID, "the id cannot change (it is '%s')", op->key);
		res->field = "id";
	}
	if (!rc && op->key)
		rc = tm_record_stored(st, op->type, op->key, &before, err);
	if (!rc && op->key && !before)
		rc = tm_fail(err, TM_ERR_NOTFOUND, "no %s '%s'", tname, op->key);
	/* a new record, or a relation moved to other ends or dates, must not
	 * land on one that exists */
	if (!rc && (!op->key || strcmp(op->key, key) != 0)) {
		rc = tm_record_stored(st, op->type, key, &there, err);
		if (!rc && there) {
			rc = tm_fail(err, TM_ERR_INVALID, "%s '%s' exists already", tname, key);
			res->field = op->type == TM_RECORD_RELATION	  ? "predicate" :
				     op->type == TM_RECORD_INVOLVEMENT ? "category" :
									 "id";
		}
	}
	if (!rc)
		rc = check_base(st, op, op->key, res, err);
	if (!rc && before && tm_edit_same_state(before, canon))
		rc = tm_fail(err, TM_ERR_INVALID, "nothing changed");
	if (!rc) {
		tm_revision *v = revs_push(out, op->type, key);
		v->before = before;
		v->after = canon;
		if (op->key && strcmp(op->key, key) != 0)
			v->prev_key = tm_xstrdup(op->key);
		before = canon = NULL;
	}
	free(before);
	free(canon);
	free(there);
	free(key);
	return rc;
}

tm_rc tm_edit_submit(tm_store *st, const tm_editor *who, const char *summary, const tm_edit_op *ops, size_t n,
		     tm_edit_result *res, tm_err *err)
{
	memset(res, 0, sizeof(*res));
	if (who->role < TM_ROLE_CONTRIBUTOR)
		return tm_fail(err, TM_ERR_INVALID, "only a signed-in contributor, editor or admin may change records");
	if (!tm_edit_summary_ok(summary)) {
		res->field = "summary";
		return tm_fail(err, TM_ERR_INVALID, "every change needs a summary: one line of at most %d bytes",
			       TM_EDIT_SUMMARY_MAX);
	}
	if (!n)
		return tm_fail(err, TM_ERR_INVALID, "nothing to change");
	int status = who->role >= TM_ROLE_EDITOR ? TM_CHANGE_PUBLISHED : TM_CHANGE_PENDING;
	struct revs revs = { 0 };
	tm_rc rc = tm_store_begin(st, err);
	if (rc)
		return rc;
	/* each op applies at once, so that the next one of the same change (a
	 * relation citing a source made just before) is checked against it;
	 * a change that waits for review is then undone */
	if (status == TM_CHANGE_PENDING)
		rc = tm_store_savepoint(st, err);
	for (size_t i = 0; !rc && i < n; i++) {
		res->op = i;
		rc = op_revisions(st, &ops[i], &revs, res, err);
		for (size_t k = 0; !rc && k < revs.n; k++)
			if (!revs.v[k].change) {
				rc = tm_edit_apply(st, &revs.v[k], err);
				if (!rc && status == TM_CHANGE_PUBLISHED)
					tm_edit_settle(st, &revs.v[k]);
				revs.v[k].change = -1;
			}
	}
	if (!rc && status == TM_CHANGE_PENDING)
		rc = tm_store_savepoint_undo(st, err);
	if (!rc)
		rc = tm_edit_change_open(st, who, who->via ? who->via : "form", summary, status, &res->change, err);
	for (size_t k = 0; !rc && k < revs.n; k++) {
		revs.v[k].change = res->change;
		rc = tm_store_revision_add(st, &revs.v[k], NULL, err);
	}
	if (!rc)
		rc = tm_store_commit(st, err);
	if (rc)
		tm_store_rollback(st);
	res->status = status;
	revs_release(&revs);
	return rc;
}

/* ---- revert ---- */

static int collect(void *ctx, const tm_revision *r, const tm_change *c)
{
	(void)c;
	struct revs *rs = ctx;
	TM_GROW(rs->v, rs->cap, rs->n + 1);
	tm_revision *v = &rs->v[rs->n++];
	v->id = r->id;
	v->change = r->change;
	v->record = tm_xstrdup(r->record);
	v->key = tm_xstrdup(r->key);
	v->prev_key = tm_xstrdup(r->prev_key);
	v->before = tm_xstrdup(r->before);
	v->after = tm_xstrdup(r->after);
	return 0;
}

tm_rc tm_edit_revert(tm_store *st, const tm_editor *who, int64_t rev, const char *summary, tm_edit_result *res,
		     tm_err *err)
{
	memset(res, 0, sizeof(*res));
	if (who->role < TM_ROLE_EDITOR)
		return tm_fail(err, TM_ERR_INVALID, "only an editor may revert");
	tm_revision r;
	tm_change c;
	tm_rc rc = tm_store_revision_get(st, rev, &r, err);
	if (rc)
		return rc;
	if ((rc = tm_store_change_get(st, r.change, &c, err))) {
		tm_revision_release(&r);
		return rc;
	}
	tm_buf why = TM_BUF_INIT;
	if (summary && *summary)
		tm_buf_adds(&why, summary);
	else
		tm_buf_addf(&why, "revert revision %lld (%.200s)", (long long)rev, c.summary ? c.summary : "");
	/* an approved proposal's revision is what its approval applied: the
	 * same record states, so reverting either undoes the edit */
	if (c.status != TM_CHANGE_PUBLISHED && c.status != TM_CHANGE_APPROVED)
		rc = tm_fail(err, TM_ERR_INVALID, "revision %lld was never published: nothing to revert", (long long)rev);
	else if (!tm_edit_summary_ok(why.buf))
		rc = tm_fail(err, TM_ERR_INVALID, "every change needs a summary: one line of at most %d bytes",
			     TM_EDIT_SUMMARY_MAX);
	struct revs revs = { 0 };
	tm_strv nows = { 0 }; /* each record as it is now, dates and all ("" for none) */
	if (!rc && !(rc = tm_store_begin(st, err))) {
		/* a merge is undone whole: its revisions (the kept record with
		 * its referents, the merged one, their ties, actions and sites)
		 * are one edit, and any one of them alone would leave an id that
		 * names nothing or two records (docs/editing.md, "Merging") */
		if (c.via && strcmp(c.via, "merge") == 0)
			rc = tm_store_change_revisions(st, r.change, collect, &revs, err);
		else
			collect(&revs, &r, &c);
		/* every record must be as the change left it */
		for (size_t i = 0; !rc && i < revs.n; i++) {
			tm_revision *x = &revs.v[i];
			char *now = NULL;
			rc = tm_record_stored(st, tm_record_type_parse(x->record), x->key, &now, err);
			if (!rc && !tm_edit_same_state(now, x->after)) {
				int64_t latest = 0;
				tm_store_latest_revision(st, x->record, x->key, &latest, NULL);
				tm_edit_conflict(res, latest, x->after ? tm_xstrdup(x->after) : NULL, now);
				now = NULL;
				rc = tm_fail(err, TM_ERR_AMBIGUOUS,
					     "%s '%s' has changed since revision %lld: revert the later revisions first",
					     x->record, x->key, (long long)(revs.n > 1 ? x->id : rev));
			}
			tm_strv_push_owned(&nows, now ? now : tm_xstrdup(""));
		}
		if (!rc)
			rc = tm_edit_change_open(st, who, "revert", why.buf, TM_CHANGE_PUBLISHED, &res->change, err);
		/* the inverses, last first: from the record as it is now back to
		 * the before, at the key the record had then */
		for (size_t k = revs.n; !rc && k-- > 0;) {
			tm_revision *x = &revs.v[k];
			tm_revision inv = { 0 };
			inv.record = x->record;
			if (x->prev_key && x->before) {
				inv.key = x->prev_key;
				inv.prev_key = x->key;
			} else {
				inv.key = x->key;
			}
			inv.before = *nows.v[k] ? nows.v[k] : x->after;
			inv.after = x->before ? tm_xstrdup(x->before) : NULL;
			inv.change = res->change;
			rc = tm_edit_apply(st, &inv, err);
			if (!rc && inv.after)
				tm_edit_settle(st, &inv);
			if (!rc)
				rc = tm_store_revision_add(st, &inv, NULL, err);
			free(inv.after);
		}
		if (!rc)
			rc = tm_store_commit(st, err);
		if (rc)
			tm_store_rollback(st);
	}
	res->status = TM_CHANGE_PUBLISHED;
	tm_strv_release(&nows);
	revs_release(&revs);
	tm_buf_release(&why);
	tm_revision_release(&r);
	tm_change_release(&c);
	return rc;
}

/* ---- review ---- */


/* A change's summary cut to TM_EDIT_SUMMARY_MAX bytes at a character's
 * start. */
static void summary_cut(tm_buf *b)
{
	if (b->len <= TM_EDIT_SUMMARY_MAX)
		return;
	size_t n = TM_EDIT_SUMMARY_MAX;
	while (n > 0 && ((unsigned char)b->buf[n] & 0xC0) == 0x80)
		n--;
	b->len = n;
	b->buf[n] = 0;
}

tm_rc tm_edit_review(tm_store *st, const tm_editor *who, int64_t change, int decision, const char *note,
		     tm_edit_result *res, tm_err *err)
{
	memset(res, 0, sizeof(*res));
	res->change = change;
	if (who->role < TM_ROLE_EDITOR)
		return tm_fail(err, TM_ERR_INVALID, "only an editor may review");
	if (decision != TM_CHANGE_PUBLISHED && decision != TM_CHANGE_RETURNED && decision != TM_CHANGE_REJECTED)
		return tm_fail(err, TM_ERR_INVALID, "a review approves, returns or rejects");
	if (note && !*note)
		note = NULL;
	if ((decision != TM_CHANGE_PUBLISHED || note) && !tm_edit_summary_ok(note)) {
		res->field = "note";
		if (decision != TM_CHANGE_PUBLISHED)
			return tm_fail(err, TM_ERR_INVALID, "say why, in one line: the contributor sees it");
		return tm_fail(err, TM_ERR_INVALID, "a note is one line of at most %d bytes", TM_EDIT_SUMMARY_MAX);
	}
	tm_change c;
	tm_rc rc = tm_store_begin(st, err);
	if (rc)
		return rc;
	if ((rc = tm_store_change_get(st, change, &c, err))) {
		tm_store_rollback(st);
		return rc;
	}
	if (c.status != TM_CHANGE_PENDING)
		rc = tm_fail(err, TM_ERR_INVALID, "change %lld is %s, not pending", (long long)change,
			     tm_change_status_name(c.status));
	struct revs revs = { 0 };
	char at[24];
	tm_now_iso(at);
	if (!rc && decision == TM_CHANGE_PUBLISHED) {
		/* the approval is a change of the editor's own, published now,
		 * whose revisions are what it did to the records: who approved,
		 * when and why stand in history beside the proposal */
		tm_buf why = TM_BUF_INIT;
		tm_buf_addf(&why, "approve change %lld: %s", (long long)change, note ? note : c.summary);
		summary_cut(&why);
		tm_change a = {
			.at = at,
			.author = (char *)who->name,
			.user = who->user,
			.via = "review",
			.summary = why.buf,
			.status = TM_CHANGE_PUBLISHED,
			.approves = change,
		};
		int64_t approval = 0;
		rc = tm_store_change_revisions(st, change, collect, &revs, err);
		if (!rc)
			rc = tm_store_change_add(st, &a, &approval, err);
		tm_buf_release(&why);
		for (size_t i = 0; !rc && i < revs.n; i++) {
			tm_revision *r = &revs.v[i];
			const char *key = r->prev_key ? r->prev_key : r->key;
			char *now = NULL;
			rc = tm_record_stored(st, tm_record_type_parse(r->record), key, &now, err);
			if (!rc && !tm_edit_same_state(now, r->before)) {
				int64_t latest = 0;
				tm_store_latest_revision(st, r->record, key, &latest, NULL);
				tm_edit_conflict(res, latest, r->before ? tm_xstrdup(r->before) : NULL, now);
				now = NULL;
				res->op = i;
				rc = tm_fail(err, TM_ERR_AMBIGUOUS,
					     "%s '%s' has changed since this change was proposed: ask for changes", r->record,
					     key);
			}
			free(now);
			if (!rc)
				rc = tm_edit_apply(st, r, err);
			if (!rc) {
				tm_edit_settle(st, r);
				tm_revision done = *r;
				done.id = 0;
				done.change = approval;
				rc = tm_store_revision_add(st, &done, NULL, err);
			}
		}
		decision = TM_CHANGE_APPROVED;
		res->approval = approval;
	}
	if (!rc)
		rc = tm_store_change_review(st, change, decision, who->name, at, note, err);
	if (!rc)
		rc = tm_store_commit(st, err);
	if (rc)
		tm_store_rollback(st);
	res->status = decision;
	revs_release(&revs);
	tm_change_release(&c);
	return rc;
}
