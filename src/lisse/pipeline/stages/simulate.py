"""``lisse evaluate`` stage: the predicted critical current of each cell's Li | interlayer | electrolyte interface.

Runs when a cell of the study has an interlayer, or when the study has a ``[simulate]`` table (then every
cell is simulated, a cell without an interlayer as the bare interface). Each cell gets one CCD staircase
through the transient simulator (:func:`lisse.sim.interface.predict_ccd`) at **the cell's own capacity and
current**, with the cell's own Li foil thickness (an anode-free cell keeps the simulator's default foil, said in the
output): the capacity per half cycle is the cell's positive areal capacity (what one charge plates), the
operating current is ``current_density`` or ``c_rate`` x that capacity; a ``fixed-capacity`` staircase
steps the current at that capacity per half cycle, a ``fixed-time`` one at capacity / current per half cycle
(Wang2024's convention: 1 h at 1 mA/cm2 is 1 mAh/cm2). The report shows the predicted CCD beside the
measured one of the same cell when the ``[cycling]`` stage analysed a file of it (a database file whose
cell is the cell's name, a file whose name is the cell's name, or one named in ``measured``), says whether
the cell's operating current is below the predicted CCD, and names every calibrated parameter with the
observation it was fitted to. Section (all keys optional)::

    [simulate]
    protocol = "fixed-capacity"      # or "fixed-time"
    c_rate = 0.5                     # operating current = c_rate x the cell's positive capacity ...
    current_density = "1 mA/cm2"     # ... or this current density
    capacity = "1 mAh/cm2"           # per half cycle instead of the cell's positive capacity
    start = "0.5 mA/cm2"             # first step of the staircase (default 0.5)
    increment = "0.5 mA/cm2"         # step (default 0.5 mA/cm2: 20 steps to 10 mA/cm2; 0.1 for the usual resolution)
    max_current = "10 mA/cm2"        # search limit
    points_per_half_cycle = 20       # time resolution to start at (checked at twice it, halved until two agree; 5-5000)
    max_points_per_half_cycle = 320  # finest resolution the time step is halved to (5-10000)
    pressure = "1 MPa"               # stack pressure (default: the model's)
    temperature = "298.15 K"
    surfaces = { "Ji2025 cell" = "LLZTO-TfOH" }  # cell name -> surface: simulated as that treated bare interface
    interfacial_resistance = { "my cell" = "40 ohm cm2" }  # cell name -> measured R_int of ONE interface (EIS): i0 = RT/(F R_int)
    measured = { "Wang2024 cell" = "sym_ccd" }   # cell name -> [cycling] file (stem) with its measured CCD

A cell whose interlayer is a coating without ionic and electronic conductivity in the library (LiCF3SO3, LiF) is
not simulated as a layer: it is listed as skipped with the reason unless ``surfaces`` names the surface it stands for.
"""

from __future__ import annotations

import math
from typing import Any

from lisse.constants import LI_MELTING_POINT, LOWEST_CELL_TEMPERATURE
from lisse.params import OptionBounds, OptionSpec, calibrated_label
from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.report.html import Markup

_J: OptionBounds = {"low": 0.0, "low_inclusive": False, "high": 1e4}

