"""``lisse nucleation``: classical Li nucleation barrier, critical radius, rate and critical overpotential."""

from __future__ import annotations

NAME = "nucleation"
HELP = "classical nucleation of Li: barrier per nucleus, critical radius, k_het(theta), rate, critical overpotential"
DESCRIPTION = (
    "Classical nucleation of Li metal under an overpotential eta (Wang et al., Nat. Energy 2024 [Wang2024], with two corrections to the printed equation: 16 pi, "
    "and the barrier per nucleus divided by k_B T): r* = 2 gamma V_m/(z F eta), dG_hom = 16 pi gamma^3 V_m^2/(3 (zF eta)^2), "
    "k_het = (2 - 3cos theta + cos^3 theta)/4, J = J0 exp(-k_het dG_hom/(k_B T)). The contact angle comes from --contact-angle "
    "or from --work-of-adhesion via Young-Dupre. The critical overpotential is where J reaches --threshold-rate (state it)."
)
EXAMPLES = """  lisse nucleation --overpotential "20 mV" --surface-energy "0.42 J/m2" --contact-angle "142 deg" --json
  lisse nucleation --overpotential "5 mV" --work-of-adhesion "0.53 J/m2" --prefactor "1e30 1/m^3/s" --threshold-rate "1 1/m^3/s"
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--overpotential", "mV", 'plating overpotential eta, e.g. "20 mV"', required=True)
    add_quantity(parser, "--surface-energy", "J/m2", "gamma of the Li nucleus (default: lisse sigma_Li 0.4245 J/m2)")
    g = parser.add_mutually_exclusive_group()
    add_quantity(g, "--contact-angle", "deg", 'theta, e.g. "142 deg" (default 180 deg = homogeneous)')
    add_quantity(g, "--work-of-adhesion", "J/m2", 'W_ad, e.g. "0.09 J/m2" (theta via Young-Dupre)')
    add_quantity(parser, "--temperature", "K", "temperature (default 298.15 K)", default="298.15 K")
    add_quantity(parser, "--prefactor", "1/(m3 s)", 'kinetic prefactor J0 of the rate per volume and time, e.g. "1e30 1/(m3 s)" (needed for the rate)')
    add_quantity(parser, "--threshold-rate", "1/(m3 s)", "rate that defines the critical overpotential, e.g. '1e15 1/(m3 s)'")


def run(args) -> dict:
    import math

    from lisse.errors import ParameterError
    from lisse.thermo.nucleation import (
        barrier_coefficient,
        critical_overpotential,
        critical_radius,
        heterogeneous_factor,
        homogeneous_barrier,
        nucleation_barrier,
        nucleation_rate,
    )
    from lisse.thermo.wetting import (
        DEFAULT_LI_SURFACE_ENERGY,
        contact_angle,
        li_surface_energy_labels,
    )

    eta = args.overpotential
    gamma = DEFAULT_LI_SURFACE_ENERGY if args.surface_energy is None else args.surface_energy
    if args.work_of_adhesion is not None:
        theta = contact_angle(args.work_of_adhesion, gamma).contact_angle_deg
    elif args.contact_angle is not None:
        theta = math.degrees(args.contact_angle)
    else:
        theta = 180.0
    T = args.temperature
    k = heterogeneous_factor(theta)
    out = {
        "overpotential_mV": eta * 1e3, "surface_energy_J_m2": gamma, "contact_angle_deg": theta, "heterogeneous_factor": k,
        "critical_radius_nm": critical_radius(eta, gamma) * 1e9, "homogeneous_barrier_J": homogeneous_barrier(eta, gamma),
        "barrier_J": nucleation_barrier(eta, gamma, theta), "barrier_kT": barrier_coefficient(gamma, theta, T) / eta**2, "temperature_K": T,
    }
    if args.prefactor is not None:
        j0 = args.prefactor
        out["nucleation_rate_per_m3_s"] = nucleation_rate(eta, gamma, theta, j0, T)  # nuclei per m3 per s
        if args.threshold_rate is not None:
            jc = args.threshold_rate
            out["critical_overpotential_mV"] = critical_overpotential(gamma, theta, j0, jc, T) * 1e3
            out["threshold_rate_per_m3_s"] = jc
    elif args.threshold_rate is not None:
        raise ParameterError("--threshold-rate needs --prefactor (J0)")
    # gamma's default was fitted to Ji2025's Li|Li2CO3 wetting pair: every number here rests on it (no circular validation)
    out.update(li_surface_energy_labels(gamma, "surface_energy"))
    return out
