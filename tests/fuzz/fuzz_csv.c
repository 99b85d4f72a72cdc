/*
 * libFuzzer target: any bytes through the CSV reader (with a small field
 * cap, so that overlong fields are exercised too), then the same bytes as a
 * list to screen and as a device inventory with a MAC column.  A crash, a
 * leak or a sanitizer report fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/inventory.h"
#include "io/rows.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tm_err err = { 0 };
	/* the first byte picks the delimiter (or guessing) */
	static const char delims[] = { 0, ',', ';', '\t', '|' };
	tm_csv_opts o = { size ? delims[data[0] % 5] : 0, 64, 16 };
	tm_csv *csv;
	if (tm_csv_open_mem((const char *)data, size, &o, &csv, &err) == TM_OK) {
		tm_csv_rec r;
		size_t last = 0;
		while (tm_csv_next(csv, &r, &err) == TM_OK) {
			/* records come in order, and each field is NUL-terminated at its length */
			if (r.line < last)
				abort();
			last = r.line;
			for (size_t i = 0; i < r.n; i++)
				if (r.f[i][r.len[i]] != '\0' || r.len[i] > 64)
					abort();
			if (r.error && r.n)
				abort();
			(void)tm_csv_col(&r, "name");
		}
		tm_csv_free(csv);
	}
	tm_rows rows;
	if (tm_rows_load((const char *)data, size, NULL, 1000, &rows, &err) == TM_OK)
		tm_rows_release(&rows);
	tm_inventory inv;
	if (tm_inventory_parse((const char *)data, size, TM_INV_CSV, NULL, &inv, &err) == TM_OK)
		tm_inventory_release(&inv);
	tm_buf b = TM_BUF_INIT;
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	tm_buf_add_csv(&b, s, ',');
	free(s);
	tm_buf_release(&b);
	return 0;
}
