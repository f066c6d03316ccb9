"""Every table and figure of a prediction names the calibrated parameters it rests on (no circular validation).

The rule has one home (:func:`lisse.params.with_calibrated_column`, :func:`lisse.plot.style.calibrated_note`); these
tests check it and the places that apply it without the CLI (the CLI and stage files are checked in their own tests).
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from lisse.params import CALIBRATED_COLUMN, calibrated_label, calibrated_names, with_calibrated_column

NOTE = "calibrated (fitted to one observation): "


def test_label_joins_names_with_semicolons_and_says_none_without_any():
    assert calibrated_label(["exchange_current", "contact_angle"]) == "exchange_current;contact_angle"
    assert calibrated_label(np.array(["a", "b"])) == "a;b"  # a string array has no truth value: no `names or ()`
    assert calibrated_label({"nucleation_overpotential": "Wang2024"}) == "nucleation_overpotential"  # a mapping: its keys
    # one name as a bare string (or a 0-d array) is one name, not its letters
    assert calibrated_label("void_depth_ratio") == calibrated_label(np.array("void_depth_ratio")) == "void_depth_ratio"
    assert calibrated_names("flaw_size") == ["flaw_size"]
    # nothing calibrated is said in a word: pandas reads an empty cell back as NaN ("not known")
    assert calibrated_label([]) == calibrated_label(np.array([], dtype=str)) == calibrated_label({}) == "none"
    with pytest.raises(TypeError, match="None"):  # not known is never written as "none"
        calibrated_label(None)


def test_column_is_appended_on_every_row_and_leaves_the_input_alone():
    cols = {"x_um": np.arange(5.0), "ok": [True] * 5}
    out = with_calibrated_column(cols, ["i0"])
    assert list(out) == ["x_um", "ok", CALIBRATED_COLUMN] and out[CALIBRATED_COLUMN] == ["i0"] * 5
    assert list(cols) == ["x_um", "ok"]  # a new mapping
    df = pd.DataFrame({"a": [1, 2, 3]})
    assert pd.DataFrame(with_calibrated_column(df, ["p", "q"]))[CALIBRATED_COLUMN].tolist() == ["p;q"] * 3
    assert list(df.columns) == ["a"]
    # a string column's length is not the row count; scalar columns make one row; no columns, no rows
    assert with_calibrated_column({"name": "abcdefgh", "v": [1.0, 2.0]}, ["z"])[CALIBRATED_COLUMN] == ["z"] * 2
    assert pd.DataFrame(with_calibrated_column({"v": 1.0}, ["z"])).shape == (1, 2)
    assert with_calibrated_column({}, ["z"])[CALIBRATED_COLUMN] == []
    assert with_calibrated_column({"v": [1.0, 2.0]}, [])[CALIBRATED_COLUMN] == ["none", "none"]
    assert with_calibrated_column({"k": np.float64(3.0), "v": np.arange(4)}, "z")[CALIBRATED_COLUMN] == ["z"] * 4  # 0-d first
    assert pd.read_csv(__import__("io").StringIO(pd.DataFrame(with_calibrated_column({"v": [1.0]}, [])).to_csv(index=False))
                       )[CALIBRATED_COLUMN].tolist() == ["none"]  # read back as written


@pytest.fixture(scope="module")
def interlayer_results():
    from lisse.sim.interlayer import make_parameters, sweeps

    cur = np.array([1.0, 10.0, 30.0])
    out = {}
    for tag, p in (("preset", make_parameters("lni-5cnt")),
                   ("user", make_parameters("lni-5cnt", exchange_current="3e-3 mA/cm2", contact_angle="60 deg",
                                            surface_energy="0.46 J/m2"))):
        out[tag] = (p, sweeps.sweep_current(p, cur, capacity=3.6e4), sweeps.map_current_capacity(p, cur, np.array([1.8e4, 3.6e4])),
                    sweeps.map_conductivities(p, np.array([1e-6, 1e-3]), np.array([0.03, 0.3]), 10.0, 3.6e4))
    return out


def test_interlayer_sweeps_and_maps_carry_the_calibrated_defaults_into_their_tables(interlayer_results):
    from lisse.sim.interlayer import sweeps

    p, sw, m1, m2 = interlayer_results["preset"]
    assert p.calibrated_parameters == ["exchange_current", "contact_angle", "surface_energy"]
    cal = p.calibrated_parameters
    for table, rows in ((sweeps.sweep_table(sw, calibrated=cal), 3), (sweeps.current_capacity_map_table(m1, calibrated=cal), 6),
                        (sweeps.conductivity_map_table(m2, calibrated=cal), 4)):
        assert table[CALIBRATED_COLUMN] == ["exchange_current;contact_angle;surface_energy"] * rows
        assert all(len(v) == rows for v in table.values())
    # the results stay column dicts of one length (review s43 item 9: pd.DataFrame(sweep) must keep working)
    assert pd.DataFrame(sw).shape[0] == 3 and "calibrated_parameters" not in sw
    pu, sw_u, m1_u, m2_u = interlayer_results["user"]  # values the user set are not calibrated
    assert pu.calibrated_parameters == []
    for fn, res in ((sweeps.sweep_table, sw_u), (sweeps.current_capacity_map_table, m1_u), (sweeps.conductivity_map_table, m2_u)):
        assert set(fn(res, calibrated=pu.calibrated_parameters)[CALIBRATED_COLUMN]) == {"none"}
        with pytest.raises(TypeError):  # never "none" by omission
            fn(res)  # type: ignore[call-arg]


def test_interlayer_figures_name_the_calibrated_defaults_at_their_foot(interlayer_results):
    from lisse.plot import interlayer as plot
    from lisse.sim.interlayer.lengths import interlayer_lengths

    for tag, expected in (("preset", [NOTE + "exchange_current, contact_angle, surface_energy"]), ("user", [])):
        p, sw, m1, m2 = interlayer_results[tag]
        cal = p.calibrated_parameters
        figs = {"sweep": plot.sweep_figure(sw, p.thickness, calibrated=cal), "map": plot.current_capacity_map_figure(m1, calibrated=cal),
                "conductivity": plot.conductivity_map_figure(m2, calibrated=cal),
                "profile": plot.profile_figure(interlayer_lengths(p, 10.0, capacity=3.6e4).solution, p.critical_overpotential)}
        for name, fig in figs.items():
            assert [t.get_text() for t in fig.texts] == expected, (tag, name)


def test_phasefield_history_names_the_run_calibration_and_quotes_a_label_that_needs_it(tmp_path):
    from lisse.io.phasefield import HISTORY_COLUMNS, write_history_csv

    rows = [{c: float(k) for c in HISTORY_COLUMNS} for k in range(3)]
    write_history_csv(tmp_path / "a.csv", rows, {"nucleation_overpotential": "Wang2024"})
    got = list(csv.DictReader(open(tmp_path / "a.csv")))
    assert list(got[0]) == [*HISTORY_COLUMNS, CALIBRATED_COLUMN]
    assert [r[CALIBRATED_COLUMN] for r in got] == ["nucleation_overpotential"] * 3
    assert float(got[2]["time_s"]) == 2.0  # the columns before it are unchanged
    write_history_csv(tmp_path / "b.csv", rows, ['odd, "name"'])
    assert [r[CALIBRATED_COLUMN] for r in csv.DictReader(open(tmp_path / "b.csv"))] == ['odd, "name"'] * 3
    write_history_csv(tmp_path / "c.csv", rows, {})
    assert [r[CALIBRATED_COLUMN] for r in csv.DictReader(open(tmp_path / "c.csv"))] == ["none"] * 3


def test_phasefield_comparison_names_each_calibrated_parameter_with_the_runs_that_use_it():
    from lisse.pipeline.stages.phasefield import _calibrated_by_run

    runs = [{"label": "LNI-0.5CNT", "calibrated": ["nucleation_overpotential"]}, {"label": "lithiophobic", "calibrated": []},
            {"label": "LNI-50CNT", "calibrated": ["nucleation_overpotential", "x"]}]
    assert _calibrated_by_run(runs) == ["nucleation_overpotential (LNI-0.5CNT, LNI-50CNT)", "x (LNI-50CNT)"]
    assert _calibrated_by_run([{"label": "a"}]) == []


def test_interface_map_table_says_none_in_a_word():
    from lisse.sim.interface.maps import map_table

    m = {"x_name": "pressure", "x": np.array([1e6, 2e6]), "ccd": np.array([5.0, np.nan]),
         "failing_current_density": np.array([6.0, 1.0]), "search_limit_reached": np.array([False, False]),
         "failure_mode": np.array(["short", "short"], dtype=object), "calibrated_parameters": ["void_depth_ratio", "flaw_size"]}
    assert map_table(m)[CALIBRATED_COLUMN] == ["void_depth_ratio;flaw_size"] * 2
    assert map_table({**m, "calibrated_parameters": []})[CALIBRATED_COLUMN] == ["none"] * 2  # was "" before stop 43


def test_a_note_on_a_lisse_figure_gets_its_own_strip_and_notes_on_a_users_figure_merge(interlayer_results):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from lisse.plot import interlayer as plot

    p, sw, m1, _ = interlayer_results["preset"]
    for cal in (p.calibrated_parameters, []):  # with and without the note
        fig = plot.sweep_figure(sw, p.thickness, calibrated=cal)
        FigureCanvasAgg(fig)
        fig.canvas.draw()
        r = fig.canvas.get_renderer()
        xlabel = fig.axes[0].xaxis.label.get_window_extent(r)
        notes = [t for t in fig.texts if t.get_text().startswith(NOTE)]
        assert len(notes) == (1 if cal else 0)
        for t in notes:  # review s43 item 7: the note overlapped the x label
            box = t.get_window_extent(r)
            assert box.y1 <= xlabel.y0 + 0.5, (box, xlabel)
    user = Figure(figsize=(8, 3))
    a1, a2 = user.subplots(1, 2)
    plot.sweep_figure(sw, p.thickness, ax=a1, calibrated=["exchange_current", "contact_angle"])
    plot.current_capacity_map_figure(m1, ax=a2, calibrated=["contact_angle", "void_depth_ratio"])
    assert [t.get_text() for t in user.texts] == [NOTE + "exchange_current, contact_angle, void_depth_ratio"]  # one line
    assert user.get_layout_engine() is None  # the user's figure is not re-laid out


def test_a_csv_record_lisse_simulated_is_read_back_as_one(tmp_path):
    from lisse.io.csv_generic import read_csv_generic

    f = tmp_path / "simulated_record.csv"
    f.write_text("time_s,voltage_V,current_A,calibrated_parameters\n0,0.01,0.001,void_depth_ratio;flaw_size\n"
                 "1,0.02,0.001,void_depth_ratio;flaw_size\n")
    rec = read_csv_generic(f)
    notes = [n for n in rec.provenance.notes if "calibrated_parameters" in n]
    assert len(notes) == 1 and "not a measurement" in notes[0] and "flaw_size, void_depth_ratio" in notes[0]
    assert rec.voltage_V.tolist() == [0.01, 0.02]
    g = tmp_path / "none.csv"
    g.write_text("time_s,voltage_V,current_A,calibrated_parameters\n0,0.01,0.001,none\n")
    assert any(n.endswith("no calibrated parameter") for n in read_csv_generic(g).provenance.notes)
    h = tmp_path / "measured.csv"
    h.write_text("time_s,voltage_V,current_A\n0,0.01,0.001\n")
    assert not any("calibrated" in n for n in read_csv_generic(h).provenance.notes)


def test_every_interlayer_cli_table_and_figure_names_the_calibration(tmp_path, monkeypatch):
    """All seven outputs of ``lisse interlayer --out`` (review s43 item 14: the 2D and spike-fit ones were not checked)."""
    import lisse.cli.interlayer as cli
    from lisse.cli.main import main

    drawn: dict = {}
    real = cli._fig_write

    def spy(out, name, fig, files):
        drawn[name] = [t.get_text() for t in fig.texts]
        real(out, name, fig, files)

    monkeypatch.setattr(cli, "_fig_write", spy)
    argv = ["interlayer", "--preset", "lni-5cnt", "--current-density", "2 mA/cm2", "--capacity", "2 mAh/cm2", "--sweep",
            "--points", "4", "--map", "--two-d", "--nx", "30", "--convergence", "--spike-currents", "2,3,4",
            "--spike-heights", "60,75,85", "--out", str(tmp_path / "o")]
    assert main(argv) == 0
    from lisse.cli.interlayer import OUTPUT_STEMS

    assert set(drawn) == set(OUTPUT_STEMS) - {"interlayer_2d_convergence"}  # a table only
    for name, texts in drawn.items():
        assert [t for t in texts if t.startswith("calibrated")] == [NOTE + "exchange_current, contact_angle, surface_energy"], name
    tables = sorted((tmp_path / "o").glob("*.csv"))
    assert {t.stem for t in tables} == set(OUTPUT_STEMS) - {"interlayer_spike_fit"}
    for t in tables:
        df = pd.read_csv(t)
        assert len(df) > 1 and set(df[CALIBRATED_COLUMN]) == {"exchange_current;contact_angle;surface_energy"}, t.name


def test_the_interlayer_stage_names_the_calibration_on_its_2d_and_map_figures(tmp_path):
    from lisse.pipeline.registry import StageContext, all_stages

    st = {s.name: s for s in all_stages()}["interlayer"]
    study = {"cells": [{"name": "L", "interlayer": {"material": "LNI-5CNT", "thickness": "90 um", "porosity": 0.3}}],
             "interlayer": {"current_density": "1 mA/cm2", "capacity": "1 mAh/cm2", "points": 4, "map": True,
                            "conductivity_map": True, "two_d": True, "nx": 30}}
    res = st.func(StageContext(study, study["interlayer"], tmp_path, progress=False))
    names = {"profile_l", "sweep_l", "map_l", "conductivity_map_l", "fields_2d_l"}
    assert names <= set(res.figures)
    for name in names:
        assert [t.get_text() for t in res.figures[name].texts if t.get_text().startswith("calibrated")] == [
            NOTE + "exchange_current, contact_angle, surface_energy"], name


def test_the_phasefield_cli_names_the_calibration_on_its_snapshots_and_front(tmp_path, monkeypatch):
    import lisse.io.outputs as outputs
    from lisse.cli.main import main

    seen: dict = {}
    real = outputs.save_figure

    def spy(fig, path, **kw):
        seen[str(path)] = [t.get_text() for t in fig.texts if t.get_text().startswith("calibrated")]
        return real(fig, path, **kw)

    monkeypatch.setattr(outputs, "save_figure", spy)
    argv = ["phasefield", "--preset", "lni-5cnt", "--grid", "32", "--frames", "2", "--no-animation", "--json",
            "--out", str(tmp_path / "pf")]
    assert main(argv) in (0, None)
    assert any(k.endswith("front.png") for k in seen) and sum("snapshots" in k for k in seen) >= 2
    for path, notes in seen.items():
        assert notes == [NOTE + "nucleation_overpotential, li_surface_energy"], path
