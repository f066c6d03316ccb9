"""``lisse density``: Archimedes density and porosity of a pressed pellet or interlayer."""

from __future__ import annotations

NAME = "density"
HELP = "Archimedes density of a sample (dry and immersed masses) and its porosity against the theoretical density"
DESCRIPTION = (
    "Density from the balance readings in air (m_air) and immersed in a liquid (m_liquid): "
    "rho = m_air/(m_air - m_liquid)*(rho_liquid - rho_air) + rho_air. Wang et al. (2024) print '+' in the denominator; "
    "with apparent masses that is a sign error, corrected here. Defaults: mineral spirits 0.752 g/cm3 and air 0.0012 g/cm3 "
    "(Wang et al. 2024). With --theoretical-density, or --composition (mass fractions of library materials; rule of "
    "mixtures 1/rho_th = sum w_i/rho_i), it also reports the porosity 1 - rho/rho_th: with two weighings the CLOSED "
    "porosity (a wetting liquid fills the open pores); add --saturated-mass (the sample saturated with the liquid, weighed "
    "in air; ASTM C373) for the open and total porosity."
)
EXAMPLES = """  lisse density --dry-mass "251.3 mg" --immersed-mass "170.0 mg" --json
  lisse density --dry-mass 0.2513 --immersed-mass 0.1700 --composition LNI=0.95,CNT=0.05
  lisse density --dry-mass 0.2513 --immersed-mass 0.1700 --theoretical-density 2.38 --liquid-density "0.998 g/cm3"
  lisse density --dry-mass 0.16251 --immersed-mass 0.10999 --saturated-mass 0.18507 --composition LNI=0.95,CNT=0.05 --json
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--dry-mass", "g", "balance reading with the sample in air, e.g. '251.3 mg'", required=True)
    add_quantity(parser, "--immersed-mass", "g", "balance reading with the sample immersed in the liquid", required=True)
    add_quantity(parser, "--saturated-mass", "g", "balance reading in air of the sample saturated with the liquid (third "
                 "weighing, ASTM C373): gives the open and total porosity; without it the porosity is the closed one")
    add_quantity(parser, "--liquid-density", "g/cm3", "density of the immersion liquid (default 0.752 g/cm3, mineral spirits)",
                 default="0.752 g/cm3")
    add_quantity(parser, "--air-density", "g/cm3", "density of air (default 0.0012 g/cm3; 0 switches the correction off)",
                 default="0.0012 g/cm3")
    g = parser.add_mutually_exclusive_group()
    add_quantity(g, "--theoretical-density", "g/cm3", "pore-free density of the sample's composition")
    g.add_argument("--composition", metavar="NAME=W,...",
                   help="mass fractions of library materials summing to 1, e.g. LNI=0.95,CNT=0.05 (densities from 'lisse materials')")


def _composition(text: str) -> dict[str, float]:
    from lisse.errors import ParameterError

    out: dict[str, float] = {}
    for part in text.split(","):
        name, sep, value = part.partition("=")
        name = name.strip()
        if name in out:
            raise ParameterError(f"--composition: '{name}' is given twice")
        try:
            if not sep or not name:
                raise ValueError
            out[name] = float(value)
        except ValueError:
            raise ParameterError(f"--composition: expected NAME=FRACTION items separated by commas (e.g. LNI=0.95,CNT=0.05); "
                                 f"got '{part.strip()}'") from None
    return out


def run(args) -> dict:
    from lisse.analysis.density import archimedes_porosity

    comp = _composition(args.composition) if args.composition else None
    res = archimedes_porosity(args.dry_mass, args.immersed_mass,  # SI floats (kg, kg/m3) from the quantity options
                              theoretical_density=args.theoretical_density, composition=comp,
                              liquid_density=args.liquid_density, air_density=args.air_density,
                              saturated_mass=args.saturated_mass)
    return res.as_dict()
