/*
 * The screening report in JSON, CSV, Markdown and HTML.
 *
 * Every format carries the same facts: each row, its match, the flags and
 * the evidence steps with the sources that back each step, so that what a
 * campaign publishes can be checked.  Entity names, relations and sources
 * come from the store once each (a list names the same entities often).
 */
#include "match/screen.h"
#include "store/store.h"

#include <stdlib.h>
#include <string.h>

/* ---- what the store says, once ---- */

typedef struct ent_info {
	int64_t key;
	char *id, *en, *zh;
} ent_info;

typedef struct rel_info {
	int64_t rel;
	tm_relation r;
	int ok;
} rel_info;

typedef struct src_info {
	char *id;
	json_t *json;  /* {"id","title",…} without quote and page */
	char *text;    /* "Title, Publisher, date. url" */
	size_t note;   /* its number in a notes list, 0 when not yet numbered */
} src_info;

typedef struct rctx {
	tm_store *st;
	ent_info *ents;
	size_t n_ents, cap_ents;
	size_t *ent_slot, n_ent_slot;
	rel_info *rels;
	size_t n_rels, cap_rels;
	src_info *srcs;
	size_t n_srcs, cap_srcs;
	size_t n_notes;
} rctx;

static size_t hash64(int64_t k)
{
	uint64_t x = (uint64_t)k * 0x9E3779B97F4A7C15ULL;
	return (size_t)(x ^ (x >> 29));
}

static const ent_info *ent_get(rctx *c, int64_t key)
{
	if (c->n_ent_slot) {
		for (size_t h = hash64(key) & (c->n_ent_slot - 1); c->ent_slot[h]; h = (h + 1) & (c->n_ent_slot - 1))
			if (c->ents[c->ent_slot[h] - 1].key == key)
				return &c->ents[c->ent_slot[h] - 1];
	}
	if ((c->n_ents + 1) * 2 > c->n_ent_slot) {
		size_t ns = c->n_ent_slot ? c->n_ent_slot * 2 : 64;
		free(c->ent_slot);
		c->ent_slot = tm_xcalloc(ns, sizeof(size_t));
		c->n_ent_slot = ns;
		for (size_t i = 0; i < c->n_ents; i++) {
			size_t h = hash64(c->ents[i].key) & (ns - 1);
			while (c->ent_slot[h])
				h = (h + 1) & (ns - 1);
			c->ent_slot[h] = i + 1;
		}
	}
	ent_info e = { key, NULL, NULL, NULL };
	tm_entity ent;
	if (tm_store_entity_names(c->st, key, &ent, NULL) == TM_OK) {
		e.id = tm_xstrdup(ent.id);
		e.en = tm_xstrdup(tm_entity_display_name(&ent, "en"));
		e.zh = tm_xstrdup(tm_entity_display_name(&ent, "zh"));
		tm_entity_release(&ent);
	}
	if (!e.id)
		e.id = tm_xstrdup("?");
	if (!e.en)
		e.en = tm_xstrdup(e.id);
	if (!e.zh)
		e.zh = tm_xstrdup(e.en);
	TM_GROW(c->ents, c->cap_ents, c->n_ents + 1);
	c->ents[c->n_ents] = e;
	size_t h = hash64(key) & (c->n_ent_slot - 1);
	while (c->ent_slot[h])
		h = (h + 1) & (c->n_ent_slot - 1);
	c->ent_slot[h] = ++c->n_ents;
	return &c->ents[c->n_ents - 1];
}

static const rel_info *rel_get(rctx *c, int64_t rel)
{
	for (size_t i = 0; i < c->n_rels; i++)
		if (c->rels[i].rel == rel)
			return &c->rels[i];
	TM_GROW(c->rels, c->cap_rels, c->n_rels + 1);
	rel_info *r = &c->rels[c->n_rels++];
	r->rel = rel;
	r->ok = tm_store_get_relation(c->st, rel, &r->r, NULL) == TM_OK;
	return r;
}

