"""Nucleation length, growth length and the stability verdict ``l_n <= l_g < l_i`` [Wang2024].

Definitions
-----------
* ``eta_c``: critical nucleation overpotential, where the classical nucleation rate reaches the
  stated threshold J_c (:attr:`InterlayerParameters.critical_overpotential`).
* ``l_n`` (nucleation length): the deepest point, measured from the Li anode, where the local
  cathodic overpotential ``-eta(x)`` reaches ``eta_c`` (linear interpolation between nodes); 0 when
  it is nowhere reached; ``l_i`` when nucleation reaches the electrolyte face.
* ``l_g`` (growth length): the depth of the pore-filled Li front grown from the anode, consistent
  with the solver's own deposition profile (:func:`pore_filling`). Over one half-cycle of duration
  ``t = Q/i`` the steady profile deposits, per volume, ``v(x) = a j(x) t V_m/F`` of Li on the internal
  surface (Li volume per layer volume), while the charge plated on the anode face, ``i_a t``, grows
  the anode into the layer and fills the pore space that the internal deposit left free::

      int_0^l_g [eps - min(v, eps)] dx = (i_a Q/i) V_m/F + int_0^l_i (v - eps)_+ dx - int_0^l_i (-v)_+ dx

  (Li deposited beyond the local pore volume joins the front; internal stripping, if any, is fed by it).
  With no internal deposition (a = 0) this is ``l_g = Q V_m/(F eps)``, the dense-Li thickness of Q
  spread over the pore fraction (4.85 um per mAh/cm2 of dense Li, :func:`~.model.growth_length`). The
  front reaches ``l_i`` exactly when the plated Li exceeds the pore volume, as in that limit.
* Verdict: stable when ``l_n <= l_g < l_i``. Failure modes, checked in this order:
  ``nucleation_at_electrolyte`` (nuclei on the electrolyte face reduce it and short the cell),
  ``growth_breach`` (the plated Li fills the interlayer, ``l_g >= l_i``), ``dead_li``
  (``l_n > l_g``: nuclei beyond the growth front do not merge with the anode and become dead Li).
* Regime: ``ionic``/``mixed``/``electronic`` from sigma_e/sigma_ion (see
  :meth:`InterlayerParameters.regime`). In the ionic regime the 1D verdict can read stable while
  Li grows from protrusion tips (the 1D model has no protrusions; see :mod:`.solver2d`): the
  result flags this with ``tip_growth_risk``.

With a linear overpotential profile ``-eta(x) = V - (i/sigma) x``, ``l_n = sigma (V - eta_c)/i``,
i.e. ``l_n ∝ 1/i`` at fixed V; experimentally ``l_n = C V_sp / i`` [Wang2024].

References
----------
Wang et al., Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.citations import register
from lisse.errors import ParameterError
from lisse.records.display import html_table, plot_with
from lisse.sim.interlayer.model import InterlayerParameters, growth_length, li_thickness_per_charge
from lisse.sim.interlayer.solver1d import Solution1D, solve_1d
from lisse.units import as_si, quantity_args

if TYPE_CHECKING:
    from lisse._typing import QuantityLike

__all__ = ["FAILURE_MODES", "LengthsResult", "PoreFilling", "nucleation_length", "nucleation_zones", "pore_filling", "verdict",
           "interlayer_lengths"]

FAILURE_MODES = ("none", "nucleation_at_electrolyte", "growth_breach", "dead_li")


def nucleation_length(x: np.ndarray, eta: np.ndarray, eta_c: float) -> float:
    """Deepest depth [m] where ``-eta >= eta_c`` (linear interpolation); 0 if nowhere.

    Parameters
    ----------
    x : ndarray
        Increasing positions [m] from the anode (x[0] = 0) to the electrolyte (x[-1] = l_i).
    eta : ndarray
        Local overpotential [V] at ``x`` (negative = cathodic).
    eta_c : float
        Critical nucleation overpotential [V] (>= 0; 0 for complete wetting).

    Returns
    -------
    float
        l_n [m].

    Raises
    ------
    ParameterError
        Shapes differ or are too short, or ``eta_c`` < 0.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    x = np.asarray(x, dtype=float)
    d = -np.asarray(eta, dtype=float) - eta_c
    if x.shape != d.shape or x.ndim != 1 or x.size < 2:
        raise ParameterError(f"x and eta must be 1D arrays of equal length >= 2; got shapes {x.shape} and {d.shape}")
    if not eta_c >= 0:  # 0: complete wetting (contact angle 0), no nucleation barrier: Li nucleates wherever it plates
        raise ParameterError(f"parameter 'eta_c' (critical nucleation overpotential) must be >= 0 V; got {eta_c!r}")
    above = np.nonzero(d > 0 if eta_c == 0 else d >= 0)[0]  # no barrier: nucleation needs some cathodic overpotential
    if above.size == 0:
        return 0.0
    k = int(above[-1])
    if k == x.size - 1:
        return float(x[-1])
    # crossing between k (above) and k+1 (below)
    t = d[k] / (d[k] - d[k + 1])
    return float(x[k] + t * (x[k + 1] - x[k]))


