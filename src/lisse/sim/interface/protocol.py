"""Galvanostatic protocols of a symmetric cell: fixed-time and fixed-capacity staircases, constant-current cycling.

A protocol is a list of constant-current half cycles. Sign convention (as :class:`~lisse.records.cycling.CyclingRecord`):
current positive = Li stripping from the working electrode. Each step of a staircase *plates* the working
electrode first (negative current), then strips it, ``half_cycles_per_step`` half cycles in all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lisse.errors import ParameterError
from lisse.params import check_count
from lisse.units import quantity_args

__all__ = ["Protocol", "staircase", "cycling_protocol", "MAX_HALF_CYCLES", "MAX_HALF_CYCLE_S"]

#: Largest number of half cycles a protocol may hold.
MAX_HALF_CYCLES = 20_000
#: Longest half cycle a protocol may hold [s]: 10,000 h (over a year). Beyond it a fixed-capacity step at a vanishing
#: current (``--start 1e-30``: 2e29 h) breaks the record's time axis in floating point, and no cell is cycled so.
MAX_HALF_CYCLE_S = 1e4 * 3600.0


@dataclass(frozen=True)
class Protocol:
    """A sequence of constant-current half cycles.

    Parameters
    ----------
    kind : str
        ``"fixed-time"``, ``"fixed-capacity"`` or ``"cycling"``.
    current_density : numpy.ndarray
        Signed current density of each half cycle [A/m2] (positive = stripping the working electrode).
    duration : numpy.ndarray
        Duration of each half cycle [s].
    step : numpy.ndarray
        Step index of each half cycle.

    Raises
    ------
    ParameterError
        Arrays of different lengths or none at all, a duration that is not a finite positive number of seconds, a
        current density that is not finite, or a step index that is negative or decreases.
    """

    kind: str
    current_density: np.ndarray
    duration: np.ndarray
    step: np.ndarray

    def __post_init__(self) -> None:
        j = np.asarray(self.current_density, dtype=float)
        d = np.asarray(self.duration, dtype=float)
        k = np.asarray(self.step)
        if j.ndim != 1 or j.size == 0 or d.shape != j.shape or k.shape != j.shape:
            raise ParameterError(f"Protocol: 'current_density', 'duration' and 'step' must be 1-D arrays of one equal, non-zero "
                                 f"length; got shapes {j.shape}, {d.shape}, {k.shape}")
        bad = np.flatnonzero(~(np.isfinite(d) & (d > 0)))
        if bad.size:
            raise ParameterError(f"Protocol: parameter 'duration' must hold finite positive durations (s); got "
                                 f"{d[bad[0]]!r} s at half cycle {int(bad[0])}")
        bad = np.flatnonzero(d > MAX_HALF_CYCLE_S)
        if bad.size:
            raise ParameterError(f"Protocol: parameter 'duration': expected half cycles of at most {MAX_HALF_CYCLE_S / 3600:g} h; "
                                 f"got {d[bad[0]] / 3600:.6g} h at half cycle {int(bad[0])}")
        bad = np.flatnonzero(~np.isfinite(j))
        if bad.size:
            raise ParameterError(f"Protocol: parameter 'current_density' must hold finite current densities (A/m2); got "
                                 f"{j[bad[0]]!r} A/m2 at half cycle {int(bad[0])}")
        if not np.issubdtype(k.dtype, np.integer) or k.min() < 0 or np.any(np.diff(k) < 0):
            raise ParameterError(f"Protocol: parameter 'step' must hold non-negative, non-decreasing integer step indices; "
                                 f"got {k[:5]!r}...")

    def __repr__(self) -> str:
        j = np.abs(self.current_density)
        return (f"Protocol({self.kind!r}, {len(j)} half cycles, {int(self.step.max()) + 1 if len(j) else 0} steps, "
                f"|j| {j.min() / 10:.3g}-{j.max() / 10:.3g} mA/cm2, {self.duration.sum() / 3600:.4g} h)")

    @property
    def n_half_cycles(self) -> int:
        """Number of half cycles."""
        return int(len(self.duration))

    @property
    def step_currents(self) -> np.ndarray:
        """|j| of each step [A/m2]."""
        n = int(self.step.max()) + 1
        out = np.zeros(n)
        out[self.step] = np.abs(self.current_density)
        return out


@quantity_args(start="A/m2", increment="A/m2", step_time="s", step_capacity="C/m2", max_current="A/m2")
def staircase(kind: str = "fixed-time", start: float = 1.0, increment: float = 1.0, *, step_time: float | None = None,
              step_capacity: float | None = None, max_current: float = 100.0, half_cycles_per_step: int = 2) -> Protocol:
    """A CCD staircase: steps of increasing |j|, each plating then stripping the working electrode.

    Parameters
    ----------
    kind : {"fixed-time", "fixed-capacity"}
        Fixed duration per half cycle (``step_time``) or fixed areal capacity (``step_capacity``; duration Q/j).
    start, increment : float [A/m2] or str
        First current density and increment (1 A/m2 = 0.1 mA/cm2).
    step_time : float [s] or str, optional
        Half-cycle duration for ``fixed-time`` (default 3600 s).
    step_capacity : float [C/m2] or str, optional
        Half-cycle capacity for ``fixed-capacity`` (default 7200 C/m2 = 0.2 mAh/cm2).
    max_current : float [A/m2] or str
        Search limit: the last step is the largest ``start + k increment`` <= max_current.
    half_cycles_per_step : int
        Number of half cycles per step (2 = one plate + one strip).

    Returns
    -------
    Protocol
        The staircase.

    Raises
    ------
    ParameterError
        An unknown kind, non-positive values, the wrong one of step_time/step_capacity, or too many half cycles.
    """
    check_count(half_cycles_per_step, "half_cycles_per_step", 1, 1000)
    if kind not in ("fixed-time", "fixed-capacity"):
        raise ParameterError(f"parameter 'kind' must be 'fixed-time' or 'fixed-capacity'; got {kind!r}")
    for name, val in (("start", start), ("increment", increment), ("max_current", max_current)):
        if not (np.isfinite(val) and val > 0):
            raise ParameterError(f"parameter '{name}' must be a positive current density; got {val!r} A/m2")
    if max_current < start:
        raise ParameterError(f"parameter 'max_current' ({max_current:g} A/m2) must be >= 'start' ({start:g} A/m2)")
    n_steps = int(np.floor((max_current - start) / increment * (1 + 1e-12))) + 1
    if n_steps * half_cycles_per_step > MAX_HALF_CYCLES:
        raise ParameterError(f"the staircase would hold {n_steps * half_cycles_per_step} half cycles; the limit is {MAX_HALF_CYCLES}: "
                             f"use a larger 'increment' or a smaller 'max_current'")
    js = start + increment * np.arange(n_steps)
    if kind == "fixed-time":
        if step_capacity is not None:
            raise ParameterError("a fixed-time staircase takes 'step_time', not 'step_capacity'")
        t = 3600.0 if step_time is None else float(step_time)
        if not (np.isfinite(t) and t > 0):
            raise ParameterError(f"parameter 'step_time' must be positive; got {step_time!r} s")
        dur = np.full(n_steps, t)
    else:
        if step_time is not None:
            raise ParameterError("a fixed-capacity staircase takes 'step_capacity', not 'step_time'")
        q = 7200.0 if step_capacity is None else float(step_capacity)
        if not (np.isfinite(q) and q > 0):
            raise ParameterError(f"parameter 'step_capacity' must be positive; got {step_capacity!r} C/m2")
        dur = q / js
        if dur[0] > MAX_HALF_CYCLE_S:  # named by the settings that make it (the Protocol would name only a duration)
            raise ParameterError(f"parameter 'start': expected a first step whose half cycle (step_capacity / start) lasts at most "
                                 f"{MAX_HALF_CYCLE_S / 3600:g} h; got {step_capacity if step_capacity is not None else q:g} C/m2 at "
                                 f"{start:g} A/m2, {dur[0] / 3600:.4g} h")
    sign = np.where(np.arange(half_cycles_per_step) % 2 == 0, -1.0, 1.0)  # plate the working electrode first
    j = (js[:, None] * sign[None, :]).ravel()
    return Protocol(kind, j, np.repeat(dur, half_cycles_per_step), np.repeat(np.arange(n_steps), half_cycles_per_step))


@quantity_args(current="A/m2", step_time="s")
def cycling_protocol(current: float, step_time: float, cycles: int) -> Protocol:
    """Constant-current plate/strip cycling: ``cycles`` x (plate, strip) at ``current`` for ``step_time`` each.

    Parameters
    ----------
    current : float [A/m2] or str
        Current density magnitude.
    step_time : float [s] or str
        Duration of each half cycle.
    cycles : int
        Number of full cycles.

    Returns
    -------
    Protocol
        The protocol (kind ``"cycling"``, one step).

    Raises
    ------
    ParameterError
        Non-positive values or too many half cycles.
    """
    check_count(cycles, "cycles", 1, MAX_HALF_CYCLES // 2)
    if not (np.isfinite(current) and current > 0):
        raise ParameterError(f"parameter 'current' must be a positive current density; got {current!r} A/m2")
    if not (np.isfinite(step_time) and step_time > 0):
        raise ParameterError(f"parameter 'step_time' must be positive; got {step_time!r} s")
    j = np.tile([-current, current], cycles).astype(float)
    return Protocol("cycling", j, np.full(2 * cycles, float(step_time)), np.zeros(2 * cycles, dtype=int))
