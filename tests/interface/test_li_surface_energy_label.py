"""σ_Li's default is calibrated (Ji2025's Li|Li2CO3 pair): every model that uses it names it (stop 44).

The interface model (capillary refill and entry, nucleation barriers), the interlayer model and both phase-field
solvers used ``DEFAULT_LI_SURFACE_ENERGY`` without listing it in ``calibrated_parameters``. These tests check that the
label follows the value: the default and the same value typed in are calibrated, any other value is the user's.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from lisse.sim.interface import build_model
from lisse.sim.interface.model import effective_pressure
from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY, LI_SURFACE_ENERGY_CALIBRATION


def test_default_is_exactly_young_dupre_of_ji2025s_pair():
    # the observation the label names: sigma = W_ad / (1 + cos theta) with Ji2025's 0.09 J/m2 and 142 deg
    assert DEFAULT_LI_SURFACE_ENERGY == pytest.approx(0.09 / (1.0 + math.cos(math.radians(142.0))), rel=1e-15)
    assert 0.4244 < DEFAULT_LI_SURFACE_ENERGY < 0.4246
    assert LI_SURFACE_ENERGY_CALIBRATION.startswith("Ji2025 Li|Li2CO3 wetting:") and "142 deg" in LI_SURFACE_ENERGY_CALIBRATION


def test_interface_model_labels_the_default_and_the_value_typed_in_only():
    m = build_model(None, electrolyte="LLZTO")
    assert m.calibrated["surface_energy"] == LI_SURFACE_ENERGY_CALIBRATION and m.parameters["surface_energy"][3] is True
    assert m.sources["surface_energy"].startswith("calibrated:")
    assert "surface_energy" in build_model(None, electrolyte="LLZTO", surface_energy="0.4245 J/m2").calibrated  # as shown
    own = build_model(None, electrolyte="LLZTO", surface_energy="0.46 J/m2")
    assert "surface_energy" not in own.calibrated and own.sources["surface_energy"] == "user"
    assert "surface_energy" not in build_model(None, electrolyte="LLZTO", surface_energy="0.428 J/m2").calibrated  # 0.8 % off
    # with_: another value drops the label, the calibrated one (typed in) brings it back
    assert "surface_energy" not in m.with_(surface_energy=0.46).calibrated
    assert m.with_(surface_energy=0.46).with_(surface_energy=DEFAULT_LI_SURFACE_ENERGY).calibrated["surface_energy"] == (
        LI_SURFACE_ENERGY_CALIBRATION)
    assert "void_depth_ratio" in own.calibrated  # the other calibration is untouched


def test_the_label_is_earned_the_value_moves_the_models_pressure():
    # p_eff = p + 2 sigma cos(theta) / lambda (Young-Laplace): a different sigma gives a different driving pressure, so a
    # prediction made with the default rests on it
    m = build_model(None, electrolyte="LLZTO", contact_angle="60 deg", pressure="0.1 MPa")
    lam = m.values["void_size"]
    for sigma in (DEFAULT_LI_SURFACE_ENERGY, 0.46, 1.0):
        got = effective_pressure(m.with_(surface_energy=sigma))
        assert got == pytest.approx(0.1e6 + 2.0 * sigma * math.cos(math.radians(60.0)) / lam, rel=1e-12)


def test_interlayer_model_labels_sigma_beside_its_own_calibration():
    from lisse.sim.interlayer import make_parameters

    p = make_parameters("lni-5cnt")
    assert p.calibrated["surface_energy"] == LI_SURFACE_ENERGY_CALIBRATION
    assert p.calibration_summary()["calibrated_on"]["surface_energy"] == LI_SURFACE_ENERGY_CALIBRATION
    assert "surface_energy" not in make_parameters("lni-5cnt", surface_energy="0.46 J/m2").calibrated


def test_allen_cahn_solver_reports_sigma_in_its_metrics():
    from lisse.sim.phasefield.metrics import run_metrics
    from lisse.sim.phasefield.model import coefficients_from_physical
    from lisse.sim.phasefield.solver import PhaseFieldSolver

    z = np.zeros((16, 8))
    z[:4] = 1.0
    phi = np.zeros_like(z)
    for sigma, expected in ((None, {"li_surface_energy": LI_SURFACE_ENERGY_CALIBRATION}), (0.46, {})):
        c = coefficients_from_physical(90.0, li_surface_energy=sigma, interface_width=15e-9)
        s = PhaseFieldSolver(c, z, phi, 10e-9)
        assert s.calibrated_parameters == expected
        m = run_metrics(s, z, layer_bottom=40e-9, layer_top=120e-9, current_density=10.0)
        assert m["calibrated_parameters"] == expected


def _simulate_json(capsys, *extra: str) -> tuple[int, dict | str]:
    from lisse.cli.main import main

    code = main(["simulate", "ccd", "--interlayer", "none", "--electrolyte", "LLZTO", "--max-current", "1", *extra, "--json"])
    captured = capsys.readouterr()
    return (code or 0), (json.loads(captured.out) if not code else captured.err)


def test_simulate_cli_takes_the_users_sigma_and_drops_the_label(capsys):
    code, d = _simulate_json(capsys)
    assert code == 0 and d["calibrated_parameters"] == ["surface_energy", "void_depth_ratio"]
    assert d["calibrated_on"]["surface_energy"] == LI_SURFACE_ENERGY_CALIBRATION
    code, d = _simulate_json(capsys, "--li-surface-energy", "0.46 J/m2")
    assert code == 0 and d["calibrated_parameters"] == ["void_depth_ratio"]
    assert d["interface"]["li_surface_energy_J_m2"] == pytest.approx(0.46, rel=1e-12)
    assert d["interface"]["li_surface_energy_source"] == "user"
    code, err = _simulate_json(capsys, "--li-surface-energy", "0.4 m")
    assert code == 2 and isinstance(err, str) and len(err.strip().splitlines()) == 1
    assert "--li-surface-energy" in err and "J/m2" in err and "length" in err


def test_a_library_angle_computed_with_the_default_sigma_stays_calibrated_under_the_users_sigma():
    """review s44 item 3: LLZTO-TfOH's 75.6 deg is Young–Dupré of W_ad(Li|LiF) = 0.53 J/m2 with sigma_Li = 0.4245 J/m2; a
    user's sigma does not change that angle, so the prediction still rests on the calibration."""
    tfoh = build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH")
    assert tfoh.values["contact_angle"] == pytest.approx(math.acos(0.53 / DEFAULT_LI_SURFACE_ENERGY - 1.0), abs=1e-3)
    assert "sigma_Li's calibrated default" in tfoh.calibrated["contact_angle"]
    own = build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH", surface_energy="0.46 J/m2")
    assert own.calibrated_parameters == ["contact_angle", "void_depth_ratio"]
    assert build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH", contact_angle="70 deg").calibrated_parameters == [
        "surface_energy", "void_depth_ratio"]  # the user's angle is the user's
    assert "contact_angle" not in tfoh.with_(contact_angle="70 deg").calibrated
    # a measured angle (LLZTO-air's sessile drop) is not
    assert "contact_angle" not in build_model(None, electrolyte="LLZTO", surface="LLZTO-air").calibrated
