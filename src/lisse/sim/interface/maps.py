"""Maps of the predicted critical current and a design search over interlayer thickness.

Every point of a map is one :func:`lisse.sim.interface.predict_ccd` run: the transient simulator drives
the interface through the given protocol (a CCD staircase) and the same CCD/short detectors that judge
measured files report the last stable step. No physics lives here; this module only lays out the
parameter grids, runs the points (here, in local processes or on Dask through :mod:`lisse.parallel`)
and collects the answers.

* :func:`map_conductivities`: CCD over (sigma_e, sigma_ion) of the interlayer.
* :func:`map_thickness_porosity`: CCD over (interlayer thickness, porosity).
* :func:`map_pressure`: CCD against stack pressure.
* :func:`design_interlayer`: the thinnest interlayer that holds a target current and capacity.
* :func:`map_table`: a map as long-format columns in display units (for CSV and reports).

All inputs and outputs are SI (A/m2, C/m2, S/m, m, Pa). A point with no stable step has ``ccd`` NaN; a
point that never failed up to the staircase's search limit has ``failing_current_density`` NaN and
``search_limit_reached`` True (its ``ccd`` is then a lower bound, not a CCD). A point whose simulated record the
detectors cannot judge (:class:`~lisse.errors.CalculationError`), or where the interlayer solver does not converge
(:class:`~lisse.errors.ConvergenceError`), has both NaN and ``failure_mode`` ``"not judged: <reason>"``; bad input (:class:`~lisse.errors.ParameterError`) stops the whole map.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from lisse.errors import ParameterError
from lisse.params import check_count, with_calibrated_column
from lisse.units import quantity_args

__all__ = [
    "map_conductivities",
    "map_thickness_porosity",
    "map_pressure",
    "map_table",
    "resolution_audit_rows",
    "RESOLUTION_AUDIT_POINTS",
    "design_interlayer",
    "InterlayerDesign",
    "MAX_AXIS_POINTS",
    "MAX_MAP_POINTS",
    "MAX_DESIGN_EVALUATIONS",
]

Progress = Callable[[int, int], None]

#: Most values along one map axis (a figure does not resolve more).
MAX_AXIS_POINTS = 200
#: Most points of one map: each point is a whole staircase simulation (about 0.1-2 s), so 2500 points is
#: already most of an hour on one core.
MAX_MAP_POINTS = 2500
#: Map points simulated together in one lockstep batch (a chunk; see ``_points``).
_CHUNK = 50
#: Most simulations one design search may run (coarse scan + bisection).
MAX_DESIGN_EVALUATIONS = 60
#: Map points re-run at twice their time resolution, spread evenly over the judged points (the map's own time-step
#: check, :func:`_resolution_audit`; ~4 % of a 20 x 20 map's work).
RESOLUTION_AUDIT_POINTS = 8

#: build_model keyword of each map axis, with its SI unit (for messages and tables).
AXES: dict[str, tuple[str, str, float]] = {
    # axis name: (build_model keyword, display unit, SI value of one display unit)
    "sigma_e": ("interlayer_sigma_e", "S/cm", 100.0),
    "sigma_ion": ("interlayer_sigma_ion", "S/cm", 100.0),
    "thickness": ("interlayer_thickness", "um", 1e-6),
    "porosity": ("porosity", "", 1.0),
    "pressure": ("pressure", "MPa", 1e6),
}


# ---------------------------------------------------------------------------------------------------
# one point


def _point(task: tuple[dict[str, Any], Any]) -> dict[str, Any]:
    """Predict the CCD of one parameter set (a picklable task: build_model kwargs and the protocol)."""
    from lisse.errors import CalculationError, ConvergenceError
    from lisse.sim.interface import build_model, predict_ccd

    kwargs, protocol = task
    model = build_model(**kwargs)  # bad input fails the whole map at once
    try:
        pred = predict_ccd(model, protocol)
    except (CalculationError, ConvergenceError) as exc:  # the detectors could not judge this point's record, or the
        # interlayer solver did not converge at these parameters: say so, keep the others (one corner of a 400-point
        # map must not lose the other 399)
        return _not_judged(exc)
    return _outcome(pred)


def _not_judged(exc: BaseException) -> dict[str, Any]:
    return {"ccd": math.nan, "failing": math.nan, "limit": False, "mode": f"not judged: {exc}", "calibrated": {}}


def _points(task: tuple[list[dict[str, Any]], Any]) -> list[dict[str, Any]]:
    """Predict the CCDs of several parameter sets under one protocol (a picklable task), their simulations run in lockstep
    with the interlayer solves batched (``predict._predict_batch``): each point equals its single ``predict_ccd``."""
    import lisse.sim.interface as iface
    from lisse.errors import CalculationError, ConvergenceError
    from lisse.sim.interface.predict import _predict_batch, predict_ccd

    kwargs_list, protocol = task
    if iface.predict_ccd is not predict_ccd:  # a replaced predict_ccd (a test's fake simulator) runs point by point
        return [_point((kw, protocol)) for kw in kwargs_list]
    models = [iface.build_model(**kw) for kw in kwargs_list]  # bad input fails the whole map at once
    rows = []
    for res in _predict_batch(models, protocol):
        if isinstance(res, (CalculationError, ConvergenceError)):
            rows.append(_not_judged(res))
        elif isinstance(res, BaseException):
            raise res
        else:
            rows.append(_outcome(res))
    return rows


def _outcome(pred: Any) -> dict[str, Any]:
    """The numbers a map keeps from a :class:`~lisse.sim.interface.CCDPrediction`."""
    ccd = pred.ccd_A_m2
    failing = pred.failing_current_density_A_m2
    first = getattr(pred, "first_step_contact", None)
    stable = getattr(pred, "stable_steps_contact", None)
    return {"ccd": math.nan if ccd is None else float(ccd), "failing": math.nan if failing is None else float(failing),
            "limit": bool(pred.search_limit_reached), "mode": pred.failure_mode,
            "calibrated": _calibrated_on(pred), "points": int(getattr(pred, "points_per_half_cycle", None) or 20),
            "contact_first": math.nan if first is None else float(first),
            "contact_stable": math.nan if stable is None else float(stable[0])}


def _audit_point(task: tuple[dict[str, Any], Any, int]) -> dict[str, Any]:
    """One point of a map's time-step check, re-run at ``points`` per half cycle (a picklable task: build_model kwargs,
    the protocol, the points). A re-run that cannot be judged (a :class:`~lisse.errors.LisseError`) returns its message,
    never raises: the check never costs the map its result."""
    import lisse.sim.interface as iface
    from lisse.errors import LisseError

    kwargs, protocol, points = task
    try:
        fine = iface.predict_ccd(iface.build_model(**kwargs), protocol, points_per_half_cycle=points)
    except LisseError as exc:
        return {"error": str(exc)}
    return {**_outcome(fine), "points": int(getattr(fine, "points_per_half_cycle", None) or points)}


def _audit_picks(rows: list[dict[str, Any]]) -> list[int]:
    """The indices of the map points its time-step check re-runs: up to :data:`RESOLUTION_AUDIT_POINTS` judged points,
    a fixed pseudo-random draw (not evenly spaced positions: on a flattened n x n map even spacing lands on one or two
    columns; 7 x 7, 14 x 14: the first and last only)."""
    judged = [k for k, r in enumerate(rows) if not str(r["mode"] or "").startswith("not judged")]
    n = min(RESOLUTION_AUDIT_POINTS, len(judged))
    return sorted(int(k) for k in np.random.default_rng(0).choice(judged, size=n, replace=False)) if n else []


def _resolution_audit(base: Mapping[str, Any], protocol: Any, grid: list[dict[str, float]],
                      rows: list[dict[str, Any]], *, jobs: int = 1, scheduler: str | None = None, client: Any = None,
                      progress: Progress | None = None) -> dict[str, Any]:
    """The map's time-step check: up to :data:`RESOLUTION_AUDIT_POINTS` judged points, drawn over the map (a fixed
    pseudo-random draw), re-run at twice their own points per half cycle (:func:`lisse.sim.interface.predict.same_failing_step`,
    the rule of ``resolution_check``), on the map's own executor. A map runs its points at 20 points per half cycle (40 or
    80 where ``predict_ccd`` re-judges an erratic verdict); a prediction may not be converged there (Wang2024's LNI-0.5CNT
    staircase: failing 0.52 mA/cm2 at 20 points, 0.46 at 40), and the map should say so. A re-run that cannot be judged (a
    :class:`~lisse.errors.LisseError`) leaves its point undecided (``agrees`` None, with a ``note``); the map keeps its
    result. ``progress(done, total)`` counts the re-runs."""
    from lisse.parallel import results
    from lisse.sim.interface.predict import same_failing_step

    pick = _audit_picks(rows)
    tasks = [({**base, **grid[k]}, protocol, 2 * rows[k].get("points", 20)) for k in pick]
    fines = results(_audit_point, tasks, jobs=min(jobs, max(1, len(tasks))), scheduler=scheduler, client=client,
                    progress=progress)
    checked: list[dict[str, Any]] = []
    for k, (_kw, _proto, points), fine in zip(pick, tasks, fines):
        r = rows[k]
        entry: dict[str, Any] = {"index": k, **grid[k], "ccd": r["ccd"], "failing_current_density": r["failing"],
                                 "points_per_half_cycle": points}
        if "error" in fine:  # the point is undecided, and says why
            checked.append({**entry, "ccd_fine": math.nan, "failing_current_density_fine": math.nan, "agrees": None,
                            "note": f"not judged at the finer step: {fine['error']}"})
            continue
        agrees, _apart = same_failing_step(protocol, (r["failing"], r["mode"] == "li_depleted"),
                                           (fine["failing"], fine["mode"] == "li_depleted"))
        checked.append({**entry, "points_per_half_cycle": fine["points"], "ccd_fine": fine["ccd"],
                        "failing_current_density_fine": fine["failing"], "agrees": bool(agrees)})
    return {"points": len(checked), "agree": sum(c["agrees"] is True for c in checked), "rows": checked}


def _run_and_audit(base: Mapping[str, Any], protocol: Any, grid: list[dict[str, float]], *, jobs: int,
                   scheduler: str | None, client: Any, progress: Progress | None) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A map's points (:func:`_run`) and then its time-step check (:func:`_resolution_audit`), both on the chosen
    executor, with one progress count over both (the map's points, then up to :data:`RESOLUTION_AUDIT_POINTS` re-runs,
    each about twice a point's work): the bar does not sit at 100 % while the check runs."""
    n = len(grid)
    total = n + min(RESOLUTION_AUDIT_POINTS, n)

    def of_total(offset: int) -> Progress | None:
        if progress is None:
            return None
        return lambda done, _part: progress(min(offset + done, total), total)

    rows = _run(base, protocol, grid, jobs=jobs, scheduler=scheduler, client=client, progress=of_total(0))
    audit = _resolution_audit(base, protocol, grid, rows, jobs=jobs, scheduler=scheduler, client=client,
                              progress=of_total(n))
    if progress is not None:
        progress(total, total)  # fewer judged points than the check's share: the bar still ends at 100 %
    return rows, audit


