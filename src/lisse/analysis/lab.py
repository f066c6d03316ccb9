"""Place a cell among the lab's own cells (the results database), as :mod:`lisse.analysis.literature` does among
published strategies.

No I/O: the caller reads the database (:meth:`lisse.io.resultsdb.ResultsDB.ccd_values`) and passes the rows.

Rules (stated, simple, reproducible):

* One value per cell: a cell measured in several files counts once, with its best value (the highest
  CCD), so a cell cycled five times does not weigh five times.
* The cell itself (by name) is left out of the distribution it is placed in.
* Rank and percentile follow :mod:`lisse.analysis.ranking`, the rule of the literature comparison too: a cell whose
  best value is only a lower bound (a CCD cell that never failed: ``ccd_is_lower_bound``) certainly beats the cell
  when its bound lies above the cell's value and is undecided otherwise; equal measured values (the same step of a
  staircase) are undecided; a cell's own value may be a lower bound (then only lower measured values are beaten).
  Lower bounds are left out of the distribution (their true values are unknown), counted (``n_lower_bounds``) and
  listed, marked ``lower_bound``.
* ``percentile``: the share of the decided other lab cells the cell beats, in percent.
* ``rank``: 1 + the number of other lab cells that certainly beat it (1 = best).
* Overpotential at a current density j (:func:`overpotential_per_file`): per file, the median
  |η_plateau| of its half cycles at j (within ``rel_tol``) that come before its first half cycle with a
  non-``ok`` status (a shorted cell's later half cycles carry no interface overpotential); per cell the
  lowest file (lower is better).
* Quartiles by linear interpolation between order statistics (``numpy.percentile``'s default rule,
  :func:`statistics.quantiles` ``method="inclusive"``).
"""

from __future__ import annotations

import fnmatch
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from lisse.analysis.ranking import place
from lisse.errors import ParameterError

__all__ = ["best_per_cell", "select_cells", "distribution", "place_in_lab", "by_group", "overpotential_per_file",
           "compare_with_lab"]


#: One lab cell's value (a type alias, not exported): a dict with ``cell``, ``value``, ``group`` (e.g. the electrolyte/material; None if
#: unknown) and ``n_files``.
LabCell = dict[str, Any]


def best_per_cell(rows: Iterable[Mapping[str, Any]], key: str = "ccd_mA_cm2", *, higher_is_better: bool = True,
                  group_key: str = "material", lower_bound_key: str = "ccd_is_lower_bound") -> list[LabCell]:
    """One :class:`LabCell` per cell name: the best finite ``key`` over its rows (files), sorted by cell name.

    Rows without a cell name count as their own cell, named by their ``path``.

    Parameters
    ----------
    rows : iterable of mapping
        Rows with ``cell`` (or ``path``), ``key`` and ``group_key``
        (:meth:`lisse.io.resultsdb.ResultsDB.ccd_values`: CCD in mA/cm²).
    key : str
        The value column (unit as its suffix).
    higher_is_better : bool
        Keep the highest value per cell (True, e.g. CCD) or the lowest (e.g. a resistance).
    group_key : str
        The column giving the cell's group (e.g. its material); the first non-null one is kept.
    lower_bound_key : str
        The column saying a row's value is only a lower bound (truthy); a measured value wins a tie.

    Returns
    -------
    list of LabCell
        ``cell``, ``value`` (unit of ``key``), ``group``, ``n_files``, ``lower_bound`` (the kept value is
        only a lower bound).
    """
    cells: dict[str, LabCell] = {}
    for r in rows:
        v = r.get(key)
        if v is None or not isinstance(v, (int, float)) or not math.isfinite(v):
            continue
        name = r.get("cell") or r.get("path")
        if name is None:
            continue
        lb = bool(r.get(lower_bound_key))
        c = cells.get(name)
        if c is None:
            cells[name] = dict(cell=name, value=float(v), group=r.get(group_key), n_files=1, lower_bound=lb)
            continue
        c["n_files"] += 1
        if ((v > c["value"]) if higher_is_better else (v < c["value"])) or (v == c["value"] and not lb):
            c["value"] = float(v)
            c["lower_bound"] = lb
        if c["group"] is None and r.get(group_key) is not None:
            c["group"] = r.get(group_key)
    return [cells[k] for k in sorted(cells)]


