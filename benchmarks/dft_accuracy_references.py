"""DFT references of the accuracy table computed here: PBE surface energies of the ionic substrates and PBE works of
adhesion of small coherent Li | X interfaces, with GPAW, beside the ML calculators on the very same constructions.

Run: ``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dft_accuracy_references.py [LiF LiCl] [--level publication]
[--layers 3,5,7,9] [--cache DIR]`` for the surface energies, and
``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dft_accuracy_references.py --adhesion LiF,Li2CO3 [--ml]`` for the
works of adhesion. Needs the ``dft`` extra (GPAW + gpaw-data).

Surface energies: the same workflow as the ML numbers of ``src/lisse/atomistic/accuracy.toml``
(:func:`lisse.atomistic.workflows.surface_energy_workflow`: the calculator's own relaxed bulk, with GPAW's Pulay stress
subtracted; relaxed slabs; the least-squares fit of the slab energies over the thicknesses), so the ML error per
model is taken against a reference built the same way. Prints one JSON line per material: the fit with its standard
error, the Fiorentini-Methfessel pair values (the thickness convergence) and the wall time.

Works of adhesion (:data:`ADHESION_CONSTRUCTIONS`): :func:`lisse.atomistic.workflows.adhesion_workflow` on the
coherent Li | X supercell of its own search (strain on Li <= 3 %, 3.5 % for Li2CO3), Li 3 planes on X 2 (LiF) or 6
(Li2CO3, two formula units) planes, a 2 x 2 registry x 2 gap (2.0, 2.4 A) rigid scan, one relaxation from the lowest
scan point; GPAW at the screening level with LCAO (dzp) relaxations and plane-wave (400 eV) energies, every structure
pre-relaxed with CHGNet (``prerelax``). ``--ml`` runs the four shipped ML models with the same construction and
settings and prints their error against the DFT value (ML - DFT). Every job is cached in ``--cache`` (a rerun resumes).
"""

from __future__ import annotations

import argparse
import json
import os
import time

from lisse.atomistic.workflows import adhesion_workflow, surface_energy_workflow
from lisse.io.atomistic_cache import JobCache

#: The small coherent constructions of the work-of-adhesion references (keyword arguments of adhesion_workflow).
ADHESION_CONSTRUCTIONS: dict[str, dict] = {
    "LiF": {"substrate": "LiF", "substrate_miller": (1, 0, 0), "substrate_layers": 2, "film_layers": 3, "max_strain": 0.03},
    "Li2CO3": {"substrate": "Li2CO3", "substrate_miller": (0, 0, 1), "substrate_layers": 6, "film_layers": 3, "max_strain": 0.035},
}
#: Scan and relaxation settings shared by the DFT and ML runs.
ADHESION_SETTINGS: dict = {"n_starts": 1, "gaps": (2.0, 2.4), "n_shift": 2}
ML_MODELS = ("chgnet:0.3.0", "chgnet:r2scan", "sevennet:7net-0", "sevennet:7net-l3i5")
_KEYS = ("work_of_adhesion_J_m2", "li_surface_energy_J_m2", "strain_percent", "n_atoms_interface", "interface_area_A2",
         "interface_gap_relaxed_A", "start_to_start_spread_J_m2", "calculator", "level", "common_cell")


def _adhesion(calc, name: str, cache: JobCache | None, prerelax: str | None) -> dict:
    t0 = time.perf_counter()
    r = adhesion_workflow(calc, **ADHESION_CONSTRUCTIONS[name], **ADHESION_SETTINGS, prerelax=prerelax, cache=cache)
    row = {k: r.get(k) for k in _KEYS}
    vac = [c for c in r.get("convergence", []) if c.get("parameter") == "vacuum_A"]
    row.update(system=name, vacuum_convergence=vac, wall_s=time.perf_counter() - t0, load_1min=os.getloadavg()[0])
    return row


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("materials", nargs="*", default=["LiF", "LiCl"])
    ap.add_argument("--level", default="publication", choices=["test", "screening", "publication"])
    ap.add_argument("--layers", default="3,5,7,9", help="slab thicknesses in atomic planes (default 3,5,7,9)")
    ap.add_argument("--cache", default=os.path.join(os.path.expanduser("~"), ".cache", "lisse", "dft-accuracy"))
    ap.add_argument("--adhesion", default=None, help="works of adhesion instead: comma-separated of " + ",".join(ADHESION_CONSTRUCTIONS))
    ap.add_argument("--ml", action="store_true", help="with --adhesion: also the four ML models on the same constructions")
    a = ap.parse_args(argv)
    if a.adhesion:
        from lisse.atomistic.calculators import GPAWCalculator

        for name in a.adhesion.split(","):
            dft = _adhesion(GPAWCalculator("screening", relax_mode="lcao", energy_mode="pw"), name, JobCache(a.cache), "chgnet")
            print(json.dumps(dft, default=str), flush=True)
            for model in ML_MODELS if a.ml else ():
                ml = _adhesion(model, name, None, None)
                ml["error_vs_dft_J_m2"] = ml["work_of_adhesion_J_m2"] - dft["work_of_adhesion_J_m2"]
                print(json.dumps(ml, default=str), flush=True)
        return
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
