# Interrupted writes: a hot rollback journal (left by an older tiemap, or a
# file in rollback mode) is played back by any command that can write the
# file, read-only or not; one that cannot says the file needs `tiemap
# recover`, never "attempt to write a readonly database"; `recover` checks
# the file.  Then a few iterations of the kill -9 / full-disk loop of
# bench/recover/run (which make bench runs 1,000 times at 100,000 entities).
. "$(dirname "$0")/lib.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DB="$TMP/j.db"
demo_db "$DB" || { echo "not ok - seed import"; exit 0; }
"$TIEMAP" --db "$DB" export >"$TMP/pre.jsonl" 2>"$TMP/err" || fail "export of the seed data"

run --db "$DB" recover
expect_out "recover finds a fresh database whole" "is whole"

# A hot journal: the file in rollback mode, a transaction whose changed
# pages spill into the file (a cache of ten pages), and the process killed.
hot_journal() {
	/usr/bin/python3 - "$1" <<'PY'
import os, signal, sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=DELETE")
con.execute("PRAGMA cache_size=10")
con.execute("BEGIN")
for i in range(40):
    con.execute("UPDATE entities SET desc_en = ? || desc_en", ("x" * 200,))
    con.execute("INSERT INTO sources(slug, title) VALUES(?, 'half-written')", ("half-%d" % i,))
os.kill(os.getpid(), signal.SIGKILL)
PY
}
( hot_journal "$DB" ) 2>/dev/null
if [ -s "$DB-journal" ] && ! cmp -s "$DB" "$TMP/none"; then pass "the killed writer left a hot journal"; \
else fail "the killed writer left a hot journal" "$(ls -l "$TMP")"; fi
RO="$TMP/ro"
mkdir "$RO"
cp "$DB" "$DB-journal" "$RO/"

run --db "$DB" search hikvision
expect_out "a read-only command on a file with a hot journal recovers it and answers" "hikvision"
[ ! -e "$DB-journal" ] && pass "the journal was played back and removed" || fail "the journal was played back and removed"
"$TIEMAP" --db "$DB" export >"$TMP/after.jsonl" 2>"$TMP/err"
cmp -s "$TMP/pre.jsonl" "$TMP/after.jsonl" && pass "the export equals the one before the killed write" \
	|| fail "the export equals the one before the killed write"
run --db "$DB" recover
expect_out "recover finds the recovered file whole" "is whole"

# The same file for a user who may not write it or its folder: as root,
# nobody; else the folder and file made read-only.
chmod 755 "$RO"
chmod 644 "$RO"/*
chmod 711 "$TMP"
as_reader() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=65534 --regid=65534 --clear-groups "$@" >"$TMP/out" 2>"$TMP/err"
	else
		chmod 555 "$RO"
		chmod 444 "$RO"/*
		"$@" >"$TMP/out" 2>"$TMP/err"
	fi
	RC=$?
}
if [ "$(id -u)" != 0 ] || command -v setpriv >/dev/null; then
	as_reader "$TIEMAP" --db "$RO/j.db" search hikvision
	expect_rc "a read-only command that cannot recover the file fails" 1
	expect_err "it says the file needs recovery" "an interrupted write needs recovery"
	expect_err "it names the command" "tiemap recover"
	grep -q "readonly database" "$TMP/err" && fail "it never says 'attempt to write a readonly database'" \
		|| pass "it never says 'attempt to write a readonly database'"
	as_reader "$TIEMAP" --db "$RO/j.db" serve --read-only --listen 127.0.0.1:0
	expect_err "serve --read-only says the same" "tiemap recover"
	[ -s "$RO/j.db-journal" ] && pass "the reader left the journal as it was" || fail "the reader left the journal as it was"
	chmod 755 "$RO"
	chmod 644 "$RO"/*
else
	echo "ok - # SKIP no setpriv to run as another user"
fi
run --db "$RO/j.db" recover
expect_out "recover, run by a user who can write the file, recovers it" "is whole"
"$TIEMAP" --db "$RO/j.db" export >"$TMP/after.jsonl" 2>"$TMP/err"
cmp -s "$TMP/pre.jsonl" "$TMP/after.jsonl" && pass "and the export equals the one before the killed write" \
	|| fail "and the export equals the one before the killed write"

# A file that is not whole: recover says so and exits 1.
cp "$DB" "$TMP/bad.db"
/usr/bin/python3 - "$TMP/bad.db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("PRAGMA journal_mode=DELETE")
con.execute("PRAGMA writable_schema=ON")
# the root page of the index of entities.slug gets a page type that is none
root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='sqlite_autoindex_entities_1'").fetchone()[0]
page = con.execute("PRAGMA page_size").fetchone()[0]
con.close()
with open(sys.argv[1], "r+b") as f:
    f.seek((root - 1) * page)
    f.write(b"\x07" * 8)
PY
run --db "$TMP/bad.db" recover
expect_rc "recover on a damaged file exits 1" 1
expect_err "and says it is damaged" "is damaged"

run --db "$TMP/missing.db" search x
expect_rc "a missing database exits 1" 1
expect_err "and says so, with the commands that make one" "no database at"

# kill -9 and full disks at random points of an import (bench/recover/run)
/usr/bin/python3 "$ROOT/bench/recover/run" --tiemap "$TIEMAP" --entities 1000 --iterations 5 --full-every 2 --tap \
	2>"$TMP/err" || { [ -s "$TMP/err" ] && sed 's/^/#   /' "$TMP/err"; }
