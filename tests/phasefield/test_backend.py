"""Array backends of the phase-field update (lisse.sim.phasefield.backend): JAX on the CPU against NumPy.

References: SciPy's orthonormal DCT-II/III (scipy.fft) for the JAX transform pair, and the NumPy backend (the
original solver code; by default the fused NumPy kernel of :mod:`lisse.sim.phasefield._fused_step`, which equals the
generic path JAX runs to round-off, ``tests/phasefield/test_fused_step.py``) as the second method for the whole update: the same run on JAX must
give the same ζ, Li inventory and metrics to 1e-6. The tolerance is the issue's; the runs differ only by round-off
(summation order, FFT-based DCT), which the potential solve amplifies: a relative perturbation of 1e-15 of ζ moves the
lithiophilic run's ζ by up to ~2e-6 in NumPy alone (σ_Li/σ_floor ~ 1e16 in the coupled Jacobian), so the lithiophilic
check sits close to the floor the model itself sets; the LNI run agrees to ~1e-13.
"""

from __future__ import annotations

import importlib.util
import math

import numpy as np
import pytest

from lisse.errors import MissingDependencyError, ParameterError
from lisse.sim.phasefield.backend import BACKENDS, get_backend


def test_unknown_backend_is_refused():
    with pytest.raises(ParameterError, match="backend"):
        get_backend("torch")
    assert BACKENDS == ("numpy", "jax", "cupy")


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_cupy_without_cupy_names_the_gpu_extra():
    with pytest.raises(MissingDependencyError, match=r"lisse\[gpu\]"):
        get_backend("cupy")


@pytest.mark.skipif(importlib.util.find_spec("cupy") is not None, reason="CuPy is installed")
def test_cli_cupy_without_cupy_is_one_line_exit_2(cli, tmp_path):
    r = cli("phasefield", "--preset", "lni-5cnt", "--grid", "32", "--backend", "cupy", "--out", str(tmp_path / "run"))
    assert r.returncode == 2, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "cupy" in lines[0] and "lisse[gpu]" in lines[0] and "Traceback" not in r.stderr


def test_run_settings_checks_the_backend():
    from lisse.sim.phasefield.presets import run_settings

    assert run_settings("lni-5cnt", 32, backend="jax")["backend"] == "jax"
    assert "backend" not in run_settings("lni-5cnt", 32)
    with pytest.raises(ParameterError, match="backend"):
        run_settings("lni-5cnt", 32, backend="gpu")


def test_numpy_backend_keeps_plain_arrays():
    """The NumPy backend's fields are the very arrays the solver computes (no copies, writeable)."""
    from lisse.sim.phasefield.presets import run_settings, setup_run

    s = setup_run(run_settings("lni-5cnt", 32)).solver
    assert type(s.zeta) is np.ndarray and s.zeta is s._dev_zeta and s.zeta.flags.writeable
    assert s.R is s._dev_R and s.reaction_current is s._dev_reaction_current


# ------------------------------------------------------------------------------------------------------------- JAX
def test_jax_dct_pair_matches_scipy():
    pytest.importorskip("jax")
    from scipy.fft import dctn, idctn

    bk = get_backend("jax")
    rng = np.random.default_rng(3)
    for shape in ((16, 12), (6, 5, 7)):
        x = rng.normal(size=shape)
        with bk.scope():
            y = bk.to_numpy(bk.dctn(bk.asarray(x)))
            back = bk.to_numpy(bk.idctn(bk.asarray(y)))
        assert y.dtype == np.float64  # float64 inside the scope
        np.testing.assert_allclose(y, dctn(x, type=2, norm="ortho"), rtol=0, atol=1e-13)
        np.testing.assert_allclose(back, x, rtol=0, atol=1e-13)
        np.testing.assert_allclose(back, idctn(y, type=2, norm="ortho"), rtol=0, atol=1e-13)


def test_jax_float64_scope_does_not_leak():
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    before = bool(jax.config.jax_enable_x64)
    bk = get_backend("jax")
    with bk.scope():
        assert jnp.zeros(2).dtype == jnp.float64
    assert bool(jax.config.jax_enable_x64) == before  # the process-wide default is untouched


def _pair(name: str, steps: int):
    """The same preset run on NumPy and on JAX (32², ``steps`` steps, potential solves every 4 steps)."""
    from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver
    from lisse.sim.phasefield.presets import run_settings, setup_run

    run = setup_run(run_settings(name, 32))
    a = run.solver
    b = ElectrodepositionSolver(run.micro, a.p, current_density=a.current_density, potential_every=a.potential_every, backend="jax")
    a.step(steps)
    b.step(steps)
    return a, b


