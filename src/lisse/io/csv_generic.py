"""Generic delimited text (CSV / TSV / semicolon) with a column mapping, or recognised headers.

Headers of the form ``name/unit``, ``name (unit)``, ``name [unit]`` are recognised without a mapping
when the name is a usual alias (``time``, ``t``, ``Test_Time``, ``Ewe``, ``Ecell``, ``E``,
``Voltage``, ``I``, ``Current``, ...): ``time/s,Ewe/V,I/mA`` just works. The unit in the header is
converted with :func:`lisse.units.to_si`. A time, voltage, current or charge column whose header
carries no unit is refused unless its unit is declared (``units="time=s,voltage=V,current=mA"``, see
:mod:`lisse.io.column_units`): lisse never assumes SI for a bare ``current`` column. A time column
written as ``h:m:s`` or as date-times needs no unit. Give
``mapping={"time": ("Zeit", "min"), "voltage": "U/V", "current": ("Strom", "uA")}`` for other names.
Delimiters (comma, tab, semicolon) and decimal commas are detected; a file mixing ``3.1`` with ``1,800``
(thousands separators) is refused. A time column of ``h:m:s`` or date-time values is never scaled by a
unit in its header. The header is the first line naming time, voltage and current (a preamble is skipped). The sign of the current is taken
as written (positive = anodic at the working electrode); pass ``current_sign=-1`` to flip it.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import ParameterError, ReaderError, UnitError
from lisse.io._readutil import build_record, check_last_row, decode, guarded, hms_to_seconds
from lisse.units import to_si

__all__ = ["read_csv_generic", "recognise_columns", "ALIASES"]

#: role -> lower-case column-name aliases (unit part removed)
ALIASES: dict[str, tuple[str, ...]] = {
    "time": ("time", "t", "test_time", "testtime", "total time", "total_time", "elapsed time", "time_s", "test time"),
    "voltage": ("ewe", "ecell", "e", "u", "v", "voltage", "potential", "cell voltage", "ewe-ece", "<ewe>", "voltage_v"),
    "current": ("i", "current", "<i>", "current_a", "cur"),
    "charge": ("(q-qo)", "q", "charge", "capacity", "q-qo"),
    "step": ("step", "step_index", "step index", "ns", "step number"),
    "cycle": ("cycle", "cycle_index", "cycle index", "cycle number", "cycle_number"),
}
_SI = {"time": "s", "voltage": "V", "current": "A", "charge": "C"}
_UNIT_RE = re.compile(r"^\s*(.*?)\s*(?:/\s*([^/]+?)|\(([^()]*)\)|\[([^\[\]]*)\])\s*$")


def _split(name: str) -> tuple[str, str | None]:
    """'I/mA' -> ('i', 'mA'); 'Voltage (V)' -> ('voltage', 'V'); 'time' -> ('time', None)."""
    s = name.strip().strip('"')
    m = _UNIT_RE.match(s)
    if m and m.group(1):
        unit = next(g for g in m.groups()[1:] if g is not None).strip()
        return m.group(1).strip().lower(), unit.replace("mA.h", "mAh").replace("A.h", "Ah")
    return _split_suffix(s) or (s.lower(), None)


def _split_suffix(s: str) -> tuple[str, str] | None:
    """'current_mA' -> ('current', 'mA'), 'Test_Time_s' -> ('test_time', 's'): only when the part before
    the last underscore is a role alias and the suffix is a unit of that role's dimension."""
    m = re.fullmatch(r"(.+?)_([A-Za-z\u00b5\u03bc]+)", s)
    if m is None:
        return None
    base, unit = m.group(1).strip().lower(), m.group(2)
    role = "time" if base in _TEST_TIME else next((r for r, a in ALIASES.items() if base in a), None)
    if role not in _SI:
        return None
    try:
        to_si(f"1 {unit}", _SI[role], "column")
    except UnitError:
        return None
    return base, unit


def _scale(path: Any, role: str, unit: str | None, column: str) -> float:
    if unit is None or unit == "":
        raise AssertionError(f"lisse bug: no unit resolved for the {role} column '{column}'")  # checked by _resolve_units
    try:
        return to_si(f"1 {unit}", _SI[role], f"column '{column}'")
    except UnitError:
        raise ReaderError(
            f"'{path}': column '{column}' has the unit '{unit}', which is not a {role} unit (e.g. {_SI[role]}); "
            f"correct the header or declare the unit with --units / units="
        ) from None


