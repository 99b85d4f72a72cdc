/*
 * tiemap action: add an action (from flags, or by answering prompts), list
 * and show them.
 *
 * `action add` writes nothing itself: it builds the record's JSON line and
 * hands it to the importer, so that an action typed here is checked exactly
 * as one in a file (kinds, dates, coordinates, references, sources) and
 * lands in one transaction.
 */
#include "cli/cli.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "campaign/campaign.h"
#include "io/io.h"
#include "search/search.h"
#include "store/store_petition.h"
#include "text/text.h"
#include "view/view_petition.h"

/* ---- action add ---- */

/* Set o[key][lang] = v (v may be NULL: nothing). */
static void set_lang(json_t *o, const char *key, const char *lang, const char *v)
{
	if (!v || !*v)
		return;
	json_t *b = json_object_get(o, key);
	if (!b) {
		b = json_object();
		json_object_set_new(o, key, b);
	}
	json_object_set_new(b, lang, json_string(v));
}

/* A target or an actor as typed: an entity when the text is an entity id or
 * exactly one entity's name, else free text in the language its script
 * says.  Prefix and fuzzy matches are not taken: a wrong entity is worse
 * than free text, which can be linked later. */
static void add_party(tm_cli *cli, json_t *o, const char *key, const char *ref, int force_text)
{
	json_t *arr = json_object_get(o, key);
	if (!arr) {
		arr = json_array();
		json_object_set_new(o, key, arr);
	}
	if (!force_text) {
		char *id = NULL;
		int found = 0;
		/* a failure of the store is kept by it, and action_add() checks
		 * before it writes anything */
		if (tm_id_valid(ref) && tm_store_has_entity(cli->st, ref, &found, NULL) == TM_OK && found) {
			id = tm_xstrdup(ref);
		} else {
			tm_search_hits hits;
			tm_search_opts so = { .limit = 3, .strict = 1 };
			if (tm_search(cli->st, ref, &so, &hits, NULL) == TM_OK) {
				if (hits.n && hits.v[0].score >= 1.0 && (hits.n == 1 || hits.v[1].score < 1.0))
					id = tm_xstrdup(hits.v[0].id);
				tm_search_hits_release(&hits);
			}
		}
		if (id) {
			if (strcmp(id, ref) != 0 && !cli->quiet)
				fprintf(stderr, "tiemap: %s '%s' is entity '%s'\n", key, ref, id);
			json_array_append_new(arr, json_string(id));
			free(id);
			return;
		}
	}
	json_t *t = json_object();
	json_object_set_new(t, tm_text_has_han(ref) ? "zh" : "en", json_string(ref));
	json_array_append_new(arr, t);
	if (!force_text && !cli->quiet)
		fprintf(stderr, "tiemap: %s '%s' is no entity: kept as free text\n", key, ref);
}

static void add_source(json_t *o, const char *id)
{
	json_t *arr = json_object_get(o, "sources");
	if (!arr) {
		arr = json_array();
		json_object_set_new(o, "sources", arr);
	}
	json_t *c = json_object();
	json_object_set_new(c, "source", json_string(id));
	json_array_append_new(arr, c);
}

/* Attach a quote to the last source given. */
static int add_quote(json_t *o, const char *quote)
{
	json_t *arr = json_object_get(o, "sources");
	size_t n = json_array_size(arr);
	if (!n)
		return -1;
	json_object_set_new(json_array_get(arr, n - 1), "quote", json_string(quote));
	return 0;
}

/* Sources given as {"source": id} alone print as plain ids, as in files. */
static void simplify_sources(json_t *o)
{
	json_t *arr = json_object_get(o, "sources");
	size_t i;
	json_t *c;
	json_array_foreach(arr, i, c) {
		if (json_is_object(c) && json_object_size(c) == 1)
			json_array_set(arr, i, json_object_get(c, "source"));
	}
}

static int set_point(json_t *o, const char *s)
{
	double lat, lon;
	tm_err err = { 0 };
	if (tm_geo_parse_point(s, &lat, &lon, &err)) {
		tm_cli_error(&err);
		return -1;
	}
	json_object_set_new(o, "lat", json_real(lat));
	json_object_set_new(o, "lon", json_real(lon));
	return 0;
}

