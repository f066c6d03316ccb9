"""Review fixes of issue 15's batch / results database (each test failed before its fix)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from lisse.batch import BatchSettings, run_batch
from lisse.errors import ParameterError
from lisse.io.resultsdb import ResultsDB

from ._synth import fullcell_csv


def test_eis_batch_keeps_the_cycling_results_of_a_cycler_file(tmp_path: Path):
    """An impedance batch meeting a cycler file reports it skipped but leaves its stored cycling rows alone."""
    d = tmp_path / "data"
    d.mkdir()
    fullcell_csv(d / "cell.csv", n_cycles=2)
    db = tmp_path / "lab.sqlite"
    run_batch([d], db=db, out=tmp_path / "o1", settings=BatchSettings(analysis="cycling"))
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM cycles").fetchone()[0] == 2
    con.close()
    res = run_batch([d], db=db, out=tmp_path / "o2", settings=BatchSettings(analysis="eis"))
    assert res.files_skipped == 1 and res.files[0]["status"] == "skipped"
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*) FROM cycles").fetchone()[0] == 2  # analytic: 2 cycles written
    assert con.execute("SELECT status, analysis FROM files").fetchall() == [("ok", "cycling")]
    con.close()
    # this impedance batch's outputs do not carry the cycling rows of the file it skipped
    import pandas as pd

    assert len(pd.read_parquet(tmp_path / "o2" / "cycles.parquet")) == 0
    assert pd.read_parquet(tmp_path / "o2" / "files.parquet")["status"].tolist() == ["skipped"]


def _refused_unchanged(p: Path, ddl: str, match: str) -> Path:
    """Make another program's SQLite file with ``ddl``; ResultsDB refuses it (``match``) and leaves it byte for byte, its
    journal mode untouched."""
    con = sqlite3.connect(p)
    con.executescript(ddl)
    con.commit()
    con.close()
    before = p.read_bytes()
    with pytest.raises(ParameterError, match=match):
        ResultsDB(p)
    assert p.read_bytes() == before
    con = sqlite3.connect(p)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    con.close()
    return p


def test_opening_another_programs_sqlite_file_changes_nothing(tmp_path: Path):
    """A SQLite file with tables but no lisse schema_version is refused before any PRAGMA or CREATE."""
    p = _refused_unchanged(tmp_path / "other.sqlite", "CREATE TABLE things (a INTEGER)", "not a lisse results database.*things")
    con = sqlite3.connect(p)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["things"]
    con.close()
    ResultsDB(tmp_path / "new.sqlite").close()  # a new file is initialised
    (tmp_path / "empty.sqlite").write_bytes(b"")
    ResultsDB(tmp_path / "empty.sqlite").close()  # so is an empty one


@pytest.mark.parametrize("ddl", ["CREATE TABLE schema_version (version INTEGER, applied_at TEXT)",
                                 "CREATE TABLE schema_version (v TEXT)",
                                 "CREATE TABLE schema_version (version INTEGER, applied_at TEXT); CREATE TABLE files (name TEXT)"])
def test_another_programs_schema_version_table_does_not_make_it_a_lisse_database(tmp_path: Path, ddl: str):
    """A user's database that happens to have a 'schema_version' table (and even a 'files' table of its own) is refused
    and left byte for byte as it was: no lisse tables, no row, no switch to the write-ahead log (an independent audit
    found all three done to it)."""
    _refused_unchanged(tmp_path / "app.sqlite", ddl, "not a lisse results database")


def test_db_query_json_error_partway_prints_nothing_partial(tmp_path: Path):
    """A row that fails after the first was fetched: exit 2, one error line, and no half-written '[' on stdout."""
    from conftest import run_cli

    db = tmp_path / "lab.sqlite"
    ResultsDB(db).close()
    sql = ("WITH RECURSIVE t(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM t WHERE v < 20000) "
           "SELECT v, json_extract(CASE WHEN v > 15000 THEN 'not json' ELSE '{}' END, '$') AS j FROM t")
    r = run_cli("db", "query", str(db), sql, "--json")
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert "malformed JSON" in r.stderr


def test_same_stem_in_two_folders_is_two_cells(tmp_path: Path):
    """run1/cell01.csv and run2/cell01.csv are two cells, each linked to its own file."""
    for run in ("run1", "run2"):
        (tmp_path / "data" / run).mkdir(parents=True)
        fullcell_csv(tmp_path / "data" / run / "cell01.csv", n_cycles=2)
    db = tmp_path / "lab.sqlite"
    run_batch([tmp_path / "data"], db=db, out=tmp_path / "o", settings=BatchSettings(analysis="cycling"))
    con = sqlite3.connect(db)
    got = con.execute("SELECT c.name, f.path FROM files f JOIN cells c USING (cell_id) ORDER BY c.name").fetchall()
    con.close()
    assert [n for n, _ in got] == ["run1/cell01", "run2/cell01"]
    assert [Path(p).parent.name for _, p in got] == ["run1", "run2"]


def test_analysis_output_columns_are_all_in_the_db_schema(tmp_path: Path):
    """Every column the analyses give (full cell with area and mass, symmetric CCD staircase) has a DB column."""
    from lisse.batch import analyse_file
    from lisse.io.resultsdb import TABLES

    from ._synth import symmetric_csv

    fc = fullcell_csv(tmp_path / "fc.csv", n_cycles=2)
    sym = symmetric_csv(tmp_path / "sym.csv")
    settings = BatchSettings(analysis="cycling", area=0.785e-4, active_mass=5e-6).as_dict()
    seen = set()
    for p in (fc, sym):
        out = analyse_file({"path": str(p), "settings": settings})
        for table, rows in out["tables"].items():
            cols = set(rows.columns) if hasattr(rows, "columns") else set().union(*map(set, rows))
            missing = cols - {c for c, _ in TABLES[table]}
            assert not missing, (table, sorted(missing))
            seen.add(table)
    assert {"cycles", "half_cycles", "ccd_steps"} <= seen
    with ResultsDB(tmp_path / "lab.sqlite") as db:  # an unknown column is a lisse bug: refused, not silently dropped
        with pytest.raises(ParameterError, match="no_such_column"):
            db.write_file({"path": "/x", "settings_hash": "h", "status": "ok"}, {"cycles": [{"cycle": 1, "no_such_column": 2.0}]})
        assert db.lookup("/x") is None  # the transaction rolled back


def test_old_schema_database_gains_the_new_columns(tmp_path: Path):
    """A version-1 lisse database (without the areal / reference / lower-bound columns) is migrated on open."""
    from lisse.io import resultsdb

    p = tmp_path / "old.sqlite"
    ResultsDB(p).close()
    con = sqlite3.connect(p)
    con.execute("ALTER TABLE cycles DROP COLUMN charge_capacity_mAh_cm2")
    con.execute("ALTER TABLE files DROP COLUMN ccd_is_lower_bound")
    con.execute("DELETE FROM schema_version")
    con.execute("INSERT INTO schema_version VALUES (1, 'x')")
    con.commit()
    con.close()
    ResultsDB(p).close()
    con = sqlite3.connect(p)
    assert "charge_capacity_mAh_cm2" in {r[1] for r in con.execute("PRAGMA table_info(cycles)")}
    assert "ccd_is_lower_bound" in {r[1] for r in con.execute("PRAGMA table_info(files)")}
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == resultsdb.SCHEMA_VERSION >= 2
    con.close()


def test_ccd_lower_bounds_are_stored_and_ranked_as_bounds(tmp_path: Path):
    """A cell that never failed has only a lower-bound CCD: stored, returned, and ranked as a bound (lisse.analysis.ranking)."""
    from lisse.analysis.lab import compare_with_lab
    from lisse.batch import analyse_file

    from ._synth import symmetric_csv

    out = analyse_file({"path": str(symmetric_csv(tmp_path / "sym.csv")),
                        "settings": BatchSettings(analysis="cycling", area=0.785e-4).as_dict()})
    assert out["file"]["ccd_is_lower_bound"] is False  # the generator fails at 0.55 mA/cm2: a measured CCD
    with ResultsDB(tmp_path / "lab.sqlite") as db:
        for name, ccd, lb in (("a", 0.3, False), ("b", 0.5, False), ("c", 2.0, True), ("d", 0.7, False)):
            db.write_file({"path": f"/{name}", "settings_hash": "h", "status": "ok", "ccd_mA_cm2": ccd, "ccd_is_lower_bound": lb},
                          cell={"name": name})
        rows = db.ccd_values()
    assert [(r["cell"], r["ccd_is_lower_bound"]) for r in rows] == [("a", False), ("b", False), ("c", True), ("d", False)]
    lab = compare_with_lab(rows, 0.6)
    # 0.6 beats 0.3 and 0.5; 0.7 beats it, and so does cell c, which held at least 2.0 (an independent audit found the
    # lower bound dropped from the rank: rank 2 instead of 3); the bound stays out of the distribution
    assert lab["n_lab_cells"] == 4 and lab["n_lower_bounds"] == 1 and lab["unit"] == "mA/cm2"
    assert lab["rank"] == 3 and lab["percentile"] == pytest.approx(50.0, rel=1e-12) and lab["n_undecided"] == 0
    assert lab["distribution"]["max"] == 0.7
    assert [c["cell"] for c in lab["cells"] if c["lower_bound"]] == ["c"]
    # a bound below the cell settles nothing; the cell's own stored bound (c: >= 2.0) beats every lower measured value
    low = compare_with_lab(rows, 2.5)
    assert (low["rank"], low["n_worse"], low["n_undecided"]) == (1, 3, 1)
    mine = compare_with_lab(rows, this_cell="c")
    assert mine["value_is_lower_bound"] is True and (mine["rank"], mine["percentile"]) == (1, 100.0)
    bound = compare_with_lab(rows, 0.5, value_is_lower_bound=True)  # held at least 0.5: beats 0.3; 0.5, 0.7, >= 2.0 open
    assert (bound["n_worse"], bound["n_better"], bound["n_undecided"], bound["rank"]) == (1, 0, 3, 1)


def _open_new_database(path: str, barrier, errors) -> None:
    from lisse.io.resultsdb import ResultsDB

    barrier.wait()
    try:
        ResultsDB(path).con.close()
    except Exception as exc:  # noqa: BLE001 - the test reports what any process met
        errors.put(str(exc))


def test_processes_opening_one_new_database_at_once_all_succeed(tmp_path):
    """Four processes creating one new database together: SQLite answers the switch to WAL with an immediate
    "database is locked" (no busy wait); before the retry one in ~5 such rounds failed with exit 2."""
    import multiprocessing as mp
    import sqlite3

    ctx = mp.get_context("fork")
    errors = ctx.Queue()
    for trial in range(12):
        path = str(tmp_path / f"lab{trial}.sqlite")
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_open_new_database, args=(path, barrier, errors)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == 1
        con.close()
    found = []
    while not errors.empty():
        found.append(errors.get())
    assert found == []


def test_lab_history_audit_fixes(tmp_path: Path):
    """Found by an independent audit of the lab-history workflow, each checked against counts made here:
    (1) two batches of different folders holding a 'cell01.csv' with different areas are two cells, not one merged cell
    whose area the second batch overwrites: the second file is an error naming both areas; (2) a renamed file (same
    sha256) counts once in the lab's CCDs; (3) a resumed batch names the unchanged files still in error."""
    from ._synth import symmetric_csv

    for year in ("b2025", "b2026"):
        (tmp_path / year).mkdir()
        symmetric_csv(tmp_path / year / "cell01.csv", seed=1 if year == "b2025" else 2)
    db = tmp_path / "lab.sqlite"
    run_batch([tmp_path / "b2025"], db=db, settings=BatchSettings(analysis="cycling", area=0.785e-4))
    res = run_batch([tmp_path / "b2026"], db=db, settings=BatchSettings(analysis="cycling", area=1.0e-4))
    assert res.files_failed == 1 and "0.785 cm2" in res.failed[0]["error"] and "found 1 cm2" in res.failed[0]["error"]
    with ResultsDB(db, readonly=True) as store:
        cells = store.query("SELECT name, area_cm2 FROM cells")
        assert [(c["name"], round(c["area_cm2"], 9)) for c in cells] == [("cell01", 0.785)]
        assert len(store.ccd_values()) == 1
    # the same folder re-analysed with a corrected area: the cell takes it (no clash with its own files)
    res = run_batch([tmp_path / "b2025"], db=db, settings=BatchSettings(analysis="cycling", area=0.8e-4))
    assert res.files_failed == 0 and res.files_ok == 1
    # (2) a rename: two ok rows with one sha256, one CCD
    (tmp_path / "b2025" / "cell01.csv").rename(tmp_path / "b2025" / "cell01_2025.csv")
    run_batch([tmp_path / "b2025"], db=db, settings=BatchSettings(analysis="cycling", area=0.8e-4))
    with ResultsDB(db, readonly=True) as store:
        n_ok = store.query("SELECT COUNT(*) AS n FROM files WHERE status = 'ok'")[0]["n"]
        assert n_ok == 2 and [r["path"].endswith("cell01_2025.csv") for r in store.ccd_values()] == [True]
        paths = {r["path"] for r in store.half_cycle_overpotentials()}
        assert len(paths) == 1 and paths.pop().endswith("cell01_2025.csv")
    # (3) an unreadable file stays in error on a resumed batch, and the summary says so
    (tmp_path / "b2025" / "empty.csv").write_text("")
    run_batch([tmp_path / "b2025"], db=db, settings=BatchSettings(analysis="cycling", area=0.8e-4))
    res = run_batch([tmp_path / "b2025"], db=db, settings=BatchSettings(analysis="cycling", area=0.8e-4))
    s = res.summary()
    assert s["files_failed"] == 0 and s["files_skipped"] == 2 and s["files_skipped_in_error"] == 1
    assert s["stored_errors"][0]["file"].endswith("empty.csv") and s["stored_errors"][0]["error"]


