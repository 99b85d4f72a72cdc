"""Hostile input to every endpoint of the write API (docs/security.md):
bodies that are not JSON, not UTF-8, not an object; members of the wrong
type (summary, base, record, note, decision, and a record's own fields);
oversized text; unknown record types, keys, revisions and changes; script
tags.  Each refusal is a 4xx whose JSON error says what is wrong and names
the field where there is one; none is a 5xx or a crash; the database is
byte for byte what it was (`tiemap export --history` before and after);
and what is stored comes back as JSON text, never markup.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
"""
import json
import os
import sys
import tempfile
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Server, failures, ok, seed_db  # noqa: E402
from test_editing import cli  # noqa: E402

BIG = "A" * (2 << 20)
SRC = [{"source": "psan-2024", "quote": "a quote"}]
GOOD_ENTITY = {"type": "entity", "id": "api-hostile", "kind": "company",
               "names": [{"text": "Api Hostile Test", "lang": "en", "primary": True}], "sources": SRC}
REL_KEY = "cetc owns hikvision"


def send(srv, token, method, path, body):
    hdr = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    data = body if isinstance(body, bytes) else None if body is None else json.dumps(body).encode()
    s, _, d = srv.request(path, method, hdr, data)
    try:
        return s, json.loads(d)
    except ValueError:
        return s, d[:200]


