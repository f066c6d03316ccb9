"""Benchmark: a 50-point current-density sweep of the 1D interlayer model (target < 1 s).

Run: ``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/interlayer_sweep.py``. Prints, per preset,
the best-of-5 wall time of :func:`lisse.sim.interlayer.sweeps.sweep_current` over 0.1-10 mA/cm2 at
1 h half-cycles, the number of Newton iterations, the worst current-balance error, and the
predicted critical current at 1 and 4 mAh/cm2.
"""

from __future__ import annotations

import time

import numpy as np

from lisse.sim.interlayer import sweeps
from lisse.sim.interlayer.model import make_parameters
from lisse.sim.interlayer.solver1d import solve_1d


def main(points: int = 50, repeats: int = 5) -> None:
    currents = np.geomspace(1.0, 100.0, points)  # A/m2 = 0.1-10 mA/cm2
    solve_1d(make_parameters("lni-5cnt"), 10.0)  # import scipy once, outside the timing
    print(f"1D sweep: {points} currents 0.1-10 mA/cm2, 1 h half-cycles (best of {repeats})")
    print(f"{'preset':<12}{'time_s':>10}{'per_point_ms':>14}{'max_balance_err':>17}{'ccd@1mAh':>10}{'ccd@4mAh':>10}")
    for name in ("lni-0.5cnt", "lni-5cnt", "lni-50cnt"):
        p = make_parameters(name)
        best = float("inf")
        for _ in range(repeats):
            t0 = time.perf_counter()
            sweeps.sweep_current(p, currents, time=3600.0)
            best = min(best, time.perf_counter() - t0)
        err = max(solve_1d(p, float(i)).current_balance_error for i in currents[::10])
        cc = [sweeps.critical_current(p, q * 3.6e4) for q in (1.0, 4.0)]
        cc_txt = [("-" if c.critical_current is None else (">" if c.failing_current is None else "") + f"{c.critical_current / 10:.3g}") for c in cc]
        print(f"{name:<12}{best:>10.3f}{best / points * 1e3:>14.2f}{err:>17.1e}{cc_txt[0]:>10}{cc_txt[1]:>10}")
    print("critical currents in mA/cm2 ('>' = stable over the whole 0.1-20 mA/cm2 ramp)")
    print("target: < 1 s per sweep")


if __name__ == "__main__":
    main()