def select_cells(cells: Sequence[LabCell], patterns: Sequence[str] | None = None, group: str | None = None) -> list[LabCell]:
    """The cells whose name matches one of ``patterns`` and whose group equals ``group``.

    Parameters
    ----------
    cells : sequence of LabCell
        The lab's cells (:func:`best_per_cell`).
    patterns : sequence of str, optional
        Glob patterns of cell names (all cells when None or empty).
    group : str, optional
        Keep only cells of this group (case-insensitive; cells of unknown group are then left out).

    Returns
    -------
    list of LabCell
        The selected cells, in the order given.
    """
    out = list(cells)
    if patterns:
        out = [c for c in out if any(fnmatch.fnmatchcase(c["cell"], p) for p in patterns)]
    if group:
        g = group.strip().lower()
        out = [c for c in out if isinstance(c.get("group"), str) and c["group"].strip().lower() == g]
    return out


def distribution(values: Sequence[float]) -> dict:
    """Count, extremes and quartiles of ``values`` (linear interpolation, as ``numpy.percentile``).

    Parameters
    ----------
    values : sequence of float
        The values, all in one unit (e.g. CCD in mA/cm²); the results are in that unit.

    Returns
    -------
    dict
        ``n``, and when ``n > 0``: ``min``, ``p25``, ``median``, ``p75``, ``max`` (unit of ``values``).
    """
    v = sorted(float(x) for x in values)
    if not v:
        return {"n": 0}
    if len(v) == 1:
        q = [v[0]] * 3
    else:
        q = statistics.quantiles(v, n=4, method="inclusive")
    return {"n": len(v), "min": v[0], "p25": q[0], "median": q[1], "p75": q[2], "max": v[-1]}


def place_in_lab(value: float | None, cells: Sequence[LabCell], *, this_cell: str | None = None,
                 higher_is_better: bool = True, value_is_lower_bound: bool = False) -> dict:
    """Rank and percentile of ``value`` among the lab cells other than ``this_cell``.

    Parameters
    ----------
    value : float or None
        The cell's value (same unit as the cells'; e.g. CCD in mA/cm²). None: only the distribution.
    cells : sequence of LabCell
        The lab's cells (:func:`best_per_cell`, :func:`select_cells`).
    this_cell : str, optional
        The cell's own name in the lab (left out of the comparison).
    higher_is_better : bool
        True for CCD (a higher value beats a lower one).
    value_is_lower_bound : bool
        ``value`` is only a lower bound (a CCD cell that never failed).

    Returns
    -------
    dict
        ``n_lab_cells`` (the other cells compared, lower bounds included), ``n_lower_bounds`` (of them, cells whose
        value is only a lower bound: not in the distribution), ``distribution`` (:func:`distribution` of the measured
        values), and with ``value``: ``value``, ``value_is_lower_bound``, ``percentile`` (share of the decided cells
        beaten, %; None when none is decided), ``rank`` (1 = best), ``n_better``, ``n_worse`` (beaten), ``n_tied``,
        ``n_undecided`` (ties and bounds that do not settle the pair; counts).

    Raises
    ------
    ParameterError
        ``value`` not finite.
    """
    others = [c for c in cells if c["cell"] != this_cell]
    vals = [c["value"] for c in others if not c.get("lower_bound")]
    out: dict = {"n_lab_cells": len(others), "n_lower_bounds": len(others) - len(vals), "this_cell": this_cell,
                 "distribution": distribution(vals)}
    if value is None:
        return out
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ParameterError(f"lab comparison value: expected a finite number; found {value!r}")
    p = place(float(value), ((c["value"], bool(c.get("lower_bound"))) for c in others), value_is_bound=value_is_lower_bound,
              higher_is_better=higher_is_better)
    out.update(value=float(value), value_is_lower_bound=bool(value_is_lower_bound), n_better=p["n_better"],
               n_tied=p["n_tied"], n_worse=p["n_beaten"], n_undecided=p["n_undecided"], rank=p["rank"],
               percentile=p["percentile"])
    return out


def by_group(cells: Sequence[LabCell]) -> dict[str, dict]:
    """:func:`distribution` of the cells' values per group, sorted by group.

    Parameters
    ----------
    cells : sequence of LabCell
        The cells (``"unknown"`` stands for cells without a group).

    Returns
    -------
    dict of str to dict
        Group -> :func:`distribution` of its cells' values.
    """
    groups: dict[str, list[float]] = {}
    for c in cells:
        groups.setdefault(c.get("group") or "unknown", []).append(c["value"])
    return {g: distribution(groups[g]) for g in sorted(groups)}


