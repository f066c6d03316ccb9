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
