"""Acceptance review of issue 15: defects found by running lisse batch / lisse db as a lab would (each test failed first)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO_ROOT, SHARED, run_cli

from ._synth import fullcell_csv


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the worker processes")
def test_kill_9_of_the_parent_leaves_no_worker_process(tmp_path: Path):
    """kill -9 of a process running tasks with jobs=2: its worker processes end too (they used to sleep forever, orphaned)."""
    script = textwrap.dedent("""
        import multiprocessing, sys, time
        from lisse.parallel import iter_tasks
        if __name__ == "__main__":
            it = iter_tasks(time.sleep, [60.0] * 4, jobs=2)
            gen = iter(it)
            import threading
            threading.Thread(target=lambda: next(gen, None), daemon=True).start()
            for _ in range(600):
                kids = multiprocessing.active_children()
                if len(kids) >= 2:
                    break
                time.sleep(0.1)
            time.sleep(1.0)
            print(" ".join(str(k.pid) for k in multiprocessing.active_children()), flush=True)
            time.sleep(120)
    """)
    (tmp_path / "run.py").write_text(script)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    p = subprocess.Popen([sys.executable, str(tmp_path / "run.py")], stdout=subprocess.PIPE, text=True, env=env)
    try:
        line = p.stdout.readline()
        pids = [int(x) for x in line.split()]
        assert pids, "no worker process started"
        os.kill(p.pid, signal.SIGKILL)
        p.wait(timeout=30)
        deadline = time.monotonic() + 30
        while any(_alive(q) for q in pids) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = [q for q in pids if _alive(q)]
        for q in left:  # clean up before failing
            os.kill(q, signal.SIGKILL)
        assert not left, f"worker processes {left} outlived the killed parent"
    finally:
        if p.poll() is None:
            p.kill()


def test_a_batch_exports_all_its_rows_when_another_batch_rewrote_its_files_meanwhile(tmp_path: Path):
    """Two batches over the same files into one database: each output folder still holds every cycle of its files.

    The second batch re-analyses the files (new file_id per row) after the first stored them and before it exported;
    the first batch's cycles.parquet used to keep only the rows of file_ids that still existed (none here).
    Reference: the synthetic full cells' cycle counts (3 + 2 complete cycles).
    """
    from lisse.batch import run_batch

    data = tmp_path / "data"
    data.mkdir()
    fullcell_csv(data / "a.csv", n_cycles=3)
    fullcell_csv(data / "b.csv", n_cycles=2)
    db = tmp_path / "lab.sqlite"
    fired = []

    def other_batch(done: int, total: int) -> None:
        if done == total and not fired:
            fired.append(True)
            run_batch([data], db=db, out=tmp_path / "out_b", force=True)

    res = run_batch([data], db=db, out=tmp_path / "out_a", progress=other_batch)
    assert fired and res.files_ok == 2
    for out in ("out_a", "out_b"):
        files = pd.read_parquet(tmp_path / out / "files.parquet")
        cycles = pd.read_parquet(tmp_path / out / "cycles.parquet")
        complete = cycles[cycles["complete"] == 1]
        assert len(complete) == 5, (out, len(cycles))
        with sqlite3.connect(db) as con:  # the file_ids of files.parquet are those the database holds now
            ids = {r[0] for r in con.execute("SELECT file_id FROM files")}
        assert set(files["file_id"]) == ids, out


@pytest.mark.parametrize("sql", ["ATTACH DATABASE '{new}' AS other", "VACUUM INTO '{new}'", "DETACH DATABASE main"])
def test_db_query_creates_no_file_and_fails_in_one_line(tmp_path: Path, sql: str):
    """The read-only query refuses statements that create files (ATTACH made an empty file, VACUUM INTO too): exit 2."""
    from lisse.io.resultsdb import ResultsDB

    db = tmp_path / "lab.sqlite"
    ResultsDB(db).close()
    before = db.read_bytes()
    new = tmp_path / "created.db"
    r = run_cli("db", "query", str(db), sql.format(new=new), "--json")
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("lisse: error:") and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not new.exists()
    assert db.read_bytes() == before


def _peak_rss_query(db: Path, sql: str, out: Path) -> int:
    """Peak resident memory [kB] of `lisse db query DB SQL --json` (run in a fresh interpreter), its stdout to ``out``."""
    code = ("import resource, sys\nfrom lisse.cli.main import main\nrc = main(sys.argv[1:])\n"
            "sys.stderr.write(f'PEAK_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n')\nsys.exit(rc)\n")
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT / "src")}
    with open(out, "w") as fh:
        r = subprocess.run([sys.executable, "-c", code, "db", "query", str(db), sql, "--json"], stdout=fh, stderr=subprocess.PIPE,
                           text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    return int(r.stderr.split("PEAK_KB")[-1].split()[0])


def test_db_query_json_streams_its_rows_in_bounded_memory(tmp_path: Path):
    """A query returning many rows prints them all as a JSON list, in memory that does not grow with the row count.

    Before: every row became a dict in one list, then one JSON string (10^6 cycle rows: 4 GB peak, 28 MB after).
    Reference: the row count and a column sum from sqlite3 directly; the memory of the same query with LIMIT 10.
    """
    from lisse.io.resultsdb import TABLES, ResultsDB

    db = tmp_path / "lab.sqlite"
    n = 60_000
    with ResultsDB(db) as store:
        store.write_file({"path": "/x/a.csv", "settings_hash": "s", "status": "ok"},
                         {"cycles": [{"cycle": i, "charge_capacity_mAh": 1.0 + i * 1e-6, "discharge_capacity_mAh": 0.99,
                                      "coulombic_efficiency_pct": 99.0, "retention_note": "x" * 40, "complete": 1}
                                     for i in range(n)]})
    small = _peak_rss_query(db, "SELECT * FROM cycles LIMIT 10", tmp_path / "small.json")
    big = _peak_rss_query(db, "SELECT * FROM cycles", tmp_path / "big.json")
    rows = json.loads((tmp_path / "big.json").read_text())
    assert isinstance(rows, list) and len(rows) == n and set(rows[0]) == {c for c, _ in TABLES["cycles"]}
    with sqlite3.connect(db) as con:
        ref = con.execute("SELECT SUM(charge_capacity_mAh) FROM cycles").fetchone()[0]
    assert sum(r["charge_capacity_mAh"] for r in rows) == pytest.approx(ref, rel=1e-12, abs=0)
    assert json.loads((tmp_path / "small.json").read_text()) == rows[:10]
    assert big - small < 48_000, f"peak memory grew by {(big - small) / 1e3:.0f} MB for {n} rows"


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform == "win32", reason="needs symbolic links")
def test_broken_and_looping_links_in_a_folder_are_error_rows(tmp_path: Path):
    """A dangling link and a link loop inside a scanned folder are error rows (they used to vanish from the batch silently)."""
    from lisse.batch import run_batch

    data = tmp_path / "data"
    data.mkdir()
    fullcell_csv(data / "good.csv", n_cycles=2)
    (data / "dangling.mpr").symlink_to(data / "gone.mpr")
    (data / "loop_a").symlink_to(data / "loop_b")
    (data / "loop_b").symlink_to(data / "loop_a")
    res = run_batch([data], db=tmp_path / "lab.sqlite", out=tmp_path / "out")
    files = pd.read_parquet(tmp_path / "out" / "files.parquet")
    status = dict(zip(files["file"].map(lambda f: Path(f).name), files["status"]))
    assert status == {"good.csv": "ok", "dangling.mpr": "error", "loop_a": "error", "loop_b": "error"}, status
    assert res.files_total == 4 and res.files_ok == 1 and res.files_failed == 3
    assert all(files.loc[files["status"] == "error", "error"].str.contains("cannot read"))
    again = run_batch([data], db=tmp_path / "lab.sqlite", out=tmp_path / "out")  # the batch goes on the same way
    assert again.files_failed == 3 and again.files_skipped == 1


def test_a_worker_process_that_dies_is_its_tasks_error_and_the_others_complete():
    """A task that kills its worker process (out of memory, a crash in native code) is that task's error; the rest run.

    It used to break the whole pool: BrokenProcessPool ended `lisse batch --jobs 2` with an internal error, no summary.
    Reference: the task values are the worker pids (any int) and the crashing item is known.
    """
    import functools
    import operator

    from lisse.parallel import run_tasks

    items = [os.getpid] * 7
    items[2] = functools.partial(os._exit, 3)
    out = run_tasks(operator.call, items, jobs=2)
    assert [o.index for o in out] == list(range(7))
    assert [o.ok for o in out] == [True, True, False, True, True, True, True]
    assert all(isinstance(o.value, int) and o.value != os.getpid() for o in out if o.ok)
    assert out[2].error_type == "WorkerProcessDied" and "died" in out[2].error and not out[2].user_error


@pytest.mark.slow  # ~40 s: the nanny restarts the killed worker 3 times before the scheduler gives up on the task
def test_a_dask_task_that_kills_its_worker_is_its_own_error():
    """On a Dask LocalCluster (2 worker processes), a task that kills its worker is that task's error; the rest complete.

    KilledWorker used to propagate out of iter_tasks and end the whole batch. Reference: the known crashing item.
    """
    import functools
    import operator

    distributed = pytest.importorskip("distributed")

    from lisse.parallel import run_tasks

    items = [os.getpid] * 5
    items[1] = functools.partial(os._exit, 3)
    import dask

    # one task per worker thread at a time: no innocent task queued on the worker that dies (Dask counts those too)
    with dask.config.set({"distributed.scheduler.worker-saturation": 1.0}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            distributed.Client(cluster) as client:
        out = run_tasks(operator.call, items, client=client)
    assert [o.index for o in out] == list(range(5))
    assert [o.ok for o in out] == [True, False, True, True, True]
    assert out[1].error_type == "KilledWorker" and not out[1].user_error


def test_files_parquet_shows_the_readers_notes_of_a_truncated_file(tmp_path: Path):
    """A truncated .mpr the reader recovers (its whole rows) is "ok", and files.parquet says so in ``notes``, on the
    first run and when it is skipped on the next (it used to look like any complete file there: silent partial data).
    Reference: the reader's own provenance note of the same file (lisse.io.readers.read_cycling).
    """
    from lisse.batch import run_batch
    from lisse.io.readers import read_cycling

    src = SHARED / "data" / "cyclers" / "biologic_gcpl_5cycles_2-3.8V_C24.mpr"
    if not src.exists():
        pytest.skip("shared cycler files absent")
    data = tmp_path / "data"
    data.mkdir()
    (data / "cut.mpr").write_bytes(src.read_bytes()[:50_000])
    fullcell_csv(data / "whole.csv", n_cycles=2)
    expected = list(read_cycling(data / "cut.mpr").provenance.notes)
    assert any("truncated" in n for n in expected)
    for run in range(2):
        run_batch([data], db=tmp_path / "lab.sqlite", out=tmp_path / "out")
        files = pd.read_parquet(tmp_path / "out" / "files.parquet").set_index(pd.Index(["cut.mpr", "whole.csv"]))
        assert list(files["status"]) == (["ok", "ok"] if run == 0 else ["skipped", "skipped"])
        assert files.loc["cut.mpr", "notes"] == "; ".join(expected), run
        assert pd.isna(files.loc["whole.csv", "notes"]) or "truncated" not in files.loc["whole.csv", "notes"]


def test_an_impedance_batch_skips_cycler_files_as_a_cycler_batch_skips_impedance_files(tmp_path: Path):
    """`lisse batch eis` over a mixed folder: a cycler file is "skipped" (pointing at batch cycling), not an error row,
    mirroring `lisse batch cycling`, which skips impedance files; a corrupt file stays an error row.
    Reference: the synthetic files' known kinds.
    """
    from lisse.batch import BatchSettings, run_batch

    from ._synth import three_arc_csv

    data = tmp_path / "data"
    data.mkdir()
    fullcell_csv(data / "cycler.csv", n_cycles=2)
    three_arc_csv(data / "spectrum.csv")
    (data / "corrupt.mpr").write_bytes(b"BIO-LOGIC MODULAR FILE\x1a" + bytes(range(256)) * 2)
    res = run_batch([data], out=tmp_path / "out", settings=BatchSettings(analysis="eis"))
    files = pd.read_parquet(tmp_path / "out" / "files.parquet")
    status = dict(zip(files["file"].map(lambda f: Path(f).name), files["status"]))
    assert status == {"cycler.csv": "skipped", "spectrum.csv": "ok", "corrupt.mpr": "error"}, status
    assert "batch cycling" in files.loc[files["file"].str.endswith("cycler.csv"), "error"].iloc[0]
    assert (res.files_ok, res.files_failed, res.files_skipped) == (1, 1, 1)
    cyc = run_batch([data], out=tmp_path / "out_c", settings=BatchSettings(analysis="cycling"))
    assert (cyc.files_ok, cyc.files_failed, cyc.files_skipped) == (1, 1, 1)


def test_a_batch_killed_while_exporting_can_rerun_into_the_same_output_folder(tmp_path: Path):
    """A kill -9 during the export leaves lisse's own temporary Parquet files (.files.parquet.tmp-PID); the rerun used to
    refuse the folder as holding files lisse did not write. Those of a dead process are removed; a live one's are kept."""
    from lisse.batch import run_batch
    from lisse.errors import ParameterError

    data = tmp_path / "data"
    data.mkdir()
    fullcell_csv(data / "a.csv", n_cycles=2)
    out = tmp_path / "out"
    run_batch([data], out=out)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True).stdout.strip()
    stale = [out / f".files.parquet.tmp-{dead}", out / f".cycles.parquet.tmp-{dead}"]
    for f in stale:
        f.write_bytes(b"PAR1 half a file")
    res = run_batch([data], out=out)
    assert res.files_skipped == 1 and not any(f.exists() for f in stale)
    live = out / f".files.parquet.tmp-{os.getpid()}x"  # not lisse's pattern: stays, and is refused as before
    live.write_bytes(b"user file")
    with pytest.raises(ParameterError):
        run_batch([data], out=out)
    assert live.exists()


