# tiemap check's likely duplicates and tiemap merge KEEP GONE (docs/editing.md,
# "Merging"): check lists a pair with one identifier and a pair with one name
# in one country (not a homophone, not another country); the merge moves
# names, identifiers, ties and involvement claims (one landing on an existing
# one is merged with its citations) and sites, and the old id then names the kept entity in show,
# path, owners, neighbors and screening; bad arguments change nothing; one
# revert of the merge gives back the database as it was, byte for byte.
. "$(dirname "$0")/lib.sh"
DB="$TMP/m.db"
demo_db "$DB" || { echo "not ok - seed import"; exit 0; }
run --db "$DB" import "$DATA/merge/duplicates.jsonl"
expect_rc "import the duplicates fixture" 0

# ---- check ----
run --db "$DB" check
expect_out "check lists a pair with the same identifier" "likely_duplicate     hik-dup hik-listed: same ticker 002415"
expect_out "check lists a pair with the same name in one country" "likely_duplicate     hik-dup hikvision: same name 'hangzhouhikvisiondigitaltechnology' (CN company)"
expect_out "check counts them in its summary" "2 likely duplicates"
grep likely_duplicate "$TMP/out" | grep -q "haikang-homophone\|hikvision-us" &&
	fail "a homophone (海抗威视) or a namesake in another country is no likely duplicate" ||
	pass "a homophone (海抗威视) or a namesake in another country is no likely duplicate"
run --db "$DB" --json check
got=$(json_get "d['summary']['likely_duplicate'], sorted(f['id'] for f in d['findings'] if f['check']=='likely_duplicate')")
[ "$got" = "2 ['hik-dup hik-listed', 'hik-dup hikvision']" ] && pass "check --json has the pairs" || fail "check --json has the pairs" "$got"

# ---- before: the duplicate is its own entity ----
printf 'Name\nDuplicate Demo Camera Works\n' >"$TMP/list.csv"
run --db "$DB" --json screen "$TMP/list.csv"
got=$(json_get "d['rows'][0]['match']['id']")
[ "$got" = "hik-dup" ] && pass "before the merge, screening finds the duplicate" || fail "screening before the merge" "$got"
run --db "$DB" export -o "$TMP/before.jsonl"

# ---- bad input changes nothing ----
bad() { # NAME WANT-IN-STDERR ARGS...
	name=$1 want=$2
	shift 2
	run --db "$DB" merge "$@"
	if [ "$RC" -ne 0 ] && grep -qF -- "$want" "$TMP/err" && ! grep -q Sanitizer "$TMP/err"; then pass "$name"; else fail "$name" "exit $RC, wanted '$want'"; fi
}
bad "an unknown KEEP is refused" "no entity 'nope'" nope hik-dup
bad "an unknown GONE is refused" "no entity 'nope'" hikvision nope
bad "KEEP == GONE is refused" "cannot merge 'hikvision' into itself" hikvision hikvision
bad "a tie between the two is refused (no self-loop)" "'cetc' and 'hikvision' are tied ('cetc owns hikvision')" cetc hikvision
bad "a GONE that is no id is refused" "is not an entity id" hikvision "Hik Dup"
bad "an empty id is refused" "'' is not an entity id" "" hik-dup
bad "an id that is an option is refused" "is not an entity id" hikvision -- -x
bad "a 100 kB argument is refused" "is not an entity id" hikvision "$(head -c 100000 /dev/zero | tr '\0' a)X"
bad "a summary of two lines is refused" "one line" --summary "$(printf 'a\nb')" hikvision hik-dup
long=$(head -c 5000 /dev/zero | tr '\0' a)
for hostile in "a'; DROP TABLE entities;--" "../../etc/passwd" "海康威视" "hik dup" "HIKVISION" "$(printf 'hik\001dup')" \
	"$(printf 'hik\342\200\256dup')" "$(printf '\377\376')" "%s%s%n" "$long"; do
	[ -n "${bad_hostile:-}" ] && break
	run --db "$DB" merge hikvision "$hostile"
	run2=$RC
	run --db "$DB" merge "$hostile" hikvision
	if [ "$run2" -eq 1 ] && [ "$RC" -eq 1 ] && ! grep -q Sanitizer "$TMP/err" && grep -q "^tiemap: " "$TMP/err"; then :; else
		bad_hostile=$(printf '%.40s' "$hostile")
	fi
done
[ -n "${bad_hostile:-}" ] && fail "a hostile id is refused with a message" "$bad_hostile: exit $run2/$RC" ||
	pass "ten hostile ids (SQL, paths, Han, spaces, capitals, control and bidi characters, bad UTF-8, formats, 5 kB) are refused either way"
run --db "$DB" merge hikvision
expect_rc "one argument is a usage error" 2
run --db "$DB" export -o "$TMP/still.jsonl"
cmp -s "$TMP/before.jsonl" "$TMP/still.jsonl" && pass "refused merges changed nothing" || fail "refused merges changed nothing"