/* Ask on stderr, read a line from stdin; NULL at the end of input.  The
 * answer is owned, trimmed; def is returned (copied) for an empty answer. */
static char *ask(const char *prompt, const char *def)
{
	fprintf(stderr, "%s%s%s%s: ", prompt, def ? " [" : "", def ? def : "", def ? "]" : "");
	fflush(stderr);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		free(line);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r' || line[n - 1] == ' '))
		line[--n] = '\0';
	char *p = line;
	while (*p == ' ')
		p++;
	if (!*p && def) {
		free(line);
		return tm_xstrdup(def);
	}
	char *out = tm_xstrdup(p);
	free(line);
	return out;
}

/* Prompt for every field the flags left out.  0 when done, -1 at a
 * premature end of input. */
static int interview(tm_cli *cli, json_t *o)
{
	char today[TM_DATE_MAX];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	struct field {
		const char *key, *lang, *prompt, *def;
	} fields[] = {
		{ "date", NULL, "date (YYYY-MM-DD, or YYYY-MM, YYYY)", today },
		{ "kind", NULL, "kind (protest, boycott, divestment, contract_cancelled, petition, policy, legal, strike, other)",
		  "protest" },
		{ "title", "en", "title in English (empty if none)", NULL },
		{ "title", "zh", "title in Chinese 中文标题 (empty if none)", NULL },
		{ "summary", "en", "summary in English", NULL },
		{ "summary", "zh", "summary in Chinese 中文摘要", NULL },
		{ "place", "en", "place in English (city, region)", NULL },
		{ "place", "zh", "place in Chinese 中文地名", NULL },
		{ "country", NULL, "country (ISO code such as CA)", NULL },
		{ "outcome", "en", "outcome in English", NULL },
		{ "outcome", "zh", "outcome in Chinese 中文结果", NULL },
		{ "note", NULL, "note (e.g. how the accounts differ)", NULL },
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];
		json_t *have = json_object_get(o, f->key);
		if (have && (!f->lang || json_object_get(have, f->lang)))
			continue;
		char *a = ask(f->prompt, f->def);
		if (!a)
			return -1;
		if (f->lang)
			set_lang(o, f->key, f->lang, a);
		else
			tm_json_set_str(o, f->key, a);
		free(a);
	}
	if (!json_object_get(o, "lat")) {
		char *a = ask("coordinates LAT,LON (empty if unknown)", NULL);
		if (!a)
			return -1;
		int bad = *a && set_point(o, a);
		free(a);
		if (bad)
			return -1;
		if (json_object_get(o, "lat") && !json_object_get(o, "geo_precision")) {
			if (!(a = ask("what the point stands for (exact, street, city, region, country)", "city")))
				return -1;
			tm_json_set_str(o, "geo_precision", a);
			free(a);
		}
	}
	static const char *const parties[] = { "targets", "actors" };
	for (int p = 0; p < 2; p++) {
		if (json_object_get(o, parties[p]))
			continue;
		tm_buf prompt = TM_BUF_INIT;
		tm_buf_addf(&prompt, "%s: entity ids or names, separated by ';'", parties[p]);
		char *a = ask(prompt.buf, NULL);
		tm_buf_release(&prompt);
		if (!a)
			return -1;
		for (char *s = a; *s;) {
			char *semi = strchr(s, ';');
			if (semi)
				*semi = '\0';
			while (*s == ' ')
				s++;
			size_t n = strlen(s);
			while (n && s[n - 1] == ' ')
				s[--n] = '\0';
			if (*s)
				add_party(cli, o, parties[p], s, 0);
			s = semi ? semi + 1 : s + strlen(s);
		}
		free(a);
	}
	if (!json_object_get(o, "sources")) {
		for (;;) {
			char *a = ask("source id (empty to finish)", NULL);
			if (!a)
				return -1;
			if (!*a) {
				free(a);
				break;
			}
			add_source(o, a);
			free(a);
			if (!(a = ask("  quote from it (optional)", NULL)))
				return -1;
			if (*a)
				add_quote(o, a);
			free(a);
		}
	}
	return 0;
}

