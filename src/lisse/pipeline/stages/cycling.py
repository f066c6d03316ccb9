"""Evaluate stage ``cycling``: measured cycler files (or a synthetic CCD staircase) -> figures and tables.

Study section::

    [cycling]
    files = ["sym_ccd.mpr", "fullcell.ndax"]   # relative to the study file; omit (or synthetic = true) for the demo
    area = "0.785 cm2"                          # electrode area (needed for CCD / per-cm2 results)
    active_mass = "12 mg"                       # optional, for mAh/g
    units = "time=s,voltage=V,current=mA"       # units of CSV columns whose header has none (or a table {time = "s", ...})
    kind = "auto"                               # auto | symmetric | ccd | fullcell
    cell_type = "auto"                          # auto | symmetric: state that the files are symmetric cells (classifier override)
    synthetic = false                           # true: analyse a generated CCD staircase with known answer
    synthetic_failure = "hard"                  # hard | soft | polarization (synthetic only)
    ccd = { collapse_ratio = 0.3, noise_factor = 4.0, rise_ratio = 1.5 }   # detector thresholds (optional)
    from_db = false                             # true: read the results of 'files' from the study's [database]
    cells = ["sym-07", "sym-*"]                 # read the stored results of these cells (names or patterns; implies from_db)

``files`` entries may be glob patterns (``"data/*.mpr"``, ``"runs/**/*.ndax"``), expanded in sorted order.
With ``from_db`` (or ``cells``) nothing is re-analysed: each file's summary, CCD steps, half cycles and
cycles come from the results database with their provenance (database, sha256, analysed_at, lisse
version); a file whose content changed since it was analysed is flagged stale.

For each file: the record summary and its cell type with the rule that decided
(:func:`lisse.analysis.cell_type.classify_cell`); a symmetric cell gets CCD detection when its current is
stepped (``kind = "ccd"``, or ``auto`` with more than two current levels) and short detection otherwise,
with the voltage/current-staircase and overpotential figures and the half-cycle table; a full cell gets the
per-cycle table (complete cycles judged, incomplete ones listed), rate table, capacity/CE figure and the
voltage–capacity / dQ/dV figure. CCD and short detection are only run on a symmetric-cell record: with
``kind = "ccd"`` or ``"symmetric"`` on a file the classifier calls a full cell (rest, impedance), the report
says so instead of giving a CCD, unless ``cell_type = "symmetric"`` states that the files are symmetric cells.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lisse.io.readers import READERS
from lisse.params import OptionBounds, OptionSpec
from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.report.html import Markup

if TYPE_CHECKING:
    from lisse.records.cycling import CyclingRecord
    from lisse.sim.synthetic_cycling import SyntheticTruth

#: Column units of files whose header carries none: "time=s,voltage=V,current=mA" or a table role -> unit.
UNITS_OPTION = OptionSpec.one_of(
    "column units of files whose header has none: \"time=s,voltage=V,current=mA\" or a table {role = unit}",
    OptionSpec.text("units as role=unit pairs, comma separated"),
    OptionSpec.table("units per column role", values=OptionSpec.text("unit of the column"), max_items=20),
)

_RATIO: OptionBounds = {"low": 0.0, "low_inclusive": False, "high": 1e3}

#: Records with more cycles get the curves figure but not the per-sample curve and dQ/dV tables in the report.
_MAX_CURVE_TABLE_CYCLES = 200

#: Options of the ``[cycling]`` table.
SCHEMA = {
    "files": OptionSpec.list_of(OptionSpec.path("cycler file"), "cycler files or glob patterns ('data/*.mpr', 'runs/**/*.ndax'; sorted), relative to the study file (omit for the synthetic demo)",
                                max_items=1000, scalar_ok=True),
    "area": OptionSpec.quantity("cm2", "electrode area (needed for CCD and per-cm2 results)", low=0.0, low_inclusive=False, high=1.0),
    "active_mass": OptionSpec.quantity("mg", "active-material mass, for mAh/g", low=0.0, low_inclusive=False, high=1.0),
    "loading": OptionSpec.quantity("mg/cm2", "active-material loading", low=0.0, low_inclusive=False, high=1e3),
    "kind": OptionSpec.text("what the files are", "auto", ("auto", "symmetric", "ccd", "fullcell")),
    "cell_type": OptionSpec.text("auto: CCD/short detection refuse records the classifier does not call symmetric cells; "
                                 "symmetric: the files are symmetric cells (override for misclassified records)", "auto",
                                 ("auto", "symmetric")),
    "ce_convention": OptionSpec.text("full cells: coulombic efficiency as the second half cycle over the first (auto, the "
                                     "direction from the first complete cycle), discharge/charge or charge/discharge", "auto",
                                     ("auto", "discharge/charge", "charge/discharge")),
    "synthetic": OptionSpec.boolean("analyse a generated CCD staircase with a known answer", False),
    "synthetic_failure": OptionSpec.text("failure of the synthetic staircase", "hard", ("hard", "soft", "polarization")),
    "ccd": OptionSpec.table("CCD detector thresholds", keys={
        "collapse_ratio": OptionSpec.number("|V| below this fraction of the expected overpotential = voltage collapse", low=0.0, high=1.0),
        "noise_factor": OptionSpec.number("rms noise above this multiple of the baseline = erratic", low=1.0, low_inclusive=False, high=1e3),
        "rise_ratio": OptionSpec.number("|V| above this multiple of the ohmic expectation = ohmic scaling lost", low=1.0, low_inclusive=False, high=1e3),
        "drop_fraction": OptionSpec.number("voltage drop fraction counted as a drop", low=0.0, high=1.0),
        "drop_sigma": OptionSpec.number("drop size in noise sigmas", **_RATIO),
        "min_drops": OptionSpec.integer("drops in a half cycle that make it erratic", low=1, high=1000),
        "window": OptionSpec.integer("smoothing window (points)", low=1, high=10000),
        "n_baseline": OptionSpec.integer("steps used as the baseline", low=1, high=1000),
        "v_cutoff": OptionSpec.quantity("V", "cycler voltage cut-off that ends a step (optional)", low=0.0, low_inclusive=False, high=100.0),
        "min_noise_V": OptionSpec.number("noise floor [V] of the erratic-voltage test", low=0.0, high=1.0),
        "collapse_sigma": OptionSpec.number("standard errors of the rolling median a voltage collapse must lie below "
                                            "the expected overpotential", low=0.0, low_inclusive=False, high=100.0),
    }),
    "format": OptionSpec.text("cycler file format (default: detected from the file)", choices=tuple(READERS)),
    "seed": OptionSpec.integer("random seed of the synthetic staircase", 0, 0, 2**32 - 1),
    "units": UNITS_OPTION,
    "from_db": OptionSpec.boolean("take the files' results from the study's [database] (written by lisse batch cycling) instead of "
                                  "analysing them: 'files' entries then select stored files by path or pattern", False),
    "cells": OptionSpec.list_of(OptionSpec.text("cell name or pattern"), "cells of the [database] whose stored cycling results "
                                "this stage reports (names or patterns such as 'sym-*'; implies from_db)", max_items=1000,
                                scalar_ok=True),
}


def _check(o: dict) -> None:
    from lisse.io.column_units import CYCLING_ROLES, parse_units

    parse_units(o.get("units"), CYCLING_ROLES, source="[cycling] units")


@stage("cycling", title="Cycling: CCD, shorts, overpotentials, full-cell capacity", section="cycling", order=60,
       needs=("cycling",), optional_deps=(), schema=SCHEMA, check=_check)
def cycling_stage(ctx: StageContext) -> StageResult:
    """Run the cycling analyses on the study's ``[cycling]`` files (or a synthetic staircase).

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[cycling]`` options (SI floats for quantities) and the output folder.

    Returns
    -------
    StageResult
        Summary (JSON keys with unit suffix), tables, figures, report HTML and citation keys.

    References
    ----------
    Kasemchainan2019: Kasemchainan, J.; Zekoll, S.; Spencer Jolly, D.; et al., Critical stripping current leads to dendrite formation on plating in lithium anode solid electrolyte cells, Nat. Mater. 18, 1105-1111 (2019), doi:10.1038/s41563-019-0438-9
    """
    from lisse.analysis.ccd import CCDDetector, ccd_text
    from lisse.analysis.cell_type import classify_cell
    from lisse.analysis.shorts import ShortDetector, cycle_life_text
    from lisse.errors import CellTypeError
    from lisse.plot.cycling import plot_capacity_ce, plot_overpotential, plot_voltage_staircase

    opts: dict[str, Any] = ctx.options
    if opts.get("from_db"):
        return _from_db(ctx)
    base = Path(ctx.study.get("_base_dir", ".")) if isinstance(ctx.study, dict) else Path(".")
    files = opts.get("files") or []
    ccd_opts = dict(opts.get("ccd") or {})
    meta = {k: opts[k] for k in ("area", "active_mass", "loading") if k in opts}  # SI floats: the readers take SI numbers
    res = StageResult(citations={"Kasemchainan2019"})
    summary: dict[str, Any] = {"files": []}
    html = []
    records: list[tuple[str, CyclingRecord, str, SyntheticTruth | None]] = []  # (name, record, kind, known answer)
    if opts["synthetic"] or not files:
        from lisse.sim.synthetic_cycling import ccd_staircase

        fail = opts["synthetic_failure"]
        area = opts.get("area", 0.785e-4)  # SI (m2); default 0.785 cm2
        rec_syn, truth_syn = ccd_staircase(failure=fail, j_critical="0.55 mA/cm2", area=area, seed=opts["seed"])
        records.append(("synthetic_ccd", rec_syn, "ccd", truth_syn))
        html.append(Markup("<p>No cycler files were given, so lisse analysed a <b>synthetic</b> Li|SSE|Li CCD staircase "
                           "(0.1 mA/cm² steps at 0.2 mAh/cm², ohmic + Butler–Volmer + nucleation spike, failure above "
                           "0.55 mA/cm² by a {} short) whose answer is known: CCD = 0.5 mA/cm².</p>").format(fail))
    for f in files:
        from lisse.io.column_units import CYCLING_ROLES, parse_units
        from lisse.io.readers import read_cycling

        p = Path(f)
        p = p if p.is_absolute() else base / p
        rec = read_cycling(p, format=opts.get("format"), units=parse_units(opts.get("units"), CYCLING_ROLES, source="[cycling] units"), **meta)
        # a name per file for its tables and figures: two files with one stem (a/run.csv, b/run.csv)
        # must not share (and overwrite) each other's outputs
        name, n = p.stem, 2
        while any(r[0] == name for r in records):
            name, n = f"{p.stem}_{n}", n + 1
        records.append((name, rec, opts["kind"], None))
    for name, rec, kind, truth in records:
        entry: dict[str, Any] = {"name": name, "record": rec.summary()}
        found = classify_cell(rec, staircase=True)
        entry["cell_type"] = {"kind": found.kind, "reason": found.reason}
        k = found.kind if kind == "auto" else kind
        entry["kind"] = k
        cell_type = "symmetric" if truth is not None else opts["cell_type"]
        det: CCDDetector | ShortDetector
        try:
            if k == "ccd":
                det = CCDDetector(**ccd_opts).fit(rec, cell_type=cell_type)
            elif k == "symmetric":
                det = ShortDetector().fit(rec, cell_type=cell_type)
        except CellTypeError as exc:
            msg = str(CellTypeError(exc.kind, exc.reason, "CCD detection" if k == "ccd" else "short detection",
                                    '[cycling] cell_type = "symmetric"', source=name))
            entry["refused"] = msg
            html.append(Markup("<p><b>{}</b>: not analysed: {}</p>").format(name, msg))
            summary["files"].append(entry)
            continue
        if k == "ccd" and isinstance(det, CCDDetector):
            entry["ccd"] = det.summary()
            res.figures[f"{name}_ccd"] = plot_voltage_staircase(rec, det, title=name)
            res.figure_captions[f"{name}_ccd"] = (f"{name}: voltage (blue) and current density (red) of the CCD staircase; "
                                                  f"dashed line: first failure ({det.criterion_}).")
            res.figures[f"{name}_overpotential"] = plot_overpotential(det.half_cycles_, title=name)
            res.figure_captions[f"{name}_overpotential"] = f"{name}: overpotential per half cycle (plateau, peak, end) and nucleation spike."
            res.tables[f"{name}_ccd_steps"] = det.steps_
            res.tables[f"{name}_half_cycles"] = det.half_cycles_
            s = det.summary()
            html.append(Markup("<p><b>{}</b>: CCD {}, protocol {}.</p>").format(name, ccd_text(s), s["protocol"]))
        elif k == "symmetric" and isinstance(det, ShortDetector):
            entry["short_detection"] = det.summary()
            res.figures[f"{name}_voltage"] = plot_voltage_staircase(rec, det, title=name)
            res.figure_captions[f"{name}_voltage"] = f"{name}: voltage and current vs time; dashed line: failure ({det.criterion_})."
            res.figures[f"{name}_overpotential"] = plot_overpotential(det.half_cycles_, title=name)
            res.figure_captions[f"{name}_overpotential"] = f"{name}: overpotential evolution per half cycle."
            res.tables[f"{name}_half_cycles"] = det.half_cycles_
            html.append(Markup("<p><b>{}</b>: {}; cycle life {}.</p>").format(
                name, f"short ({det.kind_})" if det.short_detected_ else "no short", cycle_life_text(entry["short_detection"])))
        elif k == "fullcell":
            from lisse.analysis.fullcell import cycle_table, dqdv_table, rate_table, summarize_cycles, voltage_capacity_curves
            from lisse.errors import CalculationError
            from lisse.plot.cycling import plot_curves_dqdv

            ct = cycle_table(rec, ce_convention=opts.get("ce_convention", "auto"))
            res.tables[f"{name}_cycles"] = ct
            try:
                res.tables[f"{name}_rates"] = rate_table(ct)
            except CalculationError:  # no complete discharge: no rate table
                pass
            fs = summarize_cycles(ct)
            entry["n_cycles"] = int(len(ct))
            entry["fullcell"] = fs
            curves, dq = voltage_capacity_curves(rec), dqdv_table(rec)
            if len(ct) <= _MAX_CURVE_TABLE_CYCLES:
                res.tables[f"{name}_curves"] = curves
                res.tables[f"{name}_dqdv"] = dq
            else:  # a table as long as the record: the CLI writes it on request
                entry["curves_note"] = (f"{len(ct)} cycles: the voltage-capacity and dQ/dV tables are not written "
                                        f"(more than {_MAX_CURVE_TABLE_CYCLES}); use lisse cycling FILE --curves CSV --dqdv CSV")
            res.figures[f"{name}_capacity"] = plot_capacity_ce(ct, title=name)
            res.figure_captions[f"{name}_capacity"] = f"{name}: charge/discharge capacity and coulombic efficiency per cycle (from 1)."
            res.figures[f"{name}_curves"] = plot_curves_dqdv(curves, dq, title=name)
            res.figure_captions[f"{name}_curves"] = (f"{name}: voltage vs capacity per cycle (charge solid, discharge dashed; "
                                                     f"incomplete cycles grey) and dQ/dV (5 mV bins, Savitzky–Golay 9 bins).")
            excl = "; ".join(f"cycle {e['cycle']}: {e['reason']}" for e in fs["excluded_cycles"][:5])
            html.append(Markup("<p><b>{}</b>: {} complete cycles of {}{}.</p>").format(
                name, fs["n_complete_cycles"], len(ct), f" (excluded {excl})" if excl else ""))
        if truth is not None:
            entry["synthetic_truth_ccd_mA_cm2"] = None if truth.ccd_A_m2 is None else truth.ccd_A_m2 / 10
        summary["files"].append(entry)
    res.summary = summary
    res.html = Markup("\n").join(html)
    return res


def _from_db(ctx: StageContext) -> StageResult:
    """The stored results of the selected files (no re-analysis), with their provenance."""
    import json

    import pandas as pd

    from lisse.pipeline.stages._dbsource import provenance_html, stored_files
    from lisse.plot.cycling import plot_overpotential

    res = StageResult(citations={"Kasemchainan2019"})
    summary: dict[str, Any] = {"files": [], "source": "database", "database": ctx.study["_database"]["path"]}
    html = [Markup("<p>Results read from the lab's results database (written by <code>lisse batch cycling</code>); the "
                   "files were not re-analysed. The voltage–time figures need the raw records and are not drawn.</p>")]
    names: set[str] = set()
    for got in stored_files(ctx.study, list(ctx.options.get("files") or [])):
        row, tables, prov = got["file"], got["tables"], got["provenance"]
        stem = Path(row["path"]).stem
        name, k = stem, 2
        while name in names:
            name, k = f"{stem}_{k}", k + 1
        names.add(name)
        stored = json.loads(row.get("summary_json") or "{}")
        entry: dict[str, Any] = {"name": name, "cell": row.get("cell"), "record": stored.get("record"),
                                 "cell_type": {"kind": row.get("cell_kind"), "reason": row.get("cell_kind_reason")},
                                 "kind": "ccd" if "ccd" in stored else stored.get("kind")}
        for key in ("ccd", "short_detection", "fullcell", "note"):
            if key in stored:
                entry[key] = stored[key]
        entry["provenance"] = prov
        for table in ("ccd_steps", "half_cycles", "cycles"):
            if table in tables:
                res.tables[f"{name}_{table}"] = pd.DataFrame(tables[table])
        if "half_cycles" in tables:
            res.figures[f"{name}_overpotential"] = plot_overpotential(pd.DataFrame(tables["half_cycles"]), title=name)
            res.figure_captions[f"{name}_overpotential"] = f"{name}: overpotential per half cycle (stored results)."
        html.append(provenance_html(name, prov))
        if "ccd" in stored:
            from lisse.analysis.ccd import ccd_text

            c = stored["ccd"]
            html.append(Markup("<p><b>{}</b>: CCD {}.</p>").format(name, ccd_text(c)))
        if isinstance(stored.get("short_detection"), dict):
            from lisse.analysis.shorts import cycle_life_text

            d = entry["short_detection"] = dict(stored["short_detection"])
            if "cycle_life_is_lower_bound" not in d:  # stored before the flag existed: nothing failed = censored
                d["cycle_life_is_lower_bound"] = d.get("criterion") == "none"
            html.append(Markup("<p><b>{}</b>: {}; cycle life {}.</p>").format(
                name, f"short ({d.get('failure_kind')})" if d.get("short_detected") else "no short", cycle_life_text(d)))
        summary["files"].append(entry)
    summary["stale_files"] = [e["provenance"]["file"] for e in summary["files"] if e["provenance"]["stale"]]
    res.summary = summary
    res.html = Markup("\n").join(html)
    return res
