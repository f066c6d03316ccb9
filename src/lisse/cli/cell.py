"""``lisse cell``: cell design arithmetic."""

from __future__ import annotations

from lisse.cli.common import fmt

NAME = "cell"
HELP = "cell design: Li thickness <-> capacity, N/P, excess Li, C-rate, stack energy density"
DESCRIPTION = (
    "Compute the design numbers of a Li-metal solid-state cell stack: Li areal capacity, positive areal "
    "capacity (given, or loading x active fraction x specific capacity), N/P ratio, excess Li, C-rate <-> "
    "current density, stack energy density, and the thinnest Li foil for a target N/P. Quantities take units."
)
EXAMPLES = """\
  lisse cell --li-thickness "7.54 um" --cathode-capacity "1.5 mAh/cm2" --json
  lisse cell --li-thickness "20 um" --cathode-loading "10 mg/cm2" --active-fraction 0.8 --cathode NCM811 \\
             --electrolyte LLZTO --electrolyte-thickness "600 um" --c-rate 0.5
  lisse cell --target-np 1.0 --cathode-capacity "2.2 mAh/cm2" --cathode NCM811
  lisse cell --li-thickness "20 um" --cathode-capacity "2.2 mAh/cm2" --interlayer LNI-5CNT \\
             --interlayer-thickness "90 um" --interlayer-porosity 0.3 --electrolyte LPSC --electrolyte-thickness "500 um"
"""

_QTY = [
    ("li_thickness", "Li foil thickness, e.g. '7.54 um'"),
    ("target_np", "target N/P ratio; sizes the Li foil if --li-thickness is absent, else reports the thickness for it"),
    ("cathode_capacity", "positive areal capacity, e.g. '1.5 mAh/cm2'"),
    ("cathode_loading", "positive composite coating mass per area, e.g. '10 mg/cm2'"),
    ("active_fraction", "active-material mass fraction of the positive composite (default 0.8 = 80:10:10, Ji2025)"),
    ("specific_capacity", "specific capacity of the positive active material (default: library value)"),
    ("cathode_thickness", "positive composite thickness (default: from loading, densities and porosity)"),
    ("cathode_porosity", "positive composite porosity (default 0.30, assumed)"),
    ("average_voltage", "average discharge voltage vs Li/Li+ (default: library value)"),
    ("electrolyte_thickness", "solid-electrolyte separator thickness, e.g. '600 um' (omit to leave it out)"),
    ("electrolyte_porosity", "separator porosity (default 0)"),
    ("interlayer_thickness", "interlayer thickness"),
    ("interlayer_porosity", "interlayer porosity (default 0)"),
    ("negative_collector_thickness", "negative current collector (Cu) thickness (default none)"),
    ("positive_collector_thickness", "positive current collector (Al) thickness (default none)"),
    ("packaging_areal_mass", "packaging mass per area, e.g. '5 mg/cm2' (default 0: stack only)"),
    ("area", "electrode area, e.g. '0.785 cm2' (adds cell capacity and current)"),
]


def add_arguments(parser) -> None:
    from lisse.cell.design import SCHEMA
    from lisse.cli.common import add_quantity

    for key, helptext in _QTY:
        add_quantity(parser, "--" + key.replace("_", "-"), SCHEMA[key].unit, helptext, dest=key)
    parser.add_argument("--cathode", dest="cathode_material", default=None, help="positive active material (default NCM811)")
    parser.add_argument("--electrolyte", default=None, help="electrolyte material (default LLZTO)")
    parser.add_argument("--interlayer", default=None, help="interlayer material (e.g. LNI-5CNT)")
    parser.add_argument("--c-rate", default=None, help="C-rate (1/h) to convert into a current density, e.g. 0.5")
    add_quantity(parser, "--current-density", "mA/cm2", "current density to convert into a C-rate, e.g. '1 mA/cm2'")


