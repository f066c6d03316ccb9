"""Void depth h_v (Li volume per area at which the contact is gone) separate from the lateral void scale lambda.

References, each independent of the code under test: explicit Euler integration of the contact law written here,
Faraday's law (removed Li thickness = j t V_m/F with no resupply), and the geometry of hemispherical voids on a square
array of sites of period L (merging at delta = pi L/12, written out here from the sphere volume).
"""

from __future__ import annotations

import math

import pytest

from lisse.constants import AVOGADRO, BOLTZMANN, FARADAY, GAS_CONSTANT
from lisse.sim.interface import (
    advance_void_volume,
    build_model,
    contact_closure,
    contact_loss_time,
    critical_stripping_current,
    void_depth,
)
from lisse.sim.interface.transient import _contact_step, _Electrode
from lisse.thermo.nucleation import li_molar_volume

VM = li_molar_volume()


def _bare(**kw):
    base = dict(electrolyte="LPSC", pressure="2 MPa", contact_angle="90 deg", flaw_size="100 um",
                fracture_toughness="100 MPa*m**0.5")
    base.update(kw)
    return build_model(None, **base)


def test_default_depth_is_the_calibrated_one_and_the_ratio_scales_the_period():
    from lisse.sim.interface.cases import singh_void_depth
    from lisse.sim.interface.model import SCHEMA

    m = _bare(void_size="2 um")
    # the calibrated depth (Singh2022: 15.4 h x 0.2 mA/cm2 x V_m/F, by hand 14.93 um), whatever the void period
    assert void_depth(m) == pytest.approx(15.4 * 3600 * 2.0 * (6.94e-3 / 534.0) / 96485.33212, rel=2e-3)
    assert void_depth(m) == pytest.approx(singh_void_depth(), rel=1e-12, abs=0) and m.calibrated_parameters == ["surface_energy", "void_depth_ratio"]
    assert SCHEMA["void_depth_ratio"].default == 1.0  # the schema's (geometric) value, h_v = lambda
    assert void_depth(m.with_(void_depth_ratio=1.0)) == pytest.approx(2e-6, rel=1e-12, abs=0)
    assert void_depth(m.with_(void_depth_ratio=3.5)) == pytest.approx(7e-6, rel=1e-12, abs=0)
    # hemispherical voids on sites of period L merge when their radius is L/2: volume (2/3) pi (L/2)^3 per area L^2
    L = 2e-6
    assert (2.0 / 3.0) * math.pi * (L / 2) ** 3 / L**2 == pytest.approx(math.pi * L / 12, rel=1e-12, abs=0)


def test_critical_stripping_current_does_not_depend_on_the_depth():
    # j_csc is set by the lateral scale (the resupply), not by how deep the voids may grow
    m = _bare(void_creep_strengthening=3.0)
    assert critical_stripping_current(m.with_(void_depth_ratio=7.0)) == critical_stripping_current(m)


def test_runaway_time_against_explicit_integration_with_a_deep_void():
    # d delta/dt = r - (1 - delta/h_v) v_lim (creep negligible, s = 1e4), explicit Euler written here, h_v = 4 lambda
    m = _bare(void_creep_strengthening=1e4, void_depth_ratio=4.0)
    lam, h = m.void_size, 4.0 * m.void_size
    v_lim = 2 * math.pi / lam * m.self_diffusivity * (VM / AVOGADRO) * 2e6 / (BOLTZMANN * m.temperature)
    j = 3.0 * critical_stripping_current(m)
    r = j * VM / FARADAY
    t_loss = contact_loss_time(j, m)
    delta, t, steps = 0.0, 0.0, 200_000
    dt = 2 * t_loss / steps
    while 1 - delta / h > 0.1:
        delta += (r - (1 - delta / h) * v_lim) * dt
        t += dt
    assert t == pytest.approx(t_loss, rel=1e-3)
    # the lateral scale alone (ratio 1) loses the contact 4x sooner: the time scales with h_v at fixed v_lim
    assert contact_loss_time(j, m.with_(void_depth_ratio=1.0)) == pytest.approx(t_loss / 4.0, rel=1e-12)
    e = _Electrode(m, 3)
    _contact_step(e, r, t_loss, m)
    assert e.contact(m) == pytest.approx(0.1, rel=1e-6)


def test_faraday_without_resupply_and_contact_from_the_depth():
    # no pressure and neutral wetting: nothing resupplies, so the void volume is the stripped Li, j t V_m/F (Faraday)
    m = _bare(pressure="0 MPa", void_depth_ratio=5.0)
    assert critical_stripping_current(m) == pytest.approx(0.0, abs=1e-9)  # A/m2 (cos 90 deg ~ 6e-17)
    j, t = 10.0, 1800.0  # 1 mA/cm2 for 0.5 h: 2.42 um of Li
    delta = advance_void_volume(0.0, j, t, m)
    assert delta == pytest.approx(j * t * VM / FARADAY, rel=1e-6, abs=0)
    e = _Electrode(m, 3)
    _contact_step(e, j * VM / FARADAY, t, m)
    assert e.contact(m) == pytest.approx(1.0 - j * t * VM / FARADAY / (5.0 * m.void_size), rel=1e-9)


