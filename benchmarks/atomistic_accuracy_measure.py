"""Measure the ML numbers of the shipped accuracy table (src/lisse/atomistic/accuracy.toml).

Run: PYTHONPATH=src OMP_NUM_THREADS=1 python benchmarks/atomistic_accuracy_measure.py [calc ...] [--adhesion] [--only-adhesion]
     [--substrates LiF,Li2CO3]
Prints one JSON line per measurement (calculator, quantity, system, value, wall time).
"""

from __future__ import annotations

import json
import sys
import time

from lisse.atomistic.workflows import adhesion_workflow, surface_energy_workflow

# substrate -> (miller, planes, max strain on Li); Li2CO3 needs 3.5 % for a cell under 130 A^2
SUBSTRATE = {"LiF": ((1, 0, 0), 3, 0.03), "LiCl": ((1, 0, 0), 3, 0.03), "Li2CO3": ((0, 0, 1), 6, 0.035), "Li2O": ((1, 1, 1), 6, 0.03)}
SURFACES = [("Li", (1, 0, 0), (5, 7, 9)), ("Li", (1, 1, 0), (5, 7, 9)), ("LiF", (1, 0, 0), (3, 5, 7)), ("LiCl", (1, 0, 0), (3, 5, 7))]


def main(argv: list[str]) -> None:
    subs = ["LiF"]
    if "--substrates" in argv:
        subs = argv[argv.index("--substrates") + 1].split(",")
        argv = [a for a in argv if a not in ("--substrates", ",".join(subs))]
    calcs = [a for a in argv if not a.startswith("--")] or ["chgnet", "chgnet:r2scan", "sevennet"]
    for c in calcs:
        for mat, hkl, layers in [] if "--only-adhesion" in argv else SURFACES:
            t = time.perf_counter()
            r = surface_energy_workflow(c, mat, hkl, layers, cache="/tmp/lisse_acc_cache")
            print(json.dumps({"calculator": c, "quantity": "surface_energy", "system": f"{mat}({''.join(map(str, hkl))})",
                              "value_J_m2": r["surface_energy_fit_J_m2"], "stderr_J_m2": r["surface_energy_fit_stderr_J_m2"],
                              "single_thickest_J_m2": r["surface_energy_J_m2"], "lattice_scale": r["lattice_scale_vs_experiment"],
                              "wall_s": time.perf_counter() - t}), flush=True)
        if "--adhesion" in argv or "--only-adhesion" in argv:
            for x in subs:
                t = time.perf_counter()
                hkl, nl, ms = SUBSTRATE[x]
                r = adhesion_workflow(c, x, substrate_miller=hkl, substrate_layers=nl, max_strain=ms, cache="/tmp/lisse_acc_cache")
                print(json.dumps({"calculator": c, "quantity": "work_of_adhesion", "system": f"Li(100)|{x}({''.join(map(str, hkl))})", "value_J_m2": r["work_of_adhesion_J_m2"],
                                  "contact_angle_deg": r["contact_angle_deg"], "sigma_li_J_m2": r["li_surface_energy_J_m2"], "strain_percent": r["strain_percent"],
                                  "spread_J_m2": r["start_to_start_spread_J_m2"], "n_atoms": r["n_atoms_interface"], "wall_s": time.perf_counter() - t}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
