"""`lisse compare` (scripted use, --json): unit conversion and ranks against the bundled table read independently."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

TABLE = Path(__file__).resolve().parents[2] / "src" / "lisse" / "analysis" / "literature.toml"


def _strategies() -> list[dict]:
    return tomllib.loads(TABLE.read_text(encoding="utf-8"))["strategy"]


def _json(cli, *args: str):
    r = cli("compare", *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_compare_lists_the_table(cli):
    rows = _json(cli)
    assert len(rows) == len(_strategies())
    hf = next(s for s in rows if s["name"] == "HF")
    assert (hf["interfacial_resistance_ohm_cm2"], hf["ccd_mA_cm2"]) == (3, 2.7)  # [Chu2024] Table 1


def test_compare_ccd_and_resistance_with_units(cli):
    d = _json(cli, "--ccd", "1.2 mA/cm2", "--interfacial-resistance", "20 ohm*cm2")
    s = _strategies()
    ccds = [(x["ccd_mA_cm2"], x.get("ccd_lower_bound", False)) for x in s if "ccd_mA_cm2" in x]
    rs = [x["interfacial_resistance_ohm_cm2"] for x in s if "interfacial_resistance_ohm_cm2" in x]
    assert d["n_strategies"] == len(s)
    assert d["ccd_mA_cm2"] == pytest.approx(1.2, rel=1e-12)
    # decided: not a tie, and not a lower bound below the cell's CCD; beaten: a lower CCD that is no lower bound
    decided = [(c, lb) for c, lb in ccds if c != 1.2 and not (lb and c < 1.2)]
    assert any(c == 1.2 for c, _ in ccds)  # the table holds a tie: it is undecided
    assert d["ccd_percentile"] == pytest.approx(100 * sum(c < 1.2 for c, _ in decided) / len(decided), rel=1e-12)
    assert d["ccd_best_published_mA_cm2"] == max(c for c, _ in ccds)
    assert d["interfacial_resistance_ohm_cm2"] == pytest.approx(20.0, rel=1e-12)
    assert d["interfacial_resistance_percentile"] == pytest.approx(100 * sum(r > 20 for r in rs) / len(rs), rel=1e-12)
    assert d["interfacial_resistance_best_published_ohm_cm2"] == min(rs)
    # the same quantities in other units give the same answer (1.2 mA/cm2 = 12 A/m2, 20 ohm cm2 = 2e-3 ohm m2)
    d2 = _json(cli, "--ccd", "12 A/m2", "--interfacial-resistance", "2e-3 ohm*m2")
    for k in ("ccd_mA_cm2", "ccd_percentile", "interfacial_resistance_ohm_cm2", "interfacial_resistance_percentile"):
        assert d2[k] == pytest.approx(d[k], rel=1e-9), k


def test_compare_cycle_life_by_hand(cli):
    d = _json(cli, "--cycle-life", "0.2 mA/cm2", "1500 h", "--cycle-life", "1 mA/cm2", "30 d")
    rows = d["cycle_life"]
    assert [r["current_density_mA_cm2"] for r in rows] == pytest.approx([0.2, 1.0], rel=1e-12)
    assert [r["cycle_life_h"] for r in rows] == pytest.approx([1500.0, 720.0], rel=1e-12)
    for row, (i, h) in zip(rows, ((0.2, 1500.0), (1.0, 720.0))):
        # comparable: published current within a factor 2; beaten: at least as long at a higher current or longer at
        # the same or a higher one, and not a published lower bound; outlasted: the mirror; the rest undecided
        near = [(x["name"], ii, hh, x.get("cycle_life_lower_bound", False)) for x in _strategies()
                for ii, hh in x.get("cycle_life", []) if i / 2 <= ii <= 2 * i]
        assert row["n_compared"] == len(near)

        def txt(n, ii, hh, lb):
            return f"{n} ({'> ' if lb else ''}{hh:g} h at {ii:g} mA/cm2)"

        lose = [txt(*r) for r in near if (r[1] > i and r[2] >= h) or (r[1] >= i and r[2] > h)]
        win = [txt(*r) for r in near if ((i > r[1] and h >= r[2]) or (i >= r[1] and h > r[2])) and not r[3] and txt(*r) not in lose]
        assert sorted(row["outlasted_by"]) == sorted(lose)
        assert sorted(row["beats"]) == sorted(win)
        assert sorted(row["undecided"]) == sorted(txt(*r) for r in near if txt(*r) not in lose + win)
    assert any(b.startswith("HCl (700 h") for b in rows[0]["beats"])
    assert any(b.startswith("Al-Si (1500 h at 0.1") for b in rows[0]["beats"])  # as long, at twice the current
    assert [r["cycle_life_is_lower_bound"] for r in rows] == [False, False]
    # audit s49: a cell that had not failed (">=720 h") is never outlasted: those become undecided, its wins stay
    b = _json(cli, "--cycle-life", "1 mA/cm2", ">=30 d")["cycle_life"][0]
    assert b["cycle_life_is_lower_bound"] is True and b["cycle_life_h"] == pytest.approx(720.0, rel=1e-12)
    assert b["outlasted_by"] == [] and sorted(b["beats"]) == sorted(rows[1]["beats"])
    assert sorted(b["undecided"]) == sorted(rows[1]["undecided"] + rows[1]["outlasted_by"]) and rows[1]["outlasted_by"]


def test_compare_electrolyte_filter(cli):
    d = _json(cli, "--ccd", "2 mA/cm2", "--electrolyte", "LPSC")
    lpsc = [x for x in _strategies() if x["electrolyte"].upper() == "LPSC"]
    assert d["n_strategies"] == len(lpsc) >= 2
    ccds = [x["ccd_mA_cm2"] for x in lpsc if "ccd_mA_cm2" in x]
    assert d["ccd_percentile"] == pytest.approx(100 * sum(c < 2.0 for c in ccds) / len(ccds), rel=1e-12)


@pytest.mark.parametrize("args", [("--ccd", "1.2 mAh/cm2"), ("--ccd", "-1 mA/cm2"), ("--electrolyte", "PEO", "--ccd", "1 mA/cm2"),
                                  ("--cycle-life", "0.2 mA/cm2", "10 V")])
def test_compare_bad_input_exit_2(cli, args):
    r = cli("compare", *args)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr


def test_compare_lower_bounds_ties_and_the_lni_cells(cli):
    """A published lower bound is beaten by no value (Su2024's LACSS '> 400 h', Wang2024's '> 4.0 mA/cm2'); equal lives at
    equal currents are undecided; Wang2024's symmetric cells are on the LNI electrolyte, not LPSC (found by an independent
    audit)."""
    d = _json(cli, "--cycle-life", "1 mA/cm2", "500 h", "--electrolyte", "LPSC")
    row = d["cycle_life"][0]
    assert not any("LACSS" in b for b in row["beats"]) and "LACSS Li-Al-Cl stratified anode (> 400 h at 1 mA/cm2)" in row["undecided"]
    d = _json(cli, "--ccd", "5 mA/cm2", "--electrolyte", "LNI")
    assert d["n_strategies"] == 5 and all("LNI" in x or "Mg" in x for x in d["ccd_compared"])
    assert d["ccd_undecided"] == ["LNI-5% CNT interlayer, 90 um (> 4 mA/cm2 at 4 mAh/cm2 per step)"]
    # decided: 0.16, 0.62 beaten; 6.0 not; the '> 4' undecided -> 2 of 3
    assert d["ccd_percentile"] == pytest.approx(100 * 2 / 3, rel=1e-12)
    assert d["ccd_best_published_mA_cm2"] == 6.0 and d["ccd_best_published_step_capacity_mAh_cm2"] == 6.0
    d = _json(cli, "--ccd", "3 mA/cm2", "--electrolyte", "LNI")
    assert d["ccd_undecided"] == [] and d["ccd_percentile"] == pytest.approx(100 * 2 / 4, rel=1e-12)  # '> 4' beats 3
    assert not any(x["electrolyte"] == "LPSC" and x["source"] == "Wang2024" for x in _strategies())
    tie = _json(cli, "--cycle-life", "1 mA/cm2", "300 h")["cycle_life"][0]
    assert any(u.startswith("SnF2 (300 h at 1 mA/cm2)") for u in tie["undecided"])
    assert not any(u.startswith("SnF2") for u in tie["outlasted_by"] + tie["beats"])


def test_a_resistance_with_no_published_one_to_rank_against(cli):
    """review s48: an electrolyte family whose published strategies give no interfacial resistance (LPSC, LNI) crashed
    (ZeroDivisionError); now the rank and the best are null, the count 0, and the text says why."""
    s = _strategies()
    for fam in ("LPSC", "LNI"):
        members = [x for x in s if x.get("electrolyte", "").upper().startswith(fam)]
        assert members and not any("interfacial_resistance_ohm_cm2" in x for x in members), fam
        d = _json(cli, "--interfacial-resistance", "20 ohm*cm2", "--electrolyte", fam)
        assert d["interfacial_resistance_percentile"] is None and d["interfacial_resistance_best_published_ohm_cm2"] is None
        assert d["interfacial_resistance_compared"] == 0
        r = cli("compare", "--interfacial-resistance", "20 ohm*cm2", "--electrolyte", fam)
        assert r.returncode == 0 and "no published strategy of this electrolyte family gives an interfacial resistance" in r.stdout
    d = _json(cli, "--interfacial-resistance", "20 ohm*cm2")
    assert d["interfacial_resistance_compared"] == sum("interfacial_resistance_ohm_cm2" in x for x in s)
