"""The one cell-type classifier (lisse.analysis.cell_type), used by `lisse cycling` and the cycling stage."""

from __future__ import annotations

import numpy as np

from lisse.analysis.cell_type import classify_record, current_levels
from lisse.records.cycling import CyclingRecord
from lisse.sim.synthetic_cycling import ccd_staircase, long_cycling


def test_symmetric_staircase_is_ccd_only_when_asked():
    rec, _ = ccd_staircase(failure=None, n_steps=5, seed=1)
    assert current_levels(rec) == 5
    assert classify_record(rec) == "symmetric"
    assert classify_record(rec, staircase=True) == "ccd"


def test_constant_current_symmetric_cell():
    rec, _ = long_cycling(n_cycles=5, failure=None, seed=2)
    assert current_levels(rec) == 1
    assert classify_record(rec, staircase=True) == "symmetric"


def test_full_cell_and_rest():
    t = np.arange(200.0)
    i = np.where(t < 100, 1e-3, -1e-3)
    v = np.where(t < 100, 3.6 + 0.004 * t, 4.0 - 0.004 * (t - 100))  # ~3.6-4.0 V: never near 0 V
    assert classify_record(CyclingRecord.from_arrays(t, v, i)) == "fullcell"
    assert classify_record(CyclingRecord.from_arrays(t, v, np.zeros_like(t))) == "rest"


def test_charge_only_full_cell_is_told_apart_by_its_voltage():
    # voltage and current agree in sign throughout (as in a symmetric cell), but |V| ~ 3.8 V is no symmetric cell
    t = np.arange(100.0)
    rec = CyclingRecord.from_arrays(t, 3.7 + 0.002 * t, np.full_like(t, 1e-3))
    assert classify_record(rec) == "fullcell"
    sym = CyclingRecord.from_arrays(t, np.full_like(t, 0.04), np.full_like(t, 1e-3))
    assert classify_record(sym) == "symmetric"
