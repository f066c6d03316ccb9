"""Evaluate stage ``eis``: impedance spectra -> Kramers–Kronig check, DRT peaks by process, conductivity.

Study section (all keys optional except one of ``files`` / ``synthetic``)::

    [eis]
    files = ["pellet_-25C.mpt", "cell_after_100_cycles.mpr"]  # relative to the study file
    area = "0.785 cm2"          # electrode area (for conductivity / ASR)
    thickness = "0.78 mm"       # electrolyte thickness (for conductivity)
    units = "frequency=Hz,impedance=ohm"   # units of plain-CSV columns whose header has none (or a table)
    lambda = 2e-4               # DRT regularisation: number, "gcv", "lcurve", "reim", "drttools"
    circuit = "R0-p(R1,CPE1)-p(R2,CPE2)"   # optional equivalent-circuit fit
    cell = "symmetric-li"       # symmetric-li | blocking | full | half: process windows and blocking element
    inductance = "auto"         # series inductance in the DRT: auto | yes | no
    capacitance = "auto"        # blocking element: auto | yes | no | cpe | leaky-cpe (auto: leaky-cpe for blocking cells)
    initial = {R1 = "10 kohm", CPE1_n = 0.9}  # optional initial guesses for the circuit (or "R1=10 kohm,...")
    fix = {CPE1_n = 0.9}        # optional parameters held fixed
    bounds = {R1 = [10, 1e7]}   # optional bounds (SI numbers, or "10 ohm:10 Mohm")
    bulk = "R1"                 # resistor taken as bulk for the fitted conductivity (default: first R in p(...))
    ignore_kk = false           # run DRT / fit even when the Kramers-Kronig verdict is "fail" (default: the stage stops)
    symmetric = true            # symmetric Li|SSE|Li cell: interfacial ASR halved (two interfaces)
    synthetic = true            # analyse the built-in synthetic three-arc spectrum (demo study)
    from_db = false             # true: read the results of 'files' from the study's [database] (no re-analysis)
    cells = ["sym-*"]           # read the stored results of these cells (implies from_db)
    [eis.processes]             # optional: τ windows [s] replacing the cell type's defaults
    bulk = [0, 1e-6]
    grain_boundary = [1e-6, 1e-4]
"""

from __future__ import annotations

from lisse.analysis.eis.cells import CELL_TYPES
from lisse.params import OptionSpec
from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.pipeline.stages.cycling import UNITS_OPTION
from lisse.report.html import Markup

_TAU = OptionSpec.number("relaxation time [s]", low=0.0)
_PVAL = OptionSpec.one_of("parameter value", OptionSpec.number("SI value"), OptionSpec.text("quantity, e.g. '10 kohm'"))

