#!/usr/bin/env python3
"""HTTP tests of accounts (docs/security.md), against a real server.

Every route of src/http/routes.def with TM_ROUTE_EDIT is tried, with each
method it takes, without a session, with a forged or ended session cookie,
with a session but no CSRF token, from another origin, from a role below its
own, and with a bad API token: each is refused with 403 (401 for the token)
before its handler runs, while the right role gets through; every other
route refuses PUT, DELETE, PATCH (and POST unless it takes one) with 405.  So
a route added later is covered by this file the day it is added.  Then: the
session cookie's attributes (Secure with --https); no Set-Cookie for a
reader on any route; signed-in pages never cached for readers nor the
reverse; API tokens of one role, demoted and stopped with their owner,
revoked one by one; user logout NAME and --all; 100 wrong passwords lock
the account, and the answers and their times are the same for a name that
does not exist; no password, token or CSRF token in the access log, the
commands' output or the database files.  One TAP line per check.

$TIEMAP is the binary under test (tests/run-all sets the sanitizer build)."""
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

from harness import ROOT, TIEMAP, Server, failures, ok, seed_db

TMP = tempfile.mkdtemp(prefix="tiemap-http-auth-")
DB = os.path.join(TMP, "demo.db")
PW = {"root": "admin pass phrase 1", "ed": "editor pass phrase 2", "con": "contributor phrase 3",
      "ed2": "locked out phrase 4", "off": "disabled phrase five"}
ROLES = {"root": "admin", "ed": "editor", "con": "contributor", "ed2": "editor", "off": "contributor"}
RANK = {"contributor": 1, "editor": 2, "admin": 3}
REFUSALS = {"login_required", "csrf", "cross_origin", "forbidden_role", "bad_token"}


CLI_OUT = []  # (args, stdout, stderr) of every command the test ran, for the check that nothing leaks


def cli(*args, stdin=None):
    r = subprocess.run([TIEMAP, "--db", DB] + list(args), input=stdin, capture_output=True, text=True)
    CLI_OUT.append((args, r.stdout, r.stderr))
    return r


