"""Interlayer model, solver and length criterion at their edges: the solution's profiles against solve_bvp,
mesh and input checks, parameter provenance, verdict boundaries. Written to kill meaningful mutants that
survived tools/mutation.sh interlayer; references are solve_bvp, the thermo functions and hand values.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import cumulative_trapezoid, solve_bvp

from lisse.errors import ParameterError
from lisse.sim.interlayer.lengths import nucleation_length, verdict
from lisse.sim.interlayer.model import bv_current, bv_overpotential, growth_length, make_parameters
from lisse.sim.interlayer.solver1d import make_mesh, solve_1d
from lisse.thermo.nucleation import nucleation_rate

R, F, T = 8.314462618, 96485.33212, 298.15
F_RT = F / (R * T)


def test_solution_profiles_match_solve_bvp():
    p = make_parameters("lni-5cnt", alpha=0.4)
    i = 20.0
    s = solve_1d(p, i, n_uniform=400)
    L, a, i0, i0a, se, si, al = p.thickness, p.specific_area, p.exchange_current, p.anode_exchange_current, p.sigma_e, p.sigma_ion, p.alpha
    f = p.f_rt

    def j(eta):
        return i0 * (np.exp(-al * f * eta) - np.exp((1 - al) * f * eta))

    def rhs(xi, y):
        return np.vstack([L * i * ((1 - y[1]) / se - y[1] / si), L * a * j(y[0]) / i])

    def bc(y0, y1):
        return np.array([y0[1] - i0a / i0 * j(y0[0]) / i, y1[1] - 1.0])

    xi = np.linspace(0, 1, 401)
    ref = solve_bvp(rhs, bc, xi, np.vstack([np.full(xi.size, -0.05), np.linspace(0.5, 1, xi.size)]), tol=1e-8, max_nodes=200000)
    assert ref.success
    eta_ref, share = ref.sol(s.x / L)
    # currents: ionic share from the reference, electronic the rest; potentials: phi_e from Ohm's law, phi_ion = phi_e - eta
    np.testing.assert_allclose(s.i_ion, share * i, rtol=0, atol=2e-3 * i)
    np.testing.assert_allclose(s.i_e, (1 - share) * i, rtol=0, atol=2e-3 * i)
    phi_e_ref = cumulative_trapezoid((1 - share) * i / se, s.x, initial=0.0)
    scale = np.max(np.abs(eta_ref))
    np.testing.assert_allclose(s.phi_e, phi_e_ref, rtol=0, atol=2e-3 * scale)
    np.testing.assert_allclose(s.phi_ion, phi_e_ref - eta_ref, rtol=0, atol=2e-3 * scale)
    assert s.anode_current == pytest.approx(share[0] * i, rel=2e-3)
    assert s.internal_current == pytest.approx(i - s.anode_current, rel=1e-8)
    assert s.internal_current == pytest.approx(np.trapezoid(s.deposition_rate, s.x), rel=2e-3)
    np.testing.assert_allclose(s.deposition_rate, a * j(s.eta), rtol=1e-9)
    assert s.current_balance_error == pytest.approx(abs(s.anode_current + s.internal_current - i) / i, abs=1e-15)
    assert s.current_balance_error < 1e-8
    assert isinstance(s.iterations, int) and s.iterations >= 1 and s.params is p and s.current == i
    ref_rate = [nucleation_rate(-e, p.surface_energy, p.contact_angle_deg, p.nucleation_prefactor, p.temperature) if e < 0 else 0.0
                for e in s.eta]
    np.testing.assert_allclose(s.nucleation_rate, ref_rate, rtol=1e-12, atol=0)
    assert s.interlayer_voltage == s.phi_ion[-1]


def test_custom_mesh_and_mesh_checks():
    p = make_parameters("lni-5cnt")
    ref = solve_1d(p, 20.0, n_uniform=400)
    s = solve_1d(p, 20.0, mesh=np.linspace(0, 1, 801))
    assert s.x.size == 801 and s.x[-1] == pytest.approx(p.thickness, rel=1e-15)
    assert np.interp(0.5, s.x / p.thickness, s.eta) == pytest.approx(np.interp(0.5, ref.x / p.thickness, ref.eta), rel=1e-3)
    assert solve_1d(p, 20.0, mesh=[0.0, 0.5, 1.0]).x.size == 3  # three nodes are enough to run
    for bad in ([0.0, 1.0], [[0.0, 0.5, 1.0]], [0.1, 0.5, 1.0], [0.0, 0.5, 0.9], [0.0, 0.6, 0.5, 1.0], [0.0, 0.5, 0.5, 1.0]):
        with pytest.raises(ParameterError, match=r"^parameter 'mesh' must be increasing nondimensional nodes from 0 to 1 \(>= 3 nodes\)"):
            solve_1d(p, 20.0, mesh=bad)
    for cur in (0.0, -1.0, math.nan):
        with pytest.raises(ParameterError, match="current"):
            solve_1d(p, cur)


def test_make_mesh_geometry_and_checks():
    m = make_mesh(1e6, 200)  # first cell 0.1/sqrt(1e6) = 1e-4, growing by 1.08
    assert m[0] == 0.0 and m[-1] == 1.0 and np.all(np.diff(m) > 0)
    np.testing.assert_allclose(m, 1.0 - m[::-1], atol=1e-12)  # graded alike towards both faces
    h = np.diff(m)
    assert h[0] == pytest.approx(1e-4, rel=1e-9) and h[1] / h[0] == pytest.approx(1.08, rel=1e-9)
    assert h.max() <= 1 / 200 * (1 + 1e-9)
    assert np.diff(make_mesh(1e30, 200))[0] == pytest.approx(1e-10, rel=1e-9)  # floor of the first cell
    assert np.diff(make_mesh(1.0, 200))[0] == pytest.approx(1 / 200, rel=1e-6)  # no grading needed
    assert make_mesh(1e4, 4).size >= 5 and make_mesh(1e4, 50, growth=1.5).size > 50
    for n, g in ((3, 1.08), (200, 1.0), (200, 2.0)):
        with pytest.raises(ParameterError, match=r"^mesh needs n_uniform >= 4 and 1 < growth < 2"):
            make_mesh(1e4, n, growth=g)


def test_parameter_names_and_sources():
    assert make_parameters("LNI-5CNT").name == "lni-5cnt"
    m = make_parameters(material="LNI-5CNT", thickness="20 um")
    assert m.name == "LNI-5CNT" and m.sources["sigma_ion"].endswith("(materials library: LNI-5CNT)")
    assert m.sources["thickness"] == "user" and m.thickness == pytest.approx(20e-6, rel=1e-12)
    # an explicit conductivity wins over the material's and is marked as the user's
    u = make_parameters(material="LNI-5CNT", sigma_e="1 S/m")
    assert u.sigma_e == 1.0 and u.sources["sigma_e"] == "user" and "materials library" in u.sources["sigma_ion"]
    with pytest.raises(ParameterError, match=r"^give either 'preset' or 'material', not both$"):
        make_parameters("lni-5cnt", material="LNI-5CNT")
    with pytest.raises(ParameterError, match="interlayer preset"):
        make_parameters("lni-7cnt")
    with pytest.raises(ParameterError, match=r"^parameter 'ratio_ionic' \(0.5\) must be below 'ratio_electronic' \(0.5\)"):
        make_parameters("lni-5cnt", ratio_ionic=0.5, ratio_electronic=0.5)


def test_growth_length_checks_and_limits():
    assert growth_length(0.0, 0.3) == 0.0
    assert growth_length(3.6e4, 1.0) * 1e6 == pytest.approx(6.94e-3 / 534.0 * 3.6e4 / F * 1e6, rel=1e-9)
    for cap in (-1.0, math.nan, math.inf):
        with pytest.raises(ParameterError, match=r"^parameter 'capacity' must be a non-negative areal charge"):
            growth_length(cap, 0.3)
    for por in (0.0, 1.5, -0.1):
        with pytest.raises(ParameterError, match=r"^parameter 'porosity' must be in \(0, 1\]"):
            growth_length(3.6e4, por)


def test_bv_overpotential_edges():
    assert bv_overpotential(0.0, 2.0, 0.3, F_RT) == 0.0
    for jv in (1.0, 2.0):
        assert float(bv_current(bv_overpotential(jv, 2.0, 0.3, F_RT), 2.0, 0.3, F_RT)) == pytest.approx(jv, rel=1e-10)
    for i0 in (0.0, -1.0):
        with pytest.raises(ParameterError, match=r"^parameter 'i0' must be positive to invert Butler-Volmer"):
            bv_overpotential(1.0, i0, 0.5, F_RT)


def test_verdict_boundaries_and_checks():
    li = 90e-6
    assert verdict(li * (1 - 1e-13), 1e-6, li) == (False, "nucleation_at_electrolyte")
    assert verdict(1e-6, li, li) == (False, "growth_breach")  # l_g = l_i already breaches
    assert verdict(5e-6, 5e-6, li) == (True, "none")  # l_n = l_g is stable
    for args, name in (((-1e-6, 1e-6, li), "l_n"), ((1e-6, math.nan, li), "l_g"), ((1e-6, 1e-6, math.inf), "l_i")):
        with pytest.raises(ParameterError, match=rf"^length '{name}' must be finite and >= 0"):
            verdict(*args)


def test_nucleation_length_edges():
    x = np.array([0.0, 1e-5])
    assert nucleation_length(x, np.array([-0.3, -0.1]), 0.2) == pytest.approx(0.5e-5, rel=1e-12)  # two nodes suffice
    # -eta exactly eta_c at a node counts as reached
    assert nucleation_length(np.array([0.0, 1e-5, 2e-5]), np.array([-0.3, -0.2, -0.1]), 0.2) == pytest.approx(1e-5, rel=1e-12)
    for xx, ee in ((np.array([0.0]), np.array([-0.3])), (np.array([0.0, 1e-5]), np.array([-0.3, -0.2, -0.1]))):
        with pytest.raises(ParameterError, match=r"^x and eta must be 1D arrays of equal length >= 2"):
            nucleation_length(xx, ee, 0.2)
    with pytest.raises(ParameterError, match="1D arrays"):
        nucleation_length(np.zeros((2, 2)), np.zeros((2, 2)), 0.2)
    with pytest.raises(ParameterError, match=r"^parameter 'eta_c' \(critical nucleation overpotential\) must be >= 0 V"):
        nucleation_length(x, np.array([-0.3, -0.1]), -0.1)
    # eta_c = 0 (complete wetting, no barrier): Li nucleates wherever it plates, here the whole cathodic layer
    assert nucleation_length(x, np.array([-0.3, -0.1]), 0.0) == pytest.approx(1e-5, rel=1e-12)
    assert nucleation_length(x, np.array([0.0, 0.0]), 0.0) == 0.0  # no overpotential, no nucleation even without a barrier
