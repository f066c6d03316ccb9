"""From measurement to model: fit C in ``l_n = C V_sp / i`` [Wang2024] and compare with the simulation.

[Wang2024] relate the nucleation length to the voltage spike V_sp at the start of each plating
half-cycle: with a linear overpotential profile of slope i/sigma, ``l_n = sigma (V_sp - eta_c)/i``
which is ``C V_sp / i`` with ``C ≈ sigma`` (S/m) when ``V_sp >> eta_c``. Given spike heights at
several currents (extracted from cycling files by lisse's analysis tools), :func:`fit_spike_coefficient`
finds the least-squares C against the l_n(i) that the 1D model predicts at the same currents
(points without nucleation or with nucleation reaching the electrolyte are left out) and reports how
well the ``C V_sp / i`` law describes the simulation.

Least squares through the origin: with ``u_k = V_sp,k / i_k``, ``C = sum(l_k u_k) / sum(u_k^2)``.

References
----------
Wang et al., Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from lisse.citations import register
from lisse.errors import CalculationError, ParameterError
from lisse.records.display import compact_repr, plot_with
from lisse.sim.interlayer.model import InterlayerParameters
from lisse.sim.interlayer.sweeps import sweep_current
from lisse.units import quantity_args

__all__ = ["SpikeFit", "fit_coefficient", "fit_spike_coefficient"]


@compact_repr
@dataclass
class SpikeFit:
    """Result of the l_n = C V_sp / i fit (SI units).

    Parameters
    ----------
    coefficient : float
        C [S m-1].
    currents : numpy.ndarray
        Current densities of the half-cycles [A m-2].
    spikes : numpy.ndarray
        Nucleation spike heights V_sp [V].
    simulated_length : numpy.ndarray
        Model l_n at each current [m]; NaN where excluded.
    fitted_length : numpy.ndarray
        C V_sp / i [m].
    used : numpy.ndarray of bool
        Mask of the points used in the fit (count = ``used.sum()``).
    r_squared : float
        Coefficient of determination R^2 [-] (dimensionless).
    relative_rms : float
        RMS residual relative to the mean |l_n| [-] (dimensionless).
    """

    coefficient: float  # C [S/m]
    currents: np.ndarray  # [A/m2]
    spikes: np.ndarray  # [V]
    simulated_length: np.ndarray  # [m], NaN where excluded
    fitted_length: np.ndarray  # C V_sp / i [m]
    used: np.ndarray  # bool
    r_squared: float
    relative_rms: float

    def plot(self, *, ax=None, **kwargs):
        """Plot simulated against fitted nucleation length (:func:`lisse.plot.interlayer.fit_figure`).

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Draw into this matplotlib Axes (default: a new figure).
        **kwargs
            Passed to the plotting function.

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (:func:`lisse.plot.interlayer.fit_figure`).
        """
        return plot_with("lisse.plot.interlayer:fit_figure", self, ax=ax, **kwargs)

    def as_dict(self) -> dict:
        """JSON-able summary with unit-suffixed keys.

        Returns
        -------
        dict
            ``coefficient_S_cm``, ``r_squared``, ``relative_rms``, ``points_used`` and the per-point lists
            (``current_density_mA_cm2``, ``spike_mV``, ``*_nucleation_length_um``).
        """
        return {
            "coefficient_S_cm": self.coefficient / 100,
            "r_squared": self.r_squared,
            "relative_rms": self.relative_rms,
            "points_used": int(self.used.sum()),
            "current_density_mA_cm2": (self.currents / 10.0).tolist(),
            "spike_mV": (self.spikes * 1e3).tolist(),
            "simulated_nucleation_length_um": (self.simulated_length * 1e6).tolist(),
            "fitted_nucleation_length_um": (self.fitted_length * 1e6).tolist(),
        }


def fit_coefficient(currents: ArrayLike, spikes: ArrayLike, lengths: ArrayLike) -> tuple[float, float, float]:
    """Least-squares C [S/m] in ``l = C V_sp / i`` through the origin; returns (C, R^2, relative RMS).

    Parameters
    ----------
    currents : array_like
        i [A/m2] (> 0).
    spikes : array_like
        V_sp [V] (> 0).
    lengths : array_like
        l_n [m].

    Returns
    -------
    tuple of float
        ``(C [S m-1], R^2 [-], relative RMS [-])``.

    Raises
    ------
    ParameterError
        Shapes differ, or a current or spike is not positive and finite.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    i = np.asarray(currents, dtype=float)
    v = np.asarray(spikes, dtype=float)
    ln = np.asarray(lengths, dtype=float)
    if not (i.shape == v.shape == ln.shape) or i.ndim != 1 or i.size < 1:
        raise ParameterError(f"currents, spikes and lengths must be 1D arrays of equal length; got {i.shape}, {v.shape}, {ln.shape}")
    if np.any(~np.isfinite(i)) or np.any(i <= 0) or np.any(~np.isfinite(v)) or np.any(v <= 0):
        raise ParameterError("currents (A/m2) and spikes (V) must be positive and finite")
    u = v / i
    c = float(np.sum(ln * u) / np.sum(u * u))
    fit = c * u
    ss_res = float(np.sum((ln - fit) ** 2))
    ss_tot = float(np.sum((ln - ln.mean()) ** 2))
    # one point (one parameter: an exact fit) or identical lengths leave R^2 undefined, never a perfect 1
    r2 = 1.0 - ss_res / ss_tot if (ss_tot > 0 and ln.size > 1) else float("nan")
    rel = math.sqrt(ss_res / ln.size) / float(np.mean(np.abs(ln))) if np.any(ln) else float("nan")
    return c, r2, rel


