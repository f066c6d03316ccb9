"""Workflows: bulk, surface energy, work of adhesion + contact angle, interface energy (strain fit),
segregation and adsorption — every result with provenance, sanity checks and convergence checks.

Energies inside one workflow always come from ONE calculator (checked). ML results carry the
calculator's stated error from the shipped accuracy table (:mod:`lisse.atomistic.accuracy`).
Units: energies eV and lengths A internally (ASE), converted to SI (J/m2) for the :mod:`lisse.thermo`
formulas and in all reported ``*_J_m2`` keys.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.atomistic.cache import ResultCache
from lisse.atomistic.calculators import (
    AtomisticCalculator,
    PrecomputedCalculator,
    check_same_calculator,
    get_calculator,
    is_long_range,
)
from lisse.atomistic.engine import Job, JobResult, atoms_to_dict, run_job
from lisse.atomistic.interfaces import (
    STRAIN_SIDES,
    build_interface,
    check_strain_side,
    lattice_matches,
    registry_shifts,
    strain_on,
)
from lisse.atomistic.sanity import check_distances, check_energy_per_atom, check_slab, vacuum_thickness
from lisse.atomistic.slabs import (
    check_layers,
    check_miller,
    layer_planes,
    make_slab,
    plane_profile,
    same_plane_profile,
    set_vacuum,
)
from lisse.atomistic.structures import bulk as build_bulk
from lisse.atomistic.structures import check_material, material_label
from lisse.citations import Citation, add, register
from lisse.constants import ELEMENTARY_CHARGE
from lisse.errors import CalculationError, ParameterError, requires
from lisse.params import check_count

if TYPE_CHECKING:
    from ase import Atoms

__all__ = [
    "EV_PER_A2_TO_J_PER_M2",
    "WorkflowContext",
    "relax_bulk",
    "surface_energy_workflow",
    "adhesion_workflow",
    "adhesion_problems",
    "film_gap_check",
    "GAP_CHECK_STEP_A",
    "GAP_CHECK_GAIN_J_M2",
    "GAP_CHECK_MAX_MOVE_A",
    "slab_reference_rows",
    "slab_reference_jobs",
    "slab_reference_table",
    "slab_reference_warnings",
    "common_cell_jobs",
    "SLAB_REFERENCES",
    "interface_energy_workflow",
    "segregation_workflow",
    "adsorption_workflow",
    "adhesion_jobs",
    "ml_construction",
    "ML_RESULT_KEYS",
    "provenance",
    "level_of",
    "method_keys",
    "ROW_TOLERANCES_J_M2",
    "surface_row_rel_tol",
    "ML_LEVEL",
]

#: 1 eV/A^2 in J/m^2.
EV_PER_A2_TO_J_PER_M2 = ELEMENTARY_CHARGE / 1e-20


@dataclass
class WorkflowContext:
    """Calculator + cache + a log of every job run (for provenance and timing).

    Parameters
    ----------
    calculator : AtomisticCalculator
        The one calculator of the workflow.
    cache : ResultCache, optional
        Job result cache.
    jobs : list of JobResult, optional
        Log of the jobs run so far.
    t0 : float, optional
        Start time [s] (``time.perf_counter``), for the wall time in provenance.
    on_job : callable, optional
        ``on_job(result)`` after every job (progress reporting); never prints itself.
    prerelax : AtomisticCalculator, optional
        An ML calculator that relaxes every relaxation job first; the main (DFT) calculator then relaxes from
        the ML geometry ("ML as the accelerator"). Its jobs are logged in ``prerelax_jobs``, never mixed with
        the main calculator's energies.
    prerelax_jobs : list of JobResult, optional
        Log of the pre-relaxations.
    prerelax_steps : int, optional
        Largest number of optimiser steps of the pre-relaxations of the workflow's relaxations (None: each job's own
        ``steps``); a job run with its own pre-relaxation cap (:meth:`run`'s ``prerelax_cap``: the bulk relaxations)
        keeps it. A DFT relaxation continued with more ``steps`` starts from the same ML geometry only if the
        pre-relaxation's cap is unchanged.
    """

    calculator: AtomisticCalculator
    cache: ResultCache | None = None
    jobs: list[JobResult] = field(default_factory=list)
    t0: float = field(default_factory=time.perf_counter)
    on_job: Any = None  # optional callback(JobResult) for progress reporting (CLI); never prints itself
    prerelax: AtomisticCalculator | None = None
    prerelax_jobs: list[JobResult] = field(default_factory=list)
    prerelax_steps: int | None = None

    def run(self, job: Job, prerelax_cap: int | None = None, skip_prerelax: bool = False) -> JobResult:
        """Run ``job`` with the context's calculator and cache (after an ML pre-relaxation when set), and log it.

        Parameters
        ----------
        job : Job
            The job.
        prerelax_cap : int, optional
            This job's own cap on the number of the pre-relaxation's optimiser steps, over the context's ``prerelax_steps`` (a bulk
            relaxation's pre-relaxation keeps its cap whatever ``prerelax_steps`` the workflow runs with, so its
            DFT start, and every job built on the bulk, stays the same). None: ``prerelax_steps``, else ``job.steps``.
        skip_prerelax : bool, default False
            Run the job from its own geometry, without the pre-relaxation (a start moved on purpose from a relaxed one,
            :func:`film_gap_check`, which the ML pre-relaxation would move back).

        Returns
        -------
        JobResult
            Energy [eV], final structure and convergence (``prerelax`` says what the ML step did).
        """
        pre = None
        if self.prerelax is not None and job.task != "single" and not skip_prerelax:
            from dataclasses import replace

            cap = prerelax_cap if prerelax_cap is not None else job.steps if self.prerelax_steps is None else self.prerelax_steps
            p = run_job(self.prerelax, replace(job, name=f"{job.name}_prerelax", purpose=None, steps=cap), self.cache)
            self.prerelax_jobs.append(p)
            start = p.atoms.copy()
            start.set_constraint()
            start.info = dict(job.atoms.info)
            job = replace(job, atoms=start)
            pre = {"calculator": self.prerelax.label(), "n_steps": p.n_steps, "converged": p.converged, "wall_s": p.wall_s, "cached": p.cached}
        r = run_job(self.calculator, job, self.cache)
        r.prerelax = pre
        self.jobs.append(r)
        if self.on_job is not None:
            self.on_job(r)
        return r


def _for_formula(calc: AtomisticCalculator, phases) -> AtomisticCalculator:
    """``calc`` with its per-structure choices (GPAW: spin) fixed once from the bulk phases of the formula."""
    if not phases or calc.info.kind != "dft":  # ML backends have no per-structure settings: no bulk to build
        return calc
    return calc.for_formula([build_bulk(p, primitive=True) if isinstance(p, str) else p for p in phases])


def _ctx(calculator, cache, prerelax=None, phases=(), prerelax_steps: int | None = None) -> WorkflowContext:
    """The workflow context; ``phases`` (library names, files or ase.Atoms) fix the calculator's per-formula settings."""
    if isinstance(calculator, WorkflowContext):
        if prerelax is not None or prerelax_steps is not None:  # the context carries its own; silently dropping these misleads
            raise ParameterError(f"parameters 'prerelax' and 'prerelax_steps' are set on the WorkflowContext passed as calculator; got "
                                 f"prerelax={prerelax!r}, prerelax_steps={prerelax_steps!r} beside one")
        if not calculator.jobs:  # an outer workflow already decided (its calculator is fixed): no change then
            calculator.calculator = _for_formula(calculator.calculator, phases)
        return calculator
    c = _for_formula(get_calculator(calculator), phases)
    if cache is not None and not isinstance(cache, ResultCache):
        raise ParameterError(f"cache must be None or a result cache with get/put (e.g. lisse.io.atomistic_cache.JobCache(folder)); got {cache!r}")
    pre = None
    if prerelax is not None:
        pre = get_calculator(prerelax)
        if pre.info.kind != "ml" or c.info.kind != "dft":
            raise ParameterError(f"parameter 'prerelax' must name an ML calculator that pre-relaxes for a DFT one; got prerelax={prerelax!r} "
                                 f"for calculator {c.label()!r}")
    if prerelax_steps is not None:
        if pre is None:
            raise ParameterError(f"parameter 'prerelax_steps' applies with a pre-relaxation (prerelax); got prerelax_steps={prerelax_steps!r} without one")
        if isinstance(prerelax_steps, bool) or not isinstance(prerelax_steps, int) or not 0 <= prerelax_steps <= 100_000:
            raise ParameterError(f"parameter 'prerelax_steps' must be a whole number from 0 to 100000; got {prerelax_steps!r}")
    return WorkflowContext(c, cache, prerelax=pre, prerelax_steps=prerelax_steps)


def level_of(ctx: WorkflowContext) -> str | None:
    """The DFT level of the context's calculator (None for ML calculators).

    Parameters
    ----------
    ctx : WorkflowContext
        The context.

    Returns
    -------
    str or None
        E.g. ``"screening"``.
    """
    return ctx.calculator.info.settings.get("level") if ctx.calculator.info.kind == "dft" else None


def method_keys(ctx: WorkflowContext, rows: list[dict] | None = None, note: str | None = None) -> dict:
    """The keys every workflow output carries: ``calculator``, ``level``, ``convergence`` (rows) and a note.

    Parameters
    ----------
    ctx : WorkflowContext
        The context the workflow ran in.
    rows : list of dict, optional
        Convergence rows ``{quantity, parameter, value, result, change, tolerance, converged}``.
    note : str, optional
        What the rows cover (and what they do not).

    Returns
    -------
    dict
        ``calculator`` (label), ``level`` (the DFT level; ``"ml-screening"`` for an ML calculator, whose stated error
        against DFT is the output's ``uncertainty``), ``convergence``, ``convergence_note``, ``prerelax``,
        ``spin_polarised`` (DFT: the one spin choice of every structure of the formula; None for ML), ``relax_mode``
        (GPAW: the basis of position relaxations and rigid scans, "pw" or "lcao", whose forces judge ``converged``;
        the energies are plane-wave single points either way; None for ML and CP2K), ``dispersion`` (``"d3"`` when
        the calculator adds Grimme's D3: DFT or ML + D3; None without). ``prerelax`` (None without one) gives the ML
        pre-relaxer, its steps, its ``step_cap`` (None: each relaxation's own ``steps``), its ``dispersion`` and,
        when that differs from the DFT calculator's, a ``dispersion_note``.
    """
    pre = None
    if ctx.prerelax is not None:
        dft_steps = sum(j.n_steps for j in ctx.jobs if j.prerelax is not None)
        pre = {"calculator": ctx.prerelax.label(), "ml_steps": sum(j.n_steps for j in ctx.prerelax_jobs), "dft_steps_after_prerelax": dft_steps,
               "step_cap": ctx.prerelax_steps,
               "n_relaxations": sum(1 for j in ctx.jobs if j.prerelax is not None),
               "dispersion": ctx.prerelax.info.settings.get("dispersion")}
        d_pre, d_dft = pre["dispersion"], ctx.calculator.info.settings.get("dispersion")
        if d_pre != d_dft:  # review s48: D3 pulls a film ~0.3 A closer; the DFT relaxation starts from the other basin
            pre["dispersion_note"] = (f"the pre-relaxation ({d_pre or 'no dispersion'}) and the DFT calculator ({d_dft or 'no dispersion'}) "
                                      "differ in dispersion: the DFT relaxation starts from a geometry relaxed without its own "
                                      "dispersion balance and may stop in the pre-relaxer's basin (a film gap set by it); "
                                      f"pre-relax with {'an ML calculator + d3' if d_dft else 'one without d3'} to match")
    info = ctx.calculator.info
    dft = info.kind == "dft"
    return {"calculator": ctx.calculator.label(), "level": level_of(ctx) if dft else ML_LEVEL, "convergence": list(rows or []),
            "convergence_note": note or "", "prerelax": pre, "spin_polarised": info.settings.get("spin") if dft else None,
            "relax_mode": info.settings.get("relax_mode") if dft else None, "dispersion": info.settings.get("dispersion")}


def _row(quantity: str, parameter: str, value: Any, result: float, change: float | None, tolerance: float | None) -> dict:
    """One convergence row (the format of :mod:`lisse.atomistic.convergence`)."""
    conv = None if change is None or tolerance is None else bool(abs(change) <= tolerance)
    return {"quantity": quantity, "parameter": parameter, "value": value, "result": result, "change": change, "tolerance": tolerance, "converged": conv}


#: The ``level`` of a result from an ML calculator: screening grade, with the stated error of the accuracy table.
ML_LEVEL = "ml-screening"

#: Tolerances of the convergence rows the workflows compute themselves, per level (J/m2); ML: the screening ones.
ROW_TOLERANCES_J_M2 = {"test": 0.05, "screening": 0.02, "publication": 0.005}
def surface_row_rel_tol(level: str | None) -> float:
    """Relative tolerance of a surface-energy row (fraction of |gamma|): the level's ``surface_energy_rel_tol``.

    One home with :data:`lisse.atomistic.convergence.LEVELS` (and ``TEST_LEVEL``); an unknown level or an ML calculator
    gets the screening one. An absolute 0.02 J/m2 was 15 % of LiCl(100)'s 0.13 J/m2 (review s41).

    Parameters
    ----------
    level : str or None
        The calculator's level (``"test"``, ``"screening"``, ``"publication"``; None for an ML calculator).

    Returns
    -------
    float
        The tolerance as a fraction of the row's surface energy (dimensionless).
    """
    from lisse.atomistic.convergence import LEVELS, TEST_LEVEL

    lv = TEST_LEVEL if level == "test" else LEVELS.get(level or "screening", LEVELS["screening"])
    return lv.surface_energy_rel_tol


def _termination_record(slab: Any, material: Any, miller: Sequence[int]) -> tuple[dict, str]:
    """The substrate termination a run used, among how many, and a phrase for its construction text ("" when only one).

    W_ad and gamma_X/Li can differ a lot between terminations (Li2CO3(001) has 2, Li9Al4(001) 7), and a run computes one:
    the output says which, and that others exist (review s41).
    """
    n = int(slab.info.get("n_terminations", 1))
    rec = {"index": int(slab.info["termination"]), "n_terminations": n, "symmetric_planes": bool(slab.info["symmetric_planes"]),
           "planes": plane_profile(slab)}  # the identity of the termination on any lattice (the index is not: review s52)
    if n <= 1:
        return rec, ""
    name = material if isinstance(material, str) else slab.info.get("material", "X")
    hkl = " ".join(str(int(i)) for i in miller)
    return rec, (f", termination {rec['index']} of {n} (the others: `lisse atomistic terminations {name} --substrate-miller {hkl}`, "
                 "then --termination K)")


def _convergence_setup(ctx: WorkflowContext, layers: int | None = None, vacuum: float | None = None,
                       substrate_layers: int | None = None, thickest: bool = False, substrate_step: int = 2):
    """The energy function and the level of :mod:`lisse.atomistic.convergence` for the context's DFT calculator.

    The scans are centred on this run's own settings (:func:`lisse.atomistic.convergence.level_around`: the
    calculator's k-spacing and cut-off, ``layers``, ``vacuum`` and ``substrate_layers``), so a check says something
    about the number the run reports (review s41: they were centred on the level's presets, and a 5-plane film was
    "converged" by a 9 -> 11 plane scan). Without ``layers`` it only refuses a calculator that cannot be scanned.
    """
    from lisse.atomistic.convergence import calculator_energy, level_around

    calc = ctx.calculator
    variant = getattr(calc, "variant", None)
    if calc.info.kind != "dft" or variant is None:
        raise ParameterError(f"check_convergence needs a DFT calculator with adjustable k-spacing and cut-off (gpaw); got {calc.label()!r}")
    level = level_of(ctx) or "screening"
    st = calc.info.settings
    energy = calculator_energy(lambda s: variant(kspacing=s.get("kspacing_inv_A"), ecut=s.get("cutoff_eV")))
    if layers is None or vacuum is None:
        return energy, None
    return energy, level_around(level, st["kspacing_inv_A"], st["ecut_eV"], layers, vacuum, substrate_layers, thickest, substrate_step)