static src_info *src_get(rctx *c, const char *id)
{
	for (size_t i = 0; i < c->n_srcs; i++)
		if (strcmp(c->srcs[i].id, id) == 0)
			return &c->srcs[i];
	TM_GROW(c->srcs, c->cap_srcs, c->n_srcs + 1);
	src_info *s = &c->srcs[c->n_srcs++];
	memset(s, 0, sizeof(*s));
	s->id = tm_xstrdup(id);
	s->json = json_object();
	json_object_set_new(s->json, "id", json_string(id));
	tm_buf t = TM_BUF_INIT;
	tm_source src;
	if (tm_store_get_source(c->st, id, &src, NULL) == TM_OK) {
		json_object_set_new(s->json, "title", json_string(src.title));
		tm_buf_adds(&t, src.title);
		if (src.publisher) {
			json_object_set_new(s->json, "publisher", json_string(src.publisher));
			tm_buf_addf(&t, ", %s", src.publisher);
		}
		if (src.date[0]) {
			json_object_set_new(s->json, "date", json_string(src.date));
			tm_buf_addf(&t, ", %s", src.date);
		}
		if (src.url) {
			json_object_set_new(s->json, "url", json_string(src.url));
			tm_buf_addf(&t, ". %s", src.url);
		}
		tm_source_release(&src);
	} else {
		tm_buf_adds(&t, id);
	}
	s->text = tm_buf_detach(&t);
	return s;
}

static void rctx_release(rctx *c)
{
	for (size_t i = 0; i < c->n_ents; i++) {
		free(c->ents[i].id);
		free(c->ents[i].en);
		free(c->ents[i].zh);
	}
	free(c->ents);
	free(c->ent_slot);
	for (size_t i = 0; i < c->n_rels; i++)
		if (c->rels[i].ok)
			tm_relation_release(&c->rels[i].r);
	free(c->rels);
	for (size_t i = 0; i < c->n_srcs; i++) {
		free(c->srcs[i].id);
		free(c->srcs[i].text);
		json_decref(c->srcs[i].json);
	}
	free(c->srcs);
}

static const char *step_label(const tm_step *s, int zh)
{
	if (s->predicate < 0 || (size_t)s->predicate >= tm_n_predicates)
		return "?";
	const tm_predicate *p = &tm_predicates[s->predicate];
	int fwd = s->forward || p->symmetric;
	return zh ? (fwd ? p->label_zh : p->inverse_zh) : (fwd ? p->label_en : p->inverse_en);
}

/* ---- JSON ---- */

static json_t *step_json(rctx *c, const tm_step *s)
{
	json_t *o = json_object();
	const ent_info *from = ent_get(c, s->from), *to = ent_get(c, s->to);
	json_object_set_new(o, "from", json_string(from->id));
	json_object_set_new(o, "predicate",
			    json_string(s->predicate >= 0 && (size_t)s->predicate < tm_n_predicates ?
						tm_predicates[s->predicate].id : "?"));
	json_object_set_new(o, "to", json_string(to->id));
	json_object_set_new(o, "direction", json_string(s->forward ? "forward" : "inverse"));
	json_object_set_new(o, "label", json_string(step_label(s, 0)));
	json_object_set_new(o, "label_zh", json_string(step_label(s, 1)));
	json_t *srcs = json_array();
	const rel_info *r = rel_get(c, s->rel_id);
	if (r->ok) {
		if (r->r.start[0])
			json_object_set_new(o, "start", json_string(r->r.start));
		if (r->r.end[0])
			json_object_set_new(o, "end", json_string(r->r.end));
		for (size_t i = 0; i < r->r.cites.n; i++) {
			const tm_cite *ct = &r->r.cites.v[i];
			json_t *sj = json_deep_copy(src_get(c, ct->source)->json);
			if (ct->quote)
				json_object_set_new(sj, "quote", json_string(ct->quote));
			if (ct->page)
				json_object_set_new(sj, "page", json_string(ct->page));
			json_array_append_new(srcs, sj);
		}
	}
	json_object_set_new(o, "sources", srcs);
	return o;
}

json_t *tm_screen_step_json(tm_store *st, const tm_step *s)
{
	rctx c = { .st = st };
	json_t *o = step_json(&c, s);
	rctx_release(&c);
	return o;
}

static json_t *score_json(double s)
{
	return json_real((double)(long)(s * 1000 + 0.5) / 1000);
}

