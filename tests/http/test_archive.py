#!/usr/bin/env python3
"""Source archiving (docs/archive.md): `tiemap archive` against an origin
server started here on a free loopback port (Python's http.server): an HTML
page, a PDF made here, a chain of redirects, a 404, a timeout, a 50 MB answer
refused by the size cap (with a Content-Length and chunked), a redirect loop,
a redirect to another scheme, a proxy.  The WARC files are read back with
warcio (npm), not with tiemap's code; the source page links the copy, which
`tiemap serve` serves from the WARC file under a sandboxing CSP; a page that
changes and drops a quote is reported by `tiemap check`; export, import and
export give the same bytes.  One TAP line per check.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import hashlib
import http.server
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

from harness import ROOT, TIEMAP, Server, failures, ok

TMP = tempfile.mkdtemp(prefix="tiemap-archive-")
DB = os.path.join(TMP, "t.db")
ARCHIVE = DB + ".archive"
UA = "tiemap-archive/0.1 (archives the pages a tiemap database cites as sources)"
BIG = 50 * 1024 * 1024


def make_pdf(lines):
    """A small valid PDF with one page of text (Helvetica), made here."""
    text = b"BT /F1 11 Tf 72 720 Td 14 TL " + b" ".join(
        b"(" + l.encode("latin-1").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b") '"
        for l in lines) + b" ET"
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >>"
            b" /Contents 4 0 R >>",
            b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
            # binary bytes, NULs among them, as real PDFs' streams hold
            b"<< /Length 16 >>\nstream\n" + bytes(range(0, 256, 16)) + b"\nendstream"]
    out, offsets = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", []
    for i, o in enumerate(objs):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


PDF = make_pdf(["Annual report on surveillance exports.",
                "The company supplied thermal cameras to the",
                "checkpoint in 2019, the report says."])
PAGE = ("<!doctype html><html><head><meta charset=\"utf-8\"><title>Cameras at the checkpoint</title>"
        "<style>p{color:#333}</style><script>var hidden = 'not text';</script></head><body>"
        "<h1>Cameras</h1><p>Hikvision\u2019s cameras were installed at the \u201ccheckpoint\u201d \u2014 "
        "in 2019.</p>\n<p>海康威视 在\n西岸 安装了 摄像头。</p><p>A second paragraph that stays.</p></body></html>")
PAGE2 = "<html><body><p>You reached the end of the redirects.</p></body></html>"
REFRESH = ("<html><head><meta http-equiv=\"refresh\" content=\"0; url=http://example.invalid/\"></head>"
           "<body><p>Moved.</p></body></html>")


class Origin(http.server.BaseHTTPRequestHandler):
    """The pages the sources cite.  Every request is counted and its
    User-Agent kept; `state` holds what a page says now."""
    protocol_version = "HTTP/1.1"
    state = {"page": PAGE}
    requests = []
    lock = threading.Lock()

    def log_message(self, *a):
        pass

    def send(self, status, body, ctype="text/html; charset=utf-8", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, status, to):
        self.send(status, b"", extra=(("Location", to),))

    def do_GET(self):
        with Origin.lock:
            Origin.requests.append((self.path, self.headers.get("User-Agent")))
        path = self.path
        if path.startswith("http://"):  # asked as a proxy: the absolute form
            path = "/proxied" + path[path.index("/", 7):]
            if path == "/proxied/elsewhere.html":
                path = "/proxied/page.html"
        try:
            self.route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def route(self, path):
        if path in ("/page.html", "/proxied/page.html"):
            self.send(200, Origin.state["page"].encode())
        elif path == "/report.pdf":
            self.send(200, PDF, "application/pdf")
        elif path == "/r1":
            self.redirect(301, "/r2")
        elif path == "/r2":
            self.redirect(302, "http://127.0.0.1:%d/r3" % self.server.server_port)
        elif path == "/r3":
            self.redirect(307, "/page2.html")
        elif path == "/page2.html":
            self.send(200, PAGE2.encode())
        elif path == "/refresh.html":
            self.send(200, REFRESH.encode())
        elif path == "/loop":
            self.redirect(302, "/loop")
        elif path == "/to-ftp":
            self.redirect(302, "ftp://127.0.0.1/file")
        elif path == "/slow":
            for _ in range(100):  # 10 s, past the client's --timeout
                time.sleep(0.1)
            self.send(200, b"too late")
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(BIG))
            self.end_headers()
            chunk = b"\0" * 65536
            for _ in range(BIG // len(chunk)):
                self.wfile.write(chunk)
        elif path == "/huge-chunked":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 65536
            for _ in range(BIG // len(chunk)):
                self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/chunked.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for part in (b"<html><body><p>Sent in ", b"chunks by the origin.</p></body></html>"):
                self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send(404, b"<html><body>Not here</body></html>")


def cli(*args, env=None):
    e = dict(os.environ)
    e.update(env or {})
    r = subprocess.run([TIEMAP, "--db", DB] + list(args), capture_output=True, env=e, timeout=300)
    return r.returncode, r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")


def export(db):
    r = subprocess.run([TIEMAP, "--db", db, "export"], capture_output=True)
    return r.stdout


def captures(db=DB):
    return [json.loads(l) for l in export(db).decode().splitlines() if '"type":"capture"' in l]


def warcio(paths):
    r = subprocess.run(["node", os.path.join(ROOT, "tests", "http", "warcio_read.mjs")] + list(paths),
                       capture_output=True, timeout=120)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"error": r.stderr.decode(errors="replace")[:2000]}


def sha(b):
    return hashlib.sha256(b).hexdigest()


def closed_port():
    """A loopback port nothing listens on (no DNS, no traffic off the machine)."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def main():
    dead = closed_port()
    origin = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    origin.daemon_threads = True
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    base = "http://127.0.0.1:%d" % origin.server_port
    sources = [("page", "/page.html"), ("report", "/report.pdf"), ("moved", "/r1"), ("gone", "/missing"),
               ("slow", "/slow"), ("huge", "/huge"), ("huge-chunked", "/huge-chunked"), ("loop", "/loop"),
               ("to-ftp", "/to-ftp"), ("refresh", "/refresh.html"), ("chunked", "/chunked.html")]
    with open(os.path.join(TMP, "data.jsonl"), "w") as f:
        for sid, path in sources:
            f.write(json.dumps({"type": "source", "id": sid, "title": "Source " + sid, "url": base + path}) + "\n")
        f.write(json.dumps({"type": "source", "id": "offline", "title": "A book with no URL"}) + "\n")
        # reached only through the proxy: directly, nothing answers there
        f.write(json.dumps({"type": "source", "id": "elsewhere", "title": "Seen through a proxy",
                            "url": "http://localhost:%d/elsewhere.html" % dead}) + "\n")
        f.write(json.dumps({"type": "entity", "id": "hikvision", "kind": "company",
                            "names": [{"text": "Hikvision", "lang": "en"}],
                            "sources": [
                                # straight quotes and a hyphen for the page's curly ones and its dash
                                {"source": "page", "quote": "Hikvision's cameras were installed at the "
                                                            "\"checkpoint\" - in 2019."},
                                {"source": "page", "quote": "海康威视在西岸安装了摄像头"},
                                {"source": "report", "quote": "supplied thermal cameras to the checkpoint in 2019"},
                                {"source": "moved", "quote": "You reached the end … redirects."}]}) + "\n")
        f.write(json.dumps({"type": "entity", "id": "checkpoint", "kind": "project",
                            "names": [{"text": "The checkpoint", "lang": "en"}],
                            "sources": [{"source": "page", "quote": "A second paragraph that stays"}]}) + "\n")
        f.write(json.dumps({"type": "relation", "subject": "hikvision", "predicate": "supplies",
                            "object": "checkpoint",
                            "sources": [{"source": "page", "quote": "cameras were installed at the checkpoint"}]})
                + "\n")
    rc, out, err = cli("--quiet", "import", os.path.join(TMP, "data.jsonl"))
    if rc:
        print("not ok - import of the test data: " + err)
        return 1

    # ---- tiemap archive --all: each source its record or its error ----
    t0 = time.time()
    # a proxy named only by the environment is not used: a fetch goes direct
    dead_proxy = "http://127.0.0.1:%d" % dead
    rc, out, err = cli("archive", "--all", "--delay", "0", "--timeout", "2",
                       env={"http_proxy": dead_proxy, "HTTP_PROXY": dead_proxy, "ALL_PROXY": dead_proxy})
    took = time.time() - t0
    ok(rc == 1, "archive --all exits 1 when some sources fail", "exit %d\n%s\n%s" % (rc, out, err))
    ok("Sanitizer" not in err, "archive runs clean under the sanitizers", err[-2000:])
    got = {c["source"]: c for c in captures()}
    ok(sorted(got) == ["chunked", "moved", "page", "refresh", "report"],
       "the HTML page, the PDF, the redirect chain and the others that answer 200 are archived, and only they",
       sorted(got))
    ok(re.search(r"^5 archived, 7 failed$", out, re.M) is not None,
       "archive reports how many were archived and how many failed", out[-500:])
    for sid, want in (("gone", "the server answered 404"), ("slow", "no complete answer within 2 s"),
                      ("huge", "larger than the cap of 33554432 bytes"),
                      ("huge-chunked", "larger than the cap of 33554432 bytes"),
                      ("loop", "more than 10 redirects"), ("to-ftp", "which is not an http or https URL"),
                      ("elsewhere", "localhost:%d" % dead)):
        ok(re.search(r"^tiemap: %s: .*%s" % (re.escape(sid), re.escape(want)), err, re.M) is not None,
           "a failing source is reported with why: %s (%s)" % (sid, want), err[-1500:])
    ok(took < 60, "a timeout and a 50 MB answer do not hold the run up (%.1f s)" % took)
    files = sorted(os.listdir(ARCHIVE))
    ok(len(files) == 5 and all(f.endswith(".warc") for f in files),
       "the archive folder holds one WARC file per capture and nothing from the failures", files)
    ok(all(Origin.requests[i][1] == UA for i in range(len(Origin.requests))),
       "every request says who asks in its User-Agent", set(r[1] for r in Origin.requests))

    page, report, moved = got["page"], got["report"], got["moved"]
    ok(page["status"] == 200 and page["content_type"] == "text/html; charset=utf-8"
       and page["sha256"] == sha(PAGE.encode()) and page["length"] == len(PAGE.encode())
       and page["final_url"] == base + "/page.html" and "redirects" not in page,
       "the HTML capture records status, type, length, the payload's SHA-256 and the final URL", page)
    ok(report["content_type"] == "application/pdf" and report["sha256"] == sha(PDF),
       "the PDF capture's SHA-256 is the PDF's", report)
    ok(moved["final_url"] == base + "/page2.html" and moved["url"] == base + "/r1"
       and moved.get("redirects") == [{"url": base + "/r1", "status": 301}, {"url": base + "/r2", "status": 302},
                                      {"url": base + "/r3", "status": 307}],
       "the redirect chain is recorded: each hop's URL and status, and the final URL", moved)
    for c in got.values():
        with open(os.path.join(ARCHIVE, c["warc"]), "rb") as f:
            ok(sha(f.read()) == c["warc_sha256"], "the WARC file of %s hashes to its recorded SHA-256" % c["source"])

    # ---- read back with warcio, an independent WARC reader ----
    paths = [os.path.join(ARCHIVE, got[s]["warc"]) for s in sorted(got)]
    w = warcio(paths)
    ok("error" not in w and all(isinstance(w.get(p), list) for p in paths), "warcio reads every WARC file",
       json.dumps(w)[:1500])
    for sid in sorted(got):
        recs = w.get(os.path.join(ARCHIVE, got[sid]["warc"]))
        if not isinstance(recs, list):
            continue
        valid_warc(sid, recs, got[sid])
    recs = w.get(os.path.join(ARCHIVE, moved["warc"])) or []
    responses = [r for r in recs if r["headers"].get("warc-type") == "response"]
    ok([r.get("status") for r in responses] == [301, 302, 307, 200]
       and [r["headers"].get("warc-target-uri") for r in responses] == [base + "/r1", base + "/r2", base + "/r3",
                                                                       base + "/page2.html"],
       "warcio reads the redirect chain as a response record per hop, in order",
       [(r.get("status"), r["headers"].get("warc-target-uri")) for r in responses])
    recs = w.get(os.path.join(ARCHIVE, report["warc"])) or []
    resp = [r for r in recs if r["headers"].get("warc-type") == "response"]
    ok(len(resp) == 1 and resp[0]["payload_sha256"] == sha(PDF) and resp[0]["http"].get("content-type") ==
       "application/pdf", "warcio finds the PDF's bytes as the response's payload")
    recs = w.get(os.path.join(ARCHIVE, got["chunked"]["warc"])) or []
    resp = [r for r in recs if r["headers"].get("warc-type") == "response"]
    ok(len(resp) == 1 and resp[0]["text"] == "<html><body><p>Sent in chunks by the origin.</p></body></html>"
       and resp[0]["http"].get("x-archive-orig-transfer-encoding") == "chunked"
       and "transfer-encoding" not in resp[0]["http"],
       "a chunked answer is kept decoded, its Transfer-Encoding renamed X-Archive-Orig-Transfer-Encoding",
       resp[0] if resp else recs)

    # ---- the proxy setting ----
    n = len(Origin.requests)
    rc, out, err = cli("archive", "--proxy", base, "elsewhere")
    ok(rc == 0 and Origin.requests[n:] and Origin.requests[n][0] == "http://localhost:%d/elsewhere.html" % dead,
       "--proxy sends the request through the proxy, which a direct request could not reach",
       "%d %s %s" % (rc, err, Origin.requests[n:]))
    rc, out, err = cli("archive", "--proxy", "socks5h://127.0.0.1:%d" % dead, "page")
    ok(rc == 1 and "tiemap: page:" in err, "a proxy that does not answer is a clear error", err)
    rc, out, err = cli("archive", "offline", "no-such-source")
    ok(rc == 1 and "offline: the source has no url to archive" in err and "no source 'no-such-source'" in err,
       "a source with no URL, and an unknown one, are errors", err)
    rc, out, err = cli("archive", "--all", "page")
    ok(rc == 2, "archive takes SOURCE..., --all or --missing, one of them", "exit %d" % rc)

    # ---- the source page, the copy and the API ----
    n = len(Origin.requests)
    srv = Server(DB, TMP, "--rate", "0")
    try:
        pages(srv, got)
    finally:
        srv.stop()
    ok(len(Origin.requests) == n, "serving the pages and the copies fetched nothing from the origin",
       Origin.requests[n:])

    # ---- check: every quote found, then a changed page drops one ----
    rc, out, err = cli("--json", "check")
    d = json.loads(out) if out.startswith("{") else {}
    found = [f for f in d.get("findings", []) if f["check"] in ("quote_not_in_archive", "archive_unreadable")]
    ok(rc == 0 and d and not found,
       "check finds every quote in the archived copies: curly quotes or none, dashes, Chinese spacing, a PDF's "
       "lines, an ellipsis", found or err)
    Origin.state["page"] = PAGE.replace("Hikvision\u2019s cameras were installed at the \u201ccheckpoint\u201d "
                                        "\u2014 in 2019.", "This paragraph was rewritten.")
    rc, out, err = cli("archive", "page")
    ok(rc == 0 and len([c for c in captures() if c["source"] == "page"]) == 2,
       "archiving the changed page adds a second capture", err)
    rc, out, err = cli("--json", "check")
    d = json.loads(out) if out.startswith("{") else {}
    found = [f for f in d.get("findings", []) if f["check"] == "quote_not_in_archive"]
    ok(len(found) == 2 and all(f["id"] == "page" for f in found)
       and any(f["detail"].startswith("entity hikvision: \"Hikvision's cameras") for f in found)
       and any(f["detail"].startswith("relation hikvision supplies checkpoint:") for f in found)
       and all(("the copy of %s has it" % page["fetched"]) in f["detail"] for f in found)
       and d["summary"]["quote_not_in_archive"] == 2,
       "check reports the two quotes the new copy dropped, and the earlier copy that has them", found)
    rc, out, err = cli("check")
    ok(rc == 0 and re.search(r"^quote_not_in_archive\s+page: entity hikvision", out, re.M)
       and "2 quotes not in the archived copy" in out,
       "check's text output names them too; they do not make it fail", out)

    # ---- export, import, export ----
    e1 = export(DB)
    db2 = os.path.join(TMP, "copy.db")
    subprocess.run([TIEMAP, "--db", db2, "--quiet", "import", "-"], input=e1, capture_output=True)
    e2 = export(db2)
    ok(e1 == e2 and e1.count(b'"type":"capture"') == 7, "export, import and export give the same bytes, captures "
       "included", "%d vs %d bytes" % (len(e1), len(e2)))
    r = subprocess.run([TIEMAP, "--db", db2, "--json", "check"], capture_output=True, text=True)
    d = json.loads(r.stdout)
    ok(d["summary"]["archive_unreadable"] == 3 and d["summary"]["quote_not_in_archive"] == 0,
       "a database imported without its archive folder reports each copy it has quotes for as unreadable",
       d["summary"])
    shutil.copytree(ARCHIVE, db2 + ".archive")
    r = subprocess.run([TIEMAP, "--db", db2, "--json", "check"], capture_output=True, text=True)
    d = json.loads(r.stdout)
    ok(d["summary"]["quote_not_in_archive"] == 2 and d["summary"]["archive_unreadable"] == 0,
       "with the folder copied beside it, check reads the text from the WARC files and finds the same", d["summary"])
    # a damaged file: one byte changed
    latest = [c for c in captures(db2) if c["source"] == "report"][-1]
    p = os.path.join(db2 + ".archive", latest["warc"])
    with open(p, "r+b") as f:
        f.seek(os.path.getsize(p) - 200)
        b = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([b[0] ^ 1]))
    r = subprocess.run([TIEMAP, "--db", db2, "--json", "check"], capture_output=True, text=True)
    d = json.loads(r.stdout)
    bad = [f for f in d["findings"] if f["check"] == "archive_unreadable"]
    ok(len(bad) == 1 and bad[0]["id"] == "report" and "damaged" in bad[0]["detail"],
       "a WARC file changed by one byte is reported as damaged", bad)
    with open(os.path.join(TMP, "bad.jsonl"), "w") as f:
        line = [l for l in e1.decode().splitlines() if '"type":"capture"' in l][0]
        f.write(line.replace('"warc":"', '"warc":"../') + "\n")
        f.write(line.replace('"source":"', '"source":"nobody-') + "\n")
    r = subprocess.run([TIEMAP, "--db", db2, "import", os.path.join(TMP, "bad.jsonl")], capture_output=True,
                       text=True)
    ok(r.returncode == 1 and "bad.jsonl:1: bad 'warc'" in r.stderr,
       "an import naming a WARC file outside the folder is refused with FILE:LINE", r.stderr)

    origin.shutdown()
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if failures() else 0


