"""Sweeps and stability maps of the 1D interlayer model.

* :func:`sweep_current`: l_n and l_g against current density at fixed plating time or capacity
  (warm-started Newton on one mesh: a 50-point sweep takes a few tens of ms).
* :func:`map_current_capacity`: verdict over (current density, capacity). l_n depends only on the
  current, and l_g on the capacity and the current's deposition profile, so the map needs one 1D
  solve per current.
* :func:`map_conductivities`: verdict and regime over (sigma_e, sigma_ion) at one operating point.
* :func:`critical_current`: the largest current of a ramp (low to high) that is still stable at a
  given capacity per step (fixed-capacity) or step time (fixed-time), refined by bisection between the
  last stable and the first failing current; "no failure up to the search limit" is reported as such,
  never as a critical current.

All inputs and outputs are SI (A/m2, C/m2, S/m, m). Failure codes in maps: 0 stable, 1
nucleation_at_electrolyte, 2 growth_breach, 3 dead_li (:data:`~.lengths.FAILURE_MODES` order).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lisse.errors import ConvergenceError, ParameterError
from lisse.params import check_count, with_calibrated_column
from lisse.sim.interlayer.lengths import FAILURE_MODES, nucleation_length, pore_filling, result_from_solution, verdict
from lisse.sim.interlayer.model import InterlayerParameters
from lisse.sim.interlayer.solver1d import Solution1D, _Problem, solve_1d
from lisse.units import quantity_args

__all__ = [
    "sweep_current",
    "map_current_capacity",
    "map_conductivities",
    "critical_current",
    "CriticalCurrent",
    "describe_critical_current",
    "plating_capacity",
    "current_grid",
    "default_map_capacities",
    "default_map_conductivities",
    "sweep_table",
    "current_capacity_map_table",
    "conductivity_map_table",
    "MAX_POINTS",
    "MAX_MAP_CELLS",
    "MAX_CONDUCTIVITY_MAP_CELLS",
]

REGIMES = ("ionic", "mixed", "electronic")

#: Most values along one sweep or map axis. Each current is one 1D solve (~10 ms); 10 000 points is
#: minutes of work and far beyond what a plot resolves.
MAX_POINTS = 10_000
#: Most cells of the current x capacity map (cheap: one 1D solve per current); bounds its arrays.
MAX_MAP_CELLS = 250_000
#: Most cells of the conductivity map: one 1D solve per cell (~10 ms), so 10 000 cells is minutes.
MAX_CONDUCTIVITY_MAP_CELLS = 10_000

#: 1 mAh/cm2 in C/m2 and 1 mA/cm2 in A/m2 (the display units of the tables).
_MAH_CM2 = 3.6e4
_MA_CM2 = 10.0


# ---------------------------------------------------------------------------------------------------
# operating point and grids (the CLI and the evaluate stage call these; they only parse and render)


def _show(x: float, unit: str) -> str:
    """An SI number in its display unit for messages (non-numbers shown as given)."""
    from lisse.units import format_quantity

    return format_quantity(x, unit) if isinstance(x, (int, float)) and math.isfinite(x) else repr(x)


def plating_capacity(current: float, capacity: float | None = None, time: float | None = None) -> float:
    """Areal capacity [C/m2] plated per half-cycle: ``capacity`` itself, or ``current * time``.

    Parameters
    ----------
    current : float
        Plating current density [A/m2] (> 0).
    capacity : float, optional
        Plated capacity [C/m2] (> 0).
    time : float, optional
        Plating time [s] (> 0). Give exactly one of ``capacity`` and ``time``.

    Returns
    -------
    float
        Plated areal charge [C m-2].

    Raises
    ------
    ParameterError
        A value is not positive and finite, or not exactly one of ``capacity``/``time`` is given.
    """
    if not (math.isfinite(current) and current > 0):
        raise ParameterError(f"parameter 'current_density' must be a positive current density; got {_show(current, 'mA/cm2')}")
    if (capacity is None) == (time is None):
        raise ParameterError("give exactly one of 'capacity' (e.g. '1 mAh/cm2') or 'time' (e.g. '1 h')")
    if time is not None:
        if not (math.isfinite(time) and time > 0):
            raise ParameterError(f"parameter 'time' must be a positive duration; got {_show(time, 'h')}")
        return current * time
    assert capacity is not None  # exactly one of capacity and time (checked above)
    if not (math.isfinite(capacity) and capacity > 0):
        raise ParameterError(f"parameter 'capacity' must be a positive areal capacity; got {_show(capacity, 'mAh/cm2')}")
    return float(capacity)


def current_grid(i_min: float, i_max: float, points: int) -> np.ndarray:
    """``points`` log-spaced current densities [A/m2] from ``i_min`` to ``i_max``.

    Parameters
    ----------
    i_min : float
        Lowest current density [A m-2].
    i_max : float
        Highest current density [A m-2].
    points : int
        Number of points.

    Returns
    -------
    numpy.ndarray
        Current densities [A m-2].

    Raises
    ------
    ParameterError
        Unless 0 < i_min < i_max (finite) and 2 <= points <= :data:`MAX_POINTS`.
    """
    check_count(points, "points", 2, MAX_POINTS, "one 1D solve per point")
    if not (math.isfinite(i_min) and math.isfinite(i_max) and 0 < i_min < i_max):
        raise ParameterError(f"need 0 < i_min < i_max; got {_show(i_min, 'mA/cm2')} and {_show(i_max, 'mA/cm2')}")
    return np.geomspace(i_min, i_max, int(points))


def default_map_capacities(points: int = 30) -> np.ndarray:
    """Capacities [C/m2] of the current–capacity map: 0.1 to 10 mAh/cm2, log-spaced.

    Parameters
    ----------
    points : int, default 30
        Number of capacities.

    Returns
    -------
    numpy.ndarray
        Areal capacities [C m-2].
    """
    return np.geomspace(0.1, 10.0, points) * _MAH_CM2


def default_map_conductivities() -> tuple[np.ndarray, np.ndarray]:
    """(sigma_e, sigma_ion) [S/m] of the conductivity map: 1e-8–0.1 S/cm (22 points) and 1e-6–0.01 S/cm (14 points).

    Returns
    -------
    tuple of numpy.ndarray
        ``(sigma_e, sigma_ion)`` grids [S m-1].
    """
    return np.geomspace(1e-8, 1e-1, 22) * 100.0, np.geomspace(1e-6, 1e-2, 14) * 100.0


def sweep_table(sweep: dict[str, np.ndarray], *, calibrated: Any) -> dict[str, Any]:
    """Columns (display units: mA/cm2, um, mV) of a :func:`sweep_current` result.

    Parameters
    ----------
    sweep : dict of numpy.ndarray
        A :func:`sweep_current` result (SI).
    calibrated : list of str
        The calibrated parameters of the model swept (``p.calibrated_parameters``; ``[]`` for none), written on every
        row: a table of a prediction always says what it rests on.

    Returns
    -------
    dict
        Column name (with unit suffix) -> values in display units; ``calibrated_parameters`` names the
        calibrated parameters of the model on every row (:func:`lisse.params.with_calibrated_column`).
    """
    return with_calibrated_column({
        "current_density_mA_cm2": sweep["current"] / _MA_CM2, "nucleation_length_um": sweep["nucleation_length"] * 1e6,
        "growth_length_um": sweep["growth_length"] * 1e6, "stable": sweep["stable"],
        "failure_mode": [FAILURE_MODES[c] for c in sweep["failure"]],
        "overpotential_anode_mV": sweep["eta_anode"] * 1e3, "overpotential_electrolyte_mV": sweep["eta_electrolyte"] * 1e3},
        calibrated)


def current_capacity_map_table(m: dict[str, np.ndarray], *, calibrated: Any) -> dict[str, Any]:
    """Long-format columns (mA/cm2, mAh/cm2) of a :func:`map_current_capacity` result, one row per cell.

    Parameters
    ----------
    m : dict of numpy.ndarray
        A :func:`map_current_capacity` result (SI).
    calibrated : list of str
        As in :func:`sweep_table`.

    Returns
    -------
    dict
        Column name (with unit suffix) -> values in display units, one row per map cell; ``calibrated_parameters``
        as in :func:`sweep_table`.
    """
    ii, qq = np.meshgrid(m["current"], m["capacity"])
    return with_calibrated_column({"current_density_mA_cm2": ii.ravel() / _MA_CM2, "capacity_mAh_cm2": qq.ravel() / _MAH_CM2,
                                   "stable": m["stable"].ravel(), "failure_mode": [FAILURE_MODES[c] for c in m["failure"].ravel()]},
                                  calibrated)


def conductivity_map_table(m: dict[str, np.ndarray], *, calibrated: Any) -> dict[str, Any]:
    """Long-format columns (S/cm, um) of a :func:`map_conductivities` result, one row per cell.

    Parameters
    ----------
    m : dict of numpy.ndarray
        A :func:`map_conductivities` result (SI).
    calibrated : list of str
        As in :func:`sweep_table`.

    Returns
    -------
    dict
        Column name (with unit suffix) -> values in display units, one row per map cell; ``calibrated_parameters``
        as in :func:`sweep_table`.
    """
    ee, nn = np.meshgrid(m["sigma_e"], m["sigma_ion"])
    return with_calibrated_column({"sigma_e_S_cm": ee.ravel() / 100.0, "sigma_ion_S_cm": nn.ravel() / 100.0,
                                   "regime": [REGIMES[c] for c in m["regime"].ravel()], "stable": m["stable"].ravel(),
                                   "failure_mode": [FAILURE_MODES[c] for c in m["failure"].ravel()],
                                   "nucleation_length_um": m["nucleation_length"].ravel() * 1e6},
                                  calibrated)


def _check_positive(name: str, a) -> np.ndarray:
    if np.size(a) > MAX_POINTS:
        raise ParameterError(f"parameter '{name}' has {np.size(a)} values; the limit is {MAX_POINTS} per sweep or map axis")
    a = np.atleast_1d(np.asarray(a, dtype=float))
    if a.ndim != 1 or a.size == 0 or not np.all(np.isfinite(a)) or np.any(a <= 0):
        raise ParameterError(f"parameter '{name}' must be a non-empty 1D array of positive finite values; got {a!r}")
    return a


Progress = Callable[[int, int], None]


def _sweep_eta(p: InterlayerParameters, currents: np.ndarray, progress: Progress | None = None) -> tuple[np.ndarray, list[Solution1D]]:
    """Solve at increasing currents on one mesh with warm starts; returns (order, solutions in order)."""
    order = np.argsort(currents)
    sols: list[Solution1D | None] = [None] * currents.size
    # mesh for the most demanding (largest) current
    top = solve_1d(p, float(currents[order[-1]]))
    mesh = top.x / p.thickness
    prev = None
    if progress is not None:
        progress(1, currents.size)
    for done, k in enumerate(order[:-1], start=2):
        s = solve_1d(p, float(currents[k]), mesh=mesh, initial=prev)
        prev = s.eta * p.f_rt
        sols[k] = s
        if progress is not None:
            progress(done, currents.size)
    sols[order[-1]] = top
    return order, [s for s in sols if s is not None]  # every index is in `order`: none is left None


@quantity_args(currents="A/m2[]", time="s", capacity="C/m2")
def sweep_current(p: InterlayerParameters, currents: ArrayLike, *, time: float | None = None, capacity: float | None = None,
                  progress: Progress | None = None) -> dict[str, np.ndarray]:
    """l_n, l_g and the verdict against current density.

    Parameters
    ----------
    p : InterlayerParameters
        Model parameters (SI).
    currents : array_like
        Current densities [A m-2].
    time : float, optional
        Plating time per half-cycle [s] (capacity = i t). Give this or ``capacity``.
    capacity : float, optional
        Fixed plated charge [C m-2].
    progress : callable, optional
        ``progress(done, total)`` after each current's 1D solve (for a progress bar; never prints).

    Returns
    -------
    dict of ndarray
        ``current``, ``nucleation_length``, ``growth_length``, ``stable`` (bool), ``failure`` (code),
        ``eta_anode``, ``eta_electrolyte``, ``anode_fraction``, ``interlayer_voltage`` (SI).

    Raises
    ------
    ParameterError
        Not exactly one of ``time``/``capacity``, or a non-positive current.
    ConvergenceError
        The 1D solve does not converge at some current.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    cur = _check_positive("currents", currents)
    if (time is None) == (capacity is None):
        raise ParameterError("give exactly one of 'time' (s) or 'capacity' (C/m2)")
    _, sols = _sweep_eta(p, cur, progress)
    out = {k: np.empty(cur.size) for k in ("nucleation_length", "growth_length", "eta_anode", "eta_electrolyte", "anode_fraction", "interlayer_voltage")}
    stable = np.zeros(cur.size, dtype=bool)
    code = np.zeros(cur.size, dtype=int)
    for k, s in enumerate(sols):
        q = capacity if capacity is not None else cur[k] * time
        r = result_from_solution(s, q)
        out["nucleation_length"][k] = r.nucleation_length
        out["growth_length"][k] = r.growth_length
        out["eta_anode"][k] = r.eta_anode
        out["eta_electrolyte"][k] = r.eta_electrolyte
        out["anode_fraction"][k] = r.anode_fraction
        out["interlayer_voltage"][k] = s.interlayer_voltage
        stable[k] = r.stable
        code[k] = FAILURE_MODES.index(r.failure_mode)
    return {"current": cur, **out, "stable": stable, "failure": code}


