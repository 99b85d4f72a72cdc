# Claims a campaign can publish (docs/format.md, docs/screening.md): flags
# from involvement claims only, direct or via ownership, by names, in JSON and
# CSV in both languages; involvement records and their checks; dates of claims
# from the data; the export's round trip; paths and neighbourhoods that leave
# places out, against a brute force on generated data.
. "$(dirname "$0")/lib.sh"
DB="$TMP/demo.db"
demo_db "$DB" || { echo "not ok - seed import"; exit 0; }

# ---- the screening cases of the issue, on the demo data ----
cat > "$TMP/list.csv" <<'EOF'
name
Amnesty International
Human Rights Watch
Palestine Solidarity Action Network
巴勒斯坦团结行动网络
BYD
"Huawei Technologies Co., Ltd."
SAIC Motor
Hikvision
EZVIZ Network
Israel
China
EOF
run --db "$DB" --json screen "$TMP/list.csv"
expect_rc "screen the list of the issue" 0
got=$(json_get "[((r['match'] or {}).get('id'), len(r['flags'])) for r in d['rows']]")
want="[('amnesty-international', 0), ('human-rights-watch', 0), ('psan', 0), ('psan', 0), ('byd', 0), ('huawei', 0), ('saic-motor', 0), ('hikvision', 3), ('ezviz', 3), ('israel', 0), ('china', 0)]"
[ "$got" = "$want" ] && pass "NGOs, the network, car makers, Huawei and places are matched and not flagged; Hikvision and EZVIZ are" ||
	fail "who is flagged" "$got"
got=$(json_get "[(f['category'], f['basis'], f['direct']) for f in d['rows'][7]['flags']]")
[ "$got" = "[('occupation_surveillance', 'direct', True), ('xinjiang_surveillance', 'direct', True), ('xinjiang_detention', 'direct', True)]" ] &&
	pass "Hikvision is flagged direct for its own claims" || fail "Hikvision direct" "$got"
got=$(json_get "[(c['id'], c['quote'][:40]) for c in d['rows'][7]['flags'][0]['claims'][0]['sources']][:2]")
[ "$got" = "[('psan-2024', 'For example, Hikvision cameras feed info'), ('black-press-2024', 'It is a known supplier of surveillance c')]" ] &&
	pass "a direct flag carries its claim's citations with their quotes" || fail "direct citations" "$got"
got=$(json_get "d['rows'][8]['flags'][0]['text']")
[ "$got" = "Surveillance of Palestinians under occupation: via owner: EZVIZ Network —owned by (share not given)→ Hikvision" ] &&
	pass "a company owned by a flagged parent is flagged via its owner, the chain by names" || fail "EZVIZ via" "$got"
got=$(json_get "d['rows'][8]['flags'][0]['text_zh']")
[ "$got" = "监控被占领的巴勒斯坦人：经由所有者：EZVIZ Network —被…拥有（未记录持股比例）→ 海康威视" ] &&
	pass "and the same in Chinese, with the Chinese names" || fail "EZVIZ via zh" "$got"
got=$(json_get "[(s['from'], s['to'], s['label'], [c['quote'][:25] for c in s['sources']]) for s in d['rows'][8]['flags'][0]['chain']]")
[ "$got" = "[('ezviz', 'hikvision', 'owned by', ['Hikvision will spin off E', \"Hikvision's smart home se\"])]" ] &&
	pass "each tie of the chain comes with its sources and quotes" || fail "chain sources" "$got"
got=$(json_get "'absence is not innocence' in d['summary']['caveat'] and '没有结果也不代表清白' in d['summary']['caveat_zh']")
[ "$got" = "True" ] && pass "the JSON says that a match is not proof and absence is not innocence, in both languages" ||
	fail "JSON caveat" "$got"

run --db "$DB" screen --format csv "$TMP/list.csv"
/usr/bin/python3 - "$TMP/out" en <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
def check(name, ok):
    print(("ok - " if ok else "not ok - ") + name)
by = {r["match_id"]: r for r in rows}
check("CSV (en): the flags column says direct or via with the chain by names, not ids",
      "Surveillance of Palestinians under occupation: via owner: EZVIZ Network —owned by (share not given)→ Hikvision" in by["ezviz"]["flags"]
      and "hikvision" not in by["ezviz"]["flags"] and "direct (Hikvision's own involvement claim)" in by["hikvision"]["flags"])
check("CSV (en): a machine-readable column of category:basis",
      by["ezviz"]["flag_bases"] == "occupation_surveillance:via_owner;xinjiang_surveillance:via_owner;xinjiang_detention:via_owner")
