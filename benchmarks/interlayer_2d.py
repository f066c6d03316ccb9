"""Benchmark: 2D Li-protrusion interlayer model, grid convergence study and timing (target < 30 s).

Run: ``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/interlayer_2d.py``. For each preset at
1 mA/cm2 the grid is refined (nx = 45, 90, 180 cells across the 90 um layer, square cells; nx = 360
as well for the ionic preset, whose reaction layers are thinnest) and the tip/flat plating ratio, the
share plated on Li surfaces, the depth of the internal deposition centroid, the nucleating area
fraction and the mean overpotential at the electrolyte face are printed with the largest relative
change of the first three against the previous grid, and the wall time of each solve. The converged
resolution is nx = 180 (changes <= ~1%).
"""

from __future__ import annotations

import time

from lisse.sim.interlayer.model import make_parameters
from lisse.sim.interlayer.solver2d import solve_2d

KEYS = ("tip_flux_ratio", "surface_fraction", "deposition_centroid")


def main() -> None:
    solve_2d(make_parameters("lni-5cnt"), 10.0, nx=16)  # imports outside the timing
    for name, levels in (("lni-0.5cnt", (45, 90, 180, 360)), ("lni-5cnt", (45, 90, 180)), ("lni-50cnt", (45, 90, 180))):
        p = make_parameters(name)
        print(f"\n{name} ({p.regime()}), 1 mA/cm2: convergence study")
        print(f"{'nx':>5}{'ny':>5}{'cells':>8}{'newton':>7}{'tip/flat':>10}{'surface':>9}{'internal':>9}{'centroid_um':>12}"
              f"{'nucl_frac':>10}{'eta_L_mV':>10}{'rel_change':>11}{'balance':>9}{'t_s':>7}")
        prev = None
        for nx in levels:
            t0 = time.perf_counter()
            s = solve_2d(p, 10.0, nx=nx)
            dt = time.perf_counter() - t0
            m = s.metrics
            rel = max(abs(m[k] - prev[k]) / abs(prev[k]) for k in KEYS) if prev else float("nan")
            prev = m
            print(f"{nx:>5}{s.y.size:>5}{s.x.size * s.y.size:>8}{s.iterations:>7}{m['tip_flux_ratio']:>10.4f}{m['surface_fraction']:>9.4f}"
                  f"{m['internal_fraction']:>9.4f}{m['deposition_centroid'] * 1e6:>12.2f}{m['nucleating_fraction']:>10.4f}"
                  f"{m['eta_electrolyte'] * 1e3:>10.2f}{rel:>11.2e}{m['current_balance_error']:>9.0e}{dt:>7.2f}")
    print("\ntarget: the converged 2D case (nx = 180) in < 30 s")


if __name__ == "__main__":
    main()
