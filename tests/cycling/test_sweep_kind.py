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
from lisse.errors import CellTypeError, ParameterError, ReaderError
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
    sweeps, read = [], 0
    for p in files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                rec = read_cycling(p)
        except ReaderError:
            continue  # impedance-only text exports and the like: not cycler records
        read += 1
        if len(rec) and potential_sweep(rec)[0]:
            sweeps.append(p.name)
    assert read >= 25
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
