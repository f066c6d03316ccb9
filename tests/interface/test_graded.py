"""Graded layers (lisse.materials.graded): the mixing laws against their analytic limits, the stack's conservation of
the stated Mg content, and the graded LNI-25Mg layer through build_model and the ``lisse simulate ccd`` CLI.

References are independent of the code: the GEM equation's closed limits (McLachlan 1987: the matrix at phi = 0, the
filler at phi = 1, the percolation law sigma_f ((phi - phi_c)/(1 - phi_c))^t for an insulating matrix and
sigma_m (1 - phi/phi_c)^(-t) for an infinitely conducting filler below phi_c), Bruggeman's power law, mass balance
with the library densities written out here, and Cassie's average computed by hand.
"""

from __future__ import annotations

import json
import math

import pytest

from lisse.errors import ParameterError
from lisse.materials.graded import (
    GRADED_COMPOSITES,
    bruggeman_conductivity,
    cassie_contact_angle,
    filler_volume_fraction,
    gem_conductivity,
    graded_stack,
)

RHO_MG, RHO_LNI = 1.738, 2.38  # g/cm3: CRC2016 and Wang2024, written out (not read from the library)
PHI_BAR = (0.25 / RHO_MG) / (0.25 / RHO_MG + 0.75 / RHO_LNI)  # 25 wt% Mg -> 0.3134


def test_gem_end_points_are_the_pure_phases():
    assert gem_conductivity(0.0, 1e-7, 2.28e7) == pytest.approx(1e-7, rel=1e-12, abs=0)
    assert gem_conductivity(1.0, 1e-7, 2.28e7) == pytest.approx(2.28e7, rel=1e-12, abs=0)


@pytest.mark.parametrize("phi", [0.3, 0.45, 0.6, 0.9])
def test_gem_percolation_law_for_an_insulating_matrix(phi):
    """sigma_m -> 0 above phi_c: sigma_f ((phi - phi_c)/(1 - phi_c))^t (the percolation limit of the GEM equation)."""
    for phi_c, t in ((0.16, 2.0), (0.25, 1.7)):
        expected = 1e7 * ((phi - phi_c) / (1.0 - phi_c)) ** t
        assert gem_conductivity(phi, 1e-30, 1e7, phi_c, t) == pytest.approx(expected, rel=1e-6, abs=0)


@pytest.mark.parametrize("phi", [0.02, 0.08, 0.14])
def test_gem_below_threshold_with_a_perfect_filler(phi):
    """sigma_f -> infinity below phi_c: sigma_m (1 - phi/phi_c)^(-t)."""
    assert gem_conductivity(phi, 1.0, 1e40, 0.16, 2.0) == pytest.approx((1.0 - phi / 0.16) ** -2.0, rel=1e-6, abs=0)


def test_gem_onset_is_at_the_threshold():
    """With 14 decades of contrast the conductivity rises by > 6 decades across phi_c +- 0.02 and < 1 decade elsewhere."""
    for phi_c in (0.10, 0.16, 0.25):
        def s(p, phi_c=phi_c):
            return gem_conductivity(p, 1e-7, 2.28e7, phi_c)
        assert math.log10(s(phi_c + 0.02) / s(phi_c - 0.02)) > 6.0
        assert math.log10(s(phi_c + 0.22) / s(phi_c + 0.18)) < 1.0
        assert math.log10(s(phi_c - 0.06) / s(phi_c - 0.10)) < 1.0


def test_bruggeman_exponent():
    for phi in (0.1, 0.3134, 0.6):
        ratio = bruggeman_conductivity(3.1e-2, phi) / 3.1e-2
        assert math.log(ratio) / math.log(1.0 - phi) == pytest.approx(1.5, rel=1e-12)
    assert bruggeman_conductivity("3.1e-4 S/cm", 0.0) == pytest.approx(3.1e-2, rel=1e-12, abs=0)


def test_volume_fraction_and_cassie_by_hand():
    assert filler_volume_fraction(0.25, RHO_MG, RHO_LNI) == pytest.approx(PHI_BAR, rel=1e-14)
    f = 2 * PHI_BAR
    assert cassie_contact_angle(f, 0.0, 120.0) == pytest.approx(math.degrees(math.acos(f - 0.5 * (1 - f))), rel=1e-12)


