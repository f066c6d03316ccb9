"""Critical current density (CCD) of a symmetric Li|SSE|Li cell from a galvanostatic staircase.

The cell is cycled at step-increased current density, each step one or more plating/stripping half
cycles at fixed areal capacity or fixed time (e.g. 0.1 mA/cm² steps at 0.2 mAh/cm² [Ji2025]).
:class:`CCDDetector` finds the first failing step and reports

* ``ccd_A_m2_``: the **last stable** current density (the convention lisse reports as "the CCD";
  some papers quote the failing one — it is given too, as ``failure_current_density_A_m2_``),
* ``criterion_``: the signature that fired first:

  - ``"voltage_collapse"`` — |V| drops to a fraction of the expected overpotential (hard short: a
    Li filament shunts the electrolyte),
  - ``"erratic_voltage"`` — sudden jumps and rising noise (soft short: filaments that form and burn open;
    a collapse followed by erratic drops in the next half cycle counts as a soft short too),
  - ``"ohmic_scaling_lost"`` — the overpotential grows faster than the current (|V| above
    ``rise_ratio`` × the value scaled from the previous stable step), or reaches ``v_cutoff``
    (runaway polarization, void formation at the stripping electrode [Kasemchainan2019]).

The expected overpotential of step k is the plateau of the last stable step scaled by the current
ratio (ohmic scaling, :math:`\\eta_k = \\eta_{k-1}\\,j_k/j_{k-1}`); when that plateau is not resolved
from the noise (below ``collapse_sigma`` standard errors of its median), the ohmic trend of all
preceding stable steps, :math:`\\eta_k = j_k\\,\\hat R` with
:math:`\\hat R = \\sum_s n_s\\eta_s j_s / \\sum_s n_s j_s^2` (least squares through the origin, n_s
plateau points per step). Plateaus are medians of the *polarisation* V·sign(I), not of |V|, so they
are unbiased for a low-resistance cell whose overpotential is within a few noise widths of 0 V.
The noise reference is the robust noise (1.4826 × MAD of the residuals from the line through each point's two
neighbours, in time: at equal spacing the second differences / √6; :func:`~lisse.analysis.symmetric.noise_residuals`)
pooled over the half cycles of the first ``n_baseline`` steps (:func:`~lisse.analysis.symmetric.pooled_noise`).
Unevenly logged records (a cycler that logs on a voltage change, a simulated record) are measured on their time
axis, so a smooth curve between close points is not taken for noise.

A voltage collapse is judged against the expected overpotential **and** the noise: the rolling
median is widened until a collapse to 0 V and the healthy level are both ``collapse_sigma`` standard
errors away from the threshold (:func:`~lisse.analysis.symmetric.scan_segment`), and a step whose
expected overpotential cannot be told from zero with the points it has is not called a collapse.
Every threshold is a constructor argument.

Only a symmetric-cell record is analysed (:func:`~lisse.analysis.cell_type.require_symmetric`);
a full cell, a rest-only or an impedance record raises :class:`~lisse.errors.CellTypeError`
unless ``fit(record, cell_type="symmetric")`` states otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.analysis._estimator import check_dataclass_settings
from lisse.analysis.cell_type import require_symmetric
from lisse.analysis.symmetric import (
    SegmentOptions,
    _as_record,
    _half_cycles_of,
    _median,
    _need_area,
    initial_level,
    noise_keys,
    pooled_noise,
    scan_segment,
)
from lisse.citations import register
from lisse.errors import CalculationError, ParameterError
from lisse.records.cycling import CyclingRecord
from lisse.records.display import estimator_params, estimator_repr, html_table, plot_with

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CCDDetector", "ccd_text", "current_density_warnings", "detect_protocol"]

#: Standard error of the median of n Gaussian samples is this factor x sigma / sqrt(n) (sqrt(pi/2)).
_MEDIAN_SE = 1.2533


def detect_protocol(durations_s: np.ndarray, j_A_m2: np.ndarray, tol: float = 0.05) -> tuple[str, float | None]:
    """Classify a staircase: ``"fixed-time"`` (equal durations), ``"fixed-capacity"`` (equal j·t) or ``"variable"``.

    Parameters
    ----------
    durations_s : ndarray
        Duration of each half cycle, in s.
    j_A_m2 : ndarray
        Current density of each half cycle, in A/m² (sign ignored).
    tol : float, default 0.05
        Largest coefficient of variation (relative spread, dimensionless) of the durations or capacities for
        a fixed protocol.

    Returns
    -------
    protocol : str
        ``"fixed-time"``, ``"fixed-capacity"``, ``"variable"``, ``"single-step"`` or ``"unknown"`` (no steps).
    value : float or None
        The step time in s (fixed-time, single-step) or the step capacity in C/m² (fixed-capacity); None otherwise.
    """
    d = np.asarray(durations_s, float)
    q = d * np.abs(np.asarray(j_A_m2, float))
    if d.size == 0:
        return "unknown", None
    if d.size == 1:
        return "single-step", float(d[0])
    cv_t = np.std(d) / np.mean(d)
    cv_q = np.std(q) / np.mean(q) if np.mean(q) > 0 else np.inf
    if cv_t <= tol and cv_t <= cv_q:
        return "fixed-time", float(np.median(d))
    if cv_q <= tol:
        return "fixed-capacity", float(np.median(q))
    return "variable", None


def _record_protocol(step_of: np.ndarray, jabs: np.ndarray, durations: np.ndarray, starts: np.ndarray, stops: np.ndarray,
                     v: np.ndarray, v_cutoff: float | None) -> tuple[str, float | None]:
    """The protocol of the whole record (:func:`detect_protocol` over all its steps, not only those before a failure).

    The staircase after a failure ran under the same program, so every step counts: a step's duration is the median
    of its half cycles' durations, leaving out the half cycles that may have been cut short, namely the record's last one
    (the end of the record may cut it; kept when it is the only one) and, when ``v_cutoff`` is given, those whose |V|
    reaches it (the cycler may end them early). A step left without half cycles is not counted.

    Parameters
    ----------
    step_of : ndarray of int
        Step of each half cycle (count, from 0).
    jabs : ndarray
        |j| of each half cycle [A/m²].
    durations : ndarray
        Duration of each half cycle [s].
    starts, stops : ndarray of int
        Row range of each half cycle in the record (count).
    v : ndarray
        The record's voltage [V].
    v_cutoff : float or None
        The cycler's |V| limit [V].

    Returns
    -------
    protocol : str
        As :func:`detect_protocol`.
    value : float or None
        The step time [s] or the step capacity [C/m²], as :func:`detect_protocol`.
    """
    keep = np.ones(step_of.size, dtype=bool)
    if keep.size > 1:
        keep[-1] = False
    if v_cutoff is not None:
        for k in np.flatnonzero(keep):
            seg = v[int(starts[k]):int(stops[k])]
            if seg.size and np.nanmax(np.abs(seg)) >= v_cutoff:
                keep[k] = False
    d, j = [], []
    for s in np.unique(step_of[keep]):
        m = keep & (step_of == s)
        d.append(float(np.median(durations[m])))
        j.append(float(np.median(jabs[m])))
    return detect_protocol(np.asarray(d), np.asarray(j))


@dataclass
class CCDDetector:
    """Detect the critical current density in a symmetric-cell staircase (estimator style).

    The options are set here; :meth:`fit` takes the record and sets the attributes whose names end in ``_``.

    Parameters
    ----------
    collapse_ratio : float
        |V| below this fraction of the expected overpotential = voltage collapse (default 0.3).
    window : int
        Rolling-median window (points) for collapse / rise detection (default 5).
    noise_factor : float
        rms noise above this multiple of the baseline = erratic (default 4).
    drop_fraction : float
        A "drop" is a jump larger than max(drop_fraction × expected |V|, drop_sigma × baseline noise)
        (a dimensionless fraction; default 0.25).
    drop_sigma : float
        See ``drop_fraction``: a multiple of the baseline noise (default 6).
    min_drops : int
        Number of drops in a half cycle that make it erratic (default 3).
    rise_ratio : float
        |V| above this multiple of the ohmically scaled expectation = ohmic scaling lost (default 1.5).
    v_cutoff : float or None
        Voltage limit (V); reaching it counts as ohmic scaling lost (default None).
    n_baseline : int
        Steps used for the noise baseline (default 2).
    min_noise_V : float
        Floor of the baseline noise (V), for noiseless or quantised data (default 20 µV).
    collapse_sigma : float
        Significance (standard errors of the rolling median) of a voltage collapse, and of a
        resolved plateau (default 5).
    segment : SegmentOptions
        How half cycles are cut and measured.

    Attributes
    ----------
    ccd_A_m2_ : float or None
        Last stable |j| (A/m²); None if the first step fails.
    failure_current_density_A_m2_ : float or None
        |j| of the first failing step (None: no failure found; then ``ccd_A_m2_`` is a lower bound).
    criterion_ : str
    failure_time_s_ : float or None
        Failure time on the record's own clock (``time_s``, which an instrument may start at the experiment's start,
        not the file's: EC-Lab's sequences do) [s].
    failure_elapsed_s_ : float or None
        Failure time since the record's first sample [s] (the summary's ``failure_time_h``, on the scale of its
        ``duration_h``).
    failure_step_ : int or None
    failure_half_cycle_ : int or None
    protocol_ : str
        :func:`detect_protocol` over all the record's steps (those after a failure included: they ran under the same
        program), each step's duration the median of its half cycles' leaving out the record's last half cycle and,
        with ``v_cutoff``, those reaching it (either may be cut short).
    step_value_ : float or None
        Step capacity (C/m², fixed-capacity) or step time (s, fixed-time), per half cycle.
    n_steps_record_ : int
        Current steps in the whole record (count; ``steps_`` stops at the failing one).
    steps_ : pandas.DataFrame
        One row per step: ``j_A_m2``, ``n_half_cycles``, ``eta_plateau_V``, ``polarisation_V`` (median of
        V·sign(I)), ``expected_eta_V`` (NaN for the first step), ``ratio_to_expected``, ``noise_V``, ``status``. On the
        failing step the plateaus are those of its half cycles before the failing one (NaN when the step's first half
        cycle failed) and ``ratio_to_expected`` is the median |V| of the failing half cycle from the failure on over the
        expected plateau (dimensionless: ~0 for a short, > 1 for a rise); on a stable step, the largest of its half
        cycles' plateau ratios.
    half_cycles_ : pandas.DataFrame
    cell_type_ : CellClassification
        The cell type the record was judged as, and why (:func:`~lisse.analysis.cell_type.require_symmetric`).
    orientation_ : float
        +1, or -1 when the voltage has the opposite sign of the current (another sign convention).
    """

    collapse_ratio: float = 0.3
    window: int = 5
    noise_factor: float = 4.0
    drop_fraction: float = 0.25
    drop_sigma: float = 6.0
    min_drops: int = 3
    rise_ratio: float = 1.5
    v_cutoff: float | None = None
    n_baseline: int = 2
    min_noise_V: float = 20e-6
    collapse_sigma: float = 5.0
    segment: SegmentOptions = field(default_factory=SegmentOptions)

    def __post_init__(self) -> None:
        check_dataclass_settings(self, "record")

    def _check(self) -> None:
        # written as "not (inside)" so that NaN is refused too
        if not 0 < self.collapse_ratio < 1:
            raise ParameterError(f"CCDDetector.collapse_ratio must be in (0, 1); got {self.collapse_ratio}")
        if not 0 < self.collapse_sigma < np.inf:
            raise ParameterError(f"CCDDetector.collapse_sigma must be a finite number > 0; got {self.collapse_sigma}")
        for name in ("rise_ratio", "noise_factor", "drop_sigma"):
            v = getattr(self, name)
            if not (1 < v < np.inf):
                raise ParameterError(f"CCDDetector.{name} must be a finite number > 1; got {v}")
        if not 0 < self.drop_fraction < np.inf:
            raise ParameterError(f"CCDDetector.drop_fraction must be a finite number > 0; got {self.drop_fraction}")
        if not 0 <= self.min_noise_V < np.inf:
            raise ParameterError(f"CCDDetector.min_noise_V must be a finite voltage >= 0 V; got {self.min_noise_V}")
        if self.window < 1 or self.n_baseline < 1 or self.min_drops < 1:
            raise ParameterError("CCDDetector.window, n_baseline and min_drops must be >= 1")
        if self.v_cutoff is not None and not 0 < self.v_cutoff < np.inf:
            # |V| is compared with the cut-off: at <= 0 V every point "reaches" it and the first step would be
            # reported as failed, silently relabelling the protocol
            raise ParameterError(f"CCDDetector.v_cutoff must be a finite voltage magnitude > 0 V (the cycler's |V| limit); "
                                 f"got {self.v_cutoff} V")

    def fit(self, record: CyclingRecord, *, cell_type: str = "auto", half_cycles_table: pd.DataFrame | None = None) -> CCDDetector:
        """Analyse ``record`` (needs ``area_m2``); returns self with the ``*_`` attributes set.

        Parameters
        ----------
        record : CyclingRecord
            A symmetric-cell record (time in s, voltage in V, current in A; needs ``area_m2``, in m²).
        cell_type : {"auto", "symmetric"}
            ``"auto"``: refuse a record the classifier does not call a symmetric cell
            (:class:`~lisse.errors.CellTypeError`); ``"symmetric"``: the caller states it is one.
        half_cycles_table : pandas.DataFrame, optional
            ``half_cycles(record, self.segment)`` computed by the caller (shared by detectors judging one record with
            the same segment options; copied, not modified; refused when it cannot be this record's); None: computed here.

        Returns
        -------
        CCDDetector
            ``self``, with ``ccd_A_m2_``, ``steps_`` and the other ``*_`` attributes set.

        Raises
        ------
        CellTypeError
            If ``cell_type="auto"`` and the record is not a symmetric cell.
        ParameterError
            If the record has no electrode area or an option is out of range.
        CalculationError
            If the record has no constant-current half cycles.

        References
        ----------
        .. [1] J. Kasemchainan et al., "Critical stripping current leads to dendrite formation on plating in lithium
           anode solid electrolyte cells", Nat. Mater. 18, 1105 (2019), doi:10.1038/s41563-019-0438-9.
        """
        import pandas as pd

        self._check()
        register("Kasemchainan2019")
        if isinstance(record, CyclingRecord):
            self.cell_type_ = require_symmetric(record, "CCD detection", cell_type=cell_type)
        rec = _as_record(record)
        self.record_ = rec
        area = _need_area(rec, "CCD detection")
        hc = _half_cycles_of(rec, self.segment, half_cycles_table, "CCD detection")
        if len(hc) == 0:
            raise CalculationError("CCD detection: the record has no constant-current half cycles")
        jabs = np.abs(hc["current_A"].to_numpy()) / area
        # group consecutive half cycles of the same |j| into steps
        new = np.concatenate([[True], np.abs(np.diff(jabs)) > self.segment.level_tolerance * np.maximum(jabs[1:], jabs[:-1])])
        step_of = np.cumsum(new) - 1
        hc["step"] = step_of
        n_steps = int(step_of.max()) + 1
        t = rec.time_s
        v = rec.voltage_V
        noise = hc["noise_V"].to_numpy()
        base_steps = step_of < self.n_baseline
        # robust pooled noise of the baseline steps (MAD of the residuals from the neighbours' line: a short's jump does not raise it)
        pooled = pooled_noise(v, hc["start"].to_numpy()[base_steps], hc["stop"].to_numpy()[base_steps], hc["n_plateau"].to_numpy()[base_steps], t)
        noise_ref = max(pooled if np.isfinite(pooled) else 0.0, self.min_noise_V)
        rows = []
        fail: tuple[int, int, int, str] | None = None  # (step, half cycle, index, criterion)
        pol = hc["polarisation_V"].to_numpy()
        npl = hc["n_plateau"].to_numpy()
        # the columns the step loop reads, as arrays once (a DataFrame column lookup per half cycle cost more than the scan)
        starts, stops = hc["start"].to_numpy(), hc["stop"].to_numpy()
        eta_plateau, durations = hc["eta_plateau_V"].to_numpy(), hc["duration_s"].to_numpy()
        # a record whose voltage has the opposite sign of the current (another sign convention, stated symmetric by
        # the caller) is judged on -V·sign(I)
        self.orientation_ = -1.0 if np.nanmedian(pol) < 0 else 1.0
        pol = self.orientation_ * pol
        polarity = self.orientation_ * np.sign(hc["current_A"].to_numpy())
        prev_plateau: float | None = None
        prev_j = float("nan")  # |j| of the previous step, set with prev_plateau
        trend_num = trend_den = 0.0  # ohmic trend through the origin over the stable steps
        prev_resolved = False
        ref_step = float("nan")
        for s in range(n_steps):
            members = np.flatnonzero(step_of == s)
            js = float(np.median(jabs[members]))
            status = "stable"
            ratios = []
            if prev_plateau is not None:
                ref_step = prev_plateau * js / prev_j if prev_resolved else js * trend_num / trend_den
            first_healthy: list[float] = []  # first step: the plateaus of its half cycles judged healthy so far
            for k in members:
                a, b = int(starts[k]), int(stops[k])
                # first step: the healthy half cycles of the step before this one (same current), or, for its first, the
                # level it starts at (initial_level); its own median was no reference, a short in it set that median
                # (a plateau within the noise of 0 V is not testable for a collapse)
                if prev_plateau is not None:
                    ref = ref_step
                elif first_healthy:
                    ref = _median(np.asarray(first_healthy))
                else:
                    ref = initial_level(t[a:b], v[a:b], polarity[k], self.segment.settle_fraction)
                crit, idx, m = scan_segment(
                    t[a:b], v[a:b], ref, noise_ref,
                    settle_fraction=self.segment.settle_fraction, collapse_ratio=self.collapse_ratio, window=self.window,
                    noise_factor=self.noise_factor, drop_fraction=self.drop_fraction, drop_sigma=self.drop_sigma,
                    min_drops=self.min_drops, rise_ratio=self.rise_ratio if prev_plateau is not None else None,
                    v_cutoff=self.v_cutoff, polarity=polarity[k], collapse_sigma=self.collapse_sigma,
                    own_reference=prev_plateau is None and len(first_healthy) < 2,  # see ShortDetector
                )
                ratios.append(m.get("ratio", np.nan))
                if crit == "voltage_collapse" and k + 1 < len(hc):
                    # a soft short that starts late in a half cycle shows its erratic drops in the next one
                    a2, b2 = int(starts[k + 1]), int(stops[k + 1])
                    j2 = jabs[k + 1]
                    _, _, m2 = scan_segment(t[a2:b2], v[a2:b2], ref * j2 / js, noise_ref,
                                            settle_fraction=self.segment.settle_fraction, collapse_ratio=self.collapse_ratio,
                                            window=self.window, noise_factor=self.noise_factor, drop_fraction=self.drop_fraction,
                                            drop_sigma=self.drop_sigma, min_drops=self.min_drops, rise_ratio=None,
                                            polarity=polarity[k + 1], collapse_sigma=self.collapse_sigma)
                    if m2.get("n_drops", 0) >= self.min_drops:
                        crit = "erratic_voltage"
                if crit is None and prev_plateau is None:
                    first_healthy.append(float(pol[k]))
                if crit is not None and idx is not None and fail is None:  # scan_segment gives idx with every criterion
                    fail = (s, int(k), a + int(idx), crit)
                    status = crit
                    # the failing half cycle's ratio: the median |V| from the failure on, against the expected plateau
                    after = np.abs(v[a + int(idx):b])
                    ratios[-1] = float(np.median(after)) / ref if after.size and ref > 0 and np.isfinite(ref) else np.nan
                    break
            # a failing step: its plateau is that of the half cycles before the failing one (NaN if it failed first), its
            # ratio the failing half cycle's (a median with a shorted half cycle, or the max with the healthy one, hid it)
            healthy = members if status == "stable" else members[: len(ratios) - 1]
            plate = float(np.median(eta_plateau[healthy])) if healthy.size else np.nan
            signed = float(np.median(pol[healthy])) if healthy.size else np.nan
            n_pts = int(npl[members].sum())
            if not ratios:
                ratio = np.nan
            elif status == "stable":
                ratio = float(np.nanmax(ratios))
            else:
                ratio = float(ratios[-1])
            rows.append({"step": s, "j_A_m2": js, "j_mA_cm2": js / 10.0, "n_half_cycles": int(members.size),
                         "eta_plateau_V": plate, "polarisation_V": signed,
                         "expected_eta_V": ref_step if prev_plateau is not None else np.nan,
                         "ratio_to_expected": ratio,
                         "noise_V": float(np.nanmedian(noise[members])), "duration_s": float(np.median(durations[members])),
                         "status": status})
            if fail is not None:
                break
            # the plateau is resolved when it lies collapse_sigma standard errors of its median above 0 V
            prev_resolved = signed > self.collapse_sigma * _MEDIAN_SE * noise_ref / np.sqrt(max(n_pts, 1))
            trend_num += n_pts * signed * js
            trend_den += n_pts * js * js
            prev_plateau, prev_j = signed, js
        steps = pd.DataFrame(rows)
        self.half_cycles_ = hc
        self.steps_ = steps
        self.n_steps_record_ = n_steps
        self.protocol_, self.step_value_ = _record_protocol(step_of, jabs, durations, starts, stops, v, self.v_cutoff)
        if self.protocol_ == "variable" and fail is not None and fail[0] >= 2:
            # without v_cutoff, half cycles a cycler cut at its voltage limit after the failure make the record look
            # variable (independent review); the steps before the failure ran the program uncut
            before = steps[steps["step"] < fail[0]]
            proto, value = detect_protocol(before["duration_s"].to_numpy(), before["j_A_m2"].to_numpy())
            if proto != "variable":
                self.protocol_, self.step_value_ = proto, value
        self.ccd_A_m2_: float | None
        self.failure_current_density_A_m2_: float | None
        self.failure_time_s_: float | None
        self.failure_elapsed_s_: float | None
        self.failure_step_: int | None
        self.failure_half_cycle_: int | None
        if fail is None:
            self.ccd_A_m2_ = float(steps["j_A_m2"].iloc[-1])
            self.failure_current_density_A_m2_ = None
            self.criterion_ = "none"
            self.failure_time_s_ = self.failure_elapsed_s_ = self.failure_step_ = self.failure_half_cycle_ = None
        else:
            f_step, f_half_cycle, f_index, f_criterion = fail
            self.ccd_A_m2_ = float(steps["j_A_m2"].iloc[f_step - 1]) if f_step > 0 else None
            self.failure_current_density_A_m2_ = float(steps["j_A_m2"].iloc[f_step])
            self.criterion_ = f_criterion
            self.failure_time_s_ = float(t[f_index])
            self.failure_elapsed_s_ = float(t[f_index] - t[0])
            self.failure_step_ = f_step
            self.failure_half_cycle_ = f_half_cycle
        self.noise_ref_V_ = noise_ref
        self.noise_measured_V_ = float(pooled) if np.isfinite(pooled) else float("nan")
        return self


    # -- display ---------------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("record_", None)  # the analysed record stays with the caller (pickles stay small)
        return state

    def __repr__(self) -> str:
        return estimator_repr(self, state=f"ccd={ccd_text(self.summary())}" if hasattr(self, "half_cycles_") else None)

    def _repr_html_(self) -> str:
        if not hasattr(self, "half_cycles_"):
            return html_table("CCDDetector (not fitted)", [(k, v) for k, v in estimator_params(self).items()] or [("parameters", "defaults")])
        s = self.summary()
        return html_table("CCDDetector", [("CCD", "none" if s["ccd_mA_cm2"] is None else f"{s['ccd_mA_cm2']:.4g} mA/cm²" + (" (lower bound)" if s["ccd_is_lower_bound"] else "")),
                 ("criterion", s["criterion"]), ("protocol", s["protocol"]), ("steps analysed", str(s["n_steps_analysed"])),
                 ("failure time", "-" if s["failure_time_h"] is None else f"{s['failure_time_h']:.4g} h")])

    def plot(self, record: CyclingRecord | None = None, *, ax: Any = None, **kwargs: Any) -> Any:
        """Voltage and current against time with the failure marked (:func:`lisse.plot.cycling.plot_voltage_staircase`).

        Parameters
        ----------
        record : CyclingRecord, optional
            The record analysed (default: the one given to :meth:`fit`).
        ax : matplotlib.axes.Axes, optional
            Draw into this Axes (default: a new figure).
        **kwargs
            Passed on (``title``).

        Returns
        -------
        matplotlib.figure.Figure
            The figure drawn on (the user's when ``ax``/``axes`` is given).

        Raises
        ------
        ParameterError
            No record was given and fit() did not run in this process.
        """
        record = record if record is not None else getattr(self, "record_", None)
        if record is None:
            raise ParameterError("CCDDetector.plot: pass the record (fit() has not run in this process, or the detector was unpickled)")
        return plot_with("lisse.plot.cycling:plot_voltage_staircase", record, self, ax=ax, **kwargs)

    def summary(self) -> dict[str, Any]:
        """Return the JSON-able result (the ``lisse ccd --json`` object).

        Returns
        -------
        dict
            Unit-suffixed keys (``ccd_mA_cm2``, step table, failure criterion and time ...).

        Raises
        ------
        ParameterError
            If called before :meth:`fit`.
        """
        if not hasattr(self, "steps_"):
            raise ParameterError("CCDDetector.summary() called before fit()")
        proto = self.protocol_
        out: dict[str, Any] = {
            "ccd_mA_cm2": None if self.ccd_A_m2_ is None else _r(self.ccd_A_m2_ / 10.0),
            "failure_current_density_mA_cm2": None if self.failure_current_density_A_m2_ is None else _r(self.failure_current_density_A_m2_ / 10.0),
            "criterion": self.criterion_,
            "protocol": proto,
            "ccd_convention": "last stable step (failure_current_density_mA_cm2 is the first failing step)",
            "ccd_is_lower_bound": self.failure_current_density_A_m2_ is None,
            "failure_time_h": None if self.failure_elapsed_s_ is None else self.failure_elapsed_s_ / 3600.0,
            "failure_clock_h": None if self.failure_time_s_ is None else self.failure_time_s_ / 3600.0,
            "failure_step": self.failure_step_,
            "failure_half_cycle": self.failure_half_cycle_,
            "n_steps_analysed": int(len(self.steps_)),
            "n_steps_record": int(self.n_steps_record_),  # the protocol is classified from all of them
            "noise_reference_mV": self.noise_ref_V_ * 1e3,
            **noise_keys(self.noise_ref_V_, getattr(self, "noise_measured_V_", None)),
            "thresholds": {"collapse_ratio": self.collapse_ratio, "noise_factor": self.noise_factor, "drop_fraction": self.drop_fraction,
                           "min_drops": self.min_drops, "rise_ratio": self.rise_ratio, "v_cutoff_V": self.v_cutoff,
                           "collapse_sigma": self.collapse_sigma},
        }
        if proto == "fixed-capacity" and self.step_value_ is not None:
            out["step_capacity_mAh_cm2"] = self.step_value_ / 3.6e4
        elif proto in ("fixed-time", "single-step"):
            out["step_time_h"] = self.step_value_ / 3600.0 if self.step_value_ else None
        out["warnings"] = current_density_warnings(self.steps_["j_A_m2"].to_numpy())
        return out


#: Current densities [A/m2] outside which a Li | solid electrolyte staircase is implausible and the current unit (or the
#: area) is the likelier error: above 50 mA/cm2 (8x the largest CCD in lisse's literature table, 6.0 mA/cm2 for
#: Wang2024's dual layer; a file in mA read as A is 1000x off) and below 1 uA/cm2 (100x under the lowest step of
#: the papers' staircases, 0.1 mA/cm2; a file in A read as mA). Assumed bounds, for a warning only.
PLAUSIBLE_CURRENT_DENSITY_A_M2 = (1e-2, 500.0)


def current_density_warnings(j_A_m2: Any) -> list[str]:
    """Warnings for step current densities outside :data:`PLAUSIBLE_CURRENT_DENSITY_A_M2` (a unit or area error).

    Parameters
    ----------
    j_A_m2 : array_like
        Step current densities |j| [A/m²].

    Returns
    -------
    list of str
        One warning per bound crossed (empty when the staircase is plausible).
    """
    j = np.abs(np.asarray(j_A_m2, dtype=float))
    j = j[np.isfinite(j) & (j > 0)]
    if j.size == 0:
        return []
    lo, hi = PLAUSIBLE_CURRENT_DENSITY_A_M2
    out = []
    if j.max() > hi:
        out.append(f"step current density up to {j.max() / 10:.4g} mA/cm2, above {hi / 10:g} mA/cm2 (8x the largest CCD "
                   "of a Li | solid electrolyte cell lisse knows): check the current's unit (a file in mA read as A is 1000x "
                   "too high; declare it with --units current=mA) and the area")
    if j.min() < lo:
        out.append(f"step current density down to {j.min() / 10:.3g} mA/cm2, below {lo / 10:g} mA/cm2 (100x under the "
                   "first step of the papers' staircases): check the current's unit (a file in A read as mA is 1000x too "
                   "low) and the area")
    return out


def _r(x: float) -> float:
    """Round to 10 significant digits (hides binary floating-point noise such as 0.6000000000000001)."""
    return float(f"{x:.10g}")


def ccd_text(summary: dict) -> str:
    """Write the CCD of a :meth:`CCDDetector.summary` with what it is: a measured value, a lower bound or none.

    A record whose every step held has a CCD of at least its last step (``ccd_is_lower_bound``), written "≥"; a cell
    that failed at its first step has none.

    Parameters
    ----------
    summary : dict
        The detector's summary (``ccd_mA_cm2``, ``ccd_is_lower_bound``, ``failure_current_density_mA_cm2``,
        ``criterion``; a summary stored before ``ccd_is_lower_bound`` existed is judged by ``criterion == "none"``).

    Returns
    -------
    str
        E.g. "0.4 mA/cm² (last stable step; first failure at 0.5 mA/cm², voltage_collapse)" or "≥ 1 mA/cm² (no
        failure within the record: the last step held)".
    """
    ccd, fail = summary.get("ccd_mA_cm2"), summary.get("failure_current_density_mA_cm2")
    lower = summary.get("ccd_is_lower_bound", summary.get("criterion") == "none")
    if lower:
        return "none measured (no step)" if ccd is None else f"≥ {ccd:.4g} mA/cm² (no failure within the record: the last step held)"
    if ccd is None:
        return f"none: the first step ({'?' if fail is None else f'{fail:.4g}'} mA/cm²) already failed ({summary.get('criterion')})"
    return f"{ccd:.4g} mA/cm² (last stable step; first failure at {'?' if fail is None else f'{fail:.4g}'} mA/cm², {summary.get('criterion')})"

