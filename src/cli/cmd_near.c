#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/campaign.h"
#include "io/io.h"

/* "LAT,LON" looks like an option when LAT is negative: take it out of argv
 * before getopt sees it. */
static int is_point(const char *s)
{
	if (*s == '-' || *s == '+')
		s++;
	if (!isdigit((unsigned char)*s) && *s != '.')
		return 0;
	return strchr(s, ',') != NULL;
}

/* What to call a site: its name, else its entity's, else its id. */
static void site_names(tm_cli *cli, const tm_site *s, char **en, char **zh)
{
	if (s->name.en || s->name.zh) {
		*en = tm_xstrdup(tm_bitext_pick(&s->name, "en", NULL));
		*zh = tm_xstrdup(tm_bitext_pick(&s->name, "zh", NULL));
	} else if (s->entity) {
		tm_cli_entity_names(cli, s->entity, en, zh);
	} else {
		*en = tm_xstrdup(s->id);
		*zh = tm_xstrdup(s->id);
	}
}

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "km", required_argument, NULL, 'k' },
		{ "tag", required_argument, NULL, 't' },
		{ "kind", required_argument, NULL, 'K' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	const char *where = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") != 0 && is_point(argv[i]) && !where) {
			where = argv[i];
			memmove(&argv[i], &argv[i + 1], (size_t)(argc - i) * sizeof(*argv));
			argc--;
			break;
		}
	}
	double km = 50;
	long limit = 0;
	tm_strv kinds = TM_STRV_INIT;
	tm_site_filter f = { .located_only = 1 };
	int c, status = TM_EXIT_OK;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;
		if (c == 'k') {
			errno = 0;
			km = strtod(optarg, &end);
			if (errno || *end || end == optarg || !(km >= 0) || km > 40100) {
				fprintf(stderr, "tiemap: bad --km '%s': a distance in kilometres, 0 to 40100\n", optarg);
				status = TM_EXIT_USAGE;
			}
		} else if (c == 't') {
			f.tag = optarg;
		} else if (c == 'K') {
			/* "office,distributor" */
			const char *p = optarg;
			while (*p && !status) {
				const char *comma = strchr(p, ',');
				size_t n = comma ? (size_t)(comma - p) : strlen(p);
				char *k = tm_xstrndup(p, n);
				if (!tm_vocab_find(tm_site_kinds, tm_n_site_kinds, k)) {
					fprintf(stderr, "tiemap: unknown site kind '%s': use office, distributor, factory, "
							"deployment, protest or other\n", k);
					status = TM_EXIT_USAGE;
				}
				tm_strv_push_owned(&kinds, k);
				p += n + (comma != NULL);
			}
			f.kinds = &kinds;
		} else if (c == 'n' && (limit = strtol(optarg, NULL, 10)) >= 1 && limit <= 1000000) {
			continue;
		} else {
			status = tm_cli_usage(&tm_cmd_near);
		}
		if (status)
			break;
	}
	if (!status) {
		int rest = argc - optind;
		if (!where && rest == 1)
			where = argv[optind];
		else if (!where || rest)
			status = tm_cli_usage(&tm_cmd_near);
	}
	if (status) {
		tm_strv_release(&kinds);
		return status;
	}

	tm_err err = { 0 };
	double lat, lon;
	tm_near hits = { 0 };
	/* a point, or a site id to search around */
	if (is_point(where)) {
		if (tm_geo_parse_point(where, &lat, &lon, &err)) {
			tm_strv_release(&kinds);
			tm_cli_error(&err);
			return TM_EXIT_USAGE;
		}
	} else {
		tm_site s;
		if (tm_store_get_site(cli->st, where, &s, &err)) {
			tm_strv_release(&kinds);
			fprintf(stderr, "tiemap: '%s' is neither LAT,LON nor a site id\n", where);
			return TM_EXIT_USAGE;
		}
		int located = s.geo.has;
		lat = s.geo.lat;
		lon = s.geo.lon;
		tm_site_release(&s);
		if (!located) {
			tm_strv_release(&kinds);
			fprintf(stderr, "tiemap: site '%s' has no coordinates\n", where);
			return TM_EXIT_FAIL;
		}
	}
	if (tm_campaign_near(cli->st, lat, lon, km, &f, (size_t)limit, &hits, &err)) {
		status = tm_cli_error(&err);
	} else if (cli->json) {
		json_t *root = json_object(), *arr = json_array(), *pt = json_array();
		json_array_append_new(pt, json_real(lat));
		json_array_append_new(pt, json_real(lon));
		json_object_set_new(root, "point", pt);
		json_object_set_new(root, "km", json_real(km));
		for (size_t i = 0; i < hits.n; i++) {
			json_t *o = tm_site_to_json(&hits.v[i].site);
			json_object_del(o, "type");
			/* a metre is plenty for "how far" */
			json_object_set_new(o, "km", json_real(round(hits.v[i].km * 1000) / 1000));
			json_object_set_new(o, "km_exact", json_real(hits.v[i].km));
			json_array_append_new(arr, o);
		}
		json_object_set_new(root, "sites", arr);
		if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17)) != 0)
			status = TM_EXIT_FAIL;
		fputc('\n', stdout);
		json_decref(root);
	} else {
		static const char *headers[] = { "KM", "ID", "KIND", "NAME", "PLACE" };
		tm_table t;
		tm_table_init(&t, 5, headers);
		for (size_t i = 0; i < hits.n; i++) {
			const tm_site *s = &hits.v[i].site;
			char d[32], *en, *zh;
			snprintf(d, sizeof(d), "%.1f", hits.v[i].km);
			site_names(cli, s, &en, &zh);
			tm_buf name = TM_BUF_INIT, place = TM_BUF_INIT;
			tm_buf_adds(&name, en);
			if (strcmp(en, zh) != 0)
				tm_buf_addf(&name, " / %s", zh);
			if (s->city)
				tm_buf_addf(&place, "%s, ", s->city);
			tm_buf_adds(&place, s->country);
			if (s->geo.precision && strcmp(s->geo.precision, "exact") != 0)
				tm_buf_addf(&place, " (%s)", s->geo.precision);
			const char *row[] = { d, s->id, s->kind, name.buf, place.buf };
			tm_table_add(&t, row);
			tm_buf_release(&name);
			tm_buf_release(&place);
			free(en);
			free(zh);
		}
		printf("%zu site%s within %g km of %.5f,%.5f\n", hits.n, hits.n == 1 ? "" : "s", km, lat, lon);
		if (hits.n)
			tm_table_print(&t, stdout, cli->width);
		tm_table_release(&t);
	}
	tm_near_release(&hits);
	tm_strv_release(&kinds);
	return status;
}

const tm_cmd tm_cmd_near = {
	"near", run, TM_CMD_STORE, "near LAT,LON|SITE [--km 50] [--tag TAG] [--kind office,distributor] [--limit N]",
	"sites within a distance, nearest first",
	"Lists the sites with coordinates within --km kilometres (default 50) of a\n"
	"point in decimal degrees (a negative latitude is fine: near -33.87,151.21)\n"
	"or of a site, by great-circle distance on a sphere of 6371.0088 km.\n"
	"--tag keeps sites that carry the tag or whose entity does; --kind keeps the\n"
	"given site kinds (office, distributor, factory, deployment, protest, other).\n"
	"A site's coordinates may stand for its city rather than its door: PLACE\n"
	"says so.\n",
};
