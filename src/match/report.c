/*
 * The screening report in JSON, CSV, Markdown and HTML.
 *
 * Every format carries the same facts: each row, its match, and each flag
 * with its basis — the entity's own involvement claim, or the chain of
 * ownership to the entity whose claim it is — the claim's quotes and every
 * tie's sources, so that what a campaign publishes can be checked.  A flag
 * reads as a sentence with names, not ids, in the reader's language.  Every
 * format says that a match is not proof and absence is not innocence.
 *
 * The JSON shapes of a step, a citation and a claim are src/view's, the ones
 * the API and the site use everywhere else; one memo of names and sources
 * serves a whole report (a list names the same institutions often).
 */
#include "match/screen.h"
#include "store/store.h"
#include "view/view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char tm_screen_caveat_en[] =
	"A match is not proof and absence is not innocence. A match says that a name on the list is probably an "
	"institution in the graph; a flag says which cited claim, or which chain of ownership, ties it to an "
	"involvement category: read the quotes and the sources before you publish. No match and no flag say only "
	"that the graph holds nothing sourced about it.";
const char tm_screen_caveat_zh[] =
	"匹配不是证据，没有结果也不代表清白。匹配只说明名单上的名称很可能是图谱中的某个机构；"
	"标记说明是哪一条有引文的声明、或哪一条所有权链把它与某一参与类别联系起来：发布之前请阅读引文和来源。"
	"没有匹配、没有标记，只说明图谱中没有关于它的有来源的记录。";

static int is_zh(const char *lang)
{
	return lang && strcmp(lang, "zh") == 0;
}

/* The caveat of one row, for the cell beside it. */
static const char *row_caveat(const tm_screen_row *r, int zh)
{
	if (r->error)
		return "";
	if (r->flags.n)
		return zh ? "匹配不是证据：请阅读引文和来源" : "a match is not proof: read the quotes and the sources";
	if (r->matched)
		return zh ? "没有标记不代表清白：图谱只收录有来源的声明"
			  : "no flag is not innocence: the graph holds only sourced claims";
	return zh ? "没有匹配不代表清白：图谱只收录有来源的声明"
		  : "no match is not innocence: the graph holds only sourced claims";
}

static const char *basis_text(tm_flag_basis b, int zh)
{
	switch (b) {
	case TM_FLAG_DIRECT: return zh ? "直接" : "direct";
	case TM_FLAG_VIA_OWNER: return zh ? "经由所有者" : "via owner";
	case TM_FLAG_VIA_SUBSIDIARY: return zh ? "经由子公司" : "via subsidiary";
	}
	return "?";
}

/* A step as words: "EZVIZ —owned by (share not given)→ Hikvision", from the
 * step's JSON (view.h); shares are said for ownership ties. */
static void step_words(json_t *st, int zh, tm_buf *out)
{
	const char *from = json_string_value(json_object_get(st, zh ? "from_name_zh" : "from_name"));
	const char *to = json_string_value(json_object_get(st, zh ? "to_name_zh" : "to_name"));
	const char *label = json_string_value(json_object_get(st, zh ? "label_zh" : "label"));
	json_t *share = json_object_get(st, "share");
	tm_buf_addf(out, "%s —%s", from ? from : "?", label ? label : "?");
	if (share)
		tm_buf_addf(out, zh ? "（持股 %g%%）" : " (%g %%)", json_number_value(share));
	else
		tm_buf_adds(out, zh ? "（未记录持股比例）" : " (share not given)");
	tm_buf_addf(out, "→ %s", to ? to : "?");
}

/* ---- JSON ---- */