#: Options of the ``[eis]`` table.
SCHEMA = {
    "files": OptionSpec.list_of(OptionSpec.path("impedance file"), "impedance files or glob patterns ('data/*.mpr', 'runs/**/*.ndax'; sorted), relative to the study file",
                                max_items=1000, scalar_ok=True),
    "area": OptionSpec.quantity("cm2", "electrode area (for conductivity and ASR)", low=0.0, low_inclusive=False, high=1.0),
    "thickness": OptionSpec.quantity("um", "electrolyte thickness (for conductivity)", low=0.0, low_inclusive=False, high=1.0),
    "lambda": OptionSpec.one_of(
        "DRT regularisation: a number > 0 or a rule that picks it",
        OptionSpec.number("regularisation parameter", low=0.0, low_inclusive=False, high=1e6),
        OptionSpec.text("rule", choices=("gcv", "lcurve", "reim", "drttools")),
        default=2e-4),
    "circuit": OptionSpec.text("equivalent circuit to fit, e.g. 'R0-p(R1,CPE1)-p(R2,CPE2)' (optional)"),
    "cell": OptionSpec.text("cell type: process windows and, for blocking electrodes, a series CPE with leakage in the DRT",
                            default="symmetric-li", choices=CELL_TYPES),
    "inductance": OptionSpec.text("series inductance in the DRT (auto: when Z'' > 0 at the top frequencies)", default="auto",
                                  choices=("auto", "yes", "no")),
    "capacitance": OptionSpec.text("blocking element in series with the DRT (auto: leaky-cpe for blocking cells, else an ideal "
                                   "capacitor when the lowest-frequency phase is below -60 deg)", default="auto",
                                   choices=("auto", "yes", "no", "cpe", "leaky-cpe")),
    "symmetric": OptionSpec.boolean("symmetric Li|SSE|Li cell: interfacial ASR halved (two interfaces)", True),
    "synthetic": OptionSpec.boolean("analyse the built-in synthetic three-arc spectrum (demo)", False),
    "processes": OptionSpec.table("tau windows [s] per process, e.g. bulk = [0, 1e-6] or interface = \"3e-3:\" (replace the defaults)",
                                  values=OptionSpec.one_of("window", OptionSpec.pair(_TAU, _TAU, "[low, high] in s"),
                                                           OptionSpec.text("'low:high' in s (empty high: no upper bound)")),
                                  max_items=20),
    "units": UNITS_OPTION,
    "ignore_kk": OptionSpec.boolean("run the DRT and circuit fit even when the Kramers-Kronig verdict is 'fail'", False),
    "initial": OptionSpec.one_of("initial guesses for the circuit fit", OptionSpec.text("'R1=10 kohm,CPE1_n=0.9'"),
                                 OptionSpec.table("{R1 = '10 kohm', CPE1_n = 0.9}", values=_PVAL, max_items=100)),
    "fix": OptionSpec.one_of("parameters held fixed in the circuit fit", OptionSpec.text("'CPE1_n=0.9'"),
                             OptionSpec.table("{CPE1_n = 0.9}", values=_PVAL, max_items=100)),
    "bounds": OptionSpec.one_of("bounds for the circuit fit", OptionSpec.text("'R1=10:1e7'"),
                                OptionSpec.table("{R1 = [10, 1e7]}", values=OptionSpec.one_of(
                                    "bounds", OptionSpec.pair(_PVAL, _PVAL, "[low, high]"), OptionSpec.text("'low:high'")), max_items=100)),
    "bulk": OptionSpec.text("resistor taken as the bulk resistance for the fitted conductivity (default: the first R inside p(...))"),
    "from_db": OptionSpec.boolean("take the files' results from the study's [database] (written by lisse batch eis) instead of "
                                  "analysing them: 'files' entries then select stored files by path or pattern", False),
    "cells": OptionSpec.list_of(OptionSpec.text("cell name or pattern"), "cells of the [database] whose stored impedance results "
                                "this stage reports (names or patterns such as 'sym-*'; implies from_db)", max_items=1000,
                                scalar_ok=True),
}


def _check(o: dict) -> None:
    from lisse.errors import ParameterError
    from lisse.io.column_units import EIS_ROLES, parse_units

    parse_units(o.get("units"), EIS_ROLES, source="[eis] units")
    if not o.get("files") and not o.get("synthetic") and not o.get("cells"):
        raise ParameterError("[eis] files: expected 'files = [...]' or 'synthetic = true' (or 'cells = [...]' with a [database]); "
                             "found neither")
    from lisse.analysis.eis.workflow import parse_windows

    try:
        parse_windows(o.get("processes"))
    except ParameterError as exc:
        raise ParameterError(f"[eis] processes: {exc}") from None


@stage("eis", title="Impedance: Kramers-Kronig, DRT and processes", section="eis", order=60, needs=("eis",), optional_deps=("scipy",),
       schema=SCHEMA, check=_check)
