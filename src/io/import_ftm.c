/*
 * FollowTheMoney entities into records (docs/ftm.md has the mapping and
 * why).  One line at a time, on the import's worker threads: whatever one
 * line needs from another (a citation's quote from a Documentation, the
 * person a Directorship puts in a public role, the ends of a tie) the
 * writer settles (import_internal.h).
 *
 * A line is one entity {"id", "schema", "properties": {name: [values]}},
 * as `ftm export`, Aleph and OpenSanctions write them; in the nested form a
 * value may be an entity itself, which is taken as its own and referred to
 * by its id, its link back to the entity around it filled in when the
 * nesting left it out.
 */
#include "io/import_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text/text.h"

#define MAX_DEPTH 4            /* nested entities inside nested entities */
#define MAX_VALUE (64 * 1024)  /* bytes of one value */
#define MAX_ENDS 16            /* ties made of one interval with several values at each end */

/* One line's work. */
struct line {
	const tm_import_opts *opts;
	struct recbuf *out;
	const char *file;
	const char *base; /* file's last component, for the file's source record */
	uint32_t input;
	size_t lineno;
	char why[512];    /* the line's error, when it has one */
};

static int bad(struct line *l, const char *fmt, ...) TM_PRINTF(2, 3);
static int bad(struct line *l, const char *fmt, ...)
{
	if (!l->why[0]) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(l->why, sizeof(l->why), fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void dropped(struct line *l, const char *what)
{
	tm_import_drop(&l->out->drops, what, 1);
}

/* ---- ids ---- */

/* The tiemap id of an FtM id: lower case, each run of other characters
 * than a-z, 0-9, '_', '.' and '-' one '-', none at the start; longer than
 * 200 bytes, the first 183 and a hash.  NULL when no letter or digit is
 * left.  Owned by the caller. */
static char *slug_of(const char *id)
{
	tm_buf b = TM_BUF_INIT;
	int gap = 0;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		unsigned char c = (unsigned char)tolower(*p);
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
		if (!ok) {
			gap = 1;
			continue;
		}
		if (!b.len && !isalnum(c))
			continue;
		if (gap && b.len)
			tm_buf_addch(&b, '-');
		gap = 0;
		tm_buf_addch(&b, (char)c);
	}
	if (!b.len) {
		tm_buf_release(&b);
		return NULL;
	}
	if (b.len > 200) {
		uint64_t h = tm_hash(id, strlen(id));
		b.len = 183;
		b.buf[b.len] = '\0';
		tm_buf_addf(&b, "-%016llx", (unsigned long long)h);
	}
	return tm_buf_detach(&b);
}

/* ---- properties ---- */

/* The values of property name (an array of strings, checked), or NULL. */
static json_t *prop(json_t *props, const char *name)
{
	json_t *v = json_object_get(props, name);
	return json_is_array(v) && json_array_size(v) ? v : NULL;
}

static const char *first(json_t *props, const char *name)
{
	json_t *v = prop(props, name);
	return v ? json_string_value(json_array_get(v, 0)) : NULL;
}

/* A date as FtM writes it ("2022", "2022-06", "2022-06-03T12:00:00") as
 * tiemap keeps it, in out; 0, or -1 when it is no date. */
static int date_of(const char *s, char out[TM_DATE_MAX])
{
	size_t n = 0;
	while (n < 10 && s[n] && (isdigit((unsigned char)s[n]) || s[n] == '-'))
		n++;
	if (n && s[n - 1] == '-')
		n--;
	char d[TM_DATE_MAX];
	memcpy(d, s, n);
	d[n] = '\0';
	if (!tm_date_precision(d))
		return -1;
	memcpy(out, d, n + 1);
	return 0;
}

/* The earliest (latest) valid date of property name into out. */
static void date_prop(struct line *l, json_t *props, const char *name, int latest, char out[TM_DATE_MAX])
{
	json_t *v = prop(props, name);
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		char d[TM_DATE_MAX];
		if (date_of(json_string_value(x), d)) {
			dropped(l, "date tiemap cannot read");
			continue;
		}
		if (!out[0] || (latest ? strcmp(d, out) > 0 : strcmp(d, out) < 0))
			memcpy(out, d, TM_DATE_MAX);
	}
}

/* A value's language by its script (text.h). */
static const char *lang_of(const char *s)
{
	const char *tag = "und";
	tm_err err = { 0 };
	tm_text_script_lang(s, strlen(s), &tag, &err);
	return tag;
}

/* The texts of the properties names[] (NULL-terminated) joined by blank
 * lines into *en or *zh by their script. */
static void texts(json_t *props, const char *const *names, char **en, char **zh)
{
	tm_buf e = TM_BUF_INIT, z = TM_BUF_INIT;
	for (const char *const *n = names; *n; n++) {
		json_t *v = prop(props, *n);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			const char *s = json_string_value(x);
			if (!s || !*s)
				continue;
			tm_buf *b = tm_text_has_han(s) ? &z : &e;
			if (b->len)
				tm_buf_adds(b, "\n\n");
			tm_buf_adds(b, s);
		}
	}
	*en = e.len ? tm_buf_detach(&e) : NULL;
	*zh = z.len ? tm_buf_detach(&z) : NULL;
	tm_buf_release(&e);
	tm_buf_release(&z);
}

