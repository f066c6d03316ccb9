"""What the publication level costs against the screening level, per W_ad (issue 17, Performance).

Run (one core; minutes per structure at screening, several times that at publication)::

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dft_level_cost.py \
        --cache-dir benchmarks/records/dft-cache/ji-li2co3-lcao [--structures film,substrate,interface] \
        [--modes lcao,pw] [--screening-cutoff-eV 450] [--budget-s 5400] [--out FILE]

A DFT W_ad at the publication level takes days on this 2-core machine, so it is estimated, not run. What is measured:
the stored final geometries of a finished screening W_ad (its film and substrate in the interface's cell,
``common_cell_film`` / ``common_cell_substrate``, and the relaxed interface, ``interface_start0_energy``) each get one
GPAW single point from scratch at the screening level and one at the publication level (:data:`GPAW_LEVELS`: k-spacing
0.25 -> 0.18 1/A, cut-off 400 (or the run's ``--cutoff``) -> 500 eV, LCAO grid 0.2 -> 0.16 A, smearing 0.1 -> 0.05 eV,
SCF criteria ten times tighter), in both modes of a ``--relax-mode lcao`` run: LCAO with forces (one relaxation step,
purpose ``relax``) and plane waves (a reported energy, purpose ``energy``). Printed per structure and mode: the k-mesh,
the irreducible k-points, the SCF iterations, the CPU and wall times and the ratio publication / screening of the CPU
times (the machine is shared; a one-thread GPAW process is busy for all of its CPU time, so CPU time is the work). No D3 (its cost is
milliseconds; the GPAW part is what the level changes).

The estimate of one W_ad: every DFT job of the screening run stored in ``--cache-dir`` is counted as
``n_steps + 1`` single points (relaxations) or 1 (single points) of its kind (film / substrate / interface by atom
count, other jobs as the film) and mode (relaxations, rigid scans and gap-check probes LCAO, the rest plane waves), at the measured time of that kind,
mode and level; bulk and Li-slab jobs (the Li surface energy) are left out, as they are shared by every W_ad. Both
levels are estimated by the same model, so their ratio is like for like; the model over-counts the absolute time
(relaxation steps after the first reuse the wave functions), which is why the stored wall time of the screening jobs
is printed beside it. Assumed: the same number of ionic steps at both levels. Measured results are saved to ``--out``
after each single point, and a rerun with the same ``--out`` skips what is there (a long run resumes).
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import time
from pathlib import Path

import numpy as np

from lisse.atomistic.calculators import GPAWCalculator
from lisse.atomistic.engine import atoms_from_dict
from lisse.io.outputs import atomic_write_text

#: The stored jobs whose final geometry is timed, per kind.
GEOMETRY_JOBS = {"film": "common_cell_film", "substrate": "common_cell_substrate", "interface": "interface_start0_energy"}
#: (mode, purpose): a relaxation step in LCAO needs forces; a reported energy is a plane-wave single point.
MODES = {"lcao": "relax", "pw": "energy"}


def stored_entries(cache_dir: str) -> list[dict]:
    """Every finished DFT entry of a cache folder (not ML pre-relaxations, not checkpoints)."""
    out = []
    for f in sorted(glob.glob(os.path.join(cache_dir, "*.json"))):
        if f.endswith("-partial.json"):
            continue
        d = json.loads(Path(f).read_text())
        if isinstance(d.get("calculator"), dict) and d["calculator"].get("name") == "gpaw":
            out.append(d)
    return out


def stored_jobs(entries: list[dict]) -> list[dict]:
    """One entry per job name: the one that went furthest (a relaxation continued with a higher step cap is stored
    again, its steps counted from the start)."""
    best: dict[str, dict] = {}
    for d in entries:
        old = best.get(d["job"])
        if old is None or int(d.get("n_steps") or 0) > int(old.get("n_steps") or 0):
            best[d["job"]] = d
    return list(best.values())


def geometries(jobs: list[dict]) -> dict:
    """The final geometries of the three W_ad structures, by kind."""
    by_name = {d["job"]: d for d in jobs}
    missing = [j for j in GEOMETRY_JOBS.values() if j not in by_name]
    if missing:
        raise SystemExit(f"the cache folder holds no finished job(s) {missing}: run the W_ad first")
    return {kind: atoms_from_dict(by_name[name]["atoms"]) for kind, name in GEOMETRY_JOBS.items()}


def single_point(atoms, level: str, mode: str, screening_cutoff_eV: float | None) -> dict:
    """One GPAW single point from scratch; wall time, SCF iterations, k-points."""
    ecut = screening_cutoff_eV if level == "screening" else None
    calc = GPAWCalculator(level=level, ecut=ecut, relax_mode="lcao", energy_mode="pw")
    a = atoms.copy()
    calc.prepare(a)
    purpose = MODES[mode]
    a.calc = calc.ase_calculator(a, purpose)
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    a.get_potential_energy()
    if purpose == "relax":
        a.get_forces()
    wall = time.perf_counter() - t0
    inner = getattr(a.calc, "inner", a.calc)
    return {"wall_s": wall, "cpu_s": time.process_time() - cpu0, "load": os.getloadavg()[0],
            "scf_iterations": int(inner.get_number_of_iterations()), "ibz_kpoints": len(inner.get_ibz_k_points()),
            "kpoint_mesh": list(calc.gpaw_parameters(a, purpose)["kpts"]["size"]),
            "cutoff_eV": calc.settings["ecut_eV"] if mode == "pw" else None,
            "grid_h_A": calc.settings["h_A"] if mode == "lcao" else None, "atoms": len(a)}


def kind_of(job: dict, sizes: dict) -> str:
    """film / substrate / interface by atom count (the film for anything else of the W_ad)."""
    n = len(job["atoms"]["numbers"])
    for kind in ("interface", "substrate", "film"):
        if n == sizes[kind]:
            return kind
    return "film"


def is_wad_job(job: dict) -> bool:
    """A job of this W_ad (not the bulk phases or the Li slab series of sigma_Li, shared by every W_ad)."""
    return not (job["job"].startswith("bulk_") or job["job"].startswith("slab_Li_"))


def job_mode_is_lcao(job: dict) -> bool:
    """A ``--relax-mode lcao`` run computes relaxations, rigid scans and gap-check probes in LCAO, the rest in plane waves."""
    task = job.get("input", {}).get("task", {})
    return task.get("task") == "relax" or task.get("purpose") == "scan"


def stored_time_per_point(entries: list[dict], sizes: dict) -> dict:
    """Median stored wall time [s] per single point (``wall_s / (n_steps + 1)``) by ``kind/mode``, over every stored
    entry that ran in one piece (a resumed relaxation stores only its last part) in the W_ad's own cell (not the
    vacuum check's taller one)."""
    times: dict[str, list[float]] = {}
    for j in filter(is_wad_job, entries):
        if j.get("continued_from") or not j.get("wall_s") or j["job"].startswith("vac_"):
            continue
        key = f"{kind_of(j, sizes)}/{'lcao' if job_mode_is_lcao(j) else 'pw'}"
        times.setdefault(key, []).append(float(j["wall_s"]) / (int(j.get("n_steps") or 0) + 1))
    return {k: float(np.median(v)) for k, v in times.items()}