def provenance(ctx: WorkflowContext, settings: dict) -> dict:
    """Calculator, package versions, settings and the job log of a workflow result.

    Parameters
    ----------
    ctx : WorkflowContext
        The context the workflow ran in.
    settings : dict
        The workflow's settings (unit-suffixed keys).

    Returns
    -------
    dict
        ``calculator``, ``versions``, ``settings``, ``jobs``, ``n_jobs``, ``n_cached`` (counts), ``prerelax_jobs``
        (the ML pre-relaxations, if any) and ``wall_s``.

    Raises
    ------
    CalculationError
        The jobs come from different calculators.
    """
    from importlib.metadata import PackageNotFoundError, version

    vers = {}
    for p in ("lisse", "ase", "pymatgen", "chgnet", "sevenn", "torch", "gpaw", "gpaw-data", "dftd3"):
        try:
            vers[p] = version(p)
        except PackageNotFoundError:
            pass
    infos: list[Any] = [j.calculator for j in ctx.jobs] or [ctx.calculator.info]  # result dicts, or the calculator's info
    check_same_calculator(*infos)
    return {
        "calculator": ctx.calculator.info.as_dict(),
        "versions": vers,
        "settings": settings,
        "jobs": [j.summary() for j in ctx.jobs],
        "n_jobs": len(ctx.jobs),
        "n_cached": sum(1 for j in ctx.jobs if j.cached),
        "prerelax_jobs": [j.summary() for j in ctx.prerelax_jobs],
        "wall_s": time.perf_counter() - ctx.t0,
    }


# ------------------------------------------------------------------------------------------------
def _uncertainty(ctx: WorkflowContext, quantity: str, system: str, build: dict | None = None) -> dict:
    """Stated uncertainty from the shipped accuracy table (ML) or a note that DFT numbers carry none.

    ``build`` is the run's construction in the table's ``built_with`` keys (:func:`lisse.atomistic.accuracy.built_as`).
    """
    if isinstance(ctx.calculator, PrecomputedCalculator):
        return {"known": False, "statement": "DFT from files: uncertainty set by the user's DFT settings"}
    if ctx.calculator.info.kind == "dft":
        return {"known": False, "statement": f"DFT ({ctx.calculator.label()}): numerical uncertainty in the convergence rows; the functional's error is not stated"}
    from lisse.atomistic.accuracy import stated_uncertainty

    return stated_uncertainty(ctx.calculator, quantity, system, build)


@requires("ase", "pymatgen", feature="the atomistic workflows")
def relax_bulk(ctx: WorkflowContext, material: str, fmax: float = 0.01, steps: int = 200) -> dict:
    """Relax a library bulk crystal (cell + positions); returns energy per atom/formula unit and the cell.

    Parameters
    ----------
    ctx : WorkflowContext
        Calculator, cache and job log.
    material : str
        Library material (:func:`lisse.atomistic.structures.available`) or a structure file (CIF or any format ASE reads).
    fmax : float, default 0.01
        Force convergence [eV/Å].
    steps : int, default 200
        Maximum number of optimiser steps per relaxation.

    Returns
    -------
    dict
        ``atoms`` (relaxed primitive cell, Å), ``energy_per_atom_eV``, ``energy_per_fu_eV``,
        ``volume_ratio_vs_experiment`` and ``lattice_scale_vs_experiment`` (dimensionless).

    Raises
    ------
    CalculationError
        The relaxation does not converge.
    """
    b = build_bulk(material, primitive=True)
    r = ctx.run(Job(f"bulk_{material_label(material)}", b, "relax_cell", fmax=fmax, steps=steps), prerelax_cap=steps)
    if not r.converged:
        raise CalculationError(f"bulk relaxation of {material} did not converge (fmax {r.fmax_final_eV_A:.3f} > {fmax} eV/A in {steps} steps)")
    n_fu = len(b) / (len(build_bulk(material)) / build_bulk(material).info["formula_units"])
    atoms = r.atoms
    atoms.info.update({"material": material, "formula_units": n_fu})
    conv = build_bulk(material)
    scale = (atoms.get_volume() / len(atoms)) / (conv.get_volume() / len(conv))
    return {
        "atoms": atoms,
        "energy_per_atom_eV": r.energy_eV / len(atoms),
        "energy_per_fu_eV": r.energy_eV / n_fu,
        "volume_ratio_vs_experiment": float(scale),
        "lattice_scale_vs_experiment": float(scale ** (1 / 3)),
    }


def _conventional_relaxed(material: str, bulk_res: dict):
    """Experimental conventional cell scaled isotropically to the calculator's relaxed volume (cubic/hexagonal ok)."""
    conv = build_bulk(material)
    conv.set_cell(conv.cell.array * bulk_res["lattice_scale_vs_experiment"], scale_atoms=True)
    return conv


#: Largest relative difference of cell lengths (and of angles, in degrees / 90) between the relaxed primitive cell and
#: the experimental one scaled isotropically, below which the slabs' cell has the relaxed shape. Above GPAW's relaxation
#: noise on cubic LiF (4e-4, diff review D4) and far below Li9Al4's CHGNet shape change (1.7e-2).
SHAPE_TOL = 2e-3


def _shape_kept(material: Any, bulk_res: dict) -> bool:
    """Whether scaling the experimental cell isotropically (:func:`_conventional_relaxed`) keeps the relaxed cell's shape.

    Always for a cubic crystal (space group 195-230: symmetry fixes its shape; a relaxation's noise does not count);
    otherwise when the relaxed primitive cell's lengths and angles match the scaled experimental ones within
    :data:`SHAPE_TOL`.
    """
    from ase.geometry import cell_to_cellpar

    exp_atoms = build_bulk(material, primitive=True)
    sg = exp_atoms.info.get("spacegroup")
    if sg is None:  # a user's structure: ask spglib (through pymatgen)
        from pymatgen.io.ase import AseAtomsAdaptor
        from pymatgen.symmetry.analyzer import SpacegroupAnalyzer

        sg = SpacegroupAnalyzer(AseAtomsAdaptor.get_structure(exp_atoms), symprec=1e-3).get_space_group_number()
    if int(sg) >= 195:
        return True
    relaxed = cell_to_cellpar(bulk_res["atoms"].cell.array)
    exp = cell_to_cellpar(exp_atoms.cell.array * bulk_res["lattice_scale_vs_experiment"])
    return bool(np.all(np.abs(relaxed[:3] / exp[:3] - 1.0) <= SHAPE_TOL) and np.all(np.abs(relaxed[3:] - exp[3:]) / 90.0 <= SHAPE_TOL))


def _fix_bottom(atoms, n_planes: int) -> tuple[int, ...]:
    if n_planes <= 0:
        return ()
    planes = layer_planes(atoms)
    return tuple(int(i) for p in planes[:n_planes] for i in p)


@requires("ase", "pymatgen", feature="the surface-energy workflow")
def _fm_pairs(layers, n_units, energies, area) -> list[tuple[tuple[int, int], float]]:
    """Fiorentini-Methfessel surface energy [J m-2] of each pair of successive slab thicknesses (one home: convergence)."""
    from lisse.atomistic.convergence import fiorentini_methfessel

    if area is None:
        return []
    return [((int(layers[k - 1]), int(layers[k])), fiorentini_methfessel(n_units[k - 1:k + 1], energies[k - 1:k + 1], area)[0])
            for k in range(1, len(layers))]