/* ---- what each property becomes ---- */

/* FtM identifier properties and tiemap's schemes. */
static const struct {
	const char *prop, *scheme;
} idents[] = {
	{ "leiCode", "lei" },          { "isinCode", "isin" },      { "ticker", "ticker" },
	{ "uscCode", "uscc" },         { "uniformSocialCreditCode", "uscc" }, { "wikidataId", "wikidata" },
	{ "registrationNumber", "registration" }, { "innCode", "inn" }, { "ogrnCode", "ogrn" },
	{ "okpoCode", "okpo" },        { "dunsCode", "duns" },      { "swiftBic", "bic" },
	{ "cikCode", "cik" },          { "irsCode", "irs" },        { "permId", "permid" },
	{ "cageCode", "cage" },        { "imoNumber", "imo" },      { "giiNumber", "giin" },
	{ "vatCode", "vat" },          { "taxNumber", "tax" },      { "bvdId", "bvd" },
	{ "uniqueEntityId", "uei" },   { "npiCode", "npi" },        { "kppCode", "kpp" },
	{ "icijId", "icij" },          { "voenCode", "voen" },      { "idNumber", "id" },
};

/* Properties that every thing may carry and that are read (or left out on
 * purpose, unsaid) by the functions below. */
static int common_prop(const char *p)
{
	static const char *const read[] = {
		"name", "alias", "previousName", "weakAlias", "topics", "keywords", "sourceUrl", "proof",
		/* what only says when a tool saw the data */
		"createdAt", "modifiedAt", "retrievedAt", "indexText", "alephUrl", NULL,
	};
	for (const char *const *r = read; *r; r++)
		if (strcmp(*r, p) == 0)
			return 1;
	return 0;
}

/* FtM topics that make a person's role public (docs/ftm.md). */
static int public_topic(const char *t)
{
	static const char *const pub[] = { "role.pep", "role.pol", "role.judge", "role.civil", "role.diplo", "mil",
					   "gov", NULL };
	for (const char *const *p = pub; *p; p++) {
		size_t n = strlen(*p);
		if (strncmp(t, *p, n) == 0 && (t[n] == '\0' || t[n] == '.'))
			return 1;
	}
	return 0;
}

/* FtM topics of people tiemap never maps: activists, journalists, and the
 * relatives and close associates of those in office. */
static int protected_topic(const char *t)
{
	return strcmp(t, "role.act") == 0 || strcmp(t, "role.journo") == 0 || strcmp(t, "role.rca") == 0;
}

static int has_topic(json_t *props, int (*fn)(const char *))
{
	json_t *v = prop(props, "topics");
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
		if (fn(json_string_value(x)))
			return 1;
	return 0;
}

static int topic_is(const char *t, const char *want)
{
	size_t n = strlen(want);
	return strncmp(t, want, n) == 0 && (t[n] == '\0' || t[n] == '.');
}

/* ---- records ---- */

/* The source record of something every line names (a dataset, a source
 * link, the file), made once a batch: id, title, url. */
static void source_once(struct line *l, const char *id, const char *title, const char *url, const char *note)
{
	if (tm_strv_contains(&l->out->seen, id))
		return;
	tm_strv_push(&l->out->seen, id);
	struct rec *r = tm_import_push(l->out, REC_SOURCE, l->file, l->input, l->lineno);
	r->flags = REC_F_ANY_ORDER;
	r->u.src.id = tm_xstrdup(id);
	r->u.src.title = tm_xstrdup(title);
	r->u.src.url = tm_xstrdup(url);
	r->u.src.note = tm_xstrdup(note);
}

/* The citations of a thing: its proof documents in order, its datasets,
 * its source links; the file when it has none. */
static int cites_of(struct line *l, json_t *ent, json_t *props, tm_cites *c)
{
	json_t *v = prop(props, "proof");
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x) {
		const char *doc = json_string_value(x);
		char *s = slug_of(strncmp(doc, "src.", 4) == 0 ? doc + 4 : doc);
		if (s)
			tm_cites_push(c, s, NULL, NULL);
		free(s);
	}
	json_t *ds = json_object_get(ent, "datasets");
	if (ds && !json_is_array(ds))
		return bad(l, "'datasets' must be an array of names");
	json_array_foreach(ds, i, x) {
		const char *name = json_string_value(x);
		char *s = name ? slug_of(name) : NULL;
		if (!s)
			return bad(l, "each of 'datasets' must be a name");
		tm_buf id = TM_BUF_INIT, title = TM_BUF_INIT;
		tm_buf_addf(&id, "ftm-dataset-%.180s", s);
		tm_buf_addf(&title, "FollowTheMoney dataset '%.200s'", name);
		source_once(l, id.buf, title.buf, NULL, NULL);
		tm_cites_push(c, id.buf, NULL, NULL);
		tm_buf_release(&id);
		tm_buf_release(&title);
		free(s);
	}
	v = prop(props, "sourceUrl");
	json_array_foreach(v, i, x) {
		const char *url = json_string_value(x);
		if (!tm_url_http(url)) {
			dropped(l, "sourceUrl that is no http(s) address");
			continue;
		}
		char id[32];
		snprintf(id, sizeof(id), "url-%016llx", (unsigned long long)tm_hash(url, strlen(url)));
		source_once(l, id, url, url, "the address as the FollowTheMoney data gives it");
		tm_cites_push(c, id, NULL, NULL);
	}
	if (!c->n) {
		char *s = slug_of(l->base);
		tm_buf id = TM_BUF_INIT, title = TM_BUF_INIT;
		tm_buf_addf(&id, "ftm-file-%.180s", s ? s : "input");
		tm_buf_addf(&title, "FollowTheMoney file '%.200s'", l->base);
		source_once(l, id.buf, title.buf, NULL, NULL);
		tm_cites_push(c, id.buf, NULL, NULL);
		tm_buf_release(&id);
		tm_buf_release(&title);
		free(s);
	}
	return 0;
}

