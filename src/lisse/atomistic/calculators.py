"""A small calculator contract and its adapters: CHGNet (default), SevenNet (optional), GPAW DFT (optional), DFT from files.

Contract
--------
Every backend is an :class:`AtomisticCalculator` with

* ``info``: :class:`CalculatorInfo` (name, model, version, kind ``"ml"`` or ``"dft"``, cutoff in A,
  settings) — stored with every result as provenance, and used to refuse mixing energies from
  different calculators in one formula (:func:`check_same_calculator`);
* ``ase_calculator(atoms=None, purpose="energy")``: an ASE calculator used by :func:`lisse.atomistic.engine.run_job`.
  ML backends ignore both arguments (one calculator for everything). A DFT backend builds one per structure
  (k-point mesh and dipole layer depend on the cell) and per purpose: ``"relax"`` (position relaxation),
  ``"relax_cell"`` (needs the stress), ``"scan"`` (cheap single points that only rank structures) and
  ``"energy"`` (the energies that enter reported formulas);
* ``prepare(atoms)`` / ``restore(atoms, token)``: adapt a structure to the backend before a calculation and undo it
  after (GPAW: a slab becomes non-periodic along z, as its dipole layer requires); no-ops for ML backends;
* ``release(ase_calc)``: free what an ASE calculator holds once its calculations are done, also after a failure
  (CP2K: stop its ``cp2k_shell`` process, which ASE leaves to the garbage collector); a no-op by default;
* ``final_single_point(purpose)``: whether the energy of a relaxation must be recomputed with the ``"energy"``
  settings at the relaxed geometry (GPAW: LCAO relaxation, plane-wave energy);
* ``checkpoint_every``: store the geometry of a running relaxation in the cache every this many steps (0: never),
  so an interrupted relaxation resumes from its last geometry;
* ``min_slab_vacuum_A``: the least vacuum [Å, total across the cell] a slab gets from ``prepare`` (CP2K pads to it;
  0: none), which the W_ad workflow builds with from the start so that its three energies share one cell;
* ``long_range``: whether energies reach across a slab's vacuum (None: as ``info.kind`` says, DFT yes, ML no;
  :class:`DispersionCorrected`, an ML potential plus D3, says True), so that a W_ad takes its three energies in one
  cell (:func:`is_long_range`);
* ``identity()``: a string that enters the content hash of every cached job.

:class:`lisse.io.dft_decks.DFTFromFiles` has no ASE calculator: it returns, for a named job, the energy and final
structure read from VASP (vasprun.xml, OUTCAR) or Quantum ESPRESSO (pw.x output) files that the user
produced from the decks of :mod:`lisse.atomistic.dft` (written and read by :mod:`lisse.io.dft_decks`);
it is a :class:`PrecomputedCalculator`, the contract the workflows use for results that already exist.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, cast

from lisse.citations import Citation, add, register
from lisse.errors import CalculationError, MissingDependencyError, ParameterError

__all__ = [
    "CalculatorInfo",
    "AtomisticCalculator",
    "CHGNetCalculator",
    "SevenNetCalculator",
    "GPAWCalculator",
    "DispersionCorrected",
    "is_long_range",
    "GPAW_LEVELS",
    "needs_spin",
    "starting_moments",
    "with_d3",
    "PURPOSES",
    "PrecomputedCalculator",
    "get_calculator",
    "check_same_calculator",
    "CALCULATORS",
]

for _c in (
    Citation("Deng2023", "Deng, Zhong, Jun, Riebesell, Han, Bartel, Ceder", "CHGNet as a pretrained universal neural network potential for charge-informed atomistic modelling", "Nat. Mach. Intell. 5, 1031", 2023, "10.1038/s42256-023-00716-3"),
    Citation("Mortensen2024", "Mortensen, Larsen, Kuisma, et al.", "GPAW: An open Python package for electronic structure calculations", "J. Chem. Phys. 160, 092503", 2024,
             "10.1063/5.0182685"),
    Citation("Grimme2010", "Grimme, Antony, Ehrlich, Krieg", "A consistent and accurate ab initio parametrization of density functional dispersion correction (DFT-D) for the 94 elements H-Pu",
             "J. Chem. Phys. 132, 154104", 2010, "10.1063/1.3382344"),
    Citation("Francis1990", "Francis, Payne", "Finite basis set corrections to total energy pseudopotential calculations", "J. Phys.: Condens. Matter 2, 4395", 1990,
             "10.1088/0953-8984/2/19/007"),
    Citation("Perdew1996", "Perdew, Burke, Ernzerhof", "Generalized gradient approximation made simple", "Phys. Rev. Lett. 77, 3865", 1996, "10.1103/PhysRevLett.77.3865"),
    Citation("Park2024", "Park, Kim, Hwang, Han", "Scalable parallel algorithm for graph neural network interatomic potentials in molecular dynamics simulations", "J. Chem. Theory Comput. 20, 4857", 2024, "10.1021/acs.jctc.4c00190"),
):
    add(_c)


@dataclass(frozen=True)
class CalculatorInfo:
    """Provenance of a calculator.

    Parameters
    ----------
    name : str
        Backend name (``"chgnet"``, ``"sevennet"``, ``"dft-files"``).
    model : str
        Model or code:functional.
    version : str
        Package version.
    kind : str
        ``"ml"`` or ``"dft"``.
    cutoff_A : float
        Interaction cut-off radius [Å] (0 for DFT).
    settings : dict, optional
        Further settings (device, DFT settings).
    """

    name: str
    model: str
    version: str
    kind: str  # "ml" or "dft"
    cutoff_A: float
    settings: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The provenance as a plain dict.

        Returns
        -------
        dict
            Field name -> value.
        """
        return asdict(self)


#: What a calculation is for (see the module docstring).
PURPOSES = ("relax", "relax_cell", "scan", "energy")


