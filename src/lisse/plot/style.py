"""lisse's look, applied without touching global matplotlib state.

Every figure function of :mod:`lisse.plot` draws inside :func:`lisse_style` (a
:func:`matplotlib.rc_context`, so the user's ``rcParams`` are restored on exit, exceptions included),
creates its figure with :class:`matplotlib.figure.Figure` (not ``pyplot``: no backend is selected, no
figure is registered with pyplot's state machine, nothing needs ``plt.close``) unless the user passes
``ax=``/``axes=``, and returns the :class:`~matplotlib.figure.Figure`.

Saving (:func:`lisse.io.outputs.save_figure`, 200 dpi PNG) renders through the Agg canvas
(:class:`matplotlib.backends.backend_agg.FigureCanvasAgg`), so headless runs need no backend switch.

The style values that matplotlib reads lazily, at draw time (grid colour and alpha, tick label size), are
also set explicitly on the axes lisse creates (:func:`finish_axes`), so a figure keeps lisse's look when
it is drawn later, outside the context (a notebook displaying it, the user calling ``savefig``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

__all__ = ["LISSE_RC", "PALETTE", "lisse_style", "new_axes", "new_axes_row", "finish_axes", "owns", "outside_legend", "styled",
           "calibrated_note"]

_F = TypeVar("_F")

#: A colour-blind-safe qualitative palette (Okabe & Ito 2008, "Color Universal Design"), one for every capability.
#: Plot functions pass these hex values, never ``"C0"``-style names: matplotlib resolves ``"CN"`` when it
#: draws, with whatever colour cycle is active then (the user's, outside :func:`lisse_style`).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

#: The rcParams lisse draws with (applied only inside :func:`lisse_style`).
LISSE_RC: dict[str, Any] = {
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    "legend.fontsize": 8.0,
    "xtick.labelsize": 8.0,
    "ytick.labelsize": 8.0,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "grid.color": "#b0b0b0",
    "lines.linewidth": 1.2,
    "lines.markersize": 4.0,
    "legend.frameon": False,
    "image.cmap": "viridis",
    "figure.dpi": 100.0,
}

_GRID = {"color": LISSE_RC["grid.color"], "alpha": LISSE_RC["grid.alpha"], "linewidth": LISSE_RC["grid.linewidth"]}


@contextmanager
def lisse_style(**overrides: Any) -> Iterator[None]:
    """Context manager: draw with lisse's look, then restore every ``rcParams`` value.

    Parameters
    ----------
    **overrides
        Further rcParams to set on top of :data:`LISSE_RC` (dotted names passed as a dict, e.g.
        ``lisse_style(**{"font.size": 11})``).

    Yields
    ------
    None
        The body of the ``with`` block runs with lisse's rcParams.

    Examples
    --------
    >>> from lisse.plot.style import lisse_style
    >>> with lisse_style():
    ...     pass  # figures made here use lisse's fonts, grid and colour cycle
    """
    import matplotlib
    from cycler import cycler

    rc = {**LISSE_RC, "axes.prop_cycle": cycler(color=list(PALETTE)), **overrides}
    with matplotlib.rc_context(rc):  # type: ignore[arg-type]  # (str keys; matplotlib types them as literals)
        yield


def finish_axes(ax: Any, grid: bool = True) -> None:
    """Fix lisse's lazily-read style on an Axes lisse created (grid look, tick label size).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        An Axes of a figure lisse made (never the user's).
    grid : bool
        Draw the light grid.
    """
    ax.grid(grid, **(_GRID if grid else {}))
    ax.tick_params(labelsize=LISSE_RC["xtick.labelsize"])


def _root(ax: Any) -> Any:
    try:
        return ax.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        fig = ax.figure
        while getattr(fig, "figure", fig) is not fig:
            fig = fig.figure
        return fig


def owns(fig: Any) -> bool:
    """Whether ``fig`` was created by lisse (so lisse may lay it out and give it a title).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Any figure.

    Returns
    -------
    bool
        True for a figure made by a lisse plot function.
    """
    return bool(getattr(fig, "_lisse_owned", False))


def _new_figure(figsize: tuple[float, float]) -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    fig._lisse_owned = True  # type: ignore[attr-defined]
    return fig


def _check_axes(ax: Any, name: str, n: int) -> None:
    """Refuse anything but one matplotlib Axes (a list, an array of Axes, a Figure) with a ParameterError."""
    from matplotlib.axes import Axes

    if isinstance(ax, Axes):
        return
    from lisse.errors import ParameterError

    if isinstance(ax, (list, tuple)) or type(ax).__name__ == "ndarray":
        raise ParameterError(f"{name}: expected one matplotlib Axes per panel; found a {type(ax).__name__} of "
                             f"{len(ax)} (pass one of them, e.g. ax=axes[0])")
    hint = " (pass one of its Axes, e.g. fig.axes[0] or fig.add_subplot())" if type(ax).__name__ in ("Figure", "SubFigure") else ""
    raise ParameterError(f"{name}: expected a matplotlib Axes; found {type(ax).__name__}{hint}")


def new_axes(ax: Any = None, figsize: tuple[float, float] = (5.5, 3.6)) -> tuple[Any, Any]:
    """The Figure and Axes to draw on: the user's ``ax`` and its figure, or a new lisse figure.

    Parameters
    ----------
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes; its figure is returned and never re-laid out.
    figsize : (float, float)
        Size of a new figure [inch].

    Returns
    -------
    (matplotlib.figure.Figure, matplotlib.axes.Axes)
    """
    if ax is not None:
        _check_axes(ax, "ax", 1)
        return _root(ax), ax
    fig = _new_figure(figsize)
    ax = fig.add_subplot()
    finish_axes(ax)
    return fig, ax


def new_axes_row(axes: Sequence[Any] | None, n: int, figsize: tuple[float, float], *, sharex: bool = False,
                 nrows: int = 1, name: str = "axes") -> tuple[Any, list[Any]]:
    """The Figure and ``n`` Axes of a multi-panel figure: the user's ``axes`` or new ones.

    Parameters
    ----------
    axes : sequence of matplotlib.axes.Axes, optional
        Exactly ``n`` Axes to draw into (any figure; the first one's figure is returned).
    n : int
        Number of panels.
    figsize : (float, float)
        Size of a new figure [inch].
    sharex : bool
        Panels of a new figure share their x axis.
    nrows : int
        1 for a row of panels, ``n`` for a column.

    name : str
        Parameter name used in the error message.

    Returns
    -------
    (matplotlib.figure.Figure, list of matplotlib.axes.Axes)

    Raises
    ------
    lisse.errors.ParameterError
        ``axes`` does not hold ``n`` Axes.
    """
    if axes is not None:
        import numpy as np

        flat = list(np.ravel(np.asarray(axes, dtype=object))) if not hasattr(axes, "plot") else [axes]
        if len(flat) != n:
            from lisse.errors import ParameterError

            raise ParameterError(f"{name}: expected {n} matplotlib Axes for this {n}-panel figure; found {len(flat)}")
        for a in flat:
            _check_axes(a, name, n)
        return _root(flat[0]), flat
    fig = _new_figure(figsize)
    grid = fig.subplots(nrows, n // nrows, sharex=sharex, squeeze=False)
    flat = list(grid.ravel())
    for a in flat:
        finish_axes(a)
    return fig, flat


def outside_legend(ax: Any, **kw: Any) -> Any:
    """A legend right of the axes, so it never covers data or labels; constrained layout makes room in lisse figures.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The Axes the legend belongs to.
    **kw
        Passed to :meth:`matplotlib.axes.Axes.legend` (``handles``, ``fontsize``, ``title``, ...).

    Returns
    -------
    matplotlib.legend.Legend
    """
    kw.setdefault("borderaxespad", 0.0)
    if _has_right_axis(ax) and "bbox_to_anchor" not in kw:
        # A twin y axis puts tick labels and a label on the right, where the legend would sit on them: put it
        # below the x-axis label instead, at a distance in points (tick, tick labels, axis label: fixed heights).
        import matplotlib.transforms as mtransforms

        kw.setdefault("loc", "upper center")
        kw.setdefault("ncol", min(len(kw.get("handles") or ax.get_legend_handles_labels()[0]) or 1, 4))
        shift = mtransforms.ScaledTranslation(0.0, -_below_xlabel_pt(ax) / 72.0, ax.figure.dpi_scale_trans)
        kw["bbox_to_anchor"] = (0.5, 0.0)
        kw["bbox_transform"] = ax.transAxes + shift
        return ax.legend(**kw)
    kw.setdefault("loc", "upper left")
    kw.setdefault("bbox_to_anchor", (1.02, 1.0))
    return ax.legend(**kw)


def _has_right_axis(ax: Any) -> bool:
    """Whether ``ax`` or an Axes sharing its x axis (a ``twinx``) draws y tick labels on the right."""
    siblings = ax.get_shared_x_axes().get_siblings(ax)
    return any(a.yaxis.get_label_position() == "right" for a in siblings)


def _below_xlabel_pt(ax: Any) -> float:
    """Height from the bottom spine to below the x-axis label [pt]: tick, tick pad, tick label, label pad, label."""
    import matplotlib
    from matplotlib.font_manager import FontProperties

    rc = matplotlib.rcParams
    tick_font = FontProperties(size=rc["xtick.labelsize"]).get_size_in_points()
    label_font = ax.xaxis.label.get_fontsize()
    return (max(rc["xtick.major.size"], 0.0) + rc["xtick.major.pad"] + 1.3 * tick_font + rc["axes.labelpad"]
            + 1.3 * label_font + 4.0)


#: The call that makes a plot function's first argument from a file, by the argument's name.
_READERS = {"record": "lisse.io.read_cycling(path)", "spectrum": "lisse.io.read_spectrum(path)",
            "cycle_table": "lisse.analysis.cycle_table(lisse.io.read_cycling(path))",
            "curves": "lisse.analysis.voltage_capacity_curves(lisse.io.read_cycling(path))",
            "half_cycle_table": "lisse.analysis.half_cycles(lisse.io.read_cycling(path))"}


def styled(func: _F) -> _F:
    """Decorator: run a figure function inside :func:`lisse_style` (rcParams restored afterwards).

    Parameters
    ----------
    func : callable
        A figure function.

    Returns
    -------
    callable
        ``func`` with the same signature and docstring.
    """

    import inspect

    params = inspect.signature(func).parameters  # type: ignore[arg-type]
    where = {k for k in ("ax", "axes") if k in params}
    name = getattr(func, "__name__", "plot")

    first = next(iter(params), "data")

    @wraps(func)  # type: ignore[arg-type]
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if args and isinstance(args[0], (str, bytes, os.PathLike)):
            from lisse.errors import ParameterError

            known = getattr(func, "__module__", "") in ("lisse.plot.cycling", "lisse.plot.eis")
            reader = _READERS.get(first, "") if known else ""
            reader = reader or "the lisse function that computes it"
            raise ParameterError(f"{name} {first}: expected the data to draw, found a path {os.fsdecode(args[0])!r} "
                                 f"(read or compute it first: {reader})")
        for key in ("ax", "axes"):
            if key in kwargs and key not in where:
                if kwargs[key] is None:  # a result's .plot() passes both; the one this function lacks is unset
                    del kwargs[key]
                    continue
                from lisse.errors import ParameterError

                right = ("axes=[...] (one Axes per panel)" if "axes" in where else "ax=<one Axes>") if where else "no Axes"
                raise ParameterError(f"{name}: this figure takes {right}; found {key}={type(kwargs[key]).__name__}")
        with lisse_style():
            return func(*args, **kwargs)  # type: ignore[operator]

    return wrapper  # type: ignore[return-value]


def calibrated_note(fig: Any, names: Any) -> None:
    """Name the calibrated parameters a predicted figure rests on, in small grey text at its foot.

    A parameter fitted to an observation makes the prediction not independent of that observation; every
    output that uses one says so (the figures here, a ``calibrated_parameters`` column in the tables:
    :func:`lisse.params.with_calibrated_column`). Nothing is written when there are none (or ``names`` is None: not
    known to this figure). On a figure lisse made, the layout keeps a strip at the foot free for the note; on the
    user's own figure (drawn into with ``ax=``) nothing is re-laid out, and the notes of several lisse plots drawn into
    it are merged into one line (their names, each once).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    names : iterable of str, str or None
        Names of the calibrated model parameters (:func:`lisse.params.calibrated_names`).
    """
    from lisse.params import calibrated_names

    if names is None:
        return
    new = calibrated_names(names)
    if not new:
        return
    old = next((t for t in fig.texts if t.get_gid() == _CALIBRATED_GID), None)
    shown = list(getattr(old, "_lisse_names", [])) if old is not None else []
    shown += [n for n in new if n not in shown]
    text = f"calibrated (fitted to one observation): {', '.join(shown)}"
    if old is not None:
        old.set_text(text)
        old._lisse_names = shown
        return
    note = fig.text(0.005, 0.005, text, fontsize=6.5, ha="left", va="bottom", color="0.3", gid=_CALIBRATED_GID)
    note._lisse_names = shown
    engine = fig.get_layout_engine() if owns(fig) else None
    if engine is not None and hasattr(engine, "set"):  # constrained layout: keep the axes (and their labels) above it
        with contextlib.suppress(TypeError):  # a layout engine without a rect: the note may touch the x label
            engine.set(rect=(0.0, _NOTE_STRIP, 1.0, 1.0 - _NOTE_STRIP))


#: gid of the note :func:`calibrated_note` draws (found again to merge the next plot's names into it).
_CALIBRATED_GID = "lisse-calibrated-note"
#: Height of the strip at the foot of a lisse figure kept free for the note [figure fraction].
_NOTE_STRIP = 0.045
