"""Pluggable executors for running many workflows (e.g. many Li|X interfaces) at once.

``LocalExecutor`` (default) runs tasks in this process (``max_workers=1``) or in a pool of local
processes; ``DaskExecutor`` sends them to a dask.distributed cluster (optional ``distributed`` extra).
Tasks are ``(function, kwargs)`` pairs with picklable arguments (pass calculators by name, e.g.
``"chgnet"``, so each worker loads its own model). Combined with the content-hash job cache on a
shared folder, an interrupted batch resumes where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from lisse.errors import MissingDependencyError, ParameterError

__all__ = ["LocalExecutor", "DaskExecutor", "get_executor", "run_many", "adhesion_many"]


def _call(fn_kwargs):
    fn, kw = fn_kwargs
    return fn(**kw)


class LocalExecutor:
    """Run tasks here (``max_workers=1``) or in ``max_workers`` local processes (spawned, so torch is safe).

    Parameters
    ----------
    max_workers : int, default 1
        Number of local worker processes (1 = run here, in order).

    Raises
    ------
    ParameterError
        ``max_workers`` < 1.
    """

    def __init__(self, max_workers: int = 1) -> None:
        if int(max_workers) < 1:
            raise ParameterError(f"max_workers must be >= 1; got {max_workers!r}")
        self.max_workers = int(max_workers)

    def map(self, tasks: Sequence[tuple[Callable, dict]]) -> list[Any]:
        """Run every task and return the results in input order.

        Parameters
        ----------
        tasks : sequence of (callable, dict)
            ``(function, kwargs)`` pairs with picklable arguments.

        Returns
        -------
        list
            ``function(**kwargs)`` of each task.
        """
        if self.max_workers == 1:
            return [_call(t) for t in tasks]
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(self.max_workers, mp_context=mp.get_context("spawn")) as ex:
            return list(ex.map(_call, tasks))


class DaskExecutor:
    """Run tasks on a dask.distributed ``Client`` (created with the given address, or local if None).

    Parameters
    ----------
    address : str, optional
        Address of a Dask scheduler (``"tcp://host:8786"``); None starts a local cluster.
    client : dask.distributed.Client, optional
        An existing client to use instead.

    Raises
    ------
    MissingDependencyError
        ``dask[distributed]`` is not installed.
    """

    def __init__(self, address: str | None = None, client=None) -> None:
        try:
            from dask.distributed import Client
        except ImportError as exc:
            raise MissingDependencyError("dask[distributed]", "the Dask executor", "distributed") from exc
        self.client = client or (Client(address) if address else Client(processes=True))

    def map(self, tasks: Sequence[tuple[Callable, dict]]) -> list[Any]:
        """Run every task on the cluster and gather the results in input order.

        Parameters
        ----------
        tasks : sequence of (callable, dict)
            ``(function, kwargs)`` pairs with picklable arguments.

        Returns
        -------
        list
            ``function(**kwargs)`` of each task.
        """
        futs = self.client.map(_call, list(tasks), pure=False)
        return self.client.gather(futs)


def get_executor(spec: str | Any = "local"):
    """``"local"``, ``"local:4"``, ``"dask"`` or ``"dask:tcp://host:8786"``; an executor object passes through.

    Parameters
    ----------
    spec : str or executor, default "local"
        The executor spec, or an object with a ``map`` method.

    Returns
    -------
    LocalExecutor or DaskExecutor
        The executor.

    Raises
    ------
    ParameterError
        Unknown spec.
    """
    if hasattr(spec, "map") and not isinstance(spec, str):
        return spec
    name, _, arg = str(spec).partition(":")
    if name == "local":
        return LocalExecutor(int(arg) if arg else 1)
    if name == "dask":
        return DaskExecutor(arg or None)
    raise ParameterError(f"unknown executor '{spec}'; expected 'local', 'local:N', 'dask' or 'dask:ADDRESS'")


def run_many(fn: Callable, kwargs_list: Sequence[dict], executor: Any = "local") -> list[Any]:
    """Run ``fn(**kw)`` for every ``kw`` with the chosen executor; results in input order.

    Parameters
    ----------
    fn : callable
        A picklable (module-level) function.
    kwargs_list : sequence of dict
        Keyword arguments of each call.
    executor : str or executor, default "local"
        See :func:`get_executor`.

    Returns
    -------
    list
        Results in input order.
    """
    return get_executor(executor).map([(fn, dict(kw)) for kw in kwargs_list])


def adhesion_many(substrates: Sequence[str], calculator: str = "chgnet", executor: Any = "local", cache: str | None = None, **kw) -> list[dict]:
    """W_ad + contact angle of Li on each substrate (one :func:`~lisse.atomistic.workflows.adhesion_workflow` per task).

    Parameters
    ----------
    substrates : sequence of str
        Substrate materials (names of :mod:`lisse.atomistic.structures`).
    calculator : str, default "chgnet"
        Calculator spec (by name, so each worker loads its own model).
    executor : str or executor, default "local"
        See :func:`get_executor`.
    cache : str, optional
        Job-cache folder (shared by the workers).
    **kw
        Further keywords of :func:`~lisse.atomistic.workflows.adhesion_workflow`.

    Returns
    -------
    list of dict
        One :func:`~lisse.atomistic.workflows.adhesion_workflow` result per substrate (W_ad [J m-2], angle [deg], ...).
    """
    from lisse.atomistic.workflows import adhesion_workflow

    return run_many(adhesion_workflow, [dict(calculator=calculator, substrate=s, cache=cache, **kw) for s in substrates], executor)
