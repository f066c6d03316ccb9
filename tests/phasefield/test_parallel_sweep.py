"""The contact-angle sweep on lisse.parallel: slit runs in other processes give the serial numbers exactly.

Reference: the serial sweep (jobs=1, the lisse 0.1 code path); each slit run is the same deterministic
computation wherever it runs, so equality is exact.
"""

from __future__ import annotations

import json

from lisse.sim.phasefield.presets import transition_sweep

ANGLES = [60.0, 160.0]


def test_sweep_in_processes_equals_serial():
    small = dict(length_cells=50, advance_cells=20.0)
    serial = transition_sweep(ANGLES, **small)
    par = transition_sweep(ANGLES, jobs=2, **small)
    assert par == serial
    assert serial["penetration_m"][0] > serial["penetration_m"][1]  # lithiophilic slit filled, lithiophobic not


def test_cli_sweep_jobs_same_as_serial(cli, tmp_path):
    two = cli("phasefield", "--sweep", "--angles", "60,160", "--out", str(tmp_path / "two"), "--json", "--jobs", "2")
    assert two.returncode == 0, two.stderr
    serial = transition_sweep(ANGLES)  # the CLI's settings, here, in order
    assert json.loads(two.stdout)["penetration_depth_um"] == [p * 1e6 for p in serial["penetration_m"]]
