"""Materials library (cited property values). See :mod:`lisse.materials.library`; graded layers: :mod:`lisse.materials.graded`."""

from lisse.materials.composition import molar_mass, parse_formula
from lisse.materials.graded import (
    GRADED_COMPOSITES,
    GradedComposite,
    GradedStack,
    SubLayer,
    bruggeman_conductivity,
    cassie_contact_angle,
    filler_volume_fraction,
    gem_conductivity,
    graded_stack,
)
from lisse.materials.library import (
    KINDS,
    LIBRARY_TEMPERATURE,
    PROPERTIES,
    Material,
    get_material,
    list_materials,
    source_files,
    temperature_caveat,
)

__all__ = ["Material", "PROPERTIES", "KINDS", "get_material", "list_materials", "molar_mass", "parse_formula", "source_files",
           "GradedComposite", "GradedStack", "SubLayer", "GRADED_COMPOSITES", "graded_stack", "gem_conductivity",
           "bruggeman_conductivity", "cassie_contact_angle", "filler_volume_fraction", "LIBRARY_TEMPERATURE", "temperature_caveat"]
