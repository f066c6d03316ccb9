"""Array quantities at the public boundary: numpy arrays of unit strings, and lists mixing bare numbers with units.

Reference: the SI values are written out here (T[K] = t[°C] + 273.15; 1 mA/cm2 = 10 A/m2), independent of
lisse's unit table. The Arrhenius slope is checked against numpy.polyfit on the same points.
"""

from __future__ import annotations

import numpy as np
import pytest

from lisse.analysis.eis import arrhenius
from lisse.errors import ParameterError
from lisse.units import as_si_array, ureg


@pytest.mark.parametrize("arr", [np.array(["25 degC", "50 degC", "75 degC"]),
                                 np.array([b"25 degC", b"50 degC", b"75 degC"]),
                                 np.array(["25 degC", "50 degC", ureg().Quantity(348.15, "K")], dtype=object)])
def test_numpy_array_of_unit_strings_is_converted(arr):
    out = as_si_array(arr, "K", "temperature")
    np.testing.assert_allclose(out, [298.15, 323.15, 348.15], rtol=0, atol=1e-9)


def test_numeric_arrays_stay_unchanged():
    a = np.array([1.0, 2.0])
    assert as_si_array(a, "A/m2") is a


def test_arrhenius_takes_numpy_array_of_celsius_strings():
    sigma = np.array([1e-2, 2e-2, 4e-2])
    fit = arrhenius(np.array(["25 degC", "50 degC", "75 degC"]), sigma)
    T = np.array([298.15, 323.15, 348.15])
    ref = arrhenius(T, sigma)
    slope = np.polyfit(1 / T, np.log(sigma * T), 1)[0]
    assert fit.Ea_eV == pytest.approx(ref.Ea_eV, rel=1e-12)
    assert fit.Ea_eV == pytest.approx(-slope * 8.617333262e-5, rel=1e-6)


@pytest.mark.parametrize("value", [[1, "2 mA/cm2"], ("2 mA/cm2", 1.0), [ureg().Quantity(2, "mA/cm**2"), 3.0],
                                   np.array([1.0, "2 mA/cm2"], dtype=object)])
def test_mixing_bare_numbers_and_units_is_refused(value):
    with pytest.raises(ParameterError, match=r"'currents'.*give every element a unit, or none \(SI\)"):
        as_si_array(value, "A/m2", "currents")


def test_all_units_or_all_numbers_accepted():
    assert as_si_array(["1 mA/cm2", "2 mA/cm2"], "A/m2") == pytest.approx([10.0, 20.0], rel=1e-12)
    assert as_si_array([1.0, 2.0], "A/m2") == [1.0, 2.0]


@pytest.mark.parametrize("temps", [[25, 50, 80], np.array([25.0, 50.0, 80.0]), (25, 50, 80)])
def test_plain_number_temperatures_below_150_K_are_refused(temps):
    """Plain numbers are kelvin (SI): 25-80 'K' is almost surely degC; the message says so and names the range."""
    from lisse.analysis.eis import temperature_series, three_arc_spectrum

    msg = r"temperatures are in kelvin when given as numbers; found 25–80 K: did you mean '25 degC'\?"
    with pytest.raises(ParameterError, match=msg):
        arrhenius(temps, [1e-2, 2e-2, 4e-2])
    spectra = [three_arc_spectrum(seed=k) for k in range(3)]
    with pytest.raises(ParameterError, match=msg):
        temperature_series(spectra, temps, area=1e-4, thickness=5e-4)


def test_cryogenic_temperatures_with_a_unit_are_accepted():
    """A series below 150 K given with its unit is legitimate (the guard only reads plain numbers)."""
    from lisse.analysis.eis import temperature_series, three_arc_spectrum

    kB = 8.617333262e-5  # eV/K (CODATA 2018)
    T = np.array([77.0, 100.0, 120.0])
    sigma = 1e3 / T * np.exp(-0.05 / (kB * T))
    assert arrhenius([f"{t} K" for t in T], sigma).Ea_eV == pytest.approx(0.05, rel=1e-9)
    assert arrhenius(ureg().Quantity(T, "K"), sigma).Ea_eV == pytest.approx(0.05, rel=1e-9)
    spectra = [three_arc_spectrum(seed=k) for k in range(3)]
    s = temperature_series(spectra, ["77 K", "100 K", "120 K"], area=1e-4, thickness=5e-4)
    assert [round(r.temperature, 9) for r in s.rows] == [77.0, 100.0, 120.0]
