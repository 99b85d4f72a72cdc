# The importer: all or nothing, every error kind named with FILE:LINE, idempotent, round trip.
. "$(dirname "$0")/lib.sh"
IMP="$DATA/import"

# Every error kind: a base database with a, b and s1, then one bad line each.
BASE="$TMP/base.db"
run --db "$BASE" --quiet import "$IMP/good.jsonl"
expect_rc "import of a good file succeeds" 0
while IFS='|' read -r name line reason; do
	case "$name" in ''|'#'*) continue ;; esac
	cp "$BASE" "$TMP/case.db"
	printf '%s\n' "$line" > "$TMP/case.jsonl"
	run --db "$TMP/case.db" import "$TMP/case.jsonl"
	if [ "$RC" -eq 1 ] && grep -qF "$TMP/case.jsonl:1: " "$TMP/err" && grep -qF -- "$reason" "$TMP/err" &&
	   cmp -s "$BASE" "$TMP/case.db" && ! grep -q Sanitizer "$TMP/err"; then
		pass "import rejects: $name (FILE:LINE, reason, database unchanged)"
	else
		fail "import rejects: $name" "rc=$RC, wanted '$reason'"
	fi
done < "$IMP/errors.txt"

# invalid UTF-8 and a NUL byte, which cannot live in errors.txt
printf '{"type":"source","id":"s9","title":"caf\351"}\n' > "$TMP/latin1.jsonl"
cp "$BASE" "$TMP/case.db"
run --db "$TMP/case.db" import "$TMP/latin1.jsonl"
if [ "$RC" -eq 1 ] && grep -qF "latin1.jsonl:1: invalid UTF-8" "$TMP/err" && cmp -s "$BASE" "$TMP/case.db"; then
	pass "import rejects invalid UTF-8 with FILE:LINE"
else fail "import rejects invalid UTF-8 with FILE:LINE"; fi

# redefinition with different content within one import
printf '%s\n%s\n' '{"type":"source","id":"s9","title":"One"}' '{"type":"source","id":"s9","title":"Two"}' > "$TMP/redef.jsonl"
cp "$BASE" "$TMP/case.db"
run --db "$TMP/case.db" import "$TMP/redef.jsonl"
if [ "$RC" -eq 1 ] && grep -qF "redef.jsonl:2: id 's9' redefined with different content (first at" "$TMP/err" && cmp -s "$BASE" "$TMP/case.db"; then
	pass "import rejects an id redefined with different content"
else fail "import rejects an id redefined with different content"; fi

# an exact repeat is fine
printf '%s\n%s\n' '{"type":"source","id":"s9","title":"One"}' '{"type":"source","id":"s9","title":"One"}' > "$TMP/repeat.jsonl"
run --db "$TMP/case.db" --quiet import "$TMP/repeat.jsonl"
expect_rc "import accepts an exact repeat of a record" 0

# one good and one bad line: the database is byte-for-byte unchanged and the bad line is named
cp "$BASE" "$TMP/case.db"
run --db "$TMP/case.db" import "$IMP/one-good-one-bad.jsonl"
if [ "$RC" -eq 1 ] && grep -qF "one-good-one-bad.jsonl:3: unknown kind 'spaceship'" "$TMP/err" &&
   ! grep -qF "one-good-one-bad.jsonl:2" "$TMP/err" && cmp -s "$BASE" "$TMP/case.db"; then
	pass "one good and one bad line: database byte-for-byte unchanged, bad line named"
else fail "one good and one bad line: database byte-for-byte unchanged, bad line named"; fi