def nucleation_zones(x: np.ndarray, eta: np.ndarray, eta_c: float) -> list[tuple[float, float]]:
    """Intervals [m] where ``-eta >= eta_c`` (node resolution).

    Parameters
    ----------
    x : numpy.ndarray
        Increasing positions [m] from the anode.
    eta : numpy.ndarray
        Local overpotential [V] at ``x`` (negative = cathodic).
    eta_c : float
        Critical nucleation overpotential [V] (> 0).

    Returns
    -------
    list of (float, float)
        ``(start, end)`` of each zone [m].
    """
    m = -np.asarray(eta) >= eta_c
    zones = []
    k = 0
    n = m.size
    while k < n:
        if m[k]:
            j = k
            while j + 1 < n and m[j + 1]:
                j += 1
            zones.append((float(x[k]), float(x[j])))
            k = j + 1
        else:
            k += 1
    return zones


@dataclass
class PoreFilling:
    """Where the Li plated in one half-cycle sits, from the solver's deposition profile (SI units).

    One value per control volume of the solver's mesh (node ``k`` owns ``[edges[k], edges[k+1]]``).

    Parameters
    ----------
    edges : numpy.ndarray
        Control-volume edges [m], from 0 (Li anode) to l_i (electrolyte); one more than the nodes.
    li_fraction : numpy.ndarray
        Li volume per layer volume in each control volume [-] (dimensionless, 0 to the porosity).
    growth_length : float
        l_g [m]: the depth of the pore-filled front grown from the anode.
    capacity : float
        Plated charge Q [C m-2].
    anode_charge : float
        Charge plated on the anode face, i_a Q / i [C m-2]; it grows the front.
    internal_charge : float
        Charge deposited on the internal surface, (i - i_a) Q / i [C m-2].
    outside_charge : float
        Plated charge that does not fit into the pores (the front has reached the electrolyte) [C m-2].
    porosity : float
        Pore fraction eps [-] (dimensionless).
    """

    edges: np.ndarray
    li_fraction: np.ndarray
    growth_length: float
    capacity: float
    anode_charge: float
    internal_charge: float
    outside_charge: float
    porosity: float

    @property
    def layer_charge(self) -> float:
        """Charge equivalent of the Li inside the layer [C m-2]: F/V_m times the integral of ``li_fraction``."""
        return float(np.sum(self.li_fraction * np.diff(self.edges))) / li_thickness_per_charge()

    @property
    def ahead_of_front_charge(self) -> float:
        """Charge equivalent of the Li deposited beyond the growth front [C m-2] (not joined to the anode by Li)."""
        w = np.diff(self.edges)
        part = np.clip(self.edges[1:] - self.growth_length, 0.0, w)  # length of each volume beyond the front
        return float(np.sum(self.li_fraction * part)) / li_thickness_per_charge()


