"""Figures for cell design."""

from __future__ import annotations

import numpy as np

from lisse.plot.style import pyplot


def energy_density_vs_li_thickness(curves: list[dict], np1_thickness_um: list[float]):
    """Stack energy density vs Li foil thickness, one line per cell, N/P = 1 marked.

    Parameters
    ----------
    curves : list of dict
        Each with ``name``, ``li_thickness_um``, ``gravimetric_Wh_kg``, ``volumetric_Wh_L`` (arrays).
    np1_thickness_um : list of float
        Li thickness giving N/P = 1 for each cell.
    """
    plt = pyplot()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6), constrained_layout=True)
    for k, (c, t1) in enumerate(zip(curves, np1_thickness_um)):
        color = f"C{k}"
        ax1.plot(c["li_thickness_um"], c["gravimetric_Wh_kg"], color=color, label=c["name"])
        ax2.plot(c["li_thickness_um"], c["volumetric_Wh_L"], color=color, label=c["name"])
        for ax in (ax1, ax2):
            ax.axvline(t1, color=color, ls="--", lw=0.9)
        ax1.annotate("N/P = 1", (t1, float(np.interp(t1, c["li_thickness_um"], c["gravimetric_Wh_kg"]))), xytext=(4, 6), textcoords="offset points", color=color, fontsize=8)
    ax1.set(xlabel="Li thickness (µm)", ylabel="stack energy density (Wh/kg)")
    ax2.set(xlabel="Li thickness (µm)", ylabel="stack energy density (Wh/L, charged)")
    ax1.legend(fontsize=7, loc="best")
    return fig


def np_ratio_vs_li_thickness(curves: list[dict]):
    """N/P ratio vs Li thickness with the N/P = 1 line."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(4.5, 3.4), constrained_layout=True)
    for k, c in enumerate(curves):
        ax.plot(c["li_thickness_um"], c["np_ratio"], color=f"C{k}", label=c["name"])
    ax.axhline(1.0, color="k", ls="--", lw=0.9)
    ax.text(0.02, 1.02, "N/P = 1", transform=ax.get_yaxis_transform(), fontsize=8)
    ax.set(xlabel="Li thickness (µm)", ylabel="N/P ratio")
    ax.legend(fontsize=7)
    return fig
