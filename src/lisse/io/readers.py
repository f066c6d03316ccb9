"""Cycler-file registry: :func:`read_cycling` picks the reader from the file's content and extension.

Detection order (content first, so a wrongly named file is still read correctly):

====================================  ===========================================
content                               reader
====================================  ===========================================
``BIO-LOGIC MODULAR FILE``            :func:`lisse.io.biologic.read_biologic` (``biologic-mpr``)
``EC-Lab/BT-Lab ASCII FILE``          :func:`lisse.io.biologic.read_biologic` (``biologic-mpt``)
``NEWARE`` / zip with .nda(x)         :func:`lisse.io.neware.read_nda`
``Standard Jet DB``                   :func:`lisse.io.arbin.read_arbin_res`
xlsx with ``Record-Tab`` sheet        :func:`lisse.io.land.read_land`
xlsx with ``record``/``Detail_``      :func:`lisse.io.neware.read_neware_xlsx`
xlsx with ``Channel_<n>_<k>``         :func:`lisse.io.arbin.read_arbin_xlsx` (``arbin-xlsx``)
``Cycle ...`` / ``,Step`` / ``,,``    :func:`lisse.io.neware.read_neware_csv` (regular export)
``Data_Point,Test_Time,...``          :func:`lisse.io.arbin.read_arbin_csv` (or ``Test_Time`` with ``Cycle_Index``)
``DataPoint,...,Total Time,...``      :func:`lisse.io.neware.read_neware_csv` (flat export)
Maccor ``Rec#``/``Amps``/``State``    :func:`lisse.io.maccor.read_maccor`
any other delimited text              :func:`lisse.io.csv_generic.read_csv_generic`
====================================  ===========================================

Format names follow the one scheme of :mod:`lisse.io.formats`, shared with the impedance readers.
Units: every format here but ``csv`` fixes its units; a generic CSV takes them from its header
(``time/s``, ``Current (mA)``) or from the ``units`` declared by the user (:mod:`lisse.io.column_units`);
a column with neither is refused.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lisse.errors import ReaderError

if TYPE_CHECKING:
    from lisse.records.cycling import CyclingRecord

__all__ = ["read_cycling", "detect_format", "READERS"]


def _biologic_mpr(p, **kw):
    from lisse.io.biologic import read_biologic

    return read_biologic(p, kind="mpr", **kw)


def _biologic_mpt(p, **kw):
    from lisse.io.biologic import read_biologic

    return read_biologic(p, kind="mpt", **kw)


def _nda(p, **kw):
    from lisse.io.neware import read_nda

    return read_nda(p, **kw)


def _neware_csv(p, **kw):
    from lisse.io.neware import read_neware_csv

    return read_neware_csv(p, **kw)


def _neware_xlsx(p, **kw):
    from lisse.io.neware import read_neware_xlsx

    return read_neware_xlsx(p, **kw)


def _arbin_res(p, **kw):
    from lisse.io.arbin import read_arbin_res

    return read_arbin_res(p, **kw)


def _arbin_csv(p, **kw):
    from lisse.io.arbin import read_arbin_csv

    return read_arbin_csv(p, **kw)


def _arbin_xlsx(p, **kw):
    from lisse.io.arbin import read_arbin_xlsx

    return read_arbin_xlsx(p, **kw)


def _land(p, **kw):
    from lisse.io.land import read_land

    return read_land(p, **kw)


def _maccor(p, **kw):
    from lisse.io.maccor import read_maccor

    return read_maccor(p, **kw)


def _generic(p, **kw):
    from lisse.io.csv_generic import read_csv_generic

    return read_csv_generic(p, **kw)


READERS: dict[str, Callable[..., Any]] = {
    "biologic-mpr": _biologic_mpr,
    "biologic-mpt": _biologic_mpt,
    "neware-nda": _nda,
    "neware-csv": _neware_csv,
    "neware-xlsx": _neware_xlsx,
    "arbin-res": _arbin_res,
    "arbin-csv": _arbin_csv,
    "arbin-xlsx": _arbin_xlsx,
    "land-xlsx": _land,
    "maccor-txt": _maccor,
    "csv": _generic,
}


def detect_format(path: str | Path) -> str:
    """Return the key in :data:`READERS` for ``path`` (content first, then extension).

    Parameters
    ----------
    path : str or pathlib.Path
        The cycler file.

    Returns
    -------
    str
        A key of :data:`READERS` (e.g. ``"biologic-mpr"``, ``"csv"``).

    Raises
    ------
    ReaderError
        Missing or empty file, or a binary file of no known kind.
    """
    from lisse.io._readutil import check_path, looks_binary, reading

    check_path(path, "cycler")
    p = Path(path)
    with reading(path, "cycler"), open(p, "rb") as fh:
        head = fh.read(8192)
    if head.startswith(b"BIO-LOGIC MODULAR FILE"):
        return "biologic-mpr"
    if head.lstrip(b"\xef\xbb\xbf").startswith((b"EC-Lab ASCII FILE", b"BT-Lab ASCII FILE")):
        return "biologic-mpt"
    if head.startswith(b"NEWARE"):
        return "neware-nda"
    if b"Standard Jet DB" in head[:32]:
        return "arbin-res"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(p) as zf:
                names = zf.namelist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ReaderError(f"'{path}' starts like a zip/xlsx/ndax archive but is corrupt: {exc}") from None
        if any(n.startswith("xl/") for n in names):
            from lisse.io._xlsx import sheet_names

            with reading(path, "xlsx"):
                sheets = [s.lower() for s in sheet_names(p)]
            if any(s in ("record-tab",) for s in sheets):
                return "land-xlsx"
            if any(s.startswith("record") or re.fullmatch(r"detail(_\d+)+", s) for s in sheets):
                return "neware-xlsx"  # BTSDA names its record sheet 'record' or 'Detail_<unit>_<channel>_<n>'
            from lisse.io.arbin import ARBIN_SHEET

            if any(ARBIN_SHEET.fullmatch(s.strip()) for s in sheets):
                return "arbin-xlsx"
            raise ReaderError(f"xlsx file '{path}' has no known cycler sheet (Record-Tab, record, Detail_..., Channel_<n>_<k>); sheets: {sheets}")
        if any(n.lower().endswith((".nda", ".ndax")) for n in names) or p.suffix.lower() == ".ndax" or any(
            n.lower().endswith(".xml") for n in names
        ):
            return "neware-nda"
        raise ReaderError(f"zip archive '{path}' holds no known cycler file; members: {names[:8]}")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ReaderError(f"'{path}' is UTF-16 text (e.g. Excel's 'Unicode Text'); lisse reads UTF-8, cp1252 or latin-1 "
                          "text: save it as CSV (UTF-8)")
    if looks_binary(head[:2048]):
        raise ReaderError(f"'{path}' is a binary file of no known cycler format (first bytes {head[:16]!r})")
    text = head.decode("latin-1")
    first = text.removeprefix("\u00ef\u00bb\u00bf").splitlines()[0] if text.strip() else ""  # UTF-8 BOM as latin-1
    if first.startswith("Cycle") and "\n," in text and "\n,," in text:
        return "neware-csv"
    if first.startswith(("Data_Point,", "Test_ID,")) or ("Test_Time" in first and ("Data_Point" in first or "Cycle_Index" in first)):
        return "arbin-csv"
    from lisse.io.neware import is_flat_export

    if is_flat_export(text):
        return "neware-csv"
    from lisse.io.maccor import find_maccor_header

    if find_maccor_header(text.lstrip("\ufeff").splitlines()) is not None:  # Rec#, test time, current, voltage, State/Cyc#
        return "maccor-txt"
    return "csv"


def read_cycling(path: str | Path, format: str | None = None, *, units: Any = None, **metadata: Any) -> CyclingRecord:
    """Read any supported cycler file into a :class:`~lisse.records.cycling.CyclingRecord`.

    Parameters
    ----------
    path : str or Path
        The instrument file (read only, never modified).
    format : str, optional
        Force a reader (a name of :func:`lisse.io.formats.names` ``("cycling")``, e.g. ``"biologic-mpr"``,
        ``"neware-nda"``, ``"csv"``); detected from the content otherwise.
    units : str or mapping, optional
        Units of columns whose header carries none: ``"time=s,voltage=V,current=mA"`` or
        ``{"time": "s", "current": "mA"}`` (roles ``time``, ``voltage``, ``current``, ``charge``). A
        generic CSV column without a unit in its header and without a declared unit is refused. For
        formats that fix their units a declared unit must agree with the file's.
    **metadata
        ``area`` [m²], ``active_mass`` [kg], ``loading`` [kg/m²]: SI numbers, or strings with a unit
        (``"0.785 cm2"``, ``"12.5 mg"``, ``"10 mg/cm2"``); for ``csv`` also ``mapping`` and ``current_sign``;
        for ``arbin-xlsx`` also ``channel`` (which channel of a workbook holding several).

    Returns
    -------
    CyclingRecord
        SI columns (time [s], voltage [V], current [A], charge [C]) with provenance (file hash, reader, notes).

    Raises
    ------
    ReaderError
        The file is missing, empty, unreadable, corrupt, truncated or of an unknown kind; a column
        lacks a unit; a declared unit contradicts the file.
    ParameterError
        An unknown format name, a malformed ``units`` text, an option that does not apply.
    """
    from lisse.errors import ParameterError
    from lisse.io.column_units import CYCLING_ROLES, check_declared_against_file, format_units, parse_units
    from lisse.io.formats import check_name

    declared = parse_units(units, CYCLING_ROLES)
    key = check_name(format, "cycling") if format is not None else detect_format(path)
    allowed = {"area", "active_mass", "loading"} | ({"mapping", "current_sign"} if key == "csv" else set()) | (
        {"channel"} if key == "arbin-xlsx" else set())
    extra = set(metadata) - allowed
    if extra:
        raise ParameterError(f"read_cycling: option(s) {sorted(extra)} do not apply to the '{key}' reader of '{path}'; allowed: {sorted(allowed)}")
    if key in ("csv", "maccor-txt"):  # these readers use declared units themselves (a Maccor TestTime may have none)
        try:
            return READERS[key](Path(path), units=declared, **metadata)
        except ReaderError as exc:
            if format is None and key == "csv":
                _refuse_impedance_text(path, exc)
            raise
    rec = READERS[key](Path(path), **metadata)
    if declared:
        file_units = rec.provenance.raw_header.get("units") or {}
        check_declared_against_file(path, declared, file_units, CYCLING_ROLES)
        unused = [r for r in declared if r not in file_units]
        rec.provenance.notes.append(
            f"units declared by the user: {format_units(declared)}; checked against the {key} file's own units"
            + (f" ({', '.join(unused)} not in this file: ignored)" if unused else "")
        )
    return rec


def _refuse_impedance_text(path: str | Path, exc: ReaderError) -> None:
    """Raise a ReaderError naming impedance data when a text file the generic CSV reader refused is an impedance export.

    A Gamry .DTA, a CH Instruments .txt or a CSV with a frequency column and no time column is impedance data; the
    generic reader's complaint about its missing time column would send the user to the wrong fix.
    """
    from lisse.io import eis

    with open(path, "rb") as fh:
        head = fh.read(65536)
    kind = eis.detect_format(path, data=head)
    if kind == "gamry-dta" and b"ZCURVE" not in head:
        return  # every Gamry .DTA starts with EXPLAIN: only one with a ZCURVE table is impedance data (an LSV is not)
    first = head.decode("latin-1", "replace").lstrip("\ufeff").splitlines()[0].lower() if head.strip() else ""
    if kind not in ("csv", "biologic-mpt", "biologic-mpr") or ("freq" in first and "time" not in first):
        what = f"a {kind} impedance export" if kind != "csv" else "impedance data (a frequency column, no time column)"
        raise ReaderError(f"'{path}' is {what}, not a cycler record: read it with `lisse eis` (lisse.io.read_spectra)") from exc

