#!/usr/bin/python3
"""networkx: bidirectional_shortest_path on an undirected Graph (tiemap walks
ties in either direction)."""
import time

import common

a = common.args()
try:
    import networkx as nx
except ImportError as e:
    common.skip(a.out, "networkx", f"no networkx on this Python ({e}): apt-get install python3-networkx")
t0 = time.perf_counter()
g = nx.Graph()
g.add_edges_from(common.read_edges(a.edges))
load = time.perf_counter() - t0


def query(s, t):
    try:
        return len(nx.bidirectional_shortest_path(g, s, t)) - 1
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return -1


r = common.run("networkx", common.read_pairs(a.pairs), query, a.budget, load)
r["version"] = nx.__version__
common.write(a.out, r)
