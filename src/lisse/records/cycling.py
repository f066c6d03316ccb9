"""The canonical container for galvanostatic / potentiostatic time series: :class:`CyclingRecord`.

Every cycler reader in :mod:`lisse.io` returns a :class:`CyclingRecord`, and every analysis in
:mod:`lisse.analysis` (symmetric cells, CCD, shorts, full cells, GITT, Tafel) takes one.

Columns (SI units, columnar pandas DataFrame with numpy/pyarrow-compatible dtypes)
----------------------------------------------------------------------------------
==================  =========  ==========================================================================
column              dtype      meaning
==================  =========  ==========================================================================
``time_s``          float64    time since the start of the record (s); monotone non-decreasing
``voltage_V``       float64    cell / working-electrode voltage (V)
``current_A``       float64    current (A), **positive = anodic current at the working electrode**
``charge_C``        float64    charge passed since the start, integrated with the sign of the current (C)
``step``            int64      step index as written by the instrument (0 when unknown)
``cycle``           int64      cycle index (0-based; 0 when unknown)
``half_cycle``      int64      half-cycle index: a new one starts whenever the sign of the current flips
``technique``       str        optional; instrument technique of the row (e.g. ``"GCPL"``)
==================  =========  ==========================================================================

Extra columns a reader finds (impedance, temperature, energy...) are kept with a SI-unit suffix
(``temperature_K``, ``energy_J``) or, when they cannot be converted, under their instrument name.

Sign convention
---------------
``current_A > 0`` means oxidation (anodic current) at the working electrode, the convention of
BioLogic EC-Lab and of IUPAC. For a full cell with the positive electrode as working electrode this
is *charge*; for a Li|SSE|Li symmetric cell it is Li *stripping* from the working electrode (and
plating on the counter electrode). Readers of instruments with another convention flip the sign and
say so in ``provenance.notes``.

Empty records
-------------
A record may have 0 rows: a header-only file (an instrument export written before the first
measurement, a WAIT step) is read as an empty record whose ``provenance.notes`` contain
:data:`NO_DATA_NOTE` ("no data rows ..."). :meth:`CyclingRecord.from_arrays` accepts empty arrays,
:meth:`CyclingRecord.summary` reports ``rows: 0`` with ``None`` ranges; analyses that need data
refuse an empty record themselves.

Cell metadata (``area_m2``, ``active_mass_kg``, ``loading_kg_m2``) make per-area and per-mass results
possible; provenance (file sha256, reader name and version, raw header) keeps every number traceable.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from lisse.errors import ParameterError
from lisse.records.display import html_table, plot_with, short
from lisse.units import as_si

__all__ = ["CyclingRecord", "Provenance", "CORE_COLUMNS", "NO_DATA_NOTE", "MIXED_STEP_FRACTION", "charge_increments",
           "unmeasured_charge_intervals",
           "counts_cycles_from_current", "half_cycle_index", "integrate_charge", "mixed_step_rows"]

CORE_COLUMNS = ("time_s", "voltage_V", "current_A", "charge_C", "step", "cycle", "half_cycle")

#: the provenance note of an empty record (a header-only file); tests and callers match on this text
NO_DATA_NOTE = "no data rows: the file holds a complete header and no measurements (empty record)"

#: relative current below which a row counts as "rest" (zero current) when indexing half cycles
REST_FRACTION = 1e-3


@dataclass
class Provenance:
    """Where a record came from.

    Parameters
    ----------
    source : str, default "unknown"
        File path (as given) or ``"synthetic"``.
    sha256 : str or None
        sha256 (hex) of the file bytes.
    reader : str
        Reader name, e.g. ``"lisse.io.biologic.mpr"``.
    reader_version : str
        Version of the reader (lisse version + reader revision).
    raw_header : dict
        The instrument header, as parsed (strings and numbers only; JSON-able).
    notes : list of str
        Conversions and assumptions made by the reader (sign flips, unit guesses).
    """

    source: str = "unknown"
    sha256: str | None = None
    reader: str = "unknown"
    reader_version: str = ""
    raw_header: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the provenance as JSON-able data (the raw header left out).

        Returns
        -------
        dict
            ``source``, ``sha256``, ``reader``, ``reader_version`` and ``notes``.
        """
        return {
            "source": self.source,
            "sha256": self.sha256,
            "reader": self.reader,
            "reader_version": self.reader_version,
            "notes": list(self.notes),
        }


