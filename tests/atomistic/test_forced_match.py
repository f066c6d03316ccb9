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


def _nn(atoms):
    from ase.neighborlist import neighbor_list

    return float(neighbor_list("d", atoms, 4.0).min())


def test_strain_on_the_substrate_keeps_li_at_its_own_lattice(slabs):
    """Ji's 4x4|3x3 with the mismatch on LiF: Li keeps a_Li (nearest neighbours sqrt(3)/2 a_Li, as in the bulk), LiF is
    stretched by 4 a_Li / 3 a_LiF - 1 (+14 %) in both directions, and the interface area is Li's (4 a_Li)^2."""
    from lisse.atomistic.interfaces import strain_on

    a_li, a_lif = bulk("Li").cell.lengths()[0], bulk("LiF").cell.lengths()[0]
    m0 = forced_match(slabs["Li"], slabs["LiF"], (4, 4), (3, 3))
    assert strain_on(m0, slabs["Li"], slabs["LiF"], "film") is m0
    m = strain_on(m0, slabs["Li"], slabs["LiF"], "substrate")
    stretch = 4 * a_li / (3 * a_lif) - 1
    assert m.strained == "substrate" and m.strain == 0.0 and m.principal_strains == (0.0, 0.0)
    assert m.substrate_principal_strains == pytest.approx((stretch, stretch), rel=1e-9)
    assert m.largest_strain == pytest.approx(stretch, rel=1e-9) and stretch > 0.13
    assert m.area_A2 == pytest.approx((4 * a_li) ** 2, rel=1e-9)
    it, fil, sub = build_interface(slabs["Li"], slabs["LiF"], m, gap=2.0, vacuum=10.0)
    for a in (it, fil, sub):
        assert np.linalg.norm(a.cell.array[:2], axis=1) == pytest.approx([4 * a_li, 4 * a_li], rel=1e-9)
    assert _nn(fil) == pytest.approx(math.sqrt(3) / 2 * a_li, rel=1e-6)  # bcc Li unstrained
    assert fil.info["strained"] is False and fil.info["strain"] == 0.0  # turned onto LiF's orientation, not strained
    assert build_interface(slabs["Li"], slabs["LiF"], m0, gap=2.0, vacuum=10.0)[1].info["strained"] is True
    ref_sub = build_interface(slabs["Li"], slabs["LiF"], m0, gap=2.0, vacuum=10.0)[2]  # LiF unstrained, same supercell
    df = sub.get_scaled_positions()[:, :2] - ref_sub.get_scaled_positions()[:, :2]
    assert np.abs(df - np.round(df)).max() < 1e-9  # stretched, not moved (fractions equal modulo 1)
    assert sub.positions[:, 2] == pytest.approx(ref_sub.positions[:, 2], abs=1e-9)  # z untouched
    assert np.linalg.norm(sub.cell.array[:2, :2], axis=1) == pytest.approx((1 + stretch) * np.linalg.norm(ref_sub.cell.array[:2, :2], axis=1), rel=1e-9)
    turn = np.degrees(np.arctan2(sub.cell.array[0, 1], sub.cell.array[0, 0]) - np.arctan2(ref_sub.cell.array[0, 1], ref_sub.cell.array[0, 0]))
    assert abs(turn) < 1e-7  # the substrate keeps its orientation: Li's cell is turned onto it, not the other way
    assert it.info["area_A2"] == pytest.approx(m.area_A2, rel=1e-12) and it.info["strained_side"] == "substrate" and sub.info["substrate_strain"] == m.substrate_strain


