"""Nucleation length, growth length and the stability verdict ``l_n <= l_g < l_i`` [Wang2024].

Definitions
-----------
* ``eta_c``: critical nucleation overpotential, where the classical nucleation rate reaches the
  stated threshold J_c (:attr:`InterlayerParameters.critical_overpotential`).
* ``l_n`` (nucleation length): the deepest point, measured from the Li anode, where the local
  cathodic overpotential ``-eta(x)`` reaches ``eta_c`` (linear interpolation between nodes); 0 when
  it is nowhere reached; ``l_i`` when nucleation reaches the electrolyte face.
* ``l_g`` (growth length): ``Q V_m / (F eps)``, the dense-Li thickness of the plated charge Q
  spread over the pore fraction eps (4.85 um per mAh/cm2 of dense Li).
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
from lisse.sim.interlayer.model import InterlayerParameters, growth_length
from lisse.sim.interlayer.solver1d import Solution1D, solve_1d
from lisse.units import as_si

if TYPE_CHECKING:
    from lisse._typing import QuantityLike

__all__ = ["FAILURE_MODES", "LengthsResult", "nucleation_length", "nucleation_zones", "verdict", "interlayer_lengths"]

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
        Critical nucleation overpotential [V] (> 0).

    Returns
    -------
    float
        l_n [m].

    Raises
    ------
    ParameterError
        Shapes differ or are too short, or ``eta_c`` <= 0.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    x = np.asarray(x, dtype=float)
    d = -np.asarray(eta, dtype=float) - eta_c
    if x.shape != d.shape or x.ndim != 1 or x.size < 2:
        raise ParameterError(f"x and eta must be 1D arrays of equal length >= 2; got shapes {x.shape} and {d.shape}")
    if not eta_c > 0:
        raise ParameterError(f"parameter 'eta_c' must be positive; got {eta_c!r}")
    above = np.nonzero(d >= 0)[0]
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
        l_g [m].
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
            The CLI's JSON keys, each with its unit as suffix (``nucleation_length_um``, ...).
        """
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
        }


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
        Lengths [m], verdict and regime.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    p = sol.params
    ec = p.critical_overpotential
    l_n = nucleation_length(sol.x, sol.eta, ec)
    l_g = growth_length(capacity, p.porosity)
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
    )
