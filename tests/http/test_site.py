"""The readers' site (issue 11) against a real server over the demo data:
the three interface languages and their catalogs, browsing with facets
(checked against SQL counts over the database itself), the digest archive,
forms that keep their state, and what a page says of itself for sharing and
printing.  One TAP line per check."""
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, SEED, TIEMAP, Server, failures, ok  # noqa: E402


def q(s):
    return urllib.parse.quote(s, safe="")


def catalogs():
    """Every interface string in every language: a key the code asks for is
    in all three catalogs, and each kind, predicate and demo tag has its
    label and its frames."""
    cat = {}
    for lang, path in (("en", "web/i18n/en.json"), ("zh", "web/i18n/zh.json"),
                       ("zh-Hant", "build/gen/i18n/zh-Hant.json")):
        with open(os.path.join(ROOT, path), encoding="utf-8") as f:
            cat[lang] = json.load(f)
    missing = sorted(set(cat["en"]) ^ set(cat["zh"]))
    ok(not missing, "the English and Simplified catalogs have the same keys", missing[:8])
    missing = sorted(k for k in cat["zh"] if k not in cat["zh-Hant"])
    ok(not missing, "the Traditional catalog has every key of the Simplified one", missing[:8])
    # every literal key the pages ask for
    used = set()
    src = os.path.join(ROOT, "src", "http")
    for name in os.listdir(src):
        if name.endswith(".c"):
            with open(os.path.join(src, name), encoding="utf-8") as f:
                text = f.read()
            used |= set(re.findall(r'\bT\("([a-z_0-9.]+)"\)', text))
            used |= set(re.findall(r'tm_req_msg\(req, "([a-z_0-9.]+)"\)', text))
    missing = sorted(k for k in used if any(k not in cat[l] for l in cat))
    ok(used and not missing, "every message key the pages use is in all three catalogs (%d keys)" % len(used),
       missing[:8])
    # the vocabularies: kinds and predicates from src/model, with frames
    with open(os.path.join(ROOT, "src", "model", "model.c"), encoding="utf-8") as f:
        model = f.read()
    def table(name):
        """The body of the array `name` of model.c."""
        m = re.search(r'\b' + name + r'\[\] = \{(.*?)\n\};', model, re.S)
        return m.group(1) if m else ""
    kinds = re.findall(r'^\s*\{ "([a-z_]+)", "[^"]*", "[^"]*" \},', table("tm_kinds"), re.M)
    topics = re.findall(r'^\s*\{ "([a-z_]+)", "[^"]+", "[^"]+" \},', table("tm_topics"), re.M)
    preds = re.findall(r'^\s*\{ "([a-z_]+)", "[^"]*", "[^"]*", "[^"]*", "[^"]*", [01], [01] \},', model, re.M)
    ok(len(kinds) > 10 and len(preds) > 10, "the vocabularies were read from src/model (%d kinds, %d predicates)"
       % (len(kinds), len(preds)))
    missing = [k for k in kinds if "kind." + k not in cat["zh-Hant"]]
    missing += [p for p in preds if "pred." + p not in cat["zh-Hant"] or "pred_inv." + p not in cat["zh-Hant"]]
    ok(not missing, "the Traditional catalog labels every kind and predicate", missing[:8])
    missing = [p for p in preds for l in cat for k in ("frame.", "frame_inv.")
               if k + p not in cat[l] or "{s}" not in cat[l][k + p] or "{o}" not in cat[l][k + p]]
    ok(not missing, "every predicate has a frame with both slots, both ways, in every language", missing[:8])
    tags = set()
    for name in os.listdir(SEED):
        with open(os.path.join(SEED, name), encoding="utf-8") as f:
            for line in f:
                tags |= set(json.loads(line).get("tags", []))
    # tags are labelled once, as topics in src/model (search finds them by
    # either label); the Traditional catalog gets them through the transform
    missing = sorted(t for t in tags if t not in topics or "tag." + t not in cat["zh-Hant"])
    ok(tags and not missing, "every tag of the demo data has a label in every language", missing[:8])
    # the transform ran, and the reviewed corrections hold
    ok(cat["zh-Hant"]["nav.map"] == "地圖" and cat["zh-Hant"]["kind.company"] == "公司"
       and cat["zh-Hant"]["pred_inv.owns"] == "被…擁有" and cat["zh-Hant"]["source.note"] == "備註",
       "the Traditional catalog is ICU's Hans-Hant with the reviewed corrections",
       [cat["zh-Hant"].get(k) for k in ("nav.map", "pred_inv.owns", "source.note")])


