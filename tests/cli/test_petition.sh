# Petitions at the command line: the record through the importer (every bad
# field refused with FILE:LINE and the database unchanged, byte for byte),
# export | import | export giving the same bytes, the keys of `petition
# keygen` (mode 600, never overwritten, the server's holding nothing of the
# secret), list and show, and `petition export` refusing to run without the
# right secret key or on a damaged signature.  Signing itself is HTTP:
# tests/http/test_petition.py.
. "$(dirname "$0")/lib.sh"
PD="$DATA/petition"
DB="$TMP/demo.db"
demo_db "$DB" || { echo "not ok - the demo database imports"; exit 1; }
export COLUMNS=200

# ---- bad records ----
while IFS='|' read -r name line reason; do
	case "$name" in ''|'#'*) continue ;; esac
	cp "$DB" "$TMP/case.db"
	printf '%s\n' "$line" > "$TMP/case.jsonl"
	run --db "$TMP/case.db" import "$TMP/case.jsonl"
	if [ "$RC" -eq 1 ] && grep -qF "$TMP/case.jsonl:1: " "$TMP/err" && grep -qF -- "$reason" "$TMP/err" &&
	   cmp -s "$DB" "$TMP/case.db" && ! grep -q Sanitizer "$TMP/err"; then
		pass "import refuses a petition: $name (FILE:LINE, reason, database unchanged)"
	else
		fail "import refuses a petition: $name" "rc=$RC, wanted '$reason'"
	fi
done < "$PD/errors.txt"

# a bad line among good ones: nothing lands
cp "$DB" "$TMP/case.db"
{ cat "$PD/petitions.jsonl"; sed -n 's/^no text|\(.*\)|.*/\1/p' "$PD/errors.txt"; } > "$TMP/mixed.jsonl"
run --db "$TMP/case.db" import "$TMP/mixed.jsonl"
if [ "$RC" -eq 1 ] && grep -qF "mixed.jsonl:3: missing field 'text'" "$TMP/err" && cmp -s "$DB" "$TMP/case.db"; then
	pass "one bad petition among good ones: nothing is imported, the line is named"
else fail "one bad petition among good ones: nothing is imported"; fi

# ---- the good ones, and the round trip ----
run --db "$DB" import "$PD/petitions.jsonl"
expect_out "two petitions import, referring to the demo's entities and action" "2 petitions"
run --db "$DB" import "$PD/petitions.jsonl"
expect_rc "importing them again changes nothing" 0
run --db "$DB" export
cp "$TMP/out" "$TMP/export1.jsonl"
if grep -c '"type":"petition"' "$TMP/export1.jsonl" | grep -qx 2 &&
   tail -n 2 "$TMP/export1.jsonl" | head -n 1 | grep -q '^{"type":"petition","id":"another"'; then
	pass "export writes the petitions last, by id"
else fail "export writes the petitions last, by id"; fi
rm -f "$TMP/round.db"
run --db "$TMP/round.db" --quiet import "$TMP/export1.jsonl"
run --db "$TMP/round.db" export
if [ "$RC" -eq 0 ] && cmp -s "$TMP/out" "$TMP/export1.jsonl"; then
	pass "export | import | export gives the same bytes, petitions included"
else fail "export | import | export gives the same bytes" "$(diff "$TMP/out" "$TMP/export1.jsonl" | head -5)"; fi
# an edited petition replaces the stored one whole
sed 's/"goal":5000/"goal":6000/; s/,"adi-global-distribution"//' "$PD/petitions.jsonl" > "$TMP/edit.jsonl"
run --db "$TMP/round.db" --quiet import "$TMP/edit.jsonl"
run --db "$TMP/round.db" --json petition show drop-hikvision
if [ "$RC" -eq 0 ] && [ "$(json_get "(d['goal'], [e['id'] for e in d['entities']])")" = "(6000, ['hikvision'])" ]; then
	pass "a petition imported again with changes replaces the stored one whole"
else fail "a petition imported again with changes replaces the stored one whole"; fi

# ---- list and show ----
run --db "$DB" petition list
if [ "$RC" -eq 0 ] && grep -q "^drop-hikvision *open *0 / 5000 *Stop selling Hikvision / 停止销售海康威视" "$TMP/out" &&
   grep -q "^another *open *0 " "$TMP/out"; then
	pass "petition list: id, status, signatures of the goal, both titles"
else fail "petition list: id, status, signatures of the goal, both titles"; fi
run --db "$DB" --json petition show drop-hikvision
if [ "$RC" -eq 0 ] && [ "$(json_get "(d['status'], d['signatures'], d['action']['id'], len(d['fingerprint']))")" = \
	"('open', 0, '2024-02-27-protest-burnaby', 39)" ]; then
	pass "petition show --json: status, count, action, the key's fingerprint"
