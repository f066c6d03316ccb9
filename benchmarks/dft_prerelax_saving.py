"""DFT ionic steps that an ML pre-relaxation saves, and the time per DFT work of adhesion (issue 17, Performance).

Run (hours at the screening level on 2 cores; every job is cached, so a rerun with the same cache directories
prints at once and an interrupted run resumes)::

    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/dft_prerelax_saving.py --substrate LiF \
        --cache-ml CACHE_A --cache-dft CACHE_B [--level screening] [--dispersion d3] [--cutoff-eV 450] \
        [--supercells 4x4,3x3 --supercell-cell conventional] [--film-layers 5] [--substrate-layers 3] \
        [--shifts 1] [--gaps 2.0 2.4] [--starts 1] [--steps 60] [--out FILE]

It runs lisse's GPAW adhesion workflow twice on the same construction: once with ``prerelax="chgnet"`` (every
relaxation starts from the CHGNet-relaxed geometry) and once without (DFT from the built structure). For every
relaxation it prints the DFT ionic steps of both runs, the steps saved and the DFT wall time of each; then both
W_ad values (they must agree to the level's tolerance: both are DFT-relaxed) and the total DFT wall time per W_ad.
Wall times are those stored with each job (measured when it ran, under whatever load the machine had then; a
relaxation resumed in a later process counts only its last part, flagged ``resumed``). ``--cached-only`` prints from
the caches and stops at the first job that is not there (no DFT is started). ``--so-far`` prints, for two runs still in
progress, the relaxations both caches hold finished (matched by job name; no workflow is run and no DFT started).
"""

from __future__ import annotations

import argparse
import json
import os

from lisse.atomistic.calculators import GPAWCalculator
from lisse.atomistic.workflows import ROW_TOLERANCES_J_M2, adhesion_workflow
from lisse.errors import CalculationError
from lisse.io.atomistic_cache import JobCache


def refuse_to_compute() -> None:
    """``--cached-only``: a job the caches cannot serve raises instead of computing.

    :func:`lisse.atomistic.engine.run_job` prepares the calculator only after every lookup missed (the key, the key
    entries stored before 2026-12-06 are filed under, and for DFT the entries a float apart), so a ``prepare`` that
    raises refuses exactly the jobs that are not there. (A cache whose ``get`` raised on a miss stopped at the first
    key, before those other lookups.)
    """
    from lisse.atomistic.calculators import AtomisticCalculator

    def refuse(self, atoms) -> object:
        raise CalculationError(f"a {self.info.kind} job on {atoms.get_chemical_formula()} is not in the caches (--cached-only)")

    for cls in (AtomisticCalculator, GPAWCalculator):  # GPAW has its own prepare
        cls.prepare = refuse  # type: ignore[method-assign]


def so_far(ml_dir: str, dft_dir: str) -> list[dict]:
    """The finished relaxations (by job name) of two runs in progress, read from their cache folders' entries."""
    from pathlib import Path

    def finished(d: str) -> dict[str, dict]:
        out = {}
        for f in sorted(Path(d).glob("*.json"), key=lambda p: p.stat().st_mtime):  # the newest entry of a name wins
            e = json.loads(f.read_text())
            if not e.get("partial") and e.get("job") and not e["job"].endswith("_prerelax"):
                out[e["job"]] = e
        return out

    ml, dft = finished(ml_dir), finished(dft_dir)
    pre = {e["job"][: -len("_prerelax")]: e for f in sorted(Path(ml_dir).glob("*.json"))
           if (e := json.loads(f.read_text())).get("job", "").endswith("_prerelax")}
    rows = []
    for name, d in dft.items():
        if name in ml and d.get("n_steps", 0) > 0:
            m = ml[name]
            rows.append({"job": name, "dft_steps": d["n_steps"], "dft_steps_after_ml": m["n_steps"],
                         "ml_steps": pre.get(name, {}).get("n_steps"), "steps_saved": d["n_steps"] - m["n_steps"],
                         "dft_wall_s": d.get("wall_s"), "dft_wall_after_ml_s": m.get("wall_s")})
    return rows


