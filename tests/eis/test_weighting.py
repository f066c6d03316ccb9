"""One residual weighting for circuits, DRT and Kramers–Kronig (lisse.analysis.eis.weighting)."""

from __future__ import annotations

import numpy as np
import pytest

from lisse.analysis.eis.circuits import Circuit
from lisse.analysis.eis.drt import DRT
from lisse.analysis.eis.weighting import WEIGHTINGS, residual_weights
from lisse.errors import ParameterError

Z = np.array([10 - 5j, 3 + 0j, 0.5 - 0.001j])


def test_weights_by_name():
    wr, wi = residual_weights(Z, "modulus")
    np.testing.assert_array_equal(wr, 1 / np.abs(Z))
    np.testing.assert_array_equal(wi, 1 / np.abs(Z))
    wr, wi = residual_weights(Z, "unit")
    np.testing.assert_array_equal(wr, np.ones(3))
    wr, wi = residual_weights(Z, "proportional")
    np.testing.assert_array_equal(wr, 1 / np.abs(Z.real))
    # Z'' = 0 at the second point is floored at 1e-3 |Z| of that point, not of the largest |Z|
    np.testing.assert_allclose(wi, [1 / 5, 1 / (1e-3 * 3), 1 / max(0.001, 1e-3 * abs(Z[2]))], rtol=1e-15, atol=0)


def test_sigma_array_and_bad_names():
    wr, wi = residual_weights(Z, np.array([1.0, 2.0, 4.0]))
    np.testing.assert_array_equal(wr, [1.0, 0.5, 0.25])
    with pytest.raises(ParameterError, match="sigma"):
        residual_weights(Z, np.array([1.0, -2.0, 4.0]))
    with pytest.raises(ParameterError, match="'modulus', 'unit', 'proportional'"):
        residual_weights(Z, "none")


def test_circuit_and_drt_accept_the_same_names():
    assert WEIGHTINGS == ("modulus", "unit", "proportional")
    for w in WEIGHTINGS:
        assert Circuit("R0-p(R1,C1)", weighting=w).weighting == w
        assert DRT(weighting=w).weighting == w
    for bad in ("none", "Unit"):
        with pytest.raises(ParameterError, match="weighting"):
            Circuit("R0-p(R1,C1)", weighting=bad)
        with pytest.raises(ParameterError, match="weighting"):
            DRT(weighting=bad)
    # an array of sigma is a circuit option only
    with pytest.raises(ParameterError, match="weighting"):
        DRT(weighting=np.ones(3))
