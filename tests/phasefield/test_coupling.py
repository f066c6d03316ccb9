"""Coupling to the 1D interface simulator: the focusing factor it takes, checked against the phase field's own current."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from lisse.errors import ParameterError
from lisse.sim.interface.coupling import focused_current_density, protrusion_focusing
from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver
from lisse.sim.phasefield.metrics import front_roughness
from lisse.sim.phasefield.model import planar_profile


@dataclass
class _Micro:
    dx: float
    solid: object
    electrolyte: np.ndarray
    li0: np.ndarray
    sigma_ion: object
    sigma_e: object
    axis: int = 0


@pytest.mark.parametrize("amp", [2e-6, 4e-6])
def test_1d_focused_tip_current_from_the_measured_roughness_matches_the_phase_field(amp):
    # one geometry: a cosine Li front (half a period across the domain, tip at x = 0) plating at 1 mA/cm2 into an ohmic
    # ion conductor (LNI, 0.03 S/m), i0 = 1 mA/cm2. The 1D route: the phase-field METRIC's roughness w -> protrusion_focusing
    # -> j_tip = (j/f_c) F; the reference: the phase field's own reaction current, its first lateral harmonic at the tip.
    shape, dx, delta = (96, 32), 2e-6, 3e-6
    ny, nx = shape
    y = (np.arange(ny) + 0.5) * dx
    x = (np.arange(nx) + 0.5) * dx
    k = math.pi / (nx * dx)
    z0 = planar_profile(y[:, None] - (40e-6 + amp * np.cos(k * x))[None, :], delta)
    s = ElectrodepositionSolver(_Micro(dx, 0.0, np.ones(shape, dtype=bool), z0, 0.03, 0.0), {"exchange_current_density": 10.0},
                                current_density=10.0, electrolyte_blocks=False, interface_width=delta)
    col = s.R.sum(axis=0)
    tip_over_mean = 1.0 + 2.0 / nx * float(np.sum(col * np.cos(k * x))) / float(col.mean())
    w = front_roughness(z0, dx)
    assert w == pytest.approx(amp / math.sqrt(2.0), rel=0.03)  # the metric's RMS of a cosine
    f = protrusion_focusing(w, 2 * nx * dx, 10.0, 0.03, 10.0)
    assert f - 1.0 == pytest.approx(tip_over_mean - 1.0, rel=0.06)
    assert focused_current_density(10.0, 1.0, f) == pytest.approx(10.0 * tip_over_mean, rel=0.01)
    assert focused_current_density("1 mA/cm2", 0.5, f) == pytest.approx(20.0 * f, rel=1e-12)  # type: ignore[arg-type]  # units string


def test_coupling_refuses_unphysical_inputs():
    with pytest.raises(ParameterError, match="roughness"):
        protrusion_focusing(-1e-6, 1e-5, 10.0, 0.03, 10.0)
    with pytest.raises(ParameterError, match="contact_fraction"):
        focused_current_density(10.0, 0.0)
    with pytest.raises(ParameterError, match="focusing"):
        focused_current_density(10.0, 0.5, float("nan"))
    assert protrusion_focusing(0.0, 1e-5, 10.0, 0.03, 10.0) == 1.0  # a flat front: no focusing
