/*
 * A petition with its counts as JSON (view_petition.h).
 */
#include "view/view_petition.h"

#include <string.h>
#include <time.h>

#include "seal/seal.h"
#include "store/store_campaign.h"
#include "store/store_petition.h"
#include "view/view.h"

const char *tm_view_petition_status(const tm_petition *p, const char *day)
{
	int phase = tm_petition_phase(p, day);
	return phase < 0 ? "upcoming" : phase > 0 ? "closed" : "open";
}

void tm_view_today(char out[16])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static json_t *bitext_json(const tm_bitext *t)
{
	if (!t->en && !t->zh)
		return json_null();
	json_t *o = json_object();
	if (t->en)
		json_object_set_new(o, "en", json_string(t->en));
	if (t->zh)
		json_object_set_new(o, "zh", json_string(t->zh));
	return o;
}

tm_rc tm_view_petition(tm_store *st, const tm_petition *p, const char *day, int with_text, json_t **out,
		       tm_err *err)
{
	*out = NULL;
	tm_petition_counts c;
	tm_rc rc = tm_store_petition_counts(st, p->id, NULL, NULL, &c, err);
	if (rc)
		return rc;
	json_t *o = json_object();
	json_object_set_new(o, "id", json_string(p->id));
	json_object_set_new(o, "title", bitext_json(&p->title));
	json_object_set_new(o, "target", bitext_json(&p->target));
	if (with_text)
		json_object_set_new(o, "text", bitext_json(&p->text));
	json_t *ents = json_array();
	for (size_t i = 0; i < p->entities.n; i++)
		json_array_append_new(ents, tm_view_entity_ref_json(st, p->entities.v[i]));
	json_object_set_new(o, "entities", ents);
	json_t *action = json_null();
	if (p->action) {
		tm_action a;
		action = json_object();
		json_object_set_new(action, "id", json_string(p->action));
		if (tm_store_get_action(st, p->action, &a, NULL, NULL) == TM_OK) {
			json_object_set_new(action, "title", bitext_json(&a.title));
			tm_action_release(&a);
		}
	}
	json_object_set_new(o, "action", action);
	json_object_set_new(o, "opens", json_string(p->opens));
	json_object_set_new(o, "closes", p->closes[0] ? json_string(p->closes) : json_null());
	json_object_set_new(o, "goal", p->goal ? json_integer(p->goal) : json_null());
	/* purged: its signatures are gone, and so are the hashes that would
	 * count a repeated address once; it takes no more, whatever its dates */
	json_object_set_new(o, "status", json_string(c.purged[0] ? "closed" : tm_view_petition_status(p, day)));
	json_object_set_new(o, "signatures", json_integer(c.signatures));
	json_object_set_new(o, "shown", json_integer(c.shown));
	json_object_set_new(o, "purged", c.purged[0] ? json_string(c.purged) : json_null());
	json_object_set_new(o, "public_key", json_string(p->public_key));
	unsigned char pk[TM_SEAL_KEY_BYTES];
	if (tm_seal_key_parse(p->public_key, pk) == 0) {
		char fp[TM_SEAL_FINGERPRINT];
		tm_seal_fingerprint(pk, fp);
		json_object_set_new(o, "fingerprint", json_string(fp));
	}
	*out = o;
	return TM_OK;
}

static int shown_one(void *ctx, const char *name, const char *city)
{
	json_t *s = json_object();
	json_object_set_new(s, "name", json_string(name));
	json_object_set_new(s, "city", city ? json_string(city) : json_null());
	json_array_append_new(ctx, s);
	return 0;
}

tm_rc tm_view_petition_shown(tm_store *st, const char *id, size_t limit, size_t offset, int64_t total, json_t **out,
			     tm_err *err)
{
	*out = NULL;
	json_t *items = json_array();
	tm_rc rc = tm_store_petition_shown(st, id, limit, offset, shown_one, items, err);
	if (rc) {
		json_decref(items);
		return rc;
	}
	json_t *o = json_object();
	json_object_set_new(o, "total", json_integer(total));
	json_object_set_new(o, "offset", json_integer((json_int_t)offset));
	json_object_set_new(o, "limit", json_integer((json_int_t)limit));
	json_object_set_new(o, "items", items);
	*out = o;
	return TM_OK;
}
