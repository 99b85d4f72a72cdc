/*
 * The graph as FollowTheMoney entities, one JSON object a line, for yente
 * and Aleph (docs/ftm.md has the mapping both ways).  The importer reads
 * what this writes back into the same records, so that export, import into
 * a fresh database and export again give the same bytes; what FtM cannot
 * carry (the order of names of several languages when primary and other
 * names alternate, the language of a Latin name that is not English …) is
 * listed in docs/ftm.md.
 *
 * Lines come in the order the importer needs none of the others for: the
 * sources (as Documents), then each entity after its Identifications and
 * Documentations, then each relation after its Documentations; each part
 * sorted, so that the same data always gives the same bytes.
 */
#include "io/io.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "text/text.h"

/* The FtM ids of the entities imported from FtM (identifier "ftm"), by
 * their tiemap id, which they come in the order of. */
struct idmap {
	char **slug, **ftm;
	size_t n, cap;
};

struct ftm_out {
	FILE *f;
	int failed;
	struct idmap ids;
	tm_buf line;
};

/* FtM topics (followthemoney/types/topic.py): a tag that is one is written
 * as a topic, so that yente weighs it; other tags are keywords. */
static int ftm_topic(const char *t)
{
	static const char *const topics[] = {
		"crime", "crime.fraud", "crime.cyber", "crime.fin", "crime.env", "crime.theft", "crime.war",
		"crime.boss", "crime.terror", "crime.traffick", "crime.traffick.drug", "crime.traffick.human",
		"forced.labor", "asset.frozen", "wanted", "corp.offshore", "corp.shell", "corp.public", "corp.disqual",
		"gov", "gov.national", "gov.state", "gov.muni", "gov.soe", "gov.igo", "gov.head", "gov.admin",
		"gov.executive", "gov.legislative", "gov.judicial", "gov.security", "gov.financial", "gov.religion",
		"fin", "fin.bank", "fin.fund", "fin.adivsor", "mare.detained", "mare.shadow", "mare.sts", "reg.action",
		"reg.warn", "role.pep", "role.pep.frmr", "role.pep.intl", "role.pep.natl", "role.pol", "role.rca",
		"role.judge", "role.civil", "role.diplo", "role.lawyer", "role.acct", "role.spy", "role.oligarch",
		"role.journo", "role.act", "role.lobby", "pol.party", "pol.union", "rel", "mil", "sanction",
		"sanction.linked", "sanction.control", "sanction.counter", "export.control", "export.control.linked",
		"export.risk", "invest.risk", "invest.ban", "debarment", "poi", NULL,
	};
	for (const char *const *p = topics; *p; p++)
		if (strcmp(*p, t) == 0)
			return 1;
	return 0;
}

/* The schema of a kind, and whether the kind needs saying beside it. */
static const char *schema_of(const char *kind, const char **marker)
{
	static const struct {
		const char *kind, *schema;
		int is_default;
	} map[] = {
		{ "company", "Company", 1 },        { "organization", "Organization", 1 },
		{ "university", "Organization", 0 }, { "research_institute", "Organization", 0 },
		{ "ngo", "Organization", 0 },       { "political_party", "Organization", 0 },
		{ "media", "Organization", 0 },     { "state_body", "PublicBody", 1 },
		{ "agency", "PublicBody", 0 },      { "municipality", "PublicBody", 0 },
		{ "police", "PublicBody", 0 },      { "military", "PublicBody", 0 },
		{ "person", "Person", 1 },          { "project", "Project", 1 },
		{ "program", "Project", 0 },        { "system", "Project", 0 },
		{ "product", "Project", 0 },        { "country", "Territory", 1 },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].kind, kind) == 0) {
			*marker = map[i].is_default ? NULL : kind;
			return map[i].schema;
		}
	*marker = kind;
	return "Organization";
}

/* An identifier scheme's property on a schema (LegalEntity's on every
 * legal entity, Company's and Organization's on theirs), or NULL. */
