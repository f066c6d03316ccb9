"""Evaluate stage ``design``: capacities, N/P, excess Li, C-rates and stack energy density per cell."""

from __future__ import annotations

import numpy as np

from lisse.params import OptionSpec
from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.report.html import Markup
from lisse.units import from_si

_THICKNESS = OptionSpec.quantity("um", "Li foil thickness", low=0.0, high=1e-2)

#: Options of the ``[design]`` table.
SCHEMA = {
    "li_thickness_range": OptionSpec.list_of(_THICKNESS, "Li foil thickness range [from, to] of the sweep figures",
                                             ["0 um", "100 um"], min_items=2, max_items=2),
    "points": OptionSpec.integer("points of the Li-thickness sweep", 201, 2, 5000, limit_note="size limit"),
    "target_np": OptionSpec.list_of(OptionSpec.number("N/P ratio", low=0.0, low_inclusive=False, high=1e3),
                                    "N/P ratios to size the Li foil for", [1.0], min_items=1, max_items=100, scalar_ok=True),
    "c_rates": OptionSpec.list_of(OptionSpec.number("C-rate (1/h)", low=0.0, low_inclusive=False, high=1e3),
                                  "C-rates (1/h) of the current-density table", [0.1, 0.5, 1.0], max_items=100, scalar_ok=True),
}


@stage("design", title="Cell design", section="design", order=10, needs=("cells",), schema=SCHEMA)
def design_stage(ctx: StageContext) -> StageResult:
    """Capacities, N/P, excess Li, C-rates and stack energy density for each cell of the study.

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[design]`` options (SI floats for quantities) and the output folder.

    Returns
    -------
    StageResult
        Summary (JSON keys with unit suffix), tables, figures, report HTML and citation keys.

    References
    ----------
    Ji2025: Ji et al., Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type solid-state batteries, Nature Communications (2025)
    CRC2016: Haynes (ed.), CRC Handbook of Chemistry and Physics, 97th edition, CRC Press (2016), doi:10.1201/9781315380476
    IUPAC2021: Prohaska et al., Standard atomic weights of the elements 2021, Pure Appl. Chem. 94, 573 (2022), doi:10.1515/pac-2019-0603
    """
    import pandas as pd

    from lisse.cell.design import li_areal_capacity
    from lisse.cell.summary import li_thickness_grid, li_thickness_sweep, summarize
    from lisse.pipeline.study import cell_designs
    from lisse.plot.cell import energy_density_vs_li_thickness, np_ratio_vs_li_thickness

    opts = ctx.options
    lo, hi = opts["li_thickness_range"]
    n = opts["points"]
    targets = opts["target_np"]
    c_rates = opts["c_rates"]
    thick = li_thickness_grid(lo, hi, n)

    summaries, curves, np1, rate_rows, stack_rows = [], [], [], [], []
    for name, d in cell_designs(ctx.study):
        s = summarize(d)
        s["name"] = name
        s["li_thickness_for_target_np_um"] = {f"{t:g}": from_si(d.li_thickness_for_np(t), "um") for t in targets}
        summaries.append(s)
        curves.append({"name": name, **li_thickness_sweep(d, thick)})
        np1.append(from_si(d.li_thickness_for_np(1.0), "um"))
        for c in c_rates:
            rate_rows.append({"cell": name, "c_rate_per_h": c, "current_density_mA_cm2": from_si(d.current_density(c), "mA/cm2")})
        for lay in s["layers"]:
            stack_rows.append({"cell": name, **lay})

    keys = [
        "name", "li_thickness_um", "anode_capacity_mAh_cm2", "cathode_capacity_mAh_cm2", "np_ratio", "excess_li_mAh_cm2",
        "li_thickness_for_np1_um", "current_density_1C_mA_cm2", "stack_areal_mass_mg_cm2", "stack_thickness_charged_um",
        "gravimetric_energy_density_Wh_kg", "volumetric_energy_density_Wh_L",
    ]
    table = pd.DataFrame([{k: s[k] for k in keys} for s in summaries])
    sweep = pd.concat(
        [pd.DataFrame({"cell": c["name"], "li_thickness_um": c["li_thickness_um"], "np_ratio": c["np_ratio"],
                       "gravimetric_energy_density_Wh_kg": c["gravimetric_Wh_kg"], "volumetric_energy_density_Wh_L": c["volumetric_Wh_L"]})
         for c in curves],
        ignore_index=True,
    )
    per_um = from_si(li_areal_capacity(1e-6), "mAh/cm2")
    body = [Markup("<p>Li areal capacity = &rho;<sub>Li</sub> q<sub>Li</sub> t ({:.4f} mAh/cm² per µm); N/P = Q<sub>Li</sub>/Q<sub>P</sub>; "
            "energy = Q<sub>P</sub> &times; average voltage over the whole stack (listed layers) per area, volume at the charged thickness.</p>").format(per_um)]
    for s in summaries:
        body.append(Markup("<h3>{}</h3>").format(s["name"]))
        body.append(_stack_html(s))
        body.append(Markup("<p>Energy densities include: {}.</p>").format(", ".join(s["energy_density_includes"])))
    return StageResult(
        summary={"cells": summaries},
        tables={"summary": table, "stack": pd.DataFrame(stack_rows), "c_rates": pd.DataFrame(rate_rows), "li_thickness_sweep": sweep},
        figures={
            "energy_density_vs_li_thickness": energy_density_vs_li_thickness(curves, np1),
            "np_ratio_vs_li_thickness": np_ratio_vs_li_thickness(curves),
        },
        figure_captions={
            "energy_density_vs_li_thickness": "Stack energy density vs Li foil thickness; dashed lines: N/P = 1.",
            "np_ratio_vs_li_thickness": "N/P ratio vs Li foil thickness.",
        },
        html=Markup("\n").join(body),
        citations={"Ji2025", "CRC2016", "IUPAC2021"},
    )


