"""Symmetric-cell (Li|SSE|Li) galvanostatic analysis: half cycles, overpotentials, capacity, spikes.

A symmetric cell is cycled by alternating plating and stripping at a constant current. This module
cuts a :class:`~lisse.records.cycling.CyclingRecord` into constant-current segments (half cycles; rests
are separate segments and are not analysed), and measures per half cycle:

* the **overpotential** |V| three ways: *plateau* (median |V| after the settling part),
  *peak* (max |V|) and *end of step* (median of the last points);
* the **nucleation spike height** :math:`V_\\mathrm{sp}` = max |V| in the first ``spike_fraction`` of the
  half cycle minus the plateau right after it (the quantity the interlayer model needs:
  :math:`l_n = C\\,V_\\mathrm{sp}/i` [Wang2024]);
* the **noise** (rms of :func:`noise_residuals`, after settling: the residual of each point from the line
  through its neighbours in time, = the second difference of V / √6 at equal spacing; equals σ for white noise and
  ignores smooth drifts) and the charge passed, the areal capacity and the **cumulative plated capacity**.

Sign convention: positive current strips Li from the working electrode (anodic), negative plates
on it. Every half cycle plates on one electrode and strips from the other.

The detectors in :mod:`lisse.analysis.ccd` and :mod:`lisse.analysis.shorts` build on
:func:`half_cycles` and :func:`scan_segment`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.analysis._estimator import check_record, read_hint
from lisse.errors import ParameterError
from lisse.records.cycling import CyclingRecord, _true_runs

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SegmentOptions", "segment_bounds", "half_cycles", "pooled_noise", "noise_keys", "scan_segment", "overpotential_summary", "spike_heights"]


@dataclass
class SegmentOptions:
    """How a record is cut into constant-current segments and how each is measured.

    Parameters
    ----------
    rest_fraction : float, default 0.02
        |I| below this fraction of max |I| is rest (dimensionless).
    level_tolerance : float, default 0.05
        A relative change of |I| larger than this starts a new segment (dimensionless).
    settle_fraction : float, default 0.1
        Fraction of each segment's duration skipped before the plateau and noise are measured
        (dimensionless; covers the nucleation spike).
    spike_fraction : float, default 0.1
        Fraction of each segment's duration searched for the spike maximum (dimensionless).
    end_points : int, default 3
        Number of points averaged (median) for the end-of-step overpotential.
    min_points : int, default 5
        Segments with fewer points than this number are ignored.
    """

    rest_fraction: float = 0.02
    level_tolerance: float = 0.05
    settle_fraction: float = 0.1
    spike_fraction: float = 0.1
    end_points: int = 3
    min_points: int = 5

    def check(self) -> None:
        """Check that the options are in range.

        Raises
        ------
        ParameterError
            If a fraction is outside [0, 1), ``end_points`` < 1 or ``min_points`` < 2.
        """
        for name in ("rest_fraction", "level_tolerance", "settle_fraction", "spike_fraction"):
            x = getattr(self, name)
            if not 0.0 <= x < 1.0:
                raise ParameterError(f"SegmentOptions.{name} must be in [0, 1); got {x!r}")
        if self.end_points < 1 or self.min_points < 2:
            raise ParameterError(f"SegmentOptions.end_points >= 1 and min_points >= 2 required; got {self.end_points}, {self.min_points}")


def _bridge_missing(i: np.ndarray, level_tolerance: float) -> np.ndarray:
    """The current with each NaN run between two equal currents (same sign, within ``level_tolerance``) set to the one
    before it, every other NaN to 0 (for cutting segments only: the charge over the run stays unmeasured)."""
    out = np.nan_to_num(i)
    bad = ~np.isfinite(i)
    if not bad.any():
        return out
    for a, b in _true_runs(bad):
        if a == 0 or b == i.size:
            continue
        left, right = i[a - 1], i[b]
        if left != 0 and np.sign(left) == np.sign(right) and abs(right - left) <= level_tolerance * max(abs(left), abs(right)):
            out[a:b] = left
    return out


def segment_bounds(current: np.ndarray, opts: SegmentOptions) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cut a current trace into constant-current segments.

    Parameters
    ----------
    current : ndarray
        Current in A (any unit: only ratios are used). A run of missing (NaN) rows between two rows of the same
        current (same sign, no level jump) is bridged: the segment goes on through it (a logging gap does not cut a
        half cycle in two); any other NaN counts as 0 (rest).
    opts : SegmentOptions
        ``rest_fraction`` and ``level_tolerance`` decide where segments start.

    Returns
    -------
    starts, stops : ndarray of int
        Start and stop row indices (stop exclusive) of each segment.
    sign : ndarray of int
        +1, -1, or 0 (rest) per segment (dimensionless sign of the current).
    """
    i = _bridge_missing(np.asarray(current, dtype=float), opts.level_tolerance)
    n = i.size
    if n == 0:
        return np.zeros(0, int), np.zeros(0, int), np.zeros(0, int)
    imax = np.max(np.abs(i))
    if imax == 0:
        return np.array([0]), np.array([n]), np.array([0])
    sgn = np.where(np.abs(i) > opts.rest_fraction * imax, np.sign(i), 0.0).astype(int)
    a = np.abs(i)
    level_jump = np.abs(np.diff(a)) > opts.level_tolerance * np.maximum(a[1:], a[:-1])
    brk = np.flatnonzero((np.diff(sgn) != 0) | (level_jump & (sgn[1:] != 0))) + 1
    starts = np.concatenate([[0], brk])
    stops = np.concatenate([brk, [n]])
    return starts, stops, sgn[starts]


