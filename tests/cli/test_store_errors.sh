# A failure of the store is never an absence: on a database whose citations
# are damaged, every command that reads them fails with the store's error
# and exit 1, and prints no JSON, instead of ties without their sources or
# entities without their names.  On the healthy database the same commands
# succeed, and a missing entity is still "not found".
. "$(dirname "$0")/lib.sh"
DB="$TMP/demo.db"
demo_db "$DB" || { echo "not ok - seed import"; exit 0; }
cp "$DB" "$TMP/bad.db"
# the root page of the citations table, overwritten: any read of it fails
/usr/bin/python3 - "$TMP/bad.db" <<'PY' || { echo "not ok - damaging the copy"; exit 0; }
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
root = c.execute("SELECT rootpage FROM sqlite_schema WHERE name='citations'").fetchone()[0]
size = c.execute("PRAGMA page_size").fetchone()[0]
c.close()
with open(sys.argv[1], "r+b") as f:
    f.seek((root - 1) * size)
    f.write(b"\xff" * size)
PY
# the graph snapshot comes from the healthy copy, as one left beside a
# database before it was damaged would
"$TIEMAP" --db "$DB" stats >/dev/null 2>&1 && cp "$DB.graph" "$TMP/bad.db.graph"

for cmd in "show hikvision" "--json show hikvision" "path hikvision cetc" "--json path hikvision cetc" \
	"owners hikvision" "--json owners hikvision" "neighbors wolf-pack" "--json neighbors wolf-pack" \
	"export" "check" "digest --week 2024-W09" "feed"; do
	# shellcheck disable=SC2086
	run --db "$DB" $cmd
	if [ "$RC" -ne 0 ]; then fail "$cmd on a healthy database succeeds" "exit $RC"; continue; fi
	# shellcheck disable=SC2086
	run --db "$TMP/bad.db" $cmd
	json=0
	case "$cmd" in --json*) [ -s "$TMP/out" ] && json=1 ;; esac
	if [ "$RC" -eq 1 ] && grep -q "malformed" "$TMP/err" && [ "$json" -eq 0 ] && ! grep -q Sanitizer "$TMP/err"; then
		pass "$cmd with damaged citations fails with the store's error, not a partial answer"
	else
		fail "$cmd with damaged citations fails with the store's error, not a partial answer" "exit $RC"
	fi
done

run --db "$DB" show no-such-entity
if [ "$RC" -eq 1 ] && grep -q "no entity" "$TMP/err"; then pass "a missing entity is still 'not found'"
else fail "a missing entity is still 'not found'" "exit $RC"; fi
