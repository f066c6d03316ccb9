"""``lisse segregation``: does a phase X dispersed in Li segregate to the surface (gamma_X - gamma_X/Li < 0)?"""

from __future__ import annotations

NAME = "segregation"
HELP = "segregation criterion gamma_X - gamma_X/M < 0 with its driving force (from energies or the ML workflow)"
DESCRIPTION = (
    "Phase-separation criterion of Su et al. (2024): a phase X dispersed in a matrix M migrates to the free surface when "
    "gamma_X - gamma_X/M < 0. Give the two energies, or a phase name to compute them with the atomistic workflow "
    "(surface-energy thickness fit and the interface-energy strain fit, whose intercept is the true interface energy). "
    "--particle-radius gives the driving force per volume 3 (gamma_X/M - gamma_X)/r."
)
EXAMPLES = """  lisse segregation --surface-energy "0.30 J/m2" --interface-energy "0.45 J/m2" --particle-radius "50 nm" --json
  lisse segregation LiF --calculator chgnet --json        # ML workflow (slow: several relaxations)
"""


def add_arguments(parser) -> None:
    parser.add_argument("phase", nargs="?", help="phase X to evaluate with the atomistic workflow (e.g. LiF)")
    parser.add_argument("--surface-energy", help='gamma_X with unit')
    parser.add_argument("--interface-energy", help='gamma_X/M with unit')
    parser.add_argument("--particle-radius", help='particle radius with unit, e.g. "50 nm"')
    parser.add_argument("--calculator", default="chgnet")
    parser.add_argument("--cache-dir", default=None)


def run(args) -> dict:
    from lisse.errors import ParameterError
    from lisse.thermo.segregation import segregation
    from lisse.units import to_si

    r = to_si(args.particle_radius, "m", "particle_radius") if args.particle_radius else None
    if args.phase:
        from lisse.atomistic.workflows import segregation_workflow
        from lisse.io.atomistic_cache import JobCache, default_cache_dir

        return segregation_workflow(args.calculator, args.phase, particle_radius=r, cache=JobCache(args.cache_dir or default_cache_dir()))
    if not (args.surface_energy and args.interface_energy):
        raise ParameterError("give --surface-energy and --interface-energy, or a phase name for the atomistic workflow")
    res = segregation(to_si(args.surface_energy, "J/m^2", "surface_energy"), to_si(args.interface_energy, "J/m^2", "interface_energy"), r)
    return {"surface_energy_J_m2": res.surface_energy_J_m2, "interface_energy_J_m2": res.interface_energy_J_m2, "delta_gamma_J_m2": res.delta_gamma_J_m2,
            "driving_force_J_m2": res.driving_force_J_m2, "driving_force_per_volume_J_m3": res.driving_force_per_volume_J_m3,
            "segregates": res.segregates, "verdict": res.verdict}
