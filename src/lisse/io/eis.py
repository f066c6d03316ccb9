"""Readers for impedance spectra: one entry point, :func:`read_spectra`, with format auto-detection.

Supported formats (detected from the content first, the file extension second):

===================  ==========================================================================
``biologic-mpt``     EC-Lab ASCII export (.mpt / .txt starting ``EC-Lab ASCII FILE``); several
                     spectra in one file (frequency sweep restarts or ``cycle number`` changes)
                     give several spectra
``biologic-mpr``     EC-Lab binary .mpr (``BIO-LOGIC MODULAR FILE``); both EC-Lab formats are
                     parsed by the low-level readers of :mod:`lisse.io.biologic`
``gamry-dta``        Gamry .DTA (``EXPLAIN`` header, ``ZCURVE TABLE``; rows split on any white
                     space); decimal commas accepted. The uncorrected ``Zreal``/``Zimag`` are read
                     (a note says when drift-corrected columns are present)
``zplot-z``          Scribner ZPlot .z (``ZPLOT2 ASCII`` ... ``End Comments``) and the ZPlot/ZView
                     for Windows variant (``"ZPlotW Data File"``, ``"Z60W Data File"``: a quoted
                     ``Freq(Hz) ... Z'(a) Z''(b)`` header, comma-separated rows), also written by
                     Autolab's ZView export
``ivium-idf``        Ivium .idf (``primary_data`` block: Z', Z'', f)
``ivium-ids``        Ivium .ids: several .idf-like datasets, one spectrum each (every dataset is
                     returned; a dataset that is not an impedance measurement is skipped with a note)
``relaxis-txt``      RelaxIS spectrum export (``RelaxIS`` first line; f, Z', Z'' tab-separated)
``chi-txt``          CH Instruments text export (``Freq/Hz, Z'/ohm, Z"/ohm, Z/ohm, Phase/deg``)
``versastudio-par``  Princeton Applied Research VersaStudio .par: every ``<SegmentN>`` whose
                     ``Definition=`` names Frequency(Hz), Z Real, Z Imag (Hz, ohm) is one spectrum
``csv``              plain CSV/TXT (comma, semicolon, tab or white space separated; Parstat /
                     VersaStudio text exports, PowerSuite, Nova/Autolab, PalmSens, Zahner, Maccor and other
                     exports), columns found by their header (below); without a header, exactly
                     three columns f, Z', Z''. Units come from the header (``freq/Hz``,
                     ``Zre (ohms)``, ``Z' [kOhm]``) or are declared
                     (``units="frequency=Hz,impedance=ohm"``); a column with neither is refused
===================  ==========================================================================

Column names (text formats) are matched whole, never as substrings (so ``Time (s)`` or
``Current (A)`` are never read as impedance): the name is split into an optional sign prefix
(``-``, ``−``), a base name and a unit suffix (``/Hz``, ``(ohm)``, ``[kΩ]``, ``_ohm``); the base
name (case, spaces, ``_`` and ``.`` ignored; a ``(Z)`` qualifier and the ZPlot ``(a)``/``(b)``
markers dropped) must be one of

- frequency: ``f``, ``freq``, ``frequency``; angular ``omega``, ``w``, ``ω`` (unit rad/s);
- Z': ``Z'``, ``Zre``, ``Zreal``, ``Re``, ``Real``, ``Re(Z)``, ``Re Z``, ``Z real`` ...;
- Z'': ``Z''``, ``Z"``, ``Z″``, ``Zim``, ``Zimag``, ``Zimg``, ``Im``, ``Imag``, ``Im(Z)``, ``Z imaginary`` ...;
- |Z|: ``|Z|``, ``Z``, ``Zmod``, ``Mod(Z)``, ``Modulus``, ``Magnitude``, ``Impedance`` ...;
- phase: ``Phase``, ``Phase(Z)``, ``Zphz``, ``Phz``, ``Phi``, ``θ``, ``Theta`` ... (``deg``/``°``/``rad``).

A leading minus means the column holds the negative (``-Z''``, ``-Im(Z)``, ``-Phase``); a Z''
column without it holds the imaginary part with its physical sign (negative for a capacitive
arc). |Z| and phase give ``Z = |Z| (cos φ + j sin φ)`` when Z', Z'' are absent; when both are
present they are checked against each other (a Z'' column whose sign contradicts the phase
column is refused). Two columns for one quantity, or no recognisable frequency/impedance
columns, are refused with a one-line message listing the columns; ``columns=`` names them
explicitly (``{"frequency": "Freq", "z_real": "Zre", "-z_imag": "Zim"}``; a ``-`` before the
role means the column holds its negative).

Rows: a malformed row inside the data is an error naming its line; a last row cut off by a
truncated file is dropped with a note (never read as a shorter number); rows at frequency 0 (the
DC part of a Parstat run, other techniques of an EC-Lab file) are skipped with a counted note.
Notes are in ``metadata["notes"]`` (a list of str, empty when there is nothing to say).

Format names are those of :mod:`lisse.io.formats`, shared with the cycler readers. Every format but
``csv`` fixes its units (Hz and ohm).

Every spectrum carries provenance in ``metadata``: ``source`` (path), ``sha256`` (of the file
bytes), ``reader`` and ``index`` (spectrum number in the file), ``units`` (the column units used),
``notes`` and, when the user declared units, ``declared_units``. Bad files raise
:class:`~lisse.errors.ReaderError` naming the file, what was expected and what was found. Input
files are only read, never modified.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from lisse.errors import ParameterError, ReaderError
from lisse.io import formats as _formats
from lisse.records.spectrum import EISSpectrum

__all__ = ["read_spectra", "read_spectrum", "detect_format", "FORMATS", "spectra_from_arrays"]

_FLOAT = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
#: column roles of :func:`read_spectra`'s ``columns=`` mapping
ROLES = ("frequency", "z_real", "z_imag", "modulus", "phase")


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
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


def _clean(tok: str) -> str:
    t = tok.strip().lstrip("\ufeff")
    if len(t) >= 2 and t[0] == t[-1] and t[0] in "\"'":
        t = t[1:-1].strip()
    return t


def _fields(line: str, split: Callable[[str], list[str]]) -> list[str]:
    toks = [_clean(t) for t in split(line)]
    while toks and toks[-1] == "":
        toks.pop()
    return toks


def _numeric_row(tokens: list[str]) -> list[float] | None:
    toks = [t for t in (_clean(s) for s in tokens) if t != ""]
    if not toks or not all(_FLOAT.match(t) for t in toks):
        return None
    try:
        return [_num(t) for t in toks]
    except ValueError:
        return None


def _shape(tok: str) -> tuple[bool, int, int, int]:
    """(has exponent, digits after the decimal mark, significant digits, exponent digits) of a number."""
    t = tok.strip().lstrip("+-")
    m = re.match(r"^([^eE]*)(?:[eE]([+-]?)(\d*))?$", t)
    mant = m.group(1) if m else t
    has_exp = "e" in t.lower()
    edig = len(m.group(3) or "") if m else 0
    parts = re.split(r"[.,]", mant, maxsplit=1)
    after = len(parts[1]) if len(parts) == 2 else 0
    sig = len(re.sub(r"[.,]", "", mant).lstrip("0"))
    return has_exp, after, sig, edig


def _looks_cut(tok: str, previous: list[str]) -> bool:
    """Is ``tok`` (the last characters of a file without a final line break) a cut-off number?

    Compared with the same column in the rows above (zeros ignored): an exponent missing or
    shorter, fewer decimals than every row above in a fixed-decimal column, or fewer significant
    digits than every row above.
    """
    if not _FLOAT.match(tok):
        return True
    prev = [sh for sh in (_shape(p) for p in previous if _FLOAT.match(p)) if sh[2] > 0]
    if not prev:
        return False
    e, after, sig, edig = _shape(tok)
    if all(p[0] for p in prev) and (not e or edig < min(p[3] for p in prev)):
        return True
    if not any(p[0] for p in prev) and after < min(p[1] for p in prev):
        return True
    return 0 < sig < min(p[2] for p in prev) or (sig == 0 and not e and len(tok.strip().lstrip("+-")) < min(p[2] for p in prev))


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


def _ranges(nums: list[int]) -> str:
    """'3-5, 9' from [3, 4, 5, 9] (at most 6 ranges shown)."""
    out: list[list[int]] = []  # [first, last] of each run
    for n in sorted(nums):
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in out]
    return ", ".join(parts[:6]) + (f" and {len(parts) - 6} more ranges" if len(parts) > 6 else "")


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
    lines: np.ndarray | None = None,
    notes: list[str] | None = None,
    split: bool = True,
    temperature_points: np.ndarray | None = None,
    first_index: int = 0,
    n_in_file: int | None = None,
) -> list[EISSpectrum]:
    """Build one :class:`EISSpectrum` per sweep from concatenated arrays (f [Hz], Z [ohm]).

    Rows at frequency 0 are not impedance points (the DC part of a run, another technique of the
    same file): they are skipped and counted in a note. A negative or non-finite frequency, or a
    non-finite impedance, is an error naming the row (``lines``: file line numbers, else data-row
    numbers counted from 1).

    Parameters
    ----------
    f : numpy.ndarray
        Frequencies of all rows [Hz].
    z : numpy.ndarray
        Complex impedance of all rows [ohm] (Z' + i Z'').
    source : str
        The file the rows came from (provenance).
    sha256 : str
        The file's SHA-256 (provenance).
    reader : str
        The reader's name (provenance).
    cycle : numpy.ndarray, optional
        The instrument's cycle index of each row (a change starts a new sweep).
    extra : dict, optional
        Extra metadata stored on every spectrum.
    area : float, optional
        Electrode area [m2].
    thickness : float, optional
        Electrolyte thickness [m].
    temperature : float, optional
        Temperature [K] of every spectrum (overrides ``temperature_points``).
    lines : numpy.ndarray, optional
        File line number (an index from 1) of each row, for messages.
    notes : list of str, optional
        Reader notes stored on every spectrum.
    split : bool
        Split the rows into sweeps (frequency restarts, ``cycle`` changes); False keeps them as one spectrum.
    temperature_points : array, optional
        Temperature [K] the instrument logged at each row (EC-Lab ``Temperature/°C``). When ``temperature``
        is not given, each spectrum gets the mean over its points; a spread above
        :data:`TEMPERATURE_SPREAD_K` is noted. Readings of an absent probe are ignored (see
        :func:`_logged_temperature`).
    first_index, n_in_file : int
        Index of the first spectrum in the file and the file's spectrum count (for files whose
        datasets are read one by one, e.g. Ivium .ids).

    Returns
    -------
    list of EISSpectrum
        One spectrum per sweep, SI (Hz, ohm).

    Raises
    ------
    ReaderError
        A negative or non-finite frequency, or a non-finite impedance (naming the row).
    """
    f = np.asarray(f, float)
    z = np.asarray(z, complex)
    notes = list(notes or [])
    where = "line" if lines is not None else "data row"
    ln = np.asarray(lines) if lines is not None else np.arange(1, f.size + 1)
    bad = ~np.isfinite(f) | (f < 0) | ~np.isfinite(z)
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ReaderError(
            f"{source}: {where} {ln[k]}: expected a frequency >= 0 Hz and a finite impedance, found f = {float(f[k])!r} Hz, "
            f"Z = {complex(z[k])!r} ohm ({int(bad.sum())} such rows; corrupted file?)"
        )
    zero = f == 0
    if zero.any():
        notes.append(
            f"{int(zero.sum())} rows at frequency 0 skipped (not impedance points, e.g. the DC part of the run; "
            f"{where}s {_ranges([int(x) for x in ln[zero]])})"
        )
    if zero.all():
        raise ReaderError(f"{source}: expected impedance rows with f > 0, found none usable ({f.size} rows, all at frequency 0)")
    good = ~zero
    f, z = f[good], z[good]
    cyc = None if cycle is None else np.asarray(cycle)[good]
    tp = None if temperature_points is None or temperature is not None else np.asarray(temperature_points, float)[good]
    out = []
    stem = Path(source).stem
    slices = _split_sweeps(f, cyc) if split else [slice(0, f.size)]
    total = n_in_file if n_in_file is not None else len(slices)
    for k, s in enumerate(slices):
        idx = first_index + k
        meta: dict[str, Any] = {"source": source, "sha256": sha256, "reader": reader, "index": idx, "n_spectra_in_file": total}
        if extra:
            meta.update(extra)
        meta["notes"] = list(notes)
        n_dup = f[s].size - np.unique(f[s]).size
        if n_dup:
            meta["notes"].append(f"{n_dup} frequencies appear more than once in this sweep (repeated points are kept as measured)")
        label = stem if total == 1 else f"{stem}#{idx}"
        T = temperature if tp is None else _logged_temperature(tp[s], meta["notes"])
        out.append(EISSpectrum(f[s], z[s], area=area, thickness=thickness, temperature=T, label=label, metadata=meta))
    return out


#: spread [K] of the logged temperature within one spectrum above which a note warns that it was not steady
TEMPERATURE_SPREAD_K = 2.0


def _logged_temperature(points: np.ndarray, notes: list[str]) -> float | None:
    """Mean of the temperatures [K] logged during one sweep, or None without a usable probe reading.

    Readings below 1 K are not measurements, nor is a sweep logged at exactly 0 °C throughout (the
    column EC-Lab writes without a probe). A sweep whose readings spread more than
    :data:`TEMPERATURE_SPREAD_K` gets a note.
    """
    ok = np.isfinite(points) & (points > 1.0)
    if not ok.any() or np.all(points[ok] == 273.15):  # nothing, or a constant 0 °C: the column of an absent probe
        return None
    t = points[ok]
    if np.ptp(t) > TEMPERATURE_SPREAD_K:
        notes.append(f"the logged temperature spread {np.ptp(t):.1f} K during this sweep ({t.min():.1f}–{t.max():.1f} K); its mean is used")
    return float(t.mean())


# ------------------------------------------------------------------------------------------------
# column names -> roles
# ------------------------------------------------------------------------------------------------
_ALIASES: dict[str, frozenset[str]] = {
    "frequency": frozenset({"f", "freq", "frequency", "frequencies", "omega", "w", "\u03c9", "angularfrequency"}),
    "z_real": frozenset({"z'", "zre", "zreal", "zr", "re", "real", "rez", "realz", "z're", "z'real", "realpart",
                         "realimpedance", "impedancereal", "zrealpart", "real(z)", "re(z)"}),
    "z_imag": frozenset({"z''", "zim", "zimag", "zimg", "zimaginary", "zi", "im", "imag", "imaginary", "imz", "imagz",
                         "z''im", "z''imag", "imaginarypart", "imaginaryimpedance", "impedanceimaginary", "zimagpart",
                         "imag(z)", "im(z)"}),
    "modulus": frozenset({"|z|", "z", "zmod", "modz", "mod(z)", "modulus", "magnitude", "mag", "zmag", "abs(z)", "absz",
                          "zabs", "impedance", "|impedance|", "impedancemodulus", "impedancemagnitude", "|z|mod"}),
    "phase": frozenset({"phase", "zphase", "phz", "zphz", "phi", "\u03c6", "\u03d5", "\u03b8", "theta", "phaseangle",
                        "angle", "arg(z)", "argz", "zphi", "zangle", "phase(z)"}),
}
_ROLE_TEXT = {"frequency": "frequency", "z_real": "Z'", "z_imag": "Z''", "modulus": "|Z|", "phase": "phase"}
_PHASE_UNITS = {"deg": math.pi / 180, "degree": math.pi / 180, "degrees": math.pi / 180, "\u00b0": math.pi / 180,
                "\u00ba": math.pi / 180, "rad": 1.0, "radian": 1.0, "radians": 1.0}
_QUALIFIERS = {"z", "Z", "a", "b"}  # '(Z)' of 'Re(Z)', ZPlot's 'Z'(a)', 'Z''(b)' (case matters: '(A)' is ampere)


def _normalise_name(name: str) -> str:
    s = _clean(name)
    for a, b in (("\u2032\u2032", "''"), ("\u2033", "''"), ("\u2032", "'"), ("\u2019", "'"), ("\u00b4", "'"), ("`", "'"),
                 ('"', "''"), ("\u2212", "-"), ("\u2013", "-"), ("\u00a0", " ")):
        s = s.replace(a, b)
    s = re.sub(r"(?i)^data\s*:\s*", "", s)  # RelaxIS 'Data: Z''
    return s.strip()


@dataclass
class _Col:
    role: str
    index: int
    name: str
    sign: float = 1.0
    unit: str | None = None
    error: str | None = None  # a unit of the wrong dimension: refused if the column is used


def _unit_ok(unit: str, role: str) -> bool:
    from lisse.errors import UnitError
    from lisse.io.column_units import EIS_ROLES, unit_factor

    if role == "phase":
        return unit.strip().lower() in _PHASE_UNITS
    try:
        unit_factor(unit, "frequency" if role == "frequency" else "impedance", EIS_ROLES, "column")
    except UnitError:
        return False
    return True


def _is_unit(unit: str) -> bool:
    from lisse.errors import UnitError
    from lisse.io.column_units import normalise_unit
    from lisse.units import si_unit

    if len(unit.strip()) <= 1 or unit.strip() in _QUALIFIERS:
        return False
    try:
        si_unit(normalise_unit(unit))
    except (UnitError, ValueError):
        return False
    return True


def _parse_name(name: str, src: str, role: str | None = None) -> tuple[str | None, float, str | None, str | None]:
    """(role or None, sign, unit or None, unit error or None) of one column name.

    ``role`` given: the column is known to hold it (``columns=``); only its sign and unit are read.
    A recognised name whose unit has the wrong dimension (``Im (A)``, ``Zre/mV``) comes back with
    the error text, used only if that column is the one chosen for the role.
    """
    s = _normalise_name(name)
    sign = 1.0
    if s.startswith("-") and len(s) > 1:
        sign, s = -1.0, s[1:].strip()
    suffixes: list[str] = []
    base = s
    for _ in range(3):
        m = re.match(r"^(.+?)\s*(?:/\s*([^/()\[\]]+?)|\(([^()]*)\)|\[([^\[\]]*)\])\s*$", base)
        if m:
            u = next(g for g in m.groups()[1:] if g is not None).strip()
            # an unrecognised one-letter qualifier changes the meaning ('Re(Y)' is an admittance): keep it
            if len(u) == 1 and u not in _QUALIFIERS and u not in "\u03a9\u00b0":
                break
            suffixes.append(u)
            base = m.group(1)
            continue
        m = re.match(r"^(.+?)_([A-Za-z\u00b5\u03bc\u03a9\u00b0/]+)$", base)
        if m and _is_unit(m.group(2)):
            suffixes.append(m.group(2))
            base = m.group(1)
            continue
        break
    if role is None:
        key = re.sub(r"[\s_.]", "", base.lower())
        role = next((r for r, names in _ALIASES.items() if key in names), None)
        if role is None:
            return None, sign, None, None
    unit = None
    for u in suffixes:
        if u.strip() in _QUALIFIERS or u == "":
            continue
        if _unit_ok(u, role):
            if unit is not None:
                return role, sign, None, f"{src}: column '{name}' carries two units ('{unit}', '{u}')"
            unit = u
        elif _is_unit(u) or role == "phase":
            kind = {"frequency": "a frequency", "phase": "an angle (deg, rad)"}.get(role, "a resistance")
            return role, sign, None, f"{src}: column '{name}' has the unit '{u}', which is not {kind}"
    return role, sign, unit, None


def _parse_columns_arg(columns: Any) -> dict[str, tuple[str, float]]:
    """``columns=`` -> {role: (column name, sign)}."""
    if columns is None or columns == "":
        return {}
    if isinstance(columns, str):
        items = []
        for part in columns.split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise ParameterError(f"columns: expected ROLE=COLUMN pairs separated by commas, found {part.strip()!r}")
            k, v = part.split("=", 1)
            items.append((k.strip(), v.strip()))
    elif isinstance(columns, Mapping):
        items = [(str(k).strip(), str(v).strip()) for k, v in columns.items()]
    else:
        raise ParameterError(f"columns: expected a mapping role -> column name or 'role=name,...'; got {type(columns).__name__}")
    out: dict[str, tuple[str, float]] = {}
    for k, v in items:
        sign = 1.0
        if k.startswith("-"):
            sign, k = -1.0, k[1:].strip()
        k = {"f": "frequency", "freq": "frequency", "re": "z_real", "im": "z_imag", "zre": "z_real", "zim": "z_imag",
             "|z|": "modulus", "mod": "modulus"}.get(k.lower(), k.lower())
        if k not in ROLES:
            raise ParameterError(f"columns: unknown role '{k}'; expected one of {', '.join(ROLES)} (a leading '-' means the column holds the negative)")
        if k in out:
            raise ParameterError(f"columns: role '{k}' given twice")
        out[k] = (v, sign)
    return out


def _columns_hint(names: list[str]) -> str:
    shown = ", ".join(f"'{n}'" for n in names[:16]) + (f" and {len(names) - 16} more" if len(names) > 16 else "")
    return (f"the columns are {shown}; name them, e.g. columns={{'frequency': '<name>', 'z_real': '<name>', "
            "'z_imag': '<name>'} (Python; a '-' before the role if the column holds the negative, 'modulus'/'phase' "
            "for |Z| and phase) or rename the header (e.g. 'freq/Hz', 'Re(Z)/Ohm', '-Im(Z)/Ohm')")


def _map_columns(names: list[str], src: str, declared: dict[str, tuple[str, float]] | None = None) -> dict[str, _Col]:
    """Find the frequency and impedance columns of a header (exact names; ambiguity is an error)."""
    declared = declared or {}
    found: dict[str, list[_Col]] = {}
    taken: set[int] = set()
    for role, (want, sgn) in declared.items():
        hits = [i for i, n in enumerate(names) if _clean(n) == want]
        if not hits:
            hits = [i for i, n in enumerate(names) if _normalise_name(n).lower() == _normalise_name(want).lower()]
        if len(hits) != 1:
            what = "no" if not hits else f"{len(hits)}"
            raise ReaderError(f"{src}: columns= names '{want}' for {role} but the header has {what} such column; "
                              + _columns_hint(names))
        i = hits[0]
        _, s, u, e = _parse_name(names[i], src, role)
        taken.add(i)
        found[role] = [_Col(role, i, names[i], sgn * s, u, e)]  # the column's own '-' counts, the role's '-' flips again
    for i, n in enumerate(names):
        if i in taken:
            continue
        found_role, sign, unit, err = _parse_name(n, src)
        if found_role is None or found_role in declared:
            continue
        found.setdefault(found_role, []).append(_Col(found_role, i, n, sign, unit, err))
    # a recognised name with a unit of another dimension ('Im (A)' beside 'Zim (ohm)') yields to a proper one
    found = {r: ([x for x in c if x.error is None] or c) for r, c in found.items()}
    dup = {r: c for r, c in found.items() if len(c) > 1}
    if dup:
        r, c = next(iter(dup.items()))
        raise ReaderError(f"{src}: ambiguous header: {len(c)} columns could hold {_ROLE_TEXT[r]} "
                          f"({', '.join(repr(x.name) for x in c)}); " + _columns_hint(names))
    return {r: c[0] for r, c in found.items()}


def _require(cols: dict[str, _Col], names: list[str], src: str) -> None:
    complex_ok = "z_real" in cols and "z_imag" in cols
    polar_ok = "modulus" in cols and "phase" in cols
    if "frequency" not in cols or not (complex_ok or polar_ok):
        got = ", ".join(f"{_ROLE_TEXT[r]}='{c.name}'" for r, c in cols.items()) or "none"
        raise ReaderError(f"{src}: cannot tell which columns hold the frequency and the impedance (recognised: {got}); "
                          + _columns_hint(names))


# ------------------------------------------------------------------------------------------------
# rows
# ------------------------------------------------------------------------------------------------
@dataclass
class _Ctx:
    src: str
    newline_end: bool
    declared_units: dict[str, str] = field(default_factory=dict)
    columns: dict[str, tuple[str, float]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _read_rows(rows: list[tuple[int, str]], split: Callable[[str], list[str]], cols: dict[str, _Col], ctx: _Ctx,
               *, at_eof: bool, what: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Parse the used columns of data rows ``[(line number, text)]``.

    A row lacking a used field or holding a non-number there is an error naming its line, except
    the very last row of a file (``at_eof``) cut off by truncation, which is dropped with a note.
    """
    src = ctx.src
    used = {r: c.index for r, c in cols.items()}
    need = max(used.values()) + 1
    toks_all = [_fields(t, split) for _, t in rows]
    counts = [len(t) for t in toks_all]
    typical = max(set(counts), key=counts.count) if counts else 0
    vals: dict[str, list[float]] = {r: [] for r in used}
    lines: list[int] = []
    for k, ((ln, text), toks) in enumerate(zip(rows, toks_all)):
        last = at_eof and k == len(rows) - 1
        cut = False
        bad = None
        if len(toks) < need:
            bad = f"expected at least {need} fields ({what}), found {len(toks)}"
            cut = last
        elif last and not ctx.newline_end and len(toks) < typical:
            cut = True
        else:
            for r, i in used.items():
                if not _FLOAT.match(toks[i]):
                    bad = f"column '{cols[r].name}' holds {toks[i]!r}, not a number"
                    cut = last and not ctx.newline_end
                    break
            if bad is None and last and not ctx.newline_end:
                j = len(toks) - 1
                if j in used.values():
                    prev = [t[j] for t in toks_all[max(0, k - 200):k] if len(t) > j]
                    cut = _looks_cut(toks[j], prev)
        if cut:
            ctx.notes.append(f"line {ln} is incomplete (the file ends inside it: truncated file?) and was dropped: {text.strip()[:60]!r}")
            break
        if bad is not None:
            raise ReaderError(f"{src}: line {ln}: {bad}: {text.strip()[:80]!r} (corrupted row?)")
        for r, i in used.items():
            vals[r].append(_num(toks[i]))
        lines.append(ln)
    return {r: np.array(v, float) for r, v in vals.items()}, np.array(lines, int)


