"""``lisse simulate ccd|map|design``: the scripted-use contract and the one-line errors (on a fake simulator).

The fake interface (tests/interface/fake_interface.py) fails above a known current density; the CLI must
print the staircase answer worked out from it, in the contract's keys and units, and refuse bad input with
one line (exit 2) naming the option.
"""

from __future__ import annotations

import json

import pytest

from lisse.cli.main import main

from . import fake_interface as fake

CONTRACT = {"ccd_mA_cm2", "failing_current_density_mA_cm2", "search_limit_reached", "failure_mode", "protocol",
            "calibrated_parameters"}


@pytest.fixture
def run(monkeypatch, capsys):
    fake.install(monkeypatch)

    def go(*argv: str) -> tuple[object, str, str]:
        code: object
        try:
            code = main(list(argv))
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        cap = capsys.readouterr()
        return code, cap.out, cap.err

    return go


def test_ccd_json_contract(run):
    code, out, err = run("simulate", "ccd", "--interlayer", "LNI-5CNT", "--interlayer-thickness", "90 um", "--protocol", "fixed-time",
                         "--step-time", "1 h", "--start", "0.1", "--increment", "0.1", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert CONTRACT <= set(d)
    # fake threshold 10 A/m2 x 90/50 = 18 A/m2 = 1.8 mA/cm2: last stable 1.8, first failing 1.9 mA/cm2
    assert d["ccd_mA_cm2"] == pytest.approx(1.8, rel=1e-9)
    assert d["failing_current_density_mA_cm2"] == pytest.approx(1.9, rel=1e-9)
    assert d["search_limit_reached"] is False and d["protocol"] == "fixed-time"
    assert d["calibrated_parameters"] == ["i0"] and "Wang2024" in d["calibrated_on"]["i0"]
    assert d["interface"]["interlayer_thickness_um"] == pytest.approx(90.0, rel=1e-12)


def test_ccd_no_failure_is_not_a_ccd(run):
    code, out, _ = run("simulate", "ccd", "--interlayer", "none", "--max-current", "0.15 mA/cm2", "--start", "0.1 mA/cm2",
                       "--increment", "0.01 mA/cm2", "--json")
    d = json.loads(out)
    assert code == 0 and d["failing_current_density_mA_cm2"] is None and d["search_limit_reached"] is True
    code, out, _ = run("simulate", "ccd", "--interlayer", "none", "--max-current", "0.15 mA/cm2", "--start", "0.1 mA/cm2",
                       "--increment", "0.01 mA/cm2")
    assert code == 0 and "no failure up to the search limit" in out and "not a CCD" in out
    assert d["protocol"] == "fixed-capacity"  # the default protocol


def test_ccd_text_names_convention_failure_and_calibration(run):
    code, out, _ = run("simulate", "ccd", "--interlayer", "LNI-5CNT", "--interlayer-thickness", "50 um")
    assert code == 0
    assert "last stable step" in out and "fixed-capacity" in out and "0.2 mAh/cm2 per half cycle" in out
    assert "failing step" in out and "contact_loss" in out
    assert "i0: calibrated on assumed (calibrated): fitted to Wang2024" in out


def test_ccd_out_writes_record_state_and_figure(run, tmp_path):
    code, out, err = run("simulate", "ccd", "--interlayer", "LNI-5CNT", "--interlayer-thickness", "50 um", "--out", str(tmp_path / "o"),
                         "--json")
    assert code == 0, err
    files = json.loads(out)["files"]
    assert sorted(p.rsplit("/", 1)[1] for p in files) == ["prediction.json", "simulated_ccd.png", "simulated_record.csv",
                                                          "simulated_state.csv"]
    kept = json.loads((tmp_path / "o" / "prediction.json").read_text())  # the folder alone names what was calibrated
    assert kept["ccd_mA_cm2"] == json.loads(out)["ccd_mA_cm2"] and "calibrated_parameters" in kept
    assert kept["calibrated_parameters"] == ["i0"] and kept["model_parameters"]["i0"]["calibrated"] is True  # fake's i0
    assert "Wang2024" in kept["model_parameters"]["i0"]["source"]
    # the tables name it on every row too: a CSV copied out of the folder does not pass as an independent prediction
    import pandas as pd

    record = pd.read_csv(tmp_path / "o" / "simulated_record.csv")
    assert list(record.columns) == ["time_s", "voltage_V", "current_A", "calibrated_parameters"]
    assert len(record) > 10 and set(record["calibrated_parameters"]) == {"i0"}
    state = pd.read_csv(tmp_path / "o" / "simulated_state.csv")
    assert list(state.columns)[-1] == "calibrated_parameters" and set(state["calibrated_parameters"]) == {"i0"}
    assert len(state.columns) > 2 and len(state) > 10


@pytest.mark.parametrize("argv, needle", [
    (["--interlayer", "NOPE", "--interlayer-thickness", "90 um"], "NOPE"),
    (["--interlayer", "LNI-5CNT", "--interlayer-thickness", "90 mA/cm2"], "--interlayer-thickness"),
    (["--interlayer", "LNI-5CNT", "--interlayer-thickness", "90 um", "--step-time", "1 h", "--step-capacity", "1 mAh/cm2"], "not allowed with"),
    (["--interlayer", "LNI-5CNT", "--interlayer-thickness", "90 um", "--protocol", "fixed-capacity", "--step-time", "1 h"], "--step-time"),
    (["--interlayer", "LNI-5CNT", "--interlayer-thickness", "90 um", "--protocol", "fixed-time", "--step-capacity", "1 mAh/cm2"], "--step-capacity"),
    (["--interlayer", "LNI-5CNT", "--interlayer-thickness", "90 um", "--start", "0"], "--start"),
    (["--interlayer", "LNI-5CNT", "--interlayer-thickness", "90 um", "--start", "-1"], "--start"),
    (["--interlayer", "LNI-5CNT"], "--interlayer-thickness"),
    (["--interlayer", "none", "--interlayer-thickness", "9 um"], "--interlayer-thickness"),
    (["--interlayer", "LNI-5CNT", "--interlayer-thickness", "90 um", "--porosity", "1.5"], "--porosity"),
    (["--interlayer", "none", "--step-capacity", "0"], "got 0 mAh/cm2"),
    (["--interlayer", "none", "--step-time", "0 min"], "got 0 h"),
])
def test_ccd_bad_input_is_one_line_exit_2(run, argv, needle):
    code, out, err = run("simulate", "ccd", *argv, "--json")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and needle in err and "Traceback" not in err


def test_map_json_and_out(run, tmp_path):
    code, out, err = run("simulate", "map", "--kind", "thickness-porosity", "--interlayer", "LNI-5CNT", "--points", "3",
                         "--thickness-range", "20 um", "80 um", "--max-current", "3 mA/cm2", "--out", str(tmp_path / "m"), "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["points"] == 9 and len(d["table"]["thickness_um"]) == 9
    assert d["table"]["thickness_um"][0] == pytest.approx(20.0, rel=1e-9)
    assert d["table"]["porosity"][:3] == [0.1, 0.1, 0.1]  # default porosity range 0.1-0.7, rows along porosity
    assert (tmp_path / "m" / "ccd_map_thickness_porosity.csv").exists() and (tmp_path / "m" / "ccd_map_thickness_porosity.png").exists()
    # the map's time-step check (fake: the same step at any resolution), in the JSON and beside the figure
    assert d["resolution_audit_points"] == 8 and d["resolution_audit_agree"] == 8 and "warnings" not in d
    import pandas as pd

    check = pd.read_csv(tmp_path / "m" / "ccd_map_thickness_porosity_time_step_check.csv")
    assert len(check) == 8 and check["agrees"].all() and {"index", "thickness_um", "porosity"} <= set(check.columns)
    code, out, err = run("simulate", "map", "--kind", "thickness-porosity", "--interlayer", "LNI-5CNT", "--points", "3",
                         "--thickness-range", "20 um", "80 um", "--max-current", "3 mA/cm2")
    assert code == 0 and "time step check    8 of 8 points" in out


@pytest.mark.parametrize("argv, needle", [
    (["--kind", "pressure", "--interlayer", "none", "--pressure", "1 MPa"], "--pressure"),
    (["--kind", "pressure", "--interlayer", "none", "--sigma-e-range", "1e-4", "1e-2"], "--sigma-e-range"),
    (["--kind", "conductivity", "--interlayer", "LNI-5CNT", "--points", "500"], "--points"),
    (["--kind", "conductivity", "--interlayer", "LNI-5CNT", "--sigma-e-range", "1e-2", "1e-4"], "--sigma-e-range"),
    # the message shows the numbers as the user typed them, in the option's unit (was "got 10000000.0 and 100000.0 (SI)")
    (["--kind", "pressure", "--interlayer", "none", "--pressure-range", "10", "0.1"], "got 10 and 0.1 MPa"),
    (["--kind", "conductivity", "--interlayer", "LNI-5CNT", "--sigma-e-range", "1e-2", "1e-4"], "got 0.01 and 0.0001 S/cm"),
])
def test_map_bad_input(run, argv, needle):
    code, out, err = run("simulate", "map", *argv)
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_design_json(run):
    code, out, err = run("simulate", "design", "--interlayer", "LNI-5CNT", "--target-current", "0.8 mA/cm2", "--target-capacity",
                         "0.8 mAh/cm2", "--json")
    assert code == 0, err
    d = json.loads(out)
    assert d["holds"] is True and 40.0 <= d["thickness_um"] <= 42.0  # fake: holds from 40 um (rtol 5 %)
    code, out, _ = run("simulate", "design", "--interlayer", "LNI-5CNT", "--target-current", "10 mA/cm2", "--target-capacity",
                       "1 mAh/cm2", "--thickness-max", "100 um")
    assert code == 0 and "no LNI-5CNT interlayer up to 100 um holds" in out


def test_interlayer_conductivity_options_reach_the_model(run):
    """--interlayer-sigma-ion/-e set what the library's hint names (the CLI had no way to give a layer's conductivity)."""
    args = ("simulate", "ccd", "--interlayer", "LNI-5CNT", "--interlayer-thickness", "50 um", "--start", "0.1", "--increment", "0.1",
            "--json")
    code, out, err = run(*args, "--interlayer-sigma-ion", "0.05 S/cm", "--interlayer-sigma-e", "1e-3")
    assert code == 0, err
    d = json.loads(out)
    # fake threshold 10 A/m2 x (50/50) x sqrt(sigma_ion = 5 S/m) = 22.4 A/m2: last stable 2.2, first failing 2.3 mA/cm2
    assert d["ccd_mA_cm2"] == pytest.approx(2.2, rel=1e-9) and d["failing_current_density_mA_cm2"] == pytest.approx(2.3, rel=1e-9)
    assert d["interface"]["interlayer_sigma_ion_S_cm"] == pytest.approx(0.05, rel=1e-12)
    assert d["interface"]["interlayer_sigma_e_S_cm"] == pytest.approx(1e-3, rel=1e-12)  # a bare number is in S/cm
    # design: the fake holds 0.8 mA/cm2 from t = 40 um x (1 S/m / sigma_ion)^0.5, so 17.9 um at 5 S/m (rtol 5 %)
    code, out, err = run("simulate", "design", "--interlayer", "LNI-5CNT", "--target-current", "0.8 mA/cm2", "--target-capacity",
                         "0.8 mAh/cm2", "--interlayer-sigma-ion", "0.05 S/cm", "--json")
    assert code == 0, err
    assert 40.0 / 5 ** 0.5 <= json.loads(out)["thickness_um"] <= 1.05 * 40.0 / 5 ** 0.5
    for argv, needle in ((["ccd", "--interlayer", "none", "--interlayer-sigma-ion", "1e-4"], "--interlayer-sigma-ion"),
                         (["map", "--kind", "conductivity", "--interlayer", "LNI-5CNT", "--interlayer-sigma-e", "1"], "--interlayer-sigma-e")):
        code, out, err = run("simulate", *argv)
        assert code == 2 and needle in err and len(err.strip().splitlines()) == 1, err


def test_missing_library_conductivity_names_the_cli_option(capsys):
    """The library's hint names its keyword (interlayer_sigma_ion=...); the CLI names its own option instead."""
    code = main(["simulate", "ccd", "--interlayer", "LiF", "--interlayer-thickness", "1 um"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "pass --interlayer-sigma-ion ... (S/cm)" in err and "interlayer_sigma_ion" not in err, err


@pytest.mark.parametrize("argv, named", [
    (("simulate", "ccd", "--interlayer", "none", "--step-capacity", "11 mAh/cm2"), "--step-capacity 11 mAh/cm2"),
    (("simulate", "ccd", "--interlayer", "none", "--start", "0.1", "--step-time", "200 h"), "--start 0.1 mA/cm2 for --step-time 200 h"),
    (("simulate", "map", "--kind", "pressure", "--interlayer", "none", "--step-capacity", "50 mAh/cm2"), "--step-capacity 50 mAh/cm2"),
    (("simulate", "design", "--interlayer", "LNI-5CNT", "--target-current", "1", "--target-capacity", "12 mAh/cm2"),
     "--target-capacity 12 mAh/cm2"),
])
def test_a_first_half_cycle_larger_than_the_foil_is_one_line_naming_both_options(run, argv, named):
    """11 mAh/cm2 > the 50 um foil's 10.31 mAh/cm2 (Faraday): refused before any simulation, not a fake CCD."""
    code, out, err = run(*argv, "--json")
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and named in lines[0] and "--li-thickness" in lines[0] and "50 um Li foil" in lines[0]
    # with a foil that holds it, the same command runs
    code, out, err = run(*argv, "--li-thickness", "300 um", "--json")
    assert code == 0, err


def test_the_text_says_how_far_a_search_went_when_it_stopped_short_of_the_limit_and_names_the_foil():
    from lisse.cli.simulate import _ccd_text, render

    short = {"ccd_mA_cm2": 0.1, "failing_current_density_mA_cm2": None, "highest_step_mA_cm2": 0.1,
             "staircase": {"search_limit_mA_cm2": 10.0}}
    assert "no failure up to 0.1 mA/cm2, the last step below the search limit" in _ccd_text(short)
    assert "no failure up to the search limit" in _ccd_text({**short, "highest_step_mA_cm2": 10.0})
    foil = {"ccd_mA_cm2": 10.0, "failing_current_density_mA_cm2": 10.5, "failure_mode": "li_depleted"}
    assert "lower bound: the Li foil was stripped away at 10.5 mA/cm2" in _ccd_text(foil)
    text = render({**short, "protocol": "fixed-capacity", "interface": {}, "staircase": {"search_limit_mA_cm2": 10.0,
                   "step_capacity_mAh_cm2": 0.2}, "resolution_note": "re-judged at 40 points per half cycle"})
    assert "resolution         re-judged at 40 points" in text and "(the last step; the next would pass the 10 mA/cm2 limit)" in text


@pytest.mark.parametrize("extra, option", [(("--start", "1e-30"), "--start"), (("--start", "1e-5"), "--start"),
                                           (("--step-time", "10001 h"), "--step-time")])
def test_a_half_cycle_too_long_to_simulate_is_refused_by_its_option(run, extra, option):
    """review s40 item 5: --start 1e-30 (fixed capacity) made a 2e29 h half cycle, broke the record's time axis in
    floating point (RuntimeWarnings on stderr) and moved the CCD from 0.4 to 0.3 without a word."""
    code, out, err = run("simulate", "ccd", "--interlayer", "none", "--electrolyte", "LPSC", *extra, "--json")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith(f"lisse: error: {option}:") and "10000 h" in err


def test_the_longest_half_cycle_is_accepted_and_the_library_refuses_longer():
    from lisse.errors import ParameterError
    from lisse.sim.interface import cycling_protocol, staircase

    # 0.2 mAh/cm2 at 2e-5 mA/cm2 is exactly 10000 h: the bound itself is allowed (real library, no simulation)
    assert staircase("fixed-capacity", start=2e-4, increment=1.0, step_capacity=0.2 * 3.6e4, max_current=1.0).duration[0] == 3.6e7
    with pytest.raises(ParameterError, match="parameter 'start'.*10000 h"):
        staircase("fixed-capacity", start=1.99e-4, increment=1.0, step_capacity=0.2 * 3.6e4, max_current=1.0)
    with pytest.raises(ParameterError, match="at most 10000 h; got 10001 h"):
        cycling_protocol(current=1.0, step_time=10001 * 3600.0, cycles=1)


@pytest.mark.parametrize("extra, start", [(("--surface", "FOO"), "--surface: unknown material 'FOO'"),
                                          (("--surface", "Cu"), "--surface: expected a library material that sets the Li contact"),
                                          (("--electrolyte", "FOO"), "--electrolyte: unknown material 'FOO'"),
                                          (("--electrolyte", "Li"), "--electrolyte: expected a solid electrolyte"),
                                          (("--interlayer", "LNI-5CNT/FOO", "--interlayer-thickness", "10 um"),
                                           "--interlayer: unknown material 'FOO'")])
def test_material_options_are_named_as_typed(run, extra, start):
    """review s40 items 4, 8: an unknown material named no option, and --surface Cu (no Li-contact property) was taken
    silently, dropping the bare garnet's default surface."""
    argv = ["simulate", "ccd", "--electrolyte", "LLZTO", "--interlayer", "none", *extra, "--json"]
    code, out, err = run(*argv)
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1 and err.startswith(f"lisse: error: {start}")


def test_surface_none_and_another_electrolytes_surface():
    """--surface none: no surface layer, not even the bare LLZTO's default LLZTO-air; an electrolyte named as the surface
    of another warns that its values come from another cell (real model building, no simulation)."""
    from lisse.sim.interface import build_model
    from lisse.sim.interface.model import surface_caveat

    default, none = build_model(None, electrolyte="LLZTO"), build_model(None, electrolyte="LLZTO", surface="none")
    assert default.surface == "LLZTO-air" and none.surface is None and none.sources["surface"].startswith("none (user)")
    assert default.values["contact_angle"] != none.values["contact_angle"]
    other = build_model(None, electrolyte="LLZTO", surface="LPSC")
    assert "the electrolyte LPSC's own surface but the electrolyte is LLZTO" in surface_caveat(other)
    for fine in ("LLZTO-TfOH", "LLZO"):  # its own electrolyte family: no warning
        assert surface_caveat(build_model(None, electrolyte="LLZTO", surface=fine)) is None
    assert surface_caveat(build_model(None, electrolyte="LPSC", surface="LACSS")) is None  # a coating, not an electrolyte
    from lisse.errors import ParameterError

    with pytest.raises(ParameterError, match="parameter 'surface'.*'Cu', which has none"):
        build_model(None, electrolyte="LLZTO", surface="Cu")


@pytest.mark.parametrize("extra, start", [
    (("--kind", "pressure", "--interlayer", "none", "--electrolyte", "LPSC", "--pressure-range", "0.1", "2000"),
     "--pressure-range: expected MAX at most 1000 MPa; got 2000 MPa"),
    (("--kind", "thickness-porosity", "--interlayer", "LNI-50CNT", "--porosity-range", "0", "0.5"),
     "--porosity-range: expected a number between 0 and 1")])
def test_map_ranges_are_refused_by_their_own_option(run, extra, start):
    """review s40 item 8: these were reported as '--pressure' and '--porosity'."""
    code, out, err = run("simulate", "map", *extra, "--points", "2", "--json")
    assert code == 2 and out == "" and err.startswith(f"lisse: error: {start}") and len(err.strip().splitlines()) == 1


def test_a_temperature_above_lis_melting_point_is_refused(capsys):
    """review s40 item 14: 500 K (Li melts at 453.65 K) was simulated with solid-Li creep and diffusion (real simulator,
    bare LPSC: a fraction of a second)."""
    argv = ["simulate", "ccd", "--interlayer", "none", "--electrolyte", "LPSC", "--json", "--temperature"]
    assert main([*argv, "181 degC"]) == 2
    err = capsys.readouterr().err
    assert "--temperature" in err and "453.65 K" in err and len(err.strip().splitlines()) == 1
    assert main([*argv, "180 degC"]) in (0, None)


def test_a_staircase_of_too_many_steps_names_the_options_as_typed(run):
    """The simulator's bound (MAX_HALF_CYCLES) was reported as 'increment' / 'max_current'; 10,000 steps are still taken."""
    code, out, err = run("simulate", "ccd", "--interlayer", "none", "--electrolyte", "LPSC", "--increment", "0.0009 mA/cm2", "--json")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert err.startswith("lisse: error: --increment: expected at most 10000 steps from --start to --max-current; got 11001 ")
    code, out, err = run("simulate", "ccd", "--interlayer", "none", "--electrolyte", "LPSC", "--increment", "0.1 mA/cm2",
                         "--max-current", "1000.0 mA/cm2", "--json")
    assert code == 0 and "--increment" not in err  # 0.1 to 1000 by 0.1: exactly 10,000 steps pass (bare LPSC fails within a few)
    code, out, err = run("simulate", "ccd", "--interlayer", "none", "--electrolyte", "LPSC", "--increment", "1e-320 mA/cm2", "--json")
    assert code == 2 and "got more than 1e15 " in err and len(err.strip().splitlines()) == 1  # was an OverflowError (diff review D7)


def test_design_names_its_options_for_a_half_cycle_too_long(run):
    code, out, err = run("simulate", "design", "--interlayer", "LNI-5CNT", "--target-current", "0.0001 mA/cm2",
                         "--target-capacity", "4 mAh/cm2")
    assert code == 2 and err.startswith("lisse: error: --target-capacity / --target-current: expected a half cycle of at most")


def test_tiny_staircases_keep_their_digits(capsys):
    """review s40 diff item 10: rounding to 10 decimals reported a 1e-12 mA/cm2 staircase's CCD as 0.0 (real simulator)."""
    argv = ["simulate", "ccd", "--interlayer", "none", "--electrolyte", "LPSC", "--step-capacity", "1e-9 mAh/cm2", "--start",
            "1e-12 mA/cm2", "--increment", "1e-12 mA/cm2", "--max-current", "3e-12 mA/cm2", "--json"]
    assert main(argv) in (0, None)
    d = json.loads(capsys.readouterr().out)
    assert d["highest_step_mA_cm2"] == 3e-12 and d["ccd_mA_cm2"] in (1e-12, 2e-12, 3e-12)


def test_li_surface_energy_reaches_every_model_of_ccd_map_and_design(run, monkeypatch):
    """review s44 (mutation M8): ``--li-surface-energy`` must reach each candidate of ``design`` and each point of ``map``,
    not only ``ccd``; dropped on the way, the calibrated default would be used and labelled without a word."""
    import lisse.sim.interface as iface

    seen: list[dict] = []
    real = iface.build_model

    def spy(*a, **kw):
        seen.append(dict(kw))
        return real(*a, **kw)

    monkeypatch.setattr(iface, "build_model", spy)
    for argv in (["ccd", "--interlayer", "LNI-5CNT", "--interlayer-thickness", "50 um", "--start", "0.1", "--increment", "0.1"],
                 ["map", "--kind", "pressure", "--interlayer", "LNI-5CNT", "--interlayer-thickness", "50 um", "--points", "2"],
                 ["design", "--interlayer", "LNI-5CNT", "--target-current", "0.8 mA/cm2", "--target-capacity", "0.8 mAh/cm2"]):
        seen.clear()
        code, out, err = run("simulate", *argv, "--li-surface-energy", "0.46 J/m2", "--json")
        assert code == 0, (argv[0], err)
        models = [kw for kw in seen if kw.get("interlayer")]  # (design's foil check builds a bare model: no sigma in it)
        assert models and all(kw.get("surface_energy") == pytest.approx(0.46, rel=1e-12) for kw in models), argv[0]