def run_hant_tool(tmp):
    """The build step refuses an override whose Simplified text changed
    after it was reviewed."""
    tool = os.path.join(ROOT, "build", "tools", "i18n_hant")
    src = os.path.join(tmp, "zh.json")
    over = os.path.join(tmp, "over.json")
    out = os.path.join(tmp, "out.json")
    with open(src, "w", encoding="utf-8") as f:
        json.dump({"a": "后台数据", "b": "备注"}, f, ensure_ascii=False)
    with open(over, "w", encoding="utf-8") as f:
        json.dump({"b": {"hans": "备注", "hant": "備註"}}, f, ensure_ascii=False)
    r = subprocess.run([tool, src, over, out], capture_output=True, text=True)
    got = json.load(open(out, encoding="utf-8")) if r.returncode == 0 else {}
    ok(got.get("a") == "後台數據" and got.get("b") == "備註" and got.get("kind.company") == "公司",
       "i18n_hant converts through ICU, applies an override, and adds the vocabularies", r.stderr or got)
    with open(over, "w", encoding="utf-8") as f:
        json.dump({"b": {"hans": "旧文", "hant": "舊文"}}, f, ensure_ascii=False)
    r = subprocess.run([tool, src, over, out], capture_output=True, text=True)
    ok(r.returncode != 0 and "review it again" in r.stderr, "an override of changed text fails the build", r.stderr)


def languages(srv):
    s, h, body = srv.get("/?lang=zh-Hant")
    ok(s == 200 and '<html lang="zh-Hant">' in body and "首頁" in body and "地圖" in body,
       "?lang=zh-Hant gives the Traditional interface", body[:300])
    for al in ("zh-TW,zh;q=0.9", "zh-HK", "zh-Hant"):
        s, h, body = srv.get("/", {"Accept-Language": al})
        ok('<html lang="zh-Hant">' in body, "Accept-Language %s negotiates Traditional" % al)
    s, h, body = srv.get("/", {"Accept-Language": "zh-CN,zh;q=0.9"})
    ok('<html lang="zh-Hans">' in body and "Accept-Language" in h.get("vary", ""),
       "Accept-Language zh-CN negotiates Simplified, and the answer varies with it")
    s, h, body = srv.get("/entities/hikvision?lang=zh-Hant")
    ok("<h1>海康威視</h1>" in body and "中國" in body, "an entity in Traditional: its Traditional name, "
       "its country's name from ICU")
    ok('class="desc" lang="zh-Hans"' in body, "Simplified content on a Traditional page is marked lang=zh-Hans")
    # relation frames: the entities in the sentence's slots
    s, h, body = srv.get("/entities/hikvision?lang=zh")
    text = re.sub(r"<[^>]+>", "", body)
    ok("海康威视被中国电子科技集团公司拥有" in text and "被…拥有 中国" not in text,
       "the owners chain reads as a Chinese sentence: 海康威视被中国电子科技集团公司拥有", text[:200])
    s, h, body = srv.get("/entities/hikvision?lang=en")
    text = re.sub(r"<[^>]+>", "", body)
    ok("Hikvision is owned by China Electronics Technology Group Corporation" in text,
       "the same in English: Hikvision is owned by China Electronics Technology Group Corporation")
    ok('lang="en">Hikvision</p>' in srv.get("/entities/hikvision?lang=zh")[2],
       "the English name on a Chinese page carries lang=en")
    # the switch keeps every parameter
    s, h, body = srv.get("/entities?kind=company&country=CN&sort=ties&lang=en")
    ok('href="/entities?kind=company&amp;country=CN&amp;sort=ties&amp;lang=zh"' in body
       and 'href="/entities?kind=company&amp;country=CN&amp;sort=ties&amp;lang=zh-Hant"' in body,
       "the language switch keeps every parameter", re.findall(r'<ul class="lang-switch".*?</ul>', body)[:1])
    # errors in the page's language
    s, h, body = srv.get("/no/such/page?lang=zh")
    ok(s == 404 and "没有这个页面" in body and "no such page" not in body, "a 404 speaks Chinese on a Chinese page")


def sql_count(db, where, args):
    with sqlite3.connect("file:%s?mode=ro" % db, uri=True) as c:
        return c.execute("SELECT count(*) FROM entities e WHERE " + where, args).fetchone()[0]


