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

The file is streamed (:mod:`lisse.io._delimited`): read once in blocks and hashed while read, so
that peak memory stays under twice the record's arrays (``benchmarks/reader_csv_memory.py``).
Cycle numbers are 0-based in the record (a column without cycle 0 is taken as 1-based); a file with
only time and voltage columns is an open-circuit record (current 0 A); a current-density column (a unit of A/m²
in its header, e.g. ``j/mA cm-2``, ``j (mA/cm2)``, ``I/mA/cm2``, ``Current density [A/m2]``, ``j_mA_cm2``) is read as
current = j x the electrode area given (``area=``, ``--area``) and refused without one; a header without data lines
is an empty record; malformed lines are skipped and counted with their line numbers; a last line
cut short is dropped with a "truncated" note. Each of these is said in ``provenance.notes``.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.errors import ParameterError, ReaderError, UnitError
from lisse.io._readutil import build_record, guarded, looks_binary
from lisse.params import CALIBRATED_COLUMN, NO_CALIBRATED_PARAMETER
from lisse.units import to_si

if TYPE_CHECKING:
    from lisse.records.cycling import CyclingRecord

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


#: lower-case names of current-density columns (unit part removed): with an unreadable unit they are refused, not
#: taken for an open-circuit record
_DENSITY_NAMES = ("j", "current density", "current_density", "currentdensity", "current-density", "i density", "j_cell")
_DENSITY_SUFFIX = re.compile(r"(.+?)_([munpk\u00b5\u03bc]?A)_([cmu]?m2)")


def current_density_unit(unit: str | None) -> bool:
    """Whether a unit is one of current density (A/m², mA/cm², mA cm-2, uA/cm^2 ...).

    Parameters
    ----------
    unit : str or None
        A unit as written in a header (None: no unit).

    Returns
    -------
    bool
        True when ``unit`` parses as a current per area.
    """
    from lisse.io.column_units import normalise_unit

    if not unit:
        return False
    try:
        to_si(f"1 {normalise_unit(unit)}", "A/m2", "column")
    except UnitError:
        return False
    return True


def _density_header(name: str) -> str | None:
    """The current-density unit a header names, or None: ``'j/mA cm-2'``, ``'j (mA/cm2)'``, ``'I/mA/cm2'`` (a unit
    with its own slash), ``'j_mA_cm2'`` (lisse's suffix convention: mA per cm2) -> the unit."""
    s = name.strip().strip('"')
    candidates = [_split(s)[1]]
    candidates += [s[k + 1 :] for k, ch in enumerate(s) if ch == "/" and k > 0]  # 'I/mA/cm2': the unit after each slash
    m = _DENSITY_SUFFIX.fullmatch(s)
    if m:
        candidates.append(f"{m.group(2)}/{m.group(3)}")
    return next((u.strip() for u in candidates if u and current_density_unit(u.strip())), None)


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


def _time_kind(col: Any) -> str:
    """``"number"``, ``"hms"`` (``h:m:s``, ``Nd h:m:s``) or ``"datetime"``: what most values of a time column are.

    Decided from the values given (the first block of a streamed file) by majority, so that one
    malformed cell does not change how the whole column is read.
    """
    import pandas as pd

    from lisse.io._readutil import hms_seconds_masked

    s = pd.Series(col).dropna()
    if len(s) == 0 or (pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s)):
        return "number"
    as_num = pd.to_numeric(s.astype(str).str.strip(), errors="coerce").notna()
    if as_num.mean() > 0.5:
        return "number"
    _, bad = hms_seconds_masked(s)
    return "hms" if bad.mean() < 0.5 else "datetime"


