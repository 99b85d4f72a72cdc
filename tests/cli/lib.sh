# Helpers for CLI tests: each check prints one TAP line.
# $TIEMAP is the binary under test (the sanitizer build, set by run-all).
: "${TIEMAP:=./tiemap}"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SEED="$(cd "$(dirname "$0")/../.." && pwd)/data/seed"
DATA="$(cd "$(dirname "$0")/../data" && pwd)"

# run ARGS...: runs tiemap; output in $TMP/out, $TMP/err, status in $RC
run() {
	"$TIEMAP" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
}

pass() { echo "ok - $1"; }
fail() {
	echo "not ok - $1"
	shift
	[ $# -gt 0 ] && echo "#   $*"
	sed 's/^/#   out: /' "$TMP/out" | head -n 15
	sed 's/^/#   err: /' "$TMP/err" | head -n 15
}

# expect_rc NAME CODE: the last run exited CODE (and the sanitizers were quiet)
expect_rc() {
	if [ "$RC" -eq "$2" ] && ! grep -q 'Sanitizer' "$TMP/err"; then pass "$1"; else fail "$1" "exit $RC, wanted $2"; fi
}

# expect_out NAME TEXT: stdout of the last run contains TEXT, and it exited 0
expect_out() {
	if [ "$RC" -eq 0 ] && grep -qF -- "$2" "$TMP/out"; then pass "$1"; else fail "$1" "wanted '$2' in stdout"; fi
}

# expect_err NAME TEXT: stderr of the last run contains TEXT
expect_err() {
	if grep -qF -- "$2" "$TMP/err" && ! grep -q 'Sanitizer' "$TMP/err"; then pass "$1"; else fail "$1" "wanted '$2' in stderr"; fi
}

# jq-free JSON checks through Python's standard library
json_get() { # EXPR: a Python expression over `d`, printed
	/usr/bin/python3 -c "import json,sys; d=json.load(open('$TMP/out')); print($1)"
}

# demo_db PATH: a database with the seed data
demo_db() {
	rm -f "$1"
	"$TIEMAP" --db "$1" --quiet import "$SEED"/*.jsonl >/dev/null 2>"$TMP/err" || { cat "$TMP/err"; return 1; }
}