class AtomisticCalculator:
    """Base class of the calculator contract (see module docstring)."""

    info: CalculatorInfo
    #: Store a running relaxation's geometry every this many steps (0: never; see the module docstring).
    checkpoint_every: int = 0
    #: Least total vacuum [Å] ``prepare`` gives a slab (0: it never pads; see the module docstring).
    min_slab_vacuum_A: float = 0.0
    #: Whether energies have a term that reaches across a slab's vacuum (DFT; an ML potential with D3): None means
    #: "as the kind says" (DFT: yes, ML: no; see :func:`is_long_range`).
    long_range: bool | None = None

    def ase_calculator(self, atoms=None, purpose: str = "energy"):  # pragma: no cover - overridden
        """The ASE calculator for ``atoms`` and ``purpose``.

        Parameters
        ----------
        atoms : ase.Atoms, optional
            The structure (Å); DFT backends need it, ML backends ignore it.
        purpose : {"relax", "relax_cell", "scan", "energy"}, default "energy"
            What the calculation is for (DFT backends choose their settings by it).

        Returns
        -------
        ase.calculators.calculator.Calculator
            Energies in eV, forces in eV/Å (ASE's units).

        Raises
        ------
        CalculationError
            The backend has no ASE calculator (results come from files).
        """
        raise CalculationError(f"calculator '{self.info.name}' has no ASE calculator (it reads results from files)")

    def prepare(self, atoms) -> object:
        """Adapt ``atoms`` in place to this backend before a calculation (default: nothing).

        Parameters
        ----------
        atoms : ase.Atoms
            The structure, changed in place.

        Returns
        -------
        object
            A token for :meth:`restore` (None here).
        """
        return None

    def restore(self, atoms, token: object) -> None:
        """Undo :meth:`prepare` on ``atoms`` in place (default: nothing).

        Parameters
        ----------
        atoms : ase.Atoms
            The structure, changed in place.
        token : object
            What :meth:`prepare` returned.
        """

    def release(self, ase_calc) -> None:
        """Free what an ASE calculator of :meth:`ase_calculator` holds once its calculations are done (default: nothing).

        Parameters
        ----------
        ase_calc : ase.calculators.calculator.Calculator or None
            The calculator :meth:`ase_calculator` returned (None: nothing to free).
        """

    def final_single_point(self, purpose: str) -> bool:
        """Whether a relaxation's energy must be recomputed with the ``"energy"`` settings (default: False).

        Parameters
        ----------
        purpose : str
            The purpose the relaxation ran with (:data:`PURPOSES`).

        Returns
        -------
        bool
            True when the ``"energy"`` settings differ from those of ``purpose``.
        """
        return False

    def for_formula(self, phases) -> AtomisticCalculator:
        """The calculator to use for every structure of one formula (default: this one, unchanged).

        A DFT backend fixes here the settings that it would otherwise choose per structure (GPAW: spin), so that
        all energies of one formula (the three of a W_ad, the slabs and bulk of a surface energy, the compounds
        of a reaction) share every setting.

        Parameters
        ----------
        phases : sequence of ase.Atoms
            The bulk phases of the formula (Å).

        Returns
        -------
        AtomisticCalculator
            The calculator for the whole formula.
        """
        return self

    def identity(self) -> str:
        """Stable string identifying calculator + model + version + settings (for hashing).

        Returns
        -------
        str
            16 hex digits of a SHA-256 of :attr:`info`.
        """
        return hashlib.sha256(json.dumps(self.info.as_dict(), sort_keys=True, default=str).encode()).hexdigest()[:16]

    def label(self) -> str:
        """Short label ``"name:model"`` (the key of the accuracy table).

        Returns
        -------
        str
            E.g. ``"chgnet:0.3.0"``.
        """
        return f"{self.info.name}:{self.info.model}"


def _version(pkg: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(pkg)
    except PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=4)
def _chgnet_model(model: str):
    try:
        from chgnet.model import CHGNet
    except ImportError as exc:  # pragma: no cover - depends on environment
        raise MissingDependencyError("chgnet", "the CHGNet calculator", "atomistic") from exc
    return CHGNet.load(model_name=model, verbose=False, use_device="cpu")


class CHGNetCalculator(AtomisticCalculator):
    """CHGNet universal potential [Deng2023]; weights ship inside the package (no download).

    Parameters
    ----------
    model : str
        ``"0.3.0"`` (default, MPtrj PBE/PBE+U) or ``"r2scan"`` (fine-tuned on r2SCAN data, shipped
        with chgnet >= 0.4) or ``"0.2.0"``.

    Raises
    ------
    ParameterError
        Unknown ``model``.

    References
    ----------
    Deng, Zhong, Jun, Riebesell, Han, Bartel, Ceder, CHGNet as a pretrained universal neural network potential for
    charge-informed atomistic modelling, Nat. Mach. Intell. 5, 1031 (2023), doi:10.1038/s42256-023-00716-3.
    """

    MODELS = ("0.3.0", "0.2.0", "r2scan")

    def __init__(self, model: str = "0.3.0") -> None:
        if model not in self.MODELS:
            raise ParameterError(f"CHGNet model must be one of {self.MODELS}; got {model!r}")
        self.model = model
        # CHGNet: atom graph cutoff 6 A (bond graph 3 A), Deng2023 Methods
        self.info = CalculatorInfo("chgnet", model, _version("chgnet"), "ml", 6.0, {"device": "cpu"})

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        """The CHGNet ASE calculator (loaded once, on the CPU; one for every structure and purpose).

        Parameters
        ----------
        atoms : ase.Atoms, optional
            Ignored (an ML potential needs no per-structure settings).
        purpose : str, default "energy"
            Ignored.

        Returns
        -------
        chgnet.model.dynamics.CHGNetCalculator
            Energies in eV, forces in eV/Å.

        Raises
        ------
        MissingDependencyError
            chgnet is not installed.

        References
        ----------
        Deng, Zhong, Jun, Riebesell, Han, Bartel, Ceder, CHGNet as a pretrained universal neural network potential for
        charge-informed atomistic modelling, Nat. Mach. Intell. 5, 1031 (2023), doi:10.1038/s42256-023-00716-3.
        """
        register("Deng2023")
        if getattr(self, "_calc", None) is None:
            import contextlib
            import io

            from chgnet.model.dynamics import CHGNetCalculator as _Calc

            with contextlib.redirect_stdout(io.StringIO()):  # chgnet prints its device choice
                self._calc = _Calc(model=_chgnet_model(self.model), use_device="cpu")
        return self._calc


class SevenNetCalculator(AtomisticCalculator):
    """SevenNet universal potential [Park2024] (optional; ``pip install sevenn``), weights shipped.

    Parameters
    ----------
    model : str
        A checkpoint name bundled with sevenn, default ``"7net-0"`` (cutoff 5 A).

    References
    ----------
    Park, Kim, Hwang, Han, Scalable parallel algorithm for graph neural network interatomic potentials in molecular
    dynamics simulations, J. Chem. Theory Comput. 20, 4857 (2024), doi:10.1021/acs.jctc.4c00190.
    """

    def __init__(self, model: str = "7net-0") -> None:
        self.model = model
        self.info = CalculatorInfo("sevennet", model, _version("sevenn"), "ml", 5.0, {"device": "cpu"})

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        """The SevenNet ASE calculator (loaded once, on the CPU; one for every structure and purpose).

        Parameters
        ----------
        atoms : ase.Atoms, optional
            Ignored (an ML potential needs no per-structure settings).
        purpose : str, default "energy"
            Ignored.

        Returns
        -------
        sevenn.calculator.SevenNetCalculator
            Energies in eV, forces in eV/Å.

        Raises
        ------
        MissingDependencyError
            sevenn is not installed.

        References
        ----------
        Park, Kim, Hwang, Han, Scalable parallel algorithm for graph neural network interatomic potentials in molecular
        dynamics simulations, J. Chem. Theory Comput. 20, 4857 (2024), doi:10.1021/acs.jctc.4c00190.
        """
        try:
            from sevenn.calculator import SevenNetCalculator as _Calc
        except ImportError as exc:
            raise MissingDependencyError("sevenn", "the SevenNet calculator", "sevennet") from exc
        register("Park2024")
        if getattr(self, "_calc", None) is None:
            self._calc = _Calc(model=self.model, device="cpu")
        return self._calc