#: Options of the ``[simulate]`` table.
SCHEMA = {
    "protocol": OptionSpec.text("CCD staircase: fixed capacity or fixed time per half cycle", "fixed-capacity",
                                ("fixed-capacity", "fixed-time")),
    "c_rate": OptionSpec.number("operating current as a C-rate of the cell's positive capacity (1/h); current_density wins", 0.5, low=0.0,
                                low_inclusive=False, high=100.0),
    "current_density": OptionSpec.quantity("mA/cm2", "operating current density (instead of c_rate)", **_J),
    "capacity": OptionSpec.quantity("mAh/cm2", "capacity per half cycle (default: the cell's positive areal capacity)", low=0.0,
                                    low_inclusive=False, high=3.6e6),
    "start": OptionSpec.quantity("mA/cm2", "first current density of the staircase", "0.5 mA/cm2", **_J),
    "increment": OptionSpec.quantity("mA/cm2", "current density step of the staircase (default 0.5: 20 steps to 10 mA/cm2 keep "
                                     "lisse evaluate quick; 0.1 for the usual CCD resolution)", "0.5 mA/cm2", **_J),
    "max_current": OptionSpec.quantity("mA/cm2", "search limit: highest step of the staircase", "10 mA/cm2", **_J),
    "points_per_half_cycle": OptionSpec.integer("time resolution the simulation starts at (each prediction is checked at twice "
                                                "it, and the time step halved until two resolutions agree)", 20, low=5, high=5000),
    "max_points_per_half_cycle": OptionSpec.integer("finest time resolution the time step is halved to (at least one check at "
                                                    "twice points_per_half_cycle always runs)", 320, low=5, high=10_000),
    # the simulator's own bounds (lisse.sim.interface.model.SCHEMA; a test keeps them equal), so that --check refuses
    # what the run would (a study checked valid must not skip a cell for a value the check let through)
    "pressure": OptionSpec.quantity("MPa", "stack pressure (default: the simulator's; 0: no stack pressure)", low=0.0, high=1e9),
    "temperature": OptionSpec.quantity("K", "temperature (default: the simulator's, 298.15 K; 200 K up to Li's melting point, 453.65 K)", low=LOWEST_CELL_TEMPERATURE,
                                 high=LI_MELTING_POINT),
    "surfaces": OptionSpec.table("cell name -> library surface (e.g. LLZTO-TfOH, LLZTO-air, LACSS): simulate that cell as the bare "
                                 "interface with this surface treatment (what a thin coating such as LiCF3SO3 stands for)",
                                 values=OptionSpec.text("surface material (lisse materials)"), max_items=1000),
    "interfacial_resistance": OptionSpec.table(
        "cell name -> measured charge-transfer resistance of ONE Li | solid interface of that cell (EIS: half the "
        "interfacial arc of a symmetric cell), simulated as i0 = RT/(F R_int) instead of the library's value",
        values=OptionSpec.quantity("ohm*cm2", "interfacial resistance per interface (at most 1e5 ohm cm2, as the simulator)",
                                   low=0.0, low_inclusive=False, high=10.0),
        max_items=1000),
    "measured": OptionSpec.table("cell name -> the [cycling] file (name without suffix) holding its measured CCD",
                                 values=OptionSpec.text("cycling file name"), max_items=1000),
    "published": OptionSpec.table(
        "cell name -> a published (or separately measured) CCD of that cell, shown beside the prediction with their ratio",
        values=OptionSpec.table("the CCD, the capacity per half cycle it was measured at, and its source", keys={
            "ccd": OptionSpec.quantity("mA/cm2", "published critical current density", **_J),
            "capacity": OptionSpec.quantity("mAh/cm2", "capacity per half cycle of the published staircase", low=0.0,
                                            low_inclusive=False, high=3.6e6),
            "source": OptionSpec.text("where the number comes from (paper, figure)")}), max_items=1000),
}


#: Options that are tables keyed by the study's cell names: a misspelled name would be ignored, so the study is refused
#: when it loads (``lisse evaluate --check`` included) and again when the stage runs on raw options.
CELL_KEYED = ("surfaces", "interfacial_resistance", "measured", "published")


def _check(o: dict) -> None:
    from lisse.errors import LisseError, ParameterError

    # a surface the simulator would refuse is refused when the study loads (a study checked valid must not skip a cell)
    for cell, name in (o.get("surfaces") or {}).items():
        if str(name).strip().lower() == "none":
            continue
        from lisse.materials import get_material
        from lisse.sim.interface.model import refuse_contactless_surface

        try:
            mat = get_material(name)
        except LisseError as exc:
            raise ParameterError(f"[simulate] surfaces.{cell}: {exc}") from None
        refuse_contactless_surface(mat, str(name), f"[simulate] surfaces.{cell}")

    if not o["start"] <= o["max_current"]:
        raise ParameterError(f"[simulate] max_current: expected at least start ({o['start'] / 10:g} mA/cm2); found "
                             f"{o['max_current'] / 10:g} mA/cm2")


def _applies(study) -> str | None:
    cells = study.get("cells", []) if isinstance(study, dict) else []
    if "simulate" in study or any(isinstance(c, dict) and c.get("interlayer") for c in cells):
        return None
    return "no cell has an interlayer and the study has no [simulate] table"


