"""The ``[simulate]`` stage of ``lisse evaluate`` (plumbing, on a fake simulator with a known answer).

Each cell must be simulated at its own capacity per half cycle (the positive areal capacity, worked out by
hand below) and current, shown beside the measured CCD of the same cell, with its calibrated parameters
named with their observation.
"""

from __future__ import annotations

import pytest

from . import fake_interface as fake

STUDY = """
[[cells]]
name = "A"
li_thickness = "20 um"
cathode_material = "NCM811"
cathode_capacity = "2 mAh/cm2"
electrolyte = "LPSC"
electrolyte_thickness = "500 um"
interlayer = {material = "LNI-5CNT", thickness = "90 um", porosity = 0.3}

[[cells]]
name = "B"
li_thickness = "20 um"
cathode_material = "NCM811"
cathode_capacity = "1 mAh/cm2"
electrolyte = "LLZTO"
electrolyte_thickness = "600 um"
"""


@pytest.fixture
def stage(monkeypatch):
    fake.install(monkeypatch)
    from lisse.pipeline.registry import all_stages

    return {s.name: s for s in all_stages()}["simulate"]


def _run(stage, text, tmp_path, results=None):
    from lisse.pipeline.registry import StageContext
    from lisse.pipeline.study import parse_study

    study = parse_study(text)
    opts = study["_options"].get("simulate", {})
    return stage.func(StageContext(study=study, options=opts, out_dir=tmp_path, progress=False, results=results or {},
                                   validated="simulate" in study))


def test_cell_with_interlayer_runs_without_a_table_at_its_own_capacity(stage, tmp_path, monkeypatch):
    seen = []
    real = fake.staircase

    def spy(kind, **kw):
        seen.append((kind, kw))
        return real(kind, **kw)

    import lisse.sim.interface as iface

    monkeypatch.setattr(iface, "staircase", spy)
    r = _run(stage, STUDY, tmp_path)
    assert list(r.summary["cells"]) == ["A"]  # no [simulate] table: only the cell with an interlayer
    a = r.summary["cells"]["A"]
    assert seen[0][0] == "fixed-capacity" and seen[0][1]["step_capacity"] == pytest.approx(2 * 3.6e4, rel=1e-12)
    assert a["capacity_per_half_cycle_mAh_cm2"] == pytest.approx(2.0, rel=1e-12)
    # fake threshold at 90 um: 18 A/m2 = 1.8 mA/cm2; the stage's default staircase: 0.5 mA/cm2 steps from 0.5 -> CCD 1.5
    assert seen[0][1]["start"] == pytest.approx(5.0, rel=1e-12) and seen[0][1]["increment"] == pytest.approx(5.0, rel=1e-12)
    assert a["ccd_mA_cm2"] == pytest.approx(1.5, rel=1e-9) and a["failing_current_density_mA_cm2"] == pytest.approx(2.0, rel=1e-9)
    assert a["operating_current_density_mA_cm2"] == pytest.approx(1.0, rel=1e-9)  # C/2 of 2 mAh/cm2
    assert a["holds_operating_current"] is True
    assert "Wang2024" in a["calibrated_on"]["i0"]
    assert a["measured"] is None and "no measured or published CCD of this cell" in str(r.html)
    assert "calibrated" in str(r.html) and "i0" in str(r.html)
    (row,) = r.predictions  # for the study's results database, flagged as predicted, calibrated parameters named
    assert row["kind"] == "predicted" and row["cell"] == "A" and row["value"] == a["ccd_mA_cm2"]
    assert row["parameters_json"]["calibrated"] == ["i0"] and "Wang2024" in row["parameters_json"]["calibrated_on"]["i0"]


def test_table_simulates_every_cell_fixed_time_and_shows_the_measured_ccd(stage, tmp_path):
    text = STUDY + '\n[simulate]\nprotocol = "fixed-time"\ncurrent_density = "0.5 mA/cm2"\nmeasured = { B = "sym_b" }\n'
    cyc = {"cycling": {"files": [{"name": "sym_b", "ccd": {"ccd_mA_cm2": 0.2, "failure_current_density_mA_cm2": 0.3,
                                                          "protocol": "fixed-capacity"}}]}}
    r = _run(stage, text, tmp_path, cyc)
    assert set(r.summary["cells"]) == {"A", "B"}
    b = r.summary["cells"]["B"]
    assert b["interlayer"] == "none" and b["electrolyte"] == "LLZTO"
    assert b["step_time_h"] == pytest.approx(2.0, rel=1e-12)  # 1 mAh/cm2 at 0.5 mA/cm2
    assert b["measured"]["ccd_mA_cm2"] == 0.2 and "measured CCD 0.2 mA/cm²" in str(r.html)
    assert b["calibrated_parameters"] == []
    assert len(r.tables["predicted_ccd"]) == 2 and len(r.figures) == 2


