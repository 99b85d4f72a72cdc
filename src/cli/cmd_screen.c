/*
 * tiemap screen FILE: a holdings list, vendor list or any CSV of names
 * against the graph (src/match), with flags and evidence.
 */
#include "cli/graph_util.h"
#include "io/rows.h"
#include "match/screen.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { F_TABLE, F_CSV, F_JSON, F_MD, F_HTML };

#define MAX_INPUT ((size_t)512 << 20) /* bytes of one list */

static int parse_format(const char *s)
{
	static const char *const names[] = { "table", "csv", "json", "md", "html" };
	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	if (strcmp(s, "markdown") == 0)
		return F_MD;
	return -1;
}

static char parse_delim(const char *s)
{
	if (strcmp(s, "tab") == 0 || strcmp(s, "\\t") == 0 || strcmp(s, "\t") == 0)
		return '\t';
	if (strlen(s) == 1 && strchr(",;|", s[0]))
		return s[0];
	return 0;
}

static void print_table(tm_cli *cli, const tm_screen_report *r, int zh)
{
	json_t *rep = tm_screen_report_json(cli->st, r);
	json_t *rows = json_object_get(rep, "rows");
	printf("%zu rows: %zu matched, %zu flagged, %zu unreadable (threshold %.2f", r->n, r->matched, r->flagged,
	       r->unreadable, r->threshold);
	if (r->flags_on)
		printf("; flags from involvement claims, through up to %d ownership tie%s of at least %g %%", r->depth,
		       r->depth == 1 ? "" : "s", r->min_share);
	printf(")\n");
	if (r->group_members)
		printf(zh ? "%zu 行可能是集团成员：包含某机构的全名和其他业务的词语；未匹配\n"
			  : "%zu possible group member%s: the whole name of an institution and words of another business; "
			    "not matched\n",
		       r->group_members, r->group_members == 1 ? "" : "s");
	printf("%s\n\n", zh ? tm_screen_caveat_zh : tm_screen_caveat_en);
	static const char *headers[] = { "LINE", "INPUT", "MATCH", "SCORE", "BY", "FLAGS" };
	tm_table t;
	tm_table_init(&t, 6, headers);
	for (size_t i = 0; i < r->n; i++) {
		const tm_screen_row *row = &r->rows[i];
		char line[24], score[16] = "";
		snprintf(line, sizeof(line), "%zu", row->line);
		tm_buf flags = TM_BUF_INIT, match = TM_BUF_INIT;
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(json_array_get(rows, i), "flags"), k, f)
			tm_buf_addf(&flags, "%s%s:%s", k ? "," : "", json_string_value(json_object_get(f, "category")),
				    json_string_value(json_object_get(f, "basis")));
		if (row->error) {
			tm_buf_addf(&match, "(unreadable: %s)", row->error);
		} else if (row->matched) {
			tm_buf_adds(&match, row->match.id);
			snprintf(score, sizeof(score), "%.2f", row->match.score);
		} else if (row->group_member) {
			/* no match: the group it may belong to, marked as such */
			tm_buf_addf(&match, "- (group %s?)", row->match.id);
			snprintf(score, sizeof(score), "%.2f", row->match.score);
		} else {
			tm_buf_adds(&match, "-");
		}
		const char *cells[] = { line, row->input, match.buf, score,
					row->matched || row->group_member ? tm_match_by_name(row->match.by) : "",
					flags.buf };
		tm_table_add(&t, cells);
		tm_buf_release(&flags);
		tm_buf_release(&match);
	}
	tm_table_print(&t, stdout, cli->width);
	tm_table_release(&t);
	/* each flag as a sentence, then its evidence: the quotes and the sources */
	int head = 0;
	for (size_t i = 0; i < r->n; i++) {
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(json_array_get(rows, i), "flags"), k, f) {
			if (!head++)
				printf("\nEvidence\n");
			printf("line %zu, %s: %s\n", r->rows[i].line, r->rows[i].match.id,
			       json_string_value(json_object_get(f, zh ? "text_zh" : "text")));
			size_t a, b;
			json_t *x, *c;
			json_array_foreach(json_object_get(f, "claims"), a, x) {
				json_array_foreach(json_object_get(x, "sources"), b, c) {
					const char *q = json_string_value(json_object_get(c, "quote"));
					printf("    \u201c%s\u201d — %s%s\n", q ? q : "", json_string_value(json_object_get(c, "title")),
					       json_is_true(json_object_get(c, "checked")) ? "" : " [source not checked]");
				}
			}
			json_array_foreach(json_object_get(f, "chain"), a, x) {
				printf("    %s %s %s", json_string_value(json_object_get(x, "from_name")),
				       json_string_value(json_object_get(x, zh ? "label_zh" : "label")),
				       json_string_value(json_object_get(x, "to_name")));
				json_array_foreach(json_object_get(x, "sources"), b, c) {
					const char *q = json_string_value(json_object_get(c, "quote"));
					printf("%s\u201c%s\u201d — %s", b ? "; " : ": ", q ? q : "",
					       json_string_value(json_object_get(c, "title")));
				}
				printf("\n");
			}
		}
	}
	int warned = 0;
	for (size_t i = 0; i < r->n; i++) {
		if (!r->rows[i].warning)
			continue;
		if (!warned++)
			printf("\nWarnings\n");
		printf("  line %zu: %s\n", r->rows[i].line, r->rows[i].warning);
	}
	json_decref(rep);
}