/* "2024-02-27-protest-ca", made unique with -2, -3 … */
static char *make_id(tm_cli *cli, json_t *o)
{
	tm_buf base = TM_BUF_INIT;
	const char *date = json_string_value(json_object_get(o, "date"));
	const char *kind = json_string_value(json_object_get(o, "kind"));
	const char *country = json_string_value(json_object_get(o, "country"));
	tm_buf_addf(&base, "%s-%s", date ? date : "undated", kind ? kind : "action");
	if (country) {
		tm_buf_addch(&base, '-');
		for (const char *p = country; *p; p++)
			tm_buf_addch(&base, (char)tolower((unsigned char)*p));
	}
	for (char *p = base.buf; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			*p = '-';
	tm_buf id = TM_BUF_INIT;
	for (int n = 1;; n++) {
		tm_buf_reset(&id);
		tm_buf_adds(&id, base.buf);
		if (n > 1)
			tm_buf_addf(&id, "-%d", n);
		tm_action a;
		if (tm_store_get_action(cli->st, id.buf, &a, NULL, NULL) != TM_OK)
			break;
		tm_action_release(&a);
	}
	tm_buf_release(&base);
	return tm_buf_detach(&id);
}

static int action_add(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "date", required_argument, NULL, 'd' },
		{ "kind", required_argument, NULL, 'k' },
		{ "place", required_argument, NULL, 'p' },
		{ "place-zh", required_argument, NULL, 'P' },
		{ "country", required_argument, NULL, 'c' },
		{ "at", required_argument, NULL, '@' },
		{ "geo-precision", required_argument, NULL, 'g' },
		{ "target", required_argument, NULL, 't' },
		{ "target-text", required_argument, NULL, 'T' },
		{ "actor", required_argument, NULL, 'a' },
		{ "actor-text", required_argument, NULL, 'A' },
		{ "title", required_argument, NULL, 'h' },
		{ "title-zh", required_argument, NULL, 'H' },
		{ "summary", required_argument, NULL, 's' },
		{ "summary-zh", required_argument, NULL, 'S' },
		{ "outcome", required_argument, NULL, 'u' },
		{ "outcome-zh", required_argument, NULL, 'U' },
		{ "note", required_argument, NULL, 'n' },
		{ "source", required_argument, NULL, 'r' },
		{ "quote", required_argument, NULL, 'q' },
		{ "interactive", no_argument, NULL, 'I' },
		{ "dry-run", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	json_t *o = json_object();
	json_object_set_new(o, "type", json_string("action"));
	int c, interactive = 0, dry = 0, status = TM_EXIT_OK, given = 0;
	optind = 1;
	while (!status && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		given++;
		switch (c) {
		case 'i': tm_json_set_str(o, "id", optarg); break;
		case 'd': tm_json_set_str(o, "date", optarg); break;
		case 'k': tm_json_set_str(o, "kind", optarg); break;
		case 'p': set_lang(o, "place", "en", optarg); break;
		case 'P': set_lang(o, "place", "zh", optarg); break;
		case 'c': tm_json_set_str(o, "country", optarg); break;
		case '@': status = set_point(o, optarg) ? TM_EXIT_USAGE : 0; break;
		case 'g': tm_json_set_str(o, "geo_precision", optarg); break;
		case 't': add_party(cli, o, "targets", optarg, 0); break;
		case 'T': add_party(cli, o, "targets", optarg, 1); break;
		case 'a': add_party(cli, o, "actors", optarg, 0); break;
		case 'A': add_party(cli, o, "actors", optarg, 1); break;
		case 'h': set_lang(o, "title", "en", optarg); break;
		case 'H': set_lang(o, "title", "zh", optarg); break;
		case 's': set_lang(o, "summary", "en", optarg); break;
		case 'S': set_lang(o, "summary", "zh", optarg); break;
		case 'u': set_lang(o, "outcome", "en", optarg); break;
		case 'U': set_lang(o, "outcome", "zh", optarg); break;
		case 'n': tm_json_set_str(o, "note", optarg); break;
		case 'r': add_source(o, optarg); break;
		case 'q':
			if (add_quote(o, optarg)) {
				fputs("tiemap: --quote follows the --source it quotes\n", stderr);
				status = TM_EXIT_USAGE;
			}
			break;
		case 'I': interactive = 1; given--; break;
		case 'D': dry = 1; given--; break;
		default: status = tm_cli_usage(&tm_cmd_action);
		}
	}
	if (!status && optind < argc)
		status = tm_cli_usage(&tm_cmd_action);
	/* no fields on a terminal: ask for them */
	if (!status && (interactive || (!given && isatty(STDIN_FILENO))) && interview(cli, o)) {
		fputs("\ntiemap: input ended: nothing added\n", stderr);
		status = TM_EXIT_FAIL;
	}
	if (status) {
		json_decref(o);
		return status;
	}
	if (!json_object_get(o, "id")) {
		char *id = make_id(cli, o);
		/* keep "type" and "id" first, as in files */
		json_t *ordered = json_object();
		json_object_set_new(ordered, "type", json_string("action"));
		json_object_set_new(ordered, "id", json_string(id));
		json_object_update(ordered, o);
		json_decref(o);
		o = ordered;
		free(id);
	}
	simplify_sources(o);
	char *line = json_dumps(o, TM_IO_JSON_GEO_FLAGS);
	json_decref(o);
	/* the entities named and the id were looked up: a failure there is not
	 * a free text or a free id */
	tm_err err = { 0 };
	if (tm_store_error(cli->st, &err)) {
		free(line);
		return tm_cli_error(&err);
	}
	if (dry) {
		printf("%s\n", line);
		free(line);
		return TM_EXIT_OK;
	}
	if (interactive) {
		fprintf(stderr, "\n%s\n", line);
		char *yes = ask("add this action? (y/n)", "y");
		int ok = yes && (yes[0] == 'y' || yes[0] == 'Y');
		free(yes);
		if (!ok) {
			fputs("tiemap: nothing added\n", stderr);
			free(line);
			return TM_EXIT_FAIL;
		}
	}
	tm_import_report rep;
	static const char name[] = "action";
	tm_rc rc = tm_import_buffer(cli->st, name, line, strlen(line), NULL, &rep, &err);
	for (size_t i = 0; i < rep.errors.n; i++) {
		/* "action:1: reason": the reason is what matters here */
		const char *e = rep.errors.v[i];
		const char *why = strncmp(e, "action:1: ", 10) == 0 ? e + 10 : e;
		fprintf(stderr, "tiemap: %s\n", why);
	}
	if (rc) {
		if (!rep.errors.n)
			tm_cli_error(&err);
		fprintf(stderr, "tiemap: nothing added; the record was:\n%s\n", line);
		status = TM_EXIT_FAIL;
	} else if (cli->json) {
		json_error_t jerr;
		status = tm_cli_print_json(json_loads(line, 0, &jerr));
	} else if (!cli->quiet) {
		json_error_t jerr;
		json_t *back = json_loads(line, 0, &jerr);
		printf("added action %s\n", json_string_value(json_object_get(back, "id")));
		json_decref(back);
	}
	tm_import_report_release(&rep);
	free(line);
	return status;
}

/* ---- action list, action show ---- */

struct list_ctx {
	tm_cli *cli;
	tm_table t;
	json_t *arr;
};

static int list_one(void *p, const tm_action *a, const char *updated)
{
	struct list_ctx *c = p;
	if (c->arr) {
		json_t *o = tm_action_to_json(a);
		json_object_del(o, "type");
		json_object_set_new(o, "updated", json_string(updated));
		json_array_append_new(c->arr, o);
		return 0;
	}
	tm_buf title = TM_BUF_INIT;
	tm_buf_adds(&title, tm_bitext_pick(&a->title, "en", NULL));
	if (a->title.en && a->title.zh)
		tm_buf_addf(&title, " / %s", a->title.zh);
	const char *row[] = { a->date, a->kind, a->country ? a->country : "", a->id, title.buf };
	tm_table_add(&c->t, row);
	tm_buf_release(&title);
	return 0;
}

static int action_list(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "kind", required_argument, NULL, 'k' },
		{ "country", required_argument, NULL, 'c' },
		{ "target", required_argument, NULL, 'e' },
		{ "limit", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	tm_action_filter f = { .newest_first = 1, .limit = 100 };
	const char *target = NULL;
	long limit;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		tm_day d;
		if ((c == 'f' || c == 't') && tm_day_parse(optarg, &d) != 0) {
			fprintf(stderr, "tiemap: bad date '%s': use YYYY-MM-DD\n", optarg);
			return TM_EXIT_USAGE;
		}
		if (c == 'f')
			f.from = optarg;
		else if (c == 't')
			f.to = optarg;
		else if (c == 'k' && tm_vocab_find(tm_action_kinds, tm_n_action_kinds, optarg))
			f.kind = optarg;
		else if (c == 'c')
			f.country = optarg;
		else if (c == 'e')
			target = optarg;
		else if (c == 'n' && (limit = strtol(optarg, NULL, 10)) >= 1 && limit <= 1000000)
			f.limit = (size_t)limit;
		else
			return tm_cli_usage(&tm_cmd_action);
	}
	if (optind < argc)
		return tm_cli_usage(&tm_cmd_action);
	char *id = NULL;
	int status;
	if (target && (status = tm_cli_resolve(cli, target, &id)))
		return status;
	f.entity = id;
	static const char *headers[] = { "DATE", "KIND", "COUNTRY", "ID", "TITLE" };
	struct list_ctx ctx = { cli, { 0 }, cli->json ? json_array() : NULL };
	tm_table_init(&ctx.t, 5, headers);
	tm_err err = { 0 };
	int64_t total = 0;
	if (tm_store_each_action(cli->st, &f, list_one, &ctx, &err) || tm_store_count_actions(cli->st, &f, &total, &err)) {
		status = tm_cli_error(&err);
		json_decref(ctx.arr);
	} else if (ctx.arr) {
		status = tm_cli_print_json(ctx.arr);
	} else {
		size_t shown = ctx.t.cells.n / 5;
		printf("%zu action%s", shown, shown == 1 ? "" : "s");
		if ((int64_t)shown < total)
			printf(" of %lld (raise --limit)", (long long)total);
		printf("\n");
		if (shown)
			tm_table_print(&ctx.t, stdout, cli->width);
		status = TM_EXIT_OK;
	}
	tm_table_release(&ctx.t);
	free(id);
	return status;
}

