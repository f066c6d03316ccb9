"""`lisse tafel` and `lisse gitt` (scripted use, --json) and the Tafel summary's units, against known truth.

References are the synthetic truth the data were made from (written-out Butler-Volmer law, an independent
finite-difference diffusion model), never lisse's own output.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lisse.analysis.kinetics import allen_hickling_fit, tafel_fit

from ._shared import run_cli
from .test_fullcell_gitt_kinetics import _fd_gitt

R, F, T = 8.314462618, 96485.33212, 298.15
F_RT = F / (R * T)


def _bv(eta, i0, alpha_a):
    """Anodic-positive Butler-Volmer current density [A/m2]; alpha_a anodic, 1 - alpha_a cathodic."""
    return i0 * (np.exp(alpha_a * F_RT * eta) - np.exp(-(1 - alpha_a) * F_RT * eta))


@pytest.mark.parametrize("alpha_a", [0.3, 0.7])
def test_allen_hickling_exact_for_asymmetric_alpha(alpha_a):
    eta = np.linspace(-0.25, 0.25, 501)
    fit = allen_hickling_fit(eta, _bv(eta, 5.0, alpha_a))
    assert fit.i0_A_m2_ == pytest.approx(5.0, rel=1e-6)
    assert fit.alpha_a_ == pytest.approx(alpha_a, abs=1e-6)
    assert fit.alpha_c_ == pytest.approx(1 - alpha_a, abs=1e-6)


@pytest.mark.parametrize("alpha_a", [0.3, 0.7])
def test_tafel_branches_for_asymmetric_alpha(alpha_a):
    eta = np.linspace(-0.4, 0.4, 801)
    # window far from equilibrium: the back reaction is < 1e-3 of the forward one on both branches
    fit = tafel_fit(eta, _bv(eta, 5.0, alpha_a), window_V=(0.25, 0.4))
    assert fit.alpha_a_ == pytest.approx(alpha_a, abs=2e-3)
    assert fit.alpha_c_ == pytest.approx(1 - alpha_a, abs=2e-3)
    assert fit.i0_A_m2_ == pytest.approx(5.0, rel=0.01)


def test_tafel_summary_reports_display_units():
    eta = np.linspace(-0.25, 0.25, 501)
    s = allen_hickling_fit(eta, _bv(eta, 5.0, 0.5)).summary()
    # i0 = 5 A/m2 = 0.5 mA/cm2; R_ct = RT/(F i0) = 25.693 mV / 0.5 mA/cm2 = 51.39 ohm cm2
    assert s["i0_mA_cm2"] == pytest.approx(0.5, rel=1e-6)
    assert s["rct_ohm_cm2"] == pytest.approx(25.6926 / 0.5, rel=1e-4)
    assert s["fit_windows_mV"]["both"][1] == pytest.approx(250.0, rel=1e-9)


def _write_lsv(path, i0_A_m2, alpha_a, area_cm2, e_eq=0.1, asr_ohm_m2=0.0):
    """An LSV as a potentiostat records it: E swept at 1 mV/s over what takes eta from -0.3 to 0.3 V, eta solving E = e_eq + eta + j(eta) ASR
    (bisection: the right side rises monotonically with eta)."""
    ends = np.array([-0.3, 0.3])
    e = np.linspace(*(e_eq + ends + _bv(ends, i0_A_m2, alpha_a) * asr_ohm_m2), 4001)  # eta from -0.3 to 0.3 V
    lo, hi = np.full(e.size, -0.31), np.full(e.size, 0.31)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        above = e_eq + mid + _bv(mid, i0_A_m2, alpha_a) * asr_ohm_m2 > e
        hi, lo = np.where(above, mid, hi), np.where(above, lo, mid)
    eta = 0.5 * (lo + hi)
    j = _bv(eta, i0_A_m2, alpha_a)
    v = e_eq + eta + j * asr_ohm_m2
    t = (e - e[0]) / 1e-3  # 1 mV/s
    cur_mA = j * area_cm2 * 1e-4 * 1e3
    np.savetxt(path, np.column_stack([t, v, cur_mA]), delimiter=",", header="time/s,Ewe/V,I/mA", comments="", fmt="%.12g")


def test_tafel_cli_json(tmp_path):
    f = tmp_path / "lsv.csv"
    _write_lsv(f, i0_A_m2=5.0, alpha_a=0.3, area_cm2=0.5, asr_ohm_m2=2e-4)  # ASR 2 ohm cm2
    r = run_cli("tafel", str(f), "--area", "0.5 cm2", "--asr", "2 ohm*cm2", "--tafel-window", "200 mV", "300 mV", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["area_cm2"] == pytest.approx(0.5, rel=1e-12)
    assert d["e_eq_V"] == pytest.approx(0.1, abs=1e-6)
    ah, tf = d["allen_hickling"], d["tafel"]
    assert ah["i0_mA_cm2"] == pytest.approx(0.5, rel=1e-4)
    assert ah["alpha_anodic"] == pytest.approx(0.3, abs=1e-4)
    assert ah["rct_ohm_cm2"] == pytest.approx(25.6926 / 0.5, rel=1e-3)
    assert tf["i0_mA_cm2"] == pytest.approx(0.5, rel=0.02)
    assert tf["alpha_anodic"] == pytest.approx(0.3, abs=0.01) and tf["alpha_cathodic"] == pytest.approx(0.7, abs=0.01)
    assert tf["fit_windows_mV"]["anodic"][0] >= 200.0 - 1.0 and tf["fit_windows_mV"]["anodic"][1] <= 300.0 + 1e-6


def test_tafel_cli_errors_exit_2(tmp_path):
    f = tmp_path / "lsv.csv"
    _write_lsv(f, 5.0, 0.5, 1.0)
    r = run_cli("tafel", str(f), "--json")  # --area missing
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = run_cli("tafel", str(tmp_path / "missing.csv"), "--area", "1 cm2")
    assert r.returncode == 2 and "missing.csv" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_gitt_cli_json_recovers_diffusion_coefficient(tmp_path):
    D, L, tau = 1e-14, 5e-6, 60.0  # m2/s, m, s (tau D/L^2 = 0.024 << 1)
    t, e, i = _fd_gitt(D, L, tau, rest=20 * tau, n_pulses=3, j_flux=1.0, k_V=1e-3, r_ohm_V=0.01)
    f = tmp_path / "gitt.csv"
    np.savetxt(f, np.column_stack([t, e, i * 1e3]), delimiter=",", header="time/s,Ewe/V,I/mA", comments="", fmt="%.12g")
    r = run_cli("gitt", str(f), "--length", "5 um", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["n_pulses"] == 3
    assert d["D_median_cm2_s"] == pytest.approx(D * 1e4, rel=0.1)  # 1e-14 m2/s = 1e-10 cm2/s
    for p in d["pulses"]:
        assert p["tau_s"] == pytest.approx(tau, rel=0.02)
        assert p["tau_over_L2_D"] == pytest.approx(tau * p["D_cm2_s"] * 1e-4 / L**2, rel=1e-6)
    # the same length in another unit gives the same D
    r2 = run_cli("gitt", str(f), "--length", "0.0005 cm", "--json")
    assert json.loads(r2.stdout)["D_median_cm2_s"] == pytest.approx(d["D_median_cm2_s"], rel=1e-9)
    r3 = run_cli("gitt", str(f), "--json")
    assert r3.returncode == 2 and "length" in r3.stderr and len(r3.stderr.strip().splitlines()) == 1
    assert not math.isnan(d["D_median_cm2_s"])
