"""Evaluate stage ``phasefield``: Li growth into the three LNI–CNT interlayers (or the lithiophilic/lithiophobic pair).

The report shows the runs side by side (snapshots at mid-run and at the end, and an animated GIF), a
snapshot series per run, and the metric table: front roughness, fraction of the new Li at the
electrolyte face, penetration depth, deposit centroid and Li inventory error
(:mod:`lisse.sim.phasefield.metrics`). With the three LNI presets it states, claim by claim, whether the
runs show the ordering of [Wang2024] (ionic layer roughest; electronic layer deposits most at the
electrolyte face; mixed layer flattest and nearest the anode), over ``seeds`` particle packings: per claim the mean and
the seed-to-seed spread of each layer's number, the paired margin (the three layers of one seed share one packing) as
mean ± sample standard deviation over the seeds, in how many seeds the claim holds, and whether it holds outside the
spread (mean margin above both its standard deviation and the ~10 % time-schedule resolution). One seed measures no
spread: its standard deviations are NaN (``null`` in JSON) and no claim is judged outside the spread.

Study options (table ``[phasefield]``; the stage runs only when the table is present)::

    [phasefield]
    presets = ["lni-0.5cnt", "lni-5cnt", "lni-50cnt"]   # which presets to run (default; or lithiophilic/lithiophobic)
    grid = 64                                      # cells per side (small: fast)
    contact_angle_deg = 110                        # optional override for every preset
    current_density = "0.02 mA/cm2"                # optional override
    plated = "0.4 um"                              # optional override
    sweep = false                                  # also run the contact-angle sweep (about 10 s)
    seed = 1                                       # first particle-packing seed (figures show this one)
    seeds = 3                                      # packings the ordering is averaged over: seed, seed + 1, ...
    backend = "numpy"                              # array backend of the ζ update: numpy, jax or cupy (extra 'gpu')
"""

from __future__ import annotations

from typing import Any

from lisse.params import OptionSpec, calibrated_label, with_calibrated_column
from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.report.html import Markup

_PRESETS = ("lni-0.5cnt", "lni-5cnt", "lni-50cnt", "lithiophilic", "lithiophobic")
_LNI = ("lni-0.5cnt", "lni-5cnt", "lni-50cnt")  # ionic, mixed, electronic [Wang2024]
#: Relative margin below which an ordering claim is within the model's resolution (measured: the potential/time schedule
#: moves the LNI roughness by 5-10 % at grid 64, another particle packing (seed) by up to 20 %).
_RESOLUTION = 0.10

#: Options of the ``[phasefield]`` table.
SCHEMA = {
    "presets": OptionSpec.list_of(OptionSpec.text("preset", choices=_PRESETS), "which presets to run (shown side by side)",
                                  list(_LNI), min_items=1, max_items=len(_PRESETS), scalar_ok=True),
    "grid": OptionSpec.integer("grid cells per side (small: fast)", 64, 32, 1024, limit_note="size limit"),
    "contact_angle_deg": OptionSpec.number("contact angle of Li on the particles [deg], for every preset (optional)", low=0.0, high=180.0),
    "current_density": OptionSpec.quantity("mA/cm2", "plating current density (optional override)", low=0.0, low_inclusive=False, high=1e4),
    "plated": OptionSpec.quantity("um", "plated planar-equivalent Li thickness (optional override)", low=0.0, low_inclusive=False, high=50e-6,
                                  limit_note="the lni presets' domain is ~19 um tall, the lithiophilic/lithiophobic one 1.28 um"),
    "sweep": OptionSpec.boolean("also run the contact-angle sweep (about 10 s)", False),
    "seed": OptionSpec.integer("random seed of the particle layer", None, 0, 2**32 - 1),
    "seeds": OptionSpec.integer("number of particle packings (seed, seed + 1, ...) the runs and the ordering are repeated over", 3, 1, 10,
                                limit_note="each packing repeats every run"),
    "backend": OptionSpec.text("array backend of the phase-field update (jax/cupy: optional extra 'gpu')", "numpy",
                               choices=("numpy", "jax", "cupy")),
}


