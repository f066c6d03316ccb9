"""Benchmark: lisse DRT / circuit fit / Lin-KK against pyDRTtools and impedance.py on synthetic truth.

Run:  PYTHONPATH=src OMP_NUM_THREADS=1 python benchmarks/eis_drt.py

Cases (10 points/decade, 1 MHz -> 0.1 Hz): R0 = 10 ohm + (R || CPE) arcs 100/200/500 ohm, n = 0.9,
tau = 1e-7/1e-5/1e-2 s (the bulk arc's characteristic frequency, 1.6 MHz, lies above f_max), noise-free
and with 0.5 % Gaussian noise (std 0.005 |Z| on each part); an inductive case (+ 10 uH); a case with
all arcs inside the range (tau = 1e-6/1e-4/1e-2 s).

pyDRTtools (installed in the benchmark environment only) is imported headless by stubbing its Qt GUI
modules; it is run with the DRTtools setting of the brief (Gaussian RBF, FWHM coefficient 0.5,
combined Re+Im, 1st-derivative penalty, lambda = 1e-3 'custom', inductance only in the inductive
case). Its peaks are taken as the local maxima of its gamma (prominence >= 1 % of the maximum), each
peak's resistance as the integral of gamma between the neighbouring minima (in ln tau). impedance.py
fits the matching CustomCircuit from the same starting point lisse derives automatically, x1.3.
"""

from __future__ import annotations

import math
import os
import sys
import time
import types
import warnings

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")

from lisse.analysis.eis.circuits import Circuit  # noqa: E402
from lisse.analysis.eis.drt import DRT  # noqa: E402
from lisse.analysis.eis.kk import lin_kk  # noqa: E402
from lisse.analysis.eis.synthetic import zarc_series  # noqa: E402
from lisse.records.spectrum import EISSpectrum  # noqa: E402

F = np.logspace(6, -1, 71)
CASES = {
    "3 arcs, noise-free": dict(taus=(1e-7, 1e-5, 1e-2), noise=0.0, L=0.0),
    "3 arcs, 0.5 % noise": dict(taus=(1e-7, 1e-5, 1e-2), noise=0.005, L=0.0),
    "inside range, 0.5 %": dict(taus=(1e-6, 1e-4, 1e-2), noise=0.005, L=0.0),
    "inductive (10 uH)": dict(taus=(1e-7, 1e-5, 1e-2), noise=0.0, L=1e-5),
}
RS = (100.0, 200.0, 500.0)


def spectrum(c, seed=1):
    z = zarc_series(F, 10.0, RS, c["taus"], 0.9, inductance=c["L"])
    if c["noise"]:
        rng = np.random.default_rng(seed)
        z = z + c["noise"] * np.abs(z) * (rng.standard_normal(F.size) + 1j * rng.standard_normal(F.size))
    return z


def score(peaks, taus):
    """(number of true peaks found within 0.05 decade, max tau error [dec], max R error [%])."""
    found, dtau, dr = 0, 0.0, 0.0
    for t, r in zip(taus, RS):
        if not peaks:
            return 0, math.inf, math.inf
        best = min(peaks, key=lambda p: abs(math.log10(p[0] / t)))
        e = abs(math.log10(best[0] / t))
        if e < 0.05:
            found += 1
        dtau = max(dtau, e)
        dr = max(dr, abs(best[1] / r - 1) * 100)
    return found, dtau, dr


def timeit(fn, reps=5):
    """Best of ``reps`` runs [s] (the machine this was written on is shared: best-of is the least
    load-dependent figure; medians are printed alongside for lisse's DRT)."""
    fn()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    timeit.median = float(np.median(ts))
    return float(np.min(ts))


