#!/usr/bin/env python3
"""A failure of the store is never an absence (store.h): under every page and
API route of src/http/routes.def, a store that fails gives a 5xx, never a 404,
an empty list or a page with a part left out, and that answer is not cached:
once the failure is over, the same request answers what a healthy server
does.

The failure is the query deadline, made to pass at a chosen point: while the
file named by $TIEMAP_TEST_EXPIRED exists, a deadline passes after as many
SQLite steps as the number in it (tm_store_set_deadline()).  Each route is
asked with the failure after 0, 1, 2, 4, 8 … steps until it has time to
finish, so the failure lands in its first query, its last, and between; every
answer must be a 5xx error or the healthy answer itself, so an error taken
for "nothing there" anywhere shows.  A streamed answer (the export) has sent
its 200 before it reads the store: a failure then cuts the body short, which
the client sees as a broken transfer, never as a whole answer.  Routes come
from routes.def, so a new
route is checked without a line here, unless it needs a sample argument that
nobody gave (then this test says so).

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import http.client
import http.server
import json
import os
import re
import subprocess
import tempfile
import threading

from harness import ROOT, SEED, TIEMAP, Server, failures, ok

TMP = tempfile.mkdtemp(prefix="tiemap-http-err-")
DB = os.path.join(TMP, "demo.db")
EXPIRED = os.path.join(TMP, "expired")

# What to ask each route, by handler name: path captures, then the query
# string and, for routes that take uploads, a body.  A route not listed gets
# DEFAULT_CAPTURES and no query.
DEFAULT_CAPTURES = {"id": "hikvision"}
SAMPLES = {
    # through every stage of a search that forgives: a part with a typo, a topic
    "page_search": {"query": "q=Hangzhou+Hikvison"},
    "api_search": {"query": "q=%E7%9B%A3%E6%8E%A7"},
    "page_path": {"query": "from=hikvision&to=cetc"},
    "api_path": {"query": "from=hikvision&to=cetc"},
    "page_source": {"captures": {"id": None}},  # the first source of the seed data
    "api_source": {"captures": {"id": None}},
    "page_action": {"captures": {"id": None}},  # the first action
    "page_digest": {"captures": {"week": None}},  # that action's week
    "page_actions": {"query": "target=hikvision"},
    "page_tag": {"captures": {"tag": "surveillance"}},
    "page_guide": {"captures": {"name": "search"}},
    "page_archived": {"captures": {"id": "err-archived", "stamp": None}},  # a copy made here
    "archived_warc": {"captures": {"id": "err-archived", "stamp": None}},
    "page_screen": {"method": "POST", "ctype": "text/csv", "body": b"name\nHikvision\nHuawei Technologies\n"},
    "api_screen": {"method": "POST", "ctype": "text/csv", "body": b"name\nHikvision\nHuawei Technologies\n"},
    # the accounts' pages, asked by a signed-in administrator (a session
    # cookie, or an API token for the API): who is asking is read from the
    # store too; /login and /logout are asked by a reader, and read nothing
    "page_account": {"as": "session"},
    "page_admin_users": {"as": "session"},
    "api_me": {"as": "token"},
    # a petition made here, signed twice (one signer shown), with its key
    "page_petition": {"captures": {"id": "err-petition"}},
    "api_petition": {"captures": {"id": "err-petition"}},
    # history, editing and review (docs/editing.md): change 1 and revision 1
    # are the seed import's
    "page_history": {"query": "record=entity&key=hikvision"},
    "page_revision": {"captures": {"rev": "1"}, "as": "session"},
    "page_edit": {"captures": {"record": "entity"}, "query": "key=hikvision", "as": "session"},
    "page_review": {"as": "session"},
    "page_merge": {"query": "keep=hikvision&gone=cetc", "as": "session"},
    "page_change": {"captures": {"change": "1"}, "as": "session"},
    "page_report": {"captures": {"record": "entity", "key": "hikvision"}},
    "api_record": {"captures": {"record": "entity", "key": "hikvision"}, "as": "token"},
    "api_history": {"captures": {"record": "entity", "key": "hikvision"}},
    "api_change": {"captures": {"change": "1"}, "as": "token"},
    "api_record_new": {"captures": {"record": "entity"}},
    "api_revert": {"captures": {"rev": "1"}},
}
# Routes that only write (POST): asked with GET they answer 405 before
# reading anything.  A write under a failing store is one transaction that
# rolls back: tests/http/test_editing.py asks that.
WRITE_ONLY = {"api_record_new", "api_revert"}
# Routes that answer without reading the store: the failure cannot reach
# them, and they answer as always.
STORELESS = {"api_index", "page_guide", "robots", "print_css", "page_login", "page_logout"} | WRITE_ONLY


def routes():
    """(pattern, handler, flags) of every line of routes.def"""
    text = open(os.path.join(ROOT, "src", "http", "routes.def"), encoding="utf-8").read()
    return re.findall(r'^TM_ROUTE\("([^"]+)",\s*(\w+),\s*([^)]+)\)', text, re.M)


def first_of(path, kind):
    for line in open(path, encoding="utf-8"):
        rec = json.loads(line)
        if rec.get("type") == kind:
            return rec
    return None


def iso_week(date):
    import datetime
    y, w, _ = datetime.date.fromisoformat(date).isocalendar()
    return "%d-W%02d" % (y, w)


class Page(http.server.BaseHTTPRequestHandler):
    """The page the source err-archived cites, served here to be archived."""

    def do_GET(self):
        body = b"<html><body><p>A page kept as a WARC file.</p></body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def archive_one():
    """A source citing a page on a loopback server, archived; the stamp of
    its copy, or None."""
    origin = http.server.HTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    path = os.path.join(TMP, "archived.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps({"type": "source", "id": "err-archived", "title": "A page archived for a test",
                            "url": "http://127.0.0.1:%d/page" % origin.server_port}) + "\n")
    try:
        for args in (["--quiet", "import", path], ["archive", "--delay", "0", "--timeout", "10", "err-archived"]):
            r = subprocess.run([TIEMAP, "--db", DB] + args, capture_output=True)
            if r.returncode:
                print("# %s: %s" % (args[0], r.stderr.decode(errors="replace")))
                return None
    finally:
        origin.shutdown()
    out = subprocess.run([TIEMAP, "--db", DB, "export"], capture_output=True).stdout.decode()
    caps = [json.loads(l) for l in out.splitlines() if '"type":"capture"' in l]
    return re.sub(r"\D", "", caps[0]["fetched"]) if caps else None


def sign_in():
    """{"session": a Cookie header, "token": an Authorization header} of an
    administrator added here, logged in at /login of a server of its own."""
    pw = "an administrator's phrase"
    r = subprocess.run([TIEMAP, "--db", DB, "user", "add", "err-admin", "--role", "admin"], input=pw + "\n",
                       capture_output=True, text=True)
    tok = subprocess.run([TIEMAP, "--db", DB, "--quiet", "user", "token", "err-admin"], capture_output=True, text=True)
    srv = Server(DB, TMP, "--rate", "0")
    try:
        s, h, _ = srv.request("/login", "POST", {"Content-Type": "application/x-www-form-urlencoded",
                                                 "Origin": "http://127.0.0.1:%d" % srv.port},
                              ("name=err-admin&password=" + pw.replace(" ", "+")).encode())
    finally:
        srv.stop()
    m = re.match(r"(tiemap=[^;]+);", h.get("set-cookie", ""))
    ok(r.returncode == 0 and tok.returncode == 0 and s == 303 and m, "an administrator logs in, and has a token",
       (r.stderr, tok.stderr, s))
    return {"session": {"Cookie": m.group(1) if m else ""},
            "token": {"Authorization": "Bearer " + tok.stdout.strip()}}


def petition():
    """A petition of the first action, its server key (the serve flags that
    take its signatures), and two signatures through its form, one of a
    signer shown by name: the petitions' pages and the action's read them."""
    sec, srv_key = os.path.join(TMP, "org.key"), os.path.join(TMP, "server.key")
    r = subprocess.run([TIEMAP, "petition", "keygen", "--secret-key", sec, "--server-key", srv_key],
                       capture_output=True, text=True)
    pk = re.search(r"^public_key (\S+)$", r.stdout, re.M)
    action = first_of(os.path.join(SEED, "actions.jsonl"), "action")["id"]
    path = os.path.join(TMP, "petition.jsonl")
    with open(path, "w") as f:
        f.write(json.dumps({"type": "petition", "id": "err-petition", "title": {"en": "A petition", "zh": "请愿"},
                            "text": {"en": "Text.", "zh": "文本。"}, "entities": ["hikvision"], "action": action,
                            "opens": "2020-01-01", "goal": 10, "public_key": pk.group(1) if pk else ""}) + "\n")
    imp = subprocess.run([TIEMAP, "--db", DB, "--quiet", "import", path], capture_output=True, text=True)
    flags = ["--petition-key", srv_key]
    srv = Server(DB, TMP, "--rate", "0", "--form-min-seconds", "0", *flags)
    signed = []
    try:
        for i, show in enumerate(("1", "")):
            page = srv.get("/petitions/err-petition?lang=en")[2]
            tok = re.search(r'name="tm_form" value="([^"]+)"', page)
            form = {"tm_form": tok.group(1) if tok else "", "website": "", "name": "Signer %d" % i,
                    "email": "signer%d@example.org" % i, "city": "City", "show": show}
            signed.append(srv.request("/petitions/err-petition?lang=en", "POST",
                                      {"Content-Type": "application/x-www-form-urlencoded",
                                       "Origin": "http://127.0.0.1:%d" % srv.port},
                                      "&".join("%s=%s" % kv for kv in form.items()).encode())[0])
    finally:
        srv.stop()
    ok(r.returncode == 0 and imp.returncode == 0 and signed == [303, 303],
       "a petition of the first action, signed twice, for the petitions' routes", (r.stderr, imp.stderr, signed))
    return flags


def requests(stamp, who):
    """(name, method, url, headers, body) of each route that reads the
    store, or a TAP failure for one without a sample."""
    source = first_of(os.path.join(SEED, "sources.jsonl"), "source")["id"]
    action = first_of(os.path.join(SEED, "actions.jsonl"), "action")
    filled = {"page_source": source, "api_source": source, "page_action": action["id"],
              "page_digest": iso_week(action["date"]), "page_archived": stamp, "archived_warc": stamp}
    out = []
    for pattern, name, flags in routes():
        if "TM_ROUTE_STATIC" in flags:
            continue
        sample = SAMPLES.get(name, {})
        caps = dict(DEFAULT_CAPTURES)
        caps.update({k: (v if v is not None else filled[name]) for k, v in sample.get("captures", {}).items()})
        missing = [c for c in re.findall(r"\{(\w+)\}", pattern) if c not in caps]
        if not ok(not missing, "route %s has sample arguments" % pattern,
                  "add %s to SAMPLES in tests/http/test_store_errors.py" % missing):
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: caps[m.group(1)], pattern)
        if sample.get("query"):
            url += "?" + sample["query"]
        headers = {"Content-Type": sample["ctype"]} if "ctype" in sample else {}
        headers.update(who[sample["as"]] if "as" in sample else {})
        out.append((name, sample.get("method", "GET"), url, headers, sample.get("body")))
    return out


def ask(srv, method, url, headers, body):
    """(status, headers, body), or (None, headers, None) for a body cut
    short: a chunked stream that ended without its last chunk."""
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=srv.timeout)
    try:
        c.request(method, url, body=body, headers=headers or {})
        r = c.getresponse()
    except (http.client.HTTPException, ConnectionError) as e:
        c.close()
        return 0, {}, repr(e).encode()  # no answer at all: the server fell over
    h = {k.lower(): v for k, v in r.getheaders()}
    try:
        data = r.read()
    except (http.client.IncompleteRead, ConnectionError):
        return None, h, None
    finally:
        c.close()
    return r.status, h, data


def comparable(data):
    """The body without what differs between two servers (a screening's
    time, the port in the absolute links of a feed) or two requests (the
    one-use token of a reader's form)."""
    return re.sub(rb'"seconds": ?[0-9.e+-]+|[0-9.]+ s</|127\.0\.0\.1:[0-9]+|name="tm_form" value="[^"]*"', b"", data)


def main():
    rc = subprocess.run([TIEMAP, "--db", DB, "--quiet", "import"] +
                        sorted(os.path.join(SEED, f) for f in os.listdir(SEED) if f.endswith(".jsonl")),
                        capture_output=True)
    if rc.returncode:
        print("not ok - seed import: %s" % rc.stderr.decode(errors="replace"))
        return 1
    stamp = archive_one()
    ok(stamp is not None, "a source is archived, for the routes of archived copies")
    keys = petition()
    reqs = requests(stamp or "0", sign_in())
    ok(len(reqs) >= 15, "routes.def lists the pages and API calls (%d that read the store or not)" % len(reqs))

    # what a healthy server answers, from its own process
    ref = Server(DB, TMP, "--rate", "0", *keys)
    want = {}
    try:
        for name, method, url, headers, body in reqs:
            want[url] = ref.request(url, method, headers, body)
    finally:
        ref.stop()
    for name, method, url, headers, body in reqs:
        s = want[url][0]
        code = 405 if name in WRITE_ONLY else 200
        ok(s == code, "%s %s answers %d on a healthy store" % (method, url, code), "status %d" % s)

    srv = Server(DB, TMP, "--rate", "0", *keys, env={"TIEMAP_TEST_EXPIRED": EXPIRED})
    try:
        for name, method, url, headers, body in reqs:
            healthy = want[url]
            steps, failed, cut, wrong = 0, 0, 0, []
            while True:
                with open(EXPIRED, "w") as f:
                    f.write("%d\n" % steps)
                s, h, d = ask(srv, method, url, headers, body)
                if s is None and h.get("transfer-encoding") == "chunked":
                    failed += 1  # a stream cut short: the client knows it failed
                    cut += 1
                    steps = steps * 2 if steps else 1
                    continue
                if s == healthy[0] and comparable(d) == comparable(healthy[2]):
                    break  # it had time to finish
                api = url.startswith("/api/")
                kind = h.get("content-type", "")
                shaped = ("application/json" in kind and b'"error"' in d) if api else \
                    ("text/html" in kind and b'class="error"' in d)
                # a signed-in user's answers are "private, no-store"
                if s < 500 or not shaped or "etag" in h or \
                        h.get("cache-control") not in ("no-store", "private, no-store"):
                    wrong.append("after %d steps: %d %s %s %r" % (steps, s, kind, h.get("cache-control"), d[:200]))
                failed += 1
                if steps > 1 << 28 or len(wrong) > 3:
                    break
                steps = steps * 2 if steps else 1
            if name in STORELESS:
                ok(failed == 0, "%s %s reads no store: it answers as always" % (method, url), "\n".join(wrong))
                continue
            what = "cuts the streamed body short" if cut == failed else "gives a 5xx that is not kept"
            ok(failed > 0 and not wrong and cut in (0, failed),
               "%s %s: a store failing at any of %d points %s, never a partial answer"
               % (method, url, failed, what), "\n".join(wrong) or "it never failed")
        os.unlink(EXPIRED)
        for name, method, url, headers, body in reqs:
            s, h, d = srv.request(url, method, headers, body)
            ok(s == want[url][0] and comparable(d) == comparable(want[url][2]),
               "%s %s once the store is well again: the healthy answer, not a kept failure" % (method, url),
               "status %d, %r" % (s, d[:300]))
    finally:
        if os.path.exists(EXPIRED):
            os.unlink(EXPIRED)
        rc, err = srv.stop()
    ok(rc == 0 and "Sanitizer" not in err, "the server stops cleanly", err[-2000:])
    return 1 if failures() else 0


if __name__ == "__main__":
    raise SystemExit(main())