def find_column(columns: Any, *patterns: str) -> str | None:
    """The first column whose name fully matches one of ``patterns`` (regular expressions, case-insensitive).

    Patterns are tried in order, so put exact names before catch-alls.
    """
    for ptn in patterns:
        for c in columns:
            if re.fullmatch(ptn, str(c), re.I):
                return c
    return None


def header_unit(column: str) -> str | None:
    """The unit a column header names (``'Current(mA)'`` -> ``'mA'``), or None."""
    return _split(column)[1]


def header_unit_scale(path: Any, column: str, role: str, format_unit: str) -> tuple[float, str]:
    """SI factor and unit of a format reader's column: the unit its header names, else the one the format fixes.

    ``Current(mA)``, ``Current/mA``, ``Current [uA]`` and ``current_mA`` carry their unit; a bare
    ``Amps`` or ``Current`` takes ``format_unit`` (the unit the instrument's export format defines).
    """
    from lisse.io.column_units import normalise_unit

    _, unit = _split(column)
    unit = normalise_unit(unit) if unit else format_unit
    return _scale(path, role, unit, column), unit


def _self_describing_time(col: Any) -> bool:
    """True when a time column holds h:m:s or date-time text (its values carry their unit)."""
    import pandas as pd

    return not pd.api.types.is_numeric_dtype(col) and not pd.to_numeric(col, errors="coerce").notna().all()


def _resolve_units(path: Any, df: Any, roles: dict[str, tuple[str, str | None]], declared: dict[str, str],
                   from_mapping: set[str]) -> tuple[dict[str, tuple[str, str | None]], dict[str, str], list[str]]:
    """Give every physical role a unit: from the header (or mapping), else the declared one.

    Returns the roles with units filled in, the source of each unit and provenance notes.

    Raises
    ------
    ReaderError
        A column with neither a header unit nor a declared one (naming all of them and how to declare
        units), or a declared unit that contradicts the header's.
    """

    from lisse.io.column_units import CYCLING_ROLES, check_declared_against_file, missing_units_message

    out = dict(roles)
    source: dict[str, str] = {}
    missing: dict[str, str] = {}
    header_units = {r: u for r, (c, u) in roles.items() if r in _SI and u}
    check_declared_against_file(path, declared, header_units, CYCLING_ROLES)
    for role in _SI:
        if role not in roles:
            continue
        col, unit = roles[role]
        if unit:
            source[role] = "mapping" if role in from_mapping else "header"
        elif role == "time" and _self_describing_time(df[col]):
            source[role] = "h:m:s or date-time values"
        elif role in declared:
            out[role] = (col, declared[role])
            source[role] = "declared"
        else:
            missing[role] = col
    if missing:
        raise ReaderError(missing_units_message(path, missing, CYCLING_ROLES, "cycling"))
    notes = []
    used = {r: out[r][1] for r, src in source.items() if src == "declared"}
    if used:
        notes.append("units declared by the user: " + ", ".join(f"{r}={u} (column '{out[r][0]}')" for r, u in used.items()))
    unused = [r for r in declared if r not in used and r not in header_units]
    if unused:
        notes.append(f"declared units for {', '.join(unused)} not used: no such column in the file, or its values carry their unit (h:m:s)")
    return out, source, notes


_POINT_NUMBER = re.compile(r"[+-]?\d*\.\d+(?:[eE][+-]?\d+)?")
_COMMA_NUMBER = re.compile(r"[+-]?\d*,\d+(?:[eE][+-]?\d+)?")


