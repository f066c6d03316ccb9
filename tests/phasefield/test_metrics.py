"""Front and inventory observables against analytic fields (sinusoid fronts, sharp slabs, Faraday's law)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lisse.errors import ParameterError
from lisse.sim.phasefield import metrics as M
from lisse.sim.phasefield.model import planar_profile

DX = 10e-9


def _sinusoid(ny, nx, h0, a, periods=1, nz=None, delta=15e-9):
    y = (np.arange(ny) + 0.5) * DX
    x = (np.arange(nx) + 0.5) * DX
    h = h0 + a * np.sin(2 * np.pi * periods * x / (nx * DX))
    if nz is None:
        return planar_profile(y[:, None] - h[None, :], delta)
    return np.repeat(planar_profile(y[:, None] - h[None, :], delta)[:, :, None], nz, axis=2)


@pytest.mark.parametrize("a", [0.0, 20e-9, 80e-9])
def test_roughness_of_a_sinusoidal_front_is_amplitude_over_root_two(a):
    z = _sinusoid(120, 96, 400e-9, a, periods=2)
    assert M.front_roughness(z, DX) == pytest.approx(a / math.sqrt(2), rel=0.01, abs=0.02 * DX)
    assert M.front_position(z, DX) == pytest.approx(400e-9, rel=0, abs=0.02 * DX)
    assert M.max_penetration(z, DX, 300e-9) == pytest.approx(100e-9 + a, rel=0, abs=0.1 * DX)


def test_roughness_3d_lateral_plane():
    z = _sinusoid(60, 32, 250e-9, 40e-9, nz=8)
    assert M.front_heights(z, DX).shape == (32, 8)
    assert M.front_roughness(z, DX) == pytest.approx(40e-9 / math.sqrt(2), rel=0.01)


def test_disconnected_li_does_not_move_the_front_but_counts_as_any_penetration():
    z = np.zeros((100, 40))
    z[:30] = 1.0  # anode slab, top at 300 nm
    z[80:85, 10:15] = 1.0  # nucleus at 800-850 nm, not connected
    assert M.front_position(z, DX) == pytest.approx(300e-9, abs=0.51 * DX)
    assert M.front_roughness(z, DX) < 0.01 * DX
    assert M.max_penetration(z, DX, 300e-9) < DX
    assert M.max_penetration(z, DX, 300e-9, connected=False) == pytest.approx(550e-9, rel=1e-12)


def test_fraction_deposited_at_the_electrolyte_face_of_sharp_slabs():
    ny, nx = 200, 16
    z0 = np.zeros((ny, nx))
    z0[:20] = 1.0
    z = z0.copy()
    z[20:27] = 1.0  # 7 rows on the anode
    z[185:190] = 1.0  # 5 rows just below the face at 1.9 um
    face, band = 1.9e-6, 0.2e-6
    assert M.fraction_deposited_at_electrolyte(z, z0, DX, face, band) == pytest.approx(5 / 12, rel=1e-12)
    # half of it inside the band edge: rows 170-180 (1.70-1.80 um), band 0.15 um covers 175-180 -> [5 rows]
    z2 = z0.copy()
    z2[170:180] = 0.5
    assert M.fraction_deposited_at_electrolyte(z2, z0, DX, face, 0.15e-6) == pytest.approx(0.5, rel=1e-12)
    assert math.isnan(M.fraction_deposited_at_electrolyte(z0, z0, DX, face, band))


def test_faraday_thickness_matches_the_brief():
    # 1 mAh/cm2 = 3.6e4 C/m2 of Li is 4.85 um of dense Li (BRIEF section 4: 0.2062 mAh/cm2 per um)
    assert M.faraday_thickness(3.6e4) == pytest.approx(1 / 0.2062 * 1e-6, rel=0.005, abs=0)


@pytest.mark.parametrize(("kw", "name"), [({"charge_density": math.nan}, "charge_density"),
                                          ({"charge_density": 1.0, "molar_volume": 0.0}, "molar_volume"),
                                          ({"charge_density": 1.0, "molar_volume": -1.3e-5}, "molar_volume"),
                                          ({"charge_density": 1.0, "z": 0}, "'z'")])
def test_faraday_thickness_refuses_nan_and_non_physical_inputs(kw, name):
    # a NaN charge or a zero/negative molar volume must not come back as a NaN/negative thickness or a ZeroDivisionError
    with pytest.raises(ParameterError, match=name):
        M.faraday_thickness(**kw)


def test_li_inventory_error_of_a_known_mismatch():
    ny, nx = 100, 8
    z0 = np.zeros((ny, nx))
    z0[:20] = 1.0
    z = z0.copy()
    z[20:30] = 1.0  # 10 dx = 100 nm gained
    vm = 1.3e-5
    q = 100e-9 * 96485.33212 / vm  # charge for exactly 100 nm
    assert M.li_inventory_error(z, z0, DX, q, molar_volume=vm) == pytest.approx(0.0, abs=1e-9)
    assert M.li_inventory_error(z, z0, DX, 1.25 * q, molar_volume=vm) == pytest.approx(-0.2, rel=1e-9)
    # creep inflow counts as Li supplied
    assert M.li_inventory_error(z, z0, DX, 0.5 * q, molar_volume=vm, inflow=50e-9) == pytest.approx(0.0, abs=1e-9)


def test_interface_metrics_bundle_and_errors():
    z0 = _sinusoid(120, 64, 300e-9, 0.0)
    z = _sinusoid(120, 64, 400e-9, 30e-9)
    out = M.interface_metrics(z, z0, DX, layer_bottom=300e-9, layer_top=1100e-9,
                              charge_density=100e-9 * 96485.33212 / 1.3e-5, molar_volume=1.3e-5)
    assert out["front_roughness_m"] == pytest.approx(30e-9 / math.sqrt(2), rel=0.01)
    assert out["electrolyte_band_m"] == pytest.approx(80e-9, rel=1e-12, abs=0)
    assert out["li_inventory_error_rel"] == pytest.approx(0.0, abs=1e-3)
    assert out["fraction_deposited_at_electrolyte"] == pytest.approx(0.0, abs=1e-9)
    with pytest.raises(ParameterError, match="zeta0"):
        M.li_inventory_error(z, z0[:, :10], DX, 1.0)
    with pytest.raises(ParameterError, match="zeta"):
        M.front_roughness(np.ones(5), DX)
    with pytest.raises(ParameterError, match="layer_top"):
        M.interface_metrics(z, z0, DX, layer_bottom=1e-6, layer_top=1e-7, charge_density=1.0)


def test_deposit_centroid_of_two_sharp_slabs():
    ny, nx = 200, 8
    z0 = np.zeros((ny, nx))
    z0[:20] = 1.0
    z = z0.copy()
    z[20:30] = 1.0  # 10 rows centred at 250 nm
    z[180:190] = 1.0  # 10 rows centred at 1850 nm
    out = M.interface_metrics(z, z0, DX, layer_bottom=200e-9, layer_top=1.9e-6, charge_density=1.0)
    assert out["deposit_centroid_m"] == pytest.approx(0.5 * (250e-9 + 1850e-9), rel=1e-12)
    assert out["fraction_deposited_at_electrolyte"] == pytest.approx(0.5, rel=1e-12)  # band 170 nm: rows 173-189


def test_run_metrics_uses_the_solver_s_own_or_galvanostatic_charge():
    class Plain:
        zeta = np.pad(np.ones((30, 4)), ((0, 70), (0, 0)))
        dx, t = DX, 100.0

    class Own(Plain):
        def metrics(self):
            return {"li_inventory_error_rel": 0.25}

    z0 = np.pad(np.ones((20, 4)), ((0, 80), (0, 0)))
    i = 100e-9 * 96485.33212 / 1.2998e-5 / 100.0  # A/m2 that plates ~100 nm in 100 s
    got = M.run_metrics(Plain(), z0, layer_bottom=200e-9, layer_top=900e-9, current_density=i)
    ref = 100e-9 / M.faraday_thickness(i * 100.0) - 1.0
    assert got["li_inventory_error_rel"] == pytest.approx(ref, rel=1e-9)
    assert M.run_metrics(Own(), z0, layer_bottom=0.0, layer_top=1e-6, current_density=i) == {"li_inventory_error_rel": 0.25}


def test_deposit_roughness_counts_a_second_front_at_the_electrolyte_face():
    # a flat anode front at 200 nm plus Li films at the face (y 800-900 nm) over a quarter of the columns: the
    # anode-connected front is flat, the plating front of all Li is two-level. Analytic RMS of a two-level profile
    # (fraction f at height H1, the rest at H0): sqrt(f (1 - f)) |H1 - H0|.
    ny, nx = 100, 64
    y = (np.arange(ny) + 0.5) * DX
    z = np.repeat((y < 200e-9)[:, None], nx, axis=1).astype(float)
    z[80:90, :16] = 1.0
    assert M.front_roughness(z, DX) == pytest.approx(0.0, abs=1e-15)
    h = M.deposit_heights(z, DX)
    assert h[0] == pytest.approx(900e-9, rel=1e-12) and h[-1] == pytest.approx(200e-9, rel=1e-12)
    assert M.deposit_roughness(z, DX) == pytest.approx(math.sqrt(0.25 * 0.75) * 700e-9, rel=1e-12)
    # all Li connected to the anode: the two roughness measures agree to a cell
    zs = _sinusoid(120, 96, 400e-9, 60e-9, periods=2)
    assert M.deposit_roughness(zs, DX) == pytest.approx(M.front_roughness(zs, DX), rel=0, abs=DX)
    assert M.interface_metrics(z, np.zeros_like(z), DX, layer_bottom=100e-9, layer_top=900e-9,
                               charge_density=1.0)["deposit_roughness_m"] == M.deposit_roughness(z, DX)
