"""Validation of the interlayer model against independent references (analytic limits, conservation, second method)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lisse.constants import FARADAY, GAS_CONSTANT, ROOM_TEMPERATURE
from lisse.errors import ConvergenceError, ParameterError
from lisse.sim.interlayer.lengths import nucleation_length, verdict
from lisse.sim.interlayer.model import (
    bv_current,
    bv_derivative,
    bv_overpotential,
    growth_length,
    make_parameters,
    nucleation_rate_field,
)
from lisse.sim.interlayer.solver1d import solve_1d
from lisse.thermo.nucleation import nucleation_rate

F_RT = FARADAY / (GAS_CONSTANT * ROOM_TEMPERATURE)


def _newman_tobias(x, i, L, sigma_e, sigma_i, a, i0):
    """Analytic reaction distribution a j(x) [A/m3], linear kinetics, ions blocked at x = 0 (Newman & Tobias 1962)."""
    k = math.sqrt(a * i0 * F_RT * (1 / sigma_e + 1 / sigma_i))
    b = i / (k * sigma_e)
    aa = -(i / k) * (1 / sigma_i + math.cosh(k * L) / sigma_e) / math.sinh(k * L)
    eta = aa * np.cosh(k * x) + b * np.sinh(k * x)
    return -a * i0 * F_RT * eta, k


@pytest.mark.parametrize(("sigma_e", "sigma_i", "kappa_l_target"), [(0.01, 0.03, 3.0), (0.5, 0.002, 8.0), (0.002, 0.05, 25.0)])
def test_newman_tobias_reaction_distribution(sigma_e, sigma_i, kappa_l_target):
    L = 90e-6
    i = 10.0
    a = 1e6
    # choose i0 so that kappa L hits the target
    i0 = (kappa_l_target / L) ** 2 / (a * F_RT * (1 / sigma_e + 1 / sigma_i))
    p = make_parameters(material="LNI-5CNT", sigma_e=f"{sigma_e} S/m", sigma_ion=f"{sigma_i} S/m", specific_area=a,
                        exchange_current=f"{i0} A/m2", anode_exchange_current=0.0)
    s = solve_1d(p, i, kinetics="linear", n_uniform=400)
    ref, k = _newman_tobias(s.x, i, L, sigma_e, sigma_i, a, i0)
    assert k * L == pytest.approx(kappa_l_target, rel=1e-9)
    err = np.max(np.abs(s.deposition_rate - ref)) / np.max(np.abs(ref))
    assert err <= 1e-3
    # all current is converted inside (blocking anode) and the integral of a j matches i
    assert s.anode_current == 0.0
    assert np.trapezoid(ref, s.x) == pytest.approx(i, rel=1e-3)  # the analytic profile carries i (quadrature error only)


def test_butler_volmer_linear_limit_gives_rct():
    i0 = 1.0  # A/m2
    # the function itself: dj/deta at 0 = -i0 F/RT  ->  R_ct = RT/(F i0)
    assert -1.0 / float(bv_derivative(0.0, i0, 0.5, F_RT)) == pytest.approx(GAS_CONSTANT * ROOM_TEMPERATURE / (FARADAY * i0), rel=1e-12)
    # through the solver: no internal surface, (almost) no electronic conduction -> V = i (R_ct + L/sigma_ion)
    p = make_parameters("lni-0.5cnt", specific_area=0.0, anode_exchange_current=f"{i0} A/m2", sigma_e="1e-12 S/m")
    i = 1e-4 * i0
    s = solve_1d(p, i)
    r_ct = s.interlayer_voltage / i - p.thickness / p.sigma_ion
    assert r_ct == pytest.approx(GAS_CONSTANT * ROOM_TEMPERATURE / (FARADAY * i0), rel=1e-3)


def test_tafel_slope_118_mV_per_decade():
    p = make_parameters("lni-0.5cnt", specific_area=0.0, anode_exchange_current="1e-3 mA/cm2", sigma_e="1e-12 S/m", alpha=0.5)
    i0 = p.anode_exchange_current
    currents = i0 * np.array([1e3, 1e4])
    eta0 = [solve_1d(p, float(c)).eta[0] for c in currents]
    slope = -(eta0[1] - eta0[0])  # V per decade (cathodic)
    assert slope * 1e3 == pytest.approx(2.302585 / (0.5 * F_RT) * 1e3, rel=1e-3)
    assert slope * 1e3 == pytest.approx(118.3, abs=0.3)
    # inverse of Butler-Volmer agrees with the solver's anode overpotential
    assert bv_overpotential(float(currents[1]), i0, 0.5, F_RT) == pytest.approx(eta0[1], rel=1e-6)


def test_bv_inverse_roundtrip_asymmetric():
    for j in (-3.0, 1e-3, 0.7, 250.0):
        eta = bv_overpotential(j, 0.4, 0.3, F_RT)
        assert float(bv_current(eta, 0.4, 0.3, F_RT)) == pytest.approx(j, rel=1e-10)


def test_nucleation_length_inverse_current_for_linear_profile():
    sigma = 0.01  # S/m
    v = 0.2  # V at the anode
    eta_c = 0.08
    x = np.linspace(0, 90e-6, 2001)
    prods = []
    for i in (20.0, 40.0, 80.0, 160.0):
        eta = -(v - i * x / sigma)
        ln = nucleation_length(x, eta, eta_c)
        assert ln == pytest.approx(sigma * (v - eta_c) / i, rel=1e-9)
        prods.append(ln * i)
    assert np.ptp(prods) / np.mean(prods) < 1e-9


def test_nucleation_length_edge_cases():
    x = np.linspace(0, 1e-5, 11)
    assert nucleation_length(x, np.full(11, -0.01), 0.1) == 0.0
    assert nucleation_length(x, np.full(11, -0.2), 0.1) == pytest.approx(1e-5)
    with pytest.raises(ParameterError):
        nucleation_length(x, np.zeros(5), 0.1)


@pytest.mark.parametrize("preset", ["lni-0.5cnt", "lni-5cnt", "lni-50cnt"])
@pytest.mark.parametrize("i_mA", [0.1, 1.0, 8.0])
def test_current_conservation(preset, i_mA):
    p = make_parameters(preset)
    s = solve_1d(p, i_mA * 10)
    assert s.current_balance_error <= 1e-8
    assert s.i_ion[-1] == pytest.approx(s.current, rel=1e-12) and abs(s.i_e[-1]) <= 1e-12 * s.current
    # independent integral of the deposition field (trapezoid on the graded mesh) + anode = applied
    total = s.anode_current + np.trapezoid(s.deposition_rate, s.x)
    assert total == pytest.approx(s.current, rel=2e-3)


def test_nucleation_field_matches_thermo_function():
    p = make_parameters("lni-5cnt")
    eta = np.array([-0.05, -0.1, -0.2, 0.01])
    ref = [nucleation_rate(-e, p.surface_energy, p.contact_angle_deg, p.nucleation_prefactor, p.temperature) if e < 0 else 0.0 for e in eta]
    assert np.allclose(nucleation_rate_field(eta, p), ref, rtol=1e-12, atol=0)
    # at eta_c the rate equals the threshold
    assert nucleation_rate_field(np.array([-p.critical_overpotential]), p)[0] == pytest.approx(p.nucleation_threshold, rel=1e-9)


def test_growth_length_dense_li():
    # 1 mAh/cm2 of dense Li is 4.85 um (BRIEF §4); porosity 0.3 spreads it 1/0.3 deeper
    assert growth_length(3.6e4, 1.0) * 1e6 == pytest.approx(4.85, abs=0.01)
    assert growth_length(3.6e4, 0.3) == pytest.approx(growth_length(3.6e4, 1.0) / 0.3, rel=1e-12)


def test_verdict_modes():
    assert verdict(1e-6, 2e-6, 9e-5) == (True, "none")
    assert verdict(0.0, 1e-4, 9e-5) == (False, "growth_breach")
    assert verdict(9e-5, 1e-5, 9e-5) == (False, "nucleation_at_electrolyte")
    assert verdict(3e-5, 1e-5, 9e-5) == (False, "dead_li")


def test_convergence_error_raised():
    p = make_parameters("lni-50cnt")
    with pytest.raises(ConvergenceError, match="did not converge"):
        solve_1d(p, 80.0, max_iter=1)


def test_bad_inputs():
    with pytest.raises(ParameterError, match="preset"):
        make_parameters("lni-7cnt")
    with pytest.raises(ParameterError, match="did you mean"):
        make_parameters("lni-5cnt", porosty=0.3)
    with pytest.raises(ParameterError, match="porosity"):
        make_parameters("lni-5cnt", porosity=1.5)
    with pytest.raises(ParameterError, match="current"):
        solve_1d(make_parameters("lni-5cnt"), -1.0)
    with pytest.raises(ParameterError, match="electronic_conductivity"):
        make_parameters(material="LLZTO")


@pytest.mark.parametrize(
    ("sigma_e", "sigma_ion", "i0", "i0_anode", "current"),
    [(1e-10, 1e-3, 1e-6, 0.0, 100.0), (100.0, 1e-5, 1e-6, 1e-3, 1000.0), (1e-3, 1.0, 1.0, 100.0, 0.01), (1.0, 0.1, 1e-6, 0.0, 100.0)],
)
def test_robust_at_extreme_parameters(sigma_e, sigma_ion, i0, i0_anode, current):
    p = make_parameters(material="LNI-5CNT", sigma_e=f"{sigma_e} S/m", sigma_ion=f"{sigma_ion} S/m", exchange_current=f"{i0} A/m2",
                        anode_exchange_current=f"{i0_anode} A/m2")
    s = solve_1d(p, current)
    assert s.current_balance_error <= 1e-8
    assert np.all(np.isfinite(s.eta))


def test_no_deposition_path_is_an_error():
    p = make_parameters("lni-5cnt", specific_area=0.0, anode_exchange_current=0.0)
    with pytest.raises(ParameterError, match="no deposition"):
        solve_1d(p, 1.0)


@pytest.mark.parametrize("preset", ["lni-5cnt", "lni-50cnt"])
def test_nonlinear_1d_matches_scipy_solve_bvp(preset):
    """Second method: scipy's collocation BVP solver on the same nondimensional equations."""
    from scipy.integrate import solve_bvp

    p = make_parameters(preset)
    i = 20.0
    s = solve_1d(p, i, n_uniform=400)
    f, L, a = p.f_rt, p.thickness, p.alpha
    be, bi = f * L * i / p.sigma_e, f * L * i / p.sigma_ion
    lam = f * L**2 * p.specific_area * p.exchange_current * (1 / p.sigma_e + 1 / p.sigma_ion)
    nua = p.anode_exchange_current / i

    def g(h):
        return np.exp(-a * h) - np.exp((1 - a) * h)

    def rhs(xi, y):
        return np.vstack([y[1], -lam * g(y[0])])

    def bc(y0, y1):
        return np.array([y0[1] - (be - (be + bi) * nua * g(y0[0])), y1[1] + bi])

    xi = s.x / L
    mesh = np.linspace(0, 1, 201)
    guess = np.vstack([np.full(mesh.size, -2.0), np.zeros(mesh.size)])  # independent start: a flat profile
    ref = solve_bvp(rhs, bc, mesh, guess, tol=1e-8, max_nodes=200000)
    assert ref.success
    eta_ref = ref.sol(xi)[0] / f
    assert np.max(np.abs(s.eta - eta_ref)) / np.max(np.abs(eta_ref)) < 1e-3


def test_interlayer_lengths_accepts_unit_strings_like_si_floats():
    """Issue 10: the Python API takes SI floats or strings with units (1 mA/cm2 = 10 A/m2, 1 mAh/cm2 = 36000 C/m2)."""
    from lisse.sim.interlayer import lengths
    from lisse.sim.interlayer.model import make_parameters

    p = make_parameters("lni-5cnt")
    a = lengths.interlayer_lengths(p, "1 mA/cm2", capacity="1 mAh/cm2")
    b = lengths.interlayer_lengths(p, 10.0, capacity=36000.0)
    assert a.capacity == 36000.0
    assert a.growth_length == b.growth_length
    assert a.nucleation_length == b.nucleation_length
    c = lengths.interlayer_lengths(p, "1 mA/cm2", time="1 h")
    assert c.capacity == pytest.approx(36000.0, rel=1e-12, abs=0)