def surface_energy_workflow(
    calculator: Any = "chgnet",
    material: str = "Li",
    miller=(1, 0, 0),
    layers=(5, 7, 9),
    vacuum: float = 15.0,
    fmax: float = 0.05,
    steps: int = 200,
    termination: int = 0,
    cache=None,
    prerelax=None,
    check_convergence: bool = False,
    prerelax_steps: int | None = None,
) -> dict:
    """Surface energy of ``material`` (``miller``) from relaxed slabs of several thicknesses.

    Reports the single-slab values (each vs the relaxed bulk), the Fiorentini-Methfessel value of each pair of
    successive thicknesses, the least-squares fit over all thicknesses (the value to use) with its standard error,
    and the thickness convergence (change between the two thickest pairs); the convergence rows judge the pair values
    and the fit, never the single-slab values (which drift when the bulk reference and the slabs disagree).

    Parameters
    ----------
    calculator : str, AtomisticCalculator or WorkflowContext, default "chgnet"
        The calculator (spec or instance), or a context to run in (shares its job log).
    material : str, default "Li"
        Library material.
    miller : sequence of int, default (1, 0, 0)
        Miller indices of the surface.
    layers : sequence of int, default (5, 7, 9)
        Number of atomic planes of each slab.
    vacuum : float, default 15.0
        Vacuum thickness [Å].
    fmax : float, default 0.05
        Force convergence of relaxations [eV/Å].
    steps : int, default 200
        Maximum number of optimiser steps per relaxation.
    termination : int, default 0
        Index of the termination (:func:`lisse.atomistic.slabs.terminations`).
    cache : ResultCache, optional
        Job result cache (e.g. :class:`lisse.io.atomistic_cache.JobCache`).
    prerelax : str or AtomisticCalculator, optional
        ML calculator that relaxes each structure before the DFT calculator does (DFT calculators only).
    check_convergence : bool, default False
        DFT only: also scan k-spacing, cut-off, thickness and vacuum around this run's settings (the calculator's
        k-spacing and cut-off, the thickest of ``layers``, ``vacuum``; :func:`lisse.atomistic.convergence.level_around`)
        with the level's tolerance (:func:`lisse.atomistic.convergence.surface_energy_convergence`, unrelaxed slabs)
        and add those rows.
    prerelax_steps : int, optional
        Largest number of optimiser steps of the pre-relaxations (default: ``steps``). Keep it when rerunning with
        more ``steps`` to continue DFT relaxations that stopped at the cap: the DFT job then starts from the same ML
        geometry.

    Returns
    -------
    dict
        ``surface_energy_J_m2`` (thickest slab alone, with the relaxed-bulk reference), ``surface_energy_fit_J_m2``
        (the value to use: least-squares Fiorentini-Methfessel fit over all thicknesses, i.e. extrapolated to infinite
        thickness) and its stderr, ``surface_energy_pairs_J_m2`` (FM value of each pair of successive thicknesses),
        ``thickness_convergence_J_m2`` (change between the two thickest pairs), per-slab rows, bulk energy [eV],
        ``calculator``, ``level``, ``convergence`` (rows: the FM pair values, then the fit), uncertainty and provenance.

    Raises
    ------
    ParameterError
        A bad material, Miller index, layer count, strain, area, force or vacuum.
    CalculationError
        A relaxation does not converge, a sanity check fails (overlap, absurd energy, vacuum), or energies
        from different calculators would be mixed.
    MissingDependencyError
        ase or pymatgen (or the calculator's package) is not installed.

    References
    ----------
    Fiorentini, Methfessel, Extracting convergent surface energies from slab calculations, J. Phys.: Condens. Matter 8, 6525 (1996), doi:10.1088/0953-8984/8/36/005.
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    from lisse.thermo.surfaces import surface_energy, surface_energy_fit

    ctx = _ctx(calculator, cache, prerelax, phases=(material,), prerelax_steps=prerelax_steps)
    if check_convergence:
        _convergence_setup(ctx)  # refuse an ML calculator before any calculation
    br = relax_bulk(ctx, material)
    conv = _conventional_relaxed(material, br)
    n_units, energies, singles, rows = [], [], [], []
    area = None
    for n in layers:
        s = make_slab(conv, miller, n, vacuum, termination)
        if not s.info["stoichiometric"]:
            raise CalculationError(f"{material}{tuple(miller)} slab with {n} layers is not stoichiometric; surface energy needs a stoichiometric slab")
        chk = check_slab(s, ctx.calculator.info.cutoff_A, f"{material}{tuple(miller)} slab")
        r = ctx.run(Job(f"slab_{material_label(material)}_{''.join(map(str, miller))}_t{termination}_n{n}", s, "relax", fmax, steps))
        check_distances(r.atoms, what=r.name)
        area = s.info["area_A2"]
        nfu = s.info["formula_units"]
        g = surface_energy(r.energy_eV, nfu, br["energy_per_fu_eV"], area) * EV_PER_A2_TO_J_PER_M2
        n_units.append(nfu)
        energies.append(r.energy_eV)
        singles.append(g)
        rows.append({"layers": n, "n_atoms": len(s), "gamma_J_m2": g, "converged": r.converged, "fmax_final_eV_A": r.fmax_final_eV_A, **chk})
    fit = surface_energy_fit(n_units, energies, area) if len(layers) >= 2 and area is not None else None
    pairs = _fm_pairs(layers, n_units, energies, area)
    out = {
        "material": material,
        "miller": list(miller),
        "termination": termination,
        "surface_energy_J_m2": singles[-1],
        "surface_energy_fit_J_m2": fit.gamma_J_m2 * EV_PER_A2_TO_J_PER_M2 if fit else None,
        "surface_energy_fit_stderr_J_m2": fit.gamma_stderr_J_m2 * EV_PER_A2_TO_J_PER_M2 if fit else None,
        "thickness_convergence_J_m2": abs(pairs[-1][1] - pairs[-2][1]) if len(pairs) >= 2 else None,
        "surface_energy_pairs_J_m2": [{"layers": list(lp), "gamma_J_m2": g} for lp, g in pairs],
        "slabs": rows,
        "bulk_energy_per_fu_eV": br["energy_per_fu_eV"],
        "lattice_scale_vs_experiment": br["lattice_scale_vs_experiment"],
        "all_relaxations_converged": all(r["converged"] for r in rows),
    }
    rel = surface_row_rel_tol(level_of(ctx))
    # rows judge the reported quantity: Fiorentini-Methfessel values of successive thickness pairs (each with the bulk energy per
    # unit that its two slabs imply, so a bulk reference inconsistent with the slabs cannot drift the rows), then the
    # reported least-squares FM fit over all thicknesses (the infinite-thickness extrapolation of E_slab = 2 A gamma + n e_b);
    # tolerance: the level's fraction of the row's surface energy
    conv_rows = [_row("surface_energy_J_m2", "layers", lp[1], g, None if k == 0 else g - pairs[k - 1][1], rel * abs(g))
                 for k, (lp, g) in enumerate(pairs)]
    if fit is not None and len(layers) >= 3:
        g_fit = fit.gamma_J_m2 * EV_PER_A2_TO_J_PER_M2
        conv_rows.append(_row("surface_energy_J_m2", "layers_fit", list(layers), g_fit, g_fit - pairs[-1][1], rel * abs(g_fit)))
    note = ("surface energy vs slab thickness: Fiorentini-Methfessel two-slab values of successive thickness pairs (value: the thicker "
            "slab of the pair; change to the previous pair), then the reported value, the least-squares FM fit over all thicknesses (E_slab = 2 A gamma + n e_b, "
            "extrapolated to infinite thickness; change to the thickest pair)")
    if check_convergence:
        from lisse.atomistic.convergence import surface_energy_convergence

        energy, lv = _convergence_setup(ctx, max(layers), vacuum, thickest=True)
        cr = surface_energy_convergence(energy, conv, miller, lv, termination=termination)
        conv_rows += cr.rows
        note += (f"; then k-spacing, cut-off, thickness (Fiorentini-Methfessel pairs) and vacuum scans of unrelaxed slabs around this "
                 f"run's settings {cr.settings} at level {cr.level}'s tolerance: converged {cr.converged}"
                 + (f" (not: {', '.join(cr.not_converged)})" if cr.not_converged else ""))
    else:
        note += "; k-points, cut-off and vacuum scans: check_convergence=True (lisse.atomistic.convergence)"
    out.update(method_keys(ctx, conv_rows, note))
    out["uncertainty"] = _uncertainty(ctx, "surface_energy", f"{material}({''.join(str(int(m)) for m in miller)})")
    out["provenance"] = provenance(ctx, {"layers": list(layers), "vacuum_A": vacuum, "fmax_eV_A": fmax, "steps": steps})
    return out


def _rigid_registry_scan(ctx: Any, film: Any, substrate: Any, match: Any, n_shift: int, gaps: Any, vacuum: float | None,
                         job_name: str, on_point: Callable[[dict, Any], None] | None = None) -> list[dict]:
    """Rigid single points of an interface over ``n_shift`` x ``n_shift`` registry shifts and ``gaps`` (the starts of its
    relaxations, :func:`_select_starts`).

    ``vacuum`` [Å] above the film; None: the gap itself (a periodic two-interface cell). ``job_name`` is formatted with
    the shift index ``si`` and the gap ``g``. A point that puts atoms too close is kept with ``ok`` False. ``on_point(row,
    result)`` adds to each computed row. DFT calculators run the scan at their relaxation settings (it only ranks the
    starts). Returns rows ``shift_index``, ``shift_A``, ``gap_A`` [Å], ``ok``, ``energy_eV`` (NaN where not computed);
    ``shift_A`` is in the unstrained substrate's frame (:func:`lisse.atomistic.interfaces.build_interface` carries it onto
    a strained substrate).
    """
    scan = []
    for si, sh in enumerate(registry_shifts(substrate, n_shift)):
        for g in gaps:
            it, _, _ = build_interface(film, substrate, match, gap=g, shift=sh, vacuum=g if vacuum is None else vacuum)
            row = {"shift_index": si, "shift_A": [float(sh[0]), float(sh[1])], "gap_A": float(g), "ok": True, "energy_eV": float("nan")}
            try:
                check_distances(it, what="scan point")
            except CalculationError:
                row["ok"] = False
                scan.append(row)
                continue
            r = ctx.run(Job(job_name.format(si=si, g=g), it, "single", purpose="scan"))
            row["energy_eV"] = r.energy_eV
            if on_point is not None:
                on_point(row, r)
            scan.append(row)
    return scan


def _select_starts(scan: list[dict], n_starts: int) -> list[dict]:
    """Lowest rigid-scan points with distinct shifts, plus the lowest point at the smallest gap.

    The best rigid point can be a shallow minimum far from bonding (issue #3), so one start is always
    taken at the closest approach that passed the overlap check.
    """
    ok = [s for s in scan if s["ok"]]
    if not ok:
        raise CalculationError("every rigid registry/gap scan point failed the overlap check")
    ok.sort(key=lambda s: s["energy_eV"])
    starts, seen = [], set()
    for s in ok:
        k = tuple(np.round(s["shift_A"], 3))
        if k in seen:
            continue
        starts.append(s)
        seen.add(k)
        if len(starts) >= max(1, n_starts - 1):
            break
    gmin = min(s["gap_A"] for s in ok)
    close = min((s for s in ok if s["gap_A"] == gmin), key=lambda s: s["energy_eV"])
    if all(close is not s for s in starts):
        starts.append(close)
    elif len(starts) < n_starts:
        for s in ok:
            if all(s is not t for t in starts):
                starts.append(s)
                break
    return starts[:n_starts]


def _check_interface_inputs(substrate, substrate_miller, film_miller, substrate_layers, film_layers, max_strain, max_area) -> None:
    """Refuse bad interface inputs before any (minutes-long) calculation starts."""
    check_material(substrate)
    check_miller(substrate_miller, "substrate_miller")
    check_miller(film_miller, "film_miller")
    check_layers(substrate_layers, "substrate_layers", 1)
    check_layers(film_layers, "film_layers", 2)
    if not 0.0 < max_strain <= 0.5:
        raise ParameterError(f"parameter 'max_strain' must be a strain between 0 and 0.5 (50 %); got {max_strain!r}")
    if not 0.0 < max_area < math.inf:
        raise ParameterError(f"parameter 'max_area' must be a finite area > 0 A^2; got {max_area!r}")


@requires("ase", "pymatgen", feature="the work-of-adhesion workflow")
def adhesion_workflow(
    calculator: Any = "chgnet",
    substrate: str = "LiF",
    film: str = "Li",
    substrate_miller=(1, 0, 0),
    film_miller=(1, 0, 0),
    substrate_layers: int = 3,
    film_layers: int = 5,
    substrate_termination: int = 0,
    max_strain: float = 0.03,
    max_area: float = 130.0,
    vacuum: float = 12.0,
    gaps=(1.8, 2.2, 2.6, 3.0),
    n_shift: int = 2,
    n_starts: int = 3,
    fmax: float = 0.05,
    steps: int = 150,
    fix_substrate_planes: int = 1,
    sigma_li_layers=(5, 7, 9),
    check_vacuum_extra: float = 5.0,
    cache=None,
    on_job=None,
    film_supercell=None,
    substrate_supercell=None,
    supercell_cell: str = "conventional",
    prerelax=None,
    check_convergence: bool = False,
    strained: str = "film",
    slab_references: bool = False,
    prerelax_steps: int | None = None,
    gap_check: bool | None = None,
) -> dict:
    """Work of adhesion W_ad(film|substrate) and Young–Dupré contact angle, end to end.

    Steps: relax both bulks; Li surface energy sigma_Li (same calculator, thickness fit); coherent
    supercell search (strain on Li, or as ``strained`` says); relax the Li slab and the substrate slab in the same
    in-plane cell; rigid registry x gap scan; relax from ``n_starts`` starts and keep the lowest;
    sanity checks (overlaps, energy vs bulk references, periodicity, vacuum > cutoff); vacuum
    convergence (single point with ``check_vacuum_extra`` A more vacuum).

    Returns a JSON-able dict; ``contact_angle_deg`` uses the calculator's OWN sigma_Li (never mixing
    calculators); ``contact_angle_deg_default_sigma`` uses lisse's documented sigma_Li for comparison.
    ``start_to_start_spread_J_m2`` is the range of W_ad over the sane relaxation starts
    (``n_starts_sane`` of them), ``None`` when fewer than two: one start measures no spread.

    Parameters
    ----------
    calculator : str, AtomisticCalculator or WorkflowContext, default "chgnet"
        The calculator (spec or instance), or a context to run in (shares its job log).
    substrate : str, default "LiF"
        Substrate material (:func:`lisse.atomistic.structures.available`) or a structure file (CIF or any format ASE reads).
    film : str, default "Li"
        The film; must be ``"Li"``.
    substrate_miller : sequence of int, default (1, 0, 0)
        Miller indices of the substrate surface.
    film_miller : sequence of int, default (1, 0, 0)
        Miller indices of the Li surface.
    substrate_layers : int, default 3
        Number of atomic planes of the substrate slab.
    film_layers : int, default 5
        Number of atomic planes of the Li slab.
    substrate_termination : int, default 0
        Index of the substrate termination.
    max_strain : float, default 0.03
        Largest principal strain on either slab of the coherent search [-] (dimensionless fraction; Li by default, see ``strained``).
    max_area : float, default 130.0
        Largest interface area [Å2].
    vacuum : float, default 12.0
        Vacuum thickness [Å] (must exceed the calculator cut-off; raised to the backend's ``min_slab_vacuum_A`` +
        :data:`PAD_MARGIN_A` for a backend that pads slabs, reported as ``vacuum_A`` beside ``vacuum_asked_A``).
    gaps : sequence of float, default (1.8, 2.2, 2.6, 3.0)
        Interface gaps of the rigid scan [Å].
    n_shift : int, default 2
        Number of registry shifts per in-plane direction in the scan.
    n_starts : int, default 3
        Number of relaxations from the best scan points.
    fmax : float, default 0.05
        Force convergence of relaxations [eV/Å].
    steps : int, default 150
        Maximum number of optimiser steps per relaxation.
    fix_substrate_planes : int, default 1
        Number of bottom substrate planes held fixed.
    sigma_li_layers : sequence of int, default (5, 7, 9)
        Number of planes of the Li slabs for sigma_Li.
    check_vacuum_extra : float, default 5.0
        Extra vacuum of the convergence check [Å] (DFT calculators; an ML potential has no interaction across a
        vacuum wider than its cutoff, which is checked, so its W_ad cannot change and the row is left out).
    cache : ResultCache, optional
        Job result cache (e.g. :class:`lisse.io.atomistic_cache.JobCache`).
    on_job : callable, optional
        ``on_job(result)`` after every job (progress).
    film_supercell, substrate_supercell : tuple of int, optional
        Number of repetitions (n1, n2) of the Li and substrate surface cells, e.g. (4, 4) and (3, 3) as Ji2025 built
        Li(001)|LiF(001), instead of the coherent search (give both or neither); the strain this forces on Li is
        reported, whatever ``max_strain`` says.
    supercell_cell : {"conventional", "slab"}, default "conventional"
        What the supercells count: cells of each bulk's conventional surface cell or of the slab's own surface cell
        (:func:`lisse.atomistic.interfaces.forced_match`).
    prerelax : str or AtomisticCalculator, optional
        ML calculator that relaxes each structure before the DFT calculator does (DFT calculators only); the DFT
        ionic steps after it are reported under ``prerelax``.
    check_convergence : bool, default False
        DFT only: also scan k-spacing, cut-off, film and substrate thickness and vacuum around this run's settings
        (the calculator's k-spacing and cut-off, ``film_layers``, ``substrate_layers``, ``vacuum``;
        :func:`lisse.atomistic.convergence.level_around`) with the level's tolerance, on the best registry and
        relaxed gap (:func:`lisse.atomistic.convergence.adhesion_convergence`, unrelaxed cells), and add those rows.
    strained : {"film", "substrate", "both"}, default "film"
        Which slab takes the lattice mismatch (:func:`lisse.atomistic.interfaces.strain_on`): Li (default), the
        substrate, or both (each onto the mean cell). ``strain_percent`` is then the larger of the two slabs' strains;
        the registry shifts of ``starts`` and ``rigid_scan`` stay in the unstrained substrate's frame.
    slab_references : bool, default False
        Also compute W_ad against the two other slab references found in the literature (four more single points,
        :func:`slab_reference_rows`): the slabs cut from the relaxed interface and not relaxed (``frozen``, the
        ideal work of separation, output as ``work_of_separation_J_m2``), and the slabs as built, strained and not
        relaxed (``unrelaxed``). ``work_of_adhesion_J_m2`` and the contact angle stay the relaxed-slab W_ad.
    prerelax_steps : int, optional
        Largest number of optimiser steps of the pre-relaxations (default: ``steps``). Keep it when rerunning with
        more ``steps`` to continue DFT relaxations that stopped at the cap: the DFT job then starts from the same ML
        geometry.
    gap_check : bool, optional
        Check that the kept relaxation stopped at a minimum along the film's rigid approach (:func:`film_gap_check`:
        two single points with the film moved by -/+ :data:`GAP_CHECK_STEP_A`, and a second relaxation from a lower
        one). Default: on for DFT calculators, off for ML ones (a DFT-D3 relaxation measured here stopped 0.5 A short).

    Returns
    -------
    dict
        ``work_of_adhesion_J_m2``, ``contact_angle_deg`` (with the calculator's own sigma_Li [J m-2]),
        ``contact_angle_deg_default_sigma``, regime, ``strain_percent`` (largest strain on either slab), ``strained``,
        ``film_strain_percent``, ``substrate_strain_percent``, ``calculator``, ``level``, ``convergence``
        (rows: sigma_Li vs thickness, W_ad vs vacuum), ``checks``, ``substrate_termination`` (``index``,
        ``n_terminations``, ``symmetric_planes``, ``planes``: the built slab's planes from the top, the face Li meets
        first), ``common_cell`` (long-range calculators: the slabs' energies in the
        interface's cell, else None), ``work_of_separation_J_m2`` and ``slab_references`` (:func:`slab_reference_rows`;
        None unless ``slab_references``), ``gap_check`` (:func:`film_gap_check`; None when not run), ``warnings``,
        uncertainty and provenance (JSON-able).

    Raises
    ------
    ParameterError
        A bad material, Miller index, layer count, strain, area, force or vacuum.
    CalculationError
        A relaxation does not converge, a sanity check fails (overlap, absurd energy, vacuum), or energies
        from different calculators would be mixed.
    MissingDependencyError
        ase or pymatgen (or the calculator's package) is not installed.

    References
    ----------
    Ji et al., Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type solid-state batteries, Nat. Commun. (2025).
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY, LI_SURFACE_ENERGY_CALIBRATION, contact_angle, work_of_adhesion

    if film != "Li":
        raise ParameterError(f"the film must be 'Li'; got {film!r}")
    _check_interface_inputs(substrate, substrate_miller, film_miller, substrate_layers, film_layers, max_strain, max_area)
    check_count(n_starts, "n_starts", 1, 50, "relaxations from different registry starts")
    check_count(n_shift, "n_shift", 1, 10, "registry shifts per in-plane direction")
    if not gaps or not all(0.5 <= float(g) <= 6.0 for g in gaps):
        raise ParameterError(f"parameter 'gaps' must be interface gaps from 0.5 to 6 A; got {list(gaps)!r}")
    check_count(steps, "steps", 0, 100_000)
    if not 0.0 < fmax < math.inf:
        raise ParameterError(f"parameter 'fmax' must be a finite force > 0 eV/A; got {fmax!r}")
    forced = _check_supercells(film_supercell, substrate_supercell)
    check_strain_side(strained)
    ctx = _ctx(calculator, cache, prerelax, phases=(film, substrate), prerelax_steps=prerelax_steps)
    if isinstance(ctx.calculator, PrecomputedCalculator):
        raise ParameterError(
            "the scan-and-relax adhesion workflow needs a calculator with an ASE calculator (ML or GPAW); for DFT write the decks with adhesion_jobs() + "
            "lisse.io.dft_decks.write_decks() (or `lisse atomistic decks Li X`), run them, then use adhesion_from_files()"
        )
    ctx.on_job = on_job
    if check_convergence:
        _convergence_setup(ctx)  # refuse an ML calculator before any calculation
    # a backend that pads a slab's vacuum (CP2K: 20 A) would pad the film, the substrate and the interface each from its own
    # height, and a relaxation moves the interface's: build every cell with more than that vacuum from the start, so that
    # nothing is padded and the three energies of W_ad share one cell (review s41)
    vacuum_asked = vacuum
    pad = float(getattr(ctx.calculator, "min_slab_vacuum_A", 0.0) or 0.0)
    if pad > 0 and vacuum < pad + PAD_MARGIN_A:
        vacuum = pad + PAD_MARGIN_A
    cut = ctx.calculator.info.cutoff_A
    if vacuum <= cut:
        raise ParameterError(f"vacuum {vacuum} A must exceed the calculator cutoff {cut} A")
    # 1. sigma_Li with this calculator (also the film bulk)
    sig = surface_energy_workflow(ctx, "Li", film_miller, sigma_li_layers, vacuum, fmax, 200, 0)
    sigma_li = sig["surface_energy_fit_J_m2"] if sig["surface_energy_fit_J_m2"] is not None else sig["surface_energy_J_m2"]
    li_b = relax_bulk(ctx, "Li")
    x_b = relax_bulk(ctx, substrate)
    refs = {"Li": li_b["energy_per_atom_eV"]}
    # per-element reference for X: put all non-Li energy on the other elements equally per atom (only for the sanity window)
    xa = x_b["atoms"]
    n_li_x = sum(1 for s in xa.get_chemical_symbols() if s == "Li")
    others = [s for s in xa.get_chemical_symbols() if s != "Li"]
    if others:
        mu_o = (x_b["energy_per_atom_eV"] * len(xa) - n_li_x * refs["Li"]) / len(others)
        for s in set(others):
            refs[s] = mu_o
    # 2. slabs and lattice match
    fl = make_slab(_conventional_relaxed("Li", li_b), film_miller, film_layers, vacuum)
    sb = make_slab(_conventional_relaxed(substrate, x_b), substrate_miller, substrate_layers, vacuum, substrate_termination)
    if forced is not None:
        from lisse.atomistic.interfaces import forced_match

        m = strain_on(forced_match(fl, sb, forced[0], forced[1], cell=supercell_cell), fl, sb, strained)  # the mismatch they imply
    else:
        m = lattice_matches(fl, sb, max_strain=max_strain, max_area=max_area, strained=strained)[0]
    # 3. isolated slabs in the interface cell
    iface0, fil, sub = build_interface(fl, sb, m, gap=gaps[0], vacuum=vacuum)
    area = iface0.info["area_A2"]
    for a, w in ((fil, "strained Li slab"), (sub, f"{substrate} slab")):
        check_slab(a, cut, w)
    r_fil = ctx.run(Job("film_strained", fil, "relax", fmax, steps))
    r_sub = ctx.run(Job("substrate", sub, "relax", fmax, steps, fixed=_fix_bottom(sub, fix_substrate_planes)))
    # 4. rigid scan
    n_sub = len(sub)

    def rigid_adhesion(row: dict, r: JobResult) -> None:
        row["adhesion_rigid_J_m2"] = (r_fil.ranking_energy_eV + r_sub.ranking_energy_eV - r.energy_eV) / area * EV_PER_A2_TO_J_PER_M2

    scan = _rigid_registry_scan(ctx, fl, sb, m, n_shift, gaps, vacuum, "scan_s{si}_g{g:.2f}", rigid_adhesion)
    # 5. relax from several starts, keep the lowest
    starts = _select_starts(scan, n_starts)
    relaxed = []
    for k, s in enumerate(starts):
        it, _, _ = build_interface(fl, sb, m, gap=s["gap_A"], shift=s["shift_A"], vacuum=vacuum)
        fixed = tuple(i for i in _fix_bottom(it[:n_sub], fix_substrate_planes))
        r = ctx.run(Job(f"interface_start{k}", it, "relax", fmax, steps, fixed=fixed))
        ok, why = True, ""
        try:
            check_distances(r.atoms, what=r.name)
            check_energy_per_atom(r.energy_eV, r.atoms, refs, 0.5, r.name)
            check_slab(r.atoms, cut, r.name)
        except CalculationError as exc:
            ok, why = False, str(exc)
        w = (r_fil.energy_eV + r_sub.energy_eV - r.energy_eV) / area * EV_PER_A2_TO_J_PER_M2
        relaxed.append({"start": k, "shift_A": s["shift_A"], "gap_start_A": s["gap_A"], "energy_eV": r.energy_eV, "adhesion_J_m2": w,
                        "converged": r.converged, "fmax_final_eV_A": r.fmax_final_eV_A, "n_steps": r.n_steps, "sane": ok, "problem": why, "_r": r})
    good = [x for x in relaxed if x["sane"]]
    if not good:
        raise CalculationError("no relaxed interface passed the sanity checks: " + "; ".join(x["problem"] for x in relaxed))
    best = min(good, key=lambda x: x["energy_eV"])
    rb: JobResult = best["_r"]
    gap_checked = None
    if gap_check if gap_check is not None else ctx.calculator.info.kind == "dft":
        def sane(r: JobResult) -> None:
            check_distances(r.atoms, what=r.name)
            check_energy_per_atom(r.energy_eV, r.atoms, refs, 0.5, r.name)
            check_slab(r.atoms, cut, r.name)
            if _padded(ctx.calculator, r.atoms):
                raise CalculationError(f"{r.name}: the backend pads its vacuum, so its energy is not in the cell of the other energies")

        rb, gap_checked = film_gap_check(ctx, rb, n_sub, area, fmax, steps, tuple(rb.settings["fixed"]), sane)
    # 6. vacuum convergence: single points with more vacuum for the three cells
    dv = None
    w_ad = work_of_adhesion(r_fil.energy_eV, r_sub.energy_eV, rb.energy_eV, area) * EV_PER_A2_TO_J_PER_M2
    tol = ROW_TOLERANCES_J_M2.get(level_of(ctx) or "screening")
    rows = [dict(r, quantity="li_surface_energy_J_m2") for r in sig["convergence"]]
    common = None
    if is_long_range(ctx.calculator):
        # DFT (or an ML potential with D3, whose pair terms also reach across the vacuum): the relaxed slabs again in the interface's own cell (in-plane registry as in the interface; the DFT
        # backends re-centre every slab along z before computing). A grid-based code's energy of a fixed slab moves with
        # the cell height (measured with GPAW at 400 eV: an 8-atom LiF(100) slab by up to 0.11 eV, non-monotonic, over
        # 12-22 A of vacuum; 7.5 meV at 500 eV): in one cell, with one grid and one k-mesh, that error cancels in W_ad
        # (the usual practice; a grid-registry error along z does not cancel exactly); the own-cell value and the
        # change are a convergence row
        e_cf, e_cs = (ctx.run(j).energy_eV for j in common_cell_jobs(r_fil.atoms, r_sub.atoms, rb.atoms, n_sub))
        w_common = work_of_adhesion(e_cf, e_cs, rb.energy_eV, area) * EV_PER_A2_TO_J_PER_M2
        rows.append(_row("work_of_adhesion_J_m2", "slab_cells", "own heights", w_ad, None, tol))
        rows.append(_row("work_of_adhesion_J_m2", "slab_cells", "interface cell", w_common, w_common - w_ad, tol))
        common = {"work_of_adhesion_own_cells_J_m2": w_ad, "film_energy_eV": e_cf, "substrate_energy_eV": e_cs,
                  "change_J_m2": w_common - w_ad}
        w_ad = w_common
    by_reference = None
    if slab_references:  # in the interface's cell, like the common-cell energies (the same grid for DFT)
        by_reference = slab_reference_rows(
            ctx, fil, sub, rb.atoms, n_sub, area, w_ad,
            (common["film_energy_eV"], common["substrate_energy_eV"]) if common is not None else (r_fil.energy_eV, r_sub.energy_eV))
    # the rows name the vacuum computed: the relaxed interface's (a relaxation moves it from the vacuum asked for; review
    # s41: labelled 12 A, computed 10.6 with CHGNet)
    vac_computed = _vacuum_of(ctx.calculator, rb.atoms)
    rows.append(_row("work_of_adhesion_J_m2", "vacuum_A", round(vac_computed, 2), w_ad, None, tol))
    # a finite-range ML potential with vacuum beyond its cutoff has no term across the vacuum: more vacuum changes nothing
    # (measured -1e-6 J/m2), a row that could not fail (review s41); DFT's density and grid reach across it
    vacuum_checked = check_vacuum_extra > 0 and common is not None  # common: every long-range calculator (DFT, ML + D3)
    if vacuum_checked:  # the same comparison in one taller cell
        taller = set_vacuum(rb.atoms, vacuum + check_vacuum_extra)
        e_more = [ctx.run(Job(f"vac_common_{n}", _placed_like(a, taller[sl], taller.cell), "single")).energy_eV
                  for n, a, sl in (("film", r_fil.atoms, slice(n_sub, None)), ("sub", r_sub.atoms, slice(None, n_sub)))]
        e_more.append(ctx.run(Job("vac_iface", taller, "single")).energy_eV)
        w_more = (e_more[0] + e_more[1] - e_more[2]) / area * EV_PER_A2_TO_J_PER_M2
        dv = abs(w_more - w_ad)
        rows.append(_row("work_of_adhesion_J_m2", "vacuum_A", round(_vacuum_of(ctx.calculator, taller), 2), w_more, w_more - w_ad, tol))
    wet = contact_angle(w_ad, sigma_li, allow_negative=True)  # computed: W_ad < 0 is a result
    wet_def = contact_angle(w_ad, DEFAULT_LI_SURFACE_ENERGY, allow_negative=True)
    # interface gap after relaxation
    z = rb.atoms.positions[:, 2]
    gap_final = float(z[n_sub:].min() - z[:n_sub].max())
    # one sane start measures no spread: None, never 0.0 (a zero read as "reproducible from any start")
    spread = float(np.ptp([x["adhesion_J_m2"] for x in good])) if len(good) > 1 else None
    all_converged = bool(r_fil.converged and r_sub.converged and rb.converged)
    problems = adhesion_problems(gap_final, all_converged)
    gap_notes = []  # a warning, not a verdict on W_ad's validity: how far off it is, is said
    if gap_checked is not None and not gap_checked["at_minimum"]:
        last = gap_checked["rounds"][-1]
        side = max((p for p in last["points"] if p["adhesion_change_J_m2"] is not None), key=lambda p: p["adhesion_change_J_m2"])
        again = last["relaxed_again"]
        if again is not None:
            then = "a second relaxation from there was not kept: " + (again["problem"] or "its final energy was higher")
        elif not rb.converged:
            then = "not relaxed again: the relaxation stopped at its step cap (rerun with more --steps)"
        else:
            then = "after the one second relaxation the check runs"
        gap_notes.append(f"the relaxed interface is not at a minimum along the film's approach: moving the film rigidly by "
                         f"{side['offset_A']:+.2f} A raises W_ad by {side['adhesion_change_J_m2']:.4f} J/m2 in the relaxation's "
                         f"settings (gap_check); {then}")
    frozen_row = None if by_reference is None else next(r for r in by_reference if r["slab_reference"] == "frozen")
    below_tol = tol if tol is not None else ROW_TOLERANCES_J_M2["screening"]  # an ML level has no row tolerance: screening's
    reference_notes = [] if by_reference is None else slab_reference_warnings(by_reference, below_tol)
    if _padded(ctx.calculator, rb.atoms):
        problems.append(f"the backend padded the relaxed interface's vacuum ({_vacuum_of(None, rb.atoms):.3g} A < its "
                        f"{pad:g} A): its energy and the film's and substrate's were not computed in one cell; raise the vacuum")
    out: dict[str, Any] = {
        "film": "Li",
        "substrate": substrate,
        "film_miller": list(film_miller),
        "substrate_miller": list(substrate_miller),
        "work_of_adhesion_J_m2": w_ad,
        "work_of_separation_J_m2": None if frozen_row is None else frozen_row["work_of_adhesion_J_m2"],
        "slab_references": by_reference,
        "common_cell": common,
        "contact_angle_deg": wet.contact_angle_deg,
        "regime": wet.regime,
        "li_surface_energy_J_m2": sigma_li,
        "li_surface_energy_source": f"{ctx.calculator.label()} Li{tuple(film_miller)} slab fit (same calculator as W_ad)",
        "contact_angle_deg_default_sigma": wet_def.contact_angle_deg,
        "default_li_surface_energy_J_m2": DEFAULT_LI_SURFACE_ENERGY,
        # that default is calibrated: the angle beside it is a comparison, never evidence for Ji2025's pair
        "default_li_surface_energy_calibrated_on": LI_SURFACE_ENERGY_CALIBRATION,
        "strain_percent": 100 * m.largest_strain,
        "strained": m.strained,
        "film_strain_percent": 100 * m.strain,
        "substrate_strain_percent": 100 * m.substrate_strain,
        "principal_strains_percent": [100 * s for s in m.principal_strains],
        "substrate_principal_strains_percent": [100 * s for s in m.substrate_principal_strains],
        "interface_area_A2": area,
        "n_atoms_interface": len(rb.atoms),
        "film_matrix": [list(r) for r in m.film_matrix],
        "substrate_matrix": [list(r) for r in m.substrate_matrix],
        "interface_gap_relaxed_A": gap_final,
        "vacuum_A": vacuum,
        "vacuum_asked_A": vacuum_asked,
        "work_of_adhesion_valid": not problems,
        # sigma_Li's slabs set the contact angle, not W_ad: an unconverged one is said without judging W_ad (audit s49)
        "warnings": problems + reference_notes + gap_notes + ([] if sig["all_relaxations_converged"] else [
            "a Li slab behind sigma_Li (and so the contact angle) did not reach its force target: "
            + ", ".join(f"{r['layers']} planes (fmax {_fmax_text(r['fmax_final_eV_A'])} eV/A)" for r in sig["slabs"] if not r["converged"])]),
        "li_surface_energy_converged": bool(sig["all_relaxations_converged"]),
        "start_to_start_spread_J_m2": spread,
        "n_starts_sane": len(good),
        "starts": [{k: v for k, v in x.items() if k != "_r"} for x in relaxed],
        "rigid_scan": scan,
        "gap_check": gap_checked,
        "checks": {
            "li_surface_energy_thickness_change_J_m2": sig["thickness_convergence_J_m2"],
            "vacuum_change_J_m2": dv,
            "vacuum_A": vacuum,
            "vacuum_vs_cutoff_A": [vacuum_thickness(rb.atoms), cut],
            "fmax_target_eV_A": fmax,
            "all_relaxations_converged": all_converged,
            "film_layers": film_layers,
            "substrate_layers": substrate_layers,
        },
        "li_surface_energy": {k: v for k, v in sig.items() if k not in ("provenance", "convergence")},
        "structure": atoms_to_dict(rb.atoms),
        "supercells": None if forced is None else {"film": list(forced[0]), "substrate": list(forced[1]), "cell": supercell_cell},
    }
    note = ("sigma_Li vs Li slab thickness and W_ad vs vacuum (relaxed cells)" if vacuum_checked else
            "sigma_Li vs Li slab thickness; W_ad vs vacuum not checked" + (
                f" (an ML potential: no interaction across {vacuum:g} A of vacuum, beyond its {cut:g} A cutoff)"
                if not is_long_range(ctx.calculator) else " (check_vacuum_extra = 0)"))
    if check_convergence:
        from lisse.atomistic.convergence import adhesion_convergence

        li_conv, x_conv = _conventional_relaxed("Li", li_b), _conventional_relaxed(substrate, x_b)
        step = _stacking_step(x_conv, substrate_miller, substrate_layers, substrate_termination, STACKING_STEP_MAX)
        scan_substrate = step <= STACKING_STEP_MAX  # else no thicker slab keeps the interface: no substrate scan, said below
        energy, lv = _convergence_setup(ctx, film_layers, vacuum, substrate_layers if scan_substrate else None, substrate_step=step)

        def build(s):  # the best registry and relaxed gap, unrelaxed slabs of the scanned thicknesses and vacuum
            f = make_slab(li_conv, film_miller, int(s["layers"]), float(s["vacuum_A"]))
            b = make_slab(x_conv, substrate_miller, int(s.get("substrate_layers", substrate_layers)), float(s["vacuum_A"]), substrate_termination)
            return build_interface(f, b, m, gap=max(gap_final, 1.0), shift=best["shift_A"], vacuum=float(s["vacuum_A"]))

        cr = adhesion_convergence(energy, build, lv)
        rows += cr.rows
        note += (f"; then k-spacing, cut-off, film and substrate thickness and vacuum scans of unrelaxed cells (best registry, relaxed "
                 f"gap) around this run's settings {cr.settings} at level {cr.level}'s tolerance: converged {cr.converged}"
                 + (f" (not: {', '.join(cr.not_converged)})" if cr.not_converged else "")
                 + ("" if scan_substrate else f"; substrate thickness not scanned: no slab up to {STACKING_STEP_MAX} planes thicker has "
                    "the same plane facing the film and the same stoichiometry"))
    else:
        note += "; k-points, cut-off and thickness scans of W_ad: check_convergence=True (lisse.atomistic.convergence)"
    out.update(method_keys(ctx, rows, note))
    hkl = lambda m: "".join(str(int(x)) for x in m)  # noqa: E731
    out["substrate_termination"], term_text = _termination_record(sb, substrate, substrate_miller)
    # the coherent search's cell also depends on its strain and area limits (review s47)
    build_keys = {"supercells": "coherent search" if forced is None else f"{forced[0][0]}x{forced[0][1]},{forced[1][0]}x{forced[1][1]}",
                  "supercell_cell": supercell_cell if forced is not None else None, "film_layers": film_layers,
                  "substrate_layers": substrate_layers, "substrate_termination": substrate_termination,
                  "max_strain": max_strain if forced is None else None, "max_area_A2": max_area if forced is None else None}
    if strained != "film":  # the table's rows were all built with Li strained: only then is the key absent
        build_keys["strained"] = strained
    out["uncertainty"] = _uncertainty(ctx, "work_of_adhesion", f"Li({hkl(film_miller)})|{substrate}({hkl(substrate_miller)})", build_keys)
    if out["uncertainty"].get("statement"):
        # the table's numbers are for the constructions its rows name (same_construction: the table's ML and DFT share
        # one, not this run): every run says what it built, so the two can be compared (review s40: only --supercells did)
        built = (f"forced supercells Li {forced[0][0]}x{forced[0][1]} | {substrate} {forced[1][0]}x{forced[1][1]}"
                 if forced is not None else "coherent search")
        out["uncertainty"]["this_run_construction"] = (f"{built}: Li({hkl(film_miller)}) {film_layers} planes on {substrate}"
                                                       f"({hkl(substrate_miller)}) {substrate_layers} planes{term_text}, {len(rb.atoms)} "
                                                       f"atoms, strain {100 * m.strain:.3g} % on Li"
                                                       + ("" if strained == "film" else f" and {100 * m.substrate_strain:.3g} % on {substrate}"))
        same = ("the accuracy table's row below was built as this run was: " if out["uncertainty"].get("built_as_this_run")
                else "the accuracy table's numbers below are for the constructions they name, which may differ from this one: ")
        out["uncertainty"]["statement"] = (f"this run: {out['uncertainty']['this_run_construction']}, W_ad {w_ad:.3g} J/m2; "
                                           + same + out["uncertainty"]["statement"])
    out["provenance"] = provenance(
        ctx,
        {"max_strain": max_strain, "max_area_A2": max_area, "gaps_A": list(gaps), "n_shift": n_shift, "n_starts": n_starts, "fmax_eV_A": fmax, "steps": steps,
         "fix_substrate_planes": fix_substrate_planes, "substrate_termination": substrate_termination,
         "film_supercell": None if forced is None else list(forced[0]), "substrate_supercell": None if forced is None else list(forced[1]),
         "strained": strained, "slab_references": slab_references, "film_layers": film_layers, "substrate_layers": substrate_layers},
    )
    return out


add(Citation("Finnis1996", "Finnis", "The theory of metal-ceramic interfaces", "J. Phys.: Condens. Matter 8, 5811", 1996,
             "10.1088/0953-8984/8/32/003"))

#: What each slab reference of :func:`slab_reference_rows` means.
SLAB_REFERENCES = {
    "relaxed": "each slab relaxed on its own in the interface's in-plane cell: the thermodynamic work of adhesion, the one "
               "Young-Dupre takes (Finnis1996)",
    "frozen": "the two slabs cut from the relaxed interface, not relaxed: the ideal work of separation of a rigid cleavage "
              "(Finnis1996); normally above the relaxed W_ad by the relaxation energy of the two new surfaces (below it, "
              "the slabs relaxed on their own stopped above a minimum the interface's slabs reached: a warning says so)",
    "unrelaxed": "the slabs as built (bulk-terminated, strained in-plane, the bulk's interplanar spacing), not relaxed, "
                 "against the relaxed interface: not a thermodynamic quantity; it adds to the relaxed W_ad the relaxation "
                 "energy of each slab, for a strained film mostly its out-of-plane (Poisson) relaxation, which grows with the film's "
                 "thickness: not a property of the interface",
}


def slab_reference_rows(ctx: Any, film: Atoms, substrate: Atoms, interface: Atoms, n_substrate: int, area: float,
                        w_relaxed: float, relaxed_energies: tuple[float, float]) -> list[dict]:
    """W_ad of one relaxed interface against three references for the separated slabs (:data:`SLAB_REFERENCES`).

    ``W_ad = (E_film + E_substrate - E_interface) / S`` [Finnis1996]; only ``E_film`` and ``E_substrate`` change
    between the rows. Published values differ in this choice, and with a strained film it decides the number: on
    Ji2025's Li(001) 4x4 | LiF(001) 3x3 cell, the film's 12 % in-plane compression expands its planes by ~25 % on
    relaxation, an energy the ``unrelaxed`` reference adds to W_ad. The ``frozen`` and ``unrelaxed`` slabs are computed
    in the interface's cell (:func:`_placed_like`), as the relaxed ones are for a long-range calculator.

    Parameters
    ----------
    ctx : WorkflowContext
        The context of the W_ad run (its calculator and cache).
    film, substrate : ase.Atoms
        The slabs as built in the interface's in-plane cell, before any relaxation (Å).
    interface : ase.Atoms
        The relaxed interface, substrate atoms first (Å).
    n_substrate : int
        Number of substrate atoms at the start of ``interface``.
    area : float
        Interface area S [Å2].
    w_relaxed : float
        The relaxed-slab W_ad already computed [J m-2].
    relaxed_energies : tuple of float
        The relaxed film's and substrate's energies behind ``w_relaxed`` [eV].

    Returns
    -------
    list of dict
        One row per reference, in the order relaxed, frozen, unrelaxed: ``slab_reference``,
        ``work_of_adhesion_J_m2``, ``film_energy_eV``, ``substrate_energy_eV``, ``change_from_relaxed_J_m2``,
        ``definition``.

    References
    ----------
    M. W. Finnis, The theory of metal-ceramic interfaces, J. Phys.: Condens. Matter 8, 5811 (1996), doi:10.1088/0953-8984/8/32/003.
    """
    e = {j.name: ctx.run(j).energy_eV for j in slab_reference_jobs(film, substrate, interface, n_substrate)}
    return slab_reference_table(w_relaxed, relaxed_energies, (e["frozen_film"], e["frozen_substrate"]),
                                (e["unrelaxed_film"], e["unrelaxed_substrate"]), area)


def slab_reference_jobs(film: Atoms, substrate: Atoms, interface: Atoms, n_substrate: int) -> list[Job]:
    """The four single points of the ``frozen`` and ``unrelaxed`` slab references (:data:`SLAB_REFERENCES`).

    ``frozen_film`` and ``frozen_substrate`` are the two parts of the relaxed interface; ``unrelaxed_film`` and
    ``unrelaxed_substrate`` the slabs as built, placed as the parts sit in the interface (:func:`_placed_like`). All
    four are in the interface's cell.

    Parameters
    ----------
    film, substrate : ase.Atoms
        The slabs as built in the interface's in-plane cell, before any relaxation, in the interface's atom order (Å).
    interface : ase.Atoms
        The relaxed interface, substrate atoms first (Å).
    n_substrate : int
        Number of substrate atoms at the start of ``interface``.

    Returns
    -------
    list of Job
        ``frozen_film``, ``frozen_substrate``, ``unrelaxed_film``, ``unrelaxed_substrate`` (task "single").

    Raises
    ------
    ParameterError
        ``n_substrate`` does not split ``interface`` into the two slabs' atom counts.
    """
    if not (0 < n_substrate < len(interface) and len(substrate) == n_substrate and len(film) == len(interface) - n_substrate):
        raise ParameterError(f"parameter 'n_substrate': expected the substrate's {len(substrate)} atoms at the start of the "
                             f"{len(interface)}-atom interface (film {len(film)}); got {n_substrate}")
    cell = interface.cell
    return [Job("frozen_film", interface[n_substrate:], "single"), Job("frozen_substrate", interface[:n_substrate], "single"),
            Job("unrelaxed_film", _placed_like(film, interface[n_substrate:], cell), "single"),
            Job("unrelaxed_substrate", _placed_like(substrate, interface[:n_substrate], cell), "single")]


def common_cell_jobs(film: Atoms, substrate: Atoms, interface: Atoms, n_substrate: int) -> list[Job]:
    """Single points of the relaxed film and substrate in the relaxed interface's cell, placed as they sit in it.

    A grid-based DFT code's energy of a fixed slab moves with the height of its cell; in one cell the three energies of
    W_ad share one grid and one k-mesh, and that error cancels (:func:`adhesion_workflow`'s ``common_cell``).

    Parameters
    ----------
    film, substrate : ase.Atoms
        The film and substrate, each relaxed on its own (in-plane cell as the interface's), in the interface's atom
        order (Å).
    interface : ase.Atoms
        The relaxed interface, substrate atoms first (Å).
    n_substrate : int
        Number of substrate atoms at the start of ``interface``.

    Returns
    -------
    list of Job
        ``common_cell_film``, ``common_cell_substrate`` (task "single").
    """
    return [Job("common_cell_film", _placed_like(film, interface[n_substrate:], interface.cell), "single"),
            Job("common_cell_substrate", _placed_like(substrate, interface[:n_substrate], interface.cell), "single")]


def slab_reference_table(w_relaxed: float, relaxed_energies: tuple[float, float], frozen: tuple[float, float],
                         unrelaxed: tuple[float, float], area: float) -> list[dict]:
    """The rows of :func:`slab_reference_rows` from the slabs' energies: ``W = W_relaxed + (E_f + E_s - E_f,rel - E_s,rel) / S``.

    Parameters
    ----------
    w_relaxed : float
        The relaxed-slab W_ad [J m-2].
    relaxed_energies, frozen, unrelaxed : tuple of float
        (film, substrate) energies of each reference [eV].
    area : float
        Interface area S [Å2].

    Returns
    -------
    list of dict
        Rows relaxed, frozen, unrelaxed: ``slab_reference``, ``work_of_adhesion_J_m2``, ``film_energy_eV``,
        ``substrate_energy_eV``, ``change_from_relaxed_J_m2``, ``definition``.

    References
    ----------
    M. W. Finnis, The theory of metal-ceramic interfaces, J. Phys.: Condens. Matter 8, 5811 (1996), doi:10.1088/0953-8984/8/32/003.
    """
    register("Finnis1996")
    rows = []
    for name, (e_f, e_s) in (("relaxed", relaxed_energies), ("frozen", frozen), ("unrelaxed", unrelaxed)):
        w = w_relaxed + (e_f + e_s - sum(relaxed_energies)) / area * EV_PER_A2_TO_J_PER_M2
        rows.append({"slab_reference": name, "work_of_adhesion_J_m2": w, "film_energy_eV": e_f, "substrate_energy_eV": e_s,
                     "change_from_relaxed_J_m2": w - w_relaxed, "definition": SLAB_REFERENCES[name]})
    return rows


def slab_reference_warnings(rows: list[dict], tolerance: float) -> list[str]:
    """A warning when the frozen slabs lie more than ``tolerance`` below the relaxed ones (those relaxations stopped early).

    Parameters
    ----------
    rows : list of dict
        :func:`slab_reference_table` rows.
    tolerance : float
        Largest W_ad difference accepted [J m-2] (the level's row tolerance).

    Returns
    -------
    list of str
        The warning, or nothing.
    """
    frozen = next(r for r in rows if r["slab_reference"] == "frozen")
    below = -frozen["change_from_relaxed_J_m2"]
    if below <= tolerance:
        return []
    return [f"the slabs cut from the relaxed interface are {below:.3g} J/m2 lower in energy than the slabs relaxed on their own (more "
            f"than the tolerance {tolerance:g} J/m2): those relaxations stopped above a minimum, so the relaxed-slab W_ad is high by "
            "up to that much; relax the slabs further (--fmax, --steps)"]


#: Vacuum [Å] the W_ad workflow adds to a backend's ``min_slab_vacuum_A``, so that a relaxation that thickens the
#: interface by less than this is not padded (assumed: relaxed Li|X interfaces move by tenths of an Å).
PAD_MARGIN_A = 2.0


def _top_plane(slab: Atoms) -> tuple:
    """A slab's top plane (the one facing the film in an interface): sorted (symbol, in-plane fractional x, y) of its atoms.

    The in-plane positions count, not only the composition: one more LiF(100) plane has the same composition with Li
    and F swapped, which moves the film's registry.
    """
    sym = slab.get_chemical_symbols()
    frac = slab.get_scaled_positions(wrap=True)
    return tuple(sorted((sym[i], round(float(frac[i, 0]) % 1.0, 3) % 1.0, round(float(frac[i, 1]) % 1.0, 3) % 1.0)
                        for i in layer_planes(slab)[-1]))


#: Most planes a substrate-thickness scan adds (beyond it the scan is left out: Li2O(111) repeats its top plane, in-plane
#: position included, only every 9 planes).
STACKING_STEP_MAX = 6


def _stacking_step(bulk_conv: Atoms, miller: Sequence[int], layers: int, termination: int = 0, most: int = STACKING_STEP_MAX) -> int:
    """Fewest planes to add to a ``layers``-plane slab for a thicker one with the same top plane and stoichiometry.

    A thickness scan that adds 2 planes to Li2CO3(001) or Li2O(111) puts another plane at the interface (review s41 D3):
    the scan would compare two different interfaces. Returns ``most`` + 1 when no step up to ``most`` repeats them.
    """
    ref = make_slab(bulk_conv, miller, layers, 10.0, termination)
    want = (_top_plane(ref), ref.info["stoichiometric"])
    for step in range(1, most + 1):
        s = make_slab(bulk_conv, miller, layers + step, 10.0, termination)
        if (_top_plane(s), s.info["stoichiometric"]) == want:
            return step
    return most + 1


def _computed_cell(calc: Any, atoms: Atoms) -> Any:
    """The cell ``calc`` computes ``atoms`` in [Å]: the backend's own (CP2K pads a slab's vacuum), else ``atoms``'."""
    own = getattr(calc, "computed_cell", None)
    return np.asarray(own(atoms) if own is not None else atoms.cell.array, dtype=float)


def _padded(calc: Any, atoms: Atoms) -> bool:
    """Whether ``calc`` computes ``atoms`` in another cell than their own (a backend that pads the vacuum: CP2K)."""
    return not np.allclose(_computed_cell(calc, atoms), atoms.cell.array, rtol=0, atol=1e-9)


def _vacuum_of(calc: Any, atoms: Atoms) -> float:
    """Vacuum [Å] across the cell ``calc`` computes ``atoms`` in (None: their own cell): cell height minus the slab's extent."""
    cell = atoms.cell.array if calc is None else _computed_cell(calc, atoms)
    return float(cell[2, 2]) - float(np.ptp(atoms.positions[:, 2]))


def _placed_like(atoms: Atoms, where: Atoms, cell: Any) -> Atoms:
    """``atoms`` in ``cell``, translated onto ``where`` (the same atoms in an interface: same order and count).

    The translation is the mean displacement from ``atoms`` to ``where``, taken in-plane by the minimum image; the
    slab's own relaxed geometry is kept. Used to put a relaxed slab in the interface's cell with its in-plane registry
    as in the interface, so that a grid-based DFT code computes the three energies of W_ad on one grid (the DFT
    backends re-centre a slab along z before computing, so the z placement does not survive there).

    Parameters
    ----------
    atoms : ase.Atoms
        The relaxed slab (its own cell; same in-plane cell as ``cell``).
    where : ase.Atoms
        The same atoms as they sit in the interface [Å].
    cell : array-like
        The interface cell [Å].

    Returns
    -------
    ase.Atoms
        A translated copy in ``cell``.
    """
    out = atoms.copy()
    out.set_cell(cell, scale_atoms=False)
    d = where.positions - out.positions
    frac = np.linalg.solve(np.asarray(cell).T, d.T).T  # fractional displacements in the interface cell
    frac[:, :2] -= np.round(frac[:, :2] - frac[:1, :2])  # the same in-plane image as the first atom's
    shift = (frac.mean(axis=0)) @ np.asarray(cell)
    out.positions += shift
    return out


def _fmax_text(fmax: float | None) -> str:
    """A final force for a message [eV/Å]: "?" where the job did not record one."""
    return "?" if fmax is None or not math.isfinite(fmax) else f"{fmax:.3g}"


#: Rigid offset of the film [Å] at which :func:`film_gap_check` probes the energy on each side of a relaxed interface.
#: Assumed: a quarter of the ~1 Å width of the adhesion well near its minimum (the rigid D3 profile of Ji2025's Li|LiF cell
#: rose by 0.05 / 0.17 eV at 0.15 / 0.30 Å, records README), large enough to see a slope the force criterion let through.
GAP_CHECK_STEP_A = 0.25
#: Smallest gain of W_ad [J/m²] that sends :func:`film_gap_check` into a second relaxation: the publication level's row
#: tolerance (:data:`ROW_TOLERANCES_J_M2`). A grid-based DFT code re-centres each structure, so a probe moves the slabs
#: against the grid by half the film's move; measured (review s58, GPAW LCAO dzp, h 0.2 Å) a rigid shift of 0.10 / 0.15 Å
#: changes a two-plane LiF(001) slab's energy by 0.002 / 0.003 J/m² (a Li slab's by 0.0001): the threshold stays above it.
GAP_CHECK_GAIN_J_M2 = 0.005
#: Largest rigid move [Å] of the film that starts the second relaxation (four probe steps): the parabola through three
#: points is trusted no further.
GAP_CHECK_MAX_MOVE_A = 4 * GAP_CHECK_STEP_A


def film_gap_check(ctx: Any, relaxed: JobResult, n_substrate: int, area_A2: float, fmax: float, steps: int,
                   fixed: tuple[int, ...], sane: Callable[[JobResult], None]) -> tuple[JobResult, dict]:
    """Is a relaxed interface at a minimum along its film's rigid approach? If not, relax it again from there.

    A position relaxation stops when the largest force on any atom is below ``fmax``. A film held by dispersion feels a
    small pull on each atom but a large one in total (0.6 eV/Å on the 48-atom film of Ji2025's Li|LiF cell, ~0.01 eV/Å
    per atom, which a PBE-D3 LCAO relaxation left at 3.48 Å where the rigid profile's minimum lies near 2.7-3.0 Å,
    records README), so the optimiser can stop on a slope.

    Round 1 moves the film (every atom from ``n_substrate`` on) rigidly by -/+ :data:`GAP_CHECK_STEP_A` along z and
    computes a single point at each side with the relaxation's settings (the ``scan`` purpose), against a single point of
    the relaxed geometry in the same settings (a DFT calculator: its relaxation's own last energy was computed on the
    grid placed for its start; an ML potential: the relaxation's energy). A move that overlaps atoms, or that a backend
    would compute in a padded cell, is not computed. Where a side is lower by more than :data:`GAP_CHECK_GAIN_J_M2` times
    the area and the relaxation had converged, the film is moved to the vertex of the parabola through the three
    energies (to the lower side where they are not convex or the vertex overlaps atoms; at most
    :data:`GAP_CHECK_MAX_MOVE_A`) and the interface relaxed again from there, without the ML pre-relaxation. A
    relaxation stopped at its cap is only probed: rerun it with more steps first. The second relaxation is kept when it
    converged, passes ``sane`` and its final energy is lower; round 2 then checks it the same way, and says whether it
    is at a minimum (no third relaxation). Only the kept (lowest) start of a workflow is checked.

    Parameters
    ----------
    ctx : WorkflowContext
        The workflow's context (calculator, cache, job log).
    relaxed : JobResult
        The relaxed interface (substrate atoms first).
    n_substrate : int
        Number of substrate atoms.
    area_A2 : float
        Interface area [Å²].
    fmax : float
        Force target of the second relaxation [eV/Å].
    steps : int
        Step cap of the second relaxation (a count of optimiser steps).
    fixed : tuple of int
        Indices of the atoms held fixed in the second relaxation (as in the first; dimensionless).
    sane : callable
        ``sane(result)`` raises :class:`~lisse.errors.CalculationError` for an unphysical relaxed interface.

    Returns
    -------
    tuple of (JobResult, dict)
        The interface to use (the second relaxation or ``relaxed``) and a JSON-able record: ``step_A``,
        ``threshold_J_m2``, ``at_minimum`` (the last round's verdict) and ``rounds``, each with ``points``
        (``offset_A``; ``energy_change_eV`` and ``adhesion_change_J_m2`` against the round's relaxed point, a positive W
        change: the film binds more strongly there; None where the move overlaps atoms), ``at_minimum`` (no side gains
        more than the threshold) and ``relaxed_again`` (None, or ``from_offset_A``, ``energy_change_eV`` of the final
        energies, ``adhesion_change_J_m2``, ``converged``, ``n_steps``, ``kept``, ``problem``).

    References
    ----------
    W_ad = (E_film + E_substrate - E_interface) / A: with the slabs' energies fixed, a change of the interface's energy
    is minus the change of W_ad times the area. Vertex of the parabola through (-h, E-), (0, E0), (h, E+):
    x* = h (E- - E+) / (2 (E- - 2 E0 + E+)).
    """
    h = GAP_CHECK_STEP_A
    rounds: list[dict] = []
    current = relaxed
    for k in (1, 2):
        if ctx.calculator.info.kind == "dft":  # the probes' grid placement (each structure is re-centred), and their settings
            e0 = ctx.run(Job(f"{current.name}_gap+0.00", current.atoms, "single", purpose="scan")).energy_eV
        else:
            e0 = current.ranking_energy_eV  # the relaxation's own settings
        cell = _computed_cell(ctx.calculator, current.atoms)
        points = []
        for offset in (-h, h):
            moved = current.atoms.copy()
            moved.positions[n_substrate:, 2] += offset
            row: dict[str, Any] = {"offset_A": offset, "energy_change_eV": None, "adhesion_change_J_m2": None, "skipped": None}
            try:
                check_distances(moved, what="gap check point")
            except CalculationError:
                row["skipped"] = "atoms overlap"
                points.append(row)
                continue
            if not np.allclose(_computed_cell(ctx.calculator, moved), cell, rtol=0, atol=1e-9):
                row["skipped"] = "the backend would pad its vacuum (another cell)"
                points.append(row)
                continue
            de = ctx.run(Job(f"{current.name}_gap{offset:+.2f}", moved, "single", purpose="scan")).energy_eV - e0
            row.update(energy_change_eV=de, adhesion_change_J_m2=-de / area_A2 * EV_PER_A2_TO_J_PER_M2)
            points.append(row)
        gains = [p for p in points if p["adhesion_change_J_m2"] is not None]
        lower = max(gains, key=lambda p: p["adhesion_change_J_m2"]) if gains else None
        at_minimum = lower is None or lower["adhesion_change_J_m2"] <= GAP_CHECK_GAIN_J_M2
        rounds.append({"points": points, "at_minimum": at_minimum, "relaxed_again": None})
        if lower is None or at_minimum or k == 2 or not current.converged:  # an unconverged relaxation goes on with more steps first
            break
        move = lower["offset_A"]
        if len(gains) == 2:
            e_minus, e_plus = (p["energy_change_eV"] for p in points)
            curvature = e_minus + e_plus  # E- - 2 E0 + E+ with E0 = 0
            if curvature > 0:
                move = float(np.clip(h * (e_minus - e_plus) / (2 * curvature), -GAP_CHECK_MAX_MOVE_A, GAP_CHECK_MAX_MOVE_A))
        start = current.atoms.copy()
        start.positions[n_substrate:, 2] += move
        try:
            check_distances(start, what="gap check start")
        except CalculationError:  # the vertex overlaps: the probed side did not
            move = lower["offset_A"]
            start = current.atoms.copy()
            start.positions[n_substrate:, 2] += move
        again = ctx.run(Job(f"{relaxed.name}_from_gap{move:+.3f}", start, "relax", fmax, steps, fixed=fixed), skip_prerelax=True)
        de = again.energy_eV - current.energy_eV
        problem = "" if again.converged else f"did not reach {fmax} eV/A in {steps} steps"
        try:
            sane(again)
        except CalculationError as exc:
            problem = str(exc)
        keep = not problem and de < 0
        rounds[-1]["relaxed_again"] = {"from_offset_A": move, "energy_change_eV": de, "adhesion_change_J_m2": -de / area_A2 * EV_PER_A2_TO_J_PER_M2,
                                       "converged": again.converged, "n_steps": again.n_steps, "kept": keep, "problem": problem}
        if not keep:
            break
        current = again
    return current, {"step_A": h, "threshold_J_m2": GAP_CHECK_GAIN_J_M2, "at_minimum": rounds[-1]["at_minimum"], "rounds": rounds}


def adhesion_problems(gap_relaxed_A: float, relaxations_converged: bool) -> list[str]:
    """Why a computed W_ad is not a work of adhesion (empty when it is).

    ``W_ad = (E_Li + E_X - E_Li|X)/A`` is the reversible work to separate two intact slabs. It is something else
    when (a) the Li film has moved into the substrate during the relaxation (the lowest Li atom below the substrate's
    outermost atom: a negative relaxed gap) — then the energy gained is a reaction/intermixing energy per area, e.g. Li
    reducing Li6PS5Cl — or (b) a relaxation stopped before its force target, so the energies are not of minima (an
    unconverged slab can even give W_ad < 0).

    Parameters
    ----------
    gap_relaxed_A : float
        Lowest film atom minus highest substrate atom after relaxation [Å].
    relaxations_converged : bool
        Whether the film, substrate and interface relaxations all reached their force target.

    Returns
    -------
    list of str
        One sentence per problem; empty when the number is a work of adhesion.
    """
    problems = []
    if gap_relaxed_A < 0.0:
        problems.append(f"Li moved into the substrate (relaxed gap {gap_relaxed_A:.2f} A < 0): the energy is an intermixing/reaction "
                        "energy per area, not a work of adhesion (check 'lisse stability Li X')")
    if not relaxations_converged:
        problems.append("a relaxation did not reach its force target (raise --steps): the energies are not of minima")
    return problems


def _check_supercells(film_supercell, substrate_supercell) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Both supercells as pairs of whole numbers >= 1, or None when neither is given."""
    if film_supercell is None and substrate_supercell is None:
        return None
    if film_supercell is None or substrate_supercell is None:
        raise ParameterError(f"give both film_supercell and substrate_supercell, or neither; got {film_supercell!r}, {substrate_supercell!r}")
    out = []
    for name, v in (("film_supercell", film_supercell), ("substrate_supercell", substrate_supercell)):
        try:
            pair = tuple(v)
        except TypeError:
            pair = ()
        if len(pair) != 2 or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= 12 for n in pair):
            raise ParameterError(f"parameter '{name}' must be two whole numbers from 1 to 12 (n1, n2); got {v!r}")
        out.append((int(pair[0]), int(pair[1])))
    return out[0], out[1]



@requires("ase", "pymatgen", feature="the interface-energy workflow")
def interface_energy_workflow(
    calculator: Any = "chgnet",
    substrate: str = "LiF",
    substrate_miller=(1, 0, 0),
    film_miller=(1, 0, 0),
    film_layers=(3, 5, 7),
    substrate_layers: int = 3,
    gap: float = 2.2,
    shift=None,
    max_strain: float = 0.03,
    max_area: float = 130.0,
    fmax: float = 0.05,
    steps: int = 150,
    cache=None,
    n_shift: int = 3,
    scan_gaps=(1.8, 2.4, 3.0),
    n_starts: int = 2,
) -> dict:
    """Interface energy gamma(Li/X) from periodic two-interface cells and the strain fit [Su2024].

    For each Li thickness n the cell X | Li(n) | (image of X) has no vacuum (two interfaces);
    ``gamma(n) = (E - n_Li mu_Li - n_X mu_X)/(2A)`` with unstrained bulk references, then
    ``gamma(n_Li) = gamma_true + n_Li sigma`` — the intercept (with its standard error) is gamma_true.
    Positions and the cell height are relaxed (in-plane cell fixed to X); the second interface's
    registry follows from the stacking and is the same for all n only when the Li layer parity is the
    same (use odd counts). The film's in-plane registry is chosen first, as the adhesion workflow chooses its starts, in
    the thinnest cell: a rigid scan of ``n_shift`` x ``n_shift`` shifts over the substrate's surface cell
    (:func:`lisse.atomistic.interfaces.registry_shifts`) at each of ``scan_gaps`` (registries have different equilibrium
    gaps), then ``relax_z`` from the ``n_starts`` best points with distinct shifts (and the best at the closest gap), and
    the lowest relaxed energy gives the registry and starting gap of every thickness. A fixed registry can be a stacking
    fault: Li(100) on Li(100) at the cell origin gave gamma = 0.41 J/m2 with CHGNet, the bulk continuation 0.001.

    Parameters
    ----------
    calculator : str, AtomisticCalculator or WorkflowContext, default "chgnet"
        The calculator (spec or instance), or a context to run in (shares its job log).
    substrate : str, default "LiF"
        Substrate material (:func:`lisse.atomistic.structures.available`) or a structure file (CIF or any format ASE reads).
    substrate_miller : sequence of int, default (1, 0, 0)
        Miller indices of the substrate surface.
    film_miller : sequence of int, default (1, 0, 0)
        Miller indices of the Li surface.
    film_layers : sequence of int, default (3, 5, 7)
        Number of Li planes of each cell (use odd counts).
    substrate_layers : int, default 3
        Number of substrate planes.
    gap : float, default 2.2
        Starting interface gap [Å].
    shift : tuple of float, optional
        In-plane registry shift of the film [Å]; None (default): the registry scan chooses it (and the starting gap;
        ``gap`` is then unused).
    max_strain : float, default 0.03
        Largest principal strain on the Li film [-] (dimensionless fraction).
    max_area : float, default 130.0
        Largest interface area [Å2].
    fmax : float, default 0.05
        Force convergence of relaxations [eV/Å].
    steps : int, default 150
        Maximum number of optimiser steps per relaxation.
    cache : ResultCache, optional
        Job result cache (e.g. :class:`lisse.io.atomistic_cache.JobCache`).
    n_shift : int, default 3
        Number of registry shifts per in-plane direction of the scan (1: the cell origin only); unused when ``shift`` is given.
    scan_gaps : sequence of float, default (1.8, 2.4, 3.0)
        Interface gaps of the rigid registry scan [Å].
    n_starts : int, default 2
        Number of scan points relaxed (``relax_z``) in the thinnest cell to choose the registry.

    Returns
    -------
    dict
        ``interface_energy_J_m2`` (fit intercept) with its stderr, ``strain_term_J_m2_per_li``, per-cell
        points, ``shift_A`` and ``gap_A`` (the registry and starting gap used), ``registry_scan`` (rigid points: shift,
        gap, energy of the thinnest cell) and ``registry_starts`` (the relaxed ones), ``substrate_termination``
        (``index``, ``n_terminations``, ``symmetric_planes``), ``substrate_shape_reference`` (None when the slabs keep
        the relaxed cell's shape; else the energy per formula unit of a bulk of the slabs' shape used as the X
        reference, beside the relaxed bulk's), ``all_relaxations_converged`` and ``warnings`` (the points that did not
        reach their force target), uncertainty and provenance. Each point has ``substrate_formula_units`` and
        ``area_A2``.

    Raises
    ------
    ParameterError
        A bad material, Miller index, layer count, strain, area, force or vacuum.
    CalculationError
        A relaxation does not converge, a sanity check fails (overlap, absurd energy, vacuum), energies
        from different calculators would be mixed, or the substrate slab is not stoichiometric.
    MissingDependencyError
        ase or pymatgen (or the calculator's package) is not installed.

    References
    ----------
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    from lisse.thermo.surfaces import interface_energy, interface_energy_strain_fit

    if isinstance(substrate, str) and substrate.strip() == "Li":
        raise ParameterError("parameter 'substrate': expected a phase other than Li (Li in a Li matrix has no interface); got 'Li'")
    check_count(n_shift, "n_shift", 1, 10, "registry shifts per in-plane direction")
    check_count(n_starts, "n_starts", 1, 50, "relaxed registry starts")
    scan_gaps = tuple(float(g) for g in scan_gaps)
    if not scan_gaps or not all(0.5 <= g <= 10.0 for g in scan_gaps):
        raise ParameterError(f"parameter 'scan_gaps' must hold gaps from 0.5 to 10 A; got {scan_gaps!r}")
    ctx = _ctx(calculator, cache, phases=("Li", substrate))
    li_b = relax_bulk(ctx, "Li")
    x_b = relax_bulk(ctx, substrate)
    x_conv = _conventional_relaxed(substrate, x_b)
    sb = make_slab(x_conv, substrate_miller, substrate_layers, 12.0)
    if not sb.info["stoichiometric"]:  # the reference n_fu E_fu would be another composition's: off by J/m2 (review s41 F5)
        raise CalculationError(f"{x_b['atoms'].get_chemical_formula(empirical=True)}{tuple(int(i) for i in substrate_miller)} slab with "
                               f"substrate_layers={substrate_layers} is {sb.get_chemical_formula()}, not stoichiometric; the interface "
                               "energy needs a stoichiometric substrate: choose another substrate_layers")
    e_fu_x = x_b["energy_per_fu_eV"]
    shape_reference = None
    if not _shape_kept(substrate, x_b):
        # a non-cubic substrate relaxes its shape as well as its volume, and its slabs have the isotropically scaled shape:
        # the X slab of every cell is referenced to a bulk of that same shape (positions relaxed), so that its shape strain
        # does not enter the intercept (review s41: 9 meV/f.u. for Li9Al4 with CHGNet, ~0.007 J/m2 of gamma_X/Li)
        r_shape = ctx.run(Job(f"bulk_{material_label(substrate)}_slab_shape", x_conv, "relax", fmax, steps))
        e_fu_x = r_shape.energy_eV / float(x_conv.info["formula_units"])
        shape_reference = {"energy_per_fu_eV": e_fu_x, "relaxed_bulk_energy_per_fu_eV": x_b["energy_per_fu_eV"],
                           "shape_strain_energy_eV_per_fu": e_fu_x - x_b["energy_per_fu_eV"], "converged": r_shape.converged}
    scan: list[dict] = []
    starts_out: list[dict] = []
    if shift is None:  # the registry of the thinnest cell: rigid scan, then relax_z of the best starts, lowest kept
        n0 = min(film_layers)
        fl0 = make_slab(_conventional_relaxed("Li", li_b), film_miller, n0, 12.0)
        m0 = lattice_matches(fl0, sb, max_strain=max_strain, max_area=max_area)[0]
        scan = _rigid_registry_scan(ctx, fl0, sb, m0, n_shift, scan_gaps, None, "iface_periodic_scan_s{si}_g{g:.2f}")
        for k, st in enumerate(_select_starts(scan, n_starts)):
            it, _, _ = build_interface(fl0, sb, m0, gap=st["gap_A"], shift=st["shift_A"], vacuum=st["gap_A"])
            r = ctx.run(Job(f"iface_periodic_start{k}_n{n0}", it, "relax_z", fmax, steps))
            starts_out.append({"shift_A": st["shift_A"], "gap_start_A": st["gap_A"], "energy_eV": r.energy_eV,
                               "converged": r.converged})
        best = min(starts_out, key=lambda r: r["energy_eV"])
        shift, gap = tuple(best["shift_A"]), float(best["gap_start_A"])
    rows = []
    for n in film_layers:
        fl = make_slab(_conventional_relaxed("Li", li_b), film_miller, n, 12.0)
        m = lattice_matches(fl, sb, max_strain=max_strain, max_area=max_area)[0]
        it, _, sub = build_interface(fl, sb, m, gap=gap, shift=shift, vacuum=gap)
        check_distances(it, what=f"interface n_Li={n}")
        r = ctx.run(Job(f"iface_periodic_n{n}", it, "relax_z", fmax, steps))
        check_distances(r.atoms, what=r.name)
        n_li_film = it.info["n_film"]
        nfu_x = len(sub) / len(x_b["atoms"]) * x_b["atoms"].info["formula_units"]
        g = interface_energy(r.energy_eV, n_li_film, li_b["energy_per_atom_eV"], nfu_x, e_fu_x, it.info["area_A2"], 2) * EV_PER_A2_TO_J_PER_M2
        rows.append({"film_layers": n, "n_li": n_li_film, "substrate_formula_units": nfu_x, "area_A2": float(it.info["area_A2"]), "gamma_J_m2": g,
                     "converged": r.converged, "fmax_final_eV_A": r.fmax_final_eV_A, "strain_percent": 100 * m.strain})
    fit = interface_energy_strain_fit([r["n_li"] for r in rows], [r["gamma_J_m2"] for r in rows])
    out = {
        "substrate": substrate,
        "interface_energy_J_m2": fit.intercept,
        "interface_energy_stderr_J_m2": fit.intercept_stderr,
        "strain_term_J_m2_per_li": fit.slope,
        "points": rows,
        "shift_A": [float(shift[0]), float(shift[1])],
        "gap_A": gap,
        "registry_scan": [{k: (None if k == "energy_eV" and not math.isfinite(v) else v) for k, v in r.items()} for r in scan],
        "registry_starts": starts_out,
        "substrate_termination": _termination_record(sb, substrate, substrate_miller)[0],
        "substrate_shape_reference": shape_reference,
        "note": "intercept of gamma(n_Li) = gamma_true + n_Li sigma is the interface energy [Su2024]; stderr from the fit residuals",
        "uncertainty": _uncertainty(ctx, "interface_energy", f"Li|{substrate}"),
        # every point of the fit said (audit s49: an unconverged relax_z point fed the intercept silently)
        "all_relaxations_converged": all(r["converged"] for r in rows) and (shape_reference is None or bool(shape_reference["converged"])),
        "warnings": [f"the interface with {r['film_layers']} Li planes did not reach its force target (fmax {_fmax_text(r['fmax_final_eV_A'])} "
                     "eV/A): its gamma is not of a minimum" for r in rows if not r["converged"]]
                    + ([] if shape_reference is None or shape_reference["converged"] else
                       [f"the {substrate} bulk of the slabs' shape (the X reference of every gamma) did not reach its force target"]),
    }
    tol = ROW_TOLERANCES_J_M2.get(level_of(ctx) or "screening")
    conv = [_row("interface_energy_J_m2", "film_layers", r["film_layers"], r["gamma_J_m2"], None, tol) for r in rows]
    # the verdicts: the fit's own standard error, and the intercept without the thinnest film (thickness convergence)
    se = fit.intercept_stderr
    conv.append(_row("interface_energy_J_m2", "strain_fit_stderr", "all points", fit.intercept,
                     None if se is None or not math.isfinite(se) else se, tol))
    if len(rows) >= 3:
        thick = sorted(rows, key=lambda r: r["n_li"])[1:]  # whatever order the film_layers were given in
        fit2 = interface_energy_strain_fit([r["n_li"] for r in thick], [r["gamma_J_m2"] for r in thick])
        conv.append(_row("interface_energy_J_m2", "strain_fit_without_thinnest", f"{thick[0]['film_layers']}+ layers",
                         fit2.intercept, fit2.intercept - fit.intercept, tol))
    out.update(method_keys(ctx, conv, "gamma(n_Li) points of the strain fit (the intercept is the result); judged: the intercept's "
                                      "standard error and its change without the thinnest film, against the level's tolerance"))
    out["provenance"] = provenance(ctx, {"film_layers": list(film_layers), "gap_A": gap, "shift_A": [float(shift[0]), float(shift[1])],
                                         "n_shift": n_shift if scan else None, "scan_gaps_A": list(scan_gaps) if scan else None,
                                         "n_starts": n_starts if scan else None, "fmax_eV_A": fmax, "steps": steps})
    return out


@requires("ase", "pymatgen", feature="the segregation workflow")
def segregation_workflow(calculator: Any = "chgnet", phase: str = "LiF", miller=(1, 0, 0), particle_radius: float | None = None, cache=None,
                         on_job=None, prerelax=None, prerelax_steps: int | None = None, **kw) -> dict:
    """Segregation of phase X in a Li matrix: gamma_X (surface fit) vs gamma_X/Li (strain fit).

    Parameters
    ----------
    calculator : str, AtomisticCalculator or WorkflowContext, default "chgnet"
        The calculator (spec or instance), or a context to run in (shares its job log).
    phase : str, default "LiF"
        The dispersed phase X (library name or structure file).
    miller : sequence of int, default (1, 0, 0)
        Miller indices of X's surface and of the X|Li interface.
    particle_radius : float, optional
        Radius of the dispersed particles [m] (gives the driving force per volume).
    cache : ResultCache, optional
        Job result cache (e.g. :class:`lisse.io.atomistic_cache.JobCache`).
    on_job : callable, optional
        Called with each finished job's result (for progress reporting; never prints).
    prerelax : str or AtomisticCalculator, optional
        ML calculator that relaxes each structure before the DFT calculator does (DFT calculators only).
    prerelax_steps : int, optional
        Largest number of optimiser steps of the pre-relaxations (default: each relaxation's ``steps``). Keep it when rerunning with more
        ``steps`` to continue DFT relaxations that stopped at the cap: the DFT job then starts from the same ML geometry.
    **kw
        Further keywords of :func:`interface_energy_workflow`.

    Returns
    -------
    dict
        ``surface_energy_J_m2``, ``interface_energy_J_m2`` (with stderr), ``delta_gamma_J_m2``,
        ``driving_force_J_m2`` (gamma_X - gamma_X/Li), ``driving_force_per_volume_J_m3``, ``delta_gamma_stderr_J_m2``
        (the surface-energy and interface-energy fits' standard errors in quadrature; None when neither has one),
        ``segregates`` (None when the driving force is within twice that error), ``verdict``,
        ``all_relaxations_converged`` and ``warnings`` (the slabs and interfaces that did not reach their force target),
        ``calculator``, ``level``, ``convergence`` (rows), uncertainty and provenance.

    Raises
    ------
    ParameterError
        A bad material, Miller index, layer count, strain, area, force or vacuum.
    CalculationError
        A relaxation does not converge, a sanity check fails (overlap, absurd energy, vacuum), or energies
        from different calculators would be mixed.
    MissingDependencyError
        ase or pymatgen (or the calculator's package) is not installed.

    References
    ----------
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    from lisse.thermo.segregation import segregation

    if isinstance(phase, str) and phase.strip() == "Li":
        raise ParameterError("phase 'Li': expected a phase dispersed in the Li matrix, not Li itself (Li in Li has no interface)")
    check_material(phase)
    check_miller(miller)
    if particle_radius is not None and not 0.0 < particle_radius < math.inf:
        raise ParameterError(f"parameter 'particle_radius' must be a finite length > 0 m; got {particle_radius!r}")
    ctx = _ctx(calculator, cache, prerelax, phases=("Li", phase), prerelax_steps=prerelax_steps)
    if on_job is not None:
        ctx.on_job = on_job
    s = surface_energy_workflow(ctx, phase, miller, (3, 5, 7))
    i = interface_energy_workflow(ctx, phase, miller, **kw)
    se = [s.get("surface_energy_fit_stderr_J_m2"), i.get("interface_energy_stderr_J_m2")]
    known = all(x is not None and math.isfinite(x) for x in se)  # one unknown error leaves the sum's unknown, never half of it
    d_se = math.sqrt(sum(x * x for x in se)) if known else None  # the two fits' errors in quadrature
    r = segregation(s["surface_energy_fit_J_m2"], i["interface_energy_J_m2"], particle_radius, stderr=d_se)
    loose = [f"{phase} slab of {x['layers']} planes" for x in s.get("slabs", []) if not x.get("converged", True)]
    loose += [f"Li|{phase} interface with {x['film_layers']} Li planes" for x in i.get("points", []) if not x.get("converged", True)]
    rows = [dict(x, quantity=f"surface_energy_{phase}_J_m2") for x in s["convergence"]] + [dict(x, quantity=f"interface_energy_{phase}_Li_J_m2") for x in i["convergence"]]
    out = {"phase": phase, "matrix": "Li", "surface_energy_J_m2": r.surface_energy_J_m2, "interface_energy_J_m2": r.interface_energy_J_m2,
           "interface_energy_stderr_J_m2": i["interface_energy_stderr_J_m2"], "delta_gamma_J_m2": r.delta_gamma_J_m2,
           "driving_force_J_m2": r.driving_force_J_m2, "driving_force_per_volume_J_m3": r.driving_force_per_volume_J_m3,
           "delta_gamma_stderr_J_m2": d_se, "segregates": r.segregates, "verdict": r.verdict,
           "substrate_termination": i["substrate_termination"], "all_relaxations_converged": not loose,
           "warnings": ([f"relaxation(s) that did not reach their force target: {', '.join(loose)}"] if loose else [])
                       + ([] if known else ["the driving force's standard error is not known (a fit without one): the verdict "
                                            "rests on its sign alone"])}
    out.update(method_keys(ctx, rows, "gamma_X vs slab thickness and gamma_X/Li vs Li thickness (strain-fit points), computed here; k-points "
                                      "and cut-off: lisse.atomistic.convergence"))
    out["uncertainty"] = _uncertainty(ctx, "segregation", f"{phase} in Li")
    out["provenance"] = provenance(ctx, {"miller": list(miller)})
    return out


@requires("ase", "pymatgen", feature="the adsorption workflow")
def adsorption_workflow(calculator: Any = "chgnet", substrate: str = "LiF", miller=(1, 0, 0), layers: int = 3, supercell=(2, 2), height: float = 2.0,
                        vacuum: float = 12.0, fmax: float = 0.05, steps: int = 150, cache=None) -> dict:
    """Li adatom adsorption energy on a slab, referenced to bulk Li (see :mod:`lisse.thermo.adsorption`).

    The adatom starts ``height`` A above the hollow site of the top plane (centre of the surface cell).

    Parameters
    ----------
    calculator : str, AtomisticCalculator or WorkflowContext, default "chgnet"
        The calculator (spec or instance), or a context to run in (shares its job log).
    substrate : str, default "LiF"
        Substrate material.
    miller : sequence of int, default (1, 0, 0)
        Miller indices of the surface.
    layers : int, default 3
        Number of atomic planes of the slab.
    supercell : tuple of int, default (2, 2)
        Number of in-plane repetitions of the surface cell along a and b.
    height : float, default 2.0
        Starting height of the adatom above the top plane [Å].
    vacuum : float, default 12.0
        Vacuum thickness [Å].
    fmax : float, default 0.05
        Force convergence of relaxations [eV/Å].
    steps : int, default 150
        Maximum number of optimiser steps per relaxation.
    cache : ResultCache, optional
        Job result cache (e.g. :class:`lisse.io.atomistic_cache.JobCache`).

    Returns
    -------
    dict
        ``adsorption_energy_eV`` (vs bulk Li per atom), ``converged``, uncertainty and provenance.

    Raises
    ------
    ParameterError
        A bad material, Miller index, layer count, strain, area, force or vacuum.
    CalculationError
        A relaxation does not converge, a sanity check fails (overlap, absurd energy, vacuum), or energies
        from different calculators would be mixed.
    MissingDependencyError
        ase or pymatgen (or the calculator's package) is not installed.

    References
    ----------
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    from lisse.thermo.adsorption import adsorption_energy

    ctx = _ctx(calculator, cache, phases=("Li", substrate))
    li_b = relax_bulk(ctx, "Li")
    x_b = relax_bulk(ctx, substrate)
    s = make_slab(_conventional_relaxed(substrate, x_b), miller, layers, vacuum).repeat((supercell[0], supercell[1], 1))
    s = set_vacuum(s, vacuum)
    fixed = _fix_bottom(s, 1)
    r_slab = ctx.run(Job(f"ads_slab_{material_label(substrate)}", s, "relax", fmax, steps, fixed=fixed))
    from ase import Atoms

    a = r_slab.atoms.copy()
    a.set_constraint()
    top = a.positions[:, 2].max()
    c = 0.5 * (a.cell[0] + a.cell[1]) / max(supercell)
    a += Atoms("Li", positions=[[c[0], c[1], top + height]])
    a = set_vacuum(a, vacuum)
    check_distances(a, what="adatom start")
    r = ctx.run(Job(f"ads_{material_label(substrate)}_Li", a, "relax", fmax, steps, fixed=_fix_bottom(a, 1)))
    check_distances(r.atoms, what=r.name)
    e = adsorption_energy(r.energy_eV, r_slab.energy_eV, li_b["energy_per_atom_eV"])
    return {"substrate": substrate, "miller": list(miller), "adsorption_energy_eV": e, "reference": "bulk Li (per atom)",
            "converged": bool(r.converged and r_slab.converged), "uncertainty": _uncertainty(ctx, "adsorption_energy", f"Li on {substrate}"), "provenance": provenance(ctx, {"height_A": height, "supercell": list(supercell)})}


#: Keys an :func:`adhesion_workflow` result must carry to start DFT decks (:func:`ml_construction`).
ML_RESULT_KEYS = ("substrate", "film_miller", "substrate_miller", "starts")


def _supercell_text(sc: dict | None) -> str:
    """'forced supercells 4x4,3x3 (conventional cells)' or 'the coherent search' for a result's ``supercells``."""
    if not sc:
        return "the coherent search"
    return f"forced supercells {sc['film'][0]}x{sc['film'][1]},{sc['substrate'][0]}x{sc['substrate'][1]} ({sc.get('cell', 'conventional')} cells)"


#: Interface gaps an ML start may carry [Å] (the rigid scan's range; outside it the start is not an interface).
ML_START_GAP_RANGE_A = (0.5, 6.0)


def _ml_start(ml_result: dict) -> tuple[tuple[float, float], float]:
    """The registry shift [Å] and relaxed gap [Å] of an ML result's lowest sane start, checked (ParameterError naming the key)."""
    starts = ml_result.get("starts")
    if not isinstance(starts, list) or not all(isinstance(x, dict) for x in starts):
        raise ParameterError(f"parameter 'ml_result': its starts must be a list of objects; found {type(starts).__name__}")
    sane = []
    for x in starts:
        e, sh = x.get("energy_eV"), x.get("shift_A")
        ok_e = isinstance(e, (int, float)) and not isinstance(e, bool) and math.isfinite(e)
        ok_s = (isinstance(sh, list) and len(sh) == 2
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in sh))
        if not (ok_e and ok_s):
            raise ParameterError(f"parameter 'ml_result': a start needs a finite energy_eV and two finite shift_A values; found {e!r}, {sh!r}")
        if x.get("sane", True):
            sane.append(x)
    if not sane:
        raise ParameterError(f"parameter 'ml_result': expected at least one sane start; found {len(starts)} start(s), none sane")
    best = min(sane, key=lambda x: x["energy_eV"])
    gap = ml_result.get("interface_gap_relaxed_A")
    lo, hi = ML_START_GAP_RANGE_A
    if not (isinstance(gap, (int, float)) and not isinstance(gap, bool) and lo < gap <= hi):
        raise ParameterError(f"parameter 'ml_result': its interface_gap_relaxed_A must be a gap from {lo} to {hi} A; found {gap!r}")
    return (float(best["shift_A"][0]), float(best["shift_A"][1])), float(gap)


def _check_ml_termination(ml_result: dict, sb: Atoms, x: Atoms, miller: Sequence[int], layers: int, vacuum: float) -> None:
    """The decks' substrate termination must be the ML run's by its planes (the index can differ between lattices)."""
    n = int(sb.info.get("n_terminations", 1))
    if n <= 1:
        return
    rec = ml_result.get("substrate_termination")
    planes = rec.get("planes") if isinstance(rec, dict) else None
    if not isinstance(planes, list):
        raise ParameterError(f"parameter 'ml_result': it does not record its termination's planes (written by an older lisse), and "
                             f"this surface has {n} terminations whose order can change with the lattice constant; rerun it")
    if same_plane_profile(plane_profile(sb), planes):
        return
    match = [k for k in range(n) if same_plane_profile(plane_profile(make_slab(x, miller, layers, vacuum, k)), planes)]
    top = "/".join(p.get("composition", "?") for p in planes[:3])
    where = f"termination {match[0]} here: give --termination {match[0]}" if match else "no termination here has them"
    raise ParameterError(f"parameter 'ml_result': its termination has the planes {top}... from the top; termination "
                         f"{sb.info['termination']} of these decks does not ({where})")


def _hexagonal_net(slab: Atoms) -> bool:
    """Whether a slab's surface cell is a hexagonal net (equal sides at 60/120 degrees), where its reduced basis is a tie."""
    a, b = slab.cell.array[0, :2], slab.cell.array[1, :2]
    la, lb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return abs(la - lb) <= 1e-3 * la and abs(abs(float(a @ b)) / (la * lb) - 0.5) <= 1e-3


def _check_ml_construction(ml_result: dict, construction: dict) -> None:
    """Refuse an ML start built on another construction than the decks' (a ParameterError naming the first difference).

    Keys the ML result does not carry are not compared (a hand-made start); :func:`adhesion_workflow` results carry all.
    """
    theirs_strain = ml_result.get("strained", "film")
    if theirs_strain != construction["strained"]:  # its registry and gap belong to another construction
        raise ParameterError(f"parameter 'ml_result': built with the strain on {theirs_strain!r}; "
                             f"expected {construction['strained']!r} (give strained={theirs_strain!r})")
    theirs_sc = ml_result.get("supercells") or None
    if theirs_sc is not None:
        if not (isinstance(theirs_sc, dict) and all(_int_pair(theirs_sc.get(k)) for k in ("film", "substrate"))
                and theirs_sc.get("cell", "conventional") in ("conventional", "slab")):
            raise ParameterError(f"parameter 'ml_result': its supercells must be {{film: [n, m], substrate: [n, m], cell}}; found {theirs_sc!r}")
        theirs_sc = {"film": list(theirs_sc["film"]), "substrate": list(theirs_sc["substrate"]), "cell": theirs_sc.get("cell", "conventional")}
    if theirs_sc != construction["supercells"]:
        raise ParameterError(f"parameter 'ml_result': built on {_supercell_text(theirs_sc)}; expected "
                             f"{_supercell_text(construction['supercells'])} (give the ML run's supercells to the decks)")
    for key, theirs in (("substrate", ml_result.get("substrate")), ("film_miller", ml_result.get("film_miller")),
                        ("substrate_miller", ml_result.get("substrate_miller"))):
        if theirs is not None and theirs != construction[key]:
            raise ParameterError(f"parameter 'ml_result': its {key} is {theirs!r}; these decks build {construction[key]!r}")


def _int_pair(v: Any) -> bool:
    return isinstance(v, list) and len(v) == 2 and all(isinstance(i, int) and not isinstance(i, bool) and 1 <= i <= 12 for i in v)


def ml_construction(ml_result: dict) -> dict:
    """The :func:`adhesion_jobs` arguments that rebuild the construction of an :func:`adhesion_workflow` result.

    So that DFT decks started from an ML run (``adhesion_jobs(ml_result=...)``) are built as that run was: substrate,
    Miller indices, strain side, forced supercells, termination and, where the result records them, the layer counts.

    Parameters
    ----------
    ml_result : dict
        An :func:`adhesion_workflow` result (the ``lisse wetting Li X --json`` object).

    Returns
    -------
    dict
        Keyword arguments of :func:`adhesion_jobs`: ``substrate``, ``substrate_miller``, ``film_miller``, ``strained``,
        ``substrate_termination`` (the index on the experimental lattice whose planes are the run's, when the run
        records them), and ``film_supercell``, ``substrate_supercell``, ``supercell_cell`` for forced supercells,
        ``film_layers``, ``substrate_layers`` where the result records them (provenance settings or checks).

    Raises
    ------
    ParameterError
        Not a work-of-adhesion result (no ``substrate``, ``film_miller``, ``substrate_miller`` or ``starts``), e.g. a
        screen or another command's output, or a value of the wrong kind (the key is named).
    """
    if not isinstance(ml_result, dict) or not all(k in ml_result for k in ML_RESULT_KEYS):
        found = (f"a {type(ml_result).__name__}" if not isinstance(ml_result, dict)
                 else "no " + ", ".join(k for k in ML_RESULT_KEYS if k not in ml_result))
        raise ParameterError(f"parameter 'ml_result': expected one work-of-adhesion result (lisse wetting Li X --json) with "
                             f"{', '.join(ML_RESULT_KEYS)}; found {found}")
    def bad(key: str, value: Any, expected: str) -> ParameterError:
        return ParameterError(f"parameter 'ml_result': its {key} must be {expected}; found {value!r}")

    if not isinstance(ml_result["substrate"], str):
        raise bad("substrate", ml_result["substrate"], "a material name or structure file")
    for key in ("film_miller", "substrate_miller"):
        v = ml_result[key]
        if not (isinstance(v, list) and len(v) == 3 and all(isinstance(i, int) and not isinstance(i, bool) for i in v)):
            raise bad(key, v, "three whole numbers")
    strained = ml_result.get("strained", "film")
    if strained not in STRAIN_SIDES:
        raise bad("strained", strained, f"one of {', '.join(STRAIN_SIDES)}")
    rec = ml_result.get("substrate_termination")
    index = 0 if rec is None else (rec.get("index") if isinstance(rec, dict) else rec)
    if not (isinstance(index, int) and not isinstance(index, bool) and index >= 0):
        raise bad("substrate_termination", rec, "an object with a whole-number index")
    kw: dict = {"substrate": ml_result["substrate"], "substrate_miller": tuple(ml_result["substrate_miller"]),
                "film_miller": tuple(ml_result["film_miller"]), "strained": strained, "substrate_termination": index}
    sc = ml_result.get("supercells")
    if sc:
        if not (isinstance(sc, dict) and _int_pair(sc.get("film")) and _int_pair(sc.get("substrate"))
                and sc.get("cell", "conventional") in ("conventional", "slab")):
            raise bad("supercells", sc, "{film: [n, m], substrate: [n, m], cell}")
        kw.update(film_supercell=tuple(sc["film"]), substrate_supercell=tuple(sc["substrate"]), supercell_cell=sc.get("cell", "conventional"))
    # the layer counts: provenance settings (from 2026-12-05) or the checks every result has carried
    prov = ml_result.get("provenance")
    settings: dict = prov["settings"] if isinstance(prov, dict) and isinstance(prov.get("settings"), dict) else {}
    checks_v = ml_result.get("checks")
    checks: dict = checks_v if isinstance(checks_v, dict) else {}
    for key in ("film_layers", "substrate_layers"):
        v = settings.get(key, checks.get(key))
        if v is not None:
            if not (isinstance(v, int) and not isinstance(v, bool) and 1 <= v <= 200):
                raise bad(key, v, "a whole number of planes")
            kw[key] = v
    # the termination by its planes: pymatgen's order can differ on these (experimental) lattices from the ML run's
    planes = rec.get("planes") if isinstance(rec, dict) else None
    n_terms = rec.get("n_terminations", 1) if isinstance(rec, dict) else 1
    if isinstance(planes, list) and isinstance(n_terms, int) and n_terms > 1:
        xb = build_bulk(kw["substrate"])
        layers = int(kw.get("substrate_layers", 3))
        same = [k for k in range(n_terms) if same_plane_profile(plane_profile(make_slab(xb, kw["substrate_miller"], layers, 15.0, k)), planes)]
        if same:
            kw["substrate_termination"] = same[0]
    return kw


@requires("ase", "pymatgen", feature="building the work-of-adhesion jobs")
def adhesion_jobs(
    substrate: str = "LiF",
    substrate_miller=(1, 0, 0),
    film_miller=(1, 0, 0),
    substrate_layers: int = 3,
    film_layers: int = 5,
    li_slab_layers=(5, 7),
    max_strain: float = 0.03,
    max_area: float = 130.0,
    vacuum: float = 15.0,
    gap: float = 2.2,
    shift=(0.0, 0.0),
    ml_result: dict | None = None,
    fix_substrate_planes: int = 1,
    strained: str = "film",
    film_supercell=None,
    substrate_supercell=None,
    supercell_cell: str = "conventional",
    substrate_termination: int = 0,
) -> list[Job]:
    """The jobs a DFT W_ad + theta calculation needs, for writing decks (:func:`lisse.io.dft_decks.write_decks`).

    Structures are built from the experimental lattices (or, with ``ml_result`` from
    :func:`adhesion_workflow`, its best registry shift and relaxed gap are used as the start — the ML
    path as a pre-relaxer). The interface is the one :func:`adhesion_workflow` builds from the same arguments: the
    coherent search, or the forced supercells (``film_supercell``, ``substrate_supercell``, ``supercell_cell``), on
    the chosen substrate termination. Job names are the ones :func:`lisse.io.dft_decks.adhesion_from_files` reads:
    ``bulk_Li``, ``bulk_<X>``, ``slab_Li_n<k>``, ``film_strained``, ``substrate``, ``interface``.

    An ML start is only meaningful on its own construction, so ``ml_result`` is refused (a ParameterError naming
    the difference) unless it was built as these decks are: the same substrate and Miller indices, strain side,
    supercells, termination and number of interface atoms (the layer counts). The decks then use its supercell
    matrices (``film_matrix``, ``substrate_matrix``) on the experimental lattices, so that a search on these
    lattices cannot pick another cell. Its registry shift is carried over in Å, so the ML lattice's difference from
    the experimental one (about 1 %) moves the registry by as much. :func:`ml_construction` gives the arguments that
    rebuild an ML result's construction.

    Parameters
    ----------
    substrate : str, default "LiF"
        Substrate material (:func:`lisse.atomistic.structures.available`) or a structure file (CIF or any format ASE reads).
    substrate_miller : sequence of int, default (1, 0, 0)
        Miller indices of the substrate surface.
    film_miller : sequence of int, default (1, 0, 0)
        Miller indices of the Li surface.
    substrate_layers : int, default 3
        Number of substrate planes.
    film_layers : int, default 5
        Number of Li planes of the interface.
    li_slab_layers : sequence of int, default (5, 7)
        Number of planes of the Li slabs for sigma_Li.
    max_strain : float, default 0.03
        Largest principal strain on either slab of the coherent search [-] (dimensionless fraction; Li by default, see ``strained``).
    max_area : float, default 130.0
        Largest interface area [Å2].
    vacuum : float, default 15.0
        Vacuum thickness [Å].
    gap : float, default 2.2
        Interface gap [Å] (replaced by the ML result's when given).
    shift : tuple of float, default (0.0, 0.0)
        In-plane registry shift [Å] in the unstrained substrate's frame, as the workflow's ``starts`` report it (replaced
        by the ML result's when given; :func:`lisse.atomistic.interfaces.build_interface` maps it onto a strained substrate).
    ml_result : dict, optional
        An :func:`adhesion_workflow` result whose best registry and gap start the DFT structures.
    fix_substrate_planes : int, default 1
        Number of bottom substrate planes held fixed.
    strained : {"film", "substrate", "both"}, default "film"
        Which slab takes the lattice mismatch (:func:`lisse.atomistic.interfaces.strain_on`); an ``ml_result`` must
        have been built the same way.
    film_supercell, substrate_supercell : tuple of int, optional
        Fixed in-plane supercells of Li and the substrate (count; e.g. ``(4, 4)`` and ``(3, 3)``, Ji2025's Li|LiF)
        instead of the coherent search; give both or neither.
    supercell_cell : {"conventional", "slab"}, default "conventional"
        What the supercells count (:func:`lisse.atomistic.interfaces.forced_match`).
    substrate_termination : int, default 0
        Index of the substrate termination (:func:`lisse.atomistic.slabs.terminations`).

    Returns
    -------
    list of Job
        ``bulk_Li``, ``bulk_<X>``, ``slab_Li_n<k>``, ``film_strained``, ``substrate``, ``interface``.

    Raises
    ------
    ParameterError
        A bad material, Miller index, layer count, strain, area, supercell or termination; an ``ml_result`` built
        on another construction.
    CalculationError
        No lattice match, or overlapping atoms.

    References
    ----------
    Ji et al., Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type solid-state batteries, Nat. Commun. (2025).
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    _check_interface_inputs(substrate, substrate_miller, film_miller, substrate_layers, film_layers, max_strain, max_area)
    check_strain_side(strained)
    forced = _check_supercells(film_supercell, substrate_supercell)
    check_count(substrate_termination, "substrate_termination", 0, 1000)
    construction = {
        "substrate": substrate, "film_miller": [int(v) for v in film_miller], "substrate_miller": [int(v) for v in substrate_miller],
        "strained": strained,
        "supercells": None if forced is None else {"film": list(forced[0]), "substrate": list(forced[1]), "cell": supercell_cell},
    }
    start = None
    if ml_result is not None:  # before anything is built: a difference is named, not found as a strange strain later
        start = _ml_start(ml_result)
        _check_ml_construction(ml_result, construction)
    li = build_bulk("Li")
    x = build_bulk(substrate)
    fl = make_slab(li, film_miller, film_layers, vacuum)
    sb = make_slab(x, substrate_miller, substrate_layers, vacuum, substrate_termination)
    from lisse.atomistic.interfaces import forced_match

    if start is not None and ml_result is not None:
        _check_ml_termination(ml_result, sb, x, substrate_miller, substrate_layers, vacuum)
        shift, gap = start
    if start is not None and ml_result is not None and ml_result.get("film_matrix") is not None and ml_result.get("substrate_matrix") is not None:
        for slab, what in ((fl, "Li"), (sb, substrate)):
            if _hexagonal_net(slab):
                raise ParameterError(f"parameter 'ml_result': its supercell matrices are ambiguous on the hexagonal {what} surface net "
                                     "(its reduced basis can turn between 60 and 120 degrees with the lattice constant, so the same "
                                     "matrix means another cell here); start the decks without the ML run, or give --supercells")
        # the ML run's own cell, rebuilt on these lattices (a search here could pick another cell or another turn of it)
        m = strain_on(forced_match(fl, sb, ml_result["film_matrix"], ml_result["substrate_matrix"], cell="slab", turn_film=False), fl, sb, strained)
    elif forced is not None:
        m = strain_on(forced_match(fl, sb, forced[0], forced[1], cell=supercell_cell), fl, sb, strained)
    else:
        m = lattice_matches(fl, sb, max_strain=max_strain, max_area=max_area, strained=strained)[0]
    jobs = [Job("bulk_Li", build_bulk("Li", primitive=True), "relax_cell"), Job(f"bulk_{material_label(substrate)}", build_bulk(substrate, primitive=True), "relax_cell")]
    for n in li_slab_layers:
        jobs.append(Job(f"slab_Li_n{n}", make_slab(li, film_miller, n, vacuum), "relax"))
    it, fil, sub = build_interface(fl, sb, m, gap=gap, shift=shift, vacuum=vacuum)
    if ml_result is not None and ml_result.get("n_atoms_interface") not in (None, len(it)):
        raise ParameterError(f"parameter 'ml_result': its interface has {ml_result['n_atoms_interface']} atoms; these decks build "
                             f"{len(it)} ({film_layers} Li planes, {substrate_layers} substrate planes): give the ML run's layer counts "
                             "(film_layers, substrate_layers; --film-layers, --substrate-layers)")
    n_sub = len(sub)
    jobs += [
        Job("film_strained", fil, "relax"),
        Job("substrate", sub, "relax", fixed=_fix_bottom(sub, fix_substrate_planes)),
        Job("interface", it, "relax", fixed=_fix_bottom(it[:n_sub], fix_substrate_planes)),
    ]
    for j in jobs:
        check_distances(j.atoms, what=j.name)
    return jobs
