"""Classical nucleation of Li metal under an overpotential [Wang2024], with two corrections to the printed equation.

Notes
-----
Driving force per volume of Li: ``dg_v = z F eta / V_m`` [J/m3]. Homogeneous (spherical) nucleus::

    r* = 2 gamma V_m / (z F eta)                       (critical radius, m)
    dG_hom = 16 pi gamma^3 V_m^2 / (3 (z F eta)^2)     (barrier per nucleus, J)

Heterogeneous factor for a spherical cap of contact angle theta on a flat substrate::

    k_het(theta) = (2 - 3 cos theta + cos^3 theta) / 4   (0 at 0 deg, 1/2 at 90 deg, 1 at 180 deg)

Rate::

    J = J0 (c_Li+/c_Li+,0) (c_e/c_e,Li) exp(-k_het dG_hom / (k_B T))

Corrections to [Wang2024] as printed: the paper writes "16 eta" where 16 pi is meant,
and divides the barrier by RT; a barrier per nucleus (J) must be divided by k_B T.

Critical nucleation overpotential: the eta at which J reaches a stated threshold J_c. With
``B = 16 pi gamma^3 V_m^2 k_het / (3 (zF)^2 k_B T)`` [V^2], J = J0 exp(-B/eta^2), so::

    eta_c = sqrt(B / ln(J0 / J_c))

References
----------
Wang et al., Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
Kashchiev, Nucleation: Basic Theory with Applications (Butterworth-Heinemann, 2000), doi:10.1016/B978-0-7506-4682-6.X5000-8.
"""

from __future__ import annotations

import math

from lisse.citations import register
from lisse.constants import BOLTZMANN, FARADAY, ROOM_TEMPERATURE
from lisse.errors import ParameterError

__all__ = [
    "LI_MOLAR_VOLUME",
    "heterogeneous_factor",
    "critical_radius",
    "homogeneous_barrier",
    "nucleation_barrier",
    "nucleation_rate",
    "critical_overpotential",
]

#: Molar volume of Li metal [m3/mol]: M/rho = 6.94 g/mol / 0.534 g/cm3 (CRC2016 density, IUPAC2021 mass).
LI_MOLAR_VOLUME = 6.94e-3 / 534.0


def _pos(name: str, x: float) -> float:
    if not math.isfinite(x) or x <= 0:
        raise ParameterError(f"parameter '{name}' must be positive and finite; got {x!r}")
    return float(x)


def heterogeneous_factor(theta_deg: float) -> float:
    """k_het(theta) = (2 - 3 cos theta + cos^3 theta)/4, theta in degrees [0, 180]."""
    if not (math.isfinite(theta_deg) and 0.0 <= theta_deg <= 180.0):
        raise ParameterError(f"parameter 'contact_angle' must be between 0 and 180 deg; got {theta_deg!r}")
    c = math.cos(math.radians(theta_deg))
    return (2.0 - 3.0 * c + c**3) / 4.0


def critical_radius(overpotential: float, surface_energy: float, molar_volume: float = LI_MOLAR_VOLUME, z: int = 1) -> float:
    """Critical nucleus radius r* = 2 gamma V_m / (z F eta) [m]; eta [V] > 0, gamma [J/m2], V_m [m3/mol]."""
    return 2.0 * _pos("surface_energy", surface_energy) * _pos("molar_volume", molar_volume) / (z * FARADAY * _pos("overpotential", overpotential))


def homogeneous_barrier(overpotential: float, surface_energy: float, molar_volume: float = LI_MOLAR_VOLUME, z: int = 1) -> float:
    """Homogeneous barrier per nucleus dG_hom = 16 pi gamma^3 V_m^2 / (3 (z F eta)^2) [J]."""
    register("Wang2024")
    g = _pos("surface_energy", surface_energy)
    vm = _pos("molar_volume", molar_volume)
    eta = _pos("overpotential", overpotential)
    return 16.0 * math.pi * g**3 * vm**2 / (3.0 * (z * FARADAY * eta) ** 2)


def nucleation_barrier(overpotential: float, surface_energy: float, theta_deg: float, molar_volume: float = LI_MOLAR_VOLUME, z: int = 1) -> float:
    """Heterogeneous barrier k_het(theta) dG_hom [J]."""
    return heterogeneous_factor(theta_deg) * homogeneous_barrier(overpotential, surface_energy, molar_volume, z)


def nucleation_rate(
    overpotential: float,
    surface_energy: float,
    theta_deg: float,
    prefactor: float,
    temperature: float = ROOM_TEMPERATURE,
    molar_volume: float = LI_MOLAR_VOLUME,
    concentration_ratio: float = 1.0,
    electron_ratio: float = 1.0,
    z: int = 1,
) -> float:
    """Nucleation rate J [same unit as ``prefactor``, e.g. 1/(m3 s)].

    ``J = J0 (c_Li+/c0) (c_e/c_e,Li) exp(-k_het dG_hom/(k_B T))``; returns 0 for eta <= 0.
    """
    _pos("prefactor", prefactor)
    _pos("temperature", temperature)
    if not math.isfinite(overpotential):
        raise ParameterError(f"parameter 'overpotential' must be finite; got {overpotential!r}")
    if overpotential <= 0:
        return 0.0
    k = heterogeneous_factor(theta_deg)
    if k == 0.0:
        return prefactor * concentration_ratio * electron_ratio
    barrier = k * homogeneous_barrier(overpotential, surface_energy, molar_volume, z)
    return prefactor * concentration_ratio * electron_ratio * math.exp(-barrier / (BOLTZMANN * temperature))


def critical_overpotential(
    surface_energy: float,
    theta_deg: float,
    prefactor: float,
    threshold_rate: float,
    temperature: float = ROOM_TEMPERATURE,
    molar_volume: float = LI_MOLAR_VOLUME,
    z: int = 1,
) -> float:
    """Overpotential eta_c [V] at which the nucleation rate reaches ``threshold_rate``.

    ``eta_c = sqrt(B / ln(J0/J_c))`` with ``B = k_het 16 pi gamma^3 V_m^2 / (3 (zF)^2 k_B T)``.
    Requires ``0 < threshold_rate < prefactor`` (same units). Returns 0 when k_het = 0 (theta = 0).
    """
    j0 = _pos("prefactor", prefactor)
    jc = _pos("threshold_rate", threshold_rate)
    if jc >= j0:
        raise ParameterError(f"parameter 'threshold_rate' must be below the prefactor J0 = {j0:g}; got {jc:g}")
    k = heterogeneous_factor(theta_deg)
    if k == 0.0:
        return 0.0
    g = _pos("surface_energy", surface_energy)
    vm = _pos("molar_volume", molar_volume)
    b = k * 16.0 * math.pi * g**3 * vm**2 / (3.0 * (z * FARADAY) ** 2 * BOLTZMANN * _pos("temperature", temperature))
    register("Wang2024")
    return math.sqrt(b / math.log(j0 / jc))
