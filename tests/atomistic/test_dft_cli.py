"""CLI options of the DFT path that fail before any calculation: one line, exit 2 (no GPAW needed)."""

from __future__ import annotations

import pytest

from lisse.cli.main import main
from lisse.cli.wetting import parse_supercells
from lisse.errors import ParameterError


def test_supercells_parse_and_refuse_bad_text():
    assert parse_supercells("4x4,3x3") == ((4, 4), (3, 3))
    assert parse_supercells(" 3X3 , 2x2 ") == ((3, 3), (2, 2))
    assert parse_supercells(None) is None
    for bad in ("4x4", "4x4;3x3", "4x4,3x", "0x4,3x3", "4x4,3x3,2x2", "axb,cxd", "13x1,1x1"):
        with pytest.raises(ParameterError, match="--supercells"):
            parse_supercells(bad)


@pytest.mark.parametrize("argv, expect", [
    (["wetting", "Li", "LiF", "--supercells", "4x4"], "--supercells"),
    (["wetting", "Li", "LiF", "--calculator", "chgnet", "--level", "screening"], "level"),
    (["segregation", "LiF", "--calculator", "sevennet", "--dispersion", "d3"], "dispersion"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw", "--prerelax", "gpaw"], "prerelax"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw:test", "--level", "publication"], "level"),
    (["wetting", "Li", "LiF", "--calculator", "chgnet", "--cutoff", "450"], "--cutoff"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw", "--cutoff", "-450 eV"], "ecut"),
])
def test_bad_dft_options_exit_2_with_one_line(argv, expect, capsys, tmp_path):
    rc = main([*argv, "--cache-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and expect in err and len(err.splitlines()) == 1


def test_full_convergence_check_needs_a_dft_calculator():
    pytest.importorskip("ase")
    pytest.importorskip("pymatgen")
    from lisse.atomistic.workflows import adhesion_workflow, surface_energy_workflow

    with pytest.raises(ParameterError, match="check_convergence"):
        surface_energy_workflow("chgnet", "Li", check_convergence=True)  # refused before any calculation
    with pytest.raises(ParameterError, match="check_convergence"):
        adhesion_workflow("chgnet", "LiF", check_convergence=True)


def test_refine_picks_the_highest_ml_work_of_adhesion_and_skips_failures():
    from lisse.cli.wetting import refine_candidates

    rows = [{"substrate": "A", "status": "ok", "result": {"work_of_adhesion_J_m2": 0.1}},
            {"substrate": "B", "status": "error", "result": None},
            {"substrate": "C", "status": "ok", "result": {"work_of_adhesion_J_m2": 0.5}},
            {"substrate": "D", "status": "ok", "result": {"work_of_adhesion_J_m2": 0.3}}]
    assert refine_candidates(rows, 2) == ["C", "D"]
    assert refine_candidates(rows, 5) == ["C", "D", "A"]


@pytest.mark.parametrize("argv, expect", [
    (["wetting", "Li", "LiF", "--refine-top", "1"], "--refine-top"),
    (["wetting", "Li", "LiF", "Li2O", "--refine-top", "3"], "--refine-top"),
    (["wetting", "Li", "LiF", "Li2O", "--refine-top", "1", "--refine-calculator", "sevennet"], "--refine-calculator"),
])
def test_refine_options_refused(argv, expect, capsys, tmp_path):
    rc = main([*argv, "--cache-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and expect in err and len(err.splitlines()) == 1


def test_cutoff_sets_the_plane_wave_cutoff_in_ev():
    """--cutoff 450 (bare number: eV, Ji2025's cut-off) and "0.45 keV" both give ecut_eV = 450 in the calculator's settings."""
    import argparse

    from lisse.cli.wetting import add_dft_arguments, make_calculator

    p = argparse.ArgumentParser()
    p.add_argument("--calculator", default="gpaw")
    add_dft_arguments(p)
    for text in ("450", "0.45 keV"):
        c = make_calculator(p.parse_args(["--cutoff", text, "--level", "screening"]))
        assert c.info.settings["ecut_eV"] == pytest.approx(450.0, abs=1e-9) and c.info.settings["level"] == "screening"
    assert make_calculator(p.parse_args([])).info.settings["ecut_eV"] != 450.0  # the level's own without --cutoff

