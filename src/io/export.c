/*
 * Records to JSON, and the exporters.  The JSON shape here is the one the
 * importer reads, so `export | import | export` gives the same bytes.
 */

#include "io/io.h"
#include "store/store_history.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store_campaign.h"
#include "store/store_capture.h"
#include "store/store_petition.h"

void tm_json_set_str(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v)); /* steals the fresh string */
}

/* Integral values print as integers, so 42000000 stays 42000000. */
static json_t *number(double v)
{
	if (v == floor(v) && fabs(v) < 9007199254740992.0)
		return json_integer((json_int_t)v);
	return json_real(v);
}

json_t *tm_cites_to_json(const tm_cites *c)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < c->n; i++) {
		if (!c->v[i].quote && !c->v[i].page) {
			json_array_append_new(arr, json_string(c->v[i].source));
			continue;
		}
		json_t *o = json_object();
		tm_json_set_str(o, "source", c->v[i].source);
		tm_json_set_str(o, "quote", c->v[i].quote);
		tm_json_set_str(o, "page", c->v[i].page);
		json_array_append_new(arr, o);
	}
	return arr;
}

json_t *tm_source_to_json(const tm_source *s)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "source");
	tm_json_set_str(o, "id", s->id);
	tm_json_set_str(o, "title", s->title);
	tm_json_set_str(o, "author", s->author);
	tm_json_set_str(o, "publisher", s->publisher);
	tm_json_set_str(o, "date", s->date);
	tm_json_set_str(o, "url", s->url);
	tm_json_set_str(o, "lang", s->lang);
	tm_json_set_str(o, "note", s->note);
	tm_json_set_str(o, "accessed", s->accessed);
	if (s->checked)
		json_object_set_new(o, "checked", json_true());
	return o;
}

json_t *tm_entity_to_json(const tm_entity *e)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "entity");
	tm_json_set_str(o, "id", e->id);
	tm_json_set_str(o, "kind", e->kind);
	tm_json_set_str(o, "country", e->country);
	tm_json_set_str(o, "start", e->start);
	tm_json_set_str(o, "end", e->end);
	json_t *names = json_array();
	for (size_t i = 0; i < e->n_names; i++) {
		json_t *n = json_object();
		tm_json_set_str(n, "text", e->names[i].text);
		tm_json_set_str(n, "lang", e->names[i].lang);
		if (e->names[i].primary)
			json_object_set_new(n, "primary", json_true());
		json_array_append_new(names, n);
	}
	json_object_set_new(o, "names", names);
	if (e->desc_en || e->desc_zh) {
		json_t *d = json_object();
		tm_json_set_str(d, "en", e->desc_en);
		tm_json_set_str(d, "zh", e->desc_zh);
		json_object_set_new(o, "description", d);
	}
	if (e->tags.n) {
		json_t *tags = json_array();
		for (size_t i = 0; i < e->tags.n; i++)
			json_array_append_new(tags, json_string(e->tags.v[i]));
		json_object_set_new(o, "tags", tags);
	}
	if (e->n_idents) {
		json_t *ids = json_array();
		for (size_t i = 0; i < e->n_idents; i++) {
			json_t *id = json_object();
			tm_json_set_str(id, "scheme", e->idents[i].scheme);
			tm_json_set_str(id, "value", e->idents[i].value);
			json_array_append_new(ids, id);
		}
		json_object_set_new(o, "identifiers", ids);
	}
	if (e->referents.n) {
		json_t *refs = json_array();
		for (size_t i = 0; i < e->referents.n; i++)
			json_array_append_new(refs, json_string(e->referents.v[i]));
		json_object_set_new(o, "referents", refs);
	}
	if (e->cites.n)
		json_object_set_new(o, "sources", tm_cites_to_json(&e->cites));
	tm_json_set_str(o, "added", e->added);
	tm_json_set_str(o, "changed", e->changed);
	return o;
}

json_t *tm_relation_to_json(const tm_relation *r)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "relation");
	tm_json_set_str(o, "subject", r->subject);
	tm_json_set_str(o, "predicate", r->predicate);
	tm_json_set_str(o, "object", r->object);
	tm_json_set_str(o, "start", r->start);
	tm_json_set_str(o, "end", r->end);
	if (r->has_amount)
		json_object_set_new(o, "amount", number(r->amount));
	tm_json_set_str(o, "currency", r->currency);
	if (r->has_share)
		json_object_set_new(o, "share", number(r->share));
	tm_json_set_str(o, "note", r->note);
	if (r->cites.n)
		json_object_set_new(o, "sources", tm_cites_to_json(&r->cites));
	tm_json_set_str(o, "added", r->added);
	tm_json_set_str(o, "changed", r->changed);
	return o;
}