@quantity_args(capacity="C/m2")
def pore_filling(sol: Solution1D, capacity: float) -> PoreFilling:
    """Fill the pores with one half-cycle's plated Li as the steady solution deposits it.

    Over ``t = Q/i`` the solver deposits ``v(x) = a j(x) t V_m / F`` (Li volume per layer volume) on the
    internal surface of each control volume, and ``i_a t`` on the anode face. The anode's Li grows into
    the layer, filling the pore space left free (``eps - min(v, eps)``) from ``x = 0``; Li deposited
    beyond a control volume's pore volume joins that front (and internal stripping, ``v < 0``, draws on
    it). The growth length l_g solves::

        int_0^l_g [eps - min(v, eps)] dx = (i_a Q/i) V_m/F + int (v - eps)_+ dx - int (-v)_+ dx

    exactly on the solver's control volumes (piecewise-constant ``v``), so that Li in the layer plus Li
    that does not fit equals Q V_m/F up to the solver's current balance. Limits: ``a = 0`` gives
    ``l_g = Q V_m/(F eps)`` (:func:`~lisse.sim.interlayer.model.growth_length`); uniform internal
    deposition ``v = c`` gives ``l_g = (i_a Q/i)(V_m/F)/(eps - c)``. Assumed: the steady profile holds for the
    whole half-cycle, and Li beyond a control volume's pore volume extends the front (it is wired to it). Should
    internal stripping exceed the anode's supply (never with the cathodic overpotentials of plating), the front
    stays at 0 and the balance misses that deficit.

    Parameters
    ----------
    sol : Solution1D
        A solved steady profile (its ``deposition_rate`` [A m-3] and ``anode_current`` [A m-2]).
    capacity : float
        Plated charge per half-cycle Q [C m-2] (0 <= Q <= :data:`~lisse.sim.interlayer.model.MAX_CAPACITY`).

    Returns
    -------
    PoreFilling
        The Li fraction per control volume, l_g [m] and the charge balance [C m-2].

    Raises
    ------
    ParameterError
        ``capacity`` negative, non-finite or above the model's limit.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    p = sol.params
    eps = p.porosity
    growth_length(capacity, eps)  # validates the capacity (and the porosity) with the model's messages
    x = np.asarray(sol.x, dtype=float)
    edges = np.concatenate([[x[0]], 0.5 * (x[:-1] + x[1:]), [x[-1]]])
    w = np.diff(edges)
    k_vol = li_thickness_per_charge()  # m3 of dense Li per C
    t = capacity / sol.current  # plating time of the half-cycle [s]
    v = np.asarray(sol.deposition_rate, dtype=float) * t * k_vol
    f = np.clip(v, 0.0, eps)
    overflow = float(np.sum(w * np.maximum(v - eps, 0.0)))
    deficit = float(np.sum(w * np.maximum(-v, 0.0)))
    anode_charge = sol.anode_current * t
    budget = anode_charge * k_vol + overflow - deficit  # dense-Li volume per area that feeds the front [m]
    free = w * (eps - f)
    cum = np.concatenate([[0.0], np.cumsum(free)])
    li = f.copy()
    outside = 0.0
    if budget <= 0.0:
        front = 0.0
    elif budget >= cum[-1]:
        front = float(edges[-1])
        li[:] = eps
        outside = (budget - cum[-1]) / k_vol
    else:
        k = int(np.searchsorted(cum, budget, side="right")) - 1  # cum[k] <= budget < cum[k+1], so free[k] > 0
        frac = (budget - cum[k]) / free[k]
        li[:k] = eps
        li[k] = f[k] + frac * (eps - f[k])
        front = float(edges[k] + frac * w[k])
    return PoreFilling(edges=edges, li_fraction=li, growth_length=front, capacity=float(capacity), anode_charge=float(anode_charge),
                       internal_charge=float(sol.internal_current * t), outside_charge=float(outside), porosity=eps)


def verdict(l_n: float, l_g: float, l_i: float) -> tuple[bool, str]:
    """``(stable, failure_mode)`` for the criterion ``l_n <= l_g < l_i`` (lengths in m).

    Parameters
    ----------
    l_n : float
        Nucleation length [m].
    l_g : float
        Growth length [m].
    l_i : float
        Interlayer thickness [m].

    Returns
    -------
    tuple of (bool, str)
        Whether the layer is stable and the failure mode (one of :data:`FAILURE_MODES`).

    Raises
    ------
    ParameterError
        A length is negative or not finite.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    for name, v in (("l_n", l_n), ("l_g", l_g), ("l_i", l_i)):
        if not (math.isfinite(v) and v >= 0):
            raise ParameterError(f"length '{name}' must be finite and >= 0; got {v!r}")
    if l_n >= l_i * (1 - 1e-12):
        return False, "nucleation_at_electrolyte"
    if l_g >= l_i:
        return False, "growth_breach"
    if l_n > l_g:
        return False, "dead_li"
    return True, "none"


