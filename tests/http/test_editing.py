"""Editing, review, history and corrections over HTTP (docs/editing.md).

A contributor adds a tie with a new source and a quote through the form; it
is not public; an editor approves it; it is on both entities' pages and in
the path finder of the running server; the editor reverts it; it is gone
and the history lists its revisions with diffs.  A lost update is refused
with what changed.  The importer's messages come back beside their fields,
in both languages.  The API does the same for scripts.  Anyone may report
an error or respond; the contact address is gone once the report is closed.
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
from harness import TIEMAP, Server, failures, ok, seed_db  # noqa: E402

PW = {"con": "contributor phrase one", "ed": "editor phrase number two", "ed2": "second editor phrase 3"}
ROLES = {"con": "contributor", "ed": "editor", "ed2": "editor"}


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

    def post(self, path, fields):
        fields = dict(fields)
        if self.csrf:
            fields["csrf"] = self.csrf
        hdr = {"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin}
        if self.cookie:
            hdr["Cookie"] = self.cookie
        s, h, d = self.srv.request(path, "POST", hdr, urllib.parse.urlencode(fields).encode())
        return s, h, d.decode("utf-8", "replace")


def api(srv, token, method, path, body=None):
    hdr = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    s, _, d = srv.request(path, method, hdr, json.dumps(body).encode() if body is not None else None)
    try:
        return s, json.loads(d)
    except ValueError:
        return s, None


def hidden(html, name):
    m = re.search(r'name="%s" value="([^"]*)"' % re.escape(name), html)
    return m.group(1) if m else None


def path_has(srv, a, b, via, seconds=1.0):
    """whether a path from a to b goes through via, asked until seconds pass"""
    end = time.time() + seconds
    while True:
        _, _, j = srv.get_json("/api/v1/path?from=%s&to=%s" % (a, b))
        text = json.dumps(j, ensure_ascii=False)
        if via in text:
            return True
        if time.time() > end:
            return False
        time.sleep(0.05)


def path_lacks(srv, a, b, text, seconds=1.0):
    end = time.time() + seconds
    while True:
        _, _, j = srv.get_json("/api/v1/path?from=%s&to=%s" % (a, b))
        if text not in json.dumps(j, ensure_ascii=False):
            return True
        if time.time() > end:
            return False
        time.sleep(0.05)


def main():
    tmp = tempfile.mkdtemp(prefix="tiemap-edit-")
    db = os.path.join(tmp, "t.db")
    if seed_db(db):
        print("not ok - seed import")
        return 1
    # the import is a change of revisions
    r = cli(db, "--json", "history", "hikvision")
    h = json.loads(r.stdout) if r.returncode == 0 else {}
    ok(h.get("revisions") and h["revisions"][-1]["via"] == "import" and h["revisions"][-1]["what"] == "created",
       "tiemap import records each record as a revision (tiemap history)", r.stdout[:300] + r.stderr)
    for name, pw in PW.items():
        cli(db, "user", "add", name, "--role", ROLES[name], stdin=pw + "\n")
    tokens = {n: cli(db, "--quiet", "user", "token", n).stdout.strip() for n in PW}
    srv = Server(db, tmp)
    try:
        con, ed, ed2 = Browser(srv), Browser(srv), Browser(srv)
        ok(con.login("con") and ed.login("ed") and ed2.login("ed2"), "a contributor and two editors log in")

        # ---- a contributor adds a tie with a new source and a quote ----
        s, _, page = con.get("/edit/relation?subject=hikvision&lang=en")
        ok(s == 200 and 'name="src_quote"' in page and 'name="csrf"' in page,
           "the tie form offers a new source with a quote (200)", page[:300])
        # the importer's message beside the field, in each language
        for lang, want in (("en", "bad date"), ("zh", "日期请写成")):
            s, _, page = con.post("/edit/relation?lang=" + lang, {
                "subject": "hikvision", "predicate": "supplies", "object": "wolf-pack", "start": "20x4",
                "cite_source_0": "psan-2024", "cite_quote_0": "x", "summary": "try"})
            m = re.search(r'<span class="field-error" id="err-start"[^>]*>(.*?)</span>', page)
            ok(s == 400 and m and want in m.group(1),
               "a bad date comes back beside 'start' with the importer's words (%s)" % lang, (s, page[:400]))
        s, _, page = con.post("/edit/relation?lang=en", {
            "subject": "hikvision", "predicate": "supplies", "object": "wolf-pack",
            "src_title": "Test report on a supply contract", "src_url": "https://example.org/report",
            "summary": "<script>alert(1)</script> supply tie"})
        ok(s == 400 and 'id="err-src_quote"' in page, "a new source without a quote is refused beside the quote",
           (s, page[:300]))
        s, hdr, _body = con.post("/edit/relation?lang=en", {
            "subject": "海康威视", "predicate": "supplies", "object": "wolf-pack", "start": "2024",
            "src_title": "Test report on a supply contract", "src_url": "https://example.org/report",
            "src_quote": "Hikvision supplied the cameras", "summary": "<script>alert(1)</script> supply tie"})
        loc = hdr.get("location", "")
        m = re.match(r"/review/(\d+)", loc)
        ok(s == 303 and m, "the contributor's tie is saved, named by its Chinese name (303 to its change)",
           (s, loc, re.findall(r'(?:field-error|class="error")[^>]*>(.*?)</(?:span|p)>', _body)))
        change = int(m.group(1)) if m else 0
        s, j = api(srv, tokens["ed"], "GET", "/api/v1/changes/%d" % change)
        ok(s == 200 and j["status"] == "pending" and len(j["revisions"]) == 2,
           "it waits for review: a new source and a tie, one change", j)
        _, _, page = srv.get("/entities/wolf-pack?lang=en")
        ok("Test report on a supply contract" not in page and "supplied the cameras" not in page,
           "a pending tie is not public")
        s, _, page = ed.get("/review?lang=en")
        ok(s == 200 and "/review/%d" % change in page and "&lt;script&gt;" in page and "<script>alert" not in page,
           "the editor's queue lists it, its summary escaped", page[:300])
        s, _, page = con.post("/review/%d?lang=en" % change, {"decision": "approve"})
        ok(s == 403, "a contributor cannot approve (403)", s)
        s, _, page = ed.post("/review/%d?lang=en" % change, {"decision": "approve", "note": "line\nbreak"})
        ok(s == 400 and "one line" in page, "an approval's note is one line (400)", (s, page[:300]))
        s, _, _ = ed.post("/review/%d?lang=en" % change, {"decision": "approve", "note": "checked the report"})
        ok(s == 303, "the editor approves it (303)", s)
        for ent in ("hikvision", "wolf-pack"):
            _, _, page = srv.get("/entities/%s?lang=en" % ent)
            ok("Hikvision supplied the cameras" in page, "the approved tie is on %s's page, with its quote" % ent)
        ok(path_has(srv, "hikvision", "wolf-pack", "Test report on a supply contract"),
           "the path finder of the running server has it within a second")
        key = "hikvision supplies wolf-pack 2024.."
        s, j = api(srv, tokens["ed"], "GET", "/api/v1/history/relation/" + urllib.parse.quote(key))
        revs = j["revisions"] if j else []
        ok(s == 200 and len(revs) == 2 and revs[1]["status"] == "approved" and revs[1]["author"] == "con"
           and revs[1]["reviewer"] == "ed" and revs[1]["review_note"] == "checked the report",
           "its history: proposed by the contributor, approved by the editor with the note", j)
        # the approval's revision is the tie as stored, with the days the
        # store gave it (added, changed: docs/format.md); the rest of the diff
        # is the proposal's
        undated = lambda diff: [f for f in diff if f["field"] not in ("added", "changed")]
        ok(len(revs) == 2 and revs[0]["author"] == "ed" and revs[0]["via"] == "review"
           and revs[0]["status"] == "published" and revs[0].get("approves") == change
           and "checked the report" in revs[0]["summary"] and undated(revs[0]["diff"]) == revs[1]["diff"]
           and {f["field"] for f in revs[0]["diff"]} - {f["field"] for f in revs[1]["diff"]} == {"added", "changed"}
           and revs[0]["at"] >= revs[1]["at"],
           "the approval is a revision of its own: the editor's, later, naming the change, with the same diff"
           " and the days the store gave the tie", j)

        # ---- the editor reverts it ----
        rev = revs[0]["revision"] if revs else 0  # the approval
        s, hdr, _ = ed.post("/revisions/%d?lang=en" % rev, {"summary": "not confirmed"})
        ok(s == 303, "the editor reverts it (303)", s)
        for ent in ("hikvision", "wolf-pack"):
            _, _, page = srv.get("/entities/%s?lang=en" % ent)
            ok("Hikvision supplied the cameras" not in page, "after the revert it is gone from %s's page" % ent)
        ok(path_lacks(srv, "hikvision", "wolf-pack", "Test report on a supply contract"),
           "and from the path finder within a second")
        _, _, page = srv.get("/history?record=relation&key=%s&lang=en" % urllib.parse.quote(key))
        ok(page.count('class="revision"') == 3 and "not confirmed" in page and page.count('class="diff"') == 3
           and "&lt;script&gt;" in page and 'class="approved"' in page and "checked the report" in page
           and 'class="approves"' in page,
           "the history shows all three revisions (proposed, approved, reverted) with diffs", page[:500])
        s, _, page = srv.get("/history?record=relation&key=%s&lang=zh" % urllib.parse.quote(key))
        ok(s == 200 and "修改历史" in page, "the history page in Chinese")

        # ---- a lost update ----
        _, _, f1 = ed.get("/edit/entity?key=wolf-pack&lang=en")
        _, _, f2 = ed2.get("/edit/entity?key=wolf-pack&lang=en")
        base = hidden(f1, "base")
        ok(base is not None and base == hidden(f2, "base"), "two editors open the same entity at one revision", base)
        _, j = api(srv, tokens["ed"], "GET", "/api/v1/records/entity/wolf-pack")
        rec = j["record"]
        fields = {"key": "wolf-pack", "base": base, "kind": rec["kind"], "summary": "first edit"}
        for i, n in enumerate(rec["names"]):
            fields["name_text_%d" % i] = n["text"]
            fields["name_lang_%d" % i] = n["lang"]
            if n.get("primary"):
                fields["name_primary_%d" % i] = "1"
        for i, c in enumerate(rec.get("sources", [])):
            c = {"source": c} if isinstance(c, str) else c
            fields["cite_source_%d" % i] = c["source"]
            if c.get("quote"):
                fields["cite_quote_%d" % i] = c["quote"]
        fields["desc_en"] = "First editor's description."
        s, _, _ = ed.post("/edit/entity?lang=en", fields)
        ok(s == 303, "the first save goes through (303)", s)
        fields["desc_en"] = "Second editor's description."
        fields["summary"] = "second edit"
        s, _, page = ed2.post("/edit/entity?lang=en", fields)
        ok(s == 409 and 'class="conflict"' in page and "First editor&#39;s description." in page,
           "the second save is refused (409) and shows what changed meanwhile", (s, page[:400]))
        s, j = api(srv, tokens["ed"], "PUT", "/api/v1/records/entity/wolf-pack",
                   {"summary": "stale", "base": int(base), "record": rec})
        ok(s == 409 and j["conflict"]["current"] > int(base) and j["conflict"]["changes"],
           "the API refuses a stale base too (409, with the changes)", j)

        # ---- the API ----
        new = {"type": "entity", "id": "test-vendor", "kind": "company",
               "names": [{"text": "Test Vendor", "lang": "en", "primary": True}],
               "sources": [{"source": "psan-2024", "quote": "a quote"}]}
        s, j = api(srv, tokens["con"], "POST", "/api/v1/records/entity", {"summary": "a vendor", "record": new})
        ok(s == 202 and j["status"] == "pending", "a contributor's API change waits (202)", (s, j))
        s, j = api(srv, tokens["ed"], "POST", "/api/v1/records/entity", {"summary": "", "record": new})
        ok(s == 400 and j["error"]["field"] == "summary", "a change without a summary is refused (400)", j)
        bad = dict(new, kind="nonsense")
        s, j = api(srv, tokens["ed"], "POST", "/api/v1/records/entity", {"summary": "a vendor", "record": bad})
        ok(s == 400 and j["error"]["field"] == "kind" and "unknown kind" in j["error"]["message"],
           "the importer's message and its field (400)", j)
        s, j = api(srv, tokens["ed"], "POST", "/api/v1/records/entity", {"summary": "a vendor", "record": new})
        ok(s == 201 and j["status"] == "published", "an editor's API change is published (201)", (s, j))
        s, _, page = srv.get("/entities/test-vendor?lang=en")
        ok(s == 200 and "Test Vendor" in page, "and is on the site at once", (s, re.findall(r"class=\"error\"[^>]*>(.*?)<", page)))
        _, j = api(srv, tokens["ed"], "GET", "/api/v1/records/entity/test-vendor")
        s, j = api(srv, tokens["ed"], "DELETE", "/api/v1/records/entity/test-vendor",
                   {"summary": "made for a test", "base": j["revision"]})
        ok(s == 200, "an editor deletes it (200)", (s, j))
        s, _, page = srv.get("/entities/test-vendor?lang=en")
        ok(s == 410 and "made for a test" in page and "Test Vendor" in page,
           "its page is a tombstone (410): what was removed and why", (s, page[:300]))

        # ---- corrections and replies ----
        s, _, form = srv.get("/report/entity/hikvision?lang=zh")
        ok(s == 200 and "纠错" in form and hidden(form, "tm_form"), "the correction form, in Chinese, needs no account")
        _, _, rform = srv.get("/report/reply/hikvision?lang=en")
        time.sleep(3.2)  # the guard refuses a form sent sooner than a person could
        s, _, page = Browser(srv).post("/report/entity/hikvision?lang=en", {
            "tm_form": hidden(form, "tm_form"), "website": "", "message": "The date is wrong.",
            "links": "https://example.org/evidence", "contact": "reader@example.org"})
        ok(s == 200 and 'role="status"' in page, "a reader sends a correction", (s, page[:300]))
        s, _, page = Browser(srv).post("/report/reply/hikvision?lang=en", {
            "tm_form": hidden(rform, "tm_form"), "website": "", "message": "We answer: <b>no</b>.",
            "contact": "press@example.com"})
        ok(s == 200, "the organization sends a response", s)
        _, _, queue = ed.get("/review?lang=en")
        ok("reader@example.org" in queue and "press@example.com" in queue, "editors see reports with contacts")
        _, _, cq = con.get("/review?lang=en")
        ok("reader@example.org" not in cq, "a contributor does not see contact addresses")
        rid = re.findall(r'name="report" value="(\d+)"', queue)
        for r_id in rid:
            d = "publish" if "press@example.com" in queue.split('value="%s"' % r_id)[0].split("<li")[-1] else "close"
            ed.post("/review?lang=en", {"report": r_id, "decision": d})
        _, _, queue = ed.get("/review?lang=en")
        ok("reader@example.org" not in queue and "press@example.com" not in queue, "closed reports leave the queue")
        r = subprocess.run(["sqlite3", db, "SELECT count(*) FROM reports WHERE contact IS NOT NULL"],
                           capture_output=True, text=True)
        ok(r.returncode != 0 or r.stdout.strip() == "0", "closing erases the contact addresses", r.stdout)
        _, _, page = srv.get("/entities/hikvision?lang=en")
        ok('class="replies"' in page and "We answer: &lt;b&gt;no&lt;/b&gt;." in page,
           "a published response is on the entity's page under its own heading, escaped", page[-800:])
    finally:
        rc, err = srv.stop()
        ok(rc == 0, "server stops cleanly", err[-500:])
    # ---- a write under a failing store changes nothing ----
    # the store's deadline passes after as many steps as $TIEMAP_TEST_EXPIRED
    # says (tm_store_set_deadline()), so the failure lands at each point of
    # the write in turn: every answer is a 5xx or the write done, and after a
    # 5xx the record and its history are as they were
    expired = os.path.join(tmp, "expired")
    srv = Server(db, tmp, env={"TIEMAP_TEST_EXPIRED": expired})
    try:
        _, j = api(srv, tokens["ed"], "GET", "/api/v1/records/entity/hikvision")
        base, rec = j["revision"], j["record"]
        _, hj = api(srv, tokens["ed"], "GET", "/api/v1/history/entity/hikvision")
        nrevs = len(hj["revisions"])
        rec = dict(rec, tags=sorted(set(rec.get("tags", []) + ["failing-store"])))
        steps, failed, wrong, done = 0, 0, [], False
        while steps < 1 << 24 and len(wrong) < 3:
            with open(expired, "w") as f:
                f.write("%d\n" % steps)
            s, j = api(srv, tokens["ed"], "PUT", "/api/v1/records/entity/hikvision",
                       {"summary": "a tag", "base": base, "record": rec})
            os.unlink(expired)
            if s == 200:
                done = True
                break
            failed += 1
            _, now = api(srv, tokens["ed"], "GET", "/api/v1/records/entity/hikvision")
            _, hj = api(srv, tokens["ed"], "GET", "/api/v1/history/entity/hikvision")
            if s < 500 or now["revision"] != base or "failing-store" in now["record"].get("tags", []) \
                    or len(hj["revisions"]) != nrevs:
                wrong.append("after %d steps: %d %r" % (steps, s, j))
            steps = steps * 2 if steps else 1
        ok(done and failed > 0 and not wrong,
           "a write failing at any of %d points is a 5xx and changes nothing; then it goes through" % failed,
           "\n".join(wrong) or ("never failed" if done else "never went through"))
        _, hj = api(srv, tokens["ed"], "GET", "/api/v1/history/entity/hikvision")
        ok(len(hj["revisions"]) == nrevs + 1, "and it is one revision", hj["revisions"][:1])
    finally:
        if os.path.exists(expired):
            os.unlink(expired)
        rc, err = srv.stop()
        ok(rc == 0 and "Sanitizer" not in err, "that server stops cleanly", err[-500:])
    # export --history, import, export --history: the same bytes
    a = cli(db, "export", "--history").stdout
    db2 = os.path.join(tmp, "u.db")
    p = subprocess.run([TIEMAP, "--db", db2, "--quiet", "import", "-"], input=a, capture_output=True, text=True)
    b = cli(db2, "export", "--history").stdout
    ok(p.returncode == 0 and a == b and '"type":"revision"' in a,
       "export --history, import into a fresh database, export --history: the same bytes", p.stderr[:300])
    print("# %d failed" % failures())
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
