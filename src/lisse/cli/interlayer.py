"""``lisse interlayer``: where Li nucleates and grows inside a mixed-conducting interlayer."""

from __future__ import annotations

from lisse.cli.common import fmt

NAME = "interlayer"
HELP = "interlayer simulator: nucleation length, growth length, stability verdict and regime (Wang2024)"
DESCRIPTION = (
    "Steady electroneutral two-potential model of a porous mixed ionic-electronic interlayer between a Li anode and a "
    "solid electrolyte under galvanostatic plating. Reports the nucleation length l_n (deepest point where the local "
    "overpotential exceeds the critical nucleation overpotential), the growth length l_g (the pore-filled Li front grown "
    "from the anode, with the solver's internal deposition in the pores), the verdict l_n <= l_g < l_i with the failure mode, and the regime from sigma_e/sigma_ion. "
    "Parameters fitted to an observation are named as calibrated in every output (calibrated_parameters, calibrated_on). "
    "Every model parameter can be overridden (quantities take units). Optional: current sweep, stability maps, critical "
    "current, 2D protrusion fields with a convergence study, and the fit of C in l_n = C V_sp/i; --out DIR writes PNG + CSV."
)
EXAMPLES = """\
  lisse interlayer --preset lni-5cnt --current-density "1 mA/cm2" --capacity "1 mAh/cm2" --json
  lisse interlayer --preset lni-50cnt --current-density "0.5 mA/cm2" --time "1 h" --contact-angle "70 deg"
  lisse interlayer --material LNI-5CNT --thickness "14.8 um" --porosity 0.4 --current-density "2 mA/cm2" --capacity "2 mAh/cm2"
  lisse interlayer --preset lni-5cnt --current-density "1 mA/cm2" --time "1 h" --sweep --map --critical-current --out results/
  lisse interlayer --preset lni-5cnt --current-density "1 mA/cm2" --capacity "1 mAh/cm2" --map --jobs 2 --json
  lisse interlayer --preset lni-0.5cnt --current-density "1 mA/cm2" --capacity "1 mAh/cm2" --two-d --convergence --out results/
  lisse interlayer --preset lni-5cnt --current-density "2 mA/cm2" --capacity "2 mAh/cm2" \\
      --spike-currents "2,3,4" --spike-heights "60,75,85" --json
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity
    from lisse.sim.interlayer.model import PRESETS, SCHEMA

    g = parser.add_argument_group("interlayer")
    g.add_argument("--preset", default=None, help=f"parameter preset: {', '.join(PRESETS)} (default lni-5cnt unless --material)")
    g.add_argument("--material", default=None, help="library material with ionic and electronic conductivity (e.g. LNI-5CNT)")
    add_quantity(g, "--current-density", "mA/cm2", "plating current density, e.g. '1 mA/cm2'")
    add_quantity(g, "--capacity", "mAh/cm2", "plated capacity per half-cycle, e.g. '1 mAh/cm2'")
    add_quantity(g, "--time", "h", "plating time per half-cycle instead of --capacity, e.g. '1 h'")
    p = parser.add_argument_group("model parameters (override the preset; quantities take units, bare numbers use the unit shown)")
    for key, spec in SCHEMA.items():
        add_quantity(p, "--" + key.replace("_", "-"), spec.unit, spec.doc, dest="par_" + key)
    s = parser.add_argument_group("studies")
    s.add_argument("--sweep", action="store_true", help="l_n and l_g vs current density (at --time, or at --capacity)")
    s.add_argument("--map", action="store_true", help="stability maps over (current, capacity) and (sigma_e, sigma_ion)")
    s.add_argument("--critical-current", action="store_true", help="predicted critical current of a step ramp up to --i-max: fixed-time "
                   "steps of --time, or fixed-capacity steps of --capacity (see --protocol); 'no failure up to' the limit is not a CCD")
    s.add_argument("--protocol", choices=("fixed-time", "fixed-capacity"), default=None,
                   help="steps of --critical-current: fixed-time (each step lasts --time, or capacity/current) or fixed-capacity "
                   "(each step plates --capacity, or current x time); default: fixed-time with --time, fixed-capacity with --capacity")
    s.add_argument("--two-d", action="store_true", help="2D Li protrusion: deposition and nucleation fields")
    s.add_argument("--convergence", action="store_true", help="with --two-d: grid convergence study (nx = 45, 90, 180)")
    s.add_argument("--nx", type=int, default=90, help="2D cells across the thickness (default 90)")
    add_quantity(s, "--protrusion-height", "um", "2D protrusion height (default 15 um)")
    add_quantity(s, "--protrusion-base", "um", "2D protrusion base width (default 10 um)")
    add_quantity(s, "--protrusion-spacing", "um", "2D period width (default 40 um)")
    add_quantity(s, "--i-min", "mA/cm2", "sweep/map lower current (default 0.1 mA/cm2)", default="0.1 mA/cm2")
    add_quantity(s, "--i-max", "mA/cm2", "sweep/map upper current (default 10 mA/cm2)", default="10 mA/cm2")
    s.add_argument("--points", type=int, default=50, help="sweep points (default 50)")
    s.add_argument("--spike-currents", default=None, help="comma-separated currents of measured nucleation spikes, e.g. '2,3,4' (bare numbers: mA/cm2)")
    s.add_argument("--spike-heights", default=None, help="comma-separated spike heights V_sp, same order, e.g. '60,75,85' (bare numbers: mV)")
    from lisse.cli.common import add_executor_options

    add_executor_options(s, "rows of the conductivity map (--map)")
    s.add_argument("--out", default=None, metavar="DIR", help="write figures (PNG) and tables (CSV) to DIR (atomically); DIR must be new, "
                   "empty or made by lisse")
    s.add_argument("--overwrite", action="store_true", help="also write into an --out folder holding other files (written beside them: lisse never replaces a file it did not write)")
    s.add_argument("--db", default=None, metavar="FILE", help="write the predicted critical current (implies --critical-current) into "
                   "the predictions table of this lisse results database, flagged as predicted, with the model parameters")
    s.add_argument("--cell", default=None, metavar="NAME", help="with --db: the database cell the prediction is for")


def _list(text: str, unit: str, name: str) -> list[float]:
    from lisse.cli.common import quantity
    from lisse.errors import ParameterError

    items = [t.strip() for t in str(text).split(",") if t.strip()]
    if not items:
        raise ParameterError(f"parameter '{name}' expects a comma-separated list of values in {unit}; got '{text}'")
    return [quantity(unit, name)(t) for t in items]


def _params(args):
    from lisse.sim.interlayer.model import SCHEMA, make_parameters

    over = {k: getattr(args, "par_" + k) for k in SCHEMA if getattr(args, "par_" + k) is not None}  # SI floats
    preset = args.preset
    if preset is None and args.material is None:
        preset = "lni-5cnt"
    return make_parameters(preset, material=args.material, **over)


def _df_write(out, name: str, data: dict, files: list, calibrated) -> None:
    """Write ``data`` as ``out/name.csv``, with the model's calibrated parameters as a column (every table here is predicted)."""
    import io

    import pandas as pd

    from lisse.io.outputs import atomic_write_text
    from lisse.params import with_calibrated_column

    buf = io.StringIO()
    pd.DataFrame(with_calibrated_column(data, calibrated)).to_csv(buf, index=False)
    files.append(str(atomic_write_text(out / f"{name}.csv", buf.getvalue())))


