"""Full-cell (and half-cell) cycling: capacity, coulombic efficiency, energy, retention, rate table, dQ/dV.

Capacities are integrals of the current: per row the trapezoid increment
:math:`\\Delta q_k = \\tfrac12 (I_k + I_{k+1})(t_{k+1}-t_k)` is booked to the charge capacity when the
current is positive (charge: anodic at the positive/working electrode, lisse's sign convention) and to
the discharge capacity when negative; energies likewise with :math:`V I\\,\\Delta t`. Per cycle:

* coulombic efficiency :math:`\\mathrm{CE} = Q_\\mathrm{dis}/Q_\\mathrm{ch}` (``ce_convention="discharge/charge"``,
  cathode-limited cells charged first) or :math:`Q_\\mathrm{ch}/Q_\\mathrm{dis}` (anodes vs Li, lithiated first);
* mean voltage :math:`\\bar V = E/Q` per direction;
* retention :math:`Q_{\\mathrm{dis},k}/Q_{\\mathrm{dis},\\mathrm{ref}}`;
* per mass (mAh/g, needs ``active_mass_kg``) and per area (mAh/cm², needs ``area_m2``).

The rate table groups consecutive cycles with the same discharge current (relative tolerance) and gives
the C-rate against a nominal capacity (default: the first cycle's discharge capacity).
dQ/dV is computed on a uniform voltage grid from the monotone envelope of V(Q), then smoothed with a
Savitzky–Golay filter (Savitzky & Golay 1964, doi:10.1021/ac60214a047).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lisse.analysis.symmetric import _as_record
from lisse.errors import CalculationError, ParameterError
from lisse.records.cycling import CyclingRecord

__all__ = ["cycle_table", "rate_table", "dqdv", "derive_cycles"]


def derive_cycles(current: np.ndarray, first: str = "auto", rest_fraction: float = 0.02) -> np.ndarray:
    """Cycle index from the current: a new cycle starts at each switch into the first direction.

    ``first`` is ``"charge"``, ``"discharge"`` or ``"auto"`` (the direction of the first non-rest row).
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


