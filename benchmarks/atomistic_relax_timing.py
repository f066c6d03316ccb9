"""Wall time vs atom count for slab and interface relaxations, per ML calculator.

Run: PYTHONPATH=src OMP_NUM_THREADS=1 python benchmarks/atomistic_relax_timing.py [--steps 10] [calc ...]
(default calculators: chgnet, chgnet:r2scan, sevennet if installed). Each relaxation runs a fixed
number of BFGS steps (fmax = 1e-6 so none stops early); printed: atoms, wall time, s/step, ms/(atom step).
No cache is used. Absolute times depend on machine load (the 2-core dev machine is shared).
"""

from __future__ import annotations

import sys
import time

from lisse.atomistic.calculators import get_calculator
from lisse.atomistic.engine import Job, run_job
from lisse.atomistic.interfaces import build_interface, lattice_matches
from lisse.atomistic.slabs import make_slab, set_vacuum
from lisse.atomistic.structures import bulk


def structures():
    li = bulk("Li")
    li.set_cell(li.cell.array * 0.97, scale_atoms=True)  # close to the ML lattice (~3.41 A)
    lif = bulk("LiF")
    lif.set_cell(lif.cell.array * 1.01, scale_atoms=True)
    out = []
    for n in (2, 3, 4):
        s = set_vacuum(make_slab(li, (1, 0, 0), 5, 12.0).repeat((n, n, 1)), 12.0)
        out.append(("slab Li(100)", s))
    sb = make_slab(lif, (1, 0, 0), 3, 12.0)
    for nl in (3, 5, 7):
        fl = make_slab(li, (1, 0, 0), nl, 12.0)
        m = lattice_matches(fl, sb, max_strain=0.03)[0]
        it, _, _ = build_interface(fl, sb, m, gap=2.2, vacuum=12.0)
        out.append(("interface Li(100)|LiF(100)", it))
    return out


def main(argv):
    steps = 10
    if "--steps" in argv:
        steps = int(argv[argv.index("--steps") + 1])
        argv = [a for i, a in enumerate(argv) if a != "--steps" and (i == 0 or argv[i - 1] != "--steps")]
    calcs = argv or ["chgnet", "chgnet:r2scan", "sevennet"]
    structs = structures()
    print(f"{'calculator':15s} {'system':28s} {'atoms':>6s} {'wall_s':>8s} {'s/step':>8s} {'ms/atom/step':>13s}")
    for c in calcs:
        try:
            calc = get_calculator(c)
            calc.ase_calculator()
        except Exception as exc:  # missing optional package
            print(f"{c:15s} skipped: {exc}")
            continue
        a0 = structs[0][1].copy()
        run_job(calc, Job("warmup", a0, "single"))
        for name, a in structs:
            t = time.perf_counter()
            r = run_job(calc, Job("bench", a, "relax", fmax=1e-6, steps=steps))
            w = time.perf_counter() - t
            nst = max(r.n_steps, 1)
            print(f"{c:15s} {name:28s} {len(a):6d} {w:8.2f} {w / nst:8.3f} {1000 * w / nst / len(a):13.2f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
