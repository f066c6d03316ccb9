"""A researcher's own measured interface kinetics in the CCD prediction: ``--interfacial-resistance`` (EIS, one interface)
or ``--exchange-current`` (Tafel), ``--li-contact-angle`` (sessile drop), and the study's ``interfacial_resistance``.

References: i0 = RT/(F R_ct) (Bard and Faulkner 2001, ch. 3; by hand: RT/F = 8.314462618 x 298.15 / 96485.33212 =
25.693 mV, so R_ct = 25.693 ohm cm2 <-> i0 = 1.000 mA/cm2); the two options fix the same model, so they must give the
same record. Flatscher et al. 2020: the Li | LLZO CCD falls with the interfacial resistance (see
tests/interface/test_contact_published.py) - a large measured R_int must lower the prediction.
"""

from __future__ import annotations

import json

import pytest

from lisse.cli.main import main
from lisse.electrochem import charge_transfer_resistance, exchange_current_from_resistance
from lisse.errors import ParameterError
from lisse.sim.interface import build_model

RT_F = 8.314462618 * 298.15 / 96485.33212  # V


def test_exchange_current_from_resistance_by_hand_and_inverse():
    assert exchange_current_from_resistance(RT_F * 0.1) == pytest.approx(10.0, rel=1e-9)  # 25.69 ohm cm2 -> 1 mA/cm2 = 10 A/m2
    assert exchange_current_from_resistance(RT_F * 0.1, temperature=333.15) == pytest.approx(10.0 * 333.15 / 298.15, rel=1e-9)
    for r in (1e-5, 3e-3, 0.2):
        assert charge_transfer_resistance(exchange_current_from_resistance(r)) == pytest.approx(r, rel=1e-12)


def test_build_model_takes_a_measured_interfacial_resistance():
    m = build_model(None, electrolyte="LLZO", pressure="0 MPa", interfacial_resistance="100 ohm*cm2", temperature="323.15 K")
    assert m.values["exchange_current"] == pytest.approx(RT_F * 323.15 / 298.15 / 100 * 1e4, rel=1e-9)  # A/m2
    assert "100 ohm cm2" in m.sources["exchange_current"] and m.sources["exchange_current"].startswith("user")
    from lisse.errors import ParameterError

    with pytest.raises(ParameterError, match="interfacial_resistance"):
        build_model(None, interfacial_resistance="-3 ohm*cm2")
    with pytest.raises(ParameterError, match="not both"):
        build_model(None, interfacial_resistance="3 ohm*cm2", exchange_current="1 mA/cm2")


def _ccd(capsys, *extra):
    argv = ["simulate", "ccd", "--interlayer", "none", "--electrolyte", "LLZO", "--pressure", "0", "--step-time", "1 h",
            "--start", "0.05", "--increment", "0.05", "--max-current", "2", "--json", *extra]
    code = main(argv)
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def test_cli_resistance_and_exchange_current_agree_and_a_large_resistance_lowers_the_ccd(capsys):
    by_r = _ccd(capsys, "--interfacial-resistance", "2569.3 ohm cm2")
    by_i0 = _ccd(capsys, "--exchange-current", "0.01 mA/cm2")
    default = _ccd(capsys)
    assert by_r["interface"]["exchange_current_mA_cm2"] == pytest.approx(0.01, rel=1e-4)
    assert by_r["interface"]["interfacial_resistance_ohm_cm2"] == pytest.approx(2569.3, rel=1e-12)
    assert "2569 ohm cm2" in by_r["interface"]["exchange_current_source"]
    assert by_i0["interface"]["exchange_current_source"] == "user"
    assert by_r["ccd_mA_cm2"] == by_i0["ccd_mA_cm2"] and by_r["failure_mode"] == by_i0["failure_mode"]
    # without a measured value the JSON states the i0 used and that it is assumed (no library value for LLZO)
    assert default["interface"]["exchange_current_mA_cm2"] == pytest.approx(1.0, rel=1e-12)
    assert "assumed" in default["interface"]["exchange_current_source"]
    assert by_r["ccd_mA_cm2"] < default["ccd_mA_cm2"], (by_r["ccd_mA_cm2"], default["ccd_mA_cm2"])


