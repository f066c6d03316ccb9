"""Benchmark: the phase-field ζ update on the NumPy vs the JAX array backend (CPU), per step, at N×N.

The case is the ``lni-5cnt`` preset's layer on an N×N grid at 1 µA/cm² (as ``phasefield_electrodeposition.py``). One
potential solve is made at set-up; the timed steps then only advance ζ (``potential_every`` larger than the steps: the
lagged kinetics are re-applied to the moving sites each step), i.e. what :mod:`lisse.sim.phasefield.backend` moves to
the backend: the spectral (DCT) semi-implicit update, the Allen–Cahn/pressure/profile terms, the site densities and the
Faraday-scaled source. NumPy is the anchor, timed in the same process; the ratio is printed. Also timed: the host↔device
traffic of one potential solve (ζ to the host, the two kinetics fields back), which is what a solve adds on a backend
(NumPy: nothing; the field is shared).

One core: ``OMP_NUM_THREADS=1`` and, for JAX/XLA, ``XLA_FLAGS=--xla_cpu_multi_thread_eigen=false
intra_op_parallelism_threads=1`` are set here unless already set (before JAX is imported). JAX compiles the update once
(the first, untimed, ``warmup`` steps). State the machine load (uptime) with the numbers.

Run:  PYTHONPATH=src python benchmarks/phasefield_backend.py [--grid 256] [--steps 50] [--repeats 5] [--warmup 5]
      [--backends numpy jax]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")


def _solver(n: int, backend: str, steps: int):
    from lisse.sim.phasefield.presets import preset_settings, setup_run

    s = preset_settings("lni-5cnt", grid=n)
    s["shape"] = (n, n)
    s["current_density"] = 0.01  # A/m2 = 1 µA/cm2
    s["potential_every"] = 10**9  # no solve inside the timed steps
    s["backend"] = backend
    return setup_run(s).solver


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--grid", type=int, default=256)
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--backends", nargs="+", default=["numpy", "jax"])
    a = ap.parse_args(argv)
    print(f"load average {os.getloadavg()}; grid {a.grid}²; {a.steps} steps x {a.repeats} repeats; "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']} XLA_FLAGS={os.environ['XLA_FLAGS']!r}")
    per_step: dict[str, float] = {}
    for name in a.backends:
        s = _solver(a.grid, name, a.steps)
        s.step(a.warmup)
        times = []
        for _ in range(a.repeats):
            t = time.perf_counter()
            s.step(a.steps)
            _ = s.zeta[0, 0]  # wait for the device (JAX dispatches asynchronously)
            times.append((time.perf_counter() - t) / a.steps)
        down, up = [], []
        for _ in range(a.repeats):  # the host<->device traffic of one potential solve: ζ down, the two kinetics fields up
            s.__dict__["_host_zeta"] = None  # drop the host mirror
            t = time.perf_counter()
            _ = s.zeta
            down.append(time.perf_counter() - t)
            t = time.perf_counter()
            for f in (s._ibv, s._ibv_nuc):
                d = s._bk.asarray(f.copy())
                getattr(d, "block_until_ready", lambda: None)()
            up.append(time.perf_counter() - t)
        per_step[name] = statistics.median(times)
        print(f"{name:6s} ζ update per step: min {min(times) * 1e3:.2f} / median {statistics.median(times) * 1e3:.2f} / "
              f"max {max(times) * 1e3:.2f} ms;  per solve: ζ to host {statistics.median(down) * 1e3:.3f} ms, "
              f"kinetics to device {statistics.median(up) * 1e3:.3f} ms")
    if "numpy" in per_step:
        for name, v in per_step.items():
            if name != "numpy":
                print(f"ratio {name}/numpy per step: {v / per_step['numpy']:.2f}")


if __name__ == "__main__":
    main()
