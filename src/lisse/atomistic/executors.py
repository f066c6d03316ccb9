"""Running many atomistic workflows (e.g. many Li|X interfaces) at once, on :mod:`lisse.parallel`.

:func:`adhesion_many` and :func:`run_many` take the executor arguments of :mod:`lisse.parallel`
(``jobs=N`` local processes, ``scheduler="tcp://host:8786"`` or ``"current"``, or ``client=``), so
atomistic screening runs on the same executor as batches, sweeps and maps. Tasks are ``fn(**kwargs)``
calls with picklable arguments (pass calculators by name, e.g. ``"chgnet"``, so each worker loads its
own model). Combined with the content-hash job cache on a shared folder, an interrupted screen resumes
where it stopped.

``LocalExecutor``, ``DaskExecutor`` and :func:`get_executor` are kept for code written against lisse
0.1; they run on :mod:`lisse.parallel` too. A :class:`DaskExecutor` that starts a local cluster owns
it: use it as a context manager (or call :meth:`DaskExecutor.close`); :func:`run_many` given an
executor *name* closes what it started before returning. (lisse 0.1 started a new LocalCluster on every
call and never closed it.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from lisse.errors import MissingDependencyError, ParameterError
from lisse.parallel import check_jobs, results, run_tasks

__all__ = ["LocalExecutor", "DaskExecutor", "get_executor", "run_many", "adhesion_many", "adhesion_screen"]


def _call(fn_kwargs: tuple[Callable[..., Any], dict]) -> Any:
    fn, kw = fn_kwargs
    return fn(**kw)


class LocalExecutor:
    """Run tasks here (``max_workers=1``) or in ``max_workers`` local processes (``lisse.parallel``, ``jobs=``).

    Parameters
    ----------
    max_workers : int, default 1
        Number of local worker processes (1 = run here, in order).

    Raises
    ------
    ParameterError
        ``max_workers`` is not a whole number >= 1.
    """

    def __init__(self, max_workers: int = 1) -> None:
        try:
            self.max_workers = check_jobs(max_workers)
        except ParameterError:
            raise ParameterError(f"max_workers must be a whole number >= 1; got {max_workers!r}") from None

    def map(self, tasks: Sequence[tuple[Callable, dict]]) -> list[Any]:
        """``fn(**kw)`` for each ``(fn, kw)``, in local processes.

        Parameters
        ----------
        tasks : sequence of (callable, dict)
            ``(function, kwargs)`` pairs with picklable arguments.

        Returns
        -------
        list
            ``function(**kwargs)`` of each task, in input order.

        Raises
        ------
        Exception
            The first failed task's exception (in input order), after all tasks ran.
        """
        return results(_call, list(tasks), jobs=self.max_workers)

    def close(self) -> None:
        """Nothing to close (each :meth:`map` closes its process pool)."""

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class DaskExecutor:
    """Run tasks on Dask distributed: a given client, a scheduler address, or a local cluster it owns.

    An existing ``client`` is reused and left open; with a scheduler ``address`` each :meth:`map` connects
    a client and closes it; with neither, a local cluster is started on first use and closed in
    :meth:`close` or on leaving a ``with`` block.

    Parameters
    ----------
    address : str, optional
        Address of a Dask scheduler (``"tcp://host:8786"``).
    client : distributed.Client, optional
        An existing client to use instead (left open).
    **local_cluster_kw
        Keywords of :class:`distributed.LocalCluster` for the local cluster (e.g. ``n_workers``).

    Raises
    ------
    MissingDependencyError
        ``dask[distributed]`` is not installed.
    """

    def __init__(self, address: str | None = None, client: Any = None, **local_cluster_kw: Any) -> None:
        try:
            import distributed  # noqa: F401
        except ImportError as exc:
            raise MissingDependencyError("dask[distributed]", "the Dask executor", "distributed") from exc
        self.address = address
        self.client = client
        self._own_client: Any = None
        self._own_cluster: Any = None
        self._local_cluster_kw = local_cluster_kw

    def _target(self) -> dict[str, Any]:
        if self.client is not None:
            return {"client": self.client}
        if self.address:
            return {"scheduler": self.address}
        if self._own_client is None:
            from distributed import Client, LocalCluster

            kw = {"processes": True, **self._local_cluster_kw}
            self._own_cluster = LocalCluster(**kw)
            self._own_client = Client(self._own_cluster, set_as_default=False)
        return {"client": self._own_client}

    def map(self, tasks: Sequence[tuple[Callable, dict]]) -> list[Any]:
        """``fn(**kw)`` for each ``(fn, kw)``, on the cluster.

        Parameters
        ----------
        tasks : sequence of (callable, dict)
            ``(function, kwargs)`` pairs with picklable arguments.

        Returns
        -------
        list
            ``function(**kwargs)`` of each task, in input order.

        Raises
        ------
        Exception
            The first failed task's exception (in input order), after all tasks ran.
        """
        return results(_call, list(tasks), **self._target())

    def close(self) -> None:
        """Close the client and local cluster this executor started (a passed client stays open)."""
        client, cluster = self._own_client, self._own_cluster
        self._own_client = self._own_cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def get_executor(spec: str | Any = "local"):
    """``"local"``, ``"local:4"``, ``"dask"`` (a local cluster) or ``"dask:tcp://host:8786"``; an executor object passes through.

    An executor made here from a name should be closed by the caller (``with get_executor("dask") as ex:``).

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
        try:
            return LocalExecutor(int(arg) if arg else 1)
        except ValueError:
            raise ParameterError(f"unknown executor '{spec}'; expected 'local', 'local:N', 'dask' or 'dask:ADDRESS'") from None
    if name == "dask":
        return DaskExecutor(arg or None)
    raise ParameterError(f"unknown executor '{spec}'; expected 'local', 'local:N', 'dask' or 'dask:ADDRESS'")


