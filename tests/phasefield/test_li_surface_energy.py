"""``lisse phasefield --li-surface-energy`` / ``run_settings(li_surface_energy=)``: the user's σ_Li replaces the calibrated
default in the run (and in the --work-of-adhesion conversion), the label follows the value, and --resume keeps it."""

from __future__ import annotations

import json
import math

import pytest

from lisse.cli.main import main
from lisse.errors import ParameterError
from lisse.sim.phasefield.presets import run_settings, setup_run
from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY


def _json(capsys, *argv: str) -> tuple[int, dict | str]:
    code = main(["phasefield", *argv, "--json"]) or 0
    cap = capsys.readouterr()
    return code, (json.loads(cap.out) if code == 0 else cap.err)


def test_the_users_sigma_reaches_both_models_and_drops_the_label():
    for preset in ("lithiophobic", "lni-5cnt"):
        run = setup_run(run_settings(preset, 32, li_surface_energy=0.46))
        sigma = run.solver.p["li_surface_energy"] if hasattr(run.solver, "p") else run.solver.c.surface_energy
        assert sigma == pytest.approx(0.46, rel=1e-12), preset
        assert "li_surface_energy" not in run.solver.calibrated_parameters, preset
        default = setup_run(run_settings(preset, 32))
        assert "li_surface_energy" in default.solver.calibrated_parameters, preset
    # Allen–Cahn: the energy scale is the one given (A = 3 sqrt(2) sigma / delta)
    c = setup_run(run_settings("lithiophobic", 32, li_surface_energy=0.92)).solver.c
    c0 = setup_run(run_settings("lithiophobic", 32, li_surface_energy=0.46)).solver.c
    assert c.A / c0.A == pytest.approx(2.0, rel=1e-12) and c.k_zeta / c0.k_zeta == pytest.approx(2.0, rel=1e-12)


def test_work_of_adhesion_converts_with_the_users_sigma():
    # Young–Dupré: cos(theta) = W_ad / sigma - 1
    for sigma in (None, 0.46):
        s = run_settings("lithiophobic", 32, work_of_adhesion=0.2, li_surface_energy=sigma)
        used = DEFAULT_LI_SURFACE_ENERGY if sigma is None else sigma
        assert s["contact_angle_deg"] == pytest.approx(math.degrees(math.acos(0.2 / used - 1.0)), rel=1e-12)


@pytest.mark.parametrize("bad", [0.0, -0.1, 11.0, float("nan")])
def test_a_sigma_out_of_range_is_refused(bad):
    with pytest.raises(ParameterError, match="li_surface_energy"):
        run_settings("lithiophobic", 32, li_surface_energy=bad)


def test_cli_reports_the_sigma_used_and_resume_keeps_it(tmp_path, capsys):
    code, d = _json(capsys, "--preset", "lithiophobic", "--grid", "32", "--frames", "2")
    assert code == 0 and d["li_surface_energy_J_m2"] == pytest.approx(DEFAULT_LI_SURFACE_ENERGY, rel=1e-12)
    assert list(d["calibrated_parameters"]) == ["li_surface_energy"]
    out = str(tmp_path / "o")
    code, d = _json(capsys, "--preset", "lithiophobic", "--grid", "32", "--frames", "2", "--li-surface-energy", "0.46 J/m2",
                    "--out", out, "--max-steps", "3", "--no-animation")
    assert code == 0 and d["completed"] is False and d["li_surface_energy_J_m2"] == pytest.approx(0.46, rel=1e-12)
    assert d["calibrated_parameters"] == {}  # said, not omitted
    code, d = _json(capsys, "--resume", "--out", out, "--no-animation")
    assert code == 0 and d["li_surface_energy_J_m2"] == pytest.approx(0.46, rel=1e-12)
    assert d["calibrated_parameters"] == {}  # said, not omitted
    code, err = _json(capsys, "--resume", "--out", out, "--li-surface-energy", "0.5 J/m2")
    assert code == 2 and "--li-surface-energy" in err and err.count("\n") == 1
    code, err = _json(capsys, "--preset", "lithiophobic", "--li-surface-energy", "0.46 m")
    assert code == 2 and "--li-surface-energy" in err and "J/m2" in err