@pytest.mark.parametrize("profile", ["linear", "reversed", "uniform"])
@pytest.mark.parametrize("n", [1, 7, 10, 20])
def test_stack_conserves_the_stated_mg_content(profile, n):
    st = graded_stack(GRADED_COMPOSITES["LNI-25Mg"].with_(profile=profile), n)
    fr = [s.thickness_fraction for s in st.sublayers]
    phi = [s.filler_volume_fraction for s in st.sublayers]
    assert len(fr) == n and sum(fr) == pytest.approx(1.0, abs=1e-12)
    assert sum(f * p for f, p in zip(fr, phi)) == pytest.approx(PHI_BAR, abs=1e-12)
    mg = sum(f * p * RHO_MG for f, p in zip(fr, phi))
    total = sum(f * (p * RHO_MG + (1 - p) * RHO_LNI) for f, p in zip(fr, phi))
    assert mg / total == pytest.approx(0.25, abs=1e-12)  # 25 wt% Mg over the whole layer


def test_linear_profile_ends_and_conductivities():
    st = graded_stack("LNI-25Mg", 10)
    subs = st.sublayers
    assert subs[0].filler_volume_fraction == pytest.approx(2 * PHI_BAR * 0.95, rel=1e-12)  # mean over the first tenth
    assert subs[-1].filler_volume_fraction == pytest.approx(2 * PHI_BAR * 0.05, rel=1e-12)
    assert st.face_filler_volume_fraction == pytest.approx(2 * PHI_BAR, rel=1e-12)
    se = [s.sigma_e for s in subs]
    assert all(a > b for a, b in zip(se, se[1:]))  # electron-conducting at the Li side, insulating at the electrolyte
    assert subs[-1].sigma_ion == pytest.approx(3.1e-2 * (1 - 2 * PHI_BAR * 0.05) ** 1.5, rel=1e-12)
    f = 2 * PHI_BAR
    assert st.face_contact_angle == pytest.approx(math.degrees(math.acos(f - 0.5 * (1 - f))), rel=1e-12)


def test_a_profile_beyond_a_full_filler_is_refused():
    with pytest.raises(ParameterError, match="2 phi_bar"):
        graded_stack(GRADED_COMPOSITES["LNI-25Mg"].with_(filler_mass_fraction=0.5))


def test_build_model_takes_the_graded_layer():
    from lisse.sim.interface import build_model

    m = build_model("LNI-25Mg", "18.5 um", electrolyte="LNI")
    st = graded_stack("LNI-25Mg")
    assert [lay[0] for lay in m.layers] == [s.name for s in st.sublayers]
    assert sum(lay[1] for lay in m.layers) == pytest.approx(1.0, abs=1e-12)
    assert math.degrees(m.values["interlayer_contact_angle"]) == pytest.approx(st.face_contact_angle, rel=1e-12)
    assert m.calibrated_parameters == ["surface_energy", "void_depth_ratio"] and "interlayer_grading" in m.sources
    si, se = m.sigma_profile([1e-9, 18.5e-6 - 1e-9])
    assert se[0] == st.sublayers[0].sigma_e and se[1] == st.sublayers[-1].sigma_e and si[1] == st.sublayers[-1].sigma_ion
    rev = build_model(GRADED_COMPOSITES["LNI-25Mg"].with_(profile="reversed"), "18.5 um", electrolyte="LNI")
    assert math.degrees(rev.values["interlayer_contact_angle"]) == pytest.approx(120.0, rel=1e-12)  # an LNI face


def test_cli_simulates_the_graded_layer(capsys):
    from lisse.cli.main import main

    code = main(["simulate", "ccd", "--interlayer", "LNI-25Mg", "--interlayer-thickness", "18.5 um", "--electrolyte", "LNI",
                 "--protocol", "fixed-time", "--step-time", "1 h", "--start", "0.1", "--increment", "0.1", "--max-current", "0.2",
                 "--json"])
    out = capsys.readouterr().out
    assert code == 0
    d = json.loads(out)
    assert d["interface"]["interlayer"] == "LNI-25Mg" and d["calibrated_parameters"] == ["surface_energy", "void_depth_ratio"]
    assert d["ccd_mA_cm2"] is not None or d["failing_current_density_mA_cm2"] is not None


def test_study_stage_accepts_the_graded_layer():
    """The [simulate] stage's cell -> model mapping takes LNI-25Mg (its conductivities come from the stack) and still
    refuses a coating without conductivities."""
    from types import SimpleNamespace

    from lisse.pipeline.stages.simulate import cell_interface

    def design(material):
        return SimpleNamespace(interlayer=SimpleNamespace(material=material, thickness=18.5e-6, porosity=0.3),
                               electrolyte=SimpleNamespace(material="LNI"))

    kw = cell_interface({}, design("LNI-25Mg"))
    assert kw["interlayer"] == "LNI-25Mg" and kw["interlayer_thickness"] == 18.5e-6
    with pytest.raises(ParameterError, match="ionic"):
        cell_interface({}, design("LiCF3SO3"))
