"""lisse.analysis.ranking: the one placement rule of the lab and literature comparisons, counted by hand; and the
places that hand it a bound (review: mutations of those passed every test)."""

from __future__ import annotations

import pytest

from lisse.analysis.ranking import decide, place


def test_decide_every_combination_by_hand():
    # measured against measured
    assert (decide(2, False, 1, False), decide(1, False, 2, False), decide(1, False, 1, False)) == (1, -1, 0)
    # the other is a lower bound (at least): above the cell it beats it, below or equal it settles nothing
    assert (decide(1, False, 2, True), decide(2, False, 1, True), decide(1, False, 1, True)) == (-1, 0, 0)
    # the cell is a lower bound: it beats lower measured values only
    assert (decide(2, True, 1, False), decide(1, True, 2, False), decide(1, True, 1, False), decide(1, True, 2, True)) == (1, 0, 0, 0)
    # lower is better (an overpotential): the same with the sign turned
    assert (decide(1, False, 2, False, higher_is_better=False), decide(2, False, 1, False, higher_is_better=False)) == (1, -1)


def test_place_counts_ties_only_between_measured_values():
    p = place(1.0, [(1.0, False), (1.0, True), (0.5, False), (2.0, False), (3.0, True)])
    assert (p["n_beaten"], p["n_better"], p["n_undecided"], p["n_tied"]) == (1, 2, 2, 1)
    assert p["rank"] == 3 and p["percentile"] == pytest.approx(100.0 / 3, rel=1e-12)
    b = place(1.0, [(1.0, False), (0.5, False)], value_is_bound=True)
    assert (b["n_beaten"], b["n_undecided"], b["n_tied"]) == (1, 1, 0)  # a bound equal to a value: undecided, no tie
    assert place(1.0, [(1.0, False)])["percentile"] is None  # nothing decided
    with pytest.raises(Exception, match="finite"):
        place(float("nan"), [])


def test_published_ratio_bounds_give_a_verdict_only_where_they_settle_it():
    from lisse.pipeline.stages.simulate import _published

    opts = {"published": {"c": {"ccd": 24.0, "capacity": 7200.0, "source": "X"}}}  # 2.4 mA/cm2 at 0.2 mAh/cm2 (SI)
    first_failed = _published(opts, "c", {"ccd_mA_cm2": None, "failing_current_density_mA_cm2": 0.5})
    assert first_failed["ratio_is_upper_bound"] and first_failed["within_factor_2"] is False  # below 0.21: outside
    near = _published(opts, "c", {"ccd_mA_cm2": None, "failing_current_density_mA_cm2": 2.0})
    assert near["within_factor_2"] is None  # below 0.83: could be inside
    at_limit = _published(opts, "c", {"ccd_mA_cm2": 10.0, "failing_current_density_mA_cm2": None})
    assert at_limit["ratio_is_lower_bound"] and at_limit["within_factor_2"] is False  # at least 4.2: outside
    low_limit = _published(opts, "c", {"ccd_mA_cm2": 1.0, "failing_current_density_mA_cm2": None})
    assert low_limit["within_factor_2"] is None
    assert _published(opts, "other", {}) is None and low_limit["capacity_per_half_cycle_mAh_cm2"] == pytest.approx(0.2)


def test_the_compare_stage_places_a_cycling_stage_lower_bound_as_one(tmp_path):
    """A cycling stage CCD that never failed (ccd_is_lower_bound) reaches compare_cell as a bound: every published CCD at
    or above it is undecided."""
    from lisse.pipeline.registry import StageContext, all_stages

    stage = {s.name: s for s in all_stages()}["compare"]
    results = {"cycling": {"files": [{"name": "f", "ccd": {"ccd_mA_cm2": 1.0, "ccd_is_lower_bound": True}}]}}
    opts = {"lab": False}
    res = stage.func(StageContext(study={"compare": opts}, options=opts, out_dir=tmp_path, results=results))
    s = res.summary
    assert s["ccd_origin"] == "cycling stage" and s["ccd_is_lower_bound"] is True
    from lisse.analysis.literature import published_strategies

    pool = [x for x in published_strategies() if x.ccd_mA_cm2 is not None]
    assert len(s["ccd_undecided"]) == sum(1 for x in pool if x.ccd_lower_bound or x.ccd_mA_cm2 >= 1.0)


def test_a_study_cycle_life_written_at_least_reaches_the_comparison_as_a_bound(tmp_path):
    """[compare] cycle_life = [["1 mA/cm2", ">=30 d"]] (the cell had not failed) is parsed as 720 h and a lower bound, and the
    stage's comparison agrees with the same pair given unmarked except that nothing outlasts it (the CLI's rule, audit s49)."""
    from lisse.errors import ParameterError
    from lisse.pipeline.registry import StageContext, all_stages
    from lisse.pipeline.study import parse_study

    stage = {s.name: s for s in all_stages()}["compare"]
    cell = '[[cells]]\nname = "c"\nli_thickness = "20 um"\ncathode_capacity = "2 mAh/cm2"\n'
    rows = {}
    for life in ("30 d", ">=30 d", "\u2265 30 d"):
        opts = parse_study(cell + f'[compare]\nlab = false\ncycle_life = [["1 mA/cm2", "{life}"]]\n')["_options"]["compare"]
        assert opts["cycle_life"][0][1] == (pytest.approx(720 * 3600.0, rel=1e-12), life != "30 d")
        res = stage.func(StageContext(study={"compare": opts}, options=opts, out_dir=tmp_path, results={}, validated=True))
        rows[life] = res.summary["cycle_life"][0]
    m, b = rows["30 d"], rows[">=30 d"]
    assert m["cycle_life_is_lower_bound"] is False and b["cycle_life_is_lower_bound"] is True and rows["\u2265 30 d"] == b
    assert m["outlasted_by"] and b["outlasted_by"] == [] and sorted(b["beats"]) == sorted(m["beats"])
    assert sorted(b["undecided"]) == sorted(m["undecided"] + m["outlasted_by"])
    with pytest.raises(ParameterError, match=r"\[compare\] cycle_life\[0\]\[1\]: expected a value > 0 h; found the string '>=-3 h'"):
        parse_study(cell + '[compare]\ncycle_life = [["1 mA/cm2", ">=-3 h"]]\n')
    with pytest.raises(ParameterError, match=r"'\[compare\] cycle_life\[0\]\[1\]' expects a quantity in h .*got '30 mA'"):
        parse_study(cell + '[compare]\ncycle_life = [["1 mA/cm2", ">= 30 mA"]]\n')
