"""Content-hash keys of atomistic jobs, and the cache contract the workflows use.

The key covers the calculator identity (name, model, version, settings), the task and its settings
(relaxation kind, fmax, steps, constraints) and the structure (numbers, positions and cell rounded to
1e-6 A). The workflows take any :class:`ResultCache` (``get(key)`` / ``put(key, value)``); the file-backed
one is :class:`lisse.io.atomistic_cache.JobCache` (the physics layer never opens files).
"""

from __future__ import annotations

import hashlib
import json
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["job_key", "ResultCache"]


@runtime_checkable
class ResultCache(Protocol):
    """Where the workflows look up and store job results (JSON-serialisable dicts) by :func:`job_key`."""

    def get(self, key: str) -> dict | None: ...

    def put(self, key: str, value: dict) -> None: ...


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
