"""Unit errors name the kind of quantity (a length, a voltage) beside pint's dimensions; 'A' for the ångström gets a
hint; 'Å' and a C-rate with its unit ('0.5 1/h') are understood (found by an independent audit)."""

from __future__ import annotations

import json

import pytest

from lisse.errors import UnitError
from lisse.units import as_si


def test_dimension_names_in_the_message():
    with pytest.raises(UnitError, match=r"expects a quantity in um \(a length, \[length\]\); got '5 mV' \(a voltage, "):
        as_si("5 mV", "um", "li_thickness")
    with pytest.raises(UnitError, match=r"\(an energy per area, \[mass\] / \[time\] \*\* 2\); got '0.09 eV/A2' \(.*\); 'A' is the "
                                        r"ampere: write 'angstrom' or 'Å'"):
        as_si("0.09 eV/A2", "J/m2", "work_of_adhesion")
    with pytest.raises(UnitError) as ei:  # an ampere where a current belongs: no angstrom hint
        as_si("2 A", "V", "voltage")
    assert "ångström" not in str(ei.value) and "(a current, [current])" in str(ei.value)


def test_angstrom_is_read():
    # 1 eV/A^2 = 1.602176634e-19 J / 1e-20 m2 = 16.02176634 J/m2
    assert as_si("1 eV/Å2", "J/m2", "w") == pytest.approx(16.02176634, rel=1e-12)
    assert as_si("1 eV/Å^2", "J/m2", "w") == pytest.approx(16.02176634, rel=1e-12)
    assert as_si("3 Å", "m", "a") == pytest.approx(3e-10, rel=1e-12)


@pytest.mark.parametrize("rate, per_h", [("0.5 1/h", 0.5), ("0.5", 0.5), ("C/2", 0.5), ("2 1/d", 2 / 24), ("0.5C", 0.5)])
def test_c_rate_forms(cli, rate, per_h):
    r = cli("cell", "--li-thickness", "5 um", "--cathode-capacity", "1.5 mAh/cm2", "--c-rate", rate, "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["c_rate_per_h"] == pytest.approx(per_h, rel=1e-12)
    assert d["current_density_mA_cm2"] == pytest.approx(1.5 * per_h, rel=1e-12)


def test_c_rate_of_the_wrong_kind(cli):
    r = cli("cell", "--li-thickness", "5 um", "--cathode-capacity", "1.5 mAh/cm2", "--c-rate", "0.5 mA")
    assert r.returncode == 2 and "'--c-rate' expects a rate in 1/h" in r.stderr and len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("value, unit", [("3 A", "1/h"), ("5 A", "K"), ("1 A h", "s")])
def test_no_angstrom_hint_where_no_length_belongs(value, unit):
    with pytest.raises(UnitError) as ei:
        as_si(value, unit, "x")
    assert "ångström" not in str(ei.value)