def test_a_copy_without_the_value_does_not_displace_the_one_with_it(tmp_path: Path):
    """Review: a copy of a file analysed later without an area (no CCD, no current densities) removed the earlier copy's
    CCD and half cycles from the lab comparison; copies are now de-duplicated among the rows that carry the value."""
    import shutil

    from ._synth import symmetric_csv

    (tmp_path / "A").mkdir()
    (tmp_path / "B").mkdir()
    symmetric_csv(tmp_path / "A" / "sym07.csv")
    db = tmp_path / "lab.sqlite"
    run_batch([tmp_path / "A"], db=db, settings=BatchSettings(analysis="cycling", area=0.785e-4))
    shutil.copy(tmp_path / "A" / "sym07.csv", tmp_path / "B" / "sym07.csv")
    run_batch([tmp_path / "B"], db=db, settings=BatchSettings(analysis="cycling"))
    with ResultsDB(db, readonly=True) as store:
        assert [(r["cell"], r["ccd_mA_cm2"]) for r in store.ccd_values()] == [("sym07", pytest.approx(0.5, rel=1e-9))]
        hc = store.half_cycle_overpotentials()
        with_j = {r["path"] for r in hc if r["current_density_A_m2"] is not None}
        assert len(with_j) == 1 and with_j.pop().endswith("A/sym07.csv".replace("/", __import__("os").sep))