check("CSV (en): the evidence column quotes the claims and the chain's ties",
      "“For example, Hikvision cameras feed information into 狼群 (Wolf Pack)" in by["ezviz"]["evidence"]
      and "EZVIZ Network —owned by (share not given)→ Hikvision: “Hikvision will spin off" in by["ezviz"]["evidence"])
check("CSV (en): every row says that a match is not proof and absence is not innocence",
      by["amnesty-international"]["caveat"].startswith("no flag is not innocence") and by["hikvision"]["caveat"].startswith("a match is not proof")
      and by["amnesty-international"]["flags"] == "" and by["byd"]["flags"] == "")
EOF
run --db "$DB" screen --format csv --lang zh "$TMP/list.csv"
/usr/bin/python3 - "$TMP/out" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
by = {r["match_id"]: r for r in rows}
def check(name, ok):
    print(("ok - " if ok else "not ok - ") + name)
check("CSV (zh): the flags in Chinese with the Chinese names",
      "监控被占领的巴勒斯坦人：经由所有者：EZVIZ Network —被…拥有（未记录持股比例）→ 海康威视" in by["ezviz"]["flags"]
      and "新疆大规模监控：直接（海康威视 自身的参与声明）" in by["hikvision"]["flags"] and by["hikvision"]["match_name"] == "海康威视")
check("CSV (zh): and the caveat in Chinese", by["saic-motor"]["caveat"].startswith("没有标记不代表清白"))
EOF
run --db "$DB" screen --lang zh "$TMP/list.csv"
expect_out "the table in Chinese says the caveat" "匹配不是证据"

# ---- involvement records: what the importer refuses ----
cat > "$TMP/bad-inv.jsonl" <<'EOF'
{"type":"involvement","entity":"israel","category":"occupation_surveillance","sources":[{"source":"psan-2024","quote":"a database exclusively of Palestinians from the West Bank used by Israel"}]}
EOF
cp "$DB" "$TMP/w.db"
run --db "$TMP/w.db" import "$TMP/bad-inv.jsonl"
expect_rc "an involvement of a country is refused" 1
expect_err "with its line and why" "bad-inv.jsonl:1: entity 'israel' is a country: a place carries no involvement"
cat > "$TMP/bad-inv.jsonl" <<'EOF'
{"type":"involvement","entity":"byd","category":"occupation_surveillance","sources":["psan-2024"]}
{"type":"involvement","entity":"byd","category":"surveillance","sources":[{"source":"psan-2024","quote":"x"}]}
{"type":"involvement","entity":"byd","category":"settlement_services","sources":[]}
EOF
run --db "$TMP/w.db" import --allow-unsourced "$TMP/bad-inv.jsonl"
expect_rc "involvement without quotes, of an unknown category or entity is refused" 1
expect_err "a citation without a quote" "bad-inv.jsonl:1: citation of 'psan-2024' has no 'quote'"
expect_err "an unknown category, with the list" "bad-inv.jsonl:2: unknown category 'surveillance': use one of settlement_construction"
expect_err "no citation, even with --allow-unsourced" "bad-inv.jsonl:3: no citation: an involvement needs 'sources'"
printf '%s\n' '{"type":"involvement","entity":"nobody","category":"settlement_services","sources":[{"source":"psan-2024","quote":"x"}]}' > "$TMP/bad-inv.jsonl"
run --db "$TMP/w.db" import "$TMP/bad-inv.jsonl"
expect_err "an involvement of an unknown entity is refused" "bad-inv.jsonl:1: unknown entity 'nobody'"
run --db "$TMP/w.db" --json screen "$TMP/list.csv"
got=$(json_get "d['summary']['flagged']")
[ "$got" = "2" ] && pass "a refused import changes nothing" || fail "refused import" "$got"

# ---- show: involvement apart from topics, each claim with its quotes ----
run --db "$DB" show hikvision
expect_out "show lists involvement under its own heading" "Surveillance of Palestinians under occupation / 监控被占领的巴勒斯坦人 (occupation_surveillance)"
expect_out "with the quote and its locator under the claim" "“For example, Hikvision cameras feed information into 狼群 (Wolf Pack), a database exclusively of Palestinians from the West Bank used by Israel” (section “Interconnected Surveillance”)"
expect_out "tags are shown as topics" "topics:      surveillance"
expect_out "and when the entity last changed" "added:       2026-11-26; last changed 2026-12-03"
run --db "$DB" show amnesty-international
expect_out "an NGO has no involvement" "none recorded: no source in the data says so"
run --db "$DB" show nypd
expect_out "an unchecked source is marked in the list of sources" "not checked: its title and address were supplied, not seen"