def _phase_factor(col: _Col, values: np.ndarray, ctx: _Ctx, fixed: str | None) -> float:
    unit = col.unit or fixed
    if unit is not None:
        return _PHASE_UNITS[unit.strip().lower()]
    if values.size and np.nanmax(np.abs(values)) > math.pi + 1e-6:
        ctx.notes.append(f"the phase column '{col.name}' carries no unit: read as degrees (values up to {np.nanmax(np.abs(values)):.4g})")
        return math.pi / 180
    raise ReaderError(f"{ctx.src}: the phase column '{col.name}' carries no unit and its values (|φ| <= π) could be degrees or "
                      "radians; write the unit in the header (e.g. 'Phase/deg' or 'Phase (rad)')")


def _assemble(cols: dict[str, _Col], data: dict[str, np.ndarray], lines: np.ndarray, ctx: _Ctx, *,
              fixed_units: bool) -> tuple[np.ndarray, np.ndarray, dict]:
    """Frequency [Hz] and complex Z [ohm] from the mapped columns, with units, signs and cross-checks."""
    from lisse.io.column_units import EIS_ROLES, check_declared_against_file, missing_units_message, unit_factor

    src = ctx.src
    complex_ok = "z_real" in cols and "z_imag" in cols
    if complex_ok:  # |Z| and phase only cross-check Z', Z'' here: a badly labelled or unit-less |Z| is left out
        cols = {r: c for r, c in cols.items() if not (r in ("modulus", "phase") and c.error)}
        if "modulus" in cols and not (cols["modulus"].unit or fixed_units or "impedance" in ctx.declared_units):
            del cols["modulus"]
    for c in cols.values():
        if c.error:
            raise ReaderError(c.error)
    zroles = ["z_real", "z_imag"] if complex_ok else ["modulus"]
    units: dict[str, str] = {}
    source: dict[str, str] = {}
    missing: dict[str, str] = {}
    used: dict[str, str] = {}
    for r in ["frequency", *zroles] + (["modulus"] if complex_ok and "modulus" in cols else []):
        c = cols[r]
        role = "frequency" if r == "frequency" else "impedance"
        if c.unit:
            check_declared_against_file(src, {k: v for k, v in ctx.declared_units.items() if k == role}, {role: c.unit}, EIS_ROLES)
            units[r], source[r] = c.unit, "header"
        elif fixed_units:
            units[r], source[r] = ("Hz" if role == "frequency" else "ohm"), "format"
        elif role in ctx.declared_units:
            units[r], source[r] = ctx.declared_units[role], "declared"
            used[role] = ctx.declared_units[role]
        elif role not in missing:
            missing[role] = c.name
        else:
            missing[role] = f"{missing[role]}', '{c.name}" if missing[role] else c.name
    if missing:
        raise ReaderError(missing_units_message(src, missing, EIS_ROLES, "eis"))

    def scaled(r: str) -> np.ndarray:
        role = "frequency" if r == "frequency" else "impedance"
        s = unit_factor(units[r], role, EIS_ROLES, src)
        v = data[r] * cols[r].sign if cols[r].sign != 1.0 else data[r]
        return v * s if s != 1.0 else v  # multiply only when needed: files in Hz and ohm keep their exact values

    f = scaled("frequency")
    phase = None
    if "phase" in cols:
        ph_fixed = "deg" if fixed_units else None
        try:
            phase = data["phase"] * cols["phase"].sign * _phase_factor(cols["phase"], data["phase"], ctx, ph_fixed)
        except ReaderError:
            if not complex_ok:
                raise
            del cols["phase"]  # only a cross-check here: a phase of unknown unit is not used
        else:
            units["phase"] = cols["phase"].unit or "deg"
    if complex_ok:
        z = _cplx(scaled("z_real"), scaled("z_imag"))
        if not fixed_units and cols["z_imag"].sign > 0 and z.size >= 3 and np.mean(z.imag > 0) > 0.9:
            ctx.notes.append(f"Z'' (column '{cols['z_imag'].name}') is positive on {int(np.sum(z.imag > 0))} of {z.size} rows: "
                             "inductive, or does the column hold -Z''? (then name it \"-Z''\" or give columns={'-z_imag': ...})")
        _cross_check(z, cols, data, scaled("modulus") if "modulus" in cols else None, phase, lines, ctx)
    else:
        mod = scaled("modulus")
        if np.any(mod < 0):
            k = int(np.flatnonzero(mod < 0)[0])
            raise ReaderError(f"{src}: line {lines[k]}: |Z| = {mod[k]!r} is negative in column '{cols['modulus'].name}'")
        assert phase is not None  # without Z' and Z'', _require has asked for |Z| and the phase
        z = _cplx(mod * np.cos(phase), mod * np.sin(phase))
        ctx.notes.append(f"Z computed from |Z| ('{cols['modulus'].name}') and phase ('{cols['phase'].name}')")
    extra: dict[str, Any] = {
        "units": {"frequency": units["frequency"], **({"z_real": units["z_real"], "z_imag": units["z_imag"]} if complex_ok
                                                       else {"modulus": units["modulus"], "phase": units["phase"]})},
        "units_source": source,
        "columns_used": {r: (("-" if c.sign < 0 else "") + c.name) for r, c in cols.items()},
    }
    if used:
        extra["declared_units"] = ",".join(f"{r}={u}" for r, u in used.items())
    return f, z, extra


