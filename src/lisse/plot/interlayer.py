"""Figures of the interlayer simulator.

Every function draws into ``ax=`` (or ``axes=``) when given, else into a new
:class:`matplotlib.figure.Figure`, returns the Figure, never writes files and changes no global
matplotlib state (see :mod:`lisse.plot.style`). A figure of model results names the model's calibrated
parameters at its foot (:func:`lisse.plot.style.calibrated_note`): the defaults of
:data:`lisse.sim.interlayer.model.CALIBRATED` were fitted to one observation.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lisse.plot.style import PALETTE as C
from lisse.plot.style import calibrated_note, new_axes, new_axes_row, outside_legend, styled

__all__ = ["profile_figure", "sweep_figure", "current_capacity_map_figure", "conductivity_map_figure", "field_figure", "fit_figure"]

_FAIL_LABELS = ("stable", "nucleation at electrolyte", "growth breach", "dead Li")
_REGIME_LABELS = ("ionic", "mixed", "electronic")
_FAIL_COLOURS = ("#4caf50", "#e53935", "#8e24aa", "#fb8c00")
_REGIME_COLOURS = ("#1e88e5", "#43a047", "#fdd835")


@styled
def profile_figure(sol: Any, eta_c: float, *, axes: Any = None, calibrated: Any = None) -> Any:
    """Overpotential, currents and deposition rate across the layer (a 1D solution).

    Parameters
    ----------
    sol : lisse.sim.interlayer.solver1d.Solution1D
        Steady 1D solution (SI): positions [m], overpotential [V], current densities [A m⁻²],
        deposition rate [A m⁻³].
    eta_c : float
        Critical nucleation overpotential η_c [V] (drawn as a line).
    axes : sequence of three matplotlib.axes.Axes, optional
        Draw the three panels into these.
    calibrated : iterable of str, optional
        Calibrated parameters named at the foot; default those of ``sol.params`` (the model solved).

    Returns
    -------
    matplotlib.figure.Figure
        −η [mV], ionic and electronic current density [mA cm⁻²] and a·j [A m⁻³] against depth [µm].
    """
    fig, axes = new_axes_row(axes, 3, (12.0, 3.6))
    x = sol.x * 1e6
    ax = axes[0]
    ax.plot(x, -sol.eta * 1e3, color=C[0], label="−η (cathodic)")
    ax.axhline(eta_c * 1e3, color=C[1], ls="--", label=f"η_c = {eta_c * 1e3:.0f} mV")
    ax.set(xlabel="depth from Li anode x (µm)", ylabel="−η (mV)", title=f"{sol.params.name}: overpotential")
    ax.legend(fontsize=7)
    ax = axes[1]
    ax.plot(x, sol.i_ion / 10, color=C[0], label="ionic")
    ax.plot(x, sol.i_e / 10, color=C[1], label="electronic")
    ax.set(xlabel="x (µm)", ylabel="current density (mA/cm²)", title=f"i = {sol.current / 10:g} mA/cm²")
    ax.legend(fontsize=7)
    ax = axes[2]
    ax.semilogy(x, np.maximum(sol.deposition_rate, 1e-30), color=C[0])
    ax.set(xlabel="x (µm)", ylabel="a·j (A/m³)", title=f"internal deposition; anode takes {sol.anode_current / sol.current:.0%}")
    calibrated_note(fig, getattr(sol.params, "calibrated_parameters", None) if calibrated is None else calibrated)
    return fig


@styled
def sweep_figure(sw: dict, thickness: float, title: str = "", *, ax: Any = None, calibrated: Any = None) -> Any:
    """Nucleation and growth lengths against current density, with the interlayer thickness and unstable points.

    Parameters
    ----------
    sw : dict
        :func:`lisse.sim.interlayer.sweeps.sweep_current` result: ``current`` [A m⁻²],
        ``nucleation_length``, ``growth_length`` [m], ``stable`` (bool array).
    thickness : float
        Interlayer thickness l_i [m].
    title : str
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.
    calibrated : iterable of str, optional
        Calibrated parameters of the model (``p.calibrated_parameters``), named at the foot; None: no note.

    Returns
    -------
    matplotlib.figure.Figure
        Length [µm] against current density [mA cm⁻²] (log x).
    """
    fig, ax = new_axes(ax, (6.0, 4.0))
    i = np.asarray(sw["current"]) / 10
    ax.plot(i, np.asarray(sw["nucleation_length"]) * 1e6, "o-", ms=3, color=C[0], label="nucleation length l_n")
    ax.plot(i, np.asarray(sw["growth_length"]) * 1e6, "s-", ms=3, color=C[1], label="growth length l_g")
    ax.axhline(thickness * 1e6, color="k", ls="--", label="interlayer l_i")
    bad = ~np.asarray(sw["stable"], dtype=bool)
    if bad.any():
        ax.plot(i[bad], np.full(bad.sum(), thickness * 1e6), "x", color=C[3], label="unstable")
    ax.set(xscale="log", xlabel="current density (mA/cm²)", ylabel="length (µm)", title=title)
    outside_legend(ax, fontsize=7)
    calibrated_note(fig, calibrated)
    return fig


def _cmap_discrete(colours: tuple[str, ...]) -> tuple[Any, Any]:
    import matplotlib.colors as mcolors

    n = len(colours)
    return mcolors.ListedColormap(list(colours)), mcolors.BoundaryNorm(np.arange(-0.5, n + 0.5), n)


def _category_map(fig: Any, ax: Any, x: Any, y: Any, values: Any, colours: tuple[str, ...], labels: tuple[str, ...]) -> None:
    ax.grid(False)
    cmap, norm = _cmap_discrete(colours)
    pc = ax.pcolormesh(x, y, values, cmap=cmap, norm=norm, shading="nearest")
    cb = fig.colorbar(pc, ax=ax, ticks=range(len(labels)))
    cb.ax.set_yticklabels(labels, fontsize=7)


@styled
def current_capacity_map_figure(m: dict, title: str = "", *, ax: Any = None, calibrated: Any = None) -> Any:
    """Stability map over (current density, plated capacity); the colour bar names each verdict.

    Parameters
    ----------
    m : dict
        :func:`lisse.sim.interlayer.sweeps.map_current_capacity` result: ``current`` [A m⁻²],
        ``capacity`` [C m⁻²], ``failure`` (codes 0–3 of stable, nucleation at electrolyte, growth
        breach, dead Li).
    title : str
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (the colour bar takes its space from it).
    calibrated : iterable of str, optional
        Calibrated parameters of the model (``p.calibrated_parameters``), named at the foot; None: no note.

    Returns
    -------
    matplotlib.figure.Figure
        Verdict (colour) against current density [mA cm⁻²] and capacity [mAh cm⁻²] (log axes).
    """
    fig, ax = new_axes(ax, (6.5, 4.2))
    _category_map(fig, ax, np.asarray(m["current"]) / 10, np.asarray(m["capacity"]) / 3.6e4, m["failure"], _FAIL_COLOURS, _FAIL_LABELS)
    ax.set(xscale="log", yscale="log", xlabel="current density (mA/cm²)", ylabel="capacity (mAh/cm²)", title=title)
    calibrated_note(fig, calibrated)
    return fig


@styled
def conductivity_map_figure(m: dict, title: str = "", *, axes: Any = None, calibrated: Any = None) -> Any:
    """Transport regime and stability verdict over (σ_e, σ_ion); colour bars name every colour.

    Parameters
    ----------
    m : dict
        :func:`lisse.sim.interlayer.sweeps.map_conductivities` result: ``sigma_e``, ``sigma_ion`` [S m⁻¹],
        ``regime`` (0 ionic, 1 mixed, 2 electronic), ``failure`` (as in :func:`current_capacity_map_figure`).
    title : str
        Title of the verdict panel (default "verdict").
    axes : sequence of two matplotlib.axes.Axes, optional
        Draw the regime and the verdict panels into these.
    calibrated : iterable of str, optional
        Calibrated parameters of the model (``p.calibrated_parameters``), named at the foot; None: no note.

    Returns
    -------
    matplotlib.figure.Figure
        Two maps against σ_e and σ_ion [S cm⁻¹] (log axes).
    """
    fig, axes = new_axes_row(axes, 2, (11.5, 4.2))
    se, si = np.asarray(m["sigma_e"]) * 1e-2, np.asarray(m["sigma_ion"]) * 1e-2  # S/cm
    _category_map(fig, axes[0], se, si, m["regime"], _REGIME_COLOURS, _REGIME_LABELS)
    axes[0].set(xscale="log", yscale="log", xlabel="σ_e (S/cm)", ylabel="σ_ion (S/cm)", title="regime")
    _category_map(fig, axes[1], se, si, m["failure"], _FAIL_COLOURS, _FAIL_LABELS)
    axes[1].set(xscale="log", yscale="log", xlabel="σ_e (S/cm)", ylabel="σ_ion (S/cm)", title=title or "verdict")
    calibrated_note(fig, calibrated)
    return fig


@styled
def field_figure(sol2d: Any, eta_c: float, title: str = "", *, axes: Any = None, calibrated: Any = None) -> Any:
    """2D deposition-rate and nucleation-rate fields around the Li protrusion.

    Parameters
    ----------
    sol2d : lisse.sim.interlayer.solver2d.Solution2D
        2D solution (SI): cell centres [m], deposition rate [A m⁻³], nucleation rate [m⁻³ s⁻¹],
        surface plating flux [A m⁻²].
    eta_c : float
        Critical nucleation overpotential η_c [V] (drawn as the −η = η_c contour).
    title : str
        Appended to the nucleation panel's title.
    axes : sequence of two matplotlib.axes.Axes, optional
        Draw the two fields into these.
    calibrated : iterable of str, optional
        Calibrated parameters of the model solved (``p.calibrated_parameters``), named at the foot; None: no note.

    Returns
    -------
    matplotlib.figure.Figure
        Fields against lateral position y and depth x [µm].
    """
    from matplotlib.lines import Line2D

    fig, axes = new_axes_row(axes, 2, (10.0, 5.0))
    for a in axes:
        a.grid(False)
    ext = [sol2d.y[0] * 1e6 - (sol2d.y[1] - sol2d.y[0]) * 5e5, sol2d.y[-1] * 1e6 + (sol2d.y[1] - sol2d.y[0]) * 5e5,
           sol2d.x[0] * 1e6 - (sol2d.x[1] - sol2d.x[0]) * 5e5, sol2d.x[-1] * 1e6 + (sol2d.x[1] - sol2d.x[0]) * 5e5]
    dep = np.ma.masked_invalid(sol2d.deposition_rate)
    im = axes[0].imshow(dep, origin="lower", extent=ext, aspect="auto", cmap="viridis")
    fig.colorbar(im, ax=axes[0], label="a·j (A/m³)")
    sc = axes[0].scatter(sol2d.surface_y * 1e6, sol2d.surface_x * 1e6, c=sol2d.surface_flux / 10, s=6, cmap="inferno")
    fig.colorbar(sc, ax=axes[0], label="Li-surface plating (mA/cm²)")
    axes[0].set(xlabel="y (µm)", ylabel="depth x (µm)", title="deposition rate")
    nuc = np.log10(np.maximum(np.nan_to_num(sol2d.nucleation_rate, nan=0.0), 1.0))
    nuc = np.ma.masked_where(sol2d.li, nuc)
    im = axes[1].imshow(nuc, origin="lower", extent=ext, aspect="auto", cmap="magma")
    fig.colorbar(im, ax=axes[1], label="log10 J (1/(m³ s))")
    axes[1].contour(sol2d.y * 1e6, sol2d.x * 1e6, np.nan_to_num(-sol2d.eta, nan=0.0), levels=[eta_c], colors="c")
    axes[1].legend(handles=[Line2D([], [], color="c", label=f"−η = η_c ({eta_c * 1e3:.0f} mV)")], loc="upper right", fontsize=7,
                   frameon=True)
    axes[1].set(xlabel="y (µm)", ylabel="depth x (µm)", title=f"nucleation rate {title}".strip())
    calibrated_note(fig, calibrated)
    return fig


@styled
def fit_figure(fit: Any, *, ax: Any = None, calibrated: Any = None) -> Any:
    """Simulated nucleation length against the fitted l_n = C·V_sp/i.

    Parameters
    ----------
    fit : lisse.sim.interlayer.fit.SpikeFit
        Currents [A m⁻²], simulated and fitted lengths [m], coefficient C [S m⁻¹].
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.
    calibrated : iterable of str, optional
        Calibrated parameters of the model that simulated l_n (``p.calibrated_parameters``), named at the foot; None: no
        note.

    Returns
    -------
    matplotlib.figure.Figure
        Nucleation length [µm] against current density [mA cm⁻²].
    """
    fig, ax = new_axes(ax, (5.5, 4.0))
    i = np.asarray(fit.currents) / 10
    ax.plot(i, np.asarray(fit.simulated_length) * 1e6, "o", color=C[0], label="simulated l_n")
    ax.plot(i, np.asarray(fit.fitted_length) * 1e6, "-", color=C[1],
            label=f"C·V_sp/i, C = {fit.coefficient / 100:.3g} S/cm (R² = {fit.r_squared:.3f})")
    ax.set(xlabel="current density (mA/cm²)", ylabel="nucleation length (µm)")
    ax.legend(fontsize=7)
    calibrated_note(fig, calibrated)
    return fig
