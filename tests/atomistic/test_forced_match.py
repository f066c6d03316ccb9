"""Forced supercells (Ji2025's constructions) and the conventional surface cell of a slab."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("ase")
pytest.importorskip("pymatgen")

from lisse.atomistic.interfaces import build_interface, forced_match, lattice_matches  # noqa: E402
from lisse.atomistic.slabs import conventional_surface_matrix, make_slab  # noqa: E402
from lisse.atomistic.structures import bulk  # noqa: E402
from lisse.errors import ParameterError  # noqa: E402


@pytest.fixture(scope="module")
def slabs():
    return {"Li": make_slab(bulk("Li"), (0, 0, 1), 4, 10.0), "LiF": make_slab(bulk("LiF"), (0, 0, 1), 3, 10.0),
            "Li2CO3": make_slab(bulk("Li2CO3"), (0, 0, 1), 3, 10.0)}


def _cell_of(slab, m):
    return np.array(m) @ slab.cell.array[:2, :2]


def test_conventional_surface_cell_is_the_cubic_face(slabs):
    a = bulk("LiF").cell.lengths()[0]
    m = slabs["LiF"].info["conventional_surface_matrix"]
    v = _cell_of(slabs["LiF"], m)
    assert np.linalg.norm(v, axis=1) == pytest.approx([a, a], rel=1e-9)  # the 4.03 A square, not the 2.85 A primitive one
    assert abs(float(v[0] @ v[1])) < 1e-8 and round(abs(np.linalg.det(m))) == 2
    # Li2CO3 (001) of the C-centred monoclinic cell: the a x b rectangle, twice the primitive surface cell
    lc = bulk("Li2CO3").cell.lengths()
    v = _cell_of(slabs["Li2CO3"], slabs["Li2CO3"].info["conventional_surface_matrix"])
    assert sorted(np.linalg.norm(v, axis=1)) == pytest.approx(sorted(lc[:2]), rel=1e-9)
    assert conventional_surface_matrix(bulk("Li"), (0, 0, 1), slabs["Li"]) == ((1, 0), (0, 1))


def test_ji_li_on_lif_4x4_on_3x3_strain_is_the_lattice_ratio(slabs):
    a_li, a_lif = bulk("Li").cell.lengths()[0], bulk("LiF").cell.lengths()[0]
    m = forced_match(slabs["Li"], slabs["LiF"], (4, 4), (3, 3))
    expected = 3 * a_lif / (4 * a_li) - 1  # isotropic: both squares
    assert m.strain_along == pytest.approx((expected, expected), rel=1e-9)
    assert m.principal_strains == pytest.approx((expected, expected), rel=1e-9)
    assert m.strain == pytest.approx(abs(expected), rel=1e-9) and m.strain_percent == pytest.approx(100 * abs(expected), rel=1e-9)
    assert abs(m.angle_change_deg) < 1e-9
    assert m.area_A2 == pytest.approx((3 * a_lif) ** 2, rel=1e-9)
    it, fil, sub = build_interface(slabs["Li"], slabs["LiF"], m, gap=2.0, vacuum=10.0)
    assert it.info["n_film"] == 16 * 4 and it.info["n_substrate"] == 9 * 4 * 3  # 16 Li per plane; 9 cells x 4 ions x 3 planes


def test_ji_li_on_li2co3_3x3_on_2x2_primitive_cell(slabs):
    m = forced_match(slabs["Li"], slabs["Li2CO3"], (3, 3), (2, 2), cell="slab")
    a_li = bulk("Li").cell.lengths()[0]
    sub = 2 * slabs["Li2CO3"].cell.array[:2, :2]
    lens = np.linalg.norm(sub, axis=1)
    assert sorted(m.strain_along) == pytest.approx(sorted(lens / (3 * a_li) - 1), rel=1e-9)
    ang = math.degrees(math.acos(sub[0] @ sub[1] / (lens[0] * lens[1])))
    assert abs(m.angle_change_deg) == pytest.approx(abs(ang - 90.0), rel=1e-9)
    # principal strains: singular values of the map from the Li square onto the Li2CO3 cell (a second method)
    film = np.array(m.film_matrix) @ slabs["Li"].cell.array[:2, :2]
    sv = np.linalg.svd(np.linalg.solve(film, np.array(m.substrate_matrix) @ slabs["Li2CO3"].cell.array[:2, :2]), compute_uv=False)
    assert sorted(m.principal_strains) == pytest.approx(sorted(sv - 1), rel=1e-9)
    # the conventional reading (the 8.4 x 5.0 A rectangle, 2x2) would strain Li by ~60 %: refused with the number
    with pytest.raises(ParameterError, match="strains the film"):
        forced_match(slabs["Li"], slabs["Li2CO3"], (3, 3), (2, 2))


@pytest.mark.parametrize(("spec", "msg"), [((0, 3), "determinant"), ((2.5, 2), "whole numbers"), ("4x4", "whole numbers"),
                                           ((30, 30), "at most 400")])
def test_bad_supercells_are_refused(slabs, spec, msg):
    with pytest.raises(ParameterError, match=msg):
        forced_match(slabs["Li"], slabs["LiF"], spec, (3, 3))


def test_cell_option_and_search_fill_the_new_fields(slabs):
    with pytest.raises(ParameterError, match="cell"):
        forced_match(slabs["Li"], slabs["LiF"], cell="primitive")
    m = lattice_matches(slabs["Li"], slabs["LiF"], max_strain=0.05, max_cells=10, max_area=70.0)[0]
    f = np.array(m.film_matrix) @ slabs["Li"].cell.array[:2, :2]
    s = np.array(m.substrate_matrix) @ slabs["LiF"].cell.array[:2, :2]
    assert m.strain_along == pytest.approx(tuple(np.linalg.norm(s, axis=1) / np.linalg.norm(f, axis=1) - 1), rel=1e-9)
