"""Every table and figure of a prediction names the calibrated parameters it rests on (no circular validation).

The rule has one home (:func:`lisse.params.with_calibrated_column`, :func:`lisse.plot.style.calibrated_note`); these
tests check it and the places that apply it without the CLI (the CLI and stage files are checked in their own tests).
"""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

from lisse.params import CALIBRATED_COLUMN, calibrated_label, with_calibrated_column

NOTE = "calibrated (fitted to one observation): "


def test_label_joins_names_with_semicolons_and_is_empty_without_any():
    assert calibrated_label(["exchange_current", "contact_angle"]) == "exchange_current;contact_angle"
    assert calibrated_label(np.array(["a", "b"])) == "a;b"  # a string array has no truth value: no `names or ()`
    assert calibrated_label({"nucleation_overpotential": "Wang2024"}) == "nucleation_overpotential"  # a mapping: its keys
    assert calibrated_label(None) == calibrated_label([]) == calibrated_label(np.array([], dtype=str)) == ""


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
    assert with_calibrated_column({"v": [1.0, 2.0]}, None)[CALIBRATED_COLUMN] == ["", ""]


@pytest.fixture(scope="module")
def interlayer_results():
    from lisse.sim.interlayer import make_parameters, sweeps

    cur = np.array([1.0, 10.0, 30.0])
    out = {}
    for tag, p in (("preset", make_parameters("lni-5cnt")),
                   ("user", make_parameters("lni-5cnt", exchange_current="2e-3 mA/cm2", contact_angle="55 deg"))):
        out[tag] = (p, sweeps.sweep_current(p, cur, capacity=3.6e4), sweeps.map_current_capacity(p, cur, np.array([1.8e4, 3.6e4])),
                    sweeps.map_conductivities(p, np.array([1e-6, 1e-3]), np.array([0.03, 0.3]), 10.0, 3.6e4))
    return out


def test_interlayer_sweeps_and_maps_carry_the_calibrated_defaults_into_their_tables(interlayer_results):
    from lisse.sim.interlayer import sweeps

    p, sw, m1, m2 = interlayer_results["preset"]
    assert p.calibrated_parameters == ["exchange_current", "contact_angle"]
    for res in (sw, m1, m2):
        assert res["calibrated_parameters"].tolist() == p.calibrated_parameters
    for table, rows in ((sweeps.sweep_table(sw), 3), (sweeps.current_capacity_map_table(m1), 6),
                        (sweeps.conductivity_map_table(m2), 4)):
        assert table[CALIBRATED_COLUMN] == ["exchange_current;contact_angle"] * rows
        assert all(len(v) == rows for v in table.values())
    _, sw_u, m1_u, m2_u = interlayer_results["user"]  # values the user set are not calibrated
    for table in (sweeps.sweep_table(sw_u), sweeps.current_capacity_map_table(m1_u), sweeps.conductivity_map_table(m2_u)):
        assert set(table[CALIBRATED_COLUMN]) == {""}
    # a result built by hand (no names) still makes a table, with the column empty
    bare = {k: v for k, v in sw.items() if k != "calibrated_parameters"}
    assert sweeps.sweep_table(bare)[CALIBRATED_COLUMN] == [""] * 3


def test_interlayer_figures_name_the_calibrated_defaults_at_their_foot(interlayer_results):
    from lisse.plot import interlayer as plot
    from lisse.sim.interlayer.lengths import interlayer_lengths

    for tag, expected in (("preset", [NOTE + "exchange_current, contact_angle"]), ("user", [])):
        p, sw, m1, m2 = interlayer_results[tag]
        figs = {"sweep": plot.sweep_figure(sw, p.thickness), "map": plot.current_capacity_map_figure(m1),
                "conductivity": plot.conductivity_map_figure(m2),
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
    write_history_csv(tmp_path / "c.csv", rows)
    assert [r[CALIBRATED_COLUMN] for r in csv.DictReader(open(tmp_path / "c.csv"))] == [""] * 3


def test_phasefield_comparison_names_each_calibrated_parameter_with_the_runs_that_use_it():
    from lisse.pipeline.stages.phasefield import _calibrated_by_run

    runs = [{"label": "LNI-0.5CNT", "calibrated": ["nucleation_overpotential"]}, {"label": "lithiophobic", "calibrated": []},
            {"label": "LNI-50CNT", "calibrated": ["nucleation_overpotential", "x"]}]
    assert _calibrated_by_run(runs) == ["nucleation_overpotential (LNI-0.5CNT, LNI-50CNT)", "x (LNI-50CNT)"]
    assert _calibrated_by_run([{"label": "a"}]) == []


def test_map_time_step_check_and_simulation_tables_share_the_rule():
    from lisse.sim.interface.maps import map_table

    m = {"x_name": "pressure", "x": np.array([1e6, 2e6]), "ccd": np.array([5.0, np.nan]),
         "failing_current_density": np.array([6.0, 1.0]), "search_limit_reached": np.array([False, False]),
         "failure_mode": np.array(["short", "short"], dtype=object), "calibrated_parameters": ["void_depth_ratio", "flaw_size"]}
    assert map_table(m)[CALIBRATED_COLUMN] == ["void_depth_ratio;flaw_size"] * 2
