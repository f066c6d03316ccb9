"""Impedance figures: Nyquist and Bode with fit, KK residuals, DRT with assigned peaks, DRT map.

Every function draws into ``ax=`` (or ``axes=``) when given, else into a new
:class:`matplotlib.figure.Figure`, returns the Figure, never writes files and changes no global
matplotlib state (see :mod:`lisse.plot.style`).
"""

from __future__ import annotations

import numpy as np

from lisse._lazy import deprecated_aliases
from lisse.plot.style import PALETTE as C
from lisse.plot.style import new_axes, new_axes_row, outside_legend, styled

__all__ = ["nyquist", "bode", "kk_residuals", "drt", "plot_drt_map"]

# one release of grace for the old name (it clashed with lisse.analysis.eis.drt_map, the computation)
__getattr__ = deprecated_aliases(__name__, {"drt_map": "plot_drt_map"}, removed_in="0.2")

_PROCESS_COLOURS = {
    "bulk": "#4c72b0",
    "grain_boundary": "#55a868",
    "charge_transfer": "#c44e52",
    "interface": "#8172b2",
    "electrode_blocking": "#8c8c3c",
    "contact_sei": "#dd8452",
    "electrode_charge_transfer": "#c44e52",
    "diffusion": "#937860",
    "unassigned": "#999999",
}

#: The Nyquist plot gets a high-frequency inset when max|Z| exceeds this multiple of min|Z|.
_INSET_SPAN = 30.0
#: ... and the inset shows the points with |Z| below this multiple of min|Z|.
_INSET_ZOOM = 6.0


def _decade_markers(ax, f, z, fontsize=7, skip=None):
    """Mark the measured point nearest to each whole decade of frequency (within 0.15 decade),
    except points where ``skip`` is True (shown in an inset instead).

    A label goes to the upper right of its point, or to its upper left when the point lies in the
    right quarter of the data, so that no label runs over the edge of the axes (the equal-aspect
    data limits leave room above an arc)."""
    lf = np.log10(f)
    x, y = z.real, -z.imag
    span_x = max(float(np.ptp(x)), 1e-300)
    for k in range(int(np.ceil(lf.min() - 0.15)), int(np.floor(lf.max() + 0.15)) + 1):
        i = int(np.argmin(np.abs(lf - k)))
        if abs(lf[i] - k) > 0.15 or (skip is not None and skip[i]):
            continue
        right = (x[i] - x.min()) / span_x > 0.75
        ax.plot(x[i], y[i], "o", ms=5, mfc="none", mec="k", mew=0.8, zorder=5)
        ax.annotate(f"$10^{{{k}}}$ Hz", (x[i], y[i]), textcoords="offset points", xytext=(-4 if right else 4, 4),
                    ha="right" if right else "left", fontsize=fontsize, clip_on=True)


@styled
def nyquist(spectrum, z_fit=None, fit_label: str = "fit", title: str | None = None, inset: bool | None = None, *, ax=None):
    """Nyquist plot (−Z'' against Z', equal axes) of a spectrum, with an optional model curve.

    The measured point nearest to each whole decade of frequency is ringed and labelled. When the
    spectrum spans more than :data:`_INSET_SPAN` times its smallest |Z| (a pellet's kilo-ohm bulk arc
    next to a mega-ohm blocking tail) an inset zooms on the high-frequency points (|Z| below
    :data:`_INSET_ZOOM` times the smallest |Z|), also with equal axes.

    Parameters
    ----------
    spectrum : lisse.records.spectrum.EISSpectrum
        Frequency [Hz] and impedance [Ω].
    z_fit : array of complex, optional
        Model impedance [Ω] at the spectrum's frequencies.
    fit_label : str
        Legend entry of the model curve.
    title : str, optional
        Axes title (default: the spectrum's label).
    inset : bool, optional
        Force the high-frequency inset on or off (default: automatic, see above).
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (its aspect is set to equal).

    Returns
    -------
    matplotlib.figure.Figure
        −Z'' [Ω] against Z' [Ω].
    """
    fig, ax = new_axes(ax, (5.5, 5.0))
    z = spectrum.impedance
    f = spectrum.frequency
    ax.plot(z.real, -z.imag, "o", ms=3.5, color=C[0], label="data")
    zf = None if z_fit is None else np.asarray(z_fit)
    if zf is not None:
        ax.plot(zf.real, -zf.imag, "-", lw=1.4, color=C[1], label=fit_label)
    mod = np.abs(z)
    if inset is None:
        inset = bool(mod.max() > _INSET_SPAN * mod.min())
    sel = mod <= _INSET_ZOOM * mod.min()
    inset = bool(inset and sel.sum() >= 2)
    _decade_markers(ax, f, z, skip=sel if inset else None)
    ax.plot([], [], "o", ms=5, mfc="none", mec="k", mew=0.8, label="decade of frequency")
    ax.set_xlabel("Z' (Ω)")
    ax.set_ylabel("−Z'' (Ω)")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="upper left", fontsize=7)
    ax.set_title(title or spectrum.label)
    if inset:
        ins = ax.inset_axes([0.52, 0.06, 0.45, 0.45])
        ins.plot(z.real[sel], -z.imag[sel], "o", ms=2.5, color=C[0])
        if zf is not None:
            ins.plot(zf.real[sel], -zf.imag[sel], "-", lw=1.2, color=C[1])
        _decade_markers(ins, f[sel], z[sel], fontsize=6)
        ins.set_aspect("equal", adjustable="datalim")
        ins.tick_params(labelsize=6)
        ins.set_title(f"high frequency: f ≥ {f[sel].min():.3g} Hz", fontsize=7)
        ins.set_facecolor("white")
    return fig