@dataclass
class LengthsResult:
    """Outcome of one (current, capacity) point (SI units).

    Parameters
    ----------
    current : float
        Plating current density [A m-2].
    capacity : float
        Plated areal charge per half-cycle [C m-2].
    nucleation_length : float
        l_n [m].
    growth_length : float
        l_g [m], the pore-filled front of :func:`pore_filling`.
    thickness : float
        Interlayer thickness l_i [m].
    stable : bool
        Verdict of ``l_n <= l_g < l_i``.
    failure_mode : str
        One of :data:`FAILURE_MODES`.
    regime : str
        ``"ionic"``, ``"mixed"`` or ``"electronic"``.
    critical_overpotential : float
        eta_c [V].
    eta_anode : float
        Overpotential at the anode face [V].
    eta_electrolyte : float
        Overpotential at the electrolyte face [V].
    anode_fraction : float
        Fraction of the current plated on the anode [-] (dimensionless).
    tip_growth_risk : bool
        True in the ionic regime (Li may grow from protrusion tips; see :mod:`.solver2d`).
    solution : Solution1D
        The solved 1D profiles.
    filling : PoreFilling or None
        Where the plated Li sits (:func:`pore_filling`).
    """

    current: float
    capacity: float
    nucleation_length: float
    growth_length: float
    thickness: float
    stable: bool
    failure_mode: str
    regime: str
    critical_overpotential: float
    eta_anode: float
    eta_electrolyte: float
    anode_fraction: float
    tip_growth_risk: bool
    solution: Solution1D
    filling: PoreFilling | None = None

    def __repr__(self) -> str:
        return (f"LengthsResult({self.solution.params.name!r}, i={self.current / 10:.3g} mA/cm², l_n={self.nucleation_length * 1e6:.3g} µm, "
                f"l_g={self.growth_length * 1e6:.3g} µm, l_i={self.thickness * 1e6:.3g} µm, stable={self.stable}, "
                f"failure={self.failure_mode!r}, regime={self.regime!r})")

    def _repr_html_(self) -> str:
        d = self.as_dict()
        return html_table(f"Interlayer lengths: {d['preset']}", [(k, v) for k, v in d.items() if k != "preset"])

    def plot(self, *, axes=None, **kwargs):
        """Plot overpotential, currents and deposition across the layer (:func:`lisse.plot.interlayer.profile_figure`).

        Parameters
        ----------
        axes : sequence of matplotlib.axes.Axes, optional
            Draw into these matplotlib Axes (three; default: a new figure).
        **kwargs
            Passed to the plotting function.

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (:func:`lisse.plot.interlayer.profile_figure`).
        """
        return plot_with("lisse.plot.interlayer:profile_figure", self.solution, self.critical_overpotential, axes=axes, **kwargs)

    def as_dict(self) -> dict:
        """JSON-able summary with unit-suffixed keys (the CLI contract).

        Returns
        -------
        dict
            The CLI's JSON keys, each with its unit as suffix (``nucleation_length_um``, ...), and ``warnings``
            (:func:`lisse.materials.temperature_caveat`; :data:`TIP_GROWTH_CAVEAT` for an ionic layer;
            :func:`unnucleated_deposition_warning`).
        """
        from lisse.materials import temperature_caveat

        return {
            "preset": self.solution.params.name,
            "current_density_mA_cm2": _r(self.current / 10.0),
            "capacity_mAh_cm2": _r(self.capacity / 3.6e4),
            "nucleation_length_um": _r(self.nucleation_length * 1e6),
            "growth_length_um": _r(self.growth_length * 1e6),
            "interlayer_thickness_um": _r(self.thickness * 1e6),
            "stable": bool(self.stable),
            "failure_mode": self.failure_mode,
            "regime": self.regime,
            "critical_overpotential_mV": self.critical_overpotential * 1e3,
            "overpotential_anode_mV": self.eta_anode * 1e3,
            "overpotential_electrolyte_mV": self.eta_electrolyte * 1e3,
            "interlayer_voltage_mV": self.solution.interlayer_voltage * 1e3,
            "anode_plating_fraction": self.anode_fraction,
            "conductivity_ratio": self.solution.params.conductivity_ratio,
            "tip_growth_risk": bool(self.tip_growth_risk),
            "current_balance_error": self.solution.current_balance_error,
            "li_ahead_of_growth_front_mAh_cm2": None if self.filling is None else _r(self.filling.ahead_of_front_charge / 3.6e4),
            **self.solution.params.calibration_summary(),
            "warnings": [w for w in (temperature_caveat(self.solution.params.temperature),
                                     TIP_GROWTH_CAVEAT if self.tip_growth_risk else None,
                                     unnucleated_deposition_warning(self.nucleation_length, self.anode_fraction)) if w],
        }


