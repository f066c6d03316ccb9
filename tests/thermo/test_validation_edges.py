"""Thermo functions at their edges: every refusal names the parameter (and its unit), boundaries are where the
docstrings put them, and optional arguments (z, ratios, n_faces) enter the result. Written to kill the
mutants that survived tools/mutation.sh thermo; references are hand values and scipy.stats.linregress.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lisse.citations import collecting
from lisse.constants import BOLTZMANN, FARADAY
from lisse.errors import ParameterError
from lisse.thermo.nucleation import (
    critical_overpotential,
    critical_radius,
    heterogeneous_factor,
    homogeneous_barrier,
    li_molar_volume,
    nucleation_barrier,
    nucleation_rate,
)
from lisse.thermo.segregation import segregation
from lisse.thermo.surfaces import interface_energy, interface_energy_strain_fit, linear_fit, surface_energy, surface_energy_fit
from lisse.thermo.wetting import capillary_pressure, contact_angle, work_of_adhesion, work_of_adhesion_from_angle

NAN = float("nan")
EV = 1.602176634e-19

# (callable, args, kwargs, substrings the one-line message must contain)
REFUSALS = [
    (work_of_adhesion, (0.0, 0.0, 0.0, 0.0), {}, ["parameter 'area'", "in m2"]),
    (work_of_adhesion, (NAN, 0.0, 0.0, 1.0), {}, ["parameter 'e_li_slab'", "finite"]),
    (work_of_adhesion, (0.0, NAN, 0.0, 1.0), {}, ["parameter 'e_x_slab'", "finite"]),
    (work_of_adhesion, (0.0, 0.0, NAN, 1.0), {}, ["parameter 'e_interface'", "finite"]),
    (contact_angle, (0.5,), {"li_surface_energy": 0.0}, ["parameter 'li_surface_energy'", "in J/m2"]),
    (contact_angle, (NAN,), {}, ["parameter 'work_of_adhesion'", "finite"]),
    (work_of_adhesion_from_angle, (30.0,), {"li_surface_energy": -1.0}, ["parameter 'li_surface_energy'", "in J/m2"]),
    (work_of_adhesion_from_angle, (180.5,), {}, ["parameter 'contact_angle'", "between 0 and 180 deg"]),
    (work_of_adhesion_from_angle, (200.0,), {}, ["parameter 'contact_angle'"]),
    (work_of_adhesion_from_angle, (-0.5,), {}, ["parameter 'contact_angle'"]),
    (capillary_pressure, (0.0, 60.0), {}, ["parameter 'pore_radius'", "in m;"]),
    (capillary_pressure, (-1e-6, 60.0), {}, ["parameter 'pore_radius'"]),
    (capillary_pressure, (1e-6, 60.0, 0.0), {}, ["parameter 'surface_energy'", "in J/m2"]),
    (capillary_pressure, (1e-6, 180.5), {}, ["parameter 'contact_angle'", "between 0 and 180 deg"]),
    (capillary_pressure, (1e-6, 200.0), {}, ["parameter 'contact_angle'"]),
    (heterogeneous_factor, (180.5,), {}, ["parameter 'contact_angle'", "between 0 and 180 deg"]),
    (critical_radius, (0.01, 0.0), {}, ["parameter 'surface_energy'", "positive and finite"]),
    (critical_radius, (0.01, 0.4, 0.0), {}, ["parameter 'molar_volume'"]),
    (critical_radius, (0.0, 0.4), {}, ["parameter 'overpotential'"]),
    (critical_radius, (-0.01, 0.4), {}, ["parameter 'overpotential'"]),
    (homogeneous_barrier, (0.01, 0.0), {}, ["parameter 'surface_energy'"]),
    (homogeneous_barrier, (0.01, 0.4, -1e-5), {}, ["parameter 'molar_volume'"]),
    (homogeneous_barrier, (0.0, 0.4), {}, ["parameter 'overpotential'"]),
    (nucleation_rate, (0.05, 0.4, 90.0, 0.0), {}, ["parameter 'prefactor'"]),
    (nucleation_rate, (0.05, 0.4, 90.0, 1e30), {"temperature": 0.0}, ["parameter 'temperature'"]),
    (nucleation_rate, (NAN, 0.4, 90.0, 1e30), {}, ["parameter 'overpotential'", "finite"]),
    (critical_overpotential, (0.4, 90.0, 0.0, 1.0), {}, ["parameter 'prefactor'"]),
    (critical_overpotential, (0.4, 90.0, 1e30, 0.0), {}, ["parameter 'threshold_rate'"]),
    (critical_overpotential, (0.4, 90.0, 1e30, 1e30), {}, ["parameter 'threshold_rate'", "below the prefactor"]),
    (critical_overpotential, (0.0, 90.0, 1e30, 1.0), {}, ["parameter 'surface_energy'"]),
    (critical_overpotential, (0.4, 90.0, 1e30, 1.0), {"molar_volume": 0.0}, ["parameter 'molar_volume'"]),
    (critical_overpotential, (0.4, 90.0, 1e30, 1.0), {"temperature": -5.0}, ["parameter 'temperature'"]),
    (surface_energy, (0.0, 1, 0.0, 1e-19), {"n_faces": 3}, ["parameter 'n_faces'", "1 or 2"]),
    (surface_energy, (0.0, 1, 0.0, 0.0), {}, ["parameter 'area'", "in m2"]),
    (surface_energy, (0.0, 1, 0.0, -1e-19), {}, ["parameter 'area'"]),
    (surface_energy, (NAN, 1, 0.0, 1e-19), {}, ["parameter 'e_slab'", "finite"]),
    (surface_energy, (0.0, NAN, 0.0, 1e-19), {}, ["parameter 'n_units'"]),
    (surface_energy, (0.0, 1, NAN, 1e-19), {}, ["parameter 'e_bulk_per_unit'"]),
    (interface_energy, (0.0, 1, 0.0, 1, 0.0, 1e-19), {"n_interfaces": 0}, ["parameter 'n_interfaces'", "1 or 2"]),
    (interface_energy, (NAN, 1, 0.0, 1, 0.0, 1e-19), {}, ["parameter 'e_interface'"]),
    (interface_energy, (0.0, NAN, 0.0, 1, 0.0, 1e-19), {}, ["parameter 'n_li'"]),
    (interface_energy, (0.0, 1, NAN, 1, 0.0, 1e-19), {}, ["parameter 'e_li_per_atom'"]),
    (interface_energy, (0.0, 1, 0.0, NAN, 0.0, 1e-19), {}, ["parameter 'n_x'"]),
    (interface_energy, (0.0, 1, 0.0, 1, NAN, 1e-19), {}, ["parameter 'e_x_per_unit'"]),
    (linear_fit, ([[1.0, 2.0], [3.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]]), {}, ["1-D sequences of equal length", "(2, 2)"]),
    (linear_fit, ([1.0, 2.0, 3.0], [1.0, 2.0]), {}, ["1-D sequences of equal length"]),
    (linear_fit, ([1.0], [1.0]), {}, ["at least 2 finite points", "got 1"]),
    (linear_fit, ([1.0, 2.0, 3.0], [1.0, NAN, 3.0]), {}, ["at least 2 finite points"]),
    (linear_fit, ([1.0, NAN, 3.0], [1.0, 2.0, 3.0]), {}, ["at least 2 finite points"]),
    (linear_fit, ([2.0, 2.0, 2.0], [1.0, 2.0, 3.0]), {}, ["two distinct x values (slab thicknesses / n_Li)"]),
    (segregation, (NAN, 0.1), {}, ["parameter 'surface_energy'", "finite (J/m2)"]),
    (segregation, (0.5, NAN), {}, ["parameter 'interface_energy'", "finite (J/m2)"]),
    (segregation, (0.0, 0.1), {}, ["parameter 'surface_energy'", "positive (J/m2)"]),
    (segregation, (0.5, 0.1), {"particle_radius": 0.0}, ["parameter 'particle_radius'", "positive length in m"]),
    (segregation, (0.5, 0.1), {"particle_radius": -1e-8}, ["parameter 'particle_radius'"]),
]


@pytest.mark.parametrize(("fn", "args", "kwargs", "parts"), REFUSALS, ids=[f"{r[0].__name__}-{i}" for i, r in enumerate(REFUSALS)])
def test_refusal_names_parameter_and_unit(fn, args, kwargs, parts):
    with pytest.raises(ParameterError) as exc:
        fn(*args, **kwargs)
    msg = str(exc.value)
    for p in parts:
        assert p in msg, (p, msg)


def test_fit_refusal_message_starts_with_the_problem():
    with pytest.raises(ParameterError, match=r"^fit needs at least two distinct x values"):
        linear_fit([2.0, 2.0, 2.0], [1.0, 2.0, 3.0])


def test_angle_limits_are_inclusive():
    s = 0.4
    assert work_of_adhesion_from_angle(180.0, s) == pytest.approx(0.0, abs=1e-15)
    assert work_of_adhesion_from_angle(0.0, s) == pytest.approx(2 * s, rel=1e-15)
    assert capillary_pressure(1e-6, 180.0, s) == pytest.approx(-2 * s / 1e-6, rel=1e-12)
    assert heterogeneous_factor(180.0) == pytest.approx(1.0, rel=1e-15)


def test_contact_angle_fields_regimes_and_clipping_edges():
    s = 0.4
    r = contact_angle(0.3, s)
    assert (r.work_of_adhesion_J_m2, r.li_surface_energy_J_m2) == (0.3, 0.4)
    # cos theta = +1 and -1 exactly are inside [-1, 1]: not clipped
    full = contact_angle(2 * s, s)
    assert full.contact_angle_deg == 0.0 and full.clipped is False and full.regime == "complete wetting"
    zero = contact_angle(0.0, s)
    assert zero.contact_angle_deg == 180.0 and zero.clipped is False and zero.regime == "complete non-wetting"
    assert contact_angle(2.5 * s, s).clipped is True
    # the lithiophilic/lithiophobic border is theta = 90 deg (W_ad = sigma), lithiophobic at and above it
    assert contact_angle(s, s).regime == "lithiophobic"
    just_above_90 = work_of_adhesion_from_angle(90.5, s)
    assert contact_angle(just_above_90, s).regime == "lithiophobic"
    assert contact_angle(work_of_adhesion_from_angle(89.5, s), s).regime == "lithiophilic"


def test_work_of_adhesion_divides_by_area():
    assert work_of_adhesion(-1.0 * EV, -2.0 * EV, -3.5 * EV, 2e-19) == pytest.approx(0.5 * EV / 2e-19, rel=1e-12)


def test_nucleation_zero_overpotential_and_theta_limits():
    g, j0 = 0.4, 1e30
    assert nucleation_rate(0.0, g, 90.0, j0) == 0.0
    # theta = 0: no barrier; the rate is J0 times both ratios (not divided by them)
    assert nucleation_rate(0.05, g, 0.0, j0, concentration_ratio=0.5, electron_ratio=0.2) == pytest.approx(0.1 * j0, rel=1e-12)
    # theta = 180: the full homogeneous barrier
    expo = homogeneous_barrier(0.05, g) / (BOLTZMANN * 298.15)
    assert nucleation_rate(0.05, g, 180.0, j0, temperature=298.15) == pytest.approx(j0 * math.exp(-expo), rel=1e-12)
    # at 1.5 eta_c the rate is J0 exp(-ln(J0/J_c)/2.25): finite and far from both 0 and J0
    eta = 1.5 * critical_overpotential(g, 120.0, j0, 1.0, temperature=298.15)
    plain = nucleation_rate(eta, g, 120.0, j0, temperature=298.15)
    assert plain == pytest.approx(j0 ** (1 - 1 / 2.25), rel=1e-9)
    rate = nucleation_rate(eta, g, 120.0, j0, temperature=298.15, concentration_ratio=0.5, electron_ratio=0.2)
    assert rate == pytest.approx(0.1 * plain, rel=1e-12)


def test_charge_number_z_enters_every_formula():
    g, eta = 0.4, 0.02
    assert critical_radius(eta, g, z=2) == pytest.approx(critical_radius(eta, g) / 2, rel=1e-12)
    assert homogeneous_barrier(eta, g, z=2) / EV == pytest.approx(homogeneous_barrier(eta, g) / 4 / EV, rel=1e-12)
    assert nucleation_barrier(eta, g, 120.0, z=2) / EV == pytest.approx(nucleation_barrier(eta, g, 120.0) / 4 / EV, rel=1e-12)
    # z = 2 quarters the barrier: the rate is J0 exp(-barrier/4 / kT), at an overpotential where both are finite
    eta2 = 0.6 * critical_overpotential(g, 120.0, 1e30, 1.0, temperature=298.15)
    b = nucleation_barrier(eta2, g, 120.0) / (BOLTZMANN * 298.15)
    assert 10 < b / 4 < 200
    assert nucleation_rate(eta2, g, 120.0, 1e30, temperature=298.15, z=2) == pytest.approx(1e30 * math.exp(-b / 4), rel=1e-9)
    assert critical_overpotential(g, 120.0, 1e30, 1.0, z=2) == pytest.approx(critical_overpotential(g, 120.0, 1e30, 1.0) / 2, rel=1e-12)
    # hand value of r* (natural units, nm): 2 gamma V_m / (F eta)
    assert critical_radius(eta, g) * 1e9 == pytest.approx(2 * g * li_molar_volume() / (FARADAY * eta) * 1e9, rel=1e-12)


def test_critical_overpotential_limits():
    g, j0, jc = 0.4, 1e30, 1.0
    assert critical_overpotential(g, 0.0, j0, jc) == 0.0
    eta_180 = critical_overpotential(g, 180.0, j0, jc, temperature=298.15)
    hand = math.sqrt(16 * math.pi * g**3 * li_molar_volume()**2 / (3 * FARADAY**2 * BOLTZMANN * 298.15) / math.log(j0 / jc))
    assert eta_180 == pytest.approx(hand, rel=1e-12)
    assert nucleation_rate(eta_180, g, 180.0, j0, temperature=298.15) == pytest.approx(jc, rel=1e-9)


def test_linear_fit_three_points_and_residuals_against_linregress():
    from scipy.stats import linregress

    x, y = [1.0, 2.0, 4.0], [1.0, 2.5, 4.0]
    f = linear_fit(x, y)
    ref = linregress(x, y)
    assert (f.slope, f.intercept) == (pytest.approx(ref.slope, rel=1e-12), pytest.approx(ref.intercept, rel=1e-12))
    assert f.slope_stderr == pytest.approx(ref.stderr, rel=1e-12)  # three points: defined (n - 2 = 1)
    assert f.intercept_stderr == pytest.approx(ref.intercept_stderr, rel=1e-12)
    r = np.array(y) - (ref.intercept + ref.slope * np.array(x))
    assert f.residual_rms == pytest.approx(math.sqrt(np.mean(r**2)), rel=1e-12)
    assert f.n_points == 3 and isinstance(f.n_points, int)
    two = linear_fit([1, 2], [3, 5])  # integers are accepted
    assert two.slope == 2.0 and math.isnan(two.slope_stderr) and math.isnan(two.intercept_stderr)


def test_surface_energy_one_face_and_fit_errors():
    area, gamma, e_bulk = 10e-20, 0.5, -1.9 * EV
    assert surface_energy(2 * area * gamma + 3 * e_bulk, 3, e_bulk, area) == pytest.approx(gamma, rel=1e-12)
    assert surface_energy(area * gamma + 3 * e_bulk, 3, e_bulk, area, n_faces=1) == pytest.approx(gamma, rel=1e-12)
    from scipy.stats import linregress

    n = np.array([3.0, 5.0, 7.0, 9.0])
    e = 2 * area * gamma + n * e_bulk + np.array([1, -2, 2, -1]) * 1e-3 * EV  # meV scatter
    for faces in (1, 2):
        f = surface_energy_fit(n, e if faces == 2 else e - area * gamma, area, n_faces=faces)
        ref = linregress(n, (e if faces == 2 else e - area * gamma) / EV)
        assert f.gamma_J_m2 == pytest.approx(ref.intercept * EV / (faces * area), rel=1e-9)
        assert f.gamma_stderr_J_m2 == pytest.approx(ref.intercept_stderr * EV / (faces * area), rel=1e-9)
        assert f.bulk_energy_per_unit_J / EV == pytest.approx(ref.slope, rel=1e-12)
        assert f.bulk_energy_stderr_J / EV == pytest.approx(ref.stderr, rel=1e-9)
        assert f.n_points == 4


def test_interface_energy_one_interface_and_strain_fit():
    area = 20e-20
    e = 2 * area * 0.3 + 4 * (-1.9 * EV) + 2 * (-5.0 * EV)
    assert interface_energy(e, 4, -1.9 * EV, 2, -5.0 * EV, area) == pytest.approx(0.3, rel=1e-12)
    assert interface_energy(e, 4, -1.9 * EV, 2, -5.0 * EV, area, n_interfaces=1) == pytest.approx(0.6, rel=1e-12)
    f = interface_energy_strain_fit([3, 5, 7], [0.31, 0.33, 0.35])
    assert f.intercept == pytest.approx(0.28, rel=1e-12) and f.slope == pytest.approx(0.01, rel=1e-12)


def test_segregation_fields_border_and_citations():
    with collecting() as keys:
        r = segregation(0.5, 0.2)
    assert {"Su2024", "Chu2024"} <= set(keys)
    assert (r.surface_energy_J_m2, r.interface_energy_J_m2) == (0.5, 0.2)
    assert r.driving_force_per_volume_J_m3 is None
    assert not r.segregates and r.verdict == "stays dispersed in the matrix (gamma_X - gamma_X/M >= 0)"
    eq = segregation(0.4, 0.4)  # gamma_X - gamma_X/M = 0: no driving force, stays dispersed
    assert eq.segregates is False and eq.delta_gamma_J_m2 == 0.0
    s = segregation(0.3, 0.45, particle_radius=1e-8)
    assert s.segregates and s.verdict == "segregates to the surface (gamma_X - gamma_X/M < 0)"
    assert s.driving_force_per_volume_J_m3 == pytest.approx(3 * (0.3 - 0.45) / 1e-8, rel=1e-12)  # < 0: segregates


def test_rate_scalar_in_scalar_out_array_in_array_out_and_legacy_constant():
    import lisse.thermo.nucleation as nuc

    r = nucleation_rate(0.05, 0.4, 90.0, 1e30)
    assert isinstance(r, float)
    arr = nucleation_rate(np.array([0.0, 0.05, -0.1]), 0.4, 90.0, 1e30)
    assert isinstance(arr, np.ndarray) and arr.shape == (3,) and arr[0] == 0.0 and arr[2] == 0.0 and arr[1] == pytest.approx(r, rel=1e-12)
    assert nuc.LI_MOLAR_VOLUME == li_molar_volume()
    with pytest.raises(AttributeError, match="no attribute 'NOT_THERE'"):
        nuc.NOT_THERE  # noqa: B018