class PrecomputedCalculator(AtomisticCalculator):
    """A calculator whose results already exist (e.g. DFT run by the user): :meth:`read` returns them per job.

    The workflows ask it for a job's ``(energy_eV, final_atoms, meta)`` instead of relaxing; the file-backed
    implementation is :class:`lisse.io.dft_decks.DFTFromFiles`.
    """

    def read(self, name: str):  # pragma: no cover - overridden
        """Energy, final structure and metadata of job ``name``.

        Parameters
        ----------
        name : str
            The job's name.

        Returns
        -------
        tuple
            ``(energy [eV], final ase.Atoms, meta dict)``.

        Raises
        ------
        CalculationError
            Not implemented by this backend.
        """
        raise CalculationError(f"calculator '{self.info.name}' cannot read job '{name}'")


#: Settings of each GPAW level. Modes: ``relax_mode`` for position relaxations and rigid scans, ``energy_mode`` for the
#: energies that enter formulas; a cell relaxation always uses plane waves (GPAW's LCAO mode has no stress). Plane
#: waves (cut-off ``ecut_eV``) are the default for both, measured (2 shared cores, loaded): a 5-atom Li(100) slab, k 8x8x1,
#: took 56 s (energy) + 58 s (forces) with LCAO dzp (h = 0.2 A) against 12.7 s + 0.2 s with plane waves at 400 eV, and
#: LCAO energy differences carry a basis-set error. ``relax_mode="lcao"`` (basis ``basis``, grid ``h_A``) stays available
#: for large cells, where an LCAO single point is cheaper (issue 17: 68-atom Li|LiF, ~5 vs ~12 CPU-min for three single
#: points); the relaxed geometry then gets a plane-wave single point. k-points: Gamma-centred mesh from
#: ``kspacing_inv_A`` (:func:`lisse.atomistic.dft.kpoint_mesh`, 2 pi included; one k-point along a slab normal);
#: Fermi-Dirac smearing ``smearing_eV`` (energies extrapolated to zero width). "test" is for CI only (a pipeline
#: check, not converged); "screening" is near Ji2025's PBE-D3 set-up (450 eV there); "publication" tightens every
#: setting. The convergence rows of each workflow output say whether a level suffices for the quantity.
GPAW_LEVELS: dict[str, dict[str, Any]] = {
    "test": {"relax_mode": "pw", "energy_mode": "pw", "basis": "dzp", "h_A": 0.25, "ecut_eV": 300.0, "kspacing_inv_A": 0.4, "smearing_eV": 0.1},
    "screening": {"relax_mode": "pw", "energy_mode": "pw", "basis": "dzp", "h_A": 0.2, "ecut_eV": 400.0, "kspacing_inv_A": 0.25, "smearing_eV": 0.1},
    "publication": {"relax_mode": "pw", "energy_mode": "pw", "basis": "dzp", "h_A": 0.16, "ecut_eV": 500.0, "kspacing_inv_A": 0.18, "smearing_eV": 0.05,
                    "scf_energy_eV_per_electron": 5e-5, "scf_density": 1e-5},
}
#: SCF criteria (all must hold): "test" and "screening" keep GPAW's defaults (total-energy change below 0.5 meV per valence
#: electron over the last three iterations, density residual below 1e-4 electrons per electron, eigenstates 4e-8 eV^2 per
#: electron), under which the density criterion usually binds first; the energy criterion alone would allow 0.12 eV in an
#: 80-atom Li|LiF cell (0.02 J/m2 of W_ad on 109 A2; review s41). "publication" sets both ten times tighter.
_MAGNETIC = {"V": 3.0, "Cr": 3.0, "Mn": 4.0, "Fe": 3.0, "Co": 2.0, "Ni": 1.0}  # starting moments [mu_B] (assumed, Hund-like guesses)
_NONMETALS = {"H", "B", "C", "N", "O", "F", "Si", "P", "S", "Cl", "As", "Se", "Br", "Te", "I"}


def needs_spin(atoms) -> bool:
    """The per-structure spin rule of the DFT calculators: a magnetic species, or an odd electron count with a non-metal.

    Parameters
    ----------
    atoms : ase.Atoms
        The structure.

    Returns
    -------
    bool
        True when any of V, Cr, Mn, Fe, Co, Ni is present, or when the electron count is odd and a non-metal is
        present (an unpaired electron, e.g. a superoxide); a metal's odd count is a band effect, not a moment.
    """
    symbols = set(atoms.get_chemical_symbols())
    if symbols & set(_MAGNETIC):
        return True
    # core shells hold even electron counts, so the parity of sum(Z) is that of the valence electrons
    return bool(int(sum(atoms.numbers)) % 2 == 1 and symbols & _NONMETALS)


def starting_moments(atoms) -> list[float]:
    """Starting magnetic moments [mu_B] of a spin-polarised calculation (Hund-like guesses; one moment if none applies).

    Parameters
    ----------
    atoms : ase.Atoms
        The structure (positions in Å; only its species are read).

    Returns
    -------
    list of float
        One moment per atom [mu_B].
    """
    m = [_MAGNETIC.get(s, 0.0) for s in atoms.get_chemical_symbols()]
    if not any(m):
        m[0] = 1.0
    return m


def with_d3(calc, damping: str = "d3zero"):
    """``calc`` plus Grimme's D3 (PBE parameters) from the ``dftd3`` package, as one ASE calculator [Grimme2010].

    The D3 part is the one home of lisse's D3 (:func:`_slab_d3`, also ML + D3's): a slab's D3 is computed non-periodic
    along z, with no term across the vacuum to its periodic images. GPAW's slabs are non-periodic along z already;
    CP2K keeps a slab periodic, and its D3 now follows the same convention (it counted the images before:
    +0.005-0.007 J/m2 on W_ad, measured with ML + D3 on Ji2025's Li|LiF cell).

    Parameters
    ----------
    calc : ase.calculators.calculator.Calculator
        The DFT calculator (eV, eV/Å).
    damping : str, default "d3zero"
        The D3 damping (zero damping, as VASP's IVDW = 11).

    Returns
    -------
    ase.calculators.mixing.SumCalculator
        DFT + D3 energies, forces and stress.

    Raises
    ------
    MissingDependencyError
        ``dftd3`` is not installed.

    References
    ----------
    Grimme, Antony, Ehrlich, Krieg, A consistent and accurate ab initio parametrization of density functional dispersion correction
    (DFT-D) for the 94 elements H-Pu, J. Chem. Phys. 132, 154104 (2010), doi:10.1063/1.3382344.
    """
    from ase.calculators.mixing import SumCalculator

    return SumCalculator([calc, _slab_d3(damping)])


def _gpaw():
    try:
        import gpaw
    except ImportError as exc:  # pragma: no cover - depends on environment
        raise MissingDependencyError("gpaw", "the GPAW DFT calculator", "dft") from exc
    return gpaw


