"""Benchmark: a 20 x 20 map of the predicted CCD over (sigma_e, sigma_ion) (issue 11 target: under 60 s).

Run: ``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/interface_ccd_map.py [--points 20] [--repeats 3] [--jobs 1]``.

Each map point is one :func:`lisse.sim.interface.predict_ccd` run (a whole staircase through the transient
simulator, judged by the CCD detector). The anchor, measured in the same run before every map repeat, is one
staircase of the map's base interface (LNI-5CNT, 90 um, fixed capacity 0.2 mAh/cm2 per half cycle, 0.5 mA/cm2
steps to 10 mA/cm2, the map default of ``lisse simulate map``): the ratio map / anchor says how many single
predictions the map costs, which is what scales with the machine, while the wall times themselves depend on the load of a shared machine (say so when
you quote them). Prints the distribution of the wall time over the repeats, the ratio, the points at the search
limit and the path of the figure (and CSV) written to ``--out`` (default: a new temporary folder).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=20, help="points per axis (default 20)")
    ap.add_argument("--repeats", type=int, default=3, help="map repeats (default 3)")
    ap.add_argument("--jobs", type=int, default=1, help="local processes for the map points (default 1)")
    ap.add_argument("--out", default=None, help="folder for the figure and table (default: a new temporary folder)")
    a = ap.parse_args(argv)

    import pandas as pd

    from lisse.io.outputs import atomic_write_text, save_figure
    from lisse.plot.interface import ccd_map_figure
    from lisse.sim.interface import build_model, predict_ccd, staircase
    from lisse.sim.interface.maps import map_conductivities, map_table

    base: dict[str, Any] = {"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}
    proto = staircase("fixed-capacity", start=5.0, increment=5.0, step_capacity=0.2 * 3.6e4, max_current=100.0)
    se = np.geomspace(1e-8, 1e-1, a.points) * 100.0  # S/cm -> S/m
    si = np.geomspace(1e-8, 1e-2, a.points) * 100.0
    predict_ccd(build_model(**base), proto)  # warm-up: imports and caches outside the timing

    anchors, maps_s = [], []
    m = None
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        predict_ccd(build_model(**base), proto)
        anchors.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        m = map_conductivities(base, se, si, proto, jobs=a.jobs)
        maps_s.append(time.perf_counter() - t0)
    assert m is not None
    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="lisse-ccd-map-"))
    out.mkdir(parents=True, exist_ok=True)
    fig = save_figure(ccd_map_figure(m, f"predicted CCD, LNI-5CNT 90 um, {a.points} x {a.points}"), out / "ccd_map_conductivity.png")
    import io

    buf = io.StringIO()
    pd.DataFrame(map_table(m)).to_csv(buf, index=False)
    table = atomic_write_text(out / "ccd_map_conductivity.csv", buf.getvalue())

    def dist(xs: list[float]) -> str:
        return f"min {min(xs):.3f}  median {statistics.median(xs):.3f}  max {max(xs):.3f} s"

    n = a.points * a.points
    ratio = [mp / an for mp, an in zip(maps_s, anchors)]
    ccd = np.asarray(m["ccd"], dtype=float)
    n_nj = sum(str(v).startswith("not judged") for v in np.asarray(m["failure_mode"], dtype=object).ravel())
    print(f"CCD map over (sigma_e, sigma_ion): {a.points} x {a.points} = {n} staircases, jobs={a.jobs}, {a.repeats} repeats")
    print(f"  map time      {dist(maps_s)}   (target < 60 s)")
    print(f"  anchor        {dist(anchors)}   (one staircase of the base interface)")
    print(f"  map / anchor  median {statistics.median(ratio):.1f} (a serial map of n equal points would be ~{n})")
    print(f"  per point     median {statistics.median(maps_s) / n * 1e3:.1f} ms")
    print(f"  CCD range     {np.nanmin(ccd) / 10 if np.isfinite(ccd).any() else float('nan'):.3g} to "
          f"{np.nanmax(ccd) / 10 if np.isfinite(ccd).any() else float('nan'):.3g} mA/cm2; "
          f"{int(np.sum(m['search_limit_reached']))} points at the search limit, {int(np.sum(~np.isfinite(ccd)) - n_nj)} without a "
          f"stable step, {n_nj} not judged (failure_mode 'not judged: ...' in the table)")
    print(f"  figure        {fig}")
    print(f"  table         {table}")


if __name__ == "__main__":
    main()