def test_predictions_name_their_calibrated_parameters_in_a_column_and_old_rows_gain_it(tmp_path: Path):
    """stop 43's leftover: a prediction's calibrated parameters were only inside parameters_json, so a query of the
    predictions table read a calibrated-on-another-observation CCD as a plain prediction. Schema 3 adds the column."""
    import json
    import sqlite3

    from lisse.io.resultsdb import ResultsDB

    path = tmp_path / "lab.sqlite"
    with ResultsDB(path) as db:
        db.add_predictions([
            {"source": "s", "quantity": "ccd", "value": 1.0, "unit": "mA/cm2", "kind": "predicted",
             "parameters_json": {"calibrated": ["exchange_current", "surface_energy"]}},
            {"source": "s", "quantity": "ccd", "value": 2.0, "unit": "mA/cm2", "kind": "predicted",
             "parameters_json": {"calibrated": []}},
            {"source": "s", "quantity": "ccd", "value": 3.0, "unit": "mA/cm2", "kind": "predicted",
             "parameters_json": {"calibrated": {"li_surface_energy": "Ji2025 ..."}}},  # name -> observation
            {"source": "s", "quantity": "ccd", "value": 4.0, "unit": "mA/cm2", "kind": "predicted", "parameters_json": {}},
            {"source": "s", "quantity": "ccd", "value": 5.0, "unit": "mA/cm2", "kind": "predicted",
             "calibrated_parameters": ["void_depth_ratio"]},
            # given and parameters_json disagree: every name either calls calibrated (a dropped label reads as a prediction)
            {"source": "s", "quantity": "ccd", "value": 5.5, "unit": "mA/cm2", "kind": "predicted",
             "calibrated_parameters": "void_depth_ratio", "parameters_json": {"calibrated": ["surface_energy", "void_depth_ratio"]}},
            {"source": "s", "quantity": "ccd", "value": 5.7, "unit": "mA/cm2", "kind": "predicted",
             "calibrated_parameters": "none", "parameters_json": {"calibrated": ["surface_energy"]}},
            {"source": "s", "quantity": "ccd", "value": 5.9, "unit": "mA/cm2", "kind": "predicted",
             "calibrated_parameters": [], "parameters_json": {"calibrated": []}},
        ])
        got = [r["calibrated_parameters"] for r in db.query("SELECT calibrated_parameters FROM predictions ORDER BY value")]
    assert got == ["exchange_current;surface_energy", "none", "li_surface_energy", None, "void_depth_ratio",
                   "void_depth_ratio;surface_energy", "surface_energy", "none"]  # NULL: not said
    # a schema-2 database (no column): opening it for writing adds the column; old rows stay NULL (their lists were
    # complete by older rules: not copied as if they were today's)
    if sqlite3.sqlite_version_info < (3, 35):
        pytest.skip(f"SQLite {sqlite3.sqlite_version} has no DROP COLUMN to make a schema-2 database")
    old = tmp_path / "old.sqlite"
    with ResultsDB(old):
        pass
    con = sqlite3.connect(old)
    con.execute("ALTER TABLE predictions DROP COLUMN calibrated_parameters")
    con.execute("DELETE FROM schema_version")
    con.execute("INSERT INTO schema_version VALUES (2, 'x')")
    con.execute("INSERT INTO predictions (source, quantity, value, kind, parameters_json) VALUES ('old', 'ccd', 6.0, "
                "'predicted', ?)", (json.dumps({"calibrated": ["void_depth_ratio"]}),))
    con.commit()
    con.close()
    with ResultsDB(old) as db:
        db.add_predictions([{"source": "new", "quantity": "ccd", "value": 7.0, "kind": "predicted",
                             "parameters_json": {"calibrated": ["surface_energy"]}}])
        rows = db.query("SELECT value, calibrated_parameters FROM predictions ORDER BY value")
        assert db.query("SELECT MAX(version) AS v FROM schema_version") == [{"v": 3}]
    assert [r["calibrated_parameters"] for r in rows] == [None, "surface_energy"]  # the old row: not said, not guessed