json_t *tm_involvement_to_json(const tm_involvement *v)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "involvement");
	tm_json_set_str(o, "entity", v->entity);
	tm_json_set_str(o, "category", v->category);
	tm_json_set_str(o, "start", v->start);
	tm_json_set_str(o, "end", v->end);
	tm_json_set_str(o, "note", v->note);
	if (v->cites.n)
		json_object_set_new(o, "sources", tm_cites_to_json(&v->cites));
	tm_json_set_str(o, "added", v->added);
	tm_json_set_str(o, "changed", v->changed);
	return o;
}

static json_t *bitext(const char *en, const char *zh)
{
	json_t *o = json_object();
	tm_json_set_str(o, "en", en);
	tm_json_set_str(o, "zh", zh);
	return o;
}

json_t *tm_page_to_json(const tm_page *p)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "page");
	tm_json_set_str(o, "id", p->id);
	json_object_set_new(o, "title", bitext(p->title_en, p->title_zh));
	json_object_set_new(o, "body", bitext(p->body_en, p->body_zh));
	return o;
}

json_t *tm_capture_to_json(const tm_capture *c)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "capture");
	tm_json_set_str(o, "source", c->source);
	tm_json_set_str(o, "fetched", c->fetched);
	tm_json_set_str(o, "url", c->url);
	tm_json_set_str(o, "final_url", c->final_url);
	json_object_set_new(o, "status", json_integer(c->status));
	tm_json_set_str(o, "content_type", c->content_type);
	json_object_set_new(o, "length", json_integer((json_int_t)c->length));
	tm_json_set_str(o, "sha256", c->sha256);
	tm_json_set_str(o, "warc", c->warc);
	tm_json_set_str(o, "warc_sha256", c->warc_sha256);
	if (c->n_redirects) {
		json_t *r = json_array();
		for (size_t i = 0; i < c->n_redirects; i++) {
			json_t *h = json_object();
			tm_json_set_str(h, "url", c->redirects[i].url);
			json_object_set_new(h, "status", json_integer(c->redirects[i].status));
			json_array_append_new(r, h);
		}
		json_object_set_new(o, "redirects", r);
	}
	return o;
}

/* ---- jsonl ---- */

struct out_ctx {
	FILE *f;
	int failed;
};

static int write_json_line(struct out_ctx *c, json_t *o)
{
	if (json_dumpf(o, c->f, JSON_COMPACT | JSON_PRESERVE_ORDER) != 0 || fputc('\n', c->f) == EOF)
		c->failed = 1;
	json_decref(o);
	return c->failed;
}

static int jsonl_source(void *ctx, const tm_source *s)
{
	return write_json_line(ctx, tm_source_to_json(s));
}

static int jsonl_entity(void *ctx, const tm_entity *e)
{
	return write_json_line(ctx, tm_entity_to_json(e));
}

static int jsonl_relation(void *ctx, int64_t id, const tm_relation *r)
{
	(void)id;
	return write_json_line(ctx, tm_relation_to_json(r));
}

static int jsonl_involvement(void *ctx, int64_t id, const tm_involvement *v)
{
	(void)id;
	return write_json_line(ctx, tm_involvement_to_json(v));
}

static int jsonl_page(void *ctx, const tm_page *p)
{
	return write_json_line(ctx, tm_page_to_json(p));
}

/* Campaign records print reals with 15 digits, so that 49.267 stays 49.267. */
static int jsonl_geo_line(struct out_ctx *c, json_t *o)
{
	if (json_dumpf(o, c->f, TM_IO_JSON_GEO_FLAGS) != 0 || fputc('\n', c->f) == EOF)
		c->failed = 1;
	json_decref(o);
	return c->failed;
}

static int jsonl_site(void *ctx, const tm_site *s)
{
	return jsonl_geo_line(ctx, tm_site_to_json(s));
}

static int jsonl_action(void *ctx, const tm_action *a, const char *updated_at)
{
	(void)updated_at;
	return jsonl_geo_line(ctx, tm_action_to_json(a));
}

