"""``lisse batch``: analyse folders and globs of cycler / impedance files into the results database."""

from __future__ import annotations

import argparse

from lisse.cli._cycling_common import format_help, units_help

NAME = "batch"
HELP = "analyse many cycler or impedance files (folders, globs) into a results database, in parallel, resumable"
DESCRIPTION = (
    "Analyse every file under PATH... (files, folders searched recursively, glob patterns; hidden files skipped) and store "
    "the results in a SQLite results database (--db; default OUT/lisse.sqlite): one row per file in 'files' (content "
    "sha256, reader, provenance, status ok|error|skipped, the one-line error) and one row per cycle / half cycle / CCD step "
    "/ spectrum / DRT peak / fitted parameter in their own tables (schema: 'lisse db list', README). 'cycling' analyses "
    "cycler files as 'lisse cycling' does (the cell type decides: symmetric -> short detection and half cycles, plus the "
    "CCD when the record is a current staircase and --area is given; full cell -> cycle table); 'eis' analyses impedance "
    "files (Kramers-Kronig verdict, DRT peaks, an optional --fit circuit); 'auto' chooses per file. A corrupt, empty or "
    "unsupported file becomes an error row and the batch goes on. Rerunning skips every file whose path, content hash, "
    "size, modification time and settings are unchanged (touching a file re-analyses it; --retry-errors, --force). Results "
    "are written as each file completes, one transaction per file, so an interrupted batch resumes where it stopped. "
    "OUT (new, empty or lisse-made) receives files.parquet (file, sha256, status, error, ...) and the per-row tables of this "
    "batch's files as Parquet. Exit status 0 even when files failed (they are listed); 2 for a bad option or path."
)
EXAMPLES = """  lisse batch cycling data/ --out results/ --jobs 2
  lisse batch cycling "runs/**/*.mpr" --area "0.785 cm2" --db lab.sqlite --out results/ --json
  lisse batch eis spectra/ --cell blocking --area "0.785 cm2" --thickness "0.8 mm" --db lab.sqlite --out eis-results/
  lisse batch auto data/ --out results/ --scheduler tcp://10.0.0.5:8786
  lisse db query results/lisse.sqlite "SELECT path, n_cycles FROM files WHERE status = 'ok'" --json
"""

_ANALYSES = {
    "cycling": ("cycler files (BioLogic, Neware, Arbin, LAND, Maccor, CSV): the lisse cycling analyses per file",
                "  lisse batch cycling data/ --out results/ --jobs 2\n  lisse batch cycling \"runs/**/*.mpr\" --area \"0.785 cm2\" --db lab.sqlite --out results/ --json\n"),
    "eis": ("impedance files: per-spectrum summary, Kramers-Kronig verdict, DRT peaks, optional circuit fit",
            "  lisse batch eis spectra/ --out eis-results/ --json\n  lisse batch eis spectra/ --cell blocking --fit \"R0-p(R1,CPE1)\" --db lab.sqlite --out eis-results/\n"),
    "auto": ("cycler and impedance files mixed: the analysis chosen per file from its content",
             "  lisse batch auto data/ --out results/ --jobs 2\n"),
}


