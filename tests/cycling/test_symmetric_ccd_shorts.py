"""CCD, short and spike detection against synthetic data with known ground truth (issue 'Done when')."""

from __future__ import annotations

import numpy as np
import pytest

from lisse.analysis.ccd import CCDDetector, detect_protocol
from lisse.analysis.shorts import ShortDetector
from lisse.analysis.symmetric import half_cycles
from lisse.constants import FARADAY, GAS_CONSTANT
from lisse.errors import ParameterError
from lisse.sim.synthetic_cycling import SymmetricCellModel, ccd_staircase, long_cycling

EXPECTED_CRITERION = {"hard": "voltage_collapse", "soft": "erratic_voltage", "polarization": "ohmic_scaling_lost"}


def _ccd_cases():
    cases = []
    for failure in ("hard", "soft", "polarization"):
        for protocol in ("capacity", "time"):
            for noise in (0.05, 0.5, 1.5):  # mV; plateaus are ~10 mV (first step) to ~80 mV
                for seed in range(3):
                    cases.append((failure, protocol, noise, seed))
    return cases


def test_ccd_detection_accuracy_over_noise_protocols_and_failure_modes():
    exact = offs = crit_ok = time_ok = 0
    cases = _ccd_cases()
    for failure, protocol, noise, seed in cases:
        jc = np.random.default_rng(1000 + seed).uniform(0.25, 0.95)  # mA/cm2, between steps 2 and 9
        rec, truth = ccd_staircase(failure=failure, protocol=protocol, noise=f"{noise} mV", seed=seed, j_critical=f"{jc} mA/cm2",
                                   step_time="0.5 h", dt=5)
        det = CCDDetector().fit(rec)
        assert det.failure_step_ is not None
        off = abs(det.failure_step_ - truth.failure_step)
        exact += off == 0
        offs = max(offs, off)
        crit_ok += det.criterion_ == EXPECTED_CRITERION[failure]
        half = np.diff(truth.half_cycle_start_s).max()
        time_ok += abs(det.failure_time_s_ - truth.failure_time_s) <= half
        if off == 0:
            assert det.ccd_A_m2_ == pytest.approx(truth.ccd_A_m2, rel=1e-6)
            assert det.failure_current_density_A_m2_ == pytest.approx(truth.failure_current_density_A_m2, rel=1e-6)
    n = len(cases)
    assert exact / n >= 0.95
    assert offs <= 1
    assert crit_ok / n >= 0.9
    assert time_ok / n >= 0.95


@pytest.mark.parametrize("noise", [0.05, 1.5])
def test_no_failure_means_no_false_positive(noise):
    rec, truth = ccd_staircase(failure=None, j_critical=None, noise=f"{noise} mV", seed=3, n_steps=8)
    det = CCDDetector().fit(rec)
    s = det.summary()
    assert s["criterion"] == "none" and s["ccd_is_lower_bound"]
    assert s["ccd_mA_cm2"] == pytest.approx(0.8)  # the last step: 0.1 + 7 x 0.1 mA/cm2
    assert s["failure_current_density_mA_cm2"] is None


def test_protocol_and_step_size_recovered():
    rec, _ = ccd_staircase(failure="hard", j_critical="0.45 mA/cm2", protocol="capacity", step_capacity="0.2 mAh/cm2", seed=1)
    s = CCDDetector().fit(rec).summary()
    assert s["protocol"] == "fixed-capacity"
    assert s["step_capacity_mAh_cm2"] == pytest.approx(0.2, rel=0.02)
    assert s["ccd_mA_cm2"] == pytest.approx(0.4) and s["failure_current_density_mA_cm2"] == pytest.approx(0.5)
    rec, _ = ccd_staircase(failure="hard", j_critical="0.45 mA/cm2", protocol="time", step_time="0.75 h", seed=1)
    s = CCDDetector().fit(rec).summary()
    assert s["protocol"] == "fixed-time" and s["step_time_h"] == pytest.approx(0.75, rel=0.02)
    assert detect_protocol(np.array([10.0, 20, 40]), np.array([1.0, 2, 3]))[0] == "variable"


def test_ccd_needs_area():
    rec, _ = ccd_staircase(seed=0)
    rec.area_m2 = None
    with pytest.raises(ParameterError, match="area"):
        CCDDetector().fit(rec)


def test_short_failure_time_within_one_half_cycle():
    n = ok = kind_ok = 0
    for failure in ("hard", "soft"):
        for noise in (0.05, 0.5, 2.0):
            for seed in range(3):
                rng = np.random.default_rng(seed + 10)
                tf = rng.uniform(10, 140)  # h
                rec, truth = long_cycling(j="0.5 mA/cm2", n_cycles=80, failure=failure, t_failure=f"{tf} h", noise=f"{noise} mV", seed=seed, dt=60)
                det = ShortDetector().fit(rec)
                n += 1
                ok += det.short_detected_ and abs(det.failure_time_s_ - truth.failure_time_s) <= 3600.0
                kind_ok += det.kind_ == failure
                assert det.cycle_life_ <= truth.failure_half_cycle // 2 + 1
    assert ok == n
    assert kind_ok / n >= 0.9


def test_no_short_in_healthy_long_cycling_with_drift():
    rec, _ = long_cycling(j="1 mA/cm2", n_cycles=150, failure=None, noise="0.5 mV", seed=2, dt=120)
    det = ShortDetector().fit(rec)
    assert not det.short_detected_ and det.criterion_ == "none"
    assert det.cycle_life_ == 150
    hc = det.half_cycles_
    assert hc["eta_plateau_V"].iloc[-1] > hc["eta_plateau_V"].iloc[0]  # the imposed resistance drift is seen


