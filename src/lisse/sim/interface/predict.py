"""Predicted critical current: the simulated cycler record judged by the same detectors as a measured one."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lisse.records.display import fields_repr
from lisse.sim.interface.model import InterfaceModel
from lisse.sim.interface.protocol import Protocol, cycling_protocol
from lisse.sim.interface.transient import (
    MAX_SIMULATED_POINTS,
    MIN_SIMULATED_POINTS,
    Simulation,
    check_foil,
    logged_record,
    simulate,
)
from lisse.units import quantity_args

__all__ = ["CCDPrediction", "predict_ccd", "void_depth_check", "resolution_check", "converge_time_step", "resolution_warning",
           "same_failing_step", "MAX_LADDER_POINTS",
           "nucleation_onset", "RECORD_NOISE_FLOOR_V", "RECORD_NOISE_FACTOR", "MAX_REFINED_POINTS", "FIRST_STEP_CONTACT_WARNING", "STABLE_CONTACT_WARNING"]

#: Largest current grid of :func:`nucleation_onset` (each point is one plating half cycle of a fresh cell).
_MAX_ONSET_POINTS = 1000

#: Finest time resolution [points per half cycle] :func:`predict_ccd` escalates to when the verdict is
#: ``erratic_voltage`` (or a foil run out, until two resolutions agree on its step): a criterion on voltage noise, which a deterministic simulation meets only through its sampling
#: (a voltage curving by tens of mV between 20 samples leaves residuals above the 0.1 mV noise floor). Measured when the
#: detectors read the simulator's own substeps: LNI-50CNT 90 um, 0.1 mA/cm2 steps of 1 h, porosity 0.2/0.3/0.4/0.5 read
#: 0.7/1.3/0.8/0.8 mA/cm2 (all erratic_voltage) at 20 points but 1.0/1.2/1.4/1.6 at 80. On the simulated cycler's fixed
#: logging grid (:func:`~lisse.sim.interface.transient.logged_record`) no validation case reads erratic any more (the same
#: layers read 1.1/1.3/1.4 at 20 points); the escalation stays for any record that still does.
MAX_REFINED_POINTS = 80

#: Finest resolution [points per half cycle] :func:`converge_time_step` halves the time step to by default (16 x the
#: default 20). Measured (2026-12-02): every validation staircase and Wang2024's LNI-CNT rows agree with their check by
#: 160 (LNI-50CNT 90 um: 0.68, 0.66, 0.64, 0.64 mA/cm2 at 20-160), and 40 of 40 random cases by 320
#: (``benchmarks/interface_ccd_ladder.py``); a 90 um LNI-50CNT staircase to 1 mA/cm2 costs 8.4-9.6 s at 320 on one core.
MAX_LADDER_POINTS = 320

#: Contact fraction [-] below which :meth:`CCDPrediction.as_dict` warns that the first step already lost the contact
#: (the CCD detector has no intact step to compare the later ones with). Measured: LNI-5CNT 90 um, fixed-time 1 h,
#: 0.5 mA/cm2 steps: the contact falls to 0.02 in the first half cycle and the detector reads stable steps to 2.5 mA/cm2;
#: 0.1 mA/cm2 steps see the loss at 0.3 (contact 0.95 -> 0.34 -> 0.02).
FIRST_STEP_CONTACT_WARNING = 0.5

#: Contact fraction [-] below which :meth:`CCDPrediction.as_dict` warns that a step judged stable had lost the contact
#: (ten-fold current focusing on what is left) without the voltage showing it. Measured: bare LLZO without stack pressure
#: at R_int = 1 ohm cm2 (0.2 mAh/cm2 steps): the contact falls below 0.1 at 0.3 mA/cm2, the detector reads 2.2.
STABLE_CONTACT_WARNING = 0.1

#: Noise floor [V] the CCD detector assumes for a simulated (noise-free) record: a cycler's voltage noise (assumed 0.1 mV).
RECORD_NOISE_FLOOR_V = 1e-4

#: The detectors' noise factor for a simulated record [-]: so large that their noise test never fires. A deterministic
#: simulation has no noise; the neighbour-line residuals the test measures are its discretisation of a smooth curve. With
#: the test on, 16 points of a 20 x 20 LNI-5CNT conductivity map (sigma_e 1e-8-1e-3, sigma_ion 1e-8-1e-4 S/cm; the default
#: staircase; half cycles of 72-160 s at 4-4.6 V, curving by tens of mV) read "erratic voltage" at 20 points per half
#: cycle and no failure at 40, and their re-runs cost 1.5x the map's time; every 20-point erratic verdict of the
#: validation table was this test too (measured 2026-12-02).
RECORD_NOISE_FACTOR = 1e6


@dataclass
class CCDPrediction:
    """A predicted CCD.

    Parameters
    ----------
    ccd_A_m2 : float or None
        Last stable step [A/m2] (None: the first step failed).
    failing_current_density_A_m2 : float or None
        First failing step [A/m2] (None: no failure up to the search limit).
    search_limit_reached : bool
        True when no step failed (``ccd_A_m2`` is then a lower bound).
    failure_mode : str or None
        The CCD detector's criterion (``voltage_collapse``, ``erratic_voltage``, ``ohmic_scaling_lost``); the short
        detector's (:class:`~lisse.analysis.shorts.ShortDetector`) marked ``"... (short detector)"`` when it finds a
        short earlier; or, as the fallback, the simulator's own failure marked ``"short (simulated)"`` /
        ``"cutoff (simulated)"`` when the detectors saw no failure (or a later one) than the simulation;
        ``"li_depleted"`` when the first failure is an electrode's Li foil stripped away (the test cell's limit, not
        the interface's: ``ccd_A_m2`` is then a lower bound); None.
    protocol : str
        ``"fixed-time"``, ``"fixed-capacity"`` or ``"cycling"``.
    calibrated_parameters : list of str
        Calibrated model parameters (each fitted to one named observation; see ``simulation.model.sources``).
    simulation : Simulation
        The simulation behind the prediction.
    detector : Any
        The fitted :class:`~lisse.analysis.ccd.CCDDetector` (None when the record could not be judged because the
        simulation failed at once).
    short_detector : Any
        The fitted :class:`~lisse.analysis.shorts.ShortDetector` run on the same record (None when it could not judge it).
    points_per_half_cycle : int
        Time resolution of the simulation judged [points per half cycle].
    resolution_note : str or None
        What a coarser simulation read when the verdict was re-judged at a finer resolution (:data:`MAX_REFINED_POINTS`).
    """

    ccd_A_m2: float | None
    failing_current_density_A_m2: float | None
    search_limit_reached: bool
    failure_mode: str | None
    protocol: str
    calibrated_parameters: list[str]
    simulation: Simulation
    detector: Any = field(repr=False, default=None)
    short_detector: Any = field(repr=False, default=None)
    points_per_half_cycle: int = 20
    resolution_note: str | None = None

    def __repr__(self) -> str:
        return fields_repr(self, ["ccd_A_m2", "failing_current_density_A_m2", "search_limit_reached", "failure_mode", "protocol"])

    @property
    def foil_limited(self) -> bool:
        """Whether the first failure is the Li foil running out (``failure_mode == "li_depleted"``).

        The CCD is then a lower bound of the interface's, set by the test cell's foil.
        """
        return self.failure_mode == "li_depleted"

    def _contact(self) -> tuple[Any, Any] | None:
        """(smaller contact fraction of the two electrodes, step index) per state row; None without those columns."""
        import numpy as np

        st = self.simulation.state
        try:
            f = np.minimum(np.asarray(st["contact_fraction_we"], dtype=float), np.asarray(st["contact_fraction_ce"], dtype=float))
            return f, np.asarray(st["step"])
        except (KeyError, TypeError, IndexError):
            return None

    @property
    def contact_fraction_min(self) -> float | None:
        """Smallest Li contact fraction of either electrode over the whole simulation [-] (None: no contact columns)."""
        import numpy as np

        c = self._contact()
        if c is None or not np.size(c[0]):
            return None
        return float(np.min(c[0]))

    @property
    def first_step_contact(self) -> float | None:
        """Smallest Li contact fraction of either electrode during the staircase's first step [-] (None: no state)."""
        import numpy as np

        c = self._contact()
        if c is None:
            return None
        f, step = c
        first = step == 0
        return float(np.min(f[first])) if np.any(first) else None

    @property
    def stable_steps_contact(self) -> tuple[float, float] | None:
        """Smallest contact fraction [-] over the steps judged stable, and the step current density [A/m2] where it went.

        The step is the first where the contact fell below :data:`STABLE_CONTACT_WARNING` (else where the smallest
        was). None when no step was judged stable or the state has no contact columns.
        """
        import numpy as np

        if self.ccd_A_m2 is None:
            return None
        c = self._contact()
        try:
            j = np.abs(np.asarray(self.simulation.state["current_density_A_m2"], dtype=float))
        except (KeyError, TypeError, IndexError):
            return None
        if c is None:
            return None
        f, step = c
        steps = self.simulation.protocol.step_currents if hasattr(self.simulation.protocol, "step_currents") else None
        if steps is None:
            return None
        stable = [k for k, js in enumerate(steps) if js <= self.ccd_A_m2 * (1 + 1e-9)]
        sel = np.isin(step, stable) & (j > 0)
        if not np.any(sel):
            return None
        fs = np.where(sel, f, np.inf)
        below = np.flatnonzero(fs < STABLE_CONTACT_WARNING)
        k = int(below[0]) if below.size else int(np.argmin(fs))
        return float(np.min(fs)), float(steps[int(step[k])])

    @property
    def contact_lost_at_A_m2(self) -> float | None:
        """The first step current density [A/m2] at which either electrode's contact fell below half (None: never).

        A contact-based reading of the same simulation beside the voltage-based CCD (:data:`FIRST_STEP_CONTACT_WARNING`
        as the threshold: the current density on what is left has doubled).
        """
        import numpy as np

        c = self._contact()
        steps = getattr(self.simulation.protocol, "step_currents", None)
        if c is None or steps is None:
            return None
        f, step = c
        below = np.flatnonzero(f < FIRST_STEP_CONTACT_WARNING)
        return float(steps[int(step[below[0]])]) if below.size else None

    @property
    def contact_lost_at_s(self) -> float | None:
        """Time [s] of the first record sample at which either electrode's contact had fallen below half (None: never).

        The time-based reading of :attr:`contact_lost_at_A_m2` (same threshold), for constant-current cycling, whose one
        step cannot place the loss.
        """
        import numpy as np

        c = self._contact()
        if c is None:
            return None
        below = np.flatnonzero(c[0] < FIRST_STEP_CONTACT_WARNING)
        if not below.size:
            return None
        return float(np.asarray(self.simulation.state["t_s"], dtype=float)[below[0]])

    def _contact_caveat(self) -> str | None:
        """A warning when the contact was lost in the first step or in a step judged stable.

        Thresholds :data:`FIRST_STEP_CONTACT_WARNING` and :data:`STABLE_CONTACT_WARNING`.
        """
        if self.protocol == "cycling":
            return None
        f = self.first_step_contact
        if f is not None and f < FIRST_STEP_CONTACT_WARNING:
            return (f"the Li contact was lost in the first step already (contact fraction {f:.2g}): the detectors judge each "
                    "step against the ones before it, so a CCD read above it is not a verdict on an intact interface (a "
                    "finer or lower first step shows where the contact goes)")
        low = self.stable_steps_contact
        if low is not None and low[0] < STABLE_CONTACT_WARNING:
            return (f"the simulated Li contact fell below {STABLE_CONTACT_WARNING:g} at {low[1] / 10:.3g} mA/cm2 (to {low[0]:.2g} "
                    "over the steps judged stable): with "
                    "these kinetics the voltage barely shows it (a cycler would read the same), so the CCD is the voltage's "
                    "verdict, not the contact's (contact_fraction_min_stable_steps)")
        return None

    @property
    def highest_step_A_m2(self) -> float:
        """The highest current density [A/m2] the simulation ran.

        The failing step, else the staircase's last step (at or below its search limit: an increment that does not
        land on the limit stops short of it).
        """
        import numpy as np

        if self.failing_current_density_A_m2 is not None:
            return float(self.failing_current_density_A_m2)
        return float(np.max(np.abs(self.simulation.protocol.current_density)))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary with unit-suffixed keys.

        Returns
        -------
        dict
            ``ccd_mA_cm2``, ``failing_current_density_mA_cm2``, ``search_limit_reached``, ``failure_mode``, ``protocol``,
            ``calibrated_parameters``, ``calibrated_on`` (name -> observation), ``assumed_parameters`` (the parameters
            whose value is an assumption, not a measurement: :func:`lisse.sim.interface.model.assumed_parameters`),
            ``ccd_is_lower_bound``
            (True when no step failed up to the search limit, or the Li foil ran out first: ``ccd_mA_cm2`` is then
            only a lower bound),
            ``foil_limited`` (the first failure is the Li foil running out: ``ccd_is_lower_bound`` then too),
            ``highest_step_mA_cm2`` (the failing step, else the last step run: the search reached that, not beyond),
            ``simulated_failure_mode``, ``simulated_failure_time_h``, ``critical_stripping_current_mA_cm2``,
            ``contact_fraction_min_first_step`` (the smallest contact fraction of either electrode in the first step),
            ``contact_fraction_min_stable_steps`` (the same over the steps judged stable; None when none was),
            ``contact_lost_at_mA_cm2`` (the first step where either contact fell below half; None: never),
            ``contact_lost_at_h`` (the time of the first record sample where it had; None: never),
            ``warnings`` (:func:`lisse.materials.temperature_caveat`, :func:`lisse.sim.interface.model.surface_caveat`,
            a contact already lost in the first step, :data:`FIRST_STEP_CONTACT_WARNING`, or in a step judged stable,
            :data:`STABLE_CONTACT_WARNING`), ``points_per_half_cycle``, ``resolution_note``.
        """
        from lisse.materials import temperature_caveat
        from lisse.sim.interface.model import assumed_parameters, critical_stripping_current, surface_caveat

        m = self.simulation.model
        return {
            "ccd_mA_cm2": None if self.ccd_A_m2 is None else _sig(self.ccd_A_m2 / 10.0),
            "failing_current_density_mA_cm2": None if self.failing_current_density_A_m2 is None else _sig(self.failing_current_density_A_m2 / 10.0),
            "search_limit_reached": self.search_limit_reached,
            "ccd_is_lower_bound": bool((self.search_limit_reached or self.foil_limited) and self.ccd_A_m2 is not None),
            "foil_limited": self.foil_limited,
            "highest_step_mA_cm2": _sig(self.highest_step_A_m2 / 10.0),  # as the ccd (0.1 + 12 x 0.1 is 1.3000000000000003)
            "failure_mode": self.failure_mode,
            "protocol": self.protocol,
            "calibrated_parameters": list(self.calibrated_parameters),
            "calibrated_on": {k: m.calibrated[k] for k in self.calibrated_parameters},
            "assumed_parameters": assumed_parameters(m),
            "simulated_failure_mode": self.simulation.failure_mode,
            "simulated_failure_time_h": None if self.simulation.failure_time_s is None else self.simulation.failure_time_s / 3600.0,
            "critical_stripping_current_mA_cm2": critical_stripping_current(m) / 10.0,
            "contact_fraction_min_first_step": self.first_step_contact,
            "contact_lost_at_mA_cm2": None if self.contact_lost_at_A_m2 is None else self.contact_lost_at_A_m2 / 10.0,
            "contact_lost_at_h": None if self.contact_lost_at_s is None else self.contact_lost_at_s / 3600.0,
            "contact_fraction_min_stable_steps": None if self.stable_steps_contact is None else self.stable_steps_contact[0],
            "warnings": [w for w in (temperature_caveat(m.values["temperature"]), surface_caveat(m), self._contact_caveat()) if w],
            "points_per_half_cycle": self.points_per_half_cycle,
            "resolution_note": self.resolution_note,
        }


def _sig(x: float) -> float:
    """``x`` to 12 significant digits: a staircase's step sums (0.1 + 12 x 0.1 = 1.3000000000000003) print as typed, and a
    tiny staircase keeps its digits (rounding to decimals made 1e-12 mA/cm2 a CCD of 0)."""
    return float(f"{x:.12g}")


def predict_ccd(model: InterfaceModel, protocol: Protocol, progress: Callable[[int, int], None] | None = None,
                points_per_half_cycle: int = 20) -> CCDPrediction:
    """Simulate ``protocol`` and find the CCD with :class:`lisse.analysis.ccd.CCDDetector` on the simulated record.

    Parameters
    ----------
    model : InterfaceModel
        The interface model.
    protocol : Protocol
        A staircase (:func:`~lisse.sim.interface.protocol.staircase`) or cycling protocol.
    progress : callable, optional
        ``progress(done, total)`` per simulated half cycle.
    points_per_half_cycle : int, default 20
        Time resolution of the simulation [points per half cycle] (:func:`~lisse.sim.interface.transient.simulate`).
        A verdict of ``erratic_voltage`` (voltage noise, which a deterministic simulation shows only through its
        sampling), and a foil run out (until two resolutions agree on its step), are re-judged at twice and four times
        the points, up to :data:`MAX_REFINED_POINTS`; the prediction says so (``points_per_half_cycle``,
        ``resolution_note``).

    Returns
    -------
    CCDPrediction
        The prediction, judged by the measured-data rule (last stable step; the detector's criterion), with the
        simulator's own failure taken as the failing step when the detector saw none or a later one.

    Raises
    ------
    ParameterError
        The protocol's first half cycle strips more Li than the foil holds (:func:`~lisse.sim.interface.transient.check_foil`).
    CalculationError
        The detectors cannot judge the simulated record although the simulation did not fail.

    References
    ----------
    Kasemchainan et al., Nat. Mater. 18, 1105 (2019), doi:10.1038/s41563-019-0438-9.
    """
    check_foil(model, protocol)
    pred = _judge(model, protocol, simulate(model, protocol, progress, points_per_half_cycle=points_per_half_cycle))
    return _refined(model, protocol, pred, points_per_half_cycle, progress)


def _refined(model: InterfaceModel, protocol: Protocol, pred: CCDPrediction, points: int,
             progress: Callable[[int, int], None] | None = None) -> CCDPrediction:
    """``pred`` re-judged at 2x, 4x ... the points, up to :data:`MAX_REFINED_POINTS`, while its verdict depends on them.

    Re-judged: an ``erratic_voltage`` verdict (voltage noise: a deterministic simulation has none but its sampling's),
    and a foil run out (``li_depleted``: where the Li in an interlayer's pores is counted moves with the time step;
    measured: LNI-50CNT, 6 um foil, 0.1 mA/cm2 x 1 h steps runs out at 1.1 mA/cm2 with 20 points, at Faraday's 1.3
    with 40 and 80) until two resolutions agree on the step. ``progress(done, total)`` follows each re-run's half cycles
    (a bar starts again for each).
    """
    pred.points_per_half_cycle = points
    coarse: list[str] = []
    prev: CCDPrediction | None = None
    while 2 * points <= MAX_REFINED_POINTS:
        erratic = str(pred.failure_mode or "").startswith("erratic_voltage")
        settled = (pred.foil_limited and prev is not None and prev.foil_limited
                   and prev.failing_current_density_A_m2 == pred.failing_current_density_A_m2)
        if not (erratic or (pred.foil_limited and not settled)):
            break
        ccd = "none" if pred.ccd_A_m2 is None else f"{pred.ccd_A_m2 / 10:.4g} mA/cm2"
        coarse.append(f"{ccd} ({pred.failure_mode}) at {points}")
        points *= 2
        prev = pred
        pred = _judge(model, protocol, simulate(model, protocol, progress, points_per_half_cycle=points))
        pred.points_per_half_cycle = points
    if coarse:
        pred.resolution_note = (f"re-judged at {points} points per half cycle (a verdict that moves with the time step: erratic "
                                "voltage, which a noise-free simulation shows only through its sampling, or the step where "
                                "the Li foil runs out); read " + "; ".join(coarse) + " points per half cycle")
    return pred


def void_depth_check(model: InterfaceModel, protocol: Protocol, points_per_half_cycle: int = 20) -> dict[str, Any] | None:
    """The same staircase with the geometric void depth h_v = lambda, when ``model`` runs at the CALIBRATED default depth.

    The void depth h_v (:func:`lisse.sim.interface.model.void_depth`) sets how much Li a half cycle above the critical
    stripping current may strip before the contact is gone. lisse's default (14.9 um,
    :data:`lisse.sim.interface.model.VOID_DEPTH_CALIBRATION`) is calibrated on one observation (Singh2022 Fig. 5C: one
    electrolyte, one current, no stack pressure); the geometric alternative, voids as deep as their period lambda (1 um by
    default), is what the model assumed before. A prediction that a contact-loss failure decides should be read with both
    numbers (``benchmarks/interface_ccd_validation.py --extra`` prints the validation table and Chu2024's 15 LLZO
    strategies with each).

    Parameters
    ----------
    model : InterfaceModel
        The model of the prediction.
    protocol : Protocol
        Its staircase.
    points_per_half_cycle : int, default 20
        Time resolution [points per half cycle] (:func:`predict_ccd`).

    Returns
    -------
    dict or None
        ``void_depth_um`` (the check's depth, h_v = lambda), ``prediction_void_depth_um`` (the main prediction's, the
        calibrated one), ``void_depth_source``, ``ccd_mA_cm2``, ``failing_current_density_mA_cm2``,
        ``search_limit_reached``, ``failure_mode`` of the staircase with h_v = lambda, and its own
        ``calibrated_parameters`` / ``calibrated_on`` (without the depth); None when the model's void depth was given (not
        the calibrated default).
    """
    if "void_depth_ratio" not in model.calibrated:
        return None
    lam = model.values["void_size"]
    main = model.values["void_depth_ratio"] * lam
    alt = model.with_(void_depth_ratio=1.0)
    p = predict_ccd(alt, protocol, points_per_half_cycle=points_per_half_cycle)
    d = p.as_dict()
    return {"void_depth_um": lam * 1e6, "prediction_void_depth_um": main * 1e6,
            "void_depth_source": (f"geometric: h_v = lambda = {lam * 1e6:.3g} um (voids as deep as their period; assumed, "
                                  f"lisse's default before 2026-12); the main prediction uses the calibrated {main * 1e6:.3g} um "
                                  "(Singh2022 Fig. 5C)"),
            **{k: d[k] for k in ("ccd_mA_cm2", "failing_current_density_mA_cm2", "search_limit_reached", "failure_mode")},
            # the check's own calibrated parameters (not the depth; sigma_Li's default when kept)
            "calibrated_parameters": list(alt.calibrated_parameters), "calibrated_on": {k: alt.calibrated[k] for k in alt.calibrated_parameters}}


def resolution_check(model: InterfaceModel, protocol: Protocol, prediction: CCDPrediction) -> dict[str, Any]:
    """The same staircase at twice the time resolution of ``prediction``: does its verdict move with the time step?

    A predicted CCD is a number only if a finer time step reads the same step. Most do (the validation table's audit
    column); where a half cycle changes shape inside itself (Li pushed into an ionic interlayer's pores, a contact
    running away) the reading can move by several steps. Measured (2026-12-01): Wang2024's 90 um LNI-0.5CNT staircase
    (0.02 mA/cm2 x 1 h steps) read 0.42 (erratic voltage) at 20 points per half cycle, re-judged 0.9 at 40, and 0.48,
    0.46, 0.44 mA/cm2 (ohmic scaling lost) at 80, 160, 320: the default resolution's number was not converged, and
    nothing said so. Most of that was the detectors reading the simulator's own substeps (their windows count samples:
    fixed since by judging the record on a cycler's fixed logging grid, :func:`~lisse.sim.interface.transient.logged_record`)
    and a first-order error in how stripping pore cells were integrated; it now reads 0.5 at 20 points and 0.44 from 40
    (2026-12-02), and this check still flags the 20-point number.

    Parameters
    ----------
    model : InterfaceModel
        The model of the prediction.
    protocol : Protocol
        Its protocol.
    prediction : CCDPrediction
        The prediction to check (:func:`predict_ccd` of ``model`` and ``protocol``).

    Returns
    -------
    dict
        ``points_per_half_cycle`` (the check's resolution, after any re-judging :func:`predict_ccd` does there),
        ``ccd_mA_cm2``, ``failing_current_density_mA_cm2``, ``search_limit_reached``, ``failure_mode`` at that
        resolution, ``agrees`` (bool): the same failing step (or no failure up to the search limit at both), and
        ``steps_apart`` (how many staircase steps lie between the two failing steps; None where either found none).
        A failing step read as the Li foil running out at one resolution and as an interface failure at the other
        does not agree (one CCD is a lower bound, the other is not).

    Raises
    ------
    ParameterError
        ``protocol`` is not a staircase (constant-current cycling is one step: the failing step cannot tell two failure
        times apart), or twice the prediction's points passes the simulator's 10000.
    """
    _checkable(protocol, prediction, "resolution_check")
    return _compare(protocol, prediction, predict_ccd(model, protocol, points_per_half_cycle=2 * prediction.points_per_half_cycle))


def _checkable(protocol: Protocol, prediction: CCDPrediction, caller: str) -> None:
    """Refuse a time-step check that cannot run: a cycling protocol, or twice the points past the simulator's limit."""
    from lisse.errors import ParameterError

    if protocol.kind == "cycling":
        raise ParameterError(f"{caller}: expected a CCD staircase; got a constant-current cycling protocol (one step)")
    if 2 * prediction.points_per_half_cycle > MAX_SIMULATED_POINTS:
        raise ParameterError(f"{caller}: the prediction ran at {prediction.points_per_half_cycle} points per half cycle; "
                             f"the check at twice that passes the simulator's {MAX_SIMULATED_POINTS}")


def _compare(protocol: Protocol, prediction: CCDPrediction, fine: CCDPrediction) -> dict[str, Any]:
    """:func:`resolution_check`'s dict of ``prediction`` against ``fine``, the same staircase at a finer resolution."""
    d = fine.as_dict()
    agrees, apart = same_failing_step(protocol, (prediction.failing_current_density_A_m2, prediction.foil_limited),
                                      (fine.failing_current_density_A_m2, fine.foil_limited))
    return {"points_per_half_cycle": fine.points_per_half_cycle, "agrees": agrees, "steps_apart": apart,
            **{k: d[k] for k in ("ccd_mA_cm2", "failing_current_density_mA_cm2", "search_limit_reached", "failure_mode")}}


def _reading(pred: CCDPrediction) -> dict[str, Any]:
    """One rung of :func:`converge_time_step`'s ladder: the resolution and what was read there."""
    d = pred.as_dict()
    return {"points_per_half_cycle": pred.points_per_half_cycle,
            **{k: d[k] for k in ("ccd_mA_cm2", "failing_current_density_mA_cm2", "failure_mode")}}


def converge_time_step(model: InterfaceModel, protocol: Protocol, prediction: CCDPrediction,
                       max_points_per_half_cycle: int = MAX_LADDER_POINTS,
                       progress: Callable[[int, int], None] | None = None) -> tuple[CCDPrediction, dict[str, Any]]:
    """Halve the time step until two resolutions read the same failing step: the prediction as a converged number.

    ``prediction`` is checked at twice its points per half cycle (:func:`resolution_check`). Where the two disagree, the
    finer one becomes the prediction and is checked at twice its own points, and so on while the check stays within
    ``max_points_per_half_cycle``; at least one check always runs. The returned prediction is the coarser of the first
    agreeing pair (its check is the finer one); when no pair agreed by the limit, the coarser of the last pair compared
    (the finest reading is its check, in the returned dict, and the warning of :func:`resolution_warning` says so).
    A check whose verdict :func:`predict_ccd` itself re-judges (erratic voltage, a foil run out) is read at the resolution
    that settled it, which can pass the limit. Two successive resolutions agreeing is the ladder's rule, not a proof of
    convergence: a simulated short that drifts slowly with the step can agree at 80 and 160 and move at 320 (the README's
    20 um LNI-50CNT case, 1.55 at 80-160 and 1.45 at 320). A check that fails after the first ends the ladder where it is
    (the rungs read stay; ``stopped`` in the dict and the note say why).

    Measured (2026-12-02, ``OMP_NUM_THREADS=1``): Wang2024's 90 um LNI-50CNT staircase (0.02 mA/cm2 x 1 h steps) reads
    0.68, 0.66, 0.64, 0.64 mA/cm2 at 20, 40, 80, 160 points: the ladder stops at 80 (checked at 160) after 8.7-10.5 s,
    against 0.7-1.6 s for the 20-point prediction alone; LNI-0.5CNT reads 0.5, 0.44, 0.44 and stops at 40 (checked at 80).
    Bare LLZO at 1 MPa on 0.1 mA/cm2 x 1 h steps reads 0.9 at 20 and 40 and stops at once (0.1 s).

    Parameters
    ----------
    model : InterfaceModel
        The model of the prediction.
    protocol : Protocol
        Its staircase.
    prediction : CCDPrediction
        :func:`predict_ccd` of ``model`` and ``protocol``.
    max_points_per_half_cycle : int, default :data:`MAX_LADDER_POINTS`
        Finest resolution the ladder checks at [points per half cycle] (at most the simulator's
        :data:`~lisse.sim.interface.transient.MAX_SIMULATED_POINTS`). Below twice the prediction's points, the one check at twice them still runs.
    progress : callable, optional
        ``progress(done, total)`` per simulated half cycle of each re-run (a bar starts again for each).

    Returns
    -------
    tuple
        (prediction, check): the prediction at the coarser resolution of the first agreeing pair (or the last one checked,
        when none agreed), its ``resolution_note`` naming the readings the ladder passed; and the :func:`resolution_check`
        dict of that prediction, with ``ladder`` (a list of ``points_per_half_cycle``, ``ccd_mA_cm2``,
        ``failing_current_density_mA_cm2``, ``failure_mode``, one per resolution read, coarsest first), ``converged``
        (the last pair agrees) and, when a later check failed, ``stopped`` (why the ladder ended there).

    Raises
    ------
    LisseError
        The first check fails (e.g. its record cannot be judged); a later one ends the ladder instead (``stopped``).
    ParameterError
        ``protocol`` is not a staircase, or twice the prediction's points passes the simulator's
        :data:`~lisse.sim.interface.transient.MAX_SIMULATED_POINTS`, or ``max_points_per_half_cycle`` is not an integer in [:data:`~lisse.sim.interface.transient.MIN_SIMULATED_POINTS`,
        :data:`~lisse.sim.interface.transient.MAX_SIMULATED_POINTS`].
    """
    from lisse.errors import LisseError, ParameterError

    if (isinstance(max_points_per_half_cycle, bool) or not isinstance(max_points_per_half_cycle, int)
            or not MIN_SIMULATED_POINTS <= max_points_per_half_cycle <= MAX_SIMULATED_POINTS):
        raise ParameterError(f"max_points_per_half_cycle: expected an integer from {MIN_SIMULATED_POINTS} to {MAX_SIMULATED_POINTS}; "
                             f"got {max_points_per_half_cycle!r}")
    _checkable(protocol, prediction, "converge_time_step")
    finest = min(max_points_per_half_cycle, MAX_SIMULATED_POINTS)
    pred = prediction
    ladder = [_reading(pred)]
    check: dict[str, Any] = {}
    compared = pred
    stopped = None
    # the points at least double every rung (predict_ccd's re-judging only raises them), so the ladder is bounded by
    # log2(finest / points) + 1 rungs; the loop says so itself
    for rung in range(max(1, math.ceil(math.log2(finest / pred.points_per_half_cycle)))):
        try:
            fine = predict_ccd(model, protocol, progress, points_per_half_cycle=2 * pred.points_per_half_cycle)
        except LisseError as exc:
            if rung == 0:  # the one check that always runs: its failure is the caller's to report
                raise
            stopped = f"the check at {2 * pred.points_per_half_cycle} points per half cycle could not run ({exc})"
            break
        check, compared = _compare(protocol, pred, fine), pred  # the pair the returned check is of
        ladder.append(_reading(fine))
        if check["agrees"] or 2 * fine.points_per_half_cycle > finest:
            break
        pred = fine
    pred = compared  # (a later check that failed leaves the last pair compared)
    if len(ladder) > 2:
        passed = "; ".join(f"{_reading_text(r)} at {r['points_per_half_cycle']}" for r in ladder[:-2])
        if check["agrees"]:
            note = (f"time step halved until two successive resolutions read the same failing step (up to {finest} points "
                    f"per half cycle): {passed} points per half cycle")
        else:
            note = (f"time step halved up to {check['points_per_half_cycle']} points per half cycle without two successive "
                    f"resolutions agreeing (read before: {passed} points per half cycle; the last two are this prediction "
                    "and its check)")
        if stopped:
            note += f"; {stopped}"
        pred.resolution_note = note if pred.resolution_note is None else f"{pred.resolution_note}; {note}"
    elif stopped:
        pred.resolution_note = stopped if pred.resolution_note is None else f"{pred.resolution_note}; {stopped}"
    return pred, {**check, "ladder": ladder, "converged": bool(check["agrees"]), **({"stopped": stopped} if stopped else {})}


def same_failing_step(protocol: Protocol, a: tuple[float | None, bool], b: tuple[float | None, bool]) -> tuple[bool, int | None]:
    """Whether two readings of one staircase name the same failing step: the rule of :func:`resolution_check`.

    Parameters
    ----------
    protocol : Protocol
        The staircase both readings are of.
    a, b : tuple
        (failing current density [A/m2] or None/NaN for no failure up to the search limit, whether that failure is the
        Li foil running out) of each reading.

    Returns
    -------
    tuple
        (agrees, steps_apart): the same failing step (or no failure at both) read the same way (foil run out or not);
        how many staircase steps lie between the two failing steps (None where either has none).
    """
    import numpy as np

    steps = np.asarray(protocol.step_currents, dtype=float)

    def step_of(j: float | None) -> int | None:
        return None if j is None or not np.isfinite(j) else int(np.argmin(np.abs(steps - j)))

    ka, kb = step_of(a[0]), step_of(b[0])
    apart = None if ka is None or kb is None else abs(ka - kb)
    return ((ka is None and kb is None) or apart == 0) and bool(a[1]) == bool(b[1]), apart


def _reading_text(r: dict[str, Any]) -> str:
    """A reading (``ccd_mA_cm2``, ``failing_current_density_mA_cm2``, ``failure_mode``) in words."""
    ccd, fail = r["ccd_mA_cm2"], r["failing_current_density_mA_cm2"]
    if fail is None:
        return "no failure up to the search limit"
    foil = "; the Li foil ran out" if r.get("failure_mode") == "li_depleted" else ""
    return f"{'no stable step' if ccd is None else f'{ccd:.4g} mA/cm2'} (failing {fail:.4g}{foil})"


def resolution_warning(prediction: CCDPrediction, check: dict[str, Any]) -> str | None:
    """The warning a prediction carries when :func:`resolution_check` reads another step (None when it agrees).

    Parameters
    ----------
    prediction : CCDPrediction
        The prediction.
    check : dict
        Its :func:`resolution_check` (or :func:`converge_time_step`'s check, whose ``ladder`` the sentence names).

    Returns
    -------
    str or None
        One sentence naming both readings and the resolution to try next.
    """
    if check["agrees"]:
        return None

    d = prediction.as_dict()
    n = check.get("steps_apart")
    apart = f" ({n} staircase step{'s' if n != 1 else ''} apart)" if n else ""
    coarse, fine = _reading_text(d), _reading_text(check)
    ladder = check.get("ladder") or []
    if len(ladder) > 2:  # converge_time_step halved the step up to its limit without two resolutions agreeing
        earlier = "; ".join(f"{_reading_text(r)} at {r['points_per_half_cycle']}" for r in ladder[:-2])
        how = (f"not converged after halving the time step to {check['points_per_half_cycle']} points per half cycle "
               f"(before: {earlier}): raise the limit (lisse simulate ccd --max-points-per-half-cycle; a study's "
               "[simulate] max_points_per_half_cycle) until two resolutions agree")
    else:
        how = (f"not converged: rerun at {2 * check['points_per_half_cycle']} or more points per half cycle (lisse "
               "simulate ccd --points-per-half-cycle; a study's [simulate] points_per_half_cycle) until two resolutions agree")
    return (f"the predicted CCD moves with the time step: {coarse} at {prediction.points_per_half_cycle} points per half "
            f"cycle, {fine} at {check['points_per_half_cycle']}{apart}; {how}")


def _predict_batch(models: list[InterfaceModel], protocol: Protocol) -> list[CCDPrediction | BaseException]:
    """:func:`predict_ccd` of many models under one protocol, their simulations run in lockstep with the interlayer solves
    batched (:func:`lisse.sim.interface.transient._drive`); each result equals the single ``predict_ccd`` of its model.
    A run stopped by an error (a solve that does not converge, a record the detectors cannot judge) gives that error."""
    from lisse.errors import LisseError
    from lisse.sim.interface import lockstep, transient

    refused: dict[int, BaseException] = {}
    for k, m in enumerate(models):
        try:
            check_foil(m, protocol)
        except LisseError as exc:  # this cell's foil cannot take the first half cycle: its result is the error
            refused[k] = exc
    run = [m for k, m in enumerate(models) if k not in refused]
    done = iter(lockstep.simulate_many(run, protocol, 20, transient.N_CELLS) if run else [])
    sims = [refused[k] if k in refused else next(done) for k in range(len(models))]
    out: list[CCDPrediction | BaseException] = []
    for m, sim in zip(models, sims):
        if isinstance(sim, BaseException):
            out.append(sim)
            continue
        try:
            out.append(_refined(m, protocol, _judge(m, protocol, sim), 20))
        except LisseError as exc:
            out.append(exc)
    return out


def _earlier(protocol: Protocol, hc: int, label: str, ccd: float | None, failing: float | None,
             mode: str | None) -> tuple[float | None, float | None, str | None]:
    """(ccd, failing, mode) with a failure in half cycle ``hc`` taken when its step is below the failing one so far."""
    j = float(abs(protocol.current_density[hc]))
    if failing is None or failing > j * (1 + 1e-9):
        k = int(protocol.step[hc])
        return (None if k == 0 else float(protocol.step_currents[k - 1])), j, label
    return ccd, failing, mode


def _judge(model: InterfaceModel, protocol: Protocol, sim: Simulation) -> CCDPrediction:
    """The CCD and short detectors' verdict on a simulated record, with the simulator's own failure as the fallback."""
    import numpy as np

    from lisse.analysis.ccd import CCDDetector
    from lisse.analysis.shorts import ShortDetector
    from lisse.analysis.symmetric import SegmentOptions, half_cycles
    from lisse.errors import CalculationError

    # the measured-data rule, with one setting adapted to the data: consecutive steps of a fine staircase
    # (e.g. 23 -> 24 A/m2, 4 %) must not be merged into one step by the 5 % level tolerance meant for noisy cyclers
    js = np.unique(np.abs(protocol.current_density))
    rel = float(np.min(np.diff(js) / js[1:])) if js.size > 1 else 1.0
    seg = SegmentOptions(level_tolerance=min(0.05, 0.3 * rel))
    # the simulated record is noise-free: the detector's noise floor is a cycler's (assumed 0.1 mV, the order of a
    # potentiostat's voltage noise at these currents), so that discretisation ripples of the simulation (< 0.1 mV per
    # mesh cell crossed by the Li front) are not read as a soft short
    # and the noise test itself is off (RECORD_NOISE_FACTOR): what it measures on a noise-free record, the neighbour-line
    # residuals, is the discretisation of a smooth curve (V'' dt^2 / 2), not noise; a soft short's repeated drops still count
    det: Any = CCDDetector(v_cutoff=model.values["voltage_cutoff"] * (1 - 1e-9), segment=seg, min_noise_V=RECORD_NOISE_FLOOR_V,
                           noise_factor=RECORD_NOISE_FACTOR)
    short: Any = ShortDetector(segment=seg, min_noise_V=RECORD_NOISE_FLOOR_V, noise_factor=RECORD_NOISE_FACTOR)
    ccd, failing, mode = None, None, None
    seen: list[int] = []  # half cycles where a detector saw a failure (to tell a foil run out from an earlier one)
    if sim.record.time_s.size < 2:  # the cut-off at the first sample: nothing for a detector to judge
        if sim.failure_half_cycle is None:  # pragma: no cover - a one-sample record only comes from a failure
            raise CalculationError("predict_ccd: the simulated record has fewer than 2 samples")
        det = short = None
    else:
        # judged as a cycler logging every LOG_INTERVAL_S would have written it: the detectors' windows count samples, so
        # the simulator's own substeps made the verdict sharper the finer the time step (transient.logged_record)
        record = logged_record(sim)
        hc = half_cycles(record, seg)  # one segmentation of the record, shared by both detectors (same options)
        try:
            det.fit(record, cell_type="symmetric", half_cycles_table=hc)
            ccd, failing, mode = det.ccd_A_m2_, det.failure_current_density_A_m2_, det.criterion_
            if failing is not None and det.failure_half_cycle_ is not None:
                seen.append(int(det.failure_half_cycle_))
        except CalculationError:
            # a record the detector cannot judge (e.g. the cut-off is reached at once, no constant-current half cycle):
            # only acceptable when the simulation itself failed, which then decides below
            if sim.failure_half_cycle is None:
                raise
            det = None
        # the short rule of measured files (lisse.analysis.shorts): a hard or soft short it finds earlier than the CCD
        # detector's failing step is the failure; on constant-current cycling (one step, which the CCD detector has no
        # earlier step to compare with) its runaway polarisation counts too, as for a measured cycling record
        try:
            short.fit(record, cell_type="symmetric", half_cycles_table=hc)
        except CalculationError:
            short = None
        if short is not None and short.failure_half_cycle_ is not None and (
                short.short_detected_ or protocol.kind == "cycling"):
            ccd, failing, mode = _earlier(protocol, int(short.failure_half_cycle_), f"{short.criterion_} (short detector)",
                                          ccd, failing, mode)
            seen.append(int(short.failure_half_cycle_))
    if sim.failure_half_cycle is not None:
        # the simulator's own failure (short / cut-off) is a failure at its step even where the detectors cannot see it
        # (the first step of a staircase, or a one-step cycling protocol, has no healthy reference to compare with)
        ccd, failing, mode = _earlier(protocol, sim.failure_half_cycle, f"{sim.failure_mode} (simulated)", ccd, failing, mode)
        if sim.failure_mode == "li_depleted" and all(h >= sim.failure_half_cycle for h in seen):
            # the first failure is the Li foil running out (a half cycle stripped all of it; the detectors see the
            # voltage limit and name a criterion of their own): the test cell's limit, not the interface's. The step
            # is the failing one, named for what failed; the CCD below it is a lower bound (as_dict: ccd_is_lower_bound).
            # Judged by half cycle, not by step current: a detector failure earlier in the same step (cycling, or more
            # than two half cycles per step) stays the interface's
            ccd, failing, mode = _earlier(protocol, sim.failure_half_cycle, "li_depleted", None, None, None)
    return CCDPrediction(
        ccd_A_m2=ccd,
        failing_current_density_A_m2=failing,
        search_limit_reached=failing is None,
        failure_mode=None if failing is None else mode,
        protocol=protocol.kind,
        calibrated_parameters=model.calibrated_parameters,
        simulation=sim,
        detector=det,
        short_detector=short,
    )


@quantity_args(step_time="s", start="A/m2", increment="A/m2", max_current="A/m2")
def nucleation_onset(model: InterfaceModel, step_time: float = 3600.0, start: float = 0.5, increment: float = 0.5,
                     max_current: float = 100.0) -> float | None:
    """Smallest current density [A/m2] at which Li nucleates inside the interlayer during one plating half cycle.

    A fresh cell is plated once at ``start, start + increment, ...`` (each for ``step_time``); the first current
    whose simulation records a ``"nucleation"`` event (classical nucleation rate with the electron factor,
    :mod:`lisse.sim.interface.transient`) is returned. Compare with the onset of the nucleation spike in Wang2024 Fig. 4e.

    Parameters
    ----------
    model : InterfaceModel
        A model with an interlayer.
    step_time : float [s] or str
        Plating time per trial.
    start, increment, max_current : float [A/m2] or str
        The current grid searched.

    Returns
    -------
    float or None
        The onset current density [A/m2]; None if no nucleation up to ``max_current``.

    Raises
    ------
    ParameterError
        The model has no interlayer, a non-positive or non-finite grid value or step time, ``max_current`` below
        ``start``, or a grid of more than 1000 points.

    References
    ----------
    Wang et al., Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    import numpy as np

    from lisse.errors import ParameterError
    from lisse.params import check_positive

    if not model.has_interlayer:
        raise ParameterError("nucleation_onset needs a model with an interlayer (build_model(interlayer=...))")
    check_positive(step_time, "step_time", "s")
    for name, val in (("start", start), ("increment", increment), ("max_current", max_current)):
        check_positive(val, name, "mA/cm2")
    if max_current < start:
        raise ParameterError(f"nucleation_onset: parameter 'max_current' must be >= 'start' ({start / 10:g} mA/cm2); "
                             f"got {max_current / 10:g} mA/cm2")
    n = int(np.floor((max_current - start) / increment * (1 + 1e-12))) + 1
    if n > _MAX_ONSET_POINTS:
        raise ParameterError(f"nucleation_onset: the current grid (start {start / 10:g}, increment {increment / 10:g}, "
                             f"max_current {max_current / 10:g} mA/cm2) has {n} points; the limit is {_MAX_ONSET_POINTS}: "
                             f"use a larger 'increment' or a smaller 'max_current'")
    for j in np.arange(start, max_current * (1 + 1e-12), increment):
        proto = cycling_protocol(current=float(j), step_time=step_time, cycles=1)
        proto = Protocol(proto.kind, proto.current_density[:1], proto.duration[:1], proto.step[:1])
        sim = simulate(model, proto)
        if any(kind == "nucleation" for _, kind, _, _ in sim.events):
            return float(j)
    return None