def test_creep_closure_with_depth_against_explicit_integration():
    # at rest, void-scale creep alone: d delta/dt = -lambda K f^(1-n), f = 1 - delta/h_v, so df/dt = (lambda/h_v) K f^(1-n)
    m = _bare(self_diffusivity=0.0, pressure="0.5 MPa", void_creep_strengthening=1.0, void_depth_ratio=2.5)
    n = m.creep_exponent
    k = m.creep_prefactor * 0.5**n * math.exp(-m.creep_activation_energy / (GAS_CONSTANT * m.temperature))
    h = 2.5 * m.void_size
    f0, t_end = 0.3, 400.0
    f, steps = f0, 200_000
    for _ in range(steps):
        f += (m.void_size / h) * k * f ** (1 - n) * t_end / steps
    assert 0.35 < f < 0.95  # real closure, not the cap
    assert contact_closure(f0, t_end, m) == pytest.approx(f, rel=1e-3)
    e = _Electrode(m, 3)
    e.delta = (1 - f0) * h
    for _ in range(40):
        _contact_step(e, 0.0, t_end / 40, m)
    assert e.contact(m) == pytest.approx(f, rel=1e-3)


def _cap_volume_by_discs(a: float, psi: float, n: int = 20_000) -> float:
    """Volume of a spherical cap of footprint radius a meeting the plane at the inner angle psi, by disc integration."""
    import numpy as np

    R = a / math.sin(psi)
    z0 = R * math.cos(psi)  # the plane's height above the sphere centre (psi = 90 deg: through it)
    z = np.linspace(z0, R, n + 1)
    mid = 0.5 * (z[1:] + z[:-1])
    return float(np.sum(math.pi * (R**2 - mid**2)) * (z[1] - z[0]))


@pytest.mark.parametrize("theta", [30.0, 75.6, 90.0, 120.0, 139.0])
def test_merge_depth_ratio_against_disc_integration(theta):
    from lisse.sim.interface import void_merge_depth_ratio

    L = 1.0
    ref = _cap_volume_by_discs(L / 2, math.pi - math.radians(theta)) / L**2
    assert void_merge_depth_ratio(theta) == pytest.approx(ref, rel=1e-6)


def test_merge_depth_ratio_limits_and_order():
    from lisse.errors import ParameterError
    from lisse.sim.interface import void_merge_depth_ratio

    assert void_merge_depth_ratio(90.0) == pytest.approx(math.pi / 12, rel=1e-12)  # hemispheres (written out above)
    assert void_merge_depth_ratio(0.0) == math.inf and void_merge_depth_ratio(180.0) == 0.0
    vals = [void_merge_depth_ratio(t) for t in (25.0, 75.6, 90.0, 139.0)]
    assert vals == sorted(vals, reverse=True)  # a lithiophobic solid loses the contact at less stripped Li
    for bad in (-1.0, 181.0, float("nan"), "90"):
        with pytest.raises(ParameterError, match="theta_deg"):
            void_merge_depth_ratio(bad)


@pytest.mark.parametrize("ratio", [1.0, 3.0])
def test_bare_strip_then_plate_closes_only_by_resupply(ratio):
    # symmetric cell, bare interface, creep negligible (s = 1e4): the counter electrode strips above j_csc for t, then
    # plates for t. Closed forms written here: stripping d delta/dt = r - v + (v/h) delta from 0 gives
    # delta1 = (r - v)(h/v)(exp(v t/h) - 1); plating on a bare interface adds no refill (nothing wires the void floor),
    # so the voids close only by the resupply, f2 = f1 exp(v t/h), as at rest
    m = _bare(void_creep_strengthening=1e4, void_depth_ratio=ratio)
    h = ratio * m.void_size
    v = 2 * math.pi / m.void_size * m.self_diffusivity * (VM / AVOGADRO) * 2e6 / (BOLTZMANN * m.temperature)
    j = 1.5 * critical_stripping_current(m)
    r = j * VM / FARADAY
    t = 0.4 * h / (r - v)  # well before the contact would be gone
    from lisse.sim.interface import cycling_protocol, simulate

    sim = simulate(m, cycling_protocol(current=j, step_time=t, cycles=1))
    st = sim.state
    f1 = 1 - (r - v) * (h / v) * math.expm1(v * t / h) / h
    assert 0.3 < f1 < 0.9
    assert st.loc[st["half_cycle"] == 0, "contact_fraction_ce"].iloc[-1] == pytest.approx(f1, rel=1e-9)
    assert st.loc[st["half_cycle"] == 1, "contact_fraction_ce"].iloc[-1] == pytest.approx(f1 * math.exp(v * t / h), rel=1e-9)
