"""The fused NumPy kernel of the electrodeposition ζ update against the backend-generic reference path.

Reference: the solver's own generic ζ update (``_ac_terms``, ``_profile_term``, ``_source``, the island correction of
``_step``: main's code before the kernel, unchanged, and the path JAX/CuPy run), evaluated on the same arrays. The two
differ by round-off only (the kernel regroups the same expressions: module notes of
:mod:`lisse.sim.phasefield._fused_step`). Tolerances: one evaluation 1e-13 relative to the size of the update; a
10-step trajectory with two potential solves 1e-12 relative to ζ's change; longer runs within 10x the model's own
round-off floor (the distance a 1e-15 perturbation of ζ₀ opens on the reference path alone, measured in the same
test: the reaction fronts amplify round-off, ~1e-15 to ~1e-9 in 30 steps at 32²).
"""

from __future__ import annotations

import numpy as np
import pytest

from lisse.constants import FARADAY
from lisse.sim.phasefield._fused_step import FusedStep
from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver
from lisse.sim.phasefield.geometry import smooth_indicator
from lisse.sim.phasefield.model import planar_profile


class _Micro:
    def __init__(self, dx, solid, electrolyte, li0, sigma_ion, sigma_e):
        self.dx, self.solid, self.electrolyte, self.li0 = dx, solid, electrolyte, li0
        self.sigma_ion, self.sigma_e, self.axis = sigma_ion, sigma_e, 0


