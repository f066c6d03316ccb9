"""lisse.parallel: one executor layer (here, local processes, Dask) — order, per-task error isolation,
argument checks, clean early stops, and that nothing lisse starts outlives the call.

References: the serial list comprehension ``[fn(x) for x in items]`` (values and order), the process
table (psutil: which processes exist before and after), and the Dask scheduler's own client registry.
"""

from __future__ import annotations

import math
import os
import time

import numpy as np
import pytest

from lisse.errors import ParameterError, TaskError, TaskInputError
from lisse.parallel import iter_tasks, results, run_tasks

psutil = pytest.importorskip("psutil")


# ---- task functions (module level: they run in spawned processes and on Dask workers) -------------

def _square_or_fail(x):
    """x**2; a LisseError for x == 3 (bad input), a plain bug (ZeroDivisionError) for x == 5."""
    if x == 3:
        raise ParameterError(f"item {x}: expected not 3")
    if x == 5:
        return 1 / (x - 5)
    return x * x


def _pid(x):
    return os.getpid(), x


class _Unpicklable(Exception):
    def __reduce__(self):
        raise TypeError("this exception does not pickle")


def _raise_unpicklable(x):
    raise _Unpicklable(f"odd {x}")


def _slow(args):
    """Sleep, then leave a mark in a folder (so a test can count which tasks ran)."""
    folder, i = args
    time.sleep(0.3)
    with open(os.path.join(folder, f"{i}.done"), "w") as f:
        f.write("x")
    return i


def _children() -> set[int]:
    """PIDs of this process's descendants, without multiprocessing's resource tracker (one per interpreter, by design)."""
    out = set()
    for p in psutil.Process().children(recursive=True):
        try:
            if p.is_running() and p.status() != psutil.STATUS_ZOMBIE and "resource_tracker" not in " ".join(p.cmdline()):
                out.add(p.pid)
        except psutil.NoSuchProcess:
            pass
    return out


def _wait_until(pred, timeout=15.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return pred()


ITEMS = list(range(8))
SERIAL = [x * x for x in ITEMS]


def _check_outcomes(outs):
    """The outcomes of _square_or_fail over ITEMS: input order, two isolated failures of the right kind."""
    assert [o.index for o in outs] == ITEMS
    for o in outs:
        if o.index == 3:
            assert (o.ok, o.user_error, o.error_type, o.traceback) == (False, True, "ParameterError", None)
            assert o.error == "item 3: expected not 3"
            with pytest.raises(ParameterError, match="expected not 3"):
                o.result()
        elif o.index == 5:
            assert (o.ok, o.user_error, o.error_type) == (False, False, "ZeroDivisionError")
            assert "ZeroDivisionError" in o.traceback and "_square_or_fail" in o.traceback
            with pytest.raises(ZeroDivisionError):
                o.result()
        else:
            assert o.ok and o.error is None and o.value == SERIAL[o.index]


# ---- local ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", [1, 2])
def test_order_and_error_isolation(jobs):
    _check_outcomes(run_tasks(_square_or_fail, ITEMS, jobs=jobs))


def test_here_runs_in_order_and_streams():
    it = iter_tasks(_square_or_fail, ITEMS)
    assert [o.index for o in it] == ITEMS


def test_processes_really_are_other_processes():
    outs = run_tasks(_pid, range(4), jobs=2)
    pids = {o.value[0] for o in outs}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    assert [o.value[1] for o in outs] == [0, 1, 2, 3]


def test_results_raises_first_failure_in_input_order():
    assert results(_square_or_fail, [1, 2, 4]) == [1, 4, 16]
    with pytest.raises(ParameterError, match="item 3"):
        results(_square_or_fail, [1, 3, 5], jobs=2)
    with pytest.raises(ZeroDivisionError):
        results(_square_or_fail, [5, 3], jobs=2)


def test_unpicklable_exception_comes_back_as_task_error():
    out = run_tasks(_raise_unpicklable, [1, 2], jobs=2)
    assert all(not o.ok and o.error_type == "_Unpicklable" and o.error == f"odd {o.index + 1}" for o in out)
    with pytest.raises(TaskError, match="_Unpicklable: odd 1") as info:
        out[0].result()
    assert not isinstance(info.value, TaskInputError)


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True, None])
def test_jobs_validation(bad):
    with pytest.raises(ParameterError, match="jobs"):
        iter_tasks(_square_or_fail, ITEMS, jobs=bad)  # checked at the call, before any iteration


def test_jobs_numpy_integer_and_executor_conflicts():
    assert [o.value for o in run_tasks(_square_or_fail, [1, 2], jobs=np.int64(2))] == [1, 4]
    with pytest.raises(ParameterError, match="not both"):
        iter_tasks(_square_or_fail, ITEMS, jobs=2, scheduler="tcp://127.0.0.1:8786")
    with pytest.raises(ParameterError, match="not both"):
        iter_tasks(_square_or_fail, ITEMS, scheduler="tcp://127.0.0.1:8786", client=object())
    with pytest.raises(ParameterError, match="scheduler"):
        iter_tasks(_square_or_fail, ITEMS, scheduler="  ")


