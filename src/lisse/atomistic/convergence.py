"""Convergence you can see: k-points, basis/cut-off, slab thickness and vacuum, checked at a stated level.

The energy comes from a plain function ``energy(atoms, settings) -> eV`` (:data:`EnergyFunction`), so the same
checks run with GPAW (or any DFT/ML code wrapped that way) and, in the tests, with an analytic fake whose limit is
known. ``settings`` holds the electronic settings being varied, with units in the keys: ``kspacing_inv_A`` (k-point
spacing, Å-1; smaller is denser), ``cutoff_eV`` (plane-wave cut-off) or ``basis`` (LCAO basis name); the
structural ones (``layers``, ``vacuum_A``) are applied here when the structures are built and also passed on.

Each parameter is scanned over its values with the others held at the base (production) settings; a row per value
gives the result, its change from the previous value and whether that change is within the level's tolerance.
A parameter is converged at its base value when the change from the base value to the next finer value is within
tolerance (a base at the finest value scanned cannot be checked and counts as not converged).

Surface energies use the Fiorentini–Methfessel construction: gamma from two slabs of N1 < N2 planes,
``gamma = (E(N2) - n2 e_b) / (2A)`` with ``e_b = (E(N2) - E(N1)) / (n2 - n1)`` the slope of E_slab against the
number of formula units — no separately computed bulk energy, so the value does not drift linearly with thickness
when the bulk reference is not perfectly consistent with the slabs (Fiorentini & Methfessel 1996). The thickness
rows are these two-slab estimates for successive pairs. The work of adhesion ``(E_film + E_substrate -
E_interface)/A`` needs no bulk reference; its thickness rows vary the film (Li) thickness (``layers``) and the
substrate's (``substrate_layers``).

The workflows scan around their own production settings (:func:`level_around`: the calculator's k-spacing and
cut-off, the run's slab thicknesses and vacuum), with the level's tolerances; :data:`LEVELS` holds the default
scans for a check run on its own.

Tolerances (stated, not tuned): work of adhesion 0.02 J/m2 ("screening") and 0.005 J/m2 ("publication"); surface
energy 2 % and 0.5 % — the issue's accuracy targets: W_ad is compared with published values to 0.1 J/m2, so 0.02 is
a fifth of that; 0.005 J/m2 is below the spread between PBE codes for Li surfaces.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lisse.constants import ELEMENTARY_CHARGE
from lisse.errors import CalculationError, ParameterError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from ase import Atoms  # ase is imported at run time only by the functions that need it

__all__ = ["ConvergenceLevel", "ConvergenceResult", "LEVELS", "get_level", "fiorentini_methfessel",
           "level_around", "calculator_energy", "gpaw_energy", "surface_energy_convergence", "adhesion_convergence"]

#: ``energy(atoms, settings) -> total energy [eV]`` (a type alias; not in ``__all__``, autodoc cannot document it).
EnergyFunction = Callable[["Atoms", Mapping[str, Any]], float]

_EV_PER_A2_TO_J_PER_M2 = ELEMENTARY_CHARGE / 1e-20
#: Electronic settings scanned (the structural ones, ``layers`` and ``vacuum_A``, are handled separately).
_ELECTRONIC = ("kspacing_inv_A", "cutoff_eV", "basis")
_STRUCTURAL = ("layers", "substrate_layers", "vacuum_A")
#: Most energy evaluations one convergence check may ask for (each is a DFT calculation).
MAX_EVALUATIONS = 200


@dataclass(frozen=True)
class ConvergenceLevel:
    """Tolerances and scanned values of one convergence level.

    Parameters
    ----------
    name : str
        ``"screening"`` or ``"publication"`` (or a user's own).
    work_of_adhesion_tol_J_m2 : float
        Largest accepted change of W_ad between successive values [J m-2].
    surface_energy_rel_tol : float
        Largest accepted relative change of a surface energy [-] (fraction).
    scans : dict
        Values scanned per parameter, coarse to fine; the first value of ``base`` in each scan is the production
        setting. Keys: ``kspacing_inv_A`` [Å-1] (decreasing), ``cutoff_eV`` [eV] (increasing), ``layers`` (count),
        ``vacuum_A`` [Å].
    base : dict
        Production settings (one value of each scan).
    """

    name: str
    work_of_adhesion_tol_J_m2: float
    surface_energy_rel_tol: float
    scans: dict = field(default_factory=dict)
    base: dict = field(default_factory=dict)


#: The two levels. Base values are the production settings; the scans put one finer value after each base.
LEVELS: dict[str, ConvergenceLevel] = {
    "screening": ConvergenceLevel(
        "screening", 0.02, 0.02,
        scans={"kspacing_inv_A": (0.35, 0.25, 0.18), "cutoff_eV": (300.0, 400.0, 500.0), "layers": (3, 5, 7), "vacuum_A": (8.0, 10.0, 12.0)},
        base={"kspacing_inv_A": 0.25, "cutoff_eV": 400.0, "layers": 5, "vacuum_A": 10.0},
    ),
    "publication": ConvergenceLevel(
        "publication", 0.005, 0.005,
        scans={"kspacing_inv_A": (0.25, 0.18, 0.12), "cutoff_eV": (400.0, 500.0, 600.0), "layers": (5, 7, 9, 11), "vacuum_A": (10.0, 12.0, 15.0)},
        base={"kspacing_inv_A": 0.18, "cutoff_eV": 500.0, "layers": 9, "vacuum_A": 12.0},
    ),
}


#: Tolerances of the CI's "test" level (a pipeline check on coarse settings, not a convergence statement).
TEST_LEVEL = ConvergenceLevel("test", 0.05, 0.05)
#: Ratios of the coarser and finer k-spacing to the production one (the screening scan 0.35 / 0.25 / 0.18).
KSPACING_STEPS = (1.4, 0.72)
#: Cut-off steps below and above the production one [eV] (the screening scan 300 / 400 / 500).
CUTOFF_STEP_EV = 100.0
#: Thinnest slab, vacuum and cut-off a scan goes down to (planes; Å; eV).
MIN_SCAN_LAYERS, MIN_SCAN_VACUUM_A, MIN_SCAN_CUTOFF_EV = 2, 6.0, 200.0


def level_around(level: str | ConvergenceLevel, kspacing_inv_A: float, cutoff_eV: float, layers: int, vacuum_A: float,
                 substrate_layers: int | None = None, thickest: bool = False, substrate_step: int = 2) -> ConvergenceLevel:
    """The level's tolerances with scans centred on a run's own production settings.

    Each scan holds one coarser value (where it stays physical), the production value (the base) and one finer
    value: k-spacing x1.4 / x1 / x0.72, cut-off -100 / 0 / +100 eV, slab thickness -2 / 0 / +2 planes (-1 or none where
    that would go below :data:`MIN_SCAN_LAYERS`; then +4 too, a thickness scan has three values), vacuum -2 / 0 / +3 Å.
    Coarser values below :data:`MIN_SCAN_CUTOFF_EV` or :data:`MIN_SCAN_VACUUM_A` are left out. A parameter is converged when
    the change from the production value to the finer one is within the tolerance, so the check says something
    about the number the run reported, whatever settings the user chose.

    Parameters
    ----------
    level : str or ConvergenceLevel
        ``"test"``, ``"screening"``, ``"publication"`` or a level object (its tolerances are used).
    kspacing_inv_A : float
        Production k-point spacing [Å-1] (2 pi included).
    cutoff_eV : float
        Production plane-wave cut-off [eV].
    layers : int
        Production thickness of the scanned slab [number of planes]: the Li film of a W_ad, the thickest slab of a
        surface energy.
    vacuum_A : float
        Production vacuum [Å].
    substrate_layers : int, optional
        Production substrate thickness of a W_ad [number of planes]: adds a ``substrate_layers`` scan (the production
        value and ``substrate_step`` planes more; no thinner one, a substrate has its own production minimum).
    thickest : bool, default False
        The scanned slab needs a thinner one below the production thickness (surface energies: the
        Fiorentini–Methfessel pair of the electronic and vacuum rows ends at the production slab).
    substrate_step : int, default 2
        Planes added by the substrate scan [number of planes]: the stacking period that keeps the plane facing the film
        and the stoichiometry (the workflow finds it; 2 planes changes the interface of Li2CO3(001) and Li2O(111)).

    Returns
    -------
    ConvergenceLevel
        ``base`` = the production settings, ``scans`` around them.

    Raises
    ------
    ParameterError
        An unknown level, a non-positive setting, or (``thickest``) no thinner slab than the production one.
    """
    lv = TEST_LEVEL if level == "test" else get_level(level)
    for name, v in (("kspacing_inv_A", kspacing_inv_A), ("cutoff_eV", cutoff_eV), ("layers", layers), ("vacuum_A", vacuum_A)):
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise ParameterError(f"convergence base setting {name} must be a positive number; got {v!r}")
    k, e, n, vac = float(kspacing_inv_A), float(cutoff_eV), int(layers), float(vacuum_A)
    thinner = n - 2 if n - 2 >= MIN_SCAN_LAYERS else (n - 1 if n - 1 >= MIN_SCAN_LAYERS else None)
    scans: dict[str, tuple] = {
        "kspacing_inv_A": (round(k * KSPACING_STEPS[0], 4), k, round(k * KSPACING_STEPS[1], 4)),
        "cutoff_eV": ((e - CUTOFF_STEP_EV,) if e - CUTOFF_STEP_EV >= MIN_SCAN_CUTOFF_EV else ()) + (e, e + CUTOFF_STEP_EV),
        "layers": (n, n + 2, n + 4) if thinner is None else (thinner, n, n + 2),
        "vacuum_A": ((vac - 2.0,) if vac - 2.0 >= MIN_SCAN_VACUUM_A else ()) + (vac, vac + 3.0),
    }
    base: dict[str, Any] = {"kspacing_inv_A": k, "cutoff_eV": e, "layers": n, "vacuum_A": vac}
    if substrate_layers is not None:
        m = int(substrate_layers)
        scans["substrate_layers"] = (m, m + int(substrate_step))
        base["substrate_layers"] = m
    if thickest and scans["layers"].index(n) == 0:
        raise ParameterError(f"a surface-energy scan needs a slab thinner than its production thickness {n}")
    return ConvergenceLevel(lv.name, lv.work_of_adhesion_tol_J_m2, lv.surface_energy_rel_tol, scans=scans, base=base)


def get_level(level: str | ConvergenceLevel) -> ConvergenceLevel:
    """The :class:`ConvergenceLevel` named ``level`` (or ``level`` itself).

    Parameters
    ----------
    level : str or ConvergenceLevel
        ``"screening"``, ``"publication"`` or a level object.

    Returns
    -------
    ConvergenceLevel
        Tolerances, scans and base settings.

    Raises
    ------
    ParameterError
        An unknown level name.
    """
    if isinstance(level, ConvergenceLevel):
        return level
    if level not in LEVELS:
        raise ParameterError(f"parameter 'level' must be one of {sorted(LEVELS)}; got {level!r}")
    return LEVELS[level]


@dataclass
class ConvergenceResult:
    """A converged (or not) quantity with its convergence table.

    Parameters
    ----------
    quantity : str
        ``"surface_energy"`` or ``"work_of_adhesion"``.
    value : float
        The quantity at the base settings [J m-2] (surface energy: Fiorentini–Methfessel over the base thickness and
        the next thinner slab of the scan).
    level : str
        The level's name.
    settings : dict
        The base settings used (unit-suffixed keys).
    rows : list of dict
        ``quantity, parameter, value, result, change, tolerance, converged, unit`` per scanned value (result, change
        and tolerance in J m-2; change and converged None on each parameter's first row).
    converged : bool
        Every parameter converged at its base value.
    not_converged : list of str
        The parameters that are not.
    n_evaluations : int
        Distinct energy evaluations made (count).
    """

    quantity: str
    value: float
    level: str
    settings: dict
    rows: list[dict]
    converged: bool
    not_converged: list[str]
    n_evaluations: int

    def as_dict(self) -> dict:
        """JSON-able dict (``value_J_m2``, ``rows`` under ``convergence``).

        Returns
        -------
        dict
            ``quantity``, ``value_J_m2``, ``level``, ``settings``, ``convergence`` (the rows), ``converged``,
            ``not_converged``, ``n_evaluations``.
        """
        return {"quantity": self.quantity, "value_J_m2": self.value, "level": self.level, "settings": dict(self.settings),
                "convergence": [dict(r) for r in self.rows], "converged": self.converged, "not_converged": list(self.not_converged),
                "n_evaluations": self.n_evaluations}


def fiorentini_methfessel(n_units: Sequence[float], energies: Sequence[float], area_A2: float) -> tuple[float, float]:
    """Surface energy and bulk energy per unit from the slope of E_slab against size (two or more slabs).

    A least-squares line ``E = 2 A gamma + n e_b`` through the slabs (two slabs: the exact two-point line); the slope is
    the bulk energy per formula unit consistent with the slabs, so gamma does not drift with thickness. The fit is
    :func:`lisse.thermo.surfaces.surface_energy_fit` (its one home); this wrapper takes eV and Å2.

    Parameters
    ----------
    n_units : sequence of float
        Formula units in each slab (count), at least two distinct values.
    energies : sequence of float
        Slab total energies [eV].
    area_A2 : float
        Area of one face [Å2].

    Returns
    -------
    gamma_J_m2 : float
        Surface energy [J m-2].
    bulk_energy_per_unit_eV : float
        Fitted bulk energy per formula unit [eV].

    Raises
    ------
    ParameterError
        Fewer than two distinct sizes, mismatched lengths, a non-finite energy or a non-positive area.

    References
    ----------
    Fiorentini, Methfessel, Extracting convergent surface energies from slab calculations, J. Phys.: Condens. Matter 8, 6525 (1996), doi:10.1088/0953-8984/8/36/005.
    """
    n = np.asarray(n_units, dtype=float)
    e = np.asarray(energies, dtype=float)
    if n.shape != e.shape or n.ndim != 1 or len(set(np.round(n, 9))) < 2:
        raise ParameterError(f"Fiorentini-Methfessel needs >= 2 slabs of different size with one energy each; got sizes {list(n)} and {len(e)} energies")
    if not (np.all(np.isfinite(e)) and np.all(np.isfinite(n))):
        raise ParameterError(f"slab energies must be finite numbers (eV); got {list(e)}")
    if not 0.0 < area_A2 < math.inf:
        raise ParameterError(f"parameter 'area_A2' must be a finite area > 0 A^2; got {area_A2!r}")
    from lisse.thermo.surfaces import surface_energy_fit

    fit = surface_energy_fit(n.tolist(), (e * ELEMENTARY_CHARGE).tolist(), area_A2 * 1e-20)
    return float(fit.gamma_J_m2), float(fit.bulk_energy_per_unit_J / ELEMENTARY_CHARGE)


def calculator_energy(make: Callable[[Mapping[str, Any]], Any]) -> EnergyFunction:
    """An :data:`EnergyFunction` from a factory of lisse calculators, one per settings.

    ``make(settings)`` returns an :class:`lisse.atomistic.calculators.AtomisticCalculator` for those settings, e.g.
    ``lambda s: GPAWCalculator("screening", kspacing=s["kspacing_inv_A"], ecut=s["cutoff_eV"])``. The energy is a
    single point of ``calc.ase_calculator(atoms, purpose="energy")`` on a copy of the structure, with the
    calculator's ``prepare``/``restore`` (dipole layer, spin) around it when it has them.

    Parameters
    ----------
    make : callable
        ``make(settings) -> calculator``.

    Returns
    -------
    callable
        ``energy(atoms, settings) -> total energy [eV]``.
    """

    def energy(atoms: Atoms, settings: Mapping[str, Any]) -> float:
        calc = make(settings)
        a = atoms.copy()
        token = calc.prepare(a) if hasattr(calc, "prepare") else None
        try:
            try:
                a.calc = calc.ase_calculator(a, purpose="energy")
            except TypeError:  # a calculator of the older contract: ase_calculator() without arguments
                a.calc = calc.ase_calculator()
            return float(a.get_potential_energy())
        finally:
            if hasattr(calc, "release"):  # a DFT code's process and memory go with the calculation
                calc.release(a.calc)
            if token is not None and hasattr(calc, "restore"):
                calc.restore(a, token)

    return energy


def gpaw_energy(level: str = "screening", dispersion: str | None = None) -> EnergyFunction:
    """GPAW plane-wave single points (:class:`lisse.atomistic.calculators.GPAWCalculator`) as an energy function.

    ``settings["kspacing_inv_A"]`` and ``settings["cutoff_eV"]`` override the level's k-point spacing and cut-off;
    everything else (PBE, PAW, smearing, dipole layer for slabs, spin, D3) is the calculator's.

    Parameters
    ----------
    level : str, default "screening"
        GPAW level (:data:`lisse.atomistic.calculators.GPAW_LEVELS`).
    dispersion : {None, "d3"}, default None
        Add Grimme's D3.

    Returns
    -------
    callable
        ``energy(atoms, settings) -> total energy [eV]``.
    """
    from lisse.atomistic.calculators import GPAWCalculator

    def make(s: Mapping[str, Any]) -> GPAWCalculator:
        return GPAWCalculator(level, dispersion, kspacing=s.get("kspacing_inv_A"), ecut=s.get("cutoff_eV"), energy_mode="pw")

    return calculator_energy(make)


class _Memo:
    """Energies by (structure, electronic settings) content, so the base point is computed once across scans."""

    def __init__(self, energy: EnergyFunction, limit: int) -> None:
        self.energy = energy
        self.limit = limit
        self.store: dict[str, float] = {}

    def __call__(self, atoms: Atoms, settings: Mapping[str, Any]) -> float:
        h = hashlib.sha256()
        for arr in (atoms.numbers, np.round(atoms.positions, 6), np.round(atoms.cell.array, 6)):
            h.update(np.ascontiguousarray(arr).tobytes())
        # the structure carries the structural settings (layers, vacuum): keyed by the electronic ones only, a film the
        # substrate scan did not change is not computed again
        h.update(repr(sorted((k, repr(v)) for k, v in settings.items() if k not in _STRUCTURAL)).encode())
        key = h.hexdigest()
        if key not in self.store:
            if len(self.store) >= self.limit:
                raise ParameterError(f"the convergence check would need more than {self.limit} energy evaluations; scan fewer values")
            e = float(self.energy(atoms, dict(settings)))
            if not math.isfinite(e):
                raise CalculationError(f"the energy function returned {e!r} for {atoms.get_chemical_formula()} at {dict(settings)}")
            self.store[key] = e
        return self.store[key]


def _scans(level: ConvergenceLevel, scans: Mapping[str, Sequence] | None, base: Mapping[str, Any] | None) -> tuple[dict, dict]:
    sc = dict(level.scans)
    bs = dict(level.base)
    if scans is not None:
        sc.update({k: tuple(v) for k, v in scans.items()})
        for k in scans:
            if k not in (base or {}) and (k not in bs or bs[k] not in sc[k]):
                bs[k] = sc[k][0]
    if base is not None:
        bs.update(base)
    if "basis" in sc and "cutoff_eV" in sc and (scans is None or "cutoff_eV" not in scans):
        sc.pop("cutoff_eV")  # an LCAO basis scan replaces the plane-wave cut-off scan
        bs.pop("cutoff_eV", None)
    for k, vals in sc.items():
        if k not in _ELECTRONIC + _STRUCTURAL:
            raise ParameterError(f"unknown convergence parameter {k!r}; known: {list(_ELECTRONIC + _STRUCTURAL)}")
        if len(vals) < (3 if k == "layers" else 2):
            raise ParameterError(f"convergence scan of {k!r} needs at least {3 if k == 'layers' else 2} values; got {list(vals)}")
        if bs.get(k) not in vals:
            raise ParameterError(f"base setting {k}={bs.get(k)!r} is not one of the scanned values {list(vals)}")
    if not sc:  # nothing scanned checks nothing: never "converged" by default
        raise ParameterError(f"convergence check at level {level.name!r}: no parameter to scan (its scans are empty); "
                             f"give at least one of {list(_ELECTRONIC + _STRUCTURAL)}")
    if "layers" in sc:
        lay = [int(v) for v in sc["layers"]]
        if lay != sorted(set(lay)) or lay[0] < 2:
            raise ParameterError(f"convergence scan of 'layers' must be increasing whole numbers >= 2; got {list(sc['layers'])}")
    return sc, bs


def _rows(quantity: str, parameter: str, values: Sequence, results: Sequence[float], tol: Callable[[float], float]) -> list[dict]:
    rows = []
    for i, (v, r) in enumerate(zip(values, results)):
        change = None if i == 0 else float(r - results[i - 1])
        t = float(tol(r))
        rows.append({"quantity": quantity, "parameter": parameter, "value": v, "result": float(r), "change": change, "tolerance": t,
                     "converged": None if change is None else bool(abs(change) <= t), "unit": "J/m2"})
    return rows


def _converged_at(rows: list[dict], base_value: Any) -> bool:
    """The change from the base value to the next scanned value is within tolerance."""
    for i, r in enumerate(rows[:-1]):
        if r["value"] == base_value:
            return bool(rows[i + 1]["converged"])
    return False


def _electronic(settings: Mapping[str, Any]) -> dict:
    return {k: v for k, v in settings.items() if k in _ELECTRONIC or k in _STRUCTURAL}


def surface_energy_convergence(energy: EnergyFunction, bulk: Atoms, miller: Sequence[int], level: str | ConvergenceLevel = "screening",
                               base: Mapping[str, Any] | None = None, scans: Mapping[str, Sequence] | None = None, termination: int = 0,
                               progress: Callable[[int, int], None] | None = None) -> ConvergenceResult:
    """Surface energy of ``bulk`` (``miller``) with its k-point, basis/cut-off, thickness and vacuum convergence.

    Every surface energy is a Fiorentini–Methfessel two-slab value (:func:`fiorentini_methfessel`): the thickness rows
    use successive pairs of the ``layers`` scan; the k-point, cut-off/basis and vacuum rows use the base thickness and
    the next thinner one. Slabs are built unrelaxed by :func:`lisse.atomistic.slabs.make_slab` (relaxation is the
    caller's choice inside ``energy``).

    Parameters
    ----------
    energy : callable
        ``energy(atoms, settings) -> total energy [eV]`` (:data:`EnergyFunction`).
    bulk : ase.Atoms
        Bulk cell the slabs are cut from (relaxed with the same method; Å).
    miller : sequence of int
        (h, k, l) Miller indices of the surface (dimensionless), with respect to ``bulk``'s cell.
    level : str or ConvergenceLevel, default "screening"
        Tolerances and scans (:data:`LEVELS`).
    base : dict, optional
        Production settings overriding the level's (e.g. ``{"kspacing_inv_A": 0.2}``).
    scans : dict, optional
        Values scanned overriding the level's, e.g. ``{"basis": ("szp", "dzp")}`` for LCAO (replaces the cut-off scan).
    termination : int, default 0
        Termination index (:func:`lisse.atomistic.slabs.terminations`).
    progress : callable, optional
        ``progress(done, total)`` after each scanned value.

    Returns
    -------
    ConvergenceResult
        ``value`` = surface energy at the base settings [J m-2], the rows, and whether all converged.

    Raises
    ------
    ParameterError
        An unknown level or parameter, a base value not among the scanned ones, fewer than 3 thicknesses (2 values of
        the other parameters), a base thickness that is the thinnest, a non-stoichiometric slab, or more than
        :data:`MAX_EVALUATIONS` energies.
    CalculationError
        The energy function returned a non-finite energy.

    References
    ----------
    Fiorentini, Methfessel, Extracting convergent surface energies from slab calculations, J. Phys.: Condens. Matter 8, 6525 (1996), doi:10.1088/0953-8984/8/36/005.
    """
    from lisse.atomistic.slabs import make_slab, set_vacuum

    lv = get_level(level)
    sc, bs = _scans(lv, scans, base)
    if "layers" not in sc:
        raise ParameterError("a surface-energy convergence check needs a 'layers' scan (>= 3 thicknesses)")
    layers = [int(v) for v in sc["layers"]]
    if layers.index(int(bs["layers"])) == 0:
        raise ParameterError(f"base thickness {bs['layers']} is the thinnest of {layers}; the two-slab surface energy needs a thinner slab")
    memo = _Memo(energy, MAX_EVALUATIONS)
    rel = lv.surface_energy_rel_tol
    hkl = "".join(str(int(m)) for m in miller)
    quantity = f"surface_energy {bulk.get_chemical_formula()}({hkl})"

    slabs: dict[int, Atoms] = {}

    def slab_of(n: int, vac: float) -> Atoms:
        if n not in slabs:  # pymatgen's slab generation is the slow part: once per thickness
            slabs[n] = make_slab(bulk, miller, n, vac, termination)
            if not slabs[n].info["stoichiometric"]:
                raise ParameterError(f"the {n}-plane {quantity.split()[1]} slab is not stoichiometric; a surface energy needs a stoichiometric slab")
        out = set_vacuum(slabs[n], vac)
        out.info["vacuum_A"] = vac
        return out

    def gamma(n1: int, n2: int, s: Mapping[str, Any]) -> float:
        vac = float(s.get("vacuum_A", 10.0))
        es, nu, area = [], [], 0.0
        for n in (n1, n2):
            slab = slab_of(n, vac)
            es.append(memo(slab, {**_electronic(s), "layers": n}))
            nu.append(slab.info["formula_units"])
            area = float(slab.info["area_A2"])
        return fiorentini_methfessel(nu, es, area)[0]

    def thinner(n: int) -> int:
        return layers[layers.index(n) - 1]

    total = sum(len(v) for v in sc.values())
    done = 0
    rows: list[dict] = []
    bad: list[str] = []
    for p, vals in sc.items():
        if p == "layers":
            res = [gamma(layers[i - 1], layers[i], bs) for i in range(1, len(layers))]
            r = _rows(quantity, "layers", layers[1:], res, lambda g: rel * abs(g))
        else:
            res = [gamma(thinner(int(bs["layers"])), int(bs["layers"]), {**bs, p: v}) for v in vals]
            r = _rows(quantity, p, list(vals), res, lambda g: rel * abs(g))
        rows += r
        if not _converged_at(r, bs["layers"] if p == "layers" else bs[p]):
            bad.append(p)
        done += len(vals)
        if progress is not None:
            progress(done, total)
    value = gamma(thinner(int(bs["layers"])), int(bs["layers"]), bs)
    return ConvergenceResult(quantity, value, lv.name, dict(bs), rows, not bad, bad, len(memo.store))


def adhesion_convergence(energy: EnergyFunction, build: Callable[[Mapping[str, Any]], tuple[Atoms, Atoms, Atoms]],
                         level: str | ConvergenceLevel = "screening", base: Mapping[str, Any] | None = None,
                         scans: Mapping[str, Sequence] | None = None, progress: Callable[[int, int], None] | None = None) -> ConvergenceResult:
    """Work of adhesion W_ad = (E_film + E_substrate - E_interface)/A with its convergence table.

    ``build(settings)`` returns ``(interface, film_slab, substrate_slab)`` in one in-plane cell for the structural
    settings ``layers`` (film planes) and ``vacuum_A`` (e.g. a closure over :func:`lisse.atomistic.interfaces.build_interface`
    with relaxed geometries). k-points and cut-off/basis are passed to ``energy`` for all three cells alike.

    Parameters
    ----------
    energy : callable
        ``energy(atoms, settings) -> total energy [eV]`` (:data:`EnergyFunction`).
    build : callable
        ``build(settings) -> (interface, film, substrate)`` (ase.Atoms, Å); the interface's ``info["area_A2"]`` is used
        when present, otherwise the area of its in-plane cell.
    level : str or ConvergenceLevel, default "screening"
        Tolerances and scans (:data:`LEVELS`).
    base : dict, optional
        Production settings overriding the level's.
    scans : dict, optional
        Values scanned overriding the level's (``layers`` = film planes, at least 3 values).
    progress : callable, optional
        ``progress(done, total)`` after each scanned value.

    Returns
    -------
    ConvergenceResult
        ``value`` = W_ad at the base settings [J m-2], rows per scanned value, whether all converged.

    Raises
    ------
    ParameterError
        An unknown level or parameter, a base value not among the scanned ones, too few values, or more than
        :data:`MAX_EVALUATIONS` energies.
    CalculationError
        The energy function returned a non-finite energy.
    """
    lv = get_level(level)
    sc, bs = _scans(lv, scans, base)
    memo = _Memo(energy, MAX_EVALUATIONS)
    quantity = "work_of_adhesion"

    def w_ad(s: Mapping[str, Any]) -> float:
        it, fi, su = build(dict(s))
        area = float(it.info.get("area_A2", abs(np.linalg.det(it.cell.array[:2, :2]))))
        st = _electronic(s)
        return (memo(fi, st) + memo(su, st) - memo(it, st)) / area * _EV_PER_A2_TO_J_PER_M2

    total = sum(len(v) for v in sc.values())
    done = 0
    rows: list[dict] = []
    bad: list[str] = []
    for p, vals in sc.items():
        res = [w_ad({**bs, p: v}) for v in vals]
        r = _rows(quantity, p, list(vals), res, lambda _w: lv.work_of_adhesion_tol_J_m2)
        rows += r
        if not _converged_at(r, bs[p]):
            bad.append(p)
        done += len(vals)
        if progress is not None:
            progress(done, total)
    return ConvergenceResult(quantity, w_ad(bs), lv.name, dict(bs), rows, not bad, bad, len(memo.store))
