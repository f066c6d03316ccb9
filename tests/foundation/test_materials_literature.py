"""Literature parameters of the materials library used by the interface simulator (issue 11 item 3).

Checks are cross-checks between independent sources or against arithmetic written out here: LePage2019's creep
law against Masias2019's yield stress, the interpolated LNI-CNT conductivities against their measured neighbours,
the LNI separator's resistance against its conductivity and thickness, and the citation of every data file.
"""

from __future__ import annotations

import math
import tomllib
from importlib import resources

import pytest

from lisse.citations import CITATIONS
from lisse.materials import KINDS, get_material, list_materials, source_files

R = 8.314462618  # J/(mol K), CODATA 2018


def test_every_data_file_cites_a_registered_source():
    for fname in source_files():
        data = tomllib.loads(resources.files("lisse.materials").joinpath("sets", fname).read_text("utf-8"))
        key = data["citation"]["key"]
        assert key == "assumed" or key in CITATIONS, fname
    for m in list_materials():
        assert m.kind in KINDS


def test_lepage_creep_law_flows_at_masias_yield_stress():
    # Power law: rate = A (sigma / 1 MPa)^n exp(-Q/RT). At a quasi-static 1e-3 1/s and 298.15 K, the flow stress
    # sigma = (rate / (A exp(-Q/RT)))^(1/n) must lie in Masias2019's measured yield range (independent experiment).
    li = get_material("Li")
    a, n, q = li.si("creep_prefactor"), li.si("creep_stress_exponent"), li.si("creep_activation_energy")
    assert (n, q) == pytest.approx((6.56, 37e3), rel=1e-12)
    sigma_mpa = (1e-3 / (a * math.exp(-q / (R * 298.15)))) ** (1.0 / n)
    lo, hi = li.ranges["yield_strength"]
    assert lo <= sigma_mpa <= hi
    assert li.si("yield_strength") == pytest.approx(0.8e6, rel=1e-12)


def test_li_elastic_constants_are_those_of_an_isotropic_solid():
    # Isotropic elasticity: nu = E/(2G) - 1 must lie in (0, 0.5) for a polycrystalline metal (independent bound; the
    # earlier pair E = 4.9, G = 4.2 GPa gave nu = -0.42). Masias2019's acoustic set is E 7.82, G 2.83 GPa, nu 0.381.
    li = get_material("Li")
    nu = li.si("youngs_modulus") / (2.0 * li.si("shear_modulus")) - 1.0
    assert 0.30 < nu < 0.45
    assert li.si("youngs_modulus") == pytest.approx(7.82e9, rel=1e-12)  # Masias2019, transcribed


def test_lepage_creep_law_matches_an_independent_room_temperature_reference_point():
    # Roy, Fleck, Deshpande, Extreme Mech. Lett. 46, 101307 (2021) model Li at room temperature as creeping at
    # 0.01 1/s under 1 MPa (their sigma_0, eps_0). The stored law must give that within a factor 2 at 1 MPa, 298.15 K.
    li = get_material("Li")
    a, q = li.si("creep_prefactor"), li.si("creep_activation_energy")
    rate = a * math.exp(-q / (R * 298.15))  # (1 MPa / 1 MPa)^n = 1
    assert 0.005 <= rate <= 0.02


def test_li_self_diffusivity_in_the_literature_range():
    li = get_material("Li")
    d = li.si("self_diffusivity")  # m2/s
    assert 1e-15 <= d <= 1e-14  # 1e-11 .. 1e-10 cm2/s
    # independent value: Messer & Noack (1975) NMR, 8e-15 m2/s at 300 K (quoted by Roy et al. 2021): within a factor 2
    assert 0.5 <= d / 8e-15 <= 2.0
    lo, hi = li.ranges["self_diffusivity"]
    assert lo <= li.param("self_diffusivity").value <= hi


@pytest.mark.parametrize(("name", "x", "lo_name", "x_lo", "hi_name", "x_hi"), [
    ("LNI-7CNT", 7.0, "LNI-5CNT", 5.0, "LNI-50CNT", 50.0),
    ("LNI-2CNT", 2.0, "LNI-0.5CNT", 0.5, "LNI-5CNT", 5.0),
])
def test_interpolated_conductivities_follow_their_measured_neighbours(name, x, lo_name, x_lo, hi_name, x_hi):
    t = (x - x_lo) / (x_hi - x_lo)
    for prop in ("ionic_conductivity", "electronic_conductivity"):
        lo, hi = get_material(lo_name).si(prop), get_material(hi_name).si(prop)
        expect = 10 ** (math.log10(lo) + t * (math.log10(hi) - math.log10(lo)))
        p = get_material(name).param(prop)
        assert p.si == pytest.approx(expect, rel=0.02), (name, prop)  # stored to 2-3 digits
        assert p.source.startswith("interpolated")


def test_lni_separator_resistance_matches_its_conductivity():
    # R A = L / sigma: 0.04 cm / 3.1e-4 S/cm = 129 ohm cm2 -> ~100 ohm means a cell of ~1.3 cm2 (a 13 mm disc is 1.33 cm2)
    lni = get_material("LNI")
    area_m2 = lni.si("separator_thickness") / lni.si("ionic_conductivity") / lni.si("separator_resistance")
    assert 1.0e-4 <= area_m2 <= 1.6e-4


def test_surface_and_anode_values_order_as_the_papers_report():
    air, tfoh = get_material("LLZTO-air"), get_material("LLZTO-TfOH")
    assert air.si("li_contact_angle") > math.pi / 2 > tfoh.si("li_contact_angle")  # lithiophobic vs lithiophilic
    # TfOH angle: Young-Dupre cos(theta) = W_ad/sigma_Li - 1 with W_ad(Li|LiF) = 0.53 J/m2, sigma_Li = 0.4245 J/m2
    assert math.degrees(tfoh.si("li_contact_angle")) == pytest.approx(math.degrees(math.acos(0.53 / 0.4245 - 1)), abs=0.05)
    assert get_material("LACSS").si("exchange_current_density") == pytest.approx(11.1, rel=1e-12)  # 1.11 mA/cm2
    assert get_material("LPSC").si("exchange_current_density") == pytest.approx(6.9, rel=1e-12)
    for name, mpa in (("LNI", 1.0), ("LPSC", 6.0)):
        assert get_material(name).si("stack_pressure") == pytest.approx(mpa * 1e6, rel=1e-12)
    for name in ("LLZO", "LLZTO", "LPSC", "Li6PS5Cl", "LNI"):
        k = get_material(name).param("fracture_toughness")
        assert k.assumed and 0.1e6 <= k.si <= 2e6
    # transferred indentation values, as published: LLZO 1.25 +- 0.32 (Wolfenstine 2013), Li2S-P2S5 0.23 +- 0.04 (McGrogan
    # 2017), both as quoted by Singh et al., Cell Rep. Phys. Sci. 3, 101043 (2022)
    for name, mean, sd in (("LLZO", 1.25, 0.32), ("LLZTO", 1.25, 0.32), ("LPSC", 0.23, 0.04), ("Li6PS5Cl", 0.23, 0.04)):
        assert abs(get_material(name).si("fracture_toughness") / 1e6 - mean) <= sd, name
