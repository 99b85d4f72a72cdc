/*
 * libFuzzer target: any bytes as the line-based inventories (dnsmasq and
 * ISC dhcpd lease files, `ip neigh`, `arp -a`, or detected), the first byte
 * choosing which, and the MAC address parser on the rest.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/ieee.h"
#include "io/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const tm_inv_format fmts[] = { TM_INV_DNSMASQ, TM_INV_DHCPD, TM_INV_NEIGH, TM_INV_ARP, TM_INV_AUTO };
	if (!size)
		return 0;
	tm_inv_format f = fmts[data[0] % 5];
	tm_err err = { 0 };
	tm_inventory inv;
	if (tm_inventory_parse((const char *)data + 1, size - 1, f, NULL, &inv, &err) == TM_OK) {
		/* a device is one MAC address: no two alike */
		for (size_t i = 0; i < inv.n && i < 64; i++)
			for (size_t j = i + 1; j < inv.n && j < 64; j++)
				if (memcmp(inv.v[i].mac, inv.v[j].mac, 6) == 0)
					abort();
		tm_inventory_release(&inv);
	}
	uint8_t mac[6];
	if (tm_mac_parse((const char *)data + 1, size - 1 < 64 ? size - 1 : 64, mac)) {
		char s[18];
		uint8_t again[6];
		tm_mac_format(mac, s);
		if (!tm_mac_parse(s, strlen(s), again) || memcmp(mac, again, 6) != 0)
			abort();
	}
	return 0;
}