/* Names: the caption first when it is a name, then `name` (the first of
 * each language primary), `alias`, `previousName`, `weakAlias`. */
static void names_of(json_t *ent, json_t *props, tm_entity *e)
{
	static const char *const which[] = { "caption", "name", "alias", "previousName", "weakAlias" };
	const char *caption = json_string_value(json_object_get(ent, "caption"));
	for (size_t w = 0; w < sizeof(which) / sizeof(which[0]); w++) {
		json_t *one = NULL, *v;
		if (w == 0) {
			/* the caption only where it is one of the names */
			json_t *names = prop(props, "name");
			size_t i;
			json_t *x;
			json_array_foreach(names, i, x)
				if (caption && strcmp(json_string_value(x), caption) == 0)
					one = x;
			if (!one)
				continue;
			v = json_array();
			json_array_append(v, one);
		} else {
			v = json_incref(prop(props, which[w]));
		}
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			const char *s = json_string_value(x);
			while (s && isspace((unsigned char)*s))
				s++;
			if (!s || !*s)
				continue;
			const char *lang = lang_of(s);
			int have = 0, primary = 0;
			for (size_t k = 0; k < e->n_names; k++) {
				if (strcmp(e->names[k].lang, lang) != 0)
					continue;
				have |= strcmp(e->names[k].text, s) == 0;
				primary |= e->names[k].primary;
			}
			if (!have)
				tm_entity_add_name(e, s, lang, w <= 1 && !primary);
		}
		json_decref(v);
	}
}

static void tag_add(struct line *l, tm_entity *e, const char *t)
{
	if (!t || !tm_id_valid(t)) {
		dropped(l, "topic or keyword that is no tag word");
		return;
	}
	if (!tm_strv_contains(&e->tags, t))
		tm_strv_push(&e->tags, t);
}

/* Topics and keywords as tags; a keyword "kind:X" (how tiemap's own export
 * keeps kinds FollowTheMoney lacks) sets *kind instead. */
static void tags_of(struct line *l, json_t *props, tm_entity *e, const char **kind)
{
	json_t *v = prop(props, "topics");
	size_t i;
	json_t *x;
	json_array_foreach(v, i, x)
		tag_add(l, e, json_string_value(x));
	v = prop(props, "keywords");
	json_array_foreach(v, i, x) {
		const char *k = json_string_value(x);
		if (kind && strncmp(k, "kind:", 5) == 0 && tm_kind_find(k + 5)) {
			*kind = tm_kind_find(k + 5)->id;
			continue;
		}
		tag_add(l, e, k);
	}
}

static void country_of(struct line *l, json_t *props, tm_entity *e, int person)
{
	static const char *const org_order[] = { "jurisdiction", "mainCountry", "country", NULL };
	static const char *const person_order[] = { "country", NULL };
	for (const char *const *p = person ? person_order : org_order; *p && !e->country; p++) {
		json_t *v = prop(props, *p);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			const char *c = json_string_value(x);
			if (strlen(c) == 2 && isalpha((unsigned char)c[0]) && isalpha((unsigned char)c[1])) {
				char up[3] = { (char)toupper((unsigned char)c[0]), (char)toupper((unsigned char)c[1]), 0 };
				/* a code ICU names a country of (not "zz", "xx") */
				tm_buf name = TM_BUF_INIT;
				int known = tm_text_country_name(up, "en", &name) == 0;
				tm_buf_release(&name);
				if (known) {
					e->country = tm_xstrdup(up);
					break;
				}
			}
			dropped(l, "country code that is no ISO 3166-1 alpha-2 code");
		}
	}
}

/* The entity's id and its original when they differ. */
static int entity_id(struct line *l, const char *id, tm_entity *e)
{
	e->id = slug_of(id);
	if (!e->id)
		return bad(l, "id '%.60s' has no letter or digit", id);
	return 0;
}

/* Count what the entity had and tiemap does not keep: every property but
 * those in keep[] (NULL-terminated) and the common ones. */
static void count_rest(struct line *l, json_t *props, const char *prefix, const char *const *keep)
{
	const char *key;
	json_t *v;
	json_object_foreach(props, key, v) {
		int kept = common_prop(key);
		for (const char *const *k = keep; !kept && *k; k++)
			kept = strcmp(*k, key) == 0;
		for (size_t i = 0; !kept && i < sizeof(idents) / sizeof(idents[0]); i++)
			kept = strcmp(idents[i].prop, key) == 0;
		if (kept)
			continue;
		char what[160];
		snprintf(what, sizeof(what), "%s%.80s", prefix, key);
		tm_import_drop(&l->out->drops, what, json_array_size(v));
	}
}

