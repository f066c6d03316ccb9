"""Interface thermodynamics as pure functions in SI units (wetting, nucleation, capillarity,
surface/interface energies, segregation, adsorption)."""

from lisse.thermo.adsorption import adsorption_energy
from lisse.thermo.nucleation import (
    barrier_coefficient,
    critical_overpotential,
    critical_radius,
    heterogeneous_factor,
    homogeneous_barrier,
    li_molar_volume,
    li_thickness_per_charge,
    nucleation_barrier,
    nucleation_rate,
)
from lisse.thermo.segregation import SegregationResult, segregation
from lisse.thermo.surfaces import (
    LinearFit,
    SurfaceEnergyFit,
    interface_energy,
    interface_energy_strain_fit,
    linear_fit,
    surface_energy,
    surface_energy_fit,
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
    "LinearFit",
    "SegregationResult",
    "SurfaceEnergyFit",
    "adsorption_energy",
    "interface_energy",
    "interface_energy_strain_fit",
    "linear_fit",
    "segregation",
    "surface_energy",
    "surface_energy_fit",
    "DEFAULT_LI_SURFACE_ENERGY",
    "li_molar_volume",
    "li_thickness_per_charge",
    "barrier_coefficient",
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
