"""One unit rule (issue 10): CLI bare numbers mean the unit --help states, Python numbers are SI.

Every expected number is the input converted by hand (1 mA/cm2 = 10 A/m2, 1 cm2 = 1e-4 m2, 1 um = 1e-6 m),
never lisse's own output.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from lisse.cli.main import build_parser, main
from lisse.errors import LisseError, UnitError
from lisse.units import UserNumber, as_si, parse_quantity, to_si


def lisse(capsys, *argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process: (exit status, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    out = capsys.readouterr()
    return code, out.out, out.err


def lisse_json(capsys, *argv: str) -> dict:
    code, out, err = lisse(capsys, *argv, "--json")
    assert code == 0, err
    return json.loads(out)


def _help(capsys, *argv: str) -> str:
    code, out, _ = lisse(capsys, *argv, "--help")
    assert code == 0
    return " ".join(out.split())  # undo argparse's line wrapping


# ------------------------------------------------------------------ the cases named in the issue


def test_compare_ccd_bare_number_is_mA_cm2(capsys):
    assert "(bare number: mA/cm2)" in _help(capsys, "compare")
    d = lisse_json(capsys, "compare", "--ccd", "1.2")
    assert d["ccd_mA_cm2"] == pytest.approx(1.2, rel=1e-12)


def test_compare_ccd_with_unit_converts_to_the_key_unit(capsys):
    assert lisse_json(capsys, "compare", "--ccd", "12 A/m2")["ccd_mA_cm2"] == pytest.approx(1.2, rel=1e-12)
    d = lisse_json(capsys, "compare", "--interfacial-resistance", "0.002 ohm*m2")
    assert d["interfacial_resistance_ohm_cm2"] == pytest.approx(20.0, rel=1e-12)  # 0.002 ohm m2 = 20 ohm cm2
    d = lisse_json(capsys, "compare", "--cycle-life", "2 A/m2", "90000 min")
    assert d["cycle_life"][0]["current_density_mA_cm2"] == pytest.approx(0.2, rel=1e-12)
    assert d["cycle_life"][0]["cycle_life_h"] == pytest.approx(1500.0, rel=1e-12)
    d = lisse_json(capsys, "compare", "--cycle-life", "0.2", "1500")  # bare: mA/cm2 and h, as the help says
    assert "(bare numbers: mA/cm2 and h)" in _help(capsys, "compare")
    assert d["cycle_life"][0]["current_density_mA_cm2"] == pytest.approx(0.2, rel=1e-12)
    assert d["cycle_life"][0]["cycle_life_h"] == pytest.approx(1500.0, rel=1e-12)


def test_compare_ccd_hint_shows_the_display_unit_not_si(capsys):
    code, out, err = lisse(capsys, "compare", "--ccd", "1.2 V")
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "--ccd" in err and "mA/cm2" in err and "A/m2'" not in err.replace("mA/cm2", "")
    code, _, err = lisse(capsys, "compare", "--ccd", "fast")
    assert code == 2 and "'1.5 mA/cm2'" in err


def _staircase_csv(tmp_path):
    from lisse.sim.synthetic_cycling import ccd_staircase

    rec, truth = ccd_staircase(failure="hard", j_critical="0.45 mA/cm2", seed=5, area="0.785 cm2")
    f = tmp_path / "staircase.csv"
    np.savetxt(f, np.column_stack([rec.time_s, rec.voltage_V, rec.current_A * 1e3]), delimiter=",",
               header="time/s,Ewe/V,I/mA", comments="", fmt="%.9g")
    return f


def test_ccd_area_bare_number_is_cm2(capsys, tmp_path):
    f = _staircase_csv(tmp_path)
    assert "(bare number: cm2)" in _help(capsys, "ccd")
    bare = lisse_json(capsys, "ccd", str(f), "--area", "0.785")
    unit = lisse_json(capsys, "ccd", str(f), "--area", "78.5 mm2")
    assert bare["area_cm2"] == pytest.approx(0.785, rel=1e-12)
    assert unit["area_cm2"] == pytest.approx(0.785, rel=1e-12)
    # the staircase steps 0.1 mA/cm2 apart and fails above 0.45: last stable 0.4, first failing 0.5 mA/cm2
    assert bare["ccd_mA_cm2"] == pytest.approx(0.4, rel=1e-9) and bare["failure_current_density_mA_cm2"] == pytest.approx(0.5, rel=1e-9)
    assert unit["ccd_mA_cm2"] == pytest.approx(0.4, rel=1e-9)


def test_ccd_area_wrong_unit_hint_is_cm2(capsys, tmp_path):
    code, _, err = lisse(capsys, "ccd", str(_staircase_csv(tmp_path)), "--area", "0.785 cm")
    assert code == 2 and len(err.strip().splitlines()) == 1 and "--area" in err and "cm2" in err


def test_interlayer_current_density_bare_number_is_mA_cm2(capsys):
    assert "(bare number: mA/cm2)" in _help(capsys, "interlayer")
    bare = lisse_json(capsys, "interlayer", "--preset", "lni-5cnt", "--current-density", "4", "--capacity", "1")
    unit = lisse_json(capsys, "interlayer", "--preset", "lni-5cnt", "--current-density", "40 A/m2", "--capacity", "3.6 C/cm2")
    assert bare["current_density_mA_cm2"] == pytest.approx(4.0, rel=1e-12)
    assert bare["capacity_mAh_cm2"] == pytest.approx(1.0, rel=1e-12)  # 3.6 C/cm2 = 1 mAh/cm2
    assert unit["current_density_mA_cm2"] == pytest.approx(4.0, rel=1e-12)
    assert unit["capacity_mAh_cm2"] == pytest.approx(1.0, rel=1e-12)
    assert unit["nucleation_length_um"] == pytest.approx(bare["nucleation_length_um"], rel=1e-9)


def test_interlayer_model_parameter_bare_number_is_the_unit_shown(capsys):
    d = lisse_json(capsys, "interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1", "--thickness", "45")
    assert d["interlayer_thickness_um"] == pytest.approx(45.0, rel=1e-12)
    assert "(bare number: um)" in _help(capsys, "interlayer")


def test_cell_li_thickness_bare_number_is_um_like_the_study_file(capsys):
    from lisse.pipeline.study import cell_designs, parse_study

    assert "(bare number: um)" in _help(capsys, "cell")
    d = lisse_json(capsys, "cell", "--li-thickness", "20", "--cathode-capacity", "1.5")
    assert d["li_thickness_um"] == pytest.approx(20.0, rel=1e-12)
    assert d["cathode_capacity_mAh_cm2"] == pytest.approx(1.5, rel=1e-12)
    study = parse_study('[[cells]]\nname = "A"\nli_thickness = 20\ncathode_capacity = 1.5\n')
    (_, design), = cell_designs(study)
    assert design.li_thickness == pytest.approx(20e-6, rel=1e-12)
    assert d["anode_capacity_mAh_cm2"] == pytest.approx(design.anode_capacity / 3.6e4, rel=1e-12)  # 1 mAh/cm2 = 3.6 C/1e-4 m2


def test_cell_current_density_and_hint(capsys):
    d = lisse_json(capsys, "cell", "--li-thickness", "20 um", "--cathode-capacity", "2 mAh/cm2", "--current-density", "1")
    assert d["c_rate_per_h"] == pytest.approx(0.5, rel=1e-12)  # 1 mA/cm2 on 2 mAh/cm2 = C/2
    code, _, err = lisse(capsys, "cell", "--li-thickness", "20 mAh", "--cathode-capacity", "1.5")
    assert code == 2 and "--li-thickness" in err and "um" in err


def test_study_interlayer_table_bare_numbers_are_display_units(tmp_path):
    from lisse.pipeline.registry import StageContext, all_stages

    st = {s.name: s for s in all_stages()}["interlayer"]
    study = {"cells": [{"name": "L", "interlayer": {"material": "LNI-5CNT", "thickness": 45, "porosity": 0.3}}],
             "interlayer": {"current_density": "1 mA/cm2", "capacity": "1 mAh/cm2", "points": 4, "map": False, "sweep": False}}
    res = st.func(StageContext(study, study["interlayer"], tmp_path, progress=False))
    assert res.summary["interlayers"]["L"]["interlayer_thickness_um"] == pytest.approx(45.0, rel=1e-12)


def test_study_cycling_area_bare_number_is_cm2(tmp_path):
    from lisse.pipeline.registry import StageContext, all_stages

    st = {s.name: s for s in all_stages()}["cycling"]
    study = {"cycling": {"synthetic": True, "area": 0.5}}
    res = st.func(StageContext(study, study["cycling"], tmp_path, progress=False))
    assert json.dumps(res.summary).count('"area_cm2": 0.5') >= 1


# ------------------------------------------------------------------ every quantity option of every subcommand


def _quantity_options():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, p in sub.choices.items():
        for a in p._actions:
            yield name, p, a


def test_every_quantity_option_states_its_unit_and_means_it():
    n = 0
    for name, _, a in _quantity_options():
        unit = getattr(a.type, "unit", None)
        if unit is None:
            continue
        n += 1
        flag = a.option_strings[0]
        if unit.strip():
            assert f"(bare number: {unit})" in a.help, f"lisse {name} {flag}"
            assert a.type("2.5") == pytest.approx(to_si(2.5, unit), rel=1e-12), f"lisse {name} {flag}"
            with pytest.raises(LisseError, match=re.escape(unit)):
                a.type("2.5 furlong*fortnight*kelvin")
    assert n >= 45


def test_no_quantity_option_is_left_as_plain_text():
    """An option whose help shows an example quantity ('e.g. "1 mA/cm2"') goes through the shared converter."""
    example = re.compile(r"""e\.g\. ['"]?[-+]?\d[\d.e+-]*\s*[A-Za-zµ%][^'"]*['"]""")
    lists = {"--cycle-life", "--spike-currents", "--spike-heights", "--angles", "--process"}
    for name, _, a in _quantity_options():
        if not a.option_strings or a.option_strings[0] in lists or not a.help:
            continue
        if example.search(a.help):
            assert getattr(a.type, "unit", None) is not None, f"lisse {name} {a.option_strings[0]}: {a.help}"


# ------------------------------------------------------------------ JSON keys carry the display unit


def test_nucleation_json_keys_carry_display_units(capsys):
    d = lisse_json(capsys, "nucleation", "--overpotential", "0.02 V", "--contact-angle", "90", "--prefactor", "1e30 1/(m3 s)",
                   "--threshold-rate", "1 1/(cm3 s)")
    assert d["overpotential_mV"] == pytest.approx(20.0, rel=1e-12)
    assert d["contact_angle_deg"] == pytest.approx(90.0, rel=1e-12)
    assert d["threshold_rate_per_m3_s"] == pytest.approx(1e6, rel=1e-12)  # 1 per cm3 per s
    # r* = 2 gamma V_m/(z F eta) with gamma 0.4245 J/m2, V_m 1.3e-5 m3/mol: ~5.7 nm at 20 mV (order check in nm)
    assert 1.0 < d["critical_radius_nm"] < 20.0
    assert "nucleation_rate_per_m3_s" in d and "rate_m3_s" not in d and "overpotential_V" not in d
    assert 0.0 < d["critical_overpotential_mV"] < 1e4


def test_interlayer_spike_fit_coefficient_in_S_cm(capsys):
    d = lisse_json(capsys, "interlayer", "--preset", "lni-5cnt", "--current-density", "2", "--capacity", "2",
                   "--spike-currents", "2,3,4", "--spike-heights", "60,75,85")
    fit = d["spike_fit"]
    assert fit["current_density_mA_cm2"] == pytest.approx([2.0, 3.0, 4.0], rel=1e-12)
    assert fit["spike_mV"] == pytest.approx([60.0, 75.0, 85.0], rel=1e-12)
    # l_n = C V_sp / i: with l_n in cm, V in V and i in A/cm2, C comes out in S/cm
    used = [k for k, x in enumerate(fit["simulated_nucleation_length_um"]) if x == x]
    k = used[0]
    c_from_point = fit["fitted_nucleation_length_um"][k] * 1e-4 * (fit["current_density_mA_cm2"][k] * 1e-3) / (fit["spike_mV"][k] * 1e-3)
    assert fit["coefficient_S_cm"] == pytest.approx(c_from_point, rel=1e-9)


# ------------------------------------------------------------------ Python API: numbers are SI


def test_converters():
    assert as_si(90e-6, "um", "t") == 90e-6  # SI number unchanged
    assert as_si("90 um", "um", "t") == pytest.approx(90e-6, rel=1e-12)
    with pytest.raises(UnitError, match="has no unit"):  # unit-less text would hide a non-SI unit in the Python API
        as_si("90", "um", "t")
    assert as_si(UserNumber(90), "um", "t") == pytest.approx(90e-6, rel=1e-12)  # a number a user typed: display unit
    assert as_si("0.4", "", "porosity") == pytest.approx(0.4, rel=1e-12)  # dimensionless text is fine
    assert parse_quantity(90, "um", "t") == pytest.approx(90e-6, rel=1e-12)  # user number: display unit
    assert parse_quantity("1.2", "mA/cm2", "--ccd") == pytest.approx(12.0, rel=1e-12)
    with pytest.raises(UnitError, match="mA/cm2"):
        parse_quantity("1.2 V", "mA/cm2", "--ccd")
    with pytest.raises(UnitError):
        as_si(float("inf"), "um", "t")
    with pytest.raises(UnitError):
        as_si(True, "um", "t")


def test_ccd_staircase_j_critical_float_is_A_m2():
    from lisse.sim.synthetic_cycling import ccd_staircase

    _, si = ccd_staircase(failure="hard", j_critical=4.5, seed=1)  # 4.5 A/m2 = 0.45 mA/cm2
    _, text = ccd_staircase(failure="hard", j_critical="0.45 mA/cm2", seed=1)
    assert si.failure_current_density_A_m2 == pytest.approx(5.0, rel=1e-9)  # first step above: 0.5 mA/cm2
    assert si.failure_current_density_A_m2 == text.failure_current_density_A_m2
    rec, _ = ccd_staircase(failure=None, j_critical=None, area=0.785e-4, n_steps=2)
    assert rec.area_m2 == pytest.approx(0.785e-4, rel=1e-12)


def test_interlayer_lengths_is_the_only_name():
    from lisse.sim.interlayer import lengths
    from lisse.sim.interlayer.model import make_parameters

    assert not hasattr(lengths, "evaluate")
    r = lengths.interlayer_lengths(make_parameters("lni-5cnt"), 10.0, time=3600.0)  # A/m2, s
    assert r.capacity == pytest.approx(3.6e4, rel=1e-12)  # 10 A/m2 x 1 h = 1 mAh/cm2 = 3.6e4 C/m2


def test_make_parameters_numbers_are_si():
    from lisse.sim.interlayer.model import make_parameters

    assert make_parameters("lni-5cnt", thickness=90e-6).thickness == pytest.approx(90e-6, rel=1e-12)
    assert make_parameters("lni-5cnt", thickness="90 um").thickness == pytest.approx(90e-6, rel=1e-12)
    assert make_parameters("lni-5cnt", exchange_current=0.02).exchange_current == pytest.approx(0.02, rel=1e-12)
    assert make_parameters("lni-5cnt", exchange_current="2e-3 mA/cm2").exchange_current == pytest.approx(0.02, rel=1e-12)
    assert make_parameters("lni-5cnt", contact_angle=np.pi / 2).contact_angle_deg == pytest.approx(90.0, rel=1e-12)
    p = make_parameters("lni-5cnt").with_(thickness=14.8e-6)
    assert p.thickness == pytest.approx(14.8e-6, rel=1e-12)


def test_cell_design_numbers_are_si():
    from lisse.cell import CellDesign
    from lisse.params import user_values

    a = CellDesign.from_inputs(li_thickness=20e-6, cathode_capacity=5.4e4)  # 1.5 mAh/cm2 = 1.5 x 3.6 C / 1e-4 m2
    b = CellDesign.from_inputs(li_thickness="20 um", cathode_capacity="1.5 mAh/cm2")
    c = CellDesign.from_inputs(**user_values({"li_thickness": 20, "cathode_capacity": 1.5}))  # study numbers: display units
    with pytest.raises(UnitError, match="has no unit"):
        CellDesign.from_inputs(li_thickness="20", cathode_capacity="1.5 mAh/cm2")
    assert a.li_thickness == pytest.approx(20e-6, rel=1e-12)
    assert b.li_thickness == pytest.approx(20e-6, rel=1e-12) and c.li_thickness == pytest.approx(20e-6, rel=1e-12)
    assert a.cathode_capacity == pytest.approx(5.4e4, rel=1e-12) and c.cathode_capacity == pytest.approx(5.4e4, rel=1e-12)


def test_cycling_record_metadata_numbers_are_si():
    from lisse.records.cycling import CyclingRecord

    t = np.arange(10.0)
    rec = CyclingRecord.from_arrays(t, np.zeros_like(t), np.zeros_like(t), area=0.785e-4, active_mass=12e-6, loading=0.1)
    assert rec.area_m2 == pytest.approx(0.785e-4, rel=1e-12)
    assert rec.summary()["area_cm2"] == pytest.approx(0.785, rel=1e-12)
    assert rec.summary()["active_mass_mg"] == pytest.approx(12.0, rel=1e-12)
    assert rec.loading_kg_m2 == pytest.approx(0.1, rel=1e-12)


def test_cell_capacity_disagreement_message_in_mAh_cm2():
    """The message used to print C/m2 / 36 as 'mAh/cm2' (1000x too large)."""
    from lisse.cell import CellDesign
    from lisse.errors import ParameterError

    # 10 mg/cm2 x 0.8 x 200 mAh/g = 1.6 mAh/cm2 against a given 1.5 mAh/cm2
    with pytest.raises(ParameterError, match=r"= 1\.6 mAh/cm2 but cathode_capacity = 1\.5 mAh/cm2"):
        CellDesign.from_inputs(li_thickness="20 um", cathode_capacity="1.5 mAh/cm2", cathode_loading="10 mg/cm2",
                               active_fraction=0.8, specific_capacity="200 mAh/g")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["cell", "--li-thickness", "2e5", "--cathode-capacity", "1"], "≤ 10000 um; got 200000 um"),
        (["interlayer", "--current-density", "1", "--capacity", "1", "--thickness", "-5"], "≥ 0.001 um; got -5 um"),
        (["interlayer", "--current-density", "1", "--capacity", "1", "--sweep", "--i-min", "5", "--i-max", "1"], "got 5 mA/cm2 and 1 mA/cm2"),
    ],
)
def test_range_errors_show_the_display_unit(capsys, argv, needle):
    code, _, err = lisse(capsys, *argv)
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert needle in err


def test_tafel_bare_area_and_windows(capsys, tmp_path):
    """A Butler-Volmer LSV with i0 = 1 A/m2 (0.1 mA/cm2) on 1 cm2: bare --area is cm2, bare windows are mV."""
    f_rt = 96485.33212 / (8.314462618 * 298.15)
    eta = np.linspace(-0.3, 0.3, 601)
    i_mA = 1.0 * (np.exp(0.5 * f_rt * eta) - np.exp(-0.5 * f_rt * eta)) * 1e-4 * 1e3  # A/m2 x 1e-4 m2 -> mA
    f = tmp_path / "lsv.csv"
    np.savetxt(f, np.column_stack([np.arange(eta.size), eta, i_mA]), delimiter=",", header="time/s,Ewe/V,I/mA", comments="")
    bare = lisse_json(capsys, "tafel", str(f), "--area", "1", "--ah-window", "5", "250")
    unit = lisse_json(capsys, "tafel", str(f), "--area", "100 mm2", "--ah-window", "0.005 V", "250 mV")
    for d in (bare, unit):
        assert d["area_cm2"] == pytest.approx(1.0, rel=1e-12)
        assert d["allen_hickling"]["i0_mA_cm2"] == pytest.approx(0.1, rel=1e-3)
    assert bare["allen_hickling"]["fit_windows_mV"] == unit["allen_hickling"]["fit_windows_mV"]
