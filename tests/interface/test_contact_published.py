"""The contact law's critical stripping current against published measurements (no parameter fitted to them).

References: Kasemchainan et al., Nat. Mater. 18, 1105 (2019): critical stripping current of Li | Li6PS5Cl | Li at 3 MPa
0.2 mA/cm2 (confirmed as quoted by Liang et al. 2026, see lisse.sim.interface.cases), at 7 MPa 1.0 mA/cm2 (as commonly
quoted, NOT verified against the paper's text). Flatscher et al., J. Mater. Chem. A (2020), doi:10.1039/c9ta14177d [abstract]: the
highest CCD of Li | LLZO single crystals without external pressure, 0.28 mA/cm2, "the room-temperature limit for LLZO
when no external pressure is applied" (an upper bound of the zero-pressure critical stripping current). Wang, Choudhury,
Sakamoto, Joule 3, 2165 (2019), as quoted by Roy, Fleck, Deshpande, Extreme Mech. Lett. 46, 101307 (2021), section 1:
Li | LLZO critical stripping current 0.1 mA/cm2 without stack pressure, 0.4 mA/cm2 at 2 MPa. Singh et al., Cell Rep.
Phys. Sci. 3, 101043 (2022), Fig. 5C and text: one-way 0.2 mA/cm2 through Li | Li6PS5Cl without stack pressure, "the
potential rises suddenly after ~15.4 h" (~15 um of Li stripped; contact loss). Tolerance: a factor 2 (issue 11), stated
per check.
"""

from __future__ import annotations

import pytest

from lisse.sim.interface import build_model, critical_stripping_current
from lisse.sim.interface.cases import EXTRA_CASES
from lisse.sim.interface.model import contact_loss_time

MA_CM2 = 10.0  # A/m2


def _uncalibrated_csc(m) -> float:
    """The critical stripping current, checked not to depend on the one calibrated parameter (the void depth, fitted to
    Singh2022's contact-loss time: it sets how long a contact lasts above j_csc, not j_csc)."""
    assert m.calibrated_parameters == ["surface_energy", "void_depth_ratio"]  # nothing else is fitted, and not to this observation
    j = critical_stripping_current(m)
    assert critical_stripping_current(m.with_(void_depth_ratio=1.0)) == j
    return j


def _kasemchainan(key: str) -> tuple[float, float]:
    case = EXTRA_CASES[key]
    m = build_model(None, electrolyte=case.electrolyte, pressure=case.pressure)
    return _uncalibrated_csc(m), case.value


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


def _case_model(key: str, **kw):
    case = EXTRA_CASES[key]
    m = build_model(None, electrolyte=case.electrolyte, pressure=case.pressure, **kw)
    return m, case


def test_wang2019_llzo_pressure_series_within_factor_2_and_its_slope():
    # uncalibrated: the supply law (lattice diffusion of Li driven by the stack pressure plus the capillary pressure of
    # clean LLZO, theta = 25 deg computed by Ji2025) against both published points and their ratio (4.0)
    m0, c0 = _case_model("wang2019-llzo-0mpa")
    m2, c2 = _case_model("wang2019-llzo-2mpa")
    j0, j2 = _uncalibrated_csc(m0), _uncalibrated_csc(m2)
    assert 0.5 <= j0 / c0.value <= 2.0 and 0.5 <= j2 / c2.value <= 2.0, (j0 / 10, j2 / 10)
    assert 0.5 <= (j2 / j0) / (c2.value / c0.value) <= 2.0


