"""Benchmark: ``read_biologic`` (the user-facing path: file -> SI CyclingRecord with provenance hash)
against galvani's ``MPRfile`` on the same .mpr, small and large, side by side in one run.

Run from the repository root (galvani is GPL; it is imported here only, never by lisse):

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/reader_biologic.py [--repeats 7] [--rows 4000000]

Files:
* small: ``biologic_gcpl_5cycles_2-3.8V_C24.mpr`` (46,102 rows; shared instrument file);
* large: a synthetic .mpr written to a temporary folder, built from the same file by repeating its
  data-module rows until >= ``--rows`` rows (time and Q-Qo shifted per repeat so they stay monotone /
  cumulative), with the point count and the module length patched.

Prints, for each file, median and min-max wall time over the repeats (runs interleaved, so both see
the same machine load) of read_biologic (which returns with the sha256 of the bytes it read in its
provenance; the hash runs on a helper thread alongside the conversion) and of galvani, and the speed
ratios galvani time / lisse time (> 1: lisse is faster) of the medians and of the minima (the least
noisy estimate on a loaded machine). Issue 12 target: ratio >= 1 on both files.
"""

from __future__ import annotations

import argparse
import os
import statistics
import struct
import sys
import tempfile
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
CYCLERS = next((p / "shared" / "data" / "cyclers" for p in [REPO.parent, *REPO.parents] if (p / "shared" / "data" / "cyclers").is_dir()), None)
SMALL = "biologic_gcpl_5cycles_2-3.8V_C24.mpr"


def synthetic_large(src: Path, rows: int, out: Path) -> int:
    """Write ``out``: ``src`` with its data rows repeated to >= ``rows`` rows; returns the row count."""
    import numpy as np

    from lisse.io.biologic import _data_layout, _modules, _record_dtype, _row_fields

    buf = src.read_bytes()
    mods, _ = _modules(buf, src)
    dm = next(m for m in mods if m["short"].startswith("VMP data"))
    n, ids, offset = _data_layout(dm, src)
    rowsize = (dm["length"] - offset) // n
    fields, *_ = _row_fields(ids, rowsize, src)
    rec = np.frombuffer(dm["data"], dtype=_record_dtype(tuple(fields)), count=n, offset=offset)
    reps = -(-rows // n)
    big = np.tile(rec, reps)
    t = rec["time/s"]
    period = float(t[-1] - t[0] + (t[1] - t[0]))
    shift = np.repeat(np.arange(reps, dtype=np.float64), n)
    big["time/s"] = big["time/s"] + shift * period
    if "(Q-Qo)/mA.h" in big.dtype.names:
        big["(Q-Qo)/mA.h"] = big["(Q-Qo)/mA.h"] + shift * float(rec["(Q-Qo)/mA.h"][-1])
    payload = bytearray(bytes(dm["data"][:offset]))
    struct.pack_into("<I", payload, 0, n * reps)
    payload += big.tobytes()
    # module header: the length field sits 8 (new header) or 16 bytes before the payload's start
    start = dm["offset"]
    head = bytearray(buf[:start])
    len_at = start - (20 if dm["new_header"] else 16)
    struct.pack_into("<I", head, len_at, len(payload))
    out.write_bytes(bytes(head) + bytes(payload) + buf[start + dm["length"] :])
    return n * reps


def interleaved(funcs, repeats: int) -> list[list[float]]:
    """Wall times of each function, run in turn ``repeats`` times (both see the same machine load)."""
    times: list[list[float]] = [[] for _ in funcs]
    for f in funcs:  # warm the page cache and imports
        f()
    for _ in range(repeats):
        for k, f in enumerate(funcs):
            t0 = time.perf_counter()
            f()
            times[k].append(time.perf_counter() - t0)
    return times


def fmt(ts: list[float]) -> str:
    return f"{statistics.median(ts) * 1e3:8.1f} ({min(ts) * 1e3:.1f}-{max(ts) * 1e3:.1f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--rows", type=int, default=4_000_000)
    args = ap.parse_args()
    if CYCLERS is None or not (CYCLERS / SMALL).is_file():
        print("shared/data/cyclers not found; nothing to benchmark")
        return
    try:
        import galvani.BioLogic as gb
    except ImportError:
        print("galvani is not installed (pip install galvani); nothing to compare with")
        return
    from lisse.io.biologic import read_biologic

    def galvani_read(p: Path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return gb.MPRfile(str(p)).data

    print(f"wall time in ms, median (min-max) of {args.repeats} interleaved repeats; ratio = galvani / lisse (> 1: lisse faster)")
    print(f"{'file':34s} {'rows':>8s} {'lisse read_biologic':>26s} {'galvani MPRfile':>26s}  ratio of medians / of minima")
    med = statistics.median

    def row(label: str, p: Path) -> None:
        rows = len(read_biologic(p))
        assert rows == len(galvani_read(p))
        tl, tg = interleaved([lambda: read_biologic(p), lambda: galvani_read(p)], args.repeats)
        print(f"{label:34s} {rows:8d} {fmt(tl):>26s} {fmt(tg):>26s}  {med(tg) / med(tl):.2f} / {min(tg) / min(tl):.2f}")

    row(SMALL[:34], CYCLERS / SMALL)  # first, before the large file's allocations change the heap's state
    with tempfile.TemporaryDirectory() as tmp:
        large = Path(tmp) / "synthetic_large.mpr"
        n_large = synthetic_large(CYCLERS / SMALL, args.rows, large)
        row(f"synthetic x{n_large // 46102} of the above", large)
    if hasattr(os, "getloadavg"):
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (timings are only comparable on an idle machine)")


if __name__ == "__main__":
    main()