@quantity_args(currents="A/m2[]", capacities="C/m2[]")
def map_current_capacity(p: InterlayerParameters, currents: ArrayLike, capacities: ArrayLike,
                         progress: Progress | None = None) -> dict[str, np.ndarray]:
    """Stability map over (current density [A/m2], capacity [C/m2]).

    Returns ``current`` (n_i), ``capacity`` (n_q), ``nucleation_length`` (n_i), ``growth_length``,
    ``stable`` and ``failure`` (n_q x n_i; l_g from each current's deposition profile, :func:`~.lengths.pore_filling`).

    Parameters
    ----------
    p : InterlayerParameters
        Model parameters (SI).
    currents : array_like
        Current densities [A m-2].
    capacities : array_like
        Plated charges per half-cycle [C m-2].
    progress : callable, optional
        ``progress(done, total)`` after each current's 1D solve (for a progress bar; never prints).

    Returns
    -------
    dict of numpy.ndarray
        Lengths in m, ``stable`` (bool) and ``failure`` codes (index into ``FAILURE_MODES``).

    Raises
    ------
    ParameterError
        Non-positive inputs or a map larger than ``MAX_MAP_CELLS``.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    cur = _check_positive("currents", currents)
    cap = _check_positive("capacities", capacities)
    if cur.size * cap.size > MAX_MAP_CELLS:
        raise ParameterError(f"the current x capacity map would have {cur.size * cap.size} cells; the limit is {MAX_MAP_CELLS}")
    _, sols = _sweep_eta(p, cur, progress)
    ec = p.critical_overpotential
    ln = np.array([nucleation_length(s.x, s.eta, ec) for s in sols])
    lg = np.array([[pore_filling(s, float(q)).growth_length for s in sols] for q in cap])
    stable = np.zeros((cap.size, cur.size), dtype=bool)
    code = np.zeros((cap.size, cur.size), dtype=int)
    for a in range(cap.size):
        for b, n in enumerate(ln):
            ok, mode = verdict(float(n), float(lg[a, b]), p.thickness)
            stable[a, b] = ok
            code[a, b] = FAILURE_MODES.index(mode)
    return {"current": cur, "capacity": cap, "nucleation_length": ln, "growth_length": lg, "stable": stable, "failure": code}


def _conductivity_row(task: tuple[InterlayerParameters, np.ndarray, float, float, float, Callable[[int], None] | None]) -> dict[str, np.ndarray]:
    """One sigma_ion row of :func:`map_conductivities` (warm-started along sigma_e; independent of the other rows).

    The last item of ``task``, when not None, is called with each finished cell's index (serial runs only).
    """
    p, se, s_i, current, capacity, on_cell = task
    n = se.size
    ln, lg, anode = np.zeros(n), np.zeros(n), np.zeros(n)
    stable = np.zeros(n, dtype=bool)
    code, regime = np.zeros(n, dtype=int), np.zeros(n, dtype=int)
    prev = None
    mesh = None
    for b, s_e in enumerate(se):
        q = _replace(p, sigma_e=float(s_e), sigma_ion=float(s_i))
        if mesh is None:
            sol = solve_1d(q, current)
        else:
            lam = _Problem(q, current, mesh, "butler-volmer").lam
            # reuse the mesh only while it still resolves the linear reaction length
            if np.min(np.diff(mesh)) * math.sqrt(lam) < 0.1:
                sol = solve_1d(q, current, mesh=mesh, initial=prev)
            else:
                sol = solve_1d(q, current)
        mesh = sol.x / q.thickness
        prev = sol.eta * q.f_rt
        r = result_from_solution(sol, capacity)
        ln[b] = r.nucleation_length
        lg[b] = r.growth_length
        stable[b] = r.stable
        code[b] = FAILURE_MODES.index(r.failure_mode)
        regime[b] = REGIMES.index(q.regime())
        anode[b] = r.anode_fraction
        if on_cell is not None:
            on_cell(b)
    return {"nucleation_length": ln, "growth_length": lg, "stable": stable, "failure": code, "regime": regime, "anode_fraction": anode}


@quantity_args(sigma_e="S/m[]", sigma_ion="S/m[]", current="A/m2", capacity="C/m2")
def map_conductivities(p: InterlayerParameters, sigma_e: ArrayLike | None, sigma_ion: ArrayLike | None, current: float, capacity: float,
                       *, jobs: int = 1, scheduler: str | None = None, client: Any = None,
                       progress: Progress | None = None) -> dict[str, np.ndarray]:
    """Verdict and regime over (sigma_e [S/m], sigma_ion [S/m]) at one current [A/m2] and capacity [C/m2].

    The rows (one per sigma_ion) are independent warm-started chains along sigma_e, run as tasks of
    :mod:`lisse.parallel`; each row is solved the same way wherever it runs, so the map is identical to
    the serial one.

    Parameters
    ----------
    p : InterlayerParameters
        Model parameters (SI).
    sigma_e : array_like or None
        Electronic conductivities [S m-1]; None: the grid of :func:`default_map_conductivities`.
    sigma_ion : array_like or None
        Ionic conductivities [S m-1]; None: the grid of :func:`default_map_conductivities`.
    current : float
        Plating current density [A m-2].
    capacity : float
        Plated charge per half-cycle [C m-2].
    jobs : int, default 1
        Number of local processes for the rows (1 = here); see :func:`lisse.parallel.iter_tasks`.
    scheduler : str, optional
        Dask scheduler address (or ``"current"``) for the rows.
    client : distributed.Client, optional
        An existing Dask client for the rows (left open).
    progress : callable, optional
        ``progress(done, total)`` in cells: after each cell when the rows run here, after each row otherwise
        (for a progress bar; never prints).

    Returns
    -------
    dict of numpy.ndarray
        ``sigma_e`` (n_e) and ``sigma_ion`` (n_i) [S m-1]; ``nucleation_length`` and ``growth_length`` [m],
        ``stable``, ``failure`` (code), ``regime`` (0 ionic, 1 mixed, 2 electronic) and ``anode_fraction``
        (dimensionless), each n_i x n_e.

    Raises
    ------
    ParameterError
        Non-positive inputs, a map larger than ``MAX_CONDUCTIVITY_MAP_CELLS`` or bad executor arguments.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    from lisse.parallel import results

    dse, dsi = default_map_conductivities()
    se = _check_positive("sigma_e", dse if sigma_e is None else sigma_e)
    si = _check_positive("sigma_ion", dsi if sigma_ion is None else sigma_ion)
    if se.size * si.size > MAX_CONDUCTIVITY_MAP_CELLS:
        raise ParameterError(f"the conductivity map would have {se.size * si.size} cells; the limit is {MAX_CONDUCTIVITY_MAP_CELLS} "
                             "(one 1D solve per cell)")
    n_e, n_cells = se.size, se.size * si.size
    here = jobs == 1 and scheduler is None and client is None  # rows run in this process: report every cell

    def on_cell(a: int) -> Callable[[int], None] | None:
        if progress is None or not here:
            return None
        return lambda b: progress(a * n_e + b + 1, n_cells)

    row_done = None if (progress is None or here) else (lambda done, total: progress(done * n_e, n_cells))
    rows = results(_conductivity_row, [(p, se, float(s_i), current, capacity, on_cell(a)) for a, s_i in enumerate(si)],
                   jobs=jobs, scheduler=scheduler, client=client, progress=row_done)
    shape = (si.size, se.size)
    out = {k: np.stack([r[k] for r in rows]).reshape(shape) for k in ("nucleation_length", "growth_length", "stable", "failure", "regime",
                                                                     "anode_fraction")}
    return {"sigma_e": se, "sigma_ion": si, "nucleation_length": out["nucleation_length"],
            "growth_length": out["growth_length"], "stable": out["stable"],
            "failure": out["failure"], "regime": out["regime"], "anode_fraction": out["anode_fraction"]}