def cycle_table(
    record: CyclingRecord,
    *,
    cycles: str = "auto",
    ce_convention: str = "discharge/charge",
    reference_cycle: int | None = None,
):
    """Per-cycle capacities, energies, coulombic efficiency, mean voltages and retention.

    Parameters
    ----------
    record : CyclingRecord
    cycles : {"auto", "record", "derive"}
        Use the record's ``cycle`` column (``"record"``), derive cycles from the current direction
        (``"derive"``), or use the record's column when it has more than one cycle (``"auto"``).
    ce_convention : {"discharge/charge", "charge/discharge"}
    reference_cycle : int, optional
        Cycle for the retention (default: the first complete cycle, with both charge and discharge).

    Returns
    -------
    pandas.DataFrame
        ``cycle``, ``charge_capacity_mAh``, ``discharge_capacity_mAh``, ``coulombic_efficiency_pct``,
        ``charge_energy_mWh``, ``discharge_energy_mWh``, ``mean_charge_voltage_V``,
        ``mean_discharge_voltage_V``, ``discharge_current_mA`` (median), ``retention_pct``, and with
        metadata ``*_mAh_g`` / ``*_mAh_cm2`` columns.
    """
    import pandas as pd

    rec = _as_record(record)
    if ce_convention not in ("discharge/charge", "charge/discharge"):
        raise ParameterError(f"ce_convention must be 'discharge/charge' or 'charge/discharge'; got {ce_convention!r}")
    t, v, i = rec.time_s, rec.voltage_V, rec.current_A
    if cycles == "record" or (cycles == "auto" and len(np.unique(rec["cycle"])) > 1):
        cyc = rec["cycle"].astype(np.int64)
        cyc = cyc - cyc.min()
    elif cycles in ("derive", "auto"):
        cyc = derive_cycles(i)
    else:
        raise ParameterError(f"cycles must be 'auto', 'record' or 'derive'; got {cycles!r}")
    dt = np.diff(t)
    im = 0.5 * (i[1:] + i[:-1])
    vm = 0.5 * (v[1:] + v[:-1])
    dq = im * dt
    de = vm * im * dt
    c = cyc[:-1]
    n = int(cyc.max()) + 1
    pos = im > 0
    qch = np.bincount(c, weights=np.where(pos, dq, 0.0), minlength=n) / 3.6  # C -> mAh
    qdis = np.bincount(c, weights=np.where(~pos, -dq, 0.0), minlength=n) / 3.6
    ech = np.bincount(c, weights=np.where(pos, de, 0.0), minlength=n) / 3.6
    edis = np.bincount(c, weights=np.where(~pos, -de, 0.0), minlength=n) / 3.6
    present = np.bincount(c, minlength=n) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        ce = qdis / qch * 100.0 if ce_convention == "discharge/charge" else qch / qdis * 100.0
        vch = ech / qch
        vdis = edis / qdis
    idis = np.full(n, np.nan)
    neg = np.flatnonzero(im < 0)
    if neg.size:
        import pandas as _pd

        med = _pd.Series(-im[neg] * 1e3).groupby(c[neg]).median()
        idis[med.index.to_numpy()] = med.to_numpy()
    df = pd.DataFrame({
        "cycle": np.arange(n), "charge_capacity_mAh": qch, "discharge_capacity_mAh": qdis,
        "coulombic_efficiency_pct": np.where((qch > 0) & (qdis > 0), ce, np.nan),
        "charge_energy_mWh": ech, "discharge_energy_mWh": edis,
        "mean_charge_voltage_V": np.where(qch > 0, vch, np.nan), "mean_discharge_voltage_V": np.where(qdis > 0, vdis, np.nan),
        "discharge_current_mA": idis,
    })[present].reset_index(drop=True)
    if len(df) == 0:
        raise CalculationError("full-cell analysis: no cycles with current found")
    has_dis = df["discharge_capacity_mAh"] > 1e-12 * max(df["discharge_capacity_mAh"].max(), 1e-300)
    if reference_cycle is None:  # the first complete cycle (both directions), else the first with a discharge
        full = df[has_dis & (df["charge_capacity_mAh"] > 0)]
        ref_rows = full if len(full) else df[has_dis]
        ref = float(ref_rows["discharge_capacity_mAh"].iloc[0]) if len(ref_rows) else np.nan
    else:
        sel = df[df["cycle"] == reference_cycle]
        if len(sel) == 0:
            raise ParameterError(f"reference_cycle {reference_cycle} is not in the record (cycles {df['cycle'].min()}..{df['cycle'].max()})")
        ref = float(sel["discharge_capacity_mAh"].iloc[0])
    df["retention_pct"] = df["discharge_capacity_mAh"] / ref * 100.0 if ref and np.isfinite(ref) else np.nan
    if rec.active_mass_kg:
        g = rec.active_mass_kg * 1e3
        df["charge_capacity_mAh_g"] = df["charge_capacity_mAh"] / g
        df["discharge_capacity_mAh_g"] = df["discharge_capacity_mAh"] / g
    if rec.area_m2:
        cm2 = rec.area_m2 * 1e4
        df["charge_capacity_mAh_cm2"] = df["charge_capacity_mAh"] / cm2
        df["discharge_capacity_mAh_cm2"] = df["discharge_capacity_mAh"] / cm2
    return df


def rate_table(cycles_df, *, nominal_capacity_mAh: float | None = None, tolerance: float = 0.1):
    """Group consecutive cycles with the same discharge current into rate steps.

    Parameters
    ----------
    cycles_df : pandas.DataFrame
        Output of :func:`cycle_table`.
    nominal_capacity_mAh : float, optional
        Capacity defining 1C (default: the discharge capacity of the retention reference cycle).
    tolerance : float
        Relative current change that starts a new rate step (default 0.1).

    Returns
    -------
    pandas.DataFrame
        ``rate_step``, ``first_cycle``, ``last_cycle``, ``n_cycles``, ``discharge_current_mA``, ``c_rate``,
        ``mean_discharge_capacity_mAh``, ``mean_retention_pct``.
    """
    import pandas as pd

    d = cycles_df.dropna(subset=["discharge_current_mA"])
    d = d[d["discharge_capacity_mAh"] > 0]
    if len(d) == 0:
        raise CalculationError("rate table: no discharge half cycles")
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