static int jsonl_capture(void *ctx, const tm_capture *c)
{
	return write_json_line(ctx, tm_capture_to_json(c));
}

static int jsonl_petition(void *ctx, const tm_petition *p)
{
	return write_json_line(ctx, tm_petition_to_json(p));
}

tm_rc tm_export_jsonl(tm_store *st, FILE *out, tm_err *err)
{
	struct out_ctx c = { out, 0 };
	tm_rc rc;
	static const tm_site_filter by_id = { .by_id = 1 };
	if ((rc = tm_store_each_source(st, jsonl_source, &c, err)) ||
	    (!c.failed && (rc = tm_store_each_entity(st, jsonl_entity, &c, err))) ||
	    (!c.failed && (rc = tm_store_each_relation(st, jsonl_relation, &c, err))) ||
	    (!c.failed && (rc = tm_store_each_involvement(st, jsonl_involvement, &c, err))) ||
	    (!c.failed && (rc = tm_store_each_site(st, &by_id, jsonl_site, &c, err))) ||
	    (!c.failed && (rc = tm_store_each_action(st, NULL, jsonl_action, &c, err))) ||
	    (!c.failed && (rc = tm_store_each_capture(st, NULL, jsonl_capture, &c, err))) ||
	    (!c.failed && (rc = tm_store_each_petition(st, NULL, jsonl_petition, &c, err))) ||
	    (!c.failed && (rc = tm_store_each_page(st, jsonl_page, &c, err))))
		return rc;
	if (c.failed || fflush(out) != 0)
		return tm_fail(err, TM_ERR_IO, "unable to write the export: %s", strerror(errno));
	return TM_OK;
}

/* ---- history (store_history.h): changes, then revisions ---- */

static int jsonl_change(void *ctx, const tm_change *ch)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "change");
	json_object_set_new(o, "id", json_integer(ch->id));
	tm_json_set_str(o, "at", ch->at);
	tm_json_set_str(o, "author", ch->author);
	tm_json_set_str(o, "via", ch->via);
	tm_json_set_str(o, "summary", ch->summary);
	if (ch->status != TM_CHANGE_PUBLISHED)
		tm_json_set_str(o, "status", tm_change_status_name(ch->status));
	tm_json_set_str(o, "reviewer", ch->reviewer);
	tm_json_set_str(o, "reviewed_at", ch->reviewed_at);
	tm_json_set_str(o, "review_note", ch->review_note);
	if (ch->approves)
		json_object_set_new(o, "approves", json_integer(ch->approves));
	return write_json_line(ctx, o);
}

/* A state as the object it is (kept as canonical JSON text). */
static void set_state(json_t *o, const char *key, const char *text)
{
	json_t *v = text ? json_loads(text, 0, NULL) : NULL;
	json_object_set_new(o, key, v ? v : json_null());
}

static int jsonl_revision(void *ctx, const tm_revision *r, const tm_change *ch)
{
	(void)ch;
	json_t *o = json_object();
	tm_json_set_str(o, "type", "revision");
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "change", json_integer(r->change));
	tm_json_set_str(o, "record", r->record);
	tm_json_set_str(o, "key", r->key);
	tm_json_set_str(o, "prev_key", r->prev_key);
	set_state(o, "before", r->before);
	set_state(o, "after", r->after);
	return write_json_line(ctx, o);
}

tm_rc tm_export_jsonl_history(tm_store *st, FILE *out, int history, tm_err *err)
{
	tm_rc rc = tm_export_jsonl(st, out, err);
	if (rc || !history)
		return rc;
	struct out_ctx c = { out, 0 };
	if ((rc = tm_store_each_change(st, jsonl_change, &c, err)) ||
	    (!c.failed && (rc = tm_store_each_revision(st, jsonl_revision, &c, err))))
		return rc;
	if (c.failed || fflush(out) != 0)
		return tm_fail(err, TM_ERR_IO, "unable to write the export: %s", strerror(errno));
	return TM_OK;
}

/* ---- csv (RFC 4180) ---- */

/* through tm_buf_add_csv, as every CSV tiemap writes: names, notes and
 * titles are other people's text, and a spreadsheet must not run them */
static void csv_field(FILE *f, const char *s, int last)
{
	tm_buf b = TM_BUF_INIT;
	tm_buf_add_csv(&b, s, ',');
	tm_buf_adds(&b, last ? "\r\n" : ",");
	fwrite(b.buf, 1, b.len, f);
	tm_buf_release(&b);
}