def overpotential_per_file(rows: Iterable[Mapping[str, Any]], current_density: float, *, rel_tol: float = 0.05) -> list[dict]:
    """Each file's median plateau overpotential at ``current_density``, from its stored half cycles.

    Parameters
    ----------
    rows : iterable of mapping
        Half cycles in time order per file (:meth:`lisse.io.resultsdb.ResultsDB.half_cycle_overpotentials`):
        ``path``, ``cell``, ``material``, ``current_density_A_m2`` [A/m²], ``eta_plateau_V`` [V], ``status``.
    current_density : float
        The current density compared [A/m²] (its magnitude; plating and stripping both count).
    rel_tol : float
        Half cycles within this relative distance of ``current_density`` count (dimensionless).

    Returns
    -------
    list of dict
        One row per file with at least one such half cycle: ``path``, ``cell``, ``material``,
        ``n_half_cycles``, ``eta_plateau_mV`` [mV] (median of |η_plateau|).

    Raises
    ------
    ParameterError
        ``current_density`` not positive and finite, or ``rel_tol`` not in (0, 1).
    """
    if not (isinstance(current_density, (int, float)) and math.isfinite(current_density) and current_density > 0):
        raise ParameterError(f"overpotential current density: expected a positive number [A/m2]; found {current_density!r}")
    if not 0 < rel_tol < 1:
        raise ParameterError(f"rel_tol: expected a number between 0 and 1; found {rel_tol!r}")
    files: dict[str, dict] = {}
    failed: set[str] = set()
    for r in rows:
        path = r.get("path")
        if path is None or path in failed:
            continue
        if r.get("status") not in (None, "ok"):
            failed.add(path)  # later half cycles of this file follow a failure
            continue
        j, eta = r.get("current_density_A_m2"), r.get("eta_plateau_V")
        if j is None or eta is None or not math.isfinite(j) or not math.isfinite(eta):
            continue
        if abs(abs(j) - current_density) <= rel_tol * current_density:
            f = files.setdefault(path, {"path": path, "cell": r.get("cell"), "material": r.get("material"), "eta": []})
            f["eta"].append(abs(eta) * 1e3)
    return [{"path": f["path"], "cell": f["cell"], "material": f["material"], "n_half_cycles": len(f["eta"]),
             "eta_plateau_mV": statistics.median(f["eta"])} for f in files.values()]


def compare_with_lab(rows: Iterable[Mapping[str, Any]], value: float | None = None, *, key: str = "ccd_mA_cm2",
                     this_cell: str | None = None, patterns: Sequence[str] | None = None, group: str | None = None,
                     higher_is_better: bool = True, value_is_lower_bound: bool = False) -> dict:
    """Place a value among the lab's cells: one value per cell, the selection, the rank and the distribution.

    Parameters
    ----------
    rows : iterable of mapping
        Per-file rows with ``cell``, ``material`` and ``key`` (e.g. :meth:`lisse.io.resultsdb.ResultsDB.ccd_values`,
        CCD in mA/cm²; or :func:`overpotential_per_file`, ``eta_plateau_mV`` in mV).
    value : float, optional
        The cell's value in the unit of ``key``; None: the stored value of ``this_cell`` (if any).
    key : str
        The value column.
    this_cell : str, optional
        The cell's name in the lab (left out of the distribution).
    patterns : sequence of str, optional
        Only lab cells whose name matches one of these glob patterns.
    group : str, optional
        Only lab cells of this material (case-insensitive).
    higher_is_better : bool
        True for CCD, False for an overpotential or a resistance.
    value_is_lower_bound : bool
        A given ``value`` is only a lower bound (a stored value of ``this_cell`` carries its own flag).

    Returns
    -------
    dict
        :func:`place_in_lab`'s keys, plus ``quantity`` (``key``), ``unit`` (of ``value``, the distribution and the
        cells' values: read from ``key``'s suffix; None if not recognised), ``value_origin`` ("given", "lab cell NAME"
        or None), ``by_material`` (:func:`by_group` of the compared cells) and ``cells`` (the selected
        :class:`LabCell` rows, best first, ``this_cell`` included and marked).
    """
    all_cells = best_per_cell(rows, key, higher_is_better=higher_is_better)
    cells = select_cells(all_cells, patterns, group)
    origin = "given" if value is not None else None
    if value is None and this_cell is not None:
        mine = [c for c in all_cells if c["cell"] == this_cell]
        if mine:
            value, origin = mine[0]["value"], f"lab cell {this_cell}"
            value_is_lower_bound = bool(mine[0].get("lower_bound"))
    out = place_in_lab(value, cells, this_cell=this_cell, higher_is_better=higher_is_better,
                       value_is_lower_bound=value_is_lower_bound)
    others = [c for c in cells if c["cell"] != this_cell and not c.get("lower_bound")]
    ordered = sorted(cells, key=lambda c: -c["value"] if higher_is_better else c["value"])
    unit = next((u for suffix, u in (("_mA_cm2", "mA/cm2"), ("_mV", "mV"), ("_ohm_cm2", "ohm*cm2")) if key.endswith(suffix)), None)
    out.update(quantity=key, unit=unit, value_origin=origin, by_material=by_group(others),
               cells=[{**c, "this_cell": c["cell"] == this_cell} for c in ordered])
    return out
