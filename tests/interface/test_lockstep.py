"""The lockstep simulator (many cells advanced together as arrays) against the per-cell simulator it replaces in maps.

Reference: :func:`lisse.sim.interface.transient.simulate`, cell by cell (the code the lockstep version restates as
array operations). Each cell's record, state, failure and event list must be the same, bit for bit on the development
machine, over cells that take every path of the substep: nucleation first passages, pore entry, the contact runaway
and its hold-up, a short at the electrolyte face, a cut-off, a foil stripped away, fixed-capacity and fixed-time
staircases, constant-current cycling, and a bare interface (handed to the per-cell path).
"""

from __future__ import annotations

import numpy as np

from lisse.sim.interface import build_model, cycling_protocol, lockstep, staircase, transient

STAIR = staircase("fixed-capacity", start=5.0, increment=5.0, step_capacity=0.2 * 3.6e4, max_current=100.0)


def _same(a, b):
    assert type(a) is type(b)
    if isinstance(a, BaseException):
        assert repr(a) == repr(b)
        return
    sa, sb = a.state.to_numpy(dtype=float), b.state.to_numpy(dtype=float)
    assert sa.shape == sb.shape
    np.testing.assert_array_equal(sa, sb)
    for col in ("time_s", "voltage_V", "current_A"):
        np.testing.assert_array_equal(getattr(a.record, col), getattr(b.record, col))
    assert (a.failure_time_s, a.failure_mode, a.failure_half_cycle) == (b.failure_time_s, b.failure_mode, b.failure_half_cycle)
    assert a.events == b.events and a.notes == b.notes


def _cases():
    models = [build_model(interlayer="LNI-5CNT", interlayer_thickness=th, porosity=por)
              for th in (5e-6, 30e-6, 200e-6) for por in (0.1, 0.4, 0.7)]
    models += [build_model(interlayer=name) for name in ("LNI-0.5CNT", "LNI-50CNT", "LNI-5CNT")]
    models += [build_model(interlayer="LNI-5CNT", li_thickness=2e-6),  # the foil runs out
               build_model(interlayer="LNI-5CNT", voltage_cutoff=0.05),  # a cut-off
               build_model(interlayer="none")]  # bare: the per-cell path
    return models


PROTOCOLS = [STAIR, staircase("fixed-time", start=1.0, increment=1.0, step_time=1800.0, max_current=60.0),
             cycling_protocol(20.0, 3600.0, 3)]


def test_lockstep_equals_each_cell_alone():
    models = _cases()
    kinds, modes = set(), set()
    for protocol in PROTOCOLS:
        alone = [transient.simulate(m, protocol) for m in models]
        together = lockstep.simulate_many(models, protocol, 20, transient.N_CELLS)
        for a, b in zip(alone, together):
            _same(a, b)
        kinds |= {k for s in alone if not isinstance(s, BaseException) for _, k, _, _ in s.events}
        modes |= {s.failure_mode for s in alone if not isinstance(s, BaseException)}
    # the cases reach the paths they are here for
    assert {"nucleation", "short", "pore_entry"} <= kinds and {"short", "li_depleted", "cutoff", None} <= modes, (kinds, modes)


def test_an_error_in_one_cell_stays_with_that_cell():
    """A cell whose contact law overflows (contact floor 1e-60: f_min^(1-n) is out of range) gets its error, as from the
    per-cell simulator; the others their own results (found in review: the error took the whole batch down)."""
    proto = staircase("fixed-capacity", start=5.0, increment=5.0, step_capacity=0.2 * 3.6e4, max_current=30.0)
    good = build_model(interlayer="LNI-5CNT", interlayer_thickness=30e-6, porosity=0.4)
    bad = build_model(interlayer="LNI-5CNT", interlayer_thickness=30e-6, porosity=0.4, min_contact=1e-60)
    alone = transient._drive([transient._simulation(m, proto, None, 20, transient.N_CELLS) for m in (good, bad, good)])
    together = lockstep.simulate_many([good, bad, good], proto, 20, transient.N_CELLS)
    assert isinstance(alone[1], OverflowError)
    for a, b in zip(alone, together):
        _same(a, b)