@styled
def bode(spectrum, z_fit=None, fit_label: str = "fit", *, axes=None):
    """Bode plot: |Z| and −phase against frequency, with an optional model curve.

    Parameters
    ----------
    spectrum : lisse.records.spectrum.EISSpectrum
        Frequency [Hz] and impedance [Ω].
    z_fit : array of complex, optional
        Model impedance [Ω] at the spectrum's frequencies.
    fit_label : str
        Legend entry of the model curve.
    axes : sequence of two matplotlib.axes.Axes, optional
        Draw |Z| into the first and the phase into the second.

    Returns
    -------
    matplotlib.figure.Figure
        |Z| [Ω] and −phase [°] against frequency [Hz] (log axes).
    """
    fig, (a1, a2) = new_axes_row(axes, 2, (5.5, 5.0), sharex=True, nrows=2)
    f = spectrum.frequency
    a1.loglog(f, spectrum.modulus, "o", ms=3.5, color=C[0], label="data")
    a2.semilogx(f, -spectrum.phase_deg, "o", ms=3.5, color=C[0])
    if z_fit is not None:
        zf = np.asarray(z_fit)
        a1.loglog(f, np.abs(zf), "-", color=C[1], label=fit_label)
        a2.semilogx(f, -np.degrees(np.angle(zf)), "-", color=C[1])
    a1.set_ylabel("|Z| (Ω)")
    a2.set_ylabel("−phase (°)")
    a2.set_xlabel("frequency (Hz)")
    a1.legend(fontsize=7)
    return fig


@styled
def kk_residuals(kk, *, ax=None):
    """Lin-KK relative residuals (real and imaginary) against frequency.

    Parameters
    ----------
    kk : lisse.analysis.eis.kk.KKResult
        Result of :func:`lisse.analysis.eis.kk.lin_kk`.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        Relative residual [%] against frequency [Hz].
    """
    fig, ax = new_axes(ax, (5.5, 3.2))
    ax.semilogx(kk.frequency, 100 * kk.residual_real, "o-", ms=3, color=C[0], label="Δ real")
    ax.semilogx(kk.frequency, 100 * kk.residual_imag, "s-", ms=3, color=C[1], label="Δ imag")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("frequency (Hz)")
    ax.set_ylabel("relative residual (%)")
    ax.set_title(f"Lin-KK: M = {kk.M}, μ = {kk.mu:.2f}" + (" (drift flagged)" if kk.flags.get("drift") else ""))
    ax.legend(fontsize=7)
    return fig


