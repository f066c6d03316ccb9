"""Tafel analysis only on a potential sweep: :func:`lisse.analysis.cell_type.potential_sweep` against the shared files
(independent: the instruments' own technique names), synthetic LSV/CV and galvanostatic records, and the CLI.

Before, ``lisse tafel`` fitted any record: on a galvanostatic file it reported the applied current as "i0" with
negative transfer coefficients (found by an independent audit)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from lisse.analysis.cell_type import potential_sweep, require_sweep
from lisse.errors import CellTypeError, MissingDependencyError, ParameterError, ReaderError
from lisse.records.cycling import CyclingRecord
from lisse.sim.synthetic_cycling import ccd_staircase

from ._shared import CYCLERS, cycler_file, run_cli


def _bv(eta, i0=5.0, alpha=0.5, f=38.92):
    return i0 * (np.exp(alpha * f * eta) - np.exp(-(1 - alpha) * f * eta))


def _lsv(n=601, rate=1e-3, noise=0.0, seed=0):
    eta = np.linspace(-0.3, 0.3, n)
    t = (eta - eta[0]) / rate
    rng = np.random.default_rng(seed)
    return CyclingRecord.from_arrays(t, eta + noise * rng.standard_normal(n), _bv(eta) * 1e-4)


def test_lsv_and_cv_are_sweeps_galvanostatic_records_are_not():
    assert potential_sweep(_lsv())[0]
    assert potential_sweep(_lsv(n=20_001, noise=2e-5))[0]  # dense and noisy: |dE/dt| over windows of n // 500 rows
    up = np.linspace(-0.3, 0.3, 301)
    e = np.concatenate([up, up[::-1][1:], up[1:]])  # a CV: two vertices
    cv = CyclingRecord.from_arrays(np.arange(e.size) * 2.0, e, _bv(e) * 1e-4)
    ok, why = potential_sweep(cv)
    assert ok, why
    for failure in ("hard", None):
        rec, _ = ccd_staircase(failure=failure, j_critical="0.45 mA/cm2" if failure else None, step_capacity="0.2 mAh/cm2",
                               dt="20 s", noise="0.2 mV", area="0.785 cm2", seed=1)
        ok, why = potential_sweep(rec)
        assert not ok and "not" not in why.split("(")[0]
    # a galvanodynamic sweep: the current ramped at a constant rate, the potential following (Butler-Volmer, alpha 0.5:
    # eta = 2 asinh(j / 2 i0) / f)
    j = np.linspace(-50.0, 50.0, 801)
    gd = CyclingRecord.from_arrays(np.arange(j.size) * 1.0, 2 * np.arcsinh(j / 10.0) / 38.92, j * 1e-4)
    ok, why = potential_sweep(gd)
    assert ok and why.startswith("|dI/dt| within a factor 2 of its median"), why
    # the current falling as the potential rises: not a sweep lisse can fit (the opposite sign convention)
    flipped = CyclingRecord.from_arrays(cv.time_s, cv.voltage_V, -cv.current_A)
    ok, why = potential_sweep(flipped)
    assert not ok and "falls as the potential rises" in why
    # constant current, steadily rising voltage (a galvanostatic charge): a ramp, but the current does not follow it
    t = np.arange(1000.0)
    charge = CyclingRecord.from_arrays(t, 3.0 + 1e-3 * t, np.full(t.size, 1e-3))
    ok, why = potential_sweep(charge)
    assert not ok and "correlation of current and voltage 0.00" in why
    tiny = CyclingRecord.from_arrays(t[:5], t[:5], t[:5])
    assert not potential_sweep(tiny)[0]


def test_require_sweep_message_and_override():
    rec, _ = ccd_staircase(failure="hard", j_critical="0.45 mA/cm2", step_capacity="0.2 mAh/cm2", dt="20 s", noise="0.2 mV",
                           area="0.785 cm2", seed=1)
    with pytest.raises(CellTypeError) as ei:
        require_sweep(rec, "Tafel analysis", source="x.csv")
    msg = str(ei.value)
    assert msg.startswith("x.csv: detected a symmetric cell (not a potential sweep:")
    assert "Tafel analysis needs a potential sweep (LSV or CV)" in msg and "cell_type='sweep'" in msg
    assert ei.value.needs.startswith("a potential sweep")
    import pickle

    again = pickle.loads(pickle.dumps(ei.value))
    assert str(again) == msg
    assert require_sweep(rec, "Tafel analysis", cell_type="sweep").startswith("stated by the caller")
    assert "in 100% of the record" in require_sweep(_lsv(), "Tafel analysis")
    with pytest.raises(ParameterError, match="'auto' or 'sweep'"):
        require_sweep(rec, "Tafel analysis", cell_type="lsv")


def test_only_the_shared_lsv_is_a_sweep():
    """Every shared cycler file lisse reads: only the one EC-Lab LSV (technique 'Linear Sweep Voltammetry' in its
    header) is a sweep."""
    from lisse.io.readers import read_cycling

    files = sorted(p for p in CYCLERS.glob("*") if p.is_file() and not p.name.endswith((".md", "_Metadata.csv")))
    if not files:
        pytest.skip(f"shared instrument files not available at {CYCLERS}")
    sweeps, read, unreadable_here = [], 0, 0
    for p in files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rec = read_cycling(p)
        except MissingDependencyError:
            unreadable_here += 1  # a format whose optional reader is not installed (the minimum-versions job: no extras)
            continue
        except ReaderError:
            continue  # impedance-only text exports and the like: not cycler records
        read += 1
        if len(rec) and potential_sweep(rec)[0]:
            sweeps.append(p.name)
    assert read + unreadable_here >= 25 and read >= 15
    assert sweeps == ["biologic_lsv_ec1150.mpt"]
    assert "Linear Sweep Voltammetry" in (CYCLERS / "biologic_lsv_ec1150.mpt").read_text(encoding="latin-1")[:2000]


def test_tafel_cli_refuses_a_galvanostatic_file(tmp_path):
    f = cycler_file("biologic_gcpl_ec1161_aqueous.mpr")
    r = run_cli("tafel", str(f), "--area", "1 cm2", "--json")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    assert "not a potential sweep" in r.stderr and str(f) in r.stderr and "--cell-type sweep" in r.stderr
    r = run_cli("tafel", str(f), "--area", "1 cm2", "--json", "--cell-type", "sweep")  # the user's word is taken
    assert r.returncode == 0 and json.loads(r.stdout)["sweep"] == "stated by the caller (--cell-type sweep)"
    lsv = cycler_file("biologic_lsv_ec1150.mpt")
    r = run_cli("tafel", str(lsv), "--area", "1 cm2", "--json")
    assert r.returncode == 0 and "in 100% of the record" in json.loads(r.stdout)["sweep"]


def test_sweep_caveats_ohmic_and_one_branch():
    from lisse.analysis.kinetics import sweep_caveats, tafel_fit

    eta = np.linspace(-0.25, 0.25, 501)
    assert sweep_caveats(eta, _bv(eta)) == ([], pytest.approx(1e4 / np.polyfit(eta, _bv(eta), 1)[0], rel=1e-9))
    ohmic = eta / 0.5065  # a 5065 ohm cm2 resistor: i [A/m2] = eta / (0.5065 ohm m2)
    caveats, r = sweep_caveats(eta, ohmic)
    assert r == pytest.approx(5065.0, rel=1e-9) and len(caveats) == 1 and caveats[0].startswith("the current is a straight line")
    up = eta[eta >= 0]
    caveats, _ = sweep_caveats(up, _bv(up, alpha=0.3))
    assert len(caveats) == 1 and "no cathodic branch" in caveats[0]
    fit = tafel_fit(up, _bv(up, alpha=0.3), window_V=(0.12, 0.25), branches="available")
    assert fit.alpha_a_ == pytest.approx(0.3, abs=0.01) and np.isnan(fit.alpha_c_) and fit.summary()["alpha_cathodic"] != 0.7
    assert fit.i0_A_m2_ == pytest.approx(5.0, rel=0.05)
    from lisse.errors import CalculationError

    with pytest.raises(CalculationError, match="no branch can be fitted"):
        tafel_fit(up[:2], _bv(up[:2]), branches="available")
    with pytest.raises(CalculationError, match="cathodic branch"):
        tafel_fit(up, _bv(up))  # both branches asked for: the missing one is an error, as before
    with pytest.raises(ParameterError, match="'available'"):
        tafel_fit(up, _bv(up), branches="both")


def test_tafel_cli_on_the_shared_dummy_lsv_reports_its_resistance():
    """EC-Lab's LSV of a dummy cell (its header: 'Electrode material : Dummy'): the straight line's resistance equals a
    fit of E against I/area read with pandas (not lisse's reader), the ohmic caveat is given, and the anodic Tafel branch
    is reported instead of an error for the missing cathodic one."""
    import pandas as pd

    f = cycler_file("biologic_lsv_ec1150.mpt")
    text = f.read_text(encoding="latin-1").splitlines()
    n_head = int(next(ln.split(":")[1] for ln in text[:5] if ln.startswith("Nb header lines")))
    df = pd.read_csv(f, sep="\t", skiprows=n_head - 1, encoding="latin-1", decimal=".")
    e, i_ma = df["Ewe/V"].to_numpy(float), df["<I>/mA"].to_numpy(float) if "<I>/mA" in df else df["I/mA"].to_numpy(float)
    keep = np.abs(e - e[np.argmin(np.abs(i_ma))]) <= 0.25
    r_ref = np.polyfit(i_ma[keep] * 1e-3 / 1e-4 * 1e-4, e[keep], 1)[0]  # V per (A/cm2) at 1 cm2 = ohm cm2
    d = json.loads(run_cli("tafel", str(f), "--area", "1 cm2", "--json").stdout)
    assert d["linear_resistance_ohm_cm2"] == pytest.approx(r_ref, rel=0.01)
    assert 5000 < r_ref < 5100
    assert any(w.startswith("the current is a straight line") for w in d["warnings"])
    assert any("no cathodic branch" in w for w in d["warnings"])
    assert "error" not in d["tafel"] and d["tafel"]["alpha_cathodic"] is None and d["tafel"]["n_points"]["anodic"] > 100


def test_review_cases_staircase_holds_quantised_and_a_drifting_galvanostatic_cell():
    """Found in review: staircase voltammetry, a slow sweep quantised to 1 mV and a CV with vertex holds were refused;
    a galvanostatic symmetric cell whose polarisation grows steadily passed. Windows of at least 10 rows and the
    current-level veto settle all four."""
    steps = np.repeat(np.arange(-0.3, 0.3001, 0.01), 10)
    assert potential_sweep(CyclingRecord.from_arrays(np.arange(steps.size) * 0.1, steps, _bv(steps) * 1e-4))[0]
    tt = np.arange(0, 6000.0, 1.0)
    e = np.round((-0.3 + 1e-4 * tt) / 1e-3) * 1e-3
    assert potential_sweep(CyclingRecord.from_arrays(tt, e, _bv(e) * 1e-4))[0]
    up = np.linspace(-0.3, 0.3, 301)
    e3 = np.concatenate([up, np.full(80, 0.3), up[::-1], np.full(80, -0.3)])
    assert potential_sweep(CyclingRecord.from_arrays(np.arange(e3.size) * 1.0, e3, _bv(e3) * 1e-4))[0]
    t = np.arange(0, 40 * 3600.0, 10.0)
    sign = np.where((t // 3600) % 2 == 0, 1.0, -1.0)
    grow = 0.020 + 0.010 * t / t[-1]  # 20 -> 30 mV over the record
    v = sign * grow + np.random.default_rng(0).normal(0, 5e-5, t.size)
    ok, why = potential_sweep(CyclingRecord.from_arrays(t, v, sign * 1e-3))
    assert not ok and "the current takes 1 level(s)" in why
