#!/usr/bin/env python3
"""Merging duplicates over HTTP (docs/editing.md, "Merging").

/review lists the likely duplicates; an editor sees a merge button each way
on it and a link to /merge on an entity page, a contributor and a reader see
neither; a POST to /merge without the session's CSRF token, or from a
contributor, is refused and changes nothing; bad ids come back as the form
with the message.  The editor's merge moves the duplicate into the kept
entity, and then the old id's page answers 301 to the kept entity's (also
/graph), the API answers for the kept entity with redirected_from and
Content-Location, the path finder and /screen follow it; `tiemap revert`
undoes it, and the old page is its own entity again.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import ROOT, TIEMAP, Server, failures, import_seed, ok  # noqa: E402

PW = {"con": "contributor phrase one", "ed": "editor phrase number two"}
ROLES = {"con": "contributor", "ed": "editor"}
FIXTURE = os.path.join(ROOT, "tests", "data", "merge", "duplicates.jsonl")


def cli(db, *args, stdin=None):
    return subprocess.run([TIEMAP, "--db", db] + list(args), input=stdin, capture_output=True, text=True)


class Browser:
    def __init__(self, srv):
        self.srv = srv
        self.origin = "http://127.0.0.1:%d" % srv.port
        self.cookie = None
        self.csrf = None

    def login(self, name):
        body = "name=%s&password=%s" % (name, PW[name].replace(" ", "+"))
        s, h, _ = self.srv.request("/login", "POST", {"Content-Type": "application/x-www-form-urlencoded",
                                                      "Origin": self.origin}, body.encode())
        m = re.match(r"((?:__Host-)?tiemap)=([^;]*);", h.get("set-cookie", ""))
        if s == 303 and m:
            self.cookie = "%s=%s" % (m.group(1), m.group(2))
            _, _, me = self.srv.get_json("/api/v1/me", {"Cookie": self.cookie})
            self.csrf = me.get("csrf_token")
        return self.cookie is not None

    def get(self, path):
        return self.srv.get(path, {"Cookie": self.cookie} if self.cookie else {})

    def post(self, path, fields, csrf=True):
        fields = dict(fields)
        if csrf and self.csrf:
            fields["csrf"] = self.csrf
        hdr = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        if self.cookie:
            hdr["Cookie"] = self.cookie
        s, h, d = self.srv.request(path, "POST", hdr, urllib.parse.urlencode(fields).encode())
        return s, h, d.decode("utf-8", "replace")


def export(db):
    return cli(db, "export").stdout


def main():
    tmp = tempfile.mkdtemp(prefix="tiemap-http-merge-")
    db = os.path.join(tmp, "m.db")
    why = import_seed(db, FIXTURE)
    if why:
        print("not ok - import the demo data and the duplicates: " + why)
        return 1
    for name, pw in PW.items():
        r = cli(db, "user", "add", name, "--role", ROLES[name], stdin=pw + "\n")
        if r.returncode:
            print("not ok - user add %s: %s" % (name, r.stderr))
            return 1
    srv = Server(db, tmp)
    try:
        ed, con, reader = Browser(srv), Browser(srv), Browser(srv)
        ok(ed.login("ed") and con.login("con"), "an editor and a contributor sign in")

        # ---- the review queue and the entity page ----
        s, _, page = ed.get("/review?lang=en")
        ok(s == 200 and "Likely duplicates" in page and 'href="/entities/hik-dup' in page
           and 'href="/entities/hik-listed' in page, "/review lists the likely duplicates", page[-3000:])
        forms = re.findall(r'<form method="post" action="/merge\?[^"]*" class="merge-pair">.*?</form>', page, re.S)
        ok(len(forms) == 4 and all('name="csrf"' in f for f in forms),
           "an editor gets a merge button each way for each pair, each with the CSRF token", len(forms))
        ok(any('name="keep" value="hikvision"' in f and 'name="gone" value="hik-dup"' in f for f in forms),
           "… one of them keeps hikvision and merges hik-dup in")
        s, _, page = con.get("/review?lang=en")
        ok(s == 200 and "Likely duplicates" in page and 'class="merge-pair"' not in page,
           "a contributor sees the pairs but no merge button")
        s, _, zh = ed.get("/review?lang=zh")
        ok(s == 200 and "可能重复的记录" in zh and "保留" in zh, "the review page in Chinese has the pairs and buttons")
        s, _, page = ed.get("/entities/hikvision?lang=en")
        ok(s == 200 and 'href="/merge?keep=hikvision' in page, "an editor's entity page links to the merge form")
        s, _, page = con.get("/entities/hikvision?lang=en")
        ok(s == 200 and "/merge?keep=" not in page, "a contributor's entity page does not")
        s, _, page = reader.get("/entities/hikvision?lang=en")
        ok(s == 200 and "/merge?keep=" not in page, "a reader's entity page does not")
        s, _, page = ed.get("/merge?keep=hikvision&lang=en")
        ok(s == 200 and 'name="gone"' in page and 'value="hikvision"' in page and 'name="csrf"' in page,
           "/merge?keep=ID is the form, with the kept id filled in")
        s, _, _ = reader.get("/merge?keep=hikvision&lang=en")
        ok(s in (303, 403), "a reader gets no merge form (sent to sign in)", s)

        # ---- refusals change nothing ----
        before = export(db)
        s, _, d = ed.post("/merge?lang=en", {"keep": "hikvision", "gone": "hik-dup"}, csrf=False)
        ok(s == 403, "a merge without the CSRF token is refused (403)", (s, d[:200]))
        s, _, d = con.post("/merge?lang=en", {"keep": "hikvision", "gone": "hik-dup"})
        ok(s == 403, "a contributor's merge is refused (403)", (s, d[:200]))
        s, _, d = reader.post("/merge?lang=en", {"keep": "hikvision", "gone": "hik-dup"}, csrf=False)
        ok(s == 403, "a reader's merge is refused (403)", (s, d[:200]))
        for fields, code, want in (({"keep": "hikvision", "gone": "nope"}, 404, "no entity &#39;nope&#39;"),
                                   ({"keep": "hikvision", "gone": "hikvision"}, 400, "into itself"),
                                   ({"keep": "cetc", "gone": "hikvision"}, 400, "are tied"),
                                   ({"keep": "hikvision", "gone": "<script>alert(1)</script>"}, 400,
                                    "is not an entity id"),
                                   ({"keep": "hikvision"}, 400, "is not an entity id"),
                                   ({"keep": "hikvision", "gone": "hik-dup", "summary": "a\nb"}, 400, "one line")):
            s, _, d = ed.post("/merge?lang=en", fields)
            ok(s == code and want in d and "<script>alert" not in d,
               "a bad merge (%s) comes back as the form with the message (%d)" % (sorted(fields.items()), code),
               (s, d[-1500:]))
        ok(export(db) == before, "the refused merges changed nothing")

        # ---- the merge ----
        s, h, d = ed.post("/merge?lang=en", {"keep": "hikvision", "gone": "hik-dup", "summary": "one company"})
        ok(s == 303 and h.get("location", "").startswith("/entities/hikvision"),
           "the editor's merge answers 303 to the kept entity", (s, h, d[:300]))
        s, h, d = reader.get("/entities/hik-dup?lang=zh")
        ok(s == 301 and h.get("location") == "/entities/hikvision?lang=zh",
           "the old entity page answers 301 to the kept one, in the reader's language", (s, h))
        ok("no-cache" in h.get("cache-control", ""), "… and a browser asks again (a revert takes it away)", h)
        s, h, _ = reader.get("/entities/hik-dup/graph?lang=en")
        ok(s == 301 and h.get("location") == "/entities/hikvision/graph?lang=en", "the old graph page too", (s, h))
        s, _, page = reader.get("/entities/hikvision?lang=en")
        ok(s == 200 and "Duplicate Demo Camera Works" in page and "002415" in page,
           "the kept entity's page has the merged names and identifiers")
        s, h, e = srv.get_json("/api/v1/entities/hik-dup")
        ok(s == 200 and e and e.get("id") == "hikvision" and e.get("redirected_from") == "hik-dup"
           and e.get("referents") == ["hik-dup"] and h.get("content-location") == "/api/v1/entities/hikvision",
           "the API answers for the kept entity, with redirected_from, referents and Content-Location", (s, h, e))
        s, _, e = srv.get_json("/api/v1/entities/hikvision")
        ok(s == 200 and "redirected_from" not in e and e.get("referents") == ["hik-dup"],
           "the kept entity's own address has no redirected_from")
        s, _, n = srv.get_json("/api/v1/entities/hik-dup/neighbors")
        ok(s == 200 and n.get("id") == "hikvision" and n.get("redirected_from") == "hik-dup", "… its neighbours",
           (s, n and {k: n[k] for k in n if k != "nodes"}))
        s, _, o = srv.get_json("/api/v1/owners/hik-dup")
        ok(s == 200 and o.get("redirected_from") == "hik-dup" and "cetc" in json.dumps(o), "… and its owners", o)
        s, _, p = srv.get_json("/api/v1/path?from=hik-dup&to=cetc")
        ok(s == 200 and p.get("from") == "hikvision" and p.get("paths"), "the path API from the old id", p)
        s, _, page = reader.get("/path?from=hik-dup&to=cetc&lang=en")
        ok(s == 200 and 'href="/entities/cetc' in page, "the path finder from the old id")
        s, _, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"},
                              b"Name\nDuplicate Demo Camera Works\n")
        try:
            rows = json.loads(d)["rows"]
        except (ValueError, KeyError):
            rows = None
        ok(s == 200 and rows and rows[0]["match"]["id"] == "hikvision", "screening a merged name finds the kept entity",
           (s, d[:300]))
        s, _, page = ed.get("/review?lang=en")
        ok(s == 200 and 'value="hik-dup"' not in page, "the merged pair is no longer listed on /review")

        # ---- revert ----
        r = cli(db, "--json", "history", "hik-dup")
        rev = json.loads(r.stdout)["revisions"][0]["revision"] if r.returncode == 0 else None
        r = cli(db, "revert", str(rev))
        ok(r.returncode == 0, "tiemap revert of the merge's revision", r.stderr)
        s, h, _ = reader.get("/entities/hik-dup?lang=en")
        # the server learns of a CLI write through its watcher: a moment
        for _ in range(50):
            if s == 200:
                break
            time.sleep(0.1)
            s, h, _ = reader.get("/entities/hik-dup?lang=en")
        ok(s == 200, "after the revert the old page is its own entity again (200, no redirect)", (s, h))
        # cached answers go when the watcher sees the new data version (each second)
        for _ in range(50):
            s, _, e = srv.get_json("/api/v1/entities/hikvision")
            if s == 200 and "referents" not in e:
                break
            time.sleep(0.1)
        ok(s == 200 and "referents" not in e, "… and the kept entity has no referents", e and e.get("referents"))
        ok(export(db) == before, "… and the data are as before the merge")
    finally:
        srv.stop()
    print("# %d failed" % failures())
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
