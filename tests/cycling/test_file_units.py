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


def test_evaluate_with_a_failed_stage_says_so_on_stderr(tmp_path, staircase):
    """A study whose [cycling] file has no units: the stage fails, the run exits 2 and stderr names it in one line."""
    rec, _ = staircase
    _write(tmp_path / "sym.csv", rec, ("time", "voltage", "current"))
    (tmp_path / "s.toml").write_text('[cycling]\nfiles = ["sym.csv"]\narea = "0.785 cm2"\nkind = "ccd"\n')
    for json_flag in ((), ("--json",)):
        r = run_cli("evaluate", str(tmp_path / "s.toml"), "--out", str(tmp_path / f"o{len(json_flag)}"), *json_flag)
        assert r.returncode == 2, r.stdout + r.stderr
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("lisse: error: stage cycling failed: ") and "Traceback" not in r.stderr
        assert "sym.csv" in lines[0] and "carry no unit" in lines[0]
    assert json.loads(r.stdout)["errors"]["cycling"] in lines[0]  # stdout keeps its JSON; stderr repeats the reason


def test_total_time_wins_over_step_time(tmp_path):
    """Neware/Arbin exports carry a step 'Time' (restarting each step) before 'Total Time'."""
    from lisse.io.readers import read_cycling

    f = tmp_path / "nw.csv"
    f.write_text("Step Index,Time,Total Time,Voltage(V),Current(mA)\n"
                 "1,00:00:00,00:00:00,3.0,1.0\n1,00:00:10,00:00:10,3.1,1.0\n"
                 "2,00:00:00,00:00:20,3.2,-1.0\n2,00:00:10,00:00:30,3.1,-1.0\n")
    r = read_cycling(f)
    np.testing.assert_array_equal(r.time_s, [0.0, 10.0, 20.0, 30.0])


@pytest.mark.parametrize("header", ["Time/h", "Time (h:m:s)", "time (min)"])
def test_hms_values_are_not_scaled_by_the_header_unit(tmp_path, header):
    """'0:01:00' is one minute whatever the header says; a header 'Time/h' must not make it 60 h."""
    from lisse.io.readers import read_cycling

    f = tmp_path / "hms_unit.csv"
    f.write_text(f"{header},Voltage(V),Current(mA)\n00:00:00,3.0,1.0\n00:01:00,3.1,1.0\n01:00:00,3.2,-1.0\n")
    r = read_cycling(f)
    np.testing.assert_allclose(r.time_s, [0.0, 60.0, 3600.0], rtol=0, atol=0)
    assert any("not applied" in n for n in r.provenance.notes)


def test_numeric_time_still_takes_the_header_unit(tmp_path):
    from lisse.io.readers import read_cycling

    f = tmp_path / "h.csv"
    f.write_text("Time/h,Ewe/V,I/mA\n0,3.0,1.0\n0.5,3.1,1.0\n1,3.2,-1.0\n")
    np.testing.assert_allclose(read_cycling(f).time_s, [0.0, 1800.0, 3600.0], rtol=1e-12, atol=0)


@pytest.mark.parametrize("header", ["I/ma", "Current (Amps)"])
def test_unparseable_header_unit_names_the_file_and_column(tmp_path, header):
    from lisse.io.readers import read_cycling

    f = tmp_path / "badunit.csv"
    f.write_text(f"time/s,Ewe/V,{header}\n0,3.0,1.0\n1,3.1,1.0\n")
    with pytest.raises(ReaderError) as ei:
        read_cycling(f)
    msg = str(ei.value)
    assert "badunit.csv" in msg and f"'{header}'" in msg and "\n" not in msg


def test_duplicated_column_names_are_named(tmp_path):
    from lisse.io.readers import read_cycling

    f = tmp_path / "dup.csv"
    f.write_text("time/s,Ewe/V,I/mA,I/mA\n0,3.0,1.0,2.0\n1,3.1,1.0,2.0\n")
    with pytest.raises(ReaderError, match=r"dup\.csv.*'I/mA' more than once"):
        read_cycling(f)


