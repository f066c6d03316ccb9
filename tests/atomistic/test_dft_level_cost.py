"""The bookkeeping of benchmarks/dft_level_cost.py, on synthetic entries and the committed Ji-cell cache (no DFT here)."""

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
FILM, SUB, IFACE = [3] * 2, [3, 9], [3] * 3 + [3, 9]  # Li2 / LiF / Li3+LiF: three compositions
KINDS = {level_cost.composition({"numbers": n}): k for n, k in ((FILM, "film"), (SUB, "substrate"), (IFACE, "interface"))}


def entry(job, numbers, wall_s, task="single", purpose=None, steps=0, positions=0.0, **extra):
    t = {"task": task, **({"purpose": purpose} if purpose else {})}
    return {"job": job, "atoms": {"numbers": numbers, "positions": [[positions, 0.0, 0.0]] * len(numbers)}, "wall_s": wall_s,
            "n_steps": steps, "input": {"task": t}, **extra}


def test_estimate_on_known_hours():
    entries = [
        entry("substrate", SUB, 3600.0 + 1800.0, task="relax", steps=10),  # includes its energy below: 1 h of LCAO
        entry("substrate_energy", SUB, 1800.0, purpose="energy"),  # 0.5 h plane waves
        entry("scan_s0_g2.00", IFACE, 1800.0, purpose="scan"),  # 0.5 h LCAO, interface
        entry("interface_start0_energy", IFACE, 3600.0, purpose="energy"),  # 1 h plane waves, interface
        entry("common_cell_film", FILM, 900.0),  # 0.25 h plane waves (a single point without purpose: energy)
        entry("bulk_LiF", [3, 9], 7200.0, task="relax_cell", steps=5),  # shared by every W_ad: left out
        entry("slab_Li_100_t0_n5", [3] * 5, 7200.0, task="relax", steps=2),  # sigma_Li: left out
    ]
    ratios = {"film/pw": 2.0, "substrate/lcao": 3.0, "substrate/pw": 4.0}
    est = level_cost.estimate(entries, KINDS, ratios)
    assert est["screening_h"] == pytest.approx(1.0 + 0.5 + 0.5 + 1.0 + 0.25, rel=1e-12)
    # the interface takes the substrate's ratios (3 in LCAO, 4 in plane waves)
    assert est["publication_h"] == pytest.approx(1.0 * 3 + 0.5 * 4 + 0.5 * 3 + 1.0 * 4 + 0.25 * 2, rel=1e-12)
    assert est["ratio_assumed_from_substrate"] == ["interface/lcao", "interface/pw"]
    assert est["lower_bound_because"] == []
    with_iface = level_cost.estimate(entries, KINDS, dict(ratios, **{"interface/lcao": 1.0, "interface/pw": 1.0}))
    assert with_iface["publication_h"] == pytest.approx(3.0 + 2.0 + 0.5 + 1.0 + 0.5, rel=1e-12)
    assert with_iface["ratio_assumed_from_substrate"] == []


def test_relaxation_keeps_its_time_when_its_energy_is_elsewhere():
    relax = entry("film_strained", FILM, 1000.0, task="relax", steps=3, positions=1.0)
    other = entry("film_strained_energy", FILM, 400.0, purpose="energy", positions=2.0)  # another geometry's energy
    assert level_cost.own_time_s(relax, [relax, other]) == 1000.0
    same = entry("film_strained_energy", FILM, 400.0, purpose="energy", positions=1.0 + 2e-15)  # float noise
    assert level_cost.own_time_s(relax, [relax, same]) == 600.0
    assert level_cost.own_time_s(same, [relax, same]) == 400.0


