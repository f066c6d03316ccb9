"""Readers for impedance spectra: one entry point, :func:`read_spectra`, with format auto-detection.

Supported formats (detected from the content first, the file extension second):

=================  ==========================================================================
``biologic-mpt``   EC-Lab ASCII export (.mpt / .txt starting ``EC-Lab ASCII FILE``); several
                   spectra in one file (frequency sweep restarts or ``cycle number`` changes)
                   give several spectra
``biologic-mpr``   EC-Lab binary .mpr (``BIO-LOGIC MODULAR FILE``); both EC-Lab formats are
                   parsed by the low-level readers of :mod:`lisse.io.biologic`
``gamry-dta``      Gamry .DTA (``EXPLAIN`` header, ``ZCURVE TABLE``); decimal commas accepted
``zplot-z``        Scribner ZPlot .z (``ZPLOT2 ASCII`` ... ``End Comments``)
``ivium-idf``      Ivium .idf (``primary_data`` block: Z', Z'', f)
``relaxis-txt``    RelaxIS spectrum export (``RelaxIS`` first line; f, Z', Z'' tab-separated)
``chi-txt``        CH Instruments text export (``Freq/Hz, Z'/ohm, Z"/ohm, ...`` header)
``csv``            plain CSV/TXT: f, Z', Z'' (comma, semicolon, tab or whitespace separated), with
                   or without a header; a header naming ``-Z''``/``-Im`` flips the sign. Units come
                   from the header (``freq/Hz``, ``Zre (ohm)``, ``Z' [kOhm]``) or are declared
                   (``units="frequency=Hz,impedance=ohm"``); a column with neither is refused
=================  ==========================================================================

Format names are those of :mod:`lisse.io.formats`, shared with the cycler readers. Every format but
``csv`` fixes its units (Hz and ohm).

Every spectrum carries provenance in ``metadata``: ``source`` (path), ``sha256`` (of the file
bytes), ``reader`` and ``index`` (spectrum number in the file), ``units`` (the column units used)
and, when the user declared units, ``declared_units``. Bad files raise
:class:`~lisse.errors.ReaderError` naming the file, what was expected and what was found. Input
files are only read, never modified.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import ReaderError
from lisse.io import formats as _formats
from lisse.records.spectrum import EISSpectrum

__all__ = ["read_spectra", "read_spectrum", "detect_format", "FORMATS", "spectra_from_arrays"]

_FLOAT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
def _text(data: bytes) -> str:
    for enc in ("utf-8",):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def _num(tok: str) -> float:
    tok = tok.strip()
    if "," in tok and "." not in tok:
        tok = tok.replace(",", ".")
    return float(tok)


def _cplx(re_: np.ndarray, im_: np.ndarray) -> np.ndarray:
    """Complex array from real and imaginary parts (no arithmetic, so no warnings on inf/nan)."""
    z = np.empty(np.shape(re_), dtype=complex)
    z.real = re_
    z.imag = im_
    return z


def _numeric_row(tokens: list[str]) -> list[float] | None:
    toks = [t for t in (s.strip() for s in tokens) if t != ""]
    if not toks or not all(_FLOAT.match(t) for t in toks):
        return None
    try:
        return [_num(t) for t in toks]
    except ValueError:
        return None


def _split_sweeps(f: np.ndarray, cycle: np.ndarray | None = None) -> list[slice]:
    """Split a concatenated series of frequency sweeps into one slice per sweep.

    A new sweep starts where the ``cycle`` label changes, or where the frequency steps against the
    sweep's own direction (a restart of the sweep).
    """
    n = f.size
    if n < 2:
        return [slice(0, n)]
    starts = [0]
    d = np.diff(np.log(f))
    direction = np.sign(np.median(d[d != 0])) if np.any(d != 0) else -1.0
    for i in range(1, n):
        new = False
        if cycle is not None and cycle[i] != cycle[i - 1]:
            new = True
        elif d[i - 1] * direction < 0 and abs(d[i - 1]) > 1e-9:
            new = True
        if new and i - starts[-1] >= 1:
            starts.append(i)
    bounds = starts + [n]
    return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:]) if b > a]


def spectra_from_arrays(
    f: np.ndarray,
    z: np.ndarray,
    *,
    source: str,
    sha256: str,
    reader: str,
    cycle: np.ndarray | None = None,
    extra: dict | None = None,
    area: float | None = None,
    thickness: float | None = None,
    temperature: float | None = None,
) -> list[EISSpectrum]:
    """Build one :class:`EISSpectrum` per sweep from concatenated arrays (f [Hz], Z [ohm])."""
    f = np.asarray(f, float)
    z = np.asarray(z, complex)
    good = np.isfinite(f) & (f > 0) & np.isfinite(z)
    if not good.any():
        raise ReaderError(f"{source}: expected impedance rows with f > 0, found none usable")
    f, z = f[good], z[good]
    cyc = None if cycle is None else np.asarray(cycle)[good]
    out = []
    stem = Path(source).stem
    slices = _split_sweeps(f, cyc)
    for k, s in enumerate(slices):
        meta = {"source": source, "sha256": sha256, "reader": reader, "index": k, "n_spectra_in_file": len(slices)}
        if extra:
            meta.update(extra)
        label = stem if len(slices) == 1 else f"{stem}#{k}"
        out.append(EISSpectrum(f[s], z[s], area=area, thickness=thickness, temperature=temperature, label=label, metadata=meta))
    return out


# ------------------------------------------------------------------------------------------------
# format readers: (text, path) -> (f, Z, cycle or None, extra metadata)
# ------------------------------------------------------------------------------------------------
def _parse_gamry(text: str, src: str):
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if re.match(r"^ZCURVE\s+TABLE", ln)), None)
    if start is None:
        raise ReaderError(f"{src}: Gamry file has no 'ZCURVE TABLE' block (not an impedance measurement?)")
    if start + 1 >= len(lines):
        raise ReaderError(f"{src}: Gamry 'ZCURVE TABLE' block is cut off before its column header (truncated file?)")
    cols = [c.strip() for c in lines[start + 1].split("\t")]
    try:
        i_f, i_re, i_im = cols.index("Freq"), cols.index("Zreal"), cols.index("Zimag")
    except ValueError:
        raise ReaderError(f"{src}: Gamry ZCURVE header lacks Freq/Zreal/Zimag; found {cols}") from None
    rows = []
    for ln in lines[start + 3 :]:
        parts = ln.split("\t")
        if len(parts) <= max(i_f, i_re, i_im) or not ln.startswith("\t"):
            break
        try:
            rows.append((_num(parts[i_f]), _num(parts[i_re]), _num(parts[i_im])))
        except ValueError:
            break
    if not rows:
        raise ReaderError(f"{src}: Gamry ZCURVE table is empty")
    a = np.array(rows)
    extra = {}
    m = re.search(r"^AREA\tQUANT\t([^\t]+)\t", text, flags=re.M)
    if m:
        try:
            extra["instrument_area_cm2"] = _num(m.group(1))
        except ValueError:
            pass  # a damaged header field is not needed for the impedance data
    return a[:, 0], _cplx(a[:, 1], a[:, 2]), None, extra


def _parse_zplot(text: str, src: str):
    lines = text.splitlines()
    end = next((i for i, ln in enumerate(lines) if ln.strip().lower() == "end comments"), None)
    if end is None:
        raise ReaderError(f"{src}: ZPlot file without an 'End Comments' line")
    header = None
    for ln in lines[:end]:
        if "Freq" in ln and "Z'" in ln:
            header = [c.strip() for c in ln.split("\t")]
    i_f, i_re, i_im = 0, 4, 5
    if header:
        try:
            i_f = next(i for i, c in enumerate(header) if c.startswith("Freq"))
            i_re = next(i for i, c in enumerate(header) if c.startswith("Z'") and not c.startswith("Z''"))
            i_im = next(i for i, c in enumerate(header) if c.startswith("Z''"))
        except StopIteration:
            raise ReaderError(f"{src}: ZPlot header lacks Freq/Z'/Z'' columns: {header}") from None
    rows = []
    for ln in lines[end + 1 :]:
        vals = _numeric_row(re.split(r"[\t,]", ln))
        if vals is None:
            continue
        if len(vals) <= max(i_f, i_re, i_im):
            raise ReaderError(f"{src}: ZPlot data row has {len(vals)} columns, expected at least {max(i_f, i_re, i_im) + 1}: {ln[:80]!r}")
        rows.append((vals[i_f], vals[i_re], vals[i_im]))
    if not rows:
        raise ReaderError(f"{src}: ZPlot file has no data rows after 'End Comments'")
    a = np.array(rows)
    return a[:, 0], _cplx(a[:, 1], a[:, 2]), None, {}


def _parse_ivium(text: str, src: str):
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.strip() == "primary_data"), None)
    if start is None:
        raise ReaderError(f"{src}: Ivium .idf without a 'primary_data' block")
    try:
        ncol = int(lines[start + 1].split()[0])
        nrow = int(lines[start + 2].split()[0])
    except (IndexError, ValueError):
        raise ReaderError(f"{src}: Ivium 'primary_data' block lacks its column/row counts") from None
    if ncol < 3:
        raise ReaderError(f"{src}: Ivium impedance data needs 3 columns (Z', Z'', f); found {ncol}")
    rows = []
    for ln in lines[start + 3 : start + 3 + nrow]:
        vals = _numeric_row(ln.split())
        if vals is None or len(vals) < 3:
            raise ReaderError(f"{src}: malformed Ivium data row {ln[:80]!r}")
        rows.append(vals[:3])
    if len(rows) != nrow:
        raise ReaderError(f"{src}: Ivium block announces {nrow} rows but has {len(rows)} (truncated file?)")
    a = np.array(rows)
    return a[:, 2], _cplx(a[:, 0], a[:, 1]), None, {}


def _parse_relaxis(text: str, src: str):
    lines = text.splitlines()
    cols = None
    rows = []
    for ln in lines[1:]:
        parts = ln.split("\t")
        if cols is None and "Frequency" in ln:
            cols = [c.strip() for c in parts]
            continue
        vals = _numeric_row(parts)
        if vals is not None and len(vals) >= 3:
            rows.append(vals)
    if cols is None or not rows:
        raise ReaderError(f"{src}: RelaxIS export without a 'Frequency' header or data rows")
    try:
        i_f = next(i for i, c in enumerate(cols) if "Frequency" in c)
        i_re = next(i for i, c in enumerate(cols) if c.endswith("Z'"))
        i_im = next(i for i, c in enumerate(cols) if c.endswith("Z''"))
    except StopIteration:
        raise ReaderError(f"{src}: RelaxIS header lacks Frequency/Z'/Z'': {cols}") from None
    need = max(i_f, i_re, i_im) + 1
    rows = [r[:need] for r in rows if len(r) >= need]
    if not rows:
        raise ReaderError(f"{src}: RelaxIS export has no complete data rows (f, Z', Z'')")
    a = np.array(rows)
    return a[:, i_f], _cplx(a[:, i_re], a[:, i_im]), None, {}


def _parse_chi(text: str, src: str):
    lines = text.splitlines()
    hdr = next((i for i, ln in enumerate(lines) if ln.replace(" ", "").startswith("Freq/Hz")), None)
    if hdr is None:
        raise ReaderError(f"{src}: CHI text export without a 'Freq/Hz, Z'/ohm, Z\"/ohm' header")
    cols = [c.strip() for c in lines[hdr].split(",")]
    try:
        i_f = 0
        i_re = next(i for i, c in enumerate(cols) if c.startswith("Z'"))
        i_im = next(i for i, c in enumerate(cols) if c.startswith('Z"') or c.startswith("Z''"))
    except StopIteration:
        raise ReaderError(f"{src}: CHI header lacks Z'/Z\" columns: {cols}") from None
    rows = []
    for ln in lines[hdr + 1 :]:
        vals = _numeric_row(ln.split(","))
        if vals is not None and len(vals) > max(i_re, i_im):
            rows.append((vals[i_f], vals[i_re], vals[i_im]))
    if not rows:
        raise ReaderError(f"{src}: CHI file has a header but no data rows")
    a = np.array(rows)
    # CHI stores Z" as the imaginary part itself (negative for a capacitive arc)
    return a[:, 0], _cplx(a[:, 1], a[:, 2]), None, {}


def _header_unit(name: str, role: str, src: str) -> str | None:
    """The unit written in a column name (``freq/Hz``, ``Zre (ohms)``, ``Z' [kOhm]``), or None.

    A bracketed part that is not a unit at all (``Im(Z)``) counts as no unit; a unit of the wrong
    dimension (``Z' (mV)``) is an error.
    """
    from lisse.errors import UnitError
    from lisse.io.column_units import EIS_ROLES, normalise_unit, unit_factor
    from lisse.units import si_unit

    m = re.match(r"^\s*(.*?)\s*(?:/\s*([^/]+?)|\(([^()]*)\)|\[([^\[\]]*)\])\s*$", name)
    if not m or not m.group(1):
        m2 = re.match(r"^(.*?)_([A-Za-z\u00b5\u03a9]+)$", name)  # freq_Hz, Zre_ohm
        if not m2:
            return None
        unit = m2.group(2)
    else:
        unit = next(g for g in m.groups()[1:] if g is not None).strip()
    try:
        unit_factor(unit, role, EIS_ROLES, f"{src}: column '{name}'")
    except UnitError:
        try:
            si_unit(normalise_unit(unit))
        except UnitError:
            return None  # not a unit at all (e.g. the 'Z' of 'Im(Z)')
        raise ReaderError(f"{src}: column '{name}' has the unit '{unit}', which is not {'a frequency' if role == 'frequency' else 'a resistance'}") from None
    return unit


_F_NAME = re.compile(r"f|freq|frequency", re.I)
_RE_NAME = re.compile(r"z'|zre|z_re|zreal|z_real|re\(z\)|real\(z\)|re|real|z\s*real|z\s*re", re.I)
_IM_NAME = re.compile(r"-?\s*(z''|z\"|zim|z_im|zimag|z_imag|im\(z\)|imag\(z\)|im|imag|z\s*imag|z\s*im)", re.I)


def _base_name(name: str) -> str:
    """Column name without its unit: 'Zre (ohms)' -> 'Zre', 'freq/Hz' -> 'freq', 'Zre_ohm' -> 'Zre'."""
    m = re.match(r"^\s*(.*?)\s*(?:/\s*[^/]+?|\([^()]*\)|\[[^\[\]]*\])\s*$", name)
    b = m.group(1) if m and m.group(1) and not re.fullmatch(r"(?i)-?\s*(re|im|real|imag)", m.group(1)) else name
    b = re.sub(r"(?i)_(hz|khz|mhz|ohms?|kohms?|mohms?)$", "", b.strip())
    return b.strip()


def _parse_csv(text: str, src: str, declared: dict[str, str] | None = None):
    from lisse.io.column_units import EIS_ROLES, check_declared_against_file, missing_units_message, unit_factor

    declared = dict(declared or {})
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise ReaderError(f"{src}: empty file (expected columns f, Z', Z'')")
    sample = "\n".join(lines[:20])
    if "\t" in sample:
        splitter = lambda s: s.split("\t")  # noqa: E731
    elif ";" in sample:
        splitter = lambda s: s.split(";")  # noqa: E731
    elif "," in sample and re.search(r"\d,\d", sample) is None or sample.count(",") >= 2 * len(lines[:20]):
        splitter = lambda s: s.split(",")  # noqa: E731
    else:
        splitter = lambda s: s.split()  # noqa: E731
    header = None
    rows = []
    marks: dict[str, str] = {}  # first number written with a decimal point / with a comma
    for ln in lines:
        parts = splitter(ln)
        vals = _numeric_row(parts)
        if vals is None:
            if rows:
                raise ReaderError(f"{src}: non-numeric row after data started: {ln[:80]!r}")
            header = [p.strip() for p in parts if p.strip()]
            continue
        for t in parts:
            t = t.strip()
            for mark in ".,":
                if mark in t and mark not in marks:
                    marks[mark] = t
        rows.append(vals)
    if len(marks) == 2:
        raise ReaderError(
            f"{src}: numbers are written both with a decimal point (e.g. '{marks['.']}') and with a comma "
            f"(e.g. '{marks[',']}'): thousands separators or decimal commas? Export without thousands separators "
            "and with one decimal mark"
        )
    if not rows:
        raise ReaderError(f"{src}: no numeric rows (expected columns f, Z', Z'')")
    width = min(len(r) for r in rows)
    if width < 3:
        raise ReaderError(f"{src}: expected at least 3 numeric columns (f, Z', Z''), found {width}")
    a = np.array([r[:width] for r in rows])
    i_f, i_re, i_im, sign = 0, 1, 2, 1.0
    names: list[str] = ["", "", ""]
    if header is not None and len(header) >= 3:
        low = [h.lower().replace(" ", "") for h in header]

        def find(pred: Callable[[str], bool]) -> int | None:
            return next((i for i, h in enumerate(low) if pred(h)), None)

        base = [_base_name(h) for h in header]
        # exact column names first (so 'Current (A)' or 'Elapsed Time (s)' are never taken for Z), then substrings
        jf = next((i for i, b in enumerate(base) if _F_NAME.fullmatch(b)), None)
        jre = next((i for i, b in enumerate(base) if _RE_NAME.fullmatch(b)), None)
        jim = next((i for i, b in enumerate(base) if _IM_NAME.fullmatch(b)), None)
        if jf is None or jre is None or jim is None:
            jf = find(lambda h: h.startswith("f") or "freq" in h)
            # 'im' is also in 'time': a time column is never Z'' ('Time (s),...,-Z Imaginary (ohm)')
            jim = find(lambda h: ("im" in h and "time" not in h) or "z''" in h or 'z"' in h or "zimag" in h or "z_imag" in h)
            jre = find(lambda h: ("re" in h and "freq" not in h) or (h.startswith("z'") and not h.startswith("z''")))
        if jf is not None and jim is not None and jre is not None and max(jf, jre, jim) < width:
            i_f, i_re, i_im = jf, jre, jim
            if low[jim].startswith("-"):
                sign = -1.0
        if len(header) >= max(i_f, i_re, i_im) + 1:
            names = [header[i_f], header[i_re], header[i_im]]
    # units: from the header, else declared; a column with neither is refused
    hu = {"f": _header_unit(names[0], "frequency", src) if names[0] else None,
          "re": _header_unit(names[1], "impedance", src) if names[1] else None,
          "im": _header_unit(names[2], "impedance", src) if names[2] else None}
    if hu["f"]:
        check_declared_against_file(src, {k: v for k, v in declared.items() if k == "frequency"}, {"frequency": hu["f"]}, EIS_ROLES)
    for k in ("re", "im"):
        if hu[k]:
            check_declared_against_file(src, {k2: v for k2, v in declared.items() if k2 == "impedance"}, {"impedance": hu[k]}, EIS_ROLES)
    missing: dict[str, str] = {}
    used: dict[str, str] = {}
    source: dict[str, str] = {}
    for k, role, nm in (("f", "frequency", names[0]), ("re", "impedance", names[1]), ("im", "impedance", names[2])):
        if hu[k]:
            source[k] = "header"
        elif role in declared:
            hu[k] = declared[role]
            used[role] = declared[role]
            source[k] = "declared"
        elif role not in missing:
            missing[role] = nm
        elif nm:
            missing[role] = f"{missing[role]}', '{nm}" if missing[role] else nm
    if missing:
        raise ReaderError(missing_units_message(src, missing, EIS_ROLES, "eis"))
    sf = unit_factor(hu["f"], "frequency", EIS_ROLES, src)
    sre = unit_factor(hu["re"], "impedance", EIS_ROLES, src)
    sim = unit_factor(hu["im"], "impedance", EIS_ROLES, src)
    extra = {"columns": header, "units": {"frequency": hu["f"], "z_real": hu["re"], "z_imag": hu["im"]}, "units_source": source}
    if used:
        extra["declared_units"] = ",".join(f"{r}={u}" for r, u in used.items())
    # multiply only when a unit is not the SI one, so files in Hz and ohm keep their exact values
    f = a[:, i_f] * sf if sf != 1.0 else a[:, i_f]
    re_ = a[:, i_re] * sre if sre != 1.0 else a[:, i_re]
    im_ = a[:, i_im] * sim if sim != 1.0 else a[:, i_im]
    return f, _cplx(re_, sign * im_), None, extra


def _read_biologic(path: Path, src: str, binary: bool):
    """EC-Lab .mpr / .mpt impedance columns via the low-level parsers of :mod:`lisse.io.biologic`."""
    from lisse.io import biologic

    if binary:
        cols, header = biologic.read_mpr(path)
    else:
        df, header = biologic.read_mpt(path)
        cols = {c: df[c].to_numpy() for c in df.columns}
    names = {k.lower(): k for k in cols}

    def col(*cands):
        for c in cands:
            if c.lower() in names:
                return np.asarray(cols[names[c.lower()]], float)
        return None

    f = col("freq/Hz")
    re_ = col("Re(Z)/Ohm")
    im_ = col("-Im(Z)/Ohm")
    if f is None or re_ is None or im_ is None:
        raise ReaderError(f"{src}: EC-Lab file holds no impedance columns (freq/Hz, Re(Z)/Ohm, -Im(Z)/Ohm); found {list(cols)[:12]}")
    cyc = col("cycle number")
    return f, _cplx(re_, -im_), cyc, {}


_TEXT_READERS = {
    "gamry-dta": _parse_gamry,
    "zplot-z": _parse_zplot,
    "ivium-idf": _parse_ivium,
    "relaxis-txt": _parse_relaxis,
    "chi-txt": _parse_chi,
}
#: impedance formats (names of :mod:`lisse.io.formats`)
FORMATS = tuple(_formats.names("eis"))


def detect_format(path: str | Path, data: bytes | None = None) -> str:
    """Guess the file format from its content (first) and extension (second)."""
    path = Path(path)
    if data is None:
        data = path.read_bytes()
    head = data[:4096]
    if head.startswith(b"BIO-LOGIC MODULAR FILE"):
        return "biologic-mpr"
    text = _text(head)
    first = text.lstrip().splitlines()[0].strip() if text.strip() else ""
    if first.startswith("EC-Lab ASCII FILE") or "freq/Hz\tRe(Z)/Ohm" in text:
        return "biologic-mpt"
    if first.startswith("EXPLAIN") or b"ZCURVE\tTABLE" in data:
        return "gamry-dta"
    if first.startswith("ZPLOT") or "End Comments" in text:
        return "zplot-z"
    if b"primary_data" in data and (path.suffix.lower() == ".idf" or b"Method=" in data):
        return "ivium-idf"
    if first.startswith("RelaxIS"):
        return "relaxis-txt"
    if re.search(r"^\s*Freq/Hz\s*,\s*Z'/ohm", text, flags=re.M | re.I):
        return "chi-txt"
    ext = path.suffix.lower()
    by_ext = {".mpr": "biologic-mpr", ".mpt": "biologic-mpt", ".dta": "gamry-dta", ".z": "zplot-z", ".idf": "ivium-idf"}
    if ext in by_ext:
        return by_ext[ext]
    return "csv"


def read_spectra(
    path: str | Path,
    *,
    format: str | None = None,
    units: Any = None,
    area: float | str | None = None,
    thickness: float | str | None = None,
    temperature: float | str | None = None,
) -> list[EISSpectrum]:
    """Read every impedance spectrum in a file.

    Parameters
    ----------
    path : str or Path
        The instrument file.
    format : str, optional
        One of :data:`FORMATS` (the names of :mod:`lisse.io.formats`); detected from the content when omitted.
    units : str or mapping, optional
        Units of columns whose header carries none (plain CSV/TXT): ``"frequency=Hz,impedance=ohm"``
        or ``{"frequency": "kHz", "impedance": "kohm"}``; ``impedance`` covers Z' and Z''. A plain
        CSV column with neither a header unit nor a declared one is refused. For the other formats,
        which fix their units (Hz, ohm), a declared unit must agree with them.
    area : float or str, optional
        Electrode area: an SI number in m², or a string with a unit such as ``"0.785 cm2"``.
    thickness : float or str, optional
        Electrolyte thickness: an SI number in m, or a string with a unit such as ``"0.8 mm"``.
    temperature : float or str, optional
        Temperature: a number in K, or e.g. ``"-25 degC"``.

    Returns
    -------
    list of EISSpectrum
        One spectrum per frequency sweep found in the file, in file order.

    Raises
    ------
    ReaderError
        Missing, empty, unreadable, corrupt or truncated file; a column without a unit; a declared
        unit contradicting the file.
    ParameterError
        Unknown format name, malformed ``units``.
    """
    from lisse.io._readutil import check_path, reading
    from lisse.io.column_units import EIS_ROLES, check_declared_against_file, parse_units
    from lisse.units import as_si

    declared = parse_units(units, EIS_ROLES)
    if format is not None:
        _formats.check_name(format, "eis")
    a = None if area is None else as_si(area, "cm**2", "area")
    t = None if thickness is None else as_si(thickness, "cm", "thickness")
    T = None if temperature is None else as_si(temperature, "K", "temperature")
    path = Path(path) if isinstance(path, (str, Path)) else path
    src = str(path)
    check_path(path, "impedance")
    with reading(src, "impedance"):
        data = path.read_bytes()
    if not data.strip():
        raise ReaderError(f"{src}: the file is empty (only white space)")
    sha = hashlib.sha256(data).hexdigest()
    fmt = format or detect_format(path, data)
    with reading(src, _formats.FORMATS[fmt].description):
        if fmt in ("biologic-mpr", "biologic-mpt"):
            f, z, cyc, extra = _read_biologic(path, src, binary=fmt == "biologic-mpr")
        elif fmt == "csv":
            f, z, cyc, extra = _parse_csv(_text(data), src, declared)
        else:
            f, z, cyc, extra = _TEXT_READERS[fmt](_text(data), src)
    if fmt != "csv":  # the format fixes its units
        check_declared_against_file(src, declared, {"frequency": "Hz", "impedance": "ohm"}, EIS_ROLES)
        extra = {**extra, "units": {"frequency": "Hz", "z_real": "ohm", "z_imag": "ohm"}}
        if declared:
            extra["declared_units"] = ",".join(f"{r}={u}" for r, u in declared.items()) + " (checked against the format's units)"
    return spectra_from_arrays(f, z, source=src, sha256=sha, reader=fmt, cycle=cyc, extra=extra, area=a, thickness=t, temperature=T)


def read_spectrum(path: str | Path, index: int = 0, *, format: str | None = None, units: Any = None, **kwargs: Any) -> EISSpectrum:
    """Read one spectrum (``index`` into :func:`read_spectra`; ``format``, ``units`` and the other keywords as there)."""
    sp = read_spectra(path, format=format, units=units, **kwargs)
    if not -len(sp) <= index < len(sp):
        raise ReaderError(f"{path}: asked for spectrum {index} but the file holds {len(sp)}")
    return sp[index]
