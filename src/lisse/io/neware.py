"""Neware files: binary ``.nda`` / ``.ndax`` (through fastnda, BSD-3) and BTS CSV / xlsx exports.

Sign convention: Neware writes charge current positive and discharge current negative; with the
positive electrode as working electrode this is lisse's convention (positive = anodic at the WE), so
no flip is applied.

Charge: Neware counts charge per step, in two counters (charge and discharge capacity, both
non-negative, reset at the start of every step; older files keep one counter whose sign the step type
gives). ``charge_C`` is the charge passed since the start of the record: within a step the net counter
(charge minus discharge), plus the net counters of all earlier steps at their ends. Rows with zero
current and sign changes inside a step (SIM and pulse steps) therefore neither reset nor flip it.

Binary files need the optional package ``fastnda`` (``pip install fastnda``). A zip archive holding a
single ``.nda``/``.ndax`` is streamed to a temporary folder first, with a hard cap on the bytes written
(:data:`MAX_UNZIPPED_BYTES`, :data:`MAX_UNZIP_RATIO`); zipfile checks every member's CRC-32 as it is read.
An ``.nda`` header states where its data block ends; a file shorter than that is read up to the cut
and the record says ``truncated`` and where in ``provenance.notes``.

Exports (CSV, xlsx) are read by their column names, whatever the layout:

* the BTS "regular" CSV export has three interleaved header levels (cycle rows, step rows starting
  with one comma, record rows starting with two commas); the record rows are the time series;
* the "flat" export has one header row (``DataPoint, Cycle Index, Step Index, Step Type, Time, Total
  Time, Current(µA), Voltage(mV), Capacity(mAs), Chg. Cap.(mAs), DChg. Cap.(mAs), Date, ...``);
* an xlsx export holds the same columns in a ``record`` sheet (or any sheet with such a header).

Time comes from ``Total Time`` / ``Cumulative Time`` / ``Test Time`` (never the step ``Time``), as
h:mm:ss[.fff] text or as numbers in the unit of the header; units come from the column names (µA, mA,
A, mV, V, mAs, mAh, As, Ah ...); cycles are numbered from 1 by Neware and from 0 in the record.
Column spellings follow those seen in BTSDA exports and in the column tables of fastnda, NewareNDA,
cellpy and PyProBE (used as a map of what exists; the code here is lisse's own).
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import tempfile
import warnings
import zipfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.errors import MissingDependencyError, ReaderError
from lisse.io._readutil import (
    build_record,
    carried_step_counter,
    check_last_row,
    cut_last_value,
    decode,
    guarded,
    hms_to_seconds,
    parse_datetime,
)

if TYPE_CHECKING:
    from lisse.records.cycling import CyclingRecord

__all__ = [
    "read_nda",
    "read_neware_csv",
    "read_neware_xlsx",
    "read_neware",
    "MAX_UNZIPPED_BYTES",
    "MAX_UNZIP_RATIO",
    "UNZIP_RATIO_FLOOR",
]

#: Hard cap on the bytes decompressed from one archive (2**32 B = 4 GiB, about 50 million nda records).
MAX_UNZIPPED_BYTES: int = 4 * 2**30
#: Largest decompressed / archive size ratio accepted above :data:`UNZIP_RATIO_FLOOR`. Real Neware
#: archives compress 2-7x overall (the shared .nda.zip files: 6.5x and 7.5x; an .ndax: 2x);
#: DEFLATE cannot exceed about 1032x, which a crafted "zip bomb" reaches.
MAX_UNZIP_RATIO: int = 100
#: Decompressed size always accepted whatever the ratio (small archives of highly regular records).
UNZIP_RATIO_FLOOR: int = 256 * 2**20

_CHUNK = 1 << 20


def unzip_limit(archive_bytes: int) -> int:
    """Most bytes lisse decompresses from an archive of ``archive_bytes`` bytes.

    ``min(MAX_UNZIPPED_BYTES, max(UNZIP_RATIO_FLOOR, MAX_UNZIP_RATIO * archive_bytes))``.
    """
    return min(MAX_UNZIPPED_BYTES, max(UNZIP_RATIO_FLOOR, MAX_UNZIP_RATIO * int(archive_bytes)))


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def _check_declared_sizes(zf: zipfile.ZipFile, members: list[zipfile.ZipInfo], path: Any, archive_bytes: int) -> int:
    """Refuse an archive whose members declare more than :func:`unzip_limit` bytes; return the limit.

    For an ``.ndax`` (read by fastnda through zipfile) the declared sizes are a real bound: zipfile never
    returns more bytes than a member's declared size and then checks the CRC-32, so a member that
    inflates to more than it declares fails with "Bad CRC-32". A zipped ``.nda`` is inflated by
    :func:`_extract_capped`, which counts the bytes it writes against the cap itself.
    """
    limit = unzip_limit(archive_bytes)
    declared = sum(m.file_size for m in members)
    if declared > limit:
        raise ReaderError(
            f"zip archive '{path}' declares {declared:,} bytes ({_mib(declared)}) of data in a {archive_bytes:,}-byte file; "
            f"lisse decompresses at most {limit:,} bytes ({_mib(limit)}) from it (lisse.io.neware.MAX_UNZIPPED_BYTES = "
            f"{MAX_UNZIPPED_BYTES:,}, MAX_UNZIP_RATIO = {MAX_UNZIP_RATIO})"
        )
    return limit


def _inflater() -> Any:
    """isal's zlib (2-3x faster CRC-32, installed with fastnda) when available, else the standard zlib."""
    try:
        from isal import isal_zlib
    except ImportError:
        return zlib
    return isal_zlib


