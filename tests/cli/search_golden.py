#!/usr/bin/python3
"""Print the search golden file: every query of tests/data/search/queries.txt
with its whole ranked answer (id, score, kind, name, the name matched) or,
for "resolve:" lines, what commands resolve it to.

usage: search_golden.py TIEMAP QUERIES SECTION=DB...
"""
import json
import subprocess
import sys


def run(tiemap, db, *args):
    p = subprocess.run([tiemap, "--db", db, "--json", *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def search(tiemap, db, q):
    rc, out, err = run(tiemap, db, "search", "--limit", "50", "--", q)
    if rc != 0:
        return ["  error %d: %s" % (rc, err.strip())]
    hits = json.loads(out)["results"]
    if not hits:
        return ["  (no match)"]
    return ["  %2d %s %r %s | %s | %s" % (i + 1, h["id"], h["score"], h["kind"], h["name"], h["matched"])
            for i, h in enumerate(hits)]


def resolve(tiemap, db, ref):
    rc, out, err = run(tiemap, db, "owners", ref)
    if rc == 0:
        return ["  = %s" % json.loads(out)["id"]]
    return ["  error %d: %s" % (rc, line.strip()) for line in err.strip().splitlines()]


def main():
    tiemap, queries = sys.argv[1], sys.argv[2]
    dbs = dict(a.split("=", 1) for a in sys.argv[3:])
    section = None
    for line in open(queries, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("# "):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            continue
        db = dbs[section]
        if line.startswith("resolve: "):
            ref = line[len("resolve: "):]
            print("[%s] resolve %s" % (section, ref))
            lines = resolve(tiemap, db, ref)
        else:
            print("[%s] search %s" % (section, line))
            lines = search(tiemap, db, line)
        for l in lines:
            print(l)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