@pytest.mark.parametrize("address", ["not an address", "localhost", "tcp://10.0.0.5"])
def test_a_malformed_scheduler_address_is_one_line_exit_2(tmp_path: Path, address: str):
    """--scheduler without a port used to be an internal error (exit 1) plus a 40 s Client.__del__ traceback."""
    pytest.importorskip("distributed")
    data = tmp_path / "data"
    data.mkdir()
    fullcell_csv(data / "a.csv", n_cycles=1)
    r = run_cli("batch", "cycling", str(data), "--out", str(tmp_path / "out"), "--scheduler", address, "--json", timeout=120)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lisse: error: --scheduler") and "port" in lines[0], r.stderr
    assert not (tmp_path / "out").exists()  # refused before the output folder is made


def test_db_query_keeps_every_column_of_a_join_with_repeated_names(tmp_path: Path):
    """Two result columns of one name (a join of half_cycles and files: both have 'status') are both kept; the second
    used to overwrite the first silently in the JSON objects. The repeat is named 'status:1' (SQLite's own convention)."""
    from lisse.io.resultsdb import ResultsDB

    db = tmp_path / "lab.sqlite"
    with ResultsDB(db) as store:
        store.write_file({"path": "/x/a.csv", "settings_hash": "s", "status": "ok"},
                         {"half_cycles": [{"half_cycle": 0, "status": "short"}]})
        assert store.query("SELECT 1 AS a, 2 AS a, 3 AS a") == [{"a": 1, "a:1": 2, "a:2": 3}]
    r = run_cli("db", "query", str(db), "SELECT h.status, f.status FROM half_cycles h JOIN files f USING (file_id)", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [{"status": "short", "status:1": "ok"}]


@pytest.mark.parametrize("option", [("--area", "-1 cm2"), ("--area", "0"), ("--lambda", "banana"), ("--lambda", "-3"),
                                    ("--thickness", "0 um"), ("--fit", "R0-p(R1,")])
def test_a_bad_setting_is_refused_up_front_not_an_error_row_per_file(tmp_path: Path, option: tuple[str, str]):
    """A setting that fails every file (negative area, unknown DRT lambda) is exit 2 before anything is written; it used
    to become one error row per file, stored under those settings (so the rerun even skipped them)."""
    from ._synth import three_arc_csv

    data = tmp_path / "data"
    data.mkdir()
    three_arc_csv(data / "s.csv")
    r = run_cli("batch", "auto", str(data), "--out", str(tmp_path / "out"), *option, "--json")
    assert r.returncode == 2, (r.returncode, r.stdout[-300:])
    assert len(r.stderr.strip().splitlines()) == 1 and option[0].lstrip("-").replace("fit", "circuit") in r.stderr, r.stderr
    assert not (tmp_path / "out").exists()
