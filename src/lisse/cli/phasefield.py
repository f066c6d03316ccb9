"""``lisse phasefield``: phase-field simulation of Li plating into a porous layer (wetting pair, LNI–CNT interlayers)."""

from __future__ import annotations

from lisse.cli.common import fmt

NAME = "phasefield"
#: The presets of ``--preset`` (the lni-* ones are the three-phase electrodeposition runs).
PRESET_NAMES = ("lithiophilic", "lithiophobic", "lni-0.5cnt", "lni-5cnt", "lni-50cnt")
HELP = "phase-field simulation of Li plating into a porous (interlayer) layer"
DESCRIPTION = (
    "Simulates Li electrodeposition from a flat Li electrode into a porous layer of particles with the phase field of "
    "Wang et al., Nat. Energy 2024 [Wang2024] (double well, particle coupling, cross-gradient lithiophilicity) plated by "
    "Butler–Volmer reactions coupled to an ionic and an electronic potential, Li tied to the charge passed (Faraday) and a "
    "stack pressure. The lithiophilic/lithiophobic presets share the layer, the current, the plated capacity and the stack "
    "pressure (1 MPa); only the contact angle of Li on the particles differs (30° vs 140°); the JSON states the pore-entry "
    "regime (stack + plating pressure vs the Young–Laplace entry pressure of the layer's throat) and the stack pressure above "
    "which Li enters. The lni-* presets "
    "plate Li into the three LNI–CNT interlayers of [Wang2024] (Li, interlayer solid with ionic and electronic conductivity, "
    "empty pores, dense electrolyte) at one current, capacity and pressure. "
    "With --out it writes PNG snapshots, front.csv (front position and penetration depth vs time), an animated GIF and a "
    "restartable checkpoint.npz into that folder (--resume continues an interrupted run); without --out it only computes and "
    "prints the result (no files: the JSON's files_written is empty and its note says so). The JSON reports the penetration depth, "
    "the RMS roughness of the Li front, the fraction of the newly plated Li within a band next to the electrolyte face "
    "and the Li inventory error against Faraday's law (see lisse.sim.phasefield.metrics). --sweep instead runs the "
    "penetration-depth-vs-contact-angle sweep in straight slits and compares the transition with the "
    "Young–Laplace estimate."
)
EXAMPLES = """  lisse phasefield --preset lithiophilic --out runs/philic --json
  lisse phasefield --preset lni-5cnt --json                                        # compute and print only (no files)
  lisse phasefield --preset lni-5cnt --out runs/mixed --json                       # mixed-conducting LNI–5 % CNT
  lisse phasefield --preset lithiophobic --out runs/phobic
  lisse phasefield --preset lithiophobic --out runs/phobic --current "0.1 mA/cm2"   # push Li in
  lisse phasefield --preset lithiophobic --out runs/phobic --resume                 # continue
  lisse phasefield --preset lithiophilic --out runs/lif --work-of-adhesion "0.53 J/m2"  # Li|LiF
  lisse phasefield --sweep --out runs/sweep --json
  lisse phasefield --sweep --angles 60,120,160 --out runs/sweep
  lisse phasefield --sweep --out runs/sweep --jobs 2                              # one process per core
  lisse phasefield --sweep --out runs/sweep --scheduler tcp://HOST:8786           # on a Dask cluster"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    parser.add_argument("--preset", choices=list(PRESET_NAMES),
                        help="ready-made run (required unless --sweep or --resume): the lithiophilic/lithiophobic pair (conserving "
                             "electrodeposition, one porous layer, contact angle differs) or the LNI–0.5/5/50 %% CNT interlayers of [Wang2024] (ionic, mixed, electronic)")
    parser.add_argument("--out", default=None,
                        help="output folder (created) for the checkpoint, front.csv, figures and animation; without it the run "
                             "is computed and printed only (nothing written, nothing to --resume)")
    parser.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.npz (needs --out)")
    parser.add_argument("--overwrite", action="store_true",
                        help="start a new run even though OUT/checkpoint.npz exists (its checkpoint, CSV and figures are replaced); "
                             "without it a new run refuses to replace a checkpoint")
    add_quantity(parser, "--contact-angle", "deg", "override the Li contact angle on the particles, e.g. '110 deg'")
    add_quantity(parser, "--work-of-adhesion", "J/m2", "instead of --contact-angle: W_ad of Li on the particles, e.g. '0.53 J/m2' (Young–Dupré)")
    parser.add_argument("--angles", help="contact angles of --sweep, comma separated (bare numbers: deg; default 60,90,...,160)")
    add_quantity(parser, "--li-surface-energy", "J/m2", "Li surface energy sigma_Li, e.g. '0.46 J/m2' (default 0.4245 J/m2, "
                                                        "CALIBRATED on Ji2025's Li|Li2CO3 pair and then listed in "
                                                        "calibrated_parameters; also converts --work-of-adhesion)")
    add_quantity(parser, "--current", "mA/cm2", "plating current density, e.g. '0.02 mA/cm2' (preset default)")
    add_quantity(parser, "--exchange-current", "mA/cm2", "exchange current density i0, e.g. '1 mA/cm2'")
    add_quantity(parser, "--plated", "um", "plated planar-equivalent Li thickness, e.g. '0.4 um'")
    parser.add_argument("--grid", type=int, help="grid cells per side (default 128; dx = 1.28 um / grid, interface width 1.5 dx)")
    parser.add_argument("--frames", type=int, help="records (CSV rows, animation frames); default 24")
    parser.add_argument("--seed", type=int, help="random seed of the particle layer (default 1)")
    parser.add_argument("--backend", choices=("numpy", "jax", "cupy"),
                        help="array backend of the phase-field update (default numpy; jax/cupy need the optional extra 'gpu'; "
                             "the potential solve stays on the CPU; results agree to round-off)")
    parser.add_argument("--max-steps", type=int, help="stop after this many time steps (leaves a checkpoint to --resume)")
    parser.add_argument("--no-animation", action="store_true", help="skip the GIF")
    parser.add_argument("--sweep", action="store_true", help="penetration depth vs contact angle in slits, with the Young–Laplace transition")
    from lisse.cli.common import add_executor_options

    add_executor_options(parser, "slit runs of --sweep (one per angle)")


def _angle(theta_rad: float) -> float:
    """An SI contact angle from the command line, checked and returned in degrees."""
    import math

    from lisse.errors import ParameterError

    v = math.degrees(theta_rad)
    if not 0.0 <= v <= 180.0:
        raise ParameterError(f"--contact-angle must be between 0 and 180 deg; got {v:g} deg")
    return v


def _settings(args) -> dict:
    from lisse.errors import ParameterError
    from lisse.sim.phasefield.presets import run_settings

    if args.preset is None:
        raise ParameterError(f"--preset {'|'.join(PRESET_NAMES)} is required (or use --sweep / --resume)")
    if args.contact_angle is not None and args.work_of_adhesion is not None:
        raise ParameterError("give --contact-angle or --work-of-adhesion, not both")
    from lisse.sim.phasefield.electrodeposition import MIN_CURRENT_DENSITY

    if args.current is not None and 0 < args.current < MIN_CURRENT_DENSITY:  # named as typed, before any folder is made
        from decimal import Decimal  # (a subnormal current divided by 10 would underflow to 0 in the message)

        mantissa, _, exponent = f"{Decimal(args.current) / 10:.3g}".partition("e")
        got = (mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa) + (f"e{exponent}" if exponent else "")
        raise ParameterError(f"--current: expected a plating current of at least {MIN_CURRENT_DENSITY / 10:g} mA/cm2; got "
                             f"{got} mA/cm2")

    return run_settings(args.preset, args.grid,
                        contact_angle_deg=None if args.contact_angle is None else _angle(args.contact_angle),
                        work_of_adhesion=args.work_of_adhesion, current_density=args.current,
                        exchange_current_density=args.exchange_current, plated_thickness=args.plated,
                        frames=args.frames, seed=args.seed, backend=args.backend, li_surface_energy=args.li_surface_energy)


def _run_sweep(args) -> dict:

    from lisse.io.outputs import atomic_write_text, claim_output_folder, mark_output_files, save_figure
    from lisse.plot.phasefield import sweep_figure
    from lisse.sim.phasefield.presets import transition_sweep

    out = None if args.out is None else claim_output_folder(args.out, overwrite=args.overwrite, outputs=("sweep.csv", "sweep.png"))
    angles = [60.0, 90.0, 100.0, 110.0, 115.0, 120.0, 125.0, 130.0, 140.0, 160.0]
    if args.angles:
        from lisse.cli.common import quantity

        angles = [_angle(quantity("deg", "--angles")(a)) for a in str(args.angles).split(",") if a.strip()]
    from lisse.cli.common import executor_kwargs, progress_bar_for
    from lisse.io.progress import progress_callback

    with progress_bar_for(args, len(angles), "lisse phasefield: sweep", unit="run", leave=True) as bar:
        sw = transition_sweep(angles, progress=progress_callback(bar), **executor_kwargs(args))
    files: dict = {}
    if out is not None:
        from lisse.params import CALIBRATED_COLUMN, calibrated_label
        from lisse.plot.style import calibrated_note

        label = calibrated_label(sw["calibrated_parameters"])
        lines = [f"contact_angle_deg,penetration_depth_um,{CALIBRATED_COLUMN}"] + [
            f"{a:g},{p * 1e6:.6g},{label}" for a, p in zip(sw["angles_deg"], sw["penetration_m"])]
        atomic_write_text(out / "sweep.csv", "\n".join(lines) + "\n")
        fig = sweep_figure(sw)
        calibrated_note(fig, sw["calibrated_parameters"])
        save_figure(fig, out / "sweep.png")
        mark_output_files(out, [out / "sweep.csv", out / "sweep.png"])
        files = {"csv": str(out / "sweep.csv"), "plot": str(out / "sweep.png")}
    return {
        "mode": "sweep",
        "contact_angle_deg": sw["angles_deg"],
        "penetration_depth_um": [p * 1e6 for p in sw["penetration_m"]],
        "pore_width_um": sw["pore_width_m"] * 1e6,
        "driving_force_MPa": sw["driving_force_Pa"] * 1e-6,
        "overpotential_mV": sw["overpotential_V"] * 1e3,
        "theta_c_sim_deg": sw["theta_c_sim_deg"],
        "theta_c_young_laplace_deg": sw["theta_c_young_laplace_deg"],
        # name -> observation, as in a run's JSON; sigma_Li sets the sweep's driving force (fixed: the sweep is a method check)
        "li_surface_energy_J_m2": sw["li_surface_energy"], "calibrated_parameters": dict(sw["calibrated_on"]),
        "files": files,
        **_files_written(files),
    }


def _files_written(files: dict) -> dict:
    """``files_written`` (every path written, flat) and, when nothing was written (no --out), a ``note`` saying so."""
    written = [f for v in files.values() for f in (v if isinstance(v, list) else [v])]
    out: dict = {"files_written": written}
    if not written:
        out["note"] = NO_OUT_NOTE
    return out


#: The JSON note of a run without --out.
NO_OUT_NOTE = ("no --out: nothing was written (the checkpoint, front.csv/sweep.csv, the figures and the animation need an "
               "output folder; give --out DIR to keep them)")


def run(args) -> dict:
    import math
    import time
    from pathlib import Path
    from typing import Any

    import numpy as np

    from lisse.errors import ParameterError, ReaderError
    from lisse.io.outputs import claim_output_folder, mark_output_files
    from lisse.io.phasefield import (
        REQUIRED_SETTINGS,
        load_checkpoint,
        refuse_existing_checkpoint,
        save_checkpoint,
        write_history_csv,
    )

    if args.max_steps is not None and args.max_steps < 0:
        raise ParameterError(f"--max-steps must be >= 0; got {args.max_steps}")
    if args.out is None:  # compute and print only: nothing to continue, nothing to replace
        for flag, given in (("--resume", args.resume), ("--overwrite", args.overwrite)):
            if given:
                raise ParameterError(f"{flag}: expected an --out folder to act on (OUT/checkpoint.npz); got no --out")
    if args.sweep:
        ignored = [f"--{k.replace('_', '-')}" for k in ("preset", "contact_angle", "work_of_adhesion", "current", "exchange_current",
                                                       "plated", "grid", "frames", "seed", "max_steps", "li_surface_energy")
                   if getattr(args, k, None) is not None] + (["--resume"] if args.resume else [])
        if ignored:
            raise ParameterError(f"--sweep runs its own slit geometry and takes only --angles; drop {', '.join(ignored)}")
        if args.angles is not None and not str(args.angles).replace(",", "").strip():
            raise ParameterError(f"--angles expects comma-separated contact angles, e.g. '60,120,160'; got {args.angles!r}")
        return _run_sweep(args)
    if args.angles is not None:
        raise ParameterError("--angles belongs to --sweep; add --sweep or drop --angles")
    t_wall = time.perf_counter()
    out = None if args.out is None else Path(args.out)
    ckpt = None if out is None else out / "checkpoint.npz"
    from lisse.sim.phasefield.geometry import Layer
    from lisse.sim.phasefield.presets import setup_run
    from lisse.sim.phasefield.solver import front_metrics

    _RUN_KEYS = ("t_end_s", "layer_bottom_m", "layer_top_m", "layer_porosity", "layer_pore_size_m")

    if args.resume:
        given = [f"--{k.replace('_', '-')}" for k in ("contact_angle", "work_of_adhesion", "current", "exchange_current",
                                                       "plated", "grid", "frames", "seed", "li_surface_energy")
                 if getattr(args, k) is not None]
        if given:
            raise ParameterError(f"--resume takes its settings from the checkpoint; drop {', '.join(given)}")
        if args.overwrite:
            raise ParameterError("give --resume (continue the checkpoint) or --overwrite (start over), not both")
        data = load_checkpoint(Path(args.out) / "checkpoint.npz", REQUIRED_SETTINGS)
        settings = data["settings"]
        if args.preset is not None and args.preset != settings.get("preset"):
            raise ParameterError(f"--preset {args.preset} does not match the checkpoint's preset {settings.get('preset')!r}")
        # the run writes beside the user's files and never replaces one, an output the user edited since included
        folder = claim_output_folder(args.out, overwrite=True, outputs=_run_outputs(int(settings["frames"])))
        mark_output_files(folder, [folder / "checkpoint.npz"], settled=False)  # the checkpoint --resume was given: continued
        micro = None
        solver: Any
        if data["state"].get("kind") == "electrodeposition":
            # the microstructure is seeded: rebuilding it from the stored settings gives the same one
            from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver

            try:  # a hand-edited checkpoint is the file's problem: name it
                setup = setup_run({k: v for k, v in settings.items() if k not in _RUN_KEYS})
                micro, layer = getattr(setup, "micro", None), setup.layer
                solver = ElectrodepositionSolver.from_state(micro, data["state"], backend=args.backend or settings.get("backend", "numpy"))
            except ParameterError as e:
                raise ReaderError(f"{ckpt}: {e}") from None
        else:
            from lisse.sim.phasefield.solver import PhaseFieldSolver

            solver = PhaseFieldSolver.from_state(data["state"], backend=args.backend or settings.get("backend", "numpy"))
            layer = Layer(solver.phi_g, solver.dx, settings["layer_bottom_m"], settings["layer_top_m"],
                          settings["layer_porosity"], settings["layer_pore_size_m"], "particles")
        t_end = float(settings["t_end_s"])
        history = list(data["history"])
        frames = list(np.asarray(data["frames"])) if data["frames"] is not None else []
        times = list(data["frame_times"])
    else:
        settings = _settings(args)
        if out is not None:  # a refused folder costs nothing (checked before the setup, made after it)
            refuse_existing_checkpoint(out / "checkpoint.npz", overwrite=args.overwrite)
            claim_output_folder(out, overwrite=args.overwrite, create=False)
        setup = setup_run(settings)  # every setting checked before the --out folder is made
        if out is not None:
            claim_output_folder(out, overwrite=args.overwrite, outputs=_run_outputs(int(settings["frames"])))
            if ckpt is not None and ckpt.exists():  # --overwrite was given to start a new run over it: lisse may replace it
                mark_output_files(out, [ckpt], settled=False)
        solver, layer, t_end = setup.solver, setup.layer, setup.t_end
        settings.update({"t_end_s": t_end, "layer_bottom_m": layer.y_bottom, "layer_top_m": layer.y_top,
                         "layer_porosity": layer.porosity, "layer_pore_size_m": layer.pore_size,
                         "shape": list(settings["shape"])})
        history, frames, times = [], [], []
        micro = getattr(setup, "micro", None)
    n_rec = int(settings["frames"])
    zeta0: list = [np.asarray(frames[0], dtype=float)] if frames else []

    def record() -> dict:
        if not zeta0:
            zeta0.append(np.array(solver.zeta, dtype=float))
        m = front_metrics(solver.zeta, layer.phi_g, layer.dx, layer.y_bottom, layer.y_top)
        im = _interface_metrics(solver, layer, settings, zeta0[0])
        history.append({"step": solver.step_count, "time_s": solver.t, "front_mean_um": m["front_mean_m"] * 1e6,
                        "tip_um": m["tip_m"] * 1e6, "penetration_depth_um": m["penetration_m"] * 1e6,
                        "li_thickness_um": m["li_thickness_m"] * 1e6, "pore_fill": m["pore_fill"],
                        "front_roughness_um": im["front_roughness_m"] * 1e6,
                        "fraction_deposited_at_electrolyte": im["fraction_deposited_at_electrolyte"],
                        "li_inventory_error_rel": im["li_inventory_error_rel"]})
        frames.append(solver.zeta.astype(np.float32))
        times.append(solver.t)
        return im

    marked: list = []

    def checkpoint() -> None:
        if ckpt is None:  # no --out: nothing to resume from
            return
        save_checkpoint(ckpt, solver.state(), settings=settings, history=history, frames=np.asarray(frames), frame_times=times)
        if out is not None and not marked:  # marked at once: a run killed before its end leaves lisse's own checkpoint
            mark_output_files(out, [ckpt], settled=False)  # rewritten at every record: no digest
            marked.append(ckpt)

    if not history:
        record()
        checkpoint()
    completed = True
    from lisse.cli.common import progress_bar_for

    bar = progress_bar_for(args, n_rec, f"lisse phasefield: {settings.get('preset')}", unit="frame", leave=True)
    bar.update(len(history) - 1)
    for k in range(len(history), n_rec + 1):
        t_k = t_end * k / n_rec
        if args.max_steps is not None:
            if getattr(solver, "kind", None) == "electrodeposition":  # same steps as run_until: the resume is exact
                solver.run_until(t_k, max_steps=args.max_steps)
            while solver.t < t_k * (1 - 1e-12) and solver.step_count < args.max_steps:
                solver.step(1)
            if solver.t < t_k * (1 - 1e-12):
                completed = False
                checkpoint()
                break
        else:
            solver.run_until(t_k)
        record()
        checkpoint()
        bar.update(1)
    bar.close()
    files: dict = {}
    if out is not None:
        files = {"checkpoint": str(ckpt), "csv": str(out / "front.csv")}
        calibrated = getattr(solver, "calibrated_parameters", {})  # electrodeposition presets: fitted to an observation
        write_history_csv(out / "front.csv", history, calibrated)
        if completed:
            files.update(_write_figures(out, settings, layer, frames, times, history, animate=not args.no_animation, micro=micro,
                                        calibrated=calibrated))
        mark_output_files(out, [f for k, v in files.items() if k != "checkpoint" for f in (v if isinstance(v, list) else [v])])
    last = history[-1]
    im = _interface_metrics(solver, layer, settings, zeta0[0])
    c = getattr(solver, "c", None)
    result = {
        "preset": settings.get("preset"),
        "completed": completed,
        "penetration_depth_um": last["penetration_depth_um"],
        "front_roughness_um": im["front_roughness_m"] * 1e6,
        "fraction_deposited_at_electrolyte": im["fraction_deposited_at_electrolyte"],
        "li_inventory_error_rel": im["li_inventory_error_rel"],
        "deposit_roughness_um": im.get("deposit_roughness_m", float("nan")) * 1e6,
        "electrolyte_band_um": im["electrolyte_band_m"] * 1e6,
        "penetration_any_um": im["penetration_any_m"] * 1e6,
        "li_plated_um": im["li_gained_m"] * 1e6,
        "li_faraday_um": im["li_faraday_m"] * 1e6,
        # Li exchanged with the anode bulk below the domain (creep in / push back; electrodeposition runs), so that
        # li_plated_um = li_faraday_um + reservoir_inflow_um up to li_inventory_error_rel
        "reservoir_inflow_um": float(im.get("li_inflow_m", 0.0)) * 1e6,
        "front_mean_um": last["front_mean_um"],
        "tip_um": last["tip_um"],
        "li_thickness_um": last["li_thickness_um"],
        "pore_fill": last["pore_fill"],
        "layer_bottom_um": layer.y_bottom * 1e6,
        "layer_porosity": layer.porosity,
        "pore_size_um": layer.pore_size * 1e6,
        "contact_angle_deg": c.contact_angle_deg if c is not None else settings.get("contact_angle_deg"),
        "li_surface_energy_J_m2": _li_surface_energy(solver),
        "current_density_mA_cm2": settings["current_density"] * 0.1,
        "overpotential_mV": c.eta * 1e3 if c is not None else im.get("overpotential_V", float("nan")) * 1e3,
        "driving_force_MPa": c.driving_force * 1e-6 if c is not None else im.get("driving_force_Pa", float("nan")) * 1e-6,
        "time_s": solver.t,
        "end_time_s": t_end,
        "steps": solver.step_count,
        "dt_s": solver.dt,
        "potential_solver": solver.potential_solver,
        "wall_time_s": time.perf_counter() - t_wall,
        "files": files,
        **_files_written(files),
    }
    if getattr(solver, "kind", None) == "electrodeposition":  # its overpotential varies in space: no single η / Δg
        result.pop("overpotential_mV")
        result.pop("driving_force_MPa")
    for key in ("focusing_factor", "calibrated_parameters"):  # electrodeposition runs: state them (no circular validation)
        if key in im:
            result[key] = im[key]
    if "penetration_regime" in im:  # pore entry: driving pressure vs capillary entry pressure, and the regime boundary
        result["penetration_regime"] = im["penetration_regime"]
        result["stack_pressure_MPa"] = float(getattr(solver, "pressure", 0.0)) * 1e-6
        for key in ("entry_pressure", "driving_pressure", "critical_stack_pressure"):
            v = float(im[f"{key}_Pa"])
            result[f"{key}_MPa"] = v * 1e-6 if math.isfinite(v) else None
        result["entry_width_um"] = float(im["entry_width_m"]) * 1e6
        result["penetration_regime_source"] = ("Young-Laplace criterion at the layer's breakthrough throat (driving vs entry "
                                               "pressure): a prediction from the pressures, not read from the field")
    from lisse.sim.phasefield.metrics import regime_warnings

    result["warnings"] = regime_warnings(result.get("penetration_regime"), im["penetration_any_m"], layer.pore_size,
                                         pore_fill=last["pore_fill"], entry_width=im.get("entry_width_m"))
    return result


def _li_surface_energy(solver) -> float | None:
    """The Li surface energy [J/m2] the run used (the electrodeposition model's parameter, or the Allen–Cahn coefficients')."""
    p = getattr(solver, "p", None)
    if isinstance(p, dict) and "li_surface_energy" in p:
        return float(p["li_surface_energy"])
    sigma = getattr(getattr(solver, "c", None), "surface_energy", None)
    return None if sigma is None else float(sigma)


def _interface_metrics(solver, layer, settings: dict, zeta0) -> dict:
    from lisse.sim.phasefield.metrics import run_metrics

    return run_metrics(solver, zeta0, layer_bottom=layer.y_bottom, layer_top=layer.y_top, current_density=settings["current_density"])


def _snapshot_frames(n: int) -> list[int]:
    """Indices of the frames drawn as snapshots (``snapshots/zeta_IIII.png``) of a run with ``n`` frames."""
    return sorted({0, n // 3, (2 * n) // 3, n - 1})


def _run_outputs(records: int) -> tuple[str, ...]:
    """Every file a run of ``records`` records writes besides its checkpoint (claimed before the run: a user's file of
    one of these names refuses the folder at once, not after the simulation)."""
    snaps = tuple(f"snapshots/zeta_{i:04d}.png" for i in _snapshot_frames(records + 1))  # the initial frame and one per record
    return ("front.csv", "front.png", "animation.gif", *snaps)


def _write_figures(out, settings, layer, frames, times, history, animate: bool, micro=None, calibrated=None) -> dict:
    from lisse.io.outputs import save_figure
    from lisse.plot.phasefield import comparison_animation, history_figure, microstructure_figure, save_animation, snapshot_figure
    from lisse.plot.style import calibrated_note

    files: dict = {"snapshots": []}
    angle = settings.get("contact_angle_deg")
    title = f"{settings.get('preset', '')} θ={angle:g}°" if isinstance(angle, (int, float)) else str(settings.get("preset", ""))
    for i in _snapshot_frames(len(frames)):
        if micro is not None:  # the three phases: Li, solid (and fibres), empty pores, electrolyte
            fig = microstructure_figure(micro, zeta=frames[i], title=f"{title} t = {times[i]:.4g} s")
        else:
            fig = snapshot_figure(frames[i], layer.phi_g, layer.dx, times[i], title=title, y_bottom=layer.y_bottom)
        calibrated_note(fig, calibrated)
        p = out / "snapshots" / f"zeta_{i:04d}.png"
        save_figure(fig, p)
        files["snapshots"].append(str(p))
    fig = history_figure(history, title=title)
    calibrated_note(fig, calibrated)
    save_figure(fig, out / "front.png")
    files["front_plot"] = str(out / "front.png")
    if animate and micro is not None:
        run = {"label": title, "frames": frames, "times": times, "solid": micro.solid, "dx": micro.dx, "electrolyte": micro.electrolyte,
               "electronic": micro.electronic, "layer_bottom": micro.layer_bottom, "layer_top": micro.layer_top}
        files["animation"] = str(comparison_animation([run], out / "animation.gif", calibrated=calibrated))
    elif animate:
        files["animation"] = str(save_animation(frames, times, layer.phi_g, layer.dx, out / "animation.gif",
                                                y_bottom=layer.y_bottom, title=title, calibrated=calibrated))
    return files


def render(result) -> str:
    if result.get("mode") == "sweep":
        rows = "\n".join(f"  θ = {a:5.1f}°  penetration {p:.3f} µm" for a, p in zip(result["contact_angle_deg"], result["penetration_depth_um"]))
        return (f"Penetration into {result['pore_width_um'] * 1e3:.0f} nm slits at Δg = {result['driving_force_MPa']:.2f} MPa\n{rows}\n"
                f"transition: simulation {result['theta_c_sim_deg']:.1f}°, Young–Laplace {result['theta_c_young_laplace_deg']:.1f}°"
                + ("" if result["files"] else "\nfiles: none written (no --out)"))
    resumable = bool(result["files"])
    state = "finished" if result["completed"] else f"stopped early ({'resume with --resume' if resumable else 'no --out: nothing to resume'})"
    eta = f"η = {result['overpotential_mV']:.3f} mV" if "overpotential_mV" in result else "η varies along the interface"
    return (f"{result['preset']} (θ = {fmt(result['contact_angle_deg'])}°), {state} at t = {fmt(result['time_s'], 4)} s, "
            f"{result['steps']} steps, {result['wall_time_s']:.1f} s wall\n"
            f"  penetration depth beyond the layer boundary: {result['penetration_depth_um']:.3f} µm\n"
            f"  front roughness (RMS) {fmt(result['front_roughness_um'], 3)} µm, fraction of the new Li within "
            f"{fmt(result['electrolyte_band_um'], 3)} µm of the electrolyte face {fmt(result['fraction_deposited_at_electrolyte'], 3)}, "
            f"Li inventory error {fmt(result['li_inventory_error_rel'], 3)} (vs Faraday)\n"
            f"  mean front {result['front_mean_um']:.3f} µm, pore fill {result['pore_fill']:.2f}, "
            f"{eta}\n{_regime_line(result)}" + "".join(f"  warning: {w}\n" for w in result.get("warnings", []))
            + f"  files: {result['files'].get('csv') if resumable else 'none written (no --out)'}")


def _regime_line(result) -> str:
    if "penetration_regime" not in result:
        return ""
    crit = result.get("critical_stack_pressure_MPa")
    return (f"  pore entry: {result['penetration_regime']} (driving {fmt(result['driving_pressure_MPa'], 3)} MPa = stack "
            f"{fmt(result['stack_pressure_MPa'], 3)} MPa + plating; entry pressure {fmt(result['entry_pressure_MPa'], 3)} MPa at the "
            f"{fmt(result['entry_width_um'] * 1e3, 3)} nm throat; Li enters above a stack pressure of "
            f"{fmt(crit, 3) if crit is not None else 'none'} MPa)\n")
