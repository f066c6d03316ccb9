"""Content-hash cache of atomistic jobs (results are JSON files named by a SHA-256 of the inputs).

The key covers the calculator identity (name, model, version, settings), the task and its settings
(relaxation kind, fmax, steps, constraints) and the structure (numbers, positions and cell rounded to
1e-6 A). A rerun with identical inputs costs nothing; a workflow interrupted after some jobs resumes
from the ones already stored. Writes are atomic (temporary file + ``os.replace``). The cache folder is
lisse's own state (default ``$LISSE_CACHE`` or ``~/.cache/lisse/atomistic``), never user data.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from lisse.errors import OutputError, ReaderError

__all__ = ["job_key", "JobCache", "default_cache_dir", "check_job_entry"]


def default_cache_dir() -> Path:
    return Path(os.environ.get("LISSE_CACHE", Path.home() / ".cache" / "lisse")) / "atomistic"


def job_key(calc_identity: str, task: dict, atoms) -> str:
    """SHA-256 hex digest of calculator identity + task settings + structure."""
    h = hashlib.sha256()
    h.update(calc_identity.encode())
    h.update(json.dumps(task, sort_keys=True, default=str).encode())
    h.update(np.asarray(atoms.numbers, dtype=np.int64).tobytes())
    h.update(np.round(np.asarray(atoms.positions, dtype=float), 6).tobytes())
    h.update(np.round(np.asarray(atoms.cell.array, dtype=float), 6).tobytes())
    h.update(np.asarray(atoms.pbc, dtype=bool).tobytes())
    fixed = sorted(int(i) for c in atoms.constraints for i in getattr(c, "index", []))
    h.update(json.dumps(fixed).encode())
    return h.hexdigest()


class JobCache:
    """A folder of ``<key>.json`` results. ``JobCache(None)`` is a disabled cache."""

    def __init__(self, directory: str | os.PathLike | None) -> None:
        self.directory = Path(directory) if directory is not None else None
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> dict | None:
        """The stored result for ``key``, or None (a miss; an unreadable or undecodable entry is a miss too).

        The cache stores any JSON object; :func:`check_job_entry` checks one holds a job result.
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
        """Store ``value`` under ``key`` atomically.

        Raises
        ------
        OutputError
            The cache folder cannot be created or written (the message names it).
        """
        if self.directory is None:
            return
        target = self.directory / f"{key}.json"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "w") as fh:
                    json.dump(value, fh)
                os.replace(tmp, target)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise OutputError.from_oserror(exc, target) from exc


#: Keys of a cached job result and the JSON types they must have.
ENTRY_SCHEMA: dict[str, tuple[type, ...]] = {
    "energy_eV": (int, float),
    "atoms": (dict,),
    "converged": (bool,),
    "fmax_final_eV_A": (int, float, type(None)),
    "n_steps": (int,),
    "wall_s": (int, float),
}
_ATOMS_KEYS = ("numbers", "positions", "cell", "pbc")


def check_job_entry(path: object, d: object) -> dict:
    """Return ``d`` if it is a job result as :func:`lisse.atomistic.engine.run_job` stores it.

    Raises
    ------
    ReaderError
        It is not (edited by hand, or written by another program): the message names the file ``path``.
    """
    def bad(what: str) -> ReaderError:
        return ReaderError(f"atomistic cache entry '{path}': {what}; delete the file (or run with the cache disabled) to recompute it")

    if not isinstance(d, dict):
        raise bad(f"expected a JSON object, found {type(d).__name__}")
    for k, types in ENTRY_SCHEMA.items():
        if k not in d:
            raise bad(f"expected key '{k}', found keys {sorted(d)}")
        if not isinstance(d[k], types) or (bool not in types and isinstance(d[k], bool)):
            raise bad(f"key '{k}' should be {'/'.join(t.__name__ for t in types)}, found {type(d[k]).__name__}")
    missing = [k for k in _ATOMS_KEYS if k not in d["atoms"]]
    if missing:
        raise bad(f"'atoms' lacks {missing}")
    return d
