"""The detectors' noise estimator on unevenly logged records (cyclers that log on a voltage change; simulated records
whose substeps end at events): white noise is measured as before, a smooth curve is not noise.

References: the estimator at equal spacing is the second difference / sqrt(6) (its variance is 6 sigma^2 for white
noise); the uneven-spacing form is the residual from linear interpolation between the two neighbours, whose variance
is sigma^2 (1 + w-^2 + w+^2) for weights w-, w+ (an exact identity for independent noise).
"""

from __future__ import annotations

import numpy as np
import pytest

from lisse.analysis.symmetric import _block_noise, _rms_noise, noise_residuals, pooled_noise


def test_equal_spacing_is_the_second_difference_over_sqrt6():
    rng = np.random.default_rng(1)
    v = rng.normal(size=200)
    t = np.arange(200) * 2.5
    np.testing.assert_allclose(noise_residuals(v, t), -np.diff(v, 2) / np.sqrt(6.0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(noise_residuals(v, None), -np.diff(v, 2) / np.sqrt(6.0), rtol=0, atol=0)


@pytest.mark.parametrize("estimator", [_block_noise, _rms_noise])
def test_white_noise_sigma_is_recovered_at_uneven_spacing(estimator):
    rng = np.random.default_rng(7)
    n, sigma = 40_000, 1.3e-3
    t = np.cumsum(rng.choice([0.1, 1.0, 90.0], size=n) * rng.uniform(0.5, 1.5, size=n))  # three logging regimes, jittered
    v = 0.4 + 1e-6 * t + rng.normal(scale=sigma, size=n)  # a slow linear drift does not count either
    assert estimator(v, t) == pytest.approx(sigma, rel=0.03)
    # the old equal-spacing formula on the same uneven record is still right for pure white noise with a tiny drift
    assert estimator(v, None) == pytest.approx(sigma, rel=0.05)


def test_a_smooth_curve_logged_unevenly_is_not_noise():
    # polarisation rising smoothly as in a stripping half cycle, logged in pairs (an event 0.1 s after a regular
    # sample): the equal-spacing formula saw millivolts of "noise" in it, the residual from the neighbours' line sees
    # only the curvature over the short gaps
    t = np.sort(np.concatenate([np.arange(0, 3600, 90.0), np.arange(0, 3600, 90.0)[1:] + 0.1]))
    v = -0.28 - 0.19 * (np.exp(t / 1500.0) - 1.0) / (np.exp(3600 / 1500.0) - 1.0)
    old = _block_noise(v, None)
    new = _block_noise(v, t)
    assert old > 1e-3  # V: what made a noiseless record "erratic" against a 20 uV floor
    assert new < 2e-5  # below the detectors' floor (20 uV)
    starts, stops, npl = np.array([0]), np.array([t.size]), np.array([t.size])
    assert pooled_noise(v, starts, stops, npl, t) < 2e-5 < 1e-3 < pooled_noise(v, starts, stops, npl)


def test_coincident_times_fall_back_to_equal_weights():
    v = np.array([0.0, 1.0, 0.0, 1.0, 0.0])
    t = np.array([0.0, 0.0, 0.0, 1.0, 2.0])
    r = noise_residuals(v, t)
    assert np.all(np.isfinite(r))
    assert r[0] == pytest.approx(1.0 / np.sqrt(1.5), rel=1e-12)  # neighbours at the same time: weights 1/2, 1/2


def test_a_time_axis_of_another_length_is_refused():
    from lisse.errors import ParameterError

    with pytest.raises(ParameterError, match="time has shape"):
        noise_residuals(np.zeros(10), np.zeros(3))