static void cites_joined(const tm_cites *c, tm_buf *b)
{
	tm_buf_reset(b);
	for (size_t i = 0; i < c->n; i++) {
		if (i)
			tm_buf_addch(b, ';');
		tm_buf_adds(b, c->v[i].source);
	}
}

static int csv_source(void *ctx, const tm_source *s)
{
	struct out_ctx *c = ctx;
	csv_field(c->f, s->id, 0);
	csv_field(c->f, s->title, 0);
	csv_field(c->f, s->author, 0);
	csv_field(c->f, s->publisher, 0);
	csv_field(c->f, s->date, 0);
	csv_field(c->f, s->url, 0);
	csv_field(c->f, s->lang, 0);
	csv_field(c->f, s->note, 0);
	csv_field(c->f, s->accessed, 0);
	csv_field(c->f, s->checked ? "true" : "false", 1);
	return ferror(c->f);
}

static int csv_entity(void *ctx, const tm_entity *e)
{
	struct out_ctx *c = ctx;
	tm_buf b = TM_BUF_INIT;
	csv_field(c->f, e->id, 0);
	csv_field(c->f, e->kind, 0);
	csv_field(c->f, e->country, 0);
	csv_field(c->f, e->start, 0);
	csv_field(c->f, e->end, 0);
	csv_field(c->f, tm_entity_display_name(e, "en"), 0);
	csv_field(c->f, tm_entity_display_name(e, "zh"), 0);
	for (size_t i = 0; i < e->n_names; i++)
		tm_buf_addf(&b, "%s%s:%s", i ? "|" : "", e->names[i].lang, e->names[i].text);
	csv_field(c->f, b.buf, 0);
	tm_buf_reset(&b);
	for (size_t i = 0; i < e->tags.n; i++)
		tm_buf_addf(&b, "%s%s", i ? ";" : "", e->tags.v[i]);
	csv_field(c->f, b.buf, 0);
	tm_buf_reset(&b);
	for (size_t i = 0; i < e->n_idents; i++)
		tm_buf_addf(&b, "%s%s:%s", i ? ";" : "", e->idents[i].scheme, e->idents[i].value);
	csv_field(c->f, b.buf, 0);
	csv_field(c->f, e->desc_en, 0);
	csv_field(c->f, e->desc_zh, 0);
	cites_joined(&e->cites, &b);
	csv_field(c->f, b.buf, 0);
	csv_field(c->f, e->added, 0);
	csv_field(c->f, e->changed, 1);
	tm_buf_release(&b);
	return ferror(c->f);
}

static int csv_relation(void *ctx, int64_t id, const tm_relation *r)
{
	struct out_ctx *c = ctx;
	char num[64];
	tm_buf b = TM_BUF_INIT;
	(void)id;
	csv_field(c->f, r->subject, 0);
	csv_field(c->f, r->predicate, 0);
	csv_field(c->f, r->object, 0);
	csv_field(c->f, r->start, 0);
	csv_field(c->f, r->end, 0);
	snprintf(num, sizeof(num), "%.15g", r->amount);
	csv_field(c->f, r->has_amount ? num : NULL, 0);
	csv_field(c->f, r->currency, 0);
	snprintf(num, sizeof(num), "%.15g", r->share);
	csv_field(c->f, r->has_share ? num : NULL, 0);
	csv_field(c->f, r->note, 0);
	cites_joined(&r->cites, &b);
	csv_field(c->f, b.buf, 0);
	csv_field(c->f, r->added, 0);
	csv_field(c->f, r->changed, 1);
	tm_buf_release(&b);
	return ferror(c->f);
}

/* An involvement's citations with their quotes: "source: quote" joined by " | ". */
static int csv_involvement(void *ctx, int64_t id, const tm_involvement *v)
{
	struct out_ctx *c = ctx;
	tm_buf b = TM_BUF_INIT;
	(void)id;
	csv_field(c->f, v->entity, 0);
	csv_field(c->f, v->category, 0);
	csv_field(c->f, v->start, 0);
	csv_field(c->f, v->end, 0);
	csv_field(c->f, v->note, 0);
	cites_joined(&v->cites, &b);
	csv_field(c->f, b.buf, 0);
	tm_buf_reset(&b);
	for (size_t i = 0; i < v->cites.n; i++)
		tm_buf_addf(&b, "%s%s", i ? " | " : "", v->cites.v[i].quote ? v->cites.v[i].quote : "");
	csv_field(c->f, b.buf, 0);
	csv_field(c->f, v->added, 0);
	csv_field(c->f, v->changed, 1);
	tm_buf_release(&b);
	return ferror(c->f);
}