#: Longest fall [share of the segment's duration, dimensionless] from the reference level to below the collapse threshold
#: that counts as a hard short when the reference is the segment's own starting level (``scan_segment(own_reference=)``):
#: assumed 5 %, 3 min of a 1 h half cycle; a short drops within seconds to minutes, a settling polarisation over most of
#: the half cycle.
ABRUPT_FRACTION = 0.05

#: Share of a half cycle's duration, after its settling part, whose median polarisation is the level a half cycle without
#: an earlier healthy one is judged against (:func:`initial_level`): long enough to average the noise, short enough that a
#: short or a contact loss later in the half cycle does not set it.
INITIAL_SPAN = 0.15


def initial_level(t: np.ndarray, v: np.ndarray, polarity: float, settle_fraction: float, span: float = INITIAL_SPAN) -> float:
    """The polarisation a segment starts at: median of ``polarity x V`` over ``[settle, settle + span]`` of its duration [V].

    The reference of a half cycle that has no earlier healthy one to be expected from (the first of a long test, those of
    a staircase's first step before any healthy one). Its own median over the whole half cycle is no reference: a short
    or a contact loss that takes most of the half cycle sets it (a hard short at 0.3 h of a 1 h half cycle, or a one-way
    strip whose polarisation rises 20x after 1 of 31 h, Singh2022 Fig. 5C, both went unjudged or misjudged).

    Parameters
    ----------
    t, v : ndarray
        Time [s] and voltage [V] of the segment.
    polarity : float
        Sign of the current (+1 or -1, dimensionless).
    settle_fraction : float
        Share of the duration skipped first (dimensionless).
    span : float, default INITIAL_SPAN
        Share of the duration the median is taken over (dimensionless).

    Returns
    -------
    float
        The median polarisation [V]; with fewer than 3 samples in the window, the median of the first 3 samples after
        settling (never the first sample alone: a first plating's nucleation spike), else of all but the first.
    """
    pv = np.sign(polarity) * np.asarray(v, dtype=float)
    if pv.size == 0:
        return float("nan")
    rel = (t - t[0]) / (t[-1] - t[0]) if pv.size > 1 and t[-1] > t[0] else np.zeros(pv.size)
    win = (rel >= settle_fraction) & (rel <= settle_fraction + span)
    if win.sum() >= 3:
        return _median(pv[win])
    # sparse or irregular logging: the first three samples after settling (never the first sample alone, which may be
    # the nucleation spike of a first plating; found by an independent review: 6 samples an hour at random times read
    # a 5x spike as the level and the plateau after it as a hard short)
    after = np.flatnonzero(rel >= settle_fraction)[:3]
    if after.size:
        return _median(pv[after])
    return _median(pv[1:]) if pv.size > 1 else float(pv[0])


def _median(a: np.ndarray) -> float:
    """Median of a 1-D finite array via np.partition (np.median's per-call overhead dominates on short segments)."""
    n = a.size
    if n == 0:
        return float("nan")
    k = n // 2
    if n % 2:
        return float(np.partition(a, k)[k])
    p = np.partition(a, (k - 1, k))
    return 0.5 * float(p[k - 1] + p[k])


