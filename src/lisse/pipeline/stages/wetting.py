"""Evaluate stage ``wetting``: Young–Dupré wetting of Li on the study's interlayer / coating / electrolyte.

Study section (all keys optional)::

    [wetting]
    li_surface_energy = "0.4245 J/m2"     # sigma_Li; default: lisse's value from Ji2025's W_ad/theta pair
    materials = ["LiF", "Li2CO3"]         # default: every cell's interlayer and electrolyte
    pore_radius = "1 um"                  # optional: Young–Laplace capillary pressure for Li entering pores
    use_ml = true                         # allow the bundled ML (screening) values when no DFT value exists
    [wetting.work_of_adhesion]            # your own W_ad values win over the bundled table
    LiCF3SO3 = "0.30 J/m2"

W_ad per material comes, in this order, from the study, from the bundled published DFT values
(``lisse/atomistic/accuracy.toml``, each with its source) and — only if ``use_ml`` — from the ML values
measured with lisse (flagged as screening grade with their stated error). The stage never runs
atomistic relaxations (that is ``lisse wetting Li X``).
"""

from __future__ import annotations

from lisse.params import OptionSpec
from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.report.html import Markup

#: Options of the ``[wetting]`` table.
SCHEMA = {
    "li_surface_energy": OptionSpec.quantity("J/m2", "surface energy of Li, sigma_Li (default: lisse's value from Ji2025's W_ad/theta pair)",
                                             low=0.0, low_inclusive=False, high=10.0),
    "materials": OptionSpec.list_of(OptionSpec.text("material name"), "materials to evaluate (default: every cell's interlayer and electrolyte)",
                                    max_items=200),
    "pore_radius": OptionSpec.quantity("um", "pore radius for the Young-Laplace capillary pressure (optional)",
                                       low=0.0, low_inclusive=False, high=1e-2),
    "use_ml": OptionSpec.boolean("allow the bundled ML (screening) W_ad values when no DFT value exists", True),
    "work_of_adhesion": OptionSpec.table("your own W_ad per material (material = quantity); they win over the bundled table",
                                         values=OptionSpec.quantity("J/m2", "work of adhesion of Li on the material", low=0.0, high=10.0),
                                         max_items=200),
}


def _study_materials(study) -> list[str]:
    out: list[str] = []
    for c in study.get("cells", []):
        inter = c.get("interlayer")
        if isinstance(inter, dict):
            inter = inter.get("material")
        for m in (inter, c.get("electrolyte")):
            if isinstance(m, str) and m not in out:
                out.append(m)
    return out


@stage("wetting", title="Li wetting of the interface layers (Young–Dupré)", section="wetting", order=35, needs=("cells",), schema=SCHEMA)
def wetting_stage(ctx: StageContext) -> StageResult:
    """Young-Dupré wetting of Li on the study's interlayers, coatings and electrolytes.

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[wetting]`` options (SI floats for quantities) and the output folder.

    Returns
    -------
    StageResult
        Summary (JSON keys with unit suffix), tables, figures, report HTML and citation keys.

    References
    ----------
    Ji2025: Ji et al., Interface engineering enabling thin lithium metal electrodes down to 0.78 um for garnet-type solid-state batteries, Nature Communications (2025)
    """
    import pandas as pd

    from lisse.atomistic.accuracy import bundled_work_of_adhesion
    from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY, capillary_pressure, contact_angle
    from lisse.units import from_si

    o = ctx.options
    sigma = o.get("li_surface_energy", DEFAULT_LI_SURFACE_ENERGY)
    mats = list(o.get("materials") or _study_materials(ctx.study))
    user = dict(o.get("work_of_adhesion") or {})
    for k in user:
        if k not in mats:
            mats.append(k)
    pore = o.get("pore_radius")
    use_ml = o["use_ml"]
    rows, missing = [], []
    for m in mats:
        if m in user:
            w, origin, src = user[m], "study", "[wetting.work_of_adhesion]"
        else:
            b = bundled_work_of_adhesion(m, use_ml=use_ml, li_surface_energy=sigma)
            if b is None:
                missing.append(m)
                continue
            w, origin, src = b.value_J_m2, b.origin, b.source
        r = contact_angle(w, sigma, allow_negative=origin != "study")  # the study's own values must be >= 0
        row = {"material": m, "work_of_adhesion_J_m2": w, "contact_angle_deg": r.contact_angle_deg, "regime": r.regime, "origin": origin, "source": src}
        if pore is not None:
            row["capillary_pressure_MPa"] = capillary_pressure(pore, r.contact_angle_deg, sigma) / 1e6
        rows.append(row)
    df = pd.DataFrame(rows)
    summary = {
        "li_surface_energy_J_m2": sigma,
        "materials": {r["material"]: {k: v for k, v in r.items() if k != "material"} for r in rows},
        "no_value": missing,
    }
    if pore is not None:
        summary["pore_radius_um"] = from_si(pore, "um")
    html = [Markup(f"<p>Young–Dupré: cos θ = W<sub>ad</sub>/σ<sub>Li</sub> − 1 with σ<sub>Li</sub> = {sigma:.4f} J/m² "
            f"({'study' if 'li_surface_energy' in o else 'lisse default from Ji2025’s W_ad/θ pair'}). θ &lt; 90° is lithiophilic.</p>")]
    if any(r["origin"].startswith("ML") for r in rows):
        html.append(Markup("<p>Rows marked ML are screening-grade values from universal ML potentials; their error against DFT is in "
                    "<code>lisse atomistic accuracy</code> and can be large enough to change the ranking.</p>"))
    if missing:
        html.append(Markup("<p>No W<sub>ad</sub> known for: {}. Add it under <code>[wetting.work_of_adhesion]</code>, "
                    "or compute it with <code>lisse wetting Li X</code> (ML) or the DFT decks.</p>").format(", ".join(missing)))
    figs = {}
    if rows:
        from lisse.plot.thermo import wetting_bar

        figs["wetting"] = wetting_bar(df)
    return StageResult(summary=summary, tables={"wetting": df} if rows else {}, figures=figs, html=Markup("\n").join(html), citations={"Ji2025"},
                       figure_captions={"wetting": "Young–Dupré contact angle of Li on each layer (θ < 90° lithiophilic)."})
