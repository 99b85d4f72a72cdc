"""Hostile text in every field of every editing form (docs/security.md):
script tags, markup that closes an attribute, javascript: URLs, a
right-to-left override (U+202E) and a 1 MB string, each alone in one field
of an otherwise good edit, by an editor (published at once) and, for the
readers' forms, by anyone.  Each is stored or refused, never a crash or a
5xx; and no page that shows it afterwards (the refusal that repeats the
form, the record's page, the prefilled edit form, its history, its change,
the review queue, a tombstone) has it as markup: no script or img element
of ours, no javascript: link, and each override shut inside a bidi isolate
(FSI … PDI) so that it cannot reorder the page around it.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build).
"""
import os
import re
import sys
import tempfile
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import test_editing  # noqa: E402
from harness import Server, failures, ok, seed_db  # noqa: E402
from test_editing import Browser, cli, hidden  # noqa: E402

PW = {"ed": "editor phrase for hostile text", "con": "contributor phrase for hostile text"}
test_editing.PW.update(PW)  # Browser.login reads them there

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "javascript URL": "javascript:alert(1)",
    "RTL override": "\u202egnp.exe",
    "1 MB": "A" * (1 << 20),
}

# each form's good values; {n} makes each edit new
ENTITY = {"id": "hostile-e{n}", "kind": "company", "country": "", "start": "", "end": "",
          "name_text_0": "Hostile Test {n}", "name_lang_0": "en", "name_primary_0": "1",
          "desc_en": "", "desc_zh": "", "tags": "", "ident_scheme_0": "", "ident_value_0": "",
          "cite_source_0": "psan-2024", "cite_quote_0": "a quote", "cite_page_0": "", "summary": "hostile test {n}"}
RELATION = {"subject": "hikvision", "predicate": "supplies", "object": "adi-global-distribution",
            "start": "{year}", "end": "", "share": "", "amount": "", "currency": "", "note": "",
            "cite_source_0": "", "cite_quote_0": "", "cite_page_0": "",
            "src_title": "Hostile test source {n}", "src_url": "https://example.org/hostile-{n}",
            "src_publisher": "", "src_author": "", "src_date": "", "src_lang": "",
            "src_quote": "a quote {n}", "src_page": "", "summary": "hostile tie {n}"}
SOURCE = {"id": "hostile-s{n}", "title": "Hostile source {n}", "author": "", "publisher": "", "date": "",
          "url": "", "lang": "", "note": "", "summary": "hostile source {n}"}
REPORT = {"message": "A correction {n}.", "links": "", "contact": "", "website": ""}

ISOLATE_OPEN, ISOLATE_CLOSE, RLO = "\u2068", "\u2069", "\u202e"


