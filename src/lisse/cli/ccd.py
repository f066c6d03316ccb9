"""``lisse ccd``: critical current density of a symmetric Li|SSE|Li cell from a current staircase."""

from __future__ import annotations

from typing import Any

from lisse.cli._cycling_common import declared_units, format_help, units_help
from lisse.cli.common import fmt

NAME = "ccd"
HELP = "critical current density (CCD) from a symmetric-cell current staircase"
DESCRIPTION = (
    "Read a cycler file (BioLogic, Neware, Arbin, LAND, Maccor, or a CSV with headers like time/s,Ewe/V,I/mA), "
    "cut it into half cycles, group them into current steps and find the first failing step: sudden voltage "
    "collapse (hard short), erratic/noisy voltage (soft short) or loss of ohmic scaling (runaway polarization). "
    "ccd_mA_cm2 is the LAST STABLE current density; failure_current_density_mA_cm2 the first failing one. "
    "Every threshold is an option. Only a symmetric-cell record is analysed: a full cell, a rest-only or an impedance "
    "record is refused (exit 2) with the detected cell type and the rule that decided; --cell-type symmetric overrides "
    "the classifier for a misclassified record. --synthetic analyses a generated staircase with known answer."
)
EXAMPLES = """  lisse ccd cell.mpr --area "0.785 cm2" --json
  lisse ccd staircase.csv --area "1.13 cm2" --collapse-ratio 0.2 --plot ccd.png
  lisse ccd --synthetic --failure soft --json
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    parser.add_argument("file", nargs="?", help="cycler file (format detected from its content)")
    add_quantity(parser, "--area", "cm2", "electrode area, e.g. '0.785 cm2'; required unless synthetic")
    parser.add_argument("--format", help=format_help("cycling"))
    parser.add_argument("--units", help=units_help("cycling"))
    parser.add_argument("--collapse-ratio", type=float, default=0.3, help="|V| below this fraction of the expected overpotential = collapse (0.3)")
    parser.add_argument("--noise-factor", type=float, default=4.0, help="noise above this multiple of the baseline = erratic (4)")
    parser.add_argument("--rise-ratio", type=float, default=1.5, help="|V| above this multiple of the ohmic expectation = scaling lost (1.5)")
    parser.add_argument("--min-drops", type=int, default=3, help="sudden |V| drops in a half cycle that make it erratic (3)")
    parser.add_argument("--collapse-sigma", type=float, default=5.0,
                        help="a collapse must lie this many standard errors of the rolling median below the expected "
                             "overpotential, and a step whose overpotential is within that of 0 V is not a collapse (5)")
    add_quantity(parser, "--v-cutoff", "V", "cycler voltage limit, e.g. '1 V'; reaching it counts as failure")
    parser.add_argument("--cell-type", default="auto", choices=["auto", "symmetric"],
                        help="auto: refuse a record that is not a symmetric Li|SSE|Li cell (full cell, rest, impedance; exit 2 "
                             "naming the detected type and the rule); symmetric: you state it is one (for a misclassified record)")
    parser.add_argument("--plot", metavar="PNG", help="write the voltage/current-staircase figure here")
    parser.add_argument("--steps-csv", metavar="CSV", help="write the per-step table here")
    parser.add_argument("--synthetic", action="store_true", help="analyse a synthetic staircase (no FILE)")
    parser.add_argument("--failure", default="hard", choices=["hard", "soft", "polarization", "none"], help="synthetic failure mode")
    parser.add_argument("--seed", type=int, default=0, help="synthetic random seed")


def run(args) -> dict:
    from lisse.analysis.ccd import CCDDetector
    from lisse.errors import CellTypeError, ParameterError

    if args.synthetic:
        from lisse.sim.synthetic_cycling import ccd_staircase

        fail = None if args.failure == "none" else args.failure
        rec, truth = ccd_staircase(failure=fail, j_critical=None if fail is None else "0.55 mA/cm2", seed=args.seed,
                                   area="0.785 cm2" if args.area is None else args.area)
        source = "synthetic"
    else:
        if not args.file:
            raise ParameterError("lisse ccd: give a FILE (or --synthetic)")
        if args.area is None:
            raise ParameterError("lisse ccd: --area is required (e.g. --area '0.785 cm2') to express the CCD per cm2")
        from lisse.io.readers import read_cycling

        rec = read_cycling(args.file, format=args.format, units=declared_units(args.units, "cycling"), area=args.area)
        source = args.file
        truth = None
    det = CCDDetector(collapse_ratio=args.collapse_ratio, noise_factor=args.noise_factor, rise_ratio=args.rise_ratio,
                      min_drops=args.min_drops, v_cutoff=args.v_cutoff, collapse_sigma=args.collapse_sigma)
    try:
        det.fit(rec, cell_type=args.cell_type)
    except CellTypeError as exc:  # name the file, the command and the CLI override
        reason = exc.reason
        if exc.kind == "rest" and any(n.startswith("no current column") for n in rec.provenance.notes):
            reason += "; the file has no current column, read as open circuit"  # not a measured 0 A
        raise CellTypeError(exc.kind, reason, "ccd", "--cell-type symmetric", source=str(source)) from None
    out: dict[str, Any] = {"file": source}
    out["cell_type"] = {"kind": det.cell_type_.kind, "reason": det.cell_type_.reason}
    out.update(det.summary())
    out["area_cm2"] = None if rec.area_m2 is None else rec.area_m2 * 1e4  # fit() refused a record without one
    out["reader_notes"] = list(rec.provenance.notes) if truth is None else []  # truncation, derived current, ...
    if args.units is not None:
        out["declared_units"] = args.units  # the column units the user declared (also in the record's provenance notes)
    out["steps"] = [
        {"j_mA_cm2": r.j_mA_cm2, "eta_plateau_mV": r.eta_plateau_V * 1e3, "ratio_to_expected": r.ratio_to_expected,
         "noise_mV": r.noise_V * 1e3, "status": r.status,
         "expected_eta_mV": None if r.expected_eta_V != r.expected_eta_V else r.expected_eta_V * 1e3}
        for r in det.steps_.itertuples()
    ]
    if truth is not None:
        out["synthetic_truth"] = {"ccd_mA_cm2": None if truth.ccd_A_m2 is None else truth.ccd_A_m2 / 10,
                                  "failure_current_density_mA_cm2": None if truth.failure_current_density_A_m2 is None
                                  else truth.failure_current_density_A_m2 / 10, "failure": truth.failure}
    if args.plot:
        from lisse.cli._cycling_common import atomic_save_figure
        from lisse.plot.cycling import plot_voltage_staircase

        out["plot"] = atomic_save_figure(plot_voltage_staircase(rec, det, title=str(source)), args.plot)
    if args.steps_csv:
        from lisse.cli._cycling_common import atomic_write_text

        out["steps_csv"] = atomic_write_text(args.steps_csv, det.steps_.to_csv(index=False))
    return out


def render(result: dict) -> str:
    def f(x):
        return "-" if x is None else f"{fmt(x, 3)}"

    n_rec = result.get("n_steps_record")
    lines = [f"{result['file']}: protocol {result['protocol']}" + (f" (classified from the record's {n_rec} steps)" if n_rec else "")]
    if result["criterion"] == "none":
        lines.append(f"no failure detected; CCD >= {f(result['ccd_mA_cm2'])} mA/cm2 (last step)")
    else:
        lines.append(f"CCD (last stable) = {f(result['ccd_mA_cm2'])} mA/cm2; fails at {f(result['failure_current_density_mA_cm2'])} mA/cm2 "
                     f"({result['criterion']}, t = {f(result['failure_time_h'])} h)")
    for s in result["steps"]:
        eta = "-" if s["eta_plateau_mV"] is None or s["eta_plateau_mV"] != s["eta_plateau_mV"] else fmt(s["eta_plateau_mV"], 3)
        ratio = "-" if s["ratio_to_expected"] is None or s["ratio_to_expected"] != s["ratio_to_expected"] else f"{s['ratio_to_expected']:.2f}"
        lines.append(f"  {fmt(s['j_mA_cm2'], 3)} mA/cm2  eta {eta} mV  x{ratio}  {s['status']}")
    lines += [f"  reader note: {n}" for n in result.get("reader_notes", [])]
    lines += [f"  warning: {w}" for w in result.get("warnings", [])]
    return "\n".join(lines)