static json_t *row_json(rctx *c, const tm_screen_row *r)
{
	json_t *o = json_object();
	json_object_set_new(o, "line", json_integer((json_int_t)r->line));
	json_object_set_new(o, "input", json_string(r->input));
	if (r->ident)
		json_object_set_new(o, "ident", json_string(r->ident));
	if (r->nids) {
		json_t *ids = json_object();
		for (size_t k = 0; k < r->nids; k++)
			json_object_set_new(ids, r->ids[k].scheme ? r->ids[k].scheme : "identifier",
					    json_string(r->ids[k].value));
		json_object_set_new(o, "identifiers", ids);
	}
	if (r->country)
		json_object_set_new(o, "country", json_string(r->country));
	if (r->group_member) {
		/* not a match: the group whose whole name the input holds */
		const tm_match *m = &r->match;
		const ent_info *e = ent_get(c, m->key);
		json_t *g = json_object();
		json_object_set_new(g, "id", json_string(m->id));
		json_object_set_new(g, "name", json_string(e->en));
		json_object_set_new(g, "name_zh", json_string(e->zh));
		json_object_set_new(g, "kind", json_string(m->kind ? m->kind : ""));
		json_object_set_new(g, "score", score_json(m->score));
		json_object_set_new(g, "matched_by", json_string(tm_match_by_name(m->by)));
		json_object_set_new(g, "matched_name", json_string(m->name ? m->name : ""));
		json_object_set_new(g, "explain", json_string(m->explain ? m->explain : ""));
		json_object_set_new(o, "group", g);
	}
	if (r->error) {
		json_object_set_new(o, "match", json_null());
		json_object_set_new(o, "error", json_string(r->error));
	} else if (r->matched) {
		const tm_match *m = &r->match;
		const ent_info *e = ent_get(c, m->key);
		json_t *mj = json_object();
		json_object_set_new(mj, "id", json_string(m->id));
		json_object_set_new(mj, "name", json_string(e->en));
		json_object_set_new(mj, "name_zh", json_string(e->zh));
		json_object_set_new(mj, "kind", json_string(m->kind ? m->kind : ""));
		if (m->country)
			json_object_set_new(mj, "country", json_string(m->country));
		json_object_set_new(mj, "score", score_json(m->score));
		json_object_set_new(mj, "matched_by", json_string(tm_match_by_name(m->by)));
		json_object_set_new(mj, "matched_name", json_string(m->name ? m->name : ""));
		json_object_set_new(mj, "matched_lang", json_string(m->name_lang ? m->name_lang : ""));
		json_object_set_new(mj, "explain", json_string(m->explain ? m->explain : ""));
		json_object_set_new(o, "match", mj);
	} else {
		json_object_set_new(o, "match", json_null());
		if (r->match.id && !r->group_member) {
			/* the nearest miss, so a reader can see why it is no match */
			json_t *b = json_object();
			json_object_set_new(b, "id", json_string(r->match.id));
			json_object_set_new(b, "score", score_json(r->match.score));
			json_object_set_new(b, "explain", json_string(r->match.explain ? r->match.explain : ""));
			json_object_set_new(o, "best_below_threshold", b);
		}
	}
	json_t *flags = json_array(), *detail = json_array(), *ev = json_array();
	for (size_t i = 0; i < r->flags.tags.n; i++) {
		json_array_append_new(flags, json_string(r->flags.tags.v[i]));
		json_t *d = json_object();
		json_object_set_new(d, "tag", json_string(r->flags.tags.v[i]));
		json_object_set_new(d, "via", json_string(ent_get(c, r->flags.via[i])->id));
		json_object_set_new(d, "hops", json_integer(r->flags.dist[i]));
		json_object_set_new(d, "through_owners", json_boolean(r->flags.owner[i]));
		json_array_append_new(detail, d);
	}
	for (size_t i = 0; i < r->flags.n_steps; i++)
		json_array_append_new(ev, step_json(c, &r->flags.steps[i]));
	json_object_set_new(o, "flags", flags);
	json_object_set_new(o, "flag_detail", detail);
	json_object_set_new(o, "evidence", ev);
	if (r->warning)
		json_object_set_new(o, "warning", json_string(r->warning));
	return o;
}

