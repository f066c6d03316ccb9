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


def test_the_slit_sweep_names_sigma_in_its_json_csv_and_figure(tmp_path, capsys, monkeypatch):
    """review s44 item 2: the sweep's driving force dg = -cos_c 2 sigma / w comes from sigma_Li's calibrated default."""
    import csv

    from lisse.io import outputs

    notes: dict[str, list[str]] = {}
    real = outputs.save_figure

    def spy(fig, path, **kw):
        notes[str(path)] = [t.get_text() for t in fig.texts if t.get_text().startswith("calibrated")]
        return real(fig, path, **kw)

    monkeypatch.setattr(outputs, "save_figure", spy)
    code, d = _json(capsys, "--sweep", "--angles", "60,160", "--out", str(tmp_path / "sw"))
    assert code == 0 and list(d["calibrated_parameters"]) == ["li_surface_energy"]  # name -> observation, as a run's
    assert d["li_surface_energy_J_m2"] == pytest.approx(DEFAULT_LI_SURFACE_ENERGY, rel=1e-12)
    assert d["driving_force_MPa"] == pytest.approx(0.5 * 2 * DEFAULT_LI_SURFACE_ENERGY / d["pore_width_um"], rel=1e-9)  # -cos_c = 0.5
    rows = list(csv.DictReader(open(tmp_path / "sw" / "sweep.csv")))
    assert len(rows) == 2 and {r["calibrated_parameters"] for r in rows} == {"li_surface_energy"}
    assert list(notes.values()) == [["calibrated (fitted to one observation): li_surface_energy"]]


def test_the_stage_sweep_table_figure_and_summary_name_sigma(tmp_path, monkeypatch):
    from lisse.pipeline.registry import StageContext, all_stages
    from lisse.sim.phasefield import presets

    real = presets.transition_sweep
    monkeypatch.setattr(presets, "transition_sweep", lambda angles, **kw: real([60.0, 160.0], **kw))  # two slit runs, not eight
    st = {s.name: s for s in all_stages()}["phasefield"]
    opts = {"presets": ["lithiophobic"], "grid": 32, "sweep": True, "seeds": 1}
    r = st.func(StageContext(study={"phasefield": opts}, options=opts, out_dir=tmp_path, progress=False))
    assert r.tables["phasefield_sweep"]["calibrated_parameters"].tolist() == ["li_surface_energy"] * 2
    assert [t.get_text() for t in r.figures["phasefield_sweep"].texts if t.get_text().startswith("calibrated")] == [
        "calibrated (fitted to one observation): li_surface_energy"]
    assert list(r.summary["sweep_calibrated_parameters"]) == ["li_surface_energy"]


def test_a_stale_label_handed_over_is_dropped_and_the_allen_cahn_label_reads_the_coefficients():
    """review s44 item 6: a label passed in (a preset's, a checkpoint's) for a sigma that is not the default was kept, and
    the Allen–Cahn label read a record field rather than the gamma its coefficients encode."""
    import dataclasses

    import numpy as np

    from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver
    from lisse.sim.phasefield.model import coefficients_from_physical
    from lisse.sim.phasefield.presets import setup_preset
    from lisse.sim.phasefield.solver import PhaseFieldSolver

    run = setup_preset("lni-5cnt", grid=32)
    state = run.solver.state()
    state["params"] = {**state["params"], "li_surface_energy": 0.46}
    again = ElectrodepositionSolver.from_state(run.micro, state)
    assert set(again.calibrated_parameters) == {"nucleation_overpotential"}
    c = dataclasses.replace(coefficients_from_physical(90.0, li_surface_energy=0.46, interface_width=15e-9),
                            surface_energy=DEFAULT_LI_SURFACE_ENERGY)  # a record field that disagrees with A and k_zeta
    z = np.zeros((16, 8))
    z[:4] = 1.0
    assert PhaseFieldSolver(c, z, np.zeros_like(z), 10e-9).calibrated_parameters == {}
