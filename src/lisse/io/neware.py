"""Neware files: binary ``.nda`` / ``.ndax`` (through fastnda, BSD-3) and BTS CSV / xlsx exports.

Sign convention: Neware writes charge current positive and discharge current negative; with the
positive electrode as working electrode this is lisse's convention (positive = anodic at the WE), so
no flip is applied.

Binary files need the optional package ``fastnda`` (``pip install fastnda``); a zip archive holding a
single ``.nda``/``.ndax`` is unpacked to a temporary folder first. The BTS "regular" CSV export has three
interleaved header levels (cycle rows, step rows starting with one comma, record rows starting with
two commas); the record rows are the time series.
"""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
import zipfile
from datetime import UTC
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import MissingDependencyError, ReaderError
from lisse.io._readutil import build_record, check_last_row, decode, guarded, hms_to_seconds, parse_datetime

__all__ = ["read_nda", "read_neware_csv", "read_neware_xlsx", "read_neware"]


def _fastnda():
    try:
        import fastnda
    except ImportError:
        raise MissingDependencyError("fastnda", "reading Neware .nda/.ndax files", "readers") from None
    return fastnda


@guarded("Neware .nda/.ndax")
def read_nda(path: str | Path, **metadata: Any):
    """Read a Neware ``.nda`` or ``.ndax`` (or a zip holding one) with fastnda.

    Returns
    -------
    CyclingRecord
        time from ``total_time_s``, voltage, current (mA -> A), charge from the per-step
        ``capacity_mAh`` made cumulative with the sign of the current, step = ``step_count``, cycle =
        ``cycle_count`` - 1; ``step_type`` kept as ``technique``; aux columns kept.

    Raises
    ------
    MissingDependencyError
        fastnda is not installed.
    ReaderError
        fastnda cannot read the file (the message says why).
    """
    fastnda = _fastnda()
    p = Path(path)
    head = p.read_bytes()[:4]
    with contextlib.ExitStack() as stack:
        target = p
        if head.startswith(b"PK") and p.suffix.lower() not in (".ndax",):
            zf = stack.enter_context(zipfile.ZipFile(p))
            inner = [n for n in zf.namelist() if n.lower().endswith((".nda", ".ndax"))]
            if len(inner) != 1:
                raise ReaderError(f"zip '{path}' should hold exactly one .nda/.ndax file; found {inner or zf.namelist()[:5]}")
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="lisse_nda_"))
            target = Path(zf.extract(inner[0], tmp))
        elif p.suffix.lower() == ".nda" and not head.startswith(b"NEWA"):
            raise ReaderError(f"'{path}' is not a Neware .nda file: it does not start with 'NEWARE'")
        out = io.StringIO()
        import warnings

        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                df = fastnda.read(str(target))
                try:
                    meta = fastnda.read_metadata(str(target))
                except Exception:  # noqa: BLE001 - only the third-party call is inside: its metadata is optional
                    meta = {}
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001
            # Only fastnda's own parser runs inside this try (no lisse code): what it raises on a damaged
            # or unsupported file has no common base class (ValueError, EOFError, KeyError,
            # NotImplementedError, polars errors...), so any exception from it is the file's problem.
            raise ReaderError(f"fastnda could not read Neware file '{path}': {type(exc).__name__}: {exc}") from exc
    notes = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
    notes += [f"fastnda: {w.message}" for w in caught]
    cols = set(df.columns)
    need = {"voltage_V", "current_mA", "total_time_s"}
    if not need <= cols:
        raise ReaderError(f"fastnda returned no {sorted(need - cols)} columns for '{path}'")
    t = df["total_time_s"].to_numpy().astype(float)
    v = df["voltage_V"].to_numpy().astype(float)
    i = df["current_mA"].to_numpy().astype(float) * 1e-3
    step = df["step_count"].to_numpy().astype(np.int64) if "step_count" in cols else None
    cyc = df["cycle_count"].to_numpy().astype(np.int64) if "cycle_count" in cols else None
    if cyc is not None and cyc.size:
        cyc = cyc - cyc.min()
    charge = None
    if "capacity_mAh" in cols and step is not None:
        cap = np.abs(df["capacity_mAh"].to_numpy().astype(float)) * 3.6 * np.sign(i)
        # capacity resets each step: cumulative charge = sum of step-end capacities + current step's
        ends = np.flatnonzero(np.diff(step) != 0)
        offs = np.zeros(t.size)
        if ends.size:
            inc = np.zeros(t.size)
            inc[ends + 1] = cap[ends]
            offs = np.cumsum(inc)
        charge = offs + cap
    extra: dict[str, Any] = {}
    if "step_type" in cols:
        extra["technique"] = df["step_type"].cast(str).to_numpy() if hasattr(df["step_type"], "cast") else df["step_type"].astype(str).to_numpy()
    for c in df.columns:
        if c.startswith("aux") and c.endswith("_degC"):
            extra[c[: -len("_degC")] + "_K"] = df[c].to_numpy().astype(float) + 273.15
        elif c.startswith("aux") and c.endswith("_V"):
            extra[c] = df[c].to_numpy().astype(float)
    start = None
    if "unix_time_s" in cols and t.size:
        from datetime import datetime

        u0 = float(df["unix_time_s"][0])
        if np.isfinite(u0) and u0 > 0:
            start = datetime.fromtimestamp(u0 - t[0], tz=UTC)
    header = {"format": "Neware nda/ndax", "reader_backend": "fastnda", "fastnda_metadata": meta,
              "units": {"time": "s", "voltage": "V", "current": "mA", **({"charge": "mAh"} if charge is not None else {})}}
    rec = build_record(path, "lisse.io.neware.nda", t, v, i, header=header, notes=notes, metadata=metadata,
                       charge_C=charge, step=step, cycle=cyc, extra=extra)
    rec.start = start  # unix time is absolute: a true UTC start, no zone assumption needed
    return rec