def eis_stage(ctx: StageContext) -> StageResult:
    """Kramers-Kronig check, DRT with process assignment and conductivity for the study's impedance spectra.

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[eis]`` options (SI floats for quantities) and the output folder.

    Returns
    -------
    StageResult
        Summary (JSON keys with unit suffix), tables, figures, report HTML and citation keys.

    Raises
    ------
    ParameterError
        The ``[eis]`` table names neither files nor ``synthetic = true``, or its options are wrong.
    ReaderError
        A spectrum file cannot be read.

    References
    ----------
    Schonleber2014: Schönleber, Klotz, Ivers-Tiffée, A method for improving the robustness of linear Kramers-Kronig validity tests, Electrochimica Acta 131, 20 (2014), doi:10.1016/j.electacta.2014.01.034
    Wan2015: Wan, Saccoccio, Chen, Ciucci, Influence of the discretization methods on the distribution of relaxation times deconvolution: implementing radial basis functions with DRTtools, Electrochimica Acta 184, 483 (2015), doi:10.1016/j.electacta.2015.09.097
    """
    from pathlib import Path

    import pandas as pd

    from lisse.analysis.eis.drt import BAND_LEVEL
    from lisse.analysis.eis.workflow import analyse, parse_windows
    from lisse.errors import ParameterError

    opts = ctx.options
    if opts.get("from_db"):
        return _from_db(ctx)
    import dataclasses

    from lisse.analysis.eis.derived import interfacial_asr
    from lisse.analysis.eis.synthetic import three_arc_spectrum
    from lisse.io.column_units import EIS_ROLES, parse_units
    from lisse.io.eis import read_spectra
    from lisse.plot import eis as peis

    base = Path(ctx.study.get("_base_dir", ".")) if isinstance(ctx.study, dict) else Path(".")
    spectra = []
    area = opts.get("area")  # SI floats: the readers take SI numbers
    thickness = opts.get("thickness")
    if opts.get("synthetic"):  # the study's geometry applies to the demo spectrum too (conductivity, ASR)
        spectra.append(dataclasses.replace(three_arc_spectrum(noise=0.005, seed=7), area=area, thickness=thickness))
    units = parse_units(opts.get("units"), EIS_ROLES, source="[eis] units")
    for fn in opts.get("files", []) or []:
        p = Path(fn)
        spectra.extend(read_spectra(p if p.is_absolute() else base / p, units=units, area=area, thickness=thickness))
    if not spectra:
        raise ParameterError("[eis]: expected 'files = [...]' or 'synthetic = true'; found neither")
    lam = opts["lambda"]
    symmetric = opts["symmetric"]
    from lisse.analysis.eis.cells import cell_model

    model = cell_model(opts["cell"])
    cell = model.name

    rows, summaries, figures, captions = [], [], {}, {}
    for i, sp in enumerate(spectra):
        out, objs = analyse(sp, drt=True, kk=True, fit=opts.get("circuit"), lam=lam, processes=opts.get("processes"), cell=cell,
                            inductance=opts["inductance"], capacitance=opts["capacitance"],
                            ignore_kk=opts.get("ignore_kk", False), initial=opts.get("initial"), fix=opts.get("fix"), bounds=opts.get("bounds"), bulk=opts.get("bulk"))
        d = objs["drt"]
        for pk in d.peaks_:
            rows.append({"spectrum": sp.label, "tau_s": pk.tau_s, "frequency_Hz": pk.frequency_Hz, "resistance_ohm": pk.resistance_ohm,
                         "capacitance_F": pk.capacitance_F, "process": pk.process})
        if area is not None and model.interfacial:
            pr = d.process_resistances()
            counted = [name for name in model.interfacial if name in pr]
            r_int = sum(pr[name] for name in counted)
            missing = [name for name in model.interfacial if name not in pr]
            if r_int > 0:
                out["interfacial_asr"] = interfacial_asr(r_int, area, symmetric=symmetric)
                out["interfacial_asr"].update(processes_counted=counted, processes_not_resolved=missing)
                if missing:  # a process with no peak here is not resolved, not 0 ohm: the ASR covers the others only
                    out["interfacial_asr"]["note"] = (f"sum of {', '.join(counted)} only: no DRT peak of {', '.join(missing)} in this "
                                                      "spectrum (unresolved or outside the measured frequencies), not counted")
            else:  # no interfacial process resolved at all: no ASR, said (it vanished silently)
                out["interfacial_asr"] = {"asr_ohm_m2": None, "asr_ohm_cm2": None, "processes_counted": [], "processes_not_resolved": missing,
                                          "note": f"not measured: no DRT peak of {', '.join(missing)} in this spectrum"}
        summaries.append(out)
        key = f"s{i}"
        figures[f"{key}_nyquist"] = peis.nyquist(sp, d.z_fit_, "DRT fit")
        captions[f"{key}_nyquist"] = (f"{sp.label}: Nyquist plot with the DRT reconstruction ({cell} cell; relative misfit max "
                                      f"{100 * d.max_relative_misfit_:.2f} %, median {100 * d.median_relative_misfit_:.2f} %: {d.fit_quality_}).")
        figures[f"{key}_drt"] = peis.drt(d)
        captions[f"{key}_drt"] = (f"{sp.label}: DRT (λ = {d.lambda_value_:.2g}), nominal {100 * BAND_LEVEL:.0f} % bias-aware band, "
                                  f"process τ windows of the {cell} cell shaded, deconvolved peaks with their resistance.")
        figures[f"{key}_kk"] = peis.kk_residuals(objs["kk"])
        captions[f"{key}_kk"] = f"{sp.label}: Lin-KK residuals (Schönleber's automatic M)."
    table = pd.DataFrame(rows)
    tables = {"drt_peaks": table}
    map_notes: list[str] = []
    if len(spectra) > 1:
        from lisse.analysis.eis.derived import drt_map

        m = drt_map(spectra, lambda_=lam, processes=parse_windows(opts.get("processes")), cell=cell)
        figures["drt_map"] = peis.plot_drt_map(m)
        captions["drt_map"] = "DRT map of the spectrum series: γ(τ) per spectrum on one common τ grid."
        tables["process_resistance"] = m.to_frame()  # an unresolved process is NaN (an empty CSV cell), not 0 ohm
        map_notes = list(m.notes)
    from html import escape

    windows = "; ".join(f"{escape(name.replace('_', ' '))} {lo:.0e}–{hi:.0e} s" if hi != float("inf") else f"{escape(name.replace('_', ' '))} &gt; {lo:.0e} s"
                        for name, (lo, hi) in (parse_windows(opts.get("processes")) or model.windows).items())
    html = (
        "<p>Each spectrum is checked with the linear Kramers-Kronig test (Schönleber 2014), then its "
        "distribution of relaxation times is computed by regularised non-negative least squares on a τ "
        "grid that extends a decade beyond the measured range (Wan 2015)"
        + (", in series with a constant-phase element with a leakage resistance for the ion-blocking electrodes" if cell == "blocking" else "")
        + f". Peaks are deconvolved into Gaussians and assigned by their relaxation time to the windows of the {cell} cell ({windows})"
        + ("; with the area and thickness, by their normalised capacitance against Irvine's ranges instead (bulk &lt; 1e-11 F, "
           "grain boundary &lt; 1e-8 F, electrodes above)" if cell == "blocking" and area is not None and thickness is not None else "")
        + ". "
        "The fit quality is judged on the maximum relative misfit |Z_fit − Z|/|Z|: good below 1 %, acceptable below 3 %, poor otherwise. "
        + ("The first spectrum is the built-in synthetic three-arc case (10 Ω + 100/200/500 Ω arcs, τ = 1e-7/1e-5/1e-2 s, 0.5 % noise). " if opts.get("synthetic") else "")
        + ("Interfacial ASR is halved for a symmetric cell (two interfaces)." if symmetric and model.interfacial else "")
        + "</p>"
        + _results_html(summaries)
        + ("<p>Process resistances of the series:</p><ul>" + "".join(f"<li>{escape(n)}</li>" for n in map_notes) + "</ul>" if map_notes else "")
    )
    summary: dict = {"spectra": summaries, "n_spectra": len(spectra)}
    if map_notes:
        summary["process_resistance_notes"] = map_notes
    return StageResult(
        summary=summary,
        tables=tables,
        figures=figures,
        html=Markup(html),  # static text; process names escaped
        citations={"Wan2015", "Schonleber2014"},
        figure_captions=captions,
    )