static json_t *summary_json(const tm_screen_report *r)
{
	json_t *s = json_object();
	json_object_set_new(s, "rows", json_integer((json_int_t)r->n));
	json_object_set_new(s, "matched", json_integer((json_int_t)r->matched));
	json_object_set_new(s, "unmatched", json_integer((json_int_t)(r->n - r->matched - r->unreadable)));
	json_object_set_new(s, "flagged", json_integer((json_int_t)r->flagged));
	json_object_set_new(s, "unreadable", json_integer((json_int_t)r->unreadable));
	json_object_set_new(s, "warnings", json_integer((json_int_t)r->warned));
	json_object_set_new(s, "group_members", json_integer((json_int_t)r->group_members));
	if (r->input_format) {
		/* how the file was read: what was skipped is what a reader checks */
		json_t *in = json_object();
		json_object_set_new(in, "format", json_string(r->input_format));
		if (r->input_sheet)
			json_object_set_new(in, "sheet", json_string(r->input_sheet));
		json_object_set_new(in, "header_line", json_integer((json_int_t)r->header_line));
		json_t *notes = json_array();
		for (size_t i = 0; i < r->input_notes.n; i++)
			json_array_append_new(notes, json_string(r->input_notes.v[i]));
		json_object_set_new(in, "notes", notes);
		json_object_set_new(s, "input", in);
	}
	json_object_set_new(s, "threshold", score_json(r->threshold));
	json_t *tags = json_array();
	for (size_t i = 0; i < r->tags.n; i++)
		json_array_append_new(tags, json_string(r->tags.v[i]));
	json_object_set_new(s, "tags", tags);
	json_object_set_new(s, "hops", json_integer(r->hops));
	/* counts per tag reached */
	json_t *by = json_object();
	for (size_t t = 0; t < r->tags.n; t++) {
		size_t k = 0;
		for (size_t i = 0; i < r->n; i++)
			k += tm_strv_contains(&r->rows[i].flags.tags, r->tags.v[t]);
		json_object_set_new(by, r->tags.v[t], json_integer((json_int_t)k));
	}
	json_object_set_new(s, "flagged_by_tag", by);
	json_object_set_new(s, "seconds", json_real((double)(long)(r->seconds * 1000 + 0.5) / 1000));
	return s;
}

json_t *tm_screen_report_json(tm_store *st, const tm_screen_report *r)
{
	rctx c = { .st = st };
	json_t *root = json_object(), *rows = json_array();
	json_object_set_new(root, "summary", summary_json(r));
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(rows, row_json(&c, &r->rows[i]));
	json_object_set_new(root, "rows", rows);
	rctx_release(&c);
	return root;
}

/* ---- text of steps, for CSV, Markdown and HTML ---- */

static void step_text(rctx *c, const tm_step *s, tm_buf *out)
{
	const ent_info *from = ent_get(c, s->from), *to = ent_get(c, s->to);
	tm_buf_addf(out, "%s (%s) —%s→ %s (%s)", from->en, from->id, step_label(s, 0), to->en, to->id);
}

void tm_screen_step_text(tm_store *st, const tm_step *s, tm_buf *out)
{
	rctx c = { .st = st };
	step_text(&c, s, out);
	rctx_release(&c);
}

static char *fmt_score(double s)
{
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%.2f", s);
	return tm_buf_detach(&b);
}

static void join_flags(const tm_screen_row *r, tm_buf *out, const char *sep)
{
	for (size_t i = 0; i < r->flags.tags.n; i++)
		tm_buf_addf(out, "%s%s", i ? sep : "", r->flags.tags.v[i]);
}

/* ---- CSV ---- */

/* The identifiers of a row in one cell: "CNE100000PM8" or "ticker 002415; isin CNE100000PM8". */
static void ident_text(const tm_screen_row *row, tm_buf *out)
{
	if (row->ident)
		tm_buf_adds(out, row->ident);
	for (size_t k = 0; k < row->nids; k++)
		tm_buf_addf(out, "%s%s %s", out->len ? "; " : "", row->ids[k].scheme ? row->ids[k].scheme : "identifier",
			    row->ids[k].value);
}