def load_pydrttools():
    for name in ("PyQt5", "PyQt5.QtGui", "PyQt5.QtWidgets", "PyQt5.QtCore"):
        sys.modules.setdefault(name, types.ModuleType(name))
    for name in ("pyDRTtools.GUI", "pyDRTtools.layout", "pyDRTtools.cli"):
        sys.modules.setdefault(name, types.ModuleType(name))
    import contextlib
    import io

    with contextlib.redirect_stdout(io.StringIO()):
        import pyDRTtools.runs as runs
    from cvxopt import solvers

    solvers.options["show_progress"] = False
    return runs


def pydrt_peaks(runs, z, inductive):
    import contextlib
    import io

    from scipy.signal import find_peaks

    e = runs.EIS_object(F.copy(), z.real.copy(), z.imag.copy())
    with contextlib.redirect_stdout(io.StringIO()):
        runs.simple_run(e, rbf_type="Gaussian", data_used="Combined Re-Im Data", induct_used=1 if inductive else 0, der_used="1st order", cv_type="custom", reg_param=1e-3, shape_control="FWHM Coefficient", coeff=0.5)
    tau = np.asarray(e.out_tau_vec).ravel()
    g = np.asarray(e.gamma).ravel()
    o = np.argsort(tau)
    tau, g = tau[o], g[o]
    idx, _ = find_peaks(g, prominence=0.01 * g.max())
    lt = np.log(tau)
    peaks = []
    for i in idx:
        lft = i
        while lft > 0 and g[lft - 1] <= g[lft]:
            lft -= 1
        rgt = i
        while rgt < g.size - 1 and g[rgt + 1] <= g[rgt]:
            rgt += 1
        peaks.append((float(tau[i]), float(np.trapezoid(g[lft : rgt + 1], lt[lft : rgt + 1]))))
    return peaks


