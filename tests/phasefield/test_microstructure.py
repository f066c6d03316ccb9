"""Three-phase microstructure generators against independent references.

References: the Boolean model of overlapping balls, ε = exp(−n V) (Torquato 2002, eq. 3.? / ch. 5); the RSA
jamming coverage of discs, 0.547 (Torquato 2002); the percolation threshold of random widthless sticks in
2D, n_c l² = 5.637 (J. Li, S.-L. Zhang, Phys. Rev. E 80, 040104(R) (2009)); pore-size distributions of
slits and round pores (exact).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from lisse.errors import ParameterError
from lisse.sim.phasefield.microstructure import (
    MAX_CELLS,
    Microstructure,
    fibre_network,
    graded_layer,
    particle_packing,
    pore_size_distribution,
    spans,
)

DX = 10e-9


@pytest.mark.parametrize("shape,d,target", [((192, 192), 120e-9, 0.35), ((40, 40, 40), 160e-9, 0.5)])
def test_overlapping_packing_reaches_target_and_the_boolean_model(shape, d, target):
    m = particle_packing(shape, DX, target, d, layer=(100e-9, shape[0] * DX - 100e-9), seed=3)
    assert isinstance(m, Microstructure)
    # target reached to within ~one particle's share of the layer (stop rule), stated tolerance 0.02
    assert abs(m.porosity - target) < 0.02
    # independent: the Boolean model's porosity exp(-n V) at the number density actually placed;
    # tolerance 0.04 covers the finite count (~100-300 balls: 1/sqrt(N) fluctuations) and the pixelation
    assert abs(m.porosity - m.info["boolean_porosity"]) < 0.04
    vball = math.pi * d * d / 4 if len(shape) == 2 else math.pi * d ** 3 / 6
    assert m.info["boolean_porosity"] == pytest.approx(math.exp(-m.info["number_density_m3"] * vball), rel=1e-12)


def test_boolean_model_mean_over_seeds_is_tight():
    """Averaged over seeds, the achieved porosity converges to exp(-nV) (independent of the stop rule)."""
    diffs = []
    for seed in range(4):
        m = particle_packing((160, 160), DX, 0.45, 100e-9, layer=(50e-9, 1550e-9), seed=seed)
        diffs.append(m.porosity - m.info["boolean_porosity"])
    assert abs(np.mean(diffs)) < 0.02


def test_packing_phases_are_consistent_and_reproducible():
    kw: dict[str, Any] = dict(layer=(300e-9, 1000e-9), seed=7)
    a = particle_packing((128, 96), DX, 0.4, 150e-9, **kw)
    b = particle_packing((128, 96), DX, 0.4, 150e-9, **kw)
    c = particle_packing((128, 96), DX, 0.4, 150e-9, layer=(300e-9, 1000e-9), seed=8)
    assert np.array_equal(a.solid, b.solid) and not np.array_equal(a.solid, c.solid)
    y = a.depth()
    assert np.all(a.solid[(y < 300e-9 - 2 * DX) | (y > 1000e-9 + 2 * DX)] == 0.0)  # solid only in the layer
    assert a.electrolyte[y > 1000e-9].all() and not a.electrolyte[y <= 1000e-9].any()
    assert a.li0[0].min() > 0.99 and a.li0[y > 400e-9].max() < 1e-3  # Li slab at the bottom
    total = a.li0 + a.solid + a.electrolyte + a.pore
    assert total.min() >= 1.0 - 1e-9  # every cell is some phase (pore fills the rest)
    assert a.sigma_ion[a.electrolyte].min() == pytest.approx(3.1e-2)  # LNI 3.1e-4 S/cm [Wang2024]
    assert 0 < a.pore_size < 1000e-9


def test_rsa_refuses_porosity_below_jamming_and_reaches_a_loose_target():
    with pytest.raises(ParameterError, match="jam"):
        particle_packing((96, 96), DX, 0.3, 100e-9, layer=(100e-9, 900e-9), method="rsa", max_tries=20_000)
    m = particle_packing((96, 96), DX, 0.7, 100e-9, layer=(100e-9, 900e-9), method="rsa", seed=2)
    assert abs(m.porosity - 0.7) < 0.03


def test_bounded_sizes_and_bad_input():
    n = int(round(MAX_CELLS ** 0.5)) + 1
    with pytest.raises(ParameterError, match="limit"):
        particle_packing((n, n), DX, 0.4, 100e-9, layer=(0.0, 1e-7))
    with pytest.raises(ParameterError, match="shape"):
        particle_packing((8, 8, 8, 8), DX, 0.4, 100e-9, layer=(0.0, 4e-8))
    with pytest.raises(ParameterError, match="porosity"):
        particle_packing((64, 64), DX, 1.2, 100e-9, layer=(1e-7, 5e-7))
    with pytest.raises(ParameterError, match="layer"):
        particle_packing((64, 64), DX, 0.4, 100e-9, layer=(1e-7, 5e-6))


def test_quantity_strings_are_accepted():
    m = particle_packing((64, 64), "10 nm", 0.5, "100 nm", layer=(1e-7, 5e-7), sigma_ion="3e-4 S/cm", seed=1)
    assert m.dx == pytest.approx(1e-8, rel=1e-12)
    assert m.sigma_ion[10, 0] == pytest.approx(3e-2, rel=1e-12)


def test_fibre_volume_fraction_and_conductivities():
    m = fibre_network((160, 160), DX, 0.12, 30e-9, 500e-9, layer=(200e-9, 1400e-9), seed=4)
    fibre_share = 30e-9 * 500e-9 / (1200e-9 * 1600e-9)  # one fibre's share of the layer
    assert abs(m.info["fibre_volume_fraction"] - 0.12) <= fibre_share + 0.005
    band = m.band()
    assert m.electronic is not None and m.electronic[~band].sum() == 0
    assert np.all(m.sigma_e[m.electronic] == pytest.approx(1e4))
    assert np.all(m.sigma_ion[m.electronic] == 0.0)
    assert np.all(m.solid[m.electronic] > 0.5)  # fibres are solid
    assert m.porosity == pytest.approx(0.0, abs=1e-12)  # dense matrix


def test_fibre_network_3d_and_curved():
    m = fibre_network((40, 32, 32), 20e-9, 0.08, 50e-9, 400e-9, layer=(100e-9, 700e-9), curvature=2e3, seed=1,
                      matrix_porosity=0.4, particle_diameter=120e-9)
    assert abs(m.info["fibre_volume_fraction"] - 0.08) < 0.03
    assert 0.2 < m.porosity < 0.5  # matrix pores partly taken by fibres


def test_fibre_percolation_follows_the_stick_threshold():
    """Spanning (checked by scipy.ndimage.label in `spans`) far below / far above n_c l² = 5.637 [Li & Zhang 2009]."""
    dx, length, dia = 1e-8, 300e-9, 20e-9  # l/w = 15
    shape = (200, 200)
    layer = (0.0, 2e-6)

    def fraction_for(nl2):  # Boolean model of strips: φ = 1 − exp(−n l w)
        return 1.0 - math.exp(-nl2 * dia / length)

    low = [fibre_network(shape, dx, fraction_for(1.5), dia, length, layer=layer, seed=s, electrolyte=False) for s in range(3)]
    high = [fibre_network(shape, dx, fraction_for(15.0), dia, length, layer=layer, seed=s, electrolyte=False) for s in range(3)]
    assert not any(m.info["fibres_span_layer"] for m in low)
    assert all(m.info["fibres_span_layer"] for m in high)


def test_spans_on_exact_shapes():
    a = np.zeros((20, 10), dtype=bool)
    a[:, 4] = True
    assert spans(a, 0) and not spans(a, 1)
    a[10, 4] = False
    assert not spans(a, 0)
    a[10, 5] = True  # corner contacts only: not a conducting path
    assert not spans(a, 0)
    a[9:12, 5] = True  # detour through face neighbours reconnects
    assert spans(a, 0)


def test_two_layer_porosity_and_conductivity_steps():
    m = graded_layer((240, 200), DX, (0.25, 0.6), 80e-9, layer=(100e-9, 2300e-9), profile="two-layer",
                     sigma_ion=(1e-2, 3e-2), sigma_e=(1e-3, 1e-8), seed=5)
    assert m.kind == "two-layer"
    assert abs(m.info["porosity_bottom"] - 0.25) < 0.05
    assert abs(m.info["porosity_top"] - 0.6) < 0.05
    y = m.depth()
    split = m.info["split_m"]
    assert np.all(m.sigma_ion[(y > 100e-9) & (y < split), 0] == 1e-2)
    assert np.all(m.sigma_ion[(y > split) & (y < 2300e-9), 0] == 3e-2)
    assert np.all(m.sigma_e[(y > split) & (y < 2300e-9), 0] == 1e-8)


def test_linear_gradient_porosity_rises_with_depth():
    m = graded_layer((200, 200), DX, (0.2, 0.7), 60e-9, layer=(50e-9, 1950e-9), sigma_ion=(1.0, 3.0), seed=2)
    band = m.band()
    solid_rows = (m.solid[band] >= 0.5).mean(axis=1)
    eps = 1 - solid_rows
    third = eps.size // 3
    assert eps[:third].mean() < eps[third:2 * third].mean() < eps[2 * third:].mean()
    y = m.depth()[band]
    expected = 0.2 + 0.5 * (y - 50e-9) / 1900e-9
    assert np.mean(np.abs(eps - expected)) < 0.08  # row averages of ~200 cells: noisy, but unbiased
    assert m.sigma_ion[band, 0] == pytest.approx(1.0 + 2.0 * (y - 50e-9) / 1900e-9)


def test_psd_of_slits_and_round_pores_is_exact():
    # slits of width 12 cells between walls: every pore cell is in a pore of diameter 12 dx
    pores = np.zeros((30, 60), dtype=bool)
    for k in range(3):
        pores[:, 4 + 20 * k: 16 + 20 * k] = True
    d, f = pore_size_distribution(pores, 1.0, n_sizes=40)
    assert d.max() == pytest.approx(12.0)  # largest inscribed diameter = the slit width
    assert f.min() == pytest.approx(1.0)  # all pore volume in pores of 12 dx
    # one round pore of diameter 30 cells in 2D
    yy, xx = np.mgrid[0:60, 0:60]
    disc = (yy - 29.5) ** 2 + (xx - 29.5) ** 2 <= 15.0 ** 2
    d, f = pore_size_distribution(disc, 2e-9, n_sizes=40)
    assert d.max() == pytest.approx(30 * 2e-9, rel=0.05)
    # continuum: 1 for every D ≤ 30 cells; the pixelated rim costs a few % at large D
    assert f[d <= 15 * 2e-9].min() > 0.98
    assert f.min() > 0.9
