"""Figures placing a cell among published strategies.

Draws into ``axes=`` when given, else into a new :class:`matplotlib.figure.Figure`; returns the Figure,
never writes files and changes no global matplotlib state (see :mod:`lisse.plot.style`).
"""

from __future__ import annotations

from typing import Any

from lisse.plot.style import PALETTE as C
from lisse.plot.style import new_axes_row, outside_legend, styled

__all__ = ["literature_comparison"]

#: Marker of "this cell" (the user's result) in every panel.
_THIS = {"marker": "*", "s": 160, "color": "crimson", "zorder": 5, "edgecolor": "k", "linewidth": 0.4}


@styled
def literature_comparison(strategies: Any, result: dict, label: str = "this cell", *, axes: Any = None) -> Any:
    """Two panels: CCD against interfacial resistance, and cycle life against current density (log-log).

    Every source of the literature table has one colour, named in the legend (right of the second panel)
    whichever panel its points fall in; "this cell" is a red star.

    Parameters
    ----------
    strategies : sequence of lisse.analysis.literature.Strategy
        Published strategies: ``source``, ``name``, ``ccd_mA_cm2`` [mA cm⁻²],
        ``interfacial_resistance_ohm_cm2`` [Ω cm²], ``cycle_life`` (pairs of current density
        [mA cm⁻²] and cycle life [h]).
    result : dict
        This cell: ``ccd_mA_cm2`` [mA cm⁻²], optionally ``interfacial_resistance_ohm_cm2`` [Ω cm²] and
        ``cycle_life`` (rows with ``current_density_mA_cm2`` and ``cycle_life_h``).
    label : str
        Legend entry of this cell.
    axes : sequence of two matplotlib.axes.Axes, optional
        Draw the two panels into these.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from matplotlib.lines import Line2D

    fig, (a1, a2) = new_axes_row(axes, 2, (11.0, 4.0))
    sources: list[str] = []
    for s in strategies:
        if s.source not in sources:
            sources.append(s.source)
    colour: dict[str, Any]
    if len(sources) <= 8:
        colour = {src: C[k % len(C)] for k, src in enumerate(sources)}
    else:  # more sources than the style's cycle: one distinct colour each all the same
        from matplotlib import colormaps

        cmap = colormaps["tab20"]
        colour = {src: cmap(k % 20) for k, src in enumerate(sources)}
    has_a1 = False
    for s in strategies:
        c = colour[s.source]
        if s.ccd_mA_cm2 is not None and s.interfacial_resistance_ohm_cm2 is not None:
            has_a1 = True
            a1.scatter(s.interfacial_resistance_ohm_cm2, s.ccd_mA_cm2, color=c, s=18)
            a1.annotate(s.name, (s.interfacial_resistance_ohm_cm2, s.ccd_mA_cm2), fontsize=6, xytext=(2, 2), textcoords="offset points")
        for i, h in s.cycle_life:
            a2.scatter(i, h, color=c, s=16)
            if s.cycle_life_lower_bound:  # published as "had not failed": at least this, like the cell's own below
                _arrow_up(a2, i, h, c, 0.9)
    handles = [Line2D([], [], ls="", marker="o", ms=5, color=colour[src], label=src) for src in sources]
    mine = False
    if "ccd_mA_cm2" in result and "interfacial_resistance_ohm_cm2" in result:
        a1.scatter(result["interfacial_resistance_ohm_cm2"], result["ccd_mA_cm2"], **_THIS)
        mine = True
    elif "ccd_mA_cm2" in result:
        handles.append(a1.axhline(result["ccd_mA_cm2"], color="crimson", ls="--", label=f"{label}: CCD"))
    censored = False
    for row in result.get("cycle_life", []):
        x, h = row["current_density_mA_cm2"], row["cycle_life_h"]
        a2.scatter(x, h, **_THIS)
        if row.get("cycle_life_is_lower_bound"):  # had not failed: the life is at least this, drawn as an arrow up
            _arrow_up(a2, x, h, "crimson", 1.2)
            censored = True
        mine = True
    if mine:
        handles.append(Line2D([], [], ls="", marker="*", ms=11, color="crimson", markeredgecolor="k", markeredgewidth=0.4, label=label))
    if censored or any(s.cycle_life_lower_bound and s.cycle_life for s in strategies):
        handles.append(Line2D([], [], ls="", marker="$\\uparrow$", ms=9, color="0.3", label="had not failed (>=)"))
    if has_a1:
        a1.set_xscale("log")
        a1.margins(x=0.1)  # room for the names of the outermost points
    a1.set(xlabel="interfacial resistance (Ω·cm²)", ylabel="CCD (mA/cm²)", title="CCD vs interfacial resistance")
    a2.set(xscale="log", yscale="log", xlabel="current density (mA/cm²)", ylabel="symmetric-cell cycle life (h)", title="cycle life")
    outside_legend(a2, handles=handles, fontsize=7, title="source")
    return fig


def _arrow_up(ax, x: float, h: float, colour, lw: float) -> None:
    """An arrow from a cycle life ``h`` [h] at current density ``x`` [mA/cm2] up to 2h: a lower bound (had not failed).

    Drawn even where its tip leaves the axes (``annotation_clip=False``), and the tip widens the data limits, so the
    longest lives, where the mark matters most, keep it.
    """
    ax.annotate("", xy=(x, h * 2.0), xytext=(x, h), annotation_clip=False,
                arrowprops={"arrowstyle": "->", "color": colour, "lw": lw})
    ax.update_datalim([(x, h * 2.0)])