static void print_pair(const char *label, const tm_bitext *t)
{
	if (t->en)
		printf("  %-10s %s\n", label, t->en);
	if (t->zh)
		printf("  %-10s %s\n", t->en ? "" : label, t->zh);
}

/* The petitions of the action with their counts (the campaign's progress;
 * never a signer), as JSON objects appended to arr. */
struct petitions_ctx {
	tm_cli *cli;
	char today[16];
	json_t *arr;
};

static int petition_one(void *ctx, const tm_petition *p)
{
	struct petitions_ctx *c = ctx;
	json_t *o;
	tm_err err = { 0 };
	if (tm_view_petition(c->cli->st, p, c->today, 0, &o, &err) == TM_OK) {
		json_t *brief = json_object();
		static const char *const keep[] = { "id", "title", "status", "signatures", "goal" };
		for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
			json_object_set(brief, keep[i], json_object_get(o, keep[i]));
		json_array_append_new(c->arr, brief);
		json_decref(o);
	}
	return 0;
}

static json_t *action_petitions(tm_cli *cli, const char *id)
{
	struct petitions_ctx c = { cli, "", json_array() };
	tm_view_today(c.today);
	tm_store_each_petition(cli->st, id, petition_one, &c, NULL);
	return c.arr;
}

static int action_show(tm_cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return tm_cli_usage(&tm_cmd_action);
	tm_action a;
	char updated[24];
	tm_err err = { 0 };
	if (tm_store_get_action(cli->st, argv[1], &a, updated, &err))
		return tm_cli_error(&err);
	if (cli->json) {
		json_t *o = tm_action_to_json(&a);
		json_object_del(o, "type");
		json_object_set_new(o, "updated", json_string(updated));
		json_object_set_new(o, "sources", tm_cli_cites_json(cli, &a.cites));
		json_object_set_new(o, "petitions", action_petitions(cli, a.id));
		tm_action_release(&a);
		return tm_cli_print_json(o);
	}
	printf("%s (%s)\n", tm_bitext_pick(&a.title, "en", NULL), a.id);
	if (a.title.en && a.title.zh)
		printf("%s\n", a.title.zh);
	printf("  %-10s %s / %s\n", "kind", tm_vocab_label(tm_action_kinds, tm_n_action_kinds, a.kind, "en"),
	       tm_vocab_label(tm_action_kinds, tm_n_action_kinds, a.kind, "zh"));
	printf("  %-10s %s\n", "date", a.date);
	print_pair("place", &a.place);
	if (a.country)
		printf("  %-10s %s\n", "country", a.country);
	if (a.geo.has)
		printf("  %-10s %.7g,%.7g%s%s%s\n", "point", a.geo.lat, a.geo.lon, a.geo.precision ? " (" : "",
		       a.geo.precision ? a.geo.precision : "", a.geo.precision ? ")" : "");
	const tm_parties *lists[2] = { &a.targets, &a.actors };
	static const char *const labels[2] = { "targets", "actors" };
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; i < lists[l]->n; i++) {
			const tm_party *p = &lists[l]->v[i];
			if (p->entity) {
				char *en, *zh;
				tm_cli_entity_names(cli, p->entity, &en, &zh);
				printf("  %-10s %s: %s / %s\n", i ? "" : labels[l], p->entity, en, zh);
				free(en);
				free(zh);
			} else {
				printf("  %-10s %s\n", i ? "" : labels[l], tm_bitext_pick(&p->text, "en", NULL));
			}
		}
	}
	print_pair("summary", &a.summary);
	print_pair("outcome", &a.outcome);
	if (a.note)
		printf("  %-10s %s\n", "note", a.note);
	for (size_t i = 0; i < a.cites.n; i++) {
		tm_source s;
		printf("  [%zu] %s", i + 1, a.cites.v[i].source);
		if (tm_store_get_source(cli->st, a.cites.v[i].source, &s, NULL) == TM_OK) {
			printf(": %s%s%s", s.title, s.url ? " " : "", s.url ? s.url : "");
			tm_source_release(&s);
		}
		if (a.cites.v[i].quote)
			printf("\n      “%s”", a.cites.v[i].quote);
		printf("\n");
	}
	json_t *pets = action_petitions(cli, a.id);
	size_t i;
	json_t *pt;
	json_array_foreach(pets, i, pt) {
		printf("  %-10s %s: %lld signatures", i ? "" : "petitions", json_string_value(json_object_get(pt, "id")),
		       (long long)json_integer_value(json_object_get(pt, "signatures")));
		if (json_is_integer(json_object_get(pt, "goal")))
			printf(" of a goal of %lld", (long long)json_integer_value(json_object_get(pt, "goal")));
		printf(" (%s)\n", json_string_value(json_object_get(pt, "status")));
	}
	json_decref(pets);
	printf("  %-10s %s\n", "updated", updated);
	tm_action_release(&a);
	return TM_EXIT_OK;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return tm_cli_usage(&tm_cmd_action);
	if (strcmp(argv[1], "add") == 0)
		return action_add(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "list") == 0)
		return action_list(cli, argc - 1, argv + 1);
	if (strcmp(argv[1], "show") == 0)
		return action_show(cli, argc - 1, argv + 1);
	return tm_cli_usage(&tm_cmd_action);
}