def valid_warc(sid, recs, cap):
    """WARC/1.1 as ISO 28500 asks, checked on warcio's reading."""
    heads = [r["headers"] for r in recs]
    ids = [h.get("warc-record-id", "") for h in heads]
    types = [h.get("warc-type") for h in heads]
    ok(all(r["protocol"] == "WARC/1.1" for r in recs) and types[0] == "warcinfo"
       and all(re.fullmatch(r"<urn:uuid:[0-9a-f-]{36}>", i) for i in ids) and len(set(ids)) == len(ids)
       and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", h.get("warc-date", "")) for h in heads)
       and heads[0].get("warc-filename") == cap["warc"] and heads[0].get("content-type") == "application/warc-fields",
       "%s: WARC/1.1 records, a warcinfo first, unique record ids, dates" % sid, heads)
    ok(all(int(h.get("content-length", -1)) == r["block_length"] and h.get("warc-block-digest") ==
           "sha256:" + r["block_sha256"] for h, r in zip(heads, recs)),
       "%s: every block's length and WARC-Block-Digest match what warcio read" % sid,
       [(h.get("warc-block-digest"), r["block_sha256"]) for h, r in zip(heads, recs)])
    resp = [r for r in recs if r["headers"].get("warc-type") == "response"]
    reqs = [r for r in recs if r["headers"].get("warc-type") == "request"]
    resp_ids = {r["headers"]["warc-record-id"] for r in resp}
    ok(resp and len(reqs) == len(resp)
       and all(r["headers"].get("warc-payload-digest") == "sha256:" + r["payload_sha256"] for r in resp)
       and all(r["headers"].get("content-type") == "application/http;msgtype=response" for r in resp)
       and all(r["headers"].get("content-type") == "application/http;msgtype=request"
               and r["headers"].get("warc-concurrent-to") in resp_ids
               and r["http"].get("user-agent") == UA for r in reqs)
       and all(r["headers"].get("warc-target-uri", "").startswith("http") for r in resp + reqs),
       "%s: response records with WARC-Target-URI and a WARC-Payload-Digest that matches; a request for each"
       % sid)
    last = resp[-1] if resp else {"headers": {}}
    first = resp[0] if resp else {"headers": {}}
    ok(last.get("payload_sha256") == cap["sha256"] and last.get("payload_length") == cap["length"]
       and last["headers"].get("warc-target-uri") == cap["final_url"]
       and first["headers"].get("warc-target-uri") == cap["url"] and first["headers"].get("warc-date") ==
       cap["fetched"],
       "%s: the last response is the capture (its payload's SHA-256 and length, the final URL), the first began it"
       % sid)


