"""Speed of a 25-step CCD staircase prediction (lisse.sim.interface), and how the cost grows with mesh and steps.

Run: ``PYTHONPATH=src python benchmarks/interface_ccd_speed.py [--repeats 5]``. Prints the distribution (median,
min, max over repeats) of the wall time of ``predict_ccd`` for a bare interface and for a 90 um LNI-5CNT interlayer,
an anchor (a fixed numpy workload timed in the same run, so machines can be compared by the ratio), and the
scaling with the interlayer mesh (``n_cells``) and with the number of staircase steps. Target (issue 11): < 2 s
for 25 steps on one core.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def _time(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _anchor() -> None:
    a = np.random.default_rng(0).random((300, 300))
    for _ in range(20):
        np.linalg.solve(a + 300 * np.eye(300), a[:, 0])


def main() -> None:
    from lisse.sim.interface import build_model, predict_ccd, simulate, staircase

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    anchor = statistics.median(_time(_anchor, args.repeats))
    proto = staircase("fixed-time", start="0.2 mA/cm2", increment="0.2 mA/cm2", step_time="1 h", max_current="5 mA/cm2")
    assert proto.n_half_cycles == 50
    print(f"anchor (20 dense 300x300 solves): {anchor * 1e3:.1f} ms")
    for label, model in (("bare LPSC", build_model(None, electrolyte="LPSC", flaw_size="100 um")),
                         ("LNI-5CNT 90 um", build_model("LNI-5CNT"))):
        ts = _time(lambda m=model: predict_ccd(m, proto), args.repeats)
        print(f"25-step staircase, {label}: median {statistics.median(ts):.3f} s (min {min(ts):.3f}, max {max(ts):.3f}); "
              f"ratio to anchor {statistics.median(ts) / anchor:.1f}")
    model = build_model("LNI-5CNT")
    base = None
    for n in (15, 30, 60, 120):
        t = statistics.median(_time(lambda n=n: simulate(model, proto, n_cells=n), max(1, args.repeats // 2)))
        base = base or t
        print(f"  mesh n_cells={n:4d}: {t:.3f} s (x{t / base:.2f})")
    base = None
    for steps in (5, 10, 25, 50):
        p = staircase("fixed-time", start="0.2 mA/cm2", increment="0.2 mA/cm2", step_time="1 h", max_current=f"{0.2 * steps} mA/cm2")
        t = statistics.median(_time(lambda p=p: simulate(model, p), max(1, args.repeats // 2)))
        base = base or t
        print(f"  steps={steps:3d}: {t:.3f} s (x{t / base:.2f})")


if __name__ == "__main__":
    main()