def _decimal(path: Any, body: str, sep: str) -> str:
    """The decimal mark of a delimited body: ``","`` only when numbers use it and none uses a point.

    A body whose cells hold both ``3.1`` and ``1,800`` is ambiguous (thousands separators, or decimal
    commas beside decimal points) and is refused rather than read 1000x off.

    Raises
    ------
    ReaderError
        Numbers written with a decimal point and numbers written with a comma in the same file.
    """
    if sep == ",":
        return "."
    point = comma = None
    for line in body[:20000].splitlines():
        for cell in line.split(sep):
            c = cell.strip().strip('"')
            if point is None and _POINT_NUMBER.fullmatch(c):
                point = c
            elif comma is None and _COMMA_NUMBER.fullmatch(c):
                comma = c
        if point is not None and comma is not None:
            raise ReaderError(
                f"'{path}': numbers are written both with a decimal point (e.g. '{point}') and with a comma "
                f"(e.g. '{comma}'): thousands separators or decimal commas? Export without thousands separators "
                "and with one decimal mark"
            )
    return "," if comma is not None else "."


#: time columns that count from the start of the test; preferred over a plain ``Time``, which in
#: Neware and Arbin exports is the time within the current step (it restarts at every step)
_TEST_TIME = ("test_time", "testtime", "test time", "total time", "total_time", "elapsed time")


def recognise_columns(names: list[str]) -> dict[str, tuple[str, str | None]]:
    """Map roles to (column, unit) from header names alone; roles not found are absent.

    The first column (in header order) whose name is an alias of a role is taken, except that a
    test-time column (``Total Time``, ``Test_Time``) wins over a plain ``Time`` (a step time).
    """
    found: dict[str, tuple[str, str | None]] = {}
    for c in names:
        base, unit = _split(c)
        if base in _TEST_TIME:
            found["time"] = (c, unit)
            break
    for role, aliases in ALIASES.items():
        for c in names:
            base, unit = _split(c)
            if base in aliases and role not in found:
                if role == "charge" and unit is not None and not re.search(r"(A\.?h|C)$", unit):
                    continue
                found[role] = (c, unit)
    return found


