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
from functools import lru_cache

from lisse.citations import register
from lisse.constants import BOLTZMANN, FARADAY, ROOM_TEMPERATURE
from lisse.errors import ParameterError
from lisse.params import check_temperature
from lisse.units import from_si

TYPE_CHECKING = False
if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike

__all__ = [
    "li_molar_volume",
    "li_thickness_per_charge",
    "heterogeneous_factor",
    "critical_radius",
    "homogeneous_barrier",
    "nucleation_barrier",
    "barrier_coefficient",
    "nucleation_rate",
    "critical_overpotential",
]


@lru_cache(maxsize=1)
def li_molar_volume() -> float:
    """Molar volume of Li metal [m3/mol] from :mod:`lisse.materials` (M/rho: IUPAC 2021 mass, CRC2016 density).

    Read on first use: the library loads the unit registry, which a module constant would load on import.

    Returns
    -------
    float
        V_m of Li [m3 mol-1].
    """
    from lisse.materials import get_material

    return get_material("Li").si("molar_volume")


def li_thickness_per_charge() -> float:
    """Dense-Li thickness per areal charge [m per C/m2]: ``V_m / F`` (1 mAh/cm2 = 3.6e4 C/m2 -> 4.85 um).

    The one home of the conversion between plated/stripped charge and Li thickness (Faraday's law with the molar
    volume of :func:`li_molar_volume`); the cell design, the interlayer model and the interface simulator all use it.

    Returns
    -------
    float
        V_m/F [m3 C-1, i.e. m per C m-2].
    """
    return li_molar_volume() / FARADAY


def __getattr__(name: str) -> float:
    if name == "LI_MOLAR_VOLUME":  # kept for scripts; the value comes from the materials library
        return li_molar_volume()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Physical ranges (SI) of the inputs that enter as powers; outside them the formulas overflow or underflow.
#: overpotential: 1 nV (barrier ~1e19 k_B T: no nucleation ever) to 10 V (not an electrochemical overpotential);
#: surface_energy: up to 10 J/m2 (metals 0.4-3 J/m2); molar_volume: up to 1e-3 m3/mol (Li 1.3e-5 m3/mol).
RANGES = {"overpotential": (1e-9, 10.0, "mV"), "surface_energy": (0.0, 10.0, "J/m2"), "molar_volume": (0.0, 1e-3, "cm3/mol")}

#: SI unit and the unit users see (CLI --help) of each checked parameter, for error messages
_UNITS = {"overpotential": ("V", "mV"), "surface_energy": ("J/m2", "J/m2"), "molar_volume": ("m3/mol", "cm3/mol"),
          "prefactor": ("1/(m3 s)", "1/(m3 s)"), "threshold_rate": ("1/(m3 s)", "1/(m3 s)"), "temperature": ("K", "K")}


def _pos(name: str, x: float) -> float:
    if not math.isfinite(x) or x <= 0:
        from lisse.units import format_quantity

        si, shown = _UNITS.get(name, ("", ""))
        got = f"{x!r} {si}".strip() + (f" (= {format_quantity(x, shown)})" if shown and shown != si and math.isfinite(x) else "")
        raise ParameterError(f"parameter '{name}' must be positive and finite; got {got}")
    if name in RANGES:
        lo, hi, unit = RANGES[name]  # SI limits, shown in the display unit
        if not lo <= x <= hi:
            raise ParameterError(f"parameter '{name}' must be between {from_si(lo, unit):g} and {from_si(hi, unit):g} {unit}; "
                                 f"got {from_si(x, unit):g} {unit}")
    return float(x)


def _temperature(temperature: float) -> float:
    """An absolute temperature [K], > 0 and finite."""
    return check_temperature(temperature, "temperature")


