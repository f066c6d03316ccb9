"""Figures for cell design.

Every function draws into ``ax=`` (or ``axes=``) when given, else into a new
:class:`matplotlib.figure.Figure`, returns the Figure, never writes files and changes no global
matplotlib state (see :mod:`lisse.plot.style`).
"""

from __future__ import annotations

from typing import Any

from lisse.plot.style import PALETTE as C
from lisse.plot.style import new_axes, new_axes_row, outside_legend, styled

__all__ = ["energy_density_vs_li_thickness", "np_ratio_vs_li_thickness"]


@styled
def energy_density_vs_li_thickness(curves: list[dict], np1_thickness_um: list[float], *, axes: Any = None) -> Any:
    """Stack energy density against Li foil thickness, one colour per cell, N/P = 1 marked.

    Parameters
    ----------
    curves : list of dict
        Each with ``name``, ``li_thickness_um`` [µm], ``gravimetric_Wh_kg`` [Wh kg⁻¹] and
        ``volumetric_Wh_L`` [Wh L⁻¹] (arrays).
    np1_thickness_um : list of float
        Li thickness giving N/P = 1 for each cell [µm] (dashed line in the cell's colour).
    axes : sequence of two matplotlib.axes.Axes, optional
        Draw the gravimetric and the volumetric panels into these.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.lines import Line2D

    fig, (ax1, ax2) = new_axes_row(axes, 2, (10.0, 3.8))
    for k, (c, t1) in enumerate(zip(curves, np1_thickness_um)):
        color = C[k % len(C)]
        ax1.plot(c["li_thickness_um"], c["gravimetric_Wh_kg"], color=color, label=c["name"])
        ax2.plot(c["li_thickness_um"], c["volumetric_Wh_L"], color=color, label=c["name"])
        for ax in (ax1, ax2):
            ax.axvline(t1, color=color, ls="--", lw=0.9)
    ax1.set(xlabel="Li thickness (µm)", ylabel="stack energy density (Wh/kg)")
    ax2.set(xlabel="Li thickness (µm)", ylabel="stack energy density (Wh/L, charged)")
    handles, _ = ax1.get_legend_handles_labels()
    if curves:
        handles.append(Line2D([], [], color="0.3", ls="--", lw=0.9, label="N/P = 1"))
    outside_legend(ax2, handles=handles, fontsize=7)
    return fig


@styled
def np_ratio_vs_li_thickness(curves: list[dict], *, ax: Any = None) -> Any:
    """N/P ratio against Li thickness, with the N/P = 1 line.

    Parameters
    ----------
    curves : list of dict
        Each with ``name``, ``li_thickness_um`` [µm] and ``np_ratio`` (arrays).
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_axes(ax, (5.5, 3.4))
    for k, c in enumerate(curves):
        ax.plot(c["li_thickness_um"], c["np_ratio"], color=C[k % len(C)], label=c["name"])
    ax.axhline(1.0, color="k", ls="--", lw=0.9, label="N/P = 1")
    ax.set(xlabel="Li thickness (µm)", ylabel="N/P ratio")
    outside_legend(ax, fontsize=7)
    return fig