def test_cli_contact_angle_is_used_and_reported(capsys):
    d = _ccd(capsys, "--li-contact-angle", "140 deg")
    assert d["interface"]["li_contact_angle_deg"] == pytest.approx(140.0, rel=1e-12)
    assert d["interface"]["li_contact_angle_source"] == "user"
    wet = _ccd(capsys)
    assert wet["interface"]["li_contact_angle_deg"] == pytest.approx(25.0, rel=1e-12)  # LLZO, Ji2025 (library)
    # without stack pressure the supply is capillary only (p_eff = 2 gamma cos(theta)/lambda >= 0): a lithiophobic
    # contact loses it, so its CCD cannot exceed the wetting one
    assert d["ccd_mA_cm2"] is None or d["ccd_mA_cm2"] <= wet["ccd_mA_cm2"]


def test_cli_refuses_both_kinetics_options_and_a_negative_resistance(capsys):
    with pytest.raises(SystemExit) as e:
        main(["simulate", "ccd", "--interlayer", "none", "--interfacial-resistance", "10", "--exchange-current", "1", "--json"])
    assert e.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    code = main(["simulate", "ccd", "--interlayer", "none", "--interfacial-resistance", "-10 ohm cm2", "--json"])
    err = capsys.readouterr().err
    assert code == 2 and "--interfacial-resistance" in err and len(err.strip().splitlines()) == 1, err


def test_text_output_says_whether_i0_was_given_taken_from_the_library_or_assumed(capsys):
    base = ["simulate", "ccd", "--interlayer", "none", "--max-current", "0.3", "--electrolyte"]
    for extra, how in ((["LLZO"], "(assumed)"), (["LLZO", "--exchange-current", "2"], "i0 2 mA/cm2 (given)"),
                       (["LPSC"], "i0 0.69 mA/cm2 (library)")):
        assert main(base + extra) == 0
        line = next(x for x in capsys.readouterr().out.splitlines() if x.strip().startswith("interface"))
        assert how in line and "none surface" not in line, line


def test_void_depth_default_is_singhs_calibrated_depth_and_the_check_gives_the_geometric_one(capsys):
    from lisse.sim.interface import predict_ccd, staircase
    from lisse.sim.interface.cases import singh_void_depth
    from lisse.sim.interface.model import void_depth

    # Singh2022: 15.4 h x 0.2 mA/cm2 x V_m / F, V_m = 6.94 g/mol / 0.534 g/cm3 (by hand: 14.93 um)
    assert singh_void_depth() == pytest.approx(15.4 * 3600 * 2.0 * (6.94e-3 / 534.0) / 96485.33212, rel=2e-3)
    d = _ccd(capsys, "--interfacial-resistance", "10 ohm cm2")
    chk = d["void_depth_check"]
    # the default depth is the calibrated one, and every output says so
    assert d["interface"]["void_depth_um"] == pytest.approx(singh_void_depth() * 1e6, rel=1e-12)
    assert d["interface"]["void_depth_source"].startswith("calibrated") and "Singh2022" in d["interface"]["void_depth_source"]
    assert d["calibrated_parameters"] == ["surface_energy", "void_depth_ratio"] and "Singh2022 Fig. 5C" in d["calibrated_on"]["void_depth_ratio"]
    # the check: the geometric depth h_v = lambda = 1 um
    assert chk["void_depth_um"] == pytest.approx(1.0, rel=1e-12) and chk["void_depth_source"].startswith("geometric")
    assert chk["prediction_void_depth_um"] == pytest.approx(singh_void_depth() * 1e6, rel=1e-12)
    m = build_model(None, electrolyte="LLZO", pressure=0.0, interfacial_resistance=10e-4, void_depth="1 um")
    assert void_depth(m) == pytest.approx(1e-6, rel=1e-12) and m.calibrated_parameters == ["surface_energy"]
    direct = predict_ccd(m, staircase("fixed-time", 0.5, 0.5, step_time=3600.0, max_current=20.0)).as_dict()
    assert chk["ccd_mA_cm2"] == direct["ccd_mA_cm2"] and chk["failure_mode"] == direct["failure_mode"]
    given = _ccd(capsys, "--interfacial-resistance", "10 ohm cm2", "--void-depth", "1 um")
    assert given["void_depth_check"] is None and given["interface"]["void_depth_source"].startswith("user")
    assert given["ccd_mA_cm2"] == chk["ccd_mA_cm2"] and given["calibrated_parameters"] == ["surface_energy"]
    # a deeper void lets a half cycle strip more before the contact goes: never a lower CCD here
    assert d["ccd_mA_cm2"] >= chk["ccd_mA_cm2"]