def _extract_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, limit: int, path: Any) -> Path:
    """Stream member ``info`` to ``dest``, writing at most ``limit`` bytes whatever its header declares.

    A DEFLATE or stored member is inflated here from the raw archive bytes in 1 MiB pieces (zipfile's
    reader works in 4 KiB pieces and takes twice as long on a 19 MB member); the output of every call is
    bounded (``max_length``), counted against ``limit``, and at the end its length and CRC-32 must equal
    the directory's. Other methods (bzip2, LZMA) go through zipfile with the same count.
    """
    flags_encrypted = 0x1
    if info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) or info.flag_bits & flags_encrypted:
        return _extract_with_zipfile(zf, info, dest, limit, path)
    lib = _inflater()
    fh = zf.fp
    if fh is None:  # pragma: no cover - the archive is open here
        raise ReaderError(f"zip archive '{path}' is closed")
    fh.seek(info.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != b"PK\x03\x04":
        raise ReaderError(f"zip archive '{path}': member '{info.filename}' has no local header at byte {info.header_offset:,} (damaged archive)")
    fh.seek(info.header_offset + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little"))
    left = info.compress_size
    inflate = lib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    written, crc = 0, 0
    with open(dest, "wb") as out:

        def put(buf: bytes) -> None:
            nonlocal written, crc
            written += len(buf)
            if written > limit:
                raise ReaderError(
                    f"zip archive '{path}': member '{info.filename}' decompresses to more than {limit:,} bytes "
                    f"({_mib(limit)}), the cap (lisse.io.neware.MAX_UNZIPPED_BYTES / MAX_UNZIP_RATIO); refused"
                )
            crc = lib.crc32(buf, crc)
            out.write(buf)

        while left > 0:
            raw = fh.read(min(_CHUNK, left))
            if not raw:
                raise ReaderError(f"zip archive '{path}' is truncated: member '{info.filename}' ends {left:,} bytes early")
            left -= len(raw)
            if inflate is None:
                put(raw)
                continue
            buf = inflate.decompress(raw, _CHUNK)
            put(buf)
            while inflate.unconsumed_tail:
                put(inflate.decompress(inflate.unconsumed_tail, _CHUNK))
        if inflate is not None:
            put(inflate.flush())
    if written != info.file_size or crc != info.CRC or (inflate is not None and not inflate.eof):
        raise ReaderError(
            f"zip archive '{path}': member '{info.filename}' is corrupt: it inflates to {written:,} bytes with CRC-32 "
            f"{crc:08x}; the archive declares {info.file_size:,} bytes with CRC-32 {info.CRC:08x}"
        )
    return dest


def _extract_with_zipfile(zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, limit: int, path: Any) -> Path:
    """Stream member ``info`` to ``dest`` through zipfile (which checks its CRC-32), writing at most ``limit`` bytes."""
    written = 0
    with zf.open(info) as src, open(dest, "wb") as out:
        while True:
            buf = src.read(_CHUNK)
            if not buf:
                break
            written += len(buf)
            if written > limit:
                raise ReaderError(
                    f"zip archive '{path}': member '{info.filename}' decompresses to more than {limit:,} bytes "
                    f"({_mib(limit)}), the cap (lisse.io.neware.MAX_UNZIPPED_BYTES / MAX_UNZIP_RATIO); refused"
                )
            out.write(buf)
    return dest


def _fastnda():
    try:
        import fastnda
    except ImportError:
        raise MissingDependencyError("fastnda", "reading Neware .nda/.ndax files", "readers") from None
    return fastnda


def _nda_truncation(target: Path, shown: Any) -> str | None:
    """A note when an ``.nda`` file is shorter than the data block its header declares, else None.

    A file cut inside its header or before its first record raises :class:`ReaderError` instead.

    The header holds a {begin, length} pointer to the main data block: 32-bit at bytes 64-72 for nda
    versions 1-29, 64-bit at bytes 82-98 for the BTS 9 versions 129/130 (the layout fastnda reads; on the
    shared v26 and v29 files begin + length is exactly the file size). A file still being written may
    hold a zero length; nothing is checked then.
    """
    size = target.stat().st_size
    with open(target, "rb") as fh:
        head = fh.read(100)
    if not head.startswith(b"NEWARE"):
        return None  # fastnda refuses it with its own message
    bts9 = len(head) > 14 and head[14] in (129, 130)
    if len(head) < (98 if bts9 else 72):
        raise ReaderError(f"Neware .nda '{shown}' is truncated: it ends at byte {size:,}, inside its "
                          f"{98 if bts9 else 72}-byte header")
    if bts9:
        begin, length = int.from_bytes(head[82:90], "little"), int.from_bytes(head[90:98], "little")
    else:
        begin, length = int.from_bytes(head[64:68], "little"), int.from_bytes(head[68:72], "little")
    if begin <= 0 or length <= 0 or begin + length <= size:
        return None
    if size <= begin:
        raise ReaderError(f"Neware .nda '{shown}' is truncated: its header declares the data block at bytes "
                          f"{begin:,}-{begin + length:,}; the file ends at byte {size:,}, before the first record")
    end = begin + length
    return (f"truncated: the .nda header of '{shown}' declares its data block to end at byte {end:,}; the file ends "
            f"at byte {size:,} ({end - size:,} bytes, {100.0 * (end - size) / length:.1f} % of the data, missing); "
            "the complete records before the cut were read")


@contextlib.contextmanager
def _fastnda_messages(notes: list[str]):
    """Collect fastnda's warnings and log records (WARNING and above) as provenance notes."""

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            notes.append(f"fastnda: {record.getMessage()}")

    log = logging.getLogger("fastnda")
    handler = _Collect(logging.WARNING)
    log.addHandler(handler)
    old_propagate = log.propagate
    log.propagate = False
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        log.removeHandler(handler)
        log.propagate = old_propagate
        notes.extend(line.strip() for line in out.getvalue().splitlines() if line.strip())
    notes.extend(f"fastnda: {w.message}" for w in caught)


@guarded("Neware .nda/.ndax")
def read_nda(path: str | Path, **metadata: Any) -> CyclingRecord:
    """Read a Neware ``.nda`` or ``.ndax`` (or a zip holding one ``.nda``/``.ndax``) with fastnda.

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
        time from ``total_time_s``, voltage, current (mA -> A), ``charge_C`` cumulative since the start
        (per-step net capacity, mAh -> C, plus the earlier steps' end values), step = fastnda's
        ``step_count``, cycle = fastnda's ``cycle_count`` - 1 (0-based); ``step_type`` kept as
        ``technique`` (categorical); aux temperatures (K) and voltages (V) kept. An ``.nda`` shorter
        than its header declares is read up to the cut with a "truncated" note.

    Raises
    ------
    MissingDependencyError
        fastnda is not installed.
    ReaderError
        fastnda cannot read the file (the message says why); a damaged archive (bad CRC-32); an
        archive that would decompress to more than :func:`unzip_limit` bytes.
    """
    fastnda = _fastnda()
    p = Path(path)
    archive_bytes = p.stat().st_size
    with open(p, "rb") as fh:
        head = fh.read(8)
    notes: list[str] = []
    with contextlib.ExitStack() as stack:
        target = p
        is_zip = head.startswith(b"PK")
        if is_zip:
            zf = stack.enter_context(zipfile.ZipFile(p))
            infos = zf.infolist()
            names = [i.filename for i in infos]
            inner = [i for i in infos if i.filename.lower().endswith((".nda", ".ndax"))]
            if "data.ndc" in names or p.suffix.lower() == ".ndax":
                if "data.ndc" not in names:
                    raise ReaderError(f"Neware .ndax '{path}' holds no 'data.ndc' member; members: {names[:10]}")
                _check_declared_sizes(zf, infos, path, archive_bytes)
                missing = [m for m in ("data_runInfo.ndc", "data_step.ndc") if m not in names]
                if missing:
                    notes.append(f"ndax lacks {', '.join(missing)}: times, capacities or steps may be incomplete")
                zf.close()
            elif len(inner) != 1:
                raise ReaderError(f"zip '{path}' should hold exactly one .nda/.ndax file; found {[i.filename for i in inner] or names[:5]}")
            else:
                limit = _check_declared_sizes(zf, inner, path, archive_bytes)
                tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="lisse_nda_"))
                suffix = ".ndax" if inner[0].filename.lower().endswith(".ndax") else ".nda"
                target = _extract_capped(zf, inner[0], Path(tmp) / f"member{suffix}", limit, path)
                zf.close()
                if suffix == ".ndax":  # an .ndax inside a zip: its own members are checked the same way
                    with zipfile.ZipFile(target) as inner_zf:
                        _check_declared_sizes(inner_zf, inner_zf.infolist(), path, target.stat().st_size)
        elif not head.startswith(b"NEWA"):
            raise ReaderError(f"'{path}' is not a Neware .nda/.ndax file: it starts with {head[:6]!r}, not 'NEWARE' or a zip header")
        elif p.suffix.lower() != ".nda":
            # fastnda picks its parser from the suffix: give it the .nda name the content calls for
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="lisse_nda_"))
            target = Path(tmp) / "file.nda"
            target.symlink_to(p.resolve())
        cut = _nda_truncation(target, path) if target.suffix.lower() == ".nda" else None
        if cut:
            notes.append(cut)
        try:
            with _fastnda_messages(notes):
                df = fastnda.read(str(target))
                meta = _metadata(fastnda, target)
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001
            # Only fastnda's own parser runs inside this try (no lisse code): what it raises on a damaged
            # or unsupported file has no common base class (ValueError, EOFError, KeyError,
            # NotImplementedError, polars errors...), so any exception from it is the file's problem.
            why = f" ({cut})" if cut else ""
            said = " ".join(str(exc).split())[:500]  # one line, whatever fastnda or polars wrote
            raise ReaderError(f"fastnda could not read Neware file '{path}'{why}: {type(exc).__name__}: {said}") from exc
        for msg in [m for m in notes if m.startswith("fastnda:") and "may be missing" in m]:
            # fastnda's check of a multi-block BTS 9 file: its blocks cover fewer bytes than the header says
            notes.append(f"possibly truncated: {msg.removeprefix('fastnda: ')}")
        arrays = _arrays_from_fastnda(df, path, notes)
        del df  # polars' frame is freed before the record is built
    return _nda_record(arrays, meta, path, notes, metadata)


