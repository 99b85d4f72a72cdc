#!/usr/bin/env python3
"""Petitions whose signers only the organisers can read (docs/petitions.md),
against a real `tiemap serve` on a free loopback port.

The acceptance test of issue 14: a petition is signed 1,000 times through
HTTP (a fresh page and its guard token each time, as a browser does); the
database file, and its journal or WAL, hold no address, and no name or city
of a signer who did not ask to be shown (the names of those who did are
there, which proves the scan finds text in clear); `tiemap petition export`
with the secret key gives back exactly the 1,000 signatures; a repeated
address, in another case or in full-width letters, is counted once and
answered as a new one; without the secret key nothing opens, and with the
wrong key or the server's key export fails and says why.  The sealed boxes
are also opened with PyNaCl (libsodium's crypto_box_seal_open through
Python, with the key derived as docs/petitions.md says), not only with
tiemap's own code.

Then: no cookie, no signer data in the access log, the guard (fill time,
honeypot, replay, missing token, other origin, a petition's own bucket),
bad fields, a closed petition, a server without the petition's key, the
API, the counts on the action's page and in the digest, and ETags that move
with signatures.  One TAP line per check.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import csv
import glob
import hashlib
import http.client
import io
import json
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import urllib.parse

from harness import TIEMAP, Server, failures, ok

TMP = tempfile.mkdtemp(prefix="tiemap-http-petition-")
DB = os.path.join(TMP, "p.db")
N = 1000
TODAY_OPEN = "2020-01-01"


def run(*args, stdin=None):
    r = subprocess.run([TIEMAP, "--db", DB] + list(args), capture_output=True, input=stdin)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def keygen(name):
    sec, srv = os.path.join(TMP, name + ".key"), os.path.join(TMP, name + "-server.key")
    rc, out, err = run("petition", "keygen", "--secret-key", sec, "--server-key", srv)
    if rc:
        raise SystemExit("not ok - keygen: " + err)
    pk = re.search(r"^public_key (\S+)$", out, re.M).group(1)
    return sec, srv, pk


def setup():
    org, org_srv, pk = keygen("organisers")
    _, other_srv, other_pk = keygen("other")
    recs = [
        {"type": "source", "id": "s1", "title": "A report"},
        {"type": "entity", "id": "hikvision", "kind": "company", "names": [{"text": "Hikvision", "lang": "en"},
                                                                          {"text": "海康威视", "lang": "zh-Hans"}],
         "sources": ["s1"]},
        {"type": "action", "id": "2025-03-01-petition", "date": "2025-03-01", "kind": "petition",
         "title": {"en": "A petition to distributors", "zh": "致经销商的请愿"}, "targets": ["hikvision"],
         "sources": ["s1"]},
        {"type": "petition", "id": "drop-hikvision", "title": {"en": "Drop Hikvision", "zh": "停止销售海康威视"},
         "text": {"en": "We ask you to stop selling Hikvision.\n\nSecond <paragraph> & more.",
                  "zh": "我们要求你们停止销售海康威视。"},
         "target": {"en": "Security distributors", "zh": "安防经销商"}, "entities": ["hikvision"],
         "action": "2025-03-01-petition", "opens": TODAY_OPEN, "goal": 5000, "public_key": pk},
        {"type": "petition", "id": "over", "title": {"en": "Closed one"}, "text": {"en": "Text."},
         "opens": "2020-01-01", "closes": "2020-12-31", "public_key": pk},
        {"type": "petition", "id": "elsewhere", "title": {"zh": "另一个"}, "text": {"zh": "文本。"},
         "opens": TODAY_OPEN, "public_key": other_pk},
        {"type": "petition", "id": "second", "title": {"en": "Second"}, "text": {"en": "Text."},
         "opens": TODAY_OPEN, "public_key": pk},
    ]
    path = os.path.join(TMP, "p.jsonl")
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    rc, out, err = run("import", path)
    if rc:
        raise SystemExit("not ok - import: " + err)
    return org, org_srv, pk, other_srv


class Client:
    """One kept-alive connection, as a browser keeps one."""

    def __init__(self, port):
        self.port = port
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = []

    def req(self, path, method="GET", body=None, headers=None):
        for attempt in range(2):
            try:
                self.c.request(method, path, body=body, headers=headers or {})
                r = self.c.getresponse()
                data = r.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.c.close()
                self.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        h = {k.lower(): v for k, v in r.getheaders()}
        if "set-cookie" in h:
            self.cookies.append((method, path, h["set-cookie"]))
        return r.status, h, data.decode("utf-8", "replace")

    def token(self, path):
        s, h, body = self.req(path)
        m = re.search(r'name="tm_form" value="([^"]+)"', body)
        return m.group(1) if m else None

    def sign(self, pid, fields, lang="en", token=True, origin=True, trap=""):
        path = "/petitions/%s?lang=%s" % (pid, lang)
        form = dict(fields)
        if token:
            form["tm_form"] = self.token(path) if token is True else token
        form["website"] = trap
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if origin:
            headers["Origin"] = origin if isinstance(origin, str) else "http://127.0.0.1:%d" % self.port
        return self.req(path, "POST", urllib.parse.urlencode(form).encode(), headers)


def people(n):
    """n signers with text found nowhere else; every 10th asks to be shown, and
    one more (101 in 1,000: more than the page lists); one is named as a
    spreadsheet formula"""
    out = []
    for i in range(n):
        tag = secrets.token_hex(6)
        p = {"name": "签名者%s-%d" % (tag, i), "email": "u%s.%d@example.org" % (tag, i),
             "city": "城市%s" % tag if i % 3 else "Ville-%s" % tag}
        if i % 10 == 0 or i == 1:
            p["show"] = "1"
        out.append(p)
    out[27]["name"] = "=HYPERLINK(\"http://evil.example\",\"x%s\")" % secrets.token_hex(4)
    out[8].pop("city")
    return out


def db_bytes():
    """the database file and whatever journal or WAL sits beside it, and
    which files those were"""
    data, names = b"", []
    for f in [DB] + sorted(glob.glob(DB + "-*")):
        with open(f, "rb") as fh:
            data += fh.read()
        names.append(os.path.basename(f))
    return data, names


def scan(signers, when):
    data, names = db_bytes()
    leaked = []
    for p in signers:
        for v in (p["email"], p["email"].lower(), p["email"].split("@")[0]):
            if v.encode() in data:
                leaked.append(v)
        if "show" not in p:
            for k in ("name", "city"):
                if k in p and p[k].encode() in data:
                    leaked.append(p[k])
    ok(not leaked, "%s: the database and its journal hold no address, and no name or city of a signer not shown "
       "(%d signers, %d bytes of %s scanned)" % (when, len(signers), len(data), ", ".join(names)), leaked[:5])
    # every request came from 127.0.0.1: an IP address kept anywhere would be this one
    ips = sorted(set(re.findall(rb"\b(?:\d{1,3}\.){3}\d{1,3}\b", data)))
    ok(not ips, "%s: nor any IP address in text (every signer came from 127.0.0.1)" % when, ips[:5])
    shown = [p for p in signers if "show" in p]
    found = sum(1 for p in shown if p["name"].encode() in data and p.get("city", "").encode() in data)
    ok(found == len(shown), "%s: the names and cities of the %d signers who asked to be shown are there, in clear "
       "(the scan finds text)" % (when, len(shown)), found)


def export(secret, pid="drop-hikvision", db=DB):
    r = subprocess.run([TIEMAP, "--db", db, "petition", "export", pid] + (["--secret-key", secret] if secret else []),
                       capture_output=True)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def crypto_kdf(seed, subkey_id, ctx=b"tmpetitn", n=32):
    """libsodium's crypto_kdf_derive_from_key: BLAKE2b keyed with the seed, the
    subkey's number as the salt and the context as the personalisation"""
    return hashlib.blake2b(b"", digest_size=n, key=seed, salt=subkey_id.to_bytes(8, "little") + b"\0" * 8,
                           person=ctx + b"\0" * 8).digest()


