"""Surface and interface energies from slab total energies, single-slab and fitted forms.

Notes
-----
Surface energy of a symmetric slab with two equivalent faces ([Su2024], [Ji2025])::

    gamma = (E_slab - n E_bulk) / (2 A)

with n bulk formula units in the slab and E_bulk the bulk energy per formula unit from the SAME
calculator. Because a slightly wrong E_bulk makes the single-slab gamma drift linearly with n, the
robust form fits ``E_slab(n) = 2 A gamma + n E_bulk`` over several thicknesses: the intercept gives
gamma, the slope a self-consistent E_bulk (Fiorentini & Methfessel, J. Phys.: Condens. Matter 8,
6525 (1996), doi:10.1088/0953-8984/8/36/005).

Interface formation energy with strain [Su2024]::

    2 A gamma(Li/X) = E(Li/X) - n_Li E(Li) - n_X E(X)

(factor 2: the periodic cell of [Su2024] holds two Li|X interfaces; pass ``n_interfaces=1`` for a
slab model with one interface plus two free surfaces whose energies you subtract yourself). For a fixed
interface geometry the strained Li contributes ``n_Li sigma`` (sigma = strain energy per Li atom per
unit area), so ``gamma(n_Li) = gamma_true + n_Li sigma``: **the intercept is the true interface
energy**. [Su2024]'s text calls it the "slope"; by its own equation the slope is the strain term. The fit's standard errors come from the residuals (ordinary least squares); with only
two points no error estimate exists and NaN is returned.

References
----------
Su et al., Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from lisse.citations import Citation, add, register
from lisse.errors import ParameterError

__all__ = [
    "LinearFit",
    "SurfaceEnergyFit",
    "surface_energy",
    "surface_energy_fit",
    "interface_energy",
    "interface_energy_strain_fit",
    "linear_fit",
]

add(
    Citation(
        "Fiorentini1996",
        "Fiorentini, Methfessel",
        "Extracting convergent surface energies from slab calculations",
        "J. Phys.: Condens. Matter 8, 6525",
        1996,
        "10.1088/0953-8984/8/36/005",
    )
)


def _finite(name: str, x: float) -> float:
    if not math.isfinite(x):
        raise ParameterError(f"parameter '{name}' must be finite; got {x!r}")
    return float(x)


def _area(area: float) -> float:
    if not math.isfinite(area) or area <= 0:
        raise ParameterError(f"parameter 'area' must be a positive area in m2; got {area!r}")
    return float(area)


@dataclass(frozen=True)
class LinearFit:
    """Ordinary least-squares line ``y = intercept + slope x`` with standard errors (NaN for 2 points).

    Parameters
    ----------
    intercept : float
        Intercept a of y = a + b x [unit of y].
    slope : float
        Slope b [unit of y per unit of x].
    intercept_stderr : float
        Standard error of ``intercept`` [unit of y]; NaN for 2 points.
    slope_stderr : float
        Standard error of ``slope`` [unit of y per unit of x]; NaN for 2 points.
    n_points : int
        Number of points fitted (count).
    residual_rms : float
        Root-mean-square residual [unit of y].
    """

    intercept: float
    slope: float
    intercept_stderr: float
    slope_stderr: float
    n_points: int
    residual_rms: float


def linear_fit(x: Sequence[float], y: Sequence[float]) -> LinearFit:
    """Least-squares straight line with standard errors of intercept and slope.

    Parameters
    ----------
    x : sequence of float
        Abscissae [any unit], at least two distinct values.
    y : sequence of float
        Ordinates [any unit], same length as ``x``.

    Returns
    -------
    LinearFit
        Intercept and slope with their standard errors.

    Raises
    ------
    ParameterError
        Shapes differ, fewer than 2 finite points, or all ``x`` equal.

    Notes
    -----
    ``s^2 = sum(r_i^2)/(n-2)``, ``se(slope) = s / sqrt(Sxx)``, ``se(intercept) = s sqrt(1/n + xbar^2/Sxx)``.
    """
    import numpy as np

    xa = np.asarray(x, dtype=float)
    ya = np.asarray(y, dtype=float)
    if xa.ndim != 1 or xa.shape != ya.shape:
        raise ParameterError(f"fit data must be two 1-D sequences of equal length; got shapes {xa.shape} and {ya.shape}")
    if xa.size < 2 or not (np.all(np.isfinite(xa)) and np.all(np.isfinite(ya))):
        raise ParameterError(f"fit needs at least 2 finite points; got {xa.size}")
    xbar = xa.mean()
    sxx = float(np.sum((xa - xbar) ** 2))
    if sxx == 0:
        raise ParameterError("fit needs at least two distinct x values (slab thicknesses / n_Li); all were equal")
    slope = float(np.sum((xa - xbar) * (ya - ya.mean())) / sxx)
    intercept = float(ya.mean() - slope * xbar)
    r = ya - (intercept + slope * xa)
    n = xa.size
    if n > 2:
        s = math.sqrt(float(np.sum(r**2)) / (n - 2))
        se_b = s / math.sqrt(sxx)
        se_a = s * math.sqrt(1.0 / n + xbar**2 / sxx)
    else:
        se_a = se_b = float("nan")
    return LinearFit(intercept, slope, se_a, se_b, int(n), float(np.sqrt(np.mean(r**2))))


def surface_energy(e_slab: float, n_units: float, e_bulk_per_unit: float, area: float, n_faces: int = 2) -> float:
    """Surface energy gamma = (E_slab - n E_bulk)/(n_faces A) [J/m2].

    Parameters
    ----------
    e_slab : float
        Slab total energy [J].
    n_units : float
        Number of bulk formula units in the slab (count).
    e_bulk_per_unit : float
        Bulk energy per formula unit [J], same calculator and settings as the slab.
    area : float
        Area of ONE face [m2].
    n_faces : int, default 2
        Number of (equivalent) free faces (count): 2 for a symmetric slab, or 1.

    Returns
    -------
    float
        gamma [J m-2].

    Raises
    ------
    ParameterError
        A value is not finite, ``area`` <= 0 or ``n_faces`` not 1 or 2.

    References
    ----------
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    if n_faces not in (1, 2):
        raise ParameterError(f"parameter 'n_faces' must be 1 or 2; got {n_faces!r}")
    a = _area(area)
    return (_finite("e_slab", e_slab) - _finite("n_units", n_units) * _finite("e_bulk_per_unit", e_bulk_per_unit)) / (n_faces * a)


