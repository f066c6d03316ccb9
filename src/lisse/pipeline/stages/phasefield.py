"""Evaluate stage ``phasefield``: Li growth into lithiophilic vs lithiophobic porous layers (snapshot series).

Study options (table ``[phasefield]``; the stage runs only when the table is present)::

    [phasefield]
    presets = ["lithiophilic", "lithiophobic"]   # which presets to run
    grid = 64                                      # cells per side (small: fast)
    contact_angle_deg = 110                        # optional override for every preset
    current_density = "0.02 mA/cm2"                # optional override
    plated = "0.4 um"                              # optional override
    sweep = false                                  # also run the contact-angle sweep (about 10 s)
"""

from __future__ import annotations

from lisse.params import OptionSpec
from lisse.pipeline.registry import StageContext, StageResult, stage
from lisse.report.html import Markup

_PRESETS = ("lithiophilic", "lithiophobic")

#: Options of the ``[phasefield]`` table.
SCHEMA = {
    "presets": OptionSpec.list_of(OptionSpec.text("preset", choices=_PRESETS), "which presets to run",
                                  list(_PRESETS), min_items=1, max_items=2, scalar_ok=True),
    "grid": OptionSpec.integer("grid cells per side (small: fast)", 64, 32, 1024, limit_note="size limit"),
    "contact_angle_deg": OptionSpec.number("contact angle of Li on the particles [deg], for every preset (optional)", low=0.0, high=180.0),
    "current_density": OptionSpec.quantity("mA/cm2", "plating current density (optional override)", low=0.0, low_inclusive=False, high=1e4),
    "plated": OptionSpec.quantity("um", "plated planar-equivalent Li thickness (optional override)", low=0.0, low_inclusive=False, high=1e-6,
                                  limit_note="the simulated domain is 1.28 um tall"),
    "sweep": OptionSpec.boolean("also run the contact-angle sweep (about 10 s)", False),
    "seed": OptionSpec.integer("random seed of the particle layer", None, 0, 2**32 - 1),
}


@stage("phasefield", title="Phase-field Li growth into porous layers", section="phasefield", order=60,
       needs=("phasefield",), optional_deps=("matplotlib",), schema=SCHEMA)
def phasefield_stage(ctx: StageContext) -> StageResult:
    """Phase-field Li growth into lithiophilic and lithiophobic porous layers (snapshot series).

    Parameters
    ----------
    ctx : StageContext
        The study, this stage's typed ``[phasefield]`` options (SI floats for quantities) and the output folder.

    Returns
    -------
    StageResult
        Summary (JSON keys with unit suffix), tables, figures, report HTML and citation keys.

    References
    ----------
    Chen2015: L. Chen, H. W. Zhang, L. Y. Liang, Z. Liu, Y. Qi, P. Lu, J. Chen, L.-Q. Chen, Modulation of dendritic patterns during electrodeposition: a nonlinear phase-field model, J. Power Sources 300, 376-385 (2015), doi:10.1016/j.jpowsour.2015.09.055
    ChenShen1998: L.-Q. Chen, J. Shen, Applications of semi-implicit Fourier-spectral method to phase field equations, Comput. Phys. Commun. 108, 147-158 (1998), doi:10.1016/S0010-4655(97)00115-X
    Wang2024: Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nature Energy 9 (2024), doi:10.1038/s41560-023-01426-1
    """
    import math

    import numpy as np
    import pandas as pd

    from lisse.plot.phasefield import series_figure, sweep_figure
    from lisse.sim.phasefield.presets import run_settings, setup_run, transition_sweep

    opts = ctx.options
    presets = opts["presets"]
    grid = opts["grid"]
    summary: dict = {}
    figures: dict = {}
    captions: dict = {}
    rows = []
    for name in presets:
        s = run_settings(name, grid, frames=8, contact_angle_deg=opts.get("contact_angle_deg"),
                         current_density=opts.get("current_density"), plated_thickness=opts.get("plated"), seed=opts.get("seed"))
        run = setup_run(s)
        frames, times = [run.solver.zeta.copy()], [0.0]
        n = int(s["frames"])
        for k in range(1, n + 1):
            run.solver.run_until(run.t_end * k / n)
            frames.append(run.solver.zeta.copy())
            times.append(run.solver.t)
        m = run.metrics()
        summary[f"{name}_penetration_depth_um"] = m["penetration_m"] * 1e6
        summary[f"{name}_pore_fill"] = m["pore_fill"]
        summary[f"{name}_contact_angle_deg"] = s["contact_angle_deg"]
        rows.append({"preset": name, "contact_angle_deg": s["contact_angle_deg"], "penetration_depth_um": m["penetration_m"] * 1e6,
                     "front_mean_um": m["front_mean_m"] * 1e6, "pore_fill": m["pore_fill"], "time_s": run.solver.t,
                     "overpotential_mV": run.solver.c.eta * 1e3})
        figures[f"phasefield_{name}"] = series_figure(np.asarray(frames), times, run.layer.phi_g, run.layer.dx,
                                                      title=f"{name}: θ = {s['contact_angle_deg']:g}°", y_bottom=run.layer.y_bottom)
        captions[f"phasefield_{name}"] = (f"Li (blue) growing from the electrode into the porous layer (grey particles), "
                                          f"θ = {s['contact_angle_deg']:g}°, {s['current_density'] * 0.1:g} mA/cm²; dashed: layer boundary.")
    tables = {"phasefield_presets": pd.DataFrame(rows)}
    html = ("<p>Allen–Cahn phase-field model ([Wang2024]; Butler–Volmer driving force after [Chen2015]) "
            "of Li plating into a porous layer of particles. Both runs use the same layer, current and plated capacity; "
            "only the contact angle of Li on the particles differs. Lithiophilic particles draw Li into the pores by "
            "capillarity; on lithiophobic ones the front stays at the layer boundary until the driving force exceeds "
            f"the Young–Laplace entry pressure. Grid {grid}×{grid}.</p>")
    if opts["sweep"]:
        sw = transition_sweep([60, 90, 110, 115, 120, 125, 130, 160])
        figures["phasefield_sweep"] = sweep_figure(sw)
        captions["phasefield_sweep"] = "Penetration depth into straight slits vs contact angle; dashed: Young–Laplace transition."
        tables["phasefield_sweep"] = pd.DataFrame({"contact_angle_deg": sw["angles_deg"],
                                                   "penetration_depth_um": [p * 1e6 for p in sw["penetration_m"]]})
        summary["sweep_theta_c_sim_deg"] = sw["theta_c_sim_deg"] if math.isfinite(sw["theta_c_sim_deg"]) else None
        summary["sweep_theta_c_young_laplace_deg"] = sw["theta_c_young_laplace_deg"]
    return StageResult(summary=summary, tables=tables, figures=figures, html=Markup(html),  # static text and numbers only
                       citations={"Wang2024", "Chen2015", "ChenShen1998"}, figure_captions=captions)