def b64(s):
    return __import__("base64").urlsafe_b64decode(s + "=" * (-len(s) % 4))


def independent_open(org, server_key, signers):
    try:
        from nacl.bindings import crypto_box_seed_keypair
        from nacl.public import PrivateKey, SealedBox
        from nacl.exceptions import CryptoError
    except ImportError:
        print("# skipped: PyNaCl (python3-nacl) is not installed; the sealed boxes were opened by tiemap only")
        return
    text = open(org).read()
    seed = b64(re.search(r"^seed (\S+)$", text, re.M).group(1))
    pk, sk = crypto_box_seed_keypair(crypto_kdf(seed, 1))
    ok(pk == b64(re.search(r"^public (\S+)$", text, re.M).group(1)),
       "the public key is the one docs/petitions.md derives from the seed (BLAKE2b KDF, subkey 1)")
    dedup = b64(re.search(r"^dedup (\S+)$", open(server_key).read(), re.M).group(1))
    ok(dedup == crypto_kdf(seed, 2), "the server's dedup key is the seed's subkey 2, as documented")
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    rows = [r[0] for r in con.execute("SELECT s.sealed FROM petition_signatures s JOIN petitions p ON p.id=s.petition "
                                      "WHERE p.slug='drop-hikvision'")]
    dedups = [r[0] for r in con.execute("SELECT dedup FROM petition_signatures")]
    con.close()
    box = SealedBox(PrivateKey(sk))
    got, sizes = set(), set()
    for blob in rows:
        sizes.add(len(blob))
        plain = box.decrypt(blob)
        # sodium_pad: the text, 0x80, zeros to a multiple of 256
        plain = plain[:plain.rindex(b"\x80")]
        j = json.loads(plain)
        got.add(j["email"])
    ok(got == {p["email"] for p in signers}, "PyNaCl opens every sealed box with the derived secret key: the %d "
       "addresses signed" % len(signers), len(got))
    ok(sizes == {256 + 48}, "every sealed box has the same size (padded to 256 bytes, + 48 of the seal)", sizes)
    try:
        SealedBox(PrivateKey(dedup)).decrypt(rows[0])
        opened = True
    except CryptoError:
        opened = False
    ok(not opened, "the server's dedup key, used as a secret key, opens nothing")
    # the stored hash is keyed: the address's plain BLAKE2b (or SHA-256) is not there
    plain_hashes = {hashlib.blake2b(p["email"].encode(), digest_size=16).digest() for p in signers}
    plain_hashes |= {hashlib.sha256(p["email"].encode()).digest()[:16] for p in signers}
    ok(not plain_hashes & set(dedups) and len(set(dedups)) == len(dedups),
       "the dedup column holds keyed hashes, none an unkeyed hash of an address, all distinct")