def pages(srv, got):
    import jsonschema
    page = got["page"]
    s, h, body = srv.get("/sources/page")
    m = re.search(r'<dd class="archived"><time datetime="([^"]+)">(\d{4}-\d\d-\d\d)</time> · sha256 '
                  r'<code title="([0-9a-f]{64})">([0-9a-f]{12})…</code> · <a href="([^"]+)"[^>]*>[^<]+</a>'
                  r' · <a href="([^"]+)"', body)
    ok(s == 200 and m and m.group(1) == page["fetched"] and m.group(3) == page["sha256"]
       and m.group(4) == page["sha256"][:12],
       "the source page says \"archived DATE · sha256 …\" for its latest copy", body[:3000])
    if not m:
        return
    copy, warc = m.group(5), m.group(6)
    stamp = re.sub(r"\D", "", page["fetched"])
    ok(copy == "/sources/page/archive/" + stamp and warc == copy + "/warc", "it links the copy and its WARC file",
       (copy, warc))
    s, h, data = srv.request(copy)
    csp = h.get("content-security-policy", "")
    ok(s == 200 and data == PAGE.encode() and h.get("content-type") == "text/html; charset=utf-8",
       "the copy is served, byte for byte what the origin sent", (s, h, data[:200]))
    ok("sandbox" in csp and "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
       and h.get("referrer-policy") == "no-referrer" and h.get("x-content-type-options") == "nosniff",
       "the copy is sent under a strict CSP: sandbox, default-src 'none', no script", csp)
    s, h, data = srv.request(warc)
    with open(os.path.join(ARCHIVE, page["warc"]), "rb") as f:
        ok(s == 200 and data == f.read() and h.get("content-type") == "application/warc"
           and "attachment" in h.get("content-disposition", ""), "the WARC file is served whole, as a download")
    rep = got["report"]
    s, h, data = srv.request("/sources/report/archive/" + re.sub(r"\D", "", rep["fetched"]))
    ok(s == 200 and data == PDF and h.get("content-type") == "application/pdf"
       and h.get("content-disposition", "").startswith("attachment; filename=\"report-")
       and "sandbox" in h.get("content-security-policy", ""), "a PDF copy is sent as a download, the PDF's bytes",
       (s, h))
    ref = got["refresh"]
    s, h, data = srv.request("/sources/refresh/archive/" + re.sub(r"\D", "", ref["fetched"]))
    ok(s == 200 and data == REFRESH.encode() and h.get("content-type", "").startswith("text/plain"),
       "a copy that would send its reader elsewhere (meta refresh) is shown as text", h.get("content-type"))
    for path in ("/sources/page/archive/20000101000000", "/sources/page/archive/notastamp",
                 "/sources/nosuch/archive/" + stamp, "/sources/page/archive/" + stamp + "/nothing"):
        s, h, data = srv.request(path)
        ok(s == 404, "GET %s is a 404" % path, s)
    s, h, d = srv.get_json("/api/v1/sources/page")
    caps = d.get("captures") if d else None
    with open(os.path.join(ROOT, "web", "api", "openapi.json")) as f:
        spec = json.load(f)
    v = jsonschema.Draft202012Validator({"$ref": "#/components/schemas/SourceClaims"},
                                        resolver=jsonschema.RefResolver.from_schema(spec))
    errs = [e.message for e in v.iter_errors(d)] if d else ["no answer"]
    ok(s == 200 and caps and caps[0]["sha256"] == page["sha256"] and caps[0]["copy_url"] == copy
       and caps[0]["warc_url"] == warc and not errs,
       "the API's source carries its captures, as the OpenAPI document describes", errs or caps)
    s, h, d = srv.get_json("/api/v1/sources/moved")
    ok(s == 200 and d["captures"][0].get("redirects") == got["moved"]["redirects"],
       "the API's capture lists the redirects it came through")
    s, h, body = srv.get("/sources/offline")
    ok(s == 200 and 'class="archived"' not in body, "a source never archived shows no archived line")


if __name__ == "__main__":
    sys.exit(main())