void tm_screen_report_csv(tm_store *st, const tm_screen_report *r, tm_buf *out)
{
	static const char *const head[] = { "line", "input", "ident", "country", "match_id", "match_name",
					    "matched_name", "score", "matched_by", "flags", "evidence", "sources",
					    "explain", "warning", "error" };
	rctx c = { .st = st };
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		tm_buf_addf(out, "%s%s", i ? "," : "", head[i]);
	tm_buf_adds(out, "\r\n");
	for (size_t i = 0; i < r->n; i++) {
		const tm_screen_row *row = &r->rows[i];
		const tm_match *m = row->matched ? &row->match : NULL;
		/* a possible group member: no match, but its kind and why */
		const tm_match *gm = row->group_member ? &row->match : NULL;
		char line[32];
		snprintf(line, sizeof(line), "%zu", row->line);
		char *score = m ? fmt_score(m->score) : tm_xstrdup("");
		tm_buf ids = TM_BUF_INIT;
		ident_text(row, &ids);
		const char *cells[15] = { line, row->input, ids.buf, row->country, m ? m->id : "",
					  m ? ent_get(&c, m->key)->en : "", m ? m->name : "", score,
					  m || gm ? tm_match_by_name((m ? m : gm)->by) : "", NULL, NULL, NULL,
					  m || gm ? (m ? m : gm)->explain : "", row->warning, row->error };
		tm_buf flags = TM_BUF_INIT, ev = TM_BUF_INIT, srcs = TM_BUF_INIT;
		join_flags(row, &flags, ";");
		tm_strv seen = TM_STRV_INIT;
		for (size_t k = 0; k < row->flags.n_steps; k++) {
			if (k)
				tm_buf_adds(&ev, "; ");
			step_text(&c, &row->flags.steps[k], &ev);
			const rel_info *ri = rel_get(&c, row->flags.steps[k].rel_id);
			for (size_t s = 0; ri->ok && s < ri->r.cites.n; s++) {
				const char *sid = ri->r.cites.v[s].source;
				if (tm_strv_contains(&seen, sid))
					continue;
				tm_strv_push(&seen, sid);
				tm_buf_addf(&srcs, "%s%s", srcs.len ? "; " : "", src_get(&c, sid)->text);
			}
		}
		tm_strv_release(&seen);
		cells[9] = flags.buf;
		cells[10] = ev.buf;
		cells[11] = srcs.buf;
		for (size_t k = 0; k < 15; k++) {
			if (k)
				tm_buf_addch(out, ',');
			tm_buf_add_csv(out, cells[k], ',');
		}
		tm_buf_adds(out, "\r\n");
		free(score);
		tm_buf_release(&ids);
		tm_buf_release(&flags);
		tm_buf_release(&ev);
		tm_buf_release(&srcs);
	}
	rctx_release(&c);
}

/* ---- Markdown ---- */

static void md_esc(tm_buf *out, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '\n' || *s == '\r') {
			tm_buf_addch(out, ' ');
			continue;
		}
		if (strchr("\\`*_[]<>|&#~", *s))
			tm_buf_addch(out, '\\');
		tm_buf_addch(out, *s);
	}
}

/* The numbers of the sources of a step, numbering new ones. */
static void note_refs(rctx *c, const tm_step *s, tm_buf *out, int html)
{
	const rel_info *ri = rel_get(c, s->rel_id);
	for (size_t k = 0; ri->ok && k < ri->r.cites.n; k++) {
		src_info *si = src_get(c, ri->r.cites.v[k].source);
		if (!si->note)
			si->note = ++c->n_notes;
		if (html)
			tm_buf_addf(out, "<a href=\"#src-%zu\">[%zu]</a>", si->note, si->note);
		else
			tm_buf_addf(out, "[%zu]", si->note);
	}
}

static int by_note(const void *x, const void *y)
{
	const src_info *a = *(const src_info *const *)x, *b = *(const src_info *const *)y;
	return a->note < b->note ? -1 : a->note > b->note;
}

/* The sources that got a number, in number order. */
static size_t noted(rctx *c, src_info ***out)
{
	*out = tm_xcalloc(c->n_srcs ? c->n_srcs : 1, sizeof(src_info *));
	size_t n = 0;
	for (size_t i = 0; i < c->n_srcs; i++)
		if (c->srcs[i].note)
			(*out)[n++] = &c->srcs[i];
	qsort(*out, n, sizeof(**out), by_note);
	return n;
}

