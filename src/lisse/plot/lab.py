"""Figure placing a cell among the lab's own cells (results database) beside the published strategies.

Draws into ``ax=`` when given, else into a new :class:`matplotlib.figure.Figure` (no pyplot, no backend
switch); returns the Figure, never writes files and changes no global matplotlib state: lisse's look is
applied inside :func:`lisse.plot.style.lisse_style` only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lisse.plot.style import new_axes, styled

__all__ = ["lab_comparison"]

#: Published points, lab cells (a distinct marker set) and this cell (a star), colour-blind safe (Okabe & Ito).
_PUBLISHED: dict[str, Any] = {"marker": "o", "color": "#0072B2", "s": 20}
_LAB: dict[str, Any] = {"marker": "D", "color": "#009E73", "s": 22, "edgecolor": "k", "linewidth": 0.3}
_THIS: dict[str, Any] = {"marker": "*", "s": 190, "color": "crimson", "zorder": 5, "edgecolor": "k", "linewidth": 0.4}


def _offsets(n: int, width: float = 0.28) -> list[float]:
    """Deterministic horizontal spread of ``n`` points in a column (no random jitter: figures reproduce)."""
    if n <= 1:
        return [0.0] * n
    return [width * (2.0 * k / (n - 1) - 1.0) for k in range(n)]


@styled
def lab_comparison(published: Mapping[str, Sequence[float]], lab: Mapping[str, Sequence[float]], value: float | None = None,
                   *, label: str = "this cell", quantity: str = "CCD (mA/cm²)", ax: Any = None) -> Any:
    """Columns of points: published strategies (by source) and the lab's cells (by group), this cell starred.

    Parameters
    ----------
    published : mapping of str to sequence of float
        Published values per source (e.g. CCD [mA cm⁻²] of [Chu2024] Table 1); one column each.
    lab : mapping of str to sequence of float
        The lab's cells' values per group (electrolyte/material, ``"unknown"`` when not recorded); one
        column each, drawn with a distinct marker (green diamonds).
    value : float, optional
        This cell's value: a red star in each lab column and a dashed line across.
    label : str
        Legend entry of this cell.
    quantity : str
        y-axis label.
    ax : matplotlib.axes.Axes, optional
        Draw into this Axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.lines import Line2D

    n_cols = max(1, len(published) + len(lab))
    fig, ax = new_axes(ax, (max(4.5, 1.1 * n_cols + 2.5), 3.8))  # the user's Axes (checked) or a new lisse figure
    names: list[str] = []
    x = 0
    for src, vals in published.items():
        ax.scatter([x + d for d in _offsets(len(vals))], list(vals), **_PUBLISHED)
        names.append(f"{src}\n(n={len(vals)})")
        x += 1
    for grp, vals in lab.items():
        ax.scatter([x + d for d in _offsets(len(vals))], list(vals), **_LAB)
        names.append(f"lab: {grp}\n(n={len(vals)})")
        x += 1
    if published and lab:
        ax.axvline(len(published) - 0.5, color="0.6", lw=0.8)
    handles = [Line2D([], [], ls="", marker="o", ms=5, color=_PUBLISHED["color"], label="published strategies"),
               Line2D([], [], ls="", marker="D", ms=5, color=_LAB["color"], markeredgecolor="k", markeredgewidth=0.3,
                      label="lab cells (results database)")]
    if value is not None:
        ax.axhline(value, color="crimson", ls="--", lw=0.8)
        cols = list(range(len(published), x)) or list(range(x))  # the lab's columns (every column without lab cells)
        ax.scatter(cols, [value] * len(cols), **_THIS)
        handles.append(Line2D([], [], ls="", marker="*", ms=11, color="crimson", markeredgecolor="k", markeredgewidth=0.4,
                              label=label))
    ax.set_xticks(list(range(x)), names, fontsize=7)
    ax.set_xlim(-0.6, max(x, 1) - 0.4)
    ax.set_ylabel(quantity)
    ax.set_title("this cell among published strategies and the lab's cells", fontsize=9)
    ax.legend(handles=handles, fontsize=7, loc="best")
    return fig
