"""Speed of a 25-step CCD staircase prediction (lisse.sim.interface), and how the cost grows with mesh and steps.

Run: ``OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/interface_ccd_speed.py [--repeats 5]``. Prints the distribution (median,
min, max over repeats) of the wall time of ``predict_ccd`` for a bare interface and for a 90 um LNI-5CNT interlayer,
an anchor (a fixed numpy workload timed in the same run, so machines can be compared by the ratio), and the
scaling with the interlayer mesh (``n_cells``) and with the number of staircase steps. Target (issue 11): < 2 s
for 25 steps on one core. Also the whole answer ``lisse simulate ccd`` gives: the prediction plus its time-step ladder
(:func:`lisse.sim.interface.converge_time_step`: at least one check at twice the points, more where the readings move).
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np


def _time(fn, repeats: int, cpu: list[float] | None = None) -> list[float]:
    out = []
    for _ in range(repeats):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        out.append(time.perf_counter() - t0)
        if cpu is not None:
            cpu.append(time.process_time() - c0)
    return out


def _anchor() -> None:
    a = np.random.default_rng(0).random((300, 300))
    for _ in range(20):
        np.linalg.solve(a + 300 * np.eye(300), a[:, 0])


def main() -> None:
    from lisse.sim.interface import build_model, converge_time_step, predict_ccd, simulate, staircase

    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    anchor = statistics.median(_time(_anchor, args.repeats))
    proto = staircase("fixed-time", start="0.2 mA/cm2", increment="0.2 mA/cm2", step_time="1 h", max_current="5 mA/cm2")
    assert proto.n_half_cycles == 50
    print(f"anchor (20 dense 300x300 solves): {anchor * 1e3:.1f} ms")
    for label, model in (("bare LPSC", build_model(None, electrolyte="LPSC", flaw_size="100 um")),
                         ("LNI-5CNT 90 um (fails at the 2nd step)", build_model("LNI-5CNT")),
                         ("LNI-5CNT 90 um, contact kept, no short (all 25 steps run)",
                          build_model("LNI-5CNT", self_diffusivity="1e-7 cm2/s", fracture_toughness="100 MPa*m**0.5"))):
        cpu: list[float] = []
        ts = _time(lambda m=model: predict_ccd(m, proto), args.repeats, cpu)
        print(f"25-step staircase, {label}: median {statistics.median(ts):.3f} s (min {min(ts):.3f}, max {max(ts):.3f}; "
              f"CPU median {statistics.median(cpu):.3f} s); ratio to anchor {statistics.median(ts) / anchor:.1f}")
        rungs: list[int] = []

        def laddered(m=model, rungs=rungs) -> None:
            _pred, chk = converge_time_step(m, proto, predict_ccd(m, proto))
            rungs.append(len(chk["ladder"]))

        tl = _time(laddered, args.repeats)
        print(f"  with the time-step ladder (simulate ccd's answer): median {statistics.median(tl):.3f} s (min {min(tl):.3f}, "
              f"max {max(tl):.3f}); {statistics.median(tl) / statistics.median(ts):.1f}x the prediction alone; resolutions "
              f"read: {max(rungs)}")
    # the scaling runs every step: the contact is kept (fast resupply) and the electrolyte does not crack, so no run
    # stops at a failure (with the library parameters LNI-5CNT fails on the second step and the cost says little)
    model = build_model("LNI-5CNT", self_diffusivity="1e-7 cm2/s", fracture_toughness="100 MPa*m**0.5")
    print("scaling (LNI-5CNT 90 um, contact kept, no short: every step runs; CPU time of simulate):")
    base = None
    for n in (15, 30, 60, 120, 240):
        cpu: list[float] = []
        _time(lambda n=n: simulate(model, proto, n_cells=n), max(1, args.repeats // 2), cpu)
        t = statistics.median(cpu)
        base = base or t
        print(f"  mesh n_cells={n:4d}: {t:.3f} s (x{t / base:.2f})")
    base = None
    for steps in (5, 10, 25, 50):
        p = staircase("fixed-time", start="0.2 mA/cm2", increment="0.2 mA/cm2", step_time="1 h", max_current=f"{0.2 * steps} mA/cm2")
        cpu = []
        _time(lambda p=p: simulate(model, p), max(1, args.repeats // 2), cpu)
        t = statistics.median(cpu)
        base = base or t
        print(f"  steps={steps:3d}: {t:.3f} s (x{t / base:.2f})")
    base = None
    for ppc in (10, 20, 40):
        cpu = []
        _time(lambda k=ppc: simulate(model, proto, points_per_half_cycle=k), max(1, args.repeats // 2), cpu)
        t = statistics.median(cpu)
        base = base or t
        print(f"  points_per_half_cycle={ppc:3d}: {t:.3f} s (x{t / base:.2f})")


if __name__ == "__main__":
    main()
