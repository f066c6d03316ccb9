"""DFT references of the accuracy table computed here: PBE surface energies of the ionic substrates with GPAW.

Run: ``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dft_accuracy_references.py [LiF LiCl] [--level publication]
[--layers 3,5,7,9] [--cache DIR]``. Needs the ``dft`` extra (GPAW + gpaw-data).

The same workflow as the ML numbers of ``src/lisse/atomistic/accuracy.toml``
(:func:`lisse.atomistic.workflows.surface_energy_workflow`: the calculator's own relaxed bulk, with GPAW's Pulay stress
subtracted; relaxed slabs; the least-squares fit of the slab energies over the thicknesses), so the ML error per
model is taken against a reference built the same way. Prints one JSON line per material: the fit with its standard
error, the Fiorentini-Methfessel pair values (the thickness convergence) and the wall time; every job is cached in
``--cache`` (a rerun resumes).
"""

from __future__ import annotations

import argparse
import json
import os
import time

from lisse.atomistic.workflows import surface_energy_workflow
from lisse.io.atomistic_cache import JobCache


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("materials", nargs="*", default=["LiF", "LiCl"])
    ap.add_argument("--level", default="publication", choices=["test", "screening", "publication"])
    ap.add_argument("--layers", default="3,5,7,9", help="slab thicknesses in atomic planes (default 3,5,7,9)")
    ap.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "lisse", "dft-accuracy"))
    a = ap.parse_args(argv)
    layers = tuple(int(x) for x in a.layers.split(","))
    for mat in a.materials:
        t0 = time.perf_counter()
        r = surface_energy_workflow(f"gpaw:{a.level}", mat, (1, 0, 0), layers, cache=JobCache(a.cache))
        print(json.dumps({"material": f"{mat}(100)", "level": a.level, "layers": list(layers),
                          "surface_energy_fit_J_m2": r["surface_energy_fit_J_m2"],
                          "surface_energy_fit_stderr_J_m2": r["surface_energy_fit_stderr_J_m2"],
                          "pair_values_J_m2": [row["result"] for row in r["convergence"] if row["parameter"] == "layers"],
                          "thickness_convergence_J_m2": r["thickness_convergence_J_m2"],
                          "lattice_scale_vs_experiment": r["lattice_scale_vs_experiment"],
                          "all_relaxations_converged": r["all_relaxations_converged"],
                          "wall_s": time.perf_counter() - t0, "load_1min": os.getloadavg()[0]}), flush=True)


if __name__ == "__main__":
    main()