static const char *ident_prop(const char *schema, const char *scheme)
{
	static const struct {
		const char *scheme, *prop;
		int level; /* 0 any thing, 1 legal entities, 2 organizations, 3 companies */
	} map[] = {
		{ "wikidata", "wikidataId", 0 },  { "lei", "leiCode", 1 },      { "uscc", "uscCode", 1 },
		{ "inn", "innCode", 1 },          { "ogrn", "ogrnCode", 1 },    { "okpo", "okpoCode", 1 },
		{ "duns", "dunsCode", 1 },        { "bic", "swiftBic", 1 },     { "registration", "registrationNumber", 1 },
		{ "tax", "taxNumber", 1 },        { "vat", "vatCode", 1 },      { "bvd", "bvdId", 1 },
		{ "uei", "uniqueEntityId", 1 },   { "npi", "npiCode", 1 },      { "icij", "icijId", 1 },
		{ "id", "idNumber", 1 },          { "cage", "cageCode", 2 },    { "permid", "permId", 2 },
		{ "imo", "imoNumber", 2 },        { "giin", "giiNumber", 2 },   { "isin", "isinCode", 3 },
		{ "ticker", "ticker", 3 },        { "cik", "cikCode", 3 },      { "irs", "irsCode", 3 },
		{ "kpp", "kppCode", 3 },          { "voen", "voenCode", 3 },
	};
	int level = strcmp(schema, "Company") == 0 ? 3 :
		    strcmp(schema, "Organization") == 0 || strcmp(schema, "PublicBody") == 0 ? 2 :
		    strcmp(schema, "Person") == 0 ? 0 : 0;
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(map[i].scheme, scheme) == 0)
			return map[i].level <= level ? map[i].prop : NULL;
	return NULL;
}

static void put(json_t *props, const char *key, const char *v)
{
	if (!v || !*v)
		return;
	json_t *a = json_object_get(props, key);
	if (!a) {
		a = json_array();
		json_object_set_new(props, key, a); /* steals a; props keeps it alive */
	}
	json_array_append_new(a, json_string(v));
}

static void put_number(json_t *props, const char *key, double v)
{
	char num[64];
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(num, sizeof(num), "%.0f", v);
	else
		snprintf(num, sizeof(num), "%.15g", v);
	put(props, key, num);
}

static void line(struct ftm_out *o, const char *id, const char *schema, json_t *props)
{
	json_t *e = json_object();
	json_object_set_new(e, "id", json_string(id));
	json_object_set_new(e, "schema", json_string(schema));
	json_object_set_new(e, "properties", props); /* steals props */
	if (!o->failed &&
	    (json_dumpf(e, o->f, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15)) != 0 ||
	     fputc('\n', o->f) == EOF))
		o->failed = 1;
	json_decref(e);
}

/* "src." and the source's id: Documents share one space of ids with
 * entities in FtM, as sources and entities do not here. */
static void doc_id(tm_buf *b, const char *source)
{
	tm_buf_reset(b);
	tm_buf_addf(b, "src.%s", source);
}

