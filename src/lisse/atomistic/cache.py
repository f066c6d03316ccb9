"""Content-hash keys of atomistic jobs, and the cache contract the workflows use.

The key covers the calculator identity (name, model, version, settings), the task and its settings
(relaxation kind, fmax, steps, constraints: the fixed atoms as a set) and the structure (numbers, positions and
cell rounded to 1e-6 A, a rounded zero unsigned). Entries stored before 2026-12-06 are filed under
:func:`legacy_job_key`, where a job whose key misses also looks. The workflows take any :class:`ResultCache` (``get(key)`` / ``put(key, value)``); the file-backed
one is :class:`lisse.io.atomistic_cache.JobCache` (the physics layer never opens files).

Every entry also records the inputs its key hashes (:func:`job_input`). A rounded hash is exact-match only:
a new pymatgen or numpy release that moves a built slab by 1e-6 Å gives every job downstream of it a new key,
and a resumed DFT workflow would redo hours it has already done (seen 2026-12-02: the 72-atom LiF substrate of
Ji2025's cell, 4400 s, after a fresh install). A cache that offers ``near(...)`` is therefore asked, for DFT
jobs whose key missed, for a stored job with the same calculator identity and task whose input structure lies
within :data:`NEAR_MATCH_TOL_A` (:func:`input_distance`); the job result says how far it was
(``cache_near_match_A``). A cache that also offers ``snapshot(wanted, tol_A)``, returning an object with the same
``near(...)`` over the entries within ``tol_A`` of one job read once, is read once per job
(:class:`lisse.io.atomistic_cache.JobCache`); a subclass that changes ``near`` must change ``snapshot`` with it.
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

__all__ = ["job_key", "legacy_job_key", "job_input", "input_distance", "NEAR_MATCH_TOL_A", "ResultCache", "check_job_entry", "entry_task", "entry_steps", "stored_converged"]


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

    The same calculation gives the same key however its set-like and zero-valued inputs happen to be written: the
    task's ``fixed`` atoms are hashed in ascending order, and a coordinate that rounds to zero is hashed as +0.0.
    Before 2026-12-06 both entered as given (:func:`legacy_job_key`): 1e-15 Å of float noise permuted the order in
    which a flat plane's fixed atoms were listed (an argsort of their heights), or flipped the sign of a rounded zero,
    and a stored result was computed again.

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
    as_set = _fixed_as_set(json.loads(json.dumps(task, sort_keys=True, default=_json_default)))
    return _digest(calc_identity, as_set, atoms, signed_zero=False)


def legacy_job_key(calc_identity: str, task: dict, atoms: Atoms) -> str:
    """The key :func:`job_key` gave before 2026-12-06, which entries stored until then are filed under.

    :func:`lisse.atomistic.engine.run_job` looks there when the key misses, so that no stored calculation is lost.

    Parameters
    ----------
    calc_identity : str
        :meth:`AtomisticCalculator.identity` of the calculator.
    task : dict
        The task and its settings, JSON-able (``fixed`` hashed in the order given).
    atoms : ase.Atoms
        The structure (positions and cell in Å, rounded to 1e-6 Å, the sign of a rounded zero kept).

    Returns
    -------
    str
        64 hex digits.
    """
    return _digest(calc_identity, task, atoms, signed_zero=True)


def _digest(calc_identity: str, task: object, atoms: Atoms, signed_zero: bool) -> str:
    """The hash both keys share; ``signed_zero=False`` adds +0.0 to the rounded coordinates (-0.0 + 0.0 is +0.0)."""
    def rounded(x: np.ndarray) -> bytes:
        r = np.round(np.asarray(x, dtype=float), 6)
        return (r if signed_zero else r + 0.0).tobytes()

    h = hashlib.sha256()
    h.update(calc_identity.encode())
    h.update(json.dumps(task, sort_keys=True, default=_json_default).encode())
    h.update(np.asarray(atoms.numbers, dtype=np.int64).tobytes())
    h.update(rounded(atoms.positions))
    h.update(rounded(atoms.cell.array))
    h.update(np.asarray(atoms.pbc, dtype=bool).tobytes())
    h.update(json.dumps(_fixed_indices(atoms)).encode())
    return h.hexdigest()


#: Largest difference [Å] of positions and cell at which a stored DFT job stands for one whose key missed.
#: Ten times below the positions' noise that matters: at forces up to 1 eV/Å it moves a 120-atom cell's energy
#: by at most ~0.01 eV (1 mJ/m² of W_ad on 150 Å²), and relaxations stop at 0.05 eV/Å. Assumed, not measured
#: per system: a smaller value only costs recomputation.
NEAR_MATCH_TOL_A = 1e-4


def _json_default(o: object) -> object:
    """A task setting JSON cannot write: a numpy scalar as its Python value (``np.int64(40)`` keys as ``40``, not as
    the text ``"40"``: the same job, the same key), anything else as its text."""
    return o.item() if isinstance(o, np.generic) else str(o)


def _fixed_indices(atoms: Atoms) -> list[int]:
    """Sorted indices of the atoms ``atoms``' constraints fix."""
    return sorted(int(i) for c in atoms.constraints for i in getattr(c, "index", []))


def job_input(calc_identity: str, task: dict, atoms: Atoms) -> dict:
    """The inputs :func:`job_key` hashes, as a JSON-able record stored beside the result.

    Parameters
    ----------
    calc_identity : str
        :meth:`AtomisticCalculator.identity` of the calculator.
    task : dict
        The task and its settings, JSON-able.
    atoms : ase.Atoms
        The structure (Å), with its constraints.

    Returns
    -------
    dict
        ``identity``, ``task`` (as JSON would store it), ``numbers``, ``positions`` [Å], ``cell`` [Å], ``pbc``,
        ``fixed`` (sorted indices of fixed atoms).
    """
    return {
        "identity": calc_identity,
        "task": json.loads(json.dumps(task, sort_keys=True, default=_json_default)),
        "numbers": [int(z) for z in atoms.numbers],
        "positions": np.asarray(atoms.positions, dtype=float).tolist(),
        "cell": np.asarray(atoms.cell.array, dtype=float).tolist(),
        "pbc": [bool(x) for x in atoms.pbc],
        "fixed": _fixed_indices(atoms),
    }