/* --verify N: the brute-force reference on N rows spread over the list;
 * prints how many got the same top match.  Returns the number that differ. */
static size_t verify(tm_cli *cli, const tm_screen_report *r, const tm_screen_in *in, size_t n_in, size_t n,
		     double threshold, tm_err *err, int *failed)
{
	size_t k = 0, differ = 0;
	tm_match_query *q = tm_xcalloc(n ? n : 1, sizeof(*q));
	size_t *idx = tm_xcalloc(n ? n : 1, sizeof(size_t));
	for (size_t i = 0; i < n && i < n_in; i++) {
		size_t j = n_in * i / n;
		if (in[j].error)
			continue;
		idx[k] = j;
		q[k++] = (tm_match_query){ in[j].name, in[j].ident, in[j].country, in[j].ids, in[j].nids };
	}
	tm_match_opts mo = { threshold, 0 };
	tm_matcher *m;
	tm_matches *res = tm_xcalloc(k ? k : 1, sizeof(*res));
	double t0 = tm_now();
	*failed = tm_matcher_new(cli->st, &mo, &m, err) || tm_match_brute_force(m, q, k, res, err);
	double secs = tm_now() - t0;
	if (!*failed) {
		size_t ties = 0;
		for (size_t i = 0; i < k; i++) {
			const tm_screen_row *row = &r->rows[idx[i]];
			/* rows matched by identifier are not the name index's to find */
			if (row->matched && row->match.by == TM_BY_IDENT)
				continue;
			int want = res[i].n && res[i].v[0].score >= threshold;
			const char *wid = want ? res[i].v[0].id : NULL, *gid = row->matched ? row->match.id : NULL;
			if (!want && !gid)
				continue;
			if (wid && gid && strcmp(wid, gid) == 0)
				continue;
			/* another entity of the very same score: generated data names many
			 * entities alike, and the scan breaks the tie among more of them */
			if (wid && gid && fabs(res[i].v[0].score - row->match.score) < 1e-9) {
				ties++;
				continue;
			}
			differ++;
			fprintf(stderr, "tiemap: verify: line %zu '%s': index gives %s (%.3f), brute force %s (%.3f)\n",
				row->line, row->input, gid ? gid : "no match", gid ? row->match.score : 0.0,
				wid ? wid : "no match", res[i].n ? res[i].v[0].score : 0.0);
		}
		fprintf(stderr,
			"tiemap: verify: %zu of %zu rows have the same top match as a scan of every name (%zu of them "
			"another entity of equal score) (%.1f s)\n",
			k - differ, k, ties, secs);
	}
	for (size_t i = 0; i < k; i++)
		tm_matches_release(&res[i]);
	free(res);
	tm_matcher_free(m);
	free(q);
	free(idx);
	return differ;
}

