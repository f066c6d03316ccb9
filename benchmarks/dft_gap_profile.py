"""Energy of a relaxed Li | X interface along the rigid approach of its film: is the relaxation's gap a minimum?

Run (one single point per gap, ~10-20 min each for Ji2025's 120-atom Li|LiF cell in LCAO on one core; cached)::

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dft_gap_profile.py \
        --from-cache benchmarks/records/dft-cache/ji-lif-lcao --cache benchmarks/records/dft-cache/ji-lif-lcao-gaps \
        --gaps 2.0 2.5 3.0 --level screening --dispersion d3 --cutoff-eV 450 --relax-mode lcao [--out FILE] \
        [--relax-from-best --fmax 0.05 --steps 60]

Why: a position relaxation stops when the largest force on any atom is below ``fmax``. A film held only by dispersion
several angstroms above a substrate feels a small pull on each atom (Grimme's D3 at 3.5 A: ~0.02 eV/A per Li atom)
although the pull on the whole film is large, so the optimiser can stop in a shallow region of the energy surface that
is not a minimum along the film's approach. This benchmark takes the relaxed interface (job ``interface_start0`` of a
``lisse wetting`` cache), moves the film rigidly (its internal geometry and the substrate kept) to each gap, and
computes one single point per gap with the calculator of the relaxation (its ``scan`` purpose: the relaxation's mode),
beside the relaxed point's own energy from the same mode (the relaxation's last energy, ``relax_energy_eV``). It
prints, per gap, ``E(gap) - E(relaxed)`` and the same as a change of the work of adhesion,
``dW = -(E(gap) - E(relaxed)) / A`` [J/m2] (positive: the film binds more strongly at that gap than where the
relaxation stopped, so the relaxation's W_ad is not the interface's), and the D3 part of that change (``dftd3`` alone
on the same structures, seconds). The film is every atom above the substrate's ``n_substrate`` (the cache's
``substrate`` job).

``--relax-from-best`` then relaxes the interface again (positions, the run's fixed atoms, the relaxation's mode; hours,
checkpointed every step, so a rerun resumes) from the lowest point of the profile when that is not the relaxed one,
computes its energy in the energy mode (plane waves; run_job does) and prints its W_ad with the run's film and substrate energies in
the interface's cell (jobs ``common_cell_film`` and ``common_cell_substrate``: the cell does not change).

Reference: the work of adhesion, ``W_ad = (E_film + E_substrate - E_interface) / A``, with the film's and substrate's
energies fixed: at fixed slab geometries a change of the interface's energy is minus a change of ``W_ad`` times the area.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np

from lisse.atomistic.calculators import GPAWCalculator
from lisse.atomistic.engine import Job, run_job
from lisse.atomistic.workflows import EV_PER_A2_TO_J_PER_M2  # one home for the unit rule
from lisse.io.atomistic_cache import JobCache


def _record(folder: Path, job: str) -> dict:
    """The finished record of ``job`` in a lisse job-cache folder (one run per folder)."""
    found = [d for d in (json.loads(f.read_text()) for f in sorted(folder.glob("*.json")))
             if d.get("job") == job and d.get("energy_eV") is not None and not d.get("partial")]
    if len(found) != 1:
        raise SystemExit(f"{folder}: expected one finished '{job}' job, found {len(found)}")
    return found[0]


def _atoms(d: dict):
    from ase import Atoms

    a = d["atoms"]
    return Atoms(numbers=a["numbers"], positions=a["positions"], cell=a["cell"], pbc=a.get("pbc", True))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--from-cache", required=True, help="the lisse wetting run's cache folder (read only)")
    ap.add_argument("--cache", required=True, help="folder for this benchmark's single points (resumable)")
    ap.add_argument("--gaps", type=float, nargs="+", default=[2.0, 2.5, 3.0], help="film-substrate gaps [A]")
    ap.add_argument("--level", default="screening")
    ap.add_argument("--dispersion", default=None, choices=[None, "d3"])
    ap.add_argument("--cutoff-eV", type=float, default=None)
    ap.add_argument("--relax-mode", default=None, choices=[None, "pw", "lcao"])
    ap.add_argument("--out", default=None, help="also write the rows as JSON to this new file")
    ap.add_argument("--relax-from-best", action="store_true", help="relax from the profile's lowest point, then its W_ad")
    ap.add_argument("--fmax", type=float, default=0.05, help="force criterion of --relax-from-best [eV/A]")
    ap.add_argument("--steps", type=int, default=60, help="ionic steps of --relax-from-best at most")
    a = ap.parse_args(argv)
    src = Path(a.from_cache)
    relaxed = _record(src, "interface_start0")
    n_sub = len(_record(src, "substrate")["atoms"]["numbers"])
    if relaxed.get("relax_energy_eV") is None:
        raise SystemExit(f"{src}: interface_start0 has no relax_energy_eV (the relaxation's own-mode energy)")
    calc = GPAWCalculator(level=a.level, dispersion=a.dispersion, ecut=a.cutoff_eV, relax_mode=a.relax_mode)
    base = _atoms(relaxed)
    z = base.positions[:, 2]
    gap0 = float(z[n_sub:].min() - z[:n_sub].max())
    cell = base.cell.array
    area = float(np.linalg.norm(np.cross(cell[0], cell[1])))
    e0 = float(relaxed["relax_energy_eV"])
    d3 = None
    if a.dispersion == "d3":
        from dftd3.ase import DFTD3

        def d3(atoms) -> float:
            x = atoms.copy()
            x.calc = DFTD3(method="PBE", damping="d3zero")
            return float(x.get_potential_energy())

    d3_0 = d3(base) if d3 else None
    cache = JobCache(a.cache)
    rows = [{"gap_A": round(gap0, 4), "energy_eV": e0, "source": "the relaxation's last energy (relax_energy_eV)",
             "delta_energy_eV": 0.0, "delta_work_of_adhesion_J_m2": 0.0}]
    print(json.dumps({"interface": str(src), "calculator": calc.label(), "relax_mode": a.relax_mode, "area_A2": area,
                      "n_substrate": n_sub, "relaxed_gap_A": gap0}), flush=True)
    for g in a.gaps:
        at = base.copy()
        at.positions[n_sub:, 2] += g - gap0
        r = run_job(calc, Job(f"gap_profile_g{g:.2f}", at, "single", purpose="scan"), cache=cache)
        de = r.energy_eV - e0
        row = {"gap_A": g, "energy_eV": r.energy_eV, "delta_energy_eV": de,
               "delta_work_of_adhesion_J_m2": -de / area * EV_PER_A2_TO_J_PER_M2,
               "wall_s": None if r.cached else r.wall_s, "cached": r.cached,
               "load_1min": os.getloadavg()[0]}
        if d3:
            row["delta_work_of_adhesion_d3_J_m2"] = -(d3(at) - d3_0) / area * EV_PER_A2_TO_J_PER_M2
        rows.append(row)
        print(json.dumps(row), flush=True)
    result: dict = {"interface": str(src), "calculator": calc.label(), "area_A2": area, "rows": rows}
    best = min(rows, key=lambda r: r["energy_eV"])
    if a.relax_from_best and best is not rows[0]:
        g = best["gap_A"]
        at = base.copy()
        at.positions[n_sub:, 2] += g - gap0
        fixed = tuple(relaxed["input"]["fixed"])  # the run's (its substrate's bottom plane)
        # run_job adds the energy-mode single point of the relaxed geometry (energy_eV; relax_energy_eV: the relaxation's)
        r = run_job(calc, Job(f"gap_relax_from_g{g:.2f}", at, "relax", a.fmax, a.steps, fixed=fixed), cache=cache)
        e_film = _record(src, "common_cell_film")["energy_eV"]
        e_sub = _record(src, "common_cell_substrate")["energy_eV"]
        zr = r.atoms.positions[:, 2]
        result["relaxed_from_best"] = {
            "start_gap_A": g, "n_steps": r.n_steps, "converged": r.converged, "fmax_final_eV_A": r.fmax_final_eV_A,
            "gap_A": float(zr[n_sub:].min() - zr[:n_sub].max()), "relax_energy_eV": r.relax_energy_eV, "energy_eV": r.energy_eV,
            "work_of_adhesion_J_m2": (e_film + e_sub - r.energy_eV) / area * EV_PER_A2_TO_J_PER_M2,
            "work_of_adhesion_of_the_run_J_m2": (e_film + e_sub - relaxed["energy_eV"]) / area * EV_PER_A2_TO_J_PER_M2}
        print(json.dumps(result["relaxed_from_best"]), flush=True)
    if a.out:
        with open(a.out, "x", encoding="utf-8") as fh:  # never overwrite
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