#: Claims of [Wang2024] the LNI runs are judged on: claim -> (metric column, the preset that must be extreme, "max"/"min"),
#: judged against BOTH other layers.
_CLAIMS = {
    "ionic_roughest": ("front_roughness_um", "lni-0.5cnt", "max"),  # tips on the anode's own front
    "electronic_most_at_electrolyte": ("fraction_deposited_at_electrolyte", "lni-50cnt", "max"),
    "mixed_flattest": ("deposit_roughness_um", "lni-5cnt", "min"),  # the plating front of all Li
    # "nearest the anode": its deepest Li (any ζ > ½, nucleated or connected) lies closest to the anode
    "mixed_nearest_anode": ("deepest_li_um", "lni-5cnt", "min"),
}


def _margin(vals: dict, who: str, sense: str) -> float:
    """Relative distance of ``who`` to the nearest other layer, positive when it is the extreme one (NaN: undefined)."""
    import math

    others = [vals[p] for p in _LNI if p != who]
    if not all(math.isfinite(v) for v in [vals[who], *others]):
        return float("nan")
    near = max(others) if sense == "max" else min(others)
    if near == 0:
        return float("nan")
    return (vals[who] - near) / abs(near) * (1.0 if sense == "max" else -1.0)


def _ordering(per_seed: dict) -> tuple[dict, list, list, list]:
    """Claim-by-claim ordering over the seeds: (claims, table rows, per-seed rows, claims not outside the spread)."""
    import math

    import numpy as np

    claims: dict[str, bool] = {}
    crow: list[dict[str, Any]] = []
    srow: list[dict[str, Any]] = []
    undecided: list[str] = []
    seeds = sorted(per_seed)
    for claim, (col, who, sense) in _CLAIMS.items():
        per = []
        for sd in seeds:
            vals = {p: float(per_seed[sd][p][col]) for p in _LNI}
            m = _margin(vals, who, sense)
            per.append(m)
            srow.append({"claim [Wang2024]": claim, "seed": sd, "ionic LNI-0.5CNT": vals["lni-0.5cnt"], "mixed LNI-5CNT": vals["lni-5cnt"],
                         "electronic LNI-50CNT": vals["lni-50cnt"], "margin": m, "holds": bool(m > 0)})
        arr = np.array(per, dtype=float)
        ok = bool(np.all(np.isfinite(arr)))  # NaN (e.g. no Li deposited): an unmet claim
        mean = float(arr.mean()) if ok else float("nan")
        # one packing measures no seed-to-seed spread: NaN (null in JSON), never 0.0, and no claim is outside a spread
        # nobody measured (review s48)
        sd_ = float(arr.std(ddof=1)) if ok and arr.size > 1 else float("nan")
        holds = bool(ok and mean > 0)
        # outside the spread: the mean margin clears both the seed-to-seed standard deviation and the schedule's resolution
        decided = bool(ok and arr.size > 1 and abs(mean) > max(sd_, _RESOLUTION))
        claims[claim] = holds
        if not decided:
            undecided.append(claim)
        row: dict[str, Any] = {"claim [Wang2024]": claim, "metric": col}
        for p, label in zip(_LNI, ("ionic LNI-0.5CNT", "mixed LNI-5CNT", "electronic LNI-50CNT")):
            v = np.array([float(per_seed[sd][p][col]) for sd in seeds])
            row[label] = float(v.mean())
            row[f"{label} sd"] = float(v.std(ddof=1)) if v.size > 1 else float("nan")
        row.update({"margin": mean, "margin sd": sd_, "seeds": len(seeds), "held in": int(np.sum(arr > 0)), "holds": holds,
                    "beyond spread": decided})
        crow.append(row)
        if not math.isfinite(mean):
            row["margin"] = float("nan")
    return claims, crow, srow, undecided


def _calibrated_by_run(runs: list[dict]) -> list[str]:
    """Each calibrated parameter of the runs shown side by side, with the runs that use it: ``name (label, label)``."""
    users: dict[str, list[str]] = {}
    for r in runs:
        for name in r.get("calibrated") or ():
            users.setdefault(str(name), []).append(str(r["label"]))
    return [f"{name} ({', '.join(labels)})" for name, labels in users.items()]


def _applies(study: dict) -> str | None:
    """Run whenever the study has a ``[phasefield]`` table, an empty one included (all defaults)."""
    return None if "phasefield" in study else "skipped: the study has no [phasefield] table"


@stage("phasefield", title="Phase-field Li growth into porous layers", section="phasefield", order=60,
       needs=(), optional_deps=("matplotlib",), applies=_applies, schema=SCHEMA)