class GPAWCalculator(AtomisticCalculator):
    """PBE + PAW density-functional theory with GPAW [Mortensen2024] (optional extra ``dft``; GPL-3).

    Plane-wave (or, on request, LCAO dzp) relaxations and plane-wave energies at a chosen level (:data:`GPAW_LEVELS`), Gamma-centred
    k-mesh from a k-spacing with one k-point along a vacuum direction, a dipole layer for slabs and interfaces,
    Fermi-Dirac smearing, optional Grimme D3 dispersion [Grimme2010] from the ``dftd3`` package, spin
    polarisation where needed. PAW setups and basis sets come from the ``gpaw-data`` package (no download).
    GPAW writes its log to ``txt`` (None: nowhere), never to stdout.

    Parameters
    ----------
    level : {"screening", "publication", "test"}, default "screening"
        The settings (:data:`GPAW_LEVELS`); "test" is a CI pipeline check, not converged.
    dispersion : {None, "d3"}, default None
        Add Grimme's D3 (zero damping, PBE parameters, as VASP's IVDW = 11 that Ji2025 used).
    spin : bool or None, default None
        Spin polarisation; None: decided by :meth:`for_formula` once per formula from its bulk phases (the
        workflows do this, and record the choice as ``settings["spin"]``); on for all structures of the formula
        when any phase has a magnetic species (V, Cr, Mn, Fe, Co, Ni) or an odd electron count in a cell
        with a non-metal (an unpaired electron, e.g. a superoxide). Metals (Li, Li9Al4) and closed-shell
        compounds (LiF, Li2CO3) are not polarised, nor are their slabs and interfaces: an odd electron count of
        a metal film, alone or on a closed-shell substrate, is a band effect of the metal, not a moment.
        A calculator whose spin is still None applies the per-structure rule of :meth:`spin_polarised`.
    kspacing : float, optional
        k-point spacing [Å-1] (2 pi included), overriding the level's.
    ecut : float, optional
        Plane-wave cut-off [eV], overriding the level's.
    relax_mode : {"lcao", "pw"}, optional
        Mode of position relaxations and scans, overriding the level's.
    energy_mode : {"pw", "lcao"}, optional
        Mode of the energies that enter formulas (and of cell relaxations when "pw"), overriding the level's.
    txt : str or None, default None
        GPAW log file (None: no log). Every calculation appends its log (SCF iterations, energies, forces) after a
        header line naming it, so a multi-hour run can be followed (``tail -f``); nothing is overwritten.

    Raises
    ------
    ParameterError
        Unknown level, dispersion or mode, or a k-spacing/cut-off that is not a finite number > 0.

    References
    ----------
    Mortensen, Larsen, Kuisma, et al., GPAW: An open Python package for electronic structure calculations, J. Chem. Phys. 160,
    092503 (2024), doi:10.1063/5.0182685.
    Perdew, Burke, Ernzerhof, Generalized gradient approximation made simple, Phys. Rev. Lett. 77, 3865 (1996), doi:10.1103/PhysRevLett.77.3865.
    Grimme, Antony, Ehrlich, Krieg, A consistent and accurate ab initio parametrization of density functional dispersion correction
    (DFT-D) for the 94 elements H-Pu, J. Chem. Phys. 132, 154104 (2010), doi:10.1063/1.3382344.
    """

    checkpoint_every = 1  # a DFT ionic step costs seconds to minutes: store every geometry

    def __init__(self, level: str = "screening", dispersion: str | None = None, spin: bool | None = None, kspacing: float | None = None,
                 ecut: float | None = None, relax_mode: str | None = None, energy_mode: str | None = None, txt: str | None = None) -> None:
        if level not in GPAW_LEVELS:
            raise ParameterError(f"GPAW level must be one of {sorted(GPAW_LEVELS)}; got {level!r}")
        if dispersion not in (None, "d3"):
            raise ParameterError(f"parameter 'dispersion' must be None or 'd3'; got {dispersion!r}")
        if spin not in (None, True, False):
            raise ParameterError(f"parameter 'spin' must be None (automatic), True or False; got {spin!r}")
        s = dict(GPAW_LEVELS[level])
        for key, name, unit, v in (("kspacing_inv_A", "kspacing", "1/A", kspacing), ("ecut_eV", "ecut", "eV", ecut)):
            if v is not None:
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0.0 < v < float("inf"):
                    raise ParameterError(f"parameter '{name}' must be a finite number > 0 {unit}; got {v!r}")
                s[key] = float(v)
        for key, mode in (("relax_mode", relax_mode), ("energy_mode", energy_mode)):
            if mode is not None:
                if mode not in ("lcao", "pw"):
                    raise ParameterError(f"parameter '{key}' must be 'lcao' or 'pw'; got {mode!r}")
                s[key] = mode
        s.update({"level": level, "xc": "PBE", "setups": "paw", "dispersion": dispersion, "d3_damping": "d3zero" if dispersion else None,
                  "spin": spin, "dipole_correction": "slabs and interfaces (dipole layer along z)",
                  "cell_stress": "analytic minus the Pulay stress (quadratic fit over +-2 % isotropic strain, sigma_P V held, "
                                 "re-measured after 1 % in volume) [Francis1990]", "gpaw_data": _version("gpaw-data"),
                  "dftd3": _version("dftd3") if dispersion else None})
        self.level = level
        self.dispersion = dispersion
        self.spin = spin
        self.txt = txt
        self.settings = s
        model = f"PBE{'-D3' if dispersion else ''}/{level}"
        self.info = CalculatorInfo("gpaw", model, _version("gpaw"), "dft", 0.0, s)

    def variant(self, kspacing: float | None = None, ecut: float | None = None, relax_mode: str | None = None,
                txt: str | None = None) -> GPAWCalculator:
        """The same calculator with another k-spacing, cut-off and/or relaxation mode (for convergence scans; its own cache identity).

        Parameters
        ----------
        kspacing : float, optional
            k-point spacing [Å-1] (2 pi included); None keeps this one's.
        ecut : float, optional
            Plane-wave cut-off [eV]; None keeps this one's.
        relax_mode : {"lcao", "pw"}, optional
            Mode of position relaxations and scans; None keeps this one's.
        txt : str, optional
            GPAW log file every calculation appends to; None keeps this one's (the log is not part of the identity).

        Returns
        -------
        GPAWCalculator
            A new calculator.

        Raises
        ------
        ParameterError
            A k-spacing or cut-off that is not a finite number > 0, or a mode other than "lcao" and "pw".
        """
        s = self.settings
        return GPAWCalculator(self.level, self.dispersion, self.spin, s["kspacing_inv_A"] if kspacing is None else kspacing,
                              s["ecut_eV"] if ecut is None else ecut, s["relax_mode"] if relax_mode is None else relax_mode,
                              s["energy_mode"], self.txt if txt is None else txt)

    def _log(self, atoms, purpose: str):
        """The open log (append mode, line-buffered) with a header for the next calculation; None without ``txt``.

        The file stays open until :meth:`release` (after each job) or the calculator is collected, and is reopened
        for the next calculation.
        """
        if self.txt is None:
            return None
        import datetime
        import weakref

        fh = self.__dict__.get("_log_fh")
        if fh is None or fh.closed:
            fh = open(self.txt, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (closed by release or at collection)
            weakref.finalize(self, fh.close)
            self.__dict__["_log_fh"] = fh
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        fh.write(f"{GPAW_LOG_HEADER} {purpose} of {atoms.get_chemical_formula()} ({len(atoms)} atoms), {self.label()}, {now} =====\n")
        return fh

    def release(self, ase_calc) -> None:
        """Close the GPAW log after a job (the next calculation reopens it, appending).

        Parameters
        ----------
        ase_calc : ase.calculators.calculator.Calculator or None
            The calculator :meth:`ase_calculator` returned (GPAW frees its own memory when it is collected).
        """
        fh = self.__dict__.pop("_log_fh", None)
        if fh is not None:
            fh.close()

    def __getstate__(self) -> dict:
        """Pickled without the open log (a worker process opens its own)."""
        state = dict(self.__dict__)
        state.pop("_log_fh", None)
        return state

    def label(self) -> str:
        """Short label ``"gpaw:<level>"`` (``"gpaw:<level>-d3"`` with D3).

        Returns
        -------
        str
            E.g. ``"gpaw:screening"``.
        """
        return f"gpaw:{self.level}{'-d3' if self.dispersion else ''}"

    def _mode(self, purpose: str) -> str:
        if purpose not in PURPOSES:
            raise ParameterError(f"parameter 'purpose' must be one of {PURPOSES}; got {purpose!r}")
        if purpose == "relax_cell":  # the stress exists in plane-wave mode only
            return "pw"
        return self.settings["relax_mode"] if purpose in ("relax", "scan") else self.settings["energy_mode"]

    def final_single_point(self, purpose: str) -> bool:
        """True when relaxations with ``purpose`` run in a different mode than the energies.

        Parameters
        ----------
        purpose : str
            The purpose the relaxation ran with (:data:`PURPOSES`).

        Returns
        -------
        bool
            Whether the relaxed geometry needs a final ``"energy"`` single point.
        """
        return self._mode(purpose) != self._mode("energy") or (purpose == "relax_cell" and self._mode("energy") != "pw")

    def for_formula(self, phases) -> GPAWCalculator:
        """This calculator with spin fixed for one formula: on for all when any bulk phase needs it (see ``spin``).

        Parameters
        ----------
        phases : sequence of ase.Atoms
            The bulk phases of the formula (Å), e.g. Li and LiF for W_ad(Li|LiF).

        Returns
        -------
        GPAWCalculator
            Itself when ``spin`` is already True/False, else a copy with ``spin`` fixed (its own cache identity).
        """
        if self.spin is not None:
            return self
        s = self.settings
        return GPAWCalculator(self.level, self.dispersion, any(self.spin_polarised(a) for a in phases), s["kspacing_inv_A"], s["ecut_eV"],
                              s["relax_mode"], s["energy_mode"], self.txt)

    def spin_polarised(self, atoms) -> bool:
        """Whether ``atoms`` is computed spin-polarised (see ``spin``; per structure only while ``spin`` is None).

        Parameters
        ----------
        atoms : ase.Atoms
            The structure.

        Returns
        -------
        bool
            True for spin-polarised calculations.
        """
        return bool(self.spin) if self.spin is not None else needs_spin(atoms)

    def prepare(self, atoms) -> object:
        """Slab or interface with vacuum: non-periodic along z (the dipole layer needs it), centred in z; starting moments.

        Parameters
        ----------
        atoms : ase.Atoms
            The structure, changed in place.

        Returns
        -------
        object
            What :meth:`restore` needs to undo it.
        """
        from lisse.atomistic.dft import _is_slab

        pbc = atoms.pbc.copy()
        mag = atoms.get_initial_magnetic_moments().copy()
        dz = 0.0
        if _is_slab(atoms):
            z = atoms.positions[:, 2]
            dz = 0.5 * float(atoms.cell.array[2, 2]) - 0.5 * float(z.max() + z.min())
            atoms.positions[:, 2] += dz
            atoms.pbc = [bool(pbc[0]), bool(pbc[1]), False]
        if self.spin_polarised(atoms) and not mag.any():
            atoms.set_initial_magnetic_moments(starting_moments(atoms))
        return (pbc, dz, mag)

    def restore(self, atoms, token: object) -> None:
        """Undo :meth:`prepare`.

        Parameters
        ----------
        atoms : ase.Atoms
            The structure, changed in place.
        token : object
            What :meth:`prepare` returned.
        """
        pbc, dz, mag = cast("tuple[Any, float, Any]", token)
        atoms.positions[:, 2] -= dz
        atoms.pbc = pbc
        atoms.set_initial_magnetic_moments(mag)

    def gpaw_parameters(self, atoms, purpose: str = "energy") -> dict:
        """The keyword arguments of ``gpaw.GPAW`` for ``atoms`` and ``purpose`` (no GPAW import).

        Parameters
        ----------
        atoms : ase.Atoms
            The structure (Å), as :meth:`prepare` left it.
        purpose : {"relax", "relax_cell", "scan", "energy"}, default "energy"
            What the calculation is for.

        Returns
        -------
        dict
            ``mode``, ``xc``, ``kpts``, ``occupations``, ``spinpol``, ``txt`` (None: :meth:`ase_calculator` passes the
            open log of ``txt``, appended to; GPAW given the file name would truncate it) and, for LCAO, ``basis`` and ``h``;
            for a slab, ``poissonsolver`` with the dipole layer.

        Raises
        ------
        ParameterError
            Unknown ``purpose``.
        """
        from lisse.atomistic.dft import _is_slab, kpoint_mesh

        s = self.settings
        mode = self._mode(purpose)
        p: dict[str, Any] = {"xc": "PBE", "txt": None, "occupations": {"name": "fermi-dirac", "width": s["smearing_eV"]},
                             "kpts": {"size": kpoint_mesh(atoms, s["kspacing_inv_A"]), "gamma": True}, "spinpol": self.spin_polarised(atoms)}
        if mode == "pw":
            p["mode"] = {"name": "pw", "ecut": s["ecut_eV"]}
        else:
            p.update({"mode": "lcao", "basis": s["basis"], "h": s["h_A"]})
        if _is_slab(atoms):
            p["poissonsolver"] = {"dipolelayer": "xy"}
        if "scf_energy_eV_per_electron" in s:  # the level's own SCF criteria (GPAW's defaults otherwise)
            p["convergence"] = {"energy": s["scf_energy_eV_per_electron"], "density": s["scf_density"]}
        return p

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        """A GPAW calculator (plus D3 when asked) built for ``atoms`` and ``purpose``.

        Parameters
        ----------
        atoms : ase.Atoms
            The structure (Å), as :meth:`prepare` left it; required (the k-mesh and the dipole layer depend on it).
        purpose : {"relax", "relax_cell", "scan", "energy"}, default "energy"
            What the calculation is for.

        Returns
        -------
        ase.calculators.calculator.Calculator
            Energies in eV, forces in eV/Å, stress in eV/Å3 (plane-wave mode).

        Raises
        ------
        ParameterError
            No structure given, or an unknown ``purpose``.
        MissingDependencyError
            gpaw (or, with D3, dftd3) is not installed.

        References
        ----------
        Mortensen, Larsen, Kuisma, et al., GPAW: An open Python package for electronic structure calculations, J. Chem. Phys. 160,
        092503 (2024), doi:10.1063/5.0182685.
        Perdew, Burke, Ernzerhof, Generalized gradient approximation made simple, Phys. Rev. Lett. 77, 3865 (1996), doi:10.1103/PhysRevLett.77.3865.
        Grimme, Antony, Ehrlich, Krieg, A consistent and accurate ab initio parametrization of density functional dispersion correction
        (DFT-D) for the 94 elements H-Pu, J. Chem. Phys. 132, 154104 (2010), doi:10.1063/1.3382344.
        Francis, Payne, Finite basis set corrections to total energy pseudopotential calculations, J. Phys.: Condens. Matter 2, 4395
        (1990), doi:10.1088/0953-8984/2/19/007 (the Pulay stress removed in cell relaxations, :func:`pulay_corrected`).
        """
        if atoms is None:
            raise ParameterError("the GPAW calculator is built per structure: give atoms (k-mesh and dipole layer depend on the cell)")
        p = self.gpaw_parameters(atoms, purpose)
        p["txt"] = self._log(atoms, purpose)  # appended to, never truncated (GPAW would open a file name for writing)
        gpaw = _gpaw()
        register("Mortensen2024")
        register("Perdew1996")

        def build(symmetry_off: bool = False, log: bool = True):
            q = dict(p, symmetry="off") if symmetry_off else dict(p)
            if not log:
                q["txt"] = None  # the Pulay-stress probes: one log per calculation is enough
            calc = gpaw.GPAW(**q)
            return with_d3(calc, self.settings["d3_damping"]) if self.dispersion == "d3" else calc

        def guarded(log: bool = True):
            return symmetry_guarded(lambda: build(log=log), lambda: build(symmetry_off=True, log=log))

        if purpose == "relax_cell":
            register("Francis1990")
            return pulay_corrected(guarded(), lambda: guarded(log=False))
        return guarded()


#: The start of the header line :class:`GPAWCalculator` writes before each calculation's GPAW log (``txt``); a file that
#: starts with it (or is empty) is one ``lisse wetting --dft-log`` may append to.
GPAW_LOG_HEADER = "===== lisse: GPAW"


#: GPAW exceptions after which :func:`symmetry_guarded` repeats a calculation without symmetry (matched by name: they
#: live in GPAW's internal modules).
_SYMMETRY_ERRORS = ("SymmetryAnalysisBug", "SymmetryBrokenError")


def symmetry_guarded(build: Callable[[], Any], build_without_symmetry: Callable[[], Any]):
    """An ASE calculator that runs ``build()``'s calculator and, if GPAW's symmetry handling fails, runs without symmetry.

    GPAW 26 finds the symmetry operations of a cell to a tolerance of 1e-5 Å and then checks that they form a group;
    positions that are symmetric only to about that tolerance (e.g. a slab relaxed by an ML potential) can give a set
    that is not a group, and GPAW stops with ``SymmetryAnalysisBug`` before any SCF. During a relaxation GPAW keeps the
    symmetry of the first geometry and stops with ``SymmetryBrokenError`` when a step breaks it (seen: a LiF(100) slab
    with its bottom plane fixed). This wrapper then repeats the calculation with ``build_without_symmetry()``
    (``symmetry="off"``: the full k-point mesh, the same energy to within the SCF tolerance, more k-points to compute)
    and keeps that calculator.

    Parameters
    ----------
    build, build_without_symmetry : callable
        Return the calculator with GPAW's symmetry analysis, and the same calculator without it.

    Returns
    -------
    ase.calculators.calculator.Calculator
        Energy [eV], forces [eV/Å] and stress [eV/Å3] of the inner calculator (``inner``); ``symmetry_off`` says
        whether the fallback was taken.
    """
    from ase.calculators.calculator import Calculator, all_changes

    class SymmetryGuarded(Calculator):
        implemented_properties = ["energy", "free_energy", "forces", "stress"]

        def __init__(self) -> None:
            super().__init__()
            self.inner = build()
            self.symmetry_off = False

        def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes) -> None:
            results = dict(self.results) if not system_changes else {}
            super().calculate(atoms, properties, system_changes)
            assert self.atoms is not None  # set by Calculator.calculate
            while True:
                a = self.atoms.copy()
                a.calc = self.inner
                try:
                    results["energy"] = float(a.get_potential_energy())
                    results["free_energy"] = float(self.inner.results.get("free_energy", results["energy"]))
                    if "forces" in properties:
                        results["forces"] = a.get_forces()
                    if "stress" in properties:
                        results["stress"] = a.get_stress(voigt=True)
                    break
                except Exception as exc:
                    if type(exc).__name__ not in _SYMMETRY_ERRORS or self.symmetry_off:
                        raise
                    self.inner = build_without_symmetry()
                    self.symmetry_off = True
            self.results = results

    return SymmetryGuarded()


