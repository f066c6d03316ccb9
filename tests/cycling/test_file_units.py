"""Columns without units are refused unless declared; declared units are applied and checked.

The CCD reference is the protocol of the synthetic staircase, not lisse's output: steps of 0.1 mA/cm²
from 0.1 mA/cm², the first step above j_critical = 0.55 mA/cm² fails, so the last stable step is
0.5 mA/cm² and the first failing one 0.6 mA/cm².
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from lisse.errors import ParameterError, ReaderError, UnitError
from lisse.sim.synthetic_cycling import ccd_staircase

from ._shared import cycler_file, run_cli


@pytest.fixture(scope="module")
def staircase():
    rec, truth = ccd_staircase(failure="hard", j_critical="0.55 mA/cm2", seed=3, area="0.785 cm2")
    return rec, truth


def _write(path, rec, header, current_scale=1e3):
    data = np.column_stack([rec.time_s, rec.voltage_V, rec.current_A * current_scale])
    np.savetxt(path, data, delimiter=",", header=",".join(header), comments="", fmt="%.10g")
    return path


def test_ccd_cli_unitless_csv_exit2_then_declared_units_give_the_protocol_ccd(tmp_path, staircase):
    rec, truth = staircase
    f = _write(tmp_path / "sym.csv", rec, ("time", "voltage", "current"))  # current written in mA
    r = run_cli("ccd", str(f), "--area", "0.785 cm2", "--json")
    assert r.returncode == 2, r.stdout + r.stderr
    err = r.stderr.strip()
    assert len(err.splitlines()) == 1
    for word in ("sym.csv", "'time'", "'voltage'", "'current'", '--units "time=s,voltage=V,current=mA"', "units = "):
        assert word in err, (word, err)
    r = run_cli("ccd", str(f), "--area", "0.785 cm2", "--json", "--units", "time=s,voltage=V,current=mA")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["ccd_mA_cm2"] == pytest.approx(0.5, abs=1e-9)  # 0.1 mA/cm2 steps, first failure above 0.55
    assert out["failure_current_density_mA_cm2"] == pytest.approx(0.6, abs=1e-9)
    assert out["declared_units"] == "time=s,voltage=V,current=mA"
    assert truth.ccd_A_m2 == pytest.approx(5.0, abs=1e-12)  # the generator agrees with the protocol


def test_declared_units_scale_the_values(tmp_path, staircase):
    from lisse.io.readers import read_cycling

    rec, _ = staircase
    f = _write(tmp_path / "s.csv", rec, ("time", "voltage", "current"))
    a = read_cycling(f, units="time=s,voltage=V,current=mA")
    np.testing.assert_allclose(a.current_A, rec.current_A, rtol=1e-9, atol=0)
    np.testing.assert_allclose(a.time_s, rec.time_s, rtol=1e-9, atol=0)
    b = read_cycling(f, units={"time": "min", "voltage": "mV", "current": "uA"})
    np.testing.assert_allclose(b.current_A * 1e3, rec.current_A, rtol=1e-9, atol=0)
    np.testing.assert_allclose(b.voltage_V * 1e3, rec.voltage_V, rtol=1e-9, atol=0)
    np.testing.assert_allclose(b.time_s / 60.0, rec.time_s, rtol=1e-9, atol=0)
    notes = " ".join(a.provenance.notes)
    assert "declared by the user" in notes and "current=mA" in notes
    assert a.provenance.raw_header["units_source"] == {"time": "declared", "voltage": "declared", "current": "declared"}


def test_mixed_header_names_only_the_columns_without_units(tmp_path, staircase):
    from lisse.io.readers import read_cycling

    rec, _ = staircase
    f = _write(tmp_path / "m.csv", rec, ("time/s", "voltage", "I/mA"))
    with pytest.raises(ReaderError) as ei:
        read_cycling(f)
    msg = str(ei.value)
    assert "'voltage' (voltage)" in msg and "time/s" not in msg and "I/mA" not in msg
    r = read_cycling(f, units="voltage=V")
    np.testing.assert_allclose(r.current_A, rec.current_A, rtol=1e-9, atol=0)


def test_header_units_still_work_and_declared_units_must_agree(tmp_path, staircase):
    from lisse.io.readers import read_cycling

    rec, _ = staircase
    f = _write(tmp_path / "h.csv", rec, ("time/s", "Ewe/V", "Current (mA)"))
    np.testing.assert_allclose(read_cycling(f).current_A, rec.current_A, rtol=1e-9, atol=0)
    np.testing.assert_allclose(read_cycling(f, units="current=mA").current_A, rec.current_A, rtol=1e-9, atol=0)
    with pytest.raises(ReaderError, match="contradicts"):
        read_cycling(f, units="current=A")


def test_hms_time_column_needs_no_unit(tmp_path):
    from lisse.io.readers import read_cycling

    f = tmp_path / "hms.csv"
    f.write_text("Total Time,Voltage(V),Current(mA)\n00:00:00,3.0,1.0\n00:01:00,3.1,1.0\n01:00:00,3.2,-1.0\n")
    r = read_cycling(f)
    np.testing.assert_allclose(r.time_s, [0.0, 60.0, 3600.0], rtol=0, atol=0)
    np.testing.assert_allclose(r.current_A, [1e-3, 1e-3, -1e-3], rtol=1e-12, atol=0)


def test_unitless_charge_column_is_named(tmp_path):
    from lisse.io.readers import read_cycling

    f = tmp_path / "q.csv"
    f.write_text("time/s,Ewe/V,I/mA,capacity\n0,3,1,0\n10,3.1,1,0.002\n20,3.2,1,0.005\n")
    with pytest.raises(ReaderError, match=r"'capacity' \(charge\)"):
        read_cycling(f)
    r = read_cycling(f, units="charge=mAh")
    assert r["charge_C"][-1] == pytest.approx(0.005 * 3.6, rel=1e-12, abs=0)


def test_parse_units_validates_roles_and_dimensions():
    from lisse.io.column_units import CYCLING_ROLES, EIS_ROLES, parse_units

    assert parse_units("time=s, voltage=V ,current=mA") == {"time": "s", "voltage": "V", "current": "mA"}
    assert parse_units({"t": "h", "I": "uA"}) == {"time": "h", "current": "uA"}
    assert parse_units(None) == {} and parse_units("") == {}
    assert parse_units("frequency=kHz,impedance=kohm", EIS_ROLES) == {"frequency": "kHz", "impedance": "kohm"}
    with pytest.raises(UnitError, match="current"):
        parse_units("current=mV")
    with pytest.raises(UnitError, match="time"):
        parse_units("time=V")
    with pytest.raises(ParameterError, match="did you mean 'current'"):
        parse_units("curent=mA")
    with pytest.raises(ParameterError, match="role=unit"):
        parse_units("time")
    with pytest.raises(ParameterError, match="twice"):
        parse_units("time=s,t=min")
    with pytest.raises(ParameterError, match="unknown column role"):
        parse_units("frequency=Hz", CYCLING_ROLES)
    with pytest.raises(ParameterError):
        parse_units(5)


def test_cli_bad_units_text_is_exit2_naming_the_option(tmp_path, staircase):
    rec, _ = staircase
    f = _write(tmp_path / "s.csv", rec, ("time", "voltage", "current"))
    r = run_cli("ccd", str(f), "--area", "0.785 cm2", "--units", "time=s,voltage=V,current=mV")
    assert r.returncode == 2 and "--units" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_formats_with_fixed_units_need_no_declaration_and_check_it():
    from lisse.io.readers import read_cycling

    p = cycler_file("biologic_peis_ec1133.mpr")
    plain = read_cycling(p)
    assert plain.provenance.raw_header["units"]["current"] == "mA"
    same = read_cycling(p, units="current=mA,time=s")
    np.testing.assert_array_equal(same.current_A, plain.current_A)
    assert any("declared by the user" in n for n in same.provenance.notes)
    with pytest.raises(ReaderError, match="contradicts"):
        read_cycling(p, units="current=A")


def test_study_units_key_reaches_the_reader(tmp_path, staircase):
    from lisse.pipeline.registry import StageContext, all_stages

    rec, _ = staircase
    _write(tmp_path / "sym.csv", rec, ("time", "voltage", "current"))
    stage = {s.name: s for s in all_stages()}["cycling"]
    opts = {"files": ["sym.csv"], "area": "0.785 cm2", "kind": "ccd"}
    with pytest.raises(ReaderError, match="carry no unit"):
        stage.func(StageContext(study={"cycling": opts, "_base_dir": str(tmp_path)}, options=opts, out_dir=tmp_path))
    for units in ("time=s,voltage=V,current=mA", {"time": "s", "voltage": "V", "current": "mA"}):
        o = {**opts, "units": units}
        res = stage.func(StageContext(study={"cycling": o, "_base_dir": str(tmp_path)}, options=o, out_dir=tmp_path))
        assert res.summary["files"][0]["ccd"]["ccd_mA_cm2"] == pytest.approx(0.5, abs=1e-9)
    o = {**opts, "units": "current=mV"}
    with pytest.raises(UnitError, match=r"\[cycling\] units"):
        stage.func(StageContext(study={"cycling": o, "_base_dir": str(tmp_path)}, options=o, out_dir=tmp_path))


def test_total_time_wins_over_step_time(tmp_path):
    """Neware/Arbin exports carry a step 'Time' (restarting each step) before 'Total Time'."""
    from lisse.io.readers import read_cycling

    f = tmp_path / "nw.csv"
    f.write_text("Step Index,Time,Total Time,Voltage(V),Current(mA)\n"
                 "1,00:00:00,00:00:00,3.0,1.0\n1,00:00:10,00:00:10,3.1,1.0\n"
                 "2,00:00:00,00:00:20,3.2,-1.0\n2,00:00:10,00:00:30,3.1,-1.0\n")
    r = read_cycling(f)
    np.testing.assert_array_equal(r.time_s, [0.0, 10.0, 20.0, 30.0])