static json_t *flag_json(tm_view_memo *m, tm_store *st, const tm_flag *f, const char *entity_id)
{
	const tm_category *c = &tm_categories[f->category];
	json_t *o = json_object();
	json_object_set_new(o, "category", json_string(c->id));
	json_object_set_new(o, "label", json_string(c->label_en));
	json_object_set_new(o, "label_zh", json_string(c->label_zh));
	json_object_set_new(o, "context", json_string(c->context));
	json_object_set_new(o, "basis", json_string(tm_flag_basis_name(f->basis)));
	json_object_set_new(o, "direct", json_boolean(f->basis == TM_FLAG_DIRECT));
	const tm_view_ent *inv = tm_view_memo_node(m, f->involved);
	json_object_set_new(o, "involved", tm_view_memo_ref(m, inv->id));
	json_t *claims = json_array();
	for (size_t i = 0; i < f->n_claims; i++) {
		tm_involvement v;
		if (tm_store_get_involvement(st, f->claims[i], &v, NULL) != TM_OK)
			continue;
		json_array_append_new(claims, tm_view_involvement_json(m, &v));
		tm_involvement_release(&v);
	}
	json_object_set_new(o, "claims", claims);
	json_t *chain = json_array();
	for (size_t i = 0; i < f->n_chain; i++)
		json_array_append_new(chain, tm_view_memo_step(m, &f->chain[i]));
	json_object_set_new(o, "chain", chain);
	/* the flag as a sentence, with names, in each language */
	for (int zh = 0; zh < 2; zh++) {
		tm_buf t = TM_BUF_INIT;
		tm_buf_addf(&t, "%s%s%s", zh ? c->label_zh : c->label_en, zh ? "：" : ": ", basis_text(f->basis, zh));
		if (f->basis == TM_FLAG_DIRECT) {
			const tm_view_ent *e = tm_view_memo_entity(m, entity_id);
			tm_buf_addf(&t, zh ? "（%s 自身的参与声明）" : " (%s's own involvement claim)", zh ? e->name_zh : e->name);
		} else {
			tm_buf_adds(&t, zh ? "：" : ": ");
			size_t k;
			json_t *st_j;
			json_array_foreach(chain, k, st_j) {
				if (k)
					tm_buf_adds(&t, " ");
				if (k) {
					/* the next tie starts where the last ended: say only where it goes */
					const char *label = json_string_value(json_object_get(st_j, zh ? "label_zh" : "label"));
					const char *to = json_string_value(json_object_get(st_j, zh ? "to_name_zh" : "to_name"));
					json_t *share = json_object_get(st_j, "share");
					tm_buf_addf(&t, "—%s", label ? label : "?");
					if (share)
						tm_buf_addf(&t, zh ? "（持股 %g%%）" : " (%g %%)", json_number_value(share));
					else
						tm_buf_adds(&t, zh ? "（未记录持股比例）" : " (share not given)");
					tm_buf_addf(&t, "→ %s", to ? to : "?");
				} else {
					step_words(st_j, zh, &t);
				}
			}
		}
		json_object_set_new(o, zh ? "text_zh" : "text", json_string(t.buf));
		tm_buf_release(&t);
	}
	return o;
}

static json_t *score_json(double s)
{
	return json_real((double)(long)(s * 1000 + 0.5) / 1000);
}