def browsing(srv, db):
    expect = sql_count(db, "kind=? AND country=?", ("company", "CN"))
    s, h, body = srv.get("/entities?kind=company&country=CN&lang=en")
    m = re.search(r"Entities found: (\d+)", body)
    items = len(re.findall(r'<a class="hit"', body))
    ok(s == 200 and m and int(m.group(1)) == expect and items == min(expect, 50),
       "/entities?kind=company&country=CN lists what SQL counts (%d)" % expect, m and m.group(0))
    s, h, d = srv.get_json("/api/v1/entities?kind=company&country=CN&limit=100")
    ok(s == 200 and d["total"] == expect and len(d["results"]) == expect
       and all(r["kind"] == "company" and r["country"] == "CN" for r in d["results"]),
       "/api/v1/entities gives the same total and rows", (d or {}).get("total"))
    # each facet counts under every filter but its own
    kinds = {f["value"]: f["count"] for f in d["facets"]["kind"]}
    countries = {f["value"]: f["count"] for f in d["facets"]["country"]}
    tags = {f["value"]: f["count"] for f in d["facets"]["tag"]}
    good = all(kinds[k] == sql_count(db, "kind=? AND country=?", (k, "CN")) for k in kinds)
    good &= all(countries[c] == sql_count(db, "kind=? AND country=?", ("company", c)) for c in countries)
    good &= all(tags[t] == sql_count(db, "kind=? AND country=? AND id IN (SELECT entity FROM tags WHERE tag=?)",
                                     ("company", "CN", t)) for t in tags)
    ok(kinds and countries and tags and good, "every facet count agrees with SQL over the store",
       json.dumps(d["facets"])[:300])
    ok(kinds.get("company") == expect and countries.get("CN") == expect,
       "the chosen values count the list itself")
    # the page shows the same counts
    ok(all('%s</a> <span class="n">%d</span>' % (lbl, n) in body or
           '%s</strong> <span class="n">%d</span>' % (lbl, n) in body
           for lbl, n in (("company", kinds["company"]), ("China", countries["CN"]))),
       "the page shows the facet counts beside the filters")
    # paging and sorting
    s, h, a = srv.get_json("/api/v1/entities?sort=ties&limit=3")
    s2, h2, b = srv.get_json("/api/v1/entities?sort=ties&limit=3&offset=3")
    ok(a["total"] == sql_count(db, "1", ()) and [r["ties"] for r in a["results"]] == sorted(
        [r["ties"] for r in a["results"]], reverse=True) and a["results"][-1]["ties"] >= b["results"][0]["ties"]
       and not {r["id"] for r in a["results"]} & {r["id"] for r in b["results"]},
       "sort=ties pages through the list, most ties first")
    s, h, d = srv.get_json("/api/v1/entities?country=Canada")
    ok(s == 400 and d["error"]["code"] == "bad_parameter", "the API refuses a bad filter with 400")
    # a bad filter on the page keeps the form, the error beside the field
    s, h, body = srv.get("/entities?kind=company&country=Canada&lang=zh")
    ok(s == 400 and 'id="err-country"' in body and 'aria-describedby="err-country"' in body
       and '<option value="company" selected>' in body,
       "a bad country keeps the form (kind still chosen) with the error beside the field, 400")
    # every tag, kind and country links to its list
    s, h, body = srv.get("/entities/hikvision?lang=en")
    ok('href="/tags/surveillance?lang=en"' in body and 'href="/entities?kind=company&amp;lang=en"' in body
       and 'href="/entities?country=CN&amp;lang=en"' in body, "an entity's tags, kind and country link to lists")
    s, h, body = srv.get("/tags/surveillance?lang=zh")
    n = sql_count(db, "id IN (SELECT entity FROM tags WHERE tag='surveillance')", ())
    ok(s == 200 and "标签：监控" in body and ("找到的实体: %d" % n) in body, "a tag's page lists its entities")
    # sources
    with sqlite3.connect("file:%s?mode=ro" % db, uri=True) as c:
        total = c.execute("SELECT count(*) FROM sources").fetchone()[0]
        y = c.execute("SELECT substr(date,1,4), count(*) FROM sources WHERE date<>'' GROUP BY 1 ORDER BY 2 DESC").fetchone()
    s, h, d = srv.get_json("/api/v1/sources?year=" + y[0])
    ok(s == 200 and d["total"] == y[1] and all(r["date"].startswith(y[0]) for r in d["results"]),
       "/api/v1/sources?year=%s gives the %d sources of that year" % y)
    s, h, body = srv.get("/sources?lang=en")
    ok(s == 200 and ("Entities found: %d" % total) in body, "/sources lists every source")
    s, h, body = srv.get("/sources?year=20x4&lang=en")
    ok(s == 400 and 'class="field-error"' in body, "a bad year keeps the sources form, 400")