def noise_residuals(v: np.ndarray, t: np.ndarray | None = None) -> np.ndarray:
    """Residuals of each interior point from the straight line through its two neighbours, in units of the noise σ.

    ``r_i = (v_i - (w_-·v_(i-1) + w_+·v_(i+1))) / sqrt(1 + w_-² + w_+²)`` with the linear-interpolation weights
    ``w_+ = (t_i - t_(i-1))/(t_(i+1) - t_(i-1))``, ``w_- = 1 - w_+``. For white noise of σ every residual has the standard
    deviation σ, whatever the spacing; a linear trend gives zero and a smooth curve ``v''·Δt_-·Δt_+/2``, which is
    small where points are close. With equal spacing (or ``t`` None) ``r_i`` is the second difference / √6, the
    estimator used before: a record logged at uneven times (a cycler that logs on a voltage change, a simulated
    record whose substeps end at events) no longer turns a smooth curve into "noise".

    Parameters
    ----------
    v : ndarray
        Voltage [V].
    t : ndarray, optional
        Time [s] of the same points (None: equal spacing). Where the two neighbours share a time, equal weights.

    Returns
    -------
    ndarray
        ``v.size - 2`` residuals [V].
    """
    v = np.asarray(v, dtype=float)
    if t is not None and np.shape(t) != v.shape:
        raise ParameterError(f"noise_residuals: time has shape {np.shape(t)}, voltage {v.shape}; expected the same")
    if v.size < 3:
        return np.zeros(0)
    if t is None:
        return -np.diff(v, 2) / np.sqrt(6.0)
    t = np.asarray(t, dtype=float)
    span = t[2:] - t[:-2]
    with np.errstate(invalid="ignore", divide="ignore"):
        wp = np.where(span > 0, (t[1:-1] - t[:-2]) / span, 0.5)
    wp = np.clip(np.nan_to_num(wp, nan=0.5), 0.0, 1.0)
    wm = 1.0 - wp
    return (v[1:-1] - (wm * v[:-2] + wp * v[2:])) / np.sqrt(1.0 + wm * wm + wp * wp)


def _rms_noise(v: np.ndarray, t: np.ndarray | None = None) -> float:
    """Noise σ from the rms of :func:`noise_residuals`: insensitive to smooth trends, = σ for white noise."""
    if v.size < 4:
        return float("nan")
    r = noise_residuals(v, t)
    return float(np.sqrt(np.dot(r, r) / r.size))


def _mad_sigma(r: np.ndarray) -> float:
    """1.4826 × the median absolute deviation of ``r``: σ for Gaussian residuals, blind to isolated jumps."""
    return float(1.4826 * _median(np.abs(r - _median(r))))


def _block_noise(v: np.ndarray, t: np.ndarray | None = None) -> float:
    """Robust noise σ: 1.4826 × MAD of :func:`noise_residuals` (isolated jumps do not count)."""
    if v.size < 4:
        return float("nan")
    return _mad_sigma(noise_residuals(v, t))


def pooled_noise(v: np.ndarray, starts: np.ndarray, stops: np.ndarray, n_plateau: np.ndarray, t: np.ndarray | None = None) -> float:
    """Estimate the robust noise σ pooled over segments: 1.4826 × MAD of :func:`noise_residuals`.

    At equal spacing the residuals are the second differences of V / √6.

    Only the last ``n_plateau`` points of each segment (after settling) are used; the residuals
    remove a linear trend within a segment (a drifting plateau), the MAD ignores isolated jumps, and
    1.4826·MAD/√6 equals σ for white Gaussian noise.

    Parameters
    ----------
    v : ndarray
        Voltage in V of the whole record.
    starts, stops : ndarray of int
        Row indices (stop exclusive) of the segments, as from :func:`segment_bounds`.
    n_plateau : ndarray of int
        Number of points after settling in each segment.
    t : ndarray, optional
        Time [s] of the whole record (None: equal spacing).

    Returns
    -------
    float
        Noise σ in V; NaN when fewer than 3 residuals exist.
    """
    parts = [noise_residuals(v[int(b) - int(p) : int(b)], None if t is None else t[int(b) - int(p) : int(b)])
             for a, b, p in zip(starts, stops, n_plateau) if int(p) >= 3 and int(b) - int(a) >= int(p)]
    r = np.concatenate(parts) if parts else np.zeros(0)
    r = r[np.isfinite(r)]
    if r.size < 3:
        return float("nan")
    return _mad_sigma(r)


