"""Galvanostatic intermittent titration (GITT): chemical diffusion coefficient per pulse.

Weppner & Huggins (1977), for a pulse of duration τ ≪ L²/D (semi-infinite diffusion into the
particle) and small voltage changes (used by [Su2024]):

.. math::

    D = \\frac{4}{\\pi\\tau}\\left(\\frac{m_B V_M}{M_B S}\\right)^2\\left(\\frac{\\Delta E_s}{\\Delta E_t}\\right)^2

* :math:`\\Delta E_s`: change of the relaxed (steady-state) voltage across the pulse — the voltage at
  the end of the rest after the pulse minus the one at the end of the rest before it;
* :math:`\\Delta E_t`: voltage change *during* the pulse, without the ohmic (IR) jump — by default the
  slope of E against √t over the pulse times √τ (the W–H short-time solution is linear in √t), or
  last minus first pulse point;
* :math:`m_B V_M / (M_B S)` = active mass × molar volume / (molar mass × electrode–electrolyte area), a
  length (the characteristic diffusion length; give it directly as ``length``, or the four quantities).

The short-time condition τ ≪ L²/D is checked and reported per pulse (``tau_over_L2_D``).

A pulse whose ΔE_s is zero, or not larger than the record's voltage noise or resolution (:func:`gitt_diffusion`,
``dEs_floor_V``), does not measure D: the formula degenerates (D ∝ ΔE_s² reads 0, or a number set by the noise). Its
D is NaN (``D_note`` says why), not 0.

References
----------
Weppner, W.; Huggins, R. A. Determination of the kinetic parameters of mixed-conducting electrodes and
application to the system Li3Sb. *J. Electrochem. Soc.* 1977, 124, 1569. doi:10.1149/1.2133112
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from lisse.analysis.symmetric import SegmentOptions, _as_record, pooled_noise, segment_bounds
from lisse.citations import CITATIONS, Citation, add, register
from lisse.errors import CalculationError, ParameterError
from lisse.params import check_positive
from lisse.records.cycling import CyclingRecord
from lisse.units import as_si

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["gitt_diffusion", "weppner_huggins_D"]

if "WeppnerHuggins1977" not in CITATIONS:
    add(Citation("WeppnerHuggins1977", "Weppner, W.; Huggins, R. A.",
                 "Determination of the kinetic parameters of mixed-conducting electrodes and application to the system Li3Sb",
                 "J. Electrochem. Soc. 124, 1569-1578", 1977, "10.1149/1.2133112"))


def weppner_huggins_D(tau_s: float, length_m: float, dEs_V: float, dEt_V: float) -> float:
    """Compute the Weppner–Huggins diffusion coefficient ``D = 4/(π τ) · L² · (ΔE_s/ΔE_t)²``.

    Valid for τ ≪ L²/D (semi-infinite diffusion during the pulse) and small voltage changes.

    Parameters
    ----------
    tau_s : float
        Pulse duration τ in s (> 0).
    length_m : float
        Diffusion length L = m_B V_M/(M_B S) in m (> 0).
    dEs_V : float
        Change of the relaxed (steady-state) voltage across the pulse, ΔE_s, in V.
    dEt_V : float
        Voltage change during the pulse without the IR jump, ΔE_t, in V (non-zero).

    Returns
    -------
    float
        Chemical diffusion coefficient in m²/s; NaN when ``dEs_V`` is zero (the relaxed voltage did not change: D is
        not measured by the pulse, the formula's 0 is no value).

    Raises
    ------
    ParameterError
        If ``tau_s`` or ``length_m`` is not positive.
    CalculationError
        If ``dEt_V`` is zero.

    References
    ----------
    .. [1] W. Weppner and R. A. Huggins, "Determination of the kinetic parameters of mixed-conducting electrodes and
       application to the system Li3Sb", J. Electrochem. Soc. 124, 1569 (1977), doi:10.1149/1.2133112.
    """
    if not (tau_s > 0 and length_m > 0):
        raise ParameterError(f"tau and length must be positive; got {tau_s!r} s, {length_m!r} m")
    if dEt_V == 0:
        raise CalculationError("GITT: the transient voltage change ΔE_t is zero")
    if dEs_V == 0:
        return float("nan")
    return 4.0 / (np.pi * tau_s) * length_m**2 * (dEs_V / dEt_V) ** 2


def gitt_diffusion(
    record: CyclingRecord,
    *,
    length: Any = None,
    active_mass: Any = None,
    molar_volume: Any = None,
    molar_mass: Any = None,
    area: Any = None,
    min_rest_fraction: float = 0.5,
    transient: str = "sqrt-fit",
    segment: SegmentOptions | None = None,
) -> pd.DataFrame:
    """Diffusion coefficient for every pulse/rest pair of a GITT record.

    Parameters
    ----------
    record : CyclingRecord
        The GITT record: current pulses separated by rests (time in s, voltage in V, current in A).
    length : float [m] or str, optional
        Diffusion length L = m_B V_M/(M_B S) (e.g. ``"5 um"``). Otherwise give the four below.
        Numbers are SI; strings carry a unit (a unit-less string means the unit in brackets here: µm).
    active_mass : float [kg] or str, optional
        m_B (unit-less string: mg); default the record's active mass.
    molar_volume : float [m³/mol] or str, optional
        V_M (unit-less string: cm³/mol).
    molar_mass : float [kg/mol] or str, optional
        M_B (unit-less string: g/mol).
    area : float [m²] or str, optional
        S, electrode–electrolyte contact area (unit-less string: cm²); default the record's area.
    min_rest_fraction : float, default 0.5
        A pulse is used only when the rest after it lasts at least this fraction of the pulse.
    transient : {"sqrt-fit", "endpoints"}
        ΔE_t from a straight-line fit of E against √(t − t_on) over the pulse (slope × √τ; the
        intercept absorbs the IR jump; default), or as last minus first pulse point.
    segment : SegmentOptions or None, optional
        How pulses and rests are cut from the current (:func:`lisse.analysis.symmetric.segment_bounds`);
        default ``SegmentOptions(min_points=2)``.

    Returns
    -------
    pandas.DataFrame
        ``pulse``, ``t_start_s``, ``tau_s``, ``current_A``, ``dEs_V``, ``dEt_V``, ``E_relaxed_V``,
        ``D_m2_s``, ``D_cm2_s``, ``tau_over_L2_D`` (must be ≪ 1), ``rest_before_s``, ``dEs_floor_V`` and ``D_note``.
        A pulse with ``|dEs_V| <= dEs_floor_V`` has D (and ``tau_over_L2_D``) NaN and a ``D_note`` saying why (None
        for a measured D): ``dEs_floor_V`` [V] is the larger of 2 standard errors of ΔE_s (√2 × the voltage noise σ,
        1.4826 × MAD of :func:`~lisse.analysis.symmetric.noise_residuals` over the second half of every rest) and the
        voltage resolution (the smallest non-zero step between successive points there, when the readings repeat and
        every step is a whole number of it: a quantised voltage); 0 for a noise-free record.

    Raises
    ------
    ParameterError
        If neither ``length`` nor the four quantities are given, ``length`` is not positive, or
        ``transient`` is unknown.
    CalculationError
        If no pulse framed by two rests is found.

    References
    ----------
    .. [1] W. Weppner and R. A. Huggins, J. Electrochem. Soc. 124, 1569 (1977), doi:10.1149/1.2133112.
    """
    import pandas as pd

    register("WeppnerHuggins1977")
    rec = _as_record(record)
    if length is not None:
        L = check_positive(as_si(length, "um", "length"), "length", "um")
    else:
        mB = as_si(active_mass, "mg", "active_mass") if active_mass is not None else rec.active_mass_kg
        S = as_si(area, "cm2", "area") if area is not None else rec.area_m2
        if mB is None or S is None or molar_volume is None or molar_mass is None:
            raise ParameterError("GITT needs the diffusion length: give the length (--length, or length= in Python; e.g. "
                                 "'5 um'), or the active mass, molar volume, molar mass and area (--active-mass, "
                                 "--molar-volume, --molar-mass, --area)")
        L = check_positive(mB, "active_mass", "mg") * check_positive(as_si(molar_volume, "cm3/mol", "molar_volume"),
                                                                       "molar_volume", "cm3/mol") / (
            check_positive(as_si(molar_mass, "g/mol", "molar_mass"), "molar_mass", "g/mol") * check_positive(S, "area", "cm2"))
    if transient not in ("sqrt-fit", "endpoints"):
        raise ParameterError(f"transient must be 'sqrt-fit' or 'endpoints'; got {transient!r}")
    if not L > 0:
        raise ParameterError(f"GITT diffusion length must be positive; got {L} m")
    opts = segment or SegmentOptions(min_points=2)
    t, v, i = rec.time_s, rec.voltage_V, rec.current_A
    starts, stops, sgn = segment_bounds(i, opts)
    dEs_floor = _relaxed_voltage_floor(t, v, starts, stops, sgn)
    rows: list[dict[str, Any]] = []
    for k in range(1, len(starts) - 1):
        if sgn[k] == 0 or sgn[k - 1] != 0 or sgn[k + 1] != 0:
            continue
        a, b = int(starts[k]), int(stops[k])
        ra, rb = int(starts[k + 1]), int(stops[k + 1])
        pa = int(starts[k - 1])
        tau = (t[b] if b < t.size else t[b - 1]) - t[a]
        rest = t[rb - 1] - t[ra]
        if tau <= 0 or rest < min_rest_fraction * tau or b - a < 3:
            continue
        e_before = v[a - 1]
        e_after = v[rb - 1]
        dEs = e_after - e_before
        if transient == "sqrt-fit":
            # W-H assume E linear in sqrt(t) during the pulse: slope x sqrt(tau) is the transient
            # without the IR jump (the intercept), independent of the sampling of the first point
            t_on = t[a - 1]
            x = np.sqrt(t[a:b] - t_on)
            slope = np.polyfit(x, v[a:b], 1)[0]
            dEt = slope * np.sqrt(tau)
        else:
            dEt = v[b - 1] - v[a]
        if dEt == 0:
            continue
        if abs(dEs) <= dEs_floor:  # ΔE_s = 0 within noise: the formula degenerates, D is not measured (not 0)
            D = float("nan")
            note = (f"D not measurable: |ΔE_s| = {abs(dEs):.3g} V is not above the noise/resolution floor "
                    f"{dEs_floor:.3g} V (the relaxed voltage did not change measurably)")
        else:
            D, note = weppner_huggins_D(tau, L, dEs, dEt), None
        rows.append({"pulse": len(rows), "t_start_s": float(t[a]), "tau_s": float(tau), "current_A": float(np.median(i[a:b])),
                     "dEs_V": float(dEs), "dEt_V": float(dEt), "E_relaxed_V": float(e_after), "D_m2_s": D, "D_cm2_s": D * 1e4,
                     "tau_over_L2_D": float(tau * D / L**2), "rest_before_s": float(t[a - 1] - t[pa]),
                     "dEs_floor_V": dEs_floor, "D_note": note})
    if not rows:
        raise CalculationError("GITT: no pulse framed by two rests found (check the record is a GITT/pulse test)")
    out = pd.DataFrame(rows)
    out["D_note"] = pd.Series([r["D_note"] for r in rows], dtype=object)  # None, not NaN, for a measured D
    return out


def _relaxed_voltage_floor(t: np.ndarray, v: np.ndarray, starts: np.ndarray, stops: np.ndarray, sgn: np.ndarray) -> float:
    """Return the |ΔE_s| [V] at or below which a change of the relaxed voltage is not measured (noise or resolution)."""
    rest = np.flatnonzero(np.asarray(sgn) == 0)
    st, sp = np.asarray(starts)[rest].astype(int), np.asarray(stops)[rest].astype(int)
    n_tail = (sp - st) // 2  # the relaxed second half of each rest (the first half still relaxes steeply)
    sigma = pooled_noise(v, st, sp, n_tail, t) if rest.size else float("nan")
    steps = [np.abs(np.diff(v[b - n : b])) for b, n in zip(sp, n_tail) if n >= 2]
    steps_all = np.concatenate(steps) if steps else np.zeros(0)
    steps_all = steps_all[np.isfinite(steps_all)]
    nonzero = steps_all[steps_all > 0]
    resolution = 0.0
    if nonzero.size and nonzero.size < steps_all.size:  # repeated readings: a quantised voltage, if every step is whole
        q = float(nonzero.min())
        if np.all(np.abs(nonzero / q - np.round(nonzero / q)) < 0.01):
            resolution = q
    noise = 2.0 * np.sqrt(2.0) * sigma if np.isfinite(sigma) else 0.0  # 2 standard errors of a difference of two points
    return float(max(noise, resolution))
