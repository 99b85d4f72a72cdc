/*
 * i18n_hant: build the Traditional Chinese catalog of the site from the
 * Simplified one, at build time (the Makefile builds and runs it; web/embed
 * puts its output in the binary).
 *
 * usage: i18n_hant ZH.json OVERRIDES.json OUT.json
 *
 * Every string of ZH.json (web/i18n/zh.json, the Simplified interface), and
 * the Chinese labels of the vocabularies in src/model (entity kinds,
 * predicates both ways, action and site kinds, geo precisions, topics,
 * categories of involvement with their definitions and contexts) under the
 * keys the site reads them by ("kind.company", "pred.owns", "pred_inv.owns",
 * "action_kind.protest", "site_kind.office", "precision.city",
 * "tag.surveillance", "category.occupation_surveillance", "category_def.…",
 * "context.palestine"), goes through ICU's Simplified→Traditional transform
 * (Hans-Hant).  The transform maps characters and common words, and errs
 * where one Simplified character stands for several Traditional ones; a
 * person reviews its output, and OVERRIDES.json holds the corrections:
 *
 *   { "key": { "hans": "the Simplified text reviewed", "hant": "its Traditional text" } }
 *
 * An override whose "hans" is no longer the catalog's text fails the build:
 * the text changed after the review, so the correction must be looked at
 * again.  So does an override of a key the catalog does not have.
 *
 * A build tool: it reads and writes files, and its errors go to stderr.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <unicode/ustring.h>
#include <unicode/utrans.h>

#include "model/action.h"
#include "model/model.h"

static UTransliterator *hant;

static void die(const char *fmt, const char *a, const char *b)
{
	fprintf(stderr, "i18n_hant: ");
	fprintf(stderr, fmt, a, b);
	fputc('\n', stderr);
	exit(1);
}

/* s through Hans-Hant; owned. */
static char *to_hant(const char *s)
{
	UErrorCode st = U_ZERO_ERROR;
	int32_t n = 0, cap = (int32_t)strlen(s) * 2 + 16, len;
	UChar *u = calloc((size_t)cap, sizeof(UChar));
	u_strFromUTF8(u, cap, &n, s, -1, &st);
	if (U_FAILURE(st))
		die("'%s' is not UTF-8%s", s, "");
	len = n;
	int32_t limit = n;
	utrans_transUChars(hant, u, &len, cap, 0, &limit, &st);
	if (U_FAILURE(st))
		die("cannot transform '%s': %s", s, u_errorName(st));
	char *out = calloc((size_t)len * 4 + 1, 1);
	st = U_ZERO_ERROR;
	u_strToUTF8(out, len * 4 + 1, NULL, u, len, &st);
	free(u);
	if (U_FAILURE(st))
		die("cannot encode '%s': %s", s, u_errorName(st));
	return out;
}

static void put(json_t *src, const char *prefix, const char *id, const char *label)
{
	char key[128];
	snprintf(key, sizeof(key), "%s.%s", prefix, id);
	json_object_set_new(src, key, json_string(label));
}

static void vocab(json_t *src, const char *prefix, const tm_vocab *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(src, prefix, v[i].id, v[i].label_zh);
}

int main(int argc, char **argv)
{
	if (argc != 4)
		die("usage: i18n_hant ZH.json OVERRIDES.json OUT.json%s%s", "", "");
	json_error_t je;
	json_t *src = json_load_file(argv[1], 0, &je);
	if (!json_is_object(src))
		die("%s: %s", argv[1], je.text);
	json_t *over = json_load_file(argv[2], 0, &je);
	if (!json_is_object(over))
		die("%s: %s", argv[2], je.text);

	for (size_t i = 0; i < tm_n_kinds; i++)
		put(src, "kind", tm_kinds[i].id, tm_kinds[i].label_zh);
	for (size_t i = 0; i < tm_n_predicates; i++) {
		put(src, "pred", tm_predicates[i].id, tm_predicates[i].label_zh);
		put(src, "pred_inv", tm_predicates[i].id, tm_predicates[i].inverse_zh);
	}
	vocab(src, "action_kind", tm_action_kinds, tm_n_action_kinds);
	vocab(src, "site_kind", tm_site_kinds, tm_n_site_kinds);
	vocab(src, "precision", tm_geo_precisions, tm_n_geo_precisions);
	vocab(src, "tag", tm_topics, tm_n_topics);
	/* the categories of involvement: label and definition; their contexts */
	for (size_t i = 0; i < tm_n_categories; i++) {
		put(src, "category", tm_categories[i].id, tm_categories[i].label_zh);
		put(src, "category_def", tm_categories[i].id, tm_categories[i].def_zh);
		put(src, "context", tm_categories[i].context, tm_context_label(tm_categories[i].context, "zh"));
	}

	UErrorCode st = U_ZERO_ERROR;
	UChar id[16];
	u_uastrcpy(id, "Hans-Hant");
	hant = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
	if (U_FAILURE(st))
		die("ICU has no Hans-Hant transform: %s%s", u_errorName(st), "");

	const char *key;
	json_t *v;
	json_object_foreach(over, key, v) {
		const char *hans = json_string_value(json_object_get(v, "hans"));
		const char *want = json_string_value(json_object_get(src, key));
		if (!want)
			die("%s: override of '%s', which the catalog does not have", argv[2], key);
		if (!hans || strcmp(hans, want) != 0 || !json_is_string(json_object_get(v, "hant")))
			die("%s: the text of '%s' changed since its override was reviewed; review it again", argv[2], key);
	}
	json_t *out = json_object();
	json_object_foreach(src, key, v) {
		if (!json_is_string(v))
			die("%s: '%s' is not a string", argv[1], key);
		json_t *o = json_object_get(json_object_get(over, key), "hant");
		if (o) {
			json_object_set(out, key, o);
		} else {
			char *t = to_hant(json_string_value(v));
			json_object_set_new(out, key, json_string(t));
			free(t);
		}
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[3]);
	if (json_dump_file(out, tmp, JSON_INDENT(2) | JSON_SORT_KEYS) || rename(tmp, argv[3]))
		die("cannot write '%s'%s", argv[3], "");
	utrans_close(hant);
	json_decref(out);
	json_decref(src);
	json_decref(over);
	return 0;
}
