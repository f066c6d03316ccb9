"""Figures for cycling data, in the style of the papers: voltage–time with the current staircase,
overpotential evolution, capacity / coulombic efficiency per cycle, dQ/dV, Tafel plots.

Every function draws into ``ax=`` (or ``axes=``) when given, else into a new
:class:`matplotlib.figure.Figure`, returns the Figure, never writes files and changes no global
matplotlib state (see :mod:`lisse.plot.style`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lisse.plot.style import PALETTE as C
from lisse.plot.style import new_axes, new_axes_row, outside_legend, owns, styled

__all__ = ["plot_voltage_staircase", "plot_overpotential", "plot_capacity_ce", "plot_curves_dqdv", "plot_dqdv", "plot_tafel"]


@styled
def plot_voltage_staircase(record: Any, ccd: Any = None, title: str | None = None, *, ax: Any = None) -> Any:
    """Voltage against time with the current density (or current) on a second axis; marks the failure.

    Parameters
    ----------
    record : lisse.records.cycling.CyclingRecord
        The cycling record: time [s], voltage [V], current [A]; with ``area_m2`` the current is drawn
        as current density [mA cm⁻²], else as current [mA].
    ccd : lisse.analysis.ccd.CCDDetector or lisse.analysis.shorts.ShortDetector, optional
        A fitted detector; its failure time (``failure_time_s_`` [s]) is marked with its criterion and
        the CCD (``ccd_A_m2_`` [A m⁻²], shown in mA cm⁻²).
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (a twin y axis is added to it for the current).

    Returns
    -------
    matplotlib.figure.Figure
        Voltage [mV] (left axis) and current density [mA cm⁻²] or current [mA] (right axis) against
        time [h].
    """
    fig, ax = new_axes(ax, (7.5, 3.6))
    t_h = np.asarray(record.time_s) / 3600.0
    (lv,) = ax.plot(t_h, np.asarray(record.voltage_V) * 1e3, lw=0.6, color=C[0], label="voltage")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("voltage (mV)", color=C[0])
    ax2 = ax.twinx()
    ax2.grid(False)
    if record.area_m2:
        (li,) = ax2.plot(t_h, np.asarray(record.current_A) / record.area_m2 / 10.0, lw=0.8, color=C[1], alpha=0.8,
                         label="current density")
        ax2.set_ylabel("current density (mA cm$^{-2}$)", color=C[1])
    else:
        (li,) = ax2.plot(t_h, np.asarray(record.current_A) * 1e3, lw=0.8, color=C[1], alpha=0.8, label="current")
        ax2.set_ylabel("current (mA)", color=C[1])
    handles = [lv, li]
    tf = getattr(ccd, "failure_time_s_", None)
    if tf is not None:
        label = str(getattr(ccd, "criterion_", "failure")).replace("_", " ")
        handles.append(ax.axvline(tf / 3600.0, color="k", ls="--", lw=0.8, label=f"failure: {label}"))
        ccd_val = getattr(ccd, "ccd_A_m2_", None)
        if ccd_val:
            ax.annotate(f"CCD = {ccd_val / 10:.3g} mA/cm²", (tf / 3600.0, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(-4, -4), textcoords="offset points", va="top", ha="right", fontsize=8)
    outside_legend(ax2, handles=handles, fontsize=7)
    if title:
        ax.set_title(title)
    return fig


@styled
def plot_overpotential(half_cycle_table: Any, title: str | None = None, *, ax: Any = None) -> Any:
    """Plateau, peak and end-of-step overpotential per half cycle against time, and the spike height.

    Parameters
    ----------
    half_cycle_table : pandas.DataFrame
        :func:`lisse.analysis.symmetric.half_cycles` table: ``t_start_s``, ``t_end_s`` [s],
        ``eta_plateau_V``, ``eta_peak_V``, ``eta_end_V``, ``v_sp_V`` [V].
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        |overpotential| [mV] against the half cycle's mid time [h].
    """
    fig, ax = new_axes(ax, (7.0, 3.4))
    hc = half_cycle_table
    t_h = 0.5 * (np.asarray(hc["t_start_s"]) + np.asarray(hc["t_end_s"])) / 3600.0
    ax.plot(t_h, np.asarray(hc["eta_plateau_V"]) * 1e3, "o-", ms=2.5, lw=0.8, color=C[0], label="plateau (median)")
    ax.plot(t_h, np.asarray(hc["eta_peak_V"]) * 1e3, ".", ms=3, color=C[1], label="peak")
    ax.plot(t_h, np.asarray(hc["eta_end_V"]) * 1e3, "x", ms=3, color=C[2], label="end of step")
    ax.plot(t_h, np.asarray(hc["v_sp_V"]) * 1e3, "^", ms=2.5, color=C[3], label="nucleation spike V$_{sp}$")
    ax.set_xlabel("time (h)")
    ax.set_ylabel("overpotential |η| (mV)")
    outside_legend(ax, fontsize=7)
    if title:
        ax.set_title(title)
    return fig


_CAPACITY_COLUMNS = {
    "mAh": ("charge_capacity_mAh", "discharge_capacity_mAh", "capacity (mAh)"),
    "mAh_g": ("charge_capacity_mAh_g", "discharge_capacity_mAh_g", "capacity (mAh g$^{-1}$)"),
    "mAh_cm2": ("charge_capacity_mAh_cm2", "discharge_capacity_mAh_cm2", "capacity (mAh cm$^{-2}$)"),
}


@styled
def plot_capacity_ce(cycle_table: Any, per: str = "mAh", title: str | None = None, *, ax: Any = None) -> Any:
    """Charge/discharge capacity and coulombic efficiency against cycle number (a full-cell cycle table).

    Parameters
    ----------
    cycle_table : pandas.DataFrame
        :func:`lisse.analysis.fullcell.cycle_table`: ``cycle``, ``charge_capacity_<per>``,
        ``discharge_capacity_<per>``, ``coulombic_efficiency_pct`` [%].
    per : {"mAh", "mAh_g", "mAh_cm2"}
        Capacity normalisation: absolute [mAh], per active mass [mAh g⁻¹] or per area [mAh cm⁻²].
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (a twin y axis is added to it for the coulombic efficiency).

    Returns
    -------
    matplotlib.figure.Figure
    """
    if per not in _CAPACITY_COLUMNS:
        from lisse.errors import ParameterError

        raise ParameterError(f"plot_capacity_ce per: expected one of {', '.join(_CAPACITY_COLUMNS)}; found {per!r}")
    fig, ax = new_axes(ax, (6.5, 3.4))
    ct = cycle_table
    col = _CAPACITY_COLUMNS[per]
    h1 = ax.plot(ct["cycle"], ct[col[0]], "o", ms=3, color=C[0], label="charge")
    h2 = ax.plot(ct["cycle"], ct[col[1]], "s", ms=3, color=C[1], label="discharge")
    ax.set_xlabel("cycle")
    ax.set_ylabel(col[2])
    ax2 = ax.twinx()
    ax2.grid(False)
    h3 = ax2.plot(ct["cycle"], ct["coulombic_efficiency_pct"], "-", color=C[2], lw=1, label="coulombic efficiency")
    ax2.set_ylabel("coulombic efficiency (%)", color=C[2])
    outside_legend(ax2, handles=h1 + h2 + h3, fontsize=7)
    if title:
        ax.set_title(title)
    return fig


@styled
def plot_curves_dqdv(curves: Any, dqdv: Any = None, title: str | None = None, max_cycles: int = 12, *, axes: Any = None) -> Any:
    """Voltage against capacity per cycle (charge solid, discharge dashed) and, beside it, dQ/dV against voltage.

    Parameters
    ----------
    curves : pandas.DataFrame
        :func:`lisse.analysis.fullcell.voltage_capacity_curves` (cycles from 1): ``cycle``,
        ``direction``, ``complete``, ``voltage_V`` [V], ``capacity_mAh_g`` [mAh g⁻¹] or ``capacity_mAh`` [mAh].
    dqdv : pandas.DataFrame, optional
        :func:`lisse.analysis.fullcell.dqdv_table` (``dqdv_mAh_V`` [mAh V⁻¹]); adds the second panel.
    title : str, optional
        Figure title (the first panel's title when drawing into the user's ``axes``).
    max_cycles : int
        At most this many cycles are drawn, evenly spread (first and last included); incomplete cycles are grey.
    axes : sequence of matplotlib.axes.Axes, optional
        Draw into these: one Axes without ``dqdv``, two with it (curves, dQ/dV).

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib import colormaps
    from matplotlib.lines import Line2D

    ncol = 2 if dqdv is not None else 1
    fig, axs = new_axes_row(axes, ncol, (5.6 * ncol, 3.8))
    cyc = np.unique(curves["cycle"].to_numpy()) if len(curves) else np.zeros(0, dtype=int)
    if cyc.size > max_cycles:
        cyc = cyc[np.unique(np.round(np.linspace(0, cyc.size - 1, max_cycles)).astype(int))]
    cmap = colormaps["viridis"]
    col = "capacity_mAh_g" if "capacity_mAh_g" in curves else "capacity_mAh"
    handles: list = []
    any_incomplete = False
    for n, c in enumerate(cyc):
        colour = cmap(n / max(cyc.size - 1, 1))
        handles.append(Line2D([], [], color=colour, lw=1.2, label=f"cycle {c}"))
        for d, ls in (("charge", "-"), ("discharge", "--")):
            g = curves[(curves["cycle"] == c) & (curves["direction"] == d)]
            if len(g):
                done = bool(g["complete"].iloc[0])
                any_incomplete |= not done
                axs[0].plot(g[col], g["voltage_V"], ls, lw=0.9, color=colour if done else "0.6")
            if dqdv is not None:
                h = dqdv[(dqdv["cycle"] == c) & (dqdv["direction"] == d)]
                if len(h):
                    sign = 1.0 if d == "charge" else -1.0  # discharge drawn below the axis, as usual
                    axs[1].plot(h["voltage_V"], sign * h["dqdv_mAh_V"], ls, lw=0.9,
                                color=colour if bool(h["complete"].iloc[0]) else "0.6")
    axs[0].set_xlabel("capacity (mAh g$^{-1}$)" if col == "capacity_mAh_g" else "capacity (mAh)")
    axs[0].set_ylabel("voltage (V)")
    if cyc.size:
        handles += [Line2D([], [], color="k", ls="-", lw=0.9, label="charge"),
                    Line2D([], [], color="k", ls="--", lw=0.9, label="discharge")]
        if any_incomplete:
            handles.append(Line2D([], [], color="0.6", lw=0.9, label="incomplete cycle"))
        outside_legend(axs[-1], handles=handles, fontsize=6, ncol=1 if len(handles) <= 10 else 2)
    if dqdv is not None:
        axs[1].set_xlabel("voltage (V)")
        axs[1].set_ylabel("dQ/dV (mAh V$^{-1}$; discharge < 0)")
    if title:
        if owns(fig):
            fig.suptitle(title, fontsize=10)
        else:
            axs[0].set_title(title)
    return fig


