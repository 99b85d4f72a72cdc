#!/usr/bin/env python3
"""HTTP tests of claims a campaign can publish (issue 10): the screening cases
through the API in JSON and CSV in both languages; paths and neighbourhoods
that leave places out unless ?places=1; the data licence in the index, the
headers and every page's footer; a "cite this page" line; the about page from
the data; quotes as page text; unchecked sources marked; no page that names a
repository path; the list of entities filtered by category of involvement
(issue 11), its counts against SQL.  One TAP line per check.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse
from collections import defaultdict, deque
import random

from harness import SEED, TIEMAP, Server, failures, ok
TMP = tempfile.mkdtemp(prefix="tiemap-http-claims-")
DB = os.path.join(TMP, "demo.db")

LIST = ("name\nAmnesty International\nHuman Rights Watch\nPalestine Solidarity Action Network\n"
        "巴勒斯坦团结行动网络\nBYD\n\"Huawei Technologies Co., Ltd.\"\nSAIC Motor\nHikvision\nEZVIZ Network\n"
        "Israel\nChina\n")
NOT_FLAGGED = ["amnesty-international", "human-rights-watch", "psan", "psan", "byd", "huawei", "saic-motor"]
PLACES = {"country", "region", "city"}


def screen_api(srv):
    s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"}, LIST.encode())
    rep = json.loads(d) if s == 200 else None
    if not ok(rep is not None, "POST /api/v1/screen the list of the issue", d[:300]):
        return
    rows = rep["rows"]
    ids = [(r["match"] or {}).get("id") for r in rows]
    ok(ids[:7] == NOT_FLAGGED and all(not r["flags"] for r in rows[:7]),
       "API: the NGOs, the network, BYD, Huawei and SAIC are matched and not flagged",
       [(i, len(r["flags"])) for i, r in zip(ids, rows)])
    ok(not rows[9]["flags"] and not rows[10]["flags"] and ids[9:] == ["israel", "china"],
       "API: countries carry no flag")
    hik = rows[7]["flags"]
    ok(ids[7] == "hikvision" and hik and all(f["basis"] == "direct" and f["direct"] and not f["chain"] for f in hik),
       "API: Hikvision is flagged direct", [(f["category"], f["basis"]) for f in hik])
    ok(all(c.get("quote") for f in hik for cl in f["claims"] for c in cl["sources"]),
       "API: each direct flag carries its claim's citations with their quotes")
    ez = rows[8]["flags"]
    ok(ids[8] == "ezviz" and ez and all(f["basis"] == "via_owner" and not f["direct"] for f in ez)
       and ez[0]["involved"]["id"] == "hikvision",
       "API: EZVIZ, owned by Hikvision, is flagged via its owner")
    ok(ez and ez[0]["text"] == "Surveillance of Palestinians under occupation: via owner: "
       "EZVIZ Network —owned by (share not given)→ Hikvision"
       and ez[0]["text_zh"] == "监控被占领的巴勒斯坦人：经由所有者：EZVIZ Network —被…拥有（未记录持股比例）→ 海康威视",
       "API: the via flag says its chain by names, in English and in Chinese", ez and ez[0]["text"])
    ok(ez and all(c.get("quote") for st in ez[0]["chain"] for c in st["sources"]) and ez[0]["chain"][0]["from_name"] == "EZVIZ Network",
       "API: each tie of the chain with its names, sources and quotes")
    sm = rep["summary"]
    ok("a match is not proof" in sm["caveat"].lower() and "absence is not innocence" in sm["caveat"]
       and "匹配不是证据" in sm["caveat_zh"] and "没有结果也不代表清白" in sm["caveat_zh"],
       "API: the report says a match is not proof and absence is not innocence, in both languages")
    ok(sm["depth"] == 3 and sm["min_share"] == 50 and len(sm["categories"]) == 13 and sm["flags"] is True,
       "API: the CLI's defaults (every category, depth 3, share 50 %)", {k: sm[k] for k in ("depth", "min_share")})
    cli = subprocess.run([TIEMAP, "--db", DB, "--quiet", "screen", "--format", "json", os.path.join(TMP, "list.csv")],
                         capture_output=True)
    want = json.loads(cli.stdout)
    want["summary"].pop("seconds", None)
    rep["summary"].pop("seconds", None)
    ok(want == rep, "API: the same report as `tiemap screen --format json`")

    for lang, via, direct, caveat_ok in (
            ("en", "Surveillance of Palestinians under occupation: via owner: EZVIZ Network —owned by (share not given)→ Hikvision",
             "direct (Hikvision's own involvement claim)", "no flag is not innocence"),
            ("zh", "监控被占领的巴勒斯坦人：经由所有者：EZVIZ Network —被…拥有（未记录持股比例）→ 海康威视",
             "直接（海康威视 自身的参与声明）", "没有标记不代表清白")):
        s, h, d = srv.request("/api/v1/screen?format=csv&lang=" + lang, "POST", {"Content-Type": "text/csv"}, LIST.encode())
        rows = list(csv.DictReader(io.StringIO(d.decode("utf-8")))) if s == 200 else []
        by = {r["match_id"]: r for r in rows}
        ok(s == 200 and h.get("content-type", "").startswith("text/csv") and len(rows) == 11,
           "API CSV (%s): one row a line" % lang, "%s %r" % (s, d[:200]))
        if len(rows) != 11:
            continue
        ok(via in by["ezviz"]["flags"] and direct in by["hikvision"]["flags"]
           and by["ezviz"]["flag_bases"].startswith("occupation_surveillance:via_owner"),
           "API CSV (%s): the flags say direct or via, the chain by names" % lang, by["ezviz"]["flags"][:200])
        ok(all(by[i]["flags"] == "" for i in NOT_FLAGGED) and by["israel"]["flags"] == "",
           "API CSV (%s): nobody else is flagged" % lang)
        ok(by["byd"]["caveat"].startswith(caveat_ok) and "“" in by["ezviz"]["evidence"],
           "API CSV (%s): the caveat and the quotes of the evidence in every row" % lang, by["byd"]["caveat"])
    s, h, d = srv.request("/api/v1/screen?tags=surveillance", "POST", {"Content-Type": "text/csv"}, LIST.encode())
    ok(s == 400 and b"never flag" in d, "API: tags are refused: they are topics and never flag", d[:200])
    s, h, d = srv.request("/api/v1/screen?categories=xinjiang_detention&depth=0", "POST", {"Content-Type": "text/csv"},
                          LIST.encode())
    rep = json.loads(d) if s == 200 else {"rows": []}
    ok([(r["match"] or {}).get("id") for r in rep["rows"] if r["flags"]] == ["hikvision"],
       "API: depth=0 and one category flag only Hikvision's own claim")

    for lang, words, flag in (("en", "A match is not proof and absence is not innocence", "via owner: EZVIZ Network"),
                              ("zh", "匹配不是证据", "经由所有者：EZVIZ Network")):
        s, h, d = srv.request("/screen?lang=" + lang, "POST", {"Content-Type": "text/csv"}, LIST.encode())
        page = d.decode("utf-8")
        ok(s == 200 and words in page and flag in page and "For example, Hikvision cameras feed information" in page,
           "the screen page (%s) says the caveat, the flag by names and its quotes" % lang)


def places(srv):
    s, h, d = srv.get_json("/api/v1/path?from=hikvision&to=wolf-pack&max_hops=3&limit=32")
    kinds = {}
    s2, h2, ents = srv.get_json("/api/v1/export.jsonl")
    s3, h3, raw = srv.request("/api/v1/export.jsonl")
    for line in raw.decode().splitlines():
        r = json.loads(line)
        if r.get("type") == "entity":
            kinds[r["id"]] = r["kind"]
    inside = [st["to"] for p in d["paths"] for st in p["edges"][:-1]]
    ok(s == 200 and d["through_places"] is False and d["paths"] and not any(kinds.get(x) in PLACES for x in inside),
       "API path: no path from Hikvision to Wolf Pack passes through a place", inside)
    s, h, d1 = srv.get_json("/api/v1/path?from=hikvision&to=wolf-pack&max_hops=3&limit=32&places=1")
    inside1 = [st["to"] for p in d1["paths"] for st in p["edges"][:-1]]
    ok(s == 200 and d1["through_places"] is True and "israel" in inside1,
       "API path with places=1: the path through Israel comes back", inside1)
    s, h, d = srv.get_json("/api/v1/path?from=hikvision&to=israel")
    ok(s == 200 and d["paths"] and d["paths"][0]["edges"][-1]["to"] == "israel", "API path: a place may be an end")
    s, h, d = srv.get_json("/api/v1/entities/hikvision/neighbors?depth=2&limit=500")
    depth = {n["id"]: n["depth"] for n in d["nodes"]}
    # each node is reached from a node one tie nearer that is not a place
    bad = [n for n, k in depth.items() if k and not any(
        {e["from"], e["to"]} & {n} and (e["to"] if e["from"] == n else e["from"]) in depth
        and depth[e["to"] if e["from"] == n else e["from"]] == k - 1
        and (k == 1 or kinds.get(e["to"] if e["from"] == n else e["from"]) not in PLACES) for e in d["edges"])]
    two = [n for n in d["nodes"] if n["depth"] == 2]
    ok(s == 200 and d["through_places"] is False and not bad and "israel" in depth,
       "API neighbors: places are listed, nothing is reached through them", bad[:3])
    s, h, d1 = srv.get_json("/api/v1/entities/hikvision/neighbors?depth=2&limit=500&places=1")
    two1 = [n for n in d1["nodes"] if n["depth"] == 2]
    ok(s == 200 and d1["through_places"] is True and len(two1) > len(two),
       "API neighbors with places=1 reach more through the countries (%d > %d at depth 2)" % (len(two1), len(two)))
    s, h, page = srv.get("/path?from=hikvision&to=wolf-pack")
    ok(s == 200 and 'name="places"' in page and 'type="checkbox"' in page, "the path page has a places checkbox")
    s, h, page = srv.get("/entities/hikvision/graph?depth=2")
    ok(s == 200 and 'name="places"' in page, "the graph page has a places checkbox")


def places_generated():
    """The API's paths and neighbourhoods on generated data against a brute
    force over its ties in which a place is reached but never left (the CLI's
    twin of this is tests/cli/test_claims.sh)."""
    data, db = os.path.join(TMP, "gen.jsonl"), os.path.join(TMP, "gen.db")
    r = subprocess.run([TIEMAP, "gen", "--entities", "1500", "--seed", "23", "--out", data], capture_output=True)
    r2 = subprocess.run([TIEMAP, "--db", db, "--quiet", "import", data], capture_output=True) if not r.returncode else r
    if not ok(r.returncode == 0 and r2.returncode == 0, "generated data for the API's place checks", r2.stderr[-300:]):
        return
    kind, adj = {}, defaultdict(set)
    for line in open(data, encoding="utf-8"):
        rec = json.loads(line)
        if rec["type"] == "entity":
            kind[rec["id"]] = rec["kind"]
        elif rec["type"] == "relation" and rec["subject"] != rec["object"]:
            adj[rec["subject"]].add(rec["object"])
            adj[rec["object"]].add(rec["subject"])
    place = {k for k, v in kind.items() if v in PLACES}

    def bfs(a, through, depth=99):
        d, q = {a: 0}, deque([a])
        while q:
            u = q.popleft()
            if d[u] == depth or (u != a and u in place and not through):
                continue
            for w in adj[u]:
                if w not in d:
                    d[w] = d[u] + 1
                    q.append(w)
        return d

    rnd = random.Random(9)
    firms = sorted(k for k in kind if k not in place)
    pairs = [(rnd.choice(firms), rnd.choice(firms)) for _ in range(12)]
    pairs += [(rnd.choice(firms), rnd.choice(sorted(place))) for _ in range(3)]
    for c in sorted(place)[:4]:  # two ties of one country: only it would join them
        ties = sorted(w for w in adj[c] if w not in place)
        if len(ties) >= 2:
            pairs.append((ties[0], ties[-1]))
    srv = Server(db, TMP, "--rate", "0", timeout=60)
    bad, inner, shorter = [], 0, 0
    try:
        for a, b in pairs:
            if a == b:
                continue
            lengths = []
            for through in (False, True):
                q = "/api/v1/path?from=%s&to=%s&max_hops=6&limit=32%s" % (a, b, "&places=1" if through else "")
                s, h, d = srv.get_json(q)
                got = d["paths"][0]["hops"] if s == 200 and d["paths"] else None
                want = bfs(a, through).get(b)
                want = want if want is not None and want <= 6 else None
                if got != want:
                    bad.append("%s: %s, brute force %s" % (q, got, want))
                if not through and s == 200:
                    inner += sum(e["to"] in place for p in d["paths"] for e in p["edges"][:-1])
                lengths.append(got)
            shorter += None not in lengths and lengths[1] < lengths[0]
        for c in [rnd.choice(firms) for _ in range(6)]:
            s, h, d = srv.get_json("/api/v1/entities/%s/neighbors?depth=2&limit=500" % c)
            have = {n["id"]: n["depth"] for n in d["nodes"]} if s == 200 else {}
            if s != 200 or d["truncated"] or have != bfs(c, False, 2):
                bad.append("%s: %d nodes, brute force %d" % (c, len(have), len(bfs(c, False, 2))))
    finally:
        srv.stop()
    ok(not bad and not inner, "API paths and neighbourhoods on generated data equal a brute force in which places are "
       "ends only (%d pairs, 6 neighbourhoods)" % len(pairs), bad[:4])
    ok(shorter > 0, "and places=1 finds the shorter paths through a place (%d)" % shorter)


def licence(srv, srv2):
    s, h, d = srv.get_json("/api/v1")
    ok(d.get("licence", {}).get("id") == "CC-BY-SA-4.0", "the API index states the default licence, CC BY-SA 4.0", d.get("licence"))
    ok("creativecommons.org/licenses/by-sa/4.0" in h.get("link", "") and 'rel="license"' in h.get("link", ""),
       "answers carry a Link rel=license header", h.get("link"))
    s, h, d = srv.get("/entities/hikvision")
    ok(re.search(r'<footer.*CC BY-SA 4\.0', d, re.S) is not None, "the footer names the licence")
    s, h, d = srv2.get_json("/api/v1")
    ok(d.get("licence", {}).get("id") == "CC-BY-4.0", "serve --licence CC-BY-4.0 is what the index says", d.get("licence"))
    s, h, d = srv2.get("/entities/hikvision?lang=zh")
    ok("CC BY 4.0" in d and "creativecommons.org/licenses/by/4.0" in d, "and what the footer says")
    s, h, d = srv2.get("/entities/hikvision")
    ok("https://tiemap.example.org/entities/hikvision" in d, "with --base-url, the cite line's permalink uses it")
    s, h, d = srv.request("/api/v1/export.jsonl")
    ok("creativecommons.org/licenses/by-sa/4.0" in h.get("link", ""), "the export carries the licence in its Link header")


def pages(srv):
    s, h, d = srv.get("/about")
    ok(s == 200 and "Surveillance of Palestinians under occupation" in d and "A/HRC/22/63" in d and "Who Profits" in d,
       "the about page lists the categories with their anchors")
    s, h, dz = srv.get("/about?lang=zh")
    ok(s == 200 and "监控被占领的巴勒斯坦人" in dz and dz != d, "the about page in Chinese")
    s, h, d = srv.get("/entities/hikvision")
    ok("Involvement" in d and "Topics" in d and "Last changed" in d, "the entity page: involvement, topics, last changed")
    ok("For example, Hikvision cameras feed information into 狼群 (Wolf Pack)" in d and "section “Interconnected Surveillance”" in d,
       "the entity page shows the involvement's quote and locator as text")
    ok('class="cite-page"' in d or "Cite this page" in d, "the entity page has a cite-this-page line")
    s, h, d = srv.get("/sources/psan-2024")
    ok(s == 200 and "Hikvision’s parent company is the China Electronics Technology Corporation" in d
       and "For example, Hikvision cameras feed information" in d, "the source page lists its claims with their quotes")
    s, h, d = srv.get("/sources/stop-2021")
    ok(s == 200 and 'class="unchecked"' in d, "an unchecked source is marked on its page")
    s, h, d = srv.get("/entities/nypd")
    ok(s == 200 and 'class="unchecked"' in d, "and where it is cited")
    s, h, d = srv.get("/entities/hikvision?lang=zh")
    ok("引用本页" in d or "cite-page" in d, "the cite line in Chinese")


def sql(query, args=()):
    with sqlite3.connect("file:%s?mode=ro" % DB, uri=True) as c:
        return c.execute(query, args).fetchall()


def categories(srv):
    """/entities and /api/v1/entities by category of involvement: the list,
    the facet's counts under the other filters, each category a link."""
    cat = "occupation_surveillance"
    want = sorted(r[0] for r in sql("SELECT DISTINCT e.slug FROM entities e JOIN involvements v ON v.entity=e.id"
                                     " WHERE v.category=?", (cat,)))
    s, h, d = srv.get_json("/api/v1/entities?category=%s&limit=100" % cat)
    got = sorted(r["id"] for r in d.get("results", []))
    ok(s == 200 and want and got == want and d["total"] == len(want) and d["filters"].get("category") == cat
       and all(cat in r["categories"] for r in d["results"]),
       "/api/v1/entities?category=%s lists the %d entities with a claim of it" % (cat, len(want)), (got, want))
    # the facet counts each category under the other filters (here kind=company)
    s, h, d = srv.get_json("/api/v1/entities?kind=company&category=%s" % cat)
    counts = {f["value"]: f["count"] for f in d["facets"]["category"]}
    expect = dict(sql("SELECT v.category, count(DISTINCT e.id) FROM involvements v JOIN entities e ON e.id=v.entity"
                      " WHERE e.kind='company' GROUP BY 1"))
    ok(s == 200 and counts == expect and len(expect) > 1,
       "the category facet counts the companies of each category, the chosen one included", (counts, expect))
    kinds = {f["value"]: f["count"] for f in d["facets"]["kind"]}
    ok(all(kinds[k] == sql("SELECT count(DISTINCT e.id) FROM entities e JOIN involvements v ON v.entity=e.id"
                           " WHERE e.kind=? AND v.category=?", (k, cat))[0][0] for k in kinds),
       "and the kind facet counts under the category filter", kinds)
    s, h, d = srv.get_json("/api/v1/entities?category=surveillance")
    ok(s == 400 and d["error"]["code"] == "bad_parameter", "a tag is not a category: 400")
    s, h, d = srv.get_json("/api/v1/entities?limit=100&sort=ties")
    row = {r["id"]: r for r in d["results"]}
    hik = sorted(r[0] for r in sql("SELECT DISTINCT category FROM involvements v JOIN entities e ON e.id=v.entity"
                                   " WHERE e.slug='hikvision'"))
    ok(row.get("hikvision", {}).get("categories") == hik and row.get("amnesty-international", {}).get("categories") == [],
       "each row lists its categories, sorted; an NGO has none", row.get("hikvision"))
    # the page
    s, h, body = srv.get("/entities?category=%s&lang=zh" % cat)
    ok(s == 200 and "实体：监控被占领的巴勒斯坦人" in body and ("找到的实体: %d" % len(want)) in body
       and '<option value="%s" selected>' % cat in body,
       "/entities?category=… in Chinese: the title names the category, the count, the form keeps it")
    s, h, body = srv.get("/entities?category=surveillance&kind=company&lang=en")
    ok(s == 400 and 'id="err-category"' in body and '<option value="company" selected>' in body,
       "a category that is not one keeps the form with the error beside its field, 400")
    s, h, body = srv.get("/entities/hikvision?lang=en")
    ok('class="category" href="/entities?category=%s&amp;lang=en"' % cat in body
       and 'href="/about?lang=en#%s"' % cat in body,
       "on the entity page a category links to its list, and to its definition")
    s, h, body = srv.get("/entities?lang=en&sort=ties")
    ok('class="category" href="/entities?category=%s&amp;lang=en"' % cat in body,
       "the list shows each entity's categories as links")


