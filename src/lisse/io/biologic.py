"""BioLogic EC-Lab / BT-Lab files: ``.mpr`` (binary) and ``.mpt`` (text), written from scratch (BSD).

Two layers:

* low level, format only: :func:`read_mpr` returns ``(columns, header)`` with *all* data columns under
  their EC-Lab names and units (``"time/s"``, ``"Ewe/V"``, ``"I/mA"``, ``"freq/Hz"``, ``"Re(Z)/Ohm"``,
  ``"-Im(Z)/Ohm"``, ``"cycle number"``...), exactly as EC-Lab's own text export names them, and
  :func:`read_mpt` returns ``(pandas.DataFrame, header)`` likewise. The impedance reader reuses these.
* high level: :func:`read_biologic` maps either file to a :class:`~lisse.records.cycling.CyclingRecord`
  (SI units, EC-Lab sign convention: positive current is anodic at the working electrode).

The ``.mpr`` layout
-------------------
A 52-byte magic ``BIO-LOGIC MODULAR FILE\\x1a`` + spaces + 4 zero bytes, then modules. Each module is
``b"MODULE"`` + a header: short name (10 bytes), long name (25 bytes), then either
``length:u4, version:u4, date:8s`` (older files) or, when the first u4 is ``0xFFFFFFFF``,
``0xFFFFFFFF, length:u4, version:u4, revision:u4, date:8s`` (EC-Lab ≥ 11.50). The ``VMP data`` module
holds ``n_points:u4``, the column count and the column IDs, then a packed little-endian record array.
Three layouts of the data module are known:

======================  ==============  ===========  =============
header / version        column count    IDs          data offset
======================  ==============  ===========  =============
old header, version 0   u1 at byte 4    u1 each      100
old header, version 2   u1 at byte 4    u2 each      405
old header, version 3   u1 at byte 4    u2 each      406
new header (rev ≥ 10)   u2 at byte 4    u2 each      1007
======================  ==============  ===========  =============

IDs 1, 2, 3, 21, 31, 65 are bit fields packed together in one ``u1`` "flags" byte (mode = bits 0-1,
ox/red = bit 2, error = bit 3, control changes = bit 4, Ns changes = bit 5, counter inc. = bit 7).
An ID missing from :data:`MPR_COLUMNS` is reported with a warning; when it is the only unknown one,
its width is inferred from the record size (module length / number of points) and the known columns
are still returned; with several unknown IDs the file cannot be laid out and a ReaderError says so.
"""

from __future__ import annotations

import functools
import re
import struct
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import ReaderError
from lisse.io._readutil import (
    check_last_row,
    decode,
    file_sha256,
    guarded,
    jsonable,
    norm_unit_text,
    parse_datetime,
    reader_version,
)

__all__ = ["read_mpr", "read_mpt", "read_biologic", "MPR_COLUMNS", "UnknownColumnWarning"]

MAGIC = b"BIO-LOGIC MODULAR FILE\x1a"
_MAGIC_LEN = 52


class UnknownColumnWarning(UserWarning):
    """An ``.mpr`` column ID that lisse does not know (its data are skipped)."""