def test_a_read_only_database_opened_for_writing_is_named_read_only_not_foreign(tmp_path, monkeypatch):
    """A lisse database lisse may not write to (a read-only file, as SQLite reports it: "attempt to write a readonly
    database") is an output problem, not "not a lisse results database"."""
    import sqlite3

    import lisse.io.resultsdb as rdb
    from lisse.errors import OutputError

    db = tmp_path / "lab.sqlite"
    rdb.ResultsDB(db).close()
    real = rdb._connect

    def read_only(path, *, readonly=False, timeout_s=rdb.BUSY_TIMEOUT_S):
        con = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        return con

    con = sqlite3.connect(db)
    con.execute("INSERT INTO schema_version VALUES (2, 'a migrated database keeps its history')")
    con.commit()
    con.close()
    before = db.read_bytes(), [tuple(r) for r in sqlite3.connect(db).execute("SELECT * FROM schema_version")]
    assert len(before[1]) == 2
    monkeypatch.setattr(rdb, "_connect", read_only)
    with pytest.raises(OutputError, match=r"lab\.sqlite': expected a database lisse can write to; found the file is read-only .*readonly") as e:
        rdb.ResultsDB(db)
    assert "not a lisse results database" not in str(e.value) and "\n" not in str(e.value)
    monkeypatch.setattr(rdb, "_connect", real)
    with rdb.ResultsDB(db, readonly=True) as store:  # reading it is fine
        assert store.query("SELECT COUNT(*) AS n FROM files")[0]["n"] == 0
    # the write probe changes nothing: reopening for writing leaves the schema history and the file as they were
    rdb.ResultsDB(db).close()
    assert (db.read_bytes(), [tuple(r) for r in sqlite3.connect(db).execute("SELECT * FROM schema_version")]) == before