def _cross_check(z: np.ndarray, cols: dict[str, _Col], data: dict[str, np.ndarray], mod: np.ndarray | None,
                 phase: np.ndarray | None, lines: np.ndarray, ctx: _Ctx) -> None:
    """Z', Z'' against |Z| and phase columns of the same rows: a wrong mapping or sign is refused."""
    src = ctx.src
    if mod is not None and z.size:
        ok = np.isclose(np.abs(z), mod, rtol=0.02, atol=1e-12 * np.max(np.abs(mod)))
        if not ok.all():
            bad = [int(x) for x in lines[~ok]]
            if (~ok).mean() > 0.5:
                raise ReaderError(f"{src}: the |Z| column '{cols['modulus'].name}' disagrees with '{cols['z_real'].name}' and "
                                  f"'{cols['z_imag'].name}' on {len(bad)} of {z.size} rows (e.g. line {bad[0]}): the columns are "
                                  "not what their names say; " + _columns_hint([c.name for c in cols.values()]))
            ctx.notes.append(f"|Z| differs from sqrt(Z'^2 + Z''^2) by more than 2 % on lines {_ranges(bad)}")
    if phase is not None and z.size:
        calc = np.angle(z)
        informative = np.abs(np.sin(calc)) > np.sin(np.radians(2.0))
        if informative.sum() >= 1:
            d_same = np.abs(np.angle(np.exp(1j * (phase - calc))))[informative]
            d_flip = np.abs(np.angle(np.exp(1j * (phase + calc))))[informative]
            tol = np.radians(2.0)
            same, flip = (d_same < tol).mean(), (d_flip < tol).mean()
            if flip > 0.5 and same < 0.5:
                raise ReaderError(
                    f"{src}: the sign of '{cols['z_imag'].name}' contradicts the phase column '{cols['phase'].name}' "
                    "(one of them holds the negative: name it '-Z''' or '-Phase', or give columns={'-z_imag': ...})")
            if same < 0.5:
                raise ReaderError(f"{src}: the phase column '{cols['phase'].name}' disagrees with Z', Z'' on most rows; "
                                  + _columns_hint([c.name for c in cols.values()]))