_NW_REC = {
    "time": ("Total Time", "Total time", "TotalTime"),
    "voltage": ("Voltage(V)", "Voltage(mV)", "Voltage"),
    "current": ("Current(A)", "Current(mA)", "Current(uA)", "Current"),
}


def _neware_frame(rec, path: Any, metadata: dict, header: dict, reader: str):
    def pick(names):
        for n in names:
            if n in rec.columns:
                return n
        return None

    tc, vc, ic = pick(_NW_REC["time"]), pick(_NW_REC["voltage"]), pick(_NW_REC["current"])
    if tc is None or vc is None or ic is None:
        raise ReaderError(f"Neware export '{path}': record rows lack Total Time / Voltage / Current columns; found {list(rec.columns)[:12]}")
    t = hms_to_seconds(rec[tc])
    vs = 1e-3 if "(mV)" in vc else 1.0
    is_ = {"(A)": 1.0, "(mA)": 1e-3, "(uA)": 1e-6}
    iscale = next((f for k, f in is_.items() if k in ic), 1.0)
    v = rec[vc].astype(float).to_numpy() * vs
    i = rec[ic].astype(float).to_numpy() * iscale
    iunit = next((k.strip("()") for k in is_ if k in ic), "A")
    header = {**header, "units": {"time": "s", "voltage": "mV" if vs != 1.0 else "V", "current": iunit}}
    start = parse_datetime(str(rec["Date"].iloc[0])) if "Date" in rec.columns and len(rec) else None
    kw: dict[str, Any] = {}
    for key, col in (("step", "step"), ("cycle", "cycle")):
        if col in rec.columns:
            kw[key] = rec[col].to_numpy()
    return build_record(path, reader, t, v, i, header=header, metadata=metadata, start=start, **kw)


@guarded("Neware BTS CSV export")
def read_neware_csv(path: str | Path, **metadata: Any):
    """Read a Neware BTS "regular" CSV export (cycle / step / record rows interleaved).

    Returns
    -------
    CyclingRecord
        The record rows; ``step`` and ``cycle`` come from the enclosing step/cycle rows.
    """
    import pandas as pd

    text, enc = decode(Path(path).read_bytes())
    lines = text.splitlines()
    if len(lines) < 4 or not lines[0].startswith("Cycle") or not lines[2].startswith(",,"):
        raise ReaderError(f"'{path}' is not a Neware BTS CSV export: expected 'Cycle ...' then ',Step ...' then ',,DataPoint ...' header rows")
    rec_names = [c.strip() for c in lines[2].split(",")[2:]]
    rows, steps, cycles = [], [], []
    cyc, stp = 0, 0
    for ln in lines[3:]:
        if ln.startswith(",,"):
            rows.append(ln[2:])
            steps.append(stp)
            cycles.append(cyc)
        elif ln.startswith(","):
            f = ln.split(",", 3)
            stp = int(f[2]) if len(f) > 2 and f[2].strip().isdigit() else stp + 1
        elif ln.strip():
            f = ln.split(",", 1)
            cyc = int(f[0]) - 1 if f[0].strip().isdigit() else cyc + 1
    if not rows:
        raise ReaderError(f"Neware CSV '{path}' has header rows but no record rows")
    rec = pd.read_csv(io.StringIO("\n".join(rows)), header=None, names=rec_names, index_col=False)
    check_last_row(rec, path, "Neware CSV")
    rec["step"] = steps
    rec["cycle"] = cycles
    header = {"format": "Neware BTS CSV", "encoding": enc, "levels": [lines[0], lines[1], lines[2]],
              "n_lines": len(lines), "n_record_rows": len(rows)}
    return _neware_frame(rec, path, metadata, header, "lisse.io.neware.csv")


@guarded("Neware BTS xlsx export")
def read_neware_xlsx(path: str | Path, **metadata: Any):
    """Read the ``record`` sheet of a Neware BTS xlsx export.

    Notes
    -----
    Written from the documented BTS export layout (sheet ``record`` with ``Total Time``,
    ``Current(A)``, ``Voltage(V)``); no public file of this kind was available to test against.
    """

    from lisse.io._xlsx import read_sheet_frame, sheet_names

    sheets = sheet_names(path)
    sheet = next((s for s in sheets if re.fullmatch(r"record.*", s, re.I)), None)
    if sheet is None:
        raise ReaderError(f"Neware xlsx '{path}' has no 'record' sheet; sheets: {sheets}")
    rec = read_sheet_frame(path, sheet)
    return _neware_frame(rec, path, metadata, {"format": "Neware BTS xlsx", "sheets": sheets}, "lisse.io.neware.xlsx")


def read_neware(path: str | Path, **metadata: Any):
    """Dispatch on content: binary nda/ndax (or zip) -> :func:`read_nda`, xlsx, else CSV."""
    p = Path(path)
    if not p.is_file():
        raise ReaderError(f"Neware file '{path}' does not exist")
    head = p.read_bytes()[:4]
    if p.suffix.lower() == ".xlsx":
        return read_neware_xlsx(p, **metadata)
    if head.startswith((b"NEWA", b"PK")):
        return read_nda(p, **metadata)
    return read_neware_csv(p, **metadata)
