"""Evaluate stage ``compare``: the cell among published strategies.

Study section::

    [compare]
    ccd = "1.2 mA/cm2"                       # optional; else taken from the cycling stage when it ran
    interfacial_resistance = "20 ohm*cm2"    # optional
    cycle_life = [["0.2 mA/cm2", "1500 h"]]  # optional
    electrolyte = "LLZO"                     # optional filter
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
        OptionSpec.pair(_CURRENT, OptionSpec.quantity("h", "cycle life", low=0.0, low_inclusive=False), "[current density, cycle life]"),
        "cycle life at a current density, e.g. [[\"0.2 mA/cm2\", \"1500 h\"]]", max_items=100),
    "electrolyte": OptionSpec.text("compare only with strategies on this electrolyte (e.g. LLZO)"),
}


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


@stage("compare", title="Comparison with published strategies", section="compare", order=90, needs=("compare",), schema=SCHEMA)
def compare_stage(ctx: StageContext) -> StageResult:
    """Place the cell's CCD, interfacial resistance and cycle life among published strategies.

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[compare]`` options (SI floats for quantities) and the output folder.

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
    if ccd is None:
        found = _find(ctx.results.get("cycling", {}), "ccd_mA_cm2")
        if found is not None:
            ccd, origin = float(found) * 10.0, "cycling stage"
    r = o.get("interfacial_resistance")
    life = [(i, t) for i, t in o.get("cycle_life", [])]
    res = compare_cell(ccd=ccd, interfacial_resistance=r, cycle_life=life or None, electrolyte=o.get("electrolyte"))
    res["ccd_origin"] = origin if ccd is not None else None
    strategies = published_strategies()
    table = pd.DataFrame([{**asdict(s), "cycle_life": "; ".join(f"{i:g} mA/cm2: {h:g} h" for i, h in s.cycle_life)} for s in strategies])
    return StageResult(
        summary=res,
        tables={"published_strategies": table},
        figures={"literature": literature_comparison(strategies, res)},
        figure_captions={"literature": "The cell (red star) among published strategies ([Chu2024] Table 1; [Ji2025], [Su2024], [Wang2024])."},
        html=Markup("<p>Rank against published Li|SSE interface strategies: CCD percentile = share of strategies with a lower CCD; "
        "resistance percentile = share with a higher interfacial resistance.</p>"),
        citations={s.source for s in strategies},
    )
