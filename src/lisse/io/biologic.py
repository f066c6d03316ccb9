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
Data column IDs: :data:`MPR_COLUMNS` (name, dtype, unit); newer EC-Lab versions write an older ID
plus a multiple of 256 (486 = 230 + 256, 883 = 115 + 3·256), looked up by the low byte
(:func:`column_spec`). An ID still unknown is reported with a warning; when it is the only unknown
one, its width is inferred from the record size (module length / number of points) and the known
columns are still returned; with several unknown IDs the file cannot be laid out and a ReaderError
lists them.

Every module declares its length, so a file cut short is always recognised: the low-level readers
raise a ReaderError by default; :func:`read_biologic` returns the whole rows before the cut with a
``"truncated: ... byte N ..."`` note (a cut after the data module: all rows and such a note). An
.mpt has no row count: a last line with fewer fields or a shorter number than the row before is
dropped with a note (:func:`parse_mpt`). A complete header with no rows is an empty record whose
note says "no data rows".

From columns to the record
--------------------------
current: ``I/mA`` or ``<I>/mA``; without either, 0 A for the rest techniques (OCV, WAIT) and for
files whose rows are all rests (mode 3), else what EC-Lab exports as ``<I>/mA`` for such files:
the row's ``dq`` over the time since the previous row (:func:`current_from_charge_steps`; equal to
EC-Lab's export to 2e-16 on ``biologic_gcpl_ec1161_aqueous``). Files with none of these are refused.
charge: EC-Lab's ``(Q-Qo)``, carried over where it restarts from zero (:func:`cumulative_charge`),
so that it is cumulative since the start with the sign of the current integral.
"""

from __future__ import annotations

import functools
import re
import struct
import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.errors import ParameterError, ReaderError
from lisse.io._readutil import (
    check_last_row,
    decode,
    guarded,
    jsonable,
    norm_unit_text,
    number_shape,
    parse_datetime,
    read_buffer_hashed,
    reader_version,
)
from lisse.records.cycling import NO_DATA_NOTE

if TYPE_CHECKING:
    from lisse.records.cycling import CyclingRecord

__all__ = [
    "read_mpr",
    "read_mpt",
    "parse_mpr",
    "parse_mpt",
    "read_biologic",
    "column_spec",
    "current_from_charge_steps",
    "cumulative_charge",
    "MPR_COLUMNS",
    "UnknownColumnWarning",
]

MAGIC = b"BIO-LOGIC MODULAR FILE\x1a"
_MAGIC_LEN = 52


class UnknownColumnWarning(UserWarning):
    """An ``.mpr`` column ID that lisse does not know (its data are skipped)."""


_MU = "\u00b5"
_DEG = "\u00b0"
#: column ID -> (EC-Lab column name, little-endian numpy dtype, unit of the values or None).
#: Names follow EC-Lab's text export. Sources: the ID maps of galvani (``galvani/BioLogic.py``, 0.5)
#: and yadg (``extractors/eclab/mpr_columns.py``) used as a map of what exists, checked against the
#: .mpr/.mpt pairs in the shared test data where one exists. IDs >= 256 not listed here are looked up
#: by their low byte (:func:`column_spec`).
MPR_COLUMNS: dict[int, tuple[str, str, str | None]] = {
    4: ("time/s", "<f8", "s"),
    5: ("control/V/mA", "<f4", "V/mA"),
    6: ("Ewe/V", "<f4", "V"),
    7: ("dq/mA.h", "<f8", "mA.h"),
    8: ("I/mA", "<f4", "mA"),
    9: ("Ece/V", "<f4", "V"),
    11: ("<I>/mA", "<f8", "mA"),
    13: ("(Q-Qo)/mA.h", "<f8", "mA.h"),
    15: ("Phase(Z1)/deg", "<f4", "deg"),
    16: ("Analog IN 1/V", "<f4", "V"),
    17: ("Analog IN 2/V", "<f4", "V"),
    19: ("control/V", "<f4", "V"),
    20: ("control/mA", "<f4", "mA"),
    23: ("dQ/mA.h", "<f8", "mA.h"),
    24: ("cycle number", "<f8", None),
    26: ("Rapp/Ohm", "<f4", "Ohm"),
    27: ("Ewe-Ece/V", "<f4", "V"),
    32: ("freq/Hz", "<f4", "Hz"),
    33: ("|Ewe|/V", "<f4", "V"),
    34: ("|I|/A", "<f4", "A"),
    35: ("Phase(Z)/deg", "<f4", "deg"),
    36: ("|Z|/Ohm", "<f4", "Ohm"),
    37: ("Re(Z)/Ohm", "<f4", "Ohm"),
    38: ("-Im(Z)/Ohm", "<f4", "Ohm"),
    39: ("I Range", "<u2", None),
    45: ("|Z1|/Ohm", "<f4", "Ohm"),
    46: ("|Z2|/Ohm", "<f4", "Ohm"),
    69: ("R/Ohm", "<f4", "Ohm"),
    70: ("P/W", "<f4", "W"),
    74: ("|Energy|/W.h", "<f8", "W.h"),
    75: ("Analog OUT/V", "<f4", "V"),
    76: ("<I>/mA", "<f4", "mA"),
    77: ("<Ewe>/V", "<f4", "V"),
    78: (f"Cs-2/{_MU}F-2", "<f4", f"{_MU}F-2"),
    96: ("|Ece|/V", "<f4", "V"),
    98: ("Phase(Zce)/deg", "<f4", "deg"),
    99: ("|Zce|/Ohm", "<f4", "Ohm"),
    100: ("Re(Zce)/Ohm", "<f4", "Ohm"),
    101: ("-Im(Zce)/Ohm", "<f4", "Ohm"),
    105: ("-Im(Z1)/Ohm", "<f4", "Ohm"),
    106: ("-Im(Z2)/Ohm", "<f4", "Ohm"),
    110: ("Energy ce/W.h", "<f8", "W.h"),
    112: ("Energy we/W.h", "<f8", "W.h"),
    115: ("Energy ce charge/W.h", "<f8", "W.h"),
    116: ("Energy ce discharge/W.h", "<f8", "W.h"),
    123: ("Energy charge/W.h", "<f8", "W.h"),
    124: ("Energy discharge/W.h", "<f8", "W.h"),
    125: (f"Capacitance charge/{_MU}F", "<f8", f"{_MU}F"),
    126: (f"Capacitance discharge/{_MU}F", "<f8", f"{_MU}F"),
    131: ("Ns", "<u2", None),
    135: ("<E1>/V", "<f4", "V"),
    136: ("<E2>/V", "<f4", "V"),
    163: ("|Estack|/V", "<f4", "V"),
    166: ("Phase(Zstack)/deg", "<f4", "deg"),
    167: ("|Zstack|/Ohm", "<f4", "Ohm"),
    168: ("Rcmp/Ohm", "<f4", "Ohm"),
    169: (f"Cs/{_MU}F", "<f4", f"{_MU}F"),
    172: (f"Cp/{_MU}F", "<f4", f"{_MU}F"),
    173: (f"Cp-2/{_MU}F-2", "<f4", f"{_MU}F-2"),
    174: ("<Ewe>/V", "<f4", "V"),  # Phase(Zwe-ce)/deg when 6 or 77 is present too (_CONFLICTS)
    175: ("|Zwe-ce|/Ohm", "<f4", "Ohm"),
    176: ("Re(Zwe-ce)/Ohm", "<f4", "Ohm"),
    177: ("-Im(Zwe-ce)/Ohm", "<f4", "Ohm"),
    178: ("(Q-Qo)/C", "<f4", "C"),
    179: ("dQ/C", "<f4", "C"),
    182: ("step time/s", "<f8", "s"),
    185: ("<Ece>/V", "<f4", "V"),
    206: (f"Temperature/{_DEG}C", "<f4", f"{_DEG}C"),
    211: ("Q charge/discharge/mA.h", "<f8", "mA.h"),
    212: ("half cycle", "<u4", None),
    213: ("z cycle", "<u4", None),
    215: ("<Ece>/V", "<f4", "V"),
    217: ("THD Ewe/%", "<f4", "%"),
    218: ("THD I/%", "<f4", "%"),
    219: ("THD Ece/%", "<f4", "%"),
    220: ("NSD Ewe/%", "<f4", "%"),
    221: ("NSD I/%", "<f4", "%"),
    222: ("NSD Ece/%", "<f4", "%"),
    223: ("NSR Ewe/%", "<f4", "%"),
    224: ("NSR I/%", "<f4", "%"),
    225: ("NSR Ece/%", "<f4", "%"),
    **{230 + k: (f"|Ewe h{k + 2}|/V", "<f4", "V") for k in range(6)},
    **{236 + k: (f"|I h{k + 2}|/A", "<f4", "A") for k in range(6)},
    **{242 + k: (f"|Ece h{k + 2}|/V", "<f4", "V") for k in range(6)},
    248: ("Rac/Ohm", "<f4", "Ohm"),
    249: ("Rdc/Ohm", "<f4", "Ohm"),
    253: ("Acir/Dcir Control", "<u1", None),
    # IDs >= 256 with a meaning of their own (not the low byte's), as galvani lists them
    271: ("Phase(Z1)/deg", "<f4", "deg"),
    272: ("Phase(Z2)/deg", "<f4", "deg"),
    301: ("|Z1|/Ohm", "<f4", "Ohm"),
    302: ("|Z2|/Ohm", "<f4", "Ohm"),
    331: ("Re(Z1)/Ohm", "<f4", "Ohm"),
    332: ("Re(Z2)/Ohm", "<f4", "Ohm"),
    361: ("-Im(Z1)/Ohm", "<f4", "Ohm"),
    362: ("-Im(Z2)/Ohm", "<f4", "Ohm"),
    391: ("<E1>/V", "<f4", "V"),
    392: ("<E2>/V", "<f4", "V"),
    422: ("Phase(Zstack)/deg", "<f4", "deg"),
    423: ("|Zstack|/Ohm", "<f4", "Ohm"),
    424: ("Re(Zstack)/Ohm", "<f4", "Ohm"),
    425: ("-Im(Zstack)/Ohm", "<f4", "Ohm"),
    426: ("<Estack>/V", "<f4", "V"),
    430: ("Phase(Zwe-ce)/deg", "<f4", "deg"),
    431: ("|Zwe-ce|/Ohm", "<f4", "Ohm"),
    432: ("Re(Zwe-ce)/Ohm", "<f4", "Ohm"),
    433: ("-Im(Zwe-ce)/Ohm", "<f4", "Ohm"),
    436: ("Ewe/V", "<f4", "V"),  # EC-Lab Express (galvani issue 120)
    441: ("<Ecv>/V", "<f4", "V"),
    471: ("<Ece>/V", "<f4", "V"),
    498: ("Q charge/mA.h", "<f8", "mA.h"),
    499: ("Q discharge/mA.h", "<f8", "mA.h"),
    500: ("step time/s", "<f8", "s"),
    501: ("Efficiency/%", "<f8", "%"),
    502: ("Capacity/mA.h", "<f8", "mA.h"),
}

#: (ID, ID also present) -> the meaning the ID has then (yadg's conflict map: 174 is a phase in EIS files)
_CONFLICTS: dict[tuple[int, int], tuple[str, str, str | None]] = {
    (174, 6): ("Phase(Zwe-ce)/deg", "<f4", "deg"),
    (174, 77): ("Phase(Zwe-ce)/deg", "<f4", "deg"),
}

#: IDs at or above this are not looked up by their low byte (nothing like them has been seen)
_MAX_SHIFTED_ID = 1024


def column_spec(cid: int, ids: Any = ()) -> tuple[str, str, str | None] | None:
    """``(name, dtype, unit)`` of an .mpr data column ID, or None when unknown.

    EC-Lab >= 11.3 writes many columns under an ID >= 256 whose low byte is the older ID of the
    same column (467 = 211 + 256 is "Q charge/discharge/mA.h", 486 = 230 + 256 "|Ewe h2|/V",
    883 = 115 + 3·256 "Energy ce charge/W.h"; yadg reads IDs modulo 256 since its PR 237). An ID
    listed in :data:`MPR_COLUMNS` is taken as listed; otherwise an ID below 1024 is looked up by
    its low byte. ``ids`` (all IDs of the file) resolves the conflicts of :data:`_CONFLICTS`.

    Parameters
    ----------
    cid : int
        The column ID (an index into EC-Lab's column table).
    ids : iterable of int, default ()
        All column IDs of the file (each an index into the column table).

    Returns
    -------
    tuple of (str, str, str or None) or None
        ``(name, numpy dtype, unit)``, or None when the ID is unknown.
    """
    for other in ids:
        hit = _CONFLICTS.get((cid, int(other)))
        if hit is not None:
            return hit
    spec = MPR_COLUMNS.get(cid)
    if spec is None and 256 <= cid < _MAX_SHIFTED_ID:
        spec = MPR_COLUMNS.get(cid & 0xFF)
    return spec


#: flag column ID -> (name, bit mask in the shared flags byte)
MPR_FLAGS: dict[int, tuple[str, int]] = {
    1: ("mode", 0x03),
    2: ("ox/red", 0x04),
    3: ("error", 0x08),
    21: ("control changes", 0x10),
    31: ("Ns changes", 0x20),
    65: ("counter inc.", 0x80),
}

#: settings-module technique byte -> technique name (yadg's technique map; 0x04, 0x0B, 0x1D, 0x7F and
#: 0x88 verified on the shared files)
TECHNIQUES = {0x04: "GCPL", 0x06: "CV", 0x0B: "OCV", 0x16: "MP", 0x18: "CA", 0x19: "CP", 0x1C: "WAIT", 0x1D: "PEIS",
              0x1E: "GEIS", 0x30: "CV", 0x32: "ZIR", 0x33: "CVA", 0x6C: "LSV", 0x75: "coV", 0x76: "coC",
              0x77: "GCPL", 0x7F: "MB", 0x88: "BCD"}

#: techniques that pass no current (the record's current is 0 A when the file has no current column)
REST_TECHNIQUES = {"OCV", "WAIT"}
#: the same, as the technique line of an .mpt header
_REST_TECHNIQUE_LINES = {"Open Circuit Voltage": "OCV", "Wait": "WAIT"}


def _modules(buf: bytes | bytearray | memoryview, path: Any) -> tuple[list[dict], dict | None]:
    """Split an .mpr into modules: ``(modules, truncation)``.

    Every module header declares the length of its payload. A file that ends inside a module
    (header or payload) is truncated: ``truncation`` is then ``{"module", "offset", "declared",
    "available"}`` and the last module keeps the bytes that remain (``"truncated": True``), so that
    the caller can read the whole rows that are there and say where the file ends.
    """
    view = memoryview(buf).cast("B")  # module payloads are zero-copy slices of the file buffer
    if len(view) < _MAGIC_LEN or bytes(view[: len(MAGIC)]) != MAGIC:
        raise ReaderError(f"'{path}' is not a BioLogic .mpr file: it does not start with 'BIO-LOGIC MODULAR FILE'")
    pos = _MAGIC_LEN
    mods: list[dict] = []
    buf = view  # bytes, bytearray or a numpy byte buffer: index it through one byte view
    size = len(buf)
    while pos < size:
        if bytes(buf[pos : pos + 6]) != b"MODULE":
            if size - pos < 6 and b"MODULE".startswith(bytes(buf[pos:])):
                return mods, {"module": "(next module marker)", "offset": pos, "declared": 6, "available": size - pos}
            raise ReaderError(f"BioLogic .mpr '{path}' is corrupt: expected a 'MODULE' marker at byte {pos}, found {bytes(buf[pos : pos + 6])!r}")
        start = pos
        pos += 6
        if pos + 35 + 16 > size:
            return mods, {"module": "(module header)", "offset": start, "declared": 51, "available": size - pos}
        short = bytes(buf[pos : pos + 10]).decode("latin-1").strip()
        long = bytes(buf[pos + 10 : pos + 35]).decode("latin-1").strip()
        pos += 35
        (first,) = struct.unpack_from("<I", buf, pos)
        if first == 0xFFFFFFFF:
            if pos + 24 > size:
                return mods, {"module": short, "offset": start, "declared": 24, "available": size - pos}
            _, length, version, revision = struct.unpack_from("<IIII", buf, pos)
            date = bytes(buf[pos + 16 : pos + 24]).decode("latin-1", errors="replace")
            pos += 24
            new_header = True
        else:
            length, version = struct.unpack_from("<II", buf, pos)
            date = bytes(buf[pos + 8 : pos + 16]).decode("latin-1", errors="replace")
            revision = None
            pos += 16
            new_header = False
        truncated = pos + length > size
        mods.append(
            {
                "short": short,
                "long": long,
                "length": length,
                "version": version,
                "revision": revision,
                "date": date,
                "new_header": new_header,
                "offset": pos,
                "truncated": truncated,
                "data": view[pos : min(pos + length, size)],
            }
        )
        if truncated:
            return mods, {"module": short, "offset": pos, "declared": length, "available": size - pos}
        pos += length
    return mods, None


def _data_layout(mod: dict, path: Any) -> tuple[int, list[int], int]:
    d = mod["data"]
    if len(d) < 8:
        raise ReaderError(f"BioLogic .mpr '{path}': the data module is too short ({len(d)} bytes)")
    (n,) = struct.unpack_from("<I", d, 0)
    if mod["new_header"]:
        (nc,) = struct.unpack_from("<H", d, 4)
        id_off, id_fmt, offset = 6, "H", 1007
    else:
        nc = d[4]
        if mod["version"] == 0:
            id_off, id_fmt, offset = 5, "B", 100
        elif mod["version"] in (2, 3):
            id_off, id_fmt, offset = 5, "H", 405 if mod["version"] == 2 else 406
        else:
            raise ReaderError(f"BioLogic .mpr '{path}': unknown data-module version {mod['version']} (known: 0, 2, 3)")
    size = struct.calcsize(id_fmt)
    if nc == 0 or id_off + size * nc > min(len(d), offset):
        if len(d) < offset and mod["truncated"]:
            raise ReaderError(f"BioLogic .mpr '{path}' is truncated inside the header of its data module (byte {mod['offset'] + len(d)})")
        raise ReaderError(f"BioLogic .mpr '{path}': implausible column count {nc} in the data module")
    ids = list(struct.unpack_from(f"<{nc}{id_fmt}", d, id_off))
    return n, ids, offset


def _row_fields(ids: list[int], rowsize: int | None, path: Any) -> tuple[list[tuple[str, str]], list[int], list[int], dict[str, str]]:
    """numpy fields of one row, the flag IDs, the unknown IDs and the unit of each named column."""
    fields: list[tuple[str, str]] = []
    flag_ids: list[int] = []
    unknown: list[int] = []
    units: dict[str, str] = {}
    names_used: dict[str, int] = {}
    for cid in ids:
        if cid in MPR_FLAGS:
            flag_ids.append(cid)
            if ("__flags", "u1") not in fields:
                fields.append(("__flags", "u1"))
            continue
        spec = column_spec(cid, ids)
        if spec is None:
            unknown.append(cid)
            name, dt, unit = f"__unknown_{cid}", "?", None
        else:
            name, dt, unit = spec
        if name in names_used:  # keep duplicate names distinct
            names_used[name] += 1
            name = f"{name} ({names_used[name]})"
        else:
            names_used[name] = 1
        if unit is not None:
            units[name] = unit
        fields.append((name, dt))
    known_size = sum(np.dtype(dt).itemsize for _, dt in fields if dt != "?")
    if unknown and rowsize is None:  # 0 rows: nothing to lay out; the unknown IDs are listed in the header
        return [f for f in fields if f[1] != "?"], flag_ids, unknown, units
    if unknown and rowsize is not None:  # (unknown IDs with rowsize None returned above)
        width = rowsize - known_size
        if len(unknown) > 1:
            raise ReaderError(
                f"BioLogic .mpr '{path}' has {len(unknown)} column ID(s) {unknown} of unknown width"
                + f" ({width} bytes per row together)"
                + "; the row layout cannot be inferred - please report these IDs"
            )
        if width <= 0:
            raise ReaderError(f"BioLogic .mpr '{path}': unknown column ID {unknown[0]} has no room in the {rowsize}-byte record")
        warnings.warn(
            f"BioLogic .mpr '{path}': unknown column ID {unknown[0]} ({width} bytes per row) skipped; the known columns are returned",
            UnknownColumnWarning,
            stacklevel=4,
        )
        fields = [(nm, f"V{width}" if dt == "?" else dt) for nm, dt in fields]
    elif rowsize is not None and known_size != rowsize:
        raise ReaderError(
            f"BioLogic .mpr '{path}': the columns {ids} need {known_size} bytes per row but the file has {rowsize}; "
            "a column width in lisse's table is wrong for this EC-Lab version - please report it"
        )
    return fields, flag_ids, unknown, units


@guarded("BioLogic .mpr")
def read_mpr(path: str | Path, *, partial: bool = False) -> tuple[dict[str, np.ndarray], dict]:
    """Read a BioLogic ``.mpr`` file: every data column under its EC-Lab name, and the header.

    Parameters
    ----------
    path : str or Path
        The instrument file (read only, never modified).
    partial : bool
        What to do with a truncated file (one that ends before a module's declared length): False
        (default) raises a ReaderError; True returns the whole rows before the cut, with a
        ``"truncated ..."`` note in ``header["notes"]`` giving the byte offset.

    Returns
    -------
    columns : dict of str to ndarray
        EC-Lab column name (with unit, e.g. ``"Ewe/V"``, ``"freq/Hz"``, ``"Re(Z)/Ohm"``) -> values in
        the file's own units [the unit in the name] and dtype (flag columns ``mode``, ``ox/red``... as uint8). Empty arrays
        when the data module holds 0 points.
    header : dict
        ``modules`` (name, version, date, length), ``column_ids``, ``unknown_column_ids``,
        ``column_units`` (name -> unit), ``n_points`` (declared), ``n_read``, ``technique`` (when
        recognised), ``comments`` (the user's comment from the settings module), ``start``
        (UTC-aware datetime from the log module, when present and plausible), ``notes``
        (``"truncated ..."`` with the byte offset where the file ends, when it does; ``"no data
        rows ..."`` for 0 points) and ``truncated`` (dict, when truncated).

    Raises
    ------
    ReaderError
        Not an .mpr file, corrupt modules, no data module, a data size that does not fit the declared
        points, more than one column ID of unknown width, a file cut inside the data-module header.

    Warns
    -----
    UnknownColumnWarning
        For an unknown column ID whose width follows from the record size (its data are skipped).
    """
    return parse_mpr(Path(path).read_bytes(), path, partial=partial)


def parse_mpr(buf: bytes | bytearray | memoryview, path: Any = "<bytes>", *, partial: bool = False) -> tuple[dict[str, np.ndarray], dict]:
    """:func:`read_mpr` on the bytes of a file already in memory (``path`` names it in messages).

    Parameters
    ----------
    buf : bytes, bytearray or memoryview
        The file's bytes.
    path : str, default "<bytes>"
        Name used in messages.
    partial : bool, default False
        Return the whole rows before a cut instead of raising (see :func:`read_mpr`).

    Returns
    -------
    columns : dict of str to numpy.ndarray
        EC-Lab column name (with unit) -> values in the file's own units [the unit in the name].
    header : dict
        See :func:`read_mpr`.

    Raises
    ------
    ReaderError
        Not an .mpr file, corrupt, or truncated (unless ``partial``).
    """
    mods, cut = _modules(buf, path)
    if cut is not None and not partial:
        raise ReaderError(
            f"BioLogic .mpr '{path}' is truncated: it ends at byte {cut['offset'] + cut['available']}, inside module "
            f"'{cut['module']}', which declares {cut['declared']} bytes ({cut['available']} present)"
        )
    data_mods = [m for m in mods if m["short"].startswith("VMP data")]
    if not data_mods:
        if cut is not None:
            raise ReaderError(
                f"BioLogic .mpr '{path}' is truncated: it ends at byte {cut['offset'] + cut['available']}, inside module "
                f"'{cut['module']}', before its data module (modules read: {[m['short'] for m in mods]})"
            )
        raise ReaderError(f"BioLogic .mpr '{path}' has no 'VMP data' module (modules: {[m['short'] for m in mods]})")
    dm = data_mods[0]
    n, ids, offset = _data_layout(dm, path)
    notes: list[str] = []
    declared_body = dm["length"] - offset
    if n == 0:
        if declared_body != 0:
            raise ReaderError(f"BioLogic .mpr '{path}' is corrupt: the data module declares 0 points but holds {declared_body} data bytes")
        fields, flag_ids, unknown, units = _row_fields(ids, None, path)
        n_read = 0
    else:
        if declared_body <= 0 or declared_body % n != 0:
            raise ReaderError(
                f"BioLogic .mpr '{path}' is corrupt: {declared_body} data bytes are not a whole number of rows for {n} declared points"
            )
        rowsize = declared_body // n
        fields, flag_ids, unknown, units = _row_fields(ids, rowsize, path)
        n_read = n
        if dm["truncated"]:
            n_read = max(0, (len(dm["data"]) - offset) // rowsize)
            if n_read == 0:
                raise ReaderError(
                    f"BioLogic .mpr '{path}' is truncated: it ends at byte {dm['offset'] + len(dm['data'])}, inside the data "
                    f"module before its first whole row ({n} rows of {rowsize} bytes declared)"
                )
            notes.append(
                f"truncated: the file ends at byte {dm['offset'] + len(dm['data'])}, inside the data module, which declares "
                f"{n} rows of {rowsize} bytes; the {n_read} whole rows before that offset were read"
            )
    if cut is not None and not dm["truncated"]:
        notes.append(
            f"truncated: the file ends at byte {cut['offset'] + cut['available']}, inside module '{cut['module']}' after the data "
            f"(declared {cut['declared']} bytes, {cut['available']} present); all {n} data rows were read"
        )
    dtype = _record_dtype(tuple(fields))
    rec = np.frombuffer(dm["data"], dtype=dtype, count=n_read, offset=offset)
    cols: dict[str, np.ndarray] = {}
    if flag_ids:
        flags = np.ascontiguousarray(rec["__flags"])  # one strided pass; the bit masks then run on 1 byte/row
        for cid in flag_ids:
            name, mask = MPR_FLAGS[cid]
            shift = (mask & -mask).bit_length() - 1
            bits = np.bitwise_and(flags, mask)
            cols[name] = np.right_shift(bits, shift, out=bits) if shift else bits
    for name, _ in fields:
        if name == "__flags" or name.startswith("__unknown"):
            continue
        col = rec[name]  # a read-only view into the file buffer: no copy on little-endian machines
        cols[name] = col if col.dtype.isnative else col.astype(col.dtype.newbyteorder("="))
    header = _mpr_header(mods, path)
    if n == 0:
        notes.append(NO_DATA_NOTE)
    header.update(
        {
            "n_points": int(n),
            "n_read": int(n_read),
            "column_ids": ids,
            "unknown_column_ids": unknown,
            "column_units": units,
            "data_offset": offset,
            "notes": notes,
        }
    )
    if cut is not None:
        header["truncated"] = cut
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
def read_mpt(path: str | Path, *, partial: bool = False):
    """Read a BioLogic ``.mpt`` text export: all columns under their EC-Lab names, and the header.

    Handles LF and CRLF line ends, UTF-8 / cp1252 / latin-1 text and decimal commas. Also accepts a
    header-less export whose first line is the tab-separated column names.

    Parameters
    ----------
    path : str or Path
        The instrument file (read only, never modified).
    partial : bool
        What to do with a last line cut short: False (default) raises a ReaderError; True drops it
        and says so in a ``"truncated ..."`` note in ``header["notes"]``.

    Returns
    -------
    df : pandas.DataFrame
        One column per EC-Lab column (names normalised: the micro sign is ``"\\u00b5"``; empty
        column names are dropped). 0 rows for a complete header-only file (e.g. a WAIT technique).
    header : dict
        ``lines`` (the raw header lines), ``n_header_lines``, ``encoding``, ``decimal``, ``technique``
        (the technique line), ``start`` (UTC-aware datetime from "Acquisition started on"; the file
        stores local time without a zone, lisse labels it UTC and says so in ``notes``), the
        ``key : value`` pairs found, and ``notes`` (``"no data rows ..."`` for a header-only file;
        ``"truncated ..."`` with the row and byte offset when the last line was cut short and dropped).

    Raises
    ------
    ReaderError
        Not an EC-Lab/BT-Lab text file, a header cut short, non-numeric data, a short row that is not
        the file's last line.

    Notes
    -----
    EC-Lab writes no line end after the last row, so a missing final newline is normal. A file cut
    inside its last line is recognised by fewer fields than the row before, or by a last number
    whose format (decimals, exponent digits) differs from the same column in the row before; that
    line is dropped and a note gives its row and byte offset. A cut that leaves a well-formed integer
    (``"1"`` of ``"12"``) or falls just after a line end cannot be seen in a text format without a
    row count.
    """
    return parse_mpt(Path(path).read_bytes(), path, partial=partial)


#: .mpt columns EC-Lab writes as plain integers (all others are floats in scientific notation)
_INT_COLUMNS = {"mode", "ox/red", "error", "control changes", "Ns changes", "counter inc.", "Ns", "I Range", "half cycle", "z cycle"}


def _cut_last_line(body: bytes, names: list[str]) -> int | None:
    """Byte offset (in ``body``) of a last line cut short, or None when it looks complete.

    Compared with the row before (field count, format of the last number). A single data row is
    compared with the column names (field count) and with its own other numbers: EC-Lab writes a
    float column in scientific notation with the same exponent width in every column.
    """
    n_names = len(names)
    end = len(body.rstrip(b" "))
    if end == 0 or body[end - 1 : end] in (b"\n", b"\r"):
        return None  # the file ends with a line end: its last line is complete
    k = body.rfind(b"\n", 0, end)
    last = body[k + 1 : end].rstrip(b"\r")
    j = body.rfind(b"\n", 0, max(k, 0))
    prev = body[j + 1 : k].rstrip(b"\r") if k > 0 else b""
    lf = last.rstrip(b"\t").split(b"\t")
    if not prev.strip():  # a single data row: the column count and the row's own number formats
        if len(lf) < n_names:
            return k + 1
        shapes = [number_shape(f) for f in lf]
        widths = {sh[3] for sh in shapes[:-1] if sh is not None and sh[2]}
        ls = shapes[-1]
        float_column = len(lf) <= n_names and names[len(lf) - 1] not in _INT_COLUMNS
        if widths and float_column and (ls is None or not ls[2] or ls[3] not in widths):
            return k + 1
        return None
    pf = prev.rstrip(b"\t").split(b"\t")
    if len(lf) < len(pf):
        return k + 1
    ps, ls = number_shape(pf[-1]), number_shape(lf[-1])
    if ps is not None and (ps[0] or ps[2]) and ls != ps:
        return k + 1
    return None


def parse_mpt(raw: bytes, path: Any = "<bytes>", *, partial: bool = False):
    """:func:`read_mpt` on the bytes of a file already in memory (``path`` names it in messages).

    Parameters
    ----------
    raw : bytes
        The file's bytes.
    path : str, default "<bytes>"
        Name used in messages.
    partial : bool, default False
        Drop a last line cut short instead of raising (see :func:`read_mpt`).

    Returns
    -------
    df : pandas.DataFrame
        One column per EC-Lab column (values in the file's own units, named with them).
    header : dict
        See :func:`read_mpt`.

    Raises
    ------
    ReaderError
        Not an .mpt file, a malformed header, or a truncated last line (unless ``partial``).
    """
    import io

    import pandas as pd

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
    # split off nh lines; the last one (the column names) may end the file without a line end
    pos = 0
    for k in range(nh):
        j = raw.find(b"\n", pos)
        if j < 0:
            rest = raw[pos:].rstrip(b"\r ")
            if k == nh - 1 and rest.endswith(b"\t"):  # EC-Lab ends the column-name line with a tab
                pos = len(raw)
                break
            raise ReaderError(
                f"BioLogic .mpt '{path}' is truncated: the header declares {nh} lines but the file ends "
                f"{'inside line' if rest else 'before line'} {k + 1} (byte {len(raw)})"
            )
        pos = j + 1
    header_bytes, body = raw[:pos], raw[pos:]
    htext, enc = decode(header_bytes)
    lines = htext.splitlines()
    names = [norm_unit_text(c) for c in lines[-1].rstrip("\r\n").split("\t")]
    while names and not names[-1]:
        names.pop()
    notes: list[str] = []
    if not body.strip():
        keep_names = [c for c in names if c]
        if not keep_names:
            raise ReaderError(f"BioLogic .mpt '{path}': the column-name line {lines[-1][:80]!r} is empty")
        df = pd.DataFrame({c: np.zeros(0) for c in dict.fromkeys(keep_names)})
        notes.append(NO_DATA_NOTE)
        dropped: list[str] = []
        decimal = "."
    else:
        cut = _cut_last_line(body, [c for c in names if c])
        if cut is not None:
            row = sum(1 for ln in body[:cut].splitlines() if ln.strip()) + 1
            if not partial:
                raise ReaderError(
                    f"BioLogic .mpt '{path}' is truncated: its last line (data row {row}, byte {pos + cut}) is cut short "
                    "(fewer fields or an incomplete number than the row before)"
                )
            notes.append(
                f"truncated: the last line (data row {row}, byte {pos + cut}) is cut short "
                f"({len(body) - cut} bytes, fewer fields or an incomplete number than the row before); it was dropped"
            )
            body = body[:cut]
            if not body.strip():
                raise ReaderError(f"BioLogic .mpt '{path}' is truncated: its only data row (byte {pos + cut}) is cut short")
        first_row = body.lstrip(b"\r\n").split(b"\n", 1)[0].rstrip(b"\r")
        n_fields = first_row.count(b"\t") + 1
        dropped = [c for c in names[n_fields:] if c]  # named in the header but absent from the rows
        names = names[:n_fields]
        keep = [k for k, c in enumerate(names) if c]
        if not keep:
            raise ReaderError(f"BioLogic .mpt '{path}': the column-name line {lines[-1][:80]!r} is empty")
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
            notes.append(NO_DATA_NOTE)
        check_last_row(df, path, "BioLogic .mpt")
    hdr = _mpt_header(lines[:-1])
    hdr.update(
        {
            "format": "BioLogic mpt",
            "n_header_lines": nh,
            "encoding": enc,
            "decimal": decimal,
            "columns": list(df.columns),
            "header_columns_without_data": dropped,
            "notes": notes,
        }
    )
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


def _scaled(col: np.ndarray, factor: float) -> np.ndarray:
    """``col`` (any numeric dtype, possibly a strided view into the file) times ``factor`` as float64, in one pass."""
    if factor == 1.0:
        return np.asarray(col, dtype=np.float64)
    return np.multiply(col, factor, dtype=np.float64)


def _technique(header: dict) -> str | None:
    """The technique's short name ("GCPL", "OCV"...) from an .mpr settings byte or an .mpt header line."""
    tech = header.get("technique")
    if not tech:
        return None
    return _REST_TECHNIQUE_LINES.get(tech, tech)


def current_from_charge_steps(time_s: np.ndarray, dq_C: np.ndarray) -> np.ndarray:
    """Current (A) of each row from the charge counted since the previous row, as EC-Lab exports it.

    ``I[k] = dq[k] / (t[k] - t[k-1])`` and ``I[0] = 0`` (a backward difference per row; rows with no
    time step get 0). This is how EC-Lab computes the ``<I>/mA`` it exports for files that store no
    current: checked on ``biologic_gcpl_ec1161_aqueous`` (.mpr without I, .mpt with ``<I>/mA``), where
    it agrees with EC-Lab's column to 2e-16 relative on all 2767 rows.

    Parameters
    ----------
    time_s : ndarray
        Time (s).
    dq_C : ndarray
        Charge passed since the previous row (C), signed (positive = anodic).

    Returns
    -------
    numpy.ndarray
        Current of each row [A], positive = anodic.
    """
    t = np.asarray(time_s, dtype=np.float64)
    dq = np.asarray(dq_C, dtype=np.float64)
    i = np.empty(t.size)  # filled in place: no temporaries of the full length (each costs page faults)
    if t.size:
        i[0] = 0.0
    if t.size > 1:
        step = i[1:]
        np.subtract(t[1:], t[:-1], out=step)
        bad = np.flatnonzero(~(step > 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            np.divide(dq[1:], step, out=step)
        if bad.size:
            step[bad] = 0.0
    return i


def cumulative_charge(q_C: np.ndarray, dq_C: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """EC-Lab's ``Q-Qo`` made cumulative since the start: ``(charge_C, restart_rows)``.

    EC-Lab's ``(Q-Qo)`` restarts from zero on some techniques (a new loop of a modulo-bat sequence:
    ``biologic_mb_issue149`` row 141). A row is a restart when ``Q-Qo`` falls back to the row's own
    charge step ``dq`` (to 0 when there is no ``dq`` column) although the row before held a charge;
    from there the charge carries on from the row before plus ``dq``. Other rows keep EC-Lab's own
    ``Q-Qo`` step (during an impedance step ``dq`` counts less than ``Q-Qo`` does, so a mismatch alone
    is no restart). Tolerance: 1e-6 of the largest ``|Q-Qo|``.

    Parameters
    ----------
    q_C : ndarray
        EC-Lab's ``Q-Qo`` (C).
    dq_C : ndarray or None
        EC-Lab's ``dq`` of each row (C).

    Returns
    -------
    charge_C : numpy.ndarray
        Cumulative charge since the start [C].
    restart_rows : numpy.ndarray
        Index of each row where EC-Lab's ``Q-Qo`` restarted.
    """
    q = np.asarray(q_C, dtype=np.float64)
    if q.size < 2:
        return q, np.zeros(0, dtype=np.int64)
    dq = np.zeros(q.size) if dq_C is None else np.asarray(dq_C, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        hi, lo = float(np.max(q)), float(np.min(q))
    if not (np.isfinite(hi) and np.isfinite(lo)):
        fin = q[np.isfinite(q)]
        hi, lo = (float(fin.max()), float(fin.min())) if fin.size else (0.0, 0.0)
    scale = max(abs(hi), abs(lo))
    tol = 1e-6 * scale + 1e-15
    # candidates first (Q-Qo equal to the row's own step: few rows), then the other conditions on those only
    d = np.subtract(q[1:], dq[1:])
    np.abs(d, out=d)
    cand = np.flatnonzero(d <= tol) + 1
    del d
    jump = q[cand] - (q[cand - 1] + dq[cand])
    keep = (np.abs(jump) > tol) & (np.abs(q[cand - 1]) > tol)
    rows, jump = cand[keep], jump[keep]
    if rows.size == 0:
        return q, rows
    offset = np.zeros(q.size)
    offset[rows] = -jump
    return q + np.cumsum(offset), rows


def _to_record(cols: dict[str, np.ndarray], header: dict, path: Any, reader: str, metadata: dict, sha256: str):
    from lisse.records.cycling import CyclingRecord, Provenance

    notes = list(header.get("notes", []))
    n = len(next(iter(cols.values()))) if cols else 0
    tcol = _first(cols, "time/s")
    if tcol is None:
        raise ReaderError(f"BioLogic file '{path}' has no 'time/s' column; columns: {list(cols)}")
    t = np.ascontiguousarray(cols[tcol], dtype=np.float64)  # one pass over the file's rows; later passes are contiguous
    vcol = _first(cols, "Ewe/V", "Ecell/V", "<Ewe>/V", "Ewe-Ece/V")
    if vcol is None:
        raise ReaderError(f"BioLogic file '{path}' has no voltage column (Ewe/V, Ecell/V, <Ewe>/V); columns: {list(cols)}")
    v = np.ascontiguousarray(cols[vcol], dtype=np.float64)
    technique = _technique(header)
    # the charge step of each row (C) and EC-Lab's Q-Qo (C), when recorded
    dq_col = _first(cols, "dq/mA.h", "dQ/mA.h", "dQ/C")
    dq = None if dq_col is None else _scaled(cols[dq_col], 1.0 if dq_col.endswith("/C") else 3.6)
    qcol = _first(cols, "(Q-Qo)/mA.h", "(Q-Qo)/C")
    q = None if qcol is None else _scaled(cols[qcol], 1.0 if qcol.endswith("/C") else 3.6)
    icol = _first(cols, "I/mA", "<I>/mA")
    current_unit: str | None = "mA"
    if icol is not None:
        i = _scaled(cols[icol], 1e-3)
    elif technique in REST_TECHNIQUES:
        i = np.zeros(n)
        current_unit = None
        notes.append(f"no current column: the {technique} technique passes no current; current = 0 A")
    elif dq is not None:
        i = current_from_charge_steps(t, dq)
        notes.append(
            f"no current column: current = {dq_col} of each row / time since the previous row (0 on the first row), "
            "as EC-Lab computes the <I>/mA it exports for such files"
        )
    elif q is not None and n > 0:
        i = current_from_charge_steps(t, np.diff(q, prepend=q[0]))
        notes.append(
            f"no current column: current = change of {qcol} since the previous row / time since it (0 on the first row), "
            "as EC-Lab computes the <I>/mA it exports for such files"
        )
    elif "mode" in cols and n > 0 and np.all(np.asarray(cols["mode"]) == 3):
        i = np.zeros(n)
        current_unit = None
        notes.append("no current column: every row is a rest (EC-Lab mode 3); current = 0 A")
    elif n == 0:
        i = np.zeros(0)
    else:
        raise ReaderError(
            f"BioLogic file '{path}' has no current column (I/mA, <I>/mA), no charge column (dq/mA.h, (Q-Qo)/mA.h) "
            f"and is not a rest (technique {technique or 'unknown'}, not all rows mode 3); columns: {list(cols)}"
        )
    charge = None
    if q is not None:
        charge, restarts = cumulative_charge(q, dq)
        if restarts.size:
            notes.append(
                f"EC-Lab's {qcol} restarts from zero at {restarts.size} row(s) ({', '.join(map(str, restarts[:5].tolist()))}"
                f"{'...' if restarts.size > 5 else ''}); charge carried over so that it is cumulative since the start"
            )
    elif dq is not None:
        charge = np.cumsum(dq)
        notes.append(f"charge = cumulative sum of {dq_col} (no Q-Qo column)")
    # integer columns: gather the narrow strided values first, then widen (faster than a strided cast)
    step = None
    if "Ns" in cols:
        ns = np.ascontiguousarray(cols["Ns"])
        step = (np.nan_to_num(ns) if ns.dtype.kind == "f" else ns).astype(np.int64)
    half = None
    if "half cycle" in cols and n:
        half = np.ascontiguousarray(cols["half cycle"])
        half = np.nan_to_num(half).astype(np.int64) if half.dtype.kind == "f" else half.astype(np.int64)
        h0 = int(half.min())
        if h0:
            half -= h0
    cyc = None
    if "cycle number" in cols and n:
        cyc = np.nan_to_num(np.asarray(cols["cycle number"], dtype=np.float64)).astype(np.int64)
        c0 = int(cyc.min())
        cyc = cyc - c0
        if c0:
            notes.append(f"cycle = EC-Lab 'cycle number' - {c0} (0-based from the record's first cycle)")
    elif half is not None:
        cyc = np.right_shift(half, 1)  # half >= 0 here: the same as // 2, several times faster
    used = {tcol, vcol, icol, qcol, "Ns", "half cycle", "cycle number"}
    extra = {}
    for k, val in cols.items():
        if k in used:
            continue
        if k == "Temperature/\u00b0C":
            extra["temperature_K"] = np.asarray(val, dtype=np.float64) + 273.15
        else:
            extra[k] = val
    # the units EC-Lab writes in the column names (checked against units a user declares)
    units = {"time": "s", "voltage": "V"}
    if current_unit is not None and (icol is not None or dq is not None or q is not None):
        units["current"] = current_unit
    if qcol is not None:
        units["charge"] = "mAh" if qcol.endswith("mA.h") else "C"
    elif dq_col is not None:
        units["charge"] = "C" if dq_col.endswith("/C") else "mAh"
    header = {**header, "units": units}
    header.pop("notes", None)
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
        sha256=sha256,
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


def read_biologic(path: str | Path, *, kind: str | None = None, **metadata: Any) -> CyclingRecord:
    """Read a BioLogic ``.mpr`` or ``.mpt`` file into a :class:`~lisse.records.cycling.CyclingRecord`.

    Parameters
    ----------
    path : str or Path
        The instrument file (read only, never modified).
    kind : {None, "mpr", "mpt"}
        None (default): binary ``.mpr`` when the file starts with the EC-Lab signature, else text ``.mpt``. ``"mpr"`` or
        ``"mpt"``: the file must be of that kind (a forced ``--format``), else the ReaderError names the kind expected.
    **metadata
        ``area`` [m²], ``active_mass`` [kg], ``loading`` [kg/m²]: SI numbers, or strings with a unit
        (``"0.785 cm2"``, ``"12.5 mg"``). The active mass in the file header is used when none is given.

    Returns
    -------
    CyclingRecord
        Columns in SI; voltage from ``Ewe/V`` (or ``Ecell/V``, ``<Ewe>/V``); current from ``I/mA``
        (or ``<I>/mA``; without either, 0 A for an OCV/WAIT technique or an all-rest file, else
        ``dq`` of each row over the time since the previous row, the ``<I>/mA`` EC-Lab exports:
        :func:`current_from_charge_steps`); charge from ``(Q-Qo)/mA.h`` made cumulative since the
        start (:func:`cumulative_charge`); step from ``Ns``; cycle from ``cycle number`` (else
        ``half cycle // 2``). Every other column is kept under its EC-Lab name. The notes say which
        current was used, and carry the reader's "truncated ..." / "no data rows ..." notes.

    Raises
    ------
    ReaderError
        Not a BioLogic file (not of the ``kind`` asked for), corrupt, no time/voltage column, or no current, charge or
        rest information (an unknown layout).
    ParameterError
        A ``kind`` other than None, ``"mpr"`` or ``"mpt"``.

    Notes
    -----
    The file is read once; its sha256 (provenance) is of the same bytes.
    """
    if kind not in (None, "mpr", "mpt"):  # the caller's error, checked outside the reader's guard
        raise ParameterError(f"parameter 'kind' must be None, 'mpr' or 'mpt'; got {kind!r}")
    return _read_biologic(path, kind=kind, **metadata)


@guarded("BioLogic .mpr/.mpt")
def _read_biologic(path: str | Path, *, kind: str | None, **metadata: Any) -> CyclingRecord:
    p = Path(path)
    buf, sha = read_buffer_hashed(p)  # one read; the provenance hash is of exactly these bytes
    binary = bytes(buf[: len(MAGIC)]) == MAGIC
    if kind == "mpt" and binary:
        raise ReaderError(f"'{path}' is not a BioLogic .mpt file: it is a binary .mpr file (format 'biologic-mpr', or let "
                          "lisse detect the format)")
    if kind == "mpr" or (kind is None and binary):
        cols, header = parse_mpr(buf, p, partial=True)
        return _to_record(cols, header, p, "lisse.io.biologic.mpr", metadata, sha)
    df, header = parse_mpt(bytes(buf), p, partial=True)
    cols = {c: df[c].to_numpy() for c in df.columns}
    if "mode" in cols:
        cols["mode"] = np.nan_to_num(cols["mode"]).astype(np.uint8)
    return _to_record(cols, header, p, "lisse.io.biologic.mpt", metadata, sha)
