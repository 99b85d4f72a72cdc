/*
 * The petition record as JSON, in the shape the importer reads
 * (docs/format.md), so that `export | import | export` gives the same bytes.
 */
#include "io/io.h"

static void set_bitext(json_t *o, const char *key, const tm_bitext *t)
{
	if (!t->en && !t->zh)
		return;
	json_t *b = json_object();
	tm_json_set_str(b, "en", t->en);
	tm_json_set_str(b, "zh", t->zh);
	json_object_set_new(o, key, b); /* steals b */
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