@dataclass(frozen=True)
class SurfaceEnergyFit:
    """Surface energy from the linear-in-thickness fit (SI).

    Parameters
    ----------
    gamma_J_m2 : float
        Surface energy gamma [J m-2].
    gamma_stderr_J_m2 : float
        Standard error of gamma [J m-2] (NaN for 2 slabs).
    bulk_energy_per_unit_J : float
        Fitted bulk energy per formula unit [J].
    bulk_energy_stderr_J : float
        Its standard error [J].
    n_points : int
        Number of slabs fitted (count).
    """

    gamma_J_m2: float
    gamma_stderr_J_m2: float
    bulk_energy_per_unit_J: float
    bulk_energy_stderr_J: float
    n_points: int


def surface_energy_fit(n_units: Sequence[float], e_slab: Sequence[float], area: float, n_faces: int = 2) -> SurfaceEnergyFit:
    """Fit ``E_slab(n) = n_faces A gamma + n E_bulk`` over several slab thicknesses [Fiorentini1996].

    Returns gamma [J/m2] with its standard error and the fitted bulk energy per unit [J].

    Parameters
    ----------
    n_units : sequence of float
        Number of bulk formula units of each slab (count).
    e_slab : sequence of float
        Total energy of each slab [J].
    area : float
        Area of ONE face [m2].
    n_faces : int, default 2
        Number of (equivalent) free faces per slab (count).

    Returns
    -------
    SurfaceEnergyFit
        gamma [J m-2] with its standard error and the fitted bulk energy per unit [J].

    Raises
    ------
    ParameterError
        ``area`` <= 0, or the fit data are unusable (see :func:`linear_fit`).

    References
    ----------
    Fiorentini, Methfessel, Extracting convergent surface energies from slab calculations, J. Phys.: Condens. Matter 8, 6525 (1996), doi:10.1088/0953-8984/8/36/005.
    """
    a = _area(area)
    register("Fiorentini1996")
    f = linear_fit(n_units, e_slab)
    return SurfaceEnergyFit(f.intercept / (n_faces * a), f.intercept_stderr / (n_faces * a), f.slope, f.slope_stderr, f.n_points)


def interface_energy(
    e_interface: float,
    n_li: float,
    e_li_per_atom: float,
    n_x: float,
    e_x_per_unit: float,
    area: float,
    n_interfaces: int = 2,
) -> float:
    """Interface formation energy [Su2024]: ``n_interfaces A gamma = E(Li/X) - n_Li E(Li) - n_X E(X)`` [J/m2].

    All energies in J from one calculator; ``area`` [m2] is the cell's interface area.

    Parameters
    ----------
    e_interface : float
        Total energy of the Li|X interface cell E(Li/X) [J].
    n_li : float
        Number of Li atoms in the cell (count).
    e_li_per_atom : float
        Energy of bulk Li per atom [J].
    n_x : float
        Number of formula units of X in the cell (count).
    e_x_per_unit : float
        Energy of bulk X per formula unit [J].
    area : float
        Interface area A of the cell [m2].
    n_interfaces : int, default 2
        Number of Li|X interfaces in the periodic cell (count): 2 as in [Su2024], 1 for a slab model.

    Returns
    -------
    float
        Interface formation energy gamma(Li/X) [J m-2].

    Raises
    ------
    ParameterError
        A value is not finite, ``area`` <= 0 or ``n_interfaces`` not 1 or 2.

    References
    ----------
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    """
    if n_interfaces not in (1, 2):
        raise ParameterError(f"parameter 'n_interfaces' must be 1 or 2; got {n_interfaces!r}")
    register("Su2024")
    a = _area(area)
    return (
        _finite("e_interface", e_interface) - _finite("n_li", n_li) * _finite("e_li_per_atom", e_li_per_atom) - _finite("n_x", n_x) * _finite("e_x_per_unit", e_x_per_unit)
    ) / (n_interfaces * a)


def interface_energy_strain_fit(n_li: Sequence[float], gamma: Sequence[float]) -> LinearFit:
    """Fit ``gamma(n_Li) = gamma_true + n_Li sigma`` [Su2024]; the INTERCEPT is the true interface energy.

    Parameters
    ----------
    n_li : sequence of float
        Number of Li atoms (or layers) of each interface cell (count).
    gamma : sequence of float
        Interface energy of each cell [J m-2] (:func:`interface_energy`).

    Returns
    -------
    LinearFit
        ``intercept`` = gamma_true [J/m2] with ``intercept_stderr``; ``slope`` = strain term sigma
        [J/m2 per Li atom]. Strain per Li layer is small, so the intercept is dominated by scatter
        between starting geometries: always report ``intercept_stderr``.

    Raises
    ------
    ParameterError
        The fit data are unusable (see :func:`linear_fit`).

    References
    ----------
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7. (the intercept, not the slope the text names, is the true interface energy).
    """
    register("Su2024")
    return linear_fit(n_li, gamma)
