"""Content-hash cache of atomistic jobs on disk (results are JSON files named by a SHA-256 of the inputs).

The key (:func:`lisse.atomistic.cache.job_key`) covers the calculator identity (name, model, version,
settings), the task and its settings (relaxation kind, fmax, steps, constraints: the fixed atoms as a set) and the
structure (numbers, positions and cell rounded to 1e-6 A, a rounded zero unsigned); entries written before 2026-12-06
are filed under :func:`lisse.atomistic.cache.legacy_job_key`, where a job whose key misses also looks. A rerun with identical inputs costs nothing; a workflow
interrupted after some jobs resumes from the ones already stored. Writes are atomic (temporary file +
``os.replace``). The cache folder is lisse's own state (default ``$LISSE_CACHE/atomistic`` or
``~/.cache/lisse/atomistic``), never user data. The workflows take any object with ``get``/``put``
(:class:`lisse.atomistic.cache.ResultCache`); this is the file-backed one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from lisse.errors import ParameterError
from lisse.io.outputs import atomic_write_text

__all__ = ["JobCache", "NearEntries", "default_cache_dir"]


def default_cache_dir() -> Path:
    """``$LISSE_CACHE/atomistic``, else ``~/.cache/lisse/atomistic``.

    Returns
    -------
    pathlib.Path
        The cache folder (not created here).
    """
    return Path(os.environ.get("LISSE_CACHE", Path.home() / ".cache" / "lisse")) / "atomistic"


class JobCache:
    """A folder of ``<key>.json`` results. ``JobCache(None)`` is a disabled cache.

    An unreadable or corrupt entry counts as a miss (the job is recomputed and the entry rewritten).

    Parameters
    ----------
    directory : str or os.PathLike or None
        The cache folder (created on the first write); None disables the cache.
    """

    def __init__(self, directory: str | os.PathLike | None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> dict | None:
        """The cached result for ``key``, or None (a miss; also for an unreadable entry).

        Parameters
        ----------
        key : str
            The job's content hash (:func:`lisse.atomistic.cache.job_key`).

        Returns
        -------
        dict or None
            The stored result (energies in eV, as the workflows store them), or None.
        """
        if self.directory is None:
            return None
        p = self.directory / f"{key}.json"
        if not p.is_file():
            self.misses += 1
            return None
        try:
            d = json.loads(p.read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            self.misses += 1
            return None
        self.hits += 1
        return d

    def put(self, key: str, value: dict) -> None:
        """Store ``value`` under ``key`` (atomic write; nothing when the cache is disabled).

        Parameters
        ----------
        key : str
            The job's content hash.
        value : dict
            JSON-able result.

        Raises
        ------
        OutputError
            The entry cannot be written.
        """
        if self.directory is None:
            return
        atomic_write_text(self.directory / f"{key}.json", json.dumps(value))

    def near(self, wanted: dict, tol_A: float, partial: bool = False, other_steps: bool = False,
             accept: Callable[[dict], bool] | None = None) -> tuple[str, dict, float] | None:
        """The stored job whose recorded input is closest to ``wanted``, if within ``tol_A``.

        For a job whose exact key missed (:mod:`lisse.atomistic.cache`: a structure moved by float noise after a
        dependency update). Reads every entry of the folder (:meth:`snapshot`); a caller that asks several
        questions about one job asks them of one snapshot instead. A near hit is not stored again under the new key.

        Parameters
        ----------
        wanted : dict
            :func:`lisse.atomistic.cache.job_input` of the job.
        tol_A : float
            Largest accepted difference of positions and cell [Å].
        partial : bool, optional
            Look among running relaxations' checkpoints (``<key>-partial.json``) instead of finished results.
        other_steps : bool, optional
            Also match the same relaxation run with another step cap (:func:`lisse.atomistic.cache.input_distance`).
        accept : callable, optional
            Only entries for which ``accept(entry)`` is true (e.g. converged within a number of steps).

        Returns
        -------
        tuple of (str, dict, float) or None
            As :meth:`NearEntries.near`: the entry's key, the entry, and its distance [Å]; None when none is within
            ``tol_A``.
        """
        return self.snapshot(wanted, tol_A).near(wanted, tol_A, partial=partial, other_steps=other_steps, accept=accept)

    def snapshot(self, wanted: dict, tol_A: float) -> NearEntries:
        """Every stored entry (results and checkpoints) within ``tol_A`` of ``wanted``, read in one pass.

        A DFT job asks up to five questions of the cache on a miss (:func:`lisse.atomistic.engine.run_job`); each
        used to read the whole folder, which the default folder shares with every ML job. Entries over 16 MiB, unreadable
        ones and those that are not JSON objects are skipped. The snapshot does not see later writes.

        Parameters
        ----------
        wanted : dict
            :func:`lisse.atomistic.cache.job_input` of the job.
        tol_A : float
            Largest difference of positions and cell [Å] kept, under either matching rule (same task, or the same
            relaxation with another step cap).

        Returns
        -------
        NearEntries
            The entries kept, with their distances [Å] under both rules.
        """
        from lisse.atomistic.cache import input_distance

        rows: list[tuple[str, dict, bool, float | None, float | None]] = []
        if self.directory is not None and self.directory.is_dir():
            for p in sorted(self.directory.glob("*.json")):
                key = p.name[: -len(".json")]
                try:
                    if p.stat().st_size > 16 * 2**20:
                        continue
                    d = json.loads(p.read_text())
                except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                    continue
                if not isinstance(d, dict):
                    continue
                same, other = (input_distance(d.get("input"), wanted, other_steps=o) for o in (False, True))
                if (same is not None and same <= tol_A) or (other is not None and other <= tol_A):
                    rows.append((key, d, key.endswith("-partial"), same, other))
        return NearEntries(wanted, tol_A, rows)

    def discard(self, key: str) -> None:
        """Remove the entry ``key`` if it exists (e.g. a relaxation's checkpoint once its result is stored).

        Parameters
        ----------
        key : str
            The entry's key.
        """
        if self.directory is None:
            return
        (self.directory / f"{key}.json").unlink(missing_ok=True)


class NearEntries:
    """The cache entries near one job's input, read once (:meth:`JobCache.snapshot`); asked like :meth:`JobCache.near`.

    Parameters
    ----------
    wanted : dict
        :func:`lisse.atomistic.cache.job_input` of the job.
    tol_A : float
        The tolerance the entries were kept within [Å].
    rows : list of tuple
        ``(key, entry, is_checkpoint, distance_same_task_A, distance_any_cap_A)``, in the folder's sorted order; a
        distance is None where that rule does not match.
    """

    def __init__(self, wanted: dict, tol_A: float, rows: list[tuple[str, dict, bool, float | None, float | None]]) -> None:
        self.wanted = wanted
        self.tol_A = tol_A
        self.rows = rows

    def near(self, wanted: dict, tol_A: float, partial: bool = False, other_steps: bool = False,
             accept: Callable[[dict], bool] | None = None) -> tuple[str, dict, float] | None:
        """The kept entry that stands for ``wanted`` best, if within ``tol_A``.

        Parameters
        ----------
        wanted : dict
            The job input the snapshot was taken for.
        tol_A : float
            Largest accepted difference of positions and cell [Å]; at most the snapshot's.
        partial : bool, optional
            Look among running relaxations' checkpoints (``<key>-partial.json``) instead of finished results.
        other_steps : bool, optional
            Also match the same relaxation run with another step cap (:func:`lisse.atomistic.cache.input_distance`).
        accept : callable, optional
            Only entries for which ``accept(entry)`` is true.

        Returns
        -------
        tuple of (str, dict, float) or None
            The entry's key, the entry, and its distance [Å]; None when no entry is within ``tol_A``. Every entry
            within ``tol_A`` stands for the job, so of several a converged one first, then the one with the most
            ``n_steps`` (the same relaxation run furthest, under several caps or from starts a float apart), then
            the closest; of equals, the first in the folder's sorted order.

        Raises
        ------
        ParameterError
            ``wanted`` is not the snapshot's job, or ``tol_A`` exceeds its tolerance (it would miss entries).
        """
        if wanted is not self.wanted and wanted != self.wanted:
            raise ParameterError("parameter 'wanted': this cache snapshot holds the entries near another job's input; got a different input")
        if tol_A > self.tol_A:
            raise ParameterError(f"parameter 'tol_A': at most the snapshot's {self.tol_A} A (it holds no entries further away); got {tol_A} A")
        best = None
        for key, d, is_checkpoint, same, other in self.rows:
            dist = other if other_steps else same
            if is_checkpoint != partial or dist is None or dist > tol_A or (accept is not None and not accept(d)):
                continue
            if best is None or _rank(d, dist) > _rank(best[1], best[2]):  # review s56 L2: not the nearest first
                best = (key, d, dist)
        return best


def _rank(entry: dict, dist: float) -> tuple[bool, int, float]:
    """How :meth:`JobCache.near` orders entries within its tolerance (greater is preferred)."""
    from lisse.atomistic.cache import entry_steps, stored_converged  # an old cell relaxation of unknown verdict is not converged

    return stored_converged(entry), entry_steps(entry), -dist

