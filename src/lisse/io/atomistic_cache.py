"""Content-hash cache of atomistic jobs on disk (results are JSON files named by a SHA-256 of the inputs).

The key (:func:`lisse.atomistic.cache.job_key`) covers the calculator identity (name, model, version,
settings), the task and its settings (relaxation kind, fmax, steps, constraints) and the structure
(numbers, positions and cell rounded to 1e-6 A). A rerun with identical inputs costs nothing; a workflow
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

from lisse.io.outputs import atomic_write_text

__all__ = ["JobCache", "default_cache_dir"]


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
        dependency update). Reads every entry of the folder (entries over 16 MiB are skipped), on every miss of a
        DFT job or of its checkpoint: cheap next to a DFT calculation, but a folder shared with many ML jobs (the
        default one) is read each time; a near hit is not stored again under the new key.

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
            The entry's key, the entry, and its distance [Å]; None when no entry is within ``tol_A``. Every entry
            within ``tol_A`` stands for the job, so of several a converged one first, then the one with the most
            ``n_steps`` (the same relaxation run furthest, under several caps or from starts a float apart), then
            the closest.
        """
        from lisse.atomistic.cache import input_distance

        if self.directory is None or not self.directory.is_dir():
            return None
        best = None
        for p in sorted(self.directory.glob("*.json")):
            key = p.name[: -len(".json")]
            if key.endswith("-partial") != partial:
                continue
            try:
                if p.stat().st_size > 16 * 2**20:
                    continue
                d = json.loads(p.read_text())
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                continue
            if not isinstance(d, dict) or (accept is not None and not accept(d)):
                continue
            dist = input_distance(d.get("input"), wanted, other_steps=other_steps)
            if dist is None or dist > tol_A:
                continue
            if best is None or _rank(d, dist) > _rank(best[1], best[2]):  # review s56 L2: not the nearest first
                best = (key, d, dist)
        return best

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


def _rank(entry: dict, dist: float) -> tuple[bool, int, float]:
    """How :meth:`JobCache.near` orders entries within its tolerance (greater is preferred)."""
    from lisse.atomistic.cache import entry_steps, stored_converged  # an old cell relaxation of unknown verdict is not converged

    return stored_converged(entry), entry_steps(entry), -dist

