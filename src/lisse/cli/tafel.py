"""``lisse tafel``: exchange current density from an LSV (Tafel and Allen-Hickling fits)."""

from __future__ import annotations

from lisse.cli._cycling_common import declared_units, format_help, units_help

NAME = "tafel"
HELP = "exchange current density i0, transfer coefficients and R_ct from a linear sweep (LSV)"
DESCRIPTION = (
    "Read an LSV file, convert to overpotential (eta = E - E_eq - i*ASR; E_eq from the zero-current crossing "
    "unless given) and current density, then fit Tafel lines on each branch and the Allen-Hickling form over "
    "both branches. Reports i0 (mA/cm2), alpha and R_ct = RT/(F i0) (ohm cm2), with the fit windows used."
)
EXAMPLES = """  lisse tafel lsv.mpt --area "0.785 cm2" --json
  lisse tafel lsv.mpt --area "1 cm2" --tafel-window "80 mV" "200 mV" --asr "2 ohm*cm2"
"""


def add_arguments(parser) -> None:
    parser.add_argument("file")
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--area", "cm2", "electrode area, e.g. '0.785 cm2'", required=True)
    parser.add_argument("--format", help=format_help("cycling"))
    parser.add_argument("--units", help=units_help("cycling"))
    add_quantity(parser, "--e-eq", "V", "equilibrium potential, e.g. '0 V' (default: zero-current crossing)")
    add_quantity(parser, "--asr", "ohm*cm2", "ohmic area-specific resistance to remove, e.g. '2 ohm*cm2'")
    add_quantity(parser, "--tafel-window", "mV", "|eta| window for Tafel (default 100 mV 250 mV)", nargs=2, metavar=("LOW", "HIGH"))
    add_quantity(parser, "--ah-window", "mV", "|eta| window for Allen-Hickling (default 5 mV 250 mV)", nargs=2, metavar=("LOW", "HIGH"))
    add_quantity(parser, "--temperature", "K", "temperature (default 298.15 K)", default="298.15 K")
    parser.add_argument("--plot", metavar="PNG", help="write the Tafel plot")
    parser.add_argument("--cell-type", choices=("auto", "sweep"), default="auto",
                        help="auto (default): refuse a record that is not a potential sweep (a galvanostatic, rest or "
                             "impedance file: its 'i0' would be the applied current); sweep: state that it is one")


def run(args) -> dict:
    from lisse.analysis.cell_type import require_sweep
    from lisse.analysis.kinetics import allen_hickling_fit, lsv_overpotential, sweep_caveats, tafel_fit
    from lisse.errors import CalculationError
    from lisse.io.readers import read_cycling

    rec = read_cycling(args.file, format=args.format, units=declared_units(args.units, "cycling"), area=args.area)
    sweep = require_sweep(rec, "Tafel analysis", cell_type=args.cell_type, override="--cell-type sweep", source=args.file)
    temp = args.temperature
    eta, i, eeq = lsv_overpotential(rec.voltage_V, rec.current_A, args.area, e_eq_V=args.e_eq,  # --area is required (SI)
                                    asr_ohm_m2=0.0 if args.asr is None else args.asr)
    out = {"file": args.file, "e_eq_V": eeq, "area_cm2": args.area * 1e4, "sweep": sweep}
    caveats, r_lin = sweep_caveats(eta, i, window_V=(0.005, 0.250) if args.ah_window is None else tuple(args.ah_window))
    out["linear_resistance_ohm_cm2"] = r_lin
    out["warnings"] = caveats
    tw = (0.100, 0.250) if args.tafel_window is None else tuple(args.tafel_window)  # V
    aw = (0.005, 0.250) if args.ah_window is None else tuple(args.ah_window)
    fits = {}
    for name, fn, w, kw in (("tafel", tafel_fit, tw, {"branches": "available"}), ("allen_hickling", allen_hickling_fit, aw, {})):
        try:
            fits[name] = fn(eta, i, window_V=w, temperature_K=temp, **kw)
            out[name] = fits[name].summary()
        except CalculationError as exc:
            out[name] = {"error": str(exc)}
    if args.plot and "tafel" in fits:
        from lisse.cli._cycling_common import atomic_save_figure
        from lisse.plot.cycling import plot_tafel

        out["plot"] = atomic_save_figure(plot_tafel(fits["tafel"], title=args.file), args.plot)
    return out
