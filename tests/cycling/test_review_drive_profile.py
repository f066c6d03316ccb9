"""A drive-profile record is not hundreds of charge/discharge cycles.

Found in review (issue 12): Neware's SIM file (one instrument cycle, 100 SIM steps whose current changes
sign every few seconds between +-200 A) was summarised as 601 derived cycles, 600 "complete", with C-rates
of 11 870 and a "retention" of 9 %. The current direction inside a drive or pulse step says nothing about
cycles: the summary keeps the instrument's cycle and says why it has no coulombic efficiency.
"""

from __future__ import annotations

import numpy as np
import pytest

from lisse.analysis import fullcell
from lisse.records.cycling import CyclingRecord

from ._shared import cycler_file


def test_sim_drive_profile_is_one_cycle_without_ce():
    pytest.importorskip("fastnda")
    from lisse.io.readers import read_cycling

    rec = read_cycling(cycler_file("neware_fastnda_SIM.nda.zip"))
    s = fullcell.summary(rec)
    assert s["n_cycles"] == 1 and s["n_complete_cycles"] == 0
    assert "direction within" in s["excluded_cycles"][0]["reason"]


def _cc_record(n_cycles=4, pulses_in_step=False):
    """Galvanostatic cycles, 1 h charge and 1 h discharge, one step each; optionally a pulse step first."""
    t = np.arange(0.0, n_cycles * 7200.0, 10.0)
    ph = (t % 7200) < 3600
    i = np.where(ph, 1e-3, -1e-3)
    v = np.where(ph, 3.8, 3.2) + 1e-4 * (t % 3600) / 3600
    step = np.where(ph, 1, 2) + 2 * (t // 7200).astype(int)
    cyc = np.zeros(t.size, dtype=int)
    if pulses_in_step:  # the first hour is one pulse step: +-1 mA every 20 s
        first = t < 3600
        i = np.where(first, np.where((t // 20) % 2 == 0, 1e-3, -1e-3), i)
    return CyclingRecord.from_arrays(t, v, i, step=step, cycle=cyc)


def test_constant_current_steps_still_give_derived_cycles():
    s = fullcell.summary(_cc_record())
    assert s["n_cycles"] == 4 and s["n_complete_cycles"] >= 3


def test_a_pulse_step_marks_only_its_cycle():
    ct = fullcell.cycle_table(_cc_record(pulses_in_step=True), cycles="record")
    assert len(ct) == 1 and not ct["complete"].iloc[0]
    assert "direction within" in ct["excluded_reason"].iloc[0]