def _axis(name: str, values: ArrayLike, *, upper: float | None = None) -> np.ndarray:
    a = np.atleast_1d(np.asarray(values, dtype=float))
    unit, scale = AXES[name][1], AXES[name][2]
    if a.ndim != 1 or a.size == 0:
        raise ParameterError(f"map axis '{name}' must be a non-empty 1D list of values; got shape {a.shape}")
    if a.size > MAX_AXIS_POINTS:
        raise ParameterError(f"map axis '{name}' has {a.size} values; the limit is {MAX_AXIS_POINTS} per axis")
    bad = ~np.isfinite(a) | (a <= 0) | (a >= upper if upper is not None else False)
    if np.any(bad):
        v = float(a[np.argmax(bad)])
        allowed = f"between 0 and {upper:g}" if upper is not None else "positive"
        raise ParameterError(f"map axis '{name}' must hold {allowed} values; found {v / scale:g} {unit}".rstrip())
    return a


def _run(base: Mapping[str, Any], protocol: Any, grid: list[dict[str, float]], *, jobs: int, scheduler: str | None,
         client: Any, progress: Progress | None) -> list[dict[str, Any]]:
    from lisse.parallel import results

    if len(grid) > MAX_MAP_POINTS:
        raise ParameterError(f"the map would have {len(grid)} points; the limit is {MAX_MAP_POINTS} "
                             "(one staircase simulation per point)")
    base = dict(base)
    kws = [{**base, **point} for point in grid]
    # points go in chunks, each simulated in lockstep with its interlayer solves batched (one core does a chunk at about
    # the cost of its Python logic, not of len(chunk) separate solver calls); several chunks per process with --jobs
    size = max(1, min(_CHUNK, math.ceil(len(kws) / max(1, 2 * jobs)) if jobs > 1 or scheduler or client else _CHUNK))
    n = len(kws)
    n_chunks = math.ceil(n / size)
    # every n_chunks-th point to a chunk, not runs of neighbours: the cost of a point follows its place on the map (a
    # thick, dense layer runs the whole staircase, a thin porous one fails in a few steps), so chunks of neighbours
    # differ in cost by 2x and one process waits for the other at the end (20 x 20 thickness x porosity cut in 4 parts
    # of 100: 15.6, 28.4, 27.6, 32.7 s of one core as runs of neighbours, 26.8-28.0 s interleaved; the map runs 8
    # chunks of 50). Each point's result is its own (predict._predict_batch equals predict_ccd point by point),
    # whatever chunk it runs in
    chunks = [(kws[c::n_chunks], protocol) for c in range(n_chunks)]

    def chunk_progress(done: int, total: int) -> None:
        if progress is not None:
            # a chunk holds at least n // n_chunks points (their sizes differ by at most one): never ahead of the work
            progress(n if done >= total else done * (n // n_chunks), n)

    rows = results(_points, chunks, jobs=jobs, scheduler=scheduler, client=client,
                   progress=chunk_progress if progress is not None else None)
    out: list[dict[str, Any]] = [{}] * n
    for c, chunk in enumerate(rows):
        out[c::n_chunks] = chunk
    return out


def ccd_lower_bounds(m: Any) -> np.ndarray:
    """Per map point: whether its CCD is only a lower bound (search limit reached, or the Li foil run out first).

    Parameters
    ----------
    m : mapping
        A map result (:func:`map_conductivities`, :func:`map_thickness_porosity`, :func:`map_pressure`); one stored
        before ``ccd_is_lower_bound`` existed is judged from ``search_limit_reached`` and ``failure_mode`` (when given).

    Returns
    -------
    ndarray of bool
        The map's shape (dimensionless flags).
    """
    if "ccd_is_lower_bound" in m:
        return np.asarray(m["ccd_is_lower_bound"], dtype=bool)
    ccd = np.asarray(m["ccd"], dtype=float)
    foil = np.asarray(m["failure_mode"], dtype=object) == "li_depleted" if "failure_mode" in m else np.zeros(ccd.shape, dtype=bool)
    return (np.asarray(m["search_limit_reached"], dtype=bool) | foil) & np.isfinite(ccd)


def _collect(rows: list[dict[str, Any]], shape: tuple[int, ...], protocol: Any) -> dict[str, Any]:
    calibrated_on = {c: obs for r in rows for c, obs in r["calibrated"].items()}  # name -> the observation it was fitted to
    calibrated = sorted(calibrated_on)
    mode = np.empty(len(rows), dtype=object)
    mode[:] = [r["mode"] for r in rows]
    return {
        "ccd": np.array([r["ccd"] for r in rows]).reshape(shape),
        "failing_current_density": np.array([r["failing"] for r in rows]).reshape(shape),
        "search_limit_reached": np.array([r["limit"] for r in rows], dtype=bool).reshape(shape),
        "failure_mode": mode.reshape(shape),
        # a CCD that is only a lower bound: the staircase reached its search limit, or the Li foil ran out first (the cell's
        # limit, not the interface's: CCDPrediction.ccd_is_lower_bound; audit s49: the map dropped the foil's case)
        "ccd_is_lower_bound": np.array([(r["limit"] or r["mode"] == "li_depleted") and math.isfinite(r["ccd"]) for r in rows],
                                       dtype=bool).reshape(shape),
        # the caveats of a single prediction (CCDPrediction._contact_caveat): the Li contact lost in the first step, or
        # fallen low in steps the voltage judged stable (NaN: not judged, or no contact in the state)
        "contact_fraction_min_first_step": np.array([r.get("contact_first", math.nan) for r in rows]).reshape(shape),
        "contact_fraction_min_stable_steps": np.array([r.get("contact_stable", math.nan) for r in rows]).reshape(shape),
        "protocol": _protocol_name(protocol),
        "calibrated_parameters": calibrated,
        "calibrated_on": {c: calibrated_on[c] for c in calibrated},
    }


def _protocol_name(protocol: Any) -> str:
    return str(getattr(protocol, "kind", None) or getattr(protocol, "name", None) or type(protocol).__name__)


def _default_protocol(protocol: Any) -> Any:
    if protocol is not None:
        return protocol
    from lisse.sim.interface import staircase

    # 0.2 mAh/cm2 per half cycle as in Ji2025's CCD protocol, but 0.5 mA/cm2 steps (Ji: 0.1) up to 10 mA/cm2: every map
    # point is a whole staircase, and 20 steps cost about a fifth of 100
    return staircase("fixed-capacity", start=5.0, increment=5.0, step_capacity=0.2 * 3.6e4, max_current=100.0)


def _grid_2d(base: Mapping[str, Any], protocol: Any, x_name: str, xs: np.ndarray, y_name: str, ys: np.ndarray,
             **run_kw: Any) -> dict[str, Any]:
    kx, ky = AXES[x_name][0], AXES[y_name][0]
    grid = [{kx: float(x), ky: float(y)} for y in ys for x in xs]  # rows along y, columns along x
    rows, audit = _run_and_audit(base, protocol, grid, **run_kw)
    out = _collect(rows, (ys.size, xs.size), protocol)
    return {"x_name": x_name, "y_name": y_name, "x": xs, "y": ys, **out, "resolution_audit": audit}


# ---------------------------------------------------------------------------------------------------
# maps


@quantity_args(sigma_e="S/m[]", sigma_ion="S/m[]")
def map_conductivities(model: Mapping[str, Any], sigma_e: ArrayLike, sigma_ion: ArrayLike, protocol: Any = None, *,
                       jobs: int = 1, scheduler: str | None = None, client: Any = None,
                       progress: Progress | None = None) -> dict[str, Any]:
    """Predicted CCD over the interlayer's electronic and ionic conductivities.

    Parameters
    ----------
    model : mapping
        Keyword arguments of :func:`lisse.sim.interface.build_model` for everything but the two
        conductivities (``interlayer``, ``interlayer_thickness`` [m], ``porosity``, ``electrolyte``,
        ``pressure`` [Pa], ...). The interlayer must not be None.
    sigma_e : array_like
        Electronic conductivities of the interlayer [S m-1] (the x axis).
    sigma_ion : array_like
        Ionic conductivities of the interlayer [S m-1] (the y axis).
    protocol : lisse.sim.interface.Protocol, optional
        The CCD staircase; default fixed capacity 0.2 mAh/cm2 per half cycle (as Ji2025), 0.5 mA/cm2 steps from
        0.5 to 10 mA/cm2 (coarser than Ji2025's 0.1: every point is a whole staircase).
    jobs : int, default 1
        Number of local processes for the points (1 = here); see :func:`lisse.parallel.results`.
    scheduler : str, optional
        Dask scheduler address (or ``"current"``).
    client : distributed.Client, optional
        An existing Dask client (left open).
    progress : callable, optional
        ``progress(done, total)`` in points (for a progress bar; never prints).

    Returns
    -------
    dict
        ``x_name`` ("sigma_e"), ``y_name`` ("sigma_ion"), ``x``, ``y`` [S m-1]; ``ccd`` and
        ``failing_current_density`` [A m-2] (NaN: none), ``search_limit_reached`` (bool) and ``failure_mode``
        (str or None), each n_y x n_x; ``protocol``; ``calibrated_parameters`` (names, over all points) and ``calibrated_on``
        (name -> the observation it was fitted to); ``resolution_audit``: ``points`` (up to
        :data:`RESOLUTION_AUDIT_POINTS` judged points, spread over the map, re-run at twice their points per half cycle),
        ``agree`` (how many read the same failing step there) and ``rows`` (each point's axis values, both readings
        [A m-2] and ``agrees``: None where the re-run could not be judged).

    Raises
    ------
    ParameterError
        A non-positive conductivity, no interlayer, more than :data:`MAX_AXIS_POINTS` values on an axis or
        more than :data:`MAX_MAP_POINTS` points, or bad executor arguments.
    """
    if model.get("interlayer") in (None, "none"):
        raise ParameterError("map_conductivities: 'interlayer' must be an interlayer material; got none (a bare interface "
                             "has no interlayer conductivities to map)")
    return _grid_2d(model, _default_protocol(protocol), "sigma_e", _axis("sigma_e", sigma_e), "sigma_ion",
                    _axis("sigma_ion", sigma_ion), jobs=jobs, scheduler=scheduler, client=client, progress=progress)


@quantity_args(thickness="m[]")
def map_thickness_porosity(model: Mapping[str, Any], thickness: ArrayLike, porosity: ArrayLike, protocol: Any = None, *,
                           jobs: int = 1, scheduler: str | None = None, client: Any = None,
                           progress: Progress | None = None) -> dict[str, Any]:
    """Predicted CCD over the interlayer's thickness and porosity.

    Parameters
    ----------
    model : mapping
        Keyword arguments of :func:`lisse.sim.interface.build_model` except ``interlayer_thickness`` and
        ``porosity``; the interlayer must not be None.
    thickness : array_like
        Interlayer thicknesses [m] (the x axis).
    porosity : array_like
        Interlayer porosities, a pore volume fraction in (0, 1) [-] (the y axis).
    protocol : lisse.sim.interface.Protocol, optional
        The CCD staircase (default as in :func:`map_conductivities`).
    jobs : int, default 1
        Number of local processes for the points (1 = here).
    scheduler : str, optional
        Dask scheduler address (or ``"current"``).
    client : distributed.Client, optional
        An existing Dask client (left open).
    progress : callable, optional
        ``progress(done, total)`` in points.

    Returns
    -------
    dict
        As :func:`map_conductivities`, with ``x_name`` "thickness" [m] and ``y_name`` "porosity".

    Raises
    ------
    ParameterError
        A non-positive thickness, a porosity outside (0, 1), no interlayer, or a map over the size limits.
    """
    if model.get("interlayer") in (None, "none"):
        raise ParameterError("map_thickness_porosity: 'interlayer' must be an interlayer material; got none")
    return _grid_2d(model, _default_protocol(protocol), "thickness", _axis("thickness", thickness), "porosity",
                    _axis("porosity", porosity, upper=1.0), jobs=jobs, scheduler=scheduler, client=client, progress=progress)


@quantity_args(pressure="Pa[]")
def map_pressure(model: Mapping[str, Any], pressure: ArrayLike, protocol: Any = None, *, jobs: int = 1,
                 scheduler: str | None = None, client: Any = None, progress: Progress | None = None) -> dict[str, Any]:
    """Predicted CCD against stack pressure (with or without an interlayer).

    Parameters
    ----------
    model : mapping
        Keyword arguments of :func:`lisse.sim.interface.build_model` except ``pressure``.
    pressure : array_like
        Stack pressures [Pa] (the x axis).
    protocol : lisse.sim.interface.Protocol, optional
        The CCD staircase (default as in :func:`map_conductivities`).
    jobs : int, default 1
        Number of local processes for the points (1 = here).
    scheduler : str, optional
        Dask scheduler address (or ``"current"``).
    client : distributed.Client, optional
        An existing Dask client (left open).
    progress : callable, optional
        ``progress(done, total)`` in points.

    Returns
    -------
    dict
        ``x_name`` ("pressure"), ``x`` [Pa]; ``ccd``, ``failing_current_density`` [A m-2],
        ``search_limit_reached``, ``failure_mode`` (each of length n); ``protocol``; ``calibrated_parameters``;
        ``calibrated_on``; ``resolution_audit`` (as :func:`map_conductivities`).

    Raises
    ------
    ParameterError
        A non-positive pressure or more than :data:`MAX_AXIS_POINTS` pressures.
    """
    xs = _axis("pressure", pressure)
    proto = _default_protocol(protocol)
    grid = [{"pressure": float(p)} for p in xs]
    rows, audit = _run_and_audit(model, proto, grid, jobs=jobs, scheduler=scheduler, client=client, progress=progress)
    return {"x_name": "pressure", "x": xs, **_collect(rows, (xs.size,), proto), "resolution_audit": audit}


def _column(name: str) -> str:
    """Display column name of a map axis: the axis name with its unit as a suffix (``sigma_e_S_cm``, ``porosity``)."""
    unit = AXES[name][1].replace("/", "_")
    return f"{name}_{unit}" if unit else name


def resolution_audit_rows(m: Mapping[str, Any]) -> list[dict[str, Any]]:
    """A map's time-step check (``resolution_audit``) in display units, one dict per re-run point.

    Parameters
    ----------
    m : mapping
        A result of :func:`map_conductivities`, :func:`map_thickness_porosity` or :func:`map_pressure`.

    Returns
    -------
    list of dict
        The point's axis values (names as :func:`map_table`), ``ccd_mA_cm2`` and ``failing_current_density_mA_cm2`` of the
        map, the same at twice the points (``..._at_twice_the_points_mA_cm2``; None: no stable / no failing step),
        ``points_per_half_cycle`` of the re-run, ``agrees`` (None where the re-run could not be judged; then ``note``
        says why) and ``index`` (the point's row in :func:`map_table`).
    """
    def mA(v: float) -> float | None:
        return None if v is None or not np.isfinite(v) else round(float(v) / 10.0, 10)

    out = []
    for r in (m.get("resolution_audit") or {}).get("rows", []):
        row: dict[str, Any] = {}
        for name, (kw, _unit, scale) in AXES.items():
            if kw in r:
                row[_column(name)] = r[kw] / scale
        row.update({"index": r["index"], "ccd_mA_cm2": mA(r["ccd"]), "failing_current_density_mA_cm2": mA(r["failing_current_density"]),
                    "ccd_at_twice_the_points_mA_cm2": mA(r["ccd_fine"]),
                    "failing_current_density_at_twice_the_points_mA_cm2": mA(r["failing_current_density_fine"]),
                    "points_per_half_cycle": r["points_per_half_cycle"], "agrees": r["agrees"]})
        if "note" in r:
            row["note"] = r["note"]
        out.append(row)
    return out


def map_table(m: Mapping[str, Any]) -> dict[str, list]:
    """A map as long-format columns in display units (one row per point), for CSV files and reports.

    Parameters
    ----------
    m : mapping
        A result of :func:`map_conductivities`, :func:`map_thickness_porosity` or :func:`map_pressure`.

    Returns
    -------
    dict
        Column name (unit suffix: ``sigma_e_S_cm``, ``thickness_um``, ``pressure_MPa``, ``ccd_mA_cm2``,
        ``failing_current_density_mA_cm2``, ``search_limit_reached``, ``ccd_is_lower_bound`` (the search limit reached
        or the Li foil run out first: the CCD is at least the value), ``failure_mode``, ``contact_fraction_min_first_step``, ``contact_fraction_min_stable_steps``, ``calibrated_parameters``: the
        calibrated parameters behind every point, ``;``-separated) -> list of values; NaN stays NaN (no stable / no failing
        step, no contact reading). Axis values have 13 significant digits (5e-6 m / 1e-6 is 5.000000000000001).
    """
    def axis(values: Any, name: str) -> list[float]:
        return [float(f"{v:.13g}") for v in np.ravel(values) / AXES[name][2]]

    cols: dict[str, list] = {}
    if "y_name" in m:
        xx, yy = np.meshgrid(np.asarray(m["x"]), np.asarray(m["y"]))
        cols[_column(m["x_name"])] = axis(xx, m["x_name"])
        cols[_column(m["y_name"])] = axis(yy, m["y_name"])
    else:
        cols[_column(m["x_name"])] = axis(m["x"], m["x_name"])
    cols["ccd_mA_cm2"] = list(np.asarray(m["ccd"], dtype=float).ravel() / 10.0)
    cols["failing_current_density_mA_cm2"] = list(np.asarray(m["failing_current_density"], dtype=float).ravel() / 10.0)
    cols["search_limit_reached"] = [bool(v) for v in np.asarray(m["search_limit_reached"]).ravel()]
    cols["ccd_is_lower_bound"] = [bool(v) for v in np.asarray(ccd_lower_bounds(m)).ravel()]
    cols["failure_mode"] = list(np.asarray(m["failure_mode"], dtype=object).ravel())
    n = len(cols["ccd_mA_cm2"])
    for key in ("contact_fraction_min_first_step", "contact_fraction_min_stable_steps"):
        cols[key] = list(np.asarray(m.get(key, np.full(n, np.nan)), dtype=float).ravel())
    return with_calibrated_column(cols, m["calibrated_parameters"])


# ---------------------------------------------------------------------------------------------------
# design search


@dataclass(frozen=True)
class InterlayerDesign:
    """Result of :func:`design_interlayer`: the thinnest interlayer found to hold the target, or None.

    Parameters
    ----------
    material : str
        Interlayer material (library name).
    thickness : float or None
        Thinnest thickness found to hold [m]; None when none up to ``thickness_max`` holds.
    holds : bool
        Whether an interlayer within the bounds holds the target.
    target_current : float
        Target current density [A m-2].
    target_capacity : float
        Target areal capacity per half cycle [C m-2].
    cycles : int
        Number of plate/strip cycles each candidate must survive.
    thickness_min, thickness_max : float
        Search bounds [m].
    resolution : float
        Relative width of the final bracket [-] (the answer is within this fraction of the true boundary); NaN when
        nothing was bracketed (none holds, or the thinnest candidate holds: the answer is then only an upper bound).
    evaluated : list of dict
        Every candidate: ``thickness`` [m], ``holds`` and ``failure_mode``, in evaluation order.
    calibrated_parameters : list of str
        Names of calibrated model parameters used (union over the candidates).
    note : str
        How the answer was reached (or why there is none).
    calibrated_on : dict of str to str
        Name -> the observation each calibrated parameter was fitted to.
    time_step_check : dict, optional
        The answer's bracket re-run at twice the points per half cycle: ``points_per_half_cycle``, ``thickness`` [m],
        ``holds`` and ``failure_mode`` there, ``thickness_below`` [m] (the bracket's failing side; None when there is none) and
        ``fails_below`` there, ``agrees`` (the answer still holds there; a failing side that holds too only says the
        thinnest may be thinner: the answer errs safe). None when nothing was found to check; ``{"error": ...}`` when
        the re-run raised a :class:`~lisse.errors.LisseError`.
    warnings : list of str
        Caveats on the answer: its simulated Li contact fell below
        :data:`~lisse.sim.interface.predict.STABLE_CONTACT_WARNING` while the voltage held.
    """

    material: str
    thickness: float | None
    holds: bool
    target_current: float
    target_capacity: float
    cycles: int
    thickness_min: float
    thickness_max: float
    resolution: float
    evaluated: list[dict[str, Any]] = field(default_factory=list)
    calibrated_parameters: list[str] = field(default_factory=list)
    note: str = ""
    calibrated_on: dict[str, str] = field(default_factory=dict)
    time_step_check: dict[str, Any] | None = None
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict with display units in the key suffixes.

        Returns
        -------
        dict
            ``material``, ``thickness_um`` (None when none holds), ``holds``, ``target_current_density_mA_cm2``,
            ``target_capacity_mAh_cm2``, ``cycles``, ``thickness_min_um``, ``thickness_max_um``,
            ``resolution`` and ``resolution_relative`` (the same: the bracket's relative width hi/lo - 1, dimensionless;
            None when nothing was bracketed), ``thickness_is_upper_bound`` (the thinnest candidate held),
            ``evaluated`` (``thickness_um``, ``holds``, ``failure_mode``, ``contact_fraction_min``: the smallest Li contact
            fraction of either electrode over the run, None where not simulated to the end), ``calibrated_parameters``,
            ``calibrated_on``, ``note``, ``warnings``,
            ``time_step_check`` (``points_per_half_cycle``, ``thickness_um``, ``holds``, ``failure_mode`` (None where it
            holds; ``"not judged: ..."`` where the re-run could not be judged), ``thickness_below_um``, ``fails_below``,
            ``agrees``; None: nothing to check; ``{"error": ...}``: the re-run raised). Lengths have 13 significant digits (200e-6 m * 1e6 is
            199.99999999999997 in floating point).
        """
        def um(x: float) -> float:
            return float(f"{x * 1e6:.13g}")

        return {
            "material": self.material,
            "thickness_um": None if self.thickness is None else um(self.thickness),
            "holds": self.holds,
            "target_current_density_mA_cm2": self.target_current / 10.0,
            "target_capacity_mAh_cm2": self.target_capacity / 3.6e4,
            "cycles": self.cycles,
            "thickness_min_um": um(self.thickness_min),
            "thickness_max_um": um(self.thickness_max),
            "resolution": self.resolution if math.isfinite(self.resolution) else None,
            "resolution_relative": self.resolution if math.isfinite(self.resolution) else None,
            # the thinnest candidate held: the boundary lies at or below it (nothing thinner was searched)
            "thickness_is_upper_bound": self.thickness is not None and math.isnan(self.resolution),
            "evaluated": [{"thickness_um": um(e["thickness"]), "holds": e["holds"], "failure_mode": e["failure_mode"],
                           "contact_fraction_min": e.get("contact_fraction_min")} for e in self.evaluated],
            "calibrated_parameters": list(self.calibrated_parameters),
            "calibrated_on": dict(self.calibrated_on),
            "note": self.note,
            "time_step_check": None if self.time_step_check is None else dict(self.time_step_check) if "error" in self.time_step_check else {
                "points_per_half_cycle": self.time_step_check["points_per_half_cycle"],
                "thickness_um": um(self.time_step_check["thickness"]), "holds": self.time_step_check["holds"],
                "failure_mode": self.time_step_check.get("failure_mode"),
                "thickness_below_um": (None if self.time_step_check["thickness_below"] is None
                                       else um(self.time_step_check["thickness_below"])),
                "fails_below": self.time_step_check["fails_below"], "agrees": self.time_step_check["agrees"]},
            "warnings": list(self.warnings),
        }


def _holds(kwargs: dict[str, Any], protocol: Any, points: int = 20) -> tuple[bool, str | None, dict[str, str], float | None]:
    """(holds, failure mode, calibrated name -> observation, smallest Li contact fraction of either electrode [-] or None)."""
    from lisse.errors import CalculationError, ConvergenceError
    from lisse.sim.interface import build_model, predict_ccd

    model = build_model(**kwargs)
    try:
        pred = predict_ccd(model, protocol, points_per_half_cycle=points)
    except (CalculationError, ConvergenceError) as exc:  # a record the detectors cannot judge (or a simulation that
        # did not converge) does not show that the candidate holds
        return False, f"not judged: {exc}", {}, None
    contact = pred.contact_fraction_min
    if pred.failing_current_density_A_m2 is not None or pred.failure_mode is not None:
        return False, pred.failure_mode, _calibrated_on(pred), contact
    # the CCD detector judges steps against earlier steps: constant-current cycling is one step, and a short in the
    # first half cycles leaves no healthy reference, so a simulated short or cut-off must count on its own
    if pred.simulation.failure_mode is not None:
        return False, f"simulated {pred.simulation.failure_mode}", _calibrated_on(pred), contact
    return True, None, _calibrated_on(pred), contact


def _calibrated_on(pred: Any) -> dict[str, str]:
    """Name -> the observation each calibrated parameter of a prediction's model was fitted to."""
    return {k: pred.simulation.model.calibrated[k] for k in pred.calibrated_parameters}


@quantity_args(target_current="A/m2", target_capacity="C/m2", thickness_min="m", thickness_max="m", pressure="Pa",
               temperature="K")
def design_interlayer(material: str, target_current: float, target_capacity: float, *, electrolyte: str | None = None,
                      porosity: float | None = None, pressure: float | None = None, temperature: float | None = None,
                      thickness_min: float = 1e-6, thickness_max: float = 200e-6, cycles: int = 5, points: int = 8,
                      rtol: float = 0.05, overrides: Mapping[str, Any] | None = None,
                      progress: Progress | None = None) -> InterlayerDesign:
    """The thinnest interlayer of ``material`` that holds a target current and capacity.

    A candidate thickness *holds* when ``cycles`` constant-current plate/strip cycles at ``target_current``
    with ``target_capacity`` per half cycle (:func:`lisse.sim.interface.cycling_protocol`) end without a
    failure detected by the CCD/short detectors (:func:`lisse.sim.interface.predict_ccd`). The search scans
    ``points`` log-spaced thicknesses from ``thickness_min`` to ``thickness_max``, takes the first that holds,
    and bisects (in log thickness) between it and the failing one below until the bracket is narrower than
    ``rtol``. It assumes that holding is monotonic in thickness between scan points; a thinner window that
    holds between two failing scan points would be missed (every evaluated thickness is returned).

    Parameters
    ----------
    material : str
        Interlayer material (a :mod:`lisse.materials` name, e.g. ``"LNI-5CNT"``).
    target_current : float
        Current density to hold [A m-2].
    target_capacity : float
        Areal capacity per half cycle to hold [C m-2] (0.2 mAh/cm2 = 7200 C/m2).
    electrolyte : str, optional
        Solid electrolyte (library name); None: :func:`~lisse.sim.interface.build_model`'s default.
    porosity : float, optional
        Interlayer porosity, a pore volume fraction [-]; None: from the library.
    pressure : float, optional
        Stack pressure [Pa]; None: the model's default.
    temperature : float, optional
        Temperature [K]; None: the model's default.
    thickness_min : float, default 1e-6
        Thinnest candidate [m].
    thickness_max : float, default 200e-6
        Thickest candidate [m] (the search bound; no answer when even this fails).
    cycles : int, default 5
        Number of plate/strip cycles each candidate must survive (1-100).
    points : int, default 8
        Number of thicknesses in the coarse scan (2-30).
    rtol : float, default 0.05
        Relative width of the final bracket [-] (0.001-0.5).
    overrides : mapping, optional
        More :func:`~lisse.sim.interface.build_model` keyword arguments (model parameter overrides).
    progress : callable, optional
        ``progress(done, total)`` in simulations (total is an upper bound).

    Returns
    -------
    InterlayerDesign
        The thinnest holding thickness (or None with ``holds`` False), every evaluated candidate and the
        calibrated parameters involved.

    Raises
    ------
    ParameterError
        Non-positive targets, ``thickness_min >= thickness_max``, counts/tolerances out of range, or a target capacity
        whose half cycle strips more Li than the foil holds (:func:`~lisse.sim.interface.transient.check_foil`).
    """
    from lisse.sim.interface import cycling_protocol

    for name, v in (("target_current", target_current), ("target_capacity", target_capacity),
                    ("thickness_min", thickness_min), ("thickness_max", thickness_max)):
        if not (math.isfinite(v) and v > 0):
            shown = {"target_current": f"{v / 10:g} mA/cm2", "target_capacity": f"{v / 3.6e4:g} mAh/cm2"}.get(name, f"{v * 1e6:g} um")
            raise ParameterError(f"design_interlayer: '{name}' must be positive and finite; got {shown}")
    if not thickness_min < thickness_max:
        raise ParameterError(f"design_interlayer: expected thickness_min < thickness_max; got {thickness_min * 1e6:g} um and "
                             f"{thickness_max * 1e6:g} um")
    cycles = check_count(cycles, "cycles", 1, 100, "one simulation of all cycles per candidate")
    points = check_count(points, "points", 2, 30, "one simulation per candidate")
    if not (math.isfinite(rtol) and 1e-3 <= rtol <= 0.5):
        raise ParameterError(f"design_interlayer: 'rtol' must be between 0.001 and 0.5; got {rtol!r}")
    base: dict[str, Any] = {"interlayer": material, **dict(overrides or {})}
    given: dict[str, Any] = {"electrolyte": electrolyte, "porosity": porosity, "pressure": pressure, "temperature": temperature}
    base.update({k: v for k, v in given.items() if v is not None})
    protocol = cycling_protocol(current=target_current, step_time=target_capacity / target_current, cycles=cycles)
    from lisse.sim.interface import build_model
    from lisse.sim.interface.transient import check_foil

    check_foil(build_model(**{**base, "interlayer_thickness": thickness_min}), protocol,
               what=f"design_interlayer: 'target_capacity' {target_capacity / 3.6e4:g} mAh/cm2")
    n_bisect = max(1, math.ceil(math.log2(math.log(thickness_max / thickness_min) / (points - 1) / math.log1p(rtol))))
    total = min(points + n_bisect, MAX_DESIGN_EVALUATIONS)
    evaluated: list[dict[str, Any]] = []
    calibrated: dict[str, str] = {}  # name -> observation, over the candidates

    def check(th: float) -> bool:
        ok, mode, cal, contact = _holds({**base, "interlayer_thickness": th}, protocol)
        evaluated.append({"thickness": th, "holds": ok, "failure_mode": mode, "contact_fraction_min": contact})
        calibrated.update(cal)
        if progress is not None:
            progress(len(evaluated), total)
        return ok

    def result(th: float | None, note: str, width: float, below: float | None = None) -> InterlayerDesign:
        # the answer's bracket re-run at twice the points per half cycle (the search runs at 20): a thickness whose
        # verdict moves with the time step is not an answer yet
        from lisse.errors import LisseError

        checked: dict[str, Any] | None = None
        if th is not None:
            try:
                holds2, mode2, _cal, _contact = _holds({**base, "interlayer_thickness": th}, protocol, 40)
                fails2 = None if below is None else not _holds({**base, "interlayer_thickness": below}, protocol, 40)[0]
                # agrees: the answer still holds (a recommended thickness that fails at the finer step is unsafe); the
                # bracket's failing side holding there only says the thinnest may be thinner (the answer errs safe)
                checked = {"points_per_half_cycle": 40, "thickness": th, "holds": holds2, "failure_mode": mode2,
                           "thickness_below": below, "fails_below": fails2, "agrees": holds2}
            except LisseError as exc:  # the check never costs the design its answer
                checked = {"error": str(exc)}
        from lisse.sim.interface.predict import STABLE_CONTACT_WARNING

        warnings = []
        answer = next((e for e in evaluated if e["thickness"] == th), None) if th is not None else None
        if (th is not None and answer is not None and answer["contact_fraction_min"] is not None
                and answer["contact_fraction_min"] < STABLE_CONTACT_WARNING):
            # held by the voltage, which the detectors read (as they read a cycler's), while the simulated contact went
            warnings.append(f"{th * 1e6:.4g} um holds by the voltage, but its simulated Li contact fell to "
                            f"{answer['contact_fraction_min']:.2g} (below {STABLE_CONTACT_WARNING:g}): with these kinetics the "
                            "voltage barely shows a lost contact, so the answer is the voltage's verdict, not the contact's "
                            "(contact_fraction_min of each candidate in evaluated)")
        return InterlayerDesign(str(material), th, th is not None, float(target_current), float(target_capacity), cycles,
                                float(thickness_min), float(thickness_max), width, evaluated, sorted(calibrated), note,
                                {k: calibrated[k] for k in sorted(calibrated)}, checked, warnings)

    scan = np.geomspace(thickness_min, thickness_max, points)
    first = next((k for k, th in enumerate(scan) if check(float(th))), None)
    if first is None:
        return result(None, f"no thickness up to the bound {thickness_max * 1e6:g} um holds {target_current / 10:g} mA/cm2 "
                            f"at {target_capacity / 3.6e4:g} mAh/cm2 for {cycles} cycles", math.nan)
    if first == 0:  # no failing side: the thickness is an upper bound and the bracket has no width (NaN, never 0.0)
        return result(float(scan[0]), f"the thinnest candidate ({thickness_min * 1e6:g} um) already holds; thinner was not "
                                      "searched", math.nan)
    lo, hi = float(scan[first - 1]), float(scan[first])  # lo fails, hi holds
    while hi / lo - 1.0 > rtol and len(evaluated) < MAX_DESIGN_EVALUATIONS:
        mid = math.sqrt(lo * hi)
        if check(mid):
            hi = mid
        else:
            lo = mid
    return result(hi, f"bisection between {lo * 1e6:.4g} um (fails) and {hi * 1e6:.4g} um (holds)", hi / lo - 1.0, lo)

