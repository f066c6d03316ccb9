"""Segregation (phase-separation) criterion for a phase X dispersed in a matrix M [Su2024, Chu2024].

Notes
-----
A particle of X inside M migrates to the free surface when replacing X/M interface by X free surface
lowers the energy::

    dgamma = gamma_X - gamma_X/M < 0   ->   X segregates to the surface

The segregation driving force is reported as ``driving_force = dgamma = gamma_X - gamma_X/M`` [J/m2], the quantity
issue 17 fixes for scripts (``driving_force_J_m2`` of ``lisse segregation --json``): NEGATIVE means segregation is
favoured, as in the criterion above (before 2026-12-01 it was reported with the opposite sign, gamma_X/M - gamma_X).
For particles of radius r, the interface area per volume is 3/r (sphere), so the driving force per volume of X is
``3 (gamma_X - gamma_X/M) / r`` [J/m3] (same sign): small particles (large specific area) make it larger in
magnitude [Su2024].
Li9Al4 (monoclinic, incoherent with bcc Li) and LiCl segregate; cubic Li-In, Li-Sn, Li-Mg do not
[Su2024].

References
----------
Su et al., Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7;
Chu et al., Mater. Chem. Front. (2024), doi:10.1039/d3qm01111a.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lisse.citations import register
from lisse.errors import ParameterError

__all__ = ["SegregationResult", "segregation"]


@dataclass(frozen=True)
class SegregationResult:
    """Verdict of the criterion gamma_X - gamma_X/M < 0 (SI).

    Parameters
    ----------
    surface_energy_J_m2 : float
        gamma_X, free-surface energy of the dispersed phase X [J m-2].
    interface_energy_J_m2 : float
        gamma_X/M, X|M interface energy [J m-2].
    delta_gamma_J_m2 : float
        gamma_X - gamma_X/M [J m-2]; < 0 means X segregates.
    driving_force_J_m2 : float
        gamma_X - gamma_X/M [J m-2] (the same number as ``delta_gamma_J_m2``, under the name scripts use); < 0 favours
        segregation.
    driving_force_per_volume_J_m3 : float or None
        3 (gamma_X - gamma_X/M) / r [J m-3]; < 0 favours segregation; None without a particle radius.
    segregates : bool or None
        The verdict of the criterion; None when |gamma_X - gamma_X/M| is within twice the given standard error (the
        sign is not resolved).
    verdict : str
        The verdict in words.
    """

    surface_energy_J_m2: float
    interface_energy_J_m2: float
    delta_gamma_J_m2: float  # gamma_X - gamma_X/M
    driving_force_J_m2: float  # gamma_X - gamma_X/M, < 0 favours segregation (issue 17's contract)
    driving_force_per_volume_J_m3: float | None  # 3 (gamma_X - gamma_X/M)/r, None without a radius
    segregates: bool | None
    verdict: str


def segregation(surface_energy: float, interface_energy: float, particle_radius: float | None = None,
                stderr: float | None = None) -> SegregationResult:
    """Apply the segregation criterion to phase X in matrix M.

    Parameters
    ----------
    surface_energy : float
        gamma_X, free-surface energy of X [J/m2].
    interface_energy : float
        gamma_X/M, X|M interface energy [J/m2] (may be negative for a strongly bonded interface).
    particle_radius : float, optional
        Radius of the dispersed particles [m]; gives the driving force per volume 3 (gamma_X - gamma_X/M) / r [J/m3].
    stderr : float, optional
        Standard error of gamma_X - gamma_X/M [J/m2] (e.g. the two fits' errors in quadrature); when |gamma_X -
        gamma_X/M| <= 2 stderr the sign is not resolved and the verdict says so (``segregates`` None).

    Returns
    -------
    SegregationResult
        Energies [J m-2], driving force per volume [J m-3] and the verdict.

    Raises
    ------
    ParameterError
        An energy is not finite, ``surface_energy`` <= 0, or ``particle_radius`` is not a positive length.

    References
    ----------
    Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
    Chu et al., Optimization strategies for key interfaces of LLZO-based solid-state lithium metal batteries, Mater. Chem. Front. (2024), doi:10.1039/d3qm01111a.
    """
    for n, v in (("surface_energy", surface_energy), ("interface_energy", interface_energy)):
        if not math.isfinite(v):
            raise ParameterError(f"parameter '{n}' must be finite (J/m2); got {v!r}")
    if surface_energy <= 0:
        raise ParameterError(f"parameter 'surface_energy' must be positive (J/m2); got {surface_energy!r}")
    register("Su2024", "Chu2024")
    d = float(surface_energy - interface_energy)
    per_vol = None
    if particle_radius is not None:
        if not math.isfinite(particle_radius) or particle_radius <= 0:
            raise ParameterError(f"parameter 'particle_radius' must be a positive length in m; got {particle_radius!r}")
        per_vol = 3.0 * d / particle_radius
    if stderr is not None and math.isfinite(stderr) and stderr > 0 and abs(d) <= 2.0 * stderr:
        seg: bool | None = None
        verdict = (f"not resolved: gamma_X - gamma_X/M = {d:+.3g} J/m2 is within twice its standard error ({stderr:.2g} J/m2); "
                   "its sign, so the verdict, is not known")
    else:
        seg = d < 0
        verdict = (
            "segregates to the surface (gamma_X - gamma_X/M < 0)" if seg else "stays dispersed in the matrix (gamma_X - gamma_X/M >= 0)"
        )
    return SegregationResult(float(surface_energy), float(interface_energy), d, d, per_vol, seg, verdict)