def cell_interface(cell: dict, design: Any, surface: str | None = None) -> dict[str, Any]:
    """The :func:`lisse.sim.interface.build_model` arguments of one study cell (SI floats).

    Parameters
    ----------
    cell : dict
        The ``[[cells]]`` table as written (to tell a given porosity from the schema's default 0).
    design : lisse.cell.CellDesign
        The cell's design (its interlayer and electrolyte layers, SI).
    surface : str, optional
        Library surface material: the cell is simulated as the bare interface with this surface (its
        interlayer, a thin coating, stands for the treatment).

    Returns
    -------
    dict
        ``interlayer`` (material name or None), ``interlayer_thickness`` [m] and ``porosity`` where the cell
        gives them, ``surface`` when given, ``electrolyte`` (material name).

    Raises
    ------
    ParameterError
        The cell's interlayer has no ionic or electronic conductivity in the library (a coating the simulator
        cannot model as a layer) and no ``surface`` is given for it.
    """
    from lisse.errors import ParameterError
    from lisse.materials import get_material

    kw: dict[str, Any] = {"interlayer": None}
    il = None if surface is not None else design.interlayer
    if surface is not None:
        kw["surface"] = surface
    if il is not None:
        m = get_material(il.material)
        from lisse.materials.graded import graded_composite

        # a graded layer (LNI-25Mg) gets its conductivities from its sub-layer stack (lisse.materials.graded)
        missing = [] if graded_composite(m.name) is not None else [
            q for q in ("ionic_conductivity", "electronic_conductivity") if not m.has(q)]
        if missing:
            raise ParameterError(f"interlayer {m.name}: expected a layer with ionic and electronic conductivity in the library; "
                                 f"it has no {' or '.join(missing)} (a coating: give [simulate] surfaces = {{ \"CELL\" = "
                                 "\"SURFACE\" }, e.g. LLZTO-TfOH, to simulate the treated bare interface)")
        kw["interlayer"] = il.material
        kw["interlayer_thickness"] = il.thickness
        raw = cell.get("interlayer")
        if (isinstance(raw, dict) and "porosity" in raw) or "interlayer_porosity" in cell:
            kw["porosity"] = il.porosity  # given in the study; otherwise the library's (Archimedes) value
    el = design.electrolyte.material if design.electrolyte is not None else cell.get("electrolyte")
    if el:
        kw["electrolyte"] = el
    return kw


def _measured(results: dict, name: str, opts: dict) -> dict | None:
    """The ``[cycling]`` stage's CCD of cell ``name`` (None when it analysed no file of that cell)."""
    files = ((results or {}).get("cycling") or {}).get("files") or []
    wanted = (opts.get("measured") or {}).get(name)
    for e in files:
        if "ccd" not in e:
            continue
        if (wanted is not None and e.get("name") == wanted) or (wanted is None and name in (e.get("cell"), e.get("name"))):
            c = e["ccd"]
            return {"file": e.get("name"), "ccd_mA_cm2": c.get("ccd_mA_cm2"),
                    "failing_current_density_mA_cm2": c.get("failure_current_density_mA_cm2"), "protocol": c.get("protocol")}
    return None


def _published(opts: dict, name: str, entry: dict, protocol: str = "fixed-capacity") -> dict | None:
    """The study's published CCD of cell ``name`` with the prediction's ratio to it (None without one).

    ``ratio_predicted_to_published`` is the CCD's ratio; where the first step failed it is the ratio of that failing step
    (the prediction lies below it: ``ratio_is_upper_bound``), where no step failed, of the last step searched (a lower
    bound). ``within_factor_2`` is None where a bound cannot decide it, and where the published staircase's capacity
    per half cycle is not the one simulated (``capacity_matches`` False: a CCD depends on the capacity per step, so the
    two are not the same test; the ratio is still given). Under a ``protocol`` of fixed time the capacity per step
    changes with the step, so a published capacity never matches it.
    """
    pub = (opts.get("published") or {}).get(name)
    if not pub or pub.get("ccd") is None:
        return None
    p = pub["ccd"] / 10.0  # A/m2 -> mA/cm2
    ccd, failing = entry.get("ccd_mA_cm2"), entry.get("failing_current_density_mA_cm2")
    if entry.get("foil_limited"):  # the Li foil ran out before the interface failed: the CCD is a lower bound
        failing = None
    upper = lower = False
    if ccd is not None and failing is not None:
        ratio = ccd / p
    elif ccd is None and failing is not None:
        ratio, upper = failing / p, True
    elif ccd is not None:
        ratio, lower = ccd / p, True
    else:
        ratio = None
    if ratio is None:
        within = None
    elif upper:
        within = False if ratio < 0.5 else None
    elif lower:
        within = False if ratio > 2.0 else None
    else:
        within = 0.5 <= ratio <= 2.0
    q = pub.get("capacity")
    simulated = entry.get("capacity_per_half_cycle_mAh_cm2")
    if q is None or simulated is None:
        matches = None
    elif protocol == "fixed-time":  # each step's capacity is its current x the step time: only one step holds `simulated`
        matches = False
    else:
        matches = abs(q / 3.6e4 - simulated) <= 1e-9 * max(abs(simulated), 1e-30)
    if matches is False:
        within = None
    return {"ccd_mA_cm2": p, "capacity_per_half_cycle_mAh_cm2": None if q is None else q / 3.6e4, "source": pub.get("source"),
            "capacity_matches": matches, "ratio_predicted_to_published": ratio, "ratio_is_upper_bound": upper,
            "ratio_is_lower_bound": lower, "within_factor_2": within}


