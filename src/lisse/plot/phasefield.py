"""Figures and animations of phase-field runs.

Every figure function draws into ``ax=`` (or ``axes=``) when given, else into a new
:class:`matplotlib.figure.Figure`, returns the Figure, never writes files and changes no global
matplotlib state (see :mod:`lisse.plot.style`). :func:`save_animation` writes a file (atomically).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from lisse.plot.style import PALETTE as C
from lisse.plot.style import calibrated_note, lisse_style, new_axes, new_axes_row, owns, styled

__all__ = ["snapshot_figure", "series_figure", "history_figure", "sweep_figure", "save_animation", "microstructure_figure",
           "comparison_figure", "comparison_animation"]

#: RGB of the phases in the microstructure views: pore (empty), solid, electronic sub-phase (fibres),
#: dense electrolyte, Li metal (blended by ζ).
PHASE_COLOURS = {"pore": (1.0, 1.0, 1.0), "solid": (0.62, 0.62, 0.62), "electronic": (0.12, 0.12, 0.12),
                 "electrolyte": (0.93, 0.80, 0.55), "li": (0.0, 0.447, 0.698)}


def _row_title(fig: Any, axs: Any, title: str) -> None:
    """The title of a row of panels: the figure's own when lisse made it, else prefixed to the first panel's."""
    if not title:
        return
    if owns(fig):
        fig.suptitle(title, fontsize=10)
    else:
        axs[0].set_title(f"{title}\n{axs[0].get_title()}", fontsize=9)


def _draw(ax: Any, zeta: Any, phi_g: Any, dx: float, title: str, y_bottom: float | None = None) -> Any:
    ny, nx = zeta.shape
    ext = (0, nx * dx * 1e6, 0, ny * dx * 1e6)
    ax.grid(False)
    im = ax.imshow(zeta, origin="lower", extent=ext, cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
    if phi_g is not None and np.any(phi_g > 0.5):
        ax.contourf(np.linspace(ext[0], ext[1], nx), np.linspace(ext[2], ext[3], ny), phi_g, levels=[0.5, 2.0],
                    colors=["0.55"], alpha=0.85)
    if y_bottom is not None:
        ax.axhline(y_bottom * 1e6, color=C[1], lw=0.8, ls="--")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")
    return im


@styled
def snapshot_figure(zeta: Any, phi_g: Any, dx: float, t: float, *, title: str = "", y_bottom: float | None = None,
                    ax: Any = None) -> Any:
    """One snapshot: Li (ζ, blue scale), particles (grey), layer boundary (dashed).

    Parameters
    ----------
    zeta : 2D array of float
        Li phase field ζ (0..1), indexed [y, x].
    phi_g : 2D array of float or None
        Particle indicator (grey where > 0.5).
    dx : float
        Grid spacing [m].
    t : float
        Time of the snapshot [s] (in the title).
    title : str
        Prefix of the title.
    y_bottom : float, optional
        Height of the layer's bottom boundary [m] (dashed line).
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes (the colour bar takes its space from it).

    Returns
    -------
    matplotlib.figure.Figure
        The field ζ over x and y [µm].
    """
    fig, ax = new_axes(ax, (4.4, 4.0))
    im = _draw(ax, np.asarray(zeta), phi_g, dx, f"{title} t = {t:.4g} s".strip(), y_bottom)
    fig.colorbar(im, ax=ax, shrink=0.8, label="ζ (Li)")
    return fig


@styled
def series_figure(frames: Any, times: Any, phi_g: Any, dx: float, *, n: int = 4, title: str = "",
                  y_bottom: float | None = None, axes: Any = None) -> Any:
    """A row of snapshots evenly spread over the frames.

    Parameters
    ----------
    frames : sequence of 2D arrays
        The ζ frames, indexed [frame, y, x].
    times : sequence of float
        Time of each frame [s].
    phi_g : 2D array of float or None
        Particle indicator.
    dx : float
        Grid spacing [m].
    n : int
        Number of snapshots (fewer when there are fewer frames).
    title : str
        Figure title (the first panel's when drawing into the user's ``axes``).
    y_bottom : float, optional
        Layer bottom boundary [m].
    axes : sequence of matplotlib.axes.Axes, optional
        Draw into these: as many as snapshots (``len(unique(linspace(0, len(frames) - 1, n).round()))``).

    Returns
    -------
    matplotlib.figure.Figure
    """
    frames = np.asarray(frames)
    idx = np.unique(np.linspace(0, len(frames) - 1, n).round().astype(int))
    fig, axs = new_axes_row(axes, len(idx), (2.7 * len(idx), 3.0))
    for ax, i in zip(axs, idx):
        _draw(ax, frames[i], phi_g, dx, f"t = {times[i]:.3g} s", y_bottom)
    _row_title(fig, axs, title)
    return fig


@styled
def history_figure(rows: list[dict], *, title: str = "", ax: Any = None) -> Any:
    """Front position, tip and penetration depth against time.

    Parameters
    ----------
    rows : list of dict
        One per recorded step: ``time_s`` [s], ``front_mean_um``, ``tip_um``, ``penetration_depth_um`` [µm].
    title : str
        Axes title.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        Position [µm] against time [s].
    """
    fig, ax = new_axes(ax, (5.0, 3.4))
    t = [r["time_s"] for r in rows]
    for k, (key, lab) in enumerate((("front_mean_um", "mean front"), ("tip_um", "tip"), ("penetration_depth_um", "penetration depth"))):
        ax.plot(t, [r[key] for r in rows], color=C[k % len(C)], label=lab)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("position (µm)")
    ax.legend(fontsize=7)
    ax.set_title(title, fontsize=9)
    return fig


@styled
def sweep_figure(sweep: dict, *, ax: Any = None) -> Any:
    """Penetration depth against contact angle, with the Young–Laplace transition angle.

    Parameters
    ----------
    sweep : dict
        :func:`lisse.sim.phasefield.presets.transition_sweep` result: ``angles_deg`` [°],
        ``penetration_m`` [m], ``theta_c_young_laplace_deg`` [°].
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        Penetration depth [nm] against contact angle [°].
    """
    fig, ax = new_axes(ax, (5.0, 3.4))
    a = np.asarray(sweep["angles_deg"])
    p = np.asarray(sweep["penetration_m"]) * 1e9
    o = np.argsort(a)
    ax.plot(a[o], p[o], "o-", color=C[0], label="phase field")
    ax.axvline(sweep["theta_c_young_laplace_deg"], color=C[1], ls="--", label="Young–Laplace θc")
    ax.set_xlabel("contact angle θ (deg)")
    ax.set_ylabel("penetration depth (nm)")
    ax.legend(fontsize=7)
    return fig


def save_animation(frames: Any, times: Any, phi_g: Any, dx: float, path: str | os.PathLike, *, fps: int = 6,
                   y_bottom: float | None = None, title: str = "", dpi: int = 80, calibrated: Any = None) -> Path:
    """Write an animated GIF (Pillow) or MP4 (suffix .mp4, needs ffmpeg) of the frames, atomically.

    Parameters
    ----------
    frames : sequence of 2D arrays
        The ζ frames, indexed [frame, y, x].
    times : sequence of float
        Time of each frame [s].
    phi_g : 2D array of float or None
        Particle indicator.
    dx : float
        Grid spacing [m].
    path : str or os.PathLike
        Output file; ``.mp4`` for MP4, anything else is written as GIF.
    fps : int
        Frames per second.
    y_bottom : float, optional
        Layer bottom boundary [m].
    title : str
        Prefix of each frame's title.
    dpi : int
        Resolution of the frames [dots per inch].
    calibrated : iterable of str, optional
        Calibrated parameters of the run, named at the foot of every frame (:func:`lisse.plot.style.calibrated_note`).

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    lisse.errors.MissingDependencyError
        An MP4 was asked for and ffmpeg is not on PATH.
    """
    from matplotlib.animation import FFMpegWriter, PillowWriter
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    path = Path(path)
    frames = np.asarray(frames)
    if path.suffix.lower() == ".mp4":
        if not FFMpegWriter.isAvailable():
            from lisse.errors import MissingDependencyError

            err = MissingDependencyError("ffmpeg", "MP4 animations")
            err.args = ("MP4 animations need the ffmpeg program on PATH (not a Python package); write a .gif instead",)
            raise err
        writer: Any = FFMpegWriter(fps=fps)
    else:
        writer = PillowWriter(fps=fps)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        with lisse_style():
            fig = Figure(figsize=(4.0, 3.8))
            FigureCanvasAgg(fig)
            ax = fig.add_subplot()
            fig.subplots_adjust(left=0.16, right=0.96, bottom=0.16, top=0.92)  # room for the calibrated note below
            calibrated_note(fig, calibrated)
            with writer.saving(fig, str(tmp), dpi=dpi):
                for i in range(len(frames)):
                    ax.clear()
                    _draw(ax, frames[i], phi_g, dx, f"{title} t = {times[i]:.3g} s".strip(), y_bottom)
                    writer.grab_frame()
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def _section(a: Any) -> Any:
    """A 2D (y, x) view of a 2D or 3D field: the middle plane along the last axis of a 3D one."""
    a = np.asarray(a)
    return a[..., a.shape[-1] // 2] if a.ndim == 3 else a


def _phase_rgb(zeta: Any, solid: Any, electrolyte: Any = None, electronic: Any = None) -> Any:
    """RGB image (y, x, 3) of the phases, Li blended over the rest by ζ."""
    z = np.clip(_section(zeta), 0.0, 1.0)
    sol = (_section(solid) >= 0.5).astype(float) if solid is not None else np.zeros_like(z)  # the sharp solid
    img = np.empty(z.shape + (3,))
    img[:] = PHASE_COLOURS["pore"]
    img = img * (1.0 - sol[..., None]) + np.asarray(PHASE_COLOURS["solid"]) * sol[..., None]
    if electronic is not None:
        img[_section(electronic).astype(bool)] = PHASE_COLOURS["electronic"]
    if electrolyte is not None:
        img[_section(electrolyte).astype(bool)] = PHASE_COLOURS["electrolyte"]
    return np.clip(img * (1.0 - z[..., None]) + np.asarray(PHASE_COLOURS["li"]) * z[..., None], 0.0, 1.0)


def _draw_phases(ax: Any, panel: dict, title: str) -> None:
    z = _section(panel["zeta"])
    ny, nx = z.shape
    dx = float(panel["dx"])
    ext = (0, nx * dx * 1e6, 0, ny * dx * 1e6)
    ax.grid(False)
    ax.imshow(_phase_rgb(z, panel.get("solid"), panel.get("electrolyte"), panel.get("electronic")), origin="lower",
              extent=ext, interpolation="nearest")
    for key, colour in (("layer_bottom", C[1]), ("layer_top", C[2])):
        if panel.get(key) is not None:
            ax.axhline(float(panel[key]) * 1e6, color=colour, lw=0.8, ls="--")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")


def _phase_legend(fig: Any, ax: Any, electronic: bool, electrolyte: bool) -> None:
    from matplotlib.patches import Patch

    items = [("Li", "li"), ("solid", "solid"), ("pore (empty)", "pore")]
    if electronic:
        items.insert(2, ("electronic (fibre)", "electronic"))
    if electrolyte:
        items.append(("electrolyte", "electrolyte"))
    handles = [Patch(facecolor=PHASE_COLOURS[k], edgecolor="0.3", label=lab) for lab, k in items]
    ax.legend(handles=handles, fontsize=6, loc="upper right", framealpha=0.85)


@styled
def microstructure_figure(micro: Any, *, zeta: Any = None, title: str = "", ax: Any = None) -> Any:
    """Three-phase view of a microstructure: Li (blue), solid (grey), fibres (black), empty pores (white), electrolyte (tan).

    Parameters
    ----------
    micro : lisse.sim.phasefield.microstructure.Microstructure
        The microstructure (a 3D one is shown in its middle plane along the last axis).
    zeta : array of float, optional
        Li phase field ζ [-] (dimensionless) to show instead of the initial Li slab.
    title : str
        Axes title (default: the kind, porosity and pore size).
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
        The phases over x and y [µm]; dashed lines: the layer's bottom and top.
    """
    fig, ax = new_axes(ax, (4.4, 4.0))
    panel = {"zeta": micro.li0 if zeta is None else zeta, "solid": micro.solid, "electrolyte": micro.electrolyte,
             "electronic": micro.electronic, "dx": micro.dx, "layer_bottom": micro.layer_bottom, "layer_top": micro.layer_top}
    if not title:
        title = f"{micro.kind}: porosity {micro.porosity:.2f}, d50 pore {micro.pore_size * 1e9:.0f} nm"
    _draw_phases(ax, panel, title)
    _phase_legend(fig, ax, micro.electronic is not None and bool(np.any(micro.electronic)), bool(np.any(micro.electrolyte)))
    return fig


@styled
def comparison_figure(panels: Any, *, title: str = "", axes: Any = None) -> Any:
    """Side-by-side Li morphologies of several runs (e.g. the three LNI–CNT interlayers at one time).

    Parameters
    ----------
    panels : sequence of dict
        One per run: ``label`` (str), ``zeta`` (ζ [-], 2D or 3D), ``solid`` (solid indicator [-]),
        ``dx`` [m], optional ``electrolyte`` / ``electronic`` (bool masks), ``layer_bottom`` / ``layer_top`` [m]
        and ``note`` (a line under the label, e.g. the metrics).
    title : str
        Figure title (the first panel's when drawing into the user's ``axes``).
    axes : sequence of matplotlib.axes.Axes, optional
        Exactly ``len(panels)`` Axes to draw into.

    Returns
    -------
    matplotlib.figure.Figure
        One phase map per run over x and y [µm].
    """
    panels = list(panels)
    fig, axs = new_axes_row(axes, len(panels), (3.0 * len(panels), 3.6))
    for ax, p in zip(axs, panels):
        head = str(p.get("label", ""))
        _draw_phases(ax, p, f"{head}\n{p['note']}" if p.get("note") else head)
    _phase_legend(fig, axs[-1], any(p.get("electronic") is not None and np.any(p["electronic"]) for p in panels),
                  any(p.get("electrolyte") is not None and np.any(p["electrolyte"]) for p in panels))
    _row_title(fig, axs, title)
    return fig


def comparison_animation(runs: Any, path: str | os.PathLike | None = None, *, fps: int = 4, dpi: int = 70,
                         title: str = "", calibrated: Any = None) -> Any:
    """Animated GIF of several runs side by side, frame k of every run in one image (Pillow).

    Parameters
    ----------
    runs : sequence of dict
        One per run, as the ``panels`` of :func:`comparison_figure` but with ``frames`` (ζ per frame [-],
        shape (k, ny, nx) or (k, ny, nx, nz)) and ``times`` (time of each frame [s]) instead of ``zeta``.
        Runs with fewer frames hold their last one.
    path : str or os.PathLike, optional
        Write the GIF here (atomically) and return the path; default: return the GIF bytes.
    fps : int
        Frames per second.
    dpi : int
        Resolution of the frames [dots per inch].
    title : str
        Prefix of each frame's title.
    calibrated : iterable of str, optional
        Calibrated parameters of the runs, named at the foot of every frame (:func:`lisse.plot.style.calibrated_note`).

    Returns
    -------
    bytes or pathlib.Path
        The GIF (bytes), or the file written when ``path`` is given.
    """
    import io

    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from PIL import Image

    runs = list(runs)
    n = max(len(r["frames"]) for r in runs)
    images = []
    with lisse_style():
        fig = Figure(figsize=(2.6 * len(runs), 3.2))
        canvas = FigureCanvasAgg(fig)
        axs = [fig.add_subplot(1, len(runs), k + 1) for k in range(len(runs))]
        calibrated_note(fig, calibrated)  # a figure text: it survives the axes being cleared for every frame
        for i in range(n):
            for ax, r in zip(axs, runs):
                ax.clear()
                j = min(i, len(r["frames"]) - 1)
                _draw_phases(ax, {**r, "zeta": r["frames"][j]}, f"{r.get('label', '')}\nt = {float(r['times'][j]):.3g} s")
            if title:
                fig.suptitle(title, fontsize=9)
            if i == 0:
                fig.tight_layout(rect=(0.0, 0.05, 1.0, 1.0))  # the foot kept for the calibrated note
            canvas.draw()
            images.append(Image.fromarray(np.asarray(canvas.buffer_rgba())[..., :3].copy()).convert("P", palette=Image.Palette.ADAPTIVE))
    buf = io.BytesIO()
    images[0].save(buf, format="GIF", save_all=True, append_images=images[1:], duration=int(1000 / max(1, fps)), loop=0)
    data = buf.getvalue()
    if path is None:
        return data
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.stem}.tmp{out.suffix}")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out
