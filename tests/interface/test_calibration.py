"""CALIBRATION CHECKS (not validations). No material system has a calibration of its own at present (every system
shares the void depth calibrated on Singh2022, :data:`lisse.sim.interface.model.VOID_DEPTH_CALIBRATION`) (the LPSC/Su2024 flaw size was
fitted to a step-size artefact and removed, see :data:`lisse.sim.interface.model.CALIBRATIONS`); the machinery is
checked on a synthetic entry whose target is the model's own converged CCD at a known flaw size, so that calibrate()
must find that flaw again. The observation a calibration is fitted to validates nothing (it is circular)."""

from __future__ import annotations

import dataclasses

import pytest

_SU_KEY = "su2024-bare-li-lpsc"


def _entry(case_key, bracket=(0.1e-6, 3e-6)):
    from lisse.sim.interface.model import _Calibration

    return _Calibration("flaw_size", "1 um", case_key, f"test entry on case {case_key}", bracket)


def test_no_material_system_is_calibrated():
    from lisse.sim.interface import build_model
    from lisse.sim.interface.model import CALIBRATIONS, SCHEMA

    assert CALIBRATIONS == {}
    for kw in ({"electrolyte": "LPSC"}, {"electrolyte": "LPSC", "surface": "LACSS"}, {"electrolyte": "Li6PS5Cl"}):
        m = build_model(None, pressure="6 MPa", **kw)
        # only the void depth every system shares (calibrated on Singh2022 Fig. 5C), nothing per system
        assert m.calibrated_parameters == ["surface_energy", "void_depth_ratio"]
        # the assumed 1 um flaw of the schema (Porz2017's 1-10 um defects), not a fitted one
        assert m.values["flaw_size"] == pytest.approx(SCHEMA["flaw_size"].convert("flaw_size", "1 um"), rel=1e-12, abs=0)
        assert "assumed" in m.sources["flaw_size"]


def test_su2024_bare_ccd_cannot_be_calibrated_with_the_converged_simulator(monkeypatch):
    # the removed entry, put back: at a converged step (contact-runaway cut) the bare Li | LPSC CCD at 6 MPa is at most
    # 0.8 mA/cm2 (the stripping contact runs away above j_csc = 0.82), so no flaw in [0.01, 10] um reaches 1.0
    from lisse.errors import CalculationError
    from lisse.sim.interface import calibrate
    from lisse.sim.interface import model as mod

    # (at the geometric void depth h_v = lambda, the default when the entry was removed; with the calibrated 14.9 um a
    # flaw does bracket 1.0, but a second calibrated parameter for this system is not allowed)
    monkeypatch.setattr(mod, "_calibrated_void_depth_ratio", lambda void_size: 1.0)
    monkeypatch.setitem(mod.CALIBRATIONS, "LPSC/Su2024", _entry(_SU_KEY, (0.01e-6, 10e-6)))
    with pytest.raises(CalculationError, match="does not bracket"):
        calibrate("LPSC/Su2024")


def test_calibrate_recovers_a_synthetic_flaw_size(monkeypatch):
    # synthetic observation: the CCD the model itself predicts at a 0.5 um flaw on the Su2024 bare staircase (a case the
    # model CAN reproduce); calibrate() must return an interval of flaw sizes that contains 0.5 um and whose every value
    # reproduces that CCD (independent reference: the known input, not a stored number)
    from lisse.sim.interface import build_model, calibrate, predict_ccd, staircase, validation_case
    from lisse.sim.interface import cases as cases_mod
    from lisse.sim.interface import model as mod

    base = validation_case(_SU_KEY)
    kw = base.protocol_kwargs()
    kind = kw.pop("kind")
    flaw = 0.5e-6

    def ccd(x, limit):
        m = build_model(None, electrolyte=base.electrolyte, pressure=base.pressure, temperature=base.temperature,
                        surface=base.surface, flaw_size=x)
        return predict_ccd(m, staircase(kind, max_current=limit, **kw)).ccd_A_m2

    target = ccd(flaw, 12.0)  # 1.2 mA/cm2 search limit: above any failure at this flaw
    assert target is not None and 2.0 < target < 10.0  # inside the bracket's range, not at a limit
    synth = dataclasses.replace(base, key="synthetic-flaw-0.5um", paper="none (synthetic)", value=target)
    monkeypatch.setitem(cases_mod.EXTRA_CASES, synth.key, synth)
    monkeypatch.setitem(mod.CALIBRATIONS, "Synthetic/LPSC", _entry(synth.key))
    res = calibrate("Synthetic/LPSC", rtol=0.02)
    lo, hi = res.interval
    assert lo <= flaw <= hi
    assert res.parameter == "flaw_size" and res.case == synth.key and res.target_A_m2 == target
    # each edge to the bisection's rtol: the lower edge is the last value still ABOVE the target (calibrate's bottom)
    for x in (lo * 1.02, res.value, hi):
        assert ccd(x, target + 2 * base.increment) == pytest.approx(target, rel=1e-9)


def test_calibrate_refuses_an_unknown_system():
    from lisse.errors import ParameterError
    from lisse.sim.interface import calibrate

    with pytest.raises(ParameterError, match="'system'"):
        calibrate("Li6PS5Cl/Kasemchainan2019")
