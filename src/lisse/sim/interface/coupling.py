"""What the 1D interface simulator takes from the phase field: current focusing at a rough Li front.

The transient simulator (:mod:`lisse.sim.interface.transient`) is one-dimensional: it spreads the current
over the contact fraction f_c (j/f_c) but has no lateral shape. The phase field
(:mod:`lisse.sim.phasefield.electrodeposition`) resolves the shape and measures the front roughness
(:func:`lisse.sim.phasefield.metrics.front_roughness`); a protrusion of the front draws more current than
the mean. For a shallow front of RMS roughness w and lateral wavelength λ plating at mean current j into an
ohmic ion conductor σ with Butler–Volmer kinetics (R_ct at the flat-front overpotential) and Gibbs–Thomson
capillarity (Γ = γV_m/F), linear stability theory ([Sundstrom1995]; derived in
:func:`lisse.sim.phasefield.electrodeposition.current_focusing_factor`) gives the tip current::

    j_tip / j = 1 + a k (1 − σ Γ k²/j) / (1 + σ k R_ct),   a = √2 w (a sinusoid of amplitude a has RMS a/√2), k = 2π/λ

so the 1D model's local current on a rough contact is ``j_tip = (j / f_c) · F``. The tests check this chain
(phase-field ζ → measured roughness → this function) against the phase field's own tip current.

References
----------
L.-G. Sundström, F. H. Bark, Electrochim. Acta 40 (1995) 599 [Sundstrom1995].
"""

from __future__ import annotations

import math

from lisse.errors import ParameterError
from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY
from lisse.units import quantity_args

__all__ = ["protrusion_focusing", "focused_current_density"]


@quantity_args(roughness="m", wavelength="m", current_density="A/m2", conductivity="S/m", exchange_current_density="A/m2",
               temperature="K", surface_energy="J/m2")
def protrusion_focusing(roughness: float, wavelength: float, current_density: float, conductivity: float,
                        exchange_current_density: float, *, temperature: float = 298.15, transfer_coefficient: float = 0.5,
                        surface_energy: float = DEFAULT_LI_SURFACE_ENERGY) -> float:
    """Tip current over mean current F = j_tip/j [-] of a Li front of RMS roughness ``roughness`` (module notes).

    Parameters
    ----------
    roughness : float
        RMS front roughness w [m] (e.g. ``front_roughness_m`` of a phase-field run); the sinusoid amplitude is √2 w
        (linear theory: valid for √2 w k ≲ 0.3).
    wavelength : float
        Lateral wavelength λ of the roughness [m] (e.g. the particle or contact-spot spacing).
    current_density : float
        Mean plating current density j [A m-2] (> 0).
    conductivity : float
        Ionic conductivity σ of the conductor ahead of the front [S m-1].
    exchange_current_density : float
        i0 [A m-2].
    temperature : float, default 298.15
        T [K].
    transfer_coefficient : float, default 0.5
        Cathodic α [-] (dimensionless).
    surface_energy : float, default DEFAULT_LI_SURFACE_ENERGY
        γ of Li [J m-2].

    Returns
    -------
    float
        F [-] (dimensionless); > 1 focuses current on the protrusions, < 1 smooths them.

    Raises
    ------
    ParameterError
        A negative or non-finite roughness, or a non-positive length, current, conductivity or exchange current.

    References
    ----------
    L.-G. Sundström, F. H. Bark, On morphological instability during electrodeposition with a stagnant binary electrolyte, Electrochim. Acta 40, 599-614 (1995).
    """
    from lisse.sim.phasefield.electrodeposition import current_focusing_factor

    w = float(roughness)
    if not (math.isfinite(w) and w >= 0):
        raise ParameterError(f"parameter 'roughness' must be a finite length >= 0 m; got {roughness!r}")
    return current_focusing_factor(math.sqrt(2.0) * w, wavelength, current_density, conductivity, exchange_current_density,
                                   temperature=temperature, transfer_coefficient=transfer_coefficient, surface_energy=surface_energy)


@quantity_args(current_density="A/m2")
def focused_current_density(current_density: float, contact_fraction: float = 1.0, focusing: float = 1.0) -> float:
    """Local current density on the tips of a rough, partly detached contact, j_tip = (j / f_c) · F [A m-2].

    Parameters
    ----------
    current_density : float
        Applied (mean) current density j [A m-2].
    contact_fraction : float, default 1
        Contact fraction f_c in (0, 1] [-] (dimensionless): the current crowds onto the remaining contact.
    focusing : float, default 1
        Tip-to-mean current factor F [-] (dimensionless), e.g. :func:`protrusion_focusing` or a phase-field run's
        measured ``focusing_factor``.

    Returns
    -------
    float
        j_tip [A m-2].

    Raises
    ------
    ParameterError
        A contact fraction outside (0, 1] or a non-positive or non-finite focusing factor.
    """
    f = float(contact_fraction)
    if not (math.isfinite(f) and 0.0 < f <= 1.0):
        raise ParameterError(f"parameter 'contact_fraction' must be in (0, 1]; got {contact_fraction!r}")
    g = float(focusing)
    if not (math.isfinite(g) and g > 0.0):
        raise ParameterError(f"parameter 'focusing' must be a positive finite factor; got {focusing!r}")
    return float(current_density) / f * g
