"""Arbin files: ``.res`` (MS Access / Jet database, read with mdbtools), CSV exports and MITS Pro xlsx exports.

Arbin writes charge current positive (positive = anodic at the positive electrode, lisse's
convention); no flip is applied. Times are seconds, currents A, voltages V, capacities Ah; an
export whose column names carry another unit (``Current(mA)``) is scaled by it.

Charge
    Arbin's ``Charge_Capacity`` and ``Discharge_Capacity`` are counters that restart at 0 at every
    cycle. ``charge_C`` is their difference carried over every restart
    (:func:`lisse.io._readutil.carried_counter`), so it is the charge passed since the first row,
    with the sign of the current integral (0 at the first row, like
    :func:`lisse.records.cycling.integrate_charge`).
Cycles
    Arbin numbers cycles from 1; the record's ``cycle`` is ``Cycle_Index - 1`` (0-based).
Start time
    ``record.start`` is the wall-clock time of ``time_s == 0``. For ``.res`` it is the database's
    ``Global_Table.Start_DateTime`` (the test start, Test_Time 0). For CSV and xlsx exports it is the
    first row's time stamp (``DateTime`` / ``Date_Time``) minus its ``Test_Time``; the start written
    elsewhere (``First_Start_DateTime`` of a ``_Metadata.csv``, any case; the ``Global_Info`` sheet)
    is used when the rows carry no time stamp, and a disagreement of more than 1 s is noted. Unix
    time stamps are UTC; Excel/OLE dates and date texts are local time, labelled UTC with a note.
Truncation (``.res``)
    A Jet database is a sequence of fixed-size pages (2048 bytes for Jet 3, 4096 for Jet 4 and
    later; the version byte at offset 0x14 says which). A length that is not a whole number of pages,
    mdbtools reading past the end of the file, or fewer rows than the table declares (``mdb-count``)
    mean a truncated file: a :class:`~lisse.errors.ReaderError` when rows are missing, else the rows
    with a note saying where the file is truncated.

``.res`` needs the ``mdb-export`` program of mdbtools (a command-line tool, not a Python package):
``apt-get install mdbtools`` (Debian/Ubuntu), ``brew install mdbtools`` (macOS) or
``conda install -c conda-forge mdbtools``.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.errors import MissingDependencyError, ReaderError
from lisse.io._readutil import build_record, carried_counter, guarded, parse_datetime

if TYPE_CHECKING:
    from lisse.records.cycling import CyclingRecord

__all__ = ["read_arbin_res", "read_arbin_csv", "read_arbin_xlsx", "read_arbin", "ARBIN_SHEET"]

JET_MAGIC = b"Standard Jet DB"
#: page size of a Jet database by the version byte at offset 0x14 (0 = Jet 3; 1 = Jet 4; 2+ = ACE, Jet 4 layout)
_JET3_PAGE, _JET4_PAGE = 2048, 4096
#: what mdbtools writes to stderr when a page it needs lies past the end of the file or is not the page expected
_MDB_DAMAGE = re.compile(r"beyond EOF|reading page \d+ failed|from map doesn't match|Unrecognized format", re.I)
#: the data sheets of an Arbin xlsx export: Channel_11_1, Channel_11_2 (one channel split), Channel_1-006 (older)
ARBIN_SHEET = re.compile(r"channel[_ ]?(?P<ch>\d+(?:-\d+)?)(?:_(?P<part>\d+))?", re.I)

# canonical column: (normalised names, role for the unit, unit fixed by Arbin)
_COLUMNS: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    "Test_Time": (("test_time",), "time", "s"),
    "Current": (("current",), "current", "A"),
    "Voltage": (("voltage",), "voltage", "V"),
    "Charge_Capacity": (("charge_capacity",), "charge", "Ah"),
    "Discharge_Capacity": (("discharge_capacity",), "charge", "Ah"),
    "Step_Index": (("step_index",), None, None),
    "Cycle_Index": (("cycle_index",), None, None),
    "Data_Point": (("data_point",), None, None),
    "Test_ID": (("test_id",), None, None),
    "DateTime": (("datetime", "date_time"), None, None),
    "Internal_Resistance": (("internal_resistance",), None, "ohm"),
    "Temperature": (("temperature",), None, "degC"),
}
_NAME_UNIT = re.compile(r"\s*([^()\[\]]*?)\s*(?:[(\[]\s*([^)\]]*?)\s*[)\]])?\s*")


def _canonical_columns(df: Any, path: Any) -> tuple[Any, dict[str, float], dict[str, str]]:
    """Rename Arbin's columns (``Test_Time(s)``, ``Current (A)``, ``Internal Resistance(Ohm)``) to canonical
    names; returns the frame, the SI factor of each physical column and the units the file uses."""
    from lisse.io.csv_generic import header_unit_scale

    rename: dict[str, str] = {}
    scale: dict[str, float] = {}
    units: dict[str, str] = {}
    for col in df.columns:
        m = _NAME_UNIT.fullmatch(str(col))
        base = (m.group(1) if m else str(col)).strip().lower().replace(" ", "_")
        for canon, (names, role, unit) in _COLUMNS.items():
            if base in names and canon not in rename.values():
                rename[col] = canon
                if role is not None:
                    scale[canon], units[canon] = header_unit_scale(path, str(col), role, unit or "")
                break
    return df.rename(columns=rename), scale, units


def _first_timestamp(value: Any, epoch: datetime) -> tuple[datetime, bool] | None:
    """The first row's time stamp as (UTC-aware datetime, is_local_time) or None.

    Unix seconds (> 1e8) are UTC; Excel/OLE serial days (20000-80000, from ``epoch``) and date
    texts are the instrument's local time without a zone.
    """
    import pandas as pd

    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        ts = pd.Timestamp(value)
        return (ts.tz_convert(UTC) if ts.tzinfo else ts.tz_localize(UTC)).to_pydatetime(), ts.tzinfo is None
    try:
        x = float(value)
    except (TypeError, ValueError):
        d = parse_datetime(str(value))
        return (d, True) if d is not None else None
    if 1e8 < x < 1e10:
        return datetime.fromtimestamp(x, tz=UTC), False
    if 20000 < x < 80000:
        return epoch + timedelta(days=x), True
    return None


_OLE_EPOCH = datetime(1899, 12, 30, tzinfo=UTC)
_EXCEL_1904 = datetime(1904, 1, 1, tzinfo=UTC)


def _choose_start(df: Any, t0: float, declared: tuple[datetime, bool] | None, declared_name: str,
                  notes: list[str], epoch: datetime = _OLE_EPOCH) -> tuple[datetime | None, bool]:
    """record.start from the first row's time stamp (exact for time_s == 0), else from the declared test start."""
    from_rows = None
    if "DateTime" in df.columns and len(df):
        got = _first_timestamp(df["DateTime"].iloc[0], epoch)
        if got is not None:
            from_rows = (got[0] - timedelta(seconds=t0), got[1])
    if from_rows is not None:
        if declared is not None and abs((declared[0] - from_rows[0]).total_seconds()) > 1.0:
            notes.append(
                f"start {from_rows[0].isoformat()} from the first row's time stamp minus its Test_Time ({t0:g} s); "
                f"{declared_name} says {declared[0].isoformat()} ({(declared[0] - from_rows[0]).total_seconds():+.1f} s)"
            )
        return from_rows
    if declared is not None:
        notes.append(f"start from {declared_name} (the rows carry no time stamp)")
        return declared
    return None, False


