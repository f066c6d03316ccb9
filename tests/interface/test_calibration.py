"""CALIBRATION CHECKS (not validations): the one calibrated parameter reproduces the observation it was fitted to, is
what :func:`lisse.sim.interface.calibrate` computes from that observation's case, and is labelled where it applies and
nowhere else. The observation itself validates nothing (it is circular)."""

from __future__ import annotations

import pytest


def _stored(system):
    from lisse.sim.interface.model import CALIBRATIONS, SCHEMA

    cal = CALIBRATIONS[system]
    return cal, SCHEMA[cal.parameter].convert(cal.parameter, cal.value)


def test_calibration_check_stored_flaw_size_reproduces_its_target_with_the_cases_own_protocol():
    # the same path as the validation benchmark: the case's cell, its staircase to 5 x the published CCD
    from lisse.sim.interface import build_model, predict_ccd, staircase, validation_case

    cal, _ = _stored("LPSC/Su2024")
    case = validation_case(cal.case)
    m = build_model(None, electrolyte=case.electrolyte, pressure=case.pressure, temperature=case.temperature, surface=case.surface)
    assert m.calibrated_parameters == [cal.parameter]
    kw = case.protocol_kwargs()
    pred = predict_ccd(m, staircase(kw.pop("kind"), max_current=5 * case.value, **kw))
    assert pred.ccd_A_m2 == pytest.approx(case.value, rel=1e-9)  # target: 1.0 mA/cm2 exactly (a staircase step)
    assert pred.failing_current_density_A_m2 == pytest.approx(case.value + case.increment, rel=1e-9)


def test_calibration_observation_text_states_the_cases_protocol():
    from lisse.sim.interface import validation_case

    cal, _ = _stored("LPSC/Su2024")
    case = validation_case(cal.case)
    assert cal.case in cal.observation
    for text in (f"{case.value / 10:.1f} mA/cm2", f"{case.step_capacity / 36000:g} mAh/cm2", f"{case.increment / 10:g} mA/cm2",
                 f"{case.pressure / 1e6:g} MPa"):
        assert text in cal.observation, text


def test_su2024_calibration_does_not_apply_to_another_labs_li6ps5cl():
    from lisse.sim.interface import build_model
    from lisse.sim.interface.model import SCHEMA

    k = build_model(None, electrolyte="Li6PS5Cl", pressure="3 MPa")
    assert k.calibrated_parameters == [] and k.values["flaw_size"] == pytest.approx(SCHEMA["flaw_size"].convert("flaw_size", SCHEMA["flaw_size"].default), rel=1e-12)
    assert "assumed" in k.sources["flaw_size"]
    s = build_model(None, electrolyte="LPSC")
    assert s.calibrated_parameters == ["flaw_size"] and "su2024-bare-li-lpsc" in s.calibrated["flaw_size"]


def test_calibration_check_calibrate_recomputes_the_stored_value():
    from lisse.sim.interface import calibrate

    _, stored = _stored("LPSC/Su2024")
    res = calibrate("LPSC/Su2024", rtol=0.01)
    lo, hi = res.interval
    assert lo <= stored <= hi  # the stored value still reproduces the target: inside the computed interval
    assert stored == pytest.approx(res.value, rel=0.02, abs=0)  # and is its middle (3 digits + bisection tolerance)


def test_calibrate_refuses_an_unknown_system():
    from lisse.errors import ParameterError
    from lisse.sim.interface import calibrate

    with pytest.raises(ParameterError, match="'system'"):
        calibrate("Li6PS5Cl/Kasemchainan2019")
