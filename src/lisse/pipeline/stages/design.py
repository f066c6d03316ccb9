"""Evaluate stage ``design``: capacities, N/P, excess Li, C-rates and stack energy density per cell."""

from __future__ import annotations

import html

import numpy as np

from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.units import from_si, to_si

_OPTIONS = {"li_thickness_range", "points", "target_np", "c_rates"}


@stage("design", title="Cell design", section="design", order=10, needs=("cells",))
def design_stage(ctx: StageContext) -> StageResult:
    import pandas as pd

    from lisse.cell.summary import li_thickness_sweep, summarize
    from lisse.params import unknown_key_error
    from lisse.pipeline.study import cell_designs
    from lisse.plot.cell import energy_density_vs_li_thickness, np_ratio_vs_li_thickness

    opts = ctx.options
    for k in opts:
        if k not in _OPTIONS:
            raise unknown_key_error(k, _OPTIONS, "option of [design]")
    lo, hi = (to_si(v, "um", "design.li_thickness_range") for v in opts.get("li_thickness_range", ["0 um", "100 um"]))
    n = opts.get("points", 201)
    targets = [float(x) for x in opts.get("target_np", [1.0])]
    c_rates = [float(x) for x in opts.get("c_rates", [0.1, 0.5, 1.0])]

    summaries, curves, np1, rate_rows, stack_rows = [], [], [], [], []
    for name, d in cell_designs(ctx.study):
        s = summarize(d)
        s["name"] = name
        s["li_thickness_for_target_np_um"] = {f"{t:g}": from_si(d.li_thickness_for_np(t), "um") for t in targets}
        summaries.append(s)
        curves.append({"name": name, **li_thickness_sweep(d, lo, hi, n)})
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
    body = ["<p>Li areal capacity = &rho;<sub>Li</sub> q<sub>Li</sub> t (0.2062 mAh/cm² per µm); N/P = Q<sub>Li</sub>/Q<sub>P</sub>; "
            "energy = Q<sub>P</sub> &times; average voltage over the whole stack (listed layers) per area, volume at the charged thickness.</p>"]
    for s in summaries:
        body.append(f"<h3>{html.escape(s['name'])}</h3>")
        body.append(_stack_html(s))
        body.append(f"<p>Energy densities include: {html.escape(', '.join(s['energy_density_includes']))}.</p>")
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
        html="\n".join(body),
        citations={"Ji2025", "CRC2016", "IUPAC2021"},
    )


def _stack_html(s: dict) -> str:
    rows = []
    total = sum(max(x["thickness_um"], 0.0) for x in s["layers"]) or 1.0
    colors = {"negative": "#9aa7b0", "negative_collector": "#c98b4a", "interlayer": "#7fb77e", "electrolyte": "#e3c86b", "positive": "#5b7bb4", "positive_collector": "#b0b0b0"}
    for x in s["layers"]:
        w = max(2.0, 300.0 * np.log10(1 + x["thickness_um"]) / np.log10(1 + total))
        rows.append(
            f"<tr><td>{html.escape(x['role'])}</td><td>{html.escape(x['material'])}</td><td>{x['thickness_um']:.4g}</td>"
            f"<td>{x['areal_mass_mg_cm2']:.4g}</td><td><div class='bar' style='width:{w:.0f}px;background:{colors.get(x['role'], '#999')}'></div></td></tr>"
        )
    head = "<tr><th>layer</th><th>material</th><th>thickness (µm)</th><th>mass (mg/cm²)</th><th>thickness (log scale)</th></tr>"
    facts = (
        f"<p>N/P = <b>{s['np_ratio']:.3f}</b>; Li {s['anode_capacity_mAh_cm2']:.4g} mAh/cm², positive {s['cathode_capacity_mAh_cm2']:.4g} mAh/cm²; "
        f"thinnest Li for N/P = 1: {s['li_thickness_for_np1_um']:.3g} µm; 1C = {s['current_density_1C_mA_cm2']:.3g} mA/cm²; "
        f"stack {s['gravimetric_energy_density_Wh_kg']:.4g} Wh/kg, {s['volumetric_energy_density_Wh_L']:.4g} Wh/L.</p>"
    )
    return facts + f"<table class='stack'>{head}{''.join(rows)}</table>"
