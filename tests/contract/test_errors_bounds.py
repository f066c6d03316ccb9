"""Issue 10, item 5: environment problems exit 2 naming the path; size bounds and physical validation live in
the library, with the limit or the expected range in the message; exit 1 stays for lisse bugs."""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from lisse.errors import (
    LisseError,
    MissingDependencyError,
    OutputError,
    ParameterError,
    ReaderError,
    missing_dependency,
    requires,
)
from lisse.io.outputs import atomic_write_text

from .test_cli_property import run_in_process

# --- environment problems: exit 2, one line, the path named ------------------------------------------------


def test_atomic_write_names_the_path_when_the_system_refuses(tmp_path, monkeypatch):
    target = tmp_path / "out" / "table.csv"

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="No space left on device") as ei:
        atomic_write_text(target, "x")
    assert str(target) in str(ei.value) and ei.value.filename == str(target) and ei.value.errno == errno.ENOSPC
    assert isinstance(ei.value, OSError) and isinstance(ei.value, LisseError)
    assert not list((tmp_path / "out").iterdir()), "the temporary file must be removed"


def test_atomic_write_permission_and_wrong_kind_of_path(tmp_path, monkeypatch):
    afile = tmp_path / "afile"
    afile.write_text("user data")
    with pytest.raises(OutputError, match=f"'{afile}' is a file, not a folder"):
        atomic_write_text(afile / "x.csv", "x")
    with pytest.raises(OutputError, match="it is a folder"):
        atomic_write_text(tmp_path, "x")
    assert afile.read_text() == "user data"

    import tempfile

    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    with pytest.raises(OutputError, match=rf"cannot write '{tmp_path / 'y.csv'}': Permission denied"):
        atomic_write_text(tmp_path / "y.csv", "x")


def test_cli_output_errors_exit_2_with_the_path(tmp_path, monkeypatch):
    afile = tmp_path / "afile"
    afile.write_text("x")
    for argv in (["ccd", "--synthetic", f"--steps-csv={tmp_path}"], ["ccd", "--synthetic", f"--plot={afile}/p.png"],
                 ["ccd", "--synthetic", f"--plot={tmp_path}/p.notanimage"]):
        code, _, err = run_in_process(argv)
        assert code == 2 and err.startswith("lisse: error:") and err.count("\n") == 1, (argv, err)
        assert str(tmp_path) in err or "p.notanimage" in err

    def full(*a, **k):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    code, _, err = run_in_process(["ccd", "--synthetic", f"--steps-csv={tmp_path / 's.csv'}"])
    assert code == 2 and "No space left on device" in err and str(tmp_path / "s.csv") in err


def test_other_oserror_is_exit_2_and_a_bug_stays_exit_1(tmp_path, monkeypatch):
    import lisse.cli.nucleation as nuc

    def oserror(args):
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "locked"))

    monkeypatch.setattr(nuc, "run", oserror)
    code, _, err = run_in_process(["nucleation", "--overpotential=20 mV"])
    assert code == 2 and f"'{tmp_path / 'locked'}': Permission denied" in err

    def bug(args):
        return 1 / 0

    monkeypatch.setattr(nuc, "run", bug)
    code, _, err = run_in_process(["nucleation", "--overpotential=20 mV"])
    assert code == 1 and "internal error: ZeroDivisionError" in err

    def lisse_module_missing(args):
        import lisse.no_such_module  # noqa: F401 - a broken lisse install is a bug, not a missing extra

    monkeypatch.setattr(nuc, "run", lisse_module_missing)
    assert run_in_process(["nucleation", "--overpotential=20 mV"])[0] == 1


_WITHOUT = textwrap.dedent("""
    import sys
    for m in sys.argv[1].split(","):
        sys.modules[m] = None  # import m now raises ImportError, as if the extra were not installed
    from lisse.cli.main import main
    sys.exit(main(sys.argv[2:]))
""")


