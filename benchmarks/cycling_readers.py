"""Benchmark: lisse's BioLogic readers vs galvani (.mpr) and yadg (.mpt), on the shared instrument files.

Run from the repository root (galvani and yadg are GPL; they are imported here only, never by lisse):

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/cycling_readers.py

Prints rows/s for each reader and file and the ratios lisse/galvani and lisse/yadg (best of N runs).
Issue targets: .mpr >= 1x galvani and >= 1e6 rows/s; .mpt >= 10x yadg.
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
CYCLERS = next((p / "shared" / "data" / "cyclers" for p in [REPO.parent, *REPO.parents] if (p / "shared" / "data" / "cyclers").is_dir()), None)

MPR = ["biologic_gcpl_5cycles_2-3.8V_C24.mpr", "biologic_gcpl_ec1161_aqueous.mpr", "biologic_gitt_bcd_btlab179.mpr", "biologic_peis_ec1133.mpr"]
MPT = ["biologic_gcpl_ec1161_aqueous.mpt", "biologic_gitt_bcd_btlab179.mpt", "biologic_lsv_ec1150.mpt"]


def best(fn, n=15):
    """Best of n runs (the machine is shared; the minimum is the least noisy estimate)."""
    ts = []
    for _ in range(n):
        t0 = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t0)
    return min(ts), out


def compare(fa, fb, n=30):
    """Interleave runs of fa and fb (the shared machine's load drifts); return (min_a, min_b, median ratio b/a)."""
    import numpy as np

    ta, tb = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        fa()
        ta.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        fb()
        tb.append(time.perf_counter() - t0)
    ta, tb = np.array(ta), np.array(tb)
    return ta.min(), tb.min(), float(np.median(tb / ta))


def main() -> None:
    from lisse.io.biologic import read_mpr, read_mpt

    if CYCLERS is None:
        print("shared/data/cyclers not found; nothing to benchmark")
        return
    try:
        import galvani.BioLogic as gb
    except ImportError:
        gb = None
    try:
        from yadg.extractors.eclab import mpt as ympt
    except ImportError:
        ympt = None
    print("rows/s from the best of 30 interleaved runs; ratio = median over runs of (other time / lisse time)")
    print(f"{'file':42s} {'rows':>7s} {'lisse rows/s':>13s} {'other rows/s':>13s} {'ratio':>7s}")
    for name in MPR:
        f = CYCLERS / name
        t, (cols, h) = best(lambda f=f: read_mpr(f), n=3)
        n = h["n_points"]
        other = ratio = float("nan")
        if gb is not None:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    t, tg, ratio = compare(lambda f=f: read_mpr(f), lambda f=f: gb.MPRfile(str(f)).data, n=30)
                other = n / tg
            except Exception as exc:  # noqa: BLE001 - report galvani's failure
                print(f"  galvani fails on {name}: {type(exc).__name__}: {str(exc)[:60]}")
        print(f"{name:42s} {n:7d} {n / t:13.3g} {other:13.3g} {ratio:7.2f}  (mpr vs galvani)")
    for name in MPT:
        f = CYCLERS / name
        t, (df, h) = best(lambda f=f: read_mpt(f), n=3)
        n = len(df)
        other = ratio = float("nan")
        if ympt is not None:
            try:
                t, ty, ratio = compare(lambda f=f: read_mpt(f),
                                       lambda f=f: ympt.extract_from_path(f, encoding="windows-1252", locale="en_US", timezone="UTC"), n=3)
                other = n / ty
            except Exception as exc:  # noqa: BLE001
                print(f"  yadg fails on {name}: {type(exc).__name__}: {str(exc)[:60]}")
        print(f"{name:42s} {n:7d} {n / t:13.3g} {other:13.3g} {ratio:7.2f}  (mpt vs yadg)")


if __name__ == "__main__":
    main()
