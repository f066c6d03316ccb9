"""One executor layer for every many-task job in lisse: batches of files, simulator sweeps and maps, atomistic screening.

Tasks are ``fn(item)`` calls with a picklable module-level ``fn`` and picklable items. They run here
(``jobs=1``), in ``jobs`` local processes (spawned, so torch and BLAS are safe), or on a Dask
distributed cluster (``scheduler="tcp://host:8786"``, or an existing ``client``). Every task's outcome
comes back as a :class:`TaskOutcome`: a failure in one task is that task's error, never the end of
the others. Results stream back as they complete (:func:`iter_tasks`), so a caller can store each one
at once. Whatever lisse starts (a process pool, a Dask client) is closed before the call returns; a
Dask client the caller passes, or the current default client, is reused and left open.

This module imports nothing heavy at import time (Dask only when asked for).
"""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from lisse.errors import LisseError, MissingDependencyError, ParameterError

__all__ = ["TaskOutcome", "iter_tasks", "run_tasks"]


@dataclass(frozen=True)
class TaskOutcome:
    """The outcome of one task.

    Parameters
    ----------
    index : int
        Index of the task's item in the input sequence (0-based).
    value : Any
        What ``fn(item)`` returned (None when it raised).
    error_type : str or None
        Class name of the exception ``fn`` raised (None on success).
    error : str or None
        The exception's message (one line for a :class:`~lisse.errors.LisseError`).
    user_error : bool
        True when the exception was a :class:`~lisse.errors.LisseError` (a problem with the input, not a bug).
    traceback : str or None
        The formatted traceback of an unexpected exception (None for a LisseError or on success).
    """

    index: int
    value: Any = None
    error_type: str | None = None
    error: str | None = None
    user_error: bool = False
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        """True when the task returned without raising."""
        return self.error_type is None


def _run_one(payload: tuple[Callable[[Any], Any], int, Any]) -> TaskOutcome:
    """Call ``fn(item)`` and wrap its result or its exception (runs in the worker; never raises an Exception)."""
    fn, index, item = payload
    try:
        return TaskOutcome(index, fn(item))
    except LisseError as exc:
        return TaskOutcome(index, None, type(exc).__name__, str(exc), True)
    except Exception as exc:  # isolate the task: a bug in one file's analysis is that file's error row
        return TaskOutcome(index, None, type(exc).__name__, str(exc) or repr(exc), False, traceback.format_exc())


def _exit_with_parent(parent_pid: int, interval_s: float = 0.5) -> None:
    """Worker-process initializer: end this worker once the process that started it is gone.

    A parent killed with ``kill -9`` cannot shut its pool down, and a pool worker never sees the end of
    its task queue (it holds that pipe's write end itself), so without this it would wait forever. A
    daemon thread polls the parent's pid every ``interval_s`` seconds [s] and exits the worker when it
    changes (the worker was re-parented).
    """
    import os
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(interval_s)
        os._exit(1)

    threading.Thread(target=watch, name="lisse-parent-watch", daemon=True).start()


def _check_jobs(jobs: int) -> int:
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"jobs: expected a whole number of processes >= 1; got {jobs!r}")
    return jobs