# ---- dates of claims come from the data ----
cat > "$TMP/d.jsonl" <<'EOF'
{"type":"source","id":"s1","title":"A report","checked":true,"accessed":"2025-06-01"}
{"type":"entity","id":"acme","kind":"company","names":[{"text":"Acme","lang":"en"}],"sources":["s1"]}
{"type":"entity","id":"sub","kind":"company","names":[{"text":"Acme Sub","lang":"en"}],"sources":["s1"]}
{"type":"relation","subject":"acme","predicate":"owns","object":"sub","share":80,"sources":["s1"]}
{"type":"involvement","entity":"acme","category":"settlement_construction","start":"2019","sources":[{"source":"s1","quote":"Acme built it","page":"p. 4"}]}
EOF
rm -f "$TMP/d.db"
TIEMAP_TODAY=2026-01-05 run --db "$TMP/d.db" --quiet import "$TMP/d.jsonl"
run --db "$TMP/d.db" export
cp "$TMP/out" "$TMP/d1.jsonl"
got=$(grep -c '"added":"2026-01-05","changed":"2026-01-05"' "$TMP/d1.jsonl")
[ "$got" = "4" ] && pass "new claims are dated the day of the import that adds them" || fail "new dates" "$got"
grep -q '"accessed":"2025-06-01","checked":true' "$TMP/d1.jsonl" && pass "sources keep accessed and checked" || fail "accessed, checked"
v1=$("$TIEMAP" --db "$TMP/d.db" --json stats | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin).get('data_version'))")
TIEMAP_TODAY=2026-02-10 run --db "$TMP/d.db" --quiet import "$TMP/d.jsonl"
run --db "$TMP/d.db" export
cmp -s "$TMP/out" "$TMP/d1.jsonl" && pass "importing the same file again, another day, changes no date" || fail "second import"
v2=$("$TIEMAP" --db "$TMP/d.db" --json stats | /usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin).get('data_version'))")
[ "$v1" = "$v2" ] && pass "nor the data version" || fail "data version" "$v1 $v2"
sed 's/"share":80/"share":90/' "$TMP/d.jsonl" > "$TMP/d2.jsonl"
TIEMAP_TODAY=2026-02-10 run --db "$TMP/d.db" --quiet import "$TMP/d2.jsonl"
run --db "$TMP/d.db" export
grep -q '"share":90,"sources":\["s1"\],"added":"2026-01-05","changed":"2026-02-10"' "$TMP/out" &&
	pass "a changed claim keeps its first date and is changed that day" || fail "changed date"
sed 's/"share":90/"share":70/' "$TMP/out" > "$TMP/d4.jsonl"
TIEMAP_TODAY=2026-03-01 run --db "$TMP/d.db" --quiet import "$TMP/d4.jsonl"
run --db "$TMP/d.db" export
grep -q '"share":70,"sources":\["s1"\],"added":"2026-01-05","changed":"2026-03-01"' "$TMP/out" &&
	pass "a record carrying the stored date but other content is changed that day (edited by hand)" ||
	fail "stale changed date"
TIEMAP_TODAY=2026-03-02 run --db "$TMP/d.db" --quiet import "$TMP/d1.jsonl"
run --db "$TMP/d.db" export
cmp -s "$TMP/out" "$TMP/d1.jsonl" && pass "an export imported back restores its claims with their own dates" ||
	fail "restore with dates"
printf '{"type":"entity","id":"x","kind":"company","names":[{"text":"X","lang":"en"}],"sources":["s1"],"added":"2026-03","changed":"2099-01-01"}\n' > "$TMP/d3.jsonl"
run --db "$TMP/d.db" import "$TMP/d3.jsonl"
expect_err "added is a day" "d3.jsonl:1: 'added' is a day: use YYYY-MM-DD"
printf '{"type":"entity","id":"x","kind":"company","names":[{"text":"X","lang":"en"}],"sources":["s1"],"changed":"2099-01-01"}\n' > "$TMP/d3.jsonl"
run --db "$TMP/d.db" import "$TMP/d3.jsonl"
expect_err "and not in the future" "d3.jsonl:1: 'changed' 2099-01-01 is in the future"

# ---- export → import → export: the same bytes, with the new fields ----
run --db "$DB" export
cp "$TMP/out" "$TMP/e1.jsonl"
rm -f "$TMP/e.db"
TIEMAP_TODAY=2026-12-31 run --db "$TMP/e.db" --quiet import "$TMP/e1.jsonl"
run --db "$TMP/e.db" export
if cmp -s "$TMP/out" "$TMP/e1.jsonl" && grep -q '"type":"involvement"' "$TMP/e1.jsonl" && grep -q '"type":"page"' "$TMP/e1.jsonl" &&
   grep -q '"checked":true' "$TMP/e1.jsonl" && ! grep -q '2026-12-31' "$TMP/e1.jsonl"; then
	pass "export → import → export gives the same bytes, with involvement, pages, dates and checks"