static void summary_line(const tm_screen_report *r, tm_buf *out)
{
	tm_buf_addf(out, "%zu rows: %zu matched, %zu flagged, %zu unreadable; threshold %.2f", r->n, r->matched,
		    r->flagged, r->unreadable, r->threshold);
	if (r->group_members)
		tm_buf_addf(out, "; %zu possible group member%s", r->group_members, r->group_members == 1 ? "" : "s");
	if (r->tags.n) {
		tm_buf_adds(out, "; tags ");
		for (size_t i = 0; i < r->tags.n; i++)
			tm_buf_addf(out, "%s%s", i ? ", " : "", r->tags.v[i]);
		tm_buf_addf(out, " within %d hop%s", r->hops, r->hops == 1 ? "" : "s");
	}
}

void tm_screen_report_md(tm_store *st, const tm_screen_report *r, tm_buf *out)
{
	rctx c = { .st = st };
	tm_buf_adds(out, "# Screening report\n\n");
	tm_buf s = TM_BUF_INIT;
	summary_line(r, &s);
	md_esc(out, s.buf);
	tm_buf_release(&s);
	tm_buf_adds(out, "\n\n| Line | Input | Match | Score | By | Flags | Evidence |\n"
			 "|---:|---|---|---:|---|---|---|\n");
	for (size_t i = 0; i < r->n; i++) {
		const tm_screen_row *row = &r->rows[i];
		tm_buf_addf(out, "| %zu | ", row->line);
		md_esc(out, row->input);
		tm_buf_adds(out, " | ");
		if (row->error) {
			tm_buf_adds(out, "unreadable: ");
			md_esc(out, row->error);
			tm_buf_adds(out, " | | | | |\n");
			continue;
		}
		if (row->matched) {
			const ent_info *e = ent_get(&c, row->match.key);
			md_esc(out, e->en);
			tm_buf_adds(out, " (");
			md_esc(out, e->id);
			tm_buf_addf(out, ") | %.2f | %s", row->match.score, tm_match_by_name(row->match.by));
		} else if (row->group_member) {
			const ent_info *e = ent_get(&c, row->match.key);
			tm_buf_adds(out, "no match; possible member of the group ");
			md_esc(out, e->en);
			tm_buf_adds(out, " (");
			md_esc(out, e->id);
			tm_buf_addf(out, ") | %.2f | %s", row->match.score, tm_match_by_name(row->match.by));
		} else {
			tm_buf_adds(out, "no match | | ");
		}
		tm_buf_adds(out, " | ");
		tm_buf f = TM_BUF_INIT;
		join_flags(row, &f, ", ");
		md_esc(out, f.buf);
		tm_buf_release(&f);
		tm_buf_adds(out, " | ");
		for (size_t k = 0; k < row->flags.n_steps; k++) {
			tm_buf t = TM_BUF_INIT;
			if (k)
				tm_buf_adds(out, "; ");
			step_text(&c, &row->flags.steps[k], &t);
			md_esc(out, t.buf);
			tm_buf_addch(out, ' ');
			tm_buf_release(&t);
			tm_buf refs = TM_BUF_INIT;
			note_refs(&c, &row->flags.steps[k], &refs, 0);
			md_esc(out, refs.buf);
			tm_buf_release(&refs);
		}
		tm_buf_adds(out, " |\n");
	}
	src_info **ns;
	size_t n = noted(&c, &ns);
	if (n) {
		tm_buf_adds(out, "\n## Sources\n\n");
		for (size_t i = 0; i < n; i++) {
			tm_buf_addf(out, "%zu. ", ns[i]->note);
			md_esc(out, ns[i]->text);
			tm_buf_addch(out, '\n');
		}
	}
	free(ns);
	rctx_release(&c);
}

/* ---- HTML ---- */

