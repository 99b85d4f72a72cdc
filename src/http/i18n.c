/*
 * Message catalogs: web/i18n/en.json and zh.json (Simplified), flat objects
 * of key to text, and zh-Hant.json, which the build makes from zh.json and
 * the vocabularies through ICU's Hans-Hant transform (web/i18n_hant.c);
 * embedded at build time and parsed once at start.  After that they are
 * only read, which jansson allows from any number of threads.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

static json_t *catalog_en, *catalog_zh, *catalog_hant;

static tm_rc load_one(const char *path, json_t **out, tm_err *err)
{
	const tm_asset *a = tm_asset_find(path);
	if (!a)
		return tm_fail(err, TM_ERR_INTERNAL, "message catalog '%s' is not embedded", path);
	json_error_t je;
	json_t *o = json_loadb((const char *)a->data, a->len, 0, &je);
	if (!o || !json_is_object(o)) {
		json_decref(o);
		return tm_fail(err, TM_ERR_INTERNAL, "message catalog '%s': %s", path, je.text);
	}
	*out = o;
	return TM_OK;
}

tm_rc tm_i18n_load(tm_err *err)
{
	if (catalog_en)
		return TM_OK;
	tm_rc rc = load_one("i18n/en.json", &catalog_en, err);
	if (!rc)
		rc = load_one("i18n/zh.json", &catalog_zh, err);
	if (!rc)
		rc = load_one("i18n/zh-Hant.json", &catalog_hant, err);
	if (rc)
		tm_i18n_free();
	return rc;
}

void tm_i18n_free(void)
{
	json_decref(catalog_en);
	json_decref(catalog_zh);
	json_decref(catalog_hant);
	catalog_en = catalog_zh = catalog_hant = NULL;
}

const char *tm_i18n(const char *lang, const char *key)
{
	const char *s = NULL;
	if (lang && strcmp(lang, "zh-Hant") == 0)
		s = json_string_value(json_object_get(catalog_hant, key));
	else if (lang && strncmp(lang, "zh", 2) == 0)
		s = json_string_value(json_object_get(catalog_zh, key));
	if (!s)
		s = json_string_value(json_object_get(catalog_en, key));
	return s ? s : key;
}

int tm_i18n_has(const char *lang, const char *key)
{
	json_t *c = strcmp(lang, "zh-Hant") == 0 ? catalog_hant : strncmp(lang, "zh", 2) == 0 ? catalog_zh : catalog_en;
	return json_string_value(json_object_get(c, key)) != NULL;
}

/* Which of our interface languages a tag asks for: zh-Hant for Traditional
 * (zh-Hant…, and the regions that write it: zh-TW, zh-HK, zh-MO), zh-Hans
 * for any other Chinese, en for English; NULL for anything else. */
static const char *tag_ui(const char *tag, size_t n)
{
	char t[36];
	if (n < 2 || n >= sizeof(t))
		return NULL;
	for (size_t i = 0; i < n; i++)
		t[i] = (char)(tag[i] >= 'A' && tag[i] <= 'Z' ? tag[i] + 32 : tag[i] == '_' ? '-' : tag[i]);
	t[n] = '\0';
	if (strncmp(t, "en", 2) == 0 && (n == 2 || t[2] == '-'))
		return "en";
	if (strncmp(t, "zh", 2) != 0 || (n > 2 && t[2] != '-'))
		return NULL;
	if (strstr(t, "-hant") || strstr(t, "-tw") || strstr(t, "-hk") || strstr(t, "-mo"))
		return strstr(t, "-hans") ? "zh-Hans" : "zh-Hant";
	return "zh-Hans";
}

const char *tm_i18n_ui_of(const char *tag)
{
	if (!tag)
		return NULL;
	if (strcmp(tag, "zh") == 0)
		return "zh-Hans";
	return tag_ui(tag, strlen(tag));
}

/* Accept-Language: "zh-TW,zh;q=0.9,en;q=0.8".  The language with the highest
 * q among the three we have wins; equal q goes to the one named first. */
const char *tm_i18n_negotiate(const char *h)
{
	const char *best = "en";
	double best_q = -1;
	while (h && *h) {
		while (*h == ' ' || *h == ',')
			h++;
		const char *tag = h;
		while (*h && *h != ',' && *h != ';' && *h != ' ')
			h++;
		size_t n = (size_t)(h - tag);
		double q = 1;
		while (*h && *h != ',') {
			if (*h == ';') {
				h++;
				while (*h == ' ')
					h++;
				if (h[0] == 'q' && h[1] == '=')
					q = strtod(h + 2, NULL);
			} else {
				h++;
			}
		}
		const char *lang = tag_ui(tag, n);
		if (lang && q > 0 && q > best_q) {
			best = lang;
			best_q = q;
		}
	}
	return best;
}