def _frame_to_record(df: Any, path: Any, reader: str, header: dict, metadata: dict, *, scale: dict[str, float],
                     units: dict[str, str], start: datetime | None = None, start_is_local: bool = False,
                     notes: list[str] | None = None, sha256: str | None = None):
    notes = list(notes or [])
    need = ("Test_Time", "Voltage", "Current")
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ReaderError(f"Arbin data '{path}' lacks the columns {missing}; found {list(df.columns)[:15]}")
    n = len(df)  # 0 rows (a header-only export): build_record decides (an empty record with a note, or refused)

    def num(c: str) -> np.ndarray:
        import pandas as pd

        raw = df[c]
        x = pd.to_numeric(raw, errors="coerce")
        bad = (x.isna() & raw.notna()).to_numpy()
        if bad.any():
            k = int(np.flatnonzero(bad)[0])
            raise ReaderError(f"Arbin data '{path}': {int(bad.sum())} values of column {c} are not numbers "
                              f"(first {raw.iloc[k]!r} in data row {k + 1})")
        return x.to_numpy(dtype=float) * scale.get(c, 1.0)

    t, v, i = num("Test_Time"), num("Voltage"), num("Current")
    kw: dict[str, Any] = {}
    if n and "Step_Index" in df.columns and df["Step_Index"].notna().all():
        kw["step"] = df["Step_Index"].to_numpy()
    if n and "Cycle_Index" in df.columns and df["Cycle_Index"].notna().all():
        c = df["Cycle_Index"].to_numpy().astype(np.int64)
        first = int(c.min())
        kw["cycle"] = c - 1 if first >= 1 else c
        notes.append("cycle = Arbin's 1-based Cycle_Index - 1 (0-based)" if first >= 1
                     else f"cycle = Arbin's Cycle_Index as written (it starts at {first}, not 1)")
    if n and "Charge_Capacity" in df.columns and "Discharge_Capacity" in df.columns:
        qc, qd = num("Charge_Capacity"), num("Discharge_Capacity")
        if np.isfinite(qc).all() and np.isfinite(qd).all():
            cc, nc = carried_counter(qc)
            cd, nd = carried_counter(qd)
            kw["charge_C"] = cc - cd
            notes.append(
                f"charge_C = Charge_Capacity - Discharge_Capacity carried over the counters' restarts "
                f"({nc} and {nd}; Arbin restarts them at each cycle), 0 at the first row"
            )
        else:
            notes.append("charge_C integrated from the current (trapezoid): the capacity columns have missing values")
    extra = {}
    if "Temperature" in df.columns:
        extra["temperature_K"] = num("Temperature") + 273.15
    if "Internal_Resistance" in df.columns:
        extra["internal_resistance_ohm"] = num("Internal_Resistance")
    fixed = {"Test_Time": "time", "Voltage": "voltage", "Current": "current", "Charge_Capacity": "charge"}
    header = {**header, "units": {role: units.get(c, {"time": "s", "voltage": "V", "current": "A", "charge": "Ah"}[role])
                                  for c, role in fixed.items() if c in df.columns}}
    rec = build_record(path, reader, t, v, i, header=header, notes=notes, metadata=metadata, sha256=sha256,
                       start=start if start_is_local else None, extra=extra, **kw)
    if start is not None and not start_is_local:
        rec.start = start  # unix time stamps are absolute (UTC); build_record's "local time" note does not apply
    return rec


