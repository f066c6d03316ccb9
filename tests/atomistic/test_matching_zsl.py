"""Coherent matching against pymatgen's ZSL generator, and the listed, selectable terminations (issue 17, item 4).

Independent reference: pymatgen.analysis.interfaces.zsl.ZSLGenerator (Zur & McGill 1984 as implemented by
pymatgen) run on the same in-plane cells; the strain of each of its matches is recomputed here from its vectors.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")

from lisse.atomistic.interfaces import lattice_matches  # noqa: E402
from lisse.atomistic.slabs import make_slab, terminations  # noqa: E402
from lisse.atomistic.structures import bulk  # noqa: E402


def _principal_strain(film_vectors, substrate_vectors) -> float:
    f = np.linalg.solve(np.asarray(film_vectors)[:, :2], np.asarray(substrate_vectors)[:, :2])
    return float(np.max(np.abs(np.sqrt(np.linalg.eigvalsh(f @ f.T)) - 1.0)))


@pytest.mark.parametrize(("substrate", "miller", "max_strain"), [("LiF", (1, 0, 0), 0.03), ("Li2CO3", (0, 0, 1), 0.035)])
def test_coherent_matches_agree_with_pymatgen_zsl(substrate, miller, max_strain):
    from pymatgen.analysis.interfaces.zsl import ZSLGenerator

    li = make_slab(bulk("Li"), (1, 0, 0), 3)
    sub = make_slab(bulk(substrate), miller, 2)
    a_f = abs(np.linalg.det(li.cell.array[:2, :2]))
    a_s = abs(np.linalg.det(sub.cell.array[:2, :2]))
    ours: dict[tuple[int, int], float] = {}
    for m in lattice_matches(li, sub, max_strain=max_strain, max_area=130.0, limit=100):
        k = (round(abs(np.linalg.det(np.array(m.film_matrix)))), round(abs(np.linalg.det(np.array(m.substrate_matrix)))))
        ours[k] = min(ours.get(k, 1.0), m.strain)
    zsl: dict[tuple[int, int], float] = {}
    gen = ZSLGenerator(max_area_ratio_tol=2.5 * max_strain, max_area=130.0, max_length_tol=max_strain, max_angle_tol=0.01, bidirectional=False)
    for z in gen(li.cell.array[:2], sub.cell.array[:2]):
        fv, sv = np.asarray(z.film_sl_vectors), np.asarray(z.substrate_sl_vectors)
        k = (round(abs(np.linalg.det(fv[:, :2])) / a_f), round(abs(np.linalg.det(sv[:, :2])) / a_s))
        zsl[k] = min(zsl.get(k, 1.0), _principal_strain(fv, sv))
    # same supercell pairs (film cells, substrate cells) up to 130 A^2, same smallest strain for each (1e-6)
    assert sorted(ours) == sorted(zsl) and len(ours) >= 2
    for k in ours:
        assert ours[k] == pytest.approx(zsl[k], abs=1e-6)


def test_terminations_listed_flagged_and_selectable():
    t = terminations(bulk("Li2CO3"), (0, 0, 1))
    assert [x["termination"] for x in t] == list(range(len(t))) and len(t) == 2
    assert {x["bottom_plane"] for x in t} == {"Li1", "C1O3"}  # a Li plane and a carbonate plane; CO3 never broken
    assert all(isinstance(x["symmetric"], bool) and isinstance(x["polar"], bool) for x in t)
    shifts = [x["shift"] for x in t]
    assert len(set(np.round(shifts, 6))) == len(shifts)  # de-duplicated
    s0, s1 = (make_slab(bulk("Li2CO3"), (0, 0, 1), 4, termination=k) for k in (0, 1))
    assert s0.info["termination"] == 0 and s1.info["termination"] == 1
    assert s0.get_chemical_symbols() != s1.get_chemical_symbols() or not np.allclose(s0.positions, s1.positions)


@pytest.mark.slow
def test_argyrodite_terminations_keep_ps4_whole():
    lpsc = terminations(bulk("LPSC"), (1, 0, 0))
    assert len(lpsc) >= 2  # PS4 kept whole: no bottom plane holds P without its S
    assert all(not ("P" in x["bottom_plane"] and "S" not in x["bottom_plane"]) for x in lpsc)


def test_cli_lists_terminations(cli):
    r = cli("atomistic", "terminations", "Li2CO3", "--substrate-miller", "0", "0", "1", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["miller"] == [0, 0, 1] and len(doc["terminations"]) == 2
    assert "note" not in doc
    none = json.loads(cli("atomistic", "terminations", "Li2CO3", "--substrate-miller", "1", "1", "1", "--json").stdout)
    assert none["terminations"] == [] and "every cut of this plane breaks a polyanion's bonds" in none["note"]
