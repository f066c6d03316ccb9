"""Shared helpers for the cycler readers: error wrapping, text decoding, provenance."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from lisse.errors import LisseError, ParameterError, ReaderError

F = TypeVar("F", bound=Callable[..., Any])

READER_REVISION = "1"


def file_sha256(path: str | Path, chunk: int = 1 << 20) -> str:
    """sha256 of a file's content, read in chunks (constant memory).

    Parameters
    ----------
    path : str or Path
        The file.
    chunk : int
        Number of bytes read at a time.

    Returns
    -------
    str
        The hex digest.
    """
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def read_bytes_hashed(path: str | Path) -> tuple[bytes, str]:
    """Read a whole file once and hash the same bytes: ``(data, hex sha256)``.

    Readers that parse from memory use this instead of reading the file and then hashing it again
    with :func:`file_sha256` (one pass over the disk, the hash is of exactly the bytes parsed).
    """
    import hashlib

    with open(path, "rb") as fh:
        data = fh.read()
    return data, hashlib.sha256(data).hexdigest()


def read_buffer_hashed(path: str | Path) -> tuple[memoryview, str]:
    """:func:`read_bytes_hashed` into a numpy byte buffer: ``(read-only memoryview, hex sha256)``.

    For large binary files that are parsed with ``numpy.frombuffer``: numpy asks the kernel for huge
    pages for big buffers, which makes the read about twice as fast as ``fh.read()`` (fewer page
    faults), and column views into the buffer keep it alive. Text parsers that need ``bytes``
    methods use :func:`read_bytes_hashed`.
    """
    import hashlib
    import os

    import numpy as np

    with open(path, "rb", buffering=0) as fh:
        size = os.fstat(fh.fileno()).st_size
        arr = np.empty(size, dtype=np.uint8)
        mv, got = arr.data, 0  # a memoryview of the buffer
        while got < size:  # one read() may return less (e.g. > 2 GiB on Linux)
            k = fh.readinto(mv[got:])
            if not k:  # the file shrank while we read it: hash and parse what was read
                break
            got += k
        if got != size:
            arr = arr[:got]
    arr.flags.writeable = False
    view = arr.data  # read-only, like arr
    return view, hashlib.sha256(view).hexdigest()


def reader_version() -> str:
    import lisse

    return f"lisse {lisse.__version__} (reader rev {READER_REVISION})"


def parse_errors() -> tuple[type[BaseException], ...]:
    """The exceptions a parser raises on bad bytes; every other exception is a lisse bug.

    ``ValueError`` (bad numbers, ``UnicodeDecodeError``, pandas' ``ParserError``/``EmptyDataError``),
    ``struct.error`` and ``EOFError`` (short binary buffers), ``OverflowError`` (absurd sizes or dates),
    ``zlib.error``/``zipfile.BadZipFile``/``zipfile.LargeZipFile`` (damaged archives; also isal's
    ``zlib`` error once fastnda has swapped in isal's decompressor), XML and CSV
    dialect errors. ``TypeError``, ``AttributeError``, ``NameError``, ``KeyError`` and ``IndexError``
    are *not* here: in lisse's readers they mean a bug, and the readers check lengths and keys
    explicitly where a truncated or damaged file could otherwise raise them.
    """
    import csv
    import struct
    import sys
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError
    from xml.parsers.expat import ExpatError

    errors: tuple[type[BaseException], ...] = (ValueError, struct.error, EOFError, OverflowError, zlib.error,
                                               zipfile.BadZipFile, zipfile.LargeZipFile, ParseError, ExpatError, csv.Error)
    isal = sys.modules.get("isal.isal_zlib")  # fastnda replaces zlib's decompressors by isal's process-wide
    if isal is not None:
        errors += (isal.error,)
    return errors


def check_path(path: Any, fmt: str) -> None:
    """Refuse a missing path, a folder, an empty or unreadable file with a :class:`ReaderError` naming it."""
    import os
    import stat as st

    if not isinstance(path, (str, os.PathLike)):
        raise ParameterError(f"{fmt}: expected a file path (str or Path); got {type(path).__name__} {path!r}")
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise ReaderError(f"{fmt} file '{path}' does not exist") from None
    except OSError as exc:
        raise ReaderError(f"{fmt} file '{path}' cannot be opened: {exc.strerror or exc}") from None
    except ValueError as exc:  # e.g. an embedded NUL character in the path
        raise ReaderError(f"{fmt} file '{path}' is not a valid path: {exc}") from None
    if st.S_ISDIR(info.st_mode):
        raise ReaderError(f"{fmt} file '{path}' is a directory, expected a file")
    if not st.S_ISREG(info.st_mode):
        raise ReaderError(f"{fmt} file '{path}' is not a regular file")
    if info.st_size == 0:
        raise ReaderError(f"{fmt} file '{path}' is empty (0 bytes)")


@contextlib.contextmanager
def reading(path: Any, fmt: str):
    """Turn what a parser raises on bad bytes (:func:`parse_errors`) or on reading (``OSError``) into a
    :class:`ReaderError` naming ``path`` and ``fmt``; lisse errors and every other exception pass unchanged."""
    try:
        yield
    except LisseError:
        raise
    except MemoryError:
        raise ReaderError(f"{fmt} file '{path}' is corrupt: it declares more data than can be allocated") from None
    except OSError as exc:
        where = f" ('{exc.filename}')" if getattr(exc, "filename", None) and str(exc.filename) != str(path) else ""
        raise ReaderError(f"cannot read {fmt} file '{path}'{where}: {exc.strerror or exc}") from exc
    except parse_errors() as exc:
        raise ReaderError(
            f"cannot read '{path}' as {fmt}: the file is corrupt, truncated or not in this format ({type(exc).__name__}: {exc})"
        ) from exc


def guarded(fmt: str) -> Callable[[F], F]:
    """Decorator for a reader whose first argument is the path.

    Checks the path first (:func:`check_path`), then converts what the parser raises on bad bytes or
    on reading into a :class:`ReaderError` naming the file and format (:func:`reading`). A
    ``ParameterError`` from inconsistent data becomes a ReaderError; any other exception (a lisse bug)
    propagates unchanged.
    """

    def deco(func: F) -> F:
        import inspect

        takes_units = "units" in inspect.signature(func).parameters

        @functools.wraps(func)
        def wrapper(path, *args, **kwargs):
            check_path(path, fmt)
            _check_metadata(kwargs)  # a bad argument is the caller's error (UnitError), checked first
            if "units" in kwargs and not takes_units:
                raise ParameterError(
                    f"{func.__name__.lstrip('_')}: the {fmt} format fixes its units, so it takes no 'units'; "
                    "read_cycling(path, units=...) checks declared units against the file's"
                )
            if kwargs.get("units") is not None:
                from lisse.io.column_units import CYCLING_ROLES, parse_units

                kwargs["units"] = parse_units(kwargs["units"], CYCLING_ROLES)
            with reading(path, fmt):
                try:
                    return func(path, *args, **kwargs)
                except ParameterError as exc:
                    raise ReaderError(f"{fmt} file '{path}' holds inconsistent data: {exc}") from exc

        return wrapper  # type: ignore[return-value]

    return deco


_META_UNITS = {"area": "cm2", "active_mass": "mg", "loading": "mg/cm2"}


def _check_metadata(kwargs: dict) -> None:
    from lisse.units import as_si, format_quantity

    for k, unit in _META_UNITS.items():
        if kwargs.get(k) is not None:
            x = as_si(kwargs[k], unit, k)
            if not x > 0:
                raise ParameterError(f"cell metadata '{k}' must be positive; got {kwargs[k]!r} (= {format_quantity(x, unit)})")


#: C0 control bytes that text exports do not hold (all but tab, LF, VT, FF, CR and SUB, the DOS end-of-file mark).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 26)) + b"\x7f"


def looks_binary(head: bytes) -> bool:
    """Whether the first bytes of a file are binary data rather than text: a NUL byte, or more than 1 % (and at least
    three) C0 control bytes that no text export holds (random bytes have ~11 %). UTF-16 text has NULs: callers that
    accept it test for its byte-order mark first.

    Parameters
    ----------
    head : bytes
        The start of the file (a few kB).

    Returns
    -------
    bool
    """
    if b"\x00" in head:
        return True
    n = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return n >= 3 and n > 0.01 * len(head)


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), falling back to cp1252 then latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for enc in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1", errors="replace"), "latin-1"  # pragma: no cover - latin-1 never fails


def norm_unit_text(s: str) -> str:
    """Normalise the micro sign variants and stray replacement characters in column names."""
    return s.replace("\u03bc", "\u00b5").replace("\ufffd", "\u00b5").strip()


_DATE_PATTERNS = [
    ("%m/%d/%Y %H:%M:%S.%f", r"\d{2}/\d{2}/\d{4} \d{1,2}:\d{2}:\d{2}\.\d+"),
    ("%m/%d/%Y %H:%M:%S", r"\d{2}/\d{2}/\d{4} \d{1,2}:\d{2}:\d{2}"),
    ("%m.%d.%Y %H:%M:%S.%f", r"\d{2}\.\d{2}\.\d{4} \d{1,2}:\d{2}:\d{2}[.,]\d+"),
    ("%Y-%m-%d %H:%M:%S.%f", r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}:\d{2}\.\d+"),
    ("%Y-%m-%d %H:%M:%S", r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}:\d{2}"),
]


def parse_datetime(text: str) -> datetime | None:
    """Parse the first date-time in ``text`` (instrument formats); returns a UTC-aware datetime or None."""
    for fmt, pat in _DATE_PATTERNS:
        m = re.search(pat, text)
        if m:
            s = m.group(0).replace("T", " ")
            if fmt.startswith("%m.%d"):
                s = s[:19] + "." + s[20:]
            try:
                return datetime.strptime(s, fmt).replace(tzinfo=UTC)
            except ValueError:
                continue
    return None


def check_rows(path: Any, fmt: str, n: int) -> None:
    """Refuse 0 rows. Prefer an empty record (:func:`build_record` accepts 0 rows and adds the
    ``NO_DATA_NOTE`` of :mod:`lisse.records.cycling`) for a complete header-only file."""
    if n == 0:
        raise ReaderError(f"{fmt} file '{path}' contains a header but no data rows")


def build_record(
    path: Any,
    reader: str,
    time_s: Any,
    voltage_V: Any,
    current_A: Any,
    *,
    header: dict | None = None,
    notes: list[str] | None = None,
    metadata: dict | None = None,
    sha256: str | None = None,
    **kwargs: Any,
):
    """Make a :class:`~lisse.records.cycling.CyclingRecord` with provenance for ``path``.

    0 rows give a valid empty record whose notes contain ``NO_DATA_NOTE`` ("no data rows ...");
    call it only when the file is complete (a header-only file), never for a file cut short.
    ``sha256`` is the hash of the bytes the reader parsed (:func:`read_bytes_hashed`); when
    omitted the file is hashed here.
    """
    import numpy as np

    from lisse.records.cycling import NO_DATA_NOTE, CyclingRecord, Provenance

    t = np.asarray(time_s, dtype=float)
    notes = list(notes or [])
    if t.size == 0 and not any("no data rows" in n for n in notes):
        notes.append(NO_DATA_NOTE)
    bad = ~np.isfinite(t)
    if bad.any():
        raise ReaderError(f"{reader}: file '{path}' has {int(bad.sum())} rows with a missing or non-numeric time (first at row {int(np.argmax(bad))})")
    meta = dict(metadata or {})
    start = kwargs.pop("start", None)
    prov = Provenance(
        source=str(path),
        sha256=sha256 if sha256 is not None else file_sha256(path),
        reader=reader,
        reader_version=reader_version(),
        raw_header=jsonable(header or {}),
        notes=notes,
    )
    if start is not None:
        prov.notes.append("instrument start time is local time without a zone; labelled UTC")
    return CyclingRecord.from_arrays(
        t,
        voltage_V,
        current_A,
        start=start,
        area=meta.get("area"),
        active_mass=meta.get("active_mass"),
        loading=meta.get("loading"),
        provenance=prov,
        **kwargs,
    )


def jsonable(h: Any) -> Any:
    """Make a header JSON-able (datetimes -> ISO strings, numpy scalars -> Python)."""
    if isinstance(h, dict):
        return {str(k): jsonable(v) for k, v in h.items()}
    if isinstance(h, (list, tuple)):
        return [jsonable(v) for v in h]
    if isinstance(h, datetime):
        return h.isoformat()
    if isinstance(h, (str, int, float, bool, type(None))):
        return h
    if hasattr(h, "item"):
        try:
            return h.item()
        except ValueError:  # an array of several values
            return str(h)
    return str(h)


def hms_to_seconds(values: Any) -> Any:
    """Vectorised ``[d-]h:m:s[.f]`` (hours may exceed 24) or plain seconds -> float seconds.

    Raises
    ------
    ReaderError
        A value that is neither (naming the first one and its row).
    """
    import numpy as np
    import pandas as pd

    x, bad = hms_seconds_masked(values)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ReaderError(f"cannot parse the time '{pd.Series(values).astype(str).iloc[k].strip()}' (row {k}); expected h:m:s or seconds")
    return x


#: ``[N-|Nd ]h:m:s[.f]``: Maccor writes ``1d 02:03:04.5``, others ``1-02:03:04`` or ``26:03:04``
_HMS = r"^(?:(\d+)\s*[-d]\s*)?(\d+):(\d{1,2}):(\d{1,2}(?:\.\d*)?)$"


def hms_seconds_masked(values: Any) -> tuple[Any, Any]:
    """``[d-]h:m:s[.f]``, ``Nd h:m:s`` or plain seconds -> (float seconds, mask of unparseable values).

    Missing values (NaN, empty) are NaN and not in the mask; text that is neither a number nor
    h:m:s is NaN and in the mask. For the streamed text readers, which count malformed rows instead
    of stopping at the first.
    """
    import numpy as np
    import pandas as pd

    s = pd.Series(values)
    missing = s.isna().to_numpy()
    s = s.astype(str).str.strip()
    num = pd.to_numeric(s, errors="coerce")
    out = num.to_numpy(dtype=float, na_value=np.nan, copy=True)
    todo = np.isnan(out) & ~missing
    if todo.any():
        parts = s[todo].str.extract(_HMS)
        days = pd.to_numeric(parts[0], errors="coerce").fillna(0.0)
        sec = days * 86400 + parts[1].astype(float) * 3600 + parts[2].astype(float) * 60 + parts[3].astype(float)
        out[todo] = sec.to_numpy(dtype=float, na_value=np.nan)
    bad = np.isnan(out) & ~missing
    return out, bad


def check_last_row(df: Any, path: Any, fmt: str) -> None:
    """A last row with fewer values than the one before it means the text file was cut short."""
    if len(df) >= 2:
        n_last = int(df.iloc[-1].notna().sum())
        n_prev = int(df.iloc[-2].notna().sum())
        if n_last < n_prev:
            raise ReaderError(
                f"{fmt} file '{path}' looks truncated: its last row has {n_last} values where the row before has {n_prev}"
            )


_NUM_SHAPE = re.compile(rb"(\d*)([.,](\d*))?([eE][+-]?(\d*))?")


def number_shape(tok: bytes) -> tuple | None:
    """Format of a number token: (has a decimal mark, decimals, has an exponent, exponent digits); None if not a number."""
    m = _NUM_SHAPE.fullmatch(tok.strip().lstrip(b"+-"))
    if m is None:
        return None
    return (m.group(2) is not None, len(m.group(3) or b""), m.group(4) is not None, len(m.group(5) or b""))


def cut_last_value(raw: bytes, sep: bytes) -> str | None:
    """Why the last line of a delimited text may have been cut inside its last value, or None.

    Only a last line without a line end can have been cut. It is taken as cut when its last non-empty
    value is a number of another format than the same field of the line before (no decimal mark or
    exponent where that one has them, or fewer decimals or exponent digits): ``29`` or ``29.63`` where
    the line before ends in ``29.631678``. A cut that leaves fewer fields is :func:`check_last_row`'s.
    The caller drops the line and keeps the reason as a "truncated" note.
    """
    end = len(raw.rstrip(b" \t"))
    if end == 0 or raw[end - 1 : end] in (b"\n", b"\r"):
        return None
    k = raw.rfind(b"\n", 0, end)
    if k <= 0:
        return None
    j = raw.rfind(b"\n", 0, k)
    last = raw[k + 1 : end].rstrip(b"\r").rstrip(sep).split(sep)
    prev = raw[j + 1 : k].rstrip(b"\r").split(sep)
    n = len(last) - 1
    if n >= len(prev):
        return None
    ls, ps = number_shape(last[n]), number_shape(prev[n])
    if ps is None or not (ps[0] or ps[2]):
        return None
    if ls is None or ls[0] != ps[0] or ls[2] != ps[2] or ls[1] < ps[1] or ls[3] < ps[3]:
        return (f"truncated: the last line (from byte {k + 1}) has no line end and ends in the value "
                f"{last[n][:20].decode('latin-1')!r} where the line before has {prev[n][:20].decode('latin-1')!r}: "
                "it may be cut; dropped")
    return None


class HashedReader:
    """A binary file read once, in blocks, with its sha256 computed from the same bytes.

    The digest equals :func:`file_sha256` of the file once every byte has been read
    (:meth:`read_to_end`), so a streaming reader hashes while it parses instead of reading the file
    twice.

    Parameters
    ----------
    path : str or Path
        The file (opened here in binary mode; close with :meth:`close` or a ``with`` block).
    """

    def __init__(self, path: str | Path) -> None:
        import hashlib

        self._fh = Path(path).open("rb")  # noqa: SIM115 - closed by close() / __exit__
        self._h = hashlib.sha256()
        self.offset = 0  #: bytes read so far

    def read(self, n: int = -1) -> bytes:
        """Up to ``n`` bytes (all that is left for ``n < 0``), hashed; ``b""`` at the end."""
        b = self._fh.read(n)
        self._h.update(b)
        self.offset += len(b)
        return b

    def read_to_end(self, chunk: int = 1 << 20) -> None:
        """Hash what has not been read yet (for a reader that stops before the end)."""
        while self.read(chunk):
            pass

    def hexdigest(self) -> str:
        """The hex sha256 of the bytes read so far (of the whole file after :meth:`read_to_end`)."""
        return self._h.hexdigest()

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> HashedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def carried_counter(counter: Any, rel_tol: float = 1e-9) -> tuple[Any, int]:
    """A capacity counter that an instrument restarts at 0 (each cycle or step), made cumulative.

    Between restarts the counter only grows; a drop larger than ``rel_tol`` × its largest value is a
    restart, and the value after it is the amount accumulated since the restart. The result is the
    running sum of the increments, 0 at the first row.

    Parameters
    ----------
    counter : array_like
        Counter values in row order (any unit; finite).
    rel_tol : float
        Relative size of a drop that counts as a restart (absorbs rounding in the stored values).

    Returns
    -------
    (ndarray, int)
        The cumulative counter (same unit, ``[0] == 0``) and the number of restarts found.
    """
    import numpy as np

    x = np.asarray(counter, dtype=float)
    if x.size == 0:
        return np.zeros(0), 0
    d = np.diff(x)
    tol = rel_tol * float(np.max(np.abs(x)))
    restart = d < -tol
    inc = np.where(restart, x[1:], d)
    return np.concatenate([[0.0], np.cumsum(inc)]), int(restart.sum())


def carried_step_counter(per_step: Any, step: Any) -> Any:
    """A counter that restarts at every step, made cumulative with step labels: each row's value plus the
    end values of all earlier steps.

    The companion of :func:`carried_counter`, for counters whose restarts cannot be seen from the values
    alone: a *signed* per-step counter (Neware's charge minus discharge capacity, which goes up and
    down inside a SIM or pulse step) or one whose new step may start above the previous step's end.

    Parameters
    ----------
    per_step : array_like
        Counter values in row order (any unit), each counted from the start of the row's step.
    step : array_like
        Any label that changes exactly where a new step (a restarted counter) begins.

    Returns
    -------
    ndarray of float64
        The cumulative counter (same unit), equal to ``per_step`` in the first step.
    """
    import numpy as np

    q = np.array(per_step, dtype=np.float64)  # a copy: the result is built in place
    s = np.asarray(step)
    n = q.size
    if n < 2:
        return q
    starts = np.flatnonzero(s[1:] != s[:-1]) + 1
    if not starts.size:
        return q
    carried = np.cumsum(q[starts - 1])  # end value of each finished step, summed
    if starts.size <= 256:  # few steps: slice by slice, no temporary as long as the record
        for k, (a, b) in enumerate(zip(starts, np.append(starts[1:], n), strict=True)):
            q[a:b] += carried[k]
    else:
        q[starts[0]:] += np.repeat(carried, np.diff(np.append(starts, n)))
    return q