static json_t *row_json(tm_view_memo *m, tm_store *st, const tm_screen_row *r)
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
		/* not a match: the group whose whole name the input holds.  It is
		 * flagged for nothing: only an ownership relation in the data could
		 * say that the line is the group's */
		const tm_match *gm = &r->match;
		const tm_view_ent *e = tm_view_memo_node(m, (tm_node)gm->key);
		json_t *g = json_object();
		json_object_set_new(g, "id", json_string(gm->id));
		json_object_set_new(g, "name", json_string(e->name));
		json_object_set_new(g, "name_zh", json_string(e->name_zh));
		json_object_set_new(g, "kind", json_string(gm->kind ? gm->kind : ""));
		json_object_set_new(g, "score", score_json(gm->score));
		json_object_set_new(g, "matched_by", json_string(tm_match_by_name(gm->by)));
		json_object_set_new(g, "matched_name", json_string(gm->name ? gm->name : ""));
		json_object_set_new(g, "explain", json_string(gm->explain ? gm->explain : ""));
		json_object_set_new(o, "group", g);
	}
	if (r->error) {
		json_object_set_new(o, "match", json_null());
		json_object_set_new(o, "error", json_string(r->error));
	} else if (r->matched) {
		const tm_match *mt = &r->match;
		const tm_view_ent *e = tm_view_memo_node(m, (tm_node)mt->key);
		json_t *mj = json_object();
		json_object_set_new(mj, "id", json_string(mt->id));
		json_object_set_new(mj, "name", json_string(e->name));
		json_object_set_new(mj, "name_zh", json_string(e->name_zh));
		json_object_set_new(mj, "kind", json_string(mt->kind ? mt->kind : ""));
		if (mt->country)
			json_object_set_new(mj, "country", json_string(mt->country));
		json_object_set_new(mj, "score", score_json(mt->score));
		json_object_set_new(mj, "matched_by", json_string(tm_match_by_name(mt->by)));
		json_object_set_new(mj, "matched_name", json_string(mt->name ? mt->name : ""));
		json_object_set_new(mj, "matched_lang", json_string(mt->name_lang ? mt->name_lang : ""));
		json_object_set_new(mj, "explain", json_string(mt->explain ? mt->explain : ""));
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
	json_t *flags = json_array();
	for (size_t i = 0; i < r->flags.n; i++)
		json_array_append_new(flags, flag_json(m, st, &r->flags.v[i], r->match.id));
	json_object_set_new(o, "flags", flags);
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
	json_object_set_new(s, "flags", json_boolean(r->flags_on));
	/* the categories looked for: all of them unless some were named */
	json_t *cats = json_array();
	for (size_t c = 0; r->flags_on && c < tm_n_categories; c++)
		if (!r->categories.n || tm_strv_contains(&r->categories, tm_categories[c].id))
			json_array_append_new(cats, json_string(tm_categories[c].id));
	json_object_set_new(s, "categories", cats);
	json_object_set_new(s, "depth", json_integer(r->depth));
	json_object_set_new(s, "min_share", json_real(r->min_share));
	json_t *by = json_object();
	size_t direct = 0, via = 0;
	for (size_t c = 0; c < tm_n_categories; c++) {
		size_t k = 0;
		for (size_t i = 0; i < r->n; i++)
			for (size_t f = 0; f < r->rows[i].flags.n; f++)
				k += r->rows[i].flags.v[f].category == (int)c;
		if (k)
			json_object_set_new(by, tm_categories[c].id, json_integer((json_int_t)k));
	}
	for (size_t i = 0; i < r->n; i++) {
		int d = 0, v = 0;
		for (size_t f = 0; f < r->rows[i].flags.n; f++) {
			d |= r->rows[i].flags.v[f].basis == TM_FLAG_DIRECT;
			v |= r->rows[i].flags.v[f].basis != TM_FLAG_DIRECT;
		}
		direct += d;
		via += v && !d;
	}
	json_object_set_new(s, "flagged_by_category", by);
	json_object_set_new(s, "flagged_direct", json_integer((json_int_t)direct));
	json_object_set_new(s, "flagged_only_via", json_integer((json_int_t)via));
	json_object_set_new(s, "seconds", json_real((double)(long)(r->seconds * 1000 + 0.5) / 1000));
	json_object_set_new(s, "caveat", json_string(tm_screen_caveat_en));
	json_object_set_new(s, "caveat_zh", json_string(tm_screen_caveat_zh));
	return s;
}

/* The report as JSON rows, with one memo: what every renderer starts from. */
static json_t *rows_json(tm_store *st, const tm_screen_report *r)
{
	tm_view_memo *m = tm_view_memo_new(st);
	json_t *rows = json_array();
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(rows, row_json(m, st, &r->rows[i]));
	tm_view_memo_free(m);
	return rows;
}

json_t *tm_screen_report_json(tm_store *st, const tm_screen_report *r)
{
	json_t *root = json_object();
	json_object_set_new(root, "summary", summary_json(r));
	json_object_set_new(root, "rows", rows_json(st, r));
	return root;
}

