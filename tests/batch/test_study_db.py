"""Studies with glob patterns, studies that read the results database, the lab comparison, predictions in the database.

Independent references: the file list written by hand; the stored rows read with plain sqlite3; a direct
analysis of the same files (reader + CCDDetector / DRT) without the batch or the database; the CCD the
synthetic staircase was built with; scipy's percentileofscore and numpy's percentile for the lab ranking;
hashlib for the stored hashes.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import run_cli

from ._synth import three_arc_csv

AREA = 0.785e-4  # m2 (0.785 cm2)
#: CCDs the synthetic staircases are built with: failure above j_critical, steps of 0.1 mA/cm2 -> CCD = last step below.
CELLS = {"sym-a": (0.35, 0.3), "sym-b": (0.55, 0.5), "sym-c": (0.75, 0.7)}


def _ccd_csv(path: Path, j_critical_mA_cm2: float, seed: int = 0) -> Path:
    """A generic-CSV Li|SSE|Li CCD staircase failing above ``j_critical`` (lisse's synthetic generator)."""
    from lisse.sim.synthetic_cycling import ccd_staircase

    rec, _ = ccd_staircase(area="0.785 cm2", seed=seed, j_critical=f"{j_critical_mA_cm2} mA/cm2")
    lines = ["time/s,Ewe/V,I/mA"] + [f"{a:.3f},{b:.7f},{c:.7f}" for a, b, c in zip(rec.time_s, rec.voltage_V, rec.current_A * 1e3)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> dict:
    """Three CCD staircases and one impedance file, analysed by ``lisse batch`` into lab.sqlite."""
    from lisse.batch import BatchSettings, run_batch

    root = tmp_path_factory.mktemp("lab")
    data = root / "data"
    data.mkdir()
    for k, (name, (jc, _)) in enumerate(CELLS.items()):
        _ccd_csv(data / f"{name}.csv", jc, seed=k)
    three_arc_csv(data / "eis-a.csv")
    db = root / "lab.sqlite"
    r1 = run_batch([str(data / "sym-*.csv")], db=db, settings=BatchSettings(analysis="cycling", area=AREA))
    r2 = run_batch([str(data / "eis-a.csv")], db=db, settings=BatchSettings(analysis="eis"))
    assert r1.files_ok == 3 and r2.files_ok == 1, (r1.failed, r2.failed)
    return {"root": root, "data": data, "db": db}


def _evaluate(study_path: Path, out: Path, only=None) -> dict:
    from lisse.pipeline.evaluate import evaluate
    from lisse.pipeline.study import load_study

    doc = evaluate(load_study(study_path), out, study_text=study_path.read_text(), progress=False, only=only)
    bad = {k: v.get("reason") for k, v in doc["stages"].items() if v["status"] == "error"}
    assert not bad, bad
    return doc


# -- globs ------------------------------------------------------------------------------------------------------
def _tree(root: Path) -> None:
    (root / "data" / "sub").mkdir(parents=True)
    for rel in ("data/b.csv", "data/a.csv", "data/sub/c.csv", "data/notes.txt"):
        (root / rel).write_text("x\n")


def test_glob_patterns_expand_sorted_relative_to_the_study(tmp_path: Path, monkeypatch):
    from lisse.pipeline.study import load_study

    _tree(tmp_path)
    study = tmp_path / "s.toml"
    study.write_text('[cycling]\nfiles = ["data/*.csv", "data/**/c.csv", "data/a.csv"]\n')
    monkeypatch.chdir("/")  # relative to the study file, not the working folder
    s = load_study(study)
    # by hand: the sorted matches of each pattern in order, each file once
    assert s["_options"]["cycling"]["files"] == ["data/a.csv", "data/b.csv", "data/sub/c.csv"]
    assert s["_inputs"]["[cycling] files"] == [{"pattern": "data/*.csv", "files": ["data/a.csv", "data/b.csv"]},
                                               {"pattern": "data/**/c.csv", "files": ["data/sub/c.csv"]}]


def test_glob_run_records_the_expanded_list(lab, tmp_path: Path):
    study = lab["root"] / "glob.toml"
    study.write_text('[study]\nname = "glob"\n[cycling]\nfiles = ["data/sym-*.csv"]\narea = "0.785 cm2"\n')
    out = tmp_path / "out"
    doc = _evaluate(study, out, only=["cycling"])
    expected = ["data/sym-a.csv", "data/sym-b.csv", "data/sym-c.csv"]
    assert doc["inputs"] == {"[cycling] files": [{"pattern": "data/sym-*.csv", "files": expected}]}
    assert json.loads((out / "results.json").read_text())["inputs"]["[cycling] files"][0]["files"] == expected
    written = (out / "study.toml").read_text()
    assert tomllib.loads(written) == tomllib.loads(study.read_text())  # the list is added as comments: same study
    assert all(f"#   {f}" in written for f in expected)
    got = {f["name"]: f["ccd"]["ccd_mA_cm2"] for f in doc["stages"]["cycling"]["summary"]["files"]}
    assert got == pytest.approx({k: v[1] for k, v in CELLS.items()}, abs=1e-9)  # the CCDs the files were built with


@pytest.mark.parametrize("text, where", [
    ('[cycling]\nfiles = ["data/*.mpr"]\n', "[cycling] files[0]"),
    ('[eis]\nfiles = ["data/a.csv", "runs/**/*.ndax"]\n', "[eis] files[1]"),
])
def test_glob_matching_nothing_is_one_line_exit_2(tmp_path: Path, text: str, where: str):
    _tree(tmp_path)
    (tmp_path / "s.toml").write_text(text)
    r = run_cli("evaluate", str(tmp_path / "s.toml"), "--check")
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1, r.stderr
    pattern = text.split('"')[-2]
    assert where in lines[0] and repr(pattern) in lines[0] and "matches none" in lines[0]


def test_glob_size_limit(tmp_path: Path, monkeypatch):
    from lisse.errors import ParameterError
    from lisse.pipeline import inputs
    from lisse.pipeline.study import load_study

    _tree(tmp_path)
    (tmp_path / "s.toml").write_text('[cycling]\nfiles = ["data/**/*.csv"]\n')
    assert len(load_study(tmp_path / "s.toml")["_options"]["cycling"]["files"]) == 3
    monkeypatch.setattr(inputs, "MAX_STUDY_FILES", 2)
    with pytest.raises(ParameterError, match=r"\[cycling\] files: expected at most 2 files \(size limit\)"):
        load_study(tmp_path / "s.toml")


# -- a study that reads the database -----------------------------------------------------------------------------
def _db_rows(db: Path, sql: str, params=()) -> list[dict]:
    con = sqlite3.connect(str(db))
    try:
        cur = con.execute(sql, params)
        return [dict(zip([d[0] for d in cur.description], r)) for r in cur.fetchall()]
    finally:
        con.close()


def test_study_from_db_equals_the_rows_and_a_direct_analysis(lab, tmp_path: Path):
    from scipy.stats import percentileofscore

    from lisse.analysis.ccd import CCDDetector
    from lisse.analysis.eis.workflow import analyse
    from lisse.analysis.shorts import ShortDetector
    from lisse.io.eis import read_spectra
    from lisse.io.readers import read_cycling

    study = lab["root"] / "fromdb.toml"
    study.write_text('[study]\nname = "from db"\n[database]\nfile = "lab.sqlite"\n'
                     '[cycling]\ncells = ["sym-*"]\n'
                     '[eis]\nfrom_db = true\nfiles = ["data/eis-*.csv"]\n'
                     '[compare]\ncell = "sym-b"\noverpotential_at = "0.2 mA/cm2"\n')
    out = tmp_path / "out"
    doc = _evaluate(study, out, only=["cycling", "eis", "compare"])
    files = doc["stages"]["cycling"]["summary"]["files"]
    assert [f["cell"] for f in files] == ["sym-a", "sym-b", "sym-c"]
    for f in files:
        path = lab["data"] / f"{f['cell']}.csv"
        row = _db_rows(lab["db"], "SELECT file_id, sha256, analysed_at, lisse_version, ccd_mA_cm2 FROM files WHERE path = ?",
                       (str(path),))[0]
        direct = CCDDetector().fit(read_cycling(path, area=AREA), cell_type="symmetric").summary()
        assert f["ccd"]["ccd_mA_cm2"] == row["ccd_mA_cm2"] == direct["ccd_mA_cm2"]
        assert f["ccd"]["ccd_mA_cm2"] == pytest.approx(CELLS[f["cell"]][1], abs=1e-9)
        steps = pd.read_csv(out / "tables" / f"cycling_{f['name']}_ccd_steps.csv")
        stored = _db_rows(lab["db"], "SELECT j_mA_cm2, status FROM ccd_steps WHERE file_id = ? ORDER BY rowid", (row["file_id"],))
        np.testing.assert_allclose(steps["j_mA_cm2"], [s["j_mA_cm2"] for s in stored], rtol=1e-12)
        np.testing.assert_allclose(steps["j_mA_cm2"], CCDDetector().fit(read_cycling(path, area=AREA)).steps_["j_mA_cm2"], rtol=1e-12)
        prov = f["provenance"]
        assert prov["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest() == row["sha256"]
        assert (prov["analysed_at"], prov["lisse_version"], prov["database"]) == (row["analysed_at"], row["lisse_version"], str(lab["db"]))
        assert prov["stale"] is False and prov["present"] is True
    # impedance: the stored DRT peaks are the peaks a direct analysis of the file finds
    peaks = pd.read_csv(out / "tables" / "eis_drt_peaks.csv")
    sp = read_spectra(lab["data"] / "eis-a.csv")[0]
    d = analyse(sp, drt=True, kk=True, fit=None, lam=2e-4, cell="symmetric-li")[0]["drt"]
    np.testing.assert_allclose(peaks["resistance_ohm"], [p["resistance_ohm"] for p in d["peaks"]], rtol=1e-9)
    np.testing.assert_allclose(peaks["tau_s"], [p["tau_s"] for p in d["peaks"]], rtol=1e-9)
    # the lab comparison: sym-b (0.5) among the other lab cells (0.3, 0.7)
    lab_res = doc["stages"]["compare"]["summary"]["lab"]
    assert doc["stages"]["compare"]["summary"]["ccd_mA_cm2"] == pytest.approx(0.5, abs=1e-12)
    assert (lab_res["n_lab_cells"], lab_res["rank"], lab_res["percentile"]) == (2, 2, pytest.approx(50.0, abs=1e-12))
    table = pd.read_csv(out / "tables" / "compare_lab_cells.csv")
    assert list(table["cell"]) == ["sym-c", "sym-b", "sym-a"] and list(table["this_cell"]) == [False, True, False]
    assert (out / "figures" / "compare_lab.png").stat().st_size > 0
    report = (out / "report.html").read_text()
    assert str(lab["db"]) in report and "ranks 2" in report
    # the overpotential at 0.2 mA/cm2 (2 A/m2), by hand from a direct analysis of each file: median |eta_plateau| of the
    # half cycles at 2 A/m2 before the first failed one; lower ranks better
    eta = {}
    for name in CELLS:
        hc = ShortDetector().fit(read_cycling(lab["data"] / f"{name}.csv", area=AREA), cell_type="symmetric").half_cycles_
        bad = np.flatnonzero(hc["status"].to_numpy() != "ok")
        hc = hc.iloc[: bad[0] if bad.size else len(hc)]
        at = hc[np.isclose(hc["current_density_A_m2"].abs(), 2.0, rtol=0.05)]
        eta[name] = float(np.median(at["eta_plateau_V"].abs())) * 1e3
    lo = doc["stages"]["compare"]["summary"]["lab_overpotential"]
    assert lo["value"] == pytest.approx(eta["sym-b"], rel=1e-9)
    others = [eta["sym-a"], eta["sym-c"]]
    assert lo["rank"] == 1 + sum(v < eta["sym-b"] for v in others)
    assert lo["percentile"] == pytest.approx(100.0 - percentileofscore(others, eta["sym-b"], kind="weak"), abs=1e-9)
    assert lo["distribution"]["median"] == pytest.approx(float(np.median(others)), rel=1e-12)


def test_stale_file_is_flagged(lab, tmp_path: Path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(lab["data"], data)
    db = tmp_path / "lab.sqlite"
    from lisse.batch import BatchSettings, run_batch

    run_batch([str(data / "sym-*.csv")], db=db, settings=BatchSettings(analysis="cycling", area=AREA))
    with open(data / "sym-b.csv", "a") as fh:  # the file changes after its analysis
        fh.write("99999.000,0.0000000,0.0000000\n")
    (data / "sym-c.csv").unlink()  # and one is gone: cannot be checked, not stale
    study = tmp_path / "s.toml"
    study.write_text('[database]\nfile = "lab.sqlite"\n[cycling]\nfrom_db = true\nfiles = ["data/sym-*.csv"]\n')
    doc = _evaluate(study, tmp_path / "out", only=["cycling"])
    prov = {f["cell"]: f["provenance"] for f in doc["stages"]["cycling"]["summary"]["files"]}
    assert prov["sym-b"]["stale"] is True and prov["sym-b"]["sha256_on_disk"] == hashlib.sha256((data / "sym-b.csv").read_bytes()).hexdigest()
    assert prov["sym-a"]["stale"] is False
    assert prov["sym-c"]["stale"] is None and prov["sym-c"]["present"] is False
    assert doc["stages"]["cycling"]["summary"]["stale_files"] == [str(data / "sym-b.csv")]
    assert "STALE" in (tmp_path / "out" / "report.html").read_text()


@pytest.mark.parametrize("text, where", [
    ('[database]\nfile = "missing.sqlite"\n[cycling]\nfrom_db = true\nfiles = ["data/a.csv"]\n', "[database] file"),
    ('[cycling]\nfrom_db = true\nfiles = ["data/a.csv"]\n', "[cycling] from_db"),
    ('[database]\nfile = "data/a.csv"\n', "[database] file"),
])
def test_missing_or_bad_database_is_one_line_exit_2(tmp_path: Path, text: str, where: str):
    _tree(tmp_path)
    (tmp_path / "s.toml").write_text(text)
    for extra in (["--check"], ["--out", str(tmp_path / "out")]):
        r = run_cli("evaluate", str(tmp_path / "s.toml"), *extra)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 2 and len(lines) == 1 and where in lines[0], r.stderr
    assert not (tmp_path / "out").exists()


def test_db_selection_matching_nothing_names_the_key(lab, tmp_path: Path):
    study = lab["root"] / "none.toml"
    study.write_text('[database]\nfile = "lab.sqlite"\n[cycling]\ncells = ["sym-a", "nobody-*"]\n')
    r = run_cli("evaluate", str(study), "--check")
    lines = r.stderr.strip().splitlines()
    assert r.returncode == 2 and len(lines) == 1 and "[cycling] cells[1]" in lines[0] and "'nobody-*'" in lines[0], r.stderr


# -- the lab ranking against a hand computation ------------------------------------------------------------------
def test_lab_percentile_against_numpy_and_scipy():
    from scipy.stats import percentileofscore

    from lisse.analysis.lab import best_per_cell, place_in_lab, select_cells

    rng = np.random.default_rng(3)
    values = np.round(rng.uniform(0.1, 2.0, 40), 1)  # rounded: ties happen
    rows = [{"cell": f"c{k:02d}", "ccd_mA_cm2": float(v), "material": "LLZO" if k % 2 else "LPSC"} for k, v in enumerate(values)]
    rows += [{"cell": "c00", "ccd_mA_cm2": float(values[0]) - 0.05, "material": None}]  # a worse second file of c00
    cells = best_per_cell(rows)
    assert len(cells) == 40 and cells[0]["value"] == values[0] and cells[0]["n_files"] == 2
    for x in (0.05, 0.7, float(values[5]), 1.3, 2.5):
        got = place_in_lab(x, cells, this_cell="c05")
        others = np.delete(values, 5)
        assert got["n_lab_cells"] == 39
        # ties (the same staircase step) are undecided: the share of the other, unequal values that x beats
        decided = others[others != x]
        assert got["percentile"] == pytest.approx(percentileofscore(decided, x, kind="strict"), abs=1e-9)
        assert got["n_tied"] == int(np.sum(others == x)) and got["n_undecided"] == got["n_tied"]
        assert got["rank"] == 1 + int(np.sum(others > x))
        d = got["distribution"]
        np.testing.assert_allclose([d["min"], d["p25"], d["median"], d["p75"], d["max"]], np.percentile(others, [0, 25, 50, 75, 100]),
                                   rtol=1e-12)
    llzo = select_cells(cells, ["c1*", "c2*"], "llzo")
    assert sorted(c["cell"] for c in llzo) == [f"c{k}" for k in range(11, 30, 2)]


# -- predictions -------------------------------------------------------------------------------------------------
def test_interlayer_predictions_go_to_the_database(lab, tmp_path: Path):
    import shutil

    from lisse.sim.interlayer.model import SOURCES

    db = tmp_path / "lab.sqlite"
    shutil.copy(lab["db"], db)
    study = tmp_path / "s.toml"
    study.write_text('[study]\nname = "pred"\n[database]\nfile = "lab.sqlite"\n'
                     '[interlayer]\npreset = "lni-5cnt"\nsweep = false\nmap = false\n')
    doc = _evaluate(study, tmp_path / "out", only=["interlayer"])
    assert doc["stages"]["interlayer"]["predictions"] == {"database": str(db), "written": 1}
    row = _db_rows(db, "SELECT * FROM predictions")[0]
    cc = doc["stages"]["interlayer"]["summary"]["interlayers"]["lni-5cnt"]["critical_current"]["critical_current_mA_cm2"]
    assert (row["kind"], row["quantity"], row["unit"]) == ("predicted", "critical_current", "mA/cm2") and row["value"] == cc
    params = json.loads(row["parameters_json"])
    assert sorted(params["calibrated"]) == sorted(k for k, v in SOURCES.items() if "calibrated" in v.lower())
    assert params["calibrated"] and set(params["parameters"]) >= set(params["calibrated"])
    # lisse interlayer --db, linked to a cell
    r = run_cli("interlayer", "--preset", "lni-5cnt", "--current-density", "1", "--capacity", "1", "--db", str(db), "--cell", "sym-b",
                "--json")
    assert r.returncode == 0, r.stderr
    got = _db_rows(db, "SELECT p.value, p.source, c.name FROM predictions p JOIN cells c USING (cell_id)")
    assert got == [{"value": json.loads(r.stdout)["critical_current"]["critical_current_mA_cm2"], "source": "lisse interlayer",
                    "name": "sym-b"}]


def test_show_schema_lists_the_new_keys():
    r = run_cli("evaluate", "--show-schema", "--json")
    schema = json.loads(r.stdout)["schema"]
    assert {"file", "write_predictions"} <= set(schema["database"])
    for table in ("cycling", "eis"):
        assert {"from_db", "cells"} <= set(schema[table]) and "glob" in schema[table]["files"]["doc"]
    assert {"cell", "lab", "lab_cells", "lab_material"} <= set(schema["compare"])


def test_overpotential_per_file_stops_at_the_first_failure():
    from lisse.analysis.lab import best_per_cell, overpotential_per_file

    def hc(path, cell, j, eta, status="ok"):
        return {"path": path, "cell": cell, "material": "LLZO", "current_density_A_m2": j, "eta_plateau_V": eta, "status": status}

    rows = [hc("a1", "a", 1.0, 0.010), hc("a1", "a", -1.0, -0.012), hc("a1", "a", 1.02, 0.020), hc("a1", "a", 2.0, 0.03),
            hc("a1", "a", -2.0, 0.001, "voltage_collapse"), hc("a1", "a", 1.0, 0.0001),  # after the failure: left out
            hc("a2", "a", 1.0, 0.009), hc("b1", "b", 1.2, 0.005), hc("b1", "b", 1.0, float("nan"))]
    got = {r["path"]: r for r in overpotential_per_file(rows, 1.0)}
    assert set(got) == {"a1", "a2"}  # b1: 1.2 A/m2 is outside 5 %, its 1.0 A/m2 row has no value
    assert got["a1"]["eta_plateau_mV"] == pytest.approx(12.0, rel=1e-12) and got["a1"]["n_half_cycles"] == 3  # median(10, 12, 20)
    best = best_per_cell(list(got.values()), key="eta_plateau_mV", higher_is_better=False)
    assert [(c["cell"], c["value"], c["n_files"]) for c in best] == [("a", pytest.approx(9.0, rel=1e-12), 2)]


def test_compare_cli_places_a_cell_among_the_lab(lab):
    from scipy.stats import percentileofscore

    r = run_cli("compare", "--db", str(lab["db"]), "--cell", "sym-c", "--json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["ccd_mA_cm2"] == pytest.approx(0.7, abs=1e-9)  # the stored CCD of sym-c (built with CCD 0.7)
    lab_res = got["lab"]
    assert (lab_res["rank"], lab_res["n_lab_cells"], lab_res["value_origin"]) == (1, 2, "lab cell sym-c")
    assert lab_res["percentile"] == pytest.approx(percentileofscore([0.3, 0.5], 0.7, kind="strict"), abs=1e-9)
    assert [c["cell"] for c in lab_res["cells"]] == ["sym-c", "sym-b", "sym-a"]
    r = run_cli("compare", "--db", str(lab["db"]), "--cell", "nobody")
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1 and "--cell 'nobody'" in r.stderr


def test_glob_stops_at_size_limit(tmp_path: Path, monkeypatch):
    """A pattern matching far more files than the limit is not listed whole: the walk stops at limit + 1 files."""
    import glob as glob_module

    from lisse.errors import ParameterError
    from lisse.pipeline import inputs
    from lisse.pipeline.study import load_study

    data = tmp_path / "data"
    data.mkdir()
    for i in range(40):
        (data / f"c{i:02d}.csv").write_text("x\n")
    (tmp_path / "s.toml").write_text('[cycling]\nfiles = ["data/**/*.csv"]\n')
    real = glob_module.iglob
    seen: list[str] = []

    def counting_iglob(*args, **kwargs):
        for h in real(*args, **kwargs):
            seen.append(h)
            yield h

    monkeypatch.setattr(glob_module, "iglob", counting_iglob)
    monkeypatch.setattr(inputs, "MAX_STUDY_FILES", 3)
    with pytest.raises(ParameterError, match=r"\[cycling\] files: expected at most 3 files \(size limit\); the entries up to "
                                             r"'data/\*\*/\*\.csv' already name 4$"):
        load_study(tmp_path / "s.toml")
    assert len(seen) <= 4, len(seen)


@pytest.mark.parametrize("table, select, option", [
    ("cycling", 'from_db = true\nfiles = ["data/a.csv"]', 'area = "1 cm2"'),
    ("cycling", 'cells = ["sym-*"]', "ccd = {collapse_ratio = 0.3}"),
    ("cycling", 'cells = ["sym-*"]', 'kind = "ccd"'),
    ("cycling", 'from_db = true\nfiles = ["data/a.csv"]', 'cell_type = "symmetric"'),
    ("cycling", 'cells = ["sym-*"]', 'active_mass = "5 mg"'),
    ("eis", 'from_db = true\nfiles = ["data/a.csv"]', 'thickness = "500 um"'),
    ("eis", 'cells = ["sym-*"]', 'lambda = "gcv"'),
])
def test_analysis_options_with_from_db_are_refused(tmp_path: Path, table: str, select: str, option: str):
    """Options the stored results cannot reflect are a one-line error naming [table] KEY (not silently ignored)."""
    _tree(tmp_path)
    key = option.split(" =")[0]
    via = "from_db" if "from_db" in select else "cells"
    (tmp_path / "s.toml").write_text(f'[database]\nfile = "lab.sqlite"\n[{table}]\n{select}\n{option}\n')
    from lisse.errors import ParameterError
    from lisse.io.resultsdb import ResultsDB
    from lisse.pipeline.study import load_study

    ResultsDB(tmp_path / "lab.sqlite").close()  # an empty results database: the check comes before any selection
    with pytest.raises(ParameterError, match=rf"\[{table}\] {key}: has no effect with {via} \(the stored results were "
                                             rf"analysed with the batch's settings\).*lisse batch {table}") as info:
        load_study(tmp_path / "s.toml")
    assert "\n" not in str(info.value)
