"""Evaluate stage ``compare``: the cell among published strategies.

Study section::

    [compare]
    ccd = "1.2 mA/cm2"                       # optional; else taken from the cycling stage when it ran
    interfacial_resistance = "20 ohm*cm2"    # optional
    cycle_life = [["0.2 mA/cm2", "1500 h"], ["1 mA/cm2", ">=800 h"]]  # optional; ">=": had not failed (a lower bound)
    electrolyte = "LLZO"                     # optional filter
    cell = "sym-07"                          # optional: this cell's name in the [database] (its CCD unless 'ccd' is given; left out of the lab)
    lab = true                               # place the cell among the lab's own cells (needs a [database] table)
    lab_cells = ["sym-*"]                    # optional: only these lab cells (names or patterns)
    lab_material = "LLZO"                    # optional: only lab cells recorded with this material
    overpotential_at = "0.1 mA/cm2"          # optional: also rank the plateau overpotential at this current density
    overpotential = "12 mV"                  # optional: this cell's (default: the stored one of 'cell')

With a ``[database]`` table the cell is also placed among the lab's own cells: one CCD per lab cell (its
best file), the cell's rank and percentile among the others (:mod:`lisse.analysis.lab`), the
distribution per material, a figure with the lab's cells beside the published strategies, and the
table of lab cells; with ``overpotential_at``, the same for the plateau overpotential at that current
density (lower is better; :func:`lisse.analysis.lab.overpotential_per_file`).
"""

from __future__ import annotations

from lisse.params import OptionSpec
from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.report.html import Markup

_CURRENT = OptionSpec.quantity("mA/cm2", "current density", low=0.0, low_inclusive=False, high=1e4)

#: Options of the ``[compare]`` table.
SCHEMA = {
    "ccd": OptionSpec.quantity("mA/cm2", "critical current density of the cell (default: from the cycling stage when it ran)",
                               low=0.0, low_inclusive=False, high=1e4),
    "interfacial_resistance": OptionSpec.quantity("ohm*cm2", "interfacial area-specific resistance of the cell",
                                                  low=0.0, low_inclusive=False),
    "cycle_life": OptionSpec.list_of(
        OptionSpec.pair(_CURRENT, OptionSpec.quantity("h", "cycle life", low=0.0, low_inclusive=False, lower_bound_ok=True),
                        "[current density, cycle life]"),
        "cycle life at a current density, e.g. [[\"0.2 mA/cm2\", \"1500 h\"]]; \">=1500 h\" for a cell that had not failed "
        "when the test ended (a lower bound: never counted as outlasted)", max_items=100),
    "electrolyte": OptionSpec.text("compare only with strategies on this electrolyte (e.g. LLZO)"),
    "cell": OptionSpec.text("this cell's name in the study's [database]: its stored CCD unless 'ccd' is given, and it is "
                            "left out of the lab distribution it is placed in"),
    "lab": OptionSpec.boolean("place the cell among the lab's own cells of the study's [database] (needs a [database] table)", True),
    "lab_cells": OptionSpec.list_of(OptionSpec.text("cell name or pattern"), "only these lab cells (names or glob patterns)",
                                    max_items=1000, scalar_ok=True),
    "lab_material": OptionSpec.text("only lab cells whose recorded material (cells.material) is this (case-insensitive)"),
    "overpotential_at": OptionSpec.quantity("mA/cm2", "also place the cell's plateau overpotential at this current density among "
                                            "the lab's cells (stored half cycles within 5 %)", low=0.0, low_inclusive=False, high=1e4),
    "overpotential": OptionSpec.quantity("mV", "this cell's plateau overpotential at overpotential_at (default: the stored one "
                                         "of 'cell')", low=0.0, low_inclusive=False, high=100.0),
}