@styled
def plot_dqdv(curves: dict, title: str | None = None, *, ax: Any = None) -> Any:
    """Curves of dQ/dV against voltage, one line per entry.

    Parameters
    ----------
    curves : dict
        Maps a label to ``(voltage_V, dqdv_mAh_V)``: voltage [V] and dQ/dV [mAh V⁻¹] arrays.
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_axes(ax, (5.5, 3.4))
    for k, (label, (vv, dq)) in enumerate(curves.items()):
        ax.plot(vv, dq, lw=0.8, color=C[k % len(C)], label=str(label))
    ax.set_xlabel("voltage (V)")
    ax.set_ylabel("dQ/dV (mAh V$^{-1}$)")
    if curves:
        outside_legend(ax, fontsize=7)
    if title:
        ax.set_title(title)
    return fig


@styled
def plot_tafel(fit: Any, title: str | None = None, *, ax: Any = None) -> Any:
    """Tafel plot: log10|i| against η with the fitted Tafel lines over the fit windows.

    Parameters
    ----------
    fit : lisse.analysis.kinetics.TafelFit
        A fitted Tafel / Allen–Hickling result with its data (``eta_V_`` [V], ``i_A_m2_`` [A m⁻²]).
    title : str, optional
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        The decadic logarithm of |i / (mA cm⁻²)| against overpotential [mV].
    """
    fig, ax = new_axes(ax, (5.5, 3.6))
    eta, i = np.asarray(fit.eta_V_), np.asarray(fit.i_A_m2_)
    ax.plot(eta * 1e3, np.log10(np.abs(i) / 10.0 + 1e-30), ".", ms=2, color="0.4", label="data")
    for k, (branch, (lo, hi)) in enumerate(fit.windows_V_.items()):
        e = np.linspace(lo, hi, 50)
        slope = fit.alpha_a_ if branch == "anodic" else -fit.alpha_c_
        logi = np.log10(fit.i0_A_m2_ / 10.0) + slope * e * fit.f_ / np.log(10)
        ax.plot(e * 1e3, logi, lw=1.5, color=C[k % len(C)], label=f"{branch} Tafel fit")
    ax.set_xlabel("overpotential η (mV)")
    ax.set_ylabel("log$_{10}$ |i| (mA cm$^{-2}$)")
    ax.legend(fontsize=7, loc="best")
    if title:
        ax.set_title(title)
    return fig
