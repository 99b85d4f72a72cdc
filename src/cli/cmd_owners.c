#include "cli/graph_util.h"

#include <stdlib.h>

#include "view/view.h"

static void share_text(double share, char *buf, size_t n)
{
	if (share < 0)
		snprintf(buf, n, "share unknown");
	else
		snprintf(buf, n, "%.4g%%", share);
}

static int run(tm_cli *cli, int argc, char **argv)
{
	if (argc != 2)
		return tm_cli_usage(&tm_cmd_owners);
	char *id;
	int status = tm_cli_resolve(cli, argv[1], &id);
	if (status)
		return status;
	tm_err err = { 0 };
	tm_graph *g;
	tm_node node;
	tm_owners own = { 0 };
	json_t *o;
	if (tm_cli_graph(cli, &g, &err)) {
		status = tm_cli_error(&err);
	} else if (cli->json) {
		status = tm_view_owners(cli->st, g, id, &o, &err) ? tm_cli_error(&err) : tm_cli_print_json(o);
	} else if (tm_cli_node_of(cli, id, &node, &err) || tm_graph_owners(g, node, 0, 0, &own, &err)) {
		status = tm_cli_error(&err);
	} else if (own.n_chains == 0) {
		printf("%s has no known owner\n", id);
	} else {
		tm_strv notes = TM_STRV_INIT;
		for (size_t i = 0; i < own.n_chains; i++) {
			char share[32];
			share_text(own.chains[i].effective_share, share, sizeof(share));
			printf("%sChain %zu (effective share: %s)\n", i ? "\n" : "", i + 1, share);
			for (size_t k = 0; k + 1 < own.chains[i].n; k++) {
				tm_step st = { own.chains[i].nodes[k], own.chains[i].nodes[k + 1], 0,
					       own.chains[i].rel_ids[k], 0 };
				tm_relation r;
				if (tm_store_get_relation(cli->st, st.rel_id, &r, NULL) == TM_OK) {
					st.predicate = tm_predicate_index(r.predicate);
					tm_relation_release(&r);
				}
				tm_cli_print_step(cli, &st, &notes);
			}
		}
		printf("\nUltimate parents\n");
		for (size_t i = 0; i < own.n_totals; i++) {
			char share[32];
			char *label = tm_cli_node_label(cli, own.totals[i].parent);
			share_text(own.totals[i].effective_share, share, sizeof(share));
			printf("  %s: %s over %zu chain%s\n", label, share, own.totals[i].n_chains,
			       own.totals[i].n_chains == 1 ? "" : "s");
			free(label);
		}
		tm_cli_print_notes(cli, &notes);
		tm_strv_release(&notes);
	}
	tm_owners_release(&own);
	free(id);
	return status;
}

const tm_cmd tm_cmd_owners = {
	"owners", run, TM_CMD_STORE, "owners ENTITY",
	"the chains of owners up to the ultimate parents, with effective shares",
	"Follows owns and acquired ties upward.  Where every share along a chain is\n"
	"known, the effective share is their product; an ultimate parent reached by\n"
	"several chains gets their sum.  Ownership cycles are walked once.\n",
};