# ------------------------------------------------------------------------------------------------
# format readers: (text, ctx) -> list of blocks (f, Z, cycle, lines), extra metadata
# ------------------------------------------------------------------------------------------------
@dataclass
class _Block:
    f: np.ndarray
    z: np.ndarray
    lines: np.ndarray | None = None
    cycle: np.ndarray | None = None
    label: str | None = None
    temperature: np.ndarray | None = None  # logged temperature per row [K]


def _numbered(text: str) -> list[tuple[int, str]]:
    return [(i + 1, ln) for i, ln in enumerate(text.splitlines())]


def _ws(s: str) -> list[str]:
    return s.split()


def _parse_gamry(text: str, ctx: _Ctx):
    src = ctx.src
    lines = _numbered(text)
    starts = [k for k, (_, ln) in enumerate(lines) if re.match(r"^ZCURVE\s+TABLE", ln)]
    if not starts:
        raise ReaderError(f"{src}: Gamry file has no 'ZCURVE TABLE' block (not an impedance measurement?)")
    blocks = []
    for start in starts:
        if start + 1 >= len(lines):
            raise ReaderError(f"{src}: Gamry 'ZCURVE TABLE' block is cut off before its column header (truncated file?)")
        names = lines[start + 1][1].split()
        fixed = {"Freq": "frequency", "Zreal": "z_real", "Zimag": "z_imag", "Zmod": "modulus", "Zphz": "phase"}
        cols = {fixed[n]: _Col(fixed[n], i, n) for i, n in enumerate(names) if n in fixed}
        if not {"frequency", "z_real", "z_imag"} <= set(cols):
            raise ReaderError(f"{src}: Gamry ZCURVE header lacks Freq/Zreal/Zimag; found {names}")
        if "ZrealDrCor" in names:
            ctx.notes.append("the file also holds drift-corrected impedance (ZrealDrCor, ZimagDrCor); the uncorrected Zreal, Zimag were read")
        k = start + 2
        if k < len(lines) and lines[k][1].split()[:1] == ["#"]:
            k += 1  # the units row
        rows = []
        while k < len(lines):
            ln, t = lines[k]
            if t.strip() == "":
                k += 1
                continue
            if not t[:1].isspace():  # the next tag (EXPERIMENTABORTED, another TABLE, ...)
                break
            rows.append((ln, t))
            k += 1
        at_eof = all(t.strip() == "" for _, t in lines[k:])
        if k < len(lines) and lines[k][1].startswith("EXPERIMENTABORTED"):
            ctx.notes.append("the experiment was aborted (EXPERIMENTABORTED): the sweep is incomplete")
        if not rows:
            raise ReaderError(f"{src}: Gamry ZCURVE table (line {lines[start][0]}) is empty")
        data, ln_arr = _read_rows(rows, _ws, cols, ctx, at_eof=at_eof, what="Gamry ZCURVE row")
        if not ln_arr.size:
            raise ReaderError(f"{src}: Gamry ZCURVE table (line {lines[start][0]}) has no complete row")
        f, z, extra = _assemble(cols, data, ln_arr, ctx, fixed_units=True)
        blocks.append(_Block(f, z, ln_arr))
    m = re.search(r"^AREA\tQUANT\t([^\t]+)\t", text, flags=re.M)
    if m:
        try:
            extra["instrument_area_cm2"] = _num(m.group(1))
        except ValueError:
            pass  # a damaged header field is not needed for the impedance data
    return blocks, extra