def run(args, prerelax: str | None, cache_dir: str) -> dict:
    cache = JobCache(cache_dir)
    calc = GPAWCalculator(args.level, args.dispersion, ecut=args.cutoff_eV)
    kw = dict(substrate_miller=tuple(args.substrate_miller), film_miller=(1, 0, 0), substrate_layers=args.substrate_layers,
              film_layers=args.film_layers, n_starts=args.starts, steps=args.steps, gaps=tuple(args.gaps), n_shift=args.shifts)
    if args.supercells:
        f, s = (tuple(int(x) for x in p.split("x")) for p in args.supercells.split(","))
        kw.update(film_supercell=f, substrate_supercell=s, supercell_cell=args.supercell_cell)
    return adhesion_workflow(calc, args.substrate, cache=cache, prerelax=prerelax, **kw)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--substrate", default="LiF")
    ap.add_argument("--cache-ml", required=True, help="cache directory of the run with the CHGNet pre-relaxation")
    ap.add_argument("--cache-dft", required=True, help="cache directory of the DFT-only run")
    ap.add_argument("--level", default="screening")
    ap.add_argument("--dispersion", default=None, choices=(None, "d3"))
    ap.add_argument("--cutoff-eV", type=float, default=None)
    ap.add_argument("--supercells", default=None, help="e.g. 4x4,3x3 (Ji2025's cells); default: the coherent search")
    ap.add_argument("--supercell-cell", default="conventional")
    ap.add_argument("--substrate-miller", type=int, nargs=3, default=(1, 0, 0))
    ap.add_argument("--film-layers", type=int, default=5)
    ap.add_argument("--substrate-layers", type=int, default=3)
    ap.add_argument("--shifts", type=int, default=1)
    ap.add_argument("--gaps", type=float, nargs="+", default=(2.0, 2.4))
    ap.add_argument("--starts", type=int, default=1)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--out", default=None)
    ap.add_argument("--cached-only", action="store_true", help="print from the caches; never start a calculation")
    ap.add_argument("--so-far", action="store_true", help="two runs in progress: the relaxations both have finished (from the cache files)")
    args = ap.parse_args()
    if args.cached_only:
        refuse_to_compute()
    if args.so_far:
        rows = so_far(args.cache_ml, args.cache_dft)
        print(f"{'relaxation':28s} {'DFT steps':>9s} {'after ML':>8s} {'ML steps':>8s} {'saved':>6s} {'DFT s':>8s} {'after ML s':>10s}")
        for r in rows:
            print(f"{r['job']:28s} {r['dft_steps']:9d} {r['dft_steps_after_ml']:8d} {r['ml_steps'] if r['ml_steps'] is not None else '-':>8} "
                  f"{r['steps_saved']:6d} {r['dft_wall_s'] or 0:8.0f} {r['dft_wall_after_ml_s'] or 0:10.0f}")
        n_d, n_m = sum(r["dft_steps"] for r in rows), sum(r["dft_steps_after_ml"] for r in rows)
        print(f"so far, {len(rows)} relaxations finished in both runs: {n_d} DFT ionic steps from the built structures, {n_m} after CHGNet")
        return

    try:
        res = {"ml": run(args, "chgnet", args.cache_ml), "dft": run(args, None, args.cache_dft)}
    except CalculationError as exc:
        if not args.cached_only:
            raise
        raise SystemExit(f"not complete yet: {exc}") from None
    jobs = {k: {j["name"]: j for j in r["jobs"]} for k, r in res.items()}
    rows = []
    print(f"{'relaxation':28s} {'atoms':>5s} {'DFT steps':>9s} {'after ML':>8s} {'ML steps':>8s} {'saved':>6s} {'DFT s':>8s} {'after ML s':>10s}")
    for name, d in jobs["dft"].items():
        m = jobs["ml"].get(name)
        if m is None or d["n_steps"] == 0 and m.get("prerelax") is None:
            continue  # single points (no relaxation to save)
        ml_steps = (m.get("prerelax") or {}).get("n_steps")
        row = {"job": name, "n_atoms": d["n_atoms"], "dft_steps": d["n_steps"], "dft_steps_after_ml": m["n_steps"], "ml_steps": ml_steps,
               "steps_saved": d["n_steps"] - m["n_steps"], "dft_wall_s": d["wall_s"], "dft_wall_after_ml_s": m["wall_s"],
               "resumed": bool(d.get("resumed_from_step") or m.get("resumed_from_step")), "converged": [d["converged"], m["converged"]]}
        rows.append(row)
        print(f"{name:28s} {d['n_atoms']:5d} {d['n_steps']:9d} {m['n_steps']:8d} {ml_steps if ml_steps is not None else '-':>8} {row['steps_saved']:6d} "
              f"{d['wall_s']:8.0f} {m['wall_s']:10.0f}{'  resumed' if row['resumed'] else ''}{'' if all(row['converged']) else '  NOT CONVERGED'}")
    tot = {k: sum(j["wall_s"] for j in v.values()) for k, v in jobs.items()}
    ml_wall = sum((j.get("prerelax") or {}).get("wall_s", 0.0) for j in jobs["ml"].values())
    steps = {k: sum(r[c] for r in rows) for k, c in (("dft", "dft_steps"), ("ml", "dft_steps_after_ml"))}
    w = {k: r["work_of_adhesion_J_m2"] for k, r in res.items()}
    print(f"DFT ionic steps, all relaxations: {steps['dft']} from the built structures, {steps['ml']} after CHGNet "
          f"({steps['dft'] - steps['ml']} saved, {100 * (1 - steps['ml'] / max(steps['dft'], 1)):.0f} %)")
    tol = ROW_TOLERANCES_J_M2.get(args.level, 0.02)
    agree = abs(w["ml"] - w["dft"]) <= tol
    print(f"W_ad: {w['dft']:.3f} J/m2 (DFT only), {w['ml']:.3f} J/m2 (after CHGNet), difference {w['ml'] - w['dft']:+.3f} J/m2: "
          f"{'within' if agree else 'OUTSIDE'} the {args.level} tolerance {tol} J/m2 (both DFT-relaxed: they should agree)")
    print(f"DFT wall time per W_ad (sum over jobs, as measured): {tot['dft'] / 3600:.2f} h DFT only, {tot['ml'] / 3600:.2f} h DFT + "
          f"{ml_wall / 60:.1f} min CHGNet with the pre-relaxation (ratio {(tot['ml'] + ml_wall) / max(tot['dft'], 1e-9):.2f}); "
          f"load average now {os.getloadavg()[0]:.1f}")
    out = {"substrate": args.substrate, "level": args.level, "dispersion": args.dispersion, "supercells": args.supercells, "rows": rows,
           "dft_steps_total": steps["dft"], "dft_steps_after_ml_total": steps["ml"], "work_of_adhesion_J_m2": w,
           "dft_wall_per_w_ad_s": tot, "ml_prerelax_wall_s": ml_wall, "w_ad_agree_within_tolerance": agree, "strain_percent": res["dft"].get("strain_percent")}
    if args.out:
        tmp = f"{args.out}.tmp"
        with open(tmp, "w") as f:
            json.dump(out, f, indent=1)
        os.replace(tmp, args.out)


if __name__ == "__main__":
    main()