def _idle_solver(shape: tuple[int, ...], pressure: str = "1 MPa") -> ElectrodepositionSolver:
    """A solver without current (no potential solve) on a non-cubic grid with particles, a front and an electrolyte."""
    dx = 0.1e-6
    idx = np.indices(shape)
    y = (idx[0] + 0.5) * dx
    bump = 1.5 * dx * np.cos(2 * np.pi * idx[1] / shape[1]) * (np.cos(2 * np.pi * idx[2] / shape[2]) if len(shape) == 3 else 1.0)
    z0 = planar_profile(y - 4 * dx - bump, 1.5 * dx)
    solid = (idx[0] - shape[0] // 2) ** 2 + sum((idx[a] - shape[a] // 3) ** 2 for a in range(1, len(shape))) < 9
    el = idx[0] >= shape[0] - 2
    m = _Micro(dx, smooth_indicator(solid & ~el, dx, 1.5 * dx), el, z0, 2.9e-2, 1e-3)
    return ElectrodepositionSolver(m, {"stack_pressure": pressure}, current_density=0.0)


@pytest.mark.parametrize("shape", [(20, 14), (12, 10, 8)])
@pytest.mark.parametrize("pressure", ["1 MPa", "0 MPa"])
def test_kernel_rhs_equals_the_reference_terms(shape, pressure):
    s = _idle_solver(shape, pressure)
    assert isinstance(s._fused, FusedStep)
    rng = np.random.default_rng(3)
    z = np.clip(s.zeta + 0.02 * rng.standard_normal(shape), -0.05, 1.05)  # rough, and outside [0, 1] in places
    dt, b = 0.3 * s.dt, 2e-16
    for bb in (b, 0.0):
        ref = z + dt * s._ac_terms(z) + (dt * s._profile_term(z, bb) if bb > 0 else 0.0)
        new = s._fused.rhs(z, dt, bb, s.pressure)
        scale = float(np.max(np.abs(ref - z)))
        assert scale > 1e-3  # the update is not trivial
        assert float(np.max(np.abs(new - ref))) <= 1e-13 * scale, (shape, pressure, bb)


@pytest.mark.parametrize("shape", [(20, 14), (12, 10, 8)])
def test_kernel_source_and_island_correction_equal_the_reference(shape):
    s = _idle_solver(shape)
    rng = np.random.default_rng(4)
    z = np.clip(s.zeta + 0.02 * rng.standard_normal(shape), -0.05, 1.05)
    ibv = -rng.uniform(1.0, 2.0, shape)  # cathodic current per site area [A/m2]
    nuc = -rng.uniform(0.0, 1.0, shape)
    target = 3e-9
    # the reference: the generic site densities (_sites) and _source's scaling to the applied current
    a_li, a_nuc = s._sites(np, z, s._free, s._near_ion, s._surface)
    q = ibv * a_li + nuc * a_nuc
    total = -float(q.sum()) * s.dx ** len(shape)
    rc = q * (target / total)
    rc2, r2, total2 = s._fused.source(z, ibv, nuc, target)
    assert total2 == pytest.approx(total, rel=1e-13, abs=0)
    np.testing.assert_allclose(rc2, rc, rtol=1e-13, atol=0)
    np.testing.assert_allclose(r2, -rc * (s.molar_volume / FARADAY), rtol=1e-13, atol=0)
    # closed islands: the reference's full-grid correction vs the kernel's on the island cells
    isl = np.zeros(shape, dtype=bool)
    isl[2:5, 3:7] = True
    z_ac = z + 0.01 * rng.standard_normal(shape)
    change = z_ac - z
    w = z_ac * (1.0 - z_ac) * isl
    ref = z_ac - (change[isl].sum() / w.sum()) * w
    new = np.ascontiguousarray(z_ac.copy())
    s._fused.islands(new, z, isl)
    np.testing.assert_allclose(new, ref, rtol=0, atol=1e-15)
    assert abs(float((new - z)[isl].sum())) < 1e-14  # the islands' volume is kept


def _lni(steps: int, *, fused: bool, perturb: float = 0.0, tol: float | None = None) -> ElectrodepositionSolver:
    from lisse.sim.phasefield.presets import run_settings, setup_run

    run = setup_run(run_settings("lni-5cnt", 32))
    s = run.solver
    if tol is not None:
        s = ElectrodepositionSolver(run.micro, s.p, current_density=s.current_density, interface_width=s.c.delta, potential_tol=tol)
    if not fused:
        s._fused = None
    if perturb:
        s.zeta = s.zeta * (1.0 + perturb)
    s.step(steps)
    return s


def test_fused_and_reference_runs_agree_to_1e12():
    """10 steps of the LNI–5 % CNT preset at 32² (potential solves every 4 steps): ζ, R, reservoir and charge."""
    a, b = _lni(10, fused=True), _lni(10, fused=False)
    assert a._fused is not None and b._fused is None
    assert a.potential_solves == b.potential_solves == 3
    assert a.t == pytest.approx(b.t, rel=1e-12, abs=0)  # Δt = max_dzeta/max|R| carries R's round-off
    change = float(np.max(np.abs(b.zeta - b.zeta0)))
    assert change > 0.1
    assert float(np.max(np.abs(a.zeta - b.zeta))) <= 1e-12 * change
    assert float(np.max(np.abs(a.R - b.R))) <= 1e-12 * float(np.max(np.abs(b.R)))
    assert a.reservoir_inflow_m == pytest.approx(b.reservoir_inflow_m, rel=1e-9, abs=1e-12 * change * a.dx)
    ia = a.li_inventory()
    assert abs(ia["error_rel"]) < 1e-9  # Faraday on the fused path


def test_fused_run_stays_within_the_model_round_off_floor():
    """30 steps with the adaptive schedule: the fused run's distance to the reference run is at most 10x the distance a
    relative 1e-15 perturbation of ζ₀ opens on the reference path itself (same schedule, same solves)."""
    a = _lni(30, fused=True, tol=0.01)
    b = _lni(30, fused=False, tol=0.01)
    c = _lni(30, fused=False, tol=0.01, perturb=1e-15)
    floor = float(np.max(np.abs(c.zeta - b.zeta)))
    dist = float(np.max(np.abs(a.zeta - b.zeta)))
    assert a.potential_solves == b.potential_solves
    assert dist <= 10.0 * max(floor, 1e-15), (dist, floor)
    assert abs(a.li_inventory()["error_rel"]) < 1e-9


def test_float32_and_device_backends_keep_the_reference_path():
    from lisse.sim.phasefield.presets import run_settings, setup_run

    run = setup_run(run_settings("lni-5cnt", 32))
    s = ElectrodepositionSolver(run.micro, run.solver.p, current_density=run.solver.current_density, dtype="float32")
    assert s._fused is None
    s.step(3)
    assert s.zeta.dtype == np.float32 and np.all(np.isfinite(s.zeta))


def test_fused_step_reports_non_finite_values():
    from lisse.errors import ConvergenceError

    s = _idle_solver((20, 14))
    z = s.zeta.copy()
    z[3, 4] = np.nan
    s.zeta = z
    with pytest.raises(ConvergenceError, match="non-finite"):
        s.step(1)
