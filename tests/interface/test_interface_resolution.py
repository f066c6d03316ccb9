"""Step-size independence of the transient interface simulator, and its closed-form shortcuts vs the general method."""

from __future__ import annotations

import numpy as np
import pytest

from lisse.sim.interface import build_model, simulate, solve_layer, staircase
from lisse.sim.interface.transient import _carry_overflow
from lisse.sim.interlayer.model import bv_overpotential


def test_layer_closed_form_without_li_matches_newton():
    # no Li inside the layer: the closed form (all current at the anode face, uniform ionic current) against Newton on
    # the same equations with a vanishing reaction (1e-200 A/m3): the general method is the reference
    rng = np.random.default_rng(3)
    n = 25
    h = np.full(n, 90e-6 / n)
    se = 10 ** rng.uniform(-6, 0, n)
    si = 10 ** rng.uniform(-3, -1, n)
    f_rt = 38.92
    for cur in (20.0, -7.0):
        fast = solve_layer(h, se, si, np.zeros(n), cur, 0.3, 0.5, f_rt)
        ref = solve_layer(h, se, si, np.full(n, 1e-200), cur, 0.3, 0.5, f_rt)
        assert fast.iterations == 0 and ref.iterations > 0
        np.testing.assert_allclose(fast.eta, ref.eta, rtol=1e-9, atol=1e-12)
        assert fast.voltage == pytest.approx(ref.voltage, rel=1e-9, abs=1e-12)
        assert fast.anode_current == pytest.approx(cur, rel=1e-12)
        # and the anode face obeys Butler-Volmer at the full current
        assert fast.eta[0] == pytest.approx(bv_overpotential(cur, 0.3, 0.5, f_rt), rel=1e-12)


def test_overflow_carry_conserves_li_and_fills_in_order():
    cap = np.array([1.0, 2.0, 0.5, 1.0, 1.0])
    s = np.array([1.0, 1.7, 0.9, 0.0, 0.2])  # cell 1 overfills by 1.4 (volume), cell 2 holds 0.05 more
    out = _carry_overflow(s, cap)
    assert float(np.sum(out * cap)) == pytest.approx(float(np.sum(s * cap)), rel=1e-14)  # Li volume conserved
    np.testing.assert_allclose(out, [1.0, 1.0, 1.0, 1.0, 0.2 + 0.35 / 1.0], rtol=1e-14)
    # what overfills the last cell stays there (the caller sends it to the electrolyte face)
    out2 = _carry_overflow(np.array([3.0, 0.0, 0.0]), np.ones(3))
    np.testing.assert_allclose(out2, [1.0, 1.0, 1.0])


def test_short_time_is_step_size_independent():
    # second method as reference: the same staircase at finer time steps. Before events were judged at the substep's
    # start contact and pore overflow was carried on, 30 vs 120 points gave shorts in different half cycles 7260 s
    # (12 %) apart. Since plating refills the voids at the wired LNI-5CNT face (i11-contact2), this cell fails by Li
    # nucleated ~10-15 um below the electrolyte face growing to it within the 3.5 mA/cm2 plating half cycle (half cycle
    # 12): 46530, 46140, 45750, 45045 s at 40, 60, 120, 240 points. The short comes 2/3 into that half cycle, so the
    # default 20 points (nucleation one 180 s substep later) tips it into the next step (half cycle 14, 53640 s): the
    # default is within one staircase step of the converged answer, and 60 points match 120 to 1 %.
    m = build_model("LNI-5CNT")
    p = staircase("fixed-time", start="0.5 mA/cm2", increment="0.5 mA/cm2", step_time="1 h", max_current="6 mA/cm2")
    coarse = simulate(m, p, points_per_half_cycle=20)
    mid = simulate(m, p, points_per_half_cycle=60)
    fine = simulate(m, p, points_per_half_cycle=120)
    assert coarse.failure_mode == mid.failure_mode == fine.failure_mode == "short"
    assert mid.failure_half_cycle == fine.failure_half_cycle
    assert mid.failure_time_s == pytest.approx(fine.failure_time_s, rel=0.02)
    assert 0 <= coarse.failure_half_cycle - fine.failure_half_cycle <= 2  # one staircase step = two half cycles