def test_a_coating_is_skipped_unless_a_surface_stands_for_it(stage, tmp_path):
    text = STUDY.replace('electrolyte = "LLZTO"', 'electrolyte = "LLZTO"\ninterlayer = "LiCF3SO3"\ninterlayer_thickness = "0.3 um"')
    r = _run(stage, text, tmp_path)
    assert set(r.summary["cells"]) == {"A"} and "LiCF3SO3" in r.summary["skipped"]["B"]
    assert "ionic_conductivity" in r.summary["skipped"]["B"] and "surfaces" in r.summary["skipped"]["B"]
    r = _run(stage, text + '\n[simulate]\nsurfaces = { B = "LLZTO-TfOH" }\n', tmp_path)
    b = r.summary["cells"]["B"]
    assert b["interlayer"] == "none" and b["surface"] == "LLZTO-TfOH" and "LLZTO-TfOH surface" in str(r.html)


def test_a_cell_the_simulator_refuses_is_listed_as_skipped(stage, tmp_path, monkeypatch):
    text = STUDY.replace('electrolyte = "LLZTO"', 'electrolyte = "LLZTO"\ninterlayer = "LiF"\ninterlayer_thickness = "1 um"')
    import lisse.sim.interface as iface

    def refuse(**kw):
        if kw.get("interlayer") == "LiF":
            from lisse.errors import ParameterError

            raise ParameterError("interlayer 'LiF': no electronic conductivity in the library")
        return fake.build_model(**kw)

    monkeypatch.setattr(iface, "build_model", refuse)
    r = _run(stage, text, tmp_path)
    assert "B" in r.summary["skipped"] and "LiF" in r.summary["skipped"]["B"] and "Not simulated" in str(r.html)


def test_unknown_option_is_refused():
    from lisse.errors import ParameterError
    from lisse.pipeline.study import parse_study

    with pytest.raises(ParameterError, match=r"\[simulate\]"):
        parse_study(STUDY + "\n[simulate]\nprotocl = 'fixed-time'\n")
    with pytest.raises(ParameterError, match="max_current"):
        parse_study(STUDY + "\n[simulate]\nstart = '2 mA/cm2'\nmax_current = '1 mA/cm2'\n")


def test_holds_verdict_between_steps_is_unknown():
    from lisse.pipeline.stages.simulate import _holds

    assert _holds(1.0, 1.1, 1.05) is None and _holds(1.0, 1.1, 0.5) is True and _holds(1.0, 1.1, 2.0) is False
    assert _holds(None, 0.1, 0.05) is None and _holds(5.0, None, 6.0) is None


def test_each_cell_is_simulated_with_its_own_li_foil_and_an_anode_free_cell_says_it_is_not(stage, tmp_path, monkeypatch):
    import lisse.sim.interface as iface

    seen = []
    real = iface.build_model

    def spy(**kw):
        seen.append(kw)
        return real(**kw)

    monkeypatch.setattr(iface, "build_model", spy)
    text = STUDY.replace('li_thickness = "20 um"', 'li_thickness = "35 um"', 1).replace('li_thickness = "20 um"', 'li_thickness = "0 um"', 1)
    r = _run(stage, text + "\n[simulate]\n", tmp_path)
    assert seen[0]["li_thickness"] == pytest.approx(35e-6, rel=1e-12, abs=0)  # cell A's foil, SI
    assert "li_thickness" not in seen[1]  # cell B is anode-free: no foil to strip, the simulator's default stays
    a, b = r.summary["cells"]["A"], r.summary["cells"]["B"]
    assert a["li_thickness_um"] == pytest.approx(35.0, rel=1e-12) and a["li_thickness_source"] == "cell"
    assert b["li_thickness_um"] == pytest.approx(50.0, rel=1e-12) and "default" in b["li_thickness_source"]