def test_unpicklable_function_refused_for_processes():
    with pytest.raises(TypeError, match="does not pickle"):
        iter_tasks(lambda x: x, ITEMS, jobs=2)
    assert [o.value for o in run_tasks(lambda x: x + 1, [1, 2])] == [2, 3]  # here it need not pickle


def test_early_break_shuts_the_pool_down(tmp_path):
    before = _children()
    it = iter_tasks(_slow, [(str(tmp_path), i) for i in range(20)], jobs=2)
    first = next(it)
    assert first.ok
    assert _children() - before, "the pool's worker processes should be running"
    it.close()  # what `break` in a for loop does (and garbage collection of the generator)
    assert _children() - before == set(), "a worker process outlived the closed generator"
    ran = len(list(tmp_path.glob("*.done")))
    assert ran < 20, "pending tasks were not cancelled"


def test_consumer_exception_shuts_the_pool_down(tmp_path):
    before = _children()
    with pytest.raises(KeyError):
        for _ in iter_tasks(_slow, [(str(tmp_path), i) for i in range(12)], jobs=2):
            raise KeyError("consumer failed")
    assert _children() - before == set()


# ---- Dask -------------------------------------------------------------------------------------------

def test_dask_local_cluster_scheduler_and_client():
    """A real LocalCluster with 2 worker processes; lisse's own client is closed, a passed one stays usable."""
    distributed = pytest.importorskip("distributed")
    before = _children()
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster:
        sched = cluster.scheduler
        with_cluster = _children()
        n_clients = len(sched.clients)
        worker_pids = {w.pid for w in cluster.workers.values()}  # the nannies' worker processes

        # 1. by address: lisse connects a client for the call and closes it
        outs = run_tasks(_square_or_fail, ITEMS, scheduler=cluster.scheduler_address)
        _check_outcomes(outs)
        pids = {o.value[0] for o in run_tasks(_pid, range(6), scheduler=cluster.scheduler_address)}
        assert os.getpid() not in pids and pids <= with_cluster
        assert _wait_until(lambda: len(sched.clients) == n_clients), f"lisse's client was left open: {list(sched.clients)}"
        assert _children() == with_cluster, "lisse started a process that outlived the call"

        # 2. an early stop over Dask: futures cancelled, client closed
        it = iter_tasks(_square_or_fail, ITEMS, scheduler=cluster.scheduler_address)
        assert next(it).index in ITEMS
        it.close()
        assert _wait_until(lambda: len(sched.clients) == n_clients)

        # 3. "current" without a default client is refused, with one it is used
        with pytest.raises(ParameterError, match="current"):
            run_tasks(_square_or_fail, ITEMS, scheduler="current")
        with distributed.Client(cluster) as client:
            _check_outcomes(run_tasks(_square_or_fail, ITEMS, client=client))
            _check_outcomes(run_tasks(_square_or_fail, ITEMS, scheduler="current"))
            assert client.status == "running" and client.submit(math.sqrt, 16.0).result() == 4.0  # still open, usable
            assert not sched.tasks or all(k.startswith("sqrt") for k in sched.tasks), "lisse left futures on the cluster"
        assert {w.pid for w in cluster.workers.values()} == worker_pids  # no worker was lost along the way
        assert _children() == with_cluster
    assert _wait_until(lambda: _children() - before == set()), "cluster processes outlived the cluster"


def test_dask_unreachable_scheduler_is_a_parameter_error(monkeypatch):
    pytest.importorskip("distributed")
    import lisse.parallel as par

    monkeypatch.setattr(par, "DASK_CONNECT_TIMEOUT", "1s")
    with pytest.raises(ParameterError, match="could not connect to a Dask scheduler at 'tcp://127.0.0.1:9'"):
        run_tasks(_square_or_fail, ITEMS, scheduler="tcp://127.0.0.1:9")


def test_executors_shim_closes_what_it_starts():
    """lisse 0.1's run_many(executor='dask') started a LocalCluster per call and never closed it (3 -> 7 processes)."""
    pytest.importorskip("distributed")
    from lisse.atomistic.executors import DaskExecutor, run_many

    before = _children()
    kw = [{"x": x} for x in (1, 2, 4)]
    assert run_many(_kw_square, kw, executor="dask") == [1, 4, 16]
    assert _wait_until(lambda: _children() - before == set()), "run_many left a cluster running"
    with DaskExecutor(n_workers=1, threads_per_worker=1, dashboard_address=None) as ex:
        assert ex.map([(_kw_square, {"x": 3})]) == [9]
        assert ex.map([(_kw_square, {"x": 5})]) == [25]  # one cluster for both maps
    assert _wait_until(lambda: _children() - before == set())
    assert run_many(_kw_square, kw, jobs=2) == [1, 4, 16]


def _kw_square(x):
    return x * x