def _abs_max(a: np.ndarray) -> float:
    """max |a| over the finite values (0 when none), without the copy ``np.nanmax`` makes."""
    with np.errstate(invalid="ignore"):
        hi, lo = float(np.max(a)), float(np.min(a))
    if np.isnan(hi) or np.isnan(lo):
        fin = a[np.isfinite(a)]
        if fin.size == 0:
            return 0.0
        hi, lo = float(fin.max()), float(fin.min())
    return max(abs(hi), abs(lo)) if np.isfinite(hi) and np.isfinite(lo) else float("inf")


def half_cycle_index(current: np.ndarray, rest_fraction: float = REST_FRACTION) -> np.ndarray:
    """Index of half cycles: increments whenever the sign of the (non-rest) current flips.

    Rest rows (|I| below ``rest_fraction`` × max |I|) belong to the preceding half cycle.

    Parameters
    ----------
    current : ndarray
        Current (any unit).
    rest_fraction : float
        Fraction of the maximum |I| below which a row is rest.

    Returns
    -------
    ndarray of int64
        Half-cycle index per row, same length, starting at 0.
    """
    i = np.asarray(current, dtype=float)
    if i.size == 0:
        return np.zeros(0, dtype=np.int64)
    imax = np.nanmax(np.abs(i)) if np.any(np.isfinite(i)) else 0.0
    thr = rest_fraction * imax
    # written for memory (a few bytes per row beyond the result: records of 10^7 rows and more)
    sign = np.zeros(i.size, dtype=np.int8)
    sign[i > thr] = 1
    sign[i < -thr] = -1
    nonrest = sign != 0
    signs = sign[nonrest]  # the signs of the non-rest rows, in order
    del sign
    if signs.size == 0:
        return np.zeros(i.size, dtype=np.int64)
    # half cycle of each non-rest row: flips of the sign so far; a rest row takes that of the last
    # non-rest row before it (rests before the first current: half cycle 0)
    flips = np.zeros(signs.size, dtype=np.int64)
    np.cumsum(signs[1:] != signs[:-1], out=flips[1:])
    last = np.cumsum(nonrest, dtype=np.int64)
    del nonrest
    last -= 1
    np.maximum(last, 0, out=last)
    return flips[last]


def integrate_charge(time_s: np.ndarray, current_A: np.ndarray) -> np.ndarray:
    """Integrate the current into the cumulative charge by the trapezoidal rule, starting at 0.

    Parameters
    ----------
    time_s : ndarray
        Time in s.
    current_A : ndarray
        Current in A (same length; NaN intervals contribute no charge).

    Returns
    -------
    ndarray
        Cumulative signed charge in C, same length (zeros for fewer than two points).
    """
    t = np.asarray(time_s, dtype=float)
    i = np.asarray(current_A, dtype=float)
    if t.size < 2:
        return np.zeros(t.size)
    q = np.empty(t.size)  # built in place: one temporary of a row's size at most
    q[0] = 0.0
    np.add(i[1:], i[:-1], out=q[1:])
    q[1:] *= 0.5
    q[1:] *= np.diff(t)
    np.nan_to_num(q, copy=False)
    return np.cumsum(q, out=q)


#: Largest relative disagreement sum|dq_counter - dq_trapezoid| / sum|dq_trapezoid| over a record for which its
#: ``charge_C`` counts as the instrument's coulomb counter (the shared files: at most 0.052, a Neware SIM profile whose
#: steps reverse every few seconds); above it (an unsigned or per-step-reset capacity column, a sign convention unlike
#: the current's) the analyses integrate the current instead.
COUNTER_MAX_DISAGREEMENT = 0.25


def _trapezoid_charge(t: np.ndarray, i: np.ndarray) -> np.ndarray:
    """Charge [C] of each interval between rows by the trapezoid of the current (NaN intervals count 0)."""
    return np.nan_to_num(0.5 * (i[1:] + i[:-1]) * np.diff(t)) if t.size > 1 else np.zeros(0)


