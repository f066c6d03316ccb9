"""What the publication level costs against the screening level, per W_ad (issue 17, Performance).

Run (one core; minutes per structure at screening, several times that at publication)::

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dft_level_cost.py \
        --cache-dir benchmarks/records/dft-cache/ji-li2co3-lcao [--structures film,substrate,interface] \
        [--modes lcao,pw] [--budget-s 5400] [--out FILE]

A DFT W_ad at the publication level takes days on this 2-core machine, so it is estimated, not run. What is measured:
the stored final geometries of a screening W_ad run with ``--relax-mode lcao`` (its film and substrate in the
interface's cell, ``common_cell_film`` / ``common_cell_substrate``, and the relaxed interface,
``interface_start0_energy``) each get one GPAW single point from scratch at the run's screening settings (read from the
stored interface energy: its cut-off, e.g. ``--cutoff 450``; the other settings must be the level's) and one at the
publication level (:data:`GPAW_LEVELS`: k-spacing 0.25 -> 0.18 1/A, cut-off -> 500 eV, LCAO grid 0.2 -> 0.16 A,
smearing 0.1 -> 0.05 eV, SCF criteria ten times tighter), in both modes: LCAO with forces (one relaxation step,
purpose ``relax``) and plane waves (a reported energy, purpose ``energy``). No D3 (milliseconds; the GPAW part is
what the level changes). Printed per structure and mode: the k-mesh, the irreducible k-points, the SCF iterations,
the CPU and wall times and the ratio publication / screening of the CPU times (the machine is shared; a one-thread
GPAW process is busy for all of its CPU time, so CPU time is the work).

The estimate of one W_ad: every stored DFT entry of the W_ad in ``--cache-dir`` (superseded and continued runs
included: what the W_ad took here; bulk phases and the Li-slab series of sigma_Li, shared by every W_ad, left out) at
its stored wall time, less that of its ``<job>_energy`` single point (a relaxation's stored time includes it), is the
screening time; times the measured ratio of its kind (film / substrate / interface by composition) and mode
(relaxations, rigid scans and gap-check probes LCAO, the rest plane waves), the publication time. The interface takes
the substrate's ratio where its own was not measured (same cell, same k-mesh), and says so. Assumed: the same ionic
steps at both levels. The stored times are wall times on the shared machine (with D3 and under varying load), and a
relaxation resumed from its checkpoint (``resumed_from_step``) stores only its last part, so the screening time is a
lower bound wherever one is flagged, as it is where a job's furthest relaxation stopped unconverged. Measured results are saved to
``--out`` after each single point, and a rerun with the same ``--out``, cache folder and cut-off skips what is there.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from lisse.atomistic.cache import entry_steps
from lisse.atomistic.calculators import GPAW_LEVELS, GPAWCalculator
from lisse.atomistic.engine import atoms_from_dict, atoms_to_dict
from lisse.io.outputs import atomic_write_text


class BenchmarkInputError(SystemExit):
    """A cache folder or ``--out`` file this benchmark cannot use: one line on stderr, exit status 2."""

    def __init__(self, message: str) -> None:
        print(message, file=sys.stderr)
        super().__init__(2)


#: The stored jobs whose final geometry is timed, per kind.
GEOMETRY_JOBS = {"film": "common_cell_film", "substrate": "common_cell_substrate", "interface": "interface_start0_energy"}
#: (mode, purpose): a relaxation step in LCAO needs forces; a reported energy is a plane-wave single point.
MODES = {"lcao": "relax", "pw": "energy"}
#: Screening settings a run must share with the level for the ratio to be the level's (the cut-off may differ).
CHECKED_SETTINGS = ("kspacing_inv_A", "h_A", "smearing_eV", "basis")


def stored_entries(cache_dir: str) -> list[dict]:
    """Every finished DFT entry of a cache folder (not ML pre-relaxations, not checkpoints), its key as ``_key``."""
    out = []
    for f in sorted(glob.glob(os.path.join(cache_dir, "*.json"))):
        if f.endswith("-partial.json"):
            continue
        try:
            d = json.loads(Path(f).read_text())
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
            raise BenchmarkInputError(f"cache entry {f}: expected a JSON job entry; got {type(e).__name__}: {e}") from None
        if not isinstance(d, dict) or "job" not in d:
            raise BenchmarkInputError(f"cache entry {f}: expected a JSON object with a 'job'; got {type(d).__name__}")
        if isinstance(d.get("calculator"), dict) and d["calculator"].get("name") == "gpaw":
            out.append({**d, "_key": Path(f).stem})
    return out


def final_geometries(entries: list[dict]) -> dict:
    """The final geometries of the three W_ad structures, by kind (of a job stored twice, the one that went furthest)."""
    out = {}
    for kind, name in GEOMETRY_JOBS.items():
        found = [d for d in entries if d["job"] == name]
        if not found:
            raise BenchmarkInputError(f"the cache folder holds no finished job {name!r}: run the W_ad first")
        out[kind] = atoms_from_dict(max(found, key=entry_steps)["atoms"])
    return out


def screening_settings(entries: list[dict]) -> dict:
    """The run's GPAW settings (from its interface energy), checked against the screening level but for the cut-off."""
    s = next(d for d in entries if d["job"] == GEOMETRY_JOBS["interface"])["calculator"]["settings"]
    level = GPAW_LEVELS["screening"]
    off = [k for k in CHECKED_SETTINGS if s.get(k) != level[k]]
    if s.get("level") != "screening" or s.get("relax_mode") != "lcao" or off:
        raise BenchmarkInputError(f"the run is not a screening --relax-mode lcao run with the level's {off or 'settings'}: "
                         f"level {s.get('level')!r}, relax_mode {s.get('relax_mode')!r}")
    return s