def crawl(srv):
    """Every page reachable from the home page (and every entity and source
    page), none naming a repository path."""
    seen, todo, bad = set(), ["/", "/about", "/screen", "/actions", "/digest"], []
    s, h, raw = srv.request("/api/v1/export.jsonl")
    for line in raw.decode().splitlines():
        r = json.loads(line)
        if r.get("type") == "entity":
            todo.append("/entities/" + r["id"])
        elif r.get("type") == "source":
            todo.append("/sources/" + r["id"])
    while todo and len(seen) < 400:
        u = todo.pop()
        if u in seen:
            continue
        seen.add(u)
        s, h, d = srv.get(u)
        if not h.get("content-type", "").startswith("text/html"):
            continue
        for lang in ("", "zh"):
            if lang:
                s, h, d = srv.get(u + ("&" if "?" in u else "?") + "lang=zh")
            if "shared/" in d or "data/seed" in d:
                bad.append(u + " " + lang)
        for m in re.finditer(r'href="(/[^"#]*)"', d):
            v = m.group(1).replace("&amp;", "&")
            if v.startswith(("/static", "/api", "/tiles", "/feed")):
                continue
            v = re.sub(r"[?&]lang=(en|zh)", "", v)
            if v.count("/") <= 3 and len(seen) + len(todo) < 600:
                todo.append(v)
    ok(len(seen) > 80 and not bad, "no page names a repository path (%d pages, both languages)" % len(seen), bad[:5])


def main():
    r = subprocess.run([TIEMAP, "--db", DB, "--quiet", "import"] +
                       sorted(os.path.join(SEED, f) for f in os.listdir(SEED) if f.endswith(".jsonl")),
                       capture_output=True)
    if r.returncode:
        print("not ok - seed import")
        return 1
    with open(os.path.join(TMP, "list.csv"), "w", encoding="utf-8") as f:
        f.write(LIST)
    srv = Server(DB, TMP, "--rate", "0", timeout=60)
    srv2 = Server(DB, TMP, "--rate", "0", "--licence", "CC-BY-4.0", "--base-url", "https://tiemap.example.org",
                  timeout=60)
    try:
        screen_api(srv)
        places(srv)
        licence(srv, srv2)
        pages(srv)
        categories(srv)
        crawl(srv)
        places_generated()
    finally:
        for x in (srv, srv2):
            rc, err = x.stop()
            ok(rc == 0 and "runtime error" not in err and "ERROR: AddressSanitizer" not in err, "the server stops cleanly",
               err[-2000:])
    print("# %d failed" % failures())
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