def _replace(p: InterlayerParameters, **kw) -> InterlayerParameters:
    from dataclasses import replace

    return replace(p, **kw)


@dataclass
class CriticalCurrent:
    """Result of :func:`critical_current` (SI).

    Parameters
    ----------
    capacity : float or None
        Plated charge per half-cycle [C m-2] (fixed-capacity steps); None for fixed-time steps.
    critical_current : float or None
        Last stable current of the ramp, refined [A m-2]. None when the lowest current already fails, and
        None when nothing failed up to the search limit (``search_limit_reached``): the limit is not a
        critical current.
    failing_current : float or None
        First failing current [A m-2]; None if nothing failed up to the search limit.
    failure_mode : str
        Failure mode at ``failing_current`` (``"none"`` if nothing failed).
    stable_at_minimum : bool
        Whether the lowest current of the ramp is stable.
    search_limit_reached : bool, default False
        True when every current up to ``search_limit`` was stable (no critical current was found).
    search_limit : float or None, default None
        The highest current searched [A m-2].
    protocol : str, default "fixed-capacity"
        ``"fixed-capacity"`` (each step plates ``capacity``) or ``"fixed-time"`` (each step lasts ``step_time``).
    step_time : float or None, default None
        Duration of each half-cycle step [s] (fixed-time steps); None for fixed-capacity steps.
    """

    capacity: float | None
    critical_current: float | None
    failing_current: float | None
    failure_mode: str
    stable_at_minimum: bool
    search_limit_reached: bool = False
    search_limit: float | None = None
    protocol: str = "fixed-capacity"
    step_time: float | None = None

    def as_dict(self) -> dict:
        """JSON-able summary with unit-suffixed keys.

        Returns
        -------
        dict
            ``capacity_mAh_cm2`` (None for fixed-time steps), ``critical_current_mA_cm2`` (None when the lowest
            current fails or nothing failed up to the limit), ``failing_current_mA_cm2``, ``failure_mode``,
            ``stable_at_minimum``, ``search_limit_reached``, ``search_limit_mA_cm2``, ``protocol``, ``step_time_h``.
        """
        return {
            "capacity_mAh_cm2": None if self.capacity is None else self.capacity / 3.6e4,
            "critical_current_mA_cm2": None if self.critical_current is None else self.critical_current / 10.0,
            "failing_current_mA_cm2": None if self.failing_current is None else self.failing_current / 10.0,
            "failure_mode": self.failure_mode,
            "stable_at_minimum": self.stable_at_minimum,
            "search_limit_reached": bool(self.search_limit_reached),
            "search_limit_mA_cm2": None if self.search_limit is None else self.search_limit / 10.0,
            "protocol": self.protocol,
            "step_time_h": None if self.step_time is None else self.step_time / 3600.0,
        }

    def describe(self) -> str:
        """One line: the critical current, or "no failure up to" the search limit, with the step protocol.

        Returns
        -------
        str
            :func:`describe_critical_current` of :meth:`as_dict`.
        """
        return describe_critical_current(self.as_dict())


