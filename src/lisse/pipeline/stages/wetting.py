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

from lisse.pipeline.registry import StageContext, StageResult, stage

_OPTIONS = {"li_surface_energy", "materials", "pore_radius", "use_ml", "work_of_adhesion"}


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


def _bundled(material: str, use_ml: bool, sigma: float):
    """(W_ad J/m2, origin, source) from the accuracy/literature table, or None."""
    from lisse.atomistic.accuracy import load_table
    from lisse.thermo.wetting import work_of_adhesion_from_angle

    t = load_table()
    for e in t.get("literature", []):
        if e.get("substrate") != material and material not in e.get("aliases", []):
            continue
        alias = "" if e.get("substrate") == material else f" (value for {e['substrate']})"
        if e.get("quantity") == "work_of_adhesion":
            return float(e["value"]), "published DFT", e.get("source", "") + alias
        if e.get("quantity") == "contact_angle":
            w = work_of_adhesion_from_angle(float(e["value"]), sigma)
            return w, "published angle", f"{e.get('source', '')}{alias}; W_ad = sigma_Li (1 + cos {e['value']} deg)"
    if use_ml:
        for e in t.get("entry", []):
            if e.get("quantity") == "work_of_adhesion" and e.get("system", "").split("|")[-1].split("(")[0] == material:
                for calc, v in e.get("ml", {}).items():
                    if v.get("value") is not None:
                        return float(v["value"]), f"ML screening ({calc})", f"measured with lisse: {v.get('measured', '')}; DFT reference {e.get('dft_value')} J/m2"
    return None


@stage("wetting", title="Li wetting of the interface layers (Young–Dupré)", section="wetting", order=35, needs=("cells",))
def wetting_stage(ctx: StageContext) -> StageResult:
    import pandas as pd

    from lisse.params import unknown_key_error
    from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY, capillary_pressure, contact_angle
    from lisse.units import to_si

    o = ctx.options or {}
    for k in o:
        if k not in _OPTIONS:
            raise unknown_key_error(k, _OPTIONS, "option of [wetting]")
    sigma = to_si(o["li_surface_energy"], "J/m^2", "wetting.li_surface_energy") if "li_surface_energy" in o else DEFAULT_LI_SURFACE_ENERGY
    mats = list(o.get("materials") or _study_materials(ctx.study))
    user = {k: to_si(v, "J/m^2", f"wetting.work_of_adhesion.{k}") for k, v in (o.get("work_of_adhesion") or {}).items()}
    for k in user:
        if k not in mats:
            mats.append(k)
    pore = to_si(o["pore_radius"], "m", "wetting.pore_radius") if "pore_radius" in o else None
    use_ml = bool(o.get("use_ml", True))
    rows, missing = [], []
    for m in mats:
        if m in user:
            w, origin, src = user[m], "study", "[wetting.work_of_adhesion]"
        else:
            b = _bundled(m, use_ml, sigma)
            if b is None:
                missing.append(m)
                continue
            w, origin, src = b
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
        summary["pore_radius_m"] = pore
    html = [f"<p>Young–Dupré: cos θ = W<sub>ad</sub>/σ<sub>Li</sub> − 1 with σ<sub>Li</sub> = {sigma:.4f} J/m² "
            f"({'study' if 'li_surface_energy' in o else 'lisse default from Ji2025’s W_ad/θ pair'}). θ &lt; 90° is lithiophilic.</p>"]
    if any(r["origin"].startswith("ML") for r in rows):
        html.append("<p>Rows marked ML are screening-grade values from universal ML potentials; their error against DFT is in "
                    "<code>lisse atomistic accuracy</code> and can be large enough to change the ranking.</p>")
    if missing:
        html.append(f"<p>No W<sub>ad</sub> known for: {', '.join(missing)}. Add it under <code>[wetting.work_of_adhesion]</code>, "
                    "or compute it with <code>lisse wetting Li X</code> (ML) or the DFT decks.</p>")
    figs = {}
    if rows:
        from lisse.plot.thermo import wetting_bar

        figs["wetting"] = wetting_bar(df)
    return StageResult(summary=summary, tables={"wetting": df} if rows else {}, figures=figs, html="\n".join(html), citations={"Ji2025"},
                       figure_captions={"wetting": "Young–Dupré contact angle of Li on each layer (θ < 90° lithiophilic)."})