def _zplot_names(line: str) -> list[str]:
    s = line.strip()
    if len(s) >= 2 and s[0] == s[-1] == '"':
        s = s[1:-1]
    return [x for x in (s.split("\t") if "\t" in s else re.split(r"\s{2,}|,", s.strip())) if x.strip()]


def _parse_zplot(text: str, ctx: _Ctx):
    """ZPlot/ZView .z: 'ZPLOT2 ASCII ... End Comments' or the Windows variant ('"ZPlotW Data File"')."""
    src = ctx.src
    lines = _numbered(text)
    hdr = next((k for k, (_, t) in enumerate(lines) if re.search(r"Freq\s*\(Hz\)", t) and "Z'(a)" in t), None)
    end = next((k for k, (_, t) in enumerate(lines) if t.strip().lower() == "end comments"), None)
    if hdr is None and end is None:
        raise ReaderError(f"{src}: ZPlot file without an 'End Comments' line or a 'Freq(Hz) ... Z'(a) Z''(b)' header")
    names = _zplot_names(lines[hdr][1]) if hdr is not None else ["Freq(Hz)", "Ampl", "Bias", "Time(Sec)", "Z'(a)", "Z''(b)"]
    cols = _map_columns(names, src)
    cols = {r: c for r, c in cols.items() if r in ("frequency", "z_real", "z_imag")}
    _require(cols, names, src)
    last_header = end if end is not None and (hdr is None or end > hdr) else hdr
    assert last_header is not None  # one of them was found (checked above)
    first = last_header + 1
    rows = [(ln, t) for ln, t in lines[first:] if t.strip()]
    if not rows:
        raise ReaderError(f"{src}: ZPlot file has no data rows")
    split = (lambda s: s.split("\t")) if "\t" in rows[0][1] else (lambda s: s.split(","))
    data, ln_arr = _read_rows(rows, split, cols, ctx, at_eof=True, what="ZPlot row")
    announced = None
    if hdr is not None and hdr > 0 and re.fullmatch(r"\s*\d+\s*", lines[hdr - 1][1]):
        announced = int(lines[hdr - 1][1])
    m = re.search(r"^\s*Data Points:\s*(\d+)", text, flags=re.M)
    if m:
        announced = int(m.group(1))
    if announced is not None and announced != ln_arr.size:
        ctx.notes.append(f"the header announces {announced} points, the file holds {ln_arr.size}")
    f, z, extra = _assemble(cols, data, ln_arr, ctx, fixed_units=True)
    return [_Block(f, z, ln_arr)], extra


