"""Checkpoint/restart, the CLI contract and the evaluate stage."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from lisse.errors import ParameterError, ReaderError
from lisse.io.phasefield import load_checkpoint, save_checkpoint
from lisse.sim.phasefield.presets import setup_preset

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["OMP_NUM_THREADS"] = "1"
    return subprocess.run([sys.executable, "-m", "lisse", "phasefield", *args], capture_output=True, text=True, env=env, timeout=300,
                          cwd=cwd)


def test_checkpoint_restart_reproduces_uninterrupted_run(tmp_path):
    from lisse.sim.phasefield.electrodeposition import ElectrodepositionSolver

    a = setup_preset("lithiophobic", grid=48)
    b = setup_preset("lithiophobic", grid=48)
    a.solver.step(30)
    save_checkpoint(tmp_path / "c.npz", a.solver.state(), settings={"note": "x"}, history=[{"step": 30}])
    data = load_checkpoint(tmp_path / "c.npz")
    assert data["settings"] == {"note": "x"} and data["history"] == [{"step": 30}]
    r = ElectrodepositionSolver.from_state(a.micro, data["state"])
    assert r.t == a.solver.t and r.step_count == 30 and r.dt == a.solver.dt
    r.step(20)
    b.solver.step(50)
    assert r.t == pytest.approx(b.solver.t, rel=1e-12)
    assert np.allclose(r.zeta, b.solver.zeta, atol=1e-8)


def test_load_checkpoint_errors(tmp_path):
    with pytest.raises(ReaderError, match="does not exist"):
        load_checkpoint(tmp_path / "missing.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ReaderError, match="bad.npz"):
        load_checkpoint(bad)
    np.savez(tmp_path / "other.npz", x=np.zeros(3))
    with pytest.raises(ReaderError, match="meta_json"):
        load_checkpoint(tmp_path / "other.npz")
    # damaged metadata is the file's problem (ReaderError naming it), never an internal error
    np.savez(tmp_path / "badjson.npz", meta_json=np.frombuffer(b'{"format": ', dtype=np.uint8))
    with pytest.raises(ReaderError, match="badjson.npz"):
        load_checkpoint(tmp_path / "badjson.npz")
    np.savez(tmp_path / "list.npz", meta_json=np.frombuffer(b"[1, 2]", dtype=np.uint8))
    with pytest.raises(ReaderError, match="format"):
        load_checkpoint(tmp_path / "list.npz")
    np.savez(tmp_path / "old.npz", meta_json=np.frombuffer(b'{"format": "lisse-phasefield-checkpoint-1"}', dtype=np.uint8))
    with pytest.raises(ReaderError, match="lacks the entries"):
        load_checkpoint(tmp_path / "old.npz")
    with pytest.raises(ReaderError, match="is a directory"):
        load_checkpoint(tmp_path)


def test_cli_preset_writes_outputs_and_resume_matches(tmp_path):
    full = _cli("--preset", "lithiophobic", "--out", str(tmp_path / "full"), "--json", "--grid", "40", "--frames", "3")
    assert full.returncode == 0, full.stderr
    res = json.loads(full.stdout)
    assert res["completed"] is True
    assert isinstance(res["penetration_depth_um"], float)
    out = tmp_path / "full"
    for f in ("front.csv", "animation.gif", "checkpoint.npz", "front.png"):
        assert (out / f).stat().st_size > 0, f
    assert len(list((out / "snapshots").glob("*.png"))) >= 2
    rows = list(csv.DictReader(open(out / "front.csv")))
    assert len(rows) == 4 and float(rows[-1]["penetration_depth_um"]) == pytest.approx(res["penetration_depth_um"], rel=1e-6)
    assert [r["calibrated_parameters"] for r in rows] == ["li_surface_energy"] * 4  # only sigma_Li's calibrated default
    # issue-14 keys: Li gained = change of the planar-equivalent thickness of front_metrics (a second route);
    # Faraday thickness from the brief's 4.85 um per mAh/cm2 (BRIEF section 4), independent of lisse's constants
    assert res["li_plated_um"] == pytest.approx(res["li_thickness_um"] - float(rows[0]["li_thickness_um"]), rel=1e-6)
    q_mAh_cm2 = res["current_density_mA_cm2"] * res["time_s"] / 3600.0
    assert res["li_faraday_um"] == pytest.approx(q_mAh_cm2 / 0.2062, rel=0.005)
    # conserving model: Li gained = Faraday + Li exchanged with the anode bulk (pushed back where the pores block it)
    expected = res["li_faraday_um"] + res["reservoir_inflow_um"]
    assert res["li_inventory_error_rel"] == pytest.approx(res["li_plated_um"] / expected - 1.0, rel=1e-6, abs=1e-9)
    assert abs(res["li_inventory_error_rel"]) <= 1e-6
    assert res["penetration_regime"] == "blocked" and res["critical_stack_pressure_MPa"] > res["stack_pressure_MPa"]
    assert res["front_roughness_um"] >= 0.0 and 0.0 <= res["fraction_deposited_at_electrolyte"] <= 1.0
    assert float(rows[-1]["front_roughness_um"]) == pytest.approx(res["front_roughness_um"], rel=1e-6)
    assert float(rows[-1]["time_s"]) > float(rows[0]["time_s"]) == 0.0
    # interrupted run, then resumed: same end state as the uninterrupted one
    part = _cli("--preset", "lithiophobic", "--out", str(tmp_path / "part"), "--json", "--grid", "40", "--frames", "3",
                "--max-steps", "40", "--no-animation")
    assert part.returncode == 0, part.stderr
    assert json.loads(part.stdout)["completed"] is False
    resumed = _cli("--out", str(tmp_path / "part"), "--resume", "--json", "--no-animation")
    assert resumed.returncode == 0, resumed.stderr
    r2 = json.loads(resumed.stdout)
    assert r2["completed"] is True and r2["steps"] == res["steps"]
    assert r2["penetration_depth_um"] == pytest.approx(res["penetration_depth_um"], rel=1e-6, abs=1e-6)
    assert r2["li_thickness_um"] == pytest.approx(res["li_thickness_um"], rel=1e-6)
    for k in ("front_roughness_um", "fraction_deposited_at_electrolyte", "li_inventory_error_rel"):
        assert r2[k] == pytest.approx(res[k], rel=1e-5, abs=1e-6), k


def test_cli_bad_input_exit_code(tmp_path):
    p = _cli("--preset", "lithiophilic", "--out", str(tmp_path), "--contact-angle", "200 deg")
    assert p.returncode == 2 and "contact-angle" in p.stderr and len(p.stderr.strip().splitlines()) == 1
    p = _cli("--out", str(tmp_path / "none"), "--resume")
    assert p.returncode == 2 and "checkpoint" in p.stderr


def test_stage_runs_and_rejects_unknown_options(tmp_path):
    from lisse.pipeline.registry import StageContext, all_stages

    st = {s.name: s for s in all_stages()}["phasefield"]
    assert st.applies is not None
    assert st.applies({}) is not None and st.applies({"phasefield": {}}) is None  # an empty table runs the defaults
    opts = {"presets": ["lithiophobic"], "grid": 48}
    r = st.func(StageContext(study={"phasefield": opts}, options=opts, out_dir=tmp_path, progress=False))
    assert "lithiophobic_penetration_depth_um" in r.summary
    assert "phasefield_lithiophobic" in r.figures and "phasefield_presets" in r.tables
    assert r.summary["lithiophobic_contact_angle_deg"] == 140.0
    # the side-by-side snapshots, the animation (GIF bytes) and the metric table
    assert {"phasefield_compare_mid", "phasefield_compare_end"} <= set(r.figures)
    assert r.animations["phasefield_animation"][:6] == b"GIF89a"
    t = r.tables["phasefield_presets"]
    for col in ("front_roughness_um", "fraction_deposited_at_electrolyte", "penetration_depth_um", "li_inventory_error_rel"):
        assert col in t.columns and np.isfinite(t[col]).all(), col
    assert t["calibrated_parameters"].tolist() == ["li_surface_energy"]  # only sigma_Li's default: the column and the note say so
    assert [x.get_text() for x in r.figures["phasefield_lithiophobic"].texts if x.get_text().startswith("calibrated")] == [
        "calibrated (fitted to one observation): li_surface_energy"]
    assert "wang2024_ordering" not in r.summary  # only with the three LNI presets
    bad = {"presets": ["lithiophobic"], "grid": 32, "plated": "2 um"}  # the Allen–Cahn domain is 1.28 um tall
    with pytest.raises(ParameterError, match=r"\[phasefield\].*plated"):
        st.func(StageContext(study={"phasefield": bad}, options=bad, out_dir=tmp_path, progress=False))
    with pytest.raises(ParameterError, match="grdi|grid"):
        st.func(StageContext(study={}, options={"grdi": 3}, out_dir=tmp_path))


def test_cli_sweep_and_unit_options(tmp_path):
    p = _cli("--sweep", "--angles", "60,160", "--out", str(tmp_path / "sw"), "--json")
    assert p.returncode == 0, p.stderr
    r = json.loads(p.stdout)
    assert r["penetration_depth_um"][0] > 5 * max(r["penetration_depth_um"][1], 1e-3)
    assert r["theta_c_young_laplace_deg"] == pytest.approx(120.0, abs=1e-6)
    assert (tmp_path / "sw" / "sweep.csv").exists() and (tmp_path / "sw" / "sweep.png").exists()


def test_work_of_adhesion_maps_through_young_dupre():
    from lisse.sim.phasefield.model import coefficients_from_physical
    from lisse.thermo.wetting import DEFAULT_LI_SURFACE_ENERGY

    g = DEFAULT_LI_SURFACE_ENERGY
    c = coefficients_from_physical(work_of_adhesion=0.53, interface_width=15e-9)
    assert c.contact_angle_deg == pytest.approx(np.degrees(np.arccos(0.53 / g - 1)), rel=1e-9)
    with pytest.raises(ParameterError):
        coefficients_from_physical(90.0, work_of_adhesion=0.5)


@pytest.mark.slow
def test_cli_lni_preset_keys_and_resume(tmp_path):
    """An electrodeposition preset: the issue-14 keys, three-phase figures, and an interrupted run resumed to the same end."""
    args = ("--preset", "lni-5cnt", "--grid", "32", "--frames", "3", "--json")
    full = _cli(*args, "--out", str(tmp_path / "full"))
    assert full.returncode == 0, full.stderr
    a = json.loads(full.stdout)
    assert a["completed"] is True and a["time_s"] == pytest.approx(a["end_time_s"], rel=1e-9)
    assert abs(a["li_inventory_error_rel"]) < 1e-6  # Faraday (the solver's conserved Li)
    assert 0.0 <= a["fraction_deposited_at_electrolyte"] <= 1.0 and a["front_roughness_um"] > 0.0
    assert (tmp_path / "full" / "animation.gif").read_bytes()[:6] == b"GIF89a"
    assert "overpotential_mV" not in a
    # the LNI presets' nucleation overpotential comes from the interlayer model's calibrated nucleation angle: stated
    assert set(a["calibrated_parameters"]) == {"nucleation_overpotential", "li_surface_energy"}  # and sigma_Li's default
    part = _cli(*args, "--out", str(tmp_path / "part"), "--max-steps", "5", "--no-animation")
    assert part.returncode == 0, part.stderr
    assert json.loads(part.stdout)["completed"] is False
    resumed = _cli("--out", str(tmp_path / "part"), "--resume", "--json", "--no-animation")
    assert resumed.returncode == 0, resumed.stderr
    b = json.loads(resumed.stdout)
    assert b["completed"] is True and b["time_s"] == pytest.approx(a["time_s"], rel=1e-9)
    assert b["calibrated_parameters"] == a["calibrated_parameters"]  # the label survives the checkpoint
    for run in ("full", "part"):  # and it is on every row of the front history, resumed or not
        rows = list(csv.DictReader(open(tmp_path / run / "front.csv")))
        assert len(rows) == 4 and {r["calibrated_parameters"] for r in rows} == {"nucleation_overpotential;li_surface_energy"}, run
    for k in ("li_thickness_um", "front_roughness_um", "fraction_deposited_at_electrolyte", "penetration_depth_um"):
        assert b[k] == pytest.approx(a[k], rel=1e-12, abs=1e-15), k


def test_cli_lni_json_faraday_key_is_faraday_and_reservoir_exchange_is_stated(tmp_path):
    # review-14: li_faraday_um must be Q V_m/F of the charge passed (BRIEF section 4: 4.85 um per mAh/cm2, i.e.
    # 0.2062 mAh/cm2 per um), not Faraday + the anode-reservoir exchange; the exchange is its own key and closes the balance
    r = _cli("--preset", "lni-5cnt", "--out", str(tmp_path / "a"), "--json", "--grid", "32", "--frames", "2", "--no-animation",
             "--plated", "0.3 um")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    q_mAh_cm2 = res["current_density_mA_cm2"] * res["time_s"] / 3600.0
    assert res["li_faraday_um"] == pytest.approx(q_mAh_cm2 / 0.2062, rel=0.005)
    assert isinstance(res["reservoir_inflow_um"], float)
    balance = res["li_faraday_um"] + res["reservoir_inflow_um"]
    assert res["li_plated_um"] == pytest.approx(balance, rel=1e-6)
    assert res["li_inventory_error_rel"] == pytest.approx(res["li_plated_um"] / balance - 1.0, abs=1e-9)


@pytest.mark.parametrize("extra", [["--preset", "lni-5cnt"], ["--contact-angle", "30"], ["--angles", " "], ["--resume"]])
def test_cli_sweep_refuses_options_it_would_ignore(tmp_path, extra):
    r = _cli("--sweep", "--out", str(tmp_path / "s"), *extra)
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (tmp_path / "s" / "sweep.csv").exists()


def test_cli_refuses_a_capacity_that_does_not_fit_the_domain(tmp_path):
    r = _cli("--preset", "lni-5cnt", "--out", str(tmp_path / "p"), "--plated", "1 mm")
    assert r.returncode == 2 and "plated" in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr


def test_cli_preset_without_out_computes_prints_and_writes_nothing(tmp_path):
    """Issue 14's contract is literally `lisse phasefield --preset NAME --json` (no --out): it runs, writes no file and says so."""
    args = ("--preset", "lni-5cnt", "--json", "--grid", "32", "--frames", "2", "--no-animation", "--plated", "0.3 um")
    here = tmp_path / "cwd"
    here.mkdir()
    r = _cli(*args, cwd=here)
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert not list(here.iterdir())  # nothing written, not even a default folder
    assert res["files"] == {} and res["files_written"] == [] and "no --out" in res["note"]
    with_out = _cli(*args, "--out", str(tmp_path / "o"))
    assert with_out.returncode == 0, with_out.stderr
    kept = json.loads(with_out.stdout)
    assert set(kept["files_written"]) >= {kept["files"]["checkpoint"], kept["files"]["csv"]} and "note" not in kept
    for k in ("penetration_depth_um", "front_roughness_um", "fraction_deposited_at_electrolyte", "li_inventory_error_rel", "steps"):
        assert res[k] == kept[k], k  # the same run, only the files differ
    # the potential solver that ran (the key was always null: the CLI read an attribute these solvers do not have)
    assert res["potential_solver"] == kept["potential_solver"]
    assert res["potential_solver"] == "amg" or res["potential_solver"].startswith("direct")
    for flag in ("--resume", "--overwrite"):  # they act on OUT/checkpoint.npz: refused without a folder, in one line
        bad = _cli("--preset", "lni-5cnt", flag, cwd=here)
        assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and flag in bad.stderr and "--out" in bad.stderr