else fail "petition show --json: status, count, action, the key's fingerprint"; fi
run --db "$DB" action show 2024-02-27-protest-burnaby
expect_out "action show lists the action's petition with its count" "petitions  drop-hikvision: 0 signatures of a goal of 5000 (open)"
run --db "$DB" --json action show 2024-02-27-protest-burnaby
if [ "$RC" -eq 0 ] && [ "$(json_get "[(p['id'], p['signatures'], p['goal']) for p in d['petitions']]")" = "[('drop-hikvision', 0, 5000)]" ]; then
	pass "action show --json: the petitions with their counts"
else fail "action show --json: the petitions with their counts"; fi
run --db "$DB" petition show no-such
if [ "$RC" -eq 1 ] && grep -qF "no petition 'no-such'" "$TMP/err"; then pass "petition show of an unknown id fails"
else fail "petition show of an unknown id fails"; fi

# ---- keys ----
run petition keygen --secret-key "$TMP/org.key" --server-key "$TMP/srv.key"
pk=$(sed -n 's/^public_key //p' "$TMP/out")
if [ "$RC" -eq 0 ] && [ ${#pk} -eq 43 ] && grep -q "^fingerprint [0-9a-f ]\{39\}$" "$TMP/out" &&
   [ "$(stat -c %a "$TMP/org.key")" = 600 ] && [ "$(stat -c %a "$TMP/srv.key")" = 600 ] &&
   grep -q "^public $pk$" "$TMP/org.key" && grep -q "^public $pk$" "$TMP/srv.key"; then
	pass "keygen writes both key files, mode 600, and prints the public key and its fingerprint"
else fail "keygen writes both key files, mode 600, and prints the public key"; fi
seed=$(sed -n 's/^seed //p' "$TMP/org.key")
if [ ${#seed} -eq 43 ] && ! grep -qF "$seed" "$TMP/srv.key" "$TMP/out" "$TMP/err" && ! grep -q '^seed' "$TMP/srv.key"; then
	pass "the secret seed is in the organisers' file alone: not in the server's, not printed"
else fail "the secret seed is in the organisers' file alone"; fi
cp "$TMP/org.key" "$TMP/org.copy"
run petition keygen --secret-key "$TMP/org.key" --server-key "$TMP/srv2.key"
if [ "$RC" -eq 1 ] && grep -qF "exists already" "$TMP/err" && cmp -s "$TMP/org.key" "$TMP/org.copy" &&
   [ ! -e "$TMP/srv2.key" ]; then
	pass "keygen never overwrites a key file, and writes neither when it cannot write both"
else fail "keygen never overwrites a key file"; fi
run petition keygen --secret-key "$TMP/new.key" --server-key "$TMP/srv.key"
if [ "$RC" -eq 1 ] && [ ! -e "$TMP/new.key" ]; then pass "keygen leaves no secret behind when the server's file exists"
else fail "keygen leaves no secret behind when the server's file exists"; fi
run petition keygen --secret-key "$TMP/only.key"
expect_rc "keygen needs both files" 2

# ---- export refuses what it cannot do ----
run --db "$DB" petition export drop-hikvision
if [ "$RC" -eq 2 ] && grep -qF "needs the organisers' secret key" "$TMP/err" && [ ! -s "$TMP/out" ]; then
	pass "export without --secret-key opens nothing and says why"
else fail "export without --secret-key opens nothing and says why"; fi
run --db "$DB" petition export drop-hikvision --secret-key "$TMP/org.key"
if [ "$RC" -eq 1 ] && grep -qF "is not the key of petition 'drop-hikvision'" "$TMP/err" && [ ! -s "$TMP/out" ]; then
	pass "export with another petition's secret key fails before opening anything, and says whose it is"
else fail "export with another petition's secret key fails"; fi
run --db "$DB" petition export drop-hikvision --secret-key "$TMP/srv.key"
if [ "$RC" -eq 1 ] && grep -qF "is the server's key, which cannot open signatures" "$TMP/err"; then
	pass "export with the server's key says it cannot open signatures"
else fail "export with the server's key says it cannot open signatures"; fi
printf 'tiemap-petition-secret 1\nseed %s\npublic %s\n' "$seed" "AAAA$(printf '%s' "$pk" | cut -c5-)" > "$TMP/bad.key"
run --db "$DB" petition export drop-hikvision --secret-key "$TMP/bad.key"
if [ "$RC" -eq 1 ] && grep -qF "is damaged: its seed does not give its public key" "$TMP/err"; then
	pass "a secret key file whose lines disagree is called damaged"
else fail "a secret key file whose lines disagree is called damaged"; fi

# a petition sealed to the new key, with a signature the key does not open
sed "s/Gnw6vZbFtOSpZGpvefzGI0z2Hlf0ke-27N6jal5Mi34/$pk/" "$PD/petitions.jsonl" > "$TMP/mine.jsonl"
run --db "$DB" --quiet import "$TMP/mine.jsonl"
run --db "$DB" petition export drop-hikvision --secret-key "$TMP/org.key" --output "$TMP/none.csv"
if [ "$RC" -eq 0 ] && [ "$(tr -d '\r' < "$TMP/none.csv")" = "signed_at,name,email,city,shown" ] &&
   [ "$(stat -c %a "$TMP/none.csv")" = 600 ] && grep -qF "0 signatures of 'drop-hikvision'" "$TMP/err"; then
	pass "export with the right key and no signatures: the header alone, the file mode 600"
else fail "export with the right key and no signatures: the header alone"; fi
sqlite3 "$DB" "INSERT INTO petition_signatures(petition,dedup,sealed) SELECT id, randomblob(16), randomblob(304) FROM petitions WHERE slug='drop-hikvision'"
run --db "$DB" petition export drop-hikvision --secret-key "$TMP/org.key" --output "$TMP/bad.csv"
if [ "$RC" -eq 1 ] && grep -qF "signature 1 of petition 'drop-hikvision' cannot be opened: the secret key does not open it" "$TMP/err" &&
   [ ! -e "$TMP/bad.csv" ]; then
	pass "a signature the key cannot open stops the export, and no file is written"
else fail "a signature the key cannot open stops the export"; fi
printf 'signed_at\n' > "$TMP/old.csv"; chmod 644 "$TMP/old.csv"
sqlite3 "$DB" "DELETE FROM petition_signatures"
run --db "$DB" petition export drop-hikvision --secret-key "$TMP/org.key" --output "$TMP/old.csv"
if [ "$RC" -eq 0 ] && [ "$(stat -c %a "$TMP/old.csv")" = 600 ]; then
	pass "export over a file that was readable by others makes it its owner's alone"
else fail "export over a file that was readable by others makes it its owner's alone" "$(stat -c %a "$TMP/old.csv")"; fi

# ---- taking back refuses what it cannot do (the deletions themselves: tests/http/test_petition.py) ----
run --db "$DB" petition withdraw drop-hikvision < /dev/null
expect_rc "withdraw needs the server's key" 2
printf 'someone@example.org\n' > "$TMP/addr.txt"
run --db "$DB" petition withdraw no-such --petition-key "$TMP/srv.key" --addresses "$TMP/addr.txt"
if [ "$RC" -eq 1 ] && grep -qF "no petition 'no-such'" "$TMP/err"; then pass "withdraw from an unknown petition fails"
else fail "withdraw from an unknown petition fails"; fi
printf '# nobody\n\n' > "$TMP/none.txt"
run --db "$DB" petition withdraw drop-hikvision --petition-key "$TMP/srv.key" --addresses "$TMP/none.txt"
expect_err "withdraw with no address in its input says so" "none.txt: no address to withdraw"
printf 'a\377@example.org\n' > "$TMP/bin.txt"
run --db "$DB" petition withdraw drop-hikvision --petition-key "$TMP/srv.key" --addresses "$TMP/bin.txt"
if [ "$RC" -eq 1 ] && grep -qF "bin.txt: not UTF-8 text" "$TMP/err"; then pass "withdraw refuses input that is not text"
else fail "withdraw refuses input that is not text"; fi
run --db "$DB" petition withdraw drop-hikvision --petition-key "$TMP/srv.key" --addresses "$TMP/addr.txt"
if [ "$RC" -eq 1 ] && grep -qF "0 of 1 address had signed" "$TMP/err" && grep -qF "addr.txt:1: no signature" "$TMP/err" &&
   ! grep -qF "someone@example.org" "$TMP/err" "$TMP/out"; then
	pass "withdraw of an address that had not signed: exit 1, the line named, the address never printed"
else fail "withdraw of an address that had not signed"; fi
run --db "$DB" petition unshow drop-hikvision --name "$(printf 'Lin\001')"
expect_rc "unshow refuses a name with a control character, which no signer could show" 2
run --db "$DB" petition unshow drop-hikvision
expect_rc "unshow needs --name" 2
run --db "$DB" petition unshow drop-hikvision --name Lin --city Berlin
if [ "$RC" -eq 1 ] && grep -qF "no name 'Lin' shown on 'drop-hikvision' with city 'Berlin'" "$TMP/err"; then
	pass "unshow of a name not shown: exit 1, and says so"
else fail "unshow of a name not shown"; fi
run --db "$DB" petition purge drop-hikvision --yes
if [ "$RC" -eq 1 ] && grep -qF "petition 'drop-hikvision' takes signatures until 2030-12-31: purge it after that" "$TMP/err"; then
	pass "purge refuses a petition that still takes signatures"
else fail "purge refuses a petition that still takes signatures"; fi
run --db "$DB" petition purge no-such --yes
expect_rc "purge of an unknown petition fails" 1
