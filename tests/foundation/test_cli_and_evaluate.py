"""The CLI as a user runs it (subprocess), and the evaluate pipeline."""

import json
import re

import pytest


def test_cell_scripted_contract(cli):
    r = cli("cell", "--li-thickness", "7.54 um", "--cathode-capacity", "1.5 mAh/cm2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert 1.0 <= out["np_ratio"] <= 1.1
    assert out["anode_capacity_mAh_cm2"] == pytest.approx(7.54 * 0.2062, rel=1e-3)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--li-thickness", "-5 um", "--cathode-capacity", "1.5 mAh/cm2"], "parameter '--li-thickness' must be ≥ 0 um; got -5 um"),
        (["--li-thickness", "5 um", "--cathode-capacity", "1.5 mAh/g"], "mAh/cm2"),
        (["--li-thickness", "5 um", "--cathode-capacity", "1.5 mAh/cm2", "--electrolyte", "LLZOO", "--electrolyte-thickness", "1 um"], "LLZOO"),
        (["--li-thickness", "5 um", "--cathode-capacity", "1.5 mAh/cm2", "--interlayer", "LNI-5CNT", "--interlayer-thickness", "9 um", "--interlayer-porosity", "1.5"], "'--interlayer-porosity'"),
        (["--li-thickness", "5 um"], "parameter '--cathode-capacity' (mAh/cm2) or '--cathode-loading' (mg/cm2) is required"),
    ],
)
def test_cell_errors_are_one_line(cli, args, needle):
    r = cli("cell", *args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lisse: error:") and needle in lines[0]
    assert "Traceback" not in r.stderr
    assert not re.search(r"'[a-z]+_[a-z_]+'", lines[0]), lines[0]  # a CLI user sees options, not Python parameter names


def test_library_parameter_names_become_the_options_that_set_them():
    import argparse

    from lisse.cli.main import in_option_terms

    p = argparse.ArgumentParser()
    p.add_argument("file")
    p.add_argument("--li-thickness")
    p.add_argument("--cathode", dest="cathode_material")  # the option's name differs from the library's parameter
    p.add_argument("--c-rate", "-c")
    p.add_argument("--thickness", dest="par_thickness")  # the library knows it by the flag's name
    p.add_argument("--no-ccd", dest="ccd", action="store_false")  # a negation: never named for the parameter 'ccd'
    cases = {
        "parameter 'li_thickness' must be ≥ 0 um; got -7 um": "parameter '--li-thickness' must be ≥ 0 um; got -7 um",
        "parameter 'cathode_material' expects a name; got 'NCM8111'": "parameter '--cathode' expects a name; got 'NCM8111'",
        "parameter 'c_rate' or 'cathode_material' is required": "parameter '--c-rate' or '--cathode' is required",
        "parameter 'thickness' must be ≥ 0.001 um": "parameter '--thickness' must be ≥ 0.001 um",
        "c_rate: expected a number; got 'x'": "--c-rate: expected a number; got 'x'",
        "design_interlayer: expected thickness_min < thickness_max": "design_interlayer: expected thickness_min < thickness_max",
        "layer 'X' has none; pass c_rate=... (1/h) or choose another": "layer 'X' has none; pass --c-rate ... (1/h) or choose another",
        # left alone: names without an option, positional arguments, quoted values and paths, Python calls
        "parameter 'porosity' must be < 1; got 'my_file.csv'": "parameter 'porosity' must be < 1; got 'my_file.csv'",
        "parameter 'file' is missing": "parameter 'file' is missing",
        "'/tmp/li_thickness': empty; see read_cycling(path, units=...)": "'/tmp/li_thickness': empty; see read_cycling(path, units=...)",
        "pass area='1 cm2' to the reader": "pass area='1 cm2' to the reader",
        "parameter 'ccd' needs a symmetric cell": "parameter 'ccd' needs a symmetric cell",  # not '--no-ccd' (review)
    }
    for text, expected in cases.items():
        assert in_option_terms(text, p) == expected, text


def test_materials_every_value_has_unit_and_source(cli):
    r = cli("materials", "--json")
    assert r.returncode == 0, r.stderr
    mats = json.loads(r.stdout)
    assert len(mats) >= 19
    for m in mats:
        for p in m["properties"].values():
            assert p["unit"] is not None and p["source"]
    r = cli("materials", "LNI-5CNT")
    assert "Wang2024" in r.stdout and "S/cm" in r.stdout


def test_help_has_examples(cli):
    r = cli("--help")
    assert r.returncode == 0 and "cell" in r.stdout and "evaluate" in r.stdout
    r = cli("cell", "--help")
    assert "examples:" in r.stdout and "lisse cell" in r.stdout


def test_top_level_help_examples_parse_and_run(cli):
    """`lisse --help` ends with worked examples over predict, measure, design and compare; every one parses, and every
    one that needs no input file runs (exit 0, one JSON object with --json)."""
    import shlex

    from lisse.cli.main import build_parser

    r = cli("--help")
    assert r.returncode == 0 and "examples:" in r.stdout
    block = r.stdout.split("examples:", 1)[1]
    lines = [ln.split("  # ")[0].strip() for ln in block.splitlines() if ln.strip().startswith("lisse ")]
    assert 5 <= len(lines) <= 8
    argvs = [shlex.split(ln)[1:] for ln in lines]
    commands = {a[0] for a in argvs}
    assert {"simulate", "ccd", "cell", "compare"} <= commands  # predict, measure, design, compare
    parser = build_parser()
    for argv in argvs:
        parser.parse_args(argv)  # options exist (argparse exits 2 otherwise)
    files = {"ccd", "eis", "evaluate", "cycling"}  # placeholders for the user's files: parsed only
    for argv in argvs:
        if argv[0] in files:
            continue
        run = cli(*argv)
        assert run.returncode == 0, (argv, run.stderr)
        if "--json" in argv:
            assert isinstance(json.loads(run.stdout), dict)


def test_evaluate_default_writes_report(cli, tmp_path):
    out = tmp_path / "report"
    r = cli("evaluate", "--out", str(out), "--json", timeout=900)
    assert r.returncode == 0, r.stderr + r.stdout
    res = json.loads((out / "results.json").read_text())
    design = res["stages"]["design"]
    assert design["status"] == "ok"
    ji = design["summary"]["cells"][0]
    assert 1.0 <= ji["np_ratio"] <= 1.1
    html = (out / "report.html").read_text()
    assert "N/P" in html and "data:image/png;base64" in html and "<table class='stack'>" in html
    assert (out / "figures" / "design_energy_density_vs_li_thickness.png").exists()
    assert not list(out.rglob("*.svg"))  # SVG only with --svg or [study] svg = true
    assert (out / "tables" / "design_summary.csv").exists()
    assert not list(out.rglob("*.tmp"))


def test_evaluate_rejects_unknown_study_table(cli, tmp_path):
    study = tmp_path / "s.toml"
    study.write_text('[study]\nname="x"\n[desing]\npoints=3\n')
    r = cli("evaluate", str(study), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "desing" in r.stderr and "design" in r.stderr


def test_evaluate_bad_cell_names_cell(cli, tmp_path):
    study = tmp_path / "s.toml"
    study.write_text('[[cells]]\nname="bad"\nli_thickness="-1 um"\ncathode_capacity="1 mAh/cm2"\n')
    r = cli("evaluate", str(study), "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "bad" in r.stderr and "li_thickness" in r.stderr


def test_import_lisse_is_light(tmp_path):
    """`import lisse` loads no heavy library and writes nothing (run in an empty cwd)."""
    import os
    import subprocess
    import sys

    from conftest import REPO_ROOT

    code = "import sys, lisse; heavy = [m for m in ('numpy', 'scipy', 'pandas', 'matplotlib', 'pint', 'torch', 'ase') if m in sys.modules]; print(heavy)"
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT / "src"))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert r.returncode == 0 and r.stdout.strip() == "[]"
    assert list(tmp_path.iterdir()) == []