@stage("simulate", title="Predicted critical current (transient interface simulator)", section="simulate", order=70,
       needs=(), optional_deps=(), applies=_applies, schema=SCHEMA, check=_check, cell_keyed=CELL_KEYED)
def simulate_stage(ctx: StageContext) -> StageResult:
    """Predict each cell's CCD at its own capacity and current; show it beside the measured CCD of the cell.

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[simulate]`` options (SI floats for quantities), the output folder
        and the summaries of the stages that ran before (``cycling`` for the measured CCDs).

    Returns
    -------
    StageResult
        Summary per cell (JSON keys with unit suffix; ``calibrated_parameters`` named with their observation),
        the table of all cells, one simulation figure per cell, report HTML and citation keys.

    Raises
    ------
    ParameterError
        ``surfaces``, ``interfacial_resistance``, ``measured`` or ``published`` names a cell the study does not have;
        or the study has a ``[simulate]`` table and none of its cells could be simulated (each named with its reason).
    """
    import pandas as pd

    from lisse.errors import LisseError, ParameterError
    from lisse.pipeline.study import cell_designs
    from lisse.plot.interface import simulation_figure
    from lisse.sim.interface import build_model, predict_ccd, staircase
    from lisse.sim.interface.predict import converge_time_step, resolution_warning, void_depth_check
    from lisse.sim.interface.transient import check_foil

    opts = ctx.options  # its cell-keyed tables name cells of the study (CELL_KEYED, checked by the registry)
    cells = {str(c.get("name")): c for c in ctx.study.get("cells", []) or [] if isinstance(c, dict)}
    every = "simulate" in ctx.study
    summary: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    rows: list[dict[str, Any]] = []
    figures: dict[str, Any] = {}
    captions: dict[str, str] = {}
    items: list[Markup] = []
    predictions: list[dict[str, Any]] = []
    for name, d in cell_designs(ctx.study):
        surface = (opts.get("surfaces") or {}).get(name)
        if d.interlayer is None and surface is None and not every:
            continue
        try:
            kw = cell_interface(cells.get(name, {}), d, surface)
        except LisseError as exc:
            skipped[name] = str(exc)
            continue
        for key in ("pressure", "temperature"):
            if key in opts:
                kw[key] = opts[key]
        r_int = (opts.get("interfacial_resistance") or {}).get(name)
        if r_int is not None:  # the cell's measured R_int (EIS) sets its exchange current
            kw["interfacial_resistance"] = r_int
        if d.li_thickness > 0:  # the cell's own Li foil (stripping it all is a failure); anode-free: the simulator's default
            kw["li_thickness"] = d.li_thickness
        q = opts.get("capacity", d.cathode_capacity)  # C/m2 per half cycle
        i_op = opts["current_density"] if "current_density" in opts else d.current_density(opts["c_rate"])
        step = {"step_capacity": q} if opts["protocol"] == "fixed-capacity" else {"step_time": q / i_op}
        try:
            model = build_model(**kw)
            proto = staircase(opts["protocol"], start=opts["start"], increment=opts["increment"], max_current=opts["max_current"],
                              **step)
            # an anode-limited cell (N/P < 1) strips its whole foil in one half cycle at its own capacity: say so in the
            # study's terms (the cell is listed as not simulated)
            check_foil(model, proto, what=f"cell '{name}': {q / 3.6e4:g} mAh/cm2 per half cycle ([simulate] capacity, else the "
                                          "cell's positive areal capacity)", foil="the cell's li_thickness")
            pred = predict_ccd(model, proto, points_per_half_cycle=opts["points_per_half_cycle"])
        except LisseError as exc:  # this cell's interface cannot be simulated (e.g. a material without the properties)
            skipped[name] = str(exc)
            continue
        try:  # the time step halved until two resolutions read the same failing step (its failure never drops the prediction)
            pred, res = converge_time_step(model, proto, pred, max_points_per_half_cycle=opts["max_points_per_half_cycle"])
            warning = resolution_warning(pred, res)
        except LisseError as exc:
            res = {"error": str(exc)}
            warning = f"the time-step check (the same staircase at twice the points) could not run: {exc}"
        try:  # the CCD with the geometric void depth h_v = lambda (None: depth given); its failure never drops the prediction
            check = void_depth_check(model, proto, points_per_half_cycle=pred.points_per_half_cycle)
        except LisseError as exc:
            check = {"error": str(exc)}
        p = dict(pred.as_dict())
        if warning:
            p["warnings"] = [*p.get("warnings", []), warning]
        p["resolution_check"] = res
        ccd = p.get("ccd_mA_cm2")
        entry = {**p, "interlayer": kw["interlayer"] or "none", "electrolyte": kw.get("electrolyte"),
                 "interlayer_thickness_um": round(kw["interlayer_thickness"] * 1e6, 9) if "interlayer_thickness" in kw else None,
                 "surface": kw.get("surface"),
                 "li_thickness_um": round((kw.get("li_thickness") or model.values["li_thickness"]) * 1e6, 9),
                 "li_thickness_source": "cell" if "li_thickness" in kw else "simulator default (anode-free cell: no foil to simulate)",
                 "exchange_current_mA_cm2": model.values["exchange_current"] / 10.0,
                 "exchange_current_source": model.sources.get("exchange_current", ""),
                 "capacity_per_half_cycle_mAh_cm2": q / 3.6e4, "operating_current_density_mA_cm2": i_op / 10,
                 "step_time_h": step["step_time"] / 3600 if "step_time" in step else None,
                 "holds_operating_current": _holds(ccd, None if p.get("foil_limited") else p.get("failing_current_density_mA_cm2"),
                                                   i_op / 10),
                 "calibrated_parameters": list(pred.calibrated_parameters), "calibrated_on": dict(p.get("calibrated_on") or {}),
                 "measured": _measured(ctx.results, name, opts), "void_depth_check": check}
        entry["published"] = _published(opts, name, entry, opts["protocol"])
        summary[name] = entry
        predictions.append(_prediction(ctx.study, name, model, entry))
        pub = entry["published"] or {}
        rows.append({"cell": name, **{k: v for k, v in entry.items()
                                      if not isinstance(v, (dict, list)) and k not in ("measured", "published")},
                     "calibrated_parameters": calibrated_label(entry["calibrated_parameters"]),
                     "measured_ccd_mA_cm2": (entry["measured"] or {}).get("ccd_mA_cm2"),
                     "published_ccd_mA_cm2": pub.get("ccd_mA_cm2"),
                     "published_capacity_per_half_cycle_mAh_cm2": pub.get("capacity_per_half_cycle_mAh_cm2"),
                     "ratio_predicted_to_published": pub.get("ratio_predicted_to_published"),
                     "published_capacity_matches": pub.get("capacity_matches"),
                     "published_within_factor_2": pub.get("within_factor_2"),
                     "ccd_with_geometric_void_depth_mA_cm2": (check or {}).get("ccd_mA_cm2"),
                     "ccd_at_twice_the_time_resolution_mA_cm2": res.get("ccd_mA_cm2"),
                     "time_step_check_agrees": res.get("agrees")})
        key = _key(name, figures)
        sim = pred.simulation
        figures[key] = simulation_figure(sim.record, sim.state, getattr(sim, "failure_time_s", None), title=name,
                                         calibrated=pred.calibrated_parameters)
        captions[key] = (f"{name}: simulated {opts['protocol']} staircase at {q / 3.6e4:.3g} mAh/cm² per half cycle: voltage and "
                         "current, contact fraction and Li front; dashed: the detected failure.")
        items.append(_item(name, entry))
    if every and skipped and not summary:  # asked ([simulate]) for predictions and made none: failed, not "ok" (review s40 item 15)
        raise ParameterError("[simulate]: no cell could be simulated: "
                             + "; ".join(v if v.startswith(f"cell '{k}'") else f"cell '{k}': {v}" for k, v in skipped.items()))
    html = Markup("<p>Predicted by the transient plate/strip simulator; the simulated record is judged by the same CCD and "
                  "short detectors as measured files (CCD = the last stable step). A calibrated parameter was fitted to the "
                  "observation named and is not an independent prediction.</p><ul>{}</ul>").format(Markup("").join(items))
    if skipped:
        html += Markup("<p>Not simulated: {}.</p>").format("; ".join(f"{k} ({v})" for k, v in skipped.items()))
    return StageResult(summary={"cells": summary, "skipped": skipped, "protocol": opts["protocol"]},
                       tables={"predicted_ccd": pd.DataFrame(rows)} if rows else {}, figures=figures, html=html,
                       citations={"Kasemchainan2019"}, figure_captions=captions, predictions=predictions)


