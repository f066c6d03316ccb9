"""Benchmark: ``lisse batch`` throughput (files/s) serial vs 2 local processes vs a 2-worker Dask LocalCluster,
database insert overhead, and a query over 10^6 cycle rows.

Issue 15 targets (2-core machine): >= 1.7x the serial rate with 2 workers; database insert overhead
< 10 % of analysis time; a query over 10^6 cycle rows < 1 s.

The file set is the shared cycler files (``../shared/data/cyclers``, every file but PROVENANCE.md,
so a few error rows are included as in a real lab folder) symlinked repeatedly into a temporary
folder until it holds ``--files`` files; without the shared folder, synthetic generic-CSV cycler files.
Each configuration runs on a fresh database (nothing skipped) ``--repeats`` times; the serial run of
the same repeat is the anchor of the ratio.

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/batch_throughput.py [--files 500] [--repeats 2] [--no-dask]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "cyclers"


def make_files(folder: Path, n: int) -> str:
    """``n`` files in ``folder``: symlinks to the shared cycler files, repeated, or synthetic CSVs."""
    sources = sorted(p for p in SHARED.iterdir() if p.is_file() and p.suffix != ".md") if SHARED.is_dir() else []
    if sources:
        for k in range(n):
            src = sources[k % len(sources)]
            (folder / f"{k:05d}_{src.name}").symlink_to(src)
        return f"{len(sources)} shared cycler files repeated"
    import numpy as np

    t = np.arange(0, 4 * 7200, 10.0)
    i = np.where((t // 3600) % 2 == 0, 1.0, -1.0)
    v = 3.6 + 0.3 * i * ((t % 3600) / 3600)
    body = "time/s,Ewe/V,I/mA\n" + "\n".join(f"{a:.1f},{b:.5f},{c:.3f}" for a, b, c in zip(t, v, i))
    for k in range(n):
        (folder / f"{k:05d}.csv").write_text(body)
    return "synthetic generic-CSV full cells (shared folder absent)"


def timed_batch(folder: Path, db: Path, **kw) -> tuple[float, object]:
    from lisse.batch import run_batch

    t0 = time.perf_counter()
    res = run_batch([folder], db=db, **kw)
    return time.perf_counter() - t0, res


def insert_overhead(folder: Path, db: Path) -> tuple[float, float]:
    """(seconds in ResultsDB.write_file, seconds of analysis summed over files) for a serial batch."""
    import sqlite3

    from lisse.io import resultsdb

    spent = [0.0]
    real = resultsdb.ResultsDB.write_file

    def timed(self, *a, **k):
        t0 = time.perf_counter()
        try:
            return real(self, *a, **k)
        finally:
            spent[0] += time.perf_counter() - t0

    resultsdb.ResultsDB.write_file = timed
    try:
        timed_batch(folder, db)
    finally:
        resultsdb.ResultsDB.write_file = real
    with sqlite3.connect(db) as con:
        analysis = con.execute("SELECT SUM(analysis_s) FROM files").fetchone()[0] or 0.0
    return spent[0], analysis


def query_benchmark(folder: Path, n_files: int = 1000, n_cycles: int = 1000, repeats: int = 5) -> dict:
    """Insert n_files x n_cycles synthetic cycle rows (one transaction per file) and time three queries."""
    import numpy as np

    from lisse.io.resultsdb import ResultsDB

    db = ResultsDB(folder / "million.sqlite")
    rng = np.random.default_rng(0)
    cyc = np.arange(1, n_cycles + 1)
    t0 = time.perf_counter()
    for f in range(n_files):
        q = 1.0 - 2e-4 * cyc * rng.uniform(0.5, 1.5)
        rows = [{"cycle": int(c), "charge_capacity_mAh": float(x) * 1.002, "discharge_capacity_mAh": float(x),
                 "coulombic_efficiency_pct": 99.8, "retention_pct": 100.0 * float(x) / float(q[0]), "complete": 1}
                for c, x in zip(cyc, q)]
        db.write_file({"path": f"/lab/cell{f:04d}.mpr", "settings_hash": "bench", "status": "ok", "analysis": "cycling",
                       "cell_kind": "fullcell", "n_cycles": n_cycles}, {"cycles": rows})
    t_insert = time.perf_counter() - t0
    n = db.query("SELECT COUNT(*) AS n FROM cycles")[0]["n"]
    queries = {
        "cycles to 80 % retention per file (GROUP BY over all rows)":
            "SELECT f.path, MIN(c.cycle) AS eol FROM cycles c JOIN files f USING (file_id) WHERE c.retention_pct < 80 GROUP BY f.path",
        "mean CE and last capacity per file":
            "SELECT file_id, AVG(coulombic_efficiency_pct), MAX(cycle), MIN(discharge_capacity_mAh) FROM cycles GROUP BY file_id",
        "one file's cycles (indexed)": "SELECT * FROM cycles WHERE file_id = 500",
    }
    out = {"rows": n, "insert_s": t_insert}
    for name, sql in queries.items():
        ts = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            db.query(sql)
            ts.append(time.perf_counter() - t0)
        out[name] = ts
    db.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--no-query", action="store_true")
    args = ap.parse_args()
    print(f"machine: {os.cpu_count()} CPUs (os.cpu_count); shared with other work: read ratios, not absolute rates")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "files"
        folder.mkdir()
        what = make_files(folder, args.files)
        print(f"file set: {args.files} files ({what})")
        configs = {"serial": {}, "--jobs 2": {"jobs": 2}}
        cluster = client = None
        if not args.no_dask:
            try:
                from distributed import Client, LocalCluster

                cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0")
                client = Client(cluster)
                configs["Dask LocalCluster 2 workers"] = {"client": client}
            except ImportError:
                print("dask.distributed not installed: Dask run skipped")
        rates: dict[str, list[float]] = {k: [] for k in configs}
        ratios: dict[str, list[float]] = {k: [] for k in configs if k != "serial"}
        try:
            for rep in range(args.repeats):
                serial_rate = None
                for name, kw in configs.items():
                    wall, res = timed_batch(folder, tmp / f"{rep}_{name.replace(' ', '_')}.sqlite", **kw)
                    rate = res.files_total / wall
                    rates[name].append(rate)
                    if name == "serial":
                        serial_rate = rate
                    else:
                        ratios[name].append(rate / serial_rate)
                    print(f"  repeat {rep + 1} {name:28s}: {wall:7.1f} s wall, {rate:6.2f} files/s "
                          f"({res.files_ok} ok, {res.files_failed} error rows, {res.files_skipped} skipped)")
        finally:
            if client is not None:
                client.close()
                cluster.close()
        for name, r in rates.items():
            line = f"{name:28s}: median {statistics.median(r):.2f} files/s over {len(r)} repeats"
            if name in ratios:
                line += f"; ratio to serial {', '.join(f'{x:.2f}' for x in ratios[name])} (target >= 1.7)"
            print(line)
        spent, analysis = insert_overhead(folder, tmp / "overhead.sqlite")
        print(f"database insert overhead (serial): {spent:.2f} s writing vs {analysis:.1f} s analysing = "
              f"{100 * spent / analysis:.2f} % (target < 10 %)")
        if not args.no_query:
            q = query_benchmark(tmp)
            print(f"query benchmark: {q.pop('rows'):,} cycle rows inserted in {q.pop('insert_s'):.1f} s (1000 transactions)")
            for name, ts in q.items():
                print(f"  {name}: median {statistics.median(ts):.3f} s, max {max(ts):.3f} s over {len(ts)} (target < 1 s)")


if __name__ == "__main__":
    main()