def test_potential_solver_names_the_solve_that_ran():
    from lisse.sim.phasefield.presets import preset_settings, setup_run

    s = setup_run(preset_settings("lni-5cnt", 32)).solver
    info = s.potential_info
    assert info["linear_solver"] in ("direct", "amg")
    assert s.potential_solver == (f"direct ({info['factorisation']})" if info["linear_solver"] == "direct" else "amg")
    from lisse.sim.phasefield.model import coefficients_from_physical
    from lisse.sim.phasefield.solver import PhaseFieldSolver

    z = np.zeros((16, 8))
    z[:4] = 1.0
    c = coefficients_from_physical(90.0, interface_width=15e-9)
    assert PhaseFieldSolver(c, z, np.zeros_like(z), 5e-9).potential_solver is None  # no potential coupling: none ran
    coupled = PhaseFieldSolver(c, z, np.zeros_like(z), 5e-9, solve_potential=True, potential_method="direct")
    assert coupled.potential_solver == "direct"


def test_a_subnormal_current_is_refused_in_one_line(tmp_path, capsys):
    # found by the CLI property test: --current=1e-320 underflowed the charge balance to 0 (ZeroDivisionError, exit 1)
    from lisse.cli.main import main

    code = main(["phasefield", "--preset=lithiophilic", "--grid=32", "--max-steps=0", "--no-animation",
                 "--current=1e-320", f"--out={tmp_path / 'run'}"])
    err = capsys.readouterr().err.strip().splitlines()
    # named as typed (--current, in mA/cm2), and refused before the --out folder is made
    assert code == 2 and len(err) == 1 and err[0].count("--current: expected a plating current of at least 1e-13 mA/cm2; got 1e-320 mA/cm2") == 1
    assert not (tmp_path / "run").exists()
    # ten times the limit passes this check (and is refused by the next one, the number of time steps it would need)
    main(["phasefield", "--preset=lithiophilic", "--grid=32", "--max-steps=0", "--no-animation", "--current=1e-12"])
    err = capsys.readouterr().err
    assert "--current" not in err and "time steps" in err