def _metadata(fastnda: Any, target: Path) -> dict:
    try:
        return fastnda.read_metadata(str(target))
    except Exception:  # noqa: BLE001 - only the third-party call is inside: its metadata is optional
        return {}


def _arrays_from_fastnda(df: Any, path: Any, notes: list[str]) -> dict[str, Any]:
    """SI numpy columns from fastnda's polars frame (cumulative charge, 0-based cycles); the frame can then go.

    The float64/int64 conversions run in polars, whose allocator reuses the memory fastnda's parse has
    just released; numpy then views the results without copying (read-only arrays). Only the cumulative
    charge is a new numpy array.
    """
    import polars as pl

    cols = set(df.columns)
    need = {"voltage_V", "current_mA", "total_time_s"}
    if not need <= cols:
        raise ReaderError(f"fastnda returned no {sorted(need - cols)} columns for '{path}'")
    n = df.height
    exprs = [
        pl.col("total_time_s").cast(pl.Float64).alias("time_s"),
        pl.col("voltage_V").cast(pl.Float64),
        (pl.col("current_mA").cast(pl.Float64) * 1e-3).alias("current_A"),
    ]
    if "step_count" in cols:
        exprs.append(pl.col("step_count").cast(pl.Int64).fill_null(0).alias("step"))
    if "cycle_count" in cols:
        cmin = df["cycle_count"].min()
        one_based = n > 0 and cmin is not None and cmin >= 1
        exprs.append((pl.col("cycle_count").cast(pl.Int64).fill_null(1 if one_based else 0) - (1 if one_based else 0)).alias("cycle"))
        if one_based:
            notes.append("Neware numbers cycles from 1: cycle = Neware cycle - 1 (0-based)")
    has_q = "capacity_mAh" in cols and "step_count" in cols
    if has_q:
        exprs.append((pl.col("capacity_mAh").cast(pl.Float64).fill_null(0.0) * 3.6).alias("step_charge_C"))
    sel = df.select(exprs)
    out: dict[str, Any] = {c: sel[c].to_numpy() for c in sel.columns}
    del sel
    out["step"] = out.get("step")
    if has_q:
        out["charge_C"] = carried_step_counter(out.pop("step_charge_C"), out["step"])
    else:
        notes.append("fastnda gave no per-step capacity and step counter: charge_C integrated from the current (trapezoid)")

    def take(name: str) -> np.ndarray:
        return df[name].cast(pl.Float64).to_numpy()

    if "step_type" in cols:
        out["technique"] = _categorical(df["step_type"])
    extra: dict[str, Any] = {}
    for c in df.columns:
        if c.startswith("aux") and c.endswith("_degC"):
            extra[c[: -len("_degC")] + "_K"] = take(c) + 273.15
        elif c.startswith("aux") and c.endswith("_V"):
            extra[c] = take(c)
    out["extra"] = extra
    out["start"] = None
    if "unix_time_s" in cols and n:
        u0 = df["unix_time_s"][0]
        if u0 is not None and np.isfinite(u0) and u0 > 0:
            # unix time is absolute: a true UTC start, no zone assumption needed
            out["start"] = datetime.fromtimestamp(float(u0) - float(out["time_s"][0]), tz=UTC)
    return out