_MU = "\u00b5"
#: column ID -> (EC-Lab column name, little-endian numpy dtype). Names follow EC-Lab's text export.
MPR_COLUMNS: dict[int, tuple[str, str]] = {
    4: ("time/s", "<f8"),
    5: ("control/V/mA", "<f4"),
    6: ("Ewe/V", "<f4"),
    7: ("dq/mA.h", "<f8"),
    8: ("I/mA", "<f4"),
    9: ("Ece/V", "<f4"),
    11: ("<I>/mA", "<f8"),
    13: ("(Q-Qo)/mA.h", "<f8"),
    16: ("Analog IN 1/V", "<f4"),
    17: ("Analog IN 2/V", "<f4"),
    19: ("control/V", "<f4"),
    20: ("control/mA", "<f4"),
    23: ("dQ/mA.h", "<f8"),
    24: ("cycle number", "<f8"),
    26: ("Rapp/Ohm", "<f4"),
    27: ("Ewe-Ece/V", "<f4"),
    32: ("freq/Hz", "<f4"),
    33: ("|Ewe|/V", "<f4"),
    34: ("|I|/A", "<f4"),
    35: ("Phase(Z)/deg", "<f4"),
    36: ("|Z|/Ohm", "<f4"),
    37: ("Re(Z)/Ohm", "<f4"),
    38: ("-Im(Z)/Ohm", "<f4"),
    39: ("I Range", "<u2"),
    69: ("R/Ohm", "<f4"),
    70: ("P/W", "<f4"),
    74: ("|Energy|/W.h", "<f8"),
    75: ("Analog OUT/V", "<f4"),
    76: ("<I>/mA", "<f4"),
    77: ("<Ewe>/V", "<f4"),
    78: (f"Cs-2/{_MU}F-2", "<f4"),
    96: ("|Ece|/V", "<f4"),
    98: ("Phase(Zce)/deg", "<f4"),
    99: ("|Zce|/Ohm", "<f4"),
    100: ("Re(Zce)/Ohm", "<f4"),
    101: ("-Im(Zce)/Ohm", "<f4"),
    123: ("Energy charge/W.h", "<f8"),
    124: ("Energy discharge/W.h", "<f8"),
    125: (f"Capacitance charge/{_MU}F", "<f8"),
    126: (f"Capacitance discharge/{_MU}F", "<f8"),
    131: ("Ns", "<u2"),
    163: ("|Estack|/V", "<f4"),
    168: ("Rcmp/Ohm", "<f4"),
    169: (f"Cs/{_MU}F", "<f4"),
    172: (f"Cp/{_MU}F", "<f4"),
    173: (f"Cp-2/{_MU}F-2", "<f4"),
    174: ("<Ewe>/V", "<f4"),
    178: ("(Q-Qo)/C", "<f4"),
    179: ("dQ/C", "<f4"),
    211: ("Q charge/discharge/mA.h", "<f8"),
    212: ("half cycle", "<u4"),
    213: ("z cycle", "<u4"),
    217: ("THD Ewe/%", "<f4"),
    218: ("THD I/%", "<f4"),
    220: ("NSD Ewe/%", "<f4"),
    221: ("NSD I/%", "<f4"),
    223: ("NSR Ewe/%", "<f4"),
    224: ("NSR I/%", "<f4"),
    430: ("Phase(Zwe-ce)/deg", "<f4"),
    431: ("|Zwe-ce|/Ohm", "<f4"),
    432: ("Re(Zwe-ce)/Ohm", "<f4"),
    433: ("-Im(Zwe-ce)/Ohm", "<f4"),
    434: ("(Q-Qo)/C", "<f4"),
    435: ("dQ/C", "<f4"),
    441: ("<Ecv>/V", "<f4"),
    462: ("Temperature/\u00b0C", "<f4"),
    467: ("Q charge/discharge/mA.h", "<f8"),
    468: ("half cycle", "<u4"),
    469: ("z cycle", "<u4"),
    471: ("<Ece>/V", "<f4"),
    473: ("THD Ewe/%", "<f4"),
    474: ("THD I/%", "<f4"),
    476: ("NSD Ewe/%", "<f4"),
    477: ("NSD I/%", "<f4"),
    479: ("NSR Ewe/%", "<f4"),
    480: ("NSR I/%", "<f4"),
}

#: flag column ID -> (name, bit mask in the shared flags byte)
MPR_FLAGS: dict[int, tuple[str, int]] = {
    1: ("mode", 0x03),
    2: ("ox/red", 0x04),
    3: ("error", 0x08),
    21: ("control changes", 0x10),
    31: ("Ns changes", 0x20),
    65: ("counter inc.", 0x80),
}

#: settings-module technique byte -> technique name (only those verified on real files)
TECHNIQUES = {0x04: "GCPL", 0x1D: "PEIS", 0x88: "BCD"}