/* An entity left out: say so, so that the ties to it are told apart. */
static void left_out(struct line *l, const char *id, const char *why)
{
	dropped(l, why);
	char *s = slug_of(id);
	if (!s)
		return;
	struct rec *r = tm_import_push(l->out, REC_ATTACH, l->file, l->input, l->lineno);
	r->u.att.what = ATT_DROPPED;
	r->u.att.target = s;
}

static struct rec *entity_rec(struct line *l, const char *id)
{
	struct rec *r = tm_import_push(l->out, REC_ENTITY, l->file, l->input, l->lineno);
	r->flags = REC_F_ANY_ORDER | REC_F_SOFT;
	r->ftm = tm_xstrdup(id);
	return r;
}

/* Finish an entity record: a name, the match keys; the record is popped
 * again (and the entity counted as left out) when it has no name. */
static int entity_done(struct line *l, struct rec *r, const char *id)
{
	tm_entity *e = &r->u.ent;
	if (!e->n_names) {
		tm_import_pop(l->out);
		left_out(l, id, "entity without a name");
		return 0;
	}
	char *s = slug_of(id);
	if (s && strcmp(s, id) != 0)
		tm_entity_add_ident(e, "ftm", id);
	free(s);
	tm_err err = { 0 };
	if (tm_name_index_make(e, &r->names, &err))
		return bad(l, "%s", err.msg);
	return 0;
}

/* Company, Organization, PublicBody, LegalEntity; Project; Territory. */
static int org(struct line *l, json_t *ent, const char *id, const char *schema, json_t *props)
{
	/* the citations first: they may add source records to out, which
	 * moves the records already in it */
	tm_cites cites = { 0 };
	if (cites_of(l, ent, props, &cites)) {
		tm_cites_release(&cites);
		return -1;
	}
	struct rec *r = entity_rec(l, id);
	tm_entity *e = &r->u.ent;
	e->cites = cites;
	if (entity_id(l, id, e))
		return -1;
	names_of(ent, props, e);
	const char *kind = NULL;
	tags_of(l, props, e, &kind);
	const char *cls = first(props, "classification");
	if (!kind && cls && tm_kind_find(cls))
		kind = tm_kind_find(cls)->id;
	int project = strcmp(schema, "Project") == 0, territory = strcmp(schema, "Territory") == 0;
	if (!kind) {
		if (project) {
			kind = "project";
		} else if (territory) {
			const char *level = first(props, "level");
			if (level && strcmp(level, "country") != 0) {
				tm_import_pop(l->out);
				left_out(l, id, "Territory below a country");
				return 0;
			}
			kind = "country";
		} else if (strcmp(schema, "Company") == 0) {
			kind = "company";
		} else if (strcmp(schema, "PublicBody") == 0) {
			kind = "state_body";
			json_t *v = prop(props, "topics");
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x) {
				const char *t = json_string_value(x);
				if (topic_is(t, "mil"))
					kind = "military";
				else if (topic_is(t, "gov.muni"))
					kind = "municipality";
			}
		} else {
			kind = "organization";
			json_t *v = prop(props, "topics");
			size_t i;
			json_t *x;
			json_array_foreach(v, i, x) {
				const char *t = json_string_value(x);
				if (topic_is(t, "pol.party"))
					kind = "political_party";
				else if (topic_is(t, "mil"))
					kind = "military";
				else if (topic_is(t, "gov.soe") || topic_is(t, "fin") || topic_is(t, "corp"))
					kind = "company";
				else if (topic_is(t, "gov") && strcmp(kind, "organization") == 0)
					kind = "state_body";
			}
		}
	}
	e->kind = tm_xstrdup(kind);
	country_of(l, props, e, 0);
	if (project || territory) {
		date_prop(l, props, "startDate", 0, e->start);
		date_prop(l, props, "endDate", 1, e->end);
	} else {
		date_prop(l, props, "incorporationDate", 0, e->start);
		date_prop(l, props, "dissolutionDate", 1, e->end);
	}
	if (e->start[0] && e->end[0] && strcmp(e->start, e->end) > 0) {
		dropped(l, "end date before the start date");
		e->end[0] = '\0';
	}
	static const char *const desc[] = { "description", "summary", "notes", NULL };
	texts(props, desc, &e->desc_en, &e->desc_zh);
	for (size_t i = 0; i < sizeof(idents) / sizeof(idents[0]); i++) {
		json_t *v = prop(props, idents[i].prop);
		size_t k;
		json_t *x;
		json_array_foreach(v, k, x) {
			int have = 0;
			for (size_t j = 0; j < e->n_idents && !have; j++)
				have = strcmp(e->idents[j].scheme, idents[i].scheme) == 0 &&
				       strcmp(e->idents[j].value, json_string_value(x)) == 0;
			if (!have && *json_string_value(x))
				tm_entity_add_ident(e, idents[i].scheme, json_string_value(x));
		}
	}
	static const char *const keep[] = { "classification", "jurisdiction", "mainCountry", "country",
					    "incorporationDate", "dissolutionDate", "startDate", "endDate", "level",
					    "description", "summary", "notes", NULL };
	count_rest(l, props, "not kept: ", keep);
	return entity_done(l, r, id);
}