def test_flags_and_errors():
    ok = {"film/pw": 1.0, "substrate/lcao": 1.0, "substrate/pw": 1.0}
    resumed = entry("interface_start0", IFACE, 100.0, task="relax", steps=20, resumed_from_step=15, converged=False)
    est = level_cost.estimate([resumed], KINDS, ok)
    assert est["lower_bound_because"] == ["interface_start0: resumed from its checkpoint at step 15",
                                          "interface_start0: stopped unconverged after 20 steps"]
    capped = entry("interface_start0", IFACE, 100.0, task="relax", steps=15, converged=False, _key="abc")
    continued = entry("interface_start0", IFACE, 100.0, task="relax", steps=20, resumed_from_step=15, continued_from="abc")
    assert level_cost.estimate([capped, continued], KINDS, ok)["lower_bound_because"] == []  # its start is stored
    assert level_cost.estimate([capped, continued], KINDS, ok)["screening_h"] == pytest.approx(200.0 / 3600, rel=1e-12)
    # continued from the capped run, then interrupted and resumed from its checkpoint at 18: steps 15-18 are timed nowhere
    interrupted = dict(continued, resumed_from_step=18)
    assert level_cost.estimate([capped, interrupted], KINDS, ok)["lower_bound_because"] == [
        "interface_start0: resumed from its checkpoint at step 18"]
    assert level_cost.estimate([continued], KINDS, ok)["lower_bound_because"] == [  # the run it continued is not stored
        "interface_start0: resumed from its checkpoint at step 15"]
    with pytest.raises(KeyError, match="substrate/lcao"):  # a film or substrate ratio not measured: no estimate
        level_cost.estimate([entry("substrate", SUB, 10.0, task="relax", steps=1)], KINDS, {"film/pw": 1.0})
    with pytest.raises(ValueError, match="'odd'"):
        level_cost.estimate([entry("odd", [3, 8], 10.0)], KINDS, ok)


def test_cost_ratios_are_publication_over_screening_cpu():
    measured = {"film/pw/screening": {"cpu_s": 10.0, "wall_s": 99.0}, "film/pw/publication": {"cpu_s": 25.0, "wall_s": 30.0},
                "substrate/lcao/screening": {"cpu_s": 5.0, "wall_s": 5.0}}
    assert level_cost.cost_ratios(measured) == {"film/pw": 2.5}


def test_level_calculators():
    scr, pub = level_cost.level_calculator("screening", 450.0), level_cost.level_calculator("publication", 450.0)
    assert scr.settings["ecut_eV"] == 450.0 and pub.settings["ecut_eV"] == 500.0  # the run's cut-off at screening only
    assert scr.settings["kspacing_inv_A"] == 0.25 and pub.settings["kspacing_inv_A"] == 0.18
    assert scr.settings["h_A"] == 0.2 and pub.settings["h_A"] == 0.16
    assert all(c.settings["relax_mode"] == "lcao" and c.settings["energy_mode"] == "pw" for c in (scr, pub))
    assert "scf_density" in pub.settings and "scf_density" not in scr.settings


def test_ji_li2co3_cache():
    entries = level_cost.stored_entries(str(LI2CO3))
    geo = level_cost.final_geometries(entries)
    assert {k: len(a) for k, a in geo.items()} == {"film": 27, "substrate": 48, "interface": 75}
    assert level_cost.screening_settings(entries)["ecut_eV"] == 450.0  # the run's --cutoff 450
    kinds = level_cost.kinds_of(geo)
    wad = [e for e in entries if level_cost.is_wad_job(e)]
    assert {level_cost.kind_of(e, kinds) for e in wad} == {"film", "substrate", "interface"}
    mode = {e["job"]: level_cost.job_mode_is_lcao(e) for e in wad}
    assert mode["interface_start0"] and mode["substrate"] and mode["scan_s0_g2.00"]
    assert not mode["interface_start0_energy"] and not mode["common_cell_film"] and not mode["vac_iface"]
    ones = {f"{k}/{m}": 1.0 for k in ("film", "substrate") for m in ("lcao", "pw")}
    est = level_cost.estimate(entries, kinds, ones)
    assert est["publication_h"] == pytest.approx(est["screening_h"], rel=1e-12)
    assert any(s.startswith("interface_start0: resumed") for s in est["lower_bound_because"])


def test_screening_settings_refuses_another_run(capsys):
    base = {"level": "screening", "relax_mode": "lcao", "ecut_eV": 450.0, "kspacing_inv_A": 0.25, "h_A": 0.2,
            "smearing_eV": 0.1, "basis": "dzp"}

    def run(**change):
        e = entry("interface_start0_energy", IFACE, 1.0, purpose="energy", calculator={"settings": dict(base, **change)})
        return level_cost.screening_settings([e])

    assert run()["ecut_eV"] == 450.0
    for change in ({"level": "publication"}, {"relax_mode": "pw"}, {"kspacing_inv_A": 0.2}, {"h_A": 0.18}):
        with pytest.raises(SystemExit) as err:
            run(**change)
        assert err.value.code == 2 and "not a screening" in capsys.readouterr().err


def test_corrupt_cache_entry_is_one_line(tmp_path, capsys):
    (tmp_path / "abc.json").write_text("{not json")
    with pytest.raises(SystemExit) as err:
        level_cost.stored_entries(str(tmp_path))
    out = capsys.readouterr().err.strip()
    assert err.value.code == 2 and "abc.json" in out and "\n" not in out