def test_study_stage_shows_the_ccd_with_the_geometric_void_depth_beside_the_prediction(tmp_path):
    # real simulator: a bare LLZTO cell with its measured R_int; the entry carries the check (h_v = lambda) and the
    # report names it; the check equals a direct prediction with that depth
    from lisse.pipeline.registry import StageContext, all_stages
    from lisse.pipeline.study import parse_study
    from lisse.sim.interface import predict_ccd, staircase

    text = ('[[cells]]\nname = "B"\nli_thickness = "20 um"\ncathode_material = "NCM811"\ncathode_capacity = "1 mAh/cm2"\n'
            'electrolyte = "LLZTO"\nelectrolyte_thickness = "600 um"\n\n[simulate]\ninterfacial_resistance = { B = "20 ohm cm2" }\n')
    study = parse_study(text)
    st = {s.name: s for s in all_stages()}["simulate"]
    r = st.func(StageContext(study=study, options=study["_options"]["simulate"], out_dir=tmp_path, progress=False, validated=True))
    e = r.summary["cells"]["B"]
    assert e["exchange_current_mA_cm2"] == pytest.approx(RT_F / 20e-4 / 10, rel=1e-6)
    assert e["calibrated_parameters"] == ["surface_energy", "void_depth_ratio"]
    m = build_model(None, electrolyte="LLZTO", interfacial_resistance=20e-4, void_depth="1 um", li_thickness=20e-6)
    d = predict_ccd(m, staircase("fixed-capacity", 5.0, 5.0, step_capacity=3.6e4, max_current=100.0)).as_dict()
    assert e["void_depth_check"]["ccd_mA_cm2"] == d["ccd_mA_cm2"]
    assert "geometric void depth" in str(r.html) and "Li | LLZTO" in str(r.html)
    assert "void_depth_ratio (fitted to Singh2022 Fig. 5C" in str(r.html)


def test_void_depth_is_converted_with_the_models_own_void_size_and_the_check_too():
    from lisse.sim.interface.cases import singh_void_depth
    from lisse.sim.interface.model import void_depth
    from lisse.sim.interface.predict import void_depth_check
    from lisse.sim.interface.protocol import staircase

    m = build_model(None, electrolyte="LLZO", void_depth="6 um", void_size="2 um")
    assert m.values["void_depth_ratio"] == pytest.approx(3.0, rel=1e-12) and void_depth(m) == pytest.approx(6e-6, rel=1e-12)
    # the calibrated default is a depth: the same h_v whatever the void size (given to build_model or changed after)
    cal = build_model(None, electrolyte="LLZO", void_size="2 um")
    assert void_depth(cal) == pytest.approx(singh_void_depth(), rel=1e-12)
    assert void_depth(cal.with_(void_size="0.5 um")) == pytest.approx(singh_void_depth(), rel=1e-12)
    assert void_depth(cal.with_(void_depth_ratio=2.0)) == pytest.approx(4e-6, rel=1e-12)
    assert cal.with_(void_depth_ratio=2.0).calibrated_parameters == ["surface_energy"]
    # a depth given as a depth stays that depth too (its source text keeps stating it), a given ratio stays a ratio
    given = build_model(None, electrolyte="LLZO", void_depth="3 um").with_(void_size="2 um")
    assert void_depth(given) == pytest.approx(3e-6, rel=1e-12) and "h_v = 3 um" in given.sources["void_depth_ratio"]
    assert void_depth(build_model(None, electrolyte="LLZO", void_depth_ratio=3.0).with_(void_size="2 um")) == pytest.approx(6e-6, rel=1e-12)
    with pytest.raises(ParameterError, match="parameter 'void_size'.*given void depth 3 um.*give void_depth_ratio too"):
        build_model(None, electrolyte="LLZO", void_depth="3 um").with_(void_size="1 nm")
    # with_ takes no void_depth: its refusal names what it takes; the bound is printed to the digits that decide it
    with pytest.raises(ParameterError, match=r"at least 14\.93\d* nm .* got 14\.9 nm \(give void_depth_ratio too\)"):
        cal.with_(void_size="14.9 nm")
    with pytest.raises(ParameterError, match="parameter 'void_size'.*calibrated void depth"):
        build_model(None, electrolyte="LLZO", void_size="5 nm")
    seen = []
    import lisse.sim.interface.predict as pr

    real = pr.predict_ccd

    def spy(model, protocol, **kw):
        seen.append(void_depth(model))
        return real(model, protocol, **kw)

    pr.predict_ccd = spy
    try:
        chk = void_depth_check(cal, staircase("fixed-time", 1.0, 1.0, max_current=3.0))
    finally:
        pr.predict_ccd = real
    assert seen == [pytest.approx(2e-6, rel=1e-12)]  # ratio 1 x 2 um: h_v = lambda
    assert chk is not None and chk["prediction_void_depth_um"] == pytest.approx(singh_void_depth() * 1e6, rel=1e-12)
    # the check names its own calibrated parameters: not the depth it replaces, still sigma_Li's default (review s44)
    assert chk["calibrated_parameters"] == ["surface_energy"] and list(chk["calibrated_on"]) == ["surface_energy"]
    assert void_depth_check(m, staircase("fixed-time", 1.0, 1.0, max_current=3.0)) is None  # a given depth: no check