def _stack_html(s: dict) -> Markup:
    rows = []
    total = sum(max(x["thickness_um"], 0.0) for x in s["layers"]) or 1.0
    colors = {"negative": "#9aa7b0", "negative_collector": "#c98b4a", "interlayer": "#7fb77e", "electrolyte": "#e3c86b", "positive": "#5b7bb4", "positive_collector": "#b0b0b0"}
    for x in s["layers"]:
        w = max(2.0, 300.0 * np.log10(1 + x["thickness_um"]) / np.log10(1 + total))
        rows.append(Markup(
            "<tr><td>{}</td><td>{}</td><td>{:.4g}</td><td>{:.4g}</td><td><div class='bar' style='width:{:.0f}px;background:{}'></div></td></tr>"
        ).format(x["role"], x["material"], x["thickness_um"], x["areal_mass_mg_cm2"], w, colors.get(x["role"], "#999")))
    head = Markup("<tr><th>layer</th><th>material</th><th>thickness (µm)</th><th>mass (mg/cm²)</th><th>thickness (log scale)</th></tr>")
    facts = Markup(
        "<p>N/P = <b>{:.3f}</b>; Li {:.4g} mAh/cm², positive {:.4g} mAh/cm²; thinnest Li for N/P = 1: {:.3g} µm; "
        "1C = {:.3g} mA/cm²; stack {:.4g} Wh/kg, {:.4g} Wh/L.</p>"
    ).format(s["np_ratio"], s["anode_capacity_mAh_cm2"], s["cathode_capacity_mAh_cm2"], s["li_thickness_for_np1_um"],
             s["current_density_1C_mA_cm2"], s["gravimetric_energy_density_Wh_kg"], s["volumetric_energy_density_Wh_L"])
    return facts + Markup("<table class='stack'>{}{}</table>").format(head, Markup("").join(rows))
