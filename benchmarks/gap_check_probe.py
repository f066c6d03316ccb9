"""Does the gap check catch a relaxation that stopped short along its film's approach? An ML stand-in for the DFT case.

Run (~1-2 min on one core; CHGNet, no GPU)::

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/gap_check_probe.py --cache CACHE_DIR [--out FILE]

Why: a PBE-D3 relaxation of Ji2025's Li(001) 4x4 | LiF(001) 3x3 cell, started from CHGNet's (no dispersion)
pre-relaxed geometry, stopped with the film at 3.48 A while its rigid profile's minimum lies near 2.7-3.0 A
(``benchmarks/dft_gap_profile.py``, records README). That DFT case takes hours per relaxation. This runs the same
protocol with CHGNet+D3 as the judge and CHGNet (no D3) as the pre-relaxation, on the same cell and flags as the
records' ``ji-lif-ml`` runs, with ``gap_check=True`` (:func:`lisse.atomistic.workflows.film_gap_check`), and prints the
gap check's rounds and W_ad. The reference it is judged against is CHGNet+D3 relaxed from the rigid scan's starts
(no pre-relaxation): ``benchmarks/records/ji-lif-ml/chgnet_0.3.0+d3.json``, W_ad 0.355 J/m2 at a 3.15 A gap.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lisse.atomistic.calculators import get_calculator
from lisse.atomistic.workflows import WorkflowContext, adhesion_workflow
from lisse.io.atomistic_cache import JobCache
from lisse.io.outputs import atomic_write_text


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", required=True, help="job cache folder")
    ap.add_argument("--out", default=None, help="write the JSON here (never over an existing file)")
    args = ap.parse_args(argv)
    # the DFT protocol, ML in both roles: a WorkflowContext takes any pre-relaxation (the CLI allows one for DFT only)
    ctx = WorkflowContext(get_calculator("chgnet:0.3.0+d3"), cache=JobCache(args.cache), prerelax=get_calculator("chgnet:0.3.0"))
    r = adhesion_workflow(ctx, "LiF", film_supercell=(4, 4), substrate_supercell=(3, 3), supercell_cell="conventional", film_layers=3,
                          substrate_layers=2, n_shift=1, gaps=(2.0, 2.4), n_starts=1, gap_check=True)
    out = {k: r[k] for k in ("work_of_adhesion_J_m2", "interface_gap_relaxed_A", "gap_check", "warnings", "starts")}
    out["wall_s"] = r["provenance"]["wall_s"]
    first = r["starts"][0]
    print(f"relaxed from CHGNet's geometry: W_ad {first['adhesion_J_m2']:.4f} J/m2 ({first['n_steps']} steps)")
    for k, rnd in enumerate(r["gap_check"]["rounds"], 1):
        sides = ", ".join(f"{p['offset_A']:+.2f} A: {p['adhesion_change_J_m2']:+.4f}" for p in rnd["points"] if p["adhesion_change_J_m2"] is not None)
        print(f"gap check {k}: {sides} J/m2; at a minimum: {rnd['at_minimum']}")
        if rnd["relaxed_again"] is not None:
            a = rnd["relaxed_again"]
            print(f"  relaxed again from {a['from_offset_A']:+.3f} A: W_ad {a['adhesion_change_J_m2']:+.4f} J/m2, {a['n_steps']} steps, kept {a['kept']}")
    print(f"W_ad {r['work_of_adhesion_J_m2']:.4f} J/m2 at gap {r['interface_gap_relaxed_A']:.3f} A; reference (CHGNet+D3 from the scan): 0.3550 at 3.152 A")
    if args.out:
        if Path(args.out).exists():
            raise SystemExit(f"--out {args.out}: exists; not overwritten")
        atomic_write_text(args.out, json.dumps(out, indent=1, default=str))


if __name__ == "__main__":
    main()
