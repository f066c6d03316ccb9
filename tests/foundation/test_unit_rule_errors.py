"""Range errors of quantity options show the value the user typed, in the display unit of --help.

A user who types ``--current-density -7`` (help: bare number mA/cm2) must not be told "got -70.0"
(A/m2, without a unit): the message names the value in the unit they used. Expected texts are the
inputs converted by hand (1 mA/cm2 = 10 A/m2, 1 mAh/cm2 = 3.6e4 C/m2, 1 cm2 = 1e-4 m2).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lisse.cli.main import main

_ROOT = Path(__file__).resolve().parents[2]
# shared/ sits beside the checkout (CI: <clone>/../shared); a git worktree may sit one level deeper
_DATA = next((c / "data" for c in (_ROOT.parent / "shared", _ROOT.parent.parent / "shared") if c.is_dir()), _ROOT / "missing")


def _shared(*parts: str) -> str:
    p = _DATA.joinpath(*parts)
    if not p.is_file():
        pytest.skip(f"shared data file {p} not available")
    return str(p)


def _err(capsys, *argv: str) -> str:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    ("argv", "shown"),
    [
        (("compare", "--ccd=-1"), "-1 mA/cm2"),
        (("compare", "--interfacial-resistance=-20"), "-20 ohm*cm2"),
        (("interlayer", "--preset", "lni-5cnt", "--current-density=-7", "--capacity", "1"), "-7 mA/cm2"),
        (("interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity=-2"), "-2 mAh/cm2"),
        (("nucleation", "--overpotential=-7"), "-7 mV"),
        (("ccd", "--synthetic", "--area=-3"), "-3 cm2"),
        (("interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1",
          "--spike-currents", "2,3,4", "--spike-heights", "60,75,-85"), "-85.0] mV"),
        (("interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1",
          "--spike-currents", "2,-3,4", "--spike-heights", "60,75,85"), "-3.0, 4.0] mA/cm2"),
    ],
)
def test_range_errors_show_the_display_unit(capsys, argv, shown):
    assert shown in _err(capsys, *argv)


def test_reader_metadata_and_eis_geometry_errors_show_the_display_unit(capsys):
    mpr = _shared("cyclers", "biologic_gcpl_ec1161_aqueous.mpr")
    assert "-7 cm2" in _err(capsys, "cycling", mpr, "--area=-7")
    dta = _shared("eis", "impedance.py", "exampleDataGamry.DTA")
    assert "-7 cm2" in _err(capsys, "eis", dta, "--area=-7")
    assert "-7 um" in _err(capsys, "eis", dta, "--thickness=-7")


@pytest.mark.parametrize(("text", "unit", "si"), [("20 Ohm cm2", "ohm*cm2", 20e-4), ("20 Ohm*cm2", "ohm*cm2", 20e-4),
                                                   ("1 kOhm", "ohm", 1e3), ("5 MOhm", "ohm", 5e6), ("2 mOhm", "ohm", 2e-3)])
def test_capitalised_ohm_spellings_parse(text, unit, si):
    """'Ohm' as papers and instrument headers write it (1 ohm cm2 = 1e-4 ohm m2)."""
    from lisse.units import parse_quantity

    assert parse_quantity(text, unit, "--asr") == pytest.approx(si, rel=1e-12, abs=0)


def test_compare_takes_ohm_cm2_as_written_in_papers(capsys):
    code = main(["compare", "--interfacial-resistance", "20 Ohm cm2", "--json"])
    out = capsys.readouterr().out
    assert code == 0
    assert json.loads(out)["interfacial_resistance_ohm_cm2"] == pytest.approx(20.0, rel=1e-12, abs=0)


@pytest.mark.parametrize("value", ["abc", "30 um", ""])
def test_dimensionless_options_ask_for_a_plain_number(capsys, value):
    """A porosity or N/P ratio has no unit: the hint shows a number, not '1.5 dimensionless'."""
    err = _err(capsys, "cell", "--li-thickness", "20", "--cathode-capacity", "3", "--target-np", value)
    assert "plain number" in err and "dimensionless'" not in err and "in dimensionless" not in err