def _interval_charge(record: Any) -> tuple[np.ndarray, str | None]:
    """The charge of each interval [C] (counter or trapezoid, :func:`charge_increments`) and why the counter was not used."""
    t, i = record.time_s, record.current_A
    trap = _trapezoid_charge(t, i)
    q = np.asarray(record["charge_C"], dtype=float)
    if t.size > 1 and np.isfinite(q).all():
        counter = np.diff(q)
        scale = float(np.sum(np.abs(trap)))
        off = float(np.sum(np.abs(counter - trap)))
        if scale == 0.0 or off <= COUNTER_MAX_DISAGREEMENT * scale:
            return counter, None
        return trap, (f"charge from the current (trapezoid): the record's charge_C disagrees with the current's integral by "
                      f"{off / scale:.0%} (an unsigned or per-step capacity column?)")
    return trap, None


def _true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The runs of True in a boolean array, as ``(start, stop)`` row indices (stop exclusive)."""
    edges = np.diff(np.concatenate([[0], np.asarray(mask, dtype=np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()))


def unmeasured_charge_intervals(record: Any) -> np.ndarray:
    """Per interval between rows: True where its charge was not measured (the current missing, no counter moving).

    The current is missing (NaN) at either end of the interval, the charge :func:`charge_increments` books for it
    is zero (no coulomb counter of the instrument's own moved over it: a record without one integrates the current,
    which counts a missing current as no charge), and the run of missing rows touches a row where current flows
    (above 2 % of the record's largest). Such an interval's charge is unknown, not zero; a gap inside a rest (the rows
    on both sides at rest, as some files leave the current blank at open circuit) is a rest.

    Parameters
    ----------
    record : CyclingRecord
        The record.

    Returns
    -------
    ndarray of bool
        One flag per interval (n-1 of them; dimensionless).
    """
    i = np.asarray(record.current_A, dtype=float)
    if i.size < 2:
        return np.zeros(0, dtype=bool)
    dq, _note = _interval_charge(record)
    bad = ~np.isfinite(i)
    missing = bad[1:] | bad[:-1]
    if not missing.any():
        return missing
    imax = float(np.nanmax(np.abs(i))) if (~bad).any() else 0.0
    active = np.abs(np.nan_to_num(i)) > 0.02 * imax if imax > 0 else np.zeros(i.size, dtype=bool)
    # each NaN run: does a row next to it carry current? (a gap inside a rest is a rest)
    flowing = np.zeros(i.size, dtype=bool)
    for a, b in _true_runs(bad):
        flowing[a:b] = (a > 0 and active[a - 1]) or (b < i.size and active[b]) or imax == 0.0
    touches = (bad[1:] & flowing[1:]) | (bad[:-1] & flowing[:-1])
    return missing & touches & ~(np.abs(dq) > 0)


def charge_increments(record: Any) -> tuple[np.ndarray, np.ndarray, str | None]:
    """The charge of each interval between rows and the row it is booked to: the one home of capacity bookkeeping.

    The charge of the interval between rows k and k+1 is the record's ``charge_C`` increment (the instrument's coulomb
    counter where the reader found one; exact where the trapezoid of the logged current is not, e.g. an instrument
    that logs a step's first row some time into the step) when that counter agrees with the current
    (:data:`COUNTER_MAX_DISAGREEMENT`), else the trapezoid of the current. The interval is booked to row k+1 when
    current flows there (the charge flowed under that row's step: the row whose counter the interval ends at), else to
    row k (the tail of a step before a rest row).

    Parameters
    ----------
    record : CyclingRecord
        The record.

    Returns
    -------
    dq : ndarray
        Charge of each of the n-1 intervals [C], signed as the current.
    row : ndarray of int
        Index of the row each interval is booked to (dimensionless).
    note : str or None
        Why the counter was not used (None when it was, or when the record has no counter of its own).
    """
    dq, note = _interval_charge(record)
    t, i = record.time_s, record.current_A
    n = t.size
    imax = float(np.nanmax(np.abs(i))) if n else 0.0
    active = np.abs(np.nan_to_num(i)) > 0.02 * imax if imax > 0 else np.zeros(n, dtype=bool)
    row = np.arange(1, n) if n > 1 else np.zeros(0, dtype=np.int64)
    row = np.where(active[1:], row, row - 1) if n > 1 else row
    return dq, row.astype(np.int64), note


#: A step in which the current's lesser direction carries more than this fraction of the step's charge
#: throughput is a drive or pulse step (a SIM profile), not half of a charge/discharge cycle.
MIXED_STEP_FRACTION = 0.1


def mixed_step_rows(record: Any) -> np.ndarray:
    """Per row: True inside an instrument step whose current flows both ways (:data:`MIXED_STEP_FRACTION`).

    Needs the instrument's steps (a ``step`` column with more than one value); False everywhere otherwise.

    Parameters
    ----------
    record : CyclingRecord
        The record.

    Returns
    -------
    ndarray of bool
        One flag per row (dimensionless: True inside a drive or pulse step).
    """
    step = record["step"]
    n = len(record)
    if n < 2 or np.all(step == step[0]):
        return np.zeros(n, dtype=bool)
    label = np.concatenate([[0], np.cumsum(step[1:] != step[:-1])])
    dq = _trapezoid_charge(record.time_s, record.current_A)
    lab = label[1:]  # an interval belongs to its right row's step; the interval across a step change is dropped
    same = label[1:] == label[:-1]
    m = int(label[-1]) + 1
    pos = np.bincount(lab[same], weights=np.where(dq > 0, dq, 0.0)[same], minlength=m)
    neg = np.bincount(lab[same], weights=np.where(dq < 0, -dq, 0.0)[same], minlength=m)
    mixed = np.minimum(pos, neg) > MIXED_STEP_FRACTION * (pos + neg)
    return mixed[label]


def counts_cycles_from_current(record: Any) -> bool:
    """Whether the record's cycles are counted from its current rather than from its ``cycle`` column.

    The one rule, used by :meth:`CyclingRecord.summary` (``n_cycles``) and by the full-cell cycle table
    (:func:`lisse.analysis.fullcell.cycle_table`, ``cycles="auto"``): the current counts the cycles when the ``cycle``
    column holds a single value (the file has no cycle column, or numbers one cycle) and no instrument step is a drive
    or pulse step (:func:`mixed_step_rows`: inside one the current changes direction every few seconds, which says
    nothing about cycles).

    Parameters
    ----------
    record : CyclingRecord
        The record.

    Returns
    -------
    bool
        True: count the cycles from the current's direction (half cycles); False: from the ``cycle`` column.
    """
    if len(record) == 0:
        return True  # no cycle column values to go by (and no current: no cycles either way)
    cyc = record["cycle"]
    return bool(cyc.min() == cyc.max()) and not bool(mixed_step_rows(record).any())


def _opt_si(value: Any, unit: str, name: str) -> float | None:
    if value is None:
        return None
    x = as_si(value, unit, name)
    if not x > 0:
        from lisse.units import format_quantity

        raise ParameterError(f"cell metadata '{name}' must be positive; got {value!r} (= {format_quantity(x, unit)})")
    return x


@dataclass
class CyclingRecord:
    """A measured or simulated cycling time series in SI units, with metadata and provenance.

    Build one with :meth:`from_arrays` (validates and fills missing core columns) rather than the
    constructor. The data are a :class:`pandas.DataFrame` (columns listed in the module docstring);
    ``record.df`` exposes it, ``record["voltage_V"]`` a column as a numpy array.

    Parameters
    ----------
    df : pandas.DataFrame
        The columns, in SI units (s, V, A, C; see the module docstring).
    start : datetime or None, optional
        Timezone-aware wall-clock time of ``time_s == 0`` (None when the file gives none).
    area_m2 : float or None, optional
        Electrode (geometric) area in m².
    active_mass_kg : float or None, optional
        Active material mass in kg.
    loading_kg_m2 : float or None, optional
        Active material areal loading in kg/m².
    provenance : Provenance, optional
        Where the data came from (file, hash, reader, notes).
    """

    df: Any
    start: datetime | None = None
    area_m2: float | None = None
    active_mass_kg: float | None = None
    loading_kg_m2: float | None = None
    provenance: Provenance = field(default_factory=Provenance)

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_arrays(
        cls,
        time_s: Any,
        voltage_V: Any,
        current_A: Any,
        *,
        charge_C: Any = None,
        step: Any = None,
        cycle: Any = None,
        half_cycle: Any = None,
        extra: dict[str, Any] | None = None,
        start: datetime | None = None,
        area: Any = None,
        active_mass: Any = None,
        loading: Any = None,
        provenance: Provenance | None = None,
    ) -> CyclingRecord:
        """Validate arrays and build a record.

        Parameters
        ----------
        time_s, voltage_V, current_A : array_like
            Time (s), voltage (V), current (A; positive = anodic at the working electrode). They may be
            empty (0 rows: a header-only file); the record is then valid and empty (see
            :data:`NO_DATA_NOTE` for the note readers add).
        charge_C : array_like, optional
            Cumulative signed charge (C); integrated from the current (trapezoid) when omitted.
        step, cycle, half_cycle : array_like of int, optional
            Indices; ``half_cycle`` is derived from current sign flips when omitted, the others are 0.
        extra : dict of str to array_like, optional
            Further columns (same length), values in SI units.
        start : datetime, optional
            Wall-clock start; a naive datetime is rejected (give a timezone).
        area : float [m²], str or pint.Quantity, optional
            Electrode area: an SI number, or e.g. ``"0.785 cm2"`` (a unit-less string means cm²).
        active_mass : float [kg], str or pint.Quantity, optional
            Active mass: an SI number, or e.g. ``"12.5 mg"`` (a unit-less string means mg).
        loading : float [kg/m²], str or pint.Quantity, optional
            Areal loading of active material: an SI number, or e.g. ``"10 mg/cm2"`` (a unit-less string: mg/cm²).
        provenance : Provenance, optional
            Where the data came from; default: ``Provenance(source="unknown")``.

        Returns
        -------
        CyclingRecord
            The validated record, missing core columns filled.

        Raises
        ------
        ParameterError
            Arrays of different lengths, a non-monotone time axis, a naive ``start``.
        """
        import pandas as pd

        t = np.asarray(time_s, dtype=np.float64)
        v = np.asarray(voltage_V, dtype=np.float64)
        i = np.asarray(current_A, dtype=np.float64)
        n = t.size
        if t.ndim != 1 or v.shape != t.shape or i.shape != t.shape:
            raise ParameterError(
                f"CyclingRecord: time_s, voltage_V and current_A must be 1-D of equal length; got shapes {t.shape}, {v.shape}, {i.shape}"
            )
        if n > 1:
            bad = np.flatnonzero(t[1:] < t[:-1])  # exact test first (no full-length float temporaries)
            if bad.size:
                tol = 1e-9 * max(1.0, _abs_max(t))
                bad = bad[t[bad + 1] < t[bad] - tol]
            if bad.size:
                k = int(bad[0])
                raise ParameterError(
                    f"CyclingRecord: time_s must be non-decreasing; row {k + 1} has t={t[k + 1]!r} s after t={t[k]!r} s"
                )
        if start is not None and (start.tzinfo is None or start.utcoffset() is None):
            raise ParameterError(f"CyclingRecord: start must be timezone-aware; got the naive datetime {start!r}")
        cols: dict[str, Any] = {"time_s": t, "voltage_V": v, "current_A": i}
        cols["charge_C"] = integrate_charge(t, i) if charge_C is None else _arr(charge_C, n, "charge_C", float)
        cols["step"] = np.zeros(n, dtype=np.int64) if step is None else _arr(step, n, "step", np.int64)
        cols["cycle"] = np.zeros(n, dtype=np.int64) if cycle is None else _arr(cycle, n, "cycle", np.int64)
        cols["half_cycle"] = half_cycle_index(i) if half_cycle is None else _arr(half_cycle, n, "half_cycle", np.int64)
        for name, val in (extra or {}).items():
            if name in cols:
                raise ParameterError(f"CyclingRecord: extra column '{name}' clashes with a core column")
            a = np.asarray(val)
            if a.shape != (n,):
                raise ParameterError(f"CyclingRecord: extra column '{name}' has shape {a.shape}; expected ({n},)")
            cols[name] = a
        df = pd.DataFrame(cols, copy=False)
        return cls(
            df=df,
            start=start,
            area_m2=_opt_si(area, "cm2", "area"),
            active_mass_kg=_opt_si(active_mass, "mg", "active_mass"),
            loading_kg_m2=_opt_si(loading, "mg/cm2", "loading"),
            provenance=provenance or Provenance(),
        )

    # ------------------------------------------------------------------ access
    def __len__(self) -> int:
        return len(self.df)

    @property
    def empty(self) -> bool:
        """True for a record with no rows (a header-only file; see :data:`NO_DATA_NOTE`)."""
        return len(self.df) == 0

    def __getitem__(self, column: str) -> np.ndarray:
        if column not in self.df.columns:
            raise KeyError(f"CyclingRecord has no column '{column}'; columns: {list(self.df.columns)}")
        return self.df[column].to_numpy()

    @property
    def columns(self) -> list[str]:
        """Names of the data columns."""
        return list(self.df.columns)

    @property
    def time_s(self) -> np.ndarray:
        """Time since the start of the record [s]."""
        return self["time_s"]

    @property
    def voltage_V(self) -> np.ndarray:
        """Cell voltage [V]."""
        return self["voltage_V"]

    @property
    def current_A(self) -> np.ndarray:
        """Current [A], positive = anodic at the working electrode."""
        return self["current_A"]

    def with_metadata(self, *, area: Any = None, active_mass: Any = None, loading: Any = None) -> CyclingRecord:
        """Return a copy (sharing the data) with the given metadata set.

        Parameters
        ----------
        area : float, str or pint.Quantity, optional
            Electrode area: an SI number in m², or e.g. ``"0.785 cm2"`` (a unit-less string means cm²).
        active_mass : float, str or pint.Quantity, optional
            Active mass: an SI number in kg, or e.g. ``"12.5 mg"`` (a unit-less string means mg).
        loading : float, str or pint.Quantity, optional
            Areal loading of active material: an SI number in kg/m², or e.g. ``"10 mg/cm2"``.

        Returns
        -------
        CyclingRecord
            The copy; metadata not given keep their current values.

        Raises
        ------
        UnitError
            If a value has the wrong dimensions.
        ParameterError
            If a value is not positive and finite.
        """
        return replace(
            self,
            area_m2=_opt_si(area, "cm2", "area") if area is not None else self.area_m2,
            active_mass_kg=_opt_si(active_mass, "mg", "active_mass") if active_mass is not None else self.active_mass_kg,
            loading_kg_m2=_opt_si(loading, "mg/cm2", "loading") if loading is not None else self.loading_kg_m2,
        )

    def current_density_A_m2(self) -> np.ndarray:
        """Compute the current density ``current_A / area_m2``.

        Returns
        -------
        ndarray
            Current density in A/m², anodic positive.

        Raises
        ------
        ParameterError
            If the record has no electrode area (``area_m2`` None).
        """
        if self.area_m2 is None:
            raise ParameterError("CyclingRecord has no electrode area; pass area='0.785 cm2' to the reader or with_metadata()")
        return self.current_A / self.area_m2

    # ------------------------------------------------------------------ display
    def __repr__(self) -> str:
        """One line: rows, duration, voltage range, area, source file."""
        n = len(self)
        parts = [f"{n} rows"]
        if n:
            t = self.time_s
            parts.append(f"{(t[-1] - t[0]) / 3600.0:.3g} h")
            v = self.voltage_V
            fin = np.isfinite(v)
            if fin.any():
                parts.append(f"{np.min(v[fin]):.3g}..{np.max(v[fin]):.3g} V")
        if self.area_m2:
            parts.append(f"area {self.area_m2 * 1e4:.3g} cm²")
        if self.active_mass_kg:
            parts.append(f"active mass {self.active_mass_kg * 1e6:.3g} mg")
        src = str(self.provenance.source).replace("\\", "/").rsplit("/", 1)[-1]
        parts.append(f"source={short(src, 40)}")
        return f"CyclingRecord({', '.join(parts)})"

    def _repr_html_(self) -> str:
        s = self.summary()
        rows = [("rows", str(s["rows"])), ("duration", f"{s['duration_h']:.4g} h"), ("cycles", str(s["n_cycles"]))]
        if s["voltage_min_V"] is not None:
            rows.append(("voltage", f"{s['voltage_min_V']:.4g} – {s['voltage_max_V']:.4g} V"))
        if s["current_min_mA"] is not None:
            rows.append(("current", f"{s['current_min_mA']:.4g} – {s['current_max_mA']:.4g} mA"))
        for key, label, unit in (("area_cm2", "area", "cm²"), ("active_mass_mg", "active mass", "mg"), ("loading_mg_cm2", "loading", "mg/cm²")):
            if s[key]:
                rows.append((label, f"{s[key]:.4g} {unit}"))
        rows += [("source", str(self.provenance.source)), ("reader", str(self.provenance.reader)), ("columns", ", ".join(self.columns))]
        return html_table("CyclingRecord", rows)

    def plot(self, detector: Any = None, *, ax: Any = None, **kwargs: Any) -> Any:
        """Voltage and current against time (:func:`lisse.plot.cycling.plot_voltage_staircase`).

        Parameters
        ----------
        detector : CCDDetector or ShortDetector, optional
            A fitted detector whose failure is marked.
        ax : matplotlib.axes.Axes, optional
            Draw into this Axes (default: a new figure).
        **kwargs
            Passed on (``title``).

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (the user's when ``ax``/``axes`` is given).
        """
        return plot_with("lisse.plot.cycling:plot_voltage_staircase", self, detector, ax=ax, **kwargs)

    def to_arrow(self):
        """Return the data as a :class:`pyarrow.Table` (metadata in the schema metadata).

        Returns
        -------
        pyarrow.Table
            The SI columns; the :meth:`summary` as JSON under the schema-metadata key ``lisse.cycling``.
        """
        import json

        import pyarrow as pa

        table = pa.Table.from_pandas(self.df, preserve_index=False)
        meta = {"lisse.cycling": json.dumps(self.summary(), default=str)}
        return table.replace_schema_metadata(meta)

    def cycle_count(self) -> tuple[int, str]:
        """Count the record's cycles, from its ``cycle`` column or, when that numbers none, from its half cycles.

        A record whose ``cycle`` column holds a single value (a file without a cycle column, e.g. a generic CSV, or one
        numbering a single cycle) and that has no drive or pulse step (:func:`counts_cycles_from_current`) has
        ceil(half cycles / 2) cycles: half cycles 2k and 2k+1 form cycle k, as the short detector pairs them
        (its ``cycle_life`` and ``failure_cycle``) and as the full-cell cycle table derives them.

        Returns
        -------
        n_cycles : int
            Number of cycles (count; 0 for an empty record).
        source : str
            Where the count comes from: ``"cycle_column"``, ``"half_cycles"`` or ``"none"`` (no rows).
        """
        n = len(self)
        if n == 0:
            return 0, "none"
        if counts_cycles_from_current(self):
            return (int(self["half_cycle"].max()) + 2) // 2, "half_cycles"
        cyc = self["cycle"]
        return int(cyc.max() - cyc.min() + 1), "cycle_column"

    def summary(self) -> dict:
        """Summarise the record as JSON-able data: rows, duration, voltage/current ranges, metadata and provenance.

        Returns
        -------
        dict
            Keys carry their display units (``duration_h``, ``voltage_min_V``, ``current_max_mA``, ``area_cm2``,
            ``loading_mg_cm2`` ...); values are None where unknown. ``n_cycles`` is :meth:`cycle_count`'s and
            ``n_cycles_source`` says where it comes from (``"cycle_column"``, ``"half_cycles"``: the record numbers no
            cycles, ``"none"``: no rows).
        """
        n = len(self)
        n_cycles, n_cycles_source = self.cycle_count()
        t = self.time_s
        v = self.voltage_V
        i = self.current_A
        fin = np.isfinite(v)
        return {
            "rows": n,
            "columns": self.columns,
            "duration_h": float(t[-1] - t[0]) / 3600.0 if n else 0.0,
            "voltage_min_V": float(np.min(v[fin])) if fin.any() else None,
            "voltage_max_V": float(np.max(v[fin])) if fin.any() else None,
            "current_min_mA": float(np.nanmin(i)) * 1e3 if n else None,
            "current_max_mA": float(np.nanmax(i)) * 1e3 if n else None,
            "n_cycles": n_cycles,
            "n_cycles_source": n_cycles_source,
            "n_half_cycles": int(self["half_cycle"].max() + 1) if n else 0,
            "start": self.start.isoformat() if self.start else None,
            "area_cm2": self.area_m2 * 1e4 if self.area_m2 else None,
            "active_mass_mg": self.active_mass_kg * 1e6 if self.active_mass_kg else None,
            "loading_mg_cm2": self.loading_kg_m2 * 100.0 if self.loading_kg_m2 else None,
            "provenance": self.provenance.to_dict(),
        }


def _arr(val: Any, n: int, name: str, dtype: Any) -> np.ndarray:
    a = np.asarray(val)
    if a.shape != (n,):
        raise ParameterError(f"CyclingRecord: column '{name}' has shape {a.shape}; expected ({n},)")
    if dtype is np.int64:
        if a.dtype.kind == "f":
            return np.nan_to_num(a.astype(float), nan=0.0).astype(np.int64)
        return a.astype(np.int64, copy=False)
    return a.astype(dtype, copy=False)