/* ---- what the text formats share ---- */

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A citation as text: “quote” (p. 3) — Title, Publisher, date. URL [not checked] */
static void cite_text(json_t *c, int zh, tm_buf *out)
{
	if (str(c, "quote"))
		tm_buf_addf(out, zh ? "“%s”" : "“%s”", str(c, "quote"));
	if (str(c, "page"))
		tm_buf_addf(out, " (%s)", str(c, "page"));
	tm_buf_addf(out, "%s%s", str(c, "quote") || str(c, "page") ? " — " : "", str(c, "title") ? str(c, "title") : str(c, "id"));
	if (str(c, "publisher"))
		tm_buf_addf(out, ", %s", str(c, "publisher"));
	if (str(c, "date"))
		tm_buf_addf(out, ", %s", str(c, "date"));
	if (str(c, "url"))
		tm_buf_addf(out, ". %s", str(c, "url"));
	if (!json_is_true(json_object_get(c, "checked")))
		tm_buf_adds(out, zh ? "［来源未核实］" : " [source not checked]");
}

/* Every citation of a flag: its claims' and its chain's, as text, joined. */
static void flag_evidence(json_t *flag, int zh, const char *sep, tm_buf *out)
{
	size_t i, k;
	json_t *x, *c;
	int first = 1;
	json_array_foreach(json_object_get(flag, "claims"), i, x) {
		json_array_foreach(json_object_get(x, "sources"), k, c) {
			if (!first)
				tm_buf_adds(out, sep);
			first = 0;
			const char *who = str(json_object_get(flag, "involved"), zh ? "name_zh" : "name");
			tm_buf_addf(out, "%s: ", who ? who : "?");
			cite_text(c, zh, out);
		}
	}
	json_array_foreach(json_object_get(flag, "chain"), i, x) {
		json_array_foreach(json_object_get(x, "sources"), k, c) {
			if (!first)
				tm_buf_adds(out, sep);
			first = 0;
			step_words(x, zh, out);
			tm_buf_adds(out, ": ");
			cite_text(c, zh, out);
		}
	}
}

static char *fmt_score(double s)
{
	tm_buf b = TM_BUF_INIT;
	tm_buf_addf(&b, "%.2f", s);
	return tm_buf_detach(&b);
}

