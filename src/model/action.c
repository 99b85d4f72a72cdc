#include "model/action.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const tm_vocab tm_action_kinds[] = {
	{ "protest", "protest", "抗议" },
	{ "boycott", "boycott", "抵制" },
	{ "divestment", "divestment", "撤资" },
	{ "contract_cancelled", "contract cancelled", "合同取消" },
	{ "petition", "petition", "请愿" },
	{ "policy", "policy", "政策" },
	{ "legal", "legal action", "法律行动" },
	{ "strike", "strike", "罢工" },
	{ "other", "other", "其他" },
};
const size_t tm_n_action_kinds = sizeof(tm_action_kinds) / sizeof(tm_action_kinds[0]);

const tm_vocab tm_site_kinds[] = {
	{ "office", "office", "办事处" },
	{ "distributor", "distributor", "经销商" },
	{ "factory", "factory", "工厂" },
	{ "deployment", "deployment", "部署地点" },
	{ "protest", "protest location", "抗议地点" },
	{ "other", "other", "其他" },
};
const size_t tm_n_site_kinds = sizeof(tm_site_kinds) / sizeof(tm_site_kinds[0]);

/* After ACLED's geo precision: what the point stands for, so that a map can
 * say "somewhere in this city" instead of pretending to know the door. */
const tm_vocab tm_geo_precisions[] = {
	{ "exact", "exact location", "精确位置" },
	{ "street", "street", "街道" },
	{ "city", "city", "城市" },
	{ "region", "region", "地区" },
	{ "country", "country", "国家" },
};
const size_t tm_n_geo_precisions = sizeof(tm_geo_precisions) / sizeof(tm_geo_precisions[0]);

int tm_geo_valid(double lat, double lon)
{
	return isfinite(lat) && isfinite(lon) && lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180;
}

int tm_country_valid(const char *c)
{
	return c && strlen(c) == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

void tm_bitext_release(tm_bitext *t)
{
	free(t->en);
	free(t->zh);
	t->en = t->zh = NULL;
}

const char *tm_bitext_get(const tm_bitext *t, const char *lang)
{
	return lang && strncmp(lang, "zh", 2) == 0 ? t->zh : t->en;
}

const char *tm_bitext_pick(const tm_bitext *t, const char *lang, int *translated)
{
	int zh = lang && strncmp(lang, "zh", 2) == 0;
	const char *want = zh ? t->zh : t->en, *other = zh ? t->en : t->zh;
	if (translated)
		*translated = want != NULL;
	return want ? want : other;
}

void tm_parties_push(tm_parties *p, const char *entity, const char *en, const char *zh)
{
	TM_GROW(p->v, p->cap, p->n + 1);
	tm_party *x = &p->v[p->n++];
	x->entity = tm_xstrdup(entity);
	x->text.en = tm_xstrdup(en);
	x->text.zh = tm_xstrdup(zh);
}

void tm_parties_release(tm_parties *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->v[i].entity);
		tm_bitext_release(&p->v[i].text);
	}
	free(p->v);
	memset(p, 0, sizeof(*p));
}

void tm_geo_release(tm_geo *g)
{
	free(g->precision);
	memset(g, 0, sizeof(*g));
}

void tm_action_release(tm_action *a)
{
	free(a->id);
	free(a->kind);
	tm_bitext_release(&a->place);
	free(a->country);
	tm_geo_release(&a->geo);
	tm_parties_release(&a->actors);
	tm_parties_release(&a->targets);
	tm_bitext_release(&a->title);
	tm_bitext_release(&a->summary);
	tm_bitext_release(&a->outcome);
	free(a->note);
	tm_cites_release(&a->cites);
	memset(a, 0, sizeof(*a));
}

void tm_site_release(tm_site *s)
{
	free(s->id);
	free(s->entity);
	free(s->kind);
	tm_bitext_release(&s->name);
	free(s->address);
	free(s->city);
	free(s->region);
	free(s->country);
	tm_geo_release(&s->geo);
	tm_strv_release(&s->tags);
	free(s->note);
	tm_cites_release(&s->cites);
	memset(s, 0, sizeof(*s));
}

static void bitext_copy(tm_bitext *dst, const tm_bitext *src)
{
	dst->en = tm_xstrdup(src->en);
	dst->zh = tm_xstrdup(src->zh);
}

