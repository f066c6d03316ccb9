"""Benchmark: lisse's Neware reader (:func:`lisse.io.neware.read_nda`) against fastnda, which it wraps.

Run from the repository root:

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/reader_neware.py [--repeats 7] [FILE ...]

For each file (default: the shared ``neware_BTS85_700k_rows.ndax`` and ``neware_nda_v26.nda.zip``):

* **time**: lisse and the fastnda anchor run interleaved in this process, ``--repeats`` times each (after
  one warm-up of each); prints median and min-max of each and the ratio of the medians (issue 12: <= 1.2).
* **memory**: each reader runs once in a fresh subprocess (so neither sees the other's caches or freed
  arenas); prints the peak RSS of the whole process (``VmHWM``), the peak RSS *increment* over the
  process after its imports, and the tracemalloc peak (Python and numpy allocations only; polars' Rust
  allocations are invisible to it). Repeated ``--repeats`` times; medians and the ratio of the medians.

The fastnda anchor is what a fastnda user writes: ``fastnda.read(path)`` for an ``.nda``/``.ndax``; for a
zipped ``.nda`` (which ``fastnda.read`` refuses) extract the member with :mod:`zipfile` to a temporary
folder, then ``fastnda.read``. A second anchor line, ``fastnda.read`` on the already extracted ``.nda``,
shows the cost of the extraction itself.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
CYCLERS = next((p / "shared" / "data" / "cyclers" for p in [REPO.parent, *REPO.parents] if (p / "shared" / "data" / "cyclers").is_dir()), None)
DEFAULT = ["neware_BTS85_700k_rows.ndax", "neware_nda_v26.nda.zip"]

_CHILD = r"""
import json, sys, time, tracemalloc, warnings, contextlib, io
which, path, tmp, preimport = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
if preimport:
    import pandas  # noqa: F401  (a session that already holds pandas: both readers then pay only for the data)
warnings.simplefilter("ignore")
import logging
logging.disable(logging.CRITICAL)
def status(key):  # VmRSS / VmHWM of this process (ru_maxrss would carry the parent's peak across exec)
    with open("/proc/self/status") as fh:
        return next(int(ln.split()[1]) * 1024 for ln in fh if ln.startswith(key + ":"))
if which == "lisse":
    from lisse.io.neware import read_nda
    import fastnda, polars  # noqa: F401  (imported by read_nda anyway; here before the baseline)
    fn = lambda: read_nda(path)
else:
    import fastnda, polars, zipfile, tempfile  # noqa: E401
    def fn():
        if path.lower().endswith(".zip"):
            with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory(dir=tmp) as d:
                name = [n for n in zf.namelist() if n.lower().endswith(".nda")][0]
                return fastnda.read(zf.extract(name, d))
        return fastnda.read(path)
base = status("VmRSS")
tracemalloc.start()
with contextlib.redirect_stdout(io.StringIO()):
    out = fn()
peak_py = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
peak = status("VmHWM")
print(json.dumps({"rows": len(out), "peak_rss": peak, "base_rss": base, "tracemalloc_peak": peak_py}))
"""


def _stats(xs: list[float]) -> tuple[float, float, float]:
    return statistics.median(xs), min(xs), max(xs)


def time_both(path: Path, repeats: int) -> dict:
    import contextlib
    import io
    import logging
    import warnings

    import fastnda

    from lisse.io.neware import read_nda

    warnings.simplefilter("ignore")
    logging.disable(logging.CRITICAL)
    tmp = tempfile.mkdtemp(prefix="lisse_bench_")
    extracted = None

    def anchor():
        if path.suffix.lower() == ".zip":
            with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory(dir=tmp) as d:
                name = next(n for n in zf.namelist() if n.lower().endswith(".nda"))
                return fastnda.read(zf.extract(name, d))
        return fastnda.read(path)

    runs: dict[str, list[float]] = {"lisse": [], "fastnda": []}
    fns = {"lisse": lambda: read_nda(path), "fastnda": anchor}
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            extracted = Path(zf.extract(next(n for n in zf.namelist() if n.lower().endswith(".nda")), tmp))
        runs["fastnda (pre-extracted .nda)"] = []
        fns["fastnda (pre-extracted .nda)"] = lambda: fastnda.read(extracted)
    with contextlib.redirect_stdout(io.StringIO()):
        for fn in fns.values():  # warm-up: imports, page cache
            fn()
        for _ in range(repeats):
            for k, fn in fns.items():
                t0 = time.perf_counter()
                fn()
                runs[k].append(time.perf_counter() - t0)
    return runs


def memory(path: Path, which: str, tmp: str, preimport: bool) -> dict:
    env_path = str(REPO / "src")
    import os

    env = dict(os.environ, PYTHONPATH=env_path + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", _CHILD, which, str(path), tmp, "1" if preimport else "0"], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="*", help="Neware files (default: the two shared benchmark files)")
    ap.add_argument("--repeats", type=int, default=7)
    args = ap.parse_args(argv)
    files = [Path(f) for f in args.files] or [CYCLERS / f for f in DEFAULT]
    mib = 2.0**20
    for path in files:
        print(f"== {path.name} ({path.stat().st_size / mib:.1f} MiB)")
        runs = time_both(path, args.repeats)
        for k, xs in runs.items():
            med, lo, hi = _stats(xs)
            print(f"  time {k:30s} median {med * 1e3:8.1f} ms   min-max {lo * 1e3:7.1f}-{hi * 1e3:7.1f} ms   (n={len(xs)})")
        print(f"  time ratio lisse/fastnda (medians): {statistics.median(runs['lisse']) / statistics.median(runs['fastnda']):.3f}")
        if "fastnda (pre-extracted .nda)" in runs:
            r = statistics.median(runs["lisse"]) / statistics.median(runs["fastnda (pre-extracted .nda)"])
            print(f"  time ratio lisse/fastnda-on-extracted (medians): {r:.3f}")
        tmp = tempfile.mkdtemp(prefix="lisse_bench_")
        for preimport in (False, True):
            print("  -- fresh process, " + ("pandas imported first in both (a session that holds pandas)" if preimport
                                            else "each reader's own imports only (lisse's record needs pandas: ~75 MiB RSS)"))
            mem: dict[str, list[dict]] = {"lisse": [], "fastnda": []}
            for _ in range(args.repeats):
                for which in mem:
                    mem[which].append(memory(path, which, tmp, preimport))
            meds = {}
            for which, rs in mem.items():
                peak = [r["peak_rss"] / mib for r in rs]
                inc = [(r["peak_rss"] - r["base_rss"]) / mib for r in rs]
                tm = [r["tracemalloc_peak"] / mib for r in rs]
                meds[which] = (statistics.median(peak), statistics.median(inc), statistics.median(tm))
                print(f"  mem  {which:8s} peak RSS median {meds[which][0]:7.1f} MiB (min-max {min(peak):.1f}-{max(peak):.1f}); "
                      f"increment over imports {meds[which][1]:7.1f} MiB (min-max {min(inc):.1f}-{max(inc):.1f}); "
                      f"tracemalloc peak {meds[which][2]:6.1f} MiB; rows {rs[0]['rows']}")
            a, b = meds["lisse"], meds["fastnda"]
            print(f"  mem ratio lisse/fastnda (medians): peak RSS {a[0] / b[0]:.3f}; increment {a[1] / b[1]:.3f}; "
                  f"tracemalloc {a[2] / b[2] if b[2] else float('nan'):.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
