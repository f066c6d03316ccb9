"""The bookkeeping of benchmarks/dft_level_cost.py on the committed Ji-cell caches (no DFT runs here)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("dft_level_cost", ROOT / "benchmarks" / "dft_level_cost.py")
assert _spec is not None and _spec.loader is not None
level_cost = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(level_cost)

LI2CO3 = ROOT / "benchmarks" / "records" / "dft-cache" / "ji-li2co3-lcao"


@pytest.fixture(scope="module")
def li2co3():
    entries = level_cost.stored_entries(str(LI2CO3))
    jobs = level_cost.stored_jobs(entries)
    sizes = {k: len(a) for k, a in level_cost.geometries(jobs).items()}
    return entries, jobs, sizes


def test_geometries_are_the_three_wad_structures(li2co3):
    _, _, sizes = li2co3
    assert sizes == {"film": 27, "substrate": 48, "interface": 75}  # Li(001) 3x3 x 3 planes; Li2CO3 2x2 x 6 planes


def test_one_entry_per_job_the_furthest(li2co3):
    entries, jobs, _ = li2co3
    names = [j["job"] for j in jobs]
    assert len(names) == len(set(names))
    sub = [e for e in entries if e["job"] == "substrate"]
    assert len(sub) == 2  # the 40-step run at its cap and its continuation
    kept = next(j for j in jobs if j["job"] == "substrate")
    assert kept["n_steps"] == max(e["n_steps"] for e in sub) == 88


def test_modes_of_a_relax_mode_lcao_run(li2co3):
    _, jobs, _ = li2co3
    mode = {j["job"]: level_cost.job_mode_is_lcao(j) for j in jobs}
    assert mode["interface_start0"] and mode["substrate"] and mode["scan_s0_g2.00"]
    assert not mode["interface_start0_energy"] and not mode["common_cell_film"] and not mode["vac_iface"]


def test_time_per_point_from_runs_in_one_piece(li2co3):
    entries, _, sizes = li2co3
    per = level_cost.stored_time_per_point(entries, sizes)
    # the capped 40-step substrate relaxation (2950 s over 41 points) is the only one-piece LCAO substrate run
    sub = next(e for e in entries if e["job"] == "substrate" and not e.get("continued_from"))
    assert per["substrate/lcao"] == pytest.approx(sub["wall_s"] / (sub["n_steps"] + 1), rel=1e-12)
    # the interface's plane-wave energy in its own cell, not the vacuum check's taller one
    energy = next(e for e in entries if e["job"] == "interface_start0_energy")
    assert per["interface/pw"] == pytest.approx(energy["wall_s"], rel=1e-12)


def test_estimate_scales_with_the_ratios(li2co3):
    entries, jobs, sizes = li2co3
    per = level_cost.stored_time_per_point(entries, sizes)
    ones = {f"{k}/{m}": 1.0 for k in ("film", "substrate") for m in ("lcao", "pw")}
    est = level_cost.estimate(jobs, sizes, per, ones)
    assert est["publication_h"] == pytest.approx(est["screening_h"], rel=1e-12)
    assert est["ratio_assumed_from_substrate"] == ["interface/lcao", "interface/pw"]
    # the interface dominates: a ratio on the substrate alone (which the interface then takes) moves the total most
    sub_only = dict(ones, **{"substrate/lcao": 3.0, "substrate/pw": 3.0})
    film_only = dict(ones, **{"film/lcao": 3.0, "film/pw": 3.0})
    e_sub = level_cost.estimate(jobs, sizes, per, sub_only)["publication_over_screening"]
    e_film = level_cost.estimate(jobs, sizes, per, film_only)["publication_over_screening"]
    assert 1.0 < e_film < e_sub < 3.0
    # the screening total is the sum over jobs of (steps + 1) points at the stored time per point
    n_iface_points = sum(int(j.get("n_steps") or 0) + 1 for j in jobs if level_cost.is_wad_job(j)
                         and level_cost.kind_of(j, sizes) == "interface" and level_cost.job_mode_is_lcao(j))
    assert n_iface_points >= 121 + 2  # the relaxation (120 steps stored, going on) and the two scan points
    assert est["screening_h"] * 3600 > n_iface_points * per["interface/lcao"]
