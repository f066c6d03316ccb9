"""lisse batch and the results database: error rows, correct rows, resume, concurrency, crash safety, lisse db."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO_ROOT, SHARED, run_cli

from ._synth import bad_files, fullcell_csv, symmetric_csv

SHARED_CYCLERS = SHARED / "data" / "cyclers"
_SHARED_FILES = ["biologic_gcpl_ec1161_aqueous.mpr", "maccor_beep_PredictionDiagnostics_000151_test.052", "biologic_ocv.mpr"]


def _db(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(str(path))


def _rows(con: sqlite3.Connection, sql: str, params=()) -> list[tuple]:
    return con.execute(sql, params).fetchall()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Good synthetic files (full cells with known capacity, a CCD staircase), bad files, and shared files when present."""
    d = tmp_path / "data"
    (d / "sub").mkdir(parents=True)
    fullcell_csv(d / "fc_1mA.csv", n_cycles=3, current_mA=1.0)
    fullcell_csv(d / "sub" / "fc_2mA.csv", n_cycles=2, current_mA=2.0, half_cycle_s=1800.0)
    symmetric_csv(d / "sub" / "ccd.csv")
    bad_files(d, SHARED_CYCLERS / "biologic_gcpl_ec1161_aqueous.mpr")
    for name in _SHARED_FILES:
        if (SHARED_CYCLERS / name).exists():
            shutil.copy(SHARED_CYCLERS / name, d / name)
    return d


def _batch(*args: str, cwd=None) -> tuple[dict, subprocess.CompletedProcess]:
    r = run_cli("batch", *args, "--json", cwd=cwd)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), r


