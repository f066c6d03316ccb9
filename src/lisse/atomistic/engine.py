"""Jobs (single point / relaxation) run by a calculator, cached by content, with convergence recorded.

A :class:`Job` is a named structure plus a task. :func:`run_job` runs it with a calculator that has an
ASE calculator (ML or GPAW; BFGS for positions, FrechetCellFilter for cells) or, for
:class:`PrecomputedCalculator`, reads the matching output files. The result always records whether the
relaxation converged (final max force vs ``fmax``) — convergence is reported, never assumed.

DFT specifics (see :mod:`lisse.atomistic.calculators`): the ASE calculator is built per structure and
purpose; a relaxation whose settings differ from the energy settings (GPAW: LCAO relaxation) is followed
by a single point with the energy settings at the relaxed geometry, cached as a job of its own; and a
calculator with ``checkpoint_every > 0`` stores the geometry of a running relaxation in the cache, so a
relaxation interrupted (killed, out of time) resumes from its last geometry on the next run with the
same inputs (the optimiser's Hessian restarts from its initial guess; the step count carries over). A
relaxation that stopped unconverged at its step cap continues from its last geometry when the same job is
run with a higher cap (``steps``), instead of starting again (its step count carries over; the result
records ``continued_from``, the stored entry's key); one that converged within a job's cap is that job's
result whatever cap it ran with (a cap only ends a path early: the same start gives the same steps up to it; a
relaxation that was resumed or continued restarted its optimiser's Hessian there, so its path differs from an
uninterrupted one's, and it is still served). A cell relaxation is converged when its optimiser is (forces and
stress), not on forces alone. Where several stored runs or checkpoints qualify, the one that went furthest (most steps)
is used, and a checkpoint it overtook is removed with the job's own once the result is stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from lisse.atomistic.cache import (
    NEAR_MATCH_TOL_A,
    ResultCache,
    check_job_entry,
    entry_steps,
    entry_task,
    job_input,
    job_key,
    legacy_job_key,
    stored_converged,
)
from lisse.atomistic.calculators import AtomisticCalculator, PrecomputedCalculator
from lisse.errors import CalculationError, ParameterError, requires

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ase import Atoms  # ase is imported at run time only by the functions that need it

__all__ = ["Job", "JobResult", "run_job", "atoms_to_dict", "atoms_from_dict", "TASKS", "TASK_PURPOSE", "output_converged"]

TASKS = ("single", "relax", "relax_cell", "relax_z")
#: The calculator purpose of each task (``Job.purpose`` overrides it).
TASK_PURPOSE = {"single": "energy", "relax": "relax", "relax_cell": "relax_cell", "relax_z": "relax_cell"}


@dataclass
class Job:
    """A named calculation. ``fixed`` are atom indices held fixed during position relaxation.

    Parameters
    ----------
    name : str
        Job name (unique within a workflow; the DFT sub-folder name).
    atoms : ase.Atoms
        The structure (positions and cell in Å).
    task : {"single", "relax", "relax_cell", "relax_z"}, default "single"
        Single point, position relaxation, full cell relaxation, or cell height only.
    fmax : float, default 0.05
        Force convergence of relaxations [eV/Å].
    steps : int, default 200
        Maximum number of optimiser steps.
    fixed : tuple of int, default ()
        Index of each atom held fixed.
    purpose : {None, "relax", "relax_cell", "scan", "energy"}, default None
        The calculator purpose (:data:`lisse.atomistic.calculators.PURPOSES`); None: the task's
        (:data:`TASK_PURPOSE`). ``"scan"``: a cheap single point that only ranks structures.

    Raises
    ------
    ParameterError
        Unknown ``task`` or ``purpose``, ``fmax`` <= 0 or ``steps`` < 0.
    """

    name: str
    atoms: Atoms
    task: str = "single"
    fmax: float = 0.05
    steps: int = 200
    fixed: tuple[int, ...] = ()
    purpose: str | None = None

    def __post_init__(self) -> None:
        from lisse.atomistic.calculators import PURPOSES

        if self.task not in TASKS:
            raise ParameterError(f"job '{self.name}': task must be one of {TASKS}; got {self.task!r}")
        if self.purpose is not None and self.purpose not in PURPOSES:
            raise ParameterError(f"job '{self.name}': purpose must be None or one of {PURPOSES}; got {self.purpose!r}")
        if not (self.fmax > 0 and self.steps >= 0):
            raise ParameterError(f"job '{self.name}': fmax must be > 0 eV/A and steps >= 0; got {self.fmax}, {self.steps}")

    def settings(self) -> dict:
        """The task settings that enter the cache key.

        Returns
        -------
        dict
            ``task``, ``fmax`` [eV/Å], ``steps``, ``fixed`` (and ``purpose`` when set).
        """
        d: dict = {"task": self.task, "fmax": self.fmax, "steps": self.steps, "fixed": list(self.fixed)}
        if self.purpose is not None:  # only when set: the keys of jobs without a purpose stay as they were
            d["purpose"] = self.purpose
        return d

    def resolved_purpose(self) -> str:
        """The calculator purpose of this job.

        Returns
        -------
        str
            ``purpose`` if set, else the task's (:data:`TASK_PURPOSE`).
        """
        return self.purpose or TASK_PURPOSE[self.task]


@dataclass
class JobResult:
    """The outcome of one job (units in the names; ASE units: eV, Å).

    Parameters
    ----------
    name : str
        The job's name.
    energy_eV : float
        Total energy [eV].
    atoms : ase.Atoms
        The final structure (Å).
    converged : bool
        Whether the relaxation reached ``fmax`` (True for single points).
    fmax_final_eV_A : float
        Largest final force [eV/Å] (NaN for single points).
    n_steps : int
        Number of optimiser steps taken.
    wall_s : float
        Wall time [s] (0 when cached or read from files).
    cached : bool
        Whether the result came from the cache.
    calculator : dict
        :class:`~lisse.atomistic.calculators.CalculatorInfo` as a dict.
    settings : dict, optional
        The job's settings (:meth:`Job.settings`).
    relax_energy_eV : float or None, optional
        Energy [eV] with the relaxation's own settings, when the reported ``energy_eV`` was recomputed with
        the energy settings (GPAW: LCAO relaxation energy beside the plane-wave energy); None otherwise.
    resumed_from_step : int, optional
        Number of steps already done by an interrupted run this one continued (0: a fresh start).
    prerelax : dict or None, optional
        The ML pre-relaxation this job started from (``calculator``, ``n_steps``, ``converged``, ``wall_s``), or None.
    cache_near_match_A : float or None, optional
        When the cache served a stored job whose input differed from this one's by float noise, the largest
        difference [Å] (at most :data:`lisse.atomistic.cache.NEAR_MATCH_TOL_A`); None for an exact key or no cache.
    continued_from : str or None, optional
        Cache key of the stored relaxation, stopped unconverged at a lower step cap, that this run continued; None
        otherwise.
    """
    name: str
    energy_eV: float
    atoms: Atoms
    converged: bool
    fmax_final_eV_A: float
    n_steps: int
    wall_s: float
    cached: bool
    calculator: dict
    settings: dict = field(default_factory=dict)
    relax_energy_eV: float | None = None
    resumed_from_step: int = 0
    prerelax: dict | None = None
    cache_near_match_A: float | None = None
    continued_from: str | None = None

    @property
    def ranking_energy_eV(self) -> float:
        """The energy with the relaxation's own settings (for comparisons with ``"scan"`` single points) [eV].

        Returns
        -------
        float
            ``relax_energy_eV`` when set, else ``energy_eV``.
        """
        return self.energy_eV if self.relax_energy_eV is None else self.relax_energy_eV

    def summary(self) -> dict:
        """JSON-able summary (unit-suffixed keys, no structure).

        Returns
        -------
        dict
            ``name``, ``energy_eV``, ``n_atoms``, ``converged``, ``fmax_final_eV_A``, ``n_steps``, ``wall_s``, ``cached``;
            plus ``relax_energy_eV``, ``resumed_from_step``, ``continued_from``, ``prerelax`` and ``cache_near_match_A``
            when they apply.
        """
        d = {
            "name": self.name,
            "energy_eV": self.energy_eV,
            "n_atoms": len(self.atoms),
            "converged": self.converged,
            "fmax_final_eV_A": self.fmax_final_eV_A,
            "n_steps": self.n_steps,
            "wall_s": self.wall_s,
            "cached": self.cached,
        }
        if self.relax_energy_eV is not None:
            d["relax_energy_eV"] = self.relax_energy_eV
        if self.resumed_from_step:
            d["resumed_from_step"] = self.resumed_from_step
        if self.continued_from is not None:
            d["continued_from"] = self.continued_from
        if self.prerelax is not None:
            d["prerelax"] = self.prerelax
        if self.cache_near_match_A is not None:
            d["cache_near_match_A"] = self.cache_near_match_A
        return d


def atoms_to_dict(a: Atoms) -> dict:
    """A structure as JSON-able lists (the cache format).

    Parameters
    ----------
    a : ase.Atoms
        The structure.

    Returns
    -------
    dict
        ``numbers``, ``positions`` [Å], ``cell`` [Å], ``pbc``.
    """
    return {"numbers": a.numbers.tolist(), "positions": a.positions.tolist(), "cell": a.cell.array.tolist(), "pbc": [bool(x) for x in a.pbc]}


def atoms_from_dict(d: dict, template: Atoms | None = None) -> Atoms:
    """Rebuild a structure from :func:`atoms_to_dict` output.

    Parameters
    ----------
    d : dict
        ``numbers``, ``positions`` [Å], ``cell`` [Å], ``pbc``.
    template : ase.Atoms, optional
        Copy ``info`` and constraints from it.

    Returns
    -------
    ase.Atoms
        The structure.
    """
    from ase import Atoms

    a = Atoms(numbers=d["numbers"], positions=d["positions"], cell=d["cell"], pbc=d["pbc"])
    if template is not None:
        a.info = dict(template.info)
        a.set_constraint([c.copy() for c in template.constraints])
    return a


def _max_force(atoms) -> float:
    f = atoms.get_forces()
    return float(np.sqrt((f**2).sum(axis=1)).max()) if len(f) else 0.0


def output_converged(meta: dict, task: str, fmax_target_eV_A: float) -> bool:
    """Whether a DFT job read back from its output files reached its minimum: the one rule for files.

    The output's own verdict where it gives one (vasprun.xml's ``converged``); a single point is converged; otherwise
    (OUTCAR, pw.x) the last image's largest force ``meta["fmax"]`` [eV/Å] against the criterion the decks were written
    with (``meta["fmax_target_eV_A"]``, :meth:`lisse.io.dft_decks.DFTFromFiles.read`), else ``fmax_target_eV_A``. A
    relaxation is never converged by default (review s48: OUTCAR and pw.x were, even at 0.8 eV/Å against 0.01), and an
    unknown (NaN) force is not converged.

    Parameters
    ----------
    meta : dict
        The reader's metadata (:func:`lisse.io.dft_decks.read_output`): ``fmax`` [eV/Å], optionally ``converged`` and
        ``fmax_target_eV_A`` [eV/Å].
    task : str
        The job's task (``"single"``, ``"relax"``, ``"relax_cell"``, ``"relax_z"``).
    fmax_target_eV_A : float
        The force criterion [eV/Å] used when the meta carries none.

    Returns
    -------
    bool
        True when the job reached its minimum (or was a single point).
    """
    if "converged" in meta:
        return bool(meta["converged"])
    if task == "single":
        return True
    fmax = float(meta.get("fmax", float("nan")))
    return bool(np.isfinite(fmax) and fmax <= float(meta.get("fmax_target_eV_A", fmax_target_eV_A)))


def _near_lookup(cache: ResultCache, inputs: dict) -> Callable[..., tuple[str, dict, float] | None] | None:
    """The cache's ``near`` for one job, reading the folder at most once (review s57 Low: up to five reads per miss).

    A cache with ``snapshot`` (:mod:`lisse.atomistic.cache`'s optional pair; :class:`lisse.io.atomistic_cache.JobCache`)
    is read on the first question and the later ones are answered from that read (nothing is written between them);
    one with only ``near`` is asked each time; one with neither has no near lookup (None).
    """
    near = getattr(cache, "near", None)
    take = getattr(cache, "snapshot", None)
    if near is None or take is None:
        return near
    taken: list = []  # the snapshot, once taken

    def near_once(wanted: dict, tol_A: float, partial: bool = False, other_steps: bool = False,
                  accept: Callable[[dict], bool] | None = None) -> tuple[str, dict, float] | None:
        if not taken:
            taken.append(take(inputs, NEAR_MATCH_TOL_A))
        return taken[0].near(wanted, tol_A, partial=partial, other_steps=other_steps, accept=accept)

    return near_once


@requires("ase", "pymatgen", feature="running atomistic jobs")
def run_job(calc: AtomisticCalculator, job: Job, cache: ResultCache | None = None) -> JobResult:
    """Run ``job`` with ``calc`` (or read it back for DFT-from-files), using ``cache`` if given.

    Parameters
    ----------
    calc : AtomisticCalculator
        The calculator (ML, or a :class:`~lisse.atomistic.calculators.PrecomputedCalculator` for DFT files).
    job : Job
        The job.
    cache : ResultCache, optional
        Result cache (keyed by :func:`lisse.atomistic.cache.job_key`).

    Returns
    -------
    JobResult
        Energy [eV], final structure and convergence.

    Raises
    ------
    MissingDependencyError
        ase or pymatgen is not installed.
    CalculationError
        A DFT output's composition differs from the job's.
    ReaderError
        A cache entry is malformed.
    """
    if isinstance(calc, PrecomputedCalculator):
        energy, final, meta = calc.read(job.name)
        if sorted(final.numbers.tolist()) != sorted(np.asarray(job.atoms.numbers).tolist()):
            raise CalculationError(f"DFT output for job '{job.name}' has composition {final.get_chemical_formula()}, the job has {job.atoms.get_chemical_formula()}")
        final.info = dict(job.atoms.info)
        fmax = float(meta.get("fmax", float("nan")))
        conv = output_converged(meta, job.task, job.fmax)
        return JobResult(job.name, energy, final, conv, fmax, int(meta.get("n_steps", 0)), 0.0, False, calc.info.as_dict(), job.settings())

    from ase.constraints import FixAtoms

    atoms = job.atoms.copy()
    if job.fixed:
        atoms.set_constraint(FixAtoms(indices=list(job.fixed)))
    task_settings = job.settings()
    if calc.info.kind != "dft":
        task_settings.pop("purpose", None)  # ML backends ignore the purpose: their keys stay as before it existed
    key = job_key(calc.identity(), task_settings, atoms)
    old_key = legacy_job_key(calc.identity(), task_settings, atoms)  # where entries stored before 2026-12-06 are filed
    inputs = job_input(calc.identity(), task_settings, atoms)
    # DFT jobs whose key missed may stand for a stored one a dependency update moved by float noise (lisse.atomistic.cache)
    near = _near_lookup(cache, inputs) if cache is not None and calc.info.kind == "dft" else None
    if cache is not None:
        hit, hit_key, near_A = cache.get(key), key, None
        if hit is None and old_key != key:
            hit, hit_key = cache.get(old_key), old_key
        if near is not None:
            found = near(inputs, NEAR_MATCH_TOL_A) if hit is None else None
            current = hit if hit is not None else (found[1] if found is not None else None)
            if job.task != "single" and not (isinstance(current, dict) and stored_converged(current)):
                # the same relaxation, another cap, converged within this one's: before an unconverged one of this cap
                # (exact or near; a converged one of another path: a resumed run restarted its optimiser's Hessian)
                found = near(inputs, NEAR_MATCH_TOL_A, other_steps=True, accept=lambda d: _converged_within(d, job.steps)) or found
            if found is not None:
                hit_key, hit, near_A = found
        if hit is not None:
            where = getattr(cache, "directory", None)  # the file-backed cache names the file; any other, the key
            check_job_entry(where / f"{hit_key}.json" if where is not None else hit_key, hit)
            return JobResult(job.name, hit["energy_eV"], atoms_from_dict(hit["atoms"], atoms), stored_converged(hit), hit["fmax_final_eV_A"], hit["n_steps"],
                             hit["wall_s"], True, calc.info.as_dict(), job.settings(), hit.get("relax_energy_eV"), int(hit.get("resumed_from_step", 0)),
                             cache_near_match_A=near_A, continued_from=_str_or_none(hit.get("continued_from")))
    t0 = time.perf_counter()
    purpose = job.resolved_purpose()
    done = 0
    continued_from = None
    every = int(getattr(calc, "checkpoint_every", 0) or 0) if job.task != "single" else 0
    part_key = f"{key}-partial"
    stale_part_keys = [part_key]
    if cache is not None and every > 0:
        # where this relaxation may go on from: its checkpoint (kind True; also one of the same relaxation under another
        # cap, short of this one's: the same path) or a stored run of it stopped unconverged at a lower cap (kind False)
        starts = []
        for own_key in dict.fromkeys((part_key, f"{old_key}-partial")):  # a checkpoint written under the legacy key too
            own = cache.get(own_key)
            if own is not None:
                starts.append((own_key, own, True))
        if near is not None:  # usable geometries only, tested before near ranks them (an unusable one would hide the rest)
            for found, kind in ((near(inputs, NEAR_MATCH_TOL_A, partial=True, accept=lambda d: _resumable(d, atoms)), True),
                                (near(inputs, NEAR_MATCH_TOL_A, partial=True, other_steps=True,
                                      accept=lambda d: _short_of(d, job.steps) and _resumable(d, atoms)), True),
                                (near(inputs, NEAR_MATCH_TOL_A, other_steps=True,
                                      accept=lambda d: _stopped_below(d, job.steps) and _resumable(d, atoms)), False)):
                if found is not None:
                    starts.append((found[0], found[1], kind))
        usable = [start for start in starts if _resumable(start[1], atoms)]  # the job's own checkpoint may not be
        if usable:  # the one that went furthest (review s56 L1); of equals, the checkpoint (it may continue the stored run)
            start_key, part, is_checkpoint = max(usable, key=lambda start: (entry_steps(start[1]), start[2]))
            continued_from = _str_or_none(part.get("continued_from")) if is_checkpoint else start_key
            done = _resume(part, atoms, job)
        stale_part_keys += [k for k, _, kind in starts if kind and k != part_key]  # behind this job once its result is stored
    token = calc.prepare(atoms)
    atoms.calc = calc.ase_calculator(atoms=atoms, purpose=purpose)
    opt_converged = True
    try:
        n_steps = done
        if job.task != "single":
            from ase.optimize import BFGS

            if job.task == "relax":
                opt = BFGS(atoms, logfile=None)
            else:
                from ase.filters import FrechetCellFilter

                mask = [0, 0, 1, 0, 0, 0] if job.task == "relax_z" else None  # relax_z: only the cell height (periodic interfaces)
                opt = BFGS(FrechetCellFilter(atoms, mask=mask), logfile=None)  # type: ignore[arg-type]  # ase's hint says Atoms; a Filter is the documented use
            if cache is not None and every > 0:
                def checkpoint() -> None:  # the geometry of the running relaxation, in the job's own frame
                    a = atoms.copy()
                    calc.restore(a, token)
                    point = {"atoms": atoms_to_dict(a), "n_steps": done + int(opt.nsteps), "job": job.name, "partial": True, "input": inputs}
                    if continued_from is not None:
                        point["continued_from"] = continued_from
                    cache.put(part_key, point)

                opt.attach(checkpoint, interval=every)
            opt_converged = bool(opt.run(fmax=job.fmax, steps=max(0, job.steps - done)))
            n_steps = done + int(opt.nsteps)
        energy = float(atoms.get_potential_energy())
        fm = _max_force(atoms) if job.task != "single" else float("nan")
    finally:  # a DFT code's process and memory go with the calculation, also when it fails (AtomisticCalculator.release)
        release = getattr(calc, "release", None)  # calculators written to the older contract have none
        if release is not None:
            release(atoms.calc)
    conv = True if job.task == "single" else bool(fm <= job.fmax * 1.0001)
    if job.task in ("relax_cell", "relax_z"):  # the cell filter's own criterion includes the stress (review s55 H1)
        conv = conv and opt_converged
    atoms.calc = None
    calc.restore(atoms, token)
    relax_energy = None
    if job.task != "single" and calc.final_single_point(purpose):
        sp = run_job(calc, Job(f"{job.name}_energy", atoms, "single", purpose="energy"), cache)
        relax_energy, energy = energy, sp.energy_eV
    wall = time.perf_counter() - t0
    res = JobResult(job.name, energy, atoms, conv, fm, n_steps, wall, False, calc.info.as_dict(), job.settings(), relax_energy, done,
                    continued_from=continued_from if done else None)
    if cache is not None:
        entry = {"energy_eV": energy, "atoms": atoms_to_dict(atoms), "converged": conv, "fmax_final_eV_A": fm, "n_steps": n_steps, "wall_s": wall,
                 "calculator": calc.info.as_dict(), "job": job.name, "input": inputs}
        if job.task != "single":
            entry["criterion"] = "optimizer"  # converged by the optimiser's own test (stress included): see stored_converged
        if relax_energy is not None:
            entry["relax_energy_eV"] = relax_energy
        if done:
            entry["resumed_from_step"] = done
        if continued_from is not None and done:
            entry["continued_from"] = continued_from
        cache.put(key, entry)
        discard = getattr(cache, "discard", None)  # optional in the ResultCache protocol (get/put)
        if every > 0 and discard is not None:
            for k in stale_part_keys:  # the checkpoint is stale once the final result is stored
                discard(k)
    return res


def _converged_within(entry: dict, steps: int) -> bool:
    """Whether a stored relaxation converged in at most ``steps`` ionic steps (so a job capped at ``steps`` ends there)."""
    n = entry.get("n_steps")
    return stored_converged(entry) and isinstance(n, int) and n <= steps


def _stopped_below(entry: dict, steps: int) -> bool:
    """Whether a stored relaxation stopped unconverged (or of unknown verdict) at a step cap below ``steps``."""
    cap = entry_task(entry).get("steps")
    return not stored_converged(entry) and isinstance(cap, int) and cap < steps


def _str_or_none(x: object) -> str | None:
    return x if isinstance(x, str) else None


def _short_of(entry: dict, steps: int) -> bool:
    """Whether a relaxation checkpoint has taken fewer than ``steps`` steps (so a job capped at ``steps`` goes on from it)."""
    return 0 <= entry_steps(entry) < steps


def _stored_atoms(part: object, atoms):
    """A stored relaxation's or checkpoint's geometry if it can stand for ``atoms`` (same atoms in order), else None."""
    if not isinstance(part, dict) or not isinstance(part.get("atoms"), dict) or entry_steps(part) < 0:
        return None
    try:
        a = atoms_from_dict(part["atoms"])
    except (KeyError, TypeError, ValueError):
        return None
    return a if a.numbers.tolist() == atoms.numbers.tolist() and len(a) == len(atoms) else None


def _resumable(part: object, atoms) -> bool:
    """Whether a relaxation can go on from ``part`` (a checkpoint or stored result of it with a usable geometry)."""
    return _stored_atoms(part, atoms) is not None


def _resume(part: dict, atoms, job: Job) -> int:
    """Put a stored partial relaxation's geometry into ``atoms``; return its step count (0: none usable)."""
    a = _stored_atoms(part, atoms)
    if a is None:
        return 0
    atoms.set_cell(a.cell, scale_atoms=False)
    atoms.positions = a.positions
    return max(0, min(entry_steps(part), job.steps))