def _categorical(s: Any) -> Any:
    """A polars Categorical/string Series as a pandas Categorical (codes + names; no per-row strings)."""
    import pandas as pd
    import polars as pl

    if s.dtype != pl.Categorical:
        return pd.Categorical(s.cast(pl.String).to_numpy())
    uniq = s.unique()
    phys = s.to_physical().to_numpy()
    uphys = uniq.to_physical().to_numpy()
    names = uniq.cast(pl.String).to_list()
    if s.null_count() or not len(uphys):
        return pd.Categorical(s.cast(pl.String).to_numpy())
    lut = np.full(int(uphys.max()) + 1, -1, dtype=np.int32)
    lut[uphys] = np.arange(len(uphys), dtype=np.int32)
    return pd.Categorical.from_codes(lut[phys], categories=names)


def _nda_record(arrays: dict[str, Any], meta: dict, path: Any, notes: list[str], metadata: dict):
    charge = arrays.get("charge_C")
    header = {"format": "Neware nda/ndax", "reader_backend": "fastnda", "fastnda_metadata": meta,
              "units": {"time": "s", "voltage": "V", "current": "mA", **({"charge": "mAh"} if charge is not None else {})}}
    rec = build_record(path, "lisse.io.neware.nda", arrays.pop("time_s"), arrays.pop("voltage_V"), arrays.pop("current_A"),
                       header=header, notes=notes, metadata=metadata, charge_C=charge, step=arrays.get("step"),
                       cycle=arrays.get("cycle"), extra=arrays["extra"])
    if arrays.get("technique") is not None:
        rec.df["technique"] = arrays["technique"]  # categorical: one small code per row, the names once
    rec.start = arrays["start"]
    return rec


