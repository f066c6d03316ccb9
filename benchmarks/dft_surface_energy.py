"""Li(100) and Li(110) PBE surface energies with GPAW: Fiorentini-Methfessel slab series + convergence table.

Run: ``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dft_surface_energy.py [--level screening|publication|quick] [--out FILE]``.
Prints the convergence rows and the wall time of each surface; the machine load (``os.getloadavg``) is printed
beside the times because other processes share the cores. Needs the ``dft`` extra (GPAW + gpaw-data).
"""

from __future__ import annotations

import argparse
import json
import os
import time

import numpy as np

from lisse.atomistic.convergence import LEVELS, ConvergenceLevel, surface_energy_convergence
from lisse.atomistic.convergence import gpaw_energy as gpaw_energy_function
from lisse.atomistic.structures import bulk

#: A cheap level for this 2-core machine: two values per electronic parameter, 3 thicknesses (3/5/7 planes).
QUICK = ConvergenceLevel("quick", 0.02, 0.02, scans={"kspacing_inv_A": (0.2, 0.15), "cutoff_eV": (300.0, 400.0), "layers": (3, 5, 7),
                                                      "vacuum_A": (8.0, 10.0)},
                         base={"kspacing_inv_A": 0.15, "cutoff_eV": 300.0, "layers": 5, "vacuum_A": 10.0})


#: lisse's GPAW adapter (PBE, PAW, plane waves, Fermi-Dirac 0.1 eV, Gamma-centred mesh, dipole layer for slabs);
#: the settings' k-spacing and cut-off override the level's.
gpaw_energy = gpaw_energy_function("screening")


def pbe_lattice(cutoff_eV=350.0, kspacing=0.15):
    """bcc Li lattice constant from a parabola through five PW energies (+-2 % around 3.44 A)."""
    li = bulk("Li")
    a0 = li.cell.lengths()[0]
    scales = np.linspace(0.965, 1.005, 5)
    es = []
    for s in scales:
        b = li.copy()
        b.set_cell(li.cell.array * s * 3.44 / a0, scale_atoms=True)
        es.append(gpaw_energy(b, {"cutoff_eV": cutoff_eV, "kspacing_inv_A": kspacing}))
    c = np.polyfit(scales * 3.44, es, 2)
    return float(-c[1] / (2 * c[0]))


def run(level, surfaces=((1, 0, 0), (1, 1, 0))):
    t0 = time.perf_counter()
    a = pbe_lattice()
    out = {"lattice_A": a, "lattice_wall_s": time.perf_counter() - t0, "load_start": os.getloadavg()[0], "surfaces": {}}
    li = bulk("Li")
    li.set_cell(li.cell.array * a / li.cell.lengths()[0], scale_atoms=True)
    for m in surfaces:
        t = time.perf_counter()
        r = surface_energy_convergence(gpaw_energy, li, m, level)
        out["surfaces"]["".join(map(str, m))] = {**r.as_dict(), "wall_s": time.perf_counter() - t, "load": os.getloadavg()[0]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--level", default="quick", choices=["quick", *LEVELS])
    ap.add_argument("--out")
    args = ap.parse_args()
    res = run(QUICK if args.level == "quick" else args.level)
    print(f"PBE a(Li) = {res['lattice_A']:.4f} A ({res['lattice_wall_s']:.0f} s)")
    for hkl, r in res["surfaces"].items():
        print(f"Li({hkl}): gamma = {r['value_J_m2']:.4f} J/m2, converged={r['converged']} {r['not_converged']}, "
              f"{r['n_evaluations']} energies, {r['wall_s']:.0f} s (load {r['load']:.1f})")
        for row in r["convergence"]:
            ch = "" if row["change"] is None else f"{row['change']:+.4f}"
            print(f"   {row['parameter']:>15} {row['value']!s:>6} {row['result']:.4f} {ch:>8} tol {row['tolerance']:.4f} {row['converged']}")
    if args.out:
        with open(args.out, "x") as fh:
            json.dump(res, fh, indent=1)


if __name__ == "__main__":
    main()
