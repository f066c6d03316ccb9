"""Neware CSV/xlsx exports with only a per-step 'Capacity' column: a step whose current changes sign.

Found in review (issue 12): for step types other than charge/discharge/rest (SIM, Pulse) the export reader
signed each row's per-step capacity by that row's current, ``|capacity| * sign(I)``: the defect issue 12
fixed for .nda files, left in the export path. A row at 0 A drops the charge back to the step's start and a
negative row flips it. Charge must stay cumulative since the start with the sign of the current integral.
"""

from __future__ import annotations

import numpy as np

from lisse.io.neware import read_neware_csv
from lisse.records.cycling import integrate_charge


def _write_flat(path):
    t = np.arange(0.0, 300.0, 1.0)
    step = np.where(t < 100, 1, np.where(t < 200, 2, 3))
    stype = np.where(step == 1, "CC_Chg", np.where(step == 2, "SIM", "CC_DChg"))
    i = np.where(step == 1, 1.0, np.where(step == 3, -1.0, 0.0))
    sim = step == 2
    i[sim] = np.where(((t[sim] - 100) // 10) % 2 == 0, 2.0, -1.0)  # net charge inside the SIM step
    i[sim & (t % 10 == 0)] = 0.0  # the current passes through 0 A
    q = np.zeros_like(t)  # Neware's per-step capacity: throughput since the step's start, Ah
    for s in (1, 2, 3):
        m = np.flatnonzero(step == s)
        tt, ii = t[m], i[m]
        q[m] = np.concatenate([[0.0], np.cumsum(0.5 * np.abs(ii[1:] + ii[:-1]) * np.diff(tt))]) / 3600
    rows = ["DataPoint,Cycle Index,Step Index,Step Type,Time(s),Total Time(s),Current(A),Voltage(V),Capacity(Ah)"]
    for k in range(t.size):
        rows.append(f"{k + 1},1,{step[k]},{stype[k]},{t[k]:.0f},{t[k]:.0f},{i[k]:.4f},3.5000,{q[k]:.9f}")
    path.write_text("\n".join(rows) + "\n")
    return t, i


def test_sim_step_charge_follows_the_current_integral(tmp_path):
    f = tmp_path / "flat_sim.csv"
    t, i = _write_flat(f)
    rec = read_neware_csv(f)
    ref = integrate_charge(t, i)
    q = rec["charge_C"]
    assert np.max(np.abs(q - ref)) < 0.02 * np.max(np.abs(ref)), (q[95:125], ref[95:125])
