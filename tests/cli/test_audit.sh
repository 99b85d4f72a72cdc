# tiemap audit: each sample inventory (one per input format) gives exactly
# the expected devices and warnings; registries, randomized MACs and bad input.
. "$(dirname "$0")/lib.sh"
DB="$TMP/demo.db"
demo_db "$DB" || { echo "not ok - seed import"; exit 0; }
AUD="$DATA/audit"

# Data-driven: FILE FORMAT, expected devices (FILE.expected.csv) and warning lines
while read -r file format warn_lines; do
	case "$file" in ''|'#'*) continue ;; esac
	run --db "$DB" audit --format csv "$AUD/$file"
	if [ "$RC" -eq 0 ] && cmp -s "$TMP/out" "$AUD/$file.expected.csv" && ! grep -q Sanitizer "$TMP/err"; then
		pass "audit $file ($format): exactly the expected devices"
	else
		diff "$AUD/$file.expected.csv" "$TMP/out" | sed 's/^/#   /' | head -20
		fail "audit $file ($format): exactly the expected devices"
	fi
	run --db "$DB" --json audit "$AUD/$file"
	got=$(json_get "d['summary']['format'] + ' ' + ','.join(str(w['line']) for w in d['warnings'])")
	if [ "$got" = "$format $warn_lines" ]; then
		pass "audit $file: detected as $format, warnings at lines $warn_lines"
	else
		fail "audit $file: format and warnings" "got '$got', wanted '$format $warn_lines'"
	fi
done <<'EOF'
# file            format   lines with warnings
devices.csv       csv      14,15,17
nmap.xml          nmap     43
ip-neigh.txt      neigh    10,11
arp-a.txt         arp      9,10
arp-windows.txt   arp      9
dnsmasq.leases    dnsmasq  6,7
dhcpd.leases      dhcpd    53,55
EOF

# the same file read as what --input-format says
run --db "$DB" --json audit --input-format neigh "$AUD/ip-neigh.txt"
got=$(json_get "d['summary']['devices']")
[ "$got" = "7" ] && pass "--input-format names the format" || fail "--input-format" "$got"

# what the report says of vendors, devices and evidence
run --db "$DB" --json audit "$AUD/devices.csv"
got=$(json_get "sorted((v['vendor'], (v['match'] or {}).get('id')) for v in d['vendors'] if v['flags'])")
[ "$got" = "[('Hangzhou Hikvision Digital Technology Co.,Ltd.', 'hikvision'), ('Zhejiang Dahua Technology Co., Ltd.', 'dahua')]" ] &&
	pass "Hikvision's and Dahua's registry names are matched and flagged" || fail "flagged vendors" "$got"
got=$(json_get "[(v['vendor'], v['match']) for v in d['vendors'] if 'Scale' in v['vendor'] or 'Prama' in v['vendor']]")
[ "$got" = "[('Shanghai Dahua Scale Factory', None), ('Prama Hikvision India Private Limited', None)]" ] &&
	pass "other companies with Dahua or Hikvision in their names are not matched" || fail "lookalike vendors" "$got"
got=$(json_get "[(f['category'], f['basis'], f['claims'][0]['sources'][0]['quote'][:20]) for v in d['vendors'] if (v['match'] or {}).get('id')=='hikvision' for f in v['flags']][0]")
[ "$got" = "('occupation_surveillance', 'direct', 'For example, Hikvisi')" ] &&
	pass "a vendor is flagged for its own involvement claim, with the claim's quotes" || fail "vendor evidence" "$got"
got=$(json_get "(d['summary']['devices_flagged'], d['summary']['randomized'], d['summary']['unknown'])")
[ "$got" = "(4, 2, 1)" ] && pass "the summary counts flagged, randomized and unknown devices" || fail "audit summary" "$got"
got=$(json_get "[x['prefix'] for x in d['devices'] if x['mac'].startswith('00:50:C2')]")
[ "$got" = "['00:50:C2:7D:5']" ] && pass "the longest registry prefix wins (IAB inside the IEEE's own MA-L)" || fail "longest prefix" "$got"

run --db "$DB" audit "$AUD/nmap.xml"
expect_out "the table lists flagged devices with IP, MAC and host name" "192.168.10.21  44:19:B6:12:34:56  cam-gate-1.campus.lan"
expect_out "and each vendor's flags as sentences" "Surveillance of Palestinians under occupation: direct (Hikvision's own involvement claim)"
expect_out "with the quotes of the claims" "“It is a known supplier of surveillance cameras for Israel"
run --db "$DB" audit --tags surveillance "$AUD/nmap.xml"
expect_rc "--tags is refused: tags are topics and never flag" 2