/* A person: only in a public role, and never with private data. */
static int person(struct line *l, json_t *ent, const char *id, json_t *props)
{
	if (has_topic(props, protected_topic)) {
		left_out(l, id, "Person tiemap never maps (activist, journalist, relative or close associate)");
		return 0;
	}
	tm_cites cites = { 0 };
	if (cites_of(l, ent, props, &cites)) {
		tm_cites_release(&cites);
		return -1;
	}
	struct rec *r = entity_rec(l, id);
	tm_entity *e = &r->u.ent;
	e->cites = cites;
	if (entity_id(l, id, e))
		return -1;
	names_of(ent, props, e);
	tags_of(l, props, e, NULL);
	e->kind = tm_xstrdup("person");
	country_of(l, props, e, 1);
	static const char *const role[] = { "position", NULL };
	texts(props, role, &e->desc_en, &e->desc_zh);
	json_t *wd = prop(props, "wikidataId");
	size_t i;
	json_t *x;
	json_array_foreach(wd, i, x)
		tm_entity_add_ident(e, "wikidata", json_string_value(x));
	if (!prop(props, "position") && !has_topic(props, public_topic)) {
		/* public only through a directorship in the input: the writer decides */
		r->flags |= REC_F_VOUCHED;
		r->vouch = tm_xstrdup("Person without a public role");
	}
	/* everything else about a person is theirs, not the public's */
	const char *key;
	json_t *v;
	json_object_foreach(props, key, v) {
		static const char *const keep[] = { "name", "alias", "previousName", "weakAlias", "topics", "keywords",
						    "country", "position", "wikidataId", "sourceUrl", "proof",
						    "createdAt", "modifiedAt", "retrievedAt", NULL };
		int kept = 0;
		for (const char *const *k = keep; !kept && *k; k++)
			kept = strcmp(*k, key) == 0;
		if (kept)
			continue;
		char what[160];
		snprintf(what, sizeof(what), "personal data, never kept: %.80s", key);
		tm_import_drop(&l->out->drops, what, json_array_size(v));
	}
	return entity_done(l, r, id);
}

/* A Document: a source. */
static int document(struct line *l, const char *id, json_t *props)
{
	struct rec *r = tm_import_push(l->out, REC_SOURCE, l->file, l->input, l->lineno);
	r->flags = REC_F_ANY_ORDER;
	tm_source *s = &r->u.src;
	s->id = slug_of(strncmp(id, "src.", 4) == 0 ? id + 4 : id);
	if (!s->id)
		return bad(l, "id '%.60s' has no letter or digit", id);
	const char *title = first(props, "title");
	if (!title)
		title = first(props, "name");
	if (!title)
		title = first(props, "fileName");
	if (!title) {
		tm_import_pop(l->out);
		dropped(l, "Document without a title, name or file name");
		return 0;
	}
	s->title = tm_xstrdup(title);
	s->author = tm_xstrdup(first(props, "author"));
	s->publisher = tm_xstrdup(first(props, "publisher"));
	static const char *const when[] = { "publishedAt", "date", "authoredAt", NULL };
	for (const char *const *w = when; *w && !s->date[0]; w++)
		date_prop(l, props, *w, 0, s->date);
	const char *url = first(props, "sourceUrl");
	if (url && tm_url_http(url))
		s->url = tm_xstrdup(url);
	else if (url)
		dropped(l, "sourceUrl that is no http(s) address");
	const char *lang = first(props, "language");
	if (lang) {
		/* FtM writes ISO 639-3 ("zho"); tiemap BCP-47, and Chinese with its
		 * script: Traditional when the title is, else Simplified, in which
		 * most Chinese sources are written */
		char tag[16];
		tm_buf b = TM_BUF_INIT;
		if (tm_text_lang_from_iso3(lang, tag, sizeof(tag)) == 0) {
			if (strcmp(tag, "zh") == 0)
				tm_buf_adds(&b, tm_text_has_han(title) ? lang_of(title) : "zh-Hans");
			else
				tm_buf_adds(&b, tag);
			s->lang = tm_buf_detach(&b);
		} else {
			dropped(l, "document language tiemap cannot read");
		}
		tm_buf_release(&b);
	}
	char *en = NULL, *zh = NULL;
	static const char *const note[] = { "notes", "description", "summary", NULL };
	texts(props, note, &en, &zh);
	if (en && zh) {
		tm_buf b = TM_BUF_INIT;
		tm_buf_addf(&b, "%s\n\n%s", en, zh);
		s->note = tm_buf_detach(&b);
		free(en);
		free(zh);
	} else {
		s->note = en ? en : zh;
	}
	return 0;
}

/* A Documentation: the quote (summary) and page (role) of the citation of
 * a document by the thing it documents. */
