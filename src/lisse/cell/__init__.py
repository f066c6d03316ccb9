"""Cell design arithmetic (capacities, N/P, C-rate, stack energy density)."""

from lisse.cell.design import CellDesign, Layer, PositiveElectrode, li_areal_capacity, li_thickness_for_capacity

__all__ = ["CellDesign", "Layer", "PositiveElectrode", "li_areal_capacity", "li_thickness_for_capacity"]
