"""Maccor text exports (tab-separated, a few ``key<TAB>value`` header lines, then the data).

Maccor writes the current *unsigned* and the mode ``Md`` (``C`` charge, ``D`` discharge, ``R`` rest);
lisse makes discharge current negative (positive = anodic at the positive electrode). Text with
non-UTF-8 bytes (common in the Description field) is read as cp1252/latin-1.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import ReaderError
from lisse.io._readutil import build_record, check_last_row, decode, guarded, parse_datetime
from lisse.io.csv_generic import find_column, header_unit, header_unit_scale

__all__ = ["read_maccor"]


def _find_header_line(lines: list[str]) -> int:
    for k, ln in enumerate(lines[:200]):
        cells = [c.strip() for c in ln.split("\t")]
        if ("Rec" in cells or "Rec#" in cells) and any(c.startswith("Current") for c in cells) and any(c.startswith("Voltage") for c in cells):
            return k
    raise ReaderError("no Maccor column-header line (with 'Rec', 'Current', 'Voltage') in the first 200 lines")


@guarded("Maccor text export")
def read_maccor(path: str | Path, **metadata: Any):
    """Read a Maccor tab-separated text export.

    Returns
    -------
    CyclingRecord
        time from ``TestTime`` (s; ``Test Time (sec)`` in newer exports), voltage, signed current,
        step from ``Step``, cycle from ``Cycle C`` (or ``Cyc#``); charge integrated from the current.
    """
    import pandas as pd

    raw = Path(path).read_bytes()
    text, enc = decode(raw)
    lines = text.splitlines()
    try:
        k = _find_header_line(lines)
    except ReaderError as exc:
        raise ReaderError(f"'{path}' is not a Maccor export: {exc}") from None
    header = {"format": "Maccor text", "encoding": enc, "lines": lines[:k]}
    for ln in lines[:k]:
        if "\t" in ln:
            key, _, val = ln.partition("\t")
            header.setdefault("fields", {})[key.strip().rstrip(":")] = val.strip()
    df = pd.read_csv(io.StringIO("\n".join(lines[k:])), sep="\t", index_col=False, skip_blank_lines=True)
    df.columns = [str(c).strip() for c in df.columns]
    df = df.loc[:, [c for c in df.columns if not c.startswith("Unnamed")]]
    if len(df) == 0:
        raise ReaderError(f"Maccor export '{path}' has a header but no data rows")
    check_last_row(df, path, "Maccor")

    def col(*pats):
        return find_column(df.columns, *pats)

    tc = col(r"TestTime", r"Test Time.*", r"Test_Time.*")
    ic = col(r"Current \[A\]", r"Amps", r"Current.*")
    vc = col(r"Voltage \[V\]", r"Volts", r"Voltage.*")
    mc = col(r"Md", r"State")
    if tc is None or ic is None or vc is None:
        raise ReaderError(f"Maccor export '{path}' lacks time/current/voltage columns; found {list(df.columns)[:15]}")
    t = pd.to_numeric(df[tc], errors="coerce").to_numpy(float)
    scale_t, t_unit = header_unit_scale(path, tc, "time", "s")
    i_scale, i_unit = header_unit_scale(path, ic, "current", "A")
    v_scale, v_unit = header_unit_scale(path, vc, "voltage", "V")
    i = pd.to_numeric(df[ic], errors="coerce").to_numpy(float) * i_scale
    v = pd.to_numeric(df[vc], errors="coerce").to_numpy(float) * v_scale
    notes = []
    if header_unit(tc) is None:  # the header names no unit: fix it from the clock column
        scale_t, t_unit, note = _test_time_unit(path, df, t, col(r"DPt Time", r"DPT Time", r"Date ?Time"))
        notes.append(note)
    if mc is not None:
        md = df[mc].astype(str).str.strip().str.upper().to_numpy()
        i = np.where(md == "D", -np.abs(i), np.where(md == "R", 0.0 * i, np.abs(i)))
        notes.append(f"current sign from the mode column '{mc}': D (discharge) negative")
    kw: dict[str, Any] = {}
    sc = col(r"Step")
    cc = col(r"Cycle C", r"Cyc#", r"Cycle")
    if sc is not None:
        kw["step"] = pd.to_numeric(df[sc], errors="coerce").fillna(0).to_numpy()
    if cc is not None:
        c = pd.to_numeric(df[cc], errors="coerce").fillna(0).to_numpy().astype(np.int64)
        kw["cycle"] = c - c.min()
    start = parse_datetime(_us_ampm(header.get("fields", {}).get("Started", "")))
    header["n_data_rows"] = len(df)
    header["units"] = {"time": t_unit, "voltage": v_unit, "current": i_unit}
    return build_record(path, "lisse.io.maccor", t * scale_t, v, i, header=header, notes=notes, metadata=metadata, start=start, **kw)


#: Units Maccor exports use for a test-time column without a unit in its header, with their factor to s.
_TEST_TIME_UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0}


def _test_time_unit(path: Any, df: Any, t: np.ndarray, clock_column: str | None) -> tuple[float, str, str]:
    """The unit of a header-less ``TestTime`` column, from the export's wall-clock column.

    Maccor writes ``TestTime`` in seconds or in minutes depending on the export settings, and says
    which nowhere. The data-point clock (``DPt Time``) fixes it: the elapsed clock time divided by the
    test time must be 1, 60 or 3600 (within 2 %). Without a clock column the unit stays unknown and
    the file is refused rather than read in a guessed unit.
    """
    import pandas as pd

    if clock_column is not None:
        clock = pd.to_datetime(df[clock_column].astype(str).map(_us_ampm), format="%m/%d/%Y %H:%M:%S", errors="coerce")
        elapsed = (clock - clock.iloc[0]).dt.total_seconds().to_numpy(float)
        dt = t - t[0]
        ok = np.isfinite(elapsed) & np.isfinite(dt) & (dt > 0)
        if ok.sum() >= 2:
            ratio = float(np.median(elapsed[ok] / dt[ok]))
            for unit, factor in _TEST_TIME_UNITS.items():
                if abs(ratio / factor - 1) < 0.02:
                    return factor, unit, (f"test time column has no unit in its header: read in {unit}, "
                                          f"from the '{clock_column}' clock (elapsed clock / test time = {ratio:.4g} s per unit)")
            raise ReaderError(f"Maccor export '{path}': the test time column has no unit and disagrees with the '{clock_column}' "
                              f"clock (ratio {ratio:.4g} s per unit, expected 1, 60 or 3600); declare it with --units time=s|min|h")
    raise ReaderError(f"Maccor export '{path}': the test time column has no unit in its header and there is no clock column to "
                      "fix it (Maccor exports it in s or min); declare it with --units time=s or time=min")


def _us_ampm(s: str) -> str:
    """'5/11/2021 3:40:24 PM' -> '05/11/2021 15:40:24'."""
    m = re.match(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*([AP]M)?", s)
    if not m:
        return s
    mo, d, y, h, mi, se, ap = m.groups()
    h = int(h) % 12 + (12 if ap == "PM" else 0) if ap else int(h)
    return f"{int(mo):02d}/{int(d):02d}/{y} {h:02d}:{mi}:{se}"
