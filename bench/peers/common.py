"""What every peer shares: reading tiemap's pairs, timing each query, and
writing the result bench/graph/run reads.

A peer is run as `peer.py --edges FILE --pairs FILE --out FILE [--budget S]`
(the SQLite peer takes --db instead of --edges).  It loads the graph its own
way (not timed), then runs the pairs in order, timing each query alone, until
all are done or the budget of seconds is spent, and writes JSON:
  {"peer", "load_s", "done", "lengths": [...], "seconds": [...], "skipped"}
A length is the number of hops of a shortest path, or -1 when there is none.
"""
import argparse
import json
import sys
import time


def args(extra=None):
    p = argparse.ArgumentParser()
    p.add_argument("--edges")
    p.add_argument("--db")
    p.add_argument("--pairs", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--budget", type=float, default=600.0)
    p.add_argument("--max-hops", type=int, default=12)
    if extra:
        extra(p)
    return p.parse_args()


def read_pairs(path):
    """[(a, b, tiemap_hops)] in file order."""
    out = []
    with open(path) as f:
        for line in f:
            a, b, hops, _ = line.split()
            out.append((int(a), int(b), int(hops)))
    return out


def read_edges(path):
    with open(path) as f:
        return [(int(a), int(b)) for a, b in (line.split() for line in f)]


def run(name, pairs, query, budget, load_s):
    """Time query(a, b) -> hops or -1 for each pair, within budget seconds."""
    lengths, seconds = [], []
    spent = 0.0
    for a, b, _ in pairs:
        if spent > budget:
            break
        t0 = time.perf_counter()
        n = query(a, b)
        dt = time.perf_counter() - t0
        spent += dt
        lengths.append(n)
        seconds.append(dt)
    return {"peer": name, "load_s": load_s, "done": len(lengths), "lengths": lengths, "seconds": seconds}


def write(path, result):
    with open(path, "w") as f:
        json.dump(result, f)


def skip(path, name, why):
    """A peer that cannot run here says why, and bench/graph/run prints it."""
    write(path, {"peer": name, "skipped": why})
    print(f"{name}: skipped: {why}", file=sys.stderr)
    sys.exit(0)
