"""Benchmark: the electrodeposition phase field (ζ + ionic and electronic potentials) on an N×N LNI–5 % CNT layer.

Issue 14's target is a 256² run of 10⁴ steps with both potentials under 60 s on one core. The case is the
``lni-5cnt`` preset's layer on an N×N grid at the current that makes 10⁴ steps plate ``--plate-um`` (default 4 µm,
~20 % of the 19.2 µm domain) by Faraday's law: i = h F/(V_m · 10⁴ · Δt), with Δt the capillary limit of the step
(independent of the current at these currents; measured on a probe solver). With the presets' kinetics of session 23
(i0 = 0.1 mA/cm²) Δt is ~3000 s at 256², so this is ~0.1 µA/cm²; the earlier fixed 1 µA/cm² plated ~40 µm in 10⁴ steps
and overfilled the domain. ``--current`` (A/m²) overrides the choice. The plated thickness is printed.

Per grid it times, in one process (wall time and CPU time, ``time.process_time``: other processes share the cores):

* the **current path** (``potential_tol``, default 0.01: re-solve when the lagged kinetics would misplace 1 % of the
  current; the metal wired to the collector held as one equipotential; with scikit-sparse CG on the coupled system
  preconditioned by CHOLMOD factors of the electronic and ionic blocks, the ionic one kept across updates, else
  SuperLU): ``repeats`` runs of ``steps`` steps after ``warmup`` untimed steps (the first ~100 steps hold a start-up
  transient with short intervals), min / median / max, its number of potential solves and their share of the time, the
  CPU time per potential update (median over all updates of all repeats), scaled to 10⁴ steps;
* anchor 1, the **previous path** in the same process: the same schedule and equipotential metal with one CHOLMOD
  factorisation of the whole coupled Jacobian per update (``linear_solver="coupled"``, the default before the block
  solve), over the same steps after the same warm-up: CPU per update and per step, and the ratios (with ``--legacy``
  also the path before that: the metal resolved at σ_Li, SuperLU, the drift guard fixed at 1 × tolerance);
* anchor 2, the legacy Allen–Cahn :class:`PhaseFieldSolver` (one DCT pair per step, no potentials), same grid and
  steps, and the ratio;
* with ``--full``, one full 10⁴-step run of the current path (wall and CPU time, solves, Li plated, Faraday error).

Run:  OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/phasefield_electrodeposition.py [--grid 64 128 256] [--steps 500]
      [--repeats 3] [--warmup 100] [--tol 0.01] [--plate-um 4 | --current A_M2] [--full] [--legacy]
      (issue case: --grid 256 --full). State the machine load (uptime) with the numbers: other processes distort them.
      ζ update alone: ``--zeta --grid 64 128 256 --warmup 300 --steps 200 --repeats 5`` times the steps between potential
      solves (potentials held) with the fused NumPy kernel and with the previous, backend-generic path as the anchor.
      3D: ``--cube 64 --cube-steps 25`` runs an lni-5cnt particle layer on a 64³ grid at the preset current (1 mA/cm²,
      AMG-preconditioned CG beyond 40³) and prints wall and CPU time, solves, Li plated and the peak memory
      (or run it under ``/usr/bin/time -v``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def _edep(n: int, current: float, *, every: int = 4, tol: float | None = None, previous: bool = False, linear_solver: str = "auto"):
    from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver
    from lisse.sim.phasefield.presets import preset_settings, setup_run

    s = preset_settings("lni-5cnt", grid=n)
    s["shape"] = (n, n)
    s["current_density"] = current  # A/m2
    s["potential_every"] = every
    solver = setup_run(s, solve_potential=False).solver
    kw = {"linear_solver": "superlu", "metal_equipotential": False} if previous else {"linear_solver": linear_solver}
    out = ElectrodepositionSolver(solver.micro, solver.p, current_density=current, interface_width=solver.c.delta,
                                  potential_every=every, potential_tol=tol, **kw)
    if previous:
        out._lag_guard_bounds = (1.0, 1.0)  # the former fixed drift guard
    return out


def _anchor(n: int):
    from lisse.sim.phasefield.presets import preset_settings, setup_run

    s = preset_settings("lithiophilic", grid=n)
    s.pop("model", None)  # the pair now runs the electrodeposition model; the anchor is the Allen–Cahn solver
    s["shape"] = (n, n)
    return setup_run(s, solve_potential=False).solver


def _timed_run(solver, n_steps: int, per_update: list[float] | None = None) -> tuple[float, float, float]:
    """Wall time, CPU time of ``n_steps`` steps and the wall time spent in potential solves [s] (CPU per solve appended to ``per_update``)."""
    spent = [0.0]
    orig = solver.update_potential

    def timed() -> None:
        t, c = time.perf_counter(), time.process_time()
        orig()
        spent[0] += time.perf_counter() - t
        if per_update is not None:
            per_update.append(time.process_time() - c)

    solver.update_potential = timed
    t0, c0 = time.perf_counter(), time.process_time()
    solver.step(n_steps)
    return time.perf_counter() - t0, time.process_time() - c0, spent[0]


def _case_current(n: int, current: float | None, plate_um: float, tol: float) -> float:
    """The applied current [A/m2]: ``current``, or the one with which 1e4 steps of the capillary-limited Δt plate ``plate_um``."""
    if current is not None:
        return current
    from lisse.constants import FARADAY

    probe = _edep(n, 1e-4, tol=tol)
    cur = plate_um * 1e-6 * FARADAY / (probe.molar_volume * 1e4 * probe.dt)
    print(f"[{n}x{n}] case: i = {cur:.3g} A/m2 ({cur * 100:.3g} uA/cm2) so that 1e4 steps of dt = {probe.dt:.3g} s plate "
          f"{plate_um:g} um ({plate_um * 1e-6 / (n * probe.dx):.0%} of the domain height)")
    return cur


def _zeta_update(grids: list[int], current: float | None, plate_um: float, tol: float, warmup: int, steps: int, repeats: int) -> None:
    """Per-step CPU time of the ζ update alone (the steps between potential solves), fused NumPy kernel vs the previous,
    backend-generic path (``solver._fused = None``: the same code JAX/CuPy run), in the same process.

    Per grid: one run of ``warmup`` steps (adaptive schedule) gives the state; each repeat restores it twice (fused,
    previous; interleaved so that the machine load hits both alike), holds the potentials (no solve) and times ``steps``
    steps with ``time.process_time``. Prints min / median / max ms per step of each and the ratio of the medians, and
    the largest |Δζ| between the two after the timed steps (round-off: the kernel regroups the same expressions) next to
    the model's own round-off floor (the previous path from ζ·(1 + 1e-15) over the same steps: the fronts amplify it).
    """
    import numpy as np

    from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver

    for n in grids:
        base = _edep(n, _case_current(n, current, plate_um, tol), tol=tol)
        base.step(warmup)
        st = base.state()
        times: dict[str, list[float]] = {"fused": [], "previous": []}
        last: dict[str, np.ndarray] = {}
        for _ in range(repeats):
            for mode in ("fused", "previous"):
                s = ElectrodepositionSolver.from_state(base.micro, st)
                if mode == "previous":
                    s._fused = None
                s._potential_due = lambda: False  # potentials held: the ζ update alone
                c0 = time.process_time()
                s.step(steps)
                times[mode].append((time.process_time() - c0) / steps * 1e3)
                last[mode] = s.zeta
        # the model's own round-off floor over the same steps: the previous path from ζ perturbed by 1e-15 relative
        c = ElectrodepositionSolver.from_state(base.micro, st)
        c._fused = None
        c._potential_due = lambda: False
        c.zeta = c.zeta * (1.0 + 1e-15)
        c.step(steps)
        floor = float(np.max(np.abs(c.zeta - last["previous"])))
        f, p = times["fused"], times["previous"]
        dz = float(np.max(np.abs(last["fused"] - last["previous"])))
        print(f"[{n}x{n}] zeta update, {steps} steps after {warmup} (no solve), {repeats} repeats, CPU ms/step: fused min "
              f"{min(f):.2f} / median {statistics.median(f):.2f} / max {max(f):.2f}; previous (generic path) min {min(p):.2f} / "
              f"median {statistics.median(p):.2f} / max {max(p):.2f}; ratio previous/fused {statistics.median(p) / statistics.median(f):.2f}x; "
              f"max|dzeta| fused vs previous {dz:.1e} (previous vs itself from zeta*(1+1e-15): {floor:.1e}); 1e4 steps of zeta update {statistics.median(f) * 10:.0f} s CPU")


def _cube(n: int, steps: int) -> None:
    """One 3D run: the lni-5cnt layer (particles, 1.5 um) on an n³ grid of the 2D presets' 19.5 um height, 1 mA/cm²."""
    import resource

    from lisse.materials import get_material
    from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver
    from lisse.sim.phasefield.microstructure import particle_packing

    dx = 19.5e-6 / n
    mat, el = get_material("LNI-5CNT"), get_material("LNI")
    t0, c0 = time.perf_counter(), time.process_time()
    micro = particle_packing((n, n, n), dx, 0.4, 1.5e-6, layer=(1.5e-6, 16.5e-6), sigma_ion=mat.si("ionic_conductivity"),
                             sigma_e=mat.si("electronic_conductivity"), electrolyte=True, electrolyte_sigma_ion=el.si("ionic_conductivity"), seed=1)
    params = {"exchange_current_density": 10.0, "stack_pressure": 1e6, "nucleation_overpotential": 0.03, "nucleation_width": 0.005}
    s = ElectrodepositionSolver(micro, params, current_density=10.0, potential_tol=0.01)
    s.step(steps)
    inv = s.li_inventory()
    print(f"[{n}^3] {steps} steps to t = {s.t:.4g} s: {time.perf_counter() - t0:.1f} s wall, {time.process_time() - c0:.1f} s CPU "
          f"(setup included), {s.potential_solves} potential solves ({s.potential_info.get('linear_solver')}), Li plated "
          f"{inv['plated_faraday_m'] * 1e6:.2f} um, inventory error {inv['error_rel']:.1e}, peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, nargs="+", default=[128])
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=100, help="untimed steps before each timed adaptive run")
    ap.add_argument("--tol", type=float, default=0.01)
    ap.add_argument("--current", type=float, default=None, help="A/m2 (default: from --plate-um)")
    ap.add_argument("--plate-um", type=float, default=4.0, help="Li thickness 1e4 steps plate (Faraday) when --current is not given")
    ap.add_argument("--full", action="store_true", help="also one full 1e4-step run per grid")
    ap.add_argument("--legacy", action="store_true", help="also time the path before the equipotential metal (SuperLU, resolved metal)")
    ap.add_argument("--cube", type=int, default=0, help="also one 3D run on a CUBE^3 grid (e.g. 64)")
    ap.add_argument("--cube-steps", type=int, default=25)
    ap.add_argument("--zeta", action="store_true", help="only the per-step CPU time of the zeta update (fused vs previous) per grid")
    a = ap.parse_args()
    print(f"load average at start {os.getloadavg()}; OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}")
    if a.zeta:
        _zeta_update(a.grid, a.current, a.plate_um, a.tol, a.warmup, a.steps, a.repeats)
        print(f"load average at end {os.getloadavg()}")
        return
    for n in a.grid:
        cur = _case_current(n, a.current, a.plate_um, a.tol)
        walls, cpus, solves_t, counts, upd = [], [], [], [], []
        for _ in range(a.repeats):
            s = _edep(n, cur, tol=a.tol)
            s.step(a.warmup)
            before = s.potential_solves
            w, c, sp = _timed_run(s, a.steps, upd)
            walls.append(w)
            cpus.append(c)
            solves_t.append(sp)
            counts.append(s.potential_solves - before)
        med, med_c = statistics.median(walls), statistics.median(cpus)
        print(f"[{n}x{n}] i={cur:.3g} A/m2, dt={s.dt:.3g} s, Li plated in {a.warmup + a.steps} steps "
              f"{s.li_inventory()['plated_faraday_m'] * 1e6:.3f} um; factorisation {s.potential_info.get('factorisation')}")
        print(f"  current path (potential_tol={a.tol:g}) {a.steps} steps after {a.warmup}: wall min {min(walls):.2f} / median {med:.2f} / "
              f"max {max(walls):.2f} s, CPU median {med_c:.2f} s over {a.repeats} repeats; potential solves per run {counts}, "
              f"{statistics.median(solves_t):.2f} s wall of it; scaled to 1e4 steps {med / a.steps * 1e4:.0f} s wall, {med_c / a.steps * 1e4:.0f} s CPU")
        u_new = statistics.median(upd)
        print(f"  current path: CPU per potential update median {u_new:.3f} s (min {min(upd):.3f}, max {max(upd):.3f}, {len(upd)} updates); "
              f"factorisation {s.potential_info.get('factorisation')}, Newton iterations of the last {s.potential_info.get('newton_iterations')}")
        prev = _edep(n, cur, tol=a.tol, linear_solver="coupled")
        prev.step(a.warmup)
        before, upd_prev = prev.potential_solves, []
        w_p, c_p, sp_p = _timed_run(prev, a.steps, upd_prev)
        u_prev = statistics.median(upd_prev)
        n_prev = prev.potential_solves - before
        print(f"  anchor: previous path (coupled CHOLMOD factorisation, {prev.potential_info.get('factorisation')}) {a.steps} steps {w_p:.2f} s wall / "
              f"{c_p:.2f} s CPU, {n_prev} solves; CPU per update median {u_prev:.3f} s vs {u_new:.3f} s: ratio {u_prev / u_new:.2f}x; "
              f"solves scaled to 1e4 steps {sum(upd_prev) / a.steps * 1e4:.0f} s vs {sum(upd) / (a.repeats * a.steps) * 1e4:.0f} s CPU; "
              f"per step {c_p / a.steps * 1e3:.1f} ms vs {med_c / a.steps * 1e3:.1f} ms CPU: ratio {c_p / med_c:.2f}x")
        if a.legacy:
            old = _edep(n, cur, tol=a.tol, previous=True)
            old.step(a.warmup)
            before = old.potential_solves
            w_old, c_old, sp_old = _timed_run(old, a.steps)
            print(f"  anchor: legacy path (SuperLU, resolved metal, fixed drift guard) {a.steps} steps {w_old:.2f} s wall / {c_old:.2f} s CPU, "
                  f"{old.potential_solves - before} solves ({sp_old:.2f} s wall); per step {w_old / a.steps * 1e3:.1f} ms vs {med / a.steps * 1e3:.1f} ms: "
                  f"ratio {w_old / med:.1f}x wall, {c_old / med_c:.1f}x CPU")
        ac = _anchor(n)
        ac.step(2)
        t0 = time.perf_counter()
        ac.step(a.steps)
        w_ac = time.perf_counter() - t0
        print(f"  anchor: Allen-Cahn PhaseFieldSolver {a.steps} steps {w_ac:.2f} s; electrodeposition / Allen-Cahn {med / w_ac:.1f}x")
        if a.full:
            s = _edep(n, cur, tol=a.tol)
            upd_full: list[float] = []
            w, c, sp = _timed_run(s, 10_000, upd_full)
            inv = s.li_inventory()
            print(f"  FULL 1e4 steps (current path): {w:.1f} s wall, {c:.1f} s CPU ({sp:.1f} s wall, {sum(upd_full):.1f} s CPU in "
                  f"{s.potential_solves} potential solves, median {statistics.median(upd_full):.3f} s CPU each); "
                  f"Li plated {inv['plated_faraday_m'] * 1e6:.2f} um, inventory error {inv['error_rel']:.1e} (target < 60 s at 256x256)")
    if a.cube:
        _cube(a.cube, a.cube_steps)
    print(f"load average at end {os.getloadavg()}")


if __name__ == "__main__":
    main()