def _resolve_units(path: Any, time_self_describing: bool, roles: dict[str, tuple[str, str | None]], declared: dict[str, str],
                   from_mapping: set[str], defer: str | None = None) -> tuple[dict[str, tuple[str, str | None]], dict[str, str], list[str]]:
    """Give every physical role a unit: from the header (or mapping), else the declared one.

    Returns the roles with units filled in, the source of each unit and provenance notes. The role
    ``defer`` (the current, checked after reading: a unit-less current that is 0 everywhere needs no
    unit) is left without a unit when it is the only one missing.

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
    # a current-density column's unit is not a current's: _density_scale reads it (and refuses a declared current unit)
    header_units = {r: u for r, (c, u) in roles.items() if r in _SI and u and not (r == "current" and current_density_unit(u))}
    check_declared_against_file(path, declared, header_units, CYCLING_ROLES)
    for role in _SI:
        if role not in roles:
            continue
        col, unit = roles[role]
        if unit:
            source[role] = "mapping" if role in from_mapping else "header"
        elif role == "time" and time_self_describing:
            source[role] = "h:m:s or date-time values"
        elif role in declared:
            out[role] = (col, declared[role])
            source[role] = "declared"
        else:
            missing[role] = col
    if missing and set(missing) != {defer}:
        raise ReaderError(missing_units_message(path, missing, CYCLING_ROLES, "cycling"))
    if missing and defer is not None:  # (missing names only `defer` here: anything else was refused above)
        source[defer] = "none (checked after reading)"
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

    Parameters
    ----------
    names : list of str
        The header's column names (with their units, e.g. ``"time/s"``).

    Returns
    -------
    dict of str to (str, str or None)
        Role -> (column name, unit from the header or None). Without a current column, a column whose header unit
        is a current density (``j/mA cm-2``) is the ``current`` role with that unit (the reader converts it with the
        electrode area).
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
    if "current" not in found:  # no current column: a current-density column stands for it (read with the area)
        used = {c for c, _ in found.values()}
        for c in names:
            unit = _density_header(c) if c not in used else None
            if unit is not None:
                found["current"] = (c, unit)
                break
    return found


def _sniff(lines: list[str]) -> str:
    sample = "\n".join(lines[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        return "\t" if "\t" in sample else ("," if "," in sample else ";")


def _header_index(lines: list[str], sep: str, mapping: dict[str, Any] | None) -> int | None:
    """The header: the first line naming time, voltage and current (or the mapped columns), so that a
    preamble such as 'Cell,Li|LLZO|Li' is skipped; else the first line with two named cells."""
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
                return k
    return hdr_k


def _no_current_is_open_circuit(path: Any, names: list[str], roles: dict[str, tuple[str, str | None]]) -> None:
    """A file without a current column is an open-circuit (OCV, rest) record only when no column could be the current.

    Every column must be one recognised as another role, or carry a header unit that is not a current
    unit (``T/degC``); an unrecognised, unit-less column might be the current under another name.

    Raises
    ------
    ReaderError
        Naming the columns that might be the current and how to map it.
    """
    used = {c for c, _ in roles.values()}
    suspects = []
    for c in names:
        if c in used or not c:
            continue
        base, unit = _split(c)
        if unit is None or base in _DENSITY_NAMES:
            suspects.append(c)
            continue
        try:
            to_si(f"1 {unit}", "A", "column")
        except UnitError:
            continue
        suspects.append(c)
    if suspects:
        raise ReaderError(
            f"'{path}': cannot recognise the current column in header {names} (maybe {', '.join(repr(c) for c in suspects)}); "
            "name it with its unit in the header (e.g. 'I/mA'; in Python: mapping={'current': ('col', 'mA')}), or keep only "
            "time and voltage columns for an open-circuit record"
        )


def _density_scale(path: Any, column: str, unit: str, declared: dict[str, str], area: Any, notes: list[str]) -> float:
    """SI factor from a current-density column's values to the current [A]: the unit's A/m² per unit x the area [m²].

    Raises
    ------
    ReaderError
        No electrode area given (naming the column and how to give it), or a declared current unit for the column.
    """
    from lisse.units import as_si

    if "current" in declared:
        raise ReaderError(f"'{path}': the declared unit current={declared['current']} contradicts the file, whose column "
                          f"'{column}' is a current density ({unit}); drop current from the declared units")
    if area is None:
        raise ReaderError(f"'{path}': column '{column}' is a current density ({unit}), not a current; give the electrode "
                          f"area (e.g. --area '0.785 cm2'; Python: area='0.785 cm2') to read it as current = j x area")
    a = as_si(area, "cm2", "area")
    if not 0 < a < np.inf:
        raise ParameterError(f"cell metadata 'area' must be positive; got {area!r}")
    notes.append(f"current = current density column '{column}' ({unit}) x the electrode area {a * 1e4:.6g} cm2")
    return to_si(f"1 {unit}", "A/m2", f"column '{column}'") * a


@guarded("delimited text (CSV/TSV)")
def read_csv_generic(path: str | Path, mapping: dict[str, Any] | None = None, current_sign: int = 1, *,
                     units: Any = None, **metadata: Any) -> CyclingRecord:
    """Read a delimited text file into a :class:`~lisse.records.cycling.CyclingRecord`.

    The file is streamed (:mod:`lisse.io._delimited`): read once, hashed while read, parsed in blocks;
    peak memory stays within about twice the decoded columns.

    Parameters
    ----------
    path : str or Path
        The instrument file (read only, never modified).
    mapping : dict, optional
        role (``time``, ``voltage``, ``current``, ``charge``, ``step``, ``cycle``) -> column name,
        or (column name, unit). Roles not given are recognised from the header.
    current_sign : {1, -1}
        Multiply the current by this (use -1 for instruments with cathodic-positive current).
    units : str or mapping, optional
        Units of columns whose header has none, ``"time=s,voltage=V,current=mA"`` or a mapping
        (:func:`lisse.io.column_units.parse_units`); a unit in the header must agree with it.
    **metadata
        ``area``, ``active_mass``, ``loading``; ``area`` [m², or a string with its unit] also converts a
        current-density column to the current.

    Returns
    -------
    CyclingRecord
        ``cycle`` is 0-based: a cycle column whose smallest value is 1 or more is taken as 1-based
        (most cyclers count from 1) and 1 is subtracted; one that contains 0 is kept. Each is said in a
        note. A file with only time and voltage columns is an open-circuit record (current 0 A, with a
        note); a header without data lines is an empty record (note "no data rows"). Malformed data
        lines are skipped with a counted note naming their line numbers, and a last line cut short is
        dropped with a "truncated" note (see :mod:`lisse.io._delimited`).

    Raises
    ------
    ReaderError
        No header line, no time/voltage column, a current column that cannot be told from the others,
        unknown units, a time/voltage/current/charge column without a unit in its header or in
        ``units`` (a current column that is 0 everywhere needs none), a declared unit contradicting the
        header, more than 1 % malformed lines, a current-density column without ``area`` (or with a declared
        current unit).
    ParameterError
        ``current_sign`` is not 1 or -1, or ``mapping`` names an unknown role.
    """
    from lisse.io._delimited import Columns, TextStream, numbers

    if current_sign not in (1, -1):
        raise ParameterError(f"current_sign must be 1 or -1; got {current_sign!r}")
    fmt = "delimited text"
    with TextStream(path, fmt) as ts:
        if looks_binary(ts.head_bytes(4096)):
            raise ReaderError(f"'{path}' looks binary (NUL or control bytes), not a delimited text file")
        lines = ts.head()
        sep = _sniff(lines)
        hdr_k = _header_index(lines, sep, mapping)
        if hdr_k is None:
            raise ReaderError(f"'{path}': no header line with column names found in the first 200 lines")
        decimal = _decimal(path, "\n".join(lines[hdr_k + 1 :]), sep)
        names = [c.strip().strip('"') for c in lines[hdr_k].split(sep)]
        dup = sorted({c for c in names if c and names.count(c) > 1})
        if dup:
            raise ReaderError(f"'{path}': the header names the column(s) {', '.join(repr(c) for c in dup)} more than once; "
                              "rename them so that each column is unambiguous")
        cols_in = [c if c else f"\x00unnamed{k}" for k, c in enumerate(names)]
        roles = recognise_columns(names)
        from_mapping = set()
        for role, spec in (mapping or {}).items():
            if role not in ALIASES:
                raise ParameterError(f"mapping key '{role}' is not a role; expected one of {sorted(ALIASES)}")
            colname, unit = (spec, None) if isinstance(spec, str) else tuple(spec)
            if colname not in names:
                raise ReaderError(f"'{path}': mapped column '{colname}' for {role} is not in the header {names}")
            if unit is None:
                unit = (_density_header(colname) if role == "current" else None) or _split(colname)[1]
            roles[role] = (colname, unit)
            from_mapping.add(role)
        missing = [r for r in ("time", "voltage") if r not in roles]
        if missing:
            raise ReaderError(
                f"'{path}': cannot recognise the {missing} column(s) in header {names}; name them with their units in the "
                f"header (e.g. 'time/s', 'Ewe/V', 'I/mA'), or in Python pass read_cycling(path, mapping={{'time': ('col', 's'), ...}})"
            )
        notes: list[str] = []
        if "current" not in roles:
            _no_current_is_open_circuit(path, names, roles)
            notes.append("no current column: read as an open-circuit (OCV/rest) record, current 0 A")
        ts.skip_lines(hdr_k + 1)
        header = {"format": "delimited text", "encoding": ts.encoding, "delimiter": sep, "decimal": decimal, "header_line": hdr_k,
                  "preamble": lines[:hdr_k]}
        used = {roles[r][0] for r in roles}
        extra_names = [c for c in cols_in if c not in used and not c.startswith("\x00")]
        blocks = ts.blocks(cols_in, sep, [c for c in cols_in if not c.startswith("\x00")], decimal=decimal)
        first = next(blocks, None)
        if first is None:  # a header and no data lines: an empty record
            if ts.malformed.count:  # data lines, none of them readable
                ts.malformed.finish(0, notes)
            header["roles"] = {r: list(v) for r, v in roles.items()}
            header["units"] = {r: roles[r][1] for r in _SI if r in roles and roles[r][1]}
            header["n_data_rows"] = 0
            notes += ts.notes
            e = np.empty(0)
            return build_record(path, "lisse.io.csv_generic", e, e, e, header=header, notes=notes, metadata=metadata,
                                sha256=ts.sha256())
        tcol, tunit = roles["time"]
        time_kind = _time_kind(first.df[tcol])
        if tunit and time_kind != "number":  # 'Time/h' over '0:00:01' values: the values carry their unit
            roles["time"] = (tcol, None)
            notes.append(f"time column '{tcol}' holds h:m:s or date-time values; its header unit '{tunit}' is not applied")
        roles, unit_source, unit_notes = _resolve_units(path, time_kind != "number", roles, dict(units or {}), from_mapping,
                                                        defer="current")
        notes += unit_notes
        density = "current" in roles and current_density_unit(roles["current"][1])
        scale = {r: _scale(path, r, roles[r][1], roles[r][0]) for r in _SI if r in roles and roles[r][1]
                 and not (r == "time" and time_kind != "number") and not (r == "current" and density)}
        if density:
            from lisse.io.column_units import normalise_unit

            scale["current"] = _density_scale(path, roles["current"][0], normalise_unit(str(roles["current"][1])),
                                              dict(units or {}), metadata.get("area"), notes)
        present = [r for r in ("time", "voltage", "current", "charge", "step", "cycle") if r in roles]
        acc = Columns()
        t0: list[Any] = []  # the first date-time of a date-time time column

        def convert(df: Any) -> tuple[dict[str, np.ndarray], np.ndarray]:
            import pandas as pd

            from lisse.io._readutil import hms_seconds_masked

            out: dict[str, np.ndarray] = {}
            bad = np.zeros(len(df), dtype=bool)
            for r in present:
                c = df[roles[r][0]]
                if r == "time" and time_kind == "hms":
                    x, b = hms_seconds_masked(c)
                elif r == "time" and time_kind == "datetime":
                    dt = pd.to_datetime(c, errors="coerce")
                    b = (dt.isna() & c.notna()).to_numpy()
                    if not t0 and dt.notna().any():
                        t0.append(dt[dt.notna()].iloc[0])
                    x = (dt - t0[0]).dt.total_seconds().to_numpy(dtype=float, na_value=np.nan) if t0 else np.full(len(c), np.nan)
                else:
                    x, b = numbers(c, decimal)
                out[r] = x
                bad |= b | np.isnan(x)
            return out, bad

        for blk in _chain(first, blocks):
            vals, bad = convert(blk.df)
            ts.malformed.add(blk.lines[bad], "a missing or non-numeric time/voltage/current/charge/step/cycle value")
            good = ~bad
            for r, x in vals.items():
                acc.add(r, x[good] if bad.any() else x)
            for c in extra_names:
                v = blk.df[c].to_numpy(copy=True)
                acc.add(c, v[good] if bad.any() else v)
        sha = ts.sha256()
        t = acc.pop("time")
        ts.malformed.finish(t.size, notes)
        notes += ts.notes
    if time_kind == "number":
        t *= scale["time"]
    v = acc.pop("voltage")  # scaled in place: the arrays are this reader's own (records of 10^7 rows)
    v *= scale["voltage"]
    if "current" in roles:
        i = acc.pop("current")
        if "current" in scale:
            i *= scale["current"] * current_sign
        elif np.any(i != 0):
            from lisse.io.column_units import CYCLING_ROLES, missing_units_message

            raise ReaderError(missing_units_message(path, {"current": roles["current"][0]}, CYCLING_ROLES, "cycling"))
        else:
            notes.append(f"current column '{roles['current'][0]}' has no unit and is 0 everywhere: read as 0 A (open circuit)")
    else:
        i = np.zeros(t.size)
    kw: dict[str, Any] = {}
    if "charge" in roles:
        kw["charge_C"] = acc.pop("charge")
        kw["charge_C"] *= scale["charge"] * current_sign  # the same sign convention as the current
    if "step" in roles:
        kw["step"] = acc.pop("step").astype(np.int64)
    if "cycle" in roles:
        kw["cycle"] = _zero_based_cycles(acc.pop("cycle").astype(np.int64), roles["cycle"][0], notes)
    extra = {c: acc.pop(c, object) for c in extra_names}
    if CALIBRATED_COLUMN in extra:  # a table lisse wrote for a prediction (simulate ccd --out): say so, it is no measurement
        named = sorted({n for cell in extra[CALIBRATED_COLUMN] if isinstance(cell, str)
                        for n in cell.split(";") if n and n != NO_CALIBRATED_PARAMETER})
        notes.append(f"column '{CALIBRATED_COLUMN}': a record lisse simulated, not a measurement"
                     + (f"; it rests on the calibrated parameter(s) {', '.join(named)} (fitted to an observation: no evidence "
                        "for that observation)" if named else "; no calibrated parameter"))
    header.update({"roles": {r: list(v) for r, v in roles.items()},
                   "units": {r: roles[r][1] for r in _SI if r in roles and roles[r][1]}, "units_source": unit_source,
                   "n_data_rows": int(t.size)})
    return build_record(path, "lisse.io.csv_generic", t, v, i, header=header, notes=notes, metadata=metadata, extra=extra,
                        sha256=sha, **kw)


def _chain(first: Any, rest: Any) -> Any:
    yield first
    yield from rest


def _zero_based_cycles(c: np.ndarray, column: str, notes: list[str]) -> np.ndarray:
    """The record counts cycles from 0: a column without a cycle 0 is taken as 1-based (most cyclers count
    from 1) and shifted down by 1; a column containing 0 is kept. Either way a note says which."""
    if c.size == 0:
        return c
    lo = int(c.min())
    if lo >= 1:
        notes.append(f"cycle column '{column}' starts at {lo} (no cycle 0): read as 1-based, numbered from 0 in the record (1 subtracted)")
        c -= 1
        return c
    notes.append(f"cycle column '{column}' contains cycle {lo}: read as 0-based, kept as written")
    return c