@pytest.mark.parametrize("sep", ["\t", ";"])
def test_thousands_separators_beside_decimal_points_are_refused(tmp_path, sep):
    """'1,800' next to '3.1' is 1800 written with a thousands separator, not 1.8: refuse, never read 1000x off."""
    from lisse.io.readers import read_cycling

    f = tmp_path / "thou.txt"
    f.write_text(sep.join(["time/s", "Ewe/V", "I/mA"]) + "\n" + "\n".join(
        sep.join(r) for r in (("0", "3.1", "0.5"), ("1,800", "3.2", "0.5"), ("3,600", "3.3", "-0.5"))) + "\n")
    with pytest.raises(ReaderError, match=r"thou\.txt.*'3\.1'.*'1,800'"):
        read_cycling(f)


def test_decimal_commas_alone_still_read(tmp_path):
    from lisse.io.readers import read_cycling

    f = tmp_path / "dc.txt"
    f.write_text("time/s\tEwe/V\tI/mA\n0\t3,1\t0,5\n1800\t3,2\t0,5\n3600\t3,3\t-0,5\n")
    r = read_cycling(f)
    np.testing.assert_allclose(r.time_s, [0.0, 1800.0, 3600.0], rtol=0, atol=0)
    np.testing.assert_allclose(r.voltage_V, [3.1, 3.2, 3.3], rtol=1e-12, atol=0)
    np.testing.assert_allclose(r.current_A, [5e-4, 5e-4, -5e-4], rtol=1e-12, atol=0)


def test_a_preamble_line_with_two_names_is_not_the_header(tmp_path, capfd):
    """'Cell,Li|LLZO|Li' above the real header: read the data, one line on stderr at most (no pandas warning)."""
    from lisse.io.readers import read_cycling

    f = tmp_path / "pre.csv"
    f.write_text("Cell,Li-LLZO-Li\ntime/s,Ewe/V,I/mA\n0,3.1,0.5\n1,3.2,0.5\n2,3.3,-0.5\n")
    r = read_cycling(f)
    np.testing.assert_allclose(r.time_s, [0.0, 1.0, 2.0], rtol=0, atol=0)
    np.testing.assert_allclose(r.current_A, [5e-4, 5e-4, -5e-4], rtol=1e-12, atol=0)
    assert "Warning" not in capfd.readouterr().err


def test_unit_after_an_underscore_is_read(tmp_path):
    """'current_mA' is 0.5 mA = 5e-4 A; 'Test_Time_h' is in hours; a lower-case 'current_a' stays undeclared."""
    from lisse.io.readers import read_cycling

    f = tmp_path / "us.csv"
    f.write_text("Test_Time_h,voltage_V,current_mA\n0,3.1,0.5\n0.5,3.2,0.5\n1,3.3,-0.5\n")
    r = read_cycling(f)
    np.testing.assert_allclose(r.time_s, [0.0, 1800.0, 3600.0], rtol=1e-12, atol=0)
    np.testing.assert_allclose(r.current_A, [5e-4, 5e-4, -5e-4], rtol=1e-12, atol=0)
    g = tmp_path / "lower.csv"
    g.write_text("time_s,voltage_V,current_a\n0,3.1,0.5\n1,3.2,0.5\n")
    with pytest.raises(ReaderError, match=r"'current_a' \(current\)"):
        read_cycling(g)


# ------------------------------------------------------------------------------------- current-density columns
# headers that name a current density (a unit of A/m2), with the factor from A/m2 to the unit written
DENSITY_HEADERS = [("j/mA cm-2", 0.1), ("j (mA/cm2)", 0.1), ("j [mA/cm^2]", 0.1), ("i/mA cm-2", 0.1), ("I/mA/cm2", 0.1),
                   ("Current density (A/m2)", 1.0), ("j_mA_cm2", 0.1), ("j/\u00b5A cm-2", 100.0), ("j/mA cm\u22122", 0.1)]


