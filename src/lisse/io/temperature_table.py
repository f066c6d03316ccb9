"""Inputs of an impedance temperature series: the list of spectrum files and the temperature table.

A temperature table is a CSV/TSV file with two columns, the file (name, stem, path or spectrum label
``stem#k``) and its temperature; an optional header names the unit of the temperature column
(``T/K``, ``temperature_K``, ``T (degC)``; no unit: °C). Values may also carry a unit (``298 K``,
``25C``). Inline entries ``FILE=T`` follow the same rule (bare number: °C).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from lisse.errors import ParameterError, ReaderError

__all__ = ["read_temperature_table", "temperature_table", "series_files", "SERIES_SUFFIXES"]

#: file suffixes taken from a folder given to ``lisse eis-series`` (other files are skipped)
SERIES_SUFFIXES = (".mpr", ".mpt", ".dta", ".z", ".idf", ".ids", ".txt", ".csv")


def _add(out: dict, key: str, T: float, where: str) -> None:
    if key in out and abs(out[key] - T) > 1e-6:
        raise ParameterError(f"temperature table: '{key}' is given two temperatures, {out[key]:.2f} K and {T:.2f} K ({where})")
    out[key] = T


def _header_unit(cell: str) -> str | None:
    c = cell.strip().lower()
    if re.search(r"(^|[^a-z])k\)?$|_k$|/\s*k$|\[k\]|\(k\)|kelvin", c):
        return "K"
    if re.search(r"degc|°c|celsius|_c$|/\s*c$|\(c\)|\[c\]", c):
        return "degC"
    return None


def read_temperature_table(path: str | Path) -> dict[str, float]:
    """``{file key: temperature [K]}`` from a two-column CSV/TSV table (see module docstring).

    Parameters
    ----------
    path : str or pathlib.Path
        The table file.

    Returns
    -------
    dict of str to float
        File key -> temperature [K].

    Raises
    ------
    ReaderError
        Missing or unreadable file, no rows, or a malformed row.
    ParameterError
        A temperature that cannot be parsed, or one key given two temperatures.
    """
    from lisse.analysis.eis.temperature import parse_temperature
    from lisse.io._readutil import check_path, reading

    check_path(path, "temperature table")
    with reading(str(path), "temperature table"):
        text = Path(path).read_text(encoding="utf-8-sig")
    delim = "\t" if text.count("\t") > text.count(",") else ("," if "," in text else None)
    rows = list(csv.reader(io.StringIO(text), delimiter=delim)) if delim else [ln.split() for ln in text.splitlines()]
    rows = [[c.strip() for c in r] for r in rows if r and any(c.strip() for c in r) and not r[0].lstrip().startswith("#")]
    if not rows:
        raise ReaderError(f"temperature table '{path}': expected rows 'file,temperature', found none")
    unit = None
    try:
        parse_temperature(rows[0][1] if len(rows[0]) > 1 else "", "x")
    except (ParameterError, IndexError):
        unit = _header_unit(rows[0][1]) if len(rows[0]) > 1 else None
        rows = rows[1:]
    out: dict[str, float] = {}
    for i, r in enumerate(rows, start=1):
        if len(r) < 2 or not r[0] or not r[1]:
            raise ReaderError(f"temperature table '{path}' row {i}: expected 'file,temperature', found {','.join(r)!r}")
        v = r[1]
        if unit == "K" and re.fullmatch(r"[-+]?\d+(\.\d*)?([eE][-+]?\d+)?", v):
            v = f"{v} K"
        _add(out, r[0], parse_temperature(v, f"temperature table '{path}' row {i}"), f"'{path}' row {i}")
    return out


def temperature_table(specs) -> dict[str, float]:
    """Merge CLI ``--temperatures`` values: each a table file or an inline ``FILE=T`` (bare T: °C).

    A key given two different temperatures (across files and inline entries) raises ParameterError.

    Parameters
    ----------
    specs : iterable of str or None
        Table files or inline ``FILE=T`` entries (bare T in °C; or with a unit, ``FILE=298 K``).

    Returns
    -------
    dict of str to float
        File key -> temperature [K].

    Raises
    ------
    ParameterError
        A malformed entry, or a key given two temperatures.
    ReaderError
        A table file cannot be read.
    """
    from lisse.analysis.eis.temperature import parse_temperature

    out: dict[str, float] = {}
    for s in specs or ():
        s = str(s)
        if "=" in s and not Path(s).is_file():
            key, val = s.rsplit("=", 1)
            if not key.strip() or not val.strip():
                raise ParameterError(f"--temperatures: expected FILE=T or a table file, found {s!r}")
            _add(out, key.strip(), parse_temperature(val, f"--temperatures {s!r}"), f"--temperatures {s!r}")
        else:
            for k, v in read_temperature_table(s).items():
                _add(out, k, v, f"table '{s}'")
    return out


def series_files(paths) -> list[Path]:
    """The spectrum files of a series: files as given, folders expanded to their impedance files (sorted).

    Parameters
    ----------
    paths : iterable of str or pathlib.Path
        Files and folders.

    Returns
    -------
    list of pathlib.Path
        The spectrum files, in the order given (folders sorted).

    Raises
    ------
    ReaderError
        A folder holds no impedance files.
    ParameterError
        A file is given twice.
    """
    files: list[Path] = []
    for p in paths:
        q = Path(p)
        if q.is_dir():
            found = sorted(x for x in q.iterdir() if x.is_file() and not x.name.startswith(".") and x.suffix.lower() in SERIES_SUFFIXES)
            if not found:
                raise ReaderError(f"folder '{q}': expected impedance files ({', '.join(SERIES_SUFFIXES)}), found none")
            files += found
        else:
            files.append(q)
    seen: set[Path] = set()
    dup = []
    for f in files:
        if f.resolve() in seen:
            dup.append(f)
        seen.add(f.resolve())
    if dup:
        raise ParameterError(f"eis-series: file '{dup[0]}' is given twice")
    return files