#: Isotropic strains [-] at which :func:`pulay_corrected` evaluates the energy (besides the cell itself); a quadratic fit
#: over them gives dE/d eps. Wide enough to average over the jumps of the plane-wave count at a fixed cut-off
#: (measured, LiF at 400 eV, a = 4.03 A: central differences gave sigma_P = 0.422 / 0.352 / 0.381 / 0.372 eV/A3 at
#: 0.25 / 0.5 / 1 / 2 %; at 300 eV, +-0.5 % gave 1.42 to 1.70 eV/A3 at volumes 0.1 % apart).
PULAY_STRAINS = (-0.02, -0.01, 0.01, 0.02)
#: Relative volume change [-] after which :func:`pulay_corrected` measures the Pulay stress again; in between
#: sigma_P V is held (measured, LiF at 300 eV: sigma_P V = 97-105 eV over +-15 % in the lattice constant).
PULAY_REMEASURE_VOLUME = 0.01


def _free_energy(atoms) -> float:
    """The energy whose derivative the analytic stress is: the force-consistent (free) energy where the calculator has
    one (GPAW: the Fermi-Dirac free energy; GPAW + D3: their sum), else the energy [eV]."""
    atoms.get_potential_energy()
    calc = atoms.calc
    res = getattr(calc, "results", {})
    if "free_energy" in res:
        return float(res["free_energy"])
    return float(atoms.get_potential_energy())