def _common(p: argparse.ArgumentParser, analysis: str) -> None:
    from lisse.analysis.eis.cells import CELL_TYPES
    from lisse.cli.common import add_quantity

    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print the summary as JSON")
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show the full traceback on error")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (recursive) or glob patterns (quote them)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="output folder (new, empty or made by lisse): files.parquet and the per-row tables as Parquet")
    p.add_argument("--db", metavar="FILE", help="results database (SQLite; created when missing; default OUT/lisse.sqlite)")
    ex = p.add_mutually_exclusive_group()
    ex.add_argument("--jobs", type=int, default=1, metavar="N", help="local worker processes (1)")
    ex.add_argument("--scheduler", metavar="ADDRESS", help="run on a Dask distributed cluster, e.g. tcp://10.0.0.5:8786")
    p.add_argument("--retry-errors", action="store_true", help="re-analyse unchanged files whose stored status is error")
    p.add_argument("--force", action="store_true", help="re-analyse every file, changed or not")
    p.add_argument("--overwrite", action="store_true", help="accept an output folder holding files lisse did not write (written beside them: lisse never replaces one)")
    p.add_argument("--format", help=format_help("eis" if analysis == "eis" else "cycling"))
    p.add_argument("--units", help=units_help("eis" if analysis == "eis" else "cycling"))
    add_quantity(p, "--area", "cm2", "electrode area of every file, e.g. '0.785 cm2'")
    if analysis in ("cycling", "auto"):
        add_quantity(p, "--active-mass", "mg", "active mass of every file, e.g. '12.5 mg'", dest="active_mass")
        add_quantity(p, "--loading", "mg/cm2", "areal loading of every file, e.g. '10 mg/cm2'")
        p.add_argument("--kind", default="auto", choices=["auto", "symmetric", "fullcell", "none"],
                       help="cell type of every cycler file: auto (the classifier's, per file) or stated (auto)")
        p.add_argument("--ce-convention", default="auto", choices=["auto", "discharge/charge", "charge/discharge"],
                       help="coulombic-efficiency convention of full cells (auto, as lisse cycling)")
        p.add_argument("--no-ccd", dest="ccd", action="store_false",
                       help="do not run the CCD detection on symmetric-cell current staircases")
    if analysis in ("eis", "auto"):
        add_quantity(p, "--thickness", "um", "electrolyte thickness of every impedance file, e.g. '0.78 mm'")
        p.add_argument("--no-drt", dest="drt", action="store_false", help="skip the DRT (no drt_peaks rows)")
        p.add_argument("--lambda", dest="lam", default="2e-4", help="DRT regularisation as lisse eis --lambda (2e-4)")
        p.add_argument("--cell", choices=CELL_TYPES, default="symmetric-li", help="impedance cell type as lisse eis --cell (symmetric-li)")
        p.add_argument("--fit", metavar="CIRCUIT", help="fit this equivalent circuit to every spectrum, e.g. 'R0-p(R1,CPE1)'")
        p.add_argument("--ignore-kk", action="store_true", help="run the DRT / fit even when the Kramers-Kronig verdict is 'fail'")


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="analysis", metavar="ANALYSIS", required=True)
    for name, (help_, examples) in _ANALYSES.items():
        p = sub.add_parser(name, help=help_, description=f"lisse batch {name}: {help_}. " + DESCRIPTION,
                           epilog="examples:\n" + examples.rstrip(), formatter_class=argparse.RawDescriptionHelpFormatter)
        _common(p, name)
        p.set_defaults(_parser=p)


def settings_from_args(args):
    """The :class:`~lisse.batch.BatchSettings` of the command line."""
    from lisse.batch import BatchSettings
    from lisse.cli._cycling_common import declared_units

    kw = {"analysis": args.analysis, "format": args.format, "area": args.area}
    if args.units is not None:
        declared_units(args.units, "eis" if args.analysis == "eis" else "cycling")  # refuse a malformed --units up front
        kw["units"] = args.units
    for k in ("active_mass", "loading", "kind", "ce_convention", "ccd", "thickness", "drt", "lam", "cell", "fit", "ignore_kk"):
        if hasattr(args, k):
            kw[k] = getattr(args, k)
    if args.format is not None:
        from lisse.io.formats import check_name

        check_name(args.format, "eis" if args.analysis == "eis" else "cycling")
    return BatchSettings(**kw)


def run(args) -> dict:
    from lisse.batch import run_batch
    from lisse.io.progress import progress_bar, progress_callback

    settings = settings_from_args(args)
    with progress_bar(None, desc=f"lisse batch {args.analysis}", unit="file", enabled=False if args.json else None) as bar:
        res = run_batch(args.paths, db=args.db, out=args.out, settings=settings, jobs=args.jobs, scheduler=args.scheduler,
                        progress=progress_callback(bar), retry_errors=args.retry_errors, force=args.force, overwrite=args.overwrite)
    return res.summary()


def render(result: dict) -> str:
    lines = [f"{result['files_total']} files: {result['files_ok']} ok, {result['files_failed']} failed, {result['files_skipped']} "
             f"skipped ({result['elapsed_s']:.3g} s, {result['files_per_s']:.3g} files/s analysed) -> {result['db']}"]
    for f in result["failed"]:
        lines.append(f"  FAILED {f['file']}: {f['error_type']}: {f['error']}")
    if result.get("stored_errors"):
        lines.append(f"  {len(result['stored_errors'])} of the skipped files are unchanged and still in error (--retry-errors "
                     "analyses them again):")
        lines += [f"  STILL FAILED {f['file']}: {f['error_type']}: {f['error']}" for f in result["stored_errors"]]
    return "\n".join(lines)
