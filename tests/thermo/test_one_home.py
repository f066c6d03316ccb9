"""Each building block has one home: Li constants from the materials library, one nucleation rate,
the interlayer sweep/map helpers and the bundled W_ad lookup in the library (not in cli/ or stages)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lisse.constants import BOLTZMANN, FARADAY
from lisse.errors import ParameterError
from lisse.thermo.nucleation import barrier_coefficient, critical_overpotential, li_molar_volume, nucleation_rate


def test_li_molar_volume_is_mass_over_density_of_the_library():
    # independent numbers: IUPAC 2021 M(Li) = 6.94 g/mol, CRC2016 rho = 0.534 g/cm3 -> 12.99625 cm3/mol (unrounded)
    assert li_molar_volume() * 1e6 == pytest.approx(6.94 / 0.534, rel=1e-13, abs=0)
    from lisse.sim.phasefield.model import coefficients_from_physical

    assert coefficients_from_physical(90.0).molar_volume * 1e6 == pytest.approx(6.94 / 0.534, rel=1e-13, abs=0)
    from lisse.sim.interlayer.model import growth_length

    # 1 mAh/cm2 of dense Li is 4.853 um (V_m / F per C/m2)
    assert growth_length(3.6e4, 1.0) * 1e6 == pytest.approx(3.6e4 * 6.94 / 0.534 / FARADAY, rel=1e-13, abs=0)


def test_nucleation_rate_hand_formula_scalar_and_array():
    g, th, j0, t = 0.42, 60.0, 1e35, 300.0
    k = (2 - 3 * math.cos(math.radians(th)) + math.cos(math.radians(th)) ** 3) / 4
    vm = 6.94e-3 / 534.0
    b = k * 16 * math.pi * g**3 * vm**2 / (3 * FARADAY**2 * BOLTZMANN * t)  # V^2
    assert barrier_coefficient(g, th, t) == pytest.approx(b, rel=1e-12, abs=0)
    eta = np.array([-0.1, 0.0, 0.05, 0.2])
    rates = nucleation_rate(eta, g, th, j0, t)
    assert isinstance(rates, np.ndarray) and rates[0] == 0.0 and rates[1] == 0.0
    for e, r in zip(eta[2:], rates[2:]):
        hand = j0 * math.exp(-b / e**2)
        assert math.log(r) == pytest.approx(math.log(hand), rel=1e-12, abs=0)
        assert nucleation_rate(float(e), g, th, j0, t) == r
    assert critical_overpotential(g, th, j0, 1e15, t) == pytest.approx(math.sqrt(b / math.log(1e20)), rel=1e-12, abs=0)


def test_interlayer_nucleation_field_is_the_thermo_rate_at_the_cathodic_overpotential():
    from lisse.sim.interlayer.model import make_parameters, nucleation_rate_field

    p = make_parameters("lni-5cnt")
    eta = np.array([-0.3, -0.15, 0.0, 0.1])
    field = nucleation_rate_field(eta, p)
    want = nucleation_rate(-eta, p.surface_energy, p.contact_angle_deg, p.nucleation_prefactor, p.temperature)
    np.testing.assert_array_equal(field, want)
    assert field[2] == 0.0 and field[3] == 0.0 and field[0] > field[1] > 0


def test_interlayer_operating_point_and_tables():
    from lisse.sim.interlayer import sweeps

    assert sweeps.plating_capacity(10.0, time=3600.0) == pytest.approx(3.6e4, rel=1e-15, abs=0)
    assert sweeps.plating_capacity(10.0, capacity=7.2e4) == 7.2e4
    with pytest.raises(ParameterError, match="exactly one"):
        sweeps.plating_capacity(10.0, capacity=1.0, time=1.0)
    with pytest.raises(ParameterError, match="exactly one"):
        sweeps.plating_capacity(10.0)
    with pytest.raises(ParameterError, match="got 1 mA/cm2 and 0.1 mA/cm2"):
        sweeps.current_grid(10.0, 1.0, 5)
    with pytest.raises(ParameterError, match="points"):
        sweeps.current_grid(1.0, 10.0, 1)
    cur = sweeps.current_grid(1.0, 100.0, 3)
    np.testing.assert_allclose(cur, [1.0, 10.0, 100.0], rtol=1e-14, atol=0)
    caps = sweeps.default_map_capacities()
    assert caps[0] == pytest.approx(0.1 * 3.6e4, rel=1e-14, abs=0) and caps[-1] == pytest.approx(10 * 3.6e4, rel=1e-14, abs=0)
    from lisse.sim.interlayer.model import make_parameters

    p = make_parameters("lni-5cnt")
    sw = sweeps.sweep_current(p, cur, capacity=3.6e4)
    t = sweeps.sweep_table(sw, calibrated=p.calibrated_parameters)
    np.testing.assert_allclose(t["current_density_mA_cm2"], [0.1, 1.0, 10.0], rtol=1e-14, atol=0)
    np.testing.assert_allclose(t["growth_length_um"], sw["growth_length"] * 1e6, rtol=1e-15, atol=0)
    assert set(t["failure_mode"]) <= {"none", "nucleation_at_electrolyte", "growth_breach", "dead_li"}
    m = sweeps.map_current_capacity(p, cur, caps[:4])
    mt = sweeps.current_capacity_map_table(m, calibrated=[])
    assert len(mt["stable"]) == 12
    np.testing.assert_allclose(sorted(set(np.round(mt["capacity_mAh_cm2"], 12))), np.round(caps[:4] / 3.6e4, 12), rtol=1e-12, atol=0)


def test_bundled_work_of_adhesion_lookup():
    from lisse.atomistic.accuracy import bundled_work_of_adhesion
    from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY

    li2co3 = bundled_work_of_adhesion("Li2CO3")
    assert li2co3 is not None and li2co3.source
    # Ji2025's own pair: W_ad(Li|Li2CO3) = 0.09 J/m2 <-> 142 deg (either given directly or converted from the angle)
    assert li2co3.value_J_m2 == pytest.approx(0.09, rel=1e-3) or li2co3.value_J_m2 == pytest.approx(
        DEFAULT_LI_SURFACE_ENERGY * (1 + math.cos(math.radians(142.0))), rel=1e-12)
    assert bundled_work_of_adhesion("NoSuchMaterial") is None


def test_phasefield_material_defaults_come_from_the_library():
    from lisse.sim.phasefield.model import PhaseFieldCoefficients, material_defaults

    c = PhaseFieldCoefficients(A=1.0, B=0.0, k_zeta=1.0, k_li=0.0, L_sigma=1.0, L_eta=1.0, eta=0.0)
    # published values: LPSC 7.9e-3 S/cm (Su2024), Li7N2I 3.1e-4 S/cm (Wang2024), Li 1.08e5 S/cm (CRC2016)
    assert c.sigma_pore / 100 == pytest.approx(7.9e-3, rel=1e-12, abs=0)
    assert c.sigma_particle / 100 == pytest.approx(3.1e-4, rel=1e-12, abs=0)
    assert c.sigma_li / 100 == pytest.approx(1.08e5, rel=1e-12, abs=0)
    assert c.molar_volume * 1e6 == pytest.approx(6.94 / 0.534, rel=1e-13, abs=0)
    assert {k: p.source for k, p in material_defaults().items()}["pore_conductivity"].startswith("Su2024")


def test_phasefield_run_settings_validates_in_the_library():
    from lisse.sim.phasefield.presets import run_settings

    s = run_settings("lithiophobic", 64, current_density=2.0, frames=5, work_of_adhesion=0.09)
    assert s["current_density"] == 2.0 and s["frames"] == 5
    assert s["contact_angle_deg"] == pytest.approx(142.0, rel=1e-9)  # Ji2025 pair with the default sigma_Li
    for kw, msg in [({"contact_angle_deg": 190.0}, "contact_angle"), ({"work_of_adhesion": -0.1}, r"work_of_adhesion' must be ≥ 0 J/m2 \(a measured or given W_ad cannot be negative\); got -0.1 J/m2"),
                    ({"work_of_adhesion": float("nan")}, "work_of_adhesion' must be finite"),
                    ({"plated_thickness": 0.0}, "plated_thickness"), ({"frames": 1}, "frames"),
                    ({"contact_angle_deg": 90.0, "work_of_adhesion": 0.1}, "not both")]:
        with pytest.raises(ParameterError, match=msg):
            run_settings("lithiophilic", None, **kw)


def test_li_thickness_per_charge_has_one_home_used_by_cell_design_interlayer_and_interface():
    # independent number: V_m/F with IUPAC 2021 M(Li) = 6.94 g/mol and CRC2016 rho = 0.534 g/cm3
    from lisse.cell.design import li_areal_capacity, li_thickness_for_capacity
    from lisse.sim.interlayer.model import growth_length
    from lisse.thermo import li_thickness_per_charge

    want = 6.94e-3 / 534.0 / FARADAY  # m per C/m2
    assert li_thickness_per_charge() == pytest.approx(want, rel=1e-13, abs=0)
    # 1 mAh/cm2 = 3.6e4 C/m2 -> 4.853 um of dense Li, in the cell design both ways
    assert li_thickness_for_capacity(3.6e4) == pytest.approx(3.6e4 * want, rel=1e-13, abs=0)
    assert li_areal_capacity(3.6e4 * want) == pytest.approx(3.6e4, rel=1e-13, abs=0)
    assert growth_length(3.6e4, 0.5) == pytest.approx(3.6e4 * want / 0.5, rel=1e-13, abs=0)