def pulay_corrected(calc, build: Callable[[], Any]):
    """An ASE calculator whose stress is ``calc``'s minus the Pulay stress, measured by finite differences of the energy.

    A plane-wave basis with a fixed cut-off changes with the cell, so the analytic stress (the derivative at a fixed
    set of plane waves) differs from the derivative of the fixed-cut-off energy by the Pulay stress, which is
    isotropic [Francis1990]: ``sigma_P = sigma_analytic - (dE/d eps)/(3V)`` with ``eps`` an isotropic strain. GPAW 26
    ignores its own ``dedecut`` correction, and with the hard F, O and C PAW setups the error is large: LiF at
    450 eV, a = 4.03 Å, has an analytic mean stress of +0.129 eV/Å3 against -0.031 eV/Å3 from the energy, and an
    uncorrected cell relaxation ends at a = 3.72 Å (PBE: 4.06 Å). This wrapper measures ``sigma_P`` at the first
    geometry from single points at the isotropic strains ``PULAY_STRAINS`` (a quadratic fit of the free energy, which
    averages over the jumps of the plane-wave count), holds
    ``sigma_P V`` fixed while the cell changes (the measured volume dependence, and a stress that stays continuous
    for the optimiser), measures again after the volume has changed by more than ``PULAY_REMEASURE_VOLUME``, and
    subtracts ``sigma_P`` from the diagonal of the stress. Energies and forces are ``calc``'s. The fixed-cut-off
    energy the relaxation then minimises is jagged where few plane waves describe the hard setups: at 300 eV (the
    "test" level) relaxed LiF cells ended between 3.92 and 4.18 Å with the measurement variants tried, so that level is
    a pipeline check only; at 400 eV LiF ends at 4.088 Å, 0.05 % from its EOS minimum (4.090 Å).

    Parameters
    ----------
    calc : ase.calculators.calculator.Calculator
        The plane-wave calculator (with any dispersion term) used for the relaxation.
    build : callable
        Returns a fresh calculator with the same settings (for the strained single points).

    Returns
    -------
    ase.calculators.calculator.Calculator
        Energy [eV], forces [eV/Å] and the corrected stress [eV/Å3]; ``pulay_stress_eV_A3`` holds the last measured
        Pulay stress.

    References
    ----------
    Francis, Payne, Finite basis set corrections to total energy pseudopotential calculations, J. Phys.: Condens.
    Matter 2, 4395 (1990), doi:10.1088/0953-8984/2/19/007.
    """
    import numpy as np
    from ase.calculators.calculator import Calculator, all_changes

    class PulayCorrected(Calculator):
        implemented_properties = ["energy", "free_energy", "forces", "stress"]

        def __init__(self) -> None:
            super().__init__()
            self.inner = calc
            self.pulay_stress_eV_A3: float | None = None
            self._volume: float | None = None  # volume of the last measurement [A3]
            self._pv: float | None = None  # measured sigma_P x V [eV]

        def _measure(self, atoms, mean_stress: float, energy: float) -> float:
            eps, e = [0.0], [energy]
            for x in PULAY_STRAINS:
                a = atoms.copy()
                a.set_cell(a.cell.array * (1.0 + x), scale_atoms=True)
                a.calc = build()
                eps.append(x)
                e.append(_free_energy(a))
            slope = float(np.polyfit(eps, e, 2)[1])  # dE/d eps at eps = 0
            return mean_stress - slope / (3.0 * atoms.get_volume())

        def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes) -> None:
            super().calculate(atoms, properties, system_changes)
            assert self.atoms is not None  # set by Calculator.calculate
            a = self.atoms.copy()
            a.calc = self.inner
            energy = float(a.get_potential_energy())
            stress = np.array(a.get_stress(voigt=True), dtype=float)
            v = a.get_volume()
            if self._pv is None or self._volume is None or abs(v / self._volume - 1.0) > PULAY_REMEASURE_VOLUME:
                self._pv = self._measure(a, float(stress[:3].mean()), _free_energy(a)) * v
                self._volume = v
            pulay = self.pulay_stress_eV_A3 = self._pv / v  # sigma_P V is nearly constant (LiF, 300 eV: within 4 % over +-15 % in a)
            stress[:3] -= pulay
            self.results = {"energy": energy, "free_energy": float(self.inner.results.get("free_energy", energy)), "forces": a.get_forces(),
                            "stress": stress}

    return PulayCorrected()