@pytest.mark.parametrize("argv", [["wetting", "Li", "LiF", "--cache-dir", "none"], ["segregation", "LiF", "--cache-dir", "none"],
                                  ["atomistic", "decks", "Li", "LiF", "--out", "@TMP"], ["atomistic", "structures"]])
def test_missing_extra_is_exit_2_with_the_install_command(argv, tmp_path):
    argv = [str(tmp_path / "decks") if a == "@TMP" else a for a in argv]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.join(os.path.dirname(__file__), "..", "..", "src"), os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run([sys.executable, "-c", _WITHOUT, "ase,pymatgen", *argv], capture_output=True, text=True, env=env, timeout=120)
    if argv[:2] == ["atomistic", "structures"]:  # needs no extra: a table of the shipped crystals
        assert r.returncode == 0, r.stderr
        return
    assert r.returncode == 2, r.stderr
    assert r.stderr.count("\n") == 1 and "pip install 'lisse[atomistic]'" in r.stderr and "'ase'" in r.stderr, r.stderr
    assert not (tmp_path / "decks").exists()


def test_requires_and_missing_dependency(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyamg", None)

    @requires("pyamg", feature="the AMG preconditioner")
    def f():
        return 1

    with pytest.raises(MissingDependencyError, match=r"the AMG preconditioner needs the optional package 'pyamg'.*pip install 'lisse\[sim\]'"):
        f()
    assert isinstance(missing_dependency(ModuleNotFoundError("x", name="sevenn.calculator")), MissingDependencyError)
    assert "lisse[sevennet]" in str(missing_dependency(ModuleNotFoundError("x", name="sevenn.calculator")))
    assert missing_dependency(ModuleNotFoundError("x", name="lisse.nothing")) is None
    assert missing_dependency(ZeroDivisionError()) is None


# --- bad cache entries and checkpoints: ReaderError naming the file --------------------------------------------


def test_cache_entry_with_wrong_schema_is_refused(tmp_path):
    from lisse.atomistic.cache import check_job_entry
    from lisse.io.atomistic_cache import JobCache

    good = {"energy_eV": -1.0, "atoms": {"numbers": [3], "positions": [[0, 0, 0]], "cell": [[3, 0, 0], [0, 3, 0], [0, 0, 3]], "pbc": [1, 1, 1]},
            "converged": True, "fmax_final_eV_A": float("nan"), "n_steps": 0, "wall_s": 0.1}
    assert check_job_entry("k.json", good) is good
    for bad, what in (({**good, "energy_eV": "x"}, "energy_eV"), ({k: v for k, v in good.items() if k != "atoms"}, "atoms"),
                      ({**good, "converged": 1}, "converged"), ({**good, "atoms": {"numbers": [3]}}, "positions"), ([1, 2], "JSON object")):
        with pytest.raises(ReaderError, match=rf"atomistic cache entry 'k.json'.*{what}.*delete it"):
            check_job_entry("k.json", bad)
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(OutputError, match=str(afile)):
        JobCache(afile / "cache").put("abc", good)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    out = tmp_path_factory.mktemp("pf") / "run"
    code, _, err = run_in_process(["phasefield", "--preset=lithiophilic", "--grid=32", "--max-steps=0", "--no-animation", f"--out={out}"])
    assert code == 0, err
    return out / "checkpoint.npz"


def _rewrite(src, dst, edit_meta=None, drop=()):
    with np.load(src) as z:
        data = {k: z[k] for k in z.files if k not in drop}
    meta = json.loads(bytes(data["meta_json"]).decode())
    if edit_meta:
        edit_meta(meta)
    data["meta_json"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(dst, **data)


@pytest.mark.parametrize("case, match", [
    ("no_zeta", "expected the entries zeta"),
    ("no_t_end", "settings.t_end_s"),
    ("nan_t_end", "'t_end_s' should be a finite number"),
    ("coefficient", r"unknown parameter of the electrodeposition model .bogus."),
    ("history", "expected 'history' as a list"),
    ("meta_bytes", "corrupt"),
])
def test_hand_edited_checkpoint_is_refused_on_resume(checkpoint, tmp_path, case, match):
    run = tmp_path / "run"
    run.mkdir()
    dst = run / "checkpoint.npz"
    if case == "no_zeta":
        _rewrite(checkpoint, dst, drop=("state_zeta",))
    elif case == "no_t_end":
        _rewrite(checkpoint, dst, lambda m: m["settings"].pop("t_end_s"))
    elif case == "nan_t_end":
        _rewrite(checkpoint, dst, lambda m: m["settings"].update(t_end_s=None))
    elif case == "coefficient":
        _rewrite(checkpoint, dst, lambda m: m["state_params"].update(bogus=1.0))
    elif case == "history":
        _rewrite(checkpoint, dst, lambda m: m.update(history={"a": 1}))
    else:
        with np.load(checkpoint) as z:
            data = {k: z[k] for k in z.files}
        data["meta_json"] = np.frombuffer(b"\xff\xfe{", dtype=np.uint8)
        np.savez(dst, **data)
    code, _, err = run_in_process(["phasefield", "--resume", f"--out={run}"])
    assert code == 2, err
    assert err.count("\n") == 1 and str(dst) in err
    assert re.search(match, err), err


# --- physical validation in the library ---------------------------------------------------------------------


def test_negative_work_of_adhesion_is_refused_where_it_is_an_input():
    from lisse.sim.phasefield.model import coefficients_from_physical
    from lisse.thermo.wetting import contact_angle

    with pytest.raises(ParameterError, match="'work_of_adhesion' must be ≥ 0 J/m2"):
        contact_angle(-0.1)
    with pytest.raises(ParameterError, match="work_of_adhesion"):
        coefficients_from_physical(work_of_adhesion=-0.1, interface_width=15e-9)
    # a W_ad computed from energies may come out negative: reported as complete non-wetting
    r = contact_angle(-0.1, allow_negative=True)
    assert r.contact_angle_deg == 180.0 and r.regime == "complete non-wetting"
    for argv in (["nucleation", "--overpotential=20 mV", "--work-of-adhesion=-0.1 J/m2"],
                 ["wetting", "--work-of-adhesion=-0.01"]):
        code, _, err = run_in_process(argv)
        assert code == 2 and "'--work-of-adhesion'" in err, err


def test_wetting_stage_refuses_a_negative_study_value(tmp_path):
    from lisse.pipeline.registry import StageContext
    from lisse.pipeline.stages.wetting import wetting_stage

    ctx = StageContext(study={"cells": []}, options={"work_of_adhesion": {"LiF": -0.2}, "use_ml": False}, out_dir=tmp_path)
    with pytest.raises(ParameterError, match="work_of_adhesion"):
        wetting_stage(ctx)


@pytest.mark.parametrize("T", [0.0, -26.85, float("nan"), float("-inf")])
def test_temperature_must_be_above_0_K(T):
    from lisse.analysis.kinetics import allen_hickling_fit, charge_transfer_resistance, tafel_fit
    from lisse.materials import get_material
    from lisse.thermo.nucleation import barrier_coefficient, critical_overpotential, nucleation_rate

    eta = np.linspace(-0.3, 0.3, 61)
    i = 10.0 * np.sinh(eta / 0.05)
    calls = [lambda: barrier_coefficient(0.42, 142.0, T), lambda: nucleation_rate(0.02, 0.42, 142.0, 1e30, T),
             lambda: critical_overpotential(0.42, 142.0, 1e30, 1.0, T), lambda: charge_transfer_resistance(10.0, T),
             lambda: tafel_fit(eta, i, temperature_K=T), lambda: allen_hickling_fit(eta, i, temperature_K=T),
             lambda: get_material("LLZTO").ionic_conductivity(T)]
    for call in calls:
        with pytest.raises(ParameterError, match="absolute temperature between 1 K and 10000 K"):
            call()


def test_reduced_barrier_is_the_barrier_over_the_thermal_energy():
    from lisse.thermo.nucleation import barrier_coefficient, nucleation_barrier

    # independent: per-nucleus barrier (J) over k_B T (CODATA 2018 exact value), at 298.15 K and twice that
    b = nucleation_barrier(0.02, 0.42, 142.0)
    assert barrier_coefficient(0.42, 142.0, 298.15) / 0.02**2 == pytest.approx(b / (1.380649e-23 * 298.15), rel=1e-12)
    assert barrier_coefficient(0.42, 142.0, 596.3) * 2 == pytest.approx(barrier_coefficient(0.42, 142.0, 298.15), rel=1e-12)
    code, out, err = run_in_process(["nucleation", "--overpotential=20 mV", "--contact-angle=142 deg", "--surface-energy=0.42 J/m2", "--json"])
    assert code == 0 and json.loads(out)["barrier_kT"] == pytest.approx(b / (1.380649e-23 * 298.15), rel=1e-9)


def test_ccd_voltage_cutoff_must_be_a_positive_magnitude():
    from lisse.analysis.ccd import CCDDetector
    from lisse.sim.synthetic_cycling import ccd_staircase

    rec, truth = ccd_staircase(failure="hard", j_critical="0.55 mA/cm2", seed=1)
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ParameterError, match="v_cutoff must be a finite voltage magnitude > 0 V"):
            CCDDetector(v_cutoff=bad).fit(rec)
    for name, bad in (("noise_factor", float("nan")), ("rise_ratio", float("inf")), ("drop_fraction", -1.0)):
        with pytest.raises(ParameterError, match=name):
            CCDDetector(**{name: bad}).fit(rec)
    # a cut-off above every |V| of the record changes nothing: the protocol and the CCD stay those put in the data
    det = CCDDetector(v_cutoff=1.0).fit(rec)
    assert det.summary()["protocol"] == truth.protocol
    assert det.ccd_A_m2_ == pytest.approx(truth.ccd_A_m2, rel=1e-9)


def test_lsv_inputs():
    from lisse.analysis.kinetics import lsv_overpotential

    v = np.linspace(-0.1, 0.1, 11)
    with pytest.raises(ParameterError, match=r"'asr' must be a finite number ≥ 0 ohm\*cm2; got -5 ohm\*cm2"):
        lsv_overpotential(v, v, 1e-4, asr_ohm_m2=-5e-4)
    with pytest.raises(ParameterError, match="'area'"):
        lsv_overpotential(v, v, 0.0)


# --- size bounds: refused before any allocation, the limit in the message --------------------------------------


def test_interlayer_bounds():
    from lisse.sim.interlayer import sweeps
    from lisse.sim.interlayer.model import growth_length, make_parameters
    from lisse.sim.interlayer.solver2d import solve_2d

    with pytest.raises(ParameterError, match="between 2 and 10000"):
        sweeps.current_grid(1.0, 100.0, 10**9)
    with pytest.raises(ParameterError, match="i_min < i_max"):
        sweeps.current_grid(100.0, 1.0, 10)
    assert sweeps.current_grid(1.0, 100.0, 3) == pytest.approx([1.0, 10.0, 100.0], rel=1e-12)
    p = make_parameters("lni-5cnt")
    with pytest.raises(ParameterError, match="limit is 10000"):
        sweeps.sweep_current(p, np.ones(10_001), capacity=3.6e4)
    with pytest.raises(ParameterError, match="limit is 250000"):
        sweeps.map_current_capacity(p, np.ones(1000), np.ones(1000))
    with pytest.raises(ParameterError, match="limit is 10000"):
        sweeps.map_conductivities(p, np.ones(200), np.ones(200), 10.0, 3.6e4)
    with pytest.raises(ParameterError, match="between 8 and 50000"):
        solve_2d(p, 10.0, nx=100_000)
    with pytest.raises(ParameterError, match="at most 1000 mAh/cm2"):
        growth_length(1e9 * 3.6e4, 0.3)
    assert growth_length(1000 * 3.6e4, 1.0) == pytest.approx(1000 * 4.85e-6, rel=0.01)  # 4.85 um per mAh/cm2 of dense Li
    with pytest.raises(ParameterError, match="thickness"):
        make_parameters("lni-5cnt", thickness="1 m")


def test_phasefield_bounds():
    from lisse.sim.phasefield import presets

    s = presets.preset_settings("lithiophilic", 32)
    with pytest.raises(ParameterError, match="between 2 and 500"):
        presets.setup_run({**s, "frames": 100_000})
    with pytest.raises(ParameterError, match=f"limit is {presets.MAX_CELLS}"):
        presets.setup_run({**s, "shape": (4096, 4096)})
    with pytest.raises(ParameterError, match="the limit is 2e\\+06"):
        presets.setup_run({**s, "plated_thickness": 1.0})
    with pytest.raises(ParameterError, match="'plated_thickness' must be a finite number > 0 um"):
        presets.setup_run({**s, "plated_thickness": -1e-6})
    with pytest.raises(ParameterError, match="between 32 and 1024"):
        presets.preset_settings("lithiophilic", 100_000)
    with pytest.raises(ParameterError, match="limit is 100"):
        presets.transition_sweep([90.0] * 101)
    with pytest.raises(ParameterError, match="between 0 and 180"):
        presets.transition_sweep([200.0])


def test_design_and_synthetic_bounds():
    from lisse.cell import CellDesign
    from lisse.cell.summary import li_thickness_grid, li_thickness_sweep
    from lisse.sim.synthetic_cycling import ccd_staircase, long_cycling

    d = CellDesign.from_inputs(li_thickness="20 um", cathode_capacity="2 mAh/cm2")
    with pytest.raises(ParameterError, match="between 2 and 10000"):
        li_thickness_grid(0.0, 1e-4, 10**9)
    with pytest.raises(ParameterError, match="limit is 10000"):
        li_thickness_sweep(d, np.zeros(10_001))
    sw = li_thickness_sweep(d, li_thickness_grid(0.0, 20e-6, 3))
    assert list(sw["li_thickness_um"]) == pytest.approx([0.0, 10.0, 20.0])
    assert sw["np_ratio"][-1] == pytest.approx(d.np_ratio, rel=1e-12)
    with pytest.raises(ParameterError, match="limit is 5e\\+06"):
        long_cycling(n_cycles=10_000, dt="0.01 s")
    with pytest.raises(ParameterError, match="'seed' must be between 0"):
        ccd_staircase(seed=-1)


def test_atomistic_inputs_refused_before_any_calculation():
    pytest.importorskip("ase")
    from lisse.atomistic.slabs import check_miller
    from lisse.atomistic.workflows import adhesion_jobs, adhesion_workflow

    with pytest.raises(ParameterError, match=r"\(0, 0, 0\) names no plane"):
        check_miller((0, 0, 0))
    with pytest.raises(ParameterError, match="within ±6"):
        check_miller((9, 0, 0))
    # these return at once: no calculator is loaded, no structure relaxed
    with pytest.raises(ParameterError, match="unknown crystal 'Unobtainium'"):
        adhesion_workflow("chgnet", "Unobtainium")
    with pytest.raises(ParameterError, match="'n_starts' must be between 1 and 50"):
        adhesion_workflow("chgnet", "LiF", n_starts=0)
    with pytest.raises(ParameterError, match="'substrate_layers' must be between 1 and 40"):
        adhesion_jobs("LiF", substrate_layers=99_999)
    with pytest.raises(ParameterError, match="max_strain"):
        adhesion_jobs("LiF", max_strain=-1.0)