def digest(srv):
    s, h, body = srv.get("/digest?lang=en")
    ok(s == 200 and re.search(r'href="/digest/2024-W09\?lang=en">Week 2024-W09</a>.*1 action', body),
       "/digest lists 2024-W09 with its count", re.findall(r"<li data-week.*?</li>", body)[:2])
    s, h, body = srv.get("/digest?lang=zh")
    ok(s == 200 and "1 项行动" in body and 'href="/digest/2024-W09?lang=zh"' in body, "the archive in Chinese")
    ok('href="/digest?lang=zh"' in body.split("<main")[0], "the nav has a Digest link")
    s, h, body = srv.get("/actions/2024-02-27-protest-burnaby?lang=en")
    ok('href="/digest/2024-W09?lang=en"' in body, "the action page links to its week")
    s, h, body = srv.get("/digest/2030-W01?lang=zh")
    ok('class="empty-week"' in body and 'href="/digest?lang=zh"' in body, "an empty week points to the archive")
    s, h, body = srv.get("/digest/2024-W09?lang=zh&pair=1")
    d = body[body.index('class="digest"'):]
    ok(re.search(r"[\u4e00-\u9fff]", d[:400]) and d.find("本拿比") < d.find("Burnaby"),
       "a Chinese page leads with Chinese in the paired digest")
    for path in ("/actions?lang=en", "/digest?lang=en", "/digest/2024-W09?lang=en"):
        s, h, body = srv.get(path)
        ok('rel="alternate" type="application/atom+xml"' in body, "Atom autodiscovery on " + path)


def share_and_print(srv, base):
    s, h, body = srv.get("/entities/hikvision?lang=en")
    ok('<link rel="canonical" href="%s/entities/hikvision?lang=en">' % base in body
       and '<meta property="og:url" content="%s/entities/hikvision?lang=en">' % base in body
       and '<meta name="description" content="Chinese state-backed surveillance company' in body
       and '<meta property="og:title" content="Hikvision">' in body,
       "an entity page: canonical link and Open Graph from --base-url, its description")
    ok('class="print-url">%s/entities/hikvision?lang=en<' % base in body and '<time datetime="20' in body,
       "the print header holds the absolute URL and the date")
    s, h, body = srv.get("/search?q=%E6%B5%B7%E5%BA%B7&lang=zh")
    ok("<title>搜索：海康 — " in body, "the title carries the query")
    s, h, body = srv.get("/print.css")
    ok(s == 200 and h["content-type"].startswith("text/css") and ('"%s" attr(href)' % base) in body,
       "/print.css prints links whole, on the site's address")
    s, h, body = srv.get("/robots.txt")
    ok(s == 200 and "Disallow: /api/" in body and "User-agent: *" in body, "/robots.txt by default")
    s, h, body = srv.get("/nothing-here/hikvison?lang=en")
    ok(s == 404 and 'name="q" type="search" maxlength="200" value="hikvison"' in body,
       "a 404 offers a search for what was asked")


def main():
    catalogs()
    with tempfile.TemporaryDirectory() as tmp:
        run_hant_tool(tmp)
        db = os.path.join(tmp, "demo.db")
        seed = sorted(os.path.join(SEED, f) for f in os.listdir(SEED) if f.endswith(".jsonl"))
        subprocess.run([TIEMAP, "--db", db, "--quiet", "import"] + seed, check=True)
        robots = os.path.join(tmp, "robots.txt")
        with open(robots, "w") as f:
            f.write("User-agent: *\nDisallow: /\n")
        base = "https://tiemap.example.org"
        srv = Server(db, tmp, "--base-url", base + "/")
        try:
            languages(srv)
            browsing(srv, db)
            digest(srv)
            share_and_print(srv, base)
        finally:
            srv.stop()
        srv = Server(db, tmp, "--robots", robots)
        try:
            s, h, body = srv.get("/robots.txt")
            ok(body == "User-agent: *\nDisallow: /\n", "--robots serves the operator's file")
        finally:
            srv.stop()
    print("# %d failed" % failures())
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