def _results_html(summaries: list[dict]) -> str:
    """Per-spectrum results the report shows beside the DRT peak table: Kramers-Kronig verdict, fit quality, the DRT's
    (and a circuit's) conductivities, the interfacial ASR, and every warning and note of the analysis (escaped)."""
    from html import escape

    def num(v, fmt: str = ".4g") -> str:
        return "–" if v is None else format(v, fmt)

    rows, notes = [], []
    for out in summaries:
        label = escape(str(out.get("label")))
        kk = (out.get("kk") or {}).get("verdict", out.get("kk_verdict"))
        drt = out.get("drt") or {}
        fit = out.get("fit") or {}
        ia = out.get("interfacial_asr") or {}
        asr = ia.get("asr_ohm_cm2")
        partial = asr is not None and bool(ia.get("processes_not_resolved"))  # a sum over the resolved processes only
        rows.append(f"<tr><td>{label}</td><td>{escape(str(kk))}</td><td>{escape(str(drt.get('fit_quality')))}</td>"
                    f"<td>{num(out.get('bulk_conductivity_S_cm'))}</td><td>{num(out.get('total_conductivity_S_cm'))}</td>"
                    f"<td>{num(fit.get('conductivity_S_cm'))}</td><td>{'≥ ' if partial else ''}{num(asr)}</td></tr>")
        for msg in ([out["conductivity_disagreement"]] if out.get("conductivity_disagreement") else []) + list(out.get("warnings", [])) \
                + list(drt.get("warnings", [])) + list(out.get("notes", [])):
            notes.append(f"<li>{label}: {escape(str(msg))}</li>")
        if out.get("grain_boundary_resolved") is False or out.get("bulk_peak_resolved") is False:
            notes.append(f"<li>{label}: conductivity: {escape(str(out.get('conductivity_note')))}</li>")
        if (out.get("interfacial_asr") or {}).get("note"):
            notes.append(f"<li>{label}: interfacial ASR: {escape(out['interfacial_asr']['note'])}</li>")
        if drt.get("process_assignment") and drt["process_assignment"] != "tau windows":
            notes.append(f"<li>{label}: peaks assigned by {escape(drt['process_assignment'])}</li>")
    html = ("<table><tr><th>spectrum</th><th>Kramers-Kronig</th><th>DRT fit</th><th>bulk σ (S/cm)</th><th>total σ (S/cm)</th>"
            "<th>circuit σ (S/cm)</th><th>interfacial ASR (Ω cm²)</th></tr>" + "".join(rows) + "</table>"
            "<p>σ = L/(R A) needs the study's <code>area</code> and <code>thickness</code> (– without them); bulk = R_inf + the "
            "DRT's bulk peaks, total = bulk + grain-boundary peaks.</p>")
    if notes:
        html += "<p>Warnings and notes:</p><ul>" + "".join(notes) + "</ul>"
    return html


