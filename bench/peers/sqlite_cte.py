#!/usr/bin/python3
"""A recursive CTE in SQLite, on tiemap's own database file (read-only):
breadth first (ORDER BY depth), both directions of a tie, stopping at the
first row that reaches the target.  Uses the indexes tiemap has:
relations(subject, …) and relations(object)."""
import sqlite3
import time

import common

a = common.args()
t0 = time.perf_counter()
db = sqlite3.connect(f"file:{a.db}?mode=ro", uri=True)
db.execute("PRAGMA cache_size=-262144")
SQL = """
WITH RECURSIVE bfs(node, depth) AS (
  SELECT ?1, 0
  UNION
  SELECT r.object, bfs.depth + 1 FROM bfs JOIN relations r ON r.subject = bfs.node WHERE bfs.depth < ?3
  UNION
  SELECT r.subject, bfs.depth + 1 FROM bfs JOIN relations r ON r.object = bfs.node WHERE bfs.depth < ?3
  ORDER BY 2
)
SELECT depth FROM bfs WHERE node = ?2 LIMIT 1
"""
db.execute(SQL, (1, 1, 1)).fetchall()  # prepare once, and warm the cache a little
load = time.perf_counter() - t0


def query(s, t):
    row = db.execute(SQL, (s, t, a.max_hops)).fetchone()
    return row[0] if row else -1


r = common.run("sqlite-cte", common.read_pairs(a.pairs), query, a.budget, load)
r["version"] = sqlite3.sqlite_version
common.write(a.out, r)
