"""Evaluate stage ``cycling``: measured cycler files (or a synthetic CCD staircase) -> figures and tables.

Study section::

    [cycling]
    files = ["sym_ccd.mpr", "fullcell.ndax"]   # relative to the study file; omit (or synthetic = true) for the demo
    area = "0.785 cm2"                          # electrode area (needed for CCD / per-cm2 results)
    active_mass = "12 mg"                       # optional, for mAh/g
    units = "time=s,voltage=V,current=mA"       # units of CSV columns whose header has none (or a table {time = "s", ...})
    kind = "auto"                               # auto | symmetric | ccd | fullcell
    synthetic = false                           # true: analyse a generated CCD staircase with known answer
    synthetic_failure = "hard"                  # hard | soft | polarization (synthetic only)
    ccd = { collapse_ratio = 0.3, noise_factor = 4.0, rise_ratio = 1.5 }   # detector thresholds (optional)

For each file: the record summary; a symmetric cell gets CCD detection when its current is stepped
(``kind = "ccd"``, or ``auto`` with more than one current level) and short detection otherwise, with the
voltage/current-staircase and overpotential figures and the half-cycle table; a full cell gets the
per-cycle table, rate table and capacity/CE figure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lisse.pipeline.registry import StageContext, StageResult, stage

_KNOWN = {"files", "area", "active_mass", "loading", "kind", "synthetic", "synthetic_failure", "ccd", "format", "seed", "units"}


def _levels(record) -> int:
    import numpy as np

    i = np.abs(record.current_A)
    i = i[i > 0.02 * i.max()] if i.size and i.max() > 0 else i
    if i.size == 0:
        return 0
    q = np.round(np.log(i) / np.log(1.05))
    return int(np.unique(q).size)


@stage("cycling", title="Cycling: CCD, shorts, overpotentials, full-cell capacity", section="cycling", order=60,
       needs=("cycling",), optional_deps=())
def cycling_stage(ctx: StageContext) -> StageResult:
    """Run the cycling analyses on the study's ``[cycling]`` files (or a synthetic staircase)."""
    from lisse.analysis.ccd import CCDDetector
    from lisse.analysis.shorts import ShortDetector
    from lisse.errors import ParameterError
    from lisse.plot.cycling import plot_capacity_ce, plot_overpotential, plot_voltage_staircase
    from lisse.units import parse_quantity, si_text

    opts: dict[str, Any] = dict(ctx.options or {})
    unknown = set(opts) - _KNOWN
    if unknown:
        import difflib

        hints = {u: difflib.get_close_matches(u, _KNOWN, n=1) for u in unknown}
        raise ParameterError(f"[cycling]: unknown option(s) {sorted(unknown)}; did you mean {hints}? known: {sorted(_KNOWN)}")
    base = Path(ctx.study.get("_base_dir", ".")) if isinstance(ctx.study, dict) else Path(".")
    files = opts.get("files") or []
    if isinstance(files, str):
        files = [files]
    ccd_opts = dict(opts.get("ccd") or {})
    res = StageResult(citations={"Kasemchainan2019"})
    summary: dict[str, Any] = {"files": []}
    html = []
    records = []
    if opts.get("synthetic", False) or not files:
        from lisse.sim.synthetic_cycling import ccd_staircase

        fail = opts.get("synthetic_failure", "hard")
        area = parse_quantity(opts.get("area", "0.785 cm2"), "cm2", "[cycling] area")  # bare study number: cm2
        rec, truth = ccd_staircase(failure=fail, j_critical="0.55 mA/cm2", area=area, seed=int(opts.get("seed", 0)))
        records.append(("synthetic_ccd", rec, "ccd", truth))
        html.append("<p>No cycler files were given, so lisse analysed a <b>synthetic</b> Li|SSE|Li CCD staircase "
                    "(0.1 mA/cm² steps at 0.2 mAh/cm², ohmic + Butler–Volmer + nucleation spike, failure above "
                    f"0.55 mA/cm² by a {fail} short) whose answer is known: CCD = 0.5 mA/cm².</p>")
    for f in files:
        from lisse.io.column_units import CYCLING_ROLES, parse_units
        from lisse.io.readers import read_cycling

        p = Path(f)
        p = p if p.is_absolute() else base / p
        meta = {k: si_text(parse_quantity(opts[k], unit, f"[cycling] {k}"), si) for k, (unit, si) in
                (("area", ("cm2", "m2")), ("active_mass", ("mg", "kg")), ("loading", ("mg/cm2", "kg/m2"))) if k in opts}
        rec = read_cycling(p, format=opts.get("format"), units=parse_units(opts.get("units"), CYCLING_ROLES, source="[cycling] units"), **meta)
        records.append((p.stem, rec, opts.get("kind", "auto"), None))
    for name, rec, kind, truth in records:
        entry: dict[str, Any] = {"name": name, "record": rec.summary()}
        k = kind
        if k == "auto":
            k = _classify(rec)
            if k == "symmetric" and _levels(rec) > 2:
                k = "ccd"
        entry["kind"] = k
        if k == "ccd":
            det = CCDDetector(**ccd_opts).fit(rec)
            entry["ccd"] = det.summary()
            res.figures[f"{name}_ccd"] = plot_voltage_staircase(rec, det, title=name)
            res.figure_captions[f"{name}_ccd"] = (f"{name}: voltage (blue) and current density (red) of the CCD staircase; "
                                                  f"dashed line: first failure ({det.criterion_}).")
            res.figures[f"{name}_overpotential"] = plot_overpotential(det.half_cycles_, title=name)
            res.figure_captions[f"{name}_overpotential"] = f"{name}: overpotential per half cycle (plateau, peak, end) and nucleation spike."
            res.tables[f"{name}_ccd_steps"] = det.steps_
            res.tables[f"{name}_half_cycles"] = det.half_cycles_
            s = det.summary()
            html.append(f"<p><b>{name}</b>: CCD (last stable step) = {s['ccd_mA_cm2']} mA/cm², first failure at "
                        f"{s['failure_current_density_mA_cm2']} mA/cm² ({s['criterion']}), protocol {s['protocol']}.</p>")
        elif k == "symmetric":
            det = ShortDetector().fit(rec)
            entry["short_detection"] = det.summary()
            res.figures[f"{name}_voltage"] = plot_voltage_staircase(rec, det, title=name)
            res.figure_captions[f"{name}_voltage"] = f"{name}: voltage and current vs time; dashed line: failure ({det.criterion_})."
            res.figures[f"{name}_overpotential"] = plot_overpotential(det.half_cycles_, title=name)
            res.figure_captions[f"{name}_overpotential"] = f"{name}: overpotential evolution per half cycle."
            res.tables[f"{name}_half_cycles"] = det.half_cycles_
            html.append(f"<p><b>{name}</b>: {'short (' + det.kind_ + ')' if det.short_detected_ else 'no short'}; cycle life {det.cycle_life_}.</p>")
        elif k == "fullcell":
            from lisse.analysis.fullcell import cycle_table, rate_table

            ct = cycle_table(rec)
            res.tables[f"{name}_cycles"] = ct
            try:
                res.tables[f"{name}_rates"] = rate_table(ct)
            except Exception:  # noqa: BLE001 - no discharge: no rate table
                pass
            entry["n_cycles"] = int(len(ct))
            res.figures[f"{name}_capacity"] = plot_capacity_ce(ct, title=name)
            res.figure_captions[f"{name}_capacity"] = f"{name}: charge/discharge capacity and coulombic efficiency per cycle."
            html.append(f"<p><b>{name}</b>: {len(ct)} cycles.</p>")
        if truth is not None:
            entry["synthetic_truth_ccd_mA_cm2"] = None if truth.ccd_A_m2 is None else truth.ccd_A_m2 / 10
        summary["files"].append(entry)
    res.summary = summary
    res.html = "\n".join(html)
    return res


def _classify(record) -> str:
    import numpy as np

    if "freq/Hz" in record.columns:
        return "impedance"
    i, v = record.current_A, record.voltage_V
    imax = np.max(np.abs(i)) if len(i) else 0.0
    act = np.abs(i) > 0.02 * imax
    if imax == 0 or act.sum() < 10:
        return "rest"
    if np.median(np.abs(v[act])) < 0.5 and np.mean(np.sign(v[act]) == np.sign(i[act])) > 0.8:
        return "symmetric"
    return "fullcell"
