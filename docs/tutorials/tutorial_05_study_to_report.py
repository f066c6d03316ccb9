"""
A study to a report
===================

``lisse evaluate`` runs every analysis that applies to a *study* (a TOML file describing your cells and
data) and writes a report folder: ``results.json``, CSV tables, figures and a self-contained
``report.html``. This tutorial does the same from Python, with :func:`lisse.pipeline.study.load_study`
and :func:`lisse.pipeline.evaluate.evaluate`, on a study of one cell and one cycler file, in a temporary
folder.
"""

# %%
# A study folder: one cycler file and the study
# ---------------------------------------------
# The cycler file is a generated CCD staircase (as in tutorial 1); paths in a study are relative to the
# study file. A bare number means the unit the schema names (``lisse evaluate --show-schema``); here
# every quantity carries its unit.
import tempfile
from pathlib import Path

import pandas as pd

from lisse.sim import ccd_staircase

workdir = Path(tempfile.mkdtemp(prefix="lisse-tutorial-05-"))
synthetic, truth = ccd_staircase(n_steps=8, j_critical="0.55 mA/cm2", seed=1)
pd.DataFrame({"time": synthetic.time_s, "voltage": synthetic.voltage_V, "current": synthetic.current_A * 1e3}).to_csv(
    workdir / "sym_cell.csv", index=False, float_format="%.6g")

study_text = """
[study]
name = "Thin Li on garnet: design and CCD"

[[cells]]
name = "7.54 um Li | LLZTO | NCM811"
li_thickness = "7.54 um"
cathode_material = "NCM811"
cathode_capacity = "1.5 mAh/cm2"
electrolyte = "LLZTO"
electrolyte_thickness = "600 um"
area = "0.785 cm2"

[design]
li_thickness_range = ["0 um", "40 um"]
points = 41
target_np = [1.0, 3.0]

[cycling]
files = ["sym_cell.csv"]
area = "0.785 cm2"
units = "time=s,voltage=V,current=mA"
"""
study_path = workdir / "study.toml"
study_path.write_text(study_text)
print(sorted(p.name for p in workdir.iterdir()))

# %%
# Check the study, then run it
# ----------------------------
# :func:`~lisse.pipeline.study.load_study` checks the whole study (types, units, ranges, files) before
# anything runs; a mistake is one :class:`~lisse.errors.ParameterError` naming ``[table] key``.
# :func:`~lisse.pipeline.evaluate.evaluate` writes the report folder (it must be new, empty or made by
# lisse) and returns the content of ``results.json``.
from lisse.pipeline.evaluate import evaluate
from lisse.pipeline.study import load_study

study = load_study(study_path)
results = evaluate(study, workdir / "report", study_text=study_text, progress=False)
{name: stage["status"] for name, stage in results["stages"].items()}

# %%
# What was written
# ----------------
sorted(str(p.relative_to(workdir / "report")) for p in (workdir / "report").rglob("*") if p.is_file())

# %%
# The numbers, from ``results.json``
# ----------------------------------
# JSON keys carry their unit as a suffix. The CCD stage finds the generator's answer.
ccd = results["stages"]["cycling"]["summary"]["files"][0]["ccd"]
print(f"CCD {ccd['ccd_mA_cm2']} mA/cm² ({ccd['criterion']}); the generator's: {truth.ccd_A_m2 / 10:.2f} mA/cm²")
print("papers this run used:", ", ".join(c["key"] for c in results["citations"]))
{k: v for k, v in ccd.items() if k != "thresholds"}

# %%
# A figure of the report
# ----------------------
# Every figure is written as PNG (and SVG); ``report.html`` embeds them.
import matplotlib.image
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7.5, 3.6), layout="constrained")
ax.imshow(matplotlib.image.imread(workdir / "report" / "figures" / "cycling_sym_cell_ccd.png"))
ax.set_axis_off()

# %%
# Open ``report/report.html`` in a browser to see the figures and tables with their sources. Here we
# only clean up the temporary folder.
import shutil

shutil.rmtree(workdir)
