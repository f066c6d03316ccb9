"""One executor layer for every many-task job in lisse: batches of files, simulator sweeps and maps, atomistic screening.

Tasks are ``fn(item)`` calls with a picklable module-level ``fn`` and picklable items. They run

* here, in order (``jobs=1``, the default);
* in ``jobs`` local processes (spawned, so torch, BLAS and open files are safe);
* on a Dask distributed cluster: ``scheduler="tcp://host:8786"`` (lisse connects a client for this call
  and closes it before returning), ``client=`` an existing :class:`distributed.Client` (reused and left
  open), or ``scheduler="current"`` (the default client of this process, e.g. one a notebook made;
  reused and left open).

**The default Dask client is used only when asked for** (``scheduler="current"`` or ``client=``): a
notebook user who made a ``Client`` for other work does not get lisse's tasks on it unless they say so.

Every task's outcome comes back as a :class:`TaskOutcome`: a failure in one task is that task's error,
never the end of the others. A :class:`~lisse.errors.LisseError` (bad input) is marked
``user_error=True``; any other exception is a bug and keeps its traceback text. Results stream back as
they complete (:func:`iter_tasks`), so a caller can store each one at once; :func:`run_tasks` waits
for all and returns them in input order. Whatever lisse starts (a process pool, a Dask client) is
closed before the call returns, also when the caller stops iterating early (``break``, an exception,
``close()``): pending tasks are cancelled, running ones finish, and the pool's processes exit.

This module imports nothing heavy at import time (Dask only when asked for).
"""

from __future__ import annotations

import contextlib
import operator
import pickle
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lisse.errors import LisseError, MissingDependencyError, ParameterError, TaskError, TaskInputError

__all__ = ["TaskOutcome", "iter_tasks", "run_tasks", "results", "check_jobs", "DASK_CONNECT_TIMEOUT", "WORKER_DIED"]

