"""Figures and animations of phase-field runs (matplotlib, Agg backend)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["snapshot_figure", "series_figure", "history_figure", "sweep_figure", "save_animation"]


def _mpl():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _draw(ax, zeta, phi_g, dx, title, y_bottom=None):
    ny, nx = zeta.shape
    ext = (0, nx * dx * 1e6, 0, ny * dx * 1e6)
    im = ax.imshow(zeta, origin="lower", extent=ext, cmap="Blues", vmin=0, vmax=1, interpolation="nearest")
    if phi_g is not None and np.any(phi_g > 0.5):
        ax.contourf(np.linspace(ext[0], ext[1], nx), np.linspace(ext[2], ext[3], ny), phi_g, levels=[0.5, 2.0],
                    colors=["0.55"], alpha=0.85)
    if y_bottom is not None:
        ax.axhline(y_bottom * 1e6, color="C3", lw=0.8, ls="--")
    ax.set_title(title, fontsize=9)
    ax.set_xlabel("x (µm)")
    ax.set_ylabel("y (µm)")
    return im


def snapshot_figure(zeta, phi_g, dx: float, t: float, *, title: str = "", y_bottom: float | None = None):
    """One snapshot: Li (ζ, blue), particles (grey), layer boundary (dashed) at time t [s]."""
    plt = _mpl()
    fig, ax = plt.subplots(figsize=(4.2, 4.0))
    fig.subplots_adjust(left=0.15, right=0.88, bottom=0.12, top=0.92)
    im = _draw(ax, np.asarray(zeta), phi_g, dx, f"{title} t = {t:.4g} s".strip(), y_bottom)
    fig.colorbar(im, ax=ax, shrink=0.8, label="ζ (Li)")
    return fig


def series_figure(frames, times, phi_g, dx: float, *, n: int = 4, title: str = "", y_bottom: float | None = None):
    """A row of n snapshots evenly spread over the frames."""
    plt = _mpl()
    frames = np.asarray(frames)
    idx = np.unique(np.linspace(0, len(frames) - 1, n).round().astype(int))
    fig, axes = plt.subplots(1, len(idx), figsize=(2.6 * len(idx), 2.8), constrained_layout=True, squeeze=False)
    for ax, i in zip(axes[0], idx):
        _draw(ax, frames[i], phi_g, dx, f"t = {times[i]:.3g} s", y_bottom)
    if title:
        fig.suptitle(title, fontsize=10)
    return fig


def history_figure(rows: list[dict], *, title: str = ""):
    """Front position, tip and penetration depth vs time."""
    plt = _mpl()
    fig, ax = plt.subplots(figsize=(4.5, 3.2), constrained_layout=True)
    t = [r["time_s"] for r in rows]
    for key, lab in (("front_mean_um", "mean front"), ("tip_um", "tip"), ("penetration_depth_um", "penetration depth")):
        ax.plot(t, [r[key] for r in rows], label=lab)
    ax.set_xlabel("time (s)")
    ax.set_ylabel("µm")
    ax.legend(fontsize=8)
    ax.set_title(title, fontsize=9)
    return fig


def sweep_figure(sweep: dict):
    """Penetration depth vs contact angle, with the Young–Laplace transition angle."""
    plt = _mpl()
    fig, ax = plt.subplots(figsize=(4.5, 3.2), constrained_layout=True)
    a = np.asarray(sweep["angles_deg"])
    p = np.asarray(sweep["penetration_m"]) * 1e9
    o = np.argsort(a)
    ax.plot(a[o], p[o], "o-", label="phase field")
    ax.axvline(sweep["theta_c_young_laplace_deg"], color="C3", ls="--", label="Young–Laplace θc")
    ax.set_xlabel("contact angle θ (deg)")
    ax.set_ylabel("penetration depth (nm)")
    ax.legend(fontsize=8)
    return fig


def save_animation(frames, times, phi_g, dx: float, path: str | os.PathLike, *, fps: int = 6,
                   y_bottom: float | None = None, title: str = "") -> Path:
    """Write an animated GIF (Pillow) or MP4 (when the suffix is .mp4 and ffmpeg exists), atomically."""
    plt = _mpl()
    from matplotlib.animation import FFMpegWriter, PillowWriter

    path = Path(path)
    frames = np.asarray(frames)
    fig, ax = plt.subplots(figsize=(4.0, 3.8))
    fig.subplots_adjust(left=0.16, right=0.96, bottom=0.13, top=0.92)
    if path.suffix.lower() == ".mp4":
        if not FFMpegWriter.isAvailable():
            from lisse.errors import MissingDependencyError

            err = MissingDependencyError("ffmpeg", "writing MP4 animations")  # a program, not a Python package: own message
            err.msg = "MP4 animations need the ffmpeg program on PATH; write a .gif instead"
            err.args = (err.msg,)
            raise err
        writer: FFMpegWriter | PillowWriter = FFMpegWriter(fps=fps)
    else:
        writer = PillowWriter(fps=fps)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    try:
        with writer.saving(fig, str(tmp), dpi=80):
            for i in range(len(frames)):
                ax.clear()
                _draw(ax, frames[i], phi_g, dx, f"{title} t = {times[i]:.3g} s".strip(), y_bottom)
                writer.grab_frame()
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if tmp.exists():
            tmp.unlink()
    return path
