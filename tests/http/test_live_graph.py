"""The live graph (docs/editing.md "Live graph"): a running server follows
the edits made through it by patching its in-memory graph, not by building
it again, and an import made beside it by building it again.

Through the write API an editor adds an entity and then a tie of
ownership from it to Hikvision; the path finder, the owners of Hikvision
and the entity's neighbourhood answer with them, and the server's log says
the graph was patched at each data version; deleting the tie takes it out
of each of them again, patched.  Then `tiemap import` beside the running
server (another writer, whose changes the server did not note) adds a tie:
it shows too, the log saying the graph was built.  The same edit on a
server started with --no-live-graph is built, never patched.  No timing is
asserted (bench/live measures that): each answer is waited for, up to a
generous bound.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
"""
import json
import os
import re
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, failures, ok, seed_db  # noqa: E402
from test_editing import api, cli  # noqa: E402

WAIT = 15.0  # seconds a loaded test machine gets; the bench measures the real figure


def eventually(fn):
    end = time.time() + WAIT
    while True:
        v = fn()
        if v or time.time() > end:
            return v
        time.sleep(0.05)


def path_text(srv, a, b):
    """the paths found from a to b, as text ("" for none or an error)"""
    _, _, j = srv.get_json("/api/v1/path?from=%s&to=%s&max_hops=2" % (a, b))
    return json.dumps((j or {}).get("paths") or "", ensure_ascii=False)


def log_lines(srv):
    srv.err.flush()
    with open(srv.err.name, encoding="utf-8", errors="replace") as f:
        return [l for l in f if " graph " in l]


def main():
    tmp = tempfile.mkdtemp(prefix="tiemap-live-")
    db = os.path.join(tmp, "t.db")
    if seed_db(db):
        print("not ok - seed import")
        return 1
    cli(db, "user", "add", "ed", "--role", "editor", stdin="editor phrase for the live graph\n")
    token = cli(db, "--quiet", "user", "token", "ed").stdout.strip()
    srv = Server(db, tmp, "--rate", "0")
    try:
        ok(token and "live-holding" not in path_text(srv, "live-holding", "hikvision"),
           "before: no entity live-holding")
        ent = {"type": "entity", "id": "live-holding", "kind": "company",
               "names": [{"text": "Live Holding Test", "lang": "en", "primary": True}],
               "sources": [{"source": "psan-2024", "quote": "a quote"}]}
        s, j = api(srv, token, "POST", "/api/v1/records/entity", {"summary": "a holding for a test", "record": ent})
        ok(s == 201, "an editor adds an entity through the API (201)", (s, j))
        rel = {"type": "relation", "subject": "live-holding", "predicate": "owns", "object": "hikvision",
               "start": "2031", "sources": [{"source": "psan-2024", "quote": "a quote"}]}
        s, j = api(srv, token, "POST", "/api/v1/records/relation", {"summary": "owns it, for a test", "record": rel})
        ok(s == 201, "and a tie of ownership from it to Hikvision (201)", (s, j))
        ok(eventually(lambda: '"live-holding"' in path_text(srv, "live-holding", "hikvision")),
           "the path finder of the running server has the tie", path_text(srv, "live-holding", "hikvision")[:300])

        def owners():
            _, _, j = srv.get_json("/api/v1/owners/hikvision")
            return "live-holding" in json.dumps(j)
        ok(eventually(owners), "Hikvision's owners include the new holding")

        def hood(present):
            _, _, j = srv.get_json("/api/v1/entities/cetc/neighbors?depth=2")
            return ("live-holding" in json.dumps(j)) == present
        ok(eventually(lambda: hood(True)), "CETC's neighbourhood reaches it through Hikvision")
        lines = log_lines(srv)
        ok(lines and all(" patched " in l for l in lines) and not any(" built " in l for l in lines),
           "the server patched its graph for each change and never built it again", "".join(lines))

        key = "live-holding owns hikvision 2031.."
        _, j = api(srv, token, "GET", "/api/v1/records/relation/" + urllib.parse.quote(key))
        s, j = api(srv, token, "DELETE", "/api/v1/records/relation/" + urllib.parse.quote(key),
                   {"summary": "the test is over", "base": (j or {}).get("revision")})
        ok(s == 200, "the editor deletes the tie (200)", (s, j))
        ok(eventually(lambda: '"live-holding"' not in path_text(srv, "live-holding", "hikvision")),
           "the path is gone")
        ok(eventually(lambda: not owners()), "and so is the owner")
        ok(eventually(lambda: hood(False)), "and the neighbourhood no longer reaches it")
        lines = log_lines(srv)
        ok(len(lines) >= 3 and all(" patched " in l for l in lines), "patched again, never built",
           "".join(lines))

        # another writer beside the server: its changes carry no note, so the graph is built again
        f = os.path.join(tmp, "beside.jsonl")
        with open(f, "w", encoding="utf-8") as out:
            out.write(json.dumps({"type": "relation", "subject": "live-holding", "predicate": "partner_of",
                                  "object": "cetc", "sources": [{"source": "psan-2024", "quote": "a quote"}]}) + "\n")
        r = cli(db, "--quiet", "import", f)
        ok(r.returncode == 0, "tiemap import beside the running server", r.stderr)
        ok(eventually(lambda: '"live-holding"' in path_text(srv, "live-holding", "cetc")),
           "its tie shows in the path finder too")
        ok(eventually(lambda: any(" built " in l for l in log_lines(srv))),
           "the server built its graph again for a change it had no note of", "".join(log_lines(srv)))
    finally:
        rc, err = srv.stop()
        ok(rc == 0 and "Sanitizer" not in err and "runtime error" not in err, "the server stops cleanly",
           err[-800:])

    # the measuring switch: every change built, never patched
    srv = Server(db, tmp, "--rate", "0", "--no-live-graph")
    try:
        ent2 = dict(ent, id="live-holding-2", names=[{"text": "Second Live Holding", "lang": "en", "primary": True}])
        s, j = api(srv, token, "POST", "/api/v1/records/entity", {"summary": "another holding", "record": ent2})
        ok(s == 201, "--no-live-graph: an editor adds an entity (201)", (s, j))
        ok(eventually(lambda: any(" built " in l for l in log_lines(srv))) and
           not any(" patched " in l for l in log_lines(srv)),
           "--no-live-graph: the graph is built again, not patched", "".join(log_lines(srv)))
    finally:
        rc, err = srv.stop()
        ok(rc == 0 and "Sanitizer" not in err and "runtime error" not in err, "that server stops cleanly",
           err[-800:])
    print("# %d failed" % failures())
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
