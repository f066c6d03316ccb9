"""Full-cell (and half-cell) cycling: capacity, coulombic efficiency, energy, retention, rate table, dQ/dV.

Capacities are integrals of the current: per row the trapezoid increment
:math:`\\Delta q_k = \\tfrac12 (I_k + I_{k+1})(t_{k+1}-t_k)` is booked to the charge capacity when the
current is positive (charge: anodic at the positive/working electrode, lisse's sign convention) and to
the discharge capacity when negative; energies likewise with :math:`V I\\,\\Delta t`. Per cycle:

* coulombic efficiency: by default (``ce_convention="auto"``, cellpy's cycle-mode idea) the capacity of the
  second half cycle over that of the first, the half that stores charge, with the direction taken from the
  first half of the record's first complete cycle: :math:`Q_\\mathrm{dis}/Q_\\mathrm{ch}` for cells charged
  first (cathodes, full cells), :math:`Q_\\mathrm{ch}/Q_\\mathrm{dis}` for cells discharged first (anodes vs Li,
  lithiated first); ``"discharge/charge"`` / ``"charge/discharge"`` state it;
* mean voltage :math:`\\bar V = E/Q` per direction;
* retention :math:`Q_{\\mathrm{dis},k}/Q_{\\mathrm{dis},\\mathrm{ref}}`, only between cycles run under comparable
  conditions (:data:`RETENTION_RULE`: the same discharge current and the same end-of-discharge voltage, so a
  time-limited or differently-cut discharge is not compared with a voltage-limited one);
* per mass (mAh/g, needs ``active_mass_kg``) and per area (mAh/cm², needs ``area_m2``).

The rate table groups consecutive cycles with the same discharge current (relative tolerance) and gives
the C-rate against a nominal capacity (default: the first cycle's discharge capacity).
dQ/dV is computed on a uniform voltage grid from the monotone envelope of V(Q), then smoothed with a
Savitzky–Golay filter (Savitzky & Golay 1964, doi:10.1021/ac60214a047).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.analysis.symmetric import _as_record
from lisse.errors import CalculationError, ParameterError
from lisse.records.cycling import (
    MIXED_STEP_FRACTION,
    CyclingRecord,
    charge_increments,
    counts_cycles_from_current,
    mixed_step_rows,
    unmeasured_charge_intervals,
)
from lisse.units import quantity_args

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COMPLETE_CYCLE_RULE", "CE_CONVENTIONS", "RETENTION_RULE", "cycle_table", "rate_table", "dqdv", "dqdv_table", "derive_cycles", "summary",
           "summarize_cycles", "voltage_capacity_curves"]


@quantity_args(current="A[]")
def derive_cycles(current: np.ndarray, first: str = "auto", rest_fraction: float = 0.02) -> np.ndarray:
    """Derive a cycle index from the current: a new cycle starts at each switch into the first direction.

    Parameters
    ----------
    current : ndarray
        Current in A (any unit: only its sign and relative size are used), charge positive.
    first : {"auto", "charge", "discharge"}, default "auto"
        Direction that starts a cycle; ``"auto"``: the direction of the first non-rest row.
    rest_fraction : float, default 0.02
        |I| below this fraction of max |I| is rest (dimensionless).

    Returns
    -------
    ndarray of int64
        0-based cycle index per row (all 0 when no current flows).
    """
    i = np.nan_to_num(np.asarray(current, float))
    imax = np.max(np.abs(i)) if i.size else 0.0
    s = np.where(np.abs(i) > rest_fraction * imax, np.sign(i), 0).astype(int)
    nz = np.flatnonzero(s)
    if nz.size == 0:
        return np.zeros(i.size, dtype=np.int64)
    d0 = {"charge": 1, "discharge": -1}.get(first, s[nz[0]])
    idx = np.zeros(i.size, dtype=np.int64)
    idx[nz] = nz
    idx = np.maximum.accumulate(idx)
    idx[: nz[0]] = nz[0]
    f = s[idx]
    start = np.concatenate([[False], (f[1:] == d0) & (f[:-1] != d0)])
    return np.cumsum(start).astype(np.int64)


#: A half cycle carrying less than this fraction of the record's largest half-cycle capacity is no half cycle
#: (an offset current during a rest, the noise of a voltage sweep).
MIN_HALF_CYCLE_FRACTION = 1e-3
#: The first half cycle of the record is cut by the record's start when it holds less than this fraction
#: of the other half of its cycle.
START_CUT_FRACTION = 0.5
#: A last half cycle that stops this close (fraction of the record's voltage window) to the voltage its
#: direction reaches anywhere in the record has reached its cut-off.
CUTOFF_TOLERANCE = 0.01

COMPLETE_CYCLE_RULE = (
    "a cycle is complete when it has a charge and a discharge half cycle (each at least "
    f"{MIN_HALF_CYCLE_FRACTION:.1%} of the largest half-cycle capacity in the record), the record does not start inside "
    f"its first half cycle (that half holds at least {START_CUT_FRACTION:.0%} of the other) and does not end inside its "
    f"last (current still flowing at the last row and the voltage short of the cut-off the record reaches in that "
    f"direction, within {CUTOFF_TOLERANCE:.0%} of the voltage window) and has no drive or pulse step (current in both "
    f"directions within one instrument step, the lesser above {MIXED_STEP_FRACTION:.0%} of its charge) and no interval "
    "whose charge was not measured (the current missing and no coulomb counter moving); coulombic "
    "efficiency, retention and the summary use complete cycles only"
)

#: Two complete cycles are comparable for the retention when their median discharge currents differ by at most
#: this fraction of the larger ...
RETENTION_CURRENT_TOLERANCE = 0.10
#: ... and their discharges end at voltages this close (fraction of the record's voltage window).
RETENTION_CUTOFF_TOLERANCE = 0.02
RETENTION_RULE = (
    "retention is the discharge capacity over that of the reference cycle (default: the first complete cycle), given "
    "only for complete cycles run under the reference's conditions: median discharge current within "
    f"{RETENTION_CURRENT_TOLERANCE:.0%} and the discharge ending at the same voltage within {RETENTION_CUTOFF_TOLERANCE:.0%} "
    "of the record's voltage window (a time-limited or differently cut discharge is not compared)"
)
#: ``ce_convention`` values; ``"auto"`` resolves per record to one of the other two.
CE_CONVENTIONS = ("auto", "discharge/charge", "charge/discharge")


def _record_cycles(rec: CyclingRecord, cycles: str) -> np.ndarray:
    """0-based cycle index per row: the record's ``cycle`` column or cycles derived from the current.

    ``"auto"`` derives cycles only when the record has one cycle and no drive or pulse step: inside such a
    step the current's direction changes every few seconds and says nothing about cycles.
    """
    if cycles == "record" or (cycles == "auto" and not counts_cycles_from_current(rec)):
        cyc = rec["cycle"].astype(np.int64)
        return cyc - min(int(cyc.min()), 0)
    if cycles in ("derive", "auto"):
        return derive_cycles(rec.current_A)
    raise ParameterError(f"cycles must be 'auto', 'record' or 'derive'; got {cycles!r}")


def _increments(rec: CyclingRecord, cyc: np.ndarray):
    """Per interval between rows k and k+1: cycle, mean current (A), mean voltage (V), charge (C) and energy (J).

    The charge and the row (so the cycle) each interval is booked to come from
    :func:`lisse.records.cycling.charge_increments`: the instrument's coulomb counter where the record's ``charge_C``
    is one (exact where the trapezoid is not: Arbin logs a step's first row ~120 s into the step, its counter already at
    2.9 uAh of a 0.475 mAh discharge), booked to the row that ends the interval when current flows there.
    """
    v, i = rec.voltage_V, rec.current_A
    im = 0.5 * (i[1:] + i[:-1])
    vm = 0.5 * (v[1:] + v[:-1])
    dq, row, _note = charge_increments(rec)
    return cyc[row], im, vm, dq, np.nan_to_num(vm * dq), row


def _completeness(rec: CyclingRecord, c: np.ndarray, im: np.ndarray, qch: np.ndarray, qdis: np.ndarray, present: np.ndarray) -> list[str]:
    """Reason each cycle is incomplete ("" when complete); the rule is :data:`COMPLETE_CYCLE_RULE`."""
    n = qch.size
    reasons = [""] * n
    qmax = float(max(qch.max(initial=0.0), qdis.max(initial=0.0)))
    floor = MIN_HALF_CYCLE_FRACTION * qmax
    for k in np.flatnonzero(present):
        miss = [d for d, q in (("charge", qch[k]), ("discharge", qdis[k])) if not q > floor]
        if miss:
            reasons[k] = " and ".join(f"no {d} half cycle" for d in miss) + (
                "" if qmax == 0 or len(miss) == 2 else f" (below {MIN_HALF_CYCLE_FRACTION:.1%} of the largest, {qmax:.4g} mAh)")
    imax = float(np.nanmax(np.abs(im))) if im.size else 0.0
    act = np.abs(im) > 0.02 * imax
    idx = np.flatnonzero(act)
    if idx.size == 0:
        return reasons
    first, last = int(c[idx[0]]), int(c[idx[-1]])
    if not reasons[first]:
        d0 = np.sign(im[idx[0]])
        q0, q1 = (qch[first], qdis[first]) if d0 > 0 else (qdis[first], qch[first])
        if q0 < START_CUT_FRACTION * q1:
            name, other = ("charge", "discharge") if d0 > 0 else ("discharge", "charge")
            reasons[first] = (f"the record starts inside its first ({name}) half cycle: {q0:.4g} mAh, less than "
                              f"{START_CUT_FRACTION:.0%} of the {other} ({q1:.4g} mAh)")
    if not reasons[last] and act[-1]:
        v = rec.voltage_V
        d1 = np.sign(im[idx[-1]])
        same = np.concatenate([act & (np.sign(im) == d1), [False]]) | np.concatenate([[False], act & (np.sign(im) == d1)])
        vs = v[same & np.isfinite(v)]
        fin = v[np.isfinite(v)]
        window = float(fin.max() - fin.min()) if fin.size else 0.0
        end_v = float(v[-1])
        cut = float(vs.max() if d1 > 0 else vs.min()) if vs.size else end_v
        if abs(cut - end_v) > CUTOFF_TOLERANCE * window:
            name = "charge" if d1 > 0 else "discharge"
            reasons[last] = (f"the record ends inside its last ({name}) half cycle: current still flows at the last row, "
                             f"at {end_v:.4g} V, short of the {cut:.4g} V cut-off reached in that direction")
    return reasons


def cycle_table(
    record: CyclingRecord,
    *,
    cycles: str = "auto",
    ce_convention: str = "auto",
    reference_cycle: int | None = None,
) -> pd.DataFrame:
    """Per-cycle capacities, energies, coulombic efficiency, mean voltages and retention.

    Cycles are numbered **from 1** (cellpy's habit; the record's ``cycle`` column is 0-based). Every
    cycle with current is a row; a cycle that is not complete (:data:`COMPLETE_CYCLE_RULE`: a charge and
    a discharge half cycle, not cut by the start or end of the record) keeps its capacities and energies
    but gets no coulombic efficiency or retention, ``complete = False`` and the reason in
    ``excluded_reason``.

    Parameters
    ----------
    record : CyclingRecord
        A full-cell record (time in s, voltage in V, current in A; ``area_m2`` and ``active_mass_kg`` optional).
    cycles : {"auto", "record", "derive"}
        Use the record's ``cycle`` column (``"record"``), derive cycles from the current direction
        (``"derive"``), or use the record's column when it has more than one cycle (``"auto"``).
    ce_convention : {"auto", "discharge/charge", "charge/discharge"}
        Coulombic efficiency as discharge over charge capacity (cells charged first: cathodes, full cells),
        charge over discharge (cells discharged first: anodes vs Li), or ``"auto"`` (default): the second half
        cycle over the first, the direction taken from the first half of the record's first complete cycle
        (cellpy's cycle-mode idea). The convention used is in ``DataFrame.attrs["ce_convention"]``.
    reference_cycle : int, optional
        Cycle (from 1) for the retention (default: the first complete cycle). Retention is given only for
        cycles comparable with it (:data:`RETENTION_RULE`); the others get NaN and the reason in
        ``retention_note``.

    Returns
    -------
    pandas.DataFrame
        ``cycle`` (from 1), ``charge_capacity_mAh``, ``discharge_capacity_mAh``, ``coulombic_efficiency_pct``,
        ``charge_energy_mWh``, ``discharge_energy_mWh`` (the integral of V dq over the half cycle, signed: where the
        voltage crosses 0 V, as in an aqueous or three-electrode cell, its parts cancel, whereas EC-Lab's
        ``|Energy|`` integrates ``|V I|``; the same for a cell that stays above 0 V), ``mean_charge_voltage_V``,
        ``mean_discharge_voltage_V``, ``discharge_current_mA`` (median), ``discharge_end_voltage_V`` (voltage at the end of the discharge),
        ``retention_pct``, ``retention_note``, ``complete``, ``excluded_reason``, and with metadata ``*_mAh_g`` / ``*_mAh_cm2`` columns.

    Raises
    ------
    ParameterError
        For an unknown ``cycles`` or ``ce_convention``, or a ``reference_cycle`` that is absent or incomplete.
    CalculationError
        If the record has no cycles with current.
    """
    import pandas as pd

    rec = _as_record(record)
    if ce_convention not in CE_CONVENTIONS:
        raise ParameterError(f"ce_convention must be 'auto', 'discharge/charge' or 'charge/discharge'; got {ce_convention!r}")
    cyc = _record_cycles(rec, cycles)
    c, im, _vm, dq, de, _row = _increments(rec, cyc)
    charge_note = charge_increments(rec)[2]
    n = int(cyc.max()) + 1
    pos = dq > 0
    qch = np.bincount(c, weights=np.where(pos, dq, 0.0), minlength=n) / 3.6  # C -> mAh
    qdis = np.bincount(c, weights=np.where(~pos, -dq, 0.0), minlength=n) / 3.6
    ech = np.bincount(c, weights=np.where(pos, de, 0.0), minlength=n) / 3.6
    edis = np.bincount(c, weights=np.where(~pos, -de, 0.0), minlength=n) / 3.6
    present = np.bincount(c, minlength=n) > 0
    reasons = np.array(_completeness(rec, c, im, qch, qdis, present), dtype=object)
    mixed = np.bincount(cyc, weights=mixed_step_rows(rec), minlength=n) > 0
    for k in np.flatnonzero(mixed & present):
        reasons[k] = ("the current changes direction within its step(s) (a drive or pulse profile: the lesser "
                      f"direction carries more than {MIXED_STEP_FRACTION:.0%} of a step's charge), not a charge/discharge cycle")
    lost = unmeasured_charge_intervals(rec)
    if lost.any():
        dt = np.diff(rec.time_s)
        lost_s = np.bincount(c[lost], weights=dt[lost], minlength=n)
        lost_rows = np.bincount(c[lost], minlength=n)
        for k in np.flatnonzero((lost_rows > 0) & present):
            miss = f"the current is missing (NaN) over {int(lost_rows[k])} interval(s), {lost_s[k]:.4g} s, with no coulomb counter: its charge is not measured"
            reasons[k] = f"{reasons[k]}; {miss}" if reasons[k] else miss
    complete = reasons == ""
    i_row = np.nan_to_num(rec.current_A)
    imax = float(np.max(np.abs(i_row))) if i_row.size else 0.0
    act = np.abs(i_row) > 0.02 * imax  # rows where current flows
    conv = ce_convention
    if conv == "auto":
        # direction of the first current-carrying row of the first complete cycle (charge first without one)
        ks = np.flatnonzero(act & complete[cyc]) if complete.any() else np.zeros(0, dtype=np.int64)
        conv = "charge/discharge" if ks.size and i_row[ks[0]] < 0 else "discharge/charge"
    with np.errstate(invalid="ignore", divide="ignore"):
        ce = qdis / qch * 100.0 if conv == "discharge/charge" else qch / qdis * 100.0
        vch = ech / qch
        vdis = edis / qdis
    idis = np.full(n, np.nan)
    neg = np.flatnonzero(im < 0)
    if neg.size:
        med = pd.Series(-im[neg] * 1e3).groupby(c[neg]).median()
        idis[med.index.to_numpy()] = med.to_numpy()
    vend = np.full(n, np.nan)  # voltage at each cycle's last discharging row
    dis = np.flatnonzero(act & (i_row < 0))
    if dis.size:
        last = pd.Series(dis).groupby(cyc[dis]).max()
        vend[last.index.to_numpy()] = rec.voltage_V[last.to_numpy()]
    df = pd.DataFrame({
        "cycle": np.arange(n) + 1, "charge_capacity_mAh": qch, "discharge_capacity_mAh": qdis,
        "coulombic_efficiency_pct": np.where(complete & (qch > 0) & (qdis > 0), ce, np.nan),
        "charge_energy_mWh": ech, "discharge_energy_mWh": edis,
        "mean_charge_voltage_V": np.where(qch > 0, vch, np.nan), "mean_discharge_voltage_V": np.where(qdis > 0, vdis, np.nan),
        "discharge_current_mA": idis, "discharge_end_voltage_V": vend, "complete": complete, "excluded_reason": reasons,
    })[present].reset_index(drop=True)
    if len(df) == 0:
        raise CalculationError("full-cell analysis: no cycles with current found")
    if reference_cycle is None:  # the first complete cycle
        full = df[df["complete"]]
        sel = full.iloc[:1]
        ref = float(full["discharge_capacity_mAh"].iloc[0]) if len(full) else np.nan
    else:
        sel = df[df["cycle"] == reference_cycle]
        if len(sel) == 0:
            raise ParameterError(f"reference_cycle {reference_cycle} is not in the record (cycles {df['cycle'].min()}..{df['cycle'].max()}, from 1)")
        if not bool(sel["complete"].iloc[0]):
            raise ParameterError(f"reference_cycle {reference_cycle} is not complete: {sel['excluded_reason'].iloc[0]}")
        ref = float(sel["discharge_capacity_mAh"].iloc[0])
    with np.errstate(invalid="ignore", divide="ignore"):
        ret = df["discharge_capacity_mAh"].to_numpy() / ref * 100.0 if ref and np.isfinite(ref) else np.full(len(df), np.nan)
    fin = rec.voltage_V[np.isfinite(rec.voltage_V)]
    window = float(fin.max() - fin.min()) if fin.size else 0.0
    notes = np.full(len(df), "", dtype=object)
    if len(sel):
        r = sel.iloc[0]
        i0, v0, c0 = float(r["discharge_current_mA"]), float(r["discharge_end_voltage_V"]), int(r["cycle"])
        for j, row in enumerate(df.itertuples()):
            if not row.complete:
                continue
            i1, v1 = float(row.discharge_current_mA), float(row.discharge_end_voltage_V)
            why = []
            if not abs(i1 - i0) <= RETENTION_CURRENT_TOLERANCE * max(abs(i0), abs(i1)):
                why.append(f"discharge current {i1:.4g} mA vs {i0:.4g} mA")
            if not abs(v1 - v0) <= RETENTION_CUTOFF_TOLERANCE * window:
                why.append(f"discharge ends at {v1:.4g} V vs {v0:.4g} V")
            if why:
                notes[j] = f"not comparable with reference cycle {c0}: " + " and ".join(why)
    df["retention_pct"] = np.where(df["complete"].to_numpy() & (notes == ""), ret, np.nan)
    df["retention_note"] = notes
    df.attrs["ce_convention"] = conv
    df.attrs["charge_note"] = charge_note
    df.attrs["ce_convention_requested"] = ce_convention
    if rec.active_mass_kg:
        g = rec.active_mass_kg * 1e3
        df["charge_capacity_mAh_g"] = df["charge_capacity_mAh"] / g
        df["discharge_capacity_mAh_g"] = df["discharge_capacity_mAh"] / g
    if rec.area_m2:
        cm2 = rec.area_m2 * 1e4
        df["charge_capacity_mAh_cm2"] = df["charge_capacity_mAh"] / cm2
        df["discharge_capacity_mAh_cm2"] = df["discharge_capacity_mAh"] / cm2
    return df


def rate_table(cycles_df: pd.DataFrame, *, nominal_capacity_mAh: float | None = None, tolerance: float = 0.1) -> pd.DataFrame:
    """Group consecutive complete cycles with the same discharge current into rate steps.

    Parameters
    ----------
    cycles_df : pandas.DataFrame
        Output of :func:`cycle_table`.
    nominal_capacity_mAh : float, optional
        Capacity defining 1C (default: the discharge capacity of the retention reference cycle).
    tolerance : float, default 0.1
        Relative current change (a fraction) that starts a new rate step.

    Returns
    -------
    pandas.DataFrame
        ``rate_step``, ``first_cycle``, ``last_cycle``, ``n_cycles``, ``discharge_current_mA``, ``c_rate``,
        ``mean_discharge_capacity_mAh``, ``mean_retention_pct``.

    Raises
    ------
    CalculationError
        If there is no complete cycle with a discharge half cycle.
    """
    import pandas as pd

    d = cycles_df.dropna(subset=["discharge_current_mA"])
    if "complete" in d:
        d = d[d["complete"].astype(bool)]
    d = d[d["discharge_capacity_mAh"] > 0]
    if len(d) == 0:
        raise CalculationError("rate table: no complete cycle with a discharge half cycle")
    cur = d["discharge_current_mA"].to_numpy()
    new = np.concatenate([[True], np.abs(np.diff(cur)) > tolerance * np.maximum(cur[1:], cur[:-1])])
    step = np.cumsum(new) - 1
    ret = d["retention_pct"].to_numpy()
    ok = np.isfinite(ret) & (ret > 0)
    q_nom = nominal_capacity_mAh or (float(d["discharge_capacity_mAh"].to_numpy()[ok][0] / ret[ok][0] * 100.0) if ok.any()
                                     else float(d["discharge_capacity_mAh"].iloc[0]))
    rows = []
    for s in range(int(step.max()) + 1):
        g = d[step == s]
        ic = float(g["discharge_current_mA"].median())
        rows.append({"rate_step": s, "first_cycle": int(g["cycle"].iloc[0]), "last_cycle": int(g["cycle"].iloc[-1]),
                     "n_cycles": len(g), "discharge_current_mA": ic, "c_rate": ic / q_nom,
                     "mean_discharge_capacity_mAh": float(g["discharge_capacity_mAh"].mean()),
                     "mean_retention_pct": float(g["retention_pct"].mean())})
    return pd.DataFrame(rows)


def voltage_capacity_curves(record: CyclingRecord, *, cycles: str = "auto") -> pd.DataFrame:
    """Voltage–capacity curves per cycle and direction (the table cellpy users expect).

    The rows are those where current flows (|I| above 2 % of its maximum), grouped by cycle and the
    sign of the current; the capacity at a row is the sum of the charge increments :func:`cycle_table` books to that
    cycle and direction (:func:`lisse.records.cycling.charge_increments`) up to and including that row, so a curve ends
    at the cycle table's capacity. Rest rows are left out.

    Parameters
    ----------
    record : CyclingRecord
        A full-cell record (time in s, voltage in V, current in A; ``area_m2`` and ``active_mass_kg`` optional).
    cycles : {"auto", "record", "derive"}
        As in :func:`cycle_table`.

    Returns
    -------
    pandas.DataFrame
        One row per sample: ``cycle`` (from 1), ``direction`` (``"charge"``: I > 0, ``"discharge"``: I < 0),
        ``time_s``, ``voltage_V``, ``capacity_mAh``, ``complete`` (as in :func:`cycle_table`), and
        ``capacity_mAh_g`` (with ``active_mass_kg``) / ``capacity_mAh_cm2`` (with ``area_m2``).
    """
    import pandas as pd

    rec = _as_record(record)
    cyc = _record_cycles(rec, cycles)
    c, _im, _vm, dq, _de, booked = _increments(rec, cyc)
    i = rec.current_A
    ct = cycle_table(rec, cycles=cycles)
    complete_of = np.zeros(int(cyc.max()) + 2 if cyc.size else 1, dtype=bool)  # by cycle number from 1
    complete_of[ct["cycle"].to_numpy()] = ct["complete"].to_numpy(dtype=bool)
    imax = float(np.nanmax(np.abs(i))) if i.size else 0.0
    rows = np.flatnonzero(np.abs(i) > 0.02 * imax) if imax > 0 else np.zeros(0, dtype=np.int64)
    ks = np.flatnonzero(dq != 0)
    # capacity at a row = the increments booked to its (cycle, direction) on that row or before it
    g_row = cyc[rows].astype(np.int64) * 2 + (i[rows] < 0)
    g_int = c[ks].astype(np.int64) * 2 + (dq[ks] < 0)
    pos = np.concatenate([booked[ks] - 0.5, rows.astype(float)])
    grp = np.concatenate([g_int, g_row])
    val = np.concatenate([np.abs(dq[ks]) / 3.6, np.zeros(rows.size)])
    is_row = np.concatenate([np.zeros(ks.size, dtype=bool), np.ones(rows.size, dtype=bool)])
    order = np.lexsort((pos, grp))
    cum = pd.Series(val[order]).groupby(grp[order]).cumsum().to_numpy()
    keep = is_row[order]
    r_sorted = pos[order][keep].astype(np.int64)
    g_sorted = grp[order][keep]
    cyc1 = g_sorted // 2 + 1
    out = pd.DataFrame({"cycle": cyc1, "direction": np.where(g_sorted % 2 == 0, "charge", "discharge"),
                        "time_s": rec.time_s[r_sorted], "voltage_V": rec.voltage_V[r_sorted], "capacity_mAh": cum[keep],
                        "complete": complete_of[cyc1] if cyc1.size else np.zeros(0, dtype=bool)})
    if rec.active_mass_kg:
        out["capacity_mAh_g"] = out["capacity_mAh"] / (rec.active_mass_kg * 1e3)
    if rec.area_m2:
        out["capacity_mAh_cm2"] = out["capacity_mAh"] / (rec.area_m2 * 1e4)
    return out


def _sg_kernel(window: int, polyorder: int) -> np.ndarray | None:
    """Savitzky–Golay smoothing coefficients (deriv 0; they sum to 1), or None for no smoothing."""
    if not window or window <= 2:
        return None
    from scipy.signal import savgol_coeffs

    return savgol_coeffs(window | 1, polyorder)


def _dqdv_one(v: np.ndarray, q: np.ndarray, charge: bool, dv: float, kernel: np.ndarray | None):
    """Bin centres (V) and dQ/dV (mAh/V) of one half cycle: capacity per voltage bin of the monotone envelope."""
    x = v if charge else -v
    ok = np.isfinite(x) & np.isfinite(q)
    x, q = x[ok], q[ok]
    if x.size < 2:
        return np.zeros(0), np.zeros(0)
    env = np.maximum.accumulate(x)  # voltage rises on charge (falls on discharge: x = -V)
    uniq, last = np.unique(env[::-1], return_index=True)  # the last sample at each envelope value (CV capacity included)
    q_last = q[::-1][last]
    lo = np.floor(uniq[0] / dv) * dv
    nb = max(int(np.ceil((uniq[-1] - lo) / dv - 1e-9)), 1)
    edges = lo + dv * np.arange(nb + 1)
    qe = np.interp(edges, uniq, q_last, left=0.0)
    qe[-1] = q_last[-1]
    dqb = np.diff(qe)
    pad = kernel.size // 2 if kernel is not None else 0
    if pad and kernel is not None:
        # Savitzky–Golay on the zero-padded bins (scipy's savgol_filter with mode="constant"): the sum is kept
        dqb = np.convolve(np.concatenate([np.zeros(pad), dqb, np.zeros(pad)]), kernel[::-1], mode="same")
        centres = lo + dv * (np.arange(dqb.size) - pad + 0.5)
    else:
        centres = lo + dv * (np.arange(nb) + 0.5)
    return (centres if charge else -centres), dqb / dv


def dqdv_table(record: CyclingRecord, *, dv: float = 0.005, window: int = 9, polyorder: int = 2, cycles: str = "auto") -> pd.DataFrame:
    """Differential capacity dQ/dV per cycle and direction on a uniform voltage grid.

    Method: the voltage of a half cycle is made monotone (running maximum on charge, minimum on
    discharge, so relaxation wiggles do not fold the curve back), the capacity at the edges of a
    uniform grid of step ``dv`` is interpolated on it (the last sample at each voltage, so the capacity of a
    constant-voltage step lands in its bin), and dQ/dV = ΔQ/``dv`` per bin. Smoothing: a Savitzky–Golay
    filter (``window`` bins, polynomial order ``polyorder``; Savitzky & Golay 1964,
    doi:10.1021/ac60214a047) on the zero-padded bins: its coefficients sum to 1, so
    :math:`\\sum \\mathrm{d}Q/\\mathrm{d}V\\,\\Delta V` equals the half cycle's capacity (before and after smoothing).

    Parameters
    ----------
    record : CyclingRecord
        A full-cell record (time in s, voltage in V, current in A; ``area_m2`` and ``active_mass_kg`` optional).
    dv : float
        Voltage bin (V), default 5 mV.
    window : int
        Savitzky–Golay window (bins, made odd; 0 or 1 = no smoothing), default 9 (45 mV at 5 mV bins).
    polyorder : int
        Savitzky–Golay polynomial order (dimensionless integer, default 2).
    cycles : {"auto", "record", "derive"}, default "auto"
        How cycles are numbered, as in :func:`cycle_table`.

    Returns
    -------
    pandas.DataFrame
        ``cycle`` (from 1), ``direction``, ``voltage_V`` (bin centre), ``dqdv_mAh_V`` (positive in both
        directions), ``complete``, and ``dqdv_mAh_g_V`` with ``active_mass_kg``.

    Raises
    ------
    ParameterError
        For a non-positive ``dv``, a ``window`` outside 0..10001 or a ``polyorder`` not below the window.

    References
    ----------
    .. [1] A. Savitzky and M. J. E. Golay, "Smoothing and differentiation of data by simplified least squares
       procedures", Anal. Chem. 36, 1627 (1964), doi:10.1021/ac60214a047.
    """
    import pandas as pd

    if not 0 < dv < np.inf:
        raise ParameterError(f"dv must be a finite voltage step > 0 V; got {dv!r}")
    if not (isinstance(window, (int, np.integer)) and 0 <= window <= 10_001):
        raise ParameterError(f"window must be a whole number of bins from 0 (no smoothing) to 10001; got {window!r}")
    if window and window > 2 and not 0 <= polyorder < (window | 1):
        raise ParameterError(f"polyorder must be >= 0 and below the window ({window | 1}); got {polyorder!r}")
    kernel = _sg_kernel(window, polyorder)
    cur = voltage_capacity_curves(record, cycles=cycles)  # sorted by cycle, then direction, then row
    cy = cur["cycle"].to_numpy()
    ch = (cur["direction"] == "charge").to_numpy()
    vol, cap, done = cur["voltage_V"].to_numpy(), cur["capacity_mAh"].to_numpy(), cur["complete"].to_numpy()
    cuts = np.flatnonzero((np.diff(cy) != 0) | (np.diff(ch) != 0)) + 1
    bounds = np.concatenate([[0], cuts, [cy.size]]) if cy.size else np.zeros(1, dtype=np.int64)
    cols: dict[str, list] = {"cycle": [], "direction": [], "voltage_V": [], "dqdv_mAh_V": [], "complete": []}
    for a, b in zip(bounds[:-1], bounds[1:]):
        vv, dd = _dqdv_one(vol[a:b], cap[a:b], bool(ch[a]), dv, kernel)
        cols["cycle"].append(np.full(vv.size, cy[a]))
        cols["direction"].append(np.full(vv.size, "charge" if ch[a] else "discharge", dtype=object))
        cols["voltage_V"].append(vv)
        cols["dqdv_mAh_V"].append(dd)
        cols["complete"].append(np.full(vv.size, bool(done[a])))
    out = pd.DataFrame({k: np.concatenate(v) if v else np.zeros(0) for k, v in cols.items()})
    out["cycle"] = out["cycle"].astype(np.int64)
    out["complete"] = out["complete"].astype(bool)
    if record.active_mass_kg:
        out["dqdv_mAh_g_V"] = out["dqdv_mAh_V"] / (record.active_mass_kg * 1e3)
    return out


def dqdv(record: CyclingRecord, cycle: int, direction: str = "discharge", *, dv: float = 0.005, window: int = 9,
         cycles: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Differential capacity dQ/dV (mAh/V) of one half cycle (the method of :func:`dqdv_table`).

    Parameters
    ----------
    record : CyclingRecord
        A full-cell record (time in s, voltage in V, current in A; ``area_m2`` and ``active_mass_kg`` optional).
    cycle : int
        Cycle number **from 1** (as in :func:`cycle_table`).
    direction : {"charge", "discharge"}, default "discharge"
        Which half cycle of ``cycle``.
    dv : float, default 0.005
        Voltage grid step (V), default 5 mV.
    window : int, default 9
        Savitzky–Golay window (grid points, odd; 0 or 1 = no smoothing).
    cycles : {"auto", "record", "derive"}, default "auto"
        How cycles are numbered, as in :func:`cycle_table`.

    Returns
    -------
    voltage_V : ndarray
        Bin centres in V, in the order of the half cycle (rising on charge, falling on discharge).
    dqdv_mAh_V : ndarray
        Differential capacity dQ/dV in mAh/V, > 0.

    Raises
    ------
    ParameterError
        For an unknown ``direction`` or a bad ``dv``/``window``.
    CalculationError
        If the half cycle has fewer than 5 points or its voltage does not change.
    """
    if direction not in ("charge", "discharge"):
        raise ParameterError(f"direction must be 'charge' or 'discharge'; got {direction!r}")
    cur = voltage_capacity_curves(record, cycles=cycles)
    sel = cur[(cur["cycle"] == cycle) & (cur["direction"] == direction)]
    if len(sel) < 5:
        raise CalculationError(f"dQ/dV: cycle {cycle} has {len(sel)} {direction} points (need >= 5; cycles count from 1)")
    vv, d = _dqdv_one(sel["voltage_V"].to_numpy(), sel["capacity_mAh"].to_numpy(), direction == "charge", dv, _sg_kernel(window, 2))
    if vv.size < 3:
        raise CalculationError(f"dQ/dV: voltage does not change in cycle {cycle} {direction}")
    return vv, d


def summary(record: CyclingRecord, **kw: Any) -> dict:
    """Compute headline full-cell numbers over the **complete** cycles (JSON-able; cycles from 1).

    Parameters
    ----------
    record : CyclingRecord
        A full-cell record (time in s, voltage in V, current in A; ``area_m2`` and ``active_mass_kg`` optional).
    **kw : Any
        Passed to :func:`cycle_table` (``cycles``, ``ce_convention``, ``reference_cycle``).

    Returns
    -------
    dict
        ``n_cycles`` (all cycles with current), ``n_complete_cycles``, ``first_discharge_capacity_mAh`` and
        ``last_discharge_capacity_mAh`` (first / last complete cycle), ``mean_coulombic_efficiency_pct``,
        ``last_retention_pct`` (last complete cycle against the reference; None with the reason in ``retention_note``
        when the two were not run under comparable conditions, :data:`RETENTION_RULE`), ``retention_note``,
        ``ce_convention`` (the one used: ``"discharge/charge"`` or ``"charge/discharge"``), ``excluded_cycles``
        (``[{"cycle": n, "reason": ...}]``), ``complete_cycle_rule``; with metadata
        ``first_discharge_capacity_mAh_g`` / ``_mAh_cm2``. Values are None without a complete cycle.

    Raises
    ------
    ParameterError
        For a bad option of :func:`cycle_table`.
    CalculationError
        If the record has no cycles with current.
    """
    ct = cycle_table(record, **kw)
    return summarize_cycles(ct)


def summarize_cycles(ct: pd.DataFrame) -> dict:
    """Compute the :func:`summary` of an existing :func:`cycle_table` result.

    Parameters
    ----------
    ct : pandas.DataFrame
        A :func:`cycle_table` result (capacities in mAh, efficiencies in %).

    Returns
    -------
    dict
        The keys of :func:`summary`.
    """
    full = ct[ct["complete"].astype(bool)]

    def first(col):
        return float(full[col].iloc[0]) if len(full) and col in full else None

    ce = full["coulombic_efficiency_pct"]
    out = {
        "n_cycles": int(len(ct)),
        "n_complete_cycles": int(len(full)),
        "first_discharge_capacity_mAh": first("discharge_capacity_mAh"),
        "last_discharge_capacity_mAh": float(full["discharge_capacity_mAh"].iloc[-1]) if len(full) else None,
        "mean_coulombic_efficiency_pct": float(np.nanmean(ce)) if ce.notna().any() else None,
        "last_retention_pct": float(full["retention_pct"].iloc[-1]) if len(full) and np.isfinite(full["retention_pct"].iloc[-1]) else None,
        "retention_note": (str(full["retention_note"].iloc[-1]) or None) if len(full) and "retention_note" in full else None,
        "retention_rule": RETENTION_RULE,
        "ce_convention": ct.attrs.get("ce_convention"),
        "charge_note": ct.attrs.get("charge_note"),
        "excluded_cycles": [{"cycle": int(r.cycle), "reason": str(r.excluded_reason)}
                            for r in ct[~ct["complete"].astype(bool)].itertuples()],
        "complete_cycle_rule": COMPLETE_CYCLE_RULE,
    }
    if "discharge_capacity_mAh_g" in ct:
        out["first_discharge_capacity_mAh_g"] = first("discharge_capacity_mAh_g")
    if "discharge_capacity_mAh_cm2" in ct:
        out["first_discharge_capacity_mAh_cm2"] = first("discharge_capacity_mAh_cm2")
    return out
