"""Electrode kinetics from linear-sweep voltammetry: Tafel and Allen–Hickling fits.

For a one-electron reaction (Li⁺ + e⁻ ⇌ Li) the Butler–Volmer current density is

.. math:: i = i_0\\,[\\exp(\\alpha_a f\\eta) - \\exp(-\\alpha_c f\\eta)],\\qquad f = F/RT,

with :math:`i>0` anodic — the convention of :mod:`lisse.electrochem`, which holds the law itself
(:func:`~lisse.electrochem.butler_volmer`) and its inverse. Two classic linearisations give :math:`i_0` and the transfer coefficients:

* **Tafel** (|η| ≫ RT/αF, one exponential dominates): :math:`\\ln|i| = \\ln i_0 + \\alpha_a f\\eta`
  (anodic) and :math:`\\ln|i| = \\ln i_0 - \\alpha_c f\\eta` (cathodic); fitted separately on each branch
  inside a window :math:`\\eta_\\mathrm{min} \\le |\\eta| \\le \\eta_\\mathrm{max}` (default 0.10–0.25 V,
  clipped to the data) — [Su2024]: :math:`\\eta = (RT/\\alpha F)\\ln i_0 - (RT/\\alpha F)\\ln i`.
* **Allen–Hickling** (valid at all η when :math:`\\alpha_a+\\alpha_c=1`):
  :math:`\\ln\\frac{i}{1-\\exp(-f\\eta)} = \\ln i_0 + \\alpha_a f\\eta`, the anodic-positive form of the usual
  :math:`\\ln[i/(1-\\exp(F\\eta/RT))] = \\ln i_0 - \\alpha F\\eta/RT` (which is written for
  cathodic-positive current); fitted on :math:`\\eta_\\mathrm{min} \\le |\\eta| \\le \\eta_\\mathrm{max}`
  (default 5–250 mV; the point η = 0 is 0/0 and excluded).

The charge-transfer resistance follows from the linearised Butler–Volmer law,
:math:`R_\\mathrm{ct} = RT/(F i_0)`; with :math:`i_0` per area (A/m²) it is an area-specific resistance
(Ω·m², reported in Ω·cm²). Ohmic drop can be removed first with ``asr_ohm_m2`` (:math:`\\eta = E - E_{eq} - i\\,\\mathrm{ASR}`).

References
----------
Bard, A. J.; Faulkner, L. R. *Electrochemical Methods*, 2nd ed.; Wiley, 2001, §3.4.
Allen, P. L.; Hickling, A. Electrode polarization in the region of low current density.
*Trans. Faraday Soc.* 1957, 53, 1626. doi:10.1039/TF9575301626
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lisse import electrochem
from lisse.citations import CITATIONS, Citation, add, register
from lisse.constants import FARADAY, GAS_CONSTANT
from lisse.errors import CalculationError, ParameterError
from lisse.params import check_positive, check_temperature
from lisse.records.display import compact_repr, html_table, plot_with

__all__ = ["TafelFit", "tafel_fit", "allen_hickling_fit", "charge_transfer_resistance", "lsv_overpotential", "sweep_caveats"]

#: R^2 of a straight line i(eta) over the fit window above which a sweep is reported as ohmic (no Tafel region: Butler-
#: Volmer's sinh over +-250 mV is far from straight, R^2 ~ 0.6-0.8 with alpha = 0.5).
OHMIC_R2 = 0.999

if "AllenHickling1957" not in CITATIONS:
    add(Citation("AllenHickling1957", "Allen, P. L.; Hickling, A.", "Electrode polarization in the region of low current density",
                 "Trans. Faraday Soc. 53, 1626-1635", 1957, "10.1039/TF9575301626"))


def charge_transfer_resistance(i0_A_m2: float, temperature_K: float = 298.15) -> float:
    """Compute the charge-transfer resistance ``R_ct = RT/(F i0)`` (:func:`lisse.electrochem.charge_transfer_resistance`).

    Parameters
    ----------
    i0_A_m2 : float
        Exchange current density in A/m² (> 0).
    temperature_K : float, default 298.15
        Absolute temperature in K.

    Returns
    -------
    float
        Area-specific charge-transfer resistance in Ω·m².

    Raises
    ------
    ParameterError
        If ``i0_A_m2`` is not positive or the temperature is out of range.

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), §3.4.
    """
    check_positive(i0_A_m2, "exchange_current_density", "mA/cm2")
    return electrochem.charge_transfer_resistance(i0_A_m2, check_temperature(temperature_K, "temperature_K"))


def lsv_overpotential(voltage_V: np.ndarray, current_A: np.ndarray, area_m2: float, *, e_eq_V: float | None = None,
                      asr_ohm_m2: float = 0.0) -> tuple[np.ndarray, np.ndarray, float]:
    """Compute overpotential and current density from an LSV: η = E − E_eq − i·ASR, i = I/A.

    Parameters
    ----------
    voltage_V : ndarray
        Measured electrode potential E in V.
    current_A : ndarray
        Current I in A, anodic positive (same length).
    area_m2 : float
        Electrode area A in m² (> 0).
    e_eq_V : float or None, optional
        Equilibrium potential E_eq in V; default: the voltage at the zero crossing of the current (linear
        interpolation).
    asr_ohm_m2 : float, default 0
        Ohmic area-specific resistance to remove, in Ω·m² (>= 0).

    Returns
    -------
    eta : ndarray
        Overpotential η in V.
    i : ndarray
        Current density in A/m².
    e_eq : float
        The equilibrium potential used, in V.

    Raises
    ------
    ParameterError
        If ``area_m2`` is not positive, ``asr_ohm_m2`` negative, or ``e_eq_V`` not finite.
    CalculationError
        If ``e_eq_V`` is not given and the current never changes sign.
    """
    check_positive(area_m2, "area", "cm2")
    check_positive(asr_ohm_m2, "asr", "ohm*cm2", allow_zero=True)
    if e_eq_V is not None and not np.isfinite(e_eq_V):
        raise ParameterError(f"parameter 'e_eq' must be a finite voltage; got {e_eq_V!r}")
    v = np.asarray(voltage_V, float)
    i = np.asarray(current_A, float) / area_m2
    if e_eq_V is None:
        s = np.sign(i)
        zero = np.flatnonzero(s == 0)
        k = np.flatnonzero(s[:-1] * s[1:] < 0)
        if zero.size and (k.size == 0 or zero[0] <= k[0]):
            e_eq_V = float(v[zero[0]])
            return v - e_eq_V - i * asr_ohm_m2, i, e_eq_V
        if k.size == 0:
            raise CalculationError("LSV: the current never changes sign; give e_eq_V (the equilibrium potential)")
        j = int(k[0])
        e_eq_V = float(v[j] - i[j] * (v[j + 1] - v[j]) / (i[j + 1] - i[j]))
    return v - e_eq_V - i * asr_ohm_m2, i, e_eq_V


@compact_repr
@dataclass
class TafelFit:
    """Result of :func:`tafel_fit` / :func:`allen_hickling_fit`.

    Parameters
    ----------
    method : str
        ``"tafel"`` or ``"allen-hickling"``.
    i0_A_m2_ : float
        Exchange current density in A/m².
    alpha_a_, alpha_c_ : float
        Anodic / cathodic transfer coefficients (dimensionless).
    rct_ohm_m2_ : float
        RT/(F i0) in Ω·m².
    windows_V_ : dict
        Fit window(s) ``(low, high)`` of |η| actually used, per branch, in V.
    r2_ : dict
        Coefficient of determination per branch (dimensionless).
    n_points_ : dict
        Number of points fitted per branch.
    temperature_K : float, default 298.15
        Absolute temperature of the fit in K.
    eta_V_, i_A_m2_ : ndarray or None, optional
        The data that were fitted: overpotential in V and current density in A/m² (for plots).
    """

    method: str
    i0_A_m2_: float
    alpha_a_: float
    alpha_c_: float
    rct_ohm_m2_: float
    windows_V_: dict
    r2_: dict
    n_points_: dict
    temperature_K: float = 298.15
    eta_V_: Any = field(default=None, repr=False)
    i_A_m2_: Any = field(default=None, repr=False)

    @property
    def f_(self) -> float:
        """F/(RT) at the fit temperature [1/V]."""
        return FARADAY / (GAS_CONSTANT * self.temperature_K)

    def summary(self) -> dict:
        """Summarise the fit as JSON-able data in display units.

        Returns
        -------
        dict
            ``method``, ``i0_mA_cm2``, ``alpha_anodic``, ``alpha_cathodic``, ``rct_ohm_cm2``, ``fit_windows_mV``,
            ``r2``, ``n_points``, ``temperature_K``.
        """
        return {
            "method": self.method,
            "i0_mA_cm2": self.i0_A_m2_ / 10.0,
            "alpha_anodic": self.alpha_a_,
            "alpha_cathodic": self.alpha_c_,
            "rct_ohm_cm2": self.rct_ohm_m2_ * 1e4,
            "fit_windows_mV": {k: [lo * 1e3, hi * 1e3] for k, (lo, hi) in self.windows_V_.items()},
            "r2": self.r2_,
            "n_points": self.n_points_,
            "temperature_K": self.temperature_K,
        }

    def _repr_html_(self) -> str:
        s = self.summary()
        return html_table(f"TafelFit ({self.method})", [("i0", f"{s['i0_mA_cm2']:.4g} mA/cm²"), ("α anodic", f"{self.alpha_a_:.3g}"),
                                                       ("α cathodic", f"{self.alpha_c_:.3g}"), ("R_ct", f"{s['rct_ohm_cm2']:.4g} Ω·cm²"),
                                                       ("R²", ", ".join(f"{k} {v:.4f}" for k, v in self.r2_.items()))])

    def plot(self, *, ax: Any = None, **kwargs: Any) -> Any:
        """Tafel plot of the data with the fitted lines (:func:`lisse.plot.cycling.plot_tafel`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Draw into this matplotlib Axes (default: a new figure).
        **kwargs
            Passed on (``title``).

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (:func:`lisse.plot.cycling.plot_tafel`).
        """
        return plot_with("lisse.plot.cycling:plot_tafel", self, ax=ax, **kwargs)


def sweep_caveats(eta_V: Any, i_A_m2: Any, *, window_V: tuple[float, float] = (0.005, 0.25)) -> tuple[list[str], float | None]:
    """What a Tafel or Allen-Hickling fit of this sweep cannot be trusted for: an ohmic (straight) response, one branch.

    Parameters
    ----------
    eta_V : array_like
        Overpotential eta [V].
    i_A_m2 : array_like
        Current density [A/m²].
    window_V : (float, float)
        The |eta| window [V] the fits use (default Allen-Hickling's).

    Returns
    -------
    caveats : list of str
        Empty for a two-branch, curved sweep. An ohmic response: the current is a straight line in eta over the
        window (R^2 >= :data:`OHMIC_R2`), so the sweep has no Tafel region and its "i0" and alphas only restate a
        resistance (a dummy resistor measured as a cell gives alpha 0.21/0.79 and R_ct 3323 instead of its 5065
        ohm cm2). One branch: fewer than 3 points on one side of eta = 0 in the window, so the transfer coefficients
        rest on the other branch alone.
    linear_resistance_ohm_cm2 : float or None
        The slope's resistance d eta / d i over the window [ohm cm²] (None with fewer than 3 points or a flat line).
    """
    e, j = _prep(eta_V, i_A_m2)
    lo, hi = window_V
    w = np.abs(e) <= hi  # the straight-line test spans the whole window, through eta = 0
    caveats: list[str] = []
    r_lin = None
    if w.sum() >= 3 and np.ptp(j[w]) > 0:
        a, _b, r2 = _linfit(e[w], j[w])
        if a > 0:
            r_lin = 1.0 / a * 1e4  # ohm m2 -> ohm cm2
        if r2 >= OHMIC_R2:
            caveats.append(f"the current is a straight line in the overpotential over |eta| <= {hi * 1e3:.0f} mV (R^2 {r2:.5f}, "
                           f"{'' if r_lin is None else f'{r_lin:.4g} ohm cm2'}): an ohmic response with no Tafel region, so "
                           "i0 and the transfer coefficients below only restate a resistance (a resistor, or a cell whose "
                           "ohmic drop was not removed: give --asr)")
    band = (np.abs(e) >= lo) & (np.abs(e) <= hi)
    n_an, n_cat = int(np.sum(band & (e > 0))), int(np.sum(band & (e < 0)))
    if min(n_an, n_cat) < 3:
        missing = "cathodic" if n_cat < 3 else "anodic"
        caveats.append(f"the sweep covers only one branch in {lo * 1e3:.0f}-{hi * 1e3:.0f} mV ({n_an} anodic, {n_cat} cathodic points): "
                       f"with no {missing} branch the transfer coefficients rest on one branch alone")
    return caveats, r_lin


def _linfit(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    if x.size < 3:
        raise CalculationError(f"fit window holds {x.size} points; need at least 3 (widen the window)")
    a, b = np.polyfit(x, y, 1)
    res = y - (a * x + b)
    ss = np.sum((y - y.mean()) ** 2)
    return float(a), float(b), float(1 - np.sum(res**2) / ss) if ss > 0 else float("nan")  # flat data: R^2 undefined


def _prep(eta, i):
    e = np.asarray(eta, float)
    j = np.asarray(i, float)
    if e.shape != j.shape or e.ndim != 1:
        raise ParameterError(f"eta and i must be 1-D arrays of equal length; got {e.shape}, {j.shape}")
    ok = np.isfinite(e) & np.isfinite(j)
    return e[ok], j[ok]


def tafel_fit(eta_V: Any, i_A_m2: Any, *, window_V: tuple[float, float] = (0.10, 0.25), temperature_K: float = 298.15,
              branches: tuple[str, ...] | str = ("anodic", "cathodic")) -> TafelFit:
    """Fit the Tafel law to each branch in the window ``window_V[0] <= |η| <= window_V[1]``.

    ``ln|i| = ln i0 + alpha_a f η`` (anodic) and ``ln|i| = ln i0 - alpha_c f η`` (cathodic), f = F/RT.
    i0 is the geometric mean of the branch intercepts when both branches are fitted.

    Parameters
    ----------
    eta_V : array_like of float
        Overpotential η in V (ohmic drop already removed, see :func:`lsv_overpotential`).
    i_A_m2 : array_like of float
        Current density in A/m², anodic positive (same length).
    window_V : tuple of float, default (0.10, 0.25)
        ``(low, high)`` bounds on |η| in V (0 <= low < high), clipped to the data.
    temperature_K : float, default 298.15
        Absolute temperature in K.
    branches : tuple of str or "available", default ("anodic", "cathodic")
        Branches to fit; ``"available"``: each branch with at least 3 points in the window (an error only when neither
        has them; the missing branch's transfer coefficient is NaN and i0 is the fitted branch's intercept).

    Returns
    -------
    TafelFit
        i0 in A/m², transfer coefficients, R_ct in Ω·m², windows, R² and point counts.

    Raises
    ------
    ParameterError
        For a bad window, an unknown branch or an out-of-range temperature.
    CalculationError
        If a branch has too few points in the window to fit.

    References
    ----------
    .. [1] A. J. Bard and L. R. Faulkner, *Electrochemical Methods*, 2nd ed. (Wiley, 2001), §3.4.
    .. [2] Su et al., Nature Communications 15 (2024), doi:10.1038/s41467-024-48585-7 (``Su2024``).
    """
    register("Su2024")
    e, j = _prep(eta_V, i_A_m2)
    f = FARADAY / (GAS_CONSTANT * check_temperature(temperature_K, "temperature_K"))
    lo, hi = window_V
    if not 0 <= lo < hi < np.inf:
        raise ParameterError(f"window_V must satisfy 0 <= low < high; got {window_V}")
    out: dict[str, tuple[float, float, float, int, tuple[float, float]]] = {}
    available = branches == "available"
    if isinstance(branches, str) and not available:
        raise ParameterError(f"branches must be a tuple of 'anodic'/'cathodic' or 'available'; got {branches!r}")
    missing: list[str] = []
    for br in ("anodic", "cathodic") if available else branches:
        sel = (e >= lo) & (e <= hi) & (j > 0) if br == "anodic" else (-e >= lo) & (-e <= hi) & (j < 0)
        if br not in ("anodic", "cathodic"):
            raise ParameterError(f"branch must be 'anodic' or 'cathodic'; got {br!r}")
        x, y = e[sel], np.log(np.abs(j[sel]))
        try:
            slope, icpt, r2 = _linfit(x, y)
        except CalculationError as exc:
            if available:
                missing.append(f"{br} branch: {exc}")
                continue
            raise CalculationError(f"Tafel {br} branch, |eta| in [{lo * 1e3:g}, {hi * 1e3:g}] mV: {exc}") from None
        used = (float(np.min(np.abs(x))), float(np.max(np.abs(x))))
        out[br] = (slope, icpt, r2, int(x.size), used)
    if not out:
        raise CalculationError(f"Tafel, |eta| in [{lo * 1e3:g}, {hi * 1e3:g}] mV: no branch can be fitted ({'; '.join(missing)})")
    lni0 = np.mean([v[1] for v in out.values()])
    i0 = float(np.exp(lni0))
    aa = out["anodic"][0] / f if "anodic" in out else np.nan
    ac = -out["cathodic"][0] / f if "cathodic" in out else np.nan
    return TafelFit("tafel", i0, float(aa), float(ac), charge_transfer_resistance(i0, temperature_K),
                    {k: (v[4][0], v[4][1]) if k == "anodic" else (-v[4][1], -v[4][0]) for k, v in out.items()},
                    {k: v[2] for k, v in out.items()}, {k: v[3] for k, v in out.items()}, temperature_K, e, j)


def allen_hickling_fit(eta_V: Any, i_A_m2: Any, *, window_V: tuple[float, float] = (0.005, 0.25),
                       temperature_K: float = 298.15) -> TafelFit:
    """Fit the Allen–Hickling form over ``window_V[0] <= |η| <= window_V[1]`` (both branches), α_a + α_c = 1.

    ``ln[i / (1 - exp(-f η))] = ln i0 + alpha_a f η`` (anodic-positive form), f = F/RT.

    Parameters
    ----------
    eta_V : array_like of float
        Overpotential η in V (ohmic drop already removed, see :func:`lsv_overpotential`).
    i_A_m2 : array_like of float
        Current density in A/m², anodic positive (same length).
    window_V : tuple of float, default (0.005, 0.25)
        ``(low, high)`` bounds on |η| in V (0 < low < high; η = 0 is 0/0 and excluded).
    temperature_K : float, default 298.15
        Absolute temperature in K.

    Returns
    -------
    TafelFit
        i0 in A/m², α_a and α_c = 1 − α_a, R_ct in Ω·m².

    Raises
    ------
    ParameterError
        For a bad window or an out-of-range temperature.
    CalculationError
        If fewer than 3 points in the window have a positive linearised ordinate.

    References
    ----------
    .. [3] P. L. Allen and A. Hickling, "Electrode polarization in the region of low current density",
       Trans. Faraday Soc. 53, 1626 (1957), doi:10.1039/TF9575301626.
    .. [2] Su et al., Nature Communications 15 (2024), doi:10.1038/s41467-024-48585-7 (``Su2024``).
    """
    register("Su2024", "AllenHickling1957")
    e, j = _prep(eta_V, i_A_m2)
    f = FARADAY / (GAS_CONSTANT * check_temperature(temperature_K, "temperature_K"))
    lo, hi = window_V
    if not 0 < lo < hi < np.inf:
        raise ParameterError(f"window_V must satisfy 0 < low < high (η = 0 is excluded); got {window_V}")
    sel = (np.abs(e) >= lo) & (np.abs(e) <= hi)
    den = -np.expm1(-f * e[sel])
    y = j[sel] / den
    good = y > 0
    if good.sum() < 3:
        raise CalculationError("Allen-Hickling: fewer than 3 points with i/(1 - exp(-f eta)) > 0 in the window")
    x = e[sel][good]
    slope, icpt, r2 = _linfit(x, np.log(y[good]))
    i0 = float(np.exp(icpt))
    aa = slope / f
    return TafelFit("allen-hickling", i0, float(aa), float(1 - aa), charge_transfer_resistance(i0, temperature_K),
                    {"both": (float(x.min()), float(x.max()))}, {"both": r2}, {"both": int(x.size)}, temperature_K, e, j)
