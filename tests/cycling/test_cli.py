"""The scripted-use contract: `lisse ccd FILE --area ... --json` and `lisse cycling FILE --json`."""

from __future__ import annotations

import json

import numpy as np
import pytest

from lisse.sim.synthetic_cycling import ccd_staircase, long_cycling

from ._shared import cycler_file, run_cli


def _write_csv(path, rec, header=("time/s", "Ewe/V", "I/mA")):
    data = np.column_stack([rec.time_s, rec.voltage_V, rec.current_A * 1e3])
    np.savetxt(path, data, delimiter=",", header=",".join(header), comments="", fmt="%.9g")


def test_ccd_cli_contract_on_generic_csv(tmp_path):
    rec, truth = ccd_staircase(failure="hard", j_critical="0.45 mA/cm2", seed=5, area="0.785 cm2")
    f = tmp_path / "staircase.csv"
    _write_csv(f, rec)
    png = tmp_path / "fig" / "ccd.png"
    r = run_cli("ccd", str(f), "--area", "0.785 cm2", "--json", "--plot", str(png))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    for key in ("ccd_mA_cm2", "failure_current_density_mA_cm2", "criterion", "protocol"):
        assert key in out
    assert out["ccd_mA_cm2"] == pytest.approx(truth.ccd_A_m2 / 10)  # 0.4 mA/cm2
    assert out["failure_current_density_mA_cm2"] == pytest.approx(0.5)
    assert out["criterion"] == "voltage_collapse" and out["protocol"] == "fixed-capacity"
    assert png.is_file() and png.stat().st_size > 1000
    assert not list(png.parent.glob(".tmp_*"))  # atomic write left no temp file


def test_ccd_cli_protocol_of_a_staircase_failing_at_its_first_step(tmp_path):
    """The audit's ccd_firstfail.csv: 8 fixed-capacity steps, a hard short in the first; the protocol is the record's."""
    rec, truth = ccd_staircase(j_start="0.1 mA/cm2", j_step="0.1 mA/cm2", n_steps=8, j_critical="0.05 mA/cm2",
                               failure="hard", noise="0.2 mV", dt="10 s", area="0.785 cm2", seed=1)
    f = tmp_path / "firstfail.csv"
    _write_csv(f, rec)
    r = run_cli("ccd", str(f), "--area", "0.785 cm2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert (out["protocol"], out["n_steps_record"], out["ccd_mA_cm2"]) == (truth.protocol, 8, None) == ("fixed-capacity", 8, None)
    assert out["step_capacity_mAh_cm2"] == pytest.approx(0.2, rel=0.01)  # the generator's default step capacity
    text = run_cli("ccd", str(f), "--area", "0.785 cm2")
    assert "protocol fixed-capacity (classified from the record's 8 steps)" in text.stdout.splitlines()[0]


def test_ccd_cli_errors_are_one_line(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("time/s,Ewe/V,I/mA\n0,0,1\n")
    r = run_cli("ccd", str(f), "--json")
    assert r.returncode == 2 and "--area" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    g = tmp_path / "broken.mpr"
    g.write_bytes(b"BIO-LOGIC MODULAR FILE\x1a" + b" " * 29 + b"MODULEgarbage")
    r = run_cli("ccd", str(g), "--area", "1 cm2")
    assert r.returncode == 2 and "broken.mpr" in r.stderr and "Traceback" not in r.stderr


def test_cycling_cli_reports_short(tmp_path):
    rec, truth = long_cycling(j="0.5 mA/cm2", n_cycles=60, failure="hard", t_failure="70.3 h", seed=1, dt=60)
    f = tmp_path / "sym.csv"
    _write_csv(f, rec)
    r = run_cli("cycling", str(f), "--area", "0.785 cm2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["kind"] == "symmetric"
    assert out["record"]["rows"] == len(rec)
    assert out["failure_time_h"] == pytest.approx(70.3, abs=1.0)  # within one 1-h half cycle
    assert out["analyses"]["short_detection"]["failure_kind"] == "hard"


def test_cycling_cli_fullcell_real_file():
    r = run_cli("cycling", str(cycler_file("biologic_gcpl_5cycles_2-3.8V_C24.mpr")), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["kind"] == "fullcell" and out["record"]["rows"] == 46102
    assert out["record"]["provenance"]["reader"] == "lisse.io.biologic.mpr"
    assert 80 < out["analyses"]["fullcell"]["mean_coulombic_efficiency_pct"] < 101


def test_ccd_cli_synthetic():
    r = run_cli("ccd", "--synthetic", "--failure", "soft", "--json")
    out = json.loads(r.stdout)
    assert out["criterion"] == "erratic_voltage"
    assert out["ccd_mA_cm2"] == pytest.approx(out["synthetic_truth"]["ccd_mA_cm2"])
