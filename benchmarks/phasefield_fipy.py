"""Benchmark: lisse vs FiPy on the Allen–Cahn shrinking circle (200×200 grid, equal accuracy).

Problem (nondimensional): ∂ζ/∂t = −L [2Aζ(1−ζ)(1−2ζ) − k∇²ζ], A = 1, k = 4 (δ = 2 cells), L = 1,
dx = 1, zero-flux boundaries, a circle of radius R0 = 70 centred in the 200×200 box, run until the
analytic radius R² = R0² − 2Lkt has halved the area (t_end = R0²/(4Lk)). Error measure: relative
error of the final radius (from the Li area) against the analytic R(t_end). Both codes use the same
5-point finite-volume Laplacian, so they share the spatial error; FiPy's time step is halved until its
error is no larger than lisse's, and the wall times at equal accuracy are compared.

Run:  OMP_NUM_THREADS=1 FIPY_SOLVERS=scipy PYTHONPATH=src python benchmarks/phasefield_fipy.py
(needs ``pip install fipy``; FiPy is used by this benchmark only).
"""

from __future__ import annotations

import math
import os
import time

import numpy as np

os.environ.setdefault("FIPY_SOLVERS", "scipy")

N, R0, A, K, L = 200, 70.0, 1.0, 4.0, 1.0
T_END = R0**2 / (4 * L * K)
R_EXACT = math.sqrt(R0**2 - 2 * L * K * T_END)


def initial():
    from lisse.sim.phasefield.model import planar_profile

    yy = np.arange(N) + 0.5
    Y, X = np.meshgrid(yy, yy, indexing="ij")
    return planar_profile(np.hypot(X - N / 2, Y - N / 2) - R0, math.sqrt(K / A))


def run_lisse(dt=None, dtype="float64"):
    from lisse.sim.phasefield.model import PhaseFieldCoefficients
    from lisse.sim.phasefield.solver import PhaseFieldSolver

    c = PhaseFieldCoefficients(A=A, B=0.0, k_zeta=K, k_li=0.0, L_sigma=L, L_eta=1.0, eta=0.0)
    z0 = initial()
    t0 = time.perf_counter()
    s = PhaseFieldSolver(c, z0, np.zeros_like(z0), 1.0, dt=dt, dtype=dtype)
    s.run_until(T_END)
    wall = time.perf_counter() - t0
    r = math.sqrt(float(s.zeta.sum()) / math.pi)
    return wall, abs(r - R_EXACT) / R_EXACT, s.step_count, s.dt


def run_fipy(dt):
    import fipy as fp

    mesh = fp.Grid2D(nx=N, ny=N, dx=1.0, dy=1.0)
    phi = fp.CellVariable(mesh=mesh, value=initial().ravel())  # FiPy orders x fastest, as numpy's ravel of [y, x]
    # −L f'(ζ) with f' = 2Aζ(1−ζ)(1−2ζ) written as an implicit source with the lagged coefficient
    coeff = L * 2 * A * (1 - phi) * (1 - 2 * phi)
    eq = fp.TransientTerm() == fp.DiffusionTerm(coeff=L * K) - fp.ImplicitSourceTerm(coeff=coeff)
    t0 = time.perf_counter()
    t, steps = 0.0, 0
    while t < T_END - 1e-9:
        h = min(dt, T_END - t)
        eq.solve(var=phi, dt=h)
        t += h
        steps += 1
    wall = time.perf_counter() - t0
    r = math.sqrt(float(np.asarray(phi.value).sum()) / math.pi)
    return wall, abs(r - R_EXACT) / R_EXACT, steps


def main() -> None:
    print(f"shrinking circle {N}x{N}, R0 = {R0}, t_end = {T_END:.1f}, analytic R(t_end) = {R_EXACT:.3f}")
    wl, el, nl, dtl = run_lisse()
    print(f"lisse (SBDF2/DCT, dt = {dtl:.3g}): {nl} steps, {wl:.2f} s, radius error {el:.2e}")
    try:
        import fipy  # noqa: F401
    except ImportError:
        print("FiPy is not installed: pip install fipy to compare")
        return
    budget = float(os.environ.get("FIPY_BUDGET_S", "600"))
    runs = []
    dt, spent = 1.0, 0.0
    while True:
        wf, ef, nf = run_fipy(dt)
        spent += wf
        runs.append((dt, wf, ef, nf))
        print(f"FiPy (implicit, lagged source, dt = {dt:.3g}): {nf} steps, {wf:.2f} s ({wf / nf:.3f} s/step), radius error {ef:.2e}")
        if ef <= el:
            print(f"EQUAL ACCURACY (FiPy {ef:.2e} <= lisse {el:.2e}): measured speed ratio FiPy/lisse = {wf / wl:.1f}x")
            return
        if spent + 2.2 * wf > budget:
            break
        dt /= 2
    dt1, w1, e1, n1 = runs[-1]
    print(f"measured lower bound: FiPy at dt = {dt1:g} is {w1 / wl:.1f}x slower than lisse and still {e1 / el:.1f}x less accurate")
    if len(runs) >= 2:
        (dta, _, ea, _), (dtb, _, eb, _) = runs[-2], runs[-1]
        p = math.log(ea / eb) / math.log(dta / dtb)
        how = "measured"
    else:
        p = 1.0
        how = "assumed: backward Euler; raise FIPY_BUDGET_S to measure it"
    dt_need = dt1 * (el / e1) ** (1.0 / p)
    t_need = T_END / dt_need * (w1 / n1)
    print(f"FiPy time-step error order p = {p:.2f} ({how}); dt for lisse's accuracy = {dt_need:.3g}; "
          f"estimated FiPy time {t_need:.0f} s; EXTRAPOLATED speed ratio at equal accuracy = {t_need / wl:.0f}x")


if __name__ == "__main__":
    main()