def build(args):
    """Build the design and the extra conversions from parsed arguments."""
    from lisse.cell import CellDesign

    kw = {k: getattr(args, k) for k, _ in _QTY if getattr(args, k) is not None}
    for k in ("cathode_material", "electrolyte", "interlayer"):
        if getattr(args, k):
            kw[k] = getattr(args, k)
    design = CellDesign.from_inputs(**kw)
    c_rate = _c_rate(args.c_rate) if args.c_rate is not None else None
    return design, c_rate, args.current_density, args.target_np


def _c_rate(text: str) -> float:
    """Parse '0.5', '0.5C', 'C/2' or a quantity such as '0.5 1/h' into a C-rate in 1/h."""
    from lisse.errors import LisseError, ParameterError

    t = str(text).strip().upper()
    try:
        if t.startswith("C/"):
            value = 1.0 / float(t[2:])
        else:
            value = float(t[:-1] if t.endswith("C") else t)
    except (ValueError, ZeroDivisionError):
        from lisse.units import as_si

        try:
            value = as_si(str(text), "1/h", "c_rate") * 3600.0  # 1/s -> 1/h
        except LisseError:
            raise ParameterError(f"parameter 'c_rate' expects a rate in 1/h such as 0.5, 0.5C, C/2 or '0.5 1/h'; got '{text}'") from None
    if not value >= 0 or value == float("inf"):
        raise ParameterError(f"parameter 'c_rate' must be a finite number ≥ 0; got '{text}'")
    return value


def run(args) -> dict:
    from lisse.cell.summary import summarize

    design, c_rate, cd, target = build(args)
    return summarize(design, c_rate=c_rate, current_density=cd, target_np=target)


def render(r: dict) -> str:
    from lisse.cli.common import table

    lines = [
        f"Li foil            {fmt(r['li_thickness_um'], 4)} um  ->  {fmt(r['anode_capacity_mAh_cm2'], 4)} mAh/cm2 ({r['li_capacity_per_um_mAh_cm2']:.4f} mAh/cm2 per um)",
        f"positive ({r['cathode_material']})   {fmt(r['cathode_capacity_mAh_cm2'], 4)} mAh/cm2  (loading {fmt(r['cathode_loading_mg_cm2'], 3)} mg/cm2, "
        f"{100 * r['cathode_active_fraction']:.0f}% active, {fmt(r['cathode_specific_capacity_mAh_g'], 4)} mAh/g, {fmt(r['cathode_thickness_um'], 3)} um)",
        f"N/P                {r['np_ratio']:.3f}   excess Li {r['excess_li_mAh_cm2']:+.3g} mAh/cm2 ({r['excess_li_percent']:+.0f} %)",
        f"Li for N/P = 1     {fmt(r['li_thickness_for_np1_um'], 3)} um",
        f"1C                 {fmt(r['current_density_1C_mA_cm2'], 3)} mA/cm2",
    ]
    if "target_np" in r:
        lines.append(f"Li for N/P = {fmt(r['target_np'])}   {fmt(r['li_thickness_for_target_np_um'], 3)} um")
    if "c_rate_per_h" in r:
        lines.append(f"{fmt(r['c_rate_per_h'], 3)}C             = {fmt(r['current_density_mA_cm2'], 3)} mA/cm2")
    lines += [
        f"stack              {fmt(r['stack_areal_mass_mg_cm2'], 4)} mg/cm2, {fmt(r['stack_thickness_discharged_um'], 4)} um (charged {fmt(r['stack_thickness_charged_um'], 4)} um)",
        f"energy density     {fmt(r['gravimetric_energy_density_Wh_kg'], 4)} Wh/kg, {fmt(r['volumetric_energy_density_Wh_L'], 4)} Wh/L  (includes: {', '.join(r['energy_density_includes'])})",
        "",
        table([(x["role"], x["material"], x["thickness_um"], x["areal_mass_mg_cm2"]) for x in r["layers"]], ["layer", "material", "thickness_um", "mass_mg_cm2"]),
    ]
    return "\n".join(lines)
