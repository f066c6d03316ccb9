"""Sweeps and maps report ``progress(done, total)``: every step once, in order, ending at total; and the
results do not depend on whether a callback is given (the callback only observes)."""

from __future__ import annotations

import numpy as np

from lisse.sim.interlayer import sweeps
from lisse.sim.interlayer.model import make_parameters


def _recorder():
    calls: list[tuple[int, int]] = []
    return calls, lambda done, total: calls.append((done, total))


def test_sweep_reports_each_solve_and_results_are_unchanged():
    p = make_parameters("lni-5cnt")
    cur = sweeps.current_grid(1.0, 100.0, 7)
    calls, cb = _recorder()
    with_cb = sweeps.sweep_current(p, cur, capacity=3.6e4, progress=cb)
    plain = sweeps.sweep_current(p, cur, capacity=3.6e4)
    assert calls == [(k, 7) for k in range(1, 8)]
    for key in plain:
        np.testing.assert_array_equal(with_cb[key], plain[key])


def test_conductivity_map_reports_every_cell():
    p = make_parameters("lni-5cnt")
    se, si = np.geomspace(1e-6, 1e1, 4), np.geomspace(1e-4, 1e0, 3)
    calls, cb = _recorder()
    sweeps.map_conductivities(p, se, si, 10.0, 3.6e4, progress=cb)
    assert calls == [(k, 12) for k in range(1, 13)]


def test_critical_current_progress_is_monotone_and_bounded():
    p = make_parameters("lni-5cnt")
    calls, cb = _recorder()
    sweeps.critical_current(p, 3.6e4, i_min=1.0, i_max=200.0, n=20, progress=cb)
    done = [d for d, _ in calls]
    assert done == sorted(done) and done[0] == 1
    assert all(d <= t for d, t in calls)
