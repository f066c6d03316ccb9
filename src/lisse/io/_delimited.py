"""Streamed reading of delimited cycler text (CSV, TSV, Maccor exports): one pass, hashed, bounded memory.

A cycler text export is a free-form preamble, one header line naming the columns, then one data
line per row. :class:`TextStream` reads the file once, in blocks of :data:`BLOCK_BYTES`, and hashes
every byte as it goes (:class:`lisse.io._readutil.HashedReader`, the same digest as
:func:`~lisse.io._readutil.file_sha256`). The reader looks at the first lines (:meth:`TextStream.head`)
to find its header, then takes the data block by block (:meth:`TextStream.blocks`): each block is
parsed by pandas' C parser, only the columns asked for, and the reader converts it and keeps the
arrays (:class:`Columns`). Peak memory is the decoded columns plus about one block and its parse.

Line accounting, so that no row is lost silently:

- every data line has a 1-based file line number (:attr:`Block.lines`), for messages;
- blank lines are skipped (they are not rows);
- a line with the wrong number of fields (an unquoted delimiter in a value, a line cut and joined
  with the next), a line with NUL bytes, and a row whose value in a required column is missing or
  not a number are *malformed*: :class:`MalformedRows` counts them with their line numbers; they
  are skipped with a note ("3 malformed rows skipped at lines 10, 11, 57"), or the file is refused
  when more than :data:`MALFORMED_FREE` rows and more than :data:`MALFORMED_FRACTION` of them are
  malformed (a wrong delimiter or not this format);
- the last line without a line end may have been cut mid-line: it is kept only when its last value
  is of the kind of the value above it (same characters once digit runs are collapsed) and at least
  as wide as the widest value of that column above it (sign not counted; the last
  :data:`WIDTH_SAMPLE` lines of each block are measured), and that column either
  has one fixed width or has at least :data:`WIDTH_LINES` lines to judge from; otherwise it is
  dropped with a note that says the file is *truncated* and where (line,
  byte offset). A line shorter than the header is always dropped that way. Trailing empty fields
  (a delimiter at the end of every data line, as Maccor writes) are allowed.
"""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import ReaderError
from lisse.io._readutil import HashedReader, decode

__all__ = ["TextStream", "Block", "Columns", "MalformedRows", "numbers", "unique_names", "BLOCK_BYTES"]

#: bytes parsed at a time; memory beyond the decoded columns is a small multiple of this
BLOCK_BYTES = 1 << 22
#: lines and bytes of the file a reader may look at to find its header
HEAD_LINES = 200
HEAD_BYTES = 1 << 20
#: a file with more malformed rows than this *and* more than MALFORMED_FRACTION of its rows is refused
MALFORMED_FREE = 10
MALFORMED_FRACTION = 0.01
#: line numbers listed in a malformed-rows note or error
LISTED = 10
#: data lines above a final line without a line end needed to trust the widest value seen as the column's full width
WIDTH_LINES = 100
#: last lines of each block whose last-field width is recorded for that judgement
WIDTH_SAMPLE = 4096


@dataclass
class Block:
    """Parsed data lines of one block.

    Attributes
    ----------
    df : pandas.DataFrame
        The requested columns, one row per well-formed data line (pandas' dtypes: numbers as
        int64/float64, other text as object).
    lines : ndarray of int64
        1-based line number in the file of each row.
    """

    df: Any
    lines: np.ndarray


class MalformedRows:
    """Counts skipped data lines with their line numbers and reasons; turns them into a note or an error."""

    def __init__(self, path: Any, fmt: str) -> None:
        self.path, self.fmt = path, fmt
        self.count = 0
        self.first: list[int] = []
        self.reasons: Counter[str] = Counter()

    def add(self, lines: np.ndarray, reason: str) -> None:
        """Record the rows at the 1-based file ``lines`` as malformed for ``reason``."""
        n = int(np.size(lines))
        if n == 0:
            return
        self.count += n
        self.reasons[reason] += n
        if len(self.first) < LISTED:
            self.first.extend(int(x) for x in np.asarray(lines)[: LISTED - len(self.first)])

    def finish(self, n_rows: int, notes: list[str]) -> None:
        """Add the note, or refuse the file, once all ``n_rows`` good rows are known.

        Raises
        ------
        ReaderError
            No good row at all, or more than :data:`MALFORMED_FREE` and more than
            :data:`MALFORMED_FRACTION` of the data lines malformed.
        """
        if self.count == 0:
            return
        self.first.sort()
        where = ", ".join(map(str, self.first)) + (", ..." if self.count > len(self.first) else "")
        why = "; ".join(f"{n}: {r}" for r, n in self.reasons.most_common())
        total = n_rows + self.count
        if n_rows == 0 or (self.count > MALFORMED_FREE and self.count > MALFORMED_FRACTION * total):
            raise ReaderError(
                f"{self.fmt} file '{self.path}': {self.count} of {total} data lines are malformed ({why}) at lines {where}; "
                "the file is damaged or not in this format"
            )
        notes.append(f"{self.count} malformed rows skipped at lines {where} ({why})")


