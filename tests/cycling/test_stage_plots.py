"""The evaluate stage (synthetic default and real files) and the plot functions."""

from __future__ import annotations

import pytest

from lisse.errors import ParameterError
from lisse.pipeline.registry import StageContext, all_stages

from ._shared import cycler_file


def _stage():
    st = {s.name: s for s in all_stages()}
    return st["cycling"]


def test_stage_synthetic_default_shows_ccd(tmp_path):
    s = _stage()
    assert s.section == "cycling" and s.needs == ("cycling",)
    res = s.func(StageContext(study={"cycling": {"synthetic": True}, "_base_dir": str(tmp_path)}, options={"synthetic": True}, out_dir=tmp_path))
    entry = res.summary["files"][0]
    assert entry["kind"] == "ccd"
    assert entry["ccd"]["ccd_mA_cm2"] == pytest.approx(entry["synthetic_truth_ccd_mA_cm2"])
    assert "synthetic_ccd_ccd" in res.figures and "synthetic_ccd_ccd_steps" in res.tables
    assert set(res.figure_captions) == set(res.figures)
    assert "Kasemchainan2019" in res.citations


def test_stage_real_files_relative_to_study(tmp_path):
    f = cycler_file("biologic_gcpl_5cycles_2-3.8V_C24.mpr")
    s = _stage()
    opts = {"files": [f.name], "active_mass": "5 mg"}
    res = s.func(StageContext(study={"cycling": opts, "_base_dir": str(f.parent)}, options=opts, out_dir=tmp_path))
    e = res.summary["files"][0]
    assert e["kind"] == "fullcell" and e["record"]["rows"] == 46102
    assert "discharge_capacity_mAh_g" in res.tables[f"{f.stem}_cycles"].columns


def test_stage_rejects_unknown_option(tmp_path):
    with pytest.raises(ParameterError, match="synthetic"):
        _stage().func(StageContext(study={}, options={"synthetc": True}, out_dir=tmp_path))


def test_plots_return_figures():
    import numpy as np

    from lisse.analysis.fullcell import cycle_table
    from lisse.analysis.kinetics import tafel_fit
    from lisse.constants import FARADAY, GAS_CONSTANT
    from lisse.plot.cycling import plot_capacity_ce, plot_dqdv, plot_tafel
    from lisse.records.cycling import CyclingRecord

    t = np.linspace(0, 7200, 400)
    i = np.where(t < 3600, 1e-3, -1e-3)
    v = 3.5 + 0.2 * np.sign(i)
    rec = CyclingRecord.from_arrays(t, v, i)
    fig = plot_capacity_ce(cycle_table(rec))
    assert fig.axes and len(fig.axes) == 2
    assert plot_dqdv({"c1": (np.linspace(3, 4, 10), np.ones(10))}).axes
    f = FARADAY / (GAS_CONSTANT * 298.15)
    eta = np.linspace(-0.25, 0.25, 101)
    fit = tafel_fit(eta, 10 * (np.exp(0.5 * f * eta) - np.exp(-0.5 * f * eta)))
    assert plot_tafel(fit).axes


def test_stage_two_files_with_one_stem_keep_their_own_tables(tmp_path):
    """a/run.csv and b/run.csv: each file's tables and figures survive (the second overwrote the first)."""
    import numpy as np

    for d, j in (("a", 0.5), ("b", 1.0)):
        t = np.arange(0, 3600 * 6, 10.0)
        i = np.where((t // 3600) % 2 == 0, j, -j)
        (tmp_path / d).mkdir()
        (tmp_path / d / "run.csv").write_text("time/s,Ewe/V,I/mA\n" + "".join(f"{a},{0.02 * c / j},{c}\n" for a, c in zip(t, i)))
    opts = {"files": ["a/run.csv", "b/run.csv"], "area": "1 cm2", "kind": "symmetric"}
    res = _stage().func(StageContext(study={"cycling": opts, "_base_dir": str(tmp_path)}, options=opts, out_dir=tmp_path))
    names = [e["name"] for e in res.summary["files"]]
    assert len(set(names)) == 2
    tabs = [res.tables[f"{n}_half_cycles"] for n in names]
    assert tabs[0] is not tabs[1]
    assert len(res.figures) == 4  # voltage + overpotential for each file
