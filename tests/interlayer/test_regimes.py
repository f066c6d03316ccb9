"""The three regimes of [Wang2024] with the default LNI-x% CNT presets, 1D and 2D."""

from __future__ import annotations

import numpy as np
import pytest

from lisse.sim.interlayer import sweeps
from lisse.sim.interlayer.lengths import interlayer_lengths
from lisse.sim.interlayer.model import make_parameters
from lisse.sim.interlayer.solver1d import solve_1d
from lisse.sim.interlayer.solver2d import Protrusion, solve_2d

CURRENTS = np.geomspace(1.0, 40.0, 12)  # 0.1-4 mA/cm2, the paper's test range
HOUR = 3600.0


def test_regime_labels_from_conductivity_ratio():
    assert [make_parameters(k).regime() for k in ("lni-0.5cnt", "lni-5cnt", "lni-50cnt")] == ["ionic", "mixed", "electronic"]
    # the label follows sigma_e/sigma_ion, not the preset name
    assert make_parameters("lni-5cnt", sigma_e="1 S/cm").regime() == "electronic"
    assert make_parameters("lni-5cnt", sigma_e="1e-9 S/cm").regime() == "ionic"


def test_ionic_no_nucleation_inside_growth_at_anode():
    p = make_parameters("lni-0.5cnt")
    sw = sweeps.sweep_current(p, CURRENTS, time=HOUR)
    # plating goes to the Li surface; any nucleation zone stays inside the ~1/kappa reaction layer at the Li surface
    assert np.all(sw["anode_fraction"] > 0.9)
    assert np.all(sw["nucleation_length"] < 1.0 / p.kappa)
    assert np.all(-sw["eta_electrolyte"] < 0.2 * p.critical_overpotential)
    assert interlayer_lengths(p, 10.0, time=HOUR).tip_growth_risk


def test_mixed_nucleation_confined_near_anode_over_paper_range():
    p = make_parameters("lni-5cnt")
    sw = sweeps.sweep_current(p, CURRENTS, time=HOUR)
    assert np.all(sw["stable"])
    assert np.all(sw["nucleation_length"] <= sw["growth_length"])
    assert np.any(sw["nucleation_length"] > 0)  # nucleation does occur, at the higher currents
    assert np.all(sw["nucleation_length"] < 0.5 * p.thickness)
    # the most cathodic overpotential is on the anode side, not on the electrolyte side
    assert np.all(sw["eta_anode"] < sw["eta_electrolyte"])


def test_electronic_deposition_at_electrolyte_side():
    p = make_parameters("lni-50cnt")
    s = solve_1d(p, 10.0)
    internal = np.trapezoid(s.deposition_rate, s.x)
    centroid = np.trapezoid(s.deposition_rate * s.x, s.x) / internal
    assert internal / s.current > 0.5
    assert centroid > 0.5 * p.thickness
    assert s.eta[-1] < s.eta[0]  # most cathodic at the electrolyte face
    r = interlayer_lengths(p, 10.0, time=HOUR)
    assert not r.stable and r.failure_mode == "nucleation_at_electrolyte"


def test_calibration_reproduces_its_target_lni50cnt():
    """A CALIBRATION check, not a prediction: exchange_current and contact_angle were fitted (with sigma_Li's calibrated default) so that the 90 um LNI-50% CNT
    layer fails at Wang2024's 0.62 mA/cm2 (at 1 mAh/cm2). A calibration must reproduce its target; agreement here is
    by construction and is no evidence for the model."""
    p = make_parameters("lni-50cnt")
    assert set(p.calibrated_parameters) == {"exchange_current", "contact_angle", "surface_energy"}
    assert all("0.62 mA/cm2" in obs for k, obs in p.calibrated.items() if k != "surface_energy")  # sigma_Li: Ji2025's pair
    cc = sweeps.critical_current(p, 3.6e4, i_min=1.0, i_max=100.0, n=25, rtol=1e-2)
    assert cc.failure_mode == "nucleation_at_electrolyte" and cc.critical_current is not None
    assert cc.critical_current / 10 == pytest.approx(0.62, rel=0.1)