def test_batch_error_rows_and_correct_rows(folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    summary, _ = _batch("cycling", str(folder), "--out", str(out), "--area", "0.785 cm2")
    n_shared = sum((folder / n).exists() for n in _SHARED_FILES)
    assert {"files_total", "files_ok", "files_failed", "files_skipped", "db", "out", "elapsed_s", "files_per_s"} <= set(summary)
    assert summary["db"] == str(out / "lisse.sqlite") and summary["out"] == str(out)
    assert summary["files_total"] == 3 + 4 + n_shared
    assert summary["files_failed"] == 4  # corrupt .mpr, random bytes .ndax, empty .csv, prose .txt: one error row each
    assert summary["files_ok"] == 3 + n_shared
    assert summary["files_skipped"] == 0
    files = pd.read_parquet(out / "files.parquet")
    assert {"file", "sha256", "status", "error"} <= set(files.columns)
    by_name = {Path(f).name: r for f, r in zip(files["file"], files.itertuples())}
    for bad in ("corrupt.mpr", "random.ndax", "empty.csv", "notes.txt"):
        row = by_name[bad]
        assert row.status == "error" and row.error and "\n" not in row.error and row.error_type == "ReaderError", (bad, row)
    # content hash: an independent hashlib over the whole file
    import hashlib

    assert by_name["fc_1mA.csv"].sha256 == hashlib.sha256((folder / "fc_1mA.csv").read_bytes()).hexdigest()
    db = out / "lisse.sqlite"
    con = _db(db)
    # analytic reference: each complete cycle discharges current x time = 1 mA x 1 h = 1 mAh and 2 mA x 0.5 h = 1 mAh
    for name, n in (("fc_1mA.csv", 3), ("fc_2mA.csv", 2)):
        caps = _rows(con, "SELECT c.discharge_capacity_mAh FROM cycles c JOIN files f USING (file_id) "
                          "WHERE f.path LIKE ? AND c.complete = 1 ORDER BY c.cycle", (f"%{name}",))
        assert len(caps) == n
        assert [c[0] for c in caps] == pytest.approx([1.0] * n, rel=0.01)
    # the CCD staircase: lisse's generator fails at 0.55 mA/cm2 on 0.1 mA/cm2 steps: the last stable step is 0.5 mA/cm2
    ccd = _rows(con, "SELECT ccd_mA_cm2, cell_kind FROM files WHERE path LIKE '%ccd.csv'")
    assert ccd == [(pytest.approx(0.5, abs=1e-9), "ccd")]
    n_steps = _rows(con, "SELECT COUNT(*) FROM ccd_steps JOIN files USING (file_id) WHERE path LIKE '%ccd.csv'")[0][0]
    ref = run_cli("ccd", str(folder / "sub" / "ccd.csv"), "--area", "0.785 cm2", "--json")
    assert ref.returncode == 0, ref.stderr
    assert n_steps == len(json.loads(ref.stdout)["steps"])
    # one cell per file (named by its path under the batch folder), with the classifier's type and the batch's area, linked from files
    cells = _rows(con, "SELECT c.name, c.kind, c.area_cm2 FROM cells c JOIN files f USING (cell_id) WHERE f.path LIKE '%/sub/%' "
                       "ORDER BY c.name")
    assert cells == [("sub/ccd", "symmetric", pytest.approx(0.785, rel=1e-12)), ("sub/fc_2mA", "fullcell", pytest.approx(0.785, rel=1e-12))]
    # the Parquet tables hold exactly this batch's DB rows
    assert len(pd.read_parquet(out / "cycles.parquet")) == _rows(con, "SELECT COUNT(*) FROM cycles")[0][0]
    assert len(pd.read_parquet(out / "half_cycles.parquet")) == _rows(con, "SELECT COUNT(*) FROM half_cycles")[0][0] > 0


def test_batch_matches_lisse_cycling_on_shared_files(tmp_path: Path):
    """The numbers in the database equal ``lisse cycling FILE --json`` on the same file (the single-file path)."""
    src = SHARED_CYCLERS / "biologic_gcpl_ec1161_aqueous.mpr"
    if not src.exists():
        pytest.skip(f"shared data not available: {src}")
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(src, d / src.name)
    summary, _ = _batch("cycling", str(d), "--out", str(tmp_path / "out"))
    assert summary["files_ok"] == 1
    ref = run_cli("cycling", str(d / src.name), "--json")
    cycles = json.loads(ref.stdout)["analyses"]["cycles"]
    con = _db(tmp_path / "out" / "lisse.sqlite")
    got = _rows(con, "SELECT cycle, discharge_capacity_mAh, coulombic_efficiency_pct FROM cycles ORDER BY cycle")
    assert [g[0] for g in got] == [c["cycle"] for c in cycles]
    assert [g[1] for g in got] == pytest.approx([c["discharge_capacity_mAh"] for c in cycles], rel=1e-12)
    assert [g[2] for g in got] == pytest.approx([c["coulombic_efficiency_pct"] for c in cycles], rel=1e-12)


def test_rerun_skips_everything_and_touch_reanalyses_only_that_file(folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    first, _ = _batch("cycling", str(folder), "--out", str(out))
    con = _db(out / "lisse.sqlite")
    before = dict(_rows(con, "SELECT path, file_id FROM files"))
    second, _ = _batch("cycling", str(folder), "--out", str(out))
    assert second["files_skipped"] == second["files_total"] == first["files_total"]
    assert second["files_ok"] == second["files_failed"] == 0
    assert set(pd.read_parquet(out / "files.parquet")["status"]) == {"skipped"}
    target = folder / "fc_1mA.csv"
    st = target.stat()
    os.utime(target, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # touch: same content, new mtime
    third, _ = _batch("cycling", str(folder), "--out", str(out))
    assert third["files_ok"] == 1 and third["files_skipped"] == third["files_total"] - 1
    files = pd.read_parquet(out / "files.parquet").set_index("file")
    assert files.loc[str(target.resolve()), "status"] == "ok"
    after = dict(_rows(_db(out / "lisse.sqlite"), "SELECT path, file_id FROM files"))
    changed = {p for p in before if before[p] != after[p]}
    assert changed == {str(target.resolve())}
    # the re-analysed file's rows were replaced, not duplicated
    assert _rows(_db(out / "lisse.sqlite"), "SELECT COUNT(*) FROM cycles JOIN files USING (file_id) WHERE path = ?",
                 (str(target.resolve()),))[0][0] == 3
    # new settings re-analyse everything
    fourth, _ = _batch("cycling", str(folder), "--out", str(out), "--ce-convention", "charge/discharge")
    assert fourth["files_skipped"] == 0


def _popen_batch(paths: list[str], db: Path, out: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    return subprocess.Popen([sys.executable, "-m", "lisse", "batch", "cycling", *paths, "--db", str(db), "--out", str(out),
                             "--json", *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_concurrent_batches_into_one_database(tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for k in range(6):
        fullcell_csv(a / f"a{k}.csv", n_cycles=2)
        fullcell_csv(b / f"b{k}.csv", n_cycles=3)
    db = tmp_path / "lab.sqlite"
    procs = [_popen_batch([str(a)], db, tmp_path / "out_a"), _popen_batch([str(b)], db, tmp_path / "out_b")]
    outs = [p.communicate(timeout=600) for p in procs]
    for p, (so, se) in zip(procs, outs):
        assert p.returncode == 0, se
        assert json.loads(so)["files_ok"] == 6
    con = _db(db)
    assert _rows(con, "PRAGMA integrity_check") == [("ok",)]
    assert _rows(con, "SELECT COUNT(*) FROM files WHERE status = 'ok'")[0][0] == 12
    assert _rows(con, "SELECT COUNT(*) FROM cycles")[0][0] == 6 * 2 + 6 * 3
    # every file has exactly its own cycles
    per_file = dict(_rows(con, "SELECT path, COUNT(*) FROM cycles JOIN files USING (file_id) GROUP BY path"))
    assert all(n == (2 if Path(p).name.startswith("a") else 3) for p, n in per_file.items()) and len(per_file) == 12


def test_kill_9_mid_batch_leaves_whole_files_only(tmp_path: Path):
    d = tmp_path / "data"
    d.mkdir()
    n_files = 40
    for k in range(n_files):
        fullcell_csv(d / f"f{k:02d}.csv", n_cycles=1 + k % 4)
    db = tmp_path / "lab.sqlite"
    p = _popen_batch([str(d)], db, tmp_path / "out")
    deadline = time.time() + 300
    n_done = 0
    while time.time() < deadline and p.poll() is None:
        time.sleep(0.2)
        if db.exists():
            try:
                with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
                    n_done = con.execute("SELECT COUNT(*) FROM files").fetchone()[0]
            except sqlite3.OperationalError:
                continue
            if n_done >= 3:
                break
    if p.poll() is not None:
        pytest.skip("the batch finished before it could be killed (machine too fast for this test)")
    os.kill(p.pid, signal.SIGKILL)
    p.wait()
    con = _db(db)
    assert _rows(con, "PRAGMA integrity_check") == [("ok",)]
    stored = _rows(con, "SELECT path, status FROM files")
    assert 3 <= len(stored) < n_files
    for path, status in stored:
        assert status == "ok"
        k = int(Path(path).stem[1:])
        n = _rows(con, "SELECT COUNT(*) FROM cycles JOIN files USING (file_id) WHERE path = ?", (path,))[0][0]
        assert n == 1 + k % 4, path  # every stored file has all its rows
    con.close()
    # resuming finishes the rest and skips what was stored
    summary, _ = _batch("cycling", str(d), "--db", str(db), "--out", str(tmp_path / "out2"))
    assert summary["files_skipped"] == len(stored)
    assert summary["files_ok"] == n_files - len(stored)


def test_db_query_list_export(folder: Path, tmp_path: Path):
    out = tmp_path / "out"
    _batch("cycling", str(folder), "--out", str(out))
    db = out / "lisse.sqlite"
    r = run_cli("db", "query", str(db), "SELECT path, status FROM files WHERE status = 'error' ORDER BY path", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert isinstance(rows, list) and all(set(x) == {"path", "status"} for x in rows)
    assert sorted(Path(x["path"]).name for x in rows) == ["corrupt.mpr", "empty.csv", "notes.txt", "random.ndax"]
    bad = run_cli("db", "query", str(db), "SELECT no_such_column FROM files")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "no_such_column" in bad.stderr
    write = run_cli("db", "query", str(db), "DELETE FROM files")
    assert write.returncode == 2
    assert _rows(_db(db), "SELECT COUNT(*) FROM files")[0][0] == len(rows) + 3 + sum((folder / n).exists() for n in _SHARED_FILES)
    lst = run_cli("db", "list", str(db), "--json")
    tables = json.loads(lst.stdout)["tables"]
    assert tables["files"] == _rows(_db(db), "SELECT COUNT(*) FROM files")[0][0]
    assert {"cycles", "half_cycles", "ccd_steps", "spectra", "drt_peaks", "fits", "predictions", "cells", "schema_version"} <= set(tables)
    exp = run_cli("db", "export", str(db), "--table", "cycles", "--out", str(tmp_path / "c.parquet"))
    assert exp.returncode == 0, exp.stderr
    assert len(pd.read_parquet(tmp_path / "c.parquet")) == tables["cycles"]
    again = run_cli("db", "export", str(db), "--table", "cycles", "--out", str(tmp_path / "c.parquet"))
    assert again.returncode == 2  # never overwrites


def test_batch_summary_rate_table_is_always_a_list(tmp_path: Path):
    """summary_json's rate_table keeps one type (a list; empty with rate_table_note when there is none), as lisse cycling."""
    d = tmp_path / "in"
    d.mkdir()
    fullcell_csv(d / "fc.csv", n_cycles=3, current_mA=1.0, half_cycle_s=600.0)
    lines = (d / "fc.csv").read_text().splitlines()
    # the same file cut after its first charge (rest 300 s = 30 rows, charge 600 s = 60 rows, rest 30 rows)
    (d / "charge_only.csv").write_text("\n".join(lines[: 1 + 30 + 60 + 30]) + "\n")
    _batch("cycling", str(d), "--out", str(tmp_path / "out"))
    con = _db(tmp_path / "out" / "lisse.sqlite")
    got = {Path(p).name: json.loads(s) for p, s in _rows(con, "SELECT path, summary_json FROM files")}
    assert got["charge_only.csv"]["kind"] == "fullcell"
    assert got["charge_only.csv"]["rate_table"] == []
    assert "no complete cycle with a discharge half cycle" in got["charge_only.csv"]["rate_table_note"]
    assert got["fc.csv"]["rate_table"][0]["n_cycles"] == 3 and got["fc.csv"]["rate_table_note"] is None


def test_batch_n_cycles_of_a_csv_without_a_cycle_column(tmp_path: Path):
    """files.n_cycles (what `lisse db query "SELECT path, n_cycles FROM files"` reads) counts the half cycles of a file
    without a cycle column: 50 for the generator's 50 cycles (it was 1)."""
    from lisse.sim.synthetic_cycling import long_cycling

    rec, _ = long_cycling(n_cycles=50, seed=3)
    d = tmp_path / "in"
    d.mkdir()
    lines = ["time/s,Ewe/V,I/mA"] + [f"{a:.1f},{b:.7f},{c:.7f}" for a, b, c in zip(rec.time_s, rec.voltage_V, rec.current_A * 1e3)]
    (d / "sym.csv").write_text("\n".join(lines) + "\n")
    _batch("cycling", str(d), "--out", str(tmp_path / "out"), "--area", "0.785 cm2")
    con = _db(tmp_path / "out" / "lisse.sqlite")
    (n, summary), = _rows(con, "SELECT n_cycles, summary_json FROM files")
    assert n == 50 and json.loads(summary)["record"]["n_cycles_source"] == "half_cycles"


def test_a_new_analysis_revision_reanalyses_the_stored_files(folder: Path, tmp_path: Path, monkeypatch):
    # independent review: after a release that changes an unchanged file's numbers (cycle counts, detectors) a resumed
    # batch skipped the stored rows and mixed two meanings of n_cycles in one database; the analysis revision is part of
    # the settings digest, so rows stored under an older revision are analysed again
    import sqlite3

    from lisse.batch import tasks

    out = tmp_path / "out"
    first, _ = _batch("cycling", str(folder), "--out", str(out))
    current = {r[0] for r in sqlite3.connect(out / "lisse.sqlite").execute("SELECT settings_hash FROM files")}
    assert len(current) == 1
    monkeypatch.setattr(tasks, "ANALYSIS_REVISION", tasks.ANALYSIS_REVISION - 1)
    old = tasks.BatchSettings(**json.loads(sqlite3.connect(out / "lisse.sqlite").execute(
        "SELECT settings_json FROM files LIMIT 1").fetchone()[0])).digest()
    assert old not in current
    con = sqlite3.connect(out / "lisse.sqlite")
    con.execute("UPDATE files SET settings_hash = ?", (old,))  # as a database written by the previous release
    con.commit()
    con.close()
    second, _ = _batch("cycling", str(folder), "--out", str(out))
    assert second["files_skipped"] == 0 and second["files_ok"] + second["files_failed"] == first["files_total"]


def test_batch_overwrite_refuses_a_users_file_of_an_export_name_before_any_analysis(tmp_path: Path):
    """review s40 diff item 3: the clash was found only at files.parquet, after every file had been analysed and the
    database written."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "empty.csv").write_text("")
    out = tmp_path / "bo"
    out.mkdir()
    (out / "files.parquet").write_text("mine")
    r = run_cli("batch", "cycling", str(data), "--out", str(out), "--overwrite")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "files.parquet" in r.stderr and "never replaces" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["files.parquet"] and (out / "files.parquet").read_text() == "mine"