# a registry of our own
mkdir -p "$TMP/reg"
printf 'Registry,Assignment,Organization Name,Organization Address\nMA-L,A8FFFF,"Zhejiang Dahua Technology Co., Ltd.",Hangzhou\nbad line without enough fields\nMA-L,XYZ,Nobody,\n' > "$TMP/reg/oui.csv"
run --db "$DB" --json audit --registry "$TMP/reg" "$AUD/devices.csv"
got=$(json_get "[(x['mac'], x['match_id']) for x in d['devices'] if x['status']=='registered']")
[ "$got" = "[('A8:FF:FF:00:11:22', 'dahua')]" ] && pass "--registry DIR reads another registry (bad lines skipped)" || fail "--registry" "$got"
run --db "$DB" audit --registry "$TMP/nowhere" "$AUD/devices.csv"
expect_rc "a registry directory without registries fails" 1
expect_err "and says what it looked for" "no IEEE registry"

# input that is not an inventory
printf '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n<nmaprun>&b;</nmaprun>\n' > "$TMP/bomb.xml"
run --db "$DB" audit "$TMP/bomb.xml"
expect_rc "XML declaring entities is refused" 1
expect_err "with a reason" "declares entities"
printf '<?xml version="1.0"?>\n<svg></svg>\n' > "$TMP/svg.xml"
run --db "$DB" audit "$TMP/svg.xml"
expect_rc "XML that is not nmap's fails" 1
printf 'name,ip\nfoo,1.2.3.4\n' > "$TMP/nomac.csv"
run --db "$DB" audit "$TMP/nomac.csv"
expect_rc "a CSV without a MAC column fails" 1
expect_err "and suggests --mac-col" "--mac-col"
printf 'name,hw\nfoo,44:19:b6:00:00:01\n' > "$TMP/hw.csv"
run --db "$DB" --json audit --mac-col hw "$TMP/hw.csv"
got=$(json_get "d['devices'][0]['match_id']")
[ "$got" = "hikvision" ] && pass "--mac-col names the MAC column" || fail "--mac-col" "$got"
head -c 3000 /dev/urandom > "$TMP/noise.bin"
run --db "$DB" audit --input-format neigh "$TMP/noise.bin"
expect_rc "random bytes as ip neigh: no device, so no success" 1
expect_err "and it says so" "no device could be read"
run --db "$DB" audit --input-format dhcpd "$TMP/noise.bin"
expect_rc "random bytes as a lease file: no device, so no success (and no crash)" 1
run --db "$DB" audit "$TMP/noise.bin"
expect_rc "random bytes, format detected: refused" 1
expect_err "as binary data, named" "this is binary data, not a device inventory"
printf '{"devices":[{"mac":"44:19:b6:00:00:01"}]}\n' > "$TMP/inv.json"
run --db "$DB" audit "$TMP/inv.json"
expect_rc "JSON given to audit is refused" 1
expect_err "naming what it is" "this is JSON, not a device inventory"

# ---- leases: state and end; dhcpd6 DUIDs; ended leases apart ----
cat > "$TMP/v6.leases" <<'LEASES'
server-duid "\000\001\000\001\035f\037-N\316\347\374,\226";

ia-na "\001\000\000\000\000\001\000\001\034\367\020\245D\031\266\001\002\003" {
  cltt 3 2016/01/06 14:50:34;
  iaaddr 2001:db8::106 {
    binding state active;
    ends 3 2016/01/06 15:04:58;
  }
}
ia-na "\002\000\000\000\000\003\000\001\010\355\355\001\002\003" {
  iaaddr 2001:db8::107 {
    binding state free;
    ends epoch 1452092698; # a free lease: ended
  }
}
ia-na "\003\000\000\000\000\002\000\000\000\011abc" {
  iaaddr 2001:db8::108 { binding state active; }
}
LEASES
run --db "$DB" --json audit "$TMP/v6.leases"
got=$(json_get "[(x['ip'], x['mac'], x.get('mac_from'), x['lease'], x['match_id']) for x in d['devices']]")
[ "$got" = "[('2001:db8::106', '44:19:B6:01:02:03', 'DUID-LLT', 'active', 'hikvision')]" ] &&
	pass "dhcpd6: the MAC from a DUID-LLT, the lease active, the vendor matched" || fail "dhcpd6 DUID-LLT" "$got"
got=$(json_get "[(x['ip'], x['mac'], x.get('mac_from'), x['lease'], x['lease_ends']) for x in d['expired']]")
[ "$got" = "[('2001:db8::107', '08:ED:ED:01:02:03', 'DUID-LL', 'free', '2016-01-06 15:04:58 UTC')]" ] &&
	pass "dhcpd6: a DUID-LL lease in binding state free is listed apart, with its end" || fail "dhcpd6 free" "$got"
