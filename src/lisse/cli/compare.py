"""``lisse compare``: place a cell among published Li|SSE interface strategies."""

from __future__ import annotations

from lisse.cli.common import fmt

NAME = "compare"
HELP = "compare CCD, interfacial resistance and cycle life with published strategies (Ji2025, Su2024, Wang2024, Chu2024)"
DESCRIPTION = (
    "Rank a cell's critical current density, interfacial area-specific resistance and symmetric-cell cycle life "
    "against the published strategies bundled with lisse (Chu2024 Table 1 and the headline results of "
    "Ji2025, Su2024 and Wang2024). Without arguments, list the table."
)
EXAMPLES = """\
  lisse compare                                   # the literature table
  lisse compare --ccd "1.2 mA/cm2" --interfacial-resistance "20 ohm*cm2" --electrolyte LLZO
  lisse compare --cycle-life "0.2 mA/cm2" "1500 h" --cycle-life "1 mA/cm2" "300 h" --json
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--ccd", "mA/cm2", "critical current density, e.g. '1.2 mA/cm2'")
    add_quantity(parser, "--interfacial-resistance", "ohm*cm2", "interfacial area-specific resistance, e.g. '20 ohm*cm2'")
    parser.add_argument("--cycle-life", nargs=2, action="append", metavar=("CURRENT", "DURATION"),
                        help="a current density and how long the cell lasted, e.g. '0.2 mA/cm2' '1500 h' (bare numbers: mA/cm2 and h)")
    parser.add_argument("--electrolyte", help="restrict to one electrolyte family (LLZO includes LLZTO; LPSC)")


def run(args):
    from dataclasses import asdict

    from lisse.analysis.literature import compare_cell, published_strategies
    from lisse.cli.common import quantity

    if args.ccd is None and args.interfacial_resistance is None and not args.cycle_life:
        return [asdict(s) for s in published_strategies()]
    current, duration = quantity("mA/cm2", "--cycle-life CURRENT"), quantity("h", "--cycle-life DURATION")
    return compare_cell(
        ccd=args.ccd,
        interfacial_resistance=args.interfacial_resistance,
        cycle_life=[(current(i), duration(t)) for i, t in (args.cycle_life or [])],
        electrolyte=args.electrolyte,
    )


def render(r) -> str:
    from lisse.cli.common import table

    if isinstance(r, list):
        rows = [(s["name"], s["electrolyte"], s["source"], s["interfacial_resistance_ohm_cm2"] or "", s["ccd_mA_cm2"] or "",
                 "; ".join(f"{fmt(i)}: {fmt(h)} h" for i, h in s["cycle_life"])) for s in r]
        return table(rows, ["strategy", "SSE", "source", "R_int (ohm cm2)", "CCD (mA/cm2)", "cycle life (mA/cm2: h)"])
    lines = [f"compared with {r['n_strategies']} published strategies"]
    if "ccd_mA_cm2" in r:
        lines.append(f"CCD {fmt(r['ccd_mA_cm2'], 3)} mA/cm2 beats {r['ccd_percentile']:.0f} % (best: {fmt(r['ccd_best_published_mA_cm2'])}, {r['ccd_best_published_strategy']})")
    if "interfacial_resistance_ohm_cm2" in r:
        lines.append(f"R_int {fmt(r['interfacial_resistance_ohm_cm2'], 3)} ohm cm2 is lower than {r['interfacial_resistance_percentile']:.0f} % (best: {fmt(r['interfacial_resistance_best_published_ohm_cm2'])})")
    for row in r.get("cycle_life", []):
        lines.append(f"{fmt(row['cycle_life_h'], 4)} h at {fmt(row['current_density_mA_cm2'], 3)} mA/cm2: beats {len(row['beats'])} of {row['n_compared']} comparable results")
        lines += [f"   > {b}" for b in row["beats"]] + [f"   < {b}" for b in row["outlasted_by"]]
    return "\n".join(lines)
