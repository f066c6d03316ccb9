"""``lisse evaluate`` stage: Li nucleation and growth inside each cell's interlayer [Wang2024].

Runs when a cell of the study has an interlayer (a ``[cells.interlayer]`` table with ``material``,
``thickness``, optionally ``porosity``; or ``interlayer = "LNI-5CNT"`` with ``interlayer_thickness`` /
``interlayer_porosity``) or when the study has an ``[interlayer]`` section. Interlayers whose material has
no electronic conductivity in the library (thin coatings such as LiCF3SO3) are listed as skipped; when the
section exists and no cell can be simulated, the section's preset/material is used. Section (all keys
optional)::

    [interlayer]
    preset = "lni-5cnt"            # used when no cell has an interlayer (or: material = "LNI-5CNT")
    current_density = "1 mA/cm2"   # operating point
    capacity = "1 mAh/cm2"         # or: time = "1 h"
    sweep = true                   # l_n, l_g vs current density (i_min, i_max, points)
    i_min = "0.1 mA/cm2"
    i_max = "10 mA/cm2"
    points = 50
    map = true                     # stability map over (current density, capacity)
    conductivity_map = false       # verdict/regime over (sigma_e, sigma_ion)
    two_d = false                  # 2D protrusion fields (nx = 90)
    parameters = { contact_angle = "60 deg" }   # any lisse.sim.interlayer.model.SCHEMA key
"""

from __future__ import annotations

import re

from lisse.pipeline.registry import StageContext, StageResult, stage

_KEYS = {"preset", "material", "current_density", "capacity", "time", "sweep", "i_min", "i_max", "points", "map",
         "conductivity_map", "two_d", "nx", "parameters"}


def _applies(study) -> str | None:
    cells = study.get("cells", []) if isinstance(study, dict) else []
    if "interlayer" in study or any(isinstance(c, dict) and c.get("interlayer") for c in cells):
        return None
    return "no cell has an interlayer table and the study has no [interlayer] section"


def _q(value, unit: str, name: str) -> float:
    from lisse.units import to_si

    return to_si(value, unit, name)


def _targets(study: dict, opts: dict) -> tuple[list[tuple[str, dict]], dict[str, str]]:
    """(label, make_parameters kwargs) for each interlayer to simulate, and {label: reason} for skipped cells.

    A cell's interlayer is a table ``{material, thickness, porosity}`` or a material name with the cell keys
    ``interlayer_thickness`` / ``interlayer_porosity``. Only materials with both an ionic and an electronic
    conductivity in the library (the mixed conductors, e.g. LNI-x% CNT) can be simulated; other interlayers
    (thin coatings such as LiCF3SO3) are listed as skipped with the reason.
    """
    from lisse.errors import ParameterError
    from lisse.materials import get_material

    over = dict(opts.get("parameters", {}) or {})
    out: list[tuple[str, dict]] = []
    skipped: dict[str, str] = {}
    for k, cell in enumerate(study.get("cells", []) or []):
        il = cell.get("interlayer") if isinstance(cell, dict) else None
        if not il:
            continue
        label = str(cell.get("name", f"cell{k + 1}"))
        if isinstance(il, str):
            il = {"material": il, **{key: cell[f"interlayer_{key}"] for key in ("thickness", "porosity") if f"interlayer_{key}" in cell}}
        if not isinstance(il, dict) or "material" not in il:
            raise ParameterError(f"study cell '{label}': interlayer must be a material name or a table with 'material'; got {il!r}")
        bad = set(il) - {"material", "thickness", "porosity"}
        if bad:
            raise ParameterError(f"study cell '{label}': interlayer has unknown key(s) {sorted(bad)}; allowed: material, thickness, porosity")
        m = get_material(il["material"])
        missing = [q for q in ("ionic_conductivity", "electronic_conductivity") if not m.has(q)]
        if missing and not {"sigma_ion", "sigma_e"} <= set(over):
            skipped[label] = f"interlayer material {m.name} has no {' or '.join(missing)} in the library (not a mixed conductor the model can simulate)"
            continue
        kw = {"material": m.name, **over}
        for key in ("thickness", "porosity"):
            if key in il:
                kw[key] = il[key]
        out.append((label, kw))
    if not out and ("interlayer" in study):
        if "material" in opts:
            out.append((str(opts["material"]), {"material": opts["material"], **over}))
        else:
            preset = opts.get("preset", "lni-5cnt")
            out.append((str(preset), {"preset": preset, **over}))
    return out, skipped