void tm_screen_report_html(tm_store *st, const tm_screen_report *r, tm_buf *out)
{
	rctx c = { .st = st };
	tm_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			 "<title>Screening report</title>\n<style>\n"
			 "body{font-family:system-ui,sans-serif;margin:1.5rem;line-height:1.4}\n"
			 "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;"
			 "vertical-align:top;text-align:left}\n"
			 "tr.flagged{background:#fff3f0}.num{text-align:right}.muted{color:#666}\n"
			 "</style>\n</head>\n<body>\n<h1>Screening report</h1>\n<p>");
	tm_buf s = TM_BUF_INIT;
	summary_line(r, &s);
	tm_html_esc(out, s.buf);
	tm_buf_release(&s);
	tm_buf_adds(out, "</p>\n<table>\n<thead><tr><th>Line</th><th>Input</th><th>Match</th><th>Score</th>"
			 "<th>By</th><th>Flags</th><th>Evidence</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < r->n; i++) {
		const tm_screen_row *row = &r->rows[i];
		tm_buf_addf(out, "<tr%s><td class=\"num\">%zu</td><td>", row->flags.tags.n ? " class=\"flagged\"" : "",
			    row->line);
		tm_html_esc(out, row->input);
		tm_buf_adds(out, "</td>");
		if (row->error) {
			tm_buf_adds(out, "<td colspan=\"5\" class=\"muted\">unreadable: ");
			tm_html_esc(out, row->error);
			tm_buf_adds(out, "</td></tr>\n");
			continue;
		}
		if (row->matched) {
			const ent_info *e = ent_get(&c, row->match.key);
			tm_buf_adds(out, "<td>");
			tm_html_esc(out, e->en);
			tm_buf_adds(out, " <span class=\"muted\">(");
			tm_html_esc(out, e->id);
			tm_buf_adds(out, ")</span><br><span class=\"muted\">");
			tm_html_esc(out, row->match.explain);
			tm_buf_addf(out, "</span></td><td class=\"num\">%.2f</td><td>%s</td>", row->match.score,
				    tm_match_by_name(row->match.by));
		} else if (row->group_member) {
			const ent_info *e = ent_get(&c, row->match.key);
			tm_buf_adds(out, "<td class=\"muted\">no match; possible member of the group ");
			tm_html_esc(out, e->en);
			tm_buf_adds(out, " (");
			tm_html_esc(out, e->id);
			tm_buf_adds(out, ")<br>");
			tm_html_esc(out, row->match.explain);
			tm_buf_addf(out, "</td><td class=\"num\">%.2f</td><td>%s</td>", row->match.score,
				    tm_match_by_name(row->match.by));
		} else {
			tm_buf_adds(out, "<td class=\"muted\">no match</td><td></td><td></td>");
		}
		tm_buf_adds(out, "<td>");
		tm_buf f = TM_BUF_INIT;
		join_flags(row, &f, ", ");
		tm_html_esc(out, f.buf);
		tm_buf_release(&f);
		tm_buf_adds(out, "</td><td>");
		for (size_t k = 0; k < row->flags.n_steps; k++) {
			tm_buf t = TM_BUF_INIT;
			if (k)
				tm_buf_adds(out, "<br>");
			step_text(&c, &row->flags.steps[k], &t);
			tm_html_esc(out, t.buf);
			tm_buf_addch(out, ' ');
			tm_buf_release(&t);
			note_refs(&c, &row->flags.steps[k], out, 1);
		}
		tm_buf_adds(out, "</td></tr>\n");
	}
	tm_buf_adds(out, "</tbody>\n</table>\n");
	src_info **ns;
	size_t n = noted(&c, &ns);
	if (n) {
		tm_buf_adds(out, "<h2>Sources</h2>\n<ol>\n");
		for (size_t i = 0; i < n; i++) {
			const char *url = json_string_value(json_object_get(ns[i]->json, "url"));
			const char *title = json_string_value(json_object_get(ns[i]->json, "title"));
			tm_buf_addf(out, "<li id=\"src-%zu\" value=\"%zu\">", ns[i]->note, ns[i]->note);
			if (tm_url_http(url)) {
				tm_buf_adds(out, "<a href=\"");
				tm_html_esc(out, url);
				tm_buf_adds(out, "\" rel=\"noopener noreferrer\">");
				tm_html_esc(out, title ? title : ns[i]->id);
				tm_buf_adds(out, "</a>");
			} else {
				tm_html_esc(out, title ? title : ns[i]->id);
			}
			const char *pub = json_string_value(json_object_get(ns[i]->json, "publisher"));
			const char *date = json_string_value(json_object_get(ns[i]->json, "date"));
			if (pub) {
				tm_buf_adds(out, ", ");
				tm_html_esc(out, pub);
			}
			if (date) {
				tm_buf_adds(out, ", ");
				tm_html_esc(out, date);
			}
			tm_buf_adds(out, "</li>\n");
		}
		tm_buf_adds(out, "</ol>\n");
	}
	free(ns);
	tm_buf_adds(out, "</body>\n</html>\n");
	rctx_release(&c);
}
