"""lisse's peak finder (used by the DRT) against :func:`scipy.signal.find_peaks`, the independent reference.

Random curves, smooth and noisy, with flat tops (values rounded to a coarse grid), edges and ties:
the same peak indices, heights and prominences, for several height and prominence bounds.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import find_peaks as scipy_find_peaks

from lisse.analysis._peaks import find_peaks


def _curves():
    rng = np.random.default_rng(20261129)
    x = np.linspace(0, 1, 400)
    yield np.exp(-((x - 0.3) / 0.05) ** 2) + 0.4 * np.exp(-((x - 0.7) / 0.1) ** 2)  # two smooth peaks (DRT-like)
    yield np.zeros(50)  # flat: no peak
    yield np.array([0.0, 1.0, 1.0, 1.0, 0.0, 2.0, 2.0, 0.0])  # plateaus
    yield np.array([1.0, 0.0, 1.0])  # maxima at the edges are not peaks
    yield np.array([0.0, 1.0, 1.0])  # a plateau that runs to the edge is not a peak
    for _ in range(40):
        n = int(rng.integers(3, 300))
        y = rng.standard_normal(n).cumsum()
        if rng.random() < 0.5:
            y = np.round(y * 2) / 2  # ties and flat tops
        yield y


@pytest.mark.parametrize("height", [None, 0.0, 0.3])
@pytest.mark.parametrize("prominence", [None, 0.0, 0.05, 0.5, 2.0])
def test_same_peaks_as_scipy(height, prominence):
    for y in _curves():
        scale = float(np.max(np.abs(y))) or 1.0
        h = None if height is None else height * scale
        p = None if prominence is None else prominence * scale
        got, gprops = find_peaks(y, height=h, prominence=p)
        ref, rprops = scipy_find_peaks(y, height=h, prominence=p)
        np.testing.assert_array_equal(got, ref)
        if h is not None:
            np.testing.assert_array_equal(gprops["peak_heights"], rprops["peak_heights"])
        if p is not None:
            np.testing.assert_allclose(gprops["prominences"], rprops["prominences"], rtol=0, atol=1e-12 * scale)
