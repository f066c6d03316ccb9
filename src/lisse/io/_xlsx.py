"""A small, fast, bounded reader for the cell values of one xlsx worksheet (stdlib + numpy).

openpyxl needs ~7 s for a 16 000-row cycler export; lisse streams the sheet XML in 1 MiB chunks and
matches cells with one regular expression per chunk, which takes a fraction of that. Only values are
read (numbers as float, shared/inline strings as str, booleans as bool); styles, so dates, are not
interpreted: a date cell comes back as its Excel serial number (days since 1899-12-30, or since
1904-01-01 when :func:`uses_1904_dates`).

Bounded resources
-----------------
An xlsx is a zip archive: a 1 KB file can declare a sheet spanning ``A1:ZZ500000`` or a member that
inflates to gigabytes. Before anything proportional to the sheet is allocated, the reader checks

* each archive member's declared decompressed size (:data:`MAX_SHEET_BYTES` for a worksheet, which
  is streamed and never held whole; :data:`MAX_PART_BYTES` for the small parts read whole) and
  counts the bytes actually inflated against the same cap;
* the sheet's ``<dimension>`` and every cell reference against Excel's own limits
  (:data:`MAX_ROWS`, :data:`MAX_COLUMNS`) and the grid it would allocate against :data:`MAX_CELLS`;
* that the grid is not vastly sparser than the cells the sheet holds (:data:`MAX_SPARSITY`).

Anything over a cap is refused with a :class:`~lisse.errors.ReaderError` naming the cap.
"""

from __future__ import annotations

import codecs
import html
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import ReaderError

__all__ = ["sheet_names", "read_sheet", "read_sheet_frame", "uses_1904_dates",
           "MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS", "MAX_SPARSITY", "MAX_SHEET_BYTES", "MAX_PART_BYTES"]

#: Excel's row limit (a reference beyond it is not a valid worksheet cell)
MAX_ROWS = 1_048_576
#: Excel's column limit (column XFD)
MAX_COLUMNS = 16_384
#: largest rows × columns grid a sheet may make lisse allocate (1,048,576 rows × 64 columns)
MAX_CELLS = 1_048_576 * 64
#: a grid larger than 1 M cells must hold at least one cell per MAX_SPARSITY grid positions
MAX_SPARSITY = 64
#: decompressed bytes of one worksheet member (streamed; a full 1,048,576-row export is ~1 GB)
MAX_SHEET_BYTES = 4 * 1024**3
#: decompressed bytes of the other members read whole (workbook, relationships, shared strings)
MAX_PART_BYTES = 256 * 1024**2

_CHUNK = 1 << 20
_MAX_PENDING = 64 * 1024**2  # characters of XML held while waiting for the end of a row

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RNS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _info(zf: zipfile.ZipFile, name: str, cap: int) -> zipfile.ZipInfo:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise ReaderError(f"xlsx archive '{zf.filename}' has no member '{name}' (damaged, or not an xlsx workbook)") from None
    if info.file_size > cap:
        raise ReaderError(
            f"xlsx archive '{zf.filename}': member '{name}' declares {info.file_size} decompressed bytes "
            f"(compressed {info.compress_size}); lisse reads at most {cap} (refused as a possible zip bomb)"
        )
    return info


def _member(zf: zipfile.ZipFile, name: str) -> bytes:
    """The bytes of a small archive member (at most :data:`MAX_PART_BYTES`, checked before and while inflating)."""
    info = _info(zf, name, MAX_PART_BYTES)
    with zf.open(info) as fh:
        data = fh.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise ReaderError(f"xlsx archive '{zf.filename}': member '{name}' inflates to more than {MAX_PART_BYTES} bytes (refused)")
    return data


def _sheet_paths(zf: zipfile.ZipFile) -> dict[str, str]:
    from xml.etree import ElementTree as ET

    wb = ET.fromstring(_member(zf, "xl/workbook.xml"))
    rels = ET.fromstring(_member(zf, "xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") or "" for r in rels}
    out: dict[str, str] = {}
    for s in wb.iter(f"{_NS}sheet"):
        t = target.get(s.get(f"{_RNS}id"), "")
        t = t.lstrip("/")
        out[s.get("name", "")] = t if t.startswith("xl/") else "xl/" + t
    return out