def _from_db(ctx: StageContext) -> StageResult:
    """The stored spectra, DRT peaks and fits of the selected files (no re-analysis), with their provenance."""
    from pathlib import Path

    import pandas as pd

    import lisse.analysis.eis.drt  # noqa: F401 - defines the citations the report lists
    import lisse.analysis.eis.kk  # noqa: F401
    from lisse.pipeline.stages._dbsource import provenance_html, stored_files

    spectra, peaks, fits, files, html = [], [], [], [], []
    html.append(Markup("<p>Results read from the lab's results database (written by <code>lisse batch eis</code>); the spectra "
                       "were not re-analysed, so no Nyquist or DRT curves are drawn.</p>"))
    for got in stored_files(ctx.study, list(ctx.options.get("files") or [])):
        row, tables, prov = got["file"], got["tables"], got["provenance"]
        name = Path(row["path"]).stem
        labels = {r["spectrum"]: r.get("label") for r in tables.get("spectra", [])}
        for r in tables.get("spectra", []):
            spectra.append({"file": name, **r})
        for r in tables.get("drt_peaks", []):
            peaks.append({"file": name, "spectrum": labels.get(r["spectrum"], r["spectrum"]),
                          **{k: r.get(k) for k in ("tau_s", "frequency_Hz", "resistance_ohm", "capacitance_F", "process")}})
        for r in tables.get("fits", []):
            fits.append({"file": name, "spectrum": labels.get(r["spectrum"], r["spectrum"]), **{k: v for k, v in r.items() if k != "spectrum"}})
        files.append({"name": name, "cell": row.get("cell"), "n_spectra": row.get("n_spectra"),
                      "spectra": [{k: v for k, v in r.items()} for r in tables.get("spectra", [])], "provenance": prov})
        html.append(provenance_html(name, prov))
    tables = {"drt_peaks": pd.DataFrame(peaks, columns=["file", "spectrum", "tau_s", "frequency_Hz", "resistance_ohm",
                                                         "capacitance_F", "process"]),
              "spectra": pd.DataFrame(spectra)}
    if fits:
        tables["fits"] = pd.DataFrame(fits)
    return StageResult(
        summary={"source": "database", "database": ctx.study["_database"]["path"], "files": files, "n_spectra": len(spectra),
                 "stale_files": [f["provenance"]["file"] for f in files if f["provenance"]["stale"]]},
        tables=tables, html=Markup("\n").join(html), citations={"Wan2015", "Schonleber2014"})
