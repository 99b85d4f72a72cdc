#!/usr/bin/env python3
"""HTTP tests: a real `tiemap serve` on a free loopback port, every API call,
every error status, malformed input, the pages' headers and escaping, caching,
reload on import, and a graceful stop.  One TAP line per check.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

from harness import ROOT, SEED, TIEMAP, Server, failures, ok
TMP = tempfile.mkdtemp(prefix="tiemap-http-")
DB = os.path.join(TMP, "demo.db")


def cli(*args):
    r = subprocess.run([TIEMAP, "--db", DB] + list(args), capture_output=True)
    return r.returncode, r.stdout, r.stderr


def q(s):
    return urllib.parse.quote(s, safe="")


def main():
    rc = subprocess.run([TIEMAP, "--db", DB, "--quiet", "import"] +
                        sorted(os.path.join(SEED, f) for f in os.listdir(SEED) if f.endswith(".jsonl")),
                        capture_output=True)
    if rc.returncode:
        print("not ok - seed import: %s" % rc.stderr.decode(errors="replace"))
        return 1
    # two entities sharing a name, for the ambiguous case
    extra = os.path.join(TMP, "acme.jsonl")
    with open(extra, "w") as f:
        f.write('{"type":"source","id":"t-src","title":"Test source <b>bold</b>"}\n'
                '{"type":"entity","id":"acme-1","kind":"company","names":[{"text":"Acme Zeta","lang":"en"}],"sources":["t-src"]}\n'
                '{"type":"entity","id":"acme-2","kind":"company","names":[{"text":"Acme Zeta","lang":"en"}],"sources":["t-src"]}\n')
    cli("--quiet", "import", extra)

    if os.path.exists(DB + ".graph"):
        os.unlink(DB + ".graph")
    srv = Server(DB, TMP, "--rate", "0", "--watch-seconds", "0.2")
    ok(os.path.exists(DB + ".graph"), "serve saves the graph beside the database for the next process")
    try:
        api(srv)
        openapi(srv)
        errors(srv)
        pages(srv)
        caching(srv)
        reload(srv)
        concurrency(srv)
    finally:
        rc, err = srv.stop()
    ok(rc == 0, "SIGTERM stops the server with status 0", "exit %s" % rc)
    ok("Sanitizer" not in err and "runtime error" not in err, "the sanitizers stayed quiet while serving", err[-3000:])
    ok("127.0.0.1" not in err, "the access log holds no client address by default", err[:400])
    ok(re.search(r"GET /search 200", err) and "q=" not in err,
       "the access log has paths but no query strings", err[:400])

    limited = Server(DB, TMP, "--rate", "1", "--burst", "3", "--log-ips")
    try:
        codes = [limited.request("/api/v1")[0] for _ in range(6)]
        s, h, d = limited.request("/api/v1")
        ok(codes[:3] == [200, 200, 200] and 429 in codes and s == 429, "the rate limit answers 429 past the burst",
           codes)
        ok(h.get("retry-after") == "1" and json.loads(d)["error"]["code"] == "rate_limited",
           "a 429 says when to retry, as a JSON error", h)
    finally:
        rc, err = limited.stop()
    ok("127.0.0.1 GET" in err, "--log-ips puts the client address in the access log", err[:300])
    return 1 if failures() else 0


def api(srv):
    s, h, d = srv.get_json("/api/v1")
    ok(s == 200 and "/api/v1/search?q=" in d["endpoints"], "GET /api/v1 lists the endpoints")
    ok("POST /api/v1/screen" in d["endpoints"], "GET /api/v1 lists the screening endpoint")
    s, h, page = srv.request("/?lang=zh")
    page = page.decode()
    ok(s == 200 and all('href="/%s?lang=zh"' % p in page for p in ("path", "actions", "map", "screen"))
       and "名单筛查" in page, "the site navigation links every section, screening too, in the page's language")

    s, h, d = srv.get_json("/api/v1/search?q=" + q("海康"))
    ok(s == 200 and d["results"][0]["id"] == "hikvision", "search?q=海康 finds Hikvision first", d)
    c = json.loads(cli("--json", "search", "海康")[1])
    ok(d == c, "search answers exactly what `tiemap --json search` prints")
    ok(h.get("content-type", "").startswith("application/json"), "the API answers application/json")

    s, h, d = srv.get_json("/api/v1/search?q=hai+kang")
    ok(s == 200 and any(r["id"] == "hikvision" for r in d["results"]), "search takes pinyin, + as a space")

    s, h, d = srv.get_json("/api/v1/entities/hikvision")
    c = json.loads(cli("--json", "show", "hikvision")[1])
    ok(s == 200 and d == c, "entities/{id} is the object `tiemap --json show` prints")
    ok(any(r["direction"] == "in" and r["predicate"] == "owns" for r in d["relations"]),
       "entities/{id} has relations both ways")

    s, h, d = srv.get_json("/api/v1/entities/hikvision/neighbors?depth=2&limit=500")
    c = json.loads(cli("--json", "neighbors", "--depth", "2", "--limit", "500", "hikvision")[1])
    ok(s == 200 and d == c, "entities/{id}/neighbors matches `tiemap --json neighbors`")
    s, h, d = srv.get_json("/api/v1/entities/hikvision/neighbors")
    ok(s == 200 and d["depth"] == 1 and d["nodes"][0]["id"] == "hikvision", "neighbors defaults to depth 1")

    s, h, d = srv.get_json("/api/v1/path?from=hikvision&to=wolf-pack&max_hops=6&limit=32")
    c = json.loads(cli("--json", "path", "hikvision", "wolf-pack")[1])
    ok(s == 200 and d == c and d["paths"], "path matches `tiemap --json path`", d)
    s, h, d = srv.get_json("/api/v1/path?from=" + q("Hikvision") + "&to=" + q("狼群"))
    ok(s == 200 and d["from"] == "hikvision" and d["to"] == "wolf-pack", "path resolves names in any script")
    s, h, d = srv.get_json("/api/v1/path?from=hikvision&to=wolf-pack&max_hops=1")
    ok(s == 200 and d["paths"] == [], "path with too few hops answers no paths, not an error")

    s, h, d = srv.get_json("/api/v1/owners/hikvision")
    c = json.loads(cli("--json", "owners", "hikvision")[1])
    ok(s == 200 and d == c and d["chains"], "owners/{id} matches `tiemap --json owners`")

    s, h, d = srv.get_json("/api/v1/sources/psan-2024")
    ok(s == 200 and d["id"] == "psan-2024" and any(e["id"] == "hikvision" for e in d["entities"])
       and d["relations"], "sources/{id} lists the claims citing it")
    ok(all("subject_ref" in r and "label_zh" in r for r in d["relations"]),
       "sources/{id} relations carry labels and entity refs")

    s, h, d1 = srv.get_json("/api/v1/sources/psan-2024?limit=1")
    ok(s == 200 and len(d1["entities"]) == 1 and len(d1["relations"]) == 1 and d1["truncated"] is True
       and not d["truncated"] and d1["entities"][0]["id"] in {e["id"] for e in d["entities"]},
       "sources/{id}?limit=1 gives one claim of each kind and says more exist")

    s, h, body = srv.request("/api/v1/export.jsonl")
    c = cli("export")[1]
    lines = body.decode().splitlines()
    ok(s == 200 and body == c and all(json.loads(l) for l in lines), "export.jsonl is `tiemap export`, byte for byte")

    s, h, body = srv.request("/api/v1/entities/hikvision", method="HEAD")
    ok(s == 200 and body == b"" and h.get("etag"), "HEAD answers headers without a body")


def openapi(srv):
    """The OpenAPI document names every API route and only those, and the
    live answers (and errors) are valid against its schemas."""
    import jsonschema
    s, h, spec = srv.get_json("/api/v1/openapi.json")
    ok(s == 200 and h.get("content-type", "").startswith("application/json") and spec
       and spec.get("openapi") == "3.1.0", "GET /api/v1/openapi.json is an OpenAPI 3.1 document")
    if not spec:
        return
    with open(os.path.join(ROOT, "src", "http", "routes.def")) as f:
        routes = {m.group(1) for m in re.finditer(r'TM_ROUTE\("(/api/v1[^"]*)"', f.read())}
    ok(set(spec["paths"]) == routes, "the OpenAPI paths are the API routes of routes.def",
       "%s" % (set(spec["paths"]) ^ routes))
    resolver = jsonschema.RefResolver.from_schema(spec)

    def valid(instance, ref):
        v = jsonschema.Draft202012Validator({"$ref": ref}, resolver=resolver)
        errs = sorted(v.iter_errors(instance), key=lambda e: list(e.path))
        return not errs, "; ".join("%s: %s" % (list(e.path), e.message[:120]) for e in errs[:3])

    def response_ref(path, method, status):
        r = spec["paths"][path][method]["responses"][str(status)]
        if "$ref" in r:
            r = spec["components"]["responses"][r["$ref"].rsplit("/", 1)[1]]
        return r["content"]["application/json"]["schema"]["$ref"]

    calls = [
        ("/api/v1", "/api/v1"),
        ("/api/v1/search", "/api/v1/search?q=%E6%B5%B7%E5%BA%B7"),
        ("/api/v1/search", "/api/v1/search?q=hikvison"),
        ("/api/v1/search", "/api/v1/search?q=%E7%9B%A3%E6%8E%A7&strict=0"),
        ("/api/v1/entities/{id}", "/api/v1/entities/hikvision"),
        ("/api/v1/entities/{id}/neighbors", "/api/v1/entities/hikvision/neighbors?depth=2"),
        ("/api/v1/path", "/api/v1/path?from=hikvision&to=wolf-pack"),
        ("/api/v1/owners/{id}", "/api/v1/owners/hikvision"),
        ("/api/v1/sources/{id}", "/api/v1/sources/psan-2024?limit=3"),
        ("/api/v1/entities", "/api/v1/entities?kind=company&sort=ties&limit=5"),
        ("/api/v1/sources", "/api/v1/sources?limit=3"),
    ]
    for path, url in calls:
        s, h, d = srv.get_json(url)
        good, why = valid(d, response_ref(path, "get", 200))
        ok(s == 200 and good, "GET %s answers what the OpenAPI document describes" % url, why)
    s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"},
                          "name\nHikvision\nNo Such Company Ltd\n".encode())
    good, why = valid(json.loads(d), response_ref("/api/v1/screen", "post", 200))
    ok(s == 200 and good, "POST /api/v1/screen answers what the OpenAPI document describes", why)
    ok(b'"threshold":0.85,' in d, "numbers print as written: the default threshold reads 0.85", d[:200])
    for url, status in (("/api/v1/entities/no-such", 404), ("/api/v1/search", 400),
                        ("/api/v1/path?from=hikvision&to=wolf-pack&max_hops=99", 400)):
        s, h, d = srv.get_json(url)
        good, why = valid(d, "#/components/schemas/Error")
        ok(s == status and good, "the %d error of %s is the documented Error object" % (status, url), why)


def errors(srv):
    def err(path, status, code, name, method="GET", headers=None, body=None):
        s, h, d = srv.request(path, method=method, headers=headers, body=body)
        try:
            e = json.loads(d)["error"]
        except (ValueError, KeyError, TypeError):
            e = {}
        ok(s == status and e.get("code") == code and e.get("message"), name, "%s %s" % (s, d[:300]))
        return h

    err("/api/v1/entities/no-such-entity", 404, "not_found", "an unknown entity is 404 not_found")
    err("/api/v1/entities/NOT%20AN%20ID", 404, "not_found", "an id that cannot exist is 404")
    err("/api/v1/owners/no-such-entity", 404, "not_found", "owners of an unknown entity is 404")
    err("/api/v1/entities/no-such-entity/neighbors", 404, "not_found", "neighbors of an unknown entity is 404")
    err("/api/v1/sources/no-such-source", 404, "not_found", "an unknown source is 404")
    err("/api/v1/nothing-here", 404, "not_found", "an unknown API route is a JSON 404")
    err("/api/v1/search", 400, "missing_parameter", "search without q is 400")
    err("/api/v1/search?q=%20%20", 400, "missing_parameter", "search with a blank q is 400")
    err("/api/v1/search?q=" + "x" * 300, 400, "query_too_long", "a 300-character query is 400 query_too_long")
    err("/api/v1/search?q=%ff%fe", 400, "bad_utf8", "a query that is not UTF-8 is 400 bad_utf8")
    err("/api/v1/search?q=a%00b", 400, "bad_utf8", "a NUL byte in a query is 400")
    err("/api/v1/entities/%ff", 400, "bad_utf8", "a path that is not UTF-8 is 400")
    err("/api/v1/search?q=x&limit=0", 400, "bad_parameter", "limit=0 is 400")
    err("/api/v1/path?from=hikvision&to=wolf-pack&max_hops=10000", 400, "bad_parameter", "max_hops=10000 is 400")
    err("/api/v1/path?from=hikvision&to=wolf-pack&max_hops=-1", 400, "bad_parameter", "max_hops=-1 is 400")
    err("/api/v1/path?from=hikvision&to=wolf-pack&max_hops=4x", 400, "bad_parameter", "max_hops=4x is 400")
    err("/api/v1/path?from=hikvision", 400, "missing_parameter", "path without to is 400")
    err("/api/v1/path?from=hikvision&to=zzz-no-such-thing-qq", 404, "not_found", "path to nothing is 404")
    h = err("/api/v1/path?from=" + q("Acme Zeta") + "&to=hikvision", 409, "ambiguous",
            "path from an ambiguous name is 409")
    s, h, d = srv.get_json("/api/v1/path?from=" + q("Acme Zeta") + "&to=hikvision")
    ok({c["id"] for c in d["error"]["candidates"]} == {"acme-1", "acme-2"}, "a 409 lists the candidates")
    err("/api/v1/entities/hikvision/neighbors?depth=99", 400, "bad_parameter", "depth=99 is 400")
    err("/api/v1/entities/hikvision/neighbors?limit=100000", 400, "bad_parameter",
        "a neighbourhood larger than the bound is 400")
    err("/api/v1/search?" + "&".join("a%d=1" % i for i in range(40)), 400, "too_many_parameters",
        "40 query parameters are 400")
    err("/api/v1/search?q=" + "y" * 2000, 400, "parameter_too_long", "a 2000-byte parameter is 400")
    err("/api/v1/search?q=" + "z" * 5000, 414, "uri_too_long", "a 5 kB request target is 414")
    s, h, d = srv.request("/api/v1/search?q=" + "w" * 100000)
    ok(400 <= s < 500, "a 100 kB query is a 4xx", s)
    h = err("/api/v1/search?q=x", 405, "method_not_allowed", "POST is 405", method="POST", body=b"q=x")
    ok("GET" in h.get("allow", ""), "a 405 says which methods are allowed")
    err("/api/v1/search?q=x", 405, "method_not_allowed", "DELETE is 405", method="DELETE")
    err("/api/v1/search?q=x", 413, "body_not_allowed", "a GET with a body is 413", body=b"x" * 100)

    s, h, d = srv.request("/no/such/page")
    ok(s == 404 and b"<!DOCTYPE html>" in d and h.get("content-type", "").startswith("text/html"),
       "an unknown page is an HTML 404")
    s, h, d = srv.request("/a/b/c/d/e/f/g/h/i/j/k")
    ok(s == 404, "a deep path is 404")
    s, h, d = srv.request("/entities/no-such-entity")
    ok(s == 404 and b"<h1>" in d, "an unknown entity page is a 404 page")
    s, h, d = srv.request("/entities/hikvision/graph?depth=9")
    ok(s == 400, "a graph page deeper than allowed is 400")
    s, h, d = srv.request("/static/nope.js")
    ok(s == 404, "an unknown asset is 404")

    for name, data in (("a request line of garbage", b"GARBAGE\r\n\r\n"),
                       ("a request without a version", b"GET /\r\n\r\n"),
                       ("a header without a colon", b"GET / HTTP/1.1\r\nHost: x\r\nbroken header\r\n\r\n"),
                       ("an 80 kB header", b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 80000 + b"\r\n\r\n"),
                       ("a 200 kB request line", b"GET /?" + b"a" * 200000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")):
        code = srv.raw(data)
        ok(code == 0 or 400 <= code < 500, "%s gets a 4xx or a closed connection" % name, code)
    s, h, d = srv.get_json("/api/v1")
    ok(s == 200, "the server still answers after the malformed requests")


def pages(srv):
    s, h, d = srv.request("/?lang=en")
    html = d.decode()
    ok(s == 200 and "<h1>" in html and 'role="search"' in html and "Added recently" in html,
       "the home page has a search box, counts and recent claims")
    ok(re.search(r'<ol class="recent">\s*<li>', html) is not None, "the home page lists recent claims")
    for name, want in (("content-security-policy", "default-src 'self'"),
                       ("content-security-policy", "frame-ancestors 'none'"),
                       ("referrer-policy", "no-referrer"), ("x-content-type-options", "nosniff")):
        ok(want in h.get(name, ""), "pages send %s: %s" % (name, want), h.get(name))
    for path in ("/api/v1/entities/hikvision", "/static/site.css", "/nope", "/api/v1/nope"):
        s, h, d = srv.request(path)
        ok("default-src 'self'" in h.get("content-security-policy", "") and h.get("referrer-policy") == "no-referrer"
           and h.get("x-content-type-options") == "nosniff", "%s carries the security headers too" % path)

    s, h, d = srv.request("/?lang=zh")
    ok("首页" in d.decode() and 'lang="zh-Hans"' in d.decode(), "?lang=zh gives the page in Chinese")
    s, h, d = srv.request("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    ok("首页" in d.decode() and "accept-language" in h.get("vary", "").lower(),
       "Accept-Language: zh-CN picks Chinese, and the answer varies by it")
    s, h, d = srv.request("/", headers={"Accept-Language": "en-GB,en;q=0.9,zh;q=0.5"})
    ok("Home" in d.decode() and "首页" not in d.decode().split("<main")[0], "Accept-Language: en picks English")
    s, h, d = srv.request("/?lang=en")
    ok('href="/?lang=zh"' in d.decode() or "lang=zh" in d.decode().split("lang-switch")[1][:200],
       "every page has a switch to the other language")

    s, h, d = srv.request("/search?q=" + q("海康") + "&lang=en")
    ok(s == 200 and 'href="/entities/hikvision?lang=en"' in d.decode(), "the search page links Hikvision")
    s, h, d = srv.request("/search?q=" + q('<script>alert("x")</script>'))
    html = d.decode()
    ok(s == 200 and "<script>alert" not in html and "&lt;script&gt;alert(&quot;x&quot;)" in html,
       "what the user typed comes back escaped")
    s, h, d = srv.request("/search")
    ok(s == 200, "the search page without a query explains itself")

    s, h, d = srv.request("/entities/hikvision?lang=en")
    html = d.decode()
    ok(s == 200 and "海康威视" in html and "Hikvision" in html, "the entity page has names in every language")
    ok('data-predicate="owns" data-direction="in"' in html and "owned by" in html,
       "the entity page groups relations by predicate, both directions")
    ok('id="fn-1"' in html and 'href="#fn-1"' in html and "/sources/psan-2024" in html,
       "the entity page has numbered footnotes linking to the sources")
    ok('class="owners"' in html and "cetc" in html.split('class="owners"')[1], "the entity page shows the owners chain")
    s, h, d = srv.request("/entities/hikvision?lang=zh")
    ok("被…拥有" in d.decode() and "关联" in d.decode(), "the entity page in Chinese labels relations in Chinese")

    s, h, d = srv.request("/sources/t-src")
    html = d.decode()
    ok(s == 200 and "Test source &lt;b&gt;bold&lt;/b&gt;" in html and "<b>bold</b>" not in html,
       "data from the database is escaped on pages")
    ok("acme-1" in html and "acme-2" in html, "the source page lists every claim citing it")

    s, h, d = srv.request("/path?from=hikvision&to=wolf-pack&lang=en")
    html = d.decode()
    ok(s == 200 and '<form class="path-form" action="/path" method="get">' in html and
       'href="/entities/wolf-pack?lang=en"' in html and 'id="fn-1"' in html,
       "the path page shows the paths with sources, from a plain GET form")
    s, h, d = srv.request("/path?from=" + q("Acme Zeta") + "&to=hikvision")
    ok(s == 409 and "acme-1" in d.decode(), "the path page lists candidates for an ambiguous name")

    s, h, d = srv.request("/entities/hikvision/graph?lang=en")
    html = d.decode()
    ok(s == 200 and 'id="graph-data"' in html and '<ul class="edges">' in html and "/static/cytoscape.min.js" in html,
       "the graph page embeds the data, lists the ties and loads cytoscape from the server")
    data = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', html, re.S).group(1)
    ok(json.loads(data)["nodes"][0]["id"] == "hikvision", "the graph data is the neighbors object")

    s, h, d = srv.request("/static/cytoscape.min.js")
    ok(s == 200 and len(d) > 100000 and h.get("content-type", "").startswith("text/javascript"),
       "cytoscape.js is served from the binary")
    s, h, d = srv.request("/static/site.css")
    ok(s == 200 and h.get("content-type", "").startswith("text/css") and "@media print" in d.decode(),
       "the stylesheet is served, with print rules")

    cat = {l: json.load(open(os.path.join(ROOT, "web", "i18n", l + ".json"), encoding="utf-8")) for l in ("en", "zh")}
    ok(set(cat["en"]) == set(cat["zh"]), "the English and Chinese catalogs have the same keys",
       sorted(set(cat["en"]) ^ set(cat["zh"])))
    # the vocabulary keys (kind.*, pred.* …) only the Traditional catalog has are no message keys a page could show
    raw = set()
    for lang in ("en", "zh"):
        for path in ("/", "/search?q=hik", "/search", "/entities/hikvision", "/entities/hikvision/graph",
                     "/sources/psan-2024", "/path?from=hikvision&to=wolf-pack", "/path", "/nope"):
            html = srv.request(path + ("&" if "?" in path else "?") + "lang=" + lang)[2].decode()
            text = re.sub(r"<[^>]*>", " ", html)
            attrs = " ".join(re.findall(r'(?:aria-label|title|placeholder|data-msg-[a-z]+)="([^"]*)"', html))
            raw |= {k for k in cat["en"] if k in text or k in attrs}
    ok(not raw, "no page shows a message key instead of its text", sorted(raw)[:5])

    # nothing a page loads may come from another host
    foreign = []
    for path in ("/", "/search?q=hik", "/entities/hikvision", "/entities/hikvision/graph", "/sources/psan-2024",
                 "/path?from=hikvision&to=wolf-pack"):
        html = srv.request(path)[2].decode()
        for tag in re.findall(r"<(?:script|link|img|iframe|source|video|audio|object|embed)\b[^>]*>", html):
            # the canonical address and the other languages are named, not loaded
            if re.search(r'rel="(?:canonical|alternate)"', tag):
                continue
            if re.search(r'(?:src|href)="(?:https?:)?//', tag):
                foreign.append((path, tag))
    ok(not foreign, "no page loads anything from another host", foreign[:3])


def caching(srv):
    s, h, d = srv.request("/entities/hikvision?lang=en")
    etag, lm = h.get("etag"), h.get("last-modified")
    ok(etag and lm, "pages carry an ETag and Last-Modified")
    s2, h2, d2 = srv.request("/entities/hikvision?lang=en", headers={"If-None-Match": etag})
    ok(s2 == 304 and d2 == b"", "If-None-Match with the ETag gives 304 without a body")
    s2, h2, d2 = srv.request("/entities/hikvision?lang=en", headers={"If-Modified-Since": lm})
    ok(s2 == 304, "If-Modified-Since gives 304")
    s2, h2, d2 = srv.request("/entities/hikvision?lang=en", headers={"If-None-Match": '"other"'})
    ok(s2 == 200 and d2 == d, "a stale ETag gets the page again, the same bytes")
    s3, h3, d3 = srv.request("/entities/hikvision?lang=zh")
    ok(h3.get("etag") != etag, "the ETag differs between languages")
    s, h, d = srv.request("/static/site.css")
    s2, h2, d2 = srv.request("/static/site.css", headers={"If-None-Match": h["etag"]})
    ok(s2 == 304, "assets answer 304 to their ETag")


def reload(srv):
    s, h, d = srv.get_json("/api/v1/entities/added-later")
    etag = srv.request("/api/v1/entities/hikvision")[1].get("etag")
    ok(s == 404, "an entity not yet imported is 404")
    extra = os.path.join(TMP, "later.jsonl")
    with open(extra, "w") as f:
        f.write('{"type":"entity","id":"added-later","kind":"company","names":[{"text":"Added Later Ltd","lang":"en"}],"sources":["t-src"]}\n'
                '{"type":"relation","subject":"added-later","predicate":"supplies","object":"hikvision","sources":["t-src"]}\n')
    rc = cli("--quiet", "import", extra)
    deadline = time.time() + 10
    s = 0
    while time.time() < deadline:
        s, h, d = srv.get_json("/api/v1/entities/hikvision/neighbors")
        if s == 200 and any(n["id"] == "added-later" for n in d["nodes"]):
            break
        time.sleep(0.1)
    ok(rc[0] == 0 and s == 200 and any(n["id"] == "added-later" for n in d["nodes"]),
       "an import while serving shows in the graph without a restart", rc[2])
    ok(srv.request("/api/v1/entities/hikvision")[1].get("etag") != etag, "the ETag changes with the data")
    html = srv.request("/?lang=en")[2].decode()
    ok("Added Later Ltd" in html.split('class="recent"')[1], "the home page lists the newly added claim")


def concurrency(srv):
    paths = ["/api/v1/entities/hikvision", "/entities/hikvision", "/api/v1/search?q=hik",
             "/api/v1/path?from=hikvision&to=wolf-pack", "/entities/cetc/graph", "/?lang=zh"]
    bad = []

    def worker(n):
        for i in range(30):
            p = paths[(n + i) % len(paths)] + ("&" if "?" in paths[(n + i) % len(paths)] else "?") + "n=%d" % i
            s = srv.request(p)[0]
            if s != 200:
                bad.append((p, s))
    ts = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    ok(not bad, "8 clients at once, 240 mixed requests, all answered", bad[:5])


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        subprocess.run(["rm", "-rf", TMP])
