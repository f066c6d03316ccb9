"""LAND / LANHE xlsx exports (sheets ``Record-Tab`` / ``Cycle-Tab``, or ``Record`` / ``Cycle``).

LAND writes charge current positive and discharge negative (positive = anodic at the positive
electrode, lisse's convention). Columns carry their unit after a slash: ``TestTime/Sec``,
``Current/mA``, ``Voltage/V``, ``Capacity/mAh``.
"""

from __future__ import annotations

import re
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.errors import ReaderError
from lisse.io._readutil import build_record, carried_step_counter, guarded
from lisse.io.csv_generic import find_column, header_unit_scale

if TYPE_CHECKING:
    from lisse.records.cycling import CyclingRecord

__all__ = ["read_land"]


@guarded("LAND xlsx export")
def read_land(path: str | Path, **metadata: Any) -> CyclingRecord:
    """Read the record sheet of a LAND/LANHE xlsx export (lisse's own fast xlsx value reader).

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
        time from ``TestTime/Sec``, voltage, signed current (mA -> A), step from ``Step-Index``,
        cycle from ``Cycle-Index``; charge from the instrument's ``Capacity/mAh`` counter (see
        :func:`_land_charge`), integrated from the current (with a note) only when the counter is missing;
        ``Step-State`` kept as ``technique``. The ``Cycle-Tab`` sheet is kept in ``provenance.raw_header['cycle_table']``.

    Raises
    ------
    ReaderError
        The file is missing, unreadable, corrupt, truncated or not of this kind; a column lacks a unit.
    """
    import pandas as pd

    from lisse.io._xlsx import read_sheet_frame, sheet_names

    p = Path(path)
    if p.read_bytes()[:2] != b"PK":
        raise ReaderError(f"'{path}' is not an xlsx file (no zip signature)")
    sheets = sheet_names(p)
    rec_sheet = next((s for s in sheets if re.fullmatch(r"record(-tab)?", s, re.I)), None)
    if rec_sheet is None:
        raise ReaderError(f"LAND xlsx '{path}' has no 'Record-Tab' (or 'Record') sheet; sheets: {sheets}")
    df = read_sheet_frame(p, rec_sheet)
    df.columns = [str(c).strip() for c in df.columns]
    if len(df) == 0:
        raise ReaderError(f"LAND xlsx '{path}': sheet {rec_sheet} has no data rows")

    def col(*pats):
        return find_column(df.columns, *pats)

    tc = col(r"TestTime/Sec", r"TestTime/s", r"Test ?Time.*")
    ic = col(r"Current/mA", r"Current/A", r"Current.*")
    vc = col(r"Voltage/V", r"Voltage/mV", r"Voltage.*")
    if tc is None or ic is None or vc is None:
        raise ReaderError(f"LAND xlsx '{path}' lacks TestTime/Current/Voltage columns; found {list(df.columns)[:15]}")
    t_scale, t_unit = header_unit_scale(path, tc, "time", "s")
    i_scale, i_unit = header_unit_scale(path, ic, "current", "A")
    v_scale, v_unit = header_unit_scale(path, vc, "voltage", "V")
    t = pd.to_numeric(df[tc], errors="coerce").to_numpy(float) * t_scale
    i = pd.to_numeric(df[ic], errors="coerce").to_numpy(float) * i_scale
    v = pd.to_numeric(df[vc], errors="coerce").to_numpy(float) * v_scale
    kw: dict[str, Any] = {}
    sc, cc, st = col(r"Step-Index", r"Step.?Index"), col(r"Cycle-Index", r"Cycle.?Index"), col(r"Step-State", r"State")
    if sc is not None:
        kw["step"] = pd.to_numeric(df[sc], errors="coerce").fillna(0).to_numpy()
    if cc is not None:
        c = pd.to_numeric(df[cc], errors="coerce").fillna(0).to_numpy().astype(np.int64)
        kw["cycle"] = c - c.min()
    notes: list[str] = []
    qc = col(r"Capacity/mAh", r"Capacity/Ah", r"Capacity")
    if qc is not None:
        q_scale, q_unit = header_unit_scale(path, qc, "charge", "mAh")
        q = pd.to_numeric(df[qc], errors="coerce").to_numpy(float) * q_scale
        if np.isfinite(q).all():
            kw["charge_C"] = _land_charge(q, i)
            notes.append(f"charge_C: '{qc}' counter (restarts each half cycle) signed by the current's direction, carried over")
        else:
            notes.append(f"charge_C: integrated from the current ('{qc}' has {int((~np.isfinite(q)).sum())} missing values)")
    else:
        notes.append("charge_C: integrated from the current (no Capacity column)")
    extra = {}
    if st is not None:
        extra["technique"] = df[st].astype(str).to_numpy()
    header: dict[str, Any] = {"format": "LAND xlsx", "sheets": sheets, "record_sheet": rec_sheet, "columns": list(df.columns),
                              "units": {"time": t_unit, "voltage": v_unit, "current": i_unit}}
    cyc_sheet = next((s for s in sheets if re.fullmatch(r"cycle(-tab)?", s, re.I)), None)
    if cyc_sheet is not None:
        ct = read_sheet_frame(p, cyc_sheet)
        header["cycle_table"] = ct.where(ct.notna(), None).to_dict(orient="list")
    start = None
    tsys = col(r"SysTime", r"System ?Time")
    if tsys is not None and len(df):
        from datetime import datetime, timedelta

        x0 = df[tsys].iloc[0]
        if isinstance(x0, float) and 20000 < x0 < 80000:  # Excel serial date (local time, no zone)
            start = datetime(1899, 12, 30, tzinfo=UTC) + timedelta(days=x0 - float(t[0]) / 86400.0)
        else:
            from lisse.io._readutil import parse_datetime

            start = parse_datetime(str(x0))
    return build_record(p, "lisse.io.land", t, v, i, header=header, metadata=metadata, start=start, extra=extra, notes=notes, **kw)


def _land_charge(q: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Charge since the first row (C) from LAND's unsigned ``Capacity`` counter.

    LAND counts ``Capacity`` up from 0 over a half cycle (across its CC/CV/rest steps) and restarts it
    when the current changes direction. Each row's counter takes the sign of the half cycle (the sign of
    the last non-zero current; rest rows keep the previous one), a new half cycle or any drop of the
    counter starts a new counting period, and :func:`lisse.io._readutil.carried_step_counter` carries
    the periods over. The result is shifted to 0 at the first row.

    Parameters
    ----------
    q : ndarray
        The counter in coulombs (>= 0, finite).
    i : ndarray
        Current in A, positive = charge (LAND's sign).
    """
    import pandas as pd

    q = np.abs(q)
    sgn = np.sign(np.nan_to_num(i))
    direction = pd.Series(np.where(sgn != 0, sgn, np.nan)).ffill().bfill().fillna(0.0).to_numpy()
    tol = 1e-9 * float(np.max(q)) if q.size else 0.0
    new = np.concatenate([[False], (np.diff(direction) != 0) | (np.diff(q) < -tol)])
    out = carried_step_counter(q * direction, np.cumsum(new))
    return out - out[0] if out.size else out
