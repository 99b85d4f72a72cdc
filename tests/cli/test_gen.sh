# tiemap gen: the same seed gives the same bytes, the counts are as asked,
# and what it writes imports cleanly.
. "$(dirname "$0")/lib.sh"

run gen --entities 300 --seed 7 --out "$TMP/a.jsonl"
expect_rc "gen --entities 300 --seed 7 --out FILE succeeds" 0
run gen --entities 300 --seed 7
cp "$TMP/out" "$TMP/b.jsonl"
if [ "$RC" -eq 0 ] && cmp -s "$TMP/a.jsonl" "$TMP/b.jsonl"; then
	pass "gen with the same seed gives the same bytes (file and stdout)"
else fail "gen with the same seed gives the same bytes (file and stdout)"; fi

run gen --entities 300 --seed 8 --out "$TMP/c.jsonl"
if [ "$RC" -eq 0 ] && ! cmp -s "$TMP/a.jsonl" "$TMP/c.jsonl"; then
	pass "gen with another seed gives other data"
else fail "gen with another seed gives other data"; fi

ents=$(grep -c '"type":"entity"' "$TMP/a.jsonl")
rels=$(grep -c '"type":"relation"' "$TMP/a.jsonl")
srcs=$(grep -c '"type":"source"' "$TMP/a.jsonl")
if [ "$ents" -eq 300 ] && [ "$rels" -ge 900 ] && [ "$rels" -le 1500 ] && [ "$srcs" -eq 8 ]; then
	pass "gen writes the entities asked for and about 4 relations each ($ents entities, $rels relations)"
else fail "gen writes the entities asked for and about 4 relations each" "$srcs sources, $ents entities, $rels relations"; fi

if grep -q '"lang":"zh-Hans"' "$TMP/a.jsonl" && grep -q 'Co., Ltd.' "$TMP/a.jsonl" &&
   grep -q '有限公司' "$TMP/a.jsonl" && grep -q '"share":' "$TMP/a.jsonl" &&
   grep -q '"surveillance"' "$TMP/a.jsonl" && grep -q '"identifiers"' "$TMP/a.jsonl"; then
	pass "gen mixes English and Chinese names with legal forms, shares, tags and identifiers"
else fail "gen mixes English and Chinese names with legal forms, shares, tags and identifiers"; fi

run --db "$TMP/gen.db" --json import "$TMP/a.jsonl"
if [ "$RC" -eq 0 ] && [ "$(json_get "d['entities'], d['relations'], d['sources']")" = "300 $rels 8" ]; then
	pass "gen output imports cleanly, every record counted"
else fail "gen output imports cleanly, every record counted"; fi

run --db "$TMP/gen.db" check
if grep -q '^0 unsourced claims, 0 uncited sources, 0 isolated entities' "$TMP/out"; then
	pass "every generated claim is cited, every source used, no entity isolated"
else fail "every generated claim is cited, every source used, no entity isolated"; fi

run --db "$TMP/gen.db" --json stats
if [ "$RC" -eq 0 ] && [ "$(json_get "d['components']")" = 1 ]; then
	pass "the generated graph is one connected component"
else fail "the generated graph is one connected component"; fi

run gen --entities 0
expect_rc "gen --entities 0 is a usage error" 2
run gen --seed 3
expect_rc "gen without --entities is a usage error" 2