def main():
    org, org_srv, pk, other_srv = setup()
    signers = people(N)
    srv = Server(DB, TMP, "--petition-key", org_srv, "--form-min-seconds", "0", "--petition-rate", "100000",
                 "--petition-burst", "100000", "--rate", "0")
    c = Client(srv.port)
    try:
        s, h, body = c.req("/petitions/drop-hikvision?lang=en")
        ok(s == 200 and "Drop Hikvision" in body and 'name="tm_form"' in body and 'name="website"' in body and
           "Second &lt;paragraph&gt; &amp; more." in body and "<p>We ask you to stop selling Hikvision.</p>" in body,
           "the petition's page: its text in paragraphs, escaped, and a form with the guard's token and honeypot",
           body[:400])
        ok("etag" not in h and h.get("cache-control") == "no-store",
           "the page with the form has no ETag and is not stored (its token is good once)", h)
        fp = re.search(r'<code class="fingerprint">([0-9a-f ]+)</code>', body)
        ok(fp is not None and len(fp.group(1)) == 39, "the page shows the fingerprint of the organisers' key")

        # 999 signatures, each through a fresh page; the 1,000th below, among repeats
        first_loc = None
        for i, p in enumerate(signers[:-1]):
            s, h, body = c.sign("drop-hikvision", p, lang="zh" if i % 2 else "en")
            if s != 303:
                ok(False, "signature %d is accepted" % i, (s, body[:300]))
                break
            first_loc = first_loc or h.get("location")
        ok(s == 303 and first_loc == "/petitions/drop-hikvision?lang=en&signed=1#signed",
           "%d signatures through HTTP, each answered 303 to the page" % (N - 1), first_loc)

        # the same addresses again, written otherwise: counted once, and
        # answered as the 1,000th, new, signature is
        repeats = [dict(signers[i]) for i in range(0, 40, 2)]
        repeats[0]["email"] = "  " + repeats[0]["email"].upper() + " "
        repeats[1]["email"] = "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch
                                      for ch in repeats[1]["email"])  # full-width forms
        answers = set()
        for i, p in enumerate(repeats):
            s, h, body = c.sign("drop-hikvision", p)
            answers.add((s, h.get("location"), body))
            if i == len(repeats) // 2:
                s, h, body = c.sign("drop-hikvision", signers[-1])
                answers.add((s, h.get("location"), body))
        ok(len(answers) == 1, "a repeated address (also upper case, spaced, full-width) gets the very answer a new "
           "one gets", answers)
        api = json.loads(c.req("/api/v1/petitions/drop-hikvision")[2])
        ok(api["signatures"] == N and api["shown"] == N // 10 + 1 and api["signing"] is True,
           "%d signatures and %d repeats: the API counts %d, %d shown by name" % (N, len(repeats), N, N // 10 + 1),
           {k: api[k] for k in ("signatures", "shown")})
        scan(signers, "while serving")
        # the organisers' export, from the database as it is
        rc, out, err = export(org)
        rows = list(csv.DictReader(io.StringIO(out)))
        ok(rc == 0 and len(rows) == N and {r["email"] for r in rows} == {p["email"] for p in signers},
           "petition export with the secret key gives back exactly the %d signatures" % N, (rc, len(rows), err[:200]))

        check_pages(c, srv, signers)
        check_openapi(c)
        check_guard(c, srv, signers)
        check_refusals(c)
        withdrawn = check_withdraw(c, org_srv, signers)
        ok(not c.cookies, "no response to a reader or a signer set a cookie (%s requests)" % "2,000+", c.cookies[:3])
    finally:
        rc, log = srv.stop()
    secrets_in_log = [v for p in signers for v in (p["email"], p["name"], p.get("city")) if v and v in log]
    ok(rc == 0 and "POST /petitions/drop-hikvision 303" in log and not secrets_in_log,
       "the access log has the signatures' requests and none of what signers typed", secrets_in_log[:3])
    ok(log.count("POST /petitions/") >= N and "127.0.0.1" not in log and not re.search(r"\b\d+\.\d+\.\d+\.\d+\b", log),
       "and no client address: %d lines of it, none with an IP address" % log.count("\n"),
       [l for l in log.splitlines() if re.search(r"\d+\.\d+\.\d+\.\d+", l)][:3])
    scan(signers, "after the server stopped")

    # export on the organisers' side
    rc, out, err = export(org)
    rows = list(csv.DictReader(io.StringIO(out)))
    want = {(p["name"], p["email"], p.get("city", ""), "yes" if "show" in p else "no") for p in signers}
    got = {(r["name"].lstrip("'") if r["name"].startswith("'=") else r["name"], r["email"], r["city"], r["shown"])
           for r in rows}
    ok(rc == 0 and len(rows) == len(signers) and got == want,
       "after more signing, export gives back all %d, each once, with name, city and opt-in" % len(signers),
       (rc, len(rows), err[:300], list(want - got)[:2]))
    ok(all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", r["signed_at"]) for r in rows) and
       [r["signed_at"] for r in rows] == sorted(r["signed_at"] for r in rows),
       "each row has the time it was signed, in order")
    formula = [r["name"] for r in rows if "HYPERLINK" in r["name"]]
    ok(formula and formula[0].startswith("'="), "a name that a spreadsheet would run is written as text ('=...)",
       formula)
    rc, out, err = export(None)
    ok(rc == 2 and out == "" and "secret key" in err, "without the secret key export opens nothing and says why",
       (rc, err))
    rc, out, err = export(org_srv)
    ok(rc == 1 and out == "" and "cannot open signatures" in err, "the server's key is refused as a secret key",
       (rc, err))
    rc, out, err = export(os.path.join(TMP, "other.key"))
    ok(rc == 1 and out == "" and "is not the key of petition 'drop-hikvision'" in err and "fingerprint" in err,
       "another organisers' key is refused, with both fingerprints", (rc, err))
    independent_open(org, org_srv, signers)

    rc, out, err = run("digest", "--week", "this", "--lang", "en", "--format", "md")
    ok(rc == 0 and "%d signatures (+%d this week; goal 5000)" % (len(signers), len(signers) + withdrawn) in out,
       "the week's digest gives the petition's progress, counts only: the count less the %d withdrawn, and the "
       "week's new signatures" % withdrawn, out[-400:])
    ok(not any(p["email"] in out or p["name"] in out for p in signers if "show" not in p),
       "the digest names no signer")
    rc, out, err = run("--json", "petition", "show", "drop-hikvision")
    ok(rc == 0 and json.loads(out)["signatures"] == len(signers), "petition show counts them too", out[:200])
    check_purge(org)


def sealed_rows(pid):
    """{dedup: sealed} of a petition, read with SQLite itself"""
    con = sqlite3.connect("file:%s?mode=ro" % DB, uri=True)
    rows = dict(con.execute("SELECT s.dedup, s.sealed FROM petition_signatures s JOIN petitions p ON p.id=s.petition "
                            "WHERE p.slug=?", (pid,)))
    con.close()
    return rows


def left_in_file(blobs):
    """those of blobs (bytes) of which a 16-byte piece is still somewhere in the
    database file or its log"""
    data, names = db_bytes()
    return [b for b in blobs if any(b[i:i + 16] in data for i in range(0, len(b) - 15, 16))], names


def check_withdraw(c, server_key, signers):
    """signers take their signatures back, or their names off the page, while
    the server runs: the rows go, and their bytes with them (file and log)"""
    before = sealed_rows("drop-hikvision")
    found = left_in_file(list(before.values()) + list(before))[0]
    ok(len(found) == 2 * len(before), "(the scan finds each of the %d sealed boxes and dedup hashes in the file and "
       "its log while they are there)" % len(before), len(found))
    n0 = json.loads(c.req("/api/v1/petitions/drop-hikvision")[2])
    s, h0, _ = c.req("/petitions/drop-hikvision?lang=en")
    gone = signers[:10]  # 0 and 1 asked to be shown
    text = "# to withdraw\n" + "\n".join(
        (" " + p["email"].upper() + "  ") if i == 3 else p["email"] for i, p in enumerate(gone)) + \
        "\nnever-signed-%s@example.org\n" % secrets.token_hex(3)
    rc, out, err = run("petition", "withdraw", "drop-hikvision", "--petition-key", server_key, stdin=text.encode())
    ok(rc == 1 and "10 of 11 addresses had signed 'drop-hikvision'" in err and "stdin:12: no signature" in err and
       not any(p["email"] in err or p["email"] in out for p in gone),
       "petition withdraw reads addresses from stdin (any case), deletes 10 signatures, names the line of an "
       "address that had not signed, and prints no address", (rc, err))
    after = sealed_rows("drop-hikvision")
    removed = [before[k] for k in before if k not in after]
    ok(len(removed) == 10 and len(after) == len(before) - 10 and set(after) <= set(before),
       "the 10 rows are gone from the signatures table, and no other", (len(removed), len(before), len(after)))
    left, names = left_in_file(removed + [k for k in before if k not in after])
    ok(not left, "no 16 bytes of their sealed boxes or dedup hashes are left in %s, the server still reading it"
       % ", ".join(names), len(left))
    for p in gone[:2]:
        rc, out, err = run("petition", "unshow", "drop-hikvision", "--name", p["name"], "--city", p["city"])
        ok(rc == 0 and "no longer shown" in err, "petition unshow takes %s's name off" % p["name"], err)
    rc, out, err = run("petition", "unshow", "drop-hikvision", "--name", gone[0]["name"], "--city", gone[0]["city"])
    ok(rc == 1 and "no name" in err, "a name not shown (any more): exit 1, and says so", (rc, err))
    rc, out, err = run("petition", "unshow", "drop-hikvision", "--name", signers[10]["name"])
    ok(rc == 1, "a name shown with a city is not taken off by its name alone", (rc, err))
    data, names = db_bytes()
    ok(not any(p["name"].encode() in data for p in gone[:2]),
       "the names taken off are not left in %s" % ", ".join(names))
    # bad input changes nothing
    rc, out, err = run("petition", "withdraw", "drop-hikvision", "--petition-key", server_key,
                       stdin=(signers[10]["email"] + "\nnot an address\n").encode())
    ok(rc == 1 and "stdin:2: not an email address" in err and len(sealed_rows("drop-hikvision")) == len(after),
       "a line that is no address: FILE:LINE, and nothing is withdrawn, not even the good line before it", err)
    rc, out, err = run("petition", "withdraw", "drop-hikvision", "--petition-key", os.path.join(TMP, "other-server.key"),
                       stdin=signers[10]["email"].encode())
    ok(rc == 1 and "is not the key of petition" in err, "another petition's server key is refused", err)
    rc, out, err = run("petition", "withdraw", "drop-hikvision", "--petition-key", os.path.join(TMP, "organisers.key"),
                       stdin=signers[10]["email"].encode())
    ok(rc == 1 and "must never go on the server" in err, "the organisers' secret key is refused: it never goes there",
       err)
    # the server sees another process's change (its watcher), and caches nothing stale
    import time
    for _ in range(50):
        j = json.loads(c.req("/api/v1/petitions/drop-hikvision?limit=1000")[2])
        if j["signatures"] == n0["signatures"] - 10:
            break
        time.sleep(0.1)
    names_api = {x["name"] for x in j["signers"]["items"]}
    ok(j["signatures"] == n0["signatures"] - 10 and j["shown"] == n0["shown"] - 2 and
       not names_api & {gone[0]["name"], gone[1]["name"]},
       "the running server counts 10 fewer and lists 2 fewer names", (n0["signatures"], j["signatures"], j["shown"]))
    s, h1, body = c.req("/petitions?lang=en", headers={"If-None-Match": h0.get("etag", "")})
    ok(s == 200 and 'data-count="%d"' % j["signatures"] in body, "the list's cached page moved with them", s)
    rc, out, err = export(os.path.join(TMP, "organisers.key"))
    emails = {r["email"] for r in csv.DictReader(io.StringIO(out))}
    ok(rc == 0 and len(emails) == j["signatures"] and not emails & {p["email"] for p in gone},
       "export has none of the withdrawn", (rc, len(emails)))
    # a withdrawn address may sign again, and counts again
    back = gone[2]
    s, h, _ = c.sign("drop-hikvision", back)
    j2 = json.loads(c.req("/api/v1/petitions/drop-hikvision")[2])
    ok(s == 303 and j2["signatures"] == j["signatures"] + 1, "a withdrawn address can sign again", (s, j2["signatures"]))
    for p in gone:
        if p is not back:
            signers.remove(p)
    return 10


def check_purge(org):
    """a closed petition's signatures deleted for good, its counts kept"""
    rc, out, err = run("petition", "purge", "second", "--yes")
    ok(rc == 1 and ("takes signatures" in err or "has no end" in err), "an open petition is not purged", (rc, err))
    n = len(sealed_rows("second"))
    with open(os.path.join(TMP, "close.jsonl"), "w") as f:
        f.write(json.dumps({"type": "petition", "id": "second", "title": {"en": "Second"}, "text": {"en": "Text."},
                            "opens": TODAY_OPEN, "closes": "2020-06-30",
                            "public_key": json.loads(run("--json", "petition", "show", "second")[1])["public_key"]})
                + "\n")
    rc, out, err = run("import", os.path.join(TMP, "close.jsonl"))
    rc, out, err = run("petition", "purge", "second")
    ok(rc == 2 and "--yes" in err and len(sealed_rows("second")) == n, "without --yes purge deletes nothing and asks "
       "for an export first", (rc, err))
    before = sealed_rows("second")
    rc, out, err = run("petition", "purge", "second", "--yes")
    ok(rc == 0 and "deleted %d signatures of 'second'" % n in err and not sealed_rows("second"),
       "a closed petition's %d signatures are purged" % n, (rc, err))
    left, names = left_in_file(list(before.values()))
    ok(n > 0 and not left, "none of their sealed boxes is left in %s" % ", ".join(names), len(left))
    j = json.loads(run("--json", "petition", "show", "second")[1])
    ok(j["signatures"] == n and j["purged"] and j["status"] == "closed", "its count stays, and it says when it was "
       "purged", j)
    rc, out, err = run("petition", "show", "second")
    ok(rc == 0 and re.search(r"^  purged +\d{4}-\d\d-\d\d \(its signatures deleted", out, re.M),
       "petition show says when it was purged", out)
    rc, out, err = export(org, "second")
    ok(rc == 1 and "purged" in err and out == "", "export of a purged petition says so, not an empty list", err)
    srv = Server(DB, TMP, "--petition-key", os.path.join(TMP, "organisers-server.key"), "--rate", "0")
    try:
        s, h, body = srv.get("/petitions/second?lang=zh")
        ok(s == 200 and "已将其从本服务器删除" in body and "<form method" not in body,
           "its page says, in Chinese, that the signatures were deleted, and has no form")
    finally:
        srv.stop()


def check_pages(c, srv, signers):
    s, h, body = c.req("/petitions/drop-hikvision?lang=zh&signed=1")
    ok(s == 200 and 'id="signed"' in body and "签名已计入" in body and ">1000</strong> 个签名" in body and
       "目标：5000" in body and "<progress" in body, "the page thanks the signer and shows the count, in Chinese",
       re.findall(r'petition-count.*', body)[:1])
    s2, h2, hant = c.req("/petitions/drop-hikvision?lang=zh-Hant")
    ok(s2 == 200 and '<html lang="zh-Hant">' in hant and "簽署此請願" in hant and "撤回簽名" in hant and
       "签名" not in hant.split("<main")[1].split("petition-signers")[0],
       "and in Traditional Chinese, the form and what happens to what signers give",
       re.findall(r'<h2>[^<]*</h2>', hant)[:4])
    shown = re.findall(r'<li><span class="name">', body)
    ok(len(shown) == 100 and "/api/v1/petitions/drop-hikvision" in body,
       "the page lists the latest 100 names shown and points to the API for the rest", len(shown))
    s, h, body = c.req("/api/v1/petitions/drop-hikvision?limit=1000")
    j = json.loads(body)
    ok(s == 200 and len(j["signers"]["items"]) == 101 and j["signers"]["total"] == 101 and
       all(set(x) == {"name", "city"} for x in j["signers"]["items"]),
       "the API lists the 101 names and cities shown, nothing else of a signer", j["signers"]["total"])
    s, h, body = c.req("/api/v1/petitions")
    j = json.loads(body)
    states = {p["id"]: (p["status"], p["signatures"]) for p in j["petitions"]}
    ok(states == {"drop-hikvision": ("open", 1000), "elsewhere": ("open", 0), "over": ("closed", 0),
                  "second": ("open", 0)}, "/api/v1/petitions lists each with its status and count", states)
    s, h, body = c.req("/petitions?lang=en")
    ok(s == 200 and body.count("<li data-id=") == 4 and 'data-count="1000"' in body and "etag" in h,
       "/petitions lists them with their counts (and may be cached)")
    s, h, body = c.req("/actions/2025-03-01-petition?lang=en")
    ok(s == 200 and "/petitions/drop-hikvision?lang=en" in body and 'data-count="1000"' in body,
       "the action's page shows its petition and the count")
    s, h, body = c.req("/actions?lang=en")
    ok(s == 200 and "1000 signatures" in body, "the actions log shows the count on the petition's line")
    # an ETag under the count: a signature makes it stale
    s, h1, _ = c.req("/api/v1/petitions/drop-hikvision")
    s, h2, _ = c.req("/api/v1/petitions/drop-hikvision", headers={"If-None-Match": h1["etag"]})
    ok(s == 304, "an unchanged count answers 304 to its ETag")
    more = {"name": "More-%s" % secrets.token_hex(4), "email": "more-%s@example.org" % secrets.token_hex(4)}
    signers.append(more)
    s, h, _ = c.sign("drop-hikvision", more)
    s, h3, body = c.req("/api/v1/petitions/drop-hikvision", headers={"If-None-Match": h1["etag"]})
    ok(s == 200 and json.loads(body)["signatures"] == 1001 and h3["etag"] != h1["etag"],
       "after another signature the old ETag gets the new count, not a 304", (s, h3.get("etag"), h1["etag"]))
    s, h, body = c.req("/actions/2025-03-01-petition?lang=en")
    ok('data-count="1001"' in body, "a cached page with the count is not served stale after a signature")


def check_openapi(c):
    """the petitions' answers are what web/api/openapi.json says"""
    import jsonschema
    spec = json.loads(c.req("/api/v1/openapi.json")[2])
    resolver = jsonschema.RefResolver.from_schema(spec)

    def valid(instance, ref):
        v = jsonschema.Draft202012Validator({"$ref": ref}, resolver=resolver)
        errs = sorted(v.iter_errors(instance), key=lambda e: list(e.path))
        return not errs, "; ".join("%s: %s" % (list(e.path), e.message[:120]) for e in errs[:3])

    for url, ref in (("/api/v1/petitions", "PetitionList"), ("/api/v1/petitions/drop-hikvision?limit=5", "PetitionFull"),
                     ("/api/v1/petitions/elsewhere", "PetitionFull"), ("/api/v1/petitions/nope", "Error"),
                     ("/api/v1/petitions/drop-hikvision?limit=0", "Error")):
        s, h, body = c.req(url)
        good, why = valid(json.loads(body), "#/components/schemas/" + ref)
        ok(good, "GET %s (%d) answers what the OpenAPI document describes" % (url, s), why)


def check_guard(c, srv, signers):
    fields = {"name": "Guarded", "email": "guard-%s@example.org" % secrets.token_hex(4)}
    before = json.loads(c.req("/api/v1/petitions/second")[2])["signatures"]
    s, h, body = c.sign("second", fields, token=False)
    ok(s == 403 and "form_refused" in body, "no token: refused (403)", (s, body[:200]))
    s, h, body = c.sign("second", fields, trap="http://spam.example")
    ok(s == 403, "the honeypot filled: refused (403)", s)
    tok = c.token("/petitions/second?lang=en")
    s, h, _ = c.sign("second", fields, token=tok)
    s2, h, body = c.sign("second", dict(fields, email="x" + fields["email"]), token=tok)
    ok(s == 303 and s2 == 403, "a token is good once: its replay is refused", (s, s2))
    tok = c.token("/petitions/drop-hikvision?lang=en")
    s, h, body = c.sign("second", fields, token=tok)
    ok(s == 403, "a token of one petition is refused on another", (s, body[:200]))
    s, h, body = c.sign("second", fields, origin="https://evil.example")
    ok(s == 403 and "cross_origin" in body, "a post from another site is refused", (s, body[:200]))
    after = json.loads(c.req("/api/v1/petitions/second")[2])["signatures"]
    ok(after == before + 1, "only the one good signature counted", (before, after))

    # the real fill time and a small bucket, on a second server
    slow = Server(DB, TMP, "--petition-key", os.path.join(TMP, "organisers-server.key"), "--petition-burst", "3",
                  "--rate", "0")
    try:
        sc = Client(slow.port)
        s, h, body = sc.sign("second", {"name": "Fast", "email": "fast@example.org"})
        ok(s == 400 and "form_too_fast" in body, "sent at once after the page: too fast (400), by default", s)
        import time
        toks = [sc.token("/petitions/second?lang=en") for _ in range(5)]
        other = sc.token("/petitions/drop-hikvision?lang=en")
        time.sleep(3.2)
        got = [sc.sign("second", {"name": "B%d" % i, "email": "b%d-%s@example.org" % (i, secrets.token_hex(3))},
                       token=t)[0] for i, t in enumerate(toks)]
        ok(got == [303, 303, 303, 429, 429], "past the petition's burst of 3: busy (429)", got)
        late = {"name": "Late-%s" % secrets.token_hex(4), "email": "c-%s@example.org" % secrets.token_hex(3)}
        signers.append(late)
        s = sc.sign("drop-hikvision", late, token=other)[0]
        ok(s == 303, "another petition has its own bucket", s)
    finally:
        slow.stop()


def check_refusals(c):
    n0 = json.loads(c.req("/api/v1/petitions/drop-hikvision")[2])["signatures"]
    s, h, body = c.sign("drop-hikvision", {"name": "Bad <b>", "email": "not-an-address"}, lang="zh")
    ok(s == 400 and "请填写电子邮箱地址" in body and 'aria-invalid="true"' in body and 'value="Bad &lt;b&gt;"' in body
       and 'name="tm_form"' in body and h.get("cache-control") == "no-store",
       "a bad address: the form again (escaped, with a fresh token), the field marked, in Chinese", (s, body[:300]))
    s, h, body = c.sign("drop-hikvision", {"name": "", "email": "e@example.org"})
    ok(s == 400 and 'id="pf-name"' in body, "no name: refused with the form", s)
    s, h, body = c.sign("drop-hikvision", {"name": "N", "email": "e@example.org", "city": "x\u202ey"})
    ok(s == 400, "a city with a bidi control: refused", s)
    n1 = json.loads(c.req("/api/v1/petitions/drop-hikvision")[2])["signatures"]
    ok(n0 == n1, "refused signatures count nothing", (n0, n1))
    s, h, body = c.req("/petitions/over?lang=en")
    ok(s == 200 and "Signing has closed." in body and 'name="tm_form"' not in body and "<form method" not in body,
       "a closed petition shows no form, and so gives no token")
    s, h, body = c.sign("over", {"name": "N", "email": "n@example.org"})
    ok(s == 403, "signing a closed petition: refused (403)", (s, body[:200]))
    s, h, body = c.req("/petitions/elsewhere?lang=zh")
    ok(s == 200 and "本服务器不接受此请愿的签名" in body and "<form method" not in body,
       "a petition whose key this server lacks shows its count but no form")
    s, h, body = c.sign("elsewhere", {"name": "N", "email": "n@example.org"})
    ok(s == 403, "and a signature sent anyway is refused", s)
    s, h, body = c.req("/petitions/nope?lang=en")
    ok(s == 404, "an unknown petition: 404", s)
    s, h, body = c.req("/api/v1/petitions/nope")
    ok(s == 404 and json.loads(body)["error"]["code"] == "not_found", "and in the API", s)


if __name__ == "__main__":
    main()
    sys.exit(1 if failures() else 0)
