"""Impedance figures: Nyquist and Bode with fit, KK residuals, DRT with assigned peaks, DRT map.

Every function returns a :class:`matplotlib.figure.Figure` (Agg backend) and never writes files.
"""

from __future__ import annotations

import numpy as np

__all__ = ["nyquist", "bode", "kk_residuals", "drt", "drt_map"]

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
    except points where ``skip`` is True (shown in an inset instead)."""
    lf = np.log10(f)
    for k in range(int(np.ceil(lf.min() - 0.15)), int(np.floor(lf.max() + 0.15)) + 1):
        i = int(np.argmin(np.abs(lf - k)))
        if abs(lf[i] - k) > 0.15 or (skip is not None and skip[i]):
            continue
        ax.plot(z.real[i], -z.imag[i], "o", ms=5, mfc="none", mec="k", mew=0.8, zorder=5)
        ax.annotate(f"$10^{{{k}}}$ Hz", (z.real[i], -z.imag[i]), textcoords="offset points", xytext=(4, 4), fontsize=fontsize,
                    clip_on=True)


def _figure(**kw):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure(**kw)


def nyquist(spectrum, z_fit=None, fit_label: str = "fit", title: str | None = None, inset: bool | None = None):
    """Nyquist plot (−Z'' against Z', equal axes) of an EISSpectrum, with an optional model curve.

    The measured point nearest to each whole decade of frequency is ringed and labelled. When the
    spectrum spans more than :data:`_INSET_SPAN` times its smallest |Z| (a pellet's kilo-ohm bulk arc
    next to a mega-ohm blocking tail) an inset zooms on the high-frequency points (|Z| below
    :data:`_INSET_ZOOM` times the smallest |Z|), also with equal axes; ``inset`` forces it on or off.
    """
    fig = _figure(figsize=(5.5, 5.0), constrained_layout=True)
    ax = fig.add_subplot()
    z = spectrum.impedance
    f = spectrum.frequency
    ax.plot(z.real, -z.imag, "o", ms=3.5, label="data")
    zf = None if z_fit is None else np.asarray(z_fit)
    if zf is not None:
        ax.plot(zf.real, -zf.imag, "-", lw=1.4, label=fit_label)
    mod = np.abs(z)
    if inset is None:
        inset = bool(mod.max() > _INSET_SPAN * mod.min())
    sel = mod <= _INSET_ZOOM * mod.min()
    inset = bool(inset and sel.sum() >= 2)
    _decade_markers(ax, f, z, skip=sel if inset else None)
    ax.set_xlabel("Z' / Ω")
    ax.set_ylabel("−Z'' / Ω")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(frameon=False, loc="upper left")
    ax.set_title(title or spectrum.label)
    if inset:
        ins = ax.inset_axes([0.52, 0.06, 0.45, 0.45])
        ins.plot(z.real[sel], -z.imag[sel], "o", ms=2.5)
        if zf is not None:
            ins.plot(zf.real[sel], -zf.imag[sel], "-", lw=1.2)
        _decade_markers(ins, f[sel], z[sel], fontsize=6)
        ins.set_aspect("equal", adjustable="datalim")
        ins.tick_params(labelsize=6)
        ins.set_title(f"high frequency: f ≥ {f[sel].min():.3g} Hz", fontsize=7)
        ins.set_facecolor("white")
    return fig


def bode(spectrum, z_fit=None, fit_label: str = "fit"):
    """Bode plot: |Z| and phase against frequency, with an optional model curve."""
    fig = _figure(figsize=(5.5, 5), constrained_layout=True)
    a1, a2 = fig.subplots(2, 1, sharex=True)
    f = spectrum.frequency
    a1.loglog(f, spectrum.modulus, "o", ms=3.5, label="data")
    a2.semilogx(f, -spectrum.phase_deg, "o", ms=3.5)
    if z_fit is not None:
        zf = np.asarray(z_fit)
        a1.loglog(f, np.abs(zf), "-", label=fit_label)
        a2.semilogx(f, -np.degrees(np.angle(zf)), "-")
    a1.set_ylabel("|Z| / Ω")
    a2.set_ylabel("−phase / °")
    a2.set_xlabel("frequency / Hz")
    a1.legend(frameon=False)
    return fig


def kk_residuals(kk):
    """Lin-KK relative residuals (real and imaginary, %) against frequency."""
    fig = _figure(figsize=(5.5, 3.2), constrained_layout=True)
    ax = fig.add_subplot()
    ax.semilogx(kk.frequency, 100 * kk.residual_real, "o-", ms=3, label="Δ real")
    ax.semilogx(kk.frequency, 100 * kk.residual_imag, "s-", ms=3, label="Δ imag")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xlabel("frequency / Hz")
    ax.set_ylabel("relative residual / %")
    ax.set_title(f"Lin-KK: M = {kk.M}, μ = {kk.mu:.2f}" + (" (drift flagged)" if kk.flags.get("drift") else ""))
    ax.legend(frameon=False)
    return fig


def drt(d, shade_processes: bool = True, band: bool = True, yscale: str = "linear"):
    """DRT γ(τ) with the uncertainty band, the process τ windows shaded and the deconvolved peaks.

    γ is drawn on a linear axis (areas under γ are resistances, which a log axis hides);
    ``yscale="log"`` draws it logarithmic, ``"auto"`` switches to log when the peak resistances span
    more than two decades.
    """
    fig = _figure(figsize=(6, 4), constrained_layout=True)
    ax = fig.add_subplot()
    tau = np.geomspace(d.tau_[0], d.tau_[-1], 600)
    g = d.gamma(tau)
    if shade_processes:
        for name, (lo, hi) in d.processes.items():
            lo_v = max(lo, tau[0])
            hi_v = min(hi, tau[-1])
            if hi_v > lo_v:
                ax.axvspan(lo_v, hi_v, color=_PROCESS_COLOURS.get(name, "#cccccc"), alpha=0.10, lw=0)
                ax.text(np.sqrt(lo_v * hi_v), 1.0, name.replace("_", " "), transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=7)
    ax.semilogx(tau, g, "k-", lw=1.5, label="γ(τ)")
    if band and getattr(d, "gamma_lower_", None) is not None:
        from lisse.analysis.eis.drt import BAND_LEVEL

        lo = np.interp(np.log(tau), np.log(d.tau_), d.gamma_lower_)
        hi = np.interp(np.log(tau), np.log(d.tau_), d.gamma_upper_)
        ax.fill_between(tau, lo, hi, color="0.6", alpha=0.35, lw=0, label=f"nominal {100 * BAND_LEVEL:.0f} % band")
    lt = np.log(tau)
    for p in d.peaks_:
        s = p.width_decades * np.log(10)
        h = p.gaussian_area_ohm / (s * np.sqrt(2 * np.pi))
        ax.fill_between(tau, 0, h * np.exp(-0.5 * ((lt - np.log(p.tau_s)) / s) ** 2), color=_PROCESS_COLOURS.get(p.process, "#999999"), alpha=0.45, lw=0)
        ax.annotate(f"{p.resistance_ohm:.3g} Ω", (p.tau_s, h), textcoords="offset points", xytext=(0, 4), ha="center", fontsize=7)
    ax.set_xlabel("τ / s")
    ax.set_ylabel("γ / Ω")
    rs = [p.resistance_ohm for p in d.peaks_ if p.resistance_ohm > 0]
    log = yscale == "log" or (yscale == "auto" and len(rs) > 1 and max(rs) / min(rs) > 100)
    if log:
        ax.set_yscale("log")
        ax.set_ylim(max(g.max(), 1e-300) * 1e-4, g.max() * 3)
    else:
        ax.set_ylim(bottom=0)
    ax.legend(frameon=False, loc="upper left", fontsize=8)
    return fig


def drt_map(m):
    """DRT map of a spectrum series: γ(τ) as colour against spectrum index."""
    fig = _figure(figsize=(6, 4), constrained_layout=True)
    ax = fig.add_subplot()
    y = np.arange(len(m.labels))
    pc = ax.pcolormesh(m.tau, y, m.gamma, shading="nearest", cmap="viridis")
    ax.set_xscale("log")
    ax.set_xlabel("τ / s")
    ax.set_ylabel("spectrum")
    if len(m.labels) <= 20:
        ax.set_yticks(y, m.labels, fontsize=7)
    fig.colorbar(pc, ax=ax, label="γ / Ω")
    return fig
