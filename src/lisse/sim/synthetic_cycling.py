"""Synthetic galvanostatic data for symmetric Li|SSE|Li cells, with the ground truth recorded.

No public symmetric-cell critical-current-density (CCD) file exists, so the CCD, short-circuit and
spike analyses of :mod:`lisse.analysis` are validated on data generated here, where the answer is
known by construction.

Physics
-------
A symmetric cell Li|SSE|Li under a galvanostatic current density :math:`j` (A/m², positive = Li
stripping from the working electrode, i.e. anodic there) shows the voltage

.. math::

    V(t) = \\operatorname{sign}(j)\\,\\Big[|j|\\,\\big(\\mathrm{ASR_{bulk}} + 2\\,\\mathrm{ASR_{int}}(t)\\big)
           + 2\\,\\frac{2RT}{F}\\,\\operatorname{asinh}\\frac{|j|}{2 j_0}
           + V_\\mathrm{sp}\\,e^{-(t-t_k)/\\tau_n}\\Big] + \\varepsilon(t)

* ohmic drop through the electrolyte, :math:`\\mathrm{ASR_{bulk}} = L/\\sigma` (Ω·m²);
* two Li|SSE interfaces, each with an interfacial resistance :math:`\\mathrm{ASR_{int}}` and a
  Butler–Volmer charge-transfer overpotential with :math:`\\alpha_a=\\alpha_c=1/2`, whose inverse is
  :math:`\\eta = (2RT/F)\\,\\operatorname{asinh}(j/2j_0)` (Bard & Faulkner 2001, eq. 3.4.11);
* interfacial-resistance drift, linear in the cumulative plated capacity :math:`Q_c` (C/m²):
  :math:`\\mathrm{ASR_{int}}(t) = \\mathrm{ASR_{int,0}}\\,(1 + k_Q\\,Q_c(t))` (contact loss and SEI
  growth; phenomenological, assumed);
* a nucleation spike at the start :math:`t_k` of every half cycle (fresh Li nuclei on the electrode
  that begins plating), of height :math:`V_\\mathrm{sp}` decaying with :math:`\\tau_n`; its height
  grows with current as :math:`V_\\mathrm{sp} = V_\\mathrm{sp,0}\\,(|j|/j_\\mathrm{ref})^{1/2}`
  (assumed; nucleation overpotential rises sub-linearly with current, Pei et al. 2017);
* measurement noise :math:`\\varepsilon \\sim \\mathcal N(0, \\sigma_V^2)`.

Failures (the ground truth), triggered in the first step whose :math:`|j|` exceeds the critical
current density :math:`j_c`, at a uniformly random moment of that step:

* ``"hard"`` short: a metallic Li filament connects the electrodes; from then on the cell is a
  resistor :math:`\\mathrm{ASR_{short}} = f_\\mathrm{short}\\,\\mathrm{ASR_{bulk}}` (voltage collapse to a
  few % of its value);
* ``"soft"`` short: a filament that repeatedly forms and burns open; a shunt carries a fraction
  :math:`s(t)` of the current, :math:`s` switching at exponential intervals (mean
  ``soft_dwell``) between 0 and a uniform draw in ``soft_range``; :math:`V = (1-s)V_\\mathrm{cell}`
  plus extra noise (erratic, noisy voltage);
* ``"polarization"``: void formation at the stripping electrode (current above what Li creep can
  refill, Kasemchainan et al. 2019): :math:`\\mathrm{ASR_{int}}` of the stripping interface grows as
  :math:`e^{(t-t_f)/\\tau_v}` until :math:`|V|` reaches the cycler's cut-off, where the test stops.

References
----------
Bard, A. J.; Faulkner, L. R. *Electrochemical Methods*, 2nd ed.; Wiley, 2001.
Kasemchainan, J. et al. Critical stripping current leads to dendrite formation on plating in
lithium anode solid electrolyte cells. *Nat. Mater.* 2019, 18, 1105. doi:10.1038/s41563-019-0438-9
Pei, A. et al. Nanoscale nucleation and growth of electrodeposited lithium metal. *Nano Lett.* 2017,
17, 1132. doi:10.1021/acs.nanolett.6b04755
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from lisse.citations import register
from lisse.electrochem import symmetric_overpotential
from lisse.errors import ParameterError
from lisse.params import check_count, check_positive, check_temperature
from lisse.records.cycling import CyclingRecord, Provenance
from lisse.records.display import compact_repr
from lisse.units import as_si

__all__ = ["SymmetricCellModel", "SyntheticTruth", "ccd_staircase", "long_cycling", "symmetric_voltage"]



@dataclass
class SymmetricCellModel:
    """Parameters of the synthetic symmetric cell (SI).

    Parameters
    ----------
    asr_bulk_ohm_m2 : float
        Electrolyte area-specific resistance L/σ (Ω·m²). Default 4.3e-3 Ω·m² = 43 Ω·cm²: a 300 µm
        LLZTO pellet with σ = 7.0e-4 S/cm [Ji2025].
    asr_int_ohm_m2 : float
        Interfacial resistance per Li|SSE interface (Ω·m²). Default 5e-4 Ω·m² = 5 Ω·cm² (assumed:
        a treated interface; gives ≈10 mV at 0.2 mA/cm², the order of [Ji2025]'s 2500 h cell).
    j0_A_m2 : float
        Exchange current density of Li/Li⁺ at the interface (A/m²). Default 10 A/m² = 1 mA/cm²
        (assumed; order of LSV-derived values in [Su2024]).
    temperature_K : float
        Temperature [K]. Default 298.15 K.
    drift_per_C_m2 : float
        Relative growth of ASR_int per C/m² of cumulative plated charge (1 mAh/cm² = 3.6e4 C/m²).
        Default 2e-7 per C/m² (+0.7 % per mAh/cm² plated; assumed, so that a 0.2 mA/cm² cell stays
        near 10 mV for thousands of hours as in [Ji2025]).
    v_sp0_V : float
        Nucleation spike height at ``j_ref_A_m2`` (V). Default 5 mV (assumed, order of Pei 2017).
    j_ref_A_m2 : float
        Reference current density for the spike height (A/m²), 1 A/m² = 0.1 mA/cm².
    tau_nuc_s : float
        Decay time of the nucleation spike (s). Default 20 s (assumed).
    short_fraction : float
        ASR of a hard short relative to the bulk ASR [-] (dimensionless; default 0.02).
    soft_range : tuple of float
        Range of the shunted current fraction in a soft short [-] (default 0.4 to 0.95).
    soft_dwell_s : float
        Mean time between soft-short switching events (s). Default 30 s.
    soft_noise_factor : float
        Extra noise during a soft short, as a multiple of the measurement noise [-] (dimensionless; default 3).
    tau_void_s : float
        Growth time of void-formation polarization (s). Default 300 s.
    v_cutoff_V : float
        Cycler voltage limit |V| (V) at which a test stops. Default 1.0 V.
    """

    asr_bulk_ohm_m2: float = 4.3e-3
    asr_int_ohm_m2: float = 5e-4
    j0_A_m2: float = 10.0
    temperature_K: float = 298.15
    drift_per_C_m2: float = 2e-7
    v_sp0_V: float = 5e-3
    j_ref_A_m2: float = 1.0
    tau_nuc_s: float = 20.0
    short_fraction: float = 0.02
    soft_range: tuple[float, float] = (0.4, 0.95)
    soft_dwell_s: float = 30.0
    soft_noise_factor: float = 3.0
    tau_void_s: float = 300.0
    v_cutoff_V: float = 1.0

    def __post_init__(self) -> None:
        for name in ("asr_bulk_ohm_m2", "asr_int_ohm_m2", "drift_per_C_m2", "v_sp0_V", "short_fraction", "soft_noise_factor"):
            check_positive(getattr(self, name), name, allow_zero=True)
        for name in ("j0_A_m2", "j_ref_A_m2", "tau_nuc_s", "soft_dwell_s", "tau_void_s", "v_cutoff_V"):
            check_positive(getattr(self, name), name)
        check_temperature(self.temperature_K, "temperature_K")


#: Most samples one synthetic record may hold (5e6 points, ~200 MB for its columns); a longer record is a
#: unit slip in ``dt`` or a duration, not an experiment (a 5000 h test sampled every 10 s is 1.8e6 points).
MAX_SAMPLES = 5_000_000


def _check_seed(seed: int | None) -> None:
    if seed is not None:
        check_count(seed, "seed", 0, 2**63 - 1)


@compact_repr
@dataclass
class SyntheticTruth:
    """What the generator put in the data.

    Parameters
    ----------
    protocol : str
        ``"fixed-capacity"``, ``"fixed-time"`` or ``"long-cycling"``.
    failure : str or None
        ``"hard"``, ``"soft"``, ``"polarization"`` or None (no failure in the record).
    step_current_densities_A_m2 : list of float
        |j| of every step (CCD) or the one current (long cycling).
    ccd_A_m2 : float or None
        Last stable current density (CCD convention "last stable step"); None if the first step fails.
    failure_current_density_A_m2 : float or None
        Current density of the failing step [A m-2]; None without failure.
    failure_step : int or None
        0-based index of the failing step.
    failure_time_s : float or None
        Time at which the failure starts [s]; None without failure.
    failure_half_cycle : int or None
        Index of the half cycle in which failure starts.
    v_sp_V : list of float
        Spike height put at the start of each half cycle (V, positive).
    half_cycle_start_s : list of float
        Start time of every half cycle [s].
    params : dict, optional
        The generator's inputs (SI) and the cell model's parameters.
    """

    protocol: str
    failure: str | None
    step_current_densities_A_m2: list[float]
    ccd_A_m2: float | None
    failure_current_density_A_m2: float | None
    failure_step: int | None
    failure_time_s: float | None
    failure_half_cycle: int | None
    v_sp_V: list[float] = field(default_factory=list)
    half_cycle_start_s: list[float] = field(default_factory=list)
    params: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """The ground truth as a plain (JSON-able) dict.

        Returns
        -------
        dict
            Field name (unit suffix) -> value.
        """
        return asdict(self)


def symmetric_voltage(j_A_m2: np.ndarray, asr_int_ohm_m2: np.ndarray | float, model: SymmetricCellModel) -> np.ndarray:
    """Steady cell voltage (V) of the intact symmetric cell at current density ``j`` (no spike, no noise).

    ``V = sign(j)·[|j|(ASR_bulk + 2 ASR_int) + 2·(2RT/F)·asinh(|j|/(2 j0))]``.

    Parameters
    ----------
    j_A_m2 : numpy.ndarray
        Current density [A m-2], positive = stripping from the working electrode.
    asr_int_ohm_m2 : numpy.ndarray or float
        Interfacial resistance per Li|SSE interface [ohm m2].
    model : SymmetricCellModel
        The cell (bulk ASR [ohm m2], j0 [A m-2], temperature [K]).

    Returns
    -------
    numpy.ndarray
        V [V].

    References
    ----------
    Bard, A. J.; Faulkner, L. R. Electrochemical Methods, 2nd ed.; Wiley, 2001 (eq. 3.4.11).
    """
    j = np.asarray(j_A_m2, dtype=float)
    a = np.abs(j)
    bv = 2.0 * symmetric_overpotential(a, model.j0_A_m2, 0.5, model.temperature_K)  # two interfaces, alpha_a = alpha_c = 1/2
    return np.sign(j) * (a * (model.asr_bulk_ohm_m2 + 2.0 * np.asarray(asr_int_ohm_m2)) + bv)


def _segments_to_series(seg_j, seg_dur, dt, model, rng, noise_V, failure, fail_seg_time, soft_rng_seed):
    """Build t, j, V for a list of constant-current segments; apply failure from fail_seg_time on."""
    n_seg = len(seg_j)
    check_positive(dt, "dt", "s")
    check_positive(noise_V, "noise", "mV", allow_zero=True)
    n_total = float(np.sum(np.maximum(2.0, np.ceil(np.asarray(seg_dur, dtype=float) / dt))))
    if not n_total <= MAX_SAMPLES:
        raise ParameterError(f"the synthetic record would hold {n_total:.3g} samples (duration / dt); the limit is {MAX_SAMPLES:.0e}: "
                             f"use a larger 'dt' or fewer steps/cycles")
    counts = np.maximum(2, np.ceil(np.asarray(seg_dur) / dt).astype(int))
    starts = np.concatenate([[0.0], np.cumsum(seg_dur)[:-1]])
    t = np.concatenate([s + np.arange(c) * (d / c) for s, c, d in zip(starts, counts, seg_dur)])
    seg = np.repeat(np.arange(n_seg), counts)
    j = np.asarray(seg_j, dtype=float)[seg]
    # cumulative plated charge per area (|j| dt), for the ASR drift
    dt_arr = np.diff(t, append=t[-1] + dt)
    qc = np.concatenate([[0.0], np.cumsum(np.abs(j[:-1]) * dt_arr[:-1])])
    asr_int = model.asr_int_ohm_m2 * (1.0 + model.drift_per_C_m2 * qc)
    v = symmetric_voltage(j, asr_int, model)
    t_in = t - starts[seg]
    vsp = model.v_sp0_V * np.sqrt(np.abs(np.asarray(seg_j)) / model.j_ref_A_m2)
    v = v + np.sign(j) * vsp[seg] * np.exp(-t_in / model.tau_nuc_s)
    stop = t.size
    if failure is not None and fail_seg_time is not None:
        tf = fail_seg_time
        after = t >= tf
        if failure == "hard":
            v = np.where(after, j * model.asr_bulk_ohm_m2 * model.short_fraction, v)
        elif failure == "soft":
            srng = np.random.default_rng(soft_rng_seed)
            span = max(float(t[-1] - tf), 0.0)
            n_sw = int(span / model.soft_dwell_s * 1.5) + 20
            switch_t = tf + np.concatenate([[0.0], np.cumsum(srng.exponential(model.soft_dwell_s, n_sw))])
            low, high = model.soft_range
            level = srng.uniform(low, high, n_sw + 1)
            level[1:] *= srng.random(n_sw) >= 0.3  # 30 % of the intervals: the filament is burnt open
            k = np.clip(np.searchsorted(switch_t, t, side="right") - 1, 0, n_sw)
            s = np.where(after, level[k], 0.0)
            v = (1.0 - s) * v + after * rng.normal(0.0, model.soft_noise_factor * max(noise_V, 1e-4), t.size)
        elif failure == "polarization":
            grow = np.where(after & (j > 0), np.expm1(np.clip((t - tf) / model.tau_void_s, 0, 50)), 0.0)
            v = v + j * model.asr_int_ohm_m2 * 50.0 * grow
            over = np.flatnonzero(np.abs(v) >= model.v_cutoff_V)
            if over.size:
                stop = int(over[0]) + 1
                v[over[0]] = np.sign(v[over[0]]) * model.v_cutoff_V
        else:
            raise ParameterError(f"failure must be 'hard', 'soft', 'polarization' or None; got {failure!r}")
    v = v + rng.normal(0.0, noise_V, t.size)
    return t[:stop], j[:stop], v[:stop], starts, seg[:stop]


def ccd_staircase(
    *,
    j_start: Any = "0.1 mA/cm2",
    j_step: Any = "0.1 mA/cm2",
    n_steps: int = 10,
    protocol: str = "capacity",
    step_capacity: Any = "0.2 mAh/cm2",
    step_time: Any = "1 h",
    j_critical: Any = "0.55 mA/cm2",
    failure: str | None = "hard",
    noise: Any = "0.2 mV",
    dt: Any = "10 s",
    area: Any = "0.785 cm2",
    cycles_per_step: int = 1,
    rest_time: Any = 0.0,
    model: SymmetricCellModel | None = None,
    seed: int | None = 0,
) -> tuple[CyclingRecord, SyntheticTruth]:
    """A CCD staircase: each step is ``cycles_per_step`` stripping (+j) / plating (−j) cycles at |j|.

    Every quantity is an SI number (in the unit in brackets) or a string with a unit (``"0.1 mA/cm2"``)
    or a pint quantity; "text:" names the unit the defaults are written in. A string holding only a
    number is refused (it carries no unit).

    Parameters
    ----------
    j_start, j_step : float [A/m²] or str
        First current density and increment (text: mA/cm²).
    n_steps : int
        Number of steps.
    protocol : {"capacity", "time"}
        Fixed areal capacity per half cycle (``step_capacity`` [C/m²], text: mAh/cm²) or fixed duration
        (``step_time`` [s], text: h).
    step_capacity : float [C/m²] or str
        Areal capacity per half cycle with ``protocol="capacity"`` (text: mAh/cm²).
    step_time : float [s] or str
        Duration of each half cycle with ``protocol="time"`` (text: h).
    j_critical : str, float or None
        Critical current density [A/m²] (text: mA/cm²): the first step with |j| > j_critical fails.
        None: no failure.
    failure : {"hard", "soft", "polarization"} or None
        Failure mode at the critical step (see the module notes); None: no failure.
    noise : float [V] or str
        Standard deviation of Gaussian voltage noise (text: mV).
    dt : float [s] or str
        Sampling interval (text: s).
    area : float [m²] or str
        Electrode area (text: cm²), stored on the record.
    cycles_per_step : int
        Number of plating/stripping cycles at each current density (default 1).
    rest_time : float [s] or str
        Open-circuit rest after every half cycle (text: s; default 0). Rest voltage is 0 V + noise.
    model : SymmetricCellModel, optional
        The cell model (default :class:`SymmetricCellModel()`).
    seed : int or None
        Random seed (None: not reproducible).

    Returns
    -------
    record : CyclingRecord
        The synthetic record (time [s], current [A], voltage [V]).
    truth : SyntheticTruth
        ``failure_half_cycle`` and ``half_cycle_start_s`` count current-carrying half cycles only.

    Raises
    ------
    ParameterError
        A value with a wrong unit or out of range, an unknown protocol or failure, or more than
        ``MAX_SAMPLES`` samples.

    References
    ----------
    Kasemchainan, J. et al. Critical stripping current leads to dendrite formation on plating in lithium anode solid electrolyte cells. Nat. Mater. 2019, 18, 1105. doi:10.1038/s41563-019-0438-9
    """
    register("Kasemchainan2019")
    model = model or SymmetricCellModel()
    _check_seed(seed)
    check_count(n_steps, "n_steps", 1, 10_000)
    check_count(cycles_per_step, "cycles_per_step", 1, 10_000)
    rng = np.random.default_rng(seed)
    j0 = as_si(j_start, "mA/cm2", "j_start")
    dj = as_si(j_step, "mA/cm2", "j_step")
    if n_steps < 1 or j0 <= 0 or dj <= 0:
        raise ParameterError(f"ccd_staircase needs n_steps >= 1 and positive j_start, j_step; got {n_steps}, {j_start}, {j_step}")
    js = j0 + dj * np.arange(n_steps)
    if protocol == "capacity":
        q = as_si(step_capacity, "mAh/cm2", "step_capacity")
        dur = q / js
        proto = "fixed-capacity"
    elif protocol == "time":
        dur = np.full(n_steps, as_si(step_time, "h", "step_time"))
        proto = "fixed-time"
    else:
        raise ParameterError(f"protocol must be 'capacity' or 'time'; got {protocol!r}")
    if cycles_per_step < 1:
        raise ParameterError(f"cycles_per_step must be >= 1; got {cycles_per_step}")
    rest_s = as_si(rest_time, "s", "rest_time") if rest_time else 0.0
    if rest_s < 0:
        raise ParameterError(f"rest_time must be >= 0; got {rest_time}")
    seg_j_l, seg_dur_l, seg_step_l = [], [], []
    for k, (jk, dk) in enumerate(zip(js, dur)):
        for _c in range(cycles_per_step):
            for sgn in (1.0, -1.0):
                seg_j_l.append(sgn * jk)
                seg_dur_l.append(dk)
                seg_step_l.append(k)
                if rest_s > 0:
                    seg_j_l.append(0.0)
                    seg_dur_l.append(rest_s)
                    seg_step_l.append(k)
    seg_j = np.array(seg_j_l)
    seg_dur = np.array(seg_dur_l)
    seg_step = np.array(seg_step_l)
    active = seg_j != 0
    starts = np.concatenate([[0.0], np.cumsum(seg_dur)[:-1]])
    active_index = np.cumsum(active) - 1  # half-cycle number of each active segment (rests excluded)
    fail_step = fail_t = fail_hc = None
    jc = as_si(j_critical, "mA/cm2", "j_critical") if j_critical is not None and failure is not None else None
    if jc is not None:
        over = np.flatnonzero(js > jc * (1 + 1e-9))
        if over.size:
            fail_step = int(over[0])
            cand = np.flatnonzero(active & (seg_step == fail_step))
            if failure == "polarization":  # voids form while stripping (+j): the first stripping half cycle
                sk = int(cand[0])
                fail_t = starts[sk] + rng.uniform(0.05, 0.5) * seg_dur[sk]
            else:  # anywhere in the step's current-carrying time
                sk = int(rng.choice(cand))
                fail_t = starts[sk] + rng.uniform(0.02, 0.98) * seg_dur[sk]
            fail_hc = int(active_index[sk])
    dt_s = as_si(dt, "s", "dt")
    noise_V = as_si(noise, "mV", "noise")
    t, j, v, starts, seg = _segments_to_series(seg_j, seg_dur, dt_s, model, rng, noise_V,
                                               failure if fail_step is not None else None, fail_t, rng.integers(2**31))
    a = check_positive(as_si(area, "cm2", "area"), "area", "cm2")
    vsp = model.v_sp0_V * np.sqrt(np.abs(seg_j[active]) / model.j_ref_A_m2)
    truth = SyntheticTruth(
        protocol=proto,
        failure=failure if fail_step is not None else None,
        step_current_densities_A_m2=js.tolist(),
        ccd_A_m2=float(js[fail_step - 1]) if fail_step not in (None, 0) else None,
        failure_current_density_A_m2=None if fail_step is None else float(js[fail_step]),
        failure_step=fail_step,
        failure_time_s=None if fail_t is None else float(fail_t),
        failure_half_cycle=fail_hc,
        v_sp_V=vsp.tolist(),
        half_cycle_start_s=starts[active].tolist(),
        params={"noise_V": noise_V, "dt_s": dt_s, "rest_s": rest_s, "cycles_per_step": cycles_per_step, "model": asdict(model)},
    )
    hc_col = np.maximum(active_index[seg], 0)
    rec = CyclingRecord.from_arrays(
        t, v, j * a, step=seg_step[seg], cycle=hc_col // 2, half_cycle=hc_col, area=area,
        provenance=Provenance(source="synthetic", reader="lisse.sim.synthetic_cycling.ccd_staircase",
                              reader_version="1", raw_header={"truth": truth.to_dict()}),
    )
    return rec, truth


def long_cycling(
    *,
    j: Any = "0.2 mA/cm2",
    half_cycle_time: Any = "1 h",
    n_cycles: int = 200,
    t_failure: Any = None,
    failure: str | None = "hard",
    noise: Any = "0.2 mV",
    dt: Any = "60 s",
    area: Any = "0.785 cm2",
    model: SymmetricCellModel | None = None,
    seed: int | None = 0,
) -> tuple[CyclingRecord, SyntheticTruth]:
    """Long galvanostatic plating/stripping at one current density, optionally ending in a short.

    Parameters
    ----------
    j : float [A/m²] or str
        Current density (text: mA/cm²).
    half_cycle_time : float [s] or str
        Duration of each half cycle (text: h).
    n_cycles : int
        Number of full cycles (2 half cycles each).
    t_failure : str, float or None
        Time at which the short starts [s] (text: h); None: no failure.
    failure : {"hard", "soft"} or None
        Failure mode starting at ``t_failure``.
    noise : float [V] or str
        Standard deviation of Gaussian voltage noise (text: mV).
    dt : float [s] or str
        Sampling interval (text: s).
    area : float [m²] or str
        Electrode area (text: cm²), stored on the record.
    model : SymmetricCellModel, optional
        The cell model (default :class:`SymmetricCellModel()`).
    seed : int or None
        Random seed (None: not reproducible).

    Returns
    -------
    record : CyclingRecord
        The synthetic record (time [s], current [A], voltage [V]).
    truth : SyntheticTruth
        What was put in the data.

    Raises
    ------
    ParameterError
        A value with a wrong unit or out of range, an unknown failure, or more than ``MAX_SAMPLES`` samples.
    """
    model = model or SymmetricCellModel()
    _check_seed(seed)
    check_count(n_cycles, "n_cycles", 1, 1_000_000)
    rng = np.random.default_rng(seed)
    jj = as_si(j, "mA/cm2", "j")
    th = as_si(half_cycle_time, "h", "half_cycle_time")
    if n_cycles < 1 or jj <= 0 or th <= 0:
        raise ParameterError(f"long_cycling needs n_cycles >= 1, j > 0 and half_cycle_time > 0; got {n_cycles}, {j}, {half_cycle_time}")
    if failure not in (None, "hard", "soft"):
        raise ParameterError(f"long_cycling failure must be 'hard', 'soft' or None; got {failure!r}")
    seg_j = np.tile([jj, -jj], n_cycles)
    seg_dur = np.full(seg_j.size, th)
    starts = np.concatenate([[0.0], np.cumsum(seg_dur)[:-1]])
    tf = as_si(t_failure, "h", "t_failure") if (t_failure is not None and failure is not None) else None
    if tf is not None and not 0 < tf < seg_dur.sum():
        raise ParameterError(f"t_failure must lie inside the record (0 to {seg_dur.sum() / 3600:g} h); got {t_failure}")
    t, jv, v, starts, seg = _segments_to_series(seg_j, seg_dur, as_si(dt, "s", "dt"), model, rng, as_si(noise, "mV", "noise"),
                                                failure if tf is not None else None, tf, rng.integers(2**31))
    a = check_positive(as_si(area, "cm2", "area"), "area", "cm2")
    hc = None if tf is None else int(np.searchsorted(starts, tf, side="right") - 1)
    truth = SyntheticTruth(
        protocol="long-cycling",
        failure=failure if tf is not None else None,
        step_current_densities_A_m2=[jj],
        ccd_A_m2=None,
        failure_current_density_A_m2=jj if tf is not None else None,
        failure_step=None,
        failure_time_s=tf,
        failure_half_cycle=hc,
        v_sp_V=(model.v_sp0_V * np.sqrt(np.abs(seg_j) / model.j_ref_A_m2)).tolist(),
        half_cycle_start_s=starts.tolist(),
        params={"noise_V": as_si(noise, "mV", "noise"), "half_cycle_s": th, "model": asdict(model)},
    )
    rec = CyclingRecord.from_arrays(
        t, v, jv * a, step=seg % 2, cycle=seg // 2, half_cycle=seg, area=area,
        provenance=Provenance(source="synthetic", reader="lisse.sim.synthetic_cycling.long_cycling",
                              reader_version="1", raw_header={"truth": truth.to_dict()}),
    )
    return rec, truth
