/*
 * Merged ids and likely duplicates (store.h; docs/editing.md, "Merging").
 *
 * Candidates come from the indexes the store already has: the identifiers'
 * value index, and the match keys of names (name_keys), which hold every
 * name's folded forms.  A shared key is only a candidate: its kind is not
 * kept (a pinyin key of 海康 is a plain Latin word, and two Chinese names
 * that sound alike share it), so a name candidate is confirmed by computing
 * both entities' bare keys again (text.h) and comparing those.
 */
#include "store/store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

struct cand {
	int64_t a, b; /* entity rows, a < b */
	int why;      /* TM_DUP_* */
	char *ident;  /* "scheme value", for TM_DUP_IDENT */
};

struct cands {
	struct cand *v;
	size_t n, cap;
	tm_rc rc;
};

static void cand_push(struct cands *c, int64_t a, int64_t b, int why, const char *ident)
{
	if (a == b)
		return;
	TM_GROW(c->v, c->cap, c->n + 1);
	struct cand *x = &c->v[c->n++];
	x->a = a < b ? a : b;
	x->b = a < b ? b : a;
	x->why = why;
	x->ident = ident ? tm_xstrdup(ident) : NULL;
}

static int ident_row(void *ctx, sqlite3_stmt *s)
{
	cand_push(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), TM_DUP_IDENT,
		  (const char *)sqlite3_column_text(s, 2));
	return 0;
}

/* One name key's entities, "12,40,41": every pair is a candidate. */
static int key_row(void *ctx, sqlite3_stmt *s)
{
	const char *list = (const char *)sqlite3_column_text(s, 0);
	int64_t rows[TM_DUP_KEY_MAX];
	size_t n = 0;
	for (const char *p = list; p && *p && n < TM_DUP_KEY_MAX;) {
		char *end;
		rows[n++] = strtoll(p, &end, 10);
		p = *end == ',' ? end + 1 : end + strlen(end);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			cand_push(ctx, rows[i], rows[j], TM_DUP_NAME, NULL);
	return 0;
}

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->a != b->a)
		return a->a < b->a ? -1 : 1;
	if (a->b != b->b)
		return a->b < b->b ? -1 : 1;
	return 0;
}

/* What a candidate needs of an entity. */
struct brief {
	char *slug, *kind, *country;
	tm_strv bare; /* each name's bare key without spaces */
};

static void brief_release(struct brief *b)
{
	free(b->slug);
	free(b->kind);
	free(b->country);
	tm_strv_release(&b->bare);
	memset(b, 0, sizeof(*b));
}

static tm_rc brief_load(tm_store *st, int64_t row, int names, struct brief *out, tm_err *err)
{
	memset(out, 0, sizeof(*out));
	sqlite3_stmt *s = tm_store_stmt(st, S_ENTITY_BRIEF);
	sqlite3_bind_int64(s, 1, row);
	int step = sqlite3_step(s);
	if (step == SQLITE_ROW) {
		out->slug = tm_store_col_dup(s, 0);
		out->kind = tm_store_col_dup(s, 1);
		out->country = tm_store_col_dup(s, 2);
	}
	sqlite3_reset(s);
	if (step != SQLITE_ROW)
		return tm_store_db_fail(st, err, "reading entity");
	if (!names)
		return TM_OK;
	tm_strv texts = { 0 };
	s = tm_store_stmt(st, S_NAMES_GET);
	sqlite3_bind_int64(s, 1, row);
	while ((step = sqlite3_step(s)) == SQLITE_ROW)
		tm_strv_push(&texts, (const char *)sqlite3_column_text(s, 0));
	sqlite3_reset(s);
	tm_rc rc = step == SQLITE_DONE ? TM_OK : tm_store_db_fail(st, err, "reading names");
	for (size_t i = 0; !rc && i < texts.n; i++) {
		tm_name_keys k;
		if ((rc = tm_text_name_keys(texts.v[i], strlen(texts.v[i]), &k, err)))
			break;
		char *c = tm_text_compact(k.bare);
		if (*c && !tm_strv_contains(&out->bare, c))
			tm_strv_push_owned(&out->bare, c);
		else
			free(c);
		tm_name_keys_release(&k);
	}
	tm_strv_release(&texts);
	return rc;
}

/* The bare key the two share, or NULL. */
static const char *same_name(const struct brief *a, const struct brief *b)
{
	if (!a->country || !b->country || strcmp(a->country, b->country) != 0 || !tm_streq(a->kind, b->kind))
		return NULL;
	for (size_t i = 0; i < a->bare.n; i++)
		if (tm_strv_contains(&b->bare, a->bare.v[i]))
			return a->bare.v[i];
	return NULL;
}

struct dup {
	char *a, *b, *detail;
	int why;
};

static int dup_cmp(const void *x, const void *y)
{
	const struct dup *a = x, *b = y;
	int c = strcmp(a->a, b->a);
	return c ? c : strcmp(a->b, b->b);
}

