#!/bin/sh
# Repository hygiene (issue 15): the root-folder lint catches stray files,
# and make's tier targets run their tier.
. "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"

mkdir -p "$TMP/clean/src" "$TMP/clean/tests" "$TMP/clean/.git"
touch "$TMP/clean/Makefile" "$TMP/clean/README.md" "$TMP/clean/tiemap"
"$ROOT/tests/lint-root" "$TMP/clean" >"$TMP/out" 2>&1
if grep -q '^ok - nothing at the repository root' "$TMP/out"; then pass "a root with only the project's folders passes the lint"
else fail "a root with only the project's folders passes the lint"; fi

cp -r "$TMP/clean" "$TMP/dirty"
touch "$TMP/dirty/s.pid" "$TMP/dirty/leak-c7bd738675eeea756280e3255c6a30fddc89a03d" "$TMP/dirty/scratch.db"
"$ROOT/tests/lint-root" "$TMP/dirty" >"$TMP/out" 2>&1
if grep -q '^not ok - files at the repository root.* leak-c7bd' "$TMP/out" && grep -q 's.pid' "$TMP/out" &&
   grep -q 'scratch.db' "$TMP/out"; then pass "a pid file, a fuzzer artifact and a database at the root fail the lint"
else fail "a pid file, a fuzzer artifact and a database at the root fail the lint"; fi

# make lint runs the lint tier (it used to print "Nothing to be done")
make -s -C "$ROOT" lint >"$TMP/out" 2>&1
if grep -q '^ok - no banned functions' "$TMP/out" && grep -q '^ok - nothing at the repository root' "$TMP/out" &&
   grep -qE '^[0-9]+ passed, 0 failed' "$TMP/out"; then pass "make lint runs the lint checks"
else fail "make lint runs the lint checks"; fi
for t in unit fuzz lint; do
	if make -n -C "$ROOT" "$t" 2>/dev/null | grep -q "tests/run-all --only $t"; then pass "make $t runs the $t tier"
	else fail "make $t runs the $t tier"; fi
done
