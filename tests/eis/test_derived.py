"""Derived quantities: conductivity, Arrhenius energy, interfacial ASR, DRT map."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lisse.analysis.eis.derived import arrhenius, conductivity, drt_map, interfacial_asr
from lisse.errors import ParameterError
from lisse.records.spectrum import EISSpectrum

from .eis_testdata import freq_grid, three_arc


def test_conductivity_units():
    # 1 mm thick, 1 cm2, 100 ohm -> 1e-3 / (100 * 1e-4) = 0.1 S/m = 1 mS/cm
    assert conductivity(100, "1 mm", "1 cm2") == pytest.approx(0.1)
    assert conductivity("100 ohm", 1e-3, 1e-4) == pytest.approx(0.1)
    with pytest.raises(ParameterError):
        conductivity(-5, "1 mm", "1 cm2")
    with pytest.raises(ParameterError):
        conductivity(5, "1 cm2", "1 cm2")  # thickness with an area unit


def test_arrhenius_recovers_energy():
    kB = 8.617333262e-5  # eV/K (CODATA 2018)
    T = np.array([253.15, 273.15, 298.15, 323.15, 353.15])
    Ea = 0.35
    sigma = 1e6 / T * np.exp(-Ea / (kB * T))
    fit = arrhenius(T, sigma)
    assert fit.Ea_eV == pytest.approx(Ea, rel=1e-9)
    assert fit.Ea_kJ_mol == pytest.approx(Ea * 96.485332, rel=1e-6)
    assert fit.prefactor == pytest.approx(1e6, rel=1e-9)
    assert arrhenius(T, 7 * np.exp(-Ea / (kB * T)), form="sigma").Ea_eV == pytest.approx(Ea, rel=1e-9)
    with pytest.raises(ParameterError, match="distinct"):
        arrhenius([300, 300], [1, 2])


def test_interfacial_asr_halved_for_symmetric_cell():
    r = interfacial_asr(50, "2 cm2")
    assert r["asr_ohm_cm2"] == pytest.approx(50.0)  # 50 ohm * 2 cm2 / 2 interfaces
    assert r["n_interfaces"] == 2
    assert interfacial_asr(50, "2 cm2", symmetric=False)["asr_ohm_cm2"] == pytest.approx(100.0)


def test_drt_map_tracks_growing_interface():
    f = freq_grid()
    r_int = [300.0, 500.0, 800.0]
    spectra = [EISSpectrum(f, three_arc(f, rs=(100.0, 200.0, r)), label=f"c{i}") for i, r in enumerate(r_int)]
    m = drt_map(spectra)
    assert m.gamma.shape == (3, m.tau.size)
    np.testing.assert_allclose(m.process_resistance["interface"], r_int, rtol=0.05)
    np.testing.assert_allclose(m.process_resistance["grain_boundary"], 200.0, rtol=0.05)
    # the common grid is the decade-aligned lattice
    np.testing.assert_allclose(np.log10(m.tau) * 10, np.round(np.log10(m.tau) * 10), atol=1e-9)
    assert list(m.to_frame()["label"]) == ["c0", "c1", "c2"]


def test_drt_map_process_missing_from_one_spectrum_is_nan_not_zero():
    """A spectrum without the interface arc has no interface peak: its interface resistance is unmeasured
    (NaN, an empty CSV cell), not 0 ohm, and a note names the spectrum; the other spectra keep theirs."""
    f = freq_grid()
    spectra = [EISSpectrum(f, three_arc(f, rs=(100.0, 200.0, r)), label=f"c{i}") for i, r in enumerate((300.0, 500.0))]
    spectra.append(EISSpectrum(f, three_arc(f, rs=(100.0, 200.0), taus=(1e-7, 1e-5)), label="c2"))  # no interface arc
    m = drt_map(spectra)
    r = m.process_resistance["interface"]
    np.testing.assert_allclose(r[:2], [300.0, 500.0], rtol=0.05)
    assert np.isnan(r[2])
    assert np.isnan(m.to_frame()["interface_resistance_ohm"].iloc[2])
    assert any("interface" in n and "1 of 3" in n and "c2" in n for n in m.notes), m.notes
    np.testing.assert_allclose(m.process_resistance["grain_boundary"], 200.0, rtol=0.05)


def test_arrhenius_two_points_has_no_r2_and_no_std():
    """Two points: the line passes through both, so R^2 = 1 is trivial and Ea has no standard error: both NaN
    (JSON null), with a note; Ea itself is the two-point slope, computed here by hand."""
    kB = 8.617333262e-5  # eV/K (CODATA 2018)
    T, s = np.array([300.0, 350.0]), np.array([1e-3, 4e-3])
    ea = -kB * (math.log(s[1] * T[1]) - math.log(s[0] * T[0])) / (1 / T[1] - 1 / T[0])
    fit = arrhenius(T, s)
    assert fit.Ea_eV == pytest.approx(ea, rel=1e-9)  # k_B above has 10 digits
    assert math.isnan(fit.r2) and math.isnan(fit.Ea_std_eV)
    d = fit.as_dict()
    assert math.isnan(d["r2"]) and any("two points" in n for n in d["notes"])
    # three points keep a real R^2 (1 - SS_res/SS_tot, by hand) and no note
    T3, s3 = np.array([300.0, 325.0, 350.0]), np.array([1e-3, 2.5e-3, 4e-3])
    y, x = np.log(s3 * T3), 1 / T3
    b, a = np.polyfit(x, y, 1)
    r2 = 1 - np.sum((y - (a + b * x)) ** 2) / np.sum((y - y.mean()) ** 2)
    fit3 = arrhenius(T3, s3)
    assert fit3.r2 == pytest.approx(r2, rel=1e-12) and fit3.r2 < 1 and fit3.notes == ()
    # sigma*T the same at three temperatures: Ea = 0 exactly and nothing to explain: R^2 undefined, never 1
    T = np.array([300.0, 320.0, 340.0])
    flat = arrhenius(T, 1e-3 * 300.0 / T)
    assert abs(flat.Ea_eV) < 1e-12 and math.isnan(flat.r2)
    # an activation energy of 30 eV (mixed processes): exp(intercept) ~ e^1160 beyond a float: inf with a note, no crash
    kB = 8.617333262e-5
    steep = arrhenius(T, np.exp(1140.0 - 30.0 / (kB * T)) / T)  # ln(sigma T) = 1140 - Ea/(kB T): sigma ~ 1e-9..1e-5
    assert steep.Ea_eV == pytest.approx(30.0, rel=1e-6) and steep.prefactor == math.inf
    assert any("exceeds the float range" in n for n in steep.notes)
