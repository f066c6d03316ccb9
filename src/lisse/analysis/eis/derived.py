r"""Quantities derived from impedance results: conductivity, Arrhenius energy, interfacial ASR, DRT maps.

* Ionic conductivity of a pellet or membrane of thickness L and area A from a resistance R (bulk,
  or bulk + grain boundary for the total conductivity): :math:`\sigma = L/(R A)` [Ji2025].
* Arrhenius activation energy from a temperature series, for ionic conductors in the form
  :math:`\sigma T = A \exp(-E_a/k_B T)` (default; the hopping form) or :math:`\sigma = A\exp(-E_a/k_B T)`.
* Interfacial area-specific resistance of a **symmetric** cell (Li|SSE|Li): the measured interfacial
  resistance contains two identical interfaces in series, so the ASR of one interface is
  :math:`R_{int} A / 2` (stated in the result; ``symmetric=False`` for a single interface).
* DRT map of a series of spectra (e.g. EIS recorded during cycling): every spectrum's γ on one
  common, data-independent τ grid, plus each process's resistance per spectrum.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.analysis._estimator import check_spectra
from lisse.constants import BOLTZMANN, ELEMENTARY_CHARGE, GAS_CONSTANT
from lisse.errors import ParameterError
from lisse.records.display import compact_repr, plot_with
from lisse.units import UserNumber, quantity_args, to_si

if TYPE_CHECKING:
    from collections.abc import Sequence

    from numpy.typing import ArrayLike

    from lisse._typing import QuantityLike
    from lisse.analysis.eis.circuits import Circuit
    from lisse.records.spectrum import EISSpectrum

__all__ = ["conductivity", "conductivity_from_fit", "arrhenius", "ArrheniusFit", "interfacial_asr", "drt_map", "DRTMap"]


def _pos(x, unit, name):
    v = to_si(x, unit, name)
    if not (math.isfinite(v) and v > 0):
        raise ParameterError(f"{name}: expected a positive finite value, found {x!r}")
    return v


def conductivity(resistance: QuantityLike, thickness: QuantityLike, area: QuantityLike) -> float:
    """Compute the ionic conductivity σ = L/(R·A).

    Parameters
    ----------
    resistance : float or str
        Resistance R [ohm] (bulk, or bulk + grain boundary), or a quantity string (``"1.2 kohm"``).
    thickness : float or str
        Electrolyte thickness L (bare number in m, or e.g. ``"0.8 mm"``).
    area : float or str
        Electrode area A (bare number in m², or e.g. ``"0.785 cm2"``).

    Returns
    -------
    float
        Ionic conductivity in S/m.

    Raises
    ------
    ParameterError, UnitError
        If a value is not positive and finite or has the wrong unit.

    References
    ----------
    .. [1] Ji et al., Nature Communications (2025) (``Ji2025``): σ = L/(R A) of a pellet.
    """
    R = _pos(resistance, "ohm", "resistance")
    L = _pos(thickness, "m", "thickness")
    A = _pos(area, "m**2", "area")
    return L / (R * A)


def conductivity_from_fit(circuit: Circuit, thickness: QuantityLike, area: QuantityLike, bulk: str | None = None) -> dict:
    """Bulk ionic conductivity σ = L/(R_b·A) from a fitted circuit's bulk resistor, with its uncertainty.

    Parameters
    ----------
    circuit : lisse.analysis.eis.circuits.Circuit
        A fitted circuit.
    thickness, area : float or str
        Pellet thickness L [m] and electrode area A [m²] (or quantities such as ``"0.78 mm"``).
    bulk : str, optional
        The resistor to take as bulk; default :meth:`Circuit.bulk_element` (the first resistor inside a
        parallel block, i.e. the first arc after the series resistance).

    Returns
    -------
    dict
        ``bulk_element``, ``bulk_resistance_ohm``, ``bulk_resistance_std_ohm``, ``conductivity_S_cm``,
        ``conductivity_std_S_cm`` (first-order propagation of the fit's standard error,
        σ_σ = σ·s(R_b)/R_b; L and A taken as exact), ``bulk_flags`` (why R_b is suspect, e.g. "at
        bound": its std is then not meaningful) and ``conductivity_note``. When R_b is not positive
        the conductivities are None.
    """
    name = circuit.bulk_element(bulk)
    rb = float(circuit.parameters_[name])
    sd = float(circuit.std_[name])
    out = {"bulk_element": name, "bulk_resistance_ohm": rb, "bulk_resistance_std_ohm": sd,
           "conductivity_S_cm": None, "conductivity_std_S_cm": None, "bulk_flags": circuit.parameter_flags()[name],
           "conductivity_note": f"sigma = L/(R_b*A) with R_b = {name} of the fitted circuit; std from the fit covariance (L, A exact)"}
    if rb > 0 and math.isfinite(rb):
        sig = conductivity(rb, thickness, area) / 100  # S/m -> S/cm
        out["conductivity_S_cm"] = sig
        out["conductivity_std_S_cm"] = sig * sd / rb
    return out


@dataclass(frozen=True)
class ArrheniusFit:
    """Result of :func:`arrhenius`.

    Parameters
    ----------
    Ea : float
        Activation energy per carrier in J.
    Ea_eV : float
        Activation energy in eV.
    Ea_kJ_mol : float
        Activation energy in kJ/mol.
    Ea_std_eV : float
        Standard error of the activation energy, in eV; NaN from two points (no residual to estimate it).
    prefactor : float
        Pre-exponential factor A: in S K/m for ``form="sigma_T"``, in S/m for ``form="sigma"``.
    r2 : float
        Coefficient of determination of the line (dimensionless); NaN from two points (a line through
        two points fits them exactly: R² = 1 says nothing).
    form : str
        ``"sigma_T"`` or ``"sigma"``.
    notes : tuple of str, optional
        Caveats (e.g. a two-point fit without uncertainty).
    """

    Ea: float
    Ea_eV: float
    Ea_kJ_mol: float
    Ea_std_eV: float
    prefactor: float
    r2: float
    form: str
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        """Return the fit as JSON-able data (unit-suffixed keys).

        Returns
        -------
        dict
            ``activation_energy_eV``, ``activation_energy_kJ_mol``, ``activation_energy_std_eV``, ``prefactor``,
            ``r2``, ``form``, ``notes`` (NaN values stand for "not measured"; JSON null).
        """
        return {
            "activation_energy_eV": self.Ea_eV,
            "activation_energy_kJ_mol": self.Ea_kJ_mol,
            "activation_energy_std_eV": self.Ea_std_eV,
            "prefactor": self.prefactor,
            "r2": self.r2,
            "form": self.form,
            "notes": list(self.notes),
        }


#: Temperatures given as plain numbers are kelvin (SI); a set of them all below this [K] is refused as
#: almost surely degrees Celsius (a cryogenic series is given with its unit, e.g. ``"77 K"``).
KELVIN_NUMBERS_MIN_K = 150.0


def check_kelvin_numbers(values: Any, name: str, where: str) -> None:
    """Refuse temperatures given as plain numbers that are all below :data:`KELVIN_NUMBERS_MIN_K` (°C mistaken for K).

    Parameters
    ----------
    values : array_like or None
        The temperatures exactly as the caller gave them (before unit conversion). Strings, pint quantities
        and :class:`lisse.units.UserNumber` carry their unit and are not checked.
    name, where : str
        Parameter and function names, for the message.

    Raises
    ------
    ParameterError
        If every value is a plain number below 150 K.
    """
    if values is None or isinstance(values, str) or hasattr(values, "dimensionality"):
        return
    items = list(values) if isinstance(values, (list, tuple)) else None
    if items is not None and any(isinstance(v, UserNumber) for v in items):
        return
    if isinstance(values, UserNumber):
        return
    try:
        arr = np.asarray(values)
    except Exception:  # not an array of numbers: the unit conversion reports it
        return
    if arr.dtype.kind not in "iuf" or arr.size == 0:
        return
    a = arr.astype(float).ravel()
    if np.all(np.isfinite(a)) and np.all(a < KELVIN_NUMBERS_MIN_K):
        lo, hi = float(a.min()), float(a.max())
        raise ParameterError(
            f"{where} {name}: temperatures are in kelvin when given as numbers; found {lo:g}–{hi:g} K: "
            f"did you mean '{lo:g} degC'? (give a unit, e.g. ['{lo:g} degC', ...] or '77 K' for a cryogenic series)"
        )


def kelvin_numbers_guard(param: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a public function so ``param`` given as plain numbers all below 150 K is refused (see :func:`check_kelvin_numbers`).

    Applied outside :func:`lisse.units.quantity_args`, it sees the caller's values before conversion; internal
    callers that pass converted kelvin use ``fn.__wrapped__``.
    """

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = sig.bind_partial(*args, **kwargs)
            except TypeError:
                return fn(*args, **kwargs)  # the call itself reports the bad arguments
            if param in bound.arguments:
                check_kelvin_numbers(bound.arguments[param], param, fn.__name__)
            return fn(*args, **kwargs)

        return wrapper

    return deco


@kelvin_numbers_guard("temperature")
@quantity_args(temperature="K[]", sigma="S/m[]")
def arrhenius(temperature: ArrayLike, sigma: ArrayLike, form: str = "sigma_T") -> ArrheniusFit:
    """Fit the Arrhenius activation energy to conductivities at several temperatures.

    Least-squares line through ln(σT) (``form="sigma_T"``, the hopping form σT = A exp(-Ea/k_B T)) or
    ln σ (``form="sigma"``) against 1/T; slope = -Ea/k_B.

    Parameters
    ----------
    temperature : array_like of float
        Absolute temperatures T in K (at least two distinct values).
    sigma : array_like of float
        Conductivities σ in S/m, one per temperature.
    form : {"sigma_T", "sigma"}, default "sigma_T"
        Which Arrhenius form to fit.

    Returns
    -------
    ArrheniusFit
        Ea in J, eV and kJ/mol with its standard error, the prefactor and R²; from two points the standard
        error and R² are NaN (not measured), with a note.

    Raises
    ------
    ParameterError
        For mismatched or too short arrays, non-positive values, equal temperatures or an unknown ``form``.
    """
    T = np.asarray(temperature, float).ravel()
    s = np.asarray(sigma, float).ravel()
    if T.size != s.size or T.size < 2:
        raise ParameterError(f"arrhenius: expected matching temperature and sigma arrays with >= 2 points; found {T.size} and {s.size}")
    if np.any(T <= 0) or np.any(s <= 0) or not np.all(np.isfinite(T * s)):
        raise ParameterError("arrhenius: temperatures [K] and conductivities [S/m] must be positive and finite")
    if np.ptp(T) == 0:
        raise ParameterError("arrhenius: all temperatures are equal; at least two distinct temperatures are needed")
    if form not in ("sigma_T", "sigma"):
        raise ParameterError(f"arrhenius form: expected 'sigma_T' or 'sigma', found '{form}'")
    y = np.log(s * T) if form == "sigma_T" else np.log(s)
    x = 1.0 / T
    A = np.column_stack([x, np.ones_like(x)])
    coef, res, *_ = np.linalg.lstsq(A, y, rcond=None)
    slope, icpt = coef
    yhat = A @ coef
    ss_res = float(np.sum((y - yhat) ** 2))
    ss_tot = float(np.sum((y - y.mean()) ** 2))
    notes: tuple[str, ...] = ()
    if T.size > 2:
        r2 = 1.0 - ss_res / ss_tot if ss_tot > 0 else math.nan  # flat data: nothing to explain, R^2 undefined
        s2 = ss_res / (T.size - 2)
        slope_std = math.sqrt(s2 / float(np.sum((x - x.mean()) ** 2)))
    else:
        # a line through two points: R^2 = 1 trivially and no residual is left to estimate the slope's error
        r2 = slope_std = math.nan
        notes = ("two points: the line passes through both, so Ea has no uncertainty estimate and R^2 is undefined (NaN); "
                 "measure at >= 3 temperatures",)
    Ea = -slope * BOLTZMANN
    if icpt > math.log(np.finfo(float).max):  # exp(intercept) beyond a float: say so, never crash (review s49)
        prefactor = math.inf
        notes = (*notes, f"the prefactor exp({icpt:.4g}) exceeds the float range (inf): an activation energy of "
                         f"{Ea / ELEMENTARY_CHARGE:.3g} eV extrapolated to 1/T = 0; check that the points are one process")
    else:
        prefactor = math.exp(icpt)
    return ArrheniusFit(
        Ea=Ea,
        Ea_eV=Ea / ELEMENTARY_CHARGE,
        Ea_kJ_mol=-slope * GAS_CONSTANT / 1e3,
        Ea_std_eV=slope_std * BOLTZMANN / ELEMENTARY_CHARGE,
        prefactor=prefactor,
        r2=r2,
        form=form,
        notes=notes,
    )


def interfacial_asr(resistance: QuantityLike, area: QuantityLike, symmetric: bool = True) -> dict:
    """Compute the interfacial area-specific resistance of one interface.

    For a symmetric cell (two identical interfaces in series) the measured interfacial resistance is
    halved: ASR = R·A/2.

    Parameters
    ----------
    resistance : float or str
        Measured interfacial resistance R in Ω (or a quantity string).
    area : float or str
        Electrode area A (bare number in m², or e.g. ``"0.785 cm2"``).
    symmetric : bool, default True
        Two identical interfaces in series (Li|SSE|Li); False for a single interface.

    Returns
    -------
    dict
        ``asr_ohm_m2`` (Ω m²), ``asr_ohm_cm2`` (Ω cm²), ``n_interfaces`` and the ``convention`` used.

    Raises
    ------
    ParameterError, UnitError
        If a value is not positive and finite or has the wrong unit.
    """
    R = _pos(resistance, "ohm", "resistance")
    A = _pos(area, "m**2", "area")
    n = 2 if symmetric else 1
    asr = R * A / n
    return {
        "asr_ohm_m2": asr,
        "asr_ohm_cm2": asr * 1e4,
        "n_interfaces": n,
        "convention": "R_int*A/2: symmetric cell, two identical interfaces in series" if symmetric else "R_int*A: one interface",
    }


@compact_repr
@dataclass
class DRTMap:
    """The DRT γ of a series of spectra on one τ grid.

    Parameters
    ----------
    tau : ndarray
        Common τ grid in s.
    gamma : ndarray
        γ in Ω (per unit ln τ), shape (n_spectra, n_tau); zero outside a spectrum's own grid.
    labels : list of str
        One label per spectrum.
    process_resistance : dict of str to ndarray
        Process name -> resistance in Ω per spectrum; NaN where the process has no peak in that
        spectrum (not resolved there: unmeasured, not 0 Ω).
    misfit : ndarray
        Median relative misfit per spectrum (dimensionless).
    max_misfit : ndarray or None, optional
        Maximum relative misfit per spectrum (dimensionless).
    notes : list of str, optional
        Caveats, e.g. which spectra a process was not resolved in.
    """

    tau: np.ndarray
    gamma: np.ndarray
    labels: list
    process_resistance: dict
    misfit: np.ndarray
    max_misfit: np.ndarray | None = None
    notes: list = field(default_factory=list)

    def plot(self, *, ax=None, **kwargs):
        """Show γ as colour against τ and spectrum (:func:`lisse.plot.eis.plot_drt_map`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Draw into this matplotlib Axes (default: a new figure).
        **kwargs
            Passed to the plotting function.

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (:func:`lisse.plot.eis.plot_drt_map`).
        """
        return plot_with("lisse.plot.eis:plot_drt_map", self, ax=ax, **kwargs)

    def to_frame(self):
        """Return one row per spectrum as a pandas DataFrame.

        Returns
        -------
        pandas.DataFrame
            ``label``, ``median_relative_misfit``, ``max_relative_misfit`` (when known) and one
            ``<process>_resistance_ohm`` column (Ω) per process (NaN where it was not resolved).
        """
        import pandas as pd

        df = pd.DataFrame({"label": self.labels, "median_relative_misfit": self.misfit})
        if self.max_misfit is not None:
            df["max_relative_misfit"] = self.max_misfit
        for k, v in self.process_resistance.items():
            df[f"{k}_resistance_ohm"] = v
        return df


def drt_map(spectra: Sequence[EISSpectrum], **drt_kwargs: Any) -> DRTMap:
    """Fit a DRT to every spectrum of a series and collect γ on one common τ grid.

    The τ grids are decade-aligned, so the common grid is the union lattice; γ is zero outside a
    spectrum's own grid.

    Parameters
    ----------
    spectra : iterable of EISSpectrum
        The series (e.g. EIS recorded during cycling), in order.
    **drt_kwargs : Any
        Options of :class:`~lisse.analysis.eis.drt.DRT` (``lambda_``, ``ppd``, ``cell`` ...).

    Returns
    -------
    DRTMap
        γ in Ω on the common τ grid (s), process resistances in Ω (NaN in a spectrum without that
        process's peak, with a note naming those spectra) and misfits.

    Raises
    ------
    ParameterError
        If ``spectra`` is empty or a spectrum is invalid.
    """
    from lisse.analysis.eis.drt import DRT

    spectra = check_spectra(spectra, "drt_map")
    if not spectra:
        raise ParameterError("drt_map: expected at least one spectrum, found none")
    fits = [DRT(**drt_kwargs).fit(s) for s in spectra]
    ppd = fits[0].ppd
    lo = min(math.log10(d.tau_[0]) for d in fits)
    hi = max(math.log10(d.tau_[-1]) for d in fits)
    tau = 10.0 ** (np.arange(round(lo * ppd), round(hi * ppd) + 1) / ppd)
    gam = np.zeros((len(fits), tau.size))
    for i, d in enumerate(fits):
        inside = (tau >= d.tau_[0] * (1 - 1e-9)) & (tau <= d.tau_[-1] * (1 + 1e-9))
        gam[i, inside] = d.gamma(tau[inside])
    procs = sorted({p.process for d in fits for p in d.peaks_})
    # a process without a peak in a spectrum is unresolved there (below the peak threshold, merged into a
    # neighbour or outside the measured range), not measured as 0 ohm: NaN, and a note
    pr = {k: np.array([d.process_resistances().get(k, math.nan) for d in fits]) for k in procs}
    labels = [s.label or str(i) for i, s in enumerate(spectra)]
    notes = []
    for k, v in pr.items():
        missing = [lab for lab, x in zip(labels, v) if not math.isfinite(x)]
        if missing:
            notes.append(f"{k.replace('_', ' ')}: no peak in {len(missing)} of {len(labels)} spectra ({', '.join(missing)}); "
                         f"its resistance there is not resolved (NaN, not 0 ohm)")
    return DRTMap(
        tau=tau,
        gamma=gam,
        labels=labels,
        process_resistance=pr,
        misfit=np.array([d.median_relative_misfit_ for d in fits]),
        max_misfit=np.array([d.max_relative_misfit_ for d in fits]),
        notes=notes,
    )