static void summary_line(const tm_screen_report *r, int zh, tm_buf *out)
{
	if (zh)
		tm_buf_addf(out, "共 %zu 行：%zu 行匹配，%zu 行被标记，%zu 行无法读取；阈值 %.2f", r->n, r->matched,
			    r->flagged, r->unreadable, r->threshold);
	else
		tm_buf_addf(out, "%zu rows: %zu matched, %zu flagged, %zu unreadable; threshold %.2f", r->n, r->matched,
			    r->flagged, r->unreadable, r->threshold);
	if (r->group_members && zh)
		tm_buf_addf(out, "；%zu 行可能是集团成员", r->group_members);
	else if (r->group_members)
		tm_buf_addf(out, "; %zu possible group member%s", r->group_members, r->group_members == 1 ? "" : "s");
	if (!r->flags_on)
		return;
	if (zh)
		tm_buf_addf(out, "；标记：%s参与类别，经由最多 %d 层所有权关系（持股至少 %g%%，或未记录）",
			    r->categories.n ? "所选" : "全部", r->depth, r->min_share);
	else
		tm_buf_addf(out, "; flags: %s involvement categories, through up to %d ownership tie%s (share at least "
				 "%g %% or not given)",
			    r->categories.n ? "the chosen" : "all", r->depth, r->depth == 1 ? "" : "s", r->min_share);
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

void tm_screen_report_csv(tm_store *st, const tm_screen_report *r, const char *lang, tm_buf *out)
{
	static const char *const head[] = { "line",    "input",    "ident",   "country", "match_id",
					    "match_name", "matched_name", "score", "matched_by", "flags",
					    "flag_bases", "evidence", "explain", "warning", "error", "caveat" };
	enum { NCOL = sizeof(head) / sizeof(head[0]) };
	int zh = is_zh(lang);
	json_t *rows = rows_json(st, r);
	for (size_t i = 0; i < NCOL; i++)
		tm_buf_addf(out, "%s%s", i ? "," : "", head[i]);
	tm_buf_adds(out, "\r\n");
	for (size_t i = 0; i < r->n; i++) {
		const tm_screen_row *row = &r->rows[i];
		json_t *rj = json_array_get(rows, i), *m = json_object_get(rj, "match");
		char line[32];
		snprintf(line, sizeof(line), "%zu", row->line);
		char *score = row->matched ? fmt_score(row->match.score) : tm_xstrdup("");
		/* a possible group member: no match, but its kind and why */
		const tm_match *mg = row->matched || row->group_member ? &row->match : NULL;
		tm_buf ids = TM_BUF_INIT;
		ident_text(row, &ids);
		tm_buf flags = TM_BUF_INIT, bases = TM_BUF_INIT, ev = TM_BUF_INIT;
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(rj, "flags"), k, f) {
			tm_buf_addf(&flags, "%s%s", k ? "; " : "", str(f, zh ? "text_zh" : "text"));
			tm_buf_addf(&bases, "%s%s:%s", k ? ";" : "", str(f, "category"), str(f, "basis"));
			if (k)
				tm_buf_adds(&ev, " | ");
			flag_evidence(f, zh, " | ", &ev);
		}
		const char *cells[NCOL] = { line,
					    row->input,
					    ids.buf,
					    row->country,
					    row->matched ? row->match.id : "",
					    m ? str(m, zh ? "name_zh" : "name") : "",
					    row->matched ? row->match.name : "",
					    score,
					    mg ? tm_match_by_name(mg->by) : "",
					    flags.buf,
					    bases.buf,
					    ev.buf,
					    mg ? mg->explain : "",
					    row->warning,
					    row->error,
					    row_caveat(row, zh) };
		for (size_t c = 0; c < NCOL; c++) {
			if (c)
				tm_buf_addch(out, ',');
			tm_buf_add_csv(out, cells[c], ',');
		}
		tm_buf_adds(out, "\r\n");
		free(score);
		tm_buf_release(&ids);
		tm_buf_release(&flags);
		tm_buf_release(&bases);
		tm_buf_release(&ev);
	}
	json_decref(rows);
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

void tm_screen_report_md(tm_store *st, const tm_screen_report *r, const char *lang, tm_buf *out)
{
	int zh = is_zh(lang);
	json_t *rows = rows_json(st, r);
	tm_buf_adds(out, zh ? "# 名单筛查报告\n\n" : "# Screening report\n\n");
	tm_buf s = TM_BUF_INIT;
	summary_line(r, zh, &s);
	md_esc(out, s.buf);
	tm_buf_release(&s);
	tm_buf_adds(out, "\n\n> ");
	md_esc(out, zh ? tm_screen_caveat_zh : tm_screen_caveat_en);
	tm_buf_adds(out, zh ? "\n\n| 行 | 输入 | 匹配 | 分数 | 方式 | 标记 |\n|---:|---|---|---:|---|---|\n"
			    : "\n\n| Line | Input | Match | Score | By | Flags |\n|---:|---|---|---:|---|---|\n");
	for (size_t i = 0; i < r->n; i++) {
		const tm_screen_row *row = &r->rows[i];
		json_t *rj = json_array_get(rows, i), *m = json_object_get(rj, "match");
		tm_buf_addf(out, "| %zu | ", row->line);
		md_esc(out, row->input);
		tm_buf_adds(out, " | ");
		if (row->error) {
			md_esc(out, zh ? "无法读取：" : "unreadable: ");
			md_esc(out, row->error);
			tm_buf_adds(out, " | | | |\n");
			continue;
		}
		if (m) {
			md_esc(out, str(m, zh ? "name_zh" : "name"));
			tm_buf_addf(out, " | %.2f | %s", row->match.score, tm_match_by_name(row->match.by));
		} else if (row->group_member) {
			json_t *g = json_object_get(rj, "group");
			md_esc(out, zh ? "无匹配；可能是以下集团的成员：" : "no match; possible member of the group ");
			md_esc(out, str(g, zh ? "name_zh" : "name"));
			tm_buf_adds(out, " (");
			md_esc(out, str(g, "id"));
			tm_buf_addf(out, ") | %.2f | %s", row->match.score, tm_match_by_name(row->match.by));
		} else {
			md_esc(out, zh ? "无匹配" : "no match");
			tm_buf_adds(out, " | | ");
		}
		tm_buf_adds(out, " | ");
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(rj, "flags"), k, f) {
			if (k)
				tm_buf_adds(out, "; ");
			md_esc(out, str(f, zh ? "text_zh" : "text"));
		}
		tm_buf_adds(out, " |\n");
	}
	/* the evidence of each flag, quotes first */
	int head = 0;
	for (size_t i = 0; i < r->n; i++) {
		json_t *rj = json_array_get(rows, i);
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(rj, "flags"), k, f) {
			if (!head++)
				tm_buf_adds(out, zh ? "\n## 证据\n\n" : "\n## Evidence\n\n");
			tm_buf_addf(out, zh ? "- 第 %zu 行，" : "- Line %zu, ", r->rows[i].line);
			md_esc(out, str(f, zh ? "text_zh" : "text"));
			tm_buf_adds(out, "\n");
			tm_buf ev = TM_BUF_INIT;
			flag_evidence(f, zh, "\n", &ev);
			for (char *p = ev.buf, *nl; p && *p; p = nl ? nl + 1 : NULL) {
				nl = strchr(p, '\n');
				if (nl)
					*nl = '\0';
				tm_buf_adds(out, "  - ");
				md_esc(out, p);
				tm_buf_adds(out, "\n");
			}
			tm_buf_release(&ev);
		}
	}
	json_decref(rows);
}