@styled
def drt(d, shade_processes: bool = True, band: bool = True, yscale: str = "linear", *, ax=None):
    """DRT γ(τ) with the uncertainty band, the process τ windows shaded and the deconvolved peaks.

    γ is drawn on a linear axis (areas under γ are resistances, which a log axis hides). Each peak is
    filled in the colour of its assigned process and labelled with its resistance; the legend (right of
    the axes, so it never covers a peak label) names every colour.

    Parameters
    ----------
    d : lisse.analysis.eis.drt.DRT
        A fitted DRT.
    shade_processes : bool
        Shade and name the process τ windows.
    band : bool
        Draw the uncertainty band (when the fit has one).
    yscale : {"linear", "log", "auto"}
        ``"log"`` draws γ logarithmic, ``"auto"`` switches to log when the peak resistances span more
        than two decades.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        The distribution γ [Ω] against τ [s].
    """
    from matplotlib.patches import Patch

    fig, ax = new_axes(ax, (7.0, 4.0))
    tau = np.geomspace(d.tau_[0], d.tau_[-1], 600)
    g = d.gamma(tau)
    ax.semilogx(tau, g, "k-", lw=1.5, label="γ(τ)")
    if shade_processes:
        for name, (lo, hi) in d.processes.items():
            lo_v = max(lo, tau[0])
            hi_v = min(hi, tau[-1])
            if hi_v > lo_v:
                ax.axvspan(lo_v, hi_v, color=_PROCESS_COLOURS.get(name, "#cccccc"), alpha=0.10, lw=0)
                ax.text(np.sqrt(lo_v * hi_v), 0.98, name.replace("_", " "), transform=ax.get_xaxis_transform(),
                        ha="center", va="top", fontsize=7)
    if band and getattr(d, "gamma_lower_", None) is not None:
        from lisse.analysis.eis.drt import BAND_LEVEL

        lo = np.interp(np.log(tau), np.log(d.tau_), d.gamma_lower_)
        hi = np.interp(np.log(tau), np.log(d.tau_), d.gamma_upper_)
        ax.fill_between(tau, lo, hi, color="0.6", alpha=0.35, lw=0, label=f"nominal {100 * BAND_LEVEL:.0f} % band")
    lt = np.log(tau)
    processes: list[str] = []
    for p in d.peaks_:
        s = p.width_decades * np.log(10)
        h = p.gaussian_area_ohm / (s * np.sqrt(2 * np.pi))
        colour = _PROCESS_COLOURS.get(p.process, "#999999")
        ax.fill_between(tau, 0, h * np.exp(-0.5 * ((lt - np.log(p.tau_s)) / s) ** 2), color=colour, alpha=0.45, lw=0)
        ax.annotate(f"{p.resistance_ohm:.3g} Ω", (p.tau_s, h), textcoords="offset points", xytext=(0, 4), ha="center", fontsize=7)
        if p.process not in processes:
            processes.append(p.process)
    ax.set_xlabel("τ (s)")
    ax.set_ylabel("γ (Ω)")
    rs = [p.resistance_ohm for p in d.peaks_ if p.resistance_ohm > 0]
    log = yscale == "log" or (yscale == "auto" and len(rs) > 1 and max(rs) / min(rs) > 100)
    gmax = max(float(g.max()), 1e-300)
    if log:
        ax.set_yscale("log")
        ax.set_ylim(gmax * 1e-4, gmax * 6)
    else:
        ax.set_ylim(0, gmax * 1.3)  # head room for the peak labels and the window names
    handles, _ = ax.get_legend_handles_labels()
    handles += [Patch(color=_PROCESS_COLOURS.get(pr, "#999999"), alpha=0.45, label=f"peak: {pr.replace('_', ' ')}")
                for pr in processes]
    outside_legend(ax, handles=handles, fontsize=7)
    return fig


@styled
def plot_drt_map(m, *, ax=None):
    """DRT map of a spectrum series: γ(τ) as colour against spectrum.

    Parameters
    ----------
    m : lisse.analysis.eis.derived.DRTMap
        Result of :func:`lisse.analysis.eis.derived.drt_map`.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (the colour bar takes its space from this Axes only).

    Returns
    -------
    matplotlib.figure.Figure
        The distribution γ [Ω] (colour) against τ [s] and spectrum.
    """
    fig, ax = new_axes(ax, (6.0, 4.0))
    ax.grid(False)
    y = np.arange(len(m.labels))
    pc = ax.pcolormesh(m.tau, y, m.gamma, shading="nearest", cmap="viridis")
    ax.set_xscale("log")
    ax.set_xlabel("τ (s)")
    ax.set_ylabel("spectrum")
    if len(m.labels) <= 20:
        ax.set_yticks(y, m.labels, fontsize=7)
    fig.colorbar(pc, ax=ax, label="γ (Ω)")
    return fig
