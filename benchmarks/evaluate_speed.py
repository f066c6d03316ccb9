"""CPU time of ``lisse evaluate`` on the bundled default study, this checkout vs a baseline (issue 16: >= 2x).

Run: python benchmarks/evaluate_speed.py [--baseline REV|DIR] [--repeats N] [--svg]
Each run writes a fresh report folder (deleted after the run). Prints min/median/max CPU seconds
(user+sys) of each side and the pair-by-pair ratio baseline/this. ``--svg`` also asks this checkout
for SVG figures (the baseline always wrote them), to show what the optional SVG costs.
"""

from __future__ import annotations

from _side_by_side import compare, parser, scratch


def main() -> None:
    ap = parser(__doc__.splitlines()[0], repeats=3)
    ap.add_argument("--svg", action="store_true", help="this checkout writes SVG too (as the baseline always did)")
    a = ap.parse_args()
    d, clean = scratch()

    def argv(i: int) -> list[str]:
        return ["evaluate", "--out", str(d / "out"), "--no-progress"]

    compare("lisse evaluate (default study)" + (" --svg" if a.svg else ""), argv, a.repeats, a.baseline, cleanup=clean,
            extra_this=("--svg",) if a.svg else ())


if __name__ == "__main__":
    main()