# a large file whose last line is bad (records are written as they are read,
# so this is the rollback of everything before it): nothing changes, into a
# database with data and into an empty one (where the import drops indexes
# to build them at the end), and the line is named
"$TIEMAP" gen --entities 1500 --seed 7 > "$TMP/big.jsonl"
n=$(wc -l < "$TMP/big.jsonl")
printf '%s\n' '{"type":"entity","id":"late","kind":"spaceship","names":[{"text":"Late","lang":"en"}],"sources":["s1"]}' >> "$TMP/big.jsonl"
cp "$BASE" "$TMP/case.db"
run --db "$TMP/case.db" import "$TMP/big.jsonl"
if [ "$RC" -eq 1 ] && grep -qF "big.jsonl:$((n + 1)): unknown kind 'spaceship'" "$TMP/err" && [ "$(grep -c . "$TMP/err")" -eq 2 ] &&
   cmp -s "$BASE" "$TMP/case.db"; then
	pass "a bad last line of $((n + 1)): database with data byte-for-byte unchanged"
else fail "a bad last line of $((n + 1)): database with data byte-for-byte unchanged"; fi
"$TIEMAP" --db "$TMP/empty.db" init >/dev/null 2>&1
cp "$TMP/empty.db" "$TMP/empty0.db"
run --db "$TMP/empty.db" import "$TMP/big.jsonl"
if [ "$RC" -eq 1 ] && grep -qF "big.jsonl:$((n + 1)): unknown kind 'spaceship'" "$TMP/err" && cmp -s "$TMP/empty0.db" "$TMP/empty.db"; then
	pass "a bad last line: empty database byte-for-byte unchanged"
else fail "a bad last line: empty database byte-for-byte unchanged"; fi

# the same in a second file, after a good first one
head -n "$n" "$TMP/big.jsonl" > "$TMP/big1.jsonl"
printf '%s\n' '{"type":"relation","subject":"a","predicate":"owns","object":"nobody","sources":["s1"]}' > "$TMP/big2.jsonl"
run --db "$TMP/empty.db" import "$TMP/big1.jsonl" "$TMP/big2.jsonl"
if [ "$RC" -eq 1 ] && grep -qF "big2.jsonl:1: unknown entity 'nobody'" "$TMP/err" && cmp -s "$TMP/empty0.db" "$TMP/empty.db"; then
	pass "a bad line in the second file: nothing of the first is written"
else fail "a bad line in the second file: nothing of the first is written"; fi

# a record may refer to one further on: the file backwards (relations first,
# sources last) gives the same data, each table in the order of the file
"$TIEMAP" gen --entities 300 --seed 3 > "$TMP/fwd.jsonl"
tac "$TMP/fwd.jsonl" > "$TMP/rev.jsonl"
run --db "$TMP/fwd.db" --quiet import "$TMP/fwd.jsonl"
run --db "$TMP/rev.db" --quiet import "$TMP/rev.jsonl"
"$TIEMAP" --db "$TMP/fwd.db" export > "$TMP/fwd-out.jsonl"
"$TIEMAP" --db "$TMP/rev.db" export > "$TMP/rev-out.jsonl"
grep '^{"type":"entity"' "$TMP/rev.jsonl" | sed 's/^{"type":"entity","id":"\([^"]*\)".*/\1/' > "$TMP/rev-ids"
sqlite3 "$TMP/rev.db" "select slug from entities order by id" > "$TMP/rev-rows"
if [ "$RC" -eq 0 ] && [ -s "$TMP/fwd-out.jsonl" ] && cmp -s "$TMP/fwd-out.jsonl" "$TMP/rev-out.jsonl" &&
   cmp -s "$TMP/rev-ids" "$TMP/rev-rows"; then
	pass "references forward: the file backwards imports the same data, in file order"
else fail "references forward: the file backwards imports the same data, in file order"; fi

# importing a large file again writes nothing at all: the file keeps its bytes
cp "$TMP/fwd.db" "$TMP/fwd0.db"
run --db "$TMP/fwd.db" --quiet import "$TMP/fwd.jsonl"
if [ "$RC" -eq 0 ] && cmp -s "$TMP/fwd0.db" "$TMP/fwd.db"; then pass "importing a file again leaves the database file byte-for-byte unchanged"
else fail "importing a file again leaves the database file byte-for-byte unchanged"; fi

