#!/usr/bin/env python3
"""HTTP tests of the campaign pages: a real `tiemap serve` on a free loopback
port with the demo data and generated actions.  /actions (filters, pages,
errors), /actions/{id}, /digest/{week} (HTML, .md, .txt), /feed.atom (RFC 4287
through xmllint and by element), /map (the data block, the list, the tile
server's CSP), escaping of hostile text everywhere, and the Host header.
One TAP line per check.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

from harness import SEED, TIEMAP, Server, failures, ok
TMP = tempfile.mkdtemp(prefix="tiemap-http-campaign-")
DB = os.path.join(TMP, "demo.db")
A = "{http://www.w3.org/2005/Atom}"


HOSTILE = '<script>alert("x")</script> & \'quote\''


def setup():
    files = sorted(os.path.join(SEED, f) for f in os.listdir(SEED) if f.endswith(".jsonl"))
    extra = os.path.join(TMP, "extra.jsonl")
    with open(extra, "w") as f:
        # 120 actions in one month, for the pages; and one with hostile text everywhere
        for i in range(120):
            f.write(json.dumps({"type": "action", "id": "gen-%03d" % i, "date": "2023-05-%02d" % (i % 28 + 1),
                                "kind": "boycott", "country": "FR", "targets": ["hikvision"],
                                "title": {"en": "Generated boycott %d" % i}, "sources": ["psan-2024"]}) + "\n")
        f.write(json.dumps({"type": "action", "id": "hostile", "date": "2024-02-28", "kind": "other",
                            "place": {"en": HOSTILE}, "lat": 10, "lon": 10,
                            "actors": [{"en": HOSTILE}], "targets": [{"zh": HOSTILE}],
                            "title": {"en": HOSTILE, "zh": HOSTILE}, "summary": {"en": HOSTILE},
                            "note": HOSTILE, "sources": [{"source": "psan-2024", "quote": HOSTILE}]}) + "\n")
        f.write(json.dumps({"type": "site", "id": "hostile-site", "kind": "other", "country": "FR",
                            "name": {"en": HOSTILE}, "city": HOSTILE, "lat": 10, "lon": 11,
                            "sources": ["psan-2024"]}) + "\n")
    r = subprocess.run([TIEMAP, "--db", DB, "--quiet", "import"] + files + [extra], capture_output=True)
    if r.returncode:
        raise SystemExit("not ok - import: %s" % r.stderr.decode(errors="replace"))


def actions(srv):
    s, h, body = srv.get("/actions?lang=en")
    ok(s == 200 and h["content-type"].startswith("text/html") and "Actions found: 122" in body
       and body.count("<li data-id=") == 50, "/actions lists the newest 50 of 122 actions", body[:300])
    ok('rel="next" href="/actions?lang=en&amp;page=2"' in body and 'rel="prev"' not in body,
       "/actions links to the next page only from the first")
    s, h, body = srv.get("/actions?lang=en&page=3&kind=boycott")
    ok(s == 200 and body.count("<li data-id=") == 20 and 'rel="prev" href="/actions?lang=en&amp;kind=boycott&amp;page=2"' in body
       and 'rel="next"' not in body, "the last page holds the rest and keeps the filter in its links", body[-600:])
    s, h, body = srv.get("/actions?lang=zh&from=2024-02-01&to=2024-02-29&kind=protest")
    ok(s == 200 and "找到的行动: 1" in body and "2024-02-27-protest-burnaby" in body and "本拿比" in body,
       "/actions filters by date range and kind, in Chinese", body[:400])
    s, h, body = srv.get("/actions?lang=en&country=fr&target=%E6%B5%B7%E5%BA%B7%E5%A8%81%E8%A7%86")
    ok(s == 200 and "Actions found: 120" in body, "/actions filters by country and by a target given by its Chinese name")
    s, h, body = srv.get("/actions?lang=en&target=adi-global-distribution")
    ok(s == 200 and "Actions found: 1" in body, "/actions filters by a target entity id")
    for path, status, name in (("/actions?from=2024-13-01", 400, "a bad date"), ("/actions?kind=riot", 400, "an unknown kind"),
                               ("/actions?country=Canada", 400, "a bad country"), ("/actions?page=0", 400, "page 0"),
                               ("/actions?target=nobody-at-all", 400, "an unknown target"),
                               ("/actions/no-such-action", 404, "an unknown action"),
                               ("/actions/Bad%20Id", 404, "a malformed id")):
        s, h, body = srv.get(path)
        ok(s == status and h["content-type"].startswith("text/html"), "/actions answers %d to %s" % (status, name),
           "%s -> %d" % (path, s))
    s, h, body = srv.get("/actions/2024-02-27-protest-burnaby?lang=en")
    ok(s == 200 and "<h1>Protest in Burnaby at a Hikvision event at ADI Global Distribution</h1>" in body
       and 'href="/entities/hikvision?lang=en"' in body and 'id="fn-1"' in body and 'id="fn-2"' in body
       and "similkameenspotlight.com" in body and "a Hikvision office in Vancouver" in body,
       "an action's page: title, linked targets, both accounts footnoted to their sources", body[:500])
    s, h, body = srv.get("/entities/hikvision?lang=zh")
    ok(s == 200 and 'class="entity-actions"' in body and "针对它的行动 (121)" in body
       and 'href="/actions?target=hikvision&amp;lang=zh"' in body,
       "Hikvision's page lists the actions against it, with a link to them all", re.findall(r"entity-actions.{0,200}", body)[:1])


def digest(srv):
    s, h, body = srv.get("/digest/2024-W09?lang=zh")
    ok(s == 200 and "每周行动概览 2024-W09" in body and "本拿比抗议者" in body
       and 'href="/digest/2024-W08?lang=zh"' in body and 'href="/digest/2024-W10?lang=zh"' in body,
       "/digest/2024-W09 in Chinese with links to the weeks around it", body[:300])
    s, h, body = srv.get("/digest/2024-W09?lang=en&pair=1")
    ok(s == 200 and "Protest · 抗议" in body and '<p lang="zh-Hans"><strong>' in body, "/digest?pair=1 pairs both languages")
    s, h, body = srv.get("/digest/2024-W09.md?lang=zh", headers={"Host": "tiemap.example.org"})
    ok(s == 200 and h["content-type"] == "text/markdown; charset=utf-8"
       and "](http://tiemap.example.org/actions/2024-02-27-protest-burnaby?lang=zh)" in body,
       "/digest/2024-W09.md is Markdown with absolute links", body[:400])
    s, h, body = srv.get("/digest/2024-W09.txt?lang=en")
    ok(s == 200 and h["content-type"] == "text/plain; charset=utf-8" and "Source: Black Press Media https://" in body,
       "/digest/2024-W09.txt is plain text")
    for path in ("/digest/2024-W53", "/digest/2024-09", "/digest/x.md", "/digest/2024-W09.pdf"):
        s, h, body = srv.get(path)
        ok(s == 404, "/digest answers 404 to %s" % path, s)


def feeds(srv):
    ids = set()
    for lang in ("zh", "en"):
        s, h, body = srv.get("/feed.atom?lang=" + lang, headers={"Host": "tiemap.example.org:8080"})
        path = os.path.join(TMP, "feed-%s.atom" % lang)
        with open(path, "w") as f:
            f.write(body)
        lint = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
        ok(s == 200 and h["content-type"] == "application/atom+xml; charset=utf-8" and lint.returncode == 0,
           "/feed.atom?lang=%s is Atom and well-formed XML (xmllint)" % lang, lint.stderr)
        root = ET.fromstring(body)
        entries = root.findall(A + "entry")
        hrefs = [l.get("href") for e in entries for l in e.findall(A + "link")]
        ok(root.findtext(A + "id") == "http://tiemap.example.org:8080/feed.atom?lang=" + lang and len(entries) == 50
           and all(re.match(r"^http://tiemap\.example\.org:8080/actions/[a-z0-9-]+\?lang=" + lang + "$", x) for x in hrefs)
           and all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", e.findtext(A + "updated")) for e in entries),
           "the %s feed's ids and links are the action pages on the requested host, dates RFC 3339" % lang)
        ids |= {e.findtext(A + "id") for e in entries}
        ok(h.get("cache-control") == "no-cache", "a feed built from the Host header is not cached for other hosts", h)
    ok(len(ids) == 100, "entry ids are unique across both feeds")
    s, h, body = srv.get("/feed.atom?lang=en", headers={"Host": 'evil"><script>'})
    ok(s == 400, "a feed refuses a Host header it cannot put in a link", s)


def hostile(srv):
    for path in ("/actions?lang=en&from=2024-02-01", "/actions/hostile?lang=en", "/actions/hostile?lang=zh",
                 "/digest/2024-W09?lang=en", "/digest/2024-W09?lang=zh&pair=1", "/map?lang=en", "/entities/hikvision?lang=en"):
        s, h, body = srv.get(path)
        ok(s == 200 and "<script>alert" not in body and (HOSTILE not in body),
           "hostile text is escaped on %s" % path, re.findall(r".{40}script>alert.{20}", body)[:2])
    s, h, body = srv.get("/feed.atom?lang=en")
    ok(s == 200 and "<script>" not in body and ET.fromstring(body) is not None, "hostile text is escaped in the feed")
    s, h, body = srv.get("/digest/2024-W09.md?lang=en")
    ok(s == 200 and "\\<script\\>" in body, "hostile text is escaped in the Markdown digest", body[:200])


def mapping(srv):
    s, h, body = srv.get("/map?lang=en")
    m = re.search(r'<script type="application/json" id="map-data">(.*?)</script>', body, re.S)
    data = json.loads(m.group(1)) if m else {"features": []}
    ids = sorted(f["properties"]["id"] for f in data["features"])
    ok(s == 200 and ids == ["2024-02-27-protest-burnaby", "adi-global-distribution-burnaby", "hikvision-office-vancouver",
                            "hostile", "hostile-site", "nypd-hikvision-cameras-new-york"],
       "/map's data block holds every located site and action", ids)
    ok('src="/static/leaflet.js?v=' in body and 'src="/static/map.js?v=' in body and "data-tiles" not in body
       and h["content-security-policy"].startswith("default-src 'self'") and "img-src" not in h["content-security-policy"],
       "/map loads Leaflet from this server and no tile server by default", h.get("content-security-policy"))
    ok("<h3>Canada</h3>" in body and "<h3>United States</h3>" in body and "(no coordinates)" in body,
       "/map lists the sites by country, unplaced ones too")
    s, h, body = srv.get("/map?lang=en&kind=office&kind=distributor&f=1")
    ok(s == 200 and "hikvision-office-vancouver" in body and "adi-global-distribution-burnaby" in body
       and "nypd-hikvision" not in body and "actions-placed" not in body,
       "/map filters by several kinds, and the form can hide the actions")
    s, h, body = srv.get("/map?lang=en&tag=surveillance")
    ok(s == 200 and "nypd-hikvision-cameras-new-york" in body and "hikvision-office-vancouver" in body
       and "site-adi-global" not in body, "/map filters by tag, the site's or its entity's")
    s, h, body = srv.get("/map?tag=Not%20A%20Tag")
    ok(s == 400, "/map refuses a malformed tag", s)
    for path in ("/static/leaflet.js", "/static/leaflet.css", "/static/topojson-client.min.js", "/static/countries-110m.json",
                 "/static/map.js"):
        s, h, body = srv.get(path)
        ok(s == 200 and len(body) > 1000, "%s is served from the binary" % path, s)


def tiles():
    srv = Server(DB, TMP, "--rate", "0", env={"TIEMAP_MAP_TILES": "https://tiles.example.org/{z}/{x}/{y}.png",
                  "TIEMAP_MAP_ATTRIBUTION": "© OpenStreetMap contributors", "TIEMAP_BASE_URL": "https://tiemap.example.net/"})
    try:
        s, h, body = srv.get("/map?lang=en")
        csp = h.get("content-security-policy", "")
        ok(s == 200 and 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in body
           and "img-src 'self' https://tiles.example.org;" in csp and "frame-ancestors 'none'" in csp,
           "a configured tile server goes to the map, and its origin, alone, into img-src", csp)
        s, h, body = srv.get("/actions?lang=en")
        ok("img-src" not in h.get("content-security-policy", ""), "other pages keep the strict policy")
        s, h, body = srv.get("/feed.atom?lang=zh", headers={"Host": "other.example"})
        ok(s == 200 and "<id>https://tiemap.example.net/feed.atom?lang=zh</id>" in body and h.get("etag"),
           "with TIEMAP_BASE_URL the feed's links use it, whatever the Host header")
    finally:
        rc, err = srv.stop()
    ok(rc == 0 and "Sanitizer" not in err and "runtime error" not in err, "the tile-server run stopped cleanly", err[-2000:])


def main():
    setup()
    srv = Server(DB, TMP, "--rate", "0")
    try:
        actions(srv)
        digest(srv)
        feeds(srv)
        hostile(srv)
        mapping(srv)
    finally:
        rc, err = srv.stop()
    ok(rc == 0 and "Sanitizer" not in err and "runtime error" not in err, "the sanitizers stayed quiet while serving",
       err[-3000:])
    tiles()
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
