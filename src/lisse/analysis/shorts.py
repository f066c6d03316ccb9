"""Short-circuit detection in long galvanostatic cycling of symmetric Li|SSE|Li cells.

Long plating/stripping tests (hundreds to thousands of hours [Ji2025]) end when a Li
filament shorts the cell. :class:`ShortDetector` scans each half cycle against a *rolling* reference —
the median plateau overpotential of the previous ``n_reference`` healthy half cycles, so the slow
growth of interfacial resistance is not mistaken for a failure — and reports the first failure:

* **hard short** (``criterion_ == "voltage_collapse"``): the rolling median of |V| falls below
  ``collapse_ratio`` × reference and stays low;
* **soft short** (``"erratic_voltage"``): repeated sudden drops of |V| and recoveries, or a noise level
  ``noise_factor`` times the healthy one;
* **runaway polarization** (``"polarization_runaway"``): the plateau exceeds ``polarization_factor`` ×
  the initial plateau by more than ``collapse_sigma`` standard errors of its median (not a short;
  reported so the cycle life is still defined).

The time of failure is the first sample where the criterion fires; the cycle life is the number of
complete cycles (two half cycles) before the failing half cycle. A cell that did not fail within the record has no
measured cycle life: its ``cycle_life`` is the number of complete cycles recorded, a lower bound (censored), flagged
``cycle_life_is_lower_bound`` and written "≥ N (did not fail within the record)" (:func:`cycle_life_text`).

Windows adapt to the sampling interval (a test sampled 5 times per half cycle is judged like one
sampled 200 times): the rolling median spans at most a quarter of the median half cycle
(``window`` points at most); the healthy noise level is pooled (1.4826 × MAD of the residuals from the line
through each point's neighbours in time, :func:`~lisse.analysis.symmetric.noise_residuals`; at equal spacing the
second differences / √6) over the first ``n_baseline`` half cycles, or over as many as give
``noise_pool_points`` residuals; the noise test of a half cycle needs ``noise_min_points``
points after settling; a collapse must stand ``collapse_sigma`` standard errors of the rolling median
below the reference (:func:`~lisse.analysis.symmetric.scan_segment`). Plateaus and the collapse test use
the polarisation V·sign(I).

A half cycle with no healthy one before it (the first) is judged against the level it starts at, the median
polarisation over 10-25 % of its duration (:func:`~lisse.analysis.symmetric.initial_level`), not against its own
median, which a short later in it would set. Until two healthy half cycles set the reference, a collapse must be an
abrupt fall within the half cycle (``scan_segment(own_reference=True)``): a first half cycle that settles, or one
conditioned 3-10x above the next, is no short. The runaway test
compares a plateau with the median of the first ``n_reference`` healthy half cycles before it. Blind spot: a cell
shorted from its first sample, or within the first ~15 % of its first half cycle, shows no healthy level to fall from
and is not reported as a collapse (a filament that burns open later reads as a healthy cell from then on).
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
    initial_level,
    noise_keys,
    overpotential_summary,
    pooled_noise,
    scan_segment,
)
from lisse.errors import CalculationError, ParameterError
from lisse.records.cycling import CyclingRecord
from lisse.records.display import estimator_params, estimator_repr, html_table, plot_with

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ShortDetector", "cycle_life_text"]


@dataclass
class ShortDetector:
    """Detect hard and soft shorts (and runaway polarization) in long symmetric-cell cycling.

    The options are set here; :meth:`fit` takes the record and sets the attributes whose names end in ``_``.

    Parameters
    ----------
    collapse_ratio : float
        As in :class:`lisse.analysis.ccd.CCDDetector`: a fraction of the expected |V| (default 0.3).
    window : int
        Rolling-median window in points (default 5).
    noise_factor : float
        Erratic above this multiple of the healthy noise (default 4).
    drop_fraction : float
        Drop threshold as a fraction of the expected |V| (default 0.25).
    drop_sigma : float
        Drop threshold as a multiple of the healthy noise (default 6).
    min_drops : int
        Number of drops in a half cycle that make it erratic (default 3).
    rise_ratio : float
        A half cycle whose |V| rises above this multiple of the rolling reference is flagged as
        polarization runaway (default 2.0).
    polarization_factor : float
        Plateau above this multiple of the initial plateau = runaway polarization (default 3.0).
    n_reference : int
        Healthy half cycles in the rolling reference (default 6).
    n_baseline : int
        Half cycles used for the healthy noise level (default 4).
    min_noise_V : float
        Noise floor (V), default 20 µV.
    collapse_sigma : float
        Significance of a voltage collapse in standard errors of the rolling median (default 5).
    noise_pool_points : int
        Second differences pooled for the healthy noise level (default 120).
    noise_min_points : int
        Points after settling a half cycle needs for its own noise test (default 20).
    segment : SegmentOptions, optional
        How half cycles are cut and measured.

    Attributes
    ----------
    short_detected_ : bool
        True for a hard or soft short.
    criterion_ : str
        ``"voltage_collapse"``, ``"erratic_voltage"``, ``"polarization_runaway"`` or ``"none"``.
    kind_ : str or None
        ``"hard"``, ``"soft"``, ``"polarization"`` or None.
    failure_time_s_, failure_half_cycle_, failure_cycle_ : float or int or None
        Time on the record's own clock (``time_s``) [s], half cycle and cycle (0-based, as in the record) of the
        failure; :meth:`summary` gives the cycle from 1.
    failure_elapsed_s_ : float or None
        Failure time since the record's first sample [s] (the summary's ``failure_time_h``; an instrument's clock may
        start at the experiment's start, not the file's: EC-Lab's sequences do).
    cycle_life_ : int
        Complete cycles before failure (all complete cycles when nothing failed: a lower bound, see below).
    cycle_life_is_lower_bound_ : bool
        True when nothing failed within the record: the cell lived at least ``cycle_life_`` cycles (censored), its
        cycle life was not measured.
    half_cycles_ : pandas.DataFrame
        The :func:`~lisse.analysis.symmetric.half_cycles` table with ``status`` and ``reference_V``.
    cell_type_ : CellClassification
        The cell type the record was judged as, and why (:func:`~lisse.analysis.cell_type.require_symmetric`).
    orientation_ : float
        +1, or -1 when the voltage has the opposite sign of the current (another sign convention).
    window_ : int
        The rolling-median window used (points; at most a quarter of the median half cycle).
    """

    collapse_ratio: float = 0.3
    window: int = 5
    noise_factor: float = 4.0
    drop_fraction: float = 0.25
    drop_sigma: float = 6.0
    min_drops: int = 3
    rise_ratio: float = 2.0
    polarization_factor: float = 3.0
    n_reference: int = 6
    n_baseline: int = 4
    min_noise_V: float = 20e-6
    collapse_sigma: float = 5.0
    noise_pool_points: int = 120
    noise_min_points: int = 20
    segment: SegmentOptions = field(default_factory=SegmentOptions)

    def __post_init__(self) -> None:
        check_dataclass_settings(self, "record")

    def fit(self, record: CyclingRecord, *, cell_type: str = "auto", half_cycles_table: pd.DataFrame | None = None) -> ShortDetector:
        """Analyse ``record``; returns self with the ``*_`` attributes set.

        Parameters
        ----------
        record : CyclingRecord
            A symmetric-cell record (time in s, voltage in V, current in A).
        cell_type : {"auto", "symmetric"}
            ``"auto"``: refuse a record the classifier does not call a symmetric cell
            (:class:`~lisse.errors.CellTypeError`); ``"symmetric"``: the caller states it is one.
        half_cycles_table : pandas.DataFrame, optional
            ``half_cycles(record, self.segment)`` computed by the caller (shared by detectors judging one record with
            the same segment options; copied, not modified; refused when it cannot be this record's); None: computed here.

        Returns
        -------
        ShortDetector
            ``self``, with ``short_detected_``, ``criterion_``, ``kind_`` and the other ``*_`` attributes set.

        Raises
        ------
        CellTypeError
            If ``cell_type="auto"`` and the record is not a symmetric cell.
        ParameterError
            If an option is out of range.
        CalculationError
            If the record has no constant-current half cycles.
        """
        if not 0 < self.collapse_ratio < 1 or self.rise_ratio <= 1 or self.polarization_factor <= 1:
            raise ParameterError("ShortDetector: need 0 < collapse_ratio < 1, rise_ratio > 1 and polarization_factor > 1")
        if isinstance(record, CyclingRecord):
            self.cell_type_ = require_symmetric(record, "short detection", cell_type=cell_type)
        rec = _as_record(record)
        self.record_ = rec
        hc = _half_cycles_of(rec, self.segment, half_cycles_table, "short detection")
        if len(hc) == 0:
            raise CalculationError("short detection: the record has no constant-current half cycles")
        t, v = rec.time_s, rec.voltage_V
        plate = hc["polarisation_V"].to_numpy()  # V·sign(I): unbiased near 0 V, where the median |V| is not
        # a record whose voltage has the opposite sign of the current (another sign convention) is judged on -V·sign(I)
        self.orientation_ = -1.0 if np.nanmedian(plate) < 0 else 1.0
        plate = self.orientation_ * plate
        # normalise plateaus by current so that a record with several current levels still works
        iabs = np.abs(hc["current_A"].to_numpy())
        r_app = plate / iabs
        starts = hc["start"].to_numpy()
        stops = hc["stop"].to_numpy()
        pts = np.maximum(hc["n_plateau"].to_numpy(), 1)
        # rolling-median window: at most a quarter of the typical half cycle (5 points per half cycle -> 1)
        window = max(1, min(self.window, int(np.median(stops - starts)) // 4))
        # healthy noise: residuals from the neighbours' line pooled over enough half cycles (robust: MAD, isolated jumps do not count)
        nb = int(np.searchsorted(np.cumsum(np.maximum(pts - 2, 0)), self.noise_pool_points)) + 1
        nb = min(max(self.n_baseline, nb), len(hc))
        noise_pool = pooled_noise(v, starts[:nb], stops[:nb], pts[:nb], t)
        noise_ref = max(noise_pool if np.isfinite(noise_pool) else 0.0, self.min_noise_V)
        self.window_ = window
        status = np.array(["ok"] * len(hc), dtype=object)
        refs = np.full(len(hc), np.nan)
        healthy: list[float] = []
        fail = None
        polarity = self.orientation_ * np.sign(hc["current_A"].to_numpy())
        for k in range(len(hc)):
            a, b = int(starts[k]), int(stops[k])
            # no healthy half cycle yet: the level this one starts at (initial_level), not its own median, which a short
            # or a contact loss later in it would set
            r_ref = (_median(np.asarray(healthy[-self.n_reference :])) if healthy
                     else initial_level(t[a:b], v[a:b], polarity[k], self.segment.settle_fraction) / iabs[k])
            ref = r_ref * iabs[k]
            refs[k] = ref
            crit, idx, m = scan_segment(
                t[a:b], v[a:b], ref, noise_ref,
                settle_fraction=self.segment.settle_fraction, collapse_ratio=self.collapse_ratio, window=window,
                noise_factor=self.noise_factor, drop_fraction=self.drop_fraction, drop_sigma=self.drop_sigma,
                min_drops=self.min_drops, rise_ratio=self.rise_ratio if healthy else None, polarity=polarity[k],
                collapse_sigma=self.collapse_sigma, noise_min_points=self.noise_min_points,
                own_reference=len(healthy) < 2,  # a reference not yet set by two healthy half cycles: a collapse must be a fall
            )
            if crit == "ohmic_scaling_lost":
                crit = "polarization_runaway"
            # runaway: the plateau above polarization_factor x the initial one (the median of the first n_reference healthy
            # half cycles before this one; before, the first n_reference half cycles, so a short among them made the
            # healthy ones before it read as a runaway at t = 0), by more than collapse_sigma standard errors of its
            # median (5 samples of a cell polarised 1 noise width above 0 V are no runaway)
            r0 = _median(np.asarray(healthy[: self.n_reference])) if healthy else float("nan")
            excess = (r_app[k] - self.polarization_factor * r0) * iabs[k] if healthy else -np.inf
            if crit is None and excess > self.collapse_sigma * 1.2533 * noise_ref / np.sqrt(pts[k]):
                crit, idx = "polarization_runaway", int(np.argmax(np.abs(v[a:b]) > self.polarization_factor * r0 * iabs[k]))
            if crit == "voltage_collapse" and k + 1 < len(hc):
                # a soft short that starts late in a half cycle shows its drops in the next one
                a2, b2 = int(starts[k + 1]), int(stops[k + 1])
                _, _, m2 = scan_segment(t[a2:b2], v[a2:b2], r_ref * iabs[k + 1], noise_ref,
                                        settle_fraction=self.segment.settle_fraction, collapse_ratio=self.collapse_ratio,
                                        window=window, noise_factor=self.noise_factor, drop_fraction=self.drop_fraction,
                                        drop_sigma=self.drop_sigma, min_drops=self.min_drops, rise_ratio=None,
                                        polarity=polarity[k + 1], collapse_sigma=self.collapse_sigma,
                                        noise_min_points=self.noise_min_points)
                if m2.get("n_drops", 0) >= self.min_drops:
                    crit = "erratic_voltage"
            if crit is not None and idx is not None:  # scan_segment gives idx with every criterion
                status[k] = crit
                fail = (k, a + int(idx), crit)
                break
            healthy.append(r_app[k])
        hc["reference_V"] = refs
        hc["status"] = status
        self.half_cycles_ = hc
        self.noise_ref_V_ = noise_ref
        self.noise_measured_V_ = float(noise_pool) if np.isfinite(noise_pool) else float("nan")
        n_complete = int(len(hc) // 2)
        if fail is None:
            self.short_detected_ = False
            self.criterion_ = "none"
            self.kind_ = None
            self.failure_time_s_ = self.failure_elapsed_s_ = self.failure_half_cycle_ = self.failure_cycle_ = None
            self.cycle_life_ = n_complete
            self.cycle_life_is_lower_bound_ = True  # censored: the record ended before the cell failed
        else:
            k, idx, crit = fail
            self.criterion_ = crit
            self.kind_ = {"voltage_collapse": "hard", "erratic_voltage": "soft", "polarization_runaway": "polarization"}[crit]
            self.short_detected_ = self.kind_ in ("hard", "soft")
            self.failure_time_s_ = float(t[idx])
            self.failure_elapsed_s_ = float(t[idx] - t[0])
            self.failure_half_cycle_ = int(k)
            self.failure_cycle_ = int(k // 2)
            self.cycle_life_ = int(k // 2)
            self.cycle_life_is_lower_bound_ = False
        return self


    def _life(self) -> dict[str, Any]:
        # a detector pickled before cycle_life_is_lower_bound_ existed: nothing failed = censored
        bound = bool(getattr(self, "cycle_life_is_lower_bound_", self.criterion_ == "none"))
        return {"cycle_life": self.cycle_life_, "cycle_life_is_lower_bound": bound,
                "cycle_life_note": f"≥ {self.cycle_life_} (did not fail within the record)" if bound else None}

    # -- display ---------------------------------------------------------------------------------
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("record_", None)  # the analysed record stays with the caller (pickles stay small)
        return state

    def __repr__(self) -> str:
        return estimator_repr(self, state=f"short={self.short_detected_}, criterion={self.criterion_!r}, cycle_life={cycle_life_text(self._life())!r}" if hasattr(self, "half_cycles_") else None)

    def _repr_html_(self) -> str:
        if not hasattr(self, "half_cycles_"):
            return html_table("ShortDetector (not fitted)", [(k, v) for k, v in estimator_params(self).items()] or [("parameters", "defaults")])
        s = self.summary()
        return html_table("ShortDetector", [("short detected", str(s["short_detected"])), ("failure kind", str(s["failure_kind"])), ("criterion", s["criterion"]),
                 ("failure time", "-" if s["failure_time_h"] is None else f"{s['failure_time_h']:.4g} h"),
                 ("failure cycle", str(s["failure_cycle"])), ("cycle life", cycle_life_text(s))])

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
            raise ParameterError("ShortDetector.plot: pass the record (fit() has not run in this process, or the detector was unpickled)")
        return plot_with("lisse.plot.cycling:plot_voltage_staircase", record, self, ax=ax, **kwargs)

    def summary(self) -> dict[str, Any]:
        """Return the JSON-able result (part of ``lisse cycling --json``).

        Returns
        -------
        dict
            Unit-suffixed keys; ``failure_cycle`` counts from 1 (cellpy's habit), unlike ``failure_cycle_``.
            ``cycle_life`` (count of complete cycles) is a lower bound when ``cycle_life_is_lower_bound`` is True
            (nothing failed within the record); ``cycle_life_note`` then says so.

        Raises
        ------
        ParameterError
            If called before :meth:`fit`.
        """
        if not hasattr(self, "half_cycles_"):
            raise ParameterError("ShortDetector.summary() called before fit()")
        out = {
            "short_detected": self.short_detected_,
            "failure_kind": self.kind_,
            "criterion": self.criterion_,
            "failure_time_h": None if self.failure_elapsed_s_ is None else self.failure_elapsed_s_ / 3600.0,
            "failure_clock_h": None if self.failure_time_s_ is None else self.failure_time_s_ / 3600.0,
            "failure_cycle": None if self.failure_cycle_ is None else self.failure_cycle_ + 1,  # user-facing: from 1 (cellpy)
            "failure_half_cycle": self.failure_half_cycle_,
            **self._life(),
            "noise_reference_mV": self.noise_ref_V_ * 1e3,
            **noise_keys(self.noise_ref_V_, getattr(self, "noise_measured_V_", None)),
        }
        out.update(overpotential_summary(self.half_cycles_))
        return out


def cycle_life_text(summary: dict[str, Any]) -> str:
    """Write the cycle life of a :meth:`ShortDetector.summary`, with "≥" when it is only a lower bound.

    Parameters
    ----------
    summary : dict
        A short-detection summary; one stored before ``cycle_life_is_lower_bound`` existed is judged by its
        ``criterion`` (``"none"``: nothing failed).

    Returns
    -------
    str
        ``"N"`` for a measured cycle life (count of complete cycles), ``"≥ N (did not fail within the record)"`` for a
        censored one.
    """
    bound = summary.get("cycle_life_is_lower_bound")
    if bound is None:
        bound = summary.get("criterion") == "none"
    n = summary.get("cycle_life")
    return f"≥ {n} (did not fail within the record)" if bound else str(n)
