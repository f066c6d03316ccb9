r"""Archimedes density, theoretical density of a composite and porosity (pure functions).

A pressed interlayer's porosity is measured, not assumed: weigh the sample dry in air (``m_air``) and immersed
in a liquid of known density (``m_liquid``), get its density, and compare it with the theoretical (pore-free)
density of its composition.

**Archimedes density** [Wang2024]_, [Mettler]_. A balance reads the *apparent* mass, the true mass less the
mass of the fluid displaced: in air ``m_air = V (rho - rho_air)``, immersed ``m_liquid = V (rho - rho_liquid)``.
Subtracting, ``m_air - m_liquid = V (rho_liquid - rho_air)``, hence

.. math::

    \rho = \frac{m_\mathrm{air}}{m_\mathrm{air} - m_\mathrm{liquid}} (\rho_\mathrm{liquid} - \rho_\mathrm{air})
           + \rho_\mathrm{air}.

Wang2024 (Methods) print ``m_air + m_liquid`` in the denominator. With apparent masses that is a sign error: the
denominator must be the buoyancy the liquid adds, which is the *difference* of the two readings. With "+",
every sample that sinks (0 <= m_liquid < m_air) would come out between half the liquid density and the liquid
density itself (a 2.2 g/cm3 LNI pellet in mineral spirits at about 0.6 g/cm3): the two forms agree only at
m_liquid = 0. lisse implements the difference. With ``rho_air = 0`` the formula reduces to the textbook/ASTM B962 form
``rho = m_air rho_liquid / (m_air - m_liquid)``.

**Theoretical density** of a composite from mass fractions ``w_i`` (rule of mixtures on volumes, no pores):
``1/rho_th = sum_i w_i / rho_i``.

**Porosity.** With two weighings, a liquid that wets the sample (mineral spirits does) fills its *open* pores when
immersed: ``rho`` above is then the apparent (skeletal) density of the solid and its closed pores, and ``1 - rho/rho_th``
is the **closed** porosity (per skeletal volume); it is the total porosity only for a sample without open pores or a
sealed one (found by an independent audit: a pellet with 30 % open pores read as fully dense). A third weighing, the
sample **saturated** with the liquid and weighed in air (``m_sat``), gives the exterior volume and with it the open and
total porosity (ASTM C373 / ISO 18754 "boiling-water" method, here with the same air-buoyancy correction)::

    V_bulk  = (m_sat - m_liquid) / (rho_liquid - rho_air)
    P_open  = (m_sat - m_air) / (m_sat - m_liquid)
    rho_bulk = m_air (rho_liquid - rho_air) / (m_sat - m_liquid) + rho_air (1 - P_open)
    P_total = 1 - rho_bulk / rho_th,   P_closed = P_total - P_open     (fractions of the bulk volume)

(apparent masses: dry in air ``m_air = M - rho_air (V_bulk - V_open)``, suspended ``m_liquid = M - rho_liquid (V_bulk -
V_open)``, saturated in air ``m_sat = M + rho_liquid V_open - rho_air V_bulk``, M the mass of the solid.)

References
----------
.. [Wang2024] Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries,
   Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1 (Methods: density in mineral spirits).
.. [Mettler] Mettler Toledo, density determination kit, operating instructions: rho = A/(A - B) (rho_0 - rho_L) + rho_L
   with A, B the readings in air and in the auxiliary liquid and rho_L = 0.0012 g/cm3 the density of air.
.. [ASTM C373] ASTM C373, Standard test methods for determination of water absorption and associated properties by
   vacuum method for pressed ceramic tiles and glass tiles (apparent porosity P = (M - D)/(M - S), bulk density
   B = D/(M - S) with water: D dry, S suspended, M saturated masses); ISO 18754 (fine ceramics, the same quantities).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lisse.citations import register
from lisse.errors import ParameterError
from lisse.params import Param
from lisse.units import as_si, quantity_args

if TYPE_CHECKING:
    from lisse._typing import QuantityLike

__all__ = [
    "ArchimedesResult",
    "archimedes_density",
    "archimedes_porosity",
    "porosity_from_density",
    "theoretical_density",
    "MINERAL_SPIRITS_DENSITY",
    "AIR_DENSITY",
]

#: Density of the immersion liquid of Wang2024 (mineral spirits).
MINERAL_SPIRITS_DENSITY = Param(0.752, "g/cm3", "Wang2024 (Methods: Archimedes density in mineral spirits)")
#: Density of air used in the buoyancy correction (dry air at 20-25 degC, ~1 atm).
AIR_DENSITY = Param(0.0012, "g/cm3", "Wang2024 (Methods); dry air at 20-25 degC and 1 atm is 0.0012 g/cm3")

# Tolerance on the sum of mass fractions (they are usually typed with 2-4 digits).
_FRACTION_SUM_TOL = 1e-3


def _finite(x: Any, name: str, unit: str) -> float:
    if not isinstance(x, (int, float)) or isinstance(x, bool) or not math.isfinite(float(x)):
        raise ParameterError(f"parameter '{name}' must be a finite number ({unit}); got {x!r}")
    return float(x)


@quantity_args(dry_mass="g", immersed_mass="g", liquid_density="g/cm3", air_density="g/cm3")
def archimedes_density(dry_mass: QuantityLike, immersed_mass: QuantityLike, liquid_density: QuantityLike = 752.0,
                       air_density: QuantityLike = 1.2) -> float:
    """Density of a solid from its apparent masses in air and immersed in a liquid (Archimedes).

    ``rho = m_air / (m_air - m_liquid) * (rho_liquid - rho_air) + rho_air`` (see the module notes for the
    derivation and for the sign error in Wang2024's printed formula).

    Parameters
    ----------
    dry_mass : float [kg] or str
        Balance reading with the sample in air, ``m_air``, in kg (or a string/quantity, e.g. ``"0.2513 g"``); > 0.
    immersed_mass : float [kg] or str
        Balance reading with the sample immersed, ``m_liquid``, in kg; 0 <= m_liquid < m_air.
    liquid_density : float [kg/m3] or str, default 752
        Density of the immersion liquid in kg/m3 (default: mineral spirits, 0.752 g/cm3, Wang2024).
    air_density : float [kg/m3] or str, default 1.2
        Density of air in kg/m3 (0.0012 g/cm3, Wang2024); 0 switches the air-buoyancy correction off.

    Returns
    -------
    float [kg/m3]
        Density of the sample in kg/m3 (bulk density: closed pores count as solid volume if the liquid
        cannot enter them).

    Raises
    ------
    ParameterError
        If a mass is not finite, ``dry_mass`` is not positive, ``immersed_mass >= dry_mass`` (no buoyancy: masses
        swapped or the sample not immersed), ``immersed_mass`` is negative (the sample floats: use a denser
        liquid or a sinker), or the liquid is not denser than air.

    References
    ----------
    Wang et al., Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1 (Methods).
    Mettler Toledo, density determination kit, operating instructions.
    """
    m_a = _finite(dry_mass, "dry_mass", "kg")
    m_l = _finite(immersed_mass, "immersed_mass", "kg")
    rho_l = _finite(liquid_density, "liquid_density", "kg/m3")
    rho_a = _finite(air_density, "air_density", "kg/m3")
    if m_a <= 0:
        raise ParameterError(f"parameter 'dry_mass' must be > 0 g; got {m_a * 1e3:g} g")
    if m_l < 0:
        raise ParameterError(
            f"parameter 'immersed_mass' must be >= 0 g; got {m_l * 1e3:g} g (a negative reading means the sample floats: "
            "use a denser liquid or a sinker)"
        )
    if m_l >= m_a:
        raise ParameterError(
            f"parameter 'immersed_mass' must be below 'dry_mass' (the liquid buoys the sample up); got immersed "
            f"{m_l * 1e3:g} g >= dry {m_a * 1e3:g} g: masses swapped, or the sample was not immersed"
        )
    if rho_a < 0:
        raise ParameterError(f"parameter 'air_density' must be >= 0 g/cm3; got {rho_a / 1e3:g} g/cm3")
    if rho_l <= rho_a:
        raise ParameterError(
            f"parameter 'liquid_density' must exceed 'air_density' ({rho_a / 1e3:g} g/cm3); got {rho_l / 1e3:g} g/cm3"
        )
    register("Wang2024")
    return m_a / (m_a - m_l) * (rho_l - rho_a) + rho_a


def _density_of(name: str, override: Any) -> float:
    if override is not None:
        return as_si(override, "g/cm3", f"densities[{name!r}]")
    from lisse.materials import get_material

    return get_material(name).si("density")


def theoretical_density(composition: Mapping[str, float], densities: Mapping[str, Any] | None = None) -> float:
    """Theoretical (pore-free) density of a composite from mass fractions: ``1/rho_th = sum_i w_i / rho_i``.

    Parameters
    ----------
    composition : mapping of str to float
        Component -> mass fraction (dimensionless, 0 < w <= 1; the fractions must sum to 1 within 1e-3), e.g.
        ``{"LNI": 0.95, "CNT": 0.05}``. Names are materials-library names unless ``densities`` gives the density.
    densities : mapping of str to float [kg/m3] or str, optional
        Component -> density (SI float in kg/m3, or a string/quantity such as ``"2.38 g/cm3"``); components not
        listed take the library density (``lisse materials NAME``).

    Returns
    -------
    float [kg/m3]
        Theoretical density in kg/m3.

    Raises
    ------
    ParameterError
        If the composition is empty, a fraction is outside (0, 1] or not finite, the fractions do not sum to 1,
        a density is not positive, or a component is neither in ``densities`` nor in the library with a density.
    """
    if not composition:
        raise ParameterError("parameter 'composition' is empty; give component -> mass fraction, e.g. LNI=0.95,CNT=0.05")
    dens = dict(densities or {})
    unknown = set(dens) - set(composition)
    if unknown:
        raise ParameterError(f"parameter 'densities' names components not in the composition: {sorted(unknown)}")
    total = 0.0
    inv = 0.0
    for name, w in composition.items():
        w = _finite(w, f"composition[{name!r}]", "mass fraction")
        if not 0.0 < w <= 1.0:
            raise ParameterError(f"mass fraction of '{name}' must be in (0, 1]; got {w:g}")
        rho = _density_of(name, dens.get(name))
        if not (math.isfinite(rho) and rho > 0):
            raise ParameterError(f"density of '{name}' must be > 0 g/cm3; got {rho / 1e3:g} g/cm3")
        total += w
        inv += w / rho
    if abs(total - 1.0) > _FRACTION_SUM_TOL:
        raise ParameterError(f"mass fractions of 'composition' must sum to 1 (within {_FRACTION_SUM_TOL:g}); got {total:.6g}")
    return total / inv  # normalised by the sum: fractions typed to 3 digits do not bias rho_th


_rule_of_mixtures = theoretical_density  # archimedes_porosity's keyword 'theoretical_density' shadows the function


@quantity_args(density="g/cm3", theoretical_density="g/cm3")
def porosity_from_density(density: QuantityLike, theoretical_density: QuantityLike) -> float:
    """Porosity ``1 - rho / rho_th`` of a sample from its measured and theoretical densities.

    The total porosity when ``rho`` is the bulk density (three weighings); with the two-weighing Archimedes density of a
    sample whose open pores the liquid fills, the closed porosity per skeletal volume (module notes).

    Parameters
    ----------
    density : float [kg/m3] or str
        Measured (bulk) density in kg/m3 (> 0), e.g. from :func:`archimedes_density`.
    theoretical_density : float [kg/m3] or str
        Pore-free density of the same composition in kg/m3 (> 0), e.g. from :func:`theoretical_density`.

    Returns
    -------
    float
        Porosity, a dimensionless fraction in [0, 1).

    Raises
    ------
    ParameterError
        If a density is not positive or finite, or the porosity falls outside [0, 1): a measured density above
        the theoretical one means a wrong composition, a wrong component density or a weighing error.
    """
    rho = _finite(density, "density", "kg/m3")
    rho_th = _finite(theoretical_density, "theoretical_density", "kg/m3")
    if rho_th <= 0:
        raise ParameterError(f"parameter 'theoretical_density' must be > 0 g/cm3; got {rho_th / 1e3:g} g/cm3")
    if rho <= 0:
        raise ParameterError(f"parameter 'density' must be > 0 g/cm3; got {rho / 1e3:g} g/cm3")
    eps = 1.0 - rho / rho_th
    if eps < 0:
        raise ParameterError(
            f"porosity must be in [0, 1); got {eps:.4g}: the measured density {rho / 1e3:.5g} g/cm3 exceeds the theoretical "
            f"density {rho_th / 1e3:.5g} g/cm3 (check the composition, the component densities and the masses)"
        )
    return eps


#: Relative excess of a measured density over the theoretical one [-] still read as a fully dense sample by
#: :func:`archimedes_porosity`: assumed 1 %, the repeatability of an Archimedes measurement on a small pellet (~0.5-1 %)
#: and below the spread that assumed component densities give (5 wt% CNT at 1.3-2.1 g/cm3 moves an LNI-CNT theoretical
#: density by +-1.6 %). Above it the composition, a density or a weighing is wrong: an error.
DENSITY_TOLERANCE = 0.01


@dataclass(frozen=True)
class ArchimedesResult:
    """Density and porosity of a sample from an Archimedes measurement.

    Parameters
    ----------
    density : float [kg/m3]
        Measured bulk density, in kg/m3.
    theoretical_density : float [kg/m3] or None
        Pore-free density, in kg/m3 (None when not given).
    porosity : float or None
        Porosity fraction ``1 - density / theoretical_density`` (None without a theoretical density).
    dry_mass : float [kg]
        Balance reading in air, in kg.
    immersed_mass : float [kg]
        Balance reading immersed in the liquid, in kg.
    liquid_density : float [kg/m3]
        Immersion liquid density used in the buoyancy correction, in kg/m3.
    air_density : float [kg/m3]
        Air density used in the buoyancy correction, in kg/m3.
    theoretical_density_source : str, default ""
        How the theoretical density was obtained (user value, or the composition and its densities).
    note : str, default ""
        A caveat on the porosity (a measured density up to :data:`DENSITY_TOLERANCE` above the theoretical one, reported
        as porosity 0).
    saturated_mass : float [kg] or None, default None
        Balance reading in air of the sample saturated with the liquid, in kg (the third weighing; None: two weighings).
    bulk_density : float [kg/m3] or None, default None
        Bulk density (solid mass over exterior volume), in kg/m3 (three weighings only).
    open_porosity : float or None, default None
        Open porosity, a dimensionless fraction of the bulk volume (three weighings only).
    closed_porosity : float or None, default None
        Closed porosity, a dimensionless fraction of the bulk volume (three weighings and a theoretical density only).
    porosity_kind : str, default ""
        What ``porosity`` is: the total porosity (three weighings) or the closed porosity per skeletal volume (two).
    """

    density: float
    theoretical_density: float | None
    porosity: float | None
    dry_mass: float
    immersed_mass: float
    liquid_density: float
    air_density: float
    theoretical_density_source: str = ""
    note: str = ""
    saturated_mass: float | None = None
    bulk_density: float | None = None
    open_porosity: float | None = None
    closed_porosity: float | None = None
    porosity_kind: str = ""

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict, keys with unit suffixes.

        Returns
        -------
        dict
            ``density_g_cm3``, ``theoretical_density_g_cm3`` (or None), ``porosity`` (or None) with ``porosity_kind``,
            the inputs in g and g/cm3, ``theoretical_density_source``, with a saturated weighing ``saturated_mass_g``,
            ``bulk_density_g_cm3``, ``open_porosity`` and ``closed_porosity`` (else None), and ``formula``.
        """
        def r(x: float) -> float:  # 12 significant digits: no unit-conversion noise (0.2513 g, not 0.25129999999999997)
            return float(f"{x:.12g}")

        g = 1e-3  # kg/m3 -> g/cm3
        return {
            "density_g_cm3": r(self.density * g),
            "theoretical_density_g_cm3": None if self.theoretical_density is None else r(self.theoretical_density * g),
            "porosity": None if self.porosity is None else r(self.porosity),
            "dry_mass_g": r(self.dry_mass * 1e3),
            "immersed_mass_g": r(self.immersed_mass * 1e3),
            "liquid_density_g_cm3": r(self.liquid_density * g),
            "air_density_g_cm3": r(self.air_density * g),
            "theoretical_density_source": self.theoretical_density_source,
            "porosity_kind": self.porosity_kind,
            "saturated_mass_g": None if self.saturated_mass is None else r(self.saturated_mass * 1e3),
            "bulk_density_g_cm3": None if self.bulk_density is None else r(self.bulk_density * g),
            "open_porosity": None if self.open_porosity is None else r(self.open_porosity),
            "closed_porosity": None if self.closed_porosity is None else r(self.closed_porosity),
            "note": self.note,
            "formula": "rho = m_air/(m_air - m_liquid)*(rho_liquid - rho_air) + rho_air (Archimedes, apparent masses; "
                       "Wang2024's printed '+' in the denominator corrected)" + ("" if self.saturated_mass is None else
                       "; P_open = (m_sat - m_air)/(m_sat - m_liquid), rho_bulk = m_air (rho_liquid - rho_air)/(m_sat - "
                       "m_liquid) + rho_air (1 - P_open), porosity = 1 - rho_bulk/rho_th (ASTM C373)"),
        }


#: What ``porosity`` is without and with the saturated weighing (:class:`ArchimedesResult`).
POROSITY_KINDS = {
    2: "closed porosity per skeletal volume (two weighings: a wetting liquid fills the open pores, so this is the total "
       "porosity only for a sample without open pores or a sealed one; weigh the sample saturated too for the total)",
    3: "total porosity (three weighings: dry, suspended and saturated; open + closed, fractions of the bulk volume)",
}


@quantity_args(dry_mass="g", immersed_mass="g", saturated_mass="g", liquid_density="g/cm3", air_density="g/cm3",
               theoretical_density="g/cm3")
def archimedes_porosity(dry_mass: QuantityLike, immersed_mass: QuantityLike, *, theoretical_density: QuantityLike | None = None,
                        composition: Mapping[str, float] | None = None, densities: Mapping[str, Any] | None = None,
                        liquid_density: QuantityLike = 752.0, air_density: QuantityLike = 1.2,
                        saturated_mass: QuantityLike | None = None) -> ArchimedesResult:
    """Density (Archimedes) and porosity of a sample against its theoretical density.

    Parameters
    ----------
    dry_mass : float [kg] or str
        Balance reading in air, in kg (or ``"0.2513 g"``).
    immersed_mass : float [kg] or str
        Balance reading immersed in the liquid, in kg.
    theoretical_density : float [kg/m3] or str, optional
        Pore-free density in kg/m3; give this or ``composition`` (or neither: no porosity).
    composition : mapping of str to float, optional
        Component -> mass fraction (dimensionless) for :func:`theoretical_density` (e.g. ``{"LNI": 0.95, "CNT": 0.05}``).
    densities : mapping of str to float [kg/m3] or str, optional
        Component densities in kg/m3 (or strings such as ``"1.6 g/cm3"``) overriding the library.
    liquid_density : float [kg/m3] or str, default 752
        Immersion liquid density, kg/m3 (mineral spirits, Wang2024).
    air_density : float [kg/m3] or str, default 1.2
        Air density, in kg/m3.
    saturated_mass : float [kg] or str, optional
        Balance reading in air of the sample saturated with the liquid (open pores filled, surface blotted), in kg;
        ``m_air <= m_sat``. Given, ``porosity`` is the total porosity, with the open and closed parts (module notes).

    Returns
    -------
    ArchimedesResult
        Density, theoretical density and porosity with the inputs (``porosity_kind`` says which porosity).

    Raises
    ------
    ParameterError
        If both ``theoretical_density`` and ``composition`` are given, ``densities`` without ``composition``, the
        measured density exceeds the theoretical one by more than :data:`DENSITY_TOLERANCE` (up to it, the sample is
        reported as fully dense with a ``note``), ``saturated_mass`` below ``dry_mass`` or not above ``immersed_mass``, or
        any check of :func:`archimedes_density`, :func:`theoretical_density` or :func:`porosity_from_density` fails.

    References
    ----------
    ASTM C373 and ISO 18754 (open porosity and bulk density from the dry, suspended and saturated masses).
    """
    if theoretical_density is not None and composition is not None:
        raise ParameterError("give either 'theoretical_density' or 'composition', not both")
    if densities and composition is None:
        raise ParameterError("parameter 'densities' needs 'composition'")
    rho = archimedes_density(dry_mass, immersed_mass, liquid_density, air_density)
    rho_th: float | None = None
    src = ""
    if theoretical_density is not None:
        rho_th, src = float(theoretical_density), "user"  # an SI float after quantity_args
    elif composition is not None:
        rho_th = _rule_of_mixtures(composition, densities)
        parts = ", ".join(f"{k} {v:g}" for k, v in composition.items())
        src = f"rule of mixtures (mass fractions: {parts}; densities from " + ("the user and " if densities else "") + "the materials library)"
    note = ""
    if rho_th is not None and rho_th > 0 and 1.0 < rho / rho_th <= 1.0 + DENSITY_TOLERANCE:
        note = (f"measured density {100 * (rho / rho_th - 1):.2f} % above the theoretical one, within the "
                f"{100 * DENSITY_TOLERANCE:g} % tolerance of the measurement and of the component densities: reported as "
                "fully dense (porosity 0)")
        eps: float | None = 0.0
    elif rho_th is not None and rho_th > 0 and rho > rho_th:
        raise ParameterError(
            f"parameters 'dry_mass'/'immersed_mass' against the theoretical density: the measured density {rho / 1e3:.5g} "
            f"g/cm3 exceeds the theoretical {rho_th / 1e3:.5g} g/cm3 ({src or 'given'}) by {100 * (rho / rho_th - 1):.2f} %, "
            f"more than the {100 * DENSITY_TOLERANCE:g} % tolerance: check the composition, the component densities and "
            "the masses")
    else:
        eps = None if rho_th is None else porosity_from_density(rho, rho_th)
    if saturated_mass is None:
        return ArchimedesResult(rho, rho_th, eps, float(dry_mass), float(immersed_mass), float(liquid_density),
                                float(air_density), src, note, porosity_kind=POROSITY_KINDS[2])  # SI floats after quantity_args
    m_a, m_l = float(dry_mass), float(immersed_mass)
    m_s = _finite(saturated_mass, "saturated_mass", "kg")
    if not (m_s >= m_a and m_s > m_l):
        raise ParameterError(f"parameter 'saturated_mass' must be at least 'dry_mass' ({m_a * 1e3:g} g: the liquid in the "
                             f"open pores adds mass) and above 'immersed_mass'; got {m_s * 1e3:g} g")
    rho_l, rho_a = float(liquid_density), float(air_density)
    if note:  # the tolerance note of the skeleton (dry and suspended weighings), said of what it means here
        note = note.replace("reported as fully dense (porosity 0)", "no closed porosity")
    p_open = (m_s - m_a) / (m_s - m_l)
    rho_b = m_a * (rho_l - rho_a) / (m_s - m_l) + rho_a * (1.0 - p_open)
    total = closed = None
    if rho_th is not None:
        total = porosity_from_density(rho_b, rho_th) if rho_b <= rho_th else 0.0  # the skeleton was checked above
        closed = max(total - p_open, 0.0)
        total = max(total, p_open)
    return ArchimedesResult(rho, rho_th, total, m_a, m_l, rho_l, rho_a, src, note, saturated_mass=m_s, bulk_density=rho_b,
                            open_porosity=p_open, closed_porosity=closed, porosity_kind=POROSITY_KINDS[3])
