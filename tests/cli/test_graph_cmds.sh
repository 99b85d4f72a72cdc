# show, path, owners, neighbors, check and the tour on the seed data.
. "$(dirname "$0")/lib.sh"
DB="$TMP/demo.db"
demo_db "$DB" || { echo "not ok - seed import"; exit 0; }

run --db "$DB" --json owners hikvision
c=$(json_get "any(ch['entities'][-1]=='cetc' or 'cetc' in ch['entities'] for ch in d['chains'])")
[ "$RC" -eq 0 ] && [ "$c" = "True" ] && pass "owners hikvision reaches CETC" || fail "owners hikvision reaches CETC"
c=$(json_get "all(ch['entities'][0]=='hikvision' for ch in d['chains']) and len(d['chains'])>0")
[ "$c" = "True" ] && pass "owners chains start at the entity" || fail "owners chains start at the entity"

run --db "$DB" --json path hikvision wolf-pack
c=$(json_get "len(d['paths'])>0 and all(e['sources'] and any(s.get('url') for s in e['sources']) for p in d['paths'] for e in p['edges'])")
[ "$RC" -eq 0 ] && [ "$c" = "True" ] && pass "path connects hikvision and wolf-pack, every edge with a source that has a URL" \
	|| fail "path connects hikvision and wolf-pack, every edge with a source that has a URL"
c=$(json_get "d['paths'][0]['edges'][0]['from']=='hikvision' and d['paths'][0]['edges'][-1]['to']=='wolf-pack'")
[ "$c" = "True" ] && pass "path edges run from A to B" || fail "path edges run from A to B"

run --db "$DB" path "Hikvision" "狼群"
expect_out "path accepts names in any script" "Path 1"

run --db "$DB" path hikvision wolf-pack --max-hops 1
expect_rc "path with too few hops finds nothing and exits 1" 1

run --db "$DB" path hikvision wolf-pack --via owns
expect_rc "path --via owns alone cannot reach wolf-pack" 1

run --db "$DB" path hikvision no-such-entity-xyz
expect_rc "path with an unknown entity exits 1" 1
expect_err "path with an unknown entity says so" "no entity matches"

run --db "$DB" --json show hikvision
c=$(json_get "d['id']=='hikvision' and any(r['predicate']=='owns' and r['direction']=='in' and r['subject']=='cetc' for r in d['relations'])")
[ "$RC" -eq 0 ] && [ "$c" = "True" ] && pass "show --json lists relations both ways (owned by cetc)" || fail "show --json lists relations both ways"
c=$(json_get "all(r['sources'] for r in d['relations'])")
[ "$c" = "True" ] && pass "show --json gives every relation its sources" || fail "show --json gives every relation its sources"

run --db "$DB" show 海康威视
expect_out "show accepts a Chinese name and prints the inverse label" "owned by"

run --db "$DB" --json neighbors hikvision --depth 1
c=$(json_get "d['nodes'][0]['id']=='hikvision' and any(n['id']=='cetc' for n in d['nodes'])")
[ "$RC" -eq 0 ] && [ "$c" = "True" ] && pass "neighbors --depth 1 of hikvision includes cetc" || fail "neighbors --depth 1 of hikvision includes cetc"

run --db "$DB" check
expect_rc "check on the demo database finds no unsourced claim" 0
expect_out "check reports zero unsourced claims" "0 unsourced claims"

run --db "$DB" tour
expect_out "tour prints a path to the Wolf Pack" "Wolf Pack"

run --db "$DB" stats
expect_out "stats counts entities" "entities"

# the graph snapshot beside the database: written by the first graph command, mapped by the next
[ -s "$DB.graph" ] && pass "a graph command leaves a snapshot beside the database" \
	|| fail "a graph command leaves a snapshot beside the database"
run --db "$DB" path hikvision wolf-pack
expect_out "path through the mapped snapshot" "Path 1"
# damaged inside (the header intact, so it maps): each command answers or says the snapshot is
# damaged; none crashes or reads outside the file
python3 - "$DB.graph" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
for i in range(256, len(b), 97):
    b[i] = 0xff
open(sys.argv[1], "wb").write(b)
PY
for cmd in "path hikvision wolf-pack" "owners hikvision" "neighbors hikvision --depth 2" "--json path hikvision wolf-pack"; do
	# shellcheck disable=SC2086
	run --db "$DB" $cmd
	if [ "$RC" -le 1 ] && ! grep -q Sanitizer "$TMP/err" && { [ "$RC" -eq 0 ] || grep -q "is damaged" "$TMP/err" \
		|| grep -q "no path" "$TMP/out"; }; then
		pass "$cmd on a damaged snapshot answers or says it is damaged"
	else fail "$cmd on a damaged snapshot answers or says it is damaged" "exit $RC"; fi
done
rm -f "$DB.graph"
run --db "$DB" path hikvision wolf-pack
expect_out "without the snapshot the graph is built again" "Path 1"

# ambiguity: two entities sharing a name
cat > "$TMP/amb.jsonl" <<'J'
{"type":"source","id":"s1","title":"T"}
{"type":"entity","id":"acme-1","kind":"company","names":[{"text":"Acme","lang":"en"}],"sources":["s1"]}
{"type":"entity","id":"acme-2","kind":"company","names":[{"text":"Acme","lang":"en"}],"sources":["s1"]}
J
run --db "$TMP/amb.db" --quiet import "$TMP/amb.jsonl"
run --db "$TMP/amb.db" show Acme
if [ "$RC" -eq 2 ] && grep -q "acme-1" "$TMP/err" && grep -q "acme-2" "$TMP/err"; then
	pass "an ambiguous name lists the candidates and exits 2"
else fail "an ambiguous name lists the candidates and exits 2"; fi
run --db "$TMP/amb.db" check
expect_out "check reports entities sharing a match key" "duplicate_key"

run --db "$TMP/none.db" search x
expect_rc "a missing database is an error, not created by a query" 1
[ ! -e "$TMP/none.db" ] && pass "a query does not create a database" || fail "a query does not create a database"

run help path
expect_out "help CMD explains a command" "--max-hops"
run frobnicate
expect_rc "an unknown command exits 2" 2
