"""Benchmark: 20 x 20 maps of the predicted CCD (issue 11 target: under 60 s on one core) and their equality with single runs.

Run: ``PYTHONPATH=src python benchmarks/interface_ccd_map.py [--points 20] [--repeats 1] [--kinds conductivity thickness-porosity]
[--jobs N]``
(the script sets ``OMP_NUM_THREADS=1`` itself: one core).

Each map point is one :func:`lisse.sim.interface.predict_ccd` run (a whole staircase through the transient simulator,
judged by the CCD and short detectors), with the default axes and staircase of ``lisse simulate map`` (LNI-5CNT;
conductivity: sigma_e 1e-8..0.1 S/cm x sigma_ion 1e-8..0.01 S/cm at 90 um; thickness-porosity: 5..200 um x 0.1..0.7;
fixed capacity 0.2 mAh/cm2 per half cycle, 0.5 mA/cm2 steps to 10 mA/cm2). Printed per kind:

* the map's wall time and CPU time of this process (one core) over the repeats (min / median / max), and the
  distribution of the per-point times (from the progress callback, which reports per chunk of points simulated in
  lockstep: median, 90th percentile, max of the chunk averages);
* the anchor, timed in the same run before every repeat: the previous per-point path (``predict_ccd`` one point after
  the other) on ``--anchor-points`` of the map's points, scaled to the whole map; the ratio anchor / map is the speed-up
  of the lockstep map, which carries over between machines better than the wall times (those depend on the load of a
  shared machine: say so when quoting them);
* with ``--jobs N``, the same map's wall time on N worker processes (``lisse simulate map --jobs N``) and the ratio to
  one core, with a check that both give the same CCDs;
* a check that the map equals point-by-point ``predict_ccd`` on the anchor's points (CCD and failure mode);
* the figure and CSV written to ``--out`` (default: a new temporary folder).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core (before numpy loads its BLAS)

import argparse  # noqa: E402
import io  # noqa: E402
import math  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402


def _dist(xs: list[float], unit: str = "s") -> str:
    return f"min {min(xs):.3f}  median {statistics.median(xs):.3f}  max {max(xs):.3f} {unit}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=20, help="points per axis (default 20)")
    ap.add_argument("--repeats", type=int, default=1, help="map repeats per kind (default 1; each 20 x 20 map takes 0.5-2.5 min on one core)")
    ap.add_argument("--kinds", nargs="+", default=["conductivity", "thickness-porosity"],
                    choices=["conductivity", "thickness-porosity"], help="which maps (default both)")
    ap.add_argument("--anchor-points", type=int, default=40, help="map points the per-point anchor runs (default 40)")
    ap.add_argument("--jobs", type=int, default=1, help="also time the map with N worker processes (wall time; default 1: "
                                                      "one core only)")
    ap.add_argument("--out", default=None, help="folder for the figures and tables (default: a new temporary folder)")
    a = ap.parse_args(argv)

    import pandas as pd

    from lisse.cli.simulate import MAP_KINDS
    from lisse.io.outputs import atomic_write_text, save_figure
    from lisse.plot.interface import ccd_map_figure
    from lisse.sim.interface import build_model, predict_ccd, staircase
    from lisse.sim.interface.maps import AXES, map_conductivities, map_table, map_thickness_porosity

    proto = staircase("fixed-capacity", start=5.0, increment=5.0, step_capacity=0.2 * 3.6e4, max_current=100.0)
    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="lisse-ccd-map-"))
    out.mkdir(parents=True, exist_ok=True)
    n = a.points * a.points
    for kind in a.kinds:
        names, ranges, logs = MAP_KINDS[kind]
        axes = [np.geomspace(lo, hi, a.points) if log else np.linspace(lo, hi, a.points) for (lo, hi), log in zip(ranges, logs)]
        base: dict[str, Any] = {"interlayer": "LNI-5CNT"} | ({"interlayer_thickness": 90e-6} if kind == "conductivity" else {})
        run = map_conductivities if kind == "conductivity" else map_thickness_porosity
        predict_ccd(build_model(**base), proto)  # warm-up: imports and caches outside the timing
        kx, ky = AXES[names[0]][0], AXES[names[1]][0]
        grid = [(iy, ix) for iy in range(a.points) for ix in range(a.points)]
        # a seeded random sample (a stride would alias with the grid's rows and pick a few columns only)
        pick = np.random.default_rng(0).choice(len(grid), size=min(a.anchor_points, len(grid)), replace=False)
        sample = [grid[k] for k in sorted(pick)]
        walls, cpus, per_point, anchors = [], [], [], []
        singles: dict[tuple[int, int], Any] = {}
        m = None
        for _ in range(a.repeats):
            # the anchor: the previous per-point path (one predict_ccd after the other) on a sample of the map's points,
            # in the same run, scaled to the whole map
            t0 = time.perf_counter()
            for iy, ix in sample:
                singles[iy, ix] = predict_ccd(build_model(**base, **{kx: float(axes[0][ix]), ky: float(axes[1][iy])}), proto)
            anchors.append((time.perf_counter() - t0) * n / len(sample))
            stamps: list[tuple[int, float]] = []
            t0, c0 = time.perf_counter(), time.process_time()
            m = run(base, axes[0], axes[1], proto, progress=lambda done, total, st=stamps: st.append((done, time.perf_counter())))
            walls.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
            # progress comes per chunk of points simulated together: the time per point is the chunk's over its points
            done = np.array([0] + [d for d, _ in stamps])
            ts = np.array([t0] + [t for _, t in stamps])
            per_point += [float(dt / dn) for dt, dn in zip(np.diff(ts), np.diff(done)) if dn > 0]
        assert m is not None
        walls_jobs: list[float] = []
        if a.jobs > 1:  # the same map on N processes (lisse simulate map --jobs N), checked equal to the one-core map
            for _ in range(a.repeats):
                t0 = time.perf_counter()
                mj = run(base, axes[0], axes[1], proto, jobs=a.jobs)
                walls_jobs.append(time.perf_counter() - t0)
            same = np.array_equal(np.asarray(mj["ccd"], dtype=float), np.asarray(m["ccd"], dtype=float), equal_nan=True)
        # the map equals point-by-point predict_ccd on the anchor's points
        mismatches = 0
        for (iy, ix), p in singles.items():
            want = math.nan if p.ccd_A_m2 is None else p.ccd_A_m2
            got = float(m["ccd"][iy, ix])
            mismatches += not ((math.isnan(want) and math.isnan(got)) or want == got) or m["failure_mode"][iy, ix] != p.failure_mode
        fig = save_figure(ccd_map_figure(m, f"predicted CCD, LNI-5CNT, {kind}, {a.points} x {a.points}"),
                          out / f"ccd_map_{kind.replace('-', '_')}.png")
        buf = io.StringIO()
        pd.DataFrame(map_table(m)).to_csv(buf, index=False)
        table = atomic_write_text(out / f"ccd_map_{kind.replace('-', '_')}.csv", buf.getvalue())
        ratio = [an / w for w, an in zip(walls, anchors)]
        ccd = np.asarray(m["ccd"], dtype=float)
        pp = np.asarray(per_point)
        n_nj = sum(str(v).startswith("not judged") for v in np.asarray(m["failure_mode"], dtype=object).ravel())
        print(f"CCD map, {kind} ({names[0]} x {names[1]}): {a.points} x {a.points} = {n} staircases, one core, {a.repeats} repeat(s)")
        print(f"  map wall time   {_dist(walls)}   (target < 60 s)")
        print(f"  map CPU time    {_dist(cpus)}   (this process; under load the wall time is longer)")
        if walls_jobs:
            print(f"  map wall, {a.jobs} processes {_dist(walls_jobs)}   (ratio one core / {a.jobs} processes "
                  f"{statistics.median(walls) / statistics.median(walls_jobs):.2f}; same CCDs as one core: {'yes' if same else 'NO'})")
        print(f"  per point       median {np.median(pp) * 1e3:.1f} ms, 90 % {np.percentile(pp, 90) * 1e3:.1f} ms, "
              f"max {pp.max() * 1e3:.1f} ms (wall, averaged over each chunk of points simulated together)")
        print(f"  anchor          {_dist(anchors)}   (the per-point path, predict_ccd one point after the other, timed on "
              f"{len(sample)} of the {n} points in the same run and scaled to {n})")
        print(f"  anchor / map    median {statistics.median(ratio):.1f} (how much faster the lockstep map is than the per-point path)")
        print(f"  equals single   {'yes' if mismatches == 0 else f'NO ({mismatches} points differ)'} "
              f"(map vs predict_ccd on the anchor's {len(sample)} points: CCD and failure mode)")
        print(f"  CCD range       {np.nanmin(ccd) / 10 if np.isfinite(ccd).any() else float('nan'):.3g} to "
              f"{np.nanmax(ccd) / 10 if np.isfinite(ccd).any() else float('nan'):.3g} mA/cm2; "
              f"{int(np.sum(m['search_limit_reached']))} points at the search limit, {int(np.sum(~np.isfinite(ccd)) - n_nj)} "
              f"without a stable step, {n_nj} not judged")
        print(f"  figure          {fig}")
        print(f"  table           {table}")


if __name__ == "__main__":
    main()