def test_overpotential_matches_ohmic_plus_butler_volmer():
    """Plateau of the first half cycle = j(ASR_b + 2 ASR_int) + 2(2RT/F) asinh(j/2j0) (drift-free limit)."""
    m = SymmetricCellModel(drift_per_C_m2=0.0)
    rec, _ = ccd_staircase(failure=None, j_critical=None, noise=0.0, model=m, n_steps=3, dt=2)
    hc = half_cycles(rec)
    j = 1.0  # A/m2 = 0.1 mA/cm2
    expected = j * (m.asr_bulk_ohm_m2 + 2 * m.asr_int_ohm_m2) + 2 * (2 * GAS_CONSTANT * m.temperature_K / FARADAY) * np.arcsinh(j / (2 * m.j0_A_m2))
    assert hc["eta_plateau_V"].iloc[0] == pytest.approx(expected, rel=1e-3)
    assert hc["eta_end_V"].iloc[0] == pytest.approx(expected, rel=1e-3)
    assert list(hc["direction"][:2]) == ["strip", "plate"]


def test_spike_height_recovered():
    from lisse.analysis.symmetric import spike_heights

    m = SymmetricCellModel(drift_per_C_m2=0.0)
    rec, truth = ccd_staircase(failure=None, j_critical=None, noise="0.05 mV", model=m, n_steps=5, dt=2, seed=4)
    hc = half_cycles(rec)
    np.testing.assert_allclose(hc["v_sp_V"], truth.v_sp_V, rtol=0.05, atol=3e-4)
    sp = spike_heights(rec)
    assert list(sp["plating_on"][:2]) == ["counter", "working"]  # +I strips the WE, plates the CE
    np.testing.assert_allclose(sp["current_density_A_m2"], np.repeat([1.0, 2.0, 3.0, 4.0, 5.0], 2), rtol=1e-6)


def test_cumulative_plated_capacity_is_conserved():
    rec, truth = ccd_staircase(failure=None, j_critical=None, protocol="capacity", step_capacity="0.2 mAh/cm2", n_steps=6, dt=5)
    hc = half_cycles(rec)
    # six plating half cycles of 0.2 mAh/cm2 = 1.2 mAh/cm2 = 1.2 * 3.6e4 C/m2
    assert hc["cumulative_plated_C_m2"].iloc[-1] == pytest.approx(1.2 * 3.6e4, rel=0.01)
    assert hc["capacity_C_m2"].to_numpy() == pytest.approx(np.full(12, 0.2 * 3.6e4), rel=0.01)


def test_generator_rejects_bad_parameters():
    with pytest.raises(ParameterError):
        ccd_staircase(protocol="sideways")
    with pytest.raises(ParameterError):
        long_cycling(failure="polarization", t_failure="1 h")
    with pytest.raises(ParameterError):
        long_cycling(t_failure="1e6 h", n_cycles=2)


@pytest.mark.parametrize("cycles_per_step,rest", [(3, 0), (1, "10 min"), (2, "5 min")])
def test_ccd_with_rests_and_several_cycles_per_step(cycles_per_step, rest):
    hits = 0
    for k, failure in enumerate(("hard", "soft", "polarization", "hard", "soft", "polarization")):
        jc = 0.3 + 0.1 * k + 0.05
        rec, truth = ccd_staircase(failure=failure, j_critical=f"{jc} mA/cm2", cycles_per_step=cycles_per_step, rest_time=rest,
                                   noise="0.5 mV", seed=k, dt=5)
        det = CCDDetector().fit(rec)
        hits += det.failure_step_ == truth.failure_step and det.criterion_ == EXPECTED_CRITERION[failure]
        assert int(det.steps_["n_half_cycles"].iloc[0]) == 2 * cycles_per_step  # rests are not half cycles
    assert hits == 6


def test_a_shared_half_cycles_table_gives_each_detector_the_same_verdict_and_is_not_modified():
    """Two detectors judging one record may share its segmentation (the simulator's judge does): the same CCD and
    short verdicts as each segmenting it itself, and the caller's table untouched (each detector adds columns)."""
    import pandas as pd

    rec, truth = ccd_staircase(failure="hard", noise="0.5 mV", seed=2, j_critical="0.55 mA/cm2", step_time="0.5 h", dt=5)
    hc = half_cycles(rec)
    before = hc.copy()
    own, shared = CCDDetector().fit(rec), CCDDetector().fit(rec, half_cycles_table=hc)
    assert shared.failure_step_ == own.failure_step_ == truth.failure_step
    assert (shared.ccd_A_m2_, shared.criterion_, shared.failure_time_s_) == (own.ccd_A_m2_, own.criterion_, own.failure_time_s_)
    s_own, s_shared = ShortDetector().fit(rec), ShortDetector().fit(rec, half_cycles_table=hc)
    assert (s_shared.short_detected_, s_shared.criterion_, s_shared.failure_half_cycle_) == (
        s_own.short_detected_, s_own.criterion_, s_own.failure_half_cycle_)
    pd.testing.assert_frame_equal(shared.half_cycles_, own.half_cycles_)
    pd.testing.assert_frame_equal(s_shared.half_cycles_, s_own.half_cycles_)
    pd.testing.assert_frame_equal(hc, before)
    # a table that cannot be this record's segmentation is refused, not judged
    short_rec, _ = ccd_staircase(failure=None, j_critical=None, noise="0.5 mV", seed=3, n_steps=3, dt=5)
    for det in (CCDDetector(), ShortDetector()):
        with pytest.raises(ParameterError, match="half_cycles_table must be half_cycles.*record of"):
            det.fit(short_rec, half_cycles_table=hc)
        with pytest.raises(ParameterError, match="half_cycles_table must be half_cycles.*DataFrame"):
            det.fit(rec, half_cycles_table=hc[["start", "stop"]])