def level_calculator(level: str, screening_cutoff_eV: float) -> GPAWCalculator:
    """The calculator of one level as a ``--relax-mode lcao`` run has it; the run's cut-off at screening only."""
    return GPAWCalculator(level=level, ecut=screening_cutoff_eV if level == "screening" else None, relax_mode="lcao",
                          energy_mode="pw")


def single_point(atoms, level: str, mode: str, screening_cutoff_eV: float) -> dict:
    """One GPAW single point from scratch (forces too in LCAO: a relaxation step); times, SCF iterations, k-points."""
    calc = level_calculator(level, screening_cutoff_eV)
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
    inner = getattr(a.calc, "inner", a.calc)  # lisse's symmetry guard holds the GPAW calculator (no D3 here)
    return {"wall_s": wall, "cpu_s": time.process_time() - cpu0, "load": os.getloadavg()[0],
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "scf_iterations": int(inner.get_number_of_iterations()), "ibz_kpoints": len(inner.get_ibz_k_points()),
            "kpoint_mesh": list(calc.gpaw_parameters(a, purpose)["kpts"]["size"]),
            "cutoff_eV": calc.settings["ecut_eV"] if mode == "pw" else None,
            "grid_h_A": calc.settings["h_A"] if mode == "lcao" else None, "atoms": len(a)}


def cost_ratios(measured: dict) -> dict:
    """``kind/mode`` -> CPU time at publication / at screening, where both were measured."""
    out = {}
    for key, s in measured.items():
        kind, mode, level = key.split("/")
        p = measured.get(f"{kind}/{mode}/publication")
        if level == "screening" and p is not None:
            out[f"{kind}/{mode}"] = p["cpu_s"] / s["cpu_s"]
    return out


def composition(atoms_dict: dict) -> tuple:
    """Sorted (atomic number, count) pairs of a stored structure."""
    return tuple(sorted(Counter(atoms_dict["numbers"]).items()))


def kinds_of(geometries: dict) -> dict:
    """composition -> kind of the W_ad's three structures (:func:`final_geometries`)."""
    return {composition(atoms_to_dict(a)): kind for kind, a in geometries.items()}


def kind_of(entry: dict, kinds: dict) -> str:
    """film / substrate / interface by composition (``kinds``: composition -> kind); anything else is an error."""
    c = composition(entry["atoms"])
    if c not in kinds:
        raise ValueError(f"job {entry['job']!r} has the composition {c} of none of the W_ad's three structures")
    return kinds[c]


def is_wad_job(entry: dict) -> bool:
    """A job of this W_ad (not the bulk phases or the Li slab series of sigma_Li, shared by every W_ad)."""
    return not (entry["job"].startswith("bulk_") or entry["job"].startswith("slab_Li_"))


def job_mode_is_lcao(entry: dict) -> bool:
    """A ``--relax-mode lcao`` run computes relaxations, rigid scans and gap-check probes in LCAO, the rest in plane waves."""
    task = entry.get("input", {}).get("task", {})
    return task.get("task") == "relax" or task.get("purpose") == "scan"


def same_geometry(a: dict, b: dict, tol_A: float = 1e-6) -> bool:
    """Two stored structures with the same atoms at the same positions to ``tol_A`` [Å] (float noise aside)."""
    pa, pb = np.asarray(a["positions"], float), np.asarray(b["positions"], float)
    return a["numbers"] == b["numbers"] and pa.shape == pb.shape and bool(np.allclose(pa, pb, rtol=0.0, atol=tol_A))


def lost_part(entry: dict, entries: list[dict]) -> str | None:
    """Why ``entry``'s stored time misses part of its relaxation, or None: it resumed from its checkpoint (only the
    last part is timed), other than at the end of the stored run it continued (that run's time is its own entry)."""
    done = int(entry.get("resumed_from_step") or 0)
    if not done:
        return None
    before = next((d for d in entries if d.get("_key") == entry.get("continued_from")), None) if entry.get("continued_from") else None
    if before is not None and done <= entry_steps(before):
        return None
    return f"{entry['job']}: resumed from its checkpoint at step {done}"


def own_time_s(entry: dict, entries: list[dict]) -> float:
    """The stored wall time of a job less its final plane-wave single point's, which a relaxation's time includes."""
    t = float(entry.get("wall_s") or 0.0)
    if entry.get("input", {}).get("task", {}).get("task") == "single":
        return t
    child = [d for d in entries if d["job"] == f"{entry['job']}_energy" and same_geometry(d["atoms"], entry["atoms"])]
    return t - min(t, float(child[0].get("wall_s") or 0.0)) if child else t