def _check_scheduler_address(scheduler: Any) -> None:
    """Refuse a malformed scheduler address before a Client is made (a Client failing on it raises ValueError, an
    internal error, and its finaliser then blocks for 40 s)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        proto, loc = parse_address(str(scheduler))
        if proto in ("tcp", "tls", "ws", "wss"):
            parse_host_port(loc)
    except (ValueError, TypeError) as exc:
        raise ParameterError(f"scheduler: expected a Dask scheduler address with a port, such as tcp://10.0.0.5:8786; "
                             f"got '{scheduler}' ({exc})") from None


@contextlib.contextmanager
def _dask_client(scheduler: str | None, client: Any):
    """The Dask client to use: the one given, else a new one connected to ``scheduler`` (closed on exit)."""
    if client is not None:
        yield client
        return
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise MissingDependencyError("dask[distributed]", "the Dask executor (--scheduler)", "distributed") from exc
    _check_scheduler_address(scheduler)
    try:
        new = Client(scheduler, timeout="20s", set_as_default=False)
    except OSError as exc:
        raise ParameterError(f"scheduler: could not connect to a Dask scheduler at '{scheduler}': {exc}") from exc
    try:
        yield new
    finally:
        new.close()


def iter_tasks(fn: Callable[[Any], Any], items: Iterable[Any], *, jobs: int = 1, scheduler: str | None = None,
               client: Any = None) -> Iterator[TaskOutcome]:
    """Run ``fn(item)`` for every item and yield each :class:`TaskOutcome` as it completes (not in input order).

    Parameters
    ----------
    fn : callable
        A picklable (module-level) function of one argument.
    items : iterable
        The task arguments (picklable).
    jobs : int, default 1
        Number of local worker processes (1 = run here, in order). Ignored when ``scheduler`` or ``client`` is given.
    scheduler : str, optional
        Address of a Dask distributed scheduler (e.g. ``"tcp://10.0.0.5:8786"``); a client is started
        for this call and closed when it ends.
    client : dask.distributed.Client, optional
        An existing Dask client to reuse (left open).

    Yields
    ------
    TaskOutcome
        One per item; ``outcome.index`` is the item's position.

    Raises
    ------
    ParameterError
        ``jobs`` is not a whole number >= 1, or no Dask scheduler answers at ``scheduler``.
    MissingDependencyError
        ``scheduler`` is given but ``dask[distributed]`` is not installed.
    """
    payloads = [(fn, i, item) for i, item in enumerate(items)]
    if scheduler is not None or client is not None:
        with _dask_client(scheduler, client) as c:
            from dask.distributed import as_completed
            from distributed import KilledWorker

            mapped = c.map(_run_one, payloads, pure=False)
            index = {f.key: p[1] for f, p in zip(mapped, payloads)}
            futures = set(mapped)
            del mapped
            try:
                for fut in as_completed(list(futures), loop=c.loop):  # this client's loop: a client made for this call is not the default one
                    futures.discard(fut)  # hold no finished result (on the cluster either): bounded memory
                    try:
                        out = fut.result()
                    except KilledWorker as exc:  # the task killed the workers that ran it (OOM, a native crash): its error only
                        out = TaskOutcome(index[fut.key], None, "KilledWorker", " ".join(str(exc).split()), False, None)
                    yield out
            finally:
                c.cancel(list(futures))
        return
    jobs = _check_jobs(jobs)
    if jobs == 1 or len(payloads) <= 1:
        for p in payloads:
            yield _run_one(p)
        return
    yield from _pool_tasks(payloads, min(jobs, len(payloads)))


#: error_type of a task whose worker process died under it (killed, out of memory, a crash in native code).
WORKER_DIED = "WorkerProcessDied"


def _pool_tasks(payloads: list, workers: int) -> Iterator[TaskOutcome]:
    """Run ``payloads`` in a pool of ``workers`` spawned processes; yield each outcome as it completes.

    At most ``2 * workers`` tasks are submitted at a time. A worker that dies breaks the pool
    (``BrokenProcessPool``) without telling which task killed it: the tasks then in flight are re-run
    one at a time, each in a pool of its own, so the culprit's outcome is a :data:`WORKER_DIED` error and
    the others complete; the tasks not yet submitted go on in a fresh pool.
    """
    import multiprocessing as mp
    import os
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context("spawn")
    queue = deque(payloads)
    suspects: deque = deque()

    def pool(n: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(n, mp_context=ctx, initializer=_exit_with_parent, initargs=(os.getpid(),))

    while queue or suspects:
        if suspects:  # one at a time: a crash now names its task
            p = suspects.popleft()
            with pool(1) as one:
                try:
                    out = one.submit(_run_one, p).result()
                except BrokenProcessPool:
                    out = TaskOutcome(p[1], None, WORKER_DIED, "the worker process running this task died (killed, out of "
                                      "memory, or a crash in native code)", False, None)
            yield out
            continue
        inflight: dict = {}
        with pool(workers) as ex:
            try:
                broken = False
                while (queue or inflight) and not broken:
                    while queue and len(inflight) < 2 * workers:
                        try:
                            inflight[ex.submit(_run_one, queue[0])] = queue[0]
                        except BrokenProcessPool:  # a worker died since the last wait
                            broken = True
                            break
                        queue.popleft()
                    if broken:
                        break
                    done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
                    for fut in done:
                        p = inflight.pop(fut)  # hold no finished result: memory stays bounded by the tasks in flight
                        try:
                            out = fut.result()
                        except BrokenProcessPool:
                            broken = True
                            suspects.append(p)
                            continue
                        yield out
                if broken:
                    suspects.extend(inflight.values())
                    inflight.clear()
            finally:
                for fut in inflight:
                    fut.cancel()


def run_tasks(fn: Callable[[Any], Any], items: Sequence[Any], *, jobs: int = 1, scheduler: str | None = None,
              client: Any = None) -> list[TaskOutcome]:
    """Like :func:`iter_tasks`, but wait for all and return the outcomes in input order.

    Parameters
    ----------
    fn : callable
        A picklable (module-level) function of one argument.
    items : sequence
        The task arguments (picklable).
    jobs : int, default 1
        Number of local worker processes (1 = run here, in order). Ignored when ``scheduler`` or ``client`` is given.
    scheduler : str, optional
        Address of a Dask distributed scheduler; a client is started for this call and closed when it ends.
    client : dask.distributed.Client, optional
        An existing Dask client to reuse (left open).

    Returns
    -------
    list of TaskOutcome
        One per item, in input order.

    Raises
    ------
    ParameterError
        ``jobs`` is not a whole number >= 1, or no Dask scheduler answers at ``scheduler``.
    MissingDependencyError
        ``scheduler`` is given but ``dask[distributed]`` is not installed.
    """
    out = sorted(iter_tasks(fn, items, jobs=jobs, scheduler=scheduler, client=client), key=lambda o: o.index)
    return out