def heterogeneous_factor(theta_deg: float) -> float:
    """k_het(theta) = (2 - 3 cos theta + cos^3 theta)/4, theta in degrees [0, 180].

    Parameters
    ----------
    theta_deg : float
        Contact angle of the nucleus on the substrate [deg], in [0, 180].

    Returns
    -------
    float
        k_het [-] (dimensionless): 0 at 0 deg, 1/2 at 90 deg, 1 at 180 deg.

    Raises
    ------
    ParameterError
        ``theta_deg`` is not in [0, 180].

    References
    ----------
    Kashchiev, Nucleation: Basic Theory with Applications, Butterworth-Heinemann (2000), doi:10.1016/B978-0-7506-4682-6.X5000-8.
    """
    if not (math.isfinite(theta_deg) and 0.0 <= theta_deg <= 180.0):
        raise ParameterError(f"parameter 'contact_angle' must be between 0 and 180 deg; got {theta_deg!r}")
    # the same polynomial factored, (1 - c)^2 (2 + c)/4 with 1 - c = 2 sin^2(theta/2): no cancellation near 0 deg, where
    # 2 - 3c + c^3 lost every digit (k_het 5.6e-17 instead of 1.4e-18 at 0.003 deg, and < 0 below, which crashed the
    # square root of the critical overpotential)
    half = math.radians(theta_deg) / 2.0
    one_minus_c = 2.0 * math.sin(half) ** 2
    return one_minus_c**2 * (3.0 - one_minus_c) / 4.0


def _vm(molar_volume: float | None) -> float:
    return li_molar_volume() if molar_volume is None else _pos("molar_volume", molar_volume)


def critical_radius(overpotential: float, surface_energy: float, molar_volume: float | None = None, z: int = 1) -> float:
    """Critical nucleus radius r* = 2 gamma V_m / (z F eta) [m]; eta [V] > 0, gamma [J/m2], V_m [m3/mol] (default: Li).

    Parameters
    ----------
    overpotential : float
        Cathodic overpotential magnitude eta [V], > 0.
    surface_energy : float
        Li nucleus surface (interface) energy gamma [J m-2].
    molar_volume : float, optional
        Molar volume V_m of the deposit [m3 mol-1]; default Li's (:func:`li_molar_volume`).
    z : int, default 1
        Number of electrons transferred per ion (charge number) [-].

    Returns
    -------
    float
        r* [m].

    Raises
    ------
    ParameterError
        An input is not finite, not positive, or outside its physical range.

    References
    ----------
    Kashchiev, Nucleation: Basic Theory with Applications, Butterworth-Heinemann (2000), doi:10.1016/B978-0-7506-4682-6.X5000-8.
    """
    return 2.0 * _pos("surface_energy", surface_energy) * _vm(molar_volume) / (z * FARADAY * _pos("overpotential", overpotential))


def homogeneous_barrier(overpotential: float, surface_energy: float, molar_volume: float | None = None, z: int = 1) -> float:
    """Homogeneous barrier per nucleus dG_hom = 16 pi gamma^3 V_m^2 / (3 (z F eta)^2) [J]; V_m defaults to Li's.

    Parameters
    ----------
    overpotential : float
        Cathodic overpotential magnitude eta [V], > 0.
    surface_energy : float
        Li nucleus surface (interface) energy gamma [J m-2].
    molar_volume : float, optional
        Molar volume V_m of the deposit [m3 mol-1]; default Li's (:func:`li_molar_volume`).
    z : int, default 1
        Number of electrons transferred per ion (charge number) [-].

    Returns
    -------
    float
        dG_hom per nucleus [J].

    Raises
    ------
    ParameterError
        An input is not finite, not positive, or outside its physical range.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1. (with 16 pi for the printed "16 eta").
    Kashchiev, Nucleation: Basic Theory with Applications, Butterworth-Heinemann (2000), doi:10.1016/B978-0-7506-4682-6.X5000-8.
    """
    register("Wang2024")
    g = _pos("surface_energy", surface_energy)
    vm = _vm(molar_volume)
    eta = _pos("overpotential", overpotential)
    return 16.0 * math.pi * g**3 * vm**2 / (3.0 * (z * FARADAY * eta) ** 2)