def noise_keys(reference_V: float, measured_V: float | None) -> dict:
    """The summary keys of a detector's noise: the reference its thresholds used, what was measured, and which it was.

    The reference is max(measured, floor) (``min_noise_V``: for noiseless or quantised data); where the floor wins,
    ``noise_reference_mV`` is an assumption, not the record's noise, and the keys say so.

    Parameters
    ----------
    reference_V : float
        The noise the thresholds used [V].
    measured_V : float or None
        The pooled noise measured on the baseline (:func:`pooled_noise`) [V]; NaN when there was too little data, None
        when not known (a detector stored before the measured noise was kept).

    Returns
    -------
    dict
        ``noise_measured_mV`` (None when not measured) and ``noise_reference_is_floor`` (True when the floor, not the
        measured noise, set the reference; None when not known).
    """
    if measured_V is None:
        return {"noise_measured_mV": None, "noise_reference_is_floor": None}
    measured = float(measured_V) if np.isfinite(measured_V) else None
    return {"noise_measured_mV": None if measured is None else measured * 1e3,
            "noise_reference_is_floor": measured is None or measured < float(reference_V)}


def half_cycles(record: CyclingRecord, opts: SegmentOptions | None = None) -> pd.DataFrame:
    """Table of constant-current segments (half cycles) with their overpotentials.

    Parameters
    ----------
    record : CyclingRecord
        A symmetric-cell record (time in s, voltage in V, current in A; area in m² for densities).
    opts : SegmentOptions, optional
        How segments are cut and measured; default ``SegmentOptions()``.

    Returns
    -------
    pandas.DataFrame
        One row per non-rest segment of at least ``min_points`` points, columns: ``start``, ``stop``
        (row indices), ``t_start_s``, ``t_end_s``, ``duration_s``, ``current_A`` (median, signed),
        ``direction`` (``"strip"``: +I, Li leaves the working electrode; ``"plate"``: -I),
        ``current_density_A_m2`` (NaN without area), ``charge_C`` (|∫I dt|: the charge increments booked to the half
        cycle's rows, :func:`lisse.records.cycling.charge_increments`; the measured part only where the current is
        missing), ``charge_unmeasured_s`` (seconds of the half cycle whose current is missing with no coulomb counter
        moving: :func:`lisse.records.cycling.unmeasured_charge_intervals`; 0 when all of it was measured; where it is not,
        ``charge_C``, ``capacity_C_m2`` and ``cumulative_plated_C_m2`` count the measured charge only: lower bounds),
        ``capacity_C_m2``, ``cumulative_plated_C_m2``, ``eta_plateau_V``, ``eta_peak_V``, ``eta_end_V``, ``v_sp_V``,
        ``noise_V``, ``polarisation_V`` (median of V × sign(I) after settling: the plateau with its sign,
        unbiased where it is within a few noise widths of 0 V, where the median |V| is not) and
        ``n_plateau`` (points after settling).
    """
    import pandas as pd

    check_record(record, "half_cycles")
    opts = opts or SegmentOptions()
    opts.check()
    t = record.time_s
    v = record.voltage_V
    i = record.current_A
    starts, stops, sgn = segment_bounds(i, opts)
    keep = (sgn != 0) & ((stops - starts) >= opts.min_points)
    starts, stops, sgn = starts[keep], stops[keep], sgn[keep]
    n = starts.size
    out = {k: np.full(n, np.nan) for k in ("t_start_s", "t_end_s", "duration_s", "current_A", "charge_C", "charge_unmeasured_s",
                                          "eta_plateau_V", "eta_peak_V", "eta_end_V", "v_sp_V", "noise_V", "polarisation_V")}
    n_plateau = np.zeros(n, dtype=np.int64)
    # charge by segment: the intervals booked to the segment's rows, as the full-cell cycle table books them (the
    # instrument's coulomb counter where the record's charge_C is one, else the trapezoid of the current)
    from lisse.records.cycling import charge_increments, unmeasured_charge_intervals

    dq_int, booked, _note = charge_increments(record)
    cq = np.cumsum(np.bincount(booked, weights=dq_int, minlength=t.size)) if t.size > 1 else np.zeros(t.size)
    lost = unmeasured_charge_intervals(record)  # seconds without a measured current, booked as the charge is
    lost_t = (np.cumsum(np.bincount(booked[lost], weights=np.diff(t)[lost], minlength=t.size)) if lost.any()
              else np.zeros(t.size))
    av = np.abs(v)
    for k in range(n):
        a, b = int(starts[k]), int(stops[k])
        ts = t[a:b]
        vs = av[a:b]
        t0, t1 = ts[0], ts[-1]
        # include the interval to the next sample so a segment's duration covers its last point
        t_end = t[b] if b < t.size else t1 + (t1 - t0) / max(b - a - 1, 1)
        dur = t_end - t0
        out["t_start_s"][k], out["t_end_s"][k], out["duration_s"][k] = t0, t_end, dur
        out["current_A"][k] = _median(i[a:b])
        out["charge_C"][k] = abs(cq[b - 1] - (cq[a - 1] if a > 0 else 0.0))
        out["charge_unmeasured_s"][k] = lost_t[b - 1] - (lost_t[a - 1] if a > 0 else 0.0)
        rel = ts - t0
        post = vs[rel >= opts.settle_fraction * dur]
        if post.size < 2:
            post = vs
        plateau = _median(post)
        out["eta_plateau_V"][k] = plateau
        out["eta_peak_V"][k] = float(np.max(vs))
        out["eta_end_V"][k] = _median(vs[-opts.end_points :])
        early = vs[rel <= opts.spike_fraction * dur]
        after = vs[(rel >= opts.spike_fraction * dur) & (rel <= 0.5 * dur)]
        ref = _median(after) if after.size else plateau
        out["v_sp_V"][k] = float(np.max(early)) - ref if early.size else np.nan
        keep = rel >= opts.settle_fraction * dur
        vpost = v[a:b][keep]
        out["noise_V"][k] = _rms_noise(vpost, t[a:b][keep])
        pol = sgn[k] * (vpost if vpost.size >= 2 else v[a:b])
        out["polarisation_V"][k] = _median(pol)
        n_plateau[k] = pol.size
    df = pd.DataFrame({"start": starts, "stop": stops, **out, "n_plateau": n_plateau})
    df["direction"] = np.where(sgn > 0, "strip", "plate")
    area = record.area_m2
    df["current_density_A_m2"] = df["current_A"] / area if area else np.nan
    df["capacity_C_m2"] = df["charge_C"] / area if area else np.nan
    plated = np.where(sgn < 0, df["capacity_C_m2"].to_numpy(), 0.0) if area else np.zeros(n)
    # in a symmetric cell every half cycle plates on one electrode; "plated" counts the working electrode
    df["cumulative_plated_C_m2"] = np.cumsum(plated) if area else np.nan
    return df