class DispersionCorrected(AtomisticCalculator):
    """An ML potential plus Grimme's D3 dispersion (PBE parameters, zero damping) [Grimme2010] as one calculator.

    The universal ML potentials are trained on PBE(+U) energies without dispersion [Deng2023, Park2024], so they
    compare like for like with PBE, not with PBE-D3. Adding D3 to them (as GPAW's ``dispersion="d3"`` adds it to PBE)
    makes an ML value comparable with a PBE-D3 reference, and an ML pre-relaxation for a PBE-D3 relaxation start
    where D3 pulls the film (an ML pre-relaxation without it stops where the ML surface alone has its minimum).

    D3 reaches far (``dftd3``'s pair cutoff is 60 bohr, 31.8 Å); its part of a slab's energy is computed non-periodic
    along z, as the DFT runs compute it (GPAW's slabs are non-periodic there), so no D3 term crosses the vacuum to the
    slab's images. Its energies still span the whole slab, unlike the ML potential's alone: :attr:`long_range` is
    True and the W_ad workflow computes the film and substrate in the interface's own cell and checks the vacuum, as
    it does for DFT. ``info.cutoff_A`` stays the ML potential's (the slab checks' neighbour range).

    Parameters
    ----------
    base : AtomisticCalculator
        The ML calculator (``info.kind == "ml"``).
    damping : str, default "d3zero"
        The D3 damping, as :func:`with_d3`.

    Raises
    ------
    ParameterError
        ``base`` is not an ML calculator, or already has a dispersion term.

    References
    ----------
    Grimme, Antony, Ehrlich, Krieg, A consistent and accurate ab initio parametrization of density functional dispersion correction
    (DFT-D) for the 94 elements H-Pu, J. Chem. Phys. 132, 154104 (2010), doi:10.1063/1.3382344.
    """

    long_range = True

    def __init__(self, base: AtomisticCalculator, damping: str = "d3zero") -> None:
        if base.info.kind != "ml" or base.info.settings.get("dispersion"):
            raise ParameterError(f"D3 is added here to an ML calculator without dispersion; got {base.label()!r}")
        self.base = base
        self.damping = damping
        i = base.info
        self.info = CalculatorInfo(i.name, f"{i.model}+d3", i.version, "ml", i.cutoff_A,
                                   {**i.settings, "dispersion": "d3", "d3_damping": damping, "dftd3": _version("dftd3"),
                                    # in the identity: cache entries of the D3 that counted a slab's images are not reused
                                    "d3_slab": D3_SLAB_CONVENTION})

    def ase_calculator(self, atoms=None, purpose: str = "energy"):
        """The base ML calculator plus D3 (a slab's non-periodic along z): energies in eV, forces in eV/Å, stress in eV/Å3.

        Parameters
        ----------
        atoms : ase.Atoms, optional
            Passed to the base calculator (ML backends ignore it).
        purpose : str, default "energy"
            Passed to the base calculator (ML backends ignore it).

        Returns
        -------
        ase.calculators.mixing.SumCalculator
            ML + D3 (a slab's D3 non-periodic along z, as in the DFT runs).

        Raises
        ------
        MissingDependencyError
            ``dftd3`` (extra ``dft``) or the base model's package is not installed.
        """
        from ase.calculators.mixing import SumCalculator

        return SumCalculator([self.base.ase_calculator(atoms, purpose), _slab_d3(self.damping)])


