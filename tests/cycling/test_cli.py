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


def _fullcell_csv(path, n_cycles, *, half_s=60.0, dt=10.0, rest_s=30.0, charge_only=False):
    """A generic-CSV full cell: +1 mA charge, rest, -1 mA discharge, rest (each half cycle 1 mA x half_s: 1/60 mAh)."""
    rows, now = [], 0.0

    def seg(duration, cur, v0, v1):
        nonlocal now
        n = int(round(duration / dt))
        for k in range(n):
            rows.append(f"{now:.1f},{v0 + (v1 - v0) * k / max(n - 1, 1):.6f},{cur:.6f}")
            now += dt

    seg(rest_s, 0.0, 3.0, 3.0)
    for _ in range(n_cycles):
        seg(half_s, 1.0, 3.2, 4.1)
        seg(rest_s, 0.0, 4.05, 4.05)
        if not charge_only:
            seg(half_s, -1.0, 4.0, 3.1)
            seg(rest_s, 0.0, 3.15, 3.15)
    path.write_text("time/s,Ewe/V,I/mA\n" + "\n".join(rows) + "\n")
    return path


def test_cycling_cli_json_cycles_and_rate_table_are_always_lists(tmp_path):
    """analyses.cycles and analyses.rate_table keep one type (a list) for a script; truncation and reasons in their own
    keys (audit: a string "9086 cycles (use --table)" and "not available: ..." replaced the lists)."""
    many = json.loads(run_cli("cycling", str(_fullcell_csv(tmp_path / "many.csv", 205)), "--json").stdout)["analyses"]
    assert isinstance(many["cycles"], list) and [c["cycle"] for c in many["cycles"]] == list(range(1, 201))
    # each listed cycle is the generator's: 1 mA for 60 s = 1/60 mAh discharged
    assert [c["discharge_capacity_mAh"] for c in many["cycles"]] == pytest.approx([1.0 / 60.0] * 200, rel=1e-9)
    assert many["cycles_truncated"] is True and many["fullcell"]["n_cycles"] == 205
    assert many["cycles_note"].startswith("205 cycles: the first 200 are listed")
    assert isinstance(many["rate_table"], list) and len(many["rate_table"]) == 1 and many["rate_table_note"] is None
    few = json.loads(run_cli("cycling", str(_fullcell_csv(tmp_path / "few.csv", 3)), "--json").stdout)["analyses"]
    assert [c["cycle"] for c in few["cycles"]] == [1, 2, 3]
    assert few["cycles_truncated"] is False and few["cycles_note"] is None
    # a charge with no discharge: no rate table, an empty list with the reason beside it
    r = run_cli("cycling", str(_fullcell_csv(tmp_path / "charge.csv", 1, half_s=600.0, charge_only=True)), "--json")
    out = json.loads(r.stdout)
    assert out["kind"] == "fullcell"
    a = out["analyses"]
    assert a["rate_table"] == [] and a["rate_table_note"].startswith("not available: ")
    assert "no complete cycle with a discharge half cycle" in a["rate_table_note"]
    assert len(a["cycles"]) == 1 and a["cycles"][0]["complete"] is False
    text = run_cli("cycling", str(tmp_path / "charge.csv")).stdout
    assert "no complete cycle among 1" in text and "excluded cycle 1: no discharge half cycle" in text


def test_cycling_cli_counts_cycles_of_a_csv_without_a_cycle_column(tmp_path):
    """The audit's sym_short_hard.csv: 50 cycles written as time/s,Ewe/V,I/mA (no cycle column) reported n_cycles 1."""
    rec, truth = long_cycling(n_cycles=50, t_failure="61.5 h", failure="hard", seed=3)
    f = tmp_path / "sym.csv"
    _write_csv(f, rec)
    out = json.loads(run_cli("cycling", str(f), "--area", "0.785 cm2", "--json").stdout)
    r, sd = out["record"], out["analyses"]["short_detection"]
    assert (r["n_cycles"], r["n_half_cycles"]) == (50, 100)  # the generator's 50 cycles
    assert r["n_cycles_source"] == "half_cycles"
    # the short detector pairs half cycles the same way: failure in half cycle 61 (61.5 h of 1-h half cycles) = cycle 31
    assert sd["failure_cycle"] == truth.failure_half_cycle // 2 + 1 == 31 and sd["cycle_life"] == 30 <= r["n_cycles"]
    text = run_cli("cycling", str(f), "--area", "0.785 cm2").stdout.splitlines()[0]
    assert "50 cycles (counted from its 100 half cycles: the file numbers at most one cycle)" in text
    # the same data with the generator's cycle column (from 1): the count is the column's
    g = tmp_path / "sym_cycles.csv"
    data = np.column_stack([rec.time_s, rec.voltage_V, rec.current_A * 1e3, rec["cycle"] + 1])
    np.savetxt(g, data, delimiter=",", header="time/s,Ewe/V,I/mA,cycle", comments="", fmt="%.9g")
    r2 = json.loads(run_cli("cycling", str(g), "--area", "0.785 cm2", "--json").stdout)["record"]
    assert (r2["n_cycles"], r2["n_cycles_source"]) == (50, "cycle_column")