static int documentation(struct line *l, const char *id, json_t *props)
{
	const char *doc = first(props, "document"), *of = first(props, "entity");
	if (!doc || !of)
		return bad(l, "Documentation '%.60s' needs 'document' and 'entity'", id);
	char *source = slug_of(strncmp(doc, "src.", 4) == 0 ? doc + 4 : doc);
	if (!source)
		return bad(l, "document id '%.60s' has no letter or digit", doc);
	struct rec *r = tm_import_push(l->out, REC_ATTACH, l->file, l->input, l->lineno);
	r->u.att.what = ATT_CITE;
	r->u.att.target = tm_xstrdup(of);
	r->u.att.a = source;
	r->u.att.b = tm_xstrdup(first(props, "summary"));
	r->u.att.c = tm_xstrdup(first(props, "role"));
	return 0;
}

/* An Identification: an identifier of its holder (never of a person). */
static int identification(struct line *l, const char *id, json_t *props)
{
	const char *holder = first(props, "holder"), *number = first(props, "number");
	if (!holder || !number)
		return bad(l, "Identification '%.60s' needs 'holder' and 'number'", id);
	const char *type = first(props, "type");
	char *scheme = type ? slug_of(type) : NULL;
	if (!scheme)
		scheme = tm_xstrdup("id");
	struct rec *r = tm_import_push(l->out, REC_ATTACH, l->file, l->input, l->lineno);
	r->u.att.what = ATT_IDENT;
	r->u.att.target = tm_xstrdup(holder);
	r->u.att.a = scheme;
	r->u.att.b = tm_xstrdup(number);
	return 0;
}

/* How an interval schema becomes a tie: the property of its subject and
 * of its object, its predicate (NULL: decided below), where its note is. */
static const struct tie {
	const char *schema, *subject, *object, *predicate, *note;
	int vouch; /* its subject, a person, is in a public role by it */
} ties[] = {
	{ "Ownership", "owner", "asset", NULL, "summary", 0 },
	{ "Directorship", "director", "organization", "director_of", "role", 1 },
	{ "Membership", "member", "organization", "member_of", "role", 0 },
	{ "Employment", "employee", "employer", "employed_by", "role", 0 },
	{ "UnknownLink", "subject", "object", NULL, "role", 0 },
	{ "Succession", "successor", "predecessor", "succeeded", "summary", 0 },
	{ "Payment", "payer", "beneficiary", NULL, "purpose", 0 },
};

/* The predicate an UnknownLink's role or a Payment's purpose names (its id
 * or its English label), or NULL. */
static const char *predicate_named(const char *s)
{
	if (!s)
		return NULL;
	for (size_t i = 0; i < tm_n_predicates; i++)
		if (strcasecmp(tm_predicates[i].id, s) == 0 || strcasecmp(tm_predicates[i].label_en, s) == 0)
			return tm_predicates[i].id;
	return NULL;
}

static int number_of(const char *s, double *out)
{
	if (!s)
		return -1;
	char *end;
	double v = strtod(s, &end);
	while (*end == ' ' || *end == '%')
		end++;
	if (end == s || *end || v != v)
		return -1;
	*out = v;
	return 0;
}

