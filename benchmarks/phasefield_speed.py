"""Benchmark: a 256×256 × 10,000-step lisse phase-field run (target < 1 min on the 2-core dev machine).

The full model is stepped: a porous particle layer (B coupling and cross-gradient term), the
Butler–Volmer driving force, SBDF2/DCT time stepping, float64 and float32. The potential coupling is
timed separately (every 10 steps, AMG-preconditioned CG) on a shorter run, since its cost per solve
is what matters.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/phasefield_speed.py [n_steps]
"""

from __future__ import annotations

import sys
import time

import numpy as np


def make(dtype: str, solve_potential: bool = False, n: int = 256):
    from lisse.sim.phasefield.presets import PRESETS, setup_run

    s = dict(PRESETS["lithiophilic"])
    s.pop("model", None)  # the Allen–Cahn solver on the same layer (the preset itself runs the electrodeposition model)
    s["shape"] = (n, n)
    s["dx"] = s["dx"] * 128 / n
    s["interface_width"] = s["interface_width"] * 128 / n
    s["potential_every"] = 10
    run = setup_run(s, solve_potential=solve_potential, dtype=dtype)
    return run


def main() -> None:
    n_steps = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for dtype in ("float64", "float32"):
        run = make(dtype)
        run.solver.step(5)  # warm-up (FFT plans)
        t0 = time.perf_counter()
        run.solver.step(n_steps)
        wall = time.perf_counter() - t0
        ok = bool(np.all(np.isfinite(run.solver.zeta)))
        print(f"256x256 x {n_steps} steps ({dtype}, no potential): {wall:.1f} s ({wall / n_steps * 1e3:.2f} ms/step), finite={ok}, "
              f"penetration {run.metrics()['penetration_m'] * 1e9:.0f} nm")
    run = make("float64", solve_potential=True)
    m = 500
    t0 = time.perf_counter()
    run.solver.step(m)
    wall = time.perf_counter() - t0
    info = run.solver._pot.info
    print(f"256x256 x {m} steps with the potential every 10 steps ({info.get('method')}, last solve {info.get('iterations')} CG iterations): "
          f"{wall:.1f} s ({wall / m * 1e3:.2f} ms/step)")


if __name__ == "__main__":
    main()
