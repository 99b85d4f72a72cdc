/*
 * The campaign records (actions, sites, petitions) as JSON, in the shape the
 * importer reads (docs/format.md), so that `export | import | export` gives
 * the same bytes for them too.
 */

#include "io/io.h"

static void set_bitext(json_t *o, const char *key, const tm_bitext *t)
{
	if (!t->en && !t->zh)
		return;
	json_t *b = json_object();
	tm_json_set_str(b, "en", t->en);
	tm_json_set_str(b, "zh", t->zh);
	json_object_set_new(o, key, b);
}

static void set_geo(json_t *o, const tm_geo *g)
{
	if (!g->has)
		return;
	json_object_set_new(o, "lat", json_real(g->lat));
	json_object_set_new(o, "lon", json_real(g->lon));
	tm_json_set_str(o, "geo_precision", g->precision);
}

static void set_parties(json_t *o, const char *key, const tm_parties *p)
{
	if (!p->n)
		return;
	json_t *arr = json_array();
	for (size_t i = 0; i < p->n; i++) {
		if (p->v[i].entity) {
			json_array_append_new(arr, json_string(p->v[i].entity));
			continue;
		}
		json_t *t = json_object();
		tm_json_set_str(t, "en", p->v[i].text.en);
		tm_json_set_str(t, "zh", p->v[i].text.zh);
		json_array_append_new(arr, t);
	}
	json_object_set_new(o, key, arr);
}

json_t *tm_action_to_json(const tm_action *a)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "action");
	tm_json_set_str(o, "id", a->id);
	tm_json_set_str(o, "date", a->date);
	tm_json_set_str(o, "kind", a->kind);
	set_bitext(o, "place", &a->place);
	tm_json_set_str(o, "country", a->country);
	set_geo(o, &a->geo);
	set_parties(o, "actors", &a->actors);
	set_parties(o, "targets", &a->targets);
	set_bitext(o, "title", &a->title);
	set_bitext(o, "summary", &a->summary);
	set_bitext(o, "outcome", &a->outcome);
	tm_json_set_str(o, "note", a->note);
	if (a->cites.n)
		json_object_set_new(o, "sources", tm_cites_to_json(&a->cites));
	return o;
}

json_t *tm_site_to_json(const tm_site *s)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "site");
	tm_json_set_str(o, "id", s->id);
	tm_json_set_str(o, "entity", s->entity);
	tm_json_set_str(o, "kind", s->kind);
	set_bitext(o, "name", &s->name);
	tm_json_set_str(o, "address", s->address);
	tm_json_set_str(o, "city", s->city);
	tm_json_set_str(o, "region", s->region);
	tm_json_set_str(o, "country", s->country);
	set_geo(o, &s->geo);
	if (s->tags.n) {
		json_t *tags = json_array();
		for (size_t i = 0; i < s->tags.n; i++)
			json_array_append_new(tags, json_string(s->tags.v[i]));
		json_object_set_new(o, "tags", tags);
	}
	tm_json_set_str(o, "note", s->note);
	if (s->cites.n)
		json_object_set_new(o, "sources", tm_cites_to_json(&s->cites));
	return o;
}

json_t *tm_petition_to_json(const tm_petition *p)
{
	json_t *o = json_object();
	tm_json_set_str(o, "type", "petition");
	tm_json_set_str(o, "id", p->id);
	set_bitext(o, "title", &p->title);
	set_bitext(o, "target", &p->target);
	set_bitext(o, "text", &p->text);
	if (p->entities.n) {
		json_t *a = json_array();
		for (size_t i = 0; i < p->entities.n; i++)
			json_array_append_new(a, json_string(p->entities.v[i]));
		json_object_set_new(o, "entities", a);
	}
	tm_json_set_str(o, "action", p->action);
	tm_json_set_str(o, "opens", p->opens);
	tm_json_set_str(o, "closes", p->closes);
	if (p->goal)
		json_object_set_new(o, "goal", json_integer(p->goal));
	tm_json_set_str(o, "public_key", p->public_key);
	return o;
}