def _parse_ivium(text: str, ctx: _Ctx):
    """Ivium .idf (one dataset) or .ids (several): every 'primary_data' block with Z', Z'', f."""
    src = ctx.src
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if ln.strip() == "primary_data"]
    if not starts:
        raise ReaderError(f"{src}: Ivium .idf without a 'primary_data' block")
    blocks = []
    prev_end = 0
    for n, start in enumerate(starts):
        meta = {k: v for k, v in (ln.split("=", 1) for ln in lines[prev_end:start] if "=" in ln)}
        method = meta.get("Method", "").strip()
        title = meta.get("Title", "").strip() or None
        try:
            ncol = int(lines[start + 1].split()[0])
            nrow = int(lines[start + 2].split()[0])
        except (IndexError, ValueError):
            raise ReaderError(f"{src}: Ivium 'primary_data' block (line {start + 1}) lacks its column/row counts (truncated file?)") from None
        prev_end = start + 3 + max(nrow, 0)
        if method and "impedance" not in method.lower():
            ctx.notes.append(f"dataset {n + 1} ('{title or ''}') is a '{method}' measurement, not impedance: skipped")
            continue
        if ncol < 3:
            raise ReaderError(f"{src}: Ivium impedance data needs 3 columns (Z', Z'', f); found {ncol} (line {start + 2})")
        rows = [(start + 4 + j, ln) for j, ln in enumerate(lines[start + 3: start + 3 + nrow])]
        cols = {"z_real": _Col("z_real", 0, "Z'"), "z_imag": _Col("z_imag", 1, "Z''"), "frequency": _Col("frequency", 2, "f")}
        at_eof = all(not ln.strip().strip("\x00") for ln in lines[start + 3 + nrow:])
        data, ln_arr = _read_rows(rows, _ws, cols, ctx, at_eof=at_eof, what="Ivium row: Z', Z'', f")
        if ln_arr.size != nrow:
            raise ReaderError(f"{src}: Ivium block announces {nrow} rows but has {ln_arr.size} complete ones (truncated file?)")
        f, z, extra = _assemble(cols, data, ln_arr, ctx, fixed_units=True)
        blocks.append(_Block(f, z, ln_arr, label=title))
    if not blocks:
        raise ReaderError(f"{src}: Ivium file holds no impedance dataset ({len(starts)} datasets, none with Method=Impedance)")
    return blocks, extra


def _parse_versastudio(text: str, ctx: _Ctx):
    """VersaStudio .par: ``<SegmentN>`` blocks, each a ``Definition=`` line of column names and comma-separated rows."""
    src = ctx.src
    lines = _numbered(text)

    def split(s: str) -> list[str]:
        return s.split(",")

    blocks: list[_Block] = []
    extra: dict = {}
    k = 0
    while k < len(lines):
        m = re.fullmatch(r"<Segment(\d+)>", lines[k][1].strip())
        if not m:
            k += 1
            continue
        end_tag = f"</Segment{m.group(1)}>"
        j = k + 1
        while j < len(lines) and not lines[j][1].startswith("Definition=") and lines[j][1].strip() != end_tag:
            j += 1
        if j >= len(lines) or lines[j][1].strip() == end_tag:
            ctx.notes.append(f"segment {m.group(1)} (line {lines[k][0]}) has no 'Definition=' line: skipped")
            k = j + 1
            continue
        names = _fields(lines[j][1].split("=", 1)[1], split)
        e = j + 1
        rows = []
        while e < len(lines) and lines[e][1].strip() != end_tag:
            if lines[e][1].strip():
                rows.append(lines[e])
            e += 1
        closed = e < len(lines)
        cols = _map_columns(names, src)
        if "frequency" not in cols or not ({"z_real", "z_imag"} <= set(cols) or {"modulus", "phase"} <= set(cols)):
            ctx.notes.append(f"segment {m.group(1)} (line {lines[k][0]}) holds no impedance columns: skipped")
            k = e + 1
            continue
        if not closed:
            ctx.notes.append(f"segment {m.group(1)} has no closing '{end_tag}' (truncated file?)")
        if rows:
            data, ln_arr = _read_rows(rows, split, cols, ctx, at_eof=not closed, what=f"VersaStudio segment {m.group(1)} row")
            if ln_arr.size:
                f, z, extra = _assemble(cols, data, ln_arr, ctx, fixed_units=True)
                blocks.append(_Block(f, z, ln_arr, label=f"Segment{m.group(1)}"))
        k = e + 1
    if not blocks:
        raise ReaderError(f"{src}: VersaStudio file without an impedance segment (<SegmentN> with Frequency(Hz), Z Real, Z Imag)")
    return blocks, extra


def _group_columns(names: list[str], ctx: _Ctx) -> list[dict[str, _Col]]:
    """Column mapping of a header; several frequency columns side by side make one group (spectrum) each."""
    src = ctx.src
    try:
        cols = _map_columns(names, src, ctx.columns)
        _require(cols, names, src)
        return [cols]
    except ReaderError as err:
        fpos = [i for i, n in enumerate(names) if _parse_name(n, src)[0] == "frequency"]
        if ctx.columns or len(fpos) < 2:
            raise
        bounds = [0, *fpos[1:], len(names)]
        groups = []
        for a, b in zip(bounds[:-1], bounds[1:]):
            try:
                sub = _map_columns(names[a:b], src)
                _require(sub, names[a:b], src)
            except ReaderError:
                raise err from None
            groups.append({r: _Col(r, c.index + a, c.name, c.sign, c.unit) for r, c in sub.items()})
        return groups


def _table_blocks(names: list[str], rows: list[tuple[int, str]], split: Callable[[str], list[str]], ctx: _Ctx, *,
                  fixed_units: bool, what: str, at_eof: bool = True) -> tuple[list[_Block], dict]:
    """Blocks of a header + rows table (one per column group; a shorter group's trailing empty rows end it)."""
    groups = _group_columns(names, ctx)
    blocks: list[_Block] = []
    extra: dict = {}
    for cols in groups:
        grows, g_eof = rows, at_eof
        if len(groups) > 1:
            used = [c.index for c in cols.values()]

            def filled(text: str, used: list[int] = used) -> bool:
                toks = _fields(text, split)
                return any(i < len(toks) and toks[i] != "" for i in used)

            last = max((k for k, (_, t) in enumerate(rows) if filled(t)), default=-1)
            grows, g_eof = rows[: last + 1], at_eof and last == len(rows) - 1
        if not grows:
            continue
        data, ln_arr = _read_rows(grows, split, cols, ctx, at_eof=g_eof, what=what)
        if not ln_arr.size:
            continue
        f, z, extra = _assemble(cols, data, ln_arr, ctx, fixed_units=fixed_units)
        blocks.append(_Block(f, z, ln_arr))
    if len(groups) > 1:
        ctx.notes.append(f"{len(groups)} spectra side by side in the columns (one per frequency column)")
    return blocks, extra


def _parse_header_table(text: str, ctx: _Ctx, *, header_at: Callable[[list[tuple[int, str]]], int | None],
                        split: Callable[[str], list[str]], what: str, fixed_units: bool,
                        separator: Callable[[str], bool] | None = None):
    """A header line naming the columns, data rows after it (blank lines skipped; ``separator`` lines start a new spectrum)."""
    src = ctx.src
    lines = _numbered(text)
    h = header_at(lines)
    if h is None:
        raise ReaderError(f"{src}: {what} without a recognisable column header line")
    names = _fields(lines[h][1], split)
    groups: list[list[tuple[int, str]]] = [[]]
    for ln, t in lines[h + 1:]:
        if not t.strip():
            continue
        if separator is not None and separator(t):
            if groups[-1]:
                groups.append([])
            continue
        groups[-1].append((ln, t))
    groups = [g for g in groups if g]
    if not groups:
        _group_columns(names, ctx)  # an unusable header is the first thing to say
        raise ReaderError(f"{src}: {what} has a header but no data rows")
    blocks: list[_Block] = []
    extra: dict = {}
    for gi, g in enumerate(groups):
        b, e = _table_blocks(names, g, split, ctx, fixed_units=fixed_units, what=what, at_eof=gi == len(groups) - 1)
        blocks += b
        extra = e or extra
    if not blocks:
        raise ReaderError(f"{src}: {what} has no complete data row")
    return blocks, extra


def _parse_relaxis(text: str, ctx: _Ctx):
    def header_at(lines):
        return next((k for k, (_, t) in enumerate(lines) if k > 0 and "\t" in t and re.search(r"(?i)frequency", t)
                     and _numeric_row(t.split("\t")) is None), None)

    # a text line inside the data (RelaxIS writes one per spectrum: 'DC=..., Model: ...') starts a new spectrum
    return _parse_header_table(text, ctx, header_at=header_at, split=lambda s: s.split("\t"),
                               what="RelaxIS export", fixed_units=True,
                               separator=lambda t: _numeric_row(t.split("\t")) is None and "Model:" in t)


