"""Benchmark: the electrodeposition phase field (ζ + ionic and electronic potentials) on an N×N LNI–5 % CNT layer.

Issue 14's target is a 256² run of 10⁴ steps with both potentials under 60 s on one core. Each repeat
times ``n_steps`` solver steps (potentials re-solved every ``potential_every`` steps, Newton whose linear
steps use a nested-dissection SuperLU factor reused as CG preconditioner until it goes stale, or block-AMG
beyond 150 000 cells) and, as the anchor in the same process and run, the same number of steps of the
legacy Allen–Cahn :class:`PhaseFieldSolver` on the same grid (one DCT pair per step, no potential).
Prints the distribution over repeats (min / median / max) and the ratio to the anchor, and the split of
the electrodeposition cost into potential solves and ζ steps.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/phasefield_electrodeposition.py [N] [n_steps] [repeats] [potential_every]
      (defaults 128 200 3 50; the issue's case is 256 10000 3 50)
"""

from __future__ import annotations

import statistics
import sys
import time


def _edep(n: int, potential_every: int):
    from lisse.sim.phasefield.presets import preset_settings, setup_run

    s = preset_settings("lni-5cnt", grid=n)
    s["shape"] = (n, n)
    s["current_density"] = 0.5  # A/m2 (0.05 mA/cm2): a few cells of plating in 1e4 steps
    s["potential_every"] = potential_every
    return setup_run(s).solver


def _anchor(n: int):
    from lisse.sim.phasefield.presets import preset_settings, setup_run

    s = preset_settings("lithiophilic", grid=n)
    s["shape"] = (n, n)
    return setup_run(s, solve_potential=False).solver


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 128
    n_steps = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    every = int(sys.argv[4]) if len(sys.argv) > 4 else 50
    walls, anchors, solves, facts, pcg = [], [], [], [], []
    for _ in range(repeats):
        a = _anchor(n)
        a.step(2)
        t0 = time.perf_counter()
        a.step(n_steps)
        anchors.append(time.perf_counter() - t0)
        s = _edep(n, every)
        s.step(1)
        spent = [0.0]
        orig = s.update_potential

        def timed(orig=orig, spent=spent):
            t = time.perf_counter()
            orig()
            spent[0] += time.perf_counter() - t

        s.update_potential = timed  # type: ignore[method-assign]
        t0 = time.perf_counter()
        s.step(n_steps)
        walls.append(time.perf_counter() - t0)
        solves.append(spent[0])
        facts.append(s.potential_info.get("factorisations", 0))
        pcg.append(s.potential_info.get("pcg_iterations", 0))
    med, med_a = statistics.median(walls), statistics.median(anchors)
    print(f"electrodeposition {n}x{n} x {n_steps} steps, potentials every {every}: min {min(walls):.2f} / median {med:.2f} / "
          f"max {max(walls):.2f} s over {repeats} repeats; potential solves {statistics.median(solves):.2f} s of it")
    print(f"LU factorisations per run (incl. the initial solve) {facts}, reused-factor CG iterations {pcg}")
    print(f"anchor (Allen-Cahn PhaseFieldSolver, same grid and steps): median {med_a:.2f} s; ratio {med / med_a:.1f}x")
    print(f"extrapolated to 1e4 steps: {med / n_steps * 1e4:.0f} s (target < 60 s at 256x256)")


if __name__ == "__main__":
    main()