#: How lisse's D3 treats a slab (:func:`_slab_d3`); ML + D3 and CP2K + D3 carry it in their settings, so their cached
#: energies from before the convention (the images across the vacuum counted) are never reused.
D3_SLAB_CONVENTION = "non-periodic along z"


def _slab_d3(damping: str):
    """Grimme's D3 (PBE parameters) as an ASE calculator that treats a slab as the DFT runs do: non-periodic along z.

    GPAW's :meth:`GPAWCalculator.prepare` makes a slab non-periodic along z before D3 is added to it, so the PBE-D3
    references have no D3 term across the vacuum to the slab's periodic images; an ML potential keeps the slab
    periodic (its graph needs it), so the D3 part of ML + D3 is computed here on a copy that is non-periodic along z
    whenever the structure is a slab (:func:`lisse.atomistic.dft._is_slab`). Measured on Ji2025's Li|LiF cell: the
    periodic images add 0.005-0.007 J/m2 to W_ad.
    """
    try:
        from dftd3.ase import DFTD3
    except ImportError as exc:  # pragma: no cover - depends on environment
        raise MissingDependencyError("dftd3", "D3 dispersion", "dft") from exc
    import numpy as np
    from ase.calculators.calculator import Calculator, all_changes

    from lisse.atomistic.dft import _is_slab

    register("Grimme2010")

    class SlabD3(Calculator):
        implemented_properties = ["energy", "free_energy", "forces", "stress"]

        def calculate(self, atoms=None, properties=("energy",), system_changes=all_changes) -> None:
            super().calculate(atoms, properties, system_changes)
            assert self.atoms is not None  # set by Calculator.calculate
            a = self.atoms.copy()
            if _is_slab(a):
                a.pbc = [bool(a.pbc[0]), bool(a.pbc[1]), False]
            a.calc = DFTD3(method="PBE", damping=damping)
            e = float(a.get_potential_energy())
            self.results = {"energy": e, "free_energy": e, "forces": np.array(a.get_forces())}
            if "stress" in properties:
                self.results["stress"] = np.array(a.get_stress())

    return SlabD3()


CALCULATORS = {"chgnet": CHGNetCalculator, "sevennet": SevenNetCalculator, "gpaw": GPAWCalculator}


def is_long_range(calc: AtomisticCalculator) -> bool:
    """Whether ``calc``'s energies are long-ranged (DFT, or an ML potential with D3).

    A W_ad with such a calculator takes its three energies in one cell and checks its vacuum.

    Parameters
    ----------
    calc : AtomisticCalculator
        The calculator.

    Returns
    -------
    bool
        ``calc.long_range`` where the calculator sets it, else whether it is a DFT calculator.
    """
    lr = getattr(calc, "long_range", None)
    return calc.info.kind == "dft" if lr is None else bool(lr)


def get_calculator(spec: str | AtomisticCalculator = "chgnet", level: str | None = None, dispersion: str | None = None) -> AtomisticCalculator:
    """Resolve ``"chgnet"``, ``"chgnet:r2scan"``, ``"sevennet"``, ``"sevennet:7net-0"``, ``"gpaw"``, ``"gpaw:publication"`` or pass an instance through.

    For ``"gpaw"`` the part after the colon is the level (:data:`GPAW_LEVELS`); build a
    :class:`GPAWCalculator` yourself for other settings. An ML spec ending in ``+d3`` (``"chgnet+d3"``,
    ``"chgnet:0.3.0+d3"``: the form of its :meth:`~AtomisticCalculator.label`), or ``dispersion="d3"`` with an ML
    name, adds Grimme's D3 (:class:`DispersionCorrected`).

    Parameters
    ----------
    spec : str or AtomisticCalculator, default "chgnet"
        ``"name"`` or ``"name:model"`` (``"gpaw:<level>"``), or an instance.
    level : {None, "screening", "publication", "test"}, optional
        DFT level (GPAW only; default "screening"); must agree with a level given in ``spec``.
    dispersion : {None, "d3"}, optional
        Dispersion correction (GPAW, or an ML potential: :class:`DispersionCorrected`).

    Returns
    -------
    AtomisticCalculator
        The calculator.

    Raises
    ------
    ParameterError
        Unknown name, model, level or dispersion, ``level`` given for an ML calculator, ``+d3`` on a DFT name, or
        ``level``/``dispersion`` given with an instance.
    """
    if isinstance(spec, AtomisticCalculator):
        if level is not None or dispersion is not None:
            raise ParameterError("give level/dispersion with a calculator name, not with a calculator instance (build it with them)")
        return spec
    text = str(spec)
    if dispersion not in (None, "d3"):
        raise ParameterError(f"parameter 'dispersion' must be None or 'd3'; got {dispersion!r}")
    if text.endswith("+d3"):  # an ML potential with D3, written as its label
        text, dispersion = text[: -len("+d3")], "d3"
        if text.partition(":")[0] == "gpaw":
            raise ParameterError(f"calculator '{spec}': give GPAW its D3 with dispersion='d3' (--dispersion d3), not '+d3'")
    name, _, model = text.partition(":")
    if name == "cp2k":
        raise ParameterError("CP2K runs as an external program through lisse.io.cp2k.CP2KCalculator: build it and pass the instance "
                             "(the command line's --calculator cp2k does this)")
    if name not in CALCULATORS:
        raise ParameterError(f"unknown calculator '{spec}'; expected one of {sorted(CALCULATORS)} (optionally 'name:model'), or cp2k "
                             "(the command line's --calculator cp2k; from Python lisse.io.cp2k.CP2KCalculator)")
    if name == "gpaw":
        if level is not None and model and level != model:
            raise ParameterError(f"calculator '{spec}' names level {model!r} but level {level!r} was given")
        return GPAWCalculator(level or model or "screening", dispersion=dispersion)
    if level is not None:
        raise ParameterError(f"level applies to the DFT calculator 'gpaw' only; got calculator '{spec}' with level={level!r}")
    ml = CALCULATORS[name](model) if model else CALCULATORS[name]()
    return DispersionCorrected(ml) if dispersion == "d3" else ml


def check_same_calculator(*infos: Any) -> CalculatorInfo:
    """Raise unless all results come from the same calculator (name, model, version, settings).

    Parameters
    ----------
    *infos : CalculatorInfo or dict
        The provenance of each result.

    Returns
    -------
    CalculatorInfo
        The common calculator.

    Raises
    ------
    CalculationError
        Two results come from different calculators.
    ParameterError
        No information given.
    """
    first = None
    for i in infos:
        d = i if isinstance(i, dict) else i.as_dict()
        if first is None:
            first = d
        elif d != first:
            raise CalculationError(f"refusing to mix energies from different calculators in one formula: {first} vs {d}")
    if first is None:
        raise ParameterError("no calculator information given")
    return CalculatorInfo(**first)
