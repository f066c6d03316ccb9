"""Materials library (cited property values). See :mod:`lisse.materials.library`."""

from lisse.materials.composition import molar_mass, parse_formula
from lisse.materials.library import KINDS, PROPERTIES, Material, get_material, list_materials, source_files

__all__ = ["Material", "PROPERTIES", "KINDS", "get_material", "list_materials", "molar_mass", "parse_formula", "source_files"]