def test_a_published_ccd_is_shown_beside_the_prediction_with_their_ratio(stage, tmp_path):
    """[simulate] published: cell A's fake prediction is 1.5 mA/cm2 (failing at 2.0). Published 1.0 -> ratio 1.5,
    within x2; published 4.0 -> 0.375, more than x2 apart, with the capacity it was measured at named when it differs
    from the simulated one (the audit found the report saying 'no measured CCD' while the study gave a published one)."""
    base = STUDY + '\n[simulate]\npublished = { A = { ccd = "%s", capacity = "%s", source = "Paper X" } }\n'
    r = _run(stage, base % ("1.0 mA/cm2", "2 mAh/cm2"), tmp_path)
    p = r.summary["cells"]["A"]["published"]
    assert p["ccd_mA_cm2"] == pytest.approx(1.0, rel=1e-12) and p["ratio_predicted_to_published"] == pytest.approx(1.5, rel=1e-12)
    assert p["within_factor_2"] is True and p["capacity_per_half_cycle_mAh_cm2"] == pytest.approx(2.0, rel=1e-12)
    html = str(r.html).split("<li><b>B</b>")[0]  # cell A's item (B has no published CCD)
    assert "published CCD 1 mA/cm² (Paper X at 2 mAh/cm² per half cycle)" in html and "within a factor 2" in html
    assert "no measured" not in html and r.summary["cells"]["B"]["published"] is None
    assert p["capacity_matches"] is True
    r = _run(stage, base % ("4 mA/cm2", "2 mAh/cm2"), tmp_path)
    p = r.summary["cells"]["A"]["published"]
    assert p["ratio_predicted_to_published"] == pytest.approx(0.375, rel=1e-12) and p["within_factor_2"] is False
    assert "more than a factor 2 apart" in str(r.html)
    # review s40 item 3: a CCD published at another capacity per half cycle is another test: its ratio is shown, no verdict
    r = _run(stage, base % ("4 mA/cm2", "0.2 mAh/cm2"), tmp_path)
    p = r.summary["cells"]["A"]["published"]
    assert p["ratio_predicted_to_published"] == pytest.approx(0.375, rel=1e-12) and p["within_factor_2"] is None
    assert p["capacity_matches"] is False
    assert "not the 2 simulated" in str(r.html) and "another capacity per half cycle: no verdict" in str(r.html)
    assert "more than a factor 2 apart" not in str(r.html)
    row = r.tables["predicted_ccd"].set_index("cell").loc["A"]  # the comparison reaches the table (its dict was dropped)
    assert row["published_ccd_mA_cm2"] == 4.0 and row["published_capacity_per_half_cycle_mAh_cm2"] == pytest.approx(0.2, rel=1e-12)
    assert row["ratio_predicted_to_published"] == pytest.approx(0.375, rel=1e-12) and row["published_within_factor_2"] is None
    assert "published" not in r.tables["predicted_ccd"].columns and "measured" not in r.tables["predicted_ccd"].columns
    assert not row["published_capacity_matches"]
    # review s40 diff item 7: under fixed-time steps the capacity per step moves with the step: never a match, no verdict
    r = _run(stage, base % ("4 mA/cm2", "2 mAh/cm2") + 'protocol = "fixed-time"\n', tmp_path)
    p = r.summary["cells"]["A"]["published"]
    assert p["capacity_matches"] is False and p["within_factor_2"] is None


def test_a_misspelled_cell_name_in_a_simulate_table_is_refused(stage, tmp_path):
    from lisse.errors import ParameterError

    for key, val in (("published", '{ ccd = "1 mA/cm2" }'), ("surfaces", '"LLZTO-TfOH"'), ("measured", '"sym_b"')):
        with pytest.raises(ParameterError, match=rf"\[simulate\] {key}: expected names of the study's \[\[cells\]\] \(A, B\); found 'Bb'"):
            _run(stage, STUDY + f"\n[simulate]\n{key} = {{ Bb = {val} }}\n", tmp_path)