@pytest.mark.parametrize(("header", "per_A_m2"), DENSITY_HEADERS)
def test_current_density_column_is_read_with_the_area_and_refused_without(tmp_path, staircase, header, per_A_m2):
    """A current-density column was read as an open-circuit record ("no current column", current 0 A; independent
    contract audit, header j/mA cm-2): it is the current x the area given, and refused, naming it, without an area."""
    from lisse.io.readers import read_cycling

    rec, _ = staircase
    f = _write(tmp_path / "j.csv", rec, ("time/s", "Ewe/V", header), current_scale=per_A_m2 / 0.785e-4)  # j = I / 0.785 cm2
    got = read_cycling(f, area="0.785 cm2")
    np.testing.assert_allclose(got.current_A, rec.current_A, rtol=1e-9, atol=1e-15)  # the generator's current
    assert any(n.startswith(f"current = current density column '{header}'") for n in got.provenance.notes)
    with pytest.raises(ReaderError) as e:
        read_cycling(f)
    msg = str(e.value)
    assert f"column '{header}' is a current density" in msg and "area" in msg and "j.csv" in msg


def test_current_density_csv_cli_ccd_and_cycling(tmp_path, staircase):
    rec, truth = staircase
    f = _write(tmp_path / "j.csv", rec, ("time/s", "Ewe/V", "j/mA cm-2"), current_scale=1e3 / 0.785)  # the audit's file
    r = run_cli("ccd", str(f), "--area", "0.785 cm2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["ccd_mA_cm2"] == pytest.approx(truth.ccd_A_m2 / 10) == pytest.approx(0.5)  # was "0 A in every row"
    assert out["failure_current_density_mA_cm2"] == pytest.approx(0.6)
    c = json.loads(run_cli("cycling", str(f), "--area", "0.785 cm2", "--json").stdout)
    assert c["kind"] == "symmetric" and c["record"]["current_max_mA"] == pytest.approx(rec.current_A.max() * 1e3, rel=1e-6)
    r = run_cli("cycling", str(f), "--json")  # no area: exit 2, one line, not an OCV record
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and "'j/mA cm-2' is a current density" in r.stderr and "--area" in r.stderr
    r = run_cli("cycling", str(f), "--area", "0.785 cm2", "--units", "current=mA")
    assert r.returncode == 2 and "current=mA contradicts" in r.stderr and "'j/mA cm-2' is a current density" in r.stderr


def test_current_density_name_with_an_unreadable_unit_is_not_an_ocv_record(tmp_path, staircase):
    from lisse.io.readers import read_cycling

    rec, _ = staircase
    f = _write(tmp_path / "j.csv", rec, ("time/s", "Ewe/V", "J/mAcm-2"), current_scale=1e3 / 0.785)
    with pytest.raises(ReaderError, match="cannot recognise the current column .*maybe 'J/mAcm-2'"):
        read_cycling(f, area="0.785 cm2")


def test_current_density_mapping_and_python_area_forms(tmp_path, staircase):
    from lisse.io.readers import read_cycling

    rec, _ = staircase
    f = _write(tmp_path / "j.csv", rec, ("time/s", "Ewe/V", "jj"), current_scale=1e3 / 0.785)  # mA/cm2, name unknown
    got = read_cycling(f, mapping={"current": ("jj", "mA/cm2")}, area=0.785e-4)  # area as an SI number [m2]
    np.testing.assert_allclose(got.current_A, rec.current_A, rtol=1e-9, atol=1e-15)


def test_ccd_on_a_file_without_a_current_column_says_so(tmp_path, staircase):
    rec, _ = staircase
    f = tmp_path / "ocv.csv"
    np.savetxt(f, np.column_stack([rec.time_s, rec.voltage_V]), delimiter=",", header="time/s,Ewe/V", comments="", fmt="%.10g")
    r = run_cli("ccd", str(f), "--area", "0.785 cm2")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1
    assert "rest-only record" in r.stderr and "the file has no current column, read as open circuit" in r.stderr