# a repeat or a redefinition far from the first definition (written by then)
ent=$(grep '^{"type":"entity"' "$TMP/big1.jsonl" | sed -n 10p)
id=$(printf '%s' "$ent" | sed 's/^{"type":"entity","id":"\([^"]*\)".*/\1/')
first=$(grep -nF "$ent" "$TMP/big1.jsonl" | head -n 1 | cut -d: -f1)
rel=$(grep '^{"type":"relation"' "$TMP/big1.jsonl" | sed -n 10p)
{ cat "$TMP/big1.jsonl"; printf '%s\n%s\n' "$ent" "$rel"; } > "$TMP/again.jsonl"
rm -f "$TMP/again.db"
run --db "$TMP/again.db" --quiet import "$TMP/again.jsonl"
expect_rc "an exact repeat thousands of lines on is accepted" 0
{ cat "$TMP/big1.jsonl"; printf '%s\n' "$ent" | sed 's/"text":"/"text":"X/'; } > "$TMP/redef2.jsonl"
rm -f "$TMP/redef2.db"
run --db "$TMP/redef2.db" import "$TMP/redef2.jsonl"
if [ "$RC" -eq 1 ] && grep -qF "redef2.jsonl:$((n + 1)): id '$id' redefined with different content (first at $TMP/redef2.jsonl:$first)" "$TMP/err"; then
	pass "a redefinition thousands of lines on names the first"
else fail "a redefinition thousands of lines on names the first" "entity $id first at $first"; fi

# several bad lines are all listed
printf '%s\n%s\n%s\n' '{"type":"x"}' '{"type":"source","id":"ok","title":"fine"}' 'nonsense' > "$TMP/multi.jsonl"
run --db "$TMP/case.db" import "$TMP/multi.jsonl"
if [ "$RC" -eq 1 ] && grep -qF "multi.jsonl:1:" "$TMP/err" && grep -qF "multi.jsonl:3:" "$TMP/err"; then
	pass "every bad line is listed"
else fail "every bad line is listed"; fi

# --allow-unsourced marks the claim and check lists it
printf '%s\n' '{"type":"entity","id":"u","kind":"ngo","names":[{"text":"Unsourced Org","lang":"en"}]}' > "$TMP/unsourced.jsonl"
cp "$BASE" "$TMP/case.db"
run --db "$TMP/case.db" --quiet import --allow-unsourced "$TMP/unsourced.jsonl"
expect_rc "import --allow-unsourced accepts a claim without citation" 0
run --db "$TMP/case.db" check
if [ "$RC" -eq 1 ] && grep -q "unsourced_entity *u:" "$TMP/out"; then pass "check lists the unsourced claim and exits 1"
else fail "check lists the unsourced claim and exits 1"; fi

