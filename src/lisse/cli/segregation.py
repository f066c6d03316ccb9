"""``lisse segregation``: does a phase X dispersed in Li segregate to the surface (gamma_X - gamma_X/Li < 0)?"""

from __future__ import annotations

NAME = "segregation"
HELP = "segregation criterion gamma_X - gamma_X/M < 0 with its driving force (from energies or the ML workflow)"
DESCRIPTION = (
    "Phase-separation criterion of Su et al. (2024): a phase X dispersed in a matrix M migrates to the free surface when "
    "gamma_X - gamma_X/M < 0. Give the two energies, or a phase name to compute them with the atomistic workflow "
    "(surface-energy thickness fit and the interface-energy strain fit, whose intercept is the true interface energy). "
    "--particle-radius gives the driving force per volume 3 (gamma_X - gamma_X/M)/r (negative: segregates)."
)
EXAMPLES = """  lisse segregation --surface-energy "0.30 J/m2" --interface-energy "0.45 J/m2" --particle-radius "50 nm" --json
  lisse segregation LiF --calculator chgnet --json        # ML workflow (slow: several relaxations)
  lisse segregation LiF --calculator gpaw --level screening --json   # DFT (GPAW; hours; cached, resumes)
"""


def add_arguments(parser) -> None:
    parser.add_argument("phase", nargs="?", help="phase X to evaluate with the atomistic workflow: a library name (e.g. LiF) or a structure file "
                        "(CIF or any format ASE reads, ordered cells only)")
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--surface-energy", "J/m2", "surface energy gamma_X of the phase, e.g. '0.5 J/m2'")
    add_quantity(parser, "--interface-energy", "J/m2", "interface energy gamma_X/M against Li, e.g. '0.3 J/m2'")
    add_quantity(parser, "--particle-radius", "nm", 'particle radius, e.g. "50 nm"')
    parser.add_argument("--calculator", default="chgnet", help="calculator of the workflow: chgnet (default), chgnet:r2scan, sevennet (ML), gpaw (DFT, plane waves) or cp2k (DFT, Gaussian basis; Debian cp2k)")
    from lisse.cli.wetting import add_dft_arguments

    add_dft_arguments(parser)
    parser.add_argument("--cache-dir", default=None, help="job cache folder (default $LISSE_CACHE or ~/.cache/lisse); every job is cached, so a rerun resumes")


def run(args) -> dict:
    from lisse.errors import ParameterError
    from lisse.thermo.segregation import segregation

    r = args.particle_radius
    if args.phase and (args.surface_energy is not None or args.interface_energy is not None):
        # as lisse wetting: a given energy would otherwise be silently replaced by the workflow's
        raise ParameterError("give either a phase (lisse segregation X) or --surface-energy/--interface-energy, not both")
    if args.phase:
        from lisse.atomistic.workflows import segregation_workflow
        from lisse.cli.common import progress_bar_for
        from lisse.cli.wetting import job_cache

        with progress_bar_for(args, None, "lisse segregation", unit="job", leave=True) as bar:
            def on_job(job):  # a job finished: advance the bar (a terminal only; nothing under --json)
                bar.set_postfix_str(f"{job.name}{' [cached]' if job.cached else ''}", refresh=False)
                bar.update(1)

            from lisse.cli.wetting import make_calculator

            return segregation_workflow(make_calculator(args), args.phase, particle_radius=r, cache=job_cache(args),
                                        on_job=on_job, prerelax=args.prerelax, prerelax_steps=args.prerelax_steps)
    if args.surface_energy is None or args.interface_energy is None:
        raise ParameterError("give --surface-energy and --interface-energy, or a phase name for the atomistic workflow")
    # the analytic path runs no calculator: its options would be dropped without a word (review s40)
    for flag, val, default in (("--calculator", args.calculator, "chgnet"), ("--level", args.level, None),
                               ("--dispersion", args.dispersion, None), ("--cutoff", args.cutoff, None),
                               ("--relax-mode", args.relax_mode, None), ("--prerelax", args.prerelax, None),
                               ("--prerelax-steps", args.prerelax_steps, None),
                               ("--dft-log", args.dft_log, None)):
        if val != default:
            raise ParameterError(f"{flag}: applies to the atomistic workflow (lisse segregation X), not to "
                                 "--surface-energy/--interface-energy; got it with no phase")
    if args.cache_dir is not None and str(args.cache_dir).lower() != "none":
        raise ParameterError("--cache-dir: applies to the atomistic workflow (lisse segregation X); got it with no phase")
    res = segregation(args.surface_energy, args.interface_energy, r)
    return {"surface_energy_J_m2": res.surface_energy_J_m2, "interface_energy_J_m2": res.interface_energy_J_m2, "delta_gamma_J_m2": res.delta_gamma_J_m2,
            "driving_force_J_m2": res.driving_force_J_m2, "driving_force_per_volume_J_m3": res.driving_force_per_volume_J_m3,
            "segregates": res.segregates, "verdict": res.verdict}
