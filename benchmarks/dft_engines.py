"""GPAW (PAW, plane waves) against CP2K (GTH pseudopotentials, Gaussian DZVP basis) on the same interface: time and W_ad.

Run: ``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dft_engines.py [--systems LiF] [--constructions coherent]
[--level screening] [--gap 2.2] [--engines gpaw,cp2k] [--out FILE]``.

For each system and construction (as ``benchmarks/dft_adhesion.py`` builds them: Ji2025's strained cells or lisse's
low-strain coherent match), the Li film slab, the substrate slab and the interface at one gap are computed by each
engine at the same level (k-spacing, smearing; PBE), through lisse's own calculators (``GPAWCalculator``,
``lisse.io.cp2k.CP2KCalculator``: prepare, calculate, restore, as the workflows do). Printed per engine and structure:
the wall time of the single point, its number of SCF iterations and the time per iteration, and the unrelaxed
(rigid) W_ad = (E_film + E_substrate - E_interface) / A of that engine. Both engines run in this process one after
the other on one core (``OMP_NUM_THREADS=1``); the load average is printed beside each time (other jobs on a shared
machine slow both). The rigid W_ad is not the relaxed number; the two engines' W_ad differ by the pseudopotentials
and, for CP2K, by the basis-set superposition error of a Gaussian basis (not counterpoise-corrected).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from pathlib import Path

J = 16.02176634  # eV/A^2 -> J/m^2


def _iterations_gpaw(log: Path) -> int:
    """SCF iterations in a GPAW log of one calculation (GPAW 26: table rows '|iter:   N| ...')."""
    return sum(1 for line in log.read_text(errors="replace").splitlines() if line.lstrip("| ").startswith("iter:"))


def _iterations_cp2k(out: Path) -> int:
    """SCF iterations of the last calculation in a CP2K output ('SCF run converged in N steps')."""
    found = re.findall(r"SCF run converged in\s+(\d+) steps", out.read_text(errors="replace"))
    return int(found[-1]) if found else -1


def single_point(engine: str, level: str, atoms, workdir: Path, tag: str, phases, resume: bool = False) -> dict:
    """One single point of ``atoms`` with lisse's calculator of ``engine``; energy [eV], wall time [s], SCF iterations.

    The calculator's spin is fixed for the whole formula from its bulk ``phases`` (``for_formula``), as the workflows
    do: Li and LiF are not polarised, so neither is their interface, whatever its electron count. ``resume`` (CP2K):
    start the SCF from the newest wave functions an earlier, interrupted run of this single point left in its folder.
    That pays only where they were near self-consistency: the Li|LLZO interface restarted from its interrupted run
    went back to large residuals (CP2K's first step after a restart is unmixed; benchmarks/records/README.md).
    """
    a = atoms.copy()
    if engine == "gpaw":
        from lisse.atomistic.calculators import GPAWCalculator

        log = workdir / f"gpaw-{tag}.txt"
        calc = GPAWCalculator(level, txt=str(log)).for_formula(phases)
    else:
        from lisse.io.cp2k import CP2KCalculator

        folder = workdir / f"cp2k-{tag}"
        # with resume, an earlier, interrupted run of this very single point (the same folder: geometry and level in the
        # tag) left its wave functions: the SCF starts from the newest instead of CP2K's atomic guess (same converged
        # energy)
        # (CP2K keeps the previous restart file as .bak-1 while writing the next: a run killed mid-write can leave a
        # truncated newest file, which CP2K then refuses: delete it and resume from the .bak-1 renamed)
        earlier = [*folder.glob("run-*-RESTART.kp"), *folder.glob("run-*-RESTART.wfn")] if resume else []
        guess = max(earlier, key=lambda f: f.stat().st_mtime) if earlier else None
        calc = CP2KCalculator(level, directory=folder, wavefunction_guess=guess).for_formula(phases)
        outputs_before = set(folder.glob("run-*.out"))
    tok = calc.prepare(a)
    a.calc = calc.ase_calculator(a, "energy")
    t0 = time.perf_counter()
    try:
        e = float(a.get_potential_energy())
    finally:
        calc.release(a.calc)  # stop CP2K's shell now (ASE leaves it to the garbage collector: GBs held meanwhile)
    wall = time.perf_counter() - t0
    calc.restore(a, tok)
    if engine == "gpaw":
        n, resumed = _iterations_gpaw(log), None
    else:  # this run's output (a resumed folder also holds the interrupted runs')
        (out,) = set(folder.glob("run-*.out")) - outputs_before  # each calculation writes an output of its own
        n = _iterations_cp2k(out)
        resumed = guess.name if guess is not None else None
    return {"energy_eV": e, "wall_s": wall, "scf_iterations": n, "s_per_iteration": wall / n if n > 0 else None,
            "load": os.getloadavg()[0], "n_atoms": len(a),
            # wall time and iterations count from the guess: a resumed SCF's are those of its last leg only
            "scf_started_from": resumed or "atomic guess"}


def main() -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from dft_adhesion import construct, scaled  # the same constructions as the adhesion benchmark

    from lisse.atomistic.interfaces import build_interface

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--systems", default="LiF")
    ap.add_argument("--constructions", default="coherent", help="ji and/or coherent (comma-separated)")
    ap.add_argument("--level", default="screening", choices=["test", "screening", "publication"])
    ap.add_argument("--gap", type=float, default=2.2, help="interface gap [A] (default 2.2)")
    ap.add_argument("--engines", default="gpaw,cp2k")
    ap.add_argument("--film-layers", type=int, default=3)
    ap.add_argument("--out", default=None, help="JSON file for the rows (must not exist)")
    args = ap.parse_args()
    rows = []
    work = Path(tempfile.mkdtemp(prefix="lisse-dft-engines-"))
    for system in args.systems.split(","):
        for construction in args.constructions.split(","):
            fl, sb, m = construct(system, construction, args.film_layers, None)
            phases = [scaled("Li"), scaled(system)]
            it, film, sub = build_interface(fl, sb, m, gap=args.gap, vacuum=10.0)
            print(f"[Li|{system} {construction}] {len(it)} atoms ({len(film)} Li + {len(sub)} substrate), strain {m.strain_percent:.1f} %, "
                  f"area {m.area_A2:.1f} A2, level {args.level}", flush=True)
            for engine in args.engines.split(","):
                r: dict = {"system": f"Li|{system}", "construction": construction, "engine": engine, "level": args.level,
                           "gap_A": args.gap, "area_A2": m.area_A2}
                for part, atoms in (("film", film), ("substrate", sub), ("interface", it)):
                    r[part] = single_point(engine, args.level, atoms, work, f"{system}-{construction}-{part}", phases)
                    p = r[part]
                    print(f"   {engine:<5} {part:<10} {p['n_atoms']:>4} atoms {p['wall_s']:>7.0f} s, {p['scf_iterations']:>3} SCF iterations, "
                          f"{p['s_per_iteration'] or float('nan'):>6.1f} s/iteration (load {p['load']:.1f})", flush=True)
                r["w_ad_rigid_J_m2"] = (r["film"]["energy_eV"] + r["substrate"]["energy_eV"] - r["interface"]["energy_eV"]) / m.area_A2 * J
                r["wall_s"] = sum(r[k]["wall_s"] for k in ("film", "substrate", "interface"))
                print(f"   {engine:<5} W_ad (rigid, gap {args.gap} A) {r['w_ad_rigid_J_m2']:.3f} J/m2; three single points {r['wall_s']:.0f} s", flush=True)
                rows.append(r)
    by = {(r["system"], r["construction"]): {} for r in rows}
    for r in rows:
        by[r["system"], r["construction"]][r["engine"]] = r
    for key, d in by.items():
        if "gpaw" in d and "cp2k" in d:
            ratio = d["gpaw"]["wall_s"] / d["cp2k"]["wall_s"]
            dw = d["cp2k"]["w_ad_rigid_J_m2"] - d["gpaw"]["w_ad_rigid_J_m2"]
            print(f"{key[0]} {key[1]}: GPAW / CP2K wall time {ratio:.2f}; W_ad CP2K - GPAW {dw:+.3f} J/m2")
    if args.out:
        with open(args.out, "x") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
