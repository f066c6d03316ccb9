"""The conductivity map on lisse.parallel: rows in other processes give the serial map exactly.

Reference: the serial computation itself (jobs=1, rows in this process, the code path lisse 0.1 had);
each row is an independent warm-started chain, so the parallel map must be bit-identical, not close.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from lisse.sim.interlayer import sweeps
from lisse.sim.interlayer.model import make_parameters

SIGMA_E = np.geomspace(1e-6, 10.0, 5)  # S/m
SIGMA_ION = np.geomspace(1e-4, 0.1, 3)


def test_map_rows_in_processes_equal_serial():
    p = make_parameters("lni-5cnt")
    serial = sweeps.map_conductivities(p, SIGMA_E, SIGMA_ION, 10.0, 3.6e4)
    par = sweeps.map_conductivities(p, SIGMA_E, SIGMA_ION, 10.0, 3.6e4, jobs=2)
    assert serial.keys() == par.keys()
    for k in serial:
        assert serial[k].shape == par[k].shape and serial[k].dtype == par[k].dtype, k
        assert np.array_equal(serial[k], par[k]), k
    # not a trivial map: it has both verdicts and more than one regime
    assert serial["stable"].any() and not serial["stable"].all() and len(np.unique(serial["regime"])) > 1


def test_cli_map_jobs_same_json_as_serial(cli):
    base = ["interlayer", "--preset", "lni-5cnt", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2", "--map", "--json"]
    one, two = cli(*base), cli(*base, "--jobs", "2")
    assert one.returncode == 0 and two.returncode == 0, one.stderr + two.stderr
    assert json.loads(one.stdout) == json.loads(two.stdout)


@pytest.mark.parametrize("bad", ["0", "-2", "two", "1.5"])
def test_cli_jobs_refused_in_one_line(cli, bad):
    r = cli("interlayer", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2", "--map", "--jobs", bad)
    assert r.returncode == 2 and "--jobs" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_cli_jobs_and_scheduler_are_exclusive(cli):
    r = cli("interlayer", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2", "--map", "--jobs", "2", "--scheduler", "tcp://h:8786")
    assert r.returncode == 2 and "not allowed with" in r.stderr


def test_cli_map_on_a_dask_cluster_same_as_serial(cli):
    """`--scheduler ADDRESS`: the rows run on a LocalCluster's 2 worker processes; the map is the serial one."""
    distributed = pytest.importorskip("distributed")
    base = ["interlayer", "--preset", "lni-5cnt", "--current-density", "1 mA/cm2", "--capacity", "1 mAh/cm2", "--map", "--json"]
    p = make_parameters("lni-5cnt")
    serial = sweeps.map_conductivities(p, None, None, 10.0, 3.6e4)
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        r = cli(*base, "--scheduler", cluster.scheduler_address)
        assert r.returncode == 0, r.stderr
        assert json.loads(r.stdout)["map_conductivity_stable_fraction"] == float(np.mean(serial["stable"]))
        assert "run_one" in cluster.scheduler.task_prefixes  # the rows ran on the cluster (lisse.parallel's task function)


def test_progress_with_processes_reports_rows_up_to_every_cell():
    p = make_parameters("lni-5cnt")
    calls = []
    sweeps.map_conductivities(p, SIGMA_E, SIGMA_ION, 10.0, 3.6e4, jobs=2, progress=lambda d, t: calls.append((d, t)))
    assert calls == [(5, 15), (10, 15), (15, 15)]  # one call per finished row of 5 cells
