/*
 * Message catalogs: web/i18n/en.json and zh.json, flat objects of key to
 * text, embedded at build time and parsed once at start.  After that they
 * are only read, which jansson allows from any number of threads.
 */
#include "http/http_internal.h"

#include <stdlib.h>
#include <string.h>

static json_t *catalog_en, *catalog_zh;

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
	if (rc)
		tm_i18n_free();
	return rc;
}

void tm_i18n_free(void)
{
	json_decref(catalog_en);
	json_decref(catalog_zh);
	catalog_en = catalog_zh = NULL;
}

const char *tm_i18n(const char *lang, const char *key)
{
	const char *s = NULL;
	if (lang && strcmp(lang, "zh") == 0)
		s = json_string_value(json_object_get(catalog_zh, key));
	if (!s)
		s = json_string_value(json_object_get(catalog_en, key));
	return s ? s : key;
}

/* Accept-Language: "zh-CN,zh;q=0.9,en;q=0.8".  The language with the highest
 * q among the two we have wins; equal q goes to the one named first. */
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
		const char *lang = NULL;
		if (n >= 2 && (strncmp(tag, "zh", 2) == 0 || strncmp(tag, "ZH", 2) == 0) && (n == 2 || tag[2] == '-'))
			lang = "zh";
		else if (n >= 2 && (strncmp(tag, "en", 2) == 0 || strncmp(tag, "EN", 2) == 0) && (n == 2 || tag[2] == '-'))
			lang = "en";
		if (lang && q > 0 && q > best_q) {
			best = lang;
			best_q = q;
		}
	}
	return best;
}
