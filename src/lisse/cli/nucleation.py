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
    parser.add_argument("--overpotential", required=True, help='eta with unit, e.g. "20 mV"')
    parser.add_argument("--surface-energy", default=None, help='gamma of the Li nucleus (default: lisse sigma_Li 0.4245 J/m2)')
    g = parser.add_mutually_exclusive_group()
    g.add_argument("--contact-angle", help='theta, e.g. "142 deg" (default 180 deg = homogeneous)')
    g.add_argument("--work-of-adhesion", help='W_ad, e.g. "0.09 J/m2" (theta via Young-Dupre)')
    parser.add_argument("--temperature", default="298.15 K")
    parser.add_argument("--prefactor", default=None, help='J0 with unit, e.g. "1e30 1/m^3/s" (needed for the rate)')
    parser.add_argument("--threshold-rate", default=None, help='rate that defines the critical overpotential, same unit as J0')


def run(args) -> dict:
    import math

    from lisse.errors import ParameterError
    from lisse.thermo.nucleation import (
        critical_overpotential,
        critical_radius,
        heterogeneous_factor,
        homogeneous_barrier,
        nucleation_rate,
    )
    from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY, contact_angle
    from lisse.units import to_si

    eta = to_si(args.overpotential, "V", "overpotential")
    gamma = to_si(args.surface_energy, "J/m^2", "surface_energy") if args.surface_energy else DEFAULT_LI_SURFACE_ENERGY
    if args.work_of_adhesion:
        theta = contact_angle(to_si(args.work_of_adhesion, "J/m^2", "work_of_adhesion"), gamma).contact_angle_deg
    elif args.contact_angle:
        theta = math.degrees(to_si(args.contact_angle, "deg", "contact_angle"))
    else:
        theta = 180.0
    T = to_si(args.temperature, "K", "temperature")
    k = heterogeneous_factor(theta)
    out = {
        "overpotential_V": eta, "surface_energy_J_m2": gamma, "contact_angle_deg": theta, "heterogeneous_factor": k,
        "critical_radius_m": critical_radius(eta, gamma), "homogeneous_barrier_J": homogeneous_barrier(eta, gamma),
        "barrier_J": k * homogeneous_barrier(eta, gamma), "barrier_kT": k * homogeneous_barrier(eta, gamma) / (1.380649e-23 * T), "temperature_K": T,
    }
    if args.prefactor:
        j0 = to_si(args.prefactor, "1/m^3/s", "prefactor")
        out["rate_m3_s"] = nucleation_rate(eta, gamma, theta, j0, T)
        if args.threshold_rate:
            jc = to_si(args.threshold_rate, "1/m^3/s", "threshold_rate")
            out["critical_overpotential_V"] = critical_overpotential(gamma, theta, j0, jc, T)
            out["threshold_rate_m3_s"] = jc
    elif args.threshold_rate:
        raise ParameterError("--threshold-rate needs --prefactor (J0)")
    return out