def test_a_cells_measured_interfacial_resistance_sets_its_exchange_current(stage, tmp_path):
    # i0 = RT/(F R_int): 25.693 ohm cm2 <-> 1.000 mA/cm2 at 298.15 K (the fake uses RT/F = 25.693 mV as the model does)
    r = _run(stage, STUDY + '\n[simulate]\ninterfacial_resistance = { B = "25.693 ohm cm2" }\n', tmp_path)
    b, a = r.summary["cells"]["B"], r.summary["cells"]["A"]
    assert b["exchange_current_mA_cm2"] == pytest.approx(1.0, rel=1e-4) and b["exchange_current_source"].startswith("user")
    assert not a["exchange_current_source"].startswith("user")  # only the named cell
    from lisse.errors import ParameterError

    with pytest.raises(ParameterError, match=r"\[simulate\] interfacial_resistance: expected names of the study's"):
        _run(stage, STUDY + '\n[simulate]\ninterfacial_resistance = { Bb = "25 ohm cm2" }\n', tmp_path)


def test_a_foil_limited_prediction_is_a_lower_bound_in_the_verdicts():
    """The Li foil ran out at 10.5 mA/cm2 (CCD 10 a lower bound): an operating current above it is not 'fails', and the
    published comparison is a bound, not a ratio verdict."""
    from lisse.pipeline.stages.simulate import _item, _published

    entry = {"ccd_mA_cm2": 10.0, "failing_current_density_mA_cm2": 10.5, "failure_mode": "li_depleted", "foil_limited": True}
    opts = {"published": {"c": {"ccd": 60.0, "capacity": None, "source": "Wang2024"}}}
    p = _published(opts, "c", entry)
    assert p["ratio_is_lower_bound"] is True and p["ratio_predicted_to_published"] == pytest.approx(10.0 / 6.0, rel=1e-12)
    assert p["within_factor_2"] is None  # at least 1.67 x: inside the factor 2 or above it, not decided
    text = str(_item("c", {**entry, "capacity_per_half_cycle_mAh_cm2": 1.0, "operating_current_density_mA_cm2": 11.0,
                           "holds_operating_current": None, "published": None, "measured": None,
                           "interlayer": "LNI-5CNT", "protocol": "fixed-time"}))
    assert "lower bound" in text and "foil" in text
    text = str(_item("c", {**entry, "capacity_per_half_cycle_mAh_cm2": 1.0, "operating_current_density_mA_cm2": 11.0,
                           "holds_operating_current": None, "published": None, "measured": None,
                           "interlayer": "LNI-5CNT", "protocol": "fixed-time", "warnings": ["the Li contact was lost <b>"]}))
    assert "warning</i>: the Li contact was lost &lt;b&gt;" in text  # shown, and escaped
    # the check with the geometric void depth: a CCD, or the first failing step when no step held (not "CCD –")
    base = {**entry, "capacity_per_half_cycle_mAh_cm2": 1.0, "operating_current_density_mA_cm2": 11.0,
            "holds_operating_current": None, "published": None, "measured": None, "interlayer": "LNI-5CNT",
            "protocol": "fixed-time"}
    chk = {"void_depth_um": 1.0, "prediction_void_depth_um": 14.9, "failure_mode": "short (simulated)"}
    text = str(_item("c", {**base, "void_depth_check": {**chk, "ccd_mA_cm2": None, "failing_current_density_mA_cm2": 0.5}}))
    assert "geometric void depth (1 µm" in text and "calibrated 14.9 µm): no stable step (the first failed at 0.5 mA/cm²)" in text
    text = str(_item("c", {**base, "void_depth_check": {**chk, "ccd_mA_cm2": 5.5, "failing_current_density_mA_cm2": 6.0}}))
    assert "calibrated 14.9 µm): CCD 5.5 mA/cm² (short (simulated))" in text


@pytest.mark.parametrize("key", ["pressure", "temperature"])
def test_the_study_checks_the_simulators_own_bounds(key):
    """A study value the check lets through must not be refused by the run (1500 K passed --check and was then skipped)."""
    from lisse.pipeline.stages.simulate import SCHEMA as STUDY
    from lisse.sim.interface.model import SCHEMA as MODEL

    a, b = STUDY[key], MODEL[key]
    assert (a.low, a.high, a.low_inclusive, a.high_inclusive) == (b.low, b.high, b.low_inclusive, b.high_inclusive)


def test_a_study_temperature_the_simulator_refuses_fails_the_check():
    from lisse.errors import ParameterError
    from lisse.pipeline.study import parse_study

    with pytest.raises(ParameterError, match="temperature"):
        parse_study(STUDY + "\n[simulate]\ntemperature = '1500 K'\n")
    parse_study(STUDY + "\n[simulate]\npressure = '0 MPa'\n")  # no stack pressure: allowed, as on the command line