def test_lni5cnt_above_published_lower_bound_with_parameters_calibrated_elsewhere():
    """Wang2024: > 4 mA/cm2 at 4 mAh/cm2 for 90 um LNI-5% CNT (a lower bound; not used in the calibration, which is on
    LNI-50% CNT). Weak: only the bound and the ordering against the calibrated layer are checked."""
    q = 3.6e4  # 1 mAh/cm2
    c5 = sweeps.critical_current(make_parameters("lni-5cnt"), q, i_min=1.0, i_max=100.0, n=25, rtol=1e-2)
    c50 = sweeps.critical_current(make_parameters("lni-50cnt"), q, i_min=1.0, i_max=100.0, n=25, rtol=1e-2)
    assert c5.critical_current is not None and c50.critical_current is not None
    assert c5.critical_current > 4 * c50.critical_current
    c4 = sweeps.critical_current(make_parameters("lni-5cnt"), 4 * q, i_min=1.0, i_max=100.0, n=25, rtol=1e-2)
    assert c4.critical_current is not None and c4.critical_current / 10 > 4.0


def test_current_capacity_map_consistent_with_pointwise_verdict():
    p = make_parameters("lni-5cnt")
    cur = np.array([2.0, 20.0, 60.0])
    cap = np.array([0.2, 1.0, 6.0]) * 3.6e4
    m = sweeps.map_current_capacity(p, cur, cap)
    for a, q in enumerate(cap):
        for b, i in enumerate(cur):
            assert m["stable"][a, b] == interlayer_lengths(p, float(i), capacity=float(q)).stable
    assert not m["stable"][2].any()  # 6 mAh/cm2 fills 29 um x 6 / 0.3 > 90 um: growth breach everywhere


def test_conductivity_map_regimes():
    p = make_parameters("lni-5cnt")
    m = sweeps.map_conductivities(p, np.array([1e-6, 1e-3, 10.0]), np.array([0.03]), 10.0, 3.6e4)
    assert list(m["regime"][0]) == [0, 1, 2]
    assert m["anode_fraction"][0, 0] > m["anode_fraction"][0, 2]


def test_2d_reduces_to_1d_without_protrusion():
    p = make_parameters("lni-5cnt")
    flat = Protrusion(height=0.1e-6, base=1e-6, width=20e-6)  # smaller than half a cell: no Li cells
    s2 = solve_2d(p, 10.0, flat, nx=120, ny=4)
    assert not s2.li.any()
    s1 = solve_1d(p, 10.0)
    assert s2.metrics["current_balance_error"] <= 1e-8
    prof = np.interp(s2.x, s1.x, s1.eta)
    assert np.max(np.abs(s2.eta[:, 0] - prof)) / np.max(np.abs(s1.eta)) < 1e-2
    assert s2.metrics["surface_fraction"] == pytest.approx(s1.anode_current / s1.current, rel=1e-2)


def test_2d_three_regimes():
    res = {k: solve_2d(make_parameters(k), 10.0, nx=60).metrics for k in ("lni-0.5cnt", "lni-5cnt", "lni-50cnt")}
    for m in res.values():
        assert m["current_balance_error"] <= 1e-8
    ion, mix, ele = res["lni-0.5cnt"], res["lni-5cnt"], res["lni-50cnt"]
    # ionic: growth on the Li surface, faster at the protrusion tip than on the flat anode, no nucleation inside
    assert ion["surface_fraction"] > 0.9 and ion["tip_flux_ratio"] > 1.02
    assert ion["nucleating_fraction"] == 0.0
    # mixed: a good share plates inside the layer, on the anode side (a front that advances flat from the anode)
    assert mix["internal_fraction"] > 0.2 and mix["deposition_centroid"] < 0.5 * 90e-6
    assert mix["surface_fraction"] < ion["surface_fraction"]
    # electronic: deposition and nucleation on the electrolyte side
    assert ele["internal_fraction"] > 0.5 and ele["deposition_centroid"] > 0.5 * 90e-6
    assert ele["nucleating_fraction"] > 0.0 and ele["eta_electrolyte"] < -make_parameters("lni-50cnt").critical_overpotential


def test_2d_mirror_symmetry():
    s = solve_2d(make_parameters("lni-5cnt"), 20.0, nx=45)
    assert np.allclose(s.eta, s.eta[:, ::-1], rtol=1e-9, atol=1e-12, equal_nan=True)
    assert np.array_equal(s.li, s.li[:, ::-1])
