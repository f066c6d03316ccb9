"""Kinetics analysis at its edges: window boundaries, point counts, R², single branches, LSV zero crossing,
summary keys and refusals. Written to kill the meaningful mutants that survived tools/mutation.sh kinetics;
every expectation is counted or computed here from the synthetic data.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from lisse.analysis.kinetics import allen_hickling_fit, charge_transfer_resistance, lsv_overpotential, tafel_fit
from lisse.citations import collecting
from lisse.errors import CalculationError, ParameterError

R, F = 8.314462618, 96485.33212


def _bv(eta, i0, a=0.5, T=298.15):
    f = F / (R * T)
    return i0 * (np.exp(a * f * eta) - np.exp(-(1 - a) * f * eta))


ETA = np.arange(-25, 26) / 100.0  # -0.25 ... 0.25 V in 10 mV steps; 0.1 and 0.25 are exact


def _r2(x, y):
    a, b = np.polyfit(x, y, 1)
    return 1 - np.sum((y - (a * x + b)) ** 2) / np.sum((y - y.mean()) ** 2)


def test_tafel_window_is_inclusive_and_counts_points():
    i = _bv(ETA, 0.01)  # i0 = 0.01 A/m2: |i| < 1 A/m2 in the whole window
    fit = tafel_fit(ETA, i, window_V=(0.10, 0.25))
    assert fit.n_points_ == {"anodic": 16, "cathodic": 16}  # 100, 110, ..., 250 mV on each side
    assert fit.windows_V_["anodic"] == (0.10, 0.25) and fit.windows_V_["cathodic"] == (-0.25, -0.10)
    assert fit.method == "tafel"
    sel = (ETA >= 0.1) & (ETA <= 0.25)
    assert fit.r2_["anodic"] == pytest.approx(_r2(ETA[sel], np.log(i[sel])), rel=1e-12)
    s = fit.summary()
    assert set(s) >= {"method", "i0_mA_cm2", "alpha_anodic", "alpha_cathodic", "rct_ohm_cm2", "fit_windows_mV", "r2",
                      "n_points", "temperature_K"}
    assert s["method"] == "tafel" and s["temperature_K"] == 298.15
    assert (s["alpha_anodic"], s["alpha_cathodic"]) == (fit.alpha_a_, fit.alpha_c_)
    assert s["rct_ohm_cm2"] == pytest.approx(fit.rct_ohm_m2_ * 1e4, rel=1e-15)
    assert s["fit_windows_mV"] == {"anodic": [pytest.approx(100.0, rel=1e-12), pytest.approx(250.0, rel=1e-12)],
                                   "cathodic": [pytest.approx(-250.0, rel=1e-12), pytest.approx(-100.0, rel=1e-12)]}
    assert s["r2"] == fit.r2_ and s["n_points"] == fit.n_points_


def test_tafel_r2_below_one_on_noisy_narrow_window():
    rng = np.random.default_rng(4)
    eta = np.array([0.10, 0.105, 0.11, -0.10, -0.105, -0.11])
    i = _bv(eta, 5.0) * np.exp(0.01 * rng.standard_normal(eta.size))
    fit = tafel_fit(eta, i, window_V=(0.10, 0.11))  # exactly 3 points per branch is enough
    assert fit.n_points_ == {"anodic": 3, "cathodic": 3}
    y = np.log(i[:3])
    assert np.sum((y - y.mean()) ** 2) < 1  # a small spread: R² must still be computed, not set to 1
    assert fit.r2_["anodic"] == pytest.approx(_r2(eta[:3], y), rel=1e-9)
    assert fit.r2_["anodic"] < 0.999


def test_tafel_constant_current_gives_zero_slope_and_no_r2():
    """A constant current: the slope is 0 and there is no variance to explain, so R^2 is undefined (NaN), not a perfect 1
    (review s49: it read as an ideal Tafel line)."""
    eta = np.array([0.1, 0.15, 0.2, 0.25])
    fit = tafel_fit(eta, np.full(4, 3.0), branches=("anodic",))
    assert math.isnan(fit.r2_["anodic"]) and fit.alpha_a_ == pytest.approx(0.0, abs=1e-12)


def test_tafel_single_branch_and_temperature():
    T = 350.0
    i = _bv(ETA, 5.0, a=0.4, T=T)
    an = tafel_fit(ETA, i, window_V=(0.2, 0.25), branches=("anodic",), temperature_K=T)
    assert math.isnan(an.alpha_c_) and set(an.n_points_) == {"anodic"}
    ca = tafel_fit(ETA, i, window_V=(0.2, 0.25), branches=("cathodic",), temperature_K=T)
    assert math.isnan(ca.alpha_a_) and ca.alpha_c_ == pytest.approx(0.6, abs=0.02)
    assert an.rct_ohm_m2_ == pytest.approx(R * T / (F * an.i0_A_m2_), rel=1e-9)  # R_ct at 350 K, not 298 K
    assert charge_transfer_resistance(2.0, 350.0) == pytest.approx(R * 350.0 / (F * 2.0), rel=1e-9)


def test_tafel_ignores_zero_and_nan_points():
    i = _bv(ETA, 5.0)
    ref = tafel_fit(ETA, i)
    bad = i.copy()
    k0 = int(np.flatnonzero(ETA == 0.2)[0])
    k1 = int(np.flatnonzero(ETA == -0.2)[0])
    bad[k0] = 0.0  # a dropout in the anodic window (log 0 must not enter the fit)
    bad[k1] = 0.0
    fit = tafel_fit(ETA, bad)
    assert fit.n_points_ == {"anodic": 15, "cathodic": 15}
    assert fit.i0_A_m2_ == pytest.approx(ref.i0_A_m2_, rel=0.02)
    nan_i = i.copy()
    nan_i[k0] = np.nan  # NaN in the current only: that point is dropped
    assert tafel_fit(ETA, nan_i).n_points_["anodic"] == 15
    nan_e = ETA.copy()
    nan_e[k1] = np.nan
    assert tafel_fit(nan_e, i).n_points_["cathodic"] == 15


@pytest.mark.parametrize(("kwargs", "exc", "parts"), [
    ({"window_V": (0.2, 0.2)}, ParameterError, ["window_V must satisfy 0 <= low < high"]),
    ({"window_V": (-0.1, 0.2)}, ParameterError, ["window_V must satisfy"]),
    ({"branches": ("sideways",)}, ParameterError, ["branch must be 'anodic' or 'cathodic'", "'sideways'"]),
    ({"window_V": (0.245, 0.25)}, CalculationError, ["Tafel anodic branch, |eta| in [245, 250] mV", "need at least 3"]),
])
def test_tafel_refusals(kwargs, exc, parts):
    with pytest.raises(exc) as e:
        tafel_fit(ETA, _bv(ETA, 5.0), **kwargs)
    for p in parts:
        assert p in str(e.value), (p, str(e.value))


def test_tafel_window_from_zero_is_allowed():
    fit = tafel_fit(ETA, _bv(ETA, 5.0), window_V=(0.0, 0.25))
    assert fit.n_points_ == {"anodic": 25, "cathodic": 25}  # eta = 0 has i = 0 and is not on either branch


def test_allen_hickling_window_counts_citations_and_small_currents():
    i = _bv(ETA, 0.01, a=0.3)  # y = i/(1 - exp(-f eta)) < 1 A/m2 everywhere: all points kept
    with collecting() as keys:
        fit = allen_hickling_fit(ETA, i, window_V=(0.01, 0.25))
    assert {"Su2024", "AllenHickling1957"} <= set(keys)
    assert fit.method == "allen-hickling" and fit.n_points_ == {"both": 50}
    assert fit.windows_V_ == {"both": (-0.25, 0.25)}
    assert fit.i0_A_m2_ == pytest.approx(0.01, rel=1e-6) and fit.alpha_a_ == pytest.approx(0.3, abs=1e-6)
    assert fit.alpha_c_ == pytest.approx(0.7, abs=1e-6)
    assert fit.r2_ == {"both": pytest.approx(1.0, abs=1e-9)}
    T = 340.0
    hot = allen_hickling_fit(ETA, _bv(ETA, 0.01, a=0.3, T=T), temperature_K=T)
    assert hot.alpha_a_ == pytest.approx(0.3, abs=1e-6)
    assert hot.rct_ohm_m2_ == pytest.approx(R * T / (F * 0.01), rel=1e-5)


def test_allen_hickling_r2_and_dropout():
    rng = np.random.default_rng(2)
    i = _bv(ETA, 5.0) * np.exp(0.3 * rng.standard_normal(ETA.size))
    fit = allen_hickling_fit(ETA, i)
    f = F / (R * 298.15)
    sel = (np.abs(ETA) >= 0.005) & (np.abs(ETA) <= 0.25)
    x = ETA[sel]
    y = np.log(i[sel] / -np.expm1(-f * x))
    assert fit.r2_["both"] == pytest.approx(_r2(x, y), rel=1e-9) and fit.r2_["both"] < 0.999
    bad = i.copy()
    bad[np.flatnonzero(ETA == 0.1)[0]] = 0.0  # y = 0 must not enter the log
    assert allen_hickling_fit(ETA, bad).n_points_ == {"both": 49}


def test_allen_hickling_three_points_and_refusals():
    eta = np.array([-0.1, 0.05, 0.1])
    assert allen_hickling_fit(eta, _bv(eta, 5.0)).n_points_ == {"both": 3}
    with pytest.raises(CalculationError, match="Allen-Hickling: fewer than 3 points"):
        allen_hickling_fit(eta[:2], _bv(eta[:2], 5.0))
    for w in ((0.0, 0.25), (0.1, 0.1)):
        with pytest.raises(ParameterError, match=r"0 < low < high \(η = 0 is excluded\)"):
            allen_hickling_fit(ETA, _bv(ETA, 5.0), window_V=w)


def test_prep_refuses_bad_shapes():
    with pytest.raises(ParameterError, match="eta and i must be 1-D arrays of equal length"):
        tafel_fit(ETA, _bv(ETA, 5.0)[:-1])
    with pytest.raises(ParameterError, match="1-D"):
        allen_hickling_fit(ETA.reshape(3, 17), _bv(ETA, 5.0).reshape(3, 17))


def test_lsv_overpotential_interpolates_the_zero_crossing():
    v = np.array([0.00, 0.01, 0.02, 0.03])
    i_A = np.array([-3.0, -1.0, 2.0, 4.0]) * 1e-3
    eta, j, eeq = lsv_overpotential(v, i_A, 1e-4)
    assert eeq == pytest.approx(0.01 + 1.0 * 0.01 / 3.0, rel=1e-12)  # linear between (0.01, -1) and (0.02, 2)
    np.testing.assert_allclose(j, [-30.0, -10.0, 20.0, 40.0], rtol=1e-12)
    np.testing.assert_allclose(eta, v - eeq, rtol=0, atol=1e-15)  # no ohmic correction unless asked
    eta2, _, _ = lsv_overpotential(v, i_A, 1e-4, asr_ohm_m2=1e-4)
    np.testing.assert_allclose(eta2, v - eeq - j * 1e-4, rtol=0, atol=1e-15)
    eta3, _, e3 = lsv_overpotential(v, i_A, 1e-4, e_eq_V=0.005)
    assert e3 == 0.005 and eta3 == pytest.approx(v - 0.005, abs=1e-15)


def test_lsv_overpotential_exact_zero_sample_and_later_crossings():
    v = np.array([0.0, 0.01, 0.02, 0.03, 0.04, 0.05])
    # a sample at exactly zero current before the first sign change: that sample is E_eq
    _, _, e = lsv_overpotential(v, np.array([-2.0, -1.0, 0.0, 1.0, 2.0, -1.0]), 1.0)
    assert e == 0.02
    # the first sign change comes before the zero sample: interpolate there
    _, _, e = lsv_overpotential(v, np.array([-1.0, 1.0, 0.0, 1.0, 2.0, 3.0]), 1.0)
    assert e == pytest.approx(0.005, rel=1e-12)
    with pytest.raises(CalculationError, match="LSV: the current never changes sign; give e_eq_V"):
        lsv_overpotential(v, np.full(6, 1.0), 1.0)
    with pytest.raises(ParameterError, match=r"'exchange_current_density' must be a finite number > 0 mA/cm2; got -0.1 mA/cm2"):
        charge_transfer_resistance(-1.0)


@pytest.mark.parametrize("fit_fn", [tafel_fit, allen_hickling_fit])
def test_fit_keeps_the_finite_data_and_temperature_for_plots(fit_fn):
    T = 310.0
    eta = ETA.copy()
    i = _bv(eta, 5.0, T=T)
    eta[3] = np.nan
    i[40] = np.inf
    fit = fit_fn(eta, i, temperature_K=T)
    keep = np.isfinite(eta) & np.isfinite(i)
    assert fit.eta_V_.shape == (int(keep.sum()),) and fit.i_A_m2_.shape == (int(keep.sum()),)
    np.testing.assert_array_equal(fit.eta_V_, eta[keep])
    np.testing.assert_array_equal(fit.i_A_m2_, i[keep])
    assert fit.temperature_K == T and fit.summary()["temperature_K"] == T


def test_tafel_cathodic_window_upper_limit():
    fit = tafel_fit(ETA, _bv(ETA, 5.0), window_V=(0.10, 0.20))
    assert fit.n_points_ == {"anodic": 11, "cathodic": 11}
    assert fit.windows_V_["cathodic"] == (-0.20, -0.10)


def test_messages_start_with_the_method():
    with pytest.raises(CalculationError, match=r"^LSV: the current never changes sign"):
        lsv_overpotential(ETA, np.ones(ETA.size), 1.0)
    with pytest.raises(CalculationError, match=r"^Allen-Hickling: fewer than 3 points"):
        allen_hickling_fit(ETA[:2], _bv(ETA[:2], 5.0))
