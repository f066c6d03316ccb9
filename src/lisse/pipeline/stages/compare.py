"""Evaluate stage ``compare``: the cell among published strategies.

Study section::

    [compare]
    ccd = "1.2 mA/cm2"                       # optional; else taken from the cycling stage when it ran
    interfacial_resistance = "20 ohm*cm2"    # optional
    cycle_life = [["0.2 mA/cm2", "1500 h"]]  # optional
    electrolyte = "LLZO"                     # optional filter
"""

from __future__ import annotations

from lisse.pipeline.registry import StageContext, StageResult, stage

_OPTIONS = {"ccd", "interfacial_resistance", "cycle_life", "electrolyte"}


def _find(d, key):
    if isinstance(d, dict):
        if key in d and isinstance(d[key], (int, float)):
            return d[key]
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


@stage("compare", title="Comparison with published strategies", section="compare", order=90, needs=("compare",))
def compare_stage(ctx: StageContext) -> StageResult:
    from dataclasses import asdict

    import pandas as pd

    from lisse.analysis.literature import compare_cell, published_strategies
    from lisse.params import unknown_key_error
    from lisse.plot.literature import literature_comparison
    from lisse.units import to_si

    o = ctx.options
    for k in o:
        if k not in _OPTIONS:
            raise unknown_key_error(k, _OPTIONS, "option of [compare]")
    ccd = to_si(o["ccd"], "A/m2", "compare.ccd") if "ccd" in o else None
    origin = "study"
    if ccd is None:
        found = _find(ctx.results.get("cycling", {}), "ccd_mA_cm2")
        if found is not None:
            ccd, origin = float(found) * 10.0, "cycling stage"
    r = to_si(o["interfacial_resistance"], "ohm*m2", "compare.interfacial_resistance") if "interfacial_resistance" in o else None
    life = [(to_si(i, "A/m2", "compare.cycle_life"), to_si(t, "s", "compare.cycle_life")) for i, t in o.get("cycle_life", [])]
    res = compare_cell(ccd=ccd, interfacial_resistance=r, cycle_life=life or None, electrolyte=o.get("electrolyte"))
    res["ccd_origin"] = origin if ccd is not None else None
    strategies = published_strategies()
    table = pd.DataFrame([{**asdict(s), "cycle_life": "; ".join(f"{i:g} mA/cm2: {h:g} h" for i, h in s.cycle_life)} for s in strategies])
    return StageResult(
        summary=res,
        tables={"published_strategies": table},
        figures={"literature": literature_comparison(strategies, res)},
        figure_captions={"literature": "The cell (red star) among published strategies ([Chu2024] Table 1; [Ji2025], [Su2024], [Wang2024])."},
        html="<p>Rank against published Li|SSE interface strategies: CCD percentile = share of strategies with a lower CCD; "
        "resistance percentile = share with a higher interfacial resistance.</p>",
        citations={s.source for s in strategies},
    )
