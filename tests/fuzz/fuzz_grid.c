/*
 * libFuzzer target: any bytes as a table given to `screen` or `audit`
 * (io/grid.h, io/rows.h): sniffed and read (CSV, .xlsx, .ods, or refused),
 * then its header and rows found; or, by the first byte, straight to the
 * .xlsx or .ods reader (past the sniffing), or as a device inventory.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/grid.h"
#include "io/inventory.h"
#include "io/rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	const char *d = (const char *)data + 1;
	size_t n = size - 1;
	tm_err err = { 0 };
	tm_grid g;
	tm_rows rows;
	tm_inventory inv;
	tm_grid_opts o = { 0, NULL, 1000, 0 };
	switch (data[0] % 4) {
	case 0:
		if (tm_rows_load(d, n, NULL, 1000, &rows, &err) == TM_OK) {
			/* every row keeps a line, and rows come in order */
			for (size_t i = 1; i < rows.n; i++)
				if (rows.v[i].line < rows.v[i - 1].line)
					abort();
			tm_rows_release(&rows);
		}
		break;
	case 1:
		if (tm_grid_read_xlsx(d, n, &o, &g, &err) == TM_OK) {
			for (size_t i = 0; i < g.n; i++)
				if (g.v[i].n > TM_GRID_MAX_COLS)
					abort();
			tm_grid_release(&g);
		}
		break;
	case 2:
		if (tm_grid_read_ods(d, n, &o, &g, &err) == TM_OK) {
			for (size_t i = 0; i < g.n; i++)
				if (g.v[i].n > TM_GRID_MAX_COLS)
					abort();
			tm_grid_release(&g);
		}
		break;
	default:
		if (tm_inventory_parse(d, n, TM_INV_CSV, NULL, &inv, &err) == TM_OK)
			tm_inventory_release(&inv);
	}
	(void)tm_grid_sniff(d, n);
	return 0;
}
