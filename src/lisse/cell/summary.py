"""Unit-suffixed, JSON-ready summaries of a :class:`~lisse.cell.CellDesign` (shared by CLI and report)."""

from __future__ import annotations

from lisse.cell.design import CellDesign, li_thickness_for_capacity
from lisse.errors import ParameterError
from lisse.params import check_count
from lisse.units import from_si, quantity_args

TYPE_CHECKING = False
if TYPE_CHECKING:  # numpy is imported inside the functions (`import lisse.cell` stays light)
    import numpy as np
    from numpy.typing import ArrayLike

__all__ = ["summarize", "li_thickness_sweep", "li_thickness_grid", "MAX_SWEEP_POINTS"]

#: Most Li thicknesses in one design sweep: each is one design evaluation; 10 000 is far finer than a plot
#: resolves and bounds the tables (a few MB).
MAX_SWEEP_POINTS = 10_000


@quantity_args(li_min="um", li_max="um")
def li_thickness_grid(li_min: float, li_max: float, points: int = 201) -> np.ndarray:
    """Return ``points`` Li foil thicknesses evenly spaced from ``li_min`` to ``li_max``.

    Parameters
    ----------
    li_min, li_max : float
        Smallest and largest thickness in m (0 <= li_min < li_max, finite).
    points : int, default 201
        Number of points (2 to :data:`MAX_SWEEP_POINTS`).

    Returns
    -------
    ndarray
        Thicknesses in m.

    Raises
    ------
    ParameterError
        Unless 0 <= li_min < li_max (finite) and 2 <= points <= :data:`MAX_SWEEP_POINTS`.
    """
    import numpy as np

    n = check_count(points, "points", 2, MAX_SWEEP_POINTS, "Li thicknesses of the design sweep")
    if not 0.0 <= li_min < li_max < np.inf:
        raise ParameterError(f"parameter 'li_thickness_range' must satisfy 0 <= low < high (finite); got {li_min * 1e6:g} um, "
                             f"{li_max * 1e6:g} um")
    return np.linspace(li_min, li_max, n)


