"""Arbin files: ``.res`` (MS Access / Jet database, read with mdbtools) and CSV exports.

Arbin writes charge current positive (positive = anodic at the positive electrode, lisse's
convention); no flip is applied. Times are seconds, currents A, voltages V, capacities Ah.

``.res`` needs the ``mdb-export`` program of mdbtools (a command-line tool, not a Python package):
``apt-get install mdbtools`` (Debian/Ubuntu), ``brew install mdbtools`` (macOS) or
``conda install -c conda-forge mdbtools``.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import MissingDependencyError, ReaderError
from lisse.io._readutil import build_record, check_last_row, guarded

__all__ = ["read_arbin_res", "read_arbin_csv", "read_arbin"]

JET_MAGIC = b"Standard Jet DB"


def _mdb_export(path: Path, table: str) -> str:
    exe = shutil.which("mdb-export")
    if exe is None:
        err = MissingDependencyError("mdbtools", "reading Arbin .res files")
        err.msg = (
            "reading Arbin .res files needs the 'mdb-export' program from mdbtools, which is not on PATH; install it with "
            "'apt-get install mdbtools' (Debian/Ubuntu), 'brew install mdbtools' (macOS) or 'conda install -c conda-forge mdbtools', "
            "or export the data to CSV in Arbin's software and use read_arbin_csv"
        )
        err.args = (err.msg,)
        raise err
    try:
        res = subprocess.run([exe, str(path), table], capture_output=True, timeout=600, check=False)
    except subprocess.TimeoutExpired:
        raise ReaderError(f"mdb-export timed out reading table {table} of Arbin .res '{path}'") from None
    if res.returncode != 0:
        msg = res.stderr.decode("latin-1", errors="replace").strip().splitlines()
        raise ReaderError(f"mdb-export failed on Arbin .res '{path}' (table {table}): {msg[-1] if msg else 'exit ' + str(res.returncode)}")
    return res.stdout.decode("latin-1")


def _ole_to_datetime(x: float) -> datetime | None:
    if not np.isfinite(x) or not 20000 < x < 80000:
        return None
    return datetime(1899, 12, 30, tzinfo=UTC) + timedelta(days=float(x))


def _frame_to_record(df, path: Any, reader: str, header: dict, metadata: dict, start=None):
    need = ("Test_Time", "Voltage", "Current")
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise ReaderError(f"Arbin data '{path}' lacks the columns {missing}; found {list(df.columns)[:15]}")
    if len(df) == 0:
        raise ReaderError(f"Arbin data '{path}' has no data rows")
    t = df["Test_Time"].astype(float).to_numpy()
    v = df["Voltage"].astype(float).to_numpy()
    i = df["Current"].astype(float).to_numpy()
    kw: dict[str, Any] = {}
    if "Step_Index" in df.columns and df["Step_Index"].notna().all():
        kw["step"] = df["Step_Index"].to_numpy()
    if "Cycle_Index" in df.columns and df["Cycle_Index"].notna().all():
        c = df["Cycle_Index"].to_numpy().astype(np.int64)
        kw["cycle"] = c - c.min()
    if "Charge_Capacity" in df.columns and "Discharge_Capacity" in df.columns:
        qc = df["Charge_Capacity"].astype(float).to_numpy()
        qd = df["Discharge_Capacity"].astype(float).to_numpy()
        kw["charge_C"] = (qc - qd) * 3600.0 - (qc[0] - qd[0]) * 3600.0
    extra = {}
    if "Temperature" in df.columns:
        extra["temperature_K"] = df["Temperature"].astype(float).to_numpy() + 273.15
    if "Internal_Resistance" in df.columns:
        extra["internal_resistance_ohm"] = df["Internal_Resistance"].astype(float).to_numpy()
    units = {"time": "s", "voltage": "V", "current": "A", **({"charge": "Ah"} if "charge_C" in kw else {})}
    header = {**header, "units": units}  # fixed by Arbin's format: s, V, A, Ah
    return build_record(path, reader, t, v, i, header=header, metadata=metadata, start=start, extra=extra, **kw)


@guarded("Arbin .res")
def read_arbin_res(path: str | Path, **metadata: Any):
    """Read an Arbin ``.res`` file (table ``Channel_Normal_Table``) through mdbtools.

    Raises
    ------
    MissingDependencyError
        ``mdb-export`` is not installed (the message says how to install it).
    ReaderError
        Not a Jet database, or mdbtools fails on it.
    """
    import pandas as pd

    p = Path(path)
    head = p.read_bytes()[:32]
    if JET_MAGIC not in head:
        raise ReaderError(f"'{path}' is not an Arbin .res file: no 'Standard Jet DB' signature in its first bytes")
    text = _mdb_export(p, "Channel_Normal_Table")
    df = pd.read_csv(io.StringIO(text))
    header: dict[str, Any] = {"format": "Arbin res", "table": "Channel_Normal_Table"}
    start = None
    try:
        g = pd.read_csv(io.StringIO(_mdb_export(p, "Global_Table")))
        header["global"] = {k: (None if pd.isna(v) else v) for k, v in g.iloc[0].to_dict().items()} if len(g) else {}
        start = _ole_to_datetime(float(g["Start_DateTime"].iloc[0])) if "Start_DateTime" in g.columns and len(g) else None
    except (ReaderError, ValueError, KeyError):
        pass
    df = df.sort_values(["Test_ID", "Data_Point"], kind="stable") if {"Test_ID", "Data_Point"} <= set(df.columns) else df
    return _frame_to_record(df, p, "lisse.io.arbin.res", header, metadata, start=start)


@guarded("Arbin CSV export")
def read_arbin_csv(path: str | Path, **metadata: Any):
    """Read an Arbin CSV export (``Data_Point, Test_Time, Current, Voltage, ...``).

    A sibling ``<name>_Metadata.csv`` (as written by Arbin / used by BEEP) is read for the start time.
    """
    import pandas as pd

    p = Path(path)
    df = pd.read_csv(p, encoding="latin-1")
    df.columns = [c.strip() for c in df.columns]
    check_last_row(df, path, "Arbin CSV")
    df = df.rename(columns={"Test_Time(s)": "Test_Time", "Current(A)": "Current", "Voltage(V)": "Voltage",
                            "Charge_Capacity(Ah)": "Charge_Capacity", "Discharge_Capacity(Ah)": "Discharge_Capacity",
                            "Step_Index": "Step_Index", "Cycle_Index": "Cycle_Index"})
    header: dict[str, Any] = {"format": "Arbin CSV", "columns": list(df.columns)}
    start = None
    meta_file = p.with_name(p.stem + "_Metadata" + p.suffix)
    if meta_file.is_file():
        m = pd.read_csv(meta_file)
        header["metadata_file"] = {k: (None if pd.isna(v) else v) for k, v in m.iloc[0].to_dict().items()} if len(m) else {}
        if "First_Start_DateTime" in m.columns and len(m):
            start = datetime.fromtimestamp(float(m["First_Start_DateTime"].iloc[0]), tz=UTC)
    elif "DateTime" in df.columns and len(df):
        try:
            x = float(df["DateTime"].iloc[0])
            if x > 1e8:
                start = datetime.fromtimestamp(x - float(df["Test_Time"].iloc[0]), tz=UTC)
        except (TypeError, ValueError):
            pass
    rec = _frame_to_record(df, p, "lisse.io.arbin.csv", header, metadata)
    rec.start = start  # unix timestamps are absolute UTC
    return rec


def read_arbin(path: str | Path, **metadata: Any):
    """Dispatch: Jet database -> :func:`read_arbin_res`, otherwise :func:`read_arbin_csv`."""
    p = Path(path)
    if p.is_file() and JET_MAGIC in p.read_bytes()[:32]:
        return read_arbin_res(p, **metadata)
    return read_arbin_csv(p, **metadata)
