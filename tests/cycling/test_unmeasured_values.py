"""An unmeasured value is never shown as a measured number: a censored cycle life, a GITT pulse that measures no D.

Independent references: the generator's cycle count for a cell that never fails; the Weppner-Huggins formula written
out here (4/(π τ) L² (ΔE_s/ΔE_t)²) on a hand-built GITT record whose relaxed voltages are set by hand.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from lisse.analysis.shorts import ShortDetector, cycle_life_text
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