def _modules(buf: bytes, path: Any) -> list[dict]:
    if len(buf) < _MAGIC_LEN or not buf.startswith(MAGIC):
        raise ReaderError(f"'{path}' is not a BioLogic .mpr file: it does not start with 'BIO-LOGIC MODULAR FILE'")
    pos = _MAGIC_LEN
    mods = []
    view = memoryview(buf)  # module payloads are zero-copy slices of the file buffer
    while pos < len(buf):
        if buf[pos : pos + 6] != b"MODULE":
            raise ReaderError(f"BioLogic .mpr '{path}' is corrupt: expected a 'MODULE' marker at byte {pos}, found {buf[pos : pos + 6]!r}")
        pos += 6
        if pos + 35 + 16 > len(buf):
            raise ReaderError(f"BioLogic .mpr '{path}' is truncated inside a module header at byte {pos}")
        short = buf[pos : pos + 10].decode("latin-1").strip()
        long = buf[pos + 10 : pos + 35].decode("latin-1").strip()
        pos += 35
        (first,) = struct.unpack_from("<I", buf, pos)
        if first == 0xFFFFFFFF:
            if pos + 24 > len(buf):
                raise ReaderError(f"BioLogic .mpr '{path}' is truncated inside the header of module '{short}'")
            _, length, version, revision = struct.unpack_from("<IIII", buf, pos)
            date = buf[pos + 16 : pos + 24].decode("latin-1", errors="replace")
            pos += 24
            new_header = True
        else:
            length, version = struct.unpack_from("<II", buf, pos)
            date = buf[pos + 8 : pos + 16].decode("latin-1", errors="replace")
            revision = None
            pos += 16
            new_header = False
        if pos + length > len(buf):
            raise ReaderError(
                f"BioLogic .mpr '{path}' is truncated: module '{short}' declares {length} bytes but only {len(buf) - pos} remain"
            )
        mods.append(
            {
                "short": short,
                "long": long,
                "length": length,
                "version": version,
                "revision": revision,
                "date": date,
                "new_header": new_header,
                "data": view[pos : pos + length],
            }
        )
        pos += length
    return mods


def _data_layout(mod: dict, path: Any) -> tuple[int, list[int], int]:
    d = mod["data"]
    if len(d) < 8:
        raise ReaderError(f"BioLogic .mpr '{path}': the data module is too short ({len(d)} bytes)")
    (n,) = struct.unpack_from("<I", d, 0)
    if mod["new_header"]:
        (nc,) = struct.unpack_from("<H", d, 4)
        id_off, id_fmt, offsets = 6, "H", [1007]
    else:
        nc = d[4]
        if mod["version"] == 0:
            id_off, id_fmt, offsets = 5, "B", [100]
        elif mod["version"] in (2, 3):
            id_off, id_fmt, offsets = 5, "H", [405 if mod["version"] == 2 else 406]
        else:
            raise ReaderError(f"BioLogic .mpr '{path}': unknown data-module version {mod['version']} (known: 0, 2, 3)")
    size = struct.calcsize(id_fmt)
    if nc == 0 or id_off + size * nc > min(len(d), offsets[0]):
        raise ReaderError(f"BioLogic .mpr '{path}': implausible column count {nc} in the data module")
    ids = list(struct.unpack_from(f"<{nc}{id_fmt}", d, id_off))
    return n, ids, offsets[0]