@guarded("delimited text (CSV/TSV)")
def read_csv_generic(path: str | Path, mapping: dict[str, Any] | None = None, current_sign: int = 1, *,
                     units: Any = None, **metadata: Any):
    """Read a delimited text file into a :class:`~lisse.records.cycling.CyclingRecord`.

    Parameters
    ----------
    path : str or Path
    mapping : dict, optional
        role (``time``, ``voltage``, ``current``, ``charge``, ``step``, ``cycle``) -> column name,
        or (column name, unit). Roles not given are recognised from the header.
    current_sign : {1, -1}
        Multiply the current by this (use -1 for instruments with cathodic-positive current).
    units : str or mapping, optional
        Units of columns whose header has none, ``"time=s,voltage=V,current=mA"`` or a mapping
        (:func:`lisse.io.column_units.parse_units`); a unit in the header must agree with it.
    **metadata
        ``area``, ``active_mass``, ``loading``.

    Raises
    ------
    ReaderError
        No header line, no time/voltage/current column, non-numeric values, unknown units, a
        time/voltage/current/charge column without a unit in its header or in ``units``, a declared
        unit contradicting the header.
    """
    import pandas as pd

    if current_sign not in (1, -1):
        raise ParameterError(f"current_sign must be 1 or -1; got {current_sign!r}")
    raw = Path(path).read_bytes()
    if b"\x00" in raw[:4096]:
        raise ReaderError(f"'{path}' looks binary (NUL bytes), not a delimited text file")
    text, enc = decode(raw)
    lines = text.splitlines()
    # header = first line that has a delimiter and at least two non-numeric cells
    sample = "\n".join(lines[:50])
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
        sep = dialect.delimiter
    except csv.Error:
        sep = "\t" if "\t" in sample else ("," if "," in sample else ";")
    # the header: the first line naming time, voltage and current (or the mapped columns), so that a
    # preamble such as 'Cell,Li|LLZO|Li' is skipped; else the first line with two named cells
    hdr_k = None
    wanted = {spec if isinstance(spec, str) else spec[0] for spec in (mapping or {}).values()
              if isinstance(spec, str) or (isinstance(spec, (tuple, list)) and spec and isinstance(spec[0], str))}
    for k, ln in enumerate(lines[:200]):
        cells = [c.strip().strip('"') for c in ln.split(sep)]
        if len(cells) >= 2 and sum(bool(re.search(r"[A-Za-z]", c)) for c in cells) >= 2:
            if hdr_k is None:
                hdr_k = k
            found = recognise_columns(cells)
            if wanted <= set(cells) and all(r in found or r in (mapping or {}) for r in ("time", "voltage", "current")):
                hdr_k = k
                break
    if hdr_k is None:
        raise ReaderError(f"'{path}': no header line with column names found in the first 200 lines")
    body = "\n".join(lines[hdr_k + 1 :])
    decimal = _decimal(path, body, sep)
    names = [c.strip().strip('"') for c in lines[hdr_k].split(sep)]
    dup = sorted({c for c in names if c and names.count(c) > 1})
    if dup:
        raise ReaderError(f"'{path}': the header names the column(s) {', '.join(repr(c) for c in dup)} more than once; "
                          "rename them so that each column is unambiguous")
    import warnings

    with warnings.catch_warnings():  # rows longer than the header (a trailing delimiter): the extra cells are dropped
        warnings.simplefilter("ignore", pd.errors.ParserWarning)
        df = pd.read_csv(io.StringIO(body), sep=sep, header=None, names=names, index_col=False, decimal=decimal, skip_blank_lines=True)
    if len(df) == 0:
        raise ReaderError(f"'{path}' has a header but no data rows")
    check_last_row(df, path, "delimited text")
    roles = recognise_columns(names)
    from_mapping = set()
    for role, spec in (mapping or {}).items():
        if role not in ALIASES:
            raise ParameterError(f"mapping key '{role}' is not a role; expected one of {sorted(ALIASES)}")
        colname, unit = (spec, None) if isinstance(spec, str) else tuple(spec)
        if colname not in df.columns:
            raise ReaderError(f"'{path}': mapped column '{colname}' for {role} is not in the header {names}")
        if unit is None:
            unit = _split(colname)[1]
        roles[role] = (colname, unit)
        from_mapping.add(role)
    missing = [r for r in ("time", "voltage", "current") if r not in roles]
    if missing:
        raise ReaderError(
            f"'{path}': cannot recognise the {missing} column(s) in header {names}; pass mapping={{'time': ('col', 's'), ...}}"
        )

    ignored_note = []
    tcol, tunit = roles["time"]
    if tunit and _self_describing_time(df[tcol]):  # 'Time/h' over '0:00:01' values: the values carry their unit
        roles["time"] = (tcol, None)
        ignored_note.append(f"time column '{tcol}' holds h:m:s or date-time values; its header unit '{tunit}' is not applied")
    roles, unit_source, notes = _resolve_units(path, df, roles, dict(units or {}), from_mapping)
    notes += ignored_note

    def num(role):
        c, u = roles[role]
        col = df[c]
        if role == "time" and _self_describing_time(col):
            try:
                return hms_to_seconds(col)
            except ReaderError:
                dt = pd.to_datetime(col, errors="coerce")
                if dt.isna().any():
                    raise ReaderError(f"'{path}': time column '{c}' is neither numeric, h:m:s nor a date-time") from None
                return (dt - dt.iloc[0]).dt.total_seconds().to_numpy()
        x = pd.to_numeric(col, errors="coerce").to_numpy(float)
        bad = np.isnan(x) & col.notna().to_numpy()
        if bad.any():
            k = int(np.argmax(bad))
            raise ReaderError(f"'{path}': column '{c}' has a non-numeric value {col.iloc[k]!r} at data row {k}")
        return x * _scale(path, role, u, c) if role in _SI else x

    t, v, i = num("time"), num("voltage"), num("current") * current_sign
    kw: dict[str, Any] = {}
    if "charge" in roles:
        kw["charge_C"] = num("charge")
    for r in ("step", "cycle"):
        if r in roles:
            kw[r] = np.nan_to_num(num(r)).astype(np.int64)
    used = {roles[r][0] for r in roles}
    extra = {c: df[c].to_numpy() for c in df.columns if c not in used and c}
    header = {"format": "delimited text", "encoding": enc, "delimiter": sep, "decimal": decimal, "header_line": hdr_k,
              "preamble": lines[:hdr_k], "roles": {r: list(v) for r, v in roles.items()},
              "units": {r: roles[r][1] for r in _SI if r in roles and roles[r][1]}, "units_source": unit_source}
    return build_record(path, "lisse.io.csv_generic", t, v, i, header=header, notes=notes, metadata=metadata, extra=extra, **kw)