@quantity_args(currents="A/m2[]", spikes="V[]", capacity="C/m2", time="s")
def fit_spike_coefficient(p: InterlayerParameters, currents: ArrayLike, spikes: ArrayLike, capacity: float | None = None, time: float = 3600.0) -> SpikeFit:
    """Fit C in ``l_n = C V_sp / i`` to the model's l_n at the measured currents.

    Parameters
    ----------
    p : InterlayerParameters
        Interlayer whose l_n(i) is simulated.
    currents : array_like
        Currents of the measured half-cycles [A m-2].
    spikes : array_like
        Measured nucleation spike heights V_sp [V] (positive).
    capacity : float, optional
        Plating capacity per half-cycle [C m-2] (only l_g depends on it); overrides ``time``.
    time : float, default 3600.0
        Plating time per half-cycle [s].

    Returns
    -------
    SpikeFit
        C [S m-1] with the goodness of fit and per-point lengths [m].

    Raises
    ------
    ParameterError
        Fewer than two pairs, or a current or spike not positive and finite.
    CalculationError
        If fewer than two currents give a nucleation zone inside the layer (no length to fit).

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    i = np.asarray(currents, dtype=float)
    v = np.asarray(spikes, dtype=float)
    if i.shape != v.shape or i.ndim != 1 or i.size < 2:
        raise ParameterError(f"need >= 2 (current, spike) pairs of equal length; got shapes {i.shape} and {v.shape}")
    if np.any(v <= 0) or not np.all(np.isfinite(v)):
        raise ParameterError(f"spike heights must be positive and finite; got {v.tolist()} V (= {[round(x * 1e3, 9) for x in v.tolist()]} mV)")
    if np.any(i <= 0) or not np.all(np.isfinite(i)):
        raise ParameterError(f"spike currents must be positive and finite; got {i.tolist()} A/m2 (= {[round(x / 10, 9) for x in i.tolist()]} mA/cm2)")
    register("Wang2024")
    sw = sweep_current(p, i, capacity=capacity) if capacity is not None else sweep_current(p, i, time=time)
    ln = sw["nucleation_length"]
    used = (ln > 0) & (ln < p.thickness)
    if used.sum() < 2:
        raise CalculationError(
            f"the model predicts a nucleation zone inside the interlayer at only {int(used.sum())} of the {i.size} currents "
            f"({p.name}); C in l_n = C V_sp/i cannot be fitted"
        )
    c, r2, rel = fit_coefficient(i[used], v[used], ln[used])
    sim = np.where(used, ln, np.nan)
    return SpikeFit(c, i, v, sim, c * v / i, used, r2, rel)
