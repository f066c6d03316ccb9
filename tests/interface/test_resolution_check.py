"""Every single prediction is checked at twice its time resolution (``resolution_check``), and says when it moves.

Reference: the second method is the simulator itself at the finer time step (``predict_ccd`` called directly); the
case that moves is Wang2024's ionic LNI-0.5CNT layer, whose verdict was found to depend on the step (0.42 erratic at
20 points, re-judged 0.9 at 40, 0.48 / 0.46 / 0.44 at 80 / 160 / 320; 2026-12-01). Judged on the simulated cycler's
fixed logging grid, with cell currents held over a substep, it reads 0.5 at 20 points and 0.44 from 40 (2026-12-02).
"""

from __future__ import annotations

import json

import pytest

from lisse.sim.interface import build_model, predict_ccd, staircase
from lisse.sim.interface.predict import resolution_check, resolution_warning


@pytest.fixture(scope="module")
def ionic():
    # Wang2024's LNI-0.5CNT staircase (0.02 mA/cm2 x 1 h steps, LNI electrolyte, 1 MPa), searched to 1 mA/cm2
    model = build_model(electrolyte="LNI", pressure="1 MPa", interlayer="LNI-0.5CNT", interlayer_thickness="90 um")
    proto = staircase("fixed-time", start="0.02 mA/cm2", increment="0.02 mA/cm2", step_time="1 h", max_current="1 mA/cm2")
    return model, proto, predict_ccd(model, proto)


def test_the_check_is_the_same_prediction_at_twice_the_points_and_flags_a_moving_verdict(ionic):
    model, proto, pred = ionic
    assert pred.points_per_half_cycle == 20  # no erratic verdict to re-judge
    chk = resolution_check(model, proto, pred)
    fine = predict_ccd(model, proto, points_per_half_cycle=40)  # second method: the simulator at the finer step
    assert chk["points_per_half_cycle"] == 40
    assert chk["failing_current_density_mA_cm2"] == fine.as_dict()["failing_current_density_mA_cm2"]
    assert chk["ccd_mA_cm2"] == fine.as_dict()["ccd_mA_cm2"] and chk["failure_mode"] == fine.failure_mode
    # the two readings: 0.5 (failing 0.52) at 20 points, 0.44 (failing 0.46) at 40; 3 steps of 0.02 mA/cm2 apart
    assert pred.as_dict()["failing_current_density_mA_cm2"] == pytest.approx(0.52, rel=1e-9)
    assert chk["failing_current_density_mA_cm2"] == pytest.approx(0.46, rel=1e-9)
    assert chk["agrees"] is False and chk["steps_apart"] == round((0.52 - 0.46) / 0.02)
    w = resolution_warning(pred, chk)
    assert w is not None and "0.5 mA/cm2 (failing 0.52) at 20" in w and "0.44 mA/cm2 (failing 0.46) at 40" in w
    assert "3 staircase steps apart" in w and "rerun at 80" in w


def test_a_converged_prediction_agrees_and_carries_no_warning():
    # bare Li | LLZTO (Ji2025's air-exposed surface), 0.2 mAh/cm2 steps: the same failing step at 20 and 40 points
    model = build_model(electrolyte="LLZTO")
    proto = staircase("fixed-capacity", start="0.1 mA/cm2", increment="0.1 mA/cm2", step_capacity="0.2 mAh/cm2",
                      max_current="3 mA/cm2")
    pred = predict_ccd(model, proto)
    chk = resolution_check(model, proto, pred)
    fine = predict_ccd(model, proto, points_per_half_cycle=2 * pred.points_per_half_cycle)
    assert pred.failing_current_density_A_m2 is not None
    assert fine.failing_current_density_A_m2 == pytest.approx(pred.failing_current_density_A_m2, rel=1e-12)
    assert chk["agrees"] is True and chk["steps_apart"] == 0
    assert resolution_warning(pred, chk) is None