tm_rc tm_store_duplicates(tm_store *st, size_t limit, int (*fn)(void *ctx, const tm_duplicate *d), void *ctx,
			  tm_err *err)
{
	struct cands c = { 0 };
	tm_rc rc = tm_store_each_row(st,
				     "SELECT i.entity, j.entity, i.scheme||' '||i.value FROM identifiers i"
				     " JOIN identifiers j ON j.value=i.value COLLATE NOCASE AND j.scheme=i.scheme"
				     " WHERE j.entity>i.entity ORDER BY 1, 2",
				     NULL, ident_row, &c, err);
	if (!rc) {
		char sql[256];
		snprintf(sql, sizeof(sql),
			 "SELECT group_concat(entity) FROM (SELECT DISTINCT key, entity FROM name_keys)"
			 " GROUP BY key HAVING count(*) BETWEEN 2 AND %d",
			 TM_DUP_KEY_MAX);
		rc = tm_store_each_row(st, sql, NULL, key_row, &c, err);
	}
	if (c.n)
		qsort(c.v, c.n, sizeof(c.v[0]), cand_cmp);
	struct dup *out = NULL;
	size_t n_out = 0, cap_out = 0;
	for (size_t i = 0; !rc && i < c.n;) {
		size_t j = i;
		int why = 0;
		tm_buf detail = TM_BUF_INIT;
		for (; j < c.n && c.v[j].a == c.v[i].a && c.v[j].b == c.v[i].b; j++) {
			why |= c.v[j].why;
			if (c.v[j].ident) {
				tm_buf_addf(&detail, "%s%s", detail.len ? ", " : "", c.v[j].ident);
			}
		}
		struct brief a, b;
		int want_names = (why & TM_DUP_NAME) != 0;
		if ((rc = brief_load(st, c.v[i].a, want_names, &a, err))) {
			tm_buf_release(&detail);
			break;
		}
		if ((rc = brief_load(st, c.v[i].b, want_names, &b, err))) {
			brief_release(&a);
			tm_buf_release(&detail);
			break;
		}
		if (detail.len)
			why = (why & ~TM_DUP_NAME) | TM_DUP_IDENT;
		const char *name = want_names ? same_name(&a, &b) : NULL;
		if (name) {
			why |= TM_DUP_NAME;
			tm_buf_addf(&detail, "%sname '%s' (%s %s)", detail.len ? "; " : "", name, a.country, a.kind);
		} else {
			why &= ~TM_DUP_NAME;
		}
		if (why) {
			TM_GROW(out, cap_out, n_out + 1);
			int swap = strcmp(a.slug, b.slug) > 0;
			out[n_out].a = swap ? b.slug : a.slug;
			out[n_out].b = swap ? a.slug : b.slug;
			a.slug = b.slug = NULL;
			out[n_out].why = why;
			out[n_out].detail = tm_buf_detach(&detail);
			n_out++;
		}
		tm_buf_release(&detail);
		brief_release(&a);
		brief_release(&b);
		i = j;
	}
	if (n_out)
		qsort(out, n_out, sizeof(out[0]), dup_cmp);
	for (size_t i = 0; !rc && i < n_out && (!limit || i < limit); i++) {
		tm_duplicate d = { out[i].a, out[i].b, out[i].why, out[i].detail };
		if (fn(ctx, &d))
			break;
	}
	for (size_t i = 0; i < n_out; i++) {
		free(out[i].a);
		free(out[i].b);
		free(out[i].detail);
	}
	free(out);
	for (size_t i = 0; i < c.n; i++)
		free(c.v[i].ident);
	free(c.v);
	return rc;
}


static int user_row(void *ctx, sqlite3_stmt *s)
{
	tm_strv *v = ctx;
	const char *id = (const char *)sqlite3_column_text(s, 0);
	if (id && !tm_strv_contains(v, id))
		tm_strv_push(v, id);
	return 0;
}

tm_rc tm_store_entity_users(tm_store *st, const char *id, tm_strv *actions, tm_strv *sites, tm_err *err)
{
	tm_rc rc = tm_store_each_row(st,
				     "SELECT a.slug FROM actions a WHERE a.id IN"
				     " (SELECT action FROM action_actors x JOIN entities e ON e.id=x.entity WHERE e.slug=?1"
				     "  UNION SELECT action FROM action_targets x JOIN entities e ON e.id=x.entity"
				     "  WHERE e.slug=?1) ORDER BY a.slug",
				     id, user_row, actions, err);
	if (!rc)
		rc = tm_store_each_row(st,
				       "SELECT s.slug FROM sites s JOIN entities e ON e.id=s.entity WHERE e.slug=?1"
				       " ORDER BY s.slug",
				       id, user_row, sites, err);
	return rc;
}

tm_rc tm_store_entity_petitions(tm_store *st, const char *id, tm_strv *out, tm_err *err)
{
	return tm_store_each_row(st,
				 "SELECT DISTINCT p.slug FROM petitions p JOIN petition_entities x ON x.petition=p.id"
				 " JOIN entities e ON e.id=x.entity WHERE e.slug=?1 ORDER BY p.slug",
				 id, user_row, out, err);
}