def phasefield_stage(ctx: StageContext) -> StageResult:
    """Phase-field Li growth into the LNI–CNT interlayers or lithiophilic/lithiophobic layers, side by side.

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[phasefield]`` options (SI floats for quantities) and the output folder.

    Returns
    -------
    StageResult
        Summary (JSON keys with unit suffix), tables, figures, the GIF animation, report HTML and citation keys.

    Raises
    ------
    ParameterError
        ``plated`` does not fit a preset's domain (or a preset's own setting checks fail).

    References
    ----------
    Chen2015: L. Chen, H. W. Zhang, L. Y. Liang, Z. Liu, Y. Qi, P. Lu, J. Chen, L.-Q. Chen, Modulation of dendritic patterns during electrodeposition: a nonlinear phase-field model, J. Power Sources 300, 376-385 (2015), doi:10.1016/j.jpowsour.2015.09.055
    ChenShen1998: L.-Q. Chen, J. Shen, Applications of semi-implicit Fourier-spectral method to phase field equations, Comput. Phys. Commun. 108, 147-158 (1998), doi:10.1016/S0010-4655(97)00115-X
    Wang2024: Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nature Energy 9 (2024), doi:10.1038/s41560-023-01426-1
    """
    import math
    from html import escape

    import numpy as np
    import pandas as pd

    from lisse.errors import ParameterError
    from lisse.plot.phasefield import comparison_animation, comparison_figure, series_figure, sweep_figure
    from lisse.plot.style import calibrated_note
    from lisse.sim.phasefield.metrics import regime_warnings, run_metrics
    from lisse.sim.phasefield.presets import PRESETS, run_settings, setup_run, transition_sweep

    opts = ctx.options
    presets = list(dict.fromkeys(opts["presets"]))
    grid = opts["grid"]
    summary: dict = {}
    figures: dict = {}
    captions: dict = {}
    rows = []  # one per preset, first seed (the runs the figures show)
    warnings: list[str] = []  # where a run's field contradicts its pore-entry regime
    runs = []
    n = 8
    first = opts.get("seed")
    first = int(PRESETS[presets[0]].get("seed", 1)) if first is None else int(first)
    seed_list = [first + k for k in range(int(opts["seeds"]))]
    per_seed: dict[int, dict[str, dict]] = {}  # seed -> preset -> metric row (every packing)
    for seed in seed_list:
        shown = seed == seed_list[0]
        for name in presets:
            try:
                s = run_settings(name, grid, frames=n, contact_angle_deg=opts.get("contact_angle_deg"),
                                 current_density=opts.get("current_density"), plated_thickness=opts.get("plated"), seed=seed,
                                 backend=opts.get("backend"))
            except ParameterError as e:  # name the study table (the plated-thickness and other checks live in run_settings)
                raise ParameterError(f"[phasefield] {name}: {e}") from None
            run = setup_run(s)
            micro = getattr(run, "micro", None)
            zeta0 = np.array(run.solver.zeta, dtype=float)
            frames, times = [run.solver.zeta.copy()], [0.0]
            for k in range(1, n + 1):
                run.solver.run_until(run.t_end * k / n)
                if shown:
                    frames.append(run.solver.zeta.copy())
                times.append(run.solver.t)
            m = run.metrics()
            im = run_metrics(run.solver, zeta0, layer_bottom=run.layer.y_bottom, layer_top=run.layer.y_top,
                             current_density=s["current_density"])
            angle = s.get("contact_angle_deg")
            row = {"preset": name, "front_roughness_um": im["front_roughness_m"] * 1e6,
                   "deposit_roughness_um": im.get("deposit_roughness_m", float("nan")) * 1e6,
                   "fraction_deposited_at_electrolyte": im["fraction_deposited_at_electrolyte"],
                   "penetration_depth_um": m["penetration_m"] * 1e6, "deepest_li_um": im["penetration_any_m"] * 1e6,
                   "deposit_centroid_um": im["deposit_centroid_m"] * 1e6,
                   "li_inventory_error_rel": im["li_inventory_error_rel"], "reservoir_inflow_um": float(im.get("li_inflow_m", 0.0)) * 1e6,
                   "front_mean_um": m["front_mean_m"] * 1e6,
                   "pore_fill": m["pore_fill"], "contact_angle_deg": angle, "time_s": run.solver.t,
                   # pore entry: stack + plating pressure vs the Young–Laplace entry pressure of the layer's throat
                   "penetration_regime": im.get("penetration_regime"),
                   "critical_stack_pressure_MPa": float(im.get("critical_stack_pressure_Pa", float("nan"))) * 1e-6,
                   # electrodeposition presets whose nucleation law was fitted to an observation (no circular validation)
                   "calibrated_parameters": calibrated_label(im.get("calibrated_parameters", {}))}
            per_seed.setdefault(seed, {})[name] = row
            if not shown:
                continue
            for w in regime_warnings(row["penetration_regime"], im["penetration_any_m"], run.layer.pore_size,
                                     pore_fill=m["pore_fill"], entry_width=im.get("entry_width_m")):
                warnings.append(f"{name}: {w}")
            rows.append(row)
            for key in ("penetration_depth_um", "front_roughness_um", "deposit_roughness_um", "fraction_deposited_at_electrolyte",
                        "li_inventory_error_rel",
                        "deepest_li_um", "deposit_centroid_um", "pore_fill", "contact_angle_deg", "penetration_regime",
                        "critical_stack_pressure_MPa"):
                v = row[key]
                summary[f"{name}_{key}"] = None if isinstance(v, float) and not math.isfinite(v) else v
            if im.get("calibrated_parameters"):
                summary[f"{name}_calibrated_parameters"] = im["calibrated_parameters"]
            title = f"{name}: θ = {angle:g}°" if isinstance(angle, (int, float)) else name
            figures[f"phasefield_{name}"] = series_figure(np.asarray(frames), times, run.layer.phi_g, run.layer.dx,
                                                          title=title, y_bottom=run.layer.y_bottom)
            calibrated_note(figures[f"phasefield_{name}"], im.get("calibrated_parameters", {}))
            captions[f"phasefield_{name}"] = (f"{name}: Li (blue) growing from the electrode into the layer (grey: solid), "
                                              f"{s['current_density'] * 0.1:g} mA/cm²; dashed: layer boundary.")
            panel = {"label": name, "dx": run.layer.dx, "solid": micro.solid if micro is not None else run.layer.phi_g,
                     "electrolyte": getattr(micro, "electrolyte", None), "electronic": getattr(micro, "electronic", None),
                     "layer_bottom": run.layer.y_bottom, "layer_top": run.layer.y_top, "frames": frames, "times": times,
                     "note": f"rough {row['front_roughness_um'] * 1e3:.0f} nm, at face {row['fraction_deposited_at_electrolyte']:.2f}",
                     "calibrated": dict(im.get("calibrated_parameters") or {})}  # name -> the observation it was fitted to
            runs.append(panel)
    for tag, k in (("mid", n // 2), ("end", n)):
        panels = [{**{q: v for q, v in r.items() if q not in ("frames", "times", "calibrated")}, "zeta": r["frames"][k]} for r in runs]
        if tag == "mid":
            panels = [{**p, "note": f"t = {r['times'][k]:.3g} s"} for p, r in zip(panels, runs)]
        figures[f"phasefield_compare_{tag}"] = comparison_figure(panels, title=f"{'half' if tag == 'mid' else 'all'} of the charge passed")
        calibrated_note(figures[f"phasefield_compare_{tag}"], _calibrated_by_run(runs))
        captions[f"phasefield_compare_{tag}"] = (f"The runs side by side after {'half' if tag == 'mid' else 'all'} of the charge: "
                                                 "Li blue, interlayer solid grey, electronic fibres black, empty pores white, "
                                                 "electrolyte tan; dashed: layer bottom and top.")
    animations = {"phasefield_animation": comparison_animation(runs, fps=3, calibrated=_calibrated_by_run(runs))}
    captions["phasefield_animation"] = "Animation of the runs side by side (same current, capacity and time per frame)."
    table = pd.DataFrame(rows)
    tables = {"phasefield_presets": table}
    html = ("<p>Phase-field model of Li plating into an interlayer ([Wang2024]; conserving electrodeposition model: ionic and "
            "electronic potentials with Butler–Volmer sources, empty pores, stack pressure, Li tied to the charge passed). All "
            "runs use the same current, stack pressure and plated "
            "capacity. Metrics: front roughness = RMS of the height of the anode-connected Li front over the width (where "
            "tips grow); deposit roughness = RMS of the height of the top of ALL Li in each column, connected or not (the "
            "plating front, a second front at the electrolyte face included: what 'flat plating' means in [Wang2024]); "
            "fraction at face = share of the newly deposited Li within 10 % of the layer thickness below the electrolyte "
            "face; deepest Li = height above the layer bottom of the farthest cell with ζ > ½ (nucleated or connected); "
            "deposit centroid = mean height of the new Li; reservoir exchange = Li that creeps in from (or is pushed back "
            "into) the anode bulk below the domain; inventory error = (Li gained − "
            "Faraday's Q V_m/F − reservoir exchange)/(Q V_m/F + reservoir exchange). "
            f"Grid {grid} cells per side.</p>")
    summary["warnings"] = warnings
    if warnings:
        html += "<p>Warnings:</p><ul>" + "".join(f"<li>{escape(w)}</li>" for w in warnings) + "</ul>"
    if all(p in presets for p in _LNI):
        claims, crow, srow, undecided = _ordering(per_seed)
        summary["wang2024_ordering"] = claims
        summary["wang2024_ordering_holds"] = all(claims.values())
        summary["wang2024_ordering_within_resolution"] = undecided
        summary["wang2024_ordering_margins"] = {r["claim [Wang2024]"]: {"mean": r["margin"], "sd": r["margin sd"], "seeds": r["seeds"],
                                                                       "held_in": r["held in"]} for r in crow}
        summary["seeds"] = seed_list
        # every number of the ordering comes from the LNI runs: their calibrated parameters on every row
        lni_on = {n: obs for r in runs if r["label"] in _LNI for n, obs in (r.get("calibrated") or {}).items()}
        lni_calibrated = list(lni_on)
        tables["phasefield_ordering"] = pd.DataFrame(with_calibrated_column(pd.DataFrame(crow), lni_calibrated))
        tables["phasefield_ordering_seeds"] = pd.DataFrame(with_calibrated_column(pd.DataFrame(srow), lni_calibrated))
        html += ("<p>Ordering of [Wang2024] (ionic LNI–0.5 % CNT: roughest anode front; electronic LNI–50 % CNT: the most Li "
                 "at the electrolyte face; mixed LNI–5 % CNT: the flattest plating front of all Li, and its deepest Li nearest "
                 f"the anode), over {len(seed_list)} particle packing(s) (seeds {', '.join(str(k) for k in seed_list)}; the three "
                 "layers of one seed share the packing, so each seed gives one paired margin = relative distance of the named "
                 "layer to the nearest other one, positive when the claim holds): "
                 f"{'reproduced' if summary['wang2024_ordering_holds'] else 'NOT fully reproduced'} "
                 f"({sum(claims.values())} of {len(claims)} claims hold on the mean margin; the ordering table gives each layer's "
                 "mean ± seed-to-seed standard deviation, the margin's mean ± standard deviation and in how many seeds the claim "
                 "holds). A claim holds outside the spread when its mean margin exceeds both the standard deviation of the "
                 f"per-seed margins and the {_RESOLUTION:.0%} resolution of the time schedule; not outside it: "
                 f"{', '.join(undecided) if undecided else 'none'}"
                 + (" (one packing measures no seed-to-seed spread: no claim is judged outside it; run seeds ≥ 2)"
                    if len(seed_list) < 2 else "") + "."
                 + (" Calibrated in these runs (fitted to another observation, not to the morphologies compared here): "
                    + escape("; ".join(f"{n}: {obs}" for n, obs in lni_on.items())) + "." if lni_on else "") + "</p>")
    if opts["sweep"]:
        sw = transition_sweep([60, 90, 110, 115, 120, 125, 130, 160])
        figures["phasefield_sweep"] = sweep_figure(sw)
        calibrated_note(figures["phasefield_sweep"], sw["calibrated_parameters"])
        captions["phasefield_sweep"] = "Penetration depth into straight slits vs contact angle; dashed: Young–Laplace transition."
        tables["phasefield_sweep"] = pd.DataFrame(with_calibrated_column(
            {"contact_angle_deg": sw["angles_deg"], "penetration_depth_um": [p * 1e6 for p in sw["penetration_m"]]},
            sw["calibrated_parameters"]))
        if sw["calibrated_parameters"]:
            summary["sweep_calibrated_parameters"] = sw["calibrated_on"]
        summary["sweep_theta_c_sim_deg"] = sw["theta_c_sim_deg"] if math.isfinite(sw["theta_c_sim_deg"]) else None
        summary["sweep_theta_c_young_laplace_deg"] = sw["theta_c_young_laplace_deg"]
    return StageResult(summary=summary, tables=tables, figures=figures, html=Markup(html),  # static text and numbers only
                       citations={"Wang2024", "Chen2015", "ChenShen1998"}, figure_captions=captions, animations=animations)
