"""Accuracy table, `lisse atomistic accuracy`, and the wetting evaluate stage (no ML runs)."""

from __future__ import annotations

import json
import math

import pytest

from lisse.atomistic.accuracy import load_table, rows, stated_uncertainty
from lisse.thermo import DEFAULT_LI_SURFACE_ENERGY, contact_angle


def test_table_rows_have_sources_and_errors():
    t = load_table()
    assert t["meta"]["measured_on"]
    rs = rows()
    assert rs and all(r["ml_measured"] for r in rs)
    for r in rs:
        if r["dft_value"] is not None:
            assert r["dft_source"] and r["error"] == pytest.approx(r["ml_value"] - r["dft_value"])


def test_regime_flag_is_computed_from_young_dupre():
    for r in rows():
        if r["quantity"] == "work_of_adhesion" and "regime_agrees" in r:
            sig = [x for x in rows(r["calculator"]) if x["system"] == "Li(100)" and x["quantity"] == "surface_energy"][0]["ml_value"]
            assert r["ml_regime"] == contact_angle(r["ml_value"], sig).regime
            assert r["dft_regime"] == contact_angle(r["dft_value"], DEFAULT_LI_SURFACE_ENERGY).regime
    u = stated_uncertainty("chgnet", "work_of_adhesion", "Li(100)|LiF(100)")
    assert u["known"] and "DFT" in u["statement"]
    u = stated_uncertainty("chgnet", "work_of_adhesion", "Li(100)|Li3N(001)")
    assert not u["known"] and "largest known" in u["statement"]


def test_rankings_flag_flipped_pairs():
    from lisse.atomistic.accuracy import rankings

    for k in rankings():
        rs = [r for r in rows(k["calculator"]) if r["quantity"] == "work_of_adhesion" and r["dft_value"] is not None]
        # independent pairwise check on the table values
        flips = sum(1 for i in range(len(rs)) for j in range(i + 1, len(rs))
                    if (rs[i]["ml_value"] - rs[j]["ml_value"]) * (rs[i]["dft_value"] - rs[j]["dft_value"]) < 0)
        assert len(k["flipped_pairs"]) == flips
        assert k["ranking_correct"] is (None if len(rs) < 2 else flips == 0)


def test_cli_accuracy_json(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    p = subprocess.run([sys.executable, "-m", "lisse", "atomistic", "accuracy", "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    d = json.loads(p.stdout)
    assert {"rows", "literature"} <= set(d) and any(r["calculator"].startswith("chgnet") for r in d["rows"])


def test_wetting_stage_from_study_and_table():
    pytest.importorskip("pandas")
    from lisse.pipeline.registry import StageContext
    from lisse.pipeline.stages.wetting import wetting_stage

    study = {"cells": [{"name": "a", "interlayer": {"material": "LiF"}, "electrolyte": "LLZTO"}, {"name": "b", "electrolyte": "LPSC"}]}
    opts = {"work_of_adhesion": {"LiCF3SO3": "0.30 J/m2"}, "pore_radius": "1 um", "use_ml": False}
    res = wetting_stage(StageContext(study=study, options=opts, out_dir=None))
    m = res.summary["materials"]
    assert m["LiF"]["origin"] == "published DFT" and m["LiF"]["work_of_adhesion_J_m2"] == 0.53
    assert m["LiF"]["contact_angle_deg"] == pytest.approx(math.degrees(math.acos(0.53 / DEFAULT_LI_SURFACE_ENERGY - 1)))
    assert m["LiCF3SO3"]["origin"] == "study"
    # capillary pressure sign follows the angle (LiF lithiophilic -> positive)
    assert m["LiF"]["capillary_pressure_MPa"] > 0
    # garnet: only the published angle exists (Ji2025, 25 deg) -> W_ad = sigma (1 + cos 25 deg), angle recovered
    assert m["LLZTO"]["origin"] == "published angle" and m["LLZTO"]["contact_angle_deg"] == pytest.approx(25.0)
    assert res.summary["no_value"] == ["LPSC"]
    assert res.summary["pore_radius_um"] == pytest.approx(1.0, rel=1e-12)  # key carries its display unit
    assert "wetting" in res.figures and "wetting" in res.tables