def describe_critical_current(d: dict) -> str:
    """One line for a :meth:`CriticalCurrent.as_dict` result (display units).

    Parameters
    ----------
    d : dict
        ``CriticalCurrent.as_dict()`` (also as read back from JSON).

    Returns
    -------
    str
        E.g. ``"3.07 mA/cm2 (fails by dead_li at 3.09 mA/cm2; fixed-capacity steps of 1 mAh/cm2)"`` or
        ``"no failure up to 10 mA/cm2 (search limit; fixed-time steps of 1 h)"``.
    """
    def num(key: str, spec: str) -> str:  # a value the dict lacks (older JSON) is "?", never a measured-looking 0
        v = d.get(key)
        return "?" if v is None else format(v, spec)

    if d.get("protocol") == "fixed-time" and d.get("step_time_h") is not None:
        step = f"fixed-time steps of {d['step_time_h']:.4g} h"
    else:
        step = f"fixed-capacity steps of {num('capacity_mAh_cm2', '.4g')} mAh/cm2"
    if d.get("search_limit_reached"):
        return f"no failure up to {num('search_limit_mA_cm2', '.4g')} mA/cm2 (search limit, not a critical current; {step})"
    if d.get("critical_current_mA_cm2") is None:
        return f"< {num('failing_current_mA_cm2', '.4g')} mA/cm2 (fails by {d.get('failure_mode') or '?'} at the lowest current; {step})"
    return (f"{d['critical_current_mA_cm2']:.3g} mA/cm2 (fails by {d.get('failure_mode') or '?'} at {num('failing_current_mA_cm2', '.3g')} mA/cm2; "
            f"{step})")


