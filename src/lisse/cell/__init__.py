"""Cell design arithmetic (capacities, N/P, C-rate, stack energy density).

Importable from here (loaded on first use): :class:`CellDesign` (``CellDesign.from_inputs(...)``),
:class:`Layer`, :class:`PositiveElectrode`, :func:`li_areal_capacity`, :func:`li_thickness_for_capacity`,
and the Li-thickness sweep :func:`li_thickness_sweep` / :func:`summarize`.
"""

from __future__ import annotations

from lisse._lazy import attach

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing would triple the cost of importing this package
if TYPE_CHECKING:
    from lisse.cell.design import CellDesign, Layer, PositiveElectrode, li_areal_capacity, li_thickness_for_capacity
    from lisse.cell.summary import li_thickness_grid, li_thickness_sweep, summarize

__all__ = [
    "CellDesign",
    "Layer",
    "PositiveElectrode",
    "li_areal_capacity",
    "li_thickness_for_capacity",
    "li_thickness_grid",
    "li_thickness_sweep",
    "summarize",
]

__getattr__, __dir__ = attach(
    __name__,
    {
        "CellDesign": "design",
        "Layer": "design",
        "PositiveElectrode": "design",
        "li_areal_capacity": "design",
        "li_thickness_for_capacity": "design",
        "li_thickness_grid": "summary",
        "li_thickness_sweep": "summary",
        "summarize": "summary",
    },
    submodules=("design", "summary"),
)