def scan_segment(
    t: np.ndarray,
    v: np.ndarray,
    ref_V: float,
    noise_ref_V: float,
    *,
    settle_fraction: float = 0.1,
    collapse_ratio: float = 0.3,
    window: int = 5,
    noise_factor: float = 4.0,
    drop_fraction: float = 0.25,
    drop_sigma: float = 6.0,
    min_drops: int = 3,
    rise_ratio: float | None = 1.5,
    v_cutoff: float | None = None,
    polarity: float | None = None,
    collapse_sigma: float | None = None,
    noise_min_points: int = 0,
    own_reference: bool = False,
) -> tuple[str | None, int | None, dict]:
    r"""Look for failure signatures inside one constant-current segment.

    Criteria, checked in this order of time (the earliest firing wins):

    * ``"voltage_collapse"``: the rolling median (``window`` points) of |V| falls below
      ``collapse_ratio`` × ``ref_V`` (hard short). With ``collapse_sigma`` = z the test is
      noise-aware: the window is widened to :math:`w_c = \lceil(1.2533\,z\,\sigma/(c\,\eta_\mathrm{ref}))^2\rceil`
      points (σ = ``noise_ref_V``, c = ``collapse_ratio``; 1.2533σ/√w is the standard error of the median of
      w Gaussian samples), so that both the healthy level and a collapse to 0 V lie at least z standard
      errors from the threshold; a segment shorter than :math:`w_c` (or with ``ref_V`` ≤ 0) cannot show
      a collapse distinguishable from noise and is not tested for one;
    * ``"erratic_voltage"``: after settling, at least ``min_drops`` sudden *drops* of |V| larger than
      max(``drop_fraction`` × ``ref_V``, ``drop_sigma`` × ``noise_ref_V``), or a noise above
      ``noise_factor`` × ``noise_ref_V`` (soft short; the noise is 1.4826 × the median absolute
      deviation of :func:`noise_residuals`, so isolated jumps do not raise it). When a collapse and erratic drops are
      both present in the segment, the segment is a soft short (a hard short drops once and stays low);
    * ``"ohmic_scaling_lost"``: after settling, the rolling median of |V| exceeds ``rise_ratio`` ×
      ``ref_V`` + 3 ``noise_ref_V`` (with ``collapse_sigma``: + max(3, z·1.2533/√w) ``noise_ref_V``, w the
      rolling-median window) (runaway polarization, e.g. voids), or |V| reaches ``v_cutoff``.

    Parameters
    ----------
    t, v : ndarray
        Time (s) and voltage (V) of the segment.
    ref_V : float
        Expected |V| plateau of this segment for a healthy cell (V).
    noise_ref_V : float
        Healthy noise level (V).
    settle_fraction : float, default 0.1
        Fraction of the segment's duration skipped before the erratic and ohmic tests (dimensionless).
    collapse_ratio : float, default 0.3
        Collapse threshold as a fraction of ``ref_V`` (dimensionless).
    window : int, default 5
        Rolling-median window, in points.
    noise_factor : float, default 4.0
        Noise above this multiple of ``noise_ref_V`` is erratic (dimensionless).
    drop_fraction : float, default 0.25
        A drop larger than this fraction of ``ref_V`` counts (dimensionless) ...
    drop_sigma : float, default 6.0
        ... or larger than this multiple of ``noise_ref_V`` (number of standard deviations), whichever is larger.
    min_drops : int, default 3
        Number of drops that make the segment erratic.
    rise_ratio : float or None, default 1.5
        Ohmic-scaling threshold as a multiple of ``ref_V`` (dimensionless); None: no rise test.
    v_cutoff : float or None, optional
        Cycler voltage limit |V| in V; reaching it counts as ``"ohmic_scaling_lost"``.
    polarity : float, optional
        Sign of the current in this segment (+1 or -1, dimensionless). Given, the polarisation ``polarity × V`` is
        scanned instead of |V| (unbiased where the overpotential is within a few noise widths of 0 V;
        a polarisation reversed by a short counts as collapsed).
    collapse_sigma : float, optional
        Significance z of the noise-aware collapse test (None: the plain ``window``-point test).
    noise_min_points : int, default 0
        The noise test needs at least this many points after settling (a noise level estimated from a
        handful of points is itself noise: with 4 points its scatter is a factor of several).
    own_reference : bool, default False
        ``ref_V`` is not set by two or more earlier healthy half cycles (it is the level this segment starts at, or one
        earlier half cycle's plateau, which a first half cycle's conditioning may set 3-10x too high). A collapse is then a
        *fall*: only a rolling median below the threshold AFTER one at or above the threshold counts, and the fall must be
        abrupt, from the last sample clearly at the reference level ((1 + collapse_ratio)/2 of it) to the first below the
        threshold within
        :data:`ABRUPT_FRACTION` of the segment's duration (a short drops in seconds to minutes; a first half cycle whose
        polarisation settles from 10x to 1x over an hour read as a hard short; found by an independent review). Without
        the fall rule, a segment whose polarisation starts low and rises (contact lost on a one-way strip, Singh2022
        Fig. 5C) had its own early samples read as a hard short at its first sample.

    Returns
    -------
    criterion : str or None
        ``"voltage_collapse"``, ``"erratic_voltage"``, ``"ohmic_scaling_lost"`` or None (healthy).
    index : int or None
        Index (into ``t``) where the criterion first fires.
    metrics : dict
        ``ratio`` (plateau / ref), ``noise_ratio``, ``n_drops``.

    Raises
    ------
    ParameterError
        If ``v_cutoff`` is given and is not a finite positive voltage.
    """
    if v_cutoff is not None and not 0 < v_cutoff < np.inf:
        raise ParameterError(f"parameter 'v_cutoff' must be a finite voltage magnitude > 0 V; got {v_cutoff} V")
    av = np.abs(v) if polarity is None else np.sign(polarity) * np.asarray(v, dtype=float)
    n = av.size
    w = max(1, min(window, n) | 1)
    med = _rolling_median(av, w)
    dur = t[-1] - t[0] if n > 1 else 0.0
    settle = (t - t[0]) >= settle_fraction * dur
    hits: list[tuple[int, str]] = []
    medc: np.ndarray | None
    if collapse_sigma is None:
        wc, medc = w, med
    elif ref_V > 0 and np.isfinite(ref_V):
        level = collapse_ratio * ref_V
        # the window whose median resolves the collapse level at this noise; none fits the record when it would be longer
        # than the record (including a level that underflows to 0 or a window that overflows: a tiny collapse_ratio)
        r = 1.2533 * collapse_sigma * noise_ref_V / level if level > 0 else math.inf
        need = r * r  # (not r ** 2: a float power raises OverflowError where a product gives inf)
        if math.isfinite(need) and need <= n:
            wc = max(w, int(math.ceil(need)) | 1)
            medc = _rolling_median(av, wc) if wc <= n else None
        else:
            wc, medc = w, None
    else:
        wc, medc = w, None
    metrics: dict = {"collapse_window": wc if medc is not None else None}
    if medc is not None:
        below = medc < collapse_ratio * ref_V
        if own_reference:  # a fall from the segment's own level: samples before the first one at that level do not count
            level_reached = np.flatnonzero(~below)
            below[: int(level_reached[0]) if level_reached.size else below.size] = False
            # ... and it must be abrupt: the first sample below whose last sample clearly at the level (0.65 x) lies within
            # ABRUPT_FRACTION of the duration before it (vectorised: a long settling segment has many samples below)
            at_level = np.flatnonzero(medc >= 0.5 * (1.0 + collapse_ratio) * ref_V)
            cand = np.flatnonzero(below)
            pos = np.searchsorted(at_level, cand)
            prev = at_level[np.maximum(pos - 1, 0)] if at_level.size else np.zeros(cand.size, dtype=int)
            abrupt = (pos > 0) & (t[cand] - t[prev] <= ABRUPT_FRACTION * dur) if cand.size else np.zeros(0, dtype=bool)
            below[: int(cand[abrupt][0]) if abrupt.any() else below.size] = False
        low = np.flatnonzero(below)
        if low.size:
            hits.append((max(int(low[0]) - wc // 2, 0), "voltage_collapse"))
    idx_post = np.flatnonzero(settle)
    metrics["ratio"] = _median(av[settle]) / ref_V if ref_V > 0 and settle.any() else float("nan")
    if idx_post.size >= 3:
        vp = v[idx_post]
        d = -np.diff(av[idx_post])  # positive where |V| (the polarisation) falls
        thr = max(drop_fraction * ref_V, drop_sigma * noise_ref_V)
        drops = np.flatnonzero(d > thr)
        metrics["n_drops"] = int(drops.size)
        noise = _block_noise(vp, t[idx_post])
        metrics["noise_ratio"] = noise / noise_ref_V if noise_ref_V > 0 else float("nan")
        if drops.size >= min_drops:
            hits.append((int(idx_post[drops[0]]), "erratic_voltage"))
        elif noise_ref_V > 0 and idx_post.size >= noise_min_points and noise > noise_factor * noise_ref_V:
            # locate the onset: first point where a local rms exceeds the threshold
            loc = np.sqrt(np.convolve(noise_residuals(vp, t[idx_post]) ** 2, np.ones(4 * w) / (4 * w), mode="same"))
            on = np.flatnonzero(loc > noise_factor * noise_ref_V)
            hits.append((int(idx_post[on[0]]) if on.size else int(idx_post[0]), "erratic_voltage"))
        if rise_ratio is not None:
            # margin: 3 noise widths, or collapse_sigma standard errors of the w-point median if that is more (w = 1, 3)
            margin = 3.0 if collapse_sigma is None else max(3.0, collapse_sigma * 1.2533 / np.sqrt(w))
            high = np.flatnonzero(med[idx_post] > rise_ratio * ref_V + margin * noise_ref_V)
            if high.size:
                hits.append((int(idx_post[high[0]]), "ohmic_scaling_lost"))
    if v_cutoff is not None:
        cut = np.flatnonzero(av >= v_cutoff)
        if cut.size:
            hits.append((int(cut[0]), "ohmic_scaling_lost"))
    if not hits:
        return None, None, metrics
    idx, crit = min(hits)
    kinds = {c for _, c in hits}
    if crit == "voltage_collapse" and "erratic_voltage" in kinds and metrics.get("n_drops", 0) >= min_drops:
        crit = "erratic_voltage"  # repeated drops and recoveries: a soft short, even if it dips deep
    return crit, idx, metrics


def _rolling_median(x: np.ndarray, w: int) -> np.ndarray:
    """Centred rolling median over ``w`` points (odd; edges repeat the first/last full window)."""
    n = x.size
    w = max(1, int(w) | 1)
    if w == 1 or n < w:
        return x.copy()
    if w > 63:  # a (n - w + 1) x w window view would be large: scipy's running median needs no copy per window
        from scipy.ndimage import median_filter

        med = median_filter(x, size=w, mode="nearest")
        med[: w // 2] = med[w // 2]
        med[n - w // 2 :] = med[n - w // 2 - 1]
        return med
    from numpy.lib.stride_tricks import sliding_window_view

    med = np.partition(sliding_window_view(x, w), w // 2, axis=1)[:, w // 2]
    return np.concatenate([np.full(w // 2, med[0]), med, np.full(w // 2, med[-1])])


def spike_heights(record: CyclingRecord, opts: SegmentOptions | None = None) -> pd.DataFrame:
    r"""Nucleation spike height per half cycle, with the electrode that plates and the current density.

    In a symmetric cell every half cycle plates Li on one electrode: on the working electrode when the
    current is negative, on the counter electrode when it is positive. The interlayer model uses
    :math:`l_n = C\,V_\mathrm{sp}/i` [Wang2024] with these pairs.

    Parameters
    ----------
    record : CyclingRecord
        A symmetric-cell record (time in s, voltage in V, current in A; area in m² for densities).
    opts : SegmentOptions, optional
        How segments are cut and measured; default ``SegmentOptions()``.

    Returns
    -------
    pandas.DataFrame
        ``half_cycle``, ``t_start_s``, ``plating_on`` (``"working"``/``"counter"``), ``current_density_A_m2``
        (absolute; NaN without area), ``v_sp_V``, ``eta_plateau_V``.

    References
    ----------
    .. [1] Wang et al., "Lithium anode interlayer design for all-solid-state lithium-metal batteries",
       Nature Energy 9 (2024), doi:10.1038/s41560-023-01426-1 (``Wang2024``).
    """
    hc = half_cycles(record, opts)
    out = hc[["t_start_s", "v_sp_V", "eta_plateau_V"]].copy()
    out.insert(0, "half_cycle", range(len(hc)))
    out.insert(2, "plating_on", ["working" if d == "plate" else "counter" for d in hc["direction"]])
    out.insert(3, "current_density_A_m2", hc["current_density_A_m2"].abs())
    return out.reset_index(drop=True)


def overpotential_summary(table: pd.DataFrame) -> dict:
    """Summarise a :func:`half_cycles` table in headline numbers (JSON-able, unit-suffixed keys).

    Parameters
    ----------
    table : pandas.DataFrame
        The output of :func:`half_cycles` (voltages in V, capacities in C/m²).

    Returns
    -------
    dict
        ``n_half_cycles`` and, when there is one, ``eta_plateau_first_mV``, ``eta_plateau_last_mV``,
        ``eta_plateau_median_mV``, ``v_sp_median_mV`` and ``cumulative_plated_mAh_cm2``.
    """
    if len(table) == 0:
        return {"n_half_cycles": 0}
    plate = table[table["direction"] == "plate"]
    return {
        "n_half_cycles": int(len(table)),
        "eta_plateau_first_mV": float(table["eta_plateau_V"].iloc[0]) * 1e3,
        "eta_plateau_last_mV": float(table["eta_plateau_V"].iloc[-1]) * 1e3,
        "eta_plateau_median_mV": float(table["eta_plateau_V"].median()) * 1e3,
        "v_sp_median_mV": float(plate["v_sp_V"].median()) * 1e3 if len(plate) else None,
        "cumulative_plated_mAh_cm2": float(table["cumulative_plated_C_m2"].iloc[-1]) / 3.6e4
        if np.isfinite(table["cumulative_plated_C_m2"].iloc[-1])
        else None,
    }


def _need_area(record: CyclingRecord, what: str) -> float:
    if not record.area_m2:
        raise ParameterError(f"{what} needs the electrode area: pass area='0.785 cm2' to the reader or record.with_metadata(area=...)")
    return record.area_m2


def _half_cycles_of(record: CyclingRecord, opts: SegmentOptions, table: Any, where: str) -> pd.DataFrame:
    """``half_cycles(record, opts)``, or a copy of the caller's table of it (a detector sharing another's segmentation),
    refused when it cannot be one: not a table with :func:`half_cycles`'s columns, or segments past the record's end."""
    if table is None:
        return half_cycles(record, opts)
    need = ("start", "stop", "current_A", "duration_s", "noise_V", "polarisation_V", "eta_plateau_V", "n_plateau")
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        got = type(table).__name__
    elif any(c not in table.columns for c in need):
        got = f"a DataFrame without the columns {', '.join(c for c in need if c not in table.columns)}"
    elif len(table) and int(table["stop"].max()) > len(record):
        got = f"a table of {len(table)} segments ending at row {int(table['stop'].max())} for a record of {len(record)} rows"
    else:
        return table.copy()
    raise ParameterError(f"{where}: half_cycles_table must be half_cycles(record, segment) of this record; got {got}")


def _as_record(obj: Any) -> CyclingRecord:
    if not isinstance(obj, CyclingRecord):
        raise ParameterError(f"expected a CyclingRecord; got {type(obj).__name__}{read_hint(obj, 'lisse.io.read_cycling')}")
    if len(obj) < 2:
        raise ParameterError(f"the record has {len(obj)} rows; at least 2 are needed")
    return obj