def _find(d, key):
    """The first mapping (depth first) in which ``key`` holds a number, or None."""
    if isinstance(d, dict):
        if key in d and isinstance(d[key], (int, float)):
            return d
        for v in d.values():
            r = _find(v, key)
            if r is not None:
                return r
    elif isinstance(d, list):
        for v in d:
            r = _find(v, key)
            if r is not None:
                return r
    return None


@stage("compare", title="Comparison with published strategies", section="compare", order=90, needs=("compare",), schema=SCHEMA)
def compare_stage(ctx: StageContext) -> StageResult:
    """Place the cell's CCD, interfacial resistance and cycle life among published strategies.

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[compare]`` options (SI floats for quantities; each ``cycle_life`` duration an
        ``(SI float, is_lower_bound)`` pair) and the output folder.

    Returns
    -------
    StageResult
        Summary (JSON keys with unit suffix), tables, figures, report HTML and citation keys.

    References
    ----------
    Ji2025: Ji et al., Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type solid-state batteries, Nature Communications (2025)
    Su2024: Su et al., A scalable Li-Al-Cl stratified structure for stable all-solid-state lithium metal batteries, Nature Communications 15 (2024), doi:10.1038/s41467-024-48585-7
    Wang2024: Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nature Energy 9 (2024), doi:10.1038/s41560-023-01426-1
    Chu2024: Chu et al., Optimization strategies for key interfaces of LLZO-based solid-state lithium metal batteries, Materials Chemistry Frontiers (2024), doi:10.1039/d3qm01111a
    """
    from dataclasses import asdict

    import pandas as pd

    from lisse.analysis.literature import compare_cell, published_strategies
    from lisse.plot.literature import literature_comparison

    o = ctx.options
    ccd = o.get("ccd")
    origin = "study"
    bound = False
    if ccd is None:
        found = _find(ctx.results.get("cycling", {}), "ccd_mA_cm2")
        if found is not None:
            ccd, origin = float(found["ccd_mA_cm2"]) * 10.0, "cycling stage"
            bound = bool(found.get("ccd_is_lower_bound"))  # the cell never failed: the CCD is at least this
    rows = eta_rows = None
    this_cell = o.get("cell") or _cycling_cell(ctx.results.get("cycling", {}))
    db = ctx.study.get("_database") if isinstance(ctx.study, dict) else None
    if o["lab"] and db:
        from lisse.analysis.lab import best_per_cell
        from lisse.io.resultsdb import ResultsDB

        with ResultsDB(db["path"], readonly=True) as store:
            rows = store.ccd_values()
            eta_rows = store.half_cycle_overpotentials() if "overpotential_at" in o else None
        mine = [c for c in best_per_cell(rows) if c["cell"] == this_cell]
        if mine and (o.get("ccd") is None) and (ccd is None or o.get("cell")):  # a named cell's stored CCD before the cycling stage's first
            ccd, origin = mine[0]["value"] * 10.0, f"database (cell {this_cell})"
            bound = bool(mine[0].get("lower_bound"))
    r = o.get("interfacial_resistance")
    # typed pairs carry (hours in SI, had not failed); a bare SI number (options built in code) is a measured life
    lives = [(i, t if isinstance(t, tuple) else (t, False)) for i, t in o.get("cycle_life", [])]
    life = [(i, t) for i, (t, _censored) in lives]
    censored = [bool(c) for _i, (_t, c) in lives]
    res = compare_cell(ccd=ccd, interfacial_resistance=r, cycle_life=life or None, electrolyte=o.get("electrolyte"),
                       ccd_is_lower_bound=bound, cycle_life_is_lower_bound=censored)
    res["ccd_origin"] = origin if ccd is not None else None
    strategies = published_strategies()
    table = pd.DataFrame([{**asdict(s), "cycle_life": "; ".join(f"{i:g} mA/cm2: {h:g} h" for i, h in s.cycle_life)} for s in strategies])
    out = StageResult(
        summary=res,
        tables={"published_strategies": table},
        figures={"literature": literature_comparison(strategies, res)},
        figure_captions={"literature": "The cell (red star) among published strategies ([Chu2024] Table 1; [Ji2025], [Su2024], [Wang2024])."},
        html=Markup("<p>Rank against published Li|SSE interface strategies: CCD percentile = share of strategies with a lower CCD; "
        "resistance percentile = share with a higher interfacial resistance.</p>"),
        citations={s.source for s in strategies},
    )
    if o["lab"] and not db:
        res["lab"] = {"skipped": "the study has no [database] table"}
    elif rows is not None and db:
        _lab(out, res, rows, o, this_cell, db["path"], strategies)
        if eta_rows is not None:
            _lab_overpotential(out, res, eta_rows, o, this_cell, db["path"])
    return out