def estimate(jobs: list[dict], sizes: dict, per_point: dict, ratios: dict) -> dict:
    """One W_ad's time [h] at both levels: every job as its single points at the stored time per point, times the
    measured ratio for publication (the interface takes the substrate's ratio where its own was not measured)."""
    screening = publication = stored = 0.0
    assumed = set()
    for j in filter(is_wad_job, jobs):
        kind, mode = kind_of(j, sizes), "lcao" if job_mode_is_lcao(j) else "pw"
        n = int(j.get("n_steps") or 0) + 1
        t = per_point[f"{kind}/{mode}"]
        r = ratios.get(f"{kind}/{mode}")
        if r is None and kind == "interface":
            r = ratios[f"substrate/{mode}"]
            assumed.add(f"interface/{mode}")
        screening += n * t
        publication += n * t * r
        stored += float(j.get("wall_s") or 0.0)
    return {"screening_h": screening / 3600, "publication_h": publication / 3600, "stored_screening_h": stored / 3600,
            "publication_over_screening": publication / screening, "ratio_assumed_from_substrate": sorted(assumed)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache-dir", required=True, help="the cache folder of a finished screening DFT W_ad")
    ap.add_argument("--structures", default="film,substrate,interface")
    ap.add_argument("--modes", default="lcao,pw")
    ap.add_argument("--screening-cutoff-eV", type=float, default=None, help="the screening run's --cutoff (default: the level's)")
    ap.add_argument("--budget-s", type=float, default=float("inf"), help="start no new single point after this many seconds")
    ap.add_argument("--out", default=None, help="JSON of the measurements (read first: measured entries are skipped)")
    args = ap.parse_args()

    entries = stored_entries(args.cache_dir)
    jobs = stored_jobs(entries)
    geo = geometries(jobs)
    sizes = {k: len(a) for k, a in geo.items()}
    measured: dict = {}
    if args.out and Path(args.out).is_file():
        measured = json.loads(Path(args.out).read_text()).get("measured", {})
    t_start = time.perf_counter()
    for kind in args.structures.split(","):
        for mode in args.modes.split(","):
            for level in ("screening", "publication"):
                key = f"{kind}/{mode}/{level}"
                if key in measured:
                    continue
                if time.perf_counter() - t_start > args.budget_s:
                    print(f"budget spent: {key} not measured")
                    continue
                measured[key] = single_point(geo[kind], level, mode, args.screening_cutoff_eV)
                m = measured[key]
                print(f"{key:32s} {m['atoms']:4d} atoms  k {m['kpoint_mesh']} ({m['ibz_kpoints']} irreducible)  "
                      f"{m['scf_iterations']:3d} SCF  {m['cpu_s']:8.0f} s CPU  {m['wall_s']:8.0f} s wall  (load {m['load']:.1f})", flush=True)
                if args.out:
                    atomic_write_text(Path(args.out), json.dumps({"cache_dir": args.cache_dir, "measured": measured}, indent=1))
    print("\nratio publication / screening (CPU time of one single point from scratch: the machine is shared, and one"
          " GPAW process on one thread is busy all its CPU time):")
    ratios = {}
    for kind in sizes:
        for mode in MODES:
            s, p = measured.get(f"{kind}/{mode}/screening"), measured.get(f"{kind}/{mode}/publication")
            if s and p:
                ratios[f"{kind}/{mode}"] = p["cpu_s"] / s["cpu_s"]
                print(f"  {kind:10s} {mode:4s} {p['cpu_s'] / s['cpu_s']:5.2f}x CPU time ({p['wall_s'] / s['wall_s']:.2f}x wall; "
                      f"SCF iterations {s['scf_iterations']} -> "
                      f"{p['scf_iterations']}, irreducible k-points {s['ibz_kpoints']} -> {p['ibz_kpoints']})")
    summary: dict = {"cache_dir": args.cache_dir, "measured": measured, "ratio_publication_over_screening": ratios}
    per_point = stored_time_per_point(entries, sizes)
    try:
        est = estimate(jobs, sizes, per_point, ratios)
    except KeyError as e:
        print(f"\nno per-W_ad estimate: no ratio or stored time for {e.args[0]}")
    else:
        print(f"\none W_ad ({sum(map(is_wad_job, jobs))} DFT jobs stored; single points at the stored time per point "
              f"{ {k: round(v) for k, v in per_point.items()} } s; same ionic steps at both levels; one core):\n"
              f"  screening   {est['screening_h']:6.1f} h  (stored wall time of those jobs {est['stored_screening_h']:.1f} h; "
              f"a resumed relaxation stores only its last part)\n"
              f"  publication {est['publication_h']:6.1f} h  = {est['publication_over_screening']:.2f} x screening"
              + (f"  (ratio of {', '.join(est['ratio_assumed_from_substrate'])} taken from the substrate)"
                 if est["ratio_assumed_from_substrate"] else ""))
        summary.update({"stored_time_per_point_s": per_point, "estimate": est})
    if args.out:
        atomic_write_text(Path(args.out), json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