def routes():
    """(pattern, flags) of every line of routes.def"""
    out = []
    with open(os.path.join(ROOT, "src", "http", "routes.def"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r'\s*TM_ROUTE\("([^"]+)",\s*(\w+),\s*([^)]*)\)', line)
            if m:
                out.append((m.group(1), set(x.strip() for x in m.group(3).split("|"))))
    return out


def concrete(pattern):
    """a path for a pattern: {week} a week, {file} an asset, other captures an id of the demo data"""
    subst = {"week": "2024-W09", "file": "site.css", "tag": "surveillance", "name": "search"}
    return re.sub(r"\{(\w+)\}", lambda m: subst.get(m.group(1), "hikvision"), pattern)


def min_role(flags):
    return "admin" if "TM_ROUTE_ADMIN" in flags else "editor" if "TM_ROUTE_EDITOR" in flags else "contributor"


def code_of(body):
    """the error code of a refusal: data-code on a page, error.code in JSON"""
    text = body.decode("utf-8", "replace")
    m = re.search(r'data-code="([a-z_]+)"', text)
    if m:
        return m.group(1)
    try:
        return json.loads(text)["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return None


SECRETS = []  # every password tried, every session cookie and CSRF token given, every token sent


class Browser:
    """A cookie jar of one, and the origin a page of the site sends."""

    def __init__(self, srv, origin=None):
        self.srv = srv
        self.origin = origin or "http://127.0.0.1:%d" % srv.port
        self.cookie = None
        self.csrf = None

    def login(self, name, password, origin=None):
        SECRETS.append(password)
        body = "name=%s&password=%s" % (name, password.replace(" ", "+"))
        s, h, d = self.srv.request("/login", "POST", {"Content-Type": "application/x-www-form-urlencoded",
                                                      "Origin": origin or self.origin}, body.encode())
        sc = h.get("set-cookie", "")
        m = re.match(r"((?:__Host-)?tiemap)=([^;]*);", sc)
        if s == 303 and m and m.group(2):
            self.cookie = "%s=%s" % (m.group(1), m.group(2))
            s2, _, me = self.srv.get_json("/api/v1/me", {"Cookie": self.cookie})
            self.csrf = me.get("csrf_token") if s2 == 200 and me else None
            SECRETS.extend(x for x in (m.group(2), self.csrf) if x)
        return s, h, d

    def send(self, path, method="POST", csrf=True, origin=True, referer=None, body=None, headers=None):
        hdr = {"Content-Type": "application/x-www-form-urlencoded"}
        if self.cookie:
            hdr["Cookie"] = self.cookie
        if origin:
            hdr["Origin"] = self.origin if origin is True else origin
        if referer:
            hdr["Referer"] = referer
        hdr.update(headers or {})
        form = body if body is not None else ("csrf=%s" % self.csrf if csrf and self.csrf else "x=1")
        return self.srv.request(path, method, hdr, form.encode())


def add_users():
    for name, pw in PW.items():
        r = cli("user", "add", name, "--role", ROLES[name], stdin=pw + "\n")
        if r.returncode:
            print("not ok - user add %s: %s" % (name, r.stderr))
            sys.exit(1)
        ok(pw not in r.stdout + r.stderr, "user add %s does not echo the password" % name)
    cli("user", "disable", "off")
    tokens = {}
    for name, role in (("con", "contributor"), ("ed", "editor"), ("root", "admin")):
        r = cli("--quiet", "user", "token", name, "--label", "test")
        tokens[role] = r.stdout.strip()
    ok(all(t.startswith("tm_") and len(t) == 46 for t in tokens.values()), "user token prints one token each",
       tokens)
    return tokens


def check_edit_routes(srv, tokens, sessions):
    edit = [(p, f) for p, f in routes() if "TM_ROUTE_EDIT" in f]
    ok(len(edit) >= 3, "routes.def has routes that change something (%d)" % len(edit), edit)
    anon = Browser(srv)
    # a cookie of the right shape that no login made, and one whose session was ended by a logout
    forged = Browser(srv)
    forged.cookie, forged.csrf = "tiemap=" + "Q" * 43, "A" * 43
    SECRETS.extend(["Q" * 43, "A" * 43])
    ended = Browser(srv)
    ended.login("ed", PW["ed"])
    s, _, _ = ended.send("/logout")
    ok(s == 303 and ended.cookie and ended.csrf, "a session ended by its logout, kept for the checks below", s)
    live = {}  # a session per user for the checks that must pass, made again when one ended it (/logout)
    for pattern, flags in edit:
        path = concrete(pattern) + "?lang=en"
        need = min_role(flags)
        for method in ("POST", "PUT", "DELETE"):
            name = "%s %s" % (method, pattern)
            s, _, d = anon.send(path, method)
            ok(s == 403 and code_of(d) == "login_required", name + ": no session is refused (403)", (s, d[:300]))
            for what, b in (("a forged session cookie", forged), ("the cookie of an ended session", ended)):
                s, _, d = b.send(path, method)
                ok(s == 403 and code_of(d) == "login_required", "%s: %s is refused (403)" % (name, what),
                   (s, d[:300]))
            for role, b in sessions.items():
                if RANK[role] < RANK[need]:
                    s, _, d = b.send(path, method)
                    ok(s == 403 and code_of(d) == "forbidden_role",
                       "%s: a %s's session is refused (403)" % (name, role), (s, d[:300]))
                    s, _, d = srv.request(path, method, {"Authorization": "Bearer " + tokens[role]})
                    ok(s == 403 and code_of(d) == "forbidden_role",
                       "%s: a %s's API token is refused (403)" % (name, role), (s, d[:300]))
            b = sessions[need]
            s, _, d = b.send(path, method, csrf=False)
            ok(s == 403 and code_of(d) == "csrf", name + ": a session without its CSRF token is refused (403)",
               (s, d[:300]))
            bad = "csrf=" + "A" * 43
            s, _, d = b.send(path, method, body=bad)
            ok(s == 403 and code_of(d) == "csrf", name + ": a wrong CSRF token is refused (403)", (s, d[:300]))
            s, _, d = b.send(path, method, origin="https://evil.example")
            ok(s == 403 and code_of(d) == "cross_origin",
               name + ": a cross-origin form post, CSRF token and all, is refused (403)", (s, d[:300]))
            s, _, d = b.send(path, method, origin=False, referer="https://evil.example/page")
            ok(s == 403 and code_of(d) == "cross_origin", name + ": a cross-site Referer is refused (403)",
               (s, d[:300]))
            s, _, d = b.send(path, method, origin=False)
            ok(s == 403 and code_of(d) == "cross_origin", name + ": neither Origin nor Referer is refused (403)",
               (s, d[:300]))
            s, _, d = b.send(path, method, origin="null")
            ok(s == 403, name + ": Origin null is refused (403)", (s, d[:300]))
            SECRETS.append("tm_" + "A" * 43)
            s, h, d = srv.request(path, method, {"Authorization": "Bearer tm_" + "A" * 43})
            ok(s == 401 and h.get("www-authenticate", "").startswith("Bearer"),
               name + ": an unknown API token is refused (401, WWW-Authenticate)", (s, h))
            # the right role, and every role above it, passes the server's checks (what the handler
            # then does is its own): by API token, and by a fresh session (the route may be /logout)
            # with its CSRF token as a form field, as the X-CSRF-Token header, and from a Referer
            for role in (r for r in RANK if RANK[r] >= RANK[need]):
                s, _, d = srv.request(path, method, {"Authorization": "Bearer " + tokens[role]})
                ok(code_of(d) not in REFUSALS, name + ": a %s's API token gets past the checks (%d)" % (role, s),
                   d[:300])
            user = next(u for u in ("con", "ed", "root") if ROLES[u] == need)
            for how in ("form", "header", "referer"):
                fresh = live.get(user)
                if not fresh or srv.request("/api/v1/me", headers={"Cookie": fresh.cookie})[0] != 200:
                    fresh = live[user] = Browser(srv)  # a login is an argon2id check: only when needed
                    fresh.login(user, PW[user])
                if how == "form":
                    s, _, d = fresh.send(path, method)
                elif how == "header":
                    s, _, d = fresh.send(path, method, csrf=False, headers={"X-CSRF-Token": fresh.csrf})
                else:
                    s, _, d = fresh.send(path, method, origin=False, referer=fresh.origin + "/account?lang=en")
                ok(fresh.csrf and code_of(d) not in REFUSALS,
                   "%s: a %s's session with its CSRF token (%s) gets past the checks (%d)" % (name, need, how, s),
                   d[:300])


# the routes that take POST from anyone and change nothing (TM_ROUTE_POST); a route that changes
# something takes TM_ROUTE_EDIT (or is an anonymous form, TM_ROUTE_FORM), so a new TM_ROUTE_POST
# line must be added here on purpose
POST_READS = {"/screen", "/api/v1/screen"}


def check_unsafe_methods(srv):
    """a route without TM_ROUTE_EDIT takes no PUT or DELETE, nor POST unless its flags say so"""
    bad, posts = [], set()
    for pattern, flags in routes():
        if "TM_ROUTE_EDIT" in flags:
            continue
        takes_post = bool(flags & {"TM_ROUTE_POST", "TM_ROUTE_LOGIN", "TM_ROUTE_FORM"})
        if "TM_ROUTE_POST" in flags:
            posts.add(pattern)
        for method in ("PUT", "DELETE", "PATCH") + (() if takes_post else ("POST",)):
            s, h, _ = srv.request(concrete(pattern) + "?lang=en", method,
                                  {"Content-Type": "application/x-www-form-urlencoded"}, b"x=1")
            if s != 405 or ("POST" in h.get("allow", "")) != takes_post or not h.get("allow", "").startswith("GET"):
                bad.append((method, pattern, s, h.get("allow")))
    ok(not bad, "every route without TM_ROUTE_EDIT answers 405 to PUT, DELETE, PATCH (and POST unless it "
       "takes one), with an Allow header", bad[:5])
    ok(posts == POST_READS, "the routes that take POST from anyone are the ones known to change nothing",
       sorted(posts ^ POST_READS))
    b = Browser(srv)
    b.login("con", PW["con"])
    s, h, _ = srv.request("/logout?lang=en", headers={"Cookie": b.cookie})
    s2, _, _ = srv.request("/api/v1/me", headers={"Cookie": b.cookie})
    ok(s2 == 200 and "set-cookie" not in h, "GET /logout (a link or an image on another site) ends no session",
       (s, s2))


def check_no_cookies(srv):
    """a reader, on every route and method it may send, never gets a cookie"""
    seen = []
    for pattern, flags in routes():
        path = concrete(pattern)
        methods = ["GET", "HEAD"]
        if flags & {"TM_ROUTE_POST", "TM_ROUTE_EDIT", "TM_ROUTE_LOGIN", "TM_ROUTE_FORM"}:
            methods.append("POST")
        if "TM_ROUTE_EDIT" in flags:
            methods += ["PUT", "DELETE"]
        for m in methods:
            for lang in ("en", "zh", "zh-Hant"):
                body = b"name=nobody&password=wrong+password+here" if m != "GET" and m != "HEAD" else None
                s, h, _ = srv.request(path + "?lang=" + lang, m,
                                      {"Content-Type": "application/x-www-form-urlencoded",
                                       "Origin": "http://127.0.0.1:%d" % srv.port}, body)
                if "set-cookie" in h:
                    seen.append((m, path, s, h["set-cookie"]))
    for path in ("/", "/nope", "/api/v1/nope", "/search?q=%E6%B5%B7%E5%BA%B7", "/api/v1/search?q=hik",
                 "/entities/hikvision/graph", "/static/nope.css"):
        s, h, _ = srv.request(path)
        if "set-cookie" in h:
            seen.append(("GET", path, s, h["set-cookie"]))
    ok(not seen, "a reader gets no Set-Cookie from any route, method or language (%d routes)" % len(routes()),
       seen[:5])


def check_cookie(srv, https_srv):
    b = Browser(srv)
    s, h, _ = b.login("ed", PW["ed"])
    sc = h.get("set-cookie", "")
    attrs = [a.strip() for a in sc.split(";")]
    ok(s == 303 and "HttpOnly" in attrs and "SameSite=Strict" in attrs and "Path=/" in attrs and
       "Max-Age=28800" in attrs and "Secure" not in attrs,
       "the session cookie is HttpOnly, SameSite=Strict, Path=/, Max-Age=28800 (8 h), not Secure on http", sc)
    ok(re.match(r"tiemap=[A-Za-z0-9_-]{43};", sc) is not None, "the session token is 256 random bits (43 base64url)",
       sc)
    ok(h.get("cache-control") == "private, no-store", "the login's answer is not cached", h.get("cache-control"))
    hb = Browser(https_srv, "https://127.0.0.1:%d" % https_srv.port)
    s, h, _ = hb.login("ed", PW["ed"])
    sc = h.get("set-cookie", "")
    attrs = [a.strip() for a in sc.split(";")]
    ok(s == 303 and "Secure" in attrs and sc.startswith("__Host-tiemap=") and "HttpOnly" in attrs and
       "SameSite=Strict" in attrs, "with --https the cookie is Secure and __Host- prefixed", (s, sc))
    s, _, d = hb.send("/logout", origin="http://127.0.0.1:%d" % https_srv.port)
    ok(s == 403 and code_of(d) == "cross_origin", "with --https a post from the http origin is refused", (s, d[:200]))
    s, h, _ = hb.send("/logout")
    ok(s == 303 and "Max-Age=0" in h.get("set-cookie", ""), "with --https the https origin may log out", (s, h))


def check_pages_not_shared(srv):
    b = Browser(srv)
    b.login("con", PW["con"])
    marker = 'class="user-box"'
    for path in ("/", "/entities/hikvision?lang=zh", "/api/v1/entities/hikvision"):
        s0, h0, anon1 = srv.request(path)                       # a reader fills the cache
        s1, h1, mine = srv.request(path, headers={"Cookie": b.cookie})
        s2, h2, anon2 = srv.request(path)
        page = path != "/api/v1/entities/hikvision"
        ok(s1 == 200 and (marker.encode() in mine) == page and marker.encode() not in anon1 + anon2,
           "%s: a signed-in user gets their own page, readers never see it" % path)
        ok(h1.get("cache-control") == "private, no-store" and "etag" not in h1 and "etag" in h0,
           "%s: a signed-in response is private, no-store, without an ETag" % path, h1)
    # and the other way round: a signed-in user first, then a reader
    srv.request("/actions?lang=en", headers={"Cookie": b.cookie})
    s, h, anon = srv.request("/actions?lang=en")
    ok(s == 200 and marker.encode() not in anon, "a page first rendered for a signed-in user is not served to a reader")


def check_lockout(srv):
    """100 wrong passwords: the account locks; the name's existence never shows"""
    b = Browser(srv)

    def attempt(name, pw):
        t = time.monotonic()
        s, h, d = b.login(name, pw)
        return s, h, d, time.monotonic() - t

    known, unknown, disabled = [], [], []
    for i in range(100):
        known.append(attempt("ed2", "wrong password %d" % i))
        if i % 4 == 0:  # 25 tries of names that do not exist, among them
            unknown.append(attempt("ghost-%d" % (i % 3), "wrong password %d" % i))
        if i % 20 == 0:  # and 5 of a disabled account, with its right password
            disabled.append(attempt("off", PW["off"]))
    failed = known + unknown + disabled
    ok(all(r[0] == 403 for r in failed), "100 wrong passwords (25 for unknown names, 5 right ones of a disabled "
       "account): all 403", [r[0] for r in failed if r[0] != 403][:5])
    bodies = set(r[2] for r in failed)
    ok(len(bodies) == 1, "every failed login, known name or not, gets the same page byte for byte", len(bodies))
    heads = set(tuple(sorted((k, v) for k, v in r[1].items() if k not in ("date",))) for r in failed)
    ok(len(heads) == 1, "… and the same headers", heads)
    ok(all("set-cookie" not in r[1] for r in failed), "a failed login sets no cookie")
    tk, tu = statistics.median(r[3] for r in known), statistics.median(r[3] for r in unknown)
    ok(0.67 < tk / tu < 1.5, "a known name's failed login takes as long as an unknown one's "
       "(median %.0f ms and %.0f ms)" % (tk * 1000, tu * 1000))
    s, _, d, _ = attempt("ed2", PW["ed2"])
    ok(s == 403 and d == known[0][2], "after 100 failures the right password is refused, with the same page")
    r = cli("--json", "user", "list")
    users = {u["name"]: u for u in json.loads(r.stdout)["users"]}
    ok(users["ed2"]["state"] == "locked" and users["ed2"]["failed_logins"] >= 100,
       "user list shows the account locked (%s failures)" % users["ed2"]["failed_logins"], users["ed2"])
    r = cli("user", "unlock", "ed2")
    s, h, _, _ = attempt("ed2", PW["ed2"])
    ok(r.returncode == 0 and s == 303 and "set-cookie" in h, "user unlock lets the right password in again",
       (r.stderr, s))
    print("# failed logins: known name median %.0f ms, unknown name %.0f ms" % (tk * 1000, tu * 1000))


def check_sessions(srv, tokens):
    b = Browser(srv)
    b.login("ed", PW["ed"])
    s, _, me = srv.get_json("/api/v1/me", {"Cookie": b.cookie})
    ok(s == 200 and me["name"] == "ed" and me["role"] == "editor" and me["via"] == "session",
       "GET /api/v1/me names the session's user and role", me)
    import jsonschema
    _, _, spec = srv.get_json("/api/v1/openapi.json")
    v = jsonschema.Draft202012Validator({"$ref": "#/components/schemas/Me"},
                                        resolver=jsonschema.RefResolver.from_schema(spec))
    errs = [e.message for e in v.iter_errors(me)]
    ok(not errs, "… as the OpenAPI document's Me schema says", errs)
    s, h, _ = srv.request("/account")
    ok(s == 303 and h.get("location", "").startswith("/login?next=%2Faccount"),
       "GET /account without a session goes to /login and back", (s, h.get("location")))
    s, _, _ = srv.request("/admin/users", headers={"Cookie": b.cookie})
    ok(s == 403, "GET /admin/users is refused to an editor (403)", s)
    s, _, _ = srv.request("/api/v1/me")
    ok(s == 401, "GET /api/v1/me without a session or token is 401", s)
    s, _, me = srv.get_json("/api/v1/me", {"Cookie": b.cookie, "Authorization": "Basic dXNlcjpwYXNz"})
    s2, _, _ = srv.request("/", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    ok(s == 200 and me["via"] == "session" and s2 == 200,
       "a proxy's Basic authentication is not taken for a token: the session and the pages still work", (s, s2))
    s, _, me = srv.get_json("/api/v1/me", {"Authorization": "Bearer " + tokens["contributor"]})
    ok(s == 200 and me["role"] == "contributor" and me["via"] == "token" and "csrf_token" not in me,
       "an API token is its owner with its role, and has no CSRF token", me)
    # logout ends the session; the stale cookie is then cleared
    s, h, _ = b.send("/logout")
    ok(s == 303 and "Max-Age=0" in h.get("set-cookie", ""), "POST /logout with the CSRF token ends the session",
       (s, h))
    s, h, _ = srv.request("/api/v1/me", headers={"Cookie": b.cookie})
    ok(s == 401 and "Max-Age=0" in h.get("set-cookie", ""), "the old cookie no longer works, and is cleared",
       (s, h))
    # a disabled account cannot log in
    s, _, _ = Browser(srv).login("off", PW["off"])
    ok(s == 403, "a disabled account cannot log in", s)
    # revoked and demoted tokens
    r = cli("--json", "user", "tokens", "root")
    tid = json.loads(r.stdout)["tokens"][0]["id"]
    cli("user", "token", "--revoke", str(tid))
    s, _, _ = srv.request("/api/v1/me", headers={"Authorization": "Bearer " + tokens["admin"]})
    ok(s == 401, "a revoked API token is refused (401)", s)
    # the login form itself: only from this site's pages
    s, _, d = Browser(srv, "https://evil.example").login("ed", PW["ed"])
    ok(s == 403 and code_of(d) == "cross_origin", "a login posted from another site is refused (403)", s)
    # a change of password through /account
    b = Browser(srv)
    b.login("con", PW["con"])
    s, _, _ = b.send("/account", body="csrf=%s&action=password&current=wrong+one+here&new=a+newer+phrase+9"
                                      "&again=a+newer+phrase+9" % b.csrf)
    ok(s == 403, "/account refuses a password change with a wrong current password", s)
    s, h, _ = b.send("/account", body="csrf=%s&action=password&current=%s&new=a+newer+phrase+9"
                                      "&again=a+newer+phrase+9" % (b.csrf, PW["con"].replace(" ", "+")))
    s2, _, _ = srv.request("/api/v1/me", headers={"Cookie": b.cookie})
    s3, _, _ = Browser(srv).login("con", "a newer phrase 9")
    ok(s == 303 and s2 == 401 and s3 == 303, "/account changes the password, ends the sessions, the new one works",
       (s, s2, s3))


def check_tokens(srv):
    """an API token has one role, never above its owner's as it is now; it ends when revoked or when
    its owner is disabled, and revoking one leaves the others"""
    r = cli("user", "add", "bot", "--role", "admin", stdin="a script's pass phrase\n")
    low = cli("--quiet", "user", "token", "bot", "--role", "contributor", "--label", "low").stdout.strip()
    full = cli("--quiet", "user", "token", "bot", "--label", "full").stdout.strip()
    ok(r.returncode == 0 and low.startswith("tm_") and full.startswith("tm_"), "an admin's tokens: one "
       "scoped to contributor, one with the owner's role")
    admin_routes = [concrete(p) + "?lang=en" for p, f in routes() if {"TM_ROUTE_EDIT", "TM_ROUTE_ADMIN"} <= f]
    contrib_routes = [concrete(p) + "?lang=en" for p, f in routes() if "TM_ROUTE_EDIT" in f and
                      min_role(f) == "contributor"]

    def me(tok):
        s, _, d = srv.get_json("/api/v1/me", {"Authorization": "Bearer " + tok})
        return s, (d or {}).get("role")

    def codes(tok, paths):
        return [code_of(srv.request(p, "POST", {"Authorization": "Bearer " + tok}, b"x=1")[2]) for p in paths]

    ok(me(low) == (200, "contributor") and me(full) == (200, "admin"), "/api/v1/me gives each token its own role",
       (me(low), me(full)))
    ok(admin_routes and all(c == "forbidden_role" for c in codes(low, admin_routes)) and
       not set(codes(full, admin_routes)) & REFUSALS,
       "the admin's contributor-scoped token is refused on admin routes (403), its full token is not",
       (codes(low, admin_routes), codes(full, admin_routes)))
    ok(contrib_routes and not set(codes(low, contrib_routes)) & REFUSALS,
       "the contributor-scoped token gets past the checks of contributor routes", codes(low, contrib_routes))
    cli("user", "role", "bot", "editor")
    ok(me(full) == (200, "editor") and all(c == "forbidden_role" for c in codes(full, admin_routes)),
       "demoting the owner demotes the token at once: refused on admin routes", (me(full), codes(full, admin_routes)))
    cli("user", "role", "bot", "admin")
    ok(me(full) == (200, "admin") and me(low) == (200, "contributor"),
       "promoting the owner again gives the full token its role back, the scoped one stays contributor",
       (me(full), me(low)))
    cli("user", "disable", "bot")
    s, h, _ = srv.request("/api/v1/me", headers={"Authorization": "Bearer " + full})
    ok(me(full)[0] == 401 and me(low)[0] == 401 and h.get("www-authenticate", "").startswith("Bearer"),
       "disabling the owner stops every token (401)", (me(full), me(low)))
    cli("user", "enable", "bot")
    tid = next(t["id"] for t in json.loads(cli("--json", "user", "tokens", "bot").stdout)["tokens"]
               if t["label"] == "full")
    r = cli("user", "token", "--revoke", str(tid))
    ok(r.returncode == 0 and me(full)[0] == 401 and codes(full, admin_routes) == ["bad_token"] * len(admin_routes)
       and me(low) == (200, "contributor"),
       "a revoked token is refused (401) everywhere; the owner's other token still works", (me(full), me(low)))
    return [low, full]


def check_logout_all(srv, tokens):
    """user logout NAME ends that account's sessions, in every browser; --all everyone's; tokens are
    revoked on their own (user token --revoke), so a script keeps running"""
    def alive(b):
        return srv.request("/api/v1/me", headers={"Cookie": b.cookie})[0] == 200

    bs = {}
    for key, name in (("con1", "con"), ("con2", "con"), ("ed", "ed"), ("root", "root")):
        bs[key] = Browser(srv)
        bs[key].login(name, PW[name])
    ok(all(alive(b) for b in bs.values()), "four sessions of three accounts, two in different browsers")
    r = cli("user", "logout", "con")
    ok(r.returncode == 0 and not alive(bs["con1"]) and not alive(bs["con2"]) and alive(bs["ed"]) and
       alive(bs["root"]), "tiemap user logout NAME ends both of that account's sessions and no one else's",
       (r.stderr, [alive(b) for b in bs.values()]))
    r = cli("user", "logout", "--all")
    ok(r.returncode == 0 and not any(alive(b) for b in bs.values()),
       "tiemap user logout --all ends every session of every account", (r.stderr, [alive(b) for b in bs.values()]))
    s, _, _ = srv.request("/api/v1/me", headers={"Authorization": "Bearer " + tokens["editor"]})
    ok(s == 200, "… and leaves API tokens, which are revoked one by one", s)
    s, _, d = bs["ed"].send("/logout")
    ok(s == 403 and code_of(d) == "login_required", "a browser logged out from the server can change nothing",
       (s, d[:200]))


def check_methods(srv):
    s, h, _ = srv.request("/search?q=x", "PUT")
    ok(s == 405 and h.get("allow") == "GET, HEAD", "PUT on a route that changes nothing is 405 (Allow: GET, HEAD)",
       (s, h.get("allow")))
    s, h, _ = srv.request("/entities/hikvision", "DELETE")
    ok(s == 405, "DELETE on a page is 405", s)
    s, h, _ = srv.request("/", "PATCH")
    ok(s == 405, "PATCH is 405 everywhere", s)
    s, h, d = srv.request("/screen?lang=en", "POST", {"Content-Type": "application/x-www-form-urlencoded"},
                          b"list=name%0AHikvision")
    ok(s == 200 and b"Hikvision" in d, "POST /screen stays open to a reader without Origin or session", s)
    s, h, d = srv.request("/api/v1/screen", "POST", {"Content-Type": "text/csv"}, b"name\nHikvision\n")
    ok(s == 200, "POST /api/v1/screen stays open to a reader", s)


def check_login_rate(tmp):
    """--login-rate and --read-only; what the two servers logged"""
    # one login in 1,000 s after the burst: a slow machine takes seconds a login, never that long
    srv = Server(DB, tmp, "--rate", "0", "--login-rate", "0.001", "--log-ips")
    try:
        got = [Browser(srv).login("ghost", "wrong password here")[0] for _ in range(12)]
        ok(got.count(403) == 10 and got.count(429) == 2,
           "--login-rate: 10 logins at once, then 429 for the whole server (%s)" % got)
    finally:
        logged = srv.stop()[1]
    srv = Server(DB, tmp, "--read-only")
    try:
        s, _, d = Browser(srv).login("ed", PW["ed"])
        ok(s == 503, "with --read-only nobody can log in (503)", s)
    finally:
        logged += srv.stop()[1]
    return logged


def catalogs():
    """the interface's messages by language: en and zh (zh-Hans) as written, zh-Hant as the build made it"""
    files = {"en": "web/i18n/en.json", "zh": "web/i18n/zh.json", "zh-Hant": "build/gen/i18n/zh-Hant.json"}
    return {lang: json.load(open(os.path.join(ROOT, f), encoding="utf-8")) for lang, f in files.items()}


def check_catalogs():
    cat = catalogs()
    keys = [k for k in cat["en"] if k.split(".")[0] in ("login", "logout", "account", "admin", "auth", "form", "role")]
    ok(keys and all(k in cat["zh"] and k in cat["zh-Hant"] for k in keys),
       "every account message is in Simplified and Traditional Chinese too (%d)" % len(keys),
       [k for k in keys if k not in cat["zh"] or k not in cat["zh-Hant"]])
    # Taiwan's and Hong Kong's words for logging in and out, and their characters for an account
    hant = " ".join(cat["zh-Hant"][k] for k in keys + ["nav.login", "nav.logout"])
    ok(not any(w in hant for w in ("登錄", "賬", "啓")), "the Traditional account pages say 登入, 登出, 帳戶, 啟用")


def check_languages(srv):
    """the account pages, each in English, Simplified and Traditional Chinese"""
    cat = catalogs()
    admin = Browser(srv)
    admin.login("root", PW["root"])
    bad = []
    for path, key, who in (("/login", "login.title", None), ("/logout", "logout.title", None),
                           ("/account", "account.title", admin), ("/admin/users", "admin.title", admin)):
        for lang, html_lang in (("en", "en"), ("zh", "zh-Hans"), ("zh-Hant", "zh-Hant")):
            s, _, d = srv.get("%s?lang=%s" % (path, lang), {"Cookie": who.cookie} if who else None)
            if s != 200 or '<html lang="%s">' % html_lang not in d or "<h1>%s</h1>" % cat[lang][key] not in d:
                bad.append((path, lang, s, d[:200]))
    ok(not bad, "/login, /logout, /account and /admin/users in en, zh-Hans and zh-Hant", bad[:3])
    s, _, d = srv.get("/login?lang=zh-Hant", {"Cookie": admin.cookie})
    ok(s == 200 and cat["zh-Hant"]["nav.logout"] in d and cat["zh-Hant"]["nav.signed_in"] in d,
       "a signed-in user's box in Traditional Chinese", d[:200])


def check_secrets(logged, tokens, bot_tokens):
    """what the servers logged, what the commands printed and what the database holds: no password,
    session, CSRF token or API token, in any of them"""
    secrets = set(x for x in SECRETS + list(PW.values()) + list(tokens.values()) + bot_tokens +
                  ["a newer phrase 9", "a script's pass phrase"] if x and len(x) >= 8)
    lines = logged.count("\n")
    leaked = [x for x in secrets if x in logged]
    ok(lines > 300 and not leaked, "no password, token, cookie or CSRF token in %d lines of access log (%d secrets)"
       % (lines, len(secrets)), leaked[:5])
    ok("password=" not in logged and "csrf=" not in logged and "Bearer" not in logged,
       "no form field or Authorization header in the log")
    leaked = []
    for args, out, err in CLI_OUT:
        shown = out.strip() if "token" in args and "--revoke" not in args else None
        leaked += [(args, x) for x in secrets if x != shown and (x in out or x in err)]
    ok(len(CLI_OUT) > 20 and not leaked, "no password or token in the output of %d tiemap user commands "
       "(but the one token user token prints)" % len(CLI_OUT), leaked[:5])
    stored = b""
    for ext in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(DB + ext):
            with open(DB + ext, "rb") as f:
                stored += f.read()
    leaked = [x for x in secrets if x.encode() in stored]
    ok(stored and not leaked, "no password, session, CSRF token or API token in the database files in the clear",
       leaked[:5])


def main():
    if seed_db(DB):
        print("not ok - seed import")
        return 1
    tokens = add_users()
    srv = Server(DB, TMP, "--rate", "0", "--login-rate", "0", timeout=60)
    https_srv = Server(DB, TMP, "--rate", "0", "--login-rate", "0", "--https")
    logged, bot_tokens = "", []
    try:
        sessions = {}
        for name in ("con", "ed", "root"):
            sessions[ROLES[name]] = Browser(srv)
            sessions[ROLES[name]].login(name, PW[name])
        ok(all(b.cookie and b.csrf for b in sessions.values()), "a contributor, an editor and an admin log in")
        check_edit_routes(srv, tokens, sessions)
        check_unsafe_methods(srv)
        check_no_cookies(srv)
        check_cookie(srv, https_srv)
        check_pages_not_shared(srv)
        check_languages(srv)
        check_methods(srv)
        bot_tokens = check_tokens(srv)
        check_logout_all(srv, tokens)
        check_sessions(srv, tokens)
        check_lockout(srv)
    finally:
        rc, err = srv.stop()
        rc2, err2 = https_srv.stop()
        logged = err + err2
    ok(rc == 0 and rc2 == 0 and "Sanitizer" not in logged, "the servers stop cleanly", logged[-2000:])
    logged += check_login_rate(TMP)
    check_secrets(logged, tokens, bot_tokens)
    check_catalogs()
    return 1 if failures() else 0


if __name__ == "__main__":
    sys.exit(main())
