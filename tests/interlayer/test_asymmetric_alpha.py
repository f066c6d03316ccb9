"""Asymmetric transfer coefficient (alpha != 1/2) in the interlayer solver, against independent references.

With alpha = 0.5 a swap alpha <-> 1 - alpha is invisible; these tests use alpha = 0.3 and 0.75, where it is not.
Sign convention [Wang2024]: j = i0 [exp(-alpha F eta/RT) - exp((1 - alpha) F eta/RT)], eta < 0 cathodic (plating),
alpha the cathodic transfer coefficient.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from lisse.sim.interlayer.model import make_parameters
from lisse.sim.interlayer.solver1d import solve_1d

R, F, T = 8.314462618, 96485.33212, 298.15
F_RT = F / (R * T)


def _bv_root(j: float, i0: float, alpha: float) -> float:
    """Overpotential of the written-out Butler-Volmer law at current j (bracketing root finder)."""
    return brentq(lambda e: i0 * (math.exp(-alpha * F_RT * e) - math.exp((1 - alpha) * F_RT * e)) - j, -2.0, 2.0, xtol=1e-15)


@pytest.mark.parametrize("alpha", [0.3, 0.75])
def test_cathodic_tafel_slope_is_set_by_alpha(alpha):
    # anode face only (no internal surface, no electronic path): eta(0) is the anode's Butler-Volmer overpotential
    p = make_parameters("lni-0.5cnt", specific_area=0.0, anode_exchange_current="1e-3 mA/cm2", sigma_e="1e-12 S/m", alpha=alpha)
    i0 = p.anode_exchange_current
    currents = i0 * np.array([1e3, 1e4])
    eta0 = np.array([solve_1d(p, float(c)).eta[0] for c in currents])
    slope_mV = -(eta0[1] - eta0[0]) * 1e3  # mV per decade, cathodic
    assert slope_mV == pytest.approx(math.log(10) / (alpha * F_RT) * 1e3, rel=1e-3)  # 197 mV (0.3), 78.9 mV (0.75)
    for c, e in zip(currents, eta0):
        assert e * 1e3 == pytest.approx(_bv_root(float(c), i0, alpha) * 1e3, rel=1e-6)


def test_small_current_is_alpha_independent_and_large_current_is_not():
    base = dict(specific_area=0.0, anode_exchange_current="1 mA/cm2", sigma_e="1e-12 S/m")
    lo = [solve_1d(make_parameters("lni-0.5cnt", alpha=a, **base), 1e-3).eta[0] for a in (0.3, 0.7)]
    assert lo[0] == pytest.approx(lo[1], rel=1e-3)  # linear regime: R_ct = RT/(F i0) for any alpha
    hi = [solve_1d(make_parameters("lni-0.5cnt", alpha=a, **base), 100.0).eta[0] for a in (0.3, 0.7)]
    assert abs(hi[0]) > 1.5 * abs(hi[1])  # alpha_c = 0.3 needs a larger cathodic overpotential than 0.7
    for a, e in zip((0.3, 0.7), hi):
        assert e == pytest.approx(_bv_root(100.0, 10.0, a), rel=1e-6)


@pytest.mark.parametrize("alpha", [0.3, 0.75])
def test_nonlinear_profile_matches_solve_bvp_with_asymmetric_alpha(alpha):
    """Second method: scipy's collocation BVP solver on the dimensional equations, written out here."""
    from scipy.integrate import solve_bvp

    p = make_parameters("lni-5cnt", alpha=alpha)
    i = 20.0
    s = solve_1d(p, i, n_uniform=400)
    L, a, i0, i0a = p.thickness, p.specific_area, p.exchange_current, p.anode_exchange_current
    se, si = p.sigma_e, p.sigma_ion

    def j(eta):
        return i0 * (np.exp(-alpha * F_RT * eta) - np.exp((1 - alpha) * F_RT * eta))

    # unknowns on xi = x/L: eta = phi_e - phi_ion [V] and y = I_ion/i, the share of the current carried by ions
    # towards the anode. Ohm in each phase: d eta/dx = (i - I_ion)/sigma_e - I_ion/sigma_ion; deposition
    # consumes ions: dI_ion/dx = a j(eta); anode face: I_ion(0) = i0_a [bracket] = (i0_a/i0) j(eta(0)); electrolyte: I_ion(L) = i
    def rhs(xi, y):
        eta, share = y
        return np.vstack([L * i * ((1 - share) / se - share / si), L * a * j(eta) / i])

    def bc(y0, y1):
        return np.array([y0[1] - i0a / i0 * j(y0[0]) / i, y1[1] - 1.0])

    xi = np.linspace(0, 1, 401)
    guess = np.vstack([np.full(xi.size, -0.05), np.linspace(0.5, 1.0, xi.size)])
    ref = solve_bvp(rhs, bc, xi, guess, tol=1e-8, max_nodes=200000)
    assert ref.success, ref.message
    eta_ref = ref.sol(s.x / L)[0]
    assert np.max(np.abs(s.eta - eta_ref)) / np.max(np.abs(eta_ref)) < 1e-3


def test_library_butler_volmer_functions_with_asymmetric_alpha():
    from lisse.sim.interlayer.model import bv_current, bv_overpotential

    for eta in (-0.12, -0.02, 0.03, 0.1):
        written = 2.0 * (math.exp(-0.3 * F_RT * eta) - math.exp(0.7 * F_RT * eta))
        assert float(bv_current(eta, 2.0, 0.3, F_RT)) == pytest.approx(written, rel=1e-12)
    for j in (-5.0, 0.5, 40.0):
        assert bv_overpotential(j, 2.0, 0.3, F_RT) == pytest.approx(_bv_root(j, 2.0, 0.3), rel=1e-9)


def test_phasefield_butler_volmer_bracket_with_asymmetric_alpha():
    from lisse.sim.phasefield.model import butler_volmer_factor

    # [Wang2024] phase-field bracket: exp((1 - alpha) F eta/RT) - exp(-alpha F eta/RT), alpha = 0.3
    for eta in (-0.1, 0.05):
        written = math.exp(0.7 * F_RT * eta) - math.exp(-0.3 * F_RT * eta)
        assert butler_volmer_factor(eta, alpha=0.3) == pytest.approx(written, rel=1e-8)  # rounded R, F here