def test_singh2022_contact_loss_time_is_reproduced_by_its_calibration():
    # CALIBRATION CHECK, not a validation: the default void depth is read from this very observation (model
    # VOID_DEPTH_CALIBRATION), so the model must give back its 15.4 h at full contact loss (f -> 0, zero supply); at the
    # geometric h_v = 1 um it lost the contact after ~1 h
    m, case = _case_model("singh2022-lpscl-0.2-contact-loss")
    assert m.calibrated_parameters == ["surface_energy", "void_depth_ratio"]
    t = contact_loss_time(case.value, m, contact=1e-9)
    assert t == pytest.approx(case.duration, rel=1e-6)
    geometric, _ = _case_model("singh2022-lpscl-0.2-contact-loss", void_depth_ratio=1.0)
    assert contact_loss_time(case.value, geometric, contact=0.1) < 0.1 * case.duration


def test_singh2022_contact_loss_time_is_the_void_depth_over_the_strip_rate():
    # the closed form in the zero-supply limit (p_eff = 0 at 0 MPa and neutral wetting): t = h_v (1 - f_1) F / (j V_m),
    # by hand: V_m = 6.94 g/mol / 0.534 g/cm3 = 13.0 cm3/mol, F = 96485.33 C/mol, h_v = 1 um (given)
    m, case = _case_model("singh2022-lpscl-0.2-contact-loss", void_depth="1 um")
    assert critical_stripping_current(m) < 1e-12 * case.value
    expected = 1e-6 * 0.9 / (case.value * (6.94e-3 / 534.0) / 96485.33212)  # s: 0.93 h at 0.2 mA/cm2
    assert contact_loss_time(case.value, m, contact=0.1) == pytest.approx(expected, rel=2e-3)


def test_llzo_zero_pressure_ccd_falls_with_the_interfacial_resistance():
    # Flatscher 2020 [abstract]: on LLZO single crystals without external pressure "CCD values exponentially decrease
    # with increasing ASR", the highest 0.28 mA/cm2 at the lowest ASR. The simulated staircase (uncalibrated; only the
    # exchange current varied, ASR = RT/(F i0)) must fall monotonically over 2.6 -> 2600 ohm cm2, by at least a factor
    # 3 over those three decades (its low-ASR CCD against 0.28 mA/cm2: the xfail below). Protocol assumed (fixed time
    # 1 h per half cycle, 0.05 mA/cm2 steps), the abstract does not state it.
    from lisse.sim.interface.predict import predict_ccd
    from lisse.sim.interface.protocol import staircase

    ccd = []
    for i0 in (10.0, 1.0, 0.1, 0.01):  # mA/cm2: ASR 2.6, 26, 257, 2569 ohm cm2 at 298 K
        m = build_model(None, electrolyte="LLZO", pressure="0 MPa", exchange_current=f"{i0} mA/cm2")
        p = predict_ccd(m, staircase("fixed-time", "0.05 mA/cm2", "0.05 mA/cm2", step_time="1 h", max_current="5 mA/cm2"))
        assert not p.search_limit_reached and p.ccd_A_m2 is not None
        ccd.append(p.ccd_A_m2 / MA_CM2)
    assert all(a >= b for a, b in zip(ccd, ccd[1:])), ccd
    assert ccd[0] >= 3 * ccd[-1], ccd


@pytest.mark.xfail(strict=True, reason="0.65 mA/cm2 at the lowest ASR against Flatscher's 0.28 (ratio 2.3) with the "
                   "calibrated void depth 14.9 um; the geometric 1 um gives 0.2 (the assumed 1 h x 0.05 mA/cm2 staircase)")
def test_llzo_zero_pressure_low_asr_ccd_within_factor_2_of_flatscher():
    from lisse.sim.interface.predict import predict_ccd
    from lisse.sim.interface.protocol import staircase

    m = build_model(None, electrolyte="LLZO", pressure="0 MPa", exchange_current="10 mA/cm2")
    p = predict_ccd(m, staircase("fixed-time", "0.05 mA/cm2", "0.05 mA/cm2", step_time="1 h", max_current="5 mA/cm2"))
    assert p.ccd_A_m2 is not None and 0.5 <= p.ccd_A_m2 / MA_CM2 / 0.28 <= 2.0, p.ccd_A_m2 / MA_CM2