@stage("interlayer", title="Interlayer: Li nucleation and growth", section="interlayer", order=40, needs=(), optional_deps=(), applies=_applies)
def interlayer_stage(ctx: StageContext) -> StageResult:
    """Nucleation length, growth length, verdict, regime and critical current for each interlayer."""
    import numpy as np
    import pandas as pd

    from lisse.errors import ParameterError
    from lisse.params import unknown_key_error, user_values
    from lisse.plot import interlayer as plot
    from lisse.sim.interlayer import lengths, sweeps
    from lisse.sim.interlayer.model import make_parameters

    opts = dict(ctx.options or {})
    for k in opts:
        if k not in _KEYS:
            raise unknown_key_error(k, _KEYS, "key of the [interlayer] section")
    i = _q(opts.get("current_density", "1 mA/cm2"), "mA/cm2", "interlayer.current_density")
    if "capacity" in opts and "time" in opts:
        raise ParameterError("[interlayer]: give 'capacity' or 'time', not both")
    t = _q(opts["time"], "h", "interlayer.time") if "time" in opts else None
    q = _q(opts.get("capacity", "1 mAh/cm2"), "mAh/cm2", "interlayer.capacity") if t is None else i * t
    i_lo = _q(opts.get("i_min", "0.1 mA/cm2"), "mA/cm2", "interlayer.i_min")
    i_hi = _q(opts.get("i_max", "10 mA/cm2"), "mA/cm2", "interlayer.i_max")
    npts = int(opts.get("points", 50))
    if not (0 < i_lo < i_hi) or npts < 2:
        raise ParameterError(f"[interlayer]: need 0 < i_min < i_max and points >= 2; got {i_lo}, {i_hi}, {npts}")

    rows, tables, figures, captions, summary = [], {}, {}, {}, {}
    targets, skipped = _targets(ctx.study, opts)
    if not targets:
        reasons = "; ".join(f"{k}: {v}" for k, v in skipped.items())
        return StageResult(summary={"interlayers": {}, "skipped": skipped},
                           html=f"<p>No interlayer in this study can be simulated by the mixed-conductor model ({reasons}).</p>")
    for label, kw in targets:
        p = make_parameters(**user_values(kw))  # bare study numbers are in the SCHEMA display units
        res = lengths.interlayer_lengths(p, i, capacity=q)
        d = res.as_dict()
        cc = sweeps.critical_current(p, q, i_min=i_lo, i_max=i_hi)
        d["critical_current"] = cc.as_dict()
        d["label"] = label
        summary[label] = d
        rows.append({"interlayer": label, **{k: v for k, v in d.items() if not isinstance(v, dict)},
                     "critical_current_mA_cm2": d["critical_current"]["critical_current_mA_cm2"]})
        key = re.sub("_+", "_", "".join(ch if ch.isalnum() else "_" for ch in label)).strip("_").lower()[:40].rstrip("_")
        figures[f"profile_{key}"] = plot.profile_figure(res.solution, p.critical_overpotential)
        captions[f"profile_{key}"] = f"{label}: local overpotential, currents and internal deposition at {i / 10:g} mA/cm²."
        if opts.get("sweep", True):
            cur = np.geomspace(i_lo, i_hi, npts)
            sw = sweeps.sweep_current(p, cur, time=t) if t is not None else sweeps.sweep_current(p, cur, capacity=q)
            tables[f"sweep_{key}"] = pd.DataFrame({
                "current_density_mA_cm2": cur / 10, "nucleation_length_um": sw["nucleation_length"] * 1e6,
                "growth_length_um": sw["growth_length"] * 1e6, "stable": sw["stable"],
                "failure_mode": [lengths.FAILURE_MODES[c] for c in sw["failure"]]})
            figures[f"sweep_{key}"] = plot.sweep_figure(sw, p.thickness, label)
            captions[f"sweep_{key}"] = f"{label}: nucleation and growth lengths against current density."
        if opts.get("map", True):
            m = sweeps.map_current_capacity(p, np.geomspace(i_lo, i_hi, 30), np.geomspace(0.1, 10, 30) * 3.6e4)
            figures[f"map_{key}"] = plot.current_capacity_map_figure(m, label)
            captions[f"map_{key}"] = f"{label}: stability map over current density and capacity (l_n <= l_g < l_i)."
        if opts.get("conductivity_map", False):
            m2 = sweeps.map_conductivities(p, np.geomspace(1e-6, 10, 18), np.geomspace(1e-4, 1, 12), i, q)
            figures[f"conductivity_map_{key}"] = plot.conductivity_map_figure(m2)
            captions[f"conductivity_map_{key}"] = f"{label}: regime and verdict over the two conductivities."
        if opts.get("two_d", False):
            from lisse.sim.interlayer.solver2d import solve_2d

            s2 = solve_2d(p, i, nx=int(opts.get("nx", 90)))
            d["two_d"] = {k: float(v) for k, v in s2.metrics.items()}
            figures[f"fields_2d_{key}"] = plot.field_figure(s2, p.critical_overpotential, label)
            captions[f"fields_2d_{key}"] = f"{label}: deposition and nucleation fields around a Li protrusion."
    tables["results"] = pd.DataFrame(rows)
    items = "".join(
        f"<li><b>{d['label']}</b> ({d['regime']}): l_n = {d['nucleation_length_um']:.3g} µm, l_g = {d['growth_length_um']:.3g} µm, "
        f"l_i = {d['interlayer_thickness_um']:.3g} µm → {'stable' if d['stable'] else 'unstable (' + d['failure_mode'] + ')'}; "
        f"predicted critical current {_cc_text(d)} at {q / 3.6e4:g} mAh/cm²</li>"
        for d in summary.values()
    )
    html = (
        f"<p>Steady electroneutral two-potential model of the interlayer at {i / 10:g} mA/cm² and {q / 3.6e4:g} mAh/cm² "
        "(Wang2024 design criterion: stable when the nucleation length l_n ≤ the growth length l_g < the thickness l_i).</p>"
        f"<ul>{items}</ul>"
    )
    if skipped:
        html += "<p>Not simulated: " + "; ".join(f"{k} ({v})" for k, v in skipped.items()) + ".</p>"
    return StageResult(summary={"interlayers": summary, "skipped": skipped, "current_density_mA_cm2": i / 10, "capacity_mAh_cm2": q / 3.6e4},
                       tables=tables, figures=figures, html=html, citations={"Wang2024", "Newman1962"}, figure_captions=captions)


def _cc_text(d: dict) -> str:
    cc = (d.get("critical_current") or {}).get("critical_current_mA_cm2")
    return "above the scanned range" if cc is None else f"{cc:.3g} mA/cm²"