static int tie(struct line *l, json_t *ent, const char *id, const struct tie *t, json_t *props)
{
	json_t *subj = prop(props, t->subject), *obj = prop(props, t->object);
	if (!subj || !obj)
		return bad(l, "%s '%.60s' needs '%s' and '%s'", t->schema, id, t->subject, t->object);
	const char *pred = t->predicate, *note = first(props, t->note);
	int payer_is_object = 0;
	if (strcmp(t->schema, "Ownership") == 0) {
		const char *type = first(props, "ownershipType");
		pred = type && strstr(type, "acqui") ? "acquired" : type && strstr(type, "invest") ? "invested_in" : "owns";
	} else if (strcmp(t->schema, "UnknownLink") == 0) {
		pred = predicate_named(note);
		if (pred)
			note = first(props, "summary");
		else
			pred = "linked_to";
		if (!note)
			note = first(props, "summary");
	} else if (strcmp(t->schema, "Payment") == 0) {
		pred = predicate_named(note);
		if (pred) {
			/* a contractor is paid by the one it works for */
			payer_is_object = strcmp(pred, "contractor_for") == 0;
			note = first(props, "summary");
		} else {
			pred = "linked_to";
		}
	} else if (!note) {
		note = first(props, "summary");
	}
	if (payer_is_object) {
		json_t *x = subj;
		subj = obj;
		obj = x;
	}
	tm_relation proto;
	memset(&proto, 0, sizeof(proto));
	if (cites_of(l, ent, props, &proto.cites)) {
		tm_relation_release(&proto);
		return -1;
	}
	date_prop(l, props, "startDate", 0, proto.start);
	if (!proto.start[0])
		date_prop(l, props, "date", 0, proto.start);
	date_prop(l, props, "endDate", 1, proto.end);
	if (proto.start[0] && proto.end[0] && strcmp(proto.start, proto.end) > 0) {
		dropped(l, "end date before the start date");
		proto.end[0] = '\0';
	}
	double v;
	if (number_of(first(props, "percentage"), &v) == 0 && v >= 0 && v <= 100) {
		proto.has_share = 1;
		proto.share = v;
	} else if (first(props, "percentage")) {
		dropped(l, "percentage that is no number from 0 to 100");
	}
	const char *amount = first(props, "sharesValue"), *currency = first(props, "sharesCurrency");
	if (!amount) {
		amount = first(props, "amount");
		currency = first(props, "currency");
	}
	if (amount && number_of(amount, &v) == 0 && v >= 0) {
		proto.has_amount = 1;
		proto.amount = v;
		if (currency && strlen(currency) == 3 && isalpha((unsigned char)currency[0]) &&
		    isalpha((unsigned char)currency[1]) && isalpha((unsigned char)currency[2])) {
			char up[4] = { (char)toupper((unsigned char)currency[0]), (char)toupper((unsigned char)currency[1]),
				       (char)toupper((unsigned char)currency[2]), 0 };
			proto.currency = tm_xstrdup(up);
		}
	} else if (amount) {
		dropped(l, "amount that is no number");
	}
	proto.note = tm_xstrdup(note);
	size_t made = 0;
	size_t i, k;
	json_t *x, *y;
	json_array_foreach(subj, i, x) {
		json_array_foreach(obj, k, y) {
			if (made++ == MAX_ENDS) {
				dropped(l, "tie beyond the 16 that one interval makes");
				continue;
			}
			char *s = slug_of(json_string_value(x)), *o = slug_of(json_string_value(y));
			if (!s || !o) {
				free(s);
				free(o);
				tm_relation_release(&proto);
				return bad(l, "%s '%.60s' refers to an id without a letter or digit", t->schema, id);
			}
			struct rec *r = tm_import_push(l->out, REC_RELATION, l->file, l->input, l->lineno);
			r->flags = REC_F_SOFT | REC_F_ANY_ORDER | REC_F_MERGE;
			r->ftm = tm_xstrdup(id);
			tm_relation *rel = &r->u.rel;
			rel->subject = s;
			rel->object = o;
			rel->predicate = tm_xstrdup(pred);
			memcpy(rel->start, proto.start, TM_DATE_MAX);
			memcpy(rel->end, proto.end, TM_DATE_MAX);
			rel->has_share = proto.has_share;
			rel->share = proto.share;
			rel->has_amount = proto.has_amount;
			rel->amount = proto.amount;
			rel->currency = tm_xstrdup(proto.currency);
			rel->note = tm_xstrdup(proto.note);
			for (size_t c = 0; c < proto.cites.n; c++)
				tm_cites_push(&rel->cites, proto.cites.v[c].source, NULL, NULL);
			if (t->vouch)
				r->vouch = tm_xstrdup(s);
		}
	}
	tm_relation_release(&proto);
	static const char *const keep[] = { "startDate", "endDate", "date", "summary", "role", "percentage",
					    "ownershipType", "sharesValue", "sharesCurrency", "amount", "currency",
					    "purpose", NULL };
	const char *key;
	json_t *val;
	json_object_foreach(props, key, val) {
		int kept = strcmp(key, t->subject) == 0 || strcmp(key, t->object) == 0 || common_prop(key);
		for (const char *const *p = keep; !kept && *p; p++)
			kept = strcmp(*p, key) == 0;
		if (!kept) {
			char what[160];
			snprintf(what, sizeof(what), "not kept: %s.%.80s", t->schema, key);
			tm_import_drop(&l->out->drops, what, json_array_size(val));
		}
	}
	return 0;
}

/* ---- the nested form ---- */

/* A reverse property of the nested form (an adjacent entity listed under
 * the entity it points at) and the property of the adjacent entity that
 * points back, which the nesting may leave out. */
static const struct {
	const char *reverse, *schema, *forward;
} reverses[] = {
	{ "ownershipOwner", "Ownership", "owner" },
	{ "ownershipAsset", "Ownership", "asset" },
	{ "directorshipDirector", "Directorship", "director" },
	{ "directorshipOrganization", "Directorship", "organization" },
	{ "membershipMember", "Membership", "member" },
	{ "membershipOrganization", "Membership", "organization" },
	{ "employers", "Employment", "employee" },
	{ "employees", "Employment", "employer" },
	{ "unknownLinkSubject", "UnknownLink", "subject" },
	{ "unknownLinkObject", "UnknownLink", "object" },
	{ "successors", "Succession", "predecessor" },
	{ "predecessors", "Succession", "successor" },
	{ "associates", "Associate", "person" },
	{ "associations", "Associate", "associate" },
	{ "sanctions", "Sanction", "entity" },
	{ "documentedBy", "Documentation", "entity" },
	{ "relatedEntities", "Documentation", "document" },
	{ "identification", "Identification", "holder" },
	{ "paymentPayer", "Payment", "payer" },
	{ "paymentBeneficiary", "Payment", "beneficiary" },
};

static int entity(struct line *l, json_t *ent, const char *parent, const char *via, int depth);

/* Each value of each property a string; a nested entity taken as its own
 * and replaced by its id. */
static int flatten(struct line *l, json_t *props, const char *id, int depth)
{
	const char *key;
	json_t *v;
	json_object_foreach(props, key, v) {
		if (!json_is_array(v))
			return bad(l, "property '%.60s' must be an array of values", key);
		size_t i;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (json_is_string(x)) {
				if (json_string_length(x) > MAX_VALUE)
					return bad(l, "a value of '%.60s' is longer than %d bytes", key, MAX_VALUE);
				if (json_string_length(x) != strlen(json_string_value(x)))
					return bad(l, "a value of '%.60s' holds a NUL character", key);
				continue;
			}
			if (!json_is_object(x))
				return bad(l, "values of '%.60s' must be strings or, nested, entities", key);
			if (depth >= MAX_DEPTH)
				return bad(l, "entities nested deeper than %d", MAX_DEPTH);
			if (entity(l, x, id, key, depth + 1))
				return -1;
			json_array_set_new(v, i, json_string(json_string_value(json_object_get(x, "id"))));
		}
	}
	return 0;
}