def _prediction(study: dict, name: str, model: Any, entry: dict) -> dict[str, Any]:
    """The results-database ``predictions`` row of one cell's predicted CCD (every model parameter with its source)."""
    params = {k: {"value_SI": v[0], "unit": v[1], "source": v[2], "calibrated": v[3]}
              for k, v in (getattr(model, "parameters", {}) or {}).items()}
    info = {"model": "lisse.sim.interface (transient plate/strip simulator)", "parameters": params,
            "calibrated": list(entry["calibrated_parameters"]), "calibrated_on": dict(entry["calibrated_on"]),
            "study": (study.get("study") or {}).get("name") if isinstance(study, dict) else None,
            **{k: entry.get(k) for k in ("protocol", "failing_current_density_mA_cm2", "search_limit_reached", "failure_mode",
                                         "capacity_per_half_cycle_mAh_cm2", "step_time_h", "interlayer", "surface", "electrolyte",
                                         "points_per_half_cycle", "resolution_check")}}
    return {"source": "lisse evaluate: simulate stage", "quantity": "critical_current", "value": entry.get("ccd_mA_cm2"),
            "unit": "mA/cm2", "kind": "predicted", "parameters_json": info, "cell": name}


def _holds(ccd: float | None, failing: float | None, i_op: float) -> bool | None:
    """Whether the operating current [mA/cm2] is at or below the last stable step (None: between steps or beyond the scan)."""
    if ccd is not None and i_op <= ccd:
        return True
    if failing is not None and i_op >= failing:
        return False
    return None