#: What the 1D verdict of an ionic layer (``regime == "ionic"``, ``tip_growth_risk``) cannot see, in its JSON ``warnings``
#: and in the results database's predictions (before, only the text output said it: a critical current of 5.6 mA/cm2
#: for LNI-0.5CNT reached scripts and ``lisse db`` with no caveat; found by an independent audit).
TIP_GROWTH_CAVEAT = ("ionic regime: the 1D criterion l_n <= l_g < l_i cannot see tip growth, by which an ionic layer fails; "
                     "its 'stable' and any critical current from it are upper bounds at best (Wang2024 measured a CCD of "
                     "0.16 mA/cm2 for LNI-0.5% CNT); predict with 'lisse simulate ccd'")


#: Share of the current [-] deposited inside the layer (not on the Li anode) above which a steady verdict with no
#: nucleation anywhere (l_n = 0) is flagged (:func:`unnucleated_deposition_warning`); assumed: 10 %, a share the growth
#: and dead-Li lengths would notice.
UNNUCLEATED_DEPOSITION_LIMIT = 0.10


def unnucleated_deposition_warning(nucleation_length: float, anode_fraction: float) -> str | None:
    """The caveat of a steady solution that deposits inside the layer where nothing can nucleate.

    The steady model's internal sink is Butler-Volmer on Li-free pore surfaces at any overpotential; the nucleation
    criterion (-eta >= eta_c) is checked afterwards, as ``l_n``. When ``l_n = 0`` (no point reaches eta_c) but more than
    :data:`UNNUCLEATED_DEPOSITION_LIMIT` of the current is deposited inside the layer, that Li could not form, and the
    dead-Li check (l_n > l_g) cannot fire (found by an independent audit: LNI-50CNT at 0.5 mA/cm2 deposited 85 % inside
    with l_n = 0 and read "stable"). The transient simulator deposits only on nucleated Li.

    Parameters
    ----------
    nucleation_length : float
        l_n [m].
    anode_fraction : float
        Share of the current plated on the Li anode (dimensionless).

    Returns
    -------
    str or None
        The warning, or None.
    """
    inside = 1.0 - anode_fraction
    if nucleation_length > 0.0 or not inside > UNNUCLEATED_DEPOSITION_LIMIT:
        return None
    return (f"{100 * inside:.0f} % of the current is deposited inside the layer by Butler-Volmer on Li-free surfaces, where the "
            "nucleation criterion (-eta >= eta_c) is met nowhere (l_n = 0): that Li could not form, and the verdict does not "
            "see it; 'lisse simulate ccd' deposits only on nucleated Li")