/* The FtM id of entity slug. */
static const char *ftm_id(const struct ftm_out *o, const char *slug)
{
	size_t lo = 0, hi = o->ids.n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(o->ids.slug[mid], slug);
		if (c == 0)
			return o->ids.ftm[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return slug;
}

/* proof: every source cited, in order; a Documentation line for each
 * citation with a quote or a page (before the line of the claim, which
 * the importer gives them to as it reads it). */
static void cites(struct ftm_out *o, const char *claim, const tm_cites *c, json_t *props)
{
	tm_buf id = TM_BUF_INIT;
	for (size_t i = 0; i < c->n; i++) {
		doc_id(&id, c->v[i].source);
		put(props, "proof", id.buf);
		if (!c->v[i].quote && !c->v[i].page)
			continue;
		json_t *d = json_object();
		put(d, "document", id.buf);
		put(d, "entity", claim);
		put(d, "summary", c->v[i].quote);
		put(d, "role", c->v[i].page);
		char did[64];
		tm_buf key = TM_BUF_INIT;
		tm_buf_addf(&key, "%s\x1f%zu", claim, i);
		snprintf(did, sizeof(did), "doc-%016llx", (unsigned long long)tm_hash(key.buf, key.len));
		tm_buf_release(&key);
		line(o, did, "Documentation", d);
	}
	tm_buf_release(&id);
}

static int ftm_source(void *ctx, const tm_source *s)
{
	struct ftm_out *o = ctx;
	json_t *p = json_object();
	put(p, "name", s->title);
	put(p, "title", s->title);
	put(p, "author", s->author);
	put(p, "publisher", s->publisher);
	put(p, "publishedAt", s->date);
	put(p, "sourceUrl", s->url);
	put(p, "language", s->lang ? tm_text_lang_iso3(s->lang) : NULL);
	put(p, "notes", s->note);
	tm_buf id = TM_BUF_INIT;
	doc_id(&id, s->id);
	line(o, id.buf, "Document", p);
	tm_buf_release(&id);
	return o->failed;
}

static int ftm_entity(void *ctx, const tm_entity *e)
{
	struct ftm_out *o = ctx;
	const char *marker, *schema = schema_of(e->kind, &marker);
	int person = strcmp(schema, "Person") == 0, legal = !person && strcmp(schema, "Project") != 0 &&
							     strcmp(schema, "Territory") != 0;
	const char *id = e->id;
	for (size_t i = 0; i < e->n_idents; i++)
		if (strcmp(e->idents[i].scheme, "ftm") == 0) {
			id = e->idents[i].value;
			TM_GROW(o->ids.slug, o->ids.cap, o->ids.n + 1);
			o->ids.ftm = tm_xrealloc(o->ids.ftm, o->ids.cap * sizeof(char *));
			o->ids.slug[o->ids.n] = tm_xstrdup(e->id);
			o->ids.ftm[o->ids.n++] = tm_xstrdup(id);
			break;
		}
	json_t *p = json_object();
	for (size_t i = 0; i < e->n_names; i++)
		if (e->names[i].primary)
			put(p, "name", e->names[i].text);
	for (size_t i = 0; i < e->n_names; i++)
		if (!e->names[i].primary)
			put(p, "alias", e->names[i].text);
	if (e->country) {
		char low[3] = { (char)(e->country[0] | 0x20), (char)(e->country[1] | 0x20), 0 };
		put(p, "country", low);
	}
	if (legal) {
		put(p, "incorporationDate", e->start);
		put(p, "dissolutionDate", e->end);
		put(p, "classification", marker);
	} else if (!person) {
		put(p, "startDate", e->start);
		put(p, "endDate", e->end);
		if (strcmp(schema, "Territory") == 0)
			put(p, "level", "country");
	}
	put(p, person ? "position" : "description", e->desc_en);
	put(p, person ? "position" : "description", e->desc_zh);
	for (size_t i = 0; i < e->tags.n; i++)
		if (ftm_topic(e->tags.v[i]))
			put(p, "topics", e->tags.v[i]);
	if (!legal && !person && marker) {
		tm_buf k = TM_BUF_INIT;
		tm_buf_addf(&k, "kind:%s", marker);
		put(p, "keywords", k.buf);
		tm_buf_release(&k);
	}
	for (size_t i = 0; i < e->tags.n; i++)
		if (!ftm_topic(e->tags.v[i]))
			put(p, "keywords", e->tags.v[i]);
	for (size_t i = 0; i < e->n_idents; i++) {
		const char *scheme = e->idents[i].scheme, *value = e->idents[i].value;
		if (strcmp(scheme, "ftm") == 0)
			continue;
		const char *key = ident_prop(schema, scheme);
		if (key && (!person || strcmp(scheme, "wikidata") == 0)) {
			put(p, key, value);
			continue;
		}
		/* no property for it here: an Identification of its own */
		json_t *d = json_object();
		put(d, "holder", id);
		put(d, "number", value);
		put(d, "type", scheme);
		char iid[64];
		tm_buf key2 = TM_BUF_INIT;
		tm_buf_addf(&key2, "%s\x1f%s\x1f%s", id, scheme, value);
		snprintf(iid, sizeof(iid), "ident-%016llx", (unsigned long long)tm_hash(key2.buf, key2.len));
		tm_buf_release(&key2);
		line(o, iid, "Identification", d);
	}
	cites(o, id, &e->cites, p);
	line(o, id, schema, p);
	return o->failed;
}

static int ftm_relation(void *ctx, int64_t rel_id, const tm_relation *r)
{
	(void)rel_id;
	struct ftm_out *o = ctx;
	const char *s = ftm_id(o, r->subject), *obj = ftm_id(o, r->object), *pred = r->predicate;
	tm_buf key = TM_BUF_INIT;
	tm_buf_addf(&key, "%s\x1f%s\x1f%s\x1f%s\x1f%s", r->subject, pred, r->object, r->start, r->end);
	char id[64];
	snprintf(id, sizeof(id), "rel-%016llx", (unsigned long long)tm_hash(key.buf, key.len));
	tm_buf_release(&key);
	json_t *p = json_object();
	const char *schema;
	int own = strcmp(pred, "owns") == 0 || strcmp(pred, "acquired") == 0 || strcmp(pred, "invested_in") == 0;
	if (own) {
		schema = "Ownership";
		put(p, "owner", s);
		put(p, "asset", obj);
		if (strcmp(pred, "acquired") == 0)
			put(p, "ownershipType", "acquisition");
		else if (strcmp(pred, "invested_in") == 0)
			put(p, "ownershipType", "investment");
		if (r->has_share)
			put_number(p, "percentage", r->share);
		if (r->has_amount) {
			put_number(p, "sharesValue", r->amount);
			put(p, "sharesCurrency", r->currency);
		}
		put(p, "summary", r->note);
	} else if (strcmp(pred, "member_of") == 0 || strcmp(pred, "director_of") == 0 ||
		   strcmp(pred, "employed_by") == 0) {
		int member = pred[0] == 'm', director = pred[0] == 'd';
		schema = member ? "Membership" : director ? "Directorship" : "Employment";
		put(p, member ? "member" : director ? "director" : "employee", s);
		put(p, member || director ? "organization" : "employer", obj);
		put(p, "role", r->note);
	} else if (strcmp(pred, "succeeded") == 0) {
		schema = "Succession";
		put(p, "successor", s);
		put(p, "predecessor", obj);
		put(p, "summary", r->note);
	} else if (r->has_amount) {
		/* a sum paid: by the object to a contractor, else by the subject */
		int paid_by_object = strcmp(pred, "contractor_for") == 0;
		schema = "Payment";
		put(p, "payer", paid_by_object ? obj : s);
		put(p, "beneficiary", paid_by_object ? s : obj);
		put_number(p, "amount", r->amount);
		put(p, "currency", r->currency);
		put(p, "purpose", pred);
		put(p, "summary", r->note);
	} else {
		schema = "UnknownLink";
		put(p, "subject", s);
		put(p, "object", obj);
		if (strcmp(pred, "linked_to") != 0)
			put(p, "role", pred);
		put(p, "summary", r->note);
	}
	put(p, "startDate", r->start);
	put(p, "endDate", r->end);
	cites(o, id, &r->cites, p);
	line(o, id, schema, p);
	return o->failed;
}

tm_rc tm_export_ftm(tm_store *st, FILE *out, tm_err *err)
{
	struct ftm_out o;
	memset(&o, 0, sizeof(o));
	o.f = out;
	tm_rc rc;
	if (!(rc = tm_store_each_source(st, ftm_source, &o, err)) && !o.failed &&
	    !(rc = tm_store_each_entity(st, ftm_entity, &o, err)) && !o.failed)
		rc = tm_store_each_relation(st, ftm_relation, &o, err);
	for (size_t i = 0; i < o.ids.n; i++) {
		free(o.ids.slug[i]);
		free(o.ids.ftm[i]);
	}
	free(o.ids.slug);
	free(o.ids.ftm);
	if (rc)
		return rc;
	if (o.failed || fflush(out) != 0)
		return tm_fail(err, TM_ERR_IO, "unable to write the export: %s", strerror(errno));
	return TM_OK;
}
