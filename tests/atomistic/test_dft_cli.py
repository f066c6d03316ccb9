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
    (["wetting", "--work-of-adhesion", "0.5", "--strain-on", "substrate"], "--strain-on"),
    (["wetting", "Li", "LiF", "--calculator", "chgnet", "--level", "screening"], "level"),
    (["segregation", "LiF", "--calculator", "sevennet", "--level", "screening"], "level"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw+d3"], "--dispersion d3"),
    (["stability", "Li", "LiF", "--calculator", "chgnet", "--dispersion", "d3"], "--dispersion: applies to --calculator gpaw"),
    (["stability", "Li", "LiF", "--calculator", "chgnet+d3"], "--dispersion: applies to --calculator gpaw"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw", "--prerelax", "gpaw+d3"], "--dispersion d3"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw", "--prerelax", "gpaw"], "prerelax"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw:test", "--level", "publication"], "level"),
    (["wetting", "Li", "LiF", "--calculator", "chgnet", "--cutoff", "450"], "--cutoff"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw", "--cutoff", "-450 eV"], "--cutoff"),
    (["wetting", "Li", "LiF", "--calculator", "chgnet", "--relax-mode", "lcao"], "--relax-mode"),
    (["wetting", "Li", "LiF", "--calculator", "cp2k", "--relax-mode", "lcao"], "--relax-mode"),
    (["wetting", "--work-of-adhesion", "0.5", "--relax-mode", "lcao"], "--relax-mode"),
    (["segregation", "--surface-energy", "0.5", "--interface-energy", "0.3", "--relax-mode", "lcao"], "--relax-mode"),
    (["wetting", "Li", "LiF", "--calculator", "chgnet", "--dft-log", "gpaw.log"], "--dft-log"),
    (["wetting", "Li", "LiF", "--calculator", "cp2k", "--dft-log", "gpaw.log"], "--dft-log"),
    (["wetting", "--work-of-adhesion", "0.5", "--dft-log", "gpaw.log"], "--dft-log"),
    (["segregation", "--surface-energy", "0.5", "--interface-energy", "0.3", "--dft-log", "gpaw.log"], "--dft-log"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw", "--dft-log", "no-such-folder/gpaw.log"], "--dft-log"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw", "--dft-log", "."], "--dft-log"),
    (["wetting", "Li", "LiF", "--calculator", "gpaw", "--dft-log", ""], "--dft-log"),
    (["wetting", "Li", "LiF", "Li2O", "--calculator", "gpaw", "--dft-log", "gpaw.log", "--jobs", "2"], "--dft-log"),
    (["wetting", "Li", "LiF", "Li2O", "--calculator", "chgnet", "--refine-top", "1", "--refine-calculator", "cp2k", "--dft-log", "gpaw.log"], "--dft-log"),
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
    # Li sunk into E (a reaction energy, flagged invalid) and a NaN W_ad never win, however large
    rows += [{"substrate": "E", "status": "ok", "result": {"work_of_adhesion_J_m2": 9.0, "work_of_adhesion_valid": False}},
             {"substrate": "F", "status": "ok", "result": {"work_of_adhesion_J_m2": float("nan")}},
             {"substrate": "G", "status": "ok", "result": {"work_of_adhesion_J_m2": 0.2, "work_of_adhesion_valid": True}}]
    assert refine_candidates(rows, 2) == ["C", "D"]
    assert refine_candidates(rows, 9) == ["C", "D", "G", "A"]


@pytest.mark.parametrize("argv, expect", [
    (["wetting", "Li", "LiF", "--refine-top", "1"], "--refine-top"),
    (["wetting", "Li", "LiF", "Li2O", "--refine-top", "3"], "--refine-top"),
    (["wetting", "Li", "LiF", "Li2O", "--refine-top", "1", "--refine-calculator", "sevennet"], "--refine-calculator"),
])
def test_refine_options_refused(argv, expect, capsys, tmp_path):
    rc = main([*argv, "--cache-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and expect in err and len(err.splitlines()) == 1


def _dft_parser():
    """A parser with --calculator (default gpaw) and the shared DFT options of wetting and segregation."""
    import argparse

    from lisse.cli.wetting import add_dft_arguments

    p = argparse.ArgumentParser()
    p.add_argument("--calculator", default="gpaw")
    add_dft_arguments(p)
    return p


def test_cutoff_sets_the_plane_wave_cutoff_in_ev():
    """--cutoff 450 (bare number: eV, Ji2025's cut-off) and "0.45 keV" both give ecut_eV = 450 in the calculator's settings."""
    from lisse.cli.wetting import make_calculator

    p = _dft_parser()
    for text in ("450", "0.45 keV"):
        c = make_calculator(p.parse_args(["--cutoff", text, "--level", "screening"]))
        assert c.info.settings["ecut_eV"] == pytest.approx(450.0, abs=1e-9) and c.info.settings["level"] == "screening"
    assert make_calculator(p.parse_args([])).info.settings["ecut_eV"] != 450.0  # the level's own without --cutoff


def test_relax_mode_outside_its_choices_exits_2_naming_it(capsys):
    with pytest.raises(SystemExit) as e:  # argparse's choices: usage error, exit 2
        main(["wetting", "Li", "LiF", "--calculator", "gpaw", "--relax-mode", "fd"])
    assert e.value.code == 2 and "--relax-mode" in capsys.readouterr().err


def test_relax_mode_sets_the_relaxation_basis_and_keeps_the_plane_wave_energies():
    """--relax-mode lcao: relaxations and scans in LCAO, the energies (and cell relaxations) still plane waves at the
    cut-off given; its cache identity differs from the plane-wave relaxation's; without it the level's mode (pw)."""
    from lisse.atomistic.calculators import GPAW_LEVELS
    from lisse.cli.wetting import make_calculator

    p = _dft_parser()
    lcao = make_calculator(p.parse_args(["--relax-mode", "lcao", "--cutoff", "450 eV", "--dispersion", "d3"]))
    pw = make_calculator(p.parse_args(["--cutoff", "450 eV", "--dispersion", "d3"]))
    assert lcao.info.settings["relax_mode"] == "lcao" and pw.info.settings["relax_mode"] == GPAW_LEVELS["screening"]["relax_mode"] == "pw"
    assert lcao.info.settings["energy_mode"] == "pw" and lcao.info.settings["ecut_eV"] == 450.0 and lcao.dispersion == "d3"
    assert [lcao._mode(q) for q in ("relax", "scan", "relax_cell", "energy")] == ["lcao", "lcao", "pw", "pw"]
    assert lcao.final_single_point("relax") and not pw.final_single_point("relax")
    assert lcao.identity() != pw.identity()
    assert lcao.variant(kspacing=0.2).info.settings["relax_mode"] == "lcao"  # a convergence scan keeps the run's mode
    alone = make_calculator(p.parse_args(["--relax-mode", "lcao"]))  # without --cutoff: the level's cut-off
    assert alone.info.settings["relax_mode"] == "lcao" and alone.info.settings["ecut_eV"] == GPAW_LEVELS["screening"]["ecut_eV"]


def test_screen_refine_and_segregation_hand_the_dft_options_to_the_dft_calculator(monkeypatch, capsys):
    """--relax-mode and --cutoff reach the calculator that runs them: the refining DFT calculator of a screen
    (--refine-calculator), and the segregation workflow's (review s42: both paths went untested)."""
    import lisse.atomistic.executors as executors
    import lisse.atomistic.workflows as workflows

    seen = []

    def fake_screen(substrates, calc, cache, **kw):
        seen.append(calc)
        return [{"substrate": s, "status": "ok", "result": {"work_of_adhesion_J_m2": 0.1 * (i + 1), "contact_angle_deg": 100.0,
                                                             "regime": "x"}} for i, s in enumerate(substrates)]

    def fake_segregation(calc, phase, **kw):
        seen.append(calc)
        return {"driving_force_J_m2": 0.0}

    monkeypatch.setattr(executors, "adhesion_screen", fake_screen)
    monkeypatch.setattr(workflows, "segregation_workflow", fake_segregation)
    opts = ["--relax-mode", "lcao", "--cutoff", "450 eV", "--cache-dir", "none", "--json"]
    assert main(["wetting", "Li", "LiF", "Li2O", "--refine-top", "1", *opts]) == 0
    ml, dft = seen  # the ML screen by its label, then the refining DFT calculator
    assert ml == "chgnet:0.3.0" and dft.info.name == "gpaw"
    assert dft.info.settings["relax_mode"] == "lcao" and dft.info.settings["ecut_eV"] == 450.0
    seen.clear()
    # an ML screen with D3 keeps it (review s48: the name alone was passed and D3 dropped)
    assert main(["wetting", "Li", "LiF", "Li2O", "--calculator", "chgnet", "--dispersion", "d3", "--cache-dir", "none", "--json"]) == 0
    assert seen == ["chgnet:0.3.0+d3"]
    seen.clear()
    assert main(["segregation", "LiF", "--calculator", "gpaw", *opts]) == 0
    (calc,) = seen
    assert calc.info.settings["relax_mode"] == "lcao" and calc.info.settings["ecut_eV"] == 450.0
    capsys.readouterr()
    rc = main(["wetting", "Li", "LiF", "Li2O", "--refine-top", "1", "--refine-calculator", "cp2k", "--relax-mode", "lcao",
               "--cache-dir", "none"])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and "--relax-mode:" in err and "got --refine-calculator 'cp2k'" in err and len(err.splitlines()) == 1


def test_screen_refine_skips_an_invalid_ml_work_of_adhesion(monkeypatch, capsys):
    """The ML screen's largest "W_ad" is Li sunk into Li2O (flagged invalid): DFT refines LiCl, the note names Li2O."""
    import json

    import lisse.atomistic.executors as executors

    seen = []
    ml = {"LiF": (0.2, True), "Li2O": (3.0, False), "LiCl": (0.4, True)}

    def fake_screen(substrates, calc, cache, **kw):
        seen.append(list(substrates))
        return [{"substrate": s, "status": "ok", "result": {"work_of_adhesion_J_m2": ml[s][0], "work_of_adhesion_valid": ml[s][1],
                                                             "contact_angle_deg": 90.0, "regime": "x",
                                                             "prerelax": {"dispersion_note": "pre-relaxation differs"}}}
                for s in substrates]

    monkeypatch.setattr(executors, "adhesion_screen", fake_screen)
    assert main(["wetting", "Li", "LiF", "Li2O", "LiCl", "--refine-top", "1", "--cache-dir", "none", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert seen == [["LiF", "Li2O", "LiCl"], ["LiCl"]]
    assert out["refine_not_ranked"] == ["Li2O"] and "not ranked (no valid ML W_ad): Li2O" in out["refine_note"]
    assert out["refined"][0]["ml_work_of_adhesion_J_m2"] == 0.4
    # the text names the refined run's pre-relaxation dispersion note, once
    assert main(["wetting", "Li", "LiF", "Li2O", "LiCl", "--refine-top", "1", "--cache-dir", "none"]) == 0
    assert capsys.readouterr().out.count("NOTE: pre-relaxation differs") == 1


def test_make_calculator_takes_the_spec_it_is_given_and_refuses_a_zero_cutoff(capsys, tmp_path):
    """The refine step builds its calculator from --refine-calculator, not --calculator; CP2K without a level is screening;
    --cutoff 0 is refused naming --cutoff (not the calculator's own 'ecut')."""
    import argparse

    from lisse.cli.wetting import make_calculator

    ns = argparse.Namespace(calculator="gpaw", level=None, dispersion=None, cutoff=None, relax_mode=None)
    assert make_calculator(ns, "chgnet").info.name == "chgnet" and make_calculator(ns).info.name == "gpaw"
    pytest.importorskip("lisse.io.cp2k")
    assert make_calculator(argparse.Namespace(calculator="cp2k", level=None, dispersion=None, cutoff=None)).level == "screening"
    rc = main(["wetting", "Li", "LiF", "--calculator", "gpaw", "--cutoff", "0 eV", "--cache-dir", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("lisse: error: --cutoff: expected a positive plane-wave cut-off; got 0 eV")


def test_adhesion_problems_flag_intermixing_and_unconverged_relaxations():
    from lisse.atomistic.workflows import adhesion_problems

    assert adhesion_problems(1.9, True) == []  # an intact Li|X contact at a bonding distance
    assert adhesion_problems(0.0, True) == []  # touching is not intermixing
    (mixed,) = adhesion_problems(-3.2, True)  # Li|Li6PS5Cl under CHGNet: Li 3.2 A inside the sulfide
    assert "-3.20 A" in mixed and "not a work of adhesion" in mixed and "stability" in mixed
    (unconv,) = adhesion_problems(2.0, False)
    assert "force target" in unconv
    assert len(adhesion_problems(-0.1, False)) == 2


def test_wetting_text_prints_each_warning_of_the_result():
    from lisse.cli.wetting import render

    res = {"substrate": "LPSC", "checks": {"li_surface_energy_thickness_change_J_m2": 0.01, "vacuum_change_J_m2": None,
                                           "vacuum_vs_cutoff_A": [15.0, 6.0], "fmax_target_eV_A": 0.05, "all_relaxations_converged": False},
           "calculator": "chgnet", "level": "ml-screening", "film_miller": [1, 0, 0], "substrate_miller": [0, 0, 1],
           "provenance": {"calculator": {"name": "chgnet", "model": "0.3.0"}, "wall_s": 1.0, "n_cached": 0, "n_jobs": 1},
           "work_of_adhesion_J_m2": 2.71, "contact_angle_deg": 0.0, "regime": "complete wetting", "li_surface_energy_J_m2": 0.325,
           "default_li_surface_energy_J_m2": 0.4245, "contact_angle_deg_default_sigma": 0.0, "strain_percent": 3.96,
           "interface_area_A2": 100.0, "n_atoms_interface": 46, "start_to_start_spread_J_m2": 0.0, "n_starts_sane": 3, "uncertainty": {},
           "warnings": ["Li moved into the substrate", "a relaxation did not reach its force target"]}
    text = render(res)
    assert "WARNING: Li moved into the substrate" in text and "WARNING: a relaxation did not reach" in text
    assert "WARNING" not in render({**res, "warnings": []})
    # an unmeasured change reads n/a, never 0 (review s48: a missing sigma_Li thickness change printed 0.0000)
    assert "start-to-start spread 0.000 J/m2 over 3 starts" in text and "+vacuum change n/a J/m2" in text
    unmeasured = render({**res, "start_to_start_spread_J_m2": None, "n_starts_sane": 1,
                         "checks": {**res["checks"], "li_surface_energy_thickness_change_J_m2": None}})
    assert "sigma_Li thickness change n/a J/m2" in unmeasured and "start-to-start spread not measured (1 sane start)" in unmeasured
    # review s49b: an unconverged sigma_Li slab is said beside "all relaxations converged" (which covers the W_ad's three)
    loose = render({**res, "li_surface_energy_converged": False})
    assert "all relaxations converged to 0.05 eV/A: False (film, substrate, interface; sigma_Li's Li slabs: False)" in loose
    # a screen row: "not a work of adhesion" only when the workflow says so; a sigma_Li warning is a note
    row = {"work_of_adhesion_J_m2": 0.2, "contact_angle_deg": 100.0, "regime": "x", "warnings": ["a Li slab behind sigma_Li ..."]}
    scr = {"screen": [{"substrate": "LiF", "status": "ok", "result": {**row, "work_of_adhesion_valid": True}},
                      {"substrate": "LPSC", "status": "ok", "result": {**row, "work_of_adhesion_valid": False}}],
           "substrates_ok": 2, "substrates_total": 2, "substrates_failed": 0}
    lif, lpsc = render(scr).splitlines()[1:3]
    assert "(note: a Li slab behind sigma_Li" in lif and "not a work of adhesion" not in lif
    assert "(not a work of adhesion: a Li slab behind sigma_Li" in lpsc


def test_dft_log_reaches_the_gpaw_calculator_through_every_option_and_refuses_foreign_files(tmp_path):
    """--dft-log survives --cutoff and --relax-mode (variant) and reaches the refining calculator; an existing file is
    appended to only when it is empty or an earlier lisse GPAW log (review s45b items 1 and 4)."""
    import shlex

    from lisse.atomistic.calculators import GPAW_LOG_HEADER
    from lisse.cli.main import build_parser
    from lisse.cli.wetting import make_calculator

    log = tmp_path / "gpaw.log"

    def calc(extra, spec=None):
        args = build_parser().parse_args(shlex.split(f"wetting Li LiF --calculator gpaw {extra} --dft-log {log}"))
        return make_calculator(args, spec)

    for extra in ("", '--cutoff "450 eV"', "--relax-mode lcao", '--cutoff "450 eV" --relax-mode lcao --dispersion d3'):
        c = calc(extra)
        assert c.txt == str(log.resolve()), extra
    assert calc('--cutoff "450 eV"').settings["ecut_eV"] == 450.0  # the options still apply beside the log
    assert calc("", spec="gpaw").txt == str(log.resolve())  # --refine-calculator gpaw
    log.write_text(f"{GPAW_LOG_HEADER} energy of Li (1 atoms), gpaw:test, 2026-12-03T00:00:00+00:00 =====\n...\n")
    assert calc("").txt == str(log.resolve())  # an earlier log: appended to
    log.write_text("data_Li\n_cell_length_a 3.44\n")  # e.g. a CIF the command reads
    with pytest.raises(ParameterError, match="expected a new file or an earlier lisse GPAW log"):
        calc("")
    assert log.read_text() == "data_Li\n_cell_length_a 3.44\n"
