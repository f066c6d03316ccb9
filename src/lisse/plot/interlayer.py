"""Figures of the interlayer simulator (each function returns a matplotlib Figure; Agg backend)."""

from __future__ import annotations

import numpy as np

__all__ = ["profile_figure", "sweep_figure", "current_capacity_map_figure", "conductivity_map_figure", "field_figure", "fit_figure"]

_FAIL_LABELS = ("stable", "nucleation at electrolyte", "growth breach", "dead Li")
_REGIME_LABELS = ("ionic", "mixed", "electronic")


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def profile_figure(sol, eta_c: float):
    """Overpotential, currents and deposition rate across the layer (1D solution)."""
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), constrained_layout=True)
    x = sol.x * 1e6
    ax = axes[0]
    ax.plot(x, -sol.eta * 1e3, label="-η (cathodic)")
    ax.axhline(eta_c * 1e3, color="r", ls="--", label=f"η_c = {eta_c * 1e3:.0f} mV")
    ax.set(xlabel="depth from Li anode x (µm)", ylabel="-η (mV)", title=f"{sol.params.name}: overpotential")
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.plot(x, sol.i_ion / 10, label="ionic")
    ax.plot(x, sol.i_e / 10, label="electronic")
    ax.set(xlabel="x (µm)", ylabel="current density (mA/cm²)", title=f"i = {sol.current / 10:g} mA/cm²")
    ax.legend(fontsize=8)
    ax = axes[2]
    ax.semilogy(x, np.maximum(sol.deposition_rate, 1e-30))
    ax.set(xlabel="x (µm)", ylabel="a·j (A/m³)", title=f"internal deposition; anode takes {sol.anode_current / sol.current:.0%}")
    return fig


def sweep_figure(sw: dict, thickness: float, title: str = ""):
    """l_n and l_g against current density, with l_i and the unstable points marked."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5.5, 4), constrained_layout=True)
    i = sw["current"] / 10
    ax.plot(i, sw["nucleation_length"] * 1e6, "o-", ms=3, label="nucleation length l_n")
    ax.plot(i, sw["growth_length"] * 1e6, "s-", ms=3, label="growth length l_g")
    ax.axhline(thickness * 1e6, color="k", ls="--", label="interlayer l_i")
    bad = ~sw["stable"]
    if bad.any():
        ax.plot(i[bad], np.full(bad.sum(), thickness * 1e6), "rx", label="unstable")
    ax.set(xscale="log", xlabel="current density (mA/cm²)", ylabel="length (µm)", title=title)
    ax.legend(fontsize=8)
    return fig


def _cmap_discrete(n: int, names):
    import matplotlib.colors as mcolors

    cols = ["#4caf50", "#e53935", "#8e24aa", "#fb8c00", "#1e88e5"][:n] if names == "fail" else ["#1e88e5", "#43a047", "#fdd835"][:n]
    return mcolors.ListedColormap(cols), mcolors.BoundaryNorm(np.arange(-0.5, n + 0.5), n)


def current_capacity_map_figure(m: dict, title: str = ""):
    """Stability map over (current density, capacity)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4.2), constrained_layout=True)
    cmap, norm = _cmap_discrete(4, "fail")
    pc = ax.pcolormesh(m["current"] / 10, m["capacity"] / 3.6e4, m["failure"], cmap=cmap, norm=norm, shading="nearest")
    cb = fig.colorbar(pc, ax=ax, ticks=range(4))
    cb.ax.set_yticklabels(_FAIL_LABELS, fontsize=8)
    ax.set(xscale="log", yscale="log", xlabel="current density (mA/cm²)", ylabel="capacity (mAh/cm²)", title=title)
    return fig


def conductivity_map_figure(m: dict, title: str = ""):
    """Regime and stability over (sigma_e, sigma_ion)."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    se, si = m["sigma_e"] * 1e-2, m["sigma_ion"] * 1e-2  # S/cm
    cmap, norm = _cmap_discrete(3, "regime")
    pc = axes[0].pcolormesh(se, si, m["regime"], cmap=cmap, norm=norm, shading="nearest")
    cb = fig.colorbar(pc, ax=axes[0], ticks=range(3))
    cb.ax.set_yticklabels(_REGIME_LABELS, fontsize=8)
    axes[0].set(xscale="log", yscale="log", xlabel="σ_e (S/cm)", ylabel="σ_ion (S/cm)", title="regime")
    cmap, norm = _cmap_discrete(4, "fail")
    pc = axes[1].pcolormesh(se, si, m["failure"], cmap=cmap, norm=norm, shading="nearest")
    cb = fig.colorbar(pc, ax=axes[1], ticks=range(4))
    cb.ax.set_yticklabels(_FAIL_LABELS, fontsize=8)
    axes[1].set(xscale="log", yscale="log", xlabel="σ_e (S/cm)", ylabel="σ_ion (S/cm)", title=title or "verdict")
    return fig


def field_figure(sol2d, eta_c: float, title: str = ""):
    """2D deposition-rate and nucleation-rate fields around the Li protrusion."""
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(9, 5), constrained_layout=True)
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
    axes[1].set(xlabel="y (µm)", ylabel="depth x (µm)", title=f"nucleation rate (cyan: -η = η_c) {title}")
    return fig


def fit_figure(fit):
    """Simulated l_n against the fitted C V_sp / i."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(5, 4), constrained_layout=True)
    i = fit.currents / 10
    ax.plot(i, fit.simulated_length * 1e6, "o", label="simulated l_n")
    ax.plot(i, fit.fitted_length * 1e6, "-", label=f"C·V_sp/i, C = {fit.coefficient:.3g} S/m (R² = {fit.r_squared:.3f})")
    ax.set(xlabel="current density (mA/cm²)", ylabel="nucleation length (µm)")
    ax.legend(fontsize=8)
    return fig