# ---------------------------------------------------------------------------------------------------- exports

#: normalised column base name (lower case, no spaces, dots, underscores or hyphens) -> role; the
#: first role found in this order wins. Names from BTSDA exports (regular, flat, xlsx) and from the
#: tables of fastnda (btsda.py), cellpy (neware yaml) and PyProBE (Neware column_dict).
_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "time": ("totaltime", "cumulativetime", "testtime", "totaltimes"),
    "voltage": ("voltage",),
    "current": ("current",),
    "charge_capacity": ("chgcap", "chargecapacity", "capacitancechg", "chgcapacity"),
    "discharge_capacity": ("dchgcap", "dischargecapacity", "capacitancedchg", "dchgcapacity"),
    "capacity": ("capacity", "cap"),
    "step": ("stepindex", "stepid", "step", "stepnumber"),
    "cycle": ("cycleindex", "cycleid", "cycle"),
    "step_type": ("steptype", "status", "state"),
    "date": ("date", "realtime", "absolutetime", "systemtime"),
    "datapoint": ("datapoint", "recordid", "recordindex", "record"),
    "step_time": ("time", "steptime", "relativetime"),
}
_DEFAULT_UNIT = {"voltage": "V", "current": "A", "capacity": "Ah"}
_UNIT_IN_NAME = re.compile(r"^\s*(.*?)\s*[\(\[]\s*([^()\[\]]*?)\s*[\)\]]\s*$")


def _split_name(column: str) -> tuple[str, str | None]:
    """``'Current(µA)'`` -> (``'current'``, ``'µA'``); the base is normalised for matching."""
    m = _UNIT_IN_NAME.match(str(column))
    base, unit = (m.group(1), m.group(2) or None) if m else (str(column), None)
    return re.sub(r"[\s._\-]", "", base.lower()), unit


def _unit_factor(unit: str, si: str, column: str, path: Any) -> float:
    from lisse.errors import UnitError
    from lisse.io.column_units import normalise_unit
    from lisse.units import to_si

    u = normalise_unit(unit)  # also Neware's mAs -> mA*s
    try:
        return to_si(f"1 {u}", si, f"column '{column}'")
    except UnitError:
        raise ReaderError(f"Neware export '{path}': column '{column}' has the unit '{unit}', which is not a unit of {si}") from None


def _map_columns(columns: Any) -> dict[str, str]:
    """Role -> column name, from the header alone."""
    found: dict[str, str] = {}
    bases = [(c, _split_name(c)[0]) for c in columns]
    for role, names in _ROLE_NAMES.items():
        for name in names:
            hit = next((c for c, b in bases if b == name and c not in found.values()), None)
            if hit is not None:
                found[role] = hit
                break
    return found