@guarded("BioLogic .mpr")
def read_mpr(path: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read a BioLogic ``.mpr`` file: every data column under its EC-Lab name, and the header.

    Parameters
    ----------
    path : str or Path

    Returns
    -------
    columns : dict of str to ndarray
        EC-Lab column name (with unit, e.g. ``"Ewe/V"``, ``"freq/Hz"``, ``"Re(Z)/Ohm"``) -> values in
        the file's own units and dtype (flag columns ``mode``, ``ox/red``... as uint8).
    header : dict
        ``modules`` (name, version, date, length), ``column_ids``, ``unknown_column_ids``,
        ``n_points``, ``technique`` (when recognised), ``comments`` (the user's comment from the
        settings module), ``start`` (UTC-aware datetime from the log module, when present and plausible).

    Raises
    ------
    ReaderError
        Not an .mpr file, corrupt or truncated modules, no data module, zero data points, or more
        than one column ID of unknown width.

    Warns
    -----
    UnknownColumnWarning
        For each unknown column ID (its data are skipped, the known columns are returned).
    """
    buf = Path(path).read_bytes()
    mods = _modules(buf, path)
    data_mods = [m for m in mods if m["short"].startswith("VMP data")]
    if not data_mods:
        raise ReaderError(f"BioLogic .mpr '{path}' has no 'VMP data' module (modules: {[m['short'] for m in mods]})")
    dm = data_mods[0]
    n, ids, offset = _data_layout(dm, path)
    if n == 0:
        raise ReaderError(f"BioLogic .mpr '{path}' contains no data points (the data module declares 0 rows)")
    body = len(dm["data"]) - offset
    if body <= 0 or body % n != 0:
        raise ReaderError(
            f"BioLogic .mpr '{path}' is corrupt: {body} data bytes are not a whole number of rows for {n} declared points"
        )
    rowsize = body // n
    fields: list[tuple[str, str]] = []
    flags_seen = False
    flag_ids: list[int] = []
    unknown: list[int] = []
    names_used: dict[str, int] = {}
    for cid in ids:
        if cid in MPR_FLAGS:
            flag_ids.append(cid)
            if not flags_seen:
                fields.append(("__flags", "u1"))
                flags_seen = True
            continue
        if cid in MPR_COLUMNS:
            name, dt = MPR_COLUMNS[cid]
        else:
            unknown.append(cid)
            name, dt = f"__unknown_{cid}", "?"
        if name in names_used:  # keep duplicate names distinct
            names_used[name] += 1
            name = f"{name} ({names_used[name]})"
        else:
            names_used[name] = 1
        fields.append((name, dt))
    known_size = sum(np.dtype(dt).itemsize for _, dt in fields if dt != "?")
    if unknown:
        missing = rowsize - known_size
        if len(unknown) > 1:
            raise ReaderError(
                f"BioLogic .mpr '{path}' has {len(unknown)} unknown column IDs {unknown} ({missing} bytes per row together); "
                "the row layout cannot be inferred - please report these IDs"
            )
        if missing <= 0:
            raise ReaderError(f"BioLogic .mpr '{path}': unknown column ID {unknown[0]} has no room in the {rowsize}-byte record")
        warnings.warn(
            f"BioLogic .mpr '{path}': unknown column ID {unknown[0]} ({missing} bytes per row) skipped; the known columns are returned",
            UnknownColumnWarning,
            stacklevel=3,
        )
        fields = [(nm, f"V{missing}" if dt == "?" else dt) for nm, dt in fields]
    elif known_size != rowsize:
        raise ReaderError(
            f"BioLogic .mpr '{path}': the columns {ids} need {known_size} bytes per row but the file has {rowsize}; "
            "a column width in lisse's table is wrong for this EC-Lab version - please report it"
        )
    dtype = _record_dtype(tuple(fields))
    rec = np.frombuffer(dm["data"], dtype=dtype, count=n, offset=offset)
    cols: dict[str, np.ndarray] = {}
    if flag_ids:
        bits = np.unpackbits(rec["__flags"].reshape(-1, 1), axis=1, bitorder="little")  # (n, 8) in one pass
        for cid in flag_ids:
            name, mask = MPR_FLAGS[cid]
            if mask == 0x03:
                cols[name] = bits[:, 0] + (bits[:, 1] << 1)
            else:
                cols[name] = bits[:, (mask & -mask).bit_length() - 1]
    for name, _ in fields:
        if name == "__flags" or name.startswith("__unknown"):
            continue
        col = rec[name]  # a read-only view into the file buffer: no copy on little-endian machines
        cols[name] = col if col.dtype.isnative else col.astype(col.dtype.newbyteorder("="))
    header = _mpr_header(mods, path)
    header.update({"n_points": int(n), "column_ids": ids, "unknown_column_ids": unknown, "data_offset": offset})
    return cols, header


@functools.lru_cache(maxsize=64)
def _record_dtype(fields: tuple) -> np.dtype:
    return np.dtype(list(fields))


def _mpr_header(mods: list[dict], path: Any) -> dict:
    h: dict[str, Any] = {
        "format": "BioLogic mpr",
        "modules": [{k: m[k] for k in ("short", "long", "length", "version", "revision", "date")} for m in mods],
    }
    sets = [m for m in mods if m["short"].startswith("VMP Set")]
    if sets:
        s = sets[0]["data"]
        if s:
            h["technique_id"] = int(s[0])
            h["technique"] = TECHNIQUES.get(int(s[0]))
            n_c = int(s[7]) if len(s) > 8 else 0  # the comment is a length-prefixed string at byte 7
            h["comments"] = bytes(s[8 : 8 + n_c]).decode("latin-1").strip() if n_c else ""
    logs = [m for m in mods if m["short"].startswith("VMP LOG")]
    if logs:
        d = logs[0]["data"]
        for off in (585, 469):  # OLE date position: 585 in EC-Lab >= 11.3 / BT-Lab, 469 in older files
            if off + 8 <= len(d):
                (ole,) = struct.unpack_from("<d", d, off)
                if np.isfinite(ole) and 32874 < ole < 73051:  # 1990 .. 2100
                    h["start"] = datetime(1899, 12, 30, tzinfo=UTC) + timedelta(days=float(ole))
                    h["start_offset_in_log"] = off
                    break
    return h


# ----------------------------------------------------------------------------------- mpt (text)

_MPT_FIRST = ("EC-Lab ASCII FILE", "BT-Lab ASCII FILE")


@guarded("BioLogic .mpt")
def read_mpt(path: str | Path):
    """Read a BioLogic ``.mpt`` text export: all columns under their EC-Lab names, and the header.

    Handles LF and CRLF line ends, UTF-8 / cp1252 / latin-1 text and decimal commas. Also accepts a
    header-less export whose first line is the tab-separated column names.

    Returns
    -------
    df : pandas.DataFrame
        One column per EC-Lab column (names normalised: the micro sign is ``"\\u00b5"``; empty
        column names are dropped).
    header : dict
        ``lines`` (the raw header lines), ``n_header_lines``, ``encoding``, ``decimal``, ``technique``
        (the technique line), ``start`` (UTC-aware datetime from "Acquisition started on"; the file
        stores local time without a zone, lisse labels it UTC and says so in ``notes``) and the
        ``key : value`` pairs found.

    Raises
    ------
    ReaderError
        Not an EC-Lab/BT-Lab text file, a truncated header, no data rows, non-numeric data.
    """
    import io

    import pandas as pd

    raw = Path(path).read_bytes()
    head = raw[:4096]
    text_head, enc = decode(head if len(raw) > 4096 else raw)
    first = text_head.splitlines()[0].strip() if text_head else ""
    if first in _MPT_FIRST:
        m = re.search(rb"Nb header lines\s*:\s*(\d+)", raw[:400])
        if not m:
            raise ReaderError(f"BioLogic .mpt '{path}': no 'Nb header lines' entry in the first lines")
        nh = int(m.group(1))
        if nh < 3 or nh > 100000:
            raise ReaderError(f"BioLogic .mpt '{path}': implausible header length {nh} lines")
    elif "\t" in first and ("time/s" in first or "freq/Hz" in first or "Ewe/V" in first):
        nh = 1
    else:
        raise ReaderError(f"'{path}' is not a BioLogic .mpt file: first line is {first[:60]!r}, expected 'EC-Lab ASCII FILE'")
    # split off nh lines
    pos = 0
    for _ in range(nh):
        j = raw.find(b"\n", pos)
        if j < 0:
            raise ReaderError(f"BioLogic .mpt '{path}' is truncated: the header declares {nh} lines but the file ends before")
        pos = j + 1
    header_bytes, body = raw[:pos], raw[pos:]
    htext, enc = decode(header_bytes)
    lines = htext.splitlines()
    names = [norm_unit_text(c) for c in lines[-1].rstrip("\r\n").split("\t")]
    while names and not names[-1]:
        names.pop()
    first_row = body.lstrip(b"\r\n").split(b"\n", 1)[0].rstrip(b"\r")
    n_fields = first_row.count(b"\t") + 1
    dropped = [c for c in names[n_fields:] if c]  # named in the header but absent from the rows
    names = names[:n_fields]
    keep = [k for k, c in enumerate(names) if c]
    if not keep:
        raise ReaderError(f"BioLogic .mpt '{path}': the column-name line {lines[-1][:80]!r} is empty")
    if not body.strip():
        raise ReaderError(f"BioLogic .mpt '{path}' has a header but no data rows")
    sample = body[:20000]
    decimal = "," if re.search(rb"\d,\d", sample) and not re.search(rb"\d\.\d", sample) else "."
    df = pd.read_csv(
        io.BytesIO(body),
        sep="\t",
        header=None,
        names=list(range(n_fields)),
        index_col=False,
        usecols=keep,
        decimal=decimal,
        dtype=np.float64,
        engine="c",
        skip_blank_lines=True,
        encoding="latin-1",
    )
    df.columns = [names[k] for k in keep]
    if len(df) == 0:
        raise ReaderError(f"BioLogic .mpt '{path}' has a header but no data rows")
    check_last_row(df, path, "BioLogic .mpt")
    hdr = _mpt_header(lines[:-1])
    hdr.update({"format": "BioLogic mpt", "n_header_lines": nh, "encoding": enc, "decimal": decimal, "columns": list(df.columns), "header_columns_without_data": dropped})
    return df, hdr


def _mpt_header(lines: list[str]) -> dict:
    h: dict[str, Any] = {"lines": lines}
    if len(lines) > 3:
        h["technique"] = lines[3].strip() or None
    pairs = {}
    for ln in lines:
        if " : " in ln:
            k, _, v = ln.partition(" : ")
            k = k.strip()
            if k and k not in pairs:
                pairs[k] = v.strip()
    h["fields"] = pairs
    for key in ("Acquisition started on", "Technique started on"):
        if key in pairs:
            dt = parse_datetime(pairs[key])
            if dt is not None:
                h["start"] = dt
                break
    return h


# ----------------------------------------------------------------------------------- high level


def _first(cols: dict, *names: str):
    for nm in names:
        if nm in cols:
            return nm
    return None


def _to_record(cols: dict[str, np.ndarray], header: dict, path: Any, reader: str, metadata: dict):
    from lisse.records.cycling import CyclingRecord, Provenance

    notes = []
    n = len(next(iter(cols.values())))
    tcol = _first(cols, "time/s")
    if tcol is None:
        raise ReaderError(f"BioLogic file '{path}' has no 'time/s' column; columns: {list(cols)}")
    t = np.asarray(cols[tcol], dtype=float)
    vcol = _first(cols, "Ewe/V", "Ecell/V", "<Ewe>/V", "Ewe-Ece/V")
    if vcol is None:
        raise ReaderError(f"BioLogic file '{path}' has no voltage column (Ewe/V, Ecell/V, <Ewe>/V); columns: {list(cols)}")
    v = np.asarray(cols[vcol], dtype=float)
    icol = _first(cols, "I/mA", "<I>/mA")
    if icol is not None:
        i = np.asarray(cols[icol], dtype=float) * 1e-3
    elif "control/V/mA" in cols and "mode" in cols:
        # GCPL files without an I/mA column: the applied current is the control value in CC mode
        # (mode 1); rest (mode 3) is zero; CV rows (mode 2) take dQ/dt.
        mode = np.asarray(cols["mode"])
        i = np.where(mode == 1, np.asarray(cols["control/V/mA"], dtype=float) * 1e-3, 0.0)
        if np.any(mode == 2):
            q = _first(cols, "(Q-Qo)/mA.h")
            if q is not None:
                dq = np.gradient(np.asarray(cols[q], float) * 3.6, t) if n > 1 else np.zeros(n)
                i = np.where(mode == 2, dq, i)
        notes.append("no I/mA column: current = control/V/mA in CC mode, 0 at rest, d(Q-Qo)/dt in CV mode")
    elif "(Q-Qo)/mA.h" in cols and n > 1:
        i = np.gradient(np.asarray(cols["(Q-Qo)/mA.h"], float) * 3.6, t)
        notes.append("no current column: current = d(Q-Qo)/dt")
    else:
        raise ReaderError(f"BioLogic file '{path}' has no current column (I/mA, <I>/mA or control/V/mA); columns: {list(cols)}")
    qcol = _first(cols, "(Q-Qo)/mA.h")
    charge = np.asarray(cols[qcol], float) * 3.6 if qcol else None
    if qcol is None and "(Q-Qo)/C" in cols:
        charge = np.asarray(cols["(Q-Qo)/C"], float)
    step = np.asarray(cols["Ns"]) if "Ns" in cols else None
    half = None
    if "half cycle" in cols:
        half = np.asarray(cols["half cycle"], dtype=float).astype(np.int64)
        half = half - half.min()
    if "cycle number" in cols:
        cyc = np.asarray(cols["cycle number"], float)
        cyc = np.nan_to_num(cyc).astype(np.int64)
        cyc = cyc - cyc.min()
    elif half is not None:
        cyc = half // 2
    else:
        cyc = None
    used = {tcol, vcol, icol, qcol, "Ns", "half cycle", "cycle number"}
    extra = {}
    for k, val in cols.items():
        if k in used:
            continue
        if k == "Temperature/\u00b0C":
            extra["temperature_K"] = np.asarray(val, float) + 273.15
        else:
            extra[k] = np.asarray(val)
    # the units EC-Lab writes in the column names (checked against units a user declares)
    units = {"time": "s", "voltage": "V"}
    if icol is not None or "control/V/mA" in cols and "mode" in cols:
        units["current"] = "mA"
    if qcol is not None:
        units["charge"] = "mAh"
    elif charge is not None:
        units["charge"] = "C"
    header = {**header, "units": units}
    start = header.get("start")
    if start is not None:
        notes.append("instrument start time is local time without a zone; labelled UTC")
    meta = dict(metadata)
    if "area" not in meta:
        area = _header_area_cm2(header)
        if area is not None:
            meta["area"] = f"{area} cm2"
            notes.append(f"electrode area {area:g} cm2 taken from the file header")
    if "active_mass" not in meta:
        mass = _header_mass_mg(header)
        if mass is not None:
            meta["active_mass"] = f"{mass} mg"
            notes.append(f"active mass {mass} mg taken from the file header")
    prov = Provenance(
        source=str(path),
        sha256=file_sha256(path),
        reader=reader,
        reader_version=reader_version(),
        raw_header=jsonable(header),
        notes=notes,
    )
    return CyclingRecord.from_arrays(
        t,
        v,
        i,
        charge_C=charge,
        step=step,
        cycle=cyc,
        half_cycle=half,
        extra=extra,
        start=start,
        area=meta.get("area"),
        active_mass=meta.get("active_mass"),
        loading=meta.get("loading"),
        provenance=prov,
    )


def _header_area_cm2(header: dict) -> float | None:
    """'Electrode surface area : 113.100 mm²' -> 1.131 (cm²); EC-Lab's default 0.001 means "not set"."""
    s = header.get("fields", {}).get("Electrode surface area")
    if not s:
        return None
    m = re.match(r"([\d.,]+)\s*(cm|mm)", s)
    if not m:
        return None
    try:
        x = float(m.group(1).replace(",", "."))
    except ValueError:
        return None
    if x <= 0.0011:
        return None
    return x / 100.0 if m.group(2) == "mm" else x


def _header_mass_mg(header: dict) -> float | None:
    f = header.get("fields", {})
    s = f.get("Mass of active material")
    if not s:
        return None
    m = re.match(r"([\d.,]+)\s*mg", s)
    if not m:
        return None
    try:
        x = float(m.group(1).replace(",", "."))
    except ValueError:
        return None
    return x if x > 0.0011 else None  # EC-Lab writes 0.001 as "not set"


@guarded("BioLogic .mpr/.mpt")
def read_biologic(path: str | Path, **metadata: Any):
    """Read a BioLogic ``.mpr`` or ``.mpt`` file into a :class:`~lisse.records.cycling.CyclingRecord`.

    Parameters
    ----------
    path : str or Path
    **metadata
        ``area`` [m²], ``active_mass`` [kg], ``loading`` [kg/m²]: SI numbers, or strings with a unit
        (``"0.785 cm2"``, ``"12.5 mg"``). The active mass in the file header is used when none is given.

    Returns
    -------
    CyclingRecord
        Columns in SI; voltage from ``Ewe/V`` (or ``Ecell/V``, ``<Ewe>/V``), current from ``I/mA``
        (or ``<I>/mA``, or the control value in galvanostatic mode), charge from ``(Q-Qo)/mA.h``,
        step from ``Ns``, cycle from ``cycle number`` (else ``half cycle // 2``). Every other
        column is kept under its EC-Lab name.
    """
    p = Path(path)
    with open(p, "rb") as fh:
        head = fh.read(64)
    if head.startswith(MAGIC):
        cols, header = read_mpr(p)
        return _to_record(cols, header, p, "lisse.io.biologic.mpr", metadata)
    df, header = read_mpt(p)
    cols = {c: df[c].to_numpy() for c in df.columns}
    if "mode" in cols:
        cols["mode"] = np.nan_to_num(cols["mode"]).astype(np.uint8)
    return _to_record(cols, header, p, "lisse.io.biologic.mpt", metadata)
