"""Arrhenius figure of an impedance temperature series: ln(σT) (or ln σ) against 1000/T with fit lines.

Draws into ``ax=`` when given, else into a new :class:`matplotlib.figure.Figure`; returns the Figure,
never writes files and changes no global matplotlib state (see :mod:`lisse.plot.style`).
"""

from __future__ import annotations

import numpy as np

from lisse._lazy import deprecated_aliases
from lisse.constants import BOLTZMANN, ELEMENTARY_CHARGE
from lisse.plot.style import new_axes, styled

__all__ = ["plot_arrhenius"]

# one release of grace for the old name (it clashed with lisse.analysis.eis.arrhenius, the fit)
__getattr__ = deprecated_aliases(__name__, {"arrhenius": "plot_arrhenius"}, removed_in="0.2")

_SERIES = (("bulk", "sigma_bulk", "#4c72b0", "o"), ("grain_boundary", "sigma_gb", "#55a868", "s"), ("total", "sigma_total", "#333333", "^"))


@styled
def plot_arrhenius(series, title: str | None = None, *, ax=None):
    """Arrhenius plot: ln(σT / S K cm⁻¹) (σT form) or ln(σ / S cm⁻¹) against 1000/T, points and fitted lines.

    Parameters
    ----------
    series : lisse.analysis.eis.temperature.SeriesFit
        A temperature series: per-spectrum conductivities [S m⁻¹] at temperatures [K] and the Arrhenius
        fits (activation energy [eV], prefactor).
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (a secondary x axis in °C is added on top).

    Returns
    -------
    matplotlib.figure.Figure
        The logarithm ln(σT) or ln(σ) against 1000/T [K⁻¹]; one colour per quantity (bulk, grain boundary, total), each
        named in the legend with its activation energy.
    """
    fig, ax = new_axes(ax, (5.5, 4.2))
    sT = series.form == "sigma_T"
    for key, attr, colour, marker in _SERIES:
        pts = [(r.temperature, getattr(r, attr) / 100.0) for r in series.rows if getattr(r, attr) is not None and getattr(r, attr) > 0]
        if not pts:
            continue
        T = np.array([p[0] for p in pts])
        s = np.array([p[1] for p in pts])
        y = np.log(s * T) if sT else np.log(s)
        fit = series.arrhenius.get(key)
        lab = key.replace("_", " ")
        if fit:
            std = fit["activation_energy_std_eV"]
            lab += (f": Ea = {fit['activation_energy_eV']:.3f} ± {std:.2g} eV" if std is not None and np.isfinite(std)
                    else f": Ea = {fit['activation_energy_eV']:.3f} eV ({fit['n_points']} points, no uncertainty)")
        ax.plot(1000 / T, y, marker, color=colour, label=lab)
        if fit:
            xs = np.linspace(1000 / T.max(), 1000 / T.min(), 50)
            pre = fit["prefactor_S_K_cm" if sT else "prefactor_S_cm"]
            k_eV = BOLTZMANN / ELEMENTARY_CHARGE  # [eV/K]
            ax.plot(xs, np.log(pre) - fit["activation_energy_eV"] / k_eV * xs / 1000, "-", color=colour, lw=1)
    ax.set_xlabel("1000/T (K⁻¹)")
    ax.set_ylabel("ln(σT / S K cm⁻¹)" if sT else "ln(σ / S cm⁻¹)")
    top = ax.secondary_xaxis("top", functions=(lambda x: 1000 / np.maximum(np.asarray(x, float), 1e-9) - 273.15,
                                               lambda c: 1000 / np.maximum(np.asarray(c, float) + 273.15, 1e-9)))
    top.set_xlabel("T (°C)")
    ax.legend(fontsize=7, loc="best")
    if title:
        ax.set_title(title)
    return fig
