"""How often a predicted CCD moves with the time step, and what reading it where it converged costs (issue 11).

Run: ``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/interface_ccd_ladder.py [--cases 40] [--seed 39]``.

Draws random interfaces (bare LNI, LPSC or LLZO, or an LNI-CNT interlayer of random thickness and porosity, at
0.1-6 MPa) and random staircases (fixed time or fixed capacity, 0.02-0.2 mA/cm2 steps, 40 steps), predicts each CCD
at the default 20 points per half cycle (:func:`lisse.sim.interface.predict_ccd`) and then runs the time-step ladder
(:func:`lisse.sim.interface.converge_time_step`, what ``lisse simulate ccd`` and a study do). Prints, over all cases: how
many resolutions the ladder read, how many converged, which moved from their 20-point failing step and by how many
steps, and the distribution of the ladder's cost as a multiple of the 20-point prediction it checks (the anchor: the
same work, in the same run).
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import Counter


def draw(rng: random.Random) -> tuple[dict, str, dict]:
    """One random interface (build_model keywords), staircase kind and staircase keywords."""
    kw: dict = {"electrolyte": rng.choice(["LNI", "LPSC", "LLZO"]), "pressure": f"{rng.choice([0.1, 1, 3, 6])} MPa"}
    layer = rng.choice(["LNI-0.5CNT", "LNI-5CNT", "LNI-50CNT", None])
    if layer:
        kw.update(interlayer=layer, interlayer_thickness=f"{rng.choice([10, 20, 40, 90, 150])} um",
                  porosity=rng.choice([0.2, 0.3, 0.5]))
    inc = rng.choice([0.02, 0.05, 0.1, 0.2])
    kind = rng.choice(["fixed-time", "fixed-capacity"])
    step = ({"step_time": f"{rng.choice([0.5, 1])} h"} if kind == "fixed-time"
            else {"step_capacity": f"{rng.choice([0.1, 0.2, 0.5])} mAh/cm2"})
    return kw, kind, {"start": f"{inc} mA/cm2", "increment": f"{inc} mA/cm2", "max_current": f"{inc * 40:g} mA/cm2", **step}


def main(argv: list[str] | None = None) -> None:
    from lisse.errors import LisseError
    from lisse.sim.interface import build_model, converge_time_step, predict_ccd, staircase
    from lisse.sim.interface.predict import same_failing_step

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=40, help="number of random cases (default 40)")
    ap.add_argument("--seed", type=int, default=39, help="random seed of the draw (default 39)")
    a = ap.parse_args(argv)
    rng = random.Random(a.seed)
    rows, refused = [], 0
    for k in range(a.cases):
        kw, kind, skw = draw(rng)
        try:
            model, proto = build_model(**kw), staircase(kind, **skw)
            t0 = time.perf_counter()
            pred = predict_ccd(model, proto)
            t_pred = time.perf_counter() - t0
            first = (pred.failing_current_density_A_m2, pred.foil_limited)
            got, chk = converge_time_step(model, proto, pred)
            t_all = time.perf_counter() - t0
        except LisseError as exc:  # a draw the simulator refuses (e.g. a foil the first half cycle strips away)
            refused += 1
            print(f"{k:3d} refused: {exc}")
            continue
        _same, apart = same_failing_step(proto, first, (got.failing_current_density_A_m2, got.foil_limited))
        moved = not _same
        rows.append({"rungs": len(chk["ladder"]), "converged": chk["converged"], "moved": moved, "apart": apart,
                     "ratio": t_all / t_pred, "seconds": t_all})
        fail = "none" if got.failing_current_density_A_m2 is None else f"{got.failing_current_density_A_m2 / 10:.3g}"
        print(f"{k:3d} {kw} {kind} {skw['increment']}: read at {got.points_per_half_cycle} points (failing {fail} mA/cm2), "
              f"{len(chk['ladder'])} resolutions, {'moved' if moved else 'same step as at 20'}"
              f"{'' if apart in (None, 0) else f' ({apart} steps)'}; {t_all:.2f} s ({t_all / t_pred:.1f}x the prediction)",
              flush=True)
    if not rows:
        print("no case ran")
        return
    ratios = sorted(r["ratio"] for r in rows)
    secs = sorted(r["seconds"] for r in rows)
    moved = [r for r in rows if r["moved"]]
    print(f"\n{len(rows)} cases run ({refused} refused), seed {a.seed}")
    print("resolutions read per case: " + ", ".join(f"{n}: {c}" for n, c in sorted(Counter(r['rungs'] for r in rows).items())))
    print(f"converged (two successive resolutions read the same failing step, up to 320 points): "
          f"{sum(r['converged'] for r in rows)} of {len(rows)}")
    print(f"moved from the 20-point failing step: {len(moved)} of {len(rows)} (steps apart: "
          f"{', '.join(str(r['apart']) if r['apart'] is not None else 'failure at one resolution only' for r in moved) or '-'})")
    print(f"cost of the ladder as a multiple of the 20-point prediction: median {statistics.median(ratios):.2f}, "
          f"90th percentile {ratios[int(0.9 * (len(ratios) - 1))]:.2f}, max {ratios[-1]:.2f}")
    print(f"wall time with the ladder: median {statistics.median(secs):.2f} s, max {secs[-1]:.2f} s")


if __name__ == "__main__":
    main()
