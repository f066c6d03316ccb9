"""Inputs that belong together: a surface on its own electrolyte, a void depth at its bound (issue 11 review)."""

from __future__ import annotations

import pytest

from lisse.sim.interface import build_model
from lisse.sim.interface.model import SCHEMA, surface_caveat, void_depth


def test_a_garnet_surface_on_a_sulfide_is_flagged_and_its_own_electrolyte_is_not():
    odd = build_model(None, electrolyte="LPSC", surface="LLZTO-TfOH")
    text = surface_caveat(odd)
    assert text is not None and "LLZTO" in text and "LPSC" in text and "0.1 MPa" in text
    assert surface_caveat(build_model(None, electrolyte="LLZTO", surface="LLZTO-TfOH")) is None
    assert surface_caveat(build_model(None, electrolyte="LLZO", surface="LLZTO-air")) is None  # one garnet family
    assert surface_caveat(build_model(None, electrolyte="LPSC", surface="LACSS")) is None  # no electrolyte in the name
    assert surface_caveat(build_model(None, electrolyte="LPSC")) is None


def test_the_caveat_reaches_the_prediction_json():
    from lisse.sim.interface import predict_ccd, staircase

    proto = staircase("fixed-capacity", start="0.1 mA/cm2", increment="0.1 mA/cm2", step_capacity="0.2 mAh/cm2",
                      max_current="0.2 mA/cm2")
    d = predict_ccd(build_model(None, electrolyte="LPSC", surface="LLZTO-TfOH"), proto).as_dict()
    assert any("treated LLZTO surface" in w for w in d["warnings"])


def test_the_largest_void_depth_allowed_is_accepted_at_its_bound():
    """1000 um over a 1 um void size is ratio 1000.0000000000001 in floating point: the bound itself must pass."""
    high = SCHEMA["void_depth_ratio"].high
    lam = build_model(None, electrolyte="LLZTO").values["void_size"]  # the default void size [m]
    m = build_model(None, electrolyte="LLZTO", void_depth=f"{high * lam * 1e6:g} um")
    assert void_depth(m) == pytest.approx(high * lam, rel=1e-12, abs=0)
    from lisse.errors import ParameterError

    with pytest.raises(ParameterError, match="void_depth"):
        build_model(None, electrolyte="LLZTO", void_depth=f"{high * lam * 1e6 * 1.001:g} um")


def test_an_interfacial_resistance_beyond_any_measured_one_is_refused():
    """A bare number is SI (ohm m2): build_model(interfacial_resistance=120) meant as ohm cm2 was 1.2e6 ohm cm2, silently."""
    from lisse.errors import ParameterError

    with pytest.raises(ParameterError, match="interfacial_resistance"):
        build_model(None, electrolyte="LLZTO", interfacial_resistance=120)
    m = build_model(None, electrolyte="LLZTO", interfacial_resistance="1e5 ohm cm2")  # the bound itself: RT/(F R) at 298.15 K
    assert m.values["exchange_current"] == pytest.approx(8.314462618 * 298.15 / 96485.33212 / 10.0, rel=1e-6)


def test_the_study_bound_on_interfacial_resistance_is_the_simulators():
    from lisse.errors import ParameterError
    from lisse.pipeline.study import parse_study

    from .test_simulate_stage import STUDY

    with pytest.raises(ParameterError, match=r"interfacial_resistance.*100000 ohm\*cm2"):
        parse_study(STUDY + '\n[simulate]\ninterfacial_resistance = { "c" = "2e5 ohm cm2" }\n')
    parse_study(STUDY + '\n[simulate]\ninterfacial_resistance = { "A" = "2e3 ohm cm2" }\n')  # an air-exposed garnet's
