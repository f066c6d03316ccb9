"""Units at the boundary and parameter validation."""

import math

import pytest

from lisse.errors import LisseError, ParameterError, UnitError
from lisse.params import Param, ParamSpec, validate
from lisse.units import from_si, to_si


@pytest.mark.parametrize(
    ("text", "unit", "si"),
    [
        ("7.54 um", "m", 7.54e-6),
        ("1.5 mAh/cm2", "mAh/cm2", 1.5 * 3.6 / 1e-4),  # 1 mAh = 3.6 C; 1 cm2 = 1e-4 m2
        ("25 degC", "K", 298.15),
        ("2.9e-4 S/cm", "S/m", 2.9e-2),
        ("1 mA/cm2", "A/m2", 10.0),
        ("0.785 cm2", "cm2", 0.785e-4),
        ("1 mol.m-3", "mol/m3", 1.0),
        ("50 %", "", 0.5),
        ("10 µm", "m", 1e-5),
    ],
)
def test_to_si_converts_strings(text, unit, si):
    assert to_si(text, unit, "x") == pytest.approx(si, rel=1e-12)


def test_bare_number_is_in_declared_unit_and_roundtrips():
    assert to_si(7.54, "um", "t") == pytest.approx(7.54e-6)
    assert from_si(to_si(1.5, "mAh/cm2", "q"), "mAh/cm2") == pytest.approx(1.5)


@pytest.mark.parametrize("bad", ["1.5 mAh/g", "1.5", "1,5 mAh/cm2", "abc", "", "1.5 furlongs/fortnight", "nan mAh/cm2", float("nan"), True, [1.5]])
def test_to_si_rejects_with_parameter_name(bad):
    with pytest.raises(UnitError) as err:
        to_si(bad, "mAh/cm2", "cathode_capacity")
    assert "cathode_capacity" in str(err.value)
    assert isinstance(err.value, ValueError) and isinstance(err.value, LisseError)


def test_wrong_unit_message_names_expectation_and_value():
    with pytest.raises(UnitError, match=r"cathode_capacity.*mAh/cm2.*1.5 mAh/g"):
        to_si("1.5 mAh/g", "mAh/cm2", "cathode_capacity")


def test_validate_unknown_key_suggests_close_match():
    schema = {"li_thickness": ParamSpec("um", "Li thickness", None, 0.0)}
    with pytest.raises(ParameterError, match="did you mean 'li_thickness'"):
        validate(schema, {"li_thicknes": "5 um"})


def test_validate_range_missing_and_default():
    schema = {"porosity": ParamSpec("", "porosity", 0.0, 0.0, 1.0), "t": ParamSpec("um", "thickness", None, 0.0)}
    assert validate(schema, {"t": "2 um"}) == {"porosity": 0.0, "t": pytest.approx(2e-6)}
    with pytest.raises(ParameterError, match="porosity.*≤ 1"):
        validate(schema, {"t": "2 um", "porosity": 1.2})
    with pytest.raises(ParameterError, match="'t'.*required"):
        validate(schema, {})


def test_param_needs_source_and_finite_value():
    assert Param(0.534, "g/cm3", "CRC2016").si == pytest.approx(534.0)
    with pytest.raises(ParameterError):
        Param(1.0, "g/cm3", "")
    with pytest.raises(ParameterError):
        Param(math.inf, "g/cm3", "x")


def test_offset_temperature_units_are_shifted_not_scaled():
    """'77 degF' is 298.15 K (an offset scale), not 77 x 255.9 K; independent reference: (77 - 32) * 5/9 + 273.15."""
    from lisse.units import parse_quantity, to_si

    assert to_si("77 degF", "K", "T") == pytest.approx((77 - 32) * 5 / 9 + 273.15, rel=1e-12)
    assert parse_quantity("-40 degF", "K", "T") == pytest.approx(233.15, rel=1e-12)
    assert to_si("25 degC", "K", "T") == pytest.approx(298.15, rel=1e-12)
