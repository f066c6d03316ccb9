"""The light unit parser (no pint import for common units) agrees with pint, the independent reference.

``lisse.units`` reads products and quotients of common units itself so that ``lisse cell`` does not pay
pint's ~0.5 s import and registry build. These tests hold it to pint: every atom it knows and a set of
compound units give the same factor to SI (within 4 ulp) and the same dimensions; units it does not know
go to pint; a wrong unit gives the very same one-line error with and without the light parser.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

import lisse.units as units
from lisse.errors import UnitError
from lisse.units import _ATOMS, _fast_unit_info, _normalise, _pint_unit_info, parse_quantity

COMPOUNDS = [
    "mA/cm2", "mAh/cm2", "J/m2", "ohm*cm2", "Ohm cm2", "S/cm", "mS/cm", "1/m^3/s", "1/m**3/s", "mg/cm2", "Wh/kg", "Wh/L",
    "V/s", "mV/s", "mol/m3", "kJ/mol", "1/h", "m2/s", "cm2/s", "F/m2", "uF/cm2", "µm", "μA/cm2", "kΩ", "Ω·cm2", "A/m**2",
    "kg*m**2/s**3/A", "mA cm-2", "mol.m-3", "C/m2", "mC/cm2", "eV", "meV", "GPa", "MPa", "nm", "um", "mm", "h", "min",
    "percent", "%", "deg", "dimensionless", "kWh/kg", "mWh/cm2", "mAh/g", "g/cm3", "mL", "Hz", "kHz", "mohm", "kohm*cm**2",
    "W/m2", "N/m", "m/s/s", "mA/cm**2*h", "1/s", "1/(m3 s)", "1/(m**3*s)", "(mA/cm2)**2", "mol/(m2 s)", "A/(m2)", "(m)", "kg/(m s**2)",
    "J/(mol K)", "S/(cm K)", "(V/s)**-1", "m ** 2", "mA / cm2", "(1/s)", "1/(1/s)",
]


def _pint(unit: str) -> tuple[float, tuple]:
    factor, dims, _ = _pint_unit_info(unit)
    return factor, tuple(sorted((k, v) for k, v in dims.items() if v != 0))


@pytest.mark.parametrize("unit", sorted(_ATOMS) + COMPOUNDS)
def test_light_parser_matches_pint(unit):
    fast = _fast_unit_info(_normalise(unit))
    assert fast is not None, f"{unit!r} should be read without pint"
    ref = _pint(unit)
    assert fast[1] == ref[1]
    assert math.isclose(fast[0], ref[0], rel_tol=4 * sys.float_info.epsilon, abs_tol=0.0), (unit, fast[0], ref[0])


@pytest.mark.parametrize("unit", ["", "m**0.5", "(mA", "mA)/cm2", "()", "m*", "*m", "m**", "m/", "xyz", "degF", "degC", "inch",
                                  "mA/cm cm", "m**+2", "2/m", "1", "frac", "Ah**x", "mA//cm2", "kelvin", "1/(m**3 s", "m s)",
                                  "m**2**2", "m$", "m/1"])
def test_light_parser_leaves_the_rest_to_pint(unit):
    assert _fast_unit_info(_normalise(unit)) is None


@pytest.mark.parametrize(("text", "unit"), [("20 um", "um"), ("2 mAh/cm2", "mAh/cm2"), ("1.5 mA cm-2", "mA/cm2"), ("0.3 J/m2", "J/m2"),
                                            ("30 %", ""), ("3 kohm*cm2", "ohm*cm2"), ("25 degC", "K"), ("77 degF", "K"), ("1 inch", "um")])
def test_values_equal_pint_path(monkeypatch, text, unit):
    fast = parse_quantity(text, unit, "--x")
    units._unit_info.cache_clear()
    units._has_offset.cache_clear()
    monkeypatch.setattr(units, "_fast_unit_info", lambda u: None)
    try:
        slow = parse_quantity(text, unit, "--x")
    finally:
        units._unit_info.cache_clear()
        units._has_offset.cache_clear()
    assert math.isclose(fast, slow, rel_tol=4 * sys.float_info.epsilon, abs_tol=0.0)


@pytest.mark.parametrize(("text", "unit"), [("20 mA", "um"), ("2 mAh", "mAh/cm2"), ("1 V", "mA/cm2"), ("3 kg", ""), ("25 degC", "um"),
                                            ("1 parsec/s", "mA/cm2"), ("2 foo", "um"), ("1 mA/(cm2)", "J/m2"),
                                            ("1 1/(m3 s)", "1/m^3/s/m"), ("2 (mA", "mA")])
def test_wrong_units_give_the_same_error(monkeypatch, text, unit):
    with pytest.raises(UnitError) as fast:
        parse_quantity(text, unit, "--x")
    units._unit_info.cache_clear()
    units._has_offset.cache_clear()
    monkeypatch.setattr(units, "_fast_unit_info", lambda u: None)
    try:
        with pytest.raises(UnitError) as slow:
            parse_quantity(text, unit, "--x")
    finally:
        units._unit_info.cache_clear()
        units._has_offset.cache_clear()
    assert str(fast.value) == str(slow.value)


def test_cell_command_does_not_import_pint():
    code = ("import sys; from lisse.cli.main import main; "
            "main(['cell', '--li-thickness', '20 um', '--cathode-capacity', '2 mAh/cm2', '--json']); "
            "sys.stderr.write('PINT' if 'pint' in sys.modules else 'NOPINT')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip().endswith("NOPINT")