class Columns:
    """Per-block arrays collected by name and joined once at the end, one column at a time."""

    def __init__(self) -> None:
        self._parts: dict[str, list[np.ndarray]] = {}

    def add(self, name: str, values: np.ndarray) -> None:
        self._parts.setdefault(name, []).append(values)

    def __contains__(self, name: str) -> bool:
        return name in self._parts

    def pop(self, name: str, dtype: Any = float) -> np.ndarray:
        """The joined column (its blocks are released); an empty array if it was never added."""
        parts = self._parts.pop(name, [])
        if not parts:
            return np.empty(0, dtype=dtype)
        if len(parts) == 1:
            return parts[0]
        out = np.concatenate(parts)
        parts.clear()
        return out


def numbers(values: Any, decimal: str = ".") -> tuple[np.ndarray, np.ndarray]:
    """A parsed column as float64, with the mask of cells holding text that is not a number.

    Missing cells (empty, ``NA``) are NaN and not in the mask; the caller decides whether a missing
    value is acceptable.
    """
    import pandas as pd

    s = values if isinstance(values, pd.Series) else pd.Series(values)
    if pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s):
        return s.to_numpy(dtype=float, na_value=np.nan, copy=True), np.zeros(len(s), dtype=bool)
    missing = s.isna().to_numpy()
    text = s.astype(str).str.strip()
    if decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    x = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
    x[missing] = np.nan
    return x, np.isnan(x) & ~missing


def unique_names(names: list[str]) -> list[str]:
    """Column names :meth:`TextStream.blocks` can take: empty and repeated names (``Aux #1  Units  Aux #2  Units``)
    made unique as ``name\\x00k`` (``k`` the 0-based column position)."""
    out, seen = [], set()
    for j, c in enumerate(names):
        u = c if c and c not in seen else f"{c}\x00{j}"
        seen.add(u)
        out.append(u)
    return out


def _shape(field: bytes) -> tuple[bytes, int]:
    """The format of a value: its characters (sign dropped) with digit runs collapsed, and the length of its last digit run."""
    f = field.strip().lstrip(b"+-")
    m = re.search(rb"(\d+)$", f)
    return re.sub(rb"\d+", b"9", f), len(m.group(1)) if m else 0