def _step_sign(step_type: Any, current_A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """+1 for charge steps, -1 for discharge steps, 0 for rest; the sign of the current otherwise.

    Returns the sign per row and the mask of the rows whose sign is the current's (no step type, or a
    type that gives no direction: SIM, Pulse, ...).
    """
    if step_type is None:
        return np.sign(current_A), np.ones(np.shape(current_A), dtype=bool)
    st = np.asarray(step_type, dtype=str)
    norm = np.char.lower(np.char.replace(np.char.replace(st, " ", ""), "_", ""))
    dchg = np.char.find(norm, "dchg") >= 0
    chg = (np.char.find(norm, "chg") >= 0) & ~dchg
    rest = (norm == "rest") | (norm == "pause") | (norm == "ocv")
    return np.where(dchg, -1.0, np.where(chg, 1.0, np.where(rest, 0.0, np.sign(current_A)))), ~(dchg | chg | rest)


def _export_record(rec: Any, path: Any, metadata: dict, header: dict, reader: str, notes: list[str],
                   step: Any = None, cycle: Any = None, step_type: Any = None):
    """Build a record from an export's record rows, every unit from the column names."""
    cols = _map_columns(rec.columns)
    missing = [r for r in ("time", "voltage", "current") if r not in cols]
    if missing:
        hint = " (only the step 'Time' column: export 'Total Time' too)" if "time" in missing and "step_time" in cols else ""
        raise ReaderError(
            f"Neware export '{path}': no {' / '.join(missing)} column{hint}; expected e.g. 'Total Time', "
            f"'Voltage(V)', 'Current(mA)'; found {list(rec.columns)[:14]}"
        )
    n = len(rec)
    units: dict[str, str] = {}

    def values(role: str, si: str) -> np.ndarray:
        col = cols[role]
        unit = _split_name(col)[1] or _DEFAULT_UNIT.get(role.split("_")[-1])
        if unit is None:
            raise ReaderError(f"Neware export '{path}': column '{col}' names no unit")
        units[role] = unit
        x = rec[col].to_numpy()
        if x.dtype.kind not in "fiu":
            import pandas as pd

            x = pd.to_numeric(rec[col], errors="coerce").to_numpy()
        x = x.astype(np.float64)
        bad = np.flatnonzero(~np.isfinite(x))
        if bad.size:
            k = int(bad[0])
            raise ReaderError(f"Neware export '{path}': column '{col}' has {bad.size} empty or non-numeric values "
                              f"(first '{rec[col].iloc[k]}' in data row {k + 1})")
        return x * _unit_factor(unit, si, col, path)

    tcol = cols["time"]
    t_unit = _split_name(tcol)[1]
    raw_t = rec[tcol]
    if raw_t.dtype.kind in "fiu":
        if t_unit is None:
            raise ReaderError(f"Neware export '{path}': the time column '{tcol}' holds numbers but names no unit (h:mm:ss text or e.g. 'Total Time(s)' expected)")
        t = raw_t.to_numpy(dtype=np.float64) * _unit_factor(t_unit, "s", tcol, path)
        units["time"] = t_unit
    else:
        t = hms_to_seconds(raw_t)
        units["time"] = "h:mm:ss"
    v = values("voltage", "V")
    i = values("current", "A")
    if "datapoint" in cols and n > 1:
        import pandas as pd

        dp = pd.to_numeric(rec[cols["datapoint"]], errors="coerce").to_numpy(dtype=float)
        jumps = np.flatnonzero(np.diff(dp) != 1)
        if jumps.size:  # the instrument numbers its records 1, 2, 3 ...: a jump means records are not in the export
            missing = np.diff(dp)[jumps] - 1
            known = np.isfinite(missing) & (missing > 0)
            notes.append(f"'{cols['datapoint']}' is not consecutive at {jumps.size} places (first after data row "
                         f"{int(jumps[0]) + 1}; {int(missing[known].sum())} record numbers absent): the export may "
                         "be filtered, or records are missing")
    if step is None and "step" in cols:
        step = rec[cols["step"]].to_numpy()
    if step_type is None and "step_type" in cols:
        step_type = rec[cols["step_type"]].astype(str).to_numpy()
    if cycle is None and "cycle" in cols:
        cycle = rec[cols["cycle"]].to_numpy().astype(np.int64)
        if n and cycle.min() >= 1:
            cycle = cycle - 1
            notes.append(f"Neware numbers cycles from 1: cycle = '{cols['cycle']}' - 1 (0-based)")
    # step label for the charge counters: any change of step or cycle index starts a new counter
    label = np.zeros(n, dtype=np.int64)
    if step is not None:
        label = np.cumsum(np.concatenate([[0], np.diff(np.asarray(step).astype(np.int64)) != 0]))
    if cycle is not None:
        label = label + np.cumsum(np.concatenate([[0], np.diff(np.asarray(cycle, dtype=np.int64)) != 0]))
    charge = None
    if "charge_capacity" in cols and "discharge_capacity" in cols:
        qc = np.abs(values("charge_capacity", "C"))
        qd = np.abs(values("discharge_capacity", "C"))
        net = qc - qd
        # a counter that drops without a step change also starts a new step (exports without step columns)
        drop = np.concatenate([[False], (np.diff(qc) < 0) | (np.diff(qd) < 0)])
        charge = carried_step_counter(net, label + np.cumsum(drop))
        units["charge"] = units["charge_capacity"]
        notes.append(f"charge_C: '{cols['charge_capacity']}' minus '{cols['discharge_capacity']}' per step, carried over steps")
    elif "capacity" in cols:
        q = np.abs(values("capacity", "C"))
        sign, untyped = _step_sign(step_type, i)
        drop = np.concatenate([[False], np.diff(q) < 0])
        lab = label + np.cumsum(drop)
        per_step = q * sign
        # an unsigned capacity cannot be signed row by row where the current changes sign inside a step
        # (SIM, Pulse): there the step's charge is the trapezoid integral of the current since its first row
        sg = np.sign(i)
        both = (np.bincount(lab, weights=sg > 0) > 0) & (np.bincount(lab, weights=sg < 0) > 0)
        mixed = both[lab] & untyped
        if mixed.any():
            from lisse.records.cycling import integrate_charge

            q_int = integrate_charge(t, i)
            first = np.concatenate([[0], np.flatnonzero(lab[1:] != lab[:-1]) + 1])
            per_step[mixed] = (q_int - q_int[first][np.searchsorted(first, np.arange(n), side="right") - 1])[mixed]
            notes.append(f"charge_C: {int(np.unique(lab[mixed]).size)} step(s) whose current changes sign (SIM/pulse) "
                         f"integrated from the current (trapezoid), as the unsigned '{cols['capacity']}' cannot be signed")
        charge = carried_step_counter(per_step, lab)
        units["charge"] = units["capacity"]
        how = "the step type (the current's sign for other step types)" if step_type is not None else "the current's sign"
        notes.append(f"charge_C: '{cols['capacity']}' per step signed by {how}, carried over steps")
    start = None
    if "date" in cols and n:
        start = parse_datetime(str(rec[cols["date"]].iloc[0]))
        if start is not None and np.isfinite(t[0]) and t[0] != 0:
            from datetime import timedelta

            start -= timedelta(seconds=float(t[0]))  # the record's time 0, not the first row's
    header = {**header, "columns": {k: str(c) for k, c in cols.items()},
              "units": {r: units[r] for r in ("time", "voltage", "current", "charge") if r in units}}
    kw: dict[str, Any] = {}
    if step is not None:
        kw["step"] = np.asarray(step).astype(np.int64)
    if cycle is not None:
        kw["cycle"] = np.asarray(cycle, dtype=np.int64)
    if step_type is not None:
        kw["extra"] = {"technique": np.asarray(step_type, dtype=object)}
    return build_record(path, reader, t, v, i, header=header, notes=notes, metadata=metadata, start=start,
                        charge_C=charge, **kw)


def _is_flat_header(line: str) -> bool:
    """True for the one header row of a flat export (DataPoint, ..., Total Time, Current(..), Voltage(..))."""
    cells = [c.strip() for c in line.split(",")]
    if len(cells) < 4:
        return False
    roles = _map_columns(cells)
    if not ("datapoint" in roles and {"time", "voltage", "current"} <= set(roles)):
        return False
    # Neware's own spellings (Arbin writes Data_Point / Test_Time(s), which must not match)
    return bool(re.fullmatch(r"(?i)data\s?point|record\s(id|index)", roles["datapoint"])
                and re.fullmatch(r"(?i)(total|cumulative|test)\s+time\s*(\(.*\))?", roles["time"]))


@guarded("Neware BTS CSV export")
def read_neware_csv(path: str | Path, **metadata: Any) -> CyclingRecord:
    """Read a Neware BTS CSV export: the "regular" layout (cycle / step / record rows) or the flat one.

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
        The record rows, units from the column names; time from ``Total Time``; ``charge_C`` cumulative
        since the start; ``step`` from the step rows (regular) or ``Step Index`` (flat); ``cycle`` 0-based.

    Raises
    ------
    ReaderError
        The file is missing, unreadable, corrupt, truncated or not of this kind; a column lacks a unit.
    """
    import pandas as pd

    raw = Path(path).read_bytes()
    cut = cut_last_value(raw, b",")
    if cut is not None:
        raw = raw[: raw.rstrip(b" \t").rfind(b"\n") + 1]
    text, enc = decode(raw)
    lines = text.splitlines()
    if lines and _is_flat_header(lines[0]):
        rec = pd.read_csv(io.StringIO(text), index_col=False, skipinitialspace=True)
        rec = rec.loc[:, [c for c in rec.columns if not str(c).startswith("Unnamed:")]]
        rec.columns = [str(c).strip() for c in rec.columns]
        if len(rec) == 0:
            raise ReaderError(f"Neware flat CSV export '{path}' has a header but no data rows")
        check_last_row(rec, path, "Neware flat CSV")
        header = {"format": "Neware BTS flat CSV", "encoding": enc, "header_row": lines[0], "n_record_rows": len(rec)}
        return _export_record(rec, path, metadata, header, "lisse.io.neware.csv", [cut] if cut else [])
    if len(lines) < 4 or not lines[0].startswith("Cycle") or not lines[2].startswith(",,"):
        raise ReaderError(
            f"'{path}' is not a Neware BTS CSV export: expected 'Cycle ...' then ',Step ...' then ',,DataPoint ...' "
            "header rows (regular export), or one header row with DataPoint, Total Time, Current, Voltage (flat export)"
        )
    rec_names = [c.strip() for c in lines[2].split(",")[2:]]
    step_names = [c.strip() for c in lines[1].split(",")[1:]]
    type_at = next((k for k, c in enumerate(step_names) if _split_name(c)[0] == "steptype"), None)
    rows, steps, cycles, types = [], [], [], []
    malformed: list[int] = []  # 1-based line numbers of lines that are none of the three kinds
    cyc, stp, stype = 0, 0, ""
    for lineno, ln in enumerate(lines[3:], start=4):
        if ln.startswith(",,"):
            rows.append(ln[2:])
            steps.append(stp)
            cycles.append(cyc)
            types.append(stype)
        elif ln.startswith(","):  # a step row: ,Step Index,Step Number,Step Type,...
            f = ln.split(",")
            if len(f) < 3 or not f[1].strip().isdigit() or not f[2].strip().isdigit():
                malformed.append(lineno)
                continue
            stp = int(f[2])
            stype = f[1 + type_at].strip() if type_at is not None and len(f) > 1 + type_at else ""
        elif ln.strip():  # a cycle row: Cycle Index,...
            f = ln.split(",", 1)
            if not f[0].strip().isdigit():
                malformed.append(lineno)
                continue
            cyc = int(f[0]) - 1
    if not rows:
        raise ReaderError(f"Neware CSV '{path}' has header rows but no record rows")
    notes = ["Neware numbers cycles from 1: cycle = 'Cycle Index' of the enclosing cycle row - 1 (0-based)"]
    if cut:
        notes.append(cut)
    if malformed:
        shown = ", ".join(map(str, malformed[:10])) + (", ..." if len(malformed) > 10 else "")
        notes.append(f"{len(malformed)} malformed rows skipped at lines {shown} (neither a cycle row, a step row "
                     "',<step index>,<step number>,...' nor a record row ',,...')")
    rec = pd.read_csv(io.StringIO("\n".join(rows)), header=None, names=rec_names, index_col=False)
    check_last_row(rec, path, "Neware CSV")
    header = {"format": "Neware BTS CSV", "encoding": enc, "levels": [lines[0], lines[1], lines[2]],
              "n_lines": len(lines), "n_record_rows": len(rows)}
    return _export_record(rec, path, metadata, header, "lisse.io.neware.csv", notes,
                          step=np.asarray(steps, dtype=np.int64), cycle=np.asarray(cycles, dtype=np.int64),
                          step_type=np.asarray(types, dtype=object) if type_at is not None else None)


@guarded("Neware BTS xlsx export")
def read_neware_xlsx(path: str | Path, **metadata: Any) -> CyclingRecord:
    """Read the record rows of a Neware BTS xlsx export.

    The sheet is the first named ``record...`` or ``Detail_<unit>_<channel>_<n>`` (BTSDA's names), else
    the first whose header row has DataPoint, Total Time, Current and Voltage columns (a flat export). Columns are mapped by name as in
    :func:`read_neware_csv`.

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
        SI columns (time [s], voltage [V], current [A], charge [C]); see the module notes.

    Raises
    ------
    ReaderError
        The file is missing, unreadable, corrupt, truncated or not of this kind; a column lacks a unit.

    Notes
    -----
    Written from the documented BTS export layout (sheet ``record`` with ``Total Time``,
    ``Current(A)``, ``Voltage(V)``); no public file of this kind was available to test against.
    """
    from lisse.io._xlsx import read_sheet_frame, sheet_names

    sheets = sheet_names(path)
    sheet = next((s for s in sheets if re.fullmatch(r"record.*|detail(_\d+)+", s, re.I)), None)
    rec = read_sheet_frame(path, sheet) if sheet is not None else None
    if rec is None:
        for s in sheets:
            frame = read_sheet_frame(path, s)
            if len(frame.columns) and _is_flat_header(",".join(map(str, frame.columns))):
                sheet, rec = s, frame
                break
    if rec is None:
        raise ReaderError(f"Neware xlsx '{path}' has no 'record' sheet and no sheet with DataPoint / Total Time / Current / Voltage columns; sheets: {sheets}")
    if len(rec) == 0:
        raise ReaderError(f"Neware xlsx '{path}': sheet '{sheet}' has a header but no data rows")
    return _export_record(rec, path, metadata, {"format": "Neware BTS xlsx", "sheets": sheets, "sheet": sheet},
                          "lisse.io.neware.xlsx", [])


def is_flat_export(head: str) -> bool:
    """True when ``head`` (the start of a text file) is a Neware flat CSV export (used by format detection)."""
    text = head.removeprefix("\u00ef\u00bb\u00bf").lstrip("\ufeff")  # a UTF-8 BOM read as latin-1, or decoded
    first = text.splitlines()[0] if text.strip() else ""
    return _is_flat_header(first)


def read_neware(path: str | Path, **metadata: Any) -> CyclingRecord:
    """Dispatch on content: binary nda/ndax (or zip) -> :func:`read_nda`, xlsx, else CSV.

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
        SI columns (time [s], voltage [V], current [A], charge [C]); see the module notes.

    Raises
    ------
    ReaderError
        The file is missing, unreadable, corrupt, truncated or not of this kind; a column lacks a unit.
    """
    p = Path(path)
    if not p.is_file():
        raise ReaderError(f"Neware file '{path}' does not exist")
    with open(p, "rb") as fh:
        head = fh.read(4)
    if p.suffix.lower() == ".xlsx":
        return read_neware_xlsx(p, **metadata)
    if head.startswith((b"NEWA", b"PK")):
        return read_nda(p, **metadata)
    return read_neware_csv(p, **metadata)
