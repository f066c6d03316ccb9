"""An unmeasured value is never shown as a measured number: a censored cycle life, a GITT pulse that measures no D.

Independent references: the generator's cycle count for a cell that never fails; the Weppner-Huggins formula written
out here (4/(π τ) L² (ΔE_s/ΔE_t)²) on a hand-built GITT record whose relaxed voltages are set by hand.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lisse.analysis.gitt import gitt_diffusion, weppner_huggins_D
from lisse.analysis.shorts import ShortDetector, cycle_life_text
from lisse.records.cycling import CyclingRecord
from lisse.sim.synthetic_cycling import long_cycling

from ._shared import run_cli

N_CYCLES = 20
CENSORED = f"≥ {N_CYCLES} (did not fail within the record)"


def _csv(path, rec):
    data = np.column_stack([rec.time_s, rec.voltage_V, rec.current_A * 1e3])
    np.savetxt(path, data, delimiter=",", header="time/s,Ewe/V,I/mA", comments="", fmt="%.9g")
    return path


@pytest.fixture(scope="module")
def healthy():
    rec, _ = long_cycling(j="1 mA/cm2", n_cycles=N_CYCLES, failure=None, noise="0.5 mV", seed=2, dt=120)
    return rec


# ------------------------------------------------------------------------------------------------ cycle life
def test_a_cell_that_never_failed_has_a_lower_bound_cycle_life(healthy):
    det = ShortDetector().fit(healthy)
    s = det.summary()
    assert s["criterion"] == "none" and not s["short_detected"]
    assert s["cycle_life"] == N_CYCLES  # the old key keeps its number: all complete cycles recorded
    assert s["cycle_life_is_lower_bound"] is True and det.cycle_life_is_lower_bound_ is True
    assert s["cycle_life_note"] == CENSORED == cycle_life_text(s)
    assert CENSORED in repr(det) and CENSORED in det._repr_html_()
    # 0.5 mV of noise put in: measured (robust estimate within 25 %), above the 20 uV floor, so the reference is it
    assert s["noise_measured_mV"] == pytest.approx(0.5, rel=0.25) and s["noise_reference_is_floor"] is False
    floor = ShortDetector(min_noise_V=0.01).fit(healthy).summary()
    assert floor["noise_reference_mV"] == pytest.approx(10.0, rel=1e-12) and floor["noise_reference_is_floor"] is True


def test_a_failed_cell_has_a_measured_cycle_life():
    rec, truth = long_cycling(n_cycles=50, t_failure="61.5 h", failure="hard", seed=3)
    s = ShortDetector().fit(rec).summary()
    assert s["cycle_life"] == truth.failure_half_cycle // 2 == 30
    assert s["cycle_life_is_lower_bound"] is False and s["cycle_life_note"] is None
    assert cycle_life_text(s) == "30"
    # a summary stored before the flag existed is judged by its criterion
    assert cycle_life_text({"cycle_life": 7, "criterion": "none"}) == "≥ 7 (did not fail within the record)"
    assert cycle_life_text({"cycle_life": 7, "criterion": "voltage_collapse"}) == "7"


def test_cli_text_and_json_say_the_cycle_life_is_a_lower_bound(healthy, tmp_path):
    f = _csv(tmp_path / "sym.csv", healthy)
    d = json.loads(run_cli("cycling", str(f), "--area", "0.785 cm2", "--json").stdout)["analyses"]["short_detection"]
    assert (d["cycle_life"], d["cycle_life_is_lower_bound"], d["cycle_life_note"]) == (N_CYCLES, True, CENSORED)
    text = run_cli("cycling", str(f), "--area", "0.785 cm2").stdout
    assert f"no short; cycle life {CENSORED}" in text


def test_study_report_says_the_cycle_life_is_a_lower_bound(healthy, tmp_path):
    from lisse.pipeline.registry import StageContext, all_stages

    _csv(tmp_path / "sym.csv", healthy)
    stage = {s.name: s for s in all_stages()}["cycling"]
    opts = {"files": ["sym.csv"], "area": "0.785 cm2"}
    res = stage.func(StageContext(study={"cycling": opts, "_base_dir": str(tmp_path)}, options=opts, out_dir=tmp_path))
    assert res.summary["files"][0]["short_detection"]["cycle_life_is_lower_bound"] is True
    assert f"no short; cycle life {CENSORED}" in str(res.html)


def test_study_from_the_database_says_the_cycle_life_is_a_lower_bound(healthy, tmp_path):
    from lisse.batch import BatchSettings, run_batch
    from lisse.pipeline.evaluate import evaluate
    from lisse.pipeline.study import load_study

    (tmp_path / "data").mkdir()
    _csv(tmp_path / "data" / "sym.csv", healthy)
    r = run_batch([str(tmp_path / "data" / "sym.csv")], db=tmp_path / "lab.sqlite",
                  settings=BatchSettings(analysis="cycling", area=0.785e-4))
    assert r.files_ok == 1, r.failed
    study = tmp_path / "s.toml"
    study.write_text('[database]\nfile = "lab.sqlite"\n[cycling]\nfrom_db = true\nfiles = ["data/sym.csv"]\n')
    doc = evaluate(load_study(study), tmp_path / "out", study_text=study.read_text(), progress=False, only=["cycling"])
    entry = doc["stages"]["cycling"]["summary"]["files"][0]
    assert entry["short_detection"]["cycle_life_is_lower_bound"] is True
    assert f"no short; cycle life {CENSORED}" in (tmp_path / "out" / "report.html").read_text()


# ------------------------------------------------------------------------------------------------ GITT
TAU_ON = 60.0  # s, pulse
REST = 1200.0  # s
L = 5e-6  # m


def _gitt(levels, noise=0.0, seed=0):
    """Rests at the relaxed voltages ``levels`` [V] with a √t-shaped pulse between each pair (E = E_rest + 10 mV + 2 mV/√s·√t)."""
    rng = np.random.default_rng(seed)
    t, e, i, now = [], [], [], 0.0
    for k, e0 in enumerate(levels):
        segs = [(REST, 0.0)] + ([(TAU_ON, 1e-3)] if k < len(levels) - 1 else [])
        for dur, cur in segs:
            ts = np.linspace(0, dur, 121)[1:]
            t += list(now + ts)
            i += [cur] * ts.size
            e += list(e0 + (0.01 + 2e-3 * np.sqrt(ts) if cur else 0 * ts))
            now += dur
    e = np.asarray(e) + noise * rng.standard_normal(len(e))
    return CyclingRecord.from_arrays(np.asarray(t), e, np.asarray(i))


def _wh(tau, dEs, dEt):
    return 4.0 / (math.pi * tau) * L**2 * (dEs / dEt) ** 2


def test_a_pulse_whose_relaxed_voltage_does_not_change_measures_no_diffusion_coefficient():
    # relaxed voltages 3.800, 3.804, 3.804 (a two-phase plateau: no change across pulse 1), 3.808
    g = gitt_diffusion(_gitt([3.800, 3.804, 3.804, 3.808]), length=L)
    assert list(g["pulse"]) == [0, 1, 2]
    assert g["dEs_V"].to_numpy() == pytest.approx([4e-3, 0.0, 4e-3], abs=1e-12)
    assert math.isnan(g["D_m2_s"][1]) and math.isnan(g["D_cm2_s"][1]) and math.isnan(g["tau_over_L2_D"][1])
    assert "not measurable" in g["D_note"][1] and g["D_note"][0] is None and g["D_note"][2] is None
    for k in (0, 2):
        assert g["D_m2_s"][k] == pytest.approx(_wh(g["tau_s"][k], 4e-3, g["dEt_V"][k]), rel=1e-9)
    assert (g["dEs_floor_V"] == 0).all()  # a noise-free record: only ΔE_s = 0 exactly is no change
    assert math.isnan(weppner_huggins_D(TAU_ON, L, 0.0, 1e-3))  # the formula's 0 is no value


def test_a_relaxed_voltage_change_within_the_noise_measures_no_diffusion_coefficient():
    sigma = 0.2e-3  # V
    g = gitt_diffusion(_gitt([3.800, 3.804, 3.804, 3.808], noise=sigma, seed=1), length=L)
    # the floor is 2 standard errors of a difference of two readings; the record's σ is known here
    assert g["dEs_floor_V"][0] == pytest.approx(2 * math.sqrt(2) * sigma, rel=0.2)
    assert abs(g["dEs_V"][1]) > 0  # the noise makes a non-zero ΔE_s, which the old code turned into a "measured" D
    assert math.isnan(g["D_m2_s"][1]) and "not measurable" in g["D_note"][1]
    assert np.isfinite(g["D_m2_s"][[0, 2]]).all()


def test_gitt_cli_json_gives_null_for_an_unmeasured_pulse_and_a_median_over_the_others(tmp_path):
    rec = _gitt([3.800, 3.804, 3.804, 3.808])
    f = tmp_path / "gitt.csv"
    np.savetxt(f, np.column_stack([rec.time_s, rec.voltage_V, rec.current_A * 1e3]), delimiter=",",
               header="time/s,Ewe/V,I/mA", comments="", fmt="%.12g")
    r = run_cli("gitt", str(f), "--length", "5 um", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    p = d["pulses"]
    assert d["n_pulses"] == 3 and d["n_pulses_D_measured"] == 2 and d["n_pulses_D_not_measurable"] == 1
    assert p[1]["D_cm2_s"] is None and p[1]["tau_over_L2_D"] is None and "not measurable" in p[1]["D_note"]
    expected = [_wh(q["tau_s"], q["dEs_V"], q["dEt_V"]) * 1e4 for q in (p[0], p[2])]  # cm2/s
    assert d["D_median_cm2_s"] == pytest.approx(float(np.median(expected)), rel=1e-6)
    assert "1 of 3 pulses" in d["D_note"]


# ------------------------------------------------------------------------------------------------ missing current
def test_a_logging_gap_in_the_current_neither_cuts_a_half_cycle_nor_counts_as_no_charge():
    """Ten rows of a 30-row half cycle (29 intervals of 120 s at 0.785 mA) with the current missing: still 6 half
    cycles (the gap cut one in two before), the 11 intervals touching the gap (1320 s) unmeasured, the other 18 measured."""
    from lisse.analysis.symmetric import half_cycles

    rec, _ = long_cycling(j="1 mA/cm2", n_cycles=3, failure=None, noise="0.5 mV", seed=2, dt=120)
    i = rec.current_A.copy()
    i[40:50] = np.nan
    clean = half_cycles(rec)
    gap = half_cycles(CyclingRecord.from_arrays(rec.time_s, rec.voltage_V, i, area=rec.area_m2))
    assert len(gap) == len(clean) == 6
    assert gap["charge_unmeasured_s"].tolist() == [0.0, 11 * 120.0, 0.0, 0.0, 0.0, 0.0]
    assert clean["charge_C"].iloc[1] == pytest.approx(0.785e-3 * 29 * 120, rel=1e-3)
    assert gap["charge_C"].iloc[1] == pytest.approx(clean["charge_C"].iloc[1] * 18 / 29, rel=1e-9)
    assert (clean["charge_unmeasured_s"] == 0).all()
    # a gap between two different currents is a rest, not bridged
    j = rec.current_A.copy()
    j[29:31] = np.nan  # across the +/- reversal
    assert len(half_cycles(CyclingRecord.from_arrays(rec.time_s, rec.voltage_V, j, area=rec.area_m2))) == 6


def test_a_blank_current_inside_a_rest_is_a_rest():
    """Some files leave the current blank at open circuit: a NaN run with rest rows on both sides carries no charge, so
    no cycle is made incomplete by it (while the same gap inside a discharge is, test_analysis_trust)."""
    from lisse.records.cycling import unmeasured_charge_intervals

    t = np.arange(12, dtype=float) * 60.0
    i = np.array([1e-3, 1e-3, 1e-3, 0.0, np.nan, np.nan, 0.0, -1e-3, -1e-3, np.nan, -1e-3, -1e-3])
    flags = unmeasured_charge_intervals(CyclingRecord.from_arrays(t, np.full(12, 3.5), i))
    # intervals 3-4, 4-5, 5-6 sit in the rest; 8-9 and 9-10 touch the discharging rows around the NaN at row 9
    assert np.flatnonzero(flags).tolist() == [8, 9]
