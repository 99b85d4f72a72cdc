#!/usr/bin/python3
"""igraph: get_shortest_paths (one shortest path, BFS in C) on an undirected
graph."""
import time

import common

a = common.args()
try:
    import igraph
except ImportError as e:
    common.skip(a.out, "igraph", f"no igraph on this Python ({e}): apt-get install python3-igraph")
t0 = time.perf_counter()
edges = common.read_edges(a.edges)
n = 1 + max(max(e) for e in edges)
g = igraph.Graph(n=n, edges=edges, directed=False)
load = time.perf_counter() - t0


def query(s, t):
    p = g.get_shortest_paths(s, to=t, mode="all", output="vpath")[0]
    return len(p) - 1 if p else -1


r = common.run("igraph", common.read_pairs(a.pairs), query, a.budget, load)
r["version"] = igraph.__version__
common.write(a.out, r)