def _parse_chi(text: str, ctx: _Ctx):
    def header_at(lines):
        return next((k for k, (_, t) in enumerate(lines) if t.replace(" ", "").lower().startswith("freq/hz,")), None)

    return _parse_header_table(text, ctx, header_at=header_at, split=lambda s: s.split(","),
                               what="CHI text export", fixed_units=True)


def _header_line(lines: list[tuple[int, str]], split: Callable[[str], list[str]], ctx: _Ctx) -> int | None:
    """Index of the first text line naming a frequency and an impedance column (or the ``columns=`` names)."""
    want = [_normalise_name(v).lower() for v, _ in ctx.columns.values()]
    for k, (_, ln) in enumerate(lines[:400]):
        toks = _fields(ln, split)
        if len(toks) < 2 or _numeric_row(toks) is not None:
            continue
        if want and all(w in {_normalise_name(t).lower() for t in toks} for w in want):
            return k
        roles = set()
        for t in toks:
            r = _parse_name(t, ctx.src)[0]
            if r:
                roles.add(r)
        if "frequency" in roles and roles & {"z_real", "z_imag", "modulus"}:
            return k
    return None


def _parse_csv(text: str, ctx: _Ctx):
    src = ctx.src
    allines = _numbered(text)
    # '#' starts a comment line, except '#' alone in a first field (the 'Pt' unit of a units row: '#,Hz,ohm')
    lines = [(n, ln) for n, ln in allines if ln.strip() and not (ln.lstrip().startswith("#") and not re.match(r"\s*#\s*[,;\t]", ln))]
    if not lines:
        raise ReaderError(f"{src}: empty file (expected columns f, Z', Z'')")

    def splitter_of(sep: str | None) -> Callable[[str], list[str]]:
        return lambda s: s.split(sep)

    # the header decides the separator: the first of tab, ';', ',', white space that splits it into known names
    h = None
    sep: str | None = None
    for sep in ("\t", ";", ",", None):
        h = _header_line(lines, splitter_of(sep), ctx)
        if h is not None:
            break
    if h is None:  # no recognisable header: the separator from the numbers, the header (if any) just above them
        sample = "\n".join(ln for _, ln in lines[:20])
        if "\t" in sample:
            sep = "\t"
        elif ";" in sample:
            sep = ";"
        elif "," in sample and re.search(r"\d,\d", sample) is None or sample.count(",") >= 2 * len(lines[:20]):
            sep = ","
        else:
            sep = None
    ws = sep is None
    splitter = splitter_of(sep)
    if h is not None:
        first = h + 1
    else:
        first_numeric = next((k for k, (_, ln) in enumerate(lines) if _numeric_row(_fields(ln, splitter)) is not None), None)
        if first_numeric is None:
            raise ReaderError(f"{src}: no numeric rows (expected columns f, Z', Z'')")
        first = first_numeric
    header = _fields(lines[first - 1][1], splitter) if first > 0 else None
    if header is not None and first < len(lines) and _looks_like_units(_fields(lines[first][1], splitter)):
        # names on one line, units on the next (Gamry-style tables exported as CSV)
        units_row = _fields(lines[first][1], splitter)
        if len(units_row) == len(header):
            header = [f"{n} ({u})" if u and u != "#" else n for n, u in zip(header, units_row)]
            first += 1
    rows = lines[first:]
    if not rows:
        raise ReaderError(f"{src}: a header but no data rows")
    width = len(_fields(rows[0][1], splitter))
    if header is not None and ws and len(header) != width:
        header = [x for x in re.split(r"\s{2,}|\t", lines[first - 1][1].strip()) if x]  # names with single spaces
    marks: dict[str, str] = {}  # first number written with a decimal point / with a comma
    for _, ln in rows[:500]:
        for t in _fields(ln, splitter):
            for mark in ".,":
                if mark in t and mark not in marks and _FLOAT.match(t):
                    marks[mark] = t
    if len(marks) == 2:
        raise ReaderError(
            f"{src}: numbers are written both with a decimal point (e.g. '{marks['.']}') and with a comma "
            f"(e.g. '{marks[',']}'): thousands separators or decimal commas? Export without thousands separators "
            "and with one decimal mark"
        )
    if header is None:
        if width < 3:
            raise ReaderError(f"{src}: expected at least 3 numeric columns (f, Z', Z''), found {width}")
        if width > 3 and not ctx.columns:
            raise ReaderError(f"{src}: {width} numeric columns and no header: cannot tell which hold f, Z', Z'' "
                              "(a file without a header must have exactly the three columns f, Z', Z''); add a header line "
                              "(e.g. 'freq/Hz,Re(Z)/Ohm,-Im(Z)/Ohm')")
        cols = {"frequency": _Col("frequency", 0, ""), "z_real": _Col("z_real", 1, ""), "z_imag": _Col("z_imag", 2, "")}
        data, ln_arr = _read_rows(rows, splitter, cols, ctx, at_eof=True, what="data row")
        if not ln_arr.size:
            raise ReaderError(f"{src}: no complete data rows")
        f, z, extra = _assemble(cols, data, ln_arr, ctx, fixed_units=False)
        extra["columns"] = None
        return [_Block(f, z, ln_arr)], extra
    if len(header) < 2:
        raise ReaderError(f"{src}: expected at least 3 numeric columns (f, Z', Z''), found {width}")
    if len(header) != width:
        ctx.notes.append(f"the header names {len(header)} columns, the first data row has {width} fields")
    blocks, extra = _table_blocks(header, rows, splitter, ctx, fixed_units=False, what="data row")
    if not blocks:
        raise ReaderError(f"{src}: no complete data rows")
    extra["columns"] = header
    return blocks, extra


def _looks_like_units(tokens: list[str]) -> bool:
    """A header line of units only ('Hz', 'ohm', '°', '#'), written under the line of names."""
    toks = [t for t in tokens if t]
    units = [t for t in toks if t.lower() in _PHASE_UNITS or t in ("\u03a9", "#") or _is_unit(t)]
    return bool(toks) and len(units) == len(toks) and any(t != "#" for t in units)


def _read_biologic(path: Path, data: bytes, ctx: _Ctx, binary: bool):
    """EC-Lab .mpr / .mpt impedance columns via the low-level parsers of :mod:`lisse.io.biologic`."""
    from lisse.io import biologic

    src = ctx.src
    if binary:
        cols, header = biologic.read_mpr(path)
    else:
        # a text export cut inside its last row: that row is dropped with a "truncated" note (one rule, in biologic)
        df, header = biologic.read_mpt(path, partial=True)
        cols = {c: df[c].to_numpy() for c in df.columns}
        ctx.notes.extend(n for n in header.get("notes", []) if "truncated" in n)
    names = {k.lower(): k for k in cols}

    def col(*cands):
        for c in cands:
            if c.lower() in names:
                return np.asarray(cols[names[c.lower()]], float)
        return None

    f = col("freq/Hz")
    re_ = col("Re(Z)/Ohm")
    im_ = col("-Im(Z)/Ohm")
    mod, phase = col("|Z|/Ohm"), col("Phase(Z)/deg")
    if f is not None and (re_ is None or im_ is None) and mod is not None and phase is not None:
        # EC-Lab's Modulo Bat (MB) files log |Z| and the phase of Z, not its parts: Z = |Z| exp(i phase)
        z = mod * np.exp(1j * np.deg2rad(phase))
        ctx.notes.append("impedance from |Z|/Ohm and Phase(Z)/deg (the file has no Re(Z)/Ohm, -Im(Z)/Ohm): Z = |Z| exp(i phase)")
    elif f is None or re_ is None or im_ is None:
        raise ReaderError(f"{src}: EC-Lab file holds no impedance columns (freq/Hz with Re(Z)/Ohm and -Im(Z)/Ohm, or with "
                          f"|Z|/Ohm and Phase(Z)/deg); found {sorted(cols)}")
    else:
        z = _cplx(re_, -im_)
    cyc = col("cycle number")
    t_c = col("Temperature/\u00b0C")
    t_k = None if t_c is None else t_c + 273.15
    rows = np.flatnonzero(np.isfinite(f) & (f > 0))
    if rows.size < f.size:
        # a file of several techniques (an MB sequence of galvanostatic and impedance steps) logs the DC rows with a zero
        # frequency: only the rows with a frequency are impedance data, and each run of them is a sweep of its own
        ctx.notes.append(f"kept the {rows.size} of {f.size} rows with a frequency (the others are rows of the file's "
                         "non-impedance techniques, logged with freq/Hz = 0)")
        run = np.concatenate([[0], np.cumsum(np.diff(rows) > 1)]).astype(float)
        cyc = run if cyc is None else cyc[rows] * (run.max() + 1) + run
        f, z = f[rows], z[rows]
        t_k = None if t_k is None else t_k[rows]
    return [_Block(f, z, None, cyc, temperature=t_k)], {}