def estimate(entries: list[dict], kinds: dict, ratios: dict) -> dict:
    """One W_ad's time [h] at both levels from the stored entries and the measured ratios (see the module docstring).

    Raises
    ------
    KeyError
        A film or substrate ratio the entries need was not measured (``kind/mode``).
    """
    screening = publication = 0.0
    assumed, lower_bound = set(), []
    furthest = {e["job"]: e for e in sorted(entries, key=entry_steps)}
    for e in filter(is_wad_job, entries):
        kind, mode = kind_of(e, kinds), "lcao" if job_mode_is_lcao(e) else "pw"
        key = f"{kind}/{mode}"
        if key not in ratios and kind == "interface":
            r = ratios[f"substrate/{mode}"]
            assumed.add(key)
        else:
            r = ratios[key]
        t = own_time_s(e, entries)
        screening += t
        publication += t * r
        lost = lost_part(e, entries)
        if lost:
            lower_bound.append(lost)
        if e.get("converged") is False and furthest[e["job"]] is e:  # a capped run that was continued is not a bound
            lower_bound.append(f"{e['job']}: stopped unconverged after {e.get('n_steps')} steps")
    return {"screening_h": screening / 3600, "publication_h": publication / 3600,
            "publication_over_screening": publication / screening if screening else None,
            "ratio_assumed_from_substrate": sorted(assumed), "lower_bound_because": sorted(set(lower_bound))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache-dir", required=True, help="the cache folder of a screening DFT W_ad (--relax-mode lcao)")
    ap.add_argument("--structures", default="film,substrate,interface")
    ap.add_argument("--modes", default="lcao,pw")
    ap.add_argument("--budget-s", type=float, default=float("inf"), help="start no new single point after this many seconds")
    ap.add_argument("--out", default=None, help="JSON of the measurements (read first: measured entries are skipped)")
    args = ap.parse_args()

    entries = stored_entries(args.cache_dir)
    geo = final_geometries(entries)
    cutoff = float(screening_settings(entries)["ecut_eV"])
    kinds = kinds_of(geo)
    measured: dict = {}
    if args.out and Path(args.out).is_file():
        old = json.loads(Path(args.out).read_text())
        if (Path(old.get("cache_dir", "")).resolve(), old.get("screening_cutoff_eV")) != (Path(args.cache_dir).resolve(), cutoff):
            raise BenchmarkInputError(f"{args.out} holds measurements of {old.get('cache_dir')!r} at {old.get('screening_cutoff_eV')} eV, "
                             f"not of {args.cache_dir!r} at {cutoff} eV: give another --out")
        measured = old.get("measured", {})
    head = {"cache_dir": args.cache_dir, "screening_cutoff_eV": cutoff}  # as given (records stay relative); compared resolved
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
                measured[key] = m = single_point(geo[kind], level, mode, cutoff)
                print(f"{key:32s} {m['atoms']:4d} atoms  k {m['kpoint_mesh']} ({m['ibz_kpoints']} irreducible)  "
                      f"{m['scf_iterations']:3d} SCF  {m['cpu_s']:8.0f} s CPU  {m['wall_s']:8.0f} s wall  (load {m['load']:.1f})",
                      flush=True)
                if args.out:
                    atomic_write_text(Path(args.out), json.dumps({**head, "measured": measured}, indent=1))
    ratios = cost_ratios(measured)
    print("\nratio publication / screening (CPU time of one single point from scratch):")
    for key, r in ratios.items():
        s, p = measured[f"{key}/screening"], measured[f"{key}/publication"]
        print(f"  {key:16s} {r:5.2f}x  ({p['wall_s'] / s['wall_s']:.2f}x wall; SCF iterations {s['scf_iterations']} -> "
              f"{p['scf_iterations']}, irreducible k-points {s['ibz_kpoints']} -> {p['ibz_kpoints']})")
    summary: dict = {**head, "measured": measured, "ratio_publication_over_screening": ratios}
    try:
        est = estimate(entries, kinds, ratios)
    except KeyError as e:
        print(f"\nno per-W_ad estimate: the ratio {e.args[0]} was not measured")
    else:
        print(f"\none W_ad ({sum(map(is_wad_job, entries))} DFT entries stored, at their stored wall times; same ionic steps at "
              f"both levels):\n  screening   {est['screening_h']:6.1f} h  (stored)\n  publication {est['publication_h']:6.1f} h  "
              f"= {est['publication_over_screening']:.2f} x screening (estimate)")
        if est["ratio_assumed_from_substrate"]:
            print(f"  ratio of {', '.join(est['ratio_assumed_from_substrate'])} taken from the substrate")
        if est["lower_bound_because"]:
            print("  lower bounds, because " + "; ".join(est["lower_bound_because"]))
        summary["estimate"] = est
    if args.out:
        atomic_write_text(Path(args.out), json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