#: Stems of the files ``interlayer --out`` may write (each as .csv and .png).
OUTPUT_STEMS = ("interlayer_profile", "interlayer_sweep", "interlayer_map_current_capacity", "interlayer_map_conductivity",
                "interlayer_2d_fields", "interlayer_2d_convergence", "interlayer_spike_fit")


def _fig_write(out, name: str, fig, files: list) -> None:
    from lisse.io.outputs import save_figure

    files.append(str(save_figure(fig, out / f"{name}.png")))


def run(args):

    import numpy as np

    from lisse.cli.common import progress_bar_for
    from lisse.errors import ParameterError
    from lisse.io.progress import progress_callback
    from lisse.sim.interlayer import lengths, sweeps

    def bar(total, what):  # one bar per long step, on a terminal only (never under --json)
        return progress_bar_for(args, total, f"lisse interlayer: {what}", unit="solve")

    p = _params(args)
    if args.current_density is None:
        raise ParameterError("parameter '--current-density' is required (e.g. '1 mA/cm2')")
    i = args.current_density
    t = args.time
    q = sweeps.plating_capacity(i, args.capacity, t)
    res = lengths.interlayer_lengths(p, i, capacity=q)
    result = res.as_dict()
    files: list[str] = []
    out = None
    if args.out is not None and args.db:
        from pathlib import Path

        if Path(args.db).expanduser().resolve().is_relative_to(Path(args.out).expanduser().resolve()):
            # a database there would be replaced with the folder by another lisse command, or refuse the next run (review s44b)
            raise ParameterError(f"--db {args.db!r}: expected a database outside the --out folder {args.out!r}; found it inside "
                                 "(output folders hold what one run writes; keep the lab database beside them)")
    if args.out is not None:
        from lisse.io.outputs import claim_output_folder

        # every name this command can write (a user's file of one of them refuses the folder before the work)
        out = claim_output_folder(args.out, overwrite=args.overwrite,
                                  outputs=[f"{stem}.{ext}" for stem in OUTPUT_STEMS for ext in ("csv", "png")])
    if out is not None:  # every figure below is drawn only when there is a folder to write it to
        from lisse.plot import interlayer as plot

        sol = res.solution
        _df_write(out, "interlayer_profile", {"x_um": sol.x * 1e6, "eta_mV": sol.eta * 1e3, "phi_e_mV": sol.phi_e * 1e3,
                                              "phi_ion_mV": sol.phi_ion * 1e3, "i_ion_mA_cm2": sol.i_ion / 10, "i_e_mA_cm2": sol.i_e / 10,
                                              "deposition_rate_A_m3": sol.deposition_rate, "nucleation_rate_per_m3_s": sol.nucleation_rate,
                                              "li_volume_fraction": res.filling.li_fraction if res.filling is not None else np.nan}, files, p.calibrated_parameters)
        _fig_write(out, "interlayer_profile", plot.profile_figure(sol, p.critical_overpotential), files)
    i_lo, i_hi = args.i_min, args.i_max
    cur = sweeps.current_grid(i_lo, i_hi, args.points)
    if args.sweep:
        with bar(cur.size, "sweep") as b:
            fixed = {"time": t} if t is not None else {"capacity": q}
            sw = sweeps.sweep_current(p, cur, progress=progress_callback(b), **fixed)
        table = sweeps.sweep_table(sw, calibrated=p.calibrated_parameters)
        result["sweep"] = {"fixed": "time" if t is not None else "capacity", **{k: list(v) for k, v in table.items()}}
        if out is not None:
            _df_write(out, "interlayer_sweep", table, files, p.calibrated_parameters)
            _fig_write(out, "interlayer_sweep", plot.sweep_figure(sw, p.thickness, f"{p.name}", calibrated=p.calibrated_parameters), files)
    if args.map:
        from lisse.cli.common import executor_kwargs

        with bar(30, "current x capacity map") as b:
            m1 = sweeps.map_current_capacity(p, sweeps.current_grid(i_lo, i_hi, 30), sweeps.default_map_capacities(), progress=progress_callback(b))
        with bar(None, "conductivity map") as b:
            m2 = sweeps.map_conductivities(p, None, None, i, q, progress=progress_callback(b), **executor_kwargs(args))
        result["map_current_capacity_stable_fraction"] = float(np.mean(m1["stable"]))
        result["map_conductivity_stable_fraction"] = float(np.mean(m2["stable"]))
        if out is not None:
            _df_write(out, "interlayer_map_current_capacity", sweeps.current_capacity_map_table(m1, calibrated=p.calibrated_parameters), files, p.calibrated_parameters)
            _df_write(out, "interlayer_map_conductivity", sweeps.conductivity_map_table(m2, calibrated=p.calibrated_parameters), files, p.calibrated_parameters)
            _fig_write(out, "interlayer_map_current_capacity", plot.current_capacity_map_figure(m1, p.name, calibrated=p.calibrated_parameters), files)
            _fig_write(out, "interlayer_map_conductivity", plot.conductivity_map_figure(m2, f"verdict at {i / 10:g} mA/cm², {q / 3.6e4:g} mAh/cm²",
                                                                                          calibrated=p.calibrated_parameters), files)
    if args.critical_current or args.db:
        protocol = args.protocol or ("fixed-time" if t is not None else "fixed-capacity")
        step = {"time": t if t is not None else q / i} if protocol == "fixed-time" else {"capacity": q}
        with bar(None, "critical current") as b:
            cc = sweeps.critical_current(p, i_min=i_lo, i_max=i_hi, progress=progress_callback(b), **step)
        result["critical_current"] = {**cc.as_dict(), "calibrated_parameters": p.calibrated_parameters}
        result["search_limit_reached"] = bool(cc.search_limit_reached)  # also at the top: no failure up to --i-max is not a CCD
    if args.db:
        from lisse.io.resultsdb import ResultsDB
        from lisse.pipeline.stages.interlayer import critical_current_prediction

        row = critical_current_prediction(p, result["critical_current"], q, i_lo, i_hi, source="lisse interlayer", cell=args.cell)
        with ResultsDB(args.db) as db:
            cell = row.pop("cell")
            if cell is not None:
                row["cell_id"] = db.add_cell(cell)
            db.add_predictions([row])
        result["prediction_written"] = {"database": str(args.db), "quantity": "critical_current", "cell": args.cell}
    if args.two_d:
        from lisse.sim.interlayer.solver2d import Protrusion, convergence_study, solve_2d

        d = Protrusion()
        prot = Protrusion(
            d.height if args.protrusion_height is None else args.protrusion_height,
            d.base if args.protrusion_base is None else args.protrusion_base,
            d.width if args.protrusion_spacing is None else args.protrusion_spacing,
        )
        s2 = solve_2d(p, i, prot, nx=args.nx)
        m = s2.metrics
        result["two_d"] = {"nx": args.nx, "ny": int(s2.y.size), "tip_flux_ratio": m["tip_flux_ratio"], "tip_flux_over_applied": m["tip_flux_over_applied"],
                           "surface_plating_fraction": m["surface_fraction"], "internal_plating_fraction": m["internal_fraction"],
                           "deposition_centroid_um": m["deposition_centroid"] * 1e6, "nucleating_area_fraction": m["nucleating_fraction"],
                           "overpotential_electrolyte_mV": m["eta_electrolyte"] * 1e3, "current_balance_error": m["current_balance_error"]}
        if args.convergence:
            with bar(3, "2D grid convergence") as b:
                rows = convergence_study(p, i, prot, levels=(45, 90, 180), progress=progress_callback(b))
            result["two_d"]["convergence"] = [{"nx": r["nx"], "ny": r["ny"], "tip_flux_ratio": r["tip_flux_ratio"], "surface_plating_fraction": r["surface_fraction"],
                                               "overpotential_electrolyte_mV": r["eta_electrolyte"] * 1e3, "relative_change": r["rel_change"]} for r in rows]
        if out is not None:
            _fig_write(out, "interlayer_2d_fields", plot.field_figure(s2, p.critical_overpotential, p.name, calibrated=p.calibrated_parameters), files)
            X, Y = np.meshgrid(s2.x, s2.y, indexing="ij")
            _df_write(out, "interlayer_2d_fields", {"x_um": X.ravel() * 1e6, "y_um": Y.ravel() * 1e6, "li": s2.li.ravel(), "eta_mV": s2.eta.ravel() * 1e3,
                                                    "deposition_rate_A_m3": s2.deposition_rate.ravel(), "nucleation_rate_per_m3_s": s2.nucleation_rate.ravel()}, files, p.calibrated_parameters)
            if args.convergence:
                _df_write(out, "interlayer_2d_convergence", {k: [r[k] for r in rows] for k in rows[0]}, files, p.calibrated_parameters)
    if args.spike_currents or args.spike_heights:
        if not (args.spike_currents and args.spike_heights):
            raise ParameterError("give both '--spike-currents' (mA/cm2) and '--spike-heights' (mV)")
        from lisse.sim.interlayer.fit import fit_spike_coefficient

        ic = _list(args.spike_currents, "mA/cm2", "--spike-currents")
        vs = _list(args.spike_heights, "mV", "--spike-heights")
        fit = fit_spike_coefficient(p, ic, vs, capacity=q if args.capacity is not None else None, time=t if t is not None else 3600.0)
        result["spike_fit"] = fit.as_dict()
        if out is not None:
            _fig_write(out, "interlayer_spike_fit", plot.fit_figure(fit, calibrated=p.calibrated_parameters), files)
    if out is not None:
        from lisse.io.outputs import mark_output_files

        mark_output_files(out, files)
        result["files"] = files
    return result


