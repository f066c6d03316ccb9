"""Maccor text exports: the standard export and the MIMS-client export.

Layouts read (column tables of TRI-AMDD/beep ``maccor_conversion.yaml`` and cellpy's
``maccor_txt_*`` configurations used as a map of what exists; the code is lisse's own):

- **standard export** (Maccor "ASCII export", beep's test files): a first line of file metadata
  (``Today's Date ... Date of Test: ... Filename: ... Procedure: ... Comment/Barcode: ...``), then
  ``Rec#  Cyc#  Step  Test (Sec)  Step (Sec)  Amp-hr  Watt-hr  Amps  Volts  State  ES  DPt Time ...``;
  tab- or comma-separated; ``TestTime``/``StepTime`` may be written as ``Nd hh:mm:ss`` or ``hh:mm:ss``
  text instead of seconds; the metadata may also be lines of ``key:<TAB>value`` pairs (cellpy's
  ``maccor_001.txt``: ``Today's Date:``, ``Date of Test:``, ``Filename:``, ``Tester Channel:``, ...), and
  repeated column names (``Aux #1  Units  Aux #2  Units``) and a delimiter at the end of every line occur;
- **MIMS-client export** (cellpy's ``maccor_txt_two/four``): ``key<TAB>value`` lines (``Started``, ...),
  then ``Rec  Cycle P  Cycle C  Step  TestTime  StepTime  Cap. [Ah]  Ener. [Wh]  Current [A]  Voltage [V]  Md
  ES  DPT Time ...``; ``TestTime`` without a unit (s or min, fixed from the ``DPT Time`` clock).

The header is the first line with a record column (``Rec#``/``Rec``), a test-time, a current and a
voltage column, and a state (``State``/``Md``) or Maccor cycle column: detection never needs ``Md``.
Decimal commas (tab- or semicolon-separated files) are read. The file is streamed
(:mod:`lisse.io._delimited`): read once, hashed while read, malformed rows counted with line numbers,
a cut last line dropped with a "truncated" note.

Conventions in the record (each said in a provenance note):

- **current**: Maccor writes it signed (discharge negative) in some exports and unsigned with the
  state ``C``/``D``/``R`` giving the direction in others. A file with any negative current is taken
  as signed and kept as written; otherwise rows in state ``D`` are made negative. Positive = charge =
  anodic at the positive (working) electrode.
- **time**: seconds since the file's *first row*; an excerpt of a long test starts at 0, and the test
  time of its first row is kept in ``raw_header["test_time_first_row_s"]``. ``start`` is the wall
  clock (``DPt Time``, 1 s resolution) of the first row, else ``Started`` plus that test time.
- **cycle**: 0-based. Maccor's ``Cyc#`` (and the MIMS ``Cycle P``) count from 0 (beep's
  ``PreDiag_000229`` export starts at ``Rec#`` 1 with ``Cyc#`` 0), the MIMS ``Cycle C`` from 1
  (cellpy's ``maccor_002.txt``). A file that starts at the start of the test (``Rec#`` 1 or test time 0) shows
  its base in its first row (0 kept, 1 subtracted); an excerpt takes the base of its column.
- **charge**: cumulative since the file's first row, with the sign of the current. Maccor's
  ``Amp-hr`` is the unsigned capacity *of the current step* (it restarts at every step; in beep's
  ``PreDiag_000229`` it equals the current times ``Step (Sec)`` through a CC step): its
  increments are carried over the steps and signed by the current. The trapezoid integral of the
  current is computed as a second method; if the two disagree by more than
  :data:`CHARGE_CHECK_FRACTION` of the charge passed, the integral is used and a note says so.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.errors import ReaderError
from lisse.io._readutil import build_record, guarded
from lisse.io.csv_generic import _decimal, find_column, header_unit, header_unit_scale

if TYPE_CHECKING:
    from lisse.records.cycling import CyclingRecord

__all__ = ["read_maccor", "find_maccor_header"]

#: roles -> header names (case-insensitive regular expressions, full match), the first match wins
COLUMNS: dict[str, tuple[str, ...]] = {
    "record": (r"Rec ?#?",),
    "cycle": (r"Cycle C", r"Cyc ?#", r"Cycle P", r"Cycle ?#?", r"Cycle ?Index"),
    "step": (r"Step ?#?", r"Step ?Index"),
    "time": (r"Test ?\(Sec\)", r"Test ?Time.*", r"Test_Time.*"),
    "current": (r"Current \[A\]", r"Amps", r"Current.*"),
    "voltage": (r"Voltage \[V\]", r"Volts", r"Voltage.*"),
    "state": (r"State", r"Md", r"Mode"),
    "capacity": (r"Amp-?hr", r"Cap\. ?\[Ah\]", r"Capacity.*"),
    "clock": (r"DPt ?Time", r"Date ?Time"),
}
#: cycle columns that count from 1 (the MIMS client's charge-cycle counter); the others count from 0
ONE_BASED_CYCLE_COLUMNS = ("cycle c",)
#: largest disagreement between the carried-over Amp-hr and the trapezoid integral, as a fraction
#: of the charge passed (|I| integrated), before the integral is used instead
CHARGE_CHECK_FRACTION = 0.02
#: the labels of the standard export's one-line metadata (beep's ``metadata_fields``)
_META_LABELS = ("Today's Date", "Date of Test", "Filename", "Procedure", "Comment/Barcode")
_FMT = "Maccor text export"


def _roles(names: list[str]) -> dict[str, str]:
    out = {}
    for role, patterns in COLUMNS.items():
        c = find_column(names, *patterns)
        if c is not None:
            out[role] = c
    return out


def find_maccor_header(lines: list[str]) -> tuple[int, str, list[str]] | None:
    """``(line index, delimiter, column names)`` of a Maccor export's header among ``lines``, or None.

    The header names a record column (``Rec#``, ``Rec``), a test time, a current and a voltage
    column, and a state (``State``, ``Md``) or Maccor cycle column (``Cyc#``, ``Cycle C``, ``Cycle P``).

    Parameters
    ----------
    lines : list of str
        The first lines of the file (decoded text).

    Returns
    -------
    tuple of (int, str, list of str) or None
        ``(line index, delimiter, column names)``, or None when no header is found.
    """
    for k, ln in enumerate(lines[:200]):
        for sep in ("\t", ",", ";"):
            if ln.count(sep) < 3:
                continue
            names = [c.strip().strip('"') for c in ln.split(sep)]
            while names and names[-1] == "":
                names.pop()
            r = _roles(names)
            maccor_cycle = find_column(names, r"Cyc ?#", r"Cycle [CP]") is not None
            if {"record", "time", "current", "voltage"} <= set(r) and ("state" in r or maccor_cycle):
                return k, sep, names
    return None


def _metadata(lines: list[str]) -> dict[str, str]:
    """Fields of the lines above the header.

    Three layouts: the standard export's one line of labels (``Today's Date 10/10/2019  Date of Test:
    10/10/2019  Filename: ...``), lines of ``key:<TAB>value<TAB>key:<TAB>value`` pairs, and
    ``key<TAB>value`` lines (MIMS client).
    """
    fields: dict[str, str] = {}
    label_re = "(" + "|".join(re.escape(lb) for lb in _META_LABELS) + r")\s*:?"
    for ln in lines:
        parts = re.split(label_re, ln)
        cells = [c.strip() for c in ln.rstrip("\t").split("\t")]
        pairs = len(cells) >= 2 and all(len(c) > 1 and c.endswith(":") for c in cells[::2])
        if pairs:  # key:<TAB>value<TAB>key:<TAB>value ...
            for key, val in zip(cells[::2], [*cells[1::2], ""], strict=False):
                fields[key[:-1].strip()] = val
        elif len(parts) >= 5:  # known labels run together on one line
            for key, val in zip(parts[1::2], parts[2::2], strict=True):
                fields[key] = val.strip(" \t:")
        elif "\t" in ln:
            key, _, val = ln.partition("\t")
            if key.strip():
                fields[key.strip().rstrip(":")] = val.strip()
    return fields


@guarded(_FMT)
def read_maccor(path: str | Path, *, units: Any = None, **metadata: Any) -> CyclingRecord:
    """Read a Maccor text export (standard or MIMS-client layout; tab-, comma- or semicolon-separated).

    Parameters
    ----------
    path : str or Path
        The instrument file (read only, never modified).
    units : str or mapping, optional
        Only for a test-time column whose header names no unit and that has no clock column to fix
        it: ``"time=s"`` or ``"time=min"``. Other declared units must agree with the file's.
    **metadata
        ``area``, ``active_mass``, ``loading``.

    Returns
    -------
    CyclingRecord
        See the module docstring for time, current sign, cycle numbering and charge. Extra columns:
        ``record`` (Maccor's ``Rec#``). ``raw_header`` holds the metadata ``fields``, ``columns``,
        ``units``, ``test_time_first_row_s``, ``first_record`` and the ``charge_check``.

    Raises
    ------
    ReaderError
        No Maccor header in the first 200 lines, a test time without a unit that neither a clock
        column nor ``units`` fixes, a declared unit that contradicts the file, more than 1 %
        malformed lines.
    """
    from lisse.io._delimited import Columns, TextStream, numbers, unique_names
    from lisse.io._readutil import hms_seconds_masked
    from lisse.io.column_units import CYCLING_ROLES, check_declared_against_file

    declared = dict(units or {})
    with TextStream(path, _FMT) as ts:
        lines = ts.head()
        found = find_maccor_header(lines)
        if found is None:
            raise ReaderError(f"'{path}' is not a Maccor export: no header line naming Rec#, a test time, current "
                              "(Amps/Current) and voltage (Volts/Voltage) in the first 200 lines")
        k, sep, names = found
        roles = _roles(names)
        decimal = _decimal(path, "\n".join(lines[k + 1 :]), sep)
        header: dict[str, Any] = {"format": "Maccor text", "encoding": ts.encoding, "delimiter": sep, "decimal": decimal,
                                  "lines": lines[:k], "fields": _metadata(lines[:k]), "columns": names}
        ts.skip_lines(k + 1)
        cols_in = unique_names(names)
        text_cols = {roles[r]: str for r in ("state", "clock") if r in roles}
        acc = Columns()
        time_kind = None
        clock: list[tuple[str, float]] = []  # (clock text, test time) of the first and the last good row
        other_states: dict[str, int] = {}
        numeric: list[str] = [r for r in ("time", "current", "voltage", "capacity", "step", "cycle", "record") if r in roles]
        for blk in ts.blocks(cols_in, sep, sorted(set(roles.values())), decimal=decimal, dtype=text_cols):
            df = blk.df
            bad = np.zeros(len(df), dtype=bool)
            vals: dict[str, np.ndarray] = {}
            if time_kind is None:
                time_kind = _time_kind(df[roles["time"]])
            for r in numeric:
                if r == "time" and time_kind == "hms":
                    x, b = hms_seconds_masked(df[roles[r]])
                else:
                    x, b = numbers(df[roles[r]], decimal)
                vals[r] = x
                bad |= b if r == "capacity" else b | np.isnan(x)  # a capacity may be missing (N/A): see _charge
            if "state" in roles:
                vals["state"] = _state_codes(df[roles["state"]], other_states)
            ts.malformed.add(blk.lines[bad], "a missing or non-numeric value in a used column")
            good = ~bad
            for r, x in vals.items():
                acc.add(r, x[good] if bad.any() else x)
            if "clock" in roles and good.any():
                ck = df[roles["clock"]].to_numpy()[good]
                tt = vals["time"][good]
                item = [(str(ck[-1]), float(tt[-1]))]
                clock = (clock[:1] or [(str(ck[0]), float(tt[0]))]) + item
        sha = ts.sha256()
        t = acc.pop("time")
        notes: list[str] = []
        ts.malformed.finish(t.size, notes)
        notes += ts.notes
    if t.size == 0:  # a header and no data lines: an empty record
        header["roles"], header["n_data_rows"] = roles, 0
        e = np.empty(0)
        return build_record(path, "lisse.io.maccor", e, e, e, header=header, notes=notes, metadata=metadata, sha256=sha)
    # --- units
    file_units = {"voltage": header_unit_scale(path, roles["voltage"], "voltage", "V")[1],
                  "current": header_unit_scale(path, roles["current"], "current", "A")[1]}
    if time_kind == "hms":
        t_scale, file_units["time"] = 1.0, "s"
        notes.append(f"test time '{roles['time']}' written as [Nd ]hh:mm:ss text: read as seconds")
    elif header_unit(roles["time"]) is not None:
        t_scale, file_units["time"] = header_unit_scale(path, roles["time"], "time", "s")
    else:
        t_scale, file_units["time"], note = _test_time_unit(path, clock, declared.get("time"))
        notes.append(note)
    if "capacity" in roles:
        file_units["charge"] = header_unit_scale(path, roles["capacity"], "charge", "Ah")[1]
    check_declared_against_file(path, {r: u for r, u in declared.items() if r != "time" or header_unit(roles["time"])},
                                file_units, CYCLING_ROLES)
    if declared:
        from lisse.io.column_units import format_units

        notes.append(f"units declared by the user: {format_units(declared)}; checked against the Maccor file's own units")
    header["units"] = file_units
    header["roles"] = roles
    header["n_data_rows"] = int(t.size)
    t_abs0 = float(t[0]) * t_scale
    t -= t[0]  # in place (records of 10^7 rows): the arrays are this reader's own
    t *= t_scale
    header["test_time_first_row_s"] = t_abs0
    if t_abs0 != 0:
        notes.append(f"time counted from the file's first row, at test time {t_abs0:.10g} s ({_dhms(t_abs0)}); "
                     "raw_header['test_time_first_row_s'] keeps it")
    v = acc.pop("voltage")
    v *= header_unit_scale(path, roles["voltage"], "voltage", "V")[0]
    i = acc.pop("current")
    i *= header_unit_scale(path, roles["current"], "current", "A")[0]
    state = acc.pop("state", np.int8) if "state" in roles else None
    i = _signed_current(i, state, roles.get("state"), other_states, notes)
    kw: dict[str, Any] = {}
    step = acc.pop("step").astype(np.int64) if "step" in roles else np.zeros(t.size, dtype=np.int64)
    cyc_raw = acc.pop("cycle").astype(np.int64) if "cycle" in roles else None
    rec = acc.pop("record").astype(np.int64)
    header["first_record"] = int(rec[0])
    del state
    if "capacity" in roles:
        q_step = acc.pop("capacity")
        q_step *= header_unit_scale(path, roles["capacity"], "charge", "Ah")[0]
        kw["charge_C"], header["charge_check"] = _charge(t, i, q_step, step, cyc_raw, roles["capacity"], notes)
        del q_step
    if cyc_raw is not None:
        kw["cycle"] = _zero_based_cycle(cyc_raw, roles["cycle"], int(rec[0]), t_abs0, notes)
        del cyc_raw
    kw["step"] = step
    start = _start(clock, header["fields"], t_abs0)
    return build_record(path, "lisse.io.maccor", t, v, i, header=header, notes=notes, metadata=metadata, start=start,
                        extra={"record": rec}, sha256=sha, **kw)


#: Maccor state letter -> code: charge +1, discharge -1, rest 0; any other letter (O, S, ...) 2
_STATES = {"C": 1, "D": -1, "R": 0}


def _state_codes(col: Any, other_states: dict[str, int]) -> np.ndarray:
    """int8 state codes of a ``State``/``Md`` column (first letter, case-insensitive); counts the other letters."""
    import pandas as pd

    codes, uniques = pd.factorize(col, use_na_sentinel=False)
    letters = [str(u).strip().upper()[:1] if isinstance(u, str) else "" for u in uniques]
    lut = np.array([_STATES.get(x, 2) for x in letters], dtype=np.int8)
    out = lut[codes] if len(lut) else np.zeros(len(codes), dtype=np.int8)
    for j, x in enumerate(letters):
        if lut[j] == 2:
            other_states[x] = other_states.get(x, 0) + int(np.count_nonzero(codes == j))
    return out


def _time_kind(col: Any) -> str:
    """``"number"`` or ``"hms"`` (``Nd hh:mm:ss`` text), by majority of the values given."""
    import pandas as pd

    from lisse.io._readutil import hms_seconds_masked

    s = pd.Series(col).dropna()
    if len(s) == 0 or pd.api.types.is_numeric_dtype(s):
        return "number"
    if pd.to_numeric(s.astype(str).str.strip().str.replace(",", ".", regex=False), errors="coerce").notna().mean() > 0.5:
        return "number"
    return "hms" if hms_seconds_masked(s)[1].mean() < 0.5 else "number"


def _dhms(s: float) -> str:
    d, rest = divmod(s, 86400.0)
    h, rest = divmod(rest, 3600.0)
    m, sec = divmod(rest, 60.0)
    return f"{int(d)}d {int(h):02d}:{int(m):02d}:{sec:05.2f}"


def _signed_current(i: np.ndarray, state: np.ndarray | None, state_col: str | None, other_states: dict[str, int],
                    notes: list[str]) -> np.ndarray:
    """Signed current (charge positive): as written when the file has negative values, else D rows negated."""
    if state is None:
        notes.append("no State/Md column: current taken as written (signed)")
        return i
    if np.any(i < 0):
        wrong = int(np.count_nonzero((state == 1) & (i < 0)) + np.count_nonzero((state == -1) & (i > 0)))
        notes.append("current signed in the file (rows in state D negative): kept as written"
                     + (f"; {wrong} rows have a sign that disagrees with their state (C/D) in '{state_col}'" if wrong else ""))
        return i
    if np.any(state == -1):
        notes.append(f"current unsigned in the file: made negative in the rows whose '{state_col}' is D (discharge)")
        np.negative(i, out=i, where=state == -1)
    unsigned_other = int(np.count_nonzero((state == 2) & (i != 0)))
    if unsigned_other:
        notes.append(f"{unsigned_other} rows in state(s) {', '.join(sorted(other_states))} carry a current whose sign the "
                     "export does not give: kept positive")
    return i


def _charge(t: np.ndarray, i: np.ndarray, q_step: np.ndarray, step: np.ndarray, cyc: np.ndarray | None, column: str,
            notes: list[str]) -> tuple[np.ndarray, dict[str, Any]]:
    """Cumulative signed charge (C) from Maccor's per-step capacity, checked against the trapezoid integral.

    The capacity restarts at every step (a change of step or cycle number, or a capacity lower than
    the row before); its increments are carried over and take the sign of the current of their row
    (of the row before when the current is 0 there). The first row of the file is charge 0.
    ``q_step`` is that capacity converted to C.
    """
    from lisse.records.cycling import integrate_charge

    q_int = integrate_charge(t, i)
    missing = int(np.count_nonzero(np.isnan(q_step)))
    if missing:
        notes.append(f"charge: {missing} rows have no value in '{column}': charge integrated from the current (trapezoid)")
        return q_int, {"source": "trapezoid integral of the current", "rows_without_capacity": missing}
    # built in place where possible: records of 10^7 rows
    a = np.abs(q_step, out=q_step)
    n = a.size
    new = np.zeros(n, dtype=bool)
    new[1:] = (step[1:] != step[:-1]) | (a[1:] < a[:-1] - np.maximum(1e-12, 1e-6 * a[:-1]))
    if cyc is not None:
        new[1:] |= cyc[1:] != cyc[:-1]
    inc = np.zeros(n)
    np.subtract(a[1:], a[:-1], out=inc[1:])
    inc[1:][new[1:]] = a[1:][new[1:]]
    del new
    passed = float(np.sum(np.abs(inc)))
    sg = np.sign(i).astype(np.int8)
    sg[1:][sg[1:] == 0] = sg[:-1][sg[1:] == 0]  # a row at 0 A takes the sign of the row before
    inc *= sg
    del sg
    q = np.cumsum(inc, out=inc)
    q += 0.0  # no -0.0
    d = q - q_int
    dev = float(np.max(np.abs(d, out=d))) if n else 0.0
    del d
    passed_int = 0.0
    if passed == 0 and n > 1:  # no capacity recorded: the scale from the current
        passed_int = float(np.sum(0.5 * np.abs(i[1:] + i[:-1]) * np.diff(t)))
    scale = max(passed, passed_int)
    check: dict[str, Any] = {"max_abs_difference_C": dev, "charge_passed_C": scale}
    if scale > 0 and dev > CHARGE_CHECK_FRACTION * scale:
        notes.append(f"charge: the '{column}' column carried over the steps differs from the current integral by up to "
                     f"{dev:.4g} C ({100 * dev / scale:.3g} % of the {scale:.4g} C passed): charge integrated from the current instead")
        check["source"] = "trapezoid integral of the current"
        return q_int, check
    notes.append(f"charge from the '{column}' column (capacity of each step, restarting at every step): increments carried "
                 f"over the steps and signed by the current; the trapezoid integral of the current agrees within {dev:.3g} C"
                 + (f" ({100 * dev / scale:.2g} % of the {scale:.4g} C passed)" if scale > 0 else ""))
    check["source"] = column
    return q, check


def _zero_based_cycle(c: np.ndarray, column: str, first_record: int, t_first: float, notes: list[str]) -> np.ndarray:
    """0-based cycles: from the first row when the file starts at the test start, else from the column's convention."""
    one_based_column = column.strip().lower() in ONE_BASED_CYCLE_COLUMNS
    if first_record <= 1 or t_first == 0:
        base = int(c[0])
        if base in (0, 1):
            notes.append(f"cycle column '{column}' starts at {base} at the start of the test: "
                         + ("1 subtracted (0-based in the record)" if base == 1 else "0-based, kept as written"))
            c -= base  # in place: the column is this function's to change
            return c
    shift = 1 if one_based_column else 0
    notes.append(f"cycle column '{column}' in an excerpt (first Rec# {first_record}, first cycle {int(c[0])}): "
                 + ("the MIMS 'Cycle C' counter counts from 1: 1 subtracted" if shift else
                    "Maccor's cycle counter counts from 0: kept as written"))
    c -= shift
    return c


def _clock_time(text: str) -> datetime | None:
    """Maccor's ``DPt Time`` (``10/21/2019 23:59:59`` or ``5/11/2021 3:40:24 PM``) as a UTC-labelled datetime."""
    try:
        return datetime.strptime(_us_ampm(text), "%m/%d/%Y %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _start(clock: list[tuple[str, float]], fields: dict[str, str], t_first: float) -> datetime | None:
    if clock:
        c0 = _clock_time(clock[0][0])
        if c0 is not None:
            return c0
    started = _clock_time(fields.get("Started", ""))
    return started + timedelta(seconds=t_first) if started is not None else None


#: Units Maccor exports use for a test-time column without a unit in its header, with their factor to s.
_TEST_TIME_UNITS = {"s": 1.0, "min": 60.0, "h": 3600.0}


def _test_time_unit(path: Any, clock: list[tuple[str, float]], declared: str | None) -> tuple[float, str, str]:
    """The unit of a header-less ``TestTime`` column, from the export's wall clock or the declared unit.

    Maccor writes ``TestTime`` in seconds or in minutes depending on the export settings, and says
    which nowhere. The data-point clock (``DPt Time``, 1 s resolution) of the first and last rows
    fixes it: the elapsed clock time divided by the elapsed test time must be 1, 60 or 3600 (within
    2 %, and the clock's ±2 s). Without a usable clock the declared unit is used; without either the
    file is refused rather than read in a guessed unit.
    """
    from lisse.io.column_units import CYCLING_ROLES, unit_factor

    from_clock = None
    why = "there is no clock column to fix it"
    if len(clock) == 2:
        c0, c1 = _clock_time(clock[0][0]), _clock_time(clock[1][0])
        dt = clock[1][1] - clock[0][1]
        if c0 is not None and c1 is not None and dt > 0:
            elapsed = (c1 - c0).total_seconds()
            ratio = elapsed / dt
            tol = 0.02 + 2.0 / max(elapsed, 1e-9)
            for unit, factor in _TEST_TIME_UNITS.items():
                if abs(ratio / factor - 1) < tol:
                    from_clock = (factor, unit, ratio)
                    break
            why = f"the DPt Time clock ({elapsed:.0f} s from first to last row) cannot fix it"
            if from_clock is None and elapsed >= 100:
                raise ReaderError(f"Maccor export '{path}': the test time column has no unit and disagrees with the clock "
                                  f"(ratio {ratio:.4g} s per unit, expected 1, 60 or 3600); declare it with --units time=s|min|h")
    if declared is not None:
        factor = unit_factor(declared, "time", CYCLING_ROLES, "declared unit of time")
        if from_clock is not None and abs(factor / from_clock[0] - 1) > 1e-9:
            raise ReaderError(f"Maccor export '{path}': the declared unit time={declared} contradicts the clock, which "
                              f"gives {from_clock[1]} for the test time column")
        return factor, declared, f"test time column has no unit in its header: read in {declared} (declared)"
    if from_clock is not None:
        factor, unit, ratio = from_clock
        return factor, unit, (f"test time column has no unit in its header: read in {unit}, "
                              f"from the DPt Time clock (elapsed clock / test time = {ratio:.4g} s per unit)")
    raise ReaderError(f"Maccor export '{path}': the test time column has no unit in its header and {why} "
                      "(Maccor exports it in s or min); declare it with --units time=s or time=min")


def _us_ampm(s: str) -> str:
    """'5/11/2021 3:40:24 PM' -> '05/11/2021 15:40:24'."""
    m = re.match(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})\s*([AP]M)?", s)
    if not m:
        return s
    mo, d, y, h, mi, se, ap = m.groups()
    h = int(h) % 12 + (12 if ap == "PM" else 0) if ap else int(h)
    return f"{int(mo):02d}/{int(d):02d}/{y} {h:02d}:{mi}:{se}"
