"""Figures for cycling data, in the style of the papers: voltage–time with the current staircase,
overpotential evolution, capacity / coulombic efficiency per cycle, dQ/dV, Tafel plots.

Every function returns a :class:`matplotlib.figure.Figure` (Agg backend) and never writes files.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["plot_voltage_staircase", "plot_overpotential", "plot_capacity_ce", "plot_curves_dqdv", "plot_dqdv", "plot_tafel"]


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_voltage_staircase(record: Any, ccd: Any = None, title: str | None = None):
    """Voltage vs time with the current density (or current) on a second axis; marks the CCD failure.

    Parameters
    ----------
    record : CyclingRecord
    ccd : CCDDetector or ShortDetector, optional
        A fitted detector; its failure time is marked.
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 3.6), constrained_layout=True)
    t_h = record.time_s / 3600.0
    ax.plot(t_h, record.voltage_V * 1e3, lw=0.6, color="C0")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("voltage (mV)", color="C0")
    ax2 = ax.twinx()
    if record.area_m2:
        ax2.plot(t_h, record.current_A / record.area_m2 / 10.0, lw=0.8, color="C3", alpha=0.7)
        ax2.set_ylabel("current density (mA cm$^{-2}$)", color="C3")
    else:
        ax2.plot(t_h, record.current_A * 1e3, lw=0.8, color="C3", alpha=0.7)
        ax2.set_ylabel("current (mA)", color="C3")
    tf = getattr(ccd, "failure_time_s_", None)
    if tf is not None:
        ax.axvline(tf / 3600.0, color="k", ls="--", lw=0.8)
        label = getattr(ccd, "criterion_", "failure")
        ccd_val = getattr(ccd, "ccd_A_m2_", None)
        txt = f"{label}\nCCD = {ccd_val / 10:.3g} mA/cm²" if ccd_val else label
        ax.annotate(txt, (tf / 3600.0, ax.get_ylim()[1]), xytext=(4, -4), textcoords="offset points", va="top", fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_overpotential(half_cycle_table: Any, title: str | None = None):
    """Plateau, peak and end-of-step overpotential per half cycle vs time, and the spike height."""
    plt = _plt()
    hc = half_cycle_table
    fig, ax = plt.subplots(figsize=(7.0, 3.4), constrained_layout=True)
    t_h = 0.5 * (hc["t_start_s"] + hc["t_end_s"]) / 3600.0
    ax.plot(t_h, hc["eta_plateau_V"] * 1e3, "o-", ms=2.5, lw=0.8, label="plateau (median)")
    ax.plot(t_h, hc["eta_peak_V"] * 1e3, ".", ms=3, label="peak")
    ax.plot(t_h, hc["eta_end_V"] * 1e3, "x", ms=3, label="end of step")
    ax.plot(t_h, hc["v_sp_V"] * 1e3, "^", ms=2.5, label="nucleation spike V$_{sp}$")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("overpotential |V| (mV)")
    ax.legend(fontsize=7, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_capacity_ce(cycle_table: Any, per: str = "mAh", title: str | None = None):
    """Charge/discharge capacity and coulombic efficiency vs cycle (a full-cell ``cycles`` table)."""
    plt = _plt()
    ct = cycle_table
    col = {"mAh": ("charge_capacity_mAh", "discharge_capacity_mAh", "capacity (mAh)"),
           "mAh_g": ("charge_capacity_mAh_g", "discharge_capacity_mAh_g", "capacity (mAh g$^{-1}$)"),
           "mAh_cm2": ("charge_capacity_mAh_cm2", "discharge_capacity_mAh_cm2", "capacity (mAh cm$^{-2}$)")}[per]
    fig, ax = plt.subplots(figsize=(6.5, 3.4), constrained_layout=True)
    ax.plot(ct["cycle"], ct[col[0]], "o", ms=3, label="charge")
    ax.plot(ct["cycle"], ct[col[1]], "s", ms=3, label="discharge")
    ax.set_xlabel("cycle")
    ax.set_ylabel(col[2])
    ax2 = ax.twinx()
    ax2.plot(ct["cycle"], ct["coulombic_efficiency_pct"], "-", color="C2", lw=1, label="CE")
    ax2.set_ylabel("coulombic efficiency (%)", color="C2")
    ax.legend(fontsize=7, frameon=False, loc="lower left")
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_curves_dqdv(curves: Any, dqdv: Any = None, title: str | None = None, max_cycles: int = 12):
    """Voltage vs capacity per cycle (charge solid, discharge dashed) and, beside it, dQ/dV vs voltage.

    Parameters
    ----------
    curves : pandas.DataFrame
        :func:`lisse.analysis.fullcell.voltage_capacity_curves` (cycles from 1).
    dqdv : pandas.DataFrame, optional
        :func:`lisse.analysis.fullcell.dqdv_table`.
    max_cycles : int
        At most this many cycles are drawn, evenly spread (first and last included); incomplete cycles are grey.
    """
    plt = _plt()
    ncol = 2 if dqdv is not None else 1
    fig, axes = plt.subplots(1, ncol, figsize=(5.2 * ncol, 3.6), constrained_layout=True, squeeze=False)
    cyc = np.unique(curves["cycle"].to_numpy()) if len(curves) else np.zeros(0, dtype=int)
    if cyc.size > max_cycles:
        cyc = cyc[np.unique(np.round(np.linspace(0, cyc.size - 1, max_cycles)).astype(int))]
    cmap = plt.get_cmap("viridis")
    col = "capacity_mAh_g" if "capacity_mAh_g" in curves else "capacity_mAh"
    for n, c in enumerate(cyc):
        colour = cmap(n / max(cyc.size - 1, 1))
        for d, ls in (("charge", "-"), ("discharge", "--")):
            g = curves[(curves["cycle"] == c) & (curves["direction"] == d)]
            if len(g):
                done = bool(g["complete"].iloc[0])
                axes[0, 0].plot(g[col], g["voltage_V"], ls, lw=0.9, color=colour if done else "0.6",
                                label=f"cycle {c}" if d == "charge" or not (curves["direction"] == "charge").any() else None)
            if dqdv is not None:
                h = dqdv[(dqdv["cycle"] == c) & (dqdv["direction"] == d)]
                if len(h):
                    sign = 1.0 if d == "charge" else -1.0  # discharge drawn below the axis, as usual
                    axes[0, 1].plot(h["voltage_V"], sign * h["dqdv_mAh_V"], ls, lw=0.9,
                                    color=colour if bool(h["complete"].iloc[0]) else "0.6")
    axes[0, 0].set_xlabel("capacity (mAh g$^{-1}$)" if col == "capacity_mAh_g" else "capacity (mAh)")
    axes[0, 0].set_ylabel("voltage (V)")
    if cyc.size:
        axes[0, 0].legend(fontsize=6, frameon=False, ncol=2)
    if dqdv is not None:
        axes[0, 1].set_xlabel("voltage (V)")
        axes[0, 1].set_ylabel("dQ/dV (mAh V$^{-1}$; discharge < 0)")
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def plot_dqdv(curves: dict, title: str | None = None):
    """dQ/dV curves: ``curves`` maps a label to (voltage_V, dqdv_mAh_V)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.4), constrained_layout=True)
    for label, (vv, dq) in curves.items():
        ax.plot(vv, dq, lw=0.8, label=str(label))
    ax.set_xlabel("voltage (V)")
    ax.set_ylabel("dQ/dV (mAh V$^{-1}$)")
    ax.legend(fontsize=7, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig


def plot_tafel(fit: Any, title: str | None = None):
    """log10|i| vs η with the fitted Tafel lines and the fit window (a fitted :class:`TafelFit`)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 3.6), constrained_layout=True)
    eta, i = fit.eta_V_, fit.i_A_m2_
    ax.plot(eta * 1e3, np.log10(np.abs(i) / 10.0 + 1e-30), ".", ms=2, color="0.4", label="data")
    for branch, (lo, hi) in fit.windows_V_.items():
        e = np.linspace(lo, hi, 50)
        slope = fit.alpha_a_ if branch == "anodic" else -fit.alpha_c_
        logi = np.log10(fit.i0_A_m2_ / 10.0) + slope * e * fit.f_ / np.log(10)
        ax.plot(e * 1e3, logi, lw=1.5, label=f"{branch} Tafel fit")
    ax.set_xlabel("overpotential η (mV)")
    ax.set_ylabel("log$_{10}$ |i| (mA cm$^{-2}$)")
    ax.legend(fontsize=7, frameon=False)
    if title:
        ax.set_title(title, fontsize=10)
    return fig