/* One entity of the line (depth 0) or nested in it (under parent's
 * property via). */
static int entity(struct line *l, json_t *ent, const char *parent, const char *via, int depth)
{
	json_t *jid = json_object_get(ent, "id"), *jschema = json_object_get(ent, "schema");
	if (!json_is_string(jid) || !json_string_length(jid))
		return bad(l, "%s entity without an 'id'", depth ? "a nested" : "an");
	if (json_string_length(jid) > 1000)
		return bad(l, "id longer than 1000 bytes");
	const char *id = json_string_value(jid);
	if (!json_is_string(jschema))
		return bad(l, "entity '%.60s' without a 'schema'", id);
	const char *schema = json_string_value(jschema);
	json_t *props = json_object_get(ent, "properties");
	if (!props) {
		props = json_object();
		json_object_set_new(ent, "properties", props);
	}
	if (!json_is_object(props))
		return bad(l, "'properties' of '%.60s' must be an object", id);
	if (flatten(l, props, id, depth))
		return -1;
	if (parent) {
		for (size_t i = 0; i < sizeof(reverses) / sizeof(reverses[0]); i++) {
			if (strcmp(reverses[i].reverse, via) != 0 || strcmp(reverses[i].schema, schema) != 0 ||
			    prop(props, reverses[i].forward))
				continue;
			json_t *back = json_array();
			json_array_append_new(back, json_string(parent));
			json_object_set_new(props, reverses[i].forward, back);
		}
	}
	if (strcmp(schema, "Company") == 0 || strcmp(schema, "Organization") == 0 ||
	    strcmp(schema, "PublicBody") == 0 || strcmp(schema, "LegalEntity") == 0 ||
	    strcmp(schema, "Project") == 0 || strcmp(schema, "Territory") == 0)
		return org(l, ent, id, schema, props);
	if (strcmp(schema, "Person") == 0)
		return person(l, ent, id, props);
	if (strcmp(schema, "Document") == 0 || strcmp(schema, "Pages") == 0 || strcmp(schema, "PlainText") == 0 ||
	    strcmp(schema, "HyperText") == 0 || strcmp(schema, "Article") == 0)
		return document(l, id, props);
	if (strcmp(schema, "Documentation") == 0)
		return documentation(l, id, props);
	if (strcmp(schema, "Identification") == 0)
		return identification(l, id, props);
	for (size_t i = 0; i < sizeof(ties) / sizeof(ties[0]); i++)
		if (strcmp(ties[i].schema, schema) == 0)
			return tie(l, ent, id, &ties[i], props);
	/* what tiemap does not keep, and why (docs/ftm.md) */
	static const struct {
		const char *schema, *why;
	} never[] = {
		{ "Address", "Address (addresses are not kept)" },
		{ "Associate", "Associate (a tie between two people)" },
		{ "Family", "Family (a tie between two people)" },
		{ "Passport", "Passport (a person's identity document)" },
		{ "Sanction", "Sanction (the entity keeps its topic 'sanction' as a tag)" },
		{ "Occupancy", "Occupancy (a person's office; Directorship and a Person's position say it)" },
		{ "Position", "Position (an office; a Person's position says it)" },
	};
	for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		if (strcmp(never[i].schema, schema) == 0) {
			left_out(l, id, never[i].why);
			return 0;
		}
	char why[160];
	snprintf(why, sizeof(why), "%.60s (a schema tiemap does not map)", schema);
	left_out(l, id, why);
	return 0;
}

void tm_ftm_parse_line(const tm_import_opts *opts, struct recbuf *out, const char *file, uint32_t input,
		       size_t lineno, const char *line, size_t len)
{
	size_t s = 0;
	while (s < len && (line[s] == ' ' || line[s] == '\t' || line[s] == '\r'))
		s++;
	if (s == len)
		return;
	struct line l = { opts, out, file, strrchr(file, '/') ? strrchr(file, '/') + 1 : file, input, lineno, "" };
	size_t n0 = out->n;
	if (!tm_utf8_valid(line, len)) {
		bad(&l, memchr(line, 0, len) ? "NUL byte in line" : "invalid UTF-8");
	} else {
		json_error_t jerr;
		json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
		if (!o)
			bad(&l, "bad JSON: %s (column %d)", jerr.text, jerr.column);
		else if (!json_is_object(o))
			bad(&l, "an entity must be a JSON object");
		else
			entity(&l, o, NULL, NULL, 0);
		json_decref(o);
	}
	if (l.why[0]) {
		while (out->n > n0)
			tm_import_pop(out);
		tm_buf b = TM_BUF_INIT;
		tm_buf_addf(&b, "%s:%zu: %s", file, lineno, l.why);
		tm_strv_push_owned(&out->errors, tm_buf_detach(&b));
	}
}