def main():
    tmp = tempfile.mkdtemp(prefix="tiemap-api-hostile-")
    db = os.path.join(tmp, "t.db")
    if seed_db(db):
        print("not ok - seed import")
        return 1
    cli(db, "user", "add", "ed", "--role", "editor", stdin="editor phrase for hostile api input\n")
    token = cli(db, "--quiet", "user", "token", "ed").stdout.strip()
    before = cli(db, "export", "--history").stdout
    srv = Server(db, tmp, "--rate", "0")
    rec = "/api/v1/records/"
    ent_key = rec + "entity/hikvision"
    rel_key = rec + "relation/" + urllib.parse.quote(REL_KEY)
    # (what, method, path, body, status wanted, field wanted or None)
    cases = [
        ("a body that is not JSON", "POST", rec + "entity", b"{summary: nope", 400, "body"),
        ("a body that is not UTF-8", "POST", rec + "entity",
         b'{"summary": "\xff\xfe bad", "record": {"type": "entity"}}', 400, "body"),
        ("a record with a name that is not UTF-8", "POST", rec + "entity",
         b'{"summary": "s", "record": {"type": "entity", "id": "x", "kind": "company", "names": [{"text": "\xc3\x28"}]}}',
         400, "body"),
        ("a body that is an array", "POST", rec + "entity", [1, 2], 400, "body"),
        ("an empty body", "POST", rec + "entity", b"", 400, "body"),
        ("a record that is text", "POST", rec + "entity", {"summary": "s", "record": "entity"}, 400, "record"),
        ("a summary that is a number", "POST", rec + "entity", {"summary": 5, "record": GOOD_ENTITY}, 400, "summary"),
        ("a summary of 2 MB", "POST", rec + "entity", {"summary": BIG, "record": GOOD_ENTITY}, 400, None),
        ("no summary", "POST", rec + "entity", {"record": GOOD_ENTITY}, 400, "summary"),
        ("a kind that is a number", "POST", rec + "entity",
         {"summary": "s", "record": dict(GOOD_ENTITY, kind=7)}, 400, "kind"),
        ("names that are text", "POST", rec + "entity",
         {"summary": "s", "record": dict(GOOD_ENTITY, names="Api Hostile")}, 400, "names"),
        ("sources that are an object", "POST", rec + "entity",
         {"summary": "s", "record": dict(GOOD_ENTITY, sources={"source": "psan-2024"})}, 400, "sources"),
        ("a name of 2 MB", "POST", rec + "entity",
         {"summary": "s", "record": dict(GOOD_ENTITY, names=[{"text": BIG, "lang": "en", "primary": True}])}, 400, None),
        ("a citation of an unknown source", "POST", rec + "entity",
         {"summary": "s", "record": dict(GOOD_ENTITY, sources=[{"source": "no-such-source", "quote": "q"}])}, 400, None),
        ("a record of another type than the address", "POST", rec + "source",
         {"summary": "s", "record": GOOD_ENTITY}, 400, None),
        ("a tie to an unknown entity", "POST", rec + "relation",
         {"summary": "s", "record": {"type": "relation", "subject": "no-such-entity", "predicate": "owns",
                                     "object": "hikvision", "sources": SRC}}, 400, "subject"),
        ("a tie with an unknown predicate", "POST", rec + "relation",
         {"summary": "s", "record": {"type": "relation", "subject": "cetc", "predicate": "<script>",
                                     "object": "hikvision", "sources": SRC}}, 400, "predicate"),
        ("a share that is text", "POST", rec + "relation",
         {"summary": "s", "record": {"type": "relation", "subject": "cetc", "predicate": "owns",
                                     "object": "hikvision", "start": "1999", "share": "half", "sources": SRC}},
         400, "share"),
        ("an unknown record type", "POST", rec + "widget", {"summary": "s", "record": GOOD_ENTITY}, 404, None),
        ("a base that is text", "PUT", ent_key, {"summary": "s", "base": "1", "record": GOOD_ENTITY}, 400, "base"),
        ("a negative base", "PUT", ent_key, {"summary": "s", "base": -3, "record": GOOD_ENTITY}, 400, "base"),
        ("a stale base", "PUT", ent_key, {"summary": "s", "base": 0, "record": dict(GOOD_ENTITY, id="hikvision")},
         409, None),
        ("an unknown entity to change", "PUT", rec + "entity/no-such-entity",
         {"summary": "s", "base": 0, "record": dict(GOOD_ENTITY, id="no-such-entity")}, 404, None),
        ("an unknown entity to delete", "DELETE", rec + "entity/no-such-entity", {"summary": "s", "base": 0}, 404, None),
        ("a delete without a base", "DELETE", rel_key, {"summary": "s"}, 400, "base"),
        ("a delete whose summary is a list", "DELETE", rel_key, {"summary": ["s"], "base": 1}, 400, "summary"),
        ("a delete with a body that is not JSON", "DELETE", rel_key, b"\x00\x01", 400, "body"),
        ("a revert of an unknown revision", "POST", "/api/v1/revisions/99999999/revert", {"summary": "s"}, 404, None),
        ("a revert of revision 'x'", "POST", "/api/v1/revisions/x/revert", {"summary": "s"}, 404, None),
        ("a revert whose body is a string", "POST", "/api/v1/revisions/1/revert", "undo", 400, "body"),
        ("a revert whose summary is a number", "POST", "/api/v1/revisions/1/revert", {"summary": 1}, 400, "summary"),
        ("a review of an unknown change", "POST", "/api/v1/changes/99999999", {"decision": "approve"}, 404, None),
        ("a review with no decision", "POST", "/api/v1/changes/1", {"note": "x"}, 400, "decision"),
        ("a review whose note is an object", "POST", "/api/v1/changes/1", {"decision": "reject", "note": {}}, 400,
         "note"),
        ("a review whose decision is <script>", "POST", "/api/v1/changes/1",
         {"decision": "<script>alert(1)</script>"}, 400, "decision"),
    ]
    try:
        for what, method, path, body, want, field in cases:
            s, j = send(srv, token, method, path, body)
            err = j.get("error", {}) if isinstance(j, dict) else {}
            good = s == want and err.get("message") and (field is None or err.get("field") == field)
            ok(good, "%s: %d%s, with a message" % (what, want, " naming '%s'" % field if field else ""),
               (s, str(j)[:300]))
            ok(s < 500, "%s: never a 5xx" % what, s)
        after = cli(db, "export", "--history").stdout
        ok(before == after and len(before) > 1000, "after %d refusals the database is as it was "
           "(export --history, byte for byte)" % len(cases))

        # script tags are data: stored, and answered as JSON text
        hostile = dict(GOOD_ENTITY, id="api-script", names=[
            {"text": "<script>alert(1)</script>", "lang": "en", "primary": True}],
            description={"en": '"><img src=x onerror=alert(1)> \u202egnp.exe'})
        s, j = send(srv, token, "POST", rec + "entity", {"summary": "<b>bold</b>", "record": hostile})
        ok(s == 201, "script tags in a name, a description and a summary are stored (201)", (s, j))
        s, j = send(srv, token, "GET", rec + "entity/api-script", None)
        names = json.dumps(j.get("record", {}).get("names") if isinstance(j, dict) else None)
        ok(s == 200 and "<script>alert(1)</script>" in json.dumps(json.loads(names) if names != "null" else "",
                                                              ensure_ascii=False),
           "and come back as JSON text, unchanged", (s, str(j)[:300]))
        s, h, page = srv.get("/entities/api-script?lang=en")
        ok(s == 200 and "<script>alert" not in page and "&lt;script&gt;" in page and "<img src=x" not in page,
           "its page shows them as text", page[:300])
        s, j = send(srv, token, "POST", rec + "entity", {"summary": "again", "record": hostile})
        ok(s == 400 and isinstance(j, dict) and j.get("error", {}).get("field") == "id",
           "the same id twice is refused, naming 'id' (400)", (s, j))
    finally:
        rc, err = srv.stop()
        ok(rc == 0 and "Sanitizer" not in err and "runtime error" not in err, "the server stops cleanly",
           err[-800:])
    print("# %d failed" % failures())
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
