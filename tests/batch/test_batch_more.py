"""lisse batch eis/auto, the executors (--jobs 2, a Dask LocalCluster) and the results database API."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from conftest import run_cli
from lisse.batch import BatchSettings, expand_paths, run_batch
from lisse.errors import ParameterError
from lisse.io.resultsdb import ROW_TABLES, SCHEMA_VERSION, TABLES, ResultsDB

from ._synth import bad_files, fullcell_csv, symmetric_csv, three_arc_csv


def test_batch_eis_drt_peaks_match_lisse_eis_and_the_known_arcs(tmp_path: Path):
    d = tmp_path / "spectra"
    d.mkdir()
    three_arc_csv(d / "a.csv", seed=0)
    three_arc_csv(d / "b.csv", seed=1)
    (d / "junk.csv").write_text("not,an\nimpedance,file\n")
    r = run_cli("batch", "eis", str(d), "--out", str(tmp_path / "out"), "--fit", "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", "--json")
    assert r.returncode == 0, r.stderr
    s = json.loads(r.stdout)
    assert (s["files_ok"], s["files_failed"]) == (2, 1)
    con = sqlite3.connect(tmp_path / "out" / "lisse.sqlite")
    peaks = con.execute("SELECT tau_s, resistance_ohm FROM drt_peaks JOIN files USING (file_id) WHERE path LIKE '%a.csv' "
                        "ORDER BY tau_s").fetchall()
    ref = run_cli("eis", str(d / "a.csv"), "--drt", "--json")
    ref_peaks = sorted(json.loads(ref.stdout)["drt"]["peaks"], key=lambda p: p["tau_s"])
    assert [p[0] for p in peaks] == pytest.approx([p["tau_s"] for p in ref_peaks], rel=1e-9)
    # known truth: arcs of 100 + 200 + 500 ohm (the DRT's total polarisation within 5 %)
    assert sum(p[1] for p in peaks) == pytest.approx(800.0, rel=0.05)
    fit = dict(con.execute("SELECT parameter, value FROM fits JOIN files USING (file_id) WHERE path LIKE '%a.csv'").fetchall())
    # the DC limit R0 + R1 + R2 + R3 = 810 ohm is well determined (R0 alone is not: the bulk arc is cut at 1 MHz)
    assert fit["R0"] + fit["R1"] + fit["R2"] + fit["R3"] == pytest.approx(810.0, rel=0.02)
    assert max(fit["R1"], fit["R2"], fit["R3"]) == pytest.approx(500.0, rel=0.05)
    ref_fit = run_cli("eis", str(d / "a.csv"), "--fit", "R0-p(R1,CPE1)-p(R2,CPE2)-p(R3,CPE3)", "--json")
    assert fit == pytest.approx({p["name"]: p["value"] for p in json.loads(ref_fit.stdout)["fit"]["parameters"]}, rel=1e-6)
    spectra = pd.read_parquet(tmp_path / "out" / "spectra.parquet")
    assert len(spectra) == 2 and set(spectra["kk_verdict"]) <= {"pass", "warn"}


def test_batch_auto_routes_cycler_and_impedance_files(tmp_path: Path):
    d = tmp_path / "mixed"
    d.mkdir()
    three_arc_csv(d / "eis.csv")
    fullcell_csv(d / "cyc.csv", n_cycles=2)
    res = run_batch([d], out=tmp_path / "out", settings=BatchSettings(analysis="auto"))
    assert (res.files_ok, res.files_failed) == (2, 0)
    kinds = {Path(f["file"]).name: f["analysis"] for f in res.files}
    assert kinds == {"eis.csv": "eis", "cyc.csv": "cycling"}


def _signature(db: Path) -> list:
    con = sqlite3.connect(db)
    files = con.execute("SELECT path, status, error, n_cycles, ccd_mA_cm2 FROM files ORDER BY path").fetchall()
    cyc = con.execute("SELECT f.path, c.cycle, c.discharge_capacity_mAh FROM cycles c JOIN files f USING (file_id) "
                      "ORDER BY f.path, c.cycle").fetchall()
    hc = con.execute("SELECT COUNT(*) FROM half_cycles").fetchone()
    return [files, cyc, hc]


@pytest.fixture
def small_folder(tmp_path: Path) -> Path:
    d = tmp_path / "data"
    d.mkdir()
    for k in range(3):
        fullcell_csv(d / f"fc{k}.csv", n_cycles=1 + k)
    symmetric_csv(d / "sym.csv")
    bad_files(d)
    return d


def test_jobs_2_gives_the_serial_results(small_folder: Path, tmp_path: Path):
    s = BatchSettings(area=0.785e-4)
    serial = run_batch([small_folder], db=tmp_path / "serial.sqlite", settings=s)
    par = run_batch([small_folder], db=tmp_path / "par.sqlite", settings=s, jobs=2)
    assert (par.files_ok, par.files_failed) == (serial.files_ok, serial.files_failed) == (4, 4)
    assert _signature(tmp_path / "par.sqlite") == _signature(tmp_path / "serial.sqlite")


def test_dask_local_cluster_runs_a_batch_and_leaves_nothing_running(small_folder: Path, tmp_path: Path):
    distributed = pytest.importorskip("distributed")
    import multiprocessing

    s = BatchSettings(area=0.785e-4)
    serial = run_batch([small_folder], db=tmp_path / "serial.sqlite", settings=s)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        res = run_batch([small_folder], db=tmp_path / "dask.sqlite", settings=s, client=client)
        assert client.status == "running"  # a client the caller passes is reused and left open
        # the CLI path: --scheduler ADDRESS (lisse connects its own client and closes it)
        r = run_cli("batch", "cycling", str(small_folder), "--area", "0.785", "--db", str(tmp_path / "cli.sqlite"),
                    "--out", str(tmp_path / "cli_out"), "--scheduler", cluster.scheduler_address, "--json")
        assert r.returncode == 0, r.stderr
        assert len(client.scheduler_info()["workers"]) == 2
    assert (res.files_ok, res.files_failed) == (serial.files_ok, serial.files_failed)
    assert _signature(tmp_path / "dask.sqlite") == _signature(tmp_path / "serial.sqlite")
    assert _signature(tmp_path / "cli.sqlite") == _signature(tmp_path / "serial.sqlite")
    assert multiprocessing.active_children() == []


def test_a_lisse_bug_in_one_file_is_an_error_row(small_folder: Path, tmp_path: Path, monkeypatch):
    import lisse.analysis.cycling as cyc

    real = cyc.analyse_record

    def buggy(record, **kw):
        if record.provenance.source.endswith("fc1.csv"):
            raise ZeroDivisionError("injected bug")
        return real(record, **kw)

    monkeypatch.setattr(cyc, "analyse_record", buggy)
    res = run_batch([small_folder], db=tmp_path / "db.sqlite")
    bug = [f for f in res.files if f["file"].endswith("fc1.csv")][0]
    assert bug["status"] == "error" and bug["error_type"] == "ZeroDivisionError"
    row = ResultsDB(tmp_path / "db.sqlite").lookup(bug["file"])
    assert "ZeroDivisionError" in row["traceback"] and row["error"] == "injected bug"
    assert res.files_ok == 3  # the others were analysed


def test_write_file_is_one_transaction(tmp_path: Path, monkeypatch):
    db = ResultsDB(tmp_path / "x.sqlite")
    good = {"path": "/a", "settings_hash": "h", "status": "ok"}
    db.write_file(good, {"cycles": [{"cycle": 1, "discharge_capacity_mAh": 1.0}]})
    calls = {"n": 0}
    real = ResultsDB._insert_rows

    def failing(con, table, rows, **kw):
        calls["n"] += 1
        if table == "half_cycles":
            raise RuntimeError("disk on fire")
        return real(con, table, rows, **kw)

    monkeypatch.setattr(ResultsDB, "_insert_rows", staticmethod(failing))
    with pytest.raises(RuntimeError):
        db.write_file({**good, "status": "error"}, {"cycles": [{"cycle": 1}, {"cycle": 2}], "half_cycles": [{"half_cycle": 0}]})
    assert calls["n"] == 2
    # nothing of the failed write is visible: the old row and its one cycle are intact
    assert db.query("SELECT status FROM files") == [{"status": "ok"}]
    assert db.query("SELECT cycle, discharge_capacity_mAh FROM cycles") == [{"cycle": 1, "discharge_capacity_mAh": 1.0}]


def test_schema_cells_predictions_and_export(tmp_path: Path):
    path = tmp_path / "lab.sqlite"
    with ResultsDB(path) as db:
        assert set(db.counts()) == set(TABLES)
        assert db.query("SELECT version FROM schema_version") == [{"version": SCHEMA_VERSION}]
        cid = db.add_cell("LLZO-07", kind="symmetric", area_cm2=0.785, stack="Li|LLZO|Li", material="Ta-LLZO")
        assert db.add_cell("LLZO-07", thickness_um=800.0) == cid
        n = db.add_predictions([{"cell_id": cid, "source": "lisse.sim.interlayer", "quantity": "ccd", "value": 0.8,
                                 "unit": "mA/cm2", "kind": "predicted", "parameters_json": {"j0_A_m2": 10.0}},
                                {"cell_id": cid, "source": "lisse.sim.interlayer", "quantity": "ccd", "value": 0.6,
                                 "unit": "mA/cm2", "kind": "calibrated"}])
        assert n == 2
        with pytest.raises(ParameterError, match="predicted"):
            db.add_predictions([{"source": "x", "quantity": "y", "kind": "measured"}])
        rows = db.query("SELECT c.stack, c.thickness_um, p.kind, p.value FROM predictions p JOIN cells c USING (cell_id) ORDER BY p.value")
        assert rows == [{"stack": "Li|LLZO|Li", "thickness_um": 800.0, "kind": "calibrated", "value": 0.6},
                        {"stack": "Li|LLZO|Li", "thickness_um": 800.0, "kind": "predicted", "value": 0.8}]
        fid = db.write_file({"path": "/f", "settings_hash": "h", "status": "ok"},
                            {"cycles": pd.DataFrame({"cycle": [1, 2], "discharge_capacity_mAh": [1.0, float("nan")]})})
        db.export("cycles", tmp_path / "c.parquet", file_ids=[fid])
        df = pd.read_parquet(tmp_path / "c.parquet")
        assert list(df.columns) == [c for c, _ in TABLES["cycles"]]
        assert df["discharge_capacity_mAh"].tolist()[0] == 1.0 and pd.isna(df["discharge_capacity_mAh"].tolist()[1])
        with pytest.raises(ParameterError, match="SQL error"):
            db.query("SELEC 1")
        with pytest.raises(ParameterError, match="no such table"):
            db.export("nope", tmp_path / "n.parquet")
    assert set(ROW_TABLES) < set(TABLES)
    ro = ResultsDB(path, readonly=True)
    with pytest.raises(ParameterError, match="readonly"):
        ro.query("DELETE FROM cells")
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE files (name TEXT)")
    with pytest.raises(ParameterError, match="not a lisse results database"):
        ResultsDB(other)
    not_db = tmp_path / "plain.txt"
    not_db.write_text("hello, this is not a database" * 100)
    with pytest.raises(ParameterError):
        ResultsDB(not_db)


def test_expand_paths_globs_folders_and_refusals(tmp_path: Path):
    d = tmp_path / "d"
    (d / "x" / ".hidden").mkdir(parents=True)
    (d / "a.mpr").write_bytes(b"1")
    (d / "x" / "b.csv").write_text("1")
    (d / "x" / ".hidden" / "c.csv").write_text("1")
    (d / ".dot.csv").write_text("1")
    assert [p.name for p in expand_paths([d])] == ["a.mpr", "b.csv"]
    assert [p.name for p in expand_paths([str(d / "**" / "*.csv")])] == ["b.csv"]
    assert [p.name for p in expand_paths([d, d / "a.mpr"])] == ["a.mpr", "b.csv"]  # no duplicates
    with pytest.raises(ParameterError, match="matches none"):
        expand_paths([str(d / "*.nda")])
    with pytest.raises(ParameterError, match="no such file"):
        expand_paths([d / "missing"])
    r = run_cli("batch", "cycling", str(d / "missing"), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and r.stderr.count("\n") == 1


def test_human_output_is_one_summary_line_and_the_failed_files(tmp_path: Path):
    d = tmp_path / "d"
    d.mkdir()
    fullcell_csv(d / "good.csv", n_cycles=1)
    (d / "bad.txt").write_text("hello\n")
    r = run_cli("batch", "cycling", str(d), "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith("2 files: 1 ok, 1 failed, 0 skipped")
    assert len(lines) == 2 and "bad.txt" in lines[1] and "ReaderError" in lines[1]
    assert r.stderr == ""  # no progress bar without a terminal
