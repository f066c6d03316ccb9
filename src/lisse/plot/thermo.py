"""Plots for interface thermodynamics.

Draws into ``ax=`` when given, else into a new :class:`matplotlib.figure.Figure`; returns the Figure,
never writes files and changes no global matplotlib state (see :mod:`lisse.plot.style`).
"""

from __future__ import annotations

from typing import Any

from lisse.plot.style import PALETTE as C
from lisse.plot.style import new_axes, outside_legend, styled

__all__ = ["wetting_bar"]

_PHILIC, _PHOBIC = C[0], C[1]


@styled
def wetting_bar(table: Any, *, ax: Any = None) -> Any:
    """Horizontal bars of the Young–Dupré contact angle of Li per material, with the 90° line.

    Parameters
    ----------
    table : pandas.DataFrame or dict of sequences
        Columns ``material``, ``contact_angle_deg`` [°] and ``origin`` (where the adhesion energy came from).
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        Contact angle [°] per material; bars below 90° (lithiophilic) and above (lithiophobic) in two
        colours named in the legend.
    """
    from matplotlib.patches import Patch

    angles = [float(a) for a in table["contact_angle_deg"]]
    fig, ax = new_axes(ax, (7.0, 0.8 + 0.4 * max(1, len(angles))))
    colors = [_PHILIC if a < 90 else _PHOBIC for a in angles]
    labels = [f"{m} ({o})" for m, o in zip(table["material"], table["origin"])]
    ax.barh(labels, angles, color=colors)
    ax.axvline(90.0, color="k", lw=1, ls="--")
    ax.set_xlim(0, 180)
    ax.set_xlabel("contact angle of Li (deg)")
    ax.tick_params(axis="y", labelsize=7)
    outside_legend(ax, handles=[Patch(color=_PHILIC, label="lithiophilic (θ < 90°)"), Patch(color=_PHOBIC, label="lithiophobic (θ ≥ 90°)")],
                   fontsize=7)
    return fig