def _r(v: float) -> float:
    """Round away float noise from unit conversion (12 significant digits)."""
    return float(f"{v:.12g}")


def interlayer_lengths(p: InterlayerParameters, current: QuantityLike, capacity: QuantityLike | None = None, time: QuantityLike | None = None,
                       **solve_kw: Any) -> LengthsResult:
    """Solve the 1D model and return l_n, l_g, the verdict and the regime.

    Parameters
    ----------
    p : InterlayerParameters
        The interlayer (SI parameters).
    current : float, str or pint.Quantity
        Plating current density [A m-2] (a bare number is SI; ``"1 mA/cm2"`` is accepted).
    capacity : float, str or pint.Quantity, optional
        Plated areal charge per half-cycle [C m-2] (or e.g. ``"1 mAh/cm2"``). Give this or ``time``.
    time : float, str or pint.Quantity, optional
        Plating time per half-cycle [s] (or e.g. ``"1 h"``); capacity = current x time.
    **solve_kw
        Passed to :func:`~lisse.sim.interlayer.solver1d.solve_1d` (mesh and Newton settings).

    Returns
    -------
    LengthsResult
        l_n, l_g [m], verdict, failure mode and regime, with the solved profile.

    Raises
    ------
    ParameterError
        Not exactly one of ``capacity``/``time``, or a value with a wrong unit or out of range.
    ConvergenceError
        The Newton solver did not converge.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    if (capacity is None) == (time is None):
        raise ParameterError("give exactly one of 'capacity' (C/m2) or 'time' (s)")
    j = as_si(current, "mA/cm2", "current")
    if capacity is not None:
        q = as_si(capacity, "mAh/cm2", "capacity")
    else:
        t = as_si(time, "h", "time")
        if not (math.isfinite(t) and t > 0):
            raise ParameterError(f"parameter 'time' must be positive in s; got {t!r}")
        q = j * t
    register("Wang2024")
    sol = solve_1d(p, j, **solve_kw)
    return result_from_solution(sol, q)


def result_from_solution(sol: Solution1D, capacity: float) -> LengthsResult:
    """Build a :class:`LengthsResult` from a solved profile and the plated charge [C/m2].

    Parameters
    ----------
    sol : Solution1D
        A solved 1D profile.
    capacity : float
        Plated areal charge per half-cycle [C m-2].

    Returns
    -------
    LengthsResult
        Lengths [m] (l_g from :func:`pore_filling`), verdict and regime.

    Raises
    ------
    ParameterError
        ``capacity`` negative, non-finite or above the model's limit.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    p = sol.params
    ec = p.critical_overpotential
    l_n = nucleation_length(sol.x, sol.eta, ec)
    filling = pore_filling(sol, capacity)
    l_g = filling.growth_length
    ok, mode = verdict(l_n, l_g, p.thickness)
    regime = p.regime()
    return LengthsResult(
        current=sol.current,
        capacity=capacity,
        nucleation_length=l_n,
        growth_length=l_g,
        thickness=p.thickness,
        stable=ok,
        failure_mode=mode,
        regime=regime,
        critical_overpotential=ec,
        eta_anode=float(sol.eta[0]),
        eta_electrolyte=float(sol.eta[-1]),
        anode_fraction=sol.anode_current / sol.current,
        tip_growth_risk=regime == "ionic",
        solution=sol,
        filling=filling,
    )