def test_strain_on_both_meets_at_the_mean_cell(slabs):
    from lisse.atomistic.interfaces import strain_on

    a_li, a_lif = bulk("Li").cell.lengths()[0], bulk("LiF").cell.lengths()[0]
    m = strain_on(forced_match(slabs["Li"], slabs["LiF"], (4, 4), (3, 3)), slabs["Li"], slabs["LiF"], "both")
    side = (4 * a_li + 3 * a_lif) / 2
    assert m.principal_strains == pytest.approx((side / (4 * a_li) - 1,) * 2, rel=1e-9)
    assert m.substrate_principal_strains == pytest.approx((side / (3 * a_lif) - 1,) * 2, rel=1e-9)
    assert m.area_A2 == pytest.approx(side**2, rel=1e-9)
    it, fil, sub = build_interface(slabs["Li"], slabs["LiF"], m, gap=2.0, vacuum=10.0)
    assert _nn(fil) == pytest.approx(math.sqrt(3) / 2 * a_li * math.sqrt(((side / (4 * a_li)) ** 2 * 2 + 1) / 3), rel=1e-6)


def _same_periodic(a, b, translate=(0.0, 0.0)):
    """Whether ``b`` moved by ``-translate`` (in-plane, Å) holds the same atoms as ``a`` modulo the in-plane lattice."""
    if a.get_chemical_symbols() != b.get_chemical_symbols() or not np.allclose(a.cell.array, b.cell.array, atol=1e-9):
        return False
    pb = b.positions.copy()
    pb[:, :2] -= np.asarray(translate)
    inv = np.linalg.inv(a.cell.array[:2, :2])
    for sym in set(a.get_chemical_symbols()):
        ia = [k for k, x in enumerate(a.get_chemical_symbols()) if x == sym]
        fa = np.c_[a.positions[ia, :2] @ inv, a.positions[ia, 2]]
        fb = np.c_[pb[ia, :2] @ inv, pb[ia, 2]]
        for row in fb:
            d = fa - row
            d[:, :2] -= np.round(d[:, :2])
            if np.min(np.abs(d).max(axis=1)) > 1e-6:
                return False
    return True


def test_a_registry_shift_is_carried_onto_the_strained_substrate(slabs):
    """A shift by a primitive vector v of the unstrained LiF is a translation of the strained LiF by v stretched: the
    interface is the one without a shift moved by that vector, and by nothing else (v unstretched fails)."""
    from lisse.atomistic.interfaces import strain_on

    m = strain_on(forced_match(slabs["Li"], slabs["LiF"], (4, 4), (3, 3)), slabs["Li"], slabs["LiF"], "substrate")
    v = slabs["LiF"].cell.array[0, :2]
    scale = 4 * bulk("Li").cell.lengths()[0] / (3 * bulk("LiF").cell.lengths()[0])
    it0 = build_interface(slabs["Li"], slabs["LiF"], m, gap=2.0, vacuum=10.0)[0]
    itv = build_interface(slabs["Li"], slabs["LiF"], m, gap=2.0, shift=tuple(v), vacuum=10.0)[0]
    assert _same_periodic(it0, itv, translate=v * scale)
    assert not _same_periodic(it0, itv, translate=v) and not _same_periodic(it0, itv)
    ith = build_interface(slabs["Li"], slabs["LiF"], m, gap=2.0, shift=tuple(0.5 * v), vacuum=10.0)[0]
    n_sub = it0.info["n_substrate"]
    assert _same_periodic(it0[:n_sub], ith[:n_sub])  # the substrate stays
    assert _same_periodic(it0[n_sub:], ith[n_sub:], translate=0.5 * v * scale)  # the film moves by half a stretched vector


def test_strain_on_refuses_an_unknown_side_and_a_second_restrain(slabs):
    from lisse.atomistic.interfaces import strain_on

    m0 = forced_match(slabs["Li"], slabs["LiF"], (4, 4), (3, 3))
    with pytest.raises(ParameterError, match="'side' must be one of film, substrate, both; got 'coating'"):
        strain_on(m0, slabs["Li"], slabs["LiF"], "coating")
    m = strain_on(m0, slabs["Li"], slabs["LiF"], "both")
    with pytest.raises(ParameterError, match="film-strained match"):
        strain_on(m, slabs["Li"], slabs["LiF"], "substrate")