def test_library_resistance_is_converted_at_the_models_temperature():
    # LNI-5CNT's library R_int: i0 = RT/(F R) scales with T at fixed R
    a = build_model("LNI-5CNT", 90e-6)
    b = build_model("LNI-5CNT", 90e-6, temperature=333.15)
    assert b.values["exchange_current"] / a.values["exchange_current"] == pytest.approx(333.15 / 298.15, rel=1e-9)


def test_design_passes_the_measured_kinetics_on(capsys):
    # a vanishing exchange current must change the design answer (the review found design ignoring the option)
    base = ["simulate", "design", "--interlayer", "LNI-5CNT", "--target-current", "1 mA/cm2", "--target-capacity", "1 mAh/cm2",
            "--cycles", "1", "--json"]
    assert main(base) == 0
    ok = json.loads(capsys.readouterr().out)
    assert main(base + ["--exchange-current", "1e-6"]) == 0
    bad = json.loads(capsys.readouterr().out)
    assert (bad["holds"], bad["thickness_um"]) != (ok["holds"], ok["thickness_um"]), (ok, bad)


def test_errors_name_the_option_and_the_unit_typed(capsys):
    for argv, flag, unit in ((["--li-contact-angle", "200"], "--li-contact-angle", "deg"),
                             (["--void-depth", "2 mm"], "--void-depth", "um"),
                             (["--void-depth", "-3"], "--void-depth", "um"),
                             (["--interfacial-resistance", "0"], "--interfacial-resistance", "ohm")):
        code = main(["simulate", "ccd", "--interlayer", "none", "--json", *argv])
        err = capsys.readouterr().err.strip()
        assert code == 2 and len(err.splitlines()) == 1 and flag in err and unit in err, err


def test_map_and_design_name_the_calibrated_void_depth_and_its_observation(capsys):
    """Map and design results said 'void_depth_ratio: calibrated on an observation not named' (no calibrated_on)."""
    base_map = ["simulate", "map", "--kind", "pressure", "--interlayer", "none", "--electrolyte", "LLZO", "--pressure-range",
                "0.1", "1", "--points", "2", "--protocol", "fixed-time", "--step-time", "1h", "--start", "0.5",
                "--increment", "0.5", "--max-current", "1"]
    base_design = ["simulate", "design", "--interlayer", "LNI-5CNT", "--target-current", "0.5 mA/cm2", "--target-capacity",
                   "0.1 mAh/cm2", "--cycles", "1", "--thickness-max", "20 um"]
    for base in (base_map, base_design):
        d = _json_of(capsys, *base, "--json")
        assert d["calibrated_parameters"] == ["surface_energy", "void_depth_ratio"] and "Singh2022 Fig. 5C" in d["calibrated_on"]["void_depth_ratio"]
        assert main(base) == 0
        out = capsys.readouterr().out
        assert "void_depth_ratio: calibrated on Singh2022 Fig. 5C" in out and "observation not named" not in out
        given = _json_of(capsys, *base, "--void-depth", "1 um", "--json")
        assert given["calibrated_parameters"] == ["surface_energy"] and list(given["calibrated_on"]) == ["surface_energy"]


def _json_of(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)
