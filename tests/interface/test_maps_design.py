"""Maps and the design search of :mod:`lisse.sim.interface.maps` (plumbing, on a fake simulator with a known answer).

The fake interface (tests/interface/fake_interface.py) fails above a known current density; each map point
must carry exactly the staircase answer worked out from it, and the design search must bracket the thickness
where the target current starts to hold (threshold 10 A/m2 x thickness / 50 um: the answer is analytic).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from lisse.errors import ParameterError

from . import fake_interface as fake


@pytest.fixture
def maps(monkeypatch):
    fake.install(monkeypatch)
    from lisse.sim.interface import maps as m

    return m


def test_conductivity_map_points_carry_the_staircase_answer(maps):
    proto = fake.staircase("fixed-capacity", start=1.0, increment=1.0, step_capacity=7200.0, max_current=30.0)
    base = {"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}
    se, si = [1e-3, 1e-2, 1e-1], [0.25, 1.0, 4.0, 100.0]
    m = maps.map_conductivities(base, se, si, proto)
    assert m["ccd"].shape == (4, 3) and m["x_name"] == "sigma_e" and m["y_name"] == "sigma_ion"
    for a, s_i in enumerate(si):
        for b, s_e in enumerate(se):
            ccd, failing = fake.expected_ccd({**base, "interlayer_sigma_e": s_e, "interlayer_sigma_ion": s_i}, proto)
            assert m["ccd"][a, b] == (ccd if ccd is not None else pytest.approx(math.nan, nan_ok=True))
            assert (failing is None) == bool(m["search_limit_reached"][a, b])
    # 90 um, sigma_ion 100: threshold 180 A/m2 > 30 A/m2 search limit -> no failure: a lower bound, not a CCD
    assert m["search_limit_reached"][3].all() and np.isnan(m["failing_current_density"][3]).all()
    assert m["calibrated_parameters"] == ["i0"]
    t = maps.map_table(m)
    assert len(t["sigma_e_S_cm"]) == 12 and t["sigma_e_S_cm"][1] == pytest.approx(1e-4, rel=1e-12)
    assert t["ccd_mA_cm2"][0] == pytest.approx(m["ccd"][0, 0] / 10, rel=1e-12)


def test_a_point_the_detectors_cannot_judge_is_marked_and_the_rest_stands(maps):
    proto = fake.staircase("fixed-capacity", start=1.0, increment=1.0, step_capacity=7200.0, max_current=30.0)
    m = maps.map_conductivities({"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}, [1e-2], [1e-4, 1.0], proto)
    assert str(m["failure_mode"][0, 0]).startswith("not judged: CCD detection")
    assert np.isnan(m["ccd"][0, 0]) and not m["search_limit_reached"][0, 0]
    assert m["ccd"][1, 0] == fake.expected_ccd({"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}, proto)[0]
    with pytest.raises(ParameterError, match="NOPE"):  # bad input still stops the map
        maps.map_conductivities({"interlayer": "NOPE"}, [1e-2], [1.0], proto)


def test_a_point_where_the_solver_does_not_converge_is_marked_and_the_rest_stands(maps):
    # rev-11: the real simulator raises ConvergenceError at sigma_e 1e-8 S/cm, sigma_ion 2.5e-6 S/cm (LNI-5CNT, 90 um),
    # a corner of the default conductivity map; it used to stop the whole map (and the map benchmark)
    proto = fake.staircase("fixed-capacity", start=1.0, increment=1.0, step_capacity=7200.0, max_current=30.0)
    base = {"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}
    m = maps.map_conductivities(base, [1e-6, 1e-2], [1.0], proto)
    assert str(m["failure_mode"][0, 0]).startswith("not judged: interlayer solver")
    assert np.isnan(m["ccd"][0, 0]) and not m["search_limit_reached"][0, 0]
    assert m["ccd"][0, 1] == fake.expected_ccd({**base, "interlayer_sigma_e": 1e-2, "interlayer_sigma_ion": 1.0}, proto)[0]
    held, mode, _, _contact = maps._holds({**base, "interlayer_sigma_e": 1e-6, "interlayer_sigma_ion": 1.0}, proto)
    assert not held and mode.startswith("not judged: interlayer solver")


def test_thickness_porosity_and_pressure_maps(maps):
    proto = fake.staircase("fixed-time", start=1.0, increment=1.0, step_time=3600.0, max_current=40.0)
    m = maps.map_thickness_porosity({"interlayer": "LNI-5CNT"}, ["20 um", "50 um", "100 um"], [0.2, 0.4], proto)
    assert m["x"][0] == pytest.approx(20e-6, rel=1e-12)
    # threshold = 10 A/m2 x t / 50 um: 4, 10, 20 A/m2 (up to rounding of t / 50 um), the CCD the last step at or below
    want = [fake.expected_ccd({"interlayer": "LNI-5CNT", "interlayer_thickness": t, "porosity": 0.2}, proto)[0] for t in m["x"]]
    assert list(m["ccd"][0]) == want and np.allclose(np.array(want, dtype=float), [4.0, 10.0, 20.0], atol=1.0)
    p = maps.map_pressure({"interlayer": None}, ["0.25 MPa", "1 MPa", "4 MPa"], proto)
    # bare: threshold = 2 A/m2 x sqrt(p / 1 MPa)
    assert list(p["ccd"]) == [1.0, 2.0, 4.0]
    assert p["failing_current_density"][1] == 3.0
    assert "pressure_MPa" in maps.map_table(p)


@pytest.mark.parametrize("chunk", [50, 7, 1])
def test_points_of_a_map_in_many_chunks_land_in_their_own_cells(maps, monkeypatch, chunk):
    """Chunks take every n-th point (cost balance between processes): each answer must return to its own cell."""
    monkeypatch.setattr(maps, "_CHUNK", chunk)
    proto = fake.staircase("fixed-time", start=1.0, increment=1.0, step_time=3600.0, max_current=40.0)
    ts = np.linspace(10e-6, 150e-6, 11)  # 11 x 6 = 66 points: uneven chunks at every size above
    ps = np.linspace(0.2, 0.7, 6)
    m = maps.map_thickness_porosity({"interlayer": "LNI-5CNT"}, ts, ps, proto)
    for a, p in enumerate(ps):
        for b, t in enumerate(ts):
            want = fake.expected_ccd({"interlayer": "LNI-5CNT", "interlayer_thickness": t, "porosity": p}, proto)[0]
            assert m["ccd"][a, b] == want, (a, b)
    assert len(set(m["ccd"][0])) > 5  # the answer varies along the row (a misplaced point would show)


def test_map_progress_never_runs_ahead_of_the_points_done(maps, monkeypatch):
    """Progress counts points: with interleaved chunks of 7 and 6 points it must not report more than are done."""
    monkeypatch.setattr(maps, "_CHUNK", 7)
    done = [0]
    real = maps._points

    def counting(task):
        rows = real(task)
        done[0] += len(rows)
        return rows

    monkeypatch.setattr(maps, "_points", counting)
    seen = []

    def progress(k, total):
        seen.append((k, total, done[0]))

    proto = fake.staircase("fixed-time", start=1.0, increment=1.0, step_time=3600.0, max_current=40.0)
    maps.map_thickness_porosity({"interlayer": "LNI-5CNT"}, np.linspace(10e-6, 150e-6, 11), [0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
                                proto, progress=progress)
    # 66 points, then the map's time-step check re-runs 8 of them: one count over both, so the bar does not sit at 100 %
    # while the check runs
    total = 66 + maps.RESOLUTION_AUDIT_POINTS
    assert seen[-1][:2] == (total, total) and all(t == total for _, t, _ in seen)
    points = [(k, actual) for k, _, actual in seen if k <= 66][:10]
    assert all(k <= actual for k, actual in points), seen  # 66 points in 10 chunks: 6 of 7 points, 4 of 6
    assert [k for k, _, _ in seen] == sorted(k for k, _, _ in seen)
    assert [k for k, _, _ in seen][10:] == list(range(67, total + 1)) + [total]  # one step per re-run, then the end


def test_the_map_check_runs_on_the_maps_executor_and_counts_in_its_progress(maps, monkeypatch):
    # the check's re-runs go through lisse.parallel.results with the map's jobs (they used to run one by one in the main
    # process after the map, whatever --jobs said); with fewer judged points than the check's share, the bar still ends
    import lisse.parallel as par

    calls = []
    real = par.results

    def spy(fn, items, **kw):
        calls.append((fn.__name__, len(items), kw["jobs"]))
        return real(fn, items, **{**kw, "jobs": 1})  # the fake simulator lives in this process

    monkeypatch.setattr(par, "results", spy)
    proto = fake.staircase("fixed-capacity", start=1.0, increment=1.0, step_capacity=7200.0, max_current=30.0)
    seen = []
    m = maps.map_conductivities({"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}, [1e-2, 1e-1], [1e-4, 1.0],
                                proto, jobs=3, progress=lambda k, t: seen.append((k, t)))
    assert calls == [("_points", 4, 3), ("_audit_point", 2, 2)]  # 4 chunks of one point; 2 of the 4 judged: 2 re-runs
    assert m["resolution_audit"]["points"] == m["resolution_audit"]["agree"] == 2
    assert seen[-1] == (8, 8) and [k for k, _ in seen] == sorted(k for k, _ in seen)


def test_map_size_limits_and_bad_axes(maps):
    proto = fake.staircase("fixed-capacity", step_capacity=7200.0)
    base = {"interlayer": "LNI-5CNT"}
    with pytest.raises(ParameterError, match="limit is 200 per axis"):
        maps.map_conductivities(base, np.geomspace(1e-3, 1, 201), [1.0], proto)
    with pytest.raises(ParameterError, match="limit is 2500"):
        maps.map_conductivities(base, np.geomspace(1e-3, 1, 60), np.geomspace(1e-3, 1, 60), proto)
    with pytest.raises(ParameterError, match="porosity"):
        maps.map_thickness_porosity(base, [1e-5], [0.5, 1.2], proto)
    with pytest.raises(ParameterError, match="none"):
        maps.map_conductivities({"interlayer": None}, [1.0], [1.0], proto)


def test_design_brackets_the_analytic_thickness(maps):
    # target 8 A/m2 holds when 10 A/m2 x t / 50 um >= 8, i.e. t >= 40 um (sigma_ion, pressure at 1)
    d = maps.design_interlayer("LNI-5CNT", "0.8 mA/cm2", "0.8 mAh/cm2", thickness_min="1 um", thickness_max="200 um", rtol=0.01)
    assert d.holds
    assert 40e-6 <= d.thickness <= 40e-6 * 1.01
    assert all(e["holds"] == (e["thickness"] >= 40e-6) for e in d.evaluated)
    below = max(e["thickness"] for e in d.evaluated if not e["holds"])  # the bracket: a failing thickness within 1 %
    assert d.thickness / below - 1 <= 0.01 and d.resolution <= 0.01
    assert d.as_dict()["thickness_um"] == pytest.approx(d.thickness * 1e6, rel=1e-12)
    assert d.calibrated_parameters == ["i0"]
    # the answer's bracket re-run at twice the points (the fake: the same verdicts at any resolution)
    chk = d.as_dict()["time_step_check"]
    assert chk["points_per_half_cycle"] == 40 and chk["holds"] is True and chk["fails_below"] is True and chk["agrees"] is True
    assert chk["thickness_um"] == pytest.approx(d.thickness * 1e6, rel=1e-12)
    assert chk["thickness_below_um"] == pytest.approx(below * 1e6, rel=1e-12)


def test_design_says_when_its_answer_fails_at_the_finer_time_step(maps, monkeypatch, capsys):
    # a resolution-dependent simulator: at 40 points per half cycle the threshold is 10 % higher, so the answer found at
    # 20 points (the thinnest within 1 % of 40 um) fails there; and one where it is 10 % lower (the answer errs safe)
    import lisse.sim.interface as iface

    real = fake.predict_ccd
    for factor, holds in ((1.1, False), (0.9, True)):
        def moving(model, protocol, progress=None, points_per_half_cycle=20, factor=factor):
            if points_per_half_cycle == 40:
                model = fake.build_model(**{**model.kw, "interlayer_thickness": model.kw["interlayer_thickness"] / factor})
            return real(model, protocol, progress, points_per_half_cycle)

        monkeypatch.setattr(iface, "predict_ccd", moving)
        d = maps.design_interlayer("LNI-5CNT", "0.8 mA/cm2", "0.8 mAh/cm2", thickness_min="1 um", thickness_max="200 um",
                                   rtol=0.01)
        chk = d.as_dict()["time_step_check"]
        assert 40e-6 <= d.thickness <= 40.4e-6 and chk["holds"] is holds and chk["agrees"] is holds
        assert (chk["failure_mode"] is None) is holds  # the finer run's failure mode where the answer fails there
        assert chk["fails_below"] is (not holds)  # 10 % higher: the failing side fails too; 10 % lower: it holds too
        # the CLI warns only where the answer itself fails at the finer step
        import json

        from lisse.cli.main import main

        code = main(["simulate", "design", "--interlayer", "LNI-5CNT", "--target-current", "0.8 mA/cm2",
                     "--target-capacity", "0.8 mAh/cm2", "--json"])
        out = json.loads(capsys.readouterr().out)
        assert code in (0, None) and out["time_step_check"]["agrees"] is holds
        assert any("not a safe thickness" in w for w in out.get("warnings", [])) is (not holds)
        if not holds:
            assert f"fails ({out['time_step_check']['failure_mode']}) where the search found it to hold" in out["warnings"][0]


def test_the_design_check_never_costs_the_design_its_answer(maps, monkeypatch, capsys):
    import json

    import lisse.sim.interface as iface
    from lisse.cli.main import main
    from lisse.errors import ParameterError

    real = fake.predict_ccd

    def finer(model, protocol, progress=None, points_per_half_cycle=20):
        if points_per_half_cycle == 40:
            raise ParameterError("finer step refused on purpose")
        return real(model, protocol, progress, points_per_half_cycle)

    monkeypatch.setattr(iface, "predict_ccd", finer)
    d = maps.design_interlayer("LNI-5CNT", "0.8 mA/cm2", "0.8 mAh/cm2", thickness_min="1 um", thickness_max="200 um", rtol=0.01)
    assert d.holds and 40e-6 <= d.thickness <= 40.4e-6
    assert d.as_dict()["time_step_check"] == {"error": "finer step refused on purpose"}
    code = main(["simulate", "design", "--interlayer", "LNI-5CNT", "--target-current", "0.8 mA/cm2",
                 "--target-capacity", "0.8 mAh/cm2", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code in (0, None) and out["holds"] and "could not run: finer step refused on purpose" in out["warnings"][0]


def test_design_says_when_no_thickness_holds(maps):
    d = maps.design_interlayer("LNI-5CNT", "10 mA/cm2", "1 mAh/cm2", thickness_max="100 um")  # needs 500 um
    assert not d.holds and d.thickness is None
    assert "no thickness up to the bound 100 um" in d.note
    assert d.as_dict()["thickness_um"] is None and d.as_dict()["time_step_check"] is None
    assert d.as_dict()["resolution"] is None and d.as_dict()["thickness_is_upper_bound"] is False  # nothing bracketed
    # audit s49: the thinnest candidate holds: an upper bound, no bracket (its resolution read 0.0, "exact")
    thin = maps.design_interlayer("LNI-5CNT", "0.1 mA/cm2", "0.1 mAh/cm2", thickness_min="20 um", thickness_max="100 um").as_dict()
    assert thin["holds"] and thin["thickness_um"] == pytest.approx(20.0, rel=1e-12)
    assert thin["thickness_is_upper_bound"] is True and thin["resolution"] is None and thin["resolution_relative"] is None


def test_design_refuses_bad_bounds(maps):
    with pytest.raises(ParameterError, match="thickness_min < thickness_max"):
        maps.design_interlayer("LNI-5CNT", 10.0, 7200.0, thickness_min="50 um", thickness_max="10 um")
    with pytest.raises(ParameterError, match="cycles"):
        maps.design_interlayer("LNI-5CNT", 10.0, 7200.0, cycles=0)


@pytest.mark.slow  # about 1 s of CPU, over 2 s on a loaded machine
def test_pressure_map_on_the_simulator_rises_with_stack_pressure():
    """Kasemchainan et al., Nat. Mater. 18, 1105 (2019), Fig. 2: the critical stripping current rises with stack
    pressure (creep refills the voids faster). The map of the real simulator must keep that order (the plumbing
    must not scramble its points) and one decade of pressure must change the CCD."""
    from lisse.sim.interface import maps, staircase

    proto = staircase("fixed-capacity", start=1.0, increment=1.0, step_capacity=0.2 * 3.6e4, max_current=25.0)
    m = maps.map_pressure({"interlayer": None, "electrolyte": "LLZTO", "surface": "LLZTO-air"}, ["0.1 MPa", "1 MPa", "5 MPa"], proto)
    ccd = np.nan_to_num(m["ccd"], nan=0.0)
    assert np.all(np.diff(ccd) >= 0) and ccd[-1] > ccd[0]
    assert m["x"][1] == pytest.approx(1e6, rel=1e-12)


def test_design_candidate_that_shorts_in_cycling_does_not_hold():
    """Constant-current cycling is one step: the CCD detector has no earlier step to compare with, so a short in the
    first half cycle must still make the candidate fail. Independent reference: Porz et al., Adv. Energy Mater. 7,
    1701003 (2017): a flaw opens when the Li pressure F|eta|/V_m (Butler-Volmer, lisse.electrochem, at the bare-Li
    exchange current) reaches K_Ic/(1.12 sqrt(pi a)); worked out here by hand on either side of the threshold."""
    from lisse.constants import FARADAY
    from lisse.electrochem import butler_volmer_overpotential
    from lisse.sim.interface import build_model, cycling_protocol, maps
    from lisse.thermo.nucleation import li_molar_volume

    # a 0.3 um flaw (opens at ~0.8 mA/cm2 at full contact); fast self-diffusion keeps the contact full (the hand premise)
    kw: dict[str, Any] = {"interlayer": None, "electrolyte": "LPSC", "pressure": 6e6, "flaw_size": 0.3e-6, "self_diffusivity": 1e-11}
    v = build_model(**kw).values
    p_flaw = v["fracture_toughness"] / (1.12 * math.sqrt(math.pi * v["flaw_size"]))
    for j, shorts in ((5.0, False), (20.0, True)):  # A/m2: 0.5 and 2 mA/cm2
        eta = abs(float(butler_volmer_overpotential(-j, v["exchange_current"], 1 - v["alpha"], v["alpha"], v["temperature"])))
        assert (FARADAY * eta / li_molar_volume() >= p_flaw) is shorts  # the hand criterion brackets the threshold
        ok, mode, _, _contact = maps._holds(kw, cycling_protocol(current=j, step_time=1800.0, cycles=2))
        assert ok is (not shorts), (j, mode)
        if shorts:
            assert mode is not None and "short" in mode


def test_a_map_rechecks_points_spread_over_it_at_twice_the_time_resolution(maps, monkeypatch):
    # the fake reads the same step at any resolution: every audited point agrees; not-judged points are never picked;
    # the picks spread from the first judged point to the last
    proto = fake.staircase("fixed-capacity", start=1.0, increment=1.0, step_capacity=7200.0, max_current=30.0)
    base = {"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}
    seen = []
    real = fake.predict_ccd

    def spy(model, protocol, progress=None, points_per_half_cycle=20):
        seen.append(points_per_half_cycle)
        return real(model, protocol, progress, points_per_half_cycle)

    import lisse.sim.interface as iface

    m = maps.map_conductivities(base, [1e-3, 1e-2, 1e-1], [1e-4, 0.25, 1.0, 4.0, 100.0], proto)
    monkeypatch.setattr(iface, "predict_ccd", spy)
    audit = maps._resolution_audit(base, proto, [{"interlayer_sigma_e": x, "interlayer_sigma_ion": y}
                                                 for y in (1e-4, 0.25, 1.0, 4.0, 100.0) for x in (1e-3, 1e-2, 1e-1)],
                                   [{"ccd": c, "failing": f, "mode": str(md) if md is not None else None, "points": 20}
                                    for c, f, md in zip(m["ccd"].ravel(), m["failing_current_density"].ravel(),
                                                        m["failure_mode"].ravel())])
    assert seen == [40] * maps.RESOLUTION_AUDIT_POINTS and audit["points"] == maps.RESOLUTION_AUDIT_POINTS
    idx = [r["index"] for r in audit["rows"]]
    assert len(set(idx)) == len(idx) == 8 and all(i >= 3 for i in idx)  # the first row (sigma_ion 1e-4) is not judged
    assert len({i % 3 for i in idx}) == 3  # every column of the map is drawn from
    assert m["resolution_audit"]["agree"] == m["resolution_audit"]["points"] == maps.RESOLUTION_AUDIT_POINTS
    rows = maps.resolution_audit_rows(m)
    table = maps.map_table(m)
    for r in rows:  # each audit row names its point of the map's table, and carries that point's reading
        k = r["index"]
        assert r["sigma_e_S_cm"] == pytest.approx(table["sigma_e_S_cm"][k], rel=1e-12)
        assert r["sigma_ion_S_cm"] == pytest.approx(table["sigma_ion_S_cm"][k], rel=1e-12)
        assert r["ccd_mA_cm2"] == pytest.approx(table["ccd_mA_cm2"][k], rel=1e-9, nan_ok=True) or r["ccd_mA_cm2"] is None
    assert all(r["agrees"] and r["ccd_at_twice_the_points_mA_cm2"] == r["ccd_mA_cm2"] for r in rows)


def test_the_map_check_never_costs_the_map_and_reads_a_foil_run_out_as_another_verdict(maps, monkeypatch, capsys):
    import lisse.sim.interface as iface
    from lisse.errors import ParameterError

    proto = fake.staircase("fixed-capacity", start=1.0, increment=1.0, step_capacity=7200.0, max_current=30.0)
    base = {"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}
    real = fake.predict_ccd
    for how in ("raise", "foil"):
        def finer(model, protocol, progress=None, points_per_half_cycle=20, how=how):
            p = real(model, protocol, progress, points_per_half_cycle)
            if points_per_half_cycle == 40 and how == "raise":
                raise ParameterError("finer step refused on purpose")
            if points_per_half_cycle == 40:  # the same failing step, read as the Li foil running out
                p.failure_mode = "li_depleted"
            return p

        monkeypatch.setattr(iface, "predict_ccd", finer)
        m = maps.map_conductivities(base, [1e-2, 1e-1], [0.25, 1.0], proto)
        assert m["ccd"].shape == (2, 2) and np.isfinite(m["ccd"]).all()  # the map keeps its result
        a = m["resolution_audit"]
        assert a["points"] == 4 and a["agree"] == 0
        if how == "raise":
            assert all(r["agrees"] is None and "finer step refused on purpose" in r["note"] for r in a["rows"])
        else:
            assert all(r["agrees"] is False for r in a["rows"])
        import json

        from lisse.cli.main import main

        main(["simulate", "map", "--kind", "conductivity", "--interlayer", "LNI-5CNT", "--points", "2", "--json"])
        (w,) = json.loads(capsys.readouterr().out)["warnings"]
        text = "could not be judged there" if how == "raise" else "read another failing step"
        assert " map points re-run at twice the time resolution " + text in w


def test_a_map_point_whose_verdict_moves_with_the_time_step_is_flagged():
    # the real simulator, second method: the single predict_ccd of the point at twice its points. Wang2024's LNI-0.5CNT
    # layer (0.02 mA/cm2 x 1 h steps to 1 mA/cm2): at 1 MPa failing 0.52 mA/cm2 at 20 points, 0.46 at 40 (resolution_check)
    from lisse.sim.interface import build_model, predict_ccd, staircase
    from lisse.sim.interface import maps as real_maps

    proto = staircase("fixed-time", start="0.02 mA/cm2", increment="0.02 mA/cm2", step_time="1 h", max_current="1 mA/cm2")
    base = {"interlayer": "LNI-0.5CNT", "interlayer_thickness": 90e-6, "electrolyte": "LNI"}
    m = real_maps.map_pressure(base, [1e6], proto)
    (row,) = m["resolution_audit"]["rows"]
    fine = predict_ccd(build_model(**base, pressure=1e6), proto, points_per_half_cycle=row["points_per_half_cycle"])
    assert row["points_per_half_cycle"] == 40 and row["failing_current_density_fine"] == fine.failing_current_density_A_m2
    assert row["failing_current_density"] == pytest.approx(5.2, rel=1e-9) and row["agrees"] is False
    assert row["failing_current_density_fine"] == pytest.approx(4.6, rel=1e-9)
    assert m["resolution_audit"]["agree"] == 0


def test_design_warns_when_its_answer_holds_by_the_voltage_after_losing_its_contact():
    """review s40 item 2: the README's design example answered 1 um without a word, where simulate ccd of the same
    interface warns that the contact fell to 0.013 (real simulator, about a second)."""
    from lisse.sim.interface.maps import design_interlayer
    from lisse.sim.interface.predict import STABLE_CONTACT_WARNING

    d = design_interlayer("LNI-5CNT", "4 mA/cm2", "4 mAh/cm2", thickness_max="5 um", points=2)
    out = d.as_dict()
    answer = next(e for e in out["evaluated"] if e["thickness_um"] == out["thickness_um"])
    assert out["holds"] and answer["contact_fraction_min"] < STABLE_CONTACT_WARNING
    assert len(out["warnings"]) == 1 and f"fell to {answer['contact_fraction_min']:.2g}" in out["warnings"][0]
    # a candidate whose contact holds gets no such warning (the same layer at a tenth of the current and capacity)
    d = design_interlayer("LNI-5CNT", "0.4 mA/cm2", "0.4 mAh/cm2", thickness_max="5 um", points=2)
    ok = next(e for e in d.as_dict()["evaluated"] if e["thickness_um"] == d.as_dict()["thickness_um"])
    assert 0.5 < ok["contact_fraction_min"] < 0.8 and d.as_dict()["warnings"] == []  # 0.66 measured 2026-12-02


def test_map_points_carry_the_contact_caveats_of_their_single_prediction(tmp_path, capsys):
    """review s40 item 2: map points were never checked for a lost contact; each now carries the contact readings of
    its own predict_ccd, and the CLI warns for the points read after the contact went (real simulator, ~2 s)."""
    import json

    import pandas as pd

    from lisse.cli.main import main
    from lisse.sim.interface import build_model, predict_ccd, staircase
    from lisse.sim.interface.maps import map_pressure, map_table

    base = {"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}
    proto = staircase("fixed-time", start=5.0, increment=5.0, step_time=3600.0, max_current=100.0)
    m = map_pressure(base, [0.5e6, 2e6], proto)
    table = map_table(m)
    for k, p in enumerate((0.5e6, 2e6)):
        single = predict_ccd(build_model(**base, pressure=p), proto)
        assert table["contact_fraction_min_first_step"][k] == single.first_step_contact
        assert table["contact_fraction_min_stable_steps"][k] == single.stable_steps_contact[0]
    assert table["contact_fraction_min_stable_steps"][1] < 0.1 < table["contact_fraction_min_stable_steps"][0]
    assert set(table["calibrated_parameters"]) == {"surface_energy;void_depth_ratio"}
    code = main(["simulate", "map", "--kind", "pressure", "--interlayer", "LNI-5CNT", "--interlayer-thickness", "90 um",
                 "--step-time", "1h", "--pressure-range", "0.5", "2", "--points", "2", "--json", "--out", str(tmp_path / "m")])
    assert code in (0, None)
    out = json.loads(capsys.readouterr().out)
    assert out["points_contact_lost_before_verdict"] == 1 and any(w.startswith("1 of 2 map points") for w in out["warnings"])
    written = pd.read_csv(tmp_path / "m" / "ccd_map_pressure.csv")
    assert written["contact_fraction_min_stable_steps"].tolist() == pytest.approx(table["contact_fraction_min_stable_steps"], rel=1e-12)
    assert written["calibrated_parameters"].tolist() == ["surface_energy;void_depth_ratio"] * 2
    audit = pd.read_csv(tmp_path / "m" / "ccd_map_pressure_time_step_check.csv")  # the check beside it says the same
    assert len(audit) == out["resolution_audit_points"] >= 1
    assert audit["calibrated_parameters"].tolist() == ["surface_energy;void_depth_ratio"] * len(audit)


def test_map_and_simulation_figures_name_their_calibrated_parameters_and_first_step_failures():
    """review s40 items 7, 12: the figures did not say what was calibrated, and a pressure map whose points all failed
    at their first step was an empty plot."""
    import matplotlib

    matplotlib.use("Agg")
    from lisse.plot.interface import ccd_map_figure

    m = {"x_name": "pressure", "x": np.array([1e5, 1e6, 1e7]), "ccd": np.array([np.nan, np.nan, 10.0]),
         "failing_current_density": np.array([5.0, 5.0, 15.0]), "search_limit_reached": np.array([False, False, False]),
         "calibrated_parameters": ["void_depth_ratio"]}
    fig = ccd_map_figure(m)
    assert [t.get_text() for t in fig.texts] == ["calibrated (fitted to one observation): void_depth_ratio"]
    ax = fig.axes[0]
    first = [ln for ln in ax.get_lines() if ln.get_label() == "< (the first step failed)"]
    assert len(first) == 1 and list(first[0].get_xdata()) == pytest.approx([0.1, 1.0], rel=1e-12)
    assert list(first[0].get_ydata()) == pytest.approx([0.5, 0.5], rel=1e-12)
    assert not ccd_map_figure({**m, "calibrated_parameters": []}).texts  # nothing calibrated, nothing written


def test_a_foil_run_out_first_is_a_lower_bound_on_the_map(maps, monkeypatch, capsys):
    """audit s49: a point whose first failure is the Li foil running out (the cell's limit, not the interface's) has a CCD
    that is only a lower bound, as a single prediction says; the map, its table and its text say so too."""
    import json

    import lisse.sim.interface as iface
    from lisse.cli.main import main

    proto = fake.staircase("fixed-capacity", start=1.0, increment=1.0, step_capacity=7200.0, max_current=30.0)
    base = {"interlayer": "LNI-5CNT", "interlayer_thickness": 90e-6}
    real = fake.predict_ccd

    def foil(model, protocol, progress=None, points_per_half_cycle=20):
        p = real(model, protocol, progress, points_per_half_cycle)
        if p.failing_current_density_A_m2 is not None:
            p.failure_mode = "li_depleted"
        return p

    monkeypatch.setattr(iface, "predict_ccd", foil)
    m = maps.map_conductivities(base, [1e-2, 1e-1], [0.25, 1.0, 100.0], proto)
    ccd, limit = m["ccd"], m["search_limit_reached"]
    # every finite CCD is a bound: at the search limit (sigma_ion 100) or with the foil run out (the others)
    np.testing.assert_array_equal(m["ccd_is_lower_bound"], np.isfinite(ccd))
    assert limit[2].all() and not limit[:2].any()
    t = maps.map_table(m)
    assert t["ccd_is_lower_bound"] == [bool(v) for v in np.isfinite(ccd).ravel()]
    main(["simulate", "map", "--kind", "conductivity", "--interlayer", "LNI-5CNT", "--points", "2", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert out["points_ccd_lower_bound"] == sum(out["table"]["ccd_is_lower_bound"]) > out["points_at_search_limit"]
    assert out["ccd_min_is_lower_bound"] is True  # every finite point is a bound here, the smallest too
    main(["simulate", "map", "--kind", "conductivity", "--interlayer", "LNI-5CNT", "--points", "2"])
    assert "Li foil ran out" in capsys.readouterr().out
