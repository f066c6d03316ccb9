"""The one Butler–Volmer law (lisse.electrochem) against its analytic limits, and its callers' conventions."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lisse.constants import FARADAY, GAS_CONSTANT
from lisse.electrochem import (
    butler_volmer,
    butler_volmer_overpotential,
    butler_volmer_slope,
    charge_transfer_resistance,
    faraday_over_rt,
    reduced_butler_volmer,
    reduced_overpotential,
    symmetric_overpotential,
    tafel_slope,
)
from lisse.errors import ParameterError

T = 310.0
F_RT = FARADAY / (GAS_CONSTANT * T)


def test_sign_convention_anodic_positive():
    # eta = phi_s - phi_e - U > 0 oxidises: anodic current positive; alpha_c defaults to 1 - alpha_a
    assert float(butler_volmer(0.05, 2.0, 0.3, temperature=T)) > 0
    assert float(butler_volmer(-0.05, 2.0, 0.3, temperature=T)) < 0
    hand = 2.0 * (math.exp(0.3 * F_RT * 0.05) - math.exp(-0.7 * F_RT * 0.05))
    assert float(butler_volmer(0.05, 2.0, 0.3, temperature=T)) == pytest.approx(hand, rel=1e-14, abs=0)
    assert float(butler_volmer(0.0, 2.0, 0.3, temperature=T)) == 0.0


def test_linear_regime_gives_rct():
    i0 = 7.0  # A/m2
    rct = GAS_CONSTANT * T / (FARADAY * i0)  # ohm m2
    assert charge_transfer_resistance(i0, T) * 1e4 == pytest.approx(rct * 1e4, rel=1e-14, abs=0)
    for aa, ac in [(0.5, 0.5), (0.3, 0.7), (0.2, 0.45)]:
        eta = 1e-6
        assert float(butler_volmer(eta, i0, aa, ac, T)) * rct / eta == pytest.approx((aa + ac), rel=1e-5)
    # slope at equilibrium is (alpha_a + alpha_c)/R_ct; = 1/R_ct for one step
    assert float(butler_volmer_slope(0.0, i0, 0.3, temperature=T)) * rct == pytest.approx(1.0, rel=1e-14, abs=0)


@pytest.mark.parametrize("aa, ac", [(0.3, 0.7), (0.7, 0.3), (0.25, 0.5)])
def test_tafel_slopes_of_asymmetric_alpha(aa, ac):
    # far from equilibrium, d eta / d log10|i| = ln(10) RT/(alpha F) on each branch
    eta_a = np.array([0.3, 0.4])
    i_a = butler_volmer(eta_a, 1.0, aa, ac, T)
    slope_a = (eta_a[1] - eta_a[0]) / (math.log10(i_a[1]) - math.log10(i_a[0]))
    eta_c = -eta_a
    i_c = -butler_volmer(eta_c, 1.0, aa, ac, T)
    slope_c = (eta_c[0] - eta_c[1]) / (math.log10(i_c[1]) - math.log10(i_c[0]))
    assert slope_a * 1e3 == pytest.approx(math.log(10) / (aa * F_RT) * 1e3, rel=1e-3)
    assert slope_c * 1e3 == pytest.approx(math.log(10) / (ac * F_RT) * 1e3, rel=1e-3)
    assert tafel_slope(aa, T) * 1e3 == pytest.approx(math.log(10) / (aa * F_RT) * 1e3, rel=1e-14, abs=0)
    assert aa != ac and slope_a != pytest.approx(slope_c, rel=0.05)


@pytest.mark.parametrize("aa, ac", [(0.3, 0.7), (0.7, 0.3), (0.1, 0.9), (0.25, 0.5), (0.5, 0.5)])
def test_inverse_round_trip(aa, ac):
    i = np.array([-3e4, -50.0, -1.0, -1e-6, 0.0, 2e-7, 0.3, 8.0, 1e3, 5e5])  # A/m2
    eta = butler_volmer_overpotential(i, 4.0, aa, ac, T)
    assert eta.shape == i.shape
    np.testing.assert_array_equal(np.sign(eta), np.sign(i))
    back = butler_volmer(eta, 4.0, aa, ac, T)
    np.testing.assert_allclose(back, i, rtol=1e-12, atol=0)


def test_asymmetric_inverse_differs_from_the_symmetric_one():
    # the inverse must use alpha: at 50 A/m2 with i0 = 1 A/m2, alpha_a = 0.3 needs more than alpha_a = 0.5
    e3 = float(butler_volmer_overpotential(50.0, 1.0, 0.3, 0.7, T))
    e5 = float(butler_volmer_overpotential(50.0, 1.0, 0.5, 0.5, T))
    # Tafel estimate ln(i/i0)/(alpha_a f) is within 1 % at i/i0 = 50 for the anodic branch
    assert e3 == pytest.approx(math.log(50.0) / (0.3 * F_RT), rel=0.01)
    assert e3 > 1.5 * e5


def test_symmetric_closed_form_is_asinh():
    i = np.array([-20.0, 0.1, 3.0])
    hand = 2 * GAS_CONSTANT * T / FARADAY * np.arcsinh(i / (2 * 0.5))
    np.testing.assert_allclose(symmetric_overpotential(i, 0.5, 0.5, T), hand, rtol=1e-14, atol=0)
    np.testing.assert_allclose(butler_volmer_overpotential(i, 0.5, 0.5, 0.5, T), hand, rtol=1e-14, atol=0)


def test_reduced_inverse_is_accurate_near_equilibrium_and_far_from_it():
    y = np.array([1e-12, -1e-9, 1e-3, 40.0, -1e8])
    x = reduced_overpotential(y, 0.35, 0.6)
    np.testing.assert_allclose(reduced_butler_volmer(x, 0.35, 0.6), y, rtol=1e-13, atol=0)
    assert faraday_over_rt(T, 2) == pytest.approx(2 * F_RT, rel=1e-15, abs=0)


def test_bad_inputs_raise():
    with pytest.raises(ParameterError, match="alpha_a"):
        butler_volmer(0.1, 1.0, 1.2)
    with pytest.raises(ParameterError, match="i0"):
        butler_volmer_overpotential(1.0, 0.0)
    with pytest.raises(ParameterError, match="temperature"):
        butler_volmer(0.1, 1.0, temperature=0.0)


def test_callers_use_the_documented_conventions():
    """Interlayer (cathodic positive, alpha = alpha_c), phase field (bracket) and synthetic cycling (asinh)."""
    from lisse.sim.interlayer.model import bv_current, bv_overpotential
    from lisse.sim.phasefield.model import butler_volmer_factor, overpotential_from_current
    from lisse.sim.synthetic_cycling import SymmetricCellModel, symmetric_voltage

    f = FARADAY / (GAS_CONSTANT * 298.15)
    eta = -0.08
    assert float(bv_current(eta, 3.0, 0.3, f)) == pytest.approx(3.0 * (math.exp(0.3 * f * 0.08) - math.exp(-0.7 * f * 0.08)), rel=1e-14, abs=0)
    assert bv_overpotential(25.0, 3.0, 0.3, f) == pytest.approx(float(butler_volmer_overpotential(-25.0, 3.0, 0.7, 0.3)), rel=1e-14, abs=0)
    assert float(bv_current(bv_overpotential(25.0, 3.0, 0.3, f), 3.0, 0.3, f)) == pytest.approx(25.0, rel=1e-12, abs=0)
    assert butler_volmer_factor(eta, 0.3) == pytest.approx(math.exp(0.7 * f * eta) - math.exp(-0.3 * f * eta), rel=1e-14, abs=0)
    e = overpotential_from_current(25.0, 3.0, 0.3)
    assert -3.0 * butler_volmer_factor(e, 0.3) == pytest.approx(25.0, rel=1e-12, abs=0)
    m = SymmetricCellModel()
    v = float(symmetric_voltage(np.array([20.0]), 0.0, m)[0]) - 20.0 * m.asr_bulk_ohm_m2
    assert v == pytest.approx(2 * 2 * GAS_CONSTANT * m.temperature_K / FARADAY * math.asinh(20.0 / (2 * m.j0_A_m2)), rel=1e-13, abs=0)
