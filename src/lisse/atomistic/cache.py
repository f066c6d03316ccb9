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

from lisse.errors import ReaderError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ase import Atoms  # ase is imported at run time only inside the functions that need it

__all__ = ["job_key", "ResultCache", "check_job_entry"]


@runtime_checkable
class ResultCache(Protocol):
    """Where the workflows look up and store job results (JSON-serialisable dicts) by :func:`job_key`."""

    def get(self, key: str) -> dict | None:
        """The stored result for ``key``, or None on a miss.

        Parameters
        ----------
        key : str
            The job's content hash (:func:`job_key`).

        Returns
        -------
        dict or None
            The stored result (energies in eV, as :func:`lisse.atomistic.engine.run_job` stores them), or None.
        """
        ...

    def put(self, key: str, value: dict) -> None:
        """Store ``value`` under ``key``.

        Parameters
        ----------
        key : str
            The job's content hash (:func:`job_key`).
        value : dict
            JSON-serialisable result.
        """
        ...


def job_key(calc_identity: str, task: dict, atoms: Atoms) -> str:
    """SHA-256 hex digest of calculator identity + task settings + structure.

    Parameters
    ----------
    calc_identity : str
        :meth:`AtomisticCalculator.identity` of the calculator.
    task : dict
        The task and its settings (relaxation kind, fmax [eV/Å], steps, ...), JSON-able.
    atoms : ase.Atoms
        The structure (positions and cell in Å, rounded to 1e-6 Å for the key).

    Returns
    -------
    str
        64 hex digits.
    """
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

    Parameters
    ----------
    path : object
        Where the entry came from (named in the message).
    d : object
        The decoded JSON entry.

    Returns
    -------
    dict
        ``d``, checked against :data:`ENTRY_SCHEMA` (energies in eV, forces in eV/Å, times in s).

    Raises
    ------
    ReaderError
        It is not (edited by hand, or written by another program): the message names the file ``path``.
    """
    def bad(what: str) -> ReaderError:
        return ReaderError(f"atomistic cache entry '{path}': {what}; delete it (or run with the cache disabled) to recompute it")

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