def main() -> None:
    warnings.simplefilter("ignore")
    try:
        runs = load_pydrttools()
    except Exception as exc:  # noqa: BLE001
        print(f"pyDRTtools not available ({exc}); lisse-only figures")
        runs = None
    print("DRT: peaks found within 0.05 dec / max |dlog tau| [dec] / max |dR| [%] / median misfit / time per spectrum, best (median)")
    print(f"{'case':22s} | {'lisse':44s} | {'pyDRTtools':34s} | speed-up")
    for name, c in CASES.items():
        z = spectrum(c)
        sp = EISSpectrum(F, z)
        ind = c["L"] > 0
        d = DRT(inductance=ind)
        t_l = timeit(lambda d=d, sp=sp: d.fit(sp), reps=30)
        med = timeit.median
        fl, tl, rl = score([(p.tau_s, p.resistance_ohm) for p in d.peaks_], c["taus"])
        line = f"{name:22s} | {fl}/3 {tl:6.3f} {rl:6.1f} % {100 * d.median_relative_misfit_:5.2f} % {1e3 * t_l:5.1f} ({1e3 * med:5.1f}) ms | "
        if runs is not None:
            t_p = timeit(lambda z=z, ind=ind: pydrt_peaks(runs, z, ind), reps=3)
            fp, tp, rp = score(pydrt_peaks(runs, z, ind), c["taus"])
            line += f"{fp}/3 {tp:6.3f} {rp:6.1f} % {1e3 * t_p:7.1f} ms | {t_p / t_l:6.1f}x"
        print(line)

    print("\nCircuit fit R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3), noise-free: max |rel. error| over 10 parameters, time")
    z = spectrum(CASES["3 arcs, noise-free"])
    truth = [10.0]
    for r, t in zip(RS, (1e-7, 1e-5, 1e-2)):
        truth += [r, t**0.9 / r, 0.9]
    circ = "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)"
    c = Circuit(circ)
    t_c = timeit(lambda: c.fit(F, z), reps=15)
    err = max(abs(c.parameters_[n] / v - 1) for n, v in zip(c.param_names, truth))
    print(f"lisse (auto start from DRT)      : {100 * err:.2e} %  {1e3 * t_c:7.1f} ms")
    c1 = Circuit(circ, initial_guess=[v * 1.3 if i % 3 != 0 or i == 0 else min(v, 0.95) for i, v in enumerate(truth)])
    t_c1 = timeit(lambda: c1.fit(F, z), reps=15)
    err1 = max(abs(c1.parameters_[n] / v - 1) for n, v in zip(c1.param_names, truth))
    print(f"lisse (given start, truth x1.3)  : {100 * err1:.2e} %  {1e3 * t_c1:7.1f} ms")
    try:
        from impedance.models.circuits import CustomCircuit
        from impedance.validation import linKK

        g0 = [v * 1.3 if i % 3 != 0 or i == 0 else min(v, 0.95) for i, v in enumerate(truth)]
        ic = CustomCircuit(circ, initial_guess=g0)
        t_i = timeit(lambda: ic.fit(F, z), reps=2)
        erri = max(abs(p / v - 1) for p, v in zip(ic.parameters_, truth))
        print(f"impedance.py (same start)        : {100 * erri:.2e} %  {1e3 * t_i:7.1f} ms   -> lisse {t_i / t_c1:.0f}x faster (given start), {t_i / t_c:.0f}x (auto start)")
    except Exception as exc:  # noqa: BLE001
        print(f"impedance.py not available ({exc})")
        linKK = None

    print("\nLin-KK (automatic M, c = 0.85), all-arcs-inside case with 0.5 % noise")
    sp = EISSpectrum(F, spectrum(CASES["inside range, 0.5 %"]))
    t_k = timeit(lambda: lin_kk(sp), reps=15)
    r = lin_kk(sp)
    print(f"lisse        : M = {r.M:3d}  mu = {r.mu:.3f}  max residual {100 * r.max_residual:.2f} %  {1e3 * t_k:6.1f} ms")
    if linKK is not None:
        import impedance.validation as V

        # impedance.py 1.7.1's linKK evaluates its circuit string with eval() in a namespace that lacks
        # numpy (fails under numpy 2); give it numpy so that it can run at all
        V.circuit_elements.setdefault("np", np)
        zz = sp.impedance
        import contextlib
        import io

        quiet = contextlib.redirect_stdout(io.StringIO())  # linKK prints progress every 10 elements
        with quiet:
            t_ik = timeit(lambda: linKK(F, zz, c=0.85, max_M=100, fit_type="complex", add_cap=False), reps=3)
        print(f"impedance.py : (same case) {1e3 * t_ik:6.1f} ms   -> lisse {t_ik / t_k:.1f}x faster")
        print("\nLin-KK agreement with impedance.py (both: complex fit, series R and L, c = 0.85, tau range of the data)")
        from pathlib import Path

        from lisse.io.eis import read_spectra

        repo = Path(__file__).resolve().parents[1]
        shared = next((c for c in (repo.parent / "shared", repo.parent.parent / "shared") if c.is_dir()), repo.parent / "shared") / "data" / "eis"
        for rel in ("pyimpspec/data.mpt", "impedance.py/exampleDataGamry.DTA", "impedance.py/exampleDataBioLogic.mpt", "impedance.py/exampleData.csv"):
            if not (shared / rel).is_file():
                continue
            s1 = read_spectra(shared / rel, units="frequency=Hz,impedance=ohm" if rel.endswith(".csv") else None)[0]  # header-less CSV
            with contextlib.redirect_stdout(io.StringIO()):
                M, mu, Zfit, rr, ri = linKK(s1.frequency, s1.impedance, c=0.85, max_M=100, fit_type="complex", add_cap=False)
            r1 = lin_kk(s1, inductance=True)
            print(f"  {rel:40s} impedance.py M = {M:3d}, max residual {100 * max(np.abs(rr).max(), np.abs(ri).max()):6.2f} %   lisse M = {r1.M:3d}, max residual {100 * r1.max_residual:6.2f} %")


if __name__ == "__main__":
    main()
