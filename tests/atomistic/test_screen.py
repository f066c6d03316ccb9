"""Atomistic screening on lisse.parallel (`lisse wetting Li X Y ...`, `adhesion_screen`): one row per substrate in
input order, a failing substrate is that row's error (never the end of the screen).

References: the single-substrate workflow run serially (same numbers), and the errors the single-substrate
command gives for the same bad inputs.
"""

from __future__ import annotations

import json

import pytest

pytest.importorskip("ase")


def test_cli_screen_rows_in_order_with_isolated_errors(cli):
    r = cli("wetting", "Li", "LLZTO", "Foo", "--jobs", "2", "--json")
    assert r.returncode == 0, r.stderr
    res = json.loads(r.stdout)
    assert [row["substrate"] for row in res["screen"]] == ["LLZTO", "Foo"]
    assert (res["substrates_total"], res["substrates_ok"], res["substrates_failed"]) == (2, 0, 2)
    llzo, foo = res["screen"]
    assert llzo["error_type"] == "NotImplementedFeatureError" and llzo["user_error"] and llzo["result"] is None
    assert foo["error_type"] == "ParameterError" and "unknown crystal 'Foo'" in foo["error"]
    # the same message the single-substrate command prints (exit 2)
    single = cli("wetting", "Li", "Foo")
    assert single.returncode == 2 and foo["error"] in single.stderr


@pytest.mark.slow
def test_screen_in_processes_equals_serial_workflow(tmp_path):
    from lisse.atomistic.executors import adhesion_screen
    from lisse.atomistic.workflows import adhesion_workflow
    from lisse.io.atomistic_cache import JobCache

    tiny = dict(substrate_layers=2, film_layers=3, max_strain=0.07, max_area=70.0, vacuum=12.0, gaps=(2.0, 2.6), n_shift=1,
                n_starts=2, steps=30, sigma_li_layers=(3, 5), check_vacuum_extra=2.0)
    ref = adhesion_workflow("chgnet", "LiF", cache=JobCache(tmp_path / "serial"), **tiny)
    rows = adhesion_screen(["LLZTO", "LiF"], "chgnet", JobCache(tmp_path / "screen"), jobs=2, **tiny)
    assert [r["status"] for r in rows] == ["error", "ok"]
    assert rows[1]["result"]["work_of_adhesion_J_m2"] == pytest.approx(ref["work_of_adhesion_J_m2"], rel=1e-9, abs=0)
