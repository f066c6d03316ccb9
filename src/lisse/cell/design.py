"""Cell design arithmetic for Li-metal solid-state cells.

A :class:`CellDesign` is a stack: negative current collector | Li metal | optional interlayer |
solid electrolyte | positive composite electrode | positive current collector. All quantities are SI
inside (m, kg/m3, C/m2, A/m2, J/m2); :meth:`CellDesign.from_inputs` accepts strings with units.

Notes
-----
Equations ([Ji2025], [Su2024]):

* Li areal capacity: ``Q_Li = rho_Li * q_Li * t_Li`` with ``q_Li = F / M_Li`` (3861.9 mAh/g) and
  ``rho_Li = 0.534 g/cm3`` -> 0.2062 mAh/cm2 per um (1 mAh/cm2 = 4.85 um of dense Li).
* Positive areal capacity: ``Q_P = loading * w_active * q_active`` (loading = composite coating mass
  per area, w_active = active-material mass fraction, q_active = specific capacity).
* ``N/P = Q_Li / Q_P``; excess Li = ``Q_Li - Q_P``; thinnest Li for a target N/P:
  ``t = (N/P) Q_P / (rho_Li q_Li)``.
* C-rate <-> current density: ``i = C * Q_P / 3600 s``.
* Energy per area ``E = Q_P * V_avg``: with a lithiated positive electrode the cycled Li comes from
  the positive electrode, so the deliverable capacity is the positive one whatever the Li foil
  thickness (the foil is a reservoir; N/P < 1 is possible, N/P = 0 is anode-free).
* Stack energy densities count every layer in the stack per unit area: Li foil, interlayer
  (solid fraction), electrolyte separator, positive composite coating, both current collectors
  when present, and an optional packaging areal mass. The volumetric figure uses the *charged*
  stack thickness (the Li foil grows by ``Q_P / (rho_Li q_Li)`` on charge), the conservative choice.

References
----------
Ji et al., Nat. Commun. (2025) [Ji2025]; Su et al., Nat. Commun. 15 (2024), doi:10.1038/s41467-024-48585-7.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from lisse.citations import register
from lisse.errors import LisseError, ParameterError
from lisse.materials import Material, get_material
from lisse.params import ParamSpec, validate
from lisse.thermo.nucleation import li_thickness_per_charge
from lisse.units import from_si, quantity_args

__all__ = [
    "Layer",
    "PositiveElectrode",
    "CellDesign",
    "li_areal_capacity",
    "li_thickness_for_capacity",
    "SECONDS_PER_HOUR",
    "INACTIVE_DENSITY",
    "DEFAULT_POSITIVE_POROSITY",
    "DEFAULT_ACTIVE_FRACTION",
]

SECONDS_PER_HOUR = 3600.0
#: Density of the positive electrode's inactive fraction (carbon + PVDF binder) [kg/m3].
#: Assumed: carbon black ~1.8-2.0 g/cm3, PVDF 1.78 g/cm3.
INACTIVE_DENSITY = 1900.0
#: Porosity of a calendered composite positive electrode; assumed (typical 0.25-0.35).
DEFAULT_POSITIVE_POROSITY = 0.30
#: How far [-] a given cathode thickness may imply a porosity below 0 (or away from a given porosity) before it is refused:
#: 0.02 covers the assumed densities (the inactive 1.9 g/cm3, the library's X-ray density of the active material).
POROSITY_TOLERANCE = 0.02
#: Active-material mass fraction 80:10:10 active:carbon:PVDF [Ji2025].
DEFAULT_ACTIVE_FRACTION = 0.80

_ROLES = ("negative_collector", "negative", "interlayer", "electrolyte", "positive", "positive_collector")


def _li() -> Material:
    return get_material("Li")


@quantity_args(thickness="um")
def li_areal_capacity(thickness: float) -> float:
    """Compute the areal capacity of a dense Li foil: ``Q_Li = rho_Li q_Li t``.

    Parameters
    ----------
    thickness : float
        Foil thickness in m.

    Returns
    -------
    float
        Areal capacity in C/m² (0.2062 mAh/cm² per µm with the library's rho_Li = 0.534 g/cm³ and
        q_Li = F/M_Li = 3861.9 mAh/g).

    References
    ----------
    .. [1] Ji et al., "Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type
       solid-state batteries", Nature Communications (2025) (``Ji2025``).
    .. [2] Su et al., "A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries",
       Nature Communications 15 (2024), doi:10.1038/s41467-024-48585-7 (``Su2024``).
    """
    return thickness / li_thickness_per_charge()


@quantity_args(areal_capacity="mAh/cm2")
def li_thickness_for_capacity(areal_capacity: float) -> float:
    """Compute the dense-Li thickness holding ``areal_capacity``: ``t = Q / (rho_Li q_Li)``.

    Parameters
    ----------
    areal_capacity : float
        Areal capacity in C/m².

    Returns
    -------
    float
        Thickness in m (4.85 µm per mAh/cm²).

    References
    ----------
    .. [1] Ji et al., "Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type
       solid-state batteries", Nature Communications (2025) (``Ji2025``).
    .. [2] Su et al., "A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries",
       Nature Communications 15 (2024), doi:10.1038/s41467-024-48585-7 (``Su2024``).
    """
    return areal_capacity * li_thickness_per_charge()


@dataclass(frozen=True)
class Layer:
    """One passive layer of the stack.

    Parameters
    ----------
    role : str
        negative_collector, interlayer, electrolyte or positive_collector.
    material : str
        Library name.
    thickness : float
        Thickness in m.
    porosity : float
        Void volume fraction (dimensionless, 0 for a dense layer).
    density : float
        Solid density in kg/m³ (library value unless overridden).
    """

    role: str
    material: str
    thickness: float
    porosity: float
    density: float

    @property
    def areal_mass(self) -> float:
        """Mass per area [kg/m2] = rho (1 - porosity) t."""
        return self.density * (1.0 - self.porosity) * self.thickness


@dataclass(frozen=True)
class PositiveElectrode:
    """Composite positive electrode (SI units).

    Parameters
    ----------
    material : str
        Library name of the active material (e.g. ``"NCM811"``).
    areal_capacity : float
        Areal capacity ``Q_P = loading * active_fraction * specific_capacity`` in C/m².
    loading : float
        Mass of the whole composite coating per area, in kg/m².
    active_fraction : float
        Active-material mass fraction of the coating (dimensionless).
    specific_capacity : float
        Specific capacity of the active material in C/kg.
    thickness : float
        Coating thickness in m.
    porosity : float
        Void volume fraction of the coating (dimensionless).
    average_voltage : float
        Average discharge voltage in V vs Li/Li+.
    capacity_source : str
        Where ``specific_capacity`` comes from (citation key, or "given").
    """

    material: str
    areal_capacity: float  # C/m2
    loading: float  # kg/m2, whole composite coating
    active_fraction: float
    specific_capacity: float  # C/kg of active material
    thickness: float  # m
    porosity: float
    average_voltage: float  # V vs Li/Li+
    capacity_source: str

    @property
    def areal_mass(self) -> float:
        """Mass of the coating per area [kg/m2] (the loading)."""
        return self.loading


_SCHEMA: dict[str, ParamSpec] = {
    "li_thickness": ParamSpec("um", "Li metal foil thickness", None, 0.0, 1e-2),
    "target_np": ParamSpec("", "target N/P ratio (to size the Li foil when li_thickness is not given)", None, 0.0, 1e3),
    # upper bounds: 10x the thickest electrodes reported (~10-20 mAh/cm2, ~100 mg/cm2); a larger number is a unit error
    "cathode_capacity": ParamSpec("mAh/cm2", "positive-electrode areal capacity", None, 0.0, 100 * 3.6e4, low_inclusive=False),
    "cathode_loading": ParamSpec("mg/cm2", "positive composite coating mass per area", None, 0.0, 1000 * 1e-2, low_inclusive=False),
    "active_fraction": ParamSpec("", "active-material mass fraction of the positive composite", DEFAULT_ACTIVE_FRACTION, 0.0, 1.0, low_inclusive=False),
    "specific_capacity": ParamSpec("mAh/g", "specific capacity of the positive active material (library value by default)", None, 0.0, None, low_inclusive=False),
    "cathode_thickness": ParamSpec("um", "positive composite thickness (estimated from loading and porosity if not given)", None, 0.0, 1e-2, low_inclusive=False),
    "cathode_porosity": ParamSpec("", "positive composite porosity", DEFAULT_POSITIVE_POROSITY, 0.0, 1.0, high_inclusive=False),
    "average_voltage": ParamSpec("V", "average discharge voltage of the positive vs Li/Li+ (library value by default)", None, 0.0, 10.0, low_inclusive=False),
    "electrolyte_thickness": ParamSpec("um", "solid-electrolyte separator thickness", None, 0.0, 1e-1),
    "electrolyte_porosity": ParamSpec("", "separator porosity", 0.0, 0.0, 1.0, high_inclusive=False),
    "interlayer_thickness": ParamSpec("um", "interlayer thickness", None, 0.0, 1e-2),
    "interlayer_porosity": ParamSpec("", "interlayer porosity", 0.0, 0.0, 1.0, high_inclusive=False),
    "negative_collector_thickness": ParamSpec("um", "negative current-collector thickness (0 = none)", 0.0, 0.0, 1e-2),
    "positive_collector_thickness": ParamSpec("um", "positive current-collector thickness (0 = none)", 0.0, 0.0, 1e-2),
    "packaging_areal_mass": ParamSpec("mg/cm2", "packaging mass per cell area (0 = stack only)", 0.0, 0.0, None),
    "area": ParamSpec("cm2", "electrode area", None, 0.0, 10.0, low_inclusive=False),
}

#: The quantities :meth:`CellDesign.from_inputs` takes, with their display units (public view of the schema).
SCHEMA: dict[str, ParamSpec] = _SCHEMA

#: Keyword arguments of :meth:`CellDesign.from_inputs` that name materials (not quantities).
MATERIAL_KEYS = ("cathode_material", "electrolyte", "interlayer", "negative_collector", "positive_collector")


@dataclass(frozen=True)
class CellDesign:
    """A Li-metal solid-state cell stack (SI units).

    Build one from quantities with :meth:`from_inputs`; the equations are in the module docstring.

    Parameters
    ----------
    li_thickness : float
        Li metal foil thickness in m (0 is anode-free).
    positive : PositiveElectrode
        The positive composite electrode.
    electrolyte, interlayer, negative_collector, positive_collector : Layer or None, optional
        Passive layers present in the stack; None: absent.
    packaging_areal_mass : float, default 0
        Packaging mass per area counted in the energy densities, in kg/m².
    area : float or None, optional
        Electrode area in m² (for absolute capacity and current); None: per-area results only.
    notes : tuple of str, optional
        Free-text notes carried into summaries.

    References
    ----------
    .. [1] Ji et al., "Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type
       solid-state batteries", Nature Communications (2025) (``Ji2025``).
    .. [2] Su et al., "A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries",
       Nature Communications 15 (2024), doi:10.1038/s41467-024-48585-7 (``Su2024``).
    """

    li_thickness: float
    positive: PositiveElectrode
    electrolyte: Layer | None = None
    interlayer: Layer | None = None
    negative_collector: Layer | None = None
    positive_collector: Layer | None = None
    packaging_areal_mass: float = 0.0
    area: float | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_inputs(cls, **kwargs: Any) -> CellDesign:
        """Build a design from quantities: SI numbers, strings with units, or pint quantities.

        A Python number is SI (``li_thickness=20e-6`` is 20 um); a string with a unit (``"20 um"``) is
        converted; a string holding only a number (CLI text, a study-file value) is taken in the display
        unit shown in brackets below (``"20"`` is 20 um).

        Parameters
        ----------
        **kwargs : float, str or pint.Quantity
            Quantities: ``li_thickness`` (um), ``target_np`` (dimensionless N/P ratio), ``cathode_capacity``
            (mAh/cm2) *or* ``cathode_loading`` (mg/cm2) with ``active_fraction`` (dimensionless),
            ``specific_capacity`` (mAh/g), ``cathode_thickness`` (um), ``cathode_porosity`` (dimensionless),
            ``average_voltage`` (V), ``electrolyte_thickness`` (um), ``electrolyte_porosity``, ``interlayer_thickness``
            (um), ``interlayer_porosity``, ``negative_collector_thickness`` / ``positive_collector_thickness`` (um),
            ``packaging_areal_mass`` (mg/cm2), ``area`` (cm2). Materials (str, library names): ``cathode_material``
            (default NCM811), ``electrolyte`` (default LLZTO), ``interlayer``, ``negative_collector`` (default Cu),
            ``positive_collector`` (default Al).

        Returns
        -------
        CellDesign
            The stack, all values in SI units.

        Raises
        ------
        ParameterError, UnitError
            Unknown keys (with suggestions), wrong units, values out of range, unknown materials,
            inconsistent combinations.

        References
        ----------
        .. [1] Ji et al., "Interface engineering enabling thin lithium metal electrodes down to 0.78 um for
           garnet-type solid-state batteries", Nature Communications (2025) (``Ji2025``: the stack equations
           and the default positive-electrode composition).
        """
        mats = {k: kwargs.pop(k) for k in list(kwargs) if k in MATERIAL_KEYS}
        given = {k: v for k, v in kwargs.items() if v is not None}
        for k in given:
            if k not in _SCHEMA:
                from lisse.params import unknown_key_error

                raise unknown_key_error(k, list(_SCHEMA) + list(MATERIAL_KEYS), "cell parameter")
        optional = {k: s for k, s in _SCHEMA.items() if s.default is None}
        p = validate({k: s for k, s in _SCHEMA.items() if s.default is not None}, {k: v for k, v in given.items() if k not in optional}, "cell")
        opt: dict[str, float | None] = {k: _SCHEMA[k].convert(k, given[k]) if k in given else None for k in optional}
        register("Ji2025")

        cat = get_material(mats.get("cathode_material") or "NCM811")
        if cat.kind != "positive":
            raise ParameterError(f"parameter 'cathode_material' must be a positive-electrode material; got '{cat.name}' ({cat.kind})")
        q_spec = opt["specific_capacity"] if opt["specific_capacity"] is not None else cat.si("specific_capacity")
        cap_src = "given" if opt["specific_capacity"] is not None else cat.param("specific_capacity").source
        w = p["active_fraction"]
        if not (w * q_spec > 0.0 and math.isfinite(w * q_spec)):  # each factor is > 0, but their product can underflow to 0
            raise ParameterError(f"parameters 'active_fraction' x 'specific_capacity': expected a positive capacity per composite mass; "
                                 f"got {w:g} x {from_si(q_spec, 'mAh/g'):g} mAh/g = {from_si(w * q_spec, 'mAh/g'):g} mAh/g")
        if opt["cathode_capacity"] is not None and opt["cathode_loading"] is not None:
            implied = opt["cathode_loading"] * w * q_spec
            if abs(implied - opt["cathode_capacity"]) > 0.01 * opt["cathode_capacity"]:
                raise ParameterError(
                    "parameters 'cathode_capacity' and 'cathode_loading' disagree: loading x active_fraction x specific_capacity = "
                    f"{from_si(implied, 'mAh/cm2'):.4g} mAh/cm2 but cathode_capacity = {from_si(opt['cathode_capacity'], 'mAh/cm2'):.4g} mAh/cm2; give one of them"
                )
        if opt["cathode_capacity"] is not None:
            q_area = opt["cathode_capacity"]
            loading = opt["cathode_loading"] if opt["cathode_loading"] is not None else q_area / (w * q_spec)
        elif opt["cathode_loading"] is not None:
            loading = opt["cathode_loading"]
            q_area = loading * w * q_spec
        else:
            raise ParameterError("parameter 'cathode_capacity' (mAh/cm2) or 'cathode_loading' (mg/cm2) is required; neither was given")
        if not (q_area > 0.0 and math.isfinite(q_area) and loading > 0.0 and math.isfinite(loading)):
            raise ParameterError(f"parameters 'cathode_capacity'/'cathode_loading': expected a positive, finite capacity and loading; got "
                                 f"{from_si(q_area, 'mAh/cm2'):g} mAh/cm2 and {from_si(loading, 'mg/cm2'):g} mg/cm2")
        por = p["cathode_porosity"]
        v_solid = loading * (w / cat.si("density") + (1.0 - w) / INACTIVE_DENSITY) if cat.has("density") else None
        if opt["cathode_thickness"] is not None:
            t_pos = opt["cathode_thickness"]
            if v_solid is not None:
                # the coating cannot be thinner than its pore-free solids; a given thickness fixes the porosity
                implied = 1.0 - v_solid / t_pos
                if implied < -POROSITY_TOLERANCE:
                    raise ParameterError(
                        f"parameter 'cathode_thickness': {from_si(loading, 'mg/cm2'):.4g} mg/cm2 of composite"
                        f"{'' if opt['cathode_loading'] is not None else ' (from the capacity and the active fraction)'} (pore-free "
                        f"density {from_si(loading / v_solid, 'g/cm3'):.4g} g/cm3) needs at least {from_si(v_solid, 'um'):.4g} um; "
                        f"got {from_si(t_pos, 'um'):.4g} um (a density of {from_si(loading / t_pos, 'g/cm3'):.4g} g/cm3)")
                if "cathode_porosity" in given and abs(implied - por) > POROSITY_TOLERANCE:
                    raise ParameterError(
                        f"parameters 'cathode_thickness' and 'cathode_porosity' disagree: {from_si(loading, 'mg/cm2'):.4g} mg/cm2 in "
                        f"{from_si(t_pos, 'um'):.4g} um is a porosity of {implied:.3f}, but cathode_porosity = {por:.3f}; give one of them")
                por = max(implied, 0.0)
        else:
            if v_solid is None:
                raise ParameterError(f"material '{cat.name}' has no density in the library; give 'cathode_thickness'")
            t_pos = v_solid / (1.0 - por)
        v_avg = opt["average_voltage"] if opt["average_voltage"] is not None else _average_voltage(cat)
        positive = PositiveElectrode(cat.name, q_area, loading, w, q_spec, t_pos, por, v_avg, cap_src)

        if opt["li_thickness"] is None:
            if opt["target_np"] is None:
                raise ParameterError("parameter 'li_thickness' (um) is required unless 'target_np' is given; neither was given")
            t_li = opt["target_np"] * li_thickness_for_capacity(q_area)
        else:
            t_li = opt["li_thickness"]

        def layer(role: str, mat_name: str | None, t_key: str, por_key: str | None) -> Layer | None:
            t = opt[t_key] if t_key in opt else p.get(t_key)
            if mat_name is None or not t:
                if mat_name is not None and t is None:
                    raise ParameterError(f"parameter '{t_key}' (um) is required when '{role}' = '{mat_name}' is given")
                return None
            m = get_material(mat_name)
            if not m.has("density"):
                raise ParameterError(f"material '{m.name}' has no density in the library; it cannot be a {role} layer")
            return Layer(role, m.name, t, p[por_key] if por_key else 0.0, m.si("density"))

        el_name = mats.get("electrolyte", "LLZTO")
        el = get_material(el_name)
        if el.kind != "electrolyte":
            raise ParameterError(f"parameter 'electrolyte' must be a solid-electrolyte material; got '{el.name}' ({el.kind})")
        electrolyte = layer("electrolyte", el_name, "electrolyte_thickness", "electrolyte_porosity") if opt["electrolyte_thickness"] is not None else None
        inter_name = mats.get("interlayer")
        if inter_name is None and opt["interlayer_thickness"]:
            raise ParameterError("parameter 'interlayer' (a material name) is required when 'interlayer_thickness' is given")
        interlayer = layer("interlayer", inter_name, "interlayer_thickness", "interlayer_porosity")
        ncc = layer("negative_collector", mats.get("negative_collector", "Cu"), "negative_collector_thickness", None)
        pcc = layer("positive_collector", mats.get("positive_collector", "Al"), "positive_collector_thickness", None)
        return cls(t_li, positive, electrolyte, interlayer, ncc, pcc, p["packaging_areal_mass"], opt["area"])

    # ------------------------------------------------------------------ capacities
    @property
    def anode_capacity(self) -> float:
        """Li foil areal capacity [C/m2]."""
        return li_areal_capacity(self.li_thickness)

    @property
    def cathode_capacity(self) -> float:
        """Positive-electrode areal capacity [C/m2]."""
        return self.positive.areal_capacity

    @property
    def np_ratio(self) -> float:
        """N/P = anode areal capacity / positive areal capacity [-]."""
        return self.anode_capacity / self.cathode_capacity

    @property
    def excess_li_capacity(self) -> float:
        """Li capacity beyond the positive's [C/m2] (negative when N/P < 1)."""
        return self.anode_capacity - self.cathode_capacity

    def li_thickness_for_np(self, np_ratio: float) -> float:
        """Compute the thinnest Li foil giving ``np_ratio``: ``t = (N/P) Q_P / (rho_Li q_Li)``.

        Parameters
        ----------
        np_ratio : float
            Target N/P ratio (dimensionless, >= 0).

        Returns
        -------
        float
            Li foil thickness in m.

        Raises
        ------
        ParameterError
            If ``np_ratio`` is negative or not finite.

        References
        ----------
        .. [1] Ji et al., "Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type
           solid-state batteries", Nature Communications (2025) (``Ji2025``).
        .. [2] Su et al., "A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries",
           Nature Communications 15 (2024), doi:10.1038/s41467-024-48585-7 (``Su2024``).
        """
        if not math.isfinite(np_ratio) or np_ratio < 0:
            raise ParameterError(f"parameter 'target_np' must be ≥ 0; got {np_ratio!r}")
        return np_ratio * li_thickness_for_capacity(self.cathode_capacity)

    def current_density(self, c_rate: float) -> float:
        """Convert a C-rate into a current density based on the positive capacity: ``i = C Q_P / 3600 s``.

        Parameters
        ----------
        c_rate : float
            C-rate in 1/h (>= 0).

        Returns
        -------
        float
            Current density in A/m².

        Raises
        ------
        ParameterError
            If ``c_rate`` is negative or not finite.
        """
        if not math.isfinite(c_rate) or c_rate < 0:
            raise ParameterError(f"parameter 'c_rate' must be ≥ 0; got {c_rate!r}")
        return c_rate * self.cathode_capacity / SECONDS_PER_HOUR

    def c_rate(self, current_density: float) -> float:
        """Convert a current density into a C-rate based on the positive capacity: ``C = i 3600 s / Q_P``.

        Parameters
        ----------
        current_density : float
            Current density magnitude in A/m² (>= 0).

        Returns
        -------
        float
            C-rate in 1/h.

        Raises
        ------
        ParameterError
            If ``current_density`` is negative or not finite.
        """
        from lisse.params import check_positive

        check_positive(current_density, "current_density", "mA/cm2", allow_zero=True)
        return current_density * SECONDS_PER_HOUR / self.cathode_capacity

    # ------------------------------------------------------------------ stack
    def layers(self) -> list[tuple[str, str, float, float]]:
        """List every layer present, anode to cathode.

        Returns
        -------
        list of tuple
            ``(role, material, thickness in m, areal mass in kg/m²)`` per layer, the Li foil and the positive
            coating included.
        """
        li_rho = _li().si("density")
        out: list[tuple[str, str, float, float]] = []
        for lay in (self.negative_collector,):
            if lay:
                out.append((lay.role, lay.material, lay.thickness, lay.areal_mass))
        out.append(("negative", "Li", self.li_thickness, li_rho * self.li_thickness))
        for lay in (self.interlayer, self.electrolyte):
            if lay:
                out.append((lay.role, lay.material, lay.thickness, lay.areal_mass))
        out.append(("positive", self.positive.material, self.positive.thickness, self.positive.areal_mass))
        if self.positive_collector:
            out.append(("positive_collector", self.positive_collector.material, self.positive_collector.thickness, self.positive_collector.areal_mass))
        return out

    @property
    def areal_mass(self) -> float:
        """Stack mass per area [kg/m2] including packaging."""
        return sum(m for *_, m in self.layers()) + self.packaging_areal_mass

    @property
    def thickness_discharged(self) -> float:
        """Stack thickness [m] in the discharged state (sum of the layer thicknesses)."""
        return sum(t for _, _, t, _ in self.layers())

    @property
    def thickness_charged(self) -> float:
        """Stack thickness [m] with the positive's capacity plated as dense Li."""
        return self.thickness_discharged + li_thickness_for_capacity(self.cathode_capacity)

    @property
    def areal_energy(self) -> float:
        """Energy per area [J/m2] = Q_P V_avg."""
        return self.cathode_capacity * self.positive.average_voltage

    @property
    def gravimetric_energy_density(self) -> float:
        """Stack energy per mass [J/kg]."""
        return self.areal_energy / self.areal_mass

    @property
    def volumetric_energy_density(self) -> float:
        """Stack energy per volume [J/m3], charged-state thickness."""
        return self.areal_energy / self.thickness_charged

    def included(self) -> list[str]:
        """Name what the energy densities count.

        Returns
        -------
        list of str
            ``"role (material)"`` per layer, plus ``"packaging"`` when a packaging mass is set.
        """
        inc = [f"{r} ({m})" for r, m, _, _ in self.layers()]
        if self.packaging_areal_mass > 0:
            inc.append("packaging")
        return inc

    def with_li_thickness(self, thickness: float) -> CellDesign:
        """Return a copy with another Li foil thickness.

        Parameters
        ----------
        thickness : float
            New Li foil thickness in m (>= 0).

        Returns
        -------
        CellDesign
            The modified copy (the original is frozen and unchanged).

        Raises
        ------
        ParameterError
            If ``thickness`` is negative or not finite.
        """
        from dataclasses import replace

        if not math.isfinite(thickness) or thickness < 0:
            raise ParameterError(f"parameter 'li_thickness' must be ≥ 0 um; got {thickness * 1e6!r} um")
        return replace(self, li_thickness=thickness)

    def to_dict(self) -> dict:
        """Dump the dataclass with SI values (for provenance).

        Returns
        -------
        dict
            Nested ``dataclasses.asdict`` of the design, values in SI units.
        """
        return asdict(self)

    def _display(self) -> list[tuple[str, str]]:
        """The design's main numbers in display units (µm, mAh/cm², Wh/kg, Wh/L) for the reprs."""
        def energy(attr: str, scale: float, unit: str) -> str:
            try:
                return f"{getattr(self, attr) / scale:.4g} {unit}"
            except LisseError as exc:  # the energy needs a material property the library lacks
                return f"n/a ({exc})"

        return [("Li thickness", f"{self.li_thickness * 1e6:.4g} µm"),
                ("positive", f"{self.positive.material} {self.cathode_capacity / 36000:.4g} mAh/cm²"),
                ("N/P", f"{self.np_ratio:.4g}"),
                ("gravimetric energy", energy("gravimetric_energy_density", 3600.0, "Wh/kg")),
                ("volumetric energy", energy("volumetric_energy_density", 3.6e6, "Wh/L"))]

    def __repr__(self) -> str:
        rows = dict(self._display())
        return (f"CellDesign(Li {rows['Li thickness']}, {rows['positive']}, N/P {rows['N/P']}, "
                f"{rows['gravimetric energy'].split(' (')[0]})")

    def _repr_html_(self) -> str:
        from lisse.records.display import html_table

        return html_table("CellDesign", self._display())


def _average_voltage(cat: Material) -> float:
    if cat.has("average_voltage"):
        return cat.si("average_voltage")
    raise ParameterError(f"material '{cat.name}' has no average voltage in the library; give 'average_voltage'")
