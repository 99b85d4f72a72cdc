"""What the HTTP tests share: TAP lines, a `tiemap serve` on a free loopback
port (the port read from its first line), and requests to it.  The tests are
tests/http/test_*.py; tests/run-all runs each with Debian's Python.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIEMAP = os.environ.get("TIEMAP", os.path.join(ROOT, "tiemap"))
SEED = os.path.join(ROOT, "data", "seed")

_failures = 0


def seed_db(db):
    """The demo data (data/seed) imported into db; 1 when that failed."""
    r = subprocess.run([TIEMAP, "--db", db, "--quiet", "import"] +
                       sorted(os.path.join(SEED, f) for f in os.listdir(SEED) if f.endswith(".jsonl")),
                       capture_output=True)
    return r.returncode


def failures():
    return _failures


def ok(cond, name, detail=""):
    """One TAP line; detail (a few lines of it) only when the check failed."""
    global _failures
    if cond:
        print("ok - " + name)
    else:
        _failures += 1
        print("not ok - " + name)
        if detail:
            for line in str(detail).splitlines()[:12]:
                print("#   " + line)
    sys.stdout.flush()
    return cond


def import_seed(db, *extra):
    """The demo data (data/seed), and the files extra, into db: None, or
    what the import said when it failed."""
    files = sorted(os.path.join(SEED, f) for f in os.listdir(SEED) if f.endswith(".jsonl")) + list(extra)
    r = subprocess.run([TIEMAP, "--db", db, "--quiet", "import"] + files, capture_output=True)
    return r.stderr.decode(errors="replace") if r.returncode else None


class Server:
    """tiemap serve --db db on 127.0.0.1:0, its log in tmp.  The operator's
    TIEMAP_BASE_URL and TIEMAP_MAP_TILES are not passed on; env adds to the
    environment."""

    def __init__(self, db, tmp, *extra, env=None, timeout=30):
        e = dict(os.environ)
        e.pop("TIEMAP_BASE_URL", None)
        e.pop("TIEMAP_MAP_TILES", None)
        e.update(env or {})
        self.timeout = timeout
        self.err = open(os.path.join(tmp, "serve-%d.err" % id(self)), "w+")
        # Under the sanitizers, with other test files running beside this
        # one, a page can take longer than the 2 s query deadline of a real
        # site; tests that are about that deadline pass their own, later.
        self.p = subprocess.Popen([TIEMAP, "--db", db, "serve", "--listen", "127.0.0.1:0",
                                   "--query-seconds", "30"] + list(extra),
                                  stdout=subprocess.PIPE, stderr=self.err, text=True, env=e)
        line = self.p.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not m:
            raise SystemExit("not ok - server did not start: %r" % line)
        self.port = int(m.group(1))

    def request(self, path, method="GET", headers=None, body=None):
        """(status, headers with lower-case names, body bytes)"""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        data = r.read()
        c.close()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, data

    def get(self, path, headers=None):
        """request() with the body as text"""
        s, h, d = self.request(path, headers=headers)
        return s, h, d.decode("utf-8", "replace")

    def get_json(self, path, headers=None):
        """request() with the body parsed, or None when it is not JSON"""
        s, h, d = self.request(path, headers=headers)
        try:
            return s, h, json.loads(d)
        except ValueError:
            return s, h, None

    def raw(self, data):
        """Send raw bytes; return what comes back (the status line's code)."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=self.timeout)
        s.sendall(data)
        out = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
                if b"\r\n\r\n" in out:
                    break
        except (socket.timeout, ConnectionResetError):
            pass
        s.close()
        m = re.match(rb"HTTP/1\.[01] (\d{3})", out)
        return int(m.group(1)) if m else 0

    def stop(self):
        """SIGTERM; (exit status, what the server wrote to stderr)"""
        self.p.send_signal(signal.SIGTERM)
        try:
            rc = self.p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = -1
        self.err.seek(0)
        return rc, self.err.read()
