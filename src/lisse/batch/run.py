"""Run a batch: expand paths, skip what is unchanged, analyse the rest in parallel, store each file as it completes."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lisse.batch.tasks import BatchSettings, analyse_file
from lisse.errors import ParameterError
from lisse.io._readutil import file_sha256  # the one file hash (re-exported as lisse.batch.file_sha256)

__all__ = ["BatchResult", "expand_paths", "file_sha256", "run_batch", "DEFAULT_DB_NAME"]

#: Name of the database a batch writes into its output folder when no database is named.
DEFAULT_DB_NAME = "lisse.sqlite"
_GLOB_CHARS = set("*?[")
#: The per-row tables a batch exports as Parquet beside files.parquet.
EXPORTED = ("cycles", "half_cycles", "ccd_steps", "spectra", "drt_peaks", "fits")


def _hidden(p: Path, root: Path) -> bool:
    try:
        rel = p.relative_to(root)
    except ValueError:
        rel = p
    return any(part.startswith(".") for part in rel.parts)


def _entry(f: Path) -> bool:
    """A file of a scanned folder: a regular file, or a broken link (a dangling one, a loop), which becomes an error row
    instead of vanishing from the batch unseen."""
    return f.is_file() or (f.is_symlink() and not f.exists())


def _abs(p: str | os.PathLike) -> Path:
    """Absolute, normalised path; symbolic links are kept (a link is its own entry, named as the user named it)."""
    return Path(os.path.abspath(os.path.expanduser(str(p))))


def expand_paths(paths: Iterable[str | os.PathLike], *, recursive: bool = True, exclude: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """The files named by ``paths``: files as given, folders expanded (recursively), glob patterns expanded.

    Hidden files and folders (a name starting with ``.``) inside a folder are left out, and so are
    the ``exclude`` paths (e.g. the batch's own database and output folder). Symbolic links are followed but
    kept as named (a link to a file is an entry of its own).

    Parameters
    ----------
    paths : iterable of path
        Files, folders and glob patterns (``**`` recurses).
    recursive : bool
        Search folders recursively.
    exclude : iterable of path
        Files or folders to leave out.

    Returns
    -------
    list of Path
        Absolute paths without duplicates, in sorted order within each argument.

    Raises
    ------
    ParameterError
        A path that does not exist, or a pattern that matches nothing.
    """
    import glob

    ex = {_abs(e) for e in exclude}
    out: dict[Path, None] = {}

    def add(p: Path) -> None:
        p = _abs(p)
        if p in ex or any(parent in ex for parent in p.parents):
            return
        out.setdefault(p, None)

    for raw in paths:
        text = os.path.expanduser(str(raw))
        if any(c in _GLOB_CHARS for c in text) and not Path(text).exists():
            hits = sorted(glob.glob(text, recursive=True))
            if not hits:
                raise ParameterError(f"path pattern '{raw}': expected it to match files; it matches none")
            for h in hits:
                hp = Path(h)
                if hp.is_file():
                    add(hp)
                elif hp.is_dir():
                    for f in sorted(hp.rglob("*") if recursive else hp.iterdir()):
                        if _entry(f) and not _hidden(f, hp):
                            add(f)
            continue
        p = Path(text)
        if p.is_file():
            add(p)
        elif p.is_dir():
            for f in sorted(p.rglob("*") if recursive else p.iterdir()):
                if _entry(f) and not _hidden(f, p):
                    add(f)
        elif p.exists():
            raise ParameterError(f"path '{raw}': expected a file or a folder; found neither (a device or socket?)")
        else:
            raise ParameterError(f"path '{raw}': expected a file, folder or glob pattern; found no such file or folder")
    return list(out)


@dataclass
class BatchResult:
    """What a batch did.

    Parameters
    ----------
    files_total : int
        Number of files named.
    files_ok : int
        Number of files analysed without error.
    files_failed : int
        Number of files with an error row.
    files_skipped : int
        Number of files skipped (unchanged since a previous batch with the same settings, or of the
        other kind: impedance data in a cycler batch).
    db : str
        The database written.
    out : str or None
        The output folder (Parquet files), if any.
    elapsed_s : float
        Wall time of the batch (s).
    files_per_s : float
        Files analysed (not skipped) per second of wall time.
    failed : list of dict
        ``file``, ``error_type``, ``error`` of each failed file.
    stored_errors : list of dict
        ``file``, ``error_type``, ``error`` of each skipped (unchanged) file whose stored result is still an error
        (``--retry-errors`` analyses them again).
    files : list of dict
        One row per file of this batch: ``file``, ``sha256``, ``status``, ``error``, ``error_type``,
        ``file_id``, ``analysis``, ``cell_kind`` (``status`` "skipped" for resumed files).
    outputs : list of str
        The Parquet files written into ``out``.
    """

    files_total: int = 0
    files_ok: int = 0
    files_failed: int = 0
    files_skipped: int = 0
    db: str = ""
    out: str | None = None
    elapsed_s: float = 0.0
    files_per_s: float = 0.0
    failed: list = field(default_factory=list)
    stored_errors: list = field(default_factory=list)
    files: list = field(default_factory=list, repr=False)
    outputs: list = field(default_factory=list)

    def summary(self) -> dict:
        """The JSON object of ``lisse batch --json``.

        Returns
        -------
        dict
            ``files_total``, ``files_ok``, ``files_failed``, ``files_skipped``, ``db``, ``out``,
            ``elapsed_s`` [s], ``files_per_s`` [1/s], ``failed``, ``files_skipped_in_error`` (of the skipped, those whose
            stored result is an error; a count), ``stored_errors``, ``outputs``.
        """
        return {"files_total": self.files_total, "files_ok": self.files_ok, "files_failed": self.files_failed,
                "files_skipped": self.files_skipped, "files_skipped_in_error": len(self.stored_errors), "db": self.db,
                "out": self.out, "elapsed_s": self.elapsed_s, "files_per_s": self.files_per_s, "failed": self.failed,
                "stored_errors": self.stored_errors, "outputs": self.outputs}


def run_batch(paths: Sequence[str | os.PathLike], *, db: str | os.PathLike | None = None, out: str | os.PathLike | None = None,
              settings: BatchSettings | None = None, jobs: int = 1, scheduler: str | None = None, client: Any = None,
              progress: Callable[[int, int], None] | None = None, retry_errors: bool = False, force: bool = False,
              overwrite: bool = False) -> BatchResult:
    """Analyse every file under ``paths`` and store the results in the database ``db``.

    Each file is hashed (sha256, streamed) and skipped when its absolute path, content hash, size,
    modification time (ns) and the settings hash equal those of its stored row (a previous batch's
    result, ok or error). Touching a file (a new modification time) re-analyses it. The others run as
    tasks of :func:`lisse.parallel.iter_tasks` (here, ``jobs`` local processes, or a Dask cluster);
    each result is written to the database by this process as it completes, in one transaction per
    file, so an interrupted batch keeps every file it finished and resumes where it stopped.

    Parameters
    ----------
    paths : sequence of path
        Files, folders (searched recursively) and glob patterns (``"data/**/*.mpr"``).
    db : path, optional
        The results database (SQLite; created when missing). Default: ``out/lisse.sqlite``.
    out : path, optional
        Output folder (new, empty or made by lisse; :func:`lisse.io.outputs.claim_output_folder`):
        ``files.parquet`` (this batch's files: ``file``, ``sha256``, ``status``, ``error``, ...) and the
        per-row tables of this batch's files (``cycles.parquet``, ``half_cycles.parquet``,
        ``ccd_steps.parquet``, ``spectra.parquet``, ``drt_peaks.parquet``, ``fits.parquet``).
    settings : BatchSettings, optional
        The analysis settings (default: a cycler batch with default settings).
    jobs : int
        Number of local worker processes (1: here).
    scheduler : str, optional
        Address of a Dask distributed scheduler (see :func:`lisse.parallel.iter_tasks`).
    client : distributed.Client, optional
        An existing Dask client (reused, left open).
    progress : callable, optional
        ``progress(done, total)`` after each file.
    retry_errors : bool
        Re-analyse files whose stored status is "error" even when unchanged.
    force : bool
        Re-analyse every file.
    overwrite : bool
        Accept an output folder holding files lisse did not write.

    Returns
    -------
    BatchResult
        Counts, timing, the failed files and one row per file.

    Raises
    ------
    ParameterError
        No database and no output folder, a missing path, a refused output folder, ``jobs`` < 1.
    """
    from lisse.io.resultsdb import ResultsDB
    from lisse.parallel import iter_tasks

    t0 = time.perf_counter()
    settings = settings or BatchSettings()
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ParameterError(f"jobs: expected a whole number of processes >= 1; got {jobs!r}")
    if scheduler is not None and client is None:  # a malformed address, before the output folder is touched
        from lisse.parallel import _check_scheduler_address

        _check_scheduler_address(scheduler)
    if db is None and out is None:
        raise ParameterError("batch: give a database (db=, --db) or an output folder (out=, --out) to write it into")
    out_dir = None
    if out is not None:
        from lisse.io.outputs import claim_output_folder

        _remove_stale_temporaries(Path(out))
        # the exports it writes, and the database when it goes there: a user's file of one of these names refuses the
        # folder before any file is analysed
        out_dir = claim_output_folder(out, overwrite=overwrite, outputs=("files.parquet", *(f"{n}.parquet" for n in EXPORTED),
                                                                          *(() if db is not None else (DEFAULT_DB_NAME,))))
    db_path = _abs(db) if db is not None else (out_dir or Path.cwd()) / DEFAULT_DB_NAME  # (one of the two is given)
    if out_dir is not None and db_path.parent == out_dir:  # a database of that name the user keeps there is not lisse's
        from lisse.io.outputs import refuse_foreign_file

        refuse_foreign_file(db_path)
    db_files = [db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm"),
                db_path.with_name(db_path.name + "-journal")]
    files = expand_paths(paths, exclude=[*db_files, *([out_dir] if out_dir is not None else [])])
    digest = settings.digest()
    settings_json = settings.as_dict()
    result = BatchResult(files_total=len(files), db=str(db_path), out=None if out_dir is None else str(out_dir))
    total = len(files)
    done = 0
    with ResultsDB(db_path) as store:
        if out_dir is not None and db_path.parent == out_dir:
            from lisse.io.outputs import mark_output_files

            mark_output_files(out_dir, db_files[:3], settled=False)  # the database changes with every run: no digest
        previous = store.lookup_many([str(p) for p in files])
        rows: dict[str, dict] = {}
        tasks: list[dict] = []
        for p in files:
            key = str(p)
            try:
                st = p.stat()
                sha = file_sha256(p)
            except OSError as exc:  # unreadable: an error row, like any other bad file
                rows[key] = _store(store, {"path": key, "settings_hash": digest, "settings_json": settings_json,
                                           "status": "error", "error_type": "ReaderError",
                                           "error": f"'{p}': cannot read it ({exc.strerror or exc})"}, {})
                done += 1
                if progress:
                    progress(done, total)
                continue
            meta = {"path": key, "sha256": sha, "size_bytes": st.st_size, "mtime_ns": st.st_mtime_ns}
            prev = previous.get(key)
            unchanged = prev is not None and all(prev[k] == meta[k] for k in ("sha256", "size_bytes", "mtime_ns")) \
                and prev["settings_hash"] == digest
            if prev is not None and unchanged and not force and not (retry_errors and prev["status"] == "error"):
                stored_error = prev["status"] == "error"  # still in error: named in the summary, not hidden among the skipped
                rows[key] = {"file": key, "sha256": sha, "status": "skipped", "error": prev.get("error") if stored_error else None,
                             "error_type": prev.get("error_type") if stored_error else None,
                             "previous_status": prev["status"], "file_id": prev["file_id"], "resumed": True}
                done += 1
                if progress:
                    progress(done, total)
                continue
            tasks.append({**meta, "settings": settings_json})
        analysed = 0
        t_analyse = time.perf_counter()
        names = cell_names(files)
        items = [{"path": t["path"], "settings": t["settings"], "cell": names[t["path"]]} for t in tasks]
        for oc in iter_tasks(analyse_file, items, jobs=jobs, scheduler=scheduler, client=client):
            task = tasks[oc.index]
            base = {k: task[k] for k in ("path", "sha256", "size_bytes", "mtime_ns")}
            base.update(settings_hash=digest, settings_json=settings_json)
            if oc.ok:
                value = oc.value
                file_row = {**base, **value["file"]}
                tables = value["tables"]
                cell = value.get("cell")
            else:
                file_row = {**base, "status": "error", "error_type": oc.error_type, "error": " ".join(str(oc.error).split()),
                            "traceback": None if oc.user_error else oc.traceback}
                tables, cell = {}, None
            prev = previous.get(task["path"])
            if file_row["status"] == "skipped" and prev is not None and prev["status"] in ("ok", "error") \
                    and prev.get("analysis") not in (None, file_row.get("analysis")):
                # a file of the other kind (cycler data in an impedance batch, or the reverse) whose results of the
                # other analysis are stored: reported skipped in this batch's files.parquet, its DB row left alone
                rows[task["path"]] = {"file": task["path"], "sha256": task["sha256"], "status": "skipped",
                                      "error": file_row.get("error"), "error_type": None, "previous_status": prev["status"],
                                      "file_id": None, "analysis": file_row.get("analysis"),
                                      "cell_kind": file_row.get("cell_kind"), "resumed": False, "kept_other_analysis": True}
            else:
                clash = _cell_area_clash(store, cell, task["path"]) if file_row["status"] == "ok" else None
                if clash is not None:  # two cells of one name: stored as this file's error, not merged into the other cell
                    file_row = {**base, "status": "error", "error_type": "ParameterError", "error": clash, "traceback": None}
                    tables, cell = {}, None
                rows[task["path"]] = _store(store, file_row, tables, cell)
            analysed += 1
            done += 1
            if progress:
                progress(done, total)
        elapsed_analyse = time.perf_counter() - t_analyse
        result.files = [rows[str(p)] for p in files]
        for r in result.files:
            if r["status"] == "ok":
                result.files_ok += 1
            elif r["status"] == "error":
                result.files_failed += 1
                result.failed.append({"file": r["file"], "error_type": r["error_type"], "error": r["error"]})
            else:
                result.files_skipped += 1
                if r.get("resumed") and r.get("previous_status") == "error":
                    result.stored_errors.append({"file": r["file"], "error_type": r["error_type"], "error": r["error"]})
        if out_dir is not None:
            store.con.execute("BEGIN")  # one read snapshot: another batch may replace these files' rows meanwhile
            try:
                _refresh_file_ids(store, result.files)
                result.outputs = _export(store, out_dir, result.files)
            finally:
                store.con.execute("COMMIT")
    result.elapsed_s = time.perf_counter() - t0
    result.files_per_s = analysed / elapsed_analyse if analysed and elapsed_analyse > 0 else 0.0
    return result


def cell_names(files: Sequence[Path]) -> dict[str, str]:
    """Each file's default cell name: its path relative to the common folder of ``files``, without suffix.

    ``run1/cell01.csv`` and ``run2/cell01.csv`` are two cells (``run1/cell01``, ``run2/cell01``); files of
    one folder are named by their stem, as before.

    Parameters
    ----------
    files : sequence of Path
        The batch's files (absolute paths).

    Returns
    -------
    dict
        ``{str(path): name}`` (POSIX separators).
    """
    if not files:
        return {}
    root = Path(os.path.commonpath([str(Path(p).parent) for p in files]))
    return {str(p): Path(p).relative_to(root).with_suffix("").as_posix() for p in files}


def _cell_area_clash(store: Any, cell: dict | None, path: str) -> str | None:
    """The error when ``cell`` names a stored cell whose area differs from this file's (None when they agree).

    Cells are named by the file's path relative to the batch's common folder, so two batches of different folders can
    give two physical cells one name; their files would merge into one cell (its "best" CCD taken from the other cell,
    its area overwritten). A stored cell of that name with another area and files in another folder is refused (files
    of the same folder with a new area are a corrected re-analysis: the cell takes the new area, as before).
    """
    if not cell or cell.get("area_cm2") is None:
        return None
    folder = os.path.dirname(path)
    rows = [r for r in store.query("SELECT c.area_cm2, f.path FROM cells c JOIN files f ON f.cell_id = c.cell_id WHERE c.name = ? "
                                   "AND f.path != ? ORDER BY f.path", (cell["name"], path)) if os.path.dirname(r["path"]) != folder]
    stored = next((r["area_cm2"] for r in rows if r["area_cm2"] is not None), None)
    if stored is None or abs(stored - cell["area_cm2"]) <= 1e-6 * max(abs(stored), 1e-30):
        return None
    return (f"cell '{cell['name']}': expected the area of the cell of that name already in the database, {stored:g} cm2 "
            f"(file {rows[0]['path']}); found {cell['area_cm2']:g} cm2 for this file: two cells of one name? Give their "
            "files distinct folder names (cells are named by the path under the batch's folder), or the same --area")


def _store(store: Any, file_row: dict, tables: dict, cell: dict | None = None) -> dict:
    """Write one file's results (one transaction) and return its files.parquet row."""
    file_id = store.write_file(file_row, tables, cell=cell)
    return {"file": file_row["path"], "sha256": file_row.get("sha256"), "status": file_row["status"], "error": file_row.get("error"),
            "error_type": file_row.get("error_type"), "file_id": file_id, "analysis": file_row.get("analysis"),
            "cell_kind": file_row.get("cell_kind"), "resumed": False}


def _remove_stale_temporaries(out_dir: Path) -> None:
    """Remove the temporary Parquet files a killed batch left in its (lisse-made) output folder.

    Exports are written to ``.NAME.parquet.tmp-PID`` then renamed; a batch killed in between leaves
    the temporary file, and the folder would then be refused as holding files lisse did not write.
    Only files of exactly that pattern, of this batch's table names, whose process ``PID`` no longer
    runs, in a folder carrying lisse's marker, are removed.
    """
    import re

    from lisse.io.outputs import MARKER

    if os.name != "posix" or not (out_dir / MARKER).is_file():  # os.kill(pid, 0) only probes on POSIX (Windows: terminates)
        return
    names = "|".join(("files", *EXPORTED))
    pattern = re.compile(rf"^\.({names})\.parquet\.tmp-(\d+)$")
    for f in out_dir.iterdir():
        m = pattern.match(f.name)
        if m is None or not f.is_file() or f.is_symlink():
            continue
        try:
            os.kill(int(m.group(2)), 0)
            continue  # a live process (another batch) is writing it
        except ProcessLookupError:
            pass
        except (PermissionError, OverflowError, OSError):
            continue
        try:
            f.unlink()
        except OSError:
            pass


def _refresh_file_ids(store: Any, files: list[dict]) -> None:
    """Point each row's ``file_id`` at the file's row the database holds now.

    Another batch writing the same database may have re-analysed some of these files since this batch
    stored (or skipped) them; writing a file replaces its row, so its ``file_id`` changes. Exporting the
    old ids would silently drop those files' cycles, spectra, ... from this batch's Parquet files.
    """
    current = store.lookup_many([r["file"] for r in files])
    for r in files:
        if r.get("kept_other_analysis"):  # its stored rows belong to the other analysis: not this batch's export
            r["file_id"] = None
            continue
        now = current.get(r["file"])
        r["file_id"] = None if now is None else now["file_id"]
    _add_reader_notes(store, files)


def _add_reader_notes(store: Any, files: list[dict]) -> None:
    """Set each row's ``notes``: the reader's provenance notes of the stored file ("; "-joined; None when none).

    A reader that recovers a truncated file (the whole rows before the cut) says so only there: the
    row's status is "ok", so files.parquet must show it, for skipped (resumed) rows too.
    """
    import json

    ids = [r["file_id"] for r in files if r.get("file_id") is not None]
    notes: dict[int, str | None] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for fid, prov in store.con.execute(f"SELECT file_id, provenance_json FROM files WHERE file_id IN ({', '.join('?' * len(chunk))})",
                                           chunk):
            try:
                found = (json.loads(prov) or {}).get("notes") if prov else None
            except (ValueError, AttributeError):
                found = None
            notes[fid] = "; ".join(str(n) for n in found) if found else None
    for r in files:
        fid = r.get("file_id")
        r["notes"] = None if fid is None else notes.get(fid)


def _export(store: Any, out_dir: Path, files: list[dict]) -> list[str]:
    """files.parquet and the per-row tables of this batch's files, into ``out_dir`` (atomic writes)."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    from lisse.io.outputs import mark_output_files, refuse_foreign_file

    written = []
    cols = ["file", "sha256", "status", "error", "error_type", "file_id", "analysis", "cell_kind", "resumed"]
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in files], columns=cols)
    df["previous_status"] = [r.get("previous_status") for r in files]
    df["notes"] = [r.get("notes") for r in files]
    schema = pa.schema([("file", pa.string()), ("sha256", pa.string()), ("status", pa.string()), ("error", pa.string()),
                        ("error_type", pa.string()), ("file_id", pa.int64()), ("analysis", pa.string()),
                        ("cell_kind", pa.string()), ("resumed", pa.bool_()), ("previous_status", pa.string()),
                        ("notes", pa.string())])
    table = pa.Table.from_pandas(df, schema=schema, preserve_index=False)
    target = out_dir / "files.parquet"
    refuse_foreign_file(target)
    tmp = out_dir / f".files.parquet.tmp-{os.getpid()}"
    pq.write_table(table, tmp)
    os.replace(tmp, target)
    written.append(str(target))
    ids = [r["file_id"] for r in files if r.get("file_id") is not None]
    for name in EXPORTED:
        written.append(str(store.export(name, out_dir / f"{name}.parquet", file_ids=ids)))
    mark_output_files(out_dir, written)
    return written