def markup(page):
    """what of the hostile text became markup in page, or None"""
    if re.search(r"<script>alert|<img src=x", page, re.I):
        return "an element from the input"
    if re.search(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", page, re.I):
        return "a javascript: link"
    for m in re.finditer(RLO, page):
        before, after = page[:m.start()], page[m.end():]
        if before.rfind(ISOLATE_OPEN) <= before.rfind(ISOLATE_CLOSE) or ISOLATE_CLOSE not in after:
            return "an override outside an isolate at %d: %r" % (m.start(), page[max(0, m.start() - 60):m.start()])
    return None


def fill(values, n):
    return {k: v.format(n=n, year=1800 + n) for k, v in values.items()}


def main():
    tmp = tempfile.mkdtemp(prefix="tiemap-hostile-")
    db = os.path.join(tmp, "t.db")
    if seed_db(db):
        print("not ok - seed import")
        return 1
    cli(db, "user", "add", "ed", "--role", "editor", stdin=PW["ed"] + "\n")
    cli(db, "user", "add", "con", "--role", "contributor", stdin=PW["con"] + "\n")
    srv = Server(db, tmp, "--rate", "0")
    seen = []  # (what, path) of pages that show what was stored
    try:
        ed, con = Browser(srv), Browser(srv)
        ok(ed.login("ed") and con.login("con"), "an editor and a contributor log in")
        n = 0
        for form, values, path in (("entity", ENTITY, "/edit/entity"), ("relation", RELATION, "/edit/relation"),
                                   ("source", SOURCE, "/edit/source")):
            for field in values:
                stored, refused, wrong = 0, 0, []
                for kind, text in HOSTILE.items():
                    n += 1
                    fields = fill(values, n)
                    fields[field] = text
                    s, h, page = ed.post(path + "?lang=en", fields)
                    bad = markup(page)
                    if s >= 500 or s == 0 or bad:
                        wrong.append("%s: %d %s" % (kind, s, bad or page[:200]))
                    elif s in (302, 303):
                        stored += 1
                        loc = h.get("location", "")
                        seen.append(("%s %s in %s" % (form, kind, field), loc))
                        if form == "relation":
                            key = "hikvision supplies adi-global-distribution %s.." % fields["start"]
                            if field == "start":
                                continue
                            seen.append(("its history", "/history?record=relation&key=" + urllib.parse.quote(key)))
                            seen.append(("the edit form", "/edit/relation?key=" + urllib.parse.quote(key)))
                        else:
                            rid = fields["id"]
                            seen.append(("its edit form", "/edit/%s?key=%s" % (form, urllib.parse.quote(rid))))
                            seen.append(("its history", "/history?record=%s&key=%s" % (form, urllib.parse.quote(rid))))
                    else:
                        refused += 1
                ok(not wrong, "%s form, field %s: hostile text is stored (%d) or refused (%d), never markup"
                   % (form, field, stored, refused), "\n".join(wrong))

        # the readers' forms: a correction and an organization's response
        forms = {}
        for kind in ("entity", "reply"):
            for k in HOSTILE:
                for field in REPORT:
                    _, _, page = srv.get("/report/%s/hikvision?lang=en" % kind)
                    forms[(kind, k, field)] = hidden(page, "tm_form")
        time.sleep(3.2)  # the guard refuses a form sent sooner than a person could
        wrong, stored = [], 0
        for (kind, k, field), token in forms.items():
            n += 1
            fields = fill(REPORT, n)
            fields[field] = HOSTILE[k]
            fields["tm_form"] = token
            s, _, page = Browser(srv).post("/report/%s/hikvision?lang=en" % kind, fields)
            bad = markup(page)
            if s >= 500 or s == 0 or bad:
                wrong.append("%s %s in %s: %d %s" % (kind, k, field, s, bad or page[:200]))
            stored += s == 200 and 'role="status"' in page
        ok(not wrong and stored > 0, "the correction and response forms: hostile text in each field is stored "
           "(%d) or refused, never markup" % stored, "\n".join(wrong))
        _, _, queue = ed.get("/review?lang=en")
        bad = markup(queue)
        ok(not bad and "&lt;script&gt;" in queue, "the review queue shows the reports' text as text", bad)
        # publish every response: the entity's page shows them
        for r_id, block in re.findall(r'name="report" value="(\d+)"(.*?)</li>', queue, re.S):
            ed.post("/review?lang=en", {"report": r_id, "decision": "publish"})
        seen.append(("the entity with published responses", "/entities/hikvision"))

        # a review's note and a revert's summary
        wrong = []
        for k, text in HOSTILE.items():
            n += 1
            s, h, _ = con.post("/edit/entity?lang=en", fill(ENTITY, n))
            change = re.match(r"/review/(\d+)", h.get("location", ""))
            if not change:
                wrong.append("%s: the contributor's change was not saved (%d)" % (k, s))
                continue
            s, _, page = ed.post("/review/%s?lang=en" % change.group(1), {"decision": "return", "note": text})
            if s >= 500 or markup(page):
                wrong.append("%s note: %d %s" % (k, s, markup(page)))
            seen.append(("a returned change's note", "/review/%s" % change.group(1)))
            n += 1
            s, h, _ = ed.post("/edit/entity?lang=en", fill(ENTITY, n))
            rid = "hostile-e%d" % n
            r = cli(db, "--json", "history", rid)
            m = re.search(r'"revision":\s*(\d+)', r.stdout)
            if s != 303 or not m:
                wrong.append("%s: the editor's entity was not saved (%d)" % (k, s))
                continue
            s, _, page = ed.post("/revisions/%s?lang=en" % m.group(1), {"summary": text})
            if s >= 500 or markup(page):
                wrong.append("%s revert summary: %d %s" % (k, s, markup(page)))
            seen.append(("a tombstone", "/entities/" + rid))
            seen.append(("a revert in history", "/history?record=entity&key=" + rid))
        ok(not wrong, "a review's note and a revert's summary: hostile text stored or refused, never markup",
           "\n".join(wrong))
        seen.append(("the contributor's changes", "/review"))

        # every page that shows what was stored, to a reader, the editor and the contributor
        wrong = []
        for what, path in seen:
            sep = "&" if "?" in path else "?"
            # the contributor sees what a reader sees, and its own changes
            viewers = (("a reader", Browser(srv)), ("the editor", ed)) + \
                ((("the contributor", con),) if path.startswith("/review") else ())
            for who, b in viewers:
                s, _, page = b.get(path + sep + "lang=zh")
                bad = markup(page)
                if s >= 500 or bad:
                    wrong.append("%s, %s (%s): %d %s" % (what, path[:120], who, s, bad))
        ok(len(seen) > 20 and not wrong, "%d pages that show the stored text, to a reader, an editor and the contributor: never as markup"
           % len(seen), "\n".join(wrong[:10]))
    finally:
        rc, err = srv.stop()
        ok(rc == 0 and "Sanitizer" not in err, "the server stops cleanly", err[-800:])
    print("# %d failed" % failures())
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