def nucleation_barrier(overpotential: float, surface_energy: float, theta_deg: float, molar_volume: float | None = None, z: int = 1) -> float:
    """Heterogeneous barrier k_het(theta) dG_hom [J].

    Parameters
    ----------
    overpotential : float
        Cathodic overpotential magnitude eta [V], > 0.
    surface_energy : float
        Li nucleus surface (interface) energy gamma [J m-2].
    theta_deg : float
        Contact angle of the nucleus on the substrate [deg], in [0, 180].
    molar_volume : float, optional
        Molar volume V_m of the deposit [m3 mol-1]; default Li's (:func:`li_molar_volume`).
    z : int, default 1
        Number of electrons transferred per ion (charge number) [-].

    Returns
    -------
    float
        k_het(theta) dG_hom per nucleus [J].

    Raises
    ------
    ParameterError
        An input is not finite, not positive, or outside its physical range.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    Kashchiev, Nucleation: Basic Theory with Applications, Butterworth-Heinemann (2000), doi:10.1016/B978-0-7506-4682-6.X5000-8.
    """
    return heterogeneous_factor(theta_deg) * homogeneous_barrier(overpotential, surface_energy, molar_volume, z)


def barrier_coefficient(surface_energy: float, theta_deg: float, temperature: float = ROOM_TEMPERATURE,
                        molar_volume: float | None = None, z: int = 1) -> float:
    """``B = k_het 16 pi gamma^3 V_m^2 / (3 (zF)^2 k_B T)`` [V^2]: the reduced barrier is ``B / eta^2``.

    ``k_het dG_hom(eta) / (k_B T) = B / eta^2``; the one place the rate's exponent is written
    (:func:`nucleation_rate` and :func:`critical_overpotential` use it). ``temperature`` [K] > 0.

    Parameters
    ----------
    surface_energy : float
        Li nucleus surface (interface) energy gamma [J m-2].
    theta_deg : float
        Contact angle of the nucleus on the substrate [deg], in [0, 180].
    temperature : float, default 298.15
        Absolute temperature T [K].
    molar_volume : float, optional
        Molar volume V_m of the deposit [m3 mol-1]; default Li's (:func:`li_molar_volume`).
    z : int, default 1
        Number of electrons transferred per ion (charge number) [-].

    Returns
    -------
    float
        B [V2].

    Raises
    ------
    ParameterError
        An input is not finite, not positive, or outside its physical range.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1. (barrier divided by k_B T, not RT).
    """
    t = _temperature(temperature)
    return heterogeneous_factor(theta_deg) * homogeneous_barrier(1.0, surface_energy, molar_volume, z) / (BOLTZMANN * t)


