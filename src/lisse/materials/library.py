"""The materials library: identities in code, property values in one cited TOML file per source.

Each file under ``lisse/materials/sets/`` holds the values one source reports (``Wang2024.toml``,
``CRC.toml`` …) or, in ``assumed.toml``, values lisse assumes with the reason. Files are package
data, read once on first use; every property is a :class:`~lisse.params.Param` carrying its unit and
source. Molar mass is computed from the formula; molar volume from molar mass and density;
the theoretical specific capacity of Li metal from Faraday's law. Computed values are stored
unrounded (they are the one source of the Li constants the models use); round for display only.

An entry is ``{ value, unit, source }`` plus optional ``T`` (the temperature it refers to), ``note``, ``low``/``high``
(a literature range) and ``calibrated`` (text naming the observation the value was fitted to, or derived from through
a fitted value): such a value is marked in ``lisse materials`` and named in ``calibrated_parameters`` by the interface
model wherever it takes it.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from lisse.constants import BOLTZMANN, FARADAY
from lisse.errors import ParameterError
from lisse.materials.composition import molar_mass
from lisse.params import Param, check_temperature, unknown_key_error
from lisse.units import to_si

__all__ = ["Material", "PROPERTIES", "KINDS", "get_material", "list_materials", "source_files", "LIBRARY_TEMPERATURE",
           "temperature_caveat"]

#: Temperature [K] at which the library's transport and interface properties hold (conductivities, exchange currents and
#: interfacial resistances, Li self-diffusivity): the cited papers' room-temperature tests, 25 degC.
LIBRARY_TEMPERATURE = 298.15


def temperature_caveat(temperature: float, *, tolerance: float = 5.0) -> str | None:
    """A warning when a model runs at a temperature other than the one its library properties hold at.

    Parameters
    ----------
    temperature : float
        The model's temperature [K].
    tolerance : float, default 5.0
        Largest difference [K] from :data:`LIBRARY_TEMPERATURE` without a warning.

    Returns
    -------
    str or None
        The warning (None within ``tolerance``): only the explicit temperature terms of the equations (kT, RT/F,
        Arrhenius creep) follow ``temperature``; the conductivities, exchange currents and Li self-diffusivity stay at
        25 degC, so trends with temperature are not predicted (a warmer cell can even come out worse).
    """
    if abs(temperature - LIBRARY_TEMPERATURE) <= tolerance:
        return None
    return (f"temperature {temperature:.5g} K: the library's conductivities, exchange currents / interfacial resistances and "
            "Li self-diffusivity hold at 25 degC and are not scaled to it (only kT, RT/F and the Arrhenius creep law are): "
            "a trend with temperature is not predicted; give the properties at this temperature (overrides) for a number")

#: Property name -> (display unit, meaning).
PROPERTIES: dict[str, tuple[str, str]] = {
    "density": ("g/cm3", "mass density"),
    "molar_mass": ("g/mol", "molar mass of the formula unit"),
    "molar_volume": ("cm3/mol", "molar volume of the formula unit"),
    "ionic_conductivity": ("S/cm", "Li+ conductivity"),
    "electronic_conductivity": ("S/cm", "electronic conductivity"),
    "ionic_activation_energy": ("eV", "Arrhenius activation energy of the ionic conductivity"),
    "surface_energy": ("J/m2", "surface energy (solid) / surface tension"),
    "specific_capacity": ("mAh/g", "specific capacity of the active material"),
    "average_voltage": ("V", "average discharge voltage vs Li/Li+"),
    "youngs_modulus": ("GPa", "Young's modulus"),
    "shear_modulus": ("GPa", "shear modulus"),
    "yield_strength": ("MPa", "yield (flow) stress at room temperature and quasi-static strain rate"),
    "creep_prefactor": ("1/s", "power-law creep prefactor A in strain_rate = A (stress / 1 MPa)^n exp(-Q/RT)"),
    "creep_stress_exponent": ("", "power-law creep stress exponent n"),
    "creep_activation_energy": ("kJ/mol", "power-law creep activation energy Q"),
    "self_diffusivity": ("cm2/s", "tracer self-diffusion coefficient of Li in the material"),
    "fracture_toughness": ("MPa*m**0.5", "mode-I fracture toughness K_IC"),
    "li_contact_angle": ("deg", "contact angle of Li metal on the (surface of the) material"),
    "interfacial_resistance": ("ohm*cm2", "area-specific Li | material interfacial resistance (one interface)"),
    "exchange_current_density": ("mA/cm2", "Li/Li+ exchange current density of the Li | material interface (geometric area)"),
    "stack_pressure": ("MPa", "stack pressure of the source's symmetric-cell (CCD) tests with this material"),
    "separator_thickness": ("um", "thickness of the source's electrolyte pellet / separator"),
    "separator_resistance": ("ohm", "ionic resistance of the source's electrolyte pellet / separator (EIS)"),
}

#: Material kinds (``lisse materials --kind``).
KINDS: tuple[str, ...] = ("metal", "electrolyte", "interlayer", "coating", "alloy", "positive", "collector", "surface", "additive")

# name: (formula, kind, description, aliases)
_IDENTITIES: dict[str, tuple[str | None, str, str, tuple[str, ...]]] = {
    "Li": ("Li", "metal", "lithium metal", ("lithium",)),
    "LLZO": ("Li7La3Zr2O12", "electrolyte", "garnet Li7La3Zr2O12 (cubic)", ("Li7La3Zr2O12",)),
    "LLZTO": ("Li6.4La3Zr1.4Ta0.6O12", "electrolyte", "Ta-doped garnet Li6.4La3Zr1.4Ta0.6O12", ("Li6.4La3Zr1.4Ta0.6O12",)),
    "LPSC": ("Li5.5PS4.5Cl1.5", "electrolyte", "Cl-rich argyrodite Li5.5PS4.5Cl1.5", ("Li5.5PS4.5Cl1.5",)),
    "Li6PS5Cl": ("Li6PS5Cl", "electrolyte", "argyrodite Li6PS5Cl", ()),
    "LNI": ("Li7N2I", "electrolyte", "nitride-iodide Li7N2I", ("Li7N2I",)),
    "LNI-0.5CNT": (None, "interlayer", "Li7N2I with 0.5 wt% carbon nanotubes (ionic interlayer)", ("LNI-0.5%CNT",)),
    "LNI-5CNT": (None, "interlayer", "Li7N2I with 5 wt% carbon nanotubes (mixed interlayer)", ("LNI-5%CNT",)),
    "LNI-50CNT": (None, "interlayer", "Li7N2I with 50 wt% carbon nanotubes (electronic interlayer)", ("LNI-50%CNT",)),
    "LNI-2CNT": (None, "interlayer", "Li7N2I with 2 wt% carbon nanotubes (outer layer of Wang2024's dual layer)", ("LNI-2%CNT",)),
    "LNI-7CNT": (None, "interlayer", "Li7N2I with 7 wt% carbon nanotubes (inner layer of Wang2024's dual layer)", ("LNI-7%CNT",)),
    "LNI-25Mg": (None, "interlayer", "graded Li7N2I-Mg layer, 25 wt% Mg on average (Wang2024 gradient interlayer)", ("LNI-25%Mg",)),
    "CNT": (None, "additive", "multi-walled carbon nanotubes (electronic additive of the LNI-CNT layers)", ("carbon nanotubes", "MWCNT")),
    "Mg": ("Mg", "additive", "magnesium metal (additive of the graded LNI-Mg layer)", ("magnesium",)),
    "LLZTO-air": (None, "surface", "air-exposed LLZTO surface covered by Li2CO3 (Ji2025's untreated reference)", ("LLZTO-air-exposed",)),
    "LLZTO-TfOH": (None, "surface", "TfOH-treated LLZTO surface: LiCF3SO3 + LiF layer of ~0.3 um (Ji2025)", ("TfOH-LLZTO",)),
    "LACSS": (None, "metal", "Li metal with the Li-Al-Cl stratified surface (Li9Al4 + LiCl, ~300 nm; Su2024)", ("Li-Al-Cl",)),
    "LiF": ("LiF", "coating", "lithium fluoride", ()),
    "Li2CO3": ("Li2CO3", "coating", "lithium carbonate (air-exposure product on garnet)", ()),
    "LiCF3SO3": ("LiCF3SO3", "coating", "lithium triflate (TfOH treatment product)", ("LiOTf",)),
    "LiCl": ("LiCl", "coating", "lithium chloride", ()),
    "Li9Al4": ("Li9Al4", "alloy", "Li9Al4 intermetallic (monoclinic)", ()),
    "Li2O": ("Li2O", "coating", "lithium oxide", ()),
    "Li3N": ("Li3N", "coating", "lithium nitride", ()),
    "NCM811": ("LiNi0.8Co0.1Mn0.1O2", "positive", "LiNi0.8Co0.1Mn0.1O2", ("NMC811",)),
    "NCM83": ("LiNi0.83Co0.12Mn0.05O2", "positive", "LiNi0.83Co0.12Mn0.05O2 (NCM83125)", ("NMC83", "NCM83125")),
    "LFP": ("LiFePO4", "positive", "LiFePO4", ("LiFePO4",)),
    "Cu": ("Cu", "collector", "copper foil", ("copper",)),
    "Al": ("Al", "collector", "aluminium foil", ("aluminium", "aluminum")),
}


@dataclass(frozen=True)
class Material:
    """A material with cited properties.

    Parameters
    ----------
    name : str
        Library name (``"LLZTO"``).
    formula : str or None
        Formula unit, None for composites.
    kind : str
        One of :data:`KINDS` (metal, electrolyte, interlayer, coating, alloy, positive, collector, surface, additive).
    description : str
        One line: what the material is (composition, phase).
    aliases : tuple of str, default ()
        Other names :func:`get_material` accepts (case-insensitive).
    properties : dict of str to Param, optional
        Property name -> value with unit and source (see :data:`PROPERTIES`); values in the unit the source
        prints, :meth:`si` converts.
    ranges : dict of str to tuple of float, optional
        Property name -> (low, high) literature range, in the unit of that property's :class:`Param`
        (as the source prints it, not SI).
    """

    name: str
    formula: str | None
    kind: str
    description: str
    aliases: tuple[str, ...] = ()
    properties: dict[str, Param] = field(default_factory=dict)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)

    def __repr__(self) -> str:
        formula = f", {self.formula!r}" if self.formula and self.formula != self.name else ""
        return f"Material({self.name!r}{formula}, {self.kind}, {len(self.properties)} properties)"

    def has(self, prop: str) -> bool:
        """Tell whether the library has a value for property ``prop``.

        Parameters
        ----------
        prop : str
            A key of :data:`PROPERTIES`.

        Returns
        -------
        bool
            True when the material carries that property.
        """
        return prop in self.properties

    def param(self, prop: str) -> Param:
        """Return the :class:`Param` (value, unit, source) of property ``prop``.

        Parameters
        ----------
        prop : str
            A key of :data:`PROPERTIES`.

        Returns
        -------
        Param
            The cited value in the unit of its source.

        Raises
        ------
        ParameterError
            If ``prop`` is not a known property (with close matches) or this material has no value for it.
        """
        if prop not in PROPERTIES:
            raise unknown_key_error(prop, PROPERTIES, "material property")
        try:
            return self.properties[prop]
        except KeyError:
            have = ", ".join(sorted(self.properties)) or "none"
            raise ParameterError(f"material '{self.name}' has no value for '{prop}' in the library (it has: {have}); pass one explicitly") from None

    def si(self, prop: str) -> float:
        """Return the value of ``prop`` in SI units.

        Parameters
        ----------
        prop : str
            A key of :data:`PROPERTIES`.

        Returns
        -------
        float
            The value in SI base units (e.g. kg/m³ for ``density``, S/m for ``ionic_conductivity``).

        Raises
        ------
        ParameterError
            If the property is unknown or missing for this material.
        """
        return self.param(prop).si

    def ionic_conductivity(self, temperature: float | None = None) -> float:
        """Return the ionic conductivity at ``temperature`` (Arrhenius extrapolation from the reference value).

        Uses ``sigma(T) = sigma_ref * exp(-(E_a/k_B) (1/T - 1/T_ref))`` when an activation energy is in
        the library; without one, only the reference temperature is allowed.

        Parameters
        ----------
        temperature : float or None, optional
            Absolute temperature in K; None: the reference temperature of the library value.

        Returns
        -------
        float
            Ionic conductivity in S/m.

        Raises
        ------
        ParameterError
            If ``temperature`` is out of range, or differs from the reference temperature and the library has
            no activation energy for this material.

        Notes
        -----
        The Arrhenius form without the 1/T prefactor (``sigma`` rather than ``sigma T``); the activation energy
        and reference value come from the material's cited source.
        """
        p = self.param("ionic_conductivity")
        if temperature is not None:
            check_temperature(temperature, "temperature")
        if temperature is None or p.temperature_K is None or abs(temperature - p.temperature_K) < 1e-9:
            return p.si
        if not self.has("ionic_activation_energy"):
            raise ParameterError(
                f"material '{self.name}': ionic conductivity is known only at {p.temperature_K:.2f} K and no activation "
                f"energy is in the library; got temperature {temperature} K"
            )
        ea = self.si("ionic_activation_energy")  # J
        return p.si * math.exp(-(ea / BOLTZMANN) * (1.0 / temperature - 1.0 / p.temperature_K))


def source_files() -> list[str]:
    """List the names of the bundled per-source data files.

    Returns
    -------
    list of str
        File names (``*.toml``) under ``lisse/materials/sets``, sorted.
    """
    return sorted(p.name for p in resources.files("lisse.materials").joinpath("sets").iterdir() if p.name.endswith(".toml"))


def _param_from_entry(mat: str, prop: str, entry: dict, fname: str) -> tuple[Param, tuple[float, float] | None]:
    if prop not in PROPERTIES:
        raise ParameterError(f"{fname}: material '{mat}' has an unknown property '{prop}'") from unknown_key_error(prop, PROPERTIES, "property")
    allowed = {"value", "unit", "source", "T", "note", "low", "high", "calibrated"}
    bad = set(entry) - allowed
    if bad:
        raise ParameterError(f"{fname}: {mat}.{prop} has unknown field(s) {sorted(bad)}; allowed {sorted(allowed)}")
    unit = entry["unit"]
    want = PROPERTIES[prop][0]
    if unit.replace(" ", "") != want.replace(" ", ""):  # a value in the property's own unit needs no dimension check
        to_si(f"{entry['value']} {unit}", want, f"{mat}.{prop}")  # (and K_IC's m**0.5 would import pint for every command)
    t_k = to_si(entry["T"], "K", f"{mat}.{prop}.T") if "T" in entry else None
    rng = (float(entry["low"]), float(entry["high"])) if "low" in entry else None
    calibrated = entry.get("calibrated", "")
    if not isinstance(calibrated, str) or ("calibrated" in entry and not calibrated.strip()):
        raise ParameterError(f"{fname}: {mat}.{prop}.calibrated must be text naming the observation the value was fitted to; "
                             f"got {calibrated!r}")
    return Param(float(entry["value"]), unit, entry["source"], t_k, entry.get("note", ""), calibrated.strip()), rng


@lru_cache(maxsize=1)
def _library() -> dict[str, Material]:
    props: dict[str, dict[str, Param]] = {k: {} for k in _IDENTITIES}
    ranges: dict[str, dict[str, tuple[float, float]]] = {k: {} for k in _IDENTITIES}
    for fname in source_files():
        data = tomllib.loads(resources.files("lisse.materials").joinpath("sets", fname).read_text("utf-8"))
        for mat, entries in data.get("materials", {}).items():
            if mat not in _IDENTITIES:
                raise unknown_key_error(mat, _IDENTITIES, f"material in {fname}")
            for prop, entry in entries.items():
                if prop in props[mat]:
                    raise ParameterError(f"{fname}: {mat}.{prop} is also given by another source file; keep one")
                p, rng = _param_from_entry(mat, prop, entry, fname)
                props[mat][prop] = p
                if rng:
                    ranges[mat][prop] = rng
    out: dict[str, Material] = {}
    for name, (formula, kind, desc, aliases) in _IDENTITIES.items():
        pr = props[name]
        if formula:
            mm = molar_mass(formula) * 1e3
            pr["molar_mass"] = Param(mm, "g/mol", "computed from the formula with IUPAC 2021 atomic weights")
            if "density" in pr:
                pr["molar_volume"] = Param(mm / pr["density"].si * 1e3, "cm3/mol", "computed: molar mass / density")
        if name == "Li":
            cap = FARADAY / (molar_mass("Li") * 1e3 * 3.6)  # (C/mol) / (g/mol) / (3.6 C/mAh) -> mAh/g
            pr["specific_capacity"] = Param(cap, "mAh/g", "computed: F / M(Li) (Faraday's law, one electron)")
        out[name] = Material(name, formula, kind, desc, aliases, pr, ranges[name])
    return out


def _aliases() -> dict[str, str]:
    table = {}
    for name, (_, _, _, aliases) in _IDENTITIES.items():
        table[name.lower()] = name
        for a in aliases:
            table[a.lower()] = name
    return table


def get_material(name: str) -> Material:
    """Look up a material by name or alias (case-insensitive).

    Parameters
    ----------
    name : str or Material
        Library name or alias (``"llzto"``, ``"Li7La3Zr2O12"``); a :class:`Material` is returned unchanged.

    Returns
    -------
    Material
        The library entry.

    Raises
    ------
    ParameterError
        If the name is unknown; the message suggests close matches.
    """
    if isinstance(name, Material):
        return name
    key = str(name).strip().lower()
    table = _aliases()
    if key in table:
        return _library()[table[key]]
    raise unknown_key_error(str(name), _IDENTITIES, "material")


def list_materials(kind: str | None = None) -> list[Material]:
    """List all library materials, optionally of one kind.

    Parameters
    ----------
    kind : str or None, optional
        One of :data:`KINDS`; None: all.

    Returns
    -------
    list of Material
        The matching entries.
    """
    mats = list(_library().values())
    return [m for m in mats if kind is None or m.kind == kind]
