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
  lisse compare --db lab.sqlite --cell sym-07                  # sym-07's stored CCD among the lab's cells and the literature
  lisse compare --ccd 1.2 --db lab.sqlite --lab-cells "sym-*" --lab-material LLZO
"""


def add_arguments(parser) -> None:
    from lisse.cli.common import add_quantity

    add_quantity(parser, "--ccd", "mA/cm2", "critical current density, e.g. '1.2 mA/cm2'")
    add_quantity(parser, "--interfacial-resistance", "ohm*cm2", "interfacial area-specific resistance, e.g. '20 ohm*cm2'")
    parser.add_argument("--cycle-life", nargs=2, action="append", metavar=("CURRENT", "DURATION"),
                        help="a current density and how long the cell lasted, e.g. '0.2 mA/cm2' '1500 h' (bare numbers: mA/cm2 and h); "
                             "'>=1500 h' for a cell that had not failed at the end of its record (a lower bound: it is never "
                             "'outlasted')")
    parser.add_argument("--electrolyte", help="restrict to one electrolyte family (LLZO includes LLZTO; LPSC)")
    parser.add_argument("--db", metavar="FILE", help="also place the CCD among the lab's own cells of this lisse results database "
                        "(one CCD per cell, its best file)")
    parser.add_argument("--cell", metavar="NAME", help="with --db: this cell's name in the database (its stored CCD when --ccd is not "
                        "given; left out of the lab distribution)")
    parser.add_argument("--lab-cells", nargs="+", metavar="PATTERN", help="with --db: only these lab cells (names or glob patterns)")
    parser.add_argument("--lab-material", metavar="NAME", help="with --db: only lab cells recorded with this material")


def run(args):
    from dataclasses import asdict

    from lisse.analysis.literature import compare_cell, published_strategies
    from lisse.cli.common import quantity
    from lisse.units import split_lower_bound

    lab = None
    ccd = args.ccd
    ccd_is_bound = False
    if args.db:
        from lisse.analysis.lab import compare_with_lab
        from lisse.io.resultsdb import ResultsDB

        with ResultsDB(args.db, readonly=True) as db:
            rows = db.ccd_values()
        lab = compare_with_lab(rows, None if ccd is None else ccd / 10.0, this_cell=args.cell, patterns=args.lab_cells,
                               group=args.lab_material)
        if args.cell and lab["value_origin"] is None:
            from lisse.errors import ParameterError

            raise ParameterError(f"--cell {args.cell!r}: expected a cell with a CCD in the database '{args.db}'; found none")
        if ccd is None and lab.get("value") is not None:
            ccd = lab["value"] * 10.0  # mA/cm2 -> A/m2
            ccd_is_bound = bool(lab.get("value_is_lower_bound"))  # the stored CCD of a cell that never failed
    elif args.cell or args.lab_cells or args.lab_material:
        from lisse.errors import ParameterError

        raise ParameterError("--cell/--lab-cells/--lab-material: expected --db naming the results database; found no --db")
    if ccd is None and args.interfacial_resistance is None and not args.cycle_life and lab is None:
        return [asdict(s) for s in published_strategies()]
    current, duration = quantity("mA/cm2", "--cycle-life CURRENT"), quantity("h", "--cycle-life DURATION")
    out = compare_cell(
        ccd=ccd,
        interfacial_resistance=args.interfacial_resistance,
        cycle_life=[(current(i), duration(split_lower_bound(t)[0])) for i, t in (args.cycle_life or [])],
        electrolyte=args.electrolyte,
        ccd_is_lower_bound=ccd_is_bound,
        cycle_life_is_lower_bound=[split_lower_bound(t)[1] for _i, t in (args.cycle_life or [])],
    )
    if lab is not None:
        out["lab"] = {**lab, "database": str(args.db)}
    return out


def render(r) -> str:
    from lisse.cli.common import table

    if isinstance(r, list):
        rows = [(s["name"], s["electrolyte"], s["source"], s["interfacial_resistance_ohm_cm2"] or "", s["ccd_mA_cm2"] or "",
                 "; ".join(f"{fmt(i)}: {fmt(h)} h" for i, h in s["cycle_life"])) for s in r]
        return table(rows, ["strategy", "SSE", "source", "R_int (ohm cm2)", "CCD (mA/cm2)", "cycle life (mA/cm2: h)"])
    lines = [f"compared with {r['n_strategies']} published strategies"]
    if "ccd_mA_cm2" in r:
        pct = "-" if r["ccd_percentile"] is None else f"{r['ccd_percentile']:.0f} %"
        bound = ">= " if r.get("ccd_is_lower_bound") else ""
        lines.append(f"CCD {bound}{fmt(r['ccd_mA_cm2'], 3)} mA/cm2 beats {pct} of the published CCDs it can be decided against "
                     f"(best: {'> ' if r.get('ccd_best_published_is_lower_bound') else ''}{fmt(r['ccd_best_published_mA_cm2'])}, "
                     f"{r['ccd_best_published_strategy']}); CCDs depend on the step capacity: see ccd_compared")
        why = ("this CCD is a lower bound (the cell never failed)" if r.get("ccd_is_lower_bound")
               else "a tie, or a lower bound below this CCD")
        lines += [f"   ? {u} (undecided: {why})" for u in r.get("ccd_undecided", [])]
    if "interfacial_resistance_ohm_cm2" in r:
        if r["interfacial_resistance_percentile"] is None:
            lines.append(f"R_int {fmt(r['interfacial_resistance_ohm_cm2'], 3)} ohm cm2: no published strategy of this electrolyte "
                         "family gives an interfacial resistance to rank it against")
        else:
            lines.append(f"R_int {fmt(r['interfacial_resistance_ohm_cm2'], 3)} ohm cm2 is lower than {r['interfacial_resistance_percentile']:.0f} % "
                         f"of {r.get('interfacial_resistance_compared', '?')} published (best: {fmt(r['interfacial_resistance_best_published_ohm_cm2'])})")
    lab = r.get("lab")
    if lab is not None:
        if lab.get("value") is not None and lab["n_lab_cells"]:
            pct = "-" if lab["percentile"] is None else f"{lab['percentile']:.0f} %"
            med = lab["distribution"].get("median")
            lines.append(f"among the lab's {lab['n_lab_cells']} other cells ({lab['database']}): rank {lab['rank']}, beats {pct} "
                         f"of those it can be decided against ({lab['n_undecided']} undecided: ties or lower bounds; "
                         f"{lab['n_lower_bounds']} never failed; lab median of the measured CCDs {fmt(med, 3) if med is not None else '-'} mA/cm2)"
                         + ("; this cell's CCD is a lower bound" if lab.get("value_is_lower_bound") else ""))
        else:
            lines.append(f"lab: {lab['n_lab_cells']} other cells with a CCD in {lab['database']}")
    for row in r.get("cycle_life", []):
        lines.append(f"{'>= ' if row.get('cycle_life_is_lower_bound') else ''}{fmt(row['cycle_life_h'], 4)} h at "
                     f"{fmt(row['current_density_mA_cm2'], 3)} mA/cm2: beats {len(row['beats'])}, "
                     f"outlasted by {len(row['outlasted_by'])}, undecided {len(row['undecided'])} of {row['n_compared']} results "
                     "at a current within the window")
        lines += ([f"   > {b}" for b in row["beats"]] + [f"   < {b}" for b in row["outlasted_by"]]
                  + [f"   ? {b}" for b in row["undecided"]])
    return "\n".join(lines)