def run_many(fn: Callable, kwargs_list: Sequence[dict], executor: Any = None, *, jobs: int = 1,
             scheduler: str | None = None, client: Any = None) -> list[Any]:
    """Run ``fn(**kw)`` for every ``kw``; results in input order (the first failure, in input order, is raised).

    Parameters
    ----------
    fn : callable
        A module-level function (picklable) taking keyword arguments.
    kwargs_list : sequence of dict
        One keyword-argument dict per task.
    executor : str or executor object, optional
        lisse 0.1 spelling (see :func:`get_executor`); an executor made here from a name is closed before
        returning. Prefer ``jobs`` / ``scheduler`` / ``client``.
    jobs : int, default 1
        Number of local processes (1 = run here).
    scheduler : str, optional
        Dask scheduler address, or ``"current"`` for this process's default client.
    client : distributed.Client, optional
        An existing Dask client to reuse (left open).

    Returns
    -------
    list
        ``fn(**kw)`` of each task, in input order.

    Raises
    ------
    ParameterError
        Both an executor and ``jobs``/``scheduler``/``client``, or bad executor arguments.
    """
    tasks = [(fn, dict(kw)) for kw in kwargs_list]
    if executor is None:
        return results(_call, tasks, jobs=jobs, scheduler=scheduler, client=client)
    if jobs != 1 or scheduler is not None or client is not None:
        raise ParameterError("give an executor or jobs/scheduler/client, not both")
    ex = get_executor(executor)
    if ex is executor:  # the caller's object: the caller closes it
        return ex.map(tasks)
    with ex:
        return ex.map(tasks)


def adhesion_many(substrates: Sequence[str], calculator: str = "chgnet", executor: Any = None, cache: str | None = None, *,
                  jobs: int = 1, scheduler: str | None = None, client: Any = None, **kw) -> list[dict]:
    """W_ad + contact angle of Li on each substrate (one :func:`~lisse.atomistic.workflows.adhesion_workflow` per task).

    Any failure fails the whole call; :func:`adhesion_screen` makes each failure its substrate's row instead.

    Parameters
    ----------
    substrates : sequence of str
        Substrate materials (names of :mod:`lisse.atomistic.structures`).
    calculator : str, default "chgnet"
        Calculator spec (by name, so each worker loads its own model).
    executor : str or executor, optional
        lisse 0.1 spelling of the executor (see :func:`get_executor`); prefer ``jobs`` / ``scheduler`` / ``client``.
    cache : JobCache, optional
        Job cache (on a folder the workers share).
    jobs : int, default 1
        Number of local processes (1 = run here).
    scheduler : str, optional
        Dask scheduler address, or ``"current"`` for this process's default client.
    client : distributed.Client, optional
        An existing Dask client to reuse (left open).
    **kw
        Further keywords of :func:`~lisse.atomistic.workflows.adhesion_workflow`.

    Returns
    -------
    list of dict
        One :func:`~lisse.atomistic.workflows.adhesion_workflow` result per substrate (W_ad [J m-2], angle [deg], ...),
        in the order of ``substrates``.
    """
    from lisse.atomistic.workflows import adhesion_workflow

    fn = functools.partial(adhesion_workflow, calculator=calculator, cache=cache, **kw)
    return run_many(fn, [dict(substrate=s) for s in substrates], executor, jobs=jobs, scheduler=scheduler, client=client)


def _adhesion_task(substrate: str, **kw: Any) -> dict:
    from lisse.atomistic.workflows import adhesion_workflow

    return adhesion_workflow(substrate=substrate, **kw)


def adhesion_screen(substrates: Sequence[str], calculator: Any = "chgnet", cache: Any = None, *, jobs: int = 1,
                    scheduler: str | None = None, client: Any = None, **kw: Any) -> list[dict]:
    """Screen Li on many substrates: one row per substrate, a failing substrate is that row's error.

    Parameters
    ----------
    substrates : sequence of str
        Substrate names (see :data:`lisse.atomistic.structures.CRYSTALS`).
    calculator : str or AtomisticCalculator
        ML calculator by name (each worker loads its own), or a calculator instance (e.g. a
        :class:`~lisse.atomistic.calculators.GPAWCalculator`, pickled to the workers).
    cache : JobCache, optional
        Content-hash job cache (on a shared folder, an interrupted screen resumes where it stopped).
    jobs : int, default 1
        Number of local processes (1 = run here).
    scheduler : str, optional
        Dask scheduler address, or ``"current"`` for this process's default client.
    client : distributed.Client, optional
        An existing Dask client to reuse (left open).
    **kw
        Passed to :func:`~lisse.atomistic.workflows.adhesion_workflow` (picklable unless ``jobs=1``).

    Returns
    -------
    list of dict
        In the order of ``substrates``: ``substrate``, ``status`` ("ok" | "error"), ``error_type``, ``error``,
        ``user_error`` (True: bad input, not a bug) and ``result`` (the workflow's dict, or None).
    """
    fn = functools.partial(_adhesion_task, calculator=calculator, cache=cache, **kw)
    outs = run_tasks(fn, list(substrates), jobs=jobs, scheduler=scheduler, client=client)
    return [{"substrate": s, "status": "ok" if o.ok else "error", "error_type": o.error_type, "error": o.error,
             "user_error": o.user_error, "result": o.value} for s, o in zip(substrates, outs)]
