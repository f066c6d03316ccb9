"""What kind of cycling record this is, from the data alone: the one classifier of lisse.

Used by ``lisse cycling``, ``lisse ccd``, the cycling study stage and the symmetric-cell detectors
(:class:`~lisse.analysis.ccd.CCDDetector`, :class:`~lisse.analysis.shorts.ShortDetector`), which refuse
a record that is not a symmetric cell (:func:`require_symmetric`).

Rules (stated, not hidden; checked in this order, the first that applies decides):

* no rows: ``"empty"``;
* a ``freq/Hz`` column: ``"impedance"`` data;
* no current above 2 % of its maximum (or no finite current) in at least 10 rows: a ``"rest"``
  record (OCV, rest-only, zero-current files);
* a symmetric Li|SSE|Li cell polarises around 0 V with the sign of the current: the median voltage
  of each run of one current sign (a half cycle) has the sign of the current, for runs holding more
  than 80 % of the rows where current flows, **and** the median ``|V|`` while current flows is below
  0.5 V or the current flows in both directions (each in at least 10 % of those rows: a highly
  polarised symmetric cell still changes sign with the current, a full cell does not; a record
  with one current direction only must stay below 0.5 V): ``"symmetric"``; with ``staircase=True`` such a record with more than two
  current levels (levels 5 % apart) is a CCD staircase, ``"ccd"``;
* anything else: ``"fullcell"`` (a full or half cell, or any electrode whose voltage does not
  follow the current around 0 V, e.g. an aqueous three-electrode cell).

A potential sweep (LSV, CV; or a galvanodynamic current sweep: what a Tafel analysis needs) is told apart by
:func:`potential_sweep`: the potential (or the current) is driven at a constant rate, so its rate of change
``|dE/dt|`` (``|dI/dt|``; over windows of ``max(10, n // 500)`` rows, at most ``n // 10``: they span the steps of a
staircase voltammetry or the quantisation of a slow sweep) is within a factor 2 of its median, which is not zero, in at
least 75 % of the record, **and** the current follows the potential: the rank (Spearman) correlation of current and
voltage is at least 0.8 (anodic current positive, as lisse records it), and under a swept potential the current takes
at least 10 levels 5 % apart (a galvanostatic record whose polarisation drifts steadily takes one or a few). Of the
shared instrument files (``../shared/data/cyclers``) only the one LSV is a sweep (tested); staircase voltammetry, slow
quantised sweeps, CVs with vertex holds, unevenly sampled and galvanodynamic sweeps pass; an LSV that starts after a
long rest in the same file may not (state it with the caller's override). :func:`require_sweep` refuses the rest.

:func:`classify_cell` returns the answer with the rule that decided it, :func:`classify_record`
only the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from lisse.analysis._estimator import read_hint
from lisse.errors import CellTypeError, ParameterError

__all__ = ["CELL_TYPES", "CellClassification", "classify_cell", "classify_record", "current_levels", "potential_sweep",
           "require_sweep", "require_symmetric"]

#: Every answer :func:`classify_record` can give.
CELL_TYPES = ("empty", "impedance", "rest", "symmetric", "ccd", "fullcell")

#: Human names of the cell types (for messages: "detected a full cell").
LABELS = CellTypeError.LABELS

_ACTIVE_FRACTION = 0.02  # |i| above this fraction of max |i| counts as current flowing
_MIN_ACTIVE_ROWS = 10
_LEVEL_RATIO = 1.05  # currents closer than 5 % are one level
_SYM_MAX_MEDIAN_V = 0.5  # V; median |V| of a symmetric Li|SSE|Li cell while current flows is below this
_SYM_MIN_SIGN_AGREEMENT = 0.8  # fraction of active rows where sign(V) == sign(I)
_MIN_DIRECTION_FRACTION = 0.1  # both current directions: each in at least this fraction of the active rows
_SWEEP_MIN_STEADY = 0.75  # fraction of the record whose |dE/dt| is within a factor 2 of its median (a driven ramp)
_SWEEP_MIN_RANK_CORRELATION = 0.8  # Spearman correlation of current and voltage of a sweep (current follows E)
_SWEEP_WINDOWS = 500  # |dE/dt| over windows of n // this rows, at least _SWEEP_MIN_WINDOW (at most n // 10)
_SWEEP_MIN_WINDOW = 10  # rows: a window spans a staircase step or a quantisation step of a slow sweep
_SWEEP_MIN_LEVELS = 10  # current levels 5 % apart a potential sweep's current must take (a galvanostatic record: 1-25)


@dataclass(frozen=True)
class CellClassification:
    """The cell type of a record and the rule that decided it.

    Parameters
    ----------
    kind : str
        One of :data:`CELL_TYPES`.
    reason : str
        The measured numbers and the rule, e.g. ``"median |V| 2.95 V while current flows; a symmetric
        Li|SSE|Li cell polarises around 0 V (below 0.5 V)"``.
    """

    kind: str
    reason: str

    @property
    def label(self) -> str:
        """``"a full cell"``, ``"a symmetric cell"``, ... (for messages)."""
        return LABELS[self.kind]

    def __str__(self) -> str:
        return f"{self.label} ({self.reason})"


def current_levels(record: Any) -> int:
    """Count the distinct current magnitudes (5 % apart) while current flows.

    Parameters
    ----------
    record : CyclingRecord
        The record (current in A).

    Returns
    -------
    int
        Number of current levels (0 when no current flows).
    """
    i = np.abs(np.asarray(record.current_A, dtype=float))
    i = i[np.isfinite(i)]
    i = i[i > _ACTIVE_FRACTION * i.max()] if i.size and i.max() > 0 else i[:0]
    if i.size == 0:
        return 0
    return int(np.unique(np.round(np.log(i) / np.log(_LEVEL_RATIO))).size)


def _sign_agreement(i: np.ndarray, v: np.ndarray) -> float:
    """Fraction of rows (current flowing) in runs of one current sign whose median V has that sign.

    Medians per run, not single rows: a low-resistance symmetric cell whose overpotential is within a
    noise width of 0 V has single rows of either sign, but the median of each half cycle follows the current.
    The median of a long run is taken over about 200 evenly spread rows of it (standard error 0.09 σ).
    """
    s = np.sign(i)
    brk = np.flatnonzero(np.diff(s) != 0) + 1
    starts = np.concatenate([[0], brk])
    stops = np.concatenate([brk, [s.size]])
    lengths = stops - starts
    if starts.size <= 20_000:  # a median of at most ~200 evenly spread rows per run: fast for long records
        med = np.array([np.median(v[a:b:max(1, (b - a) // 200)]) for a, b in zip(starts, stops)])
    else:  # many short runs
        import pandas as pd

        med = pd.Series(v).groupby(np.repeat(np.arange(starts.size), lengths)).median().to_numpy()
    ok = np.sign(med) == s[starts]
    return float(np.sum(lengths[ok]) / s.size)


def _fmt_v(x: float) -> str:
    return f"{x * 1e3:.3g} mV" if abs(x) < 1 else f"{x:.3g} V"


def classify_cell(record: Any, *, staircase: bool = False) -> CellClassification:
    """The cell type of ``record`` with the rule that decided it (rules in the module docstring).

    Parameters
    ----------
    record : CyclingRecord
        The measured record (SI columns ``current_A`` and ``voltage_V``); 0 rows are allowed.
    staircase : bool
        Tell a stepped-current symmetric record (CCD staircase, more than two levels) from a constant-current one.

    Returns
    -------
    CellClassification
        The cell type and the rule, with the measured numbers, that decided it.

    Raises
    ------
    ParameterError
        ``record`` is not a CyclingRecord (a file path, for instance: read it with ``lisse.io.read_cycling``).
    """
    if not (hasattr(record, "columns") and hasattr(record, "current_A") and hasattr(record, "voltage_V")):
        raise ParameterError(f"classify_cell: expected a CyclingRecord; found {type(record).__name__}"
                             f"{read_hint(record, 'lisse.io.read_cycling')}")
    n = len(record)
    if n == 0:
        return CellClassification("empty", "the record has 0 rows")
    if "freq/Hz" in record.columns:
        return CellClassification("impedance", "it has a freq/Hz column")
    i = np.asarray(record.current_A, dtype=float)
    v = np.asarray(record.voltage_V, dtype=float)
    ok = np.isfinite(i)
    imax = float(np.max(np.abs(i[ok]))) if ok.any() else 0.0
    if imax == 0:
        what = "no finite current" if not ok.any() else "the current is 0 A in every row"
        return CellClassification("rest", f"{what}: nothing flows (OCV or rest)")
    act = ok & (np.abs(i) > _ACTIVE_FRACTION * imax) & np.isfinite(v)
    n_act = int(act.sum())
    if n_act < _MIN_ACTIVE_ROWS:
        return CellClassification("rest", f"current flows (|I| > {_ACTIVE_FRACTION:.0%} of its maximum) in only {n_act} of {n} rows "
                                          f"with a finite voltage; at least {_MIN_ACTIVE_ROWS} are needed")
    med = float(np.median(np.abs(v[act])))
    agree = _sign_agreement(i[act], v[act])
    pos = float(np.mean(i[act] > 0))
    both = min(pos, 1.0 - pos) >= _MIN_DIRECTION_FRACTION
    if med >= _SYM_MAX_MEDIAN_V and (agree <= _SYM_MIN_SIGN_AGREEMENT or not both):
        follow = (f", and the half-cycle median voltage has the sign of the current in only {agree:.0%} of those rows" if both
                  else " in one direction only")
        return CellClassification("fullcell", f"median |V| {_fmt_v(med)} while current flows{follow}; a symmetric Li|SSE|Li "
                                              f"cell polarises around 0 V, below {_SYM_MAX_MEDIAN_V:g} V, or with the sign of "
                                              f"the current in both directions")
    if agree < 1.0 - _SYM_MIN_SIGN_AGREEMENT:
        return CellClassification("fullcell", f"median |V| {_fmt_v(med)} while current flows, but the median voltage of a half "
                                              f"cycle has the sign of its current in only {agree:.0%} of those rows: a symmetric "
                                              f"cell recorded with the opposite current sign convention, or no symmetric cell")
    if agree <= _SYM_MIN_SIGN_AGREEMENT:
        return CellClassification("fullcell", f"the median voltage of a half cycle has the sign of its current in only {agree:.0%} "
                                              f"of the rows where current flows; a symmetric Li|SSE|Li cell polarises with the sign of the current "
                                              f"in more than {_SYM_MIN_SIGN_AGREEMENT:.0%}")
    why = (f"median |V| {_fmt_v(med)} while current flows and the half-cycle median voltage has the sign of the current "
           f"in {agree:.0%} of those rows")
    if staircase:
        levels = current_levels(record)
        if levels > 2:
            return CellClassification("ccd", f"{why}; {levels} current levels")
    return CellClassification("symmetric", why)


def classify_record(record: Any, *, staircase: bool = False) -> str:
    """Return the cell type of a record: ``"empty"``, ``"impedance"``, ``"rest"``, ``"symmetric"``, ``"ccd"`` or ``"fullcell"``.

    The kind of :func:`classify_cell` (which also gives the rule that decided).

    Parameters
    ----------
    record : CyclingRecord
        The record to classify (voltage in V, current in A).
    staircase : bool, default False
        Whether to distinguish a CCD staircase (``"ccd"``) from other symmetric-cell records.

    Returns
    -------
    str
        One of :data:`CELL_TYPES`.
    """
    return classify_cell(record, staircase=staircase).kind


def _cycling_rows(record: Any) -> int:
    """Rows of an impedance-bearing record that are not impedance rows (no frequency, or 0 Hz) and carry current (a count).

    EC-Lab files that interleave galvanostatic cycling with impedance scans ("EIS every N cycles") have a freq/Hz column
    that is empty or 0 on the cycling rows; the symmetric override applies to those (found by an independent review).
    """
    f = np.asarray(record["freq/Hz"], dtype=float)
    i = np.asarray(record.current_A, dtype=float)
    dc = ~np.isfinite(f) | (f == 0.0)
    ok = dc & np.isfinite(i)
    imax = float(np.max(np.abs(i[ok]))) if ok.any() else 0.0
    return int(np.count_nonzero(ok & (np.abs(i) > _ACTIVE_FRACTION * imax))) if imax > 0 else 0


def require_symmetric(record: Any, analysis: str, *, cell_type: str = "auto", override: str = "cell_type='symmetric'") -> CellClassification:
    """Refuse a record that is not a symmetric cell for a symmetric-cell ``analysis``.

    Parameters
    ----------
    record : CyclingRecord
        The record to check.
    analysis : str
        What needs the symmetric cell, for the message (``"ccd"``, ``"short detection"``).
    cell_type : {"auto", "symmetric"}
        ``"auto"``: classify with :func:`classify_cell`; ``"symmetric"``: the caller states the record is a
        symmetric cell (an override for records the classifier takes for a full cell; a record that is empty, carries
        no current or is impedance data is refused even so).
    override : str
        How the caller can override, named in the message (``"--cell-type symmetric"`` in the CLI).

    Returns
    -------
    CellClassification
        The classification used (``kind="symmetric"``, reason "stated by the caller" with the override).

    Raises
    ------
    CellTypeError
        The classifier detected another cell type (with ``"symmetric"``: an empty, current-free or impedance record);
        the message names it and the rule that decided.
    ParameterError
        ``cell_type`` is not ``"auto"`` or ``"symmetric"``.
    """
    if cell_type not in ("auto", "symmetric"):
        raise ParameterError(f"cell_type must be 'auto' or 'symmetric'; got {cell_type!r}")
    c = classify_cell(record)
    if cell_type == "symmetric":
        # the override answers a classifier that mistakes a symmetric cell for a full cell; it cannot make a record without
        # rows or current, or an impedance record, a cycling test (an EC-Lab PEIS file forced through gave a "CCD")
        if c.kind in CellTypeError.NOT_OVERRIDABLE and not (c.kind == "impedance" and _cycling_rows(record) >= _MIN_ACTIVE_ROWS):
            raise CellTypeError(c.kind, c.reason, analysis, override)
        return CellClassification("symmetric", "stated by the caller (classifier not consulted)")
    if c.kind not in ("symmetric", "ccd"):
        raise CellTypeError(c.kind, c.reason, analysis, override)
    return c


def potential_sweep(record: Any) -> tuple[bool, str]:
    """Whether ``record`` is a potential sweep (LSV or CV), with the measured numbers (rule in the module docstring).

    Parameters
    ----------
    record : CyclingRecord
        The measured record (SI columns ``time_s``, ``voltage_V``, ``current_A``).

    Returns
    -------
    is_sweep : bool
        True when the potential is swept at a steady rate and the current follows it.
    reason : str
        The measured numbers that decided.
    """
    t = np.asarray(record.time_s, dtype=float)
    v = np.asarray(record.voltage_V, dtype=float)
    i = np.asarray(record.current_A, dtype=float)
    ok = np.isfinite(t) & np.isfinite(v) & np.isfinite(i)
    t, v, i = t[ok], v[ok], i[ok]
    if t.size < _MIN_ACTIVE_ROWS:
        return False, f"{t.size} rows with finite time, voltage and current; a sweep needs at least {_MIN_ACTIVE_ROWS}"
    k = max(1, min(t.size // 10, max(_SWEEP_MIN_WINDOW, t.size // _SWEEP_WINDOWS)))  # windows smooth steps and quantisation
    dt = t[k:] - t[:-k]
    forward = dt > 0

    def steady_rate(x: np.ndarray) -> tuple[float, float]:  # median |dx/dt| and the share of the record near it
        rate = np.abs((x[k:] - x[:-k])[forward] / dt[forward])
        med = float(np.median(rate)) if rate.size else 0.0
        return med, (float(np.mean((rate > med / 2) & (rate < 2 * med))) if med > 0 else 0.0)

    (med_v, steady_v), (med_i, steady_i) = steady_rate(v), steady_rate(i)
    if np.ptp(i) > 0 and np.ptp(v) > 0:
        from scipy.stats import spearmanr

        rho = float(spearmanr(v, i).statistic)
    else:
        rho = 0.0
    driven = "potential" if steady_v >= steady_i else "current"
    levels = current_levels(record)
    med, steady = (med_v * 1e3, steady_v) if driven == "potential" else (med_i * 1e3, steady_i)
    unit = "mV/s" if driven == "potential" else "mA/s"
    why = (f"{'|dE/dt|' if driven == 'potential' else '|dI/dt|'} within a factor 2 of its median {med:.3g} {unit} in "
           f"{steady:.0%} of the record (a sweep: at least {_SWEEP_MIN_STEADY:.0%}), rank correlation of current and voltage "
           f"{rho:.2f} (a sweep: at least {_SWEEP_MIN_RANK_CORRELATION:g}"
           f"{'; negative: the current falls as the potential rises' if rho < 0 else ''})")
    if driven == "potential" and levels < _SWEEP_MIN_LEVELS:
        why += f"; the current takes {levels} level(s) 5 % apart (a sweep's current spans many: at least {_SWEEP_MIN_LEVELS})"
    return bool(med > 0 and steady >= _SWEEP_MIN_STEADY and rho >= _SWEEP_MIN_RANK_CORRELATION
                and (driven == "current" or levels >= _SWEEP_MIN_LEVELS)), why


def require_sweep(record: Any, analysis: str, *, cell_type: str = "auto", override: str = "cell_type='sweep'",
                  source: str | None = None) -> str:
    """Refuse a record that is not a potential sweep (:func:`potential_sweep`) for ``analysis``.

    Parameters
    ----------
    record : CyclingRecord
        The record.
    analysis : str
        The analysis asking (for the message, e.g. ``"Tafel analysis"``).
    cell_type : {"auto", "sweep"}
        ``"sweep"`` states that it is one (the caller's override; nothing is checked).
    override : str
        How the caller states it, for the message (e.g. ``"--cell-type sweep"``).
    source : str, optional
        The file the record came from (named first in the message).

    Returns
    -------
    str
        Why the record counts as a sweep (the measured numbers, or "stated by the caller").

    Raises
    ------
    CellTypeError
        The record is not a potential sweep; the message names the kind :func:`classify_cell` sees and the numbers.
    ParameterError
        ``cell_type`` is neither ``"auto"`` nor ``"sweep"``.
    """
    if cell_type not in ("auto", "sweep"):
        raise ParameterError(f"parameter 'cell_type' must be 'auto' or 'sweep'; got {cell_type!r}")
    if cell_type == "sweep":
        return f"stated by the caller ({override})"
    is_sweep, why = potential_sweep(record)
    if is_sweep:
        return why
    c = classify_cell(record)
    raise CellTypeError(c.kind, f"not a potential sweep: {why}", analysis, override, source=source,
                        needs="a potential sweep (LSV or CV) whose current follows the swept potential")
