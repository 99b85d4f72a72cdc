#!/usr/bin/python3
"""A recursive CTE in PostgreSQL: breadth first over an edge table holding
each tie both ways, stopping at the first row that reaches the target (the
rows of depth d all come before those of depth d+1).  Each query is timed
inside the server (clock_timestamp() around it, in a PL/pgSQL loop), so
neither psql nor the connection is counted.

It uses a server that `psql` reaches on this machine as the postgres user;
failing that, when PostgreSQL is installed (Debian's postgresql; installed
here if missing and we are root), a throwaway cluster of its own in a
temporary folder, on a Unix socket only, stopped and removed at the end.
Otherwise it says why it skipped."""
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

import common

a = common.args()
NAME = "postgresql-cte"


def as_postgres(cmd, **kw):
    return subprocess.run(["runuser", "-u", "postgres", "--"] + cmd, **kw)


def find_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else None


if os.geteuid() != 0:
    common.skip(a.out, NAME, "needs root to run PostgreSQL as its own user")
if not find_bin("initdb") and shutil.which("apt-get"):
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
try:
    pwd.getpwnam("postgres")
except KeyError:
    common.skip(a.out, NAME, "PostgreSQL is not installed (no postgres user)")

cluster = None
conn = []
if shutil.which("psql") and as_postgres(["psql", "-X", "-q", "-c", "select 1"], capture_output=True).returncode == 0:
    conn = []
elif find_bin("initdb"):
    cluster = tempfile.mkdtemp(prefix="tiemap-bench-pg-")
    os.chown(cluster, pwd.getpwnam("postgres").pw_uid, -1)
    data = os.path.join(cluster, "data")
    r = as_postgres([find_bin("initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"],
                    capture_output=True, text=True)
    if r.returncode:
        shutil.rmtree(cluster, ignore_errors=True)
        common.skip(a.out, NAME, f"initdb failed: {r.stderr.strip()[:200]}")
    opts = f"-k {cluster} -c listen_addresses='' -p 54329 -c fsync=off -c shared_buffers=1GB -c work_mem=256MB"
    r = as_postgres([find_bin("pg_ctl"), "-D", data, "-o", opts, "-l", os.path.join(cluster, "log"), "-w", "start"],
                    capture_output=True, text=True)
    if r.returncode:
        shutil.rmtree(cluster, ignore_errors=True)
        common.skip(a.out, NAME, f"could not start a private cluster: {r.stderr.strip()[:200]}")
    conn = ["-h", cluster, "-p", "54329"]
else:
    common.skip(a.out, NAME, "no PostgreSQL server reachable and none installed")


def psql(sql, stdin=None):
    r = as_postgres(["psql", "-X", "-q", "-At", "-F", " ", "-v", "ON_ERROR_STOP=1", "-U", "postgres"] + conn +
                    ["-d", "postgres", "-c", sql], stdin=stdin, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr.strip())
    return r.stdout


def stop():
    if cluster:
        as_postgres([find_bin("pg_ctl"), "-D", os.path.join(cluster, "data"), "-m", "fast", "-w", "stop"],
                    capture_output=True)
        shutil.rmtree(cluster, ignore_errors=True)


try:
    import time
    t0 = time.perf_counter()
    psql("DROP TABLE IF EXISTS tm_e, tm_pairs; DROP FUNCTION IF EXISTS tm_bench(int, float8)")
    psql("CREATE UNLOGGED TABLE tm_e(src int, dst int)")
    with open(a.edges) as f:
        psql("COPY tm_e FROM STDIN (DELIMITER ' ')", stdin=f)
    psql("INSERT INTO tm_e SELECT dst, src FROM tm_e")
    psql("CREATE INDEX tm_e_src ON tm_e(src, dst)")
    psql("VACUUM ANALYZE tm_e")
    pairs = common.read_pairs(a.pairs)
    psql("CREATE UNLOGGED TABLE tm_pairs(i int, a int, b int)")
    rows = "".join(f"{i} {s} {t}\n" for i, (s, t, _) in enumerate(pairs))
    r = as_postgres(["psql", "-X", "-q", "-U", "postgres"] + conn + ["-d", "postgres", "-c",
                    "COPY tm_pairs FROM STDIN (DELIMITER ' ')"], input=rows, capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr.strip())
    psql("""
CREATE FUNCTION tm_bench(maxh int, budget float8) RETURNS TABLE(idx int, hops int, secs float8)
LANGUAGE plpgsql AS $$
DECLARE p record; t0 timestamptz; d int; spent float8 := 0;
BEGIN
  FOR p IN SELECT * FROM tm_pairs ORDER BY i LOOP
    EXIT WHEN spent > budget;
    t0 := clock_timestamp();
    d := NULL;
    WITH RECURSIVE bfs(node, depth) AS (
      SELECT p.a, 0
      UNION
      SELECT tm_e.dst, bfs.depth + 1 FROM bfs JOIN tm_e ON tm_e.src = bfs.node WHERE bfs.depth < maxh)
    SELECT bfs.depth INTO d FROM bfs WHERE bfs.node = p.b LIMIT 1;
    idx := p.i; hops := coalesce(d, -1); secs := extract(epoch FROM clock_timestamp() - t0);
    spent := spent + secs;
    RETURN NEXT;
  END LOOP;
END $$""")
    load = time.perf_counter() - t0
    out = psql(f"SELECT idx, hops, secs FROM tm_bench({a.max_hops}, {a.budget}) ORDER BY idx")
    lengths, seconds = [], []
    for line in out.split("\n"):
        if line.strip():
            _, h, s = line.split()
            lengths.append(int(h))
            seconds.append(float(s))
    version = psql("SHOW server_version").strip()
    psql("DROP TABLE tm_e, tm_pairs; DROP FUNCTION tm_bench(int, float8)")
    common.write(a.out, {"peer": NAME, "load_s": load, "done": len(lengths), "lengths": lengths,
                         "seconds": seconds, "version": version})
except (RuntimeError, OSError) as e:
    stop()
    common.skip(a.out, NAME, f"failed: {str(e)[:300]}")
stop()