else fail "export round trip"; fi

# ---- check lists what a reviewer should look at ----
run --db "$DB" --json check
got=$(json_get "(d['summary']['unchecked_source'], d['summary']['place_involvement'], sorted(f['id'] for f in d['findings'] if f['check']=='unchecked_source'))")
[ "$got" = "(4, 0, ['guardian-2016', 'psan-2024-acr', 'stop-2021', 'techcrunch-hikvision-dahua-contracts'])" ] &&
	pass "check lists the cited sources nobody has seen" || fail "unchecked sources" "$got"

# ---- paths: places only as ends ----
run --db "$DB" --json path hikvision wolf-pack
got=$(json_get "([[e['to'] for e in p['edges']] for p in d['paths']], d['through_places'])")
[ "$got" = "([['hikvision-cctv-cameras', 'wolf-pack']], False)" ] && pass "a path does not pass through Israel" || fail "no places" "$got"
run --db "$DB" --json path --through-places hikvision wolf-pack
got=$(json_get "(len(d['paths']), d['through_places'])")
[ "$got" = "(2, True)" ] && pass "--through-places lets it" || fail "--through-places" "$got"
run --db "$DB" --json path hikvision israel
got=$(json_get "[[e['to'] for e in p['edges']] for p in d['paths']]")
[ "$got" = "[['israel']]" ] && pass "a place may be an end" || fail "place as end" "$got"
run --db "$DB" --json neighbors --depth 2 hikvision
got=$(json_get "sorted(n['id'] for n in d['nodes'] if n['id'] in ('israel','byd','geely','huawei'))")
[ "$got" = "['israel']" ] && pass "Hikvision's depth-2 network lists Israel but not the car makers tied only to it" ||
	fail "neighbours" "$got"

# ---- against brute force on generated data, with places removed ----
run gen --entities 2500 --seed 11 --out "$TMP/gen.jsonl"
run --db "$TMP/gen.db" --quiet import "$TMP/gen.jsonl"
/usr/bin/python3 - "$TIEMAP" "$TMP/gen.db" "$TMP/gen.jsonl" <<'EOF'
import json, random, subprocess, sys
from collections import defaultdict, deque
tiemap, db, data = sys.argv[1:4]
kind, adj = {}, defaultdict(set)
for line in open(data, encoding="utf-8"):
    r = json.loads(line)
    if r["type"] == "entity":
        kind[r["id"]] = r["kind"]
    elif r["type"] == "relation" and r["subject"] != r["object"]:
        adj[r["subject"]].add(r["object"]); adj[r["object"]].add(r["subject"])
place = {k for k, v in kind.items() if v in ("country", "region", "city")}
def bfs(a, through, depth=99):
    """Distances from a; a place (but a) is reached but never left unless through."""
    d, q = {a: 0}, deque([a])
    while q:
        u = q.popleft()
        if d[u] == depth or (u != a and u in place and not through):
            continue
        for w in adj[u]:
            if w not in d:
                d[w] = d[u] + 1; q.append(w)
    return d
def tm(*args):
    return json.loads(subprocess.run([tiemap, "--db", db, "--json", *args], capture_output=True, text=True).stdout or "null")
rnd = random.Random(5)
ids = sorted(kind)
firms = [i for i in ids if i not in place]
pairs = [(rnd.choice(firms), rnd.choice(firms)) for _ in range(20)] + [(rnd.choice(firms), rnd.choice(sorted(place))) for _ in range(5)]
# and two ties of one country each: where only the country would join them
for c in sorted(place)[:6]:
    ties = sorted(w for w in adj[c] if w not in place)
    if len(ties) >= 2:
        pairs.append((ties[0], ties[-1]))
bad, inner_places, through_used = [], 0, 0
for a, b in pairs:
    if a == b:
        continue
    want = bfs(a, False).get(b)
    got = tm("path", "--max-hops", "8", a, b)
    length = got["paths"][0]["hops"] if got and got["paths"] else None
    want = want if want is not None and want <= 8 else None
    if length != want:
        bad.append(f"{a}→{b}: tiemap {length}, brute force {want}")
    for p in (got or {}).get("paths", []):
        inner_places += sum(e["to"] in place for e in p["edges"][:-1])
    want_t = bfs(a, True).get(b)
    got_t = tm("path", "--through-places", "--max-hops", "8", a, b)
    length_t = got_t["paths"][0]["hops"] if got_t and got_t["paths"] else None
    if length_t != (want_t if want_t is not None and want_t <= 8 else None):
        bad.append(f"{a}→{b} through places: tiemap {length_t}, brute force {want_t}")
    through_used += length_t is not None and length is not None and length_t < length
