"""Benchmark: peak memory (and time) of the streamed generic CSV reader on a large file, vs pandas.read_csv.

Run from the repository root:

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/reader_csv_memory.py [--rows 10000000] [--repeats 3] [--no-tracemalloc]

Writes a CSV of ``--rows`` rows (``time/s,Ewe/V,I/mA``, a 1 h square-wave current) to a temporary
folder, then reads it in a fresh process per run (so that one run's memory does not hide the next):

- ``lisse``: :func:`lisse.io.readers.read_cycling` (the record, 7 columns);
- ``pandas`` (the anchor): ``pandas.read_csv`` of the same file (3 columns, nothing derived).

For each run: wall time, peak RSS above the RSS just before the read (``ru_maxrss``), and, in one
extra run each, the tracemalloc peak. Issue 12 target: peak memory <= 2x the decoded arrays (the
arrays of the record returned, ``record.df.memory_usage(deep=True)``). Prints the distribution over
the repeats (min / median / max) and the ratios lisse / pandas in the same run.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time, tracemalloc
from pathlib import Path
which, path, use_tm = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
import numpy as np, pandas as pd
from lisse.io.readers import read_cycling
warm = Path(path).with_name("warm.csv")
read_cycling(warm); pd.read_csv(warm)  # imports and first-call costs outside the measurement

def rss_kb():
    for ln in open("/proc/self/status"):
        if ln.startswith("VmRSS:"):
            return int(ln.split()[1])
    return 0

before = rss_kb()
if use_tm:
    tracemalloc.start()
t0 = time.perf_counter()
if which == "lisse":
    rec = read_cycling(path)
    arrays = int(rec.df.memory_usage(deep=True, index=False).sum())
    rows = len(rec)
else:
    df = pd.read_csv(path)
    arrays = int(df.memory_usage(deep=True, index=False).sum())
    rows = len(df)
wall = time.perf_counter() - t0
tm_peak = tracemalloc.get_traced_memory()[1] if use_tm else None
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"which": which, "rows": rows, "wall_s": wall, "arrays_B": arrays,
                  "rss_peak_above_start_B": (peak_kb - before) * 1024, "tracemalloc_peak_B": tm_peak}))
"""


def write_csv(path: Path, n: int, chunk: int = 1_000_000) -> None:
    import numpy as np

    with open(path, "w") as fh:
        fh.write("time/s,Ewe/V,I/mA\n")
        for a in range(0, n, chunk):
            t = np.arange(a, min(n, a + chunk)) * 0.5
            data = np.column_stack([t, 3 + 0.1 * np.sin(t / 100), np.where((t // 3600) % 2 == 0, 1.0, -1.0)])
            np.savetxt(fh, data, delimiter=",", fmt=["%.1f", "%.6f", "%.3f"])
    path.with_name("warm.csv").write_text("time/s,Ewe/V,I/mA\n0,3,1\n1,3,1\n2,3,-1\n")


def run(which: str, path: Path, tracemalloc: bool) -> dict:
    env = {"PYTHONPATH": str(REPO / "src"), "OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", CHILD, which, str(path), "1" if tracemalloc else "0"],
                         capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def dist(xs: list[float]) -> str:
    import numpy as np

    a = np.array(xs, float)
    return f"min {a.min():.3g} / median {np.median(a):.3g} / max {a.max():.3g}"


def main(argv: list[str]) -> None:
    rows = int(argv[argv.index("--rows") + 1]) if "--rows" in argv else 10_000_000
    repeats = int(argv[argv.index("--repeats") + 1]) if "--repeats" in argv else 3
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "big.csv"
        write_csv(f, rows)
        print(f"file: {rows:,} rows, {f.stat().st_size / 1e6:.1f} MB; {repeats} runs each, fresh process per run")
        res: dict[str, list[dict]] = {"lisse": [], "pandas": []}
        for _ in range(repeats):
            for which in ("lisse", "pandas"):  # interleaved: the machine is shared
                res[which].append(run(which, f, False))
        tm = {} if "--no-tracemalloc" in argv else {w: run(w, f, True) for w in ("lisse", "pandas")}
    for which, rs in res.items():
        arrays = rs[0]["arrays_B"]
        print(f"{which:7s} arrays {arrays / 1e6:8.1f} MB | wall s: {dist([r['wall_s'] for r in rs])} | "
              f"RSS peak / arrays: {dist([r['rss_peak_above_start_B'] / arrays for r in rs])}"
              + (f" | tracemalloc peak / arrays: {tm[which]['tracemalloc_peak_B'] / arrays:.2f}" if tm else ""))
    lw = sorted(r["wall_s"] for r in res["lisse"])
    pw = sorted(r["wall_s"] for r in res["pandas"])
    lm = sorted(r["rss_peak_above_start_B"] for r in res["lisse"])
    pm = sorted(r["rss_peak_above_start_B"] for r in res["pandas"])
    print(f"ratio lisse / pandas.read_csv (median): wall {lw[len(lw) // 2] / pw[len(pw) // 2]:.2f}x, "
          f"RSS peak {lm[len(lm) // 2] / pm[len(pm) // 2]:.2f}x (lisse also builds charge, step, cycle, half-cycle columns)")
    ok = all(r["rss_peak_above_start_B"] <= 2 * r["arrays_B"] for r in res["lisse"]) and (
        not tm or tm["lisse"]["tracemalloc_peak_B"] <= 2 * tm["lisse"]["arrays_B"])
    print(f"target peak <= 2x decoded arrays: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main(sys.argv[1:])
