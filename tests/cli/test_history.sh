# tiemap history / revert / export --history (docs/editing.md): an import
# is one change whose revisions are the records it added or changed; a
# repeated import adds none; a revert is a change of its own and is refused
# when the record moved on; a bad history line changes nothing; export
# --history, import into a fresh database, export --history: the same bytes.
. "$(dirname "$0")/lib.sh"
DB="$TMP/h.db"
run --db "$DB" import --author "import (tester)" "$SEED"/*.jsonl
expect_rc "import the demo data" 0
run --db "$DB" --json history hikvision
expect_out "hikvision's history has the import's revision" '"via": "import"'
expect_out "… by the import's author" '"author": "import (tester)"'
expect_out "… which created it" '"what": "created"'
run --db "$DB" export --history
N1=$(grep -c '"type":"change"' "$TMP/out")
if [ "$N1" = 1 ]; then pass "one import is one change"; else fail "one import is one change" "$N1 changes"; fi
run --db "$DB" import "$SEED"/*.jsonl
run --db "$DB" export --history
N2=$(grep -c '"type":"change"' "$TMP/out")
if [ "$N2" = 1 ]; then pass "importing the same files again records nothing"; else fail "importing the same files again records nothing" "$N2 changes"; fi
REV=$("$TIEMAP" --db "$DB" --json history "cetc owns hikvision" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["revisions"][0]["revision"])')
run --db "$DB" revert "$REV"
expect_out "revert a tie's revision" "reverted revision $REV"
run --db "$DB" owners hikvision
if grep -q cetc "$TMP/out"; then fail "the reverted tie is gone from the owners chain"; else pass "the reverted tie is gone from the owners chain"; fi
run --db "$DB" revert "$REV"
expect_rc "reverting it again is refused" 2
expect_err "… because the record changed since" "has changed since revision $REV"
run --db "$DB" history "cetc owns hikvision"
expect_out "the tie's history lists the deletion" "deleted  cetc owns hikvision"
run --db "$DB" revert "$REV"
run --db "$DB" --json history "cetc owns hikvision"
LAST=$(json_get 'd["revisions"][0]["revision"]')
run --db "$DB" revert "$LAST"
expect_out "the revert itself can be reverted: the tie is back" "reverted revision $LAST"
run --db "$DB" owners hikvision
expect_out "… in the owners chain" "cetc"
# involvement claims (docs/format.md) go through history as entities and ties do
run --db "$DB" export --history
NI=$(grep -c '"type":"revision".*"record":"involvement"' "$TMP/out")
WANT=$(grep -c '"type":"involvement"' "$SEED/involvements.jsonl")
if [ "$NI" = "$WANT" ]; then pass "the import made a revision for each of its $WANT involvement claims"; else fail "the import made a revision for each involvement claim" "$NI of $WANT"; fi
run --db "$DB" --json history "hikvision occupation_surveillance"
expect_out "an involvement's key is 'entity category'" '"record": "involvement"'
expect_out "… created by the import" '"what": "created"'
REV=$(json_get 'd["revisions"][0]["revision"]')
run --db "$DB" revert "$REV"
expect_out "revert an involvement's revision" "reverted revision $REV"
run --db "$DB" --json show hikvision
CATS=$(json_get '" ".join(v["category"] for v in d["involvement"])')
case " $CATS " in
*" occupation_surveillance "*) fail "the reverted involvement claim is gone from the entity" "$CATS" ;;
*) pass "the reverted involvement claim is gone from the entity" ;;
esac
run --db "$DB" history --record involvement "hikvision occupation_surveillance"
expect_out "its history lists the deletion" "deleted  hikvision occupation_surveillance"
run --db "$DB" --json history "hikvision occupation_surveillance"
LAST=$(json_get 'd["revisions"][0]["revision"]')
run --db "$DB" revert "$LAST"
run --db "$DB" --json show hikvision
CATS=$(json_get '" ".join(v["category"] for v in d["involvement"])')
case " $CATS " in
*" occupation_surveillance "*) pass "reverting the deletion puts the claim back" ;;
*) fail "reverting the deletion puts the claim back" "$CATS" ;;
esac
run --db "$DB" export --history -o "$TMP/a.jsonl"
run --db "$TMP/b.db" import "$TMP/a.jsonl"
expect_rc "import an export with history into a fresh database" 0
run --db "$TMP/b.db" export --history -o "$TMP/b.jsonl"
if cmp -s "$TMP/a.jsonl" "$TMP/b.jsonl"; then pass "export --history → import → export --history: the same bytes"; else fail "export --history → import → export --history: the same bytes"; fi
printf '{"type":"revision","id":1,"change":1,"record":"entity","key":"x","before":{"type":"source"}}\n' >"$TMP/bad.jsonl"
run --db "$TMP/c.db" import "$TMP/bad.jsonl"
expect_rc "a revision whose state is of another type is refused" 1
expect_err "… naming the line" "bad.jsonl:1: 'before' must be null or a record of type 'entity'"