def _verdict(result) -> str:
    """The 1D verdict in words; an ionic layer's "stable" says what it cannot see (its failure is tip growth)."""
    if not result["stable"]:
        return "UNSTABLE: " + result["failure_mode"]
    if result.get("tip_growth_risk"):
        return "stable by the 1D criterion l_n <= l_g < l_i only (see the warning: an ionic layer fails by tip growth)"
    return "stable"


def render(result) -> str:
    lines = [
        f"interlayer {result['preset']} at {fmt(result['current_density_mA_cm2'])} mA/cm2, {fmt(result['capacity_mAh_cm2'])} mAh/cm2",
        f"  regime               {result['regime']} (sigma_e/sigma_ion = {fmt(result['conductivity_ratio'], 3)})",
        f"  nucleation length    {fmt(result['nucleation_length_um'], 3)} um   (eta_c = {result['critical_overpotential_mV']:.0f} mV)",
        f"  growth length        {fmt(result['growth_length_um'], 3)} um",
        f"  interlayer thickness {fmt(result['interlayer_thickness_um'], 3)} um",
        f"  verdict              {_verdict(result)}",
        *_calibration_lines(result),
        f"  overpotential        anode side {result['overpotential_anode_mV']:.1f} mV, electrolyte side {result['overpotential_electrolyte_mV']:.1f} mV",
        f"  plating on Li anode  {result['anode_plating_fraction']:.1%} of the current",
    ]
    if result.get("tip_growth_risk"):
        lines.append("  note: ionic regime - Li grows from the anode surface and protrusion tips (see --two-d); the 1D verdict cannot see tips")
    if "critical_current" in result:
        c = result["critical_current"]
        from lisse.sim.interlayer.sweeps import describe_critical_current

        lines.append(f"  critical current     {describe_critical_current(c)}")
        if c.get("calibrated_parameters"):
            lines.append(f"                       (with calibrated {', '.join(c['calibrated_parameters'])}: see above)")
    if "two_d" in result:
        d = result["two_d"]
        lines.append(f"  2D                   tip/flat plating {fmt(d['tip_flux_ratio'], 3)}, internal {d['internal_plating_fraction']:.1%}, "
                     f"nucleating area {d['nucleating_area_fraction']:.1%}")
    if "spike_fit" in result:
        lines.append(f"  fit l_n = C V_sp/i   C = {fmt(result['spike_fit']['coefficient_S_cm'], 3)} S/cm (R2 = {result['spike_fit']['r_squared']:.3f})")
    for w in result.get("warnings", []):
        lines.append(f"  warning: {w}")
    for f in result.get("files", []):
        lines.append(f"  wrote {f}")
    if "prediction_written" in result:
        w = result["prediction_written"]
        lines.append(f"  wrote the predicted critical current to {w['database']} (predictions table)")
    return "\n".join(lines)


def _calibration_lines(result) -> list[str]:
    """Text lines naming the calibrated parameters next to the verdict, grouped by the observation they were fitted to."""
    on = result.get("calibrated_on") or {}
    if not on:
        return ["  calibrated           none (every parameter measured, assumed or set by the user)"]
    groups: dict[str, list[str]] = {}
    for name, obs in on.items():
        groups.setdefault(obs, []).append(name)
    return [f"  calibrated           {', '.join(names)}: fitted to {obs}" for obs, names in groups.items()]
