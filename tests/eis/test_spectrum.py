"""EISSpectrum container: validation, immutability, views."""

from __future__ import annotations

import numpy as np
import pytest

from lisse.errors import ParameterError
from lisse.records.spectrum import EISSpectrum


def test_views_and_copies():
    f = np.array([1.0, 100.0, 10.0])
    z = np.array([10 - 1j, 5 - 0.5j, 7 - 2j])
    s = EISSpectrum(f, z, area=1e-4, label="x")
    assert s.phase_deg[0] == pytest.approx(np.degrees(np.arctan2(-1, 10)))
    np.testing.assert_allclose(s.omega, 2 * np.pi * f)
    srt = s.sorted()
    np.testing.assert_allclose(srt.frequency, [100, 10, 1])
    np.testing.assert_allclose(srt.impedance, [5 - 0.5j, 7 - 2j, 10 - 1j])
    np.testing.assert_allclose(s.area_specific(), z * 1e-4)
    assert len(s.crop(f_min=5)) == 2
    with pytest.raises(ValueError):
        s.frequency[0] = 3.0  # read-only: input data are never modified
    f[0] = 99.0
    assert s.frequency[0] == 1.0  # the container owns a copy
    assert s.with_geometry(thickness=1e-3).thickness == 1e-3
    assert list(s.to_frame().columns) == ["frequency_Hz", "z_real_ohm", "z_imag_ohm"]


@pytest.mark.parametrize(
    "f,z,kw,match",
    [
        ([1, 2], [1 + 0j], {}, "2 points"),
        ([1, -2], [1, 2], {}, "> 0 Hz"),
        ([1, 2], [1, np.nan], {}, "non-finite"),
        ([1, 2], [1, 2], {"area": -1.0}, "area"),
        ([], [], {}, "at least one"),
    ],
)
def test_bad_input(f, z, kw, match):
    with pytest.raises(ParameterError, match=match):
        EISSpectrum(f, z, **kw)


def test_area_specific_needs_area():
    with pytest.raises(ParameterError, match="area"):
        EISSpectrum([1.0], [1.0]).area_specific()
