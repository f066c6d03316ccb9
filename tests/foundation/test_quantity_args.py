"""The unit rule at the public boundary: a float is SI, a string with a unit or a pint quantity is converted.

Every public function of the scientific subpackages that takes a physical quantity declares it with
:func:`lisse.units.quantity_args`; this test enumerates them (``__lisse_quantities__``), checks that a
float, a unit string and a pint quantity of the same value reach the function as the same SI float
(reference: pint's own conversion, with the factor written out here), that a wrong dimension raises
UnitError naming the parameter, and that a value that is no quantity raises ParameterError. A few
functions are then called end to end with the three forms.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re

import numpy as np
import pytest

from lisse.errors import ParameterError, UnitError
from lisse.units import ureg

PACKAGES = ["lisse.analysis", "lisse.analysis.eis", "lisse.sim", "lisse.sim.interlayer", "lisse.sim.interface", "lisse.cell"]

# value in the declared unit -> (string, SI float); the factors are written out (independent of lisse's table)
SI_FACTOR = {
    "cm2": 1e-4, "um": 1e-6, "K": 1.0, "S/m": 1.0, "A/m2": 1.0, "C/m2": 1.0, "s": 1.0, "V": 1.0, "A": 1.0,
    "mAh/cm2": 3.6 / 1e-4, "mA/cm2": 1e-3 / 1e-4, "ohm*cm2": 1e-4, "g": 1e-3, "g/cm3": 1e-3 / 1e-6,
    "m": 1.0, "Pa": 1.0, "J/m2": 1.0, "ohm*m2": 1.0,
}
WRONG = {"cm2": "1 um", "um": "1 cm2", "K": "1 m", "S/m": "1 ohm", "A/m2": "1 A", "C/m2": "1 C", "s": "1 m",
         "V": "1 A", "A": "1 V", "mAh/cm2": "1 mA/cm2", "mA/cm2": "1 mAh/cm2", "ohm*cm2": "1 ohm",
         "g": "1 cm3", "g/cm3": "1 g", "m": "1 s", "Pa": "1 m", "J/m2": "1 J", "ohm*m2": "1 ohm"}

# quantity-like parameter names: a public function taking one of these must declare it (or name its unit)
QUANTITY_NAMES = {"area", "thickness", "current", "currents", "capacity", "capacities", "temperature", "temperatures",
                  "time", "sigma", "sigma_e", "sigma_ion", "i_min", "i_max", "li_min", "li_max", "current_density",
                  "areal_capacity", "thicknesses", "ccd", "interfacial_resistance", "resistance", "length"}
# public functions that convert these parameters themselves with lisse.units.as_si (not via the decorator)
CONVERT_INSIDE = {"conductivity", "conductivity_from_fit", "interfacial_asr", "interlayer_lengths", "gitt_diffusion",
                  "ccd_staircase", "long_cycling"}


def _public_functions():
    out = {}
    for pkg in PACKAGES:
        mod = importlib.import_module(pkg)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if inspect.isfunction(obj):
                out[f"{pkg}.{name}"] = obj
    return out


FUNCS = _public_functions()
DECLARED = [(q, p, u) for q, f in FUNCS.items() for p, u in getattr(f, "__lisse_quantities__", {}).items()]


def test_the_table_is_not_empty_and_covers_the_reported_functions():
    names = {q.rsplit(".", 1)[1] for q, _, _ in DECLARED}
    for must in ("temperature_series", "fit_pellet", "critical_current", "map_conductivities", "map_current_capacity",
                 "sweep_current", "li_areal_capacity", "summarize"):
        assert must in names


@pytest.mark.parametrize("qualname", sorted(FUNCS))
def test_quantity_parameters_are_declared(qualname):
    """A public function with a quantity-named parameter declares its unit (or converts it itself)."""
    fn = FUNCS[qualname]
    if fn.__name__ in CONVERT_INSIDE:
        return
    declared = getattr(fn, "__lisse_quantities__", {})
    params = {n for n, prm in inspect.signature(fn).parameters.items() if prm.annotation not in ("bool", bool)}  # flags: no quantity
    missing = sorted((params & QUANTITY_NAMES) - set(declared))
    assert not missing, f"{qualname}: quantity parameters {missing} are not declared with lisse.units.quantity_args"


def _convert(fn, pname, value):
    args, kwargs = fn.__lisse_convert__((), {pname: value})
    return kwargs[pname]


@pytest.mark.parametrize(("qualname", "pname", "unit"), DECLARED, ids=[f"{q}:{p}" for q, p, _ in DECLARED])
def test_float_string_and_quantity_agree(qualname, pname, unit):
    fn = FUNCS[qualname]
    base, array = unit.removesuffix("[]"), unit.endswith("[]")
    si = 2.5 * SI_FACTOR[base]
    text = f"2.5 {base}"
    q = ureg().Quantity(2.5, re.sub(r"([a-zA-Z])(\d)", r"\1**\2", base).replace("um", "micrometer"))
    if array:
        assert _convert(fn, pname, [si, 2 * si]) == [si, 2 * si]  # SI numbers pass unchanged
        np.testing.assert_allclose(_convert(fn, pname, [text, f"5 {base}"]), [si, 2 * si], rtol=1e-12, atol=0)
        np.testing.assert_allclose(_convert(fn, pname, q * np.array([1.0, 2.0])), [si, 2 * si], rtol=1e-12, atol=0)
    else:
        assert _convert(fn, pname, si) == si
        assert _convert(fn, pname, text) == pytest.approx(si, rel=1e-12, abs=0)
        assert _convert(fn, pname, q) == pytest.approx(si, rel=1e-12, abs=0)
    with pytest.raises(UnitError, match=rf"'{pname}'.*{WRONG[base].split()[1]}"):
        _convert(fn, pname, WRONG[base])
    with pytest.raises(ParameterError, match=pname):
        _convert(fn, pname, {"value": 1})


def test_cell_end_to_end():
    import lisse.cell as cell

    si = cell.li_areal_capacity(20e-6)
    assert cell.li_areal_capacity("20 um") == pytest.approx(si, rel=1e-12, abs=0)
    assert cell.li_areal_capacity(20 * ureg().micrometer) == pytest.approx(si, rel=1e-12, abs=0)
    # reference: Li 20 um, rho 0.534 g/cm3, 3860.7 mAh/g -> 4.12 mAh/cm2 = 1.48e5 C/m2 (within 0.5 %)
    assert si == pytest.approx(20e-4 * 0.534 * 3860.7 * 3.6 / 1e-4, rel=5e-3)
    with pytest.raises(UnitError, match="thickness"):
        cell.li_areal_capacity("20 cm2")


def test_interlayer_sweep_end_to_end():
    from lisse.sim.interlayer import make_parameters, sweep_current

    p = make_parameters("lni-5cnt")
    a = sweep_current(p, [10.0, 20.0], capacity=36000.0)
    b = sweep_current(p, ["1 mA/cm2", "2 mA/cm2"], capacity="1 mAh/cm2")
    for key in ("nucleation_length", "growth_length"):
        np.testing.assert_allclose(b[key], a[key], rtol=1e-9, atol=0)
    with pytest.raises(UnitError, match="capacity"):
        sweep_current(p, [10.0], capacity="1 mA/cm2")


def test_temperature_series_units_and_own_temperatures():
    from lisse.analysis.eis import temperature_series, three_arc_spectrum

    spectra = [three_arc_spectrum(seed=k) for k in range(3)]
    T = [273.15, 298.15, 323.15]
    # same spectra, same geometry: SI floats and unit strings give the same series
    si = temperature_series(spectra, T, area=1e-4, thickness=5e-4)
    txt = temperature_series(spectra, ["0 degC", "25 degC", "50 degC"], area="1 cm2", thickness="500 um")
    np.testing.assert_allclose([r.sigma_total for r in txt.rows], [r.sigma_total for r in si.rows], rtol=1e-9, atol=0)
    with pytest.raises(UnitError, match="area"):
        temperature_series(spectra, T, area="1 cm", thickness=5e-4)
    # no temperatures given: taken from the spectra when they carry one, else a clear error
    with pytest.raises(ParameterError, match="temperatures="):
        temperature_series(spectra, area=1e-4, thickness=5e-4)
    spectra = [dataclasses.replace(sp, temperature=t) for sp, t in zip(spectra, T)]
    own = temperature_series(spectra, area=1e-4, thickness=5e-4)
    np.testing.assert_allclose([r.sigma_total for r in own.rows], [r.sigma_total for r in si.rows], rtol=1e-12, atol=0)
