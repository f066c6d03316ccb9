"""Flags given before the subcommand, and the C-rate of a negative current density."""

from __future__ import annotations

import json

import pytest

from lisse.cli.main import main


@pytest.mark.parametrize("argv", [["--json", "cell"], ["cell", "--json"]])
def test_json_before_or_after_the_subcommand(capsys, argv):
    code = main([*argv, "--li-thickness", "20 um", "--cathode-capacity", "1.5 mAh/cm2"])
    out = capsys.readouterr().out
    assert code == 0
    d = json.loads(out)  # not the text rendering
    assert d["li_thickness_um"] == pytest.approx(20.0, rel=1e-12)


def test_negative_current_density_is_refused(capsys):
    code = main(["cell", "--li-thickness", "20 um", "--cathode-capacity", "1.5 mAh/cm2", "--current-density=-7"])
    err = capsys.readouterr().err
    assert code == 2
    assert "'--current-density'" in err and "-7 mA/cm2" in err and err.count("\n") == 1


@pytest.mark.parametrize("argv", [["interlayer", "--preset", "lni-5cnt", "--sweep", "--points", "1e9"], ["nosuch"], ["cell", "--bogus"]])
def test_usage_errors_are_one_line(capsys, argv):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = [ln for ln in capsys.readouterr().err.splitlines() if ln.strip()]
    assert len(err) == 1 and "error:" in err[0] and "--help" in err[0]