static void geo_copy(tm_geo *dst, const tm_geo *src)
{
	*dst = *src;
	dst->precision = tm_xstrdup(src->precision);
}

static void cites_copy(tm_cites *dst, const tm_cites *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		tm_cites_push(dst, src->v[i].source, src->v[i].quote, src->v[i].page);
}

static void parties_copy(tm_parties *dst, const tm_parties *src)
{
	memset(dst, 0, sizeof(*dst));
	for (size_t i = 0; i < src->n; i++)
		tm_parties_push(dst, src->v[i].entity, src->v[i].text.en, src->v[i].text.zh);
}

void tm_action_copy(tm_action *dst, const tm_action *a)
{
	memset(dst, 0, sizeof(*dst));
	dst->id = tm_xstrdup(a->id);
	memcpy(dst->date, a->date, sizeof(dst->date));
	dst->kind = tm_xstrdup(a->kind);
	bitext_copy(&dst->place, &a->place);
	dst->country = tm_xstrdup(a->country);
	geo_copy(&dst->geo, &a->geo);
	parties_copy(&dst->actors, &a->actors);
	parties_copy(&dst->targets, &a->targets);
	bitext_copy(&dst->title, &a->title);
	bitext_copy(&dst->summary, &a->summary);
	bitext_copy(&dst->outcome, &a->outcome);
	dst->note = tm_xstrdup(a->note);
	cites_copy(&dst->cites, &a->cites);
}

void tm_site_copy(tm_site *dst, const tm_site *s)
{
	memset(dst, 0, sizeof(*dst));
	dst->id = tm_xstrdup(s->id);
	dst->entity = tm_xstrdup(s->entity);
	dst->kind = tm_xstrdup(s->kind);
	bitext_copy(&dst->name, &s->name);
	dst->address = tm_xstrdup(s->address);
	dst->city = tm_xstrdup(s->city);
	dst->region = tm_xstrdup(s->region);
	dst->country = tm_xstrdup(s->country);
	geo_copy(&dst->geo, &s->geo);
	for (size_t i = 0; i < s->tags.n; i++)
		tm_strv_push(&dst->tags, s->tags.v[i]);
	dst->note = tm_xstrdup(s->note);
	cites_copy(&dst->cites, &s->cites);
}

static int bitext_eq(const tm_bitext *a, const tm_bitext *b)
{
	return tm_streq(a->en, b->en) && tm_streq(a->zh, b->zh);
}

static int geo_eq(const tm_geo *a, const tm_geo *b)
{
	return a->has == b->has && (!a->has || (a->lat == b->lat && a->lon == b->lon)) &&
	       tm_streq(a->precision, b->precision);
}

static int parties_eq(const tm_parties *a, const tm_parties *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (!tm_streq(a->v[i].entity, b->v[i].entity) || !bitext_eq(&a->v[i].text, &b->v[i].text))
			return 0;
	return 1;
}

int tm_action_equal(const tm_action *a, const tm_action *b)
{
	return tm_streq(a->id, b->id) && tm_streq(a->date, b->date) && tm_streq(a->kind, b->kind) &&
	       bitext_eq(&a->place, &b->place) && tm_streq(a->country, b->country) && geo_eq(&a->geo, &b->geo) &&
	       parties_eq(&a->actors, &b->actors) && parties_eq(&a->targets, &b->targets) &&
	       bitext_eq(&a->title, &b->title) && bitext_eq(&a->summary, &b->summary) &&
	       bitext_eq(&a->outcome, &b->outcome) && tm_streq(a->note, b->note) && tm_cites_equal(&a->cites, &b->cites);
}

int tm_site_equal(const tm_site *a, const tm_site *b)
{
	if (a->tags.n != b->tags.n)
		return 0;
	for (size_t i = 0; i < a->tags.n; i++)
		if (!tm_streq(a->tags.v[i], b->tags.v[i]))
			return 0;
	return tm_streq(a->id, b->id) && tm_streq(a->entity, b->entity) && tm_streq(a->kind, b->kind) &&
	       bitext_eq(&a->name, &b->name) && tm_streq(a->address, b->address) && tm_streq(a->city, b->city) &&
	       tm_streq(a->region, b->region) && tm_streq(a->country, b->country) && geo_eq(&a->geo, &b->geo) &&
	       tm_streq(a->note, b->note) && tm_cites_equal(&a->cites, &b->cites);
}