def _assert_same(a, b, tol: float = 1e-6, floor: dict | None = None) -> None:
    """ζ and the Li inventory agree to ``tol``; each float metric to ``tol`` relative, or — for a metric of the reaction
    current, which the coupled potential solve amplifies from round-off — to 10x its own round-off floor ``floor[k]``
    (the change of that metric when the NumPy run's ζ is perturbed by 1e-15 relative, measured in the same test); a
    residual (``*_error``) is below 1e-9 on both."""
    assert a.potential_solves == b.potential_solves and a.step_count == b.step_count
    assert float(np.max(np.abs(a.zeta - b.zeta))) <= tol
    ia, ib = a.li_inventory(), b.li_inventory()
    assert abs(ia["li_m"] - ib["li_m"]) <= tol * ia["li_m"]
    assert abs(ia["error_rel"]) < 1e-9 and abs(ib["error_rel"]) < 1e-9  # Faraday holds on both backends
    ma, mb = a.metrics(), b.metrics()
    checked = 0
    for k, va in ma.items():
        vb = mb[k]
        if isinstance(va, float) and math.isfinite(va) and k.endswith("_error"):
            # a residual (charge_balance_error ~1e-12): round-off on both backends, not a quantity to match between them
            # (1.6e-12 against 3.2e-12 on a fresh CI machine); checked as a conservation law instead
            assert abs(va) < 1e-9 and abs(vb) < 1e-9, k
            checked += 1
        elif isinstance(va, float) and math.isfinite(va):
            slack = 10.0 * (floor or {}).get(k, 0.0)
            assert vb == pytest.approx(va, rel=tol, abs=max(tol * 1e-6 if k.endswith("_m") else 1e-12, slack)), k
            checked += 1
        elif isinstance(va, str):
            assert va == vb, k
    assert checked >= 10


@pytest.mark.slow
@pytest.mark.parametrize("name", ["lni-5cnt", "lithiophilic"])
def test_jax_backend_equals_numpy(name):
    pytest.importorskip("jax")
    from lisse.sim.phasefield.presets import run_settings, setup_run

    a, b = _pair(name, 50)
    assert b.zeta.flags.writeable is False  # a host mirror: changed by assignment only
    # the round-off floor of the model itself, on NumPy alone: the lithiophilic run's sigma_e spans ~1e16 (Li beside empty
    # pores at the conductivity floor), and a 1e-15 change of ζ moves its reaction current by ~1e-6 relative
    run = setup_run(run_settings(name, 32))
    c = run.solver
    c.zeta = c.zeta * (1.0 + 1e-15)
    c.step(50)
    mc = c.metrics()
    floor = {k: abs(v - mc[k]) for k, v in a.metrics().items() if isinstance(v, float) and math.isfinite(v)}
    # ζ itself is ill-conditioned only at the ~1e-6 level the module notes state (up to ~2e-6): measured 5.0e-7 on the
    # generic NumPy path and 1.06e-6 on the fused kernel (same perturbation, another round-off pattern) for lithiophilic
    assert float(np.max(np.abs(c.zeta - a.zeta))) <= 2e-6
    _assert_same(a, b, floor=floor)


def test_jax_backend_equals_numpy_short():
    """Fast version: 12 steps (three potential solves) of the LNI–5 % CNT preset."""
    pytest.importorskip("jax")
    a, b = _pair("lni-5cnt", 12)
    _assert_same(a, b)


def test_jax_resume_continues_the_numpy_run():
    """A NumPy run's state continued on JAX equals the NumPy run continued (the backend is not part of the state)."""
    pytest.importorskip("jax")
    from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver
    from lisse.sim.phasefield.presets import run_settings, setup_run

    run = setup_run(run_settings("lni-50cnt", 32))
    a = run.solver
    a.step(6)
    b = ElectrodepositionSolver.from_state(run.micro, a.state(), backend="jax")
    a.step(6)
    b.step(6)
    _assert_same(a, b)


@pytest.mark.slow
def test_jax_allen_cahn_solver_equals_numpy():
    """The Allen–Cahn PhaseFieldSolver (SBDF2, coupled potential, direct solve) on JAX vs NumPy."""
    pytest.importorskip("jax")
    from lisse.sim.phasefield.presets import preset_settings, setup_run
    from lisse.sim.phasefield.solver import PhaseFieldSolver

    s = preset_settings("lithiophilic", 32)
    s["model"] = "allen-cahn"
    base = setup_run(s, solve_potential=False).solver
    runs = [PhaseFieldSolver(base.c, base.zeta, base.phi_g, base.dx, solve_potential=True, potential_every=10,
                             potential_method="direct", backend=name) for name in ("numpy", "jax")]
    for r in runs:
        r.step(30)
    a, b = runs
    assert float(np.max(np.abs(a.zeta - a.zeta[0:1]))) > 0.5  # a front is present and moving
    assert float(np.max(np.abs(a.zeta - b.zeta))) <= 1e-6
    st = b.state()  # the BDF2 history comes back to the host
    assert st["zeta_prev"] is not None and np.max(np.abs(st["zeta_prev"] - a.state()["zeta_prev"])) <= 1e-6