def sheet_names(path: str | Path) -> list[str]:
    """Names of the worksheets of the xlsx workbook at ``path``, in workbook order."""
    with zipfile.ZipFile(path) as zf:
        return list(_sheet_paths(zf))


def uses_1904_dates(path: str | Path) -> bool:
    """True when the workbook counts date serials from 1904-01-01 (``<workbookPr date1904="1"/>``)."""
    with zipfile.ZipFile(path) as zf:
        wb = _member(zf, "xl/workbook.xml")
    return re.search(rb'date1904="(1|true)"', wb) is not None


def _col_index(ref: str) -> int:
    """0-based column of ``'A'``, ``'AB'``... (``-1`` for an empty string)."""
    n = 0
    for ch in ref:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


# the cell markup Excel, LibreOffice, openpyxl and instrument software write: r= first, then s=/t= in any order
_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d{1,9})"([^>]*?)(?:/>|>\s*(?:<f\b[^>]*?(?:/>|>[^<]*</f>)\s*)?(?:<v>([^<]*)</v>\s*)?'
    r"(?:<is>(.*?)</is>\s*)?(?:<extLst>.*?</extLst>\s*)?</c>)",
    re.S,
)
_ANY_CELL = re.compile(r"<c[\s/>]")
# any other cell markup (attributes in another order, no reference...): parsed cell by cell
_CELL_SLOW = re.compile(r"<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_REF = re.compile(r'\br="([A-Z]{1,3})(\d{1,9})"')
_V = re.compile(r"<v(?:\s[^>]*)?>([^<]*)</v>")
_IS = re.compile(r"<is>(.*?)</is>", re.S)
_TYPE = re.compile(r'\bt="(\w+)"')
_T = re.compile(r"<t(?:\s[^>]*)?>([^<]*)</t>")
_PREFIX = re.compile(r"<(\w+):worksheet\b")
_PREFIX_SST = re.compile(r"<(\w+):sst\b")
_DIM = re.compile(r'<dimension\s+ref="([A-Z]{0,3})(\d{0,9})(?::([A-Z]{1,3})(\d{1,9}))?"')


def _cell_type(attrs: str) -> str:
    m = _TYPE.search(attrs)
    return m.group(1) if m else "n"


class _Cells:
    """The cells of one sheet, kept compact while streaming: positions, numbers, and the other values."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.rows: list[np.ndarray] = []
        self.cols: list[np.ndarray] = []
        self.nums: list[np.ndarray] = []  # float64, NaN where the cell is not a number
        self.other: dict[tuple[int, int], Any] = {}  # (row, col) -> str / bool
        self.n = 0
        self.max_row = -1
        self.max_col = -1
        self._letters: dict[str, int] = {}

    def _check(self, r: np.ndarray, c: np.ndarray) -> None:
        if r.size == 0:
            return
        rmax, cmax = int(r.max()), int(c.max())
        if int(r.min()) < 0 or rmax >= MAX_ROWS or cmax >= MAX_COLUMNS:
            k = int(np.argmax((r < 0) | (r >= MAX_ROWS) | (c >= MAX_COLUMNS)))
            raise ReaderError(
                f"{self.where}: cell at row {int(r[k]) + 1}, column {int(c[k]) + 1} lies outside the "
                f"{MAX_ROWS} rows × {MAX_COLUMNS} columns an xlsx sheet can hold (damaged or crafted file)"
            )
        self.max_row = max(self.max_row, rmax)
        self.max_col = max(self.max_col, cmax)
        grid = (self.max_row + 1) * (self.max_col + 1)
        if grid > MAX_CELLS:
            raise ReaderError(
                f"{self.where}: a cell at row {self.max_row + 1}, column {self.max_col + 1} makes the sheet a grid of "
                f"{grid} cells; lisse reads at most {MAX_CELLS} (refused before allocating)"
            )

    def add(self, cols: list[str], rows: list[str], attrs: list[str], vals: list[str], inl: list[str], shared: list[str]) -> None:
        if not rows:
            return
        letters = self._letters
        for s in set(cols) - letters.keys():
            letters[s] = _col_index(s)
        c = np.fromiter((letters[s] for s in cols), dtype=np.int64, count=len(cols))
        r = np.array(rows, dtype=np.int64) - 1
        self._check(r, c)
        types = [_cell_type(a) if a else "n" for a in attrs]
        num = np.full(len(rows), np.nan)
        is_num = np.fromiter(((t == "n") and v != "" for t, v in zip(types, vals, strict=True)), dtype=bool, count=len(rows))
        if is_num.any():
            num[is_num] = np.array([v for v, ok in zip(vals, is_num, strict=True) if ok], dtype=float)
        if not is_num.all():
            for k in np.flatnonzero(~is_num):
                t, v = types[k], vals[k]
                key = (int(r[k]), int(c[k]))
                if t == "s" and v != "":
                    idx = int(v)
                    if not 0 <= idx < len(shared):
                        raise ReaderError(f"{self.where}: cell refers to shared string {idx} of {len(shared)} (damaged file)")
                    self.other[key] = shared[idx]
                elif t in ("str", "e", "d") and v != "":
                    self.other[key] = html.unescape(v)
                elif t == "b" and v != "":
                    self.other[key] = v == "1"
                elif t == "inlineStr":
                    self.other[key] = html.unescape("".join(_T.findall(inl[k])))
        self.rows.append(r.astype(np.int32))  # compact: rows < MAX_ROWS, columns < MAX_COLUMNS (checked above)
        self.cols.append(c.astype(np.int16))
        self.nums.append(num)
        self.n += len(rows)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if not self.rows:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
        return (np.concatenate(self.rows).astype(np.int64), np.concatenate(self.cols).astype(np.int64),
                np.concatenate(self.nums))

    def shape(self) -> tuple[int, int]:
        """The grid the cells span, checked against :data:`MAX_CELLS` and :data:`MAX_SPARSITY`."""
        nr, nc = self.max_row + 1, self.max_col + 1
        grid = nr * nc
        if grid > 1_000_000 and grid > MAX_SPARSITY * self.n:
            raise ReaderError(
                f"{self.where}: its {self.n} cells span a grid of {nr} rows × {nc} columns ({grid} cells); lisse "
                f"refuses grids over 1,000,000 cells that are more than {MAX_SPARSITY} times sparser than their cells"
            )
        return nr, nc


def _parse_chunk(text: str, cells: _Cells, shared: list[str]) -> None:
    found = _CELL.findall(text)
    if len(found) == len(_ANY_CELL.findall(text)):
        if found:
            cols, rows, attrs, vals, inl = (list(z) for z in zip(*found, strict=True))
            cells.add(cols, rows, attrs, vals, inl, shared)
        return
    cols, rows, attrs, vals, inl = [], [], [], [], []
    for m in _CELL_SLOW.finditer(text):
        a, inner = m.group(1), m.group(2) or ""
        ref = _REF.search(a)
        if ref is None:
            raise ReaderError(f"{cells.where}: a cell without a reference (r=\"A1\") is not supported: {m.group(0)[:80]!r}")
        v = _V.search(inner)
        s = _IS.search(inner)
        cols.append(ref.group(1))
        rows.append(ref.group(2))
        attrs.append(a)
        vals.append(v.group(1) if v else "")
        inl.append(s.group(1) if s else "")
    cells.add(cols, rows, attrs, vals, inl, shared)


def _check_dimension(text: str, where: str) -> None:
    m = _DIM.search(text)
    if m is None or not m.group(3):
        return
    nr, nc = int(m.group(4)), _col_index(m.group(3)) + 1
    if nr > MAX_ROWS or nc > MAX_COLUMNS or nr * nc > MAX_CELLS:
        raise ReaderError(
            f"{where}: its <dimension> declares {nr} rows × {nc} columns ({nr * nc} cells); lisse reads at most "
            f"{MAX_ROWS} rows, {MAX_COLUMNS} columns and {MAX_CELLS} cells (refused before reading)"
        )


def _unprefix(text: str, prefix: str) -> str:
    return text.replace(f"<{prefix}:", "<").replace(f"</{prefix}:", "</")


def _shared_strings(zf: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in zf.namelist():
        return []
    sx = _member(zf, "xl/sharedStrings.xml").decode("utf-8")
    m = _PREFIX_SST.search(sx[:65536])
    if m:
        sx = _unprefix(sx, m.group(1))
    return [html.unescape("".join(_T.findall(si))) for si in re.findall(r"<si>(.*?)</si>", sx, re.S)]


def _read_cells(path: str | Path, name: str) -> _Cells:
    """Stream the cells of sheet ``name``, checking every cap before anything proportional is allocated."""
    with zipfile.ZipFile(path) as zf:
        paths = _sheet_paths(zf)
        if name not in paths:
            raise ReaderError(f"xlsx '{path}' has no sheet {name!r}; sheets: {list(paths)}")
        where = f"xlsx '{path}', sheet {name!r}"
        info = _info(zf, paths[name], MAX_SHEET_BYTES)
        shared = _shared_strings(zf)
        cells = _Cells(where)
        dec = codecs.getincrementaldecoder("utf-8")()
        pending = ""
        inflated = 0
        first = check_dim = True
        prefix = None
        with zf.open(info) as fh:
            while True:
                raw = fh.read(_CHUNK)
                inflated += len(raw)
                if inflated > MAX_SHEET_BYTES:
                    raise ReaderError(f"{where}: the sheet inflates to more than {MAX_SHEET_BYTES} bytes (refused)")
                pending += dec.decode(raw, final=not raw)
                if first:
                    m = _PREFIX.search(pending[:65536])
                    prefix = m.group(1) if m else None
                    first = False
                if prefix:  # <x:row><x:c ...>: the main namespace bound to a prefix (OpenXML SDK); tags are matched bare
                    pending = _unprefix(pending, prefix)
                if check_dim:
                    _check_dimension(pending[:65536], where)
                    check_dim = False
                if not raw:
                    _parse_chunk(pending, cells, shared)
                    break
                end = pending.rfind("</row>")
                if end < 0:
                    if len(pending) > _MAX_PENDING:
                        raise ReaderError(f"{where}: more than {_MAX_PENDING} characters without the end of a row (damaged or crafted file)")
                    continue
                end += len("</row>")
                _parse_chunk(pending[:end], cells, shared)
                pending = pending[end:]
    return cells


def read_sheet(path: str | Path, name: str) -> np.ndarray:
    """All cells of sheet ``name`` as a 2-D object array (None where empty).

    Numbers come back as float, strings (shared or inline) as str, booleans as bool.

    Raises
    ------
    ReaderError
        A missing sheet, a damaged archive, or a sheet over one of the caps of this module.
    """
    cells = _read_cells(path, name)
    if cells.n == 0:
        return np.empty((0, 0), dtype=object)
    shape = cells.shape()
    r, c, num = cells.arrays()
    out = np.full(shape, None, dtype=object)
    ok = ~np.isnan(num)
    out[r[ok], c[ok]] = num[ok]
    for (i, j), v in cells.other.items():
        out[i, j] = v
    return out


def read_sheet_frame(path: str | Path, name: str):
    """Sheet ``name`` as a pandas DataFrame, first row as the header, numeric columns as float.

    Built column by column from the streamed cells (no object grid for all-number columns).
    """
    import pandas as pd

    cells = _read_cells(path, name)
    if cells.n == 0:
        return pd.DataFrame()
    nr, nc = cells.shape()
    r, c, num = cells.arrays()
    head = r == 0
    names_by_col: dict[int, Any] = {int(j): float(v) for j, v in zip(c[head], num[head], strict=True) if not np.isnan(v)}
    names_by_col.update({j: v for (i, j), v in cells.other.items() if i == 0})
    body = ~head
    rb, cb, nb = r[body] - 1, c[body], num[body]
    order = np.argsort(cb, kind="stable")
    rb, cb, nb = rb[order], cb[order], nb[order]
    bounds = np.searchsorted(cb, np.arange(nc + 1))
    other_by_col: dict[int, list[tuple[int, Any]]] = {}
    for (i, j), v in cells.other.items():
        if i > 0:
            other_by_col.setdefault(j, []).append((i - 1, v))
    data: dict[int, Any] = {}
    labels = []
    for j in range(nc):
        name_j = names_by_col.get(j)
        labels.append(str(name_j).strip() if name_j is not None else f"Unnamed: {j}")
        lo, hi = bounds[j], bounds[j + 1]
        col = np.full(nr - 1, np.nan)
        col[rb[lo:hi]] = nb[lo:hi]
        if j in other_by_col:
            obj = np.full(nr - 1, None, dtype=object)
            ok = ~np.isnan(col)
            obj[ok] = col[ok]
            for i, v in other_by_col[j]:
                obj[i] = v
            s = pd.Series(obj)
            conv = pd.to_numeric(s, errors="coerce")
            data[j] = conv if conv.notna().sum() == s.notna().sum() else s
        else:
            data[j] = col
    df = pd.DataFrame(data)
    df.columns = labels
    return df
