"""A small calculator contract and its adapters: CHGNet (default), SevenNet (optional), DFT from files.

Contract
--------
Every backend is an :class:`AtomisticCalculator` with

* ``info``: :class:`CalculatorInfo` (name, model, version, kind ``"ml"`` or ``"dft"``, cutoff in A,
  settings) — stored with every result as provenance, and used to refuse mixing energies from
  different calculators in one formula (:func:`check_same_calculator`);
* ``ase_calculator()``: an ASE calculator (ML backends) used by :mod:`lisse.atomistic.relax`;
* ``identity()``: a string that enters the content hash of every cached job.

:class:`lisse.io.dft_decks.DFTFromFiles` has no ASE calculator: it returns, for a named job, the energy and final
structure read from VASP (vasprun.xml, OUTCAR) or Quantum ESPRESSO (pw.x output) files that the user
produced from the decks of :mod:`lisse.atomistic.dft` (written and read by :mod:`lisse.io.dft_decks`);
it is a :class:`PrecomputedCalculator`, the contract the workflows use for results that already exist.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

from lisse.citations import Citation, add, register
from lisse.errors import CalculationError, MissingDependencyError, ParameterError

__all__ = [
    "CalculatorInfo",
    "AtomisticCalculator",
    "CHGNetCalculator",
    "SevenNetCalculator",
    "PrecomputedCalculator",
    "get_calculator",
    "check_same_calculator",
    "CALCULATORS",
]

for _c in (
    Citation("Deng2023", "Deng, Zhong, Jun, Riebesell, Han, Bartel, Ceder", "CHGNet as a pretrained universal neural network potential for charge-informed atomistic modelling", "Nat. Mach. Intell. 5, 1031", 2023, "10.1038/s42256-023-00716-3"),
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


class AtomisticCalculator:
    """Base class of the calculator contract (see module docstring)."""

    info: CalculatorInfo

    def ase_calculator(self):  # pragma: no cover - overridden
        """The ASE calculator of an ML backend.

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

    def ase_calculator(self):
        """The CHGNet ASE calculator (loaded once, on the CPU).

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

    def ase_calculator(self):
        """The SevenNet ASE calculator (loaded once, on the CPU).

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


CALCULATORS = {"chgnet": CHGNetCalculator, "sevennet": SevenNetCalculator}


def get_calculator(spec: str | AtomisticCalculator = "chgnet") -> AtomisticCalculator:
    """Resolve ``"chgnet"``, ``"chgnet:r2scan"``, ``"sevennet"``, ``"sevennet:7net-0"`` or pass an instance through.

    Parameters
    ----------
    spec : str or AtomisticCalculator, default "chgnet"
        ``"name"`` or ``"name:model"``, or an instance.

    Returns
    -------
    AtomisticCalculator
        The calculator.

    Raises
    ------
    ParameterError
        Unknown name or model.
    """
    if isinstance(spec, AtomisticCalculator):
        return spec
    name, _, model = str(spec).partition(":")
    if name not in CALCULATORS:
        raise ParameterError(f"unknown calculator '{spec}'; expected one of {sorted(CALCULATORS)} (optionally 'name:model')")
    return CALCULATORS[name](model) if model else CALCULATORS[name]()


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