def nucleation_rate(
    overpotential: ArrayLike,
    surface_energy: float,
    theta_deg: float,
    prefactor: float,
    temperature: float = ROOM_TEMPERATURE,
    molar_volume: float | None = None,
    concentration_ratio: float = 1.0,
    electron_ratio: float = 1.0,
    z: int = 1,
) -> float | np.ndarray:
    """Nucleation rate J [same unit as ``prefactor``, e.g. 1/(m3 s)].

    ``J = J0 (c_Li+/c0) (c_e/c_e,Li) exp(-k_het dG_hom/(k_B T)) = J0 (c_Li+/c0) (c_e/c_e,Li) exp(-B/eta^2)``
    (:func:`barrier_coefficient`); 0 for eta <= 0. ``overpotential`` [V] is the cathodic overpotential
    magnitude (positive plates), a float (returns a float) or an array (returns an array).

    Parameters
    ----------
    overpotential : float or array_like
        Cathodic overpotential magnitude eta [V] (positive plates); the rate is 0 where eta <= 0.
    surface_energy : float
        Li nucleus surface (interface) energy gamma [J m-2].
    theta_deg : float
        Contact angle of the nucleus on the substrate [deg], in [0, 180].
    prefactor : float
        Kinetic prefactor J0 [m-3 s-1] (any rate unit; the result has the same unit).
    temperature : float, default 298.15
        Absolute temperature T [K].
    molar_volume : float, optional
        Molar volume V_m of the deposit [m3 mol-1]; default Li's (:func:`li_molar_volume`).
    concentration_ratio : float, default 1.0
        c_Li+ / c_Li+,0 [-] (dimensionless).
    electron_ratio : float, default 1.0
        c_e / c_e,Li [-] (dimensionless).
    z : int, default 1
        Number of electrons transferred per ion (charge number) [-].

    Returns
    -------
    float or numpy.ndarray
        J [unit of ``prefactor``, e.g. m-3 s-1]; an array for an array ``overpotential``.

    Raises
    ------
    ParameterError
        An input is not finite, not positive, or outside its physical range.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    import numpy as np

    _pos("prefactor", prefactor)
    b = barrier_coefficient(surface_energy, theta_deg, temperature, molar_volume, z)
    eta = np.asarray(overpotential, dtype=float)
    if not np.all(np.isfinite(eta)):
        raise ParameterError(f"parameter 'overpotential' must be finite; got {overpotential!r}")
    out = _rate_from_barrier(eta, b, prefactor * concentration_ratio * electron_ratio)
    return float(out) if out.ndim == 0 else out


def _rate_from_barrier(eta: np.ndarray, b: float, scale: float) -> np.ndarray:
    """The rate law of :func:`nucleation_rate` with its checks and constants done by the caller (a simulator's inner
    loop evaluates it every substep): ``scale exp(-b/eta^2)`` where eta > 0, else 0, for a finite float array ``eta``
    [V], ``b`` [V^2] of :func:`barrier_coefficient` and ``scale`` = J0 (c_Li+/c0) (c_e/c_e,Li) [unit of J0]."""
    import numpy as np

    m = eta > 0
    with np.errstate(over="ignore", divide="ignore", under="ignore"):
        if b > 0 and np.count_nonzero(m) == m.size:  # all cathodic (what a simulator asks for): no masking
            return scale * np.exp(-b / eta**2)
        out = np.zeros_like(eta)
        out[m] = scale * np.exp(-b / eta[m] ** 2) if b > 0 else scale
    return out


def critical_overpotential(
    surface_energy: float,
    theta_deg: float,
    prefactor: float,
    threshold_rate: float,
    temperature: float = ROOM_TEMPERATURE,
    molar_volume: float | None = None,
    z: int = 1,
) -> float:
    """Overpotential eta_c [V] at which the nucleation rate reaches ``threshold_rate``.

    ``eta_c = sqrt(B / ln(J0/J_c))`` with ``B`` of :func:`barrier_coefficient`.
    Requires ``0 < threshold_rate < prefactor`` (same units). Returns 0 when k_het = 0 (theta = 0).

    Parameters
    ----------
    surface_energy : float
        Li nucleus surface (interface) energy gamma [J m-2].
    theta_deg : float
        Contact angle of the nucleus on the substrate [deg], in [0, 180].
    prefactor : float
        Kinetic prefactor J0 [m-3 s-1] (any rate unit; the result has the same unit).
    threshold_rate : float
        Threshold rate J_c [same unit as ``prefactor``], 0 < J_c < J0.
    temperature : float, default 298.15
        Absolute temperature T [K].
    molar_volume : float, optional
        Molar volume V_m of the deposit [m3 mol-1]; default Li's (:func:`li_molar_volume`).
    z : int, default 1
        Number of electrons transferred per ion (charge number) [-].

    Returns
    -------
    float
        eta_c [V]; 0 when k_het = 0.

    Raises
    ------
    ParameterError
        An input is not finite or out of range, or ``threshold_rate`` >= ``prefactor``.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    j0 = _pos("prefactor", prefactor)
    jc = _pos("threshold_rate", threshold_rate)
    if jc >= j0:
        raise ParameterError(f"parameter 'threshold_rate' must be below the prefactor J0 = {j0:g}; got {jc:g}")
    b = barrier_coefficient(surface_energy, theta_deg, temperature, molar_volume, z)
    if b == 0.0:
        return 0.0
    register("Wang2024")
    return math.sqrt(b / math.log(j0 / jc))