def dqdv(record: CyclingRecord, cycle: int, direction: str = "discharge", *, dv: float = 0.005, window: int = 9,
         cycles: str = "auto") -> tuple[np.ndarray, np.ndarray]:
    """Differential capacity dQ/dV (mAh/V) of one half cycle on a uniform voltage grid.

    Parameters
    ----------
    record : CyclingRecord
    cycle : int
        Cycle index (as in :func:`cycle_table`).
    direction : {"charge", "discharge"}
    dv : float
        Voltage grid step (V), default 5 mV.
    window : int
        Savitzky–Golay window (grid points, odd; 0 or 1 = no smoothing).

    Returns
    -------
    voltage_V, dqdv_mAh_V : ndarray
    """
    rec = _as_record(record)
    if direction not in ("charge", "discharge"):
        raise ParameterError(f"direction must be 'charge' or 'discharge'; got {direction!r}")
    t, v, i = rec.time_s, rec.voltage_V, rec.current_A
    if cycles == "record" or (cycles == "auto" and len(np.unique(rec["cycle"])) > 1):
        cyc = rec["cycle"] - rec["cycle"].min()
    else:
        cyc = derive_cycles(i)
    sel = (cyc == cycle) & ((i > 0) if direction == "charge" else (i < 0))
    idx = np.flatnonzero(sel)
    if idx.size < 5:
        raise CalculationError(f"dQ/dV: cycle {cycle} has {idx.size} {direction} points (need >= 5)")
    q = np.concatenate([[0.0], np.cumsum(np.abs(0.5 * (i[idx][1:] + i[idx][:-1]) * np.diff(t[idx])))]) / 3.6
    vv = v[idx]
    # monotone envelope: voltage rises on charge, falls on discharge
    vm = np.maximum.accumulate(vv) if direction == "charge" else -np.maximum.accumulate(-vv)
    order = np.argsort(vm, kind="stable")
    vs, qs = vm[order], q[order]
    uniq, first = np.unique(vs, return_index=True)
    if uniq.size < 3:
        raise CalculationError(f"dQ/dV: voltage does not change in cycle {cycle} {direction}")
    grid = np.arange(uniq[0], uniq[-1] + 0.5 * dv, dv)
    qg = np.interp(grid, uniq, qs[first])
    d = np.gradient(qg, grid)
    if window and window > 2 and grid.size > window:
        from scipy.signal import savgol_filter

        d = savgol_filter(d, window | 1, 2)
    return grid, np.abs(d)


def summary(record: CyclingRecord, **kw: Any) -> dict:
    """Headline full-cell numbers (JSON-able)."""
    ct = cycle_table(record, **kw)
    last = ct.iloc[-1]
    out = {
        "n_cycles": int(len(ct)),
        "first_discharge_capacity_mAh": float(ct["discharge_capacity_mAh"].iloc[0]),
        "last_discharge_capacity_mAh": float(last["discharge_capacity_mAh"]),
        "mean_coulombic_efficiency_pct": float(np.nanmean(ct["coulombic_efficiency_pct"])) if ct["coulombic_efficiency_pct"].notna().any() else None,
        "last_retention_pct": float(last["retention_pct"]) if np.isfinite(last["retention_pct"]) else None,
    }
    if "discharge_capacity_mAh_g" in ct:
        out["first_discharge_capacity_mAh_g"] = float(ct["discharge_capacity_mAh_g"].iloc[0])
    if "discharge_capacity_mAh_cm2" in ct:
        out["first_discharge_capacity_mAh_cm2"] = float(ct["discharge_capacity_mAh_cm2"].iloc[0])
    return out