@quantity_args(capacity="C/m2", i_min="A/m2", i_max="A/m2", time="s")
def critical_current(p: InterlayerParameters, capacity: float | None = None, i_min: float = 1.0, i_max: float = 200.0, n: int = 60,
                     rtol: float = 1e-3, progress: Progress | None = None, *, time: float | None = None) -> CriticalCurrent:
    """Predicted critical current density of a step ramp (CCD convention: ramp up, last stable step).

    Two step conventions: **fixed capacity** (each step plates ``capacity``, e.g. 0.2 mAh/cm2 [Ji]) and
    **fixed time** (each step lasts ``time``, so the plated charge grows with the current, i t, as in the
    staircases of [Wang2024]). When nothing fails up to ``i_max`` the result says so
    (``search_limit_reached``) and has no critical current: the search limit is not a CCD.

    Parameters
    ----------
    p : InterlayerParameters
        Model parameters (SI).
    capacity : float, optional
        Plated charge per half-cycle step [C m-2] (fixed-capacity steps). Give this or ``time``.
    i_min, i_max : float
        Ramp range [A m-2] (default 1-200 A m-2, i.e. 0.1-20 mA cm-2); ``i_max`` is the search limit.
    n : int, default 60
        Number of log-spaced points of the ramp.
    rtol : float, default 1e-3
        Relative tolerance of the bisection [-] (dimensionless).
    progress : callable, optional
        ``progress(done, total)`` after each 1D solve of the ramp, then of the bisection (the total grows
        by the bisection's steps once the failing step is known).
    time : float, optional
        Duration of each half-cycle step [s] (fixed-time steps; the plated charge is current x time).

    Returns
    -------
    CriticalCurrent
        The critical and first failing current densities [A m-2], the failure mode, whether the search
        limit was reached, and the protocol.

    Raises
    ------
    ParameterError
        ``0 < i_min < i_max`` violated, not exactly one of ``capacity``/``time``, or either not positive.

    References
    ----------
    Wang et al., Lithium anode interlayer design for all-solid-state lithium-metal batteries, Nat. Energy 9 (2024), doi:10.1038/s41560-023-01426-1.
    """
    if not (0 < i_min < i_max):
        raise ParameterError(f"need 0 < i_min < i_max; got {i_min!r}, {i_max!r}")
    if (capacity is None) == (time is None):
        raise ParameterError("give exactly one of 'capacity' (C/m2 per step, fixed-capacity) or 'time' (s per step, fixed-time)")
    if capacity is not None and not (math.isfinite(capacity) and capacity > 0):
        raise ParameterError(f"parameter 'capacity' must be positive (C/m2); got {capacity!r}")
    if time is not None and not (math.isfinite(time) and time > 0):
        raise ParameterError(f"parameter 'time' must be a positive step duration (s); got {time!r}")
    protocol = "fixed-capacity" if capacity is not None else "fixed-time"

    def charge(i: float) -> float:
        return float(capacity) if capacity is not None else i * float(time)  # type: ignore[arg-type]  # one of the two is set

    def result(crit: float | None, fail: float | None, mode: str, at_min: bool, limit: bool = False) -> CriticalCurrent:
        return CriticalCurrent(capacity, crit, fail, mode, at_min, search_limit_reached=limit, search_limit=float(i_max), protocol=protocol,
                               step_time=time)

    cur = np.geomspace(i_min, i_max, n)
    sw = sweep_current(p, cur, progress=progress, **({"capacity": capacity} if capacity is not None else {"time": time}))
    bad = np.nonzero(~sw["stable"])[0]
    if bad.size == 0:
        return result(None, None, "none", True, limit=True)
    k = int(bad[0])
    mode = FAILURE_MODES[int(sw["failure"][k])]
    if k == 0:
        return result(None, float(cur[0]), mode, False)
    lo, hi = float(cur[k - 1]), float(cur[k])
    steps = max(0, math.ceil(math.log2(math.log(hi / lo) / math.log1p(rtol)))) if hi / lo - 1 > rtol else 0
    done = n

    def ok(i: float) -> bool:
        try:
            s = solve_1d(p, i)
        except ConvergenceError:
            return False
        return result_from_solution(s, charge(i)).stable

    while hi / lo - 1 > rtol:
        mid = math.sqrt(lo * hi)
        if ok(mid):
            lo = mid
        else:
            hi = mid
        done += 1
        if progress is not None:
            progress(done, max(done, n + steps))
    return result(lo, hi, mode, True)