def _lab_overpotential(out: StageResult, res: dict, rows: list, o: dict, this_cell: str | None, db_path: str) -> None:
    """Add the plateau-overpotential placement (summary ``lab_overpotential``, table and figure) among the lab's cells."""
    import pandas as pd

    from lisse.analysis.lab import compare_with_lab, overpotential_per_file
    from lisse.plot.lab import lab_comparison

    j = o["overpotential_at"]
    given = None if o.get("overpotential") is None else o["overpotential"] * 1e3  # V -> mV
    lab = compare_with_lab(overpotential_per_file(rows, j), given, key="eta_plateau_mV", this_cell=this_cell,
                           patterns=o.get("lab_cells"), group=o.get("lab_material"), higher_is_better=False)
    cells = lab.pop("cells")
    value = lab.get("value")
    lab.update(current_density_mA_cm2=j / 10, database=db_path,
               rule="per file: median |plateau overpotential| of its half cycles at the current density (5 %) before its first "
                    "failed half cycle; per cell its lowest file; percentile = share of the decided other lab cells with a "
                    "higher overpotential (equal values undecided, lisse.analysis.ranking); rank 1 = lowest")
    res["lab_overpotential"] = lab
    out.tables["lab_overpotential"] = pd.DataFrame(
        [{"cell": c["cell"], "material": c.get("group"), "eta_plateau_mV": c["value"], "n_files": c["n_files"],
          "this_cell": c["this_cell"]} for c in cells], columns=["cell", "material", "eta_plateau_mV", "n_files", "this_cell"])
    groups: dict[str, list[float]] = {}
    for c in cells:
        if c["cell"] != this_cell and not c.get("lower_bound"):  # lower bounds: listed in lab_cells, not drawn as values
            groups.setdefault(c.get("group") or "unknown", []).append(c["value"])
    out.figures["lab_overpotential"] = lab_comparison({}, dict(sorted(groups.items())), value, label=this_cell or "this cell",
                                                      quantity=f"plateau overpotential (mV) at {j / 10:g} mA/cm²")
    out.figure_captions["lab_overpotential"] = (f"The cell (red star) among the lab's cells (green diamonds, by recorded material): "
                                                f"plateau overpotential at {j / 10:g} mA/cm² from the stored half cycles.")
    no_j = sum(1 for r in rows if r.get("current_density_A_m2") is None)
    if not lab["n_lab_cells"]:  # say why the comparison is empty
        lab["note"] = (f"no other lab cell has a half cycle within 5 % of {j / 10:g} mA/cm2 before its first failure"
                       + (f"; {no_j} stored half cycles have no current density (their files were analysed without an "
                          "area: rerun lisse batch with --area)" if no_j else ""))
    if value is not None and lab["n_lab_cells"]:
        out.html = out.html + Markup("<p>Plateau overpotential at {:g} mA/cm²: {:.3g} mV, rank {} of {} (1 = lowest; lab median "
                                     "{:.3g} mV).</p>").format(j / 10, value, lab["rank"], lab["n_lab_cells"] + 1,
                                                               lab["distribution"]["median"])
    elif lab.get("note"):
        out.html = out.html + Markup("<p>Plateau overpotential at {:g} mA/cm²: {}.</p>").format(j / 10, lab["note"])


