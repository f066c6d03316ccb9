"""``lisse eis``: read impedance files, test them (Kramers–Kronig), fit circuits, compute the DRT."""

from __future__ import annotations

from lisse.analysis.eis.cells import CELL_TYPES
from lisse.cli._cycling_common import declared_units, format_help, units_help
from lisse.cli.common import fmt

NAME = "eis"
HELP = "impedance spectra: read, Kramers-Kronig test, DRT with process assignment, circuit fit"
DESCRIPTION = (
    "Read every impedance spectrum in FILE (BioLogic .mpr/.mpt, Gamry .DTA, ZPlot .z, Ivium .idf, "
    "RelaxIS, CHI text, plain CSV/TXT; format detected from the content), optionally run the linear "
    "Kramers-Kronig test (Schönleber's automatic M), the distribution of relaxation times (regularised "
    "NNLS, peaks deconvolved into Gaussians and assigned to processes by their relaxation time, with "
    "windows that depend on the cell type: --cell symmetric-li (bulk / grain boundary / charge transfer / "
    "interface), blocking (bulk / grain boundary / electrode blocking; the DRT gets a series constant-phase "
    "element with a leakage resistance for the blocking tail), full or half (Li-ion: bulk / contact-SEI / "
    "electrode charge transfer / diffusion)), and an equivalent-circuit fit. The DRT reports its maximum and "
    "median relative misfit and a verdict (good < 1 %, acceptable < 3 %, poor otherwise, on the maximum). "
    "With --area and --thickness "
    "the DRT's bulk and bulk + grain-boundary resistances give ionic conductivities (σ = L/(R·A)). "
    "One JSON object per spectrum; a list when the file holds several."
)
EXAMPLES = """  lisse eis data.mpr --drt --json
  lisse eis pellet.mpt --drt --area "0.785 cm2" --thickness "0.78 mm"
  lisse eis cell.DTA --kk --fit "R0-p(R1,CPE1)-p(R2,CPE2)"
  lisse eis cycling.mpt --drt --lambda drttools --plot figs/
  lisse eis PEIS_LPSCl_IonBlocking_-25C.txt --drt --cell blocking --plot figs/ --table tables/
  lisse eis pellet.mpt --drt --cell blocking --process-window bulk=0:3e-7 --process-window grain_boundary=3e-7:1e-3
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    parser.add_argument("file", help="impedance file")
    parser.add_argument("--format", default=None, help=format_help("eis"))
    parser.add_argument("--units", default=None, help=units_help("eis"))
    parser.add_argument("--drt", action="store_true", help="compute the distribution of relaxation times and its peaks")
    parser.add_argument("--kk", action="store_true", help="run the linear Kramers-Kronig test")
    parser.add_argument("--fit", metavar="CIRCUIT", default=None, help="fit an equivalent circuit, e.g. 'R0-p(R1,CPE1)-p(R2,CPE2)'")
    parser.add_argument("--lambda", dest="lam", default="2e-4", help="DRT regularisation: a number, gcv, lcurve, reim or drttools (default 2e-4)")
    parser.add_argument("--cell", choices=CELL_TYPES, default="symmetric-li",
                        help="cell type: sets the DRT's process windows and, for blocking (ion-blocking electrodes), a series "
                             "constant-phase element with a leakage resistance (default symmetric-li: Li|SSE|Li)")
    parser.add_argument("--inductance", choices=("auto", "yes", "no"), default="auto", help="series inductance in the DRT (auto: when Z'' > 0 at the top frequencies)")
    parser.add_argument("--capacitance", choices=("auto", "yes", "no", "cpe", "leaky-cpe"), default="auto",
                        help="blocking element in series with the DRT: yes = ideal capacitor, cpe = constant-phase element, leaky-cpe = CPE "
                             "parallel to a leakage resistance (auto: leaky-cpe for --cell blocking; otherwise an ideal capacitor when the "
                             "lowest-frequency phase is below -60 deg)")
    add_quantity(parser, "--area", "cm2", "electrode area, e.g. '0.785 cm2'")
    add_quantity(parser, "--thickness", "um", "electrolyte thickness, e.g. '0.78 mm'")
    parser.add_argument("--process-window", "--process", dest="process", action="append", metavar="NAME=LOW:HIGH",
                        help="process tau window in s for peak assignment (repeatable; replaces the cell type's default windows; an empty "
                             "HIGH means no upper bound), e.g. --process-window bulk=0:1e-6 --process-window grain_boundary=1e-6:1e-4")
    parser.add_argument("--ignore-kk", action="store_true", help="run the DRT / circuit fit even when the Kramers-Kronig verdict is 'fail' (default: refuse, exit 2)")
    parser.add_argument("--initial", action="append", metavar="NAME=VALUE,...", help="initial guesses for --fit, e.g. 'R0=100,R1=10 kohm,CPE1_0=1e-9,CPE1_1=0.9' (names: R1, CPE1_Q or CPE1_0, ...; bare numbers SI; others start automatically)")
    parser.add_argument("--fix", action="append", metavar="NAME=VALUE,...", help="parameters held fixed in --fit, e.g. 'CPE1_1=0.9'")
    parser.add_argument("--bounds", action="append", metavar="NAME=LOW:HIGH,...", help="bounds for --fit, e.g. 'R1=10:1e7' or 'R1=10 ohm:10 Mohm' (empty side: unbounded)")
    parser.add_argument("--bulk", metavar="NAME", default=None, help="resistor of --fit taken as the bulk resistance for the conductivity (default: the first R inside p(...))")
    parser.add_argument("--plot", metavar="DIR", default=None, help="write Nyquist, Bode, KK and DRT figures (PNG) into DIR")
    parser.add_argument("--table", metavar="DIR", default=None,
                        help="write CSV tables into DIR: DRT gamma(tau) with band, measured and fitted Z, peaks, KK residuals "
                             "(existing files are never overwritten)")


def _write_fig(fig, path) -> None:
    from lisse.io.outputs import save_figure

    save_figure(fig, path)


def _write_tables(tables_per_spectrum: list, folder) -> list[str]:
    """Write every table as CSV into ``folder``; refuses (before writing anything) when a file exists."""
    from lisse.errors import OutputError
    from lisse.io.outputs import atomic_write_text

    targets = [(folder / f"{stem}_{name}.csv", df) for stem, tables in tables_per_spectrum for name, df in tables.items()]
    existing = [str(p) for p, _ in targets if p.exists()]
    if existing:
        raise OutputError(f"--table: expected new files, found existing {', '.join(existing[:3])}{' ...' if len(existing) > 3 else ''}; "
                          "lisse does not overwrite tables (choose another folder or remove them)")
    written = []
    for p, df in targets:
        atomic_write_text(p, df.to_csv(index=False))
        written.append(str(p))
    return written


def run(args):
    from pathlib import Path

    from lisse.analysis.eis.workflow import analyse, export_tables
    from lisse.io.eis import read_spectra

    lam = args.lam
    try:
        lam = float(lam)
    except ValueError:
        pass
    spectra = read_spectra(args.file, format=args.format, units=declared_units(args.units, "eis"), area=args.area,
                           thickness=args.thickness)
    results = []
    plot_dir = Path(args.plot) if args.plot else None
    if plot_dir is not None:
        plot_dir.mkdir(parents=True, exist_ok=True)
    table_dir = Path(args.table) if args.table else None
    tables = []
    for sp in spectra:
        out, objs = analyse(sp, drt=args.drt, kk=args.kk, fit=args.fit, lam=lam, inductance=args.inductance, capacitance=args.capacitance,
                            processes=args.process, cell=args.cell,
                            ignore_kk=args.ignore_kk, initial=args.initial, fix=args.fix, bounds=args.bounds, bulk=args.bulk)
        stem = sp.label.replace("#", "_")
        if table_dir is not None:
            tables.append((stem, export_tables(objs)))
        if plot_dir is not None:
            from lisse.plot import eis as peis

            zf = objs["fit"].z_fit_ if "fit" in objs else (objs["drt"].z_fit_ if "drt" in objs else None)
            lab = "circuit fit" if "fit" in objs else "DRT fit"
            figs = {"nyquist": peis.nyquist(sp, zf, lab), "bode": peis.bode(sp, zf, lab)}
            if "kk" in objs:
                figs["kk"] = peis.kk_residuals(objs["kk"])
            if "drt" in objs:
                figs["drt"] = peis.drt(objs["drt"])
            written = []
            for name, fig in figs.items():
                p = plot_dir / f"{stem}_{name}.png"
                _write_fig(fig, p)
                written.append(str(p))
            out["figures"] = written
        results.append(out)
    if table_dir is not None:
        table_dir.mkdir(parents=True, exist_ok=True)
        written = _write_tables(tables, table_dir)
        for out in results:
            stem = out["label"].replace("#", "_")
            out["tables"] = [w for w in written if Path(w).name.startswith(stem + "_")]
    return results[0] if len(results) == 1 else results


def render(result) -> str:
    items = result if isinstance(result, list) else [result]
    lines = []
    for r in items:
        lines.append(f"{r['label']}: {r['n_points']} points, {fmt(r['frequency_max_Hz'], 3)} Hz -> {fmt(r['frequency_min_Hz'], 3)} Hz ({r['reader']})")
        for n in r.get("notes", []):
            lines.append(f"  note: {n}")
        if "kk" in r:
            k = r["kk"]
            lines.append(f"  Kramers-Kronig: M = {k['n_rc_elements']}, max residual {100 * k['max_relative_residual']:.2f} % at {fmt(k['worst_frequency_Hz'], 3)} Hz, drift {'yes' if k['drift'] else 'no'}")
            lines.append(f"  Kramers-Kronig verdict: {k['verdict']} ({k['verdict_reason']})")
        for w in r.get("warnings", []):
            lines.append(f"  warning: {w}")
        if "drt" in r:
            d = r["drt"]
            lines.append(f"  DRT ({d['cell']} cell): lambda = {fmt(d['lambda'], 2)}, misfit max {100 * d['max_relative_misfit']:.2f} % "
                         f"(median {100 * d['median_relative_misfit']:.2f} %): {d['fit_quality']}, R_inf = {fmt(d['r_inf_ohm'], 4)} ohm")
            if d.get("cpe_n") is not None:
                leak = d.get("leak_resistance_ohm")
                leak_s = "" if leak is None else f", leakage R = {fmt(leak, 3)} ohm"
                q = d["cpe_q_F_s_n_minus_1"]
                q_s = "inf (no blocking response)" if q is None else f"{fmt(q, 3)} F s^(n-1)"
                lines.append(f"    blocking element ({d['blocking_element']}): Q = {q_s}, n = {d['cpe_n']:.3f}{leak_s}")
            elif d.get("capacitance_F") is not None:
                lines.append(f"    series capacitance C = {fmt(d['capacitance_F'], 3)} F")
            for p in d["peaks"]:
                lines.append(f"    tau = {fmt(p['tau_s'], 3)} s  R = {fmt(p['resistance_ohm'], 4)} ohm  C = {fmt(p['capacitance_F'], 3)} F  -> {p['process']}")
            for w in d["warnings"]:
                lines.append(f"  warning: {w}")
        if r.get("total_conductivity_S_cm"):
            bulk = "-" if r["bulk_conductivity_S_cm"] is None else f"{fmt(r['bulk_conductivity_S_cm'] * 1e3, 3)}"
            gb = "" if r.get("grain_boundary_resolved", True) else " (no grain-boundary peak resolved: = bulk, R_gb unmeasured)"
            bk = "" if r.get("bulk_peak_resolved", True) else " (no bulk peak resolved: R_inf, leads included)"
            lines.append(f"  conductivity: bulk {bulk} mS/cm{bk}, bulk+GB {fmt(r['total_conductivity_S_cm'] * 1e3, 3)} mS/cm{gb}")
        if "fit" in r:
            st = r["fit"]["stats"]
            lines.append(f"  circuit {r['fit']['circuit']}: median misfit {100 * st['median_relative_misfit']:.2f} %")
            for p in r["fit"]["parameters"]:
                flag = "  (at bound: uncertainty not meaningful)" if p.get("at_bound") else ""
                lines.append(f"    {p['name']} = {fmt(p['value'], 4)} ± {fmt(p['std'], 2)} {p['unit']}{flag}")
            for w in r["fit"].get("warnings", []):
                lines.append(f"  flagged: {w}")
            if r["fit"].get("conductivity_S_cm") is not None:
                lines.append(f"  conductivity from {r['fit']['bulk_element']}: {fmt(r['fit']['conductivity_S_cm'] * 1e3, 4)} ± {fmt(r['fit']['conductivity_std_S_cm'] * 1e3, 2)} mS/cm")
        if r.get("conductivity_disagreement"):
            lines.append(f"  note: {r['conductivity_disagreement']}")
    return "\n".join(lines)
