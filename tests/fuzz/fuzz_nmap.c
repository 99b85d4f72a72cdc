/*
 * libFuzzer target: any bytes as `nmap -oX` XML, through expat with entity
 * declarations refused.  A crash, a leak or a sanitizer report fails.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tm_err err = { 0 };
	tm_inventory inv;
	if (tm_inventory_parse((const char *)data, size, TM_INV_NMAP, NULL, &inv, &err) == TM_OK) {
		for (size_t i = 0; i < inv.n; i++)
			if (!inv.v[i].ip || !inv.v[i].hostname || !inv.v[i].vendor)
				abort();
		tm_inventory_release(&inv);
	}
	/* and detection, which reads the start of anything */
	(void)tm_inv_detect((const char *)data, size);
	return 0;
}
