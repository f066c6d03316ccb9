"""Content-hash cache of atomistic jobs (results are JSON files named by a SHA-256 of the inputs).

The key covers the calculator identity (name, model, version, settings), the task and its settings
(relaxation kind, fmax, steps, constraints) and the structure (numbers, positions and cell rounded to
1e-6 A). A rerun with identical inputs costs nothing; a workflow interrupted after some jobs resumes
from the ones already stored. Writes are atomic (temporary file + ``os.replace``). The cache folder is
lisse's own state (default ``$LISSE_CACHE`` or ``~/.cache/lisse/atomistic``), never user data.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

__all__ = ["job_key", "JobCache", "default_cache_dir"]


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
        if self.directory is None:
            return None
        p = self.directory / f"{key}.json"
        if not p.is_file():
            self.misses += 1
            return None
        try:
            d = json.loads(p.read_text())
        except (OSError, json.JSONDecodeError):
            self.misses += 1
            return None
        self.hits += 1
        return d

    def put(self, key: str, value: dict) -> None:
        if self.directory is None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=self.directory)
        with os.fdopen(fd, "w") as fh:
            json.dump(value, fh)
        os.replace(tmp, self.directory / f"{key}.json")