def _fixed_as_set(task: object) -> object:
    """``task`` with its ``fixed`` atom indices in ascending order (a copy; anything else unchanged).

    A relaxation holds a set of atoms fixed, but a job lists them in the order :func:`lisse.atomistic.slabs.layer_planes`
    found them: an argsort of heights that float noise of 1e-15 Å permutes within a flat plane. Seen 2026-12-06: the
    rebuilt LiF substrate of Ji2025's cell listed its 36 fixed atoms in another order and its 40-step DFT relaxation was
    about to run again. Entries stored before :func:`job_key` sorted them carry the order in their key and record, so
    the near lookup compares the sets.
    """
    if not isinstance(task, dict) or not isinstance(task.get("fixed"), list):
        return task
    fixed = task["fixed"]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in fixed):
        return task
    return {**task, "fixed": sorted(fixed)}


def input_distance(stored: object, wanted: dict, other_steps: bool = False) -> float | None:
    """Largest difference [Å] between two :func:`job_input` records of the same job, or None if not the same job.

    Parameters
    ----------
    stored : object
        The ``input`` record of a cache entry (anything else, e.g. an entry written before records existed,
        gives None).
    wanted : dict
        The :func:`job_input` of the job being looked up.
    other_steps : bool, optional
        Match the same relaxation run with any step cap: the task settings equal except ``steps`` (a whole number in
        both). Whether the stored run stands for the wanted one is the caller's decision (:mod:`lisse.atomistic.engine`).

    Returns
    -------
    float or None
        ``max |Δ|`` over Cartesian positions and cell vectors [Å] when identity, task (its ``fixed`` atoms compared as a
        set), atomic numbers (in order), periodicity and fixed atoms are all equal; None otherwise.
    """
    if not isinstance(stored, dict):
        return None
    for k in ("identity", "numbers", "pbc", "fixed"):
        if stored.get(k) != wanted[k]:
            return None
    task, want_task = _fixed_as_set(stored.get("task")), _fixed_as_set(wanted["task"])
    if not other_steps and task != want_task:
        return None
    if other_steps:
        if not isinstance(task, dict) or not isinstance(want_task, dict):
            return None
        if not isinstance(task.get("steps"), int) or not isinstance(want_task.get("steps"), int):
            return None
        if {k: v for k, v in task.items() if k != "steps"} != {k: v for k, v in want_task.items() if k != "steps"}:
            return None
    try:
        pos = np.asarray(stored["positions"], dtype=float)
        cell = np.asarray(stored["cell"], dtype=float)
    except (KeyError, TypeError, ValueError):
        return None
    want_pos = np.asarray(wanted["positions"], dtype=float)
    want_cell = np.asarray(wanted["cell"], dtype=float)
    if pos.shape != want_pos.shape or cell.shape != want_cell.shape:
        return None
    if not all(np.all(np.isfinite(x)) for x in (pos, cell, want_pos, want_cell)):  # a NaN would compare as "no difference"
        return None
    with np.errstate(over="ignore"):  # an overflowing difference (hand-edited 1e308) is no match, not a warning
        d = max(float(np.abs(pos - want_pos).max(initial=0.0)), float(np.abs(cell - want_cell).max()))
    return d if np.isfinite(d) else None


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


def entry_task(entry: dict) -> dict:
    """The task settings a stored entry recorded with its input (:func:`job_input`).

    Parameters
    ----------
    entry : dict
        A cache entry.

    Returns
    -------
    dict
        Its ``input.task`` (task, fmax [eV/Å], steps, ...), or an empty dict for an entry stored without a record.
    """
    task = entry.get("input", {}).get("task") if isinstance(entry.get("input"), dict) else None
    return task if isinstance(task, dict) else {}


def _unmarked_cell_at_cap(entry: dict) -> bool:
    """A cell relaxation stored before 2026-12-05 (no ``criterion``) that ended at its own step cap.

    Those entries called a cell relaxation converged on forces alone, so this one may have stopped at the cap with the
    stress unconverged: its verdict is unknown.
    """
    task = entry_task(entry)
    n, cap = entry.get("n_steps"), task.get("steps")
    return task.get("task") in ("relax_cell", "relax_z") and "criterion" not in entry and isinstance(n, int) and n == cap


def stored_converged(entry: dict) -> bool:
    """A stored relaxation's convergence: its verdict, except that an unknown one (:func:`_unmarked_cell_at_cap`) is not.

    Parameters
    ----------
    entry : dict
        A cache entry (a job result as :func:`lisse.atomistic.engine.run_job` stores it).

    Returns
    -------
    bool
        Whether the entry stands for a converged relaxation (single points store ``converged`` True).
    """
    return entry.get("converged") is True and not _unmarked_cell_at_cap(entry)


def entry_steps(entry: dict) -> int:
    """A stored relaxation's or checkpoint's ionic step count (``n_steps``), or -1 where it has none.

    Parameters
    ----------
    entry : dict
        A cache entry or checkpoint.

    Returns
    -------
    int
        ``n_steps`` [dimensionless, a count of ionic steps] when it is a whole number (not a bool), else -1.
    """
    n = entry.get("n_steps")
    return n if isinstance(n, int) and not isinstance(n, bool) else -1