/* ---- HTML ---- */

/* A citation with its quote as visible text, its locator, the source and
 * its link, and a mark when the source was not checked. */
static void cite_html(json_t *c, int zh, tm_buf *out)
{
	tm_buf_adds(out, "<li>");
	if (str(c, "quote")) {
		tm_buf_adds(out, "<q>");
		tm_html_esc(out, str(c, "quote"));
		tm_buf_adds(out, "</q>");
	}
	if (str(c, "page")) {
		tm_buf_adds(out, " <span class=\"loc\">(");
		tm_html_esc(out, str(c, "page"));
		tm_buf_adds(out, ")</span>");
	}
	tm_buf_adds(out, " — ");
	if (tm_url_http(str(c, "url"))) {
		tm_buf_adds(out, "<a href=\"");
		tm_html_esc(out, str(c, "url"));
		tm_buf_adds(out, "\" rel=\"noopener noreferrer\">");
		tm_html_esc(out, str(c, "title") ? str(c, "title") : str(c, "id"));
		tm_buf_adds(out, "</a>");
	} else {
		tm_html_esc(out, str(c, "title") ? str(c, "title") : str(c, "id"));
	}
	if (str(c, "publisher")) {
		tm_buf_adds(out, ", ");
		tm_html_esc(out, str(c, "publisher"));
	}
	if (str(c, "date")) {
		tm_buf_adds(out, ", ");
		tm_html_esc(out, str(c, "date"));
	}
	if (!json_is_true(json_object_get(c, "checked")))
		tm_buf_adds(out, zh ? " <strong class=\"unchecked\">［来源未核实］</strong>"
				    : " <strong class=\"unchecked\">[source not checked]</strong>");
	tm_buf_adds(out, "</li>\n");
}

