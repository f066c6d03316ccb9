"""
A folder of cycler files into one results database
==================================================

A lab collects cycler files by the hundred. Instead of opening them one at a time, ``lisse batch``
analyses a whole folder into a results database (SQLite): one row per file, one row per cycle (and per
half cycle, CCD step, spectrum, DRT peak) in their own tables, ready for SQL and pandas.

This tutorial

1. writes a small lab folder: six full-cell cycler exports with known capacity fade, a symmetric-cell
   CCD staircase, and one broken file,
2. runs the batch from Python with :func:`lisse.batch.run_batch` (the CLI is ``lisse batch cycling``),
3. queries the database with SQL,
4. plots capacity retention of every cell with pandas.

The files are generated here (the generator is shown), so every number can be checked against what went in.
"""

# %%
# Make a lab folder
# -----------------
# Each full cell is charged and discharged at 1 mA; cell k loses ``fade_k`` of its capacity per cycle
# (its discharge half cycle gets shorter). The CSV header carries the units (``time/s``, ``I/mA``).
import tempfile
from pathlib import Path

import numpy as np


def fullcell_csv(path, n_cycles, fade, current_mA=1.0, half_cycle_s=3600.0, dt_s=20.0):
    """A full-cell cycler export whose discharge capacity of cycle c is current*(half_cycle_s/3600)*(1-fade)**(c-1) mAh."""
    rows, t = [], 0.0
    for c in range(n_cycles):
        for sign, duration, v0, v1 in ((+1, half_cycle_s, 3.3, 4.1), (0, 300, 4.05, 4.05),
                                       (-1, half_cycle_s * (1 - fade) ** c, 4.0, 3.2), (0, 300, 3.25, 3.25)):
            n = int(duration // dt_s)
            for k in range(n):
                rows.append(f"{t:.1f},{v0 + (v1 - v0) * k / max(n - 1, 1):.5f},{sign * current_mA:.4f}")
                t += dt_s
    path.write_text("time/s,Ewe/V,I/mA\n" + "\n".join(rows) + "\n")


lab = Path(tempfile.mkdtemp(prefix="lisse-tutorial-06-"))
(lab / "data" / "2026-03").mkdir(parents=True)
fades = {f"NMC_cell{k}": f for k, f in enumerate([0.002, 0.004, 0.006, 0.008, 0.010, 0.015])}
for name, fade in fades.items():
    fullcell_csv(lab / "data" / "2026-03" / f"{name}.csv", n_cycles=30, fade=fade)

# a symmetric Li|LLZO|Li cell on a current-density staircase (lisse's synthetic generator, known CCD)
from lisse.sim.synthetic_cycling import ccd_staircase

rec, truth = ccd_staircase(area="0.785 cm2", j_critical="0.55 mA/cm2", seed=3)
(lab / "data" / "Li_LLZO_Li_ccd.csv").write_text(
    "time/s,Ewe/V,I/mA\n" + "\n".join(f"{a:.2f},{b:.6f},{c:.6f}" for a, b, c in zip(rec.time_s, rec.voltage_V, rec.current_A * 1e3)))
# and a file that is not what its name says
(lab / "data" / "broken.mpr").write_bytes(b"BIO-LOGIC MODULAR FILE\x1a" + bytes(200))
print(sorted(str(p.relative_to(lab)) for p in lab.rglob("*") if p.is_file()))

# %%
# Run the batch
# -------------
# Settings apply to every file (here the electrode area, so the staircase gets a CCD in mA/cm²).
# ``jobs=2`` would use two processes and ``scheduler="tcp://host:8786"`` a Dask cluster; results are
# written to the database as each file completes. The broken file becomes an error row.
from lisse.batch import BatchSettings, run_batch

result = run_batch([lab / "data"], out=lab / "results", settings=BatchSettings(area=0.785e-4))
print({k: v for k, v in result.summary().items() if k.startswith("files_")})
for f in result.failed:
    print("failed:", Path(f["file"]).name, "-", f["error"][:90])

# %%
# Running it again skips every unchanged file (same content hash, size, modification time and settings):
again = run_batch([lab / "data"], out=lab / "results", settings=BatchSettings(area=0.785e-4))
print("second run:", again.files_skipped, "of", again.files_total, "skipped")

# %%
# Query it with SQL
# -----------------
# The database is a plain SQLite file (``results/lisse.sqlite``): any SQL tool opens it, and so does
# ``lisse db query``. Column names carry their units.
from lisse.io.resultsdb import ResultsDB

db = ResultsDB(lab / "results" / "lisse.sqlite", readonly=True)
print(db.counts())
for row in db.query("SELECT path, status, cell_kind, n_cycles, ccd_mA_cm2 FROM files ORDER BY path"):
    print(Path(row["path"]).name, row["status"], row["cell_kind"], row["ccd_mA_cm2"])
print("true CCD (last stable step):", truth.ccd_A_m2 / 10, "mA/cm²")

# %%
# Cycles to 90 % capacity retention per cell, in one statement:
eol = db.query("""
    SELECT f.path, MIN(c.cycle) AS cycles_to_90pct
    FROM cycles c JOIN files f USING (file_id)
    WHERE c.complete = 1 AND c.retention_pct < 90
    GROUP BY f.path ORDER BY cycles_to_90pct""")
# (NMC_cell0, fading 0.2 % per cycle, keeps more than 90 % over its 30 cycles: no row)
for r in eol:
    name = Path(r["path"]).stem
    # the generator's answer: retention (1-fade)^(c-1) < 0.9 first at c = 1 + ceil(ln 0.9 / ln(1-fade)) (to +-1: sampling)
    expected = 1 + int(np.ceil(np.log(0.9) / np.log(1 - fades[name])))
    print(f"{name}: {r['cycles_to_90pct']} cycles (generator: {expected})")

# %%
# Plot with pandas
# ----------------
# ``pandas.read_sql_query`` turns any query into a DataFrame (the batch also wrote ``cycles.parquet``).
import matplotlib.pyplot as plt
import pandas as pd

cycles = pd.read_sql_query(
    "SELECT f.path, c.cycle, c.retention_pct FROM cycles c JOIN files f USING (file_id) WHERE c.complete = 1", db.con)
cycles["cell"] = cycles["path"].map(lambda p: Path(p).stem)
fig, ax = plt.subplots(figsize=(6, 4))
for cell, g in cycles.groupby("cell"):
    ax.plot(g["cycle"], g["retention_pct"], marker="o", ms=3, label=f"{cell} (fade {100 * fades[cell]:.1f} %/cycle)")
ax.axhline(90, color="0.5", ls="--", lw=1)
ax.set_xlabel("cycle")
ax.set_ylabel("discharge capacity retention (%)")
ax.legend(fontsize=7)
fig.tight_layout()
db.close()