#: How long a client waits for a Dask scheduler to answer before lisse reports it unreachable.
DASK_CONNECT_TIMEOUT = "20s"


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
    exception : BaseException or None
        The exception itself when it could be carried back from the worker (it pickles), else None;
        :meth:`result` re-raises it. Not part of the repr or of equality.
    """

    index: int
    value: Any = None
    error_type: str | None = None
    error: str | None = None
    user_error: bool = False
    traceback: str | None = None
    exception: BaseException | None = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """True when the task returned without raising."""
        return self.error_type is None

    def result(self) -> Any:
        """The task's value, or raise its exception.

        Returns
        -------
        Any
            What ``fn(item)`` returned.

        Raises
        ------
        Exception
            The task's own exception when it was carried back (it pickled).
        TaskInputError
            A :class:`~lisse.errors.LisseError` (bad input) that could not be carried back, named with its type and message.
        TaskError
            Any other exception that could not be carried back (a bug), with its traceback text.
        """
        if self.ok:
            return self.value
        if self.exception is not None:
            raise self.exception
        msg = f"task {self.index}: {self.error_type}: {self.error}"
        if self.user_error:
            raise TaskInputError(msg)
        raise TaskError(msg + (f"\n{self.traceback}" if self.traceback else ""))


def _portable(exc: BaseException) -> BaseException | None:
    """``exc`` without its traceback frames if it survives a pickle round trip, else None."""
    exc = exc.with_traceback(None)
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return None
    return exc


def _run_one(payload: tuple[Callable[[Any], Any], int, Any]) -> TaskOutcome:
    """Call ``fn(item)`` and wrap its result or its exception (runs in the worker; never raises an Exception)."""
    fn, index, item = payload
    try:
        return TaskOutcome(index, fn(item))
    except LisseError as exc:
        return TaskOutcome(index, None, type(exc).__name__, str(exc), True, None, _portable(exc))
    except Exception as exc:  # isolate the task: a bug in one file's analysis is that file's error row
        tb = traceback.format_exc()
        return TaskOutcome(index, None, type(exc).__name__, str(exc) or repr(exc), False, tb, _portable(exc))


def _lost(index: int, exc: BaseException) -> TaskOutcome:
    """The outcome of a task whose result never came back (worker died, item did not pickle, cancelled)."""
    msg = f"the task could not be run or its result could not be returned ({type(exc).__name__}: {exc})"
    return TaskOutcome(index, None, type(exc).__name__, msg, False, "".join(traceback.format_exception(exc)))


def check_jobs(jobs: Any) -> int:
    """``jobs`` as a whole number of processes >= 1 (numpy integers accepted).

    Parameters
    ----------
    jobs : int
        Number of local processes, as given.

    Returns
    -------
    int
        Number of local processes (>= 1).

    Raises
    ------
    ParameterError
        ``jobs`` is not a whole number >= 1 (a bool, float, string or None included).
    """
    try:
        if isinstance(jobs, bool):
            raise TypeError
        n = operator.index(jobs)
    except TypeError:
        raise ParameterError(f"jobs: expected a whole number of processes >= 1; got {jobs!r}") from None
    if n < 1:
        raise ParameterError(f"jobs: expected a whole number of processes >= 1; got {jobs!r}")
    return n


def _check_picklable(fn: Callable[[Any], Any]) -> None:
    try:
        pickle.dumps(fn)
    except Exception as exc:
        raise TypeError(f"fn {fn!r} cannot run in another process: it does not pickle ({exc}); "
                        "pass a module-level function (functools.partial of one is fine)") from exc


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
    """The Dask client to use: the one given, the default one (``"current"``), or a new one for ``scheduler`` (closed on exit)."""
    if client is not None:
        yield client
        return
    try:
        from distributed import Client, default_client
    except ImportError as exc:
        raise MissingDependencyError("dask[distributed]", "the Dask executor (--scheduler)", "distributed") from exc
    if scheduler == "current":
        try:
            current = default_client()
        except ValueError:
            raise ParameterError("scheduler 'current': expected a running Dask client in this process "
                                 "(made with distributed.Client(...)); found none") from None
        yield current
        return
    _check_scheduler_address(scheduler)
    try:
        new = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ParameterError(f"scheduler: could not connect to a Dask scheduler at '{scheduler}' within "
                             f"{DASK_CONNECT_TIMEOUT} ({type(exc).__name__}: {exc})") from exc
    try:
        yield new
    finally:
        new.close()


def _iter_dask(payloads: list, scheduler: str | None, client: Any) -> Iterator[TaskOutcome]:
    with _dask_client(scheduler, client) as c:
        from distributed import KilledWorker, as_completed

        # key -> (future, index); a finished task's entry is dropped at once, so no finished result is held
        # (here or on the cluster): memory stays bounded by the tasks in flight
        pending = {f.key: (f, p[1]) for f, p in zip(c.map(_run_one, payloads, pure=False), payloads)}
        try:
            for fut in as_completed([f for f, _ in pending.values()], loop=c.loop):  # this client's loop, not the default one
                _, index = pending.pop(fut.key)
                try:
                    out = fut.result()
                except KilledWorker as exc:  # the task killed the workers that ran it (OOM, a native crash): its error only
                    out = TaskOutcome(index, None, "KilledWorker", " ".join(str(exc).split()), False, None)
                except Exception as exc:  # CancelledError, a payload that did not unpickle there
                    out = _lost(index, exc)
                yield out
        finally:
            c.cancel([f for f, _ in pending.values()])


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
                        except Exception as exc:  # the item (or its result) did not pickle: that task's error
                            out = _lost(p[1], exc)
                        yield out
                if broken:
                    suspects.extend(inflight.values())
                    inflight.clear()
            finally:
                for fut in inflight:
                    fut.cancel()


def iter_tasks(fn: Callable[[Any], Any], items: Iterable[Any], *, jobs: int = 1, scheduler: str | None = None,
               client: Any = None) -> Iterator[TaskOutcome]:
    """Run ``fn(item)`` for every item; an iterator of each :class:`TaskOutcome` as it completes.

    The arguments are checked at once (not on the first ``next``); the tasks start when iteration starts.

    With ``jobs=1`` tasks run here, in input order; otherwise in completion order (``outcome.index``
    is the item's position).

    Parameters
    ----------
    fn : callable
        A function of one argument; picklable (module-level, or a ``functools.partial`` of one) unless
        ``jobs=1``.
    items : iterable
        The task arguments (picklable unless ``jobs=1``).
    jobs : int, default 1
        Number of local processes (1 = run here, in order). Must stay 1 when ``scheduler`` or ``client`` is given.
    scheduler : str, optional
        Address of a Dask distributed scheduler (e.g. ``"tcp://10.0.0.5:8786"``): a client is started
        for this call and closed when it ends. ``"current"``: reuse this process's default Dask client.
    client : distributed.Client, optional
        An existing Dask client to reuse (left open).

    Returns
    -------
    Iterator[TaskOutcome]
        One outcome per item, as each completes.

    Raises
    ------
    ParameterError
        ``jobs`` is not a whole number >= 1, several executors are named, or the scheduler cannot be reached.
    MissingDependencyError
        A Dask executor was asked for without ``dask[distributed]`` installed.
    TypeError
        ``fn`` does not pickle and the tasks run in other processes.
    """
    jobs = check_jobs(jobs)
    dask = scheduler is not None or client is not None
    if scheduler is not None and client is not None:
        raise ParameterError("give a Dask scheduler address or a client, not both")
    if dask and jobs != 1:
        raise ParameterError(f"give jobs (local processes) or a Dask scheduler/client, not both; got jobs={jobs}")
    if scheduler is not None and not (isinstance(scheduler, str) and scheduler.strip()):
        raise ParameterError(f"scheduler: expected an address like 'tcp://host:8786' or 'current'; got {scheduler!r}")
    payloads = [(fn, i, item) for i, item in enumerate(items)]
    if dask:
        _check_picklable(fn)
        return _iter_dask(payloads, scheduler.strip() if scheduler else None, client)
    if jobs == 1 or len(payloads) <= 1:
        return (_run_one(p) for p in payloads)
    _check_picklable(fn)
    return _pool_tasks(payloads, min(jobs, len(payloads)))


def run_tasks(fn: Callable[[Any], Any], items: Sequence[Any], *, jobs: int = 1, scheduler: str | None = None,
              client: Any = None) -> list[TaskOutcome]:
    """Like :func:`iter_tasks`, but wait for all and return the outcomes in input order.

    Parameters
    ----------
    fn : callable
        A function of one argument (picklable unless ``jobs=1``).
    items : sequence
        The task arguments.
    jobs : int, default 1
        Number of local processes (1 = run here).
    scheduler : str, optional
        Dask scheduler address, or ``"current"`` for this process's default client.
    client : distributed.Client, optional
        An existing Dask client to reuse (left open).

    Returns
    -------
    list of TaskOutcome
        One per item, in input order.

    Raises
    ------
    ParameterError
        Bad executor arguments, or the scheduler cannot be reached.
    MissingDependencyError
        A Dask executor was asked for without ``dask[distributed]`` installed.
    """
    return sorted(iter_tasks(fn, items, jobs=jobs, scheduler=scheduler, client=client), key=lambda o: o.index)


def results(fn: Callable[[Any], Any], items: Sequence[Any], *, jobs: int = 1, scheduler: str | None = None,
            client: Any = None, progress: Callable[[int, int], None] | None = None) -> list[Any]:
    """``[fn(item) for item in items]`` on the chosen executor: the values in input order.

    For sweeps and maps where any failure is the whole computation's failure: all tasks run, then the
    first failed task's exception (in input order) is raised (see :meth:`TaskOutcome.result`).

    Parameters
    ----------
    fn : callable
        A function of one argument (picklable unless ``jobs=1``).
    items : sequence
        The task arguments.
    jobs : int, default 1
        Number of local processes (1 = run here).
    scheduler : str, optional
        Dask scheduler address, or ``"current"`` for this process's default client.
    client : distributed.Client, optional
        An existing Dask client to reuse (left open).
    progress : callable, optional
        ``progress(done, total)`` in tasks after each task completes (for a progress bar; never prints).

    Returns
    -------
    list
        ``fn(item)`` of each item, in input order.

    Raises
    ------
    ParameterError
        Bad executor arguments, or the scheduler cannot be reached.
    MissingDependencyError
        A Dask executor was asked for without ``dask[distributed]`` installed.
    """
    items = list(items)
    outs: list[TaskOutcome] = []
    for o in iter_tasks(fn, items, jobs=jobs, scheduler=scheduler, client=client):
        outs.append(o)
        if progress is not None:
            progress(len(outs), len(items))
    return [o.result() for o in sorted(outs, key=lambda o: o.index)]