static tm_rc csv_file(tm_store *st, const char *dir, const char *name, const char *header, int which, tm_err *err)
{
	tm_buf path = TM_BUF_INIT;
	tm_buf_addf(&path, "%s/%s", dir, name);
	FILE *f = fopen(path.buf, "wb");
	if (!f) {
		tm_rc rc = tm_fail(err, TM_ERR_IO, "unable to create '%s': %s", path.buf, strerror(errno));
		tm_buf_release(&path);
		return rc;
	}
	fputs(header, f);
	struct out_ctx c = { f, 0 };
	tm_rc rc = which == 0 ? tm_store_each_source(st, csv_source, &c, err) :
		   which == 1 ? tm_store_each_entity(st, csv_entity, &c, err) :
		   which == 2 ? tm_store_each_relation(st, csv_relation, &c, err) :
				tm_store_each_involvement(st, csv_involvement, &c, err);
	if (fclose(f) != 0 && !rc)
		rc = tm_fail(err, TM_ERR_IO, "unable to write '%s': %s", path.buf, strerror(errno));
	tm_buf_release(&path);
	return rc;
}

tm_rc tm_export_csv(tm_store *st, const char *dir, tm_err *err)
{
	if (mkdir(dir, 0777) != 0 && errno != EEXIST)
		return tm_fail(err, TM_ERR_IO, "unable to create '%s': %s", dir, strerror(errno));
	tm_rc rc;
	if ((rc = csv_file(st, dir, "sources.csv", "id,title,author,publisher,date,url,lang,note,accessed,checked\r\n", 0,
			   err)) ||
	    (rc = csv_file(st, dir, "entities.csv",
			   "id,kind,country,start,end,name_en,name_zh,names,tags,identifiers,description_en,"
			   "description_zh,sources,added,changed\r\n",
			   1, err)) ||
	    (rc = csv_file(st, dir, "relations.csv",
			   "subject,predicate,object,start,end,amount,currency,share,note,sources,added,changed\r\n", 2,
			   err)) ||
	    (rc = csv_file(st, dir, "involvements.csv",
			   "entity,category,start,end,note,sources,quotes,added,changed\r\n", 3, err)))
		return rc;
	return TM_OK;
}

/* ---- dot ---- */

static void dot_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const char *p = s; p && *p; p++) {
		if (*p == '"' || *p == '\\')
			fputc('\\', f);
		if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

static int dot_entity(void *ctx, const tm_entity *e)
{
	struct out_ctx *c = ctx;
	tm_buf label = TM_BUF_INIT;
	const char *en = tm_entity_display_name(e, "en"), *zh = tm_entity_display_name(e, "zh");
	tm_buf_adds(&label, en);
	if (strcmp(en, zh) != 0)
		tm_buf_addf(&label, "\n%s", zh);
	fputs("  ", c->f);
	dot_string(c->f, e->id);
	fputs(" [label=", c->f);
	dot_string(c->f, label.buf);
	fputs(", kind=", c->f);
	dot_string(c->f, e->kind);
	fputs("];\n", c->f);
	tm_buf_release(&label);
	return ferror(c->f);
}

static int dot_relation(void *ctx, int64_t id, const tm_relation *r)
{
	struct out_ctx *c = ctx;
	(void)id;
	fputs("  ", c->f);
	dot_string(c->f, r->subject);
	fputs(" -> ", c->f);
	dot_string(c->f, r->object);
	fputs(" [label=", c->f);
	dot_string(c->f, r->predicate);
	fputs("];\n", c->f);
	return ferror(c->f);
}

tm_rc tm_export_dot(tm_store *st, FILE *out, tm_err *err)
{
	struct out_ctx c = { out, 0 };
	fputs("digraph tiemap {\n  node [shape=box];\n", out);
	tm_rc rc;
	if ((rc = tm_store_each_entity(st, dot_entity, &c, err)) ||
	    (rc = tm_store_each_relation(st, dot_relation, &c, err)))
		return rc;
	fputs("}\n", out);
	if (ferror(out))
		return tm_fail(err, TM_ERR_IO, "unable to write the export");
	return TM_OK;
}
