#!/usr/bin/env python3
"""HTTP tests of a search that forgives (issue 11): /api/v1/search and the
/search page on the demo data find "hikvison" (a typo), "Huawei
Technologies Co., Ltd." and "Hangzhou Hikvision" (words beyond a stored
name) and "监控" (a topic, with its entities); results show kind, country,
a line of description and the number of ties; an empty result says that
absence proves nothing and where to look instead.  One TAP line per check.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import html as htmllib
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

from harness import TIEMAP, Server, failures, import_seed, ok
TMP = tempfile.mkdtemp(prefix="tiemap-http-search-")
DB = os.path.join(TMP, "demo.db")

# query → the entity it must find first (a set: the first ones, in any order)
FINDS = [
    ("hikvison", "hikvision"),
    ("Huawei Technologies Co., Ltd.", "huawei"),
    # two companies of the demo data are named "Hangzhou Hikvision …":
    # Hikvision itself and its subsidiary Hangzhou Hikvision Robot Technology
    ("Hangzhou Hikvision", {"hikvision", "hikvision-robot"}),
    ("监控", None),  # a topic: its entities, whichever first
]


def q(s):
    return urllib.parse.quote(s, safe="")


def cli_json(*args):
    r = subprocess.run([TIEMAP, "--db", DB, "--json"] + list(args), capture_output=True)
    return json.loads(r.stdout) if r.returncode == 0 else None


def api(srv):
    for query, first in FINDS:
        s, h, d = srv.get_json("/api/v1/search?q=" + q(query))
        top = d["results"][0] if s == 200 and d["results"] else {}
        if isinstance(first, set):
            got = {r["id"] for r in d["results"][:len(first)]} if s == 200 else set()
            ok(got == first, "API: search '%s' finds %s first" % (query, " and ".join(sorted(first))), got)
        elif first:
            ok(top.get("id") == first, "API: search '%s' finds %s first" % (query, first), top)
        else:
            ok(top.get("how") == "topic" and top.get("topic") == "surveillance" and
               d["topics"][0]["id"] == "surveillance" and
               "hikvision" in [r["id"] for r in d["results"]],
               "API: search '%s' finds the surveillance topic and its entities, Hikvision among them" % query,
               d.get("topics"))
        ok(d == cli_json("search", "--limit", "20", query),
           "API: search '%s' answers what `tiemap --json search` prints" % query)

    s, h, d = srv.get_json("/api/v1/search?q=hikvison")
    ok(d["corrected"] == "hikvision" and d["results"][0]["how"] == "typo" and d["results"][0]["score"] < 0.5,
       "API: a typo is said (how, corrected) and scores below anything strict", d["results"][0])
    s, h, d = srv.get_json("/api/v1/search?strict=1&q=hikvison")
    ok(s == 200 and d["results"] == [] and d["corrected"] is None and d["topics"] == [],
       "API: strict=1 forgives nothing", d)
    s, h, d = srv.get_json("/api/v1/search?strict=1&q=" + q("Hikvision"))
    ok(s == 200 and d["results"][0]["id"] == "hikvision", "API: strict=1 still finds a name")
    s, h, d = srv.get_json("/api/v1/search?strict=yes&q=hikvison")
    ok(s == 400 and d["error"]["code"] == "bad_parameter", "API: strict is 0 or 1", (s, d))
    s, h, d = srv.get_json("/api/v1/search?q=" + "x" * 200)
    ok(s == 200, "API: a query of 200 characters is searched", s)
    s, h, d = srv.get_json("/api/v1/search?q=" + q("华" * 201))
    ok(s == 400 and d["error"]["code"] == "query_too_long", "API: 201 characters (Chinese: 603 bytes) is too long",
       (s, d))
    s, h, d = srv.get_json("/api/v1/search?q=" + q("Huawei Technologies Co., Ltd."))
    ok(d["results"][0]["how"] == "part" and d["corrected"] is None, "API: a name within the query is a part")
    s, h, d = srv.get_json("/api/v1/search?q=" + q("監控"))
    ok(d["topics"] and d["topics"][0] == {"type": "tag", "id": "surveillance", "label": "surveillance",
                                           "label_zh": "监控"},
       "API: the topic comes with both labels, Traditional query or not", d["topics"])

    s, h, d = srv.get_json("/api/v1/search?q=Hikvision")
    top = d["results"][0]
    ok(top["how"] == "name" and top["score"] == 1.0, "API: an exact name is still 1.0, first")
    ok(top["kind"] == "company" and top["country"] == "CN" and isinstance(top["ties"], int) and top["ties"] > 5
       and top["description"]["en"] and top["description"]["zh"],
       "API: a hit has kind, country, description and its number of ties", top)
    # the ties are the entity's relations, both ways
    e = srv.get_json("/api/v1/entities/hikvision")[2]
    ok(top["ties"] == len(e["relations"]), "API: ties counts the entity's relations", (top["ties"], len(e["relations"])))

    s, h, d = srv.get_json("/api/v1/search?q=" + q("surveillance"))
    strict = [r["score"] for r in d["results"] if r["how"] in ("id", "name", "prefix", "words")]
    forgiven = [r["score"] for r in d["results"] if r["how"] not in ("id", "name", "prefix", "words")]
    ok(strict and forgiven and min(strict) > max(forgiven),
       "API: names holding the word rank above the topic's entities", (strict, forgiven))


def page(srv, query, lang):
    s, h, d = srv.request("/search?q=" + q(query) + "&lang=" + lang)
    return s, d.decode()


def results_of(html):
    m = re.search(r'<ol class="results">(.*?)</ol>', html, re.S)
    return m.group(1) if m else ""


def pages(srv):
    for query, first in FINDS:
        for lang in ("en", "zh", "zh-Hant"):
            s, html = page(srv, query, lang)
            res = results_of(html)
            want = sorted(first) if isinstance(first, set) else [first or "hikvision"]
            ok(s == 200 and all(('href="/entities/%s?lang=%s"' % (w, lang)) in res for w in want),
               "page (%s): search '%s' lists %s" % (lang, query, " and ".join(want)))

    s, html = page(srv, "hikvison", "en")
    m = re.search(r'<p class="corrected">(.*?)</p>', html, re.S)
    ok(m and 'showing results for <a href="/search?q=hikvision&amp;lang=en" translate="no">hikvision</a>' in m.group(1)
       and "a typo forgiven" in results_of(html),
       "page: a typo is said, with the query as read linked to its own search (did you mean)", m and m.group(1))
    s, html = page(srv, "hikvison", "zh")
    ok("已纠正拼写错误" in results_of(html), "page (zh): the typo is said in Chinese")

    s, html = page(srv, "Huawei Technologies Co., Ltd.", "en")
    ok("part of what you typed" in results_of(html), "page: a name within the query is said to be a part")

    s, html = page(srv, "监控", "zh")
    m = re.search(r'<p class="topics">(.*?)</p>', html, re.S)
    ok(m and 'href="/tags/surveillance?lang=zh">监控</a>' in m.group(1),
       "page (zh): the topic is a link to its page", m.group(1) if m else html[:300])
    s, html = page(srv, "监控", "zh-Hant")
    m = re.search(r'<p class="topics">(.*?)</p>', html, re.S)
    ok(m and 'href="/tags/surveillance?lang=zh-Hant">監控</a>' in m.group(1),
       "page (zh-Hant): the topic is labelled in Traditional", m.group(1) if m else html[:300])
    s, html = page(srv, "监控", "en")
    m = re.search(r'<p class="topics">(.*?)</p>', html, re.S)
    ok(m and 'href="/tags/surveillance?lang=en">surveillance</a>' in m.group(1),
       "page (en): the topic is a link to its page, labelled in English")
    ok("(topic: surveillance)" in results_of(html), "page: an entity of the topic says so")

    # each result: kind, country, ties, a line of description
    s, html = page(srv, "Hikvision", "en")
    first = results_of(html).split("</li>")[0]
    ok('href="/entities?kind=company&amp;lang=en">company</a>' in first
       and 'href="/entities?country=CN&amp;lang=en">China</a>' in first,
       "page: a result shows its kind and country, named and linked to their lists", first)
    ok(re.search(r'<span class="ties">\d+ ties</span>', first) is not None, "page: a result shows its number of ties")
    m = re.search(r'<span class="desc-line"[^>]*>(.*?)</span>', first)
    ok(m and 0 < len(htmllib.unescape(m.group(1))) <= 161, "page: a result shows one line of its description",
       m.group(1) if m else first)
    s, html = page(srv, "Hikvision", "zh")
    first = results_of(html).split("</li>")[0]
    ok(re.search(r'<span class="ties">\d+ 项关联</span>', first) and "公司" in first,
       "page (zh): ties and kind in Chinese")

    # nothing found: absence is not evidence, and where to look instead
    for lang, absence, other in (("en", "not evidence", "the other language"), ("zh", "不等于现实中没有", "另一种语言"),
                                 ("zh-Hant", "不等於現實中沒有", "另一種語言")):
        s, html = page(srv, "zzqqxx no such name", lang)
        main = html.split("<main", 1)[1]
        ok(s == 200 and absence in main and other in main and
           ('href="/entities?lang=%s"' % lang) in main and ('href="/sources?lang=%s"' % lang) in main,
           "page (%s): an empty result says absence proves nothing, offers browsing and other scripts" % lang)


def main():
    failed = import_seed(DB)
    if failed:
        print("not ok - seed import: %s" % failed)
        return 1
    srv = Server(DB, TMP, "--rate", "0")
    try:
        api(srv)
        pages(srv)
    finally:
        rc, err = srv.stop()
    ok(rc == 0 and "Sanitizer" not in err, "the server stopped cleanly", err[-500:])
    return 1 if failures() else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        subprocess.run(["rm", "-rf", TMP])
