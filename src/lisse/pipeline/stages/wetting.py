"""Evaluate stage ``wetting``: Young–Dupré wetting of Li on the study's interlayer / coating / electrolyte.

Study section (all keys optional)::

    [wetting]
    li_surface_energy = "0.4245 J/m2"     # sigma_Li; default: lisse's value from Ji2025's W_ad/theta pair
    materials = ["LiF", "Li2CO3"]         # default: every cell's interlayer and electrolyte
    pore_radius = "1 um"                  # optional: Young–Laplace capillary pressure for Li entering pores
    use_ml = true                         # allow the bundled ML (screening) values when no DFT value exists
    results = ["li_llzo.json"]            # outputs of `lisse wetting Li X --json` (relative to the study file)
    [wetting.work_of_adhesion]            # your own W_ad values win over the bundled table
    LiCF3SO3 = "0.30 J/m2"

W_ad per material comes, in this order, from the study, from the ``results`` files (each a ``lisse wetting Li X
--json`` output: its W_ad with its calculator and level, and its convergence rows, shown whole as a table in the
report), from the bundled published DFT values
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
    "results": OptionSpec.list_of(OptionSpec.path("lisse wetting JSON"), "outputs of 'lisse wetting Li X --json' (W_ad, calculator, level and "
                                  "convergence rows), relative to the study file", max_items=200),
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


def _read_result(path) -> dict:
    """One ``lisse wetting Li X --json`` output: the substrate, W_ad, calculator, level and convergence rows."""
    import json
    import math

    from lisse.errors import ReaderError

    try:
        with open(path, encoding="utf-8") as fh:
            d = json.load(fh)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ReaderError(f"[wetting] results: file '{path}' is not a readable JSON file ({type(exc).__name__})") from None
    if not isinstance(d, dict):
        raise ReaderError(f"[wetting] results: file '{path}' must hold one JSON object (the output of 'lisse wetting Li X --json'); got {type(d).__name__}")
    w = d.get("work_of_adhesion_J_m2")
    if not isinstance(d.get("substrate"), str) or not isinstance(w, (int, float)) or isinstance(w, bool) or not math.isfinite(w):
        raise ReaderError(f"[wetting] results: file '{path}' needs 'substrate' (a name) and a finite 'work_of_adhesion_J_m2' "
                          f"(the output of 'lisse wetting Li X --json'); got substrate={d.get('substrate')!r}, work_of_adhesion_J_m2={w!r}")
    rows = d.get("convergence") or []
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ReaderError(f"[wetting] results: file '{path}': 'convergence' must be a list of rows (objects); got {type(rows).__name__}")
    return d


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
    from pathlib import Path

    import pandas as pd

    from lisse.atomistic.accuracy import bundled_work_of_adhesion
    from lisse.params import with_calibrated_column
    from lisse.report.html import convergence_table_html
    from lisse.thermo.wetting import (
        DEFAULT_LI_SURFACE_ENERGY,
        LI_SURFACE_ENERGY_CALIBRATION,
        capillary_pressure,
        contact_angle,
        li_surface_energy_is_calibrated,
    )
    from lisse.units import from_si

    o = ctx.options
    sigma = o.get("li_surface_energy", DEFAULT_LI_SURFACE_ENERGY)
    mats = list(o.get("materials") or _study_materials(ctx.study))
    user = dict(o.get("work_of_adhesion") or {})
    for k in user:
        if k not in mats:
            mats.append(k)
    pore = o.get("pore_radius")
    use_ml = o.get("use_ml", True)
    base = Path(ctx.study.get("_base_dir", ".")) if isinstance(ctx.study, dict) else Path(".")
    computed: dict[str, tuple[dict, str]] = {}
    for f in o.get("results") or []:
        p = Path(f) if Path(f).is_absolute() else base / f
        d = _read_result(p)
        computed[d["substrate"]] = (d, str(f))
        if d["substrate"] not in mats:
            mats.append(d["substrate"])
    rows, missing, invalid = [], [], []
    for m in mats:
        if m in computed and m not in user and computed[m][0].get("work_of_adhesion_valid") is False:
            # the workflow itself says its number is no work of adhesion (Li sank into the substrate: a reaction energy;
            # or a relaxation stopped short): no angle from it (review s48: it became "complete wetting", unflagged)
            d, f = computed[m]
            warn = [str(x) for x in (d.get("warnings") or [])] or ["work_of_adhesion_valid is false"]
            invalid.append((m, f, warn))
            rows.append({"material": m, "work_of_adhesion_J_m2": float(d["work_of_adhesion_J_m2"]), "contact_angle_deg": float("nan"),
                         "regime": "not a valid work of adhesion", "origin": f"computed ({d.get('calculator', 'unknown calculator')}), INVALID",
                         "source": f"[wetting] results: {f}", "warnings": "; ".join(warn),
                         **({"capillary_pressure_MPa": float("nan")} if pore is not None else {})})
            continue
        if m in user:
            w, origin, src = user[m], "study", "[wetting.work_of_adhesion]"
        elif m in computed:
            d, f = computed[m]
            level = d.get("level")
            w = float(d["work_of_adhesion_J_m2"])
            origin = f"computed ({d.get('calculator', 'unknown calculator')}" + (f", level {level})" if level else ")")
            src = f"[wetting] results: {f}"
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
    # sigma_Li's default was fitted to Ji2025's Li|Li2CO3 pair: every angle computed with it says so
    calibrated = ["li_surface_energy"] if li_surface_energy_is_calibrated(sigma) else []
    df = pd.DataFrame(with_calibrated_column(pd.DataFrame(rows), calibrated)) if rows else pd.DataFrame(rows)
    summary = {
        "li_surface_energy_J_m2": sigma,
        "calibrated_parameters": calibrated,
        "calibrated_on": {"li_surface_energy": LI_SURFACE_ENERGY_CALIBRATION} if calibrated else {},
        "materials": {r["material"]: {k: v for k, v in r.items() if k != "material"} for r in rows},
        "no_value": missing,
    }
    if pore is not None:
        summary["pore_radius_um"] = from_si(pore, "um")
    conv = {m: d.get("convergence") or [] for m, (d, _) in computed.items() if m not in user}
    if conv:
        summary["convergence"] = conv
    origin_text = "study" if "li_surface_energy" in o else "lisse default"
    if calibrated:
        origin_text += (", <i>calibrated</i>: fitted to Ji2025’s pair W<sub>ad</sub>(Li|Li<sub>2</sub>CO<sub>3</sub>) = 0.09 J/m² ↔ "
                        "θ = 142°, so a Li|Li<sub>2</sub>CO<sub>3</sub> angle of 142° here reproduces that pair and is no prediction")
    html = [Markup(f"<p>Young–Dupré: cos θ = W<sub>ad</sub>/σ<sub>Li</sub> − 1 with σ<sub>Li</sub> = {sigma:.4f} J/m² "
            f"({origin_text}). θ &lt; 90° is lithiophilic.</p>")]
    if any(r["origin"].startswith("ML") for r in rows):
        html.append(Markup("<p>Rows marked ML are screening-grade values from universal ML potentials; their error against DFT is in "
                    "<code>lisse atomistic accuracy</code> and can be large enough to change the ranking.</p>"))
    for m, f, warn in invalid:
        html.append(Markup("<p><b>Li|{}: not a valid work of adhesion</b> ({}): {}. No contact angle is given for it.</p>").format(
            m, f, "; ".join(warn)))
    if invalid:
        summary["invalid_results"] = [m for m, _, _ in invalid]
    if missing:
        html.append(Markup("<p>No W<sub>ad</sub> known for: {}. Add it under <code>[wetting.work_of_adhesion]</code>, "
                    "or compute it with <code>lisse wetting Li X</code> (ML) or the DFT decks.</p>").format(", ".join(missing)))
    for m, rs in conv.items():
        d = computed[m][0]
        if rs:
            n_bad = sum(1 for r in rs if r.get("converged") is False)
            html.append(Markup("<h3>Convergence: Li|{}</h3><p>{} ({} rows; {} not converged at the tolerance of its level). "
                               "Change is the result minus the previous row's.</p>").format(
                m, computed[m][1], len(rs), n_bad))
            html.append(convergence_table_html(rs, f"Li|{m}: {d.get('calculator', '')} {d.get('level') or ''}".strip()))
        else:
            html.append(Markup("<p>{}: no convergence rows in the result file.</p>").format(computed[m][1]))
    figs = {}
    if rows:
        from lisse.plot.style import calibrated_note
        from lisse.plot.thermo import wetting_bar

        figs["wetting"] = wetting_bar(df)
        calibrated_note(figs["wetting"], calibrated)
    return StageResult(summary=summary, tables={"wetting": df} if rows else {}, figures=figs, html=Markup("\n").join(html), citations={"Ji2025"},
                       figure_captions={"wetting": "Young–Dupré contact angle of Li on each layer (θ < 90° lithiophilic)."})
