"""Interface thermodynamics as pure functions in SI units (wetting, nucleation, capillarity)."""

from lisse.thermo.nucleation import (
    LI_MOLAR_VOLUME,
    critical_overpotential,
    critical_radius,
    heterogeneous_factor,
    homogeneous_barrier,
    nucleation_barrier,
    nucleation_rate,
)
from lisse.thermo.wetting import (
    DEFAULT_LI_SURFACE_ENERGY,
    WettingResult,
    capillary_pressure,
    contact_angle,
    work_of_adhesion,
    work_of_adhesion_from_angle,
)

__all__ = [
    "DEFAULT_LI_SURFACE_ENERGY",
    "LI_MOLAR_VOLUME",
    "WettingResult",
    "capillary_pressure",
    "contact_angle",
    "critical_overpotential",
    "critical_radius",
    "heterogeneous_factor",
    "homogeneous_barrier",
    "nucleation_barrier",
    "nucleation_rate",
    "work_of_adhesion",
    "work_of_adhesion_from_angle",
]