static int run(tm_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name-col", required_argument, NULL, 'n' },
		{ "id-col", required_argument, NULL, 'i' },
		{ "country-col", required_argument, NULL, 'c' },
		{ "threshold", required_argument, NULL, 't' },
		TM_CLI_FLAG_OPTIONS,
		{ "no-flags", no_argument, NULL, 'F' },
		{ "lang", required_argument, NULL, 'L' },
		{ "format", required_argument, NULL, 'f' },
		{ "delimiter", required_argument, NULL, 'd' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "verify", required_argument, NULL, 'V' },
		{ "sheet", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	tm_rows_spec spec = { 0 };
	double threshold = TM_MATCH_THRESHOLD;
	long jobs = 0, nverify = 0;
	int format = cli->json ? F_JSON : F_TABLE, no_flags = 0, zh = 0;
	tm_flag_opts fo;
	tm_flag_opts_init(&fo);
	tm_strv tags = TM_STRV_INIT;
	int c, bad = 0;
	char *end;
	optind = 1;
	while (!bad && (c = getopt_long(argc, argv, "n:i:c:t:g:H:f:d:j:V:s:", opts, NULL)) != -1) {
		int flag_opt = tm_cli_flag_option(c, optarg, "screen", &fo, &tags, &bad);
		if (flag_opt < 0) {
			tm_strv_release(&tags);
			return TM_EXIT_USAGE;
		}
		if (flag_opt)
			continue;
		switch (c) {
		case 'n': spec.name_col = optarg; break;
		case 'i': spec.id_col = optarg; break;
		case 'c': spec.country_col = optarg; break;
		case 't':
			threshold = strtod(optarg, &end);
			bad = *end || !(threshold > 0 && threshold <= 1);
			break;
		case 'F': no_flags = 1; break;
		case 'L':
			bad = strcmp(optarg, "en") != 0 && strcmp(optarg, "zh") != 0;
			zh = strcmp(optarg, "zh") == 0;
			break;
		case 'f': bad = (format = parse_format(optarg)) < 0; break;
		case 'd': bad = !(spec.delim = parse_delim(optarg)); break;
		case 's': spec.sheet = optarg; break;
		case 'j':
			jobs = strtol(optarg, &end, 10);
			bad = *end || jobs < 1 || jobs > 16;
			break;
		case 'V':
			nverify = strtol(optarg, &end, 10);
			bad = *end || nverify < 1 || nverify > 100000;
			break;
		default: bad = 1;
		}
	}
	if (bad || optind != argc - 1) {
		tm_strv_release(&tags);
		return tm_cli_usage(&tm_cmd_screen);
	}
	const char *path = argv[optind];
	tm_err err = { 0 };
	char *data = NULL;
	size_t len = 0;
	tm_rows rows = { 0 };
	tm_rc rc = tm_cli_read_input(path, MAX_INPUT, &data, &len, &err);
	if (rc) {
		tm_strv_release(&tags);
		return tm_cli_error(&err);
	}
	rc = tm_rows_load(data, len, &spec, 0, &rows, &err);
	free(data);
	if (rc) {
		tm_strv_release(&tags);
		tm_err e2;
		tm_fail(&e2, err.rc, "'%s': %s", path, err.msg);
		return tm_cli_error(&e2);
	}
	if (!cli->quiet)
		for (size_t i = 0; i < rows.notes.n; i++)
			fprintf(stderr, "tiemap: '%s': %s\n", path, rows.notes.v[i]);
	tm_screen_in *in = tm_xcalloc(rows.n ? rows.n : 1, sizeof(*in));
	for (size_t i = 0; i < rows.n; i++)
		in[i] = (tm_screen_in){ rows.v[i].line,	   rows.v[i].name, NULL,	   rows.v[i].country,
					rows.v[i].error,   rows.v[i].warning, rows.v[i].ids, rows.v[i].nids };
	if (tm_cli_flag_categories(&tags, &fo)) {
		free(in);
		tm_rows_release(&rows);
		tm_strv_release(&tags);
		return TM_EXIT_USAGE;
	}
	tm_graph *g = NULL;
	if (!no_flags && (rc = tm_cli_graph(cli, &g, &err))) {
		free(in);
		tm_rows_release(&rows);
		tm_strv_release(&tags);
		return tm_cli_error(&err);
	}
	if (!jobs) {
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		jobs = rows.n >= 2000 ? (ncpu > 8 ? 8 : ncpu > 1 ? ncpu : 1) : 1;
	}
	tm_progress prog;
	tm_progress_start(&prog, cli, "screening");
	tm_screen_opts so = { .threshold = threshold,
			      .no_flags = no_flags,
			      .flags = fo,
			      .graph = g,
			      .jobs = (int)jobs,
			      .db_path = cli->db_path,
			      .cached = 1,
			      .progress = tm_progress_update,
			      .progress_ctx = &prog };
	tm_screen_report rep;
	rc = tm_screen_run(cli->st, in, rows.n, &so, &rep, &err);
	tm_progress_end(&prog);
	int status = TM_EXIT_OK;
	if (rc) {
		status = tm_cli_error(&err);
	} else {
		rep.input_format = tm_xstrdup(rows.format);
		rep.input_sheet = tm_xstrdup(rows.sheet);
		rep.header_line = rows.header_line;
		for (size_t i = 0; i < rows.notes.n; i++)
			tm_strv_push(&rep.input_notes, rows.notes.v[i]);
		if (!cli->quiet)
			fprintf(stderr, "tiemap: screened %zu rows in %.2f s (%.0f names/s)\n", rep.n, rep.seconds,
				rep.seconds > 0 ? (double)rep.n / rep.seconds : 0.0);
		tm_buf out = TM_BUF_INIT;
		switch (format) {
		case F_JSON: status = tm_cli_print_json(tm_screen_report_json(cli->st, &rep)); break;
		case F_CSV: tm_screen_report_csv(cli->st, &rep, zh ? "zh" : "en", &out); break;
		case F_MD: tm_screen_report_md(cli->st, &rep, zh ? "zh" : "en", &out); break;
		case F_HTML: tm_screen_report_html(cli->st, &rep, zh ? "zh" : "en", &out); break;
		default: print_table(cli, &rep, zh);
		}
		fwrite(out.buf, 1, out.len, stdout);
		tm_buf_release(&out);
		if (nverify) {
			int failed = 0;
			size_t differ = verify(cli, &rep, in, rows.n, (size_t)nverify, threshold, &err, &failed);
			if (failed)
				status = tm_cli_error(&err);
			else if (differ)
				status = TM_EXIT_FAIL;
		}
		tm_screen_report_release(&rep);
	}
	free(in);
	tm_rows_release(&rows);
	tm_strv_release(&tags);
	return status;
}

const tm_cmd tm_cmd_screen = {
	"screen", run, TM_CMD_STORE,
	"screen [--name-col C] [--id-col C] [--country-col C] [--threshold X] [--categories C,..]\n"
	"              [--depth N] [--min-share P] [--no-flags] [--format table|csv|json|md|html] [--lang en|zh]\n"
	"              [--delimiter D] [--sheet S] [--jobs N] [--verify N] FILE",
	"match a list (holdings, vendors) against the graph, with flags and evidence",
	"Reads a table (- for standard input): CSV or TSV, an Excel workbook (.xlsx)\n"
	"or an OpenDocument spreadsheet (.ods; --sheet names the sheet, else the\n"
	"first): a fund's holdings as the issuer publishes them, a city's vendor\n"
	"payments, any list of names.  The header is the row that names the most known\n"
	"columns, so a preamble above it and a disclaimer below the table are skipped\n"
	"and reported.  JSON, YAML, HTML, PDF and other files that are not tables are\n"
	"refused, naming what they are; a file with no row to screen is an error.\n"
	"\n"
	"Each row is matched by identifier first, from columns that say which:\n"
	"Ticker, ISIN, CUSIP, SEDOL, LEI, USCC (check characters verified; a failed\n"
	"one is a warning and no look-up), or --id-col C for a column whose values\n"
	"tell by their shape.  Then by name (--name-col; guessed from the header,\n"
	"never a ticker column) across spellings, legal forms, scripts and pinyin.  A\n"
	"match needs a score of at least --threshold (default 0.85).  An input that\n"
	"holds a group's whole name and words of another business (\"BYD Electronic\")\n"
	"is reported as a possible group member, not as the group.  --country-col lets\n"
	"the country count.\n"
	"\n"
	"Flags come from involvement claims only (docs/screening.md): a match is\n"
	"flagged \"direct\" for its own cited claim, or \"via\" an owner or a subsidiary\n"
	"that has one, through up to --depth ownership ties (default 3) each with a\n"
	"share of at least --min-share percent (default 50) or none recorded.  Tags are\n"
	"topics and never flag; places never carry or pass on a flag.  --categories\n"
	"limits the flags to some involvement categories (default: all); --no-flags\n"
	"matches only.  Each flag comes with the claim's quotes and each tie's sources.\n"
	"A match is not proof, and absence is not innocence.  Rows that cannot be read\n"
	"are listed with their line number and the rest is still screened.\n"
	"\n"
	"--format json gives {\"summary\":{...},\"rows\":[{\"line\",\"input\",\"match\",\n"
	"\"flags\"}]} (docs/cli.md); csv, md and html are for publishing, in --lang\n"
	"(en, the default, or zh).\n"
	"--verify N checks N rows against a scan of every name (slow: for testing).\n",
};
