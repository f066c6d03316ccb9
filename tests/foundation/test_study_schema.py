"""The declared schema of every study table: checked before any stage runs, one-line exit-2 errors."""

from __future__ import annotations

import contextlib
import io

import pytest

from lisse.cli.main import main
from lisse.errors import ParameterError
from lisse.params import OptionSpec, validate_options
from lisse.pipeline.study import parse_study

CELL = '[[cells]]\nname = "c"\nli_thickness = "20 um"\ncathode_capacity = "2 mAh/cm2"\n'


def run_main(*argv: str) -> tuple[int, str, str]:
    """``lisse ARGV`` in-process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


# (study text after the cell, the "[table] key" the message must name, a word the message must hold)
WRONG = [
    ('[design]\npoints = "abc"\n', "[design] points", "'abc'"),
    ('[design]\npoints = 2.5\n', "[design] points", "integer"),
    ('[design]\npoints = 1e9\n', "[design] points", "5000"),
    ('[design]\ntarget_np = "x"\n', "[design] target_np", "'x'"),
    ('[design]\nli_thickness_range = "5 um"\n', "[design] li_thickness_range", "list"),
    ('[design]\nli_thickness_range = ["1 um", "2 um", "3 um"]\n', "[design] li_thickness_range", "3 items"),
    ('[design]\nc_rates = [true]\n', "[design] c_rates[0]", "boolean"),
    ('[design]\npionts = 3\n', "[design] key 'pionts'", "did you mean 'points'"),
    ("[cycling]\nfiles = 5\n", "[cycling] files", "integer 5"),
    ("[cycling]\nfiles = [5]\n", "[cycling] files[0]", "integer 5"),
    ("[cycling]\narea = true\n", "[cycling] area", "boolean"),
    ('[cycling]\narea = "1 mA"\n', "[cycling] area", "1 mA"),
    ('[cycling]\nkind = "weird"\n', "[cycling] kind", "'weird'"),
    ('[cycling]\nsynthetic = "yes"\n', "[cycling] synthetic", "true or false"),
    ('[cycling]\nseed = "a"\n', "[cycling] seed", "'a'"),
    ('[cycling]\nccd = "x"\n', "[cycling] ccd", "table"),
    ("[cycling]\nccd = {colapse_ratio = 0.3}\n", "[cycling] ccd key 'colapse_ratio'", "collapse_ratio"),
    ("[cycling]\nunits = 5\n", "[cycling] units", "integer 5"),
    ('[wetting]\nmaterials = "LiF"\n', "[wetting] materials", "list of strings"),
    ('[wetting]\nwork_of_adhesion = "x"\n', "[wetting] work_of_adhesion", "table"),
    ('[wetting]\nwork_of_adhesion = {LiF = "-1 J/m2"}\n', "[wetting] work_of_adhesion.LiF", "-1 J/m2"),
    ("[wetting]\nuse_ml = 1\n", "[wetting] use_ml", "integer 1"),
    ("[wetting]\npore_radius = [1]\n", "[wetting] pore_radius", "list"),
    ('[eis]\nsynthetic = true\nlambda = "big"\n', "[eis] lambda", "'big'"),
    ('[eis]\narea = "1 cm2"\n', "[eis] files", "neither"),
    ("[eis]\nsynthetic = true\nprocesses = {bulk = 5}\n", "[eis] processes.bulk", "integer 5"),
    ("[eis]\nsynthetic = true\nunits = [1]\n", "[eis] units", "list"),
    ("[eis]\nsynthetic = true\nprocesses = {bulk = [1e-3, 1e-6]}\n", "[eis] processes", "low < high"),
    ('[eis]\nsynthetic = true\nunits = "time=s"\n', "[eis] units", "time"),
    ('[cycling]\nunits = "current=mV"\n', "[cycling] units", "mV"),
    ('[interlayer]\npoints = "many"\n', "[interlayer] points", "'many'"),
    ("[interlayer]\nnx = 100000\n", "[interlayer] nx", "400"),
    ("[interlayer]\nparameters = {porosty = 0.3}\n", "[interlayer] parameters key 'porosty'", "porosity"),
    ('[interlayer]\ncapacity = "1 mAh/cm2"\ntime = "1 h"\n', "[interlayer] capacity", "both"),
    ('[interlayer]\ni_min = "10 mA/cm2"\ni_max = "1 mA/cm2"\n', "[interlayer] i_min", "i_max"),
    ('[phasefield]\ngrid = "big"\n', "[phasefield] grid", "'big'"),
    ('[phasefield]\npresets = ["nope"]\n', "[phasefield] presets[0]", "'nope'"),
    ('[phasefield]\ncontact_angle_deg = "90 deg"\n', "[phasefield] contact_angle_deg", "'90 deg'"),
    ('[phasefield]\nplated = "1 mm"\n', "[phasefield] plated", "50 um"),
    ('[compare]\ncycle_life = ["0.2 mA/cm2"]\n', "[compare] cycle_life[0]", "'0.2 mA/cm2'"),
    ("[compare]\nccd = [1]\n", "[compare] ccd", "list"),
    ("[study]\nfoo = 5\n", "[study] key 'foo'", "known: description, name"),
    ("[study]\nname = 5\n", "[study] name", "integer 5"),
    ("[[design]]\npoints = 3\n", "[design]", "table"),
    ("[design]\npoints = 1979-05-27\n", "[design] points", "date"),
    (f"[design]\npoints = {10**400}\n", "[design] points", "401 digits"),
    (f"[compare]\nccd = {10**400}\n", "[compare] ccd", "401 digits"),
    ("[compare]\nccd = nan\n", "[compare] ccd", "nan"),
    # review s40 item 6: a [simulate] table naming no cell of the study passed --check and failed the run
    ('[simulate]\ninterfacial_resistance = { nocell = "40 ohm cm2" }\n', "[simulate] interfacial_resistance", "'nocell'"),
    ('[simulate]\npublished = { nocell = { ccd = "1 mA/cm2" } }\n', "[simulate] published", "'nocell'"),
    # review s40 diff item 8: a surface the simulator refuses passed --check and the run skipped the cell
    ('[simulate]\nsurfaces = { c = "Cu" }\n', "[simulate] surfaces.c", "'Cu', which has none"),
    ('[simulate]\nsurfaces = { c = "FOO" }\n', "[simulate] surfaces.c", "unknown material 'FOO'"),
    ("[design]\nc_rates = [inf]\n", "[design] c_rates[0]", "inf"),
    ("[desing]\npoints = 3\n", "table 'desing'", "did you mean 'design'"),
    ('[cycling]\nfiles = ["nope.mpr"]\n', "[cycling] files[0]", "no such file"),
    ('[eis]\nfiles = "."\n', "[eis] files[0]", "a folder"),
]


@pytest.mark.parametrize(("text", "where", "word"), WRONG, ids=[w[1] for w in WRONG])
def test_wrong_option_is_one_line_exit_2(tmp_path, text, where, word):
    study = tmp_path / "s.toml"
    study.write_text(CELL + text)
    code, _, err = run_main("evaluate", str(study), "--check")
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1 and lines[0].startswith("lisse: error:")
    assert where in lines[0] and word in lines[0]


@pytest.mark.parametrize(
    ("cell", "where"),
    [
        ('electrolyte = 5\n', "electrolyte"),
        ("electrolyte_thickness = [20]\n", "electrolyte_thickness"),
        ("area = true\n", "area"),
        ("interlayer = 5\n", "interlayer"),
        ('interlayer = {material = "LNI-5CNT", thikness = "9 um"}\n', "thikness"),
        ('colour = "red"\n', "colour"),
        (f"area = {10**400}\n", "area"),
        ('electrolyte = "LLZOO"\n', "did you mean 'LLZO'"),
        ('interlayer = {material = "LNI-5CN"}\n', "interlayer: unknown material 'LNI-5CN'"),
    ],
)
def test_wrong_cell_key_names_the_cell(tmp_path, cell, where):
    study = tmp_path / "s.toml"
    study.write_text(CELL + cell)
    code, _, err = run_main("evaluate", str(study), "--check")
    assert code == 2 and "[[cells]] 'c'" in err and where in err and len(err.strip().splitlines()) == 1


def test_cells_must_be_an_array_of_tables(tmp_path):
    study = tmp_path / "s.toml"
    study.write_text('[cells]\nname = "x"\n')
    code, _, err = run_main("evaluate", str(study), "--check")
    assert code == 2 and "[[cells]]" in err


def test_stages_receive_typed_si_options(tmp_path):
    (tmp_path / "a.mpr").write_bytes(b"x")
    s = parse_study(CELL + "[design]\nli_thickness_range = [0, 50]\ntarget_np = 1.0\npoints = 1e2\n"
                    "[wetting]\npore_radius = 2\nwork_of_adhesion = {LiF = 0.5}\n"
                    '[cycling]\narea = 0.5\nfiles = "a.mpr"\n[compare]\nccd = 1.2\ncycle_life = [[0.2, 1500]]\n', base_dir=tmp_path)
    o = s["_options"]
    # bare numbers mean the display unit of the schema: um, mA/cm2, cm2, h, J/m2
    assert o["design"]["li_thickness_range"] == [0.0, pytest.approx(50e-6, rel=1e-12, abs=0)]
    assert o["design"]["target_np"] == [1.0] and o["design"]["points"] == 100
    assert o["design"]["c_rates"] == [0.1, 0.5, 1.0]  # default filled in
    assert o["wetting"]["pore_radius"] == pytest.approx(2e-6, rel=1e-12, abs=0)
    assert o["wetting"]["work_of_adhesion"] == {"LiF": 0.5} and o["wetting"]["use_ml"] is True
    assert o["cycling"]["area"] == pytest.approx(0.5e-4, rel=1e-12, abs=0) and o["cycling"]["files"] == ["a.mpr"]
    assert o["compare"]["ccd"] == pytest.approx(12.0, rel=1e-12)  # 1.2 mA/cm2 = 12 A/m2
    assert o["compare"]["cycle_life"] == [[pytest.approx(2.0), (pytest.approx(1500 * 3600.0), False)]]  # (SI, lower bound?)
    assert "ccd" not in o["cycling"]  # optional without default: absent


def test_bad_table_stops_the_run_before_any_stage(tmp_path):
    study = tmp_path / "s.toml"
    study.write_text(CELL + "[design]\npoints = 5\n[compare]\nccd = \"fast\"\n")
    out = tmp_path / "out"
    code, _, err = run_main("evaluate", str(study), "--out", str(out), "--no-progress")
    assert code == 2 and "[compare] ccd" in err
    assert not out.exists()


def test_check_writes_nothing_and_accepts_the_default_study(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_main("evaluate", "--check")
    assert code == 0, err
    assert "valid" in out and list(tmp_path.iterdir()) == []


def test_show_schema_lists_every_table_and_units_key():
    code, out, _ = run_main("evaluate", "--show-schema", "--json")
    assert code == 0
    import json

    schema = json.loads(out)["schema"]
    assert {"study", "cells", "design", "wetting", "interlayer", "cycling", "eis", "phasefield", "compare"} <= set(schema)
    assert "units" in schema["cycling"] and "units" in schema["eis"]
    assert schema["design"]["points"]["default"] == 201
    assert schema["cells"]["li_thickness"]["unit"] == "um"
    code, text, _ = run_main("evaluate", "--show-schema")
    assert "[design]" in text and "bare number: um" in text


def test_units_key_takes_a_string_or_a_table():
    s = parse_study(CELL + '[cycling]\nunits = "time=s,voltage=V,current=mA"\n[eis]\nsynthetic = true\nunits = {frequency = "Hz"}\n'
                    'processes = {bulk = [0, 1e-6], interface = "3e-3:"}\n')
    assert s["_options"]["cycling"]["units"] == "time=s,voltage=V,current=mA"
    assert s["_options"]["eis"]["units"] == {"frequency": "Hz"}


def test_option_spec_conversions():
    q = OptionSpec.quantity("um", "thickness", low=0.0)
    assert q.convert("[t] x", 20) == pytest.approx(20e-6, rel=1e-12, abs=0)
    assert q.convert("[t] x", "0.02 mm") == pytest.approx(20e-6, rel=1e-12, abs=0)
    with pytest.raises(ParameterError, match=r"\[t\] x: expected a quantity .*found the boolean true"):
        q.convert("[t] x", True)
    with pytest.raises(ParameterError, match="≥ 0 um"):
        q.convert("[t] x", "-1 um")
    n = OptionSpec.integer("n", 3, 1, 10)
    assert n.convert("[t] n", 1e1) == 10 and isinstance(n.convert("[t] n", 4.0), int)
    with pytest.raises(ParameterError, match="found the boolean true"):
        n.convert("[t] n", True)
    strs = OptionSpec.list_of(OptionSpec.text("m"), "materials")
    with pytest.raises(ParameterError, match="found the string 'LiF'"):
        strs.convert("[w] materials", "LiF")
    assert validate_options({"n": n}, {}, "[t]") == {"n": 3}
    assert validate_options({"n": n}, {}, "[t]", fill_defaults=False) == {}


def test_stage_called_with_raw_options_checks_them(tmp_path):
    from lisse.pipeline.registry import StageContext, all_stages

    st = {s.name: s for s in all_stages()}["design"]
    with pytest.raises(ParameterError, match=r"\[design\] points"):
        st.func(StageContext(study={}, options={"points": "abc"}, out_dir=tmp_path))


def test_schema_text_pluralises_only_the_head_noun():
    """'a list of list of two values [a quantities ...' was the old text of [compare] cycle_life."""
    code, text, _ = run_main("evaluate", "--show-schema")
    assert code == 0
    line = next(x for x in text.splitlines() if x.strip().startswith("cycle_life:"))
    assert "a list of lists of two values [a quantity such as '1 mA/cm2' (bare number: mA/cm2)" in line
    assert "a quantities" not in text and "list of list " not in text
    assert "a list of 2 quantities such as '1 um' (bare numbers: um)" in text  # [design] li_thickness_range


def test_two_cells_with_one_name_are_refused():
    """Results, tables and figures are keyed by cell name: a second 'x' would overwrite the first."""
    cell = '[[cells]]\nname = "x"\nli_thickness = "20 um"\ncathode_capacity = "2 mAh/cm2"\n'
    with pytest.raises(ParameterError, match=r"\[\[cells\]\] name.*'x'.*cells 1 and 2"):
        parse_study(cell + cell)


def test_a_cell_keyed_table_may_name_an_unnamed_cell_by_its_default_name(tmp_path):
    """review s40 diff item 5: the load-time check ran before unnamed cells got their default names ('cell 1')."""
    study = tmp_path / "s.toml"
    study.write_text('[[cells]]\nli_thickness = "20 um"\ncathode_capacity = "2 mAh/cm2"\n'
                     '[simulate]\nsurfaces = { "cell 1" = "LLZTO-TfOH" }\n')
    code, _, err = run_main("evaluate", str(study), "--check")
    assert code in (0, None), err
    study.write_text(study.read_text().replace('"cell 1"', '"cell 2"'))
    code, _, err = run_main("evaluate", str(study), "--check")
    assert code == 2 and "expected names of the study's [[cells]] (cell 1); found 'cell 2'" in err