def test_an_operating_current_above_a_foil_limited_step_gets_no_fails_verdict(stage, tmp_path, monkeypatch):
    """The foil ran out at the failing step: the interface did not fail there, so an operating current above it is not
    'exceeds the predicted CCD' (False) but undecided (None)."""
    import lisse.sim.interface as iface

    orig = iface.predict_ccd

    def foil_limited(model, proto, progress=None, points_per_half_cycle=20):
        p = orig(model, proto, progress, points_per_half_cycle)
        d = p.as_dict()
        p.as_dict = lambda: {**d, "failure_mode": "li_depleted", "foil_limited": True}
        p.foil_limited = True
        return p

    monkeypatch.setattr(iface, "predict_ccd", foil_limited)
    r = _run(stage, STUDY + '\n[simulate]\ncurrent_density = "50 mA/cm2"\n', tmp_path)
    a = r.summary["cells"]["A"]
    assert a["failing_current_density_mA_cm2"] is not None and a["operating_current_density_mA_cm2"] >= a["failing_current_density_mA_cm2"]
    assert a["holds_operating_current"] is None


def test_a_cell_whose_capacity_strips_its_whole_foil_is_listed_as_not_simulated_in_the_studys_terms(stage, tmp_path):
    """Cell A: 20 um of Li (4.12 mAh/cm2, Faraday) against 5 mAh/cm2 per half cycle: an anode-limited cell cannot be
    simulated at its own capacity; the reason names the cell, the capacity and its li_thickness."""
    text = STUDY.replace('cathode_capacity = "2 mAh/cm2"', 'cathode_capacity = "5 mAh/cm2"', 1)
    r = _run(stage, text + "\n[simulate]\n", tmp_path)
    why = r.summary["skipped"]["A"]
    assert "cell 'A': 5 mAh/cm2 per half cycle" in why and "20 um Li foil" in why and "li_thickness" in why
    assert "B" in r.summary["cells"]


def test_a_study_sets_the_time_resolution_of_every_prediction(stage, tmp_path, monkeypatch):
    import lisse.sim.interface as iface

    seen = []
    real = fake.predict_ccd

    def spy(model, proto, progress=None, points_per_half_cycle=20):
        seen.append(points_per_half_cycle)
        return real(model, proto, progress, points_per_half_cycle)

    monkeypatch.setattr(iface, "predict_ccd", spy)
    _run(stage, STUDY + "\n[simulate]\npoints_per_half_cycle = 80\n", tmp_path)
    assert seen and set(seen) == {80}  # every cell's prediction (the fake's check does not simulate)


@pytest.mark.parametrize("value", ["4", "5001", "2.5"])
def test_a_bad_time_resolution_in_a_study_is_refused_by_name(stage, tmp_path, value):
    from lisse.errors import LisseError

    with pytest.raises(LisseError, match="points_per_half_cycle"):
        _run(stage, STUDY + f"\n[simulate]\npoints_per_half_cycle = {value}\n", tmp_path)


def test_a_stage_that_could_simulate_no_cell_fails_with_every_reason(stage, tmp_path):
    """review s40 item 15: [simulate] capacity above both cells' foils listed both as skipped and reported the stage "ok"
    (exit 0, no prediction). Now the stage fails, naming each cell and why."""
    from lisse.errors import ParameterError

    with pytest.raises(ParameterError) as e:
        _run(stage, STUDY + '\n[simulate]\ncapacity = "50 mAh/cm2"\n', tmp_path)
    msg = str(e.value)
    assert msg.startswith("[simulate]: no cell could be simulated: cell 'A': 50 mAh/cm2") and "; cell 'B': 50 mAh/cm2" in msg
    assert "\n" not in msg


def test_without_a_simulate_table_an_interlayer_cell_that_cannot_be_simulated_is_only_listed(stage, tmp_path):
    """The stage also runs by itself for a study with an interlayer cell; nobody asked for predictions there, so a cell it
    cannot simulate (an anode-limited one) is listed as not simulated and the study still evaluates (diff review D6)."""
    text = STUDY.replace('cathode_capacity = "2 mAh/cm2"', 'cathode_capacity = "5 mAh/cm2"', 1)
    r = _run(stage, text, tmp_path)
    assert r.summary["cells"] == {} and "A" in r.summary["skipped"]
