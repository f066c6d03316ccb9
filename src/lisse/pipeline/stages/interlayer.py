"""``lisse evaluate`` stage: Li nucleation and growth inside each cell's interlayer [Wang2024].

Runs when a cell of the study has an interlayer (a ``[cells.interlayer]`` table with ``material``,
``thickness``, optionally ``porosity``; or ``interlayer = "LNI-5CNT"`` with ``interlayer_thickness`` /
``interlayer_porosity``) or when the study has an ``[interlayer]`` section. Interlayers whose material has
no electronic conductivity in the library (thin coatings such as LiCF3SO3) are listed as skipped; when the
section exists and no cell can be simulated, the section's preset/material is used.

Operating point: each cell is judged at its own areal capacity (the cathode capacity, plated in one
half cycle) and current (its 1C = cathode capacity / 1 h), unless the section states ``current_density``
and ``capacity`` (or ``time``); a cell without a cathode capacity, and the section's preset, use
1 mA/cm2 and 1 mAh/cm2. The report states which, so that ``lisse interlayer`` with the same numbers
gives the same verdict. The critical current is that of fixed-time steps when the section gives
``time`` and of fixed-capacity steps otherwise. Section (all keys optional)::

    [interlayer]
    preset = "lni-5cnt"            # used when no cell has an interlayer (or: material = "LNI-5CNT")
    current_density = "1 mA/cm2"   # operating current (default: each cell's 1C, else 1 mA/cm2)
    capacity = "1 mAh/cm2"         # or: time = "1 h" (default: each cell's cathode capacity, else 1 mAh/cm2)
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

from lisse.params import OptionBounds, OptionSpec, calibrated_label
from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.report.html import Markup
from lisse.sim.interlayer.model import PRESETS
from lisse.sim.interlayer.model import SCHEMA as MODEL_SCHEMA

_J: OptionBounds = {"low": 0.0, "low_inclusive": False, "high": 1e4}

#: Options of the ``[interlayer]`` table.
SCHEMA = {
    "preset": OptionSpec.text("interlayer preset used when no cell has an interlayer", "lni-5cnt", tuple(PRESETS)),
    "material": OptionSpec.text("library material used instead of the preset when no cell has an interlayer"),
    "current_density": OptionSpec.quantity("mA/cm2", "operating current density (default: each cell's 1C, else 1 mA/cm2)",
                                           **_J),
    "capacity": OptionSpec.quantity("mAh/cm2", "plated areal capacity per half cycle, or give 'time' (default: each cell's "
                                    "cathode capacity, else 1 mAh/cm2)", low=0.0, low_inclusive=False, high=3.6e6),
    "time": OptionSpec.quantity("h", "plating time per half cycle (instead of 'capacity')", low=0.0, low_inclusive=False, high=3.6e7),
    "sweep": OptionSpec.boolean("l_n, l_g against current density from i_min to i_max", True),
    "i_min": OptionSpec.quantity("mA/cm2", "lowest current density of the sweep", "0.1 mA/cm2", **_J),
    "i_max": OptionSpec.quantity("mA/cm2", "highest current density of the sweep", "10 mA/cm2", **_J),
    "points": OptionSpec.integer("current densities in the sweep", 50, 2, 1000, limit_note="size limit"),
    "map": OptionSpec.boolean("stability map over current density and capacity", True),
    "conductivity_map": OptionSpec.boolean("regime and verdict over the two conductivities", False),
    "two_d": OptionSpec.boolean("2D fields around a Li protrusion", False),
    "nx": OptionSpec.integer("grid cells across the 2D domain", 90, 10, 400, limit_note="size limit"),
    "parameters": OptionSpec.table("model parameters replacing the defaults (keys of lisse.sim.interlayer.model.SCHEMA)",
                                   keys=MODEL_SCHEMA),
}


def _check(o: dict) -> None:
    from lisse.errors import ParameterError

    if "capacity" in o and "time" in o:
        raise ParameterError("[interlayer] capacity: expected 'capacity' or 'time'; found both")
    if not o["i_min"] < o["i_max"]:
        raise ParameterError(f"[interlayer] i_min: expected i_min < i_max; found {o['i_min'] / 10:g} and {o['i_max'] / 10:g} mA/cm2")


def _applies(study) -> str | None:
    cells = study.get("cells", []) if isinstance(study, dict) else []
    if "interlayer" in study or any(isinstance(c, dict) and c.get("interlayer") for c in cells):
        return None
    return "no cell has an interlayer table and the study has no [interlayer] section"


#: Operating point of a target without a cell capacity: 1 mA/cm2 [A/m2] and 1 mAh/cm2 [C/m2] (stated in the report).
_DEFAULT_CURRENT, _DEFAULT_CAPACITY = 10.0, 3.6e4


def operating_point(cell: dict | None, opts: dict) -> dict:
    """The current and plated capacity at which an interlayer is judged, and where each comes from.

    Parameters
    ----------
    cell : dict or None
        The study's ``[[cells]]`` table (None: the section's preset/material).
    opts : dict
        The typed ``[interlayer]`` options (SI floats).

    Returns
    -------
    dict
        ``current`` [A m-2], ``capacity`` [C m-2], ``time`` [s] or None (fixed-time steps), and
        ``current_source`` / ``capacity_source`` (text).

    Raises
    ------
    ParameterError
        The cell table is wrong (see :func:`lisse.pipeline.study.cell_design`).
    """
    from lisse.pipeline.study import cell_design

    design = None
    if isinstance(cell, dict) and ("cathode_capacity" in cell or "cathode_loading" in cell):
        design = cell_design(cell)
    if "current_density" in opts:
        i, i_src = float(opts["current_density"]), "[interlayer] current_density"
    elif design is not None:
        i, i_src = design.current_density(1.0), "the cell's 1C (cathode capacity per hour)"
    else:
        i, i_src = _DEFAULT_CURRENT, "default 1 mA/cm2 (no cell capacity)"
    t = opts.get("time")
    if t is not None:
        q, q_src = i * t, f"[interlayer] time ({t / 3600:g} h at the current)"
    elif "capacity" in opts:
        q, q_src = float(opts["capacity"]), "[interlayer] capacity"
    elif design is not None:
        q, q_src = design.cathode_capacity, "the cell's cathode capacity"
    else:
        q, q_src = _DEFAULT_CAPACITY, "default 1 mAh/cm2 (no cell capacity)"
    return {"current": i, "capacity": q, "time": t, "current_source": i_src, "capacity_source": q_src}


def _targets(study: dict, opts: dict) -> tuple[list[tuple[str, dict, dict | None]], dict[str, str]]:
    """(label, make_parameters kwargs, cell table or None) per interlayer to simulate, and {label: reason} for skipped cells.

    A cell's interlayer is a table ``{material, thickness, porosity}`` or a material name with the cell keys
    ``interlayer_thickness`` / ``interlayer_porosity``. Only materials with both an ionic and an electronic
    conductivity in the library (the mixed conductors, e.g. LNI-x% CNT) can be simulated; other interlayers
    (thin coatings such as LiCF3SO3) are listed as skipped with the reason.
    """
    from lisse.errors import ParameterError
    from lisse.materials import get_material
    from lisse.params import user_values

    over = dict(opts.get("parameters") or {})  # checked against MODEL_SCHEMA: SI floats
    out: list[tuple[str, dict, dict | None]] = []
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
                kw[key] = user_values({key: il[key]})[key]  # a bare study number means the display unit
        out.append((label, kw, cell))
    if not out and ("interlayer" in study):
        if "material" in opts:
            out.append((str(opts["material"]), {"material": opts["material"], **over}, None))
        else:
            preset = opts.get("preset", "lni-5cnt")
            out.append((str(preset), {"preset": preset, **over}, None))
    return out, skipped


@stage("interlayer", title="Interlayer: Li nucleation and growth", section="interlayer", order=40, needs=(), optional_deps=(), applies=_applies,
       schema=SCHEMA, check=_check)
def interlayer_stage(ctx: StageContext) -> StageResult:
    """Nucleation length, growth length, verdict, regime and critical current for each interlayer.

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[interlayer]`` options (SI floats for quantities) and the output folder.

    Returns
    -------
    StageResult
        Summary (JSON keys with unit suffix), tables, figures, report HTML and citation keys.

    References
    ----------
    Wang2024: Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nature Energy 9 (2024), doi:10.1038/s41560-023-01426-1
    Newman1962: Newman and Tobias, Theoretical analysis of current distribution in porous electrodes, J. Electrochem. Soc. 109, 1183 (1962), doi:10.1149/1.2425269
    """
    import pandas as pd

    from lisse.plot import interlayer as plot
    from lisse.sim.interlayer import lengths, sweeps
    from lisse.sim.interlayer.model import make_parameters

    opts = ctx.options
    t = opts.get("time")
    i_lo, i_hi = opts["i_min"], opts["i_max"]
    cur = sweeps.current_grid(i_lo, i_hi, opts["points"])

    rows, tables, figures, captions, summary, predictions = [], {}, {}, {}, {}, []
    targets, skipped = _targets(ctx.study, opts)
    if not targets:
        reasons = "; ".join(f"{k}: {v}" for k, v in skipped.items())
        return StageResult(summary={"interlayers": {}, "skipped": skipped},
                           html=Markup("<p>No interlayer in this study can be simulated by the mixed-conductor model ({}).</p>").format(reasons))
    points = []
    for label, kw, cell in targets:
        p = make_parameters(**kw)
        op = operating_point(cell, opts)
        i = op["current"]
        q = sweeps.plating_capacity(i, op["capacity"])
        points.append((i, q))
        res = lengths.interlayer_lengths(p, i, capacity=q)
        d = res.as_dict()
        cc = sweeps.critical_current(p, i_min=i_lo, i_max=i_hi, **({"time": t} if t is not None else {"capacity": q}))
        d["critical_current"] = cc.as_dict()
        d["operating_point"] = {"current_density_source": op["current_source"], "capacity_source": op["capacity_source"]}
        d["label"] = label
        summary[label] = d
        rows.append({"interlayer": label, **{k: v for k, v in d.items() if not isinstance(v, (dict, list))},
                     "calibrated_parameters": calibrated_label(d["calibrated_parameters"]),
                     "critical_current_mA_cm2": d["critical_current"]["critical_current_mA_cm2"],
                     "search_limit_reached": d["critical_current"]["search_limit_reached"]})
        predictions.append(_prediction(ctx.study, label, p, d["critical_current"], q, i_lo, i_hi))
        key = re.sub("_+", "_", "".join(ch if ch.isalnum() else "_" for ch in label)).strip("_").lower()[:40].rstrip("_") or "cell"
        base_key, n = key, 2
        while f"profile_{key}" in figures:  # 'Cell A' and 'cell-a' must not share (and overwrite) outputs
            key, n = f"{base_key}_{n}", n + 1
        figures[f"profile_{key}"] = plot.profile_figure(res.solution, p.critical_overpotential)  # at this target's own point
        captions[f"profile_{key}"] = f"{label}: local overpotential, currents and internal deposition at {i / 10:g} mA/cm²."
        if opts["sweep"]:
            sw = sweeps.sweep_current(p, cur, time=t) if t is not None else sweeps.sweep_current(p, cur, capacity=q)
            tables[f"sweep_{key}"] = pd.DataFrame(sweeps.sweep_table(sw, calibrated=p.calibrated_parameters))
            figures[f"sweep_{key}"] = plot.sweep_figure(sw, p.thickness, label, calibrated=p.calibrated_parameters)
            captions[f"sweep_{key}"] = f"{label}: nucleation and growth lengths against current density."
        if opts["map"]:
            m = sweeps.map_current_capacity(p, sweeps.current_grid(i_lo, i_hi, 30), sweeps.default_map_capacities())
            figures[f"map_{key}"] = plot.current_capacity_map_figure(m, label, calibrated=p.calibrated_parameters)
            captions[f"map_{key}"] = f"{label}: stability map over current density and capacity (l_n <= l_g < l_i)."
        if opts["conductivity_map"]:
            m2 = sweeps.map_conductivities(p, None, None, i, q)
            figures[f"conductivity_map_{key}"] = plot.conductivity_map_figure(m2, calibrated=p.calibrated_parameters)
            captions[f"conductivity_map_{key}"] = f"{label}: regime and verdict over the two conductivities."
        if opts["two_d"]:
            from lisse.sim.interlayer.solver2d import solve_2d

            s2 = solve_2d(p, i, nx=opts["nx"])
            d["two_d"] = {k: float(v) for k, v in s2.metrics.items()}
            figures[f"fields_2d_{key}"] = plot.field_figure(s2, p.critical_overpotential, label, calibrated=p.calibrated_parameters)
            captions[f"fields_2d_{key}"] = f"{label}: deposition and nucleation fields around a Li protrusion."
    tables["results"] = pd.DataFrame(rows)
    items = Markup("").join(
        Markup("<li><b>{}</b> ({}) at {:.4g} mA/cm² ({}) and {:.4g} mAh/cm² ({}): l_n = {:.3g} µm, l_g = {:.3g} µm, l_i = {:.3g} µm → {}{}; "
               "predicted critical current {}</li>").format(
            d["label"], d["regime"], d["current_density_mA_cm2"], d["operating_point"]["current_density_source"], d["capacity_mAh_cm2"],
            d["operating_point"]["capacity_source"], d["nucleation_length_um"], d["growth_length_um"], d["interlayer_thickness_um"],
            "stable" if d["stable"] else f"unstable ({d['failure_mode']})", _calibration_note(d), _cc_text(d))
        for d in summary.values()
    )
    html = Markup(
        "<p>Steady electroneutral two-potential model of the interlayer at each cell's own operating point "
        "(Wang2024 design criterion: stable when the nucleation length l_n ≤ the growth length l_g < the thickness l_i). "
        "<code>lisse interlayer</code> with the same material, thickness, porosity, current and capacity gives the same verdict.</p>"
        "<ul>{}</ul>"
    ).format(items)
    if skipped:
        html += Markup("<p>Not simulated: {}.</p>").format("; ".join(f"{k} ({v})" for k, v in skipped.items()))
    same = len(set(points)) == 1  # one operating point for every interlayer: also stated at the top
    return StageResult(summary={"interlayers": summary, "skipped": skipped, "current_density_mA_cm2": points[0][0] / 10 if same else None,
                                "capacity_mAh_cm2": points[0][1] / 3.6e4 if same else None},
                       tables=tables, figures=figures, html=html, citations={"Wang2024", "Newman1962"}, figure_captions=captions,
                       predictions=predictions)


def prediction_parameters(p) -> dict:
    """Every model parameter of ``p`` with its SI value, display value and source; the calibrated ones listed.

    The calibrated parameters are those of ``p.calibrated`` (defaults fitted to an observation, see
    :data:`lisse.sim.interlayer.model.CALIBRATED`; a user-set value is not calibrated).

    Parameters
    ----------
    p : lisse.sim.interlayer.model.InterlayerParameters
        The model parameters (SI) with their ``sources``.

    Returns
    -------
    dict
        ``model``, ``interlayer`` (preset/material name), ``parameters`` (name -> ``value_SI``, ``value``
        in the display unit, ``source``), ``calibrated`` (names) and ``calibrated_on`` (name -> observation).
    """
    import dataclasses

    from lisse.units import from_si

    params = {}
    for f in dataclasses.fields(p):
        if f.name not in MODEL_SCHEMA:
            continue
        v = float(getattr(p, f.name))
        unit = MODEL_SCHEMA[f.name].unit
        src = str(p.sources.get(f.name, ""))
        params[f.name] = {"value_SI": v, "value": f"{from_si(v, unit):.6g} {unit}".strip() if unit else f"{v:.6g}", "source": src}
    cal = p.calibration_summary()
    return {"model": "lisse.sim.interlayer (steady two-potential model, Wang2024)", "interlayer": p.name, "parameters": params,
            "calibrated": cal["calibrated_parameters"], "calibrated_on": cal["calibrated_on"]}


def critical_current_prediction(p, cc: dict, q: float, i_lo: float, i_hi: float, *, source: str, cell: str | None = None,
                                **context: object) -> dict:
    """The ``predictions`` row of an interlayer's predicted critical current.

    Parameters
    ----------
    p : InterlayerParameters
        The model parameters (listed in ``parameters_json`` with their sources; calibrated ones named).
    cc : dict
        :meth:`lisse.sim.interlayer.sweeps.CriticalCurrent.as_dict` (``critical_current_mA_cm2`` None:
        stable over the whole scan, or failing at its lowest current).
    q : float
        Plated capacity per half cycle [C/m²].
    i_lo, i_hi : float
        Scanned current densities [A/m²].
    source : str
        What made the prediction (``"lisse evaluate: interlayer stage"``, ``"lisse interlayer"``).
    cell : str, optional
        Cell name (linked to the database's cell of that name when it has one).
    **context
        More JSON-able facts for ``parameters_json`` (study name, ...).

    Returns
    -------
    dict
        ``source``, ``quantity`` ("critical_current"), ``value`` [mA/cm²], ``unit``, ``kind`` ("predicted"),
        ``parameters_json`` (with ``regime`` and ``warnings``: an ionic layer's tip-growth caveat), ``cell``.
    """
    from lisse.sim.interlayer.lengths import TIP_GROWTH_CAVEAT

    info = prediction_parameters(p)
    info.update(capacity_mAh_cm2=q / 3.6e4, scan_mA_cm2=[i_lo / 10, i_hi / 10], critical_current=cc, regime=p.regime(),
                warnings=[TIP_GROWTH_CAVEAT] if p.regime() == "ionic" else [], **context)
    return {"source": source, "quantity": "critical_current", "value": cc.get("critical_current_mA_cm2"),
            "unit": "mA/cm2", "kind": "predicted", "parameters_json": info, "cell": cell}


def _prediction(study: dict, label: str, p, cc: dict, q: float, i_lo: float, i_hi: float) -> dict:
    """The predictions row of one interlayer of the study (its cell label links it to the database's cell of that name)."""
    name = (study.get("study") or {}).get("name") if isinstance(study, dict) else None
    return critical_current_prediction(p, cc, q, i_lo, i_hi, source="lisse evaluate: interlayer stage", cell=label, study=name,
                                       study_cell=label)


def _cc_text(d: dict) -> str:
    from lisse.sim.interlayer.sweeps import describe_critical_current

    return describe_critical_current(d.get("critical_current") or {})


def _calibration_note(d: dict) -> str:
    """`` (calibrated: a, b, fitted to ...)`` next to the verdict, or nothing when no parameter is calibrated."""
    on = d.get("calibrated_on") or {}
    if not on:
        return ""
    groups: dict[str, list[str]] = {}
    for name, obs in on.items():
        groups.setdefault(obs, []).append(name)
    return " (calibrated: " + "; ".join(f"{', '.join(n)} fitted to {obs}" for obs, n in groups.items()) + ")"
