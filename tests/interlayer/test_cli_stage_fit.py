"""The scripted CLI contract, the evaluate stage and the spike fit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lisse.errors import CalculationError, ParameterError
from lisse.sim.interlayer.fit import fit_coefficient, fit_spike_coefficient
from lisse.sim.interlayer.lengths import interlayer_lengths
from lisse.sim.interlayer.model import make_parameters

REPO = Path(__file__).resolve().parents[2]
CONTRACT = {"nucleation_length_um", "growth_length_um", "interlayer_thickness_um", "stable", "failure_mode", "regime"}


def _cli(*args):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "lisse", "interlayer", *args], capture_output=True, text=True, env=env, timeout=120)


def test_cli_scripted_use_contract():
    r = _cli("--preset", "lni-5cnt", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert CONTRACT <= set(d)
    ref = interlayer_lengths(make_parameters("lni-5cnt"), 10.0, capacity=3.6e4)
    assert d["nucleation_length_um"] == pytest.approx(ref.nucleation_length * 1e6, rel=1e-9, abs=1e-12)
    # the front carries the anode's share of 1 mAh/cm2 (4.85 um of dense Li) through pores partly filled by the internal
    # deposit: between the anode share alone in empty pores and all of it (the a = 0 limit, 4.85/0.3 um)
    assert d["anode_plating_fraction"] * 4.85 / 0.3 * (1 - 2e-3) <= d["growth_length_um"] <= 4.85 / 0.3 * (1 + 2e-3)
    assert d["interlayer_thickness_um"] == 90.0
    assert d["stable"] is True and d["failure_mode"] == "none" and d["regime"] == "mixed"


def test_cli_overrides_and_failure(tmp_path):
    r = _cli("--preset", "lni-50cnt", "--current-density", "2", "--time", "1 h", "--thickness", "14.8 um", "--json")
    d = json.loads(r.stdout)
    assert d["interlayer_thickness_um"] == pytest.approx(14.8)
    assert d["stable"] is False and d["regime"] == "electronic"
    # no internal surface: all Li plates on the anode and fills the pores from it, l_g = 4.85 um / porosity per mAh/cm2
    d = json.loads(_cli("--current-density", "1", "--capacity", "1", "--thickness", "45", "--porosity", "0.4", "--specific-area", "0",
                        "--json").stdout)
    assert d["interlayer_thickness_um"] == 45.0 and d["growth_length_um"] == pytest.approx(4.85 / 0.4, rel=2e-3)
    r = _cli("--preset", "lni-5cnt", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2", "--sweep", "--points", "8", "--out", str(tmp_path))
    assert r.returncode == 0, r.stderr
    for name in ("interlayer_sweep.csv", "interlayer_sweep.png", "interlayer_profile.csv", "interlayer_profile.png"):
        assert (tmp_path / name).stat().st_size > 0
    assert not list(tmp_path.glob(".*.tmp"))
    import pandas as pd

    # a table copied out of the folder still names the calibrated defaults it rests on, on every row
    for name, rows in (("interlayer_sweep.csv", 8), ("interlayer_profile.csv", None)):
        df = pd.read_csv(tmp_path / name)
        assert set(df["calibrated_parameters"]) == {"exchange_current;contact_angle;surface_energy"} and len(df) == (rows or len(df)) > 1, name
    # values the user sets are not calibrated: the column stays and says so
    r = _cli("--preset", "lni-5cnt", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2", "--sweep", "--points", "4",
             "--exchange-current", "3e-3 mA/cm2", "--contact-angle", "60 deg", "--surface-energy", "0.46 J/m2", "--out", str(tmp_path / "user"))
    assert r.returncode == 0, r.stderr
    df = pd.read_csv(tmp_path / "user" / "interlayer_sweep.csv")
    assert list(df["calibrated_parameters"]) == ["none"] * 4


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--preset", "lni-9cnt", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2"], "preset"),
        (["--preset", "lni-5cnt", "--current-density", "1 mAh/cm2", "--capacity", "1 mAh/cm2"], "--current-density"),
        (["--preset", "lni-5cnt", "--current-density", "1 mA/cm2"], "capacity"),
        (["--preset", "lni-5cnt", "--current-density", "1 mA/cm2", "--capacity", "1", "--porosity", "2"], "porosity"),
    ],
)
def test_cli_bad_input_exit_2(args, needle):
    r = _cli(*args)
    assert r.returncode == 2
    assert needle in r.stderr and r.stderr.count("\n") == 1


def test_stage_runs_for_cells_with_interlayer(tmp_path):
    from lisse.pipeline.registry import StageContext, all_stages

    st = {s.name: s for s in all_stages()}["interlayer"]
    study = {"cells": [{"name": "LNI5", "interlayer": {"material": "LNI-5CNT", "thickness": "90 um", "porosity": 0.3}}, {"name": "bare"}],
             "interlayer": {"current_density": "1 mA/cm2", "capacity": "1 mAh/cm2", "points": 6, "map": False}}
    assert st.applies(study) is None
    assert st.applies({"cells": [{"name": "bare"}]}) is not None
    res = st.func(StageContext(study, study["interlayer"], tmp_path, progress=False))
    d = res.summary["interlayers"]["LNI5"]
    assert CONTRACT <= set(d) and d["regime"] == "mixed" and d["stable"] is True
    assert list(res.tables["results"]["interlayer"]) == ["LNI5"]
    assert "sweep_lni5" in res.figures and "Wang2024" in res.citations
    # the preset's jointly calibrated defaults (and sigma_Li's) are named in every table and figure the stage writes
    assert list(res.tables["results"]["calibrated_parameters"]) == ["exchange_current;contact_angle;surface_energy"]
    assert set(res.tables["sweep_lni5"]["calibrated_parameters"]) == {"exchange_current;contact_angle;surface_energy"}
    for name in ("sweep_lni5", "profile_lni5"):
        assert [t.get_text() for t in res.figures[name].texts] == [
            "calibrated (fitted to one observation): exchange_current, contact_angle, surface_energy"], name
    with pytest.raises(ParameterError, match="did you mean"):
        st.func(StageContext(study, {"curent_density": "1 mA/cm2"}, tmp_path))


def test_stage_on_bundled_default_study(tmp_path):
    """The default study has a LiCF3SO3 coating (skipped: no electronic conductivity) and an LNI-5CNT interlayer."""
    from lisse.pipeline.evaluate import evaluate
    from lisse.pipeline.study import load_study

    study = load_study()
    study["interlayer"] = {"points": 6, "map": False, "sweep": False}
    doc = evaluate(study, tmp_path, progress=False, only=["interlayer"])
    st = doc["stages"]["interlayer"]
    assert st["status"] == "ok", st
    summ = st["summary"]
    (lbl,) = summ["interlayers"]
    assert "LNI-5CNT" in lbl and summ["interlayers"][lbl]["regime"] == "mixed"
    (sk,) = summ["skipped"]
    assert "LiCF3SO3" in summ["skipped"][sk]
    assert (tmp_path / "tables" / "interlayer_results.csv").exists()


def test_fit_coefficient_recovers_exact_law():
    i = np.array([5.0, 10.0, 20.0, 40.0])
    v = np.array([0.05, 0.06, 0.07, 0.08])
    c, r2, rel = fit_coefficient(i, v, 0.0123 * v / i)
    assert c == pytest.approx(0.0123, rel=1e-12) and r2 == pytest.approx(1.0) and rel < 1e-12
    # one point fixes the one coefficient exactly: R^2 is undefined, never a perfect 1
    c1, r2_1, _ = fit_coefficient(i[:1], v[:1], 0.0123 * v[:1] / i[:1])
    assert c1 == pytest.approx(0.0123, rel=1e-12) and np.isnan(r2_1)


def test_fit_against_simulation():
    p = make_parameters("lni-5cnt")
    i = np.array([25.0, 30.0, 40.0, 50.0])
    fit = fit_spike_coefficient(p, i, np.array([0.08, 0.09, 0.1, 0.11]))
    assert fit.used.all() and fit.coefficient > 0
    # the fitted law reproduces the least-squares optimum: residual orthogonal to V_sp/i
    u = fit.spikes / fit.currents
    assert np.dot(fit.simulated_length - fit.fitted_length, u) == pytest.approx(0.0, abs=1e-12 * np.dot(fit.simulated_length, u))
    with pytest.raises(CalculationError):
        fit_spike_coefficient(p, np.array([1.0, 2.0]), np.array([0.05, 0.06]))  # no nucleation at 0.1-0.2 mA/cm2


def test_stage_cells_whose_names_slug_alike_keep_their_own_figures(tmp_path):
    """'LNI 5' and 'lni-5' make the same file-name key: each cell's figures must survive."""
    from lisse.pipeline.registry import StageContext, all_stages

    st = {s.name: s for s in all_stages()}["interlayer"]
    il = {"material": "LNI-5CNT", "thickness": "90 um", "porosity": 0.3}
    study = {"cells": [{"name": "LNI 5", "interlayer": il}, {"name": "lni-5", "interlayer": dict(il, thickness="50 um")}],
             "interlayer": {"current_density": "1 mA/cm2", "capacity": "1 mAh/cm2", "points": 6, "map": False}}
    res = st.func(StageContext(study, study["interlayer"], tmp_path, progress=False))
    profiles = sorted(k for k in res.figures if k.startswith("profile_"))
    sweeps = sorted(k for k in res.figures if k.startswith("sweep_"))
    assert len(profiles) == 2 and len(sweeps) == 2


def test_a_critical_current_read_back_without_its_numbers_says_so():
    """audit s49: a CriticalCurrent dict read back from older JSON without its capacity or failing current printed
    "0 mA/cm2" and "steps of 0 mAh/cm2"; a missing number is "?"."""
    from lisse.sim.interlayer.sweeps import describe_critical_current

    full = {"critical_current_mA_cm2": 3.07, "failing_current_mA_cm2": 3.09, "failure_mode": "dead_li", "capacity_mAh_cm2": 1.0}
    assert describe_critical_current(full) == "3.07 mA/cm2 (fails by dead_li at 3.09 mA/cm2; fixed-capacity steps of 1 mAh/cm2)"
    old = {"critical_current_mA_cm2": 3.07, "failure_mode": "dead_li"}
    assert describe_critical_current(old) == "3.07 mA/cm2 (fails by dead_li at ? mA/cm2; fixed-capacity steps of ? mAh/cm2)"
    assert describe_critical_current({"search_limit_reached": True}).startswith("no failure up to ? mA/cm2")
    assert describe_critical_current({}) == "< ? mA/cm2 (fails by ? at the lowest current; fixed-capacity steps of ? mAh/cm2)"
