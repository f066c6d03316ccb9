"""The lab's results database: one SQLite file holding every analysed file's results, queryable with SQL.

Why SQLite (stdlib :mod:`sqlite3`) and not DuckDB: it ships with Python (no new dependency), it is a
single file that any language opens, and with the write-ahead log (WAL) several processes can write
one database at once (each waits for the lock, up to :data:`BUSY_TIMEOUT_S`, instead of failing).
Columnar analysis at scale goes through the Parquet exports (:func:`export_table`), which DuckDB,
pandas and Polars read directly.

Durability rules
----------------
* WAL journal, ``synchronous=NORMAL``, ``busy_timeout``: concurrent writers queue, readers never block.
* Every file's results are written in ONE transaction (:meth:`ResultsDB.write_file`): its ``files``
  row and all its rows in the per-row tables appear together or not at all, so a crash (``kill -9``,
  power loss) loses at most the file in flight. Re-analysing a file replaces its rows in the same
  transaction.
* Write transactions start with ``BEGIN IMMEDIATE`` (the write lock is taken up front, so two
  writers never deadlock upgrading a read lock).

Schema (version :data:`SCHEMA_VERSION`)
---------------------------------------
Column names carry their unit as a suffix, as everywhere in lisse (``_mAh``, ``_V``, ``_A_m2``,
``_s``); numbers are in those units. ``file_id`` links every per-row table to ``files``
(``ON DELETE CASCADE``).

===============  ==========================================================================================
table            one row per
===============  ==========================================================================================
schema_version   schema version applied (``version``, ``applied_at``)
cells            cell (``name`` unique; ``kind``, ``area_cm2``, ``active_mass_mg``, ``loading_mg_cm2``,
                 ``thickness_um``, ``stack``, ``material``, ``notes``); ``lisse batch`` makes one per file,
                 named by its path relative to the batch's common folder without suffix, with what the file and the settings say (kind, area, mass, loading, thickness)
files            analysed input file (``path`` unique, absolute): content ``sha256``, ``size_bytes``,
                 ``mtime_ns``, ``analysis`` (cycling | eis), ``reader``, ``format``, ``provenance_json``
                 (the reader's provenance: source, notes), ``settings_hash``/``settings_json`` (the
                 analysis settings), ``status`` (ok | error | skipped), ``error_type``, ``error`` (one
                 line), ``traceback`` (lisse bugs only), ``cell_kind`` and ``cell_kind_reason`` (the
                 classifier's answer), ``cell_id``, headline numbers ``n_rows``, ``duration_h``,
                 ``n_cycles`` (the record's :meth:`~lisse.records.cycling.CyclingRecord.cycle_count`: from the half
                 cycles when the file numbers no cycles; ``summary_json`` ``$.record.n_cycles_source`` says which),
                 ``n_spectra``, ``failure_time_h``, ``ccd_mA_cm2``, ``ccd_is_lower_bound`` (1: the
                 cell never failed, the CCD is a lower bound), ``summary_json``
                 (the full JSON summary; query it with ``json_extract``), ``analysis_s``,
                 ``analysed_at`` (UTC ISO 8601), ``lisse_version``
cycles           complete or incomplete cycle of a full/half cell (:func:`lisse.analysis.fullcell.cycle_table`)
half_cycles      half cycle of a symmetric cell (:attr:`lisse.analysis.shorts.ShortDetector.half_cycles_`)
ccd_steps        current step of a CCD staircase (:attr:`lisse.analysis.ccd.CCDDetector.steps_`)
spectra          impedance spectrum (summary, Kramers-Kronig verdict, DRT headline numbers, conductivities)
drt_peaks        DRT peak of a spectrum (``tau_s``, ``resistance_ohm``, ``capacitance_F``, ``process``)
fits             fitted parameter of an equivalent-circuit fit (``parameter``, ``value``, ``std``, ``unit``)
predictions      simulator prediction (``source``, ``quantity``, ``value``, ``unit``, ``kind`` predicted |
                 calibrated, ``cell_id``, ``file_id``, ``parameters_json``, ``calibrated_parameters``: the
                 parameters fitted to an observation that the value rests on, ``;``-separated or ``none``;
                 NULL when the row does not say, since schema 3)
===============  ==========================================================================================

The full column list of each table is :data:`TABLES` (name -> ``[(column, SQL type), ...]``).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import math
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from lisse.errors import LisseError, OutputError, ParameterError

__all__ = ["SCHEMA_VERSION", "TABLES", "ROW_TABLES", "BUSY_TIMEOUT_S", "ResultsDB", "export_table", "iter_query", "query"]

#: Version of the schema below; stored in ``schema_version``.
SCHEMA_VERSION = 3
#: Seconds a writer waits for another process's write lock before giving up.
BUSY_TIMEOUT_S = 120.0

_FILE_COLUMNS = [
    ("file_id", "INTEGER PRIMARY KEY AUTOINCREMENT"), ("path", "TEXT NOT NULL UNIQUE"), ("sha256", "TEXT"),
    ("size_bytes", "INTEGER"), ("mtime_ns", "INTEGER"), ("analysis", "TEXT"), ("reader", "TEXT"), ("format", "TEXT"),
    ("provenance_json", "TEXT"), ("settings_hash", "TEXT NOT NULL"), ("settings_json", "TEXT"),
    ("status", "TEXT NOT NULL CHECK (status IN ('ok', 'error', 'skipped'))"), ("error_type", "TEXT"), ("error", "TEXT"),
    ("traceback", "TEXT"), ("cell_kind", "TEXT"), ("cell_kind_reason", "TEXT"),
    ("cell_id", "INTEGER REFERENCES cells(cell_id) ON DELETE SET NULL"), ("n_rows", "INTEGER"), ("duration_h", "REAL"),
    ("n_cycles", "INTEGER"), ("n_spectra", "INTEGER"), ("failure_time_h", "REAL"), ("ccd_mA_cm2", "REAL"),
    ("ccd_is_lower_bound", "INTEGER"), ("summary_json", "TEXT"), ("analysis_s", "REAL"), ("analysed_at", "TEXT"), ("lisse_version", "TEXT"),
]
_FK = ("file_id", "INTEGER NOT NULL REFERENCES files(file_id) ON DELETE CASCADE")

#: Every table: name -> [(column, SQL type and constraints), ...].
TABLES: dict[str, list[tuple[str, str]]] = {
    "schema_version": [("version", "INTEGER NOT NULL"), ("applied_at", "TEXT NOT NULL")],
    "cells": [("cell_id", "INTEGER PRIMARY KEY AUTOINCREMENT"), ("name", "TEXT NOT NULL UNIQUE"), ("kind", "TEXT"),
              ("area_cm2", "REAL"), ("active_mass_mg", "REAL"), ("loading_mg_cm2", "REAL"), ("thickness_um", "REAL"),
              ("stack", "TEXT"), ("material", "TEXT"), ("notes", "TEXT")],
    "files": _FILE_COLUMNS,
    "cycles": [_FK, ("cycle", "INTEGER"), ("charge_capacity_mAh", "REAL"), ("discharge_capacity_mAh", "REAL"),
               ("charge_capacity_mAh_g", "REAL"), ("discharge_capacity_mAh_g", "REAL"),
               ("charge_capacity_mAh_cm2", "REAL"), ("discharge_capacity_mAh_cm2", "REAL"), ("coulombic_efficiency_pct", "REAL"), ("charge_energy_mWh", "REAL"), ("discharge_energy_mWh", "REAL"),
               ("mean_charge_voltage_V", "REAL"), ("mean_discharge_voltage_V", "REAL"), ("discharge_current_mA", "REAL"),
               ("discharge_end_voltage_V", "REAL"), ("complete", "INTEGER"), ("excluded_reason", "TEXT"),
               ("retention_pct", "REAL"), ("retention_note", "TEXT")],
    "half_cycles": [_FK, ("half_cycle", "INTEGER"), ("direction", "TEXT"), ("t_start_s", "REAL"), ("t_end_s", "REAL"),
                    ("duration_s", "REAL"), ("current_A", "REAL"), ("current_density_A_m2", "REAL"), ("charge_C", "REAL"),
                    ("charge_unmeasured_s", "REAL"),
                    ("capacity_C_m2", "REAL"), ("cumulative_plated_C_m2", "REAL"), ("eta_plateau_V", "REAL"),
                    ("eta_peak_V", "REAL"), ("eta_end_V", "REAL"), ("v_sp_V", "REAL"), ("polarisation_V", "REAL"),
                    ("noise_V", "REAL"), ("n_plateau", "INTEGER"), ("status", "TEXT"), ("reference_V", "REAL"),
                    ("start", "INTEGER"), ("stop", "INTEGER")],
    "ccd_steps": [_FK, ("step", "INTEGER"), ("j_A_m2", "REAL"), ("j_mA_cm2", "REAL"), ("n_half_cycles", "INTEGER"),
                  ("eta_plateau_V", "REAL"), ("polarisation_V", "REAL"), ("expected_eta_V", "REAL"),
                  ("ratio_to_expected", "REAL"), ("noise_V", "REAL"), ("duration_s", "REAL"), ("status", "TEXT")],
    "spectra": [_FK, ("spectrum", "INTEGER"), ("label", "TEXT"), ("n_points", "INTEGER"), ("frequency_min_Hz", "REAL"),
                ("frequency_max_Hz", "REAL"), ("temperature_K", "REAL"), ("area_cm2", "REAL"), ("thickness_um", "REAL"),
                ("kk_verdict", "TEXT"), ("kk_max_relative_residual", "REAL"), ("drt_lambda", "REAL"), ("drt_r_inf_ohm", "REAL"),
                ("drt_max_relative_misfit", "REAL"), ("drt_fit_quality", "TEXT"), ("n_drt_peaks", "INTEGER"),
                ("bulk_resistance_ohm", "REAL"), ("bulk_conductivity_S_cm", "REAL"), ("total_conductivity_S_cm", "REAL"),
                ("fit_circuit", "TEXT"), ("fit_median_relative_misfit", "REAL"), ("status", "TEXT"), ("error", "TEXT")],
    "drt_peaks": [_FK, ("spectrum", "INTEGER"), ("peak", "INTEGER"), ("tau_s", "REAL"), ("frequency_Hz", "REAL"),
                  ("resistance_ohm", "REAL"), ("capacitance_F", "REAL"), ("process", "TEXT")],
    "fits": [_FK, ("spectrum", "INTEGER"), ("circuit", "TEXT"), ("parameter", "TEXT"), ("value", "REAL"), ("std", "REAL"),
             ("unit", "TEXT"), ("at_bound", "INTEGER")],
    "predictions": [("prediction_id", "INTEGER PRIMARY KEY AUTOINCREMENT"),
                    ("cell_id", "INTEGER REFERENCES cells(cell_id) ON DELETE SET NULL"),
                    ("file_id", "INTEGER REFERENCES files(file_id) ON DELETE SET NULL"), ("source", "TEXT NOT NULL"),
                    ("quantity", "TEXT NOT NULL"), ("value", "REAL"), ("unit", "TEXT"),
                    ("kind", "TEXT NOT NULL CHECK (kind IN ('predicted', 'calibrated'))"), ("parameters_json", "TEXT"),
                    ("created_at", "TEXT"), ("lisse_version", "TEXT"), ("calibrated_parameters", "TEXT")],
}
#: The tables holding rows of one file (linked by ``file_id``).
ROW_TABLES = ("cycles", "half_cycles", "ccd_steps", "spectra", "drt_peaks", "fits")
_INDEXES = [f"CREATE INDEX IF NOT EXISTS idx_{t}_file ON {t}(file_id)" for t in ROW_TABLES] + [
    "CREATE INDEX IF NOT EXISTS idx_files_status ON files(status)",
    "CREATE INDEX IF NOT EXISTS idx_predictions_cell ON predictions(cell_id)",
]


def _columns(table: str) -> list[str]:
    return [c for c, _ in TABLES[table]]


def _calibrated_text(given: Any, parameters: Any) -> str | None:
    """The ``calibrated_parameters`` cell of a prediction (:func:`lisse.params.calibrated_label`: ``;``-separated, or
    ``none``): the names given and those in ``parameters_json``'s ``calibrated`` list, together (where the two disagree
    the cell names every parameter either calls calibrated: a dropped label would read as an independent prediction);
    None (NULL: not known) when neither says."""
    from lisse.params import calibrated_label

    from_json = None
    if parameters is not None:
        try:
            p = json.loads(parameters) if isinstance(parameters, str) else parameters
        except (TypeError, ValueError):
            p = None
        if isinstance(p, Mapping) and isinstance(p.get("calibrated"), (list, tuple, dict)):
            from_json = [str(n) for n in p["calibrated"]]
    if isinstance(given, str):
        given = [n for n in given.split(";") if n and n != "none"]
    if given is None and from_json is None:
        return None
    names = [str(n) for n in (given or [])]
    return calibrated_label(names + [n for n in (from_json or []) if n not in names])


def _addable(sql_type: str) -> bool:
    """Whether a column of this SQL type can be added to an existing table (``ALTER TABLE ... ADD COLUMN``)."""
    t = sql_type.upper()
    return not any(k in t for k in ("PRIMARY KEY", "UNIQUE", "NOT NULL"))


def _plain(v: Any) -> Any:
    """A value SQLite stores: numpy scalars to Python, NaN/inf to NULL, bools to 0/1, dicts/lists to JSON."""
    if v is None or isinstance(v, str):
        return v
    if hasattr(v, "item") and not isinstance(v, (list, dict)):
        try:
            v = v.item()
        except (ValueError, AttributeError):
            pass
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, (int, bytes)):
        return v
    if isinstance(v, (dict, list, tuple)):
        return json.dumps(v, default=str, allow_nan=False) if _finite_json(v) else json.dumps(v, default=str)
    if v != v:  # pandas NA / NaT
        return None
    return str(v)


def _finite_json(v: Any) -> bool:
    try:
        json.dumps(v, default=str, allow_nan=False)
        return True
    except ValueError:
        return False


def _rows(rows: Any) -> list[Mapping[str, Any]]:
    """Rows as mappings, from a pandas DataFrame or an iterable of mappings."""
    if rows is None:
        return []
    if hasattr(rows, "to_dict") and hasattr(rows, "columns"):
        return rows.to_dict(orient="records")
    return list(rows)


def _read_only_authorizer(action: int, arg1: Any, arg2: Any, dbname: Any, source: Any) -> int:
    """SQLite authorizer of read-only connections: no ATTACH / DETACH (``ATTACH 'x.db'`` and ``VACUUM INTO 'x.db'``
    would create files even on a read-only connection)."""
    if action in (sqlite3.SQLITE_ATTACH, sqlite3.SQLITE_DETACH):
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


def _connect(path: str | os.PathLike, *, readonly: bool = False, timeout_s: float = BUSY_TIMEOUT_S) -> sqlite3.Connection:
    p = Path(path)
    if readonly:
        if not p.is_file():
            raise ParameterError(f"database '{path}': expected an existing lisse results database; found no such file")
        con = sqlite3.connect(f"{p.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout_s, isolation_level=None)
        con.execute("PRAGMA query_only = ON")
        con.set_authorizer(_read_only_authorizer)
    else:
        try:
            if not p.parent.exists():
                p.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(str(p), timeout=timeout_s, isolation_level=None)
        except (OSError, sqlite3.OperationalError) as exc:
            raise OutputError(f"database '{path}': could not open it for writing ({exc})", p) from None
    con.execute(f"PRAGMA busy_timeout = {int(timeout_s * 1000)}")
    con.execute("PRAGMA foreign_keys = ON")
    return con


def _open_error(exc: sqlite3.DatabaseError, path: Path, readonly: bool, timeout_s: float) -> LisseError:
    """The error to raise for an SQLite error met while opening a database: a read-only file or folder, a lock held by
    another process and a full or failing disk are problems of access (:class:`OutputError`), not of the file's kind;
    anything else means the file is no SQLite database lisse can use (:class:`ParameterError`)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    low = text.lower()
    if name.startswith("SQLITE_READONLY") or "readonly" in low:
        folder = path.resolve().parent
        if not os.access(folder, os.W_OK) or name == "SQLITE_READONLY_DIRECTORY":
            where = f"its folder '{folder}' is read-only (SQLite keeps the write-ahead log's -wal/-shm files beside it)"
        elif readonly:
            where = "SQLite cannot make the write-ahead log's -shm file beside it"
        else:
            where = "the file is read-only"
        want = "a database lisse can read" if readonly else "a database lisse can write to"
        return OutputError(f"database '{path}': expected {want}; found {where} ({text}); make it writable, or copy it to "
                           "a writable folder, make the copy writable and use the copy", path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in low:
        return OutputError(f"database '{path}': expected to open it within {timeout_s:g} s; found it locked by another "
                           f"process ({text}); try again when that process has finished", path)
    if name.startswith(("SQLITE_FULL", "SQLITE_IOERR", "SQLITE_CANTOPEN")) or any(
            k in low for k in ("disk is full", "disk i/o error", "unable to open")):
        return OutputError(f"database '{path}': expected to open it; found {text} (the disk or the file system, not the "
                           "database)", path)
    return ParameterError(f"database '{path}': expected a lisse results database (SQLite); found {text}")


class ResultsDB:
    """A lisse results database (SQLite, WAL), created with the documented schema when new.

    Parameters
    ----------
    path : str or Path
        The database file (created, with its folder, when missing).
    readonly : bool, default False
        Open read-only (``lisse db query``): writes raise.
    timeout_s : float
        How long a writer waits for another process's lock [s].

    Raises
    ------
    ParameterError
        The file is not a lisse results database (another program's SQLite file, not SQLite at all,
        a newer schema), or a read-only open of a missing file.
    OutputError
        The database cannot be created or written, or cannot be opened for a reason of access: a read-only file or
        folder, a lock another process holds past ``timeout_s``, a full or failing disk.

    Examples
    --------
    >>> with ResultsDB("lab.sqlite") as db:                                 # doctest: +SKIP
    ...     rows = db.query("SELECT path, n_cycles FROM files WHERE status = 'ok'")
    """

    def __init__(self, path: str | os.PathLike, *, readonly: bool = False, timeout_s: float = BUSY_TIMEOUT_S) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self.con = _connect(path, readonly=readonly, timeout_s=timeout_s)
        try:
            if readonly:
                self._check_schema()
            else:
                self._create_waiting(timeout_s)
        except ParameterError:
            self.con.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.con.close()
            raise _open_error(exc, self.path, readonly, timeout_s) from None

    # -- set-up -----------------------------------------------------------------------------------------------
    def _create_waiting(self, timeout_s: float) -> None:
        """:meth:`_create`, retried while another process holds a lock SQLite does not wait for.

        Two processes opening one new file at once race for the switch to the write-ahead log, which SQLite
        answers with "database is locked" at once (its busy handler is not used for it); every step of the
        set-up is idempotent, so it is simply run again until ``timeout_s`` has passed.
        """
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                self._create()
                return
            except sqlite3.OperationalError as exc:
                text = str(exc).lower()
                if ("locked" not in text and "busy" not in text) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _create(self) -> None:
        names = {r[0] for r in self.con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        # another program's database: touch nothing (no PRAGMA, no CREATE). A lisse database has at least its
        # schema_version and files tables, and every lisse table it has carries lisse's columns or ones a migration adds;
        # checked read-only before the switch to the write-ahead log (which changes the file)
        foreign = bool(names) and not {"schema_version", "files"} <= names
        if not foreign:
            for table in sorted(names & set(TABLES)):
                have = {r[1] for r in self.con.execute(f'PRAGMA table_info("{table}")')}
                if any(c not in have and not _addable(t) for c, t in TABLES[table]):
                    foreign = True
                    break
        if foreign:
            raise ParameterError(f"database '{self.path}': expected a lisse results database (or a new/empty file); "
                                 f"found not a lisse results database, with tables {sorted(names)[:6]}")
        mode = self.con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # e.g. a network file system without shared memory
            raise OutputError(f"database '{self.path}': could not switch to the write-ahead log (journal mode {mode}); "
                              "put the database on a local disk")
        self.con.execute("PRAGMA synchronous = NORMAL")
        with self.transaction() as con:
            for table, cols in TABLES.items():
                con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({', '.join(f'{c} {t}' for c, t in cols)})")
            for table, cols in TABLES.items():  # migration: an older lisse schema gains the columns added since
                have = {r[1] for r in con.execute(f'PRAGMA table_info("{table}")')}
                missing = [(c, t) for c, t in cols if c not in have]
                if any(not _addable(t) for _, t in missing):
                    raise ParameterError(f"database '{self.path}': expected a lisse results database; its table '{table}' "
                                         f"lacks the column(s) {', '.join(c for c, _ in missing[:5])}")
                for c, t in missing:
                    con.execute(f'ALTER TABLE "{table}" ADD COLUMN {c} {t}')
            for sql in _INDEXES:
                con.execute(sql)
            # schema 3: predictions name their calibrated parameters in a column; rows written before stay NULL ("not
            # said"): the lists in their parameters_json were complete by the rules of their day, not of today's (sigma_Li's
            # default was not yet named), so copying them would state too little (review s44b)
            row = con.execute("SELECT MAX(version) FROM schema_version").fetchone()
            if row[0] is None:
                con.execute("INSERT INTO schema_version VALUES (?, ?)", (SCHEMA_VERSION, _now()))
            elif row[0] < SCHEMA_VERSION:
                con.execute("INSERT INTO schema_version VALUES (?, ?)", (SCHEMA_VERSION, _now()))
            elif row[0] > SCHEMA_VERSION:
                raise ParameterError(f"database '{self.path}': schema version {row[0]} is newer than this lisse's "
                                     f"({SCHEMA_VERSION}); upgrade lisse")
            # a database that needed no change above has not been written to yet: a statement that writes nothing still
            # asks SQLite for a write transaction, so a read-only file is found here, before any work, not at the first row
            con.execute("DELETE FROM schema_version WHERE version < 0")

    def _check_schema(self) -> None:
        names = {r[0] for r in self.con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "schema_version" not in names or "files" not in names:
            raise ParameterError(f"database '{self.path}': expected a lisse results database; found tables {sorted(names)[:6]}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``; rolled back on any exception).

        Yields
        ------
        sqlite3.Connection
            The connection, inside the transaction.
        """
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            yield con
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite when the last connection closes)."""
        self.con.close()

    def __enter__(self) -> ResultsDB:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- files ------------------------------------------------------------------------------------------------
    def lookup(self, path: str | os.PathLike) -> dict | None:
        """The stored ``files`` row of a file.

        Parameters
        ----------
        path : str or Path
            The file's absolute path, as stored.

        Returns
        -------
        dict or None
            ``{column: value}``, or None when the file is not in the database.
        """
        cur = self.con.execute("SELECT * FROM files WHERE path = ?", (str(path),))
        row = cur.fetchone()
        return None if row is None else dict(zip([d[0] for d in cur.description], row))

    def lookup_many(self, paths: Sequence[str]) -> dict[str, dict]:
        """The stored rows of many files (only the columns the resume check needs).

        Parameters
        ----------
        paths : sequence of str
            Absolute paths, as stored.

        Returns
        -------
        dict
            ``{path: {column: value}}`` for the paths found.
        """
        out: dict[str, dict] = {}
        cols = ("file_id", "path", "sha256", "size_bytes", "mtime_ns", "settings_hash", "status", "error", "error_type",
                "analysis")
        for i in range(0, len(paths), 500):
            chunk = list(paths[i:i + 500])
            q = f"SELECT {', '.join(cols)} FROM files WHERE path IN ({', '.join('?' * len(chunk))})"
            for r in self.con.execute(q, chunk):
                out[r[1]] = dict(zip(cols, r))
        return out

    def write_file(self, file_row: Mapping[str, Any], tables: Mapping[str, Any] | None = None, *,
                   cell: Mapping[str, Any] | None = None) -> int:
        """Store one file's results in ONE transaction; replaces the file's previous rows. Returns its ``file_id``.

        Parameters
        ----------
        file_row : mapping
            Columns of ``files`` (``path`` and ``settings_hash`` and ``status`` required; others optional,
            unknown keys refused).
        tables : mapping, optional
            ``{table: rows}`` for the tables of :data:`ROW_TABLES`; rows are mappings or a DataFrame
            (a column not in the table raises: a lisse bug; missing ones are NULL).
        cell : mapping, optional
            Columns of ``cells`` (``name`` required): the cell is created or its given (non-null) fields
            updated, and the file is linked to it (``files.cell_id``), in the same transaction.

        Returns
        -------
        int
            The file's ``file_id`` (an index into ``files``, new on every write).

        Raises
        ------
        ParameterError
            An unknown column or table, or a required column missing.
        """
        cols = _columns("files")
        extra = set(file_row) - set(cols)
        if extra:
            raise ParameterError(f"ResultsDB.write_file: unknown files column(s) {sorted(extra)}; expected some of {cols}")
        for key in ("path", "settings_hash", "status"):
            if file_row.get(key) is None:
                raise ParameterError(f"ResultsDB.write_file: the files row needs '{key}'")
        tables = dict(tables or {})
        unknown = set(tables) - set(ROW_TABLES)
        if unknown:
            raise ParameterError(f"ResultsDB.write_file: unknown table(s) {sorted(unknown)}; expected some of {list(ROW_TABLES)}")
        row = {k: _plain(v) for k, v in file_row.items() if k != "file_id"}
        row.setdefault("analysed_at", _now())
        if "lisse_version" not in row:
            from lisse import __version__

            row["lisse_version"] = __version__
        if cell is not None:
            extra = set(cell) - set(_columns("cells"))
            if extra or not cell.get("name"):
                raise ParameterError(f"ResultsDB.write_file: cell needs a name and columns of cells; got {sorted(cell)}")
        with self.transaction() as con:
            if cell is not None:
                row["cell_id"] = self._upsert_cell(con, str(cell["name"]), {k: v for k, v in cell.items() if k != "name"})
            con.execute("DELETE FROM files WHERE path = ?", (row["path"],))  # cascades to its rows
            names = list(row)
            cur = con.execute(f"INSERT INTO files ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
                              [row[n] for n in names])
            file_id = int(cur.lastrowid or 0)
            for table, rows in tables.items():
                self._insert_rows(con, table, _rows(rows), file_id=file_id)
        return file_id

    @staticmethod
    def _insert_rows(con: sqlite3.Connection, table: str, rows: Sequence[Mapping[str, Any]], *, file_id: int | None = None) -> int:
        if not rows:
            return 0
        cols = [c for c in _columns(table) if c != "prediction_id"]
        known = set(cols)
        unknown = sorted({k for r in rows for k in r} - known)
        if unknown:  # a column an analysis gives that the schema lacks: a lisse bug, never silently dropped
            raise ParameterError(f"ResultsDB: table '{table}' has no column(s) {unknown} (a lisse bug: the schema "
                                 "misses a column the analysis gives; please report it)")
        data = []
        for r in rows:
            vals = []
            for c in cols:
                if c == "file_id" and file_id is not None:
                    vals.append(file_id)
                else:
                    vals.append(_plain(r.get(c)))
            data.append(vals)
        con.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", data)
        return len(data)

    # -- cells and predictions --------------------------------------------------------------------------------
    def add_cell(self, name: str, **fields: Any) -> int:
        """Create a cell, or update the given fields of an existing one.

        Parameters
        ----------
        name : str
            The cell's unique name.
        **fields
            Columns of ``cells`` (``kind``, ``area_cm2`` [cm²], ``active_mass_mg`` [mg], ``loading_mg_cm2``
            [mg/cm²], ``thickness_um`` [µm], ``stack``, ``material``, ``notes``); None leaves a field as it is.

        Returns
        -------
        int
            The cell's ``cell_id`` (an index into ``cells``).

        Raises
        ------
        ParameterError
            An unknown column.
        """
        cols = set(_columns("cells")) - {"cell_id", "name"}
        extra = set(fields) - cols
        if extra:
            raise ParameterError(f"ResultsDB.add_cell: unknown column(s) {sorted(extra)}; expected some of {sorted(cols)}")
        with self.transaction() as con:
            return self._upsert_cell(con, name, fields)

    @staticmethod
    def _upsert_cell(con: sqlite3.Connection, name: str, fields: Mapping[str, Any]) -> int:
        con.execute("INSERT INTO cells (name) VALUES (?) ON CONFLICT(name) DO NOTHING", (name,))
        fields = {k: _plain(v) for k, v in fields.items() if v is not None}
        if fields:
            con.execute(f"UPDATE cells SET {', '.join(f'{k} = ?' for k in fields)} WHERE name = ?", [*fields.values(), name])
        return int(con.execute("SELECT cell_id FROM cells WHERE name = ?", (name,)).fetchone()[0])

    def add_predictions(self, rows: Iterable[Mapping[str, Any]]) -> int:
        """Insert simulator predictions, all in one transaction.

        Parameters
        ----------
        rows : iterable of mapping
            Columns of ``predictions``: ``source`` (the simulator, e.g. ``"lisse.sim.interlayer"``) and
            ``quantity`` required, ``value`` in ``unit`` (e.g. ``0.8``, ``"mA/cm2"``), ``kind``
            ``"predicted"`` (from parameters alone) or ``"calibrated"`` (fitted to this lab's data),
            optional ``cell_id``, ``file_id``, ``parameters_json`` (a mapping or JSON text), ``calibrated_parameters``
            (names; default: ``parameters_json``'s ``calibrated`` list, stored ``;``-separated or ``none``).

        Returns
        -------
        int
            The number of rows inserted.

        Raises
        ------
        ParameterError
            An unknown column, a missing ``source``/``quantity``, or another ``kind``.
        """
        from lisse import __version__

        rows_: list[dict[str, Any]] = [dict(r) for r in rows]
        cols = set(_columns("predictions")) - {"prediction_id"}
        for r in rows_:
            extra = set(r) - cols
            if extra:
                raise ParameterError(f"ResultsDB.add_predictions: unknown column(s) {sorted(extra)}; expected some of {sorted(cols)}")
            if r.get("kind") not in ("predicted", "calibrated"):
                raise ParameterError(f"ResultsDB.add_predictions: kind must be 'predicted' or 'calibrated'; got {r.get('kind')!r}")
            for key in ("source", "quantity"):
                if not r.get(key):
                    raise ParameterError(f"ResultsDB.add_predictions: each row needs '{key}'")
            r["calibrated_parameters"] = _calibrated_text(r.get("calibrated_parameters"), r.get("parameters_json"))
            if isinstance(r.get("parameters_json"), (dict, list)):
                r["parameters_json"] = json.dumps(r["parameters_json"], default=str)
            r.setdefault("created_at", _now())
            r.setdefault("lisse_version", __version__)
        with self.transaction() as con:
            return self._insert_rows(con, "predictions", rows_)

    # -- reading ----------------------------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict]:
        """Run one SQL statement and return its rows.

        Parameters
        ----------
        sql : str
            One SQL statement (``?`` or ``:name`` placeholders).
        params : sequence or mapping, optional
            Values of the placeholders.

        Returns
        -------
        list of dict
            One ``{column: value}`` per row (empty for a statement without a result).

        Raises
        ------
        ParameterError
            The SQL is malformed or names a missing table/column (the message is SQLite's, one line).
        """
        return query(self.con, sql, params)

    def counts(self) -> dict[str, int]:
        """Row counts of every table.

        Returns
        -------
        dict
            ``{table: number of rows}``, tables in name order.
        """
        names = [r[0] for r in self.con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                                                "ORDER BY name")]
        return {n: int(self.con.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0]) for n in names}

    # -- read API for studies (lisse evaluate with a [database] table) ----------------------------------------
    def cells(self) -> list[dict]:
        """Every cell of the database.

        Returns
        -------
        list of dict
            All columns of ``cells`` (``cell_id``, ``name``, ``kind``, ``area_cm2``, ...), ordered by name.
        """
        return self.query("SELECT * FROM cells ORDER BY name")

    def file_index(self, analysis: str | None = None, *, status: str | None = "ok") -> list[dict]:
        """One row per stored file, with its cell's name.

        Columns: ``file_id``, ``path``, ``sha256``, ``status``, ``analysis``, ``cell_kind``, ``analysed_at``,
        ``lisse_version``, ``settings_hash`` and ``cell``.

        Parameters
        ----------
        analysis : {"cycling", "eis"}, optional
            Only files of this analysis.
        status : str or None, default "ok"
            Only files with this status (None: every status).

        Returns
        -------
        list of dict
            The rows, ordered by path.
        """
        where, params = [], []
        if analysis is not None:
            where.append("f.analysis = ?")
            params.append(analysis)
        if status is not None:
            where.append("f.status = ?")
            params.append(status)
        sql = ("SELECT f.file_id, f.path, f.sha256, f.status, f.analysis, f.cell_kind, f.analysed_at, f.lisse_version, "
               "f.settings_hash, c.name AS cell FROM files f LEFT JOIN cells c ON c.cell_id = f.cell_id"
               + (f" WHERE {' AND '.join(where)}" if where else "") + " ORDER BY f.path")
        return self.query(sql, params)

    def file_results(self, file_id: int) -> dict:
        """One stored file's results: ``{"file": files row + cell name, "tables": {table: [rows]}}``.

        Parameters
        ----------
        file_id : int
            The file's ``files.file_id`` (a row id, dimensionless).

        Returns
        -------
        dict
            ``file``: its ``files`` row plus ``cell``, ``cell_material``, ``cell_stack``; ``tables``: the tables
            of :data:`ROW_TABLES` that have rows for the file, each in its stored order (``rowid``), without
            the ``file_id`` column.

        Raises
        ------
        ParameterError
            No file with this ``file_id``.
        """
        rows = self.query("SELECT f.*, c.name AS cell, c.material AS cell_material, c.stack AS cell_stack "
                          "FROM files f LEFT JOIN cells c ON c.cell_id = f.cell_id WHERE f.file_id = ?", (int(file_id),))
        if not rows:
            raise ParameterError(f"database '{self.path}': no file with file_id {file_id}")
        tables: dict[str, list[dict]] = {}
        for t in ROW_TABLES:
            got = self.query(f"SELECT * FROM {t} WHERE file_id = ? ORDER BY rowid", (int(file_id),))
            if got:
                tables[t] = [{k: v for k, v in r.items() if k != "file_id"} for r in got]
        return {"file": rows[0], "tables": tables}

    def ccd_values(self) -> list[dict]:
        """The measured critical current densities of the lab: one row per ``ok`` file with a CCD.

        Returns
        -------
        list of dict
            ``cell`` (name; None for a file without cell), ``material``, ``stack``, ``cell_kind``, ``path``,
            ``sha256``, ``analysed_at``, ``ccd_mA_cm2`` [mA/cm²], ``ccd_is_lower_bound`` (True: the cell
            never failed, the CCD is at least that value; None: not recorded), ordered by cell then path. A file whose
            content another ``ok`` file holds too (renamed, moved, copied) appears once: the latest analysed.
        """
        rows = self.query("SELECT c.name AS cell, c.material, c.stack, f.cell_kind, f.path, f.sha256, f.analysed_at, "
                          "f.ccd_mA_cm2, f.ccd_is_lower_bound FROM files f LEFT JOIN cells c ON c.cell_id = f.cell_id "
                          "WHERE f.status = 'ok' AND f.ccd_mA_cm2 IS NOT NULL ORDER BY c.name, f.path")
        rows = _one_per_content(rows)
        for r in rows:
            r["ccd_is_lower_bound"] = None if r["ccd_is_lower_bound"] is None else bool(r["ccd_is_lower_bound"])
        return rows

    def half_cycle_overpotentials(self) -> list[dict]:
        """Every stored half cycle of the lab's symmetric cells, for the overpotential comparison.

        Returns
        -------
        list of dict
            ``cell``, ``material``, ``stack``, ``path``, ``half_cycle``, ``current_density_A_m2`` [A/m²],
            ``eta_plateau_V`` [V], ``status``, ordered by path then half cycle; a renamed or copied file (same sha256) once.
        """
        rows = self.query("SELECT c.name AS cell, c.material, c.stack, f.path, f.sha256, f.analysed_at, h.half_cycle, "
                          "h.current_density_A_m2, h.eta_plateau_V, h.status FROM half_cycles h JOIN files f USING (file_id) "
                          "LEFT JOIN cells c ON c.cell_id = f.cell_id WHERE f.status = 'ok' ORDER BY f.path, h.half_cycle")
        # a renamed or copied file counts once: among its copies whose half cycles carry a current density (the ones the
        # comparison can use), the latest analysed
        usable = {r["path"] for r in rows if r["current_density_A_m2"] is not None}
        keep = {r["path"] for r in _one_per_content([r for r in rows if r["path"] in usable])}
        return [{k: v for k, v in r.items() if k not in ("sha256", "analysed_at")} for r in rows
                if r["path"] in keep or r["path"] not in usable]

    def export(self, table: str, path: str | os.PathLike, *, file_ids: Sequence[int] | None = None) -> Path:
        """Write a table to Parquet or CSV (by the suffix), streamed and atomically; see :func:`export_table`.

        Parameters
        ----------
        table : str
            A table of the database.
        path : str or Path
            Target ``.parquet`` or ``.csv`` file.
        file_ids : sequence of int, optional
            Only rows of these files (``file_id`` index values).

        Returns
        -------
        Path
            The file written.
        """
        return export_table(self.con, table, path, file_ids=file_ids)


def _one_per_content(rows: list[dict]) -> list[dict]:
    """The rows of one file per content: where several paths hold the same sha256 (a renamed, moved or copied file, one
    measurement), only the rows of the latest analysed path (the later path on a tie); rows without a sha256 all stay.

    Parameters
    ----------
    rows : list of dict
        Rows with ``path``, ``sha256`` and ``analysed_at`` (one or more rows per path), already restricted to those the
        caller can use (so that a copy without the value does not displace one with it).

    Returns
    -------
    list of dict
        The kept rows, in their order.
    """
    latest: dict[str, tuple[str, str]] = {}
    for r in rows:
        sha = r.get("sha256")
        if sha is None:
            continue
        key = (str(r.get("analysed_at") or ""), str(r["path"]))
        if sha not in latest or key > latest[sha]:
            latest[sha] = key
    return [r for r in rows if r.get("sha256") is None or latest[r["sha256"]][1] == r["path"]]


def query(con: sqlite3.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict]:
    """Run one SQL statement on a connection and return its rows.

    Parameters
    ----------
    con : sqlite3.Connection
        An open connection.
    sql : str
        One SQL statement.
    params : sequence or mapping, optional
        Values of its placeholders.

    Returns
    -------
    list of dict
        One ``{column: value}`` per row.

    Raises
    ------
    ParameterError
        A malformed statement, a missing table or column, a write on a read-only connection (SQLite's
        message, one line).
    """
    try:
        cur = con.execute(sql, params)
        if cur.description is None:
            return []
        names = _unique_names([d[0] for d in cur.description])
        return [dict(zip(names, r)) for r in cur.fetchall()]
    except (sqlite3.Error, sqlite3.Warning) as exc:  # DatabaseError too: 'not authorized', a corrupt page
        raise _sql_error(exc, sql) from None


def _unique_names(names: list[str]) -> list[str]:
    """Result column names made unique (a repeat of ``x`` becomes ``x:1``, ``x:2``, as SQLite names them): rows
    become dicts, where a repeated key would silently keep only the last column."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        seen[n] = k + 1
        name = n if k == 0 else f"{n}:{k}"
        while name in seen and k:
            k += 1
            name = f"{n}:{k}"
        seen.setdefault(name, 1)
        out.append(name)
    return out


def _sql_error(exc: BaseException, sql: str) -> ParameterError:
    one = " ".join(str(exc).split())
    if "not authorized" in one or "authorization denied" in one:
        one += " (the query runs read-only: no ATTACH, DETACH or VACUUM INTO)"
    return ParameterError(f"SQL error: {one} (in: {' '.join(sql.split())[:200]})")


def iter_query(con: sqlite3.Connection, sql: str, params: Sequence[Any] | Mapping[str, Any] = (), *,
               chunk_rows: int = 10_000) -> tuple[list[str], Iterator[tuple]]:
    """Run one SQL statement and stream its rows (memory bounded by ``chunk_rows``, whatever the row count).

    The statement runs (and a malformed one raises) before this returns; the rows are fetched
    ``chunk_rows`` at a time as the iterator is consumed.

    Parameters
    ----------
    con : sqlite3.Connection
        An open connection (kept open while the rows are read).
    sql : str
        One SQL statement.
    params : sequence or mapping, optional
        Values of its placeholders.
    chunk_rows : int
        Rows fetched at a time (count, dimensionless).

    Returns
    -------
    names : list of str
        The column names (empty for a statement without a result).
    rows : iterator of tuple
        The rows, as tuples in the order of ``names``.

    Raises
    ------
    ParameterError
        A malformed statement, a missing table or column, a write on a read-only connection (SQLite's
        message, one line); also while the rows are read (a corrupt page).
    """
    try:
        cur = con.execute(sql, params)
    except (sqlite3.Error, sqlite3.Warning) as exc:
        raise _sql_error(exc, sql) from None
    if cur.description is None:
        return [], iter(())
    names = _unique_names([d[0] for d in cur.description])

    def rows() -> Iterator[tuple]:
        while True:
            try:
                batch = cur.fetchmany(chunk_rows)
            except (sqlite3.Error, sqlite3.Warning) as exc:
                raise _sql_error(exc, sql) from None
            if not batch:
                return
            yield from batch

    return names, rows()


_ARROW = {"INTEGER": "int64", "REAL": "float64", "TEXT": "string"}


def _table_columns(con: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")}
    if table not in names:
        raise ParameterError(f"table '{table}': no such table; the database has {', '.join(sorted(n for n in names if not n.startswith('sqlite_')))}")
    return [(r[1], (r[2] or "").split()[0].upper() if r[2] else "") for r in con.execute(f'PRAGMA table_info("{table}")')]


def export_table(con: sqlite3.Connection, table: str, path: str | os.PathLike, *, file_ids: Sequence[int] | None = None,
                 chunk_rows: int = 200_000) -> Path:
    """Write ``table`` to ``path`` (``.parquet`` or ``.csv``), streamed in chunks and atomically.

    Parameters
    ----------
    con : sqlite3.Connection
        An open connection to a results database.
    table : str
        A table of the database.
    path : str or Path
        Target file; its suffix picks the format. Written to a temporary file then renamed, so a reader
        never sees half a file.
    file_ids : sequence of int, optional
        Only rows of these files (``file_id`` index values; tables with a ``file_id`` column).
    chunk_rows : int
        Number of rows per chunk (bounds memory).

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ParameterError
        An unknown table or suffix, or ``file_ids`` for a table without ``file_id``.
    OutputError
        The file cannot be written.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in (".parquet", ".csv"):
        raise ParameterError(f"export '{path}': expected a .parquet or .csv file name; found suffix '{target.suffix}'")
    cols = _table_columns(con, table)
    names = [c for c, _ in cols]
    if file_ids is not None and "file_id" not in names:
        raise ParameterError(f"export: table '{table}' has no file_id column to select files by")
    select = f'SELECT {", ".join(chr(34) + c + chr(34) for c in names)} FROM "{table}"'
    if file_ids is None:
        queries: list[tuple[str, list[int]]] = [(select, [])]
    else:
        ids = list(dict.fromkeys(int(i) for i in file_ids))
        queries = [(f"{select} WHERE file_id IN ({', '.join('?' * len(ids[i:i + 500]))})", ids[i:i + 500])
                   for i in range(0, len(ids), 500)]
    schema = pa.schema([(c, pa.type_for_alias(_ARROW.get(t, "string"))) for c, t in cols])
    from lisse.io.outputs import refuse_foreign_file

    refuse_foreign_file(target)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        writer = pq.ParquetWriter(tmp, schema) if suffix == ".parquet" else None
        first = True
        try:
            for sql, params in queries or [(select + " WHERE 0", [])]:
                cur = con.execute(sql, params)
                while True:
                    batch = cur.fetchmany(chunk_rows)
                    if not batch and not first:
                        break
                    df = pd.DataFrame.from_records(batch, columns=names)
                    if writer is not None:
                        arrays = [pa.array(df[c].tolist(), type=schema.field(c).type, from_pandas=True) for c in names]
                        writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
                    else:
                        df.to_csv(tmp, mode="w" if first else "a", header=first, index=False)
                    first = False
                    if not batch:
                        break
        finally:
            if writer is not None:
                writer.close()
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise OutputError.from_oserror(exc, target) from exc
    return target


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")