_TEXT_READERS: dict[str, Callable[[str, _Ctx], tuple[list[_Block], dict]]] = {
    "gamry-dta": _parse_gamry,
    "zplot-z": _parse_zplot,
    "ivium-idf": _parse_ivium,
    "ivium-ids": _parse_ivium,
    "relaxis-txt": _parse_relaxis,
    "chi-txt": _parse_chi,
    "versastudio-par": _parse_versastudio,
    "csv": _parse_csv,
}
#: impedance formats (names of :mod:`lisse.io.formats`)
FORMATS = tuple(_formats.names("eis"))


def detect_format(path: str | Path, data: bytes | None = None) -> str:
    """Guess the file format from its content (first) and extension (second).

    Parameters
    ----------
    path : str or pathlib.Path
        The impedance file.
    data : bytes, optional
        The file's bytes when already read (else the file is read).

    Returns
    -------
    str
        A format name of :mod:`lisse.io.formats` (``"csv"`` when nothing else matches).
    """
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
    if first.startswith("ZPLOT") or "End Comments" in text or (re.search(r"Freq\s*\(Hz\)", text) and "Z'(a)" in text):
        return "zplot-z"
    if b"primary_data" in data and (path.suffix.lower() in (".idf", ".ids") or b"Method=" in data):
        return "ivium-ids" if path.suffix.lower() == ".ids" or data.count(b"primary_data") > 1 else "ivium-idf"
    if first.startswith("RelaxIS"):
        return "relaxis-txt"
    if re.search(r"^<Segment\d+>\s*$", text, flags=re.M) and ("VersaStudio" in text or path.suffix.lower() == ".par"):
        return "versastudio-par"
    if re.search(r"^\s*Freq/Hz\s*,\s*Z'/ohm\s*,\s*Z\"/ohm", text, flags=re.M):
        return "chi-txt"
    ext = path.suffix.lower()
    by_ext = {".mpr": "biologic-mpr", ".mpt": "biologic-mpt", ".dta": "gamry-dta", ".z": "zplot-z", ".idf": "ivium-idf",
              ".ids": "ivium-ids"}
    if ext in by_ext:
        return by_ext[ext]
    return "csv"


def read_spectra(
    path: str | Path,
    *,
    format: str | None = None,
    units: Any = None,
    columns: Any = None,
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
        or ``{"frequency": "kHz", "impedance": "kohm"}``; ``impedance`` covers Z', Z'' and |Z|. A plain
        CSV column with neither a header unit nor a declared one is refused. For the other formats,
        which fix their units (Hz, ohm), a declared unit must agree with them.
    columns : str or mapping, optional
        Which header columns hold what, for headers the automatic matching refuses (text formats
        with a header): ``{"frequency": "Freq", "z_real": "Zre", "z_imag": "Zim"}`` or the text
        ``"frequency=Freq,z_real=Zre,-z_imag=Zim"``. Roles: ``frequency``, ``z_real``, ``z_imag``,
        ``modulus``, ``phase``; a ``-`` before the role means the column holds the negative. Roles
        not named are still matched automatically.
    area : float or str, optional
        Electrode area: an SI number in m², or a string with a unit such as ``"0.785 cm2"``.
    thickness : float or str, optional
        Electrolyte thickness: an SI number in m, or a string with a unit such as ``"0.8 mm"``.
    temperature : float or str, optional
        Temperature [K] as a number, or a string with a unit, e.g. ``"-25 degC"``.

    Returns
    -------
    list of EISSpectrum
        One spectrum per frequency sweep (per dataset for Ivium .ids) found in the file, in file
        order. ``metadata["notes"]`` lists what the reader skipped or assumed (rows at frequency 0,
        a truncated last row, ...).

    Raises
    ------
    ReaderError
        Missing, empty, unreadable, corrupt or truncated file; a malformed data row; a column without
        a unit; an ambiguous or unrecognised header; a declared unit contradicting the file.
    ParameterError
        Unknown format name, malformed ``units`` or ``columns``.
    """
    from lisse.io._readutil import check_path, looks_binary, reading
    from lisse.io.column_units import EIS_ROLES, check_declared_against_file, parse_units
    from lisse.units import as_si

    declared = parse_units(units, EIS_ROLES)
    cols_arg = _parse_columns_arg(columns)
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
    if fmt == "csv" and looks_binary(data[:4096]):  # a text table was expected (or nothing else matched): not text
        raise ReaderError(f"'{src}' is a binary file of no known impedance format (first bytes {data[:16]!r})")
    stripped = data.rstrip(b"\x00 \t")
    ctx = _Ctx(src=src, newline_end=stripped.endswith((b"\n", b"\r")), declared_units=declared, columns=cols_arg)
    if cols_arg and fmt in ("biologic-mpr", "biologic-mpt", "ivium-idf", "ivium-ids", "gamry-dta", "zplot-z"):
        raise ParameterError(f"columns= applies to text files with a header (csv, chi-txt, relaxis-txt); {fmt} has fixed columns")
    with reading(src, _formats.FORMATS[fmt].description):
        if fmt in ("biologic-mpr", "biologic-mpt"):
            blocks, extra = _read_biologic(path, data, ctx, binary=fmt == "biologic-mpr")
        else:
            blocks, extra = _TEXT_READERS[fmt](_text(data), ctx)
    if fmt != "csv":  # the format fixes its units
        check_declared_against_file(src, declared, {"frequency": "Hz", "impedance": "ohm"}, EIS_ROLES)
        extra = {**extra, "units": {**extra.get("units", {}), "frequency": "Hz", "z_real": "ohm", "z_imag": "ohm"}}
        if declared:
            extra["declared_units"] = ",".join(f"{r}={u}" for r, u in declared.items()) + " (checked against the format's units)"
    out: list[EISSpectrum] = []
    per_block = len(blocks) > 1
    for b in blocks:
        meta = dict(extra)
        if b.label:
            meta["dataset"] = b.label
        out.extend(spectra_from_arrays(b.f, b.z, source=src, sha256=sha, reader=fmt, cycle=b.cycle, extra=meta, area=a,
                                       thickness=t, temperature=T, lines=b.lines, notes=ctx.notes, split=not per_block,
                                       temperature_points=b.temperature,
                                       first_index=len(out), n_in_file=len(blocks) if per_block else None))
    return out


def read_spectrum(path: str | Path, index: int = 0, *, format: str | None = None, units: Any = None, **kwargs: Any) -> EISSpectrum:
    """Read one spectrum (``index`` into :func:`read_spectra`; ``format``, ``units`` and the other keywords as there).

    Parameters
    ----------
    path : str or pathlib.Path
        The instrument file.
    index : int, default 0
        Index of the spectrum in the file (negative counts from the end).
    format : str, optional
        Force a reader (see :func:`read_spectra`).
    units : str or mapping, optional
        Units of columns whose header carries none (see :func:`read_spectra`).
    **kwargs
        ``columns``, ``area`` [m2], ``thickness`` [m], ``temperature`` [K], as for :func:`read_spectra`.

    Returns
    -------
    EISSpectrum
        Frequencies [Hz] and impedance [ohm] with metadata.

    Raises
    ------
    ReaderError
        The file cannot be read (see :func:`read_spectra`) or holds fewer spectra than ``index`` asks for.
    """
    sp = read_spectra(path, format=format, units=units, **kwargs)
    if not -len(sp) <= index < len(sp):
        raise ReaderError(f"{path}: asked for spectrum {index} but the file holds {len(sp)}")
    return sp[index]