def test_a_subnormal_current_in_si_is_named_without_underflow(tmp_path, capsys):
    from lisse.cli.main import main

    code = main(["phasefield", "--preset=lithiophilic", "--grid=32", "--max-steps=0", "--no-animation", "--current=5e-324 A/m2"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and err[0].endswith("got 4.94e-325 mA/cm2")


def test_an_occupied_out_folder_is_refused_before_the_setup(tmp_path, capsys, monkeypatch):
    # the folder check must not wait for the run's setup (a 512-point grid takes ~100 s to set up): the setup is made
    # to fail loudly, and the occupied folder's refusal must come first
    import lisse.sim.phasefield.presets as presets
    from lisse.cli.main import main

    occupied = tmp_path / "occ"
    occupied.mkdir()
    (occupied / "mine.txt").write_text("x")

    def no_setup(settings):
        raise AssertionError("setup_run called before the --out folder was checked")

    monkeypatch.setattr(presets, "setup_run", no_setup)
    code = main(["phasefield", "--preset=lithiophilic", "--grid=32", "--max-steps=0", "--no-animation", f"--out={occupied}"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "mine.txt" in err[0] and "--overwrite" in err[0]
    assert sorted(p.name for p in occupied.iterdir()) == ["mine.txt"]  # nothing written beside it


def test_a_bad_setting_leaves_no_out_folder(tmp_path, capsys):
    # a setting the model refuses (here a negative plated thickness) is raised before the --out folder is made
    from lisse.cli.main import main

    code = main(["phasefield", "--preset=lithiophilic", "--grid=32", "--max-steps=0", "--no-animation",
                 "--plated=-1 um", f"--out={tmp_path / 'run'}"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and not (tmp_path / "run").exists()