const tm_cmd tm_cmd_action = {
	"action", run, TM_CMD_STORE | TM_CMD_WRITE,
	"action add [FLAGS] | action list [--from D] [--to D] [--kind K] [--country CC]\n"
	"              [--target ENTITY] [--limit N] | action show ID",
	"the actions log: add, list and show actions",
	"action add records one action.  Give its fields as flags, or run it on a\n"
	"terminal with none (or with --interactive) to be asked for each:\n"
	"  --date YYYY-MM-DD --kind KIND --title TEXT --title-zh TEXT\n"
	"  --summary TEXT --summary-zh TEXT --place TEXT --place-zh TEXT --country CC\n"
	"  --at LAT,LON --geo-precision exact|street|city|region|country\n"
	"  --target ENTITY-OR-TEXT --actor ENTITY-OR-TEXT (repeatable; an entity id or\n"
	"  an exact name becomes the entity, anything else free text; --target-text\n"
	"  and --actor-text keep the text as it is)\n"
	"  --outcome TEXT --outcome-zh TEXT --note TEXT\n"
	"  --source ID [--quote TEXT] (repeatable, at least one) --id ID --dry-run\n"
	"Kinds: protest, boycott, divestment, contract_cancelled, petition, policy,\n"
	"legal, strike, other.  The record goes through the importer's checks; the\n"
	"id defaults to DATE-KIND-COUNTRY.  --dry-run prints the JSON line instead.\n"
	"action list shows the latest actions, newest first (--limit, default 100);\n"
	"--target lists those that target, or were taken by, an entity.\n",
};