void tm_screen_report_html(tm_store *st, const tm_screen_report *r, const char *lang, tm_buf *out)
{
	int zh = is_zh(lang);
	json_t *rows = rows_json(st, r);
	tm_buf_addf(out,
		    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		    "<title>%s</title>\n<style>\n"
		    "body{font-family:system-ui,sans-serif;margin:1.5rem;line-height:1.4;max-width:60rem}\n"
		    "table{border-collapse:collapse;width:100%%}td,th{border:1px solid #ccc;padding:.3rem .5rem;"
		    "vertical-align:top;text-align:left}\n"
		    "tr.flagged{background:#fff3f0}.num{text-align:right}.muted{color:#555}\n"
		    "q{font-style:italic}.unchecked{color:#8a1c00}.caveat{border-left:4px solid #8a1c00;padding-left:.6rem}\n"
		    "@media (max-width:40rem){table,thead,tbody,tr,td,th{display:block}thead{display:none}}\n"
		    "</style>\n</head>\n<body>\n<h1>%s</h1>\n<p>",
		    zh ? "zh-Hans" : "en", zh ? "名单筛查报告" : "Screening report", zh ? "名单筛查报告" : "Screening report");
	tm_buf s = TM_BUF_INIT;
	summary_line(r, zh, &s);
	tm_html_esc(out, s.buf);
	tm_buf_release(&s);
	tm_buf_adds(out, "</p>\n<p class=\"caveat\">");
	tm_html_esc(out, zh ? tm_screen_caveat_zh : tm_screen_caveat_en);
	tm_buf_addf(out, "</p>\n<table>\n<thead><tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th><th>%s</th></tr></thead>\n"
			 "<tbody>\n",
		    zh ? "行" : "Line", zh ? "输入" : "Input", zh ? "匹配" : "Match", zh ? "分数" : "Score",
		    zh ? "标记与证据" : "Flags and evidence");
	for (size_t i = 0; i < r->n; i++) {
		const tm_screen_row *row = &r->rows[i];
		json_t *rj = json_array_get(rows, i), *m = json_object_get(rj, "match"), *flags = json_object_get(rj, "flags");
		tm_buf_addf(out, "<tr%s><td class=\"num\">%zu</td><td>", json_array_size(flags) ? " class=\"flagged\"" : "",
			    row->line);
		tm_html_esc(out, row->input);
		tm_buf_adds(out, "</td>");
		if (row->error) {
			tm_buf_adds(out, "<td colspan=\"3\" class=\"muted\">");
			tm_html_esc(out, zh ? "无法读取：" : "unreadable: ");
			tm_html_esc(out, row->error);
			tm_buf_adds(out, "</td></tr>\n");
			continue;
		}
		if (m) {
			tm_buf_adds(out, "<td>");
			tm_html_esc(out, str(m, zh ? "name_zh" : "name"));
			tm_buf_adds(out, "<br><span class=\"muted\">");
			tm_html_esc(out, row->match.explain);
			tm_buf_addf(out, "</span></td><td class=\"num\">%.2f<br>%s</td>", row->match.score,
				    tm_match_by_name(row->match.by));
		} else if (row->group_member) {
			json_t *g = json_object_get(rj, "group");
			tm_buf_adds(out, "<td class=\"muted\">");
			tm_html_esc(out, zh ? "无匹配；可能是以下集团的成员：" : "no match; possible member of the group ");
			tm_html_esc(out, str(g, zh ? "name_zh" : "name"));
			tm_buf_adds(out, " (");
			tm_html_esc(out, str(g, "id"));
			tm_buf_adds(out, ")<br>");
			tm_html_esc(out, row->match.explain);
			tm_buf_addf(out, "</td><td class=\"num\">%.2f<br>%s</td>", row->match.score,
				    tm_match_by_name(row->match.by));
		} else {
			tm_buf_addf(out, "<td class=\"muted\">%s</td><td></td>", zh ? "无匹配" : "no match");
		}
		tm_buf_adds(out, "<td>");
		size_t k;
		json_t *f;
		json_array_foreach(flags, k, f) {
			tm_buf_adds(out, "<p><strong>");
			tm_html_esc(out, str(f, zh ? "text_zh" : "text"));
			tm_buf_adds(out, "</strong></p>\n<ul>\n");
			size_t a, b;
			json_t *x, *c;
			json_array_foreach(json_object_get(f, "claims"), a, x) {
				json_array_foreach(json_object_get(x, "sources"), b, c)
					cite_html(c, zh, out);
			}
			json_array_foreach(json_object_get(f, "chain"), a, x) {
				json_array_foreach(json_object_get(x, "sources"), b, c) {
					tm_buf_adds(out, "<li>");
					tm_buf ws = TM_BUF_INIT;
					step_words(x, zh, &ws);
					tm_html_esc(out, ws.buf);
					tm_buf_release(&ws);
					tm_buf_adds(out, "<ul>");
					cite_html(c, zh, out);
					tm_buf_adds(out, "</ul></li>\n");
				}
			}
			tm_buf_adds(out, "</ul>\n");
		}
		tm_buf_addf(out, "<p class=\"muted\">%s</p></td></tr>\n", row_caveat(row, zh));
	}
	tm_buf_adds(out, "</tbody>\n</table>\n</body>\n</html>\n");
	json_decref(rows);
}