# ---- the merge ----
run --db "$DB" merge hikvision hik-dup
expect_out "merge hikvision hik-dup" "merged 'hik-dup' into 'hikvision'"
REV=$(sed -n 's/.*undo: tiemap revert \([0-9]*\)).*/\1/p' "$TMP/out")
run --db "$DB" --json show hikvision
got=$(json_get "('Duplicate Demo Camera Works' in [n['text'] for n in d['names']], {'scheme':'ticker','value':'002415'} in d.get('identifiers',[]), d['referents'])")
[ "$got" = "(True, True, ['hik-dup'])" ] && pass "the kept entity has the names, identifiers and the merged id" || fail "kept entity" "$got"
got=$(json_get "[n['text'] for n in d['names'] if n.get('primary')]")
[ "$got" = "['Hikvision', '海康威视', '海康威視']" ] && pass "… and keeps its own primary names" || fail "primary names" "$got"
got=$(json_get "sorted((r['predicate'], r['other']['id'], [c['id'] for c in r['sources']]) for r in d['relations'] if r['other']['id'] in ('cetc','psan'))")
[ "$got" = "[('owns', 'cetc', ['psan-2024', 'psan-2024-essf']), ('supplies', 'psan', ['psan-2024'])]" ] &&
	pass "ties moved; the tie that became a duplicate is one, with both citations" || fail "ties" "$got"
run --db "$DB" export
grep -q '"id":"hik-dup-office","entity":"hikvision"' "$TMP/out" && pass "the site moved to the kept entity" || fail "site moved"
grep '"type":"involvement","entity":"hikvision","category":"xinjiang_surveillance"' "$TMP/out" | grep -q '"source":"psan-2024-essf","quote":"Hikvision"' &&
	pass "an involvement claim the kept entity had already takes the merged one's citations" || fail "involvement merged"
grep -q '"type":"involvement","entity":"hikvision","category":"occupation_surveillance","start":"2023"' "$TMP/out" &&
	pass "an involvement claim of the merged entity moves to the kept one" || fail "involvement moved"
grep -q '"entity":"hik-dup"' "$TMP/out" && fail "nothing names the merged id any more" || pass "nothing names the merged id any more"
grep -q '"id":"hik-dup",' "$TMP/out" && fail "the merged entity is gone from the export" || pass "the merged entity is gone from the export"

# ---- the old id keeps working ----
run --db "$DB" show hik-dup
expect_out "show GONE shows the kept entity" "Hikvision (hikvision)"
expect_err "… and says so" "'hik-dup' was merged into 'hikvision'"
run --db "$DB" --json path hik-dup cetc
got=$(json_get "d['from'], d['paths'][0]['edges'][0]['from']")
[ "$got" = "hikvision hikvision" ] && pass "path from GONE starts at the kept entity" || fail "path from GONE" "$got"
run --db "$DB" owners hik-dup
expect_out "owners of GONE are the kept entity's" "cetc"
run --db "$DB" neighbors hik-dup
expect_out "neighbors of GONE are the kept entity's" "psan"
run --db "$DB" --json screen "$TMP/list.csv"
got=$(json_get "d['rows'][0]['match']['id']")
[ "$got" = "hikvision" ] && pass "screening a name of GONE finds the kept entity" || fail "screening after the merge" "$got"
run --db "$DB" check
expect_out "check lists no pair with a merged id" "1 likely duplicates"
run --db "$DB" history hik-dup
expect_out "GONE's history has the merge" "merge hik-dup into hikvision"

# ---- merged ids: no chains ----
bad "merging GONE again is refused" "'hik-dup' was merged into 'hikvision' already" hikvision hik-dup
bad "merging into a merged id is refused (no chain)" "'hik-dup' was merged into 'hikvision': merge into 'hikvision'" hik-dup hik-listed
printf '{"type":"entity","id":"hik-dup","kind":"company","names":[{"text":"X","lang":"en"}],"sources":["psan-2024"]}\n' >"$TMP/clash.jsonl"
run --db "$DB" import "$TMP/clash.jsonl"
expect_rc "importing an entity with a merged id is refused" 1
expect_err "… naming the line" "clash.jsonl:1: id 'hik-dup' was merged into 'hikvision'"
printf '{"type":"entity","id":"zz","kind":"company","names":[{"text":"X","lang":"en"}],"referents":["cetc"],"sources":["psan-2024"]}\n' >"$TMP/clash2.jsonl"
run --db "$DB" import "$TMP/clash2.jsonl"
expect_err "a referent that is an entity is refused" "referent 'cetc' of 'zz' is an entity of its own"

# ---- export, import: the redirect survives ----
run --db "$DB" export --history -o "$TMP/h1.jsonl"
run --db "$TMP/copy.db" import "$TMP/h1.jsonl"
run --db "$TMP/copy.db" show hik-dup
expect_out "an export and import keeps the merged id" "Hikvision (hikvision)"

# ---- a petition names the entity: refused ----
run --db "$TMP/copy.db" import "$DATA/petition/petitions.jsonl"
if [ "$RC" -eq 0 ]; then
	run --db "$TMP/copy.db" merge hik-listed hikvision
	expect_err "merging away an entity a petition names is refused (petitions keep no history)" "is named by petition 'drop-hikvision'"
else
	fail "import the petition fixture" "exit $RC"
fi

# ---- revert ----
run --db "$DB" revert "$REV"
expect_out "revert the merge" "reverted revision $REV"
run --db "$DB" export -o "$TMP/after.jsonl"
cmp -s "$TMP/before.jsonl" "$TMP/after.jsonl" && pass "after the revert the data is as before the merge, byte for byte" ||
	fail "revert restores" "$(diff "$TMP/before.jsonl" "$TMP/after.jsonl" | head -5)"
run --db "$DB" show hik-dup
expect_out "GONE is its own entity again (the redirect is gone)" "(hik-dup)"
run --db "$DB" revert "$REV"
expect_rc "reverting the merge twice is refused" 2