def _key(name: str, taken: dict) -> str:
    import re

    base = re.sub("_+", "_", "".join(ch if ch.isalnum() else "_" for ch in name)).strip("_").lower()[:40].rstrip("_") or "cell"
    key, n = f"simulated_{base}", 2
    while key in taken:
        key, n = f"simulated_{base}_{n}", n + 1
    return key


def _num(x: Any) -> str:
    return "–" if x is None or (isinstance(x, float) and not math.isfinite(x)) else f"{x:.3g}"


def _item(name: str, e: dict) -> Markup:
    if e.get("foil_limited"):
        pred = Markup("≥ {} mA/cm² (a lower bound: the Li foil was stripped away at {} mA/cm² before the interface "
                      "failed)").format(_num(e.get("ccd_mA_cm2")), _num(e.get("failing_current_density_mA_cm2")))
    elif e.get("failing_current_density_mA_cm2") is None:
        pred = Markup("≥ {} mA/cm² (no failure up to the search limit: not a CCD)").format(_num(e.get("ccd_mA_cm2")))
    elif e.get("ccd_mA_cm2") is None:
        pred = Markup("&lt; {} mA/cm² (the first step failed)").format(_num(e.get("failing_current_density_mA_cm2")))
    else:
        pred = Markup("{} mA/cm² (first failure at {} mA/cm², {})").format(
            _num(e["ccd_mA_cm2"]), _num(e["failing_current_density_mA_cm2"]), e.get("failure_mode") or "failure")
    m = e.get("measured")
    meas = (Markup("; measured CCD {} mA/cm² ({})").format(_num(m.get("ccd_mA_cm2")), m.get("file")) if m
            else Markup("") if e.get("published") else Markup("; no measured or published CCD of this cell in the study"))
    pb = e.get("published")
    if pb:
        r = pb.get("ratio_predicted_to_published")
        bound = "below " if pb.get("ratio_is_upper_bound") else ("at least " if pb.get("ratio_is_lower_bound") else "")
        verdict = {True: Markup("within a factor 2"), False: Markup("<b>more than a factor 2 apart</b>"),
                   None: Markup("another capacity per half cycle: no verdict" if pb.get("capacity_matches") is False
                                else "a bound: no verdict" if r is not None else "no CCD predicted")}[pb.get("within_factor_2")]
        cap = pb.get("capacity_per_half_cycle_mAh_cm2")
        cap_txt = (Markup(" at {} mAh/cm² per half cycle{}").format(
            _num(cap), "" if cap is None or abs(cap - e["capacity_per_half_cycle_mAh_cm2"]) <= 1e-9 * max(cap, 1e-30)
            else Markup(", not the {} simulated").format(_num(e["capacity_per_half_cycle_mAh_cm2"]))) if cap is not None else "")
        meas += Markup("; published CCD {} mA/cm² ({}{}): predicted / published {}{} ({})").format(
            _num(pb["ccd_mA_cm2"]), pb.get("source") or "study", cap_txt, bound, _num(r), verdict)
    holds = e.get("holds_operating_current")
    op = Markup("; operating current {} mA/cm² {}").format(
        _num(e["operating_current_density_mA_cm2"]),
        "is below the predicted CCD" if holds else ("exceeds the predicted CCD" if holds is False else "(no verdict)"))
    cal = e.get("calibrated_on") or {}
    names = e.get("calibrated_parameters") or []
    cal_html = (Markup("; <i>calibrated</i>: {}").format("; ".join(f"{n} (fitted to {cal.get(n, 'an observation not named')})" for n in names))
                if names else Markup("; no calibrated parameter"))
    chk = e.get("void_depth_check")
    if chk and "error" in chk:
        cal_html += Markup("; the check with the geometric void depth could not run: {}").format(chk["error"])
    elif chk:  # the calibrated void depth decides many predictions: the CCD with the geometric one beside it
        alt = (Markup("CCD {} mA/cm²").format(_num(chk["ccd_mA_cm2"])) if chk.get("ccd_mA_cm2") is not None
               else Markup("no stable step (the first failed at {} mA/cm²)").format(_num(chk.get("failing_current_density_mA_cm2"))))
        cal_html += Markup("; with the geometric void depth ({} µm, voids as deep as their period, instead of the calibrated "
                           "{} µm): {} ({})").format(
            _num(chk["void_depth_um"]), _num(chk.get("prediction_void_depth_um")), alt,
            chk.get("failure_mode") or "no failure")
    res = e.get("resolution_check") or {}
    if res.get("agrees"):  # (a disagreement, or a check that could not run, is one of the warnings below)
        cal_html += Markup("; the same failing step at twice the time resolution ({} points per half cycle)").format(
            res.get("points_per_half_cycle"))
        if e.get("resolution_note"):  # the readings of the coarser resolutions the time-step ladder passed
            cal_html += Markup(" ({})").format(e["resolution_note"])
    for w in e.get("warnings") or []:  # what the prediction says about itself (a contact already lost, a surface from another cell)
        cal_html += Markup("; <i>warning</i>: {}").format(w)
    layer = "" if e["interlayer"] == "none" else f" | {e['interlayer']}" + (
        f" {e['interlayer_thickness_um']:.3g} µm" if e.get("interlayer_thickness_um") else "")
    iface = f"Li{layer} | {e.get('electrolyte') or 'electrolyte'}" + (f" ({e['surface']} surface)" if e.get("surface") else "")
    return Markup("<li><b>{}</b> ({}, {} staircase at {} mAh/cm² per half cycle): predicted CCD {}{}{}{}</li>").format(
        name, iface, e["protocol"], _num(e["capacity_per_half_cycle_mAh_cm2"]), pred, meas, op, cal_html)
