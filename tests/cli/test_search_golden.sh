# Search rankings against a golden file: many queries (Latin, Chinese,
# Traditional, pinyin, prefixes, identifiers, typos, odd input) over the
# seed data and over generated data, each with its whole ranked answer and
# scores, and what commands resolve names to.  A change to ranking shows as
# a diff here; when it is meant, write the file anew with
#   TIEMAP=./tiemap sh tests/cli/test_search_golden.sh --update
. "$(dirname "$0")/lib.sh"
GOLDEN="$DATA/search/golden.txt"
demo_db "$TMP/demo.db" || { echo "not ok - seed import"; exit 0; }
"$TIEMAP" gen --entities 3000 --seed 7 --out "$TMP/gen.jsonl" >/dev/null 2>"$TMP/err" &&
	"$TIEMAP" --db "$TMP/gen.db" --quiet import "$TMP/gen.jsonl" >/dev/null 2>>"$TMP/err" ||
	{ echo "not ok - generated data import"; cat "$TMP/err"; exit 0; }
/usr/bin/python3 "$(dirname "$0")/search_golden.py" "$TIEMAP" "$DATA/search/queries.txt" \
	demo="$TMP/demo.db" gen="$TMP/gen.db" >"$TMP/got" 2>"$TMP/err"
if [ "${1:-}" = "--update" ]; then
	cp "$TMP/got" "$GOLDEN"
	echo "# wrote $GOLDEN"
fi
if ! [ -s "$TMP/got" ] || grep -q 'Sanitizer' "$TMP/got" "$TMP/err"; then
	fail "search golden file ran" "$(head -n 5 "$TMP/err")"
elif diff -u "$GOLDEN" "$TMP/got" >"$TMP/out"; then
	pass "search rankings are byte-identical to tests/data/search/golden.txt ($(grep -c '^\[' "$GOLDEN") queries)"
else
	fail "search rankings are byte-identical to tests/data/search/golden.txt"
fi