def test_sqlite_access_errors_at_open_are_named_as_such_not_as_a_foreign_file(tmp_path, monkeypatch):
    """A read-only folder (reading a write-ahead-log database makes its -shm file there) and a lock held by another
    process are access problems (OutputError), each said as such; a file that is no SQLite database stays a ParameterError."""
    import sqlite3

    import lisse.io.resultsdb as rdb
    from lisse.errors import OutputError

    db = tmp_path / "lab.sqlite"
    ro = sqlite3.OperationalError("attempt to write a readonly database")
    e = rdb._open_error(ro, db, True, 5.0)  # tmp_path is writable: not "its folder"
    assert isinstance(e, OutputError) and "expected a database lisse can read; found SQLite cannot make" in str(e)
    assert "found the file is read-only" in str(rdb._open_error(ro, db, False, 5.0))
    named = sqlite3.OperationalError("some text")  # the error name alone decides (Python >= 3.11 sets it)
    named.sqlite_errorname = "SQLITE_READONLY_DIRECTORY"
    assert "found its folder" in str(rdb._open_error(named, db, True, 5.0))
    named.sqlite_errorname = "SQLITE_BUSY"
    assert "locked by another process" in str(rdb._open_error(named, db, False, 5.0))
    named.sqlite_errorname = "SQLITE_FULL"
    assert isinstance(rdb._open_error(named, db, False, 5.0), OutputError)
    for text in ("database or disk is full", "disk I/O error", "unable to open database file"):
        e = rdb._open_error(sqlite3.OperationalError(text), db, False, 5.0)
        assert isinstance(e, OutputError) and "not the database" in str(e), text
    monkeypatch.setattr(rdb.os, "access", lambda p, mode: False)
    for ro_open in (True, False):
        assert "found its folder" in str(rdb._open_error(ro, db, ro_open, 5.0))
    monkeypatch.undo()
    assert isinstance(rdb._open_error(sqlite3.DatabaseError("file is not a database"), db, False, 5.0), ParameterError)
    # a writer holding the lock past the wait
    rdb.ResultsDB(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(OutputError, match=r"expected to open it within 0\.3 s; found it locked by another process"):
            rdb.ResultsDB(db, timeout_s=0.3)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ParameterError, match="expected a lisse results database"):
        rdb.ResultsDB(junk)