def test_no_failure_at_either_resolution_agrees_without_a_step_count():
    model = build_model(electrolyte="LLZTO")
    proto = staircase("fixed-capacity", start="0.1 mA/cm2", increment="0.1 mA/cm2", step_capacity="0.2 mAh/cm2",
                      max_current="0.3 mA/cm2")
    pred = predict_ccd(model, proto)
    assert pred.search_limit_reached
    chk = resolution_check(model, proto, pred)
    assert chk["agrees"] is True and chk["steps_apart"] is None and chk["search_limit_reached"] is True


def test_the_warning_says_when_only_one_resolution_found_a_failure(ionic):
    _model, _proto, pred = ionic
    chk = {"agrees": False, "steps_apart": None, "points_per_half_cycle": 80, "ccd_mA_cm2": 1.0,
           "failing_current_density_mA_cm2": None}
    w = resolution_warning(pred, chk)
    assert "no failure up to the search limit at 80" in w and "steps apart" not in w


def test_cli_runs_at_the_points_given_and_reports_the_check(capsys):
    from lisse.cli.main import main

    code = main(["simulate", "ccd", "--interlayer", "none", "--electrolyte", "LLZTO", "--max-current", "2 mA/cm2",
                 "--points-per-half-cycle", "10", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert code in (0, None)
    assert d["points_per_half_cycle"] == 10  # the points given (this staircase is not re-judged)
    assert d["resolution_check"]["points_per_half_cycle"] == 20
    assert d["resolution_check"]["agrees"] is True and not any("time step" in w for w in d["warnings"])


_IONIC_CLI = ["simulate", "ccd", "--interlayer", "LNI-0.5CNT", "--interlayer-thickness", "90 um", "--electrolyte", "LNI",
              "--pressure", "1 MPa", "--step-time", "1 h", "--start", "0.02 mA/cm2", "--increment", "0.02 mA/cm2",
              "--max-current", "0.5 mA/cm2", "--json"]


def test_cli_warns_when_only_the_finer_step_finds_a_failure(capsys):
    # the LNI-0.5CNT staircase searched to 0.5 mA/cm2: no failure at 20 points, failing at 0.46 at 40 (second method:
    # predict_ccd at 40 points, the fixture's test above); a ladder limited to one check warns
    from lisse.cli.main import main

    code = main([*_IONIC_CLI, "--max-points-per-half-cycle", "40"])
    d = json.loads(capsys.readouterr().out)
    assert code in (0, None)
    assert d["search_limit_reached"] is True and d["points_per_half_cycle"] == 20
    chk = d["resolution_check"]
    assert chk["agrees"] is False and chk["steps_apart"] is None and chk["converged"] is False
    assert chk["failing_current_density_mA_cm2"] == pytest.approx(0.46, rel=1e-9)
    assert [r["points_per_half_cycle"] for r in chk["ladder"]] == [20, 40]
    (w,) = [w for w in d["warnings"] if "moves with the time step" in w]
    assert "no failure up to the search limit at 20" in w and "(failing 0.46) at 40" in w and "--points-per-half-cycle" in w


def test_cli_halves_the_time_step_until_two_resolutions_agree(capsys):
    # the same staircase with the default ladder: 20 (no failure) and 40 (0.46) disagree; 40 and 80 agree (second method:
    # predict_ccd at 40 and 80 points called directly)
    from lisse.cli.main import main

    code = main(_IONIC_CLI)
    d = json.loads(capsys.readouterr().out)
    assert code in (0, None)
    model = build_model(electrolyte="LNI", pressure="1 MPa", interlayer="LNI-0.5CNT", interlayer_thickness="90 um")
    proto = staircase("fixed-time", start="0.02 mA/cm2", increment="0.02 mA/cm2", step_time="1 h", max_current="0.5 mA/cm2")
    at40, at80 = (predict_ccd(model, proto, points_per_half_cycle=n).as_dict() for n in (40, 80))
    assert d["points_per_half_cycle"] == 40 and d["search_limit_reached"] is False
    assert d["failing_current_density_mA_cm2"] == at40["failing_current_density_mA_cm2"] == pytest.approx(0.46, rel=1e-9)
    chk = d["resolution_check"]
    assert chk["agrees"] is True and chk["converged"] is True and chk["points_per_half_cycle"] == 80
    assert chk["failing_current_density_mA_cm2"] == at80["failing_current_density_mA_cm2"]
    assert [r["points_per_half_cycle"] for r in chk["ladder"]] == [20, 40, 80]
    assert chk["ladder"][0]["failing_current_density_mA_cm2"] is None
    assert "no failure up to the search limit at 20 points per half cycle" in d["resolution_note"]
    assert not any("time step" in w for w in d.get("warnings", []))
    # the void-depth check runs at the resolution the ladder settled on (its reading there)
    alt = predict_ccd(model.with_(void_depth_ratio=1.0), proto, points_per_half_cycle=40).as_dict()
    assert d["void_depth_check"]["failing_current_density_mA_cm2"] == alt["failing_current_density_mA_cm2"]


def test_the_ladder_stops_at_the_first_agreeing_pair_and_matches_the_simulator(ionic):
    from lisse.sim.interface.predict import converge_time_step

    model, proto, pred = ionic
    got, chk = converge_time_step(model, proto, predict_ccd(model, proto))
    at40, at80 = (predict_ccd(model, proto, points_per_half_cycle=n) for n in (40, 80))
    assert got.points_per_half_cycle == 40 and got.failing_current_density_A_m2 == at40.failing_current_density_A_m2
    assert got.ccd_A_m2 == pytest.approx(4.4, rel=1e-9)  # 0.44 mA/cm2 (0.5 at 20: three steps higher)
    assert chk["points_per_half_cycle"] == 80 and chk["failing_current_density_mA_cm2"] == at80.as_dict()["failing_current_density_mA_cm2"]
    assert chk["agrees"] is True and chk["converged"] is True and chk["steps_apart"] == 0
    assert [(r["points_per_half_cycle"], r["failing_current_density_mA_cm2"]) for r in chk["ladder"]] == [
        (20, pytest.approx(0.52, rel=1e-9)), (40, pytest.approx(0.46, rel=1e-9)), (80, pytest.approx(0.46, rel=1e-9))]
    assert "0.5 mA/cm2 (failing 0.52) at 20 points per half cycle" in got.resolution_note
    assert resolution_warning(got, chk) is None


class _Reading:
    """A prediction whose failing step is given per resolution (the ladder's bookkeeping, without the simulator)."""

    def __init__(self, points, failing):
        self.points_per_half_cycle, self.failing_current_density_A_m2 = points, failing
        self.ccd_A_m2, self.failure_mode, self.foil_limited, self.resolution_note = failing - 1.0, "voltage_collapse", False, None

    def as_dict(self):
        return {"ccd_mA_cm2": self.ccd_A_m2 / 10, "failing_current_density_mA_cm2": self.failing_current_density_A_m2 / 10,
                "search_limit_reached": False, "failure_mode": self.failure_mode}


@pytest.mark.parametrize(("limit", "rungs"), [(40, [20, 40]), (80, [20, 40, 80]), (160, [20, 40, 80, 160]),
                                              (200, [20, 40, 80, 160]), (10, [20, 40])])
def test_the_ladder_never_passes_its_limit_and_warns_when_it_ends_unconverged(monkeypatch, limit, rungs):
    import lisse.sim.interface.predict as predict

    proto = staircase("fixed-time", start="0.1 mA/cm2", increment="0.1 mA/cm2", step_time="1 h", max_current="5 mA/cm2")
    failing = {20: 10.0, 40: 20.0, 80: 30.0, 160: 40.0, 320: 40.0}  # A/m2: a new step at every resolution up to 160
    seen = []

    def fake(model, protocol, progress=None, points_per_half_cycle=20):
        seen.append(points_per_half_cycle)
        return _Reading(points_per_half_cycle, failing[points_per_half_cycle])

    monkeypatch.setattr(predict, "predict_ccd", fake)
    got, chk = predict.converge_time_step(None, proto, _Reading(20, 10.0), max_points_per_half_cycle=limit)
    assert seen == rungs[1:] and [r["points_per_half_cycle"] for r in chk["ladder"]] == rungs
    assert chk["converged"] is False and got.points_per_half_cycle == rungs[-2]
    w = predict.resolution_warning(got, chk)
    if len(rungs) > 2:
        assert "not converged after halving the time step to" in w and "--max-points-per-half-cycle" in w
        assert "(failing 1) at 20" in w  # the earlier readings are named
    else:
        assert "rerun at 80" in w and "--points-per-half-cycle" in w


def test_the_ladder_runs_on_when_a_limit_allows_and_stops_where_two_agree(monkeypatch):
    import lisse.sim.interface.predict as predict

    proto = staircase("fixed-time", start="0.1 mA/cm2", increment="0.1 mA/cm2", step_time="1 h", max_current="5 mA/cm2")
    failing = {40: 20.0, 80: 30.0, 160: 40.0, 320: 40.0, 640: 50.0}
    monkeypatch.setattr(predict, "predict_ccd", lambda m, p, progress=None, points_per_half_cycle=20:
                        _Reading(points_per_half_cycle, failing[points_per_half_cycle]))
    got, chk = predict.converge_time_step(None, proto, _Reading(20, 10.0), max_points_per_half_cycle=10_000)
    assert got.points_per_half_cycle == 160 and chk["points_per_half_cycle"] == 320 and chk["converged"] is True
    assert predict.resolution_warning(got, chk) is None


@pytest.mark.parametrize("bad", [0, 4, 10_001, 2.5, True, "320"])
def test_the_ladder_refuses_a_bad_limit(ionic, bad):
    from lisse.errors import ParameterError
    from lisse.sim.interface.predict import converge_time_step

    model, proto, pred = ionic
    with pytest.raises(ParameterError, match="max_points_per_half_cycle: expected an integer from 5 to 10000"):
        converge_time_step(model, proto, pred, max_points_per_half_cycle=bad)


def test_the_cli_restates_the_simulator_limits():
    import lisse.cli.simulate as cli
    from lisse.sim.interface import predict, transient

    assert cli.MIN_SIMULATED_POINTS == transient.MIN_SIMULATED_POINTS == 5
    assert cli.MAX_SIMULATED_POINTS == transient.MAX_SIMULATED_POINTS == 10_000
    assert cli.MAX_LADDER_POINTS == predict.MAX_LADDER_POINTS == 320
    from lisse.sim.interface import protocol

    assert cli.MAX_HALF_CYCLE_H * 3600.0 == protocol.MAX_HALF_CYCLE_S == 3.6e7
    assert cli.MAX_STAIRCASE_STEPS * 2 == protocol.MAX_HALF_CYCLES == 20_000


def test_the_check_refuses_a_cycling_protocol_and_a_resolution_past_the_simulator():
    from types import SimpleNamespace

    from lisse.errors import ParameterError
    from lisse.sim.interface import cycling_protocol

    model = build_model(electrolyte="LLZTO")
    with pytest.raises(ParameterError, match="staircase"):
        resolution_check(model, cycling_protocol("0.1 mA/cm2", "1 h", 2), SimpleNamespace(points_per_half_cycle=20))
    proto = staircase("fixed-capacity", start="0.1 mA/cm2", increment="0.1 mA/cm2", step_capacity="0.2 mAh/cm2",
                      max_current="0.3 mA/cm2")
    with pytest.raises(ParameterError, match="10000"):
        resolution_check(model, proto, SimpleNamespace(points_per_half_cycle=5001))


def test_the_same_step_read_as_the_foil_running_out_at_one_resolution_does_not_agree(monkeypatch):
    import lisse.sim.interface.predict as predict

    model = build_model(electrolyte="LLZTO")
    proto = staircase("fixed-capacity", start="0.1 mA/cm2", increment="0.1 mA/cm2", step_capacity="0.2 mAh/cm2",
                      max_current="3 mA/cm2")
    pred = predict_ccd(model, proto)
    fine = predict_ccd(model, proto, points_per_half_cycle=40)
    assert fine.failing_current_density_A_m2 == pred.failing_current_density_A_m2 and not fine.foil_limited
    assert predict.resolution_check(model, proto, pred)["agrees"] is True  # before: the two agree
    fine.failure_mode = "li_depleted"  # the same failing step, read as the foil running out (foil_limited)
    monkeypatch.setattr(predict, "predict_ccd", lambda *a, **k: fine)
    chk = predict.resolution_check(model, proto, pred)
    assert chk["steps_apart"] == 0 and chk["agrees"] is False
    w = predict.resolution_warning(pred, chk)
    assert "; the Li foil ran out) at 40" in w and "steps apart" not in w


def test_the_checks_are_part_of_the_package_api():
    import lisse.sim.interface as iface

    assert iface.resolution_check is resolution_check and "resolution_check" in iface.__all__
    assert iface.void_depth_check.__name__ == "void_depth_check"


def test_cli_keeps_the_prediction_when_the_check_fails(capsys, monkeypatch):
    import lisse.sim.interface.predict as predict
    from lisse.cli.main import main
    from lisse.errors import ParameterError

    def broken(model, proto, pred, **kw):
        raise ParameterError("resolution_check: broken on purpose")

    monkeypatch.setattr(predict, "converge_time_step", broken)
    code = main(["simulate", "ccd", "--interlayer", "none", "--electrolyte", "LLZTO", "--max-current", "0.5 mA/cm2", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert code in (0, None) and "ccd_mA_cm2" in d
    assert d["resolution_check"] == {"error": "resolution_check: broken on purpose"}
    assert any("could not run: resolution_check: broken on purpose" in w for w in d["warnings"])
    code = main(["simulate", "ccd", "--interlayer", "none", "--electrolyte", "LLZTO", "--max-current", "0.5 mA/cm2"])
    assert "time step check    could not run: resolution_check: broken on purpose" in capsys.readouterr().out


@pytest.mark.parametrize("value", ["4", "5001", "x3", "2.5", "1e4", "nan", "inf"])
def test_cli_refuses_a_bad_resolution_in_one_line(capsys, value):
    from lisse.cli.main import main

    try:
        code = main(["simulate", "ccd", "--interlayer", "none", "--points-per-half-cycle", value])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "--points-per-half-cycle" in err and value in err and "5 to 5000" in err


@pytest.mark.parametrize("value", ["4", "10001", "x", "2.5", "1e5"])
def test_cli_refuses_a_bad_ladder_limit_in_one_line(capsys, value):
    from lisse.cli.main import main

    try:
        code = main(["simulate", "ccd", "--interlayer", "none", "--max-points-per-half-cycle", value])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1
    assert "--max-points-per-half-cycle" in err and value in err and "5 to 10000" in err


def test_cli_reads_a_resolution_written_as_a_float_as_a_study_does(capsys):
    # a study's TOML takes points_per_half_cycle = 1e1; the CLI now takes "1e1" and "10.0" too (both 10)
    from lisse.cli.main import main

    base = ["simulate", "ccd", "--interlayer", "none", "--electrolyte", "LLZTO", "--max-current", "0.3 mA/cm2", "--json"]
    for text in ("1e1", "10.0"):
        assert main([*base, "--points-per-half-cycle", text]) in (0, None)
        assert json.loads(capsys.readouterr().out)["points_per_half_cycle"] == 10


def test_the_study_stage_carries_the_check_and_its_warning(monkeypatch, tmp_path):
    from . import fake_interface as fake
    from .test_simulate_stage import STUDY, _run

    fake.install(monkeypatch)
    import lisse.sim.interface.predict as predict
    from lisse.pipeline.registry import all_stages

    stage = {s.name: s for s in all_stages()}["simulate"]
    r = _run(stage, STUDY, tmp_path)
    a = r.summary["cells"]["A"]
    assert a["resolution_check"]["agrees"] is True and not any("time step" in w for w in a.get("warnings", []))
    assert "the same failing step at twice the time resolution (40 points per half cycle)" in str(r.html)
    row = r.tables["predicted_ccd"].iloc[0]
    assert bool(row["time_step_check_agrees"]) is True and row["ccd_at_twice_the_time_resolution_mA_cm2"] == a["ccd_mA_cm2"]

    def moving(model, proto, pred):
        return {**fake.resolution_check(model, proto, pred), "agrees": False, "steps_apart": 3, "ccd_mA_cm2": 0.5,
                "failing_current_density_mA_cm2": 1.0}

    monkeypatch.setattr(predict, "resolution_check", moving)
    monkeypatch.setattr(predict, "resolution_warning", lambda pred, chk: "the predicted CCD moves with the time step: fake")
    r = _run(stage, STUDY, tmp_path / "again")
    a = r.summary["cells"]["A"]
    assert a["resolution_check"]["agrees"] is False and "moves with the time step" in " ".join(a["warnings"])
    assert "moves with the time step" in str(r.html) and "the same failing step at twice" not in str(r.html)
    assert r.predictions[0]["parameters_json"]["resolution_check"]["steps_apart"] == 3
    row = r.tables["predicted_ccd"].iloc[0]  # the check's own reading, not the prediction's
    assert bool(row["time_step_check_agrees"]) is False and row["ccd_at_twice_the_time_resolution_mA_cm2"] == 0.5

    from lisse.errors import ParameterError

    def broken(model, proto, pred, **kw):
        raise ParameterError("resolution_check: broken on purpose")

    monkeypatch.setattr(predict, "converge_time_step", broken)
    r = _run(stage, STUDY, tmp_path / "broken")
    a = r.summary["cells"]["A"]  # the prediction stays; the failed check is said
    assert a["ccd_mA_cm2"] is not None and a["resolution_check"] == {"error": "resolution_check: broken on purpose"}
    assert "could not run: resolution_check: broken on purpose" in str(r.html)


def test_cli_map_reports_its_time_step_check_and_warns_where_it_moves(capsys):
    from lisse.cli.main import main

    code = main(["simulate", "map", "--kind", "pressure", "--interlayer", "LNI-0.5CNT", "--interlayer-thickness", "90 um",
                 "--electrolyte", "LNI", "--step-time", "1 h", "--start", "0.02 mA/cm2", "--increment", "0.02 mA/cm2",
                 "--max-current", "1 mA/cm2", "--pressure-range", "1 MPa", "2 MPa", "--points", "2", "--json"])
    d = json.loads(capsys.readouterr().out)
    assert code in (0, None)
    assert d["resolution_audit_points"] == 2
    row = d["resolution_audit"][0]
    assert row["pressure_MPa"] == pytest.approx(1.0, rel=1e-12) and row["agrees"] is False
    assert row["failing_current_density_mA_cm2"] == pytest.approx(0.52, rel=1e-9)
    assert row["failing_current_density_at_twice_the_points_mA_cm2"] == pytest.approx(0.46, rel=1e-9)
    moved = 2 - d["resolution_audit_agree"]
    (w,) = d["warnings"]
    assert w.startswith(f"{moved} of 2 map points re-run at twice the time resolution") and "(pressure_MPa 1)" in w


def test_the_study_stage_reports_the_ladders_prediction_and_passes_its_limit(monkeypatch, tmp_path):
    # the ladder returns ANOTHER prediction (finer, another CCD): the stage's entry, table, void-depth check and database
    # row must all be that one, and the study's max_points_per_half_cycle must reach the ladder
    from types import SimpleNamespace

    from . import fake_interface as fake
    from .test_simulate_stage import STUDY, _run

    fake.install(monkeypatch)
    import lisse.sim.interface.predict as predict
    from lisse.pipeline.registry import all_stages

    calls: dict = {}

    def ladder(model, proto, pred, max_points_per_half_cycle=320, progress=None):
        calls["max"] = max_points_per_half_cycle
        fine = fake.predict_ccd(model, proto, points_per_half_cycle=80)
        d = fine.as_dict()
        moved = SimpleNamespace(**{**vars(fine), "ccd_A_m2": 1.5, "points_per_half_cycle": 80,
                                   "resolution_note": "time step halved (fake)",
                                   "as_dict": lambda: {**d, "ccd_mA_cm2": 0.15, "points_per_half_cycle": 80,
                                                       "resolution_note": "time step halved (fake)"}})
        return moved, {**fake.resolution_check(model, proto, moved), "points_per_half_cycle": 160, "ladder": [], "converged": True}

    def void_check(model, proto, points_per_half_cycle=20):
        calls["void_points"] = points_per_half_cycle
        return None

    monkeypatch.setattr(predict, "converge_time_step", ladder)
    monkeypatch.setattr(predict, "void_depth_check", void_check)
    stage = {s.name: s for s in all_stages()}["simulate"]
    r = _run(stage, STUDY + "\n[simulate]\nmax_points_per_half_cycle = 1e3\n", tmp_path)
    a = r.summary["cells"]["A"]
    assert calls["max"] == 1000 and calls["void_points"] == 80
    assert a["ccd_mA_cm2"] == 0.15 and a["points_per_half_cycle"] == 80
    assert r.tables["predicted_ccd"].set_index("cell").loc["A", "ccd_mA_cm2"] == 0.15
    assert r.predictions[0]["value"] == 0.15 and r.predictions[0]["parameters_json"]["points_per_half_cycle"] == 80
    assert "time step halved (fake)" in str(r.html)


def test_cli_writes_and_checks_the_ladders_prediction(capsys, monkeypatch, tmp_path):
    # LNI-50CNT on Wang's staircase: the ladder settles at 80 points (0.68/0.66/0.64/0.64 at 20-160); the --out record
    # must be the 80-point simulation (second method: predict_ccd at 80 called directly) and the void-depth check must
    # run at 80 too
    import lisse.sim.interface.predict as predict
    from lisse.cli.main import main

    seen = []
    real = predict.void_depth_check

    def spy(model, proto, points_per_half_cycle=20):
        seen.append(points_per_half_cycle)
        return real(model, proto, points_per_half_cycle=points_per_half_cycle)

    monkeypatch.setattr(predict, "void_depth_check", spy)
    out = tmp_path / "run"
    code = main(["simulate", "ccd", "--interlayer", "LNI-50CNT", "--interlayer-thickness", "90 um", "--electrolyte", "LNI",
                 "--pressure", "1 MPa", "--step-time", "1 h", "--start", "0.02 mA/cm2", "--increment", "0.02 mA/cm2",
                 "--max-current", "0.8 mA/cm2", "--json", "--out", str(out)])
    d = json.loads(capsys.readouterr().out)
    assert code in (0, None) and d["points_per_half_cycle"] == 80 and seen == [80]
    model = build_model(electrolyte="LNI", pressure="1 MPa", interlayer="LNI-50CNT", interlayer_thickness="90 um")
    proto = staircase("fixed-time", start="0.02 mA/cm2", increment="0.02 mA/cm2", step_time="1 h", max_current="0.8 mA/cm2")
    at80 = predict_ccd(model, proto, points_per_half_cycle=80)
    import pandas as pd

    rec = pd.read_csv(out / "simulated_record.csv")
    assert len(rec) == len(at80.simulation.record.time_s) and rec["voltage_V"].iloc[-1] == pytest.approx(
        float(at80.simulation.record.voltage_V[-1]), rel=1e-12, abs=0.0)
    saved = json.loads((out / "prediction.json").read_text())
    assert saved["points_per_half_cycle"] == 80 and saved["ccd_mA_cm2"] == d["ccd_mA_cm2"] == pytest.approx(0.64, rel=1e-9)


def test_the_ladder_refuses_a_cycling_protocol():
    from types import SimpleNamespace

    from lisse.errors import ParameterError
    from lisse.sim.interface import cycling_protocol
    from lisse.sim.interface.predict import converge_time_step

    with pytest.raises(ParameterError, match="converge_time_step: expected a CCD staircase"):
        converge_time_step(build_model(electrolyte="LLZTO"), cycling_protocol("0.1 mA/cm2", "1 h", 2),
                           SimpleNamespace(points_per_half_cycle=20))


def test_the_ladder_reports_its_progress_per_rung(ionic):
    from lisse.sim.interface.predict import converge_time_step

    model, proto, pred = ionic
    calls = []
    _got, chk = converge_time_step(model, proto, pred, progress=lambda done, total: calls.append((done, total)))
    restarts = sum(1 for a, b in zip(calls, calls[1:]) if b[0] < a[0])  # a bar starts again for each re-run
    assert len(chk["ladder"]) == 3 and calls and restarts == len(chk["ladder"]) - 2


def test_a_later_rung_that_fails_keeps_the_rungs_read(monkeypatch):
    import lisse.sim.interface.predict as predict
    from lisse.errors import CalculationError

    proto = staircase("fixed-time", start="0.1 mA/cm2", increment="0.1 mA/cm2", step_time="1 h", max_current="5 mA/cm2")
    failing = {40: 20.0}

    def fake(model, protocol, progress=None, points_per_half_cycle=20):
        if points_per_half_cycle not in failing:
            raise CalculationError("CCD detection: cannot judge (on purpose)")
        return _Reading(points_per_half_cycle, failing[points_per_half_cycle])

    monkeypatch.setattr(predict, "predict_ccd", fake)
    got, chk = predict.converge_time_step(None, proto, _Reading(20, 10.0))
    assert got.points_per_half_cycle == 20 and chk["points_per_half_cycle"] == 40 and chk["converged"] is False
    assert [r["points_per_half_cycle"] for r in chk["ladder"]] == [20, 40]
    assert "the check at 80 points per half cycle could not run (CCD detection: cannot judge (on purpose))" == chk["stopped"]
    assert chk["stopped"] in got.resolution_note
    with pytest.raises(CalculationError):  # the first check's failure is the caller's
        predict.converge_time_step(None, proto, _Reading(40, 10.0))


def test_the_unconverged_note_does_not_claim_agreement(monkeypatch):
    import lisse.sim.interface.predict as predict

    proto = staircase("fixed-time", start="0.1 mA/cm2", increment="0.1 mA/cm2", step_time="1 h", max_current="5 mA/cm2")
    failing = {40: 20.0, 80: 30.0}
    monkeypatch.setattr(predict, "predict_ccd", lambda m, p, progress=None, points_per_half_cycle=20:
                        _Reading(points_per_half_cycle, failing[points_per_half_cycle]))
    got, chk = predict.converge_time_step(None, proto, _Reading(20, 10.0), max_points_per_half_cycle=80)
    assert chk["converged"] is False and got.points_per_half_cycle == 40
    assert "without two successive resolutions agreeing" in got.resolution_note and "until two" not in got.resolution_note


@pytest.mark.parametrize("value", ["40.5", "1e-3"])
def test_cli_refuses_a_fractional_resolution(capsys, value):
    from lisse.cli.main import main

    for option in ("--points-per-half-cycle", "--max-points-per-half-cycle"):
        try:
            code = main(["simulate", "ccd", "--interlayer", "none", option, value])
        except SystemExit as exc:
            code = exc.code
        err = capsys.readouterr().err.strip()
        assert code == 2 and f"{option}: expected a whole number" in err and f"got '{value}'" in err


def test_cli_labels_each_rung_of_the_ladder_on_its_progress_bar():
    from lisse.cli.simulate import _rung_progress
    from lisse.io.progress import _SilentBar

    labels = []

    class Bar(_SilentBar):
        def set_postfix_str(self, s="", refresh=True):
            labels.append(s)

    bar = Bar(10)
    report = _rung_progress(bar)
    for done in (1, 2, 3, 1, 2, 1):  # three re-runs, each counting its half cycles from the start
        report(done, 3)
    assert labels == [f"time-step check {k} (twice the points of the last)" for k in (1, 2, 3)] and bar.n == 1