def _cycling_cell(cycling: dict) -> str | None:
    """The database cell of the cycling stage's first file, when that stage read the database."""
    files = cycling.get("files") if isinstance(cycling, dict) else None
    if cycling.get("source") == "database" and files:
        return files[0].get("cell")
    return None


def _lab(out: StageResult, res: dict, rows: list, o: dict, this_cell: str | None, db_path: str, strategies) -> None:
    """Add the lab comparison (summary ``lab``, table ``lab_cells``, figure ``lab``) to the compare stage's result."""
    import pandas as pd

    from lisse.analysis.lab import compare_with_lab
    from lisse.plot.lab import lab_comparison

    value = res.get("ccd_mA_cm2")
    lab = compare_with_lab(rows, value, this_cell=this_cell, patterns=o.get("lab_cells"), group=o.get("lab_material"),
                           value_is_lower_bound=bool(res.get("ccd_is_lower_bound")))
    cells = lab.pop("cells")
    value = lab.get("value")
    lab.update(database=db_path, rule="one CCD per cell (its best file); rank 1 = best, 1 + the cells that certainly beat it; "
               "percentile = share of the decided other cells with a lower CCD; ties (the same step) and lower bounds "
               "(never failed) that do not settle a pair are undecided (lisse.analysis.ranking); the distribution holds "
               "measured CCDs only")
    res["lab"] = lab
    out.tables["lab_cells"] = pd.DataFrame(
        [{"cell": c["cell"], "material": c.get("group"), "ccd_mA_cm2": c["value"], "n_files": c["n_files"],
          "ccd_is_lower_bound": bool(c.get("lower_bound")), "this_cell": c["this_cell"]} for c in cells],
        columns=["cell", "material", "ccd_mA_cm2", "n_files", "ccd_is_lower_bound", "this_cell"])
    electrolyte = o.get("electrolyte")
    pool = [s for s in strategies if s.ccd_mA_cm2 is not None]
    if electrolyte:
        fam = electrolyte.upper().replace("LLZTO", "LLZO")
        pool = [s for s in pool if s.electrolyte.upper().replace("LLZTO", "LLZO") == fam]
    published: dict[str, list[float]] = {}
    for s in pool:
        published.setdefault(s.source, []).append(s.ccd_mA_cm2)
    groups: dict[str, list[float]] = {}
    for c in cells:
        if c["cell"] != this_cell and not c.get("lower_bound"):  # lower bounds: listed in lab_cells, not drawn as values
            groups.setdefault(c.get("group") or "unknown", []).append(c["value"])
    out.figures["lab"] = lab_comparison(published, dict(sorted(groups.items())), value, label=this_cell or "this cell")
    out.figure_captions["lab"] = ("The cell (red star) among published strategies (blue, by source) and the lab's own cells (green "
                                  "diamonds, one CCD per cell, by recorded material) from the results database.")
    if value is not None and lab["n_lab_cells"]:
        pct = "–" if lab["percentile"] is None else f"{lab['percentile']:.0f}"
        med = lab["distribution"].get("median")
        text = Markup("<p>Among the lab's {} other cells in the results database, the cell's CCD of {}{:.3g} mA/cm² ranks {} "
                      "(percentile {}: it beats {} of them, {} undecided (ties or lower bounds); lab median of the measured "
                      "CCDs {} mA/cm²).</p>").format(
            lab["n_lab_cells"], "≥ " if lab.get("value_is_lower_bound") else "", value, lab["rank"], pct, lab["n_worse"],
            lab["n_undecided"], "–" if med is None else f"{med:.3g}")
    else:
        text = Markup("<p>Lab comparison: {} other cells with a CCD in the results database{}.</p>").format(
            lab["n_lab_cells"], "" if value is not None else "; this cell has no CCD to place among them")
    out.html = out.html + text