print(("ok - " if not bad else "not ok - ") + f"path lengths equal a brute force on the graph without places ({len(pairs)} pairs on generated data)")
for m in bad[:5]:
    print("#   " + m)
print(("ok - " if not inner_places else "not ok - ") + "no path passes through a place")
print(("ok - " if through_used else "not ok - ") + f"and the generated data has paths that only a place shortens ({through_used})")
bad = []
for c in [rnd.choice(firms) for _ in range(8)]:
    want = bfs(c, False, 2)
    got = tm("neighbors", "--depth", "2", "--limit", "100000", c)
    have = {n["id"]: n["depth"] for n in got["nodes"]}
    if have != want:
        bad.append(f"{c}: {len(have)} nodes, brute force {len(want)}")
    for e in got["edges"]:
        if e["from"] in place and e["to"] in place and c not in (e["from"], e["to"]):
            bad.append(f"{c}: a tie between two places {e['from']} {e['to']}")
print(("ok - " if not bad else "not ok - ") + "neighbourhoods equal a brute force where places are reached but never left")
for m in bad[:5]:
    print("#   " + m)
EOF

# ---- every quote of the demo data is verbatim in its source's text ----
SHARED="$(cd "$(dirname "$0")/../.." && pwd)/../shared/seed"
if [ ! -r "$SHARED/between-chinese-surveillance-and-israeli-settler-colonialism.txt" ]; then
	echo "ok - # SKIP the quote check needs ../shared/seed (the essay and checked-sources.md), absent here"
else
	/usr/bin/python3 - "$SEED" "$SHARED" <<'PY'
import glob, json, os, sys
seed, shared = sys.argv[1:3]
essay = open(os.path.join(shared, "between-chinese-surveillance-and-israeli-settler-colonialism.txt"), encoding="utf-8").read()
checked = open(os.path.join(shared, "checked-sources.md"), encoding="utf-8").read()
oui = open("/usr/share/ieee-data/oui.csv", encoding="utf-8", errors="replace").read() if os.path.exists("/usr/share/ieee-data/oui.csv") else ""
# Quotes read in stored copies of the pages (2026-12-03), which are not
# files here: each is listed with its source, so a new quote is checked or
# named, never taken on trust.
read_elsewhere = {
    "black-press-2024": {
        "It is a known supplier of surveillance cameras for Israel",
        "It is a known supplier of surveillance cameras for Israel, dozens of which Amnesty International identified in the West Bank during a 2022 investigation.",
        "Hikvision’s products have been banned in the United States, over national security concerns",
        "The Chinese-state owned manufacturer",
        "Roughly a dozen people showed up for the action outside of security wholesaler ADI Global Distribution on Tuesday morning, where the company in question, Hikvision, was holding an event.",
        "The company has offices around the world, including in Toronto, Montreal and Vancouver.",
        "A group of B.C. protesters staged a demonstration in Burnaby on Tuesday (Feb. 27), calling for an arms embargo on Israel and for a video surveillance company to stop supplying the country with cameras.",
    },
    "hrw-2019": {"a mobile app that police and other officials use to communicate with the Integrated Joint Operations Platform (IJOP, 一体化联合作战平台), one of the main systems Chinese authorities use for mass surveillance in Xinjiang"},
    "ipvm-2018-hikvision-xinjiang": {"Evidence of Hikvision’s direct involvement in IJOP, a large-scale integrated surveillance program"},
}
bad, n = [], 0
for f in sorted(glob.glob(os.path.join(seed, "*.jsonl"))):
    for line in open(f, encoding="utf-8"):
        r = json.loads(line)
        for c in r.get("sources", []):
            if not isinstance(c, dict) or "quote" not in c:
                continue
            n += 1
            q, s = c["quote"], c["source"]
            if s.startswith("psan-2024"):
                ok = q in essay
            elif s == "ieee-oui":
                ok = q in oui
            else:
                ok = q in checked or any(q in x for x in read_elsewhere.get(s, ()))
            if not ok:
                bad.append(f"{os.path.basename(f)} {s}: {q[:70]}")
print(("ok - " if not bad else "not ok - ") + f"the {n} quotes of the demo data are verbatim in their sources' texts")
for b in bad[:10]:
    print("#   " + b)
PY
fi
