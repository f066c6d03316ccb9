"""``lisse cycling``: read cycler files and run the analyses that apply."""

from __future__ import annotations

from typing import Any

from lisse.cli._cycling_common import declared_units, format_help, units_help
from lisse.cli.common import fmt

NAME = "cycling"
#: cycles listed in ``analyses.cycles`` of the JSON result (more: the first ones, ``cycles_truncated`` true)
MAX_JSON_CYCLES = 200
HELP = "read cycler files (BioLogic, Neware, Arbin, LAND, Maccor, CSV) and analyse them"
DESCRIPTION = (
    "Read one or more cycler files (format detected from content) into lisse's canonical record and run the "
    "analyses that apply: for a symmetric Li|SSE|Li cell (voltage follows the current sign around 0 V) the "
    "half-cycle overpotentials, nucleation spikes and short-circuit detection (failure_time_h when a short is "
    "found); for a full or half cell the per-cycle capacity, coulombic efficiency, energy, retention and rate "
    "table over COMPLETE cycles only (a charge and a discharge half cycle, not cut by the start or end of the record; "
    "the excluded cycles are listed with the reason), cycles numbered from 1; --curves and --dqdv write the "
    "voltage-capacity curves and dQ/dV per cycle. Impedance-only, rest-only and empty files are reported as such. "
    f"In --json, analyses.cycles and analyses.rate_table are always lists: at most {MAX_JSON_CYCLES} cycles are listed (cycles_truncated, "
    "cycles_note; --table writes all) and a missing rate table is [] with the reason in rate_table_note."
)
EXAMPLES = """  lisse cycling cell.mpr --json
  lisse cycling cell1.ndax cell2.res --active-mass "12.5 mg" --area "1.13 cm2"
  lisse cycling sym.csv --kind symmetric --area "0.785 cm2" --plot sym.png --table halfcycles.csv
  lisse cycling cell.mpr --active-mass "12.5 mg" --curves curves.csv --dqdv dqdv.csv --plot cell.png
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    parser.add_argument("files", nargs="+", metavar="FILE", help="cycler file(s)")

    add_quantity(parser, "--area", "cm2", "electrode area, e.g. '0.785 cm2'")
    add_quantity(parser, "--active-mass", "mg", "active mass, e.g. '12.5 mg'", dest="active_mass")
    add_quantity(parser, "--loading", "mg/cm2", "areal loading, e.g. '10 mg/cm2'")
    parser.add_argument("--format", help=format_help("cycling"))
    parser.add_argument("--units", help=units_help("cycling"))
    parser.add_argument("--kind", default="auto", choices=["auto", "symmetric", "fullcell", "none"],
                        help="which analyses: auto (the cell type the classifier detects; JSON cell_type gives the rule), or "
                             "symmetric/fullcell to state the cell type of a misclassified record (auto)")
    parser.add_argument("--ce-convention", default="auto", choices=["auto", "discharge/charge", "charge/discharge"],
                        help="coulombic efficiency: auto (second half cycle over the first, the direction from the first complete "
                             "cycle; JSON ce_convention says which), discharge/charge (cells charged first: full cells, cathodes) "
                             "or charge/discharge (cells discharged first: anodes vs Li) (auto)")
    parser.add_argument("--plot", metavar="PNG", help="write a figure (voltage-time, or capacity/CE per cycle, and for a full cell also "
                        "PNG-stem_curves.png: voltage-capacity curves and dQ/dV); with several files, FILE stem is appended")
    parser.add_argument("--table", metavar="CSV", help="write the per-half-cycle (symmetric) or per-cycle (full cell) table")
    parser.add_argument("--curves", metavar="CSV", help="full cell: write the voltage-capacity curves (cycle from 1, direction, "
                        "time_s, voltage_V, capacity_mAh, capacity_mAh_g with --active-mass); refuses an existing file")
    parser.add_argument("--dqdv", metavar="CSV", help="full cell: write dQ/dV per cycle and direction on a uniform voltage grid "
                        "(Savitzky-Golay smoothed; integrates back to the capacity); refuses an existing file")
    add_quantity(parser, "--dqdv-step", "mV", "voltage bin of --dqdv and the dQ/dV figure (default 5 mV)", dest="dqdv_step")
    parser.add_argument("--dqdv-window", type=int, default=9, help="Savitzky-Golay window of dQ/dV in bins (odd; 0 = no smoothing; 9)")


def _analyse(path: str, args) -> dict:
    from pathlib import Path

    from lisse.analysis.cycling import analyse_record
    from lisse.cli._cycling_common import atomic_save_figure, atomic_write_text, metadata_args
    from lisse.io.readers import read_cycling

    suffix = "" if len(args.files) == 1 else "_" + Path(path).stem
    new_files = {k: _fresh(getattr(args, k, None), suffix) for k in ("curves", "dqdv")}
    rec = read_cycling(path, format=args.format, units=declared_units(args.units, "cycling"), **metadata_args(args))
    res = analyse_record(rec, kind=args.kind, ce_convention=args.ce_convention)
    kind = res.kind
    found = res.cell_type
    out: dict[str, Any] = {"file": str(path), "record": rec.summary(), "kind": kind, "analyses": {},
           "cell_type": {"kind": found.kind, "reason": found.reason}}
    fig = None
    table = res.table
    figs: dict[str, object] = {}
    if kind == "symmetric":
        out["analyses"]["short_detection"] = res.short_detection
        if res.failure_time_h is not None:
            out["failure_time_h"] = res.failure_time_h
        if args.plot:
            from lisse.plot.cycling import plot_voltage_staircase

            fig = plot_voltage_staircase(rec, res.detector, title=Path(path).name)
    elif kind == "fullcell":
        from lisse.analysis.fullcell import dqdv_table, voltage_capacity_curves

        ct = res.cycles
        out["analyses"]["fullcell"] = res.fullcell
        # one type per key for scripts: cycles and rate_table are always lists; truncation and reasons in their own keys
        listed = ct if len(ct) <= MAX_JSON_CYCLES else ct.iloc[:MAX_JSON_CYCLES]
        out["analyses"]["cycles"] = listed.to_dict(orient="records")
        out["analyses"]["cycles_truncated"] = len(ct) > MAX_JSON_CYCLES
        out["analyses"]["cycles_note"] = (f"{len(ct)} cycles: the first {MAX_JSON_CYCLES} are listed (analyses.fullcell.n_cycles "
                                          "counts them all; --table CSV writes them all)" if len(ct) > MAX_JSON_CYCLES else None)
        out["analyses"]["rate_table"] = res.rate_table
        out["analyses"]["rate_table_note"] = res.rate_table_note
        curves = voltage_capacity_curves(rec) if (new_files["curves"] or new_files["dqdv"] or args.plot) else None
        dq = None
        if new_files["dqdv"] or args.plot:
            dv = args.dqdv_step if args.dqdv_step is not None else 0.005
            dq = dqdv_table(rec, dv=dv, window=args.dqdv_window)
        if new_files["curves"] and curves is not None:
            out["curves"] = atomic_write_text(new_files["curves"], curves.to_csv(index=False))
        if new_files["dqdv"] and dq is not None:
            out["dqdv"] = atomic_write_text(new_files["dqdv"], dq.to_csv(index=False))
        if args.plot:
            from lisse.plot.cycling import plot_capacity_ce, plot_curves_dqdv

            fig = plot_capacity_ce(ct, title=Path(path).name)
            figs["curves_plot"] = plot_curves_dqdv(curves, dq, title=Path(path).name)
    else:
        out["analyses"]["note"] = res.note or ""
    if fig is not None:
        p = Path(args.plot)
        out["plot"] = atomic_save_figure(fig, p.with_name(p.stem + suffix + (p.suffix or ".png")))
        for key, f in figs.items():
            out[key] = atomic_save_figure(f, p.with_name(p.stem + suffix + "_curves" + (p.suffix or ".png")))
    if args.table and table is not None and kind in ("symmetric", "fullcell"):
        p = Path(args.table)
        out["table"] = atomic_write_text(p.with_name(p.stem + suffix + (p.suffix or ".csv")), table.to_csv(index=False))
    return out


def _fresh(name: str | None, suffix: str):
    """The output path for ``--curves``/``--dqdv`` (FILE stem appended with several inputs); refuses an existing file."""
    if not name:
        return None
    from pathlib import Path

    from lisse.errors import OutputError

    p = Path(name)
    p = p.with_name(p.stem + suffix + (p.suffix or ".csv"))
    if p.exists():
        raise OutputError(f"'{p}' exists; lisse cycling does not overwrite it (remove it or choose another name)", p)
    return p


def run(args):
    results = [_analyse(f, args) for f in args.files]
    return results[0] if len(results) == 1 else results


def render(result) -> str:
    items = result if isinstance(result, list) else [result]
    lines = []
    for r in items:
        s = r["record"]
        cycles = f"{s['n_cycles']} cycles"
        if s.get("n_cycles_source") == "half_cycles" and s["n_half_cycles"] > 2:
            cycles += f" (counted from its {s['n_half_cycles']} half cycles: the file numbers at most one cycle)"
        lines.append(f"{r['file']}: {s['rows']} rows, {fmt(s['duration_h'], 4)} h, {cycles}, reader {s['provenance']['reader']} -> {r['kind']}")
        lines += [f"  reader note: {n}" for n in s["provenance"].get("notes", [])]  # truncation, derived current, ...
        a = r["analyses"]
        if "short_detection" in a:
            from lisse.analysis.shorts import cycle_life_text

            d = a["short_detection"]
            if d["short_detected"] or d["criterion"] != "none":
                lines.append(f"  FAILURE: {d['failure_kind']} ({d['criterion']}) at {fmt(d['failure_time_h'], 4)} h, cycle {d['failure_cycle']}; cycle life {d['cycle_life']}")
            else:
                lines.append(f"  no short; cycle life {cycle_life_text(d)}; overpotential {fmt(d['eta_plateau_first_mV'], 3)} -> {fmt(d['eta_plateau_last_mV'], 3)} mV")
        if "fullcell" in a:
            f = a["fullcell"]

            def g(x, unit):
                return "-" if x is None else f"{fmt(x, 4)} {unit}"

            if f["n_complete_cycles"]:
                lines.append(f"  {f['n_complete_cycles']} complete cycles of {f['n_cycles']}; discharge "
                             f"{g(f['first_discharge_capacity_mAh'], 'mAh')} -> {g(f['last_discharge_capacity_mAh'], 'mAh')}; "
                             f"mean CE {g(f['mean_coulombic_efficiency_pct'], '%')} ({f.get('ce_convention')}); "
                             f"retention {g(f['last_retention_pct'], '%')}")
                if f.get("retention_note"):
                    lines.append(f"  retention: {f['retention_note']}")
                if f.get("charge_note"):
                    lines.append(f"  capacity: {f['charge_note']}")
            else:
                lines.append(f"  no complete cycle among {f['n_cycles']}: no capacity, CE or retention summary")
            for e in f["excluded_cycles"][:10]:
                lines.append(f"  excluded cycle {e['cycle']}: {e['reason']}")
            if len(f["excluded_cycles"]) > 10:
                lines.append(f"  ... and {len(f['excluded_cycles']) - 10} more excluded cycles (see --json)")
        if "note" in a:
            lines.append("  " + a["note"])
    return "\n".join(lines)
