"""CPU time of an everyday ``lisse cell`` call, this checkout vs a baseline (issue 16: under 0.25 s).

Run: python benchmarks/cli_cell.py [--baseline REV|DIR] [--repeats N]
Prints min/median/max CPU seconds (user+sys) of each side and the pair-by-pair ratio baseline/this.
pint's import and registry (~0.5 s CPU) used to dominate; common units are now read without pint.
"""

from __future__ import annotations

from _side_by_side import compare, parser

ARGS = ["cell", "--li-thickness", "20 um", "--cathode-capacity", "2.2 mAh/cm2", "--cathode", "NCM811", "--electrolyte", "LLZTO",
        "--electrolyte-thickness", "600 um", "--c-rate", "0.5"]


def main() -> None:
    a = parser(__doc__.splitlines()[0], repeats=10).parse_args()
    compare("lisse cell", lambda i: ARGS, a.repeats, a.baseline)


if __name__ == "__main__":
    main()
