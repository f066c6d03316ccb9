"""``lisse cycling``: read cycler files and run the analyses that apply."""

from __future__ import annotations

from lisse.cli._cycling_common import declared_units, format_help, units_help

NAME = "cycling"
HELP = "read cycler files (BioLogic, Neware, Arbin, LAND, Maccor, CSV) and analyse them"
DESCRIPTION = (
    "Read one or more cycler files (format detected from content) into lisse's canonical record and run the "
    "analyses that apply: for a symmetric Li|SSE|Li cell (voltage follows the current sign around 0 V) the "
    "half-cycle overpotentials, nucleation spikes and short-circuit detection (failure_time_h when a short is "
    "found); for a full or half cell the per-cycle capacity, coulombic efficiency, energy, retention and rate "
    "table. Impedance-only files are reported as such (use the EIS tools)."
)
EXAMPLES = """  lisse cycling cell.mpr --json
  lisse cycling cell1.ndax cell2.res --active-mass "12.5 mg" --area "1.13 cm2"
  lisse cycling sym.csv --kind symmetric --area "0.785 cm2" --plot sym.png --table halfcycles.csv
"""


def add_arguments(parser) -> None:
    parser.add_argument("files", nargs="+", metavar="FILE", help="cycler file(s)")
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--area", "cm2", "electrode area, e.g. '0.785 cm2'")
    add_quantity(parser, "--active-mass", "mg", "active mass, e.g. '12.5 mg'", dest="active_mass")
    add_quantity(parser, "--loading", "mg/cm2", "areal loading, e.g. '10 mg/cm2'")
    parser.add_argument("--format", help=format_help("cycling"))
    parser.add_argument("--units", help=units_help("cycling"))
    parser.add_argument("--kind", default="auto", choices=["auto", "symmetric", "fullcell", "none"], help="which analyses (auto)")
    parser.add_argument("--ce-convention", default="discharge/charge", choices=["discharge/charge", "charge/discharge"],
                        help="coulombic efficiency for full cells (discharge/charge) or anodes vs Li (charge/discharge)")
    parser.add_argument("--plot", metavar="PNG", help="write a figure (voltage-time, or capacity/CE per cycle); with several files, FILE stem is appended")
    parser.add_argument("--table", metavar="CSV", help="write the per-half-cycle (symmetric) or per-cycle (full cell) table")


def _analyse(path: str, args) -> dict:
    from pathlib import Path

    from lisse.analysis.cell_type import classify_record
    from lisse.cli._cycling_common import atomic_save_figure, atomic_write_text, metadata_args
    from lisse.io.readers import read_cycling

    rec = read_cycling(path, format=args.format, units=declared_units(args.units, "cycling"), **metadata_args(args))
    kind = classify_record(rec) if args.kind == "auto" else args.kind
    out = {"file": str(path), "record": rec.summary(), "kind": kind, "analyses": {}}
    suffix = "" if len(args.files) == 1 else "_" + Path(path).stem
    fig = table = None
    if kind == "symmetric":
        from lisse.analysis.shorts import ShortDetector

        det = ShortDetector().fit(rec)
        out["analyses"]["short_detection"] = det.summary()
        if det.failure_time_s_ is not None:
            out["failure_time_h"] = det.failure_time_s_ / 3600.0
        table = det.half_cycles_
        if args.plot:
            from lisse.plot.cycling import plot_voltage_staircase

            fig = plot_voltage_staircase(rec, det, title=Path(path).name)
    elif kind == "fullcell":
        from lisse.analysis.fullcell import cycle_table, rate_table, summary
        from lisse.errors import CalculationError

        ct = cycle_table(rec, ce_convention=args.ce_convention)
        out["analyses"]["fullcell"] = summary(rec, ce_convention=args.ce_convention)
        out["analyses"]["cycles"] = ct.to_dict(orient="records") if len(ct) <= 200 else f"{len(ct)} cycles (use --table)"
        try:
            out["analyses"]["rate_table"] = rate_table(ct).to_dict(orient="records")
        except CalculationError as exc:  # a record without discharge has no rate table
            out["analyses"]["rate_table"] = f"not available: {exc}"
        table = ct
        if args.plot:
            from lisse.plot.cycling import plot_capacity_ce

            fig = plot_capacity_ce(ct, title=Path(path).name)
    else:
        out["analyses"]["note"] = {"impedance": "impedance data: analyse with the EIS tools", "rest": "no current flows: nothing to analyse"}.get(kind, "")
    if fig is not None:
        p = Path(args.plot)
        out["plot"] = atomic_save_figure(fig, p.with_name(p.stem + suffix + (p.suffix or ".png")))
    if args.table and table is not None:
        p = Path(args.table)
        out["table"] = atomic_write_text(p.with_name(p.stem + suffix + (p.suffix or ".csv")), table.to_csv(index=False))
    return out


def run(args):
    results = [_analyse(f, args) for f in args.files]
    return results[0] if len(results) == 1 else results


def render(result) -> str:
    items = result if isinstance(result, list) else [result]
    lines = []
    for r in items:
        s = r["record"]
        lines.append(f"{r['file']}: {s['rows']} rows, {s['duration_h']:.4g} h, {s['n_cycles']} cycles, reader {s['provenance']['reader']} -> {r['kind']}")
        a = r["analyses"]
        if "short_detection" in a:
            d = a["short_detection"]
            if d["short_detected"] or d["criterion"] != "none":
                lines.append(f"  FAILURE: {d['failure_kind']} ({d['criterion']}) at {d['failure_time_h']:.4g} h, cycle {d['failure_cycle']}; cycle life {d['cycle_life']}")
            else:
                lines.append(f"  no short; {d['cycle_life']} cycles; overpotential {d['eta_plateau_first_mV']:.3g} -> {d['eta_plateau_last_mV']:.3g} mV")
        if "fullcell" in a:
            f = a["fullcell"]
            lines.append(f"  {f['n_cycles']} cycles; discharge {f['first_discharge_capacity_mAh']:.4g} -> {f['last_discharge_capacity_mAh']:.4g} mAh; "
                         f"mean CE {f['mean_coulombic_efficiency_pct'] or float('nan'):.4g} %; retention {f['last_retention_pct'] or float('nan'):.4g} %")
        if "note" in a:
            lines.append("  " + a["note"])
    return "\n".join(lines)
