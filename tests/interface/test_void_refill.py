"""Plating refills the voids at a wired interlayer face: each piece against an independent reference.

References: the exact solution of the refill ODE, a general ODE solver (scipy) for the full affine contact law, a hand
evaluation of the wiring current from Wang2024's measured electronic conductivities, and the closed form of a
strip-then-plate cycle when no pressure drives resupply.
"""

from __future__ import annotations

import math

import pytest

from lisse.constants import FARADAY, GAS_CONSTANT
from lisse.errors import ParameterError
from lisse.sim.interface import (
    advance_void_volume,
    build_model,
    contact_supply_limit,
    cycling_protocol,
    simulate,
    void_face_wiring_current,
)
from lisse.thermo.nucleation import li_molar_volume

VM = li_molar_volume()
LAM = 1e-6


def _no_supply():
    # p = 0 and a neutral contact angle: p_eff = 0, so neither diffusion nor creep resupplies the contact
    # (h_v = lambda, ratio 1: the closed forms of these tests are written with the void period as the depth)
    return build_model(None, electrolyte="LPSC", pressure=0.0, contact_angle="90 deg", void_size=LAM, void_depth_ratio=1.0)


def test_refill_alone_is_exponential_in_the_plated_thickness():
    # d delta/dt = -(delta/lambda) r_p: delta(t) = delta0 exp(-r_p t/lambda), whatever the step
    m = _no_supply()
    assert contact_supply_limit(m) < 1e-20  # m/s; cos(90 deg) is 6e-17 in floating point, r_p is ~1e-10
    j, t, d0 = 7.0, 1800.0, 0.8e-6
    exact = d0 * math.exp(-j * VM / FARADAY * t / LAM)
    assert advance_void_volume(d0, 0.0, t, m, refill_current=j) == pytest.approx(exact, rel=1e-12, abs=0)
    d = d0
    for _ in range(7):  # the step is exact, so seven steps give the same answer
        d = advance_void_volume(d, 0.0, t / 7, m, refill_current=j)
    assert d == pytest.approx(exact, rel=1e-12, abs=0)


def test_refill_with_diffusion_against_an_ode_solver():
    # second method: scipy's RK45 on d delta/dt = -(1 - delta/lambda) v_diff - (delta/lambda) r_p (creep negligible at s = 1e4)
    from scipy.integrate import solve_ivp

    m = build_model(None, electrolyte="LPSC", pressure="3 MPa", contact_angle="90 deg", void_size=LAM, void_creep_strengthening=1e4,
                    void_depth_ratio=1.0)  # h_v = lambda
    v = contact_supply_limit(m)
    assert v > 0
    j, t, d0 = 2.0, 600.0, 0.9e-6
    rp = j * VM / FARADAY
    sol = solve_ivp(lambda _t, y: [-(1 - y[0] / LAM) * v - y[0] / LAM * rp], (0.0, t), [d0], rtol=1e-11, atol=1e-20)
    assert advance_void_volume(d0, 0.0, t, m, refill_current=j) == pytest.approx(sol.y[0, -1], rel=1e-7, abs=0)


def test_refill_current_must_not_be_negative():
    with pytest.raises(ParameterError, match="refill_current"):
        advance_void_volume(0.5e-6, 0.0, 10.0, _no_supply(), refill_current=-1.0)


def test_wiring_current_from_measured_electronic_conductivities():
    # hand evaluation of j_wire = 4 sigma_e RT/(alpha F) / lambda with Wang2024's sigma_e (library), alpha = 0.5, 1 um
    b = GAS_CONSTANT * 298.15 / (0.5 * FARADAY)
    for name, sigma_e_s_cm in (("LNI-0.5CNT", 6.7e-8), ("LNI-5CNT", 2.8e-5)):
        m = build_model(name, void_size=LAM)
        assert void_face_wiring_current(m) == pytest.approx(4 * sigma_e_s_cm * 100 * b / LAM, rel=1e-6)
    # the ionic layer's void faces are out of electronic reach above 0.14 mA/cm2, the mixed layer's only above 58
    assert void_face_wiring_current(build_model("LNI-0.5CNT")) / 10 == pytest.approx(0.138, abs=1e-3)
    # dual layer: the sub-layer that touches the Li (LNI-7CNT, anode side) decides
    dual = build_model(("LNI-7CNT", "LNI-2CNT"), void_size=LAM)
    assert void_face_wiring_current(dual) == pytest.approx(4 * 3.9e-5 * 100 * b / LAM, rel=1e-6)
    assert void_face_wiring_current(build_model(None, electrolyte="LPSC")) == 0.0


def test_strip_then_plate_refills_the_ionic_layer_only_below_the_wiring_current():
    # no pressure: no resupply. One cycle at j: stripping leaves delta1 = X (X = j t V_m/F < lambda), plating at the
    # wired face leaves delta1 exp(-X/lambda) (closed form); above j_wire the void faces are bare, Li enters the pores as a
    # filament of the remaining contact and the voids stay
    m = build_model("LNI-0.5CNT", pressure=0.0, void_size=LAM, void_depth_ratio=1.0)  # h_v = lambda
    j_wire = void_face_wiring_current(m)
    low = 0.1 * 10.0
    assert low < j_wire
    sim = simulate(m, cycling_protocol(current=low, step_time=3600.0, cycles=1))
    x = low * 3600.0 * VM / FARADAY
    st = sim.state
    stripped = st.loc[st["half_cycle"] == 0, "contact_fraction_ce"].iloc[-1]
    replated = st.loc[st["half_cycle"] == 1, "contact_fraction_ce"].iloc[-1]
    assert stripped == pytest.approx(1 - x / LAM, rel=1e-9)
    assert replated == pytest.approx(1 - x / LAM * math.exp(-x / LAM), rel=1e-9)
    assert sim.failure_mode is None
    high = 0.3 * 10.0
    assert high > j_wire
    sim = simulate(m, cycling_protocol(current=high, step_time=3600.0, cycles=1))
    assert any(kind == "pore_entry" for _, kind, _, _ in sim.events)
    assert sim.state.loc[sim.state["half_cycle"] == 1, "contact_fraction_ce"].max() == pytest.approx(m.values["min_contact"], rel=1e-9)