got=$(json_get "(d['summary']['live_leases'], d['summary']['expired_leases'], d['summary']['entries_without_mac'])")
[ "$got" = "(1, 1, 1)" ] && pass "the summary counts live and ended leases, and the DUID-EN without a MAC" ||
	fail "lease counts" "$got"
run --db "$DB" audit "$TMP/v6.leases"
expect_out "the table says where IPv6 MACs come from" "of DHCPv6 (IPv6), the MAC read from the client's DUID"
expect_out "and lists ended leases apart" "Ended leases"

# ---- locally administered: virtual interfaces apart from randomized clients ----
printf 'mac,ip,host\n02:42:ac:11:00:02,172.17.0.2,web\n52:54:00:12:34:56,192.168.122.5,vm\nda:a1:19:5e:6f:70,10.0.0.9,phone\n' > "$TMP/laa.csv"
run --db "$DB" --json audit "$TMP/laa.csv"
got=$(json_get "[(x['status'], x.get('virtual','')[:12]) for x in d['devices']]")
[ "$got" = "[('virtual', 'Docker conta'), ('virtual', 'QEMU/KVM vir'), ('randomized', '')]" ] &&
	pass "Docker's 02:42 and QEMU's 52:54:00 are virtual interfaces; another local address is randomized" ||
	fail "virtual vs randomized" "$got"

# ---- nmap's vendor where the registry has none ----
mkdir -p "$TMP/reg"
printf 'Registry,Assignment,Organization Name,Organization Address\nMA-L,4419B6,"Hangzhou Hikvision Digital Technology Co.,Ltd.",x\n' > "$TMP/reg/oui.csv"
cat > "$TMP/vendor.xml" <<'XML'
<?xml version="1.0"?>
<nmaprun><host><address addr="10.0.0.2" addrtype="ipv4"/><address addr="08:ED:ED:AA:BB:CC" addrtype="mac" vendor="Zhejiang Dahua Technology"/></host>
<host><address addr="10.0.0.3" addrtype="ipv4"/><address addr="44:19:B6:AA:BB:CC" addrtype="mac" vendor="Hikvision"/></host></nmaprun>
XML
run --db "$DB" --json audit --registry "$TMP/reg" "$TMP/vendor.xml"
got=$(json_get "[(x['vendor'], x.get('registry'), x['match_id']) for x in d['devices']]")
[ "$got" = "[('Zhejiang Dahua Technology', 'nmap', 'dahua'), ('Hangzhou Hikvision Digital Technology Co.,Ltd.', 'MA-L', 'hikvision')]" ] &&
	pass "nmap's vendor is shown (and screened) where the registry has no block; the registry's wins where it has one" ||
	fail "nmap vendor" "$got"

# ---- the real files people have (../shared/realdata), when they are there ----
REAL="$(cd "$DATA/../.." && pwd)/../shared/realdata"
if [ -d "$REAL/isc-dhcp-leases" ]; then
	run --db "$DB" --json audit "$REAL/isc-dhcp-leases/"
	got=$(json_get "(sorted(x['mac_from'] for x in d['devices'] if x.get('mac_from')), d['summary']['expired_leases'] > 0, all(x['lease'] != 'active' for x in d['expired']), all(':' in x['ip'] for x in d['devices'] if x.get('mac_from')))")
	[ "$RC" -eq 0 ] && [ "$got" = "(['DUID-LLT', 'DUID-LLT', 'DUID-LLT'], True, True, True)" ] &&
		pass "realdata isc-dhcp-leases/: the IPv6 devices by their DUIDs, and the ended leases apart" ||
		fail "realdata isc-dhcp-leases" "rc=$RC $got"
else
	echo "# skip: realdata isc-dhcp-leases: ../shared/realdata is not here"
fi
if [ -d "$REAL/libnmap" ]; then
	run --db "$DB" --json audit "$REAL/libnmap/"
	got=$(json_get "[(x['mac'], x['status'], x.get('virtual','')[:6]) for x in d['devices'] if x['mac'].startswith('02:42')]")
	[ "$RC" -eq 0 ] && [ "$got" = "[('02:42:AC:1C:01:03', 'virtual', 'Docker')]" ] &&
		pass "realdata libnmap/: the Docker container's MAC is a virtual interface, not a randomized client" ||
		fail "realdata libnmap" "rc=$RC $got"
else
	echo "# skip: realdata libnmap: ../shared/realdata is not here"
fi