# ----------------------------------------------------------------------------------------------- .res


def _mdb_tool(name: str, required: bool) -> str | None:
    exe = shutil.which(name)
    if exe is None and required:
        err = MissingDependencyError("mdbtools", "reading Arbin .res files")
        err.msg = (
            f"reading Arbin .res files needs the '{name}' program from mdbtools, which is not on PATH; install it with "
            "'apt-get install mdbtools' (Debian/Ubuntu), 'brew install mdbtools' (macOS) or 'conda install -c conda-forge mdbtools', "
            "or export the data to CSV in Arbin's software and use read_arbin_csv"
        )
        err.args = (err.msg,)
        raise err
    return exe


def _mdb_export(path: Path, table: str) -> tuple[str, list[str]]:
    """(CSV text, stderr lines) of ``mdb-export path table``."""
    exe = _mdb_tool("mdb-export", required=True)
    assert exe is not None  # required=True raises when the tool is missing
    try:
        res = subprocess.run([exe, str(path), table], capture_output=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        raise ReaderError(f"mdb-export timed out reading table {table} of Arbin .res '{path}'") from None
    err = res.stderr.decode("latin-1", errors="replace").strip().splitlines()
    if res.returncode != 0:
        raise ReaderError(f"mdb-export failed on Arbin .res '{path}' (table {table}): {err[-1] if err else 'exit ' + str(res.returncode)}")
    return res.stdout.decode("latin-1"), err


def _mdb_count(path: Path, table: str) -> int | None:
    """Rows the table declares (``mdb-count``), or None when mdb-count is missing or fails."""
    exe = _mdb_tool("mdb-count", required=False)
    if exe is None:
        return None
    try:
        res = subprocess.run([exe, str(path), table], capture_output=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        return None
    out = res.stdout.decode("latin-1", errors="replace").strip()
    return int(out) if res.returncode == 0 and out.isdigit() else None


def _jet_layout(path: Path) -> tuple[int, int, bytes]:
    """(page size, file size, first bytes) of a Jet database; refuses a file without the Jet signature."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(64)
    if JET_MAGIC not in head[:32]:
        raise ReaderError(f"'{path}' is not an Arbin .res file: no 'Standard Jet DB' signature in its first bytes")
    if len(head) <= 0x14:
        raise ReaderError(f"Arbin .res '{path}' is truncated: {size} bytes, shorter than a Jet database header")
    return (_JET3_PAGE if head[0x14] == 0 else _JET4_PAGE), size, head


def _drop_blank_lines(text: str) -> tuple[str, int]:
    """mdbtools prints whitespace-only lines when it meets a page it cannot decode; drop and count them."""
    lines = text.splitlines()
    kept = [ln for ln in lines if ln.strip()]
    return "\n".join(kept) + "\n", len(lines) - len(kept)


@guarded("Arbin .res")
def read_arbin_res(path: str | Path, **metadata: Any) -> CyclingRecord:
    """Read an Arbin ``.res`` file (table ``Channel_Normal_Table``) through mdbtools.

    Parameters
    ----------
    path : str or pathlib.Path
        The instrument file (read only, never modified).
    **metadata
        ``area`` [m2], ``active_mass`` [kg], ``loading`` [kg m-2]: SI numbers, or strings with a unit
        (``"0.785 cm2"``, ``"12.5 mg"``), as for every reader (:func:`lisse.io.readers.read_cycling`).

    Returns
    -------
    CyclingRecord
        SI columns; ``charge_C`` cumulative since the first row (see the module notes); ``cycle``
        0-based; ``start`` from ``Global_Table.Start_DateTime`` (local time, labelled UTC).

    Raises
    ------
    MissingDependencyError
        ``mdb-export`` is not installed (the message says how to install it).
    ReaderError
        Not a Jet database; mdbtools fails on it; the file is truncated and rows are missing (fewer
        rows than the table declares, or rows mdbtools could not decode). A truncated file whose
        rows are all intact is read, with a note containing "truncated" and the byte offset.
    """
    import pandas as pd

    p = Path(path)
    page, size, _ = _jet_layout(p)
    damage: list[str] = []
    if size % page:
        damage.append(f"its length {size} bytes is not a whole number of {page}-byte Jet pages "
                      f"({size // page} pages + {size % page} bytes): truncated at byte {size}")
    try:
        text, err = _mdb_export(p, "Channel_Normal_Table")
    except ReaderError as exc:
        if damage:
            raise ReaderError(f"{exc}; the file is truncated: {damage[0]}") from None
        raise
    eof = [e for e in err if _MDB_DAMAGE.search(e)]
    if eof:
        damage.append(f"mdbtools reports pages past the end of the file or damaged ({eof[0]}; {len(eof)} such messages)")
    text, blank = _drop_blank_lines(text)
    df = pd.read_csv(io.StringIO(text))
    declared = _mdb_count(p, "Channel_Normal_Table")
    lost: list[str] = []
    if declared is not None and declared != len(df):
        lost.append(f"the table declares {declared} rows, mdb-export returned {len(df)}")
    core = [c for c in ("Data_Point", "Test_Time", "Current", "Voltage") if c in df.columns]
    bad = df[core].isna().any(axis=1) if core else pd.Series(False, index=df.index)
    if bad.any():
        lost.append(f"{int(bad.sum())} rows could not be decoded (first at output row {int(np.flatnonzero(bad.to_numpy())[0]) + 1})")
    if blank and not damage:
        damage.append(f"mdb-export printed {blank} blank lines")
    if {"Test_ID", "Data_Point"} <= set(df.columns) and not bad.any():
        df = df.sort_values(["Test_ID", "Data_Point"], kind="stable")
        gaps = df.groupby("Test_ID")["Data_Point"].agg(lambda s: int(s.max() - s.min() + 1 - s.nunique()))
        if int(gaps.sum()) and (damage or lost):
            lost.append(f"{int(gaps.sum())} Data_Point values are missing")
    if lost:
        raise ReaderError(
            f"Arbin .res '{path}' is truncated or damaged: {'; '.join(lost)}"
            + (f" ({'; '.join(damage)})" if damage else "")
        )
    notes: list[str] = []
    header: dict[str, Any] = {"format": "Arbin res", "table": "Channel_Normal_Table", "jet_page_bytes": page,
                              "declared_rows": declared}
    declared_start = None
    try:
        gtext, gerr = _mdb_export(p, "Global_Table")
        g = pd.read_csv(io.StringIO(_drop_blank_lines(gtext)[0]))
        g_eof = [e for e in gerr if _MDB_DAMAGE.search(e)]
        if g_eof:
            damage.append(f"reading Global_Table, mdbtools reports pages past the end of the file or damaged ({g_eof[0]})")
        elif len(g):
            header["global"] = {k: (None if pd.isna(v) else v) for k, v in g.iloc[0].to_dict().items()}
            if "Start_DateTime" in g.columns:
                got = _first_timestamp(float(g["Start_DateTime"].iloc[0]), _OLE_EPOCH)
                declared_start = got if got is not None and got[1] else None
    except (ReaderError, ValueError) as exc:  # pandas' EmptyDataError/ParserError are ValueErrors
        notes.append(f"Global_Table could not be read, so the test start is not taken from it: {exc}")
    if damage:
        span = f" (Data_Point {int(df['Data_Point'].min())}-{int(df['Data_Point'].max())})" if "Data_Point" in df.columns and len(df) else ""
        notes.insert(0, f"file truncated: {'; '.join(damage)}. All {len(df)} rows the table declares{span} were read "
                        "intact; other tables (e.g. Global_Table: start time) may be lost")
    df, scale, units = _canonical_columns(df, p)
    start: datetime | None
    if declared_start is not None:  # the database's own test start: Test_Time 0
        start, local = declared_start
    else:
        t0 = float(pd.to_numeric(df["Test_Time"].iloc[:1], errors="coerce").iloc[0]) if "Test_Time" in df.columns and len(df) else 0.0
        start, local = _choose_start(df, t0, None, "", notes)
    return _frame_to_record(df, p, "lisse.io.arbin.res", header, metadata, scale=scale, units=units,
                            start=start, start_is_local=local, notes=notes)


# ----------------------------------------------------------------------------------------------- CSV


def _metadata_file(p: Path) -> Path | None:
    for cand in (p.with_name(p.stem + "_Metadata" + p.suffix), p.with_name(p.stem + "_metadata" + p.suffix)):
        if cand.is_file():
            return cand
    return None


@guarded("Arbin CSV export")
def read_arbin_csv(path: str | Path, **metadata: Any) -> CyclingRecord:
    """Read an Arbin CSV export (``Data_Point, Test_Time, Current, Voltage, ...``).

    A sibling ``<name>_Metadata.csv`` (as written by Arbin / used by BEEP) is kept in
    ``provenance.raw_header['metadata_file']`` (keys lower-cased); its ``First_Start_DateTime``
    (any case) is the start when the rows carry no ``DateTime`` / ``Date_Time`` stamp.

    The text is read by :class:`lisse.io._delimited.TextStream` (one hashed pass): a last line cut short
    is dropped with a "truncated" note (a file whose only data line was cut is refused), a line with the
    wrong number of fields or no value in Test_Time/Voltage/Current is skipped with a counted note.

    Parameters
    ----------
    path : str or pathlib.Path
        The instrument file (read only, never modified).
    **metadata
        ``area`` [m2], ``active_mass`` [kg], ``loading`` [kg m-2]: SI numbers, or strings with a unit
        (``"0.785 cm2"``, ``"12.5 mg"``), as for every reader (:func:`lisse.io.readers.read_cycling`).

    Returns
    -------
    CyclingRecord
        SI columns (time [s], voltage [V], current [A], charge [C]); see the module notes.

    Raises
    ------
    ReaderError
        The file is missing, unreadable, corrupt, truncated or not of this kind; a column lacks a unit.
    """
    import pandas as pd

    from lisse.io._delimited import TextStream, unique_names

    p = Path(path)
    notes: list[str] = []
    with TextStream(p, "Arbin CSV") as ts:
        head = ts.head(1)
        if not head or not head[0].strip():
            raise ReaderError(f"Arbin CSV '{path}': expected a header line naming Test_Time, Current, Voltage; found an empty file")
        names = unique_names([c.strip().strip('"') for c in head[0].split(",")])
        ts.skip_lines(1)
        parts = list(ts.blocks(names, ",", names))
        sha = ts.sha256()
        notes.extend(ts.notes)
    if parts:
        df = pd.concat([b.df for b in parts], ignore_index=True)
        lines = np.concatenate([b.lines for b in parts])
    else:
        df = pd.DataFrame({c: pd.Series(dtype=float) for c in names})
        lines = np.zeros(0, dtype=np.int64)
    df.columns = [c.replace("\x00", ".") for c in df.columns]
    header: dict[str, Any] = {"format": "Arbin CSV", "columns": list(df.columns), "encoding": ts.encoding}
    declared = None
    meta_file = _metadata_file(p)
    if meta_file is not None:
        m = pd.read_csv(meta_file, encoding="latin-1")
        m.columns = [str(c).strip().lower() for c in m.columns]
        header["metadata_file"] = {k: (None if pd.isna(v) else v) for k, v in m.iloc[0].to_dict().items()} if len(m) else {}
        if "first_start_datetime" in m.columns and len(m):
            declared = _first_timestamp(m["first_start_datetime"].iloc[0], _OLE_EPOCH)
    df, scale, units = _canonical_columns(df, p)
    # a row with no value in a required column is malformed (counted, skipped); a non-number there is an
    # error naming it (_frame_to_record)
    need = [c for c in ("Test_Time", "Voltage", "Current") if c in df.columns]
    bad = np.zeros(len(df), dtype=bool)
    for c in need:
        bad |= df[c].isna().to_numpy()
    if bad.any():
        ts.malformed.add(lines[bad], f"missing {'/'.join(need)}")
        df = df.loc[~bad].reset_index(drop=True)
    ts.malformed.finish(len(df), notes)
    if len(df) == 0 and ts.notes:  # the only data line was cut: a truncated file, not a header-only one
        raise ReaderError(f"Arbin CSV '{path}': expected data rows after the header; found none complete ({ts.notes[0]})")
    t0 = float(pd.to_numeric(df["Test_Time"].iloc[:1], errors="coerce").iloc[0]) * scale.get("Test_Time", 1.0) if "Test_Time" in df.columns and len(df) else 0.0
    start, local = _choose_start(df, t0, declared, f"First_Start_DateTime of {meta_file.name}" if meta_file else "", notes)
    return _frame_to_record(df, p, "lisse.io.arbin.csv", header, metadata, scale=scale, units=units,
                            start=start, start_is_local=local, notes=notes, sha256=sha)


# ----------------------------------------------------------------------------------------------- xlsx


def _channel_sheets(sheets: list[str]) -> dict[str, list[tuple[int, str]]]:
    """Channel -> [(part, sheet name)] in part order, for the sheets named like Arbin's data sheets."""
    out: dict[str, list[tuple[int, str]]] = {}
    for s in sheets:
        m = ARBIN_SHEET.fullmatch(s.strip())
        if m:
            out.setdefault(m.group("ch"), []).append((int(m.group("part") or 1), s))
    return {ch: sorted(parts) for ch, parts in out.items()}


def _global_info(path: Path, sheets: list[str], channel: str) -> tuple[dict[str, Any], Any]:
    """The Global_Info sheet's row for ``channel`` as {column: value} (empty when absent)."""
    from lisse.io._xlsx import read_sheet

    name = next((s for s in sheets if s.strip().lower() == "global_info"), None)
    if name is None:
        return {}, None
    grid = read_sheet(path, name)
    want = channel.split("-")[-1].lstrip("0") or "0"
    for k in range(grid.shape[0] - 1):
        head = [str(x).strip() if x is not None else "" for x in grid[k]]
        if "Channel" not in head or not any(h.lower().startswith("start") for h in head):
            continue
        rows = []
        for nxt in grid[k + 1:]:
            if all(x is None for x in nxt):
                break
            rows.append(nxt)
        j = head.index("Channel")
        match = [r for r in rows if r[j] is not None and f"{r[j]}".split(".")[0].lstrip("0") == want]
        if len(match) == 1 or len(rows) == 1:
            info = {h: v for h, v in zip(head, (match or rows)[0], strict=True) if h}
            return info, next((v for h, v in info.items() if h.lower().startswith("start")), None)
    return {}, None


@guarded("Arbin xlsx export")
def read_arbin_xlsx(path: str | Path, channel: int | str | None = None, **metadata: Any) -> CyclingRecord:
    """Read an Arbin (MITS Pro) xlsx export: sheets ``Global_Info`` and ``Channel_<n>_<k>``.

    Parameters
    ----------
    path : str or pathlib.Path
        The instrument file (read only, never modified).
    channel : int or str, optional
        The channel number (an index, ``11`` for ``Channel_11_1``) to read when the workbook holds several; the sheets
        of one channel (``Channel_11_1``, ``Channel_11_2``... split by Excel's row limit) are
        concatenated in order.
    **metadata
        ``area`` [m2], ``active_mass`` [kg], ``loading`` [kg m-2]: SI numbers, or strings with a unit
        (``"0.785 cm2"``, ``"12.5 mg"``), as for every reader (:func:`lisse.io.readers.read_cycling`).

    Returns
    -------
    CyclingRecord
        SI columns (time [s], voltage [V], current [A], charge [C]); see the module notes.

    Raises
    ------
    ReaderError
        No Arbin channel sheet; several channels and no ``channel``; an unknown ``channel``; parts
        of one channel with different columns; a sheet over the xlsx caps of :mod:`lisse.io._xlsx`.
    """
    import pandas as pd

    from lisse.io._xlsx import read_sheet_frame, sheet_names, uses_1904_dates

    p = Path(path)
    sheets = sheet_names(p)
    chans = _channel_sheets(sheets)
    if not chans:
        raise ReaderError(f"Arbin xlsx '{path}' has no channel data sheet (Channel_<n>_<k>); sheets: {sheets}")
    if channel is None:
        if len(chans) > 1:
            raise ReaderError(
                f"Arbin xlsx '{path}' holds {len(chans)} channels ({', '.join(chans)}); choose one with "
                f"channel=... (read_arbin_xlsx(path, channel={next(iter(chans))!r}) or read_cycling(path, channel=...))"
            )
        ch = next(iter(chans))
    else:
        ch = str(channel).strip()
        if ch not in chans:
            raise ReaderError(f"Arbin xlsx '{path}' has no channel {ch!r}; channels: {', '.join(chans)}")
    parts = chans[ch]
    frames: list[Any] = []  # pandas DataFrames
    for _, name in parts:
        f = read_sheet_frame(p, name)
        f.columns = [str(c).strip() for c in f.columns]
        if frames and list(f.columns) != list(frames[0].columns):
            raise ReaderError(f"Arbin xlsx '{path}': sheet {name!r} has the columns {list(f.columns)[:8]}..., "
                              f"unlike {parts[0][1]!r} ({list(frames[0].columns)[:8]}...)")
        frames.append(f)
    df = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    notes: list[str] = []
    if len(parts) > 1:
        notes.append(f"channel {ch}: sheets {', '.join(n for _, n in parts)} concatenated in order ({', '.join(str(len(f)) for f in frames)} rows)")
    epoch = _EXCEL_1904 if uses_1904_dates(p) else _OLE_EPOCH
    info, start_value = _global_info(p, sheets, ch)
    header: dict[str, Any] = {"format": "Arbin xlsx", "sheets": sheets, "channel": ch,
                              "data_sheets": [n for _, n in parts], "columns": list(df.columns), "global_info": info}
    declared = _first_timestamp(start_value, epoch) if start_value is not None else None
    if declared is not None:  # an Excel serial in the sheet; the header keeps it readable
        header["global_info"] = {k: (declared[0].replace(tzinfo=None).isoformat() if v is start_value else v) for k, v in info.items()}
    df, scale, units = _canonical_columns(df, p)
    t0 = float(pd.to_numeric(df["Test_Time"].iloc[:1], errors="coerce").iloc[0]) * scale.get("Test_Time", 1.0) if "Test_Time" in df.columns and len(df) else 0.0
    start, local = _choose_start(df, t0, declared, "Global_Info 'Start DateTime'", notes, epoch)
    return _frame_to_record(df, p, "lisse.io.arbin.xlsx", header, metadata, scale=scale, units=units,
                            start=start, start_is_local=local, notes=notes)


def read_arbin(path: str | Path, **metadata: Any) -> CyclingRecord:
    """Dispatch: Jet database -> :func:`read_arbin_res`, xlsx -> :func:`read_arbin_xlsx`, else :func:`read_arbin_csv`.

    Parameters
    ----------
    path : str or pathlib.Path
        The instrument file (read only, never modified).
    **metadata
        ``area`` [m2], ``active_mass`` [kg], ``loading`` [kg m-2]: SI numbers, or strings with a unit
        (``"0.785 cm2"``, ``"12.5 mg"``), as for every reader (:func:`lisse.io.readers.read_cycling`).

    Returns
    -------
    CyclingRecord
        SI columns (time [s], voltage [V], current [A], charge [C]); see the module notes.

    Raises
    ------
    ReaderError
        The file is missing, unreadable, corrupt, truncated or not of this kind; a column lacks a unit.
    """
    p = Path(path)
    head = b""
    if p.is_file():
        with open(p, "rb") as fh:
            head = fh.read(32)
    if JET_MAGIC in head:
        return read_arbin_res(p, **metadata)
    if head.startswith(b"PK"):
        return read_arbin_xlsx(p, **metadata)
    return read_arbin_csv(p, **metadata)
