"""Figures of the transient interface simulator (:mod:`lisse.sim.interface`).

Every function draws into ``ax=`` (or ``axes=``) when given, else into a new
:class:`matplotlib.figure.Figure`, returns the Figure, never writes files and changes no global
matplotlib state (see :mod:`lisse.plot.style`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from lisse.plot.style import PALETTE as C
from lisse.plot.style import calibrated_note, new_axes, new_axes_row, outside_legend, styled

__all__ = ["simulation_figure", "ccd_map_figure", "validation_figure"]

#: Axis label and factor from SI to the display unit of each map axis.
_AXIS_LABELS = {
    "sigma_e": ("σ_e (S/cm)", 1e-2, True),
    "sigma_ion": ("σ_ion (S/cm)", 1e-2, True),
    "thickness": ("interlayer thickness (µm)", 1e6, True),
    "porosity": ("porosity (-)", 1.0, False),
    "pressure": ("stack pressure (MPa)", 1e-6, True),
}


def _column(state: Any, *names: str) -> np.ndarray | None:
    for n in names:
        try:
            return np.asarray(state[n], dtype=float)
        except (KeyError, IndexError, TypeError):
            continue
    return None


@styled
def simulation_figure(record: Any, state: Any, failure_time_s: float | None = None, title: str = "", *,
                      axes: Any = None, calibrated: Any = ()) -> Any:
    """A simulated plate/strip run: voltage and current, contact fraction and Li front against time.

    Parameters
    ----------
    record : lisse.records.cycling.CyclingRecord
        The simulated cycler record (time [s], voltage [V], current [A], area).
    state : pandas.DataFrame or mapping
        Internal state over time: ``t_s`` [s], the contact fraction (-) and the Li front [m] of the working and
        counter electrodes (``contact_fraction_we``/``_ce``, ``li_front_we_m``/``_ce_m``; or one electrode's
        ``contact_fraction`` and ``li_front_m``). A missing quantity leaves its panel empty with a note.
    failure_time_s : float, optional
        Time of the detected failure [s] (a dashed line on every panel).
    title : str
        Title of the voltage panel.
    axes : sequence of three matplotlib.axes.Axes, optional
        Draw the three panels into these.
    calibrated : iterable of str
        Calibrated model parameters of the simulation, named at the figure's foot (:func:`lisse.plot.style.calibrated_note`).

    Returns
    -------
    matplotlib.figure.Figure
        Voltage (mV) with current density (mA/cm², right axis), contact fraction (-) and Li front depth (µm)
        against time (h).
    """
    fig, axes = new_axes_row(axes, 3, (13.0, 3.6))
    t_h = np.asarray(record.time_s, dtype=float) / 3600.0
    ax = axes[0]
    ax.plot(t_h, np.asarray(record.voltage_V, dtype=float) * 1e3, color=C[0], lw=0.8, label="voltage")
    ax.set(xlabel="time (h)", ylabel="voltage (mV)", title=title or "simulated cycler record")
    if getattr(record, "area_m2", None) is not None:
        j = np.asarray(record.current_density_A_m2(), dtype=float) / 10.0
        jlabel = "current density (mA/cm²)"
    else:  # a record without an area: plot the current itself
        j = np.asarray(record.current_A, dtype=float) * 1e3
        jlabel = "current (mA)"
    right = ax.twinx()
    right.plot(t_h, j, color=C[1], lw=0.8, alpha=0.7)
    right.set_ylabel(jlabel, color=C[1])
    t_state = _column(state, "t_s", "time_s")
    labels = {"": "", "_we": "working electrode", "_ce": "counter electrode"}
    panels = ((axes[1], "contact_fraction", "", 1.0, "contact fraction (-)", "Li | solid contact"),
              (axes[2], "li_front", "_m", 1e6, "Li front depth (µm)", "Li front in the interlayer"))
    for a, stem, unit, scale, ylabel, ptitle in panels:
        drawn = 0
        for k, (side, label) in enumerate(labels.items()):
            y = _column(state, f"{stem}{side}{unit}")
            if t_state is None or y is None:
                continue
            a.plot(t_state / 3600.0, y * scale, color=C[k % len(C)], label=label or None)
            drawn += 1
        if not drawn:
            a.text(0.5, 0.5, f"no {stem} in the state", ha="center", va="center", transform=a.transAxes)
        elif drawn > 1:
            a.legend(fontsize=7)
        a.set(xlabel="time (h)", ylabel=ylabel, title=ptitle)
    if failure_time_s is not None and np.isfinite(failure_time_s):
        for a in axes:
            a.axvline(failure_time_s / 3600.0, color=C[3], ls="--", lw=1.0, label="detected failure")
        outside_legend(axes[0])
    calibrated_note(fig, calibrated)
    return fig


@styled
def ccd_map_figure(m: Mapping[str, Any], title: str = "", *, ax: Any = None) -> Any:
    """Predicted critical current over a 2D parameter map (colour) or against one parameter (line).

    Parameters
    ----------
    m : mapping
        A map of :mod:`lisse.sim.interface.maps`: ``x_name`` (and ``y_name`` for 2D maps), ``x`` (and ``y``)
        in SI, ``ccd`` [A m⁻²] (NaN: no stable step), ``search_limit_reached`` (bool: the CCD is a lower bound).
    title : str
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (a colour bar takes its space from it).

    Returns
    -------
    matplotlib.figure.Figure
        CCD (mA/cm²) on log axes where the parameter spans decades; points whose CCD is a lower bound (the
        staircase reached the search limit, or the Li foil ran out first) are marked (▲), points with no stable step are grey (2D) or drawn at their failing
        first step (▼, 1D); the map's ``calibrated_parameters`` are named at the foot (:func:`lisse.plot.style.calibrated_note`).
    """
    import matplotlib.colors as mcolors

    fig, ax = new_axes(ax, (6.5, 4.2))
    ccd = np.asarray(m["ccd"], dtype=float) / 10.0
    from lisse.sim.interface.maps import ccd_lower_bounds

    limit = ccd_lower_bounds(m)  # the search limit reached or the Li foil run out first: a lower bound (▲)
    xl, xs, xlog = _AXIS_LABELS.get(m["x_name"], (m["x_name"], 1.0, False))
    x = np.asarray(m["x"], dtype=float) * xs
    if "y_name" in m:
        yl, ys, ylog = _AXIS_LABELS.get(m["y_name"], (m["y_name"], 1.0, False))
        y = np.asarray(m["y"], dtype=float) * ys
        ax.grid(False)
        ax.set_facecolor("#bdbdbd")  # NaN (no stable step) shows the background
        finite = ccd[np.isfinite(ccd) & (ccd > 0)]
        norm = mcolors.LogNorm(finite.min(), max(finite.max(), finite.min() * 1.01)) if finite.size else None
        pc = ax.pcolormesh(x, y, np.ma.masked_invalid(np.where(ccd > 0, ccd, np.nan)), shading="nearest", cmap="viridis", norm=norm)
        fig.colorbar(pc, ax=ax, label="predicted CCD (mA/cm²)")
        if limit.any():
            xx, yy = np.meshgrid(x, y)
            ax.plot(xx[limit], yy[limit], "^", color="white", ms=4, mec="k", mew=0.4, ls="none", label="≥ (lower bound)")
        if limit.any() or not np.isfinite(ccd).all():
            handles, labels = ax.get_legend_handles_labels()
            if not np.isfinite(ccd).all():
                from matplotlib.patches import Patch

                handles.append(Patch(color="#bdbdbd"))
                labels.append("no stable step")
            outside_legend(ax, handles=handles, labels=labels, fontsize=7)
        ax.set(xscale="log" if xlog else "linear", yscale="log" if ylog else "linear", xlabel=xl, ylabel=yl, title=title)
    else:
        ax.plot(x, ccd, "o-", color=C[0], label="predicted CCD")
        if limit.any():
            ax.plot(x[limit], ccd[limit], "^", color=C[1], ls="none", label="≥ (lower bound)")
        failing = np.asarray(m.get("failing_current_density", np.full(ccd.shape, np.nan)), dtype=float) / 10.0
        first = ~np.isfinite(ccd) & np.isfinite(failing)  # no stable step: the CCD is below the first step
        if first.any():
            ax.plot(x[first], failing[first], "v", color=C[3], ls="none", label="< (the first step failed)")
        ax.set(xscale="log" if xlog else "linear", xlabel=xl, ylabel="predicted CCD (mA/cm²)", title=title)
        outside_legend(ax)
    calibrated_note(fig, m.get("calibrated_parameters"))
    return fig


@styled
def validation_figure(rows: Sequence[Mapping[str, Any]], *, ax: Any = None) -> Any:
    """Predicted against published critical currents (parity plot with the factor-2 band).

    Parameters
    ----------
    rows : sequence of mapping
        One per case: ``case`` (label), ``predicted_mA_cm2`` and ``published_mA_cm2`` (None/NaN: not drawn),
        optionally ``calibrated`` (bool: drawn hollow).
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        Predicted vs published CCD (mA/cm², log-log) with y = x and the factor-2 band.
    """
    fig, ax = new_axes(ax, (5.5, 4.6))
    pts: list[tuple[str, float, float, bool]] = []
    for r in rows:
        p, q = r.get("predicted_mA_cm2"), r.get("published_mA_cm2")
        if p is not None and q is not None and np.isfinite(p) and np.isfinite(q) and p > 0 and q > 0:
            pts.append((str(r.get("case", "")), float(p), float(q), bool(r.get("calibrated"))))
    if pts:
        lo = min(min(p, q) for _, p, q, _ in pts) / 3
        hi = max(max(p, q) for _, p, q, _ in pts) * 3
    else:
        lo, hi = 0.05, 20.0
    g = np.geomspace(lo, hi, 2)
    ax.plot(g, g, color="k", lw=0.8, label="predicted = published")
    ax.fill_between(g, g / 2, g * 2, color=C[0], alpha=0.12, label="within a factor 2")
    for k, (c, p, q, cal) in enumerate(pts):
        ax.plot(q, p, "o", color=C[k % len(C)], mfc="none" if cal else C[k % len(C)], label=c + (" (calibrated)" if cal else ""))
    ax.set(xscale="log", yscale="log", xlim=(lo, hi), ylim=(lo, hi), xlabel="published CCD (mA/cm²)",
           ylabel="predicted CCD (mA/cm²)", title="validation")
    outside_legend(ax, fontsize=7)
    return fig
