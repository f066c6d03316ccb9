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
from lisse.plot.style import lisse_style, new_axes, new_axes_row, owns, styled

__all__ = ["snapshot_figure", "series_figure", "history_figure", "sweep_figure", "save_animation"]


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
    if title:
        if owns(fig):
            fig.suptitle(title, fontsize=10)
        else:
            axs[0].set_title(f"{title}\n{axs[0].get_title()}", fontsize=9)
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
                   y_bottom: float | None = None, title: str = "", dpi: int = 80) -> Path:
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
            fig.subplots_adjust(left=0.16, right=0.96, bottom=0.13, top=0.92)
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