@quantity_args(current_density="mA/cm2")
def summarize(design: CellDesign, c_rate: float | None = None, current_density: float | None = None, target_np: float | None = None) -> dict:
    """Summarise a design as a dict with snake_case keys carrying units (``np_ratio``, ``anode_capacity_mAh_cm2`` …).

    Parameters
    ----------
    design : CellDesign
        The stack to summarise.
    c_rate : float, optional
        C-rate in 1/h to convert into a current density.
    current_density : float, optional
        Current density in A/m² to convert into a C-rate.
    target_np : float, optional
        N/P ratio (dimensionless) for which to report the thinnest Li foil.

    Returns
    -------
    dict
        JSON-ready values in the display unit their key names (``li_thickness_um``,
        ``gravimetric_energy_density_Wh_kg``, ``layers`` ...); ``area_cm2``/``cell_capacity_mAh`` when the
        design has an area, ``c_rate_per_h``/``current_density_mA_cm2`` when one of them was given.

    Raises
    ------
    ParameterError
        If ``c_rate``, ``current_density`` or ``target_np`` is out of range.
    """
    d = design
    pos = d.positive
    out: dict = {
        "li_thickness_um": from_si(d.li_thickness, "um"),
        "anode_capacity_mAh_cm2": from_si(d.anode_capacity, "mAh/cm2"),
        "cathode_capacity_mAh_cm2": from_si(d.cathode_capacity, "mAh/cm2"),
        "np_ratio": d.np_ratio,
        "excess_li_mAh_cm2": from_si(d.excess_li_capacity, "mAh/cm2"),
        "excess_li_percent": 100.0 * d.excess_li_capacity / d.cathode_capacity,
        "li_capacity_per_um_mAh_cm2": from_si(d.with_li_thickness(1e-6).anode_capacity, "mAh/cm2"),
        "li_thickness_for_np1_um": from_si(d.li_thickness_for_np(1.0), "um"),
        "plated_li_thickness_full_charge_um": from_si(li_thickness_for_capacity(d.cathode_capacity), "um"),
        "cathode_material": pos.material,
        "cathode_specific_capacity_mAh_g": from_si(pos.specific_capacity, "mAh/g"),
        "cathode_specific_capacity_source": pos.capacity_source,
        "cathode_active_fraction": pos.active_fraction,
        "cathode_loading_mg_cm2": from_si(pos.loading, "mg/cm2"),
        "cathode_active_loading_mg_cm2": from_si(pos.loading * pos.active_fraction, "mg/cm2"),
        "cathode_thickness_um": from_si(pos.thickness, "um"),
        "cathode_porosity": pos.porosity,
        "average_voltage_V": pos.average_voltage,
        "current_density_1C_mA_cm2": from_si(d.current_density(1.0), "mA/cm2"),
        "areal_energy_mWh_cm2": from_si(d.areal_energy, "mW*h/cm2"),
        "stack_areal_mass_mg_cm2": from_si(d.areal_mass, "mg/cm2"),
        "stack_thickness_discharged_um": from_si(d.thickness_discharged, "um"),
        "stack_thickness_charged_um": from_si(d.thickness_charged, "um"),
        "gravimetric_energy_density_Wh_kg": from_si(d.gravimetric_energy_density, "W*h/kg"),
        "volumetric_energy_density_Wh_L": from_si(d.volumetric_energy_density, "W*h/L"),
        "energy_density_includes": d.included(),
        "energy_density_basis": "positive capacity x average voltage over the whole stack per area; volume at the charged-state thickness",
        "layers": [
            {"role": r, "material": m, "thickness_um": from_si(t, "um"), "areal_mass_mg_cm2": from_si(am, "mg/cm2")}
            for r, m, t, am in d.layers()
        ],
    }
    if d.area is not None:
        out["area_cm2"] = from_si(d.area, "cm2")
        out["cell_capacity_mAh"] = from_si(d.cathode_capacity * d.area, "mA*h")
    if c_rate is not None:
        out["c_rate_per_h"] = c_rate
        out["current_density_mA_cm2"] = from_si(d.current_density(c_rate), "mA/cm2")
        if d.area is not None:
            out["current_mA"] = from_si(d.current_density(c_rate) * d.area, "mA")
    if current_density is not None:
        out["current_density_mA_cm2"] = from_si(current_density, "mA/cm2")
        out["c_rate_per_h"] = d.c_rate(current_density)
    if target_np is not None:
        out["target_np"] = target_np
        out["li_thickness_for_target_np_um"] = from_si(d.li_thickness_for_np(target_np), "um")
    return out


@quantity_args(thicknesses="um[]")
def li_thickness_sweep(design: CellDesign, thicknesses: ArrayLike) -> dict:
    """Compute N/P and stack energy densities of ``design`` with each Li foil thickness of ``thicknesses``.

    Parameters
    ----------
    design : CellDesign
        The stack; only its Li thickness is varied.
    thicknesses : array_like of float
        Li foil thicknesses in m (at most :data:`MAX_SWEEP_POINTS`).

    Returns
    -------
    dict of str to ndarray
        Arrays in the display units their keys name: ``li_thickness_um`` (in µm), ``np_ratio``, ``gravimetric_Wh_kg``,
        ``volumetric_Wh_L``.

    Raises
    ------
    ParameterError
        If there are too many points or a thickness is negative.
    """
    import numpy as np

    if np.size(thicknesses) > MAX_SWEEP_POINTS:
        raise ParameterError(f"the Li-thickness sweep has {np.size(thicknesses)} points; the limit is {MAX_SWEEP_POINTS}")
    t = np.asarray(thicknesses, dtype=float)
    designs = [design.with_li_thickness(float(x)) for x in t]
    return {
        "li_thickness_um": t * 1e6,
        "np_ratio": np.array([x.np_ratio for x in designs]),
        "gravimetric_Wh_kg": np.array([from_si(x.gravimetric_energy_density, "W*h/kg") for x in designs]),
        "volumetric_Wh_L": np.array([from_si(x.volumetric_energy_density, "W*h/L") for x in designs]),
    }