# idempotence: the same file twice changes nothing
DB="$TMP/demo.db"
demo_db "$DB"
"$TIEMAP" --db "$DB" export > "$TMP/e1.jsonl"
run --db "$DB" --quiet import "$SEED"/*.jsonl
"$TIEMAP" --db "$DB" export > "$TMP/e2.jsonl"
v1=$(sqlite3 "$DB" "select value from meta where key='data_version'")
run --db "$DB" --quiet import "$SEED"/*.jsonl
v2=$(sqlite3 "$DB" "select value from meta where key='data_version'")
if cmp -s "$TMP/e1.jsonl" "$TMP/e2.jsonl" && [ "$v1" = "$v2" ]; then pass "importing the same files twice changes nothing"
else fail "importing the same files twice changes nothing" "data_version $v1 -> $v2"; fi

# round trip: export, import into a fresh database, export again: identical
run --db "$TMP/fresh.db" --quiet import "$TMP/e1.jsonl"
"$TIEMAP" --db "$TMP/fresh.db" export > "$TMP/e3.jsonl"
if [ -s "$TMP/e1.jsonl" ] && cmp -s "$TMP/e1.jsonl" "$TMP/e3.jsonl"; then pass "export round-trips byte for byte"
else fail "export round-trips byte for byte"; fi
n=$(grep -c . "$TMP/e1.jsonl")
m=$(cat "$SEED"/*.jsonl | grep -c .)
[ "$n" -eq "$m" ] && pass "export holds every seed record ($n)" || fail "export holds every seed record" "$n vs $m"

# csv and dot
run --db "$DB" export --format csv --output "$TMP/csv"
if [ "$RC" -eq 0 ] && [ -s "$TMP/csv/entities.csv" ] && [ -s "$TMP/csv/relations.csv" ] && [ -s "$TMP/csv/sources.csv" ] &&
   /usr/bin/python3 -c "import csv,sys; r=list(csv.DictReader(open('$TMP/csv/entities.csv', newline=''))); sys.exit(0 if any(x['id']=='hikvision' and x['name_zh']=='海康威视' for x in r) else 1)"; then
	pass "export --format csv writes one parseable file per record type"
else fail "export --format csv writes one parseable file per record type"; fi
# spreadsheet formulas in names, notes and titles come out as text
cat > "$TMP/formula.jsonl" <<'JL'
{"type":"source","id":"f-src","title":"=HYPERLINK(\"http://example.invalid\",\"x\")","note":"@SUM(A1:A9)"}
{"type":"entity","id":"f-ent","kind":"company","names":[{"text":"+cmd|' /C calc'!A0","lang":"en","primary":true},{"text":"-2+3","lang":"zh"}],"description":{"en":"\tTAB"},"sources":["f-src"]}
{"type":"relation","subject":"f-ent","predicate":"supplies","object":"f-ent","note":"=1+1","sources":["f-src"]}
JL
run --db "$TMP/formula.db" --quiet import "$TMP/formula.jsonl"
run --db "$TMP/formula.db" export --format csv --output "$TMP/fcsv"
if [ "$RC" -eq 0 ] && /usr/bin/python3 - "$TMP/fcsv" <<'PY'
import csv, sys
d = sys.argv[1]
cells = [c for f in ("sources.csv", "entities.csv", "relations.csv")
         for row in csv.reader(open(d + "/" + f, newline="")) for c in row]
bad = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
want = {"'=HYPERLINK(\"http://example.invalid\",\"x\")", "'@SUM(A1:A9)", "'=1+1", "'\tTAB"}
sys.exit(1 if bad or not want <= set(cells) else 0)
PY
then pass "export --format csv puts an apostrophe before cells a spreadsheet would run (= + - @ tab CR)"
else fail "export --format csv puts an apostrophe before cells a spreadsheet would run (= + - @ tab CR)"; fi
# bidirectional controls: refused in URLs and ids, isolated in what is written
printf '{"type":"source","id":"bidi-url","title":"x","url":"https://\342\200\256moc.live"}\n' > "$TMP/bidi-url.jsonl"
run --db "$TMP/bidi.db" import "$TMP/bidi-url.jsonl"
expect_rc "a source URL whose host starts with U+202E is refused" 1
expect_err "the refusal says why" "bidirectional characters"
printf '{"type":"source","id":"bidi-\342\200\256x","title":"x"}\n' > "$TMP/bidi-id.jsonl"
run --db "$TMP/bidi.db" import "$TMP/bidi-id.jsonl"
expect_rc "an id holding U+202E is refused" 1
run --db "$DB" export --format dot --output "$TMP/g.dot"
if [ "$RC" -eq 0 ] && dot -Tsvg "$TMP/g.dot" -o "$TMP/g.svg" 2>/dev/null && grep -q 'hikvision' "$TMP/g.svg"; then
	pass "export --format dot is valid Graphviz"
else fail "export --format dot is valid Graphviz"; fi

# reading from stdin, and a missing file
"$TIEMAP" --db "$TMP/stdin.db" --quiet import - < "$IMP/good.jsonl" >"$TMP/out" 2>"$TMP/err"; RC=$?
expect_rc "import - reads standard input" 0
run --db "$TMP/x.db" import "$TMP/does-not-exist.jsonl"
expect_err "import of a missing file names it" "does-not-exist.jsonl:0: unable to open"