class TextStream:
    """One pass over a delimited text file: the header region, then the data in parsed blocks.

    Use as a context manager. After :meth:`blocks` is exhausted the whole file has been read:
    :meth:`sha256` is its hash, :attr:`notes` says what was dropped (a truncated last line) and
    :attr:`malformed` counts the skipped rows (call its ``finish``).

    Parameters
    ----------
    path : str or Path
    fmt : str
        Format name for messages (e.g. ``"delimited text"``).
    block_bytes : int, optional
        Bytes parsed at a time (default :data:`BLOCK_BYTES`).
    """

    def __init__(self, path: str | Path, fmt: str, block_bytes: int | None = None) -> None:
        self.path, self.fmt = path, fmt
        self.block_bytes = int(block_bytes or BLOCK_BYTES)
        self._src = HashedReader(path)
        self._buf = b""
        self._pos = 0  # file offset of _buf[0]
        self._eof = False
        self.lines_done = 0  #: complete lines consumed
        self.encoding = "utf-8"
        self.notes: list[str] = []
        self.malformed = MalformedRows(path, fmt)
        self.header_line_end = True  #: False when the header line is the last line and has no line end
        self._tail: deque[bytes] = deque(maxlen=2)  # last named field of the last two good data lines
        self._tail_width = (1 << 62, 0)  # narrowest and widest last named field of the good data lines (sign not counted)
        self._tail_lines = 0  # how many lines _tail_width was taken over

    def __enter__(self) -> TextStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._src.close()

    # ------------------------------------------------------------------ reading
    def _fill(self, n: int) -> None:
        while len(self._buf) < n and not self._eof:
            b = self._src.read(max(n - len(self._buf), 1 << 16))
            if b:
                self._buf += b
            else:
                self._eof = True

    def sha256(self) -> str:
        """Hex sha256 of the whole file (reads what is left unread, without parsing it)."""
        self._src.read_to_end()
        return self._src.hexdigest()

    def head_bytes(self, n: int = 4096) -> bytes:
        """The first ``n`` raw bytes (before :meth:`skip_lines`)."""
        self._fill(n)
        return self._buf[:n]

    def head(self, max_lines: int = HEAD_LINES) -> list[str]:
        """The first complete lines, decoded (UTF-8, else cp1252/latin-1; the encoding is kept for the data).

        Lines are split at ``\\n`` only (a ``\\r`` before it is removed), so that line numbers agree
        with the byte-level accounting of :meth:`blocks`.
        """
        while self._buf.count(b"\n") < max_lines and len(self._buf) < HEAD_BYTES and not self._eof:
            self._fill(len(self._buf) + (1 << 16))
        raw = self._buf[:HEAD_BYTES]
        if b"\n" not in raw and raw.count(b"\r") > 1:
            raise ReaderError(f"{self.fmt} file '{self.path}' has CR-only line ends (classic Mac OS); lisse reads LF or "
                              "CR LF line ends: convert the file")
        if not (self._eof and len(self._buf) <= HEAD_BYTES):
            raw = raw[: raw.rfind(b"\n") + 1]  # complete lines only
        text, self.encoding = decode(raw)
        lines = text.split("\n")
        if lines and lines[-1] == "" and raw.endswith(b"\n"):
            lines.pop()
        return [ln[:-1] if ln.endswith("\r") else ln for ln in lines[:max_lines]]

    def skip_lines(self, k: int) -> None:
        """Consume the first ``k`` lines (preamble and header); the data start after them."""
        pos = 0
        for _ in range(k):
            j = self._buf.find(b"\n", pos)
            if j < 0:  # the last line of the file, without a line end
                self.header_line_end = False
                pos = len(self._buf)
                break
            pos = j + 1
        self._buf = self._buf[pos:]
        self._pos += pos
        self.lines_done += k

    def blocks(self, names: list[str], sep: str, usecols: list[str], *, decimal: str = ".",
               dtype: dict[str, Any] | None = None) -> Iterator[Block]:
        """Parse the data lines after the header, block by block.

        Parameters
        ----------
        names : list of str
            The header's column names (unique, non-empty); a data line has ``len(names)`` fields.
        sep : str
            One-character delimiter.
        usecols : list of str
            Names of the columns to parse.
        decimal : str
            Decimal mark.
        dtype : dict, optional
            pandas dtypes by column (e.g. ``{"State": str}``).
        """
        if len(sep) != 1:
            raise AssertionError(f"lisse bug: delimiter {sep!r} is not one character")
        while True:
            self._fill(self.block_bytes)
            buf = self._buf
            if self._eof:
                chunk, self._buf = buf, b""
            else:
                cut = buf.rfind(b"\n") + 1
                while cut == 0 and not self._eof:  # a line longer than a block
                    self._fill(2 * len(self._buf))
                    buf = self._buf
                    cut = len(buf) if self._eof else buf.rfind(b"\n") + 1
                chunk, self._buf = buf[:cut], buf[cut:]
            last = b""
            if self._eof and chunk and not chunk.endswith(b"\n"):
                j = chunk.rfind(b"\n") + 1
                chunk, last = chunk[:j], chunk[j:]
            if chunk:
                blk = self._parse(chunk, names, sep, usecols, decimal, dtype)
                self._pos += len(chunk)
                if blk is not None:
                    yield blk
            if last:
                blk = self._final_line(last, names, sep, usecols, decimal, dtype)
                self._pos += len(last)
                if blk is not None:
                    yield blk
            if self._eof and not self._buf:
                return

    def _final_line(self, last: bytes, names, sep, usecols, decimal, dtype) -> Block | None:
        """The last line has no line end: keep it only if it cannot have been cut (see the module docstring)."""
        line_no, offset = self.lines_done + 1, self._pos
        s = last.rstrip(b"\r")
        if not s.strip(b" \t\r\x00"):
            self.lines_done += 1
            if b"\x00" in s:
                self.notes.append(f"truncated: the file ends in {len(last)} NUL bytes from byte {offset} (line {line_no}); ignored")
            return None
        sepb = sep.encode()
        expected = len(names) - 1
        fields = s.split(sepb)
        problem = None
        if b"\x00" in s:
            problem = "holds NUL bytes"
        elif len(fields) - 1 < expected:
            problem = f"has {len(fields)} of {len(names)} fields"
        else:
            value = fields[expected]
            mine = _shape(value)
            width = len(value) - (value[:1] in (b"-", b"+"))
            narrow, wide = self._tail_width
            fixed = self._tail_lines >= 2 and narrow == wide
            text = value[:20].decode("latin-1")
            if not self._tail or _shape(self._tail[-1])[0] != mine[0]:
                problem = f"ends in the value {text!r}, not of the kind of the values above: may be cut"
            elif width < wide:
                problem = f"ends in the value {text!r}, narrower than the values above ({'all' if fixed else 'up to'} {wide} characters): cut"
            elif not fixed and self._tail_lines < WIDTH_LINES:
                problem = (f"ends in the value {text!r}, which may be cut (the {self._tail_lines} values above have no fixed width "
                           "to compare with)")
        if problem is not None:
            self.lines_done += 1
            self.notes.append(f"truncated: the last line (line {line_no}, from byte {offset}) has no line end and {problem}; dropped")
            return None
        return self._parse(last + b"\n", names, sep, usecols, decimal, dtype)

    def _parse(self, chunk: bytes, names: list[str], sep: str, usecols: list[str], decimal: str,
               dtype: dict[str, Any] | None) -> Block | None:
        import pandas as pd

        arr = np.frombuffer(chunk, dtype=np.uint8)
        ends = np.flatnonzero(arr == 10)
        n = ends.size
        starts = np.empty(n, dtype=np.int64)
        starts[:1] = 0
        starts[1:] = ends[:-1] + 1
        stop = ends.copy()
        nonempty = stop > starts
        cr = np.zeros(n, dtype=bool)
        cr[nonempty] = arr[stop[nonempty] - 1] == 13
        stop -= cr
        lines = self.lines_done + 1 + np.arange(n, dtype=np.int64)
        self.lines_done += n
        keep = stop > starts  # blank lines are not rows
        sepv = ord(sep)
        expected = len(names) - 1
        widest = expected
        # count the fields of every line (the delimiters outside quotes)
        d = np.flatnonzero(arr == sepv)
        if b'"' in chunk:  # a delimiter inside a quoted value does not count: odd number of quotes before it in its line
            q = np.flatnonzero(arr == 34)
            line_start = starts[np.searchsorted(ends, d)]
            d = d[(np.searchsorted(q, d) - np.searchsorted(q, line_start)) % 2 == 0]
        cnt = np.diff(np.searchsorted(d, ends), prepend=0)  # delimiters per line (none sits on a line end)
        trail = np.zeros(n, dtype=bool)
        ne = stop > starts
        trail[ne] = arr[stop[ne] - 1] == sepv
        ok = (cnt == expected) | (trail & (cnt == expected + 1))
        for k in np.flatnonzero(keep & ~ok & (cnt > expected)):  # several trailing empty fields
            ok[k] = chunk[starts[k] : stop[k]].rstrip(sep.encode()).count(sep.encode()) <= expected
        self.malformed.add(lines[keep & ~ok], "wrong number of fields")
        keep &= ok
        if keep.any():
            widest = int(cnt[keep].max())
        if b"\x00" in chunk:
            z = np.unique(np.searchsorted(ends, np.flatnonzero(arr == 0)))
            z = z[keep[z]]
            self.malformed.add(lines[z], "NUL bytes")
            keep[z] = False
        idx = np.flatnonzero(keep)
        if idx.size == 0:
            return None
        if expected > 0:  # width of the last named field (its sign not counted), for _final_line
            sample = idx[-WIDTH_SAMPLE:]
            sample = sample[cnt[sample] >= expected]
            first = np.searchsorted(d, starts[sample])
            left = d[first + expected - 1]
            right = np.where(cnt[sample] > expected, d[np.minimum(first + expected, d.size - 1)], stop[sample])
            width = right - left - 1 - np.isin(arr[np.minimum(left + 1, arr.size - 1)], (43, 45))
            if width.size:
                self._tail_width = (min(self._tail_width[0], int(width.min())), max(self._tail_width[1], int(width.max())))
                self._tail_lines += width.size
        for k in idx[-2:]:
            fields = chunk[starts[k] : stop[k]].split(sep.encode())
            if len(fields) > expected:
                self._tail.append(fields[expected])
        if idx.size == n:
            data = chunk
        else:
            brk = np.flatnonzero(np.diff(idx) != 1)
            first = idx[np.concatenate([[0], brk + 1])]
            last = idx[np.concatenate([brk, [idx.size - 1]])]
            data = b"".join(chunk[starts[a] : ends[b] + 1] for a, b in zip(first, last, strict=True))
        all_names = list(names) + [f"\x00extra{j}" for j in range(widest - expected)]
        df = pd.read_csv(io.BytesIO(data), sep=sep, header=None, names=all_names, usecols=usecols, index_col=False,
                         decimal=decimal, encoding=self.encoding, encoding_errors="replace", skip_blank_lines=False,
                         dtype=dtype, low_memory=False)
        if len(df) != idx.size:
            raise ReaderError(
                f"{self.fmt} file '{self.path}': lines {int(lines[idx[0]])}-{int(lines[idx[-1]])} give {len(df)} rows for "
                f"{idx.size} lines (a quoted value with a line break?); export without quotes"
            )
        return Block(df=df, lines=lines[idx])
