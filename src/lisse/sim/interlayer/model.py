"""Equations and parameters of the mixed-conducting interlayer model [Wang2024].

Geometry and sign conventions
-----------------------------
Galvanostatic plating in a symmetric Li | interlayer | SSE | Li cell, seen from the plating electrode.
The Li anode is at ``x = 0`` (its electronic potential is the reference, ``phi_e(0) = 0``); the solid
electrolyte is at ``x = l_i``. Currents are counted positive *towards the anode* (the direction of
Li+ motion during plating), so with ``i_ion`` and ``i_e`` the ionic and electronic current densities
(A/m2 of geometric area)::

    i_ion = sigma_ion dphi_ion/dx,   i_e = sigma_e dphi_e/dx              (Ohm's law, electroneutral)
    i_ion + i_e = i                                                     (charge conservation)
    di_ion/dx = a j(eta),   eta = phi_e - phi_ion - U,  U = 0 vs Li/Li+   (internal deposition)
    j(eta) = i0 [exp(-alpha F eta / RT) - exp((1 - alpha) F eta / RT)]    (Butler–Volmer, cathodic > 0)

Boundary conditions: at ``x = l_i`` the electrolyte blocks electrons, ``i_e = 0`` and ``i_ion = i``;
at ``x = 0`` the ionic current reaching the Li anode plates on it with its own Butler–Volmer law,
``i_ion(0) = i0_a g(eta(0))``. Setting ``i0_a = 0`` gives the classical porous-electrode problem of
Newman and Tobias (ions blocked at the collector), used for validation.

Eliminating the potentials gives one equation for eta::

    d2eta/dx2 = -(1/sigma_e + 1/sigma_ion) a j(eta)
    deta/dx(0) = i/sigma_e - i_ion(0) (1/sigma_e + 1/sigma_ion),    deta/dx(l_i) = -i/sigma_ion

with the linear-kinetics penetration constant ``kappa^2 = a i0 (F/RT) (1/sigma_e + 1/sigma_ion)``.

Nucleation: classical nucleation with the heterogeneous factor of the contact angle and the
corrected barrier (:mod:`lisse.thermo.nucleation`, after [Wang2024]). Li nucleates where the local cathodic
overpotential ``-eta`` exceeds ``eta_c``, the overpotential at which the rate reaches the stated
threshold ``J_c``.

Parameters (all exposed; SI inside)
-----------------------------------
See :data:`SCHEMA` for units and :data:`SOURCES` for where each default comes from.

References
----------
Wang et al., Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1 [Wang2024].
Newman and Tobias, J. Electrochem. Soc. 109, 1183 (1962), doi:10.1149/1.2425269 [Newman1962].
Bard and Faulkner, Electrochemical Methods, 2nd ed. (Wiley, 2001), ch. 3 (Butler–Volmer, Tafel).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, overload

from lisse.citations import Citation, add, register
from lisse.constants import FARADAY, GAS_CONSTANT, LI_MELTING_POINT, LOWEST_CELL_TEMPERATURE, ROOM_TEMPERATURE
from lisse.electrochem import (
    reduced_butler_volmer,
    reduced_butler_volmer_slope,
    reduced_butler_volmer_with_slope,
    reduced_overpotential,
)
from lisse.errors import ParameterError
from lisse.materials import get_material
from lisse.params import ParamSpec, is_calibrated_value, unknown_key_error, validate
from lisse.thermo.nucleation import (
    critical_overpotential,
    heterogeneous_factor,
    li_thickness_per_charge,
    nucleation_rate,
)
from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY, LI_SURFACE_ENERGY_CALIBRATION

if TYPE_CHECKING:  # numpy is imported inside the functions: the CLI imports this module to build its parser
    import numpy as np

__all__ = [
    "SCHEMA",
    "SOURCES",
    "PRESETS",
    "InterlayerParameters",
    "make_parameters",
    "bv_current",
    "bv_derivative",
    "bv_current_and_derivative",
    "bv_overpotential",
    "nucleation_rate_field",
    "growth_length",
    "MAX_CAPACITY",
    "CALIBRATED",
]

add(Citation("Newman1962", "Newman and Tobias", "Theoretical analysis of current distribution in porous electrodes", "J. Electrochem. Soc. 109, 1183", 1962, "10.1149/1.2425269"))


#: Parameter schema: name -> (display unit, meaning, range). Python numbers are SI; text without a unit
#: (CLI, study files) is in the display unit.
SCHEMA: dict[str, ParamSpec] = {
    "thickness": ParamSpec("um", "interlayer thickness l_i (at least 1 nm: a bare number is in um)", "90 um", low=1e-9, high=1e-2),
    "sigma_ion": ParamSpec("S/cm", "effective ionic (Li+) conductivity of the interlayer", None, low=0.0, low_inclusive=False),
    "sigma_e": ParamSpec("S/cm", "effective electronic conductivity of the interlayer", None, low=0.0, low_inclusive=False),
    "porosity": ParamSpec("", "open pore fraction available to plated Li", 0.3, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False),
    "specific_area": ParamSpec("1/m", "internal interfacial area per volume a", "1e6 1/m", low=0.0),
    "exchange_current": ParamSpec("mA/cm2", "exchange current density i0 on the internal surface (per internal area)", "2e-3 mA/cm2", low=0.0),
    "anode_exchange_current": ParamSpec("mA/cm2", "exchange current density i0_a of the Li anode | interlayer contact (per geometric area)", "0.1 mA/cm2", low=0.0),
    "alpha": ParamSpec("", "cathodic transfer coefficient alpha (anodic 1 - alpha)", 0.5, low=0.0, high=1.0, low_inclusive=False, high_inclusive=False),
    "temperature": ParamSpec("K", "temperature (200 K up to Li's melting point, 453.65 K: nucleation and growth of solid Li)", ROOM_TEMPERATURE,
                             low=LOWEST_CELL_TEMPERATURE, high=LI_MELTING_POINT),
    "contact_angle": ParamSpec("deg", "contact angle of Li on the interlayer surface (sets k_het)", "55 deg", low=0.0, high=math.pi),
    "surface_energy": ParamSpec("J/m2", "Li surface energy gamma used in the nucleation barrier (default 0.4245 J/m2, CALIBRATED on "
                                "Ji2025's Li|Li2CO3 pair and listed in calibrated_parameters)", DEFAULT_LI_SURFACE_ENERGY, low=0.0, high=10.0,
                                low_inclusive=False),
    "nucleation_prefactor": ParamSpec("1/(m3 s)", "kinetic prefactor J0 of the nucleation rate", "1e35 1/(m3 s)", low=0.0, low_inclusive=False),
    "nucleation_threshold": ParamSpec("1/(m3 s)", "rate J_c that counts as 'nucleation happens' (defines eta_c)", "1e15 1/(m3 s)", low=0.0, low_inclusive=False),
    "ratio_ionic": ParamSpec("", "sigma_e/sigma_ion below which the layer is called ionic", 1e-2, low=0.0, low_inclusive=False),
    "ratio_electronic": ParamSpec("", "sigma_e/sigma_ion above which the layer is called electronic", 1.0, low=0.0, low_inclusive=False),
}

#: Where each default comes from.
SOURCES: dict[str, str] = {
    "thickness": "Wang2024 (90 um LNI-CNT interlayers; 14.8 um also tested)",
    "sigma_ion": "Wang2024 via the materials library (LNI-x% CNT, 25 degC, EIS); taken as the effective value of the layer",
    "sigma_e": "Wang2024 via the materials library (LNI-x% CNT, 25 degC, DC polarisation); taken as effective value",
    "porosity": "assumed: 0.3, a typical cold-pressed composite interlayer; Wang2024 describe a porous layer without one number",
    "specific_area": "assumed: a ~ 3(1 - eps)/r_p ~ 1e6 1/m for r_p ~ 2 um LNI particles",
    "exchange_current": "assumed (calibrated): 2e-3 mA/cm2 per internal area (a i0 = 2e4 A/m3), deposition on Li-free LNI/CNT "
    "surfaces, far below Li|Li+; set with contact_angle so that the 50% CNT layer nucleates Li on the electrolyte side at "
    "its reported CCD (0.62 mA/cm2, Wang2024)",
    "anode_exchange_current": "assumed: 0.1 mA/cm2 (R_ct = 26 Ohm cm2), a lithiophobic Li | LNI contact at the low end of "
    "Li | solid-electrolyte values (Chu2024 review)",
    "alpha": "assumed: symmetric charge transfer (alpha = 0.5)",
    "temperature": "Wang2024 (room-temperature tests, 25 degC)",
    "contact_angle": "assumed (calibrated): 55 deg effective angle for nucleation on the internal LNI/CNT surface. Classical "
    "nucleation with the bulk Li surface energy overestimates barriers (100 deg would give eta_c = 0.28 V); the angle is set "
    "so that eta_c = 0.12 V, together with exchange_current (see there). Wang2024 report the layer as lithiophobic "
    "towards bulk Li but give no angle",
    "surface_energy": "calibrated: lisse.thermo.wetting.DEFAULT_LI_SURFACE_ENERGY (0.4245 J/m2, fitted to Ji2025's W_ad/theta pair "
    "for Li|Li2CO3: LI_SURFACE_ENERGY_CALIBRATION); contact_angle was then set with it",
    "nucleation_prefactor": "assumed: site density (~1e22 1/m3 near-surface sites) x attempt frequency (~1e13 1/s)",
    "nucleation_threshold": "assumed: ~1 nucleus per um3 per 1000 s, i.e. nuclei a few um apart within a 1 h half-cycle",
    "ratio_ionic": "assumed: electronic share of the bulk current sigma_e/(sigma_e+sigma_ion) < 1% -> electrons cannot reach the layer",
    "ratio_electronic": "Newman1962: the reaction zone moves to the electrolyte side when sigma_e > sigma_ion",
}

#: The observation the two jointly calibrated defaults were fitted to (Wang2024: symmetric
#: Li | LNI-50% CNT | LNI | LNI-50% CNT | Li cells, 90 um interlayers, room temperature).
CALIBRATION_LNI50CNT = ("Wang2024: critical current density 0.62 mA/cm2 of the 90 um LNI-50% CNT interlayer "
                        "(reproduced as the model's critical current at 1 mAh/cm2); not a prediction for that layer")

#: Parameters whose default value was *fitted* to an observation, not measured: name -> the observation.
#: Every output that uses them names them (``calibrated_parameters``); a calibration reproduces its target and
#: is never evidence that the model predicts it. A value the user sets is no longer calibrated (source "user"), unless
#: it is the calibrated value itself (typed in, it still reproduces the calibration target: :func:`_calibrated_now`).
CALIBRATED: dict[str, str] = {
    "exchange_current": CALIBRATION_LNI50CNT,
    "contact_angle": CALIBRATION_LNI50CNT,
    "surface_energy": LI_SURFACE_ENERGY_CALIBRATION,  # sigma_Li's default, in the nucleation barrier (another observation)
}


def _calibrated_now(si: Mapping[str, float]) -> dict[str, str]:
    """The entries of :data:`CALIBRATED` whose value in ``si`` (SI) is still the calibrated default.

    A user who types the default in ("2e-3 mA/cm2") gets the same numbers as the preset, which reproduce the
    calibration target: they stay labelled (:func:`lisse.params.is_calibrated_value`: within 0.5 %, the value as lisse
    displays it). Any other value is the user's and is not calibrated.
    """
    out = {}
    for k, obs in CALIBRATED.items():
        default = SCHEMA[k].convert(k, SCHEMA[k].default)
        if k in si and is_calibrated_value(si[k], default):
            out[k] = obs
    return out

#: Presets: name -> (library material, overrides).
PRESETS: dict[str, tuple[str, dict[str, Any]]] = {
    "lni-0.5cnt": ("LNI-0.5CNT", {}),
    "lni-5cnt": ("LNI-5CNT", {}),
    "lni-50cnt": ("LNI-50CNT", {}),
}


@dataclass(frozen=True)
class InterlayerParameters:
    """Validated interlayer parameters in SI units.

    Parameters
    ----------
    thickness : float
        l_i [m].
    sigma_ion, sigma_e : float
        Effective ionic / electronic conductivity [S/m].
    porosity : float
        Pore fraction [-].
    specific_area : float
        a [1/m].
    exchange_current : float
        i0 on the internal surface [A/m2 of internal area].
    anode_exchange_current : float
        i0_a at the Li anode face [A/m2 of geometric area]; 0 blocks ions there (Newman–Tobias).
    alpha : float
        Cathodic transfer coefficient [-].
    temperature : float
        T [K].
    contact_angle : float
        theta [rad].
    surface_energy : float
        gamma [J/m2].
    nucleation_prefactor, nucleation_threshold : float
        J0 and J_c [1/(m3 s)].
    ratio_ionic, ratio_electronic : float
        Regime thresholds on sigma_e/sigma_ion [-].
    name : str, default "custom"
        Preset or material name.
    sources : dict, optional
        Parameter -> source text.
    calibrated : dict, optional
        Parameter -> the observation its value was fitted to (see :data:`CALIBRATED`); only parameters that
        still hold their calibrated default are listed (a user-set value is not calibrated).
    """

    thickness: float
    sigma_ion: float
    sigma_e: float
    porosity: float
    specific_area: float
    exchange_current: float
    anode_exchange_current: float
    alpha: float
    temperature: float
    contact_angle: float
    surface_energy: float
    nucleation_prefactor: float
    nucleation_threshold: float
    ratio_ionic: float
    ratio_electronic: float
    name: str = "custom"
    sources: dict = field(default_factory=dict, compare=False)
    calibrated: dict = field(default_factory=dict, compare=False)

    def __repr__(self) -> str:
        return (f"InterlayerParameters({self.name!r}, l_i={self.thickness * 1e6:.4g} µm, σ_ion={self.sigma_ion:.3g} S/m, "
                f"σ_e={self.sigma_e:.3g} S/m, porosity={self.porosity:.3g}, T={self.temperature:.5g} K)")

    @property
    def calibrated_parameters(self) -> list[str]:
        """Names of the parameters whose value was fitted to an observation (in :data:`SCHEMA` order)."""
        return [k for k in SCHEMA if k in self.calibrated]

    def calibration_summary(self) -> dict[str, Any]:
        """The calibrated parameters and what they were fitted to, for JSON outputs.

        Returns
        -------
        dict
            ``calibrated_parameters`` (list of names) and ``calibrated_on`` (name -> observation).
        """
        names = self.calibrated_parameters
        return {"calibrated_parameters": names, "calibrated_on": {k: self.calibrated[k] for k in names}}

    # derived quantities -------------------------------------------------
    @property
    def f_rt(self) -> float:
        """F/(RT) [1/V]."""
        return FARADAY / (GAS_CONSTANT * self.temperature)

    @property
    def conductivity_ratio(self) -> float:
        """sigma_e / sigma_ion [-]."""
        return self.sigma_e / self.sigma_ion

    @property
    def kappa(self) -> float:
        """Linear-kinetics penetration constant kappa [1/m] (Newman–Tobias)."""
        return math.sqrt(self.specific_area * self.exchange_current * self.f_rt * (1.0 / self.sigma_e + 1.0 / self.sigma_ion))

    @property
    def contact_angle_deg(self) -> float:
        """theta [deg]."""
        return math.degrees(self.contact_angle)

    @property
    def heterogeneous_factor(self) -> float:
        """k_het(theta) [-] of classical heterogeneous nucleation (:func:`lisse.thermo.nucleation.heterogeneous_factor`)."""
        return heterogeneous_factor(self.contact_angle_deg)

    @property
    def critical_overpotential(self) -> float:
        """eta_c [V] where the nucleation rate reaches ``nucleation_threshold``."""
        return critical_overpotential(
            self.surface_energy, self.contact_angle_deg, self.nucleation_prefactor, self.nucleation_threshold, self.temperature
        )

    def regime(self) -> str:
        """``ionic``, ``mixed`` or ``electronic`` from sigma_e/sigma_ion and the two thresholds.

        Returns
        -------
        str
            ``"ionic"`` (sigma_e/sigma_ion < ratio_ionic), ``"electronic"`` (> ratio_electronic) or ``"mixed"``.
        """
        r = self.conductivity_ratio
        if r < self.ratio_ionic:
            return "ionic"
        if r > self.ratio_electronic:
            return "electronic"
        return "mixed"

    def with_(self, **overrides: Any) -> InterlayerParameters:
        """A copy with some parameters replaced (SI numbers, or strings with units such as ``"90 um"``).

        Parameters
        ----------
        **overrides
            Keys of :data:`SCHEMA`: SI numbers, or strings with units (e.g. ``thickness="90 um"``).

        Returns
        -------
        InterlayerParameters
            A new, validated parameter set; the replaced keys' source is ``"user"`` and they are no longer
            listed as calibrated, unless the new value is the calibrated default itself.

        Raises
        ------
        ParameterError
            An unknown key, a wrong unit or a value out of range.
        """
        si = validate({k: SCHEMA[k] for k in overrides if k in SCHEMA}, {k: v for k, v in overrides.items() if k in SCHEMA})
        for k in overrides:
            if k not in SCHEMA:
                raise unknown_key_error(k, SCHEMA, "interlayer parameter")
        src = dict(self.sources)
        src.update({k: "user" for k in overrides})
        kept = {k: v for k, v in self.calibrated.items() if k not in overrides}
        cal = {**kept, **{k: v for k, v in _calibrated_now(si).items() if k in overrides}}
        return replace(self, sources=src, calibrated=cal, **si)  # type: ignore[arg-type]  # si holds only float fields (validated by SCHEMA)

    def as_dict(self) -> dict[str, float]:
        """Parameters in SI (contact angle in rad).

        Returns
        -------
        dict of str to float
            Every :data:`SCHEMA` key in SI units (contact angle in rad).
        """
        return {k: getattr(self, k) for k in SCHEMA}


def make_parameters(preset: str | None = None, *, material: str | None = None, **overrides: Any) -> InterlayerParameters:
    """Build :class:`InterlayerParameters` from a preset or a library material plus overrides.

    Parameters
    ----------
    preset : str, optional
        One of :data:`PRESETS` (``lni-0.5cnt``, ``lni-5cnt``, ``lni-50cnt``).
    material : str, optional
        A library material with ``ionic_conductivity`` and ``electronic_conductivity`` (instead of a preset).
    **overrides
        Any key of :data:`SCHEMA`: SI numbers (``thickness=90e-6``), strings with units (``"90 um"``),
        pint quantities, or strings holding only a number (taken in the schema's display unit).
        ``None`` values are ignored.

    Returns
    -------
    InterlayerParameters
        Validated SI parameters with the source of each value; ``calibrated`` names the defaults that were
        fitted to an observation (:data:`CALIBRATED`) and that the call did not override.

    Raises
    ------
    ParameterError
        Both or an unknown preset/material, a wrong unit or range, or ``ratio_ionic >= ratio_electronic``.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    overrides = {k: v for k, v in overrides.items() if v is not None}
    values: dict[str, Any] = {}
    sources = dict(SOURCES)
    name = "custom"
    if preset is not None and material is not None:
        raise ParameterError("give either 'preset' or 'material', not both")
    if preset is not None:
        key = str(preset).strip().lower()
        if key not in PRESETS:
            raise unknown_key_error(key, PRESETS, "interlayer preset")
        material, extra = PRESETS[key]
        values.update(extra)
        name = key
    if material is not None:
        m = get_material(material)
        for prop, k in (("ionic_conductivity", "sigma_ion"), ("electronic_conductivity", "sigma_e")):
            if k in overrides:
                continue
            p = m.param(prop)
            values[k] = f"{p.value} {p.unit}"
            sources[k] = f"{p.source} (materials library: {m.name})"
        if name == "custom":
            name = m.name
    for k in overrides:
        sources[k] = "user"
    values.update(overrides)
    si = validate(SCHEMA, values, "interlayer model")
    if si["ratio_ionic"] >= si["ratio_electronic"]:
        raise ParameterError(f"parameter 'ratio_ionic' ({si['ratio_ionic']:g}) must be below 'ratio_electronic' ({si['ratio_electronic']:g})")
    register("Wang2024")
    calibrated = _calibrated_now(si)  # the defaults, and a value typed in that equals one (it reproduces the same target)
    return InterlayerParameters(**si, name=name, sources=sources, calibrated=calibrated)


# ---------------------------------------------------------------------------------------------------
# kinetics

#: Exponent clip for the Newton solvers' trial iterates (the solutions lie far inside it).
_EXP_CAP = 300.0

# The model counts plating (cathodic) current as positive with eta = phi_e - phi_ion - U; the one
# Butler–Volmer law of :mod:`lisse.electrochem` is anodic positive with alpha_a = 1 - alpha, alpha_c = alpha,
# so j_model(eta) = -i_anodic(eta). These three adapters are the only place that conversion is written.


def bv_current(eta: np.ndarray | float, i0: float, alpha: float, f_rt: float) -> np.ndarray:
    """Butler–Volmer deposition current density (cathodic positive) [A/m2].

    ``j = i0 [exp(-alpha F eta/RT) - exp((1 - alpha) F eta/RT)]`` with eta [V] (negative = cathodic), i.e.
    ``-lisse.electrochem.butler_volmer`` with ``alpha_c = alpha``. Linear limit: ``j = -i0 (F/RT) eta``, i.e.
    R_ct = RT/(F i0). Tafel limit (eta << -RT/F): slope 2.303 RT/(alpha F) = 118 mV/decade at alpha = 0.5, 25 degC.

    Parameters
    ----------
    eta : float or numpy.ndarray
        Overpotential eta = phi_e - phi_ion - U [V]; negative = cathodic (plating).
    i0 : float
        Exchange current density [A m-2].
    alpha : float
        Cathodic transfer coefficient [-] (dimensionless, 0 < alpha < 1; anodic 1 - alpha).
    f_rt : float
        F/(RT) [V-1].

    Returns
    -------
    numpy.ndarray
        Deposition current density j [A m-2 of internal area], cathodic positive.

    References
    ----------
    Bard and Faulkner, Electrochemical Methods, 2nd ed. (Wiley, 2001), ch. 3 (Butler-Volmer, Tafel).
    """
    import numpy as np

    return -i0 * reduced_butler_volmer(np.asarray(eta, dtype=float) * f_rt, 1.0 - alpha, alpha, max_exponent=_EXP_CAP)


def bv_derivative(eta: np.ndarray | float, i0: float, alpha: float, f_rt: float) -> np.ndarray:
    """d j / d eta [A/(m2 V)] of :func:`bv_current`.

    Parameters
    ----------
    eta : float or numpy.ndarray
        Overpotential eta = phi_e - phi_ion - U [V]; negative = cathodic (plating).
    i0 : float
        Exchange current density [A m-2].
    alpha : float
        Cathodic transfer coefficient [-] (dimensionless, 0 < alpha < 1; anodic 1 - alpha).
    f_rt : float
        F/(RT) [V-1].

    Returns
    -------
    numpy.ndarray
        dj/deta [A m-2 V-1].

    References
    ----------
    Bard and Faulkner, Electrochemical Methods, 2nd ed. (Wiley, 2001), ch. 3 (Butler-Volmer, Tafel).
    """
    import numpy as np

    return -i0 * f_rt * reduced_butler_volmer_slope(np.asarray(eta, dtype=float) * f_rt, 1.0 - alpha, alpha, max_exponent=_EXP_CAP)


def bv_current_and_derivative(eta: np.ndarray | float, i0: float, alpha: float, f_rt: float) -> tuple[np.ndarray, np.ndarray]:
    """:func:`bv_current` and :func:`bv_derivative` in one pass (Newton loops) [A/m2], [A/(m2 V)].

    Parameters
    ----------
    eta : float or numpy.ndarray
        Overpotential eta = phi_e - phi_ion - U [V]; negative = cathodic (plating).
    i0 : float
        Exchange current density [A m-2].
    alpha : float
        Cathodic transfer coefficient [-] (dimensionless, 0 < alpha < 1; anodic 1 - alpha).
    f_rt : float
        F/(RT) [V-1].

    Returns
    -------
    tuple of numpy.ndarray
        (j [A m-2], dj/deta [A m-2 V-1]), cathodic positive.
    """
    import numpy as np

    y, dy = reduced_butler_volmer_with_slope(np.asarray(eta, dtype=float) * f_rt, 1.0 - alpha, alpha, max_exponent=_EXP_CAP)
    return -i0 * y, -i0 * f_rt * dy


@overload
def bv_overpotential(j: float, i0: float, alpha: float, f_rt: float) -> float: ...


@overload
def bv_overpotential(j: np.ndarray, i0: np.ndarray | float, alpha: float, f_rt: float) -> np.ndarray: ...


def bv_overpotential(j: Any, i0: Any, alpha: float, f_rt: float) -> Any:
    """Invert Butler–Volmer: the eta [V] that carries ``j`` [A/m2] (cathodic positive); see :func:`lisse.electrochem.reduced_overpotential`.

    Parameters
    ----------
    j : float or numpy.ndarray
        Deposition current density [A m-2], cathodic positive (an array gives an array).
    i0 : float or numpy.ndarray
        Exchange current density [A m-2], > 0.
    alpha : float
        Cathodic transfer coefficient [-] (dimensionless).
    f_rt : float
        F/(RT) [V-1].

    Returns
    -------
    float or numpy.ndarray
        eta [V] (negative for plating).

    Raises
    ------
    ParameterError
        ``i0`` <= 0.

    References
    ----------
    Bard and Faulkner, Electrochemical Methods, 2nd ed. (Wiley, 2001), ch. 3 (Butler-Volmer, Tafel).
    """
    import numpy as np

    i0a = np.asarray(i0, dtype=float)
    if not np.all(i0a > 0):
        raise ParameterError(f"parameter 'i0' must be positive to invert Butler-Volmer; got {i0!r}")
    eta = np.asarray(reduced_overpotential(-np.asarray(j, dtype=float) / i0a, 1.0 - alpha, alpha)) / f_rt
    return float(eta) if eta.ndim == 0 else eta


# ---------------------------------------------------------------------------------------------------
# nucleation


def nucleation_rate_field(eta: np.ndarray, p: InterlayerParameters) -> np.ndarray:
    """Classical nucleation rate J(eta) [1/(m3 s)] at local overpotentials eta [V] (cathodic < 0).

    :func:`lisse.thermo.nucleation.nucleation_rate` at the cathodic overpotential ``-eta`` (corrected
    barrier of [Wang2024], with 16 pi and k_B T); 0 where eta >= 0. Concentration ratios are 1 (electroneutral,
    no depletion in the steady ohmic model).

    Parameters
    ----------
    eta : numpy.ndarray
        Local overpotentials [V]; cathodic < 0.
    p : InterlayerParameters
        Supplies surface energy [J m-2], contact angle, J0 [m-3 s-1] and temperature [K].

    Returns
    -------
    numpy.ndarray
        J [m-3 s-1], 0 where eta >= 0.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1. (barrier with 16 pi and k_B T, see :mod:`lisse.thermo.nucleation`).
    """
    import numpy as np

    return np.asarray(nucleation_rate(-np.asarray(eta, dtype=float), p.surface_energy, p.contact_angle_deg, p.nucleation_prefactor,
                                      p.temperature))


#: Largest plated areal capacity [C/m2] the model accepts: 1000 mAh/cm2 (4.9 mm of dense Li). Cells plate
#: 0.1-20 mAh/cm2 per half cycle; a larger value is a unit slip, not an experiment.
MAX_CAPACITY = 1000.0 * 3.6e4


def growth_length(capacity: float, porosity: float) -> float:
    """Growth length l_g [m]: dense-Li thickness of the plated charge, spread over the pore fraction.

    ``l_g = Q V_m / (F eps)``; Q [C/m2] (1 mAh/cm2 = 3.6e4 C/m2 -> 4.85 um of dense Li [Wang2024]),
    0 <= Q <= :data:`MAX_CAPACITY`.

    Parameters
    ----------
    capacity : float
        Plated areal charge Q [C m-2] (1 mAh cm-2 = 3.6e4 C m-2), 0 <= Q <= :data:`MAX_CAPACITY`.
    porosity : float
        Pore fraction eps [-] (dimensionless), in (0, 1].

    Returns
    -------
    float
        l_g [m].

    Raises
    ------
    ParameterError
        ``capacity`` negative, non-finite or above :data:`MAX_CAPACITY`; ``porosity`` not in (0, 1].

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    if not (math.isfinite(capacity) and capacity >= 0):
        raise ParameterError(f"parameter 'capacity' must be a non-negative areal charge; got {capacity!r} C/m2 (= {capacity / 3.6e4:g} mAh/cm2)")
    if capacity > MAX_CAPACITY:
        raise ParameterError(f"parameter 'capacity' must be at most {MAX_CAPACITY / 3.6e4:g} mAh/cm2 (4.9 mm of dense Li per half cycle); "
                             f"got {capacity / 3.6e4:.4g} mAh/cm2")
    if not (0 < porosity <= 1):
        raise ParameterError(f"parameter 'porosity' must be in (0, 1]; got {porosity!r}")
    return capacity * li_thickness_per_charge() / porosity
