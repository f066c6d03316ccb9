"""Benchmark: cell-design arithmetic throughput and the full `lisse evaluate` design stage.

Run: ``PYTHONPATH=src python benchmarks/cell_design.py``. Prints designs per second for a Li-thickness
sweep (no established open tool does this job; spreadsheets are the alternative), and the wall time of
building and summarising one design from strings with units (the CLI path).
"""

from __future__ import annotations

import time

import numpy as np

from lisse.cell import CellDesign
from lisse.cell.summary import summarize


def main() -> None:
    base = CellDesign.from_inputs(
        li_thickness="7.54 um", cathode_capacity="1.5 mAh/cm2", electrolyte="LLZTO", electrolyte_thickness="600 um",
        positive_collector_thickness="12 um",
    )
    thick = np.linspace(0, 100e-6, 10_000)
    t0 = time.perf_counter()
    vals = [base.with_li_thickness(t).gravimetric_energy_density for t in thick]
    dt = time.perf_counter() - t0
    print(f"Li-thickness sweep: {len(vals)} designs in {dt * 1e3:.1f} ms -> {len(vals) / dt:,.0f} designs/s")
    t0 = time.perf_counter()
    n = 200
    for _ in range(n):
        summarize(CellDesign.from_inputs(li_thickness="7.54 um", cathode_capacity="1.5 mAh/cm2"))
    dt = time.perf_counter() - t0
    print(f"from strings with units + summary: {dt / n * 1e3:.2f} ms per design")


if __name__ == "__main__":
    main()