def test_dft_decks_build_the_chosen_strain_and_refuse_an_ml_start_of_another_construction():
    """adhesion_jobs(strained="both"): the three W_ad structures share the mean cell; an ML result whose registry and gap
    came from another construction (strain side, forced supercells) is refused instead of silently reused."""
    from lisse.atomistic.interfaces import strain_on
    from lisse.atomistic.workflows import adhesion_jobs

    jobs = {j.name: j.atoms for j in adhesion_jobs("LiF", strained="both", film_layers=3, substrate_layers=2)}
    fl, sb = make_slab(bulk("Li"), (1, 0, 0), 3, 15.0), make_slab(bulk("LiF"), (1, 0, 0), 2, 15.0)
    m = strain_on(lattice_matches(fl, sb, max_strain=0.03, max_area=130.0)[0], fl, sb, "both")
    for name in ("film_strained", "substrate", "interface"):
        assert jobs[name].cell.array[:2, :2] == pytest.approx(np.array(m.common_cell), abs=1e-9)
    start = {"starts": [{"shift_A": [0.0, 0.0], "energy_eV": -1.0}], "interface_gap_relaxed_A": 2.5}
    with pytest.raises(ParameterError, match="ml_result.*strain on 'film'; expected 'both'"):
        adhesion_jobs("LiF", strained="both", ml_result=start)
    with pytest.raises(ParameterError, match="ml_result.*forced supercells"):
        adhesion_jobs("LiF", ml_result={**start, "supercells": {"film": [4, 4], "substrate": [3, 3], "cell": "conventional"}})
    assert len(adhesion_jobs("LiF", ml_result=start)) == len(adhesion_jobs("LiF"))


def test_the_coherent_search_keeps_its_limits_on_the_slab_that_takes_the_strain():
    """Review s50: Li(110)|Li2O(111) at 5 % / 74 A2 gave, with the strain moved onto Li2O afterwards, 5.2 % and 78 A2.
    The search now judges the cells it builds; and the film, turned by the search (a rotation, not the identity here),
    keeps bcc Li's nearest-neighbour distance while the substrate keeps its orientation."""
    from scipy.linalg import polar

    fl, sb = make_slab(bulk("Li"), (1, 1, 0), 3, 10.0), make_slab(bulk("Li2O"), (1, 1, 1), 2, 10.0)
    from lisse.errors import CalculationError

    film_first = lattice_matches(fl, sb, max_strain=0.05, max_area=74.0)[0]
    assert film_first.strained == "film" and film_first.strain > 0.045  # the reviewer's cell: 4.9 % on Li, 73.7 A2
    with pytest.raises(CalculationError, match="no coherent match"):  # on Li2O it is 5.2 % and 78 A2: outside, and nothing else fits
        lattice_matches(fl, sb, max_strain=0.05, max_area=74.0, strained="substrate")
    for side in ("substrate", "both"):
        ms = lattice_matches(fl, sb, max_strain=0.06, max_area=100.0, strained=side)
        assert ms and all(m.largest_strain <= 0.06 and m.area_A2 <= 100.0 and m.strained == side for m in ms)
    m = lattice_matches(fl, sb, max_strain=0.06, max_area=100.0, strained="substrate")[0]
    baa = np.array(m.film_matrix) @ fl.cell.array[:2, :2]
    bb = np.array(m.substrate_matrix) @ sb.cell.array[:2, :2]
    turn = polar(np.linalg.solve(baa, bb))[0]
    assert abs(math.degrees(math.atan2(turn[0, 1], turn[0, 0]))) > 1.0  # the path with a real rotation
    it, fil, sub = build_interface(fl, sb, m, gap=2.0, vacuum=10.0)
    a_li = bulk("Li").cell.lengths()[0]
    assert _nn(fil) == pytest.approx(math.sqrt(3) / 2 * a_li, rel=1e-6)
    # the substrate is stretched without a rotation: the polar factor of its deformation is the identity
    d = np.linalg.solve(_supercell_of(sb, m.substrate_matrix).cell.array[:2, :2], sub.cell.array[:2, :2])
    assert polar(d)[0] == pytest.approx(np.eye(2), abs=1e-9) and not np.allclose(d, np.eye(2), atol=1e-3)


def _supercell_of(slab, matrix):
    from lisse.atomistic.interfaces import _supercell

    return _supercell(slab, matrix)
