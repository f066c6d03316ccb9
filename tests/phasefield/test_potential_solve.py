"""The potential solve of the electrodeposition phase field: equipotential metal and the factorisations.

Independent references: the previous solve, which resolves the metal's own ohmic drop (σ_Li = 1.1e7 S/m on the grid)
and factorises the full coupled Jacobian with SuperLU (a second factorisation code), and the face-connected
component labelling of the metal written out by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver, _collector_metal

from .test_electrodeposition import _porous_micro


@pytest.mark.parametrize("linear_solver", ["direct", "superlu"])
def test_equipotential_metal_matches_the_resolved_metal_solve(linear_solver):
    # Error bound (module notes): holding the collector-wired metal (σ_e ≥ 1e-2 σ_Li) at φ_e = 0 drops its ohmic
    # potential, at most i_max·H/σ_c ~ 10 A/m2 · 20 µm / 1.1e5 S/m ≈ 2e-9 V here, against overpotentials of tens of
    # mV: η, the reaction current and ζ agree with the resolved solve to 1e-6 relative (measured ~3e-9). Breaking the
    # threshold (holding every wired cell with σ_e ≥ 1e-12 σ_Li, i.e. the host too) fails it (η off by 40 %).
    m = _porous_micro()
    new = ElectrodepositionSolver(m, current_density=10.0, potential_every=3, linear_solver=linear_solver)
    old = ElectrodepositionSolver(m, current_density=10.0, potential_every=3, linear_solver="superlu", metal_equipotential=False)
    for _ in range(2):
        new.step(6)
        old.step(6)
        assert new.potential_info["equipotential_metal_cells"] > 100  # the metal really left the system
        eta_n, eta_o = new.phi_e - new.phi_ion, old.phi_e - old.phi_ion
        assert np.max(np.abs(eta_n - eta_o)) < 1e-6 * np.max(np.abs(eta_o))
        q_n, q_o = new.reaction_current, old.reaction_current
        assert np.abs(q_n - q_o).sum() < 1e-6 * np.abs(q_o).sum()
        assert np.max(np.abs(new.zeta - old.zeta)) < 1e-6
    assert abs(new.li_inventory()["error_rel"]) < 1e-6


def test_collector_metal_is_the_face_connected_metal_touching_the_collector():
    sig = np.full((6, 5), 1e-3)
    sig[0:2, :] = 1e7  # the anode
    sig[2:4, 1] = 1e7  # a filament wired to it
    sig[3, 3] = 1e7  # an island (touches the filament's column only diagonally: not face-connected)
    sig[2, 2] = 1e7  # diagonal neighbour of the island, face-connected to the filament
    sig[5, :] = 1e7  # a layer at the far face, not wired
    held = _collector_metal(sig, 1e5)
    expected = np.zeros_like(held)
    expected[0:2, :] = True
    expected[2:4, 1] = True
    expected[2, 2] = True
    assert np.array_equal(held, expected)
    detached = np.where(np.arange(6)[:, None] == 0, 1e-3, 1e7) * np.ones((6, 5))  # metal everywhere but on the collector
    assert not _collector_metal(detached, 1e5).any()
    none = _collector_metal(np.full((4, 4), 1e-3), 1e5)
    assert not none.any()


def _lni(n: int, linear_solver: str, **kw):
    from lisse.sim.phasefield.presets import preset_settings, setup_run

    s = preset_settings("lni-5cnt", grid=n)
    s["shape"] = (n, n)
    base = setup_run(s, solve_potential=False).solver
    return ElectrodepositionSolver(base.micro, base.p, current_density=base.current_density, interface_width=base.c.delta,
                                   linear_solver=linear_solver, **kw)


@pytest.mark.parametrize(("reference", "blocks", "held"), [("coupled", "cholmod", 0.25), ("superlu", "cholmod", 0.0),
                                                          ("superlu", "superlu", 0.25), ("superlu", "superlu", 0.0)])
def test_block_solve_matches_the_coupled_factorisation(reference, blocks, held, monkeypatch):
    # The default solve (CG on the coupled system, block-Jacobi factors by CHOLMOD or, without scikit-sparse, SuperLU,
    # the ionic one kept across updates) against a direct factorisation of the whole coupled Jacobian (CHOLMOD, or
    # SuperLU: a second code) on the lni-5cnt layer at 48², fixed schedule (CG then stops at the Jacobi-scaled residual
    # 1e-10: measured agreement 1e-13). φ_e, φ_ion, the reaction current and ζ after 3 × 8 steps agree to 1e-6
    # relative. Breaking it (dropping the coupling −D from the block operator's product) fails it. held = 0: the
    # electronic factor always leaves the held metal's identity rows out (restricted elimination order). (Not the
    # lithiophilic preset: there the model amplifies round-off ~1e9x, and even the two direct factorisations, CHOLMOD
    # and SuperLU, differ by 3e-4 in ζ after 100 steps at 64²; the block path differs from CHOLMOD by the same 3e-4.)
    import lisse.sim.phasefield.electrodeposition as ed

    monkeypatch.setattr(ed, "_BLOCK_HELD", held)

    if reference == "coupled" or blocks == "cholmod":
        pytest.importorskip("sksparse")
    if blocks == "superlu":
        monkeypatch.setattr(ed, "_cholmod", lambda: None)
    new = _lni(48, "direct", potential_every=4)
    old = _lni(48, reference, potential_every=4)
    for _ in range(3):
        new.step(8)
        old.step(8)
        for a, b in ((new.phi_e, old.phi_e), (new.phi_ion, old.phi_ion)):
            assert np.max(np.abs(a - b)) <= 1e-6 * np.max(np.abs(b))
        assert np.abs(new.reaction_current - old.reaction_current).sum() <= 1e-6 * np.abs(old.reaction_current).sum()
        assert np.max(np.abs(new.zeta - old.zeta)) <= 1e-6
    assert new.potential_info["factorisation"] == f"{blocks}-block" and new.potential_info["pcg_iterations"] > 0
    assert new.potential_info["ionic_factor_kept"] > 0  # solves on a kept ionic factor
    assert old.potential_info["factorisation"] == ("cholmod" if reference == "coupled" else "superlu")


def test_block_solve_falls_back_to_the_coupled_factorisation(monkeypatch):
    # CG that cannot converge (an iteration cap of 1) hands the Newton step to the coupled factorisation: same answer
    pytest.importorskip("sksparse")
    import lisse.sim.phasefield.electrodeposition as ed

    ref = _lni(32, "coupled", potential_every=4)
    monkeypatch.setattr(ed, "_BLOCK_MAX", 1)
    s = _lni(32, "direct", potential_every=4)
    assert s.potential_info["factorisation"] == "cholmod" and s._blk_skip > 0
    assert np.max(np.abs(s.phi_ion - ref.phi_ion)) <= 1e-9 * np.max(np.abs(ref.phi_ion))


def test_stencil_assembles_the_stiffness_matrix():
    # the fixed-pattern assembly against _stiffness (the shared finite-volume assembly, COO built per call)
    from lisse.sim.phasefield.electrodeposition import _Stencil, _stiffness

    rng = np.random.default_rng(3)
    for shape in ((7, 5), (4, 5, 6)):
        sig = 10.0 ** rng.uniform(-8, 7, shape)
        st = _Stencil(shape)
        for bottom in (True, False):
            a, b = st.csr(st.data(sig, 2e-7, bottom)), _stiffness(sig, 2e-7, bottom)
            assert a.nnz == b.nnz
            assert abs(a - b).max() <= 1e-14 * abs(b).max()
            assert abs(st.csc(st.data(sig, 2e-7, bottom)) - b).max() <= 1e-14 * abs(b).max()  # symmetric: same arrays by column
